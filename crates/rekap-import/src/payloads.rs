//! Splitting a plan into payloads (one log record each) for `Ledger::submit`.

use rekap_model::limits::MAX_EVENTS_PER_PAYLOAD;
use rekap_model::Event;

use crate::planned::PlannedEvents;

/// Splits `events` into payloads of `per_payload` events (the last one shorter), keeping
/// their order. `per_payload` is clamped to 1..=[`MAX_EVENTS_PER_PAYLOAD`], the model's
/// limit; [`crate::DEFAULT_SHEETS_PER_PAYLOAD`] is the usual choice. No events, no payloads.
pub fn payloads(events: impl Into<PlannedEvents>, per_payload: usize) -> Vec<Vec<Event>> {
    payloads_on_demand(events, per_payload).collect()
}

/// The payloads [`payloads`] makes, each made when it is asked for: handed to
/// `Ledger::submit`, a payload is moved out of the plan just before it is decided, into
/// memory the payloads already signed and freed leave behind, instead of all of them at once
/// into fresh memory (and a plan's part is freed once its last event is taken).
pub fn payloads_on_demand(events: impl Into<PlannedEvents>, per_payload: usize) -> Payloads {
    let events = events.into();
    let size = per_payload.clamp(1, MAX_EVENTS_PER_PAYLOAD);
    Payloads {
        left: events.len(),
        events: events.into_iter(),
        size,
    }
}

/// The iterator of [`payloads_on_demand`].
pub struct Payloads {
    events: <PlannedEvents as IntoIterator>::IntoIter,
    left: usize,
    size: usize,
}

impl Iterator for Payloads {
    type Item = Vec<Event>;

    fn next(&mut self) -> Option<Vec<Event>> {
        if self.left == 0 {
            return None;
        }
        let count = self.left.min(self.size);
        self.left -= count;
        Some(self.events.by_ref().take(count).collect())
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let payloads = self.left.div_ceil(self.size);
        (payloads, Some(payloads))
    }
}

impl ExactSizeIterator for Payloads {}
