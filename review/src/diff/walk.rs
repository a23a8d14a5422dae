//! The walker: compares two documents operation by operation and schema by schema and
//! reports each difference under its [`Rule`].

use std::collections::{BTreeMap, BTreeSet, HashSet};

use codegen::operations::{payload_media, BodyKind, StatusMatch};
use codegen::typespace::Prim;
use serde_json::Value;

use super::impact::{Ctx, Impact, Side, TypeAt};
use super::{Breaks, Change, Level, Rule, Usage};
use crate::locate::join;
use crate::spec::{self, deref, Doc};

pub(crate) struct Differ<'a> {
    pub(crate) file: &'a str,
    /// The generated items of both sides.
    pub(crate) impact: Impact<'a>,
    pub(crate) old: &'a Value,
    pub(crate) new: &'a Value,
    pub(crate) new_doc: &'a Doc,
    pub(crate) out: Vec<Change>,
    pub(crate) visited: HashSet<(String, String)>,
}

fn schema_name(pointer: &str) -> Option<String> {
    let rest = pointer.strip_prefix("/components/schemas/")?;
    if rest.contains('/') {
        return None;
    }
    Some(crate::locate::unescape_token(rest))
}

fn ref_target(v: &Value) -> Option<String> {
    v.get("$ref")
        .and_then(Value::as_str)
        .and_then(spec::local_ref_pointer)
}

/// Whether a documented status is a success (a variant of `<Stem>Reply`): codegen's
/// rule ([`StatusMatch::sorts_as_success`]) over the statuses the operation documents.
fn is_success(status: &str, responses: &serde_json::Map<String, Value>) -> bool {
    let all: Vec<StatusMatch> = responses
        .keys()
        .filter_map(|k| StatusMatch::parse(k))
        .collect();
    StatusMatch::parse(status).is_some_and(|s| s.sorts_as_success(&all))
}

/// What a response variant carries, as codegen decides ([`payload_media`]): the kind
/// (`json`, `text` or `bytes`), the media type and, for JSON, its schema; `None` without
/// content.
fn response_payload(
    content: &serde_json::Map<String, Value>,
) -> Option<(&'static str, &str, Option<&Value>)> {
    let media_types: Vec<&str> = content.keys().map(String::as_str).collect();
    let (mt, kind) = payload_media(&media_types)?;
    Some(match kind {
        BodyKind::Json => ("json", mt, content.get(mt).and_then(|m| m.get("schema"))),
        BodyKind::Text => ("text", mt, None),
        _ => ("bytes", mt, None),
    })
}

fn normalize_path(path: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            c if !in_param => out.push(c),
            _ => {}
        }
    }
    out
}

/// The one type a schema allows besides `null`: `type: T`, or 3.1's `type: [T, "null"]`.
/// `None` for no type or several.
fn type_of(schema: &Value) -> Option<&str> {
    match schema.get("type")? {
        Value::String(t) => Some(t),
        Value::Array(types) => {
            let mut others = types
                .iter()
                .filter_map(Value::as_str)
                .filter(|t| *t != "null");
            let first = others.next()?;
            others.next().is_none().then_some(first)
        }
        _ => None,
    }
}

/// The types a schema allows besides `null`, sorted (empty when any type is).
fn types_of(schema: &Value) -> Vec<&str> {
    let mut out: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) if t != "null" => vec![t.as_str()],
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .collect(),
        _ => Vec::new(),
    };
    out.sort_unstable();
    out.dedup();
    out
}

/// Whether a schema allows `null`: 3.0's `nullable: true`, or 3.1's `null` among its
/// types.
fn nullable(schema: &Value) -> bool {
    schema.get("nullable").and_then(Value::as_bool) == Some(true)
        || match schema.get("type") {
            Some(Value::Array(types)) => types.iter().any(|t| t == "null"),
            _ => false,
        }
}

