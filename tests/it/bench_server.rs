//! `rekap bench-server` does the work it reports: every sheet and correction of its
//! workload is accepted (a bench whose submissions were refused would measure refusals).
//! Nothing here is timed; the figures are read only for their counts.

use crate::harness::{code, stderr, stdout, Sandbox};

/// The row of the bench's table for `clients`, split into its cells.
fn row(table: &str, clients: &str) -> Vec<String> {
    table
        .lines()
        .map(|line| {
            line.split('|')
                .map(|cell| cell.trim().to_owned())
                .collect::<Vec<_>>()
        })
        .find(|cells| cells.get(1).map(String::as_str) == Some(clients))
        .unwrap_or_else(|| panic!("no row for {clients} clients in:\n{table}"))
}

#[test]
fn bench_server_sheets_and_corrections_are_all_accepted() {
    let sandbox = Sandbox::new();
    let dir = sandbox.path("bench");
    let out = sandbox.run(&[
        "bench-server",
        "--stations",
        "300",
        "--seconds",
        "1",
        "--clients",
        "2",
        "--correct-every",
        "5",
        "--readers",
        "2",
        "--dir",
        dir.to_str().expect("a UTF-8 path"),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let table = stdout(&out);
    let cells = row(&table, "2");
    let header = row(&table, "clients");
    let cell = |name: &str| {
        let index = header
            .iter()
            .position(|heading| heading == name)
            .unwrap_or_else(|| panic!("no column {name} in {header:?}"));
        cells[index]
            .parse::<f64>()
            .unwrap_or_else(|_| panic!("{name}: {cells:?}"))
    };
    assert_eq!(cell("refused"), 0.0, "{table}");
    assert!(cell("accepted/s") > 0.0, "{table}");
    assert!(cell("of them corrections/s") > 0.0, "{table}");
    assert!(cell("reads/s") > 0.0, "the readers were answered: {table}");
    // The split by thread is of the server's CPU: four parts, together at most the whole
    // (each rounded to 0.01, and threads other than the four count for none).
    let split_name = "of them HTTP / verify / writer / publisher";
    let split_index = header
        .iter()
        .position(|heading| heading == split_name)
        .unwrap_or_else(|| panic!("no column {split_name} in {header:?}"));
    let parts: Vec<f64> = cells[split_index]
        .split(" / ")
        .map(|part| part.parse().unwrap_or_else(|_| panic!("{cells:?}")))
        .collect();
    assert_eq!(parts.len(), 4, "{table}");
    assert!(parts.iter().all(|cores| *cores >= 0.0), "{table}");
    assert!(
        parts.iter().sum::<f64>() <= cell("server cores") + 0.05,
        "{table}"
    );
}
