//! Conformance tests for the generated `conversation-apis` crate; see the `tests/` folder.
//!
//! The helpers here are shared by the test targets:
//!
//! - [`spec`]: the specs under `specs/` as JSON values, JSON-pointer helpers;
//! - [`registry`]: each generated module's `schemas` registry (pointer → type);
//! - [`examples`]: every example of a spec, found by walking it, and its check;
//! - [`compare`]: JSON comparison after a round trip (date-times as instants, nothing else);
//! - [`strategy`]: proptest strategies for JSON that matches a schema;
//! - [`mutate`]: bad inputs made from a valid value and its schema.

pub mod compare;
pub mod examples;
pub mod mutate;
pub mod registry;
pub mod spec;
pub mod strategy;

/// The Rust examples of the workspace README (its client section), compiled as doctests so
/// that they follow the generated API.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
