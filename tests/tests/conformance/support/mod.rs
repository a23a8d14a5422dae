//! Helpers shared by the client and contract tests: the specs and their examples, secrets
//! that must never leak, and readers for what a loopback server received.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use conversation_apis::runtime::{ClientBuilder, Error, RawBody, Server};
use serde::de::DeserializeOwned;
use serde_json::Value;
use wiremock::{MockServer, Request};

/// A bearer token that must never show up in `Debug` output or error messages.
pub(crate) const TOKEN: &str = "tok-7Qx2-NEVER-PRINT-bearer";
/// A basic-auth user name (not secret).
pub(crate) const USERNAME: &str = "desk-api-key";
/// A basic-auth password that must never show up in `Debug` output or error messages.
pub(crate) const PASSWORD: &str = "pw-3Jk9-NEVER-PRINT-basic";

/// The workspace root (the parent of the `tests` crate).
pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate lives inside the workspace")
        .to_path_buf()
}

/// The path of `specs/<file>`.
pub(crate) fn spec_path(file: &str) -> PathBuf {
    workspace_root().join("specs").join(file)
}

/// An OpenAPI document, read at test time so the tests follow the spec's own examples.
pub(crate) struct Spec {
    pub file: String,
    pub doc: Value,
}

/// One operation of a spec.
pub(crate) struct Operation<'a> {
    spec: &'a Spec,
    /// The path key, e.g. `/v1/conversations`.
    pub path: String,
    /// The method in upper case, e.g. `POST`.
    pub method: String,
    pub op: &'a Value,
}

impl Spec {
    /// Reads `specs/<file>`.
    pub(crate) fn load(file: &str) -> Spec {
        let path = spec_path(file);
        let doc =
            conformance_tests::spec::read_json(&path).unwrap_or_else(|error| panic!("{error}"));
        Spec {
            file: file.to_owned(),
            doc,
        }
    }

    /// The operation with this `operationId`.
    pub(crate) fn operation(&self, operation_id: &str) -> Operation<'_> {
        let paths = self.doc["paths"].as_object().expect("paths");
        for (path, item) in paths {
            for (method, op) in item.as_object().expect("path item") {
                if op.get("operationId").and_then(Value::as_str) == Some(operation_id) {
                    return Operation {
                        spec: self,
                        path: path.clone(),
                        method: method.to_uppercase(),
                        op,
                    };
                }
            }
        }
        panic!("{} has no operation {operation_id}", self.file)
    }

    /// Follows a local `$ref` (repeatedly); other values are returned as they are.
    pub(crate) fn resolve<'a>(&'a self, mut value: &'a Value) -> &'a Value {
        while let Some(reference) = value.get("$ref").and_then(Value::as_str) {
            let pointer = reference
                .strip_prefix('#')
                .unwrap_or_else(|| panic!("only local references are supported: {reference}"));
            value = self
                .doc
                .pointer(pointer)
                .unwrap_or_else(|| panic!("{}: dangling reference {reference}", self.file));
        }
        value
    }
}

