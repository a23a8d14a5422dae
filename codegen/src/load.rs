//! Reading a spec file into `openapiv3::OpenAPI`, with errors that name the file, the
//! JSON pointer and (where the parser knows it) the line and column.

use std::fmt;
use std::path::{Path, PathBuf};

use openapiv3::OpenAPI;

/// A spec that parsed: its path, its text and the typed document.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    /// Where the document was read from (as given by the caller).
    pub path: PathBuf,
    /// The document's text, kept so that later errors can point at lines.
    pub source: String,
    /// The typed document.
    pub openapi: OpenAPI,
}

/// Why a document could not be read as OpenAPI 3.0.
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

/// Reads and parses the document at `path` (YAML or JSON).
pub fn load_spec(path: &Path) -> Result<LoadedSpec, SpecError> {
    let source = std::fs::read_to_string(path).map_err(|e| SpecError {
        file: path.to_path_buf(),
        pointer: String::new(),
        position: None,
        message: format!("cannot read file: {e}"),
    })?;
    parse_spec(path, source)
}

/// Parses `source` as an OpenAPI 3.0 document; `path` is only used in errors.
pub fn parse_spec(path: &Path, source: String) -> Result<LoadedSpec, SpecError> {
    let error = |pointer: String, position, message: String| SpecError {
        file: path.to_path_buf(),
        pointer,
        position,
        message,
    };
    let refine = |pointer: String| {
        if pointer == "/paths" {
            refine_paths_pointer(&source).unwrap_or(pointer)
        } else {
            pointer
        }
    };
    let parsed: Result<OpenAPI, SpecError> = if looks_like_json(&source) {
        let mut de = serde_json::Deserializer::from_str(&source);
        serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let inner = e.inner();
            let pos = (inner.line() > 0).then(|| (inner.line(), inner.column()));
            error(
                refine(path_to_pointer(e.path())),
                pos,
                strip_position(&inner.to_string()),
            )
        })
    } else {
        let de = serde_yaml::Deserializer::from_str(&source);
        serde_path_to_error::deserialize(de).map_err(|e| {
            let inner = e.inner();
            let pos = inner.location().map(|l| (l.line(), l.column()));
            error(
                refine(path_to_pointer(e.path())),
                pos,
                strip_position(&inner.to_string()),
            )
        })
    };
    // The version is checked on the parsed document; only when it is not 3.0 or the
    // document does not parse is the text read again, so that Swagger 2.0 and OpenAPI
    // 3.1 get one clear sentence instead of a field-by-field complaint.
    if !matches!(&parsed, Ok(doc) if doc.openapi.starts_with("3.0")) {
        check_version(&source)
            .map_err(|(key, m)| error(format!("/{key}"), key_position(&source, key), m))?;
    }
    let openapi = parsed?;
    Ok(LoadedSpec {
        path: path.to_path_buf(),
        source,
        openapi,
    })
}

/// openapiv3 flattens `paths`, which hides where inside it a type error is. Decoding
/// each path item on its own finds the full pointer.
fn refine_paths_pointer(source: &str) -> Option<String> {
    let doc: serde_json::Value = if looks_like_json(source) {
        serde_json::from_str(source).ok()?
    } else {
        serde_yaml::from_str(source).ok()?
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

fn looks_like_json(source: &str) -> bool {
    source.trim_start().starts_with('{')
}

/// Refuses Swagger 2.0 and OpenAPI 3.1 up front, so the user gets one clear sentence
/// instead of a list of fields the 3.0 model does not know.
fn check_version(source: &str) -> Result<(), (&'static str, String)> {
    #[derive(serde::Deserialize)]
    struct Head {
        openapi: Option<serde_json::Value>,
        swagger: Option<serde_json::Value>,
    }
    let head: Option<Head> = if looks_like_json(source) {
        serde_json::from_str(source).ok()
    } else {
        serde_yaml::from_str(source).ok()
    };
    let Some(head) = head else {
        // Not even a mapping: the typed parse below reports where.
        return Ok(());
    };
    if let Some(v) = head.swagger {
        return Err((
            "swagger",
            format!(
                "this is a Swagger {} document; only OpenAPI 3.0.x is supported (convert it to 3.0 first)",
                scalar_text(&v)
            ),
        ));
    }
    let version_error = |message: String| Err(("openapi", message));
    match head.openapi {
        None => version_error(
            "missing `openapi` version field; expected an OpenAPI 3.0.x document".into(),
        ),
        Some(v) => {
            let version = scalar_text(&v);
            if version.starts_with("3.0") {
                Ok(())
            } else if version.starts_with("3.") {
                version_error(format!(
                    "OpenAPI {version} is not supported yet; only OpenAPI 3.0.x documents can be generated"
                ))
            } else {
                version_error(format!(
                    "unknown OpenAPI version `{version}`; expected 3.0.x"
                ))
            }
        }
    }
}

/// Line and column of a top-level `key` (YAML `key:` at the start of a line, or JSON
/// `"key"`), for errors found before the typed parse.
fn key_position(source: &str, key: &str) -> Option<(usize, usize)> {
    let yaml = format!("{key}:");
    let json = format!("\"{key}\"");
    source.lines().enumerate().find_map(|(i, line)| {
        if line.starts_with(&yaml) {
            return Some((i + 1, 1));
        }
        line.find(&json).map(|col| (i + 1, col + 1))
    })
}

fn scalar_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// serde_yaml appends " at line X column Y" to its messages; the position is reported
/// separately, so it is cut from the text.
fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
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

/// Escapes one JSON pointer token (RFC 6901).
pub fn escape_pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> Result<LoadedSpec, SpecError> {
        parse_spec(Path::new("spec.yaml"), src.to_string())
    }

    #[test]
    fn refuses_swagger_2() {
        let e = parse("swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n").unwrap_err();
        assert!(e.message.contains("Swagger 2.0"), "{e}");
        assert_eq!(e.pointer, "/swagger");
        assert_eq!(e.position, Some((1, 1)));
    }

    #[test]
    fn refuses_openapi_3_1() {
        let e = parse("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n").unwrap_err();
        assert!(e.message.contains("3.1.0 is not supported"), "{e}");
    }

    #[test]
    fn names_pointer_and_line_of_a_type_error() {
        let src = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: 5\n";
        let e = parse(src).unwrap_err();
        assert_eq!(e.pointer, "/paths/~1a/get/responses", "{e}");
        // The parser reports where the path item starts (openapiv3 flattens `paths`).
        assert_eq!(e.position.map(|p| p.0), Some(4), "{e}");
        assert!(e.to_string().starts_with("spec.yaml:4:"), "{e}");
    }

    #[test]
    fn reports_bad_yaml_with_position() {
        let e = parse("openapi: 3.0.3\ninfo: [unclosed\n").unwrap_err();
        assert!(e.position.is_some(), "{e}");
    }
}
