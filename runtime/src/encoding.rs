//! Percent-encoding of paths, query strings and form bodies, and the OpenAPI 3.0
//! parameter styles ([`Style`]).

use std::fmt;

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS, NON_ALPHANUMERIC};
use reqwest::Url;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Everything except the RFC 3986 unreserved characters `A-Z a-z 0-9 - . _ ~`.
///
/// Strict on purpose: the result means the same to every server, in a query string and in
/// an `application/x-www-form-urlencoded` body alike (a space becomes `%20`, never `+`).
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// What `allowReserved: true` leaves as it is, beside the unreserved characters: the
/// RFC 3986 reserved characters that mean nothing special inside a query value. `&`, `=`
/// and `+` (pair separators and the form encoding of a space), and `#`, `[`, `]` (not
/// allowed in a query at all) are still encoded, as OpenAPI 3.0.4 and 3.1.1 clarify.
const RESERVED_ALLOWED: &AsciiSet = &COMPONENT
    .remove(b':')
    .remove(b'/')
    .remove(b'?')
    .remove(b'@')
    .remove(b'!')
    .remove(b'$')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b',')
    .remove(b';');

/// What cannot appear in a cookie value (RFC 6265 `cookie-octet`): controls, space, `"`,
/// `,`, `;`, a backslash and non-ASCII; `%` too, so that the encoding can be undone.
const COOKIE_OCTETS: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b',')
    .add(b';')
    .add(b'\\')
    .add(b'%');

/// Percent-encodes one query name or value, or one form field name or value.
pub(crate) fn component(text: &str) -> String {
    utf8_percent_encode(text, COMPONENT).to_string()
}

/// Percent-encodes a query value with `allowReserved: true`: reserved characters that are
/// harmless in a query value and percent-encoded triples (`%2F`) pass through unchanged
/// (RFC 6570 reserved expansion); everything else is encoded as by [`component`].
pub(crate) fn reserved(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('%') {
        out.extend(utf8_percent_encode(&rest[..at], RESERVED_ALLOWED));
        let triple = rest.as_bytes().get(at + 1..at + 3);
        if triple.is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)) {
            out.push_str(&rest[at..at + 3]);
            rest = &rest[at + 3..];
        } else {
            out.push_str("%25");
            rest = &rest[at + 1..];
        }
    }
    out.extend(utf8_percent_encode(rest, RESERVED_ALLOWED));
    out
}

/// Percent-encodes what a cookie value cannot hold, and nothing else.
fn cookie_octets(text: &str) -> String {
    utf8_percent_encode(text, COOKIE_OCTETS).to_string()
}

/// Joins already-encoded pairs as `a=1&b=2`.
pub(crate) fn join_pairs(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Appends already-encoded pairs to the query of `url`, after any query it has.
pub(crate) fn append_query(url: &mut Url, pairs: &[(String, String)]) {
    if pairs.is_empty() {
        return;
    }
    let added = join_pairs(pairs);
    let query = match url.query() {
        Some(existing) if !existing.is_empty() => format!("{existing}&{added}"),
        _ => added,
    };
    url.set_query(Some(&query));
}

/// Appends `segments` to the path of `base`, each percent-encoded as exactly one segment.
///
/// Empty, `.` and `..` segments are refused: a URL cannot carry them as data, and sending
/// `DELETE /repos/owner/` for an empty repository name would address another resource.
pub(crate) fn join_path(base: &Url, segments: &[&str]) -> Result<Url, String> {
    if let Some(bad) = segments.iter().find(|s| matches!(**s, "" | "." | "..")) {
        return Err(format!(
            "path segment {bad:?} cannot be sent as one URL path segment"
        ));
    }
    let mut url = base.clone();
    url.path_segments_mut()
        .map_err(|()| "the base URL cannot have a path".to_owned())?
        .pop_if_empty()
        .extend(segments);
    Ok(url)
}

/// How a parameter's value is written into the request: an OpenAPI 3.0 `style` with its
/// `explode` and `allowReserved`, or how a parameter with `content` is sent.
///
/// The value is serialised with serde first, so any `Serialize` type can be sent:
/// strings, numbers and booleans are primitives, sequences are arrays, and maps and
/// structs are objects (in their serialisation order). What the styles cannot express
/// is never lost: `null` (and so `None`) is "undefined" and leaves the parameter out, as
/// does an empty array or object; `null` items and properties are left out; an array or
/// object nested inside an array or object is sent as its JSON text.
///
/// The renderings follow the "Style Examples" table of the OpenAPI 3.0 specification
/// (RFC 6570 for `matrix`, `label`, `simple` and `form`), percent-encoded as each place
/// needs:
///
/// | style | place | `color` = `["blue","black","brown"]` | `color` = `{"R":100,"G":200}` |
/// |---|---|---|---|
/// | `simple` | path, header | `blue,black,brown` | `R,100,G,200` (explode: `R=100,G=200`) |
/// | `label` | path | `.blue,black,brown` (explode: `.blue.black.brown`) | `.R,100,G,200` (explode: `.R=100.G=200`) |
/// | `matrix` | path | `;color=blue,black,brown` (explode: `;color=blue;color=black;color=brown`) | `;color=R,100,G,200` (explode: `;R=100;G=200`) |
/// | `form` | query, cookie | `color=blue,black,brown` (explode: `color=blue&color=black&color=brown`) | `color=R,100,G,200` (explode: `R=100&G=200`) |
/// | `spaceDelimited` | query | `color=blue%20black%20brown` | `color=R%20100%20G%20200` |
/// | `pipeDelimited` | query | `color=blue%7Cblack%7Cbrown` | `color=R%7C100%7CG%7C200` |
/// | `deepObject` | query | (as `form` with explode) | `color%5BR%5D=100&color%5BG%5D=200` |
///
/// Values (and names) are percent-encoded except for the RFC 3986 unreserved characters,
/// in a path, a query and a cookie; the delimiters a style adds are kept as the table
/// shows them, except `|`, `[` and `]`, which RFC 3986 does not allow in a query and which
/// are sent as `%7C`, `%5B` and `%5D` (as OpenAPI 3.0.4's table shows). Header values are
/// sent as they are. In a cookie, exploded values become separate cookies
/// (`color=blue; color=black`), as a `Cookie` header separates them.
///
/// `label` without explode joins with commas, as RFC 6570 (which OpenAPI names as its
/// definition) and OpenAPI 3.0.4 do; the 3.0.3 table's `.blue.black.brown` was corrected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    kind: Kind,
    explode: bool,
    allow_reserved: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Matrix,
    Label,
    Simple,
    Form,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
    Json,
    Text,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Matrix => "matrix",
            Kind::Label => "label",
            Kind::Simple => "simple",
            Kind::Form => "form",
            Kind::SpaceDelimited => "spaceDelimited",
            Kind::PipeDelimited => "pipeDelimited",
            Kind::DeepObject => "deepObject",
            Kind::Json => "json",
            Kind::Text => "text",
        }
    }
}

