//! Bad input never panics: every schema of every registry (component schemas, request and
//! response bodies, parameters) is fed, built from valid values of it (the spec's examples
//! and generated ones):
//!
//! - truncated JSON (every proper prefix that is not valid JSON itself), empty input,
//!   trailing data;
//! - wrong types at every location (string for integer, object for array, `null` where not
//!   nullable, ...) and malformed formats (date-time, uuid);
//! - huge numbers at every integer (1e400, 2^63, 2^64, 10^41, and 2^31 for int32);
//! - deep nesting at every location (10 000 levels of `[`, closed or not, and of objects);
//! - missing required properties;
//!
//! and must give a typed error (`Err` from the registry's `roundtrip`), while unknown extra
//! properties must decode (and be dropped, or kept where `additionalProperties: true`).
//! The same inputs go through the HTTP client's decoding path (`RawResponse::json`) for
//! every response type, which must give `Error::Decode` with a path.

use std::collections::BTreeMap;

use conformance_tests::compare::diff_any_datetime;
use conformance_tests::examples::{discover, registry_candidates};
use conformance_tests::mutate::{arrays_for_objects, cases, nodes, with_raw, Case, Expect, Shape};
use conformance_tests::registry::{self, panic_message, Caught, Registry};
use conformance_tests::spec::{load_all, resolve_pointer, Spec};
use conformance_tests::strategy;
use conversation_apis::runtime::reqwest::header::HeaderMap;
use conversation_apis::runtime::reqwest::StatusCode;
use conversation_apis::runtime::{Error, RawResponse};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// Generated samples per schema, besides the spec's examples.
const SAMPLES: usize = 3;

/// Valid values of the schema at `pointer`: the spec's examples for it, then generated ones.
fn samples(spec: &Spec, pointer: &str) -> Vec<Value> {
    let (found, _) = discover(&spec.doc);
    let mut out: Vec<Value> = found
        .into_iter()
        .filter(|e| {
            registry_candidates(&spec.doc, e)
                .iter()
                .any(|c| c == pointer)
        })
        .map(|e| e.value)
        .collect();
    let strategy = strategy::for_pointer(&spec.doc, pointer);
    let mut runner = TestRunner::deterministic();
    for _ in 0..SAMPLES {
        out.push(strategy.new_tree(&mut runner).expect("a value").current());
    }
    out
}

fn schema_of<'a>(spec: &'a Spec, pointer: &str) -> &'a Value {
    let real = resolve_pointer(&spec.doc, pointer)
        .unwrap_or_else(|| panic!("{}: {pointer} does not resolve", spec.file));
    spec.doc.pointer(&real).unwrap()
}

/// What one decoder made of a bad input.
enum Outcome {
    Ok(Value),
    /// A typed error; for the HTTP path, with the path it names.
    Err(String),
    Panic(String),
    /// An error of an unexpected kind (the HTTP path must give `Error::Decode`).
    WrongError(String),
}

#[derive(Default)]
struct Tally {
    by_category: BTreeMap<&'static str, usize>,
    null_read_as_absent: usize,
    failures: Vec<String>,
}

impl Tally {
    fn total(&self) -> usize {
        self.by_category.values().sum()
    }

    fn line(&self) -> String {
        let parts: Vec<String> = self
            .by_category
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        format!("{} bad inputs ({})", self.total(), parts.join(", "))
    }

