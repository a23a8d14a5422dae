//! Every API's request body built in typed Rust, with no JSON and no struct literal:
//! `new(required..)` plus setters. Each reproduces the spec's own request example exactly,
//! and where the schema has them, a nullable property is sent as `null` and a property
//! with a default that is left unset is not sent.

use crate::support;

use conversation_apis::{iris, liveswitch, salesforce_interaction, teamwork_desk, zild};
use serde_json::json;
use support::Spec;

fn example(spec: &str, operation: &str) -> serde_json::Value {
    Spec::load(spec)
        .operation(operation)
        .request_example("application/json")
}

fn sent<T: serde::Serialize>(body: &T) -> serde_json::Value {
    serde_json::to_value(body).expect("a model always encodes")
}

#[test]
fn iris_request_from_rust() {
    use iris::types::CreateConversationRequest;
    let body = CreateConversationRequest::new("sample string 5")
        .message("sample string 1")
        .conversation_type("sample string 2")
        .outlet_code("sample string 3")
        .order_code("sample string 4");
    assert_eq!(sent(&body), example("iris.yaml", "createConversation"));
    // Optional properties that are not set are not sent.
    assert_eq!(
        sent(&CreateConversationRequest::new("t")),
        json!({"sessionToken": "t"})
    );
}

#[test]
fn liveswitch_request_from_rust() {
    use liveswitch::types::{
        ConversationAttribute, ConversationCreateRequestDto, ConversationType,
    };
    let body = ConversationCreateRequestDto::new(ConversationType::LiveConversation)
        .phone("+14079821211")
        .email("jane.doe@example.com")
        .first_name("Jane")
        .last_name("Doe")
        .message("Hi Jane, please join the video call using the link below.")
        .name("Kitchen inspection")
        .tags(vec!["inspection".to_string()])
        .project_external_id("JOB-1042")
        .project_auto_create(true)
        .project_name("Doe kitchen remodel")
        .attributes(vec![ConversationAttribute::new()
            .attribute_group_name("Job")
            .attribute_name("Address")
            .value("1 Main Street")]);
    assert_eq!(
        sent(&body),
        example("liveswitch.yaml", "createConversation")
    );

    // A nullable property sent as `null`; `projectAutoCreate` (default `false`) left
    // unset: not sent, and it reads as its default.
    let body = ConversationCreateRequestDto::new("TakePhotos")
        .phone_null()
        .send_invite(false);
    assert!(!*body.project_auto_create);
    assert_eq!(
        sent(&body),
        json!({"type": "TakePhotos", "phone": null, "sendInvite": false})
    );
}

#[test]
fn salesforce_request_from_rust() {
    use salesforce_interaction::types::{
        AppType, ConversationParticipant, EstablishConversationRequest, ParticipantRole,
    };
    let body = EstablishConversationRequest::new(
        "2f7a4e1c-58b3-4c1d-9e0a-6b2d3c4f5a61",
        vec![ConversationParticipant::new(
            "end-user-8675309",
            ParticipantRole::EndUser,
            AppType::Custom,
        )],
    )
    .routing_attributes(
        [("language".to_string(), "en_US".to_string())]
            .into_iter()
            .collect::<std::collections::BTreeMap<_, _>>(),
    );
    assert_eq!(
        sent(&body),
        example("salesforce-interaction.yaml", "establishConversation")
    );
}

#[test]
fn teamwork_request_from_rust() {
    use teamwork_desk::types::{Conversation, ConversationApiBody};
    let body = ConversationApiBody::new(
        Conversation::new()
            .contact_id(4521)
            .ticket_id(10087)
            .socket_id("123456.7890123"),
    );
    assert_eq!(
        sent(&body),
        example("teamwork-desk.yaml", "createConversation")
    );
}

#[test]
fn zild_request_from_rust() {
    use zild::types::{ConversationIntegrationType, ProactiveConversationRequest};
    let body = ProactiveConversationRequest::new()
        .channel_id(123)
        .bot_id(123)
        .recipient(vec!["<string>".to_string()])
        .live_agent(true)
        .conversation_template_id(123)
        .counterpart_user_id(123)
        .user_id(123)
        .queue_id(123)
        .content_variables(
            serde_json::Map::new()
                .into_iter()
                .collect::<std::collections::BTreeMap<_, _>>(),
        )
        .account_ids(vec![123])
        .contact_ids(vec![123])
        .conversation_integration_type(ConversationIntegrationType::Value0);
    assert_eq!(
        sent(&body),
        example("zild.yaml", "createProactiveConversation")
    );
    // Nullable arrays sent as `null`.
    let body = ProactiveConversationRequest::new()
        .channel_id(1)
        .recipient_null()
        .account_ids_null();
    assert_eq!(
        sent(&body),
        json!({"channelId": 1, "recipient": null, "accountIds": null})
    );
}
