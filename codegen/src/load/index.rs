//! The one pass over a document's events (from the JSON scanner or the YAML parser)
//! that enforces the limits and builds the position index.
//!
//! Every check that needs the document's structure but not its meaning happens here,
//! while the events stream by: nesting depth, alias expansion, duplicate keys, integers
//! that fit in no Rust integer, and the `openapi`/`swagger` version fields. The index
//! (optional, see [`Builder::new`]) stores one record per collection and one per entry;
//! an alias points at the anchored collection instead of copying it, so an alias bomb
//! costs as much as its text.

use std::collections::HashMap;

use super::{Position, MAX_ALIAS_NODES, MAX_DEPTH};

/// No child (a scalar) / no key (a sequence item).
const NONE: u32 = u32::MAX;

/// How many alias jumps (expanded aliases, counting nested ones again each time) a
/// document may make per event. serde_yaml refuses more than 100 per event with an
/// unlocated "repetition limit exceeded"; half of that is refused here first, located.
const ALIAS_JUMPS_PER_EVENT: u64 = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Map,
    Seq,
}

#[derive(Debug, Clone, Copy)]
struct NodeRec {
    kind: Kind,
    first: u32,
    len: u32,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    key_start: u32,
    key_len: u32,
    line: u32,
    col: u32,
    child: u32,
}

/// Where every node of one document is: a JSON pointer → line and column.
///
/// Built in one pass; aliased subtrees are shared, never copied.
#[derive(Debug, Clone, Default)]
pub struct Positions {
    nodes: Vec<NodeRec>,
    entries: Vec<Entry>,
    keys: String,
    root: Option<(Position, u32)>,
}

impl Positions {
    /// The position of the node at `pointer` (RFC 6901). For an entry of a mapping this
    /// is the position of its key. When the pointer goes further than the document, the
    /// position of the deepest node that exists is returned, so a message about a
    /// missing member still points at its parent. `None` only for an empty index.
    pub fn locate(&self, pointer: &str) -> Option<Position> {
        let (mut pos, mut node) = self.root?;
        if pointer.is_empty() {
            return Some(pos);
        }
        for token in pointer.strip_prefix('/').unwrap_or(pointer).split('/') {
            if node == NONE {
                break;
            }
            let rec = self.nodes[node as usize];
            let entries = &self.entries[rec.first as usize..(rec.first + rec.len) as usize];
            let found = match rec.kind {
                Kind::Map => {
                    let token = unescape_token(token);
                    entries.iter().find(|e| self.key(e) == token)
                }
                Kind::Seq => token.parse::<usize>().ok().and_then(|i| entries.get(i)),
            };
            match found {
                Some(e) => {
                    pos = (e.line as usize, e.col as usize);
                    node = e.child;
                }
                None => break,
            }
        }
        Some(pos)
    }

    fn key(&self, e: &Entry) -> &str {
        &self.keys[e.key_start as usize..(e.key_start + e.key_len) as usize]
    }
}

/// Unescapes one JSON pointer token (`~1` → `/`, `~0` → `~`).
pub fn unescape_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Escapes one JSON pointer token (RFC 6901).
pub fn escape_pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Why the pass stopped: where, the pointer of the node, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Refusal {
    /// One-based line and column.
    pub position: Position,
    /// JSON pointer of the offending node.
    pub pointer: String,
    /// One line saying what is wrong.
    pub message: String,
}

/// A scalar as the front end saw it.
pub(super) struct Scalar<'a> {
    /// The text (for JSON strings, still escaped when `escaped` is set).
    pub text: &'a str,
    /// JSON string with backslash escapes: `text` is the raw inside of the quotes.
    pub escaped: bool,
    /// A YAML plain scalar without a tag (its type comes from its text).
    pub plain: bool,
}

impl Scalar<'_> {
    fn value(&self) -> String {
        if self.escaped {
            serde_json::from_str::<String>(&format!("\"{}\"", self.text))
                .unwrap_or_else(|_| self.text.to_string())
        } else {
            self.text.to_string()
        }
    }
}

/// The top-level `openapi` or `swagger` member: its value's text (`None` when it is not
/// a scalar) and the position of its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionField {
    /// The value, when it is a scalar.
    pub text: Option<String>,
    /// Where the key is.
    pub position: Position,
}

