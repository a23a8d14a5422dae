//! Pay for what you use: which operations and types of a document are generated
//! ([`Selection`], applied to the model), and the cargo features that gate them per
//! tag ([`Gates`]).
//!
//! Both work on the finished model, so names do not depend on the selection: a type or
//! method is called the same in a crate of one tag as in the crate of the whole document.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToKebabCase;

use crate::load::escape_pointer_token;
use crate::operations::{OperationMethod, Operations, ResponseBody};
use crate::typespace::{TypeKind, TypeRef, TypeSpace};
use crate::Error;

/// Which operations (and so which types) of a document to generate. The default
/// selects everything.
///
/// An operation is selected when it matches any of `tags`, `operations` or `paths`
/// (every operation when all three are empty) and none of `exclude_tags`. Types are
/// kept when a selected operation reaches them (parameters, bodies, responses, then
/// fields, union members and aliases); with `types_only` and no operation filter,
/// every type reachable from `components` is kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Keep operations with one of these tags.
    pub tags: Vec<String>,
    /// Leave out operations with one of these tags.
    pub exclude_tags: Vec<String>,
    /// Keep operations with one of these `operationId`s.
    pub operations: Vec<String>,
    /// Keep operations whose path template matches one of these patterns: `*` stands
    /// for any run of characters (`/` included), everything else is literal (so
    /// `{owner}` matches the template's `{owner}`).
    pub paths: Vec<String>,
    /// Models only: no client module.
    pub types_only: bool,
}

impl Selection {
    /// Whether this selects the whole document (with its client).
    pub fn is_all(&self) -> bool {
        *self == Selection::default()
    }

    fn filters_operations(&self) -> bool {
        !(self.tags.is_empty()
            && self.exclude_tags.is_empty()
            && self.operations.is_empty()
            && self.paths.is_empty())
    }

    fn includes(&self, op: &OperationMethod) -> bool {
        let any_include =
            !(self.tags.is_empty() && self.operations.is_empty() && self.paths.is_empty());
        let included = !any_include
            || op.tags.iter().any(|t| self.tags.contains(t))
            || self.operations.contains(&op.operation_id)
            || self.paths.iter().any(|p| path_matches(p, &op.path));
        included && !op.tags.iter().any(|t| self.exclude_tags.contains(t))
    }
}

/// What a selection kept and left out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Selected {
    /// Operations left out.
    pub operations_left_out: usize,
    /// Types left out.
    pub types_left_out: usize,
}

