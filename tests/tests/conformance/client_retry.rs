//! Retries of generated operations against a loopback HTTP server. Every documented
//! operation is a `POST`, so nothing is retried unless the policy opts in to non-idempotent
//! retries; then 503/429 replies, timeouts and refused connections are retried a bounded
//! number of times, `Retry-After` is honoured, and every attempt carries the same request.

use crate::support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use conversation_apis::runtime::{Error, RetryPolicy, Secret, TokenFuture, TokenSource};
use conversation_apis::{iris, liveswitch, salesforce_interaction, teamwork_desk, zild};
use serde_json::json;
use support::{builder, header, json_body, typed, Spec, TOKEN};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Up to `attempts` attempts, with short delays, `POST` included.
fn eager(attempts: u32) -> RetryPolicy {
    RetryPolicy::exponential(attempts)
        .base_delay(Duration::from_millis(5))
        .retry_non_idempotent(true)
}

/// A server that answers `first` for the first `times` requests, then `then`.
async fn server_failing(first: ResponseTemplate, times: u64, then: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(first)
        .up_to_n_times(times)
        .mount(&server)
        .await;
    Mock::given(any()).respond_with(then).mount(&server).await;
    server
}

fn salesforce_params() -> salesforce_interaction::EstablishConversationParams {
    salesforce_interaction::EstablishConversationParams {
        org_id: "00DRM000000AbCd".into(),
        authorization_context: "Partner1_ChannelDefinition1".into(),
        request_id: uuid::Uuid::new_v4(),
    }
}

fn liveswitch_body() -> liveswitch::types::ConversationCreateRequestDto {
    typed(
        Spec::load("liveswitch.yaml")
            .operation("createConversation")
            .request_example("application/json"),
    )
}

fn liveswitch_client(server: &MockServer, policy: RetryPolicy) -> liveswitch::Client {
    builder(server)
        .bearer_token(TOKEN)
        .retry(policy)
        .build()
        .unwrap()
}

fn liveswitch_ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(
        Spec::load("liveswitch.yaml")
            .operation("createConversation")
            .response_example("200", "application/json"),
    )
}

#[tokio::test]
async fn post_is_not_retried_unless_opted_in() {
    let server = server_failing(ResponseTemplate::new(503), 1, liveswitch_ok()).await;
    let client = liveswitch_client(
        &server,
        RetryPolicy::exponential(4).base_delay(Duration::from_millis(5)),
    );
    let error = client
        .create_conversation(liveswitch_body())
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Status { status, .. } if status.as_u16() == 503),
        "{error:?}"
    );
    assert_eq!(support::received(&server).await.len(), 1);
}

#[tokio::test]
async fn opted_in_post_retries_a_503_then_succeeds_with_the_same_request() {
    let server = server_failing(ResponseTemplate::new(503), 1, liveswitch_ok()).await;
    let client = liveswitch_client(&server, eager(3));

    let response = client.create_conversation(liveswitch_body()).await.unwrap();

    assert_eq!(response.status.as_u16(), 200);
    assert!(matches!(
        response.body,
        liveswitch::CreateConversationReply::Ok(_)
    ));
    let requests = support::received(&server).await;
    assert_eq!(requests.len(), 2);
    let example = Spec::load("liveswitch.yaml")
        .operation("createConversation")
        .request_example("application/json");
    for request in &requests {
        assert_eq!(request.url.path(), "/v1/conversations");
        assert_eq!(
            header(request, "authorization"),
            Some(format!("Bearer {TOKEN}"))
        );
        assert_eq!(json_body(request), example);
    }
}

#[tokio::test]
async fn too_many_requests_is_retried() {
    let server = server_failing(
        ResponseTemplate::new(429),
        2,
        ResponseTemplate::new(200).set_body_json(json!([])),
    )
    .await;
    let client: zild::Client = builder(&server)
        .bearer_token(TOKEN)
        .retry(eager(3))
        .build()
        .unwrap();
    let response = client
        .create_proactive_conversation(zild::types::ProactiveConversationRequest::default())
        .await
        .unwrap();
    assert_eq!(
        response.body,
        zild::CreateProactiveConversationReply::Ok(vec![])
    );
    assert_eq!(support::received(&server).await.len(), 3);
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let reply = Spec::load("salesforce-interaction.yaml")
        .operation("establishConversation")
        .response_example("202", "application/json");
    let server = server_failing(
        ResponseTemplate::new(503).insert_header("Retry-After", "1"),
        1,
        ResponseTemplate::new(202).set_body_json(reply),
    )
    .await;
    // The jittered backoff alone would wait at most 5 ms.
    let client: salesforce_interaction::Client = builder(&server)
        .bearer_token(TOKEN)
        .retry(eager(2))
        .build()
        .unwrap();
    let params = salesforce_params();
    let request_id = params.request_id;
    let started = Instant::now();
    let response = client
        .establish_conversation(params, salesforce_body())
        .await
        .unwrap();
    let waited = started.elapsed();
    assert_eq!(response.status.as_u16(), 202);
    assert!(
        waited >= Duration::from_millis(950),
        "waited only {waited:?}"
    );
    assert!(waited < Duration::from_secs(5), "waited {waited:?}");
    let requests = support::received(&server).await;
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(header(request, "RequestId"), Some(request_id.to_string()));
        assert_eq!(header(request, "OrgId").as_deref(), Some("00DRM000000AbCd"));
    }
}