/// What the pass learnt about the document as a whole.
#[derive(Debug, Clone, Default)]
pub struct Head {
    /// Whether there was a root node at all (an empty document has none).
    pub root: Option<RootKind>,
    /// Top-level `openapi`.
    pub openapi: Option<VersionField>,
    /// Top-level `swagger`.
    pub swagger: Option<VersionField>,
    /// Some `$ref` member that the typed parse cannot take as it is (see
    /// `load/refs.rs`): it names what cannot be followed from its place, or it is a
    /// schema `$ref` with sibling keywords.
    pub irregular_refs: bool,
}

/// What the root node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RootKind {
    /// A mapping, as an OpenAPI document must be.
    Map,
    /// A sequence.
    Seq,
    /// A scalar; `true` when it is empty (`---` alone, `~`, `null`).
    Scalar(bool),
}

#[derive(Debug)]
enum KeySlot {
    Text(String),
    Complex,
}

#[derive(Debug)]
struct Frame {
    kind: Kind,
    pos: Position,
    anchor: usize,
    /// Index into `Builder::pending` where this frame's entries start.
    start: usize,
    items: u32,
    pending_key: Option<(KeySlot, Position)>,
    /// Keys seen so far, with the line of each.
    seen: HashMap<String, usize>,
    /// This collection is itself the key of a mapping entry.
    is_key: bool,
    /// Nodes in the subtree (aliases expanded), and alias jumps made in it.
    size: u64,
    jumps: u64,
    has_merge: bool,
}

impl Frame {
    /// The step from this collection to the member being read.
    fn step(&self) -> super::refs::Step<'_> {
        match (&self.kind, &self.pending_key) {
            (Kind::Map, Some((KeySlot::Text(k), _))) => super::refs::Step::Key(k),
            _ => super::refs::Step::Other,
        }
    }
}

#[derive(Debug, Clone)]
struct Anchor {
    node: u32,
    size: u64,
    jumps: u64,
    text: Option<String>,
}

/// The pass itself: front ends call [`Builder::start`], [`Builder::scalar`],
/// [`Builder::alias`] and [`Builder::end`] in document order.
pub(super) struct Builder {
    record: bool,
    yaml: bool,
    stack: Vec<Frame>,
    pending: Vec<Entry>,
    out: Positions,
    anchors: HashMap<usize, Anchor>,
    alias_nodes: u64,
    jumps: u64,
    events: u64,
    head: Head,
    /// The top-level key whose value is being read (`openapi`/`swagger`).
    head_key: Option<(bool, Position)>,
}

impl Builder {
    /// A pass that builds the index when `record` is set (otherwise it only checks).
    /// `yaml` enables what only YAML has: merge keys and typed plain scalars.
    pub(super) fn new(record: bool, yaml: bool) -> Builder {
        Builder {
            record,
            yaml,
            stack: Vec::new(),
            pending: Vec::new(),
            out: Positions::default(),
            anchors: HashMap::new(),
            alias_nodes: 0,
            jumps: 0,
            events: 0,
            head: Head::default(),
            head_key: None,
        }
    }

    /// The result: what was learnt, and the index (empty unless recording).
    pub(super) fn finish(self) -> (Head, Positions) {
        (self.head, self.out)
    }

    /// The JSON pointer of the node that would come next (or of the innermost open
    /// collection's pending member), for messages.
    fn pointer(&self, extra_key: Option<&str>) -> String {
        let mut out = String::new();
        for (i, f) in self.stack.iter().enumerate() {
            let last = i + 1 == self.stack.len();
            match f.kind {
                Kind::Map => match (&f.pending_key, last) {
                    (Some((KeySlot::Text(k), _)), _) => {
                        out.push('/');
                        out.push_str(&escape_pointer_token(k));
                    }
                    (None, true) => {
                        if let Some(k) = extra_key {
                            out.push('/');
                            out.push_str(&escape_pointer_token(k));
                        }
                    }
                    _ => {}
                },
                Kind::Seq => {
                    out.push('/');
                    out.push_str(&f.items.to_string());
                }
            }
        }
        out
    }

    fn refuse(&self, position: Position, pointer: String, message: String) -> Refusal {
        Refusal {
            position,
            pointer,
            message,
        }
    }

    /// Whether the next node is the key of a mapping entry.
    fn next_is_key(&self) -> bool {
        matches!(self.stack.last(), Some(f) if f.kind == Kind::Map && f.pending_key.is_none())
    }

