//! [`Error`], the error of every generated operation, and [`BuildError`].

use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use crate::BoxError;

/// The error of an operation; `E` is the operation's typed error-body enum.
///
/// It is kept small (at most 128 bytes for a small `E`, so `Result<T, Error<E>>` stays cheap
/// to return): reply headers are boxed, and a large `E` should box its variants.
///
/// No message (`Display`) contains a credential: secrets are never formatted, and URLs in
/// transport errors lose their query string (where API keys may travel).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error<E> {
    /// The server replied with an error status documented in the spec.
    #[error("the server replied {status}")]
    Api {
        /// The status of the reply.
        status: StatusCode,
        /// The headers of the reply (boxed to keep `Error` small).
        headers: Box<HeaderMap>,
        /// The decoded error body.
        body: E,
        /// The start of the reply body as received, also for statuses the spec documents
        /// without a schema (boxed to keep `Error` small).
        raw: Box<RawBody>,
    },
    /// The server replied with a status the spec does not document for this operation.
    #[error("unexpected status {status}: {body}")]
    UnexpectedStatus {
        /// The status of the reply.
        status: StatusCode,
        /// The headers of the reply (boxed to keep `Error` small).
        headers: Box<HeaderMap>,
        /// The start of the body.
        body: RawBody,
    },
    /// The reply body does not match the spec.
    #[error("cannot decode the body of a {status} reply at `{path}`: {message}")]
    Decode {
        /// The status of the reply.
        status: StatusCode,
        /// The headers of the reply (boxed to keep `Error` small).
        headers: Box<HeaderMap>,
        /// The start of the body.
        body: RawBody,
        /// Where in the body decoding failed, e.g. `conversation.id`; `.` for the root.
        path: String,
        /// What is wrong there.
        message: String,
    },
    /// An attempt took longer than its timeout.
    #[error("`{operation}` timed out{}", after(.timeout))]
    Timeout {
        /// The operation id, or `request` when the request was not given one.
        operation: &'static str,
        /// The per-attempt timeout that ran out; `None` when the HTTP client's own timeout fired.
        timeout: Option<Duration>,
    },
    /// Connecting, sending or receiving failed.
    #[error("transport error: {0}")]
    Transport(#[source] reqwest::Error),
    /// The request could not be built (bad header value, body serialisation failure, ...).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// A [`TokenSource`](crate::TokenSource) failed.
    #[error("could not get a token: {0}")]
    Auth(#[source] BoxError),
}

fn after(timeout: &Option<Duration>) -> String {
    timeout.map_or_else(String::new, |t| format!(" after {t:?}"))
}

impl<E> Error<E> {
    /// The status of the reply, for errors that come from one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api { status, .. }
            | Self::UnexpectedStatus { status, .. }
            | Self::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The headers of the reply, for errors that come from one.
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Self::Api { headers, .. }
            | Self::UnexpectedStatus { headers, .. }
            | Self::Decode { headers, .. } => Some(headers.as_ref()),
            _ => None,
        }
    }

    /// The start of the reply body, for errors that keep it undecoded.
    pub fn raw_body(&self) -> Option<&RawBody> {
        match self {
            Self::UnexpectedStatus { body, .. } | Self::Decode { body, .. } => Some(body),
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
            Self::UnexpectedStatus {
                status,
                headers,
                body,
            } => Error::UnexpectedStatus {
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
            Self::Auth(error) => Error::Auth(error),
        }
    }
}

/// A bounded copy of a reply body, kept in errors.
///
/// Holds at most [`RawBody::LIMIT`] bytes. `Display` and `Debug` show the text (lossy
/// UTF-8), cut after [`RawBody::DISPLAY_CHARS`] characters.
#[derive(Clone, PartialEq, Eq)]
pub struct RawBody {
    bytes: Vec<u8>,
    len: usize,
}

impl RawBody {
    /// The most bytes kept.
    pub const LIMIT: usize = 64 * 1024;
    /// The most characters `Display` and `Debug` show.
    pub const DISPLAY_CHARS: usize = 512;

    /// Copies at most [`RawBody::LIMIT`] bytes of `body`.
    pub fn new(body: &[u8]) -> Self {
        Self {
            bytes: body[..body.len().min(Self::LIMIT)].to_vec(),
            len: body.len(),
        }
    }

    /// The bytes kept.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Whether the body was longer than what was kept.
    pub fn is_truncated(&self) -> bool {
        self.len > self.bytes.len()
    }

    /// The length of the whole body.
    pub fn original_len(&self) -> usize {
        self.len
    }

    /// The bytes kept, as text (invalid UTF-8 replaced).
    pub fn to_text_lossy(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    fn write_cut(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = String::from_utf8_lossy(&self.bytes);
        let mut chars = text.char_indices();
        match chars.nth(Self::DISPLAY_CHARS) {
            Some((cut, _)) => write!(f, "{}… ({} bytes)", &text[..cut], self.len),
            None if self.is_truncated() => write!(f, "{text}… ({} bytes)", self.len),
            None => f.write_str(&text),
        }
    }
}

impl fmt::Display for RawBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_cut(f)
    }
}

impl fmt::Debug for RawBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RawBody(\"")?;
        self.write_cut(f)?;
        f.write_str("\")")
    }
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

    #[test]
    fn raw_body_is_bounded() {
        let body = vec![b'a'; RawBody::LIMIT + 10];
        let raw = RawBody::new(&body);
        assert_eq!(raw.as_bytes().len(), RawBody::LIMIT);
        assert!(raw.is_truncated());
        assert_eq!(raw.original_len(), RawBody::LIMIT + 10);
        let shown = raw.to_string();
        assert!(shown.ends_with(&format!("… ({} bytes)", RawBody::LIMIT + 10)));
        assert_eq!(
            shown.chars().filter(|c| *c == 'a').count(),
            RawBody::DISPLAY_CHARS
        );
    }

    #[test]
    fn raw_body_display_is_lossy() {
        let raw = RawBody::new(b"ok \xff!");
        assert!(!raw.is_truncated());
        assert_eq!(raw.to_string(), "ok \u{fffd}!");
        assert_eq!(format!("{raw:?}"), "RawBody(\"ok \u{fffd}!\")");
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
            raw: Box::new(RawBody::new(b"7")),
        };
        let mapped = api.map_api(|code| code.to_string());
        assert_eq!(mapped.api_body().map(String::as_str), Some("7"));
        assert_eq!(mapped.status(), Some(StatusCode::NOT_FOUND));
        assert_eq!(mapped.to_string(), "the server replied 404 Not Found");
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
    }
}
