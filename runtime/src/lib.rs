//! Runtime shared by the API clients that `codegen` generates.
//!
//! Generated code stays thin: an operation builds a [`Request`] from a [`Transport`]
//! (path, query, headers, body, security requirements), [`send`](Request::send)s it, and
//! decodes the [`RawResponse`] into a [`Response`] or an [`Error`].
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use codegen_runtime::{reqwest::Method, ClientBuilder, Error, RetryPolicy};
//!
//! let transport = ClientBuilder::new("https://api.example.com/v2")
//!     .bearer_token("token")
//!     .timeout(std::time::Duration::from_secs(30))
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
//!     _ => return Err(reply.into_unexpected::<()>().into()),
//! };
//! # let _ = repo;
//! # Ok(())
//! # }
//! ```
//!
//! Timeouts and retry delays use Tokio's timer: call operations inside a Tokio runtime with
//! the time driver enabled (as `#[tokio::main]` sets up), which reqwest needs anyway.
//!
//! Secrets are held in [`Secret`], whose `Debug` and `Display` print `***`; no `Debug` output
//! or error message of this crate contains a credential.

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
pub use client::{ClientBuilder, Transport};
pub use defaulted::Defaulted;
pub use encoding::Style;
pub use error::{BuildError, Error, RawBody};
pub use multipart::{FilePart, Multipart};
pub use request::{Decoder, Request, ResponseFuture};
pub use response::{RawResponse, Response};
pub use retry::RetryPolicy;
pub use secret::Secret;
