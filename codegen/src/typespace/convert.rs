//! `openapiv3` schemas → [`TypeSpace`] entries.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use heck::ToUpperCamelCase;
use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, AnySchema, IntegerFormat, NumberFormat, ObjectType, OpenAPI, ReferenceOr,
    Schema, SchemaData, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty,
};

use super::{
    recursion, Field, IntVariant, Presence, Prim, StringVariant, TypeEntry, TypeKind, TypeRef,
    TypeSpace, UnionVariant,
};
use crate::docs::Docs;
use crate::load::{escape_pointer_token, unescape_token as unescape_pointer_token};
use crate::naming::{field_name, type_name, variant_name, UniqueNames};
use crate::Error;
use crate::Note;

const COMPONENT_PREFIX: &str = "#/components/schemas/";

/// How deep `allOf`s may nest (through `$ref`s) and still merge into one struct: each
/// level copies the properties of the levels below, so a long chain of them would cost
/// the square of its length.
const ALL_OF_DEPTH: usize = 16;
const ALL_OF_NOT_OBJECTS: &str = "`allOf` whose members are not all objects";
const ALL_OF_TOO_DEEP: &str = "`allOf` nested more than 16 levels deep (through `$ref`s): merging it would copy every level's properties into each level above";

/// A schema as it appears in a document: a `$ref`, or inline.
#[derive(Clone, Copy)]
pub enum SchemaRef<'a> {
    /// `$ref: ...`
    Ref(&'a str),
    /// An inline schema.
    Inline(&'a Schema),
}

impl<'a> From<&'a ReferenceOr<Schema>> for SchemaRef<'a> {
    fn from(s: &'a ReferenceOr<Schema>) -> Self {
        match s {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(schema) => SchemaRef::Inline(schema),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Box<Schema>>> for SchemaRef<'a> {
    fn from(s: &'a ReferenceOr<Box<Schema>>) -> Self {
        match s {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(schema) => SchemaRef::Inline(schema),
        }
    }
}

/// Builds the [`TypeSpace`] of one document: components first (so their names never
/// depend on inline schemas), then whatever operations ask for.
pub struct TypeSpaceBuilder<'a> {
    doc: &'a OpenAPI,
    file: PathBuf,
    names: UniqueNames,
    /// Component schema key → Rust name.
    components: BTreeMap<String, String>,
    space: TypeSpace,
}

/// Which name a converted schema gets when it becomes an item.
#[derive(Clone)]
enum Target {
    /// A component: this exact name, already claimed.
    Fixed(String),
    /// An inline schema: claim a name made from this hint when an item is needed.
    Hint(String),
}

impl Target {
    fn hint(&self) -> &str {
        match self {
            Target::Fixed(name) | Target::Hint(name) => name,
        }
    }
}

impl<'a> TypeSpaceBuilder<'a> {
    /// Starts a type space for `doc`, claiming every component schema's name.
    pub fn new(doc: &'a OpenAPI, file: &Path) -> Self {
        let mut names = UniqueNames::new();
        let mut components = BTreeMap::new();
        if let Some(c) = &doc.components {
            for key in c.schemas.keys() {
                components.insert(key.clone(), names.claim(&type_name(key)));
            }
        }
        Self {
            doc,
            file: file.to_path_buf(),
            names,
            components,
            space: TypeSpace::default(),
        }
    }

    /// Converts every component schema.
    pub fn add_components(&mut self) -> Result<(), Error> {
        let doc: &'a OpenAPI = self.doc;
        let Some(components) = &doc.components else {
            return Ok(());
        };
        for (key, schema) in &components.schemas {
            let name = self.components[key].clone();
            let pointer = format!("/components/schemas/{}", escape_pointer_token(key));
            let ty = self.convert(schema.into(), &pointer, Target::Fixed(name.clone()))?;
            if ty == TypeRef::Named(name.clone()) && !self.space.entries.contains_key(&name) {
                // `$ref: itself`, or a one-member `allOf`/`oneOf`/`anyOf` of itself.
                return Err(self.error(
                    &pointer,
                    "cycle of `$ref`s with no type in between: the schema stands for itself",
                ));
            }
            if ty != TypeRef::Named(name.clone()) {
                let docs = match schema {
                    ReferenceOr::Item(_) => self
                        .schema_data(schema.into())
                        .map(|data| schema_docs(&data))
                        .unwrap_or_default(),
                    ReferenceOr::Reference { .. } => Docs::new(),
                };
                self.insert(TypeEntry {
                    name: name.clone(),
                    pointer: pointer.clone(),
                    docs,
                    kind: TypeKind::Alias(ty),
                });
            }
            self.space.by_pointer.insert(pointer, TypeRef::Named(name));
        }
        Ok(())
    }

    /// The Rust type for a schema used by an operation; inline objects and enums become
    /// types named from `hint`.
    pub fn type_for(
        &mut self,
        schema: SchemaRef<'_>,
        pointer: &str,
        hint: &str,
    ) -> Result<TypeRef, Error> {
        let ty = self.convert(schema, pointer, Target::Hint(hint.to_string()))?;
        self.space
            .by_pointer
            .entry(pointer.to_string())
            .or_insert_with(|| ty.clone());
        Ok(ty)
    }

    /// Whether a schema allows `null` (following `$ref`s).
    pub fn is_nullable(&self, schema: SchemaRef<'a>) -> bool {
        self.schema_data(schema).is_some_and(|d| d.nullable)
    }

    /// The schema a `SchemaRef` stands for, following `$ref`s to components.
    pub fn resolve<'s>(&self, schema: SchemaRef<'s>) -> Option<&'s Schema>
    where
        'a: 's,
    {
        let doc: &'a OpenAPI = self.doc;
        let mut current = schema;
        for _ in 0..32 {
            match current {
                SchemaRef::Inline(s) => return Some(s),
                SchemaRef::Ref(r) => {
                    let key = r.strip_prefix(COMPONENT_PREFIX)?;
                    let key = unescape_pointer_token(key);
                    current = doc.components.as_ref()?.schemas.get(&key)?.into();
                }
            }
        }
        None
    }

    /// The annotations of a schema (following `$ref`s): its own, and for an annotated
    /// `allOf` those of the members that only annotate (see [`annotated_all_of`]).
    fn schema_data<'s>(&self, schema: SchemaRef<'s>) -> Option<Cow<'s, SchemaData>>
    where
        'a: 's,
    {
        let schema = self.resolve(schema)?;
        let mut data = match annotated_all_of(schema) {
            Some((_, annotations)) => {
                Cow::Owned(merge_annotations(&schema.schema_data, &annotations))
            }
            None => Cow::Borrowed(&schema.schema_data),
        };
        if !data.nullable && self.allows_null_through_all_of(schema) {
            data.to_mut().nullable = true;
        }
        Some(data)
    }

    /// Whether `schema` is an `allOf` whose type is one member's (`allOf: [{$ref: X}]`,
    /// alone or annotated, as a `$ref` with sibling keywords becomes) and that member
    /// allows `null`: the value is then X's, `null` included.
    fn allows_null_through_all_of(&self, schema: &Schema) -> bool {
        let mut current = schema;
        for _ in 0..32 {
            let Some(member) = single_typed_member(current) else {
                return false;
            };
            let Some(next) = self.resolve(member.into()) else {
                return false;
            };
            if next.schema_data.nullable {
                return true;
            }
            current = next;
        }
        false
    }

    /// Finishes the space: breaks recursion with `Box`, rejects alias cycles.
    pub fn finish(mut self) -> Result<TypeSpace, Error> {
        if let Some(pointer) = recursion::alias_cycle(&self.space) {
            return Err(self.error(
                &pointer,
                "cycle of `$ref`s with no type in between: the type would be infinite",
            ));
        }
        for pointer in recursion::break_alias_recursion(&mut self.space) {
            self.fallback(
                &pointer,
                "a type alias cannot contain itself, even through an array or a map",
            );
        }
        recursion::box_cycles(&mut self.space);
        super::dedup::merge_identical_enums(&mut self.space);
        super::dedup::merge_identical_structs(&mut self.space);
        self.space.fallbacks.sort();
        self.space.fallbacks.dedup();
        Ok(self.space)
    }

    fn error(&self, pointer: &str, message: impl Into<String>) -> Error {
        Error {
            file: self.file.clone(),
            pointer: pointer.to_string(),
            message: message.into(),
        }
    }

    fn insert(&mut self, entry: TypeEntry) {
        self.space.entries.insert(entry.name.clone(), entry);
    }

    fn fallback(&mut self, pointer: &str, reason: &str) -> TypeRef {
        self.space.fallbacks.push(Note::new(
            pointer.to_string(),
            format!("fallback to serde_json::Value: {reason}"),
        ));
        TypeRef::JSON
    }

    /// A schema that is represented, but less exactly than the spec says: reported
    /// beside the fallbacks so that nothing is narrowed or widened silently.
    fn inexact(&mut self, pointer: &str, reason: &str) {
        self.space.fallbacks.push(Note::new(
            pointer.to_string(),
            format!("represented inexactly: {reason}"),
        ));
    }

    /// An `enum` that the typed model of `openapiv3` could not read (values of another
    /// type than `type` says, or integers beyond `i64`): what can be expressed exactly is,
    /// everything else is a located fallback, never a silently shortened list.
    fn untyped_enum(
        &mut self,
        any: &AnySchema,
        typ: Option<&str>,
        data: &SchemaData,
        pointer: &str,
        target: &Target,
    ) -> TypeRef {
        use serde_json::Value;
        let values: Vec<&Value> = any.enumeration.iter().filter(|v| !v.is_null()).collect();
        // The values in a code span, so that summaries can group messages by kind.
        let listed = || {
            let shown: Vec<String> = values.iter().take(6).map(|v| v.to_string()).collect();
            let more = if values.len() > 6 { ", ..." } else { "" };
            format!("`[{}{more}]`", shown.join(", ").replace('`', "'"))
        };
        match typ {
            // Without a `type`, values that are all strings (or all integers) still say
            // exactly what the enum is.
            Some("string") | None if values.iter().all(|v| v.is_string()) => {
                let values = values.iter().filter_map(|v| v.as_str().map(str::to_string)).collect();
                self.string_enum(values, data, pointer, target)
            }
            Some("integer") | None if values.iter().all(|v| v.as_i64().is_some()) => {
                let values = values.iter().filter_map(|v| v.as_i64()).collect();
                self.int_enum(values, data, pointer, target)
            }
            Some("integer") if values.iter().all(|v| v.is_u64() || v.is_i64()) => self.fallback(
                pointer,
                &format!("an integer enum with values beyond i64 {} is kept as any JSON value", listed()),
            ),
            Some("number") if values.iter().all(|v| v.is_number()) => {
                self.inexact(pointer, "an enum of numbers is a plain number type: the listed values are documented, not enforced");
                TypeRef::Prim(Prim::of_scalar("number", any.format.as_deref()).unwrap_or(Prim::F64))
            }
            Some("boolean") if values.iter().all(|v| v.is_boolean()) => {
                self.inexact(pointer, "an enum of booleans is a plain `bool`: the listed values are documented, not enforced");
                TypeRef::Prim(Prim::Bool)
            }
            // Values written in another JSON type than `type` says (`type: string,
            // enum: [10, 20]`, `type: integer, enum: ["1", "2"]`, as unquoted YAML
            // produces): read through their text, every one is a value of `type`, so the
            // enum is typed by `type` with the values so read. Reported, since the
            // document literally allows none of them.
            Some("string") if values.iter().all(|v| text_as_string(v).is_some()) => {
                self.inexact(pointer, &format!("an enum of type `string` whose values are written as numbers or booleans {} is a string enum of their text", listed()));
                let values = values.iter().filter_map(|v| text_as_string(v)).collect();
                self.string_enum(values, data, pointer, target)
            }
            Some("integer") if values.iter().all(|v| text_as_integer(v).is_some()) => {
                self.inexact(pointer, &format!("an enum of type `integer` whose values are written as strings {} is an integer enum of the numbers they hold", listed()));
                let values = values.iter().filter_map(|v| text_as_integer(v)).collect();
                self.int_enum(values, data, pointer, target)
            }
            Some("number")
                if values.iter().all(|v| v.is_number() || v.as_str().is_some_and(|s| s.trim().parse::<f64>().is_ok_and(f64::is_finite))) =>
            {
                self.inexact(pointer, "an enum of numbers (some written as strings) is a plain number type: the listed values are documented, not enforced");
                TypeRef::Prim(Prim::of_scalar("number", any.format.as_deref()).unwrap_or(Prim::F64))
            }
            Some("boolean") if values.iter().all(|v| v.is_boolean() || matches!(v.as_str(), Some("true" | "false"))) => {
                self.inexact(pointer, "an enum of booleans (some written as strings) is a plain `bool`: the listed values are documented, not enforced");
                TypeRef::Prim(Prim::Bool)
            }
            Some(t) => self.fallback(
                pointer,
                &format!("an enum of type `{t}` with values of other types {} is kept as any JSON value", listed()),
            ),
            None => self.fallback(
                pointer,
                &format!("an enum without a `type` whose values are of several types {} is kept as any JSON value", listed()),
            ),
        }
    }

    fn claim(&mut self, target: &Target) -> String {
        match target {
            Target::Fixed(name) => name.clone(),
            Target::Hint(hint) => self.names.claim(&type_name(hint)),
        }
    }

    fn resolve_ref(&mut self, reference: &str, pointer: &str) -> Result<TypeRef, Error> {
        if let Some(key) = reference.strip_prefix(COMPONENT_PREFIX) {
            let key = unescape_pointer_token(key);
            return match self.components.get(&key) {
                Some(name) => Ok(TypeRef::Named(name.clone())),
                None => Err(self.error(
                    pointer,
                    format!("`$ref: {reference}` points to no schema in components/schemas"),
                )),
            };
        }
        if reference.starts_with('#') {
            Err(self.error(pointer, format!("`$ref: {reference}`: only references to #/components/schemas/... are supported for schemas")))
        } else {
            Ok(self.fallback(
                pointer,
                &format!("external `$ref: {reference}` is not followed"),
            ))
        }
    }

    fn convert(
        &mut self,
        schema: SchemaRef<'_>,
        pointer: &str,
        target: Target,
    ) -> Result<TypeRef, Error> {
        let schema = match schema {
            SchemaRef::Ref(r) => return self.resolve_ref(r, pointer),
            SchemaRef::Inline(s) => s,
        };
        if matches!(target, Target::Hint(_)) {
            if let Some(done) = self.space.by_pointer.get(pointer) {
                return Ok(done.clone());
            }
        }
        let ty = self.convert_kind(schema, pointer, &target)?;
        if let TypeRef::Named(_) = &ty {
            self.space
                .by_pointer
                .entry(pointer.to_string())
                .or_insert_with(|| ty.clone());
        }
        Ok(ty)
    }

    fn convert_kind(
        &mut self,
        schema: &Schema,
        pointer: &str,
        target: &Target,
    ) -> Result<TypeRef, Error> {
        let data = &schema.schema_data;
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                let values: Vec<String> = s.enumeration.iter().flatten().cloned().collect();
                if values.is_empty() {
                    Ok(TypeRef::Prim(string_format(&s.format)))
                } else {
                    Ok(self.string_enum(values, data, pointer, target))
                }
            }
            SchemaKind::Type(Type::Integer(i)) => {
                let values: Vec<i64> = i.enumeration.iter().flatten().copied().collect();
                if values.is_empty() {
                    Ok(TypeRef::Prim(integer_format(&i.format)))
                } else {
                    Ok(self.int_enum(values, data, pointer, target))
                }
            }
            SchemaKind::Type(Type::Number(n)) => {
                if n.enumeration.iter().flatten().next().is_some() {
                    self.inexact(pointer, "an enum of numbers is a plain number type: the listed values are documented, not enforced");
                }
                Ok(TypeRef::Prim(number_format(&n.format)))
            }
            SchemaKind::Type(Type::Boolean(b)) => {
                if b.enumeration.iter().flatten().next().is_some() {
                    self.inexact(pointer, "an enum of booleans is a plain `bool`: the listed values are documented, not enforced");
                }
                Ok(TypeRef::Prim(Prim::Bool))
            }
            SchemaKind::Type(Type::Array(a)) => {
                self.array(a.items.as_ref().map(SchemaRef::from), pointer, target)
            }
            SchemaKind::Type(Type::Object(o)) => self.object(o, data, pointer, target),
            SchemaKind::OneOf { one_of } => self.union(one_of, "oneOf", data, pointer, target),
            SchemaKind::AnyOf { any_of } => self.union(any_of, "anyOf", data, pointer, target),
            SchemaKind::AllOf { all_of } => self.all_of(all_of, None, data, pointer, target),
            SchemaKind::Not { .. } => {
                Ok(self.fallback(pointer, "`not` cannot be expressed as a Rust type"))
            }
            SchemaKind::Any(any) => self.any(any, data, pointer, target),
        }
    }

    fn array(
        &mut self,
        items: Option<SchemaRef<'_>>,
        pointer: &str,
        target: &Target,
    ) -> Result<TypeRef, Error> {
        let Some(items) = items else {
            return Ok(TypeRef::Vec(Box::new(TypeRef::JSON)));
        };
        let item_pointer = format!("{pointer}/items");
        let item = self.convert(
            items,
            &item_pointer,
            Target::Hint(format!("{}Item", target.hint())),
        )?;
        Ok(TypeRef::Vec(Box::new(self.nullable_wrap(items, item))))
    }

    /// Array items and map values that may be null become `Option<T>`.
    fn nullable_wrap(&self, schema: SchemaRef<'_>, ty: TypeRef) -> TypeRef {
        if self.is_nullable(schema) && ty != TypeRef::JSON {
            TypeRef::Option(Box::new(ty))
        } else {
            ty
        }
    }

    fn additional(
        &mut self,
        additional: Option<&AdditionalProperties>,
        pointer: &str,
        target: &Target,
    ) -> Result<Option<TypeRef>, Error> {
        Ok(match additional {
            None | Some(AdditionalProperties::Any(false)) => None,
            Some(AdditionalProperties::Any(true)) => Some(TypeRef::JSON),
            Some(AdditionalProperties::Schema(s)) => {
                let s: SchemaRef<'_> = s.as_ref().into();
                let p = format!("{pointer}/additionalProperties");
                let value = self.convert(s, &p, Target::Hint(format!("{}Value", target.hint())))?;
                Some(self.nullable_wrap(s, value))
            }
        })
    }

    fn object(
        &mut self,
        o: &ObjectType,
        data: &SchemaData,
        pointer: &str,
        target: &Target,
    ) -> Result<TypeRef, Error> {
        let props: Vec<(String, SchemaRef<'_>, String)> = o
            .properties
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    v.into(),
                    format!("{pointer}/properties/{}", escape_pointer_token(k)),
                )
            })
            .collect();
        self.object_from_parts(
            props,
            &o.required,
            o.additional_properties.as_ref(),
            data,
            pointer,
            target,
        )
    }

    fn object_from_parts(
        &mut self,
        props: Vec<(String, SchemaRef<'_>, String)>,
        required: &[String],
        additional: Option<&AdditionalProperties>,
        data: &SchemaData,
        pointer: &str,
        target: &Target,
    ) -> Result<TypeRef, Error> {
        if props.is_empty() {
            // A free-form object: a map (of any JSON unless a value schema is given).
            let value = self
                .additional(additional, pointer, target)?
                .unwrap_or(TypeRef::JSON);
            return Ok(TypeRef::Map(Box::new(value)));
        }
        let name = self.claim(target);
        // Claim the name first so nested inline types are named after it, and a
        // recursive reference to it resolves.
        self.space
            .by_pointer
            .insert(pointer.to_string(), TypeRef::Named(name.clone()));
        let mut field_names = UniqueNames::with_taken(["additional_properties"]);
        let mut fields = Vec::with_capacity(props.len());
        for (wire, prop, prop_pointer) in props {
            let hint = format!("{name}{}", wire_to_camel(&wire));
            let ty = self.convert(prop, &prop_pointer, Target::Hint(hint))?;
            let prop_data = self.schema_data(prop).map(Cow::into_owned);
            let nullable = prop_data.as_ref().is_some_and(|d| d.nullable) && ty != TypeRef::JSON;
            let read_or_write_only = prop_data
                .as_ref()
                .is_some_and(|d| d.read_only || d.write_only);
            // A readOnly/writeOnly property is required in one direction only; as one
            // type serves both, it is optional here so both directions decode.
            let required = required.contains(&wire) && !read_or_write_only;
            let presence = match (required, nullable) {
                (true, false) => Presence::Required,
                (true, true) => Presence::RequiredNullable,
                (false, false) => Presence::Optional,
                (false, true) => Presence::OptionalNullable,
            };
            let (mut docs, default) = match (prop, &prop_data) {
                (SchemaRef::Inline(_), Some(data)) => (schema_docs(data), data.default.clone()),
                _ => (Docs::new(), None),
            };
            if is_byte_string(self.resolve(prop)) {
                docs.note("Base64 text (`format: byte`): decode it to get the bytes.");
            }
            fields.push(Field {
                name: field_names.claim(&field_name(&wire)),
                wire,
                ty,
                presence,
                default,
                docs,
            });
        }
        let extra = self.additional(additional, pointer, &Target::Hint(name.clone()))?;
        self.insert(TypeEntry {
            name: name.clone(),
            pointer: pointer.to_string(),
            docs: schema_docs(data),
            kind: TypeKind::Struct {
                fields,
                additional: extra,
            },
        });
        Ok(TypeRef::Named(name))
    }

    fn string_enum(
        &mut self,
        values: Vec<String>,
        data: &SchemaData,
        pointer: &str,
        target: &Target,
    ) -> TypeRef {
        let name = self.claim(target);
        let mut variant_names = UniqueNames::with_taken(["Other"]);
        let mut variants: Vec<StringVariant> = Vec::new();
        for wire in values {
            if variants.iter().any(|v| v.wire == wire) {
                continue;
            }
            variants.push(StringVariant {
                name: variant_names.claim(&variant_name(&wire)),
                wire,
            });
        }
        self.insert(TypeEntry {
            name: name.clone(),
            pointer: pointer.into(),
            docs: schema_docs(data),
            kind: TypeKind::StringEnum(variants),
        });
        TypeRef::Named(name)
    }

    fn int_enum(
        &mut self,
        values: Vec<i64>,
        data: &SchemaData,
        pointer: &str,
        target: &Target,
    ) -> TypeRef {
        let name = self.claim(target);
        // Labels come only from the spec (`x-enum-varnames`), never invented.
        let labels: Option<Vec<String>> = ["x-enum-varnames", "x-enumNames"].iter().find_map(|k| {
            let arr = data.extensions.get(*k)?.as_array()?;
            let labels: Option<Vec<String>> =
                arr.iter().map(|v| v.as_str().map(str::to_string)).collect();
            labels.filter(|l| l.len() == values.len())
        });
        let mut variant_names = UniqueNames::with_taken(["Other"]);
        let mut variants: Vec<IntVariant> = Vec::new();
        for (i, value) in values.iter().copied().enumerate() {
            if variants.iter().any(|v| v.value == value) {
                continue;
            }
            let raw = match &labels {
                Some(l) => variant_name(&l[i]),
                None if value < 0 => format!("ValueMinus{}", value.unsigned_abs()),
                None => format!("Value{value}"),
            };
            variants.push(IntVariant {
                name: variant_names.claim(&raw),
                value,
            });
        }
        self.insert(TypeEntry {
            name: name.clone(),
            pointer: pointer.into(),
            docs: schema_docs(data),
            kind: TypeKind::IntEnum(variants),
        });
        TypeRef::Named(name)
    }

    fn union(
        &mut self,
        members: &[ReferenceOr<Schema>],
        keyword: &str,
        data: &SchemaData,
        pointer: &str,
        target: &Target,
    ) -> Result<TypeRef, Error> {
        if members.len() == 1 {
            return self.convert(
                (&members[0]).into(),
                &format!("{pointer}/{keyword}/0"),
                target.clone(),
            );
        }
        if members.is_empty() {
            return Ok(self.fallback(pointer, &format!("empty `{keyword}`")));
        }
        let name = self.claim(target);
        self.space
            .by_pointer
            .insert(pointer.to_string(), TypeRef::Named(name.clone()));
        let mut variant_names = UniqueNames::new();
        let mut variants = Vec::with_capacity(members.len());
        // The reference of each variant (aligned with `variants`).
        let mut variant_refs: Vec<Option<&String>> = Vec::with_capacity(members.len());
        let mut all_refs = true;
        for (i, member) in members.iter().enumerate() {
            let member_pointer = format!("{pointer}/{keyword}/{i}");
            if let ReferenceOr::Reference { reference } = member {
                // A member listed twice could never be chosen the second time.
                if variant_refs.contains(&Some(reference)) {
                    continue;
                }
            }
            let (label, ty) = match member {
                ReferenceOr::Reference { reference } => {
                    let ty = self.resolve_ref(reference, &member_pointer)?;
                    let label = match &ty {
                        TypeRef::Named(n) => n.clone(),
                        _ => "Json".to_string(),
                    };
                    (label, ty)
                }
                ReferenceOr::Item(schema) => {
                    all_refs = false;
                    let kind = kind_word(schema);
                    let ty = self.convert(
                        SchemaRef::Inline(schema),
                        &member_pointer,
                        Target::Hint(format!("{name}{kind}")),
                    )?;
                    (kind.to_string(), ty)
                }
            };
            variants.push(UnionVariant {
                name: variant_names.claim(&variant_name(&label)),
                ty,
                tags: Vec::new(),
            });
            variant_refs.push(match member {
                ReferenceOr::Reference { reference } => Some(reference),
                ReferenceOr::Item(_) => None,
            });
        }
        // A mapping to a schema that does not exist is an error, not a dropped tag. A bare
        // value names a component schema; other documents are not followed.
        for (tag, target) in data.discriminator.iter().flat_map(|d| &d.mapping) {
            let reference = if target.starts_with('#') {
                target.clone()
            } else if target.contains('/') {
                continue;
            } else {
                format!(
                    "{COMPONENT_PREFIX}{}",
                    crate::load::escape_pointer_token(target)
                )
            };
            let tag_pointer = format!(
                "{pointer}/discriminator/mapping/{}",
                crate::load::escape_pointer_token(tag)
            );
            self.resolve_ref(&reference, &tag_pointer)?;
        }
        let discriminator = match &data.discriminator {
            Some(d) if all_refs => {
                let mut used_tags = std::collections::BTreeSet::new();
                for (variant, reference) in variants.iter_mut().zip(&variant_refs) {
                    let Some(reference) = *reference else {
                        continue;
                    };
                    let key = reference
                        .strip_prefix(COMPONENT_PREFIX)
                        .unwrap_or(reference);
                    let mut tags: Vec<String> = d
                        .mapping
                        .iter()
                        .filter(|(_, target)| *target == reference || target.as_str() == key)
                        .map(|(tag, _)| tag.clone())
                        .collect();
                    if tags.is_empty() {
                        tags.push(unescape_pointer_token(key));
                    }
                    // A tag selects one member only: the first that claims it.
                    tags.retain(|tag| used_tags.insert(tag.clone()));
                    variant.tags = tags;
                }
                // A member no tag selects cannot be decoded; it is left out.
                variants.retain(|v| !v.tags.is_empty());
                Some(d.property_name.clone())
            }
            _ => None,
        };
        self.insert(TypeEntry {
            name: name.clone(),
            pointer: pointer.into(),
            docs: schema_docs(data),
            kind: TypeKind::Union {
                variants,
                discriminator,
            },
        });
        Ok(TypeRef::Named(name))
    }

    /// `allOf: members`, in a schema whose own keywords are `own` when it has any
    /// beside `allOf` (`{type: object, required: [a], properties: .., allOf: [..]}`):
    /// its own properties and required names count as one more member.
    fn all_of(
        &mut self,
        members: &[ReferenceOr<Schema>],
        own: Option<&AnySchema>,
        data: &SchemaData,
        pointer: &str,
        target: &Target,
    ) -> Result<TypeRef, Error> {
        // `additionalProperties: false` alone adds nothing (linqr.app puts it beside an
        // `allOf` of a string enum).
        let own = own.filter(|a| {
            !a.properties.is_empty()
                || !a.required.is_empty()
                || a.additional_properties
                    .as_ref()
                    .is_some_and(|p| *p != AdditionalProperties::Any(false))
        });
        if let Some(own) = own {
            return self.all_of_objects(members, Some(own), data, pointer, target);
        }
        if members.len() == 1 {
            return self.convert(
                (&members[0]).into(),
                &format!("{pointer}/allOf/0"),
                target.clone(),
            );
        }
        // `allOf: [{$ref: X}, {description: ..}]`: the type is X; the annotations go to
        // the docs and presence of whatever uses it (see `schema_data`).
        if let Some((typed, _)) = annotated_members(members) {
            return self.convert(
                (&members[typed]).into(),
                &format!("{pointer}/allOf/{typed}"),
                target.clone(),
            );
        }
        // `allOf` of scalars that agree on one type (`[{$ref: Id}, {type: string,
        // maxLength: 64}]`, two `$ref`s to integers, an enum narrowed by a pattern): the
        // value satisfies every member, so it is the most specific member's type.
        if let Some(chosen) = self.scalar_all_of(members) {
            return self.convert(
                (&members[chosen]).into(),
                &format!("{pointer}/allOf/{chosen}"),
                target.clone(),
            );
        }
        self.all_of_objects(members, None, data, pointer, target)
    }

    /// `allOf` as one struct with every member's properties (and `own`'s, last), or a
    /// located fallback when a member is not an object.
    fn all_of_objects(
        &mut self,
        members: &[ReferenceOr<Schema>],
        own: Option<&AnySchema>,
        data: &SchemaData,
        pointer: &str,
        target: &Target,
    ) -> Result<TypeRef, Error> {
        let mut props: Vec<(String, SchemaRef<'_>, String)> = Vec::new();
        let mut required: Vec<String> = Vec::new();
        let mut additional: Option<&AdditionalProperties> = None;
        for (i, member) in members.iter().enumerate() {
            let member_pointer = match member {
                ReferenceOr::Reference { reference } => match reference.strip_prefix('#') {
                    Some(p) => p.to_string(),
                    None => format!("{pointer}/allOf/{i}"),
                },
                ReferenceOr::Item(_) => format!("{pointer}/allOf/{i}"),
            };
            if let ReferenceOr::Reference { reference } = member {
                // A dangling `$ref` is an error, not a reason to fall back to JSON.
                if reference.starts_with('#') {
                    self.resolve_ref(reference, &format!("{pointer}/allOf/{i}"))?;
                }
            }
            if let Err(reason) = self.collect_object(
                member.into(),
                &member_pointer,
                &mut props,
                &mut required,
                &mut additional,
                0,
            ) {
                return Ok(self.fallback(pointer, reason));
            }
        }
        if let Some(own) = own {
            merge_object_parts(
                pointer,
                &own.properties,
                &own.required,
                own.additional_properties.as_ref(),
                &mut props,
                &mut required,
                &mut additional,
            );
        }
        self.object_from_parts(props, &required, additional, data, pointer, target)
    }

    /// For an `allOf` whose members (after `$ref`s; annotation-only members aside) are
    /// all scalars of one type, the member whose type is the intersection: the one
    /// with an `enum` if exactly one has one, else the first with the most specific
    /// format (`date-time` over a plain string, `int32` over `int64`, an integer over
    /// a number). `None` when the members disagree (two formats, two enums, a string
    /// and a number) or one is not a scalar: those are not one Rust type.
    fn scalar_all_of(&self, members: &[ReferenceOr<Schema>]) -> Option<usize> {
        let mut shapes = Vec::new();
        for (i, member) in members.iter().enumerate() {
            if is_annotation_only(member) {
                continue;
            }
            shapes.push((i, self.scalar_shape(member.into(), 0)?));
        }
        if shapes.len() < 2 {
            return None;
        }
        // An integer is also a number: integer and number members meet at the integer.
        let kind = if shapes.iter().all(|(_, s)| s.kind == shapes[0].1.kind) {
            shapes[0].1.kind
        } else if shapes
            .iter()
            .all(|(_, s)| matches!(s.kind, "integer" | "number"))
        {
            "integer"
        } else {
            return None;
        };
        let candidates: Vec<&(usize, ScalarShape)> =
            shapes.iter().filter(|(_, s)| s.kind == kind).collect();
        let enums: Vec<&&(usize, ScalarShape)> =
            candidates.iter().filter(|(_, s)| s.enumerated).collect();
        // Formats narrow: at most one specific one (besides the kind's default).
        let default = match kind {
            "string" => Prim::String,
            "integer" => Prim::I64,
            "number" => Prim::F64,
            _ => Prim::Bool,
        };
        let mut specific: Option<Prim> = None;
        for (_, shape) in &candidates {
            if shape.prim != default {
                match specific {
                    Some(p) if p != shape.prim => return None,
                    _ => specific = Some(shape.prim),
                }
            }
        }
        match enums.as_slice() {
            [] => {
                let wanted = specific.unwrap_or(default);
                candidates
                    .iter()
                    .find(|(_, s)| s.prim == wanted)
                    .map(|(i, _)| *i)
            }
            // An enum of strings stays the enum whatever format the others name; an
            // integer enum only if no member asks for a narrower integer.
            [(i, shape)] if kind == "string" || specific.is_none_or(|p| p == shape.prim) => {
                Some(*i)
            }
            _ => None,
        }
    }

    /// The scalar a schema is (following `$ref`s and annotated `allOf`s): its type, the
    /// primitive its format gives, and whether it lists an `enum`. `None` for anything
    /// else (objects, arrays, unions, no type).
    fn scalar_shape(&self, schema: SchemaRef<'_>, depth: usize) -> Option<ScalarShape> {
        if depth > 16 {
            return None;
        }
        let resolved = self.resolve(schema)?;
        if let Some((typed, _)) = annotated_all_of(resolved) {
            let members = match &resolved.schema_kind {
                SchemaKind::AllOf { all_of } => all_of,
                SchemaKind::Any(any) => &any.all_of,
                _ => return None,
            };
            return self.scalar_shape((&members[typed]).into(), depth + 1);
        }
        let shape = |kind, prim, enumerated| {
            Some(ScalarShape {
                kind,
                prim,
                enumerated,
            })
        };
        match &resolved.schema_kind {
            SchemaKind::Type(Type::String(s)) => shape(
                "string",
                string_format(&s.format),
                !s.enumeration.is_empty(),
            ),
            SchemaKind::Type(Type::Integer(i)) => shape(
                "integer",
                integer_format(&i.format),
                !i.enumeration.is_empty(),
            ),
            SchemaKind::Type(Type::Number(n)) => shape(
                "number",
                number_format(&n.format),
                !n.enumeration.is_empty(),
            ),
            SchemaKind::Type(Type::Boolean(b)) => {
                shape("boolean", Prim::Bool, !b.enumeration.is_empty())
            }
            SchemaKind::Any(a)
                if a.properties.is_empty()
                    && a.additional_properties.is_none()
                    && a.items.is_none()
                    && a.all_of.is_empty()
                    && a.one_of.is_empty()
                    && a.any_of.is_empty()
                    && a.not.is_none() =>
            {
                let format = a.format.as_deref().unwrap_or("");
                let enumerated = !a.enumeration.is_empty();
                match a.typ.as_deref()? {
                    "string" => shape("string", Prim::of_string_format(format), enumerated),
                    "integer" => shape(
                        "integer",
                        Prim::of_scalar("integer", Some(format))?,
                        enumerated,
                    ),
                    "number" => shape(
                        "number",
                        Prim::of_scalar("number", Some(format))?,
                        enumerated,
                    ),
                    "boolean" => shape("boolean", Prim::Bool, enumerated),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// Gathers properties of an object-like schema (following `$ref` and nested
    /// `allOf`); the reason when it cannot (a member is not an object, or the nesting
    /// is deeper than [`ALL_OF_DEPTH`]).
    fn collect_object<'s>(
        &self,
        schema: SchemaRef<'s>,
        pointer: &str,
        props: &mut Vec<(String, SchemaRef<'s>, String)>,
        required: &mut Vec<String>,
        additional: &mut Option<&'s AdditionalProperties>,
        depth: usize,
    ) -> Result<(), &'static str>
    where
        'a: 's,
    {
        if depth > ALL_OF_DEPTH {
            return Err(ALL_OF_TOO_DEEP);
        }
        let (schema, pointer) = match schema {
            SchemaRef::Ref(r) => {
                let Some(key) = r.strip_prefix(COMPONENT_PREFIX) else {
                    return Err(ALL_OF_NOT_OBJECTS);
                };
                let Some(s) = self.resolve(SchemaRef::Ref(r)) else {
                    return Err(ALL_OF_NOT_OBJECTS);
                };
                (s, format!("/components/schemas/{key}"))
            }
            SchemaRef::Inline(s) => (s, pointer.to_string()),
        };
        let (o_props, o_required, o_additional) = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => {
                (&o.properties, &o.required, o.additional_properties.as_ref())
            }
            SchemaKind::Any(a)
                if a.typ.as_deref().is_none_or(|t| t == "object")
                    && a.all_of.is_empty()
                    && a.one_of.is_empty()
                    && a.any_of.is_empty()
                    && a.items.is_none() =>
            {
                (&a.properties, &a.required, a.additional_properties.as_ref())
            }
            SchemaKind::AllOf { all_of } => {
                return all_of.iter().enumerate().try_for_each(|(i, m)| {
                    self.collect_object(
                        m.into(),
                        &format!("{pointer}/allOf/{i}"),
                        props,
                        required,
                        additional,
                        depth + 1,
                    )
                });
            }
            // A nested `allOf` with keywords of its own (`type: object`, `required`,
            // `properties`): its members, then its own properties.
            SchemaKind::Any(a)
                if a.typ.as_deref().is_none_or(|t| t == "object")
                    && !a.all_of.is_empty()
                    && a.one_of.is_empty()
                    && a.any_of.is_empty()
                    && a.items.is_none()
                    && a.not.is_none() =>
            {
                a.all_of.iter().enumerate().try_for_each(|(i, m)| {
                    self.collect_object(
                        m.into(),
                        &format!("{pointer}/allOf/{i}"),
                        props,
                        required,
                        additional,
                        depth + 1,
                    )
                })?;
                merge_object_parts(
                    &pointer,
                    &a.properties,
                    &a.required,
                    a.additional_properties.as_ref(),
                    props,
                    required,
                    additional,
                );
                return Ok(());
            }
            _ => return Err(ALL_OF_NOT_OBJECTS),
        };
        merge_object_parts(
            &pointer,
            o_props,
            o_required,
            o_additional,
            props,
            required,
            additional,
        );
        Ok(())
    }

    fn any(
        &mut self,
        any: &AnySchema,
        data: &SchemaData,
        pointer: &str,
        target: &Target,
    ) -> Result<TypeRef, Error> {
        if !any.all_of.is_empty() {
            return self.all_of(&any.all_of, Some(any), data, pointer, target);
        }
        if !any.one_of.is_empty() {
            return self.union(&any.one_of, "oneOf", data, pointer, target);
        }
        if !any.any_of.is_empty() {
            return self.union(&any.any_of, "anyOf", data, pointer, target);
        }
        let typ = any.typ.as_deref();
        if typ == Some("object")
            || !any.properties.is_empty()
            || any.additional_properties.is_some()
        {
            let props = any
                .properties
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.into(),
                        format!("{pointer}/properties/{}", escape_pointer_token(k)),
                    )
                })
                .collect();
            return self.object_from_parts(
                props,
                &any.required,
                any.additional_properties.as_ref(),
                data,
                pointer,
                target,
            );
        }
        if typ == Some("array") || any.items.is_some() {
            return self.array(any.items.as_ref().map(SchemaRef::from), pointer, target);
        }
        if !any.enumeration.is_empty() {
            return Ok(self.untyped_enum(any, typ, data, pointer, target));
        }
        let format = any.format.as_deref().unwrap_or("");
        Ok(match typ {
            Some("string") => {
                let values: Vec<String> = any
                    .enumeration
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect();
                if values.is_empty() {
                    TypeRef::Prim(Prim::of_string_format(format))
                } else {
                    self.string_enum(values, data, pointer, target)
                }
            }
            Some(kind @ ("integer" | "number" | "boolean")) => {
                TypeRef::Prim(Prim::of_scalar(kind, Some(format)).unwrap_or(Prim::Json))
            }
            None => TypeRef::JSON,
            Some(other) => self.fallback(pointer, &format!("unknown type `{other}`")),
        })
    }
}

/// Adds one object's properties, required names and additional properties (at
/// `pointer`) to those gathered so far: a later member refines an earlier one's
/// property, and its `additionalProperties` wins.
fn merge_object_parts<'s>(
    pointer: &str,
    o_props: &'s IndexMap<String, ReferenceOr<Box<Schema>>>,
    o_required: &[String],
    o_additional: Option<&'s AdditionalProperties>,
    props: &mut Vec<(String, SchemaRef<'s>, String)>,
    required: &mut Vec<String>,
    additional: &mut Option<&'s AdditionalProperties>,
) {
    for (k, v) in o_props {
        let p = format!("{pointer}/properties/{}", escape_pointer_token(k));
        match props.iter_mut().find(|(existing, _, _)| existing == k) {
            Some(slot) => *slot = (k.clone(), v.into(), p),
            None => props.push((k.clone(), v.into(), p)),
        }
    }
    for r in o_required {
        if !required.contains(r) {
            required.push(r.clone());
        }
    }
    if o_additional.is_some() {
        *additional = o_additional;
    }
}

/// What [`TypeSpaceBuilder::scalar_shape`] finds out about a scalar schema.
#[derive(Debug, Clone, Copy)]
struct ScalarShape {
    /// `string`, `integer`, `number` or `boolean`.
    kind: &'static str,
    /// The primitive its format gives.
    prim: Prim,
    /// Whether it lists an `enum`.
    enumerated: bool,
}

/// An enum value of a `type: string` enum as the string it stands for: a string as it
/// is, a number or boolean as its JSON text (`10` → `"10"`); `None` for arrays and
/// objects, which no reading makes a string.
fn text_as_string(value: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(_) | Value::Bool(_) => Some(value.to_string()),
        _ => None,
    }
}

