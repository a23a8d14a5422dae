//! `cargo xtask review`: the report a pull request gets (see [`spec_review::report`]):
//! reads both sides' specs (the base with `git show`), generates both crates in memory,
//! lints both, prints or writes the Markdown, and fails on a breaking change without its
//! version bump. With `--changelog`, writes the entry of the current version into
//! `generated/CHANGELOG.md` instead.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use spec_review::diff::policy::{self, Policy};
use spec_review::diff::{diff_sets, FilePair, Report};
use spec_review::report::{review, update_changelog, Review, Side};
use spec_review::spec::Doc;

use crate::diff::{crate_version, git, load_policy, read_sides, version_in, CRATE_NAME};
use crate::gen::{standalone_config_titled, workspace_config, Runtime};
use crate::Failure;

/// A standalone crate's spec, reviewed as two files.
#[derive(Debug, Clone)]
pub struct Standalone {
    /// The spec before the change.
    pub old: PathBuf,
    /// The spec after it.
    pub new: PathBuf,
    /// The crate's folder: its `Cargo.toml` gives the new version.
    pub crate_dir: Option<PathBuf>,
    /// The version the crate had before the change.
    pub base_version: Option<String>,
    /// OpenAPI Overlays applied to both specs first.
    pub overlays: Vec<PathBuf>,
}

/// Options of `cargo xtask review`.
#[derive(Debug, Clone, Default)]
pub struct ReviewOptions {
    /// Two files of a standalone crate's spec instead of `specs/` across revisions.
    pub standalone: Option<Standalone>,
    /// Revision to compare with; default the merge base of HEAD and main.
    pub base: Option<String>,
    /// Write the report here instead of standard output.
    pub out: Option<PathBuf>,
    /// Write the current version's entry into `generated/CHANGELOG.md`.
    pub changelog: bool,
    /// The policy file (waivers, levels per rule); default `.spec-review.yaml` at the
    /// workspace root when it exists.
    pub config: Option<PathBuf>,
}

/// The generated crate, its items and lint findings for one side's specs.
fn side(
    docs: &BTreeMap<String, Doc>,
    config: &codegen::CrateConfig,
    version: Option<String>,
    what: &str,
) -> Result<Side, Failure> {
    let apis: Vec<codegen::ApiInput> = docs.values().map(Doc::api_input).collect();
    let krate = codegen::generate_crate(&apis, config)
        .map_err(|e| Failure::new(format!("cannot generate {what}: {e}")).with_code(2))?;
    let mut items = Vec::new();
    let mut lint = Vec::new();
    for doc in docs.values() {
        match &doc.items {
            Some(i) => items.push(i.clone()),
            None => items.push(
                codegen::items::api_items(&doc.api_input())
                    .map_err(|e| Failure::new(format!("{what}: {e}")).with_code(2))?,
            ),
        }
        lint.extend(spec_review::lint::lint_doc(doc));
    }
    Ok(Side {
        version,
        files: krate.files,
        items,
        lint,
    })
}

/// Builds the review of the working tree against `base`, its API changes under `policy`
/// when there is one.
pub fn build_review(
    root: &Path,
    base: Option<&str>,
    policy: Option<&Policy>,
) -> Result<Review, Failure> {
    let sides = read_sides(root, base)?;
    let old_version = git(
        root,
        &["show", &format!("{}:generated/Cargo.toml", sides.rev)],
    )
    .ok()
    .and_then(|b| version_in(&String::from_utf8_lossy(&b)));
    let new_version = crate_version(&root.join("generated"));
    let config = workspace_config();
    let old = side(
        &sides.old,
        &config,
        old_version.clone(),
        &format!("the crate at {}", sides.rev),
    )?;
    let new = side(
        &sides.new,
        &config,
        new_version,
        "the crate of the working tree",
    )?;
    let diff = Report::new(
        Some(sides.label),
        diff_sets(&sides.old, &sides.new, CRATE_NAME),
        old_version,
        CRATE_NAME,
    );
    let diff = match policy {
        Some(p) => policy::apply(p, diff),
        None => diff,
    };
    Ok(review(diff, &old, &new))
}

/// Builds the review of a standalone crate's spec from two files: both crates generated
/// as `gen --spec NEW` writes them (the runtime vendored), under `policy` when given.
pub fn build_standalone_review(
    files: &Standalone,
    policy: Option<&Policy>,
) -> Result<Review, Failure> {
    let overlays = crate::diff::read_overlay_files(&files.overlays)?;
    let pair = FilePair::read(&files.old, &files.new, &overlays)
        .map_err(|d| Failure::new(format!("cannot parse {d}")).with_code(2))?;
    let new_version = match &files.crate_dir {
        Some(dir) => Some(crate_version(dir).ok_or_else(|| {
            Failure::new(format!("{}: no version in Cargo.toml", dir.display())).with_code(2)
        })?),
        None => None,
    };
    let title = pair
        .new
        .values()
        .next()
        .map(|doc| doc.spec.openapi.info.title.clone());
    let config = standalone_config_titled(
        &files.new,
        title.as_deref(),
        &Runtime::Vendored,
        &format!("cargo xtask gen --spec {}", files.new.display()),
    );
    let old = side(
        &pair.old,
        &config,
        files.base_version.clone(),
        &format!("the crate of {}", files.old.display()),
    )?;
    let new = side(
        &pair.new,
        &config,
        new_version,
        &format!("the crate of {}", files.new.display()),
    )?;
    let diff = pair.report(files.base_version.clone());
    let diff = match policy {
        Some(p) => policy::apply(p, diff),
        None => diff,
    };
    Ok(review(diff, &old, &new))
}

/// `cargo xtask review`.
pub fn run_review(
    root: &Path,
    options: &ReviewOptions,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let review = match &options.standalone {
        Some(files) => {
            // The workspace's policy file is about `specs/`: only `--config` applies.
            let policy = load_policy(root, options.config.as_deref(), false)?;
            build_standalone_review(files, policy.as_ref())?
        }
        None => {
            let policy = load_policy(root, options.config.as_deref(), true)?;
            build_review(root, options.base.as_deref(), policy.as_ref())?
        }
    };
    if options.changelog {
        let version = review
            .new_version
            .clone()
            .ok_or_else(|| Failure::new("generated/Cargo.toml has no version"))?;
        let path = root.join("generated").join("CHANGELOG.md");
        let old = std::fs::read_to_string(&path).unwrap_or_default();
        let text = update_changelog(&old, &version, &review.changelog_section(&version));
        std::fs::write(&path, text).map_err(|e| Failure::io(&path, e))?;
        writeln!(
            out,
            "generated/CHANGELOG.md: {version}: {} change(s)",
            review.diff.all_changes().count()
        )
        .ok();
    } else {
        let text = review.to_markdown();
        match &options.out {
            Some(path) => {
                std::fs::write(path, &text).map_err(|e| Failure::io(path, e))?;
                writeln!(out, "{}", review.version_line()).ok();
            }
            None => {
                write!(out, "{text}").ok();
            }
        }
    }
    if review.passes() {
        Ok(())
    } else {
        Err(Failure::new(review.version_line()))
    }
}
