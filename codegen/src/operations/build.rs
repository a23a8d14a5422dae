//! The operations model built from a document: parameters with their styles, bodies,
//! responses, security, names that collide with nothing, and the server.

use heck::ToUpperCamelCase;
use indexmap::IndexMap;
use openapiv3::{
    CookieStyle, HeaderStyle, OpenAPI, Operation, Parameter, ParameterSchemaOrContent, PathItem,
    PathStyle, QueryStyle, ReferenceOr, RequestBody, Response, Schema, SchemaKind, SecurityScheme,
    StatusCode, Type,
};

use super::{
    body_kind, payload_media, Body, BodyKind, BodyMedia, OperationMethod, Operations, Param,
    ParamLocation, ParamStyle, ResponseBody, ResponseCase, Scheme, SchemeKind, Server, ServerVar,
    StatusMatch, METHODS,
};
use crate::docs::Docs;
use crate::load::escape_pointer_token;
use crate::naming::{field_name, method_name, type_name, variant_name, UniqueNames};
use crate::typespace::{TypeRef, TypeSpace, TypeSpaceBuilder};
use crate::{Error, Note};

/// The server model of a document: its first server, with the variables at their
/// defaults; `/` (relative to nothing) when it lists none.
pub fn server(openapi: &openapiv3::OpenAPI) -> Server {
    let Some(first) = openapi.servers.first() else {
        return Server {
            template: "/".into(),
            default_url: "/".into(),
            variables: Vec::new(),
        };
    };
    let mut default_url = first.url.clone();
    let mut variables = Vec::new();
    for (name, var) in first.variables.iter().flatten() {
        default_url = default_url.replace(&format!("{{{name}}}"), &var.default);
        let mut docs = Docs::new();
        docs.text(var.description.as_deref());
        variables.push(ServerVar {
            name: name.clone(),
            default: var.default.clone(),
            allowed: var.enumeration.clone(),
            docs,
        });
    }
    Server {
        template: first.url.clone(),
        default_url,
        variables,
    }
}

fn path_item_ops(item: &PathItem) -> [(&'static str, Option<&Operation>); 8] {
    [
        (METHODS[0], item.get.as_ref()),
        (METHODS[1], item.put.as_ref()),
        (METHODS[2], item.post.as_ref()),
        (METHODS[3], item.delete.as_ref()),
        (METHODS[4], item.options.as_ref()),
        (METHODS[5], item.head.as_ref()),
        (METHODS[6], item.patch.as_ref()),
        (METHODS[7], item.trace.as_ref()),
    ]
}

/// Resolves a `$ref` to `#/components/<section>/<name>` in `map`.
fn resolve_local<'d, T>(
    item: &'d ReferenceOr<T>,
    section: &str,
    map: Option<&'d IndexMap<String, ReferenceOr<T>>>,
) -> Result<&'d T, String> {
    let mut current = item;
    for _ in 0..16 {
        match current {
            ReferenceOr::Item(t) => return Ok(t),
            ReferenceOr::Reference { reference } => {
                let prefix = format!("#/components/{section}/");
                let key = reference.strip_prefix(&prefix).ok_or_else(|| {
                    format!("`$ref: {reference}`: expected a reference to {prefix}...")
                })?;
                let key = crate::load::unescape_token(key);
                current = map
                    .and_then(|m| m.get(&key))
                    .ok_or_else(|| format!("`$ref: {reference}` points to nothing"))?;
            }
        }
    }
    Err("`$ref` chain too long or cyclic".into())
}

