//! `cargo xtask lint`: checks a validator does not make.
//!
//! - every `$ref` resolves (local `#/...` references; external ones are unsupported);
//! - operationIds are unique within a file;
//! - every example validates against its schema (media type `example` and
//!   `examples[*].value`, parameter and header `example`/`examples`, schema `example`);
//! - every component schema is used (reachable from `paths`, transitively);
//! - every operation documents a success (2xx or `default`) response;
//! - and, for reviewers, every `x-assumption` marker is listed as an info line.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::locate::join;
use crate::schema::{self, Direction};
use crate::spec::{self, display_path, local_ref_pointer, Diagnostic, Doc, Severity};
use crate::Failure;

/// Most schema violations reported for one example.
const MAX_ERRORS_PER_EXAMPLE: usize = 5;

/// Lints one parsed document.
pub fn lint_doc(doc: &Doc) -> Vec<Diagnostic> {
    let mut linter = Linter {
        doc,
        out: Vec::new(),
        defs: HashMap::new(),
        broken_schemas: BTreeSet::new(),
    };
    linter.openapi_shape();
    linter.refs();
    linter.operation_ids();
    linter.success_responses();
    linter.unused_schemas();
    linter.examples();
    linter.assumptions();
    let mut out = linter.out;
    out.sort_by(|a, b| {
        (
            a.position.unwrap_or((usize::MAX, 0)),
            &a.pointer,
            a.severity,
            &a.message,
        )
            .cmp(&(
                b.position.unwrap_or((usize::MAX, 0)),
                &b.pointer,
                b.severity,
                &b.message,
            ))
    });
    out.dedup();
    out
}

/// Lints the file at `path`, shown as `file`.
pub fn lint_file(path: &Path, file: &str) -> Vec<Diagnostic> {
    match Doc::read(path, file) {
        Ok(doc) => lint_doc(&doc),
        Err(d) => vec![d],
    }
}

/// One lint line: `file:line:col: /pointer: error: message`.
pub fn format_diagnostic(d: &Diagnostic) -> String {
    format!("{}: {}: {}", d.location(), d.severity, d.message)
}

/// `cargo xtask lint [FILE...]`: lints `files`, or every spec in `specs_dir`.
pub fn run_lint(
    base: &Path,
    specs_dir: &Path,
    files: &[PathBuf],
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let files = if files.is_empty() {
        spec::collect_specs(specs_dir).map_err(|e| Failure::io(specs_dir, e))?
    } else {
        files.to_vec()
    };
    let (mut errors, mut warnings, mut assumptions) = (0, 0, 0);
    for path in &files {
        for d in lint_file(path, &display_path(base, path)) {
            match d.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
                Severity::Info => assumptions += 1,
            }
            writeln!(out, "{}", format_diagnostic(&d)).ok();
        }
    }
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut summary = format!(
        "linted {}: {}",
        plural(files.len(), "file"),
        plural(errors, "error")
    );
    if warnings > 0 {
        summary.push_str(&format!(", {}", plural(warnings, "warning")));
    }
    summary.push_str(&format!(", {}", plural(assumptions, "assumption")));
    writeln!(out, "{summary}").ok();
    if errors > 0 {
        Err(Failure::new(format!(
            "lint found {}",
            plural(errors, "error")
        )))
    } else {
        Ok(())
    }
}

struct Linter<'a> {
    doc: &'a Doc,
    out: Vec<Diagnostic>,
    defs: HashMap<Direction, Value>,
    broken_schemas: BTreeSet<String>,
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

    /// The document must be OpenAPI 3.0 that the generator can read at all.
    fn openapi_shape(&mut self) {
        let path = Path::new(&self.doc.file);
        if let Err(e) = codegen::parse_spec(path, self.doc.source.clone()) {
            // The node the pointer names is more precise than where the parser stopped.
            let located = (!e.pointer.is_empty()).then(|| self.doc.locator.locate(&e.pointer));
            let position = located.flatten().or(e.position);
            self.out.push(Diagnostic {
                severity: Severity::Error,
                file: self.doc.file.clone(),
                position,
                pointer: e.pointer.clone(),
                message: format!("not a valid OpenAPI 3.0 document: {}", e.message),
            });
        }
    }

    fn refs(&mut self) {
        for (pointer, reference) in refs_under(self.root(), "") {
            match local_ref_pointer(&reference) {
                None => self.error(
                    &pointer,
                    format!("external $ref `{reference}` is not supported; only local references (`#/...`) are"),
                ),
                Some(target) if self.root().pointer(&target).is_none() => {
                    let hint = self.closest_name(&target).map(|n| format!(" (did you mean `{n}`?)")).unwrap_or_default();
                    self.error(&pointer, format!("$ref `{reference}` does not resolve: nothing at {target}{hint}"))
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
                schema,
                schema_ptr,
                example,
                &format!("{pointer}/example"),
                dir,
                None,
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
                    schema,
                    schema_ptr,
                    &value,
                    &format!("{target_ptr}/value"),
                    dir,
                    used_by,
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
                schema,
                pointer,
                example,
                &format!("{pointer}/example"),
                Direction::Any,
                None,
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

    fn check(
        &mut self,
        schema: &Value,
        schema_ptr: &str,
        example: &Value,
        example_ptr: &str,
        dir: Direction,
        used_by: Option<String>,
    ) {
        let root = &self.doc.value;
        let defs = self
            .defs
            .entry(dir)
            .or_insert_with(|| schema::definitions(root, dir));
        let json_schema = schema::document(root, schema, dir, defs);
        let validator = match jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .should_validate_formats(true)
            .build(&json_schema)
        {
            Ok(v) => v,
            Err(e) => {
                if self.broken_schemas.insert(schema_ptr.to_string()) {
                    self.error(
                        schema_ptr,
                        format!("schema cannot be used to check examples: {e}"),
                    );
                }
                return;
            }
        };
        let mut found = Vec::new();
        for (n, err) in validator.iter_errors(example).enumerate() {
            if n == MAX_ERRORS_PER_EXAMPLE {
                found.push((
                    example_ptr.to_string(),
                    "(more schema violations in this example not shown)".to_string(),
                ));
                break;
            }
            let instance = err.instance_path().to_string();
            let via = used_by
                .as_ref()
                .map(|u| format!(" (used by {u})"))
                .unwrap_or_default();
            found.push((
                format!("{example_ptr}{instance}"),
                format!("example does not match schema {schema_ptr}{via}: {err}"),
            ));
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
