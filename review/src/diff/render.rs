//! The report as text (terminals), Markdown (pull requests) and JSON (machines).

use serde_json::json;

use super::{Breaks, Format, Level, Report};

impl Report {
    fn summary(&self) -> String {
        format!(
            "{} change{}: {} ERR, {} WARN, {} INFO; consumers' code stops compiling: {} yes, {} maybe",
            self.changes.len(),
            if self.changes.len() == 1 { "" } else { "s" },
            self.count(Level::Error),
            self.count(Level::Warning),
            self.count(Level::Info),
            self.count_breaks(Breaks::Yes),
            self.count_breaks(Breaks::Maybe),
        )
    }

    fn base_text(&self) -> String {
        match (&self.base, &self.target) {
            (Some(b), Some(t)) => format!("{b} → {t}"),
            (Some(b), None) => format!("specs at {b} → working tree"),
            (None, _) => "old specs → new specs".to_string(),
        }
    }

    /// For terminals: two lines per change, then the summary and the bump.
    pub fn to_text(&self) -> String {
        let mut out = format!("API diff ({})\n", self.base_text());
        for w in &self.warnings {
            out.push_str(&format!("warning: {w}\n"));
        }
        for c in &self.changes {
            let pos = match (c.line, c.column) {
                (Some(l), Some(col)) => format!(":{l}:{col}"),
                _ => String::new(),
            };
            out.push_str(&format!(
                "{:<4} {}{pos}: {}: {}\n",
                c.level.code(),
                c.file,
                c.location,
                c.message
            ));
            let items = if c.rust_items.is_empty() {
                "-".to_string()
            } else {
                c.rust_items.join(", ")
            };
            out.push_str(&format!(
                "     rust: {items}; stops compiling: {}; rule: {}\n",
                c.breaks_compilation, c.rule
            ));
        }
        out.push_str(&self.summary());
        out.push('\n');
        out.push_str(&self.bump_sentence());
        out.push('\n');
        out
    }

    /// A Markdown table ready to paste into a pull request.
    pub fn to_markdown(&self) -> String {
        let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
        let mut out = format!("### API changes ({})\n\n", self.base_text());
        if !self.warnings.is_empty() {
            out.push_str("Read with warnings:\n\n");
            for w in &self.warnings {
                out.push_str(&format!("- {}\n", cell(w)));
            }
            out.push('\n');
        }
        if self.changes.is_empty() {
            out.push_str("No API changes.\n\n");
        } else {
            out.push_str("| Level | Where | Change | Rust items | Stops compiling |\n");
            out.push_str("| --- | --- | --- | --- | --- |\n");
            for c in &self.changes {
                let items = if c.rust_items.is_empty() {
                    "–".to_string()
                } else {
                    c.rust_items
                        .iter()
                        .map(|i| format!("`{}`", cell(i)))
                        .collect::<Vec<_>>()
                        .join("<br>")
                };
                let line = c.line.map(|l| format!(":{l}")).unwrap_or_default();
                out.push_str(&format!(
                    "| {} | `{}{line}` {} | {} | {} | {} |\n",
                    c.level.code(),
                    cell(&c.file),
                    cell(&c.location),
                    cell(&c.message),
                    items,
                    c.breaks_compilation
                ));
            }
            out.push('\n');
        }
        out.push_str(&format!(
            "{}\n\n**{}**\n",
            self.summary(),
            capitalize(&self.bump_sentence())
        ));
        out
    }

    /// Machine-readable.
    pub fn to_json(&self) -> String {
        let value = json!({
            "base": self.base,
            "changes": self.changes,
            "warnings": self.warnings,
            "summary": {
                "err": self.count(Level::Error),
                "warn": self.count(Level::Warning),
                "info": self.count(Level::Info),
                "breaks_compilation": {
                    "yes": self.count_breaks(Breaks::Yes),
                    "maybe": self.count_breaks(Breaks::Maybe),
                },
            },
            "semver": {
                "bump": self.bump(),
                "crate_version": self.crate_version,
                "next_version": self.next_version(),
                "note": self.bump_sentence(),
            },
        });
        let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
        text.push('\n');
        text
    }

    /// The report in `format`.
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Text => self.to_text(),
            Format::Markdown => self.to_markdown(),
            Format::Json => self.to_json(),
        }
    }
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}