    /// Judges one outcome against the case's expectation (`decode` decodes the text a
    /// [`Expect::SameAs`] names).
    fn judge(
        &mut self,
        label: &str,
        case: &Case,
        outcome: Outcome,
        decode: &dyn Fn(&str) -> Outcome,
    ) {
        *self.by_category.entry(case.category).or_default() += 1;
        let fail = |msg: String| {
            format!(
                "{label}: {} [{}]: {msg}\n    input: {}",
                case.what,
                case.category,
                shorten(&case.text)
            )
        };
        match (&case.expect, outcome) {
            (_, Outcome::Panic(m)) => self.failures.push(fail(format!("panicked: {m}"))),
            (_, Outcome::WrongError(m)) => self
                .failures
                .push(fail(format!("an error other than Error::Decode: {m}"))),
            (Expect::Err, Outcome::Err(_)) => {}
            (Expect::Err, Outcome::Ok(v)) => self.failures.push(fail(format!(
                "decoded instead of failing, as {}",
                shorten(&v.to_string())
            ))),
            (Expect::ErrOrAbsent(_), Outcome::Err(_)) => {}
            (Expect::ErrOrAbsent(pointer), Outcome::Ok(v)) => {
                if v.pointer(pointer).is_some() {
                    self.failures.push(fail(format!(
                        "null decoded and came back as {}",
                        v.pointer(pointer).unwrap()
                    )));
                } else {
                    self.null_read_as_absent += 1;
                }
            }
            (Expect::Ok(expected), Outcome::Ok(v)) => {
                let d = diff_any_datetime(expected, &v);
                if !d.is_empty() {
                    self.failures.push(fail(format!("decoded, but differently from the input without the extra field:\n      {}", d.join("\n      "))));
                }
            }
            (Expect::Ok(_), Outcome::Err(e)) => {
                self.failures.push(fail(format!("did not decode: {e}")))
            }
            (Expect::SameAs(other), outcome) => match (outcome, decode(other)) {
                (Outcome::Err(_), Outcome::Err(_)) => {}
                (Outcome::Ok(a), Outcome::Ok(b)) if a == b => {}
                (Outcome::Ok(a), Outcome::Ok(b)) => self.failures.push(fail(format!(
                    "decoded differently from the shallow input {}:\n      {}",
                    shorten(other),
                    diff_any_datetime(&b, &a).join("\n      ")
                ))),
                (Outcome::Ok(_), _) => self.failures.push(fail(format!(
                    "decoded, but the shallow input {} does not",
                    shorten(other)
                ))),
                (Outcome::Err(e), _) => self.failures.push(fail(format!(
                    "failed ({e}), but the shallow input {} decodes",
                    shorten(other)
                ))),
                (Outcome::Panic(m), _) => self.failures.push(fail(format!("panicked: {m}"))),
                (Outcome::WrongError(m), _) => self
                    .failures
                    .push(fail(format!("an error other than Error::Decode: {m}"))),
            },
        }
    }

    fn add(&mut self, other: Tally) {
        for (k, v) in other.by_category {
            *self.by_category.entry(k).or_default() += v;
        }
        self.null_read_as_absent += other.null_read_as_absent;
        self.failures.extend(other.failures);
    }
}

fn shorten(text: &str) -> String {
    if text.len() > 160 {
        let mut cut = 150;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        format!("{}... ({} bytes)", &text[..cut], text.len())
    } else {
        text.to_string()
    }
}

fn via_registry(registry: &Registry, pointer: &str, text: &str) -> Outcome {
    match registry.roundtrip_caught(pointer, text) {
        Caught::Ok(v) => Outcome::Ok(v),
        Caught::Err(e) => Outcome::Err(e.to_string()),
        Caught::Panic(m) => Outcome::Panic(m),
        Caught::NoType => Outcome::WrongError("no type for the pointer".into()),
    }
}

/// All bad inputs for one schema pointer, judged with `decode`.
fn run_pointer(
    spec: &Spec,
    registry: &Registry,
    pointer: &str,
    label: &str,
    decode: &dyn Fn(&str) -> Outcome,
) -> Tally {
    let schema = schema_of(spec, pointer);
    let mut tally = Tally::default();
    for (i, sample) in samples(spec, pointer).iter().enumerate() {
        let text = serde_json::to_string(sample).unwrap();
        let base = match registry.roundtrip_caught(pointer, &text) {
            Caught::Ok(v) => v,
            other => {
                tally.failures.push(format!(
                    "{label}: a valid sample does not decode ({other:?}): {}",
                    shorten(&text)
                ));
                continue;
            }
        };
        for case in cases(&spec.doc, schema, sample, &base, i == 0) {
            let outcome = decode(&case.text);
            tally.judge(label, &case, outcome, decode);
        }
    }
    tally
}

#[test]
fn bad_input_gives_typed_errors_for_every_schema() {
    let mut total = Tally::default();
    let mut schemas = 0;
    for spec in load_all() {
        let registry = registry::for_module(&spec.module)
            .unwrap_or_else(|| panic!("{}: no registry", spec.file));
        let mut tally = Tally::default();
        for pointer in registry.pointers {
            let label = format!("{} {pointer}", spec.file);
            tally.add(run_pointer(&spec, registry, pointer, &label, &|text| {
                via_registry(registry, pointer, text)
            }));
            schemas += 1;
        }
        println!(
            "bad_input {} ({} schemas): {}; null on a non-nullable optional property read as absent {} times",
            spec.file,
            registry.pointers.len(),
            tally.line(),
            tally.null_read_as_absent
        );
        total.add(tally);
    }
    println!("bad_input total: {schemas} schemas, {}", total.line());
    assert!(schemas > 0 && total.total() > 0, "nothing was tested");
    for category in [
        "truncated",
        "wrong type",
        "huge number",
        "deep nesting",
        "unknown field",
        "malformed",
    ] {
        assert!(
            total.by_category.get(category).copied().unwrap_or(0) > 0,
            "no {category} input was tried"
        );
    }
    assert!(
        total.failures.is_empty(),
        "{} bad input(s) mishandled:\n{}",
        total.failures.len(),
        total.failures.join("\n")
    );
}

