//! Hostile and careless input (issue #14): each case runs the real `xtask` binary —
//! `gen --spec FILE --out DIR`, `gen` on a workspace, `lint` and `diff` — and checks
//! the exit status, the located message (the same line from every verb), a time and a
//! peak-memory ceiling, and that nothing but the generator's own files changed.
//!
//! The ceilings are generous (they catch a blow-up, they are not benchmarks): before
//! the limits, the alias bomb took ~6 GB and aborted, 200,000 nested `[` took minutes,
//! and `lint` of a 600-schema file about a minute. Large inputs are generated here.

#![cfg(unix)]
// `wait4` and `pre_exec`, to measure and bound the child processes.
#![allow(unsafe_code)]

use crate::common;

use common::git;

use std::collections::BTreeMap;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use xtask::fsutil::{self, Step, Swap};

/// A verb must finish within this.
const TIME_LIMIT: Duration = Duration::from_secs(20);
/// Larger valid documents (`lint`/`diff` of ~1 MB) get more: still far below the
/// quadratic behaviour they guard against.
const BIG_TIME_LIMIT: Duration = Duration::from_secs(40);
/// Peak resident memory a verb may use.
const MEMORY_LIMIT_KB: u64 = 500 * 1024;
/// A child still running after this is killed (and the test fails).
const KILL_AFTER: Duration = Duration::from_secs(180);
/// Address space given to each child, so that a regression cannot take the machine.
const ADDRESS_SPACE: u64 = 4 << 30;

struct Run {
    code: Option<i32>,
    signal: Option<i32>,
    stdout: String,
    stderr: String,
    elapsed: Duration,
    peak_kb: u64,
    what: String,
}

impl Run {
    fn within(&self, time: Duration) -> &Run {
        assert!(
            self.elapsed < time,
            "{}: took {:?} (limit {time:?})",
            self.what,
            self.elapsed
        );
        assert!(
            self.peak_kb < MEMORY_LIMIT_KB,
            "{}: peak memory {} MB (limit {} MB)",
            self.what,
            self.peak_kb / 1024,
            MEMORY_LIMIT_KB / 1024
        );
        assert_eq!(
            self.signal, None,
            "{}: killed by a signal\n{}",
            self.what, self.stderr
        );
        self
    }

    fn bounded(&self) -> &Run {
        self.within(TIME_LIMIT)
    }

    fn exits(&self, code: i32) -> &Run {
        assert_eq!(
            self.code,
            Some(code),
            "{}: exit status\nstdout:\n{}\nstderr:\n{}",
            self.what,
            self.stdout,
            self.stderr
        );
        self
    }
}

/// Runs the xtask binary in `dir` with a bounded address space; measures the wall time
/// and the child's own peak resident memory (`wait4`, through `xtask::measure`).
fn xtask(dir: &Path, args: &[&str]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xtask"));
    cmd.args(args).current_dir(dir);
    // SAFETY: setrlimit is async-signal-safe; the closure touches nothing else.
    unsafe {
        cmd.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: ADDRESS_SPACE as libc::rlim_t,
                rlim_max: ADDRESS_SPACE as libc::rlim_t,
            };
            libc::setrlimit(libc::RLIMIT_AS, &limit);
            Ok(())
        });
    }
    let run = xtask::measure::run(&mut cmd, KILL_AFTER, true).expect("run xtask");
    Run {
        code: run.code,
        signal: run.signal,
        stdout: run.stdout,
        stderr: run.stderr,
        elapsed: run.elapsed,
        peak_kb: run.peak_kib,
        what: format!("xtask {}", args.join(" ")),
    }
}

const VALID: &str = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\n";

/// A git repository with a valid `specs/NAME` committed (and a `generated/` crate
/// manifest, as `diff` reads its version), whose working tree then holds `bytes`.
fn repo(name: &str, bytes: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("specs")).unwrap();
    std::fs::create_dir_all(root.join("generated")).unwrap();
    std::fs::write(
        root.join("generated/Cargo.toml"),
        "[package]\nname = \"conversation-apis\"\nversion = \"0.1.0\"\n",
    )
    .unwrap();
    std::fs::write(root.join("specs").join(name), VALID).unwrap();
    git(root, &["init", "-q", "-b", "main"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "specs"]);
    std::fs::write(root.join("specs").join(name), bytes).unwrap();
    dir
}

