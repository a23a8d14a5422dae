//! Schemas compared: component schemas added and removed, references renamed, inlined
//! or extracted, types, formats, nullability, enums, constraints, composition
//! (`allOf`, `oneOf`, `anyOf`) and properties, each judged by the direction the value
//! travels.

use std::collections::{BTreeMap, BTreeSet};

use codegen::typespace::Prim;
use serde_json::Value;

use super::impact::{Ctx, Side, TypeAt};
use super::walk::{nullable, ref_target, schema_name, type_of, types_of, Differ};
use super::{Breaks, Level, Rule, Usage};
use crate::locate::join;
use crate::spec::deref;

impl Differ<'_> {
    pub(crate) fn component_schemas(&mut self, usage: &BTreeMap<String, Usage>) {
        let empty = serde_json::Map::new();
        let os = self
            .old
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let ns = self
            .new
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        for (name, ov) in os {
            let ptr = join("/components/schemas", name);
            let location = format!("schema {name}");
            match ns.get(name) {
                None => self.change(
                    &Ctx::at(
                        &location,
                        self.impact
                            .component(Side::Old, name)
                            .map(|t| t.path)
                            .into_iter()
                            .collect(),
                    ),
                    Level::Info,
                    Rule::SchemaRemoved,
                    &ptr,
                    "schema removed: its Rust type is gone".into(),
                    Breaks::Yes,
                ),
                Some(nv) => {
                    let mut ctx = Ctx {
                        location,
                        subject: String::new(),
                        items: Vec::new(),
                        type_path: None,
                        type_name: None,
                        field: Vec::new(),
                        usage: usage.get(name).copied().unwrap_or_default(),
                        optional: false,
                        op: None,
                        old_op: None,
                    };
                    let t = self.impact.component(Side::New, name);
                    if let Some(t) = t.or_else(|| self.impact.component(Side::Old, name)) {
                        ctx.enter(&t);
                    }
                    self.schema(&ctx, ov, &ptr, nv, &ptr, 0);
                }
            }
        }
        for name in ns.keys() {
            if !os.contains_key(name) {
                let ptr = join("/components/schemas", name);
                let tp = self.impact.component(Side::New, name).map(|t| t.path);
                self.change(
                    &Ctx::at(&format!("schema {name}"), tp.into_iter().collect()),
                    Level::Info,
                    Rule::SchemaAdded,
                    &ptr,
                    "schema added".into(),
                    Breaks::No,
                );
            }
        }
    }

    /// Compares two schema objects at `optr` (old document) and `nptr` (new document).
    pub(super) fn schema(
        &mut self,
        ctx: &Ctx,
        old: &Value,
        optr: &str,
        new: &Value,
        nptr: &str,
        depth: usize,
    ) {
        if depth > 48 {
            return;
        }
        let old_ref = ref_target(old);
        let new_ref = ref_target(new);
        let old_name = old_ref.as_deref().and_then(schema_name);
        let new_name = new_ref.as_deref().and_then(schema_name);
        let mut ctx = ctx.clone();
        let mut renamed = None;
        match (&old_name, &new_name) {
            // The same component on both sides: compared once, as a schema of its own.
            (Some(a), Some(b)) if a == b => return,
            (Some(a), Some(b)) => {
                renamed = Some((ctx.clone(), a.clone(), b.clone(), self.out.len()));
                ctx.field.clear();
                ctx.type_path = None;
                ctx.type_name = None;
                if let Some(t) = self.impact.component(Side::New, b) {
                    ctx.enter(&t);
                }
            }
            (Some(a), None) => {
                self.change(
                    &ctx,
                    Level::Info,
                    Rule::TypeInlined,
                    nptr,
                    format!("now an inline schema instead of `{a}`"),
                    exact_breaks(
                        self.impact.component(Side::Old, a),
                        self.impact.type_at(Side::New, nptr),
                    ),
                );
            }
            (None, Some(b)) => {
                self.change(
                    &ctx,
                    Level::Info,
                    Rule::TypeExtracted,
                    nptr,
                    format!("now the named schema `{b}` instead of an inline one"),
                    exact_breaks(
                        self.impact.type_at(Side::Old, optr),
                        self.impact.component(Side::New, b),
                    ),
                );
                ctx.field.clear();
                ctx.type_path = None;
                ctx.type_name = None;
                if let Some(t) = self.impact.component(Side::New, b) {
                    ctx.enter(&t);
                }
            }
            (None, None) => {
                // An inline schema with a type of its own (possibly merged with an
                // identical one, under the name codegen gave it).
                let t = self.impact.type_at(Side::New, nptr);
                self.merging(&ctx, self.impact.type_at(Side::Old, optr), t.clone(), nptr);
                if let Some(t) = t.or_else(|| self.impact.type_at(Side::Old, optr)) {
                    if ctx.type_path.as_deref() != Some(t.path.as_str()) {
                        ctx.enter(&t);
                    }
                }
            }
        }
        self.schema_body(&ctx, old, optr, new, nptr, depth);
        if let Some((outer, a, b, before)) = renamed {
            // A new name for the same shape is harmless on the wire but renames the Rust
            // type; a different shape is a type change.
            let (level, rule, what) = if self.out.len() == before {
                (
                    Level::Info,
                    Rule::TypeRenamed,
                    format!("type renamed from `{a}` to `{b}`"),
                )
            } else {
                (
                    Level::Error,
                    Rule::TypeChanged,
                    format!("type changed from `{a}` to `{b}`"),
                )
            };
            self.change(&outer, level, rule, nptr, what, Breaks::Yes);
        }
    }

    fn schema_body(
        &mut self,
        ctx: &Ctx,
        old: &Value,
        optr: &str,
        new: &Value,
        nptr: &str,
        depth: usize,
    ) {
        let ctx = ctx.clone();
        // A pair reached through a reference is compared once (cycles end here).
        let via_ref = ref_target(old).is_some() || ref_target(new).is_some();
        if !self.visited.insert((optr.to_string(), nptr.to_string())) && via_ref {
            return;
        }
        let (o, op) = deref(self.old, old, optr);
        let (n, np) = deref(self.new, new, nptr);
        let (o, op) = single_all_of(self.old, o, op);
        let (n, np) = single_all_of(self.new, n, np);
        let o_null = nullable(old) || nullable(o);
        let n_null = nullable(new) || nullable(n);

        // Type and format. A type list (3.1) is compared as a set: a request that
        // accepts more types, or a response that returns fewer, breaks no one.
        let (ot, nt) = (type_of(o), type_of(n));
        let (ots, nts) = (types_of(o), types_of(n));
        let (of, nf) = (
            o.get("format").and_then(Value::as_str),
            n.get("format").and_then(Value::as_str),
        );
        if ots != nts {
            let show = |t: &[&str]| match t {
                [] => "any".to_string(),
                [one] => format!("`{one}`"),
                many => format!("`[{}]`", many.join(", ")),
            };
            // `number` admits every `integer`.
            let admits = |wide: &[&str], narrow: &[&str]| {
                wide.is_empty()
                    || (!narrow.is_empty()
                        && narrow.iter().all(|t| {
                            wide.contains(t) || (*t == "integer" && wide.contains(&"number"))
                        }))
            };
            let widening_req = admits(&nts, &ots);
            let narrowing_resp = admits(&ots, &nts);
            let level = ctx.usage.level(
                if widening_req {
                    Level::Info
                } else {
                    Level::Error
                },
                if narrowing_resp {
                    Level::Info
                } else {
                    Level::Error
                },
            );
            self.change(
                &ctx,
                level,
                Rule::TypeChanged,
                &format!("{np}/type"),
                format!("type changed from {} to {}", show(&ots), show(&nts)),
                Breaks::Yes,
            );
        } else if of != nf {
            let show =
                |f: Option<&str>| f.map(|f| format!("`{f}`")).unwrap_or_else(|| "none".into());
            // The Rust type codegen gives each scalar.
            let prim = |t: Option<&str>, f| t.and_then(|t| Prim::of_scalar(t, f));
            let breaks = match (prim(ot, of), prim(nt, nf)) {
                (Some(a), Some(b)) if a == b => Breaks::No,
                (Some(_), Some(_)) => Breaks::Yes,
                _ => Breaks::Maybe,
            };
            self.change(
                &ctx,
                Level::Error,
                Rule::FormatChanged,
                &format!("{np}/format"),
                format!("format changed from {} to {}", show(of), show(nf)),
                breaks,
            );
        }

        // Nullability, judged by direction.
        if o_null != n_null {
            // A required field goes from `T` to `Option<T>`, an optional one from
            // `Option<T>` to `Option<Option<T>>` (or back). A whole payload depends on
            // its use sites.
            let breaks = if ctx.field.is_empty() {
                Breaks::Maybe
            } else {
                Breaks::Yes
            };
            if n_null {
                let level = ctx.usage.level(Level::Info, Level::Error);
                self.change(
                    &ctx,
                    level,
                    Rule::BecameNullable,
                    &np,
                    "may now be null".into(),
                    breaks,
                );
            } else {
                let level = ctx.usage.level(Level::Error, Level::Info);
                self.change(
                    &ctx,
                    level,
                    Rule::BecameNonNullable,
                    &np,
                    "may no longer be null".into(),
                    breaks,
                );
            }
        }

        self.enums(&ctx, o, n, &np);
        self.constraints(&ctx, o, n, &np);
        self.keywords(&ctx, o, n, &np);
        self.all_of(&ctx, o, n, &np);
        self.variants(&ctx, o, &op, n, &np, depth);
        self.properties(&ctx, o, &op, n, &np, depth);

        if let (Some(oi), Some(ni)) = (o.get("items"), n.get("items")) {
            self.schema(
                &ctx.with_items(),
                oi,
                &format!("{op}/items"),
                ni,
                &format!("{np}/items"),
                depth + 1,
            );
        }
        match (o.get("additionalProperties"), n.get("additionalProperties")) {
            (Some(oa), Some(na)) if oa.is_object() && na.is_object() => {
                let mut c = ctx.clone();
                c.field.push("{}".into());
                self.schema(
                    &c,
                    oa,
                    &format!("{op}/additionalProperties"),
                    na,
                    &format!("{np}/additionalProperties"),
                    depth + 1,
                );
            }
            _ => {}
        }
    }

    /// A type that stops or starts being an alias of an identical shape (codegen merges
    /// identical enums and structs under the first name): values of the two types stop
    /// (or start) being interchangeable.
    fn merging(&mut self, ctx: &Ctx, old: Option<TypeAt>, new: Option<TypeAt>, nptr: &str) {
        let (Some(old), Some(new)) = (old, new) else {
            return;
        };
        if old.name != new.name || old.alias == new.alias {
            return;
        }
        let mut c = ctx.clone();
        c.items.push(new.path.clone());
        c.type_path = None;
        c.type_name = None;
        match (old.alias_of, new.alias_of) {
            (Some(target), None) => self.change(
                &c,
                Level::Info,
                Rule::TypeUnmerged,
                nptr,
                format!(
                    "`{}` was an alias of `{target}` (identical shapes are merged) and is now a type of its own",
                    new.name
                ),
                Breaks::Yes,
            ),
            (None, Some(target)) => self.change(
                &c,
                Level::Info,
                Rule::TypeMerged,
                nptr,
                format!(
                    "`{}` is now an alias of `{target}` (identical shapes are merged)",
                    new.name
                ),
                Breaks::Maybe,
            ),
            _ => {}
        }
    }

    /// For an enum schema of its own (a named type), the variant is the item touched.
    fn variant_ctx(&self, ctx: &Ctx, value: &Value) -> Ctx {
        let mut c = ctx.clone();
        if let (Some(t), Some((name, _)), None) =
            (&ctx.type_path, &ctx.type_name, ctx.field_in_type())
        {
            let raw = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            if let Some(v) = self.impact.variant(name, &raw) {
                c.type_path = Some(format!("{t}::{v}"));
                c.type_name = None;
            }
        }
        c
    }

    fn enums(&mut self, ctx: &Ctx, o: &Value, n: &Value, np: &str) {
        let oe = o.get("enum").and_then(Value::as_array);
        let ne = n.get("enum").and_then(Value::as_array);
        let show = |v: &Value| match v {
            Value::String(s) => format!("`{s}`"),
            other => format!("`{other}`"),
        };
        let eptr = format!("{np}/enum");
        match (oe, ne) {
            (None, None) => {}
            (Some(_), None) => {
                let level = ctx.usage.level(Level::Info, Level::Warning);
                self.change(
                    ctx,
                    level,
                    Rule::EnumRemoved,
                    np,
                    "no longer restricted to an enum".into(),
                    Breaks::Yes,
                );
            }
            (None, Some(_)) => {
                let level = ctx.usage.level(Level::Error, Level::Info);
                self.change(
                    ctx,
                    level,
                    Rule::EnumAdded,
                    &eptr,
                    "now restricted to an enum".into(),
                    Breaks::Yes,
                );
            }
            (Some(oe), Some(ne)) => {
                for v in oe.iter().filter(|v| !ne.contains(v) && !v.is_null()) {
                    let ctx = &self.variant_ctx(ctx, v);
                    self.change(
                        ctx,
                        Level::Error,
                        Rule::EnumValueRemoved,
                        &eptr,
                        format!("enum value {} removed", show(v)),
                        Breaks::Yes,
                    );
                }
                for v in ne.iter().filter(|v| !oe.contains(v) && !v.is_null()) {
                    let ctx = &self.variant_ctx(ctx, v);
                    // Callers may get a value they do not know; in Rust a new variant of
                    // a `#[non_exhaustive]` enum, whose matches already have a `_` arm.
                    let level = ctx.usage.level(Level::Info, Level::Warning);
                    self.change(
                        ctx,
                        level,
                        Rule::EnumValueAdded,
                        &eptr,
                        format!("enum value {} added", show(v)),
                        Breaks::No,
                    );
                }
            }
        }
    }

    fn constraints(&mut self, ctx: &Ctx, o: &Value, n: &Value, np: &str) {
        // (keyword, whether a larger value is tighter)
        const NUMERIC: &[(&str, bool)] = &[
            ("maxLength", false),
            ("minLength", true),
            ("maximum", false),
            ("minimum", true),
            ("maxItems", false),
            ("minItems", true),
        ];
        for (kw, larger_is_tighter) in NUMERIC {
            let (ov, nv) = (
                o.get(*kw).and_then(Value::as_f64),
                n.get(*kw).and_then(Value::as_f64),
            );
            let change = match (ov, nv) {
                (None, None) => continue,
                (Some(a), Some(b)) if a == b => continue,
                (None, Some(_)) => Constraint::Set,
                (Some(_), None) => Constraint::Looser,
                (Some(a), Some(b)) if (b > a) == *larger_is_tighter => Constraint::Tighter,
                (Some(_), Some(_)) => Constraint::Looser,
            };
            let show = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_else(|| "none".into());
            self.constraint(
                ctx,
                change,
                &format!("{np}/{kw}"),
                format!("`{kw}` changed from {} to {}", show(ov), show(nv)),
            );
        }
        let (op, npat) = (
            o.get("pattern").and_then(Value::as_str),
            n.get("pattern").and_then(Value::as_str),
        );
        // A pattern that matches everything is no pattern; one regular expression is
        // not compared with another, so a changed pattern may go either way.
        let matches_all = |p: Option<&str>| {
            p.is_none_or(|p| matches!(p, "" | ".*" | "^.*$" | "^.*" | ".*$" | "^(.*)$"))
        };
        if op != npat {
            let change = match (matches_all(op), matches_all(npat)) {
                (true, true) => None,
                (true, false) => Some(Constraint::Tighter),
                (false, true) => Some(Constraint::Looser),
                (false, false) => Some(Constraint::Changed),
            };
            let show =
                |v: Option<&str>| v.map(|v| format!("`{v}`")).unwrap_or_else(|| "none".into());
            if let Some(change) = change {
                self.constraint(
                    ctx,
                    change,
                    &format!("{np}/pattern"),
                    format!("`pattern` changed from {} to {}", show(op), show(npat)),
                );
            }
        }
    }

    fn constraint(&mut self, ctx: &Ctx, change: Constraint, pointer: &str, what: String) {
        // Tighter rules reject what callers send (a bound that did not exist may only
        // reach values nobody sends, so WARN); looser ones may return what they do not
        // expect; a changed pattern may do either. As oasdiff's `*-max-length-set` (WARN),
        // `*-max-length-decreased` and `*-pattern-added` (ERR), `*-pattern-changed` (WARN).
        let (level, rule) = match change {
            Constraint::Tighter => (
                ctx.usage.level(Level::Error, Level::Info),
                Rule::ConstraintTightened,
            ),
            Constraint::Set => (
                ctx.usage.level(Level::Warning, Level::Info),
                Rule::ConstraintTightened,
            ),
            Constraint::Looser => (
                ctx.usage.level(Level::Info, Level::Warning),
                Rule::ConstraintLoosened,
            ),
            Constraint::Changed => (Level::Warning, Rule::ConstraintTightened),
        };
        self.change(ctx, level, rule, pointer, what, Breaks::No);
    }

    /// `allOf` members added or removed (by the component they name; inline members
    /// by count). Their properties are compared with the object's own (`flatten`).
    fn all_of(&mut self, ctx: &Ctx, o: &Value, n: &Value, np: &str) {
        let members = |v: &Value| -> (Vec<String>, usize) {
            let list = v.get("allOf").and_then(Value::as_array);
            let named = list
                .into_iter()
                .flatten()
                .filter_map(|m| ref_target(m).as_deref().and_then(schema_name))
                .collect();
            let inline = list
                .into_iter()
                .flatten()
                .filter(|m| ref_target(m).is_none())
                .count();
            (named, inline)
        };
        let ((on, oi), (nn, ni)) = (members(o), members(n));
        let pointer = format!("{np}/allOf");
        // A member more is one more schema every value must satisfy.
        let added = ctx.usage.level(Level::Error, Level::Info);
        let removed = ctx.usage.level(Level::Info, Level::Warning);
        for name in nn.iter().filter(|m| !on.contains(m)) {
            let what = format!("`allOf` member `{name}` added");
            self.change(ctx, added, Rule::AllOfAdded, &pointer, what, Breaks::Maybe);
        }
        for name in on.iter().filter(|m| !nn.contains(m)) {
            let what = format!("`allOf` member `{name}` removed");
            self.change(
                ctx,
                removed,
                Rule::AllOfRemoved,
                &pointer,
                what,
                Breaks::Maybe,
            );
        }
        if ni > oi {
            let what = format!("{} inline `allOf` member(s) added", ni - oi);
            self.change(ctx, added, Rule::AllOfAdded, &pointer, what, Breaks::Maybe);
        } else if oi > ni {
            let what = format!("{} inline `allOf` member(s) removed", oi - ni);
            self.change(
                ctx,
                removed,
                Rule::AllOfRemoved,
                &pointer,
                what,
                Breaks::Maybe,
            );
        }
    }

    fn variants(&mut self, ctx: &Ctx, o: &Value, op: &str, n: &Value, np: &str, depth: usize) {
        for kw in ["oneOf", "anyOf"] {
            let (Some(ov), Some(nv)) = (
                o.get(kw).and_then(Value::as_array),
                n.get(kw).and_then(Value::as_array),
            ) else {
                continue;
            };
            let name = |v: &Value| ref_target(v).as_deref().and_then(schema_name);
            let kptr = format!("{np}/{kw}");
            for (i, a) in ov.iter().enumerate() {
                match name(a) {
                    Some(an) => {
                        if !nv.iter().any(|b| name(b).as_deref() == Some(an.as_str())) {
                            let level = ctx.usage.level(Level::Error, Level::Info);
                            self.change(
                                ctx,
                                level,
                                Rule::VariantRemoved,
                                &kptr,
                                format!("`{kw}` variant `{an}` removed"),
                                Breaks::Yes,
                            );
                        }
                    }
                    None => {
                        if let Some(b) = nv.get(i).filter(|b| name(b).is_none()) {
                            self.schema(
                                ctx,
                                a,
                                &format!("{op}/{kw}/{i}"),
                                b,
                                &format!("{kptr}/{i}"),
                                depth + 1,
                            );
                        }
                    }
                }
            }
            for b in nv {
                if let Some(bn) = name(b) {
                    if !ov.iter().any(|a| name(a).as_deref() == Some(bn.as_str())) {
                        // Unions are `#[non_exhaustive]` enums.
                        let level = ctx.usage.level(Level::Info, Level::Warning);
                        self.change(
                            ctx,
                            level,
                            Rule::VariantAdded,
                            &kptr,
                            format!("`{kw}` variant `{bn}` added"),
                            Breaks::No,
                        );
                    }
                }
            }
            if nv.len() > ov.len() {
                let added_inline = nv
                    .iter()
                    .skip(ov.len())
                    .filter(|b| name(b).is_none())
                    .count();
                if added_inline > 0 {
                    let level = ctx.usage.level(Level::Info, Level::Warning);
                    self.change(
                        ctx,
                        level,
                        Rule::VariantAdded,
                        &kptr,
                        format!("{added_inline} inline `{kw}` variant(s) added"),
                        Breaks::No,
                    );
                }
            } else if ov.len() > nv.len() {
                let removed_inline = ov
                    .iter()
                    .skip(nv.len())
                    .filter(|a| name(a).is_none())
                    .count();
                if removed_inline > 0 {
                    let level = ctx.usage.level(Level::Error, Level::Info);
                    self.change(
                        ctx,
                        level,
                        Rule::VariantRemoved,
                        &kptr,
                        format!("{removed_inline} inline `{kw}` variant(s) removed"),
                        Breaks::Yes,
                    );
                }
            }
        }
    }

    /// Whether a required property of the new document is an argument of
    /// `Type::new`: it is unless it may be null or is read-only or write-only.
    fn new_argument(&self, property: &Value, pointer: &str) -> bool {
        !property_flag(
            self.new,
            property,
            pointer,
            &["nullable", "readOnly", "writeOnly"],
        )
    }

    fn properties(&mut self, ctx: &Ctx, o: &Value, op: &str, n: &Value, np: &str, depth: usize) {
        let of = flatten(self.old, o, op, 0);
        let nf = flatten(self.new, n, np, 0);
        let flag = |root: &Value, v: &Value, p: &str, k: &str| property_flag(root, v, p, &[k]);
        for (name, (ov, optr)) in &of.properties {
            let o_req = of.required.contains(name);
            let (o_ro, o_wo) = (
                flag(self.old, ov, optr, "readOnly"),
                flag(self.old, ov, optr, "writeOnly"),
            );
            match nf.properties.get(name) {
                None => {
                    let mut c = ctx.with_field(name, !o_req);
                    c.usage = ctx.usage.of_property(o_ro, o_wo);
                    // Requests: the server may ignore or refuse it (oasdiff's
                    // `request-property-removed` is WARN); responses: callers that read
                    // it get nothing, which breaks them when it was required.
                    let response = if o_req { Level::Error } else { Level::Warning };
                    let level = c.usage.level(Level::Warning, response);
                    self.change(
                        &c,
                        level,
                        Rule::PropertyRemoved,
                        optr,
                        "removed".into(),
                        Breaks::Yes,
                    );
                }
                Some((nv, nptr)) => {
                    let n_req = nf.required.contains(name);
                    let (n_ro, n_wo) = (
                        flag(self.new, nv, nptr, "readOnly"),
                        flag(self.new, nv, nptr, "writeOnly"),
                    );
                    let mut c = ctx.with_field(name, !n_req);
                    // A property read-only (or write-only) on both sides travels one
                    // way only; one that changes is judged by the rules below.
                    c.usage = ctx.usage.of_property(o_ro && n_ro, o_wo && n_wo);
                    // `T` ↔ `Option<T>`, or (nullable) `Option<T>` ↔ `Option<Option<T>>`;
                    // a read-only or write-only property is optional in Rust either way.
                    let breaks = if (o_ro || o_wo) && (n_ro || n_wo) {
                        Breaks::No
                    } else {
                        Breaks::Yes
                    };
                    if !o_req && n_req {
                        let level = c.usage.required_level(Level::Error, Level::Info);
                        self.change(
                            &c,
                            level,
                            Rule::PropertyBecameRequired,
                            nptr,
                            "became required".into(),
                            breaks,
                        );
                    } else if o_req && !n_req {
                        let level = c.usage.required_level(Level::Info, Level::Error);
                        self.change(
                            &c,
                            level,
                            Rule::PropertyBecameOptional,
                            nptr,
                            "became optional".into(),
                            breaks,
                        );
                    }
                    self.read_write(&c, (o_ro, n_ro), (o_wo, n_wo), n_req, nptr);
                    self.deprecation(&c, Rule::PropertyDeprecated, "property", ov, nv, nptr);
                    self.schema(&c, ov, optr, nv, nptr, depth + 1);
                }
            }
        }
        for (name, (nv, nptr)) in &nf.properties {
            if !of.properties.contains_key(name) {
                let required = nf.required.contains(name);
                let mut c = ctx.with_field(name, !required);
                c.usage = ctx.usage.of_property(
                    flag(self.new, nv, nptr, "readOnly"),
                    flag(self.new, nv, nptr, "writeOnly"),
                );
                if required {
                    let level = c.usage.required_level(Level::Error, Level::Info);
                    // `Type::new(required..)` takes one more argument (and a struct
                    // whose properties were all optional loses `Default`), in either
                    // direction. A required property that may be null, or is read-only
                    // or write-only, is not an argument of `new`: only a setter is
                    // added.
                    let breaks = if self.new_argument(nv, nptr) {
                        Breaks::Yes
                    } else {
                        Breaks::No
                    };
                    self.change(
                        &c,
                        level,
                        Rule::RequiredPropertyAdded,
                        nptr,
                        "required property added".into(),
                        breaks,
                    );
                } else {
                    // Structs are `#[non_exhaustive]` and built with `new` and setters:
                    // a new field and setter break nothing.
                    self.change(
                        &c,
                        Level::Info,
                        Rule::PropertyAdded,
                        nptr,
                        "optional property added".into(),
                        Breaks::No,
                    );
                }
            }
        }
    }

    /// A property that became (or stopped being) read-only or write-only; `ro` and `wo`
    /// are (old, new).
    fn read_write(
        &mut self,
        ctx: &Ctx,
        ro: (bool, bool),
        wo: (bool, bool),
        required: bool,
        pointer: &str,
    ) {
        // A required property enters or leaves `new(..)` with the flag.
        let breaks = if required { Breaks::Yes } else { Breaks::Maybe };
        if ro.0 != ro.1 {
            let (level, what) = if ro.1 {
                (
                    ctx.usage.level(Level::Warning, Level::Info),
                    "became read-only: the server ignores it in requests",
                )
            } else if required {
                (
                    ctx.usage.level(Level::Error, Level::Info),
                    "is no longer read-only and is required: requests must send it",
                )
            } else {
                (Level::Info, "is no longer read-only")
            };
            self.change(
                ctx,
                level,
                Rule::ReadOnlyChanged,
                pointer,
                what.into(),
                breaks,
            );
        }
        if wo.0 != wo.1 {
            let (level, what) = if wo.1 {
                (
                    ctx.usage.level(Level::Info, Level::Warning),
                    "became write-only: responses no longer return it",
                )
            } else {
                (Level::Info, "is no longer write-only")
            };
            // Servers SHOULD NOT return a write-only property; whether this one stops
            // coming back is theirs to say, so at most WARN (oasdiff reports nothing).
            let level = level.min(Level::Warning);
            self.change(
                ctx,
                level,
                Rule::WriteOnlyChanged,
                pointer,
                what.into(),
                breaks,
            );
        }
    }
}

