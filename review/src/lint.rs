//! Lint: checks a validator does not make.
//!
//! - every `$ref` resolves (local ones, and references into other files);
//! - operationIds are unique within a file;
//! - every example validates against its schema (media type `example` and
//!   `examples[*].value`, parameter and header `example`/`examples`, schema `example`);
//! - every component schema is used (reachable from `paths`, transitively);
//! - every operation documents a success (2xx or `default`) response;
//! - every `{name}` of a path template is a declared path parameter, and every path
//!   parameter is in the template;
//! - every discriminator mapping names a schema that exists;
//! - every schema `default` validates against its schema;
//! - the generator can build the document's model (what `gen` refuses, such as a cycle
//!   of `$ref`s, is an error here with `gen`'s message);
//! - and, for reviewers, every `x-assumption` marker is listed as an info line.
//!
//! The loader's notes are warnings here too: formal defects it repaired (a response
//! without `description`, an operation without `responses`) and what the normalising
//! pass of OpenAPI 3.1 could not carry over.
//!
//! Documents are read by the loader `gen` uses ([`Doc::load`]): what `gen` cannot read
//! is the one error reported, with `gen`'s message.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use crate::locate::join;
use crate::schema::{self, Direction};
use crate::spec::{self, local_ref_pointer, Diagnostic, Doc, Severity};

/// Most schema violations reported for one example.
const MAX_ERRORS_PER_EXAMPLE: usize = 5;

/// Lints one parsed document.
pub fn lint_doc(doc: &Doc) -> Vec<Diagnostic> {
    let mut linter = Linter {
        doc,
        out: Vec::new(),
        checks: Vec::new(),
    };
    if doc.spec.unresolved.is_empty() {
        let model = doc.model_error();
        // The model's error is `gen`'s message; a dangling `$ref` it names is not
        // reported a second time in other words.
        let covered = model.as_ref().map(|d| format!("{}/$ref", d.pointer));
        linter.out.extend(model);
        linter.refs(covered.as_deref());
    } else {
        // The loader followed every `$ref` (other files too) and kept those that lead
        // nowhere; the model would only repeat the first.
        linter.unresolved_refs();
    }
    // What the loader repaired or could not carry over, as `gen` warns of it.
    linter.out.extend(doc.notes());
    linter.operation_ids();
    linter.success_responses();
    linter.path_parameters();
    linter.discriminator_mappings();
    linter.unused_schemas();
    linter.examples();
    linter.run_checks();
    linter.assumptions();
    let mut out = linter.out;
    out.sort_by(|a, b| {
        (
            a.position.unwrap_or((usize::MAX, 0)),
            &a.pointer,
            std::cmp::Reverse(a.severity),
            &a.message,
        )
            .cmp(&(
                b.position.unwrap_or((usize::MAX, 0)),
                &b.pointer,
                std::cmp::Reverse(b.severity),
                &b.message,
            ))
    });
    out.dedup();
    out
}

/// Lints the file at `path`, shown as `file`.
pub fn lint_file(path: &Path, file: &str) -> Vec<Diagnostic> {
    match spec::read_text(path, file).and_then(|text| Doc::load(file, text)) {
        Ok(doc) => lint_doc(&doc),
        Err(d) => vec![d],
    }
}

/// One lint line: `file:line:col: /pointer: error: message`.
pub fn format_diagnostic(d: &Diagnostic) -> String {
    format!("{}: {}: {}", d.location(), d.severity, d.message)
}

struct Linter<'a> {
    doc: &'a Doc,
    out: Vec<Diagnostic>,
    /// Values to validate against schemas, run together by [`Linter::run_checks`].
    checks: Vec<Check>,
}

/// One value (an example or a default) to validate against a schema.
struct Check {
    schema: Value,
    schema_ptr: String,
    instance: Value,
    instance_ptr: String,
    dir: Direction,
    used_by: Option<String>,
    /// `example` or `default`, for the message.
    what: &'static str,
}

