//! `rekap mirror --listen` (issue 14): a mirror serving what it verified with the server's
//! own router, read-only, on loopback. The same answers as the server for totals, a
//! station, a proof and the tile tree; 405 naming the origin for every write; `/v1/mirror`
//! saying what it verified, and its alarm once the server rewrote its log.

use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::harness::{code, stderr, Sandbox};
use crate::mirror::{assert_proves, evidence_in, post, run_ok, serve, Process};
use crate::server::{election, get, station, CONTEST};

fn listening_mirror(sandbox: &Sandbox, url: &str, store: &str) -> Process {
    Process::start(
        sandbox,
        &[
            "mirror",
            "--from",
            url,
            "--store",
            store,
            "--log-key",
            "log.vkey",
            "--interval-ms",
            "100",
            "--listen",
            "127.0.0.1:0",
        ],
    )
}

/// `/v1/mirror` of a listening mirror, once `done` holds of it (bounded wait).
fn mirror_status_when(url: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (status, body) = get(&format!("{url}/v1/mirror"));
        if status == 200 {
            let value: Value = serde_json::from_str(&body).expect("status JSON");
            if done(&value) {
                return value;
            }
        }
        assert!(
            Instant::now() < deadline,
            "the mirror never got there: {body}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The same GET on both, answered alike (status and body).
fn same_answer(server: &str, mirror: &str, path: &str) -> (u16, String) {
    let ours = get(&format!("{server}{path}"));
    let theirs = get(&format!("{mirror}{path}"));
    assert_eq!(ours, theirs, "{path}");
    ours
}

fn stop_with_code(process: Process, limit: Duration) -> (i32, String) {
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(process_id(&process))
        .status();
    process.wait_exit(limit)
}

fn process_id(process: &Process) -> String {
    process.id().to_string()
}

/// A sheet for each of the 300 stations, as one import (record 2).
pub(crate) fn import_every_station(sandbox: &Sandbox) {
    let mut csv = String::from("station,contest,votes_1,votes_2,valid,invalid\n");
    for n in 0..300 {
        let one = 10 + n % 5;
        csv += &format!("{},{CONTEST},{one},7,{},3\n", station(n), one + 7);
    }
    std::fs::write(sandbox.path("sheets.csv"), csv).expect("write");
    run_ok(
        sandbox,
        &["import", "--key", "keys/operator0.key", "sheets.csv"],
    );
}

/// The district's plenary approves the contest in `store` (one record), so its stations
/// have proofs.
pub(crate) fn approve_district(sandbox: &Sandbox, store: &str) {
    let region = ["--store", store, "--region", "647201", "--contest", CONTEST];
    let signature = format!("{store}.signature.json");
    let mut sign = vec!["sign", "--key", "keys/witness.key", "--out", &signature];
    sign.extend(region);
    run_ok(sandbox, &sign);
    let mut approve = vec![
        "approve",
        "--key",
        "keys/district.key",
        "--signature",
        &signature,
    ];
    approve.extend(region);
    run_ok(sandbox, &approve);
}

#[test]
fn a_listening_mirror_answers_as_the_server_refuses_writes_and_shows_its_alarm() {
    let sandbox = election();
    std::fs::write(sandbox.path("log.vkey"), run_ok(&sandbox, &["log-key"])).expect("vkey");
    import_every_station(&sandbox);
    let copy = sandbox.shell("cp -a rekap-store rewritten-store");
    assert_eq!(code(&copy), 0, "{}", stderr(&copy));
    approve_district(&sandbox, "rekap-store");
    let server = serve(&sandbox, "rekap-store", "127.0.0.1:0");
    let url = server.url();
    let mirror = listening_mirror(&sandbox, &url, "m");
    let mirror_url = mirror.url();
    let status = mirror_status_when(&mirror_url, |status| status["size"] == 3);
    assert_eq!(status["origin"], url.as_str(), "{status}");
    assert_eq!(status["lag"], 0, "{status}");
    assert!(status["alarm"].is_null(), "{status}");
    assert!(status["checkpoint"].is_string(), "{status}");
    // Readers' snapshots are published after the poll: wait for the mirror's head.
    let deadline = Instant::now() + Duration::from_secs(30);
    while get(&format!("{mirror_url}/v1/totals")) != get(&format!("{url}/v1/totals")) {
        assert!(
            Instant::now() < deadline,
            "the mirror's totals never matched"
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    let (totals, _) = same_answer(&url, &mirror_url, "/v1/totals");
    assert_eq!(totals, 200);
    let (sheet, _) = same_answer(&url, &mirror_url, &format!("/v1/stations/{}", station(7)));
    assert_eq!(sheet, 200);
    let (proof, text) = same_answer(
        &url,
        &mirror_url,
        &format!("/v1/stations/{}/proof?contest={CONTEST}", station(7)),
    );
    assert_eq!(proof, 200, "{text}");
    for path in ["/tlog/checkpoint", "/tlog/tile/0/000.p/3", "/v1/election"] {
        assert_eq!(same_answer(&url, &mirror_url, path).0, 200, "{path}");
    }
    assert_eq!(
        crate::server::get_bytes(&format!("{url}/tlog/records/000.p/3")),
        crate::server::get_bytes(&format!("{mirror_url}/tlog/records/000.p/3"))
    );

    // Writes belong to the origin.
    let (refused, body) = post(&format!("{mirror_url}/v1/submissions"), "{}");
    assert_eq!(refused, 405, "{body}");
    let problem: Value = serde_json::from_str(&body).expect("problem JSON");
    assert_eq!(problem["origin"], url.as_str(), "{problem}");
    assert!(
        problem["detail"].as_str().is_some_and(|d| d.contains(&url)),
        "{problem}"
    );
    let (counter, body) = get(&format!("{mirror_url}/v1/counters/{}", "00".repeat(32)));
    assert_eq!(counter, 405, "{body}");
    // A server is not a mirror.
    assert_eq!(get(&format!("{url}/v1/mirror")).0, 404);

    // The server rewrites record 3 (the approval, recorded at another time) and serves the
    // rewritten log at the same address.
    std::thread::sleep(Duration::from_millis(5));
    approve_district(&sandbox, "rewritten-store");
    let address = url.trim_start_matches("http://").to_owned();
    server.stop();
    let rewriting = serve(&sandbox, "rewritten-store", &address);
    let alarmed = mirror_status_when(&mirror_url, |status| !status["alarm"].is_null());
    assert_eq!(
        alarmed["size"], 3,
        "nothing of the rewrite is held: {alarmed}"
    );
    assert!(alarmed["alarm"]["evidence"].is_string(), "{alarmed}");
    assert_proves(&sandbox, &evidence_in(&sandbox.path("m/mirror/evidence")));
    // It keeps serving what it verified.
    assert_eq!(get(&format!("{mirror_url}/v1/totals")).0, 200);
    let (exit, text) = stop_with_code(mirror, Duration::from_secs(30));
    assert_eq!(exit, 1, "an alarm: {text}");
    rewriting.stop();
}
