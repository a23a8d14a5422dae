//! Maps a JSON pointer to the line and column of that node in a YAML or JSON document.
//!
//! A view of codegen's position index ([`codegen::load::Positions`]), which the one
//! loader builds in the same pass that checks the document: so `gen`, `lint` and `diff`
//! place nodes the same way, and aliased subtrees are shared, never copied.

use std::sync::Arc;

use codegen::load::Positions;

/// One-based line and column.
pub type Position = (usize, usize);

pub use codegen::load::unescape_token;

/// The positions of every node of one document.
#[derive(Debug, Clone)]
pub struct Locator {
    positions: Arc<Positions>,
}

impl Locator {
    /// A locator over an index the loader already built.
    pub fn from_positions(positions: Arc<Positions>) -> Locator {
        Locator { positions }
    }

    /// The position of the node at `pointer` (RFC 6901). For an entry of a mapping this
    /// is the position of its key. When the pointer goes further than the document, the
    /// position of the deepest node that exists is returned, so a message about a
    /// missing member still points at its parent.
    pub fn locate(&self, pointer: &str) -> Option<Position> {
        self.positions.locate(pointer)
    }
}

/// Escapes one JSON pointer token (`~` → `~0`, `/` → `~1`).
pub fn escape_token(token: &str) -> String {
    codegen::load::escape_pointer_token(token)
}

/// Appends one token to a pointer.
pub fn join(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", escape_token(token))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Locator(super::Locator);

    impl Locator {
        fn new(source: &str) -> Result<Self, String> {
            codegen::load::positions_of(source)
                .map(|p| Locator(super::Locator::from_positions(Arc::new(p))))
                .map_err(|(_, message)| message)
        }

        fn locate(&self, pointer: &str) -> Option<Position> {
            self.0.locate(pointer)
        }
    }

    const YAML: &str = "openapi: 3.0.3\ninfo:\n  title: t\npaths:\n  /a/{id}:\n    get:\n      operationId: getA\n      parameters:\n        - name: id\n          in: path\n        - name: q\n          in: query\n";

    #[test]
    fn finds_keys_and_items() {
        let l = Locator::new(YAML).unwrap();
        assert_eq!(l.locate(""), Some((1, 1)));
        assert_eq!(l.locate("/info/title"), Some((3, 3)));
        assert_eq!(l.locate("/paths/~1a~1{id}/get/operationId"), Some((7, 7)));
        assert_eq!(
            l.locate("/paths/~1a~1{id}/get/parameters/1"),
            Some((11, 11))
        );
        assert_eq!(
            l.locate("/paths/~1a~1{id}/get/parameters/1/in"),
            Some((12, 11))
        );
    }

    #[test]
    fn missing_members_point_at_the_deepest_parent() {
        let l = Locator::new(YAML).unwrap();
        assert_eq!(l.locate("/paths/~1a~1{id}/get/responses"), Some((6, 5)));
        assert_eq!(l.locate("/paths/~1a~1{id}/get/parameters/7"), Some((8, 7)));
    }

    #[test]
    fn json_documents() {
        let src =
            "{\n  \"openapi\": \"3.0.3\",\n  \"paths\": {\n    \"/a\": {\"get\": {}}\n  }\n}\n";
        let l = Locator::new(src).unwrap();
        assert_eq!(l.locate("/paths/~1a/get"), Some((4, 12)));
    }

    #[test]
    fn syntax_errors_are_refused() {
        assert!(Locator::new("a: [1, 2\nb: c\n").is_err());
    }

    #[test]
    fn anchors_and_merge_keys() {
        let src = "base: &b\n  x: 1\nuse:\n  <<: *b\n  y: 2\n";
        let l = Locator::new(src).unwrap();
        assert_eq!(l.locate("/use/y"), Some((5, 3)));
        assert_eq!(l.locate("/use/x"), Some((2, 3)));
    }
}
