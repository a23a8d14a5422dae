//! The typed intermediate model of a document's operations: one [`OperationMethod`]
//! per operation, with its parameters, bodies, responses and security resolved, and the
//! decisions emit and tools read from it (which statuses are replies, which media type a
//! response carries). `build.rs` makes it from a document.

mod build;

pub use build::{avoid_type_names, build, server, stem_items};

use std::collections::BTreeMap;

use crate::docs::Docs;
use crate::typespace::TypeRef;

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// A path segment.
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
    /// A cookie in the `Cookie` header.
    Cookie,
}

/// How a parameter's value is written (OpenAPI 3.0 `style`, or `content`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamStyle {
    /// `matrix` (path): `;color=blue`.
    Matrix,
    /// `label` (path): `.blue`.
    Label,
    /// `simple` (path, header): `blue`.
    Simple,
    /// `form` (query, cookie): `color=blue`.
    Form,
    /// `spaceDelimited` (query): `color=blue%20black`.
    SpaceDelimited,
    /// `pipeDelimited` (query): `color=blue%7Cblack`.
    PipeDelimited,
    /// `deepObject` (query): `color%5BR%5D=100`.
    DeepObject,
    /// `content` with a JSON media type: the value's JSON text.
    Json,
    /// `content` with another media type: the value's text.
    Text,
}

impl ParamStyle {
    /// The name in the spec.
    pub fn spec_name(self) -> &'static str {
        match self {
            ParamStyle::Matrix => "matrix",
            ParamStyle::Label => "label",
            ParamStyle::Simple => "simple",
            ParamStyle::Form => "form",
            ParamStyle::SpaceDelimited => "spaceDelimited",
            ParamStyle::PipeDelimited => "pipeDelimited",
            ParamStyle::DeepObject => "deepObject",
            ParamStyle::Json | ParamStyle::Text => "content",
        }
    }

    /// OpenAPI's default `explode`: true for `form` only.
    pub fn default_explode(self) -> bool {
        self == ParamStyle::Form
    }
}

/// One parameter of an operation.
#[derive(Debug, Clone)]
pub struct Param {
    /// Rust argument / setter name.
    pub name: String,
    /// Name on the wire.
    pub wire: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// Its type.
    pub ty: TypeRef,
    /// Whether the caller must give it.
    pub required: bool,
    /// How its value is written.
    pub style: ParamStyle,
    /// `explode` (given or OpenAPI's default for the style).
    pub explode: bool,
    /// `allowReserved` (query only).
    pub allow_reserved: bool,
    /// Docs from the parameter.
    pub docs: Docs,
    /// The spec's example value, if any.
    pub example: Option<serde_json::Value>,
}

