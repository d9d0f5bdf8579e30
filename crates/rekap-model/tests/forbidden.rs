//! Forbidden acts: each refused with its own specific error, and the state unchanged.

mod common;

use common::*;
use rekap_model::*;

/// Runs `event` by `author` and asserts it is refused with exactly `expected`, changing
/// nothing.
fn refused(world: &mut World, author: u8, event: Event, expected: Refusal) {
    let entries = world.state.entries().len();
    let approvals = world.state.approvals().len();
    let seq = world.state.last_seq();
    assert_eq!(world.one(author, event), Err(expected));
    assert_eq!(world.state.entries().len(), entries);
    assert_eq!(world.state.approvals().len(), approvals);
    assert_eq!(world.state.last_seq(), seq);
}

fn with_sheet(station: &str) -> World {
    let mut world = World::new();
    world.ok(OPERATOR, submit(station, GUBERNUR, sheet(&[100, 90])));
    world
}

#[test]
fn f01_operator_submitting_outside_its_scope() {
    let mut w = World::new();
    refused(
        &mut w,
        OPERATOR,
        submit("6471010001-001", GUBERNUR, sheet(&[1, 2])),
        Refusal::OutOfScope {
            scope: "647201".into(),
            target: "6471010001-001".into(),
        },
    );
}

#[test]
fn f02_revoked_key_acting() {
    let mut w = World::new();
    w.ok(
        REGISTRAR,
        Event::OfficerRevoked {
            key: pk(OFFICIAL_DISTRICT),
            reason: "left the committee".into(),
        },
    );
    let at = w.state.last_seq();
    refused(
        &mut w,
        OFFICIAL_DISTRICT,
        approve("647201", GUBERNUR, vec![]),
        Refusal::AuthorRevoked {
            author: pk(OFFICIAL_DISTRICT),
            revoked_at: at,
        },
    );
}

#[test]
fn f03_operator_approving_a_plenary() {
    let mut w = World::new();
    refused(
        &mut w,
        OPERATOR,
        approve("647201", GUBERNUR, vec![]),
        Refusal::RoleNotPermitted {
            act: Act::ApprovePlenary,
            role: RoleKind::Operator,
        },
    );
}

#[test]
fn f04_witness_correcting_a_sheet() {
    let mut w = with_sheet("6472010001-001");
    refused(
        &mut w,
        WITNESS_G1,
        correct("6472010001-001", GUBERNUR, sheet(&[100, 91]), "my count"),
        Refusal::RoleNotPermitted {
            act: Act::CorrectSheet,
            role: RoleKind::Witness,
        },
    );
}

#[test]
fn f05_approval_at_a_level_without_plenaries() {
    let mut w = World::new();
    refused(
        &mut w,
        OFFICIAL_VILLAGE,
        approve("6472010001", GUBERNUR, vec![]),
        Refusal::LevelHoldsNoPlenary {
            region: "6472010001".into(),
            level: "village".into(),
        },
    );
}

#[test]
fn f06_approval_of_a_contest_outside_its_scope() {
    // The Samarinda mayor's race is not voted in Balikpapan's district.
    let mut w = World::new();
    w.ok(REGISTRAR, register(40, Role::Official, "647101"));
    refused(
        &mut w,
        40,
        approve("647101", WALIKOTA, vec![]),
        Refusal::NotInContest {
            place: "647101".into(),
            contest: WALIKOTA.into(),
        },
    );
}

#[test]
fn f07_second_submission_without_a_correction() {
    let mut w = with_sheet("6472010001-001");
    let since = w.state.last_seq();
    refused(
        &mut w,
        OPERATOR,
        submit("6472010001-001", GUBERNUR, sheet(&[100, 91])),
        Refusal::SheetAlreadySubmitted {
            station: "6472010001-001".into(),
            contest: GUBERNUR.into(),
            since_seq: since,
        },
    );
}

#[test]
fn f08_correction_without_a_reason() {
    let mut w = with_sheet("6472010001-001");
    refused(
        &mut w,
        OFFICIAL_DISTRICT,
        correct("6472010001-001", GUBERNUR, sheet(&[100, 91]), "  "),
        Refusal::MissingReason {
            field: "correction reason",
        },
    );
}

#[test]
fn f09_unknown_station() {
    let mut w = World::new();
    for code in [
        "6472010001-004",
        "6472010001-1",
        "6472010001-0001",
        "6472010001-000",
        "6472019999-001",
    ] {
        refused(
            &mut w,
            OPERATOR,
            submit(code, GUBERNUR, sheet(&[1, 2])),
            Refusal::UnknownStation { code: code.into() },
        );
    }
}

