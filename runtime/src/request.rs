//! [`Request`]: one call of an operation, sent with auth, retries and timeouts.

use std::convert::Infallible;
use std::fmt::{self, Display};

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, CONTENT_TYPE, COOKIE};
use reqwest::{Method, Url};
use serde::Serialize;
use serde_json::Value;

use crate::auth::{self, AppliedAuth, AuthError};
use crate::encoding::{self, component, Shape, Style};
use crate::{retry, Error, Multipart, RawResponse, Response, SecurityRequirements, Transport};

/// Turns a reply into an operation's typed response or error, by status.
pub type Decoder<T, E> = fn(RawResponse) -> Result<Response<T>, Error<E>>;

/// The future of an operation: its typed response, or an [`Error`].
pub type ResponseFuture<T, E> = std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<Response<T>, Error<E>>> + Send + 'static>,
>;

/// One call of an operation, started by [`Transport::request`].
///
/// The builder methods never fail: a problem (a header value that is not valid in HTTP, a
/// body that cannot be serialised, ...) is kept and reported by [`send`](Request::send) as
/// [`Error::InvalidRequest`]. Everything is stored owned, so the request can be rebuilt for
/// every retry attempt.
pub struct Request {
    transport: Transport,
    method: Method,
    operation: &'static str,
    url: Url,
    /// The OpenAPI path template set by [`Request::path`], which replaces `url`'s path.
    template: Option<&'static str>,
    /// Path parameters: name and percent-encoded text.
    path_params: Vec<(String, String)>,
    /// Percent-encoded names and values.
    query: Vec<(String, String)>,
    headers: Vec<(&'static str, String)>,
    /// Cookie parameters: encoded names and values.
    cookies: Vec<(String, String)>,
    accept: Option<&'static str>,
    /// Safe to repeat whatever the method (the spec says so with `x-idempotent: true`).
    idempotent: bool,
    security: SecurityRequirements,
    body: Body,
    /// The first problem met while building.
    error: Option<String>,
}

enum Body {
    Empty,
    Bytes {
        content_type: &'static str,
        bytes: Bytes,
    },
    Multipart(Multipart),
}

/// The span a request runs in (nothing without the `tracing` feature).
#[cfg(feature = "tracing")]
type RequestSpan = tracing::Span;
#[cfg(not(feature = "tracing"))]
type RequestSpan = ();

/// What stays the same across attempts.
struct Prepared {
    url: Url,
    headers: HeaderMap,
}

impl Request {
    pub(crate) fn new(transport: Transport, method: Method, path: &[&str]) -> Self {
        let (url, error) = match encoding::join_path(transport.base(), path) {
            Ok(url) => (url, None),
            Err(error) => (transport.base().clone(), Some(error)),
        };
        Self {
            transport,
            method,
            operation: "request",
            url,
            template: None,
            path_params: Vec::new(),
            query: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            accept: None,
            idempotent: false,
            security: &[],
            body: Body::Empty,
            error,
        }
    }

    /// Names the operation, for error messages and `Debug`.
    pub fn operation(mut self, operation_id: &'static str) -> Self {
        self.operation = operation_id;
        self
    }

    /// The operation's security requirements.
    ///
    /// The first alternative whose schemes all have a configured credential is used. When
    /// none can be satisfied, the request is sent without credentials if an alternative is
    /// empty (anonymous access allowed, `{}` in the spec), and otherwise fails before
    /// sending with [`Error::MissingCredentials`].
    pub fn security(mut self, requirements: SecurityRequirements) -> Self {
        self.security = requirements;
        self
    }

    /// Adds a query parameter.
    pub fn query(mut self, name: &str, value: impl Display) -> Self {
        self.query
            .push((component(name), component(&value.to_string())));
        self
    }

    /// Adds a query parameter when `value` is `Some`.
    pub fn query_opt<T: Display>(self, name: &str, value: Option<T>) -> Self {
        match value {
            Some(value) => self.query(name, value),
            None => self,
        }
    }

    /// Adds an array query parameter: `name=a&name=b` when `explode`, else `name=a,b`
    /// (each value percent-encoded, commas inside values too). An empty array adds nothing.
    pub fn query_array<T: Display>(mut self, name: &str, values: &[T], explode: bool) -> Self {
        if values.is_empty() {
            return self;
        }
        let encoded = values.iter().map(|value| component(&value.to_string()));
        if explode {
            self.query
                .extend(encoded.map(|value| (component(name), value)));
        } else {
            let joined = encoded.collect::<Vec<_>>().join(",");
            self.query.push((component(name), joined));
        }
        self
    }

