//! Property tests, schema-driven: for every generated model (every `/components/schemas/...`
//! pointer of every registry), arbitrary JSON that matches the schema
//!
//! 1. decodes (matching JSON is accepted),
//! 2. re-encodes to the same JSON (only date-times compare as instants), and
//! 3. decoding the re-encoded JSON gives the same value again (the round trip is idempotent:
//!    `decode(encode(x)) == x` for every value `x` the type can hold that way).
//!
//! Free-form values hold any finite f64 (up to 17 significant digits, exponents to ±308); a
//! round trip must keep every bit (`free_form_floats_keep_every_bit` pins values that once
//! came back one ULP off).
//!
//! The strategies come from the spec (`conformance_tests::strategy`), so a new model is covered
//! with no code change. The media-type and parameter pointers of the registries get the same
//! checks with fewer cases.

use conformance_tests::compare::{diff, diff_any_datetime, show};
use conformance_tests::registry::{self, Caught, Registry};
use conformance_tests::spec::{escape, load_all, Spec};
use conformance_tests::strategy::{self, Floats};
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};
use serde_json::Value;

/// Cases per component schema.
const CASES: u32 = 64;
/// Cases per non-component pointer (media types, parameters).
const CASES_OTHER: u32 = 24;

fn config(cases: u32) -> Config {
    Config {
        cases,
        // No regression files: failures are reported with their minimal input instead.
        failure_persistence: None,
        max_shrink_iters: 2048,
        ..Config::default()
    }
}

/// The three properties for one generated value.
fn check_value(
    spec: &Spec,
    registry: &Registry,
    pointer: &str,
    input: &Value,
) -> Result<(), TestCaseError> {
    let json = serde_json::to_string(input).expect("a JSON value encodes");
    let first = match registry.roundtrip_caught(pointer, &json) {
        Caught::Ok(v) => v,
        Caught::Err(e) => {
            return Err(TestCaseError::fail(format!(
                "matching JSON does not decode: {e}"
            )))
        }
        Caught::Panic(m) => return Err(TestCaseError::fail(format!("decoding panicked: {m}"))),
        Caught::NoType => return Err(TestCaseError::fail("no type for the pointer")),
    };
    let differences = diff(&spec.doc, Some(pointer), input, &first);
    if !differences.is_empty() {
        return Err(TestCaseError::fail(format!(
            "the round trip changed the value:\n      {}\n      output: {}",
            differences.join("\n      "),
            show(&first)
        )));
    }
    let again = serde_json::to_string(&first).expect("a JSON value encodes");
    let second = match registry.roundtrip_caught(pointer, &again) {
        Caught::Ok(v) => v,
        other => {
            return Err(TestCaseError::fail(format!(
                "the re-encoded value does not decode again: {other:?}"
            )))
        }
    };
    if second != first {
        return Err(TestCaseError::fail(format!(
            "not idempotent: decoding the re-encoded value gives another value:\n      {}",
            diff_any_datetime(&first, &second).join("\n      ")
        )));
    }
    Ok(())
}

/// Runs the properties for `pointers`; returns (schemas, cases) run and pushes failures.
fn run(
    spec: &Spec,
    registry: &Registry,
    pointers: &[&str],
    cases: u32,
    failures: &mut Vec<String>,
) -> (usize, u64) {
    run_with(spec, registry, pointers, cases, Floats::Any, failures)
}

fn run_with(
    spec: &Spec,
    registry: &Registry,
    pointers: &[&str],
    cases: u32,
    floats: Floats,
    failures: &mut Vec<String>,
) -> (usize, u64) {
    let mut schemas = 0;
    let mut total = 0u64;
    for pointer in pointers {
        let strategy = strategy::for_pointer_with(&spec.doc, pointer, floats);
        let mut runner = TestRunner::new(config(cases));
        let result = runner.run(&strategy, |value| {
            check_value(spec, registry, pointer, &value)
        });
        schemas += 1;
        total += u64::from(cases);
        match result {
            Ok(()) => {}
            Err(TestError::Fail(reason, value)) => failures.push(format!(
                "{} {pointer}: {reason}\n    minimal input: {}",
                spec.file,
                serde_json::to_string(&value).unwrap()
            )),
            Err(TestError::Abort(reason)) => {
                failures.push(format!("{} {pointer}: aborted: {reason}", spec.file))
            }
        }
    }
    (schemas, total)
}

