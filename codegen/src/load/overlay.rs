//! OpenAPI Overlay 1.0 (<https://spec.openapis.org/overlay/v1.0.0.html>): documents of
//! `actions` that patch a spec before anything reads it, for specs one does not own (a
//! vendor's description with a wrong type or no `servers`).
//!
//! Each action's `target` is an RFC 9535 JSONPath query (read by `serde_json_path`); the
//! actions are applied in order, each to the result of the one before:
//!
//! - `remove: true` removes every selected node from its object or array (a primitive
//!   too, as Overlay 1.1 allows; 1.0 asks for objects and arrays but has no other way
//!   to drop a member);
//! - `update` is merged into every selected node. Into an object, `update` must be an
//!   object, merged recursively: a member only in `update` is added (after the others,
//!   so key order is kept), objects merge into objects, arrays are appended to arrays,
//!   a primitive replaces a primitive, and any other pair is an error (remove the member
//!   in an earlier action to replace it). Into an array, an array `update` is appended
//!   item by item and anything else as one item. These are the rules Overlay 1.1 spells
//!   out for what 1.0 calls "recursively merged". In a 1.1 document (`overlay: 1.1.x`)
//!   `update` may also replace a primitive node with a primitive; 1.0 targets only
//!   objects and arrays, so a 1.0 document that does it is refused. (1.1's `copy` is
//!   refused, named.)
//!
//! An action whose target selects nothing changes nothing and is a [`Note`]: the overlay
//! was written for another version of the spec. What is malformed (the document, a
//! field, a JSONPath, an update that cannot merge) is a [`SpecError`] naming the overlay
//! file and the pointer into it, and nothing is applied.
//!
//! [`load_with_overlays`] (or [`apply_to_text`] then [`load_patched`]) is the loader's
//! route for a spec with overlays: the patched tree is written out as JSON text and goes
//! through the same checks and typed parse as any document, and its messages are placed
//! in the spec as written (see [`load_patched`]).

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};
use serde_json_path::{JsonPath, PathElement};

use super::{
    check_other_file, escape_pointer_token, parse_spec, spec_error, LazyPositions, LoadedSpec,
    SpecError,
};
use crate::normalize::Note;

/// Deepest nesting of brackets and parentheses in a `target`. JSONPath parsers descend
/// once per level, so a hostile overlay could otherwise exhaust the stack; real targets
/// nest two or three levels.
pub const MAX_TARGET_NESTING: usize = 32;

/// A spec with its overlays applied, as text for the loader.
#[derive(Debug, Clone)]
pub struct Patched {
    /// The patched document as pretty-printed JSON (one member per line).
    pub text: String,
    /// The same document as a tree (what the text was written from), for tools that
    /// read the tree, so that nothing parses the text a second time.
    pub value: Value,
    /// What the overlays said about the spec: each action that selected nothing, with
    /// the pointer `OVERLAY#/actions/N`.
    pub notes: Vec<Note>,
}

/// One action, checked before any is applied.
struct Action<'a> {
    /// `/actions/N`.
    pointer: String,
    target: &'a str,
    path: JsonPath,
    modifier: Modifier<'a>,
}

enum Modifier<'a> {
    Update(&'a Value),
    Remove,
}

/// One step of a selected node's place in the spec.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Index(usize),
    Key(String),
}

