//! `cargo xtask diff` and `cargo xtask review` as commands: against git revisions and
//! workspaces, two files, overlays and the policy file. The diff's rules on their
//! fixtures (`review/tests/diff/`) are spec-review's own tests.

use crate::common;

use common::git;

use std::path::{Path, PathBuf};

use spec_review::diff::{Format, Level, Rule};
use xtask::diff::{report_for_repo, run_diff, DiffOptions};

/// The diff's rule fixtures, which spec-review's tests own.
fn rules_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../review/tests/diff")
}

/// Writes `generated/Cargo.toml` of the workspace at `root` with `version`.
fn set_crate_version(root: &Path, version: &str) {
    std::fs::write(
        root.join("generated/Cargo.toml"),
        format!("[package]\nname = \"conversation-apis\"\nversion = \"{version}\"\n"),
    )
    .unwrap();
}

/// A workspace in a new git repository on `main`: `specs/api.yaml` is the fixture's
/// `old.yaml` (plus `extra` files, each `(path, text)`), the crate at 0.1.0, committed.
fn fixture_repo(fixture: &Path, extra: &[(&str, &str)]) -> tempfile::TempDir {
    let repo = tempfile::tempdir().unwrap();
    let root = repo.path();
    std::fs::create_dir_all(root.join("specs")).unwrap();
    std::fs::create_dir_all(root.join("generated")).unwrap();
    set_crate_version(root, "0.1.0");
    std::fs::copy(fixture.join("old.yaml"), root.join("specs/api.yaml")).unwrap();
    for (path, text) in extra {
        std::fs::write(root.join(path), text).unwrap();
    }
    git(root, &["init", "-q", "-b", "main"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "specs"]);
    repo
}

#[test]
fn compares_the_working_tree_with_a_git_revision() {
    let rule = rules_dir().join("request-property-became-required");
    let old = std::fs::read_to_string(rule.join("old.yaml")).unwrap();
    let repo = fixture_repo(&rule, &[("specs/removed.yaml", &old)]);
    let root = repo.path();
    // Working tree: one spec changed, one removed, one added.
    std::fs::copy(rule.join("new.yaml"), root.join("specs/api.yaml")).unwrap();
    std::fs::remove_file(root.join("specs/removed.yaml")).unwrap();
    std::fs::copy(rule.join("old.yaml"), root.join("specs/added.yaml")).unwrap();

    let r = report_for_repo(root, None).unwrap();
    let rules: Vec<&str> = r.changes.iter().map(|c| c.rule.name()).collect();
    assert_eq!(
        rules,
        ["spec-added", "property-became-required", "spec-removed"],
        "{}",
        r.to_text()
    );
    assert!(
        r.base
            .as_deref()
            .unwrap()
            .starts_with("merge-base of HEAD and main"),
        "{:?}",
        r.base
    );
    assert_eq!(r.crate_version.as_deref(), Some("0.1.0"));

    let options = |fail_on| DiffOptions {
        overlays: Vec::new(),
        files: None,
        base: Some("HEAD".into()),
        format: Format::Text,
        fail_on,
        config: None,
    };
    let (result, out) = common::capture(|o| run_diff(root, &options(None), o));
    result.unwrap();
    assert!(
        out.starts_with("API diff (specs at HEAD → working tree)\n"),
        "{out}"
    );
    assert!(out.contains("ERR  specs/api.yaml:"), "{out}");
    let (result, _) = common::capture(|o| run_diff(root, &options(Some(Level::Error)), o));
    assert_eq!(result.unwrap_err().code, 1);
    let (result, _) = common::capture(|o| run_diff(root, &options(Some(Level::Warning)), o));
    assert!(result.is_err());

    // Nothing changed since HEAD once committed: --fail-on passes.
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "change"]);
    let (result, out) = common::capture(|o| run_diff(root, &options(Some(Level::Warning)), o));
    result.unwrap();
    assert!(out.contains("0 changes: 0 ERR, 0 WARN, 0 INFO"), "{out}");
    assert!(out.contains("suggested version bump: none"), "{out}");

    let bad = DiffOptions {
        overlays: Vec::new(),
        files: None,
        base: Some("no-such-rev".into()),
        format: Format::Text,
        fail_on: None,
        config: None,
    };
    let (result, _) = common::capture(|o| run_diff(root, &bad, o));
    assert_eq!(result.unwrap_err().code, 2);
}