/// Builds the operations of `doc`, adding the types they need to `types`.
pub fn build(
    doc: &OpenAPI,
    file: &std::path::Path,
    types: &mut TypeSpaceBuilder<'_>,
) -> Result<Operations, Error> {
    let err = |pointer: &str, message: String| Error {
        file: file.to_path_buf(),
        pointer: pointer.to_string(),
        message,
    };
    let components = doc.components.as_ref();
    let mut ops = Operations::default();

    for (name, scheme) in components
        .map(|c| &c.security_schemes)
        .into_iter()
        .flatten()
    {
        let pointer = format!("/components/securitySchemes/{}", escape_pointer_token(name));
        let scheme = resolve_local(
            scheme,
            "securitySchemes",
            components.map(|c| &c.security_schemes),
        )
        .map_err(|m| err(&pointer, m))?;
        let (kind, description) = match scheme {
            SecurityScheme::APIKey {
                location,
                name: key,
                description,
                ..
            } => (
                match location {
                    openapiv3::APIKeyLocation::Header => SchemeKind::ApiKeyHeader(key.clone()),
                    openapiv3::APIKeyLocation::Query => SchemeKind::ApiKeyQuery(key.clone()),
                    openapiv3::APIKeyLocation::Cookie => SchemeKind::ApiKeyCookie(key.clone()),
                },
                description,
            ),
            SecurityScheme::HTTP {
                scheme,
                description,
                ..
            } => match scheme.to_ascii_lowercase().as_str() {
                "bearer" => (SchemeKind::Bearer, description),
                "basic" => (SchemeKind::Basic, description),
                // Digest and other HTTP schemes need a challenge round trip the client
                // does not implement; operations that need only them send no auth, and
                // the summary says so.
                other => {
                    ops.warnings.push(Note::new(
                        pointer.clone(),
                        format!("HTTP `{other}` authentication is not supported: operations that accept only it are sent without credentials"),
                    ));
                    continue;
                }
            },
            SecurityScheme::OAuth2 { description, .. }
            | SecurityScheme::OpenIDConnect { description, .. } => {
                (SchemeKind::Bearer, description)
            }
        };
        let mut docs = Docs::new();
        docs.text(description.as_deref());
        let const_name = format!("SCHEME_{}", field_name(name).to_uppercase());
        ops.schemes.insert(
            name.clone(),
            Scheme {
                name: name.clone(),
                const_name,
                kind,
                docs,
            },
        );
    }

    let mut method_names = UniqueNames::with_taken(["new", "builder", "transport", "base_url"]);
    let mut stems = UniqueNames::with_taken(["Client"]);
    for (path, item) in &doc.paths.paths {
        let item_pointer = format!("/paths/{}", escape_pointer_token(path));
        let ReferenceOr::Item(item) = item else {
            return Err(err(
                &item_pointer,
                "path item `$ref`s are not supported".into(),
            ));
        };
        for (method, op) in path_item_ops(item) {
            let Some(op) = op else { continue };
            let pointer = format!("{item_pointer}/{method}");
            let operation_id = op
                .operation_id
                .clone()
                .unwrap_or_else(|| derived_operation_id(method, path));
            let method_name = method_names.claim(&method_name(&operation_id));
            let type_stem = claim_stem(&mut stems, &type_name(&operation_id));

            let mut docs = Docs::new();
            docs.text(op.summary.as_deref());
            docs.text(op.description.as_deref());
            if let Some(a) = op.extensions.get("x-assumption").and_then(|v| v.as_str()) {
                docs.text(Some(&format!("Assumption: {a}")));
            }
            docs.note(format!(
                "`{} {}`",
                method.to_uppercase(),
                path.replace('`', "'")
            ));
            if op.deprecated {
                docs.note("**Deprecated** by the API.");
            }

            let site = Site {
                path,
                pointer: &pointer,
                stem: &type_stem,
            };
            let params = build_params(
                doc,
                &item.parameters,
                &op.parameters,
                &site,
                types,
                &mut ops.warnings,
            )
            .map_err(|(p, m)| err(&p, m))?;
            check_path_template(path, &pointer, &params).map_err(|(p, m)| err(&p, m))?;
            let body = match &op.request_body {
                None => None,
                Some(rb) => {
                    let body_pointer = format!("{pointer}/requestBody");
                    let rb =
                        resolve_local(rb, "requestBodies", components.map(|c| &c.request_bodies))
                            .map_err(|m| err(&body_pointer, m))?;
                    build_body(rb, &body_pointer, &type_stem, types)?
                }
            };
            let responses = build_responses(doc, file, op, &pointer, &type_stem, types)?;
            let security = op
                .security
                .as_ref()
                .or(doc.security.as_ref())
                .map(|reqs| {
                    reqs.iter()
                        // An alternative naming a scheme the client cannot send is dropped.
                        .filter(|req| req.keys().all(|k| ops.schemes.contains_key(k)))
                        .map(|req| req.keys().cloned().collect::<Vec<_>>())
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default();
            let accept = accept_type(op);
            let idempotent = op
                .extensions
                .get("x-idempotent")
                .and_then(|v| v.as_bool())
                .unwrap_or(false);
            if idempotent {
                docs.note("Safe to repeat (`x-idempotent`): a retry policy retries it like a GET.");
            }
            ops.methods.push(OperationMethod {
                accept,
                idempotent,
                operation_id,
                method_name,
                type_stem,
                http_method: method.to_uppercase(),
                path: path.clone(),
                params,
                body,
                responses,
                security,
                docs,
                tags: op.tags.clone(),
            });
        }
    }
    Ok(ops)
}

/// The item names emitted for an operation with type stem `stem`: the request builder,
/// the reply and error enums, the body enum and the struct of required parameters.
///
/// The reply enum is `<Stem>Reply`, not `<Stem>Response`: models are very often named
/// `<Operation>Response` (iRiS' `CreateConversationResponse`, Salesforce's
/// `EstablishConversationResponse`), and the same name in a module and in its `types`
/// makes glob imports of both ambiguous. [`avoid_type_names`] rules out the rest.
pub fn stem_items(stem: &str) -> [String; 5] {
    [
        stem.to_string(),
        format!("{stem}Reply"),
        format!("{stem}Error"),
        format!("{stem}Body"),
        format!("{stem}Params"),
    ]
}

/// Gives a new stem to every operation one of whose item names (see [`stem_items`]) is
/// also the name of a type in `space`, so that no name of an API module is also a name of
/// its `types` module. The numbered stem (`CreateConversation2`) is rare and unambiguous.
pub fn avoid_type_names(ops: &mut Operations, space: &TypeSpace) {
    let clashes = |stem: &str| {
        stem_items(stem)
            .iter()
            .any(|name| space.entries.contains_key(name))
    };
    if !ops.methods.iter().any(|op| clashes(&op.type_stem)) {
        return;
    }
    let taken = std::iter::once("Client".to_string()).chain(space.entries.keys().cloned());
    let mut stems = UniqueNames::with_taken(taken);
    for op in &mut ops.methods {
        op.type_stem = claim_stem(&mut stems, &op.type_stem);
    }
}

/// Claims a type stem whose builder, reply, error, body and parameter names are all free,
/// so that `getThing` (→ `GetThingReply` enum) and `getThingReply` (→ builder) do not
/// collide, whatever their order. A keyword stem (`Self_`) becomes `SelfOp`, as
/// `Self_Reply` would break the naming lints.
fn claim_stem(stems: &mut UniqueNames, base: &str) -> String {
    let base = match base.strip_suffix('_') {
        Some(trimmed) if !trimmed.is_empty() => format!("{trimmed}Op"),
        _ => base.to_string(),
    };
    let mut candidate = base.clone();
    let mut n = 2;
    while stem_items(&candidate)
        .iter()
        .any(|name| stems.contains(name))
    {
        candidate = format!("{base}{n}");
        n += 1;
    }
    for name in stem_items(&candidate) {
        stems.claim(&name);
    }
    candidate
}

/// The JSON media type of the first response that has one, successes first.
fn accept_type(op: &Operation) -> Option<String> {
    let mut responses: Vec<(&StatusCode, &ReferenceOr<Response>)> =
        op.responses.responses.iter().collect();
    responses.sort_by_key(|(code, _)| match code {
        StatusCode::Code(c) => (*c >= 400, *c),
        StatusCode::Range(r) => (*r >= 4, *r * 100),
    });
    responses.into_iter().find_map(|(_, r)| match r {
        ReferenceOr::Item(r) => {
            let json: Vec<&String> = r
                .content
                .keys()
                .filter(|mt| body_kind(mt) == BodyKind::Json && *mt != "*/*")
                .collect();
            json.iter()
                .find(|mt| mt.as_str() == "application/json")
                .or(json.first())
                .map(|mt| mt.to_string())
        }
        ReferenceOr::Reference { .. } => None,
    })
}

fn derived_operation_id(method: &str, path: &str) -> String {
    let mut id = method.to_string();
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        id.push('_');
        id.push_str(seg.trim_matches(|c| c == '{' || c == '}'));
    }
    id
}

type PErr = (String, String);

/// Where an operation is: its path template, its JSON pointer and its type stem.
struct Site<'a> {
    path: &'a str,
    pointer: &'a str,
    stem: &'a str,
}

