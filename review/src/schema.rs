//! OpenAPI 3.0 schema objects → JSON Schema (Draft 4), so examples can be checked with
//! the `jsonschema` crate.
//!
//! OpenAPI 3.0 schemas are an extended subset of Draft 4 (`exclusiveMinimum` is still a
//! boolean there). The conversion:
//! - `nullable: true` allows `null` (by adding `"null"` to `type`, or with an `anyOf`);
//! - `$ref: '#/components/schemas/X'` becomes `$ref: '#/definitions/X'`, and every
//!   component schema is put into `definitions`;
//! - OpenAPI-only keywords (`discriminator`, `xml`, `externalDocs`, `example`, `x-*`,
//!   `readOnly`, `writeOnly`, `deprecated`, `nullable`) are dropped;
//! - properties that are `readOnly` are not required in requests, and `writeOnly` ones
//!   not in responses.
//!
//! Unknown formats (`int32`, `date-span`, ...) are ignored by the validator.

use serde_json::{Map, Value};

use crate::spec::local_ref_pointer;

/// Which way a payload travels; decides what `readOnly` and `writeOnly` mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Sent by the client.
    Request,
    /// Sent by the server.
    Response,
    /// Either (a schema's own `example`).
    Any,
}

const DROPPED: &[&str] = &[
    "discriminator",
    "xml",
    "externalDocs",
    "example",
    "readOnly",
    "writeOnly",
    "deprecated",
    "nullable",
];

/// Converts the component schemas of `root` (the whole OpenAPI document) into a
/// `definitions` object.
pub fn definitions(root: &Value, dir: Direction) -> Value {
    let mut defs = Map::new();
    if let Some(schemas) = root
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            defs.insert(name.clone(), convert(root, schema, dir, 0));
        }
    }
    Value::Object(defs)
}

/// A complete JSON Schema document for `schema`, a schema object of `root`, with
/// `definitions` (from [`definitions`]) for the references it makes.
pub fn document(root: &Value, schema: &Value, dir: Direction, definitions: &Value) -> Value {
    let mut doc = Map::new();
    doc.insert(
        "allOf".into(),
        Value::Array(vec![convert(root, schema, dir, 0)]),
    );
    doc.insert("definitions".into(), definitions.clone());
    Value::Object(doc)
}