#[tokio::test]
async fn retry_after_longer_than_max_delay_is_capped() {
    let server = server_failing(
        ResponseTemplate::new(503).insert_header("Retry-After", "3600"),
        1,
        liveswitch_ok(),
    )
    .await;
    let client = liveswitch_client(&server, eager(2).max_delay(Duration::from_millis(50)));
    let started = Instant::now();
    client.create_conversation(liveswitch_body()).await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn attempts_are_bounded_and_the_last_reply_is_returned() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(503)
                .set_body_raw("maintenance", "text/plain")
                .insert_header("x-attempt", "any"),
        )
        .mount(&server)
        .await;
    let client: teamwork_desk::Client = builder(&server)
        .bearer_token(TOKEN)
        .retry(eager(3))
        .build()
        .unwrap();
    let body: teamwork_desk::types::ConversationApiBody = typed(
        Spec::load("teamwork-desk.yaml")
            .operation("createConversation")
            .request_example("application/json"),
    );
    let error = client.create_conversation(body).await.unwrap_err();
    match &error {
        Error::Status {
            status,
            headers,
            body,
        } => {
            assert_eq!(status.as_u16(), 503);
            assert_eq!(headers["x-attempt"], "any");
            assert_eq!(body.to_text_lossy(), "maintenance");
        }
        other => panic!("expected the last 503, got {other:?}"),
    }
    assert_eq!(support::received(&server).await.len(), 3);
}

#[tokio::test]
async fn other_error_statuses_are_not_retried() {
    for status in [400, 404, 500, 502] {
        let server = server_failing(ResponseTemplate::new(status), 1, liveswitch_ok()).await;
        let client = liveswitch_client(&server, eager(3));
        let error = client
            .create_conversation(liveswitch_body())
            .await
            .unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(
            support::received(&server).await.len(),
            1,
            "{status} was retried"
        );
    }
}

#[tokio::test]
async fn a_timed_out_attempt_is_retried() {
    let server = server_failing(
        liveswitch_ok().set_delay(Duration::from_secs(2)),
        1,
        liveswitch_ok(),
    )
    .await;
    let client: liveswitch::Client = builder(&server)
        .bearer_token(TOKEN)
        .timeout(Duration::from_millis(150))
        .retry(eager(2))
        .build()
        .unwrap();
    let started = Instant::now();
    let response = client.create_conversation(liveswitch_body()).await.unwrap();
    assert_eq!(response.status.as_u16(), 200);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(support::received(&server).await.len(), 2);
}

#[tokio::test]
async fn timeouts_on_every_attempt_end_in_a_timeout_error() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(liveswitch_ok().set_delay(Duration::from_secs(2)))
        .mount(&server)
        .await;
    let client: liveswitch::Client = builder(&server)
        .bearer_token(TOKEN)
        .timeout(Duration::from_millis(100))
        .retry(eager(3))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client
        .create_conversation(liveswitch_body())
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Timeout {
                operation: "createConversation",
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(support::received(&server).await.len(), 3);
}

fn salesforce_body() -> salesforce_interaction::types::EstablishConversationRequest {
    typed(
        Spec::load("salesforce-interaction.yaml")
            .operation("establishConversation")
            .request_example("application/json"),
    )
}