#[test]
fn f10_definition_hash_mismatch() {
    let mut w = World::new();
    let env = w.next_envelope(OPERATOR);
    let payload = Payload::Events {
        definition_hash: [9; 32],
        events: vec![submit("6472010001-001", GUBERNUR, sheet(&[1, 2]))],
    };
    let expected = w.state.definition_hash();
    assert_eq!(
        w.state.execute_payload(&env, &payload, &w.check),
        Err(PayloadRefusal {
            index: None,
            refusal: Refusal::DefinitionHashMismatch {
                expected,
                found: [9; 32]
            }
        })
    );
    assert_eq!(w.state.last_seq(), 1);
}

#[test]
fn f11_unregistered_author() {
    let mut w = World::new();
    refused(
        &mut w,
        STRANGER,
        submit("6472010001-001", GUBERNUR, sheet(&[1, 2])),
        Refusal::UnknownAuthor {
            author: pk(STRANGER),
        },
    );
}

#[test]
fn f12_non_registrar_registering() {
    let mut w = World::new();
    refused(
        &mut w,
        OFFICIAL_PROVINCE,
        register(40, Role::Operator, "64"),
        Refusal::NotRegistrar {
            act: Act::RegisterOfficer,
            author: pk(OFFICIAL_PROVINCE),
        },
    );
}

#[test]
fn f13_village_official_correcting() {
    let mut w = with_sheet("6472010001-001");
    refused(
        &mut w,
        OFFICIAL_VILLAGE,
        correct("6472010001-001", GUBERNUR, sheet(&[100, 91]), "recount"),
        Refusal::OfficialScopeTooLow {
            scope: "6472010001".into(),
            level: "village".into(),
            lowest: "district".into(),
        },
    );
}

#[test]
fn f14_district_official_approving_its_regency() {
    let mut w = World::new();
    refused(
        &mut w,
        OFFICIAL_DISTRICT,
        approve("6472", GUBERNUR, vec![]),
        Refusal::NotOfficialOfRegion {
            scope: "647201".into(),
            region: "6472".into(),
        },
    );
}

#[test]
fn f15_witness_objecting_about_another_contest() {
    let mut w = World::new();
    refused(
        &mut w,
        WITNESS_W1,
        object("647201", GUBERNUR, "disputed"),
        Refusal::WitnessOfOtherContest {
            witness_contest: WALIKOTA.into(),
            contest: GUBERNUR.into(),
        },
    );
}

#[test]
fn f16_witness_signature_over_another_digest() {
    let mut w = World::new();
    let wrong = witness_sign(&w.state, WITNESS_G1, "647201", GUBERNUR, [8; 32]);
    refused(
        &mut w,
        OFFICIAL_DISTRICT,
        approve("647201", GUBERNUR, vec![wrong]),
        Refusal::BadWitnessSignature {
            key: pk(WITNESS_G1),
        },
    );
}

#[test]
fn f17_witness_listed_twice() {
    let mut w = World::new();
    let s = witness_sign(&w.state, WITNESS_G1, "647201", GUBERNUR, DIGEST);
    refused(
        &mut w,
        OFFICIAL_DISTRICT,
        approve("647201", GUBERNUR, vec![s.clone(), s]),
        Refusal::DuplicateWitness {
            key: pk(WITNESS_G1),
        },
    );
}

#[test]
fn f18_registrar_submitting_a_sheet() {
    let mut w = World::new();
    refused(
        &mut w,
        REGISTRAR,
        submit("6472010001-001", GUBERNUR, sheet(&[1, 2])),
        Refusal::RoleNotPermitted {
            act: Act::SubmitSheet,
            role: RoleKind::Registrar,
        },
    );
}

#[test]
fn f19_auditor_filing_an_objection() {
    let mut w = World::new();
    refused(
        &mut w,
        AUDITOR,
        object("64", GUBERNUR, "audit finding"),
        Refusal::RoleNotPermitted {
            act: Act::FileObjection,
            role: RoleKind::Auditor,
        },
    );
}

#[test]
fn f20_unknown_contest() {
    let mut w = World::new();
    refused(
        &mut w,
        OPERATOR,
        submit("6472010001-001", "bupati-6402", sheet(&[1, 2])),
        Refusal::UnknownContest {
            id: "bupati-6402".into(),
        },
    );
}

