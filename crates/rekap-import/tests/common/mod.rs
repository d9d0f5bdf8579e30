//! Test world: one province, two regencies, three districts, four villages, nine stations,
//! two contests (walikota-6472 with 3 pairs, gubernur-64 with 2), fixed keys; and a writer
//! of sheets CSV rows.
#![allow(dead_code)]

use rekap_import::{plan_import, ImportError, ImportLimits, ImportPlan, RowProblem};
use rekap_model::*;
pub use rekap_test_kit::pk;

pub const REGISTRAR: u8 = 1;
/// Operator, scope district 647201 (stations 6472010001-001..003, 6472010002-001..002).
pub const OPERATOR: u8 = 2;
/// Official, scope regency 6472.
pub const OFFICIAL: u8 = 5;

pub const GUBERNUR: &str = "gubernur-64";
pub const WALIKOTA: &str = "walikota-6472";

/// The stations the operator covers.
pub const STATIONS: [&str; 5] = [
    "6472010001-001",
    "6472010001-002",
    "6472010001-003",
    "6472010002-001",
    "6472010002-002",
];

fn definition_json() -> serde_json::Value {
    let officer = |n: u8, role: &str, scope: &str| serde_json::json!({ "key": hex::encode(pk(n)), "role": role, "scope": scope });
    let region = |code: &str, parent: Option<&str>, level: &str, stations: u32| {
        let mut r =
            serde_json::json!({ "code": code, "parent": parent, "level": level, "name": code });
        if stations > 0 {
            r["stations"] = stations.into();
        }
        r
    };
    serde_json::json!({
        "format": "rekap-election/1",
        "name": "Pilkada Kalimantan Timur 2024 (test)",
        "levels": "indonesia",
        "station_capacity": 600,
        "registrar": hex::encode(pk(REGISTRAR)),
        "contests": [
            { "id": WALIKOTA, "name": "Wali Kota Samarinda", "scope": "6472",
              "pairs": [ {"number": 1, "name": "A"}, {"number": 2, "name": "B"}, {"number": 3, "name": "C"} ] },
            { "id": GUBERNUR, "name": "Gubernur Kalimantan Timur", "scope": "64",
              "pairs": [ {"number": 1, "name": "Isran Noor - Hadi Mulyadi"},
                         {"number": 2, "name": "Rudy Mas'ud - Seno Aji"} ] }
        ],
        "regions": [
            region("64", None, "province", 0),
            region("6472", Some("64"), "regency", 0),
            region("6471", Some("64"), "regency", 0),
            region("647201", Some("6472"), "district", 0),
            region("647202", Some("6472"), "district", 0),
            region("647101", Some("6471"), "district", 0),
            region("6472010001", Some("647201"), "village", 3),
            region("6472010002", Some("647201"), "village", 2),
            region("6472020001", Some("647202"), "village", 2),
            region("6471010001", Some("647101"), "village", 2),
        ],
        "officers": [
            officer(OPERATOR, "operator", "647201"),
            officer(OFFICIAL, "official", "6472"),
        ]
    })
}

pub fn state() -> State {
    let definition = DefinitionFile::from_json(&definition_json().to_string())
        .expect("JSON parses")
        .build(None::<&[u8]>)
        .expect("definition is valid")
        .definition()
        .clone();
    rekap_test_kit::genesis_state(definition)
}

/// Applies `events` as the next record, signed by `author`.
pub fn apply(state: &mut State, author: u8, events: Vec<Event>) {
    rekap_test_kit::apply_as(state, author, events);
}

/// A sheet that passes every hard rule: votes as given, 2 invalid, registered = cast + 40.
pub fn sheet(votes: &[u32]) -> TallySheet {
    rekap_test_kit::sheet_with_split(votes)
}

/// The header of the files these tests write: every column, three pairs.
pub const HEADER: &str = "station,contest,dpt,dpph,dptb,voted_dpt,voted_dpt_male,voted_dpt_female,voted_dpph,voted_dpph_male,voted_dpph_female,voted_dptb,voted_dptb_male,voted_dptb_female,ballots_received,ballots_used,ballots_damaged,ballots_unused,votes_1,votes_2,votes_3,valid,invalid";

fn optional(value: Option<u32>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// One row for [`HEADER`].
pub fn row(station: &str, contest: &str, sheet: &TallySheet) -> String {
    let r = &sheet.registered;
    let v = &sheet.voted;
    let b = &sheet.ballots;
    let mut votes: Vec<String> = sheet.votes.iter().map(u32::to_string).collect();
    votes.resize(3, String::new());
    format!(
        "{station},{contest},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
        r.dpt,
        r.dpph,
        r.dptb,
        v.dpt.total,
        optional(v.dpt.male),
        optional(v.dpt.female),
        v.dpph.total,
        optional(v.dpph.male),
        optional(v.dpph.female),
        v.dptb.total,
        optional(v.dptb.male),
        optional(v.dptb.female),
        b.received,
        b.used,
        b.damaged,
        b.unused,
        votes.join(","),
        sheet.valid,
        sheet
            .invalid
            .map_or(String::new(), |invalid| invalid.to_string())
    )
}

/// A file: [`HEADER`] and the rows.
pub fn file(rows: &[String]) -> String {
    let mut text = String::from(HEADER);
    for r in rows {
        text.push('\n');
        text.push_str(r);
    }
    text.push('\n');
    text
}

/// Ten good rows: every station of the operator, both contests.
pub fn good_rows() -> Vec<String> {
    let mut rows = Vec::new();
    for (i, station) in STATIONS.iter().enumerate() {
        let i = i as u32;
        rows.push(row(station, GUBERNUR, &sheet(&[100 + i, 80 + 2 * i])));
        rows.push(row(station, WALIKOTA, &sheet(&[60 + i, 70, 40 + 3 * i])));
    }
    rows
}

pub fn plan(state: &State, text: &str) -> Result<ImportPlan, ImportError> {
    plan_import(
        state,
        &pk(OPERATOR),
        text.as_bytes(),
        &ImportLimits::default(),
    )
}

/// The problems of a file that must be rejected.
pub fn problems(state: &State, text: &str) -> Vec<RowProblem> {
    match plan(state, text) {
        Err(ImportError::Rejected {
            problems, unlisted, ..
        }) => {
            assert_eq!(unlisted, 0);
            problems
        }
        other => panic!("expected the file to be rejected, got {other:?}"),
    }
}

/// Whether some problem is on `line`, about `field`, with a reason containing `text`.
pub fn has(problems: &[RowProblem], line: u64, field: Option<&str>, text: &str) -> bool {
    problems.iter().any(|p| {
        p.line == line && p.field.as_deref() == field && p.reason.to_string().contains(text)
    })
}

#[track_caller]
pub fn assert_has(problems: &[RowProblem], line: u64, field: Option<&str>, text: &str) {
    assert!(
        has(problems, line, field, text),
        "no problem on line {line} field {field:?} containing {text:?} in:\n{}",
        problems
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
}
