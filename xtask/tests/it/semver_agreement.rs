//! `cargo xtask diff` checked against an independent tool: for every rule fixture in
//! `review/tests/diff/<rule>/`, the crate is generated from `old.yaml` and from `new.yaml` (as
//! `specs/api.yaml` of `conversation-apis`, so items are `conversation_apis::api::..`),
//! rustdoc writes both APIs as JSON, and `cargo-semver-checks` 0.51.0 compares them.
//!
//! The diff and cargo-semver-checks must agree on each fixture:
//! - **stops compiling**: the diff says `yes` for some change exactly when
//!   cargo-semver-checks reports a lint that requires a major version (`maybe` never
//!   agrees: it is no verdict);
//! - **bump**: the diff suggests `major` exactly when cargo-semver-checks requires a
//!   major version, and at least `minor` when it requires a minor one. When it requires
//!   nothing, `none`, `patch` and `minor` all agree (it does not report additions).
//!
//! Where they differ on purpose, `semver-checks-differs.txt` in the fixture says why:
//! its first line is the disagreement as this test states it, the rest the reason. A
//! fixture on which they agree must not have one. When the diff says code stops
//! compiling and cargo-semver-checks sees nothing (it does not compare the types of
//! fields and arguments), `witness.rs` proves it: consumer code that this test compiles
//! against the old crate (it must compile) and the new one (it must fail with a compile
//! error). `semver-checks.snap`, an insta snapshot, records what cargo-semver-checks
//! found (failures and warnings, the bump each requires, the items), so a reviewer sees
//! it; `INSTA_UPDATE=always` (or `cargo insta review`) rewrites it after an intended
//! change.
//!
//! The tool is installed by `bash tools/install.sh` (into `tools/.cargo/bin`, or found
//! on `PATH`). Crates, rustdoc JSON and one shared target directory (dependencies are
//! compiled once) live in `target/semver-agreement/`; rustdoc JSON is cached by the
//! generated crate's content, so a rerun only documents crates that changed.

use std::collections::hash_map::DefaultHasher;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;

use codegen::CrateConfig;
use spec_review::diff::{self, Breaks, Bump, Report};
use spec_review::spec::Doc;
use xtask::gen::{self, SpecFile};

/// The pinned version `tools/install.sh` installs.
const VERSION: &str = "0.51.0";
/// The crate every fixture is generated as.
const PACKAGE: &str = "conversation-apis";
const CRATE_NAME: &str = "conversation_apis";
/// The recorded outcome: the insta snapshot `semver-checks.snap`.
const RECORD: &str = "semver-checks";
/// Why the diff and cargo-semver-checks differ on a fixture, written by hand.
const DIFFERS: &str = "semver-checks-differs.txt";
/// Consumer code that compiles against the old crate and not against the new one.
const WITNESS: &str = "witness.rs";

/// The diff's rule fixtures, which spec-review's tests own.
fn rules_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../review/tests/diff")
}

fn work_dir() -> PathBuf {
    xtask::workspace_root().join("target/semver-agreement")
}

/// `cargo-semver-checks` 0.51.0: from `tools/.cargo/bin`, else from `PATH`.
fn tool() -> PathBuf {
    let local = xtask::workspace_root().join("tools/.cargo/bin/cargo-semver-checks");
    let candidates = [local, PathBuf::from("cargo-semver-checks")];
    let mut seen = Vec::new();
    for candidate in candidates {
        let Ok(output) = Command::new(&candidate)
            .args(["semver-checks", "--version"])
            .output()
        else {
            seen.push(format!("{}: not found", candidate.display()));
            continue;
        };
        let version = String::from_utf8_lossy(&output.stdout).trim().to_string();
        if version == format!("cargo-semver-checks {VERSION}") {
            return candidate;
        }
        seen.push(format!("{}: `{version}`", candidate.display()));
    }
    panic!(
        "cargo-semver-checks {VERSION} is not installed ({}); run `bash tools/install.sh`",
        seen.join(", ")
    );
}

