//! `plan_sheets`: sheets another format has read get the checks a sheets CSV row gets, with
//! the same outcome, and each problem names the sheet by its number.

mod common;

use common::*;
use rekap_import::{plan_sheets, ImportError, ImportLimits, SheetRow};

fn sheets() -> Vec<(&'static str, &'static str, rekap_model::TallySheet)> {
    let mut sheets = Vec::new();
    for (i, station) in STATIONS.iter().enumerate() {
        let i = i as u32;
        sheets.push((*station, GUBERNUR, sheet(&[100 + i, 80 + 2 * i])));
        sheets.push((*station, WALIKOTA, sheet(&[60 + i, 70, 40 + 3 * i])));
    }
    sheets
}

fn rows<'a>(
    sheets: &'a [(&'static str, &'static str, rekap_model::TallySheet)],
) -> impl Iterator<Item = SheetRow<'a>> {
    sheets.iter().map(|(station, contest, sheet)| SheetRow {
        station,
        contest,
        sheet,
    })
}

#[test]
fn the_same_sheets_plan_as_the_same_csv_does() {
    let state = state();
    let sheets = sheets();
    let from_csv = plan(&state, &file(&good_rows())).expect("the file is good");
    let planned = plan_sheets(
        &state,
        &pk(OPERATOR),
        rows(&sheets),
        &ImportLimits::default(),
    )
    .expect("the sheets are good");
    assert_eq!(planned.plan, from_csv);
    assert_eq!(planned.origins, (0..sheets.len()).collect::<Vec<_>>());
}

#[test]
fn a_bad_sheet_is_named_by_its_number_and_nothing_is_planned() {
    let state = state();
    let mut sheets = sheets();
    // Votes that do not add up to valid (a hard rule), an unknown station, and a repeat.
    sheets[2].2.valid += 1;
    sheets[4].0 = "9999999999-001";
    sheets[7] = sheets[1].clone();
    let error = plan_sheets(
        &state,
        &pk(OPERATOR),
        rows(&sheets),
        &ImportLimits::default(),
    )
    .expect_err("refused");
    let ImportError::Rejected { problems, .. } = error else {
        panic!("expected a rejection: {error:?}");
    };
    assert_has(&problems, 3, Some("valid"), "");
    assert_has(&problems, 5, Some("station"), "is not a polling station");
    assert_has(&problems, 8, Some("station"), "on line 2");
    assert!(
        problems.iter().all(|p| [3, 5, 8].contains(&p.line)),
        "{problems:?}"
    );
}