// --- The HTTP client's decoding path: `RawResponse::json`, as the generated clients call it. ---

enum Http {
    Ok(Value),
    Decode { path: String, message: String },
    Other(String),
}

fn decode_raw<T: DeserializeOwned + Serialize>(body: &[u8]) -> Http {
    let raw = RawResponse::new(StatusCode::OK, HeaderMap::new(), body.to_vec());
    match raw.json::<T, ()>() {
        Ok(value) => Http::Ok(serde_json::to_value(&value).expect("a decoded body encodes")),
        Err(Error::Decode { path, message, .. }) => Http::Decode { path, message },
        Err(other) => Http::Other(other.to_string()),
    }
}

macro_rules! response_types {
    ($($module:ident $pointer:literal => $ty:ty;)*) => {
        /// The body type the generated client decodes for a response pointer.
        fn http_decoder(module: &str, pointer: &str) -> Option<fn(&[u8]) -> Http> {
            $(if module == stringify!($module) && pointer == $pointer {
                return Some(decode_raw::<$ty>);
            })*
            None
        }
    };
}

// The body types are those of the generated clients' `send` for each documented status.
response_types! {
    iris "/paths/~1API~1V40~1Interactive~1Messages~1Conversations/post/responses/200/content/application~1json/schema"
        => conversation_apis::iris::types::ResponseContainerModel;
    liveswitch "/paths/~1v1~1conversations/post/responses/200/content/application~1json/schema"
        => conversation_apis::liveswitch::types::ConversationCreateResponse;
    salesforce_interaction "/paths/~1api~1v1~1conversation/post/responses/202/content/application~1json/schema"
        => conversation_apis::salesforce_interaction::types::EstablishConversationResponse;
    salesforce_interaction "/paths/~1api~1v1~1conversation/post/responses/default/content/application~1json/schema"
        => conversation_apis::salesforce_interaction::types::ErrorResponse;
    teamwork_desk "/paths/~1desk~1api~1v2~1conversations.json/post/responses/201/content/application~1json/schema"
        => conversation_apis::teamwork_desk::types::ConversationApiBody;
    teamwork_desk "/paths/~1desk~1api~1v2~1conversations.json/post/responses/400/content/application~1json/schema"
        => conversation_apis::teamwork_desk::types::Validator;
    zild "/paths/~1api~1Conversation~1proactive-conversation/post/responses/200/content/application~1json/schema"
        => Vec<conversation_apis::zild::types::Conversation>;
}

fn via_http(decoder: fn(&[u8]) -> Http, body: &[u8]) -> Outcome {
    match std::panic::catch_unwind(|| decoder(body)) {
        Ok(Http::Ok(v)) => Outcome::Ok(v),
        Ok(Http::Decode { path, message }) if !path.is_empty() => {
            Outcome::Err(format!("at `{path}`: {message}"))
        }
        Ok(Http::Decode { message, .. }) => {
            Outcome::WrongError(format!("Error::Decode without a path: {message}"))
        }
        Ok(Http::Other(m)) => Outcome::WrongError(m),
        Err(panic) => Outcome::Panic(panic_message(&panic)),
    }
}

#[test]
fn bad_response_bodies_give_decode_errors_through_the_client_path() {
    let mut total = Tally::default();
    let mut types = 0;
    for spec in load_all() {
        let registry = registry::for_module(&spec.module).unwrap();
        for pointer in registry
            .pointers
            .iter()
            .filter(|p| p.contains("/responses/"))
        {
            let decoder = http_decoder(&spec.module, pointer).unwrap_or_else(|| {
                panic!("{} {pointer}: a response schema with no entry in `response_types!` (tests/tests/conformance/bad_input.rs)", spec.file)
            });
            let label = format!("{} {pointer} via RawResponse::json", spec.file);
            total.add(run_pointer(&spec, registry, pointer, &label, &|text| {
                via_http(decoder, text.as_bytes())
            }));
            // Bytes that are no UTF-8: the whole body, and inside each string of a sample.
            let mut bodies: Vec<(String, Vec<u8>)> = vec![
                ("invalid UTF-8".into(), b"\xff\xfe{".to_vec()),
                ("a NUL byte".into(), b"\0".to_vec()),
            ];
            bodies.extend(invalid_utf8_in_strings(&spec, pointer));
            for (what, body) in bodies {
                let case = Case {
                    category: "malformed",
                    what,
                    text: String::from_utf8_lossy(&body).into_owned(),
                    expect: Expect::Err,
                };
                let outcome = via_http(decoder, &body);
                total.judge(&label, &case, outcome, &|text| {
                    via_http(decoder, text.as_bytes())
                });
            }
            types += 1;
        }
    }
    println!(
        "bad_input via RawResponse::json: {types} response types, {}; null on a non-nullable optional property read as absent {} times",
        total.line(),
        total.null_read_as_absent
    );
    assert!(types > 0 && total.total() > 0);
    assert!(
        total.failures.is_empty(),
        "{} bad body(ies) mishandled:\n{}",
        total.failures.len(),
        total.failures.join("\n")
    );
}

