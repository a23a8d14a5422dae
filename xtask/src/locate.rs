//! Maps a JSON pointer to the line and column of that node in a YAML or JSON document.
//!
//! `serde_yaml` forgets where values came from, so the document is parsed a second time
//! with `yaml-rust2`'s event parser, which reports a marker for every event. JSON is a
//! subset of YAML, so one path serves both formats.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// One-based line and column.
pub type Position = (usize, usize);

#[derive(Debug, Clone)]
enum Kind {
    Scalar,
    Seq(Vec<Node>),
    Map(Vec<(String, Position, Node)>),
}

#[derive(Debug, Clone)]
struct Node {
    pos: Position,
    kind: Kind,
}

/// The positions of every node of one document.
#[derive(Debug, Clone)]
pub struct Locator {
    root: Option<Node>,
}

/// A YAML syntax error, with where it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// One-based line and column of the error.
    pub position: Position,
    /// What the parser expected.
    pub message: String,
}

impl Locator {
    /// Parses `source`. A document with a syntax error yields the error; use
    /// [`Locator::lenient`] to get a locator that answers `None` instead.
    pub fn new(source: &str) -> Result<Locator, SyntaxError> {
        let mut builder = Builder::default();
        let mut parser = Parser::new_from_str(source);
        parser.load(&mut builder, false).map_err(|e| SyntaxError {
            position: to_position(e.marker()),
            message: e.info().to_string(),
        })?;
        Ok(Locator { root: builder.root })
    }

    /// Like [`Locator::new`], but a document that does not parse gives a locator that
    /// knows no positions.
    pub fn lenient(source: &str) -> Locator {
        Locator::new(source).unwrap_or(Locator { root: None })
    }

    /// The position of the node at `pointer` (RFC 6901). For an entry of a mapping this
    /// is the position of its key. When the pointer goes further than the document, the
    /// position of the deepest node that exists is returned, so a message about a
    /// missing member still points at its parent.
    pub fn locate(&self, pointer: &str) -> Option<Position> {
        let root = self.root.as_ref()?;
        let mut node = root;
        let mut pos = root.pos;
        if pointer.is_empty() {
            return Some(pos);
        }
        for token in pointer.strip_prefix('/').unwrap_or(pointer).split('/') {
            let token = unescape_token(token);
            match &node.kind {
                Kind::Map(entries) => match entries.iter().find(|(k, _, _)| *k == token) {
                    Some((_, key_pos, child)) => {
                        pos = *key_pos;
                        node = child;
                    }
                    None => break,
                },
                Kind::Seq(items) => match token.parse::<usize>().ok().and_then(|i| items.get(i)) {
                    Some(child) => {
                        pos = child.pos;
                        node = child;
                    }
                    None => break,
                },
                Kind::Scalar => break,
            }
        }
        Some(pos)
    }
}

/// Unescapes one JSON pointer token (`~1` → `/`, `~0` → `~`).
pub fn unescape_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Escapes one JSON pointer token (`~` → `~0`, `/` → `~1`).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Appends one token to a pointer.
pub fn join(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", escape_token(token))
}

fn to_position(m: &Marker) -> Position {
    // yaml-rust2 counts lines from 1 and columns from 0.
    (m.line().max(1), m.col() + 1)
}

enum Frame {
    Seq(Position, Vec<Node>, usize),
    Map(
        Position,
        Vec<(String, Position, Node)>,
        Option<(String, Position)>,
        usize,
    ),
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    root: Option<Node>,
    anchors: HashMap<usize, Node>,
    done: bool,
}