/// Whether `path` matches `pattern`: `*` is any run of characters, the rest literal.
pub fn path_matches(pattern: &str, path: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let s: Vec<char> = path.chars().collect();
    // Greedy match with backtracking to the last star: linear in practice.
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        if pi < p.len() && p[pi] != '*' && p[pi] == s[si] {
            pi += 1;
            si += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, si));
            pi += 1;
        } else if let Some((sp, ss)) = star {
            pi = sp + 1;
            si = ss + 1;
            star = Some((sp, ss + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Every type named in `ty`.
fn named<'a>(ty: &'a TypeRef, out: &mut Vec<&'a str>) {
    match ty {
        TypeRef::Named(n) => out.push(n),
        TypeRef::Prim(_) => {}
        TypeRef::Vec(t) | TypeRef::Map(t) | TypeRef::Option(t) | TypeRef::Boxed(t) => named(t, out),
    }
}

/// The types an operation names directly: parameters, bodies, responses.
fn operation_roots(op: &OperationMethod) -> Vec<&str> {
    let mut out = Vec::new();
    for p in &op.params {
        named(&p.ty, &mut out);
    }
    for m in op.body.iter().flat_map(|b| &b.media) {
        named(&m.ty, &mut out);
    }
    for r in &op.responses {
        if let ResponseBody::Json(ty) = &r.body {
            named(ty, &mut out);
        }
    }
    out
}

/// Every type reachable from `roots` through fields, union members and aliases.
pub fn reachable<'a>(space: &'a TypeSpace, roots: Vec<&'a str>) -> BTreeSet<&'a str> {
    let mut seen = BTreeSet::new();
    let mut stack = roots;
    while let Some(name) = stack.pop() {
        let Some((key, entry)) = space.entries.get_key_value(name) else {
            continue;
        };
        if !seen.insert(key.as_str()) {
            continue;
        }
        entry_refs(entry, &mut stack);
    }
    seen
}

/// The types `entry` names directly: its fields, union members or aliased type.
pub fn entry_refs<'a>(entry: &'a crate::typespace::TypeEntry, out: &mut Vec<&'a str>) {
    match &entry.kind {
        TypeKind::Struct { fields, additional } => {
            for f in fields {
                named(&f.ty, out);
            }
            if let Some(a) = additional {
                named(a, out);
            }
        }
        TypeKind::Union { variants, .. } => {
            for v in variants {
                named(&v.ty, out);
            }
        }
        TypeKind::Alias(t) => named(t, out),
        TypeKind::StringEnum(_) | TypeKind::IntEnum(_) => {}
    }
}

/// The JSON pointer of an operation (`/paths/<path>/<method>`).
fn operation_pointer(op: &OperationMethod) -> String {
    format!(
        "/paths/{}/{}",
        escape_pointer_token(&op.path),
        op.http_method.to_ascii_lowercase()
    )
}

/// Whether `pointer` is `prefix` or inside it.
fn within(pointer: &str, prefix: &str) -> bool {
    pointer
        .strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Applies `selection` to the model: drops the operations it does not select (all of
/// them with `types_only`), the types no kept operation reaches, and their schema
/// pointers, fallbacks and warnings. A selection, or one of its filters, that matches
/// no operation is an error naming it.
pub fn apply(
    selection: &Selection,
    file: &std::path::Path,
    space: &mut TypeSpace,
    ops: &mut Operations,
) -> Result<Selected, Error> {
    if selection.is_all() {
        return Ok(Selected::default());
    }
    let err = |message: String| Error {
        file: file.to_path_buf(),
        pointer: "/paths".into(),
        message,
    };
    let filters = [
        ("--tag", &selection.tags),
        ("--exclude-tag", &selection.exclude_tags),
    ];
    for (flag, values) in filters {
        for tag in values {
            if !ops.methods.iter().any(|op| op.tags.contains(tag)) {
                let mut known: Vec<&str> = ops
                    .methods
                    .iter()
                    .flat_map(|op| op.tags.iter().map(String::as_str))
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect();
                let more = known.len().saturating_sub(20);
                known.truncate(20);
                let known = if known.is_empty() {
                    "the document tags no operation".to_string()
                } else {
                    format!(
                        "tags in the document: {}{}",
                        known.join(", "),
                        if more > 0 {
                            format!(" and {more} more")
                        } else {
                            String::new()
                        }
                    )
                };
                return Err(err(format!(
                    "{flag} `{tag}` matches no operation ({known})"
                )));
            }
        }
    }
    for id in &selection.operations {
        if !ops.methods.iter().any(|op| &op.operation_id == id) {
            return Err(err(format!(
                "--operation `{id}` matches no operationId in the document"
            )));
        }
    }
    for pattern in &selection.paths {
        if !ops.methods.iter().any(|op| path_matches(pattern, &op.path)) {
            return Err(err(format!(
                "--path `{pattern}` matches no path in the document"
            )));
        }
    }
    let before_ops = ops.methods.len();
    let before_types = space.entries.len();
    if selection.filters_operations() || !selection.types_only {
        ops.methods.retain(|op| selection.includes(op));
        if ops.methods.is_empty() {
            return Err(err(
                "the selection matches no operation (every matching operation is excluded)".into(),
            ));
        }
    }
    let kept: BTreeSet<String> = if selection.types_only && !selection.filters_operations() {
        let roots: Vec<&str> = space
            .by_pointer
            .iter()
            .filter(|(p, _)| p.starts_with("/components/"))
            .flat_map(|(_, ty)| {
                let mut out = Vec::new();
                named(ty, &mut out);
                out
            })
            .collect();
        reachable(space, roots)
            .into_iter()
            .map(str::to_owned)
            .collect()
    } else {
        let roots = ops.methods.iter().flat_map(operation_roots).collect();
        reachable(space, roots)
            .into_iter()
            .map(str::to_owned)
            .collect()
    };
    let op_pointers: Vec<String> = ops.methods.iter().map(operation_pointer).collect();
    if selection.types_only {
        ops.methods.clear();
    }
    space.entries.retain(|name, _| kept.contains(name));
    space.by_pointer.retain(|_, ty| {
        let mut names = Vec::new();
        named(ty, &mut names);
        names.iter().all(|n| kept.contains(*n))
    });
    // A fallback or warning stays when its schema belongs to a kept type or operation.
    let kept_pointers: Vec<&str> = space
        .entries
        .values()
        .map(|e| e.pointer.as_str())
        .chain(space.by_pointer.keys().map(String::as_str))
        .chain(op_pointers.iter().map(String::as_str))
        .collect();
    let belongs = |pointer: &str| {
        !pointer.starts_with("/paths/") && !pointer.starts_with("/components/schemas/")
            || kept_pointers.iter().any(|k| within(pointer, k))
    };
    space.fallbacks.retain(|n| belongs(&n.pointer));
    ops.warnings.retain(|n| belongs(&n.pointer));
    Ok(Selected {
        operations_left_out: before_ops - ops.methods.len(),
        types_left_out: before_types - space.entries.len(),
    })
}

/// The cargo feature for types no operation reaches.
pub const UNREFERENCED_TYPES: &str = "unreferenced-types";

/// One cargo feature of a per-tag split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagFeature {
    /// The feature's name.
    pub name: String,
    /// What it stands for: the tag, or the path segment of untagged operations.
    pub source: String,
    /// Number of operations it gates.
    pub operations: usize,
    /// Number of types it needs (its own and shared ones).
    pub types: usize,
    /// The internal features it enables (types shared with other features).
    pub groups: Vec<String>,
    /// The module (and file) that holds its operations; empty for a webhook's feature.
    pub module: String,
    /// Whether it stands for a webhook (no operations: the types of its payloads).
    pub webhook: bool,
}

/// The cargo features of a per-tag split and what each gates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gates {
    /// The features, in order of their first operation.
    pub features: Vec<TagFeature>,
    /// Internal features: types needed by a set of two or more (but not all) features.
    pub groups: Vec<String>,
    /// Operation (method name) → its feature.
    pub operations: BTreeMap<String, String>,
    /// Type → the feature that gates it; types every feature needs are not gated.
    pub types: BTreeMap<String, String>,
    /// Whether some type is reached by no operation and no webhook (gated by
    /// [`UNREFERENCED_TYPES`]).
    pub unreferenced: bool,
    /// The internal features [`UNREFERENCED_TYPES`] enables: types its own ones share
    /// with other features.
    pub unreferenced_groups: Vec<String>,
}

impl Gates {
    /// Whether the crate has the [`UNREFERENCED_TYPES`] feature: for the types nothing
    /// reaches, and, so that it keeps meaning "every schema no operation uses", to
    /// enable every webhook's feature.
    pub fn has_unreferenced_feature(&self) -> bool {
        self.unreferenced
            || !self.unreferenced_groups.is_empty()
            || self.features.iter().any(|f| f.webhook)
    }
}

/// A webhook of the document: OpenAPI 3.1's `webhooks`, or the `x-webhooks` extension
/// that 3.0 documents (GitHub's, Redocly's) use for the same. The API calls it, so it
/// gets no client method; its payloads' types get a cargo feature of their own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    /// Its name (the key under `webhooks`).
    pub name: String,
    /// The generated types of the component schemas it names (`$ref`s anywhere in it).
    pub roots: Vec<String>,
}

