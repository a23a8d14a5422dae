//! Doc comments from spec text. Descriptions are Markdown written for other renderers;
//! rustdoc would run their code blocks as doctests, resolve `[x]` as intra-doc links and
//! warn on bare URLs and unknown HTML tags. Everything here makes such text inert.

use proc_macro2::TokenStream;
use quote::quote;

/// Doc paragraphs of one item, in the order they are shown.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Docs {
    paragraphs: Vec<String>,
}

impl Docs {
    /// No documentation yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a paragraph of spec text (escaped), if it is not empty or a repeat.
    pub fn text(&mut self, text: Option<&str>) -> &mut Self {
        if let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) {
            let escaped = escape_markdown(text);
            if !self.paragraphs.contains(&escaped) {
                self.paragraphs.push(escaped);
            }
        }
        self
    }

    /// Adds a paragraph the generator writes itself; it must already be valid rustdoc.
    pub fn note(&mut self, text: impl Into<String>) -> &mut Self {
        self.paragraphs.push(text.into());
        self
    }

    /// Whether there is no paragraph.
    pub fn is_empty(&self) -> bool {
        self.paragraphs.is_empty()
    }

    /// The doc lines of the first paragraph (each with the leading space rustdoc
    /// expects); empty when there is no text.
    pub fn first_paragraph(&self) -> Vec<String> {
        self.paragraphs
            .first()
            .map(|p| {
                p.lines()
                    .map(|l| format!(" {l}").trim_end().to_string())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// `#[doc = "..."]` attributes; `fallback` is used when there is no text, so that
    /// every public item is documented.
    pub fn to_tokens_or(&self, fallback: &str) -> TokenStream {
        let lines = self.lines_or(fallback);
        quote! { #( #[doc = #lines] )* }
    }

    /// The doc lines (each with the leading space rustdoc expects), or `fallback`.
    pub fn lines_or(&self, fallback: &str) -> Vec<String> {
        let text = if self.paragraphs.is_empty() {
            fallback.to_string()
        } else {
            self.paragraphs.join("\n\n")
        };
        text.lines()
            .map(|l| format!(" {l}").trim_end().to_string())
            .collect()
    }
}

/// A code span for a name from the spec (a wire name, a pointer); backticks inside it
/// would end the span early and expose the rest (`[x]`, `<b>`) to rustdoc.
pub fn code(text: &str) -> String {
    format!("`{}`", text.replace('`', "'"))
}

/// Makes spec Markdown safe for rustdoc (see module docs). Code spans are kept.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut in_fence = false;
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        // Leading indentation would make an indented code block, which rustdoc runs.
        let line = line.trim_start();
        if line.starts_with("```") || line.starts_with("~~~") {
            // Every fence becomes a `text` fence so nothing is compiled as a doctest.
            out.push_str(if in_fence { "```" } else { "```text" });
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push_str(line);
        } else {
            out.push_str(&escape_line(line));
        }
    }
    if in_fence {
        out.push_str("\n```");
    }
    out
}

fn escape_line(line: &str) -> String {
    let ticks = line.matches('`').count();
    if ticks >= 2 && ticks.is_multiple_of(2) {
        // Alternate text / code segments; code spans are inert already.
        line.split('`')
            .enumerate()
            .map(|(i, seg)| {
                if i % 2 == 0 {
                    escape_prose(seg)
                } else {
                    seg.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("`")
    } else {
        escape_prose(&line.replace('`', "'"))
    }
}

fn escape_prose(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        if let Some((text, url, len)) = markdown_link_at(rest) {
            // `[text](https://...)` renders as a link in rustdoc too; keep it.
            out.push('[');
            out.push_str(&escape_prose(text));
            out.push_str("](");
            out.push_str(url);
            out.push(')');
            rest = &rest[len..];
            continue;
        }
        if let Some(url_len) = rest
            .strip_prefix('<')
            .and_then(url_at)
            .filter(|&n| rest[1 + n..].starts_with('>'))
        {
            // Already an autolink (`<https://...>`): kept as it is.
            let (link, tail) = rest.split_at(url_len + 2);
            out.push_str(link);
            rest = tail;
            continue;
        }
        if let Some(url_len) = url_at(rest) {
            let (url, tail) = rest.split_at(url_len);
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = tail;
            continue;
        }
        let mut chars = rest.chars();
        let Some(ch) = chars.next() else { break };
        match ch {
            '[' | ']' | '<' | '>' | '\\' => {
                out.push('\\');
                out.push(ch);
            }
            '&' => out.push_str("&amp;"),
            _ => out.push(ch),
        }
        rest = chars.as_str();
    }
    out
}

/// `[text](url)` at the start of `text` with an absolute URL: (text, url, length).
fn markdown_link_at(text: &str) -> Option<(&str, &str, usize)> {
    let inner = text.strip_prefix('[')?;
    let close = inner.find(']')?;
    let label = &inner[..close];
    if label.contains('[') || label.is_empty() {
        return None;
    }
    let after = inner[close + 1..].strip_prefix('(')?;
    let end = after.find(')')?;
    let url = &after[..end];
    let absolute = url.starts_with("http://") || url.starts_with("https://");
    if !absolute || url.contains(char::is_whitespace) {
        return None;
    }
    Some((label, url, 1 + close + 2 + end + 1))
}

/// Length of a URL starting at the beginning of `text`, if there is one.
fn url_at(text: &str) -> Option<usize> {
    if !(text.starts_with("http://") || text.starts_with("https://")) {
        return None;
    }
    let end = text
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | ')' | ']'))
        .unwrap_or(text.len());
    // A sentence's full stop or comma is not part of the link.
    let url = text[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', '\'']);
    (url.len() > "https://".len()).then_some(url.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_become_text() {
        let s = escape_markdown("Example:\n```json\n{\"a\": [1]}\n```");
        assert_eq!(s, "Example:\n```text\n{\"a\": [1]}\n```");
    }

    #[test]
    fn links_brackets_and_tags() {
        assert_eq!(
            escape_markdown("See https://x.io/a. Use [x] or <string>."),
            "See <https://x.io/a>. Use \\[x\\] or \\<string\\>."
        );
        assert_eq!(
            escape_markdown("keep `a[0] <b>` as code"),
            "keep `a[0] <b>` as code"
        );
        assert_eq!(escape_markdown("    indented"), "indented");
        assert_eq!(
            escape_markdown(
                "at [http://swagger.io](http://swagger.io) or [#irc](http://x.io/irc)."
            ),
            "at [<http://swagger.io>](http://swagger.io) or [#irc](http://x.io/irc)."
        );
    }

    #[test]
    fn autolinks_are_kept() {
        assert_eq!(
            escape_markdown("see <https://x.io/a> and <b>"),
            "see <https://x.io/a> and \\<b\\>"
        );
    }

    #[test]
    fn unclosed_fence_is_closed() {
        assert_eq!(escape_markdown("```\ncode"), "```text\ncode\n```");
    }
}
