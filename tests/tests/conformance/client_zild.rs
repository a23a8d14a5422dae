//! Zild `createProactiveConversation` against a loopback HTTP server: what goes on the
//! wire, and how every kind of reply is decoded.

use crate::support;

use conversation_apis::runtime::Error;
use conversation_apis::zild::{types, Client, CreateProactiveConversationReply};
use serde_json::json;
use support::{assert_route, builder, header, json_body, typed, Spec, TOKEN};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const SPEC: &str = "zild.yaml";
const OPERATION: &str = "createProactiveConversation";

fn client(server: &MockServer) -> Client {
    builder(server).bearer_token(TOKEN).build().unwrap()
}

fn body() -> types::ProactiveConversationRequest {
    typed(
        Spec::load(SPEC)
            .operation(OPERATION)
            .request_example("application/json"),
    )
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
    let server = server_replying(ResponseTemplate::new(200).set_body_json(json!([]))).await;

    client(&server)
        .create_proactive_conversation(body())
        .await
        .unwrap();

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
async fn an_empty_body_is_an_empty_object() {
    // The spec requires no field: the default body must still be a JSON object.
    let server = server_replying(ResponseTemplate::new(200).set_body_json(json!([]))).await;
    client(&server)
        .create_proactive_conversation(types::ProactiveConversationRequest::default())
        .await
        .unwrap();
    assert_eq!(json_body(&support::only_request(&server).await), json!({}));
}

#[tokio::test]
async fn decodes_the_documented_200() {
    let reply = Spec::load(SPEC)
        .operation(OPERATION)
        .response_example("200", "application/json");
    let server = server_replying(
        ResponseTemplate::new(200)
            .set_body_json(&reply)
            .insert_header("x-request-id", "z-1"),
    )
    .await;

    let response = client(&server)
        .create_proactive_conversation(body())
        .await
        .unwrap();

    assert_eq!(response.status.as_u16(), 200);
    assert_eq!(response.headers["x-request-id"], "z-1");
    let expected: Vec<types::Conversation> = typed(reply);
    let CreateProactiveConversationReply::Ok(conversations) = &response.body else {
        panic!("expected the 200 body, got {:?}", response.body);
    };
    assert_eq!(conversations, &expected);
    assert_eq!(conversations.len(), 1);
    let first = &conversations[0];
    assert_eq!(first.id, Some(123));
    assert_eq!(
        first.created_at.map(|at| at.to_rfc3339()),
        Some("2023-11-07T05:31:56+00:00".to_owned())
    );
    let messages = first.messages.clone().flatten().unwrap_or_default();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].is_nps, Some(true));
    assert_eq!(
        first.conversation_integration_type,
        Some(types::ConversationIntegrationType::Value0)
    );
}

#[tokio::test]
async fn unlisted_enum_values_and_nulls_decode() {
    let server = server_replying(ResponseTemplate::new(200).set_body_json(json!([{
        "id": 1,
        "conversationIntegrationType": 42,
        "from": null,
        "finishedAt": null,
        "messages": null
    }])))
    .await;
    let response = client(&server)
        .create_proactive_conversation(body())
        .await
        .unwrap();
    let CreateProactiveConversationReply::Ok(conversations) = response.into_body() else {
        panic!("expected the 200 body");
    };
    let first = &conversations[0];
    assert_eq!(
        first.conversation_integration_type,
        Some(types::ConversationIntegrationType::Other(42))
    );
    assert_eq!(first.from, Some(None));
    assert_eq!(first.finished_at, Some(None));
    assert_eq!(first.messages, Some(None));
}

#[tokio::test]
async fn a_201_with_the_conversations_keeps_its_body() {
    // Zild documents 200 only: a 201 with the conversation list is not typed, but its body
    // is reachable and decodes into the documented type.
    let reply = Spec::load(SPEC)
        .operation(OPERATION)
        .response_example("200", "application/json");
    let server = server_replying(ResponseTemplate::new(201).set_body_json(&reply)).await;
    let error = client(&server)
        .create_proactive_conversation(body())
        .await
        .unwrap_err();
    match &error {
        Error::Status { status, body, .. } => {
            assert_eq!(status.as_u16(), 201);
            let conversations: Vec<types::Conversation> = body.json().unwrap();
            assert_eq!(conversations, typed::<Vec<types::Conversation>>(reply));
        }
        other => panic!("expected Error::Status, got {other:?}"),
    }
}

#[tokio::test]
async fn other_statuses_keep_status_headers_and_body() {
    for status in [202, 400, 403, 409, 502] {
        let server = server_replying(
            ResponseTemplate::new(status)
                .set_body_raw("upstream failed", "text/plain")
                .insert_header("x-request-id", "z-2"),
        )
        .await;
        let error = client(&server)
            .create_proactive_conversation(body())
            .await
            .unwrap_err();
        match &error {
            Error::Status {
                status: got,
                headers,
                body,
            } => {
                assert_eq!(got.as_u16(), status);
                assert_eq!(headers["x-request-id"], "z-2");
                assert_eq!(body.as_bytes(), b"upstream failed");
            }
            other => panic!("{status}: expected Error::Status, got {other:?}"),
        }
        assert!(error.to_string().ends_with(": upstream failed"), "{error}");
    }
}

#[tokio::test]
async fn error_reply_body_is_kept() {
    let server = server_replying(
        ResponseTemplate::new(400).set_body_raw("recipient is not a WhatsApp number", "text/plain"),
    )
    .await;
    let error = client(&server)
        .create_proactive_conversation(body())
        .await
        .unwrap_err();
    assert_eq!(
        error.raw_body().map(|body| body.as_bytes()),
        Some(&b"recipient is not a WhatsApp number"[..]),
        "the reply body is kept"
    );
}

#[tokio::test]
async fn wrongly_typed_json_is_a_decode_error_with_its_path() {
    let server = server_replying(ResponseTemplate::new(200).set_body_json(json!([
        {"id": 1},
        {"id": 2, "messages": [{"id": 3, "createdAt": "yesterday"}]}
    ])))
    .await;
    let error = client(&server)
        .create_proactive_conversation(body())
        .await
        .unwrap_err();
    match &error {
        Error::Decode {
            status, path, body, ..
        } => {
            assert_eq!(status.as_u16(), 200);
            assert_eq!(path, "[1].messages[0].createdAt");
            assert!(body.to_text_lossy().contains("yesterday"));
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }

    // An object where the spec says array.
    let server = server_replying(ResponseTemplate::new(200).set_body_json(json!({"id": 1}))).await;
    let error = client(&server)
        .create_proactive_conversation(body())
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Decode { path, .. } if path == "."),
        "{error:?}"
    );
}
