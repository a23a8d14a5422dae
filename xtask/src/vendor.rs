//! The runtime a standalone crate carries with it.
//!
//! A crate written by `cargo xtask gen --spec FILE --out DIR` must build wherever it is
//! moved or copied (another machine, CI, a folder outside this checkout). So it does not
//! point at `runtime/` by path: the runtime's sources are written into the crate as a
//! nested path crate, `DIR/codegen-runtime/`, and the crate depends on it with
//! `codegen-runtime = { path = "codegen-runtime" }`.
//!
//! Why a nested crate rather than the alternatives:
//! - a relative path back into this checkout breaks as soon as the folder moves;
//! - a registry version would need the runtime published, and this workspace publishes
//!   nothing (`publish = false`);
//! - the runtime as a module of the generated crate would change every `codegen_runtime::`
//!   path and macro the generated code uses, so standalone and workspace output would
//!   differ beyond their `Cargo.toml`; a nested crate keeps the generated sources
//!   identical and the runtime's own `cfg(feature = "tracing")` working.
//!
//! The sources are embedded in xtask with `include_str!` when xtask is built, so what is
//! written is exactly the `runtime/` xtask was built from and nothing is read from this
//! checkout at generation time. Only the runtime's `Cargo.toml` is written here, with the
//! workspace's dependency versions spelled out; `xtask/tests/it/standalone.rs` checks that its
//! dependencies and features are those of `runtime/Cargo.toml` and that every source file
//! of `runtime/src` is embedded, so the two cannot drift apart unnoticed.

use std::collections::BTreeMap;

/// The folder of the vendored runtime inside a standalone crate.
pub const DIR: &str = "codegen-runtime";

/// The dependency line of a standalone crate on its vendored runtime.
pub const DEPENDENCY: &str = r#"{ path = "codegen-runtime" }"#;

/// The runtime's source files (relative to `runtime/`), embedded when xtask is built.
pub const SOURCES: &[(&str, &str)] = &[
    ("src/auth.rs", include_str!("../../runtime/src/auth.rs")),
    ("src/client.rs", include_str!("../../runtime/src/client.rs")),
    (
        "src/defaulted.rs",
        include_str!("../../runtime/src/defaulted.rs"),
    ),
    (
        "src/encoding.rs",
        include_str!("../../runtime/src/encoding.rs"),
    ),
    ("src/enums.rs", include_str!("../../runtime/src/enums.rs")),
    ("src/error.rs", include_str!("../../runtime/src/error.rs")),
    ("src/lib.rs", include_str!("../../runtime/src/lib.rs")),
    (
        "src/multipart.rs",
        include_str!("../../runtime/src/multipart.rs"),
    ),
    ("src/object.rs", include_str!("../../runtime/src/object.rs")),
    (
        "src/request.rs",
        include_str!("../../runtime/src/request.rs"),
    ),
    (
        "src/response.rs",
        include_str!("../../runtime/src/response.rs"),
    ),
    ("src/retry.rs", include_str!("../../runtime/src/retry.rs")),
    ("src/secret.rs", include_str!("../../runtime/src/secret.rs")),
];

/// The vendored runtime's `Cargo.toml`: `runtime/Cargo.toml` with the workspace's
/// versions written out (the standalone crate is its own workspace). Its lints and
/// dev-dependencies are left out: they serve the runtime's own tests here.
pub const CARGO_TOML: &str = r#"# The runtime of the crate around it, written by `cargo xtask gen --spec` from the
# generator's `runtime/` so that this crate builds on its own, wherever it is moved.
# Do not edit by hand: regenerate the crate instead.

[package]
name = "codegen-runtime"
version = "0.1.0"
description = "Small runtime shared by clients that `codegen` generates: errors, responses, auth, retries"
edition = "2021"
license = "MIT OR Apache-2.0"
rust-version = "1.80"
publish = false

[dependencies]
reqwest = { version = "0.13", default-features = false, features = ["json", "multipart", "rustls"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
serde_path_to_error = "0.1"
tokio = { version = "1", features = ["time"] }
chrono = { version = "0.4", default-features = false, features = ["serde", "std", "clock"] }
fastrand = "2"
thiserror = "2"
bytes = "1"
percent-encoding = "2"
tracing = { version = "0.1", default-features = false, features = ["std"], optional = true }

[features]
# A `tracing` span per request and per attempt (see the crate docs).
tracing = ["dep:tracing"]
"#;

/// Every file of the vendored runtime, keyed by its path in the standalone crate
/// (`codegen-runtime/...`).
pub fn files() -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    files.insert(format!("{DIR}/Cargo.toml"), CARGO_TOML.to_string());
    for (path, text) in SOURCES {
        files.insert(format!("{DIR}/{path}"), (*text).to_string());
    }
    files
}
