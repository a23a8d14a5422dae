//! Credentials: schemes, alternatives, token sources, and secrets kept out of output.

use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use codegen_runtime::reqwest::Method;
use codegen_runtime::{
    ClientBuilder, Credential, Error, SchemeKind, Secret, SecurityRequirements, SecurityScheme,
    TokenFuture, TokenSource,
};
use common::{builder, header, only_request, received, refused_address, server_replying};

const BEARER: SecurityScheme = SecurityScheme {
    name: "bearerAuth",
    kind: SchemeKind::Bearer,
};
const OAUTH: SecurityScheme = SecurityScheme {
    name: "oauth",
    kind: SchemeKind::Bearer,
};
const KEY_HEADER: SecurityScheme = SecurityScheme {
    name: "keyHeader",
    kind: SchemeKind::ApiKeyHeader("X-API-Key"),
};
const KEY_QUERY: SecurityScheme = SecurityScheme {
    name: "keyQuery",
    kind: SchemeKind::ApiKeyQuery("api_key"),
};
const KEY_COOKIE: SecurityScheme = SecurityScheme {
    name: "keyCookie",
    kind: SchemeKind::ApiKeyCookie("session"),
};
const BASIC: SecurityScheme = SecurityScheme {
    name: "basic",
    kind: SchemeKind::Basic,
};

/// A token source that hands out `tok-1`, `tok-2`, ...
#[derive(Default)]
struct CountingTokens(AtomicUsize);

impl TokenSource for CountingTokens {
    fn token(&self) -> TokenFuture<'_> {
        Box::pin(async move {
            let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
            Ok(Secret::new(format!("tok-{n}")))
        })
    }
}

struct FailingTokens;

impl TokenSource for FailingTokens {
    fn token(&self) -> TokenFuture<'_> {
        Box::pin(async { Err("token endpoint unreachable".into()) })
    }
}

async fn send_with(
    builder: ClientBuilder,
    security: SecurityRequirements,
) -> Result<codegen_runtime::RawResponse, Error<()>> {
    builder
        .build()
        .unwrap()
        .request(Method::GET, &["me"])
        .query("x", 1)
        .security(security)
        .send::<()>()
        .await
}

#[tokio::test]
async fn static_bearer_token() {
    let server = server_replying(200).await;
    send_with(builder(&server).bearer_token("s3cret-token"), &[&[&BEARER]])
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(
        header(&request, "authorization").as_deref(),
        Some("Bearer s3cret-token")
    );
}

#[tokio::test]
async fn token_source_is_asked_on_every_request() {
    let server = server_replying(200).await;
    let transport = builder(&server)
        .token_source(CountingTokens::default())
        .build()
        .unwrap();
    for _ in 0..2 {
        transport
            .request(Method::GET, &["me"])
            .security(&[&[&OAUTH]])
            .send::<()>()
            .await
            .unwrap();
    }
    let tokens: Vec<_> = received(&server)
        .await
        .iter()
        .map(|request| header(request, "authorization"))
        .collect();
    assert_eq!(
        tokens,
        [
            Some("Bearer tok-1".to_owned()),
            Some("Bearer tok-2".to_owned())
        ]
    );
}

#[tokio::test]
async fn failing_token_source_is_an_auth_error() {
    let server = server_replying(200).await;
    let error = send_with(builder(&server).token_source(FailingTokens), &[&[&BEARER]])
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Auth(_)), "{error:?}");
    assert!(error.to_string().contains("token endpoint unreachable"));
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn api_key_in_header_query_and_cookie() {
    let server = server_replying(200).await;
    let transport = builder(&server).api_key("k 1&2").build().unwrap();
    for scheme in [&KEY_HEADER, &KEY_QUERY, &KEY_COOKIE] {
        let security: SecurityRequirements = match scheme.name {
            "keyHeader" => &[&[&KEY_HEADER]],
            "keyQuery" => &[&[&KEY_QUERY]],
            _ => &[&[&KEY_COOKIE]],
        };
        transport
            .request(Method::GET, &["me"])
            .query("x", 1)
            .header("Cookie", "theme=dark")
            .security(security)
            .send::<()>()
            .await
            .unwrap();
    }
    let requests = received(&server).await;
    assert_eq!(header(&requests[0], "x-api-key").as_deref(), Some("k 1&2"));
    assert_eq!(requests[0].url.query(), Some("x=1"));
    assert_eq!(requests[1].url.query(), Some("x=1&api_key=k%201%262"));
    assert_eq!(header(&requests[1], "x-api-key"), None);
    assert_eq!(
        header(&requests[2], "cookie").as_deref(),
        Some("theme=dark; session=k 1&2")
    );
    for request in &requests {
        assert_eq!(header(request, "authorization"), None);
    }
}

