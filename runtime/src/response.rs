//! [`RawResponse`], a reply read in full, and [`Response`], a decoded success.

use std::ops::Deref;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use crate::{Error, RawBody};

/// A reply of any status, its body read in full.
///
/// Generated code decodes it with [`json`](RawResponse::json) or [`text`](RawResponse::text)
/// and turns it into a [`Response`] or an [`Error`].
#[derive(Debug, Clone)]
pub struct RawResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl RawResponse {
    /// A reply from its parts (useful to test code that handles replies).
    pub fn new(status: StatusCode, headers: HeaderMap, body: impl Into<Vec<u8>>) -> Self {
        Self::from_parts(status, headers, Bytes::from(body.into()))
    }

    pub(crate) fn from_parts(status: StatusCode, headers: HeaderMap, body: Bytes) -> Self {
        Self {
            status,
            headers,
            body,
        }
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Decodes the body as JSON.
    ///
    /// Empty, malformed and wrongly shaped bodies, and trailing data, give [`Error::Decode`]
    /// with the path where decoding stopped (e.g. `conversation.id`; `.` for the root).
    pub fn json<T: DeserializeOwned, E>(&self) -> Result<T, Error<E>> {
        decode_json(&self.body).map_err(|(path, message)| self.decode_error(path, message))
    }

    /// Decodes the body as JSON when it matches `T`; `None` otherwise. For `default`
    /// responses, whose schema a reply may or may not follow.
    pub fn try_json<T: DeserializeOwned>(&self) -> Option<T> {
        decode_json(&self.body).ok()
    }

    /// The body as text; invalid UTF-8 gives [`Error::Decode`].
    pub fn text<E>(&self) -> Result<String, Error<E>> {
        String::from_utf8(self.body.to_vec())
            .map_err(|error| self.decode_error(".".to_owned(), error.to_string()))
    }

    /// The body as text when it is valid UTF-8; `None` otherwise.
    pub fn try_text(&self) -> Option<String> {
        String::from_utf8(self.body.to_vec()).ok()
    }

    /// A copy of the body.
    pub fn bytes(&self) -> Vec<u8> {
        self.body.to_vec()
    }

    /// The body, without copying it when possible.
    pub fn into_bytes(self) -> Vec<u8> {
        Vec::from(self.body)
    }

    /// A documented success with its decoded body (or unit variant); the raw body stays
    /// reachable through [`Response::raw_body`].
    pub fn into_response<T>(self, body: T) -> Response<T> {
        Response {
            status: self.status,
            headers: self.headers,
            body,
            raw: RawBody::from(self.body),
        }
    }

    /// An error status documented with a schema, with its decoded body ([`Error::Api`]).
    pub fn into_api_error<E>(self, body: E) -> Error<E> {
        Error::Api {
            status: self.status,
            headers: Box::new(self.headers),
            body,
            raw: RawBody::from(self.body),
        }
    }

    /// A reply without a typed body ([`Error::Status`]): an error status documented without
    /// a schema, a status the spec does not document, or a `default` reply that does not
    /// match `default`'s schema.
    pub fn into_status_error<E>(self) -> Error<E> {
        Error::Status {
            status: self.status,
            headers: Box::new(self.headers),
            body: RawBody::from(self.body),
        }
    }

    /// A documented success without a body: `reply` is its unit variant.
    ///
    /// This and the methods below are the arms of a generated operation's `decode`, one
    /// call per documented status, so that the thousands of operations of a large API do
    /// not each repeat the same decoding steps (and rustc does not check them each time).
    pub fn ok<R, E>(self, reply: R) -> Decoded<R, E> {
        Ok(self.into_response(reply))
    }

    /// A documented success with a JSON body, which `variant` wraps; a body that does not
    /// match is [`Error::Decode`].
    pub fn ok_json<T: DeserializeOwned, R, E>(self, variant: impl FnOnce(T) -> R) -> Decoded<R, E> {
        let body = self.json()?;
        Ok(self.into_response(variant(body)))
    }

    /// A documented success with a text body; invalid UTF-8 is [`Error::Decode`].
    pub fn ok_text<R, E>(self, variant: impl FnOnce(String) -> R) -> Decoded<R, E> {
        let body = self.text()?;
        Ok(self.into_response(variant(body)))
    }

    /// A documented success with a binary body.
    pub fn ok_bytes<R, E>(self, variant: impl FnOnce(Vec<u8>) -> R) -> Decoded<R, E> {
        let body = self.bytes();
        Ok(self.into_response(variant(body)))
    }

    /// A documented error status with a JSON body ([`Error::Api`], the body wrapped by
    /// `variant`); a body that does not match is [`Error::Decode`].
    pub fn api_json<T: DeserializeOwned, R, E>(
        self,
        variant: impl FnOnce(T) -> E,
    ) -> Decoded<R, E> {
        let body = self.json()?;
        Err(self.into_api_error(variant(body)))
    }

    /// A documented error status with a text body ([`Error::Api`]).
    pub fn api_text<R, E>(self, variant: impl FnOnce(String) -> E) -> Decoded<R, E> {
        let body = self.text()?;
        Err(self.into_api_error(variant(body)))
    }

    /// A documented error status with a binary body ([`Error::Api`]).
    pub fn api_bytes<R, E>(self, variant: impl FnOnce(Vec<u8>) -> E) -> Decoded<R, E> {
        let body = self.bytes();
        Err(self.into_api_error(variant(body)))
    }

    /// A reply without a typed body: [`Error::Status`] (see
    /// [`into_status_error`](RawResponse::into_status_error)).
    pub fn status_error<R, E>(self) -> Decoded<R, E> {
        Err(self.into_status_error())
    }

    /// A `default` success: the JSON body when it matches `default`'s schema, otherwise
    /// [`Error::Status`] (never `Decode`: a `default` reply may follow no schema).
    pub fn ok_json_or_status<T: DeserializeOwned, R, E>(
        self,
        variant: impl FnOnce(T) -> R,
    ) -> Decoded<R, E> {
        match self.try_json() {
            Some(body) => Ok(self.into_response(variant(body))),
            None => Err(self.into_status_error()),
        }
    }

    /// A `default` success with a text body, or [`Error::Status`] when it is not UTF-8.
    pub fn ok_text_or_status<R, E>(self, variant: impl FnOnce(String) -> R) -> Decoded<R, E> {
        match self.try_text() {
            Some(body) => Ok(self.into_response(variant(body))),
            None => Err(self.into_status_error()),
        }
    }

    /// A `default` error: [`Error::Api`] when the JSON body matches `default`'s schema,
    /// otherwise [`Error::Status`].
    pub fn api_json_or_status<T: DeserializeOwned, R, E>(
        self,
        variant: impl FnOnce(T) -> E,
    ) -> Decoded<R, E> {
        match self.try_json() {
            Some(body) => Err(self.into_api_error(variant(body))),
            None => Err(self.into_status_error()),
        }
    }

    /// A `default` error with a text body, or [`Error::Status`] when it is not UTF-8.
    pub fn api_text_or_status<R, E>(self, variant: impl FnOnce(String) -> E) -> Decoded<R, E> {
        match self.try_text() {
            Some(body) => Err(self.into_api_error(variant(body))),
            None => Err(self.into_status_error()),
        }
    }

    fn decode_error<E>(&self, path: String, message: String) -> Error<E> {
        Error::Decode {
            status: self.status,
            headers: Box::new(self.headers.clone()),
            body: RawBody::from(self.body.clone()),
            path,
            message,
        }
    }
}

/// Decodes JSON, rejecting trailing data; on failure the path where decoding stopped and
/// what is wrong there.
fn decode_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, (String, String)> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        // `?` stands for a position serde could not name; at the top, that is the root.
        let path = match error.path().to_string() {
            unknown if unknown == "?" => ".".to_owned(),
            path => path,
        };
        (path, error.into_inner().to_string())
    })?;
    deserializer
        .end()
        .map_err(|error| (".".to_owned(), error.to_string()))?;
    Ok(value)
}

