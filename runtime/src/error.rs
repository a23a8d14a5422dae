//! [`Error`], the error of every generated operation, [`RawBody`] and [`BuildError`].

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::{BoxError, SecurityRequirements};

/// The error of an operation; `E` is the operation's enum of typed error bodies.
///
/// See [the error model](crate#the-error-model) for which reply becomes which variant; it is
/// the same for every operation of every API, so one `match` handles them all.
///
/// It is kept small (at most 128 bytes for a small `E`, so `Result<T, Error<E>>` stays cheap
/// to return): reply headers are boxed, and a large `E` should box its variants.
///
/// No message (`Display`) contains a credential: headers and secrets are never formatted,
/// and URLs in transport errors lose their query string (where API keys may travel).
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// An error status the spec documents with a body schema, and a body that matches it.
    Api {
        /// The status of the reply.
        status: StatusCode,
        /// The headers of the reply (boxed to keep `Error` small).
        headers: Box<HeaderMap>,
        /// The decoded error body.
        body: E,
        /// The reply body as received.
        raw: RawBody,
    },
    /// A reply without a typed body: an error status the spec documents without a schema,
    /// a status the spec does not document, or a status covered only by `default` whose
    /// body does not match `default`'s schema.
    Status {
        /// The status of the reply.
        status: StatusCode,
        /// The headers of the reply (boxed to keep `Error` small).
        headers: Box<HeaderMap>,
        /// The reply body as received.
        body: RawBody,
    },
    /// The body of a status the spec documents with a schema does not match that schema
    /// (wrong shape, malformed or truncated JSON, invalid UTF-8 for text).
    Decode {
        /// The status of the reply.
        status: StatusCode,
        /// The headers of the reply (boxed to keep `Error` small).
        headers: Box<HeaderMap>,
        /// The reply body as received.
        body: RawBody,
        /// Where in the body decoding failed, e.g. `conversation.id`; `.` for the root.
        path: String,
        /// What is wrong there.
        message: String,
    },
    /// An attempt took longer than its timeout (after any retries).
    Timeout {
        /// The operation id, or `request` when the request was not given one.
        operation: &'static str,
        /// The per-attempt timeout that ran out; `None` when the HTTP client's own timeout fired.
        timeout: Option<Duration>,
    },
    /// Connecting, sending or receiving failed.
    Transport(reqwest::Error),
    /// The request could not be built (bad header value, body serialisation failure, ...).
    /// Nothing was sent.
    InvalidRequest(String),
    /// The operation requires credentials and none configured on the client satisfies
    /// its security requirements. Nothing was sent.
    MissingCredentials {
        /// The operation id.
        operation: &'static str,
        /// The operation's security: alternatives (OR) of schemes (AND).
        required: SecurityRequirements,
    },
    /// A [`TokenSource`](crate::TokenSource) failed.
    Auth(BoxError),
}

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Api { status, raw, .. } => {
                write!(f, "the server replied {status}")?;
                match server_message(raw.as_bytes()) {
                    Some(message) => write!(f, ": {message}"),
                    None => write_excerpt(f, raw),
                }
            }
            Self::Status { status, body, .. } => {
                write!(f, "the server replied {status}")?;
                write_excerpt(f, body)
            }
            Self::Decode {
                status,
                body,
                path,
                message,
                ..
            } => {
                write!(
                    f,
                    "cannot decode the body of a {status} reply at `{path}`: {message}"
                )?;
                if !body.is_empty() {
                    write!(f, "; the body starts: {}", body.excerpt())?;
                }
                Ok(())
            }
            Self::Timeout { operation, timeout } => {
                write!(f, "`{operation}` timed out")?;
                match timeout {
                    Some(timeout) => write!(f, " after {timeout:?}"),
                    None => Ok(()),
                }
            }
            Self::Transport(error) => write!(f, "transport error: {error}"),
            Self::InvalidRequest(message) => write!(f, "invalid request: {message}"),
            Self::MissingCredentials {
                operation,
                required,
            } => {
                let alternatives: Vec<String> = required
                    .iter()
                    .map(|all| {
                        let names: Vec<&str> = all.iter().map(|scheme| scheme.name).collect();
                        names.join(" + ")
                    })
                    .collect();
                write!(
                    f,
                    "`{operation}` requires credentials for {}, and the client has none that fit; nothing was sent",
                    alternatives.join(" or ")
                )
            }
            Self::Auth(error) => write!(f, "could not get a token: {error}"),
        }
    }
}