#[tokio::test]
async fn basic_auth() {
    let server = server_replying(200).await;
    send_with(
        builder(&server).basic_auth("alice", "s3cret pw"),
        &[&[&BASIC]],
    )
    .await
    .unwrap();
    let request = only_request(&server).await;
    // base64("alice:s3cret pw")
    assert_eq!(
        header(&request, "authorization").as_deref(),
        Some("Basic YWxpY2U6czNjcmV0IHB3")
    );
}

#[tokio::test]
async fn first_satisfiable_alternative_is_used() {
    const ALTERNATIVES: SecurityRequirements = &[&[&OAUTH], &[&KEY_HEADER, &KEY_QUERY]];

    let server = server_replying(200).await;
    send_with(builder(&server).api_key("key"), ALTERNATIVES)
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(header(&request, "authorization"), None);
    assert_eq!(header(&request, "x-api-key").as_deref(), Some("key"));
    assert_eq!(request.url.query(), Some("x=1&api_key=key"));

    let server = server_replying(200).await;
    send_with(
        builder(&server).api_key("key").bearer_token("tok"),
        ALTERNATIVES,
    )
    .await
    .unwrap();
    let request = only_request(&server).await;
    assert_eq!(
        header(&request, "authorization").as_deref(),
        Some("Bearer tok")
    );
    assert_eq!(header(&request, "x-api-key"), None);
    assert_eq!(request.url.query(), Some("x=1"));
}

#[tokio::test]
async fn required_security_without_fitting_credentials_fails_before_sending() {
    let server = server_replying(200).await;
    for builder in [
        builder(&server),
        builder(&server).basic_auth("u", "p"),
        builder(&server).credential("bearerAuth", Credential::basic("u", "p")),
    ] {
        let error = builder
            .build()
            .unwrap()
            .request(Method::GET, &["me"])
            .operation("getMe")
            .security(&[&[&BEARER], &[&KEY_HEADER, &KEY_QUERY]])
            .send::<()>()
            .await
            .unwrap_err();
        match &error {
            Error::MissingCredentials {
                operation,
                required,
            } => {
                assert_eq!(*operation, "getMe");
                assert_eq!(required.len(), 2);
            }
            other => panic!("expected Error::MissingCredentials, got {other:?}"),
        }
        let message = error.to_string();
        assert!(
            message.contains("bearerAuth or keyHeader + keyQuery"),
            "{message}"
        );
    }
    assert!(received(&server).await.is_empty(), "nothing was sent");
}

#[tokio::test]
async fn unsatisfiable_optional_or_anonymous_security_sends_no_credentials() {
    let server = server_replying(401).await;
    let reply = send_with(builder(&server).basic_auth("u", "p"), &[&[&BEARER], &[]])
        .await
        .unwrap();
    assert_eq!(reply.status(), 401, "the server decides");
    let server2 = server_replying(200).await;
    send_with(builder(&server2).bearer_token("tok"), &[])
        .await
        .unwrap();
    let server3 = server_replying(200).await;
    send_with(builder(&server3).bearer_token("tok"), &[&[], &[&BEARER]])
        .await
        .unwrap();

    assert_eq!(header(&only_request(&server).await, "authorization"), None);
    assert_eq!(header(&only_request(&server2).await, "authorization"), None);
    assert_eq!(
        header(&only_request(&server3).await, "authorization").as_deref(),
        Some("Bearer tok"),
        "an anonymous alternative does not hide configured credentials"
    );
}

