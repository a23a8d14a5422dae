//! The per-API example in the generated README: build a client, call the first
//! operation with the spec's own example body. The README is the crate's docs, so the
//! example is compiled as a doctest.

use std::fmt::Write as _;

use crate::api::ApiOutput;
use crate::operations::{BodyKind, OperationMethod, Param, SchemeKind};
use crate::typespace::{Prim, TypeKind, TypeRef, TypeSpace};

/// Rust source of the example for `api`, or `None` when no operation can be called with
/// values the spec provides.
pub fn example(crate_ident: &str, api: &ApiOutput) -> Option<String> {
    let op = api
        .operations
        .methods
        .iter()
        .find(|op| call_args(crate_ident, &api.space, op).is_some())?;
    let args = call_args(crate_ident, &api.space, op)?;
    let module = &api.module;
    let mut out = String::new();
    // APIs whose host is per customer show `server_url` with the spec's defaults.
    let (server_import, builder) = if api.server_defaults.is_empty() {
        ("", "Client::builder()".to_string())
    } else {
        let args: Vec<String> = api
            .server_defaults
            .iter()
            .map(|d| format!("{d:?}"))
            .collect();
        (
            "server_url, ",
            format!(
                "{crate_ident}::runtime::ClientBuilder::new(server_url({}))",
                args.join(", ")
            ),
        )
    };
    let types_import = if args.setup.is_empty() { "" } else { "types, " };
    let _ = writeln!(
        out,
        "use {crate_ident}::{module}::{{{server_import}{types_import}Client}};\n"
    );
    let _ = writeln!(
        out,
        "# async fn run() -> Result<(), Box<dyn std::error::Error>> {{"
    );
    let auth = op
        .security
        .first()
        .and_then(|alt| alt.first())
        .and_then(|s| api.operations.schemes.get(s))
        .map(|s| match s.kind {
            SchemeKind::Bearer => ".bearer_token(\"ACCESS_TOKEN\")",
            SchemeKind::Basic => ".basic_auth(\"USER\", \"PASSWORD\")",
            _ => ".api_key(\"API_KEY\")",
        });
    let _ = writeln!(
        out,
        "let client: Client = {builder}{}.build()?.into();",
        auth.unwrap_or("")
    );
    out.push_str(&args.setup);
    let _ = writeln!(
        out,
        "let response = client.{}({}).await?;",
        op.method_name,
        args.call.join(", ")
    );
    let _ = writeln!(
        out,
        "println!(\"{{}}: {{:?}}\", response.status, response.body);"
    );
    let _ = writeln!(out, "# Ok(())\n# }}");
    Some(out)
}

struct Args {
    setup: String,
    call: Vec<String>,
}

fn call_args(crate_ident: &str, space: &TypeSpace, op: &OperationMethod) -> Option<Args> {
    let mut setup = String::new();
    let mut call = Vec::new();
    for p in op.params.iter().filter(|p| p.required) {
        call.push(param_value(space, p)?);
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
        let _ = writeln!(setup, "let body = {expr};");
        call.push("body".into());
    }
    Some(Args { setup, call })
}

fn media_example(_space: &TypeSpace, op: &OperationMethod) -> Option<serde_json::Value> {
    op.body.as_ref()?.example.clone()
}

/// A literal for a required parameter: the spec's example, else a placeholder of the
/// right type.
fn param_value(space: &TypeSpace, p: &Param) -> Option<String> {
    let example = p.example.as_ref();
    match space.resolve_alias(&p.ty) {
        TypeRef::Prim(Prim::String) => {
            let text = example
                .and_then(|e| e.as_str())
                .map(str::to_string)
                .unwrap_or_else(|| p.wire.to_uppercase());
            Some(format!("{text:?}"))
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
        TypeRef::Prim(Prim::Uuid) => {
            let text = example
                .and_then(|e| e.as_str())
                .unwrap_or("00000000-0000-0000-0000-000000000000");
            Some(format!("{text:?}.parse::<uuid::Uuid>()?"))
        }
        TypeRef::Named(name) => match space.get(name).map(|e| &e.kind) {
            Some(TypeKind::StringEnum(values)) => {
                let text = example
                    .and_then(|e| e.as_str())
                    .map(str::to_string)
                    .or_else(|| values.first().map(|v| v.wire.clone()))?;
                Some(format!("{text:?}"))
            }
            _ => None,
        },
        _ => None,
    }
}
