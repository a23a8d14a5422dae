//! Finding every example in a spec, and checking one against the generated types.
//!
//! Examples are found by walking the document the way OpenAPI 3.0 lays it out, never by
//! listing them: media types of request bodies and responses (`example`,
//! `examples/*/value`), parameters and response headers (the same two), and schemas
//! (`example`, at any depth of `components/schemas` and of inline schemas).

use std::collections::BTreeSet;

use serde_json::Value;

use crate::compare::{diff, show};
use crate::registry::{Caught, Registry};
use crate::spec::{child, deref, ref_pointer, resolve_pointer};

/// Where an example sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// A request body media type.
    RequestBody,
    /// A response media type.
    ResponseBody,
    /// A parameter (or a response header).
    Parameter,
    /// A schema's own `example`.
    Schema,
}

impl Kind {
    /// Whether the example is a body: a body example with no generated type is a failure.
    pub fn is_body(self) -> bool {
        matches!(self, Kind::RequestBody | Kind::ResponseBody)
    }

    /// A short label.
    pub fn label(self) -> &'static str {
        match self {
            Kind::RequestBody => "request body",
            Kind::ResponseBody => "response body",
            Kind::Parameter => "parameter/header",
            Kind::Schema => "schema",
        }
    }
}

/// One example found in a spec.
#[derive(Debug, Clone)]
pub struct Example {
    /// The JSON pointer of the example value in the spec.
    pub pointer: String,
    /// What it is an example of.
    pub kind: Kind,
    /// The example value.
    pub value: Value,
    /// The pointer of the schema next to the example, as the operation uses it (e.g.
    /// `/paths/~1x/post/parameters/0/schema` even when the parameter is a `$ref`).
    pub schema_pointer: String,
    /// Where that schema really is, `$ref`s to parameters, bodies and responses followed.
    pub schema_location: String,
}

/// An example that was found but cannot be checked (an `externalValue`, say).
#[derive(Debug, Clone)]
pub struct Unreadable {
    /// Where it is.
    pub pointer: String,
    /// Why it cannot be checked.
    pub reason: String,
}

/// Every example of `doc`, and those that cannot be read.
pub fn discover(doc: &Value) -> (Vec<Example>, Vec<Unreadable>) {
    let mut finder = Finder {
        doc,
        examples: Vec::new(),
        unreadable: Vec::new(),
        seen: BTreeSet::new(),
        seen_objects: BTreeSet::new(),
        seen_schemas: BTreeSet::new(),
    };
    finder.paths();
    finder.components();
    (finder.examples, finder.unreadable)
}

use codegen::operations::METHODS;

struct Finder<'a> {
    doc: &'a Value,
    examples: Vec<Example>,
    unreadable: Vec<Unreadable>,
    /// (example pointer, schema pointer) pairs already recorded.
    seen: BTreeSet<(String, String)>,
    /// Parameters, bodies, responses and headers already walked (by real location).
    seen_objects: BTreeSet<String>,
    /// Schemas already walked for schema-level examples.
    seen_schemas: BTreeSet<String>,
}

