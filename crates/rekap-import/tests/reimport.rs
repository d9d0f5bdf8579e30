//! Importing a file again: what the state already has is skipped, what differs is refused.

mod common;

use common::*;
use rekap_model::*;

fn corrected(station: &str, contest: &str, sheet: TallySheet) -> Event {
    Event::SheetCorrected {
        station: station.into(),
        contest: contest.into(),
        sheet,
        reason: "C.Hasil re-read at the district plenary".into(),
        answers: None,
    }
}

#[test]
fn an_identical_reimport_submits_nothing() {
    let mut state = state();
    let text = file(&good_rows());
    let first = plan(&state, &text).expect("the file is good");
    apply(&mut state, OPERATOR, first.to_submit.into_vec());
    let again = plan(&state, &text).expect("a re-import is fine");
    assert_eq!(again.to_submit, vec![]);
    assert_eq!(again.already_imported, 10);
    assert_eq!(again.rows, 10);
}

#[test]
fn a_half_imported_file_plans_only_the_second_half() {
    let mut state = state();
    let text = file(&good_rows());
    let mut events = plan(&state, &text)
        .expect("the file is good")
        .to_submit
        .into_vec();
    let second_half = events.split_off(5);
    apply(&mut state, OPERATOR, events);
    let rest = plan(&state, &text).expect("the rest is fine");
    assert_eq!(rest.already_imported, 5);
    assert_eq!(rest.to_submit, second_half);
    apply(&mut state, OPERATOR, rest.to_submit.into_vec());
    let done = plan(&state, &text).expect("all imported");
    assert_eq!((done.to_submit.len(), done.already_imported), (0, 10));
}

#[test]
fn a_changed_row_is_refused_and_points_to_correct() {
    let mut state = state();
    let mut rows = good_rows();
    let events = plan(&state, &file(&rows))
        .expect("good")
        .to_submit
        .into_vec();
    apply(&mut state, OPERATOR, events);
    rows[3] = row(STATIONS[1], WALIKOTA, &sheet(&[61, 71, 43]));
    let problems = problems(&state, &file(&rows));
    assert_has(&problems, 5, None, "6472010001-002 already has a different sheet for walikota-6472 (record 2); use `rekap correct`");
    assert_eq!(problems.len(), 1, "{problems:?}");
}

#[test]
fn a_row_whose_sheet_was_since_corrected_counts_as_imported() {
    let mut state = state();
    let rows = good_rows();
    let events = plan(&state, &file(&rows))
        .expect("good")
        .to_submit
        .into_vec();
    apply(&mut state, OPERATOR, events);
    apply(
        &mut state,
        OFFICIAL,
        vec![corrected(STATIONS[0], GUBERNUR, sheet(&[101, 79]))],
    );
    let again = plan(&state, &file(&rows)).expect("the original file is still fine");
    assert_eq!((again.to_submit.len(), again.already_imported), (0, 10));
    // A row with the corrected numbers is the current sheet: imported as well.
    let mut rows = rows;
    rows[0] = row(STATIONS[0], GUBERNUR, &sheet(&[101, 79]));
    let again = plan(&state, &file(&rows)).expect("the corrected numbers are fine");
    assert_eq!(again.already_imported, 10);
}

#[test]
fn a_voided_station_is_refused_as_the_model_says() {
    let mut state = state();
    apply(
        &mut state,
        OFFICIAL,
        vec![Event::StationVoided {
            station: STATIONS[2].into(),
            contest: GUBERNUR.into(),
            reason: "ballot box burned".into(),
        }],
    );
    let problems = problems(&state, &file(&good_rows()));
    assert_has(
        &problems,
        6,
        Some("station"),
        "6472010001-003 is voided for gubernur-64",
    );
    assert_eq!(problems.len(), 1, "{problems:?}");
}

#[test]
fn after_a_revote_is_ordered_the_old_rows_are_not_submitted_again() {
    let mut state = state();
    let rows = good_rows();
    let events = plan(&state, &file(&rows))
        .expect("good")
        .to_submit
        .into_vec();
    apply(&mut state, OPERATOR, events);
    apply(
        &mut state,
        OFFICIAL,
        vec![Event::RevoteRecorded {
            station: STATIONS[0].into(),
            contest: GUBERNUR.into(),
            reason: "PSU ordered by Bawaslu".into(),
        }],
    );
    let again = plan(&state, &file(&rows)).expect("the old file is still fine");
    assert_eq!((again.to_submit.len(), again.already_imported), (0, 10));
    // The re-vote's own sheet is submitted.
    let mut rows = rows;
    rows[0] = row(STATIONS[0], GUBERNUR, &sheet(&[90, 95]));
    let revote = plan(&state, &file(&rows)).expect("the re-vote sheet is fine");
    assert_eq!(revote.to_submit.len(), 1);
}