    /// Adds a query parameter holding any serialisable value: a string is sent bare,
    /// `null` (e.g. `None`) adds nothing, anything else is sent as its JSON text.
    pub fn query_json(self, name: &str, value: &impl Serialize) -> Self {
        // Objects are written straight from `value`, which keeps their field order.
        let text = serde_json::to_value(value).and_then(|json| match json {
            Value::Null => Ok(None),
            Value::String(text) => Ok(Some(text)),
            _ => serde_json::to_string(value).map(Some),
        });
        match text {
            Ok(Some(text)) => self.query(name, text),
            Ok(None) => self,
            Err(error) => self.fail(format!(
                "cannot serialise query parameter `{name}`: {error}"
            )),
        }
    }

    /// Sets the path to an OpenAPI path template such as `/pets/{petId}`, appended to the
    /// base URL's path in place of the segments given to [`Transport::request`]. Every
    /// `{name}` is replaced by the value given with [`path_param`](Request::path_param);
    /// the literal text is sent as it is written (percent-encoded only where a URL path
    /// cannot hold a character).
    pub fn path(mut self, template: &'static str) -> Self {
        self.template = Some(template);
        self
    }

    /// Gives the value of the path parameter `{name}` of the [`path`](Request::path)
    /// template, written in `style` ([`Style::simple`], [`Style::label`] or
    /// [`Style::matrix`]) and percent-encoded except for the RFC 3986 unreserved
    /// characters, so that it stays inside its segment.
    pub fn path_param<T: Serialize + ?Sized>(self, name: &str, value: &T, style: Style) -> Self {
        let text =
            Shape::of(value, style).and_then(|shape| encoding::path_text(name, &shape, style));
        self.add_parameter("path", name, text, |request, text| {
            request.path_params.push((name.to_owned(), text));
        })
    }

    /// Adds a query parameter written in `style` ([`Style::form`], exploded or not,
    /// [`Style::space_delimited`], [`Style::pipe_delimited`], [`Style::deep_object`],
    /// [`Style::json`] or [`Style::text`]): see [`Style`] for the renderings. A value
    /// that is `null` (such as `None`), or an empty array or object, adds nothing.
    pub fn query_param<T: Serialize + ?Sized>(self, name: &str, value: &T, style: Style) -> Self {
        let pairs =
            Shape::of(value, style).and_then(|shape| encoding::query_pairs(name, &shape, style));
        self.add_parameter("query", name, pairs, |request, pairs| {
            request.query.extend(pairs);
        })
    }

    /// Adds a header parameter written in `style` ([`Style::simple`], [`Style::json`] or
    /// [`Style::text`]): `blue,black,brown`, `R,100,G,200` (`R=100,G=200` exploded). The
    /// value is not percent-encoded; one that HTTP does not allow in a header is reported
    /// by [`send`](Request::send). It replaces a default header of the same name; an
    /// undefined value (`null`, an empty array or object) adds no header.
    pub fn header_param<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
        style: Style,
    ) -> Self {
        let text = Shape::of(value, style).and_then(|shape| encoding::header_text(&shape, style));
        self.add_parameter("header", name, text, |request, text| {
            request.headers.extend(text.map(|text| (name, text)));
        })
    }

    /// Adds a cookie parameter written in `style` ([`Style::form`], [`Style::json`] or
    /// [`Style::text`]) to the `Cookie` header, after any default `Cookie` header.
    /// Exploded arrays and objects become one cookie per item or property
    /// (`color=blue; color=black`); names and `form` values are percent-encoded like
    /// query values.
    pub fn cookie_param<T: Serialize + ?Sized>(self, name: &str, value: &T, style: Style) -> Self {
        let pairs =
            Shape::of(value, style).and_then(|shape| encoding::cookie_pairs(name, &shape, style));
        self.add_parameter("cookie", name, pairs, |request, pairs| {
            request.cookies.extend(pairs);
        })
    }

    /// Adds a rendered parameter, or keeps the reason it could not be rendered.
    fn add_parameter<R>(
        mut self,
        place: &str,
        name: &str,
        rendered: Result<R, String>,
        add: impl FnOnce(&mut Self, R),
    ) -> Self {
        match rendered {
            Ok(rendered) => {
                add(&mut self, rendered);
                self
            }
            Err(error) => self.fail(format!("cannot send {place} parameter `{name}`: {error}")),
        }
    }

    /// Adds a header; it replaces a default header of the same name.
    pub fn header(mut self, name: &'static str, value: impl Display) -> Self {
        self.headers.push((name, value.to_string()));
        self
    }