/// What a generated operation's `decode` returns: a documented success, or an error.
pub type Decoded<R, E> = Result<Response<R>, Error<E>>;

/// A documented success: status, headers, the decoded body and the raw one.
///
/// For a generated operation, `body` is the operation's reply enum, one variant per
/// documented success status: `match response.body { .. }` (or `match &*response`, as
/// `Response` dereferences to its body).
#[derive(Debug, Clone)]
pub struct Response<T> {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The decoded body.
    pub body: T,
    raw: RawBody,
}

impl<T> Response<T> {
    /// The decoded body.
    pub fn into_body(self) -> T {
        self.body
    }

    /// The reply body as received.
    pub fn raw_body(&self) -> &RawBody {
        &self.raw
    }

    /// Converts the body, keeping status, headers and the raw body.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            status: self.status,
            headers: self.headers,
            body: f(self.body),
            raw: self.raw,
        }
    }
}

impl<T> Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.body
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Thing {
        #[allow(dead_code)]
        id: u32,
    }

    fn reply(body: &str) -> RawResponse {
        RawResponse::new(StatusCode::OK, HeaderMap::new(), body)
    }

    fn decode_failure(body: &str) -> (String, String) {
        match reply(body).json::<Thing, ()>() {
            Err(Error::Decode { path, message, .. }) => (path, message),
            other => panic!("expected a decode error, got {other:?}"),
        }
    }

    #[test]
    fn json_errors_carry_the_path() {
        assert_eq!(decode_failure(r#"{"id": "x"}"#).0, "id");
        assert_eq!(decode_failure("").0, ".");
        assert_eq!(decode_failure("{").0, ".");
        let (path, message) = decode_failure(r#"{"id": 1} trailing"#);
        assert_eq!(path, ".");
        assert!(message.contains("trailing"), "{message}");
        assert!(reply(r#"{"id": 1}"#).json::<Thing, ()>().is_ok());
    }

    #[test]
    fn text_rejects_invalid_utf8() {
        let raw = RawResponse::new(StatusCode::OK, HeaderMap::new(), b"\xff".to_vec());
        assert!(matches!(raw.text::<()>(), Err(Error::Decode { .. })));
        assert_eq!(reply("héllo").text::<()>().unwrap(), "héllo");
    }

    #[test]
    fn response_derefs_to_body_and_keeps_the_raw_body() {
        let response = reply("[1, 2]").into_response(vec![1, 2]);
        assert_eq!(response.len(), 2);
        assert_eq!(response.raw_body().as_bytes(), b"[1, 2]");
        let mapped = response.map(|v| v.len());
        assert_eq!(mapped.raw_body().as_bytes(), b"[1, 2]");
        assert_eq!(mapped.into_body(), 2);
    }

    #[test]
    fn try_json_is_none_on_mismatch() {
        assert!(reply(r#"{"id": 1}"#).try_json::<Thing>().is_some());
        assert!(reply(r#"{"id": "x"}"#).try_json::<Thing>().is_none());
        assert!(reply(r#"{"id": 1} x"#).try_json::<Thing>().is_none());
        assert!(reply("<html>").try_json::<Thing>().is_none());
    }

    #[test]
    fn status_error_keeps_the_whole_body() {
        let body = "x".repeat(100_000);
        let error = reply(&body).into_status_error::<()>();
        assert_eq!(error.raw_body().unwrap().len(), 100_000);
        assert!(matches!(error, Error::Status { .. }));
    }

    /// The arms a generated `decode` is made of: what each gives for a matching body, a
    /// mismatching one and one that is not UTF-8; every outcome keeps the raw body.
    #[test]
    fn decode_arms_follow_the_error_model() {
        #[derive(Debug, PartialEq)]
        enum Reply {
            Thing(u32),
            Text(String),
            Bytes(Vec<u8>),
            Empty,
        }
        #[derive(Debug, PartialEq)]
        enum Failure {
            Thing(u32),
            Text(String),
            Bytes(Vec<u8>),
        }
        #[derive(Debug, serde::Deserialize)]
        struct Id {
            id: u32,
        }
        let thing = |id: Id| Reply::Thing(id.id);
        let failure = |id: Id| Failure::Thing(id.id);
        let good = r#"{"id": 7}"#;
        let bad = r#"{"id": "x"}"#;
        let not_utf8 = || RawResponse::new(StatusCode::OK, HeaderMap::new(), b"\xff".to_vec());
        let body = |decoded: &Decoded<Reply, Failure>| match decoded {
            Ok(response) => response.raw_body().as_bytes().to_vec(),
            Err(error) => error.raw_body().unwrap().as_bytes().to_vec(),
        };
        let is_decode = |d: &Decoded<Reply, Failure>| matches!(d, Err(Error::Decode { .. }));
        let is_status = |d: &Decoded<Reply, Failure>| matches!(d, Err(Error::Status { .. }));
        let ok = |d: Decoded<Reply, Failure>| d.unwrap().body;
        let api = |d: Decoded<Reply, Failure>| match d {
            Err(Error::Api { body, .. }) => body,
            other => panic!("expected an Api error, got {other:?}"),
        };

        // Documented statuses: a body that does not match is `Decode`.
        let decoded = reply(good).ok_json(thing);
        assert_eq!(body(&decoded), good.as_bytes());
        assert_eq!(ok(decoded), Reply::Thing(7));
        let decoded = reply(bad).ok_json(thing);
        assert!(is_decode(&decoded) && body(&decoded) == bad.as_bytes());
        assert_eq!(api(reply(good).api_json(failure)), Failure::Thing(7));
        assert!(is_decode(&reply(bad).api_json(failure)));
        assert_eq!(
            ok(reply("hi").ok_text(Reply::Text)),
            Reply::Text("hi".into())
        );
        assert!(is_decode(&not_utf8().ok_text(Reply::Text)));
        assert_eq!(
            api(reply("hi").api_text(Failure::Text)),
            Failure::Text("hi".into())
        );
        assert!(is_decode(&not_utf8().api_text(Failure::Text)));
        assert_eq!(
            ok(not_utf8().ok_bytes(Reply::Bytes)),
            Reply::Bytes(vec![0xff])
        );
        assert_eq!(
            api(not_utf8().api_bytes(Failure::Bytes)),
            Failure::Bytes(vec![0xff])
        );
        assert_eq!(ok(reply("").ok(Reply::Empty)), Reply::Empty);
        let decoded = reply(bad).status_error();
        assert!(is_status(&decoded) && body(&decoded) == bad.as_bytes());

        // `default`: a body that does not match is `Status`, never `Decode`.
        assert_eq!(ok(reply(good).ok_json_or_status(thing)), Reply::Thing(7));
        let decoded = reply(bad).ok_json_or_status(thing);
        assert!(is_status(&decoded) && body(&decoded) == bad.as_bytes());
        assert_eq!(
            api(reply(good).api_json_or_status(failure)),
            Failure::Thing(7)
        );
        assert!(is_status(&reply(bad).api_json_or_status(failure)));
        assert_eq!(
            ok(reply("hi").ok_text_or_status(Reply::Text)),
            Reply::Text("hi".into())
        );
        assert!(is_status(&not_utf8().ok_text_or_status(Reply::Text)));
        assert_eq!(
            api(reply("hi").api_text_or_status(Failure::Text)),
            Failure::Text("hi".into())
        );
        assert!(is_status(&not_utf8().api_text_or_status(Failure::Text)));
    }
}
