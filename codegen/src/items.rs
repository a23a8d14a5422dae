//! The Rust items one API module is generated with, read from the typed model (the same
//! [`TypeSpace`] and [`Operations`](crate::operations::Operations)
//! emit reads), for tools that report on the generated crate without re-deriving names:
//! renamed collisions, merged shapes and aliases come out exactly as generated.
//!
//! Read-only: building it runs the model only (no tokens, no formatting).

use std::collections::BTreeMap;

use crate::operations::{OperationMethod, ParamLocation, ResponseBody, StatusMatch};
use crate::typespace::{setter_names, Presence, TypeKind, TypeRef, TypeSpace};
use crate::{ApiInput, Error};

/// The items of one API module (`<crate>::<module>`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiItems {
    /// The module name.
    pub module: String,
    /// The types of `<module>::types`, by Rust name.
    pub types: BTreeMap<String, TypeItem>,
    /// JSON pointer of a schema → the Rust type generated for it (component schemas,
    /// inline objects and enums, bodies). Several pointers map to one name when shapes
    /// were merged.
    pub by_pointer: BTreeMap<String, String>,
    /// The operations, in document order.
    pub operations: Vec<OperationItems>,
}

/// What kind of item a type is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ItemKind {
    /// A `#[non_exhaustive]` struct built with `new(..)` and setters.
    Struct,
    /// An open string enum (`Other(String)`).
    StringEnum,
    /// An open integer enum (`Other(i64)`).
    IntEnum,
    /// A `oneOf`/`anyOf` enum.
    Union,
    /// `pub type Name = T;`.
    Alias,
}

/// One type of `<module>::types`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeItem {
    /// The Rust name.
    pub name: String,
    /// JSON pointer of the schema it was made from.
    pub pointer: String,
    /// What kind of item it is.
    pub kind: ItemKind,
    /// Whether code outside the crate can build a value: structs through `new(..)`,
    /// enum variants directly (aliases: whether what they name can be).
    pub constructible: bool,
    /// For an alias, the type it stands for, as Rust text.
    pub alias_of: Option<String>,
    /// Struct fields, in document order.
    pub fields: Vec<FieldItem>,
    /// Enum and union variants, in document order.
    pub variants: Vec<VariantItem>,
}

/// A public field of a struct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldItem {
    /// The Rust field name.
    pub name: String,
    /// The property name on the wire.
    pub wire: String,
    /// Whether `new(..)` takes it (required, not nullable).
    pub in_new: bool,
    /// Its setter, if it has one (optional fields).
    pub setter: Option<String>,
    /// The setter that sends `null`, for nullable fields.
    pub null_setter: Option<String>,
}

/// A variant of an enum or union.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariantItem {
    /// The Rust variant name.
    pub name: String,
    /// The value on the wire (string enums: the string; integer enums: the number;
    /// unions: the member's Rust type).
    pub wire: String,
}

/// The items of one operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationItems {
    /// The operationId (or the one derived from method and path).
    pub operation_id: String,
    /// Lower-case HTTP method.
    pub http_method: String,
    /// Path template.
    pub path: String,
    /// JSON pointer of the operation object.
    pub pointer: String,
    /// The client method (`Client::<method>`).
    pub method: String,
    /// The request builder the method returns.
    pub builder: String,
    /// The enum of documented successes.
    pub reply: String,
    /// The enum of documented error bodies.
    pub error: String,
    /// The struct of required header and query parameters, when there are any.
    pub params_struct: Option<String>,
    /// The parameters.
    pub params: Vec<ParamItem>,
    /// The builder's setter of an optional request body (a required one is an argument
    /// of the method).
    pub body_setter: Option<String>,
    /// The documented statuses and where each one lands.
    pub statuses: Vec<StatusItem>,
}

/// A parameter of an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamItem {
    /// The Rust name: argument, field of the params struct, or builder setter.
    pub name: String,
    /// The name on the wire.
    pub wire: String,
    /// `path`, `query`, `header` or `cookie`.
    pub location: String,
    /// Whether the method takes it (positionally for path parameters, in the params
    /// struct otherwise); optional parameters are builder setters.
    pub required: bool,
}

/// A documented status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusItem {
    /// `200`, `4XX` or `default`.
    pub status: String,
    /// Its variant in the reply enum, if it is a success.
    pub reply_variant: Option<String>,
    /// Its variant in the error enum, if it is an error with a body.
    pub error_variant: Option<String>,
}

impl ApiItems {
    /// The type generated for the schema at `pointer`, if it has one of its own.
    pub fn type_at(&self, pointer: &str) -> Option<&TypeItem> {
        self.types.get(self.by_pointer.get(pointer)?)
    }

