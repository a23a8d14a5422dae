//! What goes on the wire: path, query, headers and bodies.

use crate::common;

use codegen_runtime::reqwest::Method;
use codegen_runtime::{ClientBuilder, Error, FilePart, Multipart, RetryPolicy, Style};
use common::{
    builder, header, multipart_parts, only_request, received, server_replying, transport,
};
use serde::Serialize;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn path_segments_are_percent_encoded_one_by_one() {
    let server = server_replying(200).await;
    let transport = ClientBuilder::new(format!("{}/desk/api/", server.uri()))
        .build()
        .unwrap();
    let owner = "a b/c";
    let reply = transport
        .request(
            Method::GET,
            &["v2", owner, "ünï", "100%?#", "conversations.json"],
        )
        .send::<()>()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);
    let request = only_request(&server).await;
    assert_eq!(
        request.url.path(),
        "/desk/api/v2/a%20b%2Fc/%C3%BCn%C3%AF/100%25%3F%23/conversations.json"
    );
    assert_eq!(request.url.query(), None);
}

#[tokio::test]
async fn base_url_without_trailing_slash_keeps_its_path() {
    let server = server_replying(200).await;
    let transport = ClientBuilder::new(format!("{}/api", server.uri()))
        .build()
        .unwrap();
    transport
        .request(Method::GET, &["x"])
        .send::<()>()
        .await
        .unwrap();
    assert_eq!(only_request(&server).await.url.path(), "/api/x");
}

#[tokio::test]
async fn dot_segments_are_refused_before_sending() {
    let server = server_replying(200).await;
    let transport = transport(&server);
    for bad in ["..", ".", ""] {
        let error = transport
            .request(Method::DELETE, &["repos", "owner", bad])
            .send::<()>()
            .await
            .unwrap_err();
        assert!(
            matches!(error, Error::InvalidRequest(_)),
            "{bad:?}: {error}"
        );
    }
    assert!(received(&server).await.is_empty());
}

#[derive(Serialize)]
struct Filter {
    state: &'static str,
    ids: Vec<u32>,
}

