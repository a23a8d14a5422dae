//! Cycles between types: `Box` where a type would contain itself, an error where a
//! chain of aliases leads back to its start.

use std::collections::{BTreeMap, BTreeSet};

use super::{TypeKind, TypeRef, TypeSpace};

/// The named type a field holds *inline* (no heap indirection in between), if any.
/// `Vec` and `BTreeMap` already allocate, so they break cycles; `Option` does not.
fn inline_target(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Named(name) => Some(name),
        TypeRef::Option(inner) => inline_target(inner),
        _ => None,
    }
}

fn inline_edges(space: &TypeSpace) -> BTreeMap<&str, Vec<&str>> {
    space
        .entries
        .iter()
        .map(|(name, entry)| {
            let targets: Vec<&str> = match &entry.kind {
                TypeKind::Struct { fields, .. } => {
                    fields.iter().filter_map(|f| inline_target(&f.ty)).collect()
                }
                TypeKind::Union { variants, .. } => variants
                    .iter()
                    .filter_map(|v| inline_target(&v.ty))
                    .collect(),
                TypeKind::Alias(ty) => inline_target(ty).into_iter().collect(),
                TypeKind::StringEnum(_) | TypeKind::IntEnum(_) => Vec::new(),
            };
            (name.as_str(), targets)
        })
        .collect()
}

fn reaches(edges: &BTreeMap<&str, Vec<&str>>, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from];
    while let Some(node) = stack.pop() {
        if node == to {
            return true;
        }
        if seen.insert(node) {
            stack.extend(edges.get(node).into_iter().flatten().copied());
        }
    }
    false
}

/// Pointer of the first type alias that leads back to itself through aliases only.
pub fn alias_cycle(space: &TypeSpace) -> Option<String> {
    for (name, entry) in &space.entries {
        let TypeKind::Alias(mut ty) = entry.kind.clone() else {
            continue;
        };
        let mut seen = BTreeSet::from([name.clone()]);
        while let TypeRef::Named(next) = ty {
            if !seen.insert(next.clone()) {
                return Some(entry.pointer.clone());
            }
            match space.entries.get(&next).map(|e| &e.kind) {
                Some(TypeKind::Alias(t)) => ty = t.clone(),
                _ => break,
            }
        }
    }
    None
}

/// Named types inside `ty` (through `Vec`, maps, `Option` and `Box`).
fn named_in<'t>(ty: &'t TypeRef, out: &mut Vec<&'t str>) {
    match ty {
        TypeRef::Named(name) => out.push(name),
        TypeRef::Prim(_) => {}
        TypeRef::Vec(t) | TypeRef::Map(t) | TypeRef::Option(t) | TypeRef::Boxed(t) => {
            named_in(t, out)
        }
    }
}

/// Whether expanding the alias `from` (aliases only, looking inside containers) ever
/// needs the alias `to`.
fn alias_reaches(space: &TypeSpace, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from.to_string()];
    while let Some(name) = stack.pop() {
        if name == to {
            return true;
        }
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(TypeKind::Alias(ty)) = space.entries.get(&name).map(|e| &e.kind) {
            let mut next = Vec::new();
            named_in(ty, &mut next);
            stack.extend(next.into_iter().map(str::to_string));
        }
    }
    false
}

fn replace_named(ty: &mut TypeRef, doomed: &dyn Fn(&str) -> bool) {
    match ty {
        TypeRef::Named(name) if doomed(name) => *ty = TypeRef::JSON,
        TypeRef::Named(_) | TypeRef::Prim(_) => {}
        TypeRef::Vec(t) | TypeRef::Map(t) | TypeRef::Option(t) | TypeRef::Boxed(t) => {
            replace_named(t, doomed)
        }
    }
}

/// Type aliases cannot be recursive, even through `Vec` or a map (`SelfMap =
/// BTreeMap<String, SelfMap>`). Such a self-reference becomes `serde_json::Value`;
/// returns the pointers of the aliases changed.
pub fn break_alias_recursion(space: &mut TypeSpace) -> Vec<String> {
    let mut changed = Vec::new();
    let names: Vec<String> = space.entries.keys().cloned().collect();
    for name in names {
        let Some(TypeKind::Alias(ty)) = space.entries.get(&name).map(|e| &e.kind) else {
            continue;
        };
        let mut targets = Vec::new();
        named_in(ty, &mut targets);
        let doomed: BTreeSet<String> = targets
            .into_iter()
            .filter(|t| alias_reaches(space, t, &name))
            .map(str::to_string)
            .collect();
        if doomed.is_empty() {
            continue;
        }
        let entry = space.entries.get_mut(&name).expect("listed above");
        if let TypeKind::Alias(ty) = &mut entry.kind {
            replace_named(ty, &|n| doomed.contains(n));
        }
        changed.push(entry.pointer.clone());
    }
    changed
}

fn boxed(ty: &mut TypeRef) {
    let inner = std::mem::replace(ty, TypeRef::JSON);
    *ty = match inner {
        TypeRef::Option(t) => TypeRef::Option(Box::new(TypeRef::Boxed(t))),
        other => TypeRef::Boxed(Box::new(other)),
    };
}

/// Wraps in `Box` every inline reference that lies on a cycle.
pub fn box_cycles(space: &mut TypeSpace) {
    let on_cycle: BTreeSet<(String, usize)> = {
        let edges = inline_edges(space);
        let mut found = BTreeSet::new();
        for (name, entry) in &space.entries {
            let tys: Vec<&TypeRef> = match &entry.kind {
                TypeKind::Struct { fields, .. } => fields.iter().map(|f| &f.ty).collect(),
                TypeKind::Union { variants, .. } => variants.iter().map(|v| &v.ty).collect(),
                _ => continue,
            };
            for (i, ty) in tys.into_iter().enumerate() {
                if inline_target(ty).is_some_and(|target| reaches(&edges, target, name)) {
                    found.insert((name.clone(), i));
                }
            }
        }
        found
    };
    for (name, index) in on_cycle {
        let Some(entry) = space.entries.get_mut(&name) else {
            continue;
        };
        match &mut entry.kind {
            TypeKind::Struct { fields, .. } => boxed(&mut fields[index].ty),
            TypeKind::Union { variants, .. } => boxed(&mut variants[index].ty),
            _ => {}
        }
    }
}