impl<'a> Finder<'a> {
    fn paths(&mut self) {
        let Some(paths) = self.doc.get("paths").and_then(Value::as_object) else {
            return;
        };
        for (path, item) in paths {
            let item_ptr = child("/paths", path);
            let path_params = item
                .get("parameters")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                let op_ptr = child(&item_ptr, method);
                let op_params = op
                    .get("parameters")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                for i in 0..op_params.len() {
                    self.parameter(&format!("{op_ptr}/parameters/{i}"));
                }
                // Path-level parameters the operation does not override.
                let key = |p: &Value| {
                    let p = deref(self.doc, p);
                    (p.get("name").cloned(), p.get("in").cloned())
                };
                for (i, p) in path_params.iter().enumerate() {
                    if !op_params.iter().any(|o| key(o) == key(p)) {
                        self.parameter(&format!("{item_ptr}/parameters/{i}"));
                    }
                }
                if op.get("requestBody").is_some() {
                    self.body(&format!("{op_ptr}/requestBody"), Kind::RequestBody);
                }
                if let Some(responses) = op.get("responses").and_then(Value::as_object) {
                    for code in responses.keys() {
                        self.response(&child(&format!("{op_ptr}/responses"), code));
                    }
                }
            }
        }
    }

    /// Components not reached from an operation, so that their examples are checked too.
    fn components(&mut self) {
        let Some(components) = self.doc.get("components") else {
            return;
        };
        let keys = |section: &str| -> Vec<String> {
            components
                .get(section)
                .and_then(Value::as_object)
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default()
        };
        let unseen = |finder: &Self, ptr: &str| !finder.seen_objects.contains(ptr);
        for name in keys("parameters") {
            let ptr = child("/components/parameters", &name);
            if unseen(self, &ptr) {
                self.parameter(&ptr);
            }
        }
        for name in keys("headers") {
            let ptr = child("/components/headers", &name);
            if unseen(self, &ptr) {
                self.parameter(&ptr);
            }
        }
        for name in keys("requestBodies") {
            let ptr = child("/components/requestBodies", &name);
            if unseen(self, &ptr) {
                self.body(&ptr, Kind::RequestBody);
            }
        }
        for name in keys("responses") {
            let ptr = child("/components/responses", &name);
            if unseen(self, &ptr) {
                self.response(&ptr);
            }
        }
        for name in keys("schemas") {
            self.schema(&child("/components/schemas", &name));
        }
    }

    /// A parameter or header at `use_ptr` (maybe a `$ref`).
    fn parameter(&mut self, use_ptr: &str) {
        let Some(real) = resolve_pointer(self.doc, use_ptr) else {
            self.unreadable.push(Unreadable {
                pointer: use_ptr.into(),
                reason: "unresolvable $ref".into(),
            });
            return;
        };
        self.seen_objects.insert(real.clone());
        let object = &self.doc.pointer(&real).cloned().unwrap_or(Value::Null);
        if object.get("schema").is_some() {
            let schema_use = format!("{use_ptr}/schema");
            let schema_real = format!("{real}/schema");
            self.examples_of(object, &real, Kind::Parameter, &schema_use, &schema_real);
            self.schema(&schema_real);
        }
        // A parameter may carry `content` instead of `schema`.
        self.content(object, use_ptr, &real, Kind::Parameter);
    }

    /// A request body at `use_ptr` (maybe a `$ref`).
    fn body(&mut self, use_ptr: &str, kind: Kind) {
        let Some(real) = resolve_pointer(self.doc, use_ptr) else {
            self.unreadable.push(Unreadable {
                pointer: use_ptr.into(),
                reason: "unresolvable $ref".into(),
            });
            return;
        };
        self.seen_objects.insert(real.clone());
        let object = self.doc.pointer(&real).cloned().unwrap_or(Value::Null);
        self.content(&object, use_ptr, &real, kind);
    }

    /// A response at `use_ptr` (maybe a `$ref`): its media types and headers.
    fn response(&mut self, use_ptr: &str) {
        let Some(real) = resolve_pointer(self.doc, use_ptr) else {
            self.unreadable.push(Unreadable {
                pointer: use_ptr.into(),
                reason: "unresolvable $ref".into(),
            });
            return;
        };
        self.seen_objects.insert(real.clone());
        let object = self.doc.pointer(&real).cloned().unwrap_or(Value::Null);
        self.content(&object, use_ptr, &real, Kind::ResponseBody);
        if let Some(headers) = object.get("headers").and_then(Value::as_object) {
            for name in headers.keys() {
                self.parameter(&child(&format!("{use_ptr}/headers"), name));
            }
        }
    }

    /// The media types under `object/content`.
    fn content(&mut self, object: &Value, use_ptr: &str, real: &str, kind: Kind) {
        let Some(content) = object.get("content").and_then(Value::as_object) else {
            return;
        };
        for (media, media_object) in content {
            let media_use = child(&format!("{use_ptr}/content"), media);
            let media_real = child(&format!("{real}/content"), media);
            let schema_use = format!("{media_use}/schema");
            let schema_real = format!("{media_real}/schema");
            if media_object.get("schema").is_none() {
                if media_object.get("example").is_some() || media_object.get("examples").is_some() {
                    self.unreadable.push(Unreadable {
                        pointer: media_real.clone(),
                        reason: "example of a media type without a schema".into(),
                    });
                }
                continue;
            }
            self.examples_of(media_object, &media_real, kind, &schema_use, &schema_real);
            self.schema(&schema_real);
        }
    }

    /// `example` and `examples/*/value` of a media type, parameter or header at `real`.
    fn examples_of(
        &mut self,
        object: &Value,
        real: &str,
        kind: Kind,
        schema_use: &str,
        schema_real: &str,
    ) {
        if let Some(value) = object.get("example") {
            self.push(Example {
                pointer: format!("{real}/example"),
                kind,
                value: value.clone(),
                schema_pointer: schema_use.into(),
                schema_location: schema_real.into(),
            });
        }
        let Some(examples) = object.get("examples").and_then(Value::as_object) else {
            return;
        };
        for name in examples.keys() {
            let named = child(&format!("{real}/examples"), name);
            let Some(example_real) = resolve_pointer(self.doc, &named) else {
                self.unreadable.push(Unreadable {
                    pointer: named,
                    reason: "unresolvable $ref".into(),
                });
                continue;
            };
            let example = self
                .doc
                .pointer(&example_real)
                .cloned()
                .unwrap_or(Value::Null);
            match example.get("value") {
                Some(value) => self.push(Example {
                    pointer: format!("{example_real}/value"),
                    kind,
                    value: value.clone(),
                    schema_pointer: schema_use.into(),
                    schema_location: schema_real.into(),
                }),
                None if example.get("externalValue").is_some() => {
                    self.unreadable.push(Unreadable {
                        pointer: example_real,
                        reason: "externalValue is not fetched".into(),
                    })
                }
                None => self.unreadable.push(Unreadable {
                    pointer: example_real,
                    reason: "Example Object without value".into(),
                }),
            }
        }
    }

    fn push(&mut self, example: Example) {
        if self
            .seen
            .insert((example.pointer.clone(), example.schema_pointer.clone()))
        {
            self.examples.push(example);
        }
    }

    /// Schema-level `example`s of the schema at `ptr` and of every schema inside it.
    fn schema(&mut self, ptr: &str) {
        if !self.seen_schemas.insert(ptr.to_string()) {
            return;
        }
        let Some(schema) = self.doc.pointer(ptr).cloned() else {
            return;
        };
        if !schema.is_object() || ref_pointer(&schema).is_some() {
            // `$ref` siblings are ignored in OpenAPI 3.0; the target is walked as a component.
            return;
        }
        if let Some(value) = schema.get("example") {
            self.push(Example {
                pointer: format!("{ptr}/example"),
                kind: Kind::Schema,
                value: value.clone(),
                schema_pointer: ptr.into(),
                schema_location: ptr.into(),
            });
        }
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            for key in props.keys() {
                self.schema(&child(&format!("{ptr}/properties"), key));
            }
        }
        for key in ["items", "additionalProperties", "not"] {
            if schema.get(key).is_some_and(Value::is_object) {
                self.schema(&format!("{ptr}/{key}"));
            }
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            let n = schema
                .get(key)
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            for i in 0..n {
                self.schema(&format!("{ptr}/{key}/{i}"));
            }
        }
    }
}

