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

/// Generates `tagged.yaml` with `selection` into a fresh folder; returns the folder, the
/// summary and the files as text.
fn tagged_crate(
    dir: &Path,
    selection: &codegen::Selection,
) -> (String, std::collections::BTreeMap<String, String>) {
    standalone_crate(&common::fixture("gen/tagged.yaml"), dir, selection)
}

/// Generates `spec` with `selection` into a fresh folder `dir` (as `gen --spec --out`
/// does); returns the summary and the files as text.
fn standalone_crate(
    spec: &Path,
    dir: &Path,
    selection: &codegen::Selection,
) -> (String, std::collections::BTreeMap<String, String>) {
    standalone_crate_overlaid(spec, &[], dir, selection)
}

/// [`standalone_crate`] for `spec` patched by `overlays` (as `gen --spec --overlay`).
pub(crate) fn standalone_crate_overlaid(
    spec: &Path,
    overlays: &[std::path::PathBuf],
    dir: &Path,
    selection: &codegen::Selection,
) -> (String, std::collections::BTreeMap<String, String>) {
    if dir.exists() {
        std::fs::remove_dir_all(dir).unwrap();
    }
    let name = |p: &Path| p.file_name().unwrap().to_string_lossy().into_owned();
    let mut command = format!("cargo xtask gen --spec {} --out {}", name(spec), name(dir));
    for overlay in overlays {
        command.push_str(&format!(" --overlay {}", name(overlay)));
    }
    let (result, out) = capture(|o| {
        gen::run_standalone_overlaid(
            spec,
            overlays,
            dir,
            &gen::Runtime::Path(xtask::runtime_dir()),
            &command,
            selection,
            o,
        )
    });
    result.unwrap_or_else(|e| panic!("{e}\n{out}"));
    let files = tree(dir)
        .into_iter()
        .map(|(k, v)| (k, String::from_utf8(v).unwrap()))
        .collect();
    (out, files)
}

/// Puts the workspace's lock file in the generated crate at `dir`, so that `cargo_in`
/// resolves the dependencies already built.
pub(crate) fn use_workspace_lock(dir: &Path) {
    std::fs::copy(
        xtask::workspace_root().join("Cargo.lock"),
        dir.join("Cargo.lock"),
    )
    .unwrap();
}

/// The public item names of the client: `mod.rs` and, in a crate split by tag, each
/// feature's module.
fn client_items(files: &std::collections::BTreeMap<String, String>) -> Vec<String> {
    files
        .iter()
        .filter(|(path, _)| {
            path.starts_with("src/tagged/")
                && !path.ends_with("/types.rs")
                && !path.ends_with("/schemas.rs")
        })
        .flat_map(|(_, text)| declared(text))
        .collect()
}

/// The public type names of the models, sorted: `types.rs` and, in a crate split by
/// tag, the modules under `types/`.
fn type_items(files: &std::collections::BTreeMap<String, String>) -> Vec<String> {
    let mut names: Vec<String> = files
        .iter()
        .filter(|(path, _)| path.starts_with("src/tagged/types"))
        .flat_map(|(_, text)| declared(text))
        .filter(|name| name.starts_with(char::is_uppercase))
        .collect();
    names.sort();
    names
}

/// The public item names declared in a generated file.
fn declared(source: &str) -> Vec<String> {
    source
        .lines()
        .filter_map(|l| {
            let l = l.trim_start();
            let rest = l
                .strip_prefix("pub struct ")
                .or_else(|| l.strip_prefix("pub enum "))
                .or_else(|| l.strip_prefix("pub type "))
                .or_else(|| l.strip_prefix("pub fn "))?;
            let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_'))?;
            Some(rest[..end].to_string())
        })
        .collect()
}

