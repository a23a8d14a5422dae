//! Schema keywords beyond shape: JSON Schema 2020-12's (`const`, `contains`,
//! `dependentRequired`, `unevaluated*`, `prefixItems`, `if`/`then`/`else`), the
//! discriminator, defaults and `x-extensible-enum`. Each is compared where the walker
//! compares a schema ([`Differ::keywords`]); levels follow oasdiff's where it has the
//! rule, and the rule's documentation says why where it has none.

use std::collections::BTreeSet;

use serde_json::Value;

use super::impact::Ctx;
use super::walk::Differ;
use super::{Breaks, Level, Rule};

/// `value` in a message: strings in backticks, anything else as JSON.
fn show(value: Option<&Value>) -> String {
    match value {
        None => "none".into(),
        Some(Value::String(s)) => format!("`{s}`"),
        Some(other) => format!("`{other}`"),
    }
}

/// Which way a keyword change goes for what is accepted.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Tightness {
    /// Fewer values are valid.
    Tighter,
    /// More values are valid.
    Looser,
    /// Neither is a subset of the other, or the diff cannot tell.
    Different,
}

impl Tightness {
    /// The level for `ctx`'s direction: tighter breaks requests, looser breaks
    /// responses, a different rule breaks both.
    fn level(self, ctx: &Ctx) -> Level {
        match self {
            Tightness::Tighter => ctx.usage.level(Level::Error, Level::Info),
            Tightness::Looser => ctx.usage.level(Level::Info, Level::Error),
            Tightness::Different => Level::Error,
        }
    }
}

