//! `cargo xtask diff`: what changed in the specs since a git revision, how bad each
//! change is for callers of the API (ERR / WARN / INFO, the way oasdiff classifies
//! them), which Rust items of `conversation-apis` it touches, whether consumers' code
//! stops compiling, and the semver bump that follows.
//!
//! The comparison ([`diff_docs`], [`diff_sets`]) works on parsed documents, so it can be
//! tested without git; [`run_diff`] adds reading the old files with `git show`.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt;
use std::io::Write;
use std::path::Path;
use std::process::Command;

use serde::Serialize;
use serde_json::{json, Value};

use crate::locate::join;
use crate::naming;
use crate::spec::{self, deref, Doc};
use crate::Failure;

/// How bad a change is for existing callers of the HTTP API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Level {
    /// Harmless, or an addition.
    #[serde(rename = "INFO")]
    Info,
    /// May break callers.
    #[serde(rename = "WARN")]
    Warn,
    /// Breaks callers.
    #[serde(rename = "ERR")]
    Err,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Level::Info => "INFO",
            Level::Warn => "WARN",
            Level::Err => "ERR",
        })
    }
}

impl std::str::FromStr for Level {
    type Err = String;
    fn from_str(s: &str) -> Result<Level, String> {
        match s.to_ascii_uppercase().as_str() {
            "ERR" | "ERROR" => Ok(Level::Err),
            "WARN" | "WARNING" => Ok(Level::Warn),
            "INFO" => Ok(Level::Info),
            _ => Err(format!("unknown level `{s}`; expected ERR, WARN or INFO")),
        }
    }
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// How bad it is for HTTP callers.
    pub level: Level,
    /// Stable rule name, e.g. `property-became-required`.
    pub rule: String,
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
}

/// The Rust crate name of the generated crate.
pub const CRATE_IDENT: &str = "conversation_apis";

impl Report {
    /// A report of `changes` (sorted here).
    pub fn new(
        base: Option<String>,
        mut changes: Vec<Change>,
        crate_version: Option<String>,
    ) -> Report {
        changes.sort_by(|a, b| {
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
        });
        changes.dedup();
        Report {
            base,
            changes,
            crate_version,
        }
    }

    /// Number of changes at `level`.
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
    /// constraints).
    pub fn bump(&self) -> Bump {
        if self.changes.is_empty() {
            Bump::None
        } else if self
            .changes
            .iter()
            .any(|c| c.breaks_compilation == Breaks::Yes)
        {
            Bump::Major
        } else if self.changes.iter().any(|c| {
            c.rule.ends_with("-added")
                || c.level >= Level::Warn
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
        let v = self.crate_version.as_deref()?;
        let mut parts = v
            .split(['.', '-', '+'])
            .take(3)
            .map(|p| p.parse::<u64>().ok());
        let (major, minor, patch) = (parts.next()??, parts.next()??, parts.next()??);
        Some(match (self.bump(), major) {
            (Bump::None, _) => v.to_string(),
            (Bump::Major, 0) => format!("0.{}.0", minor + 1),
            (Bump::Major, _) => format!("{}.0.0", major + 1),
            (Bump::Minor, 0) | (Bump::Patch, _) => format!("{major}.{minor}.{}", patch + 1),
            (Bump::Minor, _) => format!("{major}.{}.0", minor + 1),
        })
    }

    /// One sentence on the bump and what it means for a 0.x crate.
    pub fn bump_sentence(&self) -> String {
        let bump = self.bump();
        let zero = self
            .crate_version
            .as_deref()
            .is_none_or(|v| v.starts_with("0."));
        let may_break = self
            .changes
            .iter()
            .any(|c| c.level == Level::Warn || c.breaks_compilation == Breaks::Maybe);
        let why = match bump {
            Bump::None => "no API change",
            Bump::Major => "breaking: consumers' code stops compiling",
            Bump::Minor if self.has_at_least(Level::Err) => {
                "HTTP callers break (ERR), but consumers' Rust code keeps compiling"
            }
            Bump::Minor if may_break => "nothing surely breaks, but something may",
            Bump::Minor => "additions only",
            Bump::Patch => "nothing added or broken",
        };
        let zero_x = match bump {
            Bump::None => "",
            Bump::Major => "; conversation-apis is 0.x, so bump the minor version",
            Bump::Minor | Bump::Patch => "; conversation-apis is 0.x, so bump the patch version",
        };
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

    fn summary(&self) -> String {
        format!(
            "{} change{}: {} ERR, {} WARN, {} INFO; consumers' code stops compiling: {} yes, {} maybe",
            self.changes.len(),
            if self.changes.len() == 1 { "" } else { "s" },
            self.count(Level::Err),
            self.count(Level::Warn),
            self.count(Level::Info),
            self.count_breaks(Breaks::Yes),
            self.count_breaks(Breaks::Maybe),
        )
    }

    fn base_text(&self) -> String {
        match &self.base {
            Some(b) => format!("specs at {b} → working tree"),
            None => "old specs → new specs".to_string(),
        }
    }

    /// For terminals: two lines per change, then the summary and the bump.
    pub fn to_text(&self) -> String {
        let mut out = format!("API diff ({})\n", self.base_text());
        for c in &self.changes {
            let pos = match (c.line, c.column) {
                (Some(l), Some(col)) => format!(":{l}:{col}"),
                _ => String::new(),
            };
            out.push_str(&format!(
                "{:<4} {}{pos}: {}: {}\n",
                c.level, c.file, c.location, c.message
            ));
            let items = if c.rust_items.is_empty() {
                "-".to_string()
            } else {
                c.rust_items.join(", ")
            };
            out.push_str(&format!(
                "     rust: {items}; stops compiling: {}; rule: {}\n",
                c.breaks_compilation, c.rule
            ));
        }
        out.push_str(&self.summary());
        out.push('\n');
        out.push_str(&self.bump_sentence());
        out.push('\n');
        out
    }

    /// A Markdown table ready to paste into a pull request.
    pub fn to_markdown(&self) -> String {
        let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
        let mut out = format!("### API changes ({})\n\n", self.base_text());
        if self.changes.is_empty() {
            out.push_str("No API changes.\n\n");
        } else {
            out.push_str("| Level | Where | Change | Rust items | Stops compiling |\n");
            out.push_str("| --- | --- | --- | --- | --- |\n");
            for c in &self.changes {
                let items = if c.rust_items.is_empty() {
                    "–".to_string()
                } else {
                    c.rust_items
                        .iter()
                        .map(|i| format!("`{}`", cell(i)))
                        .collect::<Vec<_>>()
                        .join("<br>")
                };
                let line = c.line.map(|l| format!(":{l}")).unwrap_or_default();
                out.push_str(&format!(
                    "| {} | `{}{line}` {} | {} | {} | {} |\n",
                    c.level,
                    cell(&c.file),
                    cell(&c.location),
                    cell(&c.message),
                    items,
                    c.breaks_compilation
                ));
            }
            out.push('\n');
        }
        out.push_str(&format!(
            "{}\n\n**{}**\n",
            self.summary(),
            capitalize(&self.bump_sentence())
        ));
        out
    }

    /// Machine-readable.
    pub fn to_json(&self) -> String {
        let value = json!({
            "base": self.base,
            "changes": self.changes,
            "summary": {
                "err": self.count(Level::Err),
                "warn": self.count(Level::Warn),
                "info": self.count(Level::Info),
                "breaks_compilation": {
                    "yes": self.count_breaks(Breaks::Yes),
                    "maybe": self.count_breaks(Breaks::Maybe),
                },
            },
            "semver": {
                "bump": self.bump(),
                "crate_version": self.crate_version,
                "next_version": self.next_version(),
                "note": self.bump_sentence(),
            },
        });
        let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
        text.push('\n');
        text
    }

    /// The report in `format`.
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Text => self.to_text(),
            Format::Markdown => self.to_markdown(),
            Format::Json => self.to_json(),
        }
    }

    /// Whether the report has a change at `level` or worse.
    pub fn has_at_least(&self, level: Level) -> bool {
        self.changes.iter().any(|c| c.level >= level)
    }
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
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

/// Compares two sets of specs (file → parsed document). Files only in `new` are
/// INFO, files only in `old` ERR; files in both are compared with [`diff_docs`].
pub fn diff_sets(old: &BTreeMap<String, Doc>, new: &BTreeMap<String, Doc>) -> Vec<Change> {
    let mut out = Vec::new();
    for (file, doc) in new {
        if !old.contains_key(file) {
            let module = spec::module_name(Path::new(file));
            out.push(Change {
                level: Level::Info,
                rule: "spec-added".into(),
                file: file.clone(),
                line: None,
                column: None,
                pointer: String::new(),
                location: "spec".into(),
                message: format!(
                    "new API with {} operation(s)",
                    spec::operations(&doc.value).len()
                ),
                rust_items: vec![format!("{CRATE_IDENT}::{module}")],
                breaks_compilation: Breaks::No,
            });
        }
    }
    for (file, doc) in old {
        match new.get(file) {
            Some(new_doc) => out.extend(diff_docs(file, doc, new_doc)),
            None => {
                let module = spec::module_name(Path::new(file));
                out.push(Change {
                    level: Level::Err,
                    rule: "spec-removed".into(),
                    file: file.clone(),
                    line: None,
                    column: None,
                    pointer: String::new(),
                    location: "spec".into(),
                    message: format!(
                        "API removed with its {} operation(s)",
                        spec::operations(&doc.value).len()
                    ),
                    rust_items: vec![format!("{CRATE_IDENT}::{module}")],
                    breaks_compilation: Breaks::Yes,
                });
            }
        }
    }
    out
}

/// Compares two versions of one spec, `file` (its stem names the Rust module).
pub fn diff_docs(file: &str, old: &Doc, new: &Doc) -> Vec<Change> {
    let module = spec::module_name(Path::new(file));
    let mut usage = usages(&old.value);
    for (name, u) in usages(&new.value) {
        let e = usage.entry(name).or_default();
        e.request |= u.request;
        e.response |= u.response;
    }
    let mut d = Differ {
        file,
        module: &module,
        old: &old.value,
        new: &new.value,
        new_doc: new,
        out: Vec::new(),
        visited: HashSet::new(),
    };
    d.operations();
    d.component_schemas(&usage);
    d.out
}

/// Which ways a schema travels.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// In requests (parameters, request bodies).
    pub request: bool,
    /// In responses.
    pub response: bool,
}

impl Usage {
    const REQUEST: Usage = Usage {
        request: true,
        response: false,
    };
    const RESPONSE: Usage = Usage {
        request: false,
        response: true,
    };

