//! Parameter styles on the wire, through the clients generated from the `styles` and
//! `param_names` fixtures (compiled as `tests/styles.rs` of the crate that
//! `codegen/tests/it/compile.rs` builds). A loopback server records each request's raw head
//! (request line and headers, byte for byte) and answers 204.
//!
//! The vectors are the "Style Examples" table of OpenAPI 3.0.3 (4.7.12.4): the parameter
//! `color` as `""` (the `empty` column), `"blue"`, `["blue","black","brown"]` and
//! `{"R":100,"G":200,"B":150}`. Where the table says n/a, the expected bytes are what the
//! runtime sends instead. What is sent differs from the table's text in three ways, each
//! checked below: `|`, `[` and `]` are percent-encoded (RFC 3986 does not allow them in a
//! query; OpenAPI 3.0.4's table shows them so), `label` without explode joins with commas
//! (RFC 6570, and OpenAPI 3.0.4's corrected row), and the 3.0.3 table's pipeDelimited
//! object has a typo (`200|G|150`).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;

use snapshot_crate::runtime;
use snapshot_crate::styles::types::{Color, Rgb};
use snapshot_crate::styles::{self, Client};

/// A loopback HTTP/1.1 server that answers every request with 204 and hands back each
/// request's head as sent.
struct Recorder {
    url: String,
    heads: mpsc::Receiver<String>,
}

impl Recorder {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("binds to loopback");
        let url = format!("http://{}/v1", listener.local_addr().unwrap());
        let (sender, heads) = mpsc::channel();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                stream
                    .set_read_timeout(Some(std::time::Duration::from_secs(10)))
                    .unwrap();
                let mut data = Vec::new();
                let mut buf = [0_u8; 4096];
                let head_end = loop {
                    let Ok(n) = stream.read(&mut buf) else {
                        break None;
                    };
                    if n == 0 {
                        break None;
                    }
                    data.extend_from_slice(&buf[..n]);
                    if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                        break Some(i + 4);
                    }
                };
                let Some(head_end) = head_end else { continue };
                let reply =
                    "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
                stream.write_all(reply.as_bytes()).ok();
                stream.flush().ok();
                let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
                if sender.send(head).is_err() {
                    return;
                }
            }
        });
        Self { url, heads }
    }

    fn client(&self) -> Client {
        runtime::ClientBuilder::new(&self.url)
            .build()
            .expect("builds")
            .into()
    }

    /// The head of the next request.
    fn next(&self) -> String {
        self.heads
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("a request arrives")
    }

    /// The request target of the next request (`/v1/form?color=blue`).
    fn target(&self) -> String {
        let head = self.next();
        let line = head.lines().next().unwrap().to_owned();
        let mut parts = line.split(' ');
        assert_eq!(parts.next(), Some("GET"), "{line}");
        let target = parts.next().unwrap().to_owned();
        assert_eq!(parts.next(), Some("HTTP/1.1"), "{line}");
        target
    }

    /// Every value of header `name` in the next request, as sent.
    fn header(&self, name: &str) -> Vec<String> {
        let head = self.next();
        head.lines()
            .filter_map(|l| {
                let (n, v) = l.split_once(':')?;
                n.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
            })
            .collect()
    }
}

fn values() -> [Color; 4] {
    [
        Color::String(String::new()),
        Color::String("blue".into()),
        Color::Array(vec!["blue".into(), "black".into(), "brown".into()]),
        Color::Rgb(Rgb::new(100, 200, 150)),
    ]
}

/// Sends each of the four values with `call` and checks what arrived with `seen`.
async fn check<F, Fut>(
    server: &Recorder,
    call: F,
    seen: impl Fn(&Recorder) -> String,
    expected: [&str; 4],
) where
    F: Fn(Client, Color) -> Fut,
    Fut: std::future::IntoFuture,
    Fut::Output: std::fmt::Debug,
    Fut::Output: IsOk,
{
    for (value, expected) in values().into_iter().zip(expected) {
        let what = format!("{value:?}");
        let outcome = call(server.client(), value).await;
        assert!(outcome.is_ok(), "{what}: {outcome:?}");
        assert_eq!(seen(server), expected, "{what}");
    }
}

