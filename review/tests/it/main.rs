//! The spec-review library's own tests: the diff on its rule fixtures (`tests/diff/`,
//! one folder per rule, and `tests/rules/`, one per rule family added since), the
//! oasdiff checker fixtures it is measured against, and lint on its fixtures
//! (`tests/lint/`).

mod diff_fixtures;
mod lint;
mod oasdiff;
mod rules;