/// Keys whose values are payloads, not spec structure: no `$ref` or marker inside them
/// means anything.
fn is_payload_key(parent_pointer: &str, key: &str) -> bool {
    if parent_pointer.ends_with("/properties") || parent_pointer.ends_with("/responses") {
        // A property called `example`, or the `default` response: structure, not data.
        return false;
    }
    matches!(key, "example" | "default" | "enum")
        || (key == "value" && parent_pointer.rsplit('/').nth(1) == Some("examples"))
}

/// Calls `f(pointer, key, value)` for every member of every object under `value`
/// (document order), skipping payloads and the insides of `x-*` extensions.
fn walk<'v>(value: &'v Value, pointer: &str, f: &mut dyn FnMut(&str, &str, &'v Value)) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                f(pointer, k, v);
                if is_payload_key(pointer, k) || k.starts_with("x-") {
                    continue;
                }
                walk(v, &join(pointer, k), f);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                walk(v, &format!("{pointer}/{i}"), f);
            }
        }
        _ => {}
    }
}

/// Every `$ref` under `value`: (pointer of the `$ref` member, its text).
fn refs_under(value: &Value, pointer: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    walk(value, pointer, &mut |parent, key, v| {
        if key == "$ref" {
            if let Some(r) = v.as_str() {
                out.push((join(parent, key), r.to_string()));
            }
        }
    });
    out
}

/// The `{name}`s of a path template, in order.
fn template_names(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            break;
        };
        out.push(after[..close].to_string());
        rest = &after[close + 1..];
    }
    out
}

fn method_path(op: &spec::OperationRef<'_>) -> String {
    format!("{} {}", op.method.to_uppercase(), op.path)
}

