//! Salesforce Interaction Service `establishConversation` against a loopback HTTP server:
//! the three required headers, the JSON and multipart body variants, the documented 202 and
//! the `default` error body.

mod support;

use std::time::{Duration, Instant};

use conversation_apis::runtime::Error;
use conversation_apis::salesforce_interaction::{
    types, Client, EstablishConversationBody, EstablishConversationError,
    EstablishConversationResponse,
};
use serde_json::{json, Value};
use support::{assert_no_secret, assert_route, builder, header, json_body, typed, Spec, TOKEN};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const SPEC: &str = "salesforce-interaction.yaml";
const OPERATION: &str = "establishConversation";

/// The three required headers, with the spec's parameter examples.
struct Headers {
    org_id: String,
    authorization_context: String,
    request_id: uuid::Uuid,
}

fn headers() -> Headers {
    let spec = Spec::load(SPEC);
    let operation = spec.operation(OPERATION);
    Headers {
        org_id: operation.parameter_example_str("OrgId"),
        authorization_context: operation.parameter_example_str("AuthorizationContext"),
        request_id: operation
            .parameter_example_str("RequestId")
            .parse()
            .expect("RequestId example is a UUID"),
    }
}

fn example(media_type: &str) -> Value {
    Spec::load(SPEC)
        .operation(OPERATION)
        .request_example(media_type)
}

fn client(server: &MockServer) -> Client {
    builder(server).bearer_token(TOKEN).build().unwrap().into()
}

async fn establish(
    client: &Client,
    body: impl Into<EstablishConversationBody>,
) -> Result<
    conversation_apis::runtime::Response<EstablishConversationResponse>,
    Error<EstablishConversationError>,
> {
    let h = headers();
    client
        .establish_conversation(h.org_id, h.authorization_context, h.request_id, body)
        .await
}

fn json_request() -> types::EstablishConversationRequest {
    typed(example("application/json"))
}

async fn server_replying(reply: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(reply).mount(&server).await;
    server
}

async fn accepted_server() -> MockServer {
    let reply = Spec::load(SPEC)
        .operation(OPERATION)
        .response_example("202", "application/json");
    server_replying(ResponseTemplate::new(202).set_body_json(reply)).await
}

#[tokio::test]
async fn sends_required_headers_bearer_and_the_json_example() {
    let spec = Spec::load(SPEC);
    let operation = spec.operation(OPERATION);
    let server = accepted_server().await;

    establish(&client(&server), json_request()).await.unwrap();

    let request = support::only_request(&server).await;
    assert_route(&request, &operation);
    assert_eq!(
        header(&request, "authorization"),
        Some(format!("Bearer {TOKEN}"))
    );
    for (name, location, required) in operation.parameters() {
        assert_eq!(location, "header", "{name}");
        assert!(required, "{name}");
        assert_eq!(
            header(&request, &name),
            Some(operation.parameter_example_str(&name)),
            "header {name}"
        );
    }
    assert_eq!(
        header(&request, "OrgId").as_deref(),
        Some("00DRM000000AbCd")
    );
    assert_eq!(support::content_type(&request), "application/json");
    assert_eq!(
        json_body(&request),
        operation.request_example("application/json")
    );
}

#[tokio::test]
async fn multipart_body_has_one_part_per_property() {
    let server = accepted_server().await;
    let form_example = example("multipart/form-data");

    establish(
        &client(&server),
        EstablishConversationBody::Multipart(typed(form_example.clone())),
    )
    .await
    .unwrap();

    let request = support::only_request(&server).await;
    assert_eq!(support::content_type(&request), "multipart/form-data");
    assert_eq!(
        header(&request, "authorization"),
        Some(format!("Bearer {TOKEN}"))
    );
    assert_eq!(
        header(&request, "RequestId"),
        Some(headers().request_id.to_string())
    );
    let parts = support::multipart_parts(&request);
    let names: Vec<&str> = parts.iter().map(|part| part.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "channelAddressIdentifier",
            "participants",
            "routingAttributes"
        ]
    );
    for part in &parts {
        assert_eq!(part.file_name, None, "part {} is not a file", part.name);
    }

    let channel = &parts[0];
    assert!(
        matches!(channel.content_type.as_deref(), None | Some("text/plain")),
        "a plain string property is a text part: {:?}",
        channel.content_type
    );
    assert_eq!(channel.text(), form_example["channelAddressIdentifier"]);

    // `encoding` in the spec makes these two JSON parts.
    for part in &parts[1..] {
        assert_eq!(
            part.content_type.as_deref(),
            Some("application/json"),
            "part {}",
            part.name
        );
        assert_eq!(part.json(), form_example[&part.name], "part {}", part.name);
    }
}

#[tokio::test]
async fn multipart_leaves_out_absent_optional_parts() {
    let server = accepted_server().await;
    let mut body = json_request();
    body.routing_attributes = None;
    establish(&client(&server), EstablishConversationBody::Multipart(body))
        .await
        .unwrap();
    let parts = support::multipart_parts(&support::only_request(&server).await);
    let names: Vec<&str> = parts.iter().map(|part| part.name.as_str()).collect();
    assert_eq!(names, ["channelAddressIdentifier", "participants"]);
}

#[tokio::test]
async fn a_header_value_that_cannot_be_sent_fails_before_sending() {
    let server = accepted_server().await;
    let h = headers();
    let error = client(&server)
        .establish_conversation(
            "00DRM000000AbCd\r\nX-Injected: 1",
            h.authorization_context,
            h.request_id,
            json_request(),
        )
        .await
        .unwrap_err();
    match &error {
        Error::InvalidRequest(message) => assert!(message.contains("OrgId"), "{message}"),
        other => panic!("expected Error::InvalidRequest, got {other:?}"),
    }
    assert!(support::received(&server).await.is_empty());
}

