//! Planning a file against a fresh state: good files, and every kind of bad row.

mod common;

use common::*;
use rekap_import::{plan_import, ImportError, ImportLimits};
use rekap_model::*;

#[test]
fn a_good_file_plans_every_row_in_file_order() {
    let state = state();
    let rows = good_rows();
    let plan = plan(&state, &file(&rows)).expect("the file is good");
    assert_eq!(plan.rows, 10);
    assert_eq!(plan.already_imported, 0);
    assert_eq!(plan.to_submit.len(), 10);
    assert_eq!(
        plan.to_submit[0],
        Event::SheetSubmitted {
            station: STATIONS[0].into(),
            contest: GUBERNUR.into(),
            sheet: sheet(&[100, 80]),
        }
    );
    assert_eq!(
        plan.to_submit[9],
        Event::SheetSubmitted {
            station: STATIONS[4].into(),
            contest: WALIKOTA.into(),
            sheet: sheet(&[64, 70, 52]),
        }
    );
}

#[test]
fn columns_may_come_in_any_order_and_optional_ones_may_be_absent() {
    let state = state();
    let text = "invalid,valid,votes_2,votes_1,ballots_unused,ballots_damaged,ballots_used,ballots_received,voted_dptb,voted_dpph,voted_dpt,dptb,dpph,dpt,contest,station\n\
                2,180,80,100,45,1,182,228,0,0,182,0,0,222,gubernur-64,6472010001-001\r\n";
    let plan = plan(&state, text).expect("the file is good");
    let mut expected = sheet(&[100, 80]);
    expected.voted.dpt.male = None;
    expected.voted.dpt.female = None;
    assert_eq!(
        plan.to_submit,
        vec![Event::SheetSubmitted {
            station: "6472010001-001".into(),
            contest: GUBERNUR.into(),
            sheet: expected,
        }]
    );
}

#[test]
fn a_byte_order_mark_and_empty_optional_cells_are_accepted() {
    let state = state();
    let mut s = sheet(&[100, 80]);
    s.voted.dpt.male = None;
    s.voted.dpt.female = None;
    let text = format!("\u{feff}{}", file(&[row(STATIONS[0], GUBERNUR, &s)]));
    let plan = plan(&state, &text).expect("the file is good");
    assert_eq!(plan.to_submit.len(), 1);
}

/// Three misreads Sirekap published in 2024, each refused by a hard rule, and other bad rows;
/// every one is listed with its line, field and rule.
#[test]
fn every_bad_row_is_listed_with_line_field_and_rule() {
    let state = state();
    let mut rows = good_rows();
    // Line 2 + i is rows[i].
    // 11 votes read as 826.
    let mut misread = sheet(&[11, 200]);
    misread.votes[0] = 826;
    rows[0] = row(STATIONS[0], GUBERNUR, &misread);
    // 136 votes read as 136188.
    let mut misread = sheet(&[136, 90, 20]);
    misread.votes[0] = 136_188;
    rows[1] = row(STATIONS[0], WALIKOTA, &misread);
    // 4,695 voted at a station with 229 registered.
    let mut misread = sheet(&[100, 80]);
    misread.registered.dpt = 229;
    misread.voted.dpt.total = 4_695;
    rows[2] = row(STATIONS[1], GUBERNUR, &misread);
    // Not a number, and a number with a thousands separator.
    rows[3] = rows[3].replacen(",70,", ",7O,", 1);
    rows[4] = row(STATIONS[2], GUBERNUR, &sheet(&[100, 80])).replace(",100,", ",\"1.234\",");
    // Unknown station, unknown contest, out of the operator's scope.
    rows[5] = row("6472010001-009", WALIKOTA, &sheet(&[1, 2, 3]));
    rows[6] = row(STATIONS[3], "bupati-6472", &sheet(&[1, 2]));
    rows.push(row("6472020001-001", GUBERNUR, &sheet(&[100, 80])));
    let problems = problems(&state, &file(&rows));

    assert_has(&problems, 2, Some("valid"), "rule pair-votes=valid");
    assert_has(
        &problems,
        2,
        Some("valid"),
        "add up to 1026, valid votes are 211",
    );
    assert_has(
        &problems,
        3,
        Some("valid"),
        "add up to 136298, valid votes are 246",
    );
    assert_has(&problems, 4, Some("voted_dpt"), "rule voted<=registered");
    assert_has(
        &problems,
        4,
        Some("voted_dpt"),
        "4695 voted from DPT, only 229 registered",
    );
    // Every rule the row breaks, not only the first.
    assert_has(
        &problems,
        4,
        Some("ballots_used"),
        "rule ballots-used=voted",
    );
    assert_has(&problems, 4, Some("voted_dpt"), "rule male+female=total");
    assert_has(
        &problems,
        5,
        Some("votes_2"),
        "\"7O\" is not a whole number",
    );
    assert_has(
        &problems,
        6,
        Some("votes_1"),
        "\"1.234\" is not a whole number",
    );
    assert_has(
        &problems,
        7,
        Some("station"),
        "\"6472010001-009\" is not a polling station",
    );
    assert_has(
        &problems,
        8,
        Some("contest"),
        "\"bupati-6472\" is not a contest",
    );
    assert_has(
        &problems,
        12,
        Some("station"),
        "does not cover \"6472020001-001\"",
    );
    // The good rows are not mentioned.
    for line in [9, 10, 11] {
        assert!(problems.iter().all(|p| p.line != line), "line {line}");
    }
    // In file order.
    assert!(problems.windows(2).all(|w| w[0].line <= w[1].line));
}

