//! The spec diff: what changed between two versions of a set of specs, how bad each
//! change is for callers of the API (ERR / WARN / INFO, the way oasdiff classifies
//! them), which Rust items of the generated crate it touches (read from codegen's model
//! of both sides, [`codegen::items`]), whether consumers' code stops compiling, and the
//! semver bump that follows.
//!
//! The comparison ([`diff_docs`], [`diff_sets`]) works on parsed documents; reading them
//! (from git, from files) is the caller's (`cargo xtask diff` in this repository). The
//! rules are [`Rule`], the walker `walk.rs`, the Rust-impact mapping `impact.rs`, the
//! renderers `render.rs`.

mod impact;
mod keywords;
mod lifecycle;
mod operations;
pub mod policy;
mod render;
mod rules;
mod schemas;
mod security;
mod walk;

pub use rules::Rule;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use crate::spec::{self, Doc};

/// How bad a change is for existing callers of the HTTP API: the one severity scale
/// (shown `ERR`, `WARN`, `INFO` here).
pub use crate::spec::Severity as Level;

/// `level` as `ERR`, `WARN` or `INFO`.
fn level_code<S: serde::Serializer>(level: &Level, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(level.code())
}

/// `version` raised by `bump`, as cargo reads semver: below 1.0 the minor number is the
/// breaking one. `None` when `version` is not `x.y.z`.
pub fn version_after(version: &str, bump: Bump) -> Option<String> {
    let mut parts = version
        .split(['.', '-', '+'])
        .take(3)
        .map(|p| p.parse::<u64>().ok());
    let (major, minor, patch) = (parts.next()??, parts.next()??, parts.next()??);
    Some(match (bump, major) {
        (Bump::None, _) => version.to_string(),
        (Bump::Major, 0) => format!("0.{}.0", minor + 1),
        (Bump::Major, _) => format!("{}.0.0", major + 1),
        (Bump::Minor, 0) | (Bump::Patch, _) => format!("{major}.{minor}.{}", patch + 1),
        (Bump::Minor, _) => format!("{major}.{}.0", minor + 1),
    })
}

/// Whether code that uses the generated crate stops compiling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Breaks {
    /// It keeps compiling.
    No,
    /// The diff cannot tell: it depends on the Rust type codegen makes of an inline
    /// schema (whether it gets a type of its own or is merged with another).
    Maybe,
    /// Code that uses the item stops compiling.
    Yes,
}

impl fmt::Display for Breaks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Breaks::No => "no",
            Breaks::Maybe => "maybe",
            Breaks::Yes => "yes",
        })
    }
}

/// One classified change.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Change {
    /// How bad it is for HTTP callers.
    #[serde(serialize_with = "level_code")]
    pub level: Level,
    /// The rule that found it (its name, e.g. `property-became-required`, is stable).
    pub rule: Rule,
    /// The spec file, e.g. `specs/zild.yaml`.
    pub file: String,
    /// One-based line and column in the new file (of the nearest node that exists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// See `line`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// JSON pointer of the changed node (in the new document; in the old one if removed).
    pub pointer: String,
    /// The operation (`POST /conversations`) or schema (`schema Conversation`).
    pub location: String,
    /// What changed.
    pub message: String,
    /// Rust items of the generated crate the change touches.
    pub rust_items: Vec<String>,
    /// Whether consumers' code stops compiling.
    pub breaks_compilation: Breaks,
}

/// A change that a waiver of the repository's policy accepted ([`policy`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waived {
    /// The change (at its configured level, when `levels:` sets its rule's).
    pub change: Change,
    /// Why it was accepted: the waiver's `reason`.
    pub reason: String,
    /// Where the waiver is: `.spec-review.yaml:4:5`.
    pub waiver: String,
}

/// The version bump a set of changes calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bump {
    /// Nothing changed.
    None,
    /// Fixes only.
    Patch,
    /// Additions, nothing breaks.
    Minor,
    /// Something breaks.
    Major,
}

impl fmt::Display for Bump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        })
    }
}

