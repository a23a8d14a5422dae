//! OpenAPI Overlay documents in `gen` and `lint`: `--overlay`, `specs/NAME.overlay.yaml`
//! beside its spec, the warning of an action that selects nothing, malformed overlays,
//! and a vendor's spec that only generates once patched, compiled.

use crate::common;
use crate::gen::{cargo_in, standalone_crate_overlaid, use_workspace_lock};

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{capture, entries, fixture, workspace};
use xtask::gen::{self, Layout};

/// An overlay with one action that still applies and one whose path is gone.
const STALE: &str = "\
overlay: 1.0.0
info: {title: stale, version: '1'}
actions:
  - target: $.info
    update: {x-patched: true}
  - target: $.paths['/gone'].get
    remove: true
";

/// `gen --spec` of the conversations fixture patched by `overlay` into `out_dir`: the
/// result and what it printed.
fn gen_conversations(overlay: &Path, out_dir: &Path) -> (Result<(), xtask::Failure>, String) {
    capture(|o| {
        gen::run_standalone_overlaid(
            &fixture("gen/conversations.yaml"),
            &[overlay.to_path_buf()],
            out_dir,
            &gen::Runtime::Path(xtask::runtime_dir()),
            "gen",
            &codegen::Selection::default(),
            o,
        )
    })
}

fn write(path: &Path, text: &str) -> PathBuf {
    std::fs::write(path, text).unwrap();
    path.to_path_buf()
}

#[test]
fn a_vendor_spec_patched_by_an_overlay_generates_a_crate_that_compiles() {
    let spec = fixture("overlay/vendor.yaml");
    let overlay = fixture("overlay/vendor.overlay.yaml");

    // As published, gen refuses it and writes nothing.
    let tmp = tempfile::tempdir().unwrap();
    let refused = tmp.path().join("vendor");
    let (result, out) = capture(|o| {
        gen::run_standalone(
            &spec,
            &refused,
            &gen::Runtime::Path(xtask::runtime_dir()),
            "gen",
            o,
        )
    });
    assert!(result.is_err(), "{out}");
    assert!(
        out.contains("/components/schemas/Thing: invalid type: sequence, expected a string"),
        "{out}"
    );
    assert!(!refused.exists());

    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("overlaid-vendor");
    let (out, files) =
        standalone_crate_overlaid(&spec, &[overlay], &dir, &codegen::Selection::default());
    // Every action applied: no warning, and `str` is no longer a fallback.
    assert!(out.starts_with("generated 1 spec, "), "{out}");
    assert!(
        !out.contains("warning") && !out.contains("not expressed"),
        "{out}"
    );
    let api = &files["src/vendor/mod.rs"];
    assert!(
        api.contains("pub const DEFAULT_BASE_URL: &str = \"https://api.vendor.example/v1\";"),
        "{api}"
    );
    let types = &files["src/vendor/types.rs"];
    assert!(types.contains("pub count: Option<Option<i64>>,"), "{types}");
    assert!(types.contains("pub label: Option<String>,"), "{types}");
    let manifest = &files["Cargo.toml"];
    assert!(
        manifest.contains("--overlay vendor.overlay.yaml"),
        "the command that regenerates the crate names the overlay:\n{manifest}"
    );
    use_workspace_lock(&dir);
    cargo_in(&dir, &["check"]);
}

#[test]
fn an_action_that_selects_nothing_is_a_warning_placed_in_the_overlay() {
    let tmp = tempfile::tempdir().unwrap();
    let overlay = write(&tmp.path().join("stale.overlay.yaml"), STALE);
    let out_dir = tmp.path().join("crate");
    let (result, out) = gen_conversations(&overlay, &out_dir);
    result.unwrap_or_else(|e| panic!("{e}\n{out}"));
    let shown = xtask::spec::display_path(&std::env::current_dir().unwrap(), &overlay);
    assert!(
        out.contains(&format!(
            "{shown}:6:5: /actions/1: overlay action /actions/1 (target `$.paths['/gone'].get`) matches nothing: the overlay no longer applies\n"
        )),
        "{out}"
    );
    assert!(out.contains("(1 request warning)"), "{out}");
}

#[test]
fn a_malformed_overlay_is_a_located_error_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let overlay = write(
        &tmp.path().join("bad.overlay.yaml"),
        "overlay: 1.0.0\ninfo: {title: bad, version: '1'}\nactions:\n  - target: $.paths[?@.x ==]\n    remove: true\n",
    );
    let out_dir = tmp.path().join("crate");
    let (result, out) = gen_conversations(&overlay, &out_dir);
    assert!(result.is_err(), "{out}");
    let shown = xtask::spec::display_path(&std::env::current_dir().unwrap(), &overlay);
    assert!(
        out.starts_with(&format!(
            "{shown}:4:5: /actions/0/target: invalid JSONPath `$.paths[?@.x ==]`: "
        )),
        "{out}"
    );
    assert!(!out_dir.exists());

    // A missing overlay is named.
    let missing = tmp.path().join("missing.overlay.yaml");
    let (result, out) = gen_conversations(&missing, &out_dir);
    assert!(result.is_err(), "{out}");
    assert!(
        out.contains("missing.overlay.yaml: /: cannot read file"),
        "{out}"
    );
}

