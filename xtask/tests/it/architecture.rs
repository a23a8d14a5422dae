//! The invariants of ARCHITECTURE.md that a reading of the sources can check: where
//! spec text is parsed, what emit and `codegen::items` may import, and that no
//! hand-written function needs `too_many_arguments`.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, recursively, sorted (`dir` itself when it is a file).
fn sources(dir: &Path) -> Vec<PathBuf> {
    if dir.is_file() {
        return vec![dir.to_path_buf()];
    }
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn root() -> PathBuf {
    xtask::workspace_root()
}

/// `file` relative to the workspace, '/'-separated.
fn shown(file: &Path) -> String {
    file.strip_prefix(root())
        .unwrap_or(file)
        .to_string_lossy()
        .replace('\\', "/")
}

/// The files among `dirs` whose text contains one of `needles`, with the needle.
fn offenders(dirs: &[&str], needles: &[&str], allowed: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for dir in dirs {
        for file in sources(&root().join(dir)) {
            let name = shown(&file);
            if allowed.iter().any(|a| name.starts_with(a)) {
                continue;
            }
            let text = std::fs::read_to_string(&file).unwrap();
            for needle in needles {
                if text.contains(needle) {
                    found.push(format!("{name}: `{needle}`"));
                }
            }
        }
    }
    found
}

#[test]
fn emit_reads_only_the_model() {
    let found = offenders(
        &["codegen/src/emit"],
        &["openapiv3", "crate::load", "serde_yaml"],
        &[],
    );
    assert!(
        found.is_empty(),
        "emit reads more than the model:\n{}",
        found.join("\n")
    );
    // Tools read names and decisions from the model, never from emit.
    let found = offenders(&["codegen/src/items.rs"], &["crate::emit"], &[]);
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn only_the_loader_parses_spec_text() {
    // The policy file of spec-review is no spec: its own format, read by its module.
    // The bench measures the bare parse into `openapiv3` on purpose: it is the floor
    // the generator's time is compared with.
    let found = offenders(
        &["codegen/src", "review/src", "xtask/src"],
        &[
            "serde_yaml::from_str",
            "serde_yaml::Deserializer",
            "from_str::<OpenAPI>",
            "from_str::<openapiv3",
        ],
        &[
            "codegen/src/load",
            "codegen/src/normalize.rs",
            "review/src/diff/policy.rs",
            "xtask/src/bench.rs",
        ],
    );
    assert!(
        found.is_empty(),
        "spec text parsed outside codegen::load:\n{}",
        found.join("\n")
    );
}

#[test]
fn no_hand_written_function_takes_too_many_arguments() {
    // crate_files.rs writes the generated crate's allow-list, which names the lint.
    let found = offenders(
        &[
            "codegen/src",
            "review/src",
            "xtask/src",
            "runtime/src",
            "tests/src",
        ],
        &["allow(clippy::too_many_arguments)"],
        &["codegen/src/crate_files.rs"],
    );
    assert!(
        found.is_empty(),
        "group the arguments in a type:\n{}",
        found.join("\n")
    );
}