/// `: <excerpt>`, or ` with an empty body`.
fn write_excerpt(f: &mut fmt::Formatter<'_>, body: &RawBody) -> fmt::Result {
    if body.is_empty() {
        f.write_str(" with an empty body")
    } else {
        write!(f, ": {}", body.excerpt())
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Transport(error) => Some(error),
            Self::Auth(error) => Some(error.as_ref()),
            _ => None,
        }
    }
}

impl<E> Error<E> {
    /// The status of the reply, for errors that come from one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api { status, .. }
            | Self::Status { status, .. }
            | Self::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The headers of the reply, for errors that come from one.
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Self::Api { headers, .. }
            | Self::Status { headers, .. }
            | Self::Decode { headers, .. } => Some(headers.as_ref()),
            _ => None,
        }
    }

    /// The reply body as received, for every error that comes from a reply
    /// ([`Error::Api`], [`Error::Status`] and [`Error::Decode`]).
    pub fn raw_body(&self) -> Option<&RawBody> {
        match self {
            Self::Status { body, .. } | Self::Decode { body, .. } => Some(body),
            Self::Api { raw, .. } => Some(raw),
            _ => None,
        }
    }

    /// The typed error body of an [`Error::Api`].
    pub fn api_body(&self) -> Option<&E> {
        match self {
            Self::Api { body, .. } => Some(body),
            _ => None,
        }
    }

    /// Whether nothing or only part of the request reached the server in time: a timeout
    /// or a transport failure. Such a request may or may not have been carried out.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Timeout { .. } | Self::Transport(_))
    }

    /// Converts the typed error body of an [`Error::Api`]; other variants are kept as they are.
    pub fn map_api<F>(self, f: impl FnOnce(E) -> F) -> Error<F> {
        match self {
            Self::Api {
                status,
                headers,
                body,
                raw,
            } => Error::Api {
                status,
                headers,
                body: f(body),
                raw,
            },
            Self::Status {
                status,
                headers,
                body,
            } => Error::Status {
                status,
                headers,
                body,
            },
            Self::Decode {
                status,
                headers,
                body,
                path,
                message,
            } => Error::Decode {
                status,
                headers,
                body,
                path,
                message,
            },
            Self::Timeout { operation, timeout } => Error::Timeout { operation, timeout },
            Self::Transport(error) => Error::Transport(error),
            Self::InvalidRequest(message) => Error::InvalidRequest(message),
            Self::MissingCredentials {
                operation,
                required,
            } => Error::MissingCredentials {
                operation,
                required,
            },
            Self::Auth(error) => Error::Auth(error),
        }
    }
}

/// A reply body as received, kept in errors and responses.
///
/// It holds the whole body (shared, not copied). `Display` shows an
/// [`excerpt`](RawBody::excerpt); `Debug` shows the excerpt and the length.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct RawBody(Bytes);

impl RawBody {
    /// The most characters [`excerpt`](RawBody::excerpt) (and so an error message) shows.
    pub const EXCERPT_CHARS: usize = 200;

    /// A copy of `body`.
    pub fn new(body: &[u8]) -> Self {
        Self(Bytes::copy_from_slice(body))
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the body is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn to_text_lossy(&self) -> String {
        String::from_utf8_lossy(&self.0).into_owned()
    }

    /// A copy of the bytes.
    pub fn to_vec(&self) -> Vec<u8> {
        self.0.to_vec()
    }

    /// Decodes the body as JSON into any type, e.g. the body of a status the spec does not
    /// document.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.0)
    }

    /// The first [`EXCERPT_CHARS`](RawBody::EXCERPT_CHARS) characters as text (invalid
    /// UTF-8 replaced), control characters escaped (`\n`, `\u{1b}`), `…` when cut.
    pub fn excerpt(&self) -> String {
        // Four bytes per character at most: enough text without decoding a large body.
        let head = &self.0[..self.0.len().min(Self::EXCERPT_CHARS * 4 + 4)];
        let cut = head.len() < self.0.len();
        bounded(&String::from_utf8_lossy(head), Self::EXCERPT_CHARS, cut)
    }
}

impl From<Bytes> for RawBody {
    fn from(bytes: Bytes) -> Self {
        Self(bytes)
    }
}

impl From<Vec<u8>> for RawBody {
    fn from(bytes: Vec<u8>) -> Self {
        Self(Bytes::from(bytes))
    }
}

impl fmt::Display for RawBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.excerpt())
    }
}

impl fmt::Debug for RawBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RawBody({:?}, {} bytes)", self.excerpt(), self.0.len())
    }
}

