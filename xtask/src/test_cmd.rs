//! `cargo xtask test`: the project's single test command.
//!
//! Steps, in order, each under a heading; the first failing step stops the run:
//! 1. `bash tools/install.sh` (if it exists) — installs the npm and PyPI tools;
//! 2. `bash tools/validate-specs.sh` and 3. `bash tools/selftest.sh` (if they exist);
//! 4. `lint`;
//! 5. `cargo fmt --all --check` (the generated crate's modules are `#[rustfmt::skip]`:
//!    they are prettyplease's output, which `gen --check` keeps exact);
//! 6. `cargo clippy --workspace --all-targets --all-features -- -D warnings`, then the
//!    same with default features;
//! 7. `RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --all-features` (every
//!    crate documents cleanly);
//! 8. with the tools, the real-world specs (Petstore and GitHub generate crates that
//!    `cargo check` accepts) and a fixed sample of APIs.guru's corpus (40 documents
//!    generate, and their crates pass `cargo check`);
//! 9. `cargo test --workspace`, last, so that its summary lines end the output. It
//!    checks that `generated/` is fresh (`gen --check`, in the `generated_is_fresh`
//!    test), once.
//!
//! `--skip-tools` leaves out steps 1–3. Child processes get `tools/node_modules/.bin`
//! at the front of `PATH`.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::lint;
use crate::Failure;

/// Options of `cargo xtask test`.
#[derive(Debug, Clone, Default)]
pub struct TestOptions {
    /// Leave out the steps that install and run the npm/PyPI tools.
    pub skip_tools: bool,
}

/// What a step does.
pub enum Action {
    /// Run a program in the workspace root.
    Run {
        /// Program.
        program: String,
        /// Arguments.
        args: Vec<String>,
        /// Extra environment.
        env: Vec<(String, String)>,
    },
    /// Run `lint` in this process.
    Lint,
}

/// One step of the run.
pub struct Step {
    /// Short name, shown in the heading and in the failure message.
    pub name: String,
    /// What it does.
    pub action: Action,
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string())
}

fn run_step(program: &str, args: &[&str]) -> Action {
    Action::Run {
        program: program.to_string(),
        args: args.iter().map(|s| s.to_string()).collect(),
        env: Vec::new(),
    }
}

/// The steps for the workspace at `root`, in order.
pub fn plan(root: &Path, options: &TestOptions) -> Vec<Step> {
    let mut steps = Vec::new();
    if !options.skip_tools {
        for (name, script) in [
            ("install tools", "tools/install.sh"),
            ("validate specs", "tools/validate-specs.sh"),
            ("tools self-test", "tools/selftest.sh"),
        ] {
            if root.join(script).is_file() {
                steps.push(Step {
                    name: name.into(),
                    action: run_step("bash", &[script]),
                });
            }
        }
    }
    steps.push(Step {
        name: "lint".into(),
        action: Action::Lint,
    });
    let cargo = cargo();
    steps.push(Step {
        name: "fmt".into(),
        action: run_step(&cargo, &["fmt", "--all", "--", "--check"]),
    });
    steps.push(Step {
        name: "clippy".into(),
        action: run_step(
            &cargo,
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--all-features",
                "--",
                "-D",
                "warnings",
            ],
        ),
    });
    // Default features too: code behind a feature can leave items unused without it
    // (as `--all-features` cannot show), and `cargo xtask` itself builds that way.
    steps.push(Step {
        name: "clippy, default features".into(),
        action: run_step(
            &cargo,
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
        ),
    });
    steps.push(Step {
        name: "doc".into(),
        action: Action::Run {
            program: cargo.clone(),
            args: ["doc", "--workspace", "--no-deps", "--all-features"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            env: vec![("RUSTDOCFLAGS".into(), "-D warnings".into())],
        },
    });
    if !options.skip_tools {
        // Fetches Petstore and GitHub's spec with npm and checks their crates: minutes,
        // so it is left out of quick local runs along with the other npm steps.
        steps.push(Step {
            name: "real-world specs".into(),
            action: run_step(
                &cargo,
                &[
                    "test",
                    "-p",
                    "xtask",
                    "--test",
                    "it",
                    "--",
                    "--ignored",
                    "--nocapture",
                    "real_specs::",
                ],
            ),
        });
    }
    if !options.skip_tools {
        // A fixed sample of real-world documents, so that a regression on specs no one
        // here wrote is caught: every one generates and its crate compiles.
        let xtask = std::env::current_exe()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| "xtask".into());
        steps.push(Step {
            name: "corpus sample".into(),
            action: run_step(
                &xtask,
                &[
                    "corpus", "--sample", "40", "--check", "40", "--seed", "1", "--strict",
                ],
            ),
        });
    }
    // `--show-output` prints what passing tests report (how many examples were
    // round-tripped, how many values generated), so CI logs show the counts.
    steps.push(Step {
        name: "cargo test".into(),
        action: run_step(&cargo, &["test", "--workspace", "--", "--show-output"]),
    });
    steps
}