/// Applies the overlay `overlay` (a parsed Overlay 1.x document, shown as `file` in
/// messages) to `spec`, action after action. Returns a note for each action whose target
/// selects nothing. On error `spec` is left as it was; the error names `file` and the
/// pointer into the overlay, without a position (the caller has the text;
/// [`apply_to_text`] adds it).
pub fn apply(spec: &mut Value, overlay: &Value, file: &Path) -> Result<Vec<Note>, SpecError> {
    let (minor, actions) = parse_overlay(overlay, file)?;
    // Actions see the results of those before them, and an error may come from any of
    // them: they work on a copy that replaces `spec` only when all succeeded.
    let mut work = spec.clone();
    let mut notes = Vec::new();
    for action in &actions {
        let mut selected: Vec<Vec<Step>> = action
            .path
            .query_located(&work)
            .locations()
            .map(|location| location.iter().map(step).collect())
            .collect();
        if selected.is_empty() {
            notes.push(Note {
                pointer: format!("{}#{}", file.display(), action.pointer),
                message: format!(
                    "overlay action {} (target `{}`) matches nothing: the overlay no longer applies",
                    action.pointer, action.target
                ),
            });
            continue;
        }
        match action.modifier {
            Modifier::Update(update) => {
                // A union such as `$['a','a']` selects a node twice; it is merged once.
                let mut seen = std::collections::BTreeSet::new();
                selected.retain(|steps| seen.insert(steps.clone()));
                for steps in &selected {
                    update_node(&mut work, steps, update, minor, action, file)?;
                }
            }
            Modifier::Remove => {
                // Deepest places and the highest indices first: removing one node then
                // never moves another that is still to be removed.
                selected.sort_unstable_by(|a, b| b.cmp(a));
                selected.dedup();
                for steps in &selected {
                    remove_node(&mut work, steps, action, file)?;
                }
            }
        }
    }
    *spec = work;
    Ok(notes)
}

/// Applies `overlays` (each `(file, text)`, the file as shown in messages) in order to
/// the spec `spec_text` (read from `spec_path`), and returns the result as JSON text with
/// the overlays' notes.
///
/// Spec and overlays pass the loader's checks for any document (size, nesting, YAML
/// aliases, duplicate keys); the spec's version is not required yet, so that an overlay
/// may correct it: the caller checks the patched text as a whole document
/// ([`load_with_overlays`] does). Errors in an overlay carry its line and column.
pub fn apply_to_text(
    spec_path: &Path,
    spec_text: String,
    overlays: &[(PathBuf, String)],
) -> Result<Patched, SpecError> {
    let mut value = check_other_file(spec_path, spec_text)?.value()?;
    let mut notes = Vec::new();
    for (file, text) in overlays {
        let checked = check_other_file(file, text.clone())?;
        let overlay = checked.value()?;
        let found = apply(&mut value, &overlay, file).map_err(|mut e| {
            if e.position.is_none() {
                e.position = checked.locate(&e.pointer);
            }
            e
        })?;
        notes.extend(found);
    }
    let text = serde_json::to_string_pretty(&value).map_err(|e| {
        spec_error(
            spec_path,
            "",
            None,
            format!("cannot write the patched document: {e}"),
        )
    })?;
    Ok(Patched { text, value, notes })
}

/// Reads the spec `spec_text` (from `spec_path`) with `overlays` applied (see
/// [`apply_to_text`] and [`load_patched`]). Without overlays this is [`parse_spec`].
pub fn load_with_overlays(
    spec_path: &Path,
    spec_text: String,
    overlays: &[(PathBuf, String)],
) -> Result<LoadedSpec, SpecError> {
    if overlays.is_empty() {
        return parse_spec(spec_path, spec_text);
    }
    let patched = apply_to_text(spec_path, spec_text.clone(), overlays)?;
    load_patched(spec_path, spec_text, patched)
}

/// Reads `patched` (what [`apply_to_text`] made of `spec_text`) as the spec at
/// `spec_path`: the patched document goes through the loader's checks and typed parse
/// like any document, and the overlays' notes come first in [`LoadedSpec::notes`].
///
/// Messages are placed in the spec as written, not in the patched text no one sees: the
/// returned [`LoadedSpec::source`] is `spec_text`, so a node is located where the file
/// has it, and one an overlay added at its nearest ancestor in the file. (After an
/// overlay removed an item of an array, a later item is located at the index it has
/// now.)
pub fn load_patched(
    spec_path: &Path,
    spec_text: String,
    patched: Patched,
) -> Result<LoadedSpec, SpecError> {
    let original = LazyPositions::default();
    let mut loaded = parse_spec(spec_path, patched.text).map_err(|mut e| {
        // A place in another file (`other.yaml#/...`) keeps what the loader said.
        if !e.pointer.contains('#') {
            e.position = original.get(&spec_text).locate(&e.pointer);
        }
        e
    })?;
    loaded.source = spec_text;
    loaded.positions = original;
    loaded.notes.splice(0..0, patched.notes);
    Ok(loaded)
}