#[test]
fn selecting_a_tag_keeps_its_operations_and_the_types_they_reach() {
    let ws = workspace(&[]);
    let selection = codegen::Selection {
        tags: vec!["Issues".into()],
        ..Default::default()
    };
    let (out, files) = tagged_crate(&ws.path().join("tagged"), &selection);
    // Left out: the two other tags' operations; `GetMetaResponse200`, `Unused` and the
    // webhook's `IssueEvent` and `Hook`, which no kept operation reaches.
    assert!(
        out.contains("3 operations") && out.contains("2 operations and 4 types left out"),
        "{out}"
    );
    let client = client_items(&files);
    for kept in [
        "list_issues",
        "create_issue",
        "list_pulls",
        "ListPullsReply",
    ] {
        assert!(client.contains(&kept.to_string()), "{kept}: {client:?}");
    }
    for left in ["get_user", "get_meta", "GetUserReply"] {
        assert!(!client.contains(&left.to_string()), "{left}: {client:?}");
    }
    let types = type_items(&files);
    assert_eq!(
        types
            .iter()
            .filter(|t| t.chars().next().unwrap().is_uppercase())
            .collect::<Vec<_>>(),
        [
            "ApiError",
            "CreateIssueRequest",
            "Issue",
            "Label",
            "Pull",
            "State",
            "User",
            "UserKind"
        ]
    );
    // The registry lists only kept types.
    assert!(!files["src/tagged/schemas.rs"].contains("Unused"));

    // Path patterns and operation ids select too; excluded tags win.
    let selection = codegen::Selection {
        paths: vec!["/users/*".into()],
        operations: vec!["getMeta".into()],
        exclude_tags: vec!["Issues".into()],
        ..Default::default()
    };
    let (_, files) = tagged_crate(&ws.path().join("tagged"), &selection);
    let client = client_items(&files);
    assert!(client.contains(&"get_user".to_string()), "{client:?}");
    assert!(client.contains(&"get_meta".to_string()), "{client:?}");
    assert!(!client.contains(&"list_issues".to_string()), "{client:?}");
    let types = type_items(&files);
    assert!(!types.contains(&"Issue".to_string()), "{types:?}");
    assert!(types.contains(&"User".to_string()), "{types:?}");
}

#[test]
fn types_only_writes_every_component_model_and_no_client() {
    let ws = workspace(&[]);
    let selection = codegen::Selection {
        types_only: true,
        ..Default::default()
    };
    let (out, files) = tagged_crate(&ws.path().join("tagged"), &selection);
    assert!(out.contains("0 operations"), "{out}");
    let module = &files["src/tagged/mod.rs"];
    assert!(!module.contains("Client"), "{module}");
    assert!(!module.contains("codegen_runtime as rt"), "{module}");
    let types = type_items(&files);
    for t in ["Unused", "Issue", "User", "State", "ApiError"] {
        assert!(types.contains(&t.to_string()), "{t}: {types:?}");
    }
    // Inline request and response bodies belong to operations, which are left out.
    assert!(
        !types.contains(&"CreateIssueRequest".to_string()),
        "{types:?}"
    );
    assert!(files["README.md"].contains("## Models only"));
}

#[test]
fn a_selection_that_matches_nothing_is_an_error_and_writes_nothing() {
    let ws = workspace(&[]);
    let spec = common::fixture("gen/tagged.yaml");
    let dir = ws.path().join("tagged");
    let cases = [
        (
            codegen::Selection {
                tags: vec!["issues".into()],
                ..Default::default()
            },
            "--tag `issues` matches no operation (tags in the document: Issues, Users.User, pull requests)",
        ),
        (
            codegen::Selection {
                operations: vec!["nope".into()],
                ..Default::default()
            },
            "--operation `nope` matches no operationId",
        ),
        (
            codegen::Selection {
                paths: vec!["/orgs/*".into()],
                ..Default::default()
            },
            "--path `/orgs/*` matches no path",
        ),
        (
            codegen::Selection {
                tags: vec!["Users.User".into()],
                exclude_tags: vec!["Users.User".into()],
                ..Default::default()
            },
            "the selection matches no operation",
        ),
    ];
    for (selection, expected) in cases {
        let (result, out) = capture(|o| {
            gen::run_standalone_selected(
                &spec,
                &dir,
                &gen::Runtime::Path(xtask::runtime_dir()),
                "x",
                &selection,
                o,
            )
        });
        assert!(result.is_err(), "{out}");
        assert!(out.contains(expected), "{expected}: {out}");
        assert!(out.contains("tagged.yaml:"), "located: {out}");
        assert!(!dir.exists());
    }
}