/// An enum value of a `type: integer` enum as the integer it stands for: an integer,
/// or a string holding one in decimal (`"16"`); `None` otherwise.
fn text_as_integer(value: &serde_json::Value) -> Option<i64> {
    match value {
        serde_json::Value::String(s) => s.trim().parse().ok(),
        v => v.as_i64(),
    }
}

/// Whether an `allOf` member only annotates (description, title, example, default,
/// readOnly, nullable, constraints) and says nothing about the value's type or shape.
fn is_annotation_only(member: &ReferenceOr<Schema>) -> bool {
    let ReferenceOr::Item(schema) = member else {
        return false;
    };
    let SchemaKind::Any(any) = &schema.schema_kind else {
        return false;
    };
    any.typ.is_none()
        && any.format.is_none()
        && any.properties.is_empty()
        && any.required.is_empty()
        && any.additional_properties.is_none()
        && any.items.is_none()
        && any.enumeration.is_empty()
        && any.all_of.is_empty()
        && any.one_of.is_empty()
        && any.any_of.is_empty()
        && any.not.is_none()
        && schema.schema_data.discriminator.is_none()
}

/// For an annotated `allOf` (exactly one member with a type, every other member
/// annotation only): the index of the typed member and the other members' annotations.
fn annotated_all_of(schema: &Schema) -> Option<(usize, Vec<&SchemaData>)> {
    match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => annotated_members(all_of),
        SchemaKind::Any(any) if !any.all_of.is_empty() => annotated_members(&any.all_of),
        _ => None,
    }
}

