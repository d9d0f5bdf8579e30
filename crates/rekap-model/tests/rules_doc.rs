//! docs/RULES.md and the model agree: every rule written down there is provoked by a case
//! here, every case's refusal names a rule written down there, and every refusal's message
//! starts with its rule. (`Refusal::rule` is an exhaustive match, so a new refusal variant
//! does not compile until it names a rule; a new rule then fails this test until RULES.md
//! lists it and a case below provokes it.)

mod common;

use std::collections::BTreeSet;

use common::*;
use rekap_model::*;

const RULES_MD: &str = include_str!("../../../docs/RULES.md");

/// The hard rules listed in RULES.md: headings `### R<n>. ...`.
fn rules_in_doc() -> BTreeSet<String> {
    RULES_MD
        .lines()
        .filter_map(|line| line.strip_prefix("### R"))
        .filter_map(|rest| rest.split_once('.'))
        .filter(|(number, _)| !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()))
        .map(|(number, _)| format!("R{number}"))
        .collect()
}

fn refusal(world: &mut World, author: u8, event: Event) -> Refusal {
    world
        .one(author, event)
        .expect_err("the case must be refused")
}

fn with_sheet(station: &str) -> World {
    let mut world = World::new();
    world.ok(OPERATOR, submit(station, GUBERNUR, sheet(&[100, 90])));
    world
}

fn revoke(key: u8) -> Event {
    Event::OfficerRevoked {
        key: pk(key),
        reason: "key lost".into(),
    }
}

fn station_act(void: bool, station: &str, reason: &str) -> Event {
    let (station, contest, reason) = (station.into(), GUBERNUR.into(), reason.into());
    if void {
        Event::StationVoided {
            station,
            contest,
            reason,
        }
    } else {
        Event::RevoteRecorded {
            station,
            contest,
            reason,
        }
    }
}

fn resolve(objection: EventId, resolution: Resolution, reason: &str) -> Event {
    Event::ObjectionResolved {
        objection,
        resolution,
        reason: reason.into(),
    }
}

fn answering(mut event: Event, objection: EventId) -> Event {
    if let Event::SheetCorrected { answers, .. } = &mut event {
        *answers = Some(objection);
    }
    event
}

/// An approval check that gives one verdict, standing in for the projection (whose own
/// tests, crates/rekap-projection/tests/it/approvals.rs, provoke R59 to R61 for real).
struct Verdict(ApprovalCheckFailure);

impl ApprovalCheck for Verdict {
    fn check_approval(
        &self,
        _: &State,
        _: RegionIdx,
        _: ContestIdx,
        _: &[u8; 32],
    ) -> Result<(), ApprovalCheckFailure> {
        Err(self.0.clone())
    }
}

fn approval_verdict(failure: ApprovalCheckFailure) -> Refusal {
    let mut w = World::new();
    let env = w.next_envelope(OFFICIAL_DISTRICT);
    let payload = Payload::Events {
        definition_hash: w.state.definition_hash(),
        events: vec![approve("647201", GUBERNUR, vec![])],
    };
    w.state
        .execute_payload(&env, &payload, &Verdict(failure))
        .expect_err("refused")
        .refusal
}

fn events_payload(world: &World, events: Vec<Event>) -> Payload {
    Payload::Events {
        definition_hash: world.state.definition_hash(),
        events,
    }
}

fn genesis_refusal(seq: u64, author: u8, definition: ElectionDefinition) -> Refusal {
    State::genesis(
        &envelope(seq, author),
        &Payload::Genesis(rekap_model::Genesis::new(definition, log_key())),
    )
    .map(|_| ())
    .expect_err("genesis refused")
}

fn bad_sheet(change: fn(&mut TallySheet)) -> Refusal {
    let mut w = World::new();
    let mut numbers = sheet(&[100, 90]);
    change(&mut numbers);
    refusal(
        &mut w,
        OPERATOR,
        submit("6472010001-001", GUBERNUR, numbers),
    )
}