/// `Result::is_ok` for the operations' different result types.
trait IsOk {
    fn is_ok(&self) -> bool;
}

impl<T, E> IsOk for Result<T, E> {
    fn is_ok(&self) -> bool {
        Result::is_ok(self)
    }
}

#[tokio::test]
async fn path_styles() {
    let server = Recorder::start();
    let target = |s: &Recorder| s.target();
    check(
        &server,
        |c, v| async move { c.matrix(v).await },
        target,
        [
            "/v1/matrix;color",
            "/v1/matrix;color=blue",
            "/v1/matrix;color=blue,black,brown",
            "/v1/matrix;color=R,100,G,200,B,150",
        ],
    )
    .await;
    check(
        &server,
        |c, v| async move { c.matrix_explode(v).await },
        target,
        [
            "/v1/matrix-explode;color",
            "/v1/matrix-explode;color=blue",
            "/v1/matrix-explode;color=blue;color=black;color=brown",
            "/v1/matrix-explode;R=100;G=200;B=150",
        ],
    )
    .await;
    // The 3.0.3 table shows `.blue.black.brown` and `.R.100.G.200.B.150` here.
    check(
        &server,
        |c, v| async move { c.label(v).await },
        target,
        [
            "/v1/label.",
            "/v1/label.blue",
            "/v1/label.blue,black,brown",
            "/v1/label.R,100,G,200,B,150",
        ],
    )
    .await;
    check(
        &server,
        |c, v| async move { c.label_explode(v).await },
        target,
        [
            "/v1/label-explode.",
            "/v1/label-explode.blue",
            "/v1/label-explode.blue.black.brown",
            "/v1/label-explode.R=100.G=200.B=150",
        ],
    )
    .await;
}

/// What a call of `simple` or `simple_explode` ended with: `Err(true)` when the request
/// was refused before sending as invalid.
async fn simple_call(client: Client, explode: bool, value: Color) -> Result<(), bool> {
    fn invalid<E>(error: runtime::Error<E>) -> bool {
        matches!(error, runtime::Error::InvalidRequest(_))
    }
    if explode {
        client
            .simple_explode(value)
            .await
            .map(drop)
            .map_err(invalid)
    } else {
        client.simple(value).await.map(drop).map_err(invalid)
    }
}

#[tokio::test]
async fn simple_path_styles_and_the_empty_segment() {
    let server = Recorder::start();
    for explode in [false, true] {
        let (path, object) = if explode {
            ("simple-explode", "R=100,G=200,B=150")
        } else {
            ("simple", "R,100,G,200,B,150")
        };
        let [empty, string, array, rgb] = values();
        // n/a in the table: an empty value would make an empty path segment, which is
        // refused before anything is sent.
        assert_eq!(
            simple_call(server.client(), explode, empty).await,
            Err(true)
        );
        for (value, expected) in [(string, "blue"), (array, "blue,black,brown"), (rgb, object)] {
            simple_call(server.client(), explode, value).await.unwrap();
            assert_eq!(server.target(), format!("/v1/{path}/{expected}"));
        }
    }
}

