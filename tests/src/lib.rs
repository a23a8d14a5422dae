//! Conformance tests for the generated `conversation-apis` crate; see the `tests/` folder.