#[test]
fn f21_correcting_a_station_without_a_sheet() {
    let mut w = World::new();
    refused(
        &mut w,
        OFFICIAL_DISTRICT,
        correct("6472010001-001", GUBERNUR, sheet(&[1, 2]), "recount"),
        Refusal::NoSheetToCorrect {
            station: "6472010001-001".into(),
            contest: GUBERNUR.into(),
        },
    );
}

#[test]
fn f22_resolving_a_resolved_objection() {
    let mut w = World::new();
    let filed = w.ok(WITNESS_G2, object("647201", GUBERNUR, "disputed"));
    let reject = Event::ObjectionResolved {
        objection: filed.id,
        resolution: Resolution::Rejected,
        reason: "no evidence".into(),
    };
    let first = w.ok(OFFICIAL_DISTRICT, reject.clone());
    refused(
        &mut w,
        OFFICIAL_DISTRICT,
        reject,
        Refusal::ObjectionNotOpen {
            id: filed.id,
            resolved_at: first.id.seq,
        },
    );
}

#[test]
fn f23_registrar_key_given_a_role() {
    let mut w = World::new();
    refused(
        &mut w,
        REGISTRAR,
        register(REGISTRAR, Role::Official, "64"),
        Refusal::RegistrarCannotHoldRole,
    );
}

#[test]
fn f24_registering_a_key_twice() {
    let mut w = World::new();
    refused(
        &mut w,
        REGISTRAR,
        register(OPERATOR, Role::Official, "64"),
        Refusal::AlreadyRegistered { key: pk(OPERATOR) },
    );
}

#[test]
fn f25_witness_for_a_pair_the_contest_does_not_have() {
    let mut w = World::new();
    refused(
        &mut w,
        REGISTRAR,
        register(
            40,
            Role::Witness {
                contest: GUBERNUR.into(),
                pair: 3,
            },
            "64",
        ),
        Refusal::UnknownPair {
            contest: GUBERNUR.into(),
            pair: 3,
        },
    );
}

#[test]
fn f26_sheet_for_a_contest_the_station_does_not_vote_in() {
    let mut w = World::new();
    refused(
        &mut w,
        OPERATOR_6471,
        submit("6471010001-001", WALIKOTA, sheet(&[1, 2, 3])),
        Refusal::NotInContest {
            place: "6471010001-001".into(),
            contest: WALIKOTA.into(),
        },
    );
}

#[test]
fn f27_approval_with_a_digest_the_projection_does_not_compute() {
    let mut w = World::new();
    let mut event = approve("647201", GUBERNUR, vec![]);
    if let Event::PlenaryApproved { digest, .. } = &mut event {
        *digest = [1; 32];
    }
    refused(
        &mut w,
        OFFICIAL_DISTRICT,
        event,
        Refusal::ApprovalCheck(ApprovalCheckFailure::DigestMismatch {
            claimed: [1; 32],
            computed: DIGEST,
        }),
    );
}

#[test]
fn f28_correction_that_changes_nothing() {
    let mut w = with_sheet("6472010001-001");
    refused(
        &mut w,
        OFFICIAL_DISTRICT,
        correct("6472010001-001", GUBERNUR, sheet(&[100, 90]), "recount"),
        Refusal::CorrectionChangesNothing {
            station: "6472010001-001".into(),
            contest: GUBERNUR.into(),
        },
    );
}

#[test]
fn f29_second_revote_before_the_first_is_counted() {
    let mut w = with_sheet("6472010001-001");
    let revote = Event::RevoteRecorded {
        station: "6472010001-001".into(),
        contest: GUBERNUR.into(),
        reason: "PSU".into(),
    };
    let first = w.ok(OFFICIAL_DISTRICT, revote.clone());
    refused(
        &mut w,
        OFFICIAL_DISTRICT,
        revote,
        Refusal::RevoteAlreadyPending {
            station: "6472010001-001".into(),
            contest: GUBERNUR.into(),
            since_seq: first.id.seq,
        },
    );
}

#[test]
fn f30_voiding_twice() {
    let mut w = World::new();
    let void = Event::StationVoided {
        station: "6472010001-001".into(),
        contest: GUBERNUR.into(),
        reason: "riot".into(),
    };
    let first = w.ok(OFFICIAL_DISTRICT, void.clone());
    refused(
        &mut w,
        OFFICIAL_DISTRICT,
        void,
        Refusal::StationIsVoided {
            station: "6472010001-001".into(),
            contest: GUBERNUR.into(),
            voided_at: first.id.seq,
        },
    );
}

