//! Given/when/then for every event kind: what is accepted and what it changes.

mod common;

use common::*;
use rekap_model::*;

#[test]
fn genesis_registers_the_definitions_officers_and_binds_its_hash() {
    // Given the test definition, when it is the genesis signed by its registrar,
    let world = World::new();
    // then its initial officers are active with their scopes, and the hash is the definition's.
    let operator = world
        .state
        .officer(&pk(OPERATOR))
        .expect("registered at genesis");
    assert_eq!(operator.role, Role::Operator);
    assert_eq!(operator.scope, world.region("647201"));
    assert_eq!(operator.registered_at, EventId { seq: 1, index: 0 });
    assert_eq!(world.state.officers().count(), 11);
    assert_eq!(world.state.definition_hash(), definition().hash());
    assert_eq!(world.state.last_seq(), 1);
}

#[test]
fn registrar_registers_an_officer_who_can_then_act() {
    let mut world = World::new();
    // Given a new key, when the registrar registers it as an operator of village 6472020001,
    let effect = world.ok(REGISTRAR, register(20, Role::Operator, "6472020001"));
    assert_eq!(effect.change, Change::OfficerRegistered { key: pk(20) });
    // then it can submit that village's sheets.
    let effect = world.ok(20, submit("6472020001-002", GUBERNUR, sheet(&[60, 40])));
    assert!(matches!(
        effect.change,
        Change::SheetSet { replaced: None, .. }
    ));
    assert_eq!(
        world.current("6472020001-002", GUBERNUR),
        Some(sheet(&[60, 40]))
    );
}

#[test]
fn revoked_officer_can_do_nothing_afterwards_and_cannot_come_back() {
    let mut world = World::new();
    // Given an operator, when the registrar revokes it,
    let revoked = world.ok(
        REGISTRAR,
        Event::OfficerRevoked {
            key: pk(OPERATOR),
            reason: "key lost".into(),
        },
    );
    assert_eq!(revoked.change, Change::OfficerRevoked { key: pk(OPERATOR) });
    let at = world
        .state
        .officer(&pk(OPERATOR))
        .and_then(|o| o.revoked_at);
    assert_eq!(at, Some(revoked.id));
    // then its submissions are refused, naming the revocation,
    assert_eq!(
        world.one(OPERATOR, submit("6472010001-001", GUBERNUR, sheet(&[1, 2]))),
        Err(Refusal::AuthorRevoked {
            author: pk(OPERATOR),
            revoked_at: revoked.id.seq
        })
    );
    // and it cannot be registered again.
    assert_eq!(
        world.one(REGISTRAR, register(OPERATOR, Role::Operator, "647201")),
        Err(Refusal::KeyWasRevoked {
            key: pk(OPERATOR),
            revoked_at: revoked.id.seq
        })
    );
}

#[test]
fn operator_submits_a_sheet_that_then_counts() {
    let mut world = World::new();
    assert_eq!(
        world.status("6472010001-001", GUBERNUR),
        StationStatus::Awaiting
    );
    let effect = world.ok(
        OPERATOR,
        submit("6472010001-001", GUBERNUR, sheet(&[120, 80])),
    );
    let Change::SheetSet {
        station,
        contest,
        entry,
        replaced,
        flags,
    } = effect.change
    else {
        panic!("expected SheetSet, got {:?}", effect.change);
    };
    assert_eq!(station, world.station("6472010001-001"));
    assert_eq!(contest, world.contest(GUBERNUR));
    assert_eq!(replaced, None);
    assert_eq!(flags, vec![]);
    assert_eq!(
        world.status("6472010001-001", GUBERNUR),
        StationStatus::Counted(entry)
    );
    let e = world.state.entry(entry).expect("entry");
    assert_eq!(
        world.state.officer_by_index(e.author).map(|o| o.key),
        Some(pk(OPERATOR))
    );
    assert_eq!(e.kind, EntryKind::Submitted);
    assert_eq!(e.note, None);
    assert_eq!(e.id, effect.id);
    assert_eq!(
        e.recorded_at_ms,
        envelope(effect.id.seq, OPERATOR).recorded_at_ms
    );
    // The same station's other contest is untouched.
    assert_eq!(
        world.status("6472010001-001", WALIKOTA),
        StationStatus::Awaiting
    );
}

