//! iRiS `createConversation` against a loopback HTTP server: the three request body
//! variants on the wire (JSON, `text/json`, form), and how every kind of reply is decoded.

use crate::support;

use std::collections::BTreeSet;

use conversation_apis::iris::{types, Client, CreateConversationBody, CreateConversationReply};
use conversation_apis::runtime::Error;
use serde_json::{json, Value};
use support::{assert_route, builder, header, json_body, typed, Spec, TOKEN};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const SPEC: &str = "iris.yaml";
const OPERATION: &str = "createConversation";

/// iRiS declares no security scheme (the session token travels in the body): a client
/// configured with a token must still send none.
fn client(server: &MockServer) -> Client {
    builder(server).bearer_token(TOKEN).build().unwrap()
}

fn example(media_type: &str) -> Value {
    Spec::load(SPEC)
        .operation(OPERATION)
        .request_example(media_type)
}

fn json_request() -> types::CreateConversationRequest {
    typed(example("application/json"))
}

async fn server_replying(reply: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(reply).mount(&server).await;
    server
}

async fn ok_server() -> MockServer {
    server_replying(ResponseTemplate::new(200).set_body_json(json!({"status": "Success"}))).await
}

#[tokio::test]
async fn json_body_is_the_spec_example_without_auth() {
    let spec = Spec::load(SPEC);
    let operation = spec.operation(OPERATION);
    let server = ok_server().await;

    // `From<CreateConversationRequest>` picks the first media type, application/json.
    client(&server)
        .create_conversation(json_request())
        .await
        .unwrap();

    let request = support::only_request(&server).await;
    assert_route(&request, &operation);
    assert_eq!(
        header(&request, "authorization"),
        None,
        "iRiS has no security scheme"
    );
    assert_eq!(support::content_type(&request), "application/json");
    assert_eq!(
        json_body(&request),
        operation.request_example("application/json")
    );
}

#[tokio::test]
async fn text_json_body_is_the_spec_example() {
    let server = ok_server().await;
    client(&server)
        .create_conversation(CreateConversationBody::TextJson(typed(example(
            "text/json",
        ))))
        .await
        .unwrap();
    let request = support::only_request(&server).await;
    assert_eq!(support::content_type(&request), "text/json");
    assert_eq!(json_body(&request), example("text/json"));
}

#[tokio::test]
async fn form_body_has_one_field_per_property_of_the_example() {
    let server = ok_server().await;
    let form_example = example("application/x-www-form-urlencoded");
    client(&server)
        .create_conversation(CreateConversationBody::Form(typed(form_example.clone())))
        .await
        .unwrap();

    let request = support::only_request(&server).await;
    assert_eq!(
        support::content_type(&request),
        "application/x-www-form-urlencoded"
    );
    let sent: BTreeSet<(String, String)> =
        support::form_fields(&request.body).into_iter().collect();
    let expected: BTreeSet<(String, String)> = form_example
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, value)| (name.clone(), value.as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(
        sent,
        expected,
        "body: {}",
        String::from_utf8_lossy(&request.body)
    );
    // The example leaves `orderCode` out: an absent field is not sent at all.
    assert!(!String::from_utf8_lossy(&request.body).contains("orderCode"));
}

#[tokio::test]
async fn form_values_are_percent_encoded() {
    let server = ok_server().await;
    let tricky = "a&b=c+d 50% é/?#";
    let body = types::CreateConversationRequest::new("t+/==").message(tricky);
    client(&server)
        .create_conversation(CreateConversationBody::Form(body))
        .await
        .unwrap();
    let request = support::only_request(&server).await;
    let text = String::from_utf8(request.body.clone()).unwrap();
    assert!(text.is_ascii() && !text.contains(' '), "{text}");
    let fields = support::form_fields(&request.body);
    let mut fields: Vec<_> = fields
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    fields.sort();
    assert_eq!(fields, [("message", tricky), ("sessionToken", "t+/==")]);
}

