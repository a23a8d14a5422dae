//! One document → its module files (`mod.rs`, `types.rs`, `schemas.rs`).

use quote::quote;

use crate::docs::Docs;
use crate::emit::client::{client_module, operation_units};
use crate::emit::types::{type_ref_in, type_units};
use crate::emit::{render, FilePlan, Piece, Unit};
use crate::operations::{self, OperationMethod, Operations};
use crate::select::{Gates, Selected};
use crate::typespace::{TypeRef, TypeSpace, TypeSpaceBuilder};
use crate::{ApiInput, Error, Fallback, Selection, Timings};
use std::time::Instant;

/// Everything generated for one API.
pub(crate) struct ApiOutput {
    /// Module name.
    pub module: String,
    /// The first server's variables: name and default (for the README example).
    pub server_variables: Vec<(String, String)>,
    /// The API's title.
    pub title: String,
    /// Files by path relative to the crate root.
    pub files: Vec<(String, String)>,
    /// Number of types.
    pub types: usize,
    /// The operations (used for the README example).
    pub operations: Operations,
    /// The types (used for the README example).
    pub space: TypeSpace,
    /// Fallbacks used.
    pub fallbacks: Vec<Fallback>,
    /// Where requests differ from the document (see `Stats::warnings`).
    pub warnings: Vec<Fallback>,
    /// Time per stage.
    pub timings: Timings,
    /// What the selection left out.
    pub selected: Selected,
    /// The per-tag cargo features, when the crate is split by tag.
    pub gates: Option<Gates>,
    /// Models only, no client.
    pub types_only: bool,
}

/// The intermediate model of one document.
pub(crate) fn build_model(api: &ApiInput) -> Result<(TypeSpace, Operations), Error> {
    if let Some(first) = api.spec.unresolved.first() {
        return Err(Error {
            file: api.spec.path.clone(),
            pointer: first.pointer.clone(),
            message: first.message.clone(),
        });
    }
    let doc = &api.spec.openapi;
    let mut builder = TypeSpaceBuilder::new(doc, &api.spec.path);
    builder.add_components()?;
    let mut ops = operations::build(doc, &api.spec.path, &mut builder)?;
    let space = builder.finish()?;
    operations::avoid_type_names(&mut ops, &space);
    Ok((space, ops))
}

