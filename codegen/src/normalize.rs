//! The normalising pass between the text and the typed model: it brings what
//! `openapiv3` (an OpenAPI 3.0 model) cannot read to the 3.0 shape, so that the rest of
//! the generator sees one kind of document.
//!
//! - **OpenAPI 3.1**: `type` lists (with `"null"`), `const`, `examples` arrays, numeric
//!   `exclusiveMinimum`/`exclusiveMaximum`, `$ref` with sibling keywords,
//!   `contentEncoding`/`contentMediaType`, optional `paths`, `components/pathItems`;
//!   `webhooks` keep their component types but get no client methods.
//! - **Any `$ref`**: a schema reference to any place in the document (into `paths`, into
//!   a component's property, into `$defs`) or into another file becomes a reference to a
//!   component schema added for it (each place once, so recursion still works); other
//!   references (parameters, responses, path items) that are not to their components
//!   are replaced by what they point at. Pointers are decoded as RFC 6901 (`~0`, `~1`)
//!   after percent-decoding (RFC 3986), and written back canonically.
//!
//! Everything that loses meaning on the way is a [`Note`] with the JSON pointer of the
//! place in the source document; a reference to nothing is a [`Note`] too (the error of `normalize`).
//!
//! Why a pass on JSON rather than a 3.1 model crate: the user chose `openapiv3` for the
//! generator, and a second typed model would mean a second generator front end; the
//! differences that matter for types are few and local, so rewriting them keeps one
//! typed model and one code path, and each loss is reported where it happens.

use crate::operations::METHODS;
use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::load::{escape_pointer_token as escape, unescape_token as unescape, COMPONENT_KINDS};

pub use crate::note::Note;

/// Reads another file named by a `$ref`, relative to the spec's folder; returns the
/// parsed document or why it cannot be read.
pub type FileLoader<'l> = dyn FnMut(&str) -> Result<Value, String> + 'l;

/// How deep references that are replaced by their target may nest.
const MAX_INLINE_DEPTH: usize = 32;

/// What the pass found besides the rewritten document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Normalized {
    /// Constructs carried over inexactly.
    pub notes: Vec<Note>,
    /// References to nothing (or into a file that cannot be read), left as they are so
    /// that every one can be reported: `gen` refuses the first, `lint` lists them all.
    pub unresolved: Vec<Note>,
    /// The component schemas the pass added, by their pointer in the rewritten document
    /// (`/components/schemas/Item_itemType`): the place each was taken from
    /// (`/components/schemas/Item/definitions/itemType`, or `file#pointer`), so that a
    /// message about one names a place the author wrote.
    pub origins: BTreeMap<String, String>,
}

/// Normalises `doc` in place (see the module docs). `load` reads other files; it is
/// called once per file.
pub fn normalize(doc: &mut Value, load: &mut FileLoader<'_>) -> Result<Normalized, Note> {
    let version = doc
        .get("openapi")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let mut pass = Pass {
        is31: version.starts_with("3.1"),
        main: doc.clone(),
        files: BTreeMap::new(),
        hoisted: BTreeMap::new(),
        taken: BTreeSet::new(),
        added: Vec::new(),
        notes: Vec::new(),
        unresolved: Vec::new(),
        load,
    };
    if let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        pass.taken.extend(schemas.keys().cloned());
    }
    if pass.is31 {
        pass.top_level_31(doc);
    }
    pass.document(doc)?;
    if !pass.added.is_empty() {
        let components = doc
            .as_object_mut()
            .expect("a document is an object")
            .entry("components")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(components) = components.as_object_mut() {
            let schemas = components
                .entry("schemas")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Some(schemas) = schemas.as_object_mut() {
                for (name, schema) in std::mem::take(&mut pass.added) {
                    schemas.insert(name, schema);
                }
            }
        }
    }
    let origins = pass
        .hoisted
        .iter()
        .map(|(place, name)| {
            (
                format!("/components/schemas/{}", escape(name)),
                place.display(),
            )
        })
        .collect();
    Ok(Normalized {
        notes: pass.notes,
        unresolved: pass.unresolved,
        origins,
    })
}

/// Where a reference is resolved: the main document or another file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Place {
    /// `None` for the main document.
    file: Option<String>,
    /// Decoded JSON pointer tokens.
    tokens: Vec<String>,
}

impl Place {
    fn display(&self) -> String {
        let pointer: String = self
            .tokens
            .iter()
            .map(|t| format!("/{}", escape(t)))
            .collect();
        match &self.file {
            Some(file) => format!("{file}#{pointer}"),
            None => pointer,
        }
    }
}

struct Pass<'l, 'f> {
    is31: bool,
    /// The document as read, for resolving local references.
    main: Value,
    /// Other files, read once each.
    files: BTreeMap<String, Value>,
    /// Places already added as component schemas, by their new name.
    hoisted: BTreeMap<Place, String>,
    /// Component schema names in use.
    taken: BTreeSet<String>,
    /// Component schemas added by the pass, in order.
    added: Vec<(String, Value)>,
    notes: Vec<Note>,
    unresolved: Vec<Note>,
    load: &'l mut FileLoader<'f>,
}

