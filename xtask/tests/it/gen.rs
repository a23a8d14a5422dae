//! `cargo xtask gen`, `gen --check` and `gen --spec FILE --out DIR` on temporary
//! workspaces built from the fixtures in `tests/fixtures/gen/`.

use crate::common;

use std::path::Path;

use common::{add_spec, capture, entries, tree, workspace};
use xtask::gen::{self, Layout};

fn gen(root: &Path) -> (Result<(), xtask::Failure>, String) {
    capture(|out| gen::run_gen(&Layout::new(root), out))
}

fn check(root: &Path) -> (Result<(), xtask::Failure>, String) {
    capture(|out| gen::run_check(&Layout::new(root), out))
}

fn generated(root: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    tree(&root.join("generated"))
}

#[test]
fn gen_writes_a_crate_and_prints_one_summary_line() {
    let ws = workspace(&["gen/conversations.yaml", "gen/messages.yaml"]);
    let (result, out) = gen(ws.path());
    result.unwrap();
    let files = generated(ws.path());
    assert!(files.contains_key("Cargo.toml"), "{:?}", files.keys());
    assert!(files.contains_key("src/lib.rs"), "{:?}", files.keys());
    assert!(
        files.keys().any(|k| k.starts_with("src/conversations/")),
        "{:?}",
        files.keys()
    );
    assert!(
        files.keys().any(|k| k.starts_with("src/messages/")),
        "{:?}",
        files.keys()
    );
    let last = out.lines().last().unwrap();
    assert!(last.starts_with("generated 2 specs, "), "{out}");
    assert!(
        last.contains(" types, ") && last.contains(" operations, ") && last.contains(" lines in "),
        "{out}"
    );
    assert!(last.ends_with('s') || last.ends_with(')'), "{out}");
    // Nothing is left beside generated/.
    assert_eq!(entries(ws.path()), ["generated", "specs"]);
    let manifest = String::from_utf8(files["Cargo.toml"].clone()).unwrap();
    assert!(
        manifest.contains("name = \"conversation-apis\""),
        "{manifest}"
    );
    assert!(manifest.contains("../runtime"), "{manifest}");
    assert!(!manifest.contains("[workspace]"), "{manifest}");
}

#[test]
fn fallbacks_are_listed_above_the_summary() {
    let ws = workspace(&["gen/fallback.yaml"]);
    let (result, out) = gen(ws.path());
    result.unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines[0].starts_with("specs/fallback.yaml:25:9: /components/schemas/Note/properties/anything: fallback to serde_json::Value: "),
        "{out}"
    );
    assert!(lines[1].starts_with("generated 1 spec, "), "{out}");
    assert!(
        lines[1].ends_with("s (1 schema not expressed exactly)"),
        "{out}"
    );
}

#[test]
fn request_warnings_are_listed_above_the_summary() {
    let ws = workspace(&["gen/ignored_header.yaml"]);
    let (result, out) = gen(ws.path());
    result.unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines[0].starts_with(
            "specs/ignored_header.yaml:10:11: /paths/~1items/get/parameters/0: \
             header parameter `Authorization` is ignored"
        ),
        "{out}"
    );
    assert!(lines[1].ends_with("s (1 request warning)"), "{out}");
}

#[test]
fn gen_twice_is_byte_identical_and_touches_nothing() {
    let ws = workspace(&["gen/conversations.yaml", "gen/messages.yaml"]);
    gen(ws.path()).0.unwrap();
    let first = generated(ws.path());
    let lib = ws.path().join("generated/src/lib.rs");
    let mtime = std::fs::metadata(&lib).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    gen(ws.path()).0.unwrap();
    assert_eq!(first, generated(ws.path()));
    assert_eq!(mtime, std::fs::metadata(&lib).unwrap().modified().unwrap());
}

