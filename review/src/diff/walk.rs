//! The walker: the state of one comparison ([`Differ`]), how a change is recorded, and
//! what both halves read of a schema. The comparison itself is in `operations.rs`
//! (operations, parameters, bodies, responses) and `schemas.rs` (schemas, properties,
//! constraints, composition); other rule families have modules of their own.

use std::collections::HashSet;

use serde_json::Value;

use super::impact::{Ctx, Impact};
use super::{Breaks, Change, Level, Rule};
use crate::spec::{self, Doc};

pub(crate) struct Differ<'a> {
    pub(crate) file: &'a str,
    /// The generated items of both sides.
    pub(crate) impact: Impact<'a>,
    pub(crate) old: &'a Value,
    pub(crate) new: &'a Value,
    pub(crate) new_doc: &'a Doc,
    pub(crate) out: Vec<Change>,
    pub(crate) visited: HashSet<(String, String)>,
}

pub(super) fn schema_name(pointer: &str) -> Option<String> {
    let rest = pointer.strip_prefix("/components/schemas/")?;
    if rest.contains('/') {
        return None;
    }
    Some(crate::locate::unescape_token(rest))
}

pub(super) fn ref_target(v: &Value) -> Option<String> {
    v.get("$ref")
        .and_then(Value::as_str)
        .and_then(spec::local_ref_pointer)
}

/// The one type a schema allows besides `null`: `type: T`, or 3.1's `type: [T, "null"]`.
/// `None` for no type or several.
pub(super) fn type_of(schema: &Value) -> Option<&str> {
    match schema.get("type")? {
        Value::String(t) => Some(t),
        Value::Array(types) => {
            let mut others = types
                .iter()
                .filter_map(Value::as_str)
                .filter(|t| *t != "null");
            let first = others.next()?;
            others.next().is_none().then_some(first)
        }
        _ => None,
    }
}

/// The types a schema allows besides `null`, sorted (empty when any type is).
pub(super) fn types_of(schema: &Value) -> Vec<&str> {
    let mut out: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) if t != "null" => vec![t.as_str()],
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .collect(),
        _ => Vec::new(),
    };
    out.sort_unstable();
    out.dedup();
    out
}

/// Whether a schema allows `null`: 3.0's `nullable: true`, or 3.1's `null` among its
/// types.
pub(super) fn nullable(schema: &Value) -> bool {
    schema.get("nullable").and_then(Value::as_bool) == Some(true)
        || match schema.get("type") {
            Some(Value::Array(types)) => types.iter().any(|t| t == "null"),
            _ => false,
        }
}

impl Differ<'_> {
    /// A change outside any operation or schema context (a webhook, a security
    /// scheme): no Rust items are named.
    pub(super) fn push_change(
        &mut self,
        level: Level,
        rule: Rule,
        pointer: &str,
        location: &str,
        message: String,
        breaks: Breaks,
    ) {
        self.change(
            &Ctx::at(location, Vec::new()),
            level,
            rule,
            pointer,
            message,
            breaks,
        );
    }

    /// Records a change at `pointer` (located in the new document) in the context
    /// `ctx`: its location, the start of its message and the Rust items it touches.
    pub(super) fn change(
        &mut self,
        ctx: &Ctx,
        level: Level,
        rule: Rule,
        pointer: &str,
        what: String,
        breaks: Breaks,
    ) {
        let pos = self.new_doc.locator.locate(pointer);
        self.out.push(Change {
            level,
            rule,
            file: self.file.to_string(),
            line: pos.map(|p| p.0),
            column: pos.map(|p| p.1),
            pointer: pointer.to_string(),
            location: ctx.location.clone(),
            message: format!("{}{what}", ctx.prefix()),
            rust_items: ctx.rust_items(&self.impact),
            breaks_compilation: breaks,
        });
    }
}
