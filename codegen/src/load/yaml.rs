//! The YAML front end of the one pass: yaml-rust2's event parser, read one event at a
//! time, feeding [`Builder`].
//!
//! YAML scanners look ahead to the end of a flow collection before they emit its first
//! token, at a cost that grows with the square of the nesting depth (50,000 nested `[`
//! take seconds in yaml-rust2 and in libyaml alike). So the flow nesting depth is
//! measured on the text first, by [`flow_depth`], and deeper documents never reach a
//! parser.

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::index::{Builder, Refusal, Scalar};
use super::{Position, MAX_DEPTH};

/// Why the pass stopped.
pub(super) enum Stop {
    /// A limit or a strictness rule.
    Refused(Refusal),
    /// Not valid YAML.
    Syntax(Position, String),
}

impl From<Refusal> for Stop {
    fn from(r: Refusal) -> Stop {
        Stop::Refused(r)
    }
}

fn position(m: &Marker) -> Position {
    // yaml-rust2 counts lines from 1 and columns from 0.
    (m.line().max(1), m.col() + 1)
}

/// Scans `text` (a YAML document) into `builder`.
pub(super) fn scan(text: &str, builder: &mut Builder) -> Result<(), Stop> {
    flow_depth(text, MAX_DEPTH).map_err(|(pos, depth)| {
        Stop::Refused(Refusal {
            position: pos,
            pointer: String::new(),
            message: format!(
                "flow collections nested deeper than {depth} levels; documents are limited to {MAX_DEPTH} nested mappings and sequences"
            ),
        })
    })?;
    let mut parser = Parser::new_from_str(text);
    let mut documents = 0;
    loop {
        let (event, mark) = parser
            .next_token()
            .map_err(|e| Stop::Syntax(position(e.marker()), e.info().to_string()))?;
        let pos = position(&mark);
        match event {
            Event::StreamEnd => return Ok(()),
            Event::DocumentStart => {
                documents += 1;
                if documents > 1 {
                    return Err(Stop::Syntax(
                        pos,
                        "more than one YAML document in the file; a spec is one document".into(),
                    ));
                }
            }
            Event::Scalar(value, style, anchor, tag) => {
                let s = Scalar {
                    text: &value,
                    escaped: false,
                    plain: style == TScalarStyle::Plain && tag.is_none(),
                };
                builder.scalar(pos, s, anchor)?;
            }
            Event::SequenceStart(anchor, _) => builder.start(false, pos, anchor)?,
            Event::MappingStart(anchor, _) => builder.start(true, pos, anchor)?,
            Event::SequenceEnd | Event::MappingEnd => builder.end()?,
            Event::Alias(id) => {
                let name = alias_name(text, mark.index());
                builder.alias(pos, id, &name)?;
            }
            Event::Nothing | Event::StreamStart | Event::DocumentEnd => {}
        }
    }
}

/// The name of the alias whose `*` is the `char_index`-th character (for messages).
fn alias_name(text: &str, char_index: usize) -> String {
    let rest: String = text.chars().skip(char_index).take(200).collect();
    let rest = rest.strip_prefix('*').unwrap_or(&rest);
    rest.chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | '[' | ']' | '{' | '}'))
        .collect()
}

/// Where a quoted scalar that spans lines is.
#[derive(Clone, Copy, PartialEq)]
enum Quote {
    Single,
    Double,
}