/// The webhooks of `openapi` (under `x-webhooks`, where loading puts 3.1's `webhooks`)
/// whose payloads name component schemas that have a type in `space`, in the
/// document's order. A webhook whose payloads are all inline has no type to gate.
pub fn webhooks(openapi: &openapiv3::OpenAPI, space: &TypeSpace) -> Vec<Webhook> {
    let Some(hooks) = openapi
        .extensions
        .get(WEBHOOKS_EXTENSION)
        .and_then(serde_json::Value::as_object)
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, item) in hooks {
        let mut refs = Vec::new();
        schema_refs(item, &mut refs);
        let mut roots: Vec<String> = Vec::new();
        for r in refs {
            if let Some(ty) = space.by_pointer.get(r) {
                let mut names = Vec::new();
                named(ty, &mut names);
                roots.extend(names.into_iter().map(str::to_string));
            }
        }
        roots.sort();
        roots.dedup();
        if !roots.is_empty() {
            out.push(Webhook {
                name: name.clone(),
                roots,
            });
        }
    }
    out
}

/// Where webhooks are read from (3.1's `webhooks` are moved here when loading).
pub const WEBHOOKS_EXTENSION: &str = "x-webhooks";

/// The JSON pointers (`/components/schemas/..`) of every local schema `$ref` in `value`.
fn schema_refs<'a>(value: &'a serde_json::Value, out: &mut Vec<&'a str>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map {
                match v {
                    serde_json::Value::String(r) if key == "$ref" => {
                        if let Some(pointer) = r.strip_prefix('#') {
                            if pointer.starts_with("/components/schemas/") {
                                out.push(pointer);
                            }
                        }
                    }
                    _ => schema_refs(v, out),
                }
            }
        }
        serde_json::Value::Array(items) => {
            for v in items {
                schema_refs(v, out);
            }
        }
        _ => {}
    }
}