impl Style {
    const fn of(kind: Kind) -> Self {
        Self {
            kind,
            // OpenAPI: `explode` defaults to true for `form` and to false for the others.
            explode: matches!(kind, Kind::Form),
            allow_reserved: false,
        }
    }

    /// `style: matrix` (path): `;color=blue`.
    pub const fn matrix() -> Self {
        Self::of(Kind::Matrix)
    }

    /// `style: label` (path): `.blue`.
    pub const fn label() -> Self {
        Self::of(Kind::Label)
    }

    /// `style: simple` (path and header, their default): `blue`.
    pub const fn simple() -> Self {
        Self::of(Kind::Simple)
    }

    /// `style: form` (query and cookie, their default), exploded unless
    /// [`explode(false)`](Style::explode) says otherwise: `color=blue`.
    pub const fn form() -> Self {
        Self::of(Kind::Form)
    }

    /// `style: spaceDelimited` (query): `color=blue%20black`.
    pub const fn space_delimited() -> Self {
        Self::of(Kind::SpaceDelimited)
    }

    /// `style: pipeDelimited` (query): `color=blue%7Cblack`.
    pub const fn pipe_delimited() -> Self {
        Self::of(Kind::PipeDelimited)
    }

    /// `style: deepObject` (query): `color%5BR%5D=100`.
    pub const fn deep_object() -> Self {
        Self::of(Kind::DeepObject)
    }

    /// A parameter with `content` of a JSON media type: the value's JSON text (a string
    /// keeps its quotes), percent-encoded in a path and query, as it is in a header.
    pub const fn json() -> Self {
        Self::of(Kind::Json)
    }

    /// A parameter with `content` of another media type (such as `text/plain`): the
    /// value's text (a string as it is, anything else as JSON), percent-encoded in a
    /// path and query, in a cookie only where a cookie value cannot hold a character.
    pub const fn text() -> Self {
        Self::of(Kind::Text)
    }

    /// Sets `explode`.
    pub const fn explode(mut self, explode: bool) -> Self {
        self.explode = explode;
        self
    }

    /// Sets `allowReserved` (query only): reserved characters that are harmless in a
    /// query value (`:/?@!$'()*,;`) and percent-encoded triples are sent as they are
    /// (except `'`, which the URL parser encodes as `%27` in http(s) queries).
    pub const fn allow_reserved(mut self, allow_reserved: bool) -> Self {
        self.allow_reserved = allow_reserved;
        self
    }
}

/// A parameter value as the styles see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Shape {
    /// `null`, an empty array or an empty object (RFC 6570: undefined).
    Undefined,
    /// A string, number or boolean, as text.
    Scalar(String),
    /// The texts of an array's items (`null` items left out).
    List(Vec<String>),
    /// An object's properties with their texts, in order (`null` properties left out).
    Map(Vec<(String, String)>),
}

