//! A file checked in parts on several threads gives exactly what checking it row by row
//! gives: the same plan, or the same problems with the same lines, fields and reasons, or
//! the same error (crates/rekap-import/src/parallel.rs).

mod common;

use common::*;
use proptest::prelude::*;
use rekap_import::{plan_import_split, ImportLimits, Split};

/// A row of a generated file.
#[derive(Debug, Clone)]
enum Line {
    Good(usize),
    /// A good row with one cell not a number.
    Bad(usize),
    Blank,
    /// A good row with its contest quoted.
    Quoted(usize),
}

fn line() -> impl Strategy<Value = Line> {
    prop_oneof![
        6 => (0usize..10).prop_map(Line::Good),
        1 => (0usize..10).prop_map(Line::Bad),
        1 => Just(Line::Blank),
        1 => (0usize..10).prop_map(Line::Quoted),
    ]
}

fn text_of(lines: &[Line], ending: &str) -> String {
    let good = good_rows();
    let mut text = format!("{HEADER}{ending}");
    for line in lines {
        let row = match line {
            Line::Good(n) => good[*n].clone(),
            Line::Bad(n) => good[*n].replacen(",40,", ",4o,", 1),
            Line::Blank => String::new(),
            Line::Quoted(n) => good[*n].replacen(",gubernur-64,", ",\"gubernur-64\",", 1),
        };
        text.push_str(&row);
        text.push_str(ending);
    }
    text
}

fn outcome(text: &str, split: &Split, limits: &ImportLimits) -> String {
    let state = state();
    format!(
        "{:?}",
        plan_import_split(&state, &pk(OPERATOR), text.as_bytes(), limits, split)
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn parts_agree_with_row_by_row(
        lines in proptest::collection::vec(line(), 0..24),
        crlf in any::<bool>(),
        parts in 2usize..5,
        max_rows in prop_oneof![Just(u64::MAX), 0u64..12],
    ) {
        let text = text_of(&lines, if crlf { "\r\n" } else { "\n" });
        let limits = ImportLimits { max_rows, ..ImportLimits::default() };
        let split = Split { parts, min_part_bytes: 1 };
        prop_assert_eq!(outcome(&text, &split, &limits), outcome(&text, &Split::none(), &limits));
    }
}

#[test]
fn the_good_rows_of_the_test_world_are_planned_in_parts() {
    let text = text_of(&(0..10).map(Line::Good).collect::<Vec<_>>(), "\n");
    let split = Split {
        parts: 3,
        min_part_bytes: 1,
    };
    let limits = ImportLimits::default();
    let planned = outcome(&text, &split, &limits);
    assert!(planned.starts_with("Ok("), "{planned}");
    assert_eq!(planned, outcome(&text, &Split::none(), &limits));
}

#[test]
fn a_file_over_the_size_limit_is_refused_as_before() {
    let text = text_of(&(0..10).map(Line::Good).collect::<Vec<_>>(), "\n");
    let limits = ImportLimits {
        max_file_bytes: 100,
        ..ImportLimits::default()
    };
    let split = Split {
        parts: 2,
        min_part_bytes: 1,
    };
    let refused = outcome(&text, &split, &limits);
    assert!(refused.contains("TooLarge"), "{refused}");
    assert_eq!(refused, outcome(&text, &Split::none(), &limits));
}
