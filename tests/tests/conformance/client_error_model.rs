//! One error model across the five APIs: every generated client, against loopback servers,
//! for the same cases (documented success, documented error, 503 with an HTML page,
//! truncated JSON, a reply slower than the timeout, a success status the spec does not
//! document, a refused connection). The same failure gives the same `runtime::Error`
//! variant whatever the API, the reply's bytes are reachable from whatever the caller
//! gets, `Display` carries what the server said (also through `?` into
//! `Box<dyn Error>`), and no credential shows in the `Debug` of a client builder, a
//! client, a request builder or an error. The `client_<api>.rs` files keep what is
//! specific to each API.

use crate::support;

use std::fmt::Debug;
use std::time::Duration;

use conversation_apis::runtime::{Error, Response};
use conversation_apis::{iris, liveswitch, salesforce_interaction, teamwork_desk, zild};
use serde_json::Value;
use support::{assert_no_secret, typed, Spec, TOKEN};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The timeout of every client here; the slow case replies later than this.
const TIMEOUT: Duration = Duration::from_millis(200);

/// What a caller of any API got, told apart by ONE `match` on `runtime::Error` that is
/// generic over the operation's error enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Ok,
    Api,
    Status,
    Decode,
    Timeout,
    Transport,
    NotSent,
}

/// A call's outcome, the same shape for every API.
#[derive(Debug)]
struct Outcome {
    kind: Kind,
    status: Option<u16>,
    /// The reply's bytes, as reachable from the `Ok` or `Err` the caller got.
    raw: Option<Vec<u8>>,
    /// `Display` of the error after `?` into `Box<dyn Error>`.
    message: String,
}

fn outcome<R: Debug, E: Debug + Send + Sync + 'static>(
    result: Result<Response<R>, Error<E>>,
) -> Outcome {
    let error = match result {
        Ok(response) => {
            return Outcome {
                kind: Kind::Ok,
                status: Some(response.status.as_u16()),
                raw: Some(response.raw_body().to_vec()),
                message: String::new(),
            }
        }
        Err(error) => error,
    };
    let kind = match &error {
        Error::Api { .. } => Kind::Api,
        Error::Status { .. } => Kind::Status,
        Error::Decode { .. } => Kind::Decode,
        Error::Timeout { .. } => Kind::Timeout,
        Error::Transport(_) => Kind::Transport,
        Error::InvalidRequest(_) | Error::MissingCredentials { .. } | Error::Auth(_) => {
            Kind::NotSent
        }
        other => panic!("a variant this test does not know: {other:?}"),
    };
    let status = error.status().map(|status| status.as_u16());
    let raw = error.raw_body().map(|body| body.to_vec());
    assert_no_secret("error Debug", &format!("{error:?}"));
    let boxed: Box<dyn std::error::Error + Send + Sync> = error.into();
    let message = boxed.to_string();
    assert_no_secret("error Display", &message);
    Outcome {
        kind,
        status,
        raw,
        message,
    }
}

/// One API: how to call its operation, its documented success, its documented error.
struct Api {
    name: &'static str,
    spec: &'static str,
    operation: &'static str,
    /// The documented success status.
    success: u16,
    /// The status and body of a documented error reply, and the server's message in it.
    error: (u16, Value, &'static str),
    /// Whether the spec gives that error a body schema (`Error::Api`); without one, an
    /// error status is `Error::Status`.
    typed_error: bool,
}

impl Api {
    fn success_body(&self) -> Value {
        Spec::load(self.spec)
            .operation(self.operation)
            .response_example(&self.success.to_string(), "application/json")
    }

    fn request_example(&self) -> Value {
        Spec::load(self.spec)
            .operation(self.operation)
            .request_example("application/json")
    }

    /// Calls the API's operation on `server` with the spec's request example.
    async fn call(&self, server: &MockServer) -> Outcome {
        self.call_at(server.uri()).await
    }

