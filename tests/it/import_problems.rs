//! `rekap import --problems FILE`: every problem of a refused file as CSV (not only the
//! first 1,000 that stderr lists), a summary by rule, and line numbers right for CRLF files.

use crate::harness::{code, stderr, Sandbox};
use crate::import::set_up;

/// The demo's sheets with every row's first pair votes raised by one, so that each breaks
/// the votes rule; with CRLF line endings.
fn every_row_bad(sandbox: &Sandbox) -> (String, usize) {
    let good = std::fs::read_to_string(sandbox.path("in/sheets.csv")).unwrap();
    let mut lines: Vec<String> = good.lines().map(str::to_owned).collect();
    let votes_1 = lines[0]
        .split(',')
        .position(|name| name == "votes_1")
        .unwrap();
    for line in lines.iter_mut().skip(1) {
        let mut fields: Vec<String> = line.split(',').map(str::to_owned).collect();
        let votes: u64 = fields[votes_1].parse().unwrap();
        fields[votes_1] = (votes + 1).to_string();
        *line = fields.join(",");
    }
    let rows = lines.len() - 1;
    (lines.join("\r\n") + "\r\n", rows)
}

#[test]
fn every_problem_goes_to_the_file_with_line_station_column_and_rule() {
    let sandbox = set_up();
    let (text, rows) = every_row_bad(&sandbox);
    std::fs::write(sandbox.path("bad.csv"), &text).unwrap();
    let output = sandbox.run(&[
        "import",
        "--store",
        "store",
        "--key",
        "in/keys/operator.key",
        "bad.csv",
        "--problems",
        "problems.csv",
    ]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let said = stderr(&output);
    assert!(said.contains("by rule or column:"), "{said}");
    assert!(said.contains("every problem is in problems.csv"), "{said}");
    // stderr lists the first 20 and counts the rest; the file holds every one.
    assert!(
        said.contains(&format!("... and {} more", rows - 20)),
        "{said}"
    );
    let mut reader = csv::Reader::from_path(sandbox.path("problems.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    assert_eq!(
        header.iter().collect::<Vec<_>>(),
        ["line", "station", "column", "rule", "reason"]
    );
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(
        records.len() >= rows,
        "{} problems for {rows} bad rows",
        records.len()
    );
    let source: Vec<&str> = text.split("\r\n").collect();
    for record in &records {
        let line: usize = record[0].parse().unwrap();
        // The line an editor shows holds the station the problem names.
        assert!(
            source[line - 1].starts_with(&format!("{},", &record[1])),
            "{record:?}"
        );
        assert!(record[3].starts_with('R'), "{record:?}");
    }
}