#[tokio::test]
async fn per_scheme_credentials_override_defaults() {
    let server = server_replying(200).await;
    let builder = builder(&server)
        .api_key("default-key")
        .credential("keyQuery", Credential::api_key("query-key"))
        .credential("oauth", Credential::token_source(CountingTokens::default()));
    send_with(builder, &[&[&KEY_HEADER, &KEY_QUERY, &OAUTH]])
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(
        header(&request, "x-api-key").as_deref(),
        Some("default-key")
    );
    assert_eq!(request.url.query(), Some("x=1&api_key=query-key"));
    assert_eq!(
        header(&request, "authorization").as_deref(),
        Some("Bearer tok-1")
    );
}

#[tokio::test]
async fn debug_output_never_shows_secrets() {
    let builder = ClientBuilder::new("http://127.0.0.1:9/")
        .bearer_token("secret-bearer")
        .api_key("secret-key")
        .basic_auth("alice", "secret-password")
        .credential("oauth", Credential::bearer("secret-override"))
        .default_header("X-Secret", "secret-header");
    let transport = builder.clone().build().unwrap();
    let request = transport
        .request(Method::GET, &["me"])
        .header("Authorization", "secret-explicit");
    let shown = format!("{builder:?}\n{builder:#?}\n{transport:?}\n{transport:#?}\n{request:?}");
    assert!(!shown.contains("secret-"), "{shown}");
    assert!(
        shown.contains("alice") && shown.contains("X-Secret"),
        "{shown}"
    );
}

fn assert_hidden(error: &Error<()>, secrets: &[&str]) {
    let shown = format!("{error}\n{error:?}");
    for secret in secrets {
        assert!(!shown.contains(secret), "{secret} leaked: {shown}");
    }
}

#[tokio::test]
async fn error_messages_never_show_secrets() {
    // Connection refused, with an API key in the query string.
    let transport = ClientBuilder::new(refused_address())
        .api_key("query-secret")
        .build()
        .unwrap();
    let error = transport
        .request(Method::GET, &["me"])
        .security(&[&[&KEY_QUERY]])
        .send::<()>()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert_hidden(&error, &["query-secret"]);

    // Timeout, with a key in the query and a bearer token.
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(wiremock::ResponseTemplate::new(200).set_delay(Duration::from_secs(2)))
        .mount(&server)
        .await;
    let transport = builder(&server)
        .api_key("query-secret")
        .bearer_token("bearer-secret")
        .timeout(Duration::from_millis(50))
        .build()
        .unwrap();
    let error = transport
        .request(Method::GET, &["me"])
        .security(&[&[&KEY_QUERY, &BEARER]])
        .send::<()>()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert_hidden(&error, &["query-secret", "bearer-secret"]);

    // Credentials that cannot go in a header.
    let server = server_replying(200).await;
    for builder in [
        builder(&server).bearer_token("bad\nbearer-secret"),
        builder(&server).api_key("bad\nkey-secret"),
    ] {
        let error = send_with(builder, &[&[&BEARER], &[&KEY_HEADER]])
            .await
            .unwrap_err();
        assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
        assert_hidden(&error, &["bearer-secret", "key-secret"]);
    }
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn redirects_are_followed_within_the_origin_only() {
    use wiremock::matchers::path;
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let elsewhere = server_replying(200).await;
    let server = MockServer::start().await;
    Mock::given(path("/old"))
        .respond_with(ResponseTemplate::new(307).insert_header("Location", "/new"))
        .mount(&server)
        .await;
    Mock::given(path("/new"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    Mock::given(path("/away"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("Location", format!("{}/stolen", elsewhere.uri()).as_str()),
        )
        .mount(&server)
        .await;
    let transport = builder(&server).api_key("key-secret").build().unwrap();

    for (from, status) in [("old", 200), ("away", 302)] {
        let reply = transport
            .request(Method::GET, &[from])
            .security(&[&[&KEY_HEADER]])
            .send::<()>()
            .await
            .unwrap();
        assert_eq!(reply.status(), status, "{from}");
    }
    let requests = received(&server).await;
    let paths: Vec<_> = requests.iter().map(|r| r.url.path()).collect();
    assert_eq!(paths, ["/old", "/new", "/away"]);
    assert_eq!(
        header(&requests[1], "x-api-key").as_deref(),
        Some("key-secret")
    );
    assert!(
        received(&elsewhere).await.is_empty(),
        "nothing reached the other origin"
    );
}