/// Every file under `dir` but `.git/` and `skip` (relative path → bytes).
fn snapshot(dir: &Path, skip: &[&str]) -> BTreeMap<String, Vec<u8>> {
    let mut files = fsutil::read_tree(dir).unwrap();
    files.retain(|path, _| {
        let top = path.split('/').next().unwrap_or("");
        top != ".git" && !skip.contains(&top)
    });
    files
}

/// `bytes` as `specs/NAME` is refused by `gen --spec`, `gen`, `lint` and `diff`, each
/// with the line `specs/NAME:LOCATION: MESSAGE…` (`location` is `line:col: /pointer`,
/// `message` a prefix of the message), quickly and in little memory, changing nothing.
fn refused_everywhere(name: &str, bytes: &[u8], location: &str, message: &str) -> String {
    refused_by(Refusal::Loader, name, bytes, location, message)
}

/// Who refuses a document: the loader (every verb refuses it), or only the model (`gen`
/// and `lint` refuse it; `diff` still compares it and warns with the same line, since a
/// reviewer needs the diff of any document the loader reads).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Refusal {
    Loader,
    Model,
}

/// `gen`, `lint` and `diff` on the document, each with the same located line (see
/// [`Refusal`]); nothing in the workspace changes.
fn refused_by(who: Refusal, name: &str, bytes: &[u8], location: &str, message: &str) -> String {
    let ws = repo(name, bytes);
    let root = ws.path();
    let spec = format!("specs/{name}");
    let before = snapshot(root, &[]);
    let expected_start = format!("{spec}:{location}: {message}");

    let run = xtask(root, &["gen", "--spec", &spec, "--out", "out"]);
    run.bounded().exits(1);
    let line = run.stdout.lines().next().unwrap_or_default().to_string();
    assert!(
        line.starts_with(&expected_start),
        "gen --spec:\n{line}\nexpected it to start with:\n{expected_start}"
    );
    assert!(
        run.stderr
            .contains("generation failed; out was not changed"),
        "{}",
        run.stderr
    );
    let (place, text) = line.split_at(spec.len() + 1 + location.len());
    let text = text.strip_prefix(": ").unwrap();

    let run = xtask(root, &["--root", ".", "gen"]);
    run.bounded().exits(1);
    assert_eq!(run.stdout.lines().next(), Some(line.as_str()), "gen");

    let run = xtask(root, &["lint", &spec]);
    run.bounded().exits(1);
    let lint_line = format!("{place}: error: {text}");
    assert_eq!(
        run.stdout.lines().next(),
        Some(lint_line.as_str()),
        "lint:\n{}",
        run.stdout
    );

    let run = xtask(root, &["--root", ".", "diff", "--base", "HEAD"]);
    match who {
        Refusal::Loader => {
            run.bounded().exits(2);
            assert!(
                run.stderr.lines().any(|l| l == line),
                "diff:\n{}\nexpected the line:\n{line}",
                run.stderr
            );
        }
        Refusal::Model => {
            run.bounded().exits(0);
            let warning = format!("warning: {line} (Rust items are not named)");
            assert!(
                run.stdout.lines().any(|l| l == warning),
                "diff:\n{}\nexpected the line:\n{warning}",
                run.stdout
            );
        }
    }

    assert_eq!(before, snapshot(root, &[]), "nothing may change");
    line
}

fn alias_bomb() -> String {
    let mut text = String::from(
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\nx-lol:\n  a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n",
    );
    let mut previous = 'a';
    for c in "bcdefghi".chars() {
        let refs = vec![format!("*{previous}"); 9].join(",");
        text.push_str(&format!("  {c}: &{c} [{refs}]\n"));
        previous = c;
    }
    text
}

#[test]
fn the_alias_bomb_is_refused_at_the_alias() {
    let bomb = alias_bomb();
    assert!(bomb.len() < 450, "{}", bomb.len());
    let line = refused_everywhere(
        "api.yaml",
        bomb.as_bytes(),
        "9:19: /x-lol/e/3",
        "alias `*d` expands the document past the limit",
    );
    assert!(!line.contains('\n'));
}

