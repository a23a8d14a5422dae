//! Maintainer commands of the workspace, run as `cargo xtask <verb>`:
//!
//! - `gen`: regenerate `generated/` from `specs/` ([`gen`]);
//! - `gen --check`: fail with a diff when `generated/` is stale;
//! - `gen --spec FILE --out DIR`: write a standalone crate for one document;
//! - `lint`: checks beyond a validator ([`lint`]);
//! - `diff`: classify spec changes against a git revision ([`diff`]);
//! - `review`: the pull-request report, and the changelog entry of a release ([`review`]);
//! - `test`: the project's single test command ([`test_cmd`]);
//! - `bench`: generation time, memory and `cargo check` time per spec ([`bench`](mod@bench)).
//!
//! The binary (`src/main.rs`) only parses arguments; everything else lives here so
//! that the integration tests in `xtask/tests/` can call it. `lint`, `diff` and
//! `review` are command lines over the `spec-review` library, which holds their logic.

pub mod bench;
pub mod corpus;
pub mod diff;
pub mod fsutil;
pub mod gen;
pub mod lint;
pub mod measure;
pub mod profile;
pub mod review;
pub mod test_cmd;
pub mod vendor;

/// The spec layer views `gen`, `corpus` and `bench` share with `lint` and `diff`.
pub use spec_review::spec;

use std::fmt;
use std::path::{Path, PathBuf};

/// A verb failed. Details were already printed; this is the one-line reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Why the verb failed.
    pub message: String,
    /// The process exit code to use.
    pub code: i32,
}

impl Failure {
    /// A failure with exit code 1.
    pub fn new(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            code: 1,
        }
    }

    /// A failure to read or write `path`.
    pub fn io(path: &Path, e: std::io::Error) -> Failure {
        Failure::new(format!("{}: {e}", path.display()))
    }

    /// The same failure with another exit code.
    pub fn with_code(mut self, code: i32) -> Failure {
        self.code = code;
        self
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// The workspace root: the parent of this crate's manifest folder.
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = manifest_dir.parent().unwrap_or(manifest_dir);
    root.canonicalize().unwrap_or_else(|_| root.to_path_buf())
}

/// The runtime crate, as an absolute path (for standalone crates that stay in this
/// checkout: `corpus --check`, `bench`).
pub fn runtime_dir() -> PathBuf {
    workspace_root().join("runtime")
}