#[test]
fn f31_an_operator_signing_as_a_witness() {
    let mut w = World::new();
    let s = witness_sign(&w.state, OPERATOR, "647201", GUBERNUR, DIGEST);
    refused(
        &mut w,
        OFFICIAL_DISTRICT,
        approve("647201", GUBERNUR, vec![s]),
        Refusal::NotAWitness { key: pk(OPERATOR) },
    );
}

#[test]
fn f32_witness_refusal_without_a_reason() {
    let mut w = World::new();
    let mut event = approve("647201", GUBERNUR, vec![]);
    if let Event::PlenaryApproved { refusals, .. } = &mut event {
        refusals.push(WitnessRefusal {
            witness: pk(WITNESS_G2),
            reason: String::new(),
        });
    }
    refused(
        &mut w,
        OFFICIAL_DISTRICT,
        event,
        Refusal::MissingReason {
            field: "refusal reason",
        },
    );
}

#[test]
fn f33_objection_about_an_unknown_place() {
    let mut w = World::new();
    refused(
        &mut w,
        WITNESS_G1,
        object("6499", GUBERNUR, "?"),
        Refusal::UnknownPlace {
            code: "6499".into(),
        },
    );
}

#[test]
fn f34_acceptance_pointing_at_no_correction() {
    let mut w = World::new();
    let filed = w.ok(WITNESS_G2, object("647201", GUBERNUR, "disputed"));
    let bogus = EventId { seq: 99, index: 0 };
    refused(
        &mut w,
        OFFICIAL_DISTRICT,
        Event::ObjectionResolved {
            objection: filed.id,
            resolution: Resolution::Accepted { correction: bogus },
            reason: "corrected".into(),
        },
        Refusal::UnknownCorrection { id: bogus },
    );
}

#[test]
fn f35_correction_answering_an_objection_about_another_place() {
    let mut w = with_sheet("6472010001-001");
    let filed = w.ok(WITNESS_G2, object("6472010002", GUBERNUR, "disputed"));
    refused(
        &mut w,
        OFFICIAL_DISTRICT,
        Event::SheetCorrected {
            station: "6472010001-001".into(),
            contest: GUBERNUR.into(),
            sheet: sheet(&[100, 91]),
            reason: "recount".into(),
            answers: Some(filed.id),
        },
        Refusal::OutsideObjection {
            id: filed.id,
            station: "6472010001-001".into(),
            place: "6472010002".into(),
        },
    );
}

#[test]
fn f36_a_second_genesis() {
    let mut w = World::new();
    let env = w.next_envelope(REGISTRAR);
    assert_eq!(
        w.state.execute_payload(
            &env,
            &Payload::Genesis(rekap_model::Genesis::new(definition(), log_key())),
            &w.check
        ),
        Err(PayloadRefusal {
            index: None,
            refusal: Refusal::GenesisAlreadyApplied
        })
    );
}

#[test]
fn f37_genesis_not_signed_by_the_registrar_or_not_first() {
    let payload = Payload::Genesis(rekap_model::Genesis::new(definition(), log_key()));
    assert_eq!(
        State::genesis(&envelope(1, OPERATOR), &payload).map(|_| ()),
        Err(Refusal::GenesisNotByRegistrar {
            author: pk(OPERATOR),
            registrar: pk(REGISTRAR)
        })
    );
    assert_eq!(
        State::genesis(&envelope(2, REGISTRAR), &payload).map(|_| ()),
        Err(Refusal::GenesisNotFirst { seq: 2 })
    );
    let events = Payload::Events {
        definition_hash: definition().hash(),
        events: vec![],
    };
    assert_eq!(
        State::genesis(&envelope(1, REGISTRAR), &events).map(|_| ()),
        Err(Refusal::NoGenesis)
    );
}

#[test]
fn f38_a_record_not_after_the_last() {
    let mut w = World::new();
    let hash = w.state.definition_hash();
    let payload = Payload::Events {
        definition_hash: hash,
        events: vec![submit("6472010001-001", GUBERNUR, sheet(&[1, 2]))],
    };
    assert_eq!(
        w.state
            .execute_payload(&envelope(1, OPERATOR), &payload, &w.check)
            .map_err(|r| r.refusal),
        Err(Refusal::SeqNotIncreasing { seq: 1, last: 1 })
    );
}

