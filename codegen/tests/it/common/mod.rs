//! Helpers shared by the fixture tests: finding, loading and generating fixtures.

#![allow(dead_code)]

pub(crate) mod random;

use std::path::{Path, PathBuf};

use codegen::{generate_crate, parse_spec, ApiInput, CrateConfig, GeneratedCrate, LoadedSpec};

/// `codegen/` (the package root).
pub(crate) fn package_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The workspace root (parent of `codegen/`).
pub(crate) fn workspace_dir() -> PathBuf {
    package_dir()
        .parent()
        .expect("codegen has a parent directory")
        .to_path_buf()
}

/// `codegen/tests/fixtures`.
pub(crate) fn fixtures_dir() -> PathBuf {
    package_dir().join("tests/fixtures")
}

/// Stems of every top-level fixture (`fixtures/<stem>.yaml`), sorted. Fixtures that must
/// fail live in `fixtures/errors/` and are not listed.
pub(crate) fn fixture_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixtures_dir())
        .expect("fixtures directory is readable")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Parses a fixture by path relative to `fixtures/`; the spec path recorded in the
/// output is package-relative so that snapshots do not depend on the checkout.
pub(crate) fn parse_fixture(relative: &str) -> Result<LoadedSpec, codegen::SpecError> {
    let text = std::fs::read_to_string(fixtures_dir().join(relative))
        .unwrap_or_else(|e| panic!("cannot read fixture {relative}: {e}"));
    parse_spec(Path::new(&format!("tests/fixtures/{relative}")), text)
}

/// Parses `fixtures/<name>.yaml`, which must be a valid document.
pub(crate) fn load_fixture(name: &str) -> LoadedSpec {
    parse_fixture(&format!("{name}.yaml"))
        .unwrap_or_else(|e| panic!("fixture {name} does not parse: {e}"))
}

/// The crate settings the tests use.
pub(crate) fn config(standalone: bool, runtime_dependency: String) -> CrateConfig {
    CrateConfig {
        package_name: "snapshot-crate".into(),
        version: "0.0.0".into(),
        description: "Every codegen test fixture, generated and compiled".into(),
        runtime_dependency,
        command: "cargo test -p codegen".into(),
        standalone,
        selection: codegen::Selection::default(),
        tag_features: false,
    }
}

/// Module name of a fixture.
pub(crate) fn module_of(name: &str) -> String {
    codegen::naming::module_name(name)
}

/// Generates a crate with the given fixtures, one module each.
pub(crate) fn generate(
    names: &[String],
    config: &CrateConfig,
) -> Result<GeneratedCrate, codegen::Error> {
    let apis: Vec<ApiInput> = names
        .iter()
        .map(|n| ApiInput {
            module: module_of(n),
            spec: (load_fixture(n)).into(),
        })
        .collect();
    generate_crate(&apis, config)
}

/// Generates a crate with one fixture, with the placeholder runtime dependency.
pub(crate) fn generate_one(name: &str) -> GeneratedCrate {
    generate(
        &[name.to_string()],
        &config(true, "{ path = \"../runtime\" }".into()),
    )
    .unwrap_or_else(|e| panic!("fixture {name} does not generate: {e}"))
}

/// Generates a crate with one API, module `api`, from a loaded document.
pub(crate) fn generate_api(spec: LoadedSpec) -> Result<GeneratedCrate, codegen::Error> {
    generate_crate(
        &[ApiInput {
            module: "api".into(),
            spec: spec.into(),
        }],
        &config(true, "{ path = \"../runtime\" }".into()),
    )
}

/// Generates a crate from a document given as text (`inline.yaml`, module `api`).
pub(crate) fn generate_text(yaml: &str) -> Result<GeneratedCrate, codegen::Error> {
    let spec = parse_spec(Path::new("inline.yaml"), yaml.to_string())
        .unwrap_or_else(|e| panic!("parses: {e}"));
    generate_api(spec)
}
