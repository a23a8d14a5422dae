//! Rust identifiers from arbitrary names in a spec: case conversion (heck), keywords,
//! leading digits, symbols, non-ASCII letters, and collisions after conversion.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Keywords of every edition, plus the ones raw identifiers cannot express (`self`,
/// `Self`, `crate`, `super`): all get a trailing underscore instead of `r#`.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield", "union",
];

/// Type names that would shadow the prelude or the names generated code relies on.
const RESERVED_TYPES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Default",
    "Clone",
    "Copy",
    "Debug",
    "Send",
    "Sync",
    "Sized",
    "Fn",
    "FnMut",
    "FnOnce",
    "Drop",
    "Iterator",
    "ToString",
    "Into",
    "From",
    "PartialEq",
    "Eq",
    "Ord",
    "PartialOrd",
    "Hash",
    "BTreeMap",
    "Value",
    "Serialize",
    "Deserialize",
    "Client",
    "Error",
    "Response",
];

/// Spells out characters that carry meaning in names (`+1` and `-1` are different
/// reactions), and turns everything else that is not alphanumeric into a separator.
fn words(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for ch in raw.chars() {
        match ch {
            '+' => out.push_str(" plus "),
            '-' if out.trim().is_empty() => out.push_str(" minus "),
            '@' => out.push_str(" at "),
            '#' => out.push_str(" hash "),
            '*' => out.push_str(" star "),
            '<' => out.push_str(" lt "),
            '>' => out.push_str(" gt "),
            '=' => out.push_str(" eq "),
            '%' => out.push_str(" percent "),
            c if c.is_ascii_alphanumeric() => out.push(c),
            c if c.is_alphanumeric() => {
                // Non-ASCII letters are valid in Rust identifiers but warn under
                // `non_ascii_idents` lints in some setups; spell them as their code point.
                out.push_str(&format!(" u{:x} ", c as u32));
            }
            _ => out.push(' '),
        }
    }
    out
}

fn fix_start(mut name: String, prefix: &str) -> String {
    if name.is_empty() {
        return prefix.to_string();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, prefix);
    }
    name
}

fn unkeyword(name: String) -> String {
    if KEYWORDS.contains(&name.as_str()) || name == "_" {
        format!("{name}_")
    } else {
        name
    }
}

/// The Rust type name for a schema, operation or other spec name (UpperCamelCase).
pub fn type_name(raw: &str) -> String {
    let name = fix_start(words(raw).to_upper_camel_case(), "T");
    let name = unkeyword(name);
    if RESERVED_TYPES.contains(&name.as_str()) {
        format!("{name}Type")
    } else {
        name
    }
}

/// The Rust field (or parameter, module) name for a property name (snake_case).
pub fn field_name(raw: &str) -> String {
    let snake = words(raw).to_snake_case();
    unkeyword(fix_start(snake, "n"))
}

/// The Rust enum variant name for an enum value or union member.
pub fn variant_name(raw: &str) -> String {
    if raw.is_empty() {
        return "Empty".to_string();
    }
    let name = fix_start(words(raw).to_upper_camel_case(), "V");
    let name = if name.is_empty() {
        "Value".to_string()
    } else {
        name
    };
    unkeyword(name)
}

/// The client method name for an operation id (snake_case).
pub fn method_name(operation_id: &str) -> String {
    field_name(operation_id)
}

/// Module names a spec's module must not take: the crate root's own file (`lib`,
/// `main`), the crates and modules the generated crate re-exports or refers to by path,
/// and the cargo features the generated crate declares besides one per API.
const RESERVED_MODULES: &[&str] = &[
    "lib",
    "main",
    "build",
    "std",
    "core",
    "alloc",
    "chrono",
    "uuid",
    "serde",
    "serde_json",
    "runtime",
    "codegen_runtime",
    "reqwest",
    "types",
    "schemas",
    "registry",
    "default",
    "tracing",
];

/// The module (and cargo feature) name for a spec file stem; a reserved name gets an
/// `_api` suffix (`lib.yaml` → `lib_api`).
pub fn module_name(stem: &str) -> String {
    let name = field_name(stem);
    if RESERVED_MODULES.contains(&name.as_str()) {
        format!("{}_api", name.trim_end_matches('_'))
    } else {
        name
    }
}