#[tokio::test]
async fn decodes_the_documented_202() {
    let reply = Spec::load(SPEC)
        .operation(OPERATION)
        .response_example("202", "application/json");
    let server = server_replying(
        ResponseTemplate::new(202)
            .set_body_json(&reply)
            .insert_header("x-request-id", "s-1"),
    )
    .await;

    let response = establish(&client(&server), json_request()).await.unwrap();

    assert_eq!(response.status.as_u16(), 202);
    assert_eq!(response.headers["x-request-id"], "s-1");
    let expected: types::EstablishConversationResponse = typed(reply);
    assert_eq!(
        response.body,
        EstablishConversationResponse::Accepted(expected.clone())
    );
    assert_eq!(
        expected.conversation_identifier.as_deref(),
        Some("9c1a6f0e-3d2b-4e7a-8f45-0b6c7d8e9f10")
    );
    assert_eq!(expected.success, Some(true));
}

#[tokio::test]
async fn error_statuses_decode_the_default_error_body() {
    let reply = Spec::load(SPEC)
        .operation(OPERATION)
        .response_example("default", "application/json");
    let expected: types::ErrorResponse = typed(reply.clone());
    for status in [400, 401, 403, 404, 422, 500] {
        let server = server_replying(
            ResponseTemplate::new(status)
                .set_body_json(&reply)
                .insert_header("x-request-id", "s-2"),
        )
        .await;
        let error = establish(&client(&server), json_request())
            .await
            .unwrap_err();
        match &error {
            Error::Api {
                status: got,
                headers,
                body: EstablishConversationError::Default(body),
                ..
            } => {
                assert_eq!(got.as_u16(), status);
                assert_eq!(headers["x-request-id"], "s-2");
                assert_eq!(body, &expected);
                assert_eq!(body.code, 10053);
            }
            other => panic!("{status}: expected Error::Api(Default), got {other:?}"),
        }
    }
}

#[tokio::test]
async fn another_success_status_is_the_default_response() {
    // `default` covers every status but 202, successes included.
    let server = server_replying(
        ResponseTemplate::new(200).set_body_json(json!({"code": 10055, "message": "Retry."})),
    )
    .await;
    let response = establish(&client(&server), json_request()).await.unwrap();
    assert_eq!(response.status.as_u16(), 200);
    assert_eq!(
        response.body,
        EstablishConversationResponse::Default(types::ErrorResponse::new(10055, "Retry."))
    );
}

#[tokio::test]
async fn malformed_bodies_are_decode_errors_with_their_path() {
    let cases = [
        (
            202,
            json!({"conversationIdentifier": 7}),
            "conversationIdentifier",
        ),
        (400, json!({"code": "10053", "message": "x"}), "code"),
        (500, json!({"code": 10053}), "."),
    ];
    for (status, reply, expected_path) in cases {
        let server = server_replying(ResponseTemplate::new(status).set_body_json(&reply)).await;
        let error = establish(&client(&server), json_request())
            .await
            .unwrap_err();
        match &error {
            Error::Decode {
                status: got,
                path,
                body,
                ..
            } => {
                assert_eq!(got.as_u16(), status);
                assert_eq!(path, expected_path, "{status} {reply}");
                assert_eq!(body.to_text_lossy(), reply.to_string());
            }
            other => panic!("{status}: expected Error::Decode, got {other:?}"),
        }
    }

    // A gateway's HTML error page where the spec promises a JSON error body.
    let server = server_replying(
        ResponseTemplate::new(502).set_body_raw("<html>Bad Gateway</html>", "text/html"),
    )
    .await;
    let error = establish(&client(&server), json_request())
        .await
        .unwrap_err();
    match &error {
        Error::Decode {
            status,
            headers,
            body,
            path,
            ..
        } => {
            assert_eq!(status.as_u16(), 502);
            assert_eq!(headers["content-type"], "text/html");
            assert_eq!(path, ".");
            assert_eq!(body.to_text_lossy(), "<html>Bad Gateway</html>");
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn slow_reply_is_a_timeout() {
    let server = server_replying(
        ResponseTemplate::new(202)
            .set_body_json(json!({}))
            .set_delay(Duration::from_secs(3)),
    )
    .await;
    let client: Client = builder(&server)
        .bearer_token(TOKEN)
        .timeout(Duration::from_millis(150))
        .build()
        .unwrap()
        .into();
    let started = Instant::now();
    let error = establish(
        &client,
        EstablishConversationBody::Multipart(json_request()),
    )
    .await
    .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(
        matches!(
            error,
            Error::Timeout { operation: OPERATION, timeout: Some(t) } if t == Duration::from_millis(150)
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn secrets_stay_out_of_debug_and_errors() {
    let reply = json!({"code": 10016, "message": "Invalid header."});
    let server = server_replying(ResponseTemplate::new(400).set_body_json(reply)).await;
    let client = client(&server);
    assert_no_secret("Client Debug", &format!("{client:?}"));
    let h = headers();
    let request = client.establish_conversation(
        h.org_id,
        h.authorization_context,
        h.request_id,
        EstablishConversationBody::Multipart(json_request()),
    );
    assert_no_secret("request builder Debug", &format!("{request:?}"));
    let error = request.await.unwrap_err();
    assert!(matches!(error, Error::Api { .. }), "{error:?}");
    assert_no_secret("Api error", &format!("{error} {error:?}"));
}
