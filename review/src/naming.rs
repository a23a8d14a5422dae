//! Rust names of spec items, as the generated crate spells them: `codegen::naming`'s
//! rules, so the diff report names the items that really exist.

/// The Rust type name of a component schema.
pub fn type_name(raw: &str) -> String {
    codegen::naming::type_name(raw)
}

/// The Rust field (or argument, or builder setter) name of a property or parameter.
pub fn field_name(raw: &str) -> String {
    codegen::naming::field_name(raw)
}

/// The Rust enum variant name of an enum value.
pub fn variant_name(raw: &str) -> String {
    codegen::naming::variant_name(raw)
}

/// The client method name of an operation id.
pub fn method_name(operation_id: &str) -> String {
    codegen::naming::method_name(operation_id)
}

/// The module name of a spec file stem.
pub fn module_name(stem: &str) -> String {
    codegen::naming::module_name(stem)
}

/// The operation id codegen derives for an operation without one: the method, then
/// the path's segments without braces, joined with `_`.
pub fn derived_operation_id(method: &str, path: &str) -> String {
    let mut id = method.to_string();
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        id.push('_');
        id.push_str(seg.trim_matches(|c| c == '{' || c == '}'));
    }
    id
}

/// The stem of an operation's request builder and reply enums
/// (`CreateConversation`, `CreateConversationReply`, `CreateConversationError`).
/// Codegen adds a number when two operations' stems collide; that is not modelled.
pub fn type_stem(operation_id: &str) -> String {
    let base = type_name(operation_id);
    match base.strip_suffix('_') {
        Some(trimmed) if !trimmed.is_empty() => format!("{trimmed}Op"),
        _ => base,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_codegen() {
        assert_eq!(
            method_name("createProactiveConversation"),
            "create_proactive_conversation"
        );
        assert_eq!(type_name("conversation-dto"), "ConversationDto");
        assert_eq!(field_name("ticketId"), "ticket_id");
        assert_eq!(field_name("type"), "type_");
        assert_eq!(module_name("teamwork-desk"), "teamwork_desk");
        assert_eq!(derived_operation_id("get", "/a/{id}/b"), "get_a_id_b");
        assert_eq!(type_stem("createConversation"), "CreateConversation");
    }
}
