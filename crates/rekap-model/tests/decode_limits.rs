//! Every string and list of a payload has its length checked against its field's limit
//! before anything is allocated for it (docs/FORMAT.md, "Limits a decoder applies"): a
//! length prefix one over the limit, or `u64::MAX`, with nothing after it, is refused
//! naming the field and the limit, never read into memory, never a panic.

mod common;

use common::*;
use rekap_model::limits::*;
use rekap_model::*;

/// `bytes` cut off after the first length prefix of `marker` (a prefix and the bytes that
/// follow it), that prefix replaced by `length`.
fn announce(bytes: &[u8], marker: &[u8], length: u64) -> Vec<u8> {
    let at = bytes
        .windows(marker.len())
        .position(|w| w == marker)
        .unwrap_or_else(|| panic!("marker {marker:?} is in the payload"));
    let mut out = bytes[..at].to_vec();
    out.extend(length.to_le_bytes());
    out
}

/// A length prefix and the first bytes after it, to find a field by its encoded value.
fn marked(length: u64, first: &[u8]) -> Vec<u8> {
    let mut out = length.to_le_bytes().to_vec();
    out.extend(first);
    out
}

fn assert_refused(bytes: &[u8], marker: &[u8], field: &str, limit: usize) {
    let over = announce(bytes, marker, limit as u64 + 1);
    let error = decode_payload(&over).expect_err(field).to_string();
    assert!(
        error.contains(&format!("{field}: {} ", limit + 1))
            && error.contains(&format!("over the limit of {limit}")),
        "{field}: {error}"
    );
    let huge = announce(bytes, marker, u64::MAX);
    let error = decode_payload(&huge).expect_err(field).to_string();
    assert!(
        error.contains(field) && error.contains("over the limit"),
        "{field}: {error}"
    );
}

fn events(events: Vec<Event>) -> Vec<u8> {
    encode_payload(&Payload::Events {
        definition_hash: [1; 32],
        events,
    })
}

#[test]
fn every_string_and_list_of_an_events_payload_is_refused_over_its_limit() {
    let mut typed = sheet(&[0x0a0b_0c0d, 7]);
    typed.votes_by_type = vec![0x0e0f_1011, 1, 2, 3];
    let submitted = events(vec![submit("STATION.MARK-001", GUBERNUR, typed)]);
    assert_refused(
        &submitted,
        &marked(16, b"STATION.MARK"),
        "station",
        MAX_STATION_CODE_BYTES,
    );
    assert_refused(
        &submitted,
        &marked(GUBERNUR.len() as u64, GUBERNUR.as_bytes()),
        "contest",
        MAX_CONTEST_ID_BYTES,
    );
    assert_refused(
        &submitted,
        &marked(2, &0x0a0b_0c0du32.to_le_bytes()),
        "votes per pair",
        MAX_PAIRS,
    );
    assert_refused(
        &submitted,
        &marked(4, &0x0e0f_1011u32.to_le_bytes()),
        "votes by type",
        MAX_PAIRS * MAX_VOTE_TYPES,
    );
    let voided = events(vec![Event::StationVoided {
        station: "1-001".into(),
        contest: "c".into(),
        reason: "REASON MARK".into(),
    }]);
    assert_refused(&voided, &marked(11, b"REASON"), "reason", MAX_REASON_BYTES);
    let objection = events(vec![object("1", "c", "OBJECTION MARK")]);
    assert_refused(
        &objection,
        &marked(14, b"OBJECTION"),
        "objection text",
        MAX_OBJECTION_TEXT_BYTES,
    );
    assert_refused(
        &objection,
        &marked(1, b"1"),
        "place",
        MAX_STATION_CODE_BYTES,
    );
    let registered = events(vec![register(5, Role::Auditor, "SCOPE.MARK")]);
    assert_refused(
        &registered,
        &marked(10, b"SCOPE"),
        "scope",
        MAX_REGION_CODE_BYTES,
    );
    let approved = events(vec![Event::PlenaryApproved {
        region: "REGION.MARK".into(),
        contest: "c".into(),
        digest: [0xdd; 32],
        signatures: vec![WitnessSignature {
            witness: [0x5a; 32],
            signature: [0; 64],
        }],
        refusals: vec![WitnessRefusal {
            witness: [0x5b; 32],
            reason: "REFUSAL MARK".into(),
        }],
    }]);
    assert_refused(
        &approved,
        &marked(11, b"REGION"),
        "region",
        MAX_REGION_CODE_BYTES,
    );
    assert_refused(
        &approved,
        &marked(1, &[0x5a; 32]),
        "witness signatures",
        MAX_WITNESS_SIGNATURES,
    );
    assert_refused(
        &approved,
        &marked(1, &[0x5b; 32]),
        "witness refusals",
        MAX_WITNESS_REFUSALS,
    );
    assert_refused(
        &approved,
        &marked(12, b"REFUSAL"),
        "refusal reason",
        MAX_REASON_BYTES,
    );
    let source = events(vec![Event::SheetSource {
        station: "1-001".into(),
        contest: "c".into(),
        document: [0xcc; 32],
        photos: vec!["https://PHOTO.MARK/1.jpg".into()],
    }]);
    assert_refused(
        &source,
        &marked(1, &24u64.to_le_bytes()),
        "photos",
        MAX_SOURCE_PHOTOS,
    );
    assert_refused(
        &source,
        &marked(24, b"https://PHOTO"),
        "photos",
        MAX_PHOTO_URL_BYTES,
    );
}