/// A feature name from a tag or path segment: kebab case, never empty.
fn feature_name(source: &str) -> String {
    let name = source.to_kebab_case();
    if name.is_empty() {
        "untagged".into()
    } else {
        name
    }
}

/// The per-tag split of `ops` and `space`: each operation belongs to the feature of its
/// first tag (or, without tags, of its path's first segment), and each of `webhooks` is
/// a feature `webhook-<name>` for its payloads' types. A type needed by exactly
/// one feature is gated by it; one needed by several (not all) by an internal feature
/// `_types-N` that each of them enables, one per distinct set of features, so a `cfg`
/// stays one predicate however many features share the type; one needed by every
/// feature is not gated. `None` when there would be fewer than two features.
pub fn tag_gates(
    module: &str,
    space: &TypeSpace,
    ops: &Operations,
    webhooks: &[Webhook],
) -> Option<Gates> {
    let reserved = [
        "default",
        "registry",
        "tracing",
        module,
        UNREFERENCED_TYPES,
        "std",
    ];
    let mut names = crate::naming::UniqueNames::with_taken(reserved);
    // Beside `types` and `schemas` in the API's folder; `rt` is the runtime's alias.
    let mut modules = crate::naming::UniqueNames::with_taken(["types", "schemas", "rt"]);
    // Feature per source, in order of first operation.
    let mut by_source: BTreeMap<String, usize> = BTreeMap::new();
    let mut features: Vec<TagFeature> = Vec::new();
    let mut gates = Gates::default();
    let mut op_feature: Vec<usize> = Vec::with_capacity(ops.methods.len());
    for op in &ops.methods {
        let source = match op.tags.first() {
            Some(tag) => tag.clone(),
            None => op
                .path
                .split('/')
                .find(|s| !s.is_empty())
                .unwrap_or("")
                .to_string(),
        };
        let index = *by_source.entry(source.clone()).or_insert_with(|| {
            let name = names.claim(&feature_name(&source));
            features.push(TagFeature {
                module: modules.claim(&crate::naming::module_name(&name)),
                name,
                source,
                operations: 0,
                types: 0,
                groups: Vec::new(),
                webhook: false,
            });
            features.len() - 1
        });
        features[index].operations += 1;
        op_feature.push(index);
        gates
            .operations
            .insert(op.method_name.clone(), features[index].name.clone());
    }
    let first_webhook = features.len();
    for hook in webhooks {
        features.push(TagFeature {
            name: names.claim(&format!("webhook-{}", feature_name(&hook.name))),
            source: hook.name.clone(),
            operations: 0,
            types: 0,
            groups: Vec::new(),
            module: String::new(),
            webhook: true,
        });
    }
    if features.len() < 2 {
        return None;
    }
    // Features that need each type.
    let mut roots: Vec<Vec<&str>> = vec![Vec::new(); features.len()];
    for (op, &f) in ops.methods.iter().zip(&op_feature) {
        roots[f].extend(operation_roots(op));
    }
    for (hook, f) in webhooks.iter().zip(first_webhook..) {
        roots[f].extend(hook.roots.iter().map(String::as_str));
    }
    let mut needed_by: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (f, roots) in roots.into_iter().enumerate() {
        let types = reachable(space, roots);
        features[f].types = types.len();
        for t in types {
            needed_by.entry(t).or_default().push(f);
        }
    }
    // The types nothing reaches are `unreferenced-types`' own; what they reach in turn
    // (often types of operations) is shared with it like with any feature, so that it
    // compiles alone. It takes the index after the last feature.
    let unreferenced = features.len();
    let unreached: Vec<&str> = space
        .entries
        .keys()
        .map(String::as_str)
        .filter(|name| !needed_by.contains_key(name))
        .collect();
    for t in reachable(space, unreached) {
        needed_by.entry(t).or_default().push(unreferenced);
    }
    let mut groups: BTreeMap<&[usize], String> = BTreeMap::new();
    for name in space.entries.keys() {
        let Some(set) = needed_by.get(name.as_str()) else {
            continue;
        };
        let gate = match set.as_slice() {
            [only] if *only == unreferenced => {
                gates.unreferenced = true;
                UNREFERENCED_TYPES.to_string()
            }
            // Every feature needs it (`unreferenced-types` enables the API's feature,
            // which compiles the ungated types).
            _ if set.iter().filter(|&&f| f != unreferenced).count() == features.len() => continue,
            [only] => features[*only].name.clone(),
            _ => {
                if let Some(group) = groups.get(set.as_slice()) {
                    group.clone()
                } else {
                    let group = format!("_types-{}", groups.len() + 1);
                    for &f in set {
                        match features.get_mut(f) {
                            Some(feature) => feature.groups.push(group.clone()),
                            None => gates.unreferenced_groups.push(group.clone()),
                        }
                    }
                    gates.groups.push(group.clone());
                    groups.insert(set.as_slice(), group.clone());
                    group
                }
            }
        };
        gates.types.insert(name.clone(), gate);
    }
    gates.features = features;
    Some(gates)
}

#[cfg(test)]
mod tests {
    use super::path_matches;

    #[test]
    fn path_patterns() {
        assert!(path_matches(
            "/repos/*/issues*",
            "/repos/{owner}/{repo}/issues"
        ));
        assert!(path_matches(
            "/repos/*/issues*",
            "/repos/{owner}/{repo}/issues/{issue_number}"
        ));
        assert!(!path_matches(
            "/repos/*/issues*",
            "/repos/{owner}/{repo}/pulls"
        ));
        assert!(path_matches("/pets/{petId}", "/pets/{petId}"));
        assert!(!path_matches("/pets", "/pets/{petId}"));
        assert!(path_matches("*", "/anything"));
        assert!(path_matches("/a*b*c", "/axxbyyc"));
        assert!(!path_matches("/a*b*c", "/axxbyy"));
    }
}
