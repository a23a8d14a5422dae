//! The report a pull request gets: the API changes with their levels and Rust items, the
//! version bump they call for (checked against the crate's version on both sides), what
//! changed in the generated code, the new `x-assumption`s and the lint findings. One
//! Markdown document, also the source of the changelog's entry for a release.

use std::collections::{BTreeMap, BTreeSet};

use codegen::items::ApiItems;

use crate::diff::{version_after, Bump, Level, Report};
use crate::spec::{Diagnostic, Severity};

/// Both sides of a review.
#[derive(Debug, Clone, Default)]
pub struct Side {
    /// The generated crate's version (its `Cargo.toml`), if known.
    pub version: Option<String>,
    /// The generated crate's files (path → text), generated in memory.
    pub files: BTreeMap<String, String>,
    /// The Rust items of each API module.
    pub items: Vec<ApiItems>,
    /// Lint findings (assumptions are `info`).
    pub lint: Vec<Diagnostic>,
}

/// What changed in the generated code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodeChange {
    /// Items only in the new crate (`module::types::Name`, `module::Client::method`).
    pub added: Vec<String>,
    /// Items only in the old crate.
    pub removed: Vec<String>,
    /// Items in both whose shape (fields, variants, parameters, replies) changed.
    pub changed: Vec<String>,
    /// Files that differ (added, removed or changed).
    pub files: usize,
    /// Lines added over all files.
    pub lines_added: usize,
    /// Lines removed over all files.
    pub lines_removed: usize,
}

/// Whether the crate's version was raised as the changes require: a breaking version
/// (major; minor below 1.0) for a change at ERR or one that stops Rust code compiling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionCheck {
    /// Nothing breaking (no ERR, nothing stops compiling), or a breaking version.
    Ok,
    /// A breaking change without the version bump it needs.
    Missing {
        /// The version on the base side.
        from: Option<String>,
        /// The version on the new side.
        to: Option<String>,
        /// The least version that would do.
        needed: Option<String>,
    },
}

/// The whole review.
#[derive(Debug, Clone)]
pub struct Review {
    /// The API changes (their `crate_version` is the base side's).
    pub diff: Report,
    /// The generated code's change.
    pub code: CodeChange,
    /// `x-assumption`s the new specs have and the old did not.
    pub new_assumptions: Vec<Diagnostic>,
    /// Lint errors and warnings of the new specs.
    pub findings: Vec<Diagnostic>,
    /// The version on the new side.
    pub new_version: Option<String>,
    /// The verdict on the version.
    pub version: VersionCheck,
}

/// `x.y.z` as numbers (pre-release and build metadata ignored).
fn triple(v: &str) -> Option<(u64, u64, u64)> {
    let mut parts = v.split(['.', '-', '+']).map(|p| p.parse::<u64>().ok());
    Some((parts.next()??, parts.next()??, parts.next()??))
}

/// Builds the review of `diff` (whose `crate_version` must be `old.version`).
pub fn review(diff: Report, old: &Side, new: &Side) -> Review {
    let code = code_change(old, new);
    let key = |d: &Diagnostic| (d.file.clone(), d.message.clone());
    let old_assumptions: BTreeSet<_> = old
        .lint
        .iter()
        .filter(|d| d.severity == Severity::Info)
        .map(key)
        .collect();
    let new_assumptions = new
        .lint
        .iter()
        .filter(|d| d.severity == Severity::Info && !old_assumptions.contains(&key(d)))
        .cloned()
        .collect();
    let findings = new
        .lint
        .iter()
        .filter(|d| d.severity != Severity::Info)
        .cloned()
        .collect();
    // The gate is stricter than the suggested bump: a change that breaks HTTP callers
    // (ERR) wants a breaking version even when Rust code keeps compiling, so that teams
    // that use the crate notice. Changes a waiver accepted do not count here (the
    // suggested bump still counts them): the waiver is the reviewer's decision.
    let breaking = diff.has_at_least(Level::Error)
        || diff
            .changes
            .iter()
            .any(|c| c.breaks_compilation == crate::diff::Breaks::Yes);
    let needed = old
        .version
        .as_deref()
        .and_then(|v| version_after(v, Bump::Major));
    let enough = match (
        needed.as_deref().and_then(triple),
        new.version.as_deref().and_then(triple),
    ) {
        (Some(n), Some(v)) => v >= n,
        _ => false,
    };
    let version = if !breaking || enough {
        VersionCheck::Ok
    } else {
        VersionCheck::Missing {
            from: old.version.clone(),
            to: new.version.clone(),
            needed,
        }
    };
    Review {
        diff,
        code,
        new_assumptions,
        findings,
        new_version: new.version.clone(),
        version,
    }
}