#[test]
fn review_reports_a_pull_request_and_wants_the_version_bumped() {
    let rule = rules_dir().join("renamed-collision-merged-type");
    let repo = fixture_repo(&rule, &[]);
    let root = repo.path();
    let manifest = |version: &str| set_crate_version(root, version);
    // The change: a renamed collision gets a parameter, merged enums split, and the spec
    // states an assumption.
    let new = std::fs::read_to_string(rule.join("new.yaml"))
        .unwrap()
        .replace(
        "    Ticket:\n      type: object\n",
        "    Ticket:\n      type: object\n      x-assumption: archived tickets keep their notes\n",
    );
    std::fs::write(root.join("specs/api.yaml"), new).unwrap();

    let options = |out: Option<PathBuf>| xtask::review::ReviewOptions {
        standalone: None,
        base: Some("main".into()),
        out,
        changelog: false,
        config: None,
    };
    let (result, out) = common::capture(|o| xtask::review::run_review(root, &options(None), o));
    // A change that breaks Rust code, and the version still 0.1.0: refused.
    let failure = result.unwrap_err();
    assert_eq!(failure.code, 1);
    assert!(
        failure
            .message
            .contains("needs a breaking version, at least 0.2.0"),
        "{failure}"
    );
    for part in [
        "## Spec review\n\n❌ conversation-apis version: 0.1.0 → 0.1.0",
        "| INFO | `specs/api.yaml:10` GET /items | optional query parameter `pageSize` added | `conversation_apis::api::Client::list_items`<br>`conversation_apis::api::ListItems2::page_size` | no |",
        "`conversation_apis::api::types::TicketState`",
        "**Suggested version bump: major",
        "### Generated code (conversation-apis)\n\n",
        "- `api::types::TicketState`\n",
        "- `api::Client::list_items`\n",
        "### New assumptions (`x-assumption`)\n\n- `specs/api.yaml:",
        "/x-assumption`: archived tickets keep their notes\n",
        "### Lint\n\nNo findings.\n",
    ] {
        assert!(out.contains(part), "missing {part:?} in:\n{out}");
    }
    // Lines: the generated code changed, with figures.
    let lines = out
        .lines()
        .find(|l| l.contains(" file(s), +"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(lines.contains("item(s) added"), "{lines}");

    // With the version bumped, it passes, and --out writes the report.
    manifest("0.2.0");
    let file = root.join("report.md");
    let (result, out) =
        common::capture(|o| xtask::review::run_review(root, &options(Some(file.clone())), o));
    result.unwrap();
    assert!(out.contains("0.1.0 → 0.2.0"), "{out}");
    let report = std::fs::read_to_string(&file).unwrap();
    assert!(report.starts_with("## Spec review\n\n✅ "), "{report}");
    // The whole report, for reviewers of its format.
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(&rule);
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!("review", report));

    // The command line of the GitHub workflow runs as it is written there.
    let workflow = xtask::workspace_root().join(".github/workflows/review.yml");
    let workflow = std::fs::read_to_string(workflow).unwrap();
    let line = workflow
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("cargo xtask review "))
        .unwrap();
    assert_eq!(
        line,
        "cargo xtask review --base \"origin/${{ github.base_ref }}\" --out review.md"
    );
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("--root")
        .arg(root)
        .args(["review", "--base", "main", "--out", "review.md"])
        .current_dir(root)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        std::fs::read_to_string(root.join("review.md")).unwrap(),
        report
    );

    // The release step writes the changelog entry of 0.2.0, once however often it runs.
    let release = xtask::review::ReviewOptions {
        standalone: None,
        base: Some("main".into()),
        out: None,
        changelog: true,
        config: None,
    };
    for _ in 0..2 {
        let (result, _) = common::capture(|o| xtask::review::run_review(root, &release, o));
        result.unwrap();
    }
    let changelog = std::fs::read_to_string(root.join("generated/CHANGELOG.md")).unwrap();
    assert!(changelog.starts_with("# Changelog\n"), "{changelog}");
    assert_eq!(changelog.matches("## 0.2.0\n").count(), 1, "{changelog}");
    assert!(
        changelog.contains("`conversation_apis::api::ListItems2::page_size`"),
        "{changelog}"
    );
    assert!(
        changelog.contains("**Breaking for Rust code.**"),
        "{changelog}"
    );
}