/// The version's minor number and the actions of `overlay`, every field checked.
fn parse_overlay<'a>(overlay: &'a Value, file: &Path) -> Result<(u64, Vec<Action<'a>>), SpecError> {
    let err = |pointer: &str, message: String| spec_error(file, pointer, None, message);
    let Some(root) = overlay.as_object() else {
        return Err(err(
            "",
            format!(
                "an overlay is a mapping with `overlay`, `info` and `actions`, not {}",
                kind(overlay)
            ),
        ));
    };
    let minor = match root.get("overlay") {
        None => return Err(err(
            "",
            "missing `overlay` version field; expected an Overlay 1.0 document (`overlay: 1.0.0`)"
                .into(),
        )),
        Some(Value::String(version)) => overlay_minor(version).ok_or_else(|| {
            err(
                "/overlay",
                format!("unknown Overlay version `{version}`; expected 1.x, such as 1.0.0"),
            )
        })?,
        Some(other) => {
            return Err(err(
                "/overlay",
                format!(
                    "`overlay` must be a version string such as 1.0.0 (quote it in YAML), not {}",
                    kind(other)
                ),
            ))
        }
    };
    for (key, value) in root {
        match key.as_str() {
            "overlay" | "actions" => {}
            "info" => check_info(value, file)?,
            "extends" if !value.is_string() => {
                return Err(err(
                    "/extends",
                    format!("`extends` must be a URI string, not {}", kind(value)),
                ))
            }
            "extends" => {}
            key if key.starts_with("x-") => {}
            key => {
                return Err(err(
                    &format!("/{}", escape_pointer_token(key)),
                    format!(
                        "unknown field `{key}` of an overlay (expected overlay, info, extends, actions or x-...)"
                    ),
                ))
            }
        }
    }
    if !root.contains_key("info") {
        return Err(err(
            "",
            "missing `info` (an object with `title` and `version`)".into(),
        ));
    }
    let actions = match root.get("actions") {
        None => {
            return Err(err(
                "",
                "missing `actions`: an overlay lists the actions to apply".into(),
            ))
        }
        Some(Value::Array(actions)) if actions.is_empty() => {
            return Err(err(
                "/actions",
                "`actions` is empty; an overlay has at least one action".into(),
            ))
        }
        Some(Value::Array(actions)) => actions,
        Some(other) => {
            return Err(err(
                "/actions",
                format!("`actions` must be a list of actions, not {}", kind(other)),
            ))
        }
    };
    let actions = actions
        .iter()
        .enumerate()
        .map(|(i, action)| parse_action(action, &format!("/actions/{i}"), file))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((minor, actions))
}

/// The minor version of `1.N.P` (or `1.N`): Overlay 1.x documents, whatever their patch.
fn overlay_minor(version: &str) -> Option<u64> {
    let rest = version.strip_prefix("1.")?;
    let mut parts = rest.split('.');
    let minor = parts.next()?;
    let patch = parts.next();
    let number = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !number(minor) || parts.next().is_some() || patch.is_some_and(|p| !number(p)) {
        return None;
    }
    minor.parse().ok()
}

fn check_info(info: &Value, file: &Path) -> Result<(), SpecError> {
    let Some(fields) = info.as_object() else {
        return Err(spec_error(
            file,
            "/info",
            None,
            format!(
                "`info` must be an object with `title` and `version`, not {}",
                kind(info)
            ),
        ));
    };
    for field in ["title", "version"] {
        match fields.get(field) {
            Some(Value::String(_)) => {}
            Some(other) => {
                return Err(spec_error(
                    file,
                    &format!("/info/{field}"),
                    None,
                    format!("`info.{field}` must be a string, not {}", kind(other)),
                ))
            }
            None => {
                return Err(spec_error(
                    file,
                    "/info",
                    None,
                    format!("missing `info.{field}`"),
                ))
            }
        }
    }
    Ok(())
}