/// How a constraint keyword changed.
#[derive(Clone, Copy)]
enum Constraint {
    /// An existing bound was tightened, or a pattern added.
    Tighter,
    /// A bound was set where there was none.
    Set,
    /// A bound was loosened or removed.
    Looser,
    /// A pattern was replaced by another: which accepts more is not computed.
    Changed,
}

/// Whether code naming the Rust type of a value stops compiling when that type goes from
/// `old` to `new` (each `None` when the value has no type of its own): another name
/// breaks it; the same name, or a plain value becoming an alias, does not.
fn exact_breaks(old: Option<TypeAt>, new: Option<TypeAt>) -> Breaks {
    match (old, new) {
        (Some(a), Some(b)) if a.name == b.name => Breaks::No,
        (Some(_), Some(_)) => Breaks::Yes,
        (None, Some(t)) | (Some(t), None) if t.alias => Breaks::No,
        (None, None) => Breaks::No,
        _ => Breaks::Maybe,
    }
}

/// Whether a property schema (or what it refers to) sets one of the boolean `keywords`.
fn property_flag(root: &Value, property: &Value, pointer: &str, keywords: &[&str]) -> bool {
    let (resolved, _) = deref(root, property, pointer);
    let (resolved, _) = single_all_of(root, resolved, pointer.to_string());
    [property, resolved].iter().any(|v| {
        keywords
            .iter()
            .any(|k| v.get(*k).and_then(Value::as_bool) == Some(true))
    })
}

