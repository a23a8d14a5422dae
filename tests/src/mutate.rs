//! Bad inputs made from a valid value and its schema: truncations, wrong types, huge
//! numbers, deep nesting, missing required properties, and unknown extra properties.

use serde_json::{json, Map, Value};

use crate::spec::{child, deref};

/// The shape a schema gives a JSON location, as far as bad inputs go.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// A string (with its `format`, if any).
    Str(Option<String>),
    /// A string enum (open: unknown strings decode).
    StrEnum,
    /// An integer; `int32` when the format says so.
    Int {
        /// Whether the format is `int32`.
        int32: bool,
    },
    /// An integer enum (open: unknown integers decode).
    IntEnum,
    /// A number.
    Number,
    /// A boolean.
    Bool,
    /// An array.
    Array,
    /// An object with declared properties.
    Struct {
        /// Declared, required, neither readOnly nor writeOnly.
        required: Vec<String>,
        /// `additionalProperties: true`: unknown keys are kept.
        keeps_unknown: bool,
        /// `additionalProperties` is a schema: unknown keys must match it.
        typed_extras: bool,
    },
    /// An object without declared properties (a map).
    Map,
    /// Any JSON (no type).
    Any,
    /// `oneOf`/`anyOf`: which inputs are wrong depends on the branch.
    Ambiguous,
}

/// One location of a value, with what its schema says about it.
#[derive(Debug, Clone)]
pub struct Node {
    /// JSON pointer into the value (`""` for the root).
    pub pointer: String,
    /// The shape.
    pub shape: Shape,
    /// `nullable: true`.
    pub nullable: bool,
    /// An object property that is not required (absent is allowed there).
    pub optional_property: bool,
}

/// What a bad input must give.
#[derive(Debug, Clone)]
pub enum Expect {
    /// A typed decode error.
    Err,
    /// `null` where the schema does not allow it, on an optional property: an error, or a
    /// decode that reads it as absent (the property is missing from the output). The
    /// generated types do the latter; both are accepted and counted apart.
    ErrOrAbsent(String),
    /// A successful decode whose output equals this value exactly.
    Ok(Value),
    /// The same outcome as decoding this other text: both errors, or both the same value.
    /// (Deep content under an unknown key of a struct that drops unknown keys is skipped,
    /// like shallow content.)
    SameAs(String),
}

/// One bad input.
#[derive(Debug, Clone)]
pub struct Case {
    /// The category (`truncated`, `wrong type`, `huge number`, `deep nesting`,
    /// `missing required`, `unknown field`, `malformed`).
    pub category: &'static str,
    /// What was done, and where.
    pub what: String,
    /// The JSON text.
    pub text: String,
    /// What it must give.
    pub expect: Expect,
}

/// The shape of a schema (`$ref`s followed, `allOf` merged) and its `nullable`.
pub fn classify(doc: &Value, schema: &Value) -> (Shape, bool) {
    let schema = deref(doc, schema);
    let nullable = schema.get("nullable") == Some(&Value::Bool(true));
    if schema.get("oneOf").is_some() || schema.get("anyOf").is_some() {
        return (Shape::Ambiguous, nullable);
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        if values.iter().all(Value::is_string) {
            return (Shape::StrEnum, nullable);
        }
        if values.iter().all(|v| v.is_i64() || v.is_u64()) {
            return (Shape::IntEnum, nullable);
        }
        return (Shape::Ambiguous, nullable);
    }
    if schema.get("allOf").is_some() {
        let (props, required, extra) = object_parts(doc, schema);
        return (struct_or_map(doc, &props, required, extra), nullable);
    }
    let shape = match schema.get("type").and_then(Value::as_str) {
        Some("string") => Shape::Str(
            schema
                .get("format")
                .and_then(Value::as_str)
                .map(str::to_string),
        ),
        Some("integer") => Shape::Int {
            int32: schema.get("format").and_then(Value::as_str) == Some("int32"),
        },
        Some("number") => Shape::Number,
        Some("boolean") => Shape::Bool,
        Some("array") => Shape::Array,
        Some("object") => {
            let (props, required, extra) = object_parts(doc, schema);
            struct_or_map(doc, &props, required, extra)
        }
        None if schema.get("properties").is_some()
            || schema.get("additionalProperties").is_some() =>
        {
            let (props, required, extra) = object_parts(doc, schema);
            struct_or_map(doc, &props, required, extra)
        }
        None if schema.get("items").is_some() => Shape::Array,
        _ => Shape::Any,
    };
    (shape, nullable)
}

