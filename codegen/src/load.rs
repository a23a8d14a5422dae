//! Reading a spec: bytes → checked text → typed `openapiv3::OpenAPI`, with errors that
//! name the file, the JSON pointer and the line and column.
//!
//! This is the one loader: `xtask gen`, `lint` and `diff` all read documents through
//! it, so they accept and refuse the same inputs with the same messages. In order:
//!
//! 1. the bytes: at most [`MAX_DOCUMENT_BYTES`], UTF-8 (else the line and column of the
//!    first bad byte), not empty;
//! 2. one pass over the document's events ([`check`]): syntax, nesting depth (at most
//!    [`MAX_DEPTH`]), YAML aliases (at most [`MAX_ALIAS_NODES`] nodes added), duplicate
//!    keys (at the second one), integers wider than 64 bits, one document per file, a
//!    mapping at the root, and the version: `openapi: 3.0.N` or `3.1.N` exactly. The same pass
//!    builds the position index ([`Positions`]) when asked; otherwise it is built the
//!    first time a position is needed;
//! 3. the typed parse (serde_json or serde_yaml into `openapiv3`), whose errors are
//!    placed with the index.

mod index;
mod json;
pub mod overlay;
mod refs;
mod repair;

pub(crate) use refs::KINDS as COMPONENT_KINDS;
mod yaml;

use std::collections::BTreeMap;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use openapiv3::OpenAPI;

pub use index::{escape_pointer_token, unescape_token, Head, Positions, RootKind, VersionField};

/// One-based line and column.
pub type Position = (usize, usize);

/// Largest document read, in bytes (GitHub's REST description, among the largest in
/// use, is 13 MB).
pub const MAX_DOCUMENT_BYTES: usize = 64 * 1024 * 1024;

/// Deepest nesting of mappings and sequences (serde_json and serde_yaml stop at 128).
pub const MAX_DEPTH: usize = 100;

/// Most nodes that YAML aliases may add to a document when expanded.
pub const MAX_ALIAS_NODES: usize = 1_000_000;

/// A spec that parsed: its path, its text and the typed document.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    /// Where the document was read from (as given by the caller).
    pub path: PathBuf,
    /// The document's text, kept so that later errors can point at lines.
    pub source: String,
    /// The typed document.
    pub openapi: OpenAPI,
    /// Where each node of `source` is (built on first use).
    pub positions: LazyPositions,
    /// What the normalising pass (OpenAPI 3.1, `$ref`s the typed model cannot follow)
    /// could not carry over exactly, by JSON pointer into `source`.
    pub notes: Vec<crate::normalize::Note>,
    /// `$ref`s that point to nothing (or into a file that cannot be read), found by the
    /// normalising pass; the model refuses the first, `lint` lists them all.
    pub unresolved: Vec<crate::normalize::Note>,
    /// Component schemas the normalising pass added, by pointer: where each was taken
    /// from (see [`crate::normalize::Normalized::origins`]).
    pub origins: BTreeMap<String, String>,
}

impl LoadedSpec {
    /// Line and column of the node at `pointer` (see [`Positions::locate`]), a pointer
    /// into a component schema the normalising pass added counting as one into the place
    /// it was taken from.
    pub fn locate(&self, pointer: &str) -> Option<Position> {
        let source = self.source_pointer(pointer);
        // A place in another file has no position in this one: the added component's.
        let pointer = if source.contains('#') {
            pointer
        } else {
            &source
        };
        self.positions.get(&self.source).locate(pointer)
    }

    /// `pointer` as a place the author wrote: a pointer into a component schema that the
    /// normalising pass added becomes one into the place it was taken from.
    pub fn source_pointer(&self, pointer: &str) -> String {
        source_pointer(&self.origins, pointer)
    }
}

/// [`LoadedSpec::source_pointer`] with the pass's origins.
fn source_pointer(origins: &BTreeMap<String, String>, pointer: &str) -> String {
    // The added component is the pointer's first three tokens.
    let end = pointer
        .match_indices('/')
        .nth(3)
        .map_or(pointer.len(), |(i, _)| i);
    match origins.get(&pointer[..end]) {
        Some(origin) => format!("{origin}{}", &pointer[end..]),
        None => pointer.to_string(),
    }
}

/// A position index built the first time it is asked for, shared by clones.
#[derive(Clone, Default)]
pub struct LazyPositions(Arc<OnceLock<Arc<Positions>>>);

impl fmt::Debug for LazyPositions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.get().is_some() {
            "LazyPositions(built)"
        } else {
            "LazyPositions(not built)"
        })
    }
}

