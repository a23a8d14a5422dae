//! Replies and failures: decoding, unexpected statuses, timeouts, transport errors.

use crate::common;

use std::time::{Duration, Instant};

use codegen_runtime::reqwest::{Method, StatusCode};
use codegen_runtime::{ClientBuilder, Error, RawBody, RawResponse};
use common::{builder, refused_address, transport};
use serde::Deserialize;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn server_with(reply: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(reply).mount(&server).await;
    server
}

async fn get(server: &MockServer) -> RawResponse {
    transport(server)
        .request(Method::GET, &["conversations", "1"])
        .operation("getConversation")
        .send::<()>()
        .await
        .expect("a reply")
}

#[derive(Debug, Deserialize, PartialEq)]
struct Envelope {
    conversation: Conversation,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Conversation {
    id: u64,
    subject: String,
}

#[derive(Debug, Deserialize, PartialEq)]
struct ApiProblem {
    code: String,
}

#[tokio::test]
async fn json_success() {
    let server = server_with(
        ResponseTemplate::new(200)
            .insert_header("x-request-id", "r-1")
            .set_body_string(r#"{"conversation": {"id": 7, "subject": "Hi"}}"#),
    )
    .await;
    let reply = get(&server).await;
    let body: Envelope = reply.json::<_, ()>().unwrap();
    let response = reply.into_response(body);
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.headers["x-request-id"], "r-1");
    assert_eq!(response.conversation.id, 7, "Response derefs to the body");
    assert_eq!(
        response.raw_body().as_bytes(),
        br#"{"conversation": {"id": 7, "subject": "Hi"}}"#,
        "the raw body stays reachable on success"
    );
    assert_eq!(response.into_body().conversation.subject, "Hi");
}

#[tokio::test]
async fn wrong_shape_json_is_a_decode_error_with_path() {
    let server = server_with(
        ResponseTemplate::new(200)
            .insert_header("x-request-id", "r-2")
            .set_body_string(r#"{"conversation": {"id": "seven", "subject": "Hi"}}"#),
    )
    .await;
    let error = get(&server).await.json::<Envelope, ()>().unwrap_err();
    let message = error.to_string();
    match error {
        Error::Decode {
            status,
            headers,
            body,
            path,
            message: detail,
        } => {
            assert_eq!(status, StatusCode::OK);
            assert_eq!(headers["x-request-id"], "r-2");
            assert_eq!(path, "conversation.id");
            assert!(detail.contains("invalid type"), "{detail}");
            assert!(body.to_text_lossy().contains("seven"));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(message.contains("conversation.id"), "{message}");
}

#[tokio::test]
async fn malformed_or_empty_json_is_a_decode_error() {
    for text in [r#"{"conversation": {"id": 7,"#, "", "<html>oops</html>"] {
        let server = server_with(ResponseTemplate::new(200).set_body_string(text)).await;
        let error = get(&server).await.json::<Envelope, ()>().unwrap_err();
        assert!(matches!(error, Error::Decode { .. }), "{text:?}: {error:?}");
        assert_eq!(
            error.raw_body().map(RawBody::to_text_lossy).as_deref(),
            Some(text)
        );
    }
    let server = server_with(
        ResponseTemplate::new(200)
            .set_body_string(r#"{"conversation": {"id": 7, "subject": oops}}"#),
    )
    .await;
    match get(&server).await.json::<Envelope, ()>().unwrap_err() {
        Error::Decode { path, .. } => assert_eq!(path, "conversation.subject"),
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn text_replies() {
    let server = server_with(ResponseTemplate::new(200).set_body_bytes(b"ok \xff".to_vec())).await;
    let reply = get(&server).await;
    assert!(matches!(reply.text::<()>(), Err(Error::Decode { .. })));
    assert_eq!(reply.bytes(), b"ok \xff");
}

#[tokio::test]
async fn error_statuses_are_replies_not_errors() {
    let server = server_with(
        ResponseTemplate::new(404)
            .insert_header("x-request-id", "r-3")
            .set_body_string(r#"{"code": "not_found"}"#),
    )
    .await;
    let reply = get(&server).await;
    assert_eq!(reply.status(), StatusCode::NOT_FOUND);
    let problem: ApiProblem = reply.json::<_, ApiProblem>().unwrap();
    let error = reply.into_api_error(problem);
    assert_eq!(error.status(), Some(StatusCode::NOT_FOUND));
    assert_eq!(error.headers().unwrap()["x-request-id"], "r-3");
    assert_eq!(
        error.api_body(),
        Some(&ApiProblem {
            code: "not_found".into()
        })
    );
    assert_eq!(
        error.raw_body().map(RawBody::as_bytes),
        Some(&br#"{"code": "not_found"}"#[..])
    );
    assert_eq!(
        error.to_string(),
        r#"the server replied 404 Not Found: {"code":"not_found"}"#
    );
}

#[tokio::test]
async fn undocumented_status_keeps_status_headers_and_body() {
    let server = server_with(
        ResponseTemplate::new(418)
            .insert_header("x-request-id", "r-4")
            .set_body_string("I'm a teapot"),
    )
    .await;
    let error = get(&server).await.into_status_error::<ApiProblem>();
    assert!(matches!(error, Error::Status { .. }), "{error:?}");
    assert_eq!(error.status(), Some(StatusCode::IM_A_TEAPOT));
    assert_eq!(error.headers().unwrap()["x-request-id"], "r-4");
    let body = error.raw_body().unwrap();
    assert_eq!(body.as_bytes(), b"I'm a teapot");
    assert_eq!(
        error.to_string(),
        "the server replied 418 I'm a teapot: I'm a teapot"
    );
}

#[tokio::test]
async fn errors_keep_the_whole_body_and_show_an_excerpt() {
    let big = format!("<html>\n{}</html>", "x".repeat(200_000));
    let server = server_with(ResponseTemplate::new(500).set_body_string(big.clone())).await;
    let error = get(&server).await.into_status_error::<()>();
    let body = error.raw_body().unwrap();
    assert_eq!(body.as_bytes(), big.as_bytes(), "nothing is dropped");
    let message = error.to_string();
    assert!(
        message.chars().count() < 300,
        "the message is cut: {message}"
    );
    assert!(
        message.starts_with("the server replied 500 Internal Server Error: <html>\\nxxx"),
        "{message}"
    );
    assert!(message.ends_with('…'), "{message}");
}

#[tokio::test]
async fn slow_server_times_out() {
    let server = server_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(3))).await;
    let transport = builder(&server)
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = transport
        .request(Method::GET, &["slow"])
        .operation("slowOp")
        .send::<()>()
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    match error {
        Error::Timeout { operation, timeout } => {
            assert_eq!(operation, "slowOp");
            assert_eq!(timeout, Some(Duration::from_millis(100)));
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn timeout_applies_to_a_caller_supplied_client() {
    let server = server_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(3))).await;
    let transport = builder(&server)
        .http_client(codegen_runtime::reqwest::Client::new())
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = transport
        .request(Method::GET, &[])
        .send::<()>()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn timeout_of_the_callers_client_is_a_timeout_too() {
    let server = server_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(3))).await;
    let client = codegen_runtime::reqwest::Client::builder()
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let transport = builder(&server).http_client(client).build().unwrap();
    let error = transport
        .request(Method::GET, &[])
        .send::<()>()
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Timeout { timeout: None, .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    let transport = ClientBuilder::new(refused_address()).build().unwrap();
    let error = transport
        .request(Method::GET, &["x"])
        .send::<()>()
        .await
        .unwrap_err();
    match &error {
        Error::Transport(inner) => assert!(inner.is_connect(), "{inner:?}"),
        other => panic!("unexpected {other:?}"),
    }
    assert!(error.status().is_none() && error.raw_body().is_none());
    assert!(std::error::Error::source(&error).is_some());
}
