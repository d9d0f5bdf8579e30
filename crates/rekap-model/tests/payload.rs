//! Payload bytes: decoding never panics, encoding round-trips, limits hold, and deciding
//! arbitrary events never panics.

mod common;

use common::*;
use proptest::prelude::*;
use rekap_model::*;

fn code() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("64".to_string()),
        Just("6472".to_string()),
        Just("647201".to_string()),
        Just("6472010001".to_string()),
        Just("6472010001-001".to_string()),
        Just("6472010002-002".to_string()),
        Just("6471010001-001".to_string()),
        Just("6472010001-009".to_string()),
        "[0-9a-z.-]{0,16}",
    ]
}

fn contest() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(GUBERNUR.to_string()),
        Just(WALIKOTA.to_string()),
        "[a-z-]{0,12}"
    ]
}

fn turnout() -> impl Strategy<Value = Turnout> {
    (any::<Option<u32>>(), any::<Option<u32>>(), any::<u32>()).prop_map(|(male, female, total)| {
        Turnout {
            male,
            female,
            total,
        }
    })
}

fn tally() -> impl Strategy<Value = TallySheet> {
    let random = (
        any::<[u32; 3]>(),
        [turnout(), turnout(), turnout()],
        any::<[u32; 4]>(),
        prop::collection::vec(any::<u32>(), 0..5),
        any::<(u32, Option<u32>)>(),
    )
        .prop_map(|(r, [a, b, c], bl, votes, (valid, invalid))| TallySheet {
            registered: VoterLists {
                dpt: r[0],
                dpph: r[1],
                dptb: r[2],
            },
            voted: VotedLists {
                dpt: a,
                dpph: b,
                dptb: c,
            },
            ballots: Ballots {
                received: bl[0],
                used: bl[1],
                damaged: bl[2],
                unused: bl[3],
            },
            votes,
            valid,
            invalid,
            votes_only: false,
            votes_by_type: Vec::new(),
        });
    // Half of them consistent, so that deciding reaches past the hard rules.
    prop_oneof![
        random,
        prop::collection::vec(0u32..300, 2..=3).prop_map(|v| sheet(&v))
    ]
}

fn key() -> impl Strategy<Value = [u8; 32]> {
    prop_oneof![(1u8..=14).prop_map(pk), any::<[u8; 32]>()]
}

fn role() -> impl Strategy<Value = Role> {
    prop_oneof![
        Just(Role::Operator),
        Just(Role::Official),
        Just(Role::Auditor),
        (contest(), 0u32..4).prop_map(|(contest, pair)| Role::Witness { contest, pair }),
    ]
}

fn event_id() -> impl Strategy<Value = EventId> {
    (1u64..12, 0u32..3).prop_map(|(seq, index)| EventId { seq, index })
}

fn event() -> impl Strategy<Value = Event> {
    prop_oneof![
        (key(), role(), code()).prop_map(|(key, role, scope)| Event::OfficerRegistered {
            key,
            role,
            scope
        }),
        (key(), ".{0,8}").prop_map(|(key, reason)| Event::OfficerRevoked { key, reason }),
        (code(), contest(), tally()).prop_map(|(station, contest, sheet)| Event::SheetSubmitted {
            station,
            contest,
            sheet
        }),
        (
            code(),
            contest(),
            tally(),
            ".{0,8}",
            prop::option::of(event_id())
        )
            .prop_map(
                |(station, contest, sheet, reason, answers)| Event::SheetCorrected {
                    station,
                    contest,
                    sheet,
                    reason,
                    answers
                }
            ),
        (code(), contest(), ".{0,8}").prop_map(|(station, contest, reason)| {
            Event::RevoteRecorded {
                station,
                contest,
                reason,
            }
        }),
        (code(), contest(), ".{0,8}").prop_map(|(station, contest, reason)| Event::StationVoided {
            station,
            contest,
            reason
        }),
        (code(), contest(), ".{0,8}").prop_map(|(place, contest, text)| Event::ObjectionFiled {
            place,
            contest,
            text
        }),
        (event_id(), prop::option::of(event_id()), ".{0,8}").prop_map(|(objection, c, reason)| {
            Event::ObjectionResolved {
                objection,
                resolution: match c {
                    Some(correction) => Resolution::Accepted { correction },
                    None => Resolution::Rejected,
                },
                reason,
            }
        }),
        (
            code(),
            contest(),
            prop_oneof![Just(DIGEST), any::<[u8; 32]>()],
            prop::collection::vec((key(), prop::collection::vec(any::<u8>(), 64)), 0..3),
            prop::collection::vec((key(), ".{0,8}"), 0..2),
        )
            .prop_map(
                |(region, contest, digest, sigs, refusals)| Event::PlenaryApproved {
                    region,
                    contest,
                    digest,
                    signatures: sigs
                        .into_iter()
                        .map(|(witness, s)| WitnessSignature {
                            witness,
                            signature: s.try_into().unwrap_or([0; 64]),
                        })
                        .collect(),
                    refusals: refusals
                        .into_iter()
                        .map(|(witness, reason)| WitnessRefusal { witness, reason })
                        .collect(),
                }
            ),
    ]
}

