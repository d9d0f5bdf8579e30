//! The portal's per-TPS JSON: a directory laid out as the portal does becomes sheets (full
//! administrasi, none, `status_adm` false, the regional elections' `tungsura`, a TPS not yet
//! counted), each noted with its document's blake3 hash and photos; a malformed document is
//! refused with its file, JSON pointer and reason, and nothing is planned.

mod common;

use common::*;
use rekap_formats::sirekap::{self, Candidates, ContestShape, DocumentCounts};
use rekap_formats::{plan_sourced, FormatError, SourcedSheet};
use rekap_import::ImportLimits;
use rekap_model::Event;

fn candidates(name: &str) -> Candidates {
    let path = fixture(name);
    Candidates::parse(name, &std::fs::read(path).unwrap()).expect("candidates parse")
}

fn read_all(
    paths: &[std::path::PathBuf],
    candidates: &Candidates,
) -> (
    Result<Vec<SourcedSheet>, Vec<rekap_formats::SourceProblem>>,
    DocumentCounts,
    u64,
) {
    let shape = ContestShape {
        id: "pilpres",
        pairs: 3,
        candidates: Some(candidates),
    };
    let (files, skipped, mut problems) = sirekap::find_documents(paths).unwrap();
    let mut counts = DocumentCounts::default();
    let mut sheets = Vec::new();
    for file in files {
        let bytes = std::fs::read(&file.path).unwrap();
        let shown = file.path.display().to_string();
        match sirekap::read_document(&shown, &bytes, &file.station, &shape, &mut counts) {
            Ok(Some(sheet)) => sheets.push(sheet),
            Ok(None) => {}
            Err(found) => problems.extend(found),
        }
    }
    let result = if problems.is_empty() {
        Ok(sheets)
    } else {
        Err(problems)
    };
    (result, counts, skipped)
}

#[test]
fn a_portal_directory_becomes_sheets_with_their_documents() {
    let (sheets, counts, skipped) =
        read_all(&[fixture("sirekap/tree")], &candidates("sirekap/ppwp.json"));
    let sheets = sheets.expect("every document reads");
    assert_eq!(skipped, 1, "the aggregate 6401.json is not a TPS document");
    assert_eq!(counts.documents, 4);
    assert_eq!(counts.not_counted, 1, "1101012001001 has no chart yet");
    assert_eq!(
        counts.without_administration, 1,
        "6401012009002: status_adm false"
    );
    assert_eq!(
        counts.invalid_unknown, 1,
        "6401012009002 gives no suara_tidak_sah"
    );
    let by_station = |code: &str| sheets.iter().find(|s| s.station == code).expect(code);
    let full = by_station("6401012009001");
    assert_eq!(full.sheet.votes, vec![40, 100, 60]);
    assert_eq!((full.sheet.valid, full.sheet.invalid), (200, Some(4)));
    assert!(
        full.sheet.votes_only,
        "the portal publishes no ballot counts"
    );
    let source = full.source.as_ref().expect("noted");
    let bytes = std::fs::read(fixture(
        "sirekap/tree/64/6401/640101/6401012009/6401012009001.json",
    ))
    .unwrap();
    assert_eq!(source.document, *blake3::hash(&bytes).as_bytes());
    assert_eq!(source.photos.len(), 2, "the null photo is skipped");
    let partial = by_station("6401012009002");
    assert_eq!(
        (partial.sheet.valid, partial.sheet.invalid),
        (195, None),
        "no suara_tidak_sah: absent, not 0"
    );
    let regional = by_station("6401012010149");
    assert_eq!(regional.sheet.votes, vec![10, 20, 30], "read from tungsura");
    assert_eq!(
        (regional.sheet.valid, regional.sheet.invalid),
        (60, Some(1))
    );
}