#[tokio::test]
async fn query_parameters_are_encoded() {
    let server = server_replying(200).await;
    transport(&server)
        .request(Method::GET, &["search"])
        .query("q", "a b&c=d+é")
        .query("limit", 10)
        .query_opt("missing", None::<u32>)
        .query_opt("page", Some(2))
        .query_array("tag", &["x y", "z"], true)
        .query_array("id", &["1", "2,3"], false)
        .query_array("empty", &[] as &[u8], false)
        .query_json(
            "filter",
            &Filter {
                state: "open",
                ids: vec![1, 2],
            },
        )
        .query_json("when", &"2024-01-02T03:04:05Z")
        .query_json("none", &None::<String>)
        .send::<()>()
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(
        request.url.query(),
        Some(
            "q=a%20b%26c%3Dd%2B%C3%A9&limit=10&page=2&tag=x%20y&tag=z&id=1,2%2C3\
             &filter=%7B%22state%22%3A%22open%22%2C%22ids%22%3A%5B1%2C2%5D%7D\
             &when=2024-01-02T03%3A04%3A05Z"
        )
    );
    // A standard query parser sees the original values.
    let pairs: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
    assert_eq!(pairs[0], ("q".to_owned(), "a b&c=d+é".to_owned()));
    assert_eq!(pairs[5], ("id".to_owned(), "1,2,3".to_owned()));
    assert_eq!(pairs[6].1, r#"{"state":"open","ids":[1,2]}"#);
}

#[tokio::test]
async fn base_url_query_is_kept() {
    let server = server_replying(200).await;
    let transport = ClientBuilder::new(format!("{}/?version=2", server.uri()))
        .build()
        .unwrap();
    transport
        .request(Method::GET, &["items"])
        .query("a", 1)
        .send::<()>()
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(request.url.path(), "/items");
    assert_eq!(request.url.query(), Some("version=2&a=1"));
}

#[tokio::test]
async fn headers_defaults_and_user_agent() {
    let server = server_replying(200).await;
    let transport = builder(&server)
        .default_header("X-Tenant", "acme")
        .default_header("X-Trace", "default")
        .user_agent("my-app/1.2")
        .build()
        .unwrap();
    transport
        .request(Method::GET, &["h"])
        .header("X-Trace", 42)
        .header_opt("X-Absent", None::<&str>)
        .header_opt("X-Present", Some("yes"))
        .accept("application/json")
        .send::<()>()
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(header(&request, "x-tenant").as_deref(), Some("acme"));
    let traces: Vec<_> = request.headers.get_all("x-trace").iter().collect();
    assert_eq!(traces, ["42"], "the request's header replaces the default");
    assert_eq!(header(&request, "x-absent"), None);
    assert_eq!(header(&request, "x-present").as_deref(), Some("yes"));
    assert_eq!(
        header(&request, "accept").as_deref(),
        Some("application/json")
    );
    assert_eq!(
        header(&request, "user-agent").as_deref(),
        Some("my-app/1.2")
    );
}

#[tokio::test]
async fn default_user_agent_and_caller_client() {
    let server = server_replying(200).await;
    transport(&server)
        .request(Method::GET, &[])
        .send::<()>()
        .await
        .unwrap();
    let user_agent = header(&only_request(&server).await, "user-agent").unwrap();
    assert!(user_agent.starts_with("codegen-runtime/"), "{user_agent}");

    let server = server_replying(200).await;
    let client = codegen_runtime::reqwest::Client::builder()
        .user_agent("theirs/1")
        .build()
        .unwrap();
    let transport = builder(&server)
        .http_client(client.clone())
        .default_header("X-Default", "d")
        .build()
        .unwrap();
    transport
        .request(Method::GET, &[])
        .send::<()>()
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(header(&request, "user-agent").as_deref(), Some("theirs/1"));
    assert_eq!(header(&request, "x-default").as_deref(), Some("d"));

    let server = server_replying(200).await;
    let transport = builder(&server)
        .http_client(client)
        .user_agent("ours/2")
        .build()
        .unwrap();
    transport
        .request(Method::GET, &[])
        .send::<()>()
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(header(&request, "user-agent").as_deref(), Some("ours/2"));
}

#[tokio::test]
async fn invalid_header_value_is_an_error_not_a_panic() {
    let server = server_replying(200).await;
    let error = transport(&server)
        .request(Method::GET, &[])
        .header("X-Bad", "line\nbreak")
        .send::<()>()
        .await
        .unwrap_err();
    match error {
        Error::InvalidRequest(message) => {
            assert!(message.contains("X-Bad"), "{message}");
            assert!(
                !message.contains("line"),
                "the value is not repeated: {message}"
            );
        }
        other => panic!("unexpected {other:?}"),
    }
    let error = transport(&server)
        .request(Method::GET, &[])
        .header("Bad Name", "v")
        .send::<()>()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)));
    assert!(received(&server).await.is_empty());
}

#[derive(Serialize)]
struct NewConversation {
    subject: String,
    tags: Vec<&'static str>,
    meta: Meta,
    note: Option<String>,
}

#[derive(Serialize)]
struct Meta {
    priority: u8,
}

fn conversation() -> NewConversation {
    NewConversation {
        subject: "Hi & bye".to_owned(),
        tags: vec!["a", "b c"],
        meta: Meta { priority: 2 },
        note: None,
    }
}

