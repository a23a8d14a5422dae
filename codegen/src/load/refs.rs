//! Which `$ref`s the typed parse can take as they are, judged by their place.
//!
//! `openapiv3` follows a reference only when it names a component of the kind its place
//! holds: a response `$ref` must be `#/components/responses/<name>`, a schema `$ref`
//! `#/components/schemas/<name>`. Any other reference (into `paths`, into a component's
//! property, into another file, percent-encoded, or to a component of another kind, as
//! a response `$ref` to a schema) needs the normalising pass ([`crate::normalize`]).
//! The scan of the text ([`super::index`]) asks [`needs_normalizing`] for every `$ref`
//! member it meets, with the keys that lead to it, so the decision costs one walk of
//! the keys per reference and no second reading of the document.
//!
//! Only `$ref` members count: a path such as OData's `/users/{id}/manager/$ref`, or a
//! `$ref` inside example data, is not a reference.

use crate::operations::METHODS;

/// The component kinds of OpenAPI 3.0, which `openapiv3` resolves by name.
pub(crate) const KINDS: &[&str] = &[
    "schemas",
    "parameters",
    "responses",
    "requestBodies",
    "headers",
    "examples",
    "securitySchemes",
    "links",
    "callbacks",
];

/// One step from a node to a member: a key of a mapping or an item of a sequence.
#[derive(Debug, Clone, Copy)]
pub(super) enum Step<'a> {
    /// A mapping member.
    Key(&'a str),
    /// A sequence item, or a key that is not text.
    Other,
}

/// What a node is, as far as references care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Root,
    Components,
    /// A mapping of names (or paths, status codes, expressions) to nodes of one place.
    MapOf(Object),
    /// A sequence of nodes of one place.
    ListOf(Object),
    Node(Object),
    /// Data (`example`, `default`, `enum`, extensions): a `$ref` there is no reference.
    Data,
    /// Anything else: a `$ref` there is judged without a kind.
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Object {
    PathItem,
    Operation,
    Parameter,
    Header,
    RequestBody,
    Response,
    MediaType,
    Encoding,
    Example,
    Link,
    Callback,
    Schema,
    SecurityScheme,
}

impl Place {
    fn step(self, step: Step<'_>) -> Place {
        use Object::*;
        use Place::*;
        let key = match step {
            Step::Key(k) => k,
            Step::Other => {
                return match self {
                    ListOf(item) => Node(item),
                    // A schema's `items` written as a list (tuple form).
                    Node(Schema) => Node(Schema),
                    Data => Data,
                    _ => Unknown,
                };
            }
        };
        // An extension of an object with fixed fields is data; in a mapping of names
        // (`properties`, `components/schemas`) `x-` starts a name like any other.
        if key.starts_with("x-") && !matches!(self, MapOf(_)) {
            return Data;
        }
        match self {
            Root => match key {
                "paths" => MapOf(PathItem),
                "components" => Components,
                _ => Unknown,
            },
            Components => match key {
                "schemas" => MapOf(Schema),
                "parameters" => MapOf(Parameter),
                "responses" => MapOf(Response),
                "requestBodies" => MapOf(RequestBody),
                "headers" => MapOf(Header),
                "examples" => MapOf(Example),
                "links" => MapOf(Link),
                "callbacks" => MapOf(Callback),
                "securitySchemes" => MapOf(SecurityScheme),
                "pathItems" => MapOf(PathItem),
                _ => Unknown,
            },
            MapOf(item) => Node(item),
            ListOf(_) => Unknown,
            Node(PathItem) => match key {
                "parameters" => ListOf(Parameter),
                _ if METHODS.contains(&key) => Node(Operation),
                _ => Unknown,
            },
            Node(Operation) => match key {
                "parameters" => ListOf(Parameter),
                "requestBody" => Node(RequestBody),
                "responses" => MapOf(Response),
                "callbacks" => MapOf(Callback),
                _ => Unknown,
            },
            Node(Parameter | Header) => match key {
                "schema" => Node(Schema),
                "content" => MapOf(MediaType),
                "examples" => MapOf(Example),
                "example" => Data,
                _ => Unknown,
            },
            Node(RequestBody) => match key {
                "content" => MapOf(MediaType),
                _ => Unknown,
            },
            Node(Response) => match key {
                "headers" => MapOf(Header),
                "content" => MapOf(MediaType),
                "links" => MapOf(Link),
                _ => Unknown,
            },
            Node(MediaType) => match key {
                "schema" => Node(Schema),
                "examples" => MapOf(Example),
                "encoding" => MapOf(Encoding),
                "example" => Data,
                _ => Unknown,
            },
            Node(Encoding) => match key {
                "headers" => MapOf(Header),
                _ => Unknown,
            },
            Node(Example) => match key {
                "value" => Data,
                _ => Unknown,
            },
            Node(Callback) => Node(PathItem),
            Node(Schema) => match key {
                "properties" | "patternProperties" | "$defs" | "definitions"
                | "dependentSchemas" => MapOf(Schema),
                "items"
                | "additionalProperties"
                | "not"
                | "contains"
                | "propertyNames"
                | "if"
                | "then"
                | "else"
                | "additionalItems"
                | "unevaluatedItems"
                | "unevaluatedProperties"
                | "contentSchema" => Node(Schema),
                "allOf" | "anyOf" | "oneOf" | "prefixItems" => ListOf(Schema),
                "example" | "examples" | "default" | "enum" | "const" => Data,
                _ => Unknown,
            },
            Node(Link | SecurityScheme) => Unknown,
            Data => Data,
            Unknown => Unknown,
        }
    }
}