#[test]
fn official_corrects_a_sheet_and_the_earlier_version_stays_in_history() {
    let mut world = World::new();
    let first = world.ok(
        OPERATOR,
        submit("6472010001-002", GUBERNUR, sheet(&[100, 90])),
    );
    // When the district official corrects it with a reason,
    let effect = world.ok(
        OFFICIAL_DISTRICT,
        correct(
            "6472010001-002",
            GUBERNUR,
            sheet(&[100, 95]),
            "recount in plenary",
        ),
    );
    let Change::SheetSet {
        entry, replaced, ..
    } = effect.change
    else {
        panic!("expected SheetSet");
    };
    let Change::SheetSet {
        entry: first_entry, ..
    } = first.change
    else {
        panic!("expected SheetSet");
    };
    // then the correction counts, replacing the submission,
    assert_eq!(replaced, Some(first_entry));
    assert_eq!(
        world.current("6472010001-002", GUBERNUR),
        Some(sheet(&[100, 95]))
    );
    assert_eq!(world.state.correction(effect.id), Some(entry));
    // and the history holds both, oldest first.
    let history = world
        .state
        .history(world.station("6472010001-002"), world.contest(GUBERNUR));
    assert_eq!(history.len(), 2);
    assert_eq!(
        history[0].sheet.as_ref().map(|s| s.unpack()),
        Some(sheet(&[100, 90]))
    );
    assert_eq!(history[1].kind, EntryKind::Corrected);
    assert_eq!(
        history[1].note.as_deref(),
        Some(&EntryNote {
            reason: "recount in plenary".into(),
            answers: None
        })
    );
    // A regency or province official may correct too (district or above).
    world.ok(
        OFFICIAL_PROVINCE,
        correct(
            "6472010001-002",
            GUBERNUR,
            sheet(&[101, 95]),
            "province plenary",
        ),
    );
    assert_eq!(
        world.current("6472010001-002", GUBERNUR),
        Some(sheet(&[101, 95]))
    );
}

#[test]
fn revote_sets_the_sheet_aside_and_a_new_sheet_is_accepted() {
    let mut world = World::new();
    world.ok(
        OPERATOR,
        submit("6472010001-003", GUBERNUR, sheet(&[50, 50])),
    );
    let effect = world.ok(
        OFFICIAL_DISTRICT,
        Event::RevoteRecorded {
            station: "6472010001-003".into(),
            contest: GUBERNUR.into(),
            reason: "PSU: Bawaslu recommendation, UU 10/2016 art. 112".into(),
        },
    );
    let Change::SheetCleared { entry, removed, .. } = effect.change else {
        panic!("expected SheetCleared");
    };
    assert!(removed.is_some());
    assert_eq!(
        world.status("6472010001-003", GUBERNUR),
        StationStatus::RevotePending(entry)
    );
    assert_eq!(world.current("6472010001-003", GUBERNUR), None);
    // Then the re-vote's sheet is submitted as a new sheet.
    world.ok(
        OPERATOR,
        submit("6472010001-003", GUBERNUR, sheet(&[48, 55])),
    );
    assert_eq!(
        world.current("6472010001-003", GUBERNUR),
        Some(sheet(&[48, 55]))
    );
    let history = world
        .state
        .history(world.station("6472010001-003"), world.contest(GUBERNUR));
    assert_eq!(history.len(), 3);
}

