//! `cargo xtask diff`: the CLI over [`spec_review::diff`]: reads the old specs with
//! `git show`, the new ones from the working tree, and prints the report.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use spec_review::diff::policy::{self, Policy};
use spec_review::diff::{diff_sets, warnings_of, Format, Level, Report};
use spec_review::spec::{self, Doc};

use crate::gen::{workspace_specs, SpecFile};
use crate::Failure;

/// The generated crate's package name in this workspace.
pub const CRATE_NAME: &str = "conversation-apis";

/// Runs git in `root`; its stdout, or why it failed.
pub fn git(root: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(format!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

/// The revision to compare with: `base` if given, else `git merge-base HEAD main`.
pub fn resolve_base(root: &Path, base: Option<&str>) -> Result<String, Failure> {
    if let Some(b) = base {
        git(
            root,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{b}^{{commit}}"),
            ],
        )
        .map_err(|_| Failure::new(format!("unknown revision `{b}`")).with_code(2))?;
        return Ok(b.to_string());
    }
    let mb = git(root, &["merge-base", "HEAD", "main"])
        .or_else(|_| git(root, &["merge-base", "HEAD", "origin/main"]))
        .map_err(|e| {
            Failure::new(format!(
                "cannot find the merge base of HEAD and main ({e}); pass --base REV"
            ))
            .with_code(2)
        })?;
    Ok(String::from_utf8_lossy(&mb).trim().to_string())
}

/// One spec's text and the overlays applied to it, as `gen` reads them.
#[derive(Debug, Clone, Default)]
pub struct SpecText {
    /// The spec as written.
    pub text: String,
    /// `specs/NAME.overlay.yaml` (or `.yml`, `.json`), each `(file, text)`.
    pub overlays: Vec<(PathBuf, String)>,
}

/// The spec files of `specs/` at `rev` with their overlays: display path → text.
pub fn specs_at(root: &Path, rev: &str) -> Result<BTreeMap<String, SpecText>, Failure> {
    let listing = git(root, &["ls-tree", "--name-only", "-z", rev, "--", "specs/"])
        .map_err(|e| Failure::new(e).with_code(2))?;
    let mut out: BTreeMap<String, SpecText> = BTreeMap::new();
    let mut overlays = Vec::new();
    for name in listing.split(|b| *b == 0).filter(|n| !n.is_empty()) {
        let name = String::from_utf8_lossy(name).into_owned();
        let is_spec = Path::new(&name)
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| spec::SPEC_EXTENSIONS.contains(&e));
        // Only files directly in specs/, as `gen` reads them.
        if !is_spec || name.matches('/').count() != 1 {
            continue;
        }
        let text = git(root, &["show", &format!("{rev}:{name}")])
            .map_err(|e| Failure::new(e).with_code(2))?;
        let text = spec::text_of(&name, text)
            .map_err(|d| Failure::new(format!("cannot parse specs at {rev}:\n{d}")).with_code(2))?;
        if spec::is_overlay(Path::new(&name)) {
            overlays.push((name, text));
        } else {
            out.insert(
                name,
                SpecText {
                    text,
                    overlays: Vec::new(),
                },
            );
        }
    }
    attach_overlays(&mut out, overlays, &format!("specs at {rev}"))?;
    Ok(out)
}

/// Gives each overlay `(file, text)` to the spec of its stem; an overlay of no spec is
/// an error, as in `gen`.
fn attach_overlays(
    specs: &mut BTreeMap<String, SpecText>,
    overlays: Vec<(String, String)>,
    what: &str,
) -> Result<(), Failure> {
    for (file, text) in overlays {
        let stem = spec::overlaid_stem(Path::new(&file));
        let target = specs
            .iter_mut()
            .find(|(name, _)| spec::stem(Path::new(name)) == stem);
        match target {
            Some((_, spec)) => spec.overlays.push((PathBuf::from(file), text)),
            None => {
                return Err(Failure::new(format!(
                    "{what}: {file} is an overlay of no spec (no {stem}.yaml beside it)"
                ))
                .with_code(2))
            }
        }
    }
    Ok(())
}

