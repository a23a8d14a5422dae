//! The diff on its rule fixtures: each folder `tests/diff/<rule>/` holds `old.yaml`, `new.yaml`
//! and `expected.snap`, the insta snapshot of the text report of comparing them (as
//! `specs/api.yaml`, with the crate at version 0.1.0). After an intended change,
//! `INSTA_UPDATE=always` (or `cargo insta review`) rewrites them; review the diff.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use spec_review::diff::{self, Breaks, Bump, Format, Level, Report, Rule};
use spec_review::spec::Doc;
/// The generated crate the fixtures are named for, as in this workspace.
const CRATE_NAME: &str = "conversation-apis";

fn rules_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diff")
}

fn doc(path: &Path) -> Doc {
    Doc::read(path, "specs/api.yaml").unwrap_or_else(|d| panic!("{}: {d}", path.display()))
}

fn report(rule: &str) -> Report {
    let dir = rules_dir().join(rule);
    let changes = diff::diff_docs(
        "specs/api.yaml",
        &doc(&dir.join("old.yaml")),
        &doc(&dir.join("new.yaml")),
        CRATE_NAME,
    );
    Report::new(None, changes, Some("0.1.0".into()), CRATE_NAME)
}

/// Checks `text` against the insta snapshot `name.snap` in the fixture folder `dir`
/// (`INSTA_UPDATE=always` or `cargo insta review` updates it).
pub(crate) fn assert_fixture_snapshot(dir: &Path, name: &str, text: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(dir);
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(name, text));
}