/// Generates the module files of one API: what `selection` selects, with one cargo
/// feature per tag when `split_by_tag` (and the API has two or more).
pub(crate) fn generate(
    api: &ApiInput,
    selection: &Selection,
    split_by_tag: bool,
    header: &str,
    crate_ident: &str,
) -> Result<ApiOutput, Error> {
    let started = Instant::now();
    let (mut space, mut ops) = build_model(api)?;
    let selected = crate::select::apply(selection, &api.spec.path, &mut space, &mut ops)?;
    let types_only = selection.types_only;
    let gates = if split_by_tag && !types_only {
        let webhooks = crate::select::webhooks(&api.spec.openapi, &space);
        crate::select::tag_gates(&api.module, &space, &ops, &webhooks)
    } else {
        None
    };
    let mut timings = Timings {
        model: started.elapsed(),
        ..Timings::default()
    };
    let started = Instant::now();
    let internal = |message: String| Error {
        file: api.spec.path.clone(),
        pointer: String::new(),
        message,
    };
    let info = &api.spec.openapi.info;
    let module = &api.module;

    let mut module_docs = Docs::new();
    module_docs.note(format!(
        "{} (version {}).",
        crate::docs::escape_markdown(&info.title),
        crate::docs::escape_markdown(&info.version)
    ));
    module_docs.text(info.description.as_deref());
    let module_docs = module_docs.lines_or("");
    // Models only: the module holds no client, so nothing uses the runtime's alias.
    let runtime_use = (!types_only).then(|| {
        quote!(
            use codegen_runtime as rt;
        )
    });
    let mod_prelude = quote! {
        #( #![doc = #module_docs] )*

        #runtime_use

        pub mod types;
        #[cfg(feature = "registry")]
        pub mod schemas;
    };
    let types_doc = format!(
        " Models of the {} API, one per schema.",
        info.title.replace(['[', ']', '<', '>'], "")
    );
    let types_prelude = quote!(#![doc = #types_doc]);

    let server = operations::server(&api.spec.openapi);
    let server_variables: Vec<(String, String)> = server
        .variables
        .iter()
        .map(|v| (v.name.clone(), v.default.clone()))
        .collect();
    // Each operation's docs end with a complete example, compiled as a doctest.
    let site = crate::readme::Site {
        crate_ident,
        module: &api.module,
        space: &space,
        ops: &ops,
        server_variables: &server_variables,
    };
    let example = |op: &OperationMethod| crate::readme::operation_example(&site, op);
    // Files are planned first (which items go where), then built and formatted
    // together on every core.
    let mut plans: Vec<FilePlan> = Vec::with_capacity(3);
    let declarations = match &gates {
        None => Vec::new(),
        Some(gates) => {
            gated_type_files(&space, gates, module, header, &mut plans).map_err(internal)?
        }
    };
    let mut types = match &gates {
        None => type_units(&space, space.entries.values()),
        Some(gates) => type_units(
            &space,
            space
                .entries
                .values()
                .filter(|e| !gates.types.contains_key(&e.name)),
        ),
    };
    types.extend(declarations.into_iter().map(text_unit));
    plans.push(
        FilePlan::items(
            format!("src/{module}/types.rs"),
            header,
            types_prelude,
            types,
        )
        .map_err(internal)?,
    );

    let mut client: Vec<Unit> = Vec::new();
    if !types_only {
        let (ops, server) = (&ops, &server);
        client.push(Box::new(move || {
            vec![Piece::Tokens(client_module(ops, server))]
        }));
    }
    let all_ops: Vec<&OperationMethod> = ops.methods.iter().collect();
    match &gates {
        _ if types_only => {}
        None => client.extend(operation_units(&space, &ops, &all_ops, &example)),
        Some(gates) => {
            // Split by tag: each feature's operations in a module of their own, which
            // rustc does not even read unless the feature is on.
            let mut by_feature: std::collections::BTreeMap<&str, Vec<&OperationMethod>> =
                std::collections::BTreeMap::new();
            for op in &ops.methods {
                if let Some(feature) = gates.operations.get(&op.method_name) {
                    by_feature.entry(feature).or_default().push(op);
                }
            }
            // A webhook's feature gates types only.
            for feature in gates.features.iter().filter(|f| !f.webhook) {
                let selected = by_feature.remove(feature.name.as_str()).unwrap_or_default();
                let m = &feature.module;
                client.push(text_unit(feature_module(&feature.name, m)));
                plans.push(
                    FilePlan::items(
                        format!("src/{module}/{m}.rs"),
                        header,
                        quote!(
                            use super::*;
                        ),
                        operation_units(&space, &ops, &selected, &example),
                    )
                    .map_err(internal)?,
                );
            }
        }
    }
    plans.push(
        FilePlan::items(format!("src/{module}/mod.rs"), header, mod_prelude, client)
            .map_err(internal)?,
    );
    plans.push(FilePlan::text(
        format!("src/{module}/schemas.rs"),
        registry(&space, header),
    ));
    timings.tokens += started.elapsed();
    let started = Instant::now();
    let files = render(plans).map_err(internal)?;
    timings.format += started.elapsed();
    let of_module = |n: &crate::Note| Fallback {
        module: module.clone(),
        pointer: n.pointer.clone(),
        reason: n.message.clone(),
    };
    let fallbacks = space.fallbacks.iter().map(of_module).collect();
    // The loader's notes (repairs, losses of the normalising pass) are warnings too.
    let warnings = ops
        .warnings
        .iter()
        .chain(&api.spec.notes)
        .map(of_module)
        .collect();
    Ok(ApiOutput {
        module: module.clone(),
        server_variables,
        title: info.title.clone(),
        files,
        types: space.entries.len(),
        operations: ops,
        space,
        fallbacks,
        warnings,
        timings,
        selected,
        gates,
        types_only,
    })
}

/// In a crate split by tag, the types gated by one feature are a module of `types` of
/// their own (`types/<feature>.rs`), which rustc reads only with the feature. Plans
/// those files into `plans` and returns what `types.rs` declares for them.
fn gated_type_files<'a>(
    space: &'a TypeSpace,
    gates: &Gates,
    module: &str,
    header: &str,
    plans: &mut Vec<FilePlan<'a>>,
) -> Result<Vec<String>, String> {
    let mut by_gate: std::collections::BTreeMap<&str, Vec<&crate::typespace::TypeEntry>> =
        std::collections::BTreeMap::new();
    for entry in space.entries.values() {
        if let Some(gate) = gates.types.get(&entry.name) {
            by_gate.entry(gate).or_default().push(entry);
        }
    }
    // Features first, then the internal groups, in their own order.
    let order = gates
        .features
        .iter()
        .map(|f| f.name.as_str())
        .chain([crate::select::UNREFERENCED_TYPES])
        .chain(gates.groups.iter().map(String::as_str));
    let mut names = crate::naming::UniqueNames::new();
    let mut declarations = Vec::new();
    for gate in order {
        let Some(entries) = by_gate.remove(gate) else {
            continue;
        };
        let m = names.claim(&crate::naming::module_name(gate.trim_start_matches('_')));
        declarations.push(feature_module(gate, &m));
        // The names of the other modules' types it uses, not `use super::*`: with a
        // module per webhook GitHub's crate has 600 of them, and a glob of all 7,000
        // type names into each made the all-features check 17% slower.
        let own: std::collections::BTreeSet<&str> =
            entries.iter().map(|e| e.name.as_str()).collect();
        let mut used = Vec::new();
        for entry in &entries {
            crate::select::entry_refs(entry, &mut used);
        }
        let used: std::collections::BTreeSet<&str> =
            used.into_iter().filter(|n| !own.contains(n)).collect();
        let prelude = if used.is_empty() {
            quote!()
        } else {
            let used = used.into_iter().map(crate::emit::ident);
            quote! {
                use super::{ #(#used),* };
            }
        };
        plans.push(FilePlan::items(
            format!("src/{module}/types/{m}.rs"),
            header,
            prelude,
            type_units(space, entries.into_iter()),
        )?);
    }
    Ok(declarations)
}

/// Finished text as a unit.
fn text_unit<'a>(text: String) -> Unit<'a> {
    Box::new(move || vec![Piece::Text(text.clone())])
}

/// The declaration of module `m`, compiled and re-exported only with `feature`.
fn feature_module(feature: &str, m: &str) -> String {
    format!(
        "#[cfg(feature = {feature:?})]\nmod {m};\n#[cfg(feature = {feature:?})]\npub use {m}::*;\n"
    )
}

/// `schemas.rs`: JSON pointer → generated type, so conformance tools can find the type
/// of any example in the spec without knowing the naming rules. Written as text: it is
/// one long table, and formatting it through syn would cost more than all the models on
/// large specs.
fn registry(space: &TypeSpace, header: &str) -> String {
    let mut out = String::from(header);
    out.push_str(
        "//! Maps JSON pointers of the spec's schemas to the generated types, so that tools\n\
         //! (such as the conformance tests) can decode any example with the right type.\n\
         //! Compiled only with the `registry` feature.\n\n\
         /// JSON pointers (into the spec) of every schema that has a Rust type.\n\
         pub const POINTERS: &[&str] = &[\n",
    );
    for pointer in space.by_pointer.keys() {
        out.push_str(&format!("    {pointer:?},\n"));
    }
    // A lookup in the sorted table instead of a `match` on the pointer: a `match` of
    // thousands of string arms is one huge function body, which cost GitHub's crate
    // seconds of rustc's time (MIR building and borrow checking) on every check.
    out.push_str(
        "];\n\n\
         /// Decodes `json` as the type generated for the schema at `pointer` and encodes it\n\
         /// back; `None` when no type was generated for that pointer.\n\
         pub fn roundtrip(\n\
         \x20   pointer: &str,\n\
         \x20   json: &str,\n\
         ) -> Option<Result<serde_json::Value, serde_json::Error>> {\n\
         \x20   // `POINTERS` is sorted (byte order), and `ROUNDTRIPS` follows it.\n\
         \x20   let index = POINTERS.binary_search(&pointer).ok()?;\n\
         \x20   Some(ROUNDTRIPS[index](json))\n\
         }\n\n\
         fn via<T: serde::de::DeserializeOwned + serde::Serialize>(\n\
         \x20   json: &str,\n\
         ) -> Result<serde_json::Value, serde_json::Error> {\n\
         \x20   let value: T = serde_json::from_str(json)?;\n\
         \x20   serde_json::to_value(&value)\n\
         }\n\n\
         /// The round trip of each entry of [`POINTERS`], in the same order.\n\
         const ROUNDTRIPS: &[fn(&str) -> Result<serde_json::Value, serde_json::Error>] = &[\n",
    );
    for ty in space.by_pointer.values() {
        out.push_str(&format!("    via::<{}>,\n", type_text(ty)));
    }
    out.push_str("];\n");
    out
}

/// A type as source text, for `schemas.rs`.
fn type_text(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => format!("super::types::{name}"),
        TypeRef::Vec(t) => format!("Vec<{}>", type_text(t)),
        TypeRef::Map(t) => format!("std::collections::BTreeMap<String, {}>", type_text(t)),
        TypeRef::Option(t) => format!("Option<{}>", type_text(t)),
        TypeRef::Boxed(t) => format!("Box<{}>", type_text(t)),
        TypeRef::Prim(_) => type_ref_in(ty, &quote!()).to_string().replace(' ', ""),
    }
}