/// Hands out names that are unique within one scope, deterministically: the first
/// comer keeps the name, later ones get `2`, `3`, ... (or `_2` for snake_case names).
#[derive(Debug, Default, Clone)]
pub struct UniqueNames {
    taken: BTreeSet<String>,
}

impl UniqueNames {
    /// An empty scope.
    pub fn new() -> Self {
        Self::default()
    }

    /// A scope in which `names` are already taken.
    pub fn with_taken<I: IntoIterator<Item = S>, S: Into<String>>(names: I) -> Self {
        Self {
            taken: names.into_iter().map(Into::into).collect(),
        }
    }

    /// Returns `name` if free, else the first free `name{n}` (n ≥ 2), and takes it.
    pub fn claim(&mut self, name: &str) -> String {
        // A keyword's trailing `_` is dropped before the number: `self_` → `self_2` and
        // `Self_` → `Self2`, never `self__2` / `Self_2`, which the style lints reject.
        let stem = match name.trim_end_matches('_') {
            "" => name,
            trimmed => trimmed,
        };
        let separator = if stem.contains('_') || stem.chars().all(|c| !c.is_uppercase()) {
            "_"
        } else {
            ""
        };
        let mut candidate = name.to_string();
        let mut n = 2;
        while !self.taken.insert(candidate.clone()) {
            candidate = format!("{stem}{separator}{n}");
            n += 1;
        }
        candidate
    }

    /// Whether `name` is taken.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_files_cannot_take_the_names_the_crate_uses() {
        for (stem, module) in [
            ("lib", "lib_api"),
            ("chrono", "chrono_api"),
            ("uuid", "uuid_api"),
            ("serde_json", "serde_json_api"),
            ("serde-json", "serde_json_api"),
            ("runtime", "runtime_api"),
            ("registry", "registry_api"),
            ("self", "self_"),
            ("teamwork-desk", "teamwork_desk"),
        ] {
            assert_eq!(module_name(stem), module, "{stem}");
        }
    }

    #[test]
    fn keywords_become_valid_identifiers() {
        for kw in [
            "type", "self", "Self", "crate", "fn", "async", "match", "super",
        ] {
            let f = field_name(kw);
            assert!(syn::parse_str::<syn::Ident>(&f).is_ok(), "{kw} -> {f}");
        }
        assert_eq!(field_name("type"), "type_");
        assert_eq!(type_name("Self"), "Self_");
    }

    #[test]
    fn symbols_digits_and_unicode() {
        assert_eq!(field_name("@odata.type"), "at_odata_type");
        assert_eq!(field_name("2fa-enabled"), "n2fa_enabled");
        assert_eq!(variant_name("+1"), "Plus1");
        assert_eq!(variant_name("-1"), "Minus1");
        assert_eq!(variant_name("1"), "V1");
        assert_eq!(variant_name(""), "Empty");
        assert_eq!(type_name("über type"), "UfcBerType");
        for raw in ["ünïcødé", "名前", "a b c", "x-y-z", "__", "$", "123"] {
            for name in [field_name(raw), type_name(raw), variant_name(raw)] {
                assert!(
                    syn::parse_str::<syn::Ident>(&name).is_ok(),
                    "{raw} -> {name}"
                );
            }
        }
    }

    #[test]
    fn collisions_get_deterministic_suffixes() {
        let mut scope = UniqueNames::new();
        assert_eq!(scope.claim(&field_name("fooBaz")), "foo_baz");
        assert_eq!(scope.claim(&field_name("foo_baz")), "foo_baz_2");
        let mut types = UniqueNames::new();
        assert_eq!(types.claim(&type_name("foo_bar")), "FooBar");
        assert_eq!(types.claim(&type_name("FooBar")), "FooBar2");
        let mut variants = UniqueNames::new();
        assert_eq!(variants.claim(&variant_name("self")), "Self_");
        assert_eq!(variants.claim(&variant_name("Self")), "Self2");
        let mut fields = UniqueNames::new();
        assert_eq!(fields.claim(&field_name("self")), "self_");
        assert_eq!(fields.claim(&field_name("Self")), "self_2");
    }

    #[test]
    fn reserved_type_names_are_renamed() {
        assert_eq!(type_name("String"), "StringType");
        assert_eq!(type_name("error"), "ErrorType");
    }
}
