//! `rekap serve` signs checkpoints with the store's log key and serves the tile tree under
//! /tlog/ (C2SP tlog-tiles): the same bytes as the library (rekap_ledger::tiles), full tiles
//! immutable, a partial tile's path 404 once its full tile is in the tree.

use std::time::{Duration, Instant};

use crate::harness::{code, stderr, stdout};
use crate::server::{election, get, get_bytes, load, offline, post, station, submit_cli, Server};

/// The served checkpoint once it is of `size` records.
fn checkpoint_of(url: &str, size: u64) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (status, note) = get(&format!("{url}/tlog/checkpoint"));
        if status == 200 && note.lines().nth(1) == Some(size.to_string().as_str()) {
            return note;
        }
        assert!(
            Instant::now() < deadline,
            "no checkpoint of {size}: {status} {note}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn the_server_signs_checkpoints_and_serves_their_tiles() {
    let sandbox = election();
    let server = Server::start(&sandbox, &["--checkpoint-interval-ms", "0"]);
    let url = server.url.clone();
    // At start: the genesis alone, signed.
    let note = checkpoint_of(&url, 1);
    assert!(note.starts_with("rekap/"), "{note}");
    assert_eq!(get_bytes(&format!("{url}/tlog/tile/0/000.p/1")).len(), 32);
    // 259 sheets: 260 records, so level-0 tile 000 is full.
    let received = load(&sandbox, &url, 0, 259);
    assert_eq!(received.len(), 259);
    checkpoint_of(&url, 260);
    let (status, _) = get(&format!("{url}/tlog/tile/0/000.p/1"));
    assert_eq!(status, 404, "a partial tile whose full tile exists");
    let full = agent_get(&format!("{url}/tlog/tile/0/000"));
    assert_eq!(full.0, 200);
    assert!(full.1.contains("immutable"), "{}", full.1);
    let edge = agent_get(&format!("{url}/tlog/tile/0/001.p/4"));
    assert_eq!((edge.0, edge.1.as_str()), (200, "no-cache"));
    let served: Vec<Vec<u8>> = [
        "tile/0/000",
        "tile/0/001.p/4",
        "tile/entries/000",
        "records/001.p/4",
    ]
    .iter()
    .map(|path| get_bytes(&format!("{url}/tlog/{path}")))
    .collect();
    let (status, _) = get(&format!("{url}/tlog/tile/0/002"));
    assert_eq!(status, 404, "beyond the checkpoint");
    assert_eq!(server.stop(), 0);
    // The library's bytes for the same checkpoint, from the store.
    let out = sandbox.run(&["publish", "--store", "rekap-store", "--out", "web"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    for (path, bytes) in [
        "tile/0/000",
        "tile/0/001.p/4",
        "tile/entries/000",
        "records/001.p/4",
    ]
    .iter()
    .zip(served)
    {
        let published = std::fs::read(sandbox.path(&format!("web/{path}"))).unwrap();
        assert_eq!(published, bytes, "{path}");
    }
}

/// Status and Cache-Control of a GET.
fn agent_get(url: &str) -> (u16, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let response = agent.get(url).call().unwrap();
    let cache = response
        .headers()
        .get("cache-control")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (response.status().as_u16(), cache)
}

/// A receipt carries the record's inclusion in the published checkpoint: the CLI waits for
/// it, checks it and prints it; a retry carries it in its receipt; GET /v1/inclusion/{seq}
/// answers it, and 404 with Retry-After for a record no checkpoint holds yet (issue 13).
#[test]
fn receipts_carry_the_record_s_inclusion_in_a_signed_checkpoint() {
    let sandbox = election();
    let server = Server::start(&sandbox, &["--checkpoint-interval-ms", "100"]);
    let url = server.url.clone();
    let out = submit_cli(&sandbox, &url, "operator0", &station(0), 10);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).contains("appended record 2"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("size 2 (root") && stdout(&out).contains("inclusion proof verified"),
        "{}",
        stdout(&out)
    );
    let (status, body) = get(&format!("{url}/v1/inclusion/2"));
    assert_eq!(status, 200, "{body}");
    let inclusion: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert!(inclusion["size"].as_u64() >= Some(2), "{inclusion}");
    let proof = inclusion["tlog_proof"].as_str().expect("tlog-proof");
    assert!(
        proof.starts_with("c2sp.org/tlog-proof@v1\nindex 1\n"),
        "{proof}"
    );
    assert_eq!(get(&format!("{url}/v1/inclusion/99")).0, 404);
    assert_eq!(get(&format!("{url}/v1/inclusion/0")).0, 400);
    assert_eq!(get(&format!("{url}/v1/inclusion/two")).0, 400);
    // A submission sent twice: the retry's receipt holds its inclusion.
    std::fs::write(
        sandbox.path("election-hash.json"),
        get(&format!("{url}/v1/election")).1,
    )
    .expect("write");
    let line = offline(&sandbox, "operator1", &station(1), 11);
    let (status, first, _) = post(&format!("{url}/v1/submissions"), &line);
    assert_eq!(status, 201, "{first}");
    checkpoint_of(&url, 3);
    let (status, again, _) = post(&format!("{url}/v1/submissions"), &line);
    assert_eq!(status, 200, "{again}");
    let receipt: serde_json::Value = serde_json::from_str(&again).expect("json");
    assert_eq!(receipt["transparency"]["size"], 3, "{receipt}");
    assert!(
        receipt["transparency"]["tlog_proof"].is_string(),
        "{receipt}"
    );
    // Not waiting: the receipt at once, the inclusion asked for later.
    let mut args = vec![
        "submit".to_owned(),
        "--key".into(),
        "keys/operator2.key".into(),
    ];
    args.extend(crate::server::sheet_args(&station(2), 12));
    args.extend([
        "--server".into(),
        url.clone(),
        "--inclusion-wait-ms".into(),
        "0".into(),
    ]);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = sandbox.run(&refs);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    // (A checkpoint signed between the commit and the answer may already hold it.)
    let printed = stdout(&out);
    assert!(
        printed.contains("GET /v1/inclusion/4 later") || printed.contains("proof verified"),
        "{printed}"
    );
    assert_eq!(server.stop(), 0);
}