impl Differ<'_> {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        level: Level,
        rule: Rule,
        pointer: &str,
        location: &str,
        message: String,
        rust_items: Vec<String>,
        breaks: Breaks,
    ) {
        let pos = self.new_doc.locator.locate(pointer);
        self.out.push(Change {
            level,
            rule,
            file: self.file.to_string(),
            line: pos.map(|p| p.0),
            column: pos.map(|p| p.1),
            pointer: pointer.to_string(),
            location: location.to_string(),
            message,
            rust_items,
            breaks_compilation: breaks,
        });
    }

    /// A change outside any operation or schema context (a webhook, a security
    /// scheme): no Rust items are named.
    pub(super) fn push_change(
        &mut self,
        level: Level,
        rule: Rule,
        pointer: &str,
        location: &str,
        message: String,
        breaks: Breaks,
    ) {
        self.push(level, rule, pointer, location, message, Vec::new(), breaks);
    }

    pub(super) fn change(
        &mut self,
        ctx: &Ctx,
        level: Level,
        rule: Rule,
        pointer: &str,
        what: String,
        breaks: Breaks,
    ) {
        let message = format!("{}{what}", ctx.prefix());
        self.push(
            level,
            rule,
            pointer,
            &ctx.location.clone(),
            message,
            ctx.rust_items(&self.impact),
            breaks,
        );
    }

    fn client_method(&self, side: Side, o: &spec::OperationRef<'_>) -> Option<String> {
        self.impact.client_method(side, o.method, o.path)
    }

    /// The reply or error enum variant of `status` (on `side`), if it has one.
    fn status_enum(&self, ctx: &Ctx, side: Side, success: bool, status: &str) -> Option<String> {
        let op = match side {
            Side::Old => ctx.old_op.as_ref()?,
            Side::New => ctx.op.as_ref()?,
        };
        self.impact
            .status_enum(side, (&op.0, &op.1), success, status)
    }

    /// Like [`Differ::change`], naming `extra` items too.
    #[allow(clippy::too_many_arguments)]
    fn change_items(
        &mut self,
        ctx: &Ctx,
        extra: Option<String>,
        level: Level,
        rule: Rule,
        pointer: &str,
        what: String,
        breaks: Breaks,
    ) {
        let mut c = ctx.clone();
        c.items.extend(extra);
        self.change(&c, level, rule, pointer, what, breaks);
    }

    pub(crate) fn operations(&mut self) {
        let old_ops = spec::operations(self.old);
        let new_ops = spec::operations(self.new);
        let key = |o: &spec::OperationRef<'_>| (normalize_path(o.path), o.method.to_string());
        let new_by_key: BTreeMap<_, _> = new_ops.iter().map(|o| (key(o), o)).collect();
        let old_by_key: BTreeMap<_, _> = old_ops.iter().map(|o| (key(o), o)).collect();
        for o in &old_ops {
            let location = format!("{} {}", o.method.to_uppercase(), o.path);
            match new_by_key.get(&key(o)) {
                None => {
                    let item = self.client_method(Side::Old, o);
                    self.push(
                        Level::Error,
                        Rule::OperationRemoved,
                        &o.pointer,
                        &location,
                        "operation removed".into(),
                        item.into_iter().collect(),
                        Breaks::Yes,
                    );
                }
                Some(n) => self.operation(o, n),
            }
        }
        for n in &new_ops {
            if !old_by_key.contains_key(&key(n)) {
                let location = format!("{} {}", n.method.to_uppercase(), n.path);
                let item = self.client_method(Side::New, n);
                self.push(
                    Level::Info,
                    Rule::OperationAdded,
                    &n.pointer,
                    &location,
                    "operation added".into(),
                    item.into_iter().collect(),
                    Breaks::No,
                );
            }
        }
    }

    fn operation(&mut self, o: &spec::OperationRef<'_>, n: &spec::OperationRef<'_>) {
        let location = format!("{} {}", n.method.to_uppercase(), n.path);
        let old_method = self.client_method(Side::Old, o);
        let method = self.client_method(Side::New, n);
        if old_method != method {
            self.push(
                Level::Info,
                Rule::OperationIdChanged,
                &format!("{}/operationId", n.pointer),
                &location,
                format!(
                    "operationId changed from `{}` to `{}`: the client method is renamed",
                    o.op.get("operationId")
                        .and_then(Value::as_str)
                        .unwrap_or("-"),
                    n.op.get("operationId")
                        .and_then(Value::as_str)
                        .unwrap_or("-"),
                ),
                old_method.into_iter().chain(method.clone()).collect(),
                Breaks::Yes,
            );
        }
        let deprecated = |v: &Value| v.get("deprecated").and_then(Value::as_bool) == Some(true);
        if !deprecated(o.op) && deprecated(n.op) {
            self.push(
                Level::Info,
                Rule::OperationDeprecated,
                &format!("{}/deprecated", n.pointer),
                &location,
                "operation deprecated".into(),
                method.clone().into_iter().collect(),
                Breaks::No,
            );
        }
        let first = self.out.len();
        let base = Ctx {
            location: location.clone(),
            subject: String::new(),
            items: method.into_iter().collect(),
            type_path: None,
            type_name: None,
            field: Vec::new(),
            usage: Usage::REQUEST,
            optional: false,
            op: Some((n.method.to_string(), n.path.to_string())),
            old_op: Some((o.method.to_string(), o.path.to_string())),
        };
        self.operation_lifecycle(&base, o.op, n.op, &n.pointer);
        self.operation_security(&base, o, n);
        self.parameters(o, n, &base);
        self.request_body(o, n, &base);
        let mut resp = base.clone();
        resp.usage = Usage::RESPONSE;
        self.responses(o, n, &resp);
        self.allow_unstable(o.op, first);
    }

    fn parameters(&mut self, o: &spec::OperationRef<'_>, n: &spec::OperationRef<'_>, base: &Ctx) {
        let old = effective_parameters(self.old, o);
        let new = effective_parameters(self.new, n);
        let req = |v: &Value| v.get("required").and_then(Value::as_bool) == Some(true);
        for (key, old_param) in &old {
            let label = format!("{} parameter `{}`", key.0, old_param.name);
            let Some(new_param) = new.get(key) else {
                let what = format!("{label} removed");
                self.change(
                    base,
                    Level::Error,
                    Rule::ParameterRemoved,
                    &old_param.pointer,
                    what,
                    Breaks::Yes,
                );
                continue;
            };
            let (ov, nv, np) = (old_param.value, new_param.value, &new_param.pointer);
            self.deprecation(base, Rule::ParameterDeprecated, &label, ov, nv, np);
            self.sunset(base, &label, ov, nv, np);
            if old_param.name != new_param.name {
                // Path parameters are matched by position: a new name is not a new value.
                let what = format!("{label} renamed to `{}`", new_param.name);
                // It stays the same positional argument: only its name in the docs
                // changes.
                self.change(
                    base,
                    Level::Info,
                    Rule::PathParameterRenamed,
                    np,
                    what,
                    Breaks::No,
                );
            }
            if !req(ov) && req(nv) {
                let what = format!("{label} became required");
                let pointer = format!("{np}/required");
                self.change(
                    base,
                    Level::Error,
                    Rule::ParameterBecameRequired,
                    &pointer,
                    what,
                    Breaks::Yes,
                );
            } else if req(ov) && !req(nv) {
                let what = format!("{label} became optional");
                self.change(
                    base,
                    Level::Info,
                    Rule::ParameterBecameOptional,
                    np,
                    what,
                    Breaks::Yes,
                );
            }
            if let (Some(os), Some(ns)) = (ov.get("schema"), nv.get("schema")) {
                let mut ctx = base.clone();
                ctx.subject = label.clone();
                ctx.optional = !req(nv);
                let (op, np) = (
                    format!("{}/schema", old_param.pointer),
                    format!("{np}/schema"),
                );
                self.schema(&ctx, os, &op, ns, &np, 0);
            }
        }
        for (key, new_param) in &new {
            if old.contains_key(key) {
                continue;
            }
            let label = format!("{} parameter `{}`", key.0, new_param.name);
            if req(new_param.value) {
                let what = format!("required {label} added");
                self.change(
                    base,
                    Level::Error,
                    Rule::RequiredParameterAdded,
                    &new_param.pointer,
                    what,
                    Breaks::Yes,
                );
            } else {
                // Optional parameters are setters of the request builder.
                let what = format!("optional {label} added");
                let setter = base.op.as_ref().and_then(|(m, p)| {
                    self.impact
                        .parameter(Side::New, (m, p), &key.0, &new_param.name)
                });
                self.change_items(
                    base,
                    setter,
                    Level::Info,
                    Rule::ParameterAdded,
                    &new_param.pointer,
                    what,
                    Breaks::No,
                );
            }
        }
    }

    fn request_body(&mut self, o: &spec::OperationRef<'_>, n: &spec::OperationRef<'_>, base: &Ctx) {
        let optr = format!("{}/requestBody", o.pointer);
        let nptr = format!("{}/requestBody", n.pointer);
        let old = o.op.get("requestBody").map(|b| deref(self.old, b, &optr));
        let new = n.op.get("requestBody").map(|b| deref(self.new, b, &nptr));
        let req = |v: &Value| v.get("required").and_then(Value::as_bool) == Some(true);
        match (old, new) {
            (None, None) => {}
            (Some(_), None) => self.change(
                base,
                Level::Error,
                Rule::RequestBodyRemoved,
                &optr,
                "request body removed".into(),
                Breaks::Yes,
            ),
            (None, Some((nb, np))) => {
                if req(nb) {
                    self.change(
                        base,
                        Level::Error,
                        Rule::RequiredRequestBodyAdded,
                        &np,
                        "required request body added".into(),
                        Breaks::Yes,
                    );
                } else {
                    // An optional body is set with the request builder's `body`.
                    let setter = base
                        .op
                        .as_ref()
                        .and_then(|(m, p)| self.impact.body_setter(Side::New, m, p));
                    self.change_items(
                        base,
                        setter,
                        Level::Info,
                        Rule::RequestBodyAdded,
                        &np,
                        "optional request body added".into(),
                        Breaks::No,
                    );
                }
            }
            (Some((ob, op)), Some((nb, np))) => {
                if !req(ob) && req(nb) {
                    self.change(
                        base,
                        Level::Error,
                        Rule::RequestBodyBecameRequired,
                        &format!("{np}/required"),
                        "request body became required".into(),
                        Breaks::Yes,
                    );
                } else if req(ob) && !req(nb) {
                    self.change(
                        base,
                        Level::Info,
                        Rule::RequestBodyBecameOptional,
                        &np,
                        "request body became optional".into(),
                        Breaks::Yes,
                    );
                }
                let mut ctx = base.clone();
                ctx.subject = "request body".into();
                ctx.optional = !req(nb);
                self.content(&ctx, ob, &op, nb, &np, true);
            }
        }
    }

    /// Compares `content` maps; `critical` says whether a removed media type is ERR (a
    /// request body or a success response).
    fn content(
        &mut self,
        ctx: &Ctx,
        old: &Value,
        optr: &str,
        new: &Value,
        nptr: &str,
        critical: bool,
    ) {
        let empty = serde_json::Map::new();
        let oc = old
            .get("content")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let nc = new
            .get("content")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let several = oc.len().max(nc.len()) > 1;
        // A response variant carries one payload: the first JSON media type's schema, or
        // the first media type's kind (text, bytes). Other media types have no Rust item.
        let response_payload_kept = !ctx.usage.request
            && match (response_payload(oc), response_payload(nc)) {
                (Some((ok, om, os)), Some((nk, nm, ns))) => {
                    ok == nk && (ok != "json" || om == nm || os == ns)
                }
                (None, None) => true,
                _ => false,
            };
        for (mt, om) in oc {
            let omp = join(&format!("{optr}/content"), mt);
            match nc.get(mt) {
                None => {
                    let level = if critical {
                        Level::Error
                    } else {
                        Level::Warning
                    };
                    // A request body with several media types is an enum with a variant
                    // per media type; with one, the type itself: either way the variant
                    // or the enum is gone.
                    let breaks = if ctx.usage.request || !response_payload_kept {
                        Breaks::Yes
                    } else {
                        Breaks::No
                    };
                    self.change(
                        ctx,
                        level,
                        Rule::MediaTypeRemoved,
                        &omp,
                        format!("media type `{mt}` removed"),
                        breaks,
                    );
                }
                Some(nm) => {
                    let nmp = join(&format!("{nptr}/content"), mt);
                    if let (Some(os), Some(ns)) = (om.get("schema"), nm.get("schema")) {
                        let mut c = ctx.clone();
                        if several {
                            c.subject = format!("{} ({mt})", c.subject);
                        }
                        self.schema(
                            &c,
                            os,
                            &format!("{omp}/schema"),
                            ns,
                            &format!("{nmp}/schema"),
                            0,
                        );
                    }
                }
            }
        }
        for mt in nc.keys() {
            if !oc.contains_key(mt) {
                let nmp = join(&format!("{nptr}/content"), mt);
                // A request body of one media type becomes an enum of the media types,
                // with `From` for each body type, so a plain value still converts; an
                // existing enum (`#[non_exhaustive]`) gains a variant.
                let breaks = if ctx.usage.request {
                    Breaks::No
                } else if response_payload_kept || !critical && oc.is_empty() {
                    // (An error status that had no body gains a variant of the
                    // `#[non_exhaustive]` error enum.)
                    Breaks::No
                } else {
                    Breaks::Yes
                };
                self.change(
                    ctx,
                    Level::Info,
                    Rule::MediaTypeAdded,
                    &nmp,
                    format!("media type `{mt}` added"),
                    breaks,
                );
            }
        }
    }

    fn responses(&mut self, o: &spec::OperationRef<'_>, n: &spec::OperationRef<'_>, base: &Ctx) {
        let empty = serde_json::Map::new();
        let or =
            o.op.get("responses")
                .and_then(Value::as_object)
                .unwrap_or(&empty);
        let nr =
            n.op.get("responses")
                .and_then(Value::as_object)
                .unwrap_or(&empty);
        let optr = format!("{}/responses", o.pointer);
        let nptr = format!("{}/responses", n.pointer);
        for (status, ov) in or {
            let op = join(&optr, status);
            let (ob, obp) = deref(self.old, ov, &op);
            let old_success = is_success(status, or);
            // The enum variant the status had, if any: removing it (or moving it to the
            // other enum) breaks code that matches on it.
            let old_variant = self.status_enum(base, Side::Old, old_success, status);
            match nr.get(status) {
                None => {
                    let breaks = if old_variant.is_some() {
                        Breaks::Yes
                    } else {
                        Breaks::No
                    };
                    if old_success {
                        self.change_items(
                            base,
                            old_variant,
                            Level::Error,
                            Rule::SuccessStatusRemoved,
                            &op,
                            format!("success response `{status}` removed"),
                            breaks,
                        );
                    } else {
                        self.change_items(
                            base,
                            old_variant,
                            Level::Info,
                            Rule::StatusRemoved,
                            &op,
                            format!("response `{status}` removed"),
                            breaks,
                        );
                    }
                }
                Some(nv) => {
                    let np = join(&nptr, status);
                    let (nb, nbp) = deref(self.new, nv, &np);
                    let new_success = is_success(status, nr);
                    if old_success != new_success {
                        // `default` is a reply only while nothing else is.
                        let (from, to) = if old_success {
                            ("replies", "errors")
                        } else {
                            ("errors", "replies")
                        };
                        let mut items: Vec<String> = old_variant.clone().into_iter().collect();
                        items.extend(self.status_enum(base, Side::New, new_success, status));
                        let mut ctx = base.clone();
                        ctx.items.extend(items);
                        self.change(
                            &ctx,
                            Level::Info,
                            Rule::StatusMoved,
                            &np,
                            format!("response `{status}` moves from the {from} to the {to}"),
                            if old_variant.is_some() {
                                Breaks::Yes
                            } else {
                                Breaks::No
                            },
                        );
                    }
                    let mut ctx = base.clone();
                    ctx.subject = format!("response {status}");
                    self.content(&ctx, ob, &obp, nb, &nbp, new_success);
                    self.response_headers(&ctx, ob, &obp, nb, &nbp);
                }
            }
        }
        for status in nr.keys() {
            if !or.contains_key(status) {
                let np = join(&nptr, status);
                let success = is_success(status, nr);
                let rule = if success {
                    Rule::SuccessStatusAdded
                } else {
                    Rule::StatusAdded
                };
                // At most a new variant of the reply or error enum, which are
                // `#[non_exhaustive]`: matches already have a `_` arm.
                self.change_items(
                    base,
                    self.status_enum(base, Side::New, success, status),
                    Level::Info,
                    rule,
                    &np,
                    format!("response `{status}` added"),
                    Breaks::No,
                );
            }
        }
    }

    /// The headers of one response on both sides (names compared without case).
    fn response_headers(&mut self, ctx: &Ctx, o: &Value, op: &str, n: &Value, np: &str) {
        let headers = |root: &'_ Value, response: &'_ Value, pointer: &str| {
            response
                .get("headers")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(name, h)| {
                    let at = join(&format!("{pointer}/headers"), name);
                    let (h, _) = deref(root, h, &at);
                    let required = h.get("required").and_then(Value::as_bool) == Some(true);
                    (name.to_ascii_lowercase(), (name.clone(), required, at))
                })
                .collect::<BTreeMap<_, _>>()
        };
        let (old, new) = (headers(self.old, o, op), headers(self.new, n, np));
        for (key, (name, required, at)) in &old {
            match new.get(key) {
                None => {
                    let level = if *required {
                        Level::Error
                    } else {
                        Level::Warning
                    };
                    let what = format!("response header `{name}` removed");
                    self.change(
                        ctx,
                        level,
                        Rule::ResponseHeaderRemoved,
                        at,
                        what,
                        Breaks::No,
                    );
                }
                Some((_, now_required, at)) if *required && !now_required => {
                    let what = format!("response header `{name}` became optional");
                    self.change(
                        ctx,
                        Level::Error,
                        Rule::ResponseHeaderBecameOptional,
                        at,
                        what,
                        Breaks::No,
                    );
                }
                Some(_) => {}
            }
        }
        for (key, (name, _, at)) in &new {
            if !old.contains_key(key) {
                let what = format!("response header `{name}` added");
                self.change(
                    ctx,
                    Level::Info,
                    Rule::ResponseHeaderAdded,
                    at,
                    what,
                    Breaks::No,
                );
            }
        }
    }

    pub(crate) fn component_schemas(&mut self, usage: &BTreeMap<String, Usage>) {
        let empty = serde_json::Map::new();
        let os = self
            .old
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let ns = self
            .new
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        for (name, ov) in os {
            let ptr = join("/components/schemas", name);
            let location = format!("schema {name}");
            match ns.get(name) {
                None => self.push(
                    Level::Info,
                    Rule::SchemaRemoved,
                    &ptr,
                    &location,
                    "schema removed: its Rust type is gone".into(),
                    self.impact
                        .component(Side::Old, name)
                        .map(|t| t.path)
                        .into_iter()
                        .collect(),
                    Breaks::Yes,
                ),
                Some(nv) => {
                    let mut ctx = Ctx {
                        location,
                        subject: String::new(),
                        items: Vec::new(),
                        type_path: None,
                        type_name: None,
                        field: Vec::new(),
                        usage: usage.get(name).copied().unwrap_or_default(),
                        optional: false,
                        op: None,
                        old_op: None,
                    };
                    let t = self.impact.component(Side::New, name);
                    if let Some(t) = t.or_else(|| self.impact.component(Side::Old, name)) {
                        ctx.enter(&t);
                    }
                    self.schema(&ctx, ov, &ptr, nv, &ptr, 0);
                }
            }
        }
        for name in ns.keys() {
            if !os.contains_key(name) {
                let ptr = join("/components/schemas", name);
                let tp = self.impact.component(Side::New, name).map(|t| t.path);
                self.push(
                    Level::Info,
                    Rule::SchemaAdded,
                    &ptr,
                    &format!("schema {name}"),
                    "schema added".into(),
                    tp.into_iter().collect(),
                    Breaks::No,
                );
            }
        }
    }

    /// Compares two schema objects at `optr` (old document) and `nptr` (new document).
    fn schema(
        &mut self,
        ctx: &Ctx,
        old: &Value,
        optr: &str,
        new: &Value,
        nptr: &str,
        depth: usize,
    ) {
        if depth > 48 {
            return;
        }
        let old_ref = ref_target(old);
        let new_ref = ref_target(new);
        let old_name = old_ref.as_deref().and_then(schema_name);
        let new_name = new_ref.as_deref().and_then(schema_name);
        let mut ctx = ctx.clone();
        let mut renamed = None;
        match (&old_name, &new_name) {
            // The same component on both sides: compared once, as a schema of its own.
            (Some(a), Some(b)) if a == b => return,
            (Some(a), Some(b)) => {
                renamed = Some((ctx.clone(), a.clone(), b.clone(), self.out.len()));
                ctx.field.clear();
                ctx.type_path = None;
                ctx.type_name = None;
                if let Some(t) = self.impact.component(Side::New, b) {
                    ctx.enter(&t);
                }
            }
            (Some(a), None) => {
                self.change(
                    &ctx,
                    Level::Info,
                    Rule::TypeInlined,
                    nptr,
                    format!("now an inline schema instead of `{a}`"),
                    exact_breaks(
                        self.impact.component(Side::Old, a),
                        self.impact.type_at(Side::New, nptr),
                    ),
                );
            }
            (None, Some(b)) => {
                self.change(
                    &ctx,
                    Level::Info,
                    Rule::TypeExtracted,
                    nptr,
                    format!("now the named schema `{b}` instead of an inline one"),
                    exact_breaks(
                        self.impact.type_at(Side::Old, optr),
                        self.impact.component(Side::New, b),
                    ),
                );
                ctx.field.clear();
                ctx.type_path = None;
                ctx.type_name = None;
                if let Some(t) = self.impact.component(Side::New, b) {
                    ctx.enter(&t);
                }
            }
            (None, None) => {
                // An inline schema with a type of its own (possibly merged with an
                // identical one, under the name codegen gave it).
                let t = self.impact.type_at(Side::New, nptr);
                self.merging(&ctx, self.impact.type_at(Side::Old, optr), t.clone(), nptr);
                if let Some(t) = t.or_else(|| self.impact.type_at(Side::Old, optr)) {
                    if ctx.type_path.as_deref() != Some(t.path.as_str()) {
                        ctx.enter(&t);
                    }
                }
            }
        }
        self.schema_body(
            &ctx,
            old,
            optr,
            new,
            nptr,
            depth,
            old_ref.is_some() || new_ref.is_some(),
        );
        if let Some((outer, a, b, before)) = renamed {
            // A new name for the same shape is harmless on the wire but renames the Rust
            // type; a different shape is a type change.
            let (level, rule, what) = if self.out.len() == before {
                (
                    Level::Info,
                    Rule::TypeRenamed,
                    format!("type renamed from `{a}` to `{b}`"),
                )
            } else {
                (
                    Level::Error,
                    Rule::TypeChanged,
                    format!("type changed from `{a}` to `{b}`"),
                )
            };
            self.change(&outer, level, rule, nptr, what, Breaks::Yes);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn schema_body(
        &mut self,
        ctx: &Ctx,
        old: &Value,
        optr: &str,
        new: &Value,
        nptr: &str,
        depth: usize,
        via_ref: bool,
    ) {
        let ctx = ctx.clone();
        if !self.visited.insert((optr.to_string(), nptr.to_string())) && via_ref {
            return;
        }
        let (o, op) = deref(self.old, old, optr);
        let (n, np) = deref(self.new, new, nptr);
        let (o, op) = single_all_of(self.old, o, op);
        let (n, np) = single_all_of(self.new, n, np);
        let o_null = nullable(old) || nullable(o);
        let n_null = nullable(new) || nullable(n);

        // Type and format. A type list (3.1) is compared as a set: a request that
        // accepts more types, or a response that returns fewer, breaks no one.
        let (ot, nt) = (type_of(o), type_of(n));
        let (ots, nts) = (types_of(o), types_of(n));
        let (of, nf) = (
            o.get("format").and_then(Value::as_str),
            n.get("format").and_then(Value::as_str),
        );
        if ots != nts {
            let show = |t: &[&str]| match t {
                [] => "any".to_string(),
                [one] => format!("`{one}`"),
                many => format!("`[{}]`", many.join(", ")),
            };
            // `number` admits every `integer`.
            let admits = |wide: &[&str], narrow: &[&str]| {
                wide.is_empty()
                    || (!narrow.is_empty()
                        && narrow.iter().all(|t| {
                            wide.contains(t) || (*t == "integer" && wide.contains(&"number"))
                        }))
            };
            let widening_req = admits(&nts, &ots);
            let narrowing_resp = admits(&ots, &nts);
            let level = ctx.usage.level(
                if widening_req {
                    Level::Info
                } else {
                    Level::Error
                },
                if narrowing_resp {
                    Level::Info
                } else {
                    Level::Error
                },
            );
            self.change(
                &ctx,
                level,
                Rule::TypeChanged,
                &format!("{np}/type"),
                format!("type changed from {} to {}", show(&ots), show(&nts)),
                Breaks::Yes,
            );
        } else if of != nf {
            let show =
                |f: Option<&str>| f.map(|f| format!("`{f}`")).unwrap_or_else(|| "none".into());
            // The Rust type codegen gives each scalar.
            let prim = |t: Option<&str>, f| t.and_then(|t| Prim::of_scalar(t, f));
            let breaks = match (prim(ot, of), prim(nt, nf)) {
                (Some(a), Some(b)) if a == b => Breaks::No,
                (Some(_), Some(_)) => Breaks::Yes,
                _ => Breaks::Maybe,
            };
            self.change(
                &ctx,
                Level::Error,
                Rule::FormatChanged,
                &format!("{np}/format"),
                format!("format changed from {} to {}", show(of), show(nf)),
                breaks,
            );
        }

        // Nullability, judged by direction.
        if o_null != n_null {
            // A required field goes from `T` to `Option<T>`, an optional one from
            // `Option<T>` to `Option<Option<T>>` (or back). A whole payload depends on
            // its use sites.
            let breaks = if ctx.field.is_empty() {
                Breaks::Maybe
            } else {
                Breaks::Yes
            };
            if n_null {
                let level = ctx.usage.level(Level::Info, Level::Error);
                self.change(
                    &ctx,
                    level,
                    Rule::BecameNullable,
                    &np,
                    "may now be null".into(),
                    breaks,
                );
            } else {
                let level = ctx.usage.level(Level::Error, Level::Info);
                self.change(
                    &ctx,
                    level,
                    Rule::BecameNonNullable,
                    &np,
                    "may no longer be null".into(),
                    breaks,
                );
            }
        }

        self.enums(&ctx, o, n, &np);
        self.constraints(&ctx, o, n, &np);
        self.keywords(&ctx, o, n, &np);
        self.all_of(&ctx, o, n, &np);
        self.variants(&ctx, o, &op, n, &np, depth);
        self.properties(&ctx, o, &op, n, &np, depth);

        if let (Some(oi), Some(ni)) = (o.get("items"), n.get("items")) {
            self.schema(
                &ctx.with_items(),
                oi,
                &format!("{op}/items"),
                ni,
                &format!("{np}/items"),
                depth + 1,
            );
        }
        match (o.get("additionalProperties"), n.get("additionalProperties")) {
            (Some(oa), Some(na)) if oa.is_object() && na.is_object() => {
                let mut c = ctx.clone();
                c.field.push("{}".into());
                self.schema(
                    &c,
                    oa,
                    &format!("{op}/additionalProperties"),
                    na,
                    &format!("{np}/additionalProperties"),
                    depth + 1,
                );
            }
            _ => {}
        }
    }

    /// A type that stops or starts being an alias of an identical shape (codegen merges
    /// identical enums and structs under the first name): values of the two types stop
    /// (or start) being interchangeable.
    fn merging(&mut self, ctx: &Ctx, old: Option<TypeAt>, new: Option<TypeAt>, nptr: &str) {
        let (Some(old), Some(new)) = (old, new) else {
            return;
        };
        if old.name != new.name || old.alias == new.alias {
            return;
        }
        let mut c = ctx.clone();
        c.items.push(new.path.clone());
        c.type_path = None;
        c.type_name = None;
        match (old.alias_of, new.alias_of) {
            (Some(target), None) => self.change(
                &c,
                Level::Info,
                Rule::TypeUnmerged,
                nptr,
                format!(
                    "`{}` was an alias of `{target}` (identical shapes are merged) and is now a type of its own",
                    new.name
                ),
                Breaks::Yes,
            ),
            (None, Some(target)) => self.change(
                &c,
                Level::Info,
                Rule::TypeMerged,
                nptr,
                format!(
                    "`{}` is now an alias of `{target}` (identical shapes are merged)",
                    new.name
                ),
                Breaks::Maybe,
            ),
            _ => {}
        }
    }

    /// For an enum schema of its own (a named type), the variant is the item touched.
    fn variant_ctx(&self, ctx: &Ctx, value: &Value) -> Ctx {
        let mut c = ctx.clone();
        if let (Some(t), Some((name, _)), None) =
            (&ctx.type_path, &ctx.type_name, ctx.field_in_type())
        {
            let raw = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            if let Some(v) = self.impact.variant(name, &raw) {
                c.type_path = Some(format!("{t}::{v}"));
                c.type_name = None;
            }
        }
        c
    }

    fn enums(&mut self, ctx: &Ctx, o: &Value, n: &Value, np: &str) {
        let oe = o.get("enum").and_then(Value::as_array);
        let ne = n.get("enum").and_then(Value::as_array);
        let show = |v: &Value| match v {
            Value::String(s) => format!("`{s}`"),
            other => format!("`{other}`"),
        };
        let eptr = format!("{np}/enum");
        match (oe, ne) {
            (None, None) => {}
            (Some(_), None) => {
                let level = ctx.usage.level(Level::Info, Level::Warning);
                self.change(
                    ctx,
                    level,
                    Rule::EnumRemoved,
                    np,
                    "no longer restricted to an enum".into(),
                    Breaks::Yes,
                );
            }
            (None, Some(_)) => {
                let level = ctx.usage.level(Level::Error, Level::Info);
                self.change(
                    ctx,
                    level,
                    Rule::EnumAdded,
                    &eptr,
                    "now restricted to an enum".into(),
                    Breaks::Yes,
                );
            }
            (Some(oe), Some(ne)) => {
                for v in oe.iter().filter(|v| !ne.contains(v) && !v.is_null()) {
                    let ctx = &self.variant_ctx(ctx, v);
                    self.change(
                        ctx,
                        Level::Error,
                        Rule::EnumValueRemoved,
                        &eptr,
                        format!("enum value {} removed", show(v)),
                        Breaks::Yes,
                    );
                }
                for v in ne.iter().filter(|v| !oe.contains(v) && !v.is_null()) {
                    let ctx = &self.variant_ctx(ctx, v);
                    // Callers may get a value they do not know; in Rust a new variant of
                    // a `#[non_exhaustive]` enum, whose matches already have a `_` arm.
                    let level = ctx.usage.level(Level::Info, Level::Warning);
                    self.change(
                        ctx,
                        level,
                        Rule::EnumValueAdded,
                        &eptr,
                        format!("enum value {} added", show(v)),
                        Breaks::No,
                    );
                }
            }
        }
    }

    fn constraints(&mut self, ctx: &Ctx, o: &Value, n: &Value, np: &str) {
        // (keyword, whether a larger value is tighter)
        const NUMERIC: &[(&str, bool)] = &[
            ("maxLength", false),
            ("minLength", true),
            ("maximum", false),
            ("minimum", true),
            ("maxItems", false),
            ("minItems", true),
        ];
        for (kw, larger_is_tighter) in NUMERIC {
            let (ov, nv) = (
                o.get(*kw).and_then(Value::as_f64),
                n.get(*kw).and_then(Value::as_f64),
            );
            let change = match (ov, nv) {
                (None, None) => continue,
                (Some(a), Some(b)) if a == b => continue,
                (None, Some(_)) => Constraint::Set,
                (Some(_), None) => Constraint::Looser,
                (Some(a), Some(b)) if (b > a) == *larger_is_tighter => Constraint::Tighter,
                (Some(_), Some(_)) => Constraint::Looser,
            };
            let show = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_else(|| "none".into());
            self.constraint(
                ctx,
                change,
                &format!("{np}/{kw}"),
                format!("`{kw}` changed from {} to {}", show(ov), show(nv)),
            );
        }
        let (op, npat) = (
            o.get("pattern").and_then(Value::as_str),
            n.get("pattern").and_then(Value::as_str),
        );
        // A pattern that matches everything is no pattern; one regular expression is
        // not compared with another, so a changed pattern may go either way.
        let matches_all = |p: Option<&str>| {
            p.is_none_or(|p| matches!(p, "" | ".*" | "^.*$" | "^.*" | ".*$" | "^(.*)$"))
        };
        if op != npat {
            let change = match (matches_all(op), matches_all(npat)) {
                (true, true) => None,
                (true, false) => Some(Constraint::Tighter),
                (false, true) => Some(Constraint::Looser),
                (false, false) => Some(Constraint::Changed),
            };
            let show =
                |v: Option<&str>| v.map(|v| format!("`{v}`")).unwrap_or_else(|| "none".into());
            if let Some(change) = change {
                self.constraint(
                    ctx,
                    change,
                    &format!("{np}/pattern"),
                    format!("`pattern` changed from {} to {}", show(op), show(npat)),
                );
            }
        }
    }

    fn constraint(&mut self, ctx: &Ctx, change: Constraint, pointer: &str, what: String) {
        // Tighter rules reject what callers send (a bound that did not exist may only
        // reach values nobody sends, so WARN); looser ones may return what they do not
        // expect; a changed pattern may do either. As oasdiff's `*-max-length-set` (WARN),
        // `*-max-length-decreased` and `*-pattern-added` (ERR), `*-pattern-changed` (WARN).
        let (level, rule) = match change {
            Constraint::Tighter => (
                ctx.usage.level(Level::Error, Level::Info),
                Rule::ConstraintTightened,
            ),
            Constraint::Set => (
                ctx.usage.level(Level::Warning, Level::Info),
                Rule::ConstraintTightened,
            ),
            Constraint::Looser => (
                ctx.usage.level(Level::Info, Level::Warning),
                Rule::ConstraintLoosened,
            ),
            Constraint::Changed => (Level::Warning, Rule::ConstraintTightened),
        };
        self.change(ctx, level, rule, pointer, what, Breaks::No);
    }

    /// `allOf` members added or removed (by the component they name; inline members
    /// by count). Their properties are compared with the object's own (`flatten`).
    fn all_of(&mut self, ctx: &Ctx, o: &Value, n: &Value, np: &str) {
        let members = |v: &Value| -> (Vec<String>, usize) {
            let list = v.get("allOf").and_then(Value::as_array);
            let named = list
                .into_iter()
                .flatten()
                .filter_map(|m| ref_target(m).as_deref().and_then(schema_name))
                .collect();
            let inline = list
                .into_iter()
                .flatten()
                .filter(|m| ref_target(m).is_none())
                .count();
            (named, inline)
        };
        let ((on, oi), (nn, ni)) = (members(o), members(n));
        let pointer = format!("{np}/allOf");
        // A member more is one more schema every value must satisfy.
        let added = ctx.usage.level(Level::Error, Level::Info);
        let removed = ctx.usage.level(Level::Info, Level::Warning);
        for name in nn.iter().filter(|m| !on.contains(m)) {
            let what = format!("`allOf` member `{name}` added");
            self.change(ctx, added, Rule::AllOfAdded, &pointer, what, Breaks::Maybe);
        }
        for name in on.iter().filter(|m| !nn.contains(m)) {
            let what = format!("`allOf` member `{name}` removed");
            self.change(
                ctx,
                removed,
                Rule::AllOfRemoved,
                &pointer,
                what,
                Breaks::Maybe,
            );
        }
        if ni > oi {
            let what = format!("{} inline `allOf` member(s) added", ni - oi);
            self.change(ctx, added, Rule::AllOfAdded, &pointer, what, Breaks::Maybe);
        } else if oi > ni {
            let what = format!("{} inline `allOf` member(s) removed", oi - ni);
            self.change(
                ctx,
                removed,
                Rule::AllOfRemoved,
                &pointer,
                what,
                Breaks::Maybe,
            );
        }
    }

    fn variants(&mut self, ctx: &Ctx, o: &Value, op: &str, n: &Value, np: &str, depth: usize) {
        for kw in ["oneOf", "anyOf"] {
            let (Some(ov), Some(nv)) = (
                o.get(kw).and_then(Value::as_array),
                n.get(kw).and_then(Value::as_array),
            ) else {
                continue;
            };
            let name = |v: &Value| ref_target(v).as_deref().and_then(schema_name);
            let kptr = format!("{np}/{kw}");
            for (i, a) in ov.iter().enumerate() {
                match name(a) {
                    Some(an) => {
                        if !nv.iter().any(|b| name(b).as_deref() == Some(an.as_str())) {
                            let level = ctx.usage.level(Level::Error, Level::Info);
                            self.change(
                                ctx,
                                level,
                                Rule::VariantRemoved,
                                &kptr,
                                format!("`{kw}` variant `{an}` removed"),
                                Breaks::Yes,
                            );
                        }
                    }
                    None => {
                        if let Some(b) = nv.get(i).filter(|b| name(b).is_none()) {
                            self.schema(
                                ctx,
                                a,
                                &format!("{op}/{kw}/{i}"),
                                b,
                                &format!("{kptr}/{i}"),
                                depth + 1,
                            );
                        }
                    }
                }
            }
            for b in nv {
                if let Some(bn) = name(b) {
                    if !ov.iter().any(|a| name(a).as_deref() == Some(bn.as_str())) {
                        // Unions are `#[non_exhaustive]` enums.
                        let level = ctx.usage.level(Level::Info, Level::Warning);
                        self.change(
                            ctx,
                            level,
                            Rule::VariantAdded,
                            &kptr,
                            format!("`{kw}` variant `{bn}` added"),
                            Breaks::No,
                        );
                    }
                }
            }
            if nv.len() > ov.len() {
                let added_inline = nv
                    .iter()
                    .skip(ov.len())
                    .filter(|b| name(b).is_none())
                    .count();
                if added_inline > 0 {
                    let level = ctx.usage.level(Level::Info, Level::Warning);
                    self.change(
                        ctx,
                        level,
                        Rule::VariantAdded,
                        &kptr,
                        format!("{added_inline} inline `{kw}` variant(s) added"),
                        Breaks::No,
                    );
                }
            } else if ov.len() > nv.len() {
                let removed_inline = ov
                    .iter()
                    .skip(nv.len())
                    .filter(|a| name(a).is_none())
                    .count();
                if removed_inline > 0 {
                    let level = ctx.usage.level(Level::Error, Level::Info);
                    self.change(
                        ctx,
                        level,
                        Rule::VariantRemoved,
                        &kptr,
                        format!("{removed_inline} inline `{kw}` variant(s) removed"),
                        Breaks::Yes,
                    );
                }
            }
        }
    }

    /// Whether a required property of the new document is an argument of
    /// `Type::new`: it is unless it may be null or is read-only or write-only.
    fn new_argument(&self, property: &Value, pointer: &str) -> bool {
        !property_flag(
            self.new,
            property,
            pointer,
            &["nullable", "readOnly", "writeOnly"],
        )
    }

    fn properties(&mut self, ctx: &Ctx, o: &Value, op: &str, n: &Value, np: &str, depth: usize) {
        let of = flatten(self.old, o, op, 0);
        let nf = flatten(self.new, n, np, 0);
        let flag = |root: &Value, v: &Value, p: &str, k: &str| property_flag(root, v, p, &[k]);
        for (name, (ov, optr)) in &of.properties {
            let o_req = of.required.contains(name);
            let (o_ro, o_wo) = (
                flag(self.old, ov, optr, "readOnly"),
                flag(self.old, ov, optr, "writeOnly"),
            );
            match nf.properties.get(name) {
                None => {
                    let mut c = ctx.with_field(name, !o_req);
                    c.usage = ctx.usage.of_property(o_ro, o_wo);
                    // Requests: the server may ignore or refuse it (oasdiff's
                    // `request-property-removed` is WARN); responses: callers that read
                    // it get nothing, which breaks them when it was required.
                    let response = if o_req { Level::Error } else { Level::Warning };
                    let level = c.usage.level(Level::Warning, response);
                    self.change(
                        &c,
                        level,
                        Rule::PropertyRemoved,
                        optr,
                        "removed".into(),
                        Breaks::Yes,
                    );
                }
                Some((nv, nptr)) => {
                    let n_req = nf.required.contains(name);
                    let (n_ro, n_wo) = (
                        flag(self.new, nv, nptr, "readOnly"),
                        flag(self.new, nv, nptr, "writeOnly"),
                    );
                    let mut c = ctx.with_field(name, !n_req);
                    // A property read-only (or write-only) on both sides travels one
                    // way only; one that changes is judged by the rules below.
                    c.usage = ctx.usage.of_property(o_ro && n_ro, o_wo && n_wo);
                    // `T` ↔ `Option<T>`, or (nullable) `Option<T>` ↔ `Option<Option<T>>`;
                    // a read-only or write-only property is optional in Rust either way.
                    let breaks = if (o_ro || o_wo) && (n_ro || n_wo) {
                        Breaks::No
                    } else {
                        Breaks::Yes
                    };
                    if !o_req && n_req {
                        let level = c.usage.required_level(Level::Error, Level::Info);
                        self.change(
                            &c,
                            level,
                            Rule::PropertyBecameRequired,
                            nptr,
                            "became required".into(),
                            breaks,
                        );
                    } else if o_req && !n_req {
                        let level = c.usage.required_level(Level::Info, Level::Error);
                        self.change(
                            &c,
                            level,
                            Rule::PropertyBecameOptional,
                            nptr,
                            "became optional".into(),
                            breaks,
                        );
                    }
                    self.read_write(&c, (o_ro, n_ro), (o_wo, n_wo), n_req, nptr);
                    self.deprecation(&c, Rule::PropertyDeprecated, "property", ov, nv, nptr);
                    self.schema(&c, ov, optr, nv, nptr, depth + 1);
                }
            }
        }
        for (name, (nv, nptr)) in &nf.properties {
            if !of.properties.contains_key(name) {
                let required = nf.required.contains(name);
                let mut c = ctx.with_field(name, !required);
                c.usage = ctx.usage.of_property(
                    flag(self.new, nv, nptr, "readOnly"),
                    flag(self.new, nv, nptr, "writeOnly"),
                );
                if required {
                    let level = c.usage.required_level(Level::Error, Level::Info);
                    // `Type::new(required..)` takes one more argument (and a struct
                    // whose properties were all optional loses `Default`), in either
                    // direction. A required property that may be null, or is read-only
                    // or write-only, is not an argument of `new`: only a setter is
                    // added.
                    let breaks = if self.new_argument(nv, nptr) {
                        Breaks::Yes
                    } else {
                        Breaks::No
                    };
                    self.change(
                        &c,
                        level,
                        Rule::RequiredPropertyAdded,
                        nptr,
                        "required property added".into(),
                        breaks,
                    );
                } else {
                    // Structs are `#[non_exhaustive]` and built with `new` and setters:
                    // a new field and setter break nothing.
                    self.change(
                        &c,
                        Level::Info,
                        Rule::PropertyAdded,
                        nptr,
                        "optional property added".into(),
                        Breaks::No,
                    );
                }
            }
        }
    }

    /// A property that became (or stopped being) read-only or write-only; `ro` and `wo`
    /// are (old, new).
    fn read_write(
        &mut self,
        ctx: &Ctx,
        ro: (bool, bool),
        wo: (bool, bool),
        required: bool,
        pointer: &str,
    ) {
        // A required property enters or leaves `new(..)` with the flag.
        let breaks = if required { Breaks::Yes } else { Breaks::Maybe };
        if ro.0 != ro.1 {
            let (level, what) = if ro.1 {
                (
                    ctx.usage.level(Level::Warning, Level::Info),
                    "became read-only: the server ignores it in requests",
                )
            } else if required {
                (
                    ctx.usage.level(Level::Error, Level::Info),
                    "is no longer read-only and is required: requests must send it",
                )
            } else {
                (Level::Info, "is no longer read-only")
            };
            self.change(
                ctx,
                level,
                Rule::ReadOnlyChanged,
                pointer,
                what.into(),
                breaks,
            );
        }
        if wo.0 != wo.1 {
            let (level, what) = if wo.1 {
                (
                    ctx.usage.level(Level::Info, Level::Warning),
                    "became write-only: responses no longer return it",
                )
            } else {
                (Level::Info, "is no longer write-only")
            };
            // Servers SHOULD NOT return a write-only property; whether this one stops
            // coming back is theirs to say, so at most WARN (oasdiff reports nothing).
            let level = level.min(Level::Warning);
            self.change(
                ctx,
                level,
                Rule::WriteOnlyChanged,
                pointer,
                what.into(),
                breaks,
            );
        }
    }
}

/// How a constraint keyword changed.
#[derive(Clone, Copy)]
enum Constraint {
    /// An existing bound was tightened, or a pattern added.
    Tighter,
    /// A bound was set where there was none.
    Set,
    /// A bound was loosened or removed.
    Looser,
    /// A pattern was replaced by another: which accepts more is not computed.
    Changed,
}

/// Whether code naming the Rust type of a value stops compiling when that type goes from
/// `old` to `new` (each `None` when the value has no type of its own): another name
/// breaks it; the same name, or a plain value becoming an alias, does not.
fn exact_breaks(old: Option<TypeAt>, new: Option<TypeAt>) -> Breaks {
    match (old, new) {
        (Some(a), Some(b)) if a.name == b.name => Breaks::No,
        (Some(_), Some(_)) => Breaks::Yes,
        (None, Some(t)) | (Some(t), None) if t.alias => Breaks::No,
        (None, None) => Breaks::No,
        _ => Breaks::Maybe,
    }
}

/// Whether a property schema (or what it refers to) sets one of the boolean `keywords`.
fn property_flag(root: &Value, property: &Value, pointer: &str, keywords: &[&str]) -> bool {
    let (resolved, _) = deref(root, property, pointer);
    let (resolved, _) = single_all_of(root, resolved, pointer.to_string());
    [property, resolved].iter().any(|v| {
        keywords
            .iter()
            .any(|k| v.get(*k).and_then(Value::as_bool) == Some(true))
    })
}

/// `allOf: [X]` with nothing else that shapes the value stands for X.
fn single_all_of<'a>(root: &'a Value, schema: &'a Value, pointer: String) -> (&'a Value, String) {
    let Some(items) = schema.get("allOf").and_then(Value::as_array) else {
        return (schema, pointer);
    };
    let shaping = [
        "type",
        "properties",
        "items",
        "enum",
        "oneOf",
        "anyOf",
        "additionalProperties",
    ];
    if items.len() == 1 && !shaping.iter().any(|k| schema.get(*k).is_some()) {
        let (target, ptr) = deref(root, &items[0], &format!("{pointer}/allOf/0"));
        if target.get("properties").is_none() && target.get("allOf").is_none() {
            return (target, ptr);
        }
    }
    (schema, pointer)
}