#[test]
fn voided_station_counts_as_accounted_for_and_takes_no_sheet_until_a_revote() {
    let mut world = World::new();
    world.ok(
        OPERATOR,
        submit("6472010002-001", GUBERNUR, sheet(&[30, 20])),
    );
    // When the district official voids the station,
    let effect = world.ok(
        OFFICIAL_DISTRICT,
        Event::StationVoided {
            station: "6472010002-001".into(),
            contest: GUBERNUR.into(),
            reason: "ballot box destroyed; PKPU 25/2023".into(),
        },
    );
    let Change::SheetCleared { entry, removed, .. } = effect.change else {
        panic!("expected SheetCleared");
    };
    // then its sheet stops counting and it is voided,
    assert!(removed.is_some());
    assert_eq!(
        world.status("6472010002-001", GUBERNUR),
        StationStatus::Voided(entry)
    );
    assert_eq!(world.current("6472010002-001", GUBERNUR), None);
    // a new sheet is refused,
    assert_eq!(
        world.one(
            OPERATOR,
            submit("6472010002-001", GUBERNUR, sheet(&[30, 21]))
        ),
        Err(Refusal::StationIsVoided {
            station: "6472010002-001".into(),
            contest: GUBERNUR.into(),
            voided_at: effect.id.seq
        })
    );
    // until a re-vote is recorded.
    world.ok(
        OFFICIAL_DISTRICT,
        Event::RevoteRecorded {
            station: "6472010002-001".into(),
            contest: GUBERNUR.into(),
            reason: "PSU ordered".into(),
        },
    );
    world.ok(
        OPERATOR,
        submit("6472010002-001", GUBERNUR, sheet(&[30, 21])),
    );
    assert_eq!(
        world.current("6472010002-001", GUBERNUR),
        Some(sheet(&[30, 21]))
    );
    // A station with no sheet can be voided too (here for the mayor's race, by the regency).
    world.ok(
        OFFICIAL_REGENCY,
        Event::StationVoided {
            station: "6472020001-001".into(),
            contest: WALIKOTA.into(),
            reason: "no voting took place".into(),
        },
    );
    assert!(matches!(
        world.status("6472020001-001", WALIKOTA),
        StationStatus::Voided(_)
    ));
}

#[test]
fn witness_files_an_objection_and_an_official_accepts_it_pointing_at_the_correction() {
    let mut world = World::new();
    world.ok(
        OPERATOR,
        submit("6472010001-001", GUBERNUR, sheet(&[120, 80])),
    );
    // Given an objection by the pair-2 witness about the station,
    let filed = world.ok(
        WITNESS_G2,
        object(
            "6472010001-001",
            GUBERNUR,
            "pair 2 had 85 votes on the C.Hasil plano",
        ),
    );
    assert_eq!(filed.change, Change::ObjectionFiled { id: filed.id });
    let objection = world.state.objection(filed.id).expect("filed");
    assert_eq!(objection.status, ObjectionStatus::Open);
    assert_eq!(objection.author, pk(WITNESS_G2));
    assert_eq!(
        objection.place,
        Place::Station(world.station("6472010001-001"))
    );
    // when the official corrects, answering it, and resolves it as accepted,
    let correction = world.ok(
        OFFICIAL_DISTRICT,
        Event::SheetCorrected {
            station: "6472010001-001".into(),
            contest: GUBERNUR.into(),
            sheet: sheet(&[120, 85]),
            reason: "plano checked in plenary".into(),
            answers: Some(filed.id),
        },
    );
    let resolved = world.ok(
        OFFICIAL_DISTRICT,
        Event::ObjectionResolved {
            objection: filed.id,
            resolution: Resolution::Accepted {
                correction: correction.id,
            },
            reason: "the plano shows 85 for pair 2".into(),
        },
    );
    // then the objection is accepted, pointing at the correction.
    assert_eq!(resolved.change, Change::ObjectionResolved { id: filed.id });
    assert_eq!(
        world.state.objection(filed.id).map(|o| o.status.clone()),
        Some(ObjectionStatus::Accepted {
            correction: correction.id,
            resolved_by: resolved.id,
            reason: "the plano shows 85 for pair 2".into()
        })
    );
    assert_eq!(
        world
            .state
            .open_objections(world.region("64"), world.contest(GUBERNUR)),
        vec![]
    );
}

#[test]
fn official_rejects_an_objection_with_a_reason() {
    let mut world = World::new();
    let filed = world.ok(
        WITNESS_G1,
        object("647202", GUBERNUR, "district totals disputed"),
    );
    let resolved = world.ok(
        OFFICIAL_OTHER_DISTRICT,
        Event::ObjectionResolved {
            objection: filed.id,
            resolution: Resolution::Rejected,
            reason: "the plano matches the sheet".into(),
        },
    );
    assert_eq!(
        world.state.objection(filed.id).map(|o| o.status.clone()),
        Some(ObjectionStatus::Rejected {
            resolved_by: resolved.id,
            reason: "the plano matches the sheet".into()
        })
    );
}