#[test]
fn deep_flow_nesting_is_refused_fast() {
    // The case took 12 s at 50,000 levels (quadratic); 200,000 would take
    // minutes without the limit.
    for depth in [50_000, 200_000] {
        let text = format!(
            "{VALID}x-deep: {}{}\n",
            "[".repeat(depth),
            "]".repeat(depth)
        );
        refused_everywhere(
            "api.yaml",
            text.as_bytes(),
            "4:109: /",
            "flow collections nested deeper than 100 levels",
        );
    }
    let json = format!(
        "{{\"openapi\": \"3.0.3\", \"paths\": {{}}, \"x\": {}{}}}",
        "[".repeat(200_000),
        "]".repeat(200_000)
    );
    // The root mapping and 99 arrays are allowed; the 100th `[` (column 40 + 99) is not.
    refused_everywhere(
        "api.json",
        json.as_bytes(),
        &format!("1:139: /x{}", "/0".repeat(99)),
        "nesting deeper than 100 levels",
    );
    let block = format!("{VALID}x-deep:\n  {}1\n", "- ".repeat(50_000));
    refused_everywhere(
        "api.yaml",
        block.as_bytes(),
        &format!("5:201: /x-deep{}", "/0".repeat(99)),
        "nesting deeper than 100 levels",
    );
}

#[test]
fn duplicate_keys_are_refused_at_the_second_key() {
    let props = format!(
        "{VALID}components:\n  schemas:\n    N:\n      type: object\n      properties:\n        a: {{type: string}}\n        a: {{type: integer}}\n"
    );
    refused_everywhere(
        "api.yaml",
        props.as_bytes(),
        "10:9: /components/schemas/N/properties/a",
        "duplicate key `a` (first at line 9)",
    );
    let top = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\npaths: {}\n";
    refused_everywhere(
        "api.yaml",
        top.as_bytes(),
        "4:1: /paths",
        "duplicate key `paths` (first at line 3)",
    );
    let json = "{\n  \"openapi\": \"3.0.3\",\n  \"info\": {\"title\": \"T\", \"version\": \"1\", \"title\": \"U\"},\n  \"paths\": {}\n}\n";
    refused_everywhere(
        "api.json",
        json.as_bytes(),
        "3:42: /info/title",
        "duplicate key `title` (first at line 3)",
    );
}

#[test]
fn versions_must_be_3_0_n() {
    for (version, message) in [
        (
            "3.0",
            "unknown OpenAPI version `3.0`; expected 3.0.x or 3.1.x",
        ),
        (
            "3.0-banana",
            "unknown OpenAPI version `3.0-banana`; expected 3.0.x or 3.1.x",
        ),
        (
            "3.2.0",
            "unknown OpenAPI version `3.2.0`; expected 3.0.x or 3.1.x",
        ),
    ] {
        let text = format!("openapi: {version}\ninfo: {{title: T, version: '1'}}\npaths: {{}}\n");
        refused_everywhere("api.yaml", text.as_bytes(), "1:1: /openapi", message);
    }
    let swagger = "swagger: '2.0'\ninfo: {title: T, version: '1'}\npaths: {}\n";
    refused_everywhere(
        "api.yaml",
        swagger.as_bytes(),
        "1:1: /swagger",
        "this is a Swagger 2.0 document; only OpenAPI 3.0.x and 3.1.x are read",
    );
    let paths = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: 5\n";
    refused_everywhere(
        "api.yaml",
        paths.as_bytes(),
        "3:8: /paths",
        "invalid type: integer `5`, expected struct Paths",
    );
}

#[test]
fn a_patch_number_is_any_number() {
    let text = "openapi: 3.0.99\ninfo: {title: T, version: '1'}\npaths: {}\n";
    let ws = repo("api.yaml", text.as_bytes());
    let root = ws.path();
    let before = snapshot(root, &["out"]);
    xtask(root, &["gen", "--spec", "specs/api.yaml", "--out", "out"])
        .bounded()
        .exits(0);
    assert!(root.join("out/.codegen-manifest").exists());
    xtask(root, &["lint", "specs/api.yaml"]).bounded().exits(0);
    xtask(root, &["--root", ".", "diff", "--base", "HEAD"])
        .bounded()
        .exits(0);
    assert_eq!(before, snapshot(root, &["out"]), "only out/ may change");
}

