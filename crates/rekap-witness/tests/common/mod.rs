//! What the witness tests share: a log of opaque entries with its signer, a witness on
//! loopback, and raw HTTP/1.1.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;

use ed25519_dalek::SigningKey;
use rekap_tlog::checkpoint::Checkpoint;
use rekap_tlog::note::{Signer, Verifier};
use rekap_tlog::Tree;
use rekap_witness::request::AddCheckpoint;
use rekap_witness::{CosignatureSigner, Witness};

pub const ORIGIN: &str = "example.com/rekap-test-log";
pub const WITNESS: &str = "witness.example/w1";

pub fn log_signer() -> Signer {
    Signer::new(ORIGIN, SigningKey::from_bytes(&[7; 32])).expect("name")
}

pub fn witness_signer() -> CosignatureSigner {
    CosignatureSigner::new(WITNESS, SigningKey::from_bytes(&[9; 32])).expect("name")
}

/// `count` entries; `fork_at` (if any) changes the entry at that index.
pub fn tree(count: u64, fork_at: Option<u64>) -> Tree {
    let entries: Vec<[u8; 32]> = (0..count)
        .map(|i| {
            let mut entry = [0u8; 32];
            entry[..8].copy_from_slice(&i.to_be_bytes());
            if Some(i) == fork_at {
                entry[31] = 0xff;
            }
            entry
        })
        .collect();
    Tree::from_entries(&entries)
}

/// The log's signed checkpoint of `tree` at `size`.
pub fn signed(tree: &Tree, size: u64, signer: &Signer) -> String {
    Checkpoint {
        origin: signer.name().to_owned(),
        size,
        root: tree.root(size).expect("root"),
        extensions: vec![],
    }
    .sign(signer)
    .expect("sign")
}

/// The request body from `old` to `new` of `tree`.
pub fn body(tree: &Tree, old: u64, new: u64, signer: &Signer) -> String {
    let proof = if old == 0 || old == new {
        vec![]
    } else {
        tree.consistency_proof(old, new).expect("proof")
    };
    AddCheckpoint {
        old_size: old,
        proof,
        checkpoint: signed(tree, new, signer),
    }
    .to_text()
}

/// A witness for `logs` over `state`, serving on a loopback port in a thread of its own.
pub fn start(state: &Path, logs: Vec<Verifier>) -> SocketAddr {
    let witness = Witness::open(witness_signer(), logs, state).expect("witness");
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        rekap_witness::http::serve(witness, "127.0.0.1:0", |address| {
            let _ = sender.send(address);
        })
    });
    receiver.recv().expect("listening")
}

/// One raw HTTP/1.1 exchange: status, content type and body.
pub fn http(address: SocketAddr, method: &str, path: &str, body: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(address).expect("connect");
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("receive");
    let (head, body) = response.split_once("\r\n\r\n").expect("a response head");
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .expect("status");
    let content_type = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(": ")?;
            name.eq_ignore_ascii_case("content-type")
                .then(|| value.to_owned())
        })
        .unwrap_or_default();
    (status, content_type, body.to_owned())
}
