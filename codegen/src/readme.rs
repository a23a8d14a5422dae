//! The per-API example in the generated README: build a client, call the first
//! operation with the spec's own example body. The README is the crate's docs, so the
//! example is compiled as a doctest.

use std::fmt::Write as _;

use crate::api::ApiOutput;
use crate::operations::{
    BodyKind, OperationMethod, Operations, Param, ParamLocation, ResponseBody, ResponseCase,
    SchemeKind,
};
use crate::typespace::{Prim, TypeKind, TypeRef, TypeSpace};

/// Rust source of the example for `api`: the first operation that
/// [`operation_example`] can write.
pub(crate) fn example(crate_ident: &str, api: &ApiOutput) -> Option<String> {
    let site = Site {
        crate_ident,
        module: &api.module,
        space: &api.space,
        ops: &api.operations,
        server_variables: &api.server_variables,
    };
    api.operations
        .methods
        .iter()
        .find_map(|op| operation_example(&site, op))
}

/// What an example needs to know about the API around the operation.
pub(crate) struct Site<'a> {
    /// The generated crate's name as a Rust identifier.
    pub crate_ident: &'a str,
    /// The API's module.
    pub module: &'a str,
    /// Its types.
    pub space: &'a TypeSpace,
    /// Its operations and security schemes.
    pub ops: &'a Operations,
    /// Its server variables with their defaults.
    pub server_variables: &'a [(String, String)],
}

/// Rust source of a complete example of `op`, or `None` when it cannot be called with
/// values the spec provides: set-up with `Client::builder()`, the body built with
/// `new(..)` and setters, the call, and a `match` on every kind of outcome of the crate's
/// error model. Compiled as a doctest (README and operation docs).
pub(crate) fn operation_example(site: &Site, op: &OperationMethod) -> Option<String> {
    let crate_ident = site.crate_ident;
    let args = call_args(crate_ident, site.space, op)?;
    let module = site.module;
    let stem = &op.type_stem;
    let error_variants: Vec<&ResponseCase> = op
        .responses
        .iter()
        .filter(|r| !r.is_success() && r.body != ResponseBody::Empty)
        .collect();
    let mut imports = vec!["Client".to_string()];
    if !error_variants.is_empty() {
        imports.push(format!("{stem}Error"));
    }
    if !args.named.is_empty() {
        imports.push(format!("{stem}Params"));
    }
    imports.push(format!("{stem}Reply"));
    if !args.setup.is_empty() {
        imports.insert(0, "types".to_string());
    }
    let mut out = String::new();
    let _ = writeln!(out, "use {crate_ident}::runtime::Error;");
    let _ = writeln!(
        out,
        "use {crate_ident}::{module}::{{{}}};\n",
        imports.join(", ")
    );
    let _ = writeln!(
        out,
        "# async fn run() -> Result<(), Box<dyn std::error::Error>> {{"
    );
    let _ = writeln!(out, "let client = Client::builder()");
    for (name, default) in site.server_variables {
        let _ = writeln!(out, "    .server_variable({name:?}, {default:?})");
    }
    let auth = op
        .security
        .first()
        .and_then(|alt| alt.first())
        .and_then(|s| site.ops.schemes.get(s))
        .map(|s| match s.kind {
            SchemeKind::Bearer => ".bearer_token(\"ACCESS_TOKEN\")",
            SchemeKind::Basic => ".basic_auth(\"USER\", \"PASSWORD\")",
            _ => ".api_key(\"API_KEY\")",
        });
    if let Some(auth) = auth {
        let _ = writeln!(out, "    {auth}");
    }
    let _ = writeln!(out, "    .build()?;");
    out.push_str(&args.setup);
    let mut call: Vec<String> = args.positional.clone();
    if !args.named.is_empty() {
        let mut fields = String::new();
        for (name, value) in &args.named {
            let _ = writeln!(fields, "        {name}: {value},");
        }
        call.push(format!("{stem}Params {{\n{fields}    }}"));
    }
    if args.body {
        call.push("body".into());
    }
    let call = if call.iter().any(|c| c.contains('\n')) {
        format!("\n    {},\n", call.join(",\n    "))
    } else {
        call.join(", ")
    };
    let _ = writeln!(out, "match client.{}({call}).await {{", op.method_name);
    let _ = writeln!(out, "    Ok(response) => match response.body {{");
    if let Some(first) = op.responses.iter().find(|r| r.is_success()) {
        let v = &first.variant;
        if first.body == ResponseBody::Empty {
            let _ = writeln!(
                out,
                "        {stem}Reply::{v} => println!(\"{{}}\", response.status),"
            );
        } else {
            let _ = writeln!(
                out,
                "        {stem}Reply::{v}(body) => println!(\"{{}}: {{body:?}}\", response.status),"
            );
        }
    }
    let _ = writeln!(
        out,
        "        other => println!(\"{{}}: {{other:?}}\", response.status),"
    );
    let _ = writeln!(out, "    }},");
    for case in &error_variants {
        let _ = writeln!(
            out,
            "    Err(Error::Api {{ status, body: {stem}Error::{}(body), .. }}) => {{\n        eprintln!(\"documented error {{status}}: {{body:?}}\")\n    }}",
            case.variant
        );
    }
    if !error_variants.is_empty() {
        let _ = writeln!(
            out,
            "    Err(Error::Api {{ status, body, .. }}) => eprintln!(\"documented error {{status}}: {{body:?}}\"),"
        );
    }
    out.push_str(
        "    Err(Error::Status { status, body, .. }) => {\n        eprintln!(\"{status} without a typed body: {body}\")\n    }\n",
    );
    out.push_str(
        "    Err(Error::Decode { status, path, body, .. }) => {\n        eprintln!(\"{status}: unexpected body at `{path}`: {body}\")\n    }\n",
    );
    out.push_str(
        "    Err(error @ (Error::Timeout { .. } | Error::Transport(_))) => {\n        eprintln!(\"no reply, try again later: {error}\")\n    }\n",
    );
    out.push_str(
        "    // Nothing was sent: `InvalidRequest`, `MissingCredentials`, `Auth`.\n    Err(error) => return Err(error.into()),\n}\n",
    );
    let _ = writeln!(out, "# Ok(())\n# }}");
    Some(out)
}