#[test]
fn arbitrary_matching_json_decodes_and_round_trips_for_every_model() {
    let specs = load_all();
    assert!(!specs.is_empty());
    let mut failures = Vec::new();
    let (mut schemas, mut cases) = (0, 0);
    for spec in &specs {
        let registry = registry::for_module(&spec.module)
            .unwrap_or_else(|| panic!("{}: no registry for module {}", spec.file, spec.module));
        let pointers: Vec<&str> = registry.component_pointers().collect();
        let (s, c) = run(spec, registry, &pointers, CASES, &mut failures);
        println!(
            "properties {} (module {}): {s} component schemas x {CASES} cases = {c} values",
            spec.file, spec.module
        );
        schemas += s;
        cases += c;
    }
    println!("properties total: {schemas} component schemas, {cases} generated values, each decoded, compared and decoded again");
    assert!(schemas > 0 && cases > 0, "no schema was tested");
    assert!(
        failures.is_empty(),
        "{} schema(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn arbitrary_matching_json_round_trips_for_every_body_and_parameter_schema() {
    let mut failures = Vec::new();
    let (mut schemas, mut cases) = (0, 0);
    for spec in load_all() {
        let registry = registry::for_module(&spec.module).unwrap();
        let pointers: Vec<&str> = registry
            .pointers
            .iter()
            .copied()
            .filter(|p| !p.starts_with("/components/schemas/"))
            .collect();
        let (s, c) = run(&spec, registry, &pointers, CASES_OTHER, &mut failures);
        schemas += s;
        cases += c;
    }
    println!("properties: {schemas} media-type/parameter schemas, {cases} generated values");
    assert!(schemas > 0);
    assert!(
        failures.is_empty(),
        "{} schema(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_component_schema_has_a_generated_type() {
    let mut n = 0;
    for spec in load_all() {
        let registry = registry::for_module(&spec.module).unwrap();
        let names = spec
            .doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        for name in names.keys() {
            let pointer = format!("/components/schemas/{}", escape(name));
            assert!(
                registry.has(&pointer),
                "{}: {pointer} has no entry in {}::schemas::POINTERS",
                spec.file,
                spec.module
            );
            n += 1;
        }
    }
    println!("properties: {n} component schemas, each with a generated type");
    assert!(n > 0);
}

/// The strategies themselves produce what the schema says (a check of the test, not of the
/// generated code): date-times parse as RFC 3339, uuids parse, int32 stays in range, enums
/// include unknown values, and required properties are present.
#[test]
fn strategies_honour_the_schema() {
    use proptest::strategy::{Strategy, ValueTree};
    let doc = serde_json::json!({"components": {"schemas": {
        "E": {"type": "integer", "format": "int32", "enum": [1, 2]},
        "S": {"type": "string", "enum": ["a", "b"]},
        "O": {"type": "object", "required": ["at", "id"], "properties": {
            "at": {"type": "string", "format": "date-time"},
            "id": {"type": "string", "format": "uuid"},
            "n": {"type": "integer", "format": "int32"},
            "list": {"type": "array", "minItems": 1, "maxItems": 1, "items": {"$ref": "#/components/schemas/E"}}
        }},
        "One": {"type": "object", "minProperties": 1, "maxProperties": 1, "additionalProperties": true,
                "properties": {"x": {"type": "boolean"}}}
    }}});
    let mut runner = TestRunner::deterministic();
    let mut unknown_e = 0;
    let mut unknown_s = 0;
    for _ in 0..256 {
        let e = strategy::for_pointer(&doc, "/components/schemas/E")
            .new_tree(&mut runner)
            .unwrap()
            .current();
        let e = e.as_i64().unwrap();
        assert!(i32::try_from(e).is_ok());
        unknown_e += usize::from(e != 1 && e != 2);
        let s = strategy::for_pointer(&doc, "/components/schemas/S")
            .new_tree(&mut runner)
            .unwrap()
            .current();
        unknown_s += usize::from(s != "a" && s != "b");
        let o = strategy::for_pointer(&doc, "/components/schemas/O")
            .new_tree(&mut runner)
            .unwrap()
            .current();
        chrono::DateTime::parse_from_rfc3339(o["at"].as_str().unwrap()).unwrap();
        uuid::Uuid::parse_str(o["id"].as_str().unwrap()).unwrap();
        if let Some(n) = o.get("n") {
            assert!(i32::try_from(n.as_i64().unwrap()).is_ok());
        }
        if let Some(list) = o.get("list") {
            assert_eq!(list.as_array().unwrap().len(), 1);
        }
        let one = strategy::for_pointer(&doc, "/components/schemas/One")
            .new_tree(&mut runner)
            .unwrap()
            .current();
        assert_eq!(one.as_object().unwrap().len(), 1, "{one}");
    }
    assert!(
        unknown_e > 0 && unknown_s > 0,
        "open enums must get unknown values too"
    );
}

/// Values the strategies do not produce but the property is about, pinned explicitly.
#[test]
fn edge_values_round_trip() {
    let zild = load_all().into_iter().find(|s| s.module == "zild").unwrap();
    let registry = registry::for_module("zild").unwrap();
    let cases = [
        // int32 bounds, an unknown int enum value, explicit nulls next to absent properties.
        (
            "/components/schemas/Conversation",
            r#"{"id":2147483647,"userId":-2147483648,"agentType":2147483647,"from":null,"finishedAt":null}"#,
        ),
        // Date-times with and without fractions and with offsets (instants compared).
        (
            "/components/schemas/Tag",
            r#"{"createdAt":"2023-11-07T05:31:56.123456789-11:59"}"#,
        ),
        (
            "/components/schemas/Tag",
            r#"{"createdAt":"0001-01-01T00:00:00Z","name":"\u0000\"\\\ud83d\ude00"}"#,
        ),
        // Lower-case `t`/`z` (RFC 3339 allows them), a leap second, more than 9 fraction digits.
        (
            "/components/schemas/Tag",
            r#"{"createdAt":"2023-11-07t05:31:56z"}"#,
        ),
        (
            "/components/schemas/Tag",
            r#"{"createdAt":"2016-12-31T23:59:60Z"}"#,
        ),
        (
            "/components/schemas/Tag",
            r#"{"createdAt":"2023-11-07T05:31:56.1234567891234Z"}"#,
        ),
        (
            "/components/schemas/ProactiveConversationRequest",
            r#"{"contentVariables":{"a":[1,-1,1.5,1e300,18446744073709551615,null,{}]},"recipient":null}"#,
        ),
    ];
    for (pointer, json) in cases {
        let input: Value = serde_json::from_str(json).unwrap();
        check_value(&zild, registry, pointer, &input)
            .unwrap_or_else(|e| panic!("{pointer} {json}: {e}"));
    }
}

/// Free-form values (`additionalProperties: true`, untyped properties) hold any JSON number,
/// and a round trip must give back the same f64. serde_json's default float parser is not
/// correctly rounding (e.g. `{"a": 2.7170741309962014e-135}` came back as
/// `2.7170741309962017e-135`), so the generated crate enables its `float_roundtrip` feature.
#[test]
fn free_form_floats_keep_every_bit() {
    let zild = load_all().into_iter().find(|s| s.module == "zild").unwrap();
    let registry = registry::for_module("zild").unwrap();
    // Built with the standard library's (correctly rounding) parser, not serde_json's.
    let f = |s: &str| Value::from(s.parse::<f64>().unwrap());
    let pinned = serde_json::json!({"contentVariables": {
        "a": f("2.7170741309962014e-135"),
        "b": f("-3.451935788508685e-127"),
        "c": f("1.7241852909036926e+55"),
    }});
    let mut failures = Vec::new();
    if let Err(e) = check_value(
        &zild,
        registry,
        "/components/schemas/ProactiveConversationRequest",
        &pinned,
    ) {
        failures.push(format!(
            "zild.yaml /components/schemas/ProactiveConversationRequest (pinned): {e}"
        ));
    }
    // (The property tests above generate every finite f64 in free-form values.)
    assert!(
        failures.is_empty(),
        "{} schema(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
