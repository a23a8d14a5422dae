//! Comparing JSON values after a round trip.
//!
//! The only normalisation: strings where the schema says `format: date-time` compare as
//! instants when both sides parse as RFC 3339 (`…56Z` and `…56+00:00` are the same instant;
//! `…56.0923959+00:00` and `…56.092395900+00:00` too). Everything else compares exactly:
//! absent vs `null`, key sets, array lengths, string contents, and number forms
//! (`1` and `1.0` differ).

use serde_json::Value;

use crate::spec::{child, deref, resolve_pointer};

/// The differences between `expected` and `actual`, one line per path (a JSON pointer into
/// the value). `schema_pointer` locates the schema in `doc`, for date-time normalisation;
/// `None` compares everything exactly.
pub fn diff(
    doc: &Value,
    schema_pointer: Option<&str>,
    expected: &Value,
    actual: &Value,
) -> Vec<String> {
    let schemas = match schema_pointer
        .and_then(|p| resolve_pointer(doc, p))
        .and_then(|p| doc.pointer(&p))
    {
        Some(schema) => expand(doc, schema),
        None => Vec::new(),
    };
    let mut out = Vec::new();
    walk(doc, &schemas, expected, actual, "", &mut out);
    out
}

/// Exact comparison, except that strings that are RFC 3339 date-times on both sides compare as
/// instants wherever they are (for comparing two outputs of the same type, where no schema is
/// at hand).
pub fn diff_any_datetime(expected: &Value, actual: &Value) -> Vec<String> {
    let mut out = Vec::new();
    walk_loose(expected, actual, "", &mut out);
    out
}

/// A schema and, recursively, the members of its `allOf`/`oneOf`/`anyOf`, `$ref`s followed.
pub fn expand<'a>(doc: &'a Value, schema: &'a Value) -> Vec<&'a Value> {
    let mut out = Vec::new();
    expand_into(doc, schema, &mut out, 0);
    out
}

fn expand_into<'a>(doc: &'a Value, schema: &'a Value, out: &mut Vec<&'a Value>, depth: usize) {
    if depth > 16 {
        return;
    }
    let schema = deref(doc, schema);
    out.push(schema);
    for keyword in ["allOf", "oneOf", "anyOf"] {
        for member in schema
            .get(keyword)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            expand_into(doc, member, out, depth + 1);
        }
    }
}

fn is_datetime(schemas: &[&Value]) -> bool {
    schemas
        .iter()
        .any(|s| s.get("format").and_then(Value::as_str) == Some("date-time"))
}

