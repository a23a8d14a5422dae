//! A repository's recorded decisions about the diff (`.spec-review.yaml`): waivers,
//! which accept one rule's changes at one place for a pull request, and per-rule levels,
//! which raise or lower what a rule reports for this repository.
//!
//! ```yaml
//! levels:
//!   enum-value-added: INFO
//! waivers:
//!   - rule: operation-removed
//!     file: specs/zild.yaml
//!     pointer: DELETE /conversations/{id}
//!     reason: never released; no client calls it (PROJ-123)
//! ```
//!
//! [`parse`] reads the text (every mistake is a located [`PolicyError`]); [`apply`] is a
//! pure function from a [`Report`] to the report under the policy. Finding and reading
//! the file is the caller's (`cargo xtask diff` and `review`).
//!
//! A waiver names a rule and a place: it matches a change when the rule is the change's,
//! the `file` (when given) is the change's file as the report shows it, and `pointer` is
//! exactly the change's JSON pointer (a value that starts with `/`) or exactly its
//! location as the report shows it (`POST /conversations`, `schema Conversation`,
//! `spec`). Nothing is matched by prefix, so a waiver never accepts more than the change
//! it was written for and the changes of the same rule at the same place.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use serde::Deserialize;

use super::{sort_changes, Change, Level, Report, Rule, Waived};
use crate::locate::Position;

/// The policy file looked for at the workspace root when none is given.
pub const DEFAULT_FILE: &str = ".spec-review.yaml";

/// A repository's decisions: levels per rule and waivers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    /// The file it was read from, as shown to the user (`.spec-review.yaml`).
    pub file: String,
    /// The level each configured rule reports at (`levels:`).
    pub levels: BTreeMap<Rule, Level>,
    /// The accepted changes (`waivers:`), in file order.
    pub waivers: Vec<Waiver>,
}

/// Where a waiver applies: a JSON pointer or a location, matched exactly.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Place {
    /// A JSON pointer (it starts with `/`), compared with [`Change::pointer`].
    Pointer(String),
    /// A location as the report shows it (`POST /conversations`, `schema Conversation`,
    /// `spec`), compared with [`Change::location`].
    Location(String),
}

impl Place {
    /// The place as written in the file.
    pub fn as_str(&self) -> &str {
        match self {
            Place::Pointer(s) | Place::Location(s) => s,
        }
    }
}

/// One accepted change: a rule at a place, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiver {
    /// The rule whose changes it accepts.
    pub rule: Rule,
    /// The spec file as the report shows it (`specs/zild.yaml`); any file when `None`.
    pub file: Option<String>,
    /// The place.
    pub place: Place,
    /// Why the change is accepted.
    pub reason: String,
    /// Where the entry is in the policy file (one-based line and column).
    pub position: Option<Position>,
}

impl Waiver {
    /// Whether the waiver accepts `change`.
    pub fn matches(&self, change: &Change) -> bool {
        self.rule == change.rule
            && self.file.as_ref().is_none_or(|f| *f == change.file)
            && match &self.place {
                Place::Pointer(p) => *p == change.pointer,
                Place::Location(l) => *l == change.location,
            }
    }

    /// `file:line:col` of the entry in the policy file `policy_file`.
    pub fn source(&self, policy_file: &str) -> String {
        match self.position {
            Some((line, col)) => format!("{policy_file}:{line}:{col}"),
            None => policy_file.to_string(),
        }
    }
}

/// A mistake in a policy file, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    /// The policy file, as shown to the user.
    pub file: String,
    /// One-based line and column, where known.
    pub position: Option<Position>,
    /// What is wrong, starting with the entry (`waivers[1].rule: ...`) where known.
    pub message: String,
}

/// `file:line:col: message`.
impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some((line, col)) => write!(f, "{}:{line}:{col}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for PolicyError {}

/// The file as written. Fields the policy needs are optional here so that a missing one
/// gets this module's message, located by the position index, rather than serde's.
#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a mapping with `levels:` and `waivers:`"
)]
struct RawPolicy {
    #[serde(default)]
    levels: BTreeMap<String, String>,
    #[serde(default)]
    waivers: Vec<RawWaiver>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a waiver: a mapping with `rule:`, `file:` (optional), `pointer:` and `reason:`"
)]
struct RawWaiver {
    rule: Option<String>,
    file: Option<String>,
    pointer: Option<String>,
    reason: Option<String>,
}