fn parse_action<'a>(
    action: &'a Value,
    pointer: &str,
    file: &Path,
) -> Result<Action<'a>, SpecError> {
    let err =
        |at: &str, message: String| spec_error(file, &format!("{pointer}{at}"), None, message);
    let Some(fields) = action.as_object() else {
        return Err(err(
            "",
            format!(
                "an action is an object with `target` and `update` or `remove`, not {}",
                kind(action)
            ),
        ));
    };
    for (key, value) in fields {
        match key.as_str() {
            "target" | "update" => {}
            "description" if !value.is_string() => {
                return Err(err(
                    "/description",
                    format!("`description` must be a string, not {}", kind(value)),
                ))
            }
            "remove" if !value.is_boolean() => {
                return Err(err(
                    "/remove",
                    format!("`remove` must be true or false, not {}", kind(value)),
                ))
            }
            "description" | "remove" => {}
            "copy" => {
                return Err(err(
                    "/copy",
                    "`copy` is an Overlay 1.1 action, which is not supported: write the value in `update`"
                        .into(),
                ))
            }
            key if key.starts_with("x-") => {}
            key => {
                return Err(err(
                    &format!("/{}", escape_pointer_token(key)),
                    format!(
                        "unknown field `{key}` of an action (expected target, description, update, remove or x-...)"
                    ),
                ))
            }
        }
    }
    let target = match fields.get("target") {
        Some(Value::String(target)) => target,
        Some(other) => {
            return Err(err(
                "/target",
                format!("`target` must be a JSONPath string, not {}", kind(other)),
            ))
        }
        None => {
            return Err(err(
                "",
                "missing `target`: the JSONPath of the nodes the action changes".into(),
            ))
        }
    };
    let nesting = nesting(target);
    if nesting > MAX_TARGET_NESTING {
        return Err(err(
            "/target",
            format!(
                "the JSONPath nests {nesting} brackets deep; at most {MAX_TARGET_NESTING} are read"
            ),
        ));
    }
    let path = JsonPath::parse(target).map_err(|e| {
        err(
            "/target",
            format!(
                "invalid JSONPath `{target}`: {} (at character {})",
                e.message(),
                e.position()
            ),
        )
    })?;
    let modifier = match (fields.get("remove"), fields.get("update")) {
        // "`update` has no impact if `remove` is true."
        (Some(Value::Bool(true)), _) => Modifier::Remove,
        (_, Some(update)) => Modifier::Update(update),
        _ => {
            return Err(err(
                "",
                "the action changes nothing: give it `update` or `remove: true`".into(),
            ))
        }
    };
    Ok(Action {
        pointer: pointer.to_string(),
        target,
        path,
        modifier,
    })
}

