//! Proptest strategies for JSON values that match an OpenAPI 3.0 schema.
//!
//! Built from the schema itself: `$ref` (followed), `type`, `format` (date-time as RFC 3339
//! with any offset and 0–9 fraction digits, date, uuid, int32/int64, float/double), `enum`
//! (the listed values and, because every generated enum is open, unknown strings or
//! integers), `nullable`, `required`, `properties`, `items`, `additionalProperties`,
//! `minItems`/`maxItems`, `minLength`/`maxLength`, `minimum`/`maximum`,
//! `minProperties`/`maxProperties`, `allOf`, `oneOf`/`anyOf`.
//!
//! Floats: by default every finite f64 ([`Floats::Any`]); [`Floats::Short`] keeps to short
//! decimals that even a JSON reader that does not round correctly reads back exactly.
//!
//! Objects with declared properties only get extra keys when `additionalProperties` allows
//! them explicitly (unknown keys on a closed struct are dropped by design; `bad_input`
//! checks that they decode). Free-form objects (no properties) get arbitrary entries.

use std::collections::BTreeMap;

use proptest::prelude::*;
use proptest::strategy::{BoxedStrategy, Just, Union};
use serde_json::{Map, Value};

use crate::spec::{deref, resolve_pointer};

/// Below this nesting depth optional properties are left out and arrays are kept short, so
/// that recursive schemas stay finite.
const MAX_DEPTH: u32 = 8;

/// Which floating-point numbers to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Floats {
    /// Decimals with at most 10 significant digits and exponents within ±6, which any JSON
    /// reader maps to the nearest f64 exactly.
    Short,
    /// Every finite f64, written in its shortest round-trip form (up to 17 digits, exponents
    /// to ±308): reading these back bit for bit needs a correctly rounding JSON reader.
    Any,
}

/// A strategy for values matching the schema at `pointer` in `doc` ([`Floats::Any`]).
///
/// Panics when there is no schema at `pointer`.
pub fn for_pointer(doc: &Value, pointer: &str) -> BoxedStrategy<Value> {
    for_pointer_with(doc, pointer, Floats::Any)
}

/// [`for_pointer`] with a choice of floats.
pub fn for_pointer_with(doc: &Value, pointer: &str, floats: Floats) -> BoxedStrategy<Value> {
    let schema = resolve_pointer(doc, pointer)
        .and_then(|p| doc.pointer(&p))
        .unwrap_or_else(|| panic!("no schema at {pointer}"));
    Builder { doc, floats }.schema(schema, 0)
}

/// A strategy for values matching `schema` (resolved in `doc`).
pub fn for_schema(doc: &Value, schema: &Value) -> BoxedStrategy<Value> {
    Builder {
        doc,
        floats: Floats::Any,
    }
    .schema(schema, 0)
}

struct Builder<'a> {
    doc: &'a Value,
    floats: Floats,
}

fn str_of<'v>(schema: &'v Value, key: &str) -> Option<&'v str> {
    schema.get(key).and_then(Value::as_str)
}

fn is_true(schema: &Value, key: &str) -> bool {
    schema.get(key) == Some(&Value::Bool(true))
}