#[test]
fn an_events_count_over_the_limit_is_refused_before_any_event_is_read() {
    let mut bytes = events(Vec::new());
    for count in [MAX_EVENTS_PER_PAYLOAD as u64 + 1, u64::MAX] {
        bytes[36..44].copy_from_slice(&count.to_le_bytes());
        assert!(
            matches!(
                decode_payload(&bytes),
                Err(DecodeError::Limit(LimitError::TooMany { field: "events per payload", limit, .. }))
                    if limit == MAX_EVENTS_PER_PAYLOAD as u64
            ),
            "{count}"
        );
    }
}

/// A genesis whose every list has one element and every string a distinct value.
fn marked_genesis() -> Vec<u8> {
    let mut definition = definition();
    definition.name = "ELECTION MARK".into();
    definition.levels.truncate(2);
    definition.levels[0].key = "levelmark".into();
    definition.levels[0].name_en = "LEVEL EN MARK".into();
    definition.regions = vec![RegionEntry {
        code: "REGION.MARK".into(),
        parent: Some("PARENT.MARK".into()),
        level: 0,
        name: "REGION NAME MARK".into(),
        stations: StationNumbers::from_ranges(vec![NumberRange {
            first: 0x0102,
            last: 0x0304,
        }]),
    }];
    definition.stations = vec![ListedStation {
        code: "LISTED.STATION.MARK".into(),
        parent: "LISTED.PARENT".into(),
        name: "LISTED NAME MARK".into(),
    }];
    definition.contests.truncate(1);
    let contest = &mut definition.contests[0];
    contest.id = "CONTEST.MARK".into();
    contest.parts = vec!["PART.MARK".into()];
    contest.pairs.truncate(1);
    contest.pairs[0].number = 0x0a0b_0c0d;
    contest.vote_types = vec![VoteType {
        key: "typemark".into(),
        name: "TYPE NAME MARK".into(),
    }];
    definition.initial_officers = vec![InitialOfficer {
        key: [0x6e; 32],
        role: Role::Witness {
            contest: "WITNESS.MARK".into(),
            pair: 1,
        },
        scope: "SCOPE.MARK".into(),
    }];
    let mut genesis = Genesis::new(definition, log_key());
    genesis.log.origin = "ORIGIN MARK".into();
    encode_payload(&Payload::Genesis(genesis))
}

