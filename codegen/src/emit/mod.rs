//! The intermediate model → tokens (`quote`) → formatted source (`prettyplease`).

pub(crate) mod client;
pub(crate) mod example;
pub(crate) mod types;

use proc_macro2::{Ident, Span, TokenStream};

/// An identifier for a name the `naming` module made (always valid); anything else is
/// replaced rather than allowed to panic inside `proc_macro2`.
pub(crate) fn ident(name: &str) -> Ident {
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
pub(crate) enum Piece {
    /// Tokens, formatted by prettyplease.
    Tokens(TokenStream),
    /// Finished source text (macro invocations, which prettyplease leaves unformatted).
    Text(String),
}

/// Builds some items of a file when a formatting thread asks for them: token trees are
/// made, formatted and dropped on the thread that formats them, so building tokens runs
/// in parallel too, no token tree crosses threads (proc_macro2's are not `Send`), and
/// only a chunk's trees are alive at a time (they dominate peak memory).
pub(crate) type Unit<'a> = Box<dyn Fn() -> Vec<Piece> + Send + Sync + 'a>;

/// A file to write: formatted from units, or finished text.
pub(crate) struct FilePlan<'a> {
    /// Path in the crate.
    pub path: String,
    /// The header and the formatted prelude (inner attributes, `use`s), or the whole
    /// text of a file written as text.
    head: String,
    /// Its items, in order; empty for a file written as text.
    units: Vec<Unit<'a>>,
}

impl<'a> FilePlan<'a> {
    /// A file made of `prelude` (inner attributes, `use`s) and the items of `units`.
    pub(crate) fn items(
        path: String,
        header: &str,
        prelude: TokenStream,
        units: Vec<Unit<'a>>,
    ) -> Result<Self, String> {
        let prelude = format_file(prelude, "")?;
        let mut head = String::from(header);
        if !prelude.is_empty() {
            head.push_str(&prelude);
            head.push('\n');
        }
        Ok(Self { path, head, units })
    }

    /// A file whose text is already written.
    pub(crate) fn text(path: String, text: String) -> Self {
        Self {
            path,
            head: text,
            units: Vec::new(),
        }
    }
}

/// Formats every planned file: the units of all files are cut into chunks that one
/// thread per core takes in turn, so small files do not leave a core idle; chunks join
/// into the same text as one pass, since prettyplease formats items independently.
pub(crate) fn render(plans: Vec<FilePlan<'_>>) -> Result<Vec<(String, String)>, String> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8);
    // Chunks small enough that every thread gets work on a mid-sized file, large enough
    // that taking one is cheap.
    let mut jobs: Vec<(usize, std::ops::Range<usize>)> = Vec::new();
    for (i, plan) in plans.iter().enumerate() {
        let n = plan.units.len();
        let chunk = (n / (threads * 4)).clamp(1, 64);
        let mut start = 0;
        while start < n {
            jobs.push((i, start..(start + chunk).min(n)));
            start += chunk;
        }
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut done: Vec<Option<Result<String, String>>> = Vec::new();
    done.resize_with(jobs.len(), || None);
    let finished: Vec<Vec<(usize, Result<String, String>)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads.min(jobs.len()).max(1))
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let j = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some((file, range)) = jobs.get(j) else {
                            break;
                        };
                        mine.push((j, format_units(&plans[*file].units[range.clone()])));
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    vec![(0, Err("internal error: formatting thread failed".into()))]
                })
            })
            .collect()
    });
    for (j, text) in finished.into_iter().flatten() {
        if let Some(slot) = done.get_mut(j) {
            *slot = Some(text);
        }
    }
    let mut bodies: Vec<String> = vec![String::new(); plans.len()];
    for ((file, _), text) in jobs.iter().zip(done) {
        let text =
            text.unwrap_or_else(|| Err("internal error: a chunk was not formatted".into()))?;
        bodies[*file].push_str(&text);
    }
    Ok(plans
        .into_iter()
        .zip(bodies)
        .map(|(plan, body)| {
            if plan.units.is_empty() {
                (plan.path, plan.head)
            } else {
                let mut out = plan.head;
                out.push_str(&space_items(&body));
                (plan.path, out)
            }
        })
        .collect())
}