/// How an example was checked.
#[derive(Debug, Clone)]
pub enum Checked {
    /// Decoded and re-encoded through the registry at these pointers (the first is the one
    /// the example's schema names; the others are further registry entries for the same
    /// schema, e.g. the media type's own pointer when its schema is a `$ref`).
    RoundTrip(Vec<String>),
    /// A primitive value with no generated type of its own, checked against its schema
    /// (type, format, enum, range); the text says what was checked.
    Primitive(String),
}

/// The registry pointers that stand for an example's schema, best first: the component a
/// `$ref` names, then the schema pointer as the operation uses it, then the real location.
pub fn registry_candidates(doc: &Value, example: &Example) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if let Some(schema) = doc.pointer(&example.schema_location) {
        if let Some(target) = ref_pointer(schema) {
            out.push(target.to_string());
        }
    }
    for p in [&example.schema_pointer, &example.schema_location] {
        if !out.contains(p) {
            out.push(p.clone());
        }
    }
    out
}

/// Checks one example: round trip through the registry when its schema has a generated type;
/// otherwise a primitive check for parameter, header and schema examples, and a failure for
/// body examples (a body example is never skipped).
///
/// The error names the spec, the example pointer, the registry pointer and the differing paths.
pub fn check(
    spec_file: &str,
    doc: &Value,
    registry: &Registry,
    example: &Example,
) -> Result<Checked, String> {
    let candidates = registry_candidates(doc, example);
    let used: Vec<String> = candidates
        .iter()
        .filter(|p| registry.has(p))
        .cloned()
        .collect();
    let where_ = format!(
        "{spec_file}: {} example {}",
        example.kind.label(),
        example.pointer
    );
    if used.is_empty() {
        if example.kind.is_body() {
            return Err(format!(
                "{where_}: no registry entry for its schema (tried {}); `{}::schemas` has no type \
                 for it, so the example cannot be checked",
                candidates.join(", "),
                registry.module
            ));
        }
        let schema = doc.pointer(&example.schema_location).map(|s| deref(doc, s));
        return match schema {
            Some(schema) => check_primitive(doc, schema, &example.value)
                .map(Checked::Primitive)
                .map_err(|e| {
                    format!(
                        "{where_}: no registry entry for its schema (tried {}) and {e}",
                        candidates.join(", ")
                    )
                }),
            None => Err(format!(
                "{where_}: its schema {} is not in the spec",
                example.schema_location
            )),
        };
    }
    let json = serde_json::to_string(&example.value)
        .map_err(|e| format!("{where_}: cannot encode: {e}"))?;
    let mut problems = Vec::new();
    for pointer in &used {
        match registry.roundtrip_caught(pointer, &json) {
            Caught::Ok(back) => {
                let differences = diff(doc, Some(&example.schema_location), &example.value, &back);
                if !differences.is_empty() {
                    problems.push(format!(
                        "{where_} changed in a round trip as {pointer}:\n    {}",
                        differences.join("\n    ")
                    ));
                }
            }
            Caught::Err(error) => problems.push(format!(
                "{where_} does not decode as {pointer}: {error}\n    example: {}",
                show(&example.value)
            )),
            Caught::Panic(message) => {
                problems.push(format!("{where_} panicked as {pointer}: {message}"))
            }
            Caught::NoType => problems.push(format!(
                "{where_}: {pointer} is listed in POINTERS but roundtrip() knows no type for it"
            )),
        }
    }
    if problems.is_empty() {
        Ok(Checked::RoundTrip(used))
    } else {
        Err(problems.join("\n"))
    }
}