impl LazyPositions {
    /// An index that is already built.
    pub fn ready(positions: Positions) -> LazyPositions {
        let cell = OnceLock::new();
        let _ = cell.set(Arc::new(positions));
        LazyPositions(Arc::new(cell))
    }

    /// The index of `source` (the text this index belongs to), built on first use.
    pub fn get(&self, source: &str) -> Arc<Positions> {
        self.0.get_or_init(|| Arc::new(index_of(source))).clone()
    }
}

/// The positions of every node of `source`; empty when it does not parse.
pub fn index_of(source: &str) -> Positions {
    positions_of(source).unwrap_or_default()
}

/// The positions of every node of `source` (YAML or JSON, any content), or where and
/// why the one pass stopped.
pub fn positions_of(source: &str) -> Result<Positions, (Option<Position>, String)> {
    match scan(source, format_of(source), true) {
        Ok((_, positions)) => Ok(positions),
        Err(ScanFailure::Refused(r)) => Err((Some(r.position), r.message)),
        Err(ScanFailure::Syntax(position, message)) => Err((position, message)),
    }
}

/// Why a document could not be read as OpenAPI 3.0 or 3.1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// The file the error is in.
    pub file: PathBuf,
    /// JSON pointer of the offending place (`""` for the whole document).
    pub pointer: String,
    /// One-based line and column, where known.
    pub position: Option<(usize, usize)>,
    /// What was expected or found.
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some((line, col)) = self.position {
            write!(f, ":{line}:{col}")?;
        }
        let pointer = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        write!(f, ": {pointer}: {}", self.message)
    }
}

impl std::error::Error for SpecError {}

fn spec_error(
    path: &Path,
    pointer: &str,
    position: Option<Position>,
    message: String,
) -> SpecError {
    SpecError {
        file: path.to_path_buf(),
        pointer: pointer.to_string(),
        position,
        message,
    }
}

/// The two notations a spec can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The document starts with `{`: read with serde_json.
    Json,
    /// Anything else: read with serde_yaml.
    Yaml,
}

/// Which notation `source` is in (JSON when it starts with `{`).
pub fn format_of(source: &str) -> Format {
    if source.trim_start().starts_with('{') {
        Format::Json
    } else {
        Format::Yaml
    }
}

/// Reads the file at `path`: at most [`MAX_DOCUMENT_BYTES`] bytes.
pub fn read_file(path: &Path) -> Result<Vec<u8>, SpecError> {
    let cannot = |e: std::io::Error| spec_error(path, "", None, format!("cannot read file: {e}"));
    let file = std::fs::File::open(path).map_err(cannot)?;
    let mut bytes = Vec::new();
    file.take(MAX_DOCUMENT_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    check_size(path, &bytes)?;
    Ok(bytes)
}

fn check_size(path: &Path, bytes: &[u8]) -> Result<(), SpecError> {
    if bytes.len() <= MAX_DOCUMENT_BYTES {
        return Ok(());
    }
    Err(spec_error(
        path,
        "",
        Some(byte_position(bytes, MAX_DOCUMENT_BYTES)),
        format!(
            "the document is larger than {} MiB, the most a spec may have",
            MAX_DOCUMENT_BYTES >> 20
        ),
    ))
}

/// Line and column (in characters) of byte `offset`.
fn byte_position(bytes: &[u8], offset: usize) -> Position {
    let before = &bytes[..offset.min(bytes.len())];
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let col = before[line_start..]
        .iter()
        .filter(|b| **b & 0xC0 != 0x80)
        .count()
        + 1;
    (line, col)
}

/// The text of a document: UTF-8, or an error at the first byte that is not.
pub fn text_from_bytes(path: &Path, bytes: Vec<u8>) -> Result<String, SpecError> {
    check_size(path, &bytes)?;
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let at = e.utf8_error().valid_up_to();
        spec_error(
            path,
            "",
            Some(byte_position(bytes, at)),
            format!(
                "the file is not UTF-8: byte 0x{:02X} (offset {at}) is not valid here; save the file as UTF-8",
                bytes[at]
            ),
        )
    })
}

/// Reads and parses the document at `path` (YAML or JSON).
pub fn load_spec(path: &Path) -> Result<LoadedSpec, SpecError> {
    parse_spec_bytes(path, read_file(path)?)
}

/// Parses the bytes of a document; `path` is only used in errors.
pub fn parse_spec_bytes(path: &Path, bytes: Vec<u8>) -> Result<LoadedSpec, SpecError> {
    parse_spec(path, text_from_bytes(path, bytes)?)
}