impl Pass<'_, '_> {
    fn unresolved(&mut self, e: Note) {
        self.unresolved.push(Note {
            pointer: e.pointer,
            message: e.message,
        });
    }

    fn note(&mut self, pointer: &str, message: impl Into<String>) {
        self.notes.push(Note {
            pointer: pointer.to_string(),
            message: message.into(),
        });
    }

    fn top_level_31(&mut self, doc: &mut Value) {
        let Some(obj) = doc.as_object_mut() else {
            return;
        };
        obj.insert("openapi".into(), Value::String("3.0.3".into()));
        obj.entry("paths")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(hooks) = obj.get("webhooks").and_then(Value::as_object) {
            let names: Vec<String> = hooks.keys().cloned().collect();
            for name in names {
                self.note(
                    &format!("/webhooks/{}", escape(&name)),
                    "a webhook gets no client method (the server calls it); the component schemas it uses are generated",
                );
            }
        }
        // 3.0's typed model drops `webhooks`; as the `x-webhooks` extension (which 3.0
        // documents such as GitHub's use for the same thing) it reaches the per-tag
        // split, which gives each webhook's types a cargo feature.
        if !obj.contains_key(crate::select::WEBHOOKS_EXTENSION) {
            if let Some(hooks) = obj.remove("webhooks") {
                obj.insert(crate::select::WEBHOOKS_EXTENSION.into(), hooks);
            }
        }
    }