fn build_params(
    doc: &OpenAPI,
    path_level: &[ReferenceOr<Parameter>],
    op_level: &[ReferenceOr<Parameter>],
    site: &Site<'_>,
    types: &mut TypeSpaceBuilder<'_>,
    warnings: &mut Warnings,
) -> Result<Vec<Param>, PErr> {
    let Site {
        path,
        pointer,
        stem,
    } = *site;
    let components = doc.components.as_ref().map(|c| &c.parameters);
    // Operation parameters override path-level ones with the same name and location.
    let mut merged: Vec<(String, &Parameter)> = Vec::new();
    let path_ptr = pointer.rsplit_once('/').map(|(p, _)| p).unwrap_or(pointer);
    for (i, p) in path_level.iter().enumerate() {
        let ptr = format!("{path_ptr}/parameters/{i}");
        let param = resolve_local(p, "parameters", components).map_err(|m| (ptr.clone(), m))?;
        merged.push((ptr, param));
    }
    for (i, p) in op_level.iter().enumerate() {
        let ptr = format!("{pointer}/parameters/{i}");
        let param = resolve_local(p, "parameters", components).map_err(|m| (ptr.clone(), m))?;
        let key = (
            param.parameter_data_ref().name.clone(),
            std::mem::discriminant(param),
        );
        match merged.iter_mut().find(|(_, q)| {
            (
                q.parameter_data_ref().name.clone(),
                std::mem::discriminant(*q),
            ) == key
        }) {
            Some(slot) => *slot = (ptr, param),
            None => merged.push((ptr, param)),
        }
    }
    // Names the request builder uses itself: its fields `client` and `body`, and its
    // methods `send`, `decode` and `into_future` (parameters are fields and setters).
    let mut names = UniqueNames::with_taken(BUILDER_NAMES);
    let mut params = Vec::new();
    for (ptr, param) in merged {
        let (location, data, style, allow_reserved) = match param {
            Parameter::Path {
                parameter_data,
                style,
            } => (
                ParamLocation::Path,
                parameter_data,
                match style {
                    PathStyle::Matrix => ParamStyle::Matrix,
                    PathStyle::Label => ParamStyle::Label,
                    PathStyle::Simple => ParamStyle::Simple,
                },
                false,
            ),
            Parameter::Query {
                parameter_data,
                style,
                allow_reserved,
                ..
            } => (
                ParamLocation::Query,
                parameter_data,
                match style {
                    QueryStyle::Form => ParamStyle::Form,
                    QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
                    QueryStyle::PipeDelimited => ParamStyle::PipeDelimited,
                    QueryStyle::DeepObject => ParamStyle::DeepObject,
                },
                *allow_reserved,
            ),
            Parameter::Header {
                parameter_data,
                style: HeaderStyle::Simple,
            } => (
                ParamLocation::Header,
                parameter_data,
                ParamStyle::Simple,
                false,
            ),
            Parameter::Cookie {
                parameter_data,
                style: CookieStyle::Form,
            } => (
                ParamLocation::Cookie,
                parameter_data,
                ParamStyle::Form,
                false,
            ),
        };
        if location == ParamLocation::Header
            && IGNORED_HEADERS
                .iter()
                .any(|h| h.eq_ignore_ascii_case(&data.name))
        {
            warnings.push(Note::new(
                ptr,
                format!(
                    "header parameter `{}` is ignored, as OpenAPI 3.0 says: `Accept` comes from \
                     the responses, `Content-Type` from the request body and `Authorization` \
                     from the security schemes",
                    data.name
                ),
            ));
            continue;
        }
        if location == ParamLocation::Path && !path.contains(&format!("{{{}}}", data.name)) {
            return Err((
                ptr,
                format!(
                    "path parameter `{}` does not appear in the path template `{path}`",
                    data.name
                ),
            ));
        }
        let (ty, style) = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => {
                style_warnings(doc, schema, style, data.explode, &ptr, &data.name, warnings);
                let ty = types
                    .type_for(
                        schema.into(),
                        &format!("{ptr}/schema"),
                        &format!("{stem}{}", data.name.to_upper_camel_case()),
                    )
                    .map_err(|e| (e.pointer, e.message))?;
                (ty, style)
            }
            ParameterSchemaOrContent::Content(content) => {
                content_param(content, &ptr, stem, &data.name, types, warnings)
                    .map_err(|e| (e.pointer, e.message))?
            }
        };
        let mut docs = Docs::new();
        docs.text(data.description.as_deref());
        if let Some(a) = data.extensions.get("x-assumption").and_then(|v| v.as_str()) {
            docs.text(Some(&format!("Assumption: {a}")));
        }
        params.push(Param {
            name: names.claim(&field_name(&data.name)),
            wire: data.name.clone(),
            location,
            ty,
            required: data.required || location == ParamLocation::Path,
            explode: data.explode.unwrap_or(style.default_explode()),
            style,
            allow_reserved,
            docs,
            example: data.example.clone().or_else(|| {
                data.examples.values().find_map(|e| match e {
                    ReferenceOr::Item(e) => e.value.clone(),
                    ReferenceOr::Reference { .. } => None,
                })
            }),
        });
    }
    Ok(params)
}