fn short_rev(root: &Path, rev: &str) -> String {
    git(root, &["rev-parse", "--short", rev])
        .map(|o| String::from_utf8_lossy(&o).trim().to_string())
        .unwrap_or_else(|_| rev.to_string())
}

/// The `version` of `generated/Cargo.toml`, if readable.
pub fn crate_version(generated: &Path) -> Option<String> {
    let text = std::fs::read_to_string(generated.join("Cargo.toml")).ok()?;
    version_in(&text)
}

/// The `[package]` `version` of a `Cargo.toml`'s text.
pub fn version_in(text: &str) -> Option<String> {
    let mut in_package = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package {
            if let Some(rest) = line.strip_prefix("version") {
                let rest = rest.trim_start();
                if let Some(v) = rest.strip_prefix('=') {
                    return Some(v.trim().trim_matches('"').to_string());
                }
            }
        }
    }
    None
}

/// Parses every file (name → text and overlays), or fails with every file's located
/// error.
pub fn parse_all(
    files: BTreeMap<String, SpecText>,
    what: &str,
) -> Result<BTreeMap<String, Doc>, Failure> {
    let mut out = BTreeMap::new();
    let mut errors = Vec::new();
    for (file, spec) in files {
        match Doc::parse_lenient(&file, spec.text, &spec.overlays) {
            Ok(doc) => {
                out.insert(file, doc);
            }
            Err(d) => errors.push(d.to_string()),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(Failure::new(format!("cannot parse {what}:\n{}", errors.join("\n"))).with_code(2))
    }
}

/// Options of `cargo xtask diff`.
#[derive(Debug, Clone)]
pub struct DiffOptions {
    /// Revision to compare with; default the merge base of HEAD and main.
    pub base: Option<String>,
    /// Two spec files to compare instead of `specs/` across revisions: the old one and
    /// the new one.
    pub files: Option<(PathBuf, PathBuf)>,
    /// OpenAPI Overlays applied to both files first (file mode only).
    pub overlays: Vec<PathBuf>,
    /// Output format.
    pub format: Format,
    /// Exit non-zero when a change is at this level or worse.
    pub fail_on: Option<Level>,
    /// The policy file (waivers, levels per rule); default `.spec-review.yaml` at the
    /// workspace root when it exists, for the comparison of `specs/` only.
    pub config: Option<PathBuf>,
}

/// The policy of a run: `config` when given (it must exist), else, when `default` is
/// set, `.spec-review.yaml` at `root` if there is one; `None` means no policy. A file
/// that cannot be read or is not a valid policy fails with every located error.
pub fn load_policy(
    root: &Path,
    config: Option<&Path>,
    default: bool,
) -> Result<Option<Policy>, Failure> {
    let (path, shown) = match config {
        Some(path) => (path.to_path_buf(), path.display().to_string()),
        None if default => (root.join(policy::DEFAULT_FILE), policy::DEFAULT_FILE.into()),
        None => return Ok(None),
    };
    // Absence is "no policy" only for the default file: a file named on the command
    // line that is not there is a mistake the user wants to hear about.
    if config.is_none() && !path.exists() {
        return Ok(None);
    }
    let text = spec::read_text(&path, &shown).map_err(|d| {
        Failure::new(format!(
            "cannot read the policy file {shown}: {}",
            d.message
        ))
        .with_code(2)
    })?;
    policy::parse(&shown, &text).map(Some).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        Failure::new(format!(
            "invalid policy file (see docs/breaking-changes.md, \"Recording decisions\"):\n{}",
            lines.join("\n")
        ))
        .with_code(2)
    })
}

/// Builds the report comparing `specs/` at the base revision with the working tree of
/// the repository at `root`.
pub fn report_for_repo(root: &Path, base: Option<&str>) -> Result<Report, Failure> {
    let sides = read_sides(root, base)?;
    let mut report = Report::new(
        Some(sides.label),
        diff_sets(&sides.old, &sides.new, CRATE_NAME),
        crate_version(&root.join("generated")),
        CRATE_NAME,
    );
    report.warnings = warnings_of(sides.old.values().chain(sides.new.values()));
    Ok(report)
}