#[test]
fn errors_without_a_place_now_have_one() {
    let mut latin1 = format!("{VALID}x-a: caf").into_bytes();
    latin1.extend([0xE9, b'\n']);
    refused_everywhere(
        "api.yaml",
        &latin1,
        "4:9: /",
        "the file is not UTF-8: byte 0xE9",
    );
    refused_everywhere("api.yaml", b"", "1:1: /", "empty document");
    refused_everywhere("api.yaml", b"# nothing\n", "1:1: /", "empty document");
    let enum_ = format!(
        "{VALID}components:\n  schemas:\n    N:\n      type: integer\n      enum: [1, -99999999999999999999999]\n"
    );
    refused_everywhere(
        "api.yaml",
        enum_.as_bytes(),
        "8:17: /components/schemas/N/enum/1",
        "integer `-99999999999999999999999` is out of range: numbers must fit in 64 bits",
    );
}

#[test]
fn what_gen_refuses_in_the_model_lint_refuses_and_diff_warns_of() {
    let cycle = format!(
        "{}components:\n  schemas:\n    A: {{$ref: '#/components/schemas/B'}}\n    B: {{$ref: '#/components/schemas/A'}}\n",
        VALID.replace(
            "paths: {}\n",
            "paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/A'}\n"
        )
    );
    refused_by(
        Refusal::Model,
        "api.yaml",
        cycle.as_bytes(),
        "14:5: /components/schemas/A",
        "cycle of `$ref`s with no type in between",
    );
    // A path variable no parameter declares: lint's own check and gen's words agree,
    // so lint prints one line.
    let undeclared = VALID.replace(
        "paths: {}\n",
        "paths:\n  /a/{id}:\n    get:\n      responses:\n        '200': {description: ok}\n",
    );
    refused_by(
        Refusal::Model,
        "api.yaml",
        undeclared.as_bytes(),
        "5:5: /paths/~1a~1{id}/get",
        "the path template `/a/{id}` has the variable `{id}`, but the operation declares no path parameter `id`",
    );
    let ws = repo("api.yaml", undeclared.as_bytes());
    let run = xtask(ws.path(), &["lint", "specs/api.yaml"]);
    assert!(
        run.stdout
            .ends_with("linted 1 file: 1 error, 0 assumptions\n"),
        "{}",
        run.stdout
    );
}

/// `diff` reads the base revision (from git) through the same loader: a spec that was
/// committed broken is refused with the same located line, not read lossily.
#[test]
fn diff_reads_the_base_revision_through_the_same_loader() {
    let mut latin1 = format!("{VALID}x-a: caf").into_bytes();
    latin1.extend([0xE9, b'\n']);
    let duplicate = format!("{VALID}paths: {{}}\n");
    for (bytes, line) in [
        (
            latin1,
            "specs/api.yaml:4:9: /: the file is not UTF-8: byte 0xE9 (offset 64) is not valid here; save the file as UTF-8",
        ),
        (
            duplicate.into_bytes(),
            "specs/api.yaml:4:1: /paths: duplicate key `paths` (first at line 3); keys of a mapping must be unique",
        ),
    ] {
        let ws = repo("api.yaml", &bytes);
        let root = ws.path();
        git(root, &["add", "."]);
        git(root, &["commit", "-q", "-m", "broken"]);
        std::fs::write(root.join("specs/api.yaml"), VALID).unwrap();
        let run = xtask(root, &["--root", ".", "diff", "--base", "HEAD"]);
        run.bounded().exits(2);
        assert!(
            run.stderr.lines().any(|l| l == line),
            "{}\nexpected the line:\n{line}",
            run.stderr
        );
    }
}

