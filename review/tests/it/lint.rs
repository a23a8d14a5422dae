//! Lint on its fixtures in `tests/lint/`: each `NAME.yaml` is linted and its lines
//! compared with the insta snapshot `NAME.snap`. After an intended change,
//! `INSTA_UPDATE=always` (or `cargo insta review`) rewrites them; review the diff.

use std::path::{Path, PathBuf};

use spec_review::lint;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/lint")
        .join(name)
}

fn lint_lines(name: &str) -> String {
    let path = fixture(&format!("{name}.yaml"));
    let mut out = String::new();
    for d in lint::lint_file(&path, &format!("{name}.yaml")) {
        out.push_str(&lint::format_diagnostic(&d));
        out.push('\n');
    }
    out
}

/// The lint lines of fixture `name`, checked against the insta snapshot `NAME.snap`
/// beside it (`INSTA_UPDATE=always` or `cargo insta review` updates it).
fn expect(name: &str) -> String {
    let actual = lint_lines(name);
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lint"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(name, actual));
    actual
}

#[test]
fn clean_spec_has_no_errors_and_lists_assumptions() {
    let out = expect("clean");
    assert!(!out.contains(": error: "), "{out}");
    // nullable, readOnly in requests, allOf + discriminator, int32, date-time and the
    // unknown `date-span` format all pass; multi-line markers are joined.
    assert!(out.contains("clean.yaml:98:7: /components/schemas/Channel/x-assumption: info: assumption: Only email and sms are documented.\n"), "{out}");
    // The `default` response is structure: its markers are listed and its schema is used.
    assert!(out.contains("clean.yaml:47:11: /paths/~1conversations/post/responses/default/x-assumption: info: assumption: Error statuses are not documented.\n"), "{out}");
}

#[test]
fn unresolved_and_external_refs() {
    let out = expect("bad-refs");
    assert!(out.contains("bad-refs.yaml:15:17: /paths/~1things/get/responses/200/content/application~1json/schema/$ref: error: `$ref: #/components/schemas/Thingz` points to nothing in the document"), "{out}");
    assert!(out.contains("(did you mean `Thing`?)"), "{out}");
    // Other files are followed (gen reads them too); one that is missing is an error.
    assert!(out.contains("bad-refs.yaml:22:15: /paths/~1things/post/requestBody/content/application~1json/schema/$ref: error: `$ref: common.yaml#/components/schemas/Thing` cannot be followed: cannot read `common.yaml`"), "{out}");
    // Every reference to nothing is listed, not only the first.
    assert!(out.contains("bad-refs.yaml:32:11: /components/schemas/Thing/properties/owner/$ref: error: `$ref: #/components/schemas/Thing/properties/missing` points to nothing"), "{out}");
}

#[test]
fn duplicate_operation_ids() {
    let out = expect("duplicate-operation-id");
    assert_eq!(
        out,
        "duplicate-operation-id.yaml:14:7: /paths/~1b/get/operationId: error: operationId `getThing` is not unique: GET /a (line 8) uses it too\n"
    );
}

#[test]
fn examples_that_do_not_match_their_schema() {
    let out = expect("bad-examples");
    for needle in [
        // parameter example
        "bad-examples.yaml:13:9: /paths/~1conversations~1{id}/parameters/0/example: error: example does not match schema",
        // examples[*].value, pointing at the offending member
        "bad-examples.yaml:26:19: /paths/~1conversations~1{id}/put/requestBody/content/application~1json/examples/wrongType/value/subject: error:",
        // media type example, nullable enum
        "/put/responses/200/content/application~1json/example/status: error: example does not match schema /paths/~1conversations~1{id}/put/responses/200/content/application~1json/schema: \"closed\" is not one of",
        // header example
        "/headers/X-Rate-Limit/example: error:",
        // parameter `examples` in components
        "/components/parameters/Mode/examples/bad/value: error:",
        // a shared example, reported where its text is
        "bad-examples.yaml:57:7: /components/examples/Shared/value: error: example does not match schema /paths/~1conversations~1{id}/put/requestBody/content/application~1json/schema (used by",
        // schema example
        "bad-examples.yaml:67:11: /components/schemas/Conversation/properties/subject/example: error:",
    ] {
        assert!(out.contains(needle), "missing `{needle}` in:\n{out}");
    }
    assert_eq!(out.lines().count(), 7, "{out}");
}

#[test]
fn unused_component_schemas() {
    let out = expect("unused-schema");
    assert_eq!(
        out,
        // The schema reference into components/responses is followed, as gen does.
        "unused-schema.yaml:32:5: /components/schemas/Orphan: error: component schema `Orphan` is not used by any operation (not reachable from paths)\n\
         unused-schema.yaml:37:5: /components/schemas/OrphanChild: error: component schema `OrphanChild` is not used by any operation (not reachable from paths)\n"
    );
}

#[test]
fn operations_without_a_success_response() {
    let out = expect("no-success-response");
    assert_eq!(
        out,
        "no-success-response.yaml:9:7: /paths/~1a/delete/responses: error: DELETE /a documents no success response (2xx or default)\n"
    );
}

#[test]
fn documents_that_do_not_parse() {
    let out = expect("not-yaml");
    assert!(
        out.starts_with("not-yaml.yaml:3:6: /: error: not valid YAML: "),
        "{out}"
    );
    // The same located message as `gen` gives.
    let out = expect("not-openapi");
    assert_eq!(out, "not-openapi.yaml:9:7: /paths/~1a/get/responses: error: invalid type: integer `5`, expected struct Responses\n");
}

#[test]
fn json_documents_get_positions_too() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("api.json");
    std::fs::write(
        &path,
        r#"{
  "openapi": "3.0.3",
  "info": {"title": "J", "version": "1"},
  "paths": {
    "/a": {
      "get": {
        "operationId": "getA",
        "responses": {"200": {"description": "OK", "content": {"application/json": {
          "schema": {"type": "integer"},
          "example": "one"
        }}}}
      }
    }
  }
}
"#,
    )
    .unwrap();
    let lines: Vec<String> = lint::lint_file(&path, "api.json")
        .iter()
        .map(lint::format_diagnostic)
        .collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with("api.json:10:11: /paths/~1a/get/responses/200/content/application~1json/example: error:"),
        "{lines:?}"
    );
    let _ = Path::new("");
}

/// A schema that cannot be compiled (`required: []` is not Draft 4) is reported once,
/// where it is, and every other example is still checked: one validator serves them all.

#[test]
fn a_broken_schema_is_reported_once_and_the_rest_still_checked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("api.yaml");
    std::fs::write(
        &path,
        "openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /a:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Broken'}
              example: {x: 1}
  /b:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Fine'}
              example: {y: 1}
components:
  schemas:
    Broken:
      type: object
      required: []
    Fine:
      type: object
      properties:
        y: {type: string}
",
    )
    .unwrap();
    let lines: Vec<String> = lint::lint_file(&path, "api.yaml")
        .iter()
        .map(lint::format_diagnostic)
        .collect();
    assert_eq!(
        lines,
        [
            "api.yaml:21:25: /paths/~1b/get/responses/200/content/application~1json/example/y: error: example does not match schema /paths/~1b/get/responses/200/content/application~1json/schema: 1 is not of type \"string\"",
            "api.yaml:26:7: /components/schemas/Broken/required: error: schema cannot be used to check examples: [] has less than 1 item",
        ],
        "{lines:#?}"
    );
}