impl Shape {
    /// Serialises `value` and reads it the way `style` sees it.
    pub(crate) fn of<T: Serialize + ?Sized>(value: &T, style: Style) -> Result<Self, String> {
        let json = serde_json::to_string(value).map_err(|error| error.to_string())?;
        Self::from_json(&json, style)
    }

    fn from_json(json: &str, style: Style) -> Result<Self, String> {
        let shape = match style.kind {
            Kind::Json if json == "null" => Shape::Undefined,
            Kind::Json => Shape::Scalar(json.to_owned()),
            Kind::Text => match serde_json::from_str::<Value>(json) {
                Ok(Value::Null) => Shape::Undefined,
                Ok(Value::String(text)) => Shape::Scalar(text),
                Ok(_) => Shape::Scalar(json.to_owned()),
                Err(error) => return Err(error.to_string()),
            },
            _ => serde_json::from_str(json).map_err(|error| error.to_string())?,
        };
        Ok(shape)
    }
}

/// The text of an item or property: strings bare, `null` as nothing, nested arrays and
/// objects as JSON text.
fn item_text(value: Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text),
        other => Some(other.to_string()),
    }
}

impl<'de> Deserialize<'de> for Shape {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ShapeVisitor)
    }
}

/// Reads the top level of a JSON value, keeping the order of an object's properties
/// (which `serde_json::Map` only keeps with its `preserve_order` feature).
struct ShapeVisitor;

