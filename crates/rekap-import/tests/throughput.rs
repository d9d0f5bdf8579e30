//! Planning the national import (one sheet for each of Indonesia's ~818k stations). Not a
//! timed test: run with `cargo test --release -p rekap-import --test throughput --
//! --ignored --nocapture`.

mod common;

use std::fmt::Write as _;
use std::time::Instant;

use common::*;
use rekap_import::{payloads, plan_import, ImportLimits, DEFAULT_SHEETS_PER_PAYLOAD};
use rekap_model::*;
use rekap_test_kit::AnyApproval;

fn national_state() -> State {
    rekap_test_kit::genesis_state(rekap_test_kit::national_definition(OPERATOR))
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
