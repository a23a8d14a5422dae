//! A crate written by `gen --spec FILE --out DIR` carries its runtime
//! (`DIR/codegen-runtime/`), so it builds after being moved anywhere; and the vendored
//! runtime is the workspace's `runtime/`, file for file, with the same dependencies.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{self, capture};
use xtask::gen;

/// Every file under `dir`, relative to it, `/`-separated.
fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap();
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_runtime_source_is_vendored_unchanged() {
    let runtime = xtask::runtime_dir();
    let on_disk: Vec<String> = files_under(&runtime.join("src"))
        .into_iter()
        .map(|p| format!("src/{p}"))
        .collect();
    let vendored: Vec<String> = xtask::vendor::SOURCES
        .iter()
        .map(|(p, _)| p.to_string())
        .collect();
    assert_eq!(
        vendored, on_disk,
        "runtime/src and xtask::vendor::SOURCES list different files; add the new file to SOURCES"
    );
    for (path, text) in xtask::vendor::SOURCES {
        let disk = std::fs::read_to_string(runtime.join(path)).unwrap();
        assert!(disk == *text, "{path} differs from the embedded copy");
    }
}

/// `cargo metadata --no-deps` of the manifest `manifest_path`, for the package named
/// `codegen-runtime`: its normal dependencies (name, version requirement, features,
/// optional, default features) and its features.
fn runtime_metadata(manifest_path: &Path) -> (Vec<String>, String) {
    let output = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--no-deps",
            "--offline",
            "--format-version",
            "1",
        ])
        .arg("--manifest-path")
        .arg(manifest_path)
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let package = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "codegen-runtime")
        .expect("a codegen-runtime package")
        .clone();
    let mut dependencies: Vec<String> = package["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"].is_null())
        .map(|d| {
            let mut features: Vec<&str> = d["features"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f.as_str().unwrap())
                .collect();
            features.sort();
            format!(
                "{} {} features={features:?} optional={} default-features={}",
                d["name"], d["req"], d["optional"], d["uses_default_features"]
            )
        })
        .collect();
    dependencies.sort();
    (dependencies, package["features"].to_string())
}

#[test]
fn vendored_manifest_has_the_runtime_dependencies() {
    let dir = tempfile::tempdir().unwrap();
    let spec = common::fixture("gen/conversations.yaml");
    let out_dir = dir.path().join("client");
    capture(|o| gen::run_standalone(&spec, &out_dir, &gen::Runtime::Vendored, "gen", o))
        .0
        .unwrap();
    let workspace = runtime_metadata(&xtask::workspace_root().join("Cargo.toml"));
    let vendored = runtime_metadata(&out_dir.join("Cargo.toml"));
    assert_eq!(
        vendored, workspace,
        "xtask::vendor::CARGO_TOML no longer matches runtime/Cargo.toml"
    );
}

/// A shared target folder, so the dependencies compile once for every run.
fn target_dir() -> PathBuf {
    xtask::workspace_root().join("target/standalone-check")
}

#[test]
fn a_standalone_crate_builds_after_it_is_moved() {
    let dir = tempfile::tempdir().unwrap();
    let spec = common::fixture("gen/conversations.yaml");
    let written = dir.path().join("first/place/client");
    std::fs::create_dir_all(written.parent().unwrap()).unwrap();
    let (result, out) =
        capture(|o| gen::run_standalone(&spec, &written, &gen::Runtime::Vendored, "gen", o));
    result.unwrap_or_else(|e| panic!("{e}\n{out}"));

    // Nothing in the crate names this checkout.
    let checkout = xtask::workspace_root().display().to_string();
    for file in files_under(&written) {
        let text = std::fs::read_to_string(written.join(&file)).unwrap();
        assert!(!text.contains(&checkout), "{file} names {checkout}");
    }
    // Regeneration would replace the vendored files: the manifest lists them.
    let manifest = std::fs::read_to_string(written.join(".codegen-manifest")).unwrap();
    assert!(
        manifest.lines().any(|l| l == "codegen-runtime/src/lib.rs"),
        "{manifest}"
    );
    assert!(
        manifest.lines().any(|l| l == "codegen-runtime/Cargo.toml"),
        "{manifest}"
    );

    // Moved under another parent, it still builds, offline.
    let moved = dir.path().join("elsewhere/client-moved");
    std::fs::create_dir_all(moved.parent().unwrap()).unwrap();
    std::fs::rename(&written, &moved).unwrap();
    std::fs::remove_dir_all(dir.path().join("first")).unwrap();
    let output = Command::new(env!("CARGO"))
        .args(["check", "--quiet", "--offline"])
        .env("CARGO_TARGET_DIR", target_dir())
        .current_dir(&moved)
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo check of the moved crate failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );

    // Regenerating in the new place keeps working (the manifest owns the runtime files).
    let (result, out) =
        capture(|o| gen::run_standalone(&spec, &moved, &gen::Runtime::Vendored, "gen", o));
    result.unwrap_or_else(|e| panic!("{e}\n{out}"));
    assert!(moved.join("codegen-runtime/src/lib.rs").is_file());
}
