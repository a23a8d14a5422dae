//! Rust expressions that build a value of a generated type from a JSON example, through
//! the same `new(..)` and setters a caller writes: the generated README shows typed
//! construction, never JSON decoding.

use crate::emit::types::json_literal;
use crate::typespace::setter_names;
use crate::typespace::{Prim, TypeKind, TypeRef, TypeSpace};

/// Where the expression is written.
pub(crate) struct Context<'a> {
    /// Path before generated type names, e.g. `types::`.
    pub types: &'a str,
    /// Path of the crate that re-exports `chrono`, `uuid` and `serde_json`, with `::`
    /// (e.g. `conversation_apis::`).
    pub krate: &'a str,
}

/// How deep an example may nest before it is not worth writing out.
const MAX_DEPTH: usize = 12;

/// An expression of type `ty` equal to `value`, or `None` when the example cannot be
/// built exactly with constructors and setters (a union, undeclared properties, a value
/// of the wrong type). `into` says the expression is passed where `impl Into<T>` is
/// taken, so a string literal may stand for a `String`.
pub(crate) fn value_expr(
    space: &TypeSpace,
    ty: &TypeRef,
    value: &serde_json::Value,
    cx: &Context,
    into: bool,
) -> Option<String> {
    expr(space, ty, value, cx, into, 0)
}

fn expr(
    space: &TypeSpace,
    ty: &TypeRef,
    value: &serde_json::Value,
    cx: &Context,
    into: bool,
    depth: usize,
) -> Option<String> {
    use serde_json::Value;
    if depth > MAX_DEPTH {
        return None;
    }
    Some(match (ty, value) {
        (TypeRef::Prim(p), value) => prim(*p, value, cx, into)?,
        (TypeRef::Vec(item), Value::Array(items)) => {
            let items: Option<Vec<String>> = items
                .iter()
                .map(|v| expr(space, item, v, cx, false, depth + 1))
                .collect();
            format!("vec![{}]", items?.join(", "))
        }
        (TypeRef::Map(item), Value::Object(map)) => {
            if map.is_empty() {
                return Some("std::collections::BTreeMap::new()".into());
            }
            let entries: Option<Vec<String>> = map
                .iter()
                .map(|(k, v)| {
                    let v = expr(space, item, v, cx, false, depth + 1)?;
                    Some(format!("({k:?}.to_string(), {v})"))
                })
                .collect();
            format!(
                "std::collections::BTreeMap::from([{}])",
                entries?.join(", ")
            )
        }
        (TypeRef::Option(_), Value::Null) => "None".into(),
        (TypeRef::Option(inner), value) => {
            format!("Some({})", expr(space, inner, value, cx, false, depth + 1)?)
        }
        (TypeRef::Boxed(inner), value) => {
            let inner = expr(space, inner, value, cx, into, depth + 1)?;
            if into {
                inner
            } else {
                format!("Box::new({inner})")
            }
        }
        (TypeRef::Named(name), value) => {
            let entry = space.get(name)?;
            let path = format!("{}{name}", cx.types);
            match (&entry.kind, value) {
                (TypeKind::Alias(target), value) => {
                    return expr(space, target, value, cx, into, depth + 1)
                }
                (TypeKind::StringEnum(variants), Value::String(s)) => {
                    match variants.iter().find(|v| &v.wire == s) {
                        Some(v) => format!("{path}::{}", v.name),
                        None => format!("{path}::from({s:?})"),
                    }
                }
                (TypeKind::IntEnum(variants), Value::Number(n)) => {
                    let n = n.as_i64()?;
                    match variants.iter().find(|v| v.value == n) {
                        Some(v) => format!("{path}::{}", v.name),
                        None => format!("{path}::from({n}_i64)"),
                    }
                }
                (TypeKind::Struct { fields, additional }, Value::Object(map)) => {
                    if additional.is_some()
                        || map.keys().any(|k| !fields.iter().any(|f| &f.wire == k))
                    {
                        return None;
                    }
                    // The outermost chain gets a line per setter, as rustfmt writes it.
                    let sep = if depth == 0 { "\n    " } else { "" };
                    let mut args = Vec::new();
                    let mut calls = String::new();
                    for (f, names) in fields.iter().zip(setter_names(fields.iter())) {
                        let given = map.get(&f.wire);
                        match (names, given) {
                            (None, Some(v)) => {
                                args.push(expr(space, &f.ty, v, cx, true, depth + 1)?)
                            }
                            // A required property the example leaves out.
                            (None, None) => return None,
                            (Some(_), None) => {}
                            (Some(names), Some(Value::Null)) if f.ty != TypeRef::JSON => {
                                calls.push_str(&format!("{sep}.{}()", names.null?));
                            }
                            (Some(names), Some(v)) => {
                                let v = expr(space, &f.ty, v, cx, true, depth + 1)?;
                                calls.push_str(&format!("{sep}.{}({v})", names.set));
                            }
                        }
                    }
                    format!("{path}::new({}){calls}", args.join(", "))
                }
                _ => return None,
            }
        }
        _ => return None,
    })
}

fn prim(p: Prim, value: &serde_json::Value, cx: &Context, into: bool) -> Option<String> {
    use serde_json::Value;
    let krate = cx.krate;
    Some(match (p, value) {
        (Prim::String, Value::String(s)) if into => format!("{s:?}"),
        (Prim::String, Value::String(s)) => format!("{s:?}.to_string()"),
        (Prim::Bool, Value::Bool(b)) => b.to_string(),
        (Prim::I32, Value::Number(n)) => i32::try_from(n.as_i64()?).ok()?.to_string(),
        (Prim::I64, Value::Number(n)) => n.as_i64()?.to_string(),
        (Prim::F64 | Prim::F32, Value::Number(n)) => format!("{:?}", n.as_f64()?),
        (Prim::DateTime, Value::String(s)) => {
            format!("{krate}chrono::DateTime::parse_from_rfc3339({s:?})?")
        }
        (Prim::Date, Value::String(s)) => format!("{s:?}.parse::<{krate}chrono::NaiveDate>()?"),
        (Prim::Uuid, Value::String(s)) => format!("{krate}uuid::Uuid::parse_str({s:?})?"),
        (Prim::Json, value) => format!("{krate}serde_json::json!({})", json_literal(value)),
        _ => return None,
    })
}
