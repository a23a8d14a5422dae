//! The diff measured against oasdiff, an independent breaking-change checker: its own
//! checker fixtures with the levels its Go tests expect (`../shared/oasdiff-checker/`,
//! beside the checkout; see its README). Every pair oasdiff calls breaking must be
//! reported ERR or WARN and none refused; of the pairs it calls non-breaking, at most
//! one may be ERR (each deliberate difference is explained in the rule's docs).

use std::path::{Path, PathBuf};

use spec_review::diff::{diff_files, Level};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/oasdiff-checker")
}

#[test]
fn every_pair_oasdiff_calls_breaking_is_err_or_warn_and_none_is_refused() {
    let dir = fixtures();
    let table = std::fs::read_to_string(dir.join("expected.tsv")).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; the oasdiff fixtures are expected beside the checkout, in \
             ../shared/oasdiff-checker",
            dir.display()
        )
    });
    let (mut pairs, mut agree) = (0, 0);
    let mut failures = Vec::new();
    let mut non_breaking_err = Vec::new();
    for line in table.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [id, base, revision, expected, rules, ..] = cols[..] else {
            panic!("expected.tsv: a short line: {line}");
        };
        pairs += 1;
        let report = match diff_files(&dir.join(base), &dir.join(revision)) {
            Ok(report) => report,
            Err(d) => {
                failures.push(format!("{id}: refused: {d}"));
                continue;
            }
        };
        let worst = report.changes.iter().map(|c| c.level).max();
        let ours = worst.map_or("none", |l| match l {
            Level::Info => "none",
            level => level.code(),
        });
        if ours == expected {
            agree += 1;
        }
        let found: Vec<String> = report
            .changes
            .iter()
            .map(|c| format!("{} {}", c.level.code(), c.rule))
            .collect();
        println!(
            "{id}: oasdiff {expected} ({rules}); diff {ours} [{}]",
            found.join(", ")
        );
        match expected {
            "ERR" | "WARN" if ours == "none" => failures.push(format!(
                "{id}: oasdiff reports {expected} ({rules}), the diff nothing above INFO:\n{}",
                report.to_text()
            )),
            "none" if ours == "ERR" => non_breaking_err.push(format!("{id}: {}", found.join(", "))),
            _ => {}
        }
    }
    println!("{pairs} oasdiff pairs: {agree} at oasdiff's level exactly");
    assert!(pairs >= 50, "only {pairs} pairs in expected.tsv");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(
        non_breaking_err.len() <= 1,
        "pairs oasdiff calls non-breaking reported ERR:\n{}",
        non_breaking_err.join("\n")
    );
}