impl Linter<'_> {
    fn error(&mut self, pointer: &str, message: impl Into<String>) {
        let d = self.doc.diag(Severity::Error, pointer, message);
        self.out.push(d);
    }

    fn root(&self) -> &Value {
        &self.doc.value
    }

    /// The `$ref`s the loader could not follow, with a hint for local ones.
    fn unresolved_refs(&mut self) {
        for u in &self.doc.spec.unresolved {
            let reference = self
                .doc
                .get(&u.pointer)
                .and_then(Value::as_str)
                .unwrap_or_default();
            let hint = local_ref_pointer(reference)
                .and_then(|target| self.closest_name(&target))
                .map(|n| format!(" (did you mean `{n}`?)"))
                .unwrap_or_default();
            let message = format!("{}{hint}", u.message);
            self.error(&u.pointer, message);
        }
    }

    /// Local `$ref`s that lead nowhere. (A document with other kinds of `$ref` goes
    /// through the loader's normalising pass, which follows them all: see
    /// [`Linter::unresolved_refs`].)
    fn refs(&mut self, covered: Option<&str>) {
        for (pointer, reference) in refs_under(self.root(), "") {
            match local_ref_pointer(&reference) {
                None => {}
                Some(_) if covered == Some(pointer.as_str()) => {}
                Some(target) if self.root().pointer(&target).is_none() => {
                    let hint = self
                        .closest_name(&target)
                        .map(|n| format!(" (did you mean `{n}`?)"))
                        .unwrap_or_default();
                    self.error(
                        &pointer,
                        format!("$ref `{reference}` does not resolve: nothing at {target}{hint}"),
                    )
                }
                Some(_) => {}
            }
        }
    }

    /// The name in the referenced folder closest to the missing one, if any is close.
    fn closest_name(&self, target: &str) -> Option<String> {
        let (folder, name) = target.rsplit_once('/')?;
        let name = crate::locate::unescape_token(name).to_lowercase();
        let map = self.root().pointer(folder)?.as_object()?;
        map.keys()
            .filter(|k| {
                let k = k.to_lowercase();
                k == name || k.contains(&name) || name.contains(&k) || edit_distance(&k, &name) <= 2
            })
            .min_by_key(|k| edit_distance(&k.to_lowercase(), &name))
            .cloned()
    }

    fn operation_ids(&mut self) {
        let mut seen: BTreeMap<String, (String, String)> = BTreeMap::new();
        let mut found = Vec::new();
        for op in spec::operations(self.root()) {
            if let Some(id) = op.op.get("operationId").and_then(Value::as_str) {
                let pointer = format!("{}/operationId", op.pointer);
                match seen.get(id) {
                    Some((first, where_)) => {
                        let line = self
                            .doc
                            .locator
                            .locate(first)
                            .map(|p| format!(" (line {})", p.0))
                            .unwrap_or_default();
                        found.push((
                            pointer,
                            format!("operationId `{id}` is not unique: {where_}{line} uses it too"),
                        ));
                    }
                    None => {
                        seen.insert(id.to_string(), (pointer, method_path(&op)));
                    }
                }
            }
        }
        for (p, m) in found {
            self.error(&p, m);
        }
    }

    fn success_responses(&mut self) {
        let mut found = Vec::new();
        for op in spec::operations(self.root()) {
            if op.op.get("responses").is_some_and(|r| !r.is_object()) {
                // Not a map at all: the shape check reports it.
                continue;
            }
            let responses = op.op.get("responses").and_then(Value::as_object);
            let ok = responses.is_some_and(|r| {
                r.keys().any(|k| {
                    let k = k.to_ascii_lowercase();
                    k == "default" || (k.len() == 3 && k.starts_with('2'))
                })
            });
            if !ok {
                let pointer = if responses.is_some() {
                    format!("{}/responses", op.pointer)
                } else {
                    op.pointer.clone()
                };
                found.push((
                    pointer,
                    format!(
                        "{} documents no success response (2xx or default)",
                        method_path(&op)
                    ),
                ));
            }
        }
        for (p, m) in found {
            self.error(&p, m);
        }
    }

    /// Every `{name}` of a path template is a path parameter of each operation under
    /// it (declared on the operation or on the path item), and every path parameter is
    /// in the template.
    fn path_parameters(&mut self) {
        let root = self.root();
        let mut found = BTreeSet::new();
        for op in spec::operations(root) {
            let template = template_names(op.path);
            let mut declared: BTreeMap<String, String> = BTreeMap::new();
            for (container, base) in [(op.item, &op.item_pointer), (op.op, &op.pointer)] {
                let Some(params) = container.get("parameters").and_then(Value::as_array) else {
                    continue;
                };
                for (i, p) in params.iter().enumerate() {
                    let ptr = format!("{base}/parameters/{i}");
                    let (p, _) = spec::deref(root, p, &ptr);
                    if p.get("in").and_then(Value::as_str) != Some("path") {
                        continue;
                    }
                    if let Some(name) = p.get("name").and_then(Value::as_str) {
                        declared.insert(name.to_string(), ptr);
                    }
                }
            }
            for name in &template {
                if !declared.contains_key(name) {
                    found.insert((
                        op.pointer.clone(),
                        // gen's words, so that the two findings are one line.
                        format!(
                            "the path template `{}` has the variable `{{{name}}}`, but the operation declares no path parameter `{name}` (here or in the path item)",
                            op.path
                        ),
                    ));
                }
            }
            for (name, ptr) in declared {
                if !template.contains(&name) {
                    found.insert((
                        ptr,
                        format!(
                            "path parameter `{name}` does not appear in the path template `{}`",
                            op.path
                        ),
                    ));
                }
            }
        }
        for (p, m) in found {
            self.error(&p, m);
        }
    }

    /// Every value of a discriminator's `mapping` names a schema that exists (by
    /// reference, or by its name under `components/schemas`).
    fn discriminator_mappings(&mut self) {
        let root = self.root();
        let mut found = Vec::new();
        walk(root, "", &mut |parent, key, v| {
            if key != "discriminator" {
                return;
            }
            let Some(mapping) = v.get("mapping").and_then(Value::as_object) else {
                return;
            };
            let base = join(&join(parent, "discriminator"), "mapping");
            for (tag, target) in mapping {
                let Some(t) = target.as_str() else {
                    continue;
                };
                let pointer = match local_ref_pointer(t) {
                    Some(p) => p,
                    None if !t.contains('#') => join("/components/schemas", t),
                    // External references are reported where `$ref`s are.
                    None => continue,
                };
                if root.pointer(&pointer).is_none() {
                    found.push((
                        join(&base, tag),
                        format!(
                            "discriminator mapping `{tag}` names `{t}`, which does not exist (nothing at {pointer})"
                        ),
                    ));
                }
            }
        });
        for (p, m) in found {
            self.error(&p, m);
        }
    }

    fn unused_schemas(&mut self) {
        let root = self.root();
        let Some(schemas) = root
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        else {
            return;
        };
        let mut reached: BTreeSet<String> = BTreeSet::new();
        let mut queue: Vec<String> = Vec::new();
        let mut push = |target: String, queue: &mut Vec<String>| {
            if reached.insert(target.clone()) {
                queue.push(target);
            }
        };
        let paths = root.get("paths").cloned().unwrap_or(Value::Null);
        for (_, r) in refs_under(&paths, "/paths") {
            if let Some(t) = local_ref_pointer(&r) {
                push(t, &mut queue);
            }
        }
        while let Some(target) = queue.pop() {
            let Some(node) = root.pointer(&target) else {
                continue;
            };
            for (_, r) in refs_under(node, &target) {
                if let Some(t) = local_ref_pointer(&r) {
                    push(t, &mut queue);
                }
            }
            // Discriminator mappings name schemas too (by reference or by bare name).
            let mut mapped = Vec::new();
            walk(node, &target, &mut |_, key, v| {
                if key == "discriminator" {
                    if let Some(m) = v.get("mapping").and_then(Value::as_object) {
                        for t in m.values().filter_map(Value::as_str) {
                            mapped.push(match local_ref_pointer(t) {
                                Some(p) => p,
                                None => join("/components/schemas", t),
                            });
                        }
                    }
                }
            });
            for t in mapped {
                push(t, &mut queue);
            }
        }
        let used = |name: &str| {
            let p = join("/components/schemas", name);
            let prefix = format!("{p}/");
            reached.iter().any(|r| *r == p || r.starts_with(&prefix))
        };
        let unused: Vec<String> = schemas.keys().filter(|n| !used(n)).cloned().collect();
        for name in unused {
            self.error(
                &join("/components/schemas", &name),
                format!("component schema `{name}` is not used by any operation (not reachable from paths)"),
            );
        }
    }

    fn examples(&mut self) {
        let root = self.root().clone();
        for op in spec::operations(&root) {
            for container in [op.item, op.op] {
                let base = if std::ptr::eq(container, op.item) {
                    op.item_pointer.clone()
                } else {
                    op.pointer.clone()
                };
                if let Some(params) = container.get("parameters").and_then(Value::as_array) {
                    for (i, p) in params.iter().enumerate() {
                        self.parameter(p, &format!("{base}/parameters/{i}"), Direction::Request);
                    }
                }
            }
            if let Some(body) = op.op.get("requestBody") {
                self.content(
                    body,
                    &format!("{}/requestBody", op.pointer),
                    Direction::Request,
                );
            }
            if let Some(responses) = op.op.get("responses").and_then(Value::as_object) {
                for (status, response) in responses {
                    self.response(
                        response,
                        &join(&format!("{}/responses", op.pointer), status),
                    );
                }
            }
        }
        let components = |kind: &str| -> Vec<(String, Value)> {
            root.pointer(&format!("/components/{kind}"))
                .and_then(Value::as_object)
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| (join(&format!("/components/{kind}"), k), v.clone()))
                        .collect()
                })
                .unwrap_or_default()
        };
        for (p, v) in components("parameters") {
            self.parameter(&v, &p, Direction::Request);
        }
        for (p, v) in components("requestBodies") {
            self.content(&v, &p, Direction::Request);
        }
        for (p, v) in components("responses") {
            self.response(&v, &p);
        }
        for (p, v) in components("headers") {
            self.parameter(&v, &p, Direction::Response);
        }
        for (p, v) in components("schemas") {
            self.schema_examples(&v, &p, 0);
        }
    }

    fn response(&mut self, response: &Value, pointer: &str) {
        if response.get("$ref").is_some() {
            return;
        }
        self.content(response, pointer, Direction::Response);
        if let Some(headers) = response.get("headers").and_then(Value::as_object) {
            for (name, h) in headers {
                self.parameter(
                    h,
                    &join(&format!("{pointer}/headers"), name),
                    Direction::Response,
                );
            }
        }
    }

    /// A parameter or header: `example`/`examples` against `schema`, or its `content`.
    fn parameter(&mut self, param: &Value, pointer: &str, dir: Direction) {
        if param.get("$ref").is_some() {
            return;
        }
        if let Some(schema) = param.get("schema") {
            let schema_ptr = format!("{pointer}/schema");
            self.schema_examples(schema, &schema_ptr, 0);
            self.examples_of(param, pointer, schema, &schema_ptr, dir);
        }
        self.content(param, pointer, dir);
    }

    /// The media types under `holder/content`.
    fn content(&mut self, holder: &Value, pointer: &str, dir: Direction) {
        if holder.get("$ref").is_some() {
            return;
        }
        let Some(content) = holder.get("content").and_then(Value::as_object) else {
            return;
        };
        for (media_type, mt) in content {
            let mt_ptr = join(&format!("{pointer}/content"), media_type);
            if let Some(schema) = mt.get("schema") {
                let schema_ptr = format!("{mt_ptr}/schema");
                self.schema_examples(schema, &schema_ptr, 0);
                self.examples_of(mt, &mt_ptr, schema, &schema_ptr, dir);
            }
        }
    }

    /// `holder.example` and `holder.examples[*].value` against `schema`.
    fn examples_of(
        &mut self,
        holder: &Value,
        pointer: &str,
        schema: &Value,
        schema_ptr: &str,
        dir: Direction,
    ) {
        if let Some(example) = holder.get("example") {
            self.check(
                (schema, schema_ptr),
                (example, format!("{pointer}/example")),
                dir,
                None,
                "example",
            );
        }
        let Some(examples) = holder.get("examples").and_then(Value::as_object) else {
            return;
        };
        for (name, ex) in examples {
            let ex_ptr = join(&format!("{pointer}/examples"), name);
            let (target, target_ptr) = spec::deref(&self.doc.value, ex, &ex_ptr);
            let used_by = (target_ptr != ex_ptr).then(|| ex_ptr.clone());
            if let Some(value) = target.get("value") {
                let value = value.clone();
                self.check(
                    (schema, schema_ptr),
                    (&value, format!("{target_ptr}/value")),
                    dir,
                    used_by,
                    "example",
                );
            }
        }
    }

    /// Every schema's own `example`, through nested schemas.
    fn schema_examples(&mut self, schema: &Value, pointer: &str, depth: usize) {
        let Some(obj) = schema.as_object() else {
            return;
        };
        if obj.contains_key("$ref") || depth > 64 {
            return;
        }
        if let Some(example) = obj.get("example") {
            self.check(
                (schema, pointer),
                (example, format!("{pointer}/example")),
                Direction::Any,
                None,
                "example",
            );
        }
        if let Some(default) = obj.get("default") {
            self.check(
                (schema, pointer),
                (default, format!("{pointer}/default")),
                Direction::Any,
                None,
                "default",
            );
        }
        if let Some(props) = obj.get("properties").and_then(Value::as_object) {
            for (name, p) in props {
                self.schema_examples(p, &join(&format!("{pointer}/properties"), name), depth + 1);
            }
        }
        for key in ["items", "additionalProperties", "not"] {
            if let Some(s) = obj.get(key) {
                self.schema_examples(s, &format!("{pointer}/{key}"), depth + 1);
            }
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            if let Some(items) = obj.get(key).and_then(Value::as_array) {
                for (i, s) in items.iter().enumerate() {
                    self.schema_examples(s, &format!("{pointer}/{key}/{i}"), depth + 1);
                }
            }
        }
    }

    /// Collects a check of the value `instance` (with its pointer) against `schema`
    /// (with its pointer).
    fn check(
        &mut self,
        (schema, schema_ptr): (&Value, &str),
        (instance, instance_ptr): (&Value, String),
        dir: Direction,
        used_by: Option<String>,
        what: &'static str,
    ) {
        self.checks.push(Check {
            schema: schema.clone(),
            schema_ptr: schema_ptr.to_string(),
            instance: instance.clone(),
            instance_ptr,
            dir,
            used_by,
            what,
        });
    }

    /// Validates every collected value. One validator per direction holds every schema
    /// (as a property of one object) beside the component schemas, so the component
    /// schemas are converted and compiled once, not once per example: linear in the
    /// size of the document. A schema the meta-schema or the compiler refuses is
    /// reported once, where it is, and set aside (a component schema then accepts
    /// anything); the others are still checked.
    fn run_checks(&mut self) {
        let checks = std::mem::take(&mut self.checks);
        let root = &self.doc.value;
        let mut found = Vec::new();
        let mut broken: BTreeSet<String> = BTreeSet::new();
        for dir in [Direction::Request, Direction::Response, Direction::Any] {
            let mine: Vec<&Check> = checks.iter().filter(|c| c.dir == dir).collect();
            if mine.is_empty() {
                continue;
            }
            let mut properties = serde_json::Map::new();
            for (i, c) in mine.iter().enumerate() {
                let wrapped =
                    serde_json::json!({ "allOf": [schema::convert(root, &c.schema, dir, 0)] });
                properties.insert(format!("c{i}"), wrapped);
            }
            let mut combined = serde_json::json!({
                "definitions": schema::definitions(root, dir),
                "properties": properties,
            });
            let mut aside = SetAside {
                root,
                checks: &mine,
                broken: &mut broken,
                found: &mut found,
            };
            let meta = jsonschema::draft4::meta::validator();
            let problems: Vec<(String, String)> = meta
                .iter_errors(&combined)
                .map(|e| (e.instance_path().to_string(), e.to_string()))
                .collect();
            for (path, message) in problems {
                aside.apply(&mut combined, &path, &message);
            }
            let mut validator = None;
            for _ in 0..MAX_SET_ASIDE {
                match jsonschema::options()
                    .with_draft(jsonschema::Draft::Draft4)
                    .should_validate_formats(true)
                    .build(&combined)
                {
                    Ok(v) => {
                        validator = Some(v);
                        break;
                    }
                    Err(e) => {
                        let (path, message) = (e.instance_path().to_string(), e.to_string());
                        if !aside.apply(&mut combined, &path, &message) {
                            found.push((
                                String::new(),
                                format!("examples and defaults were not checked: the schemas cannot be compiled: {message}"),
                            ));
                            break;
                        }
                    }
                }
            }
            let Some(validator) = validator else {
                continue;
            };
            for (i, c) in mine.iter().enumerate() {
                let key = format!("c{i}");
                if combined["properties"].get(&key).is_none() {
                    continue;
                }
                let mut instance = serde_json::Map::new();
                instance.insert(key.clone(), c.instance.clone());
                let instance = Value::Object(instance);
                let prefix = format!("/{key}");
                let errors = validator.iter_errors(&instance).map(|e| {
                    let path = e.instance_path().to_string();
                    let path = path.strip_prefix(&prefix).unwrap_or(&path).to_string();
                    (path, e.to_string())
                });
                found.extend(report(c, errors));
            }
        }
        for (p, m) in found {
            self.error(&p, m);
        }
    }

    fn assumptions(&mut self) {
        let mut found = Vec::new();
        walk(&self.doc.value, "", &mut |parent, key, v| {
            if key == "x-assumption" {
                let text = match v {
                    Value::String(s) => s.split_whitespace().collect::<Vec<_>>().join(" "),
                    other => other.to_string(),
                };
                found.push((join(parent, key), text));
            }
        });
        for (p, text) in found {
            let d = self
                .doc
                .diag(Severity::Info, &p, format!("assumption: {text}"));
            self.out.push(d);
        }
    }
}