impl<'de> Visitor<'de> for ShapeVisitor {
    type Value = Shape;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Shape, E> {
        Ok(Shape::Scalar(value.to_string()))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Shape, E> {
        Ok(Shape::Scalar(value.to_string()))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Shape, E> {
        Ok(Shape::Scalar(value.to_string()))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Shape, E> {
        // Written as serde_json writes it (`1.5`, `100.0`).
        Ok(Shape::Scalar(Value::from(value).to_string()))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Shape, E> {
        Ok(Shape::Scalar(value.to_owned()))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Shape, E> {
        Ok(Shape::Scalar(value))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Shape, E> {
        Ok(Shape::Undefined)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Shape, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Value>()? {
            items.extend(item_text(item));
        }
        Ok(if items.is_empty() {
            Shape::Undefined
        } else {
            Shape::List(items)
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Shape, A::Error> {
        let mut pairs = Vec::new();
        while let Some((key, value)) = map.next_entry::<String, Value>()? {
            if let Some(text) = item_text(value) {
                pairs.push((key, text));
            }
        }
        Ok(if pairs.is_empty() {
            Shape::Undefined
        } else {
            Shape::Map(pairs)
        })
    }
}

type Encode = fn(&str) -> String;

fn join(items: &[String], encode: Encode, separator: &str) -> String {
    items
        .iter()
        .map(|item| encode(item))
        .collect::<Vec<_>>()
        .join(separator)
}

/// An object's properties as one value: `R,100,G,200` (or `R=100,G=200` exploded).
fn join_pairs_as_value(
    pairs: &[(String, String)],
    encode: Encode,
    explode: bool,
    separator: &str,
) -> String {
    pairs
        .iter()
        .map(|(key, value)| {
            let (key, value) = (encode(key), encode(value));
            if explode {
                format!("{key}={value}")
            } else {
                format!("{key}{separator}{value}")
            }
        })
        .collect::<Vec<_>>()
        .join(separator)
}

/// `;name` or `;name=value` (RFC 6570 leaves out `=` before an empty value in `;`).
fn matrix_pair(name: &str, value: &str) -> String {
    if value.is_empty() {
        format!(";{name}")
    } else {
        format!(";{name}={value}")
    }
}

fn wrong_place(style: Style, place: &str) -> String {
    format!("style `{}` cannot be used in {place}", style.kind.name())
}

/// The percent-encoded text of a path parameter, which replaces its `{name}` in the path.
pub(crate) fn path_text(name: &str, shape: &Shape, style: Style) -> Result<String, String> {
    if !matches!(
        style.kind,
        Kind::Simple | Kind::Label | Kind::Matrix | Kind::Json | Kind::Text
    ) {
        return Err(wrong_place(style, "a path"));
    }
    let e: Encode = component;
    let explode = style.explode;
    let text = match (style.kind, shape) {
        (_, Shape::Undefined) => String::new(),
        (Kind::Simple | Kind::Json | Kind::Text, Shape::Scalar(value)) => e(value),
        (Kind::Simple | Kind::Json | Kind::Text, Shape::List(items)) => join(items, e, ","),
        (Kind::Simple | Kind::Json | Kind::Text, Shape::Map(pairs)) => {
            join_pairs_as_value(pairs, e, explode, ",")
        }
        (Kind::Label, Shape::Scalar(value)) => format!(".{}", e(value)),
        (Kind::Label, Shape::List(items)) => {
            format!(".{}", join(items, e, if explode { "." } else { "," }))
        }
        (Kind::Label, Shape::Map(pairs)) => {
            let separator = if explode { "." } else { "," };
            format!(".{}", join_pairs_as_value(pairs, e, explode, separator))
        }
        (Kind::Matrix, Shape::Scalar(value)) => matrix_pair(&e(name), &e(value)),
        (Kind::Matrix, Shape::List(items)) if explode => items
            .iter()
            .map(|item| matrix_pair(&e(name), &e(item)))
            .collect(),
        (Kind::Matrix, Shape::List(items)) => format!(";{}={}", e(name), join(items, e, ",")),
        (Kind::Matrix, Shape::Map(pairs)) if explode => pairs
            .iter()
            .map(|(key, value)| matrix_pair(&e(key), &e(value)))
            .collect(),
        (Kind::Matrix, Shape::Map(pairs)) => {
            format!(";{}={}", e(name), join_pairs_as_value(pairs, e, false, ","))
        }
        _ => return Err(wrong_place(style, "a path")),
    };
    Ok(text)
}

/// `form` pairs, already encoded: `name=a&name=b`, `name=a,b`, `k=v&k2=v2`,
/// `name=k,v,k2,v2`.
fn form_pairs(
    name: &str,
    shape: &Shape,
    explode: bool,
    encode: Encode,
    separator: &str,
) -> Vec<(String, String)> {
    let name = component(name);
    match shape {
        Shape::Undefined => Vec::new(),
        Shape::Scalar(value) => vec![(name, encode(value))],
        Shape::List(items) if explode => items
            .iter()
            .map(|item| (name.clone(), encode(item)))
            .collect(),
        Shape::List(items) => vec![(name, join(items, encode, separator))],
        Shape::Map(pairs) if explode => pairs
            .iter()
            .map(|(key, value)| (component(key), encode(value)))
            .collect(),
        Shape::Map(pairs) => vec![(name, join_pairs_as_value(pairs, encode, false, separator))],
    }
}

/// The percent-encoded name/value pairs of a query parameter.
pub(crate) fn query_pairs(
    name: &str,
    shape: &Shape,
    style: Style,
) -> Result<Vec<(String, String)>, String> {
    let e: Encode = if style.allow_reserved {
        reserved
    } else {
        component
    };
    let pairs = match (style.kind, shape) {
        (Kind::Form | Kind::Json | Kind::Text, _) => form_pairs(name, shape, style.explode, e, ","),
        (Kind::SpaceDelimited, _) => form_pairs(name, shape, style.explode, e, "%20"),
        (Kind::PipeDelimited, _) => form_pairs(name, shape, style.explode, e, "%7C"),
        (Kind::DeepObject, Shape::Map(pairs)) => pairs
            .iter()
            .map(|(key, value)| (format!("{}%5B{}%5D", component(name), e(key)), e(value)))
            .collect(),
        // deepObject is defined for objects only; anything else is sent as `form` would
        // (the generator warns about such a parameter).
        (Kind::DeepObject, _) => form_pairs(name, shape, true, e, ","),
        _ => return Err(wrong_place(style, "a query")),
    };
    Ok(pairs)
}

/// The value of a header parameter (`None`: undefined, no header); not encoded.
pub(crate) fn header_text(shape: &Shape, style: Style) -> Result<Option<String>, String> {
    if !matches!(style.kind, Kind::Simple | Kind::Json | Kind::Text) {
        return Err(wrong_place(style, "a header"));
    }
    let e: Encode = str::to_owned;
    let text = match shape {
        Shape::Undefined => None,
        Shape::Scalar(value) => Some(value.clone()),
        Shape::List(items) => Some(join(items, e, ",")),
        Shape::Map(pairs) => Some(join_pairs_as_value(pairs, e, style.explode, ",")),
    };
    Ok(text)
}

/// The encoded cookies of a cookie parameter.
pub(crate) fn cookie_pairs(
    name: &str,
    shape: &Shape,
    style: Style,
) -> Result<Vec<(String, String)>, String> {
    match style.kind {
        Kind::Form => Ok(form_pairs(name, shape, style.explode, component, ",")),
        Kind::Json | Kind::Text => Ok(form_pairs(name, shape, false, cookie_octets, ",")),
        _ => Err(wrong_place(style, "a cookie")),
    }
}

/// What the literal text of a path template cannot hold as it is: what a URL path cannot
/// hold, `%` (the text is not percent-encoded yet) and a backslash (a path separator to
/// URL parsers).
const PATH_LITERAL: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'%')
    .add(b'\\');

/// The URL for `template` (an OpenAPI path such as `/pets/{petId}`) under `base`, each
/// `{name}` replaced by its already-encoded text in `values` (the last one given wins).
///
/// A segment that a parameter makes empty, `.` or `..` is refused, as is a literal `.` or
/// `..` segment: a URL cannot carry them as data (`DELETE /repos/owner/` for an empty
/// repository name would address another resource). A trailing `/` of the template is
/// kept.
pub(crate) fn expand_path(
    base: &Url,
    template: &str,
    values: &[(String, String)],
) -> Result<Url, String> {
    let mut path = String::new();
    for segment in template.split('/').filter(|segment| !segment.is_empty()) {
        let mut expanded = String::new();
        let mut rest = segment;
        let mut has_parameter = false;
        while let Some(start) = rest.find('{') {
            let Some(length) = rest[start..].find('}') else {
                return Err(format!("path template {template:?} has an unclosed `{{`"));
            };
            let name = &rest[start + 1..start + length];
            let Some((_, text)) = values.iter().rev().find(|(given, _)| given == name) else {
                return Err(format!("path parameter `{name}` was not given"));
            };
            expanded.extend(utf8_percent_encode(&rest[..start], PATH_LITERAL));
            expanded.push_str(text);
            has_parameter = true;
            rest = &rest[start + length + 1..];
        }
        expanded.extend(utf8_percent_encode(rest, PATH_LITERAL));
        if matches!(expanded.as_str(), "." | "..") || (has_parameter && expanded.is_empty()) {
            return Err(format!(
                "path segment {expanded:?} (from {segment:?}) cannot be sent as one URL path segment"
            ));
        }
        path.push('/');
        path.push_str(&expanded);
    }
    if template.ends_with('/') {
        path.push('/');
    }
    let mut url = base.clone();
    if url.cannot_be_a_base() {
        return Err("the base URL cannot have a path".to_owned());
    }
    let joined = format!("{}{path}", base.path().trim_end_matches('/'));
    url.set_path(&joined);
    Ok(url)
}

/// The text of one form field: strings bare, `null` as nothing, anything else as JSON.
fn field_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        other => Some(other.to_string()),
    }
}

/// Flattens a serialised form body into (unencoded) name/value pairs.
///
/// The body must serialise to an object. Its fields become form fields: `null` fields are
/// left out; arrays of scalars repeat the field (`tag=a&tag=b`, OpenAPI's default `form`
/// style with `explode`); objects, and arrays holding objects or arrays, are sent as one
/// field holding their JSON text.
pub(crate) fn form_fields(body: &Value) -> Result<Vec<(String, String)>, String> {
    let Value::Object(fields) = body else {
        return Err("a form body must serialise to an object".to_owned());
    };
    let mut pairs = Vec::new();
    for (name, value) in fields {
        match value {
            Value::Array(items) if items.iter().all(is_scalar) => pairs.extend(
                items
                    .iter()
                    .filter_map(field_text)
                    .map(|text| (name.clone(), text)),
            ),
            other => pairs.extend(field_text(other).map(|text| (name.clone(), text))),
        }
    }
    Ok(pairs)
}

fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Array(_) | Value::Object(_))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The `color` object of the specification's style examples, in its order.
    #[derive(Serialize)]
    struct Color {
        #[serde(rename = "R")]
        r: u8,
        #[serde(rename = "G")]
        g: u8,
        #[serde(rename = "B")]
        b: u8,
    }

    const RGB: Color = Color {
        r: 100,
        g: 200,
        b: 150,
    };
    const ARRAY: [&str; 3] = ["blue", "black", "brown"];

    /// The style examples as they are written into a URL: a path parameter's text, or
    /// the query pairs joined with `&`.
    fn in_url<T: Serialize + ?Sized>(style: Style, value: &T) -> String {
        let shape = Shape::of(value, style).unwrap();
        match style.kind {
            Kind::Matrix | Kind::Label | Kind::Simple => path_text("color", &shape, style).unwrap(),
            _ => join_pairs(&query_pairs("color", &shape, style).unwrap()),
        }
    }

    /// The "Style Examples" table of OpenAPI 3.0.3 (4.7.12.4): style, explode, and the
    /// renderings of `""` (the `empty` column), `"blue"`, `["blue","black","brown"]` and
    /// `{"R":100,"G":200,"B":150}`, exactly as sent. Where the table says n/a, the value
    /// is what this crate sends instead; where what is sent differs from the table's
    /// text, `SPEC_TEXT` below says how.
    const TABLE: &[(Style, [&str; 4])] = &[
        (
            Style::matrix(),
            [
                ";color",
                ";color=blue",
                ";color=blue,black,brown",
                ";color=R,100,G,200,B,150",
            ],
        ),
        (
            Style::matrix().explode(true),
            [
                ";color",
                ";color=blue",
                ";color=blue;color=black;color=brown",
                ";R=100;G=200;B=150",
            ],
        ),
        (
            Style::label(),
            [".", ".blue", ".blue,black,brown", ".R,100,G,200,B,150"],
        ),
        (
            Style::label().explode(true),
            [".", ".blue", ".blue.black.brown", ".R=100.G=200.B=150"],
        ),
        (
            Style::form().explode(false),
            [
                "color=",
                "color=blue",
                "color=blue,black,brown",
                "color=R,100,G,200,B,150",
            ],
        ),
        (
            Style::form(),
            [
                "color=",
                "color=blue",
                "color=blue&color=black&color=brown",
                "R=100&G=200&B=150",
            ],
        ),
        // empty: n/a in the table (an empty path segment; OpenAPI 3.0.4 shows it empty).
        (
            Style::simple(),
            ["", "blue", "blue,black,brown", "R,100,G,200,B,150"],
        ),
        (
            Style::simple().explode(true),
            ["", "blue", "blue,black,brown", "R=100,G=200,B=150"],
        ),
        // empty and string: n/a in the table; sent as `form` would send them.
        (
            Style::space_delimited(),
            [
                "color=",
                "color=blue",
                "color=blue%20black%20brown",
                "color=R%20100%20G%20200%20B%20150",
            ],
        ),
        (
            Style::pipe_delimited(),
            [
                "color=",
                "color=blue",
                "color=blue%7Cblack%7Cbrown",
                "color=R%7C100%7CG%7C200%7CB%7C150",
            ],
        ),
        // empty, string and array: n/a in the table; sent as `form` (exploded) would.
        (
            Style::deep_object().explode(true),
            [
                "color=",
                "color=blue",
                "color=blue&color=black&color=brown",
                "color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150",
            ],
        ),
    ];

    #[test]
    fn style_examples_of_the_specification() {
        for (style, [empty, string, array, object]) in TABLE {
            let style = *style;
            assert_eq!(in_url(style, ""), *empty, "{style:?} empty");
            assert_eq!(in_url(style, "blue"), *string, "{style:?} string");
            assert_eq!(in_url(style, &ARRAY), *array, "{style:?} array");
            assert_eq!(in_url(style, &RGB), *object, "{style:?} object");
        }
    }

    /// The cells of the 3.0.3 table that are not sent byte for byte as written there.
    /// `|`, `[` and `]` are not allowed in a URL query (RFC 3986), so they are sent
    /// percent-encoded (OpenAPI 3.0.4's table shows them so); the 3.0.3 table's
    /// pipeDelimited object also has a typo (`200|G|150` for `200|B|150`). `label`
    /// without explode follows RFC 6570 and OpenAPI 3.0.4 (`.blue,black,brown`); the
    /// 3.0.3 table shows the exploded form there.
    const SPEC_TEXT: &[(&str, &str)] = &[
        ("color=blue%7Cblack%7Cbrown", "color=blue|black|brown"),
        (
            "color=R%7C100%7CG%7C200%7CB%7C150",
            "color=R|100|G|200|B|150",
        ),
        (
            "color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150",
            "color[R]=100&color[G]=200&color[B]=150",
        ),
        (".blue,black,brown", ".blue.black.brown"),
        (".R,100,G,200,B,150", ".R.100.G.200.B.150"),
    ];

    #[test]
    fn what_differs_from_the_text_of_the_3_0_3_table() {
        let sent: Vec<&str> = TABLE.iter().flat_map(|(_, cells)| *cells).collect();
        for (ours, table) in SPEC_TEXT {
            assert!(sent.contains(ours), "{ours} is a cell of TABLE");
            let decoded = ours
                .replace("%7C", "|")
                .replace("%5B", "[")
                .replace("%5D", "]");
            if !ours.starts_with('.') {
                assert_eq!(&decoded, table, "only percent-encoding differs");
            }
        }
    }

    #[test]
    fn header_and_cookie_places() {
        let header = |style: Style, value: &dyn erased::Value| {
            header_text(&value.shape(style), style).unwrap()
        };
        let simple = Style::simple();
        assert_eq!(header(simple, &"blue").as_deref(), Some("blue"));
        assert_eq!(header(simple, &ARRAY).as_deref(), Some("blue,black,brown"));
        assert_eq!(header(simple, &RGB).as_deref(), Some("R,100,G,200,B,150"));
        assert_eq!(
            header(simple.explode(true), &RGB).as_deref(),
            Some("R=100,G=200,B=150")
        );
        assert_eq!(
            header(simple, &"a b,c=%").as_deref(),
            Some("a b,c=%"),
            "not encoded"
        );
        assert_eq!(header(simple, &None::<u8>), None);
        assert_eq!(header(simple, &Vec::<u8>::new()), None);
        assert!(header_text(&Shape::Undefined, Style::form()).is_err());

        let cookie = |style: Style, value: &dyn erased::Value| {
            cookie_pairs("color", &value.shape(style), style)
                .unwrap()
                .iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect::<Vec<_>>()
                .join("; ")
        };
        let form = Style::form();
        assert_eq!(cookie(form, &""), "color=");
        assert_eq!(cookie(form, &"blue"), "color=blue");
        assert_eq!(cookie(form, &ARRAY), "color=blue; color=black; color=brown");
        assert_eq!(cookie(form, &RGB), "R=100; G=200; B=150");
        assert_eq!(
            cookie(form.explode(false), &ARRAY),
            "color=blue,black,brown"
        );
        assert_eq!(cookie(form.explode(false), &RGB), "color=R,100,G,200,B,150");
        assert_eq!(cookie(form, &"a b;c=d"), "color=a%20b%3Bc%3Dd");
        assert_eq!(cookie(Style::text(), &"a b;c=d/e"), "color=a%20b%3Bc=d/e");
        assert_eq!(
            cookie(Style::json(), &json!({"a": [1]})),
            "color={%22a%22:[1]}"
        );
        assert!(cookie_pairs("c", &Shape::Undefined, Style::simple()).is_err());
    }

    /// Object-safe access to `Shape::of`, so the closures above take any value.
    mod erased {
        use super::*;

        pub(super) trait Value {
            fn shape(&self, style: Style) -> Shape;
        }

        impl<T: Serialize> Value for T {
            fn shape(&self, style: Style) -> Shape {
                Shape::of(self, style).unwrap()
            }
        }
    }

    #[test]
    fn values_are_encoded_for_their_place() {
        let value = "a b/c,d;e=f&g?h#i[j]é%2F+";
        assert_eq!(
            in_url(Style::simple(), value),
            "a%20b%2Fc%2Cd%3Be%3Df%26g%3Fh%23i%5Bj%5D%C3%A9%252F%2B"
        );
        assert_eq!(
            in_url(Style::form(), value),
            "color=a%20b%2Fc%2Cd%3Be%3Df%26g%3Fh%23i%5Bj%5D%C3%A9%252F%2B"
        );
        // allowReserved keeps `/ , ; ? ` and the triple `%2F`; `& = # [ ] +` stay encoded.
        assert_eq!(
            in_url(Style::form().allow_reserved(true), value),
            "color=a%20b/c,d;e%3Df%26g?h%23i%5Bj%5D%C3%A9%2F%2B"
        );
        assert_eq!(reserved("100%"), "100%25");
        assert_eq!(reserved("%zz%4"), "%25zz%254");
        // Items and keys are encoded one by one: a comma inside an item is not a separator.
        assert_eq!(
            in_url(Style::form().explode(false), &["a,b", "c"]),
            "color=a%2Cb,c"
        );
        assert_eq!(
            in_url(Style::matrix().explode(true), &json!({"k y": "v;w"})),
            ";k%20y=v%3Bw"
        );
        let names =
            join_pairs(&query_pairs("a b[c]", &Shape::Scalar("x".into()), Style::form()).unwrap());
        assert_eq!(names, "a%20b%5Bc%5D=x");
    }

    #[test]
    fn undefined_values_add_nothing() {
        for style in [
            Style::form(),
            Style::form().explode(false),
            Style::deep_object(),
            Style::pipe_delimited(),
        ] {
            assert_eq!(in_url(style, &None::<String>), "");
            assert_eq!(in_url(style, &Vec::<String>::new()), "");
            assert_eq!(in_url(style, &json!({})), "");
            assert_eq!(in_url(style, &json!({"a": null})), "");
        }
        assert_eq!(in_url(Style::matrix(), &None::<String>), "");
        assert_eq!(in_url(Style::label(), &Vec::<u8>::new()), "");
    }

    #[test]
    fn null_items_are_left_out_and_nested_values_are_json() {
        assert_eq!(
            in_url(Style::form(), &json!(["a", null, "b"])),
            "color=a&color=b"
        );
        assert_eq!(
            in_url(
                Style::deep_object(),
                &json!({"a": null, "b": [1, 2], "c": {"d": true}})
            ),
            "color%5Bb%5D=%5B1%2C2%5D&color%5Bc%5D=%7B%22d%22%3Atrue%7D"
        );
        assert_eq!(
            in_url(Style::simple(), &json!([[1], 2.5, true])),
            "%5B1%5D,2.5,true"
        );
    }

    #[test]
    fn json_and_text_content() {
        assert_eq!(in_url(Style::json(), "blue"), "color=%22blue%22");
        assert_eq!(
            in_url(Style::json(), &RGB),
            "color=%7B%22R%22%3A100%2C%22G%22%3A200%2C%22B%22%3A150%7D"
        );
        assert_eq!(in_url(Style::text(), "blue"), "color=blue");
        assert_eq!(
            in_url(Style::text(), &ARRAY),
            "color=%5B%22blue%22%2C%22black%22%2C%22brown%22%5D"
        );
        assert_eq!(in_url(Style::json(), &None::<u8>), "");
        assert_eq!(
            header_text(&Shape::of(&RGB, Style::json()).unwrap(), Style::json())
                .unwrap()
                .as_deref(),
            Some(r#"{"R":100,"G":200,"B":150}"#)
        );
    }

    #[test]
    fn styles_outside_their_place_are_errors() {
        let shape = Shape::Scalar("x".into());
        assert!(path_text("p", &shape, Style::form()).is_err());
        assert!(path_text("p", &shape, Style::deep_object()).is_err());
        assert!(query_pairs("q", &shape, Style::matrix()).is_err());
        assert!(query_pairs("q", &shape, Style::simple()).is_err());
        let message = header_text(&shape, Style::pipe_delimited()).unwrap_err();
        assert_eq!(message, "style `pipeDelimited` cannot be used in a header");
    }

    #[test]
    fn path_templates_are_expanded() {
        let base = Url::parse("http://h/api/?v=1").unwrap();
        let values = [
            ("id".to_owned(), "a%20b".to_owned()),
            ("m".to_owned(), ";x=1".to_owned()),
        ];
        let url = expand_path(&base, "/items/{id}/{id}.json/tag{m}/ä b%", &values).unwrap();
        assert_eq!(
            url.path(),
            "/api/items/a%20b/a%20b.json/tag;x=1/%C3%A4%20b%25"
        );
        assert_eq!(url.query(), Some("v=1"));
        let root = Url::parse("http://h").unwrap();
        assert_eq!(
            expand_path(&root, "/x/", &[]).unwrap().as_str(),
            "http://h/x/"
        );
        assert_eq!(expand_path(&root, "/", &[]).unwrap().as_str(), "http://h/");
        assert!(expand_path(&root, "/{missing}", &values)
            .unwrap_err()
            .contains("`missing`"));
        assert!(expand_path(&root, "/{id", &values).is_err());
        for bad in ["", ".", ".."] {
            let values = [("id".to_owned(), bad.to_owned())];
            assert!(expand_path(&root, "/a/{id}/b", &values).is_err(), "{bad:?}");
        }
        assert!(expand_path(&root, "/a/../b", &[]).is_err());
        let values = [("id".to_owned(), ".".to_owned())];
        assert!(expand_path(&root, "/a/x{id}", &values).is_ok());
    }

    #[test]
    fn component_keeps_only_unreserved() {
        assert_eq!(
            component("a b&c=d/é~-._+,"),
            "a%20b%26c%3Dd%2F%C3%A9~-._%2B%2C"
        );
    }

    #[test]
    fn path_segments_are_encoded_one_by_one() {
        let base = Url::parse("http://h/api/").unwrap();
        let url = join_path(&base, &["a b", "c/d", "é", "x?y#z"]).unwrap();
        assert_eq!(url.path(), "/api/a%20b/c%2Fd/%C3%A9/x%3Fy%23z");
        assert_eq!(url.query(), None);
    }

    #[test]
    fn path_without_trailing_slash() {
        let base = Url::parse("http://h/api").unwrap();
        assert_eq!(join_path(&base, &["v1"]).unwrap().path(), "/api/v1");
        let root = Url::parse("http://h").unwrap();
        assert_eq!(join_path(&root, &["v1", "x"]).unwrap().path(), "/v1/x");
    }

    #[test]
    fn dot_and_empty_segments_are_refused() {
        let base = Url::parse("http://h/").unwrap();
        for bad in ["", ".", ".."] {
            assert!(join_path(&base, &["a", bad]).is_err(), "{bad:?}");
        }
        assert!(join_path(&base, &["...", ".a"]).is_ok());
    }

    #[test]
    fn query_is_appended_after_base_query() {
        let mut url = Url::parse("http://h/p?v=1").unwrap();
        let pairs = [("a", "b%20c"), ("d", "e")].map(|(n, v)| (n.to_owned(), v.to_owned()));
        append_query(&mut url, &pairs);
        assert_eq!(url.query(), Some("v=1&a=b%20c&d=e"));
        let mut plain = Url::parse("http://h/p").unwrap();
        append_query(&mut plain, &[]);
        assert_eq!(plain.query(), None);
    }

    #[test]
    fn form_fields_flatten() {
        let body = json!({
            "name": "a b",
            "n": 3,
            "skip": null,
            "tags": ["x", "y"],
            "nested": {"k": [1]},
            "matrix": [[1], [2]],
        });
        let fields = form_fields(&body).unwrap();
        // Sorted: field order depends on serde_json's `preserve_order` feature.
        let mut text: Vec<String> = fields.iter().map(|(k, v)| format!("{k}={v}")).collect();
        text.sort();
        assert_eq!(
            text,
            [
                "matrix=[[1],[2]]",
                "n=3",
                "name=a b",
                "nested={\"k\":[1]}",
                "tags=x",
                "tags=y",
            ]
        );
        assert!(form_fields(&json!([1])).is_err());
    }
}