#[tokio::test]
async fn decodes_the_documented_200_in_both_media_types() {
    let operation = Spec::load(SPEC);
    let operation = operation.operation(OPERATION);
    for media_type in ["application/json", "text/json"] {
        let reply = operation.response_example("200", media_type);
        let server = server_replying(
            ResponseTemplate::new(200)
                .set_body_raw(reply.to_string(), media_type)
                .insert_header("x-request-id", "i-1"),
        )
        .await;

        let response = client(&server)
            .create_conversation(json_request())
            .await
            .unwrap();

        assert_eq!(response.status.as_u16(), 200);
        assert_eq!(response.headers["x-request-id"], "i-1");
        let expected: types::ResponseContainerModel = typed(reply);
        let CreateConversationReply::Ok(model) = &response.body else {
            panic!(
                "{media_type}: expected the 200 body, got {:?}",
                response.body
            );
        };
        assert_eq!(model, &expected);
        assert_eq!(model.status, Some(types::CompositeStatus::Success));
        let item = &model.responses.as_ref().unwrap()[0];
        let created = item.create_conversation_response.as_ref().unwrap();
        assert_eq!(created.succeeded, Some(true));
        let conversation = created
            .content
            .as_ref()
            .unwrap()
            .conversation
            .as_ref()
            .unwrap();
        let messages = conversation.messages.clone().flatten().unwrap();
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[0].conversation_id, Some(11));
        let created_at = messages[0].create_date.unwrap();
        assert_eq!(created_at.timestamp_subsec_nanos(), 92_395_900);
    }
}

#[tokio::test]
async fn other_response_messages_are_kept() {
    let server = server_replying(ResponseTemplate::new(200).set_body_json(json!({
        "sessionToken": "new-token",
        "responses": [{"sessionExpiredResponse": {"succeeded": false}}],
        "status": "Failure"
    })))
    .await;
    let response = client(&server)
        .create_conversation(json_request())
        .await
        .unwrap();
    let CreateConversationReply::Ok(model) = response.into_body() else {
        panic!("expected the 200 body");
    };
    assert_eq!(model.session_token.as_deref(), Some("new-token"));
    assert_eq!(
        model.status,
        Some(types::CompositeStatus::Other("Failure".into()))
    );
    let item = &model.responses.unwrap()[0];
    assert_eq!(item.create_conversation_response, None);
    assert_eq!(
        item.additional_properties.get("sessionExpiredResponse"),
        Some(&json!({"succeeded": false}))
    );
}

#[tokio::test]
async fn other_statuses_keep_status_headers_and_body() {
    // iRiS documents 200 and a `default` without a schema: any other status, a success
    // included, is `Error::Status` with its body.
    for (status, body) in [
        (202, json!({"sessionToken": "t"})),
        (400, json!({"Message": "The session token is invalid."})),
        (401, json!({"Message": "The session token is invalid."})),
        (500, json!({"Message": "The session token is invalid."})),
        (503, json!({"Message": "The session token is invalid."})),
    ] {
        let server = server_replying(
            ResponseTemplate::new(status)
                .set_body_json(&body)
                .insert_header("x-request-id", "i-2"),
        )
        .await;
        let error = client(&server)
            .create_conversation(json_request())
            .await
            .unwrap_err();
        match &error {
            Error::Status {
                status: got,
                headers,
                body: raw,
            } => {
                assert_eq!(got.as_u16(), status);
                assert_eq!(headers["x-request-id"], "i-2");
                assert_eq!(raw.json::<Value>().unwrap(), body);
            }
            other => panic!("{status}: expected Error::Status, got {other:?}"),
        }
        let shown = error.to_string();
        assert!(shown.contains(&status.to_string()), "{shown}");
        if status >= 400 {
            assert!(shown.contains("The session token is invalid."), "{shown}");
        }
    }
}

#[tokio::test]
async fn wrongly_typed_json_is_a_decode_error_with_its_path() {
    let server = server_replying(ResponseTemplate::new(200).set_body_json(json!({
        "sessionToken": "t",
        "responses": [{"createConversationResponse": {"succeeded": "yes"}}]
    })))
    .await;
    let error = client(&server)
        .create_conversation(json_request())
        .await
        .unwrap_err();
    match &error {
        Error::Decode {
            status, path, body, ..
        } => {
            assert_eq!(status.as_u16(), 200);
            assert!(body.to_text_lossy().contains("\"yes\""));
            // Through `ResponseItem`, whose additional properties are flattened.
            assert_eq!(path, "responses[0].createConversationResponse.succeeded");
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }

    let server =
        server_replying(ResponseTemplate::new(200).set_body_json(json!({"sessionToken": 5}))).await;
    let error = client(&server)
        .create_conversation(json_request())
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Decode { path, .. } if path == "sessionToken"),
        "{error:?}"
    );
}
