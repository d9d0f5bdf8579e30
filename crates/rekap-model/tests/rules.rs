//! Tally-sheet hard rules (refusals naming the rule and the numbers) and soft rules (flags).

mod common;

use common::*;
use rekap_model::*;

const CAPACITY: u32 = 600;

fn violations(s: &TallySheet) -> Vec<HardRuleViolation> {
    s.hard_rule_violations(2, CAPACITY)
}

/// A sheet with `invalid` invalid votes, otherwise like `common::sheet`.
fn sheet_with_invalid(votes: &[u32], invalid: u32) -> TallySheet {
    let mut s = sheet(votes);
    let used = s.valid + invalid;
    s.invalid = Some(invalid);
    s.voted.dpt = Turnout {
        male: None,
        female: None,
        total: used,
    };
    s.registered.dpt = used + 40;
    s.ballots = Ballots {
        received: used + 46,
        used,
        damaged: 1,
        unused: 45,
    };
    s
}

#[test]
fn a_consistent_sheet_breaks_no_rule() {
    assert_eq!(violations(&sheet(&[120, 80])), vec![]);
    assert_eq!(sheet(&[120, 80]).check_hard_rules(2, CAPACITY), Ok(()));
}

#[test]
fn rule_pair_count() {
    assert_eq!(
        sheet(&[120, 80, 3]).check_hard_rules(2, CAPACITY),
        Err(HardRuleViolation::WrongPairCount { given: 3, pairs: 2 })
    );
}

#[test]
fn rule_pair_votes_equal_valid() {
    let mut s = sheet(&[120, 80]);
    s.valid = 201;
    assert_eq!(
        s.check_hard_rules(2, CAPACITY),
        Err(HardRuleViolation::PairVotesNotValid {
            sum: 200,
            valid: 201
        })
    );
}

#[test]
fn rule_valid_plus_invalid_equal_ballots_used() {
    let mut s = sheet(&[120, 80]);
    s.invalid = Some(3);
    assert_eq!(
        s.check_hard_rules(2, CAPACITY),
        Err(HardRuleViolation::CastNotBallotsUsed {
            valid: 200,
            invalid: 3,
            used: 202
        })
    );
}

#[test]
fn rule_ballots_used_equal_voters_who_voted() {
    let mut s = sheet(&[120, 80]);
    s.voted.dpph.total = 4;
    s.registered.dpph = 4;
    assert_eq!(
        s.check_hard_rules(2, CAPACITY),
        Err(HardRuleViolation::BallotsUsedNotVoted {
            used: 202,
            voted: 206
        })
    );
}

#[test]
fn rule_voted_at_most_registered_in_each_list() {
    // DPTb: 5 voted, 3 registered; the other lists balance.
    let mut s = sheet(&[120, 80]);
    s.voted.dpt.total -= 5;
    s.voted.dpt.male = None;
    s.voted.dptb.total = 5;
    s.registered.dptb = 3;
    assert_eq!(
        violations(&s),
        vec![HardRuleViolation::VotedOverRegistered {
            list: VoterList::Dptb,
            voted: 5,
            registered: 3
        }]
    );
    // Exactly as many as registered is fine.
    s.registered.dptb = 5;
    assert_eq!(violations(&s), vec![]);
}

#[test]
fn rule_male_plus_female_equal_total_where_both_given() {
    let mut s = sheet(&[120, 80]);
    s.voted.dpt.male = Some(100);
    s.voted.dpt.female = Some(100);
    assert_eq!(
        violations(&s),
        vec![HardRuleViolation::MaleFemaleNotTotal {
            list: VoterList::Dpt,
            male: 100,
            female: 100,
            total: 202
        }]
    );
    // With only one of them given, nothing to check.
    s.voted.dpt.female = None;
    assert_eq!(violations(&s), vec![]);
}