/// One case per rule and per refusal variant: the rule it claims, and what it provokes.
fn cases() -> Vec<(&'static str, Refusal)> {
    let mut cases = Vec::new();
    let mut case = |rule: &'static str, refusal: Refusal| cases.push((rule, refusal));

    // Records and payloads.
    let w = World::new();
    let no_events = events_payload(&w, vec![]);
    case(
        "R1",
        State::genesis(&envelope(1, REGISTRAR), &no_events)
            .map(|_| ())
            .expect_err("not a genesis"),
    );
    case("R3", genesis_refusal(2, REGISTRAR, definition()));
    case("R4", genesis_refusal(1, OPERATOR, definition()));
    let mut bad = definition();
    bad.format_version = 1;
    case("R5", genesis_refusal(1, REGISTRAR, bad));
    let mut w = World::new();
    let env = w.next_envelope(REGISTRAR);
    let again = Payload::Genesis(rekap_model::Genesis::new(definition(), log_key()));
    let refused = w.state.execute_payload(&env, &again, &w.check);
    case("R6", refused.expect_err("second genesis").refusal);
    let mut w = World::new();
    case("R7", w.run(OPERATOR, vec![]).expect_err("empty").refusal);
    let long = Event::OfficerRevoked {
        key: pk(OPERATOR),
        reason: "x".repeat(2_001),
    };
    case("R8", refusal(&mut w, REGISTRAR, long));
    let mut payload = events_payload(&w, vec![revoke(OPERATOR)]);
    if let Payload::Events {
        definition_hash, ..
    } = &mut payload
    {
        *definition_hash = [0; 32];
    }
    let env = w.next_envelope(REGISTRAR);
    let refused = w.state.execute_payload(&env, &payload, &w.check);
    case("R9", refused.expect_err("other definition").refusal);
    let payload = events_payload(&w, vec![revoke(OPERATOR)]);
    let refused = w
        .state
        .execute_payload(&envelope(1, REGISTRAR), &payload, &w.check);
    case("R10", refused.expect_err("seq 1 again").refusal);

    // Authority.
    let mut w = World::new();
    let sheet_event = || submit("6472010001-001", GUBERNUR, sheet(&[100, 90]));
    case("R11", refusal(&mut w, STRANGER, sheet_event()));
    w.ok(REGISTRAR, revoke(OPERATOR));
    case("R12", refusal(&mut w, OPERATOR, sheet_event()));
    case(
        "R13",
        refusal(
            &mut w,
            OPERATOR_6471,
            register(STRANGER, Role::Operator, "64"),
        ),
    );
    case("R14", refusal(&mut w, AUDITOR, sheet_event()));
    case("R14", refusal(&mut w, REGISTRAR, sheet_event()));
    case(
        "R15",
        refusal(&mut w, REGISTRAR, register(REGISTRAR, Role::Operator, "64")),
    );
    let mut not_a_point = [0u8; 32];
    not_a_point[0] = 2;
    let mut identity = [0u8; 32];
    identity[0] = 1;
    for key in [not_a_point, identity] {
        let event = Event::OfficerRegistered {
            key,
            role: Role::Operator,
            scope: "64".into(),
        };
        case("R16", refusal(&mut w, REGISTRAR, event));
    }
    case(
        "R17",
        refusal(&mut w, REGISTRAR, register(OPERATOR, Role::Operator, "64")),
    );
    case(
        "R18",
        refusal(&mut w, REGISTRAR, register(AUDITOR, Role::Operator, "64")),
    );
    case("R19", refusal(&mut w, REGISTRAR, revoke(STRANGER)));
    case("R20", refusal(&mut w, REGISTRAR, revoke(OPERATOR)));

    // References.
    let mut w = World::new();
    case(
        "R21",
        refusal(&mut w, REGISTRAR, register(STRANGER, Role::Operator, "99")),
    );
    let unknown_station = submit("6472010001-004", GUBERNUR, sheet(&[1, 2]));
    case("R22", refusal(&mut w, OPERATOR, unknown_station));
    case(
        "R23",
        refusal(&mut w, WITNESS_G1, object("6499", GUBERNUR, "?")),
    );
    let unknown_contest = submit("6472010001-001", "dprd-64", sheet(&[1, 2]));
    case("R24", refusal(&mut w, OPERATOR, unknown_contest));
    let pair_9 = Role::Witness {
        contest: GUBERNUR.into(),
        pair: 9,
    };
    case(
        "R25",
        refusal(&mut w, REGISTRAR, register(STRANGER, pair_9, "64")),
    );

    // Scope.
    let elsewhere = submit("6472020001-001", GUBERNUR, sheet(&[1, 2]));
    case("R26", refusal(&mut w, OPERATOR, elsewhere));
    let correction = correct("6472010001-001", GUBERNUR, sheet(&[1, 2]), "recount");
    case("R27", refusal(&mut w, OFFICIAL_VILLAGE, correction));
    let outside = submit("6471010001-001", WALIKOTA, sheet(&[1, 2, 3]));
    case("R28", refusal(&mut w, OPERATOR_6471, outside));
    let walikota_witness = Role::Witness {
        contest: WALIKOTA.into(),
        pair: 1,
    };
    case(
        "R29",
        refusal(
            &mut w,
            REGISTRAR,
            register(STRANGER, walikota_witness, "6471"),
        ),
    );
    case(
        "R30",
        refusal(&mut w, WITNESS_W1, object("6472", GUBERNUR, "disputed")),
    );
    case(
        "R31",
        refusal(&mut w, OFFICIAL_DISTRICT, approve("6472", GUBERNUR, vec![])),
    );
    case(
        "R32",
        refusal(
            &mut w,
            OFFICIAL_VILLAGE,
            approve("6472010001", GUBERNUR, vec![]),
        ),
    );

    // Stations and sheets.
    let mut w = with_sheet("6472010001-001");
    case("R33", refusal(&mut w, OPERATOR, sheet_event()));
    let uncounted = correct("6472010001-002", GUBERNUR, sheet(&[1, 2]), "recount");
    case("R34", refusal(&mut w, OFFICIAL_DISTRICT, uncounted));
    let same = correct("6472010001-001", GUBERNUR, sheet(&[100, 90]), "recount");
    case("R37", refusal(&mut w, OFFICIAL_DISTRICT, same));
    let no_reason = correct("6472010001-001", GUBERNUR, sheet(&[100, 91]), " ");
    case("R38", refusal(&mut w, OFFICIAL_DISTRICT, no_reason));
    w.ok(
        OFFICIAL_DISTRICT,
        station_act(false, "6472010001-002", "PSU ordered"),
    );
    let second_revote = station_act(false, "6472010001-002", "PSU again");
    case("R36", refusal(&mut w, OFFICIAL_DISTRICT, second_revote));
    w.ok(
        OFFICIAL_DISTRICT,
        station_act(true, "6472010001-003", "ballots burnt"),
    );
    let on_void = submit("6472010001-003", GUBERNUR, sheet(&[1, 2]));
    case("R35", refusal(&mut w, OPERATOR, on_void));

    // Hard rules.
    case("R39", bad_sheet(|s| s.votes.push(0)));
    case("R40", bad_sheet(|s| s.valid += 1));
    case("R41", bad_sheet(|s| s.invalid = s.invalid.map(|n| n + 1)));
    case("R42", bad_sheet(|s| s.voted.dpt.total += 1));
    case("R43", bad_sheet(|s| s.registered.dpt = 1));
    case("R44", bad_sheet(|s| s.voted.dpt.male = Some(0)));
    case("R45", bad_sheet(|s| s.ballots.received += 1));
    case("R46", bad_sheet(|s| s.registered.dptb = 600));
    // A votes-only sheet that still carries its voter lists.
    case("R62", bad_sheet(|s| s.votes_only = true));
    // A full sheet without its invalid count.
    case("R67", bad_sheet(|s| s.invalid = None));
    // Counts by vote type for a contest without vote types, then ones that do not add up.
    case("R63", bad_sheet(|s| s.votes_by_type = vec![100, 90]));
    let mut w = World::with_json(shaped_definition_json());
    let mut off = typed_sheet(&[[60, 40], [50, 40]]);
    off.votes_by_type[0] = 61;
    case(
        "R64",
        refusal(&mut w, OPERATOR, submit("6472010001-001", DAPIL, off)),
    );

    // Objections.
    let mut w = with_sheet("6472010001-001");
    let bogus = EventId { seq: 99, index: 0 };
    let rejected = resolve(bogus, Resolution::Rejected, "no");
    case("R47", refusal(&mut w, OFFICIAL_DISTRICT, rejected));
    let early = correct("6472010001-001", GUBERNUR, sheet(&[100, 91]), "recount");
    let early = w.ok(OFFICIAL_DISTRICT, early);
    let filed = w.ok(WITNESS_G2, object("6472010001-001", GUBERNUR, "pair 2"));
    let accept = |correction| Resolution::Accepted { correction };
    let unknown = resolve(filed.id, accept(bogus), "corrected");
    case("R51", refusal(&mut w, OFFICIAL_DISTRICT, unknown));
    let predates = resolve(filed.id, accept(early.id), "corrected");
    case("R52", refusal(&mut w, OFFICIAL_DISTRICT, predates));
    let walikota = submit("6472010001-001", WALIKOTA, sheet(&[1, 2, 3]));
    w.ok(OPERATOR, walikota);
    let other_contest = correct("6472010001-001", WALIKOTA, sheet(&[1, 2, 4]), "recount");
    let other_contest = answering(other_contest, filed.id);
    case("R49", refusal(&mut w, OFFICIAL_DISTRICT, other_contest));
    let elsewhere_filed = w.ok(WITNESS_G2, object("6472010002", GUBERNUR, "disputed"));
    let other_place = correct("6472010001-001", GUBERNUR, sheet(&[100, 92]), "recount");
    let other_place = answering(other_place, elsewhere_filed.id);
    case("R50", refusal(&mut w, OFFICIAL_DISTRICT, other_place));
    w.ok(
        OFFICIAL_DISTRICT,
        resolve(filed.id, Resolution::Rejected, "no"),
    );
    let twice = resolve(filed.id, Resolution::Rejected, "no again");
    case("R48", refusal(&mut w, OFFICIAL_DISTRICT, twice));

    // Approvals.
    let mut w = World::new();
    let signed = |w: &World, witness| witness_sign(&w.state, witness, "647201", GUBERNUR, DIGEST);
    let operator = signed(&w, OPERATOR);
    let approval = approve("647201", GUBERNUR, vec![operator]);
    case("R54", refusal(&mut w, OFFICIAL_DISTRICT, approval));
    let twice = vec![signed(&w, WITNESS_G1), signed(&w, WITNESS_G1)];
    let approval = approve("647201", GUBERNUR, twice);
    case("R56", refusal(&mut w, OFFICIAL_DISTRICT, approval));
    let mut wrong = signed(&w, WITNESS_G1);
    wrong.signature[0] ^= 1;
    let approval = approve("647201", GUBERNUR, vec![wrong]);
    case("R57", refusal(&mut w, OFFICIAL_DISTRICT, approval));
    let district_witness = witness_sign(&w.state, WITNESS_G2, "6472", GUBERNUR, DIGEST);
    let approval = approve("6472", GUBERNUR, vec![district_witness]);
    case("R58", refusal(&mut w, OFFICIAL_REGENCY, approval));
    w.ok(REGISTRAR, revoke(WITNESS_G1));
    let approval = approve("647201", GUBERNUR, vec![signed(&w, WITNESS_G1)]);
    case("R55", refusal(&mut w, OFFICIAL_DISTRICT, approval));
    let mut approval = approve("647201", GUBERNUR, vec![]);
    approval_digest(&mut approval, [8; 32]);
    case("R61", refusal(&mut w, OFFICIAL_DISTRICT, approval));
    let missing = ApprovalCheckFailure::StationsMissing {
        missing: 5,
        example: "6472010001-001".into(),
    };
    case("R59", approval_verdict(missing));
    let child = ApprovalCheckFailure::ChildNotApproved {
        child: "647201".into(),
    };
    case("R60", approval_verdict(child));
    let stale = ApprovalCheckFailure::ChildStale {
        child: "647201".into(),
        since_seq: 3,
    };
    case("R60", approval_verdict(stale));
    let other = ApprovalCheckFailure::Other {
        reason: "no digests here".into(),
    };
    case("R61", approval_verdict(other));
    cases.extend(no_station_cases());
    cases.extend(log_key_cases());
    cases
}