/// How deep brackets and parentheses nest in a JSONPath, outside its string literals.
fn nesting(path: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in path.chars() {
        match quote {
            Some(_) if escaped => escaped = false,
            Some(_) if c == '\\' => escaped = true,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '\'' | '"' => quote = Some(c),
                '[' | '(' => {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
                ']' | ')' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
    }
    deepest
}

fn step(element: &PathElement<'_>) -> Step {
    match element {
        PathElement::Name(name) => Step::Key(name.to_string()),
        PathElement::Index(index) => Step::Index(*index),
    }
}

/// The JSON pointer of `steps`.
fn pointer_of(steps: &[Step]) -> String {
    let mut out = String::new();
    for step in steps {
        out.push('/');
        match step {
            Step::Index(i) => out.push_str(&i.to_string()),
            Step::Key(k) => out.push_str(&escape_pointer_token(k)),
        }
    }
    out
}

fn node_mut<'v>(mut value: &'v mut Value, steps: &[Step]) -> Option<&'v mut Value> {
    for step in steps {
        value = match (value, step) {
            (Value::Object(map), Step::Key(key)) => map.get_mut(key)?,
            (Value::Array(items), Step::Index(i)) => items.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(value)
}

fn update_node(
    spec: &mut Value,
    steps: &[Step],
    update: &Value,
    minor: u64,
    action: &Action<'_>,
    file: &Path,
) -> Result<(), SpecError> {
    // Merges add members and items but never remove or retype an object or array, so
    // every place the query selected is still there.
    let Some(node) = node_mut(spec, steps) else {
        return Ok(());
    };
    let at = pointer_of(steps);
    let update_pointer = format!("{}/update", action.pointer);
    match (node, update) {
        (Value::Object(node), Value::Object(update)) => {
            merge(node, update, &update_pointer, &at, file)
        }
        (Value::Object(_), other) => Err(spec_error(
            file,
            &update_pointer,
            None,
            format!(
                "the target selects an object ({}), so `update` must be an object of members to merge into it, not {}",
                shown(&at),
                kind(other)
            ),
        )),
        (Value::Array(items), Value::Array(more)) => {
            items.extend(more.iter().cloned());
            Ok(())
        }
        (Value::Array(items), item) => {
            items.push(item.clone());
            Ok(())
        }
        (node, value) if minor >= 1 && !value.is_object() && !value.is_array() => {
            // Overlay 1.1: a primitive target is replaced by a primitive update.
            *node = value.clone();
            Ok(())
        }
        (node, _) => Err(spec_error(
            file,
            &format!("{}/target", action.pointer),
            None,
            format!(
                "the target selects {} ({}); Overlay 1.0 updates objects and arrays: target the object that holds it and update its member",
                kind(node),
                shown(&at)
            ),
        )),
    }
}

/// Merges `update` (at `update_pointer` in the overlay) into `node` (at `at` in the spec).
fn merge(
    node: &mut Map<String, Value>,
    update: &Map<String, Value>,
    update_pointer: &str,
    at: &str,
    file: &Path,
) -> Result<(), SpecError> {
    for (key, value) in update {
        let token = escape_pointer_token(key);
        let Some(existing) = node.get_mut(key) else {
            node.insert(key.clone(), value.clone());
            continue;
        };
        match (existing, value) {
            (Value::Object(inner), Value::Object(more)) => merge(
                inner,
                more,
                &format!("{update_pointer}/{token}"),
                &format!("{at}/{token}"),
                file,
            )?,
            (Value::Array(items), Value::Array(more)) => items.extend(more.iter().cloned()),
            (existing, value)
                if !existing.is_object()
                    && !existing.is_array()
                    && !value.is_object()
                    && !value.is_array() =>
            {
                *existing = value.clone();
            }
            (existing, value) => {
                return Err(spec_error(
                    file,
                    &format!("{update_pointer}/{token}"),
                    None,
                    format!(
                        "cannot merge {} into {} ({}): objects merge into objects, arrays are appended to arrays and primitives replace primitives (remove the member in an earlier action to replace it)",
                        kind(value),
                        kind(existing),
                        shown(&format!("{at}/{token}"))
                    ),
                ))
            }
        }
    }
    Ok(())
}

fn remove_node(
    spec: &mut Value,
    steps: &[Step],
    action: &Action<'_>,
    file: &Path,
) -> Result<(), SpecError> {
    let Some((last, parent)) = steps.split_last() else {
        return Err(spec_error(
            file,
            &format!("{}/target", action.pointer),
            None,
            "the target selects the whole document, which cannot be removed".into(),
        ));
    };
    // Deeper places go first, so the parent of each is still there.
    match (node_mut(spec, parent), last) {
        (Some(Value::Object(map)), Step::Key(key)) => {
            // `shift_remove` keeps the order of the other members.
            map.shift_remove(key);
        }
        (Some(Value::Array(items)), Step::Index(i)) if *i < items.len() => {
            items.remove(*i);
        }
        _ => {}
    }
    Ok(())
}

/// "a string", "an object"... for messages.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A spec pointer for messages (`/` for the root).
fn shown(pointer: &str) -> String {
    if pointer.is_empty() {
        "the document's root".to_string()
    } else {
        format!("`{pointer}` of the spec")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn overlay(actions: Value) -> Value {
        json!({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": actions})
    }

    #[test]
    fn versions() {
        assert_eq!(overlay_minor("1.0.0"), Some(0));
        assert_eq!(overlay_minor("1.1.3"), Some(1));
        assert_eq!(overlay_minor("1.0"), Some(0));
        for bad in ["2.0.0", "1", "1.", "1.x.0", "1.0.0.0", "1.0.", "v1.0.0"] {
            assert_eq!(overlay_minor(bad), None, "{bad}");
        }
    }

    #[test]
    fn nesting_ignores_string_literals() {
        assert_eq!(nesting("$.paths['/a[b]'].get"), 1);
        assert_eq!(nesting("$[?@.a[?(@.b == ')')]]"), 3);
        assert_eq!(nesting(&"[".repeat(1000)), 1000);
    }

    #[test]
    fn removes_siblings_highest_index_first_and_keeps_key_order() {
        let mut spec = json!({"b": 1, "a": [0, 1, 2, 3], "c": 2});
        let notes = apply(
            &mut spec,
            &overlay(json!([
                {"target": "$.a[1,3]", "remove": true},
                {"target": "$", "update": {"d": 3}},
            ])),
            Path::new("o.yaml"),
        )
        .unwrap();
        assert!(notes.is_empty());
        assert_eq!(
            serde_json::to_string(&spec).unwrap(),
            r#"{"b":1,"a":[0,2],"c":2,"d":3}"#
        );
        apply(
            &mut spec,
            &overlay(json!([{"target": "$.b", "remove": true}])),
            Path::new("o.yaml"),
        )
        .unwrap();
        assert_eq!(
            serde_json::to_string(&spec).unwrap(),
            r#"{"a":[0,2],"c":2,"d":3}"#
        );
    }

    #[test]
    fn a_node_and_its_descendant_are_both_removed_without_error() {
        let mut spec = json!({"a": {"b": {"c": 1}}});
        apply(
            &mut spec,
            &overlay(json!([{"target": "$..*", "remove": true}])),
            Path::new("o.yaml"),
        )
        .unwrap();
        assert_eq!(spec, json!({}));
    }

    #[test]
    fn an_error_leaves_the_spec_as_it_was() {
        let mut spec = json!({"a": {"b": 1}});
        let e = apply(
            &mut spec,
            &overlay(json!([
                {"target": "$.a", "update": {"c": 2}},
                {"target": "$.a", "update": {"b": {"x": 1}}},
            ])),
            Path::new("o.yaml"),
        )
        .unwrap_err();
        assert_eq!(e.pointer, "/actions/1/update/b");
        assert!(
            e.message
                .contains("cannot merge an object into a number (`/a/b` of the spec)"),
            "{e}"
        );
        assert_eq!(spec, json!({"a": {"b": 1}}));
    }

    #[test]
    fn primitives_are_replaced_only_by_1_1_documents() {
        let mut spec = json!({"info": {"title": "old"}});
        let mut doc = overlay(json!([{"target": "$.info.title", "update": "new"}]));
        let e = apply(&mut spec, &doc, Path::new("o.yaml")).unwrap_err();
        assert_eq!(e.pointer, "/actions/0/target");
        assert!(
            e.message
                .contains("selects a string (`/info/title` of the spec)"),
            "{e}"
        );
        doc["overlay"] = json!("1.1.0");
        apply(&mut spec, &doc, Path::new("o.yaml")).unwrap();
        assert_eq!(spec, json!({"info": {"title": "new"}}));
    }

    #[test]
    fn removing_the_root_is_an_error() {
        let mut spec = json!({});
        let e = apply(
            &mut spec,
            &overlay(json!([{"target": "$", "remove": true}])),
            Path::new("o.yaml"),
        )
        .unwrap_err();
        assert_eq!(e.pointer, "/actions/0/target");
    }
}
