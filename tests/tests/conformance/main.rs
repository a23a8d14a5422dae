//! The conformance tests as one test binary: each module below is one suite. One binary
//! links the generated crate, wiremock and the shared helpers once instead of once per
//! suite. Run one suite with `cargo test -p conformance-tests -- <module>::`.

mod support;

mod bad_input;
mod client_error_model;
mod client_iris;
mod client_liveswitch;
mod client_retry;
mod client_salesforce_interaction;
mod client_teamwork_desk;
mod client_zild;
mod contract_prism;
mod properties;
mod roundtrip;
mod typed_bodies;
