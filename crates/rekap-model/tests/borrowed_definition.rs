//! The genesis' definition read in place (`borrowed_definition`) against the owned decoder
//! and `Election::without_officers_from_genesis`: the same accept/reject on valid, damaged
//! and random bytes, the same fields, and the same election (validation errors included).

mod common;

use common::*;
use proptest::prelude::*;
use rekap_model::borrowed_definition::read_genesis;
use rekap_model::regions::RegionRecord;
use rekap_model::*;

fn genesis_bytes(definition: ElectionDefinition) -> Vec<u8> {
    encode_payload(&Payload::Genesis(Genesis::new(definition, [7; 32])))
}

/// Holds the reader in place to the owned decoder on `bytes`: both refuse, or both read
/// the same definition (regions field by field, the definition's bytes hashing to its hash).
fn assert_readers_agree(bytes: &[u8]) -> Result<(), TestCaseError> {
    let owned = match decode_payload(bytes) {
        Ok(Payload::Genesis(genesis)) => Some(genesis.definition),
        _ => None,
    };
    let in_place = read_genesis(bytes).ok();
    prop_assert_eq!(owned.is_some(), in_place.is_some(), "accept/reject differ");
    let (Some(owned), Some((in_place, definition_bytes))) = (owned, in_place) else {
        return Ok(());
    };
    prop_assert_eq!(in_place.format_version(), owned.format_version);
    prop_assert_eq!(in_place.name(), owned.name.as_str());
    prop_assert_eq!(in_place.levels(), owned.levels.as_slice());
    prop_assert_eq!(in_place.stations(), owned.stations.as_slice());
    prop_assert_eq!(in_place.contests(), owned.contests.as_slice());
    prop_assert_eq!(in_place.station_capacity(), owned.station_capacity);
    prop_assert_eq!(in_place.soft_rules(), &owned.soft_rules);
    prop_assert_eq!(in_place.registrar(), owned.registrar);
    prop_assert_eq!(in_place.regions().len(), owned.regions.len());
    for (read, entry) in in_place.regions().iter().zip(&owned.regions) {
        prop_assert_eq!(read.code(), entry.code.as_str());
        prop_assert_eq!(read.parent(), entry.parent.as_deref());
        prop_assert_eq!(read.level(), entry.level);
        prop_assert_eq!(read.name(), entry.name.as_str());
        let ranges: Vec<NumberRange> = read.stations().iter().collect();
        prop_assert_eq!(ranges.as_slice(), entry.stations.ranges());
    }
    let hash = rekap_model::encoding::domain_hash(
        rekap_model::encoding::DEFINITION_DOMAIN,
        definition_bytes,
    );
    prop_assert_eq!(hash, owned.hash());
    Ok(())
}

/// Holds the election built in place to the owned one: the same error, or the same hash and
/// the same answers about every region and station.
fn assert_elections_agree(bytes: &[u8]) -> Result<(), TestCaseError> {
    let owned = Election::without_officers_from_genesis(bytes);
    let in_place = Election::in_place_from_genesis(bytes);
    let (owned, in_place) = match (owned, in_place) {
        (Ok(owned), Ok(in_place)) => (owned, in_place),
        (owned, in_place) => {
            prop_assert_eq!(owned.err(), in_place.err());
            return Ok(());
        }
    };
    prop_assert_eq!(owned.hash(), in_place.hash());
    let (tree, read_tree) = (owned.tree(), in_place.tree());
    prop_assert_eq!(tree.region_count(), read_tree.region_count());
    prop_assert_eq!(tree.station_count(), read_tree.station_count());
    for region in (0..tree.region_count()).map(RegionIdx) {
        prop_assert_eq!(tree.parent(region), read_tree.parent(region));
        prop_assert_eq!(tree.children(region), read_tree.children(region));
        prop_assert_eq!(
            tree.stations_under(region),
            read_tree.stations_under(region)
        );
        let code = owned.region_code(region).unwrap_or_default();
        prop_assert_eq!(in_place.find_region(code), Some(region));
    }
    for station in (0..tree.station_count()).map(StationId) {
        let code = owned.station_code(station).unwrap_or_default();
        prop_assert_eq!(in_place.station_code(station), Some(code.clone()));
        prop_assert_eq!(in_place.find_station(&code), Some(station));
        for contest in (0..owned.contests().len() as u32).map(ContestIdx) {
            prop_assert_eq!(
                owned.station_takes_part(contest, station),
                in_place.station_takes_part(contest, station)
            );
        }
    }
    for contest in (0..owned.contests().len() as u32).map(ContestIdx) {
        prop_assert_eq!(
            owned.contest_scope(contest),
            in_place.contest_scope(contest)
        );
    }
    Ok(())
}

/// Valid definitions: the test election, with contest parts and vote types, and with a
/// village listing its stations.
fn valid_definitions() -> Vec<ElectionDefinition> {
    let of = |json: serde_json::Value| build(&json).expect("valid").definition().clone();
    let mut listed = definition_json();
    let regions = listed["regions"].as_array_mut().expect("regions");
    for region in regions.iter_mut() {
        if region["code"] == "6472010002" {
            region.as_object_mut().expect("object").remove("stations");
        }
    }
    for number in ["002", "149"] {
        regions.push(serde_json::json!({ "code": format!("6472010002{number}"),
            "parent": "6472010002", "level": "station", "name": format!("TPS {number}") }));
    }
    vec![definition(), of(shaped_definition_json()), of(listed)]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![8 => "[A-C0-9]{0,3}", 1 => "[é_.a-]{0,2}"]
}