#[test]
fn rule_ballots_received_equal_used_plus_damaged_plus_unused() {
    let mut s = sheet(&[120, 80]);
    s.ballots.unused += 1;
    let b = s.ballots;
    assert_eq!(
        violations(&s),
        vec![HardRuleViolation::BallotsUnbalanced {
            received: b.received,
            used: 202,
            damaged: 1,
            unused: b.unused
        }]
    );
}

#[test]
fn rule_station_capacity() {
    let mut s = sheet(&[120, 80]);
    s.registered.dpt = 590;
    s.registered.dptb = 10; // 600: exactly the capacity
    assert_eq!(violations(&s), vec![]);
    s.registered.dptb = 11;
    assert_eq!(
        violations(&s),
        vec![HardRuleViolation::OverCapacity {
            registered: 601,
            capacity: 600
        }]
    );
    // The general election's 300 is the definition's choice.
    s.registered.dptb = 0;
    assert_eq!(
        s.check_hard_rules(2, 300),
        Err(HardRuleViolation::OverCapacity {
            registered: 590,
            capacity: 300
        })
    );
}

#[test]
fn every_broken_rule_is_listed_in_a_fixed_order_and_extremes_do_not_overflow() {
    let max = u32::MAX;
    let s = TallySheet {
        registered: VoterLists {
            dpt: max,
            dpph: max,
            dptb: max,
        },
        voted: VotedLists {
            dpt: Turnout {
                male: Some(max),
                female: Some(max),
                total: max,
            },
            dpph: Turnout::default(),
            dptb: Turnout::default(),
        },
        ballots: Ballots {
            received: max,
            used: max,
            damaged: max,
            unused: max,
        },
        votes: vec![max, max],
        valid: max,
        invalid: Some(max),
        votes_only: false,
        votes_by_type: Vec::new(),
    };
    let names: Vec<&str> = violations(&s)
        .iter()
        .map(|v| match v {
            HardRuleViolation::WrongPairCount { .. } => "pairs",
            HardRuleViolation::PairVotesNotValid { .. } => "sum",
            HardRuleViolation::CastNotBallotsUsed { .. } => "cast",
            HardRuleViolation::BallotsUsedNotVoted { .. } => "used",
            HardRuleViolation::VotedOverRegistered { .. } => "registered",
            HardRuleViolation::MaleFemaleNotTotal { .. } => "sex",
            HardRuleViolation::BallotsUnbalanced { .. } => "ballots",
            HardRuleViolation::OverCapacity { .. } => "capacity",
            HardRuleViolation::AbsentSectionHasNumbers => "absent",
            HardRuleViolation::WrongVoteTypeCount { .. } => "type count",
            HardRuleViolation::VoteTypesNotPairVotes { .. } => "type sum",
            HardRuleViolation::InvalidAbsentOnFullSheet => "invalid absent",
        })
        .collect();
    assert_eq!(names, vec!["sum", "cast", "sex", "ballots", "capacity"]);
    // Flags on extreme numbers do not overflow either.
    assert_eq!(
        s.own_flags(&SoftRules::default()),
        vec![
            Flag::OnePairAllVotes {
                pair: 1,
                valid: max
            },
            Flag::HighInvalidShare {
                invalid: max,
                cast: 2 * u64::from(max),
                threshold_permille: 100
            }
        ]
    );
}

// ---------------------------------------------------------------- Sirekap 2024 misreads

#[test]
fn sirekap_11_read_as_826_is_refused() {
    // Pair 1 had 11 votes; the photo was read as 826. The valid total (11 + 187) was read right.
    let mut world = World::new();
    let mut misread = sheet(&[11, 187]);
    misread.votes[0] = 826;
    assert_eq!(
        world.one(OPERATOR, submit("6472010001-001", GUBERNUR, misread)),
        Err(Refusal::HardRule {
            station: "6472010001-001".into(),
            contest: GUBERNUR.into(),
            violation: HardRuleViolation::PairVotesNotValid {
                sum: 1013,
                valid: 198
            }
        })
    );
}