#[test]
fn output_does_not_depend_on_where_the_workspace_is() {
    let a = workspace(&["gen/conversations.yaml"]);
    let b = workspace(&["gen/conversations.yaml"]);
    gen(a.path()).0.unwrap();
    gen(b.path()).0.unwrap();
    assert_eq!(generated(a.path()), generated(b.path()));
}

#[test]
fn gen_on_a_broken_spec_writes_nothing() {
    let ws = workspace(&["gen/conversations.yaml"]);
    gen(ws.path()).0.unwrap();
    let before = generated(ws.path());
    add_spec(ws.path(), "gen/broken.yaml");
    let (result, out) = gen(ws.path());
    let failure = result.unwrap_err();
    assert!(
        failure.message.contains("generated/ was not changed"),
        "{failure}"
    );
    // file:line:col: /pointer: message, with the position of the pointer's node.
    let line = out.lines().next().unwrap();
    assert!(
        line.starts_with("specs/broken.yaml:9:7: /paths/~1things/get/responses: "),
        "{out}"
    );
    assert_eq!(before, generated(ws.path()), "the old tree must be intact");
    assert_eq!(entries(ws.path()), ["generated", "specs"]);
}

#[test]
fn gen_removes_files_no_spec_produces() {
    let ws = workspace(&["gen/conversations.yaml", "gen/messages.yaml"]);
    gen(ws.path()).0.unwrap();
    std::fs::write(ws.path().join("generated/stray.rs"), "// left over\n").unwrap();
    std::fs::remove_file(ws.path().join("specs/messages.yaml")).unwrap();
    gen(ws.path()).0.unwrap();
    let files = generated(ws.path());
    assert!(!files.contains_key("stray.rs"));
    assert!(
        !files.keys().any(|k| k.starts_with("src/messages/")),
        "{:?}",
        files.keys()
    );
    check(ws.path()).0.unwrap();
}

#[test]
fn check_passes_on_a_fresh_tree() {
    let ws = workspace(&["gen/conversations.yaml"]);
    gen(ws.path()).0.unwrap();
    let (result, out) = check(ws.path());
    result.unwrap();
    assert!(out.starts_with("generated/ is up to date"), "{out}");
}

