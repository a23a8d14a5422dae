//! OpenAPI Overlay 1.0 documents applied by the loader (`codegen::load::overlay`): what
//! `update` and `remove` do, the note of an action that selects nothing, and located
//! errors for malformed overlays, never a panic.

use std::path::{Path, PathBuf};

use codegen::load::overlay::{apply, apply_to_text, load_with_overlays};
use serde_json::{json, Value};

const SPEC: &str = "\
openapi: 3.0.3
info:
  title: Vendor
  version: '1'
tags:
  - name: a
paths:
  /things:
    get:
      operationId: listThings
      parameters:
        - name: dummy
          in: query
          schema: {type: string}
        - name: page
          in: query
          schema: {type: integer}
      responses:
        '200':
          description: ok
  /internal:
    get:
      operationId: internal
      responses:
        '200':
          description: ok
components:
  schemas:
    Thing:
      type: object
      properties:
        id: {type: string}
        size: {type: integer, format: int32}
";

fn patch(overlay: &str) -> Result<(Value, Vec<codegen::normalize::Note>), codegen::SpecError> {
    let overlays = [(PathBuf::from("fix.overlay.yaml"), overlay.to_string())];
    let patched = apply_to_text(Path::new("vendor.yaml"), SPEC.to_string(), &overlays)?;
    let value = serde_json::from_str(&patched.text).expect("the patched text is JSON");
    Ok((value, patched.notes))
}

fn overlay_error(overlay: &str) -> codegen::SpecError {
    match patch(overlay) {
        Ok(_) => panic!("the overlay should be refused:\n{overlay}"),
        Err(e) => e,
    }
}

#[test]
fn update_merges_objects_appends_arrays_and_replaces_primitives() {
    let (doc, notes) = patch(
        "\
overlay: 1.0.0
info: {title: fixes, version: '1'}
actions:
  - target: $.components.schemas.Thing
    description: sizes are 64-bit, and things have a name
    update:
      properties:
        size: {format: int64}
        name: {type: string}
      required: [id]
  - target: $.tags
    update: {name: b}
  - target: $.tags
    update: [{name: c}, {name: d}]
  - target: $
    update:
      servers: [{url: 'https://api.example.com'}]
",
    )
    .unwrap();
    assert!(notes.is_empty(), "{notes:?}");
    let thing = &doc["components"]["schemas"]["Thing"];
    assert_eq!(
        thing,
        &json!({
            "type": "object",
            "properties": {
                "id": {"type": "string"},
                "size": {"type": "integer", "format": "int64"},
                "name": {"type": "string"},
            },
            "required": ["id"],
        })
    );
    // Members keep the document's order; new ones come after.
    let keys: Vec<&String> = thing["properties"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["id", "size", "name"]);
    let top: Vec<&String> = doc.as_object().unwrap().keys().collect();
    assert_eq!(
        top,
        ["openapi", "info", "tags", "paths", "components", "servers"]
    );
    assert_eq!(
        doc["tags"],
        json!([{"name": "a"}, {"name": "b"}, {"name": "c"}, {"name": "d"}])
    );
}

#[test]
fn remove_removes_the_selected_nodes_from_their_parents() {
    let (doc, notes) = patch(
        "\
overlay: 1.0.0
info: {title: public, version: '1'}
actions:
  - target: $.paths['/internal']
    remove: true
  - target: $.paths.*.get.parameters[?@.name == 'dummy']
    remove: true
",
    )
    .unwrap();
    assert!(notes.is_empty(), "{notes:?}");
    let paths: Vec<&String> = doc["paths"].as_object().unwrap().keys().collect();
    assert_eq!(paths, ["/things"]);
    assert_eq!(
        doc["paths"]["/things"]["get"]["parameters"],
        json!([{"name": "page", "in": "query", "schema": {"type": "integer"}}])
    );
}

#[test]
fn an_action_that_selects_nothing_is_a_note_with_its_pointer_and_target() {
    let (doc, notes) = patch(
        "\
overlay: 1.0.0
info: {title: fixes, version: '1'}
actions:
  - target: $.info
    update: {x-patched: true}
  - target: $.paths['/x'].get
    update: {deprecated: true}
",
    )
    .unwrap();
    assert_eq!(doc["info"]["x-patched"], json!(true));
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0].pointer, "fix.overlay.yaml#/actions/1");
    assert_eq!(
        notes[0].message,
        "overlay action /actions/1 (target `$.paths['/x'].get`) matches nothing: the overlay no longer applies"
    );
}

