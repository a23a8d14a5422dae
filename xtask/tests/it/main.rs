//! xtask's integration tests as one test binary: each module below was a binary of its
//! own; one binary links xtask and the helpers once. Run one module with
//! `cargo test -p xtask --test it -- <module>::`; the real-world specs are `#[ignore]`d
//! (`cargo test -p xtask --test it -- --ignored real_specs::`).

mod common;

mod architecture;
mod cli;
mod diff;
mod gen;
mod generated_is_fresh;
mod hostile;
mod lint;
mod overlay;
mod real_specs;
mod semver_agreement;
mod standalone;
mod test_cmd;