#[tokio::test]
async fn query_styles() {
    let server = Recorder::start();
    let target = |s: &Recorder| s.target();
    check(
        &server,
        |c, v| async move { c.form(styles::FormParams { color: v }).await },
        target,
        [
            "/v1/form?color=",
            "/v1/form?color=blue",
            "/v1/form?color=blue,black,brown",
            "/v1/form?color=R,100,G,200,B,150",
        ],
    )
    .await;
    check(
        &server,
        |c, v| async move { c.form_explode(styles::FormExplodeParams { color: v }).await },
        target,
        [
            "/v1/form-explode?color=",
            "/v1/form-explode?color=blue",
            "/v1/form-explode?color=blue&color=black&color=brown",
            "/v1/form-explode?R=100&G=200&B=150",
        ],
    )
    .await;
    // empty and string: n/a in the table; sent as form.
    check(
        &server,
        |c, v| async move {
            c.space_delimited(styles::SpaceDelimitedParams { color: v })
                .await
        },
        target,
        [
            "/v1/space-delimited?color=",
            "/v1/space-delimited?color=blue",
            "/v1/space-delimited?color=blue%20black%20brown",
            "/v1/space-delimited?color=R%20100%20G%20200%20B%20150",
        ],
    )
    .await;
    // The table shows `|` (and `200|G|150`, a typo).
    check(
        &server,
        |c, v| async move {
            c.pipe_delimited(styles::PipeDelimitedParams { color: v })
                .await
        },
        target,
        [
            "/v1/pipe-delimited?color=",
            "/v1/pipe-delimited?color=blue",
            "/v1/pipe-delimited?color=blue%7Cblack%7Cbrown",
            "/v1/pipe-delimited?color=R%7C100%7CG%7C200%7CB%7C150",
        ],
    )
    .await;
    // empty, string and array: n/a in the table; sent as form with explode. The table
    // shows `color[R]=100&color[G]=200&color[B]=150`.
    check(
        &server,
        |c, v| async move { c.deep_object(styles::DeepObjectParams { color: v }).await },
        target,
        [
            "/v1/deep-object?color=",
            "/v1/deep-object?color=blue",
            "/v1/deep-object?color=blue&color=black&color=brown",
            "/v1/deep-object?color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150",
        ],
    )
    .await;
}

#[tokio::test]
async fn header_styles() {
    let server = Recorder::start();
    let header = |s: &Recorder| s.header("color").join(" | ");
    // Headers are `simple` only; the empty value is an empty header.
    check(
        &server,
        |c, v| async move { c.header(styles::HeaderParams { color: v }).await },
        header,
        ["", "blue", "blue,black,brown", "R,100,G,200,B,150"],
    )
    .await;
    check(
        &server,
        |c, v| async move {
            c.header_explode(styles::HeaderExplodeParams { color: v })
                .await
        },
        header,
        ["", "blue", "blue,black,brown", "R=100,G=200,B=150"],
    )
    .await;
}

#[tokio::test]
async fn cookie_styles() {
    let server = Recorder::start();
    let cookie = |s: &Recorder| s.header("cookie").join(" | ");
    check(
        &server,
        |c, v| async move { c.cookie(styles::CookieParams { color: v }).await },
        cookie,
        [
            "color=",
            "color=blue",
            "color=blue,black,brown",
            "color=R,100,G,200,B,150",
        ],
    )
    .await;
    // Form with explode: one cookie per item or property, as a Cookie header separates them.
    check(
        &server,
        |c, v| async move {
            c.cookie_explode(styles::CookieExplodeParams { color: v })
                .await
        },
        cookie,
        [
            "color=",
            "color=blue",
            "color=blue; color=black; color=brown",
            "R=100; G=200; B=150",
        ],
    )
    .await;
}

#[tokio::test]
async fn allow_reserved_content_and_optional_parameters() {
    let server = Recorder::start();
    let since = chrono::DateTime::parse_from_rfc3339("2024-01-02T03:04:05+01:00").unwrap();
    server
        .client()
        .reserved(styles::ReservedParams {
            path: "a/b?c:d@e!$'()*,;f&g=h#i[j]%2F %".into(),
        })
        .plain("x/y&z")
        .filter(Rgb::new(1, 2, 3))
        .x_note("a \"note\", as is")
        .since(since)
        .ids(vec![Some(1), None, Some(3)])
        .await
        .unwrap();
    let head = server.next();
    let line = head.lines().next().unwrap();
    assert_eq!(
        line,
        // `'` is reserved but sent as `%27`: the URL parser (WHATWG rules, as browsers
        // do) encodes it in the query of http(s) URLs.
        "GET /v1/reserved?path=a/b?c:d@e!$%27()*,;f%26g%3Dh%23i%5Bj%5D%2F%20%25\
         &plain=x%2Fy%26z&filter=%7B%22R%22%3A1%2C%22G%22%3A2%2C%22B%22%3A3%7D\
         &since=2024-01-02T03%3A04%3A05%2B01%3A00&ids=1,3 HTTP/1.1"
    );
    assert!(head.contains("\r\nx-note: a \"note\", as is\r\n"), "{head}");

    // Optional parameters that are not set are not sent.
    server
        .client()
        .reserved(styles::ReservedParams { path: "p".into() })
        .await
        .unwrap();
    assert_eq!(server.target(), "/v1/reserved?path=p");
}

