//! Formal defects that do not change the API, read the way other OpenAPI tools read
//! them, each with a located note.
//!
//! Vendor documents often break a rule of OpenAPI 3.0 that carries no meaning for
//! callers: a response without its required `description`, an operation without
//! `responses`, `content: null`. `openapiv3` refuses the whole document for any of them,
//! so a reviewer would get no diff and a maintainer no crate. When the typed parse fails,
//! the loader repairs these on the JSON tree and parses again; every repair is a
//! [`Note`] at its pointer (a warning in `gen`, `lint` and `diff`). A document that
//! still fails is refused with the first error, as before, so nothing the repair cannot
//! explain is accepted.
//!
//! The repairs, and why each leaves the API as written:
//! - an operation without `responses` (or `responses: null`): no response is
//!   documented, which the typed model already expresses as an empty map;
//! - a response without `description`: the description is prose only; an empty one
//!   is read;
//! - a `null` where OpenAPI expects an object, a list or a string (`content: null`,
//!   `headers: null`, `parameters: null`, `description: null`): read as absent. Nulls
//!   that are values (`example`, `default`, `enum`, `const`, examples' `value`) and
//!   extension values are kept.

use serde_json::{Map, Value};

use super::escape_pointer_token;
use crate::normalize::Note;
use crate::operations::METHODS;

/// Repairs the formal defects of `doc` (see the module documentation) and returns one
/// note per repair, in document order.
pub(crate) fn repair(doc: &mut Value) -> Vec<Note> {
    let mut notes = Vec::new();
    let Some(root) = doc.as_object_mut() else {
        return notes;
    };
    // Path items: the document's paths, its webhooks (3.1, or the extension loading
    // moves them to) and the components'.
    for (container, base) in [
        ("paths", "/paths".to_string()),
        ("webhooks", "/webhooks".to_string()),
        ("x-webhooks", "/x-webhooks".to_string()),
    ] {
        if let Some(items) = root.get_mut(container).and_then(Value::as_object_mut) {
            path_items(items, &base, &mut notes);
        }
    }
    if let Some(components) = root.get_mut("components").and_then(Value::as_object_mut) {
        if let Some(items) = components
            .get_mut("pathItems")
            .and_then(Value::as_object_mut)
        {
            path_items(items, "/components/pathItems", &mut notes);
        }
        if let Some(responses) = components
            .get_mut("responses")
            .and_then(Value::as_object_mut)
        {
            for (name, response) in responses.iter_mut() {
                let pointer = format!("/components/responses/{}", escape_pointer_token(name));
                describe_response(response, &pointer, &mut notes);
            }
        }
    }
    // After the operations, so that `responses: null` is one note, not two.
    drop_nulls(doc, "", &mut notes);
    notes
}

/// Keys whose value may be `null` as written: values of the API's data, not structure.
fn keeps_null(key: &str) -> bool {
    matches!(key, "example" | "default" | "enum" | "const" | "value") || key.starts_with("x-")
}

/// Removes every `null` that stands where OpenAPI expects structure, without looking
/// into values (examples, defaults, enums, extensions).
fn drop_nulls(value: &mut Value, pointer: &str, notes: &mut Vec<Note>) {
    match value {
        Value::Object(map) => {
            let nulls: Vec<String> = map
                .iter()
                .filter(|(k, v)| v.is_null() && !keeps_null(k))
                .map(|(k, _)| k.clone())
                .collect();
            for key in nulls {
                map.shift_remove(&key);
                notes.push(Note {
                    pointer: format!("{pointer}/{}", escape_pointer_token(&key)),
                    message: format!(
                        "`{key}` is null, which OpenAPI does not allow here; read as absent"
                    ),
                });
            }
            for (key, child) in map.iter_mut() {
                if keeps_null(key) {
                    continue;
                }
                let child_pointer = format!("{pointer}/{}", escape_pointer_token(key));
                drop_nulls(child, &child_pointer, notes);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                drop_nulls(item, &format!("{pointer}/{i}"), notes);
            }
        }
        _ => {}
    }
}

