//! Tokens for the types of a [`TypeSpace`].

use proc_macro2::TokenStream;
use quote::quote;

use super::{ident, Piece};
use crate::typespace::{
    setter_names, Field, IntVariant, Presence, Prim, StringVariant, TypeEntry, TypeKind, TypeRef,
    TypeSpace, UnionVariant,
};

/// The Rust type a reference stands for, inside the `types` module.
pub(crate) fn type_ref(ty: &TypeRef) -> TokenStream {
    type_ref_in(ty, &quote!())
}

/// The Rust type a reference stands for, with `prefix` (e.g. `types::`) before the
/// names of generated types.
pub(crate) fn type_ref_in(ty: &TypeRef, prefix: &TokenStream) -> TokenStream {
    match ty {
        TypeRef::Named(name) => {
            let name = ident(name);
            quote!(#prefix #name)
        }
        TypeRef::Prim(p) => prim(*p),
        TypeRef::Vec(t) => {
            let t = type_ref_in(t, prefix);
            quote!(Vec<#t>)
        }
        TypeRef::Map(t) => {
            let t = type_ref_in(t, prefix);
            quote!(std::collections::BTreeMap<String, #t>)
        }
        TypeRef::Option(t) => {
            let t = type_ref_in(t, prefix);
            quote!(Option<#t>)
        }
        TypeRef::Boxed(t) => {
            let t = type_ref_in(t, prefix);
            quote!(Box<#t>)
        }
    }
}

fn prim(p: Prim) -> TokenStream {
    match p {
        Prim::String => quote!(String),
        Prim::Bool => quote!(bool),
        Prim::I32 => quote!(i32),
        Prim::I64 => quote!(i64),
        Prim::F32 => quote!(f32),
        Prim::F64 => quote!(f64),
        Prim::DateTime => quote!(chrono::DateTime<chrono::FixedOffset>),
        Prim::Date => quote!(chrono::NaiveDate),
        Prim::Uuid => quote!(uuid::Uuid),
        Prim::Bytes => quote!(Vec<u8>),
        Prim::Json => quote!(serde_json::Value),
    }
}

/// The given types of the space, in the given order, one unit each.
pub(crate) fn type_units<'a>(
    space: &'a TypeSpace,
    entries: impl Iterator<Item = &'a TypeEntry>,
) -> Vec<super::Unit<'a>> {
    entries
        .map(|entry| Box::new(move || type_entry(space, entry)) as super::Unit<'a>)
        .collect()
}

fn fallback_doc(entry: &TypeEntry) -> String {
    format!(
        "`{}` (schema {}).",
        entry.name,
        crate::docs::code(&entry.pointer)
    )
}

fn type_entry(space: &TypeSpace, entry: &TypeEntry) -> Vec<Piece> {
    let docs = entry.docs.to_tokens_or(&fallback_doc(entry));
    let name = ident(&entry.name);
    let body = match &entry.kind {
        TypeKind::Struct { fields, additional } => {
            let fields: Vec<StructField> =
                fields.iter().map(|f| StructField::new(space, f)).collect();
            let item = struct_item(&name, &fields, additional.as_ref());
            return vec![
                Piece::Tokens(quote! {
                    #docs
                    #item
                }),
                Piece::Text(json_object(&entry.name, &fields, additional.is_some())),
            ];
        }
        TypeKind::StringEnum(variants) => return vec![string_enum(entry, variants)],
        TypeKind::IntEnum(variants) => return vec![int_enum(entry, variants)],
        TypeKind::Union {
            variants,
            discriminator: None,
        } => untagged_union(&name, variants),
        TypeKind::Union {
            variants,
            discriminator: Some(tag),
        } => tagged_union(&name, variants, tag),
        TypeKind::Alias(ty) => {
            let ty = type_ref(ty);
            quote!(pub type #name = #ty;)
        }
    };
    vec![Piece::Tokens(quote! {
        #docs
        #body
    })]
}

/// A struct field as emitted: its presence rule on the wire, and the schema default that
/// stands in for it when absent, if that default can be written as a Rust expression.
pub(crate) struct StructField<'a> {
    pub field: &'a Field,
    pub default: Option<String>,
}

impl<'a> StructField<'a> {
    pub(crate) fn new(space: &TypeSpace, field: &'a Field) -> Self {
        let optional = matches!(
            field.presence,
            Presence::Optional | Presence::OptionalNullable
        );
        let default = match (&field.default, optional) {
            (Some(value), true) => {
                let nullable = field.presence == Presence::OptionalNullable;
                match value {
                    serde_json::Value::Null if nullable => Some("None".to_string()),
                    value => default_expr(space, &field.ty, value).map(|e| {
                        if nullable {
                            format!("Some({e})")
                        } else {
                            e
                        }
                    }),
                }
            }
            _ => None,
        };
        Self { field, default }
    }

    /// The name of the `json_object!` presence rule.
    fn presence(&self) -> String {
        if let Some(default) = &self.default {
            return format!("defaulted({default})");
        }
        let keeps_null = self.field.ty == TypeRef::JSON;
        match self.field.presence {
            Presence::Required => "required",
            Presence::RequiredNullable => "required_nullable",
            // `Option<serde_json::Value>`: a `null` is a value, kept apart from absent.
            Presence::Optional if keeps_null => "optional_nullable",
            Presence::Optional => "optional",
            Presence::OptionalNullable => "optional_nullable",
        }
        .to_string()
    }

    /// The field's Rust type.
    fn rust_type(&self) -> TokenStream {
        let inner = type_ref(&self.field.ty);
        match (self.field.presence, self.default.is_some()) {
            (Presence::Required, _) => inner,
            (Presence::Optional, true) => quote!(codegen_runtime::Defaulted<#inner>),
            (Presence::OptionalNullable, true) => {
                quote!(codegen_runtime::Defaulted<Option<#inner>>)
            }
            (Presence::RequiredNullable | Presence::Optional, _) => quote!(Option<#inner>),
            (Presence::OptionalNullable, false) => quote!(Option<Option<#inner>>),
        }
    }
}

/// A schema `default` as a Rust expression of type `ty`, when it has one: scalars,
/// enum values, arrays of those, and any JSON for free-form values. Anything else (an
/// object default, a date, a value of the wrong type) stays a documented default.
fn default_expr(space: &TypeSpace, ty: &TypeRef, value: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    Some(match (space.resolve_alias(ty), value) {
        (TypeRef::Prim(Prim::Bool), Value::Bool(b)) => b.to_string(),
        (TypeRef::Prim(Prim::I64), Value::Number(n)) => n.as_i64()?.to_string(),
        (TypeRef::Prim(Prim::I32), Value::Number(n)) => {
            i32::try_from(n.as_i64()?).ok()?.to_string()
        }
        (TypeRef::Prim(Prim::F64), Value::Number(n)) => format!("{:?}_f64", n.as_f64()?),
        (TypeRef::Prim(Prim::F32), Value::Number(n)) => format!("{:?}_f32", n.as_f64()? as f32),
        (TypeRef::Prim(Prim::String), Value::String(s)) => format!("String::from({s:?})"),
        (TypeRef::Prim(Prim::Json), value) => format!("serde_json::json!({})", json_literal(value)),
        (TypeRef::Vec(item), Value::Array(items)) => {
            let items: Option<Vec<String>> =
                items.iter().map(|v| default_expr(space, item, v)).collect();
            format!("vec![{}]", items?.join(", "))
        }
        (TypeRef::Named(name), value) => match (&space.get(name)?.kind, value) {
            (TypeKind::StringEnum(_), Value::String(s)) => format!("{name}::from({s:?})"),
            (TypeKind::IntEnum(_), Value::Number(n)) => {
                format!("{name}::from({}_i64)", n.as_i64()?)
            }
            _ => return None,
        },
        _ => return None,
    })
}

/// JSON as the argument of `serde_json::json!`: JSON's own text is not always Rust
/// (`"\u0001"` is not a Rust string escape), so strings are written as Rust literals.
pub(crate) fn json_literal(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::String(s) => format!("{s:?}"),
        Value::Array(items) => format!(
            "[{}]",
            items
                .iter()
                .map(json_literal)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Object(map) => {
            let entries: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{k:?}: {}", json_literal(v)))
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
        scalar => scalar.to_string(),
    }
}

fn struct_item(
    name: &proc_macro2::Ident,
    fields: &[StructField],
    additional: Option<&TypeRef>,
) -> TokenStream {
    // `Default` whenever `new` takes no argument: every property may be absent, or
    // (required but nullable) starts as `null`.
    let all_optional = fields
        .iter()
        .all(|f| f.field.presence != Presence::Required);
    let has_defaults = fields.iter().any(|f| f.default.is_some());
    let derive_default = (all_optional && !has_defaults).then(|| quote!(Default,));
    let fields_tokens = fields.iter().map(field);
    let extra = additional.map(|ty| {
        let ty = type_ref(ty);
        quote! {
            /// Properties not declared by the schema (`additionalProperties`).
            pub additional_properties: std::collections::BTreeMap<String, #ty>,
        }
    });
    let default_impl =
        (all_optional && has_defaults).then(|| default_impl(name, fields, additional.is_some()));
    let constructors = constructors(name, fields, additional.is_some(), all_optional);
    quote! {
        #[derive(Debug, Clone, PartialEq, #derive_default)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields_tokens)*
            #extra
        }
        #default_impl
        #constructors
    }
}

/// `new(required..)` and one chainable setter per optional field, so that callers build
/// any model without a struct literal. Structs are `#[non_exhaustive]` (a new optional
/// property must not break callers), so this is the only way to build one outside the
/// crate.
fn constructors(
    name: &proc_macro2::Ident,
    fields: &[StructField],
    additional: bool,
    all_optional: bool,
) -> TokenStream {
    let required: Vec<&StructField> = fields
        .iter()
        .filter(|f| f.field.presence == Presence::Required)
        .collect();
    let params = required.iter().map(|f| {
        let n = ident(&f.field.name);
        let ty = type_ref(&f.field.ty);
        quote!(#n: impl Into<#ty>)
    });
    let new_doc = if required.is_empty() {
        " A value with every property absent (the same as `Default`).".to_string()
    } else {
        let names: Vec<String> = required
            .iter()
            .map(|f| crate::docs::code(&f.field.wire))
            .collect();
        format!(
            " A value with the required properties ({}) set and every other property absent.",
            names.join(", ")
        )
    };
    let new_body = if all_optional {
        quote!(Self::default())
    } else {
        let inits = fields.iter().map(|f| {
            let n = ident(&f.field.name);
            match (&f.default, f.field.presence) {
                (Some(expr), _) => {
                    let expr: TokenStream = expr.parse().unwrap_or_default();
                    quote!(#n: codegen_runtime::Defaulted::absent(#expr),)
                }
                (None, Presence::Required) => quote!(#n: #n.into(),),
                (None, _) => quote!(#n: None,),
            }
        });
        let extra =
            additional.then(|| quote!(additional_properties: std::collections::BTreeMap::new(),));
        quote!(Self { #(#inits)* #extra })
    };
    let mut setters = Vec::new();
    let names = setter_names(fields.iter().map(|f| f.field));
    for (f, names) in fields.iter().zip(names) {
        let Some(names) = names else { continue };
        let field = ident(&f.field.name);
        let wire = crate::docs::code(&f.field.wire);
        let summary = f.field.docs.first_paragraph();
        let ty = type_ref(&f.field.ty);
        let set = match (f.default.is_some(), f.field.presence) {
            (true, Presence::OptionalNullable) => {
                quote!(codegen_runtime::Defaulted::new(Some(value.into())))
            }
            (true, _) => quote!(codegen_runtime::Defaulted::new(value.into())),
            (false, Presence::OptionalNullable) => quote!(Some(Some(value.into()))),
            (false, _) => quote!(Some(value.into())),
        };
        let setter = ident(&names.set);
        let doc = format!(" Sets {wire} (field `{}`).", f.field.name);
        let summary_docs = summary.iter().map(|line| quote!(#[doc = #line]));
        let gap = (!summary.is_empty()).then(|| quote!(#[doc = ""]));
        setters.push(quote! {
            #[doc = #doc]
            #gap
            #(#summary_docs)*
            pub fn #setter(mut self, value: impl Into<#ty>) -> Self {
                self.#field = #set;
                self
            }
        });
        if let Some(null_setter) = &names.null {
            let null = match (f.default.is_some(), f.field.presence) {
                (true, _) => quote!(codegen_runtime::Defaulted::new(None)),
                (false, Presence::OptionalNullable) => quote!(Some(None)),
                (false, _) => quote!(None),
            };
            let setter = ident(null_setter);
            let doc = format!(" Sends {wire} as `null` (field `{}`).", f.field.name);
            setters.push(quote! {
                #[doc = #doc]
                pub fn #setter(mut self) -> Self {
                    self.#field = #null;
                    self
                }
            });
        }
    }
    quote! {
        impl #name {
            #[doc = #new_doc]
            pub fn new(#(#params),*) -> Self {
                #new_body
            }
            #(#setters)*
        }
    }
}

/// `Default` for a struct whose fields may all be absent and some have schema defaults:
/// every field absent, the defaulted ones holding their (unsent) defaults.
fn default_impl(
    name: &proc_macro2::Ident,
    fields: &[StructField],
    additional: bool,
) -> TokenStream {
    let inits = fields.iter().map(|f| {
        let n = ident(&f.field.name);
        match &f.default {
            Some(expr) => {
                let expr: TokenStream = expr.parse().unwrap_or_default();
                quote!(#n: codegen_runtime::Defaulted::absent(#expr),)
            }
            None => quote!(#n: None,),
        }
    });
    let extra =
        additional.then(|| quote!(additional_properties: std::collections::BTreeMap::new(),));
    quote! {
        impl Default for #name {
            /// Every property absent; those with a schema default read as it.
            fn default() -> Self {
                Self { #(#inits)* #extra }
            }
        }
    }
}

fn field(f: &StructField) -> TokenStream {
    let mut docs = f.field.docs.clone();
    if let Some(default) = &f.field.default {
        docs.note(format!(
            "Default when absent: {}.",
            crate::docs::code(&default.to_string())
        ));
    }
    let docs = docs.to_tokens_or(&crate::docs::code(&f.field.wire));
    let name = ident(&f.field.name);
    let ty = f.rust_type();
    quote! {
        #docs
        pub #name: #ty,
    }
}

/// The `json_object!` line that gives a struct its serde impls: each field's type, wire
/// name and presence rule. Written as text because prettyplease leaves macro bodies as
/// they are.
fn json_object(name: &str, fields: &[StructField], additional: bool) -> String {
    let mut out = format!("codegen_runtime::json_object!({name} {{\n");
    for f in fields {
        out.push_str(&format!(
            "    {}: {} = {:?} => {},\n",
            f.field.name,
            type_text(&f.rust_type()),
            f.field.wire,
            f.presence()
        ));
    }
    if additional {
        out.push_str("    ..additional_properties\n");
    }
    out.push_str("});\n");
    out
}

/// An enum declared through the runtime's `string_enum!` / `int_enum!` macro. Written as
/// text because prettyplease leaves macro bodies unformatted.
fn enum_macro(
    macro_name: &str,
    name: &str,
    docs: &[String],
    variants: Vec<(String, String, String)>,
) -> Piece {
    let mut out = format!("codegen_runtime::{macro_name}! {{\n");
    for line in docs {
        out.push_str(&format!("    ///{line}\n"));
    }
    out.push_str(&format!("    pub enum {name} {{\n"));
    for (variant, value, doc) in variants {
        out.push_str(&format!(
            "        /// {doc}\n        {variant} = {value},\n"
        ));
    }
    out.push_str("    }\n}\n");
    Piece::Text(out)
}

/// A type's tokens as the text a person writes (`Option<Vec<String>>`): the types
/// `type_ref` builds are paths and generic arguments only, so no space is needed but
/// after a comma.
fn type_text(ty: &TokenStream) -> String {
    ty.to_string().replace(' ', "").replace(',', ", ")
}

fn inline_code(text: &str) -> String {
    format!("`{}`", text.replace('`', "'").replace(['\n', '\r'], " "))
}

fn string_enum(entry: &TypeEntry, variants: &[StringVariant]) -> Piece {
    let docs = entry.docs.lines_or(&fallback_doc(entry));
    let variants = variants
        .iter()
        .map(|v| {
            (
                v.name.clone(),
                format!("{:?}", v.wire),
                inline_code(&v.wire),
            )
        })
        .collect();
    enum_macro("string_enum", &entry.name, &docs, variants)
}

fn int_enum(entry: &TypeEntry, variants: &[IntVariant]) -> Piece {
    let docs = entry.docs.lines_or(&fallback_doc(entry));
    let variants = variants
        .iter()
        .map(|v| {
            (
                v.name.clone(),
                v.value.to_string(),
                inline_code(&v.value.to_string()),
            )
        })
        .collect();
    enum_macro("int_enum", &entry.name, &docs, variants)
}

fn variant_docs(v: &UnionVariant) -> String {
    if v.tags.is_empty() {
        format!(" The `{}` form.", v.name)
    } else {
        let tags: Vec<String> = v
            .tags
            .iter()
            .map(|t| format!("`{}`", t.replace('`', "'")))
            .collect();
        format!(" Selected by the tag value {}.", tags.join(" or "))
    }
}

fn untagged_union(name: &proc_macro2::Ident, variants: &[UnionVariant]) -> TokenStream {
    let docs = variants.iter().map(variant_docs);
    let idents = variants.iter().map(|v| ident(&v.name));
    let tys = variants.iter().map(|v| type_ref(&v.ty));
    quote! {
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        pub enum #name {
            #( #[doc = #docs] #idents(#tys), )*
        }
    }
}

/// A discriminated union. Decoding dispatches on the tag and hands the *whole* object
/// (tag included) to the member type, so members that declare the tag property decode
/// too; encoding adds the tag only when the member did not write it.
fn tagged_union(name: &proc_macro2::Ident, variants: &[UnionVariant], tag: &str) -> TokenStream {
    let docs = variants.iter().map(variant_docs);
    let idents: Vec<_> = variants.iter().map(|v| ident(&v.name)).collect();
    let tys = variants.iter().map(|v| type_ref(&v.ty));
    let first_tags: Vec<&str> = variants
        .iter()
        .map(|v| v.tags.first().map(String::as_str).unwrap_or_default())
        .collect();
    let match_arms = variants.iter().map(|v| {
        let id = ident(&v.name);
        let tags = &v.tags;
        quote!( #( #tags )|* => serde_json::from_value(value).map(Self::#id), )
    });
    let all_tags: Vec<&str> = variants
        .iter()
        .flat_map(|v| v.tags.iter().map(String::as_str))
        .collect();
    quote! {
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #( #[doc = #docs] #idents(#tys), )*
        }

        impl #name {
            /// The property whose value selects the variant.
            pub const DISCRIMINATOR: &'static str = #tag;
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let (tag, value) = match self {
                    #( Self::#idents(v) => (#first_tags, serde_json::to_value(v)), )*
                };
                let mut value = value.map_err(serde::ser::Error::custom)?;
                if let serde_json::Value::Object(map) = &mut value {
                    map.entry(Self::DISCRIMINATOR).or_insert_with(|| tag.into());
                }
                serde::Serialize::serialize(&value, serializer)
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                let tag = value
                    .get(Self::DISCRIMINATOR)
                    .and_then(serde_json::Value::as_str)
                    .map(str::to_owned)
                    .ok_or_else(|| serde::de::Error::missing_field(Self::DISCRIMINATOR))?;
                match tag.as_str() {
                    #( #match_arms )*
                    other => return Err(serde::de::Error::unknown_variant(other, &[#(#all_tags),*])),
                }
                .map_err(serde::de::Error::custom)
            }
        }
    }
}