/// Everything `cargo xtask diff` reports.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// What was compared with the working tree (a revision), if known.
    pub base: Option<String>,
    /// The changes, sorted by file, level (worst first) and place.
    pub changes: Vec<Change>,
    /// The generated crate's current version, if known.
    pub crate_version: Option<String>,
    /// The generated crate's package name (e.g. `conversation-apis`).
    pub crate_name: String,
    /// What the new side is, when it is not the working tree (the new file of a
    /// file-to-file diff).
    pub target: Option<String>,
    /// How the documents were read where they break a formal rule or the model cannot
    /// be built (`file:line:col: /pointer: message`): the diff still runs, and says so.
    /// Also the policy's waivers that match no change ([`policy::apply`]).
    pub warnings: Vec<String>,
    /// Changes a waiver accepted, kept apart from `changes` (same order): `--fail-on`,
    /// [`Report::has_at_least`], [`Report::count`] and the review's verdict do not count
    /// them; [`Report::bump`] does, since the crate's API changes all the same.
    #[serde(skip)]
    pub waived: Vec<Waived>,
    /// The level the diff gave each change (in `changes` or `waived`, as it is now)
    /// whose level the policy's `levels:` changed.
    #[serde(skip)]
    pub default_levels: HashMap<Change, Level>,
    /// The policy file applied, as shown (`.spec-review.yaml`), if any.
    pub policy: Option<String>,
}

/// The report's order of changes: by file, level (worst first) and place.
fn change_order(a: &Change, b: &Change) -> std::cmp::Ordering {
    (
        &a.file,
        std::cmp::Reverse(a.level),
        &a.location,
        &a.pointer,
        &a.message,
        &a.rule,
    )
        .cmp(&(
            &b.file,
            std::cmp::Reverse(b.level),
            &b.location,
            &b.pointer,
            &b.message,
            &b.rule,
        ))
}

/// Sorts `changes` in the report's order and drops repeats.
fn sort_changes(changes: &mut Vec<Change>) {
    changes.sort_by(change_order);
    changes.dedup();
}

impl Report {
    /// A report of `changes` (sorted here).
    pub fn new(
        base: Option<String>,
        mut changes: Vec<Change>,
        crate_version: Option<String>,
        crate_name: &str,
    ) -> Report {
        sort_changes(&mut changes);
        Report {
            base,
            changes,
            crate_version,
            crate_name: crate_name.to_string(),
            target: None,
            warnings: Vec::new(),
            waived: Vec::new(),
            default_levels: HashMap::new(),
            policy: None,
        }
    }

    /// Every change, waived or not: `changes`, then the waived ones.
    pub fn all_changes(&self) -> impl Iterator<Item = &Change> {
        self.changes
            .iter()
            .chain(self.waived.iter().map(|w| &w.change))
    }

    /// The level the diff gave `change` when the policy configured another, which
    /// `change.level` now is.
    pub fn default_level(&self, change: &Change) -> Option<Level> {
        self.default_levels.get(change).copied()
    }

    /// Number of changes at `level` (waived ones not counted).
    pub fn count(&self, level: Level) -> usize {
        self.changes.iter().filter(|c| c.level == level).count()
    }

    fn count_breaks(&self, breaks: Breaks) -> usize {
        self.changes
            .iter()
            .filter(|c| c.breaks_compilation == breaks)
            .count()
    }

    /// The suggested bump of the generated crate, judged by what its Rust consumers
    /// see (semver is about the crate's API, the way cargo-semver-checks judges it):
    /// major when a change stops their code compiling; minor when something was added,
    /// callers of the HTTP API may notice (WARN, or ERR that leaves the Rust API
    /// compatible) or compilation may stop; patch otherwise (deprecations, looser
    /// constraints). Waived changes count: a waiver accepts a change, the crate's API
    /// changes all the same.
    pub fn bump(&self) -> Bump {
        if self.all_changes().next().is_none() {
            Bump::None
        } else if self
            .all_changes()
            .any(|c| c.breaks_compilation == Breaks::Yes)
        {
            Bump::Major
        } else if self.all_changes().any(|c| {
            c.rule.is_addition()
                || c.level >= Level::Warning
                || c.breaks_compilation == Breaks::Maybe
        }) {
            Bump::Minor
        } else {
            Bump::Patch
        }
    }

    /// The next version of the crate for [`Report::bump`], as cargo reads semver: below
    /// 1.0 the minor number is the breaking one.
    pub fn next_version(&self) -> Option<String> {
        version_after(self.crate_version.as_deref()?, self.bump())
    }

