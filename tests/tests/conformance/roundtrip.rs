//! Every example in every spec round-trips through its generated type.
//!
//! Examples are discovered by walking the spec files (see `conformance_tests::examples`):
//! request and response bodies (`example`, `examples/*/value`), parameters and response
//! headers, and schema-level `example`s. Each is decoded as the type the registry
//! (`<module>::schemas::roundtrip`) gives its schema — the component a `$ref` names, else the
//! schema pointer next to the example — encoded again, and compared with the original as JSON.
//! Only date-times (where the schema says `format: date-time`) compare as instants.
//!
//! Parameter, header and schema examples of primitive schemas that have no registry entry are
//! checked against the primitive schema (type, format, enum, length, range) and counted as
//! such; a body example without a registry entry is a failure.

use std::collections::BTreeMap;

use conformance_tests::examples::{self, check, discover, Checked, Example, Kind};
use conformance_tests::registry::{self, Registry};
use conformance_tests::spec::{self, load_all, Spec};
use serde_json::{json, Value};

#[derive(Default)]
struct Counts {
    bodies: usize,
    parameters_via_registry: usize,
    parameters_primitive: usize,
    schemas_via_registry: usize,
    schemas_primitive: usize,
    registry_calls: usize,
    unreadable: usize,
}

impl Counts {
    fn checked(&self) -> usize {
        self.bodies
            + self.parameters_via_registry
            + self.parameters_primitive
            + self.schemas_via_registry
            + self.schemas_primitive
    }

    fn add(&mut self, o: &Counts) {
        self.bodies += o.bodies;
        self.parameters_via_registry += o.parameters_via_registry;
        self.parameters_primitive += o.parameters_primitive;
        self.schemas_via_registry += o.schemas_via_registry;
        self.schemas_primitive += o.schemas_primitive;
        self.registry_calls += o.registry_calls;
        self.unreadable += o.unreadable;
    }

    fn line(&self) -> String {
        format!(
            "{} examples checked: {} request/response bodies round-tripped; {} parameter/header \
             examples ({} round-tripped, {} checked against their primitive schema); {} schema \
             examples ({} round-tripped, {} primitive-checked); {} registry round trips; {} skipped \
             as unreadable (externalValue etc.)",
            self.checked(),
            self.bodies,
            self.parameters_via_registry + self.parameters_primitive,
            self.parameters_via_registry,
            self.parameters_primitive,
            self.schemas_via_registry + self.schemas_primitive,
            self.schemas_via_registry,
            self.schemas_primitive,
            self.registry_calls,
            self.unreadable,
        )
    }
}

fn registry_of(spec: &Spec) -> &'static Registry {
    registry::for_module(&spec.module).unwrap_or_else(|| {
        panic!(
            "{}: no generated module `{}` with a registry is known to the tests; add it to \
             `registries!` in tests/src/registry.rs",
            spec.file, spec.module
        )
    })
}

