//! What an API promises about time and change rather than shape: stability levels
//! (`x-stability-level`), sunset dates (`x-sunset`), deprecation of parameters and
//! properties, and webhooks coming and going.

use serde_json::Value;

use super::impact::Ctx;
use super::walk::Differ;
use super::{Breaks, Change, Level, Rule};

/// The stability levels oasdiff reads from `x-stability-level`, least stable first.
const STABILITY: [&str; 4] = ["draft", "alpha", "beta", "stable"];

/// Where `value` stands among [`STABILITY`]: `Ok(None)` when absent, `Err` when it is
/// not one of them.
fn stability(value: &Value) -> Result<Option<usize>, String> {
    match value.get("x-stability-level") {
        None => Ok(None),
        Some(Value::String(s)) => STABILITY
            .iter()
            .position(|level| level == s)
            .map(Some)
            .ok_or_else(|| format!("`{s}`")),
        Some(other) => Err(format!("`{other}`")),
    }
}

/// A sunset date as written, and whether it reads as an RFC 3339 date or date-time
/// (the date part is what is compared).
fn sunset(value: &Value) -> Option<(String, Option<chrono::NaiveDate>)> {
    let raw = value.get("x-sunset")?;
    let text = match raw {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let date = chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .ok()
        .or_else(|| {
            chrono::DateTime::parse_from_rfc3339(&text)
                .ok()
                .map(|t| t.date_naive())
        });
    Some((text, date))
}

fn deprecated(value: &Value) -> bool {
    value.get("deprecated").and_then(Value::as_bool) == Some(true)
}

impl Differ<'_> {
    /// Stability and sunset of an operation (objects `o` and `n`, the new one at `np`).
    pub(super) fn operation_lifecycle(&mut self, ctx: &Ctx, o: &Value, n: &Value, np: &str) {
        let pointer = format!("{np}/x-stability-level");
        match (stability(o), stability(n)) {
            (_, Err(value)) => self.change(
                ctx,
                Level::Error,
                Rule::StabilityInvalid,
                &pointer,
                format!(
                    "`x-stability-level` is {value}; expected one of {}",
                    STABILITY.join(", ")
                ),
                Breaks::No,
            ),
            (Ok(Some(a)), Ok(b)) if b.is_none_or(|b| b < a) => {
                let to = b.map_or("none", |b| STABILITY[b]);
                self.change(
                    ctx,
                    Level::Error,
                    Rule::StabilityDecreased,
                    &pointer,
                    format!("stability decreased from `{}` to `{to}`", STABILITY[a]),
                    Breaks::No,
                );
            }
            _ => {}
        }
        self.sunset(ctx, "operation", o, n, np);
    }

    /// Sunset rules for one operation or parameter (`what` names it in messages).
    pub(super) fn sunset(&mut self, ctx: &Ctx, what: &str, o: &Value, n: &Value, np: &str) {
        let pointer = format!("{np}/x-sunset");
        match (sunset(o), sunset(n)) {
            (a, b) if a == b => {}
            (Some((text, None)), _) | (_, Some((text, None))) => self.change(
                ctx,
                Level::Error,
                Rule::SunsetInvalid,
                &pointer,
                format!("the {what}'s sunset date `{text}` is not an RFC 3339 date"),
                Breaks::No,
            ),
            (Some((text, _)), None) if deprecated(o) => self.change(
                ctx,
                Level::Error,
                Rule::SunsetRemoved,
                np,
                format!("the deprecated {what}'s sunset date `{text}` was removed"),
                Breaks::No,
            ),
            (Some((a, Some(old))), Some((b, Some(new)))) if new < old => self.change(
                ctx,
                Level::Error,
                Rule::SunsetEarlier,
                &pointer,
                format!("the {what}'s sunset date moved earlier, from `{a}` to `{b}`"),
                Breaks::No,
            ),
            _ => {}
        }
    }

    /// A parameter or property newly marked `deprecated`.
    pub(super) fn deprecation(
        &mut self,
        ctx: &Ctx,
        rule: Rule,
        what: &str,
        o: &Value,
        n: &Value,
        np: &str,
    ) {
        if !deprecated(o) && deprecated(n) {
            self.change(
                ctx,
                Level::Info,
                rule,
                &format!("{np}/deprecated"),
                format!("{what} deprecated"),
                Breaks::No,
            );
        }
    }

    /// Webhooks added or removed (3.1 `webhooks`, or the `x-webhooks` of 3.0
    /// documents).
    pub(crate) fn webhooks(&mut self) {
        let names = |doc: &Value| -> Vec<(String, String)> {
            ["webhooks", "x-webhooks"]
                .into_iter()
                .filter_map(|key| Some((key, doc.get(key)?.as_object()?)))
                .flat_map(|(key, map)| {
                    map.keys().map(move |name| {
                        (name.clone(), crate::locate::join(&format!("/{key}"), name))
                    })
                })
                .collect()
        };
        let (old, new) = (names(self.old), names(self.new));
        for (name, pointer) in &old {
            if !new.iter().any(|(n, _)| n == name) {
                self.push_change(
                    Level::Error,
                    Rule::WebhookRemoved,
                    pointer,
                    &format!("webhook {name}"),
                    "webhook removed: receivers no longer get its events".into(),
                    Breaks::Maybe,
                );
            }
        }
        for (name, pointer) in &new {
            if !old.iter().any(|(o, _)| o == name) {
                self.push_change(
                    Level::Info,
                    Rule::WebhookAdded,
                    pointer,
                    &format!("webhook {name}"),
                    "webhook added".into(),
                    Breaks::No,
                );
            }
        }
    }

    /// Changes of an operation that was `draft` or `alpha` are INFO: such operations
    /// may change without notice (oasdiff does not report them). `first` is the index of
    /// the operation's first change in `out`.
    pub(super) fn allow_unstable(&mut self, old_operation: &Value, first: usize) {
        let Ok(Some(level)) = stability(old_operation) else {
            return;
        };
        if level > 1 {
            return;
        }
        for change in &mut self.out[first..] {
            relax(change, STABILITY[level]);
        }
    }
}

fn relax(change: &mut Change, stability: &str) {
    if change.level > Level::Info && change.rule != Rule::StabilityInvalid {
        change.level = Level::Info;
        change.message = format!(
            "{} (INFO: the operation was `{stability}`, which may change)",
            change.message
        );
    }
}
