//! Documents the generator cannot handle give an `Error` / `SpecError` naming the file
//! and the JSON pointer, never a panic.

use crate::common;

use std::path::Path;

use codegen::{parse_spec, Error, SpecError};

fn generate_fixture(relative: &str) -> Result<codegen::GeneratedCrate, Error> {
    let spec = common::parse_fixture(relative).unwrap_or_else(|e| panic!("{relative} parses: {e}"));
    common::generate_api(spec)
}

fn generate_text(yaml: &str) -> Result<codegen::GeneratedCrate, Error> {
    common::generate_text(yaml)
}

fn spec_error(relative: &str) -> SpecError {
    match common::parse_fixture(relative) {
        Ok(_) => panic!("{relative} should not parse"),
        Err(e) => e,
    }
}

#[test]
fn ref_to_nothing_names_file_pointer_and_target() {
    let e = generate_fixture("errors/missing_ref.yaml").expect_err("a dangling $ref is an error");
    assert_eq!(e.file, Path::new("tests/fixtures/errors/missing_ref.yaml"));
    assert_eq!(e.pointer, "/components/schemas/Holder/properties/thing");
    assert!(e.message.contains("#/components/schemas/Nowhere"), "{e}");
    assert!(e.message.contains("points to no schema"), "{e}");
    assert_eq!(
        e.to_string(),
        "tests/fixtures/errors/missing_ref.yaml: /components/schemas/Holder/properties/thing: \
         `$ref: #/components/schemas/Nowhere` points to no schema in components/schemas"
    );
}

#[test]
fn alias_cycle_is_an_error() {
    let e = generate_fixture("errors/alias_cycle.yaml").expect_err("an alias cycle is an error");
    assert_eq!(e.file, Path::new("tests/fixtures/errors/alias_cycle.yaml"));
    assert!(
        [
            "/components/schemas/A",
            "/components/schemas/B",
            "/components/schemas/C"
        ]
        .contains(&e.pointer.as_str()),
        "{e}"
    );
    assert!(e.message.contains("cycle of `$ref`s"), "{e}");
    assert!(
        e.to_string()
            .starts_with("tests/fixtures/errors/alias_cycle.yaml: /components/schemas/"),
        "{e}"
    );
}

#[test]
fn self_alias_is_an_error() {
    let e = generate_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Me:\n      $ref: '#/components/schemas/Me'\n",
    )
    .expect_err("an alias of itself is an error");
    assert_eq!(e.pointer, "/components/schemas/Me");
    assert!(e.message.contains("cycle"), "{e}");
}

#[test]
fn one_member_composition_of_itself_is_an_error() {
    for keyword in ["allOf", "oneOf", "anyOf"] {
        let e = generate_text(&format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n    Me:\n      {keyword}:\n        - $ref: '#/components/schemas/Me'\n"
        ))
        .err()
        .unwrap_or_else(|| panic!("{keyword}: a schema that stands for itself is an error"));
        assert_eq!(e.pointer, "/components/schemas/Me", "{keyword}");
        assert!(e.message.contains("cycle"), "{keyword}: {e}");
    }
}

#[test]
fn swagger_2_is_refused_with_file_and_pointer() {
    let e = spec_error("errors/swagger2.yaml");
    assert_eq!(e.file, Path::new("tests/fixtures/errors/swagger2.yaml"));
    assert_eq!(e.pointer, "/swagger");
    assert_eq!(e.position, Some((1, 1)));
    assert!(e.message.contains("Swagger 2.0 document"), "{e}");
    assert!(
        e.message.contains("only OpenAPI 3.0.x and 3.1.x are read"),
        "{e}"
    );
    assert!(
        e.to_string()
            .starts_with("tests/fixtures/errors/swagger2.yaml:1:1: /swagger: "),
        "{e}"
    );
}

