//! The Rust items a change touches, read from codegen's typed model of both sides
//! ([`codegen::items`]): every name is the one `gen` writes, collisions and merged shapes
//! included; nothing is re-derived from spec names here.

use codegen::items::{ApiItems, ItemKind, TypeItem};

use super::Usage;

/// Which document an item is looked up in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    /// The base revision.
    Old,
    /// The new revision.
    New,
}

/// A named type the comparison is inside of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TypeAt {
    /// Its Rust path (`krate::module::types::Name`).
    pub(crate) path: String,
    /// Its Rust name.
    pub(crate) name: String,
    /// Whether it is an alias (of a merged identical shape, or of another type).
    pub(crate) alias: bool,
    /// For an alias, what it stands for (Rust text).
    pub(crate) alias_of: Option<String>,
}

/// The generated items of one module on both sides.
pub(crate) struct Impact<'a> {
    /// `krate::module`.
    pub(crate) module_path: String,
    pub(crate) old: &'a ApiItems,
    pub(crate) new: &'a ApiItems,
}

impl<'a> Impact<'a> {
    fn items(&self, side: Side) -> &'a ApiItems {
        match side {
            Side::Old => self.old,
            Side::New => self.new,
        }
    }

    /// `Client::<method>` of the operation at `method path`.
    pub(crate) fn client_method(&self, side: Side, method: &str, path: &str) -> Option<String> {
        let op = self.items(side).operation(method, path)?;
        Some(format!("{}::Client::{}", self.module_path, op.method))
    }

    /// The builder setter (optional) or argument (required) of a parameter.
    pub(crate) fn parameter(
        &self,
        side: Side,
        (method, path): (&str, &str),
        location: &str,
        wire: &str,
    ) -> Option<String> {
        let op = self.items(side).operation(method, path)?;
        let p = op
            .params
            .iter()
            .find(|p| p.location == location && p.wire == wire)?;
        Some(match (&op.params_struct, p.required, location) {
            (_, false, _) => format!("{}::{}::{}", self.module_path, op.builder, p.name),
            (Some(params), true, l) if l != "path" => {
                format!("{}::{params}::{}", self.module_path, p.name)
            }
            _ => format!("{}::Client::{}", self.module_path, op.method),
        })
    }

    /// The builder's setter of the operation's optional request body.
    pub(crate) fn body_setter(&self, side: Side, method: &str, path: &str) -> Option<String> {
        let op = self.items(side).operation(method, path)?;
        let setter = op.body_setter.as_ref()?;
        Some(format!("{}::{}::{setter}", self.module_path, op.builder))
    }

    /// The type generated for the schema at `pointer`.
    pub(crate) fn type_at(&self, side: Side, pointer: &str) -> Option<TypeAt> {
        let t = self.items(side).type_at(pointer)?;
        Some(self.type_ref(t))
    }

    /// The type of the component schema `name`.
    pub(crate) fn component(&self, side: Side, name: &str) -> Option<TypeAt> {
        let pointer = format!(
            "/components/schemas/{}",
            codegen::load::escape_pointer_token(name)
        );
        self.type_at(side, &pointer)
    }

    fn type_ref(&self, t: &TypeItem) -> TypeAt {
        TypeAt {
            path: format!("{}::types::{}", self.module_path, t.name),
            name: t.name.clone(),
            alias: t.kind == ItemKind::Alias,
            alias_of: t.alias_of.clone(),
        }
    }

    /// The struct behind `name` (following aliases), new side first.
    fn resolved(&self, name: &str) -> Vec<&'a TypeItem> {
        let mut out = Vec::new();
        for items in [self.new, self.old] {
            let mut current = items.types.get(name);
            for _ in 0..8 {
                match current {
                    Some(t) if t.kind == ItemKind::Alias => {
                        current = t.alias_of.as_ref().and_then(|a| items.types.get(a));
                    }
                    _ => break,
                }
            }
            out.extend(current);
        }
        out
    }

    /// The Rust field of property `wire` of type `name`.
    pub(crate) fn field(&self, name: &str, wire: &str) -> Option<String> {
        self.resolved(name)
            .into_iter()
            .find_map(|t| t.field(wire).map(|f| f.name.clone()))
    }

    /// The Rust variant of enum value `wire` of type `name`.
    pub(crate) fn variant(&self, name: &str, wire: &str) -> Option<String> {
        self.resolved(name)
            .into_iter()
            .find_map(|t| t.variant(wire).map(|v| v.name.clone()))
    }

    /// The reply (`success`) or error enum of an operation, with the variant of
    /// `status` when it has one on that side.
    pub(crate) fn status_enum(
        &self,
        side: Side,
        (method, path): (&str, &str),
        success: bool,
        status: &str,
    ) -> Option<String> {
        let op = self.items(side).operation(method, path)?;
        let st = op
            .statuses
            .iter()
            .find(|s| s.status.eq_ignore_ascii_case(status))?;
        let (enum_name, variant) = if success {
            (&op.reply, st.reply_variant.as_ref()?)
        } else {
            (&op.error, st.error_variant.as_ref()?)
        };
        Some(format!("{}::{enum_name}::{variant}", self.module_path))
    }
}

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
    /// The Rust name of that type (to look its fields up), and how many entries of
    /// `field` were already there when it was entered.
    pub(crate) type_name: Option<(String, usize)>,
    /// Property path inside the type or payload.
    pub(crate) field: Vec<String>,
    /// Which ways the payload travels.
    pub(crate) usage: Usage,
    /// Whether the field at the end of `field` is optional (an `Option` in Rust).
    pub(crate) optional: bool,
    /// For operations: method and path in the new document, to look items up.
    pub(crate) op: Option<(String, String)>,
    /// For operations: method and path in the old document.
    pub(crate) old_op: Option<(String, String)>,
}

impl Ctx {
    /// The context of a change at `location` (an operation, a webhook, a security
    /// scheme) that touches `items`, outside any payload.
    pub(crate) fn at(location: &str, items: Vec<String>) -> Ctx {
        Ctx {
            location: location.to_string(),
            subject: String::new(),
            items,
            type_path: None,
            type_name: None,
            field: Vec::new(),
            usage: Usage::REQUEST,
            optional: false,
            op: None,
            old_op: None,
        }
    }

    /// This context, naming `item` too.
    pub(crate) fn with_item(&self, item: Option<String>) -> Ctx {
        let mut c = self.clone();
        c.items.extend(item);
        c
    }

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

    /// Enters the named type `t`: fields are now looked up in it.
    pub(crate) fn enter(&mut self, t: &TypeAt) {
        self.type_path = Some(t.path.clone());
        self.type_name = Some((t.name.clone(), self.field.len()));
    }

    /// The first property below the type entered, if any.
    pub(crate) fn field_in_type(&self) -> Option<&str> {
        let depth = self.type_name.as_ref().map_or(0, |(_, d)| *d);
        self.field.get(depth).map(String::as_str)
    }

    /// The items this context touches: the operation's, and the field of the type it is
    /// in (or the type itself), as generated.
    pub(crate) fn rust_items(&self, impact: &Impact<'_>) -> Vec<String> {
        let mut items = self.items.clone();
        if let Some(t) = &self.type_path {
            let field = self
                .field_in_type()
                .filter(|f| *f != "[]" && *f != "{}")
                .zip(self.type_name.as_ref())
                .and_then(|(f, (name, _))| impact.field(name, f));
            match field {
                Some(f) => items.push(format!("{t}::{f}")),
                None => items.push(t.clone()),
            }
        }
        items
    }
}