fn rotation(world: &mut World, author: u8, key: [u8; 32]) -> Refusal {
    let envelope = world.next_envelope(author);
    let payload = Payload::LogKeyRotated {
        definition_hash: world.state.definition_hash(),
        key,
    };
    world
        .state
        .execute_payload(&envelope, &payload, &world.check)
        .expect_err("refused")
        .refusal
}

/// R65 and R66: the genesis's log key and origin, and the registrar's rotations.
fn log_key_cases() -> Vec<(&'static str, Refusal)> {
    let registrar_as_log = Genesis::new(definition(), pk(REGISTRAR));
    let mut other_origin = Genesis::new(definition(), log_key());
    other_origin.log.origin = "example.com/log".into();
    let refused = |genesis: Genesis| {
        State::genesis(&envelope(1, REGISTRAR), &Payload::Genesis(genesis))
            .map(|_| ())
            .expect_err("genesis refused")
    };
    let mut w = World::new();
    vec![
        ("R65", refused(registrar_as_log)),
        ("R66", refused(other_origin)),
        ("R65", rotation(&mut w, REGISTRAR, log_key())),
        ("R65", rotation(&mut w, REGISTRAR, pk(REGISTRAR))),
        ("R13", rotation(&mut w, OPERATOR, pk(77))),
        ("R16", rotation(&mut w, REGISTRAR, [0; 32])),
    ]
}