    /// The worse of the levels that apply; both when the schema is not used at all.
    fn level(self, request: Level, response: Level) -> Level {
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
fn refs_in(value: &Value, key: &str) -> Vec<String> {
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

/// Where in the crate and the spec a schema comparison is.
#[derive(Debug, Clone)]
struct Ctx {
    /// `POST /conversations` or `schema Conversation`.
    location: String,
    /// `request body`, `parameter page`, ... (empty for component schemas).
    subject: String,
    /// Items touched by any change here (the client method for operations).
    items: Vec<String>,
    /// The Rust path of the named type being compared, if any.
    type_path: Option<String>,
    /// Property path inside the type or payload.
    field: Vec<String>,
    /// Which ways the payload travels.
    usage: Usage,
    /// Whether the field at the end of `field` is optional (an `Option` in Rust).
    optional: bool,
    /// For operations: the Rust path of the request builder (`...::zild::CreateX`), whose
    /// name also starts the reply and error enums (`CreateXReply`, `CreateXError`).
    stem: Option<String>,
}

impl Ctx {
    fn with_field(&self, name: &str, optional: bool) -> Ctx {
        let mut c = self.clone();
        c.field.push(name.to_string());
        c.optional = optional;
        c
    }

    fn with_items(&self) -> Ctx {
        let mut c = self.clone();
        c.field.push("[]".to_string());
        c
    }

    fn field_text(&self) -> String {
        let mut out = String::new();
        for f in &self.field {
            if f == "[]" || f == "{}" {
                out.push_str(f);
            } else {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(f);
            }
        }
        out
    }

    /// `request body, property ticket.id: ` — the start of a message.
    fn prefix(&self) -> String {
        let field = self.field_text();
        let mut parts = Vec::new();
        if !self.subject.is_empty() {
            parts.push(self.subject.clone());
        }
        if !field.is_empty() {
            parts.push(format!("property `{field}`"));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("{}: ", parts.join(", "))
        }
    }

    fn rust_items(&self) -> Vec<String> {
        let mut items = self.items.clone();
        if let Some(t) = &self.type_path {
            match self.field.first().filter(|f| *f != "[]" && *f != "{}") {
                Some(f) => items.push(format!("{t}::{}", naming::field_name(f))),
                None => items.push(t.clone()),
            }
        }
        items
    }
}

struct Differ<'a> {
    file: &'a str,
    module: &'a str,
    old: &'a Value,
    new: &'a Value,
    new_doc: &'a Doc,
    out: Vec<Change>,
    visited: HashSet<(String, String)>,
}

fn schema_name(pointer: &str) -> Option<String> {
    let rest = pointer.strip_prefix("/components/schemas/")?;
    if rest.contains('/') {
        return None;
    }
    Some(crate::locate::unescape_token(rest))
}

fn ref_target(v: &Value) -> Option<String> {
    v.get("$ref")
        .and_then(Value::as_str)
        .and_then(spec::local_ref_pointer)
}

/// The operation id, or the one codegen derives from method and path.
fn operation_id(op: &Value, method: &str, path: &str) -> String {
    match op.get("operationId").and_then(Value::as_str) {
        Some(id) => id.to_string(),
        None => naming::derived_operation_id(method, path),
    }
}

/// The enum that holds a status's variant, if it has one: `<Stem>Reply` for success
/// statuses, `<Stem>Error` for error statuses documented with a body. An error status
/// without a body has no variant (it is `runtime::Error::Status`).
fn status_enum(ctx: &Ctx, success: bool, response: &Value) -> Option<String> {
    let stem = ctx.stem.as_ref()?;
    if success {
        Some(format!("{stem}Reply"))
    } else if has_content(response) {
        Some(format!("{stem}Error"))
    } else {
        None
    }
}

fn has_content(response: &Value) -> bool {
    response
        .get("content")
        .and_then(Value::as_object)
        .is_some_and(|c| !c.is_empty())
}

/// Whether a documented status is a success (a variant of `<Stem>Reply`), as codegen
/// sorts them: codes below 400 and the ranges `1XX`–`3XX`; `default` only when the
/// operation documents no other success.
fn is_success(status: &str, responses: &serde_json::Map<String, Value>) -> bool {
    let s = status.to_ascii_uppercase();
    if s == "DEFAULT" {
        return !responses
            .keys()
            .any(|k| !k.eq_ignore_ascii_case("default") && is_success(k, responses));
    }
    match s.as_bytes() {
        [d, b'X', b'X'] => matches!(d, b'1'..=b'3'),
        _ => s.parse::<u16>().is_ok_and(|c| c < 400),
    }
}

/// What a response variant carries, as codegen decides: the first JSON media type's
/// schema (`json`, the media type, its schema), else the first media type's kind
/// (`text` or `bytes`); `None` without content.
fn response_payload(
    content: &serde_json::Map<String, Value>,
) -> Option<(&'static str, &str, Option<&Value>)> {
    let essence = |mt: &str| {
        mt.split(';')
            .next()
            .unwrap_or(mt)
            .trim()
            .to_ascii_lowercase()
    };
    let is_json = |mt: &str| {
        let mt = essence(mt);
        mt.ends_with("/json") || mt.ends_with("+json") || mt == "*/*"
    };
    if let Some((mt, m)) = content.iter().find(|(mt, _)| is_json(mt)) {
        return Some(("json", mt.as_str(), m.get("schema")));
    }
    let mt = content.keys().next()?;
    let kind = if essence(mt).starts_with("text/") {
        "text"
    } else {
        "bytes"
    };
    Some((kind, mt.as_str(), None))
}

fn normalize_path(path: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            c if !in_param => out.push(c),
            _ => {}
        }
    }
    out
}

fn type_of(schema: &Value) -> Option<&str> {
    schema.get("type").and_then(Value::as_str)
}

fn nullable(schema: &Value) -> bool {
    schema.get("nullable").and_then(Value::as_bool) == Some(true)
}

/// The Rust type `codegen` is expected to use for a scalar, or `None` when unsure.
fn rust_scalar(ty: Option<&str>, format: Option<&str>) -> Option<&'static str> {
    Some(match (ty?, format) {
        ("integer", Some("int32")) => "i32",
        ("integer", _) => "i64",
        ("number", Some("float")) => "f32",
        ("number", _) => "f64",
        ("boolean", _) => "bool",
        ("string", Some("date-time")) => "DateTime",
        ("string", Some("date" | "uuid" | "binary" | "byte")) => return None,
        ("string", _) => "String",
        _ => return None,
    })
}