/// The wrong-type errors of the client path name where decoding stopped.
#[test]
fn decode_errors_name_the_path() {
    let body = br#"{"conversation":{"contact":{"id":"seven"}}}"#;
    let decoder = http_decoder("teamwork_desk", "/paths/~1desk~1api~1v2~1conversations.json/post/responses/201/content/application~1json/schema").unwrap();
    match decoder(body) {
        Http::Decode { path, message } => {
            assert_eq!(path, "conversation.contact.id", "{message}");
        }
        _ => panic!("a string id must not decode"),
    }
    let decoder = http_decoder("zild", "/paths/~1api~1Conversation~1proactive-conversation/post/responses/200/content/application~1json/schema").unwrap();
    match decoder(br#"[{"messages":[{"id":2147483648}]}]"#) {
        Http::Decode { path, .. } => assert_eq!(path, "[0].messages[0].id"),
        _ => panic!("2^31 must not decode as int32"),
    }
}

/// A sample of the schema at `pointer` with a byte 0xFF inside each of its (declared) string
/// values in turn.
fn invalid_utf8_in_strings(spec: &Spec, pointer: &str) -> Vec<(String, Vec<u8>)> {
    let schema = schema_of(spec, pointer);
    let sample = samples(spec, pointer).into_iter().next().unwrap();
    let mut out = Vec::new();
    for node in nodes(&spec.doc, schema, &sample) {
        if !matches!(node.shape, Shape::Str(_) | Shape::StrEnum) {
            continue;
        }
        let text = with_raw(&sample, &node.pointer, "\"@@ff@@\"");
        let (before, after) = text.split_once("@@ff@@").unwrap();
        let body = [before.as_bytes(), b"ok\xffok", after.as_bytes()].concat();
        out.push((
            format!("invalid UTF-8 in the string at {}", node.pointer),
            body,
        ));
    }
    out
}

/// A JSON array is never an object. serde's derived `Deserialize` would also accept a
/// struct's positional form (a sequence of its fields in declaration order), reading `[]`
/// as an empty object when every property is optional and `[10053, "msg"]` as
/// `{"code": 10053, "message": "msg"}`; the generated structs must refuse both.
#[test]
fn an_array_is_never_an_object() {
    let mut total = Tally::default();
    for spec in load_all() {
        let registry = registry::for_module(&spec.module).unwrap();
        for pointer in registry.pointers {
            let schema = schema_of(&spec, pointer);
            let label = format!("{} {pointer}", spec.file);
            let decode = |text: &str| via_registry(registry, pointer, text);
            for sample in samples(&spec, pointer) {
                for case in arrays_for_objects(&spec.doc, schema, &sample) {
                    let outcome = decode(&case.text);
                    total.judge(&label, &case, outcome, &decode);
                }
            }
        }
    }
    let salesforce = registry::for_module("salesforce_interaction").unwrap();
    let liveswitch = registry::for_module("liveswitch").unwrap();
    for (registry, pointer, text) in [
        (
            salesforce,
            "/components/schemas/ErrorResponse",
            r#"[10053, "The participants list is invalid or empty."]"#,
        ),
        (
            salesforce,
            "/components/schemas/ConversationParticipant",
            r#"["end-user-8675309", "EndUser", "custom"]"#,
        ),
        (
            liveswitch,
            "/components/schemas/ConversationCreateResponse",
            r#"["3fa85f64-5717-4562-b3fc-2c963f66afa6"]"#,
        ),
    ] {
        let case = Case {
            category: "wrong type",
            what: format!("positional array {text}"),
            text: text.into(),
            expect: Expect::Err,
        };
        let decode = |t: &str| via_registry(registry, pointer, t);
        total.judge(
            &format!("{} {pointer}", registry.module),
            &case,
            decode(text),
            &decode,
        );
    }
    println!("bad_input arrays for objects: {}", total.line());
    assert!(
        total.failures.is_empty(),
        "{} array(s) decoded as objects:\n{}",
        total.failures.len(),
        total.failures.join("\n")
    );
}
