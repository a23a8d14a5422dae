//! Spec review for OpenAPI documents, as a library: what `cargo xtask lint`, `diff` and
//! `review` are made of, usable with any generated crate's name.
//!
//! - [`spec`]: documents read through codegen's one loader ([`codegen::load`]), with
//!   positions, and the one [`Diagnostic`](spec::Diagnostic) type;
//! - [`lint`]: checks a validator does not make;
//! - [`diff`]: spec changes classified by [`Rule`](diff::Rule) and level, with the Rust
//!   items of the generated crate each one touches and the semver bump that follows;
//! - [`report`]: the review a pull request gets, and the changelog entry of a release.
//!
//! Nothing here parses spec text or computes positions: that is codegen's loader.

pub mod diff;
pub mod lint;
pub mod locate;
pub mod report;
pub mod schema;
pub mod spec;