#[tokio::test]
async fn a_multipart_body_is_sent_again_in_full() {
    let server = server_failing(
        ResponseTemplate::new(503),
        1,
        ResponseTemplate::new(202).set_body_json(json!({"success": true})),
    )
    .await;
    let client: salesforce_interaction::Client = builder(&server)
        .bearer_token(TOKEN)
        .retry(eager(2))
        .build()
        .unwrap();
    let response = client
        .establish_conversation(
            salesforce_params(),
            salesforce_interaction::EstablishConversationBody::Multipart(salesforce_body()),
        )
        .await
        .unwrap();
    assert_eq!(response.status.as_u16(), 202);
    let requests = support::received(&server).await;
    assert_eq!(requests.len(), 2);
    let first = support::multipart_parts(&requests[0]);
    let second = support::multipart_parts(&requests[1]);
    assert_eq!(first.len(), 3);
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(
            (&a.name, &a.content_type, &a.body),
            (&b.name, &b.content_type, &b.body)
        );
    }
}

#[tokio::test]
async fn a_form_body_is_sent_again_in_full() {
    let server = server_failing(
        ResponseTemplate::new(503),
        1,
        ResponseTemplate::new(200).set_body_json(json!({"status": "Success"})),
    )
    .await;
    let client: iris::Client = builder(&server).retry(eager(2)).build().unwrap();
    let body = typed(
        Spec::load("iris.yaml")
            .operation("createConversation")
            .request_example("application/x-www-form-urlencoded"),
    );
    client
        .create_conversation(iris::CreateConversationBody::Form(body))
        .await
        .unwrap();
    let requests = support::received(&server).await;
    assert_eq!(requests.len(), 2);
    assert!(!requests[0].body.is_empty());
    assert_eq!(requests[0].body, requests[1].body);
    assert_eq!(
        header(&requests[0], "content-type"),
        header(&requests[1], "content-type")
    );
}

/// Hands out `tok-1`, `tok-2`, ... and counts the calls.
#[derive(Clone, Default)]
struct CountingTokens(Arc<AtomicUsize>);

impl TokenSource for CountingTokens {
    fn token(&self) -> TokenFuture<'_> {
        let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
        Box::pin(async move { Ok(Secret::new(format!("tok-{n}"))) })
    }
}

#[tokio::test]
async fn every_attempt_asks_the_token_source_again() {
    let server = server_failing(ResponseTemplate::new(503), 1, liveswitch_ok()).await;
    let tokens = CountingTokens::default();
    let client: liveswitch::Client = builder(&server)
        .token_source(tokens.clone())
        .retry(eager(3))
        .build()
        .unwrap();
    client.create_conversation(liveswitch_body()).await.unwrap();
    let sent: Vec<_> = support::received(&server)
        .await
        .iter()
        .map(|request| header(request, "authorization").unwrap())
        .collect();
    assert_eq!(sent, ["Bearer tok-1", "Bearer tok-2"]);
}

#[tokio::test]
async fn a_refused_connection_is_retried_up_to_the_bound() {
    let tokens = CountingTokens::default();
    let client: liveswitch::Client = liveswitch::Client::builder()
        .base_url(format!("http://127.0.0.1:{}", support::closed_port()))
        .token_source(tokens.clone())
        .retry(eager(3))
        .build()
        .unwrap();
    let error = client
        .create_conversation(liveswitch_body())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    // The token source is asked once per attempt.
    assert_eq!(tokens.0.load(Ordering::SeqCst), 3);

    let tokens = CountingTokens::default();
    let client: liveswitch::Client = liveswitch::Client::builder()
        .base_url(format!("http://127.0.0.1:{}", support::closed_port()))
        .token_source(tokens.clone())
        .retry(RetryPolicy::exponential(3))
        .build()
        .unwrap();
    client
        .create_conversation(liveswitch_body())
        .await
        .unwrap_err();
    assert_eq!(
        tokens.0.load(Ordering::SeqCst),
        1,
        "POST retried without opt-in"
    );
}

/// Salesforce's establish-conversation is a `POST` the spec marks `x-idempotent: true`
/// (a repeat returns the same conversation), so the default policy retries it; the other
/// POSTs stay single-shot (`post_is_not_retried_unless_opted_in`).
#[tokio::test]
async fn an_operation_marked_idempotent_is_retried_without_opting_in() {
    let server = server_failing(
        ResponseTemplate::new(503),
        1,
        ResponseTemplate::new(202).set_body_json(
            Spec::load("salesforce-interaction.yaml")
                .operation("establishConversation")
                .response_example("202", "application/json"),
        ),
    )
    .await;
    let client: salesforce_interaction::Client = builder(&server)
        .bearer_token(TOKEN)
        .retry(RetryPolicy::exponential(3).base_delay(Duration::from_millis(5)))
        .build()
        .unwrap();
    let response = client
        .establish_conversation(salesforce_params(), salesforce_body())
        .await
        .unwrap();
    assert_eq!(response.status.as_u16(), 202);
    assert_eq!(support::received(&server).await.len(), 2);
}