#[test]
fn an_unknown_version_is_refused_with_file_and_pointer() {
    let e = spec_error("errors/openapi32.json");
    assert_eq!(e.file, Path::new("tests/fixtures/errors/openapi32.json"));
    assert_eq!(e.pointer, "/openapi");
    assert_eq!(e.position, Some((2, 3)));
    assert!(e.message.contains("unknown OpenAPI version `3.2.0`"), "{e}");
    assert!(
        e.to_string()
            .starts_with("tests/fixtures/errors/openapi32.json:2:3: /openapi: "),
        "{e}"
    );
}

#[test]
fn missing_version_and_unknown_version_are_refused() {
    let e = parse_spec(
        Path::new("x.yaml"),
        "info: {title: t, version: '1'}\npaths: {}\n".into(),
    )
    .unwrap_err();
    assert_eq!(e.pointer, "/openapi");
    assert!(e.message.contains("missing `openapi`"), "{e}");
    let e = parse_spec(
        Path::new("x.yaml"),
        "openapi: 4.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n".into(),
    )
    .unwrap_err();
    assert!(e.message.contains("unknown OpenAPI version `4.0.0`"), "{e}");
}

/// Dangling references in every place a document can hold one.
#[test]
fn dangling_refs_everywhere_are_errors() {
    let head = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";
    let cases: &[(&str, &str, &str)] = &[
        (
            "array items",
            "paths: {}\ncomponents:\n  schemas:\n    L:\n      type: array\n      items:\n        $ref: '#/components/schemas/Gone'\n",
            "/components/schemas/L/items",
        ),
        (
            "map values",
            "paths: {}\ncomponents:\n  schemas:\n    M:\n      type: object\n      additionalProperties:\n        $ref: '#/components/schemas/Gone'\n",
            "/components/schemas/M/additionalProperties",
        ),
        (
            "oneOf member",
            "paths: {}\ncomponents:\n  schemas:\n    U:\n      oneOf:\n        - type: string\n        - $ref: '#/components/schemas/Gone'\n",
            "/components/schemas/U/oneOf/1",
        ),
        (
            "allOf member",
            "paths: {}\ncomponents:\n  schemas:\n    A:\n      allOf:\n        - type: object\n          properties: {a: {type: string}}\n        - $ref: '#/components/schemas/Gone'\n",
            "/components/schemas/A/allOf/1",
        ),
        (
            "parameter",
            "paths:\n  /a:\n    get:\n      parameters:\n        - $ref: '#/components/parameters/Gone'\n      responses:\n        '204': {description: ok}\n",
            "/paths/~1a/get/parameters/0",
        ),
        (
            "request body",
            "paths:\n  /a:\n    post:\n      requestBody:\n        $ref: '#/components/requestBodies/Gone'\n      responses:\n        '204': {description: ok}\n",
            "/paths/~1a/post/requestBody",
        ),
        (
            "response",
            "paths:\n  /a:\n    get:\n      responses:\n        '200':\n          $ref: '#/components/responses/Gone'\n",
            "/paths/~1a/get/responses/200",
        ),
        (
            "response schema",
            "paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Gone'\n",
            "/paths/~1a/get/responses/200/content/application~1json/schema",
        ),
    ];
    for (what, body, pointer) in cases {
        let e = generate_text(&format!("{head}{body}"))
            .err()
            .unwrap_or_else(|| panic!("{what}: should fail"));
        assert_eq!(e.file, Path::new("inline.yaml"), "{what}");
        assert_eq!(&e.pointer, pointer, "{what}: {e}");
        assert!(e.message.contains("Gone"), "{what}: {e}");
    }
}

#[test]
fn type_errors_name_pointer_and_line() {
    let e = common::parse_fixture("errors/bad_type.yaml").expect_err("a wrong type is an error");
    assert_eq!(e.file, Path::new("tests/fixtures/errors/bad_type.yaml"));
    // openapiv3 flattens a schema's fields, so the pointer stops at the schema; the
    // line and the message say which field.
    assert_eq!(e.pointer, "/components/schemas/Thing");
    assert!(e.position.is_some_and(|(line, _)| line >= 8), "{e}");
    assert!(
        e.to_string()
            .starts_with("tests/fixtures/errors/bad_type.yaml:"),
        "{e}"
    );
}