    /// A mapping or sequence starts at `pos`.
    pub(super) fn start(&mut self, map: bool, pos: Position, anchor: usize) -> Result<(), Refusal> {
        self.events += 1;
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.refuse(
                pos,
                self.pointer(None),
                format!(
                    "nesting deeper than {MAX_DEPTH} levels; documents are limited to {MAX_DEPTH} nested mappings and sequences"
                ),
            ));
        }
        let is_key = self.next_is_key();
        if self.stack.is_empty() {
            self.head.root = Some(if map { RootKind::Map } else { RootKind::Seq });
        }
        if self.stack.len() == 1 && !is_key {
            // A top-level member whose value is a collection.
            if let Some((openapi, key_pos)) = self.head_key.take() {
                self.set_version(openapi, None, key_pos);
            }
        }
        self.stack.push(Frame {
            kind: if map { Kind::Map } else { Kind::Seq },
            pos,
            anchor,
            start: self.pending.len(),
            items: 0,
            pending_key: None,
            seen: HashMap::new(),
            is_key,
            size: 0,
            jumps: 0,
            has_merge: false,
        });
        Ok(())
    }

    fn set_version(&mut self, openapi: bool, text: Option<String>, position: Position) {
        let field = Some(VersionField { text, position });
        if openapi {
            self.head.openapi = field;
        } else {
            self.head.swagger = field;
        }
    }

    /// A scalar at `pos`.
    pub(super) fn scalar(
        &mut self,
        pos: Position,
        s: Scalar<'_>,
        anchor: usize,
    ) -> Result<(), Refusal> {
        self.events += 1;
        if self.stack.is_empty() {
            let empty = s.plain && matches!(s.text, "" | "~" | "null" | "Null" | "NULL");
            self.head.root = Some(RootKind::Scalar(empty));
        }
        let is_key = self.next_is_key();
        let needs_text = is_key || anchor > 0 || (self.stack.len() == 1 && self.head_key.is_some());
        let text = needs_text.then(|| s.value());
        if !is_key && self.yaml && s.plain {
            if let Some(message) = out_of_range_integer(s.text) {
                return Err(self.refuse(pos, self.pointer(None), message));
            }
        }
        if anchor > 0 {
            self.anchors.insert(
                anchor,
                Anchor {
                    node: NONE,
                    size: 1,
                    jumps: 0,
                    text: text.clone(),
                },
            );
        }
        if is_key {
            self.key(KeySlot::Text(text.unwrap_or_default()), pos)
        } else {
            if !self.head.irregular_refs && self.value_of_ref() {
                let path = self.stack[..self.stack.len() - 1].iter().map(Frame::step);
                self.head.irregular_refs = super::refs::needs_normalizing(path, &s.value());
            }
            if self.stack.len() == 1 {
                if let Some((openapi, key_pos)) = self.head_key.take() {
                    self.set_version(openapi, text, key_pos);
                }
            }
            self.value(pos, NONE, 1, 0);
            Ok(())
        }
    }

    /// An alias (`*name`, shown as `name` in messages) at `pos` to anchor `id`.
    pub(super) fn alias(&mut self, pos: Position, id: usize, name: &str) -> Result<(), Refusal> {
        self.events += 1;
        let anchor = self.anchors.get(&id).cloned().unwrap_or(Anchor {
            node: NONE,
            size: 1,
            jumps: 0,
            text: None,
        });
        self.alias_nodes = self.alias_nodes.saturating_add(anchor.size);
        self.jumps = self.jumps.saturating_add(1 + anchor.jumps);
        if self.alias_nodes > MAX_ALIAS_NODES as u64
            || self.jumps > ALIAS_JUMPS_PER_EVENT * self.events
        {
            return Err(self.refuse(
                pos,
                self.pointer(None),
                format!(
                    "alias `*{name}` expands the document past the limit (aliases may add at most {MAX_ALIAS_NODES} nodes, and be followed at most {ALIAS_JUMPS_PER_EVENT} times per node of the text)"
                ),
            ));
        }
        if self.next_is_key() {
            let slot = match anchor.text {
                Some(t) if anchor.node == NONE => KeySlot::Text(t),
                _ => KeySlot::Complex,
            };
            return self.key(slot, pos);
        }
        if self.stack.len() == 1 {
            if let Some((openapi, key_pos)) = self.head_key.take() {
                let text = if anchor.node == NONE {
                    anchor.text.clone()
                } else {
                    None
                };
                self.set_version(openapi, text, key_pos);
            }
        }
        // An alias as a `$ref`'s value: rare enough to send down the general route.
        self.head.irregular_refs |= self.value_of_ref();
        self.value(pos, anchor.node, anchor.size, 1 + anchor.jumps);
        Ok(())
    }

    /// Whether the next value is that of a `$ref` member.
    fn value_of_ref(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame { kind: Kind::Map, pending_key: Some((KeySlot::Text(k), _)), .. }) if k == "$ref"
        )
    }

    /// The innermost open collection ends.
    pub(super) fn end(&mut self) -> Result<(), Refusal> {
        self.events += 1;
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        if !self.head.irregular_refs && frame.kind == Kind::Map && frame.seen.contains_key("$ref") {
            let annotated = frame
                .seen
                .keys()
                .any(|k| k != "$ref" && !k.starts_with("x-"));
            let path = self.stack.iter().map(Frame::step);
            self.head.irregular_refs = annotated && super::refs::is_schema(path);
        }
        let size = frame.size.saturating_add(1);
        let mut node = NONE;
        let mut pos = frame.pos;
        if self.record {
            let mut entries: Vec<Entry> = self.pending.drain(frame.start..).collect();
            if frame.has_merge {
                entries = self.merge_keys(entries);
            }
            if let Some(first) = entries.first() {
                // A block collection's start event comes after its first entry was
                // scanned: the node starts at its first entry, whichever is earlier.
                pos = pos.min((first.line as usize, first.col as usize));
            }
            let first = self.out.entries.len() as u32;
            let len = entries.len() as u32;
            self.out.entries.extend(entries);
            node = self.out.nodes.len() as u32;
            self.out.nodes.push(NodeRec {
                kind: frame.kind,
                first,
                len,
            });
        }
        if frame.anchor > 0 {
            self.anchors.insert(
                frame.anchor,
                Anchor {
                    node,
                    size,
                    jumps: frame.jumps,
                    text: None,
                },
            );
        }
        if frame.is_key {
            return self.key(KeySlot::Complex, pos);
        }
        if self.stack.is_empty() {
            self.out.root = Some((pos, node));
        }
        self.value(pos, node, size, frame.jumps);
        Ok(())
    }

    /// A key of the innermost (mapping) frame.
    fn key(&mut self, slot: KeySlot, pos: Position) -> Result<(), Refusal> {
        let depth = self.stack.len();
        let Some(frame) = self.stack.last_mut() else {
            return Ok(());
        };
        if let KeySlot::Text(k) = &slot {
            if let Some(first_line) = frame.seen.get(k.as_str()) {
                let message = format!(
                    "duplicate key `{k}` (first at line {first_line}); keys of a mapping must be unique"
                );
                let pointer = self.pointer(Some(k));
                return Err(self.refuse(pos, pointer, message));
            }
            frame.seen.insert(k.clone(), pos.0);
            if self.yaml && k == "<<" {
                frame.has_merge = true;
            }
            if depth == 1 && (k == "openapi" || k == "swagger") {
                self.head_key = Some((k == "openapi", pos));
            }
        }
        if let Some(frame) = self.stack.last_mut() {
            frame.pending_key = Some((slot, pos));
        }
        Ok(())
    }

    /// A value (scalar `NONE` or node) of `size` nodes and `jumps` alias jumps, at `pos`.
    fn value(&mut self, pos: Position, child: u32, size: u64, jumps: u64) {
        let record = self.record;
        let Some(frame) = self.stack.last_mut() else {
            if child == NONE {
                self.out.root = Some((pos, NONE));
            }
            return;
        };
        frame.size = frame.size.saturating_add(size);
        frame.jumps = frame.jumps.saturating_add(jumps);
        let entry = match frame.kind {
            Kind::Seq => {
                frame.items += 1;
                Entry {
                    key_start: 0,
                    key_len: NONE,
                    line: pos.0 as u32,
                    col: pos.1 as u32,
                    child,
                }
            }
            Kind::Map => {
                let Some((slot, key_pos)) = frame.pending_key.take() else {
                    return;
                };
                let (key_start, key_len) = match slot {
                    KeySlot::Text(k) if record => {
                        let start = self.out.keys.len() as u32;
                        self.out.keys.push_str(&k);
                        (start, k.len() as u32)
                    }
                    // Complex keys get a name no pointer token matches.
                    _ => (0, NONE),
                };
                Entry {
                    key_start,
                    key_len,
                    line: key_pos.0 as u32,
                    col: key_pos.1 as u32,
                    child,
                }
            }
        };
        if record {
            self.pending.push(entry);
        }
    }

    /// Applies YAML merge keys (`<<: *base`) the way serde_yaml's `apply_merge` does:
    /// entries of the merged mappings that the mapping does not define itself.
    fn merge_keys(&self, entries: Vec<Entry>) -> Vec<Entry> {
        let key = |e: &Entry| -> &str {
            if e.key_len == NONE {
                "\u{0}"
            } else {
                self.out.key(e)
            }
        };
        let mut out: Vec<Entry> = Vec::new();
        let mut merged: Vec<Entry> = Vec::new();
        let map_entries = |node: u32| -> &[Entry] {
            if node == NONE {
                return &[];
            }
            let rec = self.out.nodes[node as usize];
            if rec.kind != Kind::Map {
                return &[];
            }
            &self.out.entries[rec.first as usize..(rec.first + rec.len) as usize]
        };
        for e in entries {
            if key(&e) != "<<" {
                out.push(e);
                continue;
            }
            if e.child == NONE {
                continue;
            }
            let rec = self.out.nodes[e.child as usize];
            match rec.kind {
                Kind::Map => merged.extend_from_slice(map_entries(e.child)),
                Kind::Seq => {
                    let items =
                        &self.out.entries[rec.first as usize..(rec.first + rec.len) as usize];
                    for item in items {
                        merged.extend_from_slice(map_entries(item.child));
                    }
                }
            }
        }
        for m in merged {
            if !out.iter().any(|e| key(e) == key(&m)) {
                out.push(m);
            }
        }
        out
    }
}

