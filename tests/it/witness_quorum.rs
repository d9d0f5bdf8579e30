//! `rekap serve --witness URL=VKEY ... --quorum K` with real `rekap witness` processes on
//! loopback (issue 14): a checkpoint is published only once K witnesses cosigned it, its
//! note carrying their cosignature lines (checked by `verify --tiles`, `verify-proof` and
//! Cloudflare's signed_note); short of the quorum (a witness down) the checkpoint published
//! before stays; a quorum the witnesses that answer can meet publishes.

use std::time::{Duration, Instant};

use base64ct::{Base64, Encoding};
use ed25519_dalek::{Signature, VerifyingKey};
use signed_note::{StandardVerifier, VerifierList};

use crate::harness::{code, stderr, stdout, Sandbox};
use crate::mirror::{run_ok, Process};
use crate::mirror_listen::{approve_district, import_every_station};
use crate::server::{election, get, station, CONTEST};

fn witness(sandbox: &Sandbox, n: usize) -> (Process, String) {
    let key = format!("keys/w{n}.key");
    if !sandbox.path(&key).exists() {
        run_ok(sandbox, &["keygen", "--out", &key]);
    }
    let name = format!("witness.example/w{n}");
    let vkey = run_ok(
        sandbox,
        &["witness", "--key", &key, "--name", &name, "--vkey"],
    );
    let process = Process::start(
        sandbox,
        &[
            "witness",
            "--key",
            &key,
            "--listen",
            "127.0.0.1:0",
            "--log",
            "log.vkey",
            "--state",
            &format!("w{n}-state"),
            "--name",
            &name,
        ],
    );
    (process, vkey.trim().to_owned())
}

fn serve_witnessed(sandbox: &Sandbox, witnesses: &[String], quorum: usize) -> Process {
    let mut args = vec![
        "serve",
        "--store",
        "rekap-store",
        "--listen",
        "127.0.0.1:0",
        "--key-rate",
        "0",
        "--address-rate",
        "0",
        "--checkpoint-interval-ms",
        "100",
    ];
    for witness in witnesses {
        args.extend(["--witness", witness.as_str()]);
    }
    let quorum = quorum.to_string();
    args.extend(["--quorum", &quorum]);
    let server = Process::start(sandbox, &args);
    let deadline = Instant::now() + Duration::from_secs(30);
    while get(&format!("{}/readyz", server.url())).0 != 200 {
        assert!(Instant::now() < deadline, "not ready");
        std::thread::sleep(Duration::from_millis(20));
    }
    server
}

/// The served checkpoint once its size is `size` (bounded wait).
fn checkpoint_of_size(url: &str, size: u64) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (status, note) = get(&format!("{url}/tlog/checkpoint"));
        if status == 200 && note.lines().nth(1) == Some(&size.to_string()) {
            return note;
        }
        assert!(
            Instant::now() < deadline,
            "no checkpoint of size {size}: {status} {note}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// An Ed25519 cosignature/v1 verifier written from C2SP tlog-cosignature on signed_note's
/// extension trait (signed_note has no cosignature type of its own).
struct SpecCosignature {
    name: String,
    key: VerifyingKey,
}

impl signed_note::Verifier for SpecCosignature {
    fn name(&self) -> &str {
        &self.name
    }

    fn key_id(&self) -> u32 {
        signed_note::key_id(&self.name, &[&[0x04u8][..], self.key.as_bytes()].concat())
    }

    fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        let Some((time, signature)) = signature.split_first_chunk::<8>() else {
            return false;
        };
        let Ok(signature) = Signature::from_slice(signature) else {
            return false;
        };
        let mut signed = format!("cosignature/v1\ntime {}\n", u64::from_be_bytes(*time));
        signed.push_str(std::str::from_utf8(message).unwrap_or_default());
        self.key
            .verify_strict(signed.as_bytes(), &signature)
            .is_ok()
    }
}

fn their_cosigner(vkey: &str) -> SpecCosignature {
    let mut parts = vkey.splitn(3, '+');
    let name = parts.next().expect("name").to_owned();
    let bytes = Base64::decode_vec(parts.nth(1).expect("key")).expect("base64");
    let key = <[u8; 32]>::try_from(&bytes[1..]).expect("0x04 and 32 bytes");
    SpecCosignature {
        name,
        key: VerifyingKey::from_bytes(&key).expect("a key"),
    }
}

