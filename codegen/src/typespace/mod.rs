//! The typed intermediate model of a document's schemas: one [`TypeEntry`] per Rust
//! type, with final names, resolved references and every field's presence rules.
//!
//! Built by `convert` from `openapiv3` schemas, read by `emit::types` to make tokens.

mod convert;
mod dedup;
mod recursion;
mod setters;

pub use convert::{schema_docs, SchemaRef, TypeSpaceBuilder};
pub(crate) use setters::setter_names;

use std::collections::BTreeMap;

use crate::docs::Docs;

/// A primitive Rust type a schema maps onto.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Prim {
    /// `String` (also `format: byte`, documented as base64 text, and unknown formats).
    String,
    /// `bool`.
    Bool,
    /// `i32` (`format: int32`).
    I32,
    /// `i64` (`format: int64` and plain `integer`).
    I64,
    /// `f32` (`format: float`).
    F32,
    /// `f64` (`format: double` and plain `number`).
    F64,
    /// `chrono::DateTime<chrono::FixedOffset>` (`format: date-time`): keeps the offset.
    DateTime,
    /// `chrono::NaiveDate` (`format: date`).
    Date,
    /// `uuid::Uuid` (`format: uuid`).
    Uuid,
    /// `Vec<u8>` (`format: binary`).
    Bytes,
    /// `serde_json::Value`: any JSON (schemas with no type, and documented fallbacks).
    Json,
}

impl Prim {
    /// The primitive a scalar schema becomes: its JSON `type` and `format` (`None` for
    /// a type that is no scalar). The one mapping the model and the diff read.
    pub fn of_scalar(ty: &str, format: Option<&str>) -> Option<Prim> {
        let format = format.unwrap_or("");
        Some(match ty {
            "string" => Prim::of_string_format(format),
            "integer" if format == "int32" => Prim::I32,
            "integer" => Prim::I64,
            "number" if format == "float" => Prim::F32,
            "number" => Prim::F64,
            "boolean" => Prim::Bool,
            _ => return None,
        })
    }

    /// The primitive of a string with `format` (unknown formats are strings).
    pub fn of_string_format(format: &str) -> Prim {
        match format {
            "date-time" => Prim::DateTime,
            "date" => Prim::Date,
            "uuid" => Prim::Uuid,
            "binary" => Prim::Bytes,
            _ => Prim::String,
        }
    }
}

/// A reference to a Rust type, as used by fields, aliases and operation signatures.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeRef {
    /// A generated type, by its final Rust name.
    Named(String),
    /// A primitive.
    Prim(Prim),
    /// `Vec<T>`.
    Vec(Box<TypeRef>),
    /// `BTreeMap<String, T>`.
    Map(Box<TypeRef>),
    /// `Option<T>`: a nullable array item or map value.
    Option(Box<TypeRef>),
    /// `Box<T>`: breaks a cycle of types that would otherwise have infinite size.
    Boxed(Box<TypeRef>),
}

impl TypeRef {
    /// `serde_json::Value`.
    pub const JSON: TypeRef = TypeRef::Prim(Prim::Json);
}

/// How a struct field may appear on the wire, which decides its Rust type and its
/// `json_object!` presence rule so that absent stays absent and `null` stays `null`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Always present, never null: `T`.
    Required,
    /// Always present, may be null: `Option<T>`, `None` serialises as `null`.
    RequiredNullable,
    /// May be absent, never null: `Option<T>`, `None` is omitted.
    Optional,
    /// May be absent or null: `Option<Option<T>>`; `None` is omitted, `Some(None)` is `null`.
    OptionalNullable,
}

/// A struct field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Rust field name (unique in its struct).
    pub name: String,
    /// Property name on the wire.
    pub wire: String,
    /// The value's type (without the `Option` that presence adds).
    pub ty: TypeRef,
    /// Presence rules.
    pub presence: Presence,
    /// The schema's `default`: documented, and (when it is a plain value) read through
    /// `Defaulted<T>` when the property is absent.
    pub default: Option<serde_json::Value>,
    /// Docs from the property schema.
    pub docs: Docs,
}

/// A value of a string enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StringVariant {
    /// Rust variant name.
    pub name: String,
    /// Value on the wire.
    pub wire: String,
}

/// A value of an integer enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntVariant {
    /// Rust variant name (`x-enum-varnames` when given, else `Value{n}`).
    pub name: String,
    /// Value on the wire.
    pub value: i64,
}

/// A member of a `oneOf` / `anyOf`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnionVariant {
    /// Rust variant name, from the referenced schema or the member's type.
    pub name: String,
    /// The member's type.
    pub ty: TypeRef,
    /// Discriminator values that select this member (empty for untagged unions).
    pub tags: Vec<String>,
}

/// What kind of Rust item a type is.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// An object: a struct, with an optional flattened map of additional properties.
    Struct {
        /// Declared properties, in document order.
        fields: Vec<Field>,
        /// `additionalProperties` value type, when declared alongside properties.
        additional: Option<TypeRef>,
    },
    /// An open string enum: listed values plus `Other(String)`.
    StringEnum(Vec<StringVariant>),
    /// An open integer enum: listed values plus `Other(i64)`.
    IntEnum(Vec<IntVariant>),
    /// `oneOf` / `anyOf`.
    Union {
        /// Members in document order.
        variants: Vec<UnionVariant>,
        /// Discriminator property, for a tagged union.
        discriminator: Option<String>,
    },
    /// A type alias: `pub type Name = T;`.
    Alias(TypeRef),
}

/// One generated Rust type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeEntry {
    /// Final Rust name, unique in the module.
    pub name: String,
    /// JSON pointer of the schema this type was made from.
    pub pointer: String,
    /// Docs from title, description and `x-assumption`.
    pub docs: Docs,
    /// The item.
    pub kind: TypeKind,
}

/// All types of one document, by name (so emission order is stable), with the schema
/// pointers that map onto them.
#[derive(Debug, Clone, Default)]
pub struct TypeSpace {
    /// Types by Rust name.
    pub entries: BTreeMap<String, TypeEntry>,
    /// For every schema that has a Rust type: JSON pointer → type (component schemas,
    /// inline object/enum schemas, request and response bodies).
    pub by_pointer: BTreeMap<String, TypeRef>,
    /// Schemas expressed as `serde_json::Value` for want of a better mapping, or less
    /// exactly than the document says.
    pub fallbacks: Vec<crate::Note>,
}

impl TypeSpace {
    /// The entry a named reference points at.
    pub fn get(&self, name: &str) -> Option<&TypeEntry> {
        self.entries.get(name)
    }

    /// Follows aliases from `ty` to the type they stand for.
    pub fn resolve_alias<'a>(&'a self, mut ty: &'a TypeRef) -> &'a TypeRef {
        // Bounded: alias cycles are rejected when the space is built.
        for _ in 0..64 {
            match ty {
                TypeRef::Named(name) => match self.entries.get(name).map(|e| &e.kind) {
                    Some(TypeKind::Alias(target)) => ty = target,
                    _ => return ty,
                },
                _ => return ty,
            }
        }
        ty
    }
}
