//! Passes a note's state where a ticket's state is expected: one type while the two
//! identical enums were merged (`TicketState` an alias of `NoteState`).
use conversation_apis::api::types::{NoteState, TicketState};

pub fn ticket_state(state: NoteState) -> TicketState {
    state
}