/// Names a parameter cannot have in the request builder: its own fields and methods.
const BUILDER_NAMES: [&str; 5] = ["client", "body", "send", "decode", "into_future"];

/// Header parameters OpenAPI 3.0 says to ignore.
const IGNORED_HEADERS: [&str; 3] = ["Accept", "Content-Type", "Authorization"];

/// Checks that the `{variables}` of `path` and the path parameters match one to one.
fn check_path_template(path: &str, pointer: &str, params: &[Param]) -> Result<(), PErr> {
    let mut variables = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(length) = rest[start..].find('}') else {
            return Err((
                pointer.to_string(),
                format!("the path template `{path}` has a `{{` without its `}}`"),
            ));
        };
        variables.push(&rest[start + 1..start + length]);
        rest = &rest[start + length + 1..];
    }
    if let Some(variable) = variables.iter().find(|v| {
        !params
            .iter()
            .any(|p| p.location == ParamLocation::Path && p.wire == **v)
    }) {
        return Err((
            pointer.to_string(),
            format!(
                "the path template `{path}` has the variable `{{{variable}}}`, but the operation \
                 declares no path parameter `{variable}` (here or in the path item)"
            ),
        ));
    }
    Ok(())
}

type Warnings = Vec<Note>;

/// What a parameter schema is, as far as the styles care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Primitive,
    /// An array; whether its items are arrays or objects.
    Array {
        nested: bool,
    },
    /// An object; whether a property (or additional property) is an array or object.
    Object {
        nested: bool,
    },
    /// Unknown: no type, a union, a `$ref` that does not resolve.
    Other,
}