/// At most `max` characters of `text`, control characters escaped; `…` when cut (or when
/// `cut` says the text itself was already cut).
fn bounded(text: &str, max: usize, cut: bool) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    for c in chars.by_ref().take(max) {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    if cut || chars.next().is_some() {
        out.push('…');
    }
    out
}

/// Keys whose string value is the server's message, most specific first.
const MESSAGE_KEYS: &[&str] = &[
    "message",
    "error_description",
    "errorMessage",
    "detail",
    "title",
    "error",
    "msg",
    "description",
    "reason",
];

/// Keys whose scalar value is an error code.
const CODE_KEYS: &[&str] = &["code", "errorCode", "error_code"];

/// What a typed JSON error body says: `code: message` from well-known fields (also one
/// level down, as in `{"error": {"message": ..}}`), or else a compact rendering of the
/// body; bounded and with control characters escaped. `None` when it is not JSON.
fn server_message(body: &[u8]) -> Option<String> {
    let value: Value = serde_json::from_slice(body).ok()?;
    let text = match &value {
        Value::String(text) => text.clone(),
        Value::Object(_) => message_fields(&value)
            .or_else(|| value.as_object()?.values().find_map(message_fields))
            .unwrap_or_else(|| value.to_string()),
        _ => value.to_string(),
    };
    Some(bounded(&text, RawBody::EXCERPT_CHARS, false))
}

fn message_fields(value: &Value) -> Option<String> {
    let object = value.as_object()?;
    let message = MESSAGE_KEYS
        .iter()
        .find_map(|key| object.get(*key)?.as_str().filter(|s| !s.is_empty()))?;
    let code = CODE_KEYS.iter().find_map(|key| match object.get(*key)? {
        Value::String(code) => Some(code.clone()),
        Value::Number(code) => Some(code.to_string()),
        _ => None,
    });
    Some(match code {
        Some(code) => format!("{code}: {message}"),
        None => message.to_owned(),
    })
}