    /// Calls the API's operation at `url`. On the way, no credential may show in the
    /// `Debug` of the client builder, the client or the request builder.
    async fn call_at(&self, url: String) -> Outcome {
        match self.name {
            "iris" => {
                let builder = iris::Client::builder().base_url(url).timeout(TIMEOUT);
                assert_no_secret("ClientBuilder Debug", &format!("{builder:?}"));
                let client = builder.build().unwrap();
                assert_no_secret("Client Debug", &format!("{client:?} {client:#?}"));
                let body: iris::types::CreateConversationRequest = typed(self.request_example());
                let request = client.create_conversation(body);
                assert_no_secret("request builder Debug", &format!("{request:?}"));
                outcome(request.await)
            }
            "liveswitch" => {
                let builder = liveswitch::Client::builder()
                    .base_url(url)
                    .bearer_token(TOKEN)
                    .timeout(TIMEOUT);
                assert_no_secret("ClientBuilder Debug", &format!("{builder:?}"));
                let client = builder.build().unwrap();
                assert_no_secret("Client Debug", &format!("{client:?} {client:#?}"));
                let body: liveswitch::types::ConversationCreateRequestDto =
                    typed(self.request_example());
                let request = client.create_conversation(body);
                assert_no_secret("request builder Debug", &format!("{request:?}"));
                outcome(request.await)
            }
            "salesforce_interaction" => {
                let builder = salesforce_interaction::Client::builder()
                    .base_url(url)
                    .bearer_token(TOKEN)
                    .timeout(TIMEOUT);
                assert_no_secret("ClientBuilder Debug", &format!("{builder:?}"));
                let client = builder.build().unwrap();
                assert_no_secret("Client Debug", &format!("{client:?} {client:#?}"));
                let params = salesforce_interaction::EstablishConversationParams {
                    org_id: "00DRM000000AbCd".into(),
                    authorization_context: "Partner1_ChannelDefinition1".into(),
                    request_id: conversation_apis::uuid::Uuid::new_v4(),
                };
                let body: salesforce_interaction::types::EstablishConversationRequest =
                    typed(self.request_example());
                let request = client.establish_conversation(params, body);
                assert_no_secret("request builder Debug", &format!("{request:?}"));
                outcome(request.await)
            }
            "teamwork_desk" => {
                let builder = teamwork_desk::Client::builder()
                    .base_url(url)
                    .basic_auth("desk-user", "desk-password")
                    .timeout(TIMEOUT);
                assert_no_secret("ClientBuilder Debug", &format!("{builder:?}"));
                let client = builder.build().unwrap();
                assert_no_secret("Client Debug", &format!("{client:?} {client:#?}"));
                let body: teamwork_desk::types::ConversationApiBody = typed(self.request_example());
                let request = client.create_conversation(body);
                assert_no_secret("request builder Debug", &format!("{request:?}"));
                outcome(request.await)
            }
            "zild" => {
                let builder = zild::Client::builder()
                    .base_url(url)
                    .bearer_token(TOKEN)
                    .timeout(TIMEOUT);
                assert_no_secret("ClientBuilder Debug", &format!("{builder:?}"));
                let client = builder.build().unwrap();
                assert_no_secret("Client Debug", &format!("{client:?} {client:#?}"));
                let body: zild::types::ProactiveConversationRequest = typed(self.request_example());
                let request = client.create_proactive_conversation(body);
                assert_no_secret("request builder Debug", &format!("{request:?}"));
                outcome(request.await)
            }
            other => unreachable!("{other}"),
        }
    }
}

fn apis() -> Vec<Api> {
    let untyped_error = |api: &str| {
        (
            400,
            serde_json::json!({"message": format!("{api} refuses: the phone number is invalid")}),
            "the phone number is invalid",
        )
    };
    let salesforce_error = Spec::load("salesforce-interaction.yaml")
        .operation("establishConversation")
        .response_example("default", "application/json");
    let teamwork_error = Spec::load("teamwork-desk.yaml")
        .operation("createConversation")
        .response_example("400", "application/json");
    vec![
        Api {
            name: "iris",
            spec: "iris.yaml",
            operation: "createConversation",
            success: 200,
            error: untyped_error("iris"),
            typed_error: false,
        },
        Api {
            name: "liveswitch",
            spec: "liveswitch.yaml",
            operation: "createConversation",
            success: 200,
            error: untyped_error("liveswitch"),
            typed_error: false,
        },
        Api {
            name: "salesforce_interaction",
            spec: "salesforce-interaction.yaml",
            operation: "establishConversation",
            success: 202,
            error: (
                400,
                salesforce_error,
                "10053: The participants list is invalid or empty.",
            ),
            typed_error: true,
        },
        Api {
            name: "teamwork_desk",
            spec: "teamwork-desk.yaml",
            operation: "createConversation",
            success: 201,
            error: (400, teamwork_error, "is required"),
            typed_error: true,
        },
        Api {
            name: "zild",
            spec: "zild.yaml",
            operation: "createProactiveConversation",
            success: 200,
            error: untyped_error("zild"),
            typed_error: false,
        },
    ]
}

async fn server(reply: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(reply).mount(&server).await;
    server
}

/// Runs `case` against every API and returns the outcomes, by API name.
async fn for_every_api(case: impl Fn(&Api) -> ResponseTemplate) -> Vec<(&'static str, Outcome)> {
    let mut outcomes = Vec::new();
    for api in apis() {
        let server = server(case(&api)).await;
        outcomes.push((api.name, api.call(&server).await));
    }
    outcomes
}

fn assert_same_kind(case: &str, outcomes: &[(&str, Outcome)], kind: Kind) {
    let kinds: Vec<(&str, Kind)> = outcomes.iter().map(|(api, o)| (*api, o.kind)).collect();
    assert!(
        kinds.iter().all(|(_, got)| *got == kind),
        "{case}: expected {kind:?} from every API, got {kinds:?}\n{outcomes:#?}"
    );
    assert_eq!(outcomes.len(), 5);
}

#[tokio::test]
async fn documented_success_is_ok_with_its_body() {
    let outcomes =
        for_every_api(|api| ResponseTemplate::new(api.success).set_body_json(api.success_body()))
            .await;
    assert_same_kind("documented success", &outcomes, Kind::Ok);
    for (api, outcome) in &outcomes {
        let api = apis().into_iter().find(|a| a.name == *api).unwrap();
        assert_eq!(outcome.status, Some(api.success), "{}", api.name);
        let raw: Value = serde_json::from_slice(outcome.raw.as_deref().unwrap()).unwrap();
        assert_eq!(raw, api.success_body(), "{}: the raw body", api.name);
    }
}

#[tokio::test]
async fn documented_error_keeps_its_body_and_message() {
    let outcomes =
        for_every_api(|api| ResponseTemplate::new(api.error.0).set_body_json(&api.error.1)).await;
    for (name, outcome) in &outcomes {
        let api = apis().into_iter().find(|a| a.name == *name).unwrap();
        // A typed body where the spec documents one; `Status` (status, headers, body)
        // where it documents the error without a schema. No third outcome.
        let expected = if api.typed_error {
            Kind::Api
        } else {
            Kind::Status
        };
        assert_eq!(outcome.kind, expected, "{name}: {outcome:#?}");
        assert_eq!(outcome.status, Some(api.error.0), "{name}");
        let raw: Value = serde_json::from_slice(outcome.raw.as_deref().unwrap()).unwrap();
        assert_eq!(raw, api.error.1, "{name}: the raw body");
        assert!(
            outcome.message.contains(api.error.2),
            "{name}: the message lacks the server's words {:?}: {}",
            api.error.2,
            outcome.message
        );
        assert!(
            outcome
                .message
                .starts_with("the server replied 400 Bad Request: "),
            "{name}: {}",
            outcome.message
        );
    }
}

#[tokio::test]
async fn a_503_html_page_is_the_same_status_error_everywhere() {
    let page = "<!DOCTYPE html>\n<html><body><h1>503 Service Unavailable</h1>\
                The service is down for maintenance.</body></html>";
    let outcomes = for_every_api(|_| {
        ResponseTemplate::new(503).set_body_raw(page, "text/html; charset=utf-8")
    })
    .await;
    assert_same_kind("503 with an HTML body", &outcomes, Kind::Status);
    for (name, outcome) in &outcomes {
        assert_eq!(outcome.status, Some(503), "{name}");
        assert_eq!(outcome.raw.as_deref(), Some(page.as_bytes()), "{name}");
        assert!(
            outcome.message.contains("down for maintenance"),
            "{name}: {}",
            outcome.message
        );
        assert!(
            outcome.message.contains("<!DOCTYPE html>\\n<html>"),
            "{name}: control characters are escaped: {}",
            outcome.message
        );
    }
}

#[tokio::test]
async fn truncated_json_is_the_same_decode_error_everywhere() {
    let truncated = |api: &Api| {
        let text = api.success_body().to_string();
        text[..text.len() / 2].to_string()
    };
    let outcomes = for_every_api(|api| {
        ResponseTemplate::new(api.success).set_body_raw(truncated(api), "application/json")
    })
    .await;
    assert_same_kind("truncated JSON", &outcomes, Kind::Decode);
    for (name, outcome) in &outcomes {
        let api = apis().into_iter().find(|a| a.name == *name).unwrap();
        let sent = truncated(&api);
        assert_eq!(outcome.status, Some(api.success), "{name}");
        assert_eq!(outcome.raw.as_deref(), Some(sent.as_bytes()), "{name}");
        // What the server sent, as far as it goes.
        let start: String = sent.chars().take(40).collect();
        assert!(
            outcome.message.contains(&start),
            "{name}: the message lacks the start of the body {start:?}: {}",
            outcome.message
        );
    }
}

#[tokio::test]
async fn a_reply_slower_than_the_timeout_is_the_same_timeout_everywhere() {
    let outcomes = for_every_api(|api| {
        ResponseTemplate::new(api.success)
            .set_body_json(api.success_body())
            .set_delay(Duration::from_secs(3))
    })
    .await;
    assert_same_kind("slow reply", &outcomes, Kind::Timeout);
    for (name, outcome) in &outcomes {
        assert_eq!(
            (outcome.status, &outcome.raw),
            (None, &None),
            "{name}: no reply"
        );
        assert!(
            outcome.message.ends_with("timed out after 200ms"),
            "{name}: {}",
            outcome.message
        );
    }
}

#[tokio::test]
async fn an_undocumented_success_status_keeps_its_body_everywhere() {
    // Zild's 201 with the conversation list, Salesforce's 200 with the success body: a
    // status the spec does not list is never forced into a documented type.
    let outcomes =
        for_every_api(|api| ResponseTemplate::new(203).set_body_json(api.success_body())).await;
    assert_same_kind("undocumented success status", &outcomes, Kind::Status);
    for (name, outcome) in &outcomes {
        let api = apis().into_iter().find(|a| a.name == *name).unwrap();
        assert_eq!(outcome.status, Some(203), "{name}");
        let raw: Value = serde_json::from_slice(outcome.raw.as_deref().unwrap()).unwrap();
        assert_eq!(raw, api.success_body(), "{name}");
    }
}

#[tokio::test]
async fn a_refused_connection_is_the_same_transport_error_everywhere() {
    // A transport error names the URL: no credential may be in it either (`outcome`
    // checks every error's `Debug` and `Display`).
    let mut outcomes = Vec::new();
    for api in apis() {
        let url = format!("http://127.0.0.1:{}", support::closed_port());
        outcomes.push((api.name, api.call_at(url).await));
    }
    assert_same_kind("refused connection", &outcomes, Kind::Transport);
    for (name, outcome) in &outcomes {
        assert_eq!(
            (outcome.status, &outcome.raw),
            (None, &None),
            "{name}: no reply"
        );
    }
}
