//! Every fixture (and a few random documents from `common::random`) generated into ONE
//! standalone crate, written under the target directory, then built and checked by cargo: `cargo test` (the crate's doctests and
//! the tests in `tests/compiled/`: behaviour, and parameter styles on the wire), `cargo clippy -D warnings` and
//! `cargo doc` with `-D warnings`. Dependencies come from the workspace target directory,
//! so a warm run only compiles the generated crate itself.

use crate::common;

use std::path::{Path, PathBuf};

use codegen::{generate_crate, parse_spec, ApiInput, CrateConfig};

/// How many random documents are compiled next to the fixtures.
const RANDOM_MODULES: usize = 6;

/// The first `count` random documents that generate, as `random_<seed>` modules.
fn random_apis(config: &CrateConfig, count: usize) -> Vec<ApiInput> {
    let mut apis = Vec::new();
    for seed in 0_u64.. {
        if apis.len() == count {
            break;
        }
        let text = serde_json::to_string_pretty(&common::random::random_document(seed)).unwrap();
        let spec = parse_spec(Path::new(&format!("random/{seed}.json")), text)
            .expect("random documents parse");
        let api = ApiInput {
            module: format!("random_{seed}"),
            spec: spec.into(),
        };
        if generate_crate(std::slice::from_ref(&api), config).is_ok() {
            apis.push(api);
        }
    }
    apis
}
use std::process::Command;
use std::time::Instant;

/// `target/` of the workspace (the parent of `CARGO_TARGET_TMPDIR`).
fn target_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent()
        .expect("CARGO_TARGET_TMPDIR is inside the target directory")
        .to_path_buf()
}

/// Writes `contents` to `path` unless it already holds exactly that, so unchanged
/// files keep their modification times and cargo does not rebuild for nothing.
fn write_if_changed(path: &Path, contents: &str) {
    if std::fs::read_to_string(path).is_ok_and(|old| old == contents) {
        return;
    }
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents)
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

/// Removes files under `dir/sub` that are not in `keep` (left over from fixtures that
/// no longer exist).
fn remove_stale(dir: &Path, sub: &str, keep: &[String]) {
    let mut stack = vec![dir.join(sub)];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = path
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if !keep.contains(&rel) {
                std::fs::remove_file(&path).unwrap();
            }
        }
    }
}

/// Runs cargo in `dir`; panics with its output when it fails.
fn cargo(dir: &Path, args: &[&str], env: &[(&str, &str)]) {
    check(dir, args, &try_cargo(dir, args, env));
}

/// Panics with cargo's output unless it succeeded.
fn check(dir: &Path, args: &[&str], output: &std::process::Output) {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "`cargo {}` failed in {} ({}):\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}",
        args.join(" "),
        dir.display(),
        output.status,
    );
}

/// Runs cargo in `dir` with the environment of a plain build.
fn try_cargo(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let started = Instant::now();
    let program = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(program);
    // Cargo gives this test the variables of the `codegen` package; build scripts that
    // watch them (ring's `rerun-if-env-changed=CARGO_PKG_NAME`) would be rerun, and
    // their dependents rebuilt, on every switch between this test and a plain build.
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
        if set_for_tests.iter().any(|prefix| key.starts_with(prefix)) {
            command.env_remove(key.as_ref());
        }
    }
    let output = command
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir())
        .envs(env.iter().copied())
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo {args:?}: {e}"));
    eprintln!(
        "cargo {} ({:.1}s)",
        args.join(" "),
        started.elapsed().as_secs_f64()
    );
    output
}

/// The crate's files: everything the generator made, the behaviour tests, a profile
/// matching the workspace's (so dependencies are reused) and the workspace's lock file
/// (so the same versions are picked, offline).
fn crate_files() -> Vec<(String, String)> {
    let names = common::fixture_names();
    let runtime = common::workspace_dir().join("runtime");
    let runtime = runtime.display().to_string().replace('\\', "/");
    let config = common::config(true, format!("{{ path = \"{runtime}\" }}"));
    let mut apis: Vec<ApiInput> = names
        .iter()
        .map(|n| ApiInput {
            module: common::module_of(n),
            spec: (common::load_fixture(n)).into(),
        })
        .collect();
    apis.extend(random_apis(&config, RANDOM_MODULES));
    let generated =
        generate_crate(&apis, &config).unwrap_or_else(|e| panic!("fixtures do not generate: {e}"));
    let mut files: Vec<(String, String)> = generated.files.into_iter().collect();
    for (path, contents) in &mut files {
        if path == "Cargo.toml" {
            contents.push_str(
                "\n# As in the workspace, so that compiled dependencies are shared.\n\
                 [profile.dev.package.\"*\"]\ndebug = false\n\n\
                 [profile.dev.package.codegen-runtime]\ndebug = true\n",
            );
        }
    }
    // Every file of `tests/compiled/` is a test target of the crate.
    let compiled = common::package_dir().join("tests/compiled");
    let mut tests: Vec<PathBuf> = std::fs::read_dir(&compiled)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "rs"))
        .collect();
    tests.sort();
    for test in tests {
        let name = test.file_name().unwrap().to_string_lossy();
        files.push((
            format!("tests/{name}"),
            std::fs::read_to_string(&test).unwrap(),
        ));
    }
    files
}

#[test]
fn every_fixture_compiles_lints_documents_and_behaves() {
    let dir = target_dir().join("snapshot-crate");
    let files = crate_files();
    let keep: Vec<String> = files.iter().map(|(p, _)| p.clone()).collect();
    remove_stale(&dir, "src", &keep);
    remove_stale(&dir, "tests", &keep);
    for (path, contents) in &files {
        write_if_changed(&dir.join(path), contents);
    }
    let lock = std::fs::read_to_string(common::workspace_dir().join("Cargo.lock")).unwrap();
    if !dir.join("Cargo.lock").exists() {
        write_if_changed(&dir.join("Cargo.lock"), &lock);
    }

    let test = ["test", "--offline", "--all-features", "--quiet"];
    let output = try_cargo(&dir, &test, &[]);
    if !output.status.success() && String::from_utf8_lossy(&output.stderr).contains("--offline") {
        // The workspace has usually downloaded every dependency already; on a machine
        // that only built `codegen` so far, they are fetched once.
        cargo(&dir, &["fetch", "--quiet"], &[]);
        cargo(&dir, &test, &[]);
    } else {
        check(&dir, &test, &output);
    }
    cargo(
        &dir,
        &[
            "clippy",
            "--offline",
            "--all-features",
            "--all-targets",
            "--quiet",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    );
    cargo(
        &dir,
        &["doc", "--offline", "--all-features", "--no-deps", "--quiet"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    );
}
