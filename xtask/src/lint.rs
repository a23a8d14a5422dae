//! `cargo xtask lint`: the CLI over [`spec_review::lint`] (files to lint, printing, the
//! exit code).

use std::io::Write;
use std::path::{Path, PathBuf};

use spec_review::lint::{format_diagnostic, lint_doc, lint_file};
use spec_review::spec::{self, Diagnostic, Doc, Severity};

use crate::gen::{read_overlays, workspace_specs, OverlaidSpec, SpecFile};
use crate::Failure;

/// `cargo xtask lint [FILE...]`: lints `files`, or every spec in `specs_dir` (with the
/// overlays beside it, as `gen` reads them).
pub fn run_lint(
    base: &Path,
    specs_dir: &Path,
    files: &[PathBuf],
    out: &mut dyn Write,
) -> Result<(), Failure> {
    run_lint_overlaid(base, specs_dir, files, &[], out)
}

/// `cargo xtask lint [FILE...] [--overlay OVERLAY]...`: [`run_lint`], each of `files`
/// patched by `overlays` first (in order). An overlay action that selects nothing is a
/// warning placed in its overlay.
pub fn run_lint_overlaid(
    base: &Path,
    specs_dir: &Path,
    files: &[PathBuf],
    overlays: &[PathBuf],
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let specs = if files.is_empty() {
        workspace_specs(base, specs_dir)?
    } else {
        let overlays: Vec<SpecFile> = overlays.iter().map(|o| SpecFile::new(base, o)).collect();
        files
            .iter()
            .map(|f| OverlaidSpec {
                spec: SpecFile::new(base, f),
                overlays: overlays.clone(),
            })
            .collect()
    };
    let (mut errors, mut warnings, mut assumptions) = (0, 0, 0);
    for spec in &specs {
        for d in lint_overlaid(spec) {
            match d.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
                Severity::Info => assumptions += 1,
            }
            writeln!(out, "{}", format_diagnostic(&d)).ok();
        }
    }
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut summary = format!(
        "linted {}: {}",
        plural(specs.len(), "file"),
        plural(errors, "error")
    );
    if warnings > 0 {
        summary.push_str(&format!(", {}", plural(warnings, "warning")));
    }
    summary.push_str(&format!(", {}", plural(assumptions, "assumption")));
    writeln!(out, "{summary}").ok();
    if errors > 0 {
        Err(Failure::new(format!(
            "lint found {}",
            plural(errors, "error")
        )))
    } else {
        Ok(())
    }
}

/// The findings of one spec patched by its overlays: the overlays' notes (each placed in
/// its overlay), then what lint finds in the patched document, placed in the spec as
/// written (see [`codegen::load::overlay::load_patched`]).
fn lint_overlaid(spec: &OverlaidSpec) -> Vec<Diagnostic> {
    let file = spec.spec.display.as_str();
    if spec.overlays.is_empty() {
        return lint_file(&spec.spec.path, file);
    }
    let texts = match read_overlays(&spec.overlays) {
        Ok(texts) => texts,
        Err(e) => {
            let shown = e.file.to_string_lossy().replace('\\', "/");
            return vec![Diagnostic::from_spec_error(&shown, e)];
        }
    };
    // The overlays' notes (each placed in its overlay) are the loaded document's, and
    // `lint_doc` lists them with the rest, placed in the spec as written.
    match spec::read_text(&spec.spec.path, file)
        .and_then(|text| Doc::load_overlaid(file, text, &texts))
    {
        Ok(doc) => lint_doc(&doc),
        Err(d) => vec![d],
    }
}