/// A YAML plain scalar that serde_yaml reads as an integer wider than 64 bits: no Rust
/// number type holds it, and serde_yaml's own message ("invalid type: integer … as
/// i128, expected any value") does not say so.
fn out_of_range_integer(text: &str) -> Option<String> {
    let fits = parse_unsigned(text, |s, r| u64::from_str_radix(s, r).map(|_| ())).is_some()
        || parse_negative(text, |s, r| i64::from_str_radix(s, r).map(|_| ())).is_some();
    if fits {
        return None;
    }
    let wide = parse_unsigned(text, |s, r| u128::from_str_radix(s, r).map(|_| ())).is_some()
        || parse_negative(text, |s, r| i128::from_str_radix(s, r).map(|_| ())).is_some();
    wide.then(|| {
        format!(
            "integer `{text}` is out of range: numbers must fit in 64 bits (between {} and {}); quote it if it is text",
            i64::MIN,
            u64::MAX
        )
    })
}

type Radix = fn(&str, u32) -> Result<(), std::num::ParseIntError>;

/// serde_yaml's rule for unsigned integers (`+`, `0x`, `0o`, `0b`, decimal without
/// leading zeros).
fn parse_unsigned(scalar: &str, parse: Radix) -> Option<()> {
    let unpositive = scalar.strip_prefix('+').unwrap_or(scalar);
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(rest) = unpositive.strip_prefix(prefix) {
            if rest.starts_with(['+', '-']) {
                return None;
            }
            if parse(rest, radix).is_ok() {
                return Some(());
            }
        }
    }
    if unpositive.starts_with(['+', '-']) || digits_but_not_number(scalar) {
        return None;
    }
    parse(unpositive, 10).ok()
}