/// The properties of an object schema with its `allOf` members merged in, each with the
/// pointer where it is defined.
#[derive(Default)]
struct Flat<'a> {
    properties: BTreeMap<String, (&'a Value, String)>,
    required: BTreeSet<String>,
}

fn flatten<'a>(root: &'a Value, schema: &'a Value, pointer: &str, depth: usize) -> Flat<'a> {
    let mut flat = Flat::default();
    if depth > 16 {
        return flat;
    }
    if let Some(members) = schema.get("allOf").and_then(Value::as_array) {
        for (i, m) in members.iter().enumerate() {
            let (m, mp) = deref(root, m, &format!("{pointer}/allOf/{i}"));
            let inner = flatten(root, m, &mp, depth + 1);
            flat.properties.extend(inner.properties);
            flat.required.extend(inner.required);
        }
    }
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (name, p) in props {
            flat.properties.insert(
                name.clone(),
                (p, join(&format!("{pointer}/properties"), name)),
            );
        }
    }
    if let Some(req) = schema.get("required").and_then(Value::as_array) {
        flat.required
            .extend(req.iter().filter_map(Value::as_str).map(str::to_string));
    }
    flat
}

/// A parameter of an operation, resolved.
struct Param<'a> {
    name: String,
    pointer: String,
    value: &'a Value,
}

/// Path-item parameters overridden by operation parameters, keyed by (in, name) — for
/// path parameters (in, position in the path template), so renaming one is not a
/// removal.
fn effective_parameters<'a>(
    root: &'a Value,
    op: &spec::OperationRef<'a>,
) -> BTreeMap<(String, String), Param<'a>> {
    let template_params: Vec<&str> = op
        .path
        .split('{')
        .skip(1)
        .filter_map(|s| s.split('}').next())
        .collect();
    let mut out = BTreeMap::new();
    for (container, base) in [(op.item, &op.item_pointer), (op.op, &op.pointer)] {
        let Some(params) = container.get("parameters").and_then(Value::as_array) else {
            continue;
        };
        for (i, p) in params.iter().enumerate() {
            let pointer = format!("{base}/parameters/{i}");
            let (value, _) = deref(root, p, &pointer);
            let place = value
                .get("in")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let name = value
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let key = match template_params.iter().position(|t| *t == name) {
                Some(index) if place == "path" => format!("#{index}"),
                _ => name.clone(),
            };
            out.insert(
                (place, key),
                Param {
                    name,
                    pointer,
                    value,
                },
            );
        }
    }
    out
}