#[test]
fn plenary_approval_records_signatures_refusals_and_open_objections() {
    let mut world = World::new();
    let open = world.ok(WITNESS_G2, object("6472010002", GUBERNUR, "count disputed"));
    // Given one witness who signs and one who refuses,
    let signature = witness_sign(&world.state, WITNESS_G1, "647201", GUBERNUR, DIGEST);
    let event = Event::PlenaryApproved {
        region: "647201".into(),
        contest: GUBERNUR.into(),
        digest: DIGEST,
        signatures: vec![signature],
        refusals: vec![WitnessRefusal {
            witness: pk(WITNESS_G2),
            reason: "objection 6472010002 unresolved".into(),
        }],
    };
    // when the district official approves with the projection's digest,
    let effect = world.ok(OFFICIAL_DISTRICT, event);
    let Change::PlenaryApproved { approval } = effect.change else {
        panic!("expected PlenaryApproved");
    };
    // then the approval is recorded with both and with the open objection.
    let a = world.state.approval(approval).expect("recorded");
    assert_eq!(a.region, world.region("647201"));
    assert_eq!(a.digest, DIGEST);
    assert_eq!(a.official, pk(OFFICIAL_DISTRICT));
    assert_eq!(a.signers, vec![pk(WITNESS_G1)]);
    assert_eq!(a.refusals.len(), 1);
    assert_eq!(a.open_objections, vec![open.id]);
    assert_eq!(
        world
            .state
            .latest_approval(world.region("647201"), world.contest(GUBERNUR))
            .map(|a| a.id),
        Some(effect.id)
    );
    // The regency and the province approve in turn (their officials, their levels).
    world.ok(OFFICIAL_REGENCY, approve("6472", GUBERNUR, vec![]));
    world.ok(OFFICIAL_PROVINCE, approve("64", GUBERNUR, vec![]));
    assert_eq!(world.state.approvals().len(), 3);
}

#[test]
fn a_payload_applies_all_or_none() {
    let mut world = World::new();
    let before = world.state.last_seq();
    // Given a payload whose second sheet breaks a hard rule,
    let mut bad = sheet(&[10, 10]);
    bad.valid = 21;
    let refused = world.run(
        OPERATOR,
        vec![
            submit("6472010001-001", GUBERNUR, sheet(&[10, 12])),
            submit("6472010001-002", GUBERNUR, bad),
        ],
    );
    // then the payload is refused at event 1,
    let refused = refused.expect_err("refused");
    assert_eq!(refused.index, Some(1));
    assert!(matches!(
        refused.refusal,
        Refusal::HardRule {
            violation: HardRuleViolation::PairVotesNotValid { sum: 20, valid: 21 },
            ..
        }
    ));
    // and nothing of it was applied: the first station still awaits its sheet.
    assert_eq!(
        world.status("6472010001-001", GUBERNUR),
        StationStatus::Awaiting
    );
    assert_eq!(world.state.last_seq(), before);
    assert!(world.state.entries().is_empty());
    assert_eq!(
        world.state.same_sheet_count(
            world.contest(GUBERNUR),
            sheet(&[10, 12]).numbers_fingerprint()
        ),
        0
    );
    // A registrar payload registering two officers, the second invalid, registers neither.
    let refused = world
        .run(
            REGISTRAR,
            vec![
                register(30, Role::Operator, "64"),
                register(31, Role::Operator, "99"),
            ],
        )
        .expect_err("refused");
    assert_eq!(
        refused.refusal,
        Refusal::UnknownRegion { code: "99".into() }
    );
    assert!(world.state.officer(&pk(30)).is_none());
}

