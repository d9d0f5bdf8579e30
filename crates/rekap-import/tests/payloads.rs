//! Chunking a plan into payloads for the log.

use rekap_import::{payloads, DEFAULT_SHEETS_PER_PAYLOAD};
use rekap_model::limits::{MAX_EVENTS_PER_PAYLOAD, MAX_PAIRS};
use rekap_model::*;

fn event(n: u32, pairs: usize) -> Event {
    Event::SheetSubmitted {
        station: format!("{:032}-{:03}", n, n % 1000),
        contest: "x".repeat(64),
        sheet: TallySheet {
            votes: vec![u32::MAX; pairs],
            ..TallySheet::default()
        },
    }
}

#[test]
fn chunks_keep_order_and_sizes() {
    let events: Vec<Event> = (0..25).map(|n| event(n, 2)).collect();
    let chunks = payloads(events.clone(), 10);
    assert_eq!(
        chunks.iter().map(Vec::len).collect::<Vec<_>>(),
        vec![10, 10, 5]
    );
    assert_eq!(chunks.concat(), events);
    assert!(payloads(Vec::new(), 10).is_empty());
    // Clamped to 1..=the model's limit.
    assert_eq!(payloads(events.clone(), 0).len(), 25);
    assert_eq!(payloads(events, usize::MAX).len(), 1);
}

#[test]
fn never_more_than_the_model_allows() {
    let events: Vec<Event> = (0..MAX_EVENTS_PER_PAYLOAD as u32 + 1)
        .map(|n| event(n, 1))
        .collect();
    let chunks = payloads(events, usize::MAX);
    assert_eq!(chunks.len(), 2);
    assert_eq!(chunks[0].len(), MAX_EVENTS_PER_PAYLOAD);
}

/// A default payload of the largest sheets (32 pairs, longest codes, largest numbers) stays
/// well within the log's 16 MiB decode limit.
#[test]
fn a_default_payload_of_the_largest_sheets_decodes() {
    let events: Vec<Event> = (0..DEFAULT_SHEETS_PER_PAYLOAD as u32)
        .map(|n| event(n, MAX_PAIRS))
        .collect();
    let mut chunks = payloads(events, DEFAULT_SHEETS_PER_PAYLOAD);
    assert_eq!(chunks.len(), 1);
    let payload = Payload::Events {
        definition_hash: [0; 32],
        events: chunks.remove(0),
    };
    let bytes = encode_payload(&payload);
    eprintln!(
        "{DEFAULT_SHEETS_PER_PAYLOAD} largest sheets: {} bytes encoded",
        bytes.len()
    );
    assert!(bytes.len() < 8 * 1024 * 1024);
    assert_eq!(decode_payload(&bytes), Ok(payload));
}

#[test]
fn payloads_made_on_demand_are_the_same_payloads() {
    let events: Vec<Event> = (0..25).map(|n| event(n, 2)).collect();
    for size in [0, 1, 7, 10, 25, 26, usize::MAX] {
        let on_demand = rekap_import::payloads_on_demand(events.clone(), size);
        assert_eq!(
            on_demand.len(),
            payloads(events.clone(), size).len(),
            "{size}"
        );
        assert_eq!(
            on_demand.collect::<Vec<_>>(),
            payloads(events.clone(), size)
        );
    }
    assert_eq!(rekap_import::payloads_on_demand(Vec::new(), 10).len(), 0);
}
