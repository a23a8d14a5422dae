//! The checked-in `generated/` crate must be what `cargo xtask gen` writes from
//! `specs/` (the same check as `cargo xtask gen --check`).

#[test]
fn generated_crate_is_fresh() {
    let layout = xtask::gen::Layout::new(&xtask::workspace_root());
    match xtask::gen::check(&layout) {
        Ok(Ok(_)) => {}
        Ok(Err(stale)) => panic!("\n{stale}\n"),
        Err(failure) => panic!("\n{failure}\n"),
    }
}