#[test]
fn later_events_of_a_payload_see_the_earlier_ones() {
    let mut world = World::new();
    // One operator payload of many sheets; one registrar payload registering then revoking.
    let effects = world
        .run(
            OPERATOR,
            vec![
                submit("6472010001-001", GUBERNUR, sheet(&[10, 12])),
                submit("6472010001-002", GUBERNUR, sheet(&[11, 12])),
                submit("6472010002-001", GUBERNUR, sheet(&[12, 12])),
            ],
        )
        .expect("accepted");
    assert_eq!(effects.len(), 3);
    assert_eq!(effects[2].id, EventId { seq: 2, index: 2 });
    let effects = world
        .run(
            REGISTRAR,
            vec![
                register(30, Role::Operator, "64"),
                Event::OfficerRevoked {
                    key: pk(30),
                    reason: "registered in error".into(),
                },
            ],
        )
        .expect("accepted");
    assert_eq!(effects[1].change, Change::OfficerRevoked { key: pk(30) });
    // A second submission of the same station within one payload is refused.
    let refused = world
        .run(
            OPERATOR,
            vec![
                submit("6472010002-002", GUBERNUR, sheet(&[10, 12])),
                submit("6472010002-002", GUBERNUR, sheet(&[10, 13])),
            ],
        )
        .expect_err("refused");
    assert_eq!(refused.index, Some(1));
    assert!(matches!(
        refused.refusal,
        Refusal::SheetAlreadySubmitted { .. }
    ));
}

#[test]
fn transaction_lets_the_projection_see_each_event_and_rolls_back_on_drop() {
    let mut world = World::new();
    let hash = world.state.definition_hash();
    let env = world.next_envelope(OPERATOR);
    {
        let mut tx = world.state.begin(env, &hash).expect("begins");
        tx.execute(
            &submit("6472010001-001", GUBERNUR, sheet(&[10, 12])),
            &world.check,
        )
        .expect("accepted");
        let s = tx
            .state()
            .election()
            .find_station("6472010001-001")
            .expect("station");
        let c = tx
            .state()
            .election()
            .contest_by_id(GUBERNUR)
            .expect("contest");
        assert!(tx.state().current_sheet(s, c).is_some());
        // dropped without commit
    }
    assert_eq!(
        world.status("6472010001-001", GUBERNUR),
        StationStatus::Awaiting
    );
    assert_eq!(world.state.last_seq(), 1);
    let mut tx = world.state.begin(env, &hash).expect("begins");
    tx.execute(
        &submit("6472010001-001", GUBERNUR, sheet(&[10, 12])),
        &FixedDigest(DIGEST),
    )
    .expect("accepted");
    tx.commit();
    assert!(matches!(
        world.status("6472010001-001", GUBERNUR),
        StationStatus::Counted(_)
    ));
    assert_eq!(world.state.last_seq(), 2);
}

#[test]
fn decide_is_pure_and_replay_reaches_the_same_state() {
    // The same log replayed twice gives the same effects and the same verdicts.
    let log: Vec<(u8, Vec<Event>)> = vec![
        (
            OPERATOR,
            vec![submit("6472010001-001", GUBERNUR, sheet(&[10, 12]))],
        ),
        (
            OPERATOR,
            vec![submit("6472010001-001", GUBERNUR, sheet(&[10, 13]))],
        ), // refused
        (
            OFFICIAL_DISTRICT,
            vec![correct(
                "6472010001-001",
                GUBERNUR,
                sheet(&[10, 14]),
                "recount",
            )],
        ),
        (WITNESS_G1, vec![object("6472", GUBERNUR, "disputed")]),
        (OFFICIAL_DISTRICT, vec![approve("647201", GUBERNUR, vec![])]),
    ];
    let replay = || {
        let mut world = World::new();
        let verdicts: Vec<String> = log
            .iter()
            .map(|(author, events)| format!("{:?}", world.run(*author, events.clone())))
            .collect();
        (
            verdicts,
            format!("{:?}", world.state.entries()),
            world.state.last_seq(),
        )
    };
    let first = replay();
    assert_eq!(first, replay());
    assert!(first.0[1].contains("SheetAlreadySubmitted"));
    assert_eq!(first.2, 5);
    // decide does not change the state.
    let world = World::new();
    let env = world.next_envelope(OPERATOR);
    let decision = world
        .state
        .decide(
            &env,
            0,
            &submit("6472010001-001", GUBERNUR, sheet(&[10, 12])),
            &world.check,
        )
        .expect("allowed");
    assert_eq!(decision.flags(), &[]);
    assert_eq!(
        world.status("6472010001-001", GUBERNUR),
        StationStatus::Awaiting
    );
}