    /// One sentence on the bump and what it means for a 0.x crate.
    pub fn bump_sentence(&self) -> String {
        let bump = self.bump();
        let zero = self
            .crate_version
            .as_deref()
            .is_none_or(|v| v.starts_with("0."));
        // The sentence explains the bump, so it reads waived changes as the bump does.
        let may_break = self
            .all_changes()
            .any(|c| c.level == Level::Warning || c.breaks_compilation == Breaks::Maybe);
        let why = match bump {
            Bump::None => "no API change",
            Bump::Major => "breaking: consumers' code stops compiling",
            Bump::Minor if self.all_changes().any(|c| c.level >= Level::Error) => {
                "HTTP callers break (ERR), but consumers' Rust code keeps compiling"
            }
            Bump::Minor if may_break => "nothing surely breaks, but something may",
            Bump::Minor => "additions only",
            Bump::Patch => "nothing added or broken",
        };
        let zero_x = match bump {
            Bump::None => "",
            Bump::Major => "; {crate} is 0.x, so bump the minor version",
            Bump::Minor | Bump::Patch => "; {crate} is 0.x, so bump the patch version",
        }
        .replace("{crate}", &self.crate_name);
        let meaning = if zero {
            format!("{why}{zero_x}")
        } else {
            why.to_string()
        };
        let versions = match (&self.crate_version, self.next_version()) {
            (Some(from), Some(to)) if from != &to => format!(": {from} → {to}"),
            _ => String::new(),
        };
        format!("suggested version bump: {bump} ({meaning}{versions})")
    }

    /// Whether the report has a change at `level` or worse (waived ones not counted).
    pub fn has_at_least(&self, level: Level) -> bool {
        self.changes.iter().any(|c| c.level >= level)
    }
}

/// Output formats of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// For terminals.
    Text,
    /// For pull requests.
    Markdown,
    /// For machines.
    Json,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Format, String> {
        match s.to_ascii_lowercase().as_str() {
            "text" => Ok(Format::Text),
            "markdown" | "md" => Ok(Format::Markdown),
            "json" => Ok(Format::Json),
            _ => Err(format!(
                "unknown format `{s}`; expected text, markdown or json"
            )),
        }
    }
}

/// Two versions of one API read from two files (see [`FilePair::read`]).
pub struct FilePair {
    /// The old document, keyed by the new file's name.
    pub old: BTreeMap<String, Doc>,
    /// The new document.
    pub new: BTreeMap<String, Doc>,
    /// The package name of the standalone crate `gen --spec NEW` writes.
    pub crate_name: String,
    /// How each document was read (repairs, a model that cannot be built), each line
    /// naming its own file.
    pub warnings: Vec<String>,
    /// The files as given, for reports.
    pub files: (String, String),
}

impl FilePair {
    /// Reads `old` and `new` as two versions of one API, for the standalone crate that
    /// `gen --spec NEW` writes (its package name and module come from the new file's
    /// name), each patched by `overlays` first (a team's patch of a vendor's spec, kept
    /// across the vendor's versions: an action that no longer applies to the new one is
    /// a warning). A file that cannot be read or parsed is the error, located in that
    /// file.
    pub fn read(
        old: &Path,
        new: &Path,
        overlays: &spec::Overlays,
    ) -> Result<FilePair, spec::Diagnostic> {
        // Both documents are read under the new file's name, so that they are compared
        // as one API; messages about either name its own file.
        let key = new.display().to_string();
        let mut warnings = Vec::new();
        let mut read = |path: &Path| {
            let shown = path.display().to_string();
            let doc = spec::read_text(path, &shown)
                .and_then(|text| Doc::parse_lenient(&key, text, overlays))
                .map_err(|d| spec::Diagnostic {
                    file: shown.clone(),
                    ..d
                })?;
            // Messages about the document name its own file; an overlay's name the
            // overlay.
            warnings.extend(doc.warnings().into_iter().map(|d| {
                let file = if d.file == key {
                    shown.clone()
                } else {
                    d.file.clone()
                };
                spec::Diagnostic { file, ..d }.to_string()
            }));
            Ok(doc)
        };
        let (old_doc, new_doc) = (read(old)?, read(new)?);
        Ok(FilePair {
            old: BTreeMap::from([(key.clone(), old_doc)]),
            new: BTreeMap::from([(key, new_doc)]),
            crate_name: spec::package_name(new),
            warnings,
            files: (old.display().to_string(), new.display().to_string()),
        })
    }

