//! The intermediate model → tokens (`quote`) → formatted source (`prettyplease`).

pub mod client;
pub mod example;
pub mod types;

use proc_macro2::{Ident, Span, TokenStream};

/// An identifier for a name the `naming` module made (always valid); anything else is
/// replaced rather than allowed to panic inside `proc_macro2`.
pub fn ident(name: &str) -> Ident {
    let valid = !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name != "_";
    if valid {
        Ident::new(name, Span::call_site())
    } else {
        Ident::new("invalid_identifier", Span::call_site())
    }
}

/// One item of a generated file: tokens to format, or text already formatted.
pub enum Piece {
    /// Tokens, formatted by prettyplease.
    Tokens(TokenStream),
    /// Finished source text (macro invocations, which prettyplease leaves unformatted).
    Text(String),
}

/// Formats a file made of `prelude` (inner attributes, `use`s) and `items`, in
/// parallel chunks: formatting dominates generation time on large specs, and
/// prettyplease formats items independently, so chunks join into the same text.
pub fn format_items(
    prelude: TokenStream,
    items: Vec<Piece>,
    header: &str,
) -> Result<String, String> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8);
    // Small chunks keep each syn tree small (peak memory); threads take runs of them.
    let chunk_len = 128;
    let prelude = format_file(prelude, "")?;
    // proc_macro2's fallback token streams are not `Send`, so each thread gets text:
    // runs of token items become one text each (and are dropped as they go, to keep
    // memory low), finished text passes through.
    let mut texts: Vec<(bool, String)> = Vec::new();
    let mut run = TokenStream::new();
    let mut in_run = 0;
    for piece in items {
        match piece {
            Piece::Tokens(t) => {
                run.extend(t);
                in_run += 1;
                if in_run == chunk_len {
                    texts.push((true, std::mem::take(&mut run).to_string()));
                    in_run = 0;
                }
            }
            Piece::Text(text) => {
                if !run.is_empty() {
                    texts.push((true, std::mem::take(&mut run).to_string()));
                    in_run = 0;
                }
                texts.push((false, text));
            }
        }
    }
    if !run.is_empty() {
        texts.push((true, run.to_string()));
    }
    // One thread per core, each formatting a contiguous share (by text length).
    let total: usize = texts.iter().map(|(_, t)| t.len()).sum();
    let share = total.div_ceil(threads).max(1);
    let mut batches: Vec<Vec<(bool, String)>> = vec![Vec::new()];
    let mut filled = 0;
    for text in texts {
        if filled >= share {
            batches.push(Vec::new());
            filled = 0;
        }
        filled += text.1.len();
        if let Some(batch) = batches.last_mut() {
            batch.push(text);
        }
    }
    let formatted: Vec<Result<String, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = batches
            .into_iter()
            .map(|batch| scope.spawn(move || format_batch(batch)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err("internal error: formatting thread failed".into()))
            })
            .collect()
    });
    let mut body = String::new();
    for chunk in formatted {
        body.push_str(&chunk?);
    }
    let mut out = String::from(header);
    if !prelude.is_empty() {
        out.push_str(&prelude);
        out.push('\n');
    }
    out.push_str(&space_items(&body));
    Ok(out)
}

fn format_batch(batch: Vec<(bool, String)>) -> Result<String, String> {
    let mut out = String::new();
    for (is_tokens, text) in batch {
        if is_tokens {
            let file = syn::parse_file(&text)
                .map_err(|e| format!("internal error: generated tokens do not parse: {e}"))?;
            out.push_str(&prettyplease::unparse(&file));
        } else {
            out.push_str(&text);
        }
    }
    Ok(out)
}

/// Formats tokens of a whole file. Tokens that do not parse are a generator bug; the
/// error says so instead of writing broken code.
pub fn format_file(tokens: TokenStream, header: &str) -> Result<String, String> {
    let file: syn::File = syn::parse2(tokens)
        .map_err(|e| format!("internal error: generated tokens do not parse: {e}"))?;
    Ok(format!(
        "{header}{}",
        space_items(&prettyplease::unparse(&file))
    ))
}

/// prettyplease puts items right under each other; a blank line between items (and
/// after inner docs) makes the files read like hand-written code.
fn space_items(source: &str) -> String {
    const ITEM_STARTS: [&str; 13] = [
        "///",
        "#[",
        "pub ",
        "impl",
        "fn ",
        "const ",
        "struct ",
        "enum ",
        "type ",
        "mod ",
        "use ",
        "async fn ",
        "codegen_runtime::",
    ];
    let mut out = String::with_capacity(source.len() + source.len() / 16);
    let mut prev: Option<&str> = None;
    for line in source.lines() {
        if let Some(p) = prev {
            let indent = |l: &str| l.len() - l.trim_start().len();
            let p_trim = p.trim();
            let ends_item =
                p_trim.ends_with('}') || p_trim.ends_with(';') || p_trim.starts_with("//!");
            let starts_item = ITEM_STARTS.iter().any(|s| line.trim_start().starts_with(s))
                && !line.trim_start().starts_with("//!");
            let is_inner_doc_end =
                p_trim.starts_with("//!") && !line.trim_start().starts_with("//!");
            if (ends_item && starts_item && indent(line) <= indent(p) && !p_trim.starts_with("///"))
                || is_inner_doc_end
            {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
        prev = Some(line);
    }
    out
}