fn struct_or_map(
    doc: &Value,
    props: &Map<String, Value>,
    required: Vec<String>,
    extra: Option<Value>,
) -> Shape {
    if props.is_empty() {
        return Shape::Map;
    }
    let required = required
        .into_iter()
        .filter(|k| {
            let p = props.get(k).map(|p| deref(doc, p));
            let ro = p.is_some_and(|p| {
                p.get("readOnly") == Some(&Value::Bool(true))
                    || p.get("writeOnly") == Some(&Value::Bool(true))
            });
            props.contains_key(k) && !ro
        })
        .collect();
    Shape::Struct {
        required,
        keeps_unknown: extra == Some(Value::Bool(true)),
        typed_extras: extra.as_ref().is_some_and(Value::is_object),
    }
}

/// Properties, required names and `additionalProperties` of an object schema, `allOf`
/// members merged.
pub fn object_parts(
    doc: &Value,
    schema: &Value,
) -> (Map<String, Value>, Vec<String>, Option<Value>) {
    let mut props = Map::new();
    let mut required = Vec::new();
    let mut extra = None;
    collect(doc, schema, &mut props, &mut required, &mut extra, 0);
    (props, required, extra)
}

fn collect(
    doc: &Value,
    schema: &Value,
    props: &mut Map<String, Value>,
    required: &mut Vec<String>,
    extra: &mut Option<Value>,
    depth: usize,
) {
    if depth > 16 {
        return;
    }
    let schema = deref(doc, schema);
    for member in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        collect(doc, member, props, required, extra, depth + 1);
    }
    if let Some(p) = schema.get("properties").and_then(Value::as_object) {
        for (k, v) in p {
            props.insert(k.clone(), v.clone());
        }
    }
    for r in schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(r) = r.as_str() {
            if !required.iter().any(|x| x == r) {
                required.push(r.to_string());
            }
        }
    }
    if let Some(a) = schema.get("additionalProperties") {
        *extra = Some(a.clone());
    }
}

/// Every location of `value`, with its shape under `schema`.
pub fn nodes(doc: &Value, schema: &Value, value: &Value) -> Vec<Node> {
    let mut out = Vec::new();
    walk(doc, Some(schema), value, String::new(), false, &mut out, 0);
    out
}

fn walk(
    doc: &Value,
    schema: Option<&Value>,
    value: &Value,
    pointer: String,
    optional_property: bool,
    out: &mut Vec<Node>,
    depth: usize,
) {
    if depth > 64 {
        return;
    }
    let (shape, nullable) = match schema {
        Some(s) => classify(doc, s),
        None => (Shape::Any, true),
    };
    out.push(Node {
        pointer: pointer.clone(),
        shape: shape.clone(),
        nullable,
        optional_property,
    });
    let Some(schema) = schema.map(|s| deref(doc, s)) else {
        return;
    };
    match (&shape, value) {
        (Shape::Struct { .. } | Shape::Map, Value::Object(map)) => {
            let (props, required, extra) = object_parts(doc, schema);
            for (k, v) in map {
                let sub = props
                    .get(k)
                    .cloned()
                    .or_else(|| extra.clone().filter(Value::is_object));
                let optional = props.contains_key(k) && !required.contains(k);
                walk(
                    doc,
                    sub.as_ref(),
                    v,
                    child(&pointer, k),
                    optional,
                    out,
                    depth + 1,
                );
            }
        }
        (Shape::Array, Value::Array(items)) => {
            let item_schema = schema.get("items");
            for (i, v) in items.iter().enumerate() {
                walk(
                    doc,
                    item_schema,
                    v,
                    format!("{pointer}/{i}"),
                    false,
                    out,
                    depth + 1,
                );
            }
        }
        _ => {}
    }
}

const MARKER: &str = "@@raw-7c1e0b@@";

/// `value` with the location `pointer` replaced by the raw JSON text `raw`.
pub fn with_raw(value: &Value, pointer: &str, raw: &str) -> String {
    let mut v = value.clone();
    *v.pointer_mut(pointer).expect("pointer into the value") = Value::String(MARKER.into());
    let text = serde_json::to_string(&v).expect("a JSON value encodes");
    let quoted = format!("\"{MARKER}\"");
    assert_eq!(text.matches(&quoted).count(), 1, "marker must be unique");
    text.replacen(&quoted, raw, 1)
}

fn with_value(value: &Value, pointer: &str, new: Value) -> String {
    let mut v = value.clone();
    *v.pointer_mut(pointer).expect("pointer into the value") = new;
    serde_json::to_string(&v).expect("a JSON value encodes")
}

/// The key of the deeply nested objects (declared by no schema).
pub const DEEP_KEY: &str = "zz_deep";

