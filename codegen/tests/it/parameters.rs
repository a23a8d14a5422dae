//! Parameters the generator cannot send as the document says are located errors or
//! warnings, never silent drops: path templates and path parameters that do not match,
//! header parameters OpenAPI says to ignore, styles undefined for the schema, `content`
//! with several media types. Also: a discriminator mapping to a missing schema.

use crate::common;

use std::path::Path;

use codegen::{Error, GeneratedCrate};

fn generate(yaml: &str) -> Result<GeneratedCrate, Error> {
    common::generate_text(yaml)
}

/// A document with one `GET` operation on `path` with these parameters (YAML list items
/// indented for `parameters:`).
fn operation(path: &str, parameters: &str) -> String {
    format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  {path}:\n    get:\n      \
         operationId: op\n      parameters:\n{parameters}      responses:\n        '204': \
         {{description: ok}}\n"
    )
}

fn param(name: &str, location: &str, extra: &str) -> String {
    format!(
        "        - name: {name}\n          in: {location}\n          required: true\n{extra}          schema: {{type: string}}\n"
    )
}

/// The warnings of a document that generates: (pointer, reason).
fn warnings(yaml: &str) -> Vec<(String, String)> {
    let generated = generate(yaml).unwrap_or_else(|e| panic!("generates: {e}"));
    generated
        .stats
        .warnings
        .into_iter()
        .map(|w| {
            assert_eq!(w.module, "api");
            (w.pointer, w.reason)
        })
        .collect()
}

#[test]
fn a_template_variable_without_a_parameter_is_an_error() {
    let e = generate(&operation("/items/{id}/{other}", &param("id", "path", "")))
        .expect_err("an undeclared template variable is an error");
    assert_eq!(e.file, Path::new("inline.yaml"));
    assert_eq!(e.pointer, "/paths/~1items~1{id}~1{other}/get");
    assert!(e.message.contains("`{other}`"), "{e}");
    assert!(e.message.contains("no path parameter `other`"), "{e}");

    // A query parameter of that name does not count.
    let e = generate(&operation("/items/{id}", &param("id", "query", ""))).unwrap_err();
    assert_eq!(e.pointer, "/paths/~1items~1{id}/get");
}

#[test]
fn a_path_parameter_missing_from_the_template_is_an_error() {
    let parameters = format!("{}{}", param("id", "path", ""), param("gone", "path", ""));
    let e = generate(&operation("/items/{id}", &parameters))
        .expect_err("a path parameter the template does not have is an error");
    assert_eq!(e.pointer, "/paths/~1items~1{id}/get/parameters/1");
    assert!(
        e.message
            .contains("path parameter `gone` does not appear in the path template `/items/{id}`"),
        "{e}"
    );
    // Declared on the path item: the pointer names it there.
    let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /items:\n    \
                parameters:\n      - {name: id, in: path, required: true, schema: {type: string}}\n    \
                get:\n      responses:\n        '204': {description: ok}\n";
    assert_eq!(
        generate(yaml).unwrap_err().pointer,
        "/paths/~1items/parameters/0"
    );
}

#[test]
fn an_unclosed_template_variable_is_an_error() {
    let e = generate(&operation("/items/{id", &param("q", "query", ""))).unwrap_err();
    assert_eq!(e.pointer, "/paths/~1items~1{id/get");
    assert!(e.message.contains("without its `}`"), "{e}");
}

#[test]
fn ignored_header_parameters_are_skipped_with_a_warning() {
    let parameters = format!(
        "{}{}{}{}",
        param("Accept", "header", ""),
        param("content-type", "header", ""),
        param("AUTHORIZATION", "header", ""),
        param("X-Kept", "header", "")
    );
    let yaml = operation("/items", &parameters);
    let found = warnings(&yaml);
    let pointers: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        pointers,
        [
            "/paths/~1items/get/parameters/0",
            "/paths/~1items/get/parameters/1",
            "/paths/~1items/get/parameters/2"
        ]
    );
    assert!(
        found[2].1.contains("`AUTHORIZATION` is ignored"),
        "{found:?}"
    );
    let client = &generate(&yaml).unwrap().files["src/api/mod.rs"];
    assert!(
        client.contains("pub fn op(&self, params: OpParams)")
            && client.contains("pub x_kept: String,"),
        "{client}"
    );
    assert!(!client.contains("\"Accept\", &"), "{client}");
    assert!(!client.to_lowercase().contains("content_type"), "{client}");
    assert!(!client.to_lowercase().contains("authorization"), "{client}");
}