fn property_schemas<'a>(doc: &'a Value, schemas: &[&'a Value], key: &str) -> Vec<&'a Value> {
    let mut out = Vec::new();
    for s in schemas {
        if let Some(p) = s.get("properties").and_then(|p| p.get(key)) {
            expand_into(doc, p, &mut out, 0);
        } else if let Some(extra) = s.get("additionalProperties").filter(|a| a.is_object()) {
            expand_into(doc, extra, &mut out, 0);
        }
    }
    out
}

fn item_schemas<'a>(doc: &'a Value, schemas: &[&'a Value]) -> Vec<&'a Value> {
    let mut out = Vec::new();
    for s in schemas {
        if let Some(items) = s.get("items") {
            expand_into(doc, items, &mut out, 0);
        }
    }
    out
}

/// The instant of an RFC 3339 date-time string.
pub fn instant(value: &Value) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    chrono::DateTime::parse_from_rfc3339(value.as_str()?).ok()
}

fn walk(
    doc: &Value,
    schemas: &[&Value],
    expected: &Value,
    actual: &Value,
    path: &str,
    out: &mut Vec<String>,
) {
    match (expected, actual) {
        (Value::String(_), Value::String(_)) if is_datetime(schemas) => {
            match (instant(expected), instant(actual)) {
                (Some(e), Some(a)) if e == a => {}
                (Some(_), Some(_)) => out.push(format!(
                    "{}: date-time {} is a different instant from {}",
                    show_path(path),
                    show(expected),
                    show(actual)
                )),
                _ if expected == actual => {}
                _ => out.push(mismatch(path, expected, actual)),
            }
        }
        (Value::Object(e), Value::Object(a)) => {
            for (key, ev) in e {
                let p = child(path, key);
                match a.get(key) {
                    Some(av) => walk(doc, &property_schemas(doc, schemas, key), ev, av, &p, out),
                    None => out.push(format!(
                        "{}: absent after the round trip (was {})",
                        show_path(&p),
                        show(ev)
                    )),
                }
            }
            for (key, av) in a {
                if !e.contains_key(key) {
                    out.push(format!(
                        "{}: added by the round trip ({})",
                        show_path(&child(path, key)),
                        show(av)
                    ));
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            let items = item_schemas(doc, schemas);
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                walk(doc, &items, ev, av, &format!("{path}/{i}"), out);
            }
            if e.len() != a.len() {
                out.push(format!(
                    "{}: {} items before the round trip, {} after",
                    show_path(path),
                    e.len(),
                    a.len()
                ));
            }
        }
        _ if expected == actual => {}
        _ => out.push(mismatch(path, expected, actual)),
    }
}

fn walk_loose(expected: &Value, actual: &Value, path: &str, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::String(e), Value::String(a)) if e != a => {
            match (instant(expected), instant(actual)) {
                (Some(x), Some(y)) if x == y => {}
                _ => out.push(mismatch(path, expected, actual)),
            }
        }
        (Value::Object(e), Value::Object(a)) => {
            for (key, ev) in e {
                let p = child(path, key);
                match a.get(key) {
                    Some(av) => walk_loose(ev, av, &p, out),
                    None => out.push(format!("{}: absent (was {})", show_path(&p), show(ev))),
                }
            }
            for (key, av) in a {
                if !e.contains_key(key) {
                    out.push(format!(
                        "{}: added ({})",
                        show_path(&child(path, key)),
                        show(av)
                    ));
                }
            }
        }
        (Value::Array(e), Value::Array(a)) if e.len() == a.len() => {
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                walk_loose(ev, av, &format!("{path}/{i}"), out);
            }
        }
        _ if expected == actual => {}
        _ => out.push(mismatch(path, expected, actual)),
    }
}

fn mismatch(path: &str, expected: &Value, actual: &Value) -> String {
    format!(
        "{}: expected {} but got {}",
        show_path(path),
        show(expected),
        show(actual)
    )
}

fn show_path(path: &str) -> &str {
    if path.is_empty() {
        "(root)"
    } else {
        path
    }
}

/// A value as compact JSON, shortened to 120 characters.
pub fn show(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 120 {
        let cut: String = text.chars().take(117).collect();
        format!("{cut}...")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({"components": {"schemas": {
            "T": {"type": "object", "properties": {
                "at": {"type": "string", "format": "date-time"},
                "text": {"type": "string"},
                "list": {"type": "array", "items": {"$ref": "#/components/schemas/D"}}
            }},
            "D": {"type": "string", "format": "date-time"}
        }}})
    }

    #[test]
    fn date_times_compare_as_instants_only_where_the_schema_says_so() {
        let doc = doc();
        let p = Some("/components/schemas/T");
        let e =
            json!({"at": "2023-11-07T05:31:56Z", "list": ["2025-01-18T07:52:37.0923959+00:00"]});
        let a = json!({"at": "2023-11-07T06:31:56+01:00", "list": ["2025-01-18T07:52:37.092395900+00:00"]});
        assert!(diff(&doc, p, &e, &a).is_empty());
        let e = json!({"text": "2023-11-07T05:31:56Z"});
        let a = json!({"text": "2023-11-07T05:31:56+00:00"});
        assert_eq!(diff(&doc, p, &e, &a).len(), 1);
        let a = json!({"at": "2023-11-07T05:31:57Z"});
        assert_eq!(
            diff(&doc, p, &json!({"at": "2023-11-07T05:31:56Z"}), &a).len(),
            1
        );
    }

    #[test]
    fn null_absent_and_number_forms_differ() {
        let doc = doc();
        assert_eq!(diff(&doc, None, &json!({"a": null}), &json!({})).len(), 1);
        assert_eq!(diff(&doc, None, &json!({}), &json!({"a": null})).len(), 1);
        assert_eq!(
            diff(&doc, None, &json!({"a": 1}), &json!({"a": 1.0})).len(),
            1
        );
        assert_eq!(diff(&doc, None, &json!([1, 2]), &json!([1])).len(), 1);
        assert!(diff(
            &doc,
            None,
            &json!({"a": [1, {"b": null}]}),
            &json!({"a": [1, {"b": null}]})
        )
        .is_empty());
    }
}
