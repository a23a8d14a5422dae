//! Serde helpers that generated models name in their attributes.

use serde::{Deserialize, Deserializer};

/// Deserialises a present value as `Some(value)`, *including* `null`.
///
/// Used with `#[serde(default, deserialize_with = "...")]` on fields that may be absent
/// and may be `null`: absent → `None` (the default), `null` → `Some(None)` for
/// `Option<Option<T>>`, or `Some(Value::Null)` for `Option<serde_json::Value>`. Plain
/// serde would read `null` as `None` and so turn an explicit `null` into an absent field
/// on re-serialisation.
pub fn deserialize_some<'de, T, D>(deserializer: D) -> Result<Option<T>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    T::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Probe {
        #[serde(default, deserialize_with = "super::deserialize_some")]
        field: Option<Option<i32>>,
    }

    #[test]
    fn absent_null_and_value_stay_apart() {
        let parse = |s: &str| serde_json::from_str::<Probe>(s).map(|p| p.field).ok();
        assert_eq!(parse("{}"), Some(None));
        assert_eq!(parse(r#"{"field": null}"#), Some(Some(None)));
        assert_eq!(parse(r#"{"field": 3}"#), Some(Some(Some(3))));
    }
}
