//! The JSON front end of the one pass: a byte scanner (no recursion, no tree) that feeds
//! [`Builder`] with every key, value and its line and column.
//!
//! It only has to be right on valid JSON: on anything else it stops, and serde_json,
//! which the typed parse uses anyway, says what is wrong and where.

use super::index::{Builder, Refusal, Scalar};
use super::Position;

/// Why the scan stopped.
pub(super) enum Stop {
    /// A limit or a strictness rule (located).
    Refused(Refusal),
    /// Not valid JSON: serde_json gives the message.
    Syntax,
}

impl From<Refusal> for Stop {
    fn from(r: Refusal) -> Stop {
        Stop::Refused(r)
    }
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
    line: usize,
    col: usize,
}

impl Cursor<'_> {
    fn pos(&self) -> Position {
        (self.line, self.col)
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn bump(&mut self) {
        let c = self.b[self.i];
        self.i += 1;
        if c == b'\n' {
            self.line += 1;
            self.col = 1;
        } else if c & 0xC0 != 0x80 {
            // Columns count characters, as the YAML parser's do.
            self.col += 1;
        }
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.bump();
        }
    }

    fn expect(&mut self, c: u8) -> Result<(), Stop> {
        self.ws();
        if self.peek() == Some(c) {
            self.bump();
            Ok(())
        } else {
            Err(Stop::Syntax)
        }
    }

    /// A string starting at the opening quote; returns its raw inside and whether it
    /// has escapes.
    fn string(&mut self) -> Result<(usize, usize, bool), Stop> {
        self.bump();
        let start = self.i;
        let mut escaped = false;
        loop {
            match self.peek() {
                None => return Err(Stop::Syntax),
                Some(b'"') => {
                    let end = self.i;
                    self.bump();
                    return Ok((start, end, escaped));
                }
                Some(b'\\') => {
                    escaped = true;
                    self.bump();
                    if self.peek().is_none() {
                        return Err(Stop::Syntax);
                    }
                    self.bump();
                }
                Some(c) if c < 0x20 => return Err(Stop::Syntax),
                Some(_) => self.bump(),
            }
        }
    }

    fn number(&mut self) -> Result<(), Stop> {
        let start = self.i;
        while let Some(b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') = self.peek() {
            self.bump();
        }
        if self.i == start {
            Err(Stop::Syntax)
        } else {
            Ok(())
        }
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), Stop> {
        if self.b[self.i..].starts_with(word) {
            for _ in word {
                self.bump();
            }
            Ok(())
        } else {
            Err(Stop::Syntax)
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Open {
    Array,
    Object,
}

/// Scans `text` (a JSON document) into `builder`.
pub(super) fn scan(text: &str, builder: &mut Builder) -> Result<(), Stop> {
    let mut c = Cursor {
        b: text.as_bytes(),
        i: 0,
        line: 1,
        col: 1,
    };
    let mut stack: Vec<Open> = Vec::new();
    'value: loop {
        c.ws();
        let pos = c.pos();
        match c.peek() {
            Some(b'{') => {
                builder.start(true, pos, 0)?;
                c.bump();
                c.ws();
                if c.peek() == Some(b'}') {
                    c.bump();
                    builder.end()?;
                } else {
                    stack.push(Open::Object);
                    key(&mut c, text, builder)?;
                    continue 'value;
                }
            }
            Some(b'[') => {
                builder.start(false, pos, 0)?;
                c.bump();
                c.ws();
                if c.peek() == Some(b']') {
                    c.bump();
                    builder.end()?;
                } else {
                    stack.push(Open::Array);
                    continue 'value;
                }
            }
            Some(b'"') => {
                let (start, end, escaped) = c.string()?;
                let s = Scalar {
                    text: &text[start..end],
                    escaped,
                    plain: false,
                };
                builder.scalar(pos, s, 0)?;
            }
            Some(b't') => scalar_word(&mut c, builder, pos, "true")?,
            Some(b'f') => scalar_word(&mut c, builder, pos, "false")?,
            Some(b'n') => scalar_word(&mut c, builder, pos, "null")?,
            Some(b'-' | b'0'..=b'9') => {
                let start = c.i;
                c.number()?;
                let s = Scalar {
                    text: &text[start..c.i],
                    escaped: false,
                    plain: true,
                };
                builder.scalar(pos, s, 0)?;
            }
            _ => return Err(Stop::Syntax),
        }
        // After a value: the next member, the end of its collection, or the end.
        loop {
            c.ws();
            match stack.last() {
                None => {
                    return if c.peek().is_none() {
                        Ok(())
                    } else {
                        Err(Stop::Syntax)
                    };
                }
                Some(open) => {
                    let close = if *open == Open::Array { b']' } else { b'}' };
                    match c.peek() {
                        Some(b',') => {
                            c.bump();
                            if *open == Open::Object {
                                key(&mut c, text, builder)?;
                            }
                            continue 'value;
                        }
                        Some(x) if x == close => {
                            c.bump();
                            stack.pop();
                            builder.end()?;
                        }
                        _ => return Err(Stop::Syntax),
                    }
                }
            }
        }
    }
}

fn scalar_word(
    c: &mut Cursor<'_>,
    builder: &mut Builder,
    pos: Position,
    word: &str,
) -> Result<(), Stop> {
    c.literal(word.as_bytes())?;
    let s = Scalar {
        text: word,
        escaped: false,
        plain: true,
    };
    builder.scalar(pos, s, 0)?;
    Ok(())
}

/// A member's key and its colon.
fn key(c: &mut Cursor<'_>, text: &str, builder: &mut Builder) -> Result<(), Stop> {
    c.ws();
    if c.peek() != Some(b'"') {
        return Err(Stop::Syntax);
    }
    let pos = c.pos();
    let (start, end, escaped) = c.string()?;
    let s = Scalar {
        text: &text[start..end],
        escaped,
        plain: false,
    };
    builder.scalar(pos, s, 0)?;
    c.expect(b':')
}
