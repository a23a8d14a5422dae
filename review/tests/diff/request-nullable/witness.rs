//! Reads `ticketId` as the plain optional integer it was.
use conversation_apis::api::types::NewConversation;

pub fn ticket(body: &NewConversation) -> Option<i32> {
    body.ticket_id
}
