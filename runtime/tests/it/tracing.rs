//! The `tracing` feature: one `request` span per request and one `attempt` span per
//! attempt, with the operation, method, status and attempt number.

use crate::common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use codegen_runtime::reqwest::Method;
use codegen_runtime::RetryPolicy;
use common::builder;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A span's name and the fields recorded on it, as text.
#[derive(Debug, Clone, Default)]
struct SpanData {
    name: &'static str,
    fields: BTreeMap<String, String>,
}

/// Records every span and its fields.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<SpanData>>>);

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, attributes: &Attributes<'_>) -> Id {
        let mut spans = self.0.lock().unwrap();
        let mut data = SpanData {
            name: attributes.metadata().name(),
            ..SpanData::default()
        };
        attributes.record(&mut Fields(&mut data.fields));
        spans.push(data);
        Id::from_u64(spans.len() as u64)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut spans = self.0.lock().unwrap();
        let index = usize::try_from(span.into_u64()).unwrap() - 1;
        values.record(&mut Fields(&mut spans[index].fields));
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, _: &Event<'_>) {}

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

fn field<'a>(span: &'a SpanData, name: &str) -> &'a str {
    span.fields
        .get(name)
        .map(String::as_str)
        .unwrap_or_else(|| panic!("span {} has no field {name}: {span:?}", span.name))
}

#[tokio::test]
async fn a_retried_request_shows_every_attempt() {
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
        .retry(RetryPolicy::exponential(3).base_delay(Duration::from_millis(5)))
        .build()
        .unwrap();

    let recorder = Recorder::default();
    let guard = tracing::subscriber::set_default(recorder.clone());
    let reply = transport
        .request(Method::GET, &["things"])
        .operation("listThings")
        .send::<()>()
        .await
        .unwrap();
    drop(guard);
    assert_eq!(reply.status(), 200);

    let spans = recorder.0.lock().unwrap().clone();
    let requests: Vec<&SpanData> = spans.iter().filter(|s| s.name == "request").collect();
    assert_eq!(requests.len(), 1, "{spans:?}");
    let request = requests[0];
    assert_eq!(field(request, "operation"), "listThings");
    assert_eq!(field(request, "method"), "GET");
    assert_eq!(field(request, "status"), "200");
    assert_eq!(field(request, "attempt"), "2");

    let attempts: Vec<(&str, &str)> = spans
        .iter()
        .filter(|s| s.name == "attempt")
        .map(|s| (field(s, "attempt"), field(s, "status")))
        .collect();
    assert_eq!(attempts, [("1", "503"), ("2", "200")]);
}