#[test]
fn f39_reason_over_its_limit() {
    let mut w = with_sheet("6472010001-001");
    let long = "x".repeat(limits::MAX_REASON_BYTES + 1);
    refused(
        &mut w,
        OFFICIAL_DISTRICT,
        correct("6472010001-001", GUBERNUR, sheet(&[100, 91]), &long),
        Refusal::Limit(LimitError::TooLong {
            field: "reason",
            bytes: limits::MAX_REASON_BYTES as u64 + 1,
            limit: limits::MAX_REASON_BYTES as u64,
        }),
    );
}

#[test]
fn f40_an_empty_payload() {
    let mut w = World::new();
    assert_eq!(
        w.run(OPERATOR, vec![]),
        Err(PayloadRefusal {
            index: None,
            refusal: Refusal::EmptyPayload
        })
    );
}

#[test]
fn f41_registering_something_that_is_not_a_public_key() {
    let mut w = World::new();
    let mut key = [0u8; 32];
    key[0] = 2; // y = 2 is not on the curve
    refused(
        &mut w,
        REGISTRAR,
        Event::OfficerRegistered {
            key,
            role: Role::Operator,
            scope: "64".into(),
        },
        Refusal::InvalidPublicKey { key },
    );
}

#[test]
fn f42_witness_outside_the_region_signing() {
    // The pair-2 witness's scope is district 647201; it cannot sign the regency's approval.
    let mut w = World::new();
    let s = witness_sign(&w.state, WITNESS_G2, "6472", GUBERNUR, DIGEST);
    refused(
        &mut w,
        OFFICIAL_REGENCY,
        approve("6472", GUBERNUR, vec![s]),
        Refusal::WitnessOutOfScope {
            key: pk(WITNESS_G2),
            scope: "647201".into(),
            region: "6472".into(),
        },
    );
}

#[test]
fn f43_revoked_witness_signing() {
    let mut w = World::new();
    let revoked = w.ok(
        REGISTRAR,
        Event::OfficerRevoked {
            key: pk(WITNESS_G1),
            reason: "replaced by the campaign".into(),
        },
    );
    let s = witness_sign(&w.state, WITNESS_G1, "647201", GUBERNUR, DIGEST);
    refused(
        &mut w,
        OFFICIAL_DISTRICT,
        approve("647201", GUBERNUR, vec![s]),
        Refusal::WitnessRevoked {
            key: pk(WITNESS_G1),
            revoked_at: revoked.id.seq,
        },
    );
}

#[test]
fn f44_witness_objecting_outside_its_scope() {
    let mut w = World::new();
    refused(
        &mut w,
        WITNESS_G2,
        object("647202", GUBERNUR, "disputed"),
        Refusal::OutOfScope {
            scope: "647201".into(),
            target: "647202".into(),
        },
    );
}

#[test]
fn f45_acceptance_pointing_at_a_correction_older_than_the_objection() {
    let mut w = with_sheet("6472010001-001");
    let correction = w.ok(
        OFFICIAL_DISTRICT,
        correct("6472010001-001", GUBERNUR, sheet(&[100, 91]), "recount"),
    );
    let filed = w.ok(WITNESS_G2, object("6472010001-001", GUBERNUR, "disputed"));
    refused(
        &mut w,
        OFFICIAL_DISTRICT,
        Event::ObjectionResolved {
            objection: filed.id,
            resolution: Resolution::Accepted {
                correction: correction.id,
            },
            reason: String::new(),
        },
        Refusal::CorrectionPredatesObjection {
            objection: filed.id,
            correction: correction.id,
        },
    );
}

#[test]
fn f46_revocation_of_an_unknown_key() {
    let mut w = World::new();
    refused(
        &mut w,
        REGISTRAR,
        Event::OfficerRevoked {
            key: pk(STRANGER),
            reason: "?".into(),
        },
        Refusal::UnknownOfficer { key: pk(STRANGER) },
    );
}

#[test]
fn f47_a_sheet_breaking_a_hard_rule() {
    let mut w = World::new();
    let mut bad = sheet(&[100, 90]);
    bad.invalid = Some(5);
    refused(
        &mut w,
        OPERATOR,
        submit("6472010001-001", GUBERNUR, bad),
        Refusal::HardRule {
            station: "6472010001-001".into(),
            contest: GUBERNUR.into(),
            violation: HardRuleViolation::CastNotBallotsUsed {
                valid: 190,
                invalid: 5,
                used: 192,
            },
        },
    );
}