    /// The diff of the two documents, with the crate's version when known.
    pub fn report(&self, crate_version: Option<String>) -> Report {
        let changes = diff_sets(&self.old, &self.new, &self.crate_name);
        let mut report = Report::new(
            Some(self.files.0.clone()),
            changes,
            crate_version,
            &self.crate_name,
        );
        report.target = Some(self.files.1.clone());
        report.warnings = self.warnings.clone();
        report
    }
}

/// Compares two spec files as two versions of one API (see [`FilePair::read`]).
pub fn diff_files(old: &Path, new: &Path) -> Result<Report, spec::Diagnostic> {
    Ok(FilePair::read(old, new, &[])?.report(None))
}

/// The warnings of every document of both sides (see [`Doc::warnings`]), as lines.
pub fn warnings_of<'a>(docs: impl IntoIterator<Item = &'a Doc>) -> Vec<String> {
    docs.into_iter()
        .flat_map(Doc::warnings)
        .map(|d| d.to_string())
        .collect()
}

/// Compares two sets of specs (file → parsed document). Files only in `new` are
/// INFO, files only in `old` ERR; files in both are compared with [`diff_docs`].
///
/// `crate_name` is the generated crate's package name (`conversation-apis`): Rust items
/// are named by its path (`conversation_apis::module::Item`).
pub fn diff_sets(
    old: &BTreeMap<String, Doc>,
    new: &BTreeMap<String, Doc>,
    crate_name: &str,
) -> Vec<Change> {
    let krate = crate_name.replace('-', "_");
    let mut out = Vec::new();
    for (file, doc) in new {
        if !old.contains_key(file) {
            let module = spec::module_name(Path::new(file));
            out.push(Change {
                level: Level::Info,
                rule: Rule::SpecAdded,
                file: file.clone(),
                line: None,
                column: None,
                pointer: String::new(),
                location: "spec".into(),
                message: format!(
                    "new API with {} operation(s)",
                    spec::operations(&doc.value).len()
                ),
                rust_items: vec![format!("{krate}::{module}")],
                breaks_compilation: Breaks::No,
            });
        }
    }
    for (file, doc) in old {
        match new.get(file) {
            Some(new_doc) => out.extend(diff_docs(file, doc, new_doc, crate_name)),
            None => {
                let module = spec::module_name(Path::new(file));
                out.push(Change {
                    level: Level::Error,
                    rule: Rule::SpecRemoved,
                    file: file.clone(),
                    line: None,
                    column: None,
                    pointer: String::new(),
                    location: "spec".into(),
                    message: format!(
                        "API removed with its {} operation(s)",
                        spec::operations(&doc.value).len()
                    ),
                    rust_items: vec![format!("{krate}::{module}")],
                    breaks_compilation: Breaks::Yes,
                });
            }
        }
    }
    out
}

/// Compares two versions of one spec, `file` (its stem names the Rust module), for the
/// generated crate `crate_name`.
pub fn diff_docs(file: &str, old: &Doc, new: &Doc, crate_name: &str) -> Vec<Change> {
    let krate = crate_name.replace('-', "_");
    let module = spec::module_name(Path::new(file));
    let mut usage = usages(&old.value);
    for (name, u) in usages(&new.value) {
        let e = usage.entry(name).or_default();
        e.request |= u.request;
        e.response |= u.response;
    }
    let built = |doc: &Doc| match &doc.items {
        Some(items) => items.clone(),
        // A document whose model cannot be built has no items to name.
        None => codegen::items::api_items(&doc.api_input()).unwrap_or_default(),
    };
    let (old_items, new_items) = (built(old), built(new));
    let mut d = walk::Differ {
        file,
        impact: impact::Impact {
            module_path: format!("{krate}::{module}"),
            old: &old_items,
            new: &new_items,
        },
        old: &old.value,
        new: &new.value,
        new_doc: new,
        out: Vec::new(),
        visited: HashSet::new(),
    };
    d.operations();
    d.component_schemas(&usage);
    d.webhooks();
    d.security_schemes();
    d.out
}

/// Which ways a schema travels.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// In requests (parameters, request bodies).
    pub request: bool,
    /// In responses.
    pub response: bool,
    /// A read-only property: requests SHOULD NOT carry it, but clients may (the
    /// generated crate's setters do), so a change that breaks requests is at most WARN.
    pub read_only: bool,
    /// A write-only property: responses SHOULD NOT carry it, so a change that breaks
    /// responses is at most WARN.
    pub write_only: bool,
}