fn items_of(side: &Side) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for api in &side.items {
        for (name, t) in &api.types {
            out.insert(format!("{}::types::{name}", api.module), format!("{t:?}"));
        }
        for op in &api.operations {
            out.insert(
                format!("{}::Client::{}", api.module, op.method),
                format!("{op:?}"),
            );
        }
    }
    out
}

fn code_change(old: &Side, new: &Side) -> CodeChange {
    let (oi, ni) = (items_of(old), items_of(new));
    let mut code = CodeChange::default();
    for (path, shape) in &ni {
        match oi.get(path) {
            None => code.added.push(path.clone()),
            Some(o) if o != shape => code.changed.push(path.clone()),
            Some(_) => {}
        }
    }
    code.removed = oi
        .keys()
        .filter(|p| !ni.contains_key(*p))
        .cloned()
        .collect();
    let paths: BTreeSet<&String> = old.files.keys().chain(new.files.keys()).collect();
    for path in paths {
        let a = old.files.get(path).map_or("", String::as_str);
        let b = new.files.get(path).map_or("", String::as_str);
        if a == b {
            continue;
        }
        code.files += 1;
        let diff = similar::TextDiff::from_lines(a, b);
        for change in diff.iter_all_changes() {
            match change.tag() {
                similar::ChangeTag::Insert => code.lines_added += 1,
                similar::ChangeTag::Delete => code.lines_removed += 1,
                similar::ChangeTag::Equal => {}
            }
        }
    }
    code
}

fn list(out: &mut String, title: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    out.push_str(&format!(
        "<details><summary>{title} ({})</summary>\n\n",
        items.len()
    ));
    for i in items {
        out.push_str(&format!("- `{i}`\n"));
    }
    out.push_str("\n</details>\n\n");
}

fn diagnostic_line(d: &Diagnostic) -> String {
    let line = d.position.map(|(l, _)| format!(":{l}")).unwrap_or_default();
    let pointer = if d.pointer.is_empty() {
        "/"
    } else {
        &d.pointer
    };
    format!(
        "- `{}{line}` `{pointer}`: {}\n",
        d.file,
        d.message.replace('\n', " ")
    )
}

impl Review {
    /// Whether the review passes: no breaking change without a breaking version. Waived
    /// changes ([`Report::waived`]) do not count.
    pub fn passes(&self) -> bool {
        self.version == VersionCheck::Ok
    }

    /// One line on the version: what the changes need and what the crate has.
    pub fn version_line(&self) -> String {
        let krate = &self.diff.crate_name;
        let waived = match self.diff.waived.len() {
            0 => String::new(),
            n => format!(
                "; {n} waived change(s) not counted, the suggested bump ({}) counts them",
                self.diff.bump()
            ),
        };
        let line = match &self.version {
            VersionCheck::Ok => format!(
                "{krate} version: {} → {} (enough for these changes)",
                self.diff.crate_version.as_deref().unwrap_or("?"),
                self.new_version.as_deref().unwrap_or("?"),
            ),
            VersionCheck::Missing { from, to, needed } => format!(
                "{krate} version: {} → {}, but a change here is breaking (ERR, or Rust code stops compiling): it needs a breaking version, at least {}",
                from.as_deref().unwrap_or("?"),
                to.as_deref().unwrap_or("?"),
                needed.as_deref().unwrap_or("a major bump"),
            ),
        };
        line + &waived
    }