/// The specs at the base revision and in the working tree, parsed.
pub struct Sides {
    /// The base revision as given (or resolved).
    pub rev: String,
    /// How the base is shown in reports.
    pub label: String,
    /// The specs at `rev`.
    pub old: BTreeMap<String, Doc>,
    /// The specs of the working tree.
    pub new: BTreeMap<String, Doc>,
}

/// Reads and parses `specs/` at `base` (default: the merge base with main) and in the
/// working tree.
pub fn read_sides(root: &Path, base: Option<&str>) -> Result<Sides, Failure> {
    let rev = resolve_base(root, base)?;
    let old = parse_all(specs_at(root, &rev)?, &format!("specs at {rev}"))?;
    let mut new_files = BTreeMap::new();
    let specs_dir = root.join("specs");
    let read = |file: &SpecFile| {
        spec::read_text(&file.path, &file.display).map_err(|d| {
            Failure::new(format!("cannot parse specs in the working tree:\n{d}")).with_code(2)
        })
    };
    for overlaid in workspace_specs(root, &specs_dir).map_err(|f| f.with_code(2))? {
        let overlays = overlaid
            .overlays
            .iter()
            .map(|o| Ok((PathBuf::from(&o.display), read(o)?)))
            .collect::<Result<Vec<_>, Failure>>()?;
        let text = read(&overlaid.spec)?;
        new_files.insert(overlaid.spec.display.clone(), SpecText { text, overlays });
    }
    let new = parse_all(new_files, "specs in the working tree")?;
    let label = match base {
        Some(b) => b.to_string(),
        None => format!("merge-base of HEAD and main ({})", short_rev(root, &rev)),
    };
    Ok(Sides {
        rev,
        label,
        old,
        new,
    })
}

/// `cargo xtask diff`.
pub fn run_diff(root: &Path, options: &DiffOptions, out: &mut dyn Write) -> Result<(), Failure> {
    // The default policy file is the workspace's, about `specs/`: two files given on the
    // command line are compared under `--config` only. The policy is read first, so that
    // a bad one fails before the specs are read.
    let policy = load_policy(root, options.config.as_deref(), options.files.is_none())?;
    let report = match &options.files {
        Some((old, new)) => {
            let overlays = read_overlay_files(&options.overlays)?;
            spec_review::diff::FilePair::read(old, new, &overlays)
                .map_err(|d| Failure::new(format!("cannot parse {d}")).with_code(2))?
                .report(None)
        }
        None => report_for_repo(root, options.base.as_deref())?,
    };
    let report = match &policy {
        Some(p) => policy::apply(p, report),
        None => report,
    };
    write!(out, "{}", report.render(options.format)).ok();
    match options.fail_on {
        // Waived changes are not in `report.changes`: they never fail the run.
        Some(level) if report.has_at_least(level) => Err(Failure::new(format!(
            // `code` is ERR or WARN.
            "{} change(s) at {code} or worse (--fail-on {code})",
            report.changes.iter().filter(|c| c.level >= level).count(),
            code = level.code(),
        ))),
        _ => Ok(()),
    }
}

/// The overlays named on the command line, `(file as given, text)`.
pub fn read_overlay_files(files: &[PathBuf]) -> Result<Vec<(PathBuf, String)>, Failure> {
    let here = Path::new("");
    let files: Vec<SpecFile> = files.iter().map(|f| SpecFile::new(here, f)).collect();
    crate::gen::read_overlays(&files).map_err(|e| Failure::new(e.to_string()).with_code(2))
}

/// `cargo xtask diff --rules`: every rule with its documentation.
pub fn run_rules(out: &mut dyn Write) {
    for rule in spec_review::diff::Rule::ALL {
        writeln!(out, "{rule}").ok();
        for line in rule.doc().lines() {
            writeln!(out, "    {}", line.trim()).ok();
        }
    }
}
