//! Spec files as plain JSON trees with positions: what `lint` and `diff` work on.
//!
//! Documents are read by codegen's loader, as `gen` reads them (so the three verbs
//! accept and refuse the same inputs); `lint` and `diff` then look at keywords the
//! typed model drops (`x-*`, `nullable` next to `$ref`), so they work on a
//! `serde_json::Value` of the same text.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use crate::locate::{Locator, Position};

/// File extensions of spec files, in the order they are looked for.
pub const SPEC_EXTENSIONS: &[&str] = &["yaml", "yml", "json"];

/// Whether `path` names an OpenAPI Overlay of a spec beside it: `NAME.overlay.yaml`
/// (or `.yml`, `.json`) patches `NAME.yaml` (see [`codegen::load::overlay`]).
pub fn is_overlay(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    SPEC_EXTENSIONS
        .iter()
        .any(|ext| name.ends_with(&format!(".overlay.{ext}")))
}

/// The stem of the spec an overlay file patches (`specs/zild.overlay.yaml` → `zild`).
pub fn overlaid_stem(overlay: &Path) -> String {
    let name = overlay
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.split(".overlay.")
        .next()
        .unwrap_or_default()
        .to_string()
}

/// Overlays to apply to a spec: each `(file as shown, text)`, in order.
pub type Overlays = [(PathBuf, String)];

/// Every spec file directly in `dir` (`*.yaml`, `*.yml`, `*.json`), sorted by name;
/// overlays ([`is_overlay`]) are not specs.
pub fn collect_specs(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    if !dir.exists() {
        return Ok(out);
    }
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let is_spec = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| SPEC_EXTENSIONS.contains(&e));
        if is_spec && !is_overlay(&path) && path.is_file() {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

/// The file stem of a spec (`specs/teamwork-desk.yaml` → `teamwork-desk`).
pub fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Rust module name for a spec: its file stem in snake_case.
pub fn module_name(path: &Path) -> String {
    codegen::naming::module_name(&stem(path))
}

/// Cargo package name for a standalone crate: the file stem in kebab-case.
pub fn package_name(path: &Path) -> String {
    use heck::ToKebabCase;
    let name = stem(path).to_kebab_case();
    if name.is_empty() {
        "generated-api".to_string()
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("api-{name}")
    } else {
        name
    }
}

/// `path` relative to `base` when it is inside it, '/'-separated; otherwise as given.
pub fn display_path(base: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    let text = rel.to_string_lossy().into_owned();
    if std::path::MAIN_SEPARATOR == '\\' {
        text.replace('\\', "/")
    } else {
        text
    }
}

/// How serious a finding is: one scale for lint findings (`error`, `warning`, `info`)
/// and diff changes (`ERR`, `WARN`, `INFO`: what a change does to callers of the API).
/// Ordered from the least to the most serious.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// For reviewers: nothing is wrong (an `x-assumption`; a harmless change or an
    /// addition).
    Info,
    /// Worth a look; a change that may break callers.
    Warning,
    /// The spec is wrong; a change that breaks callers.
    Error,
}

impl Severity {
    /// The diff's short form: `ERR`, `WARN` or `INFO`.
    pub fn code(self) -> &'static str {
        match self {
            Severity::Error => "ERR",
            Severity::Warning => "WARN",
            Severity::Info => "INFO",
        }
    }
}

/// `error`, `warning` or `info` (lint's words; see [`Severity::code`] for the diff's).
impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        })
    }
}

impl std::str::FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Severity, String> {
        match s.to_ascii_uppercase().as_str() {
            "ERR" | "ERROR" => Ok(Severity::Error),
            "WARN" | "WARNING" => Ok(Severity::Warning),
            "INFO" => Ok(Severity::Info),
            _ => Err(format!("unknown level `{s}`; expected ERR, WARN or INFO")),
        }
    }
}

