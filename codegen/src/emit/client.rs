//! Tokens for the client of one document: `Client`, one request builder per operation,
//! and typed response and error enums per operation.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::ident;
use super::types::type_ref_in;
use crate::operations::{
    Body, BodyKind, OperationMethod, Operations, Param, ParamLocation, ParamStyle, ResponseBody,
    ResponseCase, SchemeKind, Server, ServerVar, StatusMatch,
};
use crate::typespace::{Presence, Prim, TypeKind, TypeRef, TypeSpace};

fn qualified(ty: &TypeRef) -> TokenStream {
    type_ref_in(ty, &quote!(types::))
}

/// How a parameter value is written into a query string or header.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ValueForm {
    /// Its `Display` form.
    Display,
    /// RFC 3339 text.
    DateTime,
    /// JSON text (objects, unions, free-form values).
    Json,
}

fn value_form(space: &TypeSpace, ty: &TypeRef) -> ValueForm {
    match space.resolve_alias(ty) {
        TypeRef::Named(name) => match space.get(name).map(|e| &e.kind) {
            Some(TypeKind::StringEnum(_)) | Some(TypeKind::IntEnum(_)) => ValueForm::Display,
            _ => ValueForm::Json,
        },
        TypeRef::Prim(Prim::DateTime) => ValueForm::DateTime,
        TypeRef::Prim(Prim::Json) | TypeRef::Prim(Prim::Bytes) => ValueForm::Json,
        TypeRef::Prim(_) => ValueForm::Display,
        TypeRef::Option(t) | TypeRef::Boxed(t) => value_form(space, t),
        TypeRef::Vec(_) | TypeRef::Map(_) => ValueForm::Json,
    }
}