/// Parses `source` as an OpenAPI 3.0 or 3.1 document; `path` is only used in errors.
pub fn parse_spec(path: &Path, source: String) -> Result<LoadedSpec, SpecError> {
    check(path, source, false)?.typed()
}

/// A document whose text passed every check that needs no schema (see the module
/// documentation), ready for the typed parse or to be read as a JSON tree.
#[derive(Debug, Clone)]
pub struct Checked {
    /// Where the document was read from (as given by the caller).
    pub path: PathBuf,
    /// The document's text (without a byte order mark).
    pub source: String,
    /// JSON or YAML.
    pub format: Format,
    /// Where each node is.
    pub positions: LazyPositions,
    /// OpenAPI 3.1, or a `$ref` that `openapiv3` cannot follow from its place: the
    /// typed parse goes through [`crate::normalize`] first.
    pub needs_normalizing: bool,
}

/// Runs the one pass over `source` (see the module documentation). With `positions`
/// the index is built by the same pass (callers that locate many nodes want that);
/// otherwise it is built on first use.
pub fn check(path: &Path, source: String, positions: bool) -> Result<Checked, SpecError> {
    check_size(path, source.as_bytes())?;
    let source = match source.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => source,
    };
    if source.trim().is_empty() {
        return Err(spec_error(
            path,
            "",
            Some((1, 1)),
            "empty document; expected an OpenAPI 3.0 or 3.1 document".into(),
        ));
    }
    let format = format_of(&source);
    let (head, index) = scan(&source, format, positions).map_err(|f| match f {
        ScanFailure::Refused(r) => spec_error(path, &r.pointer, Some(r.position), r.message),
        ScanFailure::Syntax(position, message) => spec_error(path, "", position, message),
    })?;
    match head.root {
        None | Some(RootKind::Scalar(true)) => return Err(spec_error(
            path,
            "",
            Some((1, 1)),
            "empty document (only comments or an empty value); expected an OpenAPI 3.0 or 3.1 document"
                .into(),
        )),
        Some(RootKind::Map) => {}
        Some(_) => {
            return Err(spec_error(
                path,
                "",
                Some((1, 1)),
                "the document is not a mapping; expected an OpenAPI 3.0 or 3.1 document".into(),
            ))
        }
    }
    check_version(&head).map_err(|(pointer, position, message)| {
        spec_error(path, pointer, Some(position), message)
    })?;
    let is31 = head
        .openapi
        .as_ref()
        .and_then(|v| v.text.as_deref())
        .is_some_and(|v| v.starts_with("3.1."));
    Ok(Checked {
        path: path.to_path_buf(),
        source,
        format,
        positions: if positions {
            LazyPositions::ready(index)
        } else {
            LazyPositions::default()
        },
        needs_normalizing: is31 || head.irregular_refs,
    })
}

enum ScanFailure {
    Refused(index::Refusal),
    Syntax(Option<Position>, String),
}

fn scan(source: &str, format: Format, record: bool) -> Result<(Head, Positions), ScanFailure> {
    match format {
        Format::Json => {
            let mut builder = index::Builder::new(record, false);
            match json::scan(source, &mut builder) {
                Ok(()) => Ok(builder.finish()),
                Err(json::Stop::Refused(r)) => Err(ScanFailure::Refused(r)),
                Err(json::Stop::Syntax) => {
                    let e = serde_json::from_str::<serde::de::IgnoredAny>(source)
                        .err()
                        .map(|e| {
                            let pos = (e.line() > 0).then(|| (e.line(), e.column()));
                            (pos, strip_position(&e.to_string()))
                        })
                        .unwrap_or((None, "unexpected input".into()));
                    Err(ScanFailure::Syntax(e.0, format!("not valid JSON: {}", e.1)))
                }
            }
        }
        Format::Yaml => {
            let mut builder = index::Builder::new(record, true);
            match yaml::scan(source, &mut builder) {
                Ok(()) => Ok(builder.finish()),
                Err(yaml::Stop::Refused(r)) => Err(ScanFailure::Refused(r)),
                Err(yaml::Stop::Syntax(pos, message)) => Err(ScanFailure::Syntax(
                    Some(pos),
                    format!("not valid YAML: {message}"),
                )),
            }
        }
    }
}

impl Checked {
    /// Line and column of the node at `pointer`.
    pub fn locate(&self, pointer: &str) -> Option<Position> {
        self.positions.get(&self.source).locate(pointer)
    }