impl Differ<'_> {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        level: Level,
        rule: &str,
        pointer: &str,
        location: &str,
        message: String,
        rust_items: Vec<String>,
        breaks: Breaks,
    ) {
        let pos = self.new_doc.locator.locate(pointer);
        self.out.push(Change {
            level,
            rule: rule.to_string(),
            file: self.file.to_string(),
            line: pos.map(|p| p.0),
            column: pos.map(|p| p.1),
            pointer: pointer.to_string(),
            location: location.to_string(),
            message,
            rust_items,
            breaks_compilation: breaks,
        });
    }

    fn change(
        &mut self,
        ctx: &Ctx,
        level: Level,
        rule: &str,
        pointer: &str,
        what: String,
        breaks: Breaks,
    ) {
        let message = format!("{}{what}", ctx.prefix());
        self.push(
            level,
            rule,
            pointer,
            &ctx.location.clone(),
            message,
            ctx.rust_items(),
            breaks,
        );
    }

    fn client_method(&self, op: &Value, method: &str, path: &str) -> String {
        let name = naming::method_name(&operation_id(op, method, path));
        format!("{CRATE_IDENT}::{}::Client::{name}", self.module)
    }

    fn op_stem(&self, op: &Value, method: &str, path: &str) -> String {
        let stem = naming::type_stem(&operation_id(op, method, path));
        format!("{CRATE_IDENT}::{}::{stem}", self.module)
    }

    /// Like [`Differ::change`], naming `extra` items too.
    #[allow(clippy::too_many_arguments)]
    fn change_items(
        &mut self,
        ctx: &Ctx,
        extra: Option<String>,
        level: Level,
        rule: &str,
        pointer: &str,
        what: String,
        breaks: Breaks,
    ) {
        let mut c = ctx.clone();
        c.items.extend(extra);
        self.change(&c, level, rule, pointer, what, breaks);
    }

    fn type_path(&self, name: &str) -> String {
        format!(
            "{CRATE_IDENT}::{}::types::{}",
            self.module,
            naming::type_name(name)
        )
    }

    fn operations(&mut self) {
        let old_ops = spec::operations(self.old);
        let new_ops = spec::operations(self.new);
        let key = |o: &spec::OperationRef<'_>| (normalize_path(o.path), o.method.to_string());
        let new_by_key: BTreeMap<_, _> = new_ops.iter().map(|o| (key(o), o)).collect();
        let old_by_key: BTreeMap<_, _> = old_ops.iter().map(|o| (key(o), o)).collect();
        for o in &old_ops {
            let location = format!("{} {}", o.method.to_uppercase(), o.path);
            match new_by_key.get(&key(o)) {
                None => {
                    let item = self.client_method(o.op, o.method, o.path);
                    self.push(
                        Level::Err,
                        "operation-removed",
                        &o.pointer,
                        &location,
                        "operation removed".into(),
                        vec![item],
                        Breaks::Yes,
                    );
                }
                Some(n) => self.operation(o, n),
            }
        }
        for n in &new_ops {
            if !old_by_key.contains_key(&key(n)) {
                let location = format!("{} {}", n.method.to_uppercase(), n.path);
                let item = self.client_method(n.op, n.method, n.path);
                self.push(
                    Level::Info,
                    "operation-added",
                    &n.pointer,
                    &location,
                    "operation added".into(),
                    vec![item],
                    Breaks::No,
                );
            }
        }
    }

    fn operation(&mut self, o: &spec::OperationRef<'_>, n: &spec::OperationRef<'_>) {
        let location = format!("{} {}", n.method.to_uppercase(), n.path);
        let old_method = self.client_method(o.op, o.method, o.path);
        let method = self.client_method(n.op, n.method, n.path);
        if old_method != method {
            self.push(
                Level::Info,
                "operation-id-changed",
                &format!("{}/operationId", n.pointer),
                &location,
                format!(
                    "operationId changed from `{}` to `{}`: the client method is renamed",
                    o.op.get("operationId")
                        .and_then(Value::as_str)
                        .unwrap_or("-"),
                    n.op.get("operationId")
                        .and_then(Value::as_str)
                        .unwrap_or("-"),
                ),
                vec![old_method, method.clone()],
                Breaks::Yes,
            );
        }
        let deprecated = |v: &Value| v.get("deprecated").and_then(Value::as_bool) == Some(true);
        if !deprecated(o.op) && deprecated(n.op) {
            self.push(
                Level::Info,
                "operation-deprecated",
                &format!("{}/deprecated", n.pointer),
                &location,
                "operation deprecated".into(),
                vec![method.clone()],
                Breaks::No,
            );
        }
        let base = Ctx {
            location: location.clone(),
            subject: String::new(),
            items: vec![method.clone()],
            type_path: None,
            field: Vec::new(),
            usage: Usage::REQUEST,
            optional: false,
            stem: Some(self.op_stem(n.op, n.method, n.path)),
        };
        self.parameters(o, n, &base);
        self.request_body(o, n, &base);
        let mut resp = base.clone();
        resp.usage = Usage::RESPONSE;
        self.responses(o, n, &resp);
    }

    fn parameters(&mut self, o: &spec::OperationRef<'_>, n: &spec::OperationRef<'_>, base: &Ctx) {
        let old = effective_parameters(self.old, o);
        let new = effective_parameters(self.new, n);
        let req = |v: &Value| v.get("required").and_then(Value::as_bool) == Some(true);
        for (key, old_param) in &old {
            let label = format!("{} parameter `{}`", key.0, old_param.name);
            let Some(new_param) = new.get(key) else {
                let what = format!("{label} removed");
                self.change(
                    base,
                    Level::Err,
                    "parameter-removed",
                    &old_param.pointer,
                    what,
                    Breaks::Yes,
                );
                continue;
            };
            let (ov, nv, np) = (old_param.value, new_param.value, &new_param.pointer);
            if old_param.name != new_param.name {
                // Path parameters are matched by position: a new name is not a new value.
                let what = format!("{label} renamed to `{}`", new_param.name);
                // It stays the same positional argument: only its name in the docs
                // changes.
                self.change(
                    base,
                    Level::Info,
                    "path-parameter-renamed",
                    np,
                    what,
                    Breaks::No,
                );
            }
            if !req(ov) && req(nv) {
                let what = format!("{label} became required");
                let pointer = format!("{np}/required");
                self.change(
                    base,
                    Level::Err,
                    "parameter-became-required",
                    &pointer,
                    what,
                    Breaks::Yes,
                );
            } else if req(ov) && !req(nv) {
                let what = format!("{label} became optional");
                self.change(
                    base,
                    Level::Info,
                    "parameter-became-optional",
                    np,
                    what,
                    Breaks::Yes,
                );
            }
            if let (Some(os), Some(ns)) = (ov.get("schema"), nv.get("schema")) {
                let mut ctx = base.clone();
                ctx.subject = label.clone();
                ctx.optional = !req(nv);
                let (op, np) = (
                    format!("{}/schema", old_param.pointer),
                    format!("{np}/schema"),
                );
                self.schema(&ctx, os, &op, ns, &np, 0);
            }
        }
        for (key, new_param) in &new {
            if old.contains_key(key) {
                continue;
            }
            let label = format!("{} parameter `{}`", key.0, new_param.name);
            if req(new_param.value) {
                let what = format!("required {label} added");
                self.change(
                    base,
                    Level::Err,
                    "required-parameter-added",
                    &new_param.pointer,
                    what,
                    Breaks::Yes,
                );
            } else {
                // Optional parameters are setters of the request builder.
                let what = format!("optional {label} added");
                let setter = base
                    .stem
                    .as_ref()
                    .map(|s| format!("{s}::{}", naming::field_name(&new_param.name)));
                self.change_items(
                    base,
                    setter,
                    Level::Info,
                    "parameter-added",
                    &new_param.pointer,
                    what,
                    Breaks::No,
                );
            }
        }
    }

    fn request_body(&mut self, o: &spec::OperationRef<'_>, n: &spec::OperationRef<'_>, base: &Ctx) {
        let optr = format!("{}/requestBody", o.pointer);
        let nptr = format!("{}/requestBody", n.pointer);
        let old = o.op.get("requestBody").map(|b| deref(self.old, b, &optr));
        let new = n.op.get("requestBody").map(|b| deref(self.new, b, &nptr));
        let req = |v: &Value| v.get("required").and_then(Value::as_bool) == Some(true);
        match (old, new) {
            (None, None) => {}
            (Some(_), None) => self.change(
                base,
                Level::Err,
                "request-body-removed",
                &optr,
                "request body removed".into(),
                Breaks::Yes,
            ),
            (None, Some((nb, np))) => {
                if req(nb) {
                    self.change(
                        base,
                        Level::Err,
                        "required-request-body-added",
                        &np,
                        "required request body added".into(),
                        Breaks::Yes,
                    );
                } else {
                    // An optional body is set with the request builder's `body`.
                    let setter = base.stem.as_ref().map(|s| format!("{s}::body"));
                    self.change_items(
                        base,
                        setter,
                        Level::Info,
                        "request-body-added",
                        &np,
                        "optional request body added".into(),
                        Breaks::No,
                    );
                }
            }
            (Some((ob, op)), Some((nb, np))) => {
                if !req(ob) && req(nb) {
                    self.change(
                        base,
                        Level::Err,
                        "request-body-became-required",
                        &format!("{np}/required"),
                        "request body became required".into(),
                        Breaks::Yes,
                    );
                } else if req(ob) && !req(nb) {
                    self.change(
                        base,
                        Level::Info,
                        "request-body-became-optional",
                        &np,
                        "request body became optional".into(),
                        Breaks::Yes,
                    );
                }
                let mut ctx = base.clone();
                ctx.subject = "request body".into();
                ctx.optional = !req(nb);
                self.content(&ctx, ob, &op, nb, &np, true);
            }
        }
    }

    /// Compares `content` maps; `critical` says whether a removed media type is ERR (a
    /// request body or a success response).
    fn content(
        &mut self,
        ctx: &Ctx,
        old: &Value,
        optr: &str,
        new: &Value,
        nptr: &str,
        critical: bool,
    ) {
        let empty = serde_json::Map::new();
        let oc = old
            .get("content")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let nc = new
            .get("content")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let several = oc.len().max(nc.len()) > 1;
        // A response variant carries one payload: the first JSON media type's schema, or
        // the first media type's kind (text, bytes). Other media types have no Rust item.
        let response_payload_kept = !ctx.usage.request
            && match (response_payload(oc), response_payload(nc)) {
                (Some((ok, om, os)), Some((nk, nm, ns))) => {
                    ok == nk && (ok != "json" || om == nm || os == ns)
                }
                (None, None) => true,
                _ => false,
            };
        for (mt, om) in oc {
            let omp = join(&format!("{optr}/content"), mt);
            match nc.get(mt) {
                None => {
                    let level = if critical { Level::Err } else { Level::Warn };
                    // A request body with several media types is an enum with a variant
                    // per media type; with one, the type itself: either way the variant
                    // or the enum is gone.
                    let breaks = if ctx.usage.request || !response_payload_kept {
                        Breaks::Yes
                    } else {
                        Breaks::No
                    };
                    self.change(
                        ctx,
                        level,
                        "media-type-removed",
                        &omp,
                        format!("media type `{mt}` removed"),
                        breaks,
                    );
                }
                Some(nm) => {
                    let nmp = join(&format!("{nptr}/content"), mt);
                    if let (Some(os), Some(ns)) = (om.get("schema"), nm.get("schema")) {
                        let mut c = ctx.clone();
                        if several {
                            c.subject = format!("{} ({mt})", c.subject);
                        }
                        self.schema(
                            &c,
                            os,
                            &format!("{omp}/schema"),
                            ns,
                            &format!("{nmp}/schema"),
                            0,
                        );
                    }
                }
            }
        }
        for mt in nc.keys() {
            if !oc.contains_key(mt) {
                let nmp = join(&format!("{nptr}/content"), mt);
                // A request body of one media type becomes an enum of the media types,
                // with `From` for each body type, so a plain value still converts; an
                // existing enum (`#[non_exhaustive]`) gains a variant.
                let breaks = if ctx.usage.request {
                    Breaks::No
                } else if response_payload_kept || !critical && oc.is_empty() {
                    // (An error status that had no body gains a variant of the
                    // `#[non_exhaustive]` error enum.)
                    Breaks::No
                } else {
                    Breaks::Yes
                };
                self.change(
                    ctx,
                    Level::Info,
                    "media-type-added",
                    &nmp,
                    format!("media type `{mt}` added"),
                    breaks,
                );
            }
        }
    }

    fn responses(&mut self, o: &spec::OperationRef<'_>, n: &spec::OperationRef<'_>, base: &Ctx) {
        let empty = serde_json::Map::new();
        let or =
            o.op.get("responses")
                .and_then(Value::as_object)
                .unwrap_or(&empty);
        let nr =
            n.op.get("responses")
                .and_then(Value::as_object)
                .unwrap_or(&empty);
        let optr = format!("{}/responses", o.pointer);
        let nptr = format!("{}/responses", n.pointer);
        for (status, ov) in or {
            let op = join(&optr, status);
            let (ob, obp) = deref(self.old, ov, &op);
            let old_success = is_success(status, or);
            // The enum variant the status had, if any: removing it (or moving it to the
            // other enum) breaks code that matches on it.
            let old_variant = status_enum(base, old_success, ob);
            match nr.get(status) {
                None => {
                    let breaks = if old_variant.is_some() {
                        Breaks::Yes
                    } else {
                        Breaks::No
                    };
                    if old_success {
                        self.change_items(
                            base,
                            old_variant,
                            Level::Err,
                            "success-status-removed",
                            &op,
                            format!("success response `{status}` removed"),
                            breaks,
                        );
                    } else {
                        self.change_items(
                            base,
                            old_variant,
                            Level::Info,
                            "status-removed",
                            &op,
                            format!("response `{status}` removed"),
                            breaks,
                        );
                    }
                }
                Some(nv) => {
                    let np = join(&nptr, status);
                    let (nb, nbp) = deref(self.new, nv, &np);
                    let new_success = is_success(status, nr);
                    if old_success != new_success {
                        // `default` is a reply only while nothing else is.
                        let (from, to) = if old_success {
                            ("replies", "errors")
                        } else {
                            ("errors", "replies")
                        };
                        let mut items: Vec<String> = old_variant.clone().into_iter().collect();
                        items.extend(status_enum(base, new_success, nb));
                        let mut ctx = base.clone();
                        ctx.items.extend(items);
                        self.change(
                            &ctx,
                            Level::Info,
                            "status-moved",
                            &np,
                            format!("response `{status}` moves from the {from} to the {to}"),
                            if old_variant.is_some() {
                                Breaks::Yes
                            } else {
                                Breaks::No
                            },
                        );
                    }
                    let mut ctx = base.clone();
                    ctx.subject = format!("response {status}");
                    self.content(&ctx, ob, &obp, nb, &nbp, new_success);
                }
            }
        }
        for (status, nv) in nr {
            if !or.contains_key(status) {
                let np = join(&nptr, status);
                let (nb, _) = deref(self.new, nv, &np);
                let success = is_success(status, nr);
                let rule = if success {
                    "success-status-added"
                } else {
                    "status-added"
                };
                // At most a new variant of the reply or error enum, which are
                // `#[non_exhaustive]`: matches already have a `_` arm.
                self.change_items(
                    base,
                    status_enum(base, success, nb),
                    Level::Info,
                    rule,
                    &np,
                    format!("response `{status}` added"),
                    Breaks::No,
                );
            }
        }
    }

    fn component_schemas(&mut self, usage: &BTreeMap<String, Usage>) {
        let empty = serde_json::Map::new();
        let os = self
            .old
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let ns = self
            .new
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        for (name, ov) in os {
            let ptr = join("/components/schemas", name);
            let location = format!("schema {name}");
            let tp = self.type_path(name);
            match ns.get(name) {
                None => self.push(
                    Level::Info,
                    "schema-removed",
                    &ptr,
                    &location,
                    "schema removed: its Rust type is gone".into(),
                    vec![tp],
                    Breaks::Yes,
                ),
                Some(nv) => {
                    let ctx = Ctx {
                        location,
                        subject: String::new(),
                        items: Vec::new(),
                        type_path: Some(tp),
                        field: Vec::new(),
                        usage: usage.get(name).copied().unwrap_or_default(),
                        optional: false,
                        stem: None,
                    };
                    self.schema(&ctx, ov, &ptr, nv, &ptr, 0);
                }
            }
        }
        for name in ns.keys() {
            if !os.contains_key(name) {
                let ptr = join("/components/schemas", name);
                let tp = self.type_path(name);
                self.push(
                    Level::Info,
                    "schema-added",
                    &ptr,
                    &format!("schema {name}"),
                    "schema added".into(),
                    vec![tp],
                    Breaks::No,
                );
            }
        }
    }

    /// Compares two schema objects at `optr` (old document) and `nptr` (new document).
    fn schema(
        &mut self,
        ctx: &Ctx,
        old: &Value,
        optr: &str,
        new: &Value,
        nptr: &str,
        depth: usize,
    ) {
        if depth > 48 {
            return;
        }
        let old_ref = ref_target(old);
        let new_ref = ref_target(new);
        let old_name = old_ref.as_deref().and_then(schema_name);
        let new_name = new_ref.as_deref().and_then(schema_name);
        let mut ctx = ctx.clone();
        let mut renamed = None;
        match (&old_name, &new_name) {
            // The same component on both sides: compared once, as a schema of its own.
            (Some(a), Some(b)) if a == b => return,
            (Some(a), Some(b)) => {
                renamed = Some((ctx.clone(), a.clone(), b.clone(), self.out.len()));
                ctx.type_path = Some(self.type_path(b));
                ctx.field.clear();
            }
            (Some(a), None) => {
                self.change(
                    &ctx,
                    Level::Info,
                    "type-inlined",
                    nptr,
                    format!("now an inline schema instead of `{a}`"),
                    Breaks::Maybe,
                );
            }
            (None, Some(b)) => {
                self.change(
                    &ctx,
                    Level::Info,
                    "type-extracted",
                    nptr,
                    format!("now the named schema `{b}` instead of an inline one"),
                    Breaks::Maybe,
                );
                ctx.type_path = Some(self.type_path(b));
                ctx.field.clear();
            }
            (None, None) => {}
        }
        self.schema_body(
            &ctx,
            old,
            optr,
            new,
            nptr,
            depth,
            old_ref.is_some() || new_ref.is_some(),
        );
        if let Some((outer, a, b, before)) = renamed {
            // A new name for the same shape is harmless on the wire but renames the Rust
            // type; a different shape is a type change.
            let (level, rule, what) = if self.out.len() == before {
                (
                    Level::Info,
                    "type-renamed",
                    format!("type renamed from `{a}` to `{b}`"),
                )
            } else {
                (
                    Level::Err,
                    "type-changed",
                    format!("type changed from `{a}` to `{b}`"),
                )
            };
            self.change(&outer, level, rule, nptr, what, Breaks::Yes);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn schema_body(
        &mut self,
        ctx: &Ctx,
        old: &Value,
        optr: &str,
        new: &Value,
        nptr: &str,
        depth: usize,
        via_ref: bool,
    ) {
        let ctx = ctx.clone();
        if !self.visited.insert((optr.to_string(), nptr.to_string())) && via_ref {
            return;
        }
        let (o, op) = deref(self.old, old, optr);
        let (n, np) = deref(self.new, new, nptr);
        let (o, op) = single_all_of(self.old, o, op);
        let (n, np) = single_all_of(self.new, n, np);
        let o_null = nullable(old) || nullable(o);
        let n_null = nullable(new) || nullable(n);

        // Type and format.
        let (ot, nt) = (type_of(o), type_of(n));
        let (of, nf) = (
            o.get("format").and_then(Value::as_str),
            n.get("format").and_then(Value::as_str),
        );
        if ot != nt {
            let show =
                |t: Option<&str>| t.map(|t| format!("`{t}`")).unwrap_or_else(|| "any".into());
            let widening_req = matches!(
                (ot, nt),
                (Some("integer"), Some("number")) | (Some(_), None)
            );
            let narrowing_resp = matches!(
                (ot, nt),
                (Some("number"), Some("integer")) | (None, Some(_))
            );
            let level = ctx.usage.level(
                if widening_req {
                    Level::Info
                } else {
                    Level::Err
                },
                if narrowing_resp {
                    Level::Info
                } else {
                    Level::Err
                },
            );
            self.change(
                &ctx,
                level,
                "type-changed",
                &format!("{np}/type"),
                format!("type changed from {} to {}", show(ot), show(nt)),
                Breaks::Yes,
            );
        } else if of != nf {
            let show =
                |f: Option<&str>| f.map(|f| format!("`{f}`")).unwrap_or_else(|| "none".into());
            let breaks = match (rust_scalar(ot, of), rust_scalar(nt, nf)) {
                (Some(a), Some(b)) if a == b => Breaks::No,
                (Some(_), Some(_)) => Breaks::Yes,
                _ => Breaks::Maybe,
            };
            self.change(
                &ctx,
                Level::Err,
                "format-changed",
                &format!("{np}/format"),
                format!("format changed from {} to {}", show(of), show(nf)),
                breaks,
            );
        }

        // Nullability, judged by direction.
        if o_null != n_null {
            // A required field goes from `T` to `Option<T>`, an optional one from
            // `Option<T>` to `Option<Option<T>>` (or back). A whole payload depends on
            // its use sites.
            let breaks = if ctx.field.is_empty() {
                Breaks::Maybe
            } else {
                Breaks::Yes
            };
            if n_null {
                let level = ctx.usage.level(Level::Info, Level::Err);
                self.change(
                    &ctx,
                    level,
                    "became-nullable",
                    &np,
                    "may now be null".into(),
                    breaks,
                );
            } else {
                let level = ctx.usage.level(Level::Err, Level::Info);
                self.change(
                    &ctx,
                    level,
                    "became-non-nullable",
                    &np,
                    "may no longer be null".into(),
                    breaks,
                );
            }
        }

        self.enums(&ctx, o, n, &np);
        self.constraints(&ctx, o, n, &np);
        self.variants(&ctx, o, &op, n, &np, depth);
        self.properties(&ctx, o, &op, n, &np, depth);

        if let (Some(oi), Some(ni)) = (o.get("items"), n.get("items")) {
            self.schema(
                &ctx.with_items(),
                oi,
                &format!("{op}/items"),
                ni,
                &format!("{np}/items"),
                depth + 1,
            );
        }
        match (o.get("additionalProperties"), n.get("additionalProperties")) {
            (Some(oa), Some(na)) if oa.is_object() && na.is_object() => {
                let mut c = ctx.clone();
                c.field.push("{}".into());
                self.schema(
                    &c,
                    oa,
                    &format!("{op}/additionalProperties"),
                    na,
                    &format!("{np}/additionalProperties"),
                    depth + 1,
                );
            }
            _ => {}
        }
    }

    /// For an enum schema of its own (a named type), the variant is the item touched.
    fn variant_ctx(&self, ctx: &Ctx, value: &Value) -> Ctx {
        let mut c = ctx.clone();
        if let (Some(t), true) = (&ctx.type_path, ctx.field.is_empty()) {
            let raw = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            c.type_path = Some(format!("{t}::{}", naming::variant_name(&raw)));
        }
        c
    }

    fn enums(&mut self, ctx: &Ctx, o: &Value, n: &Value, np: &str) {
        let oe = o.get("enum").and_then(Value::as_array);
        let ne = n.get("enum").and_then(Value::as_array);
        let show = |v: &Value| match v {
            Value::String(s) => format!("`{s}`"),
            other => format!("`{other}`"),
        };
        let eptr = format!("{np}/enum");
        match (oe, ne) {
            (None, None) => {}
            (Some(_), None) => {
                let level = ctx.usage.level(Level::Info, Level::Warn);
                self.change(
                    ctx,
                    level,
                    "enum-removed",
                    np,
                    "no longer restricted to an enum".into(),
                    Breaks::Yes,
                );
            }
            (None, Some(_)) => {
                let level = ctx.usage.level(Level::Err, Level::Info);
                self.change(
                    ctx,
                    level,
                    "enum-added",
                    &eptr,
                    "now restricted to an enum".into(),
                    Breaks::Yes,
                );
            }
            (Some(oe), Some(ne)) => {
                for v in oe.iter().filter(|v| !ne.contains(v) && !v.is_null()) {
                    let ctx = &self.variant_ctx(ctx, v);
                    self.change(
                        ctx,
                        Level::Err,
                        "enum-value-removed",
                        &eptr,
                        format!("enum value {} removed", show(v)),
                        Breaks::Yes,
                    );
                }
                for v in ne.iter().filter(|v| !oe.contains(v) && !v.is_null()) {
                    let ctx = &self.variant_ctx(ctx, v);
                    // Callers may get a value they do not know; in Rust a new variant of
                    // a `#[non_exhaustive]` enum, whose matches already have a `_` arm.
                    let level = ctx.usage.level(Level::Info, Level::Warn);
                    self.change(
                        ctx,
                        level,
                        "enum-value-added",
                        &eptr,
                        format!("enum value {} added", show(v)),
                        Breaks::No,
                    );
                }
            }
        }
    }

    fn constraints(&mut self, ctx: &Ctx, o: &Value, n: &Value, np: &str) {
        // (keyword, whether a larger value is tighter)
        const NUMERIC: &[(&str, bool)] = &[
            ("maxLength", false),
            ("minLength", true),
            ("maximum", false),
            ("minimum", true),
            ("maxItems", false),
            ("minItems", true),
        ];
        for (kw, larger_is_tighter) in NUMERIC {
            let (ov, nv) = (
                o.get(*kw).and_then(Value::as_f64),
                n.get(*kw).and_then(Value::as_f64),
            );
            let tighter = match (ov, nv) {
                (None, None) => continue,
                (Some(a), Some(b)) if a == b => continue,
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (Some(a), Some(b)) => (b > a) == *larger_is_tighter,
            };
            let show = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_else(|| "none".into());
            self.constraint(
                ctx,
                tighter,
                &format!("{np}/{kw}"),
                format!("`{kw}` changed from {} to {}", show(ov), show(nv)),
            );
        }
        let (op, npat) = (
            o.get("pattern").and_then(Value::as_str),
            n.get("pattern").and_then(Value::as_str),
        );
        if op != npat {
            let show =
                |v: Option<&str>| v.map(|v| format!("`{v}`")).unwrap_or_else(|| "none".into());
            self.constraint(
                ctx,
                npat.is_some(),
                &format!("{np}/pattern"),
                format!("`pattern` changed from {} to {}", show(op), show(npat)),
            );
        }
    }

    fn constraint(&mut self, ctx: &Ctx, tighter: bool, pointer: &str, what: String) {
        // Tighter rules may reject what callers send; looser ones may return what they
        // do not expect.
        let level = if tighter {
            ctx.usage.level(Level::Warn, Level::Info)
        } else {
            ctx.usage.level(Level::Info, Level::Warn)
        };
        let rule = if tighter {
            "constraint-tightened"
        } else {
            "constraint-loosened"
        };
        self.change(ctx, level, rule, pointer, what, Breaks::No);
    }

    fn variants(&mut self, ctx: &Ctx, o: &Value, op: &str, n: &Value, np: &str, depth: usize) {
        for kw in ["oneOf", "anyOf"] {
            let (Some(ov), Some(nv)) = (
                o.get(kw).and_then(Value::as_array),
                n.get(kw).and_then(Value::as_array),
            ) else {
                continue;
            };
            let name = |v: &Value| ref_target(v).as_deref().and_then(schema_name);
            let kptr = format!("{np}/{kw}");
            for (i, a) in ov.iter().enumerate() {
                match name(a) {
                    Some(an) => {
                        if !nv.iter().any(|b| name(b).as_deref() == Some(an.as_str())) {
                            let level = ctx.usage.level(Level::Err, Level::Info);
                            self.change(
                                ctx,
                                level,
                                "variant-removed",
                                &kptr,
                                format!("`{kw}` variant `{an}` removed"),
                                Breaks::Yes,
                            );
                        }
                    }
                    None => {
                        if let Some(b) = nv.get(i).filter(|b| name(b).is_none()) {
                            self.schema(
                                ctx,
                                a,
                                &format!("{op}/{kw}/{i}"),
                                b,
                                &format!("{kptr}/{i}"),
                                depth + 1,
                            );
                        }
                    }
                }
            }
            for b in nv {
                if let Some(bn) = name(b) {
                    if !ov.iter().any(|a| name(a).as_deref() == Some(bn.as_str())) {
                        // Unions are `#[non_exhaustive]` enums.
                        let level = ctx.usage.level(Level::Info, Level::Warn);
                        self.change(
                            ctx,
                            level,
                            "variant-added",
                            &kptr,
                            format!("`{kw}` variant `{bn}` added"),
                            Breaks::No,
                        );
                    }
                }
            }
            if nv.len() > ov.len() {
                let added_inline = nv
                    .iter()
                    .skip(ov.len())
                    .filter(|b| name(b).is_none())
                    .count();
                if added_inline > 0 {
                    let level = ctx.usage.level(Level::Info, Level::Warn);
                    self.change(
                        ctx,
                        level,
                        "variant-added",
                        &kptr,
                        format!("{added_inline} inline `{kw}` variant(s) added"),
                        Breaks::No,
                    );
                }
            } else if ov.len() > nv.len() {
                let removed_inline = ov
                    .iter()
                    .skip(nv.len())
                    .filter(|a| name(a).is_none())
                    .count();
                if removed_inline > 0 {
                    let level = ctx.usage.level(Level::Err, Level::Info);
                    self.change(
                        ctx,
                        level,
                        "variant-removed",
                        &kptr,
                        format!("{removed_inline} inline `{kw}` variant(s) removed"),
                        Breaks::Yes,
                    );
                }
            }
        }
    }

    /// Whether a required property of the new document is an argument of
    /// `Type::new`: it is unless it may be null or is read-only or write-only.
    fn new_argument(&self, property: &Value, pointer: &str) -> bool {
        !property_flag(
            self.new,
            property,
            pointer,
            &["nullable", "readOnly", "writeOnly"],
        )
    }

    fn properties(&mut self, ctx: &Ctx, o: &Value, op: &str, n: &Value, np: &str, depth: usize) {
        let of = flatten(self.old, o, op, 0);
        let nf = flatten(self.new, n, np, 0);
        for (name, (ov, optr)) in &of.properties {
            let o_req = of.required.contains(name);
            match nf.properties.get(name) {
                None => {
                    let c = ctx.with_field(name, !o_req);
                    let level = ctx.usage.level(Level::Err, Level::Err);
                    self.change(
                        &c,
                        level,
                        "property-removed",
                        optr,
                        "removed".into(),
                        Breaks::Yes,
                    );
                }
                Some((nv, nptr)) => {
                    let n_req = nf.required.contains(name);
                    let c = ctx.with_field(name, !n_req);
                    // `T` ↔ `Option<T>`, or (nullable) `Option<T>` ↔ `Option<Option<T>>`;
                    // a read-only or write-only property is optional in Rust either way.
                    let one_way = ["readOnly", "writeOnly"];
                    let breaks = if property_flag(self.old, ov, optr, &one_way)
                        && property_flag(self.new, nv, nptr, &one_way)
                    {
                        Breaks::No
                    } else {
                        Breaks::Yes
                    };
                    if !o_req && n_req {
                        let level = ctx.usage.level(Level::Err, Level::Info);
                        self.change(
                            &c,
                            level,
                            "property-became-required",
                            nptr,
                            "became required".into(),
                            breaks,
                        );
                    } else if o_req && !n_req {
                        let level = ctx.usage.level(Level::Info, Level::Err);
                        self.change(
                            &c,
                            level,
                            "property-became-optional",
                            nptr,
                            "became optional".into(),
                            breaks,
                        );
                    }
                    self.schema(&c, ov, optr, nv, nptr, depth + 1);
                }
            }
        }
        for (name, (nv, nptr)) in &nf.properties {
            if !of.properties.contains_key(name) {
                let required = nf.required.contains(name);
                let c = ctx.with_field(name, !required);
                if required {
                    let level = ctx.usage.level(Level::Err, Level::Info);
                    // `Type::new(required..)` takes one more argument (and a struct
                    // whose properties were all optional loses `Default`), in either
                    // direction. A required property that may be null, or is read-only
                    // or write-only, is not an argument of `new`: only a setter is
                    // added.
                    let breaks = if self.new_argument(nv, nptr) {
                        Breaks::Yes
                    } else {
                        Breaks::No
                    };
                    self.change(
                        &c,
                        level,
                        "required-property-added",
                        nptr,
                        "required property added".into(),
                        breaks,
                    );
                } else {
                    // Structs are `#[non_exhaustive]` and built with `new` and setters:
                    // a new field and setter break nothing.
                    self.change(
                        &c,
                        Level::Info,
                        "property-added",
                        nptr,
                        "optional property added".into(),
                        Breaks::No,
                    );
                }
            }
        }
    }
}

/// Whether a property schema (or what it refers to) sets one of the boolean `keywords`.
fn property_flag(root: &Value, property: &Value, pointer: &str, keywords: &[&str]) -> bool {
    let (resolved, _) = deref(root, property, pointer);
    let (resolved, _) = single_all_of(root, resolved, pointer.to_string());
    [property, resolved].iter().any(|v| {
        keywords
            .iter()
            .any(|k| v.get(*k).and_then(Value::as_bool) == Some(true))
    })
}

/// `allOf: [X]` with nothing else that shapes the value stands for X.
fn single_all_of<'a>(root: &'a Value, schema: &'a Value, pointer: String) -> (&'a Value, String) {
    let Some(items) = schema.get("allOf").and_then(Value::as_array) else {
        return (schema, pointer);
    };
    let shaping = [
        "type",
        "properties",
        "items",
        "enum",
        "oneOf",
        "anyOf",
        "additionalProperties",
    ];
    if items.len() == 1 && !shaping.iter().any(|k| schema.get(*k).is_some()) {
        let (target, ptr) = deref(root, &items[0], &format!("{pointer}/allOf/0"));
        if target.get("properties").is_none() && target.get("allOf").is_none() {
            return (target, ptr);
        }
    }
    (schema, pointer)
}