#[test]
fn the_workspace_applies_name_overlay_yaml_to_name_yaml() {
    let root = workspace(&["gen/conversations.yaml"]);
    let layout = Layout::new(root.path());
    write(
        &root.path().join("specs/conversations.overlay.yaml"),
        &STALE.replace("x-patched: true", "description: Patched by an overlay."),
    );
    let (result, out) = capture(|o| gen::run_gen(&layout, o));
    result.unwrap_or_else(|e| panic!("{e}\n{out}"));
    // The overlay is not a spec of its own: one spec, one module.
    assert!(out.contains("generated 1 spec, "), "{out}");
    assert!(
        out.contains("specs/conversations.overlay.yaml:6:5: /actions/1: overlay action /actions/1"),
        "{out}"
    );
    assert_eq!(
        entries(&root.path().join("generated/src")),
        ["conversations", "lib.rs"]
    );
    let module =
        std::fs::read_to_string(root.path().join("generated/src/conversations/mod.rs")).unwrap();
    assert!(module.contains("//! Patched by an overlay."), "{module}");
    let (result, out) = capture(|o| gen::run_check(&layout, o));
    result.unwrap_or_else(|e| panic!("{e}\n{out}"));

    // lint reads the workspace as gen does.
    let (result, out) =
        capture(|o| xtask::lint::run_lint(root.path(), &root.path().join("specs"), &[], o));
    result.unwrap_or_else(|e| panic!("{e}\n{out}"));
    assert!(out.contains("specs/conversations.overlay.yaml:6:5: /actions/1: warning: overlay action /actions/1 (target `$.paths['/gone'].get`) matches nothing"), "{out}");
    assert!(out.contains("linted 1 file: 0 errors, 1 warning"), "{out}");

    // An overlay of no spec is an error, not a file quietly skipped.
    write(&root.path().join("specs/orphan.overlay.yaml"), STALE);
    let (result, _) = capture(|o| gen::run_gen(&layout, o));
    let e = result.unwrap_err();
    assert!(
        e.message.starts_with(
            "specs/orphan.overlay.yaml: an overlay of no spec: specs has no orphan.yaml"
        ),
        "{e}"
    );
}

#[test]
fn lint_with_overlays_reports_the_patched_spec_placed_in_the_file_as_written() {
    let spec = fixture("overlay/vendor.yaml");
    let base = fixture("");
    let lint = |overlays: &[PathBuf]| {
        capture(|o| {
            xtask::lint::run_lint_overlaid(
                &base,
                &base.join("specs"),
                std::slice::from_ref(&spec),
                overlays,
                o,
            )
        })
    };
    let (result, out) = lint(&[]);
    assert!(result.is_err(), "{out}");
    assert!(
        out.contains(
            "overlay/vendor.yaml:28:5: /components/schemas/Thing: error: invalid type: sequence"
        ),
        "{out}"
    );

    let (result, out) = lint(&[fixture("overlay/vendor.overlay.yaml")]);
    result.unwrap_or_else(|e| panic!("{e}\n{out}"));
    assert!(
        out.ends_with("linted 1 file: 0 errors, 0 assumptions\n"),
        "{out}"
    );

    // A finding in the patched document is placed in the spec as written: the schema
    // the overlay adds is unused, located at its nearest ancestor in the file.
    let tmp = tempfile::tempdir().unwrap();
    let unused = write(
        &tmp.path().join("unused.overlay.yaml"),
        "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.components.schemas\n    update: {Unused: {type: string}}\n",
    );
    let (result, out) = lint(&[fixture("overlay/vendor.overlay.yaml"), unused]);
    assert!(result.is_err(), "{out}");
    assert!(
        out.contains("overlay/vendor.yaml:27:3: /components/schemas/Unused: error: component schema `Unused` is not used"),
        "{out}"
    );
}

#[test]
fn overlays_from_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = fixture("overlay/vendor.yaml");
    let overlay = fixture("overlay/vendor.overlay.yaml");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(args)
            .current_dir(tmp.path())
            .output()
            .unwrap()
    };
    let (spec, overlay) = (spec.to_str().unwrap(), overlay.to_str().unwrap());
    let o = run(&[
        "gen",
        "--spec",
        spec,
        "--out",
        "client",
        "--overlay",
        overlay,
    ]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        stdout.contains("wrote crate `vendor` to client"),
        "{stdout}"
    );
    let o = run(&["lint", spec, "--overlay", overlay]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let o = run(&["lint", spec]);
    assert_eq!(o.status.code(), Some(1));
    // --overlay patches the files named; alone it is refused.
    let o = run(&["lint", "--overlay", overlay]);
    assert_eq!(o.status.code(), Some(2));
}