/// Why [`ClientBuilder::build`](crate::ClientBuilder::build) failed.
///
/// Messages name the offending item but never show header values or URL credentials.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The base URL cannot be used.
    #[error("invalid base URL: {0}")]
    InvalidBaseUrl(String),
    /// A server variable is unknown, has a value the spec does not allow, or was set
    /// together with [`base_url`](crate::ClientBuilder::base_url).
    #[error("server variable {name:?}: {reason}")]
    InvalidServerVariable {
        /// The variable's name.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// A default header has an invalid name.
    #[error("invalid header name {0:?}")]
    InvalidHeaderName(String),
    /// A default header (or the user agent) has an invalid value.
    #[error("invalid value for header {0:?}")]
    InvalidHeaderValue(String),
    /// The HTTP client could not be created.
    #[error("cannot create the HTTP client: {0}")]
    HttpClient(#[source] reqwest::Error),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{SchemeKind, SecurityScheme};

    fn api(status: u16, body: &str) -> Error<()> {
        Error::Api {
            status: StatusCode::from_u16(status).unwrap(),
            headers: Box::default(),
            body: (),
            raw: RawBody::new(body.as_bytes()),
        }
    }

    fn status(status: u16, body: &[u8]) -> Error<()> {
        Error::Status {
            status: StatusCode::from_u16(status).unwrap(),
            headers: Box::default(),
            body: RawBody::new(body),
        }
    }

    #[test]
    fn raw_body_keeps_everything_and_shows_an_excerpt() {
        let body = vec![b'a'; 100_000];
        let raw = RawBody::from(body.clone());
        assert_eq!(raw.as_bytes(), body.as_slice());
        assert_eq!(raw.len(), 100_000);
        let shown = raw.to_string();
        assert!(shown.ends_with('…'), "{shown}");
        assert_eq!(
            shown.chars().filter(|c| *c == 'a').count(),
            RawBody::EXCERPT_CHARS
        );
        assert_eq!(
            format!("{raw:?}"),
            format!("RawBody({shown:?}, 100000 bytes)")
        );
    }

    #[test]
    fn excerpt_is_lossy_and_escapes_control_characters() {
        let raw = RawBody::new(b"ok \xff!\n\x1b[31mred\r\t");
        assert_eq!(raw.excerpt(), "ok \u{fffd}!\\n\\u{1b}[31mred\\r\\t");
        assert_eq!(RawBody::new(b"short").excerpt(), "short");
    }

    #[test]
    fn api_display_shows_the_message_fields() {
        assert_eq!(
            api(
                400,
                r#"{"code": 10053, "message": "Participants invalid."}"#
            )
            .to_string(),
            "the server replied 400 Bad Request: 10053: Participants invalid."
        );
        assert_eq!(
            api(
                404,
                r#"{"error": {"code": "gone", "message": "No such thing"}}"#
            )
            .to_string(),
            "the server replied 404 Not Found: gone: No such thing"
        );
        assert_eq!(
            api(
                401,
                r#"{"error": "invalid_token", "error_description": "expired"}"#
            )
            .to_string(),
            "the server replied 401 Unauthorized: expired"
        );
        // No message field: a compact rendering of the body.
        assert_eq!(
            api(400, r#"{"errors": {"ticket_id": ["is required"]}}"#).to_string(),
            r#"the server replied 400 Bad Request: {"errors":{"ticket_id":["is required"]}}"#
        );
        // A text body is shown as text.
        assert_eq!(
            api(409, "already\nthere").to_string(),
            "the server replied 409 Conflict: already\\nthere"
        );
        assert_eq!(
            api(500, "").to_string(),
            "the server replied 500 Internal Server Error with an empty body"
        );
    }

    #[test]
    fn api_display_is_bounded() {
        let long = format!(r#"{{"message": "{}"}}"#, "m".repeat(10_000));
        let shown = api(400, &long).to_string();
        assert!(shown.len() < 300, "{shown}");
        assert!(shown.ends_with("m…"), "{shown}");
    }

    #[test]
    fn status_display_shows_the_start_of_the_body() {
        let html = format!(
            "<html>\n<body>Down for maintenance</body>{}</html>",
            " ".repeat(500)
        );
        let shown = status(503, html.as_bytes()).to_string();
        assert!(
            shown.starts_with(
                "the server replied 503 Service Unavailable: <html>\\n<body>Down for maintenance"
            ),
            "{shown}"
        );
        assert!(shown.ends_with('…'), "{shown}");
        assert!(shown.chars().count() < 300);
    }

    #[test]
    fn decode_display_names_the_path_and_the_body() {
        let error: Error<()> = Error::Decode {
            status: StatusCode::OK,
            headers: Box::default(),
            body: RawBody::new(br#"{"id": 1"#),
            path: ".".into(),
            message: "EOF while parsing".into(),
        };
        assert_eq!(
            error.to_string(),
            r#"cannot decode the body of a 200 OK reply at `.`: EOF while parsing; the body starts: {"id": 1"#
        );
    }

    #[test]
    fn missing_credentials_names_the_schemes() {
        const BEARER: SecurityScheme = SecurityScheme {
            name: "bearerAuth",
            kind: SchemeKind::Bearer,
        };
        const BASIC: SecurityScheme = SecurityScheme {
            name: "basicAuth",
            kind: SchemeKind::Basic,
        };
        const KEY: SecurityScheme = SecurityScheme {
            name: "key",
            kind: SchemeKind::ApiKeyHeader("X-Key"),
        };
        let error: Error<()> = Error::MissingCredentials {
            operation: "createConversation",
            required: &[&[&BEARER], &[&BASIC, &KEY]],
        };
        assert_eq!(
            error.to_string(),
            "`createConversation` requires credentials for bearerAuth or basicAuth + key, and the client has none that fit; nothing was sent"
        );
    }

    #[test]
    fn map_api_keeps_other_variants() {
        let error: Error<u8> = Error::InvalidRequest("bad".into());
        let mapped: Error<String> = error.map_api(|code| code.to_string());
        assert!(matches!(mapped, Error::InvalidRequest(ref m) if m == "bad"));
        let api: Error<u8> = Error::Api {
            status: StatusCode::NOT_FOUND,
            headers: Box::default(),
            body: 7,
            raw: RawBody::new(b"7"),
        };
        let mapped = api.map_api(|code| code.to_string());
        assert_eq!(mapped.api_body().map(String::as_str), Some("7"));
        assert_eq!(mapped.status(), Some(StatusCode::NOT_FOUND));
        assert_eq!(mapped.raw_body().map(RawBody::as_bytes), Some(&b"7"[..]));
        assert_eq!(mapped.to_string(), "the server replied 404 Not Found: 7");
    }

    #[test]
    fn error_stays_small() {
        assert!(std::mem::size_of::<Error<()>>() <= 128);
        assert!(std::mem::size_of::<Error<[u64; 4]>>() <= 128);
    }

    #[test]
    fn timeout_message() {
        let error: Error<()> = Error::Timeout {
            operation: "getThing",
            timeout: Some(Duration::from_millis(50)),
        };
        assert_eq!(error.to_string(), "`getThing` timed out after 50ms");
        assert!(error.is_transient());
    }
}