impl Builder<'_> {
    fn schema(&self, schema: &Value, depth: u32) -> BoxedStrategy<Value> {
        let schema = deref(self.doc, schema);
        let inner = self.non_null(schema, depth);
        if is_true(schema, "nullable") {
            prop_oneof![1 => Just(Value::Null), 4 => inner].boxed()
        } else {
            inner
        }
    }

    fn non_null(&self, schema: &Value, depth: u32) -> BoxedStrategy<Value> {
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            return self.enumeration(schema, values);
        }
        if let Some(members) = schema.get("allOf").and_then(Value::as_array) {
            return self.all_of(members, depth);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(members) = schema.get(key).and_then(Value::as_array) {
                let branches: Vec<_> = members.iter().map(|m| self.schema(m, depth + 1)).collect();
                if !branches.is_empty() {
                    return Union::new(branches).boxed();
                }
            }
        }
        match str_of(schema, "type") {
            Some("string") => self.string(schema),
            Some("integer") => self.integer(schema),
            Some("number") => number(schema, self.floats),
            Some("boolean") => any::<bool>().prop_map(Value::Bool).boxed(),
            Some("array") => self.array(schema, depth),
            Some("object") => self.object(schema, depth),
            None if schema.get("properties").is_some()
                || schema.get("additionalProperties").is_some() =>
            {
                self.object(schema, depth)
            }
            None if schema.get("items").is_some() => self.array(schema, depth),
            _ => any_json(self.floats),
        }
    }

    /// Listed values, and (every generated enum being open) unlisted ones of the same type.
    fn enumeration(&self, schema: &Value, values: &[Value]) -> BoxedStrategy<Value> {
        let known = values.to_vec();
        let listed = proptest::sample::select(known.clone()).boxed();
        let unknown: Option<BoxedStrategy<Value>> = if values.iter().all(Value::is_string) {
            let k = known.clone();
            Some(
                any_string()
                    .prop_map(Value::String)
                    .prop_filter("unlisted", move |v| !k.contains(v))
                    .boxed(),
            )
        } else if values.iter().all(|v| v.is_i64() || v.is_u64()) {
            let k = known.clone();
            let ints = if str_of(schema, "format") == Some("int32") {
                prop_oneof![-100i64..100, any::<i32>().prop_map(i64::from)].boxed()
            } else {
                prop_oneof![-100i64..100, any::<i64>()].boxed()
            };
            Some(
                ints.prop_map(Value::from)
                    .prop_filter("unlisted", move |v| !k.contains(v))
                    .boxed(),
            )
        } else {
            None
        };
        match unknown {
            Some(unknown) => prop_oneof![3 => listed, 1 => unknown].boxed(),
            None => listed,
        }
    }

    /// Members merged into one object (later members win on shared keys).
    fn all_of(&self, members: &[Value], depth: u32) -> BoxedStrategy<Value> {
        let parts: Vec<BoxedStrategy<Value>> =
            members.iter().map(|m| self.schema(m, depth)).collect();
        parts
            .prop_map(|parts| {
                let mut merged = Map::new();
                let mut last_non_object = None;
                for part in parts {
                    match part {
                        Value::Object(m) => merged.extend(m),
                        other => last_non_object = Some(other),
                    }
                }
                match last_non_object {
                    Some(v) if merged.is_empty() => v,
                    _ => Value::Object(merged),
                }
            })
            .boxed()
    }

    fn string(&self, schema: &Value) -> BoxedStrategy<Value> {
        match str_of(schema, "format") {
            Some("date-time") => date_time().prop_map(Value::String).boxed(),
            Some("date") => date().prop_map(Value::String).boxed(),
            Some("uuid") => uuid().prop_map(Value::String).boxed(),
            _ => {
                let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
                let max = schema
                    .get("maxLength")
                    .and_then(Value::as_u64)
                    .map_or(min + 16, |m| m as usize)
                    .max(min);
                proptest::collection::vec(any::<char>(), min..=max)
                    .prop_map(|chars| Value::String(chars.into_iter().collect()))
                    .boxed()
            }
        }
    }

    fn integer(&self, schema: &Value) -> BoxedStrategy<Value> {
        let (mut lo, mut hi) = match str_of(schema, "format") {
            Some("int32") => (i64::from(i32::MIN), i64::from(i32::MAX)),
            _ => (i64::MIN, i64::MAX),
        };
        if let Some(min) = schema.get("minimum").and_then(Value::as_f64) {
            let exclusive = is_true(schema, "exclusiveMinimum");
            lo = lo.max(if exclusive {
                min.floor() as i64 + 1
            } else {
                min.ceil() as i64
            });
        }
        if let Some(max) = schema.get("maximum").and_then(Value::as_f64) {
            let exclusive = is_true(schema, "exclusiveMaximum");
            hi = hi.min(if exclusive {
                max.ceil() as i64 - 1
            } else {
                max.floor() as i64
            });
        }
        let small_lo = lo.max(-1000);
        let small_hi = hi.min(1000);
        let full = (lo..=hi).boxed();
        let edges = proptest::sample::select(vec![lo, hi]).boxed();
        let strategy = if small_lo <= small_hi {
            prop_oneof![4 => (small_lo..=small_hi).boxed(), 4 => full, 1 => edges].boxed()
        } else {
            prop_oneof![4 => full, 1 => edges].boxed()
        };
        strategy.prop_map(Value::from).boxed()
    }

    fn array(&self, schema: &Value, depth: u32) -> BoxedStrategy<Value> {
        let items = match schema.get("items") {
            Some(items) => self.schema(items, depth + 1),
            None => any_json(self.floats),
        };
        let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0) as usize;
        let cap = if depth >= MAX_DEPTH { min } else { min + 4 };
        let max = schema
            .get("maxItems")
            .and_then(Value::as_u64)
            .map_or(cap, |m| (m as usize).min(cap))
            .max(min);
        proptest::collection::vec(items, min..=max)
            .prop_map(Value::Array)
            .boxed()
    }

    fn object(&self, schema: &Value, depth: u32) -> BoxedStrategy<Value> {
        let empty = Map::new();
        let properties = schema
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let required: Vec<String> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let declared: Vec<String> = properties.keys().cloned().collect();

        let mut fields: Vec<BoxedStrategy<Option<(String, Value)>>> = Vec::new();
        for (name, prop) in properties {
            let name = name.clone();
            if required.contains(&name) {
                fields.push(
                    self.schema(prop, depth + 1)
                        .prop_map(move |v| Some((name.clone(), v)))
                        .boxed(),
                );
            } else if depth < MAX_DEPTH {
                fields.push(
                    proptest::option::weighted(0.7, self.schema(prop, depth + 1))
                        .prop_map(move |v| v.map(|v| (name.clone(), v)))
                        .boxed(),
                );
            }
        }

        let extra_values: Option<BoxedStrategy<Value>> = match schema.get("additionalProperties") {
            Some(Value::Bool(true)) => Some(any_json(self.floats)),
            Some(Value::Bool(false)) => None,
            Some(extra @ Value::Object(_)) => Some(self.schema(extra, depth + 1)),
            None if properties.is_empty() => Some(any_json(self.floats)),
            _ => None,
        };
        let min_props = schema
            .get("minProperties")
            .and_then(Value::as_u64)
            .unwrap_or(0) as usize;
        let max_props = schema
            .get("maxProperties")
            .and_then(Value::as_u64)
            .map(|m| m as usize);
        let extras: BoxedStrategy<BTreeMap<String, Value>> = match extra_values {
            Some(values) if depth < MAX_DEPTH || min_props > 0 => {
                let taken = declared.clone();
                let keys = key().prop_filter("undeclared", move |k| !taken.contains(k));
                proptest::collection::btree_map(keys, values, min_props..=min_props + 3).boxed()
            }
            _ => Just(BTreeMap::new()).boxed(),
        };

        (fields, extras)
            .prop_map(move |(fields, extras)| {
                let mut map = Map::new();
                for (k, v) in fields.into_iter().flatten() {
                    map.insert(k, v);
                }
                if let Some(max) = max_props {
                    // Declared properties first; extras only while there is room.
                    let mut optional: Vec<String> = map
                        .keys()
                        .filter(|k| !required.contains(k))
                        .cloned()
                        .collect();
                    while map.len() > max {
                        match optional.pop() {
                            Some(k) => {
                                map.remove(&k);
                            }
                            None => break,
                        }
                    }
                }
                for (k, v) in extras {
                    if max_props.is_some_and(|max| map.len() >= max) && map.len() >= min_props {
                        break;
                    }
                    map.insert(k, v);
                }
                Value::Object(map)
            })
            .boxed()
    }
}

