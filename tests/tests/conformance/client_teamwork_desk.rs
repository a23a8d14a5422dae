//! Teamwork Desk `createConversation` against a loopback HTTP server: bearer or basic auth,
//! the wrapped body on the wire, the documented 201 and 400 (`Validator`) replies, and
//! statuses the spec does not document.

use crate::support;

use conversation_apis::runtime::ClientBuilder;
use conversation_apis::runtime::{Credential, Error};
use conversation_apis::teamwork_desk::{
    types, Client, CreateConversationError, CreateConversationReply,
};
use serde_json::json;
use support::{
    assert_no_secret, assert_route, base64, builder, header, json_body, typed, Spec, PASSWORD,
    TOKEN, USERNAME,
};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const SPEC: &str = "teamwork-desk.yaml";
const OPERATION: &str = "createConversation";

fn body() -> types::ConversationApiBody {
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

async fn created_server() -> MockServer {
    let reply = Spec::load(SPEC)
        .operation(OPERATION)
        .response_example("201", "application/json");
    server_replying(ResponseTemplate::new(201).set_body_json(reply)).await
}

fn basic_value() -> String {
    format!(
        "Basic {}",
        base64(format!("{USERNAME}:{PASSWORD}").as_bytes())
    )
}

/// The `Authorization` header sent by a client configured by `configure`.
async fn authorization_sent(
    configure: impl FnOnce(ClientBuilder<Client>) -> ClientBuilder<Client>,
) -> Option<String> {
    let server = created_server().await;
    let client: Client = configure(builder(&server)).build().unwrap();
    client.create_conversation(body()).await.unwrap();
    header(&support::only_request(&server).await, "authorization")
}

#[tokio::test]
async fn sends_the_wrapped_spec_example_with_bearer_auth() {
    let spec = Spec::load(SPEC);
    let operation = spec.operation(OPERATION);
    let server = created_server().await;
    let client: Client = builder(&server).bearer_token(TOKEN).build().unwrap();

    client.create_conversation(body()).await.unwrap();

    let request = support::only_request(&server).await;
    assert_route(&request, &operation);
    assert_eq!(
        header(&request, "authorization"),
        Some(format!("Bearer {TOKEN}"))
    );
    assert_eq!(support::content_type(&request), "application/json");
    let sent = json_body(&request);
    assert_eq!(sent, operation.request_example("application/json"));
    assert_eq!(sent["conversation"]["ticket_id"], 10087);
}

#[tokio::test]
async fn basic_auth_is_the_alternative() {
    assert_eq!(
        authorization_sent(|b| b.basic_auth(USERNAME, PASSWORD)).await,
        Some(basic_value())
    );
    // Per scheme name, as the spec calls it.
    assert_eq!(
        authorization_sent(|b| b.credential("basicAuth", Credential::basic(USERNAME, PASSWORD)))
            .await,
        Some(basic_value())
    );
}

#[tokio::test]
async fn bearer_wins_when_both_are_configured() {
    // `security` lists bearerAuth first; one alternative is sent, never both.
    assert_eq!(
        authorization_sent(|b| b.basic_auth(USERNAME, PASSWORD).bearer_token(TOKEN)).await,
        Some(format!("Bearer {TOKEN}"))
    );
}

#[tokio::test]
async fn without_credentials_nothing_is_sent() {
    // The operation requires bearer or basic auth and allows no anonymous access.
    let server = created_server().await;
    let client: Client = builder(&server).build().unwrap();
    let error = client.create_conversation(body()).await.unwrap_err();
    match &error {
        Error::MissingCredentials { operation, .. } => assert_eq!(*operation, OPERATION),
        other => panic!("expected Error::MissingCredentials, got {other:?}"),
    }
    assert_eq!(
        error.to_string(),
        "`createConversation` requires credentials for bearerAuth or basicAuth, and the client has none that fit; nothing was sent"
    );
    assert!(support::received(&server).await.is_empty());
}

#[tokio::test]
async fn decodes_the_documented_201() {
    let reply = Spec::load(SPEC)
        .operation(OPERATION)
        .response_example("201", "application/json");
    let server = server_replying(
        ResponseTemplate::new(201)
            .set_body_json(&reply)
            .insert_header("x-request-id", "t-1"),
    )
    .await;
    let client: Client = builder(&server).bearer_token(TOKEN).build().unwrap();

    let response = client.create_conversation(body()).await.unwrap();

    assert_eq!(response.status.as_u16(), 201);
    assert_eq!(response.headers["x-request-id"], "t-1");
    let expected: types::ConversationApiBody = typed(reply);
    let CreateConversationReply::Created(created) = &response.body else {
        panic!("expected Created, got {:?}", response.body)
    };
    assert_eq!(
        response.raw_body().json::<serde_json::Value>().unwrap(),
        Spec::load(SPEC)
            .operation(OPERATION)
            .response_example("201", "application/json"),
        "the raw body stays reachable"
    );
    assert_eq!(created, &expected);
    let conversation = &created.conversation;
    assert_eq!(conversation.token.as_deref(), Some("string"));
    assert_eq!(
        conversation
            .created_at
            .map(|at| at.timestamp_subsec_millis()),
        Some(198)
    );
    let contact = conversation.contact.as_ref().unwrap();
    let created_by = contact.created_by.as_ref().unwrap();
    assert_eq!(
        created_by.meta.as_ref().unwrap()["additionalProp"],
        json!("Unknown Type: any")
    );
    assert_eq!(conversation.messages.as_deref(), Some(&[][..]));
}

#[tokio::test]
async fn decodes_the_documented_400_validator() {
    let reply = Spec::load(SPEC)
        .operation(OPERATION)
        .response_example("400", "application/json");
    let server = server_replying(
        ResponseTemplate::new(400)
            .set_body_json(&reply)
            .insert_header("x-request-id", "t-2"),
    )
    .await;
    let client: Client = builder(&server).bearer_token(TOKEN).build().unwrap();

    let error = client.create_conversation(body()).await.unwrap_err();

    match &error {
        Error::Api {
            status,
            headers,
            body: CreateConversationError::BadRequest(validator),
            ..
        } => {
            assert_eq!(status.as_u16(), 400);
            assert_eq!(headers["x-request-id"], "t-2");
            assert_eq!(validator, &typed::<types::Validator>(reply));
            let errors = validator.errors.as_ref().unwrap();
            assert_eq!(errors["ticket_id"], ["is required"]);
        }
        other => panic!("expected Error::Api(BadRequest), got {other:?}"),
    }
    assert_eq!(
        error.to_string(),
        r#"the server replied 400 Bad Request: {"errors":{"ticket_id":["is required"]}}"#,
        "the server's message survives `?` into `Box<dyn Error>`"
    );
}

#[tokio::test]
async fn malformed_validator_is_a_decode_error_with_its_path() {
    let server = server_replying(
        ResponseTemplate::new(400).set_body_json(json!({"errors": {"ticket_id": "is required"}})),
    )
    .await;
    let client: Client = builder(&server).bearer_token(TOKEN).build().unwrap();
    let error = client.create_conversation(body()).await.unwrap_err();
    match &error {
        Error::Decode { status, path, .. } => {
            assert_eq!(status.as_u16(), 400);
            assert_eq!(path, "errors.ticket_id");
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn malformed_201_is_a_decode_error_with_its_path() {
    let server = server_replying(ResponseTemplate::new(201).set_body_json(json!({
        "conversation": {"id": 1, "contact": {"createdBy": {"type": "user"}}}
    })))
    .await;
    let client: Client = builder(&server).bearer_token(TOKEN).build().unwrap();
    let error = client.create_conversation(body()).await.unwrap_err();
    assert!(
        matches!(&error, Error::Decode { path, .. } if path == "conversation.contact.createdBy.type"),
        "{error:?}"
    );

    // `conversation` is required.
    let server = server_replying(ResponseTemplate::new(201).set_body_json(json!({}))).await;
    let client: Client = builder(&server).bearer_token(TOKEN).build().unwrap();
    let error = client.create_conversation(body()).await.unwrap_err();
    match &error {
        Error::Decode { path, message, .. } => {
            assert_eq!(path, ".");
            assert!(message.contains("conversation"), "{message}");
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn undocumented_statuses_keep_status_headers_and_body() {
    for status in [200, 404, 409, 500] {
        let server = server_replying(
            ResponseTemplate::new(status)
                .set_body_raw(format!("no such desk ({status})"), "text/plain")
                .insert_header("x-request-id", "t-3"),
        )
        .await;
        let client: Client = builder(&server).bearer_token(TOKEN).build().unwrap();
        let error = client.create_conversation(body()).await.unwrap_err();
        match &error {
            Error::Status {
                status: got,
                headers,
                body,
            } => {
                assert_eq!(got.as_u16(), status);
                assert_eq!(headers["x-request-id"], "t-3");
                assert_eq!(headers["content-type"], "text/plain");
                assert_eq!(body.to_text_lossy(), format!("no such desk ({status})"));
            }
            other => panic!("{status}: expected Error::Status, got {other:?}"),
        }
        let shown = error.to_string();
        assert!(shown.contains(&status.to_string()), "{shown}");
        assert!(shown.contains("no such desk"), "{shown}");
    }
}

#[tokio::test]
async fn both_credentials_stay_out_of_debug_and_errors() {
    let server =
        server_replying(ResponseTemplate::new(418).set_body_raw("teapot", "text/plain")).await;
    let builder = builder(&server)
        .basic_auth(USERNAME, PASSWORD)
        .credential("bearerAuth", Credential::bearer(TOKEN));
    assert_no_secret("ClientBuilder Debug", &format!("{builder:?}"));
    let client: Client = builder.build().unwrap();
    assert_no_secret("Client Debug", &format!("{client:#?}"));
    let request = client.create_conversation(body());
    assert_no_secret("request builder Debug", &format!("{request:?}"));
    let error = request.await.unwrap_err();
    assert!(matches!(error, Error::Status { .. }), "{error:?}");
    assert_no_secret("status error", &format!("{error} {error:?}"));
}