fn approval_digest(event: &mut Event, value: [u8; 32]) {
    if let Event::PlenaryApproved { digest, .. } = event {
        *digest = value;
    }
}

/// R53 needs a district without stations (and its official, key 14).
fn no_station_cases() -> Vec<(&'static str, Refusal)> {
    let mut json = definition_json();
    let district = serde_json::json!({ "code": "647203", "parent": "6472",
                                       "level": "district", "name": "EMPTY" });
    json["regions"]
        .as_array_mut()
        .expect("regions")
        .push(district);
    let official = serde_json::json!({ "key": hex::encode(pk(14)), "role": "official",
                                       "scope": "647203" });
    json["officers"]
        .as_array_mut()
        .expect("officers")
        .push(official);
    let mut w = World::with_json(json);
    let approval = approve("647203", GUBERNUR, vec![]);
    vec![("R53", refusal(&mut w, 14, approval))]
}

#[test]
fn every_rule_in_rules_md_is_provoked_and_every_refusal_names_one() {
    let documented = rules_in_doc();
    assert_eq!(documented.len(), 67, "RULES.md lists R1 to R67");
    let mut provoked = BTreeSet::new();
    for (claimed, refusal) in cases() {
        let rule = refusal.rule().to_string();
        assert_eq!(rule, claimed, "the case for {claimed} provoked {refusal:?}");
        assert!(
            refusal.to_string().starts_with(&format!("{rule}: ")),
            "the message names its rule: {refusal}"
        );
        assert!(documented.contains(&rule), "{rule} is not in RULES.md");
        provoked.insert(rule);
    }
    // R2 is a payload that does not decode.
    let decode = decode_payload(&[9, 9, 9]).expect_err("not a payload");
    provoked.insert(decode.rule().to_string());
    let missing: Vec<_> = documented.difference(&provoked).collect();
    assert!(missing.is_empty(), "rules no case provokes: {missing:?}");
    let undocumented: Vec<_> = provoked.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "undocumented rules: {undocumented:?}"
    );
}

#[test]
fn every_rule_heading_in_rules_md_is_numbered_in_order() {
    let numbers: Vec<u32> = RULES_MD
        .lines()
        .filter_map(|line| line.strip_prefix("### R"))
        .filter_map(|rest| rest.split_once('.'))
        .filter_map(|(number, _)| number.parse().ok())
        .collect();
    let expected: Vec<u32> = (1..=numbers.len() as u32).collect();
    assert_eq!(numbers, expected, "R1, R2, ... without gaps or repeats");
}

#[test]
fn soft_rules_are_marked_as_not_refusals() {
    let soft: Vec<&str> = RULES_MD
        .lines()
        .filter(|line| {
            line.strip_prefix("### S")
                .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
        })
        .collect();
    assert_eq!(soft.len(), 5, "S1 to S5");
    for heading in soft {
        assert!(heading.ends_with("(not a refusal)"), "{heading}");
    }
}