/// What `gen` accepts but cannot be right: lint flags it (gen's output would compile,
/// but not do what the document says).
#[test]
fn lint_flags_what_gen_lets_through() {
    let cases: &[(&str, &str)] = &[
        (
            "paths:\n  /a:\n    get:\n      parameters:\n        - {name: n, in: query, schema: {type: integer, default: abc}}\n      responses:\n        '200': {description: ok}\n",
            "specs/api.yaml:7:56: /paths/~1a/get/parameters/0/schema/default: error: default does not match schema /paths/~1a/get/parameters/0/schema: \"abc\" is not of type \"integer\"",
        ),
        (
            "paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Pet'}\ncomponents:\n  schemas:\n    Pet:\n      oneOf: [{$ref: '#/components/schemas/Cat'}]\n      discriminator:\n        propertyName: kind\n        mapping: {dog: '#/components/schemas/Dog'}\n    Cat:\n      type: object\n      properties: {kind: {type: string}}\n",
            "specs/api.yaml:18:19: /components/schemas/Pet/discriminator/mapping/dog: error: discriminator mapping `dog` names `#/components/schemas/Dog`, which does not exist",
        ),
    ];
    for (body, expected) in cases {
        let text = VALID.replace("paths: {}\n", body);
        let ws = repo("api.yaml", text.as_bytes());
        let run = xtask(ws.path(), &["lint", "specs/api.yaml"]);
        run.bounded().exits(1);
        assert!(
            run.stdout
                .lines()
                .next()
                .unwrap_or_default()
                .starts_with(expected),
            "{}\nexpected:\n{expected}",
            run.stdout
        );
    }
}

/// A valid document with `n` component schemas, operations and examples (~900 bytes
/// each).
fn big_spec(n: usize) -> serde_json::Value {
    let mut schemas = serde_json::Map::new();
    let mut paths = serde_json::Map::new();
    for i in 0..n {
        schemas.insert(
            format!("Thing{i}"),
            serde_json::json!({
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": {"type": "integer", "format": "int64", "example": i},
                    "name": {"type": "string", "description": format!("name of thing {i}"), "example": "x"},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "kind": {"type": "string", "enum": ["a", "b", "c"], "default": "a"},
                    "parent": {"$ref": format!("#/components/schemas/Thing{}", i / 2)}
                }
            }),
        );
        paths.insert(
            format!("/things{i}/{{id}}"),
            serde_json::json!({"get": {
                "operationId": format!("getThing{i}"),
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}, "example": 3}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {
                    "schema": {"$ref": format!("#/components/schemas/Thing{i}")},
                    "example": {"id": 1, "name": "n"}
                }}}}
            }}),
        );
    }
    serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "Big", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas}
    })
}

#[test]
fn lint_and_diff_stay_fast_on_large_documents() {
    let spec = big_spec(600);
    let yaml = serde_yaml::to_string(&spec).unwrap();
    let json = serde_json::to_string_pretty(&spec).unwrap();
    assert!(yaml.len() > 400_000 && json.len() > 500_000);
    for (name, text) in [("api.yaml", &yaml), ("api.json", &json)] {
        let ws = repo(name, text.as_bytes());
        let root = ws.path();
        let spec = format!("specs/{name}");
        let run = xtask(root, &["lint", &spec]);
        run.within(BIG_TIME_LIMIT).exits(0);
        assert!(
            run.stdout
                .ends_with("linted 1 file: 0 errors, 0 assumptions\n"),
            "{}",
            run.stdout
        );
        git(root, &["add", "."]);
        git(root, &["commit", "-q", "-m", "big"]);
        let changed = text.replacen("name of thing 7", "the name of thing 7", 1);
        std::fs::write(root.join(&spec), changed).unwrap();
        let run = xtask(root, &["--root", ".", "diff", "--base", "HEAD"]);
        run.within(BIG_TIME_LIMIT).exits(0);
    }
}

/// A document whose schemas `S0`..`S{n-1}` each come from `schema(i)`.
fn chain_spec(n: usize, schema: impl Fn(usize) -> serde_json::Value) -> String {
    let schemas: serde_json::Map<String, serde_json::Value> =
        (0..n).map(|i| (format!("S{i}"), schema(i))).collect();
    serde_json::to_string(&serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "Chain", "version": "1"},
        "paths": {},
        "components": {"schemas": schemas}
    }))
    .unwrap()
}