impl Operation<'_> {
    /// The request body example for `media_type`.
    pub(crate) fn request_example(&self, media_type: &str) -> Value {
        let body = self.spec.resolve(&self.op["requestBody"]);
        let media = &body["content"][media_type];
        example_of(media).unwrap_or_else(|| {
            panic!(
                "{}: {} {} has no request example for {media_type}",
                self.spec.file, self.method, self.path
            )
        })
    }

    /// The media types of the request body, in spec order.
    pub(crate) fn request_media_types(&self) -> Vec<String> {
        let body = self.spec.resolve(&self.op["requestBody"]);
        body["content"]
            .as_object()
            .map(|content| content.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// The response example for `status` (`"200"`, `"default"`, ...) and `media_type`.
    pub(crate) fn response_example(&self, status: &str, media_type: &str) -> Value {
        let response = self.spec.resolve(&self.op["responses"][status]);
        example_of(&response["content"][media_type]).unwrap_or_else(|| {
            panic!(
                "{}: {} {} has no {status} response example for {media_type}",
                self.spec.file, self.method, self.path
            )
        })
    }

    /// The documented response statuses (`"200"`, `"default"`, ...).
    pub(crate) fn response_statuses(&self) -> Vec<String> {
        self.op["responses"]
            .as_object()
            .map(|responses| responses.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// The example of the parameter `name` (operation or path-item level, `$ref`s followed).
    pub(crate) fn parameter_example(&self, name: &str) -> Value {
        let parameters = self.op["parameters"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for parameter in &parameters {
            let parameter = self.spec.resolve(parameter);
            if parameter["name"] == name {
                if let Some(example) = example_of(parameter) {
                    return example;
                }
                if let Some(example) = example_of(self.spec.resolve(&parameter["schema"])) {
                    return example;
                }
                panic!("{}: parameter {name} has no example", self.spec.file);
            }
        }
        panic!("{}: no parameter {name}", self.spec.file)
    }

    /// The example of a string parameter.
    pub(crate) fn parameter_example_str(&self, name: &str) -> String {
        match self.parameter_example(name) {
            Value::String(text) => text,
            other => panic!("parameter {name}: expected a string example, got {other}"),
        }
    }

    /// `(name, in, required)` of every parameter.
    pub(crate) fn parameters(&self) -> Vec<(String, String, bool)> {
        let parameters = self.op["parameters"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        parameters
            .iter()
            .map(|parameter| {
                let parameter = self.spec.resolve(parameter);
                (
                    parameter["name"].as_str().unwrap_or_default().to_owned(),
                    parameter["in"].as_str().unwrap_or_default().to_owned(),
                    parameter["required"].as_bool().unwrap_or(false),
                )
            })
            .collect()
    }
}

/// `example`, or the first of `examples`.
fn example_of(holder: &Value) -> Option<Value> {
    if let Some(example) = holder.get("example") {
        return Some(example.clone());
    }
    holder
        .get("examples")?
        .as_object()?
        .values()
        .next()?
        .get("value")
        .cloned()
}

/// Converts a JSON value (a spec example) into a generated type.
pub(crate) fn typed<T: DeserializeOwned>(value: Value) -> T {
    let text = value.to_string();
    serde_json::from_value(value).unwrap_or_else(|error| {
        panic!(
            "the example does not decode into {}: {error}\n{text}",
            std::any::type_name::<T>()
        )
    })
}

/// A builder for a client of `server`: any API's `Client` (`build()` returns it) or a bare
/// `Transport`. The same as `Client::builder().base_url(server.uri())`.
pub(crate) fn builder<C>(server: &MockServer) -> ClientBuilder<C> {
    builder_for(&server.uri())
}

/// A builder for a client of the server at `base_url` (see [`builder`]).
pub(crate) fn builder_for<C>(base_url: &str) -> ClientBuilder<C> {
    const UNUSED: Server = Server {
        url: "http://unused.invalid",
        variables: &[],
    };
    ClientBuilder::for_server(&UNUSED).base_url(base_url)
}

/// Every request `server` received.
pub(crate) async fn received(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .expect("request recording is on")
}

/// The single request `server` received.
pub(crate) async fn only_request(server: &MockServer) -> Request {
    let mut requests = received(server).await;
    assert_eq!(
        requests.len(),
        1,
        "expected exactly one request, got {}",
        requests.len()
    );
    requests.remove(0)
}

/// The value of header `name`; panics when it is sent more than once.
pub(crate) fn header(request: &Request, name: &str) -> Option<String> {
    let values: Vec<_> = request.headers.get_all(name).iter().collect();
    assert!(
        values.len() <= 1,
        "header {name} sent {} times",
        values.len()
    );
    values
        .first()
        .map(|value| value.to_str().expect("ASCII header").to_owned())
}

/// The body as JSON; panics with the body text when it is not JSON.
pub(crate) fn json_body(request: &Request) -> Value {
    serde_json::from_slice(&request.body).unwrap_or_else(|error| {
        panic!(
            "the request body is not JSON ({error}): {}",
            String::from_utf8_lossy(&request.body)
        )
    })
}

/// Checks method, path and (empty) query of a request against the spec's operation.
pub(crate) fn assert_route(request: &Request, operation: &Operation<'_>) {
    assert_eq!(request.method.as_str(), operation.method, "method");
    assert_eq!(request.url.path(), operation.path, "path");
    assert_eq!(
        request.url.query(),
        None,
        "no query parameter is documented"
    );
}

/// The media type of the request body, without parameters.
pub(crate) fn content_type(request: &Request) -> String {
    header(request, "content-type")
        .expect("a request with a body has a Content-Type")
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// Decodes an `application/x-www-form-urlencoded` body into its fields, in order.
pub(crate) fn form_fields(body: &[u8]) -> Vec<(String, String)> {
    let text = std::str::from_utf8(body).expect("a form body is ASCII");
    let url = conversation_apis::runtime::reqwest::Url::parse(&format!("http://form.test/?{text}"))
        .expect("form body parses as a query");
    url.query_pairs()
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect()
}

/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone)]
pub(crate) struct Part {
    pub name: String,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

impl Part {
    pub(crate) fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("a text part is UTF-8")
    }

    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|error| {
            panic!("part {} is not JSON ({error}): {}", self.name, self.text())
        })
    }
}

/// Splits a `multipart/form-data` request body into its parts (RFC 7578).
pub(crate) fn multipart_parts(request: &Request) -> Vec<Part> {
    let content_type = header(request, "content-type").expect("multipart Content-Type");
    let boundary = content_type
        .split(';')
        .map(str::trim)
        .find_map(|parameter| parameter.strip_prefix("boundary="))
        .unwrap_or_else(|| panic!("no boundary in {content_type}"))
        .trim_matches('"')
        .to_owned();
    let delimiter = format!("--{boundary}").into_bytes();
    let body = &request.body;
    let mut positions = Vec::new();
    let mut at = 0;
    while let Some(found) = find(&body[at..], &delimiter) {
        positions.push(at + found);
        at += found + delimiter.len();
    }
    assert!(positions.len() >= 2, "no multipart parts found");
    let closing = positions[positions.len() - 1];
    assert!(
        body[closing + delimiter.len()..].starts_with(b"--"),
        "the body does not end with the closing delimiter"
    );
    positions
        .windows(2)
        .map(|window| {
            let start = window[0] + delimiter.len();
            let raw = &body[start..window[1]];
            let raw = raw.strip_prefix(b"\r\n").expect("CRLF after the delimiter");
            let raw = raw
                .strip_suffix(b"\r\n")
                .expect("CRLF before the delimiter");
            let split = find(raw, b"\r\n\r\n").expect("part headers end with a blank line");
            let head = std::str::from_utf8(&raw[..split]).expect("ASCII part headers");
            let mut part = Part {
                name: String::new(),
                file_name: None,
                content_type: None,
                body: raw[split + 4..].to_vec(),
            };
            for line in head.split("\r\n") {
                let (name, value) = line.split_once(':').expect("part header");
                match name.trim().to_ascii_lowercase().as_str() {
                    "content-disposition" => {
                        for parameter in value.split(';').map(str::trim) {
                            if let Some(name) = parameter.strip_prefix("name=") {
                                part.name = name.trim_matches('"').to_owned();
                            } else if let Some(file) = parameter.strip_prefix("filename=") {
                                part.file_name = Some(file.trim_matches('"').to_owned());
                            }
                        }
                    }
                    "content-type" => part.content_type = Some(value.trim().to_owned()),
                    _ => {}
                }
            }
            part
        })
        .collect()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// Standard base64 with padding, for expected `Authorization: Basic` values.
pub(crate) fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in input.chunks(3) {
        let bytes = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(bytes[0]) << 16 | u32::from(bytes[1]) << 8 | u32::from(bytes[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Panics when `text` shows a secret of this module (plain, or as a basic-auth value).
pub(crate) fn assert_no_secret(what: &str, text: &str) {
    let basic = base64(format!("{USERNAME}:{PASSWORD}").as_bytes());
    for secret in [TOKEN, PASSWORD, basic.as_str()] {
        assert!(
            !text.contains(secret),
            "{what} shows a secret ({secret}):\n{text}"
        );
    }
}

/// The text of a raw body kept by an error.
pub(crate) fn raw_text(body: &RawBody) -> String {
    body.to_text_lossy()
}

/// A port on 127.0.0.1 that nothing listens on (bound, then released).
pub(crate) fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

/// Asserts that `error` is the documented error reply `expected`, with `status` and the
/// reply's `x-request-id` header kept.
#[allow(dead_code)]
pub(crate) fn assert_api_error<E: PartialEq + std::fmt::Debug>(
    error: &Error<E>,
    status: u16,
    request_id: &str,
    expected: &E,
) {
    match error {
        Error::Api {
            status: got,
            headers,
            body,
            ..
        } => {
            assert_eq!(got.as_u16(), status);
            assert_eq!(headers["x-request-id"], request_id);
            assert_eq!(body, expected);
        }
        other => panic!("{status}: expected Error::Api, got {other:?}"),
    }
}