fn payload() -> impl Strategy<Value = Payload> {
    (any::<[u8; 32]>(), prop::collection::vec(event(), 0..6)).prop_map(
        |(definition_hash, events)| Payload::Events {
            definition_hash,
            events,
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn decode_never_panics_on_random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = decode_payload(&bytes);
    }

    #[test]
    fn decode_never_panics_on_damaged_payloads(
        p in payload(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = encode_payload(&p);
        for (at, byte) in flips {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        let _ = decode_payload(&bytes);
        let end = cut.index(bytes.len() + 1);
        let _ = decode_payload(&bytes[..end]);
    }

    #[test]
    fn packed_sheets_unpack_to_the_same_sheet(s in tally()) {
        let packed = PackedSheet::pack(&s);
        prop_assert_eq!(packed.votes(), s.votes.as_slice());
        prop_assert_eq!(packed.valid(), s.valid);
        prop_assert_eq!(packed.voted_total(), s.voted_total());
        prop_assert_eq!(packed.registered_total(), s.registered_total());
        prop_assert_eq!(packed.unpack(), s);
    }

    #[test]
    fn encode_then_decode_round_trips(p in payload()) {
        let bytes = encode_payload(&p);
        prop_assert_eq!(decode_payload(&bytes), Ok(p));
    }

    #[test]
    fn deciding_arbitrary_payloads_never_panics_and_refusals_change_nothing(
        records in prop::collection::vec((1u8..=14, prop::collection::vec(event(), 1..4)), 1..8)
    ) {
        let mut world = World::new();
        for (author, events) in records {
            let before = (world.state.last_seq(), world.state.entries().len(), world.state.approvals().len());
            match world.run(author, events) {
                Ok(effects) => prop_assert!(!effects.is_empty()),
                Err(_) => prop_assert_eq!(
                    before,
                    (world.state.last_seq(), world.state.entries().len(), world.state.approvals().len())
                ),
            }
        }
    }

    /// The import's planner asks `State::check` instead of `State::decide` (it keeps only
    /// the answer); every report of a row relies on the two agreeing, refusal for refusal,
    /// in every state a log can reach.
    #[test]
    fn check_answers_as_decide_does(
        records in prop::collection::vec((1u8..=14, prop::collection::vec(event(), 1..4)), 1..8)
    ) {
        let mut world = World::new();
        for (author, events) in records {
            let envelope = world.next_envelope(author);
            for (index, event) in events.iter().enumerate() {
                let index = index as u32;
                let decided = world.state.decide(&envelope, index, event, &world.check);
                prop_assert_eq!(
                    world.state.check(&envelope, index, event, &world.check),
                    decided.map(drop)
                );
            }
            let _ = world.run(author, events);
        }
    }
}

#[test]
fn the_genesis_round_trips() {
    let p = Payload::Genesis(rekap_model::Genesis::new(definition(), log_key()));
    assert_eq!(decode_payload(&encode_payload(&p)), Ok(p));
}

#[test]
fn trailing_bytes_and_truncation_are_refused() {
    let p = Payload::Events {
        definition_hash: [1; 32],
        events: vec![submit("6472010001-001", GUBERNUR, sheet(&[1, 2]))],
    };
    let mut bytes = encode_payload(&p);
    bytes.push(0);
    assert_eq!(
        decode_payload(&bytes),
        Err(DecodeError::TrailingBytes { extra: 1 })
    );
    bytes.truncate(bytes.len() - 2);
    assert!(matches!(
        decode_payload(&bytes),
        Err(DecodeError::Bincode(_))
    ));
}

#[test]
fn canonical_bytes_are_fixed_width_little_endian() {
    // Events { definition_hash, events: [] }: discriminant u32 = 1, 32 hash bytes, u64 length 0.
    let bytes = encode_payload(&Payload::Events {
        definition_hash: [0xab; 32],
        events: vec![],
    });
    let mut expected = vec![1, 0, 0, 0];
    expected.extend([0xab; 32]);
    expected.extend([0; 8]);
    assert_eq!(bytes, expected);
}

/// The decoder counts the events not yet read at their in-memory size. Large events first
/// and small ones after push that count past the payload's own length: every payload
/// within the encoded limit must still decode, or an allowed append would leave a log that
/// no rekap can replay.
#[test]
fn large_events_then_small_ones_within_the_limit_decode() {
    let objection = |i: usize| Event::ObjectionFiled {
        place: format!("{:010}", 6_472_010_001u64 + i as u64),
        contest: GUBERNUR.into(),
        text: "x".repeat(limits::MAX_OBJECTION_TEXT_BYTES),
    };
    let void = |i: usize| Event::StationVoided {
        station: format!("{:03}", i % 1000),
        contest: "c".into(),
        reason: String::new(),
    };
    let encoded = |events: Vec<Event>| {
        encode_payload(&Payload::Events {
            definition_hash: [1; 32],
            events,
        })
    };
    let small = encoded(vec![void(0)]).len() - encoded(Vec::new()).len();
    let large = encoded(vec![objection(0)]).len() - encoded(Vec::new()).len();
    // As many large events as fit beside small ones filling the event count.
    let budget = limits::MAX_CANONICAL_BYTES - encoded(Vec::new()).len();
    let larges = (budget - limits::MAX_EVENTS_PER_PAYLOAD * small) / (large - small);
    let events: Vec<Event> = (0..larges)
        .map(objection)
        .chain((larges..limits::MAX_EVENTS_PER_PAYLOAD).map(void))
        .collect();
    let bytes = encoded(events);
    assert!(
        bytes.len() <= limits::MAX_CANONICAL_BYTES,
        "{} bytes",
        bytes.len()
    );
    assert!(
        std::mem::size_of::<Event>() > small,
        "the case needs events smaller in bytes than in memory"
    );
    assert!(
        decode_payload(&bytes).is_ok(),
        "{:?}",
        decode_payload(&bytes).err()
    );
}

#[test]
fn a_full_bulk_payload_decodes_and_one_event_more_is_refused() {
    let events: Vec<Event> = (0..limits::MAX_EVENTS_PER_PAYLOAD)
        .map(|i| {
            submit(
                &format!(
                    "{:010}-{:03}",
                    6_472_010_001u64 + (i / 999) as u64,
                    i % 999 + 1
                ),
                "pilgub-kalimantan-timur-2024",
                sheet(&[100, 90, 80, 70, 60, 50, 40, 30]),
            )
        })
        .collect();
    let mut p = Payload::Events {
        definition_hash: [1; 32],
        events,
    };
    let bytes = encode_payload(&p);
    assert!(
        bytes.len() < limits::MAX_CANONICAL_BYTES,
        "{} bytes",
        bytes.len()
    );
    assert!(decode_payload(&bytes).is_ok());
    if let Payload::Events { events, .. } = &mut p {
        events.push(submit("6472010001-001", GUBERNUR, sheet(&[1, 2])));
    }
    assert_eq!(
        decode_payload(&encode_payload(&p)),
        Err(DecodeError::Limit(LimitError::TooMany {
            field: "events per payload",
            count: limits::MAX_EVENTS_PER_PAYLOAD as u64 + 1,
            limit: limits::MAX_EVENTS_PER_PAYLOAD as u64
        }))
    );
}

/// A sheet-changing event as a test compares it: station, contest, the numbers (registered,
/// voted, votes, valid, invalid, by type) of a sheet, and whether it voids.
type Shown = (
    String,
    String,
    Option<(u64, u64, Vec<u32>, u32, Option<u32>, Vec<u32>)>,
    bool,
);

/// The sheet-changing events of a payload as the owned decoder reads them, in the borrowed
/// decoder's terms.
fn owned_sheet_events(payload: &Payload) -> Vec<Shown> {
    let Payload::Events { events, .. } = payload else {
        return Vec::new();
    };
    let numbers = |sheet: &TallySheet| {
        Some((
            sheet.registered_total(),
            sheet.voted_total(),
            sheet.votes.clone(),
            sheet.valid,
            sheet.invalid,
            sheet.votes_by_type.clone(),
        ))
    };
    events
        .iter()
        .filter_map(|event| match event {
            Event::SheetSubmitted {
                station,
                contest,
                sheet,
            }
            | Event::SheetCorrected {
                station,
                contest,
                sheet,
                ..
            } => Some((station.clone(), contest.clone(), numbers(sheet), false)),
            Event::StationVoided {
                station, contest, ..
            } => Some((station.clone(), contest.clone(), None, true)),
            Event::RevoteRecorded {
                station, contest, ..
            } => Some((station.clone(), contest.clone(), None, false)),
            _ => None,
        })
        .collect()
}

/// What the borrowed decoder shows of `bytes`, in the same terms; `None` when it refuses.
fn borrowed_sheet_events(bytes: &[u8]) -> Option<(borrowed::PayloadKind, Vec<Shown>)> {
    let mut shown = Vec::new();
    let kind = borrowed::visit_sheet_events(bytes, |event| {
        let (numbers, void) = match event.change {
            borrowed::SheetChange::Sheet(n) => (
                Some((
                    n.registered,
                    n.voted,
                    n.votes.iter().collect(),
                    n.valid,
                    n.invalid,
                    n.votes_by_type.iter().collect(),
                )),
                false,
            ),
            borrowed::SheetChange::Void => (None, true),
            borrowed::SheetChange::Clear => (None, false),
        };
        shown.push((
            event.station.to_owned(),
            event.contest.to_owned(),
            numbers,
            void,
        ));
    })
    .ok()?;
    Some((kind, shown))
}

/// The borrowed decoder accepts exactly what the owned one accepts (a genesis only by its
/// kind: it is left to the owned decoder) and shows the same sheet-changing events.
fn assert_decoders_agree(bytes: &[u8]) -> Result<(), TestCaseError> {
    assert_one_event_decodes_as_the_whole(bytes)?;
    let owned = decode_payload(bytes);
    match (borrowed_sheet_events(bytes), owned) {
        (Some((borrowed::PayloadKind::Genesis, shown)), _) => prop_assert!(shown.is_empty()),
        (Some((kind, shown)), Ok(payload)) => {
            let expected_kind = match payload {
                Payload::Genesis(_) => borrowed::PayloadKind::Genesis,
                Payload::Events { .. } => borrowed::PayloadKind::Events,
                Payload::LogKeyRotated { .. } => borrowed::PayloadKind::LogKeyRotated,
            };
            prop_assert_eq!(kind, expected_kind);
            prop_assert_eq!(shown, owned_sheet_events(&payload));
        }
        (None, Err(_)) => {}
        (borrowed, owned) => prop_assert!(false, "borrowed {borrowed:?}, owned {owned:?}"),
    }
    Ok(())
}

/// `decode_event_at` gives each event the whole payload's decoding gives, nothing past the
/// last, and an error exactly when the whole payload does not decode.
fn assert_one_event_decodes_as_the_whole(bytes: &[u8]) -> Result<(), TestCaseError> {
    let events = match decode_payload(bytes) {
        Ok(Payload::Events { events, .. }) => events,
        Ok(_) => Vec::new(),
        Err(error) => {
            let alone = decode_event_at(bytes, 0);
            prop_assert_eq!(alone, Err(error));
            return Ok(());
        }
    };
    for index in 0..=events.len() {
        prop_assert_eq!(
            decode_event_at(bytes, index),
            Ok(events.get(index).cloned())
        );
    }
    Ok(())
}

/// Events beyond [`event`]'s: a sheet source, sheets by vote type and votes-only sheets.
fn more_events() -> impl Strategy<Value = Event> {
    prop_oneof![
        event().boxed(),
        (
            code(),
            contest(),
            any::<[u8; 32]>(),
            prop::collection::vec(".{0,6}", 0..3)
        )
            .prop_map(|(station, contest, document, photos)| Event::SheetSource {
                station,
                contest,
                document,
                photos
            }),
        (
            code(),
            contest(),
            tally(),
            prop::collection::vec(any::<u32>(), 0..7),
            any::<bool>()
        )
            .prop_map(|(station, contest, mut sheet, by_type, votes_only)| {
                sheet.votes_by_type = by_type;
                sheet.votes_only = votes_only;
                Event::SheetSubmitted {
                    station,
                    contest,
                    sheet,
                }
            }),
    ]
}

fn any_payload() -> impl Strategy<Value = Payload> {
    prop_oneof![
        4 => (any::<[u8; 32]>(), prop::collection::vec(more_events(), 0..6))
            .prop_map(|(definition_hash, events)| Payload::Events { definition_hash, events })
            .boxed(),
        1 => (any::<[u8; 32]>(), any::<[u8; 32]>())
            .prop_map(|(definition_hash, key)| Payload::LogKeyRotated { definition_hash, key })
            .boxed(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    #[test]
    fn the_borrowed_decoder_agrees_with_the_owned_one(p in any_payload()) {
        assert_decoders_agree(&encode_payload(&p))?;
    }

    #[test]
    fn the_borrowed_decoder_agrees_on_damaged_payloads(
        p in any_payload(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
        cut in any::<prop::sample::Index>(),
        extra in prop::collection::vec(any::<u8>(), 0..3),
    ) {
        let mut bytes = encode_payload(&p);
        let end = cut.index(bytes.len() + 1);
        assert_decoders_agree(&bytes[..end])?;
        let mut longer = bytes.clone();
        longer.extend(&extra);
        assert_decoders_agree(&longer)?;
        for (at, byte) in flips {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        assert_decoders_agree(&bytes)?;
    }

    #[test]
    fn the_borrowed_decoder_agrees_on_random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        assert_decoders_agree(&bytes)?;
    }
}

#[test]
fn the_borrowed_decoder_leaves_a_genesis_to_the_owned_one() {
    let bytes = encode_payload(&Payload::Genesis(rekap_model::Genesis::new(
        definition(),
        log_key(),
    )));
    let mut shown = 0;
    let kind = borrowed::visit_sheet_events(&bytes, |_| shown += 1);
    assert_eq!((kind, shown), (Ok(borrowed::PayloadKind::Genesis), 0));
}

/// `State::check` of sheets an import plans (the random events of
/// `check_answers_as_decide_does` rarely make one that passes every rule): allowed, out of
/// scope, already submitted, a broken hard rule, an unknown station.
#[test]
fn check_of_planned_sheets_answers_as_decide_does() {
    let mut world = World::new();
    let broken = {
        let mut broken = sheet(&[1, 2]);
        broken.valid += 1;
        broken
    };
    let rows = [
        (OPERATOR, submit("6472010001-001", GUBERNUR, sheet(&[1, 2]))),
        (
            OPERATOR_6471,
            submit("6472010001-002", GUBERNUR, sheet(&[1, 2])),
        ),
        (OPERATOR, submit("6472010001-001", GUBERNUR, sheet(&[3, 4]))),
        (OPERATOR, submit("6472010002-002", GUBERNUR, broken)),
        (OPERATOR, submit("6472010001-009", GUBERNUR, sheet(&[1, 2]))),
        (STRANGER, submit("6472010002-002", GUBERNUR, sheet(&[1, 2]))),
    ];
    let mut allowed = 0;
    for (author, event) in rows {
        let envelope = world.next_envelope(author);
        let decided = world.state.decide(&envelope, 0, &event, &world.check);
        allowed += usize::from(decided.is_ok());
        assert_eq!(
            world.state.check(&envelope, 0, &event, &world.check),
            decided.map(drop),
            "{event:?}"
        );
        let _ = world.one(author, event);
    }
    assert_eq!(allowed, 1, "one row of the six is allowed");
}
