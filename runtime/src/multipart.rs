//! [`Multipart`]: a `multipart/form-data` body that can be sent again on every retry.

use std::fmt;

use reqwest::multipart::{Form, Part};
use serde::Serialize;

/// A `multipart/form-data` body.
///
/// Unlike `reqwest::multipart::Form` it is cloneable, so the request can be rebuilt for
/// every attempt. A [`json`](Multipart::json) part that fails to serialise makes the request
/// fail with [`Error::InvalidRequest`](crate::Error::InvalidRequest) when sent.
#[derive(Debug, Clone, Default)]
pub struct Multipart {
    parts: Vec<(String, PartBody)>,
    error: Option<String>,
}

#[derive(Debug, Clone)]
enum PartBody {
    Text(String),
    Json(String),
    File(FilePart),
}

impl Multipart {
    /// An empty form.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a text part.
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.parts.push((name.into(), PartBody::Text(value.into())));
        self
    }

    /// Adds a part holding `value` as JSON, with content type `application/json`.
    pub fn json<T: Serialize>(mut self, name: impl Into<String>, value: &T) -> Self {
        let name = name.into();
        match serde_json::to_string(value) {
            Ok(json) => self.parts.push((name, PartBody::Json(json))),
            Err(error) => {
                self.error
                    .get_or_insert(format!("cannot serialise multipart part `{name}`: {error}"));
            }
        }
        self
    }

    /// Adds a file part.
    pub fn file(mut self, name: impl Into<String>, file: FilePart) -> Self {
        self.parts.push((name.into(), PartBody::File(file)));
        self
    }

    /// Builds a reqwest form for one attempt.
    pub(crate) fn to_form(&self) -> Result<Form, String> {
        if let Some(error) = &self.error {
            return Err(error.clone());
        }
        let mut form = Form::new();
        for (name, body) in &self.parts {
            let part = match body {
                PartBody::Text(text) => Part::text(text.clone()),
                PartBody::Json(json) => {
                    with_mime(Part::text(json.clone()), name, "application/json")?
                }
                PartBody::File(file) => {
                    let mut part = Part::bytes(file.bytes.clone());
                    if let Some(file_name) = &file.file_name {
                        part = part.file_name(file_name.clone());
                    }
                    match &file.content_type {
                        Some(content_type) => with_mime(part, name, content_type)?,
                        None => part,
                    }
                }
            };
            form = form.part(name.clone(), part);
        }
        Ok(form)
    }
}

fn with_mime(part: Part, name: &str, content_type: &str) -> Result<Part, String> {
    part.mime_str(content_type)
        .map_err(|_| format!("invalid content type {content_type:?} for multipart part `{name}`"))
}

/// A file in a [`Multipart`] body. `Debug` shows the length of the content, not the bytes.
#[derive(Clone)]
pub struct FilePart {
    /// The file name sent in `Content-Disposition`.
    pub file_name: Option<String>,
    /// The part's content type; none means the server's default
    /// (`application/octet-stream` for files).
    pub content_type: Option<String>,
    /// The content.
    pub bytes: Vec<u8>,
}

impl FilePart {
    /// A file with this content, no file name and no content type.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Self {
            file_name: None,
            content_type: None,
            bytes: bytes.into(),
        }
    }

    /// Sets the file name.
    pub fn file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = Some(file_name.into());
        self
    }

    /// Sets the content type.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FilePart")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_debug_shows_length_only() {
        let file = FilePart::new(b"secret-bytes".to_vec()).file_name("a.txt");
        let text = format!("{:?}", Multipart::new().file("f", file));
        assert!(text.contains("len: 12"), "{text}");
        assert!(!text.contains("115"), "{text}"); // no byte values
    }

    #[test]
    fn invalid_content_type_is_an_error() {
        let form = Multipart::new().file("f", FilePart::new(vec![1]).content_type("not a type"));
        assert!(form.to_form().is_err());
    }

    #[test]
    fn json_serialisation_failure_is_kept() {
        let mut map = std::collections::HashMap::new();
        map.insert(vec![1u8], 1);
        let form = Multipart::new().json("meta", &map);
        let error = form.to_form().err().unwrap_or_default();
        assert!(error.contains("meta"), "{error}");
    }
}
