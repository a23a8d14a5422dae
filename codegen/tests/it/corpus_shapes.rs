//! Shapes found in real documents of APIs.guru's directory that used to fall back to
//! `serde_json::Value` (`fixtures/corpus_shapes.yaml`): each gets the exact type named
//! here, and is reported as represented inexactly where the document literally allows
//! less (or more); what no reading can type stays a located fallback. The fixture is
//! also snapshotted and compiled with the others (`it/snapshots.rs`, `it/compile.rs`).

use crate::common;

use std::collections::BTreeMap;

/// The generated `types.rs` and the reasons reported, by JSON pointer.
fn generated() -> (String, BTreeMap<String, String>) {
    let generated = common::generate_one("corpus_shapes");
    let types = generated.files["src/corpus_shapes/types.rs"].clone();
    let reasons = generated
        .stats
        .fallbacks
        .into_iter()
        .map(|f| (f.pointer, f.reason))
        .collect();
    (types, reasons)
}

/// The text of the item that starts with `start` up to its closing line.
fn item<'t>(types: &'t str, start: &str) -> &'t str {
    let at = types
        .find(start)
        .unwrap_or_else(|| panic!("no `{start}` in:\n{types}"));
    let rest = &types[at..];
    let close = if start.starts_with("pub enum") {
        "\n    }\n"
    } else {
        "\n}\n"
    };
    let end = rest.find(close).map_or(rest.len(), |e| e + close.len());
    &rest[..end]
}

fn schema(name: &str) -> String {
    format!("/components/schemas/{name}")
}

#[test]
fn string_enums_written_as_numbers_or_booleans_are_string_enums_of_their_text() {
    let (types, reasons) = generated();
    for (name, wires) in [
        ("AspectRatio", &["969", "556", "184"][..]),
        ("Severity", &["10", "20", "30"][..]),
        ("YesNo", &["true", "false"][..]),
        ("TypeLevel", &["none", "1", "2", "latest"][..]),
    ] {
        // Declared through `string_enum!`, which adds `Other(String)`.
        let decl = item(&types, &format!("pub enum {name} {{"));
        let before = &types[..types.find(decl).unwrap()];
        assert!(
            before
                .lines()
                .rev()
                .find(|l| !l.starts_with(' '))
                .is_some_and(|l| l.starts_with("codegen_runtime::string_enum!")),
            "{name} is not a string enum:\n{decl}"
        );
        for wire in wires {
            assert!(
                decl.contains(&format!(" = \"{wire}\",")),
                "{name} lacks {wire}: {decl}"
            );
        }
        assert_eq!(decl.matches(" = \"").count(), wires.len(), "{decl}");
        let reason = &reasons[&schema(name)];
        assert!(
            reason.starts_with("represented inexactly") && reason.contains("their text"),
            "{name}: {reason}"
        );
    }
    // The `null` of a nullable enum is no variant: the (required) field is an `Option`.
    let holder = item(&types, "pub struct Holder {");
    assert!(holder.contains("pub ratio: AspectRatio,"), "{holder}");
    assert!(holder.contains("pub level: Option<TypeLevel>,"), "{holder}");
    assert!(holder.contains("pub scopes: Option<Scopes>,"), "{holder}");
}

#[test]
fn integer_enums_written_as_strings_are_integer_enums() {
    let (types, reasons) = generated();
    let scopes = item(&types, "pub enum Scopes {");
    for variant in ["Value1 = 1", "Value2 = 2", "Value4 = 4", "Value8 = 8"] {
        assert!(scopes.contains(variant), "{scopes}");
    }
    assert!(reasons[&schema("Scopes")].starts_with("represented inexactly"));
}

#[test]
fn number_and_boolean_enums_written_as_strings_are_plain_types() {
    let (types, reasons) = generated();
    assert!(types.contains("pub type Weight = f64;"), "{types}");
    assert!(types.contains("pub type Strict = bool;"), "{types}");
    for name in ["Weight", "Strict"] {
        let reason = &reasons[&schema(name)];
        assert!(
            reason.starts_with("represented inexactly") && reason.contains("not enforced"),
            "{name}: {reason}"
        );
    }
}

