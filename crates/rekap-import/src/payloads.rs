//! Splitting a plan into payloads (one log record each) for `Ledger::submit`.

use rekap_model::limits::MAX_EVENTS_PER_PAYLOAD;
use rekap_model::Event;

/// Splits `events` into payloads of `per_payload` events (the last one shorter), keeping
/// their order. `per_payload` is clamped to 1..=[`MAX_EVENTS_PER_PAYLOAD`], the model's
/// limit; [`crate::DEFAULT_SHEETS_PER_PAYLOAD`] is the usual choice. No events, no payloads.
pub fn payloads(events: Vec<Event>, per_payload: usize) -> Vec<Vec<Event>> {
    let size = per_payload.clamp(1, MAX_EVENTS_PER_PAYLOAD);
    let mut out = Vec::with_capacity(events.len().div_ceil(size));
    let mut current = Vec::with_capacity(size.min(events.len()));
    for event in events {
        current.push(event);
        if current.len() == size {
            out.push(std::mem::replace(&mut current, Vec::with_capacity(size)));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}
