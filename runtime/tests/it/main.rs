//! The runtime's integration tests as one test binary: each module below was a binary of
//! its own; one binary links the runtime and the loopback helpers once. Run one module
//! with `cargo test -p codegen-runtime --test it -- <module>::`.

mod common;

mod auth;
mod errors;
mod request_encoding;
mod retry;
#[cfg(feature = "tracing")]
mod tracing;