/// Long chains of `$ref`s, written in a few lines, cost time linear in their length:
/// finding which references close a cycle walked the rest of the chain for every
/// reference (10,000 schemas in a chain took 10-30 s, 40,000 minutes).
#[test]
fn long_reference_chains_and_cycles_stay_linear() {
    const N: usize = 10_000;
    let to = |i: usize| serde_json::json!({"$ref": format!("#/components/schemas/S{i}")});
    let last = |i: usize| i + 1 == N;
    let cases = [
        (
            "structs",
            chain_spec(N, |i| {
                let next = if last(i) {
                    serde_json::json!({"type": "string"})
                } else {
                    to(i + 1)
                };
                serde_json::json!({"type": "object", "properties": {"next": next}})
            }),
        ),
        (
            "aliases",
            chain_spec(N, |i| {
                if last(i) {
                    serde_json::json!({"type": "string"})
                } else {
                    to(i + 1)
                }
            }),
        ),
        (
            // A cycle of arrays: one alias in it must give up its reference.
            "array-cycle",
            chain_spec(
                N,
                |i| serde_json::json!({"type": "array", "items": to((i + 1) % N)}),
            ),
        ),
        ("alias-cycle", chain_spec(N, |i| to((i + 1) % N))),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in cases {
        let spec = dir.path().join(format!("{name}.json"));
        std::fs::write(&spec, text).unwrap();
        let out = format!("out-{name}");
        let run = xtask(
            dir.path(),
            &["gen", "--spec", spec.to_str().unwrap(), "--out", &out],
        );
        run.within(BIG_TIME_LIMIT);
        match name {
            "alias-cycle" => {
                run.exits(1);
                assert!(
                    run.stdout.contains(
                        ": /components/schemas/S0: cycle of `$ref`s with no type in between"
                    ),
                    "{}",
                    run.stdout
                );
            }
            "array-cycle" => {
                run.exits(0);
                assert!(
                    run.stdout.contains(
                        ": /components/schemas/S0: fallback to serde_json::Value: a type alias cannot contain itself"
                    ),
                    "{}",
                    run.stdout
                );
            }
            _ => {
                run.exits(0);
            }
        }
    }
}

// ---- The output folder: only the generator's own files are ever replaced. ----

fn conversations() -> PathBuf {
    common::fixture("gen/conversations.yaml")
}

/// `gen --spec SPEC --out OUT` in `dir` refuses, naming `reason`, and changes nothing.
fn out_refused(dir: &Path, spec: &str, out: &str, reason: &str) {
    let before = snapshot(dir, &[]);
    let git_before = fsutil::read_tree(&dir.join(out).join(".git")).unwrap();
    let run = xtask(dir, &["gen", "--spec", spec, "--out", out]);
    run.bounded().exits(1);
    assert!(
        run.stderr.contains("refusing to replace") && run.stderr.contains(reason),
        "expected a refusal naming `{reason}`:\n{}",
        run.stderr
    );
    assert_eq!(before, snapshot(dir, &[]), "nothing may change");
    assert_eq!(
        git_before,
        fsutil::read_tree(&dir.join(out).join(".git")).unwrap()
    );
}

#[test]
fn a_folder_holding_the_spec_or_a_repository_is_refused() {
    // The case: `gen --spec od/crate/api.yaml --out od/crate` deleted the spec,
    // .git/ and tests/.
    let dir = tempfile::tempdir().unwrap();
    let krate = dir.path().join("od/crate");
    std::fs::create_dir_all(krate.join("tests")).unwrap();
    std::fs::copy(conversations(), krate.join("api.yaml")).unwrap();
    std::fs::write(krate.join("tests/it.rs"), "#[test] fn t() {}\n").unwrap();
    git(&krate, &["init", "-q"]);
    out_refused(
        dir.path(),
        "od/crate/api.yaml",
        "od/crate",
        "it contains the spec od/crate/api.yaml",
    );

    // A repository without the spec in it.
    let spec = dir.path().join("api.yaml");
    std::fs::copy(conversations(), &spec).unwrap();
    std::fs::remove_file(krate.join("api.yaml")).unwrap();
    out_refused(dir.path(), "api.yaml", "od/crate", "it is a git repository");
}

#[test]
fn a_manifest_not_a_mention_of_the_command_marks_the_generators_folder() {
    // The case: a Cargo.toml that mentions `cargo xtask gen` was taken as the
    // generator's, and the user's main.rs was deleted.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(conversations(), dir.path().join("api.yaml")).unwrap();
    let mine = dir.path().join("mine");
    std::fs::create_dir_all(mine.join("src")).unwrap();
    std::fs::write(
        mine.join("Cargo.toml"),
        "# regenerate with cargo xtask gen\n[package]\nname = \"mine\"\n",
    )
    .unwrap();
    std::fs::write(mine.join("src/main.rs"), "fn main() {}\n").unwrap();
    out_refused(
        dir.path(),
        "api.yaml",
        "mine",
        "it was not written by `cargo xtask gen --spec` (it has no .codegen-manifest) and holds Cargo.toml, src/main.rs",
    );

    // The generator's folder, with a file added by hand: refused, and the file named.
    let ours = dir.path().join("ours");
    xtask(dir.path(), &["gen", "--spec", "api.yaml", "--out", "ours"])
        .bounded()
        .exits(0);
    std::fs::write(ours.join("src/extra.rs"), "// mine\n").unwrap();
    std::fs::create_dir_all(ours.join("notes")).unwrap();
    out_refused(
        dir.path(),
        "api.yaml",
        "ours",
        "it holds files the generator did not write (.codegen-manifest does not list them): notes/, src/extra.rs",
    );

    // A manifest without the exact marker line does not count.
    std::fs::remove_file(ours.join("src/extra.rs")).unwrap();
    std::fs::remove_dir(ours.join("notes")).unwrap();
    let manifest = std::fs::read_to_string(ours.join(".codegen-manifest")).unwrap();
    std::fs::write(
        ours.join(".codegen-manifest"),
        manifest.replacen("# codegen manifest v1", "# codegen manifest", 1),
    )
    .unwrap();
    out_refused(
        dir.path(),
        "api.yaml",
        "ours",
        "it has no .codegen-manifest",
    );
    std::fs::write(ours.join(".codegen-manifest"), manifest).unwrap();

    // Build output and the lock file are kept; the rest is the generator's.
    std::fs::create_dir_all(ours.join("target/debug")).unwrap();
    std::fs::write(ours.join("target/debug/x"), "x").unwrap();
    std::fs::write(ours.join("Cargo.lock"), "# lock\n").unwrap();
    std::fs::write(ours.join("README.md"), "edited\n").unwrap();
    xtask(dir.path(), &["gen", "--spec", "api.yaml", "--out", "ours"])
        .bounded()
        .exits(0);
    assert_eq!(std::fs::read(ours.join("target/debug/x")).unwrap(), b"x");
    assert_eq!(std::fs::read(ours.join("Cargo.lock")).unwrap(), b"# lock\n");
    assert_ne!(std::fs::read(ours.join("README.md")).unwrap(), b"edited\n");
}

#[test]
fn links_and_files_are_not_folders_to_replace() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(conversations(), dir.path().join("api.yaml")).unwrap();
    std::fs::create_dir_all(dir.path().join("real")).unwrap();
    std::fs::write(dir.path().join("real/keep.txt"), "keep").unwrap();
    std::os::unix::fs::symlink("real", dir.path().join("link")).unwrap();
    out_refused(dir.path(), "api.yaml", "link", "it is a symbolic link");
    std::fs::write(dir.path().join("file"), "data").unwrap();
    out_refused(
        dir.path(),
        "api.yaml",
        "file",
        "it exists and is not a folder",
    );
}

