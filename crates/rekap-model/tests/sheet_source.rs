//! `SheetSource`: an importer notes where a sheet came from (the source document's hash and
//! its photo URLs) beside the sheet; only the operator who may submit the sheet may, and it
//! changes no number. Its bytes round-trip, and its lists are bounded.

mod common;

use common::*;
use rekap_model::limits::{MAX_PHOTO_URL_BYTES, MAX_SOURCE_PHOTOS};
use rekap_model::*;

fn source(station: &str, photos: Vec<String>) -> Event {
    Event::SheetSource {
        station: station.into(),
        contest: GUBERNUR.into(),
        document: [9; 32],
        photos,
    }
}

#[test]
fn the_operator_notes_a_source_beside_the_sheet_and_no_number_changes() {
    let mut world = World::new();
    let effects = world
        .run(
            OPERATOR,
            vec![
                submit("6472010001-001", GUBERNUR, sheet(&[120, 80])),
                source("6472010001-001", vec!["https://example.org/1.jpg".into()]),
            ],
        )
        .expect("accepted");
    assert_eq!(
        effects[1].change,
        Change::SheetSourceNoted {
            station: world.station("6472010001-001"),
            contest: world.contest(GUBERNUR),
        }
    );
    assert_eq!(
        world.current("6472010001-001", GUBERNUR),
        Some(sheet(&[120, 80]))
    );
}

#[test]
fn a_source_is_refused_outside_the_operators_scope_or_from_another_role() {
    let mut world = World::new();
    // Operator 6471 does not cover Samarinda's stations.
    let refusal = world
        .one(OPERATOR_6471, source("6472010001-001", vec![]))
        .expect_err("out of scope");
    assert!(matches!(refusal, Refusal::OutOfScope { .. }), "{refusal:?}");
    let refusal = world
        .one(AUDITOR, source("6472010001-001", vec![]))
        .expect_err("an auditor may not");
    assert!(
        matches!(refusal, Refusal::RoleNotPermitted { .. }),
        "{refusal:?}"
    );
    let refusal = world
        .one(OPERATOR, source("6472010001-999", vec![]))
        .expect_err("no such station");
    assert!(
        matches!(refusal, Refusal::UnknownStation { .. }),
        "{refusal:?}"
    );
}

#[test]
fn a_source_round_trips_and_its_photo_list_is_bounded() {
    let event = source("6472010001-001", vec!["https://example.org/a.jpg".into()]);
    let payload = Payload::Events {
        definition_hash: [1; 32],
        events: vec![event],
    };
    assert_eq!(
        decode_payload(&encode_payload(&payload)).ok(),
        Some(payload)
    );
    let too_many = source(
        "6472010001-001",
        vec!["https://example.org/a.jpg".into(); MAX_SOURCE_PHOTOS + 1],
    );
    assert!(too_many.check_limits().is_err());
    let too_long = source("6472010001-001", vec!["x".repeat(MAX_PHOTO_URL_BYTES + 1)]);
    assert!(too_long.check_limits().is_err());
    let at_limit = source(
        "6472010001-001",
        vec!["x".repeat(MAX_PHOTO_URL_BYTES); MAX_SOURCE_PHOTOS],
    );
    assert!(at_limit.check_limits().is_ok());
}
