//! Each folder `tests/rules/<name>/` holds `old.yaml` and `new.yaml`, two versions of
//! one API that differ in one way, and `expected.snap`, the insta snapshot of the text
//! report comparing them with [`diff_files`] (as the standalone crate of `new.yaml`).
//! A folder is named by the rule it shows (`<rule>` or `<rule>-<case>`); that rule
//! must be among its changes. `INSTA_UPDATE=always` (or `cargo insta review`) rewrites
//! the snapshots after an intended change; review the diff.

use std::path::{Path, PathBuf};

use spec_review::diff::{diff_files, Breaks, Level, Report, Rule};

fn rules_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rules")
}

fn fixtures() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(rules_dir())
        .expect("tests/rules")
        .map(|e| e.expect("a fixture folder").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn report(name: &str) -> Report {
    let dir = rules_dir().join(name);
    diff_files(&dir.join("old.yaml"), &dir.join("new.yaml"))
        .unwrap_or_else(|d| panic!("tests/rules/{name}: {d}"))
}

/// The text report with paths relative to the crate, so that snapshots do not depend
/// on where the checkout is.
fn text(report: &Report) -> String {
    let root = format!("{}/", env!("CARGO_MANIFEST_DIR"));
    report.to_text().replace(&root, "")
}

/// The rule a folder is named after: the longest rule name it starts with.
fn rule_of(folder: &str) -> Option<Rule> {
    Rule::ALL
        .iter()
        .copied()
        .filter(|r| folder == r.name() || folder.starts_with(&format!("{}-", r.name())))
        .max_by_key(|r| r.name().len())
}

#[test]
fn every_fixture_shows_its_rule_and_matches_its_snapshot() {
    let dirs = fixtures();
    assert!(dirs.len() >= 30, "{dirs:?}");
    let mut missing = Vec::new();
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let report = report(&name);
        match rule_of(&name) {
            Some(rule) if report.changes.iter().any(|c| c.rule == rule) => {}
            Some(rule) => missing.push(format!("{name}: no `{rule}` in\n{}", report.to_text())),
            // Named for a case of another rule: checked by a test of its own below.
            None => {}
        }
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(&dir);
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        settings.bind(|| insta::assert_snapshot!("expected", text(&report)));
    }
    assert!(missing.is_empty(), "{}", missing.join("\n\n"));
}

/// The one change of `rule` in the fixture `name`.
fn change(name: &str, rule: Rule) -> spec_review::diff::Change {
    let report = report(name);
    let found: Vec<_> = report.changes.iter().filter(|c| c.rule == rule).collect();
    assert!(
        !found.is_empty(),
        "{name}: no `{rule}`:\n{}",
        report.to_text()
    );
    found[0].clone()
}

#[test]
fn security_changes_refuse_callers_without_breaking_rust_code() {
    let c = change(
        "security-requirement-removed",
        Rule::SecurityRequirementRemoved,
    );
    assert_eq!((c.level, c.breaks_compilation), (Level::Error, Breaks::No));
    assert!(
        c.message.contains("anonymous access removed"),
        "{}",
        c.message
    );
    let c = change("security-scope-added", Rule::SecurityScopeAdded);
    assert_eq!(c.level, Level::Error);
    assert!(c.message.contains("`tickets:write`"), "{}", c.message);
    assert_eq!(
        change("security-scope-removed", Rule::SecurityScopeRemoved).level,
        Level::Info
    );
    assert_eq!(
        change("security-requirement-added", Rule::SecurityRequirementAdded).level,
        Level::Info
    );
    let c = change("security-scheme-changed", Rule::SecuritySchemeChanged);
    assert_eq!(c.level, Level::Error);
    assert_eq!(c.pointer, "/components/securitySchemes/key/in");
}

#[test]
fn changes_to_an_alpha_operation_are_info_and_keep_their_rust_verdict() {
    let report = report("stability-alpha-changes-are-info");
    let c = report
        .changes
        .iter()
        .find(|c| c.rule == Rule::ParameterBecameRequired)
        .unwrap_or_else(|| panic!("{}", report.to_text()));
    assert_eq!((c.level, c.breaks_compilation), (Level::Info, Breaks::Yes));
    assert!(c.message.contains("`alpha`"), "{}", c.message);
    assert!(!report.has_at_least(Level::Warning), "{}", report.to_text());
}