/// `allOf: [X]` with nothing else that shapes the value stands for X.
fn single_all_of<'a>(root: &'a Value, schema: &'a Value, pointer: String) -> (&'a Value, String) {
    let Some(items) = schema.get("allOf").and_then(Value::as_array) else {
        return (schema, pointer);
    };
    let shaping = [
        "type",
        "properties",
        "items",
        "enum",
        "oneOf",
        "anyOf",
        "additionalProperties",
    ];
    if items.len() == 1 && !shaping.iter().any(|k| schema.get(*k).is_some()) {
        let (target, ptr) = deref(root, &items[0], &format!("{pointer}/allOf/0"));
        if target.get("properties").is_none() && target.get("allOf").is_none() {
            return (target, ptr);
        }
    }
    (schema, pointer)
}

/// The properties of an object schema with its `allOf` members merged in, each with the
/// pointer where it is defined.
#[derive(Default)]
struct Flat<'a> {
    properties: BTreeMap<String, (&'a Value, String)>,
    required: BTreeSet<String>,
}

fn flatten<'a>(root: &'a Value, schema: &'a Value, pointer: &str, depth: usize) -> Flat<'a> {
    let mut flat = Flat::default();
    if depth > 16 {
        return flat;
    }
    if let Some(members) = schema.get("allOf").and_then(Value::as_array) {
        for (i, m) in members.iter().enumerate() {
            let (m, mp) = deref(root, m, &format!("{pointer}/allOf/{i}"));
            let inner = flatten(root, m, &mp, depth + 1);
            flat.properties.extend(inner.properties);
            flat.required.extend(inner.required);
        }
    }
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (name, p) in props {
            flat.properties.insert(
                name.clone(),
                (p, join(&format!("{pointer}/properties"), name)),
            );
        }
    }
    if let Some(req) = schema.get("required").and_then(Value::as_array) {
        flat.required
            .extend(req.iter().filter_map(Value::as_str).map(str::to_string));
    }
    flat
}
