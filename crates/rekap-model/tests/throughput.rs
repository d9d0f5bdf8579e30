//! Throughput of deciding and applying bulk sheet payloads over the national tree. Not a
//! timed test: run with `cargo test --release -p rekap-model --test throughput -- --ignored
//! --nocapture`.

mod common;

use std::time::Instant;

use common::*;
use rekap_model::*;

#[test]
#[ignore = "measurement; run with --release"]
fn national_bulk_submission() {
    let definition = rekap_test_kit::national_definition(OPERATOR);
    let before_state = rss_mb();
    let start = Instant::now();
    let mut state = State::genesis(
        &envelope(1, REGISTRAR),
        &Payload::Genesis(rekap_model::Genesis::new(definition, log_key())),
    )
    .expect("genesis");
    eprintln!("genesis: {:?}", start.elapsed());
    let election = state.election().clone();
    let stations = election.tree().station_count();
    let hash = state.definition_hash();
    let check = FixedDigest(DIGEST);
    let mut events = Vec::with_capacity(stations as usize);
    for id in 0..stations {
        let code = election.station_code(StationId(id)).expect("code");
        let a = 60 + id % 50;
        events.push(submit(
            &code,
            "ppwp",
            sheet(&[a, 100 - id % 30, 30 + id % 7]),
        ));
    }
    let start = Instant::now();
    let mut seq = 1;
    for chunk in events.chunks(limits::MAX_EVENTS_PER_PAYLOAD) {
        seq += 1;
        let payload = Payload::Events {
            definition_hash: hash,
            events: chunk.to_vec(),
        };
        state
            .execute_payload(&envelope(seq, OPERATOR), &payload, &check)
            .expect("accepted");
    }
    let took = start.elapsed();
    let with_events = rss_mb();
    drop(events);
    eprintln!(
        "resident: {before_state} MB before genesis, {with_events} MB after (with the input events), {} MB without them",
        rss_mb()
    );
    eprintln!(
        "{stations} sheets decided and applied in {took:?} ({:.0} sheets/s)",
        f64::from(stations) / took.as_secs_f64()
    );
}

/// Resident memory in MB (Linux), 0 elsewhere.
fn rss_mb() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| {
            s.split_whitespace()
                .nth(1)
                .and_then(|p| p.parse::<u64>().ok())
        })
        .map(|pages| pages * 4096 / 1_000_000)
        .unwrap_or(0)
}
