//! Retries: what is retried, how often, and how long between attempts.

use crate::common;

use std::time::{Duration, Instant};

use codegen_runtime::reqwest::Method;
use codegen_runtime::{Error, RetryPolicy, Transport};
use common::{builder, received, server_replying};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A server that first answers `first` once, then `200`.
async fn server_failing_once(first: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(first)
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    server
}

fn fast_policy(max_attempts: u32) -> RetryPolicy {
    RetryPolicy::exponential(max_attempts).base_delay(Duration::from_millis(5))
}

fn transport_with(server: &MockServer, policy: RetryPolicy) -> Transport {
    builder(server).retry(policy).build().unwrap()
}

async fn status_of(transport: &Transport, method: Method) -> u16 {
    transport
        .request(method, &["things"])
        .send::<()>()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn service_unavailable_then_success() {
    let server = server_failing_once(ResponseTemplate::new(503)).await;
    let transport = transport_with(&server, fast_policy(3));
    assert_eq!(status_of(&transport, Method::GET).await, 200);
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn too_many_requests_honours_retry_after() {
    let server =
        server_failing_once(ResponseTemplate::new(429).insert_header("Retry-After", "1")).await;
    let transport = transport_with(&server, fast_policy(2));
    let started = Instant::now();
    assert_eq!(status_of(&transport, Method::GET).await, 200);
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(950),
        "waited only {elapsed:?}"
    );
    assert!(elapsed < Duration::from_secs(5), "waited {elapsed:?}");
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn retry_after_is_capped_by_max_delay() {
    let server =
        server_failing_once(ResponseTemplate::new(503).insert_header("Retry-After", "3600")).await;
    let transport = transport_with(&server, fast_policy(2).max_delay(Duration::from_millis(50)));
    let started = Instant::now();
    assert_eq!(status_of(&transport, Method::GET).await, 200);
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn attempts_are_bounded() {
    let server = server_replying(503).await;
    let transport = transport_with(&server, fast_policy(3));
    assert_eq!(
        status_of(&transport, Method::GET).await,
        503,
        "the last reply is returned"
    );
    assert_eq!(received(&server).await.len(), 3);
}

#[tokio::test]
async fn post_is_not_retried_unless_opted_in() {
    let server = server_failing_once(ResponseTemplate::new(503)).await;
    let transport = transport_with(&server, fast_policy(3));
    assert_eq!(status_of(&transport, Method::POST).await, 503);
    assert_eq!(received(&server).await.len(), 1);

    let server = server_failing_once(ResponseTemplate::new(503)).await;
    let transport = transport_with(&server, fast_policy(3).retry_non_idempotent(true));
    assert_eq!(status_of(&transport, Method::POST).await, 200);
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn no_retry_without_a_policy() {
    let server = server_failing_once(ResponseTemplate::new(503)).await;
    let transport = builder(&server).build().unwrap();
    assert_eq!(status_of(&transport, Method::GET).await, 503);
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn other_error_statuses_are_not_retried() {
    for status in [500, 502, 404] {
        let server = server_failing_once(ResponseTemplate::new(status)).await;
        let transport = transport_with(&server, fast_policy(3));
        assert_eq!(status_of(&transport, Method::GET).await, status);
        assert_eq!(received(&server).await.len(), 1);
    }
}

#[tokio::test]
async fn timed_out_attempt_is_retried() {
    let server =
        server_failing_once(ResponseTemplate::new(200).set_delay(Duration::from_secs(3))).await;
    let transport = builder(&server)
        .timeout(Duration::from_millis(100))
        .retry(fast_policy(2))
        .build()
        .unwrap();
    let started = Instant::now();
    assert_eq!(status_of(&transport, Method::GET).await, 200);
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn connection_errors_are_retried_then_reported() {
    let transport = codegen_runtime::ClientBuilder::new(common::refused_address())
        .retry(RetryPolicy::exponential(3).base_delay(Duration::from_millis(100)))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = transport
        .request(Method::GET, &[])
        .send::<()>()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    // Two waits of up to 100 ms and 200 ms happened (jitter may make them short), but
    // nothing close to a second.
    assert!(started.elapsed() < Duration::from_secs(2));
}
