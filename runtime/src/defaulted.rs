//! [`Defaulted`]: a field whose schema gives a `default`.

use std::ops::Deref;

/// The value of an optional property whose schema declares a `default`.
///
/// Reading it gives the value the server meant: the one on the wire, or the schema's
/// default when the property was absent. It also remembers which of the two it holds,
/// so that an absent property stays absent when the model is serialised again (the
/// default is never sent on the caller's behalf) and an explicit value is always sent,
/// even when it equals the default.
///
/// ```
/// use codegen_runtime::Defaulted;
///
/// let page_size = Defaulted::absent(20);
/// assert_eq!(*page_size, 20);
/// assert!(!page_size.is_present());
///
/// let chosen: Defaulted<i64> = 50.into();
/// assert_eq!(chosen.into_inner(), 50);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Defaulted<T> {
    value: T,
    present: bool,
}

impl<T> Defaulted<T> {
    /// A value given explicitly: it is serialised.
    pub fn new(value: T) -> Self {
        Self {
            value,
            present: true,
        }
    }

    /// The schema's default standing in for an absent property: it is not serialised.
    pub fn absent(default: T) -> Self {
        Self {
            value: default,
            present: false,
        }
    }

    /// Whether the value was given (on the wire or by the caller) rather than defaulted.
    pub fn is_present(&self) -> bool {
        self.present
    }

    /// The value, given or defaulted.
    pub fn get(&self) -> &T {
        &self.value
    }

    /// The value, given or defaulted.
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T> Deref for Defaulted<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> From<T> for Defaulted<T> {
    fn from(value: T) -> Self {
        Self::new(value)
    }
}