// ---- The swap: a crash at any moment leaves a whole tree, and the next run finishes. ----

fn files(version: &str) -> BTreeMap<String, String> {
    let mut f = BTreeMap::new();
    f.insert("Cargo.toml".to_string(), format!("# {version}\n"));
    f.insert("src/lib.rs".to_string(), format!("// {version}\n"));
    if version == "new" {
        f.insert("src/added.rs".to_string(), String::new());
    } else {
        f.insert("src/removed.rs".to_string(), String::new());
    }
    f
}

fn as_tree(files: &BTreeMap<String, String>) -> BTreeMap<String, Vec<u8>> {
    files
        .iter()
        .map(|(k, v)| (k.clone(), v.clone().into_bytes()))
        .collect()
}

#[test]
fn a_crash_at_any_step_leaves_a_whole_tree_and_the_next_run_recovers() {
    let keep = &["target"];
    for swap in [Swap::Best, Swap::Renames] {
        let steps: &[Step] = if swap == Swap::Best && cfg!(target_os = "linux") {
            &[Step::Staged, Step::Exchanged, Step::Swapped]
        } else {
            &[Step::Staged, Step::MovedAside, Step::Swapped]
        };
        for &stop in steps {
            let dir = tempfile::tempdir().unwrap();
            let dest = dir.path().join("generated");
            fsutil::write_tree(&dest, &files("old"), keep).unwrap();
            std::fs::create_dir_all(dest.join("target")).unwrap();
            std::fs::write(dest.join("target/cache"), "c").unwrap();
            let mut seen = Vec::new();
            let wrote = fsutil::write_tree_with(&dest, &files("new"), keep, swap, &mut |s| {
                seen.push(s);
                s != stop
            })
            .unwrap();
            assert!(wrote);
            assert_eq!(seen.last(), Some(&stop), "{swap:?}: steps {seen:?}");
            // What a crash here leaves: a whole tree at the destination (old or new),
            // except in the moment between the two renames of the fallback, when the
            // whole old tree waits beside it.
            let at_dest = snapshot(&dest, &["target"]);
            if stop == Step::MovedAside {
                assert!(!dest.exists());
                assert_eq!(
                    snapshot(&dir.path().join(".generated.xtask-old"), &["target"]),
                    as_tree(&files("old"))
                );
            } else {
                assert!(
                    at_dest == as_tree(&files("old")) || at_dest == as_tree(&files("new")),
                    "{swap:?} at {stop:?}: {:?}",
                    at_dest.keys()
                );
            }
            // The next run (even one that finds the tree current) finishes the job.
            let current = at_dest == as_tree(&files("new"));
            let wrote = fsutil::write_tree(&dest, &files("new"), keep).unwrap();
            assert_eq!(wrote, !current, "{swap:?} at {stop:?}");
            assert_eq!(snapshot(&dest, &["target"]), as_tree(&files("new")));
            assert_eq!(
                std::fs::read(dest.join("target/cache")).unwrap(),
                b"c",
                "{swap:?} at {stop:?}: the kept build output survives"
            );
            assert_eq!(
                common::entries(dir.path()),
                ["generated"],
                "{swap:?} at {stop:?}: leftovers are cleared"
            );
        }
    }
}

