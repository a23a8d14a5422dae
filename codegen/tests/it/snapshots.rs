//! One insta snapshot per fixture (`tests/fixtures/<row>.yaml`): the generated types,
//! and the client where the fixture has operations. The same fixtures are compiled,
//! linted and exercised by `tests/it/compile.rs`.
//!
//! Update after an intended change with `INSTA_UPDATE=always cargo test -p codegen
//! --test it -- snapshots::` (or `cargo insta review`) and commit the `.snap` files.

use crate::common;

use std::collections::BTreeMap;

fn snapshot(name: &str) {
    let generated = common::generate_one(name);
    let module = common::module_of(name);
    let types = &generated.files[&format!("src/{module}/types.rs")];
    insta::assert_snapshot!(format!("{name}__types"), types);
    if !common::load_fixture(name).openapi.paths.paths.is_empty() {
        let client = &generated.files[&format!("src/{module}/mod.rs")];
        insta::assert_snapshot!(format!("{name}__client"), client);
    }
}

macro_rules! fixture_snapshots {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                snapshot(stringify!($name));
            }
        )*

        const LISTED: &[&str] = &[$(stringify!($name)),*];
    };
}

fixture_snapshots!(
    client,
    collections,
    composition,
    corpus_shapes,
    defaults,
    docs,
    enums,
    formats,
    inline,
    lib,
    names,
    objects,
    odd,
    openapi31,
    param_names,
    presence,
    ref_places,
    refs,
    styles,
);

#[test]
fn every_fixture_has_a_snapshot() {
    let mut listed: Vec<String> = LISTED.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(
        listed,
        common::fixture_names(),
        "add new fixtures to `fixture_snapshots!`"
    );
}

/// The same input gives the same bytes: every file, parsed afresh each time, and whether
/// a fixture is generated alone or next to others.
#[test]
fn generation_is_deterministic() {
    let names = common::fixture_names();
    let config = common::config(true, "{ path = \"../runtime\" }".into());
    let first = common::generate(&names, &config).expect("fixtures generate");
    let second = common::generate(&names, &config).expect("fixtures generate");
    assert_eq!(
        first.files.keys().collect::<Vec<_>>(),
        second.files.keys().collect::<Vec<_>>()
    );
    for (path, contents) in &first.files {
        assert!(
            contents == &second.files[path],
            "{path} differs between two runs"
        );
    }
    let mut reversed = names.clone();
    reversed.reverse();
    let third = common::generate(&reversed, &config).expect("fixtures generate");
    for name in &names {
        let module = common::module_of(name);
        let alone = common::generate_one(name);
        for file in ["types.rs", "mod.rs", "schemas.rs"] {
            let path = format!("src/{module}/{file}");
            assert!(
                first.files[&path] == third.files[&path],
                "{path} depends on the order of the modules"
            );
            assert!(
                first.files[&path] == alone.files[&path],
                "{path} depends on the other modules"
            );
        }
    }
}

/// Fallbacks are reported, not silent: the odd fixture's are exactly these.
#[test]
fn odd_schemas_report_their_fallbacks() {
    let generated = common::generate_one("odd");
    let fallbacks: BTreeMap<String, String> = generated
        .stats
        .fallbacks
        .into_iter()
        .map(|f| (f.pointer, f.reason))
        .collect();
    let pointers: Vec<&str> = fallbacks.keys().map(String::as_str).collect();
    assert_eq!(
        pointers,
        [
            "/components/schemas/AllOfNonObjects",
            "/components/schemas/BooleanEnum",
            "/components/schemas/HugeIntEnum",
            "/components/schemas/MixedEnum",
            "/components/schemas/Not",
            "/components/schemas/NumberEnum",
            "/components/schemas/SelfMap",
            "/components/schemas/UntypedEnum",
        ],
        "{fallbacks:#?}"
    );
    // Each names what it lost; the mixed enum lists every value it keeps as JSON.
    assert!(fallbacks["/components/schemas/HugeIntEnum"].contains("18446744073709551615"));
    assert!(fallbacks["/components/schemas/MixedEnum"].contains(r#"["a", 1, true]"#));
    assert!(fallbacks["/components/schemas/NumberEnum"].contains("not enforced"));
}

/// An integer enum the typed parser skips (a non-integer `minimum`) keeps its values.
#[test]
fn an_enum_read_without_its_typed_form_keeps_its_values() {
    let generated = common::generate_one("odd");
    let types = &generated.files["src/odd/types.rs"];
    let start = types.find("pub enum LooseIntEnum").expect("an enum");
    let item = &types[start..start + types[start..].find('}').unwrap()];
    assert!(
        item.contains("Value1 = 1") && item.contains("Value2 = 2"),
        "{item}"
    );
}
