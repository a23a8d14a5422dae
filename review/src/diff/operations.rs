//! Operations compared: added and removed, their parameters, request bodies, media
//! types, responses and response headers, with the stability, sunset and security rules
//! of each operation.

use std::collections::BTreeMap;

use codegen::operations::{payload_media, BodyKind, StatusMatch};
use serde_json::Value;

use super::impact::{Ctx, Side};
use super::walk::Differ;
use super::{Breaks, Level, Rule, Usage};
use crate::locate::join;
use crate::spec::{self, deref};

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

impl Differ<'_> {
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
                    self.change(
                        &Ctx::at(&location, item.into_iter().collect()),
                        Level::Error,
                        Rule::OperationRemoved,
                        &o.pointer,
                        "operation removed".into(),
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
                self.change(
                    &Ctx::at(&location, item.into_iter().collect()),
                    Level::Info,
                    Rule::OperationAdded,
                    &n.pointer,
                    "operation added".into(),
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
            self.change(
                &Ctx::at(
                    &location,
                    old_method.into_iter().chain(method.clone()).collect(),
                ),
                Level::Info,
                Rule::OperationIdChanged,
                &format!("{}/operationId", n.pointer),
                format!(
                    "operationId changed from `{}` to `{}`: the client method is renamed",
                    o.op.get("operationId")
                        .and_then(Value::as_str)
                        .unwrap_or("-"),
                    n.op.get("operationId")
                        .and_then(Value::as_str)
                        .unwrap_or("-"),
                ),
                Breaks::Yes,
            );
        }
        let deprecated = |v: &Value| v.get("deprecated").and_then(Value::as_bool) == Some(true);
        if !deprecated(o.op) && deprecated(n.op) {
            self.change(
                &Ctx::at(&location, method.clone().into_iter().collect()),
                Level::Info,
                Rule::OperationDeprecated,
                &format!("{}/deprecated", n.pointer),
                "operation deprecated".into(),
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
                self.change(
                    &base.with_item(setter),
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
                    self.change(
                        &base.with_item(setter),
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
                        self.change(
                            &base.with_item(old_variant),
                            Level::Error,
                            Rule::SuccessStatusRemoved,
                            &op,
                            format!("success response `{status}` removed"),
                            breaks,
                        );
                    } else {
                        self.change(
                            &base.with_item(old_variant),
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
                self.change(
                    &base.with_item(self.status_enum(base, Side::New, success, status)),
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