/// The tokens of a document's `Client`, its server and its security schemes; the
/// operations come from [`operation_units`].
pub(crate) fn client_module(ops: &Operations, server: &Server) -> TokenStream {
    let base_url = &server.default_url;
    let schemes = ops.schemes.values().map(|s| {
        let name = format_ident!("{}", s.const_name);
        let wire = &s.name;
        let kind = match &s.kind {
            SchemeKind::Bearer => quote!(rt::SchemeKind::Bearer),
            SchemeKind::Basic => quote!(rt::SchemeKind::Basic),
            SchemeKind::ApiKeyHeader(h) => quote!(rt::SchemeKind::ApiKeyHeader(#h)),
            SchemeKind::ApiKeyQuery(q) => quote!(rt::SchemeKind::ApiKeyQuery(#q)),
            SchemeKind::ApiKeyCookie(c) => quote!(rt::SchemeKind::ApiKeyCookie(#c)),
        };
        let docs = s
            .docs
            .to_tokens_or(&format!("Security scheme {}.", crate::docs::code(&s.name)));
        quote! {
            #docs
            pub const #name: rt::SecurityScheme = rt::SecurityScheme { name: #wire, kind: #kind };
        }
    });
    let server_fn = server_url_fn(&server.template, &server.variables);
    let template = &server.template;
    let server_vars = server.variables.iter().map(|v| {
        let (name, default) = (&v.name, &v.default);
        let allowed = &v.allowed;
        quote!(rt::ServerVariable { name: #name, default: #default, allowed: &[#(#allowed),*] })
    });
    let builder_doc = builder_doc(server);
    quote! {
        /// The spec's first server, with its variables at their defaults.
        pub const DEFAULT_BASE_URL: &str = #base_url;

        /// The spec's first server: its URL template and variables. [`Client::builder`]
        /// starts from it.
        pub const SERVER: rt::Server = rt::Server { url: #template, variables: &[#(#server_vars),*] };

        #server_fn

        #(#schemes)*

        /// The API client: cheap to clone, safe to share between tasks.
        ///
        /// Build one with [`Client::builder`] (base URL or server variables, credentials,
        /// headers, timeout, retries, your own `reqwest::Client`), or [`Client::new`] for
        /// defaults. Every operation is a method returning a request builder; `.await` it.
        #[derive(Debug, Clone)]
        pub struct Client {
            transport: rt::Transport,
        }

        impl From<rt::Transport> for Client {
            fn from(transport: rt::Transport) -> Self {
                Self { transport }
            }
        }

        impl Client {
            #(#[doc = #builder_doc])*
            pub fn builder() -> rt::ClientBuilder<Client> {
                rt::ClientBuilder::for_server(&SERVER)
            }

            /// A client for `base_url` with default settings (a timeout of
            /// [`rt::ClientBuilder::DEFAULT_TIMEOUT`] per attempt) and no credentials.
            pub fn new(base_url: &str) -> Result<Self, rt::BuildError> {
                Self::builder().base_url(base_url).build()
            }

            /// The transport this client sends requests with.
            pub fn transport(&self) -> &rt::Transport {
                &self.transport
            }
        }
    }
}

/// The items of some operations: their `Client` methods, their builders, replies and
/// errors. In a crate split by tag they are a module of their own (one cargo feature's),
/// which sees its parent's items through `super::*` and which the parent re-exports, so
/// paths are the same as unsplit. `example` gives a method's doc example.
pub(crate) fn operation_units<'a>(
    space: &'a TypeSpace,
    ops: &'a Operations,
    selected: &[&'a OperationMethod],
    example: &'a (dyn Fn(&OperationMethod) -> Option<String> + Sync),
) -> Vec<super::Unit<'a>> {
    // Methods in `impl Client` blocks of up to 64, so that formatting threads can share
    // them; rustdoc shows one list either way.
    let mut units: Vec<super::Unit<'a>> = selected
        .chunks(64)
        .map(|chunk| {
            let chunk = chunk.to_vec();
            Box::new(move || {
                let methods = chunk
                    .iter()
                    .map(|op| client_method(op, example(op).as_ref()));
                vec![super::Piece::Tokens(quote! {
                    impl Client {
                        #(#methods)*
                    }
                })]
            }) as super::Unit<'a>
        })
        .collect();
    units.extend(selected.iter().map(|&op| {
        Box::new(move || vec![super::Piece::Tokens(operation_items(space, ops, op))])
            as super::Unit<'a>
    }));
    units
}

/// The doc lines of `Client::builder`: where it sends requests by default and how to
/// change that.
fn builder_doc(server: &Server) -> Vec<String> {
    let code = crate::docs::code;
    let mut lines = vec![
        " A builder for this API's client; `.build()` returns the [`Client`].".to_string(),
        String::new(),
        format!(
            " Requests go to the spec's server [`DEFAULT_BASE_URL`] ({}) unless",
            code(&server.default_url)
        ),
        " `.base_url(..)` names another (a test server, a proxy).".to_string(),
    ];
    if let Some(first) = server.variables.first() {
        let example = format!(".server_variable({:?}, {:?})", first.name, first.default);
        lines.push(format!(
            " Fill the server's variables with `.server_variable(name, value)`, e.g. {}:",
            code(&example)
        ));
        for v in &server.variables {
            let mut line = format!(" - {} (default {})", code(&v.name), code(&v.default));
            if !v.allowed.is_empty() {
                let allowed: Vec<String> = v.allowed.iter().map(|a| code(a)).collect();
                line.push_str(&format!(", one of {}", allowed.join(", ")));
            }
            let description = v.docs.lines_or("");
            let description = description.join(" ");
            let description = description.trim();
            // A fence cannot be put on one line; such a description stays on the variable.
            if !description.is_empty() && !description.contains("```") {
                line.push_str(&format!(": {description}"));
            }
            lines.push(line);
        }
    }
    lines.push(String::new());
    lines.push(
        " Each attempt times out after [`rt::ClientBuilder::DEFAULT_TIMEOUT`] (30 s) unless"
            .to_string(),
    );
    lines.push(" `.timeout(..)` or `.no_timeout()` says otherwise.".to_string());
    lines
}

fn server_url_fn(template: &str, vars: &[ServerVar]) -> TokenStream {
    if vars.is_empty() {
        return quote!();
    }
    let args: Vec<Ident> = vars
        .iter()
        .map(|v| ident(&crate::naming::field_name(&v.name)))
        .collect();
    let placeholders = vars.iter().map(|v| format!("{{{}}}", v.name));
    let arg_docs = vars.iter().map(|v| {
        let code = crate::docs::code;
        format!(
            " - `{}`: server variable {} (default {}).",
            crate::naming::field_name(&v.name),
            code(&v.name),
            code(&v.default)
        )
    });
    quote! {
        /// The spec's first server URL, with its `{variable}` placeholders.
        pub const SERVER_TEMPLATE: &str = #template;

        /// [`SERVER_TEMPLATE`] with its variables filled in; values are inserted as given.
        /// [`Client::builder`] fills them with `.server_variable(name, value)`.
        #( #[doc = #arg_docs] )*
        pub fn server_url(#(#args: &str),*) -> String {
            SERVER_TEMPLATE.to_string() #( .replace(#placeholders, #args) )*
        }
    }
}

/// The required parameters passed by name, in the operation's `<Stem>Params` struct: every
/// required parameter but the path's. Two header or query values of the same type
/// (Salesforce's `OrgId` and `AuthorizationContext`) would otherwise be positional
/// arguments that can be swapped without a compiler error; path parameters stay
/// positional, in the order of the path template, which the call mirrors.
fn named_params(op: &OperationMethod) -> Vec<&Param> {
    op.params
        .iter()
        .filter(|p| p.required && p.location != ParamLocation::Path)
        .collect()
}

fn client_method(op: &OperationMethod, example: Option<&String>) -> TokenStream {
    let name = ident(&op.method_name);
    let builder = ident(&op.type_stem);
    let docs = op.docs.to_tokens_or(&op.operation_id);
    let positional: Vec<&Param> = op
        .params
        .iter()
        .filter(|p| p.required && p.location == ParamLocation::Path)
        .collect();
    let named = named_params(op);
    let mut args: Vec<TokenStream> = positional
        .iter()
        .map(|p| {
            let n = ident(&p.name);
            let t = qualified(&p.ty);
            quote!(#n: impl Into<#t>)
        })
        .collect();
    let params_struct = format_ident!("{}Params", op.type_stem);
    // The argument's name must not be a path parameter's.
    let params_arg = ["params", "parameters", "required_params"]
        .into_iter()
        .find(|candidate| positional.iter().all(|p| p.name != *candidate))
        .map(ident)
        .unwrap_or_else(|| format_ident!("params_struct"));
    if !named.is_empty() {
        args.push(quote!(#params_arg: #params_struct));
    }
    let mut inits: Vec<TokenStream> = op
        .params
        .iter()
        .map(|p| {
            let n = ident(&p.name);
            if !p.required {
                quote!(#n: None)
            } else if p.location == ParamLocation::Path {
                quote!(#n: #n.into())
            } else {
                quote!(#n: #params_arg.#n)
            }
        })
        .collect();
    let body_arg = op.body.as_ref().map(|b| {
        let t = body_type(op, b);
        if b.required {
            inits.push(quote!(body: body.into()));
            quote!(body: impl Into<#t>,)
        } else {
            inits.push(quote!(body: None));
            quote!()
        }
    });
    let mut arg_docs: Vec<String> = positional
        .iter()
        .map(|p| {
            format!(
                " - `{}`: {} {}.",
                p.name,
                location_word(p.location),
                crate::docs::code(&p.wire)
            )
        })
        .collect();
    if !named.is_empty() {
        let names: Vec<String> = named.iter().map(|p| crate::docs::code(&p.wire)).collect();
        arg_docs.push(format!(
            " - `{params_arg}`: the required {} (see [`{}`]).",
            names.join(", "),
            params_struct
        ));
    }
    if op.body.as_ref().is_some_and(|b| b.required) {
        arg_docs.push(" - `body`: the request body.".to_string());
    }
    let example_doc = example.map(|code| {
        let mut lines = vec![
            String::new(),
            " # Example".to_string(),
            String::new(),
            " ```no_run".to_string(),
        ];
        lines.extend(code.lines().map(|l| format!(" {l}").trim_end().to_string()));
        lines.push(" ```".to_string());
        quote!( #( #[doc = #lines] )* )
    });
    let errors_doc = format!(
        " Replies: [`{stem}Reply`] for documented successes, [`{stem}Error`] inside `rt::Error::Api` for documented error bodies, and the other `rt::Error` variants for the rest, by [the error model](crate::runtime#the-error-model) every operation shares.",
        stem = op.type_stem
    );
    quote! {
        #docs
        ///
        /// Returns a request builder: set optional parameters on it, then `.await` it.
        #( #[doc = #arg_docs] )*
        ///
        #[doc = #errors_doc]
        #example_doc
        pub fn #name(&self, #(#args,)* #body_arg) -> #builder<'_> {
            #builder { client: self, #(#inits,)* }
        }
    }
}

/// `<Stem>Params`: the required header and query parameters of an operation, by name.
fn params_struct(op: &OperationMethod) -> TokenStream {
    let named = named_params(op);
    if named.is_empty() {
        return quote!();
    }
    let name = format_ident!("{}Params", op.type_stem);
    let doc = format!(
        " The required header and query parameters of [`Client::{}`], passed by name so that two values of the same type cannot be swapped unnoticed.",
        op.method_name
    );
    let fields = named.iter().map(|p| {
        let n = ident(&p.name);
        let t = qualified(&p.ty);
        let mut docs = p.docs.clone();
        docs.note(format!(
            "The {} {}.",
            location_word(p.location),
            crate::docs::code(&p.wire)
        ));
        let docs = docs.to_tokens_or("");
        quote!(#docs pub #n: #t,)
    });
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        pub struct #name {
            #(#fields)*
        }
    }
}

fn location_word(l: ParamLocation) -> &'static str {
    match l {
        ParamLocation::Path => "path parameter",
        ParamLocation::Query => "query parameter",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

/// The Rust type a caller passes as the body: the schema type for one media type, an
/// enum of media types when there are several.
fn body_type(op: &OperationMethod, body: &Body) -> TokenStream {
    if body.media.len() == 1 {
        qualified(&body.media[0].ty)
    } else {
        let name = format_ident!("{}Body", op.type_stem);
        quote!(#name)
    }
}

fn operation_items(space: &TypeSpace, ops: &Operations, op: &OperationMethod) -> TokenStream {
    let builder = ident(&op.type_stem);
    let response = format_ident!("{}Reply", op.type_stem);
    let error = format_ident!("{}Error", op.type_stem);
    let builder_doc = format!(" Request builder for [`Client::{}`]: set optional parameters, then `.await` it (or call [`{}::send`]).", op.method_name, op.type_stem);

    let fields = op.params.iter().map(|p| {
        let n = ident(&p.name);
        let t = qualified(&p.ty);
        if p.required {
            quote!(#n: #t,)
        } else {
            quote!(#n: Option<#t>,)
        }
    });
    let body_field = op.body.as_ref().map(|b| {
        let t = body_type(op, b);
        if b.required {
            quote!(body: #t,)
        } else {
            quote!(body: Option<#t>,)
        }
    });
    let setters = op.params.iter().filter(|p| !p.required).map(|p| {
        let n = ident(&p.name);
        let t = qualified(&p.ty);
        let docs = p.docs.to_tokens_or(&format!(
            "{} {}.",
            location_word(p.location),
            crate::docs::code(&p.wire)
        ));
        quote! {
            #docs
            pub fn #n(mut self, value: impl Into<#t>) -> Self {
                self.#n = Some(value.into());
                self
            }
        }
    });
    let body_setter = op.body.as_ref().filter(|b| !b.required).map(|b| {
        let t = body_type(op, b);
        let docs = b.docs.to_tokens_or("The request body.");
        quote! {
            #docs
            pub fn body(mut self, value: impl Into<#t>) -> Self {
                self.body = Some(value.into());
                self
            }
        }
    });
    let body_enum = op
        .body
        .as_ref()
        .filter(|b| b.media.len() > 1)
        .map(|b| body_enum(space, op, b));
    let (send_body, decode_body) = send_fn(space, ops, op);
    let (response_enum, error_enum) = response_enums(op);
    let params_struct = params_struct(op);
    quote! {
        #[doc = #builder_doc]
        #[derive(Debug)]
        #[must_use = "a request is sent only when it is awaited or `send` is called"]
        pub struct #builder<'a> {
            client: &'a Client,
            #(#fields)*
            #body_field
        }

        impl<'a> #builder<'a> {
            #(#setters)*
            #body_setter

            /// Sends the request; the future resolves to the response decoded by its status.
            pub fn send(self) -> rt::ResponseFuture<#response, #error> {
                #send_body
            }

            /// Sorts a reply by the crate's error model: documented statuses decode into
            /// their typed variants, everything else keeps its raw body.
            fn decode(response: rt::RawResponse) -> rt::Decoded<#response, #error> {
                #decode_body
            }
        }

        impl<'a> std::future::IntoFuture for #builder<'a> {
            type Output = Result<rt::Response<#response>, rt::Error<#error>>;
            type IntoFuture = rt::ResponseFuture<#response, #error>;

            fn into_future(self) -> Self::IntoFuture {
                self.send()
            }
        }

        #params_struct
        #body_enum
        #response_enum
        #error_enum
    }
}

/// `ty` with every alias replaced by what it stands for, so that two spellings of one
/// Rust type (`types::Flag` and `bool`) compare equal.
fn expand_aliases(space: &TypeSpace, ty: &TypeRef) -> TypeRef {
    match space.resolve_alias(ty) {
        TypeRef::Vec(t) => TypeRef::Vec(Box::new(expand_aliases(space, t))),
        TypeRef::Map(t) => TypeRef::Map(Box::new(expand_aliases(space, t))),
        TypeRef::Option(t) => TypeRef::Option(Box::new(expand_aliases(space, t))),
        TypeRef::Boxed(t) => TypeRef::Boxed(Box::new(expand_aliases(space, t))),
        other => other.clone(),
    }
}

fn body_enum(space: &TypeSpace, op: &OperationMethod, body: &Body) -> TokenStream {
    let name = format_ident!("{}Body", op.type_stem);
    let doc = format!(
        " The request body of [`Client::{}`], in one of the media types it accepts.",
        op.method_name
    );
    let variants = body.media.iter().map(|m| {
        let v = ident(&m.variant);
        let t = qualified(&m.ty);
        let d = format!(" Sent as {}.", crate::docs::code(&m.media_type));
        quote!(#[doc = #d] #v(#t),)
    });
    // `From` for the first media type that has each Rust type, so a plain value
    // picks the spec's preferred encoding.
    let mut seen: Vec<TypeRef> = Vec::new();
    let froms = body.media.iter().filter_map(|m| {
        let rust_type = expand_aliases(space, &m.ty);
        if seen.contains(&rust_type) {
            return None;
        }
        seen.push(rust_type);
        let v = ident(&m.variant);
        let t = qualified(&m.ty);
        Some(quote! {
            impl From<#t> for #name {
                fn from(value: #t) -> Self {
                    Self::#v(value)
                }
            }
        })
    });
    // `non_exhaustive` like every other enum of the crate: a media type the API accepts
    // later is a new variant, and callers build the enum, never need to match it all.
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
        }
        #(#froms)*
    }
}

fn response_enums(op: &OperationMethod) -> (TokenStream, TokenStream) {
    let mk = |name: Ident, doc: String, cases: Vec<&ResponseCase>, success: bool| {
        let variants = cases.iter().map(|c| {
            let v = ident(&c.variant);
            let status = match &c.status {
                StatusMatch::Code(code) => format!("Status {code}."),
                StatusMatch::Range(r) => format!("Status {r}XX."),
                StatusMatch::Default if success => {
                    "`default`: any success status not listed.".into()
                }
                StatusMatch::Default => {
                    "`default`: any status not listed, when the body matches.".into()
                }
            };
            let mut docs = c.docs.clone();
            docs.note(status);
            let docs = docs.to_tokens_or("");
            match &c.body {
                ResponseBody::Empty => quote!(#docs #v,),
                ResponseBody::Json(t) => {
                    let t = qualified(t);
                    quote!(#docs #v(#t),)
                }
                ResponseBody::Text => quote!(#docs #v(String),),
                ResponseBody::Bytes => quote!(#docs #v(Vec<u8>),),
            }
        });
        quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, PartialEq)]
            #[non_exhaustive]
            pub enum #name {
                #(#variants)*
            }
        }
    };
    let errors = op.error_cases();
    let error_doc = if errors.is_empty() {
        format!(
            " Documented error bodies of [`Client::{}`]: none, so every error status is `rt::Error::Status` (status, headers and body).",
            op.method_name
        )
    } else {
        format!(
            " Documented error bodies of [`Client::{}`], carried by `rt::Error::Api`. An error status documented without a body, or not documented, is `rt::Error::Status`.",
            op.method_name
        )
    };
    (
        mk(
            format_ident!("{}Reply", op.type_stem),
            format!(
                " Documented successful replies of [`Client::{}`], one variant per status. Non-exhaustive: a status the spec adds later is not a breaking change.",
                op.method_name
            ),
            op.success_cases(),
            true,
        ),
        mk(
            format_ident!("{}Error", op.type_stem),
            error_doc,
            errors,
            false,
        ),
    )
}

/// `rt::Style::...()` for a parameter, with `explode` and `allowReserved` where they
/// differ from OpenAPI's defaults.
fn style_tokens(p: &Param) -> TokenStream {
    let base = match p.style {
        ParamStyle::Matrix => quote!(rt::Style::matrix()),
        ParamStyle::Label => quote!(rt::Style::label()),
        ParamStyle::Simple => quote!(rt::Style::simple()),
        ParamStyle::Form => quote!(rt::Style::form()),
        ParamStyle::SpaceDelimited => quote!(rt::Style::space_delimited()),
        ParamStyle::PipeDelimited => quote!(rt::Style::pipe_delimited()),
        ParamStyle::DeepObject => quote!(rt::Style::deep_object()),
        ParamStyle::Json => return quote!(rt::Style::json()),
        ParamStyle::Text => return quote!(rt::Style::text()),
    };
    let explode = p.explode;
    let explode = (explode != p.style.default_explode()).then(|| quote!(.explode(#explode)));
    let reserved = p.allow_reserved.then(|| quote!(.allow_reserved(true)));
    quote!(#base #explode #reserved)
}

/// Adds one parameter to `request`. The runtime serialises the value and writes it in
/// the parameter's style; the builder's fields are read through `self`, so no parameter
/// name can shadow a local of `send`.
fn param_statement(p: &Param) -> TokenStream {
    let wire = &p.wire;
    let n = ident(&p.name);
    let style = style_tokens(p);
    let method = match p.location {
        ParamLocation::Path => quote!(path_param),
        ParamLocation::Query => quote!(query_param),
        ParamLocation::Header => quote!(header_param),
        ParamLocation::Cookie => quote!(cookie_param),
    };
    // An optional parameter's `None` serialises as `null`, which every location's
    // writer leaves out (RFC 6570's undefined value), so one call serves both: no branch
    // per parameter for rustc to check.
    quote!(request = request.#method(#wire, &self.#n, #style);)
}

fn body_statement(space: &TypeSpace, op: &OperationMethod, body: &Body) -> TokenStream {
    let encode =
        |kind: BodyKind, media_type: &str, ty: &TypeRef, value: TokenStream| -> TokenStream {
            match kind {
                BodyKind::Json if media_type == "application/json" => {
                    quote!(request.json_body(&#value))
                }
                BodyKind::Json => quote!(request.json_body_as(&#value, #media_type)),
                BodyKind::Form => quote!(request.form_body(&#value)),
                BodyKind::Text => quote!(request.text_body(#value, #media_type)),
                BodyKind::Bytes => quote!(request.bytes_body(#value, #media_type)),
                BodyKind::Multipart => {
                    let form = multipart(space, ty, &value);
                    quote!(request.multipart_body(#form))
                }
            }
        };
    let apply = |value: TokenStream| -> TokenStream {
        if body.media.len() == 1 {
            let m = &body.media[0];
            encode(m.kind, &m.media_type, &m.ty, value)
        } else {
            let name = format_ident!("{}Body", op.type_stem);
            let arms = body.media.iter().map(|m| {
                let v = ident(&m.variant);
                let e = encode(m.kind, &m.media_type, &m.ty, quote!(value));
                quote!(#name::#v(value) => #e,)
            });
            quote!(match #value { #(#arms)* })
        }
    };
    if body.required {
        let e = apply(quote!(self.body));
        quote!(request = #e;)
    } else {
        let e = apply(quote!(value));
        quote!(if let Some(value) = self.body { request = #e; })
    }
}

/// A multipart form from a body struct: scalars as text parts, binary as file parts,
/// everything else as JSON parts.
fn multipart(space: &TypeSpace, ty: &TypeRef, value: &TokenStream) -> TokenStream {
    let fields = match space.resolve_alias(ty) {
        TypeRef::Named(name) => match space.get(name).map(|e| &e.kind) {
            Some(TypeKind::Struct { fields, .. }) => fields.clone(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    if fields.is_empty() {
        return quote!(rt::Multipart::new().json("body", &#value));
    }
    let parts = fields.iter().map(|f| {
        let n = ident(&f.name);
        let wire = &f.wire;
        let part = |v: TokenStream| -> TokenStream {
            match space.resolve_alias(&f.ty) {
                TypeRef::Prim(Prim::Bytes) => {
                    quote!(form = form.file(#wire, rt::FilePart::new(#v.clone()).file_name(#wire));)
                }
                t => match value_form(space, t) {
                    ValueForm::Display => quote!(form = form.text(#wire, #v.to_string());),
                    ValueForm::DateTime => quote!(form = form.text(#wire, #v.to_rfc3339());),
                    ValueForm::Json => quote!(form = form.json(#wire, &#v);),
                },
            }
        };
        let defaulted = super::types::StructField::new(space, f).default.is_some();
        match f.presence {
            // A defaulted field is sent only when given; the server applies its default.
            Presence::Optional if defaulted => {
                let p = part(quote!(v));
                quote!(if #value.#n.is_present() { let v = #value.#n.get(); #p })
            }
            Presence::OptionalNullable if defaulted => {
                let p = part(quote!(v));
                quote!(if let (true, Some(v)) = (#value.#n.is_present(), #value.#n.get()) { #p })
            }
            Presence::Required => part(quote!(#value.#n)),
            Presence::RequiredNullable | Presence::Optional => {
                let p = part(quote!(v));
                quote!(if let Some(v) = &#value.#n { #p })
            }
            Presence::OptionalNullable => {
                let p = part(quote!(v));
                quote!(if let Some(Some(v)) = &#value.#n { #p })
            }
        }
    });
    quote!({
        let mut form = rt::Multipart::new();
        #(#parts)*
        form
    })
}

fn send_fn(
    space: &TypeSpace,
    ops: &Operations,
    op: &OperationMethod,
) -> (TokenStream, TokenStream) {
    let method = format_ident!("{}", op.http_method);
    let path = &op.path;
    let op_id = &op.operation_id;
    let security = if op.security.is_empty() {
        quote!()
    } else {
        let alternatives = op.security.iter().map(|alt| {
            let consts = alt
                .iter()
                .filter_map(|s| ops.schemes.get(s))
                .map(|s| format_ident!("{}", s.const_name));
            quote!(&[#(&#consts),*])
        });
        quote! {
            const SECURITY: rt::SecurityRequirements = &[#(#alternatives),*];
            request = request.security(SECURITY);
        }
    };
    let params = op.params.iter().map(param_statement);
    let accept = op.accept.as_ref().map(|mt| quote!(.accept(#mt)));
    let idempotent = op.idempotent.then(|| quote!(.idempotent()));
    let body = op.body.as_ref().map(|b| body_statement(space, op, b));
    let decode = decode_body(op);
    let params: Vec<TokenStream> = params.filter(|t| !t.is_empty()).collect();
    let mutable =
        (!security.is_empty() || !params.is_empty() || body.is_some()).then(|| quote!(mut));
    let send = quote! {
        let #mutable request = self
            .client
            .transport
            .request(rt::reqwest::Method::#method, &[])
            .path(#path)
            .operation(#op_id)
            #accept
            #idempotent;
        #security
        #(#params)*
        #body
        request.execute(Self::decode)
    };
    (send, decode)
}

/// The body of an operation's `decode`: the crate's error model as a `match` on the status
/// (see `runtime`'s docs): explicit codes, then ranges, then `default`.
fn decode_body(op: &OperationMethod) -> TokenStream {
    let reply = format_ident!("{}Reply", op.type_stem);
    let error = format_ident!("{}Error", op.type_stem);
    // Each arm is one call of the runtime (`RawResponse::ok_json`, ...), which decodes
    // the body and wraps it in its variant: the steps are written once, in the runtime,
    // not once per status of every operation.
    // A documented status: a body that does not match is `Decode`.
    let arm_for = |c: &ResponseCase| -> TokenStream {
        let v = ident(&c.variant);
        let success = c.is_success();
        match (&c.body, success) {
            (ResponseBody::Empty, true) => quote!(response.ok(#reply::#v)),
            (ResponseBody::Empty, false) => quote!(response.status_error()),
            (ResponseBody::Json(_), true) => quote!(response.ok_json(#reply::#v)),
            (ResponseBody::Json(_), false) => quote!(response.api_json(#error::#v)),
            (ResponseBody::Text, true) => quote!(response.ok_text(#reply::#v)),
            (ResponseBody::Text, false) => quote!(response.api_text(#error::#v)),
            (ResponseBody::Bytes, true) => quote!(response.ok_bytes(#reply::#v)),
            (ResponseBody::Bytes, false) => quote!(response.api_bytes(#error::#v)),
        }
    };
    // `default`: a body that does not match is `Status`, never `Decode`.
    let default_arm = |c: &ResponseCase, success: bool| -> TokenStream {
        let v = ident(&c.variant);
        match (&c.body, success) {
            (ResponseBody::Empty, true) => quote!(response.ok(#reply::#v)),
            (ResponseBody::Empty, false) => quote!(response.status_error()),
            // Any bytes match.
            (ResponseBody::Bytes, true) => quote!(response.ok_bytes(#reply::#v)),
            (ResponseBody::Bytes, false) => quote!(response.api_bytes(#error::#v)),
            (ResponseBody::Json(_), true) => quote!(response.ok_json_or_status(#reply::#v)),
            (ResponseBody::Json(_), false) => quote!(response.api_json_or_status(#error::#v)),
            (ResponseBody::Text, true) => quote!(response.ok_text_or_status(#reply::#v)),
            (ResponseBody::Text, false) => quote!(response.api_text_or_status(#error::#v)),
        }
    };
    let mut arms: Vec<TokenStream> = Vec::new();
    for c in &op.responses {
        if let StatusMatch::Code(code) = c.status {
            let code = proc_macro2::Literal::u16_unsuffixed(code);
            let body = arm_for(c);
            arms.push(quote!(#code => #body));
        }
    }
    for c in &op.responses {
        if let StatusMatch::Range(r) = c.status {
            let (lo, hi) = (
                proc_macro2::Literal::u16_unsuffixed(r * 100),
                proc_macro2::Literal::u16_unsuffixed(r * 100 + 99),
            );
            let body = arm_for(c);
            arms.push(quote!(#lo..=#hi => #body));
        }
    }
    let fallback = match op
        .responses
        .iter()
        .find(|c| c.status == StatusMatch::Default)
    {
        Some(c) => {
            if op.default_is_success() {
                let ok = default_arm(c, true);
                arms.push(quote!(0..=399 => #ok));
            }
            default_arm(c, false)
        }
        None => quote!(response.status_error()),
    };
    if arms.is_empty() {
        // No `match` with a single wildcard arm (a lint).
        return fallback;
    }
    quote! {
        match response.status().as_u16() {
            #(#arms,)*
            _ => #fallback,
        }
    }
}