/// Most schemas set aside one at a time because the compiler refuses them.
const MAX_SET_ASIDE: usize = 100;

/// Sets aside the schemas of a combined validator that cannot be compiled.
struct SetAside<'a, 'c> {
    root: &'a Value,
    checks: &'a [&'c Check],
    broken: &'a mut BTreeSet<String>,
    found: &'a mut Vec<(String, String)>,
}

impl SetAside<'_, '_> {
    /// Sets aside the schema holding `path` (a pointer into the combined schema), and
    /// reports `message` once at the closest place in the document. `false` when the
    /// path is in no schema of ours.
    fn apply(&mut self, combined: &mut Value, path: &str, message: &str) -> bool {
        let tokens: Vec<String> = path
            .split('/')
            .skip(1)
            .map(crate::locate::unescape_token)
            .collect();
        let (base, rest) = match tokens.as_slice() {
            [folder, name, rest @ ..] if folder == "definitions" => {
                match combined["definitions"].get_mut(name.as_str()) {
                    Some(def) => *def = serde_json::json!({}),
                    None => return false,
                }
                (join("/components/schemas", name), rest)
            }
            [folder, key, rest @ ..] if folder == "properties" => {
                let Some(i) = key.strip_prefix('c').and_then(|n| n.parse::<usize>().ok()) else {
                    return false;
                };
                let Some(check) = self.checks.get(i) else {
                    return false;
                };
                if let Some(props) = combined["properties"].as_object_mut() {
                    props.remove(key.as_str());
                }
                // Inside the `allOf: [..]` wrapper.
                (check.schema_ptr.clone(), rest.get(2..).unwrap_or(&[]))
            }
            _ => return false,
        };
        // The converted schema mostly mirrors the original; where it does not (the
        // wrapper of `nullable`), point at the deepest node the document has.
        let mut pointer = base.clone();
        for token in rest {
            let next = join(&pointer, token);
            if self.root.pointer(&next).is_none() {
                break;
            }
            pointer = next;
        }
        if self.broken.insert(pointer.clone()) {
            self.found.push((
                pointer,
                format!("schema cannot be used to check examples: {message}"),
            ));
        }
        true
    }
}

/// The lint errors for one check's validation errors (instance path, message).
fn report(c: &Check, errors: impl Iterator<Item = (String, String)>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (n, (instance, err)) in errors.enumerate() {
        if n == MAX_ERRORS_PER_EXAMPLE {
            out.push((
                c.instance_ptr.clone(),
                format!("(more schema violations in this {} not shown)", c.what),
            ));
            break;
        }
        let via = c
            .used_by
            .as_ref()
            .map(|u| format!(" (used by {u})"))
            .unwrap_or_default();
        out.push((
            format!("{}{instance}", c.instance_ptr),
            format!(
                "{} does not match schema {}{via}: {err}",
                c.what, c.schema_ptr
            ),
        ));
    }
    out
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}