#[test]
fn leftovers_are_cleared_even_when_the_tree_is_current_and_are_git_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("generated");
    fsutil::write_tree(&dest, &files("new"), &[]).unwrap();
    for tag in ["old", "new"] {
        let leftover = dir.path().join(format!(".generated.xtask-{tag}"));
        std::fs::create_dir_all(leftover.join("src")).unwrap();
        std::fs::write(leftover.join("src/lib.rs"), "// stale\n").unwrap();
    }
    assert!(!fsutil::write_tree(&dest, &files("new"), &[]).unwrap());
    assert_eq!(common::entries(dir.path()), ["generated"]);

    let root = xtask::workspace_root();
    for leftover in [
        ".generated.xtask-old/src/lib.rs",
        ".generated.xtask-new/Cargo.toml",
    ] {
        let o = Command::new("git")
            .args(["check-ignore", "-q", "--no-index", leftover])
            .current_dir(&root)
            .status()
            .unwrap();
        assert!(o.success(), "{leftover} must be git-ignored");
    }
}

/// `kill -9` at moments spread over a run: the folder is always a whole crate (every
/// file its manifest lists is there), and the next run leaves nothing beside it.
#[test]
fn kill_9_during_gen_never_leaves_a_missing_or_mixed_tree() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::copy(conversations(), root.join("api.yaml")).unwrap();
    let args = ["gen", "--spec", "api.yaml", "--out", "out"];
    let first = xtask(root, &args);
    first.bounded().exits(0);
    let duration = first.elapsed;
    let original = std::fs::read_to_string(root.join("api.yaml")).unwrap();
    for i in 0..8u32 {
        // Each run has something to change, so it swaps.
        std::fs::write(
            root.join("api.yaml"),
            original.replacen("title: ", &format!("title: Run {i} of "), 1),
        )
        .unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(args)
            .current_dir(root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(duration * i / 6);
        child.kill().ok();
        child.wait().unwrap();
        let listed = fsutil::read_manifest(&root.join("out"))
            .unwrap_or_else(|| panic!("kill {i}: out/ has no manifest"));
        let present = snapshot(&root.join("out"), &[]);
        for path in &listed {
            assert!(present.contains_key(path), "kill {i}: {path} is missing");
        }
        assert_eq!(
            present.len(),
            listed.len() + 1,
            "kill {i}: {:?}",
            present.keys()
        );
    }
    xtask(root, &args).bounded().exits(0);
    assert_eq!(common::entries(root), ["api.yaml", "out"]);
}
