//! `codegen` turns OpenAPI 3.0 and 3.1 documents into a Rust crate of typed models and
//! async clients.
//!
//! The pipeline runs one way, each stage in its own module:
//! 1. [`load`]: text → checked text → `openapiv3::OpenAPI`, with errors that point into
//!    the file (formal defects that do not change the API are repaired with a note);
//! 2. [`normalize`], only when needed: OpenAPI 3.1 and `$ref`s `openapiv3` cannot follow
//!    rewritten to the 3.0 shape on the JSON tree, each loss a located note;
//! 3. `typespace` and `operations`: the document → a typed intermediate model (every
//!    schema resolved to one named [`TypeEntry`](typespace::TypeEntry), every operation to
//!    an [`OperationMethod`](operations::OperationMethod));
//! 4. `emit`: the model → tokens (`quote`) → source text (`prettyplease`).
//!
//! No stage panics on a valid document: what cannot be represented is either an
//! [`Error`] naming the file and JSON pointer, or a documented fallback
//! (`serde_json::Value`) that is counted in [`Stats::fallbacks`]. What the client leaves
//! out or sends otherwise than the document says (an ignored header parameter, a style
//! the document uses where OpenAPI defines none) is a located [`Stats::warnings`] entry.

mod api;
mod crate_files;
pub mod docs;
mod emit;
pub mod items;
pub mod load;
pub mod naming;
pub mod normalize;
mod note;
pub mod operations;
mod readme;
pub mod select;
pub mod typespace;

pub use load::{load_spec, parse_spec, parse_spec_bytes, LoadedSpec, SpecError};
pub use note::Note;
pub use select::Selection;

use std::collections::BTreeMap;

/// One API to put into the generated crate: a module name and its document.
#[derive(Debug, Clone)]
pub struct ApiInput {
    /// Rust module (and cargo feature) name, e.g. `teamwork_desk`.
    pub module: String,
    /// The parsed document, shared: tools that hold a document (the review's `Doc`)
    /// hand it to the generator without copying it.
    pub spec: std::sync::Arc<LoadedSpec>,
}

/// Settings for the crate as a whole.
#[derive(Debug, Clone)]
pub struct CrateConfig {
    /// Cargo package name, e.g. `conversation-apis`.
    pub package_name: String,
    /// Package version.
    pub version: String,
    /// One-line package description.
    pub description: String,
    /// The `codegen-runtime` dependency as it should appear in `Cargo.toml`, e.g.
    /// `{ path = "../runtime" }`.
    pub runtime_dependency: String,
    /// The command that regenerates the crate; it is named in every file's header.
    pub command: String,
    /// Whether the crate's `Cargo.toml` is a workspace member (inherits nothing, but
    /// must not declare `[workspace]`) or standalone (declares an empty `[workspace]` so
    /// it builds wherever it is written).
    pub standalone: bool,
    /// Which operations and types to generate (every API of the crate); the default
    /// is everything.
    pub selection: Selection,
    /// One cargo feature per tag (see [`select::tag_gates`]) instead of one per API,
    /// for a crate of one API whose operations fall into two or more features.
    pub tag_features: bool,
}

/// The files of a generated crate, by path relative to the crate root ('/'-separated),
/// in a stable order.
#[derive(Debug, Clone, Default)]
pub struct GeneratedCrate {
    /// Relative path → file contents.
    pub files: BTreeMap<String, String>,
    /// What was generated.
    pub stats: Stats,
}

/// Counts reported by `cargo xtask gen`.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// Number of APIs (specs).
    pub specs: usize,
    /// Number of Rust types emitted.
    pub types: usize,
    /// Number of operations (client methods) emitted.
    pub operations: usize,
    /// Total lines over all files.
    pub lines: usize,
    /// Places where a schema could not be expressed exactly: `serde_json::Value` was used,
    /// or a wider type than the schema allows (the reason says which).
    pub fallbacks: Vec<Fallback>,
    /// Places where a request is not sent exactly as the document says (a parameter that
    /// OpenAPI says to ignore, a style undefined for the parameter's schema), and why.
    pub warnings: Vec<Fallback>,
    /// Where the time went (for `cargo xtask bench`; never written to files).
    pub timings: Timings,
    /// Operations the selection left out.
    pub operations_left_out: usize,
    /// Types the selection left out.
    pub types_left_out: usize,
    /// Cargo features of the per-tag split (0 without one), webhooks' included.
    pub tag_features: usize,
    /// Of those, the features of webhooks.
    pub webhook_features: usize,
}