/// The components schema a `$ref` names, following `$ref` chains (a few steps).
fn resolve_schema<'d>(doc: &'d OpenAPI, schema: &'d ReferenceOr<Schema>) -> Option<&'d Schema> {
    let schemas = doc.components.as_ref().map(|c| &c.schemas);
    resolve_local(schema, "schemas", schemas).ok()
}

fn boxed_ref(schema: &ReferenceOr<Box<Schema>>) -> ReferenceOr<Schema> {
    match schema {
        ReferenceOr::Item(schema) => ReferenceOr::Item((**schema).clone()),
        ReferenceOr::Reference { reference } => ReferenceOr::Reference {
            reference: reference.clone(),
        },
    }
}

fn shape_of(doc: &OpenAPI, schema: &ReferenceOr<Schema>, depth: u8) -> Shape {
    let Some(schema) = resolve_schema(doc, schema) else {
        return Shape::Other;
    };
    let compound = |shape: Shape| matches!(shape, Shape::Array { .. } | Shape::Object { .. });
    match &schema.schema_kind {
        SchemaKind::Type(Type::Array(array)) => Shape::Array {
            nested: depth == 0
                && array
                    .items
                    .as_ref()
                    .is_some_and(|items| compound(shape_of(doc, &boxed_ref(items), 1))),
        },
        SchemaKind::Type(Type::Object(object)) => Shape::Object {
            nested: depth == 0
                && (object
                    .properties
                    .values()
                    .any(|p| compound(shape_of(doc, &boxed_ref(p), 1)))
                    || matches!(
                        &object.additional_properties,
                        Some(openapiv3::AdditionalProperties::Schema(p))
                            if compound(shape_of(doc, p, 1))
                    )),
        },
        SchemaKind::Type(_) => Shape::Primitive,
        _ => Shape::Other,
    }
}