/// How the example calls an operation.
struct Args {
    /// Statements before the call (the body).
    setup: String,
    /// Path parameter values, in order.
    positional: Vec<String>,
    /// Fields of the `<Stem>Params` struct: name and value.
    named: Vec<(String, String)>,
    /// Whether a `body` is passed.
    body: bool,
}

fn call_args(crate_ident: &str, space: &TypeSpace, op: &OperationMethod) -> Option<Args> {
    let mut args = Args {
        setup: String::new(),
        positional: Vec::new(),
        named: Vec::new(),
        body: false,
    };
    for p in op.params.iter().filter(|p| p.required) {
        if p.location == ParamLocation::Path {
            args.positional
                .push(param_value(crate_ident, space, p, false)?);
        } else {
            args.named
                .push((p.name.clone(), param_value(crate_ident, space, p, true)?));
        }
    }
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        let media = &body.media[0];
        if !matches!(
            media.kind,
            BodyKind::Json | BodyKind::Form | BodyKind::Multipart
        ) {
            return None;
        }
        if !matches!(media.ty, TypeRef::Named(_)) {
            return None;
        }
        let example = media_example(space, op)?;
        // The body is built as a caller builds it: `new(..)` and setters.
        let cx = crate::emit::example::Context {
            types: "types::",
            krate: &format!("{crate_ident}::"),
        };
        let expr = crate::emit::example::value_expr(space, &media.ty, &example, &cx, false)?;
        let _ = writeln!(args.setup, "let body = {expr};");
        args.body = true;
    }
    Some(args)
}

fn media_example(_space: &TypeSpace, op: &OperationMethod) -> Option<serde_json::Value> {
    op.body.as_ref()?.example.clone()
}

/// A value for a required parameter: the spec's example, else a placeholder of the right
/// type. `field` says it initialises a struct field (so it needs `.into()`) rather than an
/// `impl Into<T>` argument. A UUID is a fresh one (`Uuid::new_v4()`).
fn param_value(crate_ident: &str, space: &TypeSpace, p: &Param, field: bool) -> Option<String> {
    let example = p.example.as_ref();
    let into = if field { ".into()" } else { "" };
    match space.resolve_alias(&p.ty) {
        TypeRef::Prim(Prim::String) => {
            let text = example
                .and_then(|e| e.as_str())
                .map(str::to_string)
                .unwrap_or_else(|| p.wire.to_uppercase());
            Some(format!("{text:?}{into}"))
        }
        TypeRef::Prim(Prim::I32 | Prim::I64) => {
            Some(example.and_then(|e| e.as_i64()).unwrap_or(1).to_string())
        }
        TypeRef::Prim(Prim::Bool) => Some(
            example
                .and_then(|e| e.as_bool())
                .unwrap_or(true)
                .to_string(),
        ),
        TypeRef::Prim(Prim::Uuid) => Some(format!("{crate_ident}::uuid::Uuid::new_v4()")),
        TypeRef::Named(name) => match space.get(name).map(|e| &e.kind) {
            Some(TypeKind::StringEnum(values)) => {
                let text = example
                    .and_then(|e| e.as_str())
                    .map(str::to_string)
                    .or_else(|| values.first().map(|v| v.wire.clone()))?;
                Some(format!("{text:?}{into}"))
            }
            _ => None,
        },
        _ => None,
    }
}