impl Differ<'_> {
    /// Every keyword rule of this module, for one pair of (dereferenced) schemas.
    pub(super) fn keywords(&mut self, ctx: &Ctx, o: &Value, n: &Value, np: &str) {
        self.constant(ctx, o, n, np);
        self.contains(ctx, o, n, np);
        self.dependent_required(ctx, o, n, np);
        self.unevaluated(ctx, o, n, np);
        for (keyword, rule, level) in [
            ("prefixItems", Rule::PrefixItemsChanged, Level::Error),
            ("if", Rule::ConditionalChanged, Level::Warning),
            ("then", Rule::ConditionalChanged, Level::Warning),
            ("else", Rule::ConditionalChanged, Level::Warning),
        ] {
            let (a, b) = (o.get(keyword), n.get(keyword));
            if a != b {
                let breaks = if rule == Rule::PrefixItemsChanged {
                    Breaks::Maybe
                } else {
                    Breaks::No
                };
                let what = match (a, b) {
                    (None, _) => format!("`{keyword}` added"),
                    (_, None) => format!("`{keyword}` removed"),
                    _ => format!("`{keyword}` changed"),
                };
                self.change(ctx, level, rule, &format!("{np}/{keyword}"), what, breaks);
            }
        }
        self.discriminator(ctx, o, n, np);
        self.default_value(ctx, o, n, np);
        self.extensible_enum(ctx, o, n, np);
    }

    fn constant(&mut self, ctx: &Ctx, o: &Value, n: &Value, np: &str) {
        let (a, b) = (o.get("const"), n.get("const"));
        if a == b {
            return;
        }
        // Adding or changing a constant refuses values callers sent; removing or
        // changing it returns values callers did not expect.
        let level = match (a, b) {
            (None, Some(_)) => ctx.usage.level(Level::Error, Level::Info),
            (Some(_), None) => ctx.usage.level(Level::Info, Level::Warning),
            _ => ctx.usage.level(Level::Error, Level::Warning),
        };
        self.change(
            ctx,
            level,
            Rule::ConstChanged,
            &format!("{np}/const"),
            format!("`const` changed from {} to {}", show(a), show(b)),
            Breaks::No,
        );
    }

    fn contains(&mut self, ctx: &Ctx, o: &Value, n: &Value, np: &str) {
        let (a, b) = (o.get("contains"), n.get("contains"));
        if a != b {
            let tightness = match (a, b) {
                (None, Some(_)) => Tightness::Tighter,
                (Some(_), None) => Tightness::Looser,
                _ => Tightness::Different,
            };
            let what = match tightness {
                Tightness::Tighter => "`contains` added",
                Tightness::Looser => "`contains` removed",
                Tightness::Different => "`contains` changed",
            };
            self.change(
                ctx,
                tightness.level(ctx),
                Rule::ContainsChanged,
                &format!("{np}/contains"),
                what.into(),
                Breaks::No,
            );
        }
        // (keyword, whether a larger value is tighter)
        for (keyword, larger_is_tighter) in [("minContains", true), ("maxContains", false)] {
            let (a, b) = (
                o.get(keyword).and_then(Value::as_f64),
                n.get(keyword).and_then(Value::as_f64),
            );
            let tightness = match (a, b) {
                (Some(x), Some(y)) if x == y => continue,
                (None, None) => continue,
                (None, Some(_)) => Tightness::Tighter,
                (Some(_), None) => Tightness::Looser,
                (Some(x), Some(y)) if (y > x) == larger_is_tighter => Tightness::Tighter,
                _ => Tightness::Looser,
            };
            let shown = |v: Option<f64>| v.map_or("none".to_string(), |v| v.to_string());
            self.change(
                ctx,
                tightness.level(ctx),
                Rule::ContainsChanged,
                &format!("{np}/{keyword}"),
                format!("`{keyword}` changed from {} to {}", shown(a), shown(b)),
                Breaks::No,
            );
        }
    }

    fn dependent_required(&mut self, ctx: &Ctx, o: &Value, n: &Value, np: &str) {
        let deps = |v: &Value| -> BTreeSet<(String, String)> {
            let Some(map) = v.get("dependentRequired").and_then(Value::as_object) else {
                return BTreeSet::new();
            };
            map.iter()
                .flat_map(|(property, needs)| {
                    needs
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .map(move |need| (property.clone(), need.to_string()))
                })
                .collect()
        };
        let (a, b) = (deps(o), deps(n));
        let pointer = format!("{np}/dependentRequired");
        for (property, need) in b.difference(&a) {
            self.change(
                ctx,
                Tightness::Tighter.level(ctx),
                Rule::DependentRequiredChanged,
                &pointer,
                format!("`{need}` is now required when `{property}` is present"),
                Breaks::No,
            );
        }
        for (property, need) in a.difference(&b) {
            self.change(
                ctx,
                Tightness::Looser.level(ctx),
                Rule::DependentRequiredChanged,
                &pointer,
                format!("`{need}` is no longer required when `{property}` is present"),
                Breaks::No,
            );
        }
    }

    fn unevaluated(&mut self, ctx: &Ctx, o: &Value, n: &Value, np: &str) {
        for keyword in ["unevaluatedProperties", "unevaluatedItems"] {
            let (a, b) = (o.get(keyword), n.get(keyword));
            if a == b {
                continue;
            }
            // Absent and `true` allow anything; `false` allows nothing; a schema lies
            // between.
            let openness = |v: Option<&Value>| match v {
                None | Some(Value::Bool(true)) => 2,
                Some(Value::Bool(false)) => 0,
                Some(_) => 1,
            };
            let tightness = match openness(a).cmp(&openness(b)) {
                std::cmp::Ordering::Greater => Tightness::Tighter,
                std::cmp::Ordering::Less => Tightness::Looser,
                std::cmp::Ordering::Equal => Tightness::Different,
            };
            let what = match (a, b) {
                (None, _) => format!("`{keyword}` added"),
                (_, None) => format!("`{keyword}` removed"),
                _ => format!("`{keyword}` changed from {} to {}", show(a), show(b)),
            };
            self.change(
                ctx,
                tightness.level(ctx),
                Rule::UnevaluatedChanged,
                &format!("{np}/{keyword}"),
                what,
                Breaks::No,
            );
        }
    }

    fn discriminator(&mut self, ctx: &Ctx, o: &Value, n: &Value, np: &str) {
        let (a, b) = (o.get("discriminator"), n.get("discriminator"));
        if a == b {
            return;
        }
        let pointer = format!("{np}/discriminator");
        let property = |d: Option<&Value>| {
            d.and_then(|d| d.get("propertyName"))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let (pa, pb) = (property(a), property(b));
        if pa != pb {
            let shown = |p: &Option<String>| {
                p.as_deref()
                    .map_or("none".to_string(), |p| format!("`{p}`"))
            };
            self.change(
                ctx,
                Level::Error,
                Rule::DiscriminatorChanged,
                &pointer,
                format!(
                    "discriminator property changed from {} to {}",
                    shown(&pa),
                    shown(&pb)
                ),
                Breaks::Maybe,
            );
            return;
        }
        let mapping = |d: Option<&Value>| {
            d.and_then(|d| d.get("mapping"))
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default()
        };
        let (ma, mb) = (mapping(a), mapping(b));
        for (value, target) in &ma {
            match mb.get(value) {
                None => self.change(
                    ctx,
                    Level::Error,
                    Rule::DiscriminatorChanged,
                    &pointer,
                    format!("discriminator value `{value}` removed from the mapping"),
                    Breaks::Maybe,
                ),
                Some(t) if t != target => self.change(
                    ctx,
                    Level::Error,
                    Rule::DiscriminatorChanged,
                    &pointer,
                    format!(
                        "discriminator value `{value}` now maps to {} instead of {}",
                        show(Some(t)),
                        show(Some(target))
                    ),
                    Breaks::Maybe,
                ),
                Some(_) => {}
            }
        }
        for value in mb.keys().filter(|v| !ma.contains_key(*v)) {
            self.change(
                ctx,
                ctx.usage.level(Level::Info, Level::Warning),
                Rule::DiscriminatorChanged,
                &pointer,
                format!("discriminator value `{value}` added to the mapping"),
                Breaks::No,
            );
        }
    }

    fn default_value(&mut self, ctx: &Ctx, o: &Value, n: &Value, np: &str) {
        let (a, b) = (o.get("default"), n.get("default"));
        if a == b {
            return;
        }
        let request = match (a, b) {
            (Some(_), Some(_)) => Level::Error,
            _ => Level::Warning,
        };
        self.change(
            ctx,
            ctx.usage.level(request, Level::Info),
            Rule::DefaultChanged,
            &format!("{np}/default"),
            format!("default changed from {} to {}", show(a), show(b)),
            Breaks::No,
        );
    }

    fn extensible_enum(&mut self, ctx: &Ctx, o: &Value, n: &Value, np: &str) {
        let values = |v: &Value| {
            v.get("x-extensible-enum")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        let (a, b) = (values(o), values(n));
        let pointer = format!("{np}/x-extensible-enum");
        for v in a.iter().filter(|v| !b.contains(v)) {
            self.change(
                ctx,
                ctx.usage.level(Level::Error, Level::Info),
                Rule::ExtensibleEnumValueRemoved,
                &pointer,
                format!("extensible enum value {} removed", show(Some(v))),
                Breaks::No,
            );
        }
        for v in b.iter().filter(|v| !a.contains(v)) {
            self.change(
                ctx,
                Level::Info,
                Rule::ExtensibleEnumValueAdded,
                &pointer,
                format!("extensible enum value {} added", show(Some(v))),
                Breaks::No,
            );
        }
    }
}