/// Warns where a style is not defined for the parameter's schema, and says what is sent.
fn style_warnings(
    doc: &OpenAPI,
    schema: &ReferenceOr<Schema>,
    style: ParamStyle,
    explode: Option<bool>,
    pointer: &str,
    name: &str,
    warnings: &mut Warnings,
) {
    let shape = shape_of(doc, schema, 0);
    let style_name = style.spec_name();
    let mut warn = |message: String| warnings.push(Note::new(pointer, message));
    match (style, shape) {
        (ParamStyle::DeepObject, Shape::Primitive | Shape::Array { .. }) => warn(format!(
            "parameter `{name}`: style `deepObject` is defined for objects only; this value \
             is sent as `form` with `explode: true` would send it"
        )),
        (ParamStyle::SpaceDelimited | ParamStyle::PipeDelimited, Shape::Primitive) => {
            warn(format!(
                "parameter `{name}`: style `{style_name}` is defined for arrays and objects \
                 only; a single value is sent as `form` would send it (`{name}=value`)"
            ))
        }
        (ParamStyle::SpaceDelimited | ParamStyle::PipeDelimited, _) if explode == Some(true) => {
            warn(format!(
                "parameter `{name}`: style `{style_name}` with `explode: true` is not defined \
                 by OpenAPI 3.0; it is sent as `form` with `explode: true` would send it"
            ))
        }
        _ => {}
    }
    if matches!(
        shape,
        Shape::Array { nested: true } | Shape::Object { nested: true }
    ) {
        warn(format!(
            "parameter `{name}`: style `{style_name}` has no serialisation for arrays or \
             objects nested in an array or object; nested values are sent as their JSON text"
        ));
    }
}

/// The type and style of a parameter given with `content` (one media type): a JSON
/// media type sends the schema's type as JSON text, any other sends a string as it is.
fn content_param(
    content: &openapiv3::Content,
    pointer: &str,
    stem: &str,
    name: &str,
    types: &mut TypeSpaceBuilder<'_>,
    warnings: &mut Warnings,
) -> Result<(TypeRef, ParamStyle), Error> {
    if content.len() != 1 {
        warnings.push(Note::new(
            format!("{pointer}/content"),
            format!(
                "parameter `{name}`: `content` must have exactly one media type, it has {}; {}",
                content.len(),
                if content.is_empty() {
                    "the value is sent as text".to_string()
                } else {
                    "the first one is used".to_string()
                }
            ),
        ));
    }
    let Some((media_type, media)) = content.iter().next() else {
        return Ok((
            TypeRef::Prim(crate::typespace::Prim::String),
            ParamStyle::Text,
        ));
    };
    if body_kind(media_type) != BodyKind::Json {
        return Ok((
            TypeRef::Prim(crate::typespace::Prim::String),
            ParamStyle::Text,
        ));
    }
    let ty = match &media.schema {
        Some(schema) => types.type_for(
            schema.into(),
            &format!(
                "{pointer}/content/{}/schema",
                escape_pointer_token(media_type)
            ),
            &format!("{stem}{}", name.to_upper_camel_case()),
        )?,
        None => TypeRef::JSON,
    };
    Ok((ty, ParamStyle::Json))
}