/// The properties of an object schema with its `allOf` members merged in, each with the
/// pointer where it is defined.
#[derive(Default)]
struct Flat<'a> {
    properties: BTreeMap<String, (&'a Value, String)>,
    required: BTreeSet<String>,
}

fn flatten<'a>(root: &'a Value, schema: &'a Value, pointer: &str, depth: usize) -> Flat<'a> {
    let mut flat = Flat::default();
    if depth > 16 {
        return flat;
    }
    if let Some(members) = schema.get("allOf").and_then(Value::as_array) {
        for (i, m) in members.iter().enumerate() {
            let (m, mp) = deref(root, m, &format!("{pointer}/allOf/{i}"));
            let inner = flatten(root, m, &mp, depth + 1);
            flat.properties.extend(inner.properties);
            flat.required.extend(inner.required);
        }
    }
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (name, p) in props {
            flat.properties.insert(
                name.clone(),
                (p, join(&format!("{pointer}/properties"), name)),
            );
        }
    }
    if let Some(req) = schema.get("required").and_then(Value::as_array) {
        flat.required
            .extend(req.iter().filter_map(Value::as_str).map(str::to_string));
    }
    flat
}

/// A parameter of an operation, resolved.
struct Param<'a> {
    name: String,
    pointer: String,
    value: &'a Value,
}

