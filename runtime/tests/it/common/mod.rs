//! Helpers shared by the integration tests: a loopback mock server and request inspection.

#![allow(dead_code)] // each test binary uses a different subset

use codegen_runtime::{ClientBuilder, Transport};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A mock server on loopback that answers every request with `status`.
pub(crate) async fn server_replying(status: u16) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(status))
        .mount(&server)
        .await;
    server
}

/// A transport for `server` with no extra configuration.
pub(crate) fn transport(server: &MockServer) -> Transport {
    builder(server).build().expect("valid transport")
}

/// A builder for `server`.
pub(crate) fn builder(server: &MockServer) -> ClientBuilder {
    ClientBuilder::new(server.uri())
}

/// Every request the server received.
pub(crate) async fn received(server: &MockServer) -> Vec<wiremock::Request> {
    server
        .received_requests()
        .await
        .expect("request recording is on")
}

/// The one request the server received.
pub(crate) async fn only_request(server: &MockServer) -> wiremock::Request {
    let mut requests = received(server).await;
    assert_eq!(requests.len(), 1, "expected exactly one request");
    requests.remove(0)
}

/// A header of a received request as text, if present.
pub(crate) fn header(request: &wiremock::Request, name: &str) -> Option<String> {
    request
        .headers
        .get(name)
        .map(|value| value.to_str().expect("ASCII header").to_owned())
}

/// An address on loopback where nothing listens.
pub(crate) fn refused_address() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let port = listener.local_addr().expect("local address").port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

/// One part of a multipart body: its header lines and its content.
#[derive(Debug)]
pub(crate) struct Part {
    pub headers: Vec<String>,
    pub body: Vec<u8>,
}

/// Splits a received `multipart/form-data` body into its parts.
pub(crate) fn multipart_parts(request: &wiremock::Request) -> Vec<Part> {
    let content_type = header(request, "content-type").expect("content type");
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .expect("multipart content type");
    let delimiter = format!("--{boundary}").into_bytes();
    split(&request.body, &delimiter)
        .into_iter()
        .skip(1) // preamble
        .filter(|chunk| !chunk.starts_with(b"--")) // closing delimiter
        .map(|chunk| {
            let chunk = chunk.strip_prefix(b"\r\n").expect("CRLF after delimiter");
            let chunk = chunk.strip_suffix(b"\r\n").expect("CRLF before delimiter");
            let blank = find(chunk, b"\r\n\r\n").expect("blank line after part headers");
            let headers = String::from_utf8(chunk[..blank].to_vec()).expect("UTF-8 headers");
            Part {
                headers: headers.split("\r\n").map(str::to_owned).collect(),
                body: chunk[blank + 4..].to_vec(),
            }
        })
        .collect()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

fn split<'a>(mut haystack: &'a [u8], delimiter: &[u8]) -> Vec<&'a [u8]> {
    let mut pieces = Vec::new();
    while let Some(at) = find(haystack, delimiter) {
        pieces.push(&haystack[..at]);
        haystack = &haystack[at + delimiter.len()..];
    }
    pieces.push(haystack);
    pieces
}