/// Reads a policy file's `text`, shown as `file`. Every mistake is returned, in the
/// order of the file: a malformed file (the YAML parser's error, located), an unknown
/// rule or level, a waiver without a rule, a place or a reason, a waiver given twice.
/// An empty file is an empty policy.
pub fn parse(file: &str, text: &str) -> Result<Policy, Vec<PolicyError>> {
    let error = |position: Option<Position>, message: String| PolicyError {
        file: file.to_string(),
        position,
        message,
    };
    // The loader's one pass refuses duplicate keys (serde would keep the last one
    // silently), alias bombs and deep nesting, and gives every node's position.
    let positions = codegen::load::positions_of(text).map_err(|(p, m)| vec![error(p, m)])?;
    let empty = serde_yaml::from_str::<serde_yaml::Value>(text)
        .map_err(|e| vec![yaml_error(file, &e)])?
        .is_null();
    if empty {
        return Ok(Policy {
            file: file.to_string(),
            ..Policy::default()
        });
    }
    let raw: RawPolicy = serde_yaml::from_str(text).map_err(|e| vec![yaml_error(file, &e)])?;
    let at = |pointer: &str| positions.locate(pointer);
    let mut errors = Vec::new();
    let mut levels = BTreeMap::new();
    for (name, level) in &raw.levels {
        let pointer = format!("/levels/{}", codegen::load::escape_pointer_token(name));
        match Rule::from_name(name) {
            Some(rule) => match level.parse::<Level>() {
                Ok(level) => {
                    levels.insert(rule, level);
                }
                Err(_) => errors.push(error(
                    at(&pointer),
                    format!("levels.{name}: unknown level `{level}`; expected ERR, WARN or INFO"),
                )),
            },
            None => errors.push(error(
                at(&pointer),
                unknown_rule(&format!("levels.{name}"), name),
            )),
        }
    }
    let mut waivers = Vec::new();
    let mut seen = HashSet::new();
    for (i, w) in raw.waivers.into_iter().enumerate() {
        let entry = format!("/waivers/{i}");
        let position = at(&entry);
        let missing = |key: &str, what: &str| {
            error(
                position,
                format!("waivers[{i}]: no `{key}`: a waiver needs {what}"),
            )
        };
        let rule = match w.rule.as_deref().map(str::trim) {
            None | Some("") => {
                errors.push(missing(
                    "rule",
                    "the rule it accepts (`cargo xtask diff --rules` lists them)",
                ));
                None
            }
            Some(name) => {
                let rule = Rule::from_name(name);
                if rule.is_none() {
                    errors.push(error(
                        at(&format!("{entry}/rule")),
                        unknown_rule(&format!("waivers[{i}].rule"), name),
                    ));
                }
                rule
            }
        };
        let place = match w.pointer.as_deref().map(str::trim) {
            None | Some("") => {
                errors.push(missing(
                    "pointer",
                    "the place it accepts: a JSON pointer (`/paths/...`) or a location as \
                     the report shows it (`POST /conversations`, `schema Conversation`)",
                ));
                None
            }
            Some(p) if p.starts_with("#/") => {
                errors.push(error(
                    at(&format!("{entry}/pointer")),
                    format!(
                        "waivers[{i}].pointer: `{p}`: write the JSON pointer without `#` \
                         (`{}`), as the report shows it",
                        &p[1..]
                    ),
                ));
                None
            }
            Some(p) if p.starts_with('/') => Some(Place::Pointer(p.to_string())),
            Some(p) => Some(Place::Location(p.to_string())),
        };
        let reason = match w.reason.as_deref().map(str::trim) {
            None | Some("") => {
                errors.push(missing("reason", "a reason: why the change is accepted"));
                None
            }
            Some(r) => Some(r.to_string()),
        };
        let file = match w.file.as_deref().map(str::trim) {
            Some("") => {
                errors.push(error(
                    at(&format!("{entry}/file")),
                    format!(
                        "waivers[{i}].file: empty; name the spec file as the report shows \
                         it (`specs/api.yaml`), or leave `file` out for any file"
                    ),
                ));
                None
            }
            f => f.map(str::to_string),
        };
        if let (Some(rule), Some(place), Some(reason)) = (rule, place, reason) {
            // A second entry for the same rule and place could never be told apart from
            // the first in the report, and its reason would never be shown.
            if !seen.insert((rule, file.clone(), place.clone())) {
                errors.push(error(
                    position,
                    format!(
                        "waivers[{i}]: repeats an earlier waiver of `{rule}` at `{}`; remove one",
                        place.as_str()
                    ),
                ));
                continue;
            }
            waivers.push(Waiver {
                rule,
                file,
                place,
                reason,
                position,
            });
        }
    }
    if errors.is_empty() {
        Ok(Policy {
            file: file.to_string(),
            levels,
            waivers,
        })
    } else {
        errors.sort_by_key(|e| e.position);
        Err(errors)
    }
}

