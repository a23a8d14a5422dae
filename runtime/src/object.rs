//! JSON objects: the serde impls of generated structs.
//!
//! A generated struct is plain Rust; one [`json_object!`](crate::json_object) line next to
//! it lists each field's wire name and presence rule, and expands to `Serialize` and
//! `Deserialize` impls. Compared with `#[derive(Serialize, Deserialize)]` the impls
//!
//! - accept only a JSON object (derived ones also take an array of the fields in order,
//!   which no OpenAPI schema means);
//! - keep absent, `null` and defaulted properties apart exactly (see the presence
//!   modules below), so a decoded value re-serialises to the JSON it came from;
//! - are a fraction of the code, which matters when a spec has thousands of models.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::Serialize;

use crate::Defaulted;

/// Declares the `Serialize` and `Deserialize` impls of a struct that stands for a JSON
/// object: `field: Type = "wireName" => presence`, where `Type` is the field's type as
/// the struct declares it and presence is one of
///
/// | presence            | field type          | absent   | `null`          | `None` / absent default |
/// |---------------------|---------------------|----------|-----------------|-------------------------|
/// | `required`          | `T`                 | error    | as `T` decodes  | —                       |
/// | `required_nullable` | `Option<T>`         | `None`   | `None`          | sent as `null`          |
/// | `optional`          | `Option<T>`         | `None`   | `None`          | omitted                 |
/// | `optional_nullable` | `Option<Option<T>>` | `None`   | `Some(None)`    | omitted                 |
/// | `defaulted(expr)`   | `Defaulted<T>`      | `expr`   | as `T` decodes  | omitted                 |
///
/// `optional_nullable` also fits `Option<serde_json::Value>`, whose `null` is a value.
/// A trailing `..name` collects the properties the schema does not declare into the
/// map field `name`; without it they are skipped.
///
/// ```
/// use codegen_runtime::Defaulted;
///
/// #[derive(Debug, PartialEq)]
/// pub struct Page {
///     pub kind: String,
///     pub next: Option<Option<String>>,
///     pub size: Defaulted<i64>,
///     pub extra: std::collections::BTreeMap<String, serde_json::Value>,
/// }
/// codegen_runtime::json_object!(Page {
///     kind: String = "type" => required,
///     next: Option<Option<String>> = "next" => optional_nullable,
///     size: Defaulted<i64> = "pageSize" => defaulted(20),
///     ..extra
/// });
///
/// let json = r#"{"type":"page","next":null,"colour":"red"}"#;
/// let page: Page = serde_json::from_str(json).unwrap();
/// assert_eq!((page.next.clone(), *page.size, page.size.is_present()), (Some(None), 20, false));
/// assert_eq!(serde_json::to_string(&page).unwrap(), json);
/// assert!(serde_json::from_str::<Page>(r#"["page", null, 20]"#).is_err());
/// ```
#[macro_export]
macro_rules! json_object {
    (
        $name:ident {
            $( $field:ident : $ty:ty = $wire:literal => $presence:ident $( ( $default:expr ) )? ),* $(,)?
            $( .. $rest:ident )?
        }
    ) => {
        // Generic parameters and the helper struct have `__` names, which no generated
        // type name (UpperCamelCase) can take, so a schema named `A`, `D` or `Fields`
        // cannot shadow them.
        // The bodies avoid a `?` per field: each one is a branch that type and borrow
        // checking pay for, thousands of times over in a large spec.
        impl $crate::__serde::Serialize for $name {
            fn serialize<__S: $crate::__serde::Serializer>(
                &self,
                serializer: __S,
            ) -> ::std::result::Result<__S::Ok, __S::Error> {
                #[allow(unused_mut)]
                let mut out = $crate::object::Out::begin(serializer)?;
                $( $crate::object::$presence::put(&mut out, $wire, &self.$field); )*
                $( out.rest(&self.$rest); )?
                out.end()
            }
        }

        impl<'de> $crate::__serde::Deserialize<'de> for $name {
            fn deserialize<__D: $crate::__serde::Deserializer<'de>>(
                deserializer: __D,
            ) -> ::std::result::Result<Self, __D::Error> {
                struct __Fields;
                impl<'de> $crate::object::Fields<'de> for __Fields {
                    type Value = $name;
                    const NAME: &'static str = stringify!($name);
                    fn visit<__A: $crate::__serde::de::MapAccess<'de>>(
                        map: __A,
                    ) -> ::std::result::Result<$name, __A::Error> {
                        // Typed slots, so that each one is a `dyn Slot` without waiting
                        // for inference.
                        $( let mut $field: ::std::option::Option<$crate::object::$presence::Value<$ty>> =
                            ::std::option::Option::None; )*
                        $( let mut $rest = ::std::collections::BTreeMap::new(); )?
                        // One call reads the whole object: the loop over its keys, the
                        // match of each key and the check of required properties are
                        // compiled once in the runtime instead of in every struct (they
                        // were most of the borrow checking of a large spec's crate).
                        $crate::object::read(
                            map,
                            &[ $( ($wire, $crate::__json_object_required!($presence)), )* ],
                            &mut [ $( &mut $field, )* ],
                            $crate::__json_object_rest!($( $rest )?),
                        )?;
                        ::std::result::Result::Ok($name {
                            $( $field: $crate::object::$presence::finish($field $(, || $default)?), )*
                            $( $rest, )?
                        })
                    }
                }
                $crate::object::deserialize::<__D, __Fields>(deserializer)
            }
        }
    };
}