#[test]
fn the_plan_carries_each_sheet_and_then_its_source() {
    let state = national_state();
    let (sheets, _, _) = read_all(
        &[fixture("sirekap/tree")],
        &candidates("sirekap/ppwp-by-province.json"),
    );
    let sheets = sheets.unwrap();
    let plan =
        plan_sourced(&state, &pk(OPERATOR), &sheets, &ImportLimits::default()).expect("plans");
    assert_eq!(plan.sheets, 3);
    assert_eq!(plan.events.len(), 6);
    for pair in plan.events.chunks(2) {
        let [Event::SheetSubmitted { station, .. }, Event::SheetSource {
            station: noted,
            document,
            ..
        }] = pair
        else {
            panic!("expected a sheet then its source: {pair:?}");
        };
        assert_eq!(station, noted);
        // The plan names the station as the definition does (`6401012010-149` for a
        // village's numbered stations), the portal by its 13-digit TPS code.
        let id = |code: &str| state.election().find_station(code);
        let sourced = sheets
            .iter()
            .find(|s| id(&s.station) == id(station))
            .expect("a sheet of the plan");
        assert_eq!(Some(*document), sourced.source.as_ref().map(|s| s.document));
    }
    // Applied, the sheets count; a second plan finds them imported.
    let mut state = state;
    apply(&mut state, plan.events);
    let again = plan_sourced(&state, &pk(OPERATOR), &sheets, &ImportLimits::default()).unwrap();
    assert_eq!((again.sheets, again.already_imported), (0, 3));
}

#[test]
fn a_malformed_document_is_refused_with_its_pointers() {
    let file = fixture("sirekap/bad/6401012009001.json");
    let (result, _, _) = read_all(&[file], &candidates("sirekap/ppwp.json"));
    let problems = result.expect_err("refused");
    let at: Vec<&str> = problems.iter().map(|p| p.at.as_str()).collect();
    for pointer in [
        "/chart/100026",
        "/administrasi/suara_tidak_sah",
        "/images",
        "/status_adm",
    ] {
        assert!(at.contains(&pointer), "{pointer} in {problems:?}");
    }
    assert!(problems
        .iter()
        .all(|p| p.file.ends_with("6401012009001.json")));
    let shown = problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        shown.contains("/chart/100026: expected a count, found text"),
        "{shown}"
    );
}

#[test]
fn a_hard_rule_is_reported_at_the_field_it_is_about() {
    let state = national_state();
    let (sheets, _, _) = read_all(
        &[fixture("sirekap/bad/6401012009002.json")],
        &candidates("sirekap/ppwp.json"),
    );
    let error = plan_sourced(
        &state,
        &pk(OPERATOR),
        &sheets.unwrap(),
        &ImportLimits::default(),
    )
    .expect_err("the chart does not add up to suara_sah");
    let FormatError::Rejected { problems, .. } = error else {
        panic!("expected a rejection: {error:?}");
    };
    let problem = problems.first().expect("one problem");
    assert_eq!(problem.at, "/administrasi/suara_sah", "{problem:?}");
    assert!(problem.rule.is_some(), "names the rule: {problem:?}");
    assert_eq!(problem.station.as_deref(), Some("6401012009002"));
}

#[test]
fn a_chart_without_candidates_must_be_keyed_by_ballot_number() {
    let bytes = br#"{"chart":{"1":5,"2":6,"3":7,"null":null}}"#;
    let shape = ContestShape {
        id: "pilpres",
        pairs: 3,
        candidates: None,
    };
    let mut counts = DocumentCounts::default();
    let sheet = sirekap::read_document("x.json", bytes, "6401012009001", &shape, &mut counts)
        .expect("reads")
        .expect("a sheet");
    assert_eq!(sheet.sheet.votes, vec![5, 6, 7]);
    let bytes = br#"{"chart":{"100025":5,"null":3}}"#;
    let problems = sirekap::read_document("x.json", bytes, "6401012009001", &shape, &mut counts)
        .expect_err("an id without the candidates file; votes for no one");
    let at: Vec<&str> = problems.iter().map(|p| p.at.as_str()).collect();
    assert!(
        at.contains(&"/chart/100025") && at.contains(&"/chart/null") && at.contains(&"/chart"),
        "{problems:?}"
    );
}

#[test]
fn no_input_panics_and_each_is_refused_or_read() {
    let shape = ContestShape {
        id: "pilpres",
        pairs: 3,
        candidates: None,
    };
    let inputs: [&[u8]; 8] = [
        b"",
        b"[]",
        b"null",
        b"{\"chart\": 5}",
        b"{\"tungsura\": []}",
        b"{\"chart\": {\"1\": 1e3, \"2\": 18446744073709551616, \"3\": -1}}",
        b"{\"images\": [1, {}], \"administrasi\": []}",
        "{\"chart\": {\"~/\u{e9}\": 1}}".as_bytes(),
    ];
    for input in inputs {
        let mut counts = DocumentCounts::default();
        let read = sirekap::read_document("x.json", input, "6401012009001", &shape, &mut counts);
        assert!(
            read.is_err(),
            "{:?} is refused",
            String::from_utf8_lossy(input)
        );
    }
    let mut counts = DocumentCounts::default();
    let problems =
        sirekap::read_document("x.json", inputs[7], "6401012009001", &shape, &mut counts)
            .unwrap_err();
    assert_eq!(
        problems[0].at, "/chart/~0~1\u{e9}",
        "escaped as RFC 6901 says"
    );
}