impl Usage {
    pub(crate) const REQUEST: Usage = Usage {
        request: true,
        response: false,
        read_only: false,
        write_only: false,
    };
    pub(crate) const RESPONSE: Usage = Usage {
        request: false,
        response: true,
        read_only: false,
        write_only: false,
    };

    /// The usage of a property of a schema used as `self`, marked read-only or
    /// write-only as the property is (see [`Usage::read_only`], [`Usage::write_only`]).
    pub(crate) fn of_property(self, read_only: bool, write_only: bool) -> Usage {
        Usage {
            read_only: self.read_only || read_only,
            write_only: self.write_only || write_only,
            ..self
        }
    }

    /// Like [`Usage::level`], for whether a property is `required`: OpenAPI says that
    /// `required` takes effect on responses only for a read-only property, on requests
    /// only for a write-only one; a change that reaches neither is INFO.
    pub(crate) fn required_level(self, request: Level, response: Level) -> Level {
        let usage = Usage {
            request: self.request && !self.read_only,
            response: self.response && !self.write_only,
            read_only: false,
            write_only: false,
        };
        if (self.request || self.response) && !usage.request && !usage.response {
            Level::Info
        } else {
            usage.level(request, response)
        }
    }

    /// The worse of the levels that apply; both when the schema is not used at all. A
    /// direction the property SHOULD NOT travel (read-only in requests, write-only in
    /// responses) is at most WARN.
    pub(crate) fn level(self, request: Level, response: Level) -> Level {
        let request = if self.read_only {
            request.min(Level::Warning)
        } else {
            request
        };
        let response = if self.write_only {
            response.min(Level::Warning)
        } else {
            response
        };
        match (self.request, self.response) {
            (true, false) => request,
            (false, true) => response,
            _ => request.max(response),
        }
    }
}

/// For every component schema: whether operations use it in requests, responses, or both
/// (through any chain of references).
pub fn usages(doc: &Value) -> BTreeMap<String, Usage> {
    let mut out: BTreeMap<String, Usage> = BTreeMap::new();
    let mut seen: HashSet<(String, bool)> = HashSet::new();
    let mut queue: Vec<(String, bool)> = Vec::new();
    for op in spec::operations(doc) {
        let mut roots: Vec<(&Value, String, bool)> = Vec::new();
        for (container, base) in [(op.item, &op.item_pointer), (op.op, &op.pointer)] {
            if let Some(p) = container.get("parameters") {
                roots.push((p, format!("{base}/parameters"), true));
            }
        }
        if let Some(b) = op.op.get("requestBody") {
            roots.push((b, format!("{}/requestBody", op.pointer), true));
        }
        if let Some(r) = op.op.get("responses") {
            roots.push((r, format!("{}/responses", op.pointer), false));
        }
        for (node, ptr, is_request) in roots {
            let key = ptr.rsplit('/').next().unwrap_or("");
            for target in refs_in(node, key) {
                if seen.insert((target.clone(), is_request)) {
                    queue.push((target, is_request));
                }
            }
        }
    }
    while let Some((target, is_request)) = queue.pop() {
        if let Some(name) = target.strip_prefix("/components/schemas/") {
            let name = crate::locate::unescape_token(name.split('/').next().unwrap_or(name));
            let e = out.entry(name).or_default();
            if is_request {
                e.request = true;
            } else {
                e.response = true;
            }
        }
        let Some(node) = doc.pointer(&target) else {
            continue;
        };
        let key = target.rsplit('/').next().unwrap_or("");
        for next in refs_in(node, key) {
            if seen.insert((next.clone(), is_request)) {
                queue.push((next, is_request));
            }
        }
    }
    out
}

/// Local reference targets (as pointers) under `value`, skipping example payloads.
pub(crate) fn refs_in(value: &Value, key: &str) -> Vec<String> {
    fn go(v: &Value, parent: &str, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    // Under `properties` and `responses`, every key is structure (a
                    // property called `enum`, the `default` response).
                    let structural = matches!(parent, "properties" | "responses");
                    match k.as_str() {
                        "$ref" if !structural => {
                            if let Some(p) = v.as_str().and_then(spec::local_ref_pointer) {
                                out.push(p);
                            }
                        }
                        "example" | "default" | "enum" if !structural => {}
                        k if k.starts_with("x-") => {}
                        _ => go(v, k, out),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| go(v, parent, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    go(value, key, &mut out);
    out
}