#[test]
fn every_string_and_list_of_a_genesis_is_refused_over_its_limit() {
    let bytes = marked_genesis();
    let text = |s: &str| marked(s.len() as u64, s.as_bytes());
    for (marker, field, limit) in [
        (text("ELECTION MARK"), "election name", MAX_NAME_BYTES),
        (marked(2, &9u64.to_le_bytes()), "levels", MAX_LEVELS),
        (text("levelmark"), "level key", MAX_LEVEL_KEY_BYTES),
        (text("LEVEL EN MARK"), "level name (en)", MAX_NAME_BYTES),
        (marked(1, &11u64.to_le_bytes()), "regions", MAX_REGIONS),
        (text("REGION.MARK"), "region code", MAX_REGION_CODE_BYTES),
        (text("PARENT.MARK"), "region parent", MAX_REGION_CODE_BYTES),
        (text("REGION NAME MARK"), "region name", MAX_NAME_BYTES),
        (
            marked(1, &[0x02, 0x01, 0x04, 0x03]),
            "station number ranges",
            MAX_STATION_RANGES_PER_REGION,
        ),
        (
            marked(1, &19u64.to_le_bytes()),
            "listed stations",
            MAX_LISTED_STATIONS,
        ),
        (
            text("LISTED.STATION.MARK"),
            "station code",
            MAX_STATION_CODE_BYTES,
        ),
        (
            text("LISTED.PARENT"),
            "station parent",
            MAX_REGION_CODE_BYTES,
        ),
        (text("LISTED NAME MARK"), "station name", MAX_NAME_BYTES),
        (marked(1, &12u64.to_le_bytes()), "contests", MAX_CONTESTS),
        (text("CONTEST.MARK"), "contest id", MAX_CONTEST_ID_BYTES),
        (
            marked(1, &9u64.to_le_bytes()),
            "contest parts",
            MAX_CONTEST_PARTS,
        ),
        (text("PART.MARK"), "contest parts", MAX_STATION_CODE_BYTES),
        (
            marked(1, &0x0a0b_0c0du32.to_le_bytes()),
            "candidate pairs",
            MAX_PAIRS,
        ),
        (marked(1, &8u64.to_le_bytes()), "vote types", MAX_VOTE_TYPES),
        (text("typemark"), "vote type key", MAX_LEVEL_KEY_BYTES),
        (text("TYPE NAME MARK"), "vote type name", MAX_NAME_BYTES),
        (
            marked(1, &[0x6e; 32]),
            "initial officers",
            MAX_INITIAL_OFFICERS,
        ),
        (
            text("WITNESS.MARK"),
            "witness contest",
            MAX_CONTEST_ID_BYTES,
        ),
        (text("SCOPE.MARK"), "officer scope", MAX_REGION_CODE_BYTES),
        (text("ORIGIN MARK"), "log origin", MAX_ORIGIN_BYTES),
    ] {
        assert_refused(&bytes, &marker, field, limit);
    }
    // The marked genesis itself decodes (its definition is not valid, which is checked
    // afterwards, not while decoding).
    assert!(decode_payload(&bytes).is_ok());
}

/// A record's events are reserved at once when the payload's bytes can hold them (no list
/// grown by doubling, copied into fresh pages each time); a count the bytes cannot hold
/// reserves no more than before and is refused as before, at the first missing event.
#[test]
fn events_the_bytes_can_hold_are_reserved_at_once_and_a_count_they_cannot_is_refused() {
    let voided = |number: usize| Event::StationVoided {
        station: format!("6472010001-{number:03}"),
        contest: "gubernur-64".into(),
        reason: String::new(),
    };
    let many: Vec<Event> = (0..5_000).map(voided).collect();
    let bytes = events(many.clone());
    let Ok(Payload::Events {
        events: decoded, ..
    }) = decode_payload(&bytes)
    else {
        panic!("the payload decodes");
    };
    assert_eq!(decoded, many);
    assert_eq!(decoded.capacity(), decoded.len(), "reserved at once");

    // 5,000 events announced where the bytes hold 4,000 (and far fewer than the limit):
    // decoding stops where the 4,001st would begin.
    let mut cut = events(many[..4_000].to_vec());
    cut[36..44].copy_from_slice(&5_000u64.to_le_bytes());
    let error = decode_payload(&cut).expect_err("events missing");
    assert!(matches!(error, DecodeError::Bincode(_)), "{error:?}");
}

/// So are a genesis' regions (83k nationally).
#[test]
fn a_genesis_regions_are_reserved_at_once() {
    let definition = rekap_test_kit::national_definition(1);
    assert!(definition.regions.len() > 80_000);
    let bytes = encode_payload(&Payload::Genesis(Genesis::new(definition.clone(), [7; 32])));
    let Ok(Payload::Genesis(genesis)) = decode_payload(&bytes) else {
        panic!("the genesis decodes");
    };
    assert_eq!(genesis.definition, definition);
    let regions = &genesis.definition.regions;
    assert_eq!(regions.capacity(), regions.len(), "reserved at once");
}
