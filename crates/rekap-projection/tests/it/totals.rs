use crate::world::*;

#[test]
fn every_level_is_the_sum_of_its_sheets() {
    let mut world = World::new();
    world.submit_all();
    let province = world.totals("64");
    let expected_one: u64 = (0..9).map(|n| 10 + n).sum();
    let expected_two: u64 = (0..9).map(|n| 20 + 2 * n).sum();
    assert_eq!(province.votes, vec![expected_one, expected_two]);
    assert_eq!(province.valid, expected_one + expected_two);
    assert_eq!(province.invalid, 2 * 9);
    assert_eq!(province.stations_reported, 9);
    assert_eq!(province.stations_expected, 9);
    let regencies: Vec<_> = REGENCIES.iter().map(|code| world.totals(code)).collect();
    assert_eq!(regencies[0].votes[0] + regencies[1].votes[0], expected_one);
    assert_eq!(world.totals("6471").stations_reported, 2);
    assert_eq!(
        world.totals("6472010001").votes,
        vec![12 + 13 + 14, 24 + 26 + 28]
    );
}

#[test]
fn progress_counts_reported_of_expected() {
    let mut world = World::new();
    world.ok(OPERATOR, vec![submit(STATIONS[0], &[5, 6])]);
    let province = world.totals("64");
    assert_eq!(province.stations_reported, 1);
    assert_eq!(province.stations_expected, 9);
    assert_eq!(province.stations_missing(), 8);
    assert_eq!(province.votes, vec![5, 6]);
}

#[test]
fn a_correction_replaces_the_sheet_in_every_total() {
    let mut world = World::new();
    world.submit_all();
    let before = world.totals("64");
    world.ok(
        official_of("647201"),
        vec![correct(STATIONS[2], &[100, 24])],
    );
    let after = world.totals("64");
    assert_eq!(after.votes[0], before.votes[0] - 12 + 100);
    assert_eq!(after.votes[1], before.votes[1]);
    assert_eq!(after.stations_reported, 9);
}

#[test]
fn a_voided_station_counts_as_accounted_for_without_votes() {
    let mut world = World::new();
    world.submit_all();
    world.ok(
        official_of("647202"),
        vec![rekap_model::Event::StationVoided {
            station: STATIONS[8].into(),
            contest: GUBERNUR.into(),
            reason: "ballot box destroyed".into(),
        }],
    );
    let district = world.totals("647202");
    assert_eq!(district.stations_reported, 1);
    assert_eq!(district.stations_voided, 1);
    assert_eq!(district.stations_missing(), 0);
    assert_eq!(district.votes, vec![17, 34]);
}

#[test]
fn soft_flags_of_accepted_sheets_are_listed_in_log_order() {
    let mut world = World::new();
    // Every valid vote for one pair: accepted, flagged.
    world.ok(
        OPERATOR,
        vec![
            submit(STATIONS[0], &[0, 50]),
            submit(STATIONS[1], &[50, 60]),
        ],
    );
    let flags = world.projection.flags();
    assert_eq!(flags.len(), 1, "{flags:?}");
    assert!(matches!(
        flags[0].flag,
        rekap_model::Flag::OnePairAllVotes { pair: 2, .. }
    ));
    assert_eq!(flags[0].id.index, 0);
}

/// A sheet without an invalid count adds nothing to `invalid` and is counted in
/// `stations_without_invalid` at every level above it, so a total never passes a partial
/// sum of invalid votes off as the whole.
#[test]
fn stations_without_an_invalid_count_are_counted_not_summed_as_zero() {
    let mut world = World::new();
    world.submit_all();
    let before = world.totals("64");
    assert_eq!(before.stations_without_invalid, 0);
    let mut numbers = rekap_model::TallySheet {
        votes: vec![7, 8],
        valid: 15,
        invalid: None,
        votes_only: true,
        ..rekap_model::TallySheet::default()
    };
    let code = STATIONS[0];
    let correction = |sheet: rekap_model::TallySheet| rekap_model::Event::SheetCorrected {
        station: code.into(),
        contest: GUBERNUR.into(),
        sheet,
        reason: "the source gives no invalid count".into(),
        answers: None,
    };
    world.ok(official_of(&code[..6]), vec![correction(numbers.clone())]);
    let after = world.totals("64");
    assert_eq!(after.stations_without_invalid, 1);
    assert_eq!(
        after.invalid,
        before.invalid - 2,
        "its invalid votes are not a 0 added"
    );
    assert_eq!(after.stations_reported, 9);
    assert_eq!(world.totals(&code[..4]).stations_without_invalid, 1);
    let other_regency = REGENCIES.iter().find(|r| !code.starts_with(*r)).unwrap();
    assert_eq!(world.totals(other_regency).stations_without_invalid, 0);
    // Given again, the count is summed and the station no longer counted as without one.
    numbers.invalid = Some(0);
    world.ok(official_of(&code[..6]), vec![correction(numbers)]);
    assert_eq!(world.totals("64").stations_without_invalid, 0);
}