#[test]
fn what_no_reading_types_stays_a_located_fallback() {
    let (types, reasons) = generated();
    assert!(
        types.contains("pub type Words = serde_json::Value;"),
        "{types}"
    );
    assert!(
        types.contains("pub type NotAString = serde_json::Value;"),
        "{types}"
    );
    for name in ["Words", "NotAString"] {
        assert!(
            reasons[&schema(name)].starts_with("fallback to serde_json::Value"),
            "{name}: {}",
            reasons[&schema(name)]
        );
    }
    // Nothing else in the fixture falls back.
    let fallbacks: Vec<&String> = reasons
        .iter()
        .filter(|(_, r)| r.starts_with("fallback"))
        .map(|(p, _)| p)
        .collect();
    assert_eq!(
        fallbacks,
        [
            &schema("NotAString"),
            &schema("StringAndInteger"),
            &schema("TwoFormats"),
            &schema("Words")
        ]
    );
    for name in ["StringAndInteger", "TwoFormats"] {
        assert!(
            types.contains(&format!("pub type {name} = serde_json::Value;")),
            "{types}"
        );
    }
}

#[test]
fn all_of_scalars_of_one_type_is_the_most_specific_member() {
    let (types, reasons) = generated();
    for alias in [
        "pub type ShortName = String;",
        "pub type NarrowColor = Color;",
        "pub type SameId = Identifier;",
        "pub type Count = Code;",
        "pub type IconLike = Color;",
    ] {
        assert!(types.contains(alias), "no `{alias}` in:\n{types}");
    }
    let holder = item(&types, "pub struct Holder {");
    assert!(holder.contains("pub color: Option<Color>,"), "{holder}");
    for name in ["ShortName", "NarrowColor", "SameId", "Count", "IconLike"] {
        assert!(!reasons.contains_key(&schema(name)), "{name}: {reasons:#?}");
    }
}

#[test]
fn nested_all_of_with_keywords_of_its_own_is_one_struct() {
    let (types, reasons) = generated();
    let mini = item(&types, "pub struct Mini {");
    assert!(mini.contains("pub id: String,"), "{mini}");
    assert!(mini.contains("pub name: String,"), "{mini}");
    let full = item(&types, "pub struct Full {");
    for field in [
        "pub id: String,",
        "pub name: String,",
        "pub size: i64,",
        "pub created: Option<chrono::DateTime<chrono::FixedOffset>>,",
    ] {
        assert!(full.contains(field), "no `{field}` in {full}");
    }
    // The outer `required: [size]` and the members' own required names hold.
    assert!(
        types.contains("pub fn new(\n        id: impl Into<String>,\n        name: impl Into<String>,\n        size: impl Into<i64>,\n    ) -> Self"),
        "{full}\n{types}"
    );
    for name in ["Mini", "Full"] {
        assert!(!reasons.contains_key(&schema(name)), "{name}: {reasons:#?}");
    }
}

/// `allOf`s nested through `$ref`s merge into one struct up to 16 levels; deeper, each
/// level would copy every property below it (a chain of n costs n²), so it is a located
/// fallback that says so.
#[test]
fn all_of_chains_merge_up_to_a_depth_and_say_why_beyond() {
    const N: usize = 20;
    let mut yaml = String::from(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n",
    );
    for i in 0..N - 1 {
        yaml += &format!(
            "    S{i}:\n      allOf:\n        - $ref: '#/components/schemas/S{}'\n        \
             - {{type: object, properties: {{p{i}: {{type: string}}}}}}\n",
            i + 1
        );
    }
    yaml += &format!(
        "    S{}: {{type: object, properties: {{last: {{type: string}}}}}}\n",
        N - 1
    );
    let generated = common::generate_text(&yaml).expect("generates");
    let reasons: BTreeMap<String, String> = generated
        .stats
        .fallbacks
        .into_iter()
        .map(|f| (f.pointer, f.reason))
        .collect();
    let types = &generated.files["src/api/types.rs"];
    // S2's members nest 16 more `allOf`s below the first: merged, with every property
    // down the chain.
    let s2 = item(types, "pub struct S2 {");
    for field in ["pub p2:", "pub p18:", "pub last:"] {
        assert!(s2.contains(field), "no `{field}` in {s2}");
    }
    assert!(!reasons.contains_key(&schema("S2")), "{reasons:#?}");
    for deeper in ["S0", "S1"] {
        let reason = reasons
            .get(&schema(deeper))
            .unwrap_or_else(|| panic!("{deeper} merged: {reasons:#?}"));
        assert!(
            reason.contains("`allOf` nested more than 16 levels deep"),
            "{deeper}: {reason}"
        );
    }
    assert_eq!(reasons.len(), 2, "{reasons:#?}");
}
