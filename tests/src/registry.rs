//! The `schemas` registries of the generated modules, by module name.

use serde_json::Value;

/// `<module>::schemas::roundtrip`: decodes JSON as the type of a schema pointer and
/// encodes it again; `None` when the pointer has no type.
pub type RoundTrip = fn(&str, &str) -> Option<Result<Value, serde_json::Error>>;

/// One generated module's registry.
#[derive(Debug, Clone, Copy)]
pub struct Registry {
    /// The module name (snake case of the spec's file stem).
    pub module: &'static str,
    /// `<module>::schemas::POINTERS`.
    pub pointers: &'static [&'static str],
    /// `<module>::schemas::roundtrip`.
    pub roundtrip: RoundTrip,
}

impl Registry {
    /// Whether `pointer` has a generated type.
    pub fn has(&self, pointer: &str) -> bool {
        self.pointers.contains(&pointer)
    }

    /// The registry pointers of component schemas (`/components/schemas/...`).
    pub fn component_pointers(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.pointers
            .iter()
            .copied()
            .filter(|p| p.starts_with("/components/schemas/"))
    }

    /// Decodes `json` as the type at `pointer` and encodes it back, turning a panic into an
    /// `Err` that says so (a panic is a failure, never an accepted outcome).
    pub fn roundtrip_caught(&self, pointer: &str, json: &str) -> Caught {
        let f = self.roundtrip;
        match std::panic::catch_unwind(|| f(pointer, json)) {
            Ok(None) => Caught::NoType,
            Ok(Some(Ok(value))) => Caught::Ok(value),
            Ok(Some(Err(error))) => Caught::Err(error),
            Err(panic) => Caught::Panic(panic_message(&panic)),
        }
    }
}

/// What [`Registry::roundtrip_caught`] saw.
#[derive(Debug)]
pub enum Caught {
    /// Decoded and re-encoded.
    Ok(Value),
    /// A typed decode (or encode) error.
    Err(serde_json::Error),
    /// The pointer has no generated type.
    NoType,
    /// The call panicked, with this message.
    Panic(String),
}

/// The text of a caught panic payload.
pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "(non-string panic payload)".to_string()
    }
}

macro_rules! registries {
    ($($module:ident),* $(,)?) => {
        /// Every generated module's registry. A spec whose module is missing here makes the
        /// tests fail (see [`for_module`]), so a new spec cannot go untested silently.
        pub const ALL: &[Registry] = &[
            $(Registry {
                module: stringify!($module),
                pointers: conversation_apis::$module::schemas::POINTERS,
                roundtrip: conversation_apis::$module::schemas::roundtrip,
            },)*
        ];
    };
}

registries!(
    iris,
    liveswitch,
    salesforce_interaction,
    teamwork_desk,
    zild
);

/// The registry of `module`, if the generated crate has one.
pub fn for_module(module: &str) -> Option<&'static Registry> {
    ALL.iter().find(|r| r.module == module)
}