/// Path-item parameters overridden by operation parameters, keyed by (in, name) — for
/// path parameters (in, position in the path template), so renaming one is not a
/// removal.
fn effective_parameters<'a>(
    root: &'a Value,
    op: &spec::OperationRef<'a>,
) -> BTreeMap<(String, String), Param<'a>> {
    let template_params: Vec<&str> = op
        .path
        .split('{')
        .skip(1)
        .filter_map(|s| s.split('}').next())
        .collect();
    let mut out = BTreeMap::new();
    for (container, base) in [(op.item, &op.item_pointer), (op.op, &op.pointer)] {
        let Some(params) = container.get("parameters").and_then(Value::as_array) else {
            continue;
        };
        for (i, p) in params.iter().enumerate() {
            let pointer = format!("{base}/parameters/{i}");
            let (value, _) = deref(root, p, &pointer);
            let place = value
                .get("in")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let name = value
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let key = match template_params.iter().position(|t| *t == name) {
                Some(index) if place == "path" => format!("#{index}"),
                _ => name.clone(),
            };
            out.insert(
                (place, key),
                Param {
                    name,
                    pointer,
                    value,
                },
            );
        }
    }
    out
}

// ---------------------------------------------------------------------------------
// git

fn git(root: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(format!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

/// The revision to compare with: `base` if given, else `git merge-base HEAD main`.
pub fn resolve_base(root: &Path, base: Option<&str>) -> Result<String, Failure> {
    if let Some(b) = base {
        git(
            root,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{b}^{{commit}}"),
            ],
        )
        .map_err(|_| Failure::new(format!("unknown revision `{b}`")).with_code(2))?;
        return Ok(b.to_string());
    }
    let mb = git(root, &["merge-base", "HEAD", "main"])
        .or_else(|_| git(root, &["merge-base", "HEAD", "origin/main"]))
        .map_err(|e| {
            Failure::new(format!(
                "cannot find the merge base of HEAD and main ({e}); pass --base REV"
            ))
            .with_code(2)
        })?;
    Ok(String::from_utf8_lossy(&mb).trim().to_string())
}

/// The spec files of `specs/` at `rev`: display path → text.
pub fn specs_at(root: &Path, rev: &str) -> Result<BTreeMap<String, String>, Failure> {
    let listing = git(root, &["ls-tree", "--name-only", "-z", rev, "--", "specs/"])
        .map_err(|e| Failure::new(e).with_code(2))?;
    let mut out = BTreeMap::new();
    for name in listing.split(|b| *b == 0).filter(|n| !n.is_empty()) {
        let name = String::from_utf8_lossy(name).into_owned();
        let is_spec = Path::new(&name)
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| spec::SPEC_EXTENSIONS.contains(&e));
        // Only files directly in specs/, as `gen` reads them.
        if !is_spec || name.matches('/').count() != 1 {
            continue;
        }
        let text = git(root, &["show", &format!("{rev}:{name}")])
            .map_err(|e| Failure::new(e).with_code(2))?;
        let text = spec::text_of(&name, text)
            .map_err(|d| Failure::new(format!("cannot parse specs at {rev}:\n{d}")).with_code(2))?;
        out.insert(name, text);
    }
    Ok(out)
}

