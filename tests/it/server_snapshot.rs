//! `rekap serve`'s readers' snapshots (two replicas swapped by the publisher thread, see
//! crates/rekap-server/src/publisher.rs) and the CLI against a store the server holds.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::harness::{code, stderr, stdout};
use crate::server::{election, get, json_of, station, submit_cli, Server};

/// The served totals once the snapshot reaches `count` records.
fn totals_at(url: &str, count: u64) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (status, body) = get(&format!("{url}/v1/totals"));
        assert_eq!(status, 200, "{body}");
        let totals = json_of(&body);
        if totals["head"]["count"].as_u64() == Some(count) {
            return totals;
        }
        assert!(
            Instant::now() < deadline,
            "the snapshot never reached {count}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Many publishes, so each replica is published, handed back and brought up to date
/// several times: every snapshot answers exactly what a replay of the log answers.
#[test]
fn snapshots_after_many_publishes_answer_what_the_log_holds() {
    let sandbox = election();
    let server = Server::start(&sandbox, &["--publish-interval-ms", "1"]);
    let mut count = 1;
    let mut served = Value::Null;
    for wave in 0..4 {
        for n in 0..3 {
            let index = wave * 3 + n;
            let out = submit_cli(
                &sandbox,
                &server.url,
                "operator0",
                &station(index),
                10 + n as u32,
            );
            assert_eq!(code(&out), 0, "{}", stderr(&out));
            count += 1;
        }
        served = totals_at(&server.url, count);
        let one: u64 = (0..=wave).map(|_| 10 + 11 + 12).sum();
        assert_eq!(
            served["regions"][0]["votes"]["1"].as_u64(),
            Some(one),
            "{served}"
        );
    }
    assert_eq!(server.stop(), 0);
    let local = sandbox.run(&["totals", "--format", "json"]);
    assert_eq!(code(&local), 0, "{}", stderr(&local));
    let mut local = json_of(&stdout(&local));
    for totals in [&mut local, &mut served] {
        if let Some(object) = totals.as_object_mut() {
            object.remove("head");
        }
    }
    assert_eq!(served, local);
}

/// While `rekap serve` holds the store, a command that opens it is exit 4 (locked) with a
/// hint to send it to the server; nothing is written.
#[test]
fn cli_commands_against_a_served_store_are_exit_4_with_the_server_hint() {
    let sandbox = election();
    let server = Server::start(&sandbox, &[]);
    let commands: [&[&str]; 5] = [
        &["status"],
        &["verify"],
        &["audit"],
        &["export", "--out", "export.rekap"],
        &["checkpoint"],
    ];
    for args in commands {
        let args = [args, &["--store", "rekap-store"]].concat();
        let out = sandbox.run(&args);
        assert_eq!(code(&out), 4, "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("--server"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    assert!(!sandbox.path("export.rekap").exists());
    // `publish` too (issue 12): the server serves the tile tree itself, under /tlog/.
    let out = sandbox.run(&["publish", "--store", "rekap-store", "--out", "web"]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    assert!(stderr(&out).contains("/tlog/"), "{}", stderr(&out));
    assert!(!sandbox.path("web").exists());
    let (_, totals) = get(&format!("{}/v1/totals", server.url));
    assert_eq!(json_of(&totals)["head"]["count"].as_u64(), Some(1));
    assert_eq!(server.stop(), 0);
}

/// What docs/OPERATOR.md says readers of a served store do: `totals` and `status` answer
/// from their saved views while those are of the log's last record, `list` always opens the
/// store (exit 4 with the hint); once the server accepted a write the saved views are stale
/// and `totals` too is exit 4 with the hint.
#[test]
fn readers_of_a_served_store_answer_from_current_views_and_exit_4_otherwise() {
    let sandbox = crate::harness::Sandbox::new();
    let demo = sandbox.run(&[
        "demo",
        "-s",
        "rekap-store",
        "--stations",
        "3",
        "--inputs",
        "in",
    ]);
    assert_eq!(code(&demo), 0, "{}", stderr(&demo));
    let server = Server::start(&sandbox, &[]);
    for reader in ["totals", "status"] {
        let answered = sandbox.run(&[reader, "--store", "rekap-store"]);
        assert_eq!(code(&answered), 0, "{reader}: {}", stderr(&answered));
    }
    let list = sandbox.run(&["list", "contests", "--store", "rekap-store"]);
    assert_eq!(code(&list), 4, "{}", stderr(&list));
    assert!(stderr(&list).contains("--server"), "{}", stderr(&list));
    let sheets = std::fs::read_to_string(sandbox.path("in/sheets.csv")).unwrap();
    let station = sheets.lines().nth(1).unwrap().split(',').next().unwrap();
    let count = |url: &str| {
        let (_, totals) = get(&format!("{url}/v1/totals"));
        json_of(&totals)["head"]["count"].as_u64().unwrap()
    };
    let before = count(&server.url);
    let sent = sandbox.run(&[
        "object",
        "--key",
        "in/keys/witness-1.key",
        "--station",
        station,
        "--contest",
        "pilgub-kaltim-2024",
        "--text",
        "the photo differs",
        "--server",
        &server.url,
    ]);
    assert_eq!(code(&sent), 0, "{}", stderr(&sent));
    totals_at(&server.url, before + 1);
    let stale = sandbox.run(&["totals", "--store", "rekap-store"]);
    assert_eq!(code(&stale), 4, "{}", stderr(&stale));
    assert!(stderr(&stale).contains("--server"), "{}", stderr(&stale));
    assert_eq!(server.stop(), 0);
}