/// A message about one place in one spec file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// How serious it is.
    pub severity: Severity,
    /// The file, as shown to the user.
    pub file: String,
    /// One-based line and column, where known.
    pub position: Option<Position>,
    /// JSON pointer of the node (`""` for the whole document).
    pub pointer: String,
    /// What is wrong (or, for info, what there is to know).
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic whose position is looked up with `locator`.
    pub fn at(
        severity: Severity,
        file: &str,
        locator: &Locator,
        pointer: &str,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            severity,
            file: file.to_string(),
            position: locator.locate(pointer),
            pointer: pointer.to_string(),
            message: message.into(),
        }
    }

    /// `file:line:col: /pointer: ` — the part before the message.
    pub fn location(&self) -> String {
        let mut out = self.file.clone();
        if let Some((line, col)) = self.position {
            out.push_str(&format!(":{line}:{col}"));
        }
        let pointer = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        out.push_str(&format!(": {pointer}"));
        out
    }
}

/// `file:line:col: /pointer: message`.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location(), self.message)
    }
}

impl Diagnostic {
    /// The error of codegen's loader, for the file shown as `file`.
    pub fn from_spec_error(file: &str, e: codegen::SpecError) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            file: file.to_string(),
            position: e.position,
            pointer: e.pointer,
            message: e.message,
        }
    }
}

/// A spec read as a JSON tree, with its positions and its typed form.
///
/// It is read by codegen's loader ([`codegen::load`]), the one `gen` uses: a document
/// `gen` refuses is refused here with the same located message.
#[derive(Debug, Clone)]
pub struct Doc {
    /// The file, as shown to the user.
    pub file: String,
    /// The document as JSON.
    pub value: Value,
    /// Positions of its nodes.
    pub locator: Locator,
    /// The typed document, as the generator reads it, with the text as written
    /// (`spec.source`); shared with the generator's input ([`Doc::api_input`]).
    pub spec: Arc<codegen::LoadedSpec>,
    /// The overlays applied to the text first, each `(file as shown, text)` (see
    /// [`Doc::load_overlaid`]); their notes are placed in them.
    pub overlays: Vec<(PathBuf, String)>,
    /// The Rust items generated for it (its module named by the file stem), when its
    /// model was built ([`Doc::parse`] builds it).
    pub items: Option<codegen::items::ApiItems>,
}

impl Doc {
    /// Reads `source` (YAML or JSON) the way `gen` does, and checks that the generator
    /// can build its model (`$ref` cycles, dangling references...): what `gen` refuses,
    /// this refuses, with the same message. `file` is only used in messages.
    pub fn parse(file: &str, source: String) -> Result<Doc, Diagnostic> {
        let mut doc = Doc::load(file, source)?;
        match codegen::items::api_items(&doc.api_input()) {
            Ok(items) => {
                doc.items = Some(items);
                Ok(doc)
            }
            Err(e) => Err(doc.diag(Severity::Error, &e.pointer, e.message)),
        }
    }

    /// Like [`Doc::parse`], but a document whose model cannot be built is read without
    /// its Rust items, the model's error kept for [`Doc::warnings`]: what `diff` and
    /// `review` compare, so that a reviewer gets a diff of any document the loader reads.
    /// `overlays` are applied first (see [`Doc::load_overlaid`]).
    pub fn parse_lenient(
        file: &str,
        source: String,
        overlays: &Overlays,
    ) -> Result<Doc, Diagnostic> {
        let mut doc = Doc::load_overlaid(file, source, overlays)?;
        doc.items = codegen::items::api_items(&doc.api_input()).ok();
        Ok(doc)
    }

    /// How the document was read where it is not what `gen` takes as it is: each formal
    /// defect the loader repaired and each loss of the normalising pass (see
    /// [`codegen::LoadedSpec::notes`]), and the model's error when it has no items.
    pub fn warnings(&self) -> Vec<Diagnostic> {
        let mut out = self.notes();
        if self.items.is_none() {
            if let Some(mut e) = self.model_error() {
                e.severity = Severity::Warning;
                e.message = format!("{} (Rust items are not named)", e.message);
                out.push(e);
            }
        }
        out
    }