/// The member whose type an `allOf` of one member, or an annotated `allOf`, has (not
/// when the schema adds properties of its own, which makes it a struct of its own).
fn single_typed_member(schema: &Schema) -> Option<&ReferenceOr<Schema>> {
    let members = match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => all_of,
        SchemaKind::Any(any)
            if !any.all_of.is_empty()
                && any.typ.is_none()
                && any.properties.is_empty()
                && any.required.is_empty()
                && any.additional_properties.is_none() =>
        {
            &any.all_of
        }
        _ => return None,
    };
    match &members[..] {
        [only] => Some(only),
        _ => annotated_members(members).map(|(typed, _)| &members[typed]),
    }
}

/// [`annotated_all_of`] of the members of an `allOf`.
fn annotated_members(members: &[ReferenceOr<Schema>]) -> Option<(usize, Vec<&SchemaData>)> {
    let mut typed = None;
    let mut annotations = Vec::new();
    for (i, member) in members.iter().enumerate() {
        match member {
            ReferenceOr::Item(s) if is_annotation_only(member) => annotations.push(&s.schema_data),
            _ if typed.is_none() => typed = Some(i),
            _ => return None,
        }
    }
    Some((typed?, annotations)).filter(|(_, a)| !a.is_empty())
}

/// `own` with the annotations of an annotated `allOf`'s members added: the first
/// title, description and default win; nullable, readOnly, writeOnly and deprecated
/// hold if any member says so.
fn merge_annotations(own: &SchemaData, annotations: &[&SchemaData]) -> SchemaData {
    let mut data = own.clone();
    for a in annotations {
        data.title = data.title.take().or_else(|| a.title.clone());
        data.description = data.description.take().or_else(|| a.description.clone());
        data.default = data.default.take().or_else(|| a.default.clone());
        data.example = data.example.take().or_else(|| a.example.clone());
        data.nullable |= a.nullable;
        data.read_only |= a.read_only;
        data.write_only |= a.write_only;
        data.deprecated |= a.deprecated;
        for (k, v) in &a.extensions {
            data.extensions
                .entry(k.clone())
                .or_insert_with(|| v.clone());
        }
    }
    data
}