#[test]
fn sirekap_136_read_as_136188_is_refused() {
    // 136 votes read as 136,188.
    let mut world = World::new();
    let mut misread = sheet(&[136, 95]);
    misread.votes[0] = 136_188;
    assert_eq!(
        world.one(
            OPERATOR,
            submit("6472010001-001", GUBERNUR, misread.clone())
        ),
        Err(Refusal::HardRule {
            station: "6472010001-001".into(),
            contest: GUBERNUR.into(),
            violation: HardRuleViolation::PairVotesNotValid {
                sum: 136_283,
                valid: 231
            }
        })
    );
    // Even had the misread been carried into every total, the sheet would be refused: more
    // voters than registered.
    let carried = sheet(&[136_188, 95]);
    assert!(matches!(
        carried.check_hard_rules(2, CAPACITY),
        Err(HardRuleViolation::VotedOverRegistered { .. })
            | Err(HardRuleViolation::OverCapacity { .. })
    ));
    assert!(carried
        .hard_rule_violations(2, CAPACITY)
        .contains(&HardRuleViolation::OverCapacity {
            registered: 136_325,
            capacity: 600
        }));
}

#[test]
fn sirekap_4695_votes_at_a_station_with_229_voters_is_refused() {
    // Every total says 4,695 voters voted; the station has 229 registered voters.
    let mut world = World::new();
    let mut misread = sheet(&[2_500, 2_193]);
    misread.registered.dpt = 229;
    assert_eq!(misread.voted.dpt.total, 4_695);
    misread.ballots = Ballots {
        received: 4_701,
        used: 4_695,
        damaged: 1,
        unused: 5,
    };
    assert_eq!(
        world.one(OPERATOR, submit("6472010001-001", GUBERNUR, misread)),
        Err(Refusal::HardRule {
            station: "6472010001-001".into(),
            contest: GUBERNUR.into(),
            violation: HardRuleViolation::VotedOverRegistered {
                list: VoterList::Dpt,
                voted: 4_695,
                registered: 229
            }
        })
    );
}

// ---------------------------------------------------------------- soft rules

fn flags_of(effect: Effect) -> Vec<Flag> {
    match effect.change {
        Change::SheetSet { flags, .. } => flags,
        other => panic!("expected SheetSet, got {other:?}"),
    }
}

#[test]
fn soft_rule_turnout_above_threshold_is_flagged_not_refused() {
    let mut world = World::new();
    let mut s = sheet(&[120, 80]);
    s.registered.dpt = 210; // 202 of 210 = 961 per mille > 950
    let flags = flags_of(world.ok(OPERATOR, submit("6472010001-001", GUBERNUR, s)));
    assert_eq!(
        flags,
        vec![Flag::HighTurnout {
            voted: 202,
            registered: 210,
            threshold_permille: 950
        }]
    );
    // 95.0% exactly is not above the threshold.
    let mut s = sheet(&[90, 98]); // 190 voted
    s.registered.dpt = 200;
    assert_eq!(
        flags_of(world.ok(OPERATOR, submit("6472010001-002", GUBERNUR, s))),
        vec![]
    );
}

#[test]
fn soft_rule_one_pair_with_every_valid_vote() {
    let mut world = World::new();
    let flags = flags_of(world.ok(
        OPERATOR,
        submit("6472010001-001", GUBERNUR, sheet(&[0, 57])),
    ));
    assert_eq!(flags, vec![Flag::OnePairAllVotes { pair: 2, valid: 57 }]);
    // Below the minimum of valid votes it is not flagged.
    let flags = flags_of(world.ok(
        OPERATOR,
        submit("6472010001-002", GUBERNUR, sheet(&[19, 0])),
    ));
    assert_eq!(flags, vec![]);
}