fn build_body(
    rb: &RequestBody,
    pointer: &str,
    stem: &str,
    types: &mut TypeSpaceBuilder<'_>,
) -> Result<Option<Body>, Error> {
    let mut media = Vec::new();
    let mut variants = UniqueNames::new();
    let example = rb.content.values().next().and_then(|c| {
        c.example.clone().or_else(|| {
            c.examples.values().find_map(|e| match e {
                ReferenceOr::Item(e) => e.value.clone(),
                ReferenceOr::Reference { .. } => None,
            })
        })
    });
    for (media_type, content) in &rb.content {
        let kind = body_kind(media_type);
        let media_pointer = format!(
            "{pointer}/content/{}/schema",
            escape_pointer_token(media_type)
        );
        let ty = match (kind, &content.schema) {
            (BodyKind::Text, _) => TypeRef::Prim(crate::typespace::Prim::String),
            (BodyKind::Bytes, _) => TypeRef::Prim(crate::typespace::Prim::Bytes),
            (_, Some(s)) => types.type_for(s.into(), &media_pointer, &format!("{stem}Request"))?,
            (_, None) => TypeRef::JSON,
        };
        let variant = variants.claim(&variant_name(match kind {
            BodyKind::Json if media_type == "application/json" => "Json",
            BodyKind::Form => "Form",
            BodyKind::Multipart => "Multipart",
            BodyKind::Text if media_type == "text/plain" => "Text",
            BodyKind::Bytes if media_type == "application/octet-stream" => "Bytes",
            _ => media_type,
        }));
        media.push(BodyMedia {
            media_type: media_type.clone(),
            kind,
            ty,
            variant,
        });
    }
    if media.is_empty() {
        return Ok(None);
    }
    let mut docs = Docs::new();
    docs.text(rb.description.as_deref());
    Ok(Some(Body {
        required: rb.required,
        media,
        docs,
        example,
    }))
}

fn status_variant(status: &StatusMatch) -> String {
    let name = match status {
        StatusMatch::Code(c) => match c {
            100 => "Continue",
            101 => "SwitchingProtocols",
            200 => "Ok",
            201 => "Created",
            202 => "Accepted",
            203 => "NonAuthoritativeInformation",
            204 => "NoContent",
            205 => "ResetContent",
            206 => "PartialContent",
            207 => "MultiStatus",
            300 => "MultipleChoices",
            301 => "MovedPermanently",
            302 => "Found",
            303 => "SeeOther",
            304 => "NotModified",
            307 => "TemporaryRedirect",
            308 => "PermanentRedirect",
            400 => "BadRequest",
            401 => "Unauthorized",
            402 => "PaymentRequired",
            403 => "Forbidden",
            404 => "NotFound",
            405 => "MethodNotAllowed",
            406 => "NotAcceptable",
            408 => "RequestTimeout",
            409 => "Conflict",
            410 => "Gone",
            411 => "LengthRequired",
            412 => "PreconditionFailed",
            413 => "PayloadTooLarge",
            414 => "UriTooLong",
            415 => "UnsupportedMediaType",
            416 => "RangeNotSatisfiable",
            417 => "ExpectationFailed",
            421 => "MisdirectedRequest",
            422 => "UnprocessableEntity",
            423 => "Locked",
            424 => "FailedDependency",
            425 => "TooEarly",
            426 => "UpgradeRequired",
            428 => "PreconditionRequired",
            429 => "TooManyRequests",
            431 => "RequestHeaderFieldsTooLarge",
            451 => "UnavailableForLegalReasons",
            500 => "InternalServerError",
            501 => "NotImplemented",
            502 => "BadGateway",
            503 => "ServiceUnavailable",
            504 => "GatewayTimeout",
            505 => "HttpVersionNotSupported",
            507 => "InsufficientStorage",
            508 => "LoopDetected",
            511 => "NetworkAuthenticationRequired",
            other => return format!("Status{other}"),
        },
        StatusMatch::Range(r) => return format!("Status{r}xx"),
        StatusMatch::Default => "Default",
    };
    name.to_string()
}