/// What cargo-semver-checks found for one pair of crates.
#[derive(Debug, Default)]
struct Outcome {
    /// `semver requires new major version: ..` or `no semver update required`.
    summary: String,
    /// Lint id → (required bump, whether it only warns, the items it names without
    /// source positions). Warn-level lints (`partial_ord_enum_variants_reordered`: a
    /// derived `Ord` may order differently) do not fail the check: recorded, but they
    /// require nothing.
    lints: BTreeMap<String, (String, bool, Vec<String>)>,
}

impl Outcome {
    fn requires(&self, bump: &str) -> bool {
        self.lints.values().any(|(b, warns, _)| b == bump && !warns)
    }

    fn failures(&self) -> usize {
        self.lints.values().filter(|(_, warns, _)| !warns).count()
    }

    /// The bump it requires: `major`, `minor` or `none`.
    fn bump(&self) -> &'static str {
        if self.requires("major") {
            "major"
        } else if self.requires("minor") {
            "minor"
        } else {
            "none"
        }
    }

    fn record(&self) -> String {
        let mut out = format!(
            "cargo-semver-checks {VERSION} (release type patch): {}\n",
            self.summary
        );
        for (lint, (bump, warns, items)) in &self.lints {
            let kind = if *warns { "warning" } else { "failure" };
            out.push_str(&format!("{kind} {lint} ({bump})\n"));
            for item in items {
                out.push_str(&format!("  {item}\n"));
            }
        }
        out
    }
}

/// Lint id → required bump (`major`/`minor`), from `--list`.
fn lint_levels(tool: &Path) -> BTreeMap<String, String> {
    let output = Command::new(tool)
        .args(["semver-checks", "--list"])
        .output()
        .expect("cargo-semver-checks runs");
    let text = String::from_utf8_lossy(&output.stdout);
    let levels: BTreeMap<String, String> = text
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let (id, kind) = (words.next()?, words.next()?);
            matches!(kind, "major" | "minor").then(|| (id.to_string(), kind.to_string()))
        })
        .collect();
    assert!(levels.len() > 100, "unexpected --list output:\n{text}");
    levels
}