#[test]
fn a_crate_of_several_tags_has_one_feature_per_tag() {
    let ws = workspace(&[]);
    let (out, files) = tagged_crate(&ws.path().join("tagged"), &codegen::Selection::default());
    assert!(
        out.contains("(4 cargo features, one per tag, and 1 of webhooks)"),
        "{out}"
    );
    let manifest = &files["Cargo.toml"];
    let features: Vec<&str> = manifest
        .lines()
        .skip_while(|l| *l != "[features]")
        .skip(1)
        .take_while(|l| !l.starts_with('['))
        .filter(|l| !l.starts_with('#'))
        .collect();
    assert_eq!(
        features,
        [
            r#"default = ["issues", "pull-requests", "users-user", "meta", "webhook-issue-opened", "unreferenced-types"]"#,
            r#"tagged = []"#,
            r#"issues = ["tagged", "_types-1", "_types-2", "_types-4"]"#,
            r#"pull-requests = ["tagged", "_types-1", "_types-3", "_types-4"]"#,
            r#"users-user = ["tagged", "_types-1", "_types-4"]"#,
            r#"meta = ["tagged"]"#,
            r#"webhook-issue-opened = ["tagged", "_types-2", "_types-4"]"#,
            r#"unreferenced-types = ["tagged", "webhook-issue-opened", "_types-3", "_types-4"]"#,
            r#"_types-1 = []"#,
            r#"_types-2 = []"#,
            r#"_types-3 = []"#,
            r#"_types-4 = []"#,
            r#"registry = ["issues", "pull-requests", "users-user", "meta", "webhook-issue-opened", "unreferenced-types"]"#,
            r#"tracing = ["codegen-runtime/tracing"]"#,
            "",
        ]
    );
    assert!(
        manifest.contains("# webhook `issue-opened`: 7 types\n"),
        "{manifest}"
    );
    // `ApiError` is shared by three of the four tags, `User` by those, the webhook and
    // `Unused` (which no operation uses), `Issue` and `Label` by the issues and the
    // webhook, `Pull` by the pull requests and `Unused`; `CreateIssueRequest` is the
    // issues' own, `IssueEvent` and `Hook` the webhook's. Each gate's types are a module
    // of `types` that rustc reads only with the feature.
    let types = &files["src/tagged/types.rs"];
    for (feature, module) in [
        ("issues", "issues"),
        ("meta", "meta"),
        ("webhook-issue-opened", "webhook_issue_opened"),
        ("unreferenced-types", "unreferenced_types"),
        ("_types-1", "types_1"),
        ("_types-2", "types_2"),
        ("_types-3", "types_3"),
        ("_types-4", "types_4"),
    ] {
        let declaration = format!(
            "#[cfg(feature = \"{feature}\")]\nmod {module};\n\n#[cfg(feature = \"{feature}\")]\npub use {module}::*;\n"
        );
        assert!(types.contains(&declaration), "{declaration}\n{types}");
    }
    assert!(!types.contains("pub struct"), "{types}");
    let in_module = |module: &str| declared(&files[&format!("src/tagged/types/{module}.rs")]);
    let structs = |module: &str| -> Vec<String> {
        files[&format!("src/tagged/types/{module}.rs")]
            .lines()
            .filter_map(|l| l.strip_prefix("pub struct "))
            .map(|l| l.trim_end_matches(" {").to_string())
            .collect()
    };
    assert_eq!(structs("types_1"), ["ApiError"]);
    assert_eq!(structs("types_2"), ["Issue", "Label"]);
    assert_eq!(structs("types_3"), ["Pull"]);
    assert_eq!(structs("types_4"), ["User"]);
    assert_eq!(structs("issues"), ["CreateIssueRequest"]);
    assert_eq!(structs("webhook_issue_opened"), ["Hook", "IssueEvent"]);
    assert_eq!(
        in_module("unreferenced_types"),
        ["Unused", "new", "note", "pull"]
    );
    // Each feature's operations are a module that rustc reads only with the feature.
    let module = &files["src/tagged/mod.rs"];
    assert!(module.contains("#[cfg(feature = \"users-user\")]\nmod users_user;\n\n#[cfg(feature = \"users-user\")]\npub use users_user::*;\n"), "{module}");
    assert!(!module.contains("fn get_user"), "{module}");
    let users = &files["src/tagged/users_user.rs"];
    assert!(users.contains("use super::*;\n\nimpl Client {"), "{users}");
    assert!(users.contains("pub fn get_user("), "{users}");
    assert!(users.contains("pub enum GetUserReply"), "{users}");
    let readme = &files["README.md"];
    assert!(
        readme.contains(
            r#"tagged = { path = "...", default-features = false, features = ["issues"] }"#
        ),
        "{readme}"
    );
    assert!(
        readme.contains("| `users-user` | Users.User | 1 | 3 |"),
        "{readme}"
    );
    assert!(
        readme.contains("| `webhook-issue-opened` | webhook issue-opened | 0 | 7 |"),
        "{readme}"
    );
    assert!(
        readme.contains("| `unreferenced-types` | schemas no operation uses: every webhook's, and those nothing uses | 0 | 1 |"),
        "{readme}"
    );
    assert!(
        readme.contains("One feature per tag (all on by default; see the table above)"),
        "{readme}"
    );
}

