//! Runtime shared by the API clients that `codegen` generates.
//!
//! Generated code stays thin: an operation builds a [`Request`] from a [`Transport`]
//! (path, query, headers, body, security requirements), [`send`](Request::send)s it, and
//! decodes the [`RawResponse`] into a [`Response`] or an [`Error`] by the rule below.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use codegen_runtime::{reqwest::Method, ClientBuilder, Error, RetryPolicy};
//!
//! let transport = ClientBuilder::new("https://api.example.com/v2")
//!     .bearer_token("token")
//!     .timeout(std::time::Duration::from_secs(10))
//!     .retry(RetryPolicy::exponential(3))
//!     .build()?;
//! let reply = transport
//!     .request(Method::GET, &["repos", "owner name", "repo"])
//!     .operation("getRepo")
//!     .query("per_page", 10)
//!     .send::<()>()
//!     .await?;
//! let repo: serde_json::Value = match reply.status().as_u16() {
//!     200 => reply.json::<serde_json::Value, ()>()?,
//!     _ => return Err(reply.into_status_error::<()>().into()),
//! };
//! # let _ = repo;
//! # Ok(())
//! # }
//! ```
//!
//! # The error model
//!
//! Every operation of every generated API sorts a reply by the same rule, so one `match`
//! serves all of them:
//!
//! | the reply | the caller gets |
//! |---|---|
//! | a status the spec documents with a body schema, and a body that matches it | its typed variant: `Ok(Response)` for 1xx–3xx, [`Error::Api`] for 4xx/5xx |
//! | a status the spec documents with a schema, and a body that does not match it (wrong shape, truncated JSON, an HTML error page) | [`Error::Decode`], with the serde path and the raw body |
//! | a success status (1xx–3xx) the spec documents without a schema | `Ok(Response)` with the status's unit variant |
//! | an error status (4xx/5xx) the spec documents without a schema, or any status the spec does not document (a 201 where only 200 is documented, too) | [`Error::Status`], with status, headers and body |
//! | a status covered only by `default` | decoded with `default`'s schema when the body matches it; otherwise [`Error::Status`], never a decode failure |
//!
//! `default` stands for "every status not listed". When an operation lists a success
//! status of its own, `default` describes its errors: its typed variant is in the
//! operation's error enum only (a 2xx reply that matches it is an [`Error::Api`] as well).
//! When an operation lists no success status, `default` is its success response too.
//!
//! The bytes of every reply stay reachable, whatever the caller gets:
//! [`Response::raw_body`] on success and [`Error::raw_body`] on [`Error::Api`],
//! [`Error::Status`] and [`Error::Decode`]. The failures without a reply are
//! [`Error::Timeout`] and [`Error::Transport`] (the request may or may not have been
//! carried out), and, before anything is sent, [`Error::InvalidRequest`] (a value that
//! cannot be sent), [`Error::MissingCredentials`] (the operation requires credentials
//! and the client has none that fit) and [`Error::Auth`] (a [`TokenSource`] failed).
//!
//! `Display` carries what the server said: for a typed body its message fields
//! (`message`, `detail`, `error_description`, ..., after a `code` when there is one) or a
//! short rendering of the body; for an untyped body its first
//! [`RawBody::EXCERPT_CHARS`] characters, with control characters escaped. Headers are
//! never shown, so no credential is.
//!
//! # Set-up
//!
//! [`ClientBuilder`] configures the base URL (or the spec's server and its variables),
//! credentials, default headers, the user agent, a per-attempt timeout
//! ([`ClientBuilder::DEFAULT_TIMEOUT`], 30 seconds, unless set), a caller-supplied
//! `reqwest::Client` and a [`RetryPolicy`]. A generated API's `Client::builder()` returns a
//! `ClientBuilder` whose `build()` gives that API's `Client`.
//!
//! Timeouts and retry delays use Tokio's timer: call operations inside a Tokio runtime with
//! the time driver enabled (as `#[tokio::main]` sets up), which reqwest needs anyway.
//!
//! Secrets are held in [`Secret`], whose `Debug` and `Display` print `***`; no `Debug` output
//! or error message of this crate contains a credential.
//!
//! # Features
//!
//! - `tracing`: every request runs in a `request` span of the
//!   [`tracing`](https://docs.rs/tracing) crate (fields `operation`, `method`, `status`,
//!   `attempt`) and every attempt in an `attempt` span (`attempt`, `status`), so retries
//!   are visible. Off by default.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub use reqwest;

#[doc(hidden)]
pub mod object;

mod enums;

// Used by the enum macros, so that expanding them needs no `serde` import at the call site.
#[doc(hidden)]
pub use serde as __serde;

mod auth;
mod client;
mod defaulted;
mod encoding;
mod error;
mod multipart;
mod request;
mod response;
mod retry;
mod secret;

pub use auth::{
    BoxError, Credential, SchemeKind, SecurityRequirements, SecurityScheme, StaticToken,
    TokenFuture, TokenSource,
};
pub use client::{ClientBuilder, Server, ServerVariable, Transport};
pub use defaulted::Defaulted;
pub use encoding::Style;
pub use error::{BuildError, Error, RawBody};
pub use multipart::{FilePart, Multipart};
pub use request::{Decoder, Request, ResponseFuture};
pub use response::{Decoded, RawResponse, Response};
pub use retry::RetryPolicy;
pub use secret::Secret;