#[test]
fn required_on_a_read_only_property_concerns_responses_only() {
    // The schema travels both ways; `required` on a read-only property binds responses
    // only (OpenAPI 3.0, Schema Object, readOnly), where a new required property is
    // harmless.
    let c = change(
        "read-only-required-is-a-response-matter",
        Rule::PropertyBecameRequired,
    );
    assert_eq!(c.level, Level::Info);
}

#[test]
fn read_only_and_write_only_transitions_warn() {
    let c = change("read-only-changed", Rule::ReadOnlyChanged);
    assert_eq!(
        (c.level, c.breaks_compilation),
        (Level::Warning, Breaks::Maybe)
    );
    let c = change("write-only-changed", Rule::WriteOnlyChanged);
    assert_eq!(c.level, Level::Warning);
}

#[test]
fn a_3_1_type_list_with_null_is_nullability_not_a_type_change() {
    let report = report("type-list-nullable");
    assert!(
        report.changes.iter().all(|c| c.rule != Rule::TypeChanged),
        "{}",
        report.to_text()
    );
    assert_eq!(
        change("type-list-nullable", Rule::BecameNullable).level,
        Level::Error
    );
}

#[test]
fn request_constraints_are_err_when_tightened_warn_when_set_and_a_match_all_pattern_is_none() {
    let c = change(
        "constraint-tightened-bound-decreased",
        Rule::ConstraintTightened,
    );
    assert_eq!(c.level, Level::Error);
    let c = change("constraint-tightened-bound-set", Rule::ConstraintTightened);
    assert_eq!(c.level, Level::Warning);
    let c = change(
        "constraint-loosened-pattern-matches-all",
        Rule::ConstraintLoosened,
    );
    assert_eq!(c.level, Level::Info);
}

#[test]
fn keyword_rules_judge_by_direction() {
    for (name, rule, level) in [
        ("const-changed", Rule::ConstChanged, Level::Error),
        ("contains-changed", Rule::ContainsChanged, Level::Error),
        (
            "dependent-required-changed",
            Rule::DependentRequiredChanged,
            Level::Error,
        ),
        (
            "unevaluated-changed",
            Rule::UnevaluatedChanged,
            Level::Error,
        ),
        (
            "prefix-items-changed",
            Rule::PrefixItemsChanged,
            Level::Error,
        ),
        (
            "conditional-changed",
            Rule::ConditionalChanged,
            Level::Warning,
        ),
        ("default-changed", Rule::DefaultChanged, Level::Error),
        (
            "discriminator-changed",
            Rule::DiscriminatorChanged,
            Level::Error,
        ),
        (
            "extensible-enum-value-removed",
            Rule::ExtensibleEnumValueRemoved,
            Level::Error,
        ),
        (
            "extensible-enum-value-added",
            Rule::ExtensibleEnumValueAdded,
            Level::Info,
        ),
        ("all-of-added", Rule::AllOfAdded, Level::Error),
        ("all-of-removed", Rule::AllOfRemoved, Level::Warning),
        ("webhook-removed", Rule::WebhookRemoved, Level::Error),
        ("webhook-added", Rule::WebhookAdded, Level::Info),
        (
            "response-header-removed",
            Rule::ResponseHeaderRemoved,
            Level::Error,
        ),
        (
            "response-header-became-optional",
            Rule::ResponseHeaderBecameOptional,
            Level::Error,
        ),
        (
            "response-header-added",
            Rule::ResponseHeaderAdded,
            Level::Info,
        ),
        ("sunset-invalid", Rule::SunsetInvalid, Level::Error),
        ("sunset-removed", Rule::SunsetRemoved, Level::Error),
        ("sunset-earlier", Rule::SunsetEarlier, Level::Error),
        ("stability-invalid", Rule::StabilityInvalid, Level::Error),
        (
            "stability-decreased",
            Rule::StabilityDecreased,
            Level::Error,
        ),
        (
            "parameter-deprecated",
            Rule::ParameterDeprecated,
            Level::Info,
        ),
        ("property-deprecated", Rule::PropertyDeprecated, Level::Info),
    ] {
        assert_eq!(change(name, rule).level, level, "{name}");
    }
}
