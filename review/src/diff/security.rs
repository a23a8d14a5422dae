//! Security: the requirements each operation has (its own `security`, else the
//! document's) and the schemes they name.
//!
//! A requirement list is a set of alternatives; an alternative names schemes, each with
//! scopes. An absent or empty list, or an empty alternative, lets anonymous callers in.
//! Callers hold credentials for one alternative: removing it, or asking it for a scope
//! more, refuses them; adding an alternative or dropping a scope refuses no one.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::impact::Ctx;
use super::walk::Differ;
use super::{Breaks, Level, Rule};
use crate::spec::OperationRef;

/// One alternative: scheme name → scopes.
type Alternative = BTreeMap<String, BTreeSet<String>>;

/// The requirement alternatives that apply to `op`, and the pointer of the list that
/// states them (the operation's, else the document's).
fn requirements(root: &Value, op: &OperationRef<'_>) -> (Vec<Alternative>, String) {
    let (list, pointer) = match op.op.get("security") {
        Some(list) => (Some(list), format!("{}/security", op.pointer)),
        None => (root.get("security"), "/security".to_string()),
    };
    let mut out: Vec<Alternative> = list
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .map(|alternative| {
            alternative
                .iter()
                .map(|(scheme, scopes)| {
                    let scopes = scopes
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect();
                    (scheme.clone(), scopes)
                })
                .collect()
        })
        .collect();
    if out.is_empty() {
        out.push(Alternative::new());
    }
    (out, pointer)
}

/// `bearer + apiKey`, or `anonymous access` for the empty alternative.
fn describe(alternative: &Alternative) -> String {
    if alternative.is_empty() {
        "anonymous access".into()
    } else {
        let names: Vec<String> = alternative.keys().map(|k| format!("`{k}`")).collect();
        format!("the requirement {}", names.join(" + "))
    }
}

impl Differ<'_> {
    /// The security requirements of one operation on both sides.
    pub(super) fn operation_security(
        &mut self,
        ctx: &Ctx,
        o: &OperationRef<'_>,
        n: &OperationRef<'_>,
    ) {
        let (old, _) = requirements(self.old, o);
        let (new, pointer) = requirements(self.new, n);
        let schemes = |a: &Alternative| a.keys().cloned().collect::<BTreeSet<_>>();
        for a in &old {
            let Some(b) = new.iter().find(|b| schemes(b) == schemes(a)) else {
                self.change(
                    ctx,
                    Level::Error,
                    Rule::SecurityRequirementRemoved,
                    &pointer,
                    format!("{} removed: callers that used it are refused", describe(a)),
                    Breaks::No,
                );
                continue;
            };
            for (scheme, scopes) in a {
                let now = &b[scheme];
                for scope in now.difference(scopes) {
                    self.change(
                        ctx,
                        Level::Error,
                        Rule::SecurityScopeAdded,
                        &pointer,
                        format!("`{scheme}` now requires the scope `{scope}`"),
                        Breaks::No,
                    );
                }
                for scope in scopes.difference(now) {
                    self.change(
                        ctx,
                        Level::Info,
                        Rule::SecurityScopeRemoved,
                        &pointer,
                        format!("`{scheme}` no longer requires the scope `{scope}`"),
                        Breaks::No,
                    );
                }
            }
        }
        for b in &new {
            if !old.iter().any(|a| schemes(a) == schemes(b)) {
                self.change(
                    ctx,
                    Level::Info,
                    Rule::SecurityRequirementAdded,
                    &pointer,
                    format!("{} added as an alternative", describe(b)),
                    Breaks::No,
                );
            }
        }
    }

    /// The security schemes of `components`: how credentials are sent.
    pub(crate) fn security_schemes(&mut self) {
        let schemes = |doc: &Value| {
            doc.pointer("/components/securitySchemes")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default()
        };
        let (old, new) = (schemes(self.old), schemes(self.new));
        let used = requirement_names(self.new);
        for (name, a) in &old {
            let location = format!("security scheme {name}");
            let pointer = crate::locate::join("/components/securitySchemes", name);
            let Some(b) = new.get(name) else {
                if used.contains(name) {
                    self.push_change(
                        Level::Error,
                        Rule::SecuritySchemeChanged,
                        &pointer,
                        &location,
                        "scheme removed while requirements still name it".into(),
                        Breaks::No,
                    );
                }
                continue;
            };
            for key in ["type", "scheme", "in", "name"] {
                if a.get(key) != b.get(key) {
                    self.push_change(
                        Level::Error,
                        Rule::SecuritySchemeChanged,
                        &format!("{pointer}/{key}"),
                        &location,
                        format!(
                            "`{key}` changed from {} to {}: credentials are sent another way",
                            shown(a.get(key)),
                            shown(b.get(key))
                        ),
                        Breaks::No,
                    );
                }
            }
            for url in [
                "openIdConnectUrl",
                "tokenUrl",
                "authorizationUrl",
                "refreshUrl",
            ] {
                let at = |v: &Value| -> Vec<(String, Value)> {
                    if let Some(u) = v.get(url) {
                        return vec![(url.to_string(), u.clone())];
                    }
                    v.get("flows")
                        .and_then(Value::as_object)
                        .into_iter()
                        .flatten()
                        .filter_map(|(flow, f)| {
                            Some((format!("flows/{flow}/{url}"), f.get(url)?.clone()))
                        })
                        .collect()
                };
                let (ua, ub) = (at(a), at(b));
                for (place, value) in &ua {
                    let now = ub.iter().find(|(p, _)| p == place).map(|(_, v)| v);
                    if now != Some(value) {
                        self.push_change(
                            Level::Warning,
                            Rule::SecuritySchemeChanged,
                            &format!("{pointer}/{place}"),
                            &location,
                            format!(
                                "`{url}` changed from {} to {}",
                                shown(Some(value)),
                                shown(now)
                            ),
                            Breaks::No,
                        );
                    }
                }
            }
        }
    }
}

fn shown(v: Option<&Value>) -> String {
    match v {
        None => "none".into(),
        Some(Value::String(s)) => format!("`{s}`"),
        Some(other) => format!("`{other}`"),
    }
}

/// Every scheme name a requirement of `doc` names (the document's and the operations').
fn requirement_names(doc: &Value) -> BTreeSet<String> {
    let mut lists: Vec<&Value> = doc.get("security").into_iter().collect();
    lists.extend(
        crate::spec::operations(doc)
            .into_iter()
            .filter_map(|o| o.op.get("security")),
    );
    lists
        .into_iter()
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(Value::as_object)
        .flat_map(|alt| alt.keys().cloned())
        .collect()
}