#[tokio::test]
async fn json_bodies() {
    let server = server_replying(201).await;
    let transport = transport(&server);
    transport
        .request(Method::POST, &["conversations"])
        .json_body(&conversation())
        .send::<()>()
        .await
        .unwrap();
    transport
        .request(Method::PATCH, &["conversations", "1"])
        .json_body_as(
            &serde_json::json!({"subject": null}),
            "application/merge-patch+json",
        )
        .send::<()>()
        .await
        .unwrap();
    let requests = received(&server).await;
    assert_eq!(
        header(&requests[0], "content-type").as_deref(),
        Some("application/json")
    );
    let sent: serde_json::Value = requests[0].body_json().unwrap();
    assert_eq!(
        sent,
        serde_json::json!({"subject": "Hi & bye", "tags": ["a", "b c"], "meta": {"priority": 2}, "note": null})
    );
    assert_eq!(requests[1].method.as_str(), "PATCH");
    assert_eq!(
        header(&requests[1], "content-type").as_deref(),
        Some("application/merge-patch+json")
    );
    assert_eq!(requests[1].body, br#"{"subject":null}"#);
}

#[tokio::test]
async fn form_body() {
    let server = server_replying(200).await;
    transport(&server)
        .request(Method::POST, &["form"])
        .form_body(&conversation())
        .send::<()>()
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(
        header(&request, "content-type").as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    let body = String::from_utf8(request.body).unwrap();
    let mut fields: Vec<&str> = body.split('&').collect();
    fields.sort_unstable(); // field order follows serde_json's map order
    assert_eq!(
        fields,
        [
            "meta=%7B%22priority%22%3A2%7D",
            "subject=Hi%20%26%20bye",
            "tags=a",
            "tags=b%20c",
        ]
    );
}

#[tokio::test]
async fn form_body_must_be_an_object() {
    let server = server_replying(200).await;
    let error = transport(&server)
        .request(Method::POST, &["form"])
        .form_body(&[1, 2])
        .send::<()>()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error}");
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn text_and_bytes_bodies() {
    let server = server_replying(200).await;
    let transport = transport(&server);
    transport
        .request(Method::PUT, &["notes", "1"])
        .text_body("héllo\nworld", "text/plain; charset=utf-8")
        .send::<()>()
        .await
        .unwrap();
    transport
        .request(Method::PUT, &["blobs", "1"])
        .bytes_body(vec![0u8, 159, 255], "application/octet-stream")
        .send::<()>()
        .await
        .unwrap();
    let requests = received(&server).await;
    assert_eq!(
        header(&requests[0], "content-type").as_deref(),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(requests[0].body, "héllo\nworld".as_bytes());
    assert_eq!(
        header(&requests[1], "content-type").as_deref(),
        Some("application/octet-stream")
    );
    assert_eq!(requests[1].body, [0u8, 159, 255]);
}

#[tokio::test]
async fn serialisation_failure_is_invalid_request() {
    let server = server_replying(200).await;
    let mut map = std::collections::BTreeMap::new();
    map.insert((1, 2), "tuple keys cannot be JSON object keys");
    let error = transport(&server)
        .request(Method::POST, &["x"])
        .json_body(&map)
        .send::<()>()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error}");
    assert!(received(&server).await.is_empty());
}

fn upload_form() -> Multipart {
    Multipart::new()
        .text("title", "Quarterly report")
        .json("meta", &serde_json::json!({"pages": 3}))
        .file(
            "file",
            FilePart::new(b"%PDF-1.7 \x00\xff".to_vec())
                .file_name("report final.pdf")
                .content_type("application/pdf"),
        )
        .file("raw", FilePart::new(b"plain".to_vec()))
}

fn assert_upload(request: &wiremock::Request) {
    let parts = multipart_parts(request);
    assert_eq!(parts.len(), 4, "{parts:?}");
    assert_eq!(
        parts[0].headers,
        ["Content-Disposition: form-data; name=\"title\""]
    );
    assert_eq!(parts[0].body, b"Quarterly report");
    assert_eq!(
        parts[1].headers,
        [
            "Content-Disposition: form-data; name=\"meta\"",
            "Content-Type: application/json"
        ]
    );
    assert_eq!(parts[1].body, br#"{"pages":3}"#);
    assert_eq!(
        parts[2].headers,
        [
            "Content-Disposition: form-data; name=\"file\"; filename=\"report final.pdf\"",
            "Content-Type: application/pdf"
        ]
    );
    assert_eq!(parts[2].body, b"%PDF-1.7 \x00\xff");
    assert_eq!(
        parts[3].headers,
        ["Content-Disposition: form-data; name=\"raw\""]
    );
    assert_eq!(parts[3].body, b"plain");
}

#[tokio::test]
async fn multipart_body() {
    let server = server_replying(200).await;
    transport(&server)
        .request(Method::POST, &["upload"])
        .multipart_body(upload_form())
        .send::<()>()
        .await
        .unwrap();
    assert_upload(&only_request(&server).await);
}

#[tokio::test]
async fn multipart_body_is_rebuilt_for_a_retry() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let transport = builder(&server)
        .retry(
            RetryPolicy::exponential(2)
                .base_delay(std::time::Duration::from_millis(1))
                .retry_non_idempotent(true),
        )
        .build()
        .unwrap();
    let reply = transport
        .request(Method::POST, &["upload"])
        .multipart_body(upload_form())
        .send::<()>()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    requests.iter().for_each(assert_upload);
}

#[tokio::test]
async fn invalid_part_content_type_is_invalid_request() {
    let server = server_replying(200).await;
    let form = Multipart::new().file("f", FilePart::new(vec![1]).content_type("no type"));
    let error = transport(&server)
        .request(Method::POST, &["upload"])
        .multipart_body(form)
        .send::<()>()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error}");
}

#[tokio::test]
async fn send_future_is_send() {
    fn assert_send<T: Send>(_: &T) {}
    let transport = ClientBuilder::new("http://127.0.0.1:9").build().unwrap();
    let future = transport.request(Method::GET, &[]).send::<()>();
    assert_send(&future);
}

#[derive(Serialize)]
struct Color {
    #[serde(rename = "R")]
    r: u8,
    #[serde(rename = "G")]
    g: u8,
    #[serde(rename = "B")]
    b: u8,
}

#[tokio::test]
async fn parameter_styles_on_the_wire() {
    let server = server_replying(200).await;
    let transport = builder(&server)
        .default_header("Cookie", "session=s1")
        .build()
        .unwrap();
    let rgb = Color {
        r: 100,
        g: 200,
        b: 150,
    };
    let colors = ["blue", "black", "brown"];
    transport
        .request(Method::GET, &["ignored"])
        .path("/items/{id}/{label}{matrix}/x.json")
        .path_param("id", "a b/c", Style::simple())
        .path_param("label", &colors, Style::label())
        .path_param("matrix", &rgb, Style::matrix().explode(true))
        .query_param("color", &rgb, Style::deep_object())
        .query_param("pipe", &colors, Style::pipe_delimited())
        .query_param("none", &None::<u8>, Style::form())
        .query_param("res", "a/b&c", Style::form().allow_reserved(true))
        .header_param("X-Color", &rgb, Style::simple().explode(true))
        .header_param("X-None", &Vec::<u8>::new(), Style::simple())
        .cookie_param("color", &colors, Style::form())
        .cookie_param("rgb", &rgb, Style::form().explode(false))
        .send::<()>()
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(
        request.url.path(),
        "/items/a%20b%2Fc/.blue,black,brown;R=100;G=200;B=150/x.json"
    );
    assert_eq!(
        request.url.query(),
        Some(
            "color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150\
             &pipe=blue%7Cblack%7Cbrown&res=a/b%26c"
        )
    );
    assert_eq!(
        header(&request, "x-color").as_deref(),
        Some("R=100,G=200,B=150")
    );
    assert_eq!(header(&request, "x-none"), None);
    assert_eq!(
        header(&request, "cookie").as_deref(),
        Some("session=s1; color=blue; color=black; color=brown; rgb=R,100,G,200,B,150")
    );
}

#[tokio::test]
async fn parameters_that_cannot_be_sent_are_errors_before_sending() {
    let server = server_replying(200).await;
    let transport = transport(&server);
    let cases = [
        transport
            .request(Method::GET, &[])
            .path("/items/{id}")
            .path_param("id", "..", Style::simple()),
        transport
            .request(Method::GET, &[])
            .path("/items/{id}")
            .path_param("other", "x", Style::simple()),
        transport
            .request(Method::GET, &[])
            .query_param("q", "x", Style::matrix()),
        transport
            .request(Method::GET, &[])
            .header_param("X-A", "line\nbreak", Style::simple()),
        transport.request(Method::GET, &[]).query_param(
            "map",
            &std::collections::BTreeMap::from([((1, 2), 3)]),
            Style::form(),
        ),
    ];
    for request in cases {
        let error = request.send::<()>().await.unwrap_err();
        assert!(matches!(error, Error::InvalidRequest(_)), "{error}");
    }
    assert!(received(&server).await.is_empty());
}