/// serde_yaml's rule for negative integers.
fn parse_negative(scalar: &str, parse: Radix) -> Option<()> {
    for (prefix, radix) in [("-0x", 16), ("-0o", 8), ("-0b", 2)] {
        if let Some(rest) = scalar.strip_prefix(prefix) {
            if parse(&format!("-{rest}"), radix).is_ok() {
                return Some(());
            }
        }
    }
    if digits_but_not_number(scalar) {
        return None;
    }
    if !scalar.starts_with('-') {
        return None;
    }
    parse(scalar, 10).ok()
}

fn digits_but_not_number(scalar: &str) -> bool {
    let scalar = scalar.strip_prefix(['-', '+']).unwrap_or(scalar);
    scalar.len() > 1 && scalar.starts_with('0') && scalar[1..].bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_out_of_range() {
        assert!(out_of_range_integer("99999999999999999999999").is_some());
        assert!(out_of_range_integer("-99999999999999999999999").is_some());
        assert!(out_of_range_integer("0xffffffffffffffffff").is_some());
        assert!(out_of_range_integer("18446744073709551615").is_none());
        assert!(out_of_range_integer("-9223372036854775808").is_none());
        assert!(out_of_range_integer("1e400").is_none());
        assert!(out_of_range_integer("007").is_none());
        assert!(out_of_range_integer("hello").is_none());
        // Too long even for 128 bits: serde_yaml reads it as a float.
        assert!(out_of_range_integer(&"9".repeat(60)).is_none());
    }
}
