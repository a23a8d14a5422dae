//! The intermediate model → tokens (`quote`) → formatted source (`prettyplease`).

pub mod client;
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

/// Formats tokens of a whole file. Tokens that do not parse are a generator bug; the
/// error says so instead of writing broken code.
pub fn format_file(tokens: TokenStream, header: &str) -> Result<String, String> {
    let file: syn::File = syn::parse2(tokens).map_err(|e| format!("internal error: generated tokens do not parse: {e}"))?;
    Ok(format!("{header}{}", space_items(&prettyplease::unparse(&file))))
}

/// prettyplease puts items right under each other; a blank line between items (and
/// after inner docs) makes the files read like hand-written code.
fn space_items(source: &str) -> String {
    const ITEM_STARTS: [&str; 12] =
        ["///", "#[", "pub ", "impl", "fn ", "const ", "struct ", "enum ", "type ", "mod ", "use ", "async fn "];
    let mut out = String::with_capacity(source.len() + source.len() / 16);
    let mut prev: Option<&str> = None;
    for line in source.lines() {
        if let Some(p) = prev {
            let indent = |l: &str| l.len() - l.trim_start().len();
            let p_trim = p.trim();
            let ends_item = p_trim.ends_with('}') || p_trim.ends_with(';') || p_trim.starts_with("//!");
            let starts_item = ITEM_STARTS.iter().any(|s| line.trim_start().starts_with(s)) && !line.trim_start().starts_with("//!");
            let is_inner_doc_end = p_trim.starts_with("//!") && !line.trim_start().starts_with("//!");
            if (ends_item && starts_item && indent(line) <= indent(p) && !p_trim.starts_with("///")) || is_inner_doc_end {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
        prev = Some(line);
    }
    out
}