#[test]
fn every_example_round_trips() {
    let specs = load_all();
    assert!(
        !specs.is_empty(),
        "no specs found in {}",
        spec::specs_dir().display()
    );
    let mut total = Counts::default();
    let mut failures = Vec::new();
    println!(
        "roundtrip: parameter/header/schema examples whose primitive schema has no registry entry \
         are checked against the primitive type (string/uuid/date-time/integer range/enum), not skipped"
    );
    for spec in &specs {
        let registry = registry_of(spec);
        let (found, unreadable) = discover(&spec.doc);
        let mut counts = Counts {
            unreadable: unreadable.len(),
            ..Counts::default()
        };
        for u in &unreadable {
            println!("  skipped {}: {} ({})", spec.file, u.pointer, u.reason);
        }
        for example in &found {
            match check(&spec.file, &spec.doc, registry, example) {
                Ok(Checked::RoundTrip(pointers)) => {
                    counts.registry_calls += pointers.len();
                    match example.kind {
                        Kind::RequestBody | Kind::ResponseBody => counts.bodies += 1,
                        Kind::Parameter => counts.parameters_via_registry += 1,
                        Kind::Schema => counts.schemas_via_registry += 1,
                    }
                }
                Ok(Checked::Primitive(_)) => match example.kind {
                    Kind::Schema => counts.schemas_primitive += 1,
                    _ => counts.parameters_primitive += 1,
                },
                Err(message) => failures.push(message),
            }
        }
        println!(
            "roundtrip {} (module {}): {}",
            spec.file,
            spec.module,
            counts.line()
        );
        total.add(&counts);
    }
    println!(
        "roundtrip total over {} specs: {}",
        specs.len(),
        total.line()
    );
    assert!(
        failures.is_empty(),
        "{} example(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(total.checked() > 0, "no example was checked");
    assert!(total.bodies > 0, "no body example was checked");
}

#[test]
fn every_spec_has_a_registry_and_every_registry_a_spec() {
    let specs = load_all();
    for spec in &specs {
        registry_of(spec);
    }
    for r in registry::ALL {
        assert!(
            specs.iter().any(|s| s.module == r.module),
            "module `{}` has no spec under specs/",
            r.module
        );
    }
    println!(
        "roundtrip: {} specs, {} registries",
        specs.len(),
        registry::ALL.len()
    );
}

#[test]
fn every_registry_pointer_is_a_schema_of_its_spec() {
    let mut n = 0;
    for spec in load_all() {
        let registry = registry_of(&spec);
        assert!(
            !registry.pointers.is_empty(),
            "{}: empty registry",
            spec.file
        );
        for pointer in registry.pointers {
            // Parameter pointers name the use site (`/paths/.../parameters/0/schema`) even when
            // the parameter is a `$ref`; follow references on the way.
            let schema = spec::resolve_pointer(&spec.doc, pointer)
                .and_then(|p| spec.doc.pointer(&p).cloned());
            assert!(
                schema.is_some_and(|s| s.is_object()),
                "{}: registry pointer {pointer} is no schema in the spec",
                spec.file
            );
            n += 1;
        }
    }
    println!("roundtrip: {n} registry pointers resolve in their specs");
}

// --- The checker itself: discovery and loud failures, on small documents. ---

fn liveswitch() -> (Spec, &'static Registry) {
    let spec = load_all()
        .into_iter()
        .find(|s| s.module == "liveswitch")
        .expect("specs/liveswitch.yaml");
    let registry = registry::for_module("liveswitch").unwrap();
    (spec, registry)
}

const BODY: &str = "/paths/~1v1~1conversations/post/requestBody";

#[test]
fn a_body_example_whose_schema_has_no_registry_entry_fails_loudly() {
    let (spec, registry) = liveswitch();
    let mut doc = spec.doc.clone();
    // An inline object schema on a media type the generator never saw: no registry entry.
    let content = doc
        .pointer_mut(&format!("{BODY}/content"))
        .unwrap()
        .as_object_mut()
        .unwrap();
    content.insert(
        "application/vnd.extra+json".into(),
        json!({"schema": {"type": "object", "properties": {"a": {"type": "string"}}}, "example": {"a": "x"}}),
    );
    // A `$ref` to a component schema that does not exist.
    content.insert(
        "application/vnd.missing+json".into(),
        json!({"schema": {"$ref": "#/components/schemas/Missing"}, "examples": {"one": {"value": {"b": 1}}}}),
    );
    // A primitive body: bodies get no primitive fallback either.
    content.insert(
        "text/plain".into(),
        json!({"schema": {"type": "string"}, "example": "hello"}),
    );

    let (found, _) = discover(&doc);
    let mut loud = 0;
    for media in [
        "application~1vnd.extra+json",
        "application~1vnd.missing+json",
        "text~1plain",
    ] {
        let example: &Example = found
            .iter()
            .find(|e| e.pointer.starts_with(&format!("{BODY}/content/{media}/")))
            .unwrap_or_else(|| panic!("the {media} example was not discovered"));
        let error =
            check("liveswitch.yaml", &doc, registry, example).expect_err("must fail, not skip");
        assert!(error.contains("no registry entry"), "{error}");
        assert!(
            error.contains(&example.pointer) && error.contains("liveswitch.yaml"),
            "{error}"
        );
        loud += 1;
    }
    println!("roundtrip: {loud} body examples without registry entry failed loudly");
}

#[test]
fn a_primitive_parameter_example_without_registry_entry_is_checked_not_skipped() {
    let (spec, registry) = liveswitch();
    let mut doc = spec.doc.clone();
    let op = doc
        .pointer_mut("/paths/~1v1~1conversations/post")
        .unwrap()
        .as_object_mut()
        .unwrap();
    op.insert(
        "parameters".into(),
        json!([
            {"name": "limit", "in": "query", "schema": {"type": "integer", "format": "int32"}, "example": 25},
            {"name": "bad", "in": "query", "schema": {"type": "integer", "format": "int32"}, "example": 4294967296u64},
            {"name": "id", "in": "header", "schema": {"type": "string", "format": "uuid"},
             "examples": {"ok": {"value": "3fa85f64-5717-4562-b3fc-2c963f66afa6"}, "broken": {"value": "3fa85f64"}}},
            {"name": "obj", "in": "query", "schema": {"type": "object"}, "example": {"a": 1}}
        ]),
    );
    let (found, _) = discover(&doc);
    let results: BTreeMap<String, Result<Checked, String>> = found
        .iter()
        .filter(|e| e.kind == Kind::Parameter)
        .map(|e| {
            (
                e.pointer.clone(),
                check("liveswitch.yaml", &doc, registry, e),
            )
        })
        .collect();
    let p = "/paths/~1v1~1conversations/post/parameters";
    assert!(matches!(
        results[&format!("{p}/0/example")],
        Ok(Checked::Primitive(_))
    ));
    assert!(results[&format!("{p}/1/example")]
        .as_ref()
        .is_err_and(|e| e.contains("out of range")));
    assert!(matches!(
        results[&format!("{p}/2/examples/ok/value")],
        Ok(Checked::Primitive(_))
    ));
    assert!(results[&format!("{p}/2/examples/broken/value")]
        .as_ref()
        .is_err_and(|e| e.contains("uuid")));
    assert!(results[&format!("{p}/3/example")]
        .as_ref()
        .is_err_and(|e| e.contains("not primitive")));
}

#[test]
fn discovery_finds_every_kind_of_example() {
    let doc = json!({
        "openapi": "3.0.3",
        "paths": {"/a/{id}": {
            "parameters": [{"$ref": "#/components/parameters/Id"}],
            "get": {
                "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}, "example": "x"}],
                "responses": {
                    "200": {"$ref": "#/components/responses/Ok"},
                    "404": {"description": "no", "content": {"application/json": {
                        "schema": {"type": "object", "properties": {"m": {"type": "string", "example": "gone"}}},
                        "examples": {"a": {"value": {"m": "a"}}, "b": {"$ref": "#/components/examples/B"}, "c": {"externalValue": "http://x/c.json"}}
                    }}}
                }
            },
            "post": {"requestBody": {"$ref": "#/components/requestBodies/Body"}, "responses": {}}
        }},
        "components": {
            "parameters": {"Id": {"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}, "example": 7}},
            "requestBodies": {"Body": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/S"}, "example": {"n": 1}}}}},
            "responses": {"Ok": {"description": "ok",
                "headers": {"X-Rate": {"schema": {"type": "integer"}, "example": 10}},
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/S"}, "example": {"n": 2}}}}},
            "examples": {"B": {"value": {"m": "b"}}},
            "schemas": {"S": {"type": "object", "example": {"n": 3}, "properties": {
                "n": {"type": "integer", "example": 4},
                "example": {"type": "string"},
                "list": {"type": "array", "items": {"type": "string", "example": "item"}}
            }}}
        }
    });
    let (found, unreadable) = discover(&doc);
    let got: Vec<(String, Kind, String)> = found
        .iter()
        .map(|e| (e.pointer.clone(), e.kind, e.schema_pointer.clone()))
        .collect();
    let expect = |pointer: &str, kind: Kind, schema: &str| {
        assert!(
            got.iter()
                .any(|(p, k, s)| p == pointer && *k == kind && s == schema),
            "missing {pointer} ({kind:?}, schema {schema}) in {got:#?}"
        );
    };
    expect(
        "/components/parameters/Id/example",
        Kind::Parameter,
        "/paths/~1a~1{id}/parameters/0/schema",
    );
    expect(
        "/paths/~1a~1{id}/get/parameters/0/example",
        Kind::Parameter,
        "/paths/~1a~1{id}/get/parameters/0/schema",
    );
    expect(
        "/components/responses/Ok/content/application~1json/example",
        Kind::ResponseBody,
        "/paths/~1a~1{id}/get/responses/200/content/application~1json/schema",
    );
    expect(
        "/components/responses/Ok/headers/X-Rate/example",
        Kind::Parameter,
        "/paths/~1a~1{id}/get/responses/200/headers/X-Rate/schema",
    );
    expect(
        "/paths/~1a~1{id}/get/responses/404/content/application~1json/examples/a/value",
        Kind::ResponseBody,
        "/paths/~1a~1{id}/get/responses/404/content/application~1json/schema",
    );
    expect(
        "/components/examples/B/value",
        Kind::ResponseBody,
        "/paths/~1a~1{id}/get/responses/404/content/application~1json/schema",
    );
    expect(
        "/paths/~1a~1{id}/get/responses/404/content/application~1json/schema/properties/m/example",
        Kind::Schema,
        "/paths/~1a~1{id}/get/responses/404/content/application~1json/schema/properties/m",
    );
    expect(
        "/components/requestBodies/Body/content/application~1json/example",
        Kind::RequestBody,
        "/paths/~1a~1{id}/post/requestBody/content/application~1json/schema",
    );
    expect(
        "/components/schemas/S/example",
        Kind::Schema,
        "/components/schemas/S",
    );
    expect(
        "/components/schemas/S/properties/n/example",
        Kind::Schema,
        "/components/schemas/S/properties/n",
    );
    expect(
        "/components/schemas/S/properties/list/items/example",
        Kind::Schema,
        "/components/schemas/S/properties/list/items",
    );
    // A property *named* `example` is a schema, not an example; example values are not walked.
    assert!(
        !got.iter()
            .any(|(p, _, _)| p.ends_with("/properties/example")),
        "{got:#?}"
    );
    assert_eq!(found.len(), 11, "{got:#?}");
    assert_eq!(unreadable.len(), 1, "{unreadable:?}");
    assert!(unreadable[0].reason.contains("externalValue"));
    // The `$ref` body example is checked against the component the `$ref` names first.
    let body = found.iter().find(|e| e.kind == Kind::RequestBody).unwrap();
    assert_eq!(
        examples::registry_candidates(&doc, body)[0],
        "/components/schemas/S"
    );
}

fn lossy(pointer: &str, json: &str) -> Option<Result<Value, serde_json::Error>> {
    if pointer != "/components/schemas/ConversationCreateRequestDto" {
        return None;
    }
    let mut value: Value = match serde_json::from_str(json) {
        Ok(v) => v,
        Err(e) => return Some(Err(e)),
    };
    // Drops `email`, turns `phone` into null and `projectAutoCreate` into a string.
    let object = value.as_object_mut().unwrap();
    object.remove("email");
    object.insert("phone".into(), Value::Null);
    object.insert("projectAutoCreate".into(), json!("true"));
    Some(Ok(value))
}

#[test]
fn a_changed_round_trip_names_the_spec_the_example_and_every_differing_path() {
    let (spec, _) = liveswitch();
    let fake = Registry {
        module: "liveswitch",
        pointers: &["/components/schemas/ConversationCreateRequestDto"],
        roundtrip: lossy,
    };
    let (found, _) = discover(&spec.doc);
    let example = found.iter().find(|e| e.kind == Kind::RequestBody).unwrap();
    let error = check("liveswitch.yaml", &spec.doc, &fake, example).unwrap_err();
    for needle in [
        "liveswitch.yaml",
        "/paths/~1v1~1conversations/post/requestBody/content/application~1json/example",
        "/email: absent after the round trip",
        "/phone: expected \"+14079821211\" but got null",
        "/projectAutoCreate: expected true but got \"true\"",
    ] {
        assert!(error.contains(needle), "{needle:?} missing from:\n{error}");
    }
}