#[test]
fn styles_undefined_for_the_schema_are_warnings() {
    let array = "          schema: {type: array, items: {type: string}}\n";
    let nested = "          schema: {type: array, items: {type: array, items: {type: string}}}\n";
    let object =
        "          schema:\n            type: object\n            properties:\n              \
                  tags: {type: array, items: {type: string}}\n";
    let parameters = [
        ("deep", "deepObject", "", array),
        ("pipe", "pipeDelimited", "", "          schema: {type: integer}\n"),
        ("space", "spaceDelimited", "          explode: true\n", array),
        ("nested", "form", "", nested),
        ("filter", "deepObject", "", object),
        ("fine", "pipeDelimited", "", array),
    ]
    .map(|(name, style, extra, schema)| {
        format!("        - name: {name}\n          in: query\n          style: {style}\n{extra}{schema}")
    })
    .concat();
    let found = warnings(&operation("/items", &parameters));
    let expected = [
        (0, "`deep`: style `deepObject` is defined for objects only"),
        (
            1,
            "`pipe`: style `pipeDelimited` is defined for arrays and objects only",
        ),
        (
            2,
            "`space`: style `spaceDelimited` with `explode: true` is not defined",
        ),
        (
            3,
            "`nested`: style `form` has no serialisation for arrays or objects nested",
        ),
        (
            4,
            "`filter`: style `deepObject` has no serialisation for arrays or objects nested",
        ),
    ];
    assert_eq!(found.len(), expected.len(), "{found:#?}");
    for ((pointer, reason), (index, text)) in found.iter().zip(expected) {
        assert_eq!(pointer, &format!("/paths/~1items/get/parameters/{index}"));
        assert!(reason.contains(text), "{reason}");
    }
}

#[test]
fn content_parameters() {
    let parameters = "        - name: filter\n          in: query\n          content:\n            \
                      application/json:\n              schema: {type: object, properties: {a: {type: integer}}}\n            \
                      text/plain:\n              schema: {type: string}\n        \
                      - name: note\n          in: header\n          content:\n            \
                      text/plain:\n              schema: {type: string}\n";
    let yaml = operation("/items", parameters);
    let found = warnings(&yaml);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "/paths/~1items/get/parameters/0/content");
    assert!(
        found[0].1.contains("it has 2; the first one is used"),
        "{found:?}"
    );
    let client = &generate(&yaml).unwrap().files["src/api/mod.rs"];
    assert!(
        client.contains("query_param(\"filter\", &self.filter, rt::Style::json())"),
        "{client}"
    );
    assert!(
        client.contains("header_param(\"note\", &self.note, rt::Style::text())"),
        "{client}"
    );
}

#[test]
fn cookie_parameters_are_sent() {
    let yaml = operation(
        "/items",
        &param("session", "cookie", "          explode: false\n"),
    );
    assert!(warnings(&yaml).is_empty());
    let client = &generate(&yaml).unwrap().files["src/api/mod.rs"];
    assert!(
        client.contains(
            ".cookie_param(\"session\", &self.session, rt::Style::form().explode(false))"
        ),
        "{client}"
    );
}

#[test]
fn a_discriminator_mapping_to_a_missing_schema_is_an_error() {
    let schemas = |mapping: &str| {
        format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n    \
             Cat: {{type: object, properties: {{kind: {{type: string}}}}}}\n    \
             Dog: {{type: object, properties: {{kind: {{type: string}}}}}}\n    \
             Pet:\n      oneOf:\n        - $ref: '#/components/schemas/Cat'\n        \
             - $ref: '#/components/schemas/Dog'\n      discriminator:\n        propertyName: kind\n        \
             mapping:\n{mapping}"
        )
    };
    let e = generate(&schemas(
        "          cat: '#/components/schemas/Cat'\n          bird: '#/components/schemas/Bird'\n",
    ))
    .expect_err("a mapping to a missing schema is an error");
    assert_eq!(
        e.pointer,
        "/components/schemas/Pet/discriminator/mapping/bird"
    );
    assert!(e.message.contains("#/components/schemas/Bird"), "{e}");
    assert!(e.message.contains("points to no schema"), "{e}");
    // A bare schema name is checked too.
    let e = generate(&schemas("          cat: Cat\n          fish: Fish\n")).unwrap_err();
    assert_eq!(
        e.pointer,
        "/components/schemas/Pet/discriminator/mapping/fish"
    );
    // Mappings that resolve are fine.
    generate(&schemas(
        "          cat: Cat\n          dog: '#/components/schemas/Dog'\n",
    ))
    .unwrap();
}

#[test]
fn an_http_scheme_the_client_cannot_send_is_a_warning() {
    let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      \
                operationId: op\n      security: [{digest: []}]\n      responses:\n        '204': \
                {description: ok}\ncomponents:\n  securitySchemes:\n    digest: {type: http, scheme: digest}\n";
    let found = warnings(yaml);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "/components/securitySchemes/digest");
    assert!(
        found[0]
            .1
            .contains("HTTP `digest` authentication is not supported"),
        "{found:?}"
    );
}