/// What `json_object!` does with the properties the schema does not declare.
#[doc(hidden)]
#[macro_export]
macro_rules! __json_object_rest {
    () => {
        &mut $crate::object::SkipRest
    };
    ($rest:ident) => {
        &mut $rest
    };
}

/// Whether a property must be present.
#[doc(hidden)]
#[macro_export]
macro_rules! __json_object_required {
    (required) => {
        true
    };
    ($presence:ident) => {
        false
    };
}

/// The part of a `Deserialize` impl that differs per struct: its name and how it reads
/// the properties of one object.
#[doc(hidden)]
pub trait Fields<'de> {
    type Value;
    const NAME: &'static str;
    fn visit<A: MapAccess<'de>>(map: A) -> Result<Self::Value, A::Error>;
}

struct ObjectVisitor<F>(std::marker::PhantomData<F>);

impl<'de, F: Fields<'de>> Visitor<'de> for ObjectVisitor<F> {
    type Value = F::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a JSON object ({})", F::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<F::Value, A::Error> {
        F::visit(map)
    }
}

#[doc(hidden)]
pub fn deserialize<'de, D: Deserializer<'de>, F: Fields<'de>>(
    deserializer: D,
) -> Result<F::Value, D::Error> {
    deserializer.deserialize_map(ObjectVisitor::<F>(std::marker::PhantomData))
}

/// A property name, borrowed from the input when the format allows.
#[doc(hidden)]
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a property name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// A declared property's place while its object is read: empty until the property is
/// read, and read at most once.
#[doc(hidden)]
pub trait Slot<'de, A: MapAccess<'de>> {
    fn fill(&mut self, map: &mut A, wire: &'static str) -> Result<(), A::Error>;
    fn is_empty(&self) -> bool;
}

impl<'de, A: MapAccess<'de>, T: Deserialize<'de>> Slot<'de, A> for Option<T> {
    fn fill(&mut self, map: &mut A, wire: &'static str) -> Result<(), A::Error> {
        if self.is_some() {
            return Err(de::Error::duplicate_field(wire));
        }
        *self = Some(map.next_value()?);
        Ok(())
    }

    fn is_empty(&self) -> bool {
        self.is_none()
    }
}

/// Where the properties a schema does not declare go: dropped ([`SkipRest`]) or into
/// the struct's map of additional properties.
#[doc(hidden)]
pub trait Rest<'de> {
    fn take<A: MapAccess<'de>>(&mut self, key: Key<'de>, map: &mut A) -> Result<(), A::Error>;
}

#[doc(hidden)]
pub struct SkipRest;

impl<'de> Rest<'de> for SkipRest {
    fn take<A: MapAccess<'de>>(&mut self, _: Key<'de>, map: &mut A) -> Result<(), A::Error> {
        map.next_value::<de::IgnoredAny>().map(drop)
    }
}

impl<'de, T: Deserialize<'de>> Rest<'de> for std::collections::BTreeMap<String, T> {
    fn take<A: MapAccess<'de>>(&mut self, key: Key<'de>, map: &mut A) -> Result<(), A::Error> {
        let value = map.next_value()?;
        self.insert(key.0.into_owned(), value);
        Ok(())
    }
}

