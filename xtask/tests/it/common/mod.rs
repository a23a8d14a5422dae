//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use xtask::Failure;

/// A file under `xtask/tests/fixtures/`.
pub(crate) fn fixture(rel: &str) -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    match rel.strip_prefix("lint/") {
        // Lint's fixtures are spec-review's (its tests own them); the commands use them too.
        Some(name) => manifest.join("../review/tests/lint").join(name),
        None => manifest.join("tests/fixtures").join(rel),
    }
}

/// A temporary workspace whose `specs/` holds copies of the given fixtures.
pub(crate) fn workspace(fixtures: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("specs")).unwrap();
    for f in fixtures {
        add_spec(dir.path(), f);
    }
    dir
}

/// Copies a fixture into `root/specs/`.
pub(crate) fn add_spec(root: &Path, fixture_rel: &str) {
    let src = fixture(fixture_rel);
    let name = src.file_name().unwrap().to_owned();
    std::fs::copy(&src, root.join("specs").join(name)).unwrap();
}

/// Runs a verb, capturing what it prints.
pub(crate) fn capture(
    f: impl FnOnce(&mut dyn std::io::Write) -> Result<(), Failure>,
) -> (Result<(), Failure>, String) {
    let mut out = Vec::new();
    let result = f(&mut out);
    (result, String::from_utf8(out).unwrap())
}

/// Every file under `dir` (relative path → bytes).
pub(crate) fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    xtask::fsutil::read_tree(dir).unwrap()
}

/// Names in `dir` (not recursive), sorted.
pub(crate) fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Runs `git` in `dir` with a fixed identity and no signing; panics with its stderr on
/// failure.
pub(crate) fn git(dir: &Path, args: &[&str]) {
    let output = std::process::Command::new("git")
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}
