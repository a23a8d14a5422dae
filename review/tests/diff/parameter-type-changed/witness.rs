//! Fetches a conversation by its integer id.
use conversation_apis::api::Client;

pub fn fetch(client: &Client) {
    let _request = client.get_conversation(42_i64);
}
