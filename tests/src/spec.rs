//! Loading the specs under `specs/` as JSON values, and JSON-pointer helpers.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// One spec file, parsed.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The file name, e.g. `salesforce-interaction.yaml`.
    pub file: String,
    /// The module of the generated crate made from it, e.g. `salesforce_interaction`.
    pub module: String,
    /// The spec as a JSON value.
    pub doc: Value,
}

/// The workspace's `specs/` folder.
pub fn specs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("specs")
}

/// Every spec under `specs/` (`.yaml`, `.yml`, `.json`), sorted by file name.
///
/// Panics with the file name when a spec cannot be read or parsed.
pub fn load_all() -> Vec<Spec> {
    let dir = specs_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            )
        })
        .collect();
    files.sort();
    files.iter().map(|p| load(p)).collect()
}

/// Reads one spec file through the generator's loader (`codegen::load`), so the tests
/// see exactly the document `gen` reads, with the same limits and located errors.
pub fn load(path: &Path) -> Spec {
    let doc = read_json(path).unwrap_or_else(|e| panic!("{e}"));
    let file = path.file_name().unwrap().to_string_lossy().into_owned();
    let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
    Spec {
        file,
        module: module_name(&stem),
        doc,
    }
}

/// A spec file (YAML or JSON) as a JSON value, read by the generator's loader.
pub fn read_json(path: &Path) -> Result<Value, codegen::SpecError> {
    let bytes = codegen::load::read_file(path)?;
    let text = codegen::load::text_from_bytes(path, bytes)?;
    codegen::load::check(path, text, false)?.value()
}

/// The generated module of a spec file stem, as codegen names it
/// (`salesforce-interaction` → `salesforce_interaction`, `lib` → `lib_api`).
pub use codegen::naming::module_name;

/// JSON-pointer tokens (RFC 6901), escaped and decoded as the loader does.
pub use codegen::load::{escape_pointer_token as escape, unescape_token as unescape};

/// `base` + `/token` (escaped).
pub fn child(base: &str, token: &str) -> String {
    format!("{base}/{}", escape(token))
}

/// The local pointer of a `$ref` value (`#/components/schemas/X` → `/components/schemas/X`).
pub fn ref_pointer(value: &Value) -> Option<&str> {
    value.get("$ref")?.as_str()?.strip_prefix('#')
}

/// The real location of `pointer`: local `$ref`s are followed wherever they are on the way
/// (`/paths/~1a/get/responses/200/headers/X` through a `$ref`ed response ends up under
/// `/components/responses/...`) and at the end. `None` when a reference points nowhere, is
/// external, or a chain is too long.
pub fn resolve_pointer(doc: &Value, pointer: &str) -> Option<String> {
    let mut current = String::new();
    for token in pointer.split('/').skip(1) {
        current = follow(doc, &current)?;
        current.push('/');
        current.push_str(token);
    }
    follow(doc, &current)
}

fn follow(doc: &Value, pointer: &str) -> Option<String> {
    let mut current = pointer.to_string();
    for _ in 0..32 {
        let value = doc.pointer(&current)?;
        match value.get("$ref") {
            Some(r) => current = r.as_str()?.strip_prefix('#')?.to_string(),
            None => return Some(current),
        }
    }
    None
}

/// The value a (possibly `$ref`) value stands for; the value itself when it is no reference
/// or the reference cannot be followed.
pub fn deref<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    let mut current = value;
    for _ in 0..32 {
        match ref_pointer(current).and_then(|p| doc.pointer(p)) {
            Some(next) => current = next,
            None => return current,
        }
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_names_are_snake_case() {
        assert_eq!(
            module_name("salesforce-interaction"),
            "salesforce_interaction"
        );
        assert_eq!(module_name("teamwork-desk"), "teamwork_desk");
        assert_eq!(module_name("iris"), "iris");
        assert_eq!(module_name("TeamworkDesk"), "teamwork_desk");
        assert_eq!(module_name("my api.v2"), "my_api_v2");
    }

    #[test]
    fn pointer_tokens_round_trip() {
        assert_eq!(escape("/v1/conversations"), "~1v1~1conversations");
        assert_eq!(escape("a~b"), "a~0b");
        assert_eq!(unescape("~1v1~1a~0b"), "/v1/a~b");
        assert_eq!(child("/paths", "/x"), "/paths/~1x");
    }
}