#[test]
fn soft_rule_high_invalid_share() {
    let mut world = World::new();
    // 30 invalid of 130 cast = 230 per mille > 100.
    let flags = flags_of(world.ok(
        OPERATOR,
        submit(
            "6472010001-001",
            GUBERNUR,
            sheet_with_invalid(&[60, 40], 30),
        ),
    ));
    assert_eq!(
        flags,
        vec![Flag::HighInvalidShare {
            invalid: 30,
            cast: 130,
            threshold_permille: 100
        }]
    );
    // 10 of 100 is exactly the threshold: no flag.
    let flags = flags_of(world.ok(
        OPERATOR,
        submit(
            "6472010001-002",
            GUBERNUR,
            sheet_with_invalid(&[50, 40], 10),
        ),
    ));
    assert_eq!(flags, vec![]);
}

#[test]
fn soft_rule_same_sheet_at_many_stations() {
    let mut world = World::new();
    let same = sheet(&[77, 66]);
    let first = flags_of(world.ok(OPERATOR, submit("6472010001-001", GUBERNUR, same.clone())));
    let second = flags_of(world.ok(OPERATOR, submit("6472010001-002", GUBERNUR, same.clone())));
    assert_eq!((first, second), (vec![], vec![]));
    // The third identical sheet of the contest is flagged.
    let third = flags_of(world.ok(OPERATOR, submit("6472010002-001", GUBERNUR, same.clone())));
    assert_eq!(
        third,
        vec![Flag::SameSheetAtManyStations {
            stations: 3,
            threshold: 3
        }]
    );
    let c = world.contest(GUBERNUR);
    assert_eq!(
        world.state.same_sheet_count(c, same.numbers_fingerprint()),
        3
    );
    // Correcting one away lowers the count; the mayor's race is counted apart.
    world.ok(
        OFFICIAL_DISTRICT,
        correct("6472010001-001", GUBERNUR, sheet(&[77, 67]), "recount"),
    );
    assert_eq!(
        world.state.same_sheet_count(c, same.numbers_fingerprint()),
        2
    );
    let other = flags_of(world.ok(
        OPERATOR,
        submit("6472010001-001", WALIKOTA, sheet(&[77, 66, 0])),
    ));
    assert_eq!(other, vec![]);
}

#[test]
fn soft_rule_far_from_its_villages_neighbours() {
    let mut json = definition_json();
    json["soft_rules"] = serde_json::json!({ "neighbour_min_sheets": 2 });
    let mut world = World::with_json(json);
    world.ok(
        OPERATOR,
        submit("6472010001-001", GUBERNUR, sheet(&[100, 100])),
    );
    world.ok(
        OPERATOR,
        submit("6472010001-002", GUBERNUR, sheet(&[110, 90])),
    );
    // Neighbours give pair 1 210/400 = 525 per mille; here it has 190/200 = 950.
    let flags = flags_of(world.ok(
        OPERATOR,
        submit("6472010001-003", GUBERNUR, sheet(&[190, 10])),
    ));
    assert_eq!(
        flags,
        vec![Flag::FarFromNeighbours {
            pair: 1,
            share_permille: 950,
            neighbours_permille: 525,
            neighbour_sheets: 2,
            threshold_permille: 400
        }]
    );
    // A correction is compared with the neighbours without its own old sheet.
    let flags = flags_of(world.ok(
        OFFICIAL_DISTRICT,
        correct(
            "6472010001-003",
            GUBERNUR,
            sheet(&[120, 80]),
            "plano recount",
        ),
    ));
    assert_eq!(flags, vec![]);
    // Another village's sheets are not neighbours.
    let flags = flags_of(world.ok(
        OPERATOR,
        submit("6472010002-001", GUBERNUR, sheet(&[190, 10])),
    ));
    assert_eq!(flags, vec![]);
}

#[test]
fn soft_rule_thresholds_come_from_the_definition() {
    let mut json = definition_json();
    json["soft_rules"] = serde_json::json!({ "max_turnout_permille": 800 });
    let mut world = World::with_json(json);
    assert_eq!(
        world.state.election().soft_rules().max_turnout_permille,
        800
    );
    assert_eq!(
        world.state.election().soft_rules().max_invalid_permille,
        100
    );
    // 202 of 242 = 834 per mille: above 800.
    let flags = flags_of(world.ok(
        OPERATOR,
        submit("6472010001-001", GUBERNUR, sheet(&[120, 80])),
    ));
    assert_eq!(
        flags,
        vec![Flag::HighTurnout {
            voted: 202,
            registered: 242,
            threshold_permille: 800
        }]
    );
}