#[test]
fn gen_keeps_the_changelog_and_check_ignores_it() {
    use xtask::gen::{run_check, run_gen, Layout};
    let ws = common::workspace(&["gen/conversations.yaml"]);
    let root = ws.path();
    common::capture(|o| run_gen(&Layout::new(root), o))
        .0
        .unwrap();
    let changelog = root.join("generated/CHANGELOG.md");
    std::fs::write(&changelog, "# Changelog\n\n## 0.1.0\n\n- first\n").unwrap();
    // Another file gen did not write is still removed, as before.
    std::fs::write(root.join("generated/stray.txt"), "x").unwrap();
    let (result, out) = common::capture(|o| run_check(&Layout::new(root), o));
    assert!(result.is_err(), "{out}");
    assert!(
        out.contains("stray.txt") && !out.contains("CHANGELOG"),
        "{out}"
    );
    common::capture(|o| run_gen(&Layout::new(root), o))
        .0
        .unwrap();
    assert!(!root.join("generated/stray.txt").exists());
    assert_eq!(
        std::fs::read_to_string(&changelog).unwrap(),
        "# Changelog\n\n## 0.1.0\n\n- first\n"
    );
    let (result, out) = common::capture(|o| run_check(&Layout::new(root), o));
    result.unwrap();
    assert!(out.contains("is up to date"), "{out}");
}

#[test]
fn the_rule_list_documents_itself() {
    let (result, out) = common::capture(|o| {
        xtask::diff::run_rules(o);
        Ok(())
    });
    result.unwrap();
    for rule in Rule::ALL {
        assert!(out.contains(&format!("{rule}\n    ")), "{rule} in:\n{out}");
    }
    assert!(
        out.contains("type-unmerged\n    A type that was an alias of an identical shape"),
        "{out}"
    );
    // Every rule a fixture shows is in the list.
    for dir in std::fs::read_dir(rules_dir()).unwrap() {
        let snap = dir.unwrap().path().join("expected.snap");
        let text = std::fs::read_to_string(&snap).unwrap();
        for name in text
            .lines()
            .filter_map(|l| l.rsplit_once("rule: "))
            .map(|(_, r)| r)
        {
            assert!(
                Rule::from_name(name).is_some(),
                "{}: {name}",
                snap.display()
            );
        }
    }
}

/// Two versions of a spec in a temporary folder (`old.yaml`, `new.yaml`: an operation
/// removed, ERR) and the options of `diff OLD NEW` with the policy file `config`.
fn removed_operation_files(dir: &Path) -> impl Fn(Option<Level>, Option<PathBuf>) -> DiffOptions {
    let rule = rules_dir().join("operation-removed");
    for side in ["old.yaml", "new.yaml"] {
        std::fs::copy(rule.join(side), dir.join(side)).unwrap();
    }
    let (old, new) = (dir.join("old.yaml"), dir.join("new.yaml"));
    move |fail_on, config| DiffOptions {
        overlays: Vec::new(),
        files: Some((old.clone(), new.clone())),
        base: None,
        format: Format::Text,
        fail_on,
        config,
    }
}

#[test]
fn a_waived_change_passes_fail_on_and_is_shown_apart() {
    let dir = tempfile::tempdir().unwrap();
    let options = removed_operation_files(dir.path());
    let config = dir.path().join("policy.yaml");
    std::fs::write(
        &config,
        "waivers:\n  - rule: operation-removed\n    pointer: GET /conversations/{id}\n    reason: never released; no client calls it\n",
    )
    .unwrap();
    let root = dir.path();
    // Without the policy the removal fails --fail-on ERR.
    let (result, _) = common::capture(|o| run_diff(root, &options(Some(Level::Error), None), o));
    assert_eq!(result.unwrap_err().code, 1);

    let (result, out) =
        common::capture(|o| run_diff(root, &options(Some(Level::Error), Some(config.clone())), o));
    result.unwrap();
    let shown = config.display().to_string();
    for part in [
        format!("waived (accepted in {shown}; --fail-on and review do not count them, the bump does):\nERR  "),
        ": GET /conversations/{id}: operation removed\n".to_string(),
        format!("     reason: never released; no client calls it ({shown}:2:5)\n"),
        "0 changes: 0 ERR, 0 WARN, 0 INFO; consumers' code stops compiling: 0 yes, 0 maybe; 1 waived\n".to_string(),
        // The bump counts the waived change: the crate's API loses a method all the same.
        "suggested version bump: major".to_string(),
    ] {
        assert!(out.contains(&part), "missing {part:?} in:\n{out}");
    }
    assert!(!out.contains("warning:"), "{out}");

    let json_options = DiffOptions {
        overlays: Vec::new(),
        format: Format::Json,
        ..options(Some(Level::Error), Some(config.clone()))
    };
    let (result, out) = common::capture(|o| run_diff(root, &json_options, o));
    result.unwrap();
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let change = &json["changes"][0];
    assert_eq!(change["rule"], "operation-removed");
    assert_eq!(change["level"], "ERR");
    assert_eq!(
        change["waived"]["reason"],
        "never released; no client calls it"
    );
    assert_eq!(json["summary"]["err"], 0);
    assert_eq!(json["summary"]["waived"], 1);
    assert_eq!(json["semver"]["bump"], "major");

    let md_options = DiffOptions {
        overlays: Vec::new(),
        format: Format::Markdown,
        ..options(None, Some(config.clone()))
    };
    let (result, out) = common::capture(|o| run_diff(root, &md_options, o));
    result.unwrap();
    assert!(
        out.contains("No API changes besides the waived ones.\n\n#### Waived\n"),
        "{out}"
    );
    assert!(
        out.contains("| yes | never released; no client calls it |\n"),
        "{out}"
    );
}

