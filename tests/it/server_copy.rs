//! Every read command takes `--server URL`: it runs on a verified copy of the server's log
//! and prints exactly what it prints on the local store at the same head (src/client/copy.rs).

use std::time::{Duration, Instant};

use crate::harness::{code, stderr, stdout, Sandbox};
use crate::server::{election, sheet_args, station, Server, CONTEST};

fn run_ok(sandbox: &Sandbox, args: &[&str]) -> String {
    let out = sandbox.run(args);
    assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
    stdout(&out)
}

/// The read commands compared, each without `--store` or `--server`.
const READS: &[&[&str]] = &[
    &["sheet", "6472010001-001"],
    &["sheet", "6472010001-002", "-f", "json", "--lang", "id"],
    &["history", "--station", "6472010001-001"],
    &["history", "--region", "647201", "-f", "csv"],
    &["list", "officers"],
    &["list", "regions", "--level", "village", "-f", "json"],
    &["list", "objections"],
    &["totals"],
    &["totals", "--lang", "id", "--level", "village"],
    &["totals", "--at", "2", "-f", "json"],
    &["totals", "--region", "6472010001", "-f", "csv"],
    &["status"],
    &["log-key"],
    &["checkpoint"],
    &["prove-record", "--seq", "2"],
    &["prove-consistency", "--from", "2", "--to", "4"],
    &["verify", "-f", "json"],
    &["audit", "-f", "json"],
    &["compare", "--with", "district.csv", "--level", "district"],
];

fn submit(sandbox: &Sandbox, n: usize, server: Option<&str>) {
    let mut args = vec![
        "submit".to_owned(),
        "--key".into(),
        "keys/operator0.key".into(),
    ];
    args.extend(sheet_args(&station(n), 10 + n as u32 % 7));
    if let Some(url) = server {
        args.extend(["--server".to_owned(), url.to_owned()]);
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    run_ok(sandbox, &refs);
}

fn a_store_with_sheets_and_an_objection() -> Sandbox {
    let sandbox = election();
    for n in [0, 1, 150] {
        submit(&sandbox, n, None);
    }
    let objection = [
        "object",
        "--key",
        "keys/witness.key",
        "--station",
        "6472010001-001",
        "--contest",
        CONTEST,
        "--text",
        "the photo differs",
    ];
    run_ok(&sandbox, &objection);
    let csv = run_ok(&sandbox, &["totals", "--level", "district", "-f", "csv"]);
    std::fs::write(sandbox.path("district.csv"), csv).unwrap();
    sandbox
}

#[test]
fn every_read_command_prints_through_the_server_what_it_prints_locally() {
    let sandbox = a_store_with_sheets_and_an_objection();
    let local: Vec<String> = READS
        .iter()
        .map(|read| {
            let mut args = read.to_vec();
            args.extend(["--store", "rekap-store"]);
            run_ok(&sandbox, &args)
        })
        .collect();
    run_ok(
        &sandbox,
        &["export", "--store", "rekap-store", "--out", "local.rekap"],
    );
    let server = Server::start(&sandbox, &["--publish-interval-ms", "0"]);
    for (read, local) in READS.iter().zip(&local) {
        let mut args = read.to_vec();
        args.extend(["--server", server.url.as_str()]);
        assert_eq!(&run_ok(&sandbox, &args), local, "{read:?}");
    }
    let export = [
        "export",
        "--out",
        "served.rekap",
        "--server",
        server.url.as_str(),
    ];
    run_ok(&sandbox, &export);
    let bytes = |name: &str| std::fs::read(sandbox.path(name)).unwrap();
    assert_eq!(bytes("served.rekap"), bytes("local.rekap"));
    assert_eq!(server.stop(), 0);
}

#[test]
fn the_copy_fetches_what_the_server_appended_since_and_checks_it() {
    let sandbox = a_store_with_sheets_and_an_objection();
    let server = Server::start(&sandbox, &["--checkpoint-interval-ms", "100"]);
    let url = server.url.as_str();
    let first = sandbox.run(&["sheet", &station(2), "-f", "json", "--server", url]);
    assert_eq!(code(&first), 0, "{}", stderr(&first));
    assert!(
        stdout(&first).contains("\"awaiting\""),
        "no sheet yet: {}",
        stdout(&first)
    );
    assert!(
        stderr(&first).contains("log key its genesis names"),
        "the first use says which key it trusts: {}",
        stderr(&first)
    );
    submit(&sandbox, 2, Some(url));
    let deadline = Instant::now() + Duration::from_secs(20);
    let shown = loop {
        let out = sandbox.run(&["sheet", &station(2), "-f", "json", "--server", url]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        if stdout(&out).contains("\"counted\"") {
            assert!(
                !stderr(&out).contains("genesis names"),
                "said once: {}",
                stderr(&out)
            );
            break stdout(&out);
        }
        assert!(Instant::now() < deadline, "never copied: {}", stdout(&out));
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(shown.contains("\"valid\""), "{shown}");
    // The copy holds the new record, verified: its own verify and audit pass.
    let audit = run_ok(&sandbox, &["audit", "-f", "json", "--server", url]);
    assert!(audit.contains("\"ok\":true"), "{audit}");
    assert_eq!(server.stop(), 0);
}

#[test]
fn a_copy_pinned_to_another_log_key_refuses_the_server() {
    let sandbox = a_store_with_sheets_and_an_objection();
    let server = Server::start(&sandbox, &[]);
    // Another election's log key: a valid vkey the served log never named.
    let other = election();
    let wrong = run_ok(&other, &["log-key", "--store", "rekap-store"]);
    let wrong = wrong.trim();
    let out = sandbox.run(&["totals", "--server", &server.url, "--server-log-key", wrong]);
    assert_ne!(code(&out), 0, "{}", stdout(&out));
    assert!(
        stdout(&out).is_empty(),
        "nothing printed from an unchecked copy"
    );
    assert_eq!(server.stop(), 0);
}