/// Deeply nested inputs: 10 000 open brackets (unterminated), 10 000 balanced, and 10 000
/// nested objects (under [`DEEP_KEY`]).
pub fn deep_texts() -> Vec<(&'static str, String)> {
    const N: usize = 10_000;
    vec![
        ("10000 unterminated [", "[".repeat(N)),
        (
            "10000 nested arrays",
            format!("{}{}", "[".repeat(N), "]".repeat(N)),
        ),
        (
            "10000 nested objects",
            format!(
                "{}1{}",
                format!("{{\"{DEEP_KEY}\":").repeat(N),
                "}".repeat(N)
            ),
        ),
    ]
}

/// Values that do not have the shape (and are no `null`; see [`Expect::ErrOrAbsent`]).
fn wrong_values(shape: &Shape) -> Vec<(&'static str, &'static str)> {
    // (category, raw JSON)
    let mut v: Vec<(&str, &str)> = Vec::new();
    let not_string = [
        ("wrong type", "1"),
        ("wrong type", "true"),
        ("wrong type", "[]"),
        ("wrong type", "{}"),
    ];
    let not_int = [
        ("wrong type", "\"1\""),
        ("wrong type", "1.5"),
        ("wrong type", "true"),
        ("wrong type", "[]"),
        ("wrong type", "{}"),
    ];
    let huge_i64 = [
        ("huge number", "1e400"),
        ("huge number", "-1e400"),
        ("huge number", "18446744073709551616"),
        ("huge number", "9223372036854775808"),
        ("huge number", "-9223372036854775809"),
        ("huge number", "100000000000000000000000000000000000000000"),
    ];
    match shape {
        Shape::Str(format) => {
            v.extend(not_string);
            v.push(("huge number", "1e400"));
            match format.as_deref() {
                Some("date-time") => v.extend([
                    ("wrong format", "\"not a date-time\""),
                    ("wrong format", "\"2023-13-45T99:99:99Z\""),
                    ("wrong format", "\"2023-11-07\""),
                ]),
                Some("date") => v.extend([
                    ("wrong format", "\"2023-02-30\""),
                    ("wrong format", "\"yesterday\""),
                ]),
                Some("uuid") => v.extend([
                    ("wrong format", "\"not-a-uuid\""),
                    ("wrong format", "\"3fa85f64-5717-4562-b3fc\""),
                ]),
                _ => {}
            }
        }
        Shape::StrEnum => {
            v.extend(not_string);
            v.push(("huge number", "1e400"));
        }
        Shape::Int { int32 } => {
            v.extend(not_int);
            v.extend(huge_i64);
            if *int32 {
                v.extend([
                    ("huge number", "2147483648"),
                    ("huge number", "-2147483649"),
                ]);
            }
        }
        Shape::IntEnum => {
            v.extend(not_int);
            v.extend(huge_i64);
        }
        Shape::Number => v.extend([
            ("wrong type", "\"1\""),
            ("wrong type", "true"),
            ("wrong type", "[]"),
            ("huge number", "1e400"),
        ]),
        Shape::Bool => v.extend([
            ("wrong type", "\"true\""),
            ("wrong type", "1"),
            ("wrong type", "0"),
            ("wrong type", "[]"),
            ("wrong type", "{}"),
        ]),
        Shape::Array => v.extend([
            ("wrong type", "{}"),
            ("wrong type", "\"[]\""),
            ("wrong type", "1"),
            ("wrong type", "true"),
            ("huge number", "1e400"),
        ]),
        // (`[]` for a struct: see `arrays_for_objects`.)
        Shape::Struct { .. } => v.extend([
            ("wrong type", "\"{}\""),
            ("wrong type", "1"),
            ("wrong type", "true"),
            ("huge number", "1e400"),
        ]),
        Shape::Map => v.extend([
            ("wrong type", "[]"),
            ("wrong type", "\"{}\""),
            ("wrong type", "1"),
            ("wrong type", "true"),
            ("huge number", "1e400"),
        ]),
        // Anything is valid JSON here, except a number no JSON reader can hold.
        Shape::Any => v.extend([("huge number", "1e400"), ("huge number", "-1e400")]),
        Shape::Ambiguous => {}
    }
    v
}

