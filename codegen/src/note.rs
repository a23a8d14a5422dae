//! A message about one place of a document: what every stage that reads a document
//! says about it (a repair of the loader, a loss of the normalising pass, a reference to
//! nothing, a fallback or a warning of the model). The place is a JSON pointer into the
//! document (or `file#pointer` for a place in another file); the caller that knows the
//! file and the text adds both, and its position (`SpecError`, or a tool's diagnostic).

/// A message at a JSON pointer of a document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Note {
    /// JSON pointer of the place in the source document (or `file#pointer` for a
    /// place in another file).
    pub pointer: String,
    /// What is wrong, lost or changed there.
    pub message: String,
}

impl Note {
    /// A note at `pointer`.
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> Note {
        Note {
            pointer: pointer.into(),
            message: message.into(),
        }
    }
}
