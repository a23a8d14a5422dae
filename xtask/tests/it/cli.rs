//! The `xtask` binary: help text and exit codes.

use crate::common;

use std::process::{Command, Output};

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn help_documents_every_verb() {
    let o = xtask(&["--help"]);
    assert!(o.status.success());
    let help = stdout(&o);
    for verb in ["gen", "lint", "diff", "test"] {
        assert!(
            help.contains(&format!("\n  {verb} ")),
            "{verb} missing from:\n{help}"
        );
    }
}

#[test]
fn help_documents_every_flag() {
    for (verb, flags) in [
        (
            "gen",
            &[
                "--check",
                "--spec <FILE>",
                "--out <DIR>",
                "--tag <TAG>",
                "--exclude-tag <TAG>",
                "--operation <ID>",
                "--path <PATTERN>",
                "--types-only",
                "--overlay <OVERLAY>",
            ][..],
        ),
        ("lint", &["[FILE]...", "--overlay <OVERLAY>"][..]),
        (
            "diff",
            &["--base <REV>", "--format <FORMAT>", "--fail-on <LEVEL>"][..],
        ),
        ("test", &["--skip-tools"][..]),
    ] {
        let o = xtask(&[verb, "--help"]);
        assert!(o.status.success());
        let help = stdout(&o);
        for flag in flags {
            assert!(help.contains(flag), "`{verb} --help` lacks {flag}:\n{help}");
        }
    }
}

#[test]
fn bad_arguments_fail() {
    assert!(!xtask(&[]).status.success());
    assert!(
        !xtask(&["gen", "--spec", "x.yaml"]).status.success(),
        "--spec needs --out"
    );
    assert!(!xtask(&["gen", "--check", "--spec", "a", "--out", "b"])
        .status
        .success());
    assert!(!xtask(&["diff", "--format", "html"]).status.success());
    assert!(!xtask(&["diff", "--fail-on", "INFO"]).status.success());
}

#[test]
fn lint_exit_codes() {
    let clean = common::fixture("lint/clean.yaml");
    let o = xtask(&["lint", clean.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stdout(&o));
    assert!(
        stdout(&o).ends_with("linted 1 file: 0 errors, 3 assumptions\n"),
        "{}",
        stdout(&o)
    );

    let bad = common::fixture("lint/duplicate-operation-id.yaml");
    let o = xtask(&["lint", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("error: lint found 1 error"));
}

#[test]
fn standalone_gen_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let spec = common::fixture("gen/conversations.yaml");
    let out = dir.path().join("client");
    let o = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["gen", "--spec", spec.to_str().unwrap(), "--out", "client"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{}{}",
        stdout(&o),
        String::from_utf8_lossy(&o.stderr)
    );
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    let command = format!("cargo xtask gen --spec {} --out client", spec.display());
    assert!(manifest.contains(&command), "{manifest}");
    // The runtime is vendored, so nothing points back into this checkout.
    assert!(
        manifest.contains("codegen-runtime = { path = \"codegen-runtime\" }"),
        "{manifest}"
    );
    assert!(
        !manifest.contains(&xtask::runtime_dir().display().to_string()),
        "{manifest}"
    );
    assert!(out.join("codegen-runtime/src/lib.rs").is_file());
}

#[test]
fn selection_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let spec = common::fixture("gen/tagged.yaml");
    let o = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["gen", "--spec", spec.to_str().unwrap(), "--out", "client"])
        .args([
            "--tag",
            "Users.User",
            "--path",
            "/meta*",
            "--exclude-tag",
            "Issues",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let out = stdout(&o);
    assert!(
        o.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        out.contains("2 operations") && out.contains("3 operations and"),
        "{out}"
    );
    // The header names the command with its selection, quoted for a shell.
    let manifest = std::fs::read_to_string(dir.path().join("client/Cargo.toml")).unwrap();
    assert!(
        manifest.contains("--out client --tag Users.User --exclude-tag Issues --path '/meta*'`"),
        "{manifest}"
    );

    let o = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["gen", "--spec", spec.to_str().unwrap(), "--out", "other"])
        .args(["--operation", "nope"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("--operation `nope` matches no operationId"));
    assert!(!dir.path().join("other").exists());
    // Selection needs --spec.
    assert!(!xtask(&["gen", "--tag", "x"]).status.success());
}