fn unknown_rule(entry: &str, name: &str) -> String {
    format!("{entry}: unknown rule `{name}`; `cargo xtask diff --rules` lists the rules")
}

/// The YAML parser's error, located where it says (its own text without the
/// ` at line L column C` that the position already gives).
fn yaml_error(file: &str, e: &serde_yaml::Error) -> PolicyError {
    let position = e.location().map(|l| (l.line(), l.column()));
    let mut message = e.to_string();
    if let Some((line, col)) = position {
        let suffix = format!(" at line {line} column {col}");
        if let Some(i) = message.find(&suffix) {
            message.replace_range(i..i + suffix.len(), "");
        }
    }
    PolicyError {
        file: file.to_string(),
        position,
        message,
    }
}

/// `report` under `policy`: each change of a rule in `levels` takes that level (the
/// diff's own is kept in [`Report::default_levels`]); each change a waiver matches moves
/// from [`Report::changes`] to [`Report::waived`] with the waiver's reason; each waiver
/// that matches nothing is a warning, so that stale waivers are noticed and removed.
/// Meant for a report the policy was not applied to yet.
pub fn apply(policy: &Policy, mut report: Report) -> Report {
    let mut used = vec![false; policy.waivers.len()];
    let mut active = Vec::new();
    for mut change in std::mem::take(&mut report.changes) {
        if let Some(&level) = policy.levels.get(&change.rule) {
            if level != change.level {
                let default = std::mem::replace(&mut change.level, level);
                report.default_levels.insert(change.clone(), default);
            }
        }
        let mut first = None;
        for (i, w) in policy.waivers.iter().enumerate() {
            if w.matches(&change) {
                // Every matching waiver is in use, so none of them is called stale; the
                // first one's reason is shown.
                used[i] = true;
                first.get_or_insert(w);
            }
        }
        match first {
            Some(w) => report.waived.push(Waived {
                change,
                reason: w.reason.clone(),
                waiver: w.source(&policy.file),
            }),
            None => active.push(change),
        }
    }
    sort_changes(&mut active);
    report.changes = active;
    report
        .waived
        .sort_by(|a, b| super::change_order(&a.change, &b.change));
    for (w, used) in policy.waivers.iter().zip(used) {
        if !used {
            let file = w
                .file
                .as_ref()
                .map(|f| format!(" in {f}"))
                .unwrap_or_default();
            report.warnings.push(format!(
                "{}: waiver of `{}` at `{}`{file} matches no change; remove it",
                w.source(&policy.file),
                w.rule,
                w.place.as_str(),
            ));
        }
    }
    report.policy = Some(policy.file.clone());
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::Breaks;

    fn change(rule: Rule, level: Level, pointer: &str, location: &str) -> Change {
        Change {
            level,
            rule,
            file: "specs/api.yaml".into(),
            line: Some(3),
            column: Some(5),
            pointer: pointer.into(),
            location: location.into(),
            message: format!("{rule} here"),
            rust_items: Vec::new(),
            breaks_compilation: Breaks::Yes,
        }
    }

    fn report() -> Report {
        Report::new(
            None,
            vec![
                change(
                    Rule::OperationRemoved,
                    Level::Error,
                    "/paths/~1conversations/post",
                    "POST /conversations",
                ),
                change(
                    Rule::PropertyRemoved,
                    Level::Warning,
                    "/components/schemas/A/properties/b",
                    "schema A",
                ),
                change(
                    Rule::EnumValueAdded,
                    Level::Warning,
                    "/components/schemas/S/enum",
                    "schema S",
                ),
            ],
            Some("0.1.0".into()),
            "crate",
        )
    }

    fn errors(text: &str) -> Vec<String> {
        parse(".spec-review.yaml", text)
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn a_waived_change_is_kept_apart_and_counts_for_the_bump_only() {
        let policy = parse(
            ".spec-review.yaml",
            "waivers:\n  - rule: operation-removed\n    pointer: POST /conversations\n    reason: never released\n",
        )
        .unwrap();
        let r = apply(&policy, report());
        assert!(!r.has_at_least(Level::Error), "{}", r.to_text());
        assert_eq!(r.changes.len(), 2);
        assert_eq!(r.waived.len(), 1);
        assert_eq!(r.waived[0].reason, "never released");
        assert_eq!(r.waived[0].waiver, ".spec-review.yaml:2:5");
        assert_eq!(r.bump(), crate::diff::Bump::Major);
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);

        let text = r.to_text();
        assert!(
            text.contains("waived (accepted in .spec-review.yaml"),
            "{text}"
        );
        assert!(
            text.contains("     reason: never released (.spec-review.yaml:2:5)\n"),
            "{text}"
        );
        assert!(text.contains("0 ERR, 2 WARN, 0 INFO"), "{text}");
        assert!(text.contains("; 1 waived\n"), "{text}");
        let md = r.to_markdown();
        assert!(md.contains("#### Waived\n"), "{md}");
        assert!(md.contains("| never released |"), "{md}");
        let json: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
        let waived = &json["changes"][2];
        assert_eq!(waived["rule"], "operation-removed");
        assert_eq!(waived["level"], "ERR");
        assert_eq!(waived["waived"]["reason"], "never released");
        assert_eq!(json["changes"][0].get("waived"), None);
        assert_eq!(json["summary"]["err"], 0);
        assert_eq!(json["summary"]["waived"], 1);
        assert_eq!(json["semver"]["bump"], "major");
    }

    #[test]
    fn waivers_match_a_rule_and_a_place_exactly() {
        let w = |rule, file: Option<&str>, place| Waiver {
            rule,
            file: file.map(str::to_string),
            place,
            reason: "r".into(),
            position: None,
        };
        let c = change(
            Rule::PropertyRemoved,
            Level::Error,
            "/components/schemas/A/properties/b",
            "schema A",
        );
        let pointer = |p: &str| Place::Pointer(p.into());
        let location = |l: &str| Place::Location(l.into());
        assert!(w(
            Rule::PropertyRemoved,
            None,
            pointer("/components/schemas/A/properties/b")
        )
        .matches(&c));
        assert!(w(
            Rule::PropertyRemoved,
            Some("specs/api.yaml"),
            location("schema A")
        )
        .matches(&c));
        // Another rule, file, a prefix of the pointer or another location: no.
        assert!(!w(Rule::PropertyAdded, None, location("schema A")).matches(&c));
        assert!(!w(
            Rule::PropertyRemoved,
            Some("specs/b.yaml"),
            location("schema A")
        )
        .matches(&c));
        assert!(!w(
            Rule::PropertyRemoved,
            None,
            pointer("/components/schemas/A")
        )
        .matches(&c));
        assert!(!w(Rule::PropertyRemoved, None, location("schema AB")).matches(&c));
    }

    #[test]
    fn an_unmatched_waiver_is_a_warning() {
        let policy = parse(
            ".spec-review.yaml",
            "waivers:\n  - rule: operation-removed\n    file: specs/api.yaml\n    pointer: /paths/~1gone/get\n    reason: gone\n",
        )
        .unwrap();
        let r = apply(&policy, report());
        assert_eq!(r.waived.len(), 0);
        assert_eq!(
            r.warnings,
            [".spec-review.yaml:2:5: waiver of `operation-removed` at `/paths/~1gone/get` in specs/api.yaml matches no change; remove it"]
        );
        assert!(r
            .to_text()
            .contains("warning: .spec-review.yaml:2:5: waiver of"));
    }

    #[test]
    fn levels_raise_or_lower_a_rule_and_say_so() {
        let policy = parse(
            ".spec-review.yaml",
            "levels:\n  enum-value-added: INFO\n  property-removed: err\n  operation-removed: ERR\n",
        )
        .unwrap();
        let r = apply(&policy, report());
        let level = |rule| r.changes.iter().find(|c| c.rule == rule).unwrap();
        let enum_added = level(Rule::EnumValueAdded);
        assert_eq!(enum_added.level, Level::Info);
        assert_eq!(r.default_level(enum_added), Some(Level::Warning));
        let removed = level(Rule::PropertyRemoved);
        assert_eq!(removed.level, Level::Error);
        assert_eq!(r.default_level(removed), Some(Level::Warning));
        // Already at the configured level: nothing was overridden.
        assert_eq!(r.default_level(level(Rule::OperationRemoved)), None);
        assert_eq!(r.count(Level::Error), 2);
        // Sorted again: worst first.
        assert_eq!(r.changes.last().unwrap().rule, Rule::EnumValueAdded);

        let text = r.to_text();
        assert!(
            text.contains("level configured in .spec-review.yaml (the diff's: WARN)"),
            "{text}"
        );
        let md = r.to_markdown();
        assert!(md.contains("| INFO (configured; diff: WARN) |"), "{md}");
        let json: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
        let last = &json["changes"][2];
        assert_eq!(
            (&last["level"], &last["default_level"]),
            (&"INFO".into(), &"WARN".into())
        );
        assert_eq!(json["changes"][0].get("default_level"), None);
        assert_eq!(json["policy"], ".spec-review.yaml");
    }

    #[test]
    fn an_empty_file_is_an_empty_policy() {
        for text in ["", "# nothing yet\n", "---\n"] {
            let p = parse("p.yaml", text).unwrap();
            assert!(p.levels.is_empty() && p.waivers.is_empty());
        }
    }

    #[test]
    fn mistakes_are_located_errors() {
        assert_eq!(
            errors("waivers:\n  - rule: operation-removed\n    pointer: GET /x\n"),
            [".spec-review.yaml:2:5: waivers[0]: no `reason`: a waiver needs a reason: why the change is accepted"]
        );
        assert_eq!(
            errors("waivers:\n  - rule: operation-removed\n    pointer: GET /x\n    reason: '  '\n"),
            [".spec-review.yaml:2:5: waivers[0]: no `reason`: a waiver needs a reason: why the change is accepted"]
        );
        assert_eq!(
            errors("levels:\n  property-removed: WARN\n  no-such-rule: ERR\n  enum-value-added: FATAL\n"),
            [
                ".spec-review.yaml:3:3: levels.no-such-rule: unknown rule `no-such-rule`; `cargo xtask diff --rules` lists the rules",
                ".spec-review.yaml:4:3: levels.enum-value-added: unknown level `FATAL`; expected ERR, WARN or INFO",
            ]
        );
        assert_eq!(
            errors("waivers:\n  - rule: operation-gone\n    pointer: '#/paths'\n    reason: r\n"),
            [
                ".spec-review.yaml:2:5: waivers[0].rule: unknown rule `operation-gone`; `cargo xtask diff --rules` lists the rules",
                ".spec-review.yaml:3:5: waivers[0].pointer: `#/paths`: write the JSON pointer without `#` (`/paths`), as the report shows it",
            ]
        );
        let repeated = errors("waivers:\n  - {rule: spec-removed, pointer: spec, reason: a}\n  - {rule: spec-removed, pointer: spec, reason: b}\n");
        assert_eq!(repeated.len(), 1);
        assert!(
            repeated[0].starts_with(".spec-review.yaml:3:5: waivers[1]: repeats"),
            "{repeated:?}"
        );
        // The parser's own errors keep its position.
        let typo = errors("waivers:\n  - rule: spec-removed\n    pointr: spec\n");
        assert_eq!(typo.len(), 1);
        assert!(
            typo[0].starts_with(".spec-review.yaml:3:5: waivers[0]: unknown field `pointr`"),
            "{typo:?}"
        );
        let top = errors("waiver: []\n");
        assert!(
            top[0].starts_with(".spec-review.yaml:1:1: unknown field `waiver`"),
            "{top:?}"
        );
        let malformed = errors("waivers: [\n");
        assert!(
            malformed[0].starts_with(".spec-review.yaml:"),
            "{malformed:?}"
        );
        let twice = errors("levels:\n  spec-added: INFO\n  spec-added: WARN\n");
        assert!(
            twice[0].contains(":3:3: ") && twice[0].contains("duplicate key"),
            "{twice:?}"
        );
        let list = errors("- rule: spec-added\n");
        assert_eq!(
            list,
            [".spec-review.yaml:1:1: invalid type: sequence, expected a mapping with `levels:` and `waivers:`"]
        );
    }
}