    /// The typed document.
    pub fn typed(self) -> Result<LoadedSpec, SpecError> {
        if self.needs_normalizing {
            return self.typed_normalized(None);
        }
        let path = self.path.as_path();
        let parsed: Result<OpenAPI, (String, Option<Position>, String)> = match self.format {
            Format::Json => {
                let mut de = serde_json::Deserializer::from_str(&self.source);
                serde_path_to_error::deserialize(&mut de).map_err(|e| {
                    let inner = e.inner();
                    let pos = (inner.line() > 0).then(|| (inner.line(), inner.column()));
                    (
                        path_to_pointer(e.path()),
                        pos,
                        strip_position(&inner.to_string()),
                    )
                })
            }
            Format::Yaml => {
                let de = serde_yaml::Deserializer::from_str(&self.source);
                serde_path_to_error::deserialize(de).map_err(|e| {
                    let inner = e.inner();
                    let pos = inner.location().map(|l| (l.line(), l.column()));
                    (
                        path_to_pointer(e.path()),
                        pos,
                        strip_yaml_path(&strip_position(&inner.to_string())),
                    )
                })
            }
        };
        match parsed {
            Ok(openapi) => Ok(LoadedSpec {
                path: self.path,
                source: self.source,
                openapi,
                positions: self.positions,
                notes: Vec::new(),
                unresolved: Vec::new(),
                origins: BTreeMap::new(),
            }),
            Err((pointer, parser_pos, message)) => {
                let pointer = if pointer == "/paths" {
                    refine_paths_pointer(&self.source, self.format).unwrap_or(pointer)
                } else {
                    pointer
                };
                // The node the pointer names, or where the parser stopped when that is
                // inside it (the pointer stops early where openapiv3 flattens fields).
                let located = (!pointer.is_empty())
                    .then(|| self.locate(&pointer))
                    .flatten();
                let position = match (located, parser_pos) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    (a, b) => a.or(b),
                };
                let error = spec_error(path, &pointer, position, message);
                // Formal defects are repaired on the JSON tree (`repair`); a document
                // that still fails is refused with this, the better-placed, error.
                self.typed_normalized(Some(error))
            }
        }
    }

    /// The normalising route: the JSON tree, normalised, then typed. Other files named by
    /// `$ref`s are read through the same checks as this one, each once. When the typed
    /// parse fails, the formal defects `repair` knows are repaired and the parse runs
    /// once more; `refused` is the direct route's error, returned when that fails too.
    fn typed_normalized(self, refused: Option<SpecError>) -> Result<LoadedSpec, SpecError> {
        let mut value = match (self.value(), &refused) {
            (Ok(value), _) => value,
            (Err(_), Some(refused)) => return Err(refused.clone()),
            (Err(e), None) => return Err(e),
        };
        let folder = self
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let mut load = |file: &str| -> Result<serde_json::Value, String> {
            let path = folder.join(file);
            let bytes = read_file(&path).map_err(|e| e.message)?;
            let text = text_from_bytes(&path, bytes).map_err(|e| e.to_string())?;
            check_other_file(&path, text)
                .and_then(|c| c.value())
                .map_err(|e| e.to_string())
        };
        let normalized = crate::normalize::normalize(&mut value, &mut load).map_err(|e| {
            refused.clone().unwrap_or_else(|| {
                let position = self.locate(&e.pointer);
                spec_error(&self.path, &e.pointer, position, e.message)
            })
        })?;
        let mut notes = normalized.notes;
        let mut parsed: Result<OpenAPI, _> = serde_path_to_error::deserialize(&value);
        if parsed.is_err() {
            let repairs = repair::repair(&mut value);
            if !repairs.is_empty() {
                notes.extend(repairs);
                parsed = serde_path_to_error::deserialize(&value);
            }
        }
        match (parsed, refused) {
            (Ok(openapi), _) => Ok(LoadedSpec {
                path: self.path,
                source: self.source,
                openapi,
                positions: self.positions,
                notes,
                unresolved: normalized.unresolved,
                origins: normalized.origins,
            }),
            (Err(_), Some(refused)) => Err(refused),
            (Err(e), None) => {
                let pointer = source_pointer(&normalized.origins, &path_to_pointer(e.path()));
                let position = (!pointer.contains('#'))
                    .then(|| self.locate(&pointer))
                    .flatten();
                let message = strip_position(&e.inner().to_string());
                Err(spec_error(&self.path, &pointer, position, message))
            }
        }
    }

    /// The document as a JSON tree (YAML merge keys applied, non-string keys as text).
    pub fn value(&self) -> Result<serde_json::Value, SpecError> {
        let failed = |message: String| spec_error(&self.path, "", None, message);
        match self.format {
            Format::Json => serde_json::from_str(&self.source)
                .map_err(|e| failed(strip_position(&e.to_string()))),
            Format::Yaml => {
                let mut yaml: serde_yaml::Value = serde_yaml::from_str(&self.source)
                    .map_err(|e| failed(strip_position(&e.to_string())))?;
                yaml.apply_merge().ok();
                Ok(yaml_to_json(yaml))
            }
        }
    }
}

