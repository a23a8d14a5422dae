//! Real-world specs that no one here wrote: the classic Petstore and GitHub's REST
//! description must generate crates that `cargo check` accepts, with no hand edits.
//!
//! Both need the network (npm) the first time and GitHub's takes minutes, so they are
//! `#[ignore]`d by default; `cargo xtask test` runs them with `--ignored`.

use std::path::Path;
use std::process::Command;

use xtask::bench::{fetch, EXTERNAL};

fn generate_and_check(file: &str) {
    let root = xtask::workspace_root();
    let (_, package, inner) = EXTERNAL
        .iter()
        .copied()
        .find(|(f, _, _)| *f == file)
        .expect("known spec");
    let mut log = Vec::new();
    let spec = fetch(&root.join("bench-cache"), file, package, inner, &mut log)
        .unwrap_or_else(|e| panic!("cannot fetch {file}: {e}"));
    let out_dir = root
        .join("target/real-specs")
        .join(file.trim_end_matches(".json"));
    // A scratch folder of this test: one written before generated folders carried a
    // manifest would be refused, so it starts afresh.
    if out_dir.exists() {
        std::fs::remove_dir_all(&out_dir).unwrap();
    }
    let command = format!(
        "cargo xtask gen --spec {} --out {}",
        spec.display(),
        out_dir.display()
    );
    xtask::gen::run_standalone(&spec, &out_dir, &xtask::runtime_dir(), &command, &mut log)
        .unwrap_or_else(|e| panic!("generation failed: {e}\n{}", String::from_utf8_lossy(&log)));
    let summary = String::from_utf8_lossy(&log).to_string();
    println!("{summary}");
    assert!(summary.contains("generated 1 spec,"), "{summary}");
    check(&out_dir, &root.join("target/real-specs-check"));
}

fn check(crate_dir: &Path, target_dir: &Path) {
    let started = std::time::Instant::now();
    let output = Command::new(env!("CARGO"))
        .args(["check", "--quiet", "--offline"])
        .env("CARGO_TARGET_DIR", target_dir)
        .current_dir(crate_dir)
        .output()
        .expect("cargo runs");
    println!(
        "cargo check of {} took {:.1} s",
        crate_dir.display(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        output.status.success(),
        "cargo check of {} failed:\n{}",
        crate_dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
#[ignore = "fetches the Petstore sample from npm; run by `cargo xtask test`"]
fn petstore_generates_a_crate_that_checks() {
    generate_and_check("petstore.json");
}

#[test]
#[ignore = "fetches GitHub's 13 MB spec from npm and checks a ~320k-line crate; run by `cargo xtask test`"]
fn github_generates_a_crate_that_checks() {
    generate_and_check("api.github.com.json");
}
