//! The report as text (terminals), Markdown (pull requests) and JSON (machines).

use serde_json::json;

use super::{Breaks, Change, Format, Level, Report};

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
        ) + &match self.waived.len() {
            0 => String::new(),
            n => format!("; {n} waived"),
        }
    }

    /// The policy file as shown, for notes about what it decided.
    fn policy_name(&self) -> &str {
        self.policy.as_deref().unwrap_or("the policy")
    }

    /// A change's two lines of the text report.
    fn change_text(&self, c: &Change, out: &mut String) {
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
        let configured = match self.default_level(c) {
            Some(default) => format!(
                "; level configured in {} (the diff's: {})",
                self.policy_name(),
                default.code()
            ),
            None => String::new(),
        };
        out.push_str(&format!(
            "     rust: {items}; stops compiling: {}; rule: {}{configured}\n",
            c.breaks_compilation, c.rule
        ));
    }

    /// A change's row of the Markdown table, its cells escaped; `extra` cells follow.
    fn change_row(&self, c: &Change, extra: &[&str]) -> String {
        let items = if c.rust_items.is_empty() {
            "–".to_string()
        } else {
            c.rust_items
                .iter()
                .map(|i| format!("`{}`", cell(i)))
                .collect::<Vec<_>>()
                .join("<br>")
        };
        let level = match self.default_level(c) {
            Some(default) => format!("{} (configured; diff: {})", c.level.code(), default.code()),
            None => c.level.code().to_string(),
        };
        let line = c.line.map(|l| format!(":{l}")).unwrap_or_default();
        let mut row = format!(
            "| {level} | `{}{line}` {} | {} | {} | {} |",
            cell(&c.file),
            cell(&c.location),
            cell(&c.message),
            items,
            c.breaks_compilation
        );
        for e in extra {
            row.push_str(&format!(" {} |", cell(e)));
        }
        row.push('\n');
        row
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
            self.change_text(c, &mut out);
        }
        if !self.waived.is_empty() {
            out.push_str(&format!(
                "waived (accepted in {}; --fail-on and review do not count them, the bump does):\n",
                self.policy_name()
            ));
            for w in &self.waived {
                self.change_text(&w.change, &mut out);
                out.push_str(&format!("     reason: {} ({})\n", w.reason, w.waiver));
            }
        }
        out.push_str(&self.summary());
        out.push('\n');
        out.push_str(&self.bump_sentence());
        out.push('\n');
        out
    }

    /// A Markdown table ready to paste into a pull request.
    pub fn to_markdown(&self) -> String {
        let mut out = format!("### API changes ({})\n\n", self.base_text());
        if !self.warnings.is_empty() {
            out.push_str("Warnings:\n\n");
            for w in &self.warnings {
                out.push_str(&format!("- {}\n", cell(w)));
            }
            out.push('\n');
        }
        if self.changes.is_empty() && self.waived.is_empty() {
            out.push_str("No API changes.\n\n");
        } else if self.changes.is_empty() {
            out.push_str("No API changes besides the waived ones.\n\n");
        } else {
            out.push_str("| Level | Where | Change | Rust items | Stops compiling |\n");
            out.push_str("| --- | --- | --- | --- | --- |\n");
            for c in &self.changes {
                out.push_str(&self.change_row(c, &[]));
            }
            out.push('\n');
        }
        if !self.waived.is_empty() {
            out.push_str(&format!(
                "#### Waived\n\nAccepted in `{}`: `--fail-on` and the review's verdict do not \
                 count them; the version bump does.\n\n",
                cell(self.policy_name())
            ));
            out.push_str("| Level | Where | Change | Rust items | Stops compiling | Reason |\n");
            out.push_str("| --- | --- | --- | --- | --- | --- |\n");
            for w in &self.waived {
                out.push_str(&self.change_row(&w.change, &[&w.reason]));
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
        // Each change as it serializes, with what the policy decided about it: the
        // diff's own level where `levels:` set another, the waiver where one accepted it.
        let change = |c: &Change, waived: Option<serde_json::Value>| {
            let mut value = serde_json::to_value(c).unwrap_or_default();
            if let Some(map) = value.as_object_mut() {
                if let Some(default) = self.default_level(c) {
                    map.insert("default_level".into(), default.code().into());
                }
                if let Some(w) = waived {
                    map.insert("waived".into(), w);
                }
            }
            value
        };
        let changes: Vec<serde_json::Value> = self
            .changes
            .iter()
            .map(|c| change(c, None))
            .chain(self.waived.iter().map(|w| {
                change(
                    &w.change,
                    Some(json!({ "reason": w.reason, "waiver": w.waiver })),
                )
            }))
            .collect();
        let value = json!({
            "base": self.base,
            "changes": changes,
            "warnings": self.warnings,
            "policy": self.policy,
            "summary": {
                "err": self.count(Level::Error),
                "warn": self.count(Level::Warning),
                "info": self.count(Level::Info),
                "waived": self.waived.len(),
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

/// `s` as one Markdown table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}
