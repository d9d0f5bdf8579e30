//! Contests of any shape (issue 11): counts by vote type, and scopes that list their parts.

mod common;

use common::*;
use rekap_model::*;

fn shaped() -> World {
    World::with_json(shaped_definition_json())
}

#[test]
fn a_sheet_counts_each_pair_by_vote_type_and_the_hard_rules_apply_to_the_sums() {
    let mut w = shaped();
    let effect = w.ok(
        OPERATOR,
        submit("6472010001-001", DAPIL, typed_sheet(&[[70, 30], [50, 40]])),
    );
    let Change::SheetSet { entry, .. } = effect.change else {
        panic!("a sheet was set: {effect:?}");
    };
    let kept = w
        .state
        .entry(entry)
        .and_then(|e| e.sheet.clone())
        .expect("kept");
    assert_eq!(kept.votes(), &[100, 90]);
    assert_eq!(kept.votes_by_type(), &[70, 30, 50, 40]);
    assert_eq!(kept.unpack(), typed_sheet(&[[70, 30], [50, 40]]));

    // A count short of the pairs x types: R63.
    let mut short = typed_sheet(&[[70, 30], [50, 40]]);
    short.votes_by_type.pop();
    let refused = w
        .one(OPERATOR, submit("6472010001-002", DAPIL, short))
        .expect_err("refused");
    assert_eq!(refused.rule().to_string(), "R63");
    // A pair whose counts by type do not add up to its votes: R64, naming the pair.
    let mut off = typed_sheet(&[[70, 30], [50, 40]]);
    off.votes_by_type[3] = 41;
    let refused = w
        .one(OPERATOR, submit("6472010001-002", DAPIL, off))
        .expect_err("refused");
    assert_eq!(refused.rule().to_string(), "R64");
    assert!(matches!(
        refused,
        Refusal::HardRule {
            violation: HardRuleViolation::VoteTypesNotPairVotes {
                pair: 2,
                sum: 91,
                votes: 90
            },
            ..
        }
    ));
    // A contest without vote types takes no counts by type.
    let refused = w
        .one(
            OPERATOR,
            submit(
                "6472010001-002",
                GUBERNUR,
                typed_sheet(&[[70, 30], [50, 40]]),
            ),
        )
        .expect_err("refused");
    assert_eq!(refused.rule().to_string(), "R63");
}

#[test]
fn stations_outside_a_contests_parts_do_not_take_part() {
    let mut w = shaped();
    let dapil = w.state.election().contest_by_id(DAPIL).expect("contest");
    let station = |code: &str| w.state.election().find_station(code).expect("station");
    let region = |code: &str| w.state.election().find_region(code).expect("region");
    let election = w.state.election();
    // In: district Palaran's stations and village Manggar's (another regency).
    assert!(election.contest_covers(dapil, Place::Station(station("6472010002-002"))));
    assert!(election.contest_covers(dapil, Place::Station(station("6471010001-001"))));
    // Out: district Samarinda Ilir, though its regency is in.
    assert!(!election.contest_covers(dapil, Place::Station(station("6472020001-001"))));
    assert!(!election.contest_covers(dapil, Place::Region(region("647202"))));
    // Both regencies and the province hold stations that take part.
    for code in ["64", "6472", "6471", "647101"] {
        assert!(
            election.contest_covers(dapil, Place::Region(region(code))),
            "{code}"
        );
    }
    let out = station("6472020001-001");
    assert_eq!(w.state.station_status(out, dapil), None);
    assert_eq!(
        w.state.station_status(station("6472010001-001"), dapil),
        Some(StationStatus::Awaiting)
    );
    // A sheet for a station outside is refused (R28); no void is needed.
    let refused = w
        .one(
            OFFICIAL_OTHER_DISTRICT,
            correct("6472020001-001", DAPIL, typed_sheet(&[[1, 1], [1, 1]]), "x"),
        )
        .expect_err("refused");
    assert_eq!(refused.rule().to_string(), "R28");
    let refused = w
        .one(OFFICIAL_OTHER_DISTRICT, approve("647202", DAPIL, vec![]))
        .expect_err("refused");
    assert_eq!(refused.rule().to_string(), "R28");
    // One station still votes in several contests.
    w.ok(
        OPERATOR,
        submit("6472010001-001", GUBERNUR, sheet(&[100, 90])),
    );
    w.ok(
        OPERATOR,
        submit("6472010001-001", DAPIL, typed_sheet(&[[1, 2], [3, 4]])),
    );
}

fn refused_definition(change: impl Fn(&mut serde_json::Value)) -> String {
    let mut json = shaped_definition_json();
    change(&mut json["contests"][2]);
    let built = DefinitionFile::from_json(&json.to_string())
        .expect("JSON parses")
        .build(None::<&[u8]>);
    match built {
        Ok(_) => panic!("the definition must be refused"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn a_definition_refuses_parts_and_vote_types_that_do_not_make_sense() {
    let outside = refused_definition(|c| c["scope"] = "6472".into());
    assert!(
        outside.contains("\"6471010001\" is not a region or station under"),
        "{outside}"
    );
    let overlapping = refused_definition(|c| {
        c["parts"] = serde_json::json!(["647201", "6472010001"]);
    });
    assert!(
        overlapping.contains("lies under another part"),
        "{overlapping}"
    );
    let unknown = refused_definition(|c| c["parts"] = serde_json::json!(["99"]));
    assert!(unknown.contains("\"99\""), "{unknown}");
    let twice = refused_definition(|c| {
        c["vote_types"] = serde_json::json!([{"key": "early", "name": "Early"},
                                              {"key": "early", "name": "Again"}]);
    });
    assert!(twice.contains("vote type key \"early\""), "{twice}");
    let badly_named = refused_definition(|c| {
        c["vote_types"] = serde_json::json!([{"key": "Early Vote", "name": "Early"}]);
    });
    assert!(badly_named.contains("\"Early Vote\""), "{badly_named}");
}

/// A store made before listed stations (definition format 1), before vote types and contest
/// parts (2), before the genesis named its log (3), before station numbers with gaps (4), or
/// before absent invalid counts (5, whose sheets held `invalid` as a plain u32) is refused with a message that names both versions, at decoding, before any layout is
/// read.
#[test]
fn a_genesis_of_an_older_format_version_is_refused_naming_the_version() {
    for version in 1u32..=5 {
        let mut bytes = encode_payload(&Payload::Genesis(rekap_model::Genesis::new(
            definition(),
            log_key(),
        )));
        bytes[4..8].copy_from_slice(&version.to_le_bytes());
        let error = decode_payload(&bytes).expect_err("refused");
        let message = error.to_string();
        assert!(
            message.contains(&format!("format version {version}")),
            "{message}"
        );
        assert!(message.contains("reads version 6"), "{message}");
        assert_eq!(error.rule().to_string(), "R2");
    }
}