    /// The loader's notes as warnings: each formal defect it repaired and each loss of
    /// the normalising pass, as `gen` prints them.
    pub fn notes(&self) -> Vec<Diagnostic> {
        self.spec
            .notes
            .iter()
            .map(|n| match n.pointer.split_once('#') {
                // A place in another file: an overlay's is located in it; a file a `$ref`
                // names has no position here.
                Some((file, pointer)) => {
                    let overlay = self
                        .overlays
                        .iter()
                        .find(|(shown, _)| shown.to_string_lossy() == file);
                    match overlay {
                        Some((_, text)) => Diagnostic {
                            severity: Severity::Warning,
                            file: file.to_string(),
                            position: codegen::load::index_of(text).locate(pointer),
                            pointer: pointer.to_string(),
                            message: n.message.clone(),
                        },
                        None => Diagnostic {
                            position: None,
                            ..self.diag(Severity::Warning, &n.pointer, n.message.clone())
                        },
                    }
                }
                None => self.diag(Severity::Warning, &n.pointer, n.message.clone()),
            })
            .collect()
    }

    /// Like [`Doc::parse`], without the model check (for `lint`, which reports the
    /// model's error beside its own findings).
    pub fn load(file: &str, source: String) -> Result<Doc, Diagnostic> {
        let path = Path::new(file);
        let diag = |e| Diagnostic::from_spec_error(file, e);
        let checked = codegen::load::check(path, source, true).map_err(diag)?;
        let value = checked.value().map_err(diag)?;
        let locator = Locator::from_positions(checked.positions.get(&checked.source));
        let spec = checked.typed().map_err(diag)?.into();
        Ok(Doc {
            file: file.to_string(),
            value,
            locator,
            spec,
            overlays: Vec::new(),
            items: None,
        })
    }

    /// Like [`Doc::load`], with `overlays` applied to the text first, as `gen` applies
    /// them: the tree and the typed document are the patched ones, positions those of
    /// the file as written, and each overlay action that selects nothing is a note
    /// ("the overlay no longer applies").
    pub fn load_overlaid(
        file: &str,
        source: String,
        overlays: &Overlays,
    ) -> Result<Doc, Diagnostic> {
        if overlays.is_empty() {
            return Doc::load(file, source);
        }
        let path = Path::new(file);
        // An error may be in an overlay: it names its own file.
        let diag = |e: codegen::SpecError| {
            let shown = e.file.to_string_lossy().replace('\\', "/");
            Diagnostic::from_spec_error(&shown, e)
        };
        let patched =
            codegen::load::overlay::apply_to_text(path, source.clone(), overlays).map_err(diag)?;
        let value = patched.value.clone();
        let spec: Arc<codegen::LoadedSpec> =
            codegen::load::overlay::load_patched(path, source, patched)
                .map_err(diag)?
                .into();
        let locator = Locator::from_positions(spec.positions.get(&spec.source));
        Ok(Doc {
            file: file.to_string(),
            value,
            locator,
            spec,
            overlays: overlays.to_vec(),
            items: None,
        })
    }

    /// Reads and parses the file at `path`, shown as `file`.
    pub fn read(path: &Path, file: &str) -> Result<Doc, Diagnostic> {
        Doc::parse(file, read_text(path, file)?)
    }

    /// What `gen` would refuse in this document's model, located.
    pub fn model_error(&self) -> Option<Diagnostic> {
        let e = codegen::check_api(&self.api_input()).err()?;
        Some(self.diag(Severity::Error, &e.pointer, e.message))
    }

    /// The document as one API of a generated crate (module named by the file stem).
    pub fn api_input(&self) -> codegen::ApiInput {
        codegen::ApiInput {
            module: module_name(Path::new(&self.file)),
            spec: Arc::clone(&self.spec),
        }
    }

    /// A diagnostic at `pointer` in this document.
    pub fn diag(
        &self,
        severity: Severity,
        pointer: &str,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::at(severity, &self.file, &self.locator, pointer, message)
    }

