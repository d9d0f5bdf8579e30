//! Planning the national import (one sheet for each of Indonesia's ~818k stations). Not a
//! timed test: run with `cargo test --release -p rekap-import --test throughput --
//! --ignored --nocapture`.

mod common;

use std::fmt::Write as _;
use std::time::Instant;

use common::*;
use rekap_import::{payloads, plan_import, ImportLimits, DEFAULT_SHEETS_PER_PAYLOAD};
use rekap_model::*;

fn national_state() -> State {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/indonesia-regions-2024.csv"
    );
    let csv = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    // A national root above the provinces, so that one contest covers the whole country.
    let csv =
        csv.replace(",,province,", ",ID,province,")
            .replacen('\n', "\nID,,nation,INDONESIA,\n", 1);
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
    let mut regions = parse_regions_csv(csv.as_bytes(), &levels).expect("regions csv");
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
    let envelope = Envelope {
        seq: 1,
        recorded_at_ms: 1_732_665_600_000,
        author: pk(REGISTRAR),
    };
    State::genesis(
        &envelope,
        &Payload::Genesis(rekap_model::Genesis::new(definition, log_key())),
    )
    .expect("genesis")
}

#[test]
#[ignore = "measurement; run with --release"]
fn national_plan() {
    let mut state = national_state();
    let election = state.election().clone();
    let stations = election.tree().station_count();
    let mut text = String::from(HEADER);
    text.push('\n');
    for id in 0..stations {
        let code = election.station_code(StationId(id)).expect("code");
        let a = 60 + id % 50;
        let mut s = sheet(&[a, 100 - id % 30, 30 + id % 7]);
        // Keep within the capacity of 300.
        s.registered.dpt = s.voted.dpt.total + 10;
        let _ = writeln!(text, "{}", row(&code, "ppwp", &s));
    }
    eprintln!("{stations} rows, {} MiB", text.len() / (1 << 20));
    let limits = ImportLimits::default();

    let start = Instant::now();
    let plan = plan_import(&state, &pk(OPERATOR), text.as_bytes(), &limits);
    let elapsed = start.elapsed();
    let plan = match plan {
        Ok(plan) => plan,
        Err(rekap_import::ImportError::Rejected {
            problems, unlisted, ..
        }) => {
            panic!("{unlisted} more; {:#?}", &problems[..problems.len().min(5)])
        }
        Err(other) => panic!("{other}"),
    };
    assert_eq!(plan.to_submit.len(), stations as usize);
    eprintln!(
        "plan: {elapsed:?} ({:.0} rows/s)",
        f64::from(stations) / elapsed.as_secs_f64()
    );

    let start = Instant::now();
    let chunks = payloads(plan.to_submit, DEFAULT_SHEETS_PER_PAYLOAD);
    for events in chunks {
        let envelope = Envelope {
            seq: state.last_seq() + 1,
            recorded_at_ms: 1_732_665_600_000,
            author: pk(OPERATOR),
        };
        let payload = Payload::Events {
            definition_hash: state.definition_hash(),
            events,
        };
        state
            .execute_payload(&envelope, &payload, &AnyApproval)
            .expect("accepted");
    }
    eprintln!(
        "apply to the state (no signing, no log): {:?}",
        start.elapsed()
    );

    let start = Instant::now();
    let again = plan_import(&state, &pk(OPERATOR), text.as_bytes(), &limits).expect("re-plan");
    assert_eq!(again.already_imported, stations as usize);
    eprintln!(
        "re-plan, everything already imported: {:?}",
        start.elapsed()
    );
}
