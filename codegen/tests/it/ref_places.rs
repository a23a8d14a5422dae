//! References judged by their place (`fixtures/ref_places.yaml`, shapes of APIs.guru
//! documents): a path ending in `$ref` is no reference, a response that names a schema
//! and a `$ref` with sibling keywords are read through the normalising pass whatever
//! else the document holds, and the siblings keep their meaning. The fixture is also
//! snapshotted and compiled with the others.

use crate::common;

fn generated() -> codegen::GeneratedCrate {
    common::generate_one("ref_places")
}

fn types() -> String {
    generated().files["src/ref_places/types.rs"].clone()
}

#[test]
fn a_description_beside_a_ref_documents_the_field_and_keeps_the_target_nullable() {
    let types = types();
    assert!(
        types.contains(
            "    /// The user who uploaded the track.\n    pub user: Option<Option<MetaUser>>,"
        ),
        "{types}"
    );
    assert!(
        types.contains("user: Option<Option<MetaUser>> = \"user\" => optional_nullable,"),
        "{types}"
    );
}

#[test]
fn required_beside_a_ref_makes_those_properties_required() {
    let types = types();
    assert!(
        types.contains("pub struct PostTrackRequest {\n    /// `title`\n    pub title: String,"),
        "{types}"
    );
    // The component itself is unchanged.
    assert!(
        types.contains("pub struct TrackData {\n    /// `title`\n    pub title: Option<String>,"),
        "{types}"
    );
}

#[test]
fn an_odata_path_and_a_response_naming_a_schema_generate() {
    let spec = common::load_fixture("ref_places");
    assert!(spec
        .openapi
        .paths
        .paths
        .contains_key("/users/{id}/manager/$ref"));
    let generated = generated();
    let client = &generated.files["src/ref_places/mod.rs"];
    assert!(client.contains("pub fn get_manager_ref("), "{client}");
    // The response that names a schema is read as a response with that text.
    assert!(
        client.contains("404 => response.status_error(),"),
        "{client}"
    );
}

#[test]
fn messages_about_an_added_component_name_the_place_it_was_taken_from() {
    let generated = generated();
    let pointers: Vec<&str> = generated
        .stats
        .fallbacks
        .iter()
        .map(|f| f.pointer.as_str())
        .collect();
    assert_eq!(pointers, ["/components/schemas/Track/definitions/level"]);
    let spec = common::load_fixture("ref_places");
    assert_eq!(spec.locate(pointers[0]), Some((56, 9)));
}
