//! Issue 11: a problem's line is the line an editor shows, whatever the line endings (the
//! CSV parser's own count is one short per CRLF line before the record), and each problem
//! names its station and, for the model's rules, the rule of docs/RULES.md.

mod common;

use common::*;
use rekap_import::{ImportError, RowProblem};

/// Good rows with row `bad` (0-based) made to break the votes rule.
fn rows_with_a_bad_one(bad: usize) -> Vec<String> {
    let mut rows = good_rows();
    // The first pair's votes no longer sum to the valid votes.
    let mut fields: Vec<String> = rows[bad].split(',').map(str::to_owned).collect();
    let votes_1 = HEADER
        .split(',')
        .position(|name| name == "votes_1")
        .unwrap();
    fields[votes_1] = "999".into();
    rows[bad] = fields.join(",");
    rows
}

fn lines_of(problems: &[RowProblem]) -> Vec<u64> {
    let mut lines: Vec<u64> = problems.iter().map(|problem| problem.line).collect();
    lines.dedup();
    lines
}

#[test]
fn a_problem_is_on_its_editor_line_with_lf_crlf_or_cr_endings() {
    let state = state();
    let lf = file(&rows_with_a_bad_one(3));
    // The header is line 1, so the fourth row is line 5.
    assert_eq!(lines_of(&problems(&state, &lf)), vec![5]);
    let crlf = lf.replace('\n', "\r\n");
    assert_eq!(lines_of(&problems(&state, &crlf)), vec![5], "CRLF");
    let cr = lf.replace('\n', "\r");
    assert_eq!(lines_of(&problems(&state, &cr)), vec![5], "CR");
    // Mixed endings, and a quoted cell holding a line break: a record is on the line where
    // it starts. Row 2's station, split by a line break, is unknown (line 3); the record
    // takes lines 3 and 4, so the bad row moves from line 8 to line 9.
    let mut rows = rows_with_a_bad_one(6);
    let (station, rest) = rows[1].split_once(',').unwrap();
    rows[1] = format!("\"{}\n{}\",{rest}", &station[..4], &station[4..]);
    let mixed = file(&rows).replacen('\n', "\r\n", 4);
    assert_eq!(lines_of(&problems(&state, &mixed)), vec![3, 9], "mixed");
}

#[test]
fn every_problem_names_its_station_and_the_model_rule_it_breaks() {
    let state = state();
    let found = problems(&state, &file(&rows_with_a_bad_one(2)));
    let station = good_rows()[2].split(',').next().unwrap().to_owned();
    assert!(!found.is_empty());
    for problem in &found {
        assert_eq!(
            problem.station.as_deref(),
            Some(station.as_str()),
            "{problem:?}"
        );
        let rule = problem.rule.as_deref().unwrap_or_default();
        assert!(
            rule.starts_with('R'),
            "a hard rule names its rule: {problem:?}"
        );
    }
}

#[test]
fn the_summary_counts_every_problem_by_kind_listed_or_not() {
    let state = state();
    let mut rows = Vec::new();
    for bad in 0..good_rows().len() {
        rows.push(rows_with_a_bad_one(bad)[bad].clone());
    }
    let limits = rekap_import::ImportLimits {
        max_listed_problems: 2,
        ..rekap_import::ImportLimits::default()
    };
    let text = file(&rows);
    let result = rekap_import::plan_import(&state, &pk(OPERATOR), text.as_bytes(), &limits);
    let Err(ImportError::Rejected {
        problems,
        unlisted,
        by_kind,
    }) = result
    else {
        panic!("refused expected");
    };
    assert_eq!(problems.len(), 2);
    let counted: u64 = by_kind.values().sum();
    assert_eq!(counted, problems.len() as u64 + unlisted);
    assert!(
        by_kind.keys().all(|kind| kind.starts_with('R')),
        "{by_kind:?}"
    );
}

#[test]
fn a_line_too_long_is_named_by_its_editor_line_with_any_endings() {
    let state = state();
    let mut rows = good_rows();
    rows[2] = format!("{},{}", rows[2], "9".repeat(2_000));
    for ending in ["\n", "\r\n", "\r"] {
        let text = file(&rows).replace('\n', ending);
        match plan(&state, &text) {
            // The header is line 1: the third row is line 4.
            Err(ImportError::LineTooLong { line, .. }) => assert_eq!(line, 4, "{ending:?}"),
            other => panic!("{ending:?}: {other:?}"),
        }
    }
}
