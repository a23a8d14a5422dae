//! `cargo xtask lint`: the CLI over [`spec_review::lint`] (files to lint, printing, the
//! exit code).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use spec_review::lint::{format_diagnostic, lint_doc, lint_file};
use spec_review::locate::Locator;
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
    let error = |e: codegen::SpecError| {
        let shown = e.file.to_string_lossy().replace('\\', "/");
        vec![Diagnostic::from_spec_error(&shown, e)]
    };
    let texts = match read_overlays(&spec.overlays) {
        Ok(texts) => texts,
        Err(e) => return error(e),
    };
    let text = match spec::read_text(&spec.spec.path, file) {
        Ok(text) => text,
        Err(d) => return vec![d],
    };
    let patched = match codegen::load::overlay::apply_to_text(Path::new(file), text.clone(), &texts)
    {
        Ok(patched) => patched,
        Err(e) => return error(e),
    };
    // The patched text is JSON that the loader wrote; the tree lint reads is the one the
    // typed parse reads.
    let value = match serde_json::from_str(&patched.text) {
        Ok(value) => value,
        Err(e) => {
            return vec![Diagnostic {
                severity: Severity::Error,
                file: file.to_string(),
                position: None,
                pointer: String::new(),
                message: format!("the patched document does not read back: {e}"),
            }]
        }
    };
    let mut out: Vec<Diagnostic> = patched
        .notes
        .iter()
        .map(|note| overlay_note(note, &texts, file))
        .collect();
    let mut loaded =
        match codegen::load::overlay::load_patched(Path::new(file), text.clone(), patched) {
            Ok(loaded) => loaded,
            Err(e) => {
                out.extend(error(e));
                return out;
            }
        };
    // The overlays' notes come first in the loader's notes; they are listed above, placed
    // in their overlays, so lint does not report them a second time as the spec's.
    loaded.notes.drain(..out.len().min(loaded.notes.len()));
    let doc = Doc {
        file: file.to_string(),
        locator: Locator::from_positions(Arc::new(codegen::load::index_of(&text))),
        source: text,
        value,
        spec: loaded,
        items: None,
    };
    out.extend(lint_doc(&doc));
    out
}

/// A note of the overlay pass (`OVERLAY#/actions/N`) as a warning placed in the overlay.
fn overlay_note(
    note: &codegen::normalize::Note,
    overlays: &[(PathBuf, String)],
    spec_file: &str,
) -> Diagnostic {
    let found = note.pointer.split_once('#').and_then(|(file, pointer)| {
        let (_, text) = overlays
            .iter()
            .find(|(shown, _)| shown.to_string_lossy() == file)?;
        Some((file, pointer, codegen::load::index_of(text).locate(pointer)))
    });
    let (file, pointer, position) = found.unwrap_or((spec_file, note.pointer.as_str(), None));
    Diagnostic {
        severity: Severity::Warning,
        file: file.to_string(),
        position,
        pointer: pointer.to_string(),
        message: note.message.clone(),
    }
}