impl Builder {
    fn push_node(&mut self, node: Node, anchor: usize) {
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Frame::Seq(_, items, _)) => items.push(node),
            Some(Frame::Map(_, entries, pending, _)) => match pending.take() {
                None => {
                    // This node is a key. Complex keys (mappings, sequences) get a
                    // placeholder name that no pointer token matches.
                    let name = match &node.kind {
                        Kind::Scalar => String::new(),
                        _ => "\u{0}complex-key".to_string(),
                    };
                    *pending = Some((name, node.pos));
                }
                Some((key, key_pos)) => entries.push((key, key_pos, node)),
            },
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.done {
            return;
        }
        let pos = to_position(&mark);
        match ev {
            Event::Scalar(value, _, anchor, _) => {
                // Keys need their text; set it after push_node made it pending.
                let is_key = matches!(self.stack.last(), Some(Frame::Map(_, _, None, _)));
                self.push_node(
                    Node {
                        pos,
                        kind: Kind::Scalar,
                    },
                    anchor,
                );
                if is_key {
                    if let Some(Frame::Map(_, _, Some((name, _)), _)) = self.stack.last_mut() {
                        *name = value;
                    }
                }
            }
            Event::Alias(id) => {
                let node = self
                    .anchors
                    .get(&id)
                    .cloned()
                    .map(|mut n| {
                        n.pos = pos;
                        n
                    })
                    .unwrap_or(Node {
                        pos,
                        kind: Kind::Scalar,
                    });
                let is_key = matches!(self.stack.last(), Some(Frame::Map(_, _, None, _)));
                self.push_node(node, 0);
                if is_key {
                    if let Some(Frame::Map(_, _, Some((name, _)), _)) = self.stack.last_mut() {
                        *name = "\u{0}alias-key".to_string();
                    }
                }
            }
            Event::SequenceStart(anchor, _) => self.stack.push(Frame::Seq(pos, Vec::new(), anchor)),
            Event::MappingStart(anchor, _) => {
                self.stack.push(Frame::Map(pos, Vec::new(), None, anchor))
            }
            Event::SequenceEnd | Event::MappingEnd => {
                // A block collection's start event comes after its first entry was
                // scanned: the node starts at its first entry, whichever is earlier.
                let (node, anchor) = match self.stack.pop() {
                    Some(Frame::Seq(p, items, a)) => {
                        let pos = items.first().map_or(p, |i| i.pos.min(p));
                        (
                            Node {
                                pos,
                                kind: Kind::Seq(items),
                            },
                            a,
                        )
                    }
                    Some(Frame::Map(p, entries, _, a)) => {
                        let pos = entries.first().map_or(p, |e| e.1.min(p));
                        (
                            Node {
                                pos,
                                kind: Kind::Map(merge_keys(entries)),
                            },
                            a,
                        )
                    }
                    None => return,
                };
                self.push_node(node, anchor);
            }
            Event::DocumentEnd if self.root.is_some() => self.done = true,
            _ => {}
        }
    }
}

/// Applies YAML merge keys (`<<: *base`) the way serde_yaml does: entries of the merged
/// mappings that the mapping does not define itself.
fn merge_keys(entries: Vec<(String, Position, Node)>) -> Vec<(String, Position, Node)> {
    if !entries.iter().any(|(k, _, _)| k == "<<") {
        return entries;
    }
    let mut out: Vec<(String, Position, Node)> = Vec::new();
    let mut merged = Vec::new();
    for (k, p, n) in entries {
        if k == "<<" {
            match n.kind {
                Kind::Map(inner) => merged.extend(inner),
                Kind::Seq(items) => {
                    for item in items {
                        if let Kind::Map(inner) = item.kind {
                            merged.extend(inner);
                        }
                    }
                }
                Kind::Scalar => {}
            }
        } else {
            out.push((k, p, n));
        }
    }
    for entry in merged {
        if !out.iter().any(|(k, _, _)| *k == entry.0) {
            out.push(entry);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn syntax_errors_have_positions() {
        let e = Locator::new("a: [1, 2\nb: c\n").unwrap_err();
        assert!(e.position.0 >= 1, "{e:?}");
    }

    #[test]
    fn anchors_and_merge_keys() {
        let src = "base: &b\n  x: 1\nuse:\n  <<: *b\n  y: 2\n";
        let l = Locator::new(src).unwrap();
        assert_eq!(l.locate("/use/y"), Some((5, 3)));
        assert_eq!(l.locate("/use/x"), Some((2, 3)));
    }
}