/// The formatted text of some units: runs of tokens go through syn and prettyplease,
/// finished text passes through.
fn format_units(units: &[Unit<'_>]) -> Result<String, String> {
    fn flush(run: &mut TokenStream, out: &mut String) -> Result<(), String> {
        if run.is_empty() {
            return Ok(());
        }
        let file: syn::File = syn::parse2(std::mem::take(run))
            .map_err(|e| format!("internal error: generated tokens do not parse: {e}"))?;
        out.push_str(&prettyplease::unparse(&file));
        Ok(())
    }
    let mut out = String::new();
    let mut run = TokenStream::new();
    for unit in units {
        for piece in unit() {
            match piece {
                Piece::Tokens(tokens) => run.extend(tokens),
                Piece::Text(text) => {
                    flush(&mut run, &mut out)?;
                    out.push_str(&text);
                }
            }
        }
    }
    flush(&mut run, &mut out)?;
    Ok(out)
}

/// Formats tokens of a whole file. Tokens that do not parse are a generator bug; the
/// error says so instead of writing broken code.
pub(crate) fn format_file(tokens: TokenStream, header: &str) -> Result<String, String> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use quote::{format_ident, quote};

    fn item(i: usize) -> TokenStream {
        let name = format_ident!("Item{i}");
        let doc = format!(" Item number {i}.");
        quote! {
            #[doc = #doc]
            pub struct #name { pub value: Option<Vec<String>> }
            impl #name { pub fn value(&self) -> usize { self.value.as_ref().map_or(0, |v| v.len()) } }
        }
    }

    /// Cut into chunks on several threads, with finished text between token items, a
    /// file reads exactly as formatting all its tokens in one pass would give.
    #[test]
    fn chunks_join_into_the_text_of_one_pass() {
        let n = 700;
        let text_every = 97;
        let units: Vec<Unit> = (0..n)
            .map(|i| {
                Box::new(move || {
                    let mut pieces = vec![Piece::Tokens(item(i))];
                    if i % text_every == 0 {
                        pieces.push(Piece::Text(format!("codegen_runtime::marker!({i});\n")));
                    }
                    pieces
                }) as Unit
            })
            .collect();
        let plans = vec![
            FilePlan::items(
                "a.rs".into(),
                "// header\n",
                quote!(
                    use std::fmt;
                ),
                units,
            )
            .unwrap(),
            FilePlan::text("b.rs".into(), "verbatim\n".into()),
        ];
        let files = render(plans).unwrap();

        let mut body = String::new();
        let mut run = TokenStream::new();
        for i in 0..n {
            run.extend(item(i));
            if i % text_every == 0 {
                let file: syn::File = syn::parse2(std::mem::take(&mut run)).unwrap();
                body.push_str(&prettyplease::unparse(&file));
                body.push_str(&format!("codegen_runtime::marker!({i});\n"));
            }
        }
        let file: syn::File = syn::parse2(run).unwrap();
        body.push_str(&prettyplease::unparse(&file));
        let expected = format!(
            "// header\n{}\n{}",
            format_file(
                quote!(
                    use std::fmt;
                ),
                ""
            )
            .unwrap(),
            space_items(&body)
        );
        assert_eq!(files[0].0, "a.rs");
        assert_eq!(files[0].1, expected);
        assert_eq!(files[1], ("b.rs".to_string(), "verbatim\n".to_string()));
        // The items are all there, in order.
        let positions: Vec<usize> = (0..n)
            .map(|i| files[0].1.find(&format!("pub struct Item{i} ")).unwrap())
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]));
    }
}
