//! `cargo xtask test`: the order of steps, `--skip-tools`, and stopping at the first
//! failing step.

use crate::common;

use xtask::test_cmd::{self, Action, Step, TestOptions};

fn names(steps: &[Step]) -> Vec<String> {
    steps.iter().map(|s| s.name.clone()).collect()
}

#[test]
fn runs_tools_checks_and_cargo_test_last() {
    let root = xtask::workspace_root();
    let steps = test_cmd::plan(&root, &TestOptions::default());
    let names = names(&steps);
    let position = |n: &str| {
        names
            .iter()
            .position(|x| x == n)
            .unwrap_or_else(|| panic!("{n} in {names:?}"))
    };
    if root.join("tools/install.sh").exists() {
        assert_eq!(position("install tools"), 0);
    }
    assert!(position("lint") < position("clippy"));
    assert!(position("clippy") < position("doc"));
    assert_eq!(names.last().map(String::as_str), Some("cargo test"));
    let Action::Run { args, .. } = &steps.last().unwrap().action else {
        panic!()
    };
    assert_eq!(args, &["test", "--workspace", "--", "--show-output"]);
    let Action::Run { env, .. } = &steps[position("doc")].action else {
        panic!()
    };
    assert_eq!(
        env,
        &[("RUSTDOCFLAGS".to_string(), "-D warnings".to_string())]
    );
}

#[test]
fn skip_tools_leaves_out_the_scripts() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("tools")).unwrap();
    for script in ["install.sh", "validate-specs.sh", "selftest.sh"] {
        std::fs::write(dir.path().join("tools").join(script), "exit 0\n").unwrap();
    }
    let all = names(&test_cmd::plan(dir.path(), &TestOptions::default()));
    assert_eq!(
        &all[..3],
        ["install tools", "validate specs", "tools self-test"]
    );
    let quick = names(&test_cmd::plan(
        dir.path(),
        &TestOptions { skip_tools: true },
    ));
    assert_eq!(
        quick,
        [
            "lint",
            "fmt",
            "clippy",
            "clippy, default features",
            "doc",
            "cargo test"
        ]
    );
    // Missing scripts are skipped; the real-world specs (npm) run without --skip-tools.
    let empty = tempfile::tempdir().unwrap();
    assert_eq!(
        names(&test_cmd::plan(empty.path(), &TestOptions::default())),
        [
            "lint",
            "fmt",
            "clippy",
            "clippy, default features",
            "doc",
            "real-world specs",
            "corpus sample",
            "cargo test"
        ]
    );
}

fn sh(name: &str, script: &str) -> Step {
    Step {
        name: name.into(),
        action: Action::Run {
            program: "sh".into(),
            args: vec!["-c".into(), script.into()],
            env: vec![],
        },
    }
}

#[test]
fn stops_at_the_first_failing_step_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let steps = [
        sh("first", "echo one > first.txt"),
        sh("second", "exit 3"),
        sh("third", "echo three > third.txt"),
    ];
    let (result, out) = common::capture(|o| test_cmd::run_steps(dir.path(), &steps, o));
    let failure = result.unwrap_err();
    assert_eq!(failure.message, "step `second` failed: exit status 3");
    assert!(
        out.contains("==> [1/3] first: sh -c echo one > first.txt\n"),
        "{out}"
    );
    assert!(out.contains("==> [2/3] second: "), "{out}");
    assert!(
        out.contains("==> step 2/3 `second` failed: exit status 3"),
        "{out}"
    );
    assert!(!out.contains("[3/3]"), "{out}");
    assert!(dir.path().join("first.txt").exists());
    assert!(!dir.path().join("third.txt").exists());
}

#[test]
fn children_find_tools_in_node_modules() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("tools/node_modules/.bin");
    std::fs::create_dir_all(&bin).unwrap();
    let steps = [sh("path", "echo \"$PATH\" > path.txt")];
    common::capture(|o| test_cmd::run_steps(dir.path(), &steps, o))
        .0
        .unwrap();
    let path = std::fs::read_to_string(dir.path().join("path.txt")).unwrap();
    assert!(path.starts_with(&bin.display().to_string()), "{path}");
}

#[test]
fn the_lint_step_runs_in_process_on_the_workspace() {
    let ws = common::workspace(&["lint/clean.yaml"]);
    let steps = [Step {
        name: "lint".into(),
        action: Action::Lint,
    }];
    let (result, out) = common::capture(|o| test_cmd::run_steps(ws.path(), &steps, o));
    result.unwrap();
    assert!(
        out.contains("linted 1 file: 0 errors, 3 assumptions"),
        "{out}"
    );
}

#[test]
fn totals_add_up_libtest_summaries() {
    let mut totals = xtask::test_cmd::Totals::default();
    totals.add_line("test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s");
    totals
        .add_line("test result: FAILED. 3 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out");
    totals.add_line("running 5 tests");
    assert_eq!(
        totals,
        xtask::test_cmd::Totals {
            passed: 15,
            failed: 2,
            ignored: 1
        }
    );
}
