//! The setters of a struct's fields: a decision of the model, read by emit (the
//! setters themselves, examples built with them) and by tools (`codegen::items`).

use super::{Field, Presence};

/// Methods a setter must not shadow: a by-value inherent method named like a trait
/// method the type has (or callers use) would be picked first by method resolution
/// and break `value.clone()` and the like.
const SHADOWING_SETTER_NAMES: &[&str] = &[
    "new",
    "clone",
    "clone_from",
    "eq",
    "ne",
    "fmt",
    "hash",
    "serialize",
    "deserialize",
    "into",
    "try_into",
    "from",
    "try_from",
    "to_owned",
    "to_string",
    "default",
    "borrow",
    "borrow_mut",
    "as_ref",
    "as_mut",
    "type_id",
    "cmp",
    "partial_cmp",
    "lt",
    "le",
    "gt",
    "ge",
    "max",
    "min",
    "clamp",
    "deref",
];

/// The setters of one struct field: the one that takes a value, and for a nullable
/// field the one that sends `null`.
pub(crate) struct SetterNames {
    /// Takes the value.
    pub set: String,
    /// Sends `null` (nullable fields only).
    pub null: Option<String>,
}

/// The setter names of each field, in order (`None` for required fields, which `new`
/// takes): the field's name, or `with_<name>` where that would shadow a method callers
/// rely on; unique within the struct and never `new`.
pub(crate) fn setter_names<'a>(
    fields: impl Iterator<Item = &'a Field>,
) -> Vec<Option<SetterNames>> {
    let mut names = crate::naming::UniqueNames::with_taken(["new"]);
    fields
        .map(|f| {
            if f.presence == Presence::Required {
                return None;
            }
            let base = if SHADOWING_SETTER_NAMES.contains(&f.name.as_str()) {
                format!("with_{}", f.name.trim_end_matches('_'))
            } else {
                f.name.clone()
            };
            let set = names.claim(&base);
            let nullable = matches!(
                f.presence,
                Presence::RequiredNullable | Presence::OptionalNullable
            );
            let null =
                nullable.then(|| names.claim(&format!("{}_null", base.trim_end_matches('_'))));
            Some(SetterNames { set, null })
        })
        .collect()
}