#[test]
fn a_station_and_contest_twice_in_the_file_is_refused_on_every_repeat() {
    let state = state();
    let mut rows = good_rows();
    rows.push(rows[0].clone());
    rows.push(row(STATIONS[0], GUBERNUR, &sheet(&[1, 2])));
    let problems = problems(&state, &file(&rows));
    assert_has(
        &problems,
        12,
        Some("station"),
        "already has a row for contest gubernur-64 on line 2",
    );
    assert_has(&problems, 13, Some("station"), "on line 2");
    assert_eq!(problems.len(), 2, "{problems:?}");
}

#[test]
fn a_missing_column_is_reported_on_the_header_line() {
    let state = state();
    let text = file(&good_rows()).replacen(",valid,", ",", 1);
    let rows: Vec<&str> = text.lines().collect();
    // Keep the rows consistent with the header: drop the valid cell (third from the end).
    let mut fixed = vec![rows[0].to_string()];
    for r in &rows[1..] {
        let mut cells: Vec<&str> = r.split(',').collect();
        cells.remove(cells.len() - 2);
        fixed.push(cells.join(","));
    }
    let problems = problems(&state, &fixed.join("\n"));
    assert_has(&problems, 1, Some("valid"), "missing column \"valid\"");
    assert_eq!(problems.len(), 1, "{problems:?}");
}

#[test]
fn a_missing_votes_column_is_an_error_on_each_row_of_a_contest_that_needs_it() {
    let state = state();
    // Only two votes columns: fine for the governor, not for the mayor (three pairs).
    let header = HEADER.replace(",votes_3", "");
    let strip = |r: String| {
        let mut cells: Vec<String> = r.split(',').map(str::to_string).collect();
        cells.remove(cells.len() - 3);
        cells.join(",")
    };
    let text = format!(
        "{header}\n{}\n{}\n",
        strip(row(STATIONS[0], GUBERNUR, &sheet(&[1, 2]))),
        strip(row(STATIONS[0], WALIKOTA, &sheet(&[1, 2, 0]))),
    );
    let problems = problems(&state, &text);
    assert_has(
        &problems,
        3,
        Some("votes_3"),
        "missing column votes_3: contest walikota-6472 has 3 candidate pairs",
    );
    assert_eq!(problems.len(), 1, "{problems:?}");
}

#[test]
fn a_votes_cell_beyond_the_contest_pairs_must_be_empty() {
    let state = state();
    let r = row(STATIONS[0], GUBERNUR, &sheet(&[1, 2])).replace(",1,2,,", ",1,2,0,");
    let problems = problems(&state, &file(&[r]));
    assert_has(&problems, 2, Some("votes_3"), "has only 2 candidate pairs");
}

#[test]
fn header_problems_unknown_and_repeated_columns() {
    let state = state();
    let text = format!("{HEADER},vote_4,dpt\n");
    let problems = problems(&state, &text);
    assert_has(&problems, 1, Some("vote_4"), "unknown column");
    assert_has(&problems, 1, Some("dpt"), "appears twice");
}

