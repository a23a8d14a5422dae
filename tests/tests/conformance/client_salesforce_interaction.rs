//! Salesforce Interaction Service `establishConversation` against a loopback HTTP server:
//! the three required headers, the JSON and multipart body variants, the documented 202 and
//! the `default` error body.

use crate::support;

use conversation_apis::runtime::Error;
use conversation_apis::salesforce_interaction::{
    types, Client, EstablishConversationBody, EstablishConversationError,
    EstablishConversationParams, EstablishConversationReply,
};
use serde_json::{json, Value};
use support::{assert_route, builder, header, json_body, typed, Spec, TOKEN};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const SPEC: &str = "salesforce-interaction.yaml";
const OPERATION: &str = "establishConversation";

/// The three required headers, with the spec's parameter examples.
fn headers() -> EstablishConversationParams {
    let spec = Spec::load(SPEC);
    let operation = spec.operation(OPERATION);
    EstablishConversationParams {
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
    builder(server).bearer_token(TOKEN).build().unwrap()
}

async fn establish(
    client: &Client,
    body: impl Into<EstablishConversationBody>,
) -> Result<
    conversation_apis::runtime::Response<EstablishConversationReply>,
    Error<EstablishConversationError>,
> {
    client.establish_conversation(headers(), body).await
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
    let params = EstablishConversationParams {
        org_id: "00DRM000000AbCd\r\nX-Injected: 1".into(),
        ..headers()
    };
    let error = client(&server)
        .establish_conversation(params, json_request())
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
        EstablishConversationReply::Accepted(expected.clone())
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
async fn a_200_with_the_success_body_keeps_its_body() {
    // `default` (the error body) covers every status but 202; a 200 carrying the success
    // body does not match it, so it is an untyped status, not a failure to decode an error.
    let reply = Spec::load(SPEC)
        .operation(OPERATION)
        .response_example("202", "application/json");
    let server = server_replying(ResponseTemplate::new(200).set_body_json(&reply)).await;
    let error = establish(&client(&server), json_request())
        .await
        .unwrap_err();
    match &error {
        Error::Status { status, body, .. } => {
            assert_eq!(status.as_u16(), 200);
            let established: types::EstablishConversationResponse = body.json().unwrap();
            assert_eq!(established, typed(reply));
        }
        other => panic!("expected Error::Status, got {other:?}"),
    }
}

#[tokio::test]
async fn a_success_status_with_the_error_body_is_the_default_error() {
    let server = server_replying(
        ResponseTemplate::new(200).set_body_json(json!({"code": 10055, "message": "Retry."})),
    )
    .await;
    let error = establish(&client(&server), json_request())
        .await
        .unwrap_err();
    match &error {
        Error::Api {
            status,
            body: EstablishConversationError::Default(body),
            ..
        } => {
            assert_eq!(status.as_u16(), 200);
            assert_eq!(body, &types::ErrorResponse::new(10055, "Retry."));
        }
        other => panic!("expected Error::Api, got {other:?}"),
    }
    assert_eq!(
        error.to_string(),
        "the server replied 200 OK: 10055: Retry."
    );
}

#[tokio::test]
async fn a_malformed_202_is_a_decode_error_with_its_path() {
    let reply = json!({"conversationIdentifier": 7});
    let server = server_replying(ResponseTemplate::new(202).set_body_json(&reply)).await;
    let error = establish(&client(&server), json_request())
        .await
        .unwrap_err();
    match &error {
        Error::Decode {
            status, path, body, ..
        } => {
            assert_eq!(status.as_u16(), 202);
            assert_eq!(path, "conversationIdentifier");
            assert_eq!(body.to_text_lossy(), reply.to_string());
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn error_bodies_that_do_not_match_default_keep_their_body() {
    // `default` has a schema, but a reply covered only by `default` is decoded only when
    // it matches: otherwise it is `Error::Status`, never a decode failure.
    let cases = [
        (
            400,
            "application/json",
            json!({"code": "10053", "message": "x"}).to_string(),
        ),
        (500, "application/json", json!({"code": 10053}).to_string()),
        // A gateway's HTML error page where the spec promises a JSON error body.
        (502, "text/html", "<html>Bad Gateway</html>".to_string()),
    ];
    for (status, content_type, text) in cases {
        let server =
            server_replying(ResponseTemplate::new(status).set_body_raw(text.clone(), content_type))
                .await;
        let error = establish(&client(&server), json_request())
            .await
            .unwrap_err();
        match &error {
            Error::Status {
                status: got,
                headers,
                body,
            } => {
                assert_eq!(got.as_u16(), status);
                assert_eq!(headers["content-type"], content_type);
                assert_eq!(body.to_text_lossy(), text);
            }
            other => panic!("{status}: expected Error::Status, got {other:?}"),
        }
        assert!(error.to_string().ends_with(&text), "{error}");
    }
}

#[tokio::test]
async fn a_documented_error_says_what_the_server_said() {
    let reply = json!({"code": 10016, "message": "Invalid header."});
    let server = server_replying(ResponseTemplate::new(400).set_body_json(reply)).await;
    let client = client(&server);
    let request = client.establish_conversation(
        headers(),
        EstablishConversationBody::Multipart(json_request()),
    );
    let error = request.await.unwrap_err();
    assert!(matches!(error, Error::Api { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        "the server replied 400 Bad Request: 10016: Invalid header."
    );
}
