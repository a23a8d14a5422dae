//! Rust names of spec items, as the generated crate spells them. The diff report uses
//! them to name the Rust items a change touches.
//!
//! These follow `codegen`'s naming rules (heck case conversion, a trailing `_` after
//! keywords, a prefix before a leading digit) until `codegen::naming` is public, at which
//! point each function forwards to it.

use heck::{ToSnakeCase, ToUpperCamelCase};

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield", "union",
];

fn words(raw: &str) -> String {
    raw.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

fn fix(name: String, prefix: &str) -> String {
    let name = if name.is_empty() {
        prefix.to_string()
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{prefix}{name}")
    } else {
        name
    };
    if KEYWORDS.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

/// The Rust type name of a component schema.
pub fn type_name(raw: &str) -> String {
    fix(words(raw).to_upper_camel_case(), "T")
}

/// The Rust field (or argument) name of a property or parameter.
pub fn field_name(raw: &str) -> String {
    fix(words(raw).to_snake_case(), "n")
}

/// The Rust enum variant name of an enum value.
pub fn variant_name(raw: &str) -> String {
    if raw.is_empty() {
        return "Empty".to_string();
    }
    fix(words(raw).to_upper_camel_case(), "V")
}

/// The client method name of an operation id.
pub fn method_name(operation_id: &str) -> String {
    field_name(operation_id)
}

/// The module name of a spec file stem.
pub fn module_name(stem: &str) -> String {
    field_name(stem)
}

/// The method name of an operation without an operation id: method and path words.
pub fn method_name_for(method: &str, path: &str) -> String {
    method_name(&format!("{method} {path}"))
}