#[test]
fn a_document_is_read_as_it_streams_with_every_field_checked() {
    let shape = ContestShape {
        id: "pilpres",
        pairs: 3,
        candidates: None,
    };
    let read = |bytes: &[u8]| {
        let mut counts = DocumentCounts::default();
        sirekap::read_document("x.json", bytes, "6401012009001", &shape, &mut counts)
    };
    // Unknown fields of any shape are skipped; under tungsura the root's chart is not read.
    let sheet = read(
        br#"{"extra":{"a":[1,{"b":null}]},"chart":"not read","tungsura":{"chart":{"1":1,"2":2,"3":3},"x":[]}}"#,
    )
    .expect("reads")
    .expect("a sheet");
    assert_eq!(sheet.sheet.votes, vec![1, 2, 3]);
    assert_eq!(
        sheet.fields.get("votes_2").map(String::as_str),
        Some("/tungsura/chart/2")
    );
    // A ballot number given twice (the same key twice) is refused at its pointer.
    let problems = read(br#"{"chart":{"1":1,"2":2,"3":3,"2":5}}"#).expect_err("refused");
    assert!(
        problems
            .iter()
            .any(|p| p.at == "/chart/2" && p.reason.to_string().contains("second count")),
        "{problems:?}"
    );
    // Trailing text after the document is a syntax error.
    let problems = read(br#"{"chart":null} {}"#).expect_err("refused");
    assert!(
        problems[0].reason.to_string().starts_with("not JSON"),
        "{problems:?}"
    );
    // A syntax error names its position once: "(line 1, column 25)", not also serde's own
    // " at line 1 column 25" inside the message.
    let problems = read(br#"{"chart": {"100025": 12,, }"#).expect_err("refused");
    let reason = problems[0].reason.to_string();
    assert_eq!(
        reason, "not JSON: key must be a string (line 1, column 25)",
        "{problems:?}"
    );
}

/// `read_tree` (walking and reading on several threads, in pieces two folders below each
/// root) gives what one thread walking the tree and reading each document in turn gives:
/// the same sheets in the same order, the same counts, skipped files and problems, for a
/// root at the top, roots lower down, named files and malformed documents.
#[test]
fn the_tree_read_on_several_threads_is_the_tree_read_in_turn() {
    let candidates = candidates("sirekap/ppwp.json");
    let shape = ContestShape {
        id: "pilpres",
        pairs: 3,
        candidates: Some(&candidates),
    };
    let cases: [Vec<std::path::PathBuf>; 4] = [
        vec![fixture("sirekap/tree")],
        vec![
            fixture("sirekap/tree/64/6401"),
            fixture("sirekap/tree/11/1101/110101/1101012001"),
        ],
        vec![fixture(
            "sirekap/tree/64/6401/640101/6401012009/6401012009001.json",
        )],
        vec![
            fixture("sirekap/bad/6401012009001.json"),
            fixture("sirekap/bad/6401012009002.json"),
            fixture("sirekap/tree"),
        ],
    ];
    for paths in cases {
        let (in_turn, counts, skipped) = read_all(&paths, &candidates);
        for threads in [1, 3] {
            let read = sirekap::read_tree(&paths, &shape, threads).expect("reads");
            assert_eq!(read.counts, counts, "{paths:?} on {threads}");
            assert_eq!(read.skipped, skipped, "{paths:?} on {threads}");
            match &in_turn {
                Ok(sheets) => {
                    assert!(read.problems.is_empty(), "{:?}", read.problems);
                    assert_eq!(&read.sheets, sheets, "{paths:?} on {threads}");
                }
                Err(problems) => assert_eq!(&read.problems, problems, "{paths:?}"),
            }
        }
    }
    let missing = [fixture("sirekap/no-such-folder/6401012009001.json")];
    assert!(matches!(
        sirekap::read_tree(&missing, &shape, 2),
        Err(FormatError::Io { .. })
    ));
}
