//! `rekap serve` signs checkpoints with the store's log key and serves the tile tree under
//! /tlog/ (C2SP tlog-tiles): the same bytes as the library (rekap_ledger::tiles), full tiles
//! immutable, a partial tile's path 404 once its full tile is in the tree.

use std::time::{Duration, Instant};

use crate::harness::{code, stderr};
use crate::server::{election, get, get_bytes, load, Server};

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