#[test]
fn a_row_with_another_number_of_fields_is_refused() {
    let state = state();
    let mut rows = good_rows();
    rows[2].push_str(",7");
    let problems = problems(&state, &file(&rows));
    assert_has(
        &problems,
        4,
        None,
        "the row has 24 fields, the header has 23",
    );
    assert_eq!(problems.len(), 1);
}

#[test]
fn empty_cells_and_empty_files() {
    let state = state();
    let r = row(STATIONS[0], GUBERNUR, &sheet(&[1, 2])).replacen(STATIONS[0], "", 1);
    let r = r.replace(",1,2,,", ",,2,,");
    let problems = problems(&state, &file(&[r]));
    assert_has(&problems, 2, Some("station"), "empty");
    assert_has(&problems, 2, Some("votes_1"), "empty; a number is required");
    let problems = common::problems(&state, "");
    assert_has(&problems, 1, None, "the file is empty");
    // A header alone is a file with no rows.
    let plan = plan(&state, HEADER).expect("a header alone is fine");
    assert_eq!((plan.rows, plan.to_submit.len()), (0, 0));
}

#[test]
fn a_key_that_is_not_an_operator_is_refused_once() {
    let state = state();
    for key in [REGISTRAR, OFFICIAL, 99] {
        let result = plan_import(
            &state,
            &pk(key),
            file(&good_rows()).as_bytes(),
            &ImportLimits::default(),
        );
        assert!(
            matches!(result, Err(ImportError::NotAnOperator(_))),
            "{key}: {result:?}"
        );
    }
}

#[test]
fn the_problem_list_is_capped_and_counts_the_rest() {
    let state = state();
    let rows: Vec<String> = (0..30).map(|_| "x".repeat(3) + &",".repeat(22)).collect();
    let limits = ImportLimits {
        max_listed_problems: 5,
        ..ImportLimits::default()
    };
    match plan_import(&state, &pk(OPERATOR), file(&rows).as_bytes(), &limits) {
        Err(ImportError::Rejected {
            problems, unlisted, ..
        }) => {
            assert_eq!(problems.len(), 5);
            assert!(unlisted > 25, "{unlisted}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn limits_on_rows_line_length_and_file_size() {
    let state = state();
    let text = file(&good_rows());
    let run = |limits: ImportLimits| plan_import(&state, &pk(OPERATOR), text.as_bytes(), &limits);
    let rows = run(ImportLimits {
        max_rows: 9,
        ..ImportLimits::default()
    });
    assert!(
        matches!(rows, Err(ImportError::TooManyRows { limit: 9 })),
        "{rows:?}"
    );
    let line = run(ImportLimits {
        max_line_bytes: 100,
        ..ImportLimits::default()
    });
    assert!(
        matches!(
            line,
            Err(ImportError::LineTooLong {
                line: 1,
                limit: 100
            })
        ),
        "{line:?}"
    );
    let size = run(ImportLimits {
        max_file_bytes: text.len() as u64 - 1,
        ..ImportLimits::default()
    });
    assert!(
        matches!(size, Err(ImportError::TooLarge { .. })),
        "{size:?}"
    );
    let exact = run(ImportLimits {
        max_file_bytes: text.len() as u64,
        ..ImportLimits::default()
    });
    assert!(exact.is_ok(), "{exact:?}");
    // One endless line is stopped at the limit, not buffered.
    let endless = std::io::repeat(b'a').take(u64::MAX);
    let result = plan_import(&state, &pk(OPERATOR), endless, &ImportLimits::default());
    assert!(
        matches!(result, Err(ImportError::LineTooLong { line: 1, .. })),
        "{result:?}"
    );
}

use std::io::Read as _;

#[test]
fn the_example_in_the_operator_guide_plans() {
    let guide = include_str!("../../../docs/OPERATOR.md");
    let section = guide
        .split("## Sheets CSV (rekap import)")
        .nth(1)
        .expect("the guide has the section");
    let example = section
        .split("```csv\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the section has a CSV example");
    let plan = plan(&state(), example).expect("the example is a good file");
    assert_eq!(plan.to_submit.len(), 1);
}