#[test]
fn a_waiver_that_matches_no_change_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let options = removed_operation_files(dir.path());
    let config = dir.path().join("policy.yaml");
    // The right rule at another place (a JSON pointer, matched exactly): not waived.
    std::fs::write(
        &config,
        "# decisions\nwaivers:\n  - rule: operation-removed\n    pointer: /paths/~1conversations\n    reason: a prefix is no match\n",
    )
    .unwrap();
    let (result, out) = common::capture(|o| {
        run_diff(
            dir.path(),
            &options(Some(Level::Error), Some(config.clone())),
            o,
        )
    });
    assert_eq!(result.unwrap_err().code, 1, "{out}");
    let warning = format!(
        "warning: {}:3:5: waiver of `operation-removed` at `/paths/~1conversations` matches no change; remove it\n",
        config.display()
    );
    assert!(out.contains(&warning), "missing {warning:?} in:\n{out}");
    assert!(!out.contains("waived"), "{out}");
}

#[test]
fn a_configured_level_replaces_the_rules_level_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let options = removed_operation_files(dir.path());
    let config = dir.path().join("policy.yaml");
    std::fs::write(&config, "levels:\n  operation-removed: WARN\n").unwrap();
    let root = dir.path();
    let (result, out) =
        common::capture(|o| run_diff(root, &options(Some(Level::Error), Some(config.clone())), o));
    result.unwrap();
    assert!(out.contains("\nWARN "), "{out}");
    assert!(
        out.contains(&format!(
            "rule: operation-removed; level configured in {} (the diff's: ERR)\n",
            config.display()
        )),
        "{out}"
    );
    let (result, _) = common::capture(|o| {
        run_diff(
            root,
            &options(Some(Level::Warning), Some(config.clone())),
            o,
        )
    });
    assert_eq!(result.unwrap_err().code, 1);
    let json_options = DiffOptions {
        overlays: Vec::new(),
        format: Format::Json,
        ..options(None, Some(config.clone()))
    };
    let (result, out) = common::capture(|o| run_diff(root, &json_options, o));
    result.unwrap();
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["changes"][0]["level"], "WARN");
    assert_eq!(json["changes"][0]["default_level"], "ERR");
    assert_eq!(json["summary"]["warn"], 1);
}

#[test]
fn bad_policy_files_are_located_errors() {
    let dir = tempfile::tempdir().unwrap();
    let options = removed_operation_files(dir.path());
    let root = dir.path();
    // An explicit --config that does not exist.
    let missing = dir.path().join("nope.yaml");
    let (result, out) =
        common::capture(|o| run_diff(root, &options(None, Some(missing.clone())), o));
    let failure = result.unwrap_err();
    assert_eq!(failure.code, 2);
    assert!(failure.message.contains("nope.yaml"), "{failure}");
    assert!(out.is_empty(), "{out}");

    let config = dir.path().join("policy.yaml");
    for (text, expected) in [
        (
            "waivers:\n  - rule: operation-removed\n    pointer: GET /x\n",
            ":2:5: waivers[0]: no `reason`: a waiver needs a reason",
        ),
        (
            "levels:\n  operation-removd: WARN\n",
            ":2:3: levels.operation-removd: unknown rule `operation-removd`",
        ),
        ("waivers:\n  - rule: [\n", ":3:1: "),
    ] {
        std::fs::write(&config, text).unwrap();
        let (result, _) =
            common::capture(|o| run_diff(root, &options(None, Some(config.clone())), o));
        let failure = result.unwrap_err();
        assert_eq!(failure.code, 2, "{failure}");
        let located = format!("{}{expected}", config.display());
        assert!(
            failure.message.contains(&located),
            "{located:?} not in {failure}"
        );
        assert!(
            failure.message.starts_with("invalid policy file"),
            "{failure}"
        );
    }
}