    /// The operation at `method` (any case) and `path`.
    pub fn operation(&self, method: &str, path: &str) -> Option<&OperationItems> {
        self.operations
            .iter()
            .find(|o| o.path == path && o.http_method.eq_ignore_ascii_case(method))
    }
}

impl TypeItem {
    /// The field whose property on the wire is `wire`.
    pub fn field(&self, wire: &str) -> Option<&FieldItem> {
        self.fields.iter().find(|f| f.wire == wire)
    }

    /// The variant whose wire value is `wire`.
    pub fn variant(&self, wire: &str) -> Option<&VariantItem> {
        self.variants.iter().find(|v| v.wire == wire)
    }
}

/// The items `generate_crate` makes for `api`, from its model. Fails as generation
/// fails (same error).
pub fn api_items(api: &ApiInput) -> Result<ApiItems, Error> {
    let (space, ops) = crate::api::build_model(api)?;
    let mut types = BTreeMap::new();
    for entry in space.entries.values() {
        types.insert(entry.name.clone(), type_item(&space, entry));
    }
    let by_pointer = space
        .by_pointer
        .iter()
        .filter_map(|(pointer, ty)| match ty {
            TypeRef::Named(name) => Some((pointer.clone(), name.clone())),
            _ => None,
        })
        .collect();
    Ok(ApiItems {
        module: api.module.clone(),
        types,
        by_pointer,
        operations: ops.methods.iter().map(operation_items).collect(),
    })
}

fn type_item(space: &TypeSpace, entry: &crate::typespace::TypeEntry) -> TypeItem {
    let mut item = TypeItem {
        name: entry.name.clone(),
        pointer: entry.pointer.clone(),
        kind: ItemKind::Alias,
        constructible: true,
        alias_of: None,
        fields: Vec::new(),
        variants: Vec::new(),
    };
    match &entry.kind {
        TypeKind::Struct { fields, .. } => {
            item.kind = ItemKind::Struct;
            let setters = setter_names(fields.iter());
            item.fields = fields
                .iter()
                .zip(setters)
                .map(|(f, s)| FieldItem {
                    name: f.name.clone(),
                    wire: f.wire.clone(),
                    in_new: f.presence == Presence::Required,
                    setter: s.as_ref().map(|s| s.set.clone()),
                    null_setter: s.and_then(|s| s.null),
                })
                .collect();
        }
        TypeKind::StringEnum(variants) => {
            item.kind = ItemKind::StringEnum;
            item.variants = variants
                .iter()
                .map(|v| VariantItem {
                    name: v.name.clone(),
                    wire: v.wire.clone(),
                })
                .collect();
        }
        TypeKind::IntEnum(variants) => {
            item.kind = ItemKind::IntEnum;
            item.variants = variants
                .iter()
                .map(|v| VariantItem {
                    name: v.name.clone(),
                    wire: v.value.to_string(),
                })
                .collect();
        }
        TypeKind::Union { variants, .. } => {
            item.kind = ItemKind::Union;
            item.variants = variants
                .iter()
                .map(|v| VariantItem {
                    name: v.name.clone(),
                    wire: type_text(&v.ty),
                })
                .collect();
        }
        TypeKind::Alias(ty) => {
            item.alias_of = Some(type_text(ty));
            if let TypeRef::Named(target) = space.resolve_alias(ty) {
                item.constructible = space
                    .get(target)
                    .is_some_and(|t| !matches!(t.kind, TypeKind::Alias(_)));
            }
        }
    }
    item
}

fn type_text(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => name.clone(),
        TypeRef::Prim(p) => format!("{p:?}"),
        TypeRef::Vec(t) => format!("Vec<{}>", type_text(t)),
        TypeRef::Map(t) => format!("BTreeMap<String, {}>", type_text(t)),
        TypeRef::Option(t) => format!("Option<{}>", type_text(t)),
        TypeRef::Boxed(t) => format!("Box<{}>", type_text(t)),
    }
}

fn status_text(status: &StatusMatch) -> String {
    match status {
        StatusMatch::Code(c) => c.to_string(),
        StatusMatch::Range(r) => format!("{r}XX"),
        StatusMatch::Default => "default".to_string(),
    }
}