/// openapiv3 flattens `paths`, which hides where inside it a type error is. Decoding
/// each path item on its own finds the full pointer.
fn refine_paths_pointer(source: &str, format: Format) -> Option<String> {
    let doc: serde_json::Value = match format {
        Format::Json => serde_json::from_str(source).ok()?,
        Format::Yaml => yaml_to_json(serde_yaml::from_str(source).ok()?),
    };
    for (path, item) in doc.get("paths")?.as_object()? {
        if path.starts_with("x-") || item.get("$ref").is_some() {
            continue;
        }
        let result: Result<openapiv3::PathItem, _> = serde_path_to_error::deserialize(item);
        if let Err(e) = result {
            return Some(format!(
                "/paths/{}{}",
                escape_pointer_token(path),
                path_to_pointer(e.path())
            ));
        }
    }
    None
}

/// Whether `text` is `3.0.N` or `3.1.N` (N a number): the versions the generator reads
/// (3.1 through [`crate::normalize`]).
fn is_openapi_3x(text: &str) -> bool {
    ["3.0.", "3.1."].iter().any(|prefix| {
        text.strip_prefix(prefix)
            .is_some_and(|patch| !patch.is_empty() && patch.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// The checks of [`check`] for a file named by a `$ref`: any well-formed document
/// (it need not be a whole OpenAPI document, so no version is required).
fn check_other_file(path: &Path, source: String) -> Result<Checked, SpecError> {
    check_size(path, source.as_bytes())?;
    let format = format_of(&source);
    scan(&source, format, false).map_err(|f| match f {
        ScanFailure::Refused(r) => spec_error(path, &r.pointer, Some(r.position), r.message),
        ScanFailure::Syntax(position, message) => spec_error(path, "", position, message),
    })?;
    Ok(Checked {
        path: path.to_path_buf(),
        source,
        format,
        positions: LazyPositions::default(),
        // Read as a JSON tree by the pass that asked for it, never typed on its own.
        needs_normalizing: true,
    })
}

/// Refuses Swagger 2.0, OpenAPI 3.1 and anything but `3.0.N`, with one sentence each.
fn check_version(head: &Head) -> Result<(), (&'static str, Position, String)> {
    if let Some(field) = &head.swagger {
        let version = field.text.as_deref().unwrap_or("?");
        return Err((
            "/swagger",
            field.position,
            format!(
                "this is a Swagger {version} document; only OpenAPI 3.0.x and 3.1.x are read (convert it to 3.0 first)"
            ),
        ));
    }
    let Some(field) = &head.openapi else {
        return Err((
            "/openapi",
            (1, 1),
            "missing `openapi` version field; expected an OpenAPI 3.0.x or 3.1.x document".into(),
        ));
    };
    let Some(version) = field.text.as_deref() else {
        return Err((
            "/openapi",
            field.position,
            "`openapi` must be a version such as 3.0.3, not a mapping or a list".into(),
        ));
    };
    if is_openapi_3x(version) {
        return Ok(());
    }
    let message =
        format!("unknown OpenAPI version `{version}`; expected 3.0.x or 3.1.x, such as 3.0.3");
    Err(("/openapi", field.position, message))
}

/// serde appends " at line X column Y" to its messages; the position is reported
/// separately, so it is cut from the text.
fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// serde_yaml starts its messages with the path (`components.schemas.A: invalid
/// type…`); the pointer says it already.
fn strip_yaml_path(message: &str) -> String {
    match message.split_once(": ") {
        Some((path, rest)) if !path.is_empty() && !path.contains(' ') => rest.to_string(),
        _ => message.to_string(),
    }
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        out.push('/');
        match seg {
            Segment::Seq { index } => out.push_str(&index.to_string()),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                out.push_str(&escape_pointer_token(key))
            }
            Segment::Unknown => out.push('?'),
        }
    }
    out
}

/// Converts a YAML value to JSON. Keys that are not strings (`200:` is a number in YAML)
/// become their text, as in every OpenAPI tool.
pub fn yaml_to_json(value: serde_yaml::Value) -> serde_json::Value {
    use serde_json::Value;
    use serde_yaml::Value as Y;
    match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map(Value::Number)
                    .unwrap_or(Value::Null)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(yaml_to_json).collect()),
        Y::Mapping(map) => {
            let mut out = serde_json::Map::new();
            for (k, v) in map {
                out.insert(key_text(k), yaml_to_json(v));
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => yaml_to_json(tagged.value),
    }
}

fn key_text(key: serde_yaml::Value) -> String {
    use serde_yaml::Value as Y;
    match key {
        Y::String(s) => s,
        Y::Null => "null".into(),
        Y::Bool(b) => b.to_string(),
        Y::Number(n) => n.to_string(),
        other => serde_json::to_string(&yaml_to_json(other)).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> Result<LoadedSpec, SpecError> {
        parse_spec(Path::new("spec.yaml"), src.to_string())
    }

    const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

    #[test]
    fn refuses_swagger_2() {
        let e = parse("swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n").unwrap_err();
        assert!(e.message.contains("Swagger 2.0"), "{e}");
        assert_eq!(e.pointer, "/swagger");
        assert_eq!(e.position, Some((1, 1)));
    }

    #[test]
    fn reads_openapi_3_1_and_refuses_3_2() {
        let doc = parse("openapi: 3.1.0\ninfo: {title: t, version: '1'}\n").expect("3.1 is read");
        assert!(doc.openapi.paths.paths.is_empty());
        let e = parse("openapi: 3.2.0\ninfo: {title: t, version: '1'}\npaths: {}\n").unwrap_err();
        assert!(e.message.contains("unknown OpenAPI version `3.2.0`"), "{e}");
    }

    #[test]
    fn the_version_is_3_0_n_exactly() {
        for ok in ["3.0.0", "3.0.3", "3.0.99", "'3.0.3'", "\"3.0.10\""] {
            parse(&format!(
                "openapi: {ok}\ninfo: {{title: t, version: '1'}}\npaths: {{}}\n"
            ))
            .unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
        for bad in [
            "3.0",
            "3.0-banana",
            "3.0.",
            "3.0.x",
            "3.0.3.1",
            "3",
            "30.0.1",
            "3.0.3 ",
        ] {
            let e = parse(&format!(
                "info: {{title: t, version: '1'}}\nopenapi: '{bad}'\npaths: {{}}\n"
            ))
            .expect_err(bad);
            assert_eq!(e.pointer, "/openapi", "{bad}");
            assert_eq!(e.position, Some((2, 1)), "{bad}");
            assert!(e.message.contains("unknown OpenAPI version"), "{bad}: {e}");
        }
        let e = parse("openapi: {a: 1}\ninfo: {title: t, version: '1'}\npaths: {}\n").unwrap_err();
        assert!(e.message.contains("must be a version"), "{e}");
        // JSON: a number is not a version either.
        let e = parse_spec(
            Path::new("a.json"),
            "{\"openapi\": 3.0, \"info\": {\"title\": \"t\", \"version\": \"1\"}, \"paths\": {}}"
                .into(),
        )
        .unwrap_err();
        assert_eq!(e.position, Some((1, 2)), "{e}");
        assert!(e.message.contains("`3.0`"), "{e}");
    }

    /// Only a `$ref` that `openapiv3` cannot follow from its place sends a document
    /// through the normalising pass; a path ending in `$ref` (OData's, 65 of them in
    /// Microsoft Graph) or a `$ref` in example data does not.
    #[test]
    fn references_are_judged_by_their_place() {
        let checked = |src: &str, file: &str| check(Path::new(file), src.into(), false).unwrap();
        let odata = r##"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"/users/{id}/manager/$ref": {"get": {"responses": {"204": {"description": "ok",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"},
                "example": {"$ref": "#/not/a/reference"}}}}}}}},
            "components": {"schemas": {"A": {"type": "string"}}}}"##;
        assert!(!checked(odata, "a.json").needs_normalizing);
        // swaggerhub.com: a response that is a `$ref` to a schema; read through the pass,
        // which puts the schema's text in the response's place.
        let swaggerhub = format!(
            "{HEAD}paths:\n  /a:\n    get:\n      responses:\n        '400': {{$ref: '#/components/schemas/Bad'}}\n\
             components:\n  schemas:\n    Bad: {{description: Bad request}}\n"
        );
        assert!(checked(&swaggerhub, "spec.yaml").needs_normalizing);
        let spec = parse(&swaggerhub).unwrap();
        let responses = &spec.openapi.paths.paths["/a"]
            .as_item()
            .unwrap()
            .get
            .as_ref()
            .unwrap()
            .responses;
        let openapiv3::ReferenceOr::Item(bad) =
            &responses.responses[&openapiv3::StatusCode::Code(400)]
        else {
            panic!("the response is still a reference: {responses:?}");
        };
        assert_eq!(bad.description, "Bad request");
        // The same response naming a response component is read as it is.
        let fine = swaggerhub
            .replace("schemas/Bad'", "responses/Bad'")
            .replace("  schemas:", "  responses:");
        assert!(!checked(&fine, "spec.yaml").needs_normalizing);
        parse(&fine).unwrap();
        // A schema `$ref` with a sibling keyword is read with it (see `refs::is_schema`);
        // an extension beside it, or a sibling where no schema stands, changes nothing.
        let sibling = |extra: &str| {
            format!(
                "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A: {{type: object, properties: {{b: {{$ref: '#/components/schemas/B', {extra}}}}}}}\n    B: {{type: string}}\n"
            )
        };
        assert!(checked(&sibling("description: x"), "spec.yaml").needs_normalizing);
        assert!(!checked(&sibling("x-note: x"), "spec.yaml").needs_normalizing);
        let response = fine.replace(
            "'#/components/responses/Bad'}",
            "'#/components/responses/Bad', description: x}",
        );
        assert_ne!(response, fine);
        assert!(!checked(&response, "spec.yaml").needs_normalizing);
    }

    /// codat.io: an error inside a schema that the normalising pass added for a `$ref`
    /// into another schema names the place the author wrote, with its line.
    #[test]
    fn errors_in_added_components_name_the_place_they_were_taken_from() {
        let src = format!(
            "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    Item:\n      properties:\n        \
             kind: {{$ref: '#/components/schemas/Item/definitions/itemType'}}\n      \
             definitions:\n        itemType:\n          type: {{enum: [a, b]}}\n"
        );
        let e = parse(&src).unwrap_err();
        assert_eq!(
            e.pointer, "/components/schemas/Item/definitions/itemType",
            "{e}"
        );
        assert_eq!(e.position, Some((10, 9)), "{e}");
        // A spec that loads keeps the map, for messages of the later stages.
        let fine = src.replace("type: {enum: [a, b]}", "type: string");
        let spec = parse(&fine).unwrap();
        assert_eq!(
            spec.source_pointer("/components/schemas/Item_itemType/enum"),
            "/components/schemas/Item/definitions/itemType/enum"
        );
        assert_eq!(
            spec.locate("/components/schemas/Item_itemType"),
            Some((10, 9))
        );
        assert_eq!(
            spec.source_pointer("/components/schemas/Item"),
            "/components/schemas/Item"
        );
    }

    #[test]
    fn names_pointer_and_line_of_a_type_error() {
        let src = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: 5\n";
        let e = parse(src).unwrap_err();
        assert_eq!(e.pointer, "/paths/~1a/get/responses", "{e}");
        assert_eq!(e.position, Some((6, 7)), "{e}");
        assert!(e.to_string().starts_with("spec.yaml:6:7:"), "{e}");
        assert!(e.message.starts_with("invalid type: integer `5`"), "{e}");
    }

    #[test]
    fn reports_bad_yaml_with_position() {
        let e = parse("openapi: 3.0.3\ninfo: [unclosed\n").unwrap_err();
        assert!(e.position.is_some(), "{e}");
        assert!(e.message.starts_with("not valid YAML: "), "{e}");
        let e = parse_spec(
            Path::new("a.json"),
            "{\"openapi\": \"3.0.3\",\n \"info\" 5}".into(),
        )
        .unwrap_err();
        assert_eq!(e.position, Some((2, 9)), "{e}");
        assert!(e.message.starts_with("not valid JSON: expected `:`"), "{e}");
    }

    #[test]
    fn duplicate_keys_are_errors_at_the_second_key() {
        let e = parse(&format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      properties:\n        a: {{type: string}}\n        a: {{type: integer}}\n"))
            .unwrap_err();
        assert_eq!(e.position, Some((9, 9)), "{e}");
        assert_eq!(e.pointer, "/components/schemas/A/properties/a", "{e}");
        assert!(
            e.message.contains("duplicate key `a` (first at line 8)"),
            "{e}"
        );
        let e = parse(&format!("{HEAD}paths: {{}}\npaths: {{}}\n")).unwrap_err();
        assert_eq!(e.position, Some((4, 1)), "{e}");
        assert_eq!(e.pointer, "/paths");
        let json = "{\"openapi\": \"3.0.3\", \"info\": {\"title\": \"t\", \"version\": \"1\"},\n \"paths\": {}, \"x\": [{\"a\": 1, \"\\u0061\": 2}]}";
        let e = parse_spec(Path::new("a.json"), json.into()).unwrap_err();
        assert_eq!(e.position, Some((2, 30)), "{e}");
        assert_eq!(e.pointer, "/x/0/a", "{e}");
    }

    #[test]
    fn empty_and_non_utf8_documents() {
        for text in ["", "  \n", "# only a comment\n", "---\n", "~\n"] {
            let e = parse(text).expect_err(text);
            assert_eq!(e.position, Some((1, 1)), "{text:?}");
            assert!(e.message.starts_with("empty document"), "{text:?}: {e}");
        }
        let mut bytes = format!("{HEAD}paths: {{}}\nx-a: caf").into_bytes();
        bytes.push(0xE9);
        let e = parse_spec_bytes(Path::new("spec.yaml"), bytes).unwrap_err();
        assert_eq!(e.position, Some((4, 9)), "{e}");
        assert!(e.message.contains("not UTF-8: byte 0xE9"), "{e}");
    }

    #[test]
    fn integers_wider_than_64_bits() {
        let e = parse(&format!(
            "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    N:\n      type: integer\n      enum: [1, 99999999999999999999999]\n"
        ))
        .unwrap_err();
        assert_eq!(e.position, Some((8, 17)), "{e}");
        assert_eq!(e.pointer, "/components/schemas/N/enum/1");
        assert!(e.message.contains("out of range"), "{e}");
    }

    #[test]
    fn limits_depth_and_aliases() {
        let deep = format!(
            "{HEAD}paths: {{}}\nx-deep: {}{}\n",
            "[".repeat(5000),
            "]".repeat(5000)
        );
        let e = parse(&deep).unwrap_err();
        assert!(e.message.contains("nested deeper than"), "{e}");
        assert_eq!(e.position, Some((4, 9 + MAX_DEPTH)), "{e}");
        let block = format!("{HEAD}paths: {{}}\nx-deep:\n  {}1\n", "- ".repeat(500));
        let e = parse(&block).unwrap_err();
        assert!(e.message.contains("nesting deeper than 100 levels"), "{e}");
        let json = format!(
            "{{\"openapi\": \"3.0.3\", \"x\": {}{}}}",
            "[".repeat(5000),
            "]".repeat(5000)
        );
        let e = parse_spec(Path::new("a.json"), json).unwrap_err();
        assert!(e.message.contains("nesting deeper than 100 levels"), "{e}");

        let mut bomb =
            format!("{HEAD}paths: {{}}\nx-lol:\n  a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n");
        let mut prev = 'a';
        for c in "bcdefghi".chars() {
            bomb.push_str(&format!(
                "  {c}: &{c} [{}]\n",
                vec![format!("*{prev}"); 9].join(",")
            ));
            prev = c;
        }
        let e = parse(&bomb).unwrap_err();
        assert!(e.message.starts_with("alias `*"), "{e}");
        assert!(e.pointer.starts_with("/x-lol/"), "{e}");
    }

    #[test]
    fn positions_share_aliased_subtrees() {
        let src = "base: &b\n  x: 1\nuse:\n  <<: *b\n  y: 2\nlist: [*b, *b]\n";
        let p = index_of(src);
        assert_eq!(p.locate("/use/y"), Some((5, 3)));
        assert_eq!(p.locate("/use/x"), Some((2, 3)));
        assert_eq!(p.locate("/list/1"), Some((6, 12)));
        assert_eq!(p.locate("/list/1/x"), Some((2, 3)));
        assert_eq!(p.locate("/missing/deeper"), Some((1, 1)));
    }

    #[test]
    fn documents_larger_than_the_limit_are_refused_where_it_is_crossed() {
        let mut text = format!("{HEAD}paths: {{}}\nx-big: |\n");
        while text.len() <= MAX_DOCUMENT_BYTES {
            text.push_str(
                "  0123456789012345678901234567890123456789012345678901234567890123456789\n",
            );
        }
        let lines_before = text[..MAX_DOCUMENT_BYTES].matches('\n').count();
        let e = parse(&text).unwrap_err();
        assert!(e.message.contains("larger than 64 MiB"), "{e}");
        assert_eq!(e.position.map(|p| p.0), Some(lines_before + 1), "{e}");
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), &text).unwrap();
        let e = load_spec(file.path()).unwrap_err();
        assert!(e.message.contains("larger than 64 MiB"), "{e}");
    }

    #[test]
    fn one_document_per_file() {
        let e = parse(&format!("{HEAD}paths: {{}}\n---\na: 1\n")).unwrap_err();
        assert!(e.message.contains("more than one YAML document"), "{e}");
        assert_eq!(e.position.map(|p| p.0), Some(4), "{e}");
    }
}