/// Reads one JSON object into the slots of its declared properties (`fields` are their
/// wire names and whether each is required, in the order of `slots`) and `rest`: the
/// first error ends it, a property given twice is an error, and then the first
/// required property that is missing.
#[doc(hidden)]
pub fn read<'de, A: MapAccess<'de>>(
    mut map: A,
    fields: &[(&'static str, bool)],
    slots: &mut [&mut dyn Slot<'de, A>],
    rest: &mut impl Rest<'de>,
) -> Result<(), A::Error> {
    // Objects mostly list their properties in the schema's order, so the property after
    // the one found last is tried first: then one comparison finds it. Otherwise a scan
    // (names of another length are told apart without reading them): as fast as a hash
    // table on real names, measured, and no table or `match` per struct to compile.
    let mut next = 0;
    while let Some(key) = map.next_key::<Key<'de>>()? {
        let name = key.as_str();
        let found = match fields.get(next) {
            Some((wire, _)) if *wire == name => Some(next),
            _ => fields.iter().position(|(wire, _)| *wire == name),
        };
        match found.and_then(|i| Some((i, fields.get(i)?, slots.get_mut(i)?))) {
            Some((i, (wire, _), slot)) => {
                next = i + 1;
                slot.fill(&mut map, wire)?
            }
            None => rest.take(key, &mut map)?,
        }
    }
    let missing = fields
        .iter()
        .zip(slots.iter())
        .find(|((_, required), slot)| *required && slot.is_empty());
    match missing {
        Some(((wire, _), _)) => Err(de::Error::missing_field(wire)),
        None => Ok(()),
    }
}

/// A map being serialised that keeps the first error, so that a struct's impl adds its
/// fields one after another without a `?` each.
#[doc(hidden)]
pub struct Out<M: SerializeMap> {
    map: M,
    error: Option<M::Error>,
}

impl<M: SerializeMap> Out<M> {
    pub fn begin<S: serde::Serializer<SerializeMap = M, Ok = M::Ok, Error = M::Error>>(
        serializer: S,
    ) -> Result<Self, S::Error> {
        Ok(Self {
            map: serializer.serialize_map(None)?,
            error: None,
        })
    }

    pub fn entry<T: Serialize + ?Sized>(&mut self, wire: &'static str, value: &T) {
        if self.error.is_none() {
            if let Err(e) = self.map.serialize_entry(wire, value) {
                self.error = Some(e);
            }
        }
    }

    pub fn rest<T: Serialize>(&mut self, rest: &std::collections::BTreeMap<String, T>) {
        if self.error.is_none() {
            if let Err(e) = rest
                .iter()
                .try_for_each(|(key, value)| self.map.serialize_entry(key, value))
            {
                self.error = Some(e);
            }
        }
    }

    pub fn end(self) -> Result<M::Ok, M::Error> {
        match self.error {
            Some(e) => Err(e),
            None => self.map.end(),
        }
    }
}

/// The type a field type wraps: what `optional_nullable` and `defaulted` read.
#[doc(hidden)]
pub trait Wrapper {
    type Inner;
}

impl<T> Wrapper for Option<T> {
    type Inner = T;
}

impl<T> Wrapper for Defaulted<T> {
    type Inner = T;
}

/// Always present, never `null` (unless `T` itself takes `null`).
#[doc(hidden)]
pub mod required {
    use super::*;

    /// The type read from the wire for a field of type `F`.
    pub type Value<F> = F;

    pub fn put<M: SerializeMap, T: Serialize>(out: &mut Out<M>, wire: &'static str, value: &T) {
        out.entry(wire, value)
    }

    /// The value of a property `visit` has checked is present.
    pub fn finish<T>(slot: Option<T>) -> T {
        // `json_object!` returns the missing-field error before any `finish`, so this
        // branch is never taken; a panic here would be a bug in the macro, not bad input.
        slot.expect("json_object! checks required properties before finishing")
    }
}

/// Required and nullable: `None` is sent as `null`; an absent property reads as `None`,
/// as serde reads a missing `Option`.
#[doc(hidden)]
pub mod required_nullable {
    use super::*;

    pub type Value<F> = F;

    pub fn put<M: SerializeMap, T: Serialize>(
        out: &mut Out<M>,
        wire: &'static str,
        value: &Option<T>,
    ) {
        out.entry(wire, value)
    }

    pub fn finish<T>(slot: Option<Option<T>>) -> Option<T> {
        slot.flatten()
    }
}

/// May be absent, never `null`: `None` is omitted; a `null` received reads as `None`.
#[doc(hidden)]
pub mod optional {
    use super::*;

    pub type Value<F> = F;

    pub fn put<M: SerializeMap, T: Serialize>(
        out: &mut Out<M>,
        wire: &'static str,
        value: &Option<T>,
    ) {
        if let Some(value) = value {
            out.entry(wire, value)
        }
    }

    pub fn finish<T>(slot: Option<Option<T>>) -> Option<T> {
        slot.flatten()
    }
}

/// May be absent or `null`: absent is `None`, and the value (`null` included) is `Some`.
#[doc(hidden)]
pub mod optional_nullable {
    use super::*;

    /// `Option<T>` reads `T` (which may take `null` itself).
    pub type Value<F> = <F as Wrapper>::Inner;

    pub fn put<M: SerializeMap, T: Serialize>(
        out: &mut Out<M>,
        wire: &'static str,
        value: &Option<T>,
    ) {
        super::optional::put(out, wire, value)
    }

    pub fn finish<T>(slot: Option<T>) -> Option<T> {
        slot
    }
}

/// May be absent, with a default that stands in for it (see [`Defaulted`]).
#[doc(hidden)]
pub mod defaulted {
    use super::*;

    /// `Defaulted<T>` reads `T`.
    pub type Value<F> = <F as Wrapper>::Inner;

    pub fn put<M: SerializeMap, T: Serialize>(
        out: &mut Out<M>,
        wire: &'static str,
        value: &Defaulted<T>,
    ) {
        if value.is_present() {
            out.entry(wire, value.get())
        }
    }

    pub fn finish<T>(slot: Option<T>, default: impl FnOnce() -> T) -> Defaulted<T> {
        match slot {
            Some(value) => Defaulted::new(value),
            None => Defaulted::absent(default()),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use crate::Defaulted;

    #[derive(Debug, PartialEq)]
    struct Every {
        id: i64,
        note: Option<String>,
        label: Option<String>,
        end: Option<Option<String>>,
        any: Option<serde_json::Value>,
        size: Defaulted<i64>,
    }
    crate::json_object!(Every {
        id: i64 = "id" => required,
        note: Option<String> = "note" => required_nullable,
        label: Option<String> = "label" => optional,
        end: Option<Option<String>> = "end" => optional_nullable,
        any: Option<serde_json::Value> = "any" => optional_nullable,
        size: Defaulted<i64> = "size" => defaulted(20),
    });

    #[derive(Debug, PartialEq)]
    struct Empty {}
    crate::json_object!(Empty {});

    #[derive(Debug, PartialEq)]
    struct Open {
        rest: BTreeMap<String, i32>,
    }
    crate::json_object!(Open { ..rest });

    fn decode<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(json: &str) -> String {
        serde_json::to_string(&decode::<T>(json).unwrap()).unwrap()
    }

    #[test]
    fn every_presence_round_trips_exactly() {
        for json in [
            r#"{"id":1,"note":null}"#,
            r#"{"id":1,"note":"n","label":"l","end":null,"any":null,"size":20}"#,
            r#"{"id":1,"note":null,"end":"e","any":{"k":[1]},"size":7}"#,
        ] {
            assert_eq!(round_trip::<Every>(json), json);
        }
    }

    #[test]
    fn presence_rules_read_as_documented() {
        let e: Every = decode(r#"{"id":1,"label":null,"end":null,"any":null}"#).unwrap();
        assert_eq!(e.note, None, "a missing nullable reads as None");
        assert_eq!(
            e.label, None,
            "null in a non-nullable optional reads as absent"
        );
        assert_eq!(e.end, Some(None));
        assert_eq!(e.any, Some(serde_json::Value::Null));
        assert_eq!((*e.size, e.size.is_present()), (20, false));
        let sent = serde_json::to_string(&e).unwrap();
        assert_eq!(sent, r#"{"id":1,"note":null,"end":null,"any":null}"#);
    }

    #[test]
    fn only_objects_are_accepted() {
        let err = decode::<Every>(r#"[1, null]"#).unwrap_err();
        assert!(err.contains("a JSON object (Every)"), "{err}");
        assert!(decode::<Empty>("[]").is_err());
        assert!(decode::<Open>("[]").is_err());
        assert!(decode::<Every>("null").is_err());
    }

    #[test]
    fn missing_and_duplicate_properties_are_named() {
        assert!(decode::<Every>("{}")
            .unwrap_err()
            .contains("missing field `id`"));
        let err = decode::<Every>(r#"{"id":1,"id":2}"#).unwrap_err();
        assert!(err.contains("duplicate field `id`"), "{err}");
    }

    #[test]
    fn undeclared_properties_are_skipped_or_collected() {
        assert_eq!(decode::<Empty>(r#"{"x":[{"y":1}]}"#).unwrap(), Empty {});
        assert_eq!(round_trip::<Empty>(r#"{"x":1}"#), "{}");
        assert_eq!(round_trip::<Open>(r#"{"b":2,"a":1}"#), r#"{"a":1,"b":2}"#);
        assert!(decode::<Open>(r#"{"a":"text"}"#)
            .unwrap_err()
            .contains("expected i32"));
    }

    #[test]
    fn the_first_error_wins_over_missing_properties() {
        let err = decode::<Every>(r#"{"note":5,"label":6}"#).unwrap_err();
        assert!(err.contains("invalid type: integer `5`"), "{err}");
        let err = decode::<Every>(r#"{"note":"n","id":"x"}"#).unwrap_err();
        assert!(err.contains("expected i64"), "{err}");
    }

    #[derive(Debug, Clone, PartialEq)]
    struct Wide {
        a: i32,
        ab: i32,
        abcdefgh: i32,
        abcdefghi: i32,
        ihgfedcba: i32,
        long_name_with_the_same_start_one: i32,
        long_name_with_the_same_start_two: i32,
        r#type: Option<i32>,
    }
    crate::json_object!(Wide {
        a: i32 = "a" => required,
        ab: i32 = "ab" => required,
        abcdefgh: i32 = "abcdefgh" => required,
        abcdefghi: i32 = "abcdefghi" => required,
        ihgfedcba: i32 = "ihgfedcba" => required,
        long_name_with_the_same_start_one: i32 = "long_name_with_the_same_start_one" => required,
        long_name_with_the_same_start_two: i32 = "long_name_with_the_same_start_two" => required,
        r#type: Option<i32> = "type" => optional,
    });

    /// Keys in any order find their fields (the declared order is tried first, then
    /// every name), and names alike in length, start or end stay apart.
    #[test]
    fn keys_in_any_order_find_their_fields() {
        let expected = Wide {
            a: 1,
            ab: 2,
            abcdefgh: 3,
            abcdefghi: 4,
            ihgfedcba: 5,
            long_name_with_the_same_start_one: 6,
            long_name_with_the_same_start_two: 7,
            r#type: Some(8),
        };
        let names = [
            "a",
            "ab",
            "abcdefgh",
            "abcdefghi",
            "ihgfedcba",
            "long_name_with_the_same_start_one",
            "long_name_with_the_same_start_two",
            "type",
        ];
        let in_order: Vec<String> = names
            .iter()
            .enumerate()
            .map(|(i, n)| format!("\"{n}\":{}", i + 1))
            .collect();
        let mut orders = vec![in_order.clone()];
        orders.push(in_order.iter().rev().cloned().collect());
        let mut shifted = in_order.clone();
        shifted.rotate_left(3);
        orders.push(shifted);
        for order in orders {
            let mut with_unknown = order.clone();
            with_unknown.insert(2, "\"abcdefgi\":0,\"b\":[1]".to_string());
            for fields in [order, with_unknown] {
                let json = format!("{{{}}}", fields.join(","));
                assert_eq!(decode::<Wide>(&json), Ok(expected.clone()), "{json}");
            }
        }
        let err = decode::<Wide>(r#"{"type":1,"a":1,"type":2}"#).unwrap_err();
        assert!(err.contains("duplicate field `type`"), "{err}");
    }

    #[test]
    fn escaped_keys_are_matched() {
        let e: Every = decode(r#"{"\u0069d":5}"#).unwrap();
        assert_eq!(e.id, 5);
    }
}