fn number(schema: &Value, floats: Floats) -> BoxedStrategy<Value> {
    if str_of(schema, "format") == Some("float") {
        // Values an f32 holds, written in the shortest form that reads back as that f32.
        return any::<f32>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| {
                serde_json::from_str::<Value>(&format!("{f:?}")).expect("an f32 prints as JSON")
            })
            .boxed();
    }
    prop_oneof![float(floats), (-1000i64..1000).prop_map(Value::from)].boxed()
}

/// A float JSON number.
pub fn float(floats: Floats) -> BoxedStrategy<Value> {
    match floats {
        Floats::Any => any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from)
            .boxed(),
        Floats::Short => (-9_999_999_999i64..=9_999_999_999, 0i32..=6)
            .prop_map(|(m, k)| Value::from(m as f64 / 10f64.powi(k)))
            .boxed(),
    }
}

/// Any string: ASCII, escapes, control characters, non-BMP characters.
pub fn any_string() -> BoxedStrategy<String> {
    proptest::collection::vec(any::<char>(), 0..16)
        .prop_map(|chars| chars.into_iter().collect())
        .boxed()
}

/// Object keys: mostly identifier-like, sometimes anything.
pub fn key() -> BoxedStrategy<String> {
    prop_oneof![
        3 => "[a-zA-Z_][a-zA-Z0-9_.-]{0,12}",
        1 => any_string(),
    ]
    .boxed()
}

/// Any JSON value, a few levels deep (numbers: i64, u64 and floats as `floats` says).
pub fn any_json(floats: Floats) -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        float(floats),
        any_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(key(), inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
    .boxed()
}

/// RFC 3339 date-times: years 0000–9999, 0–9 fraction digits, `Z` or any `±hh:mm` offset.
pub fn date_time() -> BoxedStrategy<String> {
    let date = (0i32..=9999, 1u32..=12, 1u32..=31);
    let time = (0u32..24, 0u32..60, 0u32..60);
    let fraction =
        (0usize..=9).prop_flat_map(|digits| (Just(digits), 0u64..10u64.pow(digits as u32)));
    let offset = prop_oneof![
        2 => Just("Z".to_string()),
        3 => (prop_oneof![Just('+'), Just('-')], 0u32..24, 0u32..60).prop_map(|(s, h, m)| format!("{s}{h:02}:{m:02}")),
    ];
    (date, time, fraction, offset)
        .prop_filter_map(
            "a real calendar day",
            |((y, mo, d), (h, mi, s), (digits, frac), offset)| {
                chrono::NaiveDate::from_ymd_opt(y, mo, d)?;
                let frac = if digits == 0 {
                    String::new()
                } else {
                    format!(".{frac:0digits$}")
                };
                Some(format!(
                    "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{frac}{offset}"
                ))
            },
        )
        .boxed()
}

/// Full dates (`YYYY-MM-DD`).
pub fn date() -> BoxedStrategy<String> {
    (0i32..=9999, 1u32..=12, 1u32..=31)
        .prop_filter_map("a real calendar day", |(y, m, d)| {
            chrono::NaiveDate::from_ymd_opt(y, m, d)?;
            Some(format!("{y:04}-{m:02}-{d:02}"))
        })
        .boxed()
}

/// UUIDs in their canonical (lower-case, hyphenated) text form.
pub fn uuid() -> BoxedStrategy<String> {
    any::<u128>()
        .prop_map(|n| uuid::Uuid::from_u128(n).hyphenated().to_string())
        .boxed()
}