/// Every bad input made from `sample` (a valid value of `schema`), given `base_output`, the
/// sample's own round trip. `deep` adds the deep-nesting inputs at every location (they are
/// large, so callers add them for one sample per schema).
pub fn cases(
    doc: &Value,
    schema: &Value,
    sample: &Value,
    base_output: &Value,
    deep: bool,
) -> Vec<Case> {
    let mut out = Vec::new();
    let text = serde_json::to_string(sample).expect("a JSON value encodes");

    // Truncations: every proper prefix that is not itself valid JSON.
    let boundaries: Vec<usize> = (0..text.len())
        .filter(|i| text.is_char_boundary(*i))
        .collect();
    let step = (boundaries.len() / 256).max(1);
    for (n, &cut) in boundaries.iter().enumerate() {
        if step > 1 && n % step != 0 && n > 32 && n + 32 < boundaries.len() {
            continue;
        }
        let prefix = &text[..cut];
        if serde_json::from_str::<Value>(prefix).is_ok() {
            continue;
        }
        out.push(Case {
            category: "truncated",
            what: format!("the first {cut} of {} bytes", text.len()),
            text: prefix.to_string(),
            expect: Expect::Err,
        });
    }

    // Malformed documents.
    for (what, bad) in [
        ("empty input", String::new()),
        ("only whitespace", "  \n".to_string()),
        ("trailing data", format!("{text} x")),
        ("two documents", format!("{text} {text}")),
        ("a trailing comma", format!("{text},")),
    ] {
        out.push(Case {
            category: "malformed",
            what: what.to_string(),
            text: bad,
            expect: Expect::Err,
        });
    }

    for node in nodes(doc, schema, sample) {
        let at = if node.pointer.is_empty() {
            "(root)".to_string()
        } else {
            node.pointer.clone()
        };
        for (category, raw) in wrong_values(&node.shape) {
            out.push(Case {
                category,
                what: format!("{raw} at {at} ({:?})", node.shape),
                text: with_raw(sample, &node.pointer, raw),
                expect: Expect::Err,
            });
        }
        if !node.nullable && node.shape != Shape::Ambiguous {
            let expect = if node.optional_property {
                Expect::ErrOrAbsent(node.pointer.clone())
            } else {
                Expect::Err
            };
            out.push(Case {
                category: "wrong type",
                what: format!("null at {at} (not nullable)"),
                text: with_value(sample, &node.pointer, Value::Null),
                expect,
            });
        }
        if deep {
            let drops_unknown = matches!(
                node.shape,
                Shape::Struct {
                    keeps_unknown: false,
                    typed_extras: false,
                    ..
                }
            );
            for (what, raw) in deep_texts() {
                let expect = if drops_unknown && what.contains("objects") {
                    Expect::SameAs(with_raw(
                        sample,
                        &node.pointer,
                        &format!("{{\"{DEEP_KEY}\":1}}"),
                    ))
                } else {
                    Expect::Err
                };
                out.push(Case {
                    category: "deep nesting",
                    what: format!("{what} at {at}"),
                    text: with_raw(sample, &node.pointer, &raw),
                    expect,
                });
            }
        }
        if let (
            Shape::Struct {
                required,
                keeps_unknown,
                typed_extras,
            },
            Some(Value::Object(present)),
        ) = (&node.shape, sample.pointer(&node.pointer))
        {
            for name in required {
                if present.contains_key(name) {
                    let mut v = sample.clone();
                    v.pointer_mut(&node.pointer)
                        .and_then(Value::as_object_mut)
                        .expect("object")
                        .remove(name);
                    out.push(Case {
                        category: "missing required",
                        what: format!("{at} without required {name:?}"),
                        text: serde_json::to_string(&v).unwrap(),
                        expect: Expect::Err,
                    });
                }
            }
            if !typed_extras {
                let key = "zz_unknown_field";
                let extra = json!({"nested": [1, "two", null, {"deep": true}], "n": 1.5});
                if !present.contains_key(key) {
                    let mut v = sample.clone();
                    v.pointer_mut(&node.pointer)
                        .and_then(Value::as_object_mut)
                        .expect("object")
                        .insert(key.into(), extra.clone());
                    let mut expected = base_output.clone();
                    if *keeps_unknown {
                        if let Some(obj) = expected
                            .pointer_mut(&node.pointer)
                            .and_then(Value::as_object_mut)
                        {
                            obj.insert(key.into(), extra.clone());
                        }
                    }
                    out.push(Case {
                        category: "unknown field",
                        what: format!("unknown {key:?} at {at}"),
                        text: serde_json::to_string(&v).unwrap(),
                        expect: Expect::Ok(expected),
                    });
                }
            }
        }
    }
    out
}

/// `[]` where a struct is expected. serde accepts a sequence for a struct (its positional
/// form), so a struct whose properties are all optional would read `[]` as `{}`; JSON has no
/// such form, and it must be an error.
pub fn arrays_for_objects(doc: &Value, schema: &Value, sample: &Value) -> Vec<Case> {
    let mut out = Vec::new();
    for node in nodes(doc, schema, sample) {
        let Shape::Struct { .. } = node.shape else {
            continue;
        };
        let at = if node.pointer.is_empty() {
            "(root)".to_string()
        } else {
            node.pointer.clone()
        };
        out.push(Case {
            category: "wrong type",
            what: format!("[] at {at}"),
            text: with_value(sample, &node.pointer, json!([])),
            expect: Expect::Err,
        });
    }
    out
}
