//! codegen's integration tests as one test binary: each module below was a binary of its
//! own; one binary links codegen and the helpers once. Run one module with
//! `cargo test -p codegen --test it -- <module>::`.

mod common;

mod compile;
mod corpus_shapes;
mod errors;
mod fuzz;
mod overlay;
mod parameters;
mod ref_places;
mod snapshots;
