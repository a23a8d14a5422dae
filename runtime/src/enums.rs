//! Open enums: the values a spec lists, plus a variant that keeps any other value, so a
//! value a server adds later neither fails decoding nor is lost on re-serialisation.
//!
//! Generated models declare them through these macros, which keeps thousands of enums
//! in a large spec to a few lines each while expanding to plain, hand-written-style impls
//! (cheaper to compile than `#[derive(Deserialize)]` on every enum).

/// Declares an open string enum.
///
/// ```
/// codegen_runtime::string_enum! {
///     /// A state.
///     pub enum State {
///         /// `open`
///         Open = "open",
///         /// `closed`
///         Closed = "closed",
///     }
/// }
/// assert_eq!(serde_json::to_string(&State::Open).unwrap(), r#""open""#);
/// let other: State = serde_json::from_str(r#""merged""#).unwrap();
/// assert_eq!(other, State::Other("merged".into()));
/// assert_eq!(serde_json::to_string(&other).unwrap(), r#""merged""#);
/// ```
#[macro_export]
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        // A value the spec adds later must not break callers' `match`es.
        #[non_exhaustive]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value the spec does not list, kept as received so that it survives
            /// re-serialisation.
            Other(String),
        }

        impl $name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )*
                    Self::Other(value) => value,
                }
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $wire => Self::$variant, )*
                    other => Self::Other(other.to_string()),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::__serde::Serialize for $name {
            fn serialize<S: $crate::__serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::std::borrow::Cow<'de, str> as $crate::__serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::from(value.as_ref()))
            }
        }
    };
}

/// Declares an open integer enum (integers on the wire).
///
/// ```
/// codegen_runtime::int_enum! {
///     /// A kind.
///     pub enum Kind {
///         /// `0`
///         Value0 = 0,
///         /// `7`
///         Value7 = 7,
///     }
/// }
/// assert_eq!(serde_json::to_string(&Kind::Value7).unwrap(), "7");
/// assert_eq!(serde_json::from_str::<Kind>("42").unwrap(), Kind::Other(42));
/// ```
#[macro_export]
macro_rules! int_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $value:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        // A value the spec adds later must not break callers' `match`es.
        #[non_exhaustive]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value the spec does not list, kept as received so that it survives
            /// re-serialisation.
            Other(i64),
        }

        impl $name {
            /// The value as sent on the wire.
            pub fn value(&self) -> i64 {
                match self {
                    $( Self::$variant => $value, )*
                    Self::Other(value) => *value,
                }
            }
        }

        impl ::std::convert::From<i64> for $name {
            fn from(value: i64) -> Self {
                match value {
                    $( $value => Self::$variant, )*
                    other => Self::Other(other),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, "{}", self.value())
            }
        }

        impl $crate::__serde::Serialize for $name {
            fn serialize<S: $crate::__serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.value())
            }
        }

        impl<'de> $crate::__serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                Ok(Self::from(<i64 as $crate::__serde::Deserialize>::deserialize(deserializer)?))
            }
        }
    };
}