fn short_rev(root: &Path, rev: &str) -> String {
    git(root, &["rev-parse", "--short", rev])
        .map(|o| String::from_utf8_lossy(&o).trim().to_string())
        .unwrap_or_else(|_| rev.to_string())
}

/// The `version` of `generated/Cargo.toml`, if readable.
pub fn crate_version(generated: &Path) -> Option<String> {
    let text = std::fs::read_to_string(generated.join("Cargo.toml")).ok()?;
    let mut in_package = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package {
            if let Some(rest) = line.strip_prefix("version") {
                let rest = rest.trim_start();
                if let Some(v) = rest.strip_prefix('=') {
                    return Some(v.trim().trim_matches('"').to_string());
                }
            }
        }
    }
    None
}

fn parse_all(
    files: BTreeMap<String, String>,
    what: &str,
) -> Result<BTreeMap<String, Doc>, Failure> {
    let mut out = BTreeMap::new();
    let mut errors = Vec::new();
    for (file, text) in files {
        match Doc::parse(&file, text) {
            Ok(doc) => {
                out.insert(file, doc);
            }
            Err(d) => errors.push(d.to_string()),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(Failure::new(format!("cannot parse {what}:\n{}", errors.join("\n"))).with_code(2))
    }
}

/// Options of `cargo xtask diff`.
#[derive(Debug, Clone)]
pub struct DiffOptions {
    /// Revision to compare with; default the merge base of HEAD and main.
    pub base: Option<String>,
    /// Output format.
    pub format: Format,
    /// Exit non-zero when a change is at this level or worse.
    pub fail_on: Option<Level>,
}

/// Builds the report comparing `specs/` at the base revision with the working tree of
/// the repository at `root`.
pub fn report_for_repo(root: &Path, base: Option<&str>) -> Result<Report, Failure> {
    let rev = resolve_base(root, base)?;
    let old = parse_all(specs_at(root, &rev)?, &format!("specs at {rev}"))?;
    let mut new_files = BTreeMap::new();
    let specs_dir = root.join("specs");
    for path in
        spec::collect_specs(&specs_dir).map_err(|e| Failure::io(&specs_dir, e).with_code(2))?
    {
        let file = spec::display_path(root, &path);
        let text = spec::read_text(&path, &file).map_err(|d| {
            Failure::new(format!("cannot parse specs in the working tree:\n{d}")).with_code(2)
        })?;
        new_files.insert(file, text);
    }
    let new = parse_all(new_files, "specs in the working tree")?;
    let label = match base {
        Some(b) => b.to_string(),
        None => format!("merge-base of HEAD and main ({})", short_rev(root, &rev)),
    };
    Ok(Report::new(
        Some(label),
        diff_sets(&old, &new),
        crate_version(&root.join("generated")),
    ))
}

/// `cargo xtask diff`.
pub fn run_diff(root: &Path, options: &DiffOptions, out: &mut dyn Write) -> Result<(), Failure> {
    let report = report_for_repo(root, options.base.as_deref())?;
    write!(out, "{}", report.render(options.format)).ok();
    match options.fail_on {
        Some(level) if report.has_at_least(level) => Err(Failure::new(format!(
            "{} change(s) at {level} or worse (--fail-on {level})",
            report.changes.iter().filter(|c| c.level >= level).count()
        ))),
        _ => Ok(()),
    }
}