#[test]
fn an_invalid_jsonpath_is_an_error_at_its_line() {
    let e = overlay_error(
        "\
overlay: 1.0.0
info: {title: fixes, version: '1'}
actions:
  - target: $.info
    update: {x-a: 1}
  - target: $.paths[
    remove: true
",
    );
    assert_eq!(e.file, Path::new("fix.overlay.yaml"));
    assert_eq!(e.pointer, "/actions/1/target");
    assert_eq!(e.position, Some((6, 5)));
    assert!(
        e.message.starts_with("invalid JSONPath `$.paths[`: "),
        "{e}"
    );
    assert!(
        e.to_string()
            .starts_with("fix.overlay.yaml:6:5: /actions/1/target: invalid JSONPath"),
        "{e}"
    );
}

#[test]
fn malformed_overlays_are_located_errors() {
    let cases: &[(&str, &str, &str)] = &[
        ("- just a list\n", "", "an overlay is a mapping"),
        (
            "info: {title: t, version: '1'}\nactions: []\n",
            "",
            "missing `overlay` version field",
        ),
        (
            "overlay: 2.0.0\ninfo: {title: t, version: '1'}\nactions: [{target: $, remove: true}]\n",
            "/overlay",
            "unknown Overlay version `2.0.0`; expected 1.x",
        ),
        (
            "overlay: 1.0\ninfo: {title: t, version: '1'}\nactions: [{target: $, remove: true}]\n",
            "/overlay",
            "must be a version string such as 1.0.0 (quote it in YAML), not a number",
        ),
        (
            "overlay: 1.0.0\ninfo: {title: t, version: '1'}\n",
            "",
            "missing `actions`",
        ),
        (
            "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: []\n",
            "/actions",
            "`actions` is empty",
        ),
        (
            "overlay: 1.0.0\ninfo: {title: t}\nactions: [{target: $, remove: true}]\n",
            "/info",
            "missing `info.version`",
        ),
        (
            "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: [{update: {}}]\n",
            "/actions/0",
            "missing `target`",
        ),
        (
            "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: [{target: $.info}]\n",
            "/actions/0",
            "the action changes nothing",
        ),
        (
            "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: [{target: $.info, remove: yes please}]\n",
            "/actions/0/remove",
            "`remove` must be true or false, not a string",
        ),
        (
            "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: [{target: $.info, updates: {}}]\n",
            "/actions/0/updates",
            "unknown field `updates` of an action",
        ),
        (
            "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: [{target: $.info, update: [1]}]\n",
            "/actions/0/update",
            "the target selects an object (`/info` of the spec), so `update` must be an object",
        ),
        (
            "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: [{target: $.info.title, update: New}]\n",
            "/actions/0/target",
            "the target selects a string (`/info/title` of the spec); Overlay 1.0 updates objects and arrays",
        ),
        (
            "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: [{target: $.info, update: {title: {text: t}}}]\n",
            "/actions/0/update/title",
            "cannot merge an object into a string (`/info/title` of the spec)",
        ),
    ];
    for (overlay, pointer, message) in cases {
        let e = overlay_error(overlay);
        assert_eq!(e.file, Path::new("fix.overlay.yaml"), "{e}");
        assert_eq!(e.pointer, *pointer, "{e}");
        assert!(e.message.contains(message), "{e}\nexpected: {message}");
        assert!(e.position.is_some(), "{e}");
    }
    // A target nested deeper than any real one is refused before a parser descends.
    let deep = format!(
        "overlay: 1.0.0\ninfo: {{title: t, version: '1'}}\nactions: [{{target: \"$[{}\", remove: true}}]\n",
        "[".repeat(100_000)
    );
    let e = overlay_error(&deep);
    assert_eq!(e.pointer, "/actions/0/target");
    assert!(e.message.contains("brackets deep"), "{e}");
}

#[test]
fn apply_works_on_parsed_trees_and_changes_nothing_on_error() {
    let mut spec = json!({"openapi": "3.0.3", "paths": {}});
    let overlay = json!({
        "overlay": "1.0.0",
        "info": {"title": "t", "version": "1"},
        "actions": [
            {"target": "$.paths", "update": {"/a": {}}},
            {"target": "$.missing", "remove": true},
            {"target": "$.paths", "update": 3},
        ],
    });
    let e = apply(&mut spec, &overlay, Path::new("o.json")).unwrap_err();
    assert_eq!(
        (e.pointer.as_str(), e.position),
        ("/actions/2/update", None)
    );
    assert_eq!(spec, json!({"openapi": "3.0.3", "paths": {}}));
    let overlay = json!({
        "overlay": "1.0.0",
        "info": {"title": "t", "version": "1"},
        "actions": [{"target": "$.missing", "remove": true}],
    });
    let notes = apply(&mut spec, &overlay, Path::new("o.json")).unwrap();
    assert_eq!(notes[0].pointer, "o.json#/actions/0");
}

#[test]
fn a_patched_spec_is_located_in_the_file_as_written() {
    // The vendor wrote 3.1's `type: [integer, 'null']` in a 3.0 document, which the typed
    // parse refuses; an overlay that fixes something else leaves it, and the error points
    // at the line of the spec as written, not of the patched text.
    let spec = "\
openapi: 3.0.3
info: {title: Vendor, version: '1'}
paths: {}
components:
  schemas:
    Thing:
      type: object
      properties:
        count:
          type: [integer, 'null']
";
    let fix_servers = "\
overlay: 1.0.0
info: {title: servers, version: '1'}
actions:
  - target: $
    update:
      servers: [{url: 'https://api.example.com'}]
  - target: $.paths['/gone']
    remove: true
";
    let overlays = vec![(
        PathBuf::from("servers.overlay.yaml"),
        fix_servers.to_string(),
    )];
    let e = load_with_overlays(Path::new("vendor.yaml"), spec.to_string(), &overlays)
        .expect_err("a list as `type` is refused in 3.0");
    assert_eq!(e.file, Path::new("vendor.yaml"));
    assert_eq!(e.pointer, "/components/schemas/Thing");
    assert_eq!(e.position, Some((6, 5)), "{e}");

    // An array cannot be merged into a string: the type is removed, then set.
    let fix_type = "\
overlay: 1.0.0
info: {title: types, version: '1'}
actions:
  - target: $.components.schemas.Thing.properties.count.type
    remove: true
  - target: $.components.schemas.Thing.properties.count
    update: {type: integer, nullable: true}
";
    let overlays = vec![
        (
            PathBuf::from("servers.overlay.yaml"),
            fix_servers.to_string(),
        ),
        (PathBuf::from("types.overlay.yaml"), fix_type.to_string()),
    ];
    let loaded = load_with_overlays(Path::new("vendor.yaml"), spec.to_string(), &overlays)
        .expect("the patched spec loads");
    assert_eq!(loaded.openapi.servers[0].url, "https://api.example.com");
    assert_eq!(
        loaded.source, spec,
        "messages are placed in the spec as written"
    );
    assert_eq!(
        loaded.locate("/components/schemas/Thing/properties/count"),
        Some((9, 9))
    );
    // Added by the overlay: located at its nearest ancestor in the file, the root.
    assert_eq!(loaded.locate("/servers/0"), Some((1, 1)));
    assert_eq!(loaded.notes.len(), 1, "{:?}", loaded.notes);
    assert_eq!(loaded.notes[0].pointer, "servers.overlay.yaml#/actions/1");

    // Without overlays the loader reads the spec as it is.
    let plain = load_with_overlays(Path::new("vendor.yaml"), SPEC.to_string(), &[]).unwrap();
    assert_eq!(plain.openapi.paths.paths.len(), 2);
}

#[test]
fn an_overlay_can_correct_the_version_and_the_result_is_checked_as_a_document() {
    let spec = "openapi: '3.0'\ninfo: {title: t, version: '1'}\npaths: {}\n";
    let fix = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $\n    update: {openapi: 3.0.3}\n";
    let overlays = vec![(PathBuf::from("v.overlay.yaml"), fix.to_string())];
    let loaded = load_with_overlays(Path::new("s.yaml"), spec.to_string(), &overlays).unwrap();
    assert_eq!(loaded.openapi.openapi, "3.0.3");

    let wrong = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $\n    update: {openapi: 2.0.0}\n";
    let overlays = vec![(PathBuf::from("v.overlay.yaml"), wrong.to_string())];
    let e = load_with_overlays(Path::new("s.yaml"), spec.to_string(), &overlays).unwrap_err();
    assert_eq!(e.pointer, "/openapi");
    assert_eq!(e.position, Some((1, 1)));
    assert!(e.message.contains("unknown OpenAPI version `2.0.0`"), "{e}");
}