/// Runs cargo-semver-checks on two rustdoc JSON files and reads its report.
fn semver_checks(
    tool: &Path,
    levels: &BTreeMap<String, String>,
    old: &Path,
    new: &Path,
) -> Outcome {
    // Release type `patch`: every lint that requires more than a patch is reported,
    // minor ones (deprecations, ...) included.
    let output = Command::new(tool)
        .args([
            "semver-checks",
            "--color",
            "never",
            "--release-type",
            "patch",
        ])
        .arg("--baseline-rustdoc")
        .arg(old)
        .arg("--current-rustdoc")
        .arg(new)
        .output()
        .expect("cargo-semver-checks runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let mut outcome = Outcome::default();
    for line in stderr.lines() {
        if let Some(rest) = line.trim().strip_prefix("Summary ") {
            outcome.summary = rest.trim().to_string();
        }
    }
    let mut current: Option<String> = None;
    let mut in_items = false;
    for line in stdout.lines() {
        let header = match (
            line.strip_prefix("--- failure "),
            line.strip_prefix("--- warning "),
        ) {
            (Some(rest), _) => Some((rest, false)),
            (_, Some(rest)) => Some((rest, true)),
            _ => None,
        };
        if let Some((rest, warns)) = header {
            let id = rest.split(':').next().unwrap_or(rest).trim().to_string();
            let level = levels
                .get(&id)
                .unwrap_or_else(|| panic!("lint `{id}` is not in --list"))
                .clone();
            outcome.lints.insert(id.clone(), (level, warns, Vec::new()));
            current = Some(id);
            in_items = false;
        } else if line.trim() == "Failed in:" {
            in_items = true;
        } else if in_items && line.starts_with("  ") && !line.trim().is_empty() {
            let item = without_positions(line.trim());
            if let Some((_, _, items)) = current.as_ref().and_then(|c| outcome.lints.get_mut(c)) {
                items.push(item);
            }
        } else if line.trim().is_empty() {
            in_items = false;
        }
    }
    let code = output.status.code();
    let clean = outcome.failures() == 0 && code == Some(0);
    let failed = outcome.failures() > 0 && code == Some(100);
    assert!(
        (clean || failed) && !outcome.summary.is_empty(),
        "cargo-semver-checks exited with {code:?}:\n{stdout}\n{stderr}"
    );
    for (_, _, items) in outcome.lints.values_mut() {
        items.sort();
    }
    outcome
}

/// An item line without its source positions (`field Conversation.tags in
/// src/api/types.rs:30`, `.., previously in file src/api/mod.rs:66`, `takes 1
/// parameters in src/api/mod.rs:51, but ..`): positions move with every change of the
/// generator, the items do not.
fn without_positions(line: &str) -> String {
    let mut out = line.to_string();
    while let Some(start) = out.find("src/") {
        let rest = &out[start..];
        let len = rest
            .find(|c: char| c.is_whitespace() || c == ',')
            .unwrap_or(rest.len());
        let mut from = start;
        for lead in [", previously in file ", " in file ", " in "] {
            if out[..start].ends_with(lead) {
                from = start - lead.len();
                break;
            }
        }
        out.replace_range(from..start + len, "");
    }
    out
}

fn hash_of(files: &BTreeMap<String, String>) -> String {
    let mut h = DefaultHasher::new();
    files.hash(&mut h);
    format!("{:016x}", h.finish())
}

fn config() -> CrateConfig {
    let mut config = gen::standalone_config_titled(
        Path::new("api.yaml"),
        None,
        &gen::Runtime::Path(xtask::runtime_dir()),
        "cargo test -p xtask --test it -- semver_agreement::",
    );
    config.package_name = PACKAGE.into();
    config
}

/// A generated crate and its rustdoc JSON.
struct Generated {
    dir: PathBuf,
    json: PathBuf,
}

fn write_crate(dir: &Path, files: &BTreeMap<String, String>) {
    let _ = std::fs::remove_dir_all(dir);
    for (rel, text) in files {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    // The workspace's lock file: the same dependency versions, already downloaded, so
    // the shared target directory compiles them once for every crate.
    std::fs::copy(
        xtask::workspace_root().join("Cargo.lock"),
        dir.join("Cargo.lock"),
    )
    .unwrap();
}

/// Generates the crate for `spec` and its rustdoc JSON (both cached by content).
fn generate(spec: &Path) -> Generated {
    let work = work_dir();
    // The module is named after the file: generate from a copy named `api.yaml`.
    let staging = work.join("staging");
    std::fs::create_dir_all(&staging).unwrap();
    std::fs::copy(spec, staging.join("api.yaml")).unwrap();
    let specs = [SpecFile {
        path: staging.join("api.yaml"),
        display: "specs/api.yaml".into(),
    }];
    let krate = gen::generate(&specs, &config())
        .unwrap_or_else(|e| panic!("{}: generation failed:\n{e}", spec.display()));
    let key = hash_of(&krate.files);
    let json = work.join("json").join(format!("{key}.json"));
    let dir = work.join("crates").join(&key);
    if json.is_file() {
        if !dir.join("Cargo.lock").is_file() {
            write_crate(&dir, &krate.files);
        }
        return Generated { dir, json };
    }
    write_crate(&dir, &krate.files);
    let target = work.join("target");
    let out = target.join("doc").join(format!("{CRATE_NAME}.json"));
    let _ = std::fs::remove_file(&out);
    let output = Command::new(env!("CARGO"))
        .args(["rustdoc", "--quiet", "--offline", "--lib", "--all-features"])
        .arg("--target-dir")
        .arg(&target)
        .args(["--", "-Z", "unstable-options", "--output-format", "json"])
        // Unstable options for this crate's rustdoc only: dependencies' build scripts
        // must not see a nightly compiler.
        .env("RUSTC_BOOTSTRAP", CRATE_NAME)
        .current_dir(&dir)
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success() && out.is_file(),
        "cargo rustdoc of {} (from {}) failed:\n{}",
        dir.display(),
        spec.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::create_dir_all(json.parent().unwrap()).unwrap();
    std::fs::rename(&out, &json).unwrap();
    Generated { dir, json }
}

/// Checks `witness.rs`, code a consumer of the crate could write, against the crate
/// generated from the old spec (it must compile) and from the new one (it must not):
/// proof that the change stops code compiling where cargo-semver-checks sees nothing.
/// Returns what is wrong, if anything.
fn check_witness(rule: &str, witness: &Path, old: &Generated, new: &Generated) -> Option<String> {
    let source = std::fs::read_to_string(witness).unwrap();
    let mut results = Vec::new();
    for (side, generated) in [("old", old), ("new", new)] {
        let dir = work_dir().join("witness").join(rule).join(side);
        std::fs::create_dir_all(dir.join("src")).unwrap();
        let manifest = format!(
            "[package]\nname = \"witness\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
             publish = false\n\n[workspace]\n\n[dependencies]\n{PACKAGE} = {{ path = {} }}\n",
            gen::toml_string(&generated.dir.to_string_lossy())
        );
        // Written only when different, so that cargo's freshness check holds on reruns.
        for (path, text) in [
            (dir.join("Cargo.toml"), manifest.as_str()),
            (dir.join("src/lib.rs"), source.as_str()),
        ] {
            if std::fs::read_to_string(&path).ok().as_deref() != Some(text) {
                std::fs::write(&path, text).unwrap();
            }
        }
        std::fs::copy(
            xtask::workspace_root().join("Cargo.lock"),
            dir.join("Cargo.lock"),
        )
        .unwrap();
        let output = Command::new(env!("CARGO"))
            .args(["check", "--quiet", "--offline", "--lib"])
            .arg("--target-dir")
            .arg(work_dir().join("target"))
            .current_dir(&dir)
            .output()
            .expect("cargo runs");
        results.push((
            side,
            output.status.success(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        ));
    }
    let (old_ok, new_ok) = (results[0].1, results[1].1);
    let new_stderr = &results[1].2;
    if !old_ok {
        Some(format!(
            "witness.rs must compile against the old crate:\n{}",
            results[0].2
        ))
    } else if new_ok {
        Some("witness.rs still compiles against the new crate".to_string())
    } else if !new_stderr.contains("error[E") || !new_stderr.contains("src/lib.rs") {
        Some(format!(
            "witness.rs fails against the new crate, but not with a compile error in it:\n{new_stderr}"
        ))
    } else {
        None
    }
}

fn report(dir: &Path) -> Report {
    let doc = |name: &str| {
        let path = dir.join(name);
        Doc::read(&path, "specs/api.yaml").unwrap_or_else(|d| panic!("{}: {d}", path.display()))
    };
    let changes = diff::diff_docs(
        "specs/api.yaml",
        &doc("old.yaml"),
        &doc("new.yaml"),
        PACKAGE,
    );
    Report::new(None, changes, Some("0.1.0".into()), PACKAGE)
}

/// The diff's verdict: the worst "stops compiling" over its changes, and the bump.
fn verdict(report: &Report) -> (Breaks, Bump) {
    let breaks = report
        .changes
        .iter()
        .map(|c| c.breaks_compilation)
        .max()
        .unwrap_or(Breaks::No);
    (breaks, report.bump())
}

/// `None` when the diff and cargo-semver-checks agree, else the disagreement.
fn disagreement(breaks: Breaks, bump: Bump, outcome: &Outcome) -> Option<String> {
    let required = outcome.bump();
    let breaks_agree = match breaks {
        Breaks::Yes => required == "major",
        Breaks::No => required != "major",
        Breaks::Maybe => false,
    };
    let bump_agrees = match required {
        "major" => bump == Bump::Major,
        "minor" => bump == Bump::Minor,
        _ => bump != Bump::Major,
    };
    (!breaks_agree || !bump_agrees).then(|| {
        format!(
            "diff: stops compiling {breaks}, bump {bump}; cargo-semver-checks requires: {required}"
        )
    })
}

#[test]
fn diff_verdicts_agree_with_cargo_semver_checks() {
    let tool = tool();
    let levels = lint_levels(&tool);
    let mut rules: Vec<PathBuf> = std::fs::read_dir(rules_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    rules.sort();
    assert!(rules.len() >= 30, "{rules:?}");
    let started = std::time::Instant::now();
    let mut failures = Vec::new();
    let (mut agree, mut differ, mut witnesses) = (0, 0, 0);
    let mut differing = Vec::new();
    let mut records = Vec::new();
    for dir in &rules {
        let rule = dir.file_name().unwrap().to_string_lossy().into_owned();
        let old = generate(&dir.join("old.yaml"));
        let new = generate(&dir.join("new.yaml"));
        let outcome = semver_checks(&tool, &levels, &old.json, &new.json);
        let report = report(dir);
        let (breaks, bump) = verdict(&report);
        let found = disagreement(breaks, bump, &outcome);

        let mut record = outcome.record();
        record.push_str(&format!(
            "cargo xtask diff: stops compiling: {breaks}; suggested bump: {bump}\n"
        ));
        record.push_str(match &found {
            None => "agreement: yes\n",
            Some(_) => "agreement: no (see semver-checks-differs.txt)\n",
        });
        records.push((dir.clone(), record));

        let why = std::fs::read_to_string(dir.join(DIFFERS)).ok();
        match (&found, &why) {
            (None, None) => agree += 1,
            (None, Some(_)) => failures.push(format!(
                "review/tests/diff/{rule}: the diff and cargo-semver-checks agree, so {DIFFERS} \
                 must go"
            )),
            (Some(d), None) => failures.push(format!(
                "review/tests/diff/{rule}: {d}\n{}\n{}\nfix the diff, or say why they differ in \
                 {DIFFERS} (first line: the line above)",
                report.to_text(),
                outcome.record()
            )),
            (Some(d), Some(text)) => {
                differ += 1;
                differing.push(rule.clone());
                let mut lines = text.lines();
                let first = lines.next().unwrap_or("");
                let reason = lines.collect::<Vec<_>>().join(" ");
                if first != d {
                    failures.push(format!(
                        "review/tests/diff/{rule}/{DIFFERS} explains `{first}`, but now: {d}"
                    ));
                } else if reason.trim().len() < 40 {
                    failures.push(format!(
                        "review/tests/diff/{rule}/{DIFFERS}: say why they differ below the first line"
                    ));
                }
                // "Stops compiling" where cargo-semver-checks sees nothing wants proof.
                let witness = dir.join(WITNESS);
                if breaks == Breaks::Yes && outcome.bump() != "major" && !witness.is_file() {
                    failures.push(format!(
                        "review/tests/diff/{rule}: the diff says code stops compiling and \
                         cargo-semver-checks does not: add {WITNESS}, code that compiles \
                         against the old crate and not against the new one"
                    ));
                }
            }
        }
        let witness = dir.join(WITNESS);
        if witness.is_file() {
            witnesses += 1;
            if let Some(problem) = check_witness(&rule, &witness, &old, &new) {
                failures.push(format!("review/tests/diff/{rule}/{WITNESS}: {problem}"));
            }
        }
    }
    // docs/breaking-changes.md states these figures.
    let readme =
        std::fs::read_to_string(xtask::workspace_root().join("docs/breaking-changes.md")).unwrap();
    let figures = format!("Of {} fixtures, {agree} agree", rules.len());
    if !readme.replace('\n', " ").contains(&figures) {
        failures.push(format!("docs/breaking-changes.md must say `{figures}`"));
    }
    for rule in &differing {
        if !readme.contains(&format!("`{rule}`")) {
            failures.push(format!(
                "docs/breaking-changes.md must name `{rule}` among the fixtures where \
                 cargo-semver-checks differs"
            ));
        }
    }
    println!(
        "cargo-semver-checks {VERSION} over {} diff fixtures: {agree} agree, {differ} differ \
         for a documented reason ({witnesses} witness(es) checked), {} problem(s), in {:.1} s",
        rules.len(),
        failures.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        failures.is_empty(),
        "{} problem(s):\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    for (dir, record) in records {
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(&dir);
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        settings.bind(|| insta::assert_snapshot!(RECORD, record));
    }
}