/// Whether the mapping that `path` leads to is a schema. A schema `$ref` with sibling
/// keywords (`description`, `nullable`, `required`, ...) goes through the normalising
/// pass too, which reads it as the referenced type annotated (OpenAPI 3.1's meaning,
/// and what 3.0 authors who write it intend); the typed parse would drop the siblings,
/// so without this a document's types would depend on whether something else in it
/// needed the pass.
pub(super) fn is_schema<'a>(path: impl IntoIterator<Item = Step<'a>>) -> bool {
    path.into_iter().fold(Place::Root, Place::step) == Place::Node(Object::Schema)
}

/// Whether the `$ref` member with value `target`, in the mapping that `path` leads to
/// from the document's root, needs the normalising pass.
pub(super) fn needs_normalizing<'a>(
    path: impl IntoIterator<Item = Step<'a>>,
    target: &str,
) -> bool {
    let place = path.into_iter().fold(Place::Root, Place::step);
    let kind = match place {
        Place::Data => return false,
        // `openapiv3` reads a path item `$ref` but nothing follows it, and it has no
        // reference among an operation's callbacks.
        Place::Node(Object::PathItem | Object::Callback) => return true,
        Place::Node(Object::Parameter) => Some("parameters"),
        Place::Node(Object::Header) => Some("headers"),
        Place::Node(Object::RequestBody) => Some("requestBodies"),
        Place::Node(Object::Response) => Some("responses"),
        Place::Node(Object::Example) => Some("examples"),
        Place::Node(Object::Link) => Some("links"),
        Place::Node(Object::Schema) => Some("schemas"),
        Place::Node(Object::SecurityScheme) => Some("securitySchemes"),
        // Objects with no `$ref` of their own, and places not known: judged without a kind.
        _ => None,
    };
    let Some((found, name)) = target
        .strip_prefix("#/components/")
        .and_then(|tail| tail.split_once('/'))
    else {
        return true;
    };
    let named = KINDS.contains(&found) && !name.is_empty() && !name.contains(['/', '%']);
    !named || kind.is_some_and(|k| k != found)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys separated by `|` (keys may hold `/`), `#` for a sequence item.
    fn judge(path: &str, target: &str) -> bool {
        let steps: Vec<Step<'_>> = path
            .split('|')
            .map(|s| if s == "#" { Step::Other } else { Step::Key(s) })
            .collect();
        needs_normalizing(steps, target)
    }

    #[test]
    fn a_reference_to_a_component_of_its_own_kind_is_read_as_it_is() {
        for (path, target) in [
            (
                "paths|/a|get|responses|200",
                "#/components/responses/NotFound",
            ),
            ("paths|/a|get|parameters|#", "#/components/parameters/limit"),
            ("paths|/a|parameters|#", "#/components/parameters/limit"),
            (
                "paths|/a|post|requestBody",
                "#/components/requestBodies/Pet",
            ),
            (
                "paths|/a|get|responses|200|content|application/json|schema",
                "#/components/schemas/Pet",
            ),
            (
                "paths|/a|get|responses|200|headers|X-Rate",
                "#/components/headers/Rate",
            ),
            (
                "components|schemas|Pet|properties|owner",
                "#/components/schemas/Owner",
            ),
            (
                "components|schemas|Pet|allOf|#",
                "#/components/schemas/Base",
            ),
            (
                "components|responses|Gone",
                "#/components/responses/NotFound",
            ),
            // In example data a `$ref` member is data, not a reference.
            ("components|schemas|Pet|example", "anything at all"),
            (
                "paths|/a|get|responses|200|content|application/json|example",
                "#/x",
            ),
        ] {
            assert!(!judge(path, target), "{path}: {target}");
        }
    }

    #[test]
    fn a_reference_to_another_kind_or_place_needs_the_pass() {
        for (path, target) in [
            // swaggerhub.com: a response that names a schema.
            (
                "paths|/a|get|responses|400",
                "#/components/schemas/BadRequest",
            ),
            ("paths|/a|get|parameters|#", "#/components/schemas/Limit"),
            (
                "paths|/a|get|responses|200|content|application/json|schema",
                "#/paths/~1b/get/responses/200/content/application~1json/schema",
            ),
            (
                "components|schemas|Disk|properties|fs",
                "#/components/schemas/A/properties/b",
            ),
            ("components|schemas|A", "common.yaml#/components/schemas/E"),
            ("components|schemas|A", "#/components/schemas/A%20B"),
            // A path item `$ref`, whatever it names, and a callback's (peertube).
            ("paths|/a", "#/components/pathItems/A"),
            (
                "paths|/a|post|callbacks|done",
                "#/components/callbacks/done",
            ),
            // A schema `$ref` to a response (rumble.run): the pass reports it, located.
            ("components|schemas|A|items", "#/components/responses/R"),
        ] {
            assert!(judge(path, target), "{path}: {target}");
        }
    }

    #[test]
    fn schemas_are_told_from_other_places() {
        let path = |p: &'static str| -> Vec<Step<'static>> {
            p.split('|')
                .map(|s| if s == "#" { Step::Other } else { Step::Key(s) })
                .collect()
        };
        for yes in [
            "components|schemas|Track|properties|user",
            "paths|/a|post|requestBody|content|multipart/form-data|schema",
            "components|parameters|p|schema",
            "components|schemas|A|allOf|#",
        ] {
            assert!(is_schema(path(yes)), "{yes}");
        }
        for no in [
            "paths|/a|get|responses|200",
            "components|schemas|A|example",
            "components|schemas|A|properties",
            "paths|/a|get|parameters|#",
        ] {
            assert!(!is_schema(path(no)), "{no}");
        }
    }

    #[test]
    fn property_names_are_not_places() {
        // A property called `responses` holds a schema, not responses.
        assert!(!judge(
            "components|schemas|Api|properties|responses",
            "#/components/schemas/Responses"
        ));
        assert!(judge(
            "components|schemas|Api|properties|responses",
            "#/components/responses/R"
        ));
        // Where the kind is not known, any component by name is taken as it is.
        assert!(!judge("info|x", "#/components/responses/R"));
        assert!(judge("info|x", "#/info"));
    }
}