fn build_responses(
    doc: &OpenAPI,
    file: &std::path::Path,
    op: &Operation,
    pointer: &str,
    stem: &str,
    types: &mut TypeSpaceBuilder<'_>,
) -> Result<Vec<ResponseCase>, Error> {
    let components = doc.components.as_ref().map(|c| &c.responses);
    let mut cases = Vec::new();
    let mut entries: Vec<(StatusMatch, String, &ReferenceOr<Response>)> = op
        .responses
        .responses
        .iter()
        .map(|(code, r)| match code {
            StatusCode::Code(c) => (StatusMatch::Code(*c), c.to_string(), r),
            StatusCode::Range(n) => (StatusMatch::Range(*n), format!("{n}XX"), r),
        })
        .collect();
    if let Some(d) = &op.responses.default {
        entries.push((StatusMatch::Default, "default".into(), d));
    }
    for (status, key, response) in entries {
        let rp = format!("{pointer}/responses/{key}");
        let response =
            resolve_local(response, "responses", components).map_err(|message| Error {
                file: file.to_path_buf(),
                pointer: rp.clone(),
                message,
            })?;
        let variant = status_variant(&status);
        let media_types: Vec<&str> = response.content.keys().map(String::as_str).collect();
        let body = match payload_media(&media_types) {
            None => ResponseBody::Empty,
            Some((mt, BodyKind::Json)) => match &response.content[mt].schema {
                Some(s) => {
                    let p = format!("{rp}/content/{}/schema", escape_pointer_token(mt));
                    ResponseBody::Json(types.type_for(
                        s.into(),
                        &p,
                        &format!("{stem}Response{key}"),
                    )?)
                }
                None => ResponseBody::Json(TypeRef::JSON),
            },
            Some((_, BodyKind::Text)) => ResponseBody::Text,
            Some(_) => ResponseBody::Bytes,
        };
        let mut docs = Docs::new();
        docs.text(Some(&response.description));
        cases.push(ResponseCase {
            status,
            variant,
            body,
            docs,
        });
    }
    Ok(cases)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::stem_items;
    use crate::{api::build_model, parse_spec, ApiInput};

    /// A model named like an operation's builder or reply enum: the operation gets a
    /// numbered stem, so that no name of the module is also a name of its `types`.
    #[test]
    fn operation_items_never_take_a_model_name() {
        let yaml = r##"
openapi: 3.0.3
info: {title: Names, version: "1"}
paths:
  /things:
    post:
      operationId: createThing
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/CreateThing"}
      responses:
        "201": {description: Created.}
    get:
      operationId: listThings
      responses:
        "200":
          description: The things.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/ListThingsReply"}
    delete:
      operationId: deleteThings
      responses:
        "204": {description: Gone.}
components:
  schemas:
    CreateThing:
      type: object
      properties: {name: {type: string}}
    ListThingsReply:
      type: array
      items: {$ref: "#/components/schemas/CreateThing"}
"##;
        let api = ApiInput {
            module: "api".into(),
            spec: (parse_spec(Path::new("names.yaml"), yaml.to_string()).unwrap()).into(),
        };
        let (space, ops) = build_model(&api).unwrap();
        let stems: Vec<(&str, &str)> = ops
            .methods
            .iter()
            .map(|op| (op.operation_id.as_str(), op.type_stem.as_str()))
            .collect();
        assert_eq!(
            stems,
            [
                ("listThings", "ListThings2"),
                ("createThing", "CreateThing2"),
                ("deleteThings", "DeleteThings"),
            ]
        );
        for op in &ops.methods {
            for name in stem_items(&op.type_stem) {
                assert!(!space.entries.contains_key(&name), "{name} is a model too");
            }
        }
    }
}