/// `PATH` with `tools/node_modules/.bin` in front.
pub fn child_path(root: &Path) -> OsString {
    let mut dirs: Vec<PathBuf> = vec![root.join("tools").join("node_modules").join(".bin")];
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs).unwrap_or_default()
}

fn describe(action: &Action) -> String {
    match action {
        Action::Run { program, args, env } => {
            let mut parts: Vec<String> = env.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
            let program = Path::new(program)
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_else(|| program.clone());
            parts.push(program);
            parts.extend(args.iter().cloned());
            parts.join(" ")
        }
        Action::Lint => "cargo xtask lint".into(),
    }
}

/// Runs `steps` in `root`, printing a heading for each. Stops at the first failure.
/// Test counts summed over every `test result:` line the steps printed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    /// Tests that passed.
    pub passed: u64,
    /// Tests that failed.
    pub failed: u64,
    /// Tests that were ignored.
    pub ignored: u64,
}

impl Totals {
    /// Adds the counts of one libtest summary line (`test result: ok. 3 passed; 0 failed;
    /// 1 ignored; ...`); other lines are ignored.
    pub fn add_line(&mut self, line: &str) {
        let Some(rest) = line.trim().strip_prefix("test result:") else {
            return;
        };
        let count = |label: &str| -> u64 {
            rest.split(';')
                .find_map(|part| part.trim().strip_suffix(label).map(str::trim))
                .and_then(|n| n.rsplit(' ').next())
                .and_then(|n| n.parse().ok())
                .unwrap_or(0)
        };
        self.passed += count(" passed");
        self.failed += count(" failed");
        self.ignored += count(" ignored");
    }
}

/// Runs one program, echoing its standard output line by line (standard error goes
/// straight through) and adding its test summaries to `totals`.
fn run_and_tally(
    root: &Path,
    path: &std::ffi::OsStr,
    program: &str,
    args: &[String],
    env: &[(String, String)],
    totals: &mut Totals,
    out: &mut dyn Write,
) -> Result<(), String> {
    use std::io::BufRead;
    let mut child = Command::new(program)
        .args(args)
        .current_dir(root)
        .env("PATH", path)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    if let Some(stdout) = child.stdout.take() {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            totals.add_line(&line);
            writeln!(out, "{line}").ok();
            out.flush().ok();
        }
    }
    match child.wait() {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(match s.code() {
            Some(c) => format!("exit status {c}"),
            None => "killed by a signal".to_string(),
        }),
        Err(e) => Err(format!("cannot run {program}: {e}")),
    }
}

/// Runs `steps` in order in `root`, printing each one's name and time, and stops at the
/// first that fails, naming it.
pub fn run_steps(root: &Path, steps: &[Step], out: &mut dyn Write) -> Result<(), Failure> {
    let path = child_path(root);
    let total = steps.len();
    let mut totals = Totals::default();
    for (i, step) in steps.iter().enumerate() {
        writeln!(
            out,
            "\n==> [{}/{total}] {}: {}",
            i + 1,
            step.name,
            describe(&step.action)
        )
        .ok();
        out.flush().ok();
        let result = match &step.action {
            Action::Run { program, args, env } => {
                run_and_tally(root, &path, program, args, env, &mut totals, out)
            }
            Action::Lint => {
                lint::run_lint(root, &root.join("specs"), &[], out).map_err(|f| f.message)
            }
        };
        out.flush().ok();
        if let Err(why) = result {
            writeln!(
                out,
                "\n==> step {}/{total} `{}` failed: {why}",
                i + 1,
                step.name
            )
            .ok();
            return Err(Failure::new(format!("step `{}` failed: {why}", step.name)));
        }
    }
    // One plain closing line over every cargo test run above, so a reader (or CI) sees
    // the whole count at the end rather than the last crate's doc-tests.
    writeln!(
        out,
        "\ntests: {} passed, {} failed, {} skipped",
        totals.passed, totals.failed, totals.ignored
    )
    .ok();
    Ok(())
}

/// `cargo xtask test`.
pub fn run_test(root: &Path, options: &TestOptions, out: &mut dyn Write) -> Result<(), Failure> {
    run_steps(root, &plan(root, options), out)
}
