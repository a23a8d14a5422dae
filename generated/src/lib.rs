//! placeholder until `cargo xtask gen` writes this crate