/// Docs of a schema: title, description, assumption, deprecation.
pub fn schema_docs(data: &SchemaData) -> Docs {
    let mut docs = Docs::new();
    docs.text(data.title.as_deref());
    docs.text(data.description.as_deref());
    if let Some(assumption) = data.extensions.get("x-assumption").and_then(|v| v.as_str()) {
        docs.text(Some(&format!("Assumption: {assumption}")));
    }
    docs
}

fn kind_word(schema: &Schema) -> &'static str {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(_)) => "String",
        SchemaKind::Type(Type::Integer(_)) => "Integer",
        SchemaKind::Type(Type::Number(_)) => "Number",
        SchemaKind::Type(Type::Boolean(_)) => "Boolean",
        SchemaKind::Type(Type::Array(_)) => "Array",
        SchemaKind::Type(Type::Object(_)) => "Object",
        SchemaKind::Any(a) => match a.typ.as_deref() {
            Some("string") => "String",
            Some("integer") => "Integer",
            Some("number") => "Number",
            Some("boolean") => "Boolean",
            Some("array") => "Array",
            _ if a.items.is_some() => "Array",
            _ if !a.properties.is_empty() => "Object",
            _ => "Value",
        },
        _ => "Value",
    }
}

/// Whether a schema is a `format: byte` string, which stays `String` (base64 text).
fn is_byte_string(schema: Option<&Schema>) -> bool {
    match schema.map(|s| &s.schema_kind) {
        Some(SchemaKind::Type(Type::String(s))) => match &s.format {
            VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => true,
            VariantOrUnknownOrEmpty::Unknown(f) => f == "byte",
            _ => false,
        },
        Some(SchemaKind::Any(a)) => a.format.as_deref() == Some("byte"),
        _ => false,
    }
}

fn string_format(format: &VariantOrUnknownOrEmpty<StringFormat>) -> Prim {
    match format {
        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Prim::DateTime,
        VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Prim::Date,
        VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => Prim::Bytes,
        VariantOrUnknownOrEmpty::Item(_) => Prim::String,
        VariantOrUnknownOrEmpty::Unknown(f) => Prim::of_string_format(f),
        VariantOrUnknownOrEmpty::Empty => Prim::String,
    }
}

fn integer_format(format: &VariantOrUnknownOrEmpty<IntegerFormat>) -> Prim {
    match format {
        VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Prim::I32,
        VariantOrUnknownOrEmpty::Unknown(f) if f == "int32" => Prim::I32,
        _ => Prim::I64,
    }
}

fn number_format(format: &VariantOrUnknownOrEmpty<NumberFormat>) -> Prim {
    match format {
        VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => Prim::F32,
        _ => Prim::F64,
    }
}

/// `ticket_id` → `TicketId`, `createdBy` → `CreatedBy` (for names of inline types).
fn wire_to_camel(wire: &str) -> String {
    let camel = wire.to_upper_camel_case();
    if camel.is_empty() {
        "Field".into()
    } else {
        camel
    }
}