fn operation_items(op: &OperationMethod) -> OperationItems {
    let location = |l: ParamLocation| match l {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    };
    let method = op.http_method.to_ascii_lowercase();
    let successes = op.success_cases();
    let errors = op.error_cases();
    let statuses = op
        .responses
        .iter()
        .map(|r| StatusItem {
            status: status_text(&r.status),
            reply_variant: successes
                .iter()
                .any(|s| std::ptr::eq(*s, r))
                .then(|| r.variant.clone()),
            error_variant: (errors.iter().any(|s| std::ptr::eq(*s, r))
                && r.body != ResponseBody::Empty)
                .then(|| r.variant.clone()),
        })
        .collect();
    let has_named = op
        .params
        .iter()
        .any(|p| p.required && p.location != ParamLocation::Path);
    OperationItems {
        operation_id: op.operation_id.clone(),
        pointer: format!(
            "/paths/{}/{method}",
            crate::load::escape_pointer_token(&op.path)
        ),
        http_method: method,
        path: op.path.clone(),
        method: op.method_name.clone(),
        builder: op.type_stem.clone(),
        reply: format!("{}Reply", op.type_stem),
        error: format!("{}Error", op.type_stem),
        params_struct: has_named.then(|| format!("{}Params", op.type_stem)),
        params: op
            .params
            .iter()
            .map(|p| ParamItem {
                name: p.name.clone(),
                wire: p.wire.clone(),
                location: location(p.location).to_string(),
                required: p.required,
            })
            .collect(),
        body_setter: op
            .body
            .as_ref()
            .filter(|b| !b.required)
            .map(|_| "body".to_string()),
        statuses,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /items/{id}:
    post:
      operationId: listItems
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
        - {name: X-Org, in: header, required: true, schema: {type: string}}
        - {name: pageSize, in: query, schema: {type: integer}}
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Note'}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/ListItemsReply'}
        '404': {description: gone}
        default:
          description: error
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Note'}
components:
  schemas:
    ListItemsReply:
      type: object
      properties:
        new: {type: string}
    Note:
      type: object
      required: [state]
      properties:
        state: {type: string, enum: [open, closed]}
        text: {type: string, nullable: true}
    Ticket:
      type: object
      properties:
        state: {type: string, enum: [open, closed]}
"#;

    fn items() -> ApiItems {
        let spec = crate::parse_spec(std::path::Path::new("api.yaml"), SPEC.into()).unwrap();
        api_items(&ApiInput {
            module: "api".into(),
            spec: spec.into(),
        })
        .unwrap()
    }

    #[test]
    fn operations_are_named_as_generated() {
        let items = items();
        let op = items.operation("POST", "/items/{id}").unwrap();
        // `ListItemsReply` is a schema: the operation's items are numbered.
        assert_eq!(
            (op.method.as_str(), op.builder.as_str(), op.reply.as_str()),
            ("list_items", "ListItems2", "ListItems2Reply")
        );
        assert_eq!(op.error, "ListItems2Error");
        assert_eq!(op.params_struct.as_deref(), Some("ListItems2Params"));
        assert_eq!(op.body_setter.as_deref(), Some("body"));
        assert_eq!(op.pointer, "/paths/~1items~1{id}/post");
        let names: Vec<(&str, &str, bool)> = op
            .params
            .iter()
            .map(|p| (p.wire.as_str(), p.location.as_str(), p.required))
            .collect();
        assert_eq!(
            names,
            [
                ("id", "path", true),
                ("X-Org", "header", true),
                ("pageSize", "query", false)
            ]
        );
        let statuses: Vec<(&str, bool, bool)> = op
            .statuses
            .iter()
            .map(|s| {
                (
                    s.status.as_str(),
                    s.reply_variant.is_some(),
                    s.error_variant.is_some(),
                )
            })
            .collect();
        // A 404 without a body has no variant; `default` with a body is an error.
        assert_eq!(
            statuses,
            [
                ("200", true, false),
                ("404", false, false),
                ("default", false, true)
            ]
        );
    }

    #[test]
    fn types_carry_fields_setters_variants_and_merges() {
        let items = items();
        let note = items.type_at("/components/schemas/Note").unwrap();
        assert_eq!(note.kind, ItemKind::Struct);
        let state = note.field("state").unwrap();
        assert!(state.in_new && state.setter.is_none());
        let text = note.field("text").unwrap();
        assert_eq!(text.setter.as_deref(), Some("text"));
        assert_eq!(text.null_setter.as_deref(), Some("text_null"));
        // A property named like a method callers rely on gets another setter.
        let reply = items.type_at("/components/schemas/ListItemsReply").unwrap();
        assert_ne!(reply.field("new").unwrap().setter.as_deref(), Some("new"));
        // Identical inline enums are merged: the second name is an alias.
        let note_state = items
            .type_at("/components/schemas/Note/properties/state")
            .unwrap();
        let ticket_state = items
            .type_at("/components/schemas/Ticket/properties/state")
            .unwrap();
        assert_eq!(note_state.kind, ItemKind::StringEnum);
        assert_eq!(note_state.variant("closed").unwrap().name, "Closed");
        assert_eq!(ticket_state.kind, ItemKind::Alias);
        assert_eq!(
            ticket_state.alias_of.as_deref(),
            Some(note_state.name.as_str())
        );
        assert!(ticket_state.constructible);
    }
}