/// Converts one schema object (and everything nested in it).
pub fn convert(root: &Value, schema: &Value, dir: Direction, depth: usize) -> Value {
    let Some(obj) = schema.as_object() else {
        return schema.clone();
    };
    if depth > 64 {
        return Value::Object(Map::new());
    }
    if let Some(reference) = obj.get("$ref").and_then(Value::as_str) {
        // In OpenAPI 3.0, siblings of `$ref` are ignored.
        return convert_ref(root, reference, dir, depth);
    }
    let mut out = Map::new();
    for (key, value) in obj {
        if DROPPED.contains(&key.as_str()) || key.starts_with("x-") {
            continue;
        }
        let converted = match key.as_str() {
            "properties" => match value.as_object() {
                Some(props) => Value::Object(
                    props
                        .iter()
                        .map(|(k, v)| (k.clone(), convert(root, v, dir, depth + 1)))
                        .collect(),
                ),
                None => value.clone(),
            },
            "items" | "not" => convert(root, value, dir, depth + 1),
            "additionalProperties" if value.is_object() => convert(root, value, dir, depth + 1),
            "allOf" | "oneOf" | "anyOf" => match value.as_array() {
                Some(items) => Value::Array(
                    items
                        .iter()
                        .map(|v| convert(root, v, dir, depth + 1))
                        .collect(),
                ),
                None => value.clone(),
            },
            "required" => required_for(root, obj, value, dir),
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }
    if obj.get("nullable").and_then(Value::as_bool) == Some(true) {
        return allow_null(out);
    }
    Value::Object(out)
}

fn convert_ref(root: &Value, reference: &str, dir: Direction, depth: usize) -> Value {
    let Some(pointer) = local_ref_pointer(reference) else {
        // External references are reported by lint; accept anything here.
        return Value::Object(Map::new());
    };
    if let Some(rest) = pointer.strip_prefix("/components/schemas/") {
        if root.pointer(&pointer).is_some() {
            let mut m = Map::new();
            m.insert(
                "$ref".into(),
                Value::String(format!("#/definitions/{}", uri_escape(rest))),
            );
            return Value::Object(m);
        }
        return Value::Object(Map::new());
    }
    match root.pointer(&pointer) {
        Some(target) => convert(root, target, dir, depth + 1),
        None => Value::Object(Map::new()),
    }
}

/// What is percent-encoded in a URI fragment: everything but the unreserved characters
/// and the sub-delimiters, `:`, `@` and `/` (RFC 3986 `fragment`); JSON pointer escapes
/// stay.
const FRAGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@');

/// Percent-encodes what cannot stand in a URI fragment (JSON pointer escapes stay).
fn uri_escape(pointer: &str) -> String {
    percent_encoding::utf8_percent_encode(pointer, FRAGMENT).to_string()
}

fn required_for(root: &Value, obj: &Map<String, Value>, required: &Value, dir: Direction) -> Value {
    let Some(names) = required.as_array() else {
        return required.clone();
    };
    let props = obj.get("properties").and_then(Value::as_object);
    let skip = |name: &str| -> bool {
        let Some(prop) = props.and_then(|p| p.get(name)) else {
            return false;
        };
        let prop = crate::spec::deref(root, prop, "").0;
        let flag = |k: &str| prop.get(k).and_then(Value::as_bool) == Some(true);
        match dir {
            Direction::Request => flag("readOnly"),
            Direction::Response => flag("writeOnly"),
            Direction::Any => flag("readOnly") || flag("writeOnly"),
        }
    };
    Value::Array(
        names
            .iter()
            .filter(|n| !n.as_str().is_some_and(skip))
            .cloned()
            .collect(),
    )
}

fn allow_null(mut schema: Map<String, Value>) -> Value {
    let composite = ["allOf", "oneOf", "anyOf", "not", "$ref"]
        .iter()
        .any(|k| schema.contains_key(*k));
    match schema.get("type").cloned() {
        Some(Value::String(t)) if !composite => {
            schema.insert(
                "type".into(),
                Value::Array(vec![Value::String(t), "null".into()]),
            );
            if let Some(Value::Array(values)) = schema.get_mut("enum") {
                if !values.contains(&Value::Null) {
                    values.push(Value::Null);
                }
            }
            Value::Object(schema)
        }
        _ => {
            let mut null = Map::new();
            null.insert("type".into(), "null".into());
            let mut wrapper = Map::new();
            wrapper.insert(
                "anyOf".into(),
                Value::Array(vec![Value::Object(null), Value::Object(schema)]),
            );
            Value::Object(wrapper)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn validator(root: &Value, schema: &Value, dir: Direction) -> jsonschema::Validator {
        let defs = definitions(root, dir);
        let doc = document(root, schema, dir, &defs);
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .should_validate_formats(true)
            .build(&doc)
            .unwrap()
    }

    #[test]
    fn nullable_refs_and_dropped_keywords() {
        let root = json!({"components": {"schemas": {
            "Id": {"type": "integer", "format": "int32", "example": "not checked here"},
            "T": {"type": "object", "required": ["id", "secret", "kind"],
                  "discriminator": {"propertyName": "kind"},
                  "x-assumption": "guess",
                  "properties": {
                      "id": {"$ref": "#/components/schemas/Id"},
                      "secret": {"type": "string", "writeOnly": true},
                      "kind": {"type": "string", "enum": ["a"], "nullable": true},
                      "span": {"type": "string", "format": "date-span"},
                      "example": {"type": "string"}
                  }}
        }}});
        let schema = json!({"$ref": "#/components/schemas/T"});
        let v = validator(&root, &schema, Direction::Response);
        assert!(v.is_valid(&json!({"id": 1, "kind": null, "span": "P1D", "example": "x"})));
        assert!(!v.is_valid(&json!({"id": "1", "kind": "a"})));
        assert!(!v.is_valid(&json!({"id": 1, "kind": "b"})));
        let v = validator(&root, &schema, Direction::Request);
        assert!(
            !v.is_valid(&json!({"id": 1, "kind": "a"})),
            "writeOnly is required in requests"
        );
    }

    #[test]
    fn nullable_composites() {
        let root = json!({"components": {"schemas": {"A": {"type": "object"}}}});
        let schema = json!({"allOf": [{"$ref": "#/components/schemas/A"}], "nullable": true});
        let v = validator(&root, &schema, Direction::Any);
        assert!(v.is_valid(&json!(null)));
        assert!(v.is_valid(&json!({})));
        assert!(!v.is_valid(&json!(3)));
    }
}