#[test]
fn a_checkpoint_is_published_only_once_a_quorum_of_witnesses_cosigned_it() {
    let sandbox = election();
    std::fs::write(sandbox.path("log.vkey"), run_ok(&sandbox, &["log-key"])).expect("vkey");
    import_every_station(&sandbox);
    approve_district(&sandbox, "rekap-store");
    let (w1, v1) = witness(&sandbox, 1);
    let (w2, v2) = witness(&sandbox, 2);
    let configured = [format!("{}={v1}", w1.url()), format!("{}={v2}", w2.url())];

    // Quorum met: the note carries the log's signature and both cosignatures.
    let server = serve_witnessed(&sandbox, &configured, 2);
    let url = server.url();
    let note = checkpoint_of_size(&url, 3);
    assert_eq!(note.matches("\n— ").count(), 3, "{note}");
    let tiles = format!("{url}/tlog");
    let verified = sandbox.run(&[
        "verify",
        "--tiles",
        &tiles,
        "--log-key",
        "log.vkey",
        "--witness",
        &v1,
        "--witness",
        &v2,
        "--quorum",
        "2",
    ]);
    assert_eq!(
        code(&verified),
        0,
        "{}{}",
        stdout(&verified),
        stderr(&verified)
    );
    assert!(
        stdout(&verified).contains("cosigned by 2 witnesses"),
        "{}",
        stdout(&verified)
    );
    // An independent implementation verifies the log's signature and both cosignatures.
    let parsed = signed_note::Note::from_bytes(note.as_bytes()).expect("their parse");
    let log_vkey = std::fs::read_to_string(sandbox.path("log.vkey")).expect("vkey");
    let known = VerifierList::new(vec![
        Box::new(StandardVerifier::new(log_vkey.trim()).expect("their vkey")),
        Box::new(their_cosigner(&v1)),
        Box::new(their_cosigner(&v2)),
    ]);
    let (verified, unverified) = parsed.verify(&known).expect("their verification");
    assert_eq!((verified.len(), unverified.len()), (3, 0));

    // The proof's checkpoint is the cosigned one.
    let proof = get(&format!(
        "{url}/v1/stations/{}/proof?contest={CONTEST}",
        station(3)
    ));
    assert_eq!(proof.0, 200, "{}", proof.1);
    std::fs::write(sandbox.path("p.json"), &proof.1).expect("write");
    // `rekap prove --server` writes the same file, byte for byte, from its verified copy.
    let station_code = station(3);
    let written = [
        "prove",
        "--contest",
        CONTEST,
        "--station",
        &station_code,
        "--out",
        "p2.json",
        "--server",
        url.as_str(),
    ];
    run_ok(&sandbox, &written);
    let bytes = |name: &str| std::fs::read(sandbox.path(name)).expect("proof file");
    assert_eq!(
        bytes("p2.json"),
        bytes("p.json"),
        "served and written proofs differ"
    );
    let with = |extra: &[&str]| {
        let mut args = vec!["verify-proof", "--proof", "p.json", "--log-key", "log.vkey"];
        args.extend(extra);
        sandbox.run(&args)
    };
    let ok = with(&["--witness", &v1, "--witness", &v2, "--quorum", "2"]);
    assert_eq!(code(&ok), 0, "{}{}", stdout(&ok), stderr(&ok));
    // A witness that did not cosign does not count.
    run_ok(&sandbox, &["keygen", "--out", "keys/stranger.key"]);
    let stranger = run_ok(
        &sandbox,
        &[
            "witness",
            "--key",
            "keys/stranger.key",
            "--name",
            "stranger",
            "--vkey",
        ],
    );
    let short = with(&[
        "--witness",
        &v1,
        "--witness",
        stranger.trim(),
        "--quorum",
        "2",
    ]);
    assert_eq!(code(&short), 1, "{}{}", stdout(&short), stderr(&short));
    assert!(
        stdout(&short).contains("1 of the witnesses"),
        "{}",
        stdout(&short)
    );
    let short_tiles = sandbox.run(&[
        "verify",
        "--tiles",
        &tiles,
        "--witness",
        stranger.trim(),
        "--quorum",
        "1",
    ]);
    assert_eq!(code(&short_tiles), 1, "{}", stdout(&short_tiles));
    assert!(
        stdout(&short_tiles).contains("0 of the witnesses"),
        "{}",
        stdout(&short_tiles)
    );
    // The same in Indonesian (the witness library's QuorumError worded by the catalogue).
    let short_id = sandbox.run(&[
        "--lang",
        "id",
        "verify",
        "--tiles",
        &tiles,
        "--witness",
        stranger.trim(),
        "--quorum",
        "1",
    ]);
    assert_eq!(code(&short_id), 1, "{}", stdout(&short_id));
    assert!(
        stdout(&short_id).contains("kosignatur sah dari 0 saksi yang diberikan"),
        "{}",
        stdout(&short_id)
    );
    server.stop();

    // Quorum not met: witness 2 is down; the new checkpoint (size 4) is signed and kept but
    // not published, and the cosigned one of size 3 stays served, after a restart too.
    w2.stop();
    run_ok(
        &sandbox,
        &[
            "object",
            "--key",
            "keys/witness.key",
            "--place",
            &station(3),
            "--contest",
            CONTEST,
            "--text",
            "pair 1 had one more",
        ],
    );
    let server = serve_witnessed(&sandbox, &configured, 2);
    let url = server.url();
    std::thread::sleep(Duration::from_millis(1000));
    let (status, served) = get(&format!("{url}/tlog/checkpoint"));
    assert_eq!(status, 200, "{served}");
    assert_eq!(served, note, "the checkpoint published before stays");
    server.stop();

    // A quorum of 1 with one witness down: witness 1 (which cosigned size 4 above, a 409
    // telling the server so) cosigns, and the checkpoint of size 4 is published.
    let server = serve_witnessed(&sandbox, &configured, 1);
    let url = server.url();
    let grown = checkpoint_of_size(&url, 4);
    assert_eq!(grown.matches("\n— ").count(), 2, "{grown}");
    assert!(grown.contains("— witness.example/w1 "), "{grown}");
    server.stop();
    w1.stop();
}
