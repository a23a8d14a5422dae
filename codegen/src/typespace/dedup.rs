//! Enums that list the same values, and structs that declare the same fields, become one
//! type each.
//!
//! Large specs repeat the same small inline schema under many names (GitHub's description
//! has `read`/`write` as 722 separate permission enums, and `{href}` as 229 link objects).
//! Each copy would be a distinct Rust type with identical impls, which costs compile time
//! and makes values of the same shape incompatible with each other. The first name (in
//! name order) keeps the type; every other name stays as a documented alias of it, so no
//! name a spec implies disappears.

use std::collections::BTreeMap;

use super::{TypeEntry, TypeKind, TypeRef, TypeSpace};

/// What makes two enums the same type: their variants' names and wire values.
fn enum_key(_: &TypeSpace, entry: &TypeEntry) -> Option<String> {
    match &entry.kind {
        TypeKind::StringEnum(vs) => Some(format!(
            "{:?}",
            vs.iter().map(|v| (&v.name, &v.wire)).collect::<Vec<_>>()
        )),
        TypeKind::IntEnum(vs) => Some(format!(
            "{:?}",
            vs.iter().map(|v| (&v.name, v.value)).collect::<Vec<_>>()
        )),
        _ => None,
    }
}

/// Turns every enum that repeats an earlier one into an alias of it; returns how many.
pub(super) fn merge_identical_enums(space: &mut TypeSpace) -> usize {
    merge(space, enum_key, "values")
}

/// Turns every struct whose fields (names, wire names, types, presence, defaults and docs)
/// repeat an earlier struct's into an alias of it, until no more do (merging inner types
/// can make their parents equal); returns how many.
pub(super) fn merge_identical_structs(space: &mut TypeSpace) -> usize {
    let mut total = 0;
    loop {
        let merged = merge(space, struct_key, "fields");
        total += merged;
        if merged == 0 {
            return total;
        }
    }
}

/// The fields of a struct with every type reference resolved through aliases, as text.
fn struct_key(space: &TypeSpace, entry: &TypeEntry) -> Option<String> {
    let TypeKind::Struct { fields, additional } = &entry.kind else {
        return None;
    };
    let fields: Vec<_> = fields
        .iter()
        .map(|f| {
            (
                &f.name,
                &f.wire,
                resolved(space, &f.ty),
                f.presence,
                &f.default,
                &f.docs,
            )
        })
        .collect();
    let additional = additional.as_ref().map(|t| resolved(space, t));
    Some(format!("{fields:?} {additional:?}"))
}

/// `ty` with aliases resolved at every level (`Vec<Alias>` → `Vec<Target>`).
fn resolved(space: &TypeSpace, ty: &TypeRef) -> TypeRef {
    match space.resolve_alias(ty) {
        TypeRef::Vec(t) => TypeRef::Vec(Box::new(resolved(space, t))),
        TypeRef::Map(t) => TypeRef::Map(Box::new(resolved(space, t))),
        TypeRef::Option(t) => TypeRef::Option(Box::new(resolved(space, t))),
        TypeRef::Boxed(t) => TypeRef::Boxed(Box::new(resolved(space, t))),
        other => other.clone(),
    }
}

/// Makes every inline type whose key repeats another type's an alias of that type.
/// Component schemas are names the spec's authors chose for their own concepts, so each
/// keeps its type even when another has the same shape; an inline type is preferably
/// merged into a component of its shape, else into the first inline one (by name).
fn merge(
    space: &mut TypeSpace,
    key: impl Fn(&TypeSpace, &TypeEntry) -> Option<String>,
    what: &str,
) -> usize {
    let mut first: BTreeMap<String, &str> = BTreeMap::new();
    let mut repeats: Vec<(String, String)> = Vec::new();
    let (components, inline): (Vec<&TypeEntry>, Vec<&TypeEntry>) = space
        .entries
        .values()
        .partition(|e| is_component(&e.pointer));
    for entry in components {
        if let Some(key) = key(space, entry) {
            first.entry(key).or_insert(&entry.name);
        }
    }
    for entry in inline {
        if let Some(key) = key(space, entry) {
            match first.get(&key) {
                Some(kept) => repeats.push((entry.name.clone(), kept.to_string())),
                None => {
                    first.insert(key, &entry.name);
                }
            }
        }
    }
    for (name, kept) in &repeats {
        if let Some(entry) = space.entries.get_mut(name) {
            if entry.docs.is_empty() {
                entry.docs.note(format!(
                    "`{name}` (schema {}).",
                    crate::docs::code(&entry.pointer)
                ));
            }
            entry
                .docs
                .note(format!("The same {what} as [`{kept}`], so the same type."));
            entry.kind = TypeKind::Alias(TypeRef::Named(kept.clone()));
        }
    }
    repeats.len()
}

/// Whether `pointer` names a component schema itself (not a schema inside one).
fn is_component(pointer: &str) -> bool {
    pointer
        .strip_prefix("/components/schemas/")
        .is_some_and(|name| !name.contains('/'))
}