/// Time spent per stage, summed over all APIs.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    /// Spec → intermediate model.
    pub model: std::time::Duration,
    /// Planning the files: which items go where, and the text written directly.
    pub tokens: std::time::Duration,
    /// Model → tokens → `syn` tree → formatted text, on one thread per core.
    pub format: std::time::Duration,
}

/// A schema the generator could not express precisely, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Fallback {
    /// Module (API) the schema belongs to.
    pub module: String,
    /// JSON pointer of the schema in its document.
    pub pointer: String,
    /// Why the fallback was used.
    pub reason: String,
}

/// Why generation failed: the file, the JSON pointer and what was wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {pointer}: {message}", file.display())]
pub struct Error {
    /// The spec file.
    pub file: std::path::PathBuf,
    /// JSON pointer into the spec.
    pub pointer: String,
    /// What was wrong.
    pub message: String,
}

/// Builds the typed model of one API without writing any code: every check
/// [`generate_crate`] makes on the document, for tools that only validate
/// (`xtask lint`). Returns the fallbacks generation would use.
pub fn check_api(api: &ApiInput) -> Result<Vec<Fallback>, Error> {
    let (space, _) = api::build_model(api)?;
    Ok(space
        .fallbacks
        .into_iter()
        .map(|n| Fallback {
            module: api.module.clone(),
            pointer: n.pointer,
            reason: n.message,
        })
        .collect())
}

/// Generates a whole crate for `apis`. Pure: reads nothing and writes nothing, so the
/// caller decides how to write (all files or none).
pub fn generate_crate(apis: &[ApiInput], config: &CrateConfig) -> Result<GeneratedCrate, Error> {
    let mut outputs = Vec::with_capacity(apis.len());
    // Feature names are per API, so only a crate of one API is split by tag.
    let split_by_tag = config.tag_features && apis.len() == 1;
    for api in apis {
        let source = api.spec.path.display().to_string().replace('\\', "/");
        let header = crate_files::header("//", config, &source);
        let crate_ident = config.package_name.replace('-', "_");
        let mut out = api::generate(api, &config.selection, split_by_tag, &header, &crate_ident)
            .map_err(|mut e| {
                e.pointer = api.spec.source_pointer(&e.pointer);
                e
            })?;
        // Messages name places the author wrote, not components the normalising pass
        // added for them.
        for f in out.fallbacks.iter_mut().chain(out.warnings.iter_mut()) {
            f.pointer = api.spec.source_pointer(&f.pointer);
        }
        outputs.push(out);
    }
    let mut files = BTreeMap::new();
    files.insert(
        "Cargo.toml".to_string(),
        crate_files::cargo_toml(config, &outputs),
    );
    files.insert(
        "README.md".to_string(),
        crate_files::readme_md(config, &outputs),
    );
    files.insert(
        "src/lib.rs".to_string(),
        crate_files::lib_rs(config, &outputs),
    );
    let mut stats = Stats {
        specs: outputs.len(),
        ..Stats::default()
    };
    for out in outputs {
        stats.types += out.types;
        stats.operations += out.operations.methods.len();
        stats.fallbacks.extend(out.fallbacks);
        stats.warnings.extend(out.warnings);
        stats.timings.model += out.timings.model;
        stats.timings.tokens += out.timings.tokens;
        stats.timings.format += out.timings.format;
        stats.operations_left_out += out.selected.operations_left_out;
        stats.types_left_out += out.selected.types_left_out;
        stats.tag_features += out.gates.as_ref().map_or(0, |g| g.features.len());
        stats.webhook_features += out
            .gates
            .as_ref()
            .map_or(0, |g| g.features.iter().filter(|f| f.webhook).count());
        files.extend(out.files);
    }
    stats.lines = files.values().map(|f| f.lines().count()).sum();
    Ok(GeneratedCrate { files, stats })
}