#[test]
fn review_and_diff_read_the_workspace_policy_file() {
    let rule = rules_dir().join("operation-removed");
    let repo = fixture_repo(&rule, &[]);
    let root = repo.path();
    std::fs::copy(rule.join("new.yaml"), root.join("specs/api.yaml")).unwrap();

    let review = |config: Option<PathBuf>| {
        let options = xtask::review::ReviewOptions {
            base: Some("main".into()),
            config,
            ..Default::default()
        };
        common::capture(|o| xtask::review::run_review(root, &options, o))
    };
    // No policy file: an ERR that stops Rust code compiling, without a breaking version.
    let (result, _) = review(None);
    assert_eq!(result.unwrap_err().code, 1);

    std::fs::write(
        root.join(".spec-review.yaml"),
        "waivers:\n  - rule: operation-removed\n    file: specs/api.yaml\n    pointer: /paths/~1conversations~1{id}/get\n    reason: the endpoint never left staging\n",
    )
    .unwrap();
    let (result, out) = review(None);
    result.unwrap();
    for part in [
        "✅ conversation-apis version: 0.1.0 → 0.1.0 (enough for these changes); 1 waived change(s) not counted, the suggested bump (major) counts them\n",
        "#### Waived\n\nAccepted in `.spec-review.yaml`",
        "| ERR | `specs/api.yaml:5` GET /conversations/{id} | operation removed | `conversation_apis::api::Client::get_conversation` | yes | the endpoint never left staging |\n",
    ] {
        assert!(out.contains(part), "missing {part:?} in:\n{out}");
    }
    let diff_options = |files: Option<(PathBuf, PathBuf)>| DiffOptions {
        overlays: Vec::new(),
        files,
        base: Some("main".into()),
        format: Format::Text,
        fail_on: Some(Level::Error),
        config: None,
    };
    let (result, out) = common::capture(|o| run_diff(root, &diff_options(None), o));
    result.unwrap();
    assert!(
        out.contains("waived (accepted in .spec-review.yaml"),
        "{out}"
    );
    // Two files on the command line: the workspace's policy is not theirs.
    let files = Some((rule.join("old.yaml"), rule.join("new.yaml")));
    let (result, out) = common::capture(|o| run_diff(root, &diff_options(files), o));
    assert_eq!(result.unwrap_err().code, 1, "{out}");
    assert!(
        !out.contains("waived") && !out.contains("warning:"),
        "{out}"
    );

    // An explicit --config wins over the workspace's file.
    let other = root.join("other.yaml");
    std::fs::write(&other, "levels:\n  spec-added: INFO\n").unwrap();
    let (result, _) = review(Some(other));
    assert_eq!(result.unwrap_err().code, 1);
}

#[test]
fn the_help_of_diff_and_review_documents_the_policy_file() {
    for verb in ["diff", "review"] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args([verb, "--help"])
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        let help = String::from_utf8(output.stdout).unwrap();
        for part in [
            "--config <FILE>",
            ".spec-review.yaml",
            "Recording decisions",
        ] {
            assert!(help.contains(part), "{verb}: {part:?} not in:\n{help}");
        }
    }
}

