//! LiveSwitch `createConversation` against a loopback HTTP server: what goes on the wire,
//! and how every kind of reply is decoded.

use crate::support;

use conversation_apis::liveswitch::{types, Client, CreateConversationReply};
use conversation_apis::runtime::Error;
use serde_json::json;
use support::{assert_route, builder, header, json_body, typed, Spec, TOKEN};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const SPEC: &str = "liveswitch.yaml";
const OPERATION: &str = "createConversation";

fn client(server: &MockServer) -> Client {
    builder(server).bearer_token(TOKEN).build().unwrap()
}

fn request_example() -> serde_json::Value {
    Spec::load(SPEC)
        .operation(OPERATION)
        .request_example("application/json")
}

fn body() -> types::ConversationCreateRequestDto {
    typed(request_example())
}

async fn server_replying(reply: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(reply).mount(&server).await;
    server
}

#[tokio::test]
async fn sends_the_spec_example_with_bearer_auth() {
    let spec = Spec::load(SPEC);
    let operation = spec.operation(OPERATION);
    let reply = operation.response_example("200", "application/json");
    let server = server_replying(ResponseTemplate::new(200).set_body_json(&reply)).await;

    client(&server).create_conversation(body()).await.unwrap();

    let request = support::only_request(&server).await;
    assert_route(&request, &operation);
    assert_eq!(
        header(&request, "authorization"),
        Some(format!("Bearer {TOKEN}"))
    );
    assert_eq!(support::content_type(&request), "application/json");
    assert_eq!(
        json_body(&request),
        operation.request_example("application/json")
    );
}

#[tokio::test]
async fn absent_fields_are_left_out_and_explicit_nulls_are_sent() {
    let server = server_replying(ResponseTemplate::new(200).set_body_json(json!({}))).await;
    let body = types::ConversationCreateRequestDto::new(types::ConversationType::TakePhotos);
    client(&server)
        .create_conversation(body.clone())
        .await
        .unwrap();
    let body = body.phone_null().send_invite(false);
    client(&server).create_conversation(body).await.unwrap();

    let requests = support::received(&server).await;
    assert_eq!(json_body(&requests[0]), json!({"type": "TakePhotos"}));
    assert_eq!(
        json_body(&requests[1]),
        json!({"type": "TakePhotos", "phone": null, "sendInvite": false})
    );
}

#[tokio::test]
async fn decodes_the_documented_200() {
    let reply = Spec::load(SPEC)
        .operation(OPERATION)
        .response_example("200", "application/json");
    let server = server_replying(
        ResponseTemplate::new(200)
            .set_body_json(&reply)
            .insert_header("x-request-id", "r-1"),
    )
    .await;

    let response = client(&server).create_conversation(body()).await.unwrap();

    assert_eq!(response.status.as_u16(), 200);
    assert_eq!(response.headers["x-request-id"], "r-1");
    let expected: types::ConversationCreateResponse = typed(reply);
    assert_eq!(response.body, CreateConversationReply::Ok(expected.clone()));
    assert_eq!(
        expected.id.as_deref(),
        Some("3fa85f64-5717-4562-b3fc-2c963f66afa6")
    );
}

#[tokio::test]
async fn another_success_status_keeps_its_body() {
    // The spec documents 200 (and says 201 is possible); a 201 is not typed, but its body
    // is reachable.
    let server = server_replying(
        ResponseTemplate::new(201).set_body_json(json!({"id": "x", "hostJoinUrl": "u"})),
    )
    .await;
    let error = client(&server)
        .create_conversation(body())
        .await
        .unwrap_err();
    match &error {
        Error::Status { status, body, .. } => {
            assert_eq!(status.as_u16(), 201);
            let created: types::ConversationCreateResponse = body.json().unwrap();
            assert_eq!(created.id.as_deref(), Some("x"));
        }
        other => panic!("expected Error::Status, got {other:?}"),
    }
}

#[tokio::test]
async fn error_statuses_keep_status_headers_and_body() {
    // The `default` response has no schema: every error is `Error::Status`.
    for status in [400, 401, 404, 418, 500] {
        let server = server_replying(
            ResponseTemplate::new(status)
                .set_body_json(json!({"message": "contactId is invalid"}))
                .insert_header("x-request-id", "r-2"),
        )
        .await;
        let error = client(&server)
            .create_conversation(body())
            .await
            .unwrap_err();
        match &error {
            Error::Status {
                status: got,
                headers,
                body,
            } => {
                assert_eq!(got.as_u16(), status);
                assert_eq!(headers["x-request-id"], "r-2");
                assert_eq!(
                    body.json::<serde_json::Value>().unwrap(),
                    json!({"message": "contactId is invalid"})
                );
            }
            other => panic!("{status}: expected Error::Status, got {other:?}"),
        }
        assert!(
            error.to_string().contains("contactId is invalid"),
            "{error}"
        );
    }
}

#[tokio::test]
async fn wrongly_typed_json_is_a_decode_error_with_its_path() {
    let server = server_replying(
        ResponseTemplate::new(200)
            .set_body_json(json!({"id": "c-1", "hostJoinUrl": 42}))
            .insert_header("x-request-id", "r-3"),
    )
    .await;
    let error = client(&server)
        .create_conversation(body())
        .await
        .unwrap_err();
    match &error {
        Error::Decode {
            status,
            headers,
            body,
            path,
            message,
        } => {
            assert_eq!(status.as_u16(), 200);
            assert_eq!(headers["x-request-id"], "r-3");
            assert_eq!(path, "hostJoinUrl");
            assert!(message.contains("invalid type"), "{message}");
            assert!(body.to_text_lossy().contains("\"hostJoinUrl\":42"));
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
    let shown = error.to_string();
    assert!(shown.contains("`hostJoinUrl`"), "{shown}");
}