/// Runs cargo in the generated crate with the workspace's lock file and target
/// directory (so dependencies are built once); fails on errors and on warnings.
pub(crate) fn cargo_in(dir: &Path, args: &[&str]) {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR is inside the target directory")
        .to_path_buf();
    let mut command = std::process::Command::new(env!("CARGO"));
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        let set_for_tests = [
            "CARGO_PKG_",
            "CARGO_MANIFEST_",
            "CARGO_CRATE_",
            "CARGO_BIN_",
            "CARGO_PRIMARY_",
            "CARGO_TARGET_TMPDIR",
        ];
        if set_for_tests.iter().any(|p| key.starts_with(p)) {
            command.env_remove(key.as_ref());
        }
    }
    let output = command
        .args(args)
        .args(["--quiet", "--offline"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && !stderr.contains("warning"),
        "cargo {args:?} failed:\n{stderr}"
    );
}

#[test]
fn each_tag_feature_compiles_alone_and_all_of_them_together() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("tagged-features");
    let (_, files) = tagged_crate(&dir, &codegen::Selection::default());
    assert!(files["Cargo.toml"].contains("issues = "));
    use_workspace_lock(&dir);
    for feature in [
        "issues",
        "pull-requests",
        "users-user",
        "meta",
        "webhook-issue-opened",
        "unreferenced-types",
    ] {
        cargo_in(
            &dir,
            &["check", "--no-default-features", "--features", feature],
        );
    }
    cargo_in(
        &dir,
        &[
            "check",
            "--no-default-features",
            "--features",
            "issues,meta",
        ],
    );
    cargo_in(&dir, &["check", "--features", "registry"]);
    // Every example in the README and the operation docs, with the default features.
    cargo_in(&dir, &["test", "--doc"]);

    // A selected crate compiles as well.
    let selection = codegen::Selection {
        tags: vec!["Issues".into()],
        ..Default::default()
    };
    tagged_crate(&dir, &selection);
    use_workspace_lock(&dir);
    cargo_in(
        &dir,
        &[
            "check",
            "--no-default-features",
            "--features",
            "pull-requests",
        ],
    );
    cargo_in(&dir, &["check"]);
}

#[test]
fn a_3_1_documents_webhooks_get_features_that_compile_alone() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("webhooks-31");
    let spec = xtask::workspace_root().join("codegen/tests/fixtures/openapi31.yaml");
    let (out, files) = standalone_crate(&spec, &dir, &codegen::Selection::default());
    assert!(
        out.contains("(1 cargo feature, one per tag, and 1 of webhooks)"),
        "{out}"
    );
    let manifest = &files["Cargo.toml"];
    // `Thing` (and what it names) is the payload of `thingCreated` and the reply of
    // `listThings`: both features need the same four types, so they are not gated.
    assert!(
        manifest.contains("# webhook `thingCreated`: 4 types\n"),
        "{manifest}"
    );
    assert!(
        manifest.contains("webhook-thing-created = [\"openapi31\"]\n"),
        "{manifest}"
    );
    use_workspace_lock(&dir);
    for feature in ["webhook-thing-created", "things"] {
        cargo_in(
            &dir,
            &["check", "--no-default-features", "--features", feature],
        );
    }
}