/// The operations of every path item of `items` (and their callbacks).
fn path_items(items: &mut Map<String, Value>, base: &str, notes: &mut Vec<Note>) {
    for (key, item) in items.iter_mut() {
        if key.starts_with("x-") {
            continue;
        }
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        if item.contains_key("$ref") {
            continue;
        }
        let item_pointer = format!("{base}/{}", escape_pointer_token(key));
        for method in METHODS {
            if let Some(op) = item.get_mut(method).and_then(Value::as_object_mut) {
                operation(op, &format!("{item_pointer}/{method}"), notes);
            }
        }
    }
}

fn operation(op: &mut Map<String, Value>, pointer: &str, notes: &mut Vec<Note>) {
    match op.get_mut("responses") {
        None | Some(Value::Null) => {
            let at = match op.insert("responses".into(), Value::Object(Map::new())) {
                Some(_) => format!("{pointer}/responses"),
                None => pointer.to_string(),
            };
            notes.push(Note {
                pointer: at,
                message: "the operation has no `responses`, which OpenAPI requires; read as \
                          documenting no response"
                    .into(),
            });
        }
        Some(Value::Object(responses)) => {
            for (status, response) in responses.iter_mut() {
                if status.starts_with("x-") {
                    continue;
                }
                let response_pointer =
                    format!("{pointer}/responses/{}", escape_pointer_token(status));
                describe_response(response, &response_pointer, notes);
            }
        }
        Some(_) => {}
    }
    if let Some(callbacks) = op.get_mut("callbacks").and_then(Value::as_object_mut) {
        for (name, callback) in callbacks.iter_mut() {
            if let Some(items) = callback.as_object_mut() {
                if !items.contains_key("$ref") {
                    let base = format!("{pointer}/callbacks/{}", escape_pointer_token(name));
                    path_items(items, &base, notes);
                }
            }
        }
    }
}

/// A response object without `description` gets an empty one.
fn describe_response(response: &mut Value, pointer: &str, notes: &mut Vec<Note>) {
    let Some(response) = response.as_object_mut() else {
        return;
    };
    if response.contains_key("$ref") || response.contains_key("description") {
        return;
    }
    response.insert("description".into(), Value::String(String::new()));
    notes.push(Note {
        pointer: pointer.to_string(),
        message: "the response has no `description`, which OpenAPI requires; read as empty".into(),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repairs_are_located_and_values_keep_their_nulls() {
        let mut doc = serde_json::json!({
            "paths": {
                "/a": {
                    "get": {"responses": {"200": {"content": null}}},
                    "post": {"requestBody": {"content": {"application/json": {
                        "schema": {"type": "object", "default": null, "example": null,
                                   "enum": [null], "x-extra": null}}}}}
                }
            }
        });
        let notes = repair(&mut doc);
        let pointers: Vec<&str> = notes.iter().map(|n| n.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/paths/~1a/get/responses/200",
                "/paths/~1a/post",
                "/paths/~1a/get/responses/200/content",
            ]
        );
        assert_eq!(
            doc["paths"]["/a"]["get"]["responses"]["200"]["description"],
            ""
        );
        assert_eq!(
            doc["paths"]["/a"]["post"]["responses"],
            serde_json::json!({})
        );
        let schema =
            &doc["paths"]["/a"]["post"]["requestBody"]["content"]["application/json"]["schema"];
        assert!(schema["default"].is_null() && schema["example"].is_null());
        assert!(schema["x-extra"].is_null());
        assert_eq!(schema["enum"], serde_json::json!([null]));
    }

    #[test]
    fn the_loader_reads_a_formally_invalid_document_with_located_notes() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          content: null\n    post:\n      responses: null\n";
        let spec = crate::load::parse_spec(std::path::Path::new("vendor.yaml"), text.into())
            .expect("repaired");
        let notes: Vec<(&str, Option<(usize, usize)>)> = spec
            .notes
            .iter()
            .map(|n| (n.pointer.as_str(), spec.locate(&n.pointer)))
            .collect();
        assert_eq!(
            notes,
            [
                ("/paths/~1a/get/responses/200", Some((7, 9))),
                ("/paths/~1a/post/responses", Some((10, 7))),
                ("/paths/~1a/get/responses/200/content", Some((8, 11))),
            ]
        );
        // A document that fails for another reason is refused with its first error.
        let broken = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      parameters: 3\n";
        let e = crate::load::parse_spec(std::path::Path::new("vendor.yaml"), broken.into())
            .expect_err("refused");
        assert!(e.pointer.starts_with("/paths/~1a/get"), "{e}");
    }
}