    /// Adds a header when `value` is `Some`.
    pub fn header_opt<T: Display>(self, name: &'static str, value: Option<T>) -> Self {
        match value {
            Some(value) => self.header(name, value),
            None => self,
        }
    }

    /// Sets the `Accept` header.
    /// Marks the request as safe to repeat even if its method is not idempotent (such as
    /// a POST that returns the existing resource on a repeat), so a retry policy applies
    /// to it without `retry_non_idempotent`.
    pub fn idempotent(mut self) -> Self {
        self.idempotent = true;
        self
    }

    /// Sets the `Accept` header to the media type the operation's responses use.
    pub fn accept(mut self, media_type: &'static str) -> Self {
        self.accept = Some(media_type);
        self
    }

    /// Sends `body` as `application/json`.
    pub fn json_body<T: Serialize>(self, body: &T) -> Self {
        self.json_body_as(body, "application/json")
    }

    /// Sends `body` as JSON with another content type, e.g. `application/merge-patch+json`.
    pub fn json_body_as<T: Serialize>(self, body: &T, content_type: &'static str) -> Self {
        match serde_json::to_vec(body) {
            Ok(json) => self.bytes_body(json, content_type),
            Err(error) => self.fail(format!("cannot serialise the request body: {error}")),
        }
    }

    /// Sends `body` as `application/x-www-form-urlencoded`.
    ///
    /// `body` must serialise to an object. Its fields become form fields: `null` fields are
    /// left out, arrays of scalars repeat the field (`tag=a&tag=b`, OpenAPI's default),
    /// nested objects and arrays of objects or arrays are sent as their JSON text. Fields
    /// come in the order of `serde_json`'s maps (sorted by name unless its
    /// `preserve_order` feature is on); form servers do not depend on the order.
    pub fn form_body<T: Serialize>(self, body: &T) -> Self {
        let fields = serde_json::to_value(body)
            .map_err(|error| error.to_string())
            .and_then(|json| encoding::form_fields(&json));
        match fields {
            Ok(fields) => {
                let encoded: Vec<(String, String)> = fields
                    .iter()
                    .map(|(name, value)| (component(name), component(value)))
                    .collect();
                let text = encoding::join_pairs(&encoded);
                self.bytes_body(text, "application/x-www-form-urlencoded")
            }
            Err(error) => self.fail(format!("cannot serialise the form body: {error}")),
        }
    }

    /// Sends text with the given content type, e.g. `text/plain`.
    pub fn text_body(self, body: impl Into<String>, content_type: &'static str) -> Self {
        self.bytes_body(body.into(), content_type)
    }

    /// Sends bytes with the given content type, e.g. `application/octet-stream`.
    pub fn bytes_body(mut self, body: impl Into<Vec<u8>>, content_type: &'static str) -> Self {
        self.body = Body::Bytes {
            content_type,
            bytes: Bytes::from(body.into()),
        };
        self
    }

    /// Sends a `multipart/form-data` body.
    pub fn multipart_body(mut self, form: Multipart) -> Self {
        self.body = Body::Multipart(form);
        self
    }

    /// Sends the request and decodes the reply with `decode`, the operation's table of
    /// documented statuses. Generated operations return this future: one generic async
    /// body here instead of one per operation keeps large generated crates quick to
    /// compile.
    pub fn execute<T, E>(self, decode: Decoder<T, E>) -> ResponseFuture<T, E>
    where
        T: Send + 'static,
        E: Send + 'static,
    {
        Box::pin(async move { decode(self.send::<E>().await?) })
    }

    /// Sends the request, with credentials, retries and per-attempt timeouts as configured
    /// on the [`Transport`], and reads the whole reply.
    ///
    /// Any status is returned as a [`RawResponse`]: deciding what a `404` means is up to
    /// the caller. Errors are only [`Error::Timeout`], [`Error::Transport`],
    /// [`Error::InvalidRequest`], [`Error::MissingCredentials`] and [`Error::Auth`].
    ///
    /// With the `tracing` feature, the request runs in a `request` span (fields
    /// `operation`, `method`, `status`, `attempt`: the number of the last attempt) and
    /// each attempt in an `attempt` span (`attempt`, `status`), so retries are visible.
    pub async fn send<E>(self) -> Result<RawResponse, Error<E>> {
        #[cfg(feature = "tracing")]
        let outcome = {
            let span = tracing::info_span!(
                "request",
                operation = self.operation,
                method = %self.method,
                status = tracing::field::Empty,
                attempt = tracing::field::Empty,
            );
            let attempts = self.send_with_retries(&span);
            tracing::Instrument::instrument(attempts, span.clone()).await
        };
        #[cfg(not(feature = "tracing"))]
        let outcome = self.send_with_retries(&()).await;
        outcome.map_err(|error| error.map_api(|never| match never {}))
    }

