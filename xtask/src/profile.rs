//! `cargo xtask bench --profile-check`: where `cargo check` of a generated crate spends
//! its time, by item kind.
//!
//! rustc's self-profiler (`-Z self-profile`, nightly) records every query with the item
//! it ran for; the per-body queries (type checking, `typeck_root`, and borrow checking,
//! `mir_borrowck`) are most of a generated crate's check time, so they are summed by what
//! the body is: a derived `Debug`, a model's deserializer, an operation's `send`, ...
//! Reading the profile needs `analyzeme` (rustc's own profile reader), which is built
//! into xtask only with the `profile` feature, so that the usual xtask stays small.

use std::io::Write;
use std::path::Path;
use std::process::Command;

use crate::Failure;

/// Per-body queries summed by item kind.
#[cfg(feature = "profile")]
const QUERIES: [&str; 2] = ["typeck_root", "mir_borrowck"];

/// One row: an item kind, how many bodies, and the seconds of type checking and of
/// borrow checking them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KindRow {
    /// The item kind (`fn`, `impl Deserialize`, ...).
    pub kind: &'static str,
    /// How many bodies of that kind.
    pub bodies: usize,
    /// Seconds of type checking and of borrow checking them.
    pub seconds: [f64; 2],
}

/// The item kind of a body, from the query key rustc records (a def path such as
/// `api_github_com[1a2b]::api_github_com::types::{impl#12}::fmt`).
pub fn kind_of(def_path: &str) -> &'static str {
    let last = def_path.rsplit("::").next().unwrap_or(def_path);
    let in_types = def_path.contains("::types::");
    match last {
        "visit" | "deserialize" => "Deserialize (json_object!)",
        "serialize" => "Serialize (json_object!)",
        "fmt" => "Debug (derived)",
        "eq" | "assert_fields_are_eq" | "assert_receiver_is_total_eq" => "PartialEq/Eq (derived)",
        "clone" => "Clone (derived)",
        "cmp" | "partial_cmp" | "hash" | "as_str" | "from" | "from_str" => {
            "string enums (string_enum!)"
        }
        "default" => "Default",
        "send" => "operation: send",
        "decode" => "operation: decode",
        "into_future" => "operation: IntoFuture",
        "new" => "model constructors",
        _ if in_types => "model setters",
        _ => "client methods and builder setters",
    }
}

/// Profiles `cargo check` of the crate in `crate_dir` with `features` and prints the
/// seconds per item kind.
pub fn profile_check(
    root: &Path,
    crate_dir: &Path,
    features: &[&str],
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let dir = root.join("target/bench-profile");
    let data = dir.join("data");
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data).map_err(|e| Failure::io(&data, e))?;
    writeln!(
        out,
        "profiling cargo check of {} (nightly rustc)...",
        crate_dir.display()
    )
    .ok();
    let mut command = Command::new("cargo");
    command
        .args([
            "+nightly",
            "rustc",
            "--lib",
            "--profile",
            "check",
            "--quiet",
            "--offline",
        ])
        .args(features)
        .arg("--")
        .arg(format!("-Zself-profile={}", data.display()))
        .arg("-Zself-profile-events=default,query-keys")
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env("CARGO_INCREMENTAL", "0")
        .current_dir(crate_dir);
    let status = command
        .status()
        .map_err(|e| Failure::new(format!("cannot run cargo +nightly: {e}")))?;
    if !status.success() {
        return Err(Failure::new(
            "`cargo +nightly rustc -Z self-profile` failed (is a nightly toolchain installed?)",
        ));
    }
    let profile = std::fs::read_dir(&data)
        .map_err(|e| Failure::io(&data, e))?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "mm_profdata"))
        .ok_or_else(|| Failure::new(format!("no profile written in {}", data.display())))?;
    let (rows, analysis) = summarize(&profile)?;
    // The profiles are large (gigabytes for GitHub's crate).
    let _ = std::fs::remove_dir_all(&data);
    write_rows(&rows, analysis, out);
    Ok(())
}

/// The table of [`profile_check`].
pub fn write_rows(rows: &[KindRow], analysis: f64, out: &mut dyn Write) {
    let bodies: f64 = rows.iter().map(|r| r.seconds[0] + r.seconds[1]).sum();
    writeln!(
        out,
        "\nrustc's analysis took {analysis:.1} s; type and borrow checking of bodies {bodies:.1} s of it, by item kind:\n"
    )
    .ok();
    writeln!(
        out,
        "| item kind | bodies | type checking | borrow checking | share of analysis |"
    )
    .ok();
    writeln!(out, "|---|---:|---:|---:|---:|").ok();
    for row in rows {
        let sum = row.seconds[0] + row.seconds[1];
        writeln!(
            out,
            "| {} | {} | {:.2} s | {:.2} s | {:.0}% |",
            row.kind,
            row.bodies,
            row.seconds[0],
            row.seconds[1],
            100.0 * sum / analysis.max(1e-9)
        )
        .ok();
    }
}

#[cfg(feature = "profile")]
fn summarize(profile: &Path) -> Result<(Vec<KindRow>, f64), Failure> {
    use std::collections::BTreeMap;
    let stem = profile.with_extension("");
    let data = analyzeme::ProfilingData::new(&stem)
        .map_err(|e| Failure::new(format!("cannot read {}: {e}", profile.display())))?;
    let mut by_kind: BTreeMap<&'static str, KindRow> = BTreeMap::new();
    let mut analysis = 0.0;
    for event in data.iter_full() {
        let Some(duration) = event.duration() else {
            continue;
        };
        let label = &*event.label;
        if label == "analysis" {
            analysis += duration.as_secs_f64();
            continue;
        }
        let Some(query) = QUERIES.iter().position(|q| *q == label) else {
            continue;
        };
        let key = event
            .additional_data
            .first()
            .map(|k| k.to_string())
            .unwrap_or_default();
        let kind = kind_of(&key);
        let row = by_kind.entry(kind).or_insert_with(|| KindRow {
            kind,
            ..KindRow::default()
        });
        row.seconds[query] += duration.as_secs_f64();
        if query == 0 {
            row.bodies += 1;
        }
    }
    let mut rows: Vec<KindRow> = by_kind.into_values().collect();
    rows.sort_by(|a, b| (b.seconds[0] + b.seconds[1]).total_cmp(&(a.seconds[0] + a.seconds[1])));
    Ok((rows, analysis))
}

#[cfg(not(feature = "profile"))]
fn summarize(_profile: &Path) -> Result<(Vec<KindRow>, f64), Failure> {
    Err(Failure::new(
        "reading rustc's profile needs xtask built with its `profile` feature: \
         cargo run -p xtask --release --features profile -- bench --profile-check ...",
    ))
}

#[cfg(test)]
mod tests {
    use super::kind_of;

    #[test]
    fn kinds_come_from_the_def_path() {
        assert_eq!(kind_of("c[1]::c::types::{impl#3}::fmt"), "Debug (derived)");
        assert_eq!(
            kind_of("c[1]::c::types::{impl#9}::{impl#0}::visit"),
            "Deserialize (json_object!)"
        );
        assert_eq!(
            kind_of("c[1]::c::types::{impl#4}::title_null"),
            "model setters"
        );
        assert_eq!(
            kind_of("c[1]::c::issues::{impl#2}::labels"),
            "client methods and builder setters"
        );
        assert_eq!(
            kind_of("c[1]::c::issues::{impl#2}::send"),
            "operation: send"
        );
    }
}
