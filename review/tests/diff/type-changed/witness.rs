//! Reads a conversation's `ticketId` as the integer it was.
use conversation_apis::api::types::Conversation;

pub fn ticket(conversation: &Conversation) -> Option<i32> {
    conversation.ticket_id
}