fn ranges() -> impl Strategy<Value = StationNumbers> {
    prop::collection::vec((0u16..1002, 0u16..1002), 0..3).prop_map(|ranges| {
        StationNumbers::from_ranges(
            ranges
                .into_iter()
                .map(|(first, last)| NumberRange { first, last })
                .collect(),
        )
    })
}

fn region() -> impl Strategy<Value = RegionEntry> {
    (text(), prop::option::of(text()), 0u32..4, text(), ranges()).prop_map(
        |(code, parent, level, name, stations)| RegionEntry {
            code,
            parent,
            level,
            name,
            stations,
        },
    )
}

fn role() -> impl Strategy<Value = Role> {
    prop_oneof![
        Just(Role::Operator),
        Just(Role::Official),
        (text(), 0u32..3).prop_map(|(contest, pair)| Role::Witness { contest, pair }),
        Just(Role::Auditor),
    ]
}

/// Arbitrary definitions, most of them invalid for an election but all encodable: the
/// regions sorted or not, parents known or not, ranges canonical or not.
fn any_definition() -> impl Strategy<Value = ElectionDefinition> {
    let valid = prop::sample::select(valid_definitions());
    let regions = prop::collection::vec(region(), 0..6);
    let officers = prop::collection::vec(
        (any::<[u8; 32]>(), role(), text()).prop_map(|(key, role, scope)| InitialOfficer {
            key,
            role,
            scope,
        }),
        0..3,
    );
    let stations = prop::collection::vec(
        (text(), text(), text()).prop_map(|(code, parent, name)| ListedStation {
            code,
            parent,
            name,
        }),
        0..2,
    );
    (
        valid,
        regions,
        any::<bool>(),
        officers,
        stations,
        any::<u8>(),
    )
        .prop_map(
            |(mut definition, regions, sorted, officers, stations, which)| {
                match which % 4 {
                    0 => {}
                    1 => {
                        definition.regions = regions;
                        if sorted {
                            definition.regions.sort_by(|a, b| a.code.cmp(&b.code));
                        }
                    }
                    2 => definition.initial_officers = officers,
                    _ => definition.stations = stations,
                }
                definition
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn the_reader_in_place_agrees_with_the_owned_decoder(definition in any_definition()) {
        let bytes = genesis_bytes(definition);
        assert_readers_agree(&bytes)?;
        assert_elections_agree(&bytes)?;
    }

    #[test]
    fn the_reader_in_place_agrees_on_damaged_genesis_payloads(
        definition in any_definition(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
        cut in any::<prop::sample::Index>(),
        extra in prop::collection::vec(any::<u8>(), 0..3),
    ) {
        let mut bytes = genesis_bytes(definition);
        let end = cut.index(bytes.len() + 1);
        assert_readers_agree(&bytes[..end])?;
        let mut longer = bytes.clone();
        longer.extend(&extra);
        assert_readers_agree(&longer)?;
        for (at, byte) in flips {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        assert_readers_agree(&bytes)?;
        assert_elections_agree(&bytes)?;
    }

    #[test]
    fn the_reader_in_place_agrees_on_random_bytes(
        mut bytes in prop::collection::vec(any::<u8>(), 0..512),
        genesis in any::<bool>(),
    ) {
        if genesis && bytes.len() >= 8 {
            // A genesis of the supported version, so that the reading goes on past the head.
            bytes[..8].copy_from_slice(&[0, 0, 0, 0, 6, 0, 0, 0]);
        }
        assert_readers_agree(&bytes)?;
    }
}

#[test]
fn every_valid_definition_reads_in_place_as_the_owned_election() {
    for definition in valid_definitions() {
        let bytes = genesis_bytes(definition);
        let election = Election::in_place_from_genesis(&bytes).expect("a valid genesis");
        assert!(election.tree().station_count() > 0);
        assert_readers_agree(&bytes).expect("the readers agree");
        assert_elections_agree(&bytes).expect("the elections agree");
    }
}

#[test]
fn a_payload_that_is_no_genesis_is_refused_as_the_owned_reader_refuses_it() {
    let events = encode_payload(&Payload::Events {
        definition_hash: [1; 32],
        events: Vec::new(),
    });
    assert_eq!(
        Election::in_place_from_genesis(&events).err(),
        Some(GenesisReadError::NotAGenesis)
    );
    let bytes = genesis_bytes(definition());
    let cut = Election::in_place_from_genesis(&bytes[..bytes.len() - 1]).err();
    assert!(matches!(cut, Some(GenesisReadError::Decode(_))), "{cut:?}");
    assert_eq!(
        cut,
        Election::without_officers_from_genesis(&bytes[..bytes.len() - 1]).err()
    );
}

/// Every byte of each valid genesis set to each of a few values (tags and small lengths
/// made wrong, lengths made huge), and the payload cut at every length: the two readers
/// agree on each.
#[test]
fn the_readers_agree_on_every_single_byte_change_and_every_cut() {
    for definition in valid_definitions() {
        let bytes = genesis_bytes(definition);
        for at in 0..bytes.len() {
            assert_readers_agree(&bytes[..at]).expect("the readers agree on a cut");
            for value in [0, 1, 2, 0x7f, 0xff, bytes[at].wrapping_add(1)] {
                let mut changed = bytes.clone();
                changed[at] = value;
                assert_readers_agree(&changed)
                    .unwrap_or_else(|error| panic!("byte {at} set to {value}: {error}"));
            }
        }
    }
}