/// How a request body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// JSON (any `*/json` or `*+json` media type).
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/form-data`.
    Multipart,
    /// `text/*`: a `String`.
    Text,
    /// Anything else: raw bytes.
    Bytes,
}

/// One media type an operation accepts.
#[derive(Debug, Clone)]
pub struct BodyMedia {
    /// The media type as written in the spec.
    pub media_type: String,
    /// How it is encoded.
    pub kind: BodyKind,
    /// The Rust type of the body for this media type.
    pub ty: TypeRef,
    /// Variant name in the body enum, when there are several media types.
    pub variant: String,
}

/// An operation's request body.
#[derive(Debug, Clone)]
pub struct Body {
    /// Whether the caller must give it.
    pub required: bool,
    /// The media types, in document order (the first is the default).
    pub media: Vec<BodyMedia>,
    /// Docs from the request body.
    pub docs: Docs,
    /// The first media type's example, if any.
    pub example: Option<serde_json::Value>,
}

/// Which statuses a response case covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusMatch {
    /// One status code.
    Code(u16),
    /// `1XX` … `5XX`.
    Range(u16),
    /// `default`: any status not documented otherwise.
    Default,
}

impl StatusMatch {
    /// A status as a document writes it: `200`, `4XX` (any case), `default`.
    pub fn parse(status: &str) -> Option<StatusMatch> {
        let upper = status.trim().to_ascii_uppercase();
        match upper.as_bytes() {
            b"DEFAULT" => Some(StatusMatch::Default),
            [d @ b'1'..=b'5', b'X', b'X'] => Some(StatusMatch::Range(u16::from(d - b'0'))),
            _ => upper.parse().ok().map(StatusMatch::Code),
        }
    }

    /// 1xx–3xx are successes (`Ok`), the rest errors; `default` is decided by
    /// [`StatusMatch::sorts_as_success`].
    pub fn is_success(&self) -> bool {
        match self {
            StatusMatch::Code(c) => *c < 400,
            StatusMatch::Range(r) => *r < 4,
            StatusMatch::Default => false,
        }
    }

    /// Whether this status is a variant of the reply enum (`<Op>Reply`) among the
    /// statuses `all` an operation documents: a success, or `default` when no other
    /// status is a success (then `default` describes the success too; otherwise errors
    /// only). The one rule the client, `codegen::items` and the spec diff follow.
    pub fn sorts_as_success<'s>(&self, all: impl IntoIterator<Item = &'s StatusMatch>) -> bool {
        match self {
            StatusMatch::Default => !all
                .into_iter()
                .any(|s| *s != StatusMatch::Default && s.is_success()),
            other => other.is_success(),
        }
    }
}

/// What a response carries.
#[derive(Debug, Clone, PartialEq)]
pub enum ResponseBody {
    /// No content.
    Empty,
    /// JSON decoded into this type.
    Json(TypeRef),
    /// Text.
    Text,
    /// Raw bytes.
    Bytes,
}

/// One documented response.
#[derive(Debug, Clone)]
pub struct ResponseCase {
    /// Statuses it covers.
    pub status: StatusMatch,
    /// Variant name in the response or error enum.
    pub variant: String,
    /// Body.
    pub body: ResponseBody,
    /// Docs from the response description.
    pub docs: Docs,
}

impl ResponseCase {
    /// 1xx–3xx are successes (`Ok`), the rest errors; `default` goes both ways.
    pub fn is_success(&self) -> bool {
        self.status.is_success()
    }
}

/// How a security scheme sends its credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemeKind {
    /// `Authorization: Bearer` (http bearer, OAuth2, OpenID Connect).
    Bearer,
    /// HTTP basic.
    Basic,
    /// API key in a header.
    ApiKeyHeader(String),
    /// API key in the query.
    ApiKeyQuery(String),
    /// API key in a cookie.
    ApiKeyCookie(String),
}

/// A security scheme of the document that the client can send.
#[derive(Debug, Clone)]
pub struct Scheme {
    /// Name in `components.securitySchemes`.
    pub name: String,
    /// Rust const name.
    pub const_name: String,
    /// How it is sent.
    pub kind: SchemeKind,
    /// Docs.
    pub docs: Docs,
}

/// One operation, ready to emit.
#[derive(Debug, Clone)]
pub struct OperationMethod {
    /// `operationId`, or one derived from method and path.
    pub operation_id: String,
    /// Client method name.
    pub method_name: String,
    /// UpperCamel stem for the builder, response, error and body types.
    pub type_stem: String,
    /// HTTP method, upper case.
    pub http_method: String,
    /// Path template.
    pub path: String,
    /// Parameters: path, query and header.
    pub params: Vec<Param>,
    /// Request body.
    pub body: Option<Body>,
    /// Documented responses.
    pub responses: Vec<ResponseCase>,
    /// Alternatives (OR) of scheme names (AND); empty = none.
    pub security: Vec<Vec<String>>,
    /// Docs.
    pub docs: Docs,
    /// The media type to ask for in `Accept` (the JSON type the responses use).
    pub accept: Option<String>,
    /// Safe to repeat although its method is not idempotent (`x-idempotent: true`).
    pub idempotent: bool,
    /// The operation's tags, in document order (selection and cargo features).
    pub tags: Vec<String>,
}

impl OperationMethod {
    /// Whether `default` is also the operation's success response: when it lists no
    /// success status (1xx–3xx) of its own. Otherwise `default` describes errors only.
    pub fn default_is_success(&self) -> bool {
        StatusMatch::Default.sorts_as_success(self.responses.iter().map(|r| &r.status))
    }

    /// The cases of the reply enum (`<Op>Reply`): documented successes, with `default`
    /// when it is the success response too.
    pub fn success_cases(&self) -> Vec<&ResponseCase> {
        let default_ok = self.default_is_success();
        self.responses
            .iter()
            .filter(|r| r.is_success() || (default_ok && r.status == StatusMatch::Default))
            .collect()
    }

    /// The cases of the error enum (`<Op>Error`): documented errors (and `default`) with
    /// a body. An error status documented without one is the runtime's `Error::Status`.
    pub fn error_cases(&self) -> Vec<&ResponseCase> {
        self.responses
            .iter()
            .filter(|r| !r.is_success() && r.body != ResponseBody::Empty)
            .collect()
    }
}

/// The server a client talks to by default.
#[derive(Debug, Clone)]
pub struct Server {
    /// URL template with `{variable}` placeholders.
    pub template: String,
    /// The template with every variable at its default.
    pub default_url: String,
    /// Variables, in document order.
    pub variables: Vec<ServerVar>,
}

/// A variable of the server URL.
#[derive(Debug, Clone)]
pub struct ServerVar {
    /// Name, as in the `{name}` placeholder.
    pub name: String,
    /// Default value.
    pub default: String,
    /// The values the spec allows (`enum`); empty when any value is.
    pub allowed: Vec<String>,
    /// Docs from the variable's description.
    pub docs: Docs,
}

/// All operations and schemes of one document.
#[derive(Debug, Clone, Default)]
pub struct Operations {
    /// Operations in path order, then method order.
    pub methods: Vec<OperationMethod>,
    /// Security schemes by name.
    pub schemes: BTreeMap<String, Scheme>,
    /// What the client leaves out or sends otherwise than the document says.
    pub warnings: Vec<crate::Note>,
}

/// The HTTP methods an OpenAPI 3.0 path item can hold, in document order.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// How a body of `media_type` is carried (parameters are ignored, case too).
pub fn body_kind(media_type: &str) -> BodyKind {
    let mt = media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if mt == "application/json" || mt.ends_with("+json") || mt.ends_with("/json") || mt == "*/*" {
        BodyKind::Json
    } else if mt == "application/x-www-form-urlencoded" {
        BodyKind::Form
    } else if mt.starts_with("multipart/") {
        BodyKind::Multipart
    } else if mt.starts_with("text/") {
        BodyKind::Text
    } else {
        BodyKind::Bytes
    }
}

/// The media type whose body a response variant carries, of those a response documents
/// (in document order): the first JSON one, else the first, as text or bytes. `None`
/// without content. The one rule the client and the spec diff follow.
pub fn payload_media<'m>(media_types: &[&'m str]) -> Option<(&'m str, BodyKind)> {
    if let Some(json) = media_types
        .iter()
        .find(|mt| body_kind(mt) == BodyKind::Json)
    {
        return Some((json, BodyKind::Json));
    }
    let first = *media_types.first()?;
    let kind = match body_kind(first) {
        BodyKind::Text => BodyKind::Text,
        _ => BodyKind::Bytes,
    };
    Some((first, kind))
}