/// Checks `value` against a primitive schema (string, integer, number, boolean): type,
/// `format` (uuid, date-time, date, int32, int64), `enum`, `minLength`/`maxLength` and
/// `minimum`/`maximum`. Ok says what was checked; a non-primitive schema is an error.
pub fn check_primitive(doc: &Value, schema: &Value, value: &Value) -> Result<String, String> {
    let schema = deref(doc, schema);
    let ty = schema.get("type").and_then(Value::as_str).unwrap_or("");
    let format = schema.get("format").and_then(Value::as_str).unwrap_or("");
    let what = if format.is_empty() {
        ty.to_string()
    } else {
        format!("{ty} ({format})")
    };
    if value.is_null() {
        return if schema.get("nullable") == Some(&Value::Bool(true)) {
            Ok(format!("null for a nullable {what}"))
        } else {
            Err(format!("null for a non-nullable {what}"))
        };
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        if !values.contains(value) {
            return Err(format!(
                "{} is not one of the enum values {}",
                show(value),
                show(&Value::Array(values.clone()))
            ));
        }
    }
    match ty {
        "string" => {
            let s = value
                .as_str()
                .ok_or_else(|| format!("{} is not a string", show(value)))?;
            match format {
                "uuid" => {
                    uuid::Uuid::parse_str(s).map_err(|e| format!("{s:?} is not a uuid: {e}"))?;
                }
                "date-time" => {
                    chrono::DateTime::parse_from_rfc3339(s)
                        .map_err(|e| format!("{s:?} is not an RFC 3339 date-time: {e}"))?;
                }
                "date" => {
                    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                        .map_err(|e| format!("{s:?} is not a date: {e}"))?;
                }
                _ => {}
            }
            let len = s.chars().count() as u64;
            if let Some(min) = schema.get("minLength").and_then(Value::as_u64) {
                if len < min {
                    return Err(format!("{s:?} is shorter than minLength {min}"));
                }
            }
            if let Some(max) = schema.get("maxLength").and_then(Value::as_u64) {
                if len > max {
                    return Err(format!("{s:?} is longer than maxLength {max}"));
                }
            }
        }
        "integer" => {
            let n: i128 = if let Some(i) = value.as_i64() {
                i.into()
            } else if let Some(u) = value.as_u64() {
                u.into()
            } else {
                return Err(format!("{} is not an integer", show(value)));
            };
            let (lo, hi): (i128, i128) = match format {
                "int32" => (i32::MIN.into(), i32::MAX.into()),
                _ => (i64::MIN.into(), i64::MAX.into()),
            };
            if n < lo || n > hi {
                return Err(format!("{n} is out of range for {what}"));
            }
            if let Some(min) = schema.get("minimum").and_then(Value::as_f64) {
                if (n as f64) < min {
                    return Err(format!("{n} is below minimum {min}"));
                }
            }
            if let Some(max) = schema.get("maximum").and_then(Value::as_f64) {
                if (n as f64) > max {
                    return Err(format!("{n} is above maximum {max}"));
                }
            }
        }
        "number" => {
            if !value.is_number() {
                return Err(format!("{} is not a number", show(value)));
            }
        }
        "boolean" => {
            if !value.is_boolean() {
                return Err(format!("{} is not a boolean", show(value)));
            }
        }
        other => {
            return Err(format!(
                "its schema is not primitive (type {other:?}), so it needs a generated type"
            ))
        }
    }
    Ok(what)
}
