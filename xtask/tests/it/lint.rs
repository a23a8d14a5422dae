//! `cargo xtask lint` as a command: its summary and exit code on a workspace, and the
//! same located message from `gen`, `lint` and `diff`. Lint on its fixtures is
//! spec-review's own test (`review/tests/it/lint.rs`).

use crate::common;

use common::{capture, workspace};
use spec_review::lint;
use xtask::lint::run_lint;

#[test]
fn run_lint_prints_a_summary_and_fails_on_errors() {
    let ws = workspace(&["lint/clean.yaml"]);
    let specs = ws.path().join("specs");
    let (result, out) = capture(|o| run_lint(ws.path(), &specs, &[], o));
    result.unwrap();
    assert!(
        out.lines()
            .all(|l| l.starts_with("specs/clean.yaml:") || l.starts_with("linted ")),
        "{out}"
    );
    assert_eq!(
        out.lines().last(),
        Some("linted 1 file: 0 errors, 3 assumptions")
    );

    common::add_spec(ws.path(), "lint/unused-schema.yaml");
    let (result, out) = capture(|o| run_lint(ws.path(), &specs, &[], o));
    assert_eq!(result.unwrap_err().message, "lint found 2 errors");
    assert_eq!(
        out.lines().last(),
        Some("linted 2 files: 2 errors, 3 assumptions")
    );

    // Files named on the command line replace the default set.
    let only = [ws.path().join("specs/clean.yaml")];
    let (result, _) = capture(|o| run_lint(ws.path(), &specs, &only, o));
    result.unwrap();
}

/// `gen`, `lint` and `diff` read documents through one loader and one model, so the same
/// bad input gives each the same located line: `file:line:col: /pointer: message`
/// (lint may add a "did you mean" hint after it).
#[test]
fn gen_lint_and_diff_give_the_same_located_message() {
    const GOOD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";
    let with_ref = |reference: &str| {
        format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: '{reference}'\ncomponents:\n  schemas:\n    Foo:\n      type: string\n"
        )
    };
    let cases = [
        ("broken YAML", "openapi: 3.0.3\ninfo: [\n".to_string()),
        (
            "duplicate key",
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\npaths: {}\n".to_string(),
        ),
        (
            "percent-encoded $ref to a missing schema",
            with_ref("#/components/schemas/Foo%20Bar"),
        ),
        (
            "$ref to a missing schema",
            with_ref("#/components/schemas/Missing"),
        ),
    ];
    for (case, text) in cases {
        let repo = tempfile::tempdir().unwrap();
        let root = repo.path();
        std::fs::create_dir_all(root.join("specs")).unwrap();
        let spec = root.join("specs/api.yaml");
        std::fs::write(&spec, GOOD).unwrap();
        common::git(root, &["init", "-q", "-b", "main"]);
        common::git(root, &["add", "."]);
        common::git(root, &["commit", "-q", "-m", "good"]);
        std::fs::write(&spec, &text).unwrap();

        let (result, out) = capture(|o| xtask::gen::run_gen(&xtask::gen::Layout::new(root), o));
        assert!(result.is_err(), "{case}: gen accepted it");
        let gen_lines: Vec<&str> = out
            .lines()
            .filter(|l| l.starts_with("specs/api.yaml:"))
            .collect();
        assert_eq!(gen_lines.len(), 1, "{case}: {out}");
        let gen_line = gen_lines[0];

        let lint_lines: Vec<String> = lint::lint_file(&spec, "specs/api.yaml")
            .iter()
            .filter(|d| d.severity == spec_review::spec::Severity::Error)
            .map(ToString::to_string)
            .collect();
        assert!(
            lint_lines.iter().any(|l| l == gen_line
                || l.strip_prefix(gen_line)
                    .is_some_and(|hint| hint.starts_with(" (did you mean"))),
            "{case}: gen says\n{gen_line}\nlint says\n{}",
            lint_lines.join("\n")
        );
        // One problem, one line (not the model's words and then lint's own).
        let about_refs = lint_lines.iter().filter(|l| l.contains("$ref")).count();
        assert!(about_refs <= 1, "{case}: {}", lint_lines.join("\n"));

        // What the loader refuses, the diff refuses; a document whose model cannot be
        // built is still diffed, with the model's message as a warning.
        match xtask::diff::report_for_repo(root, Some("main")) {
            Err(failure) => assert!(
                failure.message.lines().any(|l| l == gen_line),
                "{case}: gen says\n{gen_line}\ndiff says\n{}",
                failure.message
            ),
            Ok(report) => {
                assert!(case.contains("$ref"), "{case}: diff accepted it");
                assert!(
                    report.warnings.iter().any(|w| w.starts_with(gen_line)),
                    "{case}: gen says\n{gen_line}\ndiff warns\n{}",
                    report.warnings.join("\n")
                );
            }
        }
    }
}