    async fn send_with_retries(self, span: &RequestSpan) -> Result<RawResponse, Error<Infallible>> {
        let prepared = self.prepare()?;
        let policy = self.transport.retry_policy();
        let max_attempts = policy.attempts_for(&self.method, self.idempotent);
        let mut attempt = 1;
        loop {
            let outcome = self.traced_attempt(&prepared, attempt, span).await;
            if attempt >= max_attempts {
                return outcome;
            }
            let wait = match &outcome {
                Ok(reply) if retry::is_retryable_status(reply.status()) => policy.delay(
                    attempt,
                    retry::retry_after(reply.headers(), chrono::Utc::now()),
                ),
                Err(error) if is_retryable_error(error) => policy.delay(attempt, None),
                _ => return outcome,
            };
            #[cfg(feature = "tracing")]
            tracing::debug!(attempt, wait = ?wait, "retrying");
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// One attempt, in its own span with the `tracing` feature; the attempt number and
    /// the status are recorded on the attempt's span and on the request's.
    async fn traced_attempt(
        &self,
        prepared: &Prepared,
        attempt: u32,
        request_span: &RequestSpan,
    ) -> Result<RawResponse, Error<Infallible>> {
        #[cfg(feature = "tracing")]
        {
            request_span.record("attempt", attempt);
            let span = tracing::debug_span!(
                parent: request_span,
                "attempt",
                attempt,
                status = tracing::field::Empty
            );
            let outcome =
                tracing::Instrument::instrument(self.attempt(prepared), span.clone()).await;
            if let Ok(reply) = &outcome {
                span.record("status", reply.status().as_u16());
                request_span.record("status", reply.status().as_u16());
            }
            outcome
        }
        #[cfg(not(feature = "tracing"))]
        {
            let _ = (request_span, attempt);
            self.attempt(prepared).await
        }
    }

    /// Checks what was built and assembles the parts that do not change between attempts.
    fn prepare(&self) -> Result<Prepared, Error<Infallible>> {
        if let Some(error) = &self.error {
            return Err(Error::InvalidRequest(error.clone()));
        }
        if self.transport.credentials().select(self.security).is_none() {
            return Err(Error::MissingCredentials {
                operation: self.operation,
                required: self.security,
            });
        }
        let mut url = match self.template {
            Some(template) => {
                encoding::expand_path(self.transport.base(), template, &self.path_params)
                    .map_err(Error::InvalidRequest)?
            }
            None => self.url.clone(),
        };
        encoding::append_query(&mut url, &self.query);

        let mut own = HeaderMap::new();
        for &(name, ref value) in &self.headers {
            own.append(header_name(name)?, header_value(name, value)?);
        }
        if let Some(accept) = self.accept {
            own.insert(ACCEPT, header_value("Accept", accept)?);
        }
        if let Body::Bytes { content_type, .. } = &self.body {
            own.insert(CONTENT_TYPE, header_value("Content-Type", content_type)?);
        }
        if !self.cookies.is_empty() {
            let mut cookies: Vec<String> = self
                .transport
                .default_headers()
                .get(COOKIE)
                .and_then(|existing| existing.to_str().ok())
                .map(str::to_owned)
                .into_iter()
                .collect();
            cookies.extend(
                self.cookies
                    .iter()
                    .map(|(name, value)| format!("{name}={value}")),
            );
            own.insert(COOKIE, header_value("Cookie", &cookies.join("; "))?);
        }
        let mut headers = self.transport.default_headers().clone();
        // Replaces every default header that the request sets itself.
        headers.extend(own);
        Ok(Prepared { url, headers })
    }

    /// One attempt: fresh credentials, a fresh body, and the timeout around all of it.
    async fn attempt(&self, prepared: &Prepared) -> Result<RawResponse, Error<Infallible>> {
        // `prepare` has checked that the security can be satisfied.
        let selected = self
            .transport
            .credentials()
            .select(self.security)
            .unwrap_or_default();
        let auth = auth::apply(&selected).await.map_err(|error| match error {
            AuthError::Source(error) => Error::Auth(error),
            AuthError::Invalid(scheme) => Error::InvalidRequest(format!(
                "the credential of security scheme `{scheme}` cannot be sent in an HTTP header"
            )),
        })?;
        let request = self.build_attempt(prepared, auth)?;

        let client = self.transport.client();
        let exchange = async {
            let mut response = client.execute(request).await?;
            let status = response.status();
            let headers = std::mem::take(response.headers_mut());
            let body = response.bytes().await?;
            Ok(RawResponse::from_parts(status, headers, body))
        };
        let outcome = match self.transport.timeout() {
            Some(limit) => tokio::time::timeout(limit, exchange)
                .await
                .map_err(|_elapsed| Error::Timeout {
                    operation: self.operation,
                    timeout: Some(limit),
                })?,
            None => exchange.await,
        };
        outcome.map_err(|error| self.transport_error(error))
    }

    fn build_attempt(
        &self,
        prepared: &Prepared,
        auth: AppliedAuth,
    ) -> Result<reqwest::Request, Error<Infallible>> {
        let mut url = prepared.url.clone();
        let keys: Vec<(String, String)> = auth
            .query
            .iter()
            .map(|(name, key)| (component(name), component(key.expose())))
            .collect();
        encoding::append_query(&mut url, &keys);

        let mut headers = prepared.headers.clone();
        headers.extend(auth.headers);
        add_cookies(&mut headers, &auth.cookies)?;

        let mut builder = self
            .transport
            .client()
            .request(self.method.clone(), url)
            .headers(headers);
        if let Some((username, password)) = &auth.basic {
            builder = builder.basic_auth(username, Some(password.expose()));
        }
        builder = match &self.body {
            Body::Empty => builder,
            Body::Bytes { bytes, .. } => builder.body(bytes.clone()),
            Body::Multipart(form) => {
                builder.multipart(form.to_form().map_err(Error::InvalidRequest)?)
            }
        };
        builder
            .build()
            .map_err(|error| Error::InvalidRequest(redact(error).to_string()))
    }

    fn transport_error(&self, error: reqwest::Error) -> Error<Infallible> {
        if error.is_timeout() {
            Error::Timeout {
                operation: self.operation,
                timeout: None,
            }
        } else {
            Error::Transport(redact(error))
        }
    }

    /// The first problem wins: it is usually the cause of the later ones.
    fn fail(mut self, message: String) -> Self {
        self.error.get_or_insert(message);
        self
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let query: Vec<&str> = self.query.iter().map(|(name, _)| name.as_str()).collect();
        let cookies: Vec<&str> = self.cookies.iter().map(|(name, _)| name.as_str()).collect();
        let headers: Vec<&str> = self.headers.iter().map(|(name, _)| *name).collect();
        let body = match &self.body {
            Body::Empty => "none".to_owned(),
            Body::Bytes {
                content_type,
                bytes,
            } => format!("{content_type}, {} bytes", bytes.len()),
            Body::Multipart(_) => "multipart/form-data".to_owned(),
        };
        f.debug_struct("Request")
            .field("operation", &self.operation)
            .field("method", &self.method)
            .field("path", &self.template.unwrap_or(self.url.path()))
            .field("query", &query)
            .field("headers", &headers)
            .field("cookies", &cookies)
            .field("accept", &self.accept)
            .field("body", &body)
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

fn header_name(name: &str) -> Result<HeaderName, Error<Infallible>> {
    HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| Error::InvalidRequest(format!("invalid header name {name:?}")))
}

/// The message names the header but never shows the value.
fn header_value(name: &str, value: &str) -> Result<HeaderValue, Error<Infallible>> {
    HeaderValue::from_str(value)
        .map_err(|_| Error::InvalidRequest(format!("invalid value for header {name:?}")))
}

/// Adds API-key cookies to the `Cookie` header, after any cookie already there.
fn add_cookies(headers: &mut HeaderMap, cookies: &[String]) -> Result<(), Error<Infallible>> {
    if cookies.is_empty() {
        return Ok(());
    }
    let mut all = headers
        .get(COOKIE)
        .map(|existing| existing.as_bytes().to_vec())
        .unwrap_or_default();
    for cookie in cookies {
        if !all.is_empty() {
            all.extend_from_slice(b"; ");
        }
        all.extend_from_slice(cookie.as_bytes());
    }
    let mut value = HeaderValue::from_bytes(&all).map_err(|_| {
        Error::InvalidRequest("an API-key cookie cannot be sent in an HTTP header".to_owned())
    })?;
    value.set_sensitive(true);
    headers.insert(COOKIE, value);
    Ok(())
}

fn is_retryable_error(error: &Error<Infallible>) -> bool {
    match error {
        Error::Timeout { .. } => true,
        Error::Transport(error) => error.is_connect(),
        _ => false,
    }
}

/// Drops the query (where API keys travel) and fragment from the URL a reqwest error shows.
fn redact(mut error: reqwest::Error) -> reqwest::Error {
    if let Some(url) = error.url_mut() {
        url.set_query(None);
        url.set_fragment(None);
    }
    error
}