/// Measures the nesting of flow collections (`[`, `{`) in YAML text without parsing
/// it, and stops at the first one deeper than `max`: `Err((position, max))`.
///
/// It follows the parts of YAML that decide whether a bracket is an indicator or text:
/// comments, single- and double-quoted scalars (also over several lines), plain
/// scalars, block scalars (`|`, `>` and their indented lines) and the flow context,
/// where plain scalars cannot hold brackets. Where it is unsure it counts a bracket,
/// which can only refuse a document that nests brackets deeper than `max`.
pub(super) fn flow_depth(text: &str, max: usize) -> Result<(), (Position, usize)> {
    let mut depth = 0usize;
    let mut quote: Option<Quote> = None;
    // Lines more indented than this belong to a block scalar.
    let mut block_scalar: Option<isize> = None;
    for (line_no, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let chars: Vec<char> = line.chars().collect();
        let indent = chars.iter().take_while(|c| **c == ' ').count();
        if let Some(parent) = block_scalar {
            let blank = chars.iter().all(|c| c.is_whitespace());
            if blank || indent as isize > parent {
                continue;
            }
            block_scalar = None;
        }
        let mut i = 0;
        // Whether a node may start here (so a quote or bracket is an indicator).
        let mut node_start = true;
        // Column where the current key (or sequence entry) starts: the indentation a
        // block scalar's lines must exceed.
        let mut parent = indent as isize;
        if quote.is_none() && depth == 0 {
            i = indent;
            if chars.get(i) == Some(&'#') || (i == 0 && chars.first() == Some(&'%')) {
                continue;
            }
            let marker = |m: &str| {
                line.starts_with(m) && !matches!(chars.get(3), Some(c) if !c.is_whitespace())
            };
            if i == 0 && marker("...") {
                continue;
            }
            if i == 0 && marker("---") {
                i = 3;
                parent = -1;
            }
        }
        while i < chars.len() {
            let c = chars[i];
            if let Some(q) = quote {
                match (q, c) {
                    (Quote::Double, '\\') => i += 1,
                    (Quote::Double, '"') => quote = None,
                    (Quote::Single, '\'') if chars.get(i + 1) == Some(&'\'') => i += 1,
                    (Quote::Single, '\'') => quote = None,
                    _ => {}
                }
                i += 1;
                if quote.is_none() {
                    node_start = false;
                }
                continue;
            }
            let prev_blank = i == 0 || chars[i - 1].is_whitespace();
            let next_blank = !matches!(chars.get(i + 1), Some(c) if !c.is_whitespace());
            if c == '#' && prev_blank {
                break;
            }
            if c.is_whitespace() {
                i += 1;
                continue;
            }
            if depth > 0 {
                match c {
                    '[' | '{' => {
                        depth += 1;
                        if depth > max {
                            return Err(((line_no + 1, i + 1), max));
                        }
                        node_start = true;
                    }
                    ']' | '}' => {
                        depth -= 1;
                        node_start = false;
                    }
                    ',' | ':' | '?' => node_start = true,
                    '\'' if node_start => quote = Some(Quote::Single),
                    '"' if node_start => quote = Some(Quote::Double),
                    '&' | '!' if node_start => {
                        while i + 1 < chars.len()
                            && !chars[i + 1].is_whitespace()
                            && !matches!(chars[i + 1], ',' | '[' | ']' | '{' | '}')
                        {
                            i += 1;
                        }
                    }
                    _ => node_start = false,
                }
                i += 1;
                continue;
            }
            // Block context.
            if node_start {
                match c {
                    '-' | '?' if next_blank => {
                        parent = i as isize;
                        i += 1;
                        continue;
                    }
                    '[' | '{' => {
                        depth = 1;
                        if depth > max {
                            return Err(((line_no + 1, i + 1), max));
                        }
                        i += 1;
                        continue;
                    }
                    '\'' => {
                        quote = Some(Quote::Single);
                        i += 1;
                        continue;
                    }
                    '"' => {
                        quote = Some(Quote::Double);
                        i += 1;
                        continue;
                    }
                    '|' | '>' => {
                        block_scalar = Some(parent);
                        break;
                    }
                    '&' | '!' => {
                        while i < chars.len() && !chars[i].is_whitespace() {
                            i += 1;
                        }
                        continue;
                    }
                    _ => {
                        // A plain scalar (or an alias): perhaps a key.
                        node_start = false;
                        parent = i as isize;
                        i += 1;
                        continue;
                    }
                }
            }
            if c == ':' && next_blank {
                node_start = true;
            }
            i += 1;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth_ok(text: &str, max: usize) -> bool {
        flow_depth(text, max).is_ok()
    }

    #[test]
    fn counts_flow_nesting() {
        assert!(depth_ok("a: [[1]]\n", 2));
        assert!(!depth_ok("a: [[[1]]]\n", 2));
        assert_eq!(flow_depth("a: [[[1]]]\n", 2), Err(((1, 6), 2)));
        assert!(!depth_ok("a:\n  - {b: [\n    [1]]}\n", 2));
        assert!(!depth_ok("[[[\n", 2));
    }

    #[test]
    fn brackets_in_text_do_not_count() {
        let text =
            "a: see [1] and [[x\nb: 'it''s [[[ ['\nc: \"[[[ \\\" [[\"\n# [[[[\nd: x # [[[[\n";
        assert!(depth_ok(text, 0), "{text}");
        let block = "a: |\n  [[[[\n  [[[\nb: >-\n    {{{{\nc: 1\n";
        assert!(depth_ok(block, 0));
        let seq = "- |\n  [[[[\n- key: >\n    [[[[\n  other: 1\n";
        assert!(depth_ok(seq, 0));
        let multi = "a: 'one\n  [[[[ two'\nb: \"x\n [[[[\"\n";
        assert!(depth_ok(multi, 0));
        // In a flow collection a plain scalar cannot hold brackets, but quotes can.
        assert!(depth_ok("a: [don't, 'x [[', \"]]\"]\n", 1));
    }

    #[test]
    fn a_block_scalar_ends_where_its_indentation_does() {
        // `b` is a sibling of `a`, not part of its text: its brackets count.
        assert!(!depth_ok("- a: |\n    text\n  b: [[[1]]]\n", 2));
    }
}