#[test]
fn check_reports_a_stale_file_with_a_unified_diff() {
    let ws = workspace(&["gen/conversations.yaml"]);
    gen(ws.path()).0.unwrap();
    let lib = ws.path().join("generated/src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(&lib, format!("{text}// hand edit\n")).unwrap();
    let before = generated(ws.path());
    let (result, out) = check(ws.path());
    let failure = result.unwrap_err();
    assert!(
        out.contains("--- a/generated/src/lib.rs\n+++ b/generated/src/lib.rs\n"),
        "{out}"
    );
    assert!(out.contains("\n-// hand edit\n"), "{out}");
    assert!(
        out.contains("1 file(s) to change, 0 to add, 0 to remove"),
        "{out}"
    );
    assert!(out.trim_end().ends_with("run cargo xtask gen"), "{out}");
    assert!(failure.message.contains("run cargo xtask gen"), "{failure}");
    assert_eq!(before, generated(ws.path()), "--check changes nothing");
}

#[test]
fn check_reports_an_extra_file() {
    let ws = workspace(&["gen/conversations.yaml"]);
    gen(ws.path()).0.unwrap();
    std::fs::write(
        ws.path().join("generated/src/extra.rs"),
        "pub fn extra() {}\n",
    )
    .unwrap();
    let (result, out) = check(ws.path());
    assert!(result.is_err());
    assert!(
        out.contains("--- a/generated/src/extra.rs\n+++ /dev/null\n"),
        "{out}"
    );
    assert!(out.contains("\n-pub fn extra() {}\n"), "{out}");
    assert!(
        out.contains("0 file(s) to change, 0 to add, 1 to remove"),
        "{out}"
    );
    assert!(ws.path().join("generated/src/extra.rs").exists());
}

#[test]
fn check_reports_a_missing_file_and_a_new_spec() {
    let ws = workspace(&["gen/conversations.yaml"]);
    gen(ws.path()).0.unwrap();
    std::fs::remove_file(ws.path().join("generated/README.md")).unwrap();
    let (result, out) = check(ws.path());
    assert!(result.is_err());
    assert!(
        out.contains("--- /dev/null\n+++ b/generated/README.md\n"),
        "{out}"
    );
    assert!(
        out.contains("0 file(s) to change, 1 to add, 0 to remove"),
        "{out}"
    );

    gen(ws.path()).0.unwrap();
    add_spec(ws.path(), "gen/messages.yaml");
    let (result, out) = check(ws.path());
    assert!(result.is_err());
    assert!(out.contains("+++ b/generated/src/messages/"), "{out}");
    assert!(!ws.path().join("generated/src/messages").exists());
}

#[test]
fn check_fails_when_generated_is_missing() {
    let ws = workspace(&["gen/conversations.yaml"]);
    let (result, out) = check(ws.path());
    assert!(result.is_err());
    assert!(out.contains("+++ b/generated/Cargo.toml"), "{out}");
    assert!(!ws.path().join("generated").exists());
}

#[test]
fn standalone_crate_for_one_spec() {
    let ws = workspace(&[]);
    let spec = common::fixture("gen/conversations.yaml");
    let out_dir = ws.path().join("out/conversations-client");
    let runtime = gen::Runtime::Vendored;
    let command = "cargo xtask gen --spec conversations.yaml --out out/conversations-client";
    let (result, out) = capture(|o| gen::run_standalone(&spec, &out_dir, &runtime, command, o));
    result.unwrap();
    assert!(out.contains("generated 1 spec, "), "{out}");
    let files = tree(&out_dir);
    let manifest = String::from_utf8(files["Cargo.toml"].clone()).unwrap();
    assert!(manifest.contains("name = \"conversations\""), "{manifest}");
    assert!(manifest.contains("\n[workspace]\n"), "{manifest}");
    // The runtime is vendored beside the sources, not reached in this checkout.
    assert!(
        manifest.contains("\ncodegen-runtime = { path = \"codegen-runtime\" }\n"),
        "{manifest}"
    );
    assert!(files.contains_key("codegen-runtime/Cargo.toml"));
    assert!(files.contains_key("codegen-runtime/src/lib.rs"));
    assert!(
        manifest.contains(command),
        "the header names the command: {manifest}"
    );
    assert!(
        files.keys().any(|k| k.starts_with("src/conversations/")),
        "{:?}",
        files.keys()
    );

    // The manifest lists every file written, under the exact marker line.
    let manifest = String::from_utf8(files[".codegen-manifest"].clone()).unwrap();
    let mut lines = manifest.lines();
    assert_eq!(lines.next(), Some(xtask::fsutil::MANIFEST_MARKER));
    let listed: Vec<&str> = lines.collect();
    let written: Vec<&str> = files
        .keys()
        .map(String::as_str)
        .filter(|k| *k != ".codegen-manifest")
        .collect();
    assert_eq!(listed, written);

    // Regenerating keeps the build output and lock file, and replaces what it wrote,
    // including a file an earlier run wrote that is no longer generated.
    std::fs::create_dir_all(out_dir.join("target/debug")).unwrap();
    std::fs::write(out_dir.join("target/debug/marker"), "x").unwrap();
    std::fs::write(out_dir.join("Cargo.lock"), "# lock\n").unwrap();
    std::fs::write(out_dir.join("src/retired.rs"), "").unwrap();
    std::fs::write(
        out_dir.join(".codegen-manifest"),
        format!("{manifest}src/retired.rs\n"),
    )
    .unwrap();
    capture(|o| gen::run_standalone(&spec, &out_dir, &runtime, command, o))
        .0
        .unwrap();
    assert!(out_dir.join("target/debug/marker").exists());
    assert!(out_dir.join("Cargo.lock").exists());
    assert!(!out_dir.join("src/retired.rs").exists());
    assert_eq!(entries(&ws.path().join("out")), ["conversations-client"]);

    // A file the generator did not write makes it refuse, naming the file.
    std::fs::write(out_dir.join("src/mine.rs"), "// mine\n").unwrap();
    let (result, _) = capture(|o| gen::run_standalone(&spec, &out_dir, &runtime, command, o));
    let message = result.unwrap_err().message;
    assert!(message.contains("src/mine.rs"), "{message}");
    assert!(message.contains("did not write"), "{message}");
    assert_eq!(
        std::fs::read_to_string(out_dir.join("src/mine.rs")).unwrap(),
        "// mine\n"
    );
}

#[test]
fn standalone_refuses_to_replace_a_foreign_folder() {
    let ws = workspace(&[]);
    let spec = common::fixture("gen/conversations.yaml");
    let out_dir = ws.path().join("mine");
    std::fs::create_dir_all(&out_dir).unwrap();
    std::fs::write(out_dir.join("notes.txt"), "precious").unwrap();
    let (result, _) = capture(|o| {
        gen::run_standalone(
            &spec,
            &out_dir,
            &gen::Runtime::Vendored,
            "cargo xtask gen --spec x --out y",
            o,
        )
    });
    assert!(result.unwrap_err().message.contains("refusing to replace"));
    assert_eq!(
        std::fs::read_to_string(out_dir.join("notes.txt")).unwrap(),
        "precious"
    );
}

#[test]
fn standalone_on_a_broken_spec_writes_nothing() {
    let ws = workspace(&[]);
    let spec = common::fixture("gen/broken.yaml");
    let out_dir = ws.path().join("out");
    let (result, out) = capture(|o| {
        gen::run_standalone(
            &spec,
            &out_dir,
            &gen::Runtime::Vendored,
            "cargo xtask gen --spec x --out y",
            o,
        )
    });
    assert!(result.is_err());
    assert!(
        out.contains("broken.yaml:9:7: /paths/~1things/get/responses: "),
        "{out}"
    );
    assert!(!out_dir.exists());
    assert!(
        entries(ws.path()).iter().all(|e| e == "specs"),
        "{:?}",
        entries(ws.path())
    );
}

#[test]
fn write_tree_is_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("crate");
    let mut files = std::collections::BTreeMap::new();
    files.insert("Cargo.toml".to_string(), "[package]\n".to_string());
    files.insert("src/lib.rs".to_string(), "// one\n".to_string());
    // What an interrupted run left behind is cleared.
    std::fs::create_dir_all(dir.path().join(".crate.xtask-new/src")).unwrap();
    std::fs::create_dir_all(dir.path().join(".crate.xtask-old")).unwrap();
    assert!(xtask::fsutil::write_tree(&dest, &files, &[]).unwrap());
    assert_eq!(entries(dir.path()), ["crate"]);
    assert!(
        !xtask::fsutil::write_tree(&dest, &files, &[]).unwrap(),
        "unchanged tree is not rewritten"
    );
    let before = tree(&dest);

    // A path the generator must never produce fails the write midway.
    let mut bad = files.clone();
    bad.insert("src/lib.rs".to_string(), "// two\n".to_string());
    bad.insert("../escape.rs".to_string(), String::new());
    assert!(xtask::fsutil::write_tree(&dest, &bad, &[]).is_err());
    assert_eq!(before, tree(&dest));
    assert_eq!(
        entries(dir.path()),
        ["crate"],
        "no staging folder is left behind"
    );

    // A file where a folder must go also fails, after some files were written.
    let mut clash = files.clone();
    clash.insert("a".to_string(), String::new());
    clash.insert("a/b.rs".to_string(), String::new());
    assert!(xtask::fsutil::write_tree(&dest, &clash, &[]).is_err());
    assert_eq!(before, tree(&dest));
    assert_eq!(entries(dir.path()), ["crate"]);
}
