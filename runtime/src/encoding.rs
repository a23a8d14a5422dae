//! Percent-encoding of paths, query strings and form bodies.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::Url;
use serde_json::Value;

/// Everything except the RFC 3986 unreserved characters `A-Z a-z 0-9 - . _ ~`.
///
/// Strict on purpose: the result means the same to every server, in a query string and in
/// an `application/x-www-form-urlencoded` body alike (a space becomes `%20`, never `+`).
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes one query name or value, or one form field name or value.
pub(crate) fn component(text: &str) -> String {
    utf8_percent_encode(text, COMPONENT).to_string()
}

/// Joins already-encoded pairs as `a=1&b=2`.
pub(crate) fn join_pairs(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Appends already-encoded pairs to the query of `url`, after any query it has.
pub(crate) fn append_query(url: &mut Url, pairs: &[(String, String)]) {
    if pairs.is_empty() {
        return;
    }
    let added = join_pairs(pairs);
    let query = match url.query() {
        Some(existing) if !existing.is_empty() => format!("{existing}&{added}"),
        _ => added,
    };
    url.set_query(Some(&query));
}

/// Appends `segments` to the path of `base`, each percent-encoded as exactly one segment.
///
/// Empty, `.` and `..` segments are refused: a URL cannot carry them as data, and sending
/// `DELETE /repos/owner/` for an empty repository name would address another resource.
pub(crate) fn join_path(base: &Url, segments: &[&str]) -> Result<Url, String> {
    if let Some(bad) = segments.iter().find(|s| matches!(**s, "" | "." | "..")) {
        return Err(format!(
            "path segment {bad:?} cannot be sent as one URL path segment"
        ));
    }
    let mut url = base.clone();
    url.path_segments_mut()
        .map_err(|()| "the base URL cannot have a path".to_owned())?
        .pop_if_empty()
        .extend(segments);
    Ok(url)
}

/// The text of one form field: strings bare, `null` as nothing, anything else as JSON.
fn field_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        other => Some(other.to_string()),
    }
}

/// Flattens a serialised form body into (unencoded) name/value pairs.
///
/// The body must serialise to an object. Its fields become form fields: `null` fields are
/// left out; arrays of scalars repeat the field (`tag=a&tag=b`, OpenAPI's default `form`
/// style with `explode`); objects, and arrays holding objects or arrays, are sent as one
/// field holding their JSON text.
pub(crate) fn form_fields(body: &Value) -> Result<Vec<(String, String)>, String> {
    let Value::Object(fields) = body else {
        return Err("a form body must serialise to an object".to_owned());
    };
    let mut pairs = Vec::new();
    for (name, value) in fields {
        match value {
            Value::Array(items) if items.iter().all(is_scalar) => pairs.extend(
                items
                    .iter()
                    .filter_map(field_text)
                    .map(|text| (name.clone(), text)),
            ),
            other => pairs.extend(field_text(other).map(|text| (name.clone(), text))),
        }
    }
    Ok(pairs)
}

fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Array(_) | Value::Object(_))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn component_keeps_only_unreserved() {
        assert_eq!(
            component("a b&c=d/é~-._+,"),
            "a%20b%26c%3Dd%2F%C3%A9~-._%2B%2C"
        );
    }

    #[test]
    fn path_segments_are_encoded_one_by_one() {
        let base = Url::parse("http://h/api/").unwrap();
        let url = join_path(&base, &["a b", "c/d", "é", "x?y#z"]).unwrap();
        assert_eq!(url.path(), "/api/a%20b/c%2Fd/%C3%A9/x%3Fy%23z");
        assert_eq!(url.query(), None);
    }

    #[test]
    fn path_without_trailing_slash() {
        let base = Url::parse("http://h/api").unwrap();
        assert_eq!(join_path(&base, &["v1"]).unwrap().path(), "/api/v1");
        let root = Url::parse("http://h").unwrap();
        assert_eq!(join_path(&root, &["v1", "x"]).unwrap().path(), "/v1/x");
    }

    #[test]
    fn dot_and_empty_segments_are_refused() {
        let base = Url::parse("http://h/").unwrap();
        for bad in ["", ".", ".."] {
            assert!(join_path(&base, &["a", bad]).is_err(), "{bad:?}");
        }
        assert!(join_path(&base, &["...", ".a"]).is_ok());
    }

    #[test]
    fn query_is_appended_after_base_query() {
        let mut url = Url::parse("http://h/p?v=1").unwrap();
        let pairs = [("a", "b%20c"), ("d", "e")].map(|(n, v)| (n.to_owned(), v.to_owned()));
        append_query(&mut url, &pairs);
        assert_eq!(url.query(), Some("v=1&a=b%20c&d=e"));
        let mut plain = Url::parse("http://h/p").unwrap();
        append_query(&mut plain, &[]);
        assert_eq!(plain.query(), None);
    }

    #[test]
    fn form_fields_flatten() {
        let body = json!({
            "name": "a b",
            "n": 3,
            "skip": null,
            "tags": ["x", "y"],
            "nested": {"k": [1]},
            "matrix": [[1], [2]],
        });
        let fields = form_fields(&body).unwrap();
        // Sorted: field order depends on serde_json's `preserve_order` feature.
        let mut text: Vec<String> = fields.iter().map(|(k, v)| format!("{k}={v}")).collect();
        text.sort();
        assert_eq!(
            text,
            [
                "matrix=[[1],[2]]",
                "n=3",
                "name=a b",
                "nested={\"k\":[1]}",
                "tags=x",
                "tags=y",
            ]
        );
        assert!(form_fields(&json!([1])).is_err());
    }
}