    /// The report, in Markdown, for a pull request.
    pub fn to_markdown(&self) -> String {
        let mark = if self.passes() { "✅" } else { "❌" };
        let mut out = String::from("## Spec review\n\n");
        out.push_str(&format!("{mark} {}\n\n", self.version_line()));
        out.push_str(&self.diff.to_markdown());
        out.push('\n');
        let c = &self.code;
        out.push_str(&format!(
            "### Generated code ({})\n\n",
            self.diff.crate_name
        ));
        if c.files == 0 {
            out.push_str("No change.\n\n");
        } else {
            out.push_str(&format!(
                "{} item(s) added, {} removed, {} changed; {} file(s), +{} −{} lines.\n\n",
                c.added.len(),
                c.removed.len(),
                c.changed.len(),
                c.files,
                c.lines_added,
                c.lines_removed
            ));
            list(&mut out, "Added", &c.added);
            list(&mut out, "Removed", &c.removed);
            list(&mut out, "Changed", &c.changed);
        }
        out.push_str("### New assumptions (`x-assumption`)\n\n");
        if self.new_assumptions.is_empty() {
            out.push_str("None.\n\n");
        } else {
            for d in &self.new_assumptions {
                let mut d = d.clone();
                if let Some(text) = d.message.strip_prefix("assumption: ") {
                    d.message = text.to_string();
                }
                out.push_str(&diagnostic_line(&d));
            }
            out.push('\n');
        }
        out.push_str("### Lint\n\n");
        if self.findings.is_empty() {
            out.push_str("No findings.\n");
        } else {
            for d in &self.findings {
                out.push_str(&format!("{}: ", d.severity));
                out.push_str(diagnostic_line(d).trim_start_matches("- "));
            }
        }
        out
    }