    fn document(&mut self, doc: &mut Value) -> Result<(), Note> {
        let file = None;
        if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
            for (path, item) in paths.iter_mut() {
                if path.starts_with("x-") {
                    continue;
                }
                let pointer = format!("/paths/{}", escape(path));
                self.path_item(item, &pointer, &file, 0)?;
            }
        }
        if let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut) {
            for (kind, entries) in components.iter_mut() {
                let Some(entries) = entries.as_object_mut() else {
                    continue;
                };
                for (name, value) in entries.iter_mut() {
                    let pointer = format!("/components/{}/{}", escape(kind), escape(name));
                    match kind.as_str() {
                        "schemas" => self.schema(value, &pointer, &file)?,
                        "parameters" | "headers" => self.parameter(value, &pointer, &file, 0)?,
                        "responses" => self.response(value, &pointer, &file, 0)?,
                        "requestBodies" => self.request_body(value, &pointer, &file, 0)?,
                        "pathItems" => self.path_item(value, &pointer, &file, 0)?,
                        "callbacks" => {
                            let kinds = &["callbacks"];
                            let is_ref =
                                self.component_ref(value, &pointer, &file, kinds, 0, "callback")?;
                            if !is_ref {
                                self.callback(value, &pointer, &file, 0)?;
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        Ok(())
    }

    fn path_item(
        &mut self,
        item: &mut Value,
        pointer: &str,
        file: &Option<String>,
        depth: usize,
    ) -> Result<(), Note> {
        // A path item `$ref` (3.0: to another file; 3.1: also `#/components/pathItems`)
        // is replaced by the path item it names; sibling fields win.
        if let Some(reference) = item.get("$ref").and_then(Value::as_str) {
            let place = self.parse_ref(reference, pointer, file)?;
            if let Err(e) = self.lookup(&place, pointer) {
                self.unresolved(e);
                return Ok(());
            }
            self.inline(item, pointer, file, depth, "path item")?;
        }
        let Some(obj) = item.as_object_mut() else {
            return Ok(());
        };
        if let Some(Value::Array(params)) = obj.get_mut("parameters") {
            for (i, p) in params.iter_mut().enumerate() {
                self.parameter(p, &format!("{pointer}/parameters/{i}"), file, depth)?;
            }
        }
        for method in METHODS {
            if let Some(op) = obj.get_mut(method) {
                self.operation(op, &format!("{pointer}/{method}"), file, depth)?;
            }
        }
        Ok(())
    }

    fn operation(
        &mut self,
        op: &mut Value,
        pointer: &str,
        file: &Option<String>,
        depth: usize,
    ) -> Result<(), Note> {
        let Some(obj) = op.as_object_mut() else {
            return Ok(());
        };
        if let Some(Value::Array(params)) = obj.get_mut("parameters") {
            for (i, p) in params.iter_mut().enumerate() {
                self.parameter(p, &format!("{pointer}/parameters/{i}"), file, depth)?;
            }
        }
        if let Some(body) = obj.get_mut("requestBody") {
            self.request_body(body, &format!("{pointer}/requestBody"), file, depth)?;
        }
        if let Some(Value::Object(responses)) = obj.get_mut("responses") {
            for (status, response) in responses.iter_mut() {
                let p = format!("{pointer}/responses/{}", escape(status));
                self.response(response, &p, file, depth)?;
            }
        }
        if let Some(Value::Object(callbacks)) = obj.get_mut("callbacks") {
            for (name, callback) in callbacks.iter_mut() {
                let p = format!("{pointer}/callbacks/{}", escape(name));
                // `openapiv3` holds no reference among an operation's callbacks (a
                // callback there is a map of path items), so every one is replaced by
                // its target, even one to `#/components/callbacks/...`.
                if !self.component_ref(callback, &p, file, &[], depth, "callback")? {
                    self.callback(callback, &p, file, depth)?;
                }
            }
        }
        Ok(())
    }

    /// A callback: path items by runtime expression.
    fn callback(
        &mut self,
        callback: &mut Value,
        pointer: &str,
        file: &Option<String>,
        depth: usize,
    ) -> Result<(), Note> {
        if let Some(paths) = callback.as_object_mut() {
            for (expr, item) in paths.iter_mut() {
                if expr.starts_with("x-") {
                    continue;
                }
                let p = format!("{pointer}/{}", escape(expr));
                self.path_item(item, &p, file, depth)?;
            }
        }
        Ok(())
    }

    /// A parameter or a header: the same fields where schemas can be.
    fn parameter(
        &mut self,
        p: &mut Value,
        pointer: &str,
        file: &Option<String>,
        depth: usize,
    ) -> Result<(), Note> {
        if self.component_ref(
            p,
            pointer,
            file,
            &["parameters", "headers"],
            depth,
            "parameter",
        )? {
            return Ok(());
        }
        if let Some(schema) = p.get_mut("schema") {
            self.schema(schema, &format!("{pointer}/schema"), file)?;
        }
        self.content(p, pointer, file, depth)
    }

    fn request_body(
        &mut self,
        body: &mut Value,
        pointer: &str,
        file: &Option<String>,
        depth: usize,
    ) -> Result<(), Note> {
        if self.component_ref(
            body,
            pointer,
            file,
            &["requestBodies"],
            depth,
            "request body",
        )? {
            return Ok(());
        }
        self.content(body, pointer, file, depth)
    }

    fn response(
        &mut self,
        response: &mut Value,
        pointer: &str,
        file: &Option<String>,
        depth: usize,
    ) -> Result<(), Note> {
        if self.component_ref(response, pointer, file, &["responses"], depth, "response")? {
            return Ok(());
        }
        if let Some(Value::Object(headers)) = response.get_mut("headers") {
            for (name, header) in headers.iter_mut() {
                let p = format!("{pointer}/headers/{}", escape(name));
                self.parameter(header, &p, file, depth)?;
            }
        }
        self.content(response, pointer, file, depth)
    }

    fn content(
        &mut self,
        owner: &mut Value,
        pointer: &str,
        file: &Option<String>,
        depth: usize,
    ) -> Result<(), Note> {
        let Some(Value::Object(content)) = owner.get_mut("content") else {
            return Ok(());
        };
        for (media, m) in content.iter_mut() {
            let p = format!("{pointer}/content/{}", escape(media));
            if let Some(schema) = m.get_mut("schema") {
                self.schema(schema, &format!("{p}/schema"), file)?;
            }
            if let Some(Value::Object(encodings)) = m.get_mut("encoding") {
                for (name, e) in encodings.iter_mut() {
                    if let Some(Value::Object(headers)) = e.get_mut("headers") {
                        for (h, header) in headers.iter_mut() {
                            let hp = format!("{p}/encoding/{}/headers/{}", escape(name), escape(h));
                            self.parameter(header, &hp, file, depth)?;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// A `$ref` where a parameter, response or request body stands: kept when it names
    /// a component of `kinds` in the main document (written canonically), otherwise
    /// replaced by its (normalised) target. True when `value` was a reference, so there
    /// is nothing left to normalise.
    fn component_ref(
        &mut self,
        value: &mut Value,
        pointer: &str,
        file: &Option<String>,
        kinds: &[&str],
        depth: usize,
        what: &str,
    ) -> Result<bool, Note> {
        let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
            return Ok(false);
        };
        let place = self.parse_ref(reference, pointer, file)?;
        if place.file.is_none()
            && place.tokens.len() == 3
            && place.tokens[0] == "components"
            && kinds.contains(&place.tokens[1].as_str())
        {
            let canonical = format!("#{}", place.display());
            value
                .as_object_mut()
                .expect("has a $ref")
                .insert("$ref".into(), Value::String(canonical));
            // `openapiv3` resolves it; its target is normalised where it is declared.
            if let Err(e) = self.lookup(&place, pointer) {
                self.unresolved(e);
            }
            return Ok(true);
        }
        if let Err(e) = self.lookup(&place, pointer) {
            self.unresolved(e);
            return Ok(true);
        }
        // Replaced by its target, which `inline` normalises as a `what` of its own.
        self.inline(value, pointer, file, depth, what)?;
        Ok(true)
    }

    /// Replaces the reference object `value` by a copy of its target (its own other
    /// fields win, as OpenAPI 3.1 lets `summary`/`description` override).
    fn inline(
        &mut self,
        value: &mut Value,
        pointer: &str,
        file: &Option<String>,
        depth: usize,
        what: &str,
    ) -> Result<(), Note> {
        if depth >= MAX_INLINE_DEPTH {
            return Err(Note {
                pointer: pointer.to_string(),
                message: format!(
                    "`$ref`s of this {what} nest more than {MAX_INLINE_DEPTH} deep (a cycle?)"
                ),
            });
        }
        let mut current_file = file.clone();
        let mut guard = 0;
        while let Some(reference) = value
            .get("$ref")
            .and_then(Value::as_str)
            .map(str::to_string)
        {
            guard += 1;
            if guard > MAX_INLINE_DEPTH {
                return Err(Note {
                    pointer: pointer.to_string(),
                    message: format!("`$ref: {reference}`: a cycle of references to references"),
                });
            }
            let place = self.parse_ref(&reference, pointer, &current_file)?;
            let target = self.lookup(&place, pointer)?.clone();
            let Value::Object(mut target) = target else {
                return Err(Note {
                    pointer: pointer.to_string(),
                    message: format!(
                        "`$ref: {reference}` points to something that is not a {what}"
                    ),
                });
            };
            if let Value::Object(own) = value {
                own.remove("$ref");
                for (k, v) in std::mem::take(own) {
                    target.insert(k, v);
                }
            }
            *value = Value::Object(target);
            current_file = place.file.clone();
        }
        // Local references inside a copy from another file point into that file.
        if current_file != *file {
            self.rebase_refs(value, &current_file);
        }
        match what {
            "path item" => self.path_item(value, pointer, &None, depth + 1),
            "parameter" => self.parameter(value, pointer, &None, depth + 1),
            "response" => self.response(value, pointer, &None, depth + 1),
            "request body" => self.request_body(value, pointer, &None, depth + 1),
            "callback" => self.callback(value, pointer, &None, depth + 1),
            _ => Ok(()),
        }
    }

    /// Rewrites every local `$ref` (`#/...`) inside `value` to name `file`, so that a
    /// copy taken from `file` keeps pointing into it.
    fn rebase_refs(&self, value: &mut Value, file: &Option<String>) {
        let Some(file) = file else { return };
        match value {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get_mut("$ref") {
                    *r = match r.split_once('#') {
                        Some(("", fragment)) => format!("{file}#{fragment}"),
                        Some((path, fragment)) => format!("{}#{fragment}", join(Some(file), path)),
                        None => join(Some(file), r),
                    };
                }
                for (k, v) in map.iter_mut() {
                    if k != "$ref" {
                        self.rebase_refs(v, &Some(file.clone()));
                    }
                }
            }
            Value::Array(items) => {
                for v in items {
                    self.rebase_refs(v, &Some(file.clone()));
                }
            }
            _ => {}
        }
    }

    fn schema(&mut self, s: &mut Value, pointer: &str, file: &Option<String>) -> Result<(), Note> {
        let Value::Object(obj) = s else {
            if self.is31 && s.is_boolean() {
                // `true` / `false` schemas (3.1): any value / no value.
                let any = s.as_bool() == Some(true);
                if !any {
                    self.note(
                        pointer,
                        "the `false` schema (no value allowed) is read as any value",
                    );
                }
                *s = Value::Object(Map::new());
            }
            return Ok(());
        };
        if self.is31 {
            self.schema_31(obj, pointer);
        }
        if let Some(Value::String(reference)) = obj.get("$ref").cloned() {
            let target = match self.schema_ref(&reference, pointer, file) {
                Ok(target) => target,
                Err(e) => {
                    self.unresolved(e);
                    reference
                }
            };
            let siblings: Vec<String> = obj.keys().filter(|k| *k != "$ref").cloned().collect();
            if siblings.is_empty() {
                obj.insert("$ref".into(), Value::String(target));
            } else {
                // A `$ref` with sibling keywords (3.1): the referenced type, annotated.
                obj.remove("$ref");
                let mut reference = Map::new();
                reference.insert("$ref".into(), Value::String(target));
                let mut all_of = vec![Value::Object(reference)];
                if let Some(Value::Array(existing)) = obj.remove("allOf") {
                    all_of.extend(existing);
                }
                obj.insert("allOf".into(), Value::Array(all_of));
            }
        }
        for key in [
            "properties",
            "patternProperties",
            "$defs",
            "definitions",
            "dependentSchemas",
        ] {
            if let Some(Value::Object(children)) = obj.get_mut(key) {
                for (name, child) in children.iter_mut() {
                    let p = format!("{pointer}/{key}/{}", escape(name));
                    self.schema(child, &p, file)?;
                }
            }
        }
        for key in ["allOf", "oneOf", "anyOf", "prefixItems"] {
            if let Some(Value::Array(children)) = obj.get_mut(key) {
                for (i, child) in children.iter_mut().enumerate() {
                    self.schema(child, &format!("{pointer}/{key}/{i}"), file)?;
                }
            }
        }
        for key in [
            "items",
            "additionalProperties",
            "not",
            "contains",
            "propertyNames",
            "if",
            "then",
            "else",
            "unevaluatedItems",
            "unevaluatedProperties",
        ] {
            if let Some(child) = obj.get_mut(key) {
                if child.is_object() || (self.is31 && key == "items" && child.is_boolean()) {
                    self.schema(child, &format!("{pointer}/{key}"), file)?;
                }
            }
        }
        Ok(())
    }

    /// The 3.1 keywords of one schema object, rewritten to their 3.0 form.
    fn schema_31(&mut self, obj: &mut Map<String, Value>, pointer: &str) {
        if let Some(Value::Array(types)) = obj.get("type").cloned() {
            let names: Vec<&str> = types.iter().filter_map(Value::as_str).collect();
            let nullable = names.contains(&"null");
            let rest: Vec<&str> = names.iter().copied().filter(|t| *t != "null").collect();
            obj.remove("type");
            match rest.as_slice() {
                [] => {}
                [one] => {
                    obj.insert("type".into(), Value::String(one.to_string()));
                }
                several => {
                    // Each type a member; keywords of the parent still apply to each.
                    let members = several
                        .iter()
                        .map(|t| serde_json::json!({ "type": t }))
                        .collect();
                    obj.insert("oneOf".into(), Value::Array(members));
                }
            }
            if nullable {
                obj.insert("nullable".into(), Value::Bool(true));
            }
        } else if obj.get("type").and_then(Value::as_str) == Some("null") {
            obj.remove("type");
            obj.insert("nullable".into(), Value::Bool(true));
            self.note(
                pointer,
                "`type: null` (only `null` allowed) is read as any value that may be null",
            );
        }
        if let Some(value) = obj.remove("const") {
            if value.is_null() {
                obj.insert("nullable".into(), Value::Bool(true));
            }
            obj.insert("enum".into(), Value::Array(vec![value]));
        }
        if let Some(Value::Array(examples)) = obj.remove("examples") {
            if let Some(first) = examples.into_iter().next() {
                obj.entry("example").or_insert(first);
            }
        }
        for (exclusive, bound) in [
            ("exclusiveMinimum", "minimum"),
            ("exclusiveMaximum", "maximum"),
        ] {
            if obj.get(exclusive).is_some_and(Value::is_number) {
                let limit = obj.remove(exclusive).expect("checked");
                obj.insert(bound.into(), limit);
                obj.insert(exclusive.into(), Value::Bool(true));
            }
        }
        let encoding = obj.remove("contentEncoding");
        let media = obj.remove("contentMediaType");
        if obj.get("type").and_then(Value::as_str) == Some("string") && !obj.contains_key("format")
        {
            match (
                encoding.as_ref().and_then(Value::as_str),
                media.as_ref().and_then(Value::as_str),
            ) {
                (Some("base64"), _) => {
                    obj.insert("format".into(), Value::String("byte".into()));
                }
                (None, Some(m)) if m == "application/octet-stream" || m.starts_with("image/") => {
                    obj.insert("format".into(), Value::String("binary".into()));
                }
                _ => {}
            }
        }
        for (key, what) in [
            (
                "prefixItems",
                "tuple items (`prefixItems`) are read as an array of any value",
            ),
            (
                "if",
                "a conditional schema (`if`/`then`/`else`) is not applied",
            ),
            ("dependentSchemas", "`dependentSchemas` are not applied"),
            (
                "patternProperties",
                "`patternProperties` are not applied: such properties are kept as extra JSON",
            ),
            (
                "unevaluatedProperties",
                "`unevaluatedProperties` is not applied",
            ),
        ] {
            if obj.contains_key(key) {
                self.note(pointer, what);
            }
        }
    }

    /// The `$ref` text a schema reference becomes: itself (canonical) when it names a
    /// component schema of the main document, else the component added for its target.
    fn schema_ref(
        &mut self,
        reference: &str,
        pointer: &str,
        file: &Option<String>,
    ) -> Result<String, Note> {
        let place = self.parse_ref(reference, pointer, file)?;
        if place.file.is_none()
            && place.tokens.len() == 3
            && place.tokens[0] == "components"
            && place.tokens[1] == "schemas"
        {
            // A component this pass added (a rewritten reference met again, as in the
            // `allOf` a `$ref` with siblings becomes) is not in the document as read.
            if !self.hoisted.values().any(|name| *name == place.tokens[2]) {
                self.lookup(&place, pointer)?;
            }
            return Ok(format!("#{}", place.display()));
        }
        if place.tokens.len() == 3 && place.tokens[0] == "components" {
            // A component of another kind (rumble.run names a response where a schema
            // stands): its text is no schema, and reading it as one would guess.
            let kind = place.tokens[1].as_str();
            if kind != "schemas" && (COMPONENT_KINDS.contains(&kind) || kind == "pathItems") {
                return Err(Note {
                    pointer: format!("{pointer}/$ref"),
                    message: format!(
                        "`$ref: {reference}` names a component of `{kind}` where a schema must be; a schema `$ref` must point to a schema (#/components/schemas/...)"
                    ),
                });
            }
        }
        if let Some(name) = self.hoisted.get(&place) {
            return Ok(format!("#/components/schemas/{}", escape(name)));
        }
        let mut target = self.lookup(&place, pointer)?.clone();
        let name = self.claim(&place);
        self.hoisted.insert(place.clone(), name.clone());
        if place.file.is_some() {
            self.rebase_refs(&mut target, &place.file);
        }
        // Normalised as a schema of its own file; later references find it by name,
        // so a recursive one ends here.
        let at = place.display();
        self.schema(&mut target, &at, &None)?;
        self.added.push((name.clone(), target));
        Ok(format!("#/components/schemas/{}", escape(&name)))
    }

    /// A component name for a schema found at `place`: its last meaningful pointer
    /// tokens (`Disk/properties/filesystem` → `Disk_filesystem`), unique.
    fn claim(&mut self, place: &Place) -> String {
        const STRUCTURE: &[&str] = &[
            "paths",
            "components",
            "schemas",
            "properties",
            "items",
            "schema",
            "content",
            "responses",
            "requestBody",
            "parameters",
            "$defs",
            "definitions",
            "allOf",
            "oneOf",
            "anyOf",
            "additionalProperties",
            "headers",
        ];
        const ARRAYS: &[&str] = &["allOf", "oneOf", "anyOf", "prefixItems", "parameters"];
        let mut meaningful: Vec<String> = Vec::new();
        for (i, token) in place.tokens.iter().enumerate() {
            let after_array = i > 0 && ARRAYS.contains(&place.tokens[i - 1].as_str());
            if STRUCTURE.contains(&token.as_str()) || after_array {
                continue;
            }
            if let Some(path) = token.strip_prefix('/') {
                // A path: its segments, without template braces.
                let words: Vec<&str> = path
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .collect();
                meaningful.push(words.join("_"));
            } else if !token.contains('/') {
                // (A token with a `/` inside is a media type.)
                meaningful.push(token.clone());
            }
        }
        meaningful.retain(|t| !t.is_empty());
        let start = meaningful.len().saturating_sub(3);
        let mut base = meaningful[start..].join("_");
        if base.is_empty() {
            base = "Schema".into();
        }
        let mut name = base.clone();
        let mut n = 2;
        while !self.taken.insert(name.clone()) {
            name = format!("{base}{n}");
            n += 1;
        }
        name
    }

    /// Parses a `$ref` as seen from `file`.
    fn parse_ref(
        &self,
        reference: &str,
        pointer: &str,
        file: &Option<String>,
    ) -> Result<Place, Note> {
        let (path, fragment) = match reference.split_once('#') {
            Some((path, fragment)) => (path, fragment),
            None => (reference, ""),
        };
        let file = if path.is_empty() {
            file.clone()
        } else {
            Some(join(file.as_deref(), path))
        };
        let decoded = percent_encoding::percent_decode_str(fragment)
            .decode_utf8()
            .map_err(|_| Note {
                pointer: format!("{pointer}/$ref"),
                message: format!(
                    "`$ref: {reference}`: the fragment is not valid percent-encoded UTF-8"
                ),
            })?;
        if !decoded.is_empty() && !decoded.starts_with('/') {
            return Err(Note {
                pointer: format!("{pointer}/$ref"),
                message: format!(
                    "`$ref: {reference}`: the fragment must be a JSON pointer (`#/...`)"
                ),
            });
        }
        let tokens = decoded.split('/').skip(1).map(unescape).collect();
        Ok(Place { file, tokens })
    }

    /// The value at `place`, reading its file on first use.
    fn lookup(&mut self, place: &Place, pointer: &str) -> Result<&Value, Note> {
        let doc = match &place.file {
            None => &self.main,
            Some(file) => {
                if !self.files.contains_key(file) {
                    let value = (self.load)(file).map_err(|e| Note {
                        pointer: format!("{pointer}/$ref"),
                        message: format!(
                            "`$ref: {}` cannot be followed: cannot read `{file}`: {e}",
                            place.display()
                        ),
                    })?;
                    self.files.insert(file.clone(), value);
                }
                &self.files[file]
            }
        };
        let mut current = doc;
        for token in &place.tokens {
            let next = match current {
                Value::Object(map) => map.get(token),
                Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            };
            current = next.ok_or_else(|| Note {
                pointer: format!("{pointer}/$ref"),
                message: match &place.file {
                    None => format!(
                        "`$ref: #{}` points to nothing in the document",
                        place.display()
                    ),
                    Some(_) => {
                        format!("`$ref: {}` points to nothing in that file", place.display())
                    }
                },
            })?;
        }
        Ok(current)
    }
}

/// `path` relative to the folder of `base` (the file a reference is written in).
fn join(base: Option<&str>, path: &str) -> String {
    let folder = base
        .and_then(|b| b.rsplit_once('/').map(|(folder, _)| folder))
        .unwrap_or("");
    let mut parts: Vec<&str> = if folder.is_empty() {
        Vec::new()
    } else {
        folder.split('/').collect()
    };
    for part in path.split('/') {
        match part {
            "." | "" => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(mut doc: Value, files: &[(&str, Value)]) -> (Value, Vec<Note>) {
        let files: BTreeMap<String, Value> = files
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        let mut reads = Vec::new();
        let normalized = normalize(&mut doc, &mut |f: &str| {
            reads.push(f.to_string());
            files
                .get(f)
                .cloned()
                .ok_or_else(|| "no such file".to_string())
        })
        .expect("normalises");
        assert!(
            normalized.unresolved.is_empty(),
            "{:?}",
            normalized.unresolved
        );
        let notes = normalized.notes;
        let mut unique = reads.clone();
        unique.dedup();
        assert_eq!(reads, unique, "each file is read once");
        (doc, notes)
    }

    #[test]
    fn type_lists_const_examples_and_exclusive_bounds() {
        let (doc, notes) = run(
            json!({"openapi": "3.1.0", "info": {}, "components": {"schemas": {
                "A": {"type": ["string", "null"], "examples": ["x", "y"]},
                "B": {"const": "fixed"},
                "C": {"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 10},
                "D": {"type": ["string", "integer"]},
                "E": {"type": "string", "contentEncoding": "base64"},
            }}}),
            &[],
        );
        assert_eq!(doc["openapi"], "3.0.3");
        assert_eq!(doc["paths"], json!({}));
        let s = &doc["components"]["schemas"];
        assert_eq!(
            s["A"],
            json!({"type": "string", "nullable": true, "example": "x"})
        );
        assert_eq!(s["B"], json!({"enum": ["fixed"]}));
        assert_eq!(
            s["C"],
            json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true, "maximum": 10, "exclusiveMaximum": true})
        );
        assert_eq!(
            s["D"],
            json!({"oneOf": [{"type": "string"}, {"type": "integer"}]})
        );
        assert_eq!(s["E"], json!({"type": "string", "format": "byte"}));
        assert!(notes.is_empty(), "{notes:?}");
    }

    #[test]
    fn a_ref_with_siblings_to_a_place_that_becomes_a_component() {
        let (doc, _) = run(
            json!({"openapi": "3.1.0", "components": {"schemas": {
                "A": {"type": "object", "properties": {"label": {"type": "string"}}},
                "B": {"type": "object", "properties": {
                    "label": {"$ref": "#/components/schemas/A/properties/label", "description": "B's."}
                }},
            }}}),
            &[],
        );
        assert_eq!(
            doc["components"]["schemas"]["B"]["properties"]["label"],
            json!({"allOf": [{"$ref": "#/components/schemas/A_label"}], "description": "B's."})
        );
    }

    #[test]
    fn a_ref_with_siblings_is_an_annotated_all_of() {
        let (doc, _) = run(
            json!({"openapi": "3.1.0", "components": {"schemas": {
                "A": {"type": "object"},
                "B": {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/A", "description": "The a."}}},
            }}}),
            &[],
        );
        assert_eq!(
            doc["components"]["schemas"]["B"]["properties"]["a"],
            json!({"allOf": [{"$ref": "#/components/schemas/A"}], "description": "The a."})
        );
    }

    #[test]
    fn refs_anywhere_in_the_document_become_components() {
        let (doc, _) = run(
            json!({"openapi": "3.0.3", "paths": {"/orders": {"get": {"responses": {"404": {
                "description": "missing",
                "content": {"application/json": {"schema": {"type": "object", "properties": {"code": {"type": "integer"}}}}}
            }}}}}, "components": {"schemas": {
                "Disk": {"type": "object", "properties": {"filesystem": {"type": "string", "enum": ["ext4"]}}},
                "Foo Bar": {"type": "string"},
                "Uses": {"type": "object", "properties": {
                    "fs": {"$ref": "#/components/schemas/Disk/properties/filesystem"},
                    "fs2": {"$ref": "#/components/schemas/Disk/properties/filesystem"},
                    "err": {"$ref": "#/paths/~1orders/get/responses/404/content/application~1json/schema"},
                    "spaced": {"$ref": "#/components/schemas/Foo%20Bar"},
                }},
            }}}),
            &[],
        );
        let s = &doc["components"]["schemas"];
        let props = &s["Uses"]["properties"];
        assert_eq!(props["fs"]["$ref"], "#/components/schemas/Disk_filesystem");
        assert_eq!(props["fs2"]["$ref"], "#/components/schemas/Disk_filesystem");
        assert_eq!(
            s["Disk_filesystem"],
            json!({"type": "string", "enum": ["ext4"]})
        );
        assert_eq!(props["err"]["$ref"], "#/components/schemas/orders_get_404");
        assert_eq!(props["spaced"]["$ref"], "#/components/schemas/Foo Bar");
    }

    #[test]
    fn other_files_are_read_once_and_their_refs_followed() {
        let common = json!({"components": {"schemas": {
            "Error": {"type": "object", "properties": {"detail": {"$ref": "#/components/schemas/Detail"}}},
            "Detail": {"type": "string"},
        }}});
        let (doc, _) = run(
            json!({"openapi": "3.0.3", "paths": {"/a": {"get": {"responses": {"default": {
                "description": "error",
                "content": {"application/json": {"schema": {"$ref": "common.yaml#/components/schemas/Error"}}}
            }}}}}, "components": {"schemas": {
                "Also": {"$ref": "common.yaml#/components/schemas/Error"},
            }}}),
            &[("common.yaml", common)],
        );
        let s = &doc["components"]["schemas"];
        assert_eq!(s["Also"]["$ref"], "#/components/schemas/Error");
        assert_eq!(
            s["Error"]["properties"]["detail"]["$ref"],
            "#/components/schemas/Detail"
        );
        assert_eq!(s["Detail"], json!({"type": "string"}));
        assert_eq!(
            doc["paths"]["/a"]["get"]["responses"]["default"]["content"]["application/json"]
                ["schema"]["$ref"],
            "#/components/schemas/Error"
        );
    }

    #[test]
    fn path_item_and_parameter_refs_are_replaced_by_their_targets() {
        let (doc, _) = run(
            json!({"openapi": "3.1.0", "paths": {
                "/a": {"$ref": "#/components/pathItems/Shared"},
                "/b": {"get": {"parameters": [{"$ref": "#/paths/~1c/get/parameters/0"}], "responses": {}}},
                "/c": {"get": {"parameters": [{"name": "q", "in": "query", "schema": {"type": ["integer", "null"]}}], "responses": {}}},
            }, "components": {"pathItems": {"Shared": {"get": {"responses": {}}}}}}),
            &[],
        );
        assert_eq!(doc["paths"]["/a"], json!({"get": {"responses": {}}}));
        assert_eq!(
            doc["paths"]["/b"]["get"]["parameters"][0],
            json!({"name": "q", "in": "query", "schema": {"type": "integer", "nullable": true}})
        );
    }

    #[test]
    fn refs_to_nothing_are_left_and_listed_at_the_ref() {
        let mut doc = json!({"openapi": "3.0.3", "components": {"schemas": {
            "A": {"$ref": "#/components/schemas/Missing/properties/x"},
            "B": {"$ref": "other.yaml#/components/schemas/B"},
        }}});
        let normalized = normalize(&mut doc, &mut |_: &str| Err("no files".to_string())).unwrap();
        let pointers: Vec<&str> = normalized
            .unresolved
            .iter()
            .map(|u| u.pointer.as_str())
            .collect();
        assert_eq!(
            pointers,
            ["/components/schemas/A/$ref", "/components/schemas/B/$ref"]
        );
        assert!(
            normalized.unresolved[0]
                .message
                .contains("points to nothing"),
            "{normalized:?}"
        );
        assert!(
            normalized.unresolved[1]
                .message
                .contains("cannot read `other.yaml`"),
            "{normalized:?}"
        );
        assert_eq!(
            doc["components"]["schemas"]["A"]["$ref"],
            "#/components/schemas/Missing/properties/x"
        );
    }

    #[test]
    fn callback_refs_in_operations_are_replaced_by_their_targets() {
        // cpy.re/peertube.json: `openapiv3` has no reference among an operation's
        // callbacks, so the typed parse refused this valid document.
        let (doc, _) = run(
            json!({"openapi": "3.0.3", "paths": {"/a": {"post": {
                "callbacks": {"done": {"$ref": "#/components/callbacks/done"}},
                "responses": {},
            }}}, "components": {"callbacks": {"done": {"{$request.body#/url}": {"post": {
                "responses": {"200": {"description": "ok"}},
            }}}}}}),
            &[],
        );
        let callback = &doc["paths"]["/a"]["post"]["callbacks"]["done"];
        assert!(callback.get("$ref").is_none(), "{callback}");
        assert_eq!(
            callback["{$request.body#/url}"]["post"]["responses"]["200"]["description"],
            "ok"
        );
    }

    #[test]
    fn a_schema_ref_to_a_component_of_another_kind_is_an_error() {
        let mut doc = json!({"openapi": "3.0.3", "components": {
            "responses": {"Status": {"description": "Summary"}},
            "schemas": {"A": {"type": "array", "items": {"$ref": "#/components/responses/Status"}}},
        }});
        // Listed with the references to nothing: `gen` refuses it, `lint` lists it.
        let normalized = normalize(&mut doc, &mut |_: &str| Err("no files".to_string())).unwrap();
        let [e] = &normalized.unresolved[..] else {
            panic!("{normalized:?}");
        };
        assert_eq!(e.pointer, "/components/schemas/A/items/$ref");
        assert!(
            e.message
                .contains("names a component of `responses` where a schema must be"),
            "{e:?}"
        );
    }

    #[test]
    fn losses_are_noted_where_they_happen() {
        let (_, notes) = run(
            json!({"openapi": "3.1.0", "webhooks": {"ping": {}}, "components": {"schemas": {
                "T": {"type": "array", "prefixItems": [{"type": "string"}]},
            }}}),
            &[],
        );
        let pointers: Vec<&str> = notes.iter().map(|n| n.pointer.as_str()).collect();
        assert_eq!(pointers, ["/webhooks/ping", "/components/schemas/T"]);
    }

    #[test]
    fn webhooks_become_the_extension_the_typed_model_keeps() {
        let hook = json!({"post": {"requestBody": {"content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/T"}}}}}});
        let (doc, _) = run(
            json!({"openapi": "3.1.0", "webhooks": {"ping": hook.clone()},
                "components": {"schemas": {"T": {"type": "string"}}}}),
            &[],
        );
        assert_eq!(doc.get("webhooks"), None);
        assert_eq!(doc["x-webhooks"]["ping"], hook);
        // A document that has both keeps its own `x-webhooks`.
        let (doc, _) = run(
            json!({"openapi": "3.1.0", "webhooks": {"ping": {}}, "x-webhooks": {"pong": {}}}),
            &[],
        );
        assert_eq!(doc["x-webhooks"], json!({"pong": {}}));
    }
}
