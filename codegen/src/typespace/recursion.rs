//! Cycles between types: `Box` where a type would contain itself, an error where a
//! chain of aliases leads back to its start.
//!
//! Every question here is "does this reference lead back to where it starts?", which
//! the strongly connected components of the type graph answer for all references at
//! once: a walk per reference was quadratic on long `$ref` chains (8,000 schemas in a
//! chain took 7–17 s), and such chains cost nothing to write.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use petgraph::graph::{DiGraph, NodeIndex};

use super::{TypeKind, TypeRef, TypeSpace};

/// The strongly connected component of every node of a graph given by its edges (nodes
/// only named as targets included), numbered from 0.
fn components(edges: &BTreeMap<&str, Vec<&str>>) -> HashMap<String, usize> {
    let mut graph = DiGraph::<(), ()>::new();
    let mut index: HashMap<&str, NodeIndex> = HashMap::new();
    let mut node = |graph: &mut DiGraph<(), ()>, name| {
        *index.entry(name).or_insert_with(|| graph.add_node(()))
    };
    for (from, targets) in edges {
        let a = node(&mut graph, from);
        for to in targets {
            let b = node(&mut graph, to);
            graph.add_edge(a, b, ());
        }
    }
    let mut of = vec![0; graph.node_count()];
    // Kosaraju's algorithm, which petgraph runs without recursion: a chain of 100,000
    // references does not overflow the stack.
    for (n, component) in petgraph::algo::kosaraju_scc(&graph).into_iter().enumerate() {
        for member in component {
            of[member.index()] = n;
        }
    }
    index
        .into_iter()
        .map(|(name, i)| (name.to_string(), of[i.index()]))
        .collect()
}

/// Whether the edge `from -> to` lies on a cycle: `to` leads back to `from`.
fn on_cycle(components: &HashMap<String, usize>, from: &str, to: &str) -> bool {
    from == to || components.get(from).is_some() && components.get(from) == components.get(to)
}

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

/// Pointer of the first type alias (in name order) whose chain of aliases (`A = B`,
/// `B = C`, ...) runs into a cycle.
pub(super) fn alias_cycle(space: &TypeSpace) -> Option<String> {
    // Each alias has at most one next alias, so one walk settles every alias it passes:
    // those before a cycle or a known bad alias are bad, those before an end are good.
    let next = |name: &str| match space.entries.get(name).map(|e| &e.kind) {
        Some(TypeKind::Alias(TypeRef::Named(next))) => Some(next.as_str()),
        _ => None,
    };
    let mut bad: HashMap<&str, bool> = HashMap::new();
    for (name, entry) in &space.entries {
        if !matches!(entry.kind, TypeKind::Alias(_)) {
            continue;
        }
        let mut path = Vec::new();
        let mut on_path = BTreeSet::new();
        let mut current = Some(name.as_str());
        let verdict = loop {
            let Some(node) = current else { break false };
            if let Some(&known) = bad.get(node) {
                break known;
            }
            if !on_path.insert(node) {
                break true;
            }
            path.push(node);
            current = next(node);
        };
        for node in path {
            bad.insert(node, verdict);
        }
        if verdict {
            return Some(entry.pointer.clone());
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
/// needs the alias `to`, walking only the aliases of `to`'s component (a path back to
/// `to` cannot leave it).
fn alias_reaches(
    space: &TypeSpace,
    components: &HashMap<String, usize>,
    from: &str,
    to: &str,
) -> bool {
    let component = components.get(to);
    let mut seen = BTreeSet::new();
    let mut stack = vec![from.to_string()];
    while let Some(name) = stack.pop() {
        if name == to {
            return true;
        }
        if components.get(&name) != component || !seen.insert(name.clone()) {
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

/// Above this many aliases in one component, every reference inside it is replaced
/// instead of only those that still close a cycle when their turn comes (which walks
/// the component once per reference: quadratic).
const EXACT_COMPONENT_LIMIT: usize = 256;

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
pub(super) fn break_alias_recursion(space: &mut TypeSpace) -> Vec<String> {
    let (components, sizes) = {
        let edges: BTreeMap<&str, Vec<&str>> = space
            .entries
            .iter()
            .filter_map(|(name, entry)| match &entry.kind {
                TypeKind::Alias(ty) => {
                    let mut targets = Vec::new();
                    named_in(ty, &mut targets);
                    Some((name.as_str(), targets))
                }
                _ => None,
            })
            .collect();
        let components = components(&edges);
        let mut sizes: HashMap<usize, usize> = HashMap::new();
        for c in components.values() {
            *sizes.entry(*c).or_default() += 1;
        }
        (components, sizes)
    };
    let mut changed = Vec::new();
    let names: Vec<String> = space.entries.keys().cloned().collect();
    for name in names {
        let Some(TypeKind::Alias(ty)) = space.entries.get(&name).map(|e| &e.kind) else {
            continue;
        };
        let mut targets = Vec::new();
        named_in(ty, &mut targets);
        let large = components
            .get(&name)
            .is_some_and(|c| sizes[c] > EXACT_COMPONENT_LIMIT);
        // In order of names, each alias gives up the references that still lead back
        // to it (earlier aliases may have cut a cycle already).
        let doomed: BTreeSet<String> = targets
            .into_iter()
            .filter(|t| on_cycle(&components, &name, t))
            .filter(|t| large || alias_reaches(space, &components, t, &name))
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
pub(super) fn box_cycles(space: &mut TypeSpace) {
    let on_cycle: BTreeSet<(String, usize)> = {
        let components = components(&inline_edges(space));
        let mut found = BTreeSet::new();
        for (name, entry) in &space.entries {
            let tys: Vec<&TypeRef> = match &entry.kind {
                TypeKind::Struct { fields, .. } => fields.iter().map(|f| &f.ty).collect(),
                TypeKind::Union { variants, .. } => variants.iter().map(|v| &v.ty).collect(),
                _ => continue,
            };
            for (i, ty) in tys.into_iter().enumerate() {
                if inline_target(ty).is_some_and(|target| on_cycle(&components, name, target)) {
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
