//! Tokens for the types of a [`TypeSpace`].

use proc_macro2::TokenStream;
use quote::quote;

use super::{ident, Piece};
use crate::typespace::{
    Field, IntVariant, Presence, Prim, StringVariant, TypeEntry, TypeKind, TypeRef, TypeSpace,
    UnionVariant,
};

/// The Rust type a reference stands for, inside the `types` module.
pub fn type_ref(ty: &TypeRef) -> TokenStream {
    type_ref_in(ty, &quote!())
}

/// The Rust type a reference stands for, with `prefix` (e.g. `types::`) before the
/// names of generated types.
pub fn type_ref_in(ty: &TypeRef, prefix: &TokenStream) -> TokenStream {
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

/// Every type of the space, in name order.
pub fn all_types(space: &TypeSpace) -> Vec<Piece> {
    space.entries.values().map(type_entry).collect()
}

fn fallback_doc(entry: &TypeEntry) -> String {
    format!("`{}` (schema {}).", entry.name, crate::docs::code(&entry.pointer))
}

fn type_entry(entry: &TypeEntry) -> Piece {
    let docs = entry.docs.to_tokens_or(&fallback_doc(entry));
    let name = ident(&entry.name);
    let body = match &entry.kind {
        TypeKind::Struct { fields, additional } => struct_item(&name, fields, additional.as_ref()),
        TypeKind::StringEnum(variants) => return string_enum(entry, variants),
        TypeKind::IntEnum(variants) => return int_enum(entry, variants),
        TypeKind::Union { variants, discriminator: None } => untagged_union(&name, variants),
        TypeKind::Union { variants, discriminator: Some(tag) } => tagged_union(&name, variants, tag),
        TypeKind::Alias(ty) => {
            let ty = type_ref(ty);
            quote!(pub type #name = #ty;)
        }
    };
    Piece::Tokens(quote! {
        #docs
        #body
    })
}

fn struct_item(name: &proc_macro2::Ident, fields: &[Field], additional: Option<&TypeRef>) -> TokenStream {
    let all_optional = fields.iter().all(|f| matches!(f.presence, Presence::Optional | Presence::OptionalNullable));
    let derive_default = all_optional.then(|| quote!(Default,));
    let fields_tokens = fields.iter().map(field);
    let extra = additional.map(|ty| {
        let ty = type_ref(ty);
        quote! {
            /// Properties not declared by the schema (`additionalProperties`).
            #[serde(flatten)]
            pub additional_properties: std::collections::BTreeMap<String, #ty>,
        }
    });
    quote! {
        #[derive(Debug, Clone, PartialEq, #derive_default serde::Serialize, serde::Deserialize)]
        pub struct #name {
            #(#fields_tokens)*
            #extra
        }
    }
}

fn field(f: &Field) -> TokenStream {
    let mut docs = f.docs.clone();
    if let Some(default) = &f.default {
        docs.note(format!("Default when absent: {}.", crate::docs::code(&default.to_string())));
    }
    let docs = docs.to_tokens_or(&crate::docs::code(&f.wire));
    let name = ident(&f.name);
    let inner = type_ref(&f.ty);
    let keeps_null = f.ty == TypeRef::JSON;
    let optional = quote!(default, skip_serializing_if = "Option::is_none");
    // `deserialize_some` keeps an explicit `null` apart from an absent field.
    let some = quote!(deserialize_with = "codegen_runtime::serde_helpers::deserialize_some");
    let (mut args, ty) = match f.presence {
        Presence::Required => (Vec::new(), inner),
        Presence::RequiredNullable => (Vec::new(), quote!(Option<#inner>)),
        Presence::Optional if keeps_null => (vec![optional, some], quote!(Option<#inner>)),
        Presence::Optional => (vec![optional], quote!(Option<#inner>)),
        Presence::OptionalNullable => (vec![optional, some], quote!(Option<Option<#inner>>)),
    };
    if f.name != f.wire {
        let wire = &f.wire;
        args.insert(0, quote!(rename = #wire));
    }
    let attr = (!args.is_empty()).then(|| quote!(#[serde(#(#args),*)]));
    quote! {
        #docs
        #attr
        pub #name: #ty,
    }
}

/// An enum declared through the runtime's `string_enum!` / `int_enum!` macro. Written as
/// text because prettyplease leaves macro bodies unformatted.
fn enum_macro(macro_name: &str, name: &str, docs: &[String], variants: Vec<(String, String, String)>) -> Piece {
    let mut out = format!("codegen_runtime::{macro_name}! {{\n");
    for line in docs {
        out.push_str(&format!("    ///{line}\n"));
    }
    out.push_str(&format!("    pub enum {name} {{\n"));
    for (variant, value, doc) in variants {
        out.push_str(&format!("        /// {doc}\n        {variant} = {value},\n"));
    }
    out.push_str("    }\n}\n");
    Piece::Text(out)
}

fn inline_code(text: &str) -> String {
    format!("`{}`", text.replace('`', "'").replace(['\n', '\r'], " "))
}

fn string_enum(entry: &TypeEntry, variants: &[StringVariant]) -> Piece {
    let docs = entry.docs.lines_or(&fallback_doc(entry));
    let variants = variants.iter().map(|v| (v.name.clone(), format!("{:?}", v.wire), inline_code(&v.wire))).collect();
    enum_macro("string_enum", &entry.name, &docs, variants)
}

fn int_enum(entry: &TypeEntry, variants: &[IntVariant]) -> Piece {
    let docs = entry.docs.lines_or(&fallback_doc(entry));
    let variants = variants.iter().map(|v| (v.name.clone(), v.value.to_string(), inline_code(&v.value.to_string()))).collect();
    enum_macro("int_enum", &entry.name, &docs, variants)
}

fn variant_docs(v: &UnionVariant) -> String {
    if v.tags.is_empty() {
        format!(" The `{}` form.", v.name)
    } else {
        let tags: Vec<String> = v.tags.iter().map(|t| format!("`{}`", t.replace('`', "'"))).collect();
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
    let first_tags: Vec<&str> = variants.iter().map(|v| v.tags.first().map(String::as_str).unwrap_or_default()).collect();
    let match_arms = variants.iter().map(|v| {
        let id = ident(&v.name);
        let tags = &v.tags;
        quote!( #( #tags )|* => serde_json::from_value(value).map(Self::#id), )
    });
    let all_tags: Vec<&str> = variants.iter().flat_map(|v| v.tags.iter().map(String::as_str)).collect();
    quote! {
        #[derive(Debug, Clone, PartialEq)]
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