/// A votes-only sheet: the vote section's rules hold (pair votes = valid), the rules that
/// need voters or ballots are skipped, turnout is not flagged, and numbers in the absent
/// section are refused (R62).
#[test]
fn a_votes_only_sheet_is_held_to_the_rules_of_what_it_carries() {
    let only = TallySheet {
        votes: vec![120, 80],
        valid: 200,
        invalid: Some(7),
        votes_only: true,
        ..TallySheet::default()
    };
    assert_eq!(only.hard_rule_violations(2, 300), vec![]);
    assert!(!only
        .own_flags(&SoftRules::default())
        .iter()
        .any(|f| matches!(f, Flag::HighTurnout { .. })));
    let wrong_sum = TallySheet {
        valid: 201,
        ..only.clone()
    };
    assert_eq!(
        wrong_sum.hard_rule_violations(2, 300),
        vec![HardRuleViolation::PairVotesNotValid {
            sum: 200,
            valid: 201
        }]
    );
    let with_ballots = TallySheet {
        ballots: Ballots {
            used: 207,
            ..Ballots::default()
        },
        ..only.clone()
    };
    let violations = with_ballots.hard_rule_violations(2, 300);
    assert_eq!(violations, vec![HardRuleViolation::AbsentSectionHasNumbers]);
    assert_eq!(violations[0].rule().to_string(), "R62");
    // The same numbers as a full sheet are refused: ballots used 0 != 207 cast.
    let full = TallySheet {
        votes_only: false,
        ..only.clone()
    };
    assert!(!full.hard_rule_violations(2, 300).is_empty());
    // Packed and unpacked, the sheet stays votes-only.
    let packed = PackedSheet::pack(&only);
    assert!(packed.votes_only());
    assert_eq!(packed.unpack(), only);
}

/// An absent invalid count (the source gave none) is absent, not zero: allowed on a
/// votes-only sheet, refused on a full one (R67); S3 needs it and is not checked; it packs,
/// encodes and decodes as absent, apart from a sheet whose invalid count is 0.
#[test]
fn an_absent_invalid_count_stays_absent_and_skips_the_rules_that_need_it() {
    let absent = TallySheet {
        votes: vec![120, 80],
        valid: 200,
        invalid: None,
        votes_only: true,
        ..TallySheet::default()
    };
    assert_eq!(absent.hard_rule_violations(2, 300), vec![]);
    // Even with every vote for one pair and thresholds at zero, no S3 flag: no count.
    let strict = SoftRules {
        max_invalid_permille: 0,
        ..SoftRules::default()
    };
    assert!(!absent
        .own_flags(&strict)
        .iter()
        .any(|f| matches!(f, Flag::HighInvalidShare { .. })));
    let zero = TallySheet {
        invalid: Some(0),
        ..absent.clone()
    };
    let some = TallySheet {
        invalid: Some(1),
        ..absent.clone()
    };
    assert!(some
        .own_flags(&strict)
        .iter()
        .any(|f| matches!(f, Flag::HighInvalidShare { .. })));
    let packed = PackedSheet::pack(&absent);
    assert_eq!(packed.invalid(), None);
    assert_eq!(packed.unpack(), absent);
    assert_eq!(PackedSheet::pack(&zero).invalid(), Some(0));
    assert_ne!(
        rekap_model::sheet_hash("s", "c", &absent),
        rekap_model::sheet_hash("s", "c", &zero)
    );
    let full = TallySheet {
        votes_only: false,
        ..absent.clone()
    };
    let violations = full.hard_rule_violations(2, 300);
    assert_eq!(
        violations,
        vec![HardRuleViolation::InvalidAbsentOnFullSheet]
    );
    assert_eq!(violations[0].rule().to_string(), "R67");
}