#[test]
fn every_rule_matches_its_expected_report() {
    let mut rules: Vec<_> = std::fs::read_dir(rules_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    rules.sort();
    assert!(rules.len() >= 20, "{rules:?}");
    for dir in rules {
        let rule = dir.file_name().unwrap().to_string_lossy().into_owned();
        assert_fixture_snapshot(&dir, "expected", &report(&rule).to_text());
    }
}

fn only(rule: &str) -> diff::Change {
    let r = report(rule);
    assert_eq!(r.changes.len(), 1, "{}", r.to_text());
    r.changes[0].clone()
}

#[test]
fn removed_operation_breaks_callers_and_compilation() {
    let c = only("operation-removed");
    assert_eq!(
        (c.level, c.breaks_compilation, c.rule.name()),
        (Level::Error, Breaks::Yes, "operation-removed")
    );
    assert_eq!(
        c.rust_items,
        ["conversation_apis::api::Client::get_conversation"]
    );
    assert_eq!(report("operation-removed").bump(), Bump::Major);
}

#[test]
fn request_property_that_became_required_names_the_field() {
    let c = only("request-property-became-required");
    assert_eq!((c.level, c.breaks_compilation), (Level::Error, Breaks::Yes));
    assert_eq!(
        c.rust_items,
        ["conversation_apis::api::types::NewConversation::channel"]
    );
    assert_eq!(c.location, "schema NewConversation");
}

#[test]
fn nullability_is_judged_by_direction() {
    let response = only("response-nullable");
    assert_eq!(
        (response.level, response.breaks_compilation),
        (Level::Error, Breaks::Yes)
    );
    let request = only("request-nullable");
    assert_eq!(request.level, Level::Info);
    // Harmless on the wire, but the optional field goes from `Option<i32>` to
    // `Option<Option<i32>>`.
    assert_eq!(request.breaks_compilation, Breaks::Yes);
}

#[test]
fn enum_values_added_warn_http_callers_but_keep_rust_code_compiling() {
    // Enums are `#[non_exhaustive]`: matches already have a `_` arm.
    let c = only("response-enum-value-added");
    assert_eq!(
        (c.level, c.breaks_compilation),
        (Level::Warning, Breaks::No)
    );
    let c = only("request-enum-value-added");
    assert_eq!((c.level, c.breaks_compilation), (Level::Info, Breaks::No));
    assert_eq!(report("response-enum-value-added").bump(), Bump::Minor);
    let c = only("enum-value-removed");
    assert_eq!((c.level, c.breaks_compilation), (Level::Error, Breaks::Yes));
}

#[test]
fn non_breaking_spec_changes_keep_rust_code_compiling() {
    // Structs are `#[non_exhaustive]` with `new(required..)` and setters; operations and
    // optional parameters are new methods.
    for rule in [
        "request-property-added",
        "response-property-added",
        "request-enum-value-added",
        "response-enum-value-added",
        "optional-query-parameter-added",
        "operation-added",
        "media-type-added",
        "response-media-type-added",
        "status-added",
        "success-status-added",
    ] {
        let r = report(rule);
        assert!(
            r.changes.iter().all(|c| c.breaks_compilation == Breaks::No),
            "{rule}:\n{}",
            r.to_text()
        );
        assert_eq!(r.bump(), Bump::Minor, "{rule}:\n{}", r.to_text());
        assert_eq!(r.next_version().as_deref(), Some("0.1.1"), "{rule}");
    }
}

#[test]
fn statuses_break_code_only_where_they_have_a_variant() {
    // Reply and error enums are `#[non_exhaustive]`; an error status without a body is
    // `runtime::Error::Status`, no variant.
    let c = only("error-status-removed");
    assert_eq!((c.level, c.breaks_compilation), (Level::Info, Breaks::No));
    assert_eq!(
        c.rust_items,
        ["conversation_apis::api::Client::get_conversation"]
    );
    assert_eq!(report("error-status-removed").bump(), Bump::Patch);
    let c = only("error-status-with-body-removed");
    assert_eq!(c.breaks_compilation, Breaks::Yes);
    assert!(c
        .rust_items
        .contains(&"conversation_apis::api::CreateConversationError::Default".to_string()));
    // `default` is a reply while nothing else is: a 201 moves it to the errors.
    let r = report("default-response-moved");
    let moved = r
        .changes
        .iter()
        .find(|c| c.rule == Rule::from_name("status-moved").unwrap())
        .unwrap();
    assert_eq!(moved.breaks_compilation, Breaks::Yes, "{}", r.to_text());
    assert_eq!(r.bump(), Bump::Major);
}

#[test]
fn required_properties_added_break_new_unless_they_may_be_null() {
    // `new` takes one more argument, in requests and in responses.
    for rule in [
        "required-request-property-added",
        "response-required-property-added",
    ] {
        let c = only(rule);
        assert_eq!(c.breaks_compilation, Breaks::Yes, "{rule}");
        assert_eq!(report(rule).bump(), Bump::Major, "{rule}");
    }
    // A required property that may be null starts as `null`: no new argument. HTTP
    // callers that do not send it break; code using the crate does not.
    let c = only("required-nullable-property-added");
    assert_eq!((c.level, c.breaks_compilation), (Level::Error, Breaks::No));
    let r = report("required-nullable-property-added");
    assert_eq!(r.bump(), Bump::Minor);
    assert!(
        r.bump_sentence()
            .contains("HTTP callers break (ERR), but consumers' Rust code keeps compiling"),
        "{}",
        r.bump_sentence()
    );
}

#[test]
fn a_required_response_field_is_harmless_on_the_wire_but_not_in_rust() {
    let c = only("response-property-became-required");
    assert_eq!((c.level, c.breaks_compilation), (Level::Info, Breaks::Yes));
    assert_eq!(
        report("response-property-became-required").bump(),
        Bump::Major
    );
}

#[test]
fn additions_are_minor_and_nothing_is_none() {
    let r = report("property-added");
    assert!(r.changes.iter().all(|c| c.level == Level::Info));
    assert_eq!(r.bump(), Bump::Minor);
    assert_eq!(r.next_version().as_deref(), Some("0.1.1"));
    let r = report("no-changes");
    assert!(r.changes.is_empty());
    assert_eq!(r.bump(), Bump::None);
    assert_eq!(
        report("operation-removed").next_version().as_deref(),
        Some("0.2.0")
    );
}

#[test]
fn renaming_a_schema_is_info_on_the_wire_but_renames_the_type() {
    let r = report("schema-renamed");
    let renamed: Vec<_> = r
        .changes
        .iter()
        .filter(|c| c.rule == Rule::from_name("type-renamed").unwrap())
        .collect();
    assert_eq!(renamed.len(), 2, "{}", r.to_text());
    assert!(renamed
        .iter()
        .all(|c| c.level == Level::Info && c.breaks_compilation == Breaks::Yes));
    assert!(!r.has_at_least(Level::Error), "{}", r.to_text());
}

#[test]
fn markdown_and_json_formats() {
    let r = report("request-property-became-required");
    let md = r.render(Format::Markdown);
    assert!(md.contains("| Level | Where | Change | Rust items | Stops compiling |\n| --- | --- | --- | --- | --- |\n"), "{md}");
    assert!(md.contains("| ERR | `specs/api.yaml:"), "{md}");
    assert!(
        md.contains("`conversation_apis::api::types::NewConversation::channel`"),
        "{md}"
    );
    assert!(md.contains("**Suggested version bump: major (breaking: consumers' code stops compiling; conversation-apis is 0.x, so bump the minor version: 0.1.0 → 0.2.0)**"), "{md}");

    let json: serde_json::Value = serde_json::from_str(&r.render(Format::Json)).unwrap();
    assert_eq!(json["changes"][0]["level"], "ERR");
    assert_eq!(json["changes"][0]["rule"], "property-became-required");
    assert_eq!(json["changes"][0]["breaks_compilation"], "yes");
    assert_eq!(
        json["changes"][0]["pointer"],
        "/components/schemas/NewConversation/properties/channel"
    );
    assert_eq!(json["semver"]["bump"], "major");
    assert_eq!(json["semver"]["next_version"], "0.2.0");
    assert_eq!(json["summary"]["err"], 1);
}

#[test]
fn added_and_removed_spec_files() {
    let dir = rules_dir().join("no-changes");
    let mut old = BTreeMap::new();
    old.insert(
        "specs/gone.yaml".to_string(),
        Doc::read(&dir.join("old.yaml"), "specs/gone.yaml").unwrap(),
    );
    let mut new = BTreeMap::new();
    new.insert(
        "specs/teamwork-desk.yaml".to_string(),
        Doc::read(&dir.join("new.yaml"), "specs/teamwork-desk.yaml").unwrap(),
    );
    let r = Report::new(
        None,
        diff::diff_sets(&old, &new, CRATE_NAME),
        Some("0.3.1".into()),
        CRATE_NAME,
    );
    let text = r.to_text();
    assert_eq!(r.changes.len(), 2, "{text}");
    let added = r
        .changes
        .iter()
        .find(|c| c.rule == Rule::from_name("spec-added").unwrap())
        .unwrap();
    assert_eq!(
        (added.level, added.breaks_compilation),
        (Level::Info, Breaks::No)
    );
    assert_eq!(added.rust_items, ["conversation_apis::teamwork_desk"]);
    let removed = r
        .changes
        .iter()
        .find(|c| c.rule == Rule::from_name("spec-removed").unwrap())
        .unwrap();
    assert_eq!(
        (removed.level, removed.breaks_compilation),
        (Level::Error, Breaks::Yes)
    );
    assert_eq!(r.next_version().as_deref(), Some("0.4.0"));
}

#[test]
fn renamed_collisions_and_merged_types_are_named_as_generated() {
    // `listItems`'s builder would be `ListItems`, but `ListItemsReply` is a schema: codegen
    // numbers the operation's items (`ListItems2`). `Ticket.state` and `Note.state` are
    // identical enums, merged as `NoteState` with `TicketState` an alias, until a value
    // is added to one of them.
    let r = report("renamed-collision-merged-type");
    let items: Vec<&str> = r
        .changes
        .iter()
        .flat_map(|c| c.rust_items.iter().map(String::as_str))
        .collect();
    for item in [
        "conversation_apis::api::ListItems2::page_size",
        "conversation_apis::api::types::TicketState",
        "conversation_apis::api::types::TicketState::Archived",
    ] {
        assert!(items.contains(&item), "{item} not in {items:?}");
    }
    let split = r
        .changes
        .iter()
        .find(|c| c.rule == Rule::TypeUnmerged)
        .unwrap();
    assert_eq!(split.breaks_compilation, Breaks::Yes);
    assert_eq!(r.bump(), Bump::Major);

    // The names are the generated code's.
    let dir = rules_dir().join("renamed-collision-merged-type");
    let generated = |file: &str| {
        let doc = doc(&dir.join(file));
        let config = codegen::CrateConfig {
            package_name: "api".into(),
            version: "0.1.0".into(),
            description: "test".into(),
            runtime_dependency: r#"{ path = "../runtime" }"#.into(),
            command: "test".into(),
            standalone: true,
            selection: codegen::Selection::default(),
            tag_features: false,
        };
        let api = codegen::ApiInput {
            module: "api".into(),
            spec: doc.spec,
        };
        let krate = codegen::generate_crate(&[api], &config).unwrap();
        krate.files["src/api/mod.rs"].clone() + &krate.files["src/api/types.rs"]
    };
    let old = generated("old.yaml");
    let new = generated("new.yaml");
    assert!(old.contains("pub type TicketState = NoteState;"), "{old}");
    assert!(new.contains("pub enum TicketState {"));
    assert!(new.contains("pub struct ListItems2<") || new.contains("pub struct ListItems2 {"));
    assert!(new.contains("pub fn page_size("));
}