    /// The changelog entry for releasing `version`: the API changes and the bump. Waived
    /// changes are listed too: consumers see them all the same.
    pub fn changelog_section(&self, version: &str) -> String {
        let mut out = format!("## {version}\n\n");
        if self.diff.all_changes().next().is_none() {
            out.push_str("No API changes.\n");
            return out;
        }
        for c in self.diff.all_changes() {
            let items = if c.rust_items.is_empty() {
                String::new()
            } else {
                format!(
                    " ({})",
                    c.rust_items
                        .iter()
                        .map(|i| format!("`{i}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            let breaks = match c.breaks_compilation {
                crate::diff::Breaks::Yes => " **Breaking for Rust code.**",
                crate::diff::Breaks::Maybe => " May break Rust code.",
                crate::diff::Breaks::No => "",
            };
            out.push_str(&format!(
                "- {} `{}` {}: {}{items}.{breaks}\n",
                c.level, c.file, c.location, c.message
            ));
        }
        out
    }
}

/// `changelog` with the section for `version` (`## version`) replaced by `section`, or
/// `section` put first (after the title) when there is none.
pub fn update_changelog(changelog: &str, version: &str, section: &str) -> String {
    const TITLE: &str = "# Changelog\n";
    let body = changelog.strip_prefix(TITLE).unwrap_or(changelog);
    let heading = format!("## {version}\n");
    let mut sections: Vec<String> = Vec::new();
    let mut intro = String::new();
    for chunk in body.split_inclusive('\n') {
        if chunk.starts_with("## ") {
            sections.push(String::new());
        }
        match sections.last_mut() {
            Some(s) => s.push_str(chunk),
            None => intro.push_str(chunk),
        }
    }
    let mut section = section.trim_end().to_string();
    section.push_str("\n\n");
    match sections.iter_mut().find(|s| s.starts_with(&heading)) {
        Some(s) => *s = section,
        None => sections.insert(0, section),
    }
    let mut intro = intro.trim().to_string();
    if intro.is_empty() {
        intro = "What changed in each version of the generated crate, written by \
                 `cargo xtask review --changelog` from the spec diff."
            .into();
    }
    let mut out = format!("{TITLE}\n{intro}\n\n");
    for s in sections {
        out.push_str(&s);
    }
    out.trim_end().to_string() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changelog_sections_are_replaced_or_put_first() {
        let one = update_changelog("", "0.1.0", "## 0.1.0\n\n- first\n");
        assert!(one.starts_with("# Changelog\n\n"), "{one}");
        assert!(one.ends_with("## 0.1.0\n\n- first\n"), "{one}");
        let two = update_changelog(&one, "0.2.0", "## 0.2.0\n\n- second\n");
        let first = two.find("## 0.2.0").unwrap();
        assert!(first < two.find("## 0.1.0").unwrap(), "{two}");
        let again = update_changelog(&two, "0.2.0", "## 0.2.0\n\n- second, fixed\n");
        assert!(again.contains("- second, fixed\n") && !again.contains("- second\n"));
        assert_eq!(again.matches("## 0.1.0").count(), 1);
    }

    fn change(level: Level, breaks: crate::diff::Breaks) -> crate::diff::Change {
        crate::diff::Change {
            level,
            rule: crate::diff::Rule::RequiredPropertyAdded,
            file: "specs/api.yaml".into(),
            line: None,
            column: None,
            pointer: String::new(),
            location: "schema A".into(),
            message: "required property `b` added".into(),
            rust_items: Vec::new(),
            breaks_compilation: breaks,
        }
    }

    fn gate(level: Level, breaks: crate::diff::Breaks, to: &str) -> VersionCheck {
        let old = Side {
            version: Some("0.1.0".into()),
            ..Side::default()
        };
        let new = Side {
            version: Some(to.into()),
            ..Side::default()
        };
        let diff = Report::new(
            None,
            vec![change(level, breaks)],
            old.version.clone(),
            "crate",
        );
        review(diff, &old, &new).version
    }

    #[test]
    fn breaking_changes_want_a_breaking_version() {
        use crate::diff::Breaks;
        // ERR that keeps Rust code compiling (a required nullable property): the
        // suggestion is a patch of 0.x, the gate wants 0.2.0 all the same.
        assert_eq!(
            gate(Level::Error, Breaks::No, "0.1.1"),
            VersionCheck::Missing {
                from: Some("0.1.0".into()),
                to: Some("0.1.1".into()),
                needed: Some("0.2.0".into()),
            }
        );
        assert_eq!(gate(Level::Error, Breaks::No, "0.2.0"), VersionCheck::Ok);
        // Rust code stops compiling: the same.
        assert!(gate(Level::Info, Breaks::Yes, "0.1.0") != VersionCheck::Ok);
        assert_eq!(gate(Level::Info, Breaks::Yes, "0.3.0"), VersionCheck::Ok);
        // WARN, nothing breaks: any version passes.
        assert_eq!(gate(Level::Warning, Breaks::No, "0.1.0"), VersionCheck::Ok);
    }

    #[test]
    fn waived_changes_do_not_need_a_breaking_version() {
        use crate::diff::{policy, Breaks};
        let policy = policy::parse(
            "p.yaml",
            "waivers:\n  - {rule: required-property-added, pointer: schema A, reason: ok}\n",
        )
        .unwrap();
        let side = |v: &str| Side {
            version: Some(v.into()),
            ..Side::default()
        };
        let diff = Report::new(
            None,
            vec![change(Level::Error, Breaks::Yes)],
            Some("0.1.0".into()),
            "crate",
        );
        let r = review(policy::apply(&policy, diff), &side("0.1.0"), &side("0.1.1"));
        assert!(r.passes(), "{}", r.version_line());
        assert!(
            r.version_line().ends_with(
                "; 1 waived change(s) not counted, the suggested bump (major) counts them"
            ),
            "{}",
            r.version_line()
        );
        // The changelog lists it: consumers see the change all the same.
        assert!(r
            .changelog_section("0.1.1")
            .contains("required property `b` added"));
    }

    #[test]
    fn versions_compare_as_numbers() {
        assert!(triple("0.10.0") > triple("0.9.3"));
        assert_eq!(triple("1.2"), None);
    }
}
