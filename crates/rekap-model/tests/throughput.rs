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
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/indonesia-regions-2024.csv"
    );
    let csv = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    // A national root above the provinces, so that one contest covers the whole country.
    let text = String::from_utf8(csv)
        .expect("utf-8")
        .replace(",,province,", ",ID,province,");
    let csv = text.replacen('\n', "\nID,,nation,INDONESIA,\n", 1);
    let mut levels = indonesia_levels();
    levels.insert(
        0,
        Level {
            key: "nation".into(),
            name_en: "Nation".into(),
            name_id: "Nasional".into(),
            holds_plenary: true,
        },
    );
    let mut regions = parse_regions_csv(csv.as_bytes(), &levels).expect("csv");
    regions.sort_by(|a, b| a.code.cmp(&b.code));
    let definition = ElectionDefinition {
        format_version: rekap_model::definition::DEFINITION_FORMAT_VERSION,
        name: "Pemilu 2024".into(),
        levels,
        regions,
        stations: Vec::new(),
        contests: vec![Contest {
            id: "ppwp".into(),
            name: "Presiden".into(),
            scope: "ID".into(),
            vote_types: Vec::new(),
            parts: Vec::new(),
            pairs: (1..=3)
                .map(|n| CandidatePair {
                    number: n,
                    name: format!("P{n}"),
                })
                .collect(),
        }],
        station_capacity: 300,
        soft_rules: SoftRules::default(),
        registrar: pk(REGISTRAR),
        initial_officers: vec![InitialOfficer {
            key: pk(OPERATOR),
            role: Role::Operator,
            scope: "ID".into(),
        }],
    };
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