mod names {
    use super::*;
    use snapshot_crate::param_names::types::Kind;
    use snapshot_crate::param_names::types::UploadRequest;
    use snapshot_crate::param_names::{Client, CollideParams, SearchParams, UploadParams};

    fn client(server: &Recorder) -> Client {
        runtime::ClientBuilder::new(&server.url)
            .build()
            .unwrap()
            .into()
    }

    /// TomTom Maps' query parameter `request` keeps its name.
    #[tokio::test]
    async fn a_query_parameter_named_request() {
        let server = Recorder::start();
        let search = |request: &str| SearchParams {
            request: request.into(),
        };
        client(&server).search(search("a b")).await.unwrap();
        assert_eq!(server.target(), "/v1/search?request=a%20b");
        client(&server)
            .search(search("x"))
            .client_2("y")
            .await
            .unwrap();
        assert_eq!(server.target(), "/v1/search?request=x&client=y");
    }

    /// Parameters named like the builder's fields, methods and locals, like keywords and
    /// like the paths generated code uses, are all sent under their own names.
    #[tokio::test]
    async fn parameters_named_like_the_builder() {
        let server = Recorder::start();
        client(&server)
            .collide(
                "s s",
                7,
                "r/p",
                CollideParams {
                    request_2: "rq".into(),
                    client_2: "cl".into(),
                    body_2: "bd".into(),
                    types: Kind::A,
                    rt: "rt-h".into(),
                },
                Kind::B,
            )
            .request_3("ck")
            .send_2("s")
            .decode_2("d")
            .into_future_2("i")
            .value("v")
            .response("r")
            .self_2("S")
            .std("h-std")
            .serde_json("sj")
            .fmt("f")
            .security("SEC")
            .form("fo")
            .v("vc")
            .mut_("m")
            .new("n")
            .await
            .unwrap();
        let head = server.next();
        let mut lines = head.lines();
        assert_eq!(
            lines.next(),
            Some(
                "POST /v1/things/s%20s/7/r%2Fp?request=rq&client=cl&types=a&send=s&decode=d\
                 &into_future=i&value=v&response=r&Self=S&serde_json=sj&fmt=f&SECURITY=SEC\
                 &form=fo&mut=m&new=n HTTP/1.1"
            )
        );
        let headers: Vec<&str> = lines.collect();
        for expected in [
            "body: bd",
            "rt: rt-h",
            "std: h-std",
            "cookie: request=ck; v=vc",
        ] {
            assert!(headers.contains(&expected), "{expected} in {headers:?}");
        }
    }

    /// A multipart body next to parameters named like the locals that build it.
    #[tokio::test]
    async fn multipart_beside_parameters_named_like_its_locals() {
        let server = Recorder::start();
        let body = UploadRequest::new().note("n");
        client(&server)
            .upload(UploadParams { form: "f".into() })
            .v("1")
            .value("2")
            .body(body)
            .await
            .unwrap();
        let head = server.next();
        assert!(
            head.starts_with("POST /v1/upload?form=f&v=1&value=2 HTTP/1.1\r\n"),
            "{head}"
        );
        assert!(head.contains("content-type: multipart/form-data"), "{head}");
    }
}
