//! The Rust items a change touches.

use super::Usage;
use crate::naming;

/// Where in the crate and the spec a schema comparison is.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    /// `POST /conversations` or `schema Conversation`.
    pub(crate) location: String,
    /// `request body`, `parameter page`, ... (empty for component schemas).
    pub(crate) subject: String,
    /// Items touched by any change here (the client method for operations).
    pub(crate) items: Vec<String>,
    /// The Rust path of the named type being compared, if any.
    pub(crate) type_path: Option<String>,
    /// Property path inside the type or payload.
    pub(crate) field: Vec<String>,
    /// Which ways the payload travels.
    pub(crate) usage: Usage,
    /// Whether the field at the end of `field` is optional (an `Option` in Rust).
    pub(crate) optional: bool,
    /// For operations: the Rust path of the request builder (`...::zild::CreateX`), whose
    /// name also starts the reply and error enums (`CreateXReply`, `CreateXError`).
    pub(crate) stem: Option<String>,
}

impl Ctx {
    pub(crate) fn with_field(&self, name: &str, optional: bool) -> Ctx {
        let mut c = self.clone();
        c.field.push(name.to_string());
        c.optional = optional;
        c
    }

    pub(crate) fn with_items(&self) -> Ctx {
        let mut c = self.clone();
        c.field.push("[]".to_string());
        c
    }

    pub(crate) fn field_text(&self) -> String {
        let mut out = String::new();
        for f in &self.field {
            if f == "[]" || f == "{}" {
                out.push_str(f);
            } else {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(f);
            }
        }
        out
    }

    /// `request body, property ticket.id: ` — the start of a message.
    pub(crate) fn prefix(&self) -> String {
        let field = self.field_text();
        let mut parts = Vec::new();
        if !self.subject.is_empty() {
            parts.push(self.subject.clone());
        }
        if !field.is_empty() {
            parts.push(format!("property `{field}`"));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("{}: ", parts.join(", "))
        }
    }

    pub(crate) fn rust_items(&self) -> Vec<String> {
        let mut items = self.items.clone();
        if let Some(t) = &self.type_path {
            match self.field.first().filter(|f| *f != "[]" && *f != "{}") {
                Some(f) => items.push(format!("{t}::{}", naming::field_name(f))),
                None => items.push(t.clone()),
            }
        }
        items
    }
}