#[test]
fn review_of_a_standalone_crates_spec_compares_two_files_and_checks_its_version() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = rules_dir().join("property-removed");
    let (old, new) = (dir.path().join("old.yaml"), dir.path().join("tickets.yaml"));
    std::fs::copy(fixture.join("old.yaml"), &old).unwrap();
    std::fs::copy(fixture.join("new.yaml"), &new).unwrap();
    let krate = dir.path().join("crate");
    std::fs::create_dir(&krate).unwrap();
    let review = |version: &str| {
        std::fs::write(
            krate.join("Cargo.toml"),
            format!("[package]\nname = \"tickets\"\nversion = \"{version}\"\n"),
        )
        .unwrap();
        let options = xtask::review::ReviewOptions {
            standalone: Some(xtask::review::Standalone {
                old: old.clone(),
                new: new.clone(),
                crate_dir: Some(krate.clone()),
                base_version: Some("0.1.0".into()),
                overlays: Vec::new(),
            }),
            ..Default::default()
        };
        common::capture(|o| xtask::review::run_review(dir.path(), &options, o))
    };
    // A removed property stops Rust code compiling: 0.1.0 → 0.1.0 is refused, with the
    // items of the standalone crate `tickets` (module `tickets`).
    let (result, out) = review("0.1.0");
    assert_eq!(result.unwrap_err().code, 1, "{out}");
    assert!(
        out.contains("`tickets::tickets::types::Conversation::"),
        "{out}"
    );
    assert!(
        out.contains("tickets version: 0.1.0 → 0.1.0, but a change here is breaking"),
        "{out}"
    );
    // The generated code of both sides is compared too.
    assert!(out.contains("### Generated code (tickets)"), "{out}");
    let (result, out) = review("0.2.0");
    result.unwrap_or_else(|e| panic!("{e}\n{out}"));
}

#[test]
fn diff_and_review_read_specs_through_their_overlays_and_report_stale_actions() {
    // The vendor's spec and the team's patch of it: `assignee` gets a length limit.
    let overlay = |target: &str| {
        format!(
            "overlay: 1.0.0\ninfo: {{title: patch, version: '1'}}\nactions:\n  - target: \"{target}\"\n    update: {{maxLength: 40}}\n"
        )
    };
    let patch = overlay("$.components.schemas.Conversation.properties.assignee");
    let repo = fixture_repo(
        &rules_dir().join("constraint-tightened"),
        &[("specs/api.overlay.yaml", &patch)],
    );
    let root = repo.path();

    // The overlay file is not a spec, and the patched spec is what is compared: the
    // limit it added goes away when the overlay stops applying.
    std::fs::write(
        root.join("specs/api.overlay.yaml"),
        overlay("$.components.schemas.Conversation.properties.owner"),
    )
    .unwrap();
    let report = report_for_repo(root, Some("main")).unwrap();
    let text = report.to_text();
    assert!(
        report.changes.iter().all(|c| c.file == "specs/api.yaml"),
        "{text}"
    );
    assert!(
        text.contains("property `assignee`: `maxLength` changed from 40 to none"),
        "{text}"
    );
    assert!(
        report.warnings.iter().any(|w| w.contains(
            "specs/api.overlay.yaml:4:5: /actions/0: overlay action /actions/0 (target \
             `$.components.schemas.Conversation.properties.owner`) matches nothing: the \
             overlay no longer applies"
        )),
        "{:?}",
        report.warnings
    );
    // The pull-request report shows it among the findings.
    let options = xtask::review::ReviewOptions {
        base: Some("main".into()),
        ..Default::default()
    };
    let (_, out) = common::capture(|o| xtask::review::run_review(root, &options, o));
    assert!(out.contains("the overlay no longer applies"), "{out}");
}

#[test]
fn two_files_are_compared_through_the_same_overlays() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = rules_dir().join("property-removed");
    let (old, new) = (dir.path().join("v1.yaml"), dir.path().join("v2.yaml"));
    std::fs::copy(fixture.join("old.yaml"), &old).unwrap();
    std::fs::copy(fixture.join("new.yaml"), &new).unwrap();
    // The team's patch targets the property the vendor's new version removed.
    let overlay = dir.path().join("patch.overlay.yaml");
    std::fs::write(
        &overlay,
        "overlay: 1.0.0\ninfo: {title: patch, version: '1'}\nactions:\n  - target: $.components.schemas.Conversation.properties.assignee\n    update: {description: patched}\n",
    )
    .unwrap();
    let options = DiffOptions {
        overlays: vec![overlay.clone()],
        files: Some((old.clone(), new.clone())),
        base: None,
        format: Format::Json,
        fail_on: None,
        config: None,
    };
    let (result, out) = common::capture(|o| run_diff(dir.path(), &options, o));
    result.unwrap();
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let warnings = json["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{out}");
    assert!(
        warnings[0]
            .as_str()
            .unwrap()
            .contains("matches nothing: the overlay no longer applies"),
        "{out}"
    );
    // Placed in the overlay, at the action.
    let at = format!("{}:4:5: /actions/0: ", overlay.display());
    assert!(warnings[0].as_str().unwrap().starts_with(&at), "{out}");
    let changes = json["changes"].as_array().unwrap();
    assert!(
        changes.iter().any(|c| c["rule"] == "property-removed"),
        "{out}"
    );
}
