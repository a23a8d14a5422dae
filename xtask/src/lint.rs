//! `cargo xtask lint`: the CLI over [`spec_review::lint`] (files to lint, printing, the
//! exit code).

use std::io::Write;
use std::path::{Path, PathBuf};

use spec_review::lint::{format_diagnostic, lint_file};
use spec_review::spec::{self, display_path, Severity};

use crate::Failure;

/// `cargo xtask lint [FILE...]`: lints `files`, or every spec in `specs_dir`.
pub fn run_lint(
    base: &Path,
    specs_dir: &Path,
    files: &[PathBuf],
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let files = if files.is_empty() {
        spec::collect_specs(specs_dir).map_err(|e| Failure::io(specs_dir, e))?
    } else {
        files.to_vec()
    };
    let (mut errors, mut warnings, mut assumptions) = (0, 0, 0);
    for path in &files {
        for d in lint_file(path, &display_path(base, path)) {
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
        plural(files.len(), "file"),
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