    /// The node at `pointer`.
    pub fn get(&self, pointer: &str) -> Option<&Value> {
        self.value.pointer(pointer)
    }
}

/// The text of the spec file at `path` (shown as `file`), read as `gen` reads it: at
/// most [`codegen::load::MAX_DOCUMENT_BYTES`], UTF-8 or an error at the first bad byte.
pub fn read_text(path: &Path, file: &str) -> Result<String, Diagnostic> {
    let bytes = codegen::load::read_file(path).map_err(|e| Diagnostic::from_spec_error(file, e))?;
    text_of(file, bytes)
}

/// `bytes` as text, or the loader's located error (for files read from git).
pub fn text_of(file: &str, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    codegen::load::text_from_bytes(Path::new(file), bytes)
        .map_err(|e| Diagnostic::from_spec_error(file, e))
}

pub use codegen::load::yaml_to_json;

/// Resolves a local reference (`#/components/schemas/X`) to a JSON pointer
/// (`/components/schemas/X`), undoing URI percent-encoding. `None` for other references.
pub fn local_ref_pointer(reference: &str) -> Option<String> {
    let fragment = reference.strip_prefix('#')?;
    Some(percent_decode(fragment))
}

fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .map_or_else(|_| text.to_string(), |t| t.into_owned())
}

/// The HTTP methods an OpenAPI 3.0 path item can hold, in document order (codegen's).
pub const METHODS: &[&str] = &codegen::operations::METHODS;

/// One operation of a document.
#[derive(Debug, Clone)]
pub struct OperationRef<'a> {
    /// The path template, e.g. `/conversations/{id}`.
    pub path: &'a str,
    /// Lower-case method, e.g. `post`.
    pub method: &'a str,
    /// JSON pointer of the operation object.
    pub pointer: String,
    /// The operation object.
    pub op: &'a Value,
    /// The path item (for its shared parameters).
    pub item: &'a Value,
    /// JSON pointer of the path item.
    pub item_pointer: String,
}

/// Every operation, in document order.
pub fn operations(doc: &Value) -> Vec<OperationRef<'_>> {
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        let item_pointer = crate::locate::join("/paths", path);
        let Some(item_obj) = item.as_object() else {
            continue;
        };
        for method in METHODS {
            if let Some(op) = item_obj.get(*method).filter(|v| v.is_object()) {
                out.push(OperationRef {
                    path,
                    method,
                    pointer: format!("{item_pointer}/{method}"),
                    op,
                    item,
                    item_pointer: item_pointer.clone(),
                });
            }
        }
    }
    out
}

/// Follows `$ref`s (local only) from `value` until a non-reference; returns the node and
/// its pointer. Gives up on cycles and unresolvable references.
pub fn deref<'a>(root: &'a Value, value: &'a Value, pointer: &str) -> (&'a Value, String) {
    let mut current = value;
    let mut ptr = pointer.to_string();
    for _ in 0..32 {
        let Some(r) = current.get("$ref").and_then(Value::as_str) else {
            break;
        };
        let Some(target_ptr) = local_ref_pointer(r) else {
            break;
        };
        let Some(target) = root.pointer(&target_ptr) else {
            break;
        };
        current = target;
        ptr = target_ptr;
    }
    (current, ptr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_status_keys_become_strings() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        200: {description: ok}\n";
        let doc = Doc::parse("a.yaml", text.into()).unwrap();
        assert!(doc.value.pointer("/paths/~1a/get/responses/200").is_some());
    }

    #[test]
    fn percent_decoding_of_refs() {
        assert_eq!(
            local_ref_pointer("#/paths/~1a%7Bb%7D").as_deref(),
            Some("/paths/~1a{b}")
        );
        assert_eq!(local_ref_pointer("other.yaml#/x"), None);
    }

    #[test]
    fn names() {
        assert_eq!(
            module_name(Path::new("specs/teamwork-desk.yaml")),
            "teamwork_desk"
        );
        assert_eq!(
            package_name(Path::new("x/Teamwork_Desk.yaml")),
            "teamwork-desk"
        );
    }
}
