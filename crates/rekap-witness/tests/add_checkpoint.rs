//! `POST /add-checkpoint` on loopback, raw HTTP: every status C2SP tlog-witness gives, the
//! kept state across a restart, the check-and-update under one lock, and evidence.

mod common;

use common::*;
use ed25519_dalek::SigningKey;
use rekap_tlog::note::{Note, Signer};
use rekap_witness::evidence::{Evidence, Verdict};
use rekap_witness::request::AddCheckpoint;
use rekap_witness::witness::origin_hash;

fn cosignature_verifies(checkpoint: &str, lines: &str) -> u64 {
    let note = Note::parse(format!("{checkpoint}{lines}").as_bytes()).expect("note");
    let line = note.signatures.last().expect("a cosignature");
    witness_signer()
        .verifier()
        .verify(&note.text, line)
        .expect("the cosignature verifies")
}

fn evidence_files(state: &std::path::Path) -> Vec<Evidence> {
    let mut files: Vec<_> = std::fs::read_dir(state.join("evidence"))
        .expect("evidence directory")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "evidence"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|path| Evidence::parse(&std::fs::read(path).expect("read")).expect("parse"))
        .collect()
}

#[test]
fn cosigns_a_consistent_log_and_answers_409_with_its_size_otherwise() {
    let state = tempfile::tempdir().expect("dir");
    let log = log_signer();
    let address = start(state.path(), vec![log.verifier()]);
    let tree = tree(40, None);

    let (status, _, lines) = http(
        address,
        "POST",
        "/add-checkpoint",
        &body(&tree, 0, 10, &log),
    );
    assert_eq!(status, 200, "{lines}");
    assert!(lines.starts_with("\u{2014} witness.example/w1 ") && lines.ends_with('\n'));
    assert!(cosignature_verifies(&signed(&tree, 10, &log), &lines) > 0);

    let (status, content_type, size) = http(
        address,
        "POST",
        "/add-checkpoint",
        &body(&tree, 0, 20, &log),
    );
    assert_eq!(
        (status, content_type.as_str(), size.as_str()),
        (409, "text/x.tlog.size", "10\n")
    );

    let (status, _, lines) = http(
        address,
        "POST",
        "/add-checkpoint",
        &body(&tree, 10, 20, &log),
    );
    assert_eq!(status, 200, "{lines}");
    cosignature_verifies(&signed(&tree, 20, &log), &lines);
    // The same size again, same root: cosigned again.
    let (status, _, _) = http(
        address,
        "POST",
        "/add-checkpoint",
        &body(&tree, 20, 20, &log),
    );
    assert_eq!(status, 200);

    // Monitoring: the kept checkpoint with the log's signature and the cosignature.
    let (status, _, kept) = http(
        address,
        "GET",
        &format!("/{}/checkpoint", origin_hash(ORIGIN)),
        "",
    );
    assert_eq!(status, 200);
    let kept = Note::parse(kept.as_bytes()).expect("kept note");
    assert_eq!(kept.verify(&[log.verifier()]), Ok(vec![ORIGIN.to_owned()]));
    assert!(witness_signer()
        .verifier()
        .verify(&kept.text, &kept.signatures[1])
        .is_some());
    let (status, _, _) = http(
        address,
        "GET",
        &format!("/{}/checkpoint", "00".repeat(32)),
        "",
    );
    assert_eq!(status, 404);
    assert!(evidence_files(state.path()).is_empty());
}

#[test]
fn the_spec_statuses_for_unknown_logs_bad_signatures_bad_proofs_and_malformed_bodies() {
    let state = tempfile::tempdir().expect("dir");
    let log = log_signer();
    let other = Signer::new("example.com/other", SigningKey::from_bytes(&[8; 32])).expect("name");
    let address = start(state.path(), vec![log.verifier(), other.verifier()]);
    let tree = tree(40, None);
    let post = |body: &str| http(address, "POST", "/add-checkpoint", body).0;

    let stranger =
        Signer::new("example.com/stranger", SigningKey::from_bytes(&[5; 32])).expect("name");
    assert_eq!(post(&body(&tree, 0, 10, &stranger)), 404, "unknown origin");
    let impostor = Signer::new(ORIGIN, SigningKey::from_bytes(&[6; 32])).expect("name");
    assert_eq!(
        post(&body(&tree, 0, 10, &impostor)),
        403,
        "no signature by the log's key"
    );
    let good = body(&tree, 0, 10, &log);
    let (text, signature) = good.rsplit_once(' ').expect("a signature line");
    let mut forged = signature.as_bytes().to_vec();
    forged[10] = if forged[10] == b'A' { b'B' } else { b'A' };
    let forged = format!("{text} {}", String::from_utf8(forged).expect("ascii"));
    assert_eq!(post(&forged), 403, "the log's key id with a bad signature");

    assert_eq!(post("old 1\n\nnot a checkpoint\n"), 400);
    assert_eq!(post("old 01\n\n"), 400);
    assert_eq!(
        post(&good.replacen("old 0", "old 11", 1)),
        400,
        "old size beyond the checkpoint"
    );
    assert_eq!(
        post(&good.replacen("old 0\n", "old 0\nnot base64\n", 1)),
        400
    );
    let too_many = format!(
        "old 0\n{}{}",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n".repeat(64),
        &good[6..]
    );
    assert_eq!(post(&too_many), 400, "more than 63 proof lines");
    assert_eq!(http(address, "GET", "/add-checkpoint", "").0, 405);

    // Size 0 with another root, and a proof from size 0: 422.
    let mut empty = rekap_tlog::checkpoint::Checkpoint {
        origin: "example.com/other".into(),
        size: 0,
        root: [1; 32],
        extensions: vec![],
    };
    let bad_empty = AddCheckpoint {
        old_size: 0,
        proof: vec![],
        checkpoint: empty.sign(&other).expect("sign"),
    };
    assert_eq!(post(&bad_empty.to_text()), 422);
    empty.root = rekap_tlog::empty_root();
    let with_proof = AddCheckpoint {
        old_size: 0,
        proof: vec![[2; 32]],
        checkpoint: empty.sign(&other).expect("sign"),
    };
    assert_eq!(post(&with_proof.to_text()), 422);

    // A proof that is simply wrong: 422, nothing kept changed.
    assert_eq!(post(&good), 200);
    let mut wrong = AddCheckpoint::parse(body(&tree, 10, 30, &log).as_bytes()).expect("parse");
    wrong.proof.pop();
    assert_eq!(post(&wrong.to_text()), 422);
    assert_eq!(
        http(
            address,
            "POST",
            "/add-checkpoint",
            &body(&tree, 0, 30, &log)
        )
        .2,
        "10\n"
    );
}

#[test]
fn the_kept_checkpoint_survives_a_restart() {
    let state = tempfile::tempdir().expect("dir");
    let log = log_signer();
    let tree = tree(40, None);
    {
        let address = start(state.path(), vec![log.verifier()]);
        assert_eq!(
            http(
                address,
                "POST",
                "/add-checkpoint",
                &body(&tree, 0, 13, &log)
            )
            .0,
            200
        );
    }
    let files: Vec<_> = std::fs::read_dir(state.path().join("logs"))
        .expect("logs")
        .collect();
    assert_eq!(files.len(), 1, "one kept file, no temporary left");
    let address = start(state.path(), vec![log.verifier()]);
    let (status, _, size) = http(
        address,
        "POST",
        "/add-checkpoint",
        &body(&tree, 0, 20, &log),
    );
    assert_eq!((status, size.as_str()), (409, "13\n"));
    assert_eq!(
        http(
            address,
            "POST",
            "/add-checkpoint",
            &body(&tree, 13, 20, &log)
        )
        .0,
        200
    );
}

#[test]
fn concurrent_requests_from_one_size_cosign_exactly_one() {
    let state = tempfile::tempdir().expect("dir");
    let log = log_signer();
    let address = start(state.path(), vec![log.verifier()]);
    let tree = tree(64, None);
    assert_eq!(
        http(
            address,
            "POST",
            "/add-checkpoint",
            &body(&tree, 0, 10, &log)
        )
        .0,
        200
    );
    let threads: Vec<_> = (0..8u64)
        .map(|k| {
            let request = body(&tree, 10, 11 + k * 6, &log);
            std::thread::spawn(move || http(address, "POST", "/add-checkpoint", &request).0)
        })
        .collect();
    let mut statuses: Vec<u16> = threads
        .into_iter()
        .map(|t| t.join().expect("thread"))
        .collect();
    statuses.sort();
    assert_eq!(statuses, [200, 409, 409, 409, 409, 409, 409, 409]);
}

#[test]
fn a_fork_and_a_rewritten_root_are_refused_with_evidence_that_proves_it() {
    let state = tempfile::tempdir().expect("dir");
    let log = log_signer();
    let address = start(state.path(), vec![log.verifier()]);
    let honest = tree(64, None);
    let fork = tree(64, Some(5));
    assert_eq!(
        http(
            address,
            "POST",
            "/add-checkpoint",
            &body(&honest, 0, 20, &log)
        )
        .0,
        200
    );

    // The fork's own proof from 20 to 30 (size 20 is not a power of two: the proof carries
    // the fork's root at 20).
    let (status, _, reason) = http(
        address,
        "POST",
        "/add-checkpoint",
        &body(&fork, 20, 30, &log),
    );
    assert_eq!(status, 422, "{reason}");
    assert!(reason.contains("evidence kept as"), "{reason}");
    // Same size, another root.
    assert_eq!(
        http(
            address,
            "POST",
            "/add-checkpoint",
            &body(&fork, 20, 20, &log)
        )
        .0,
        422
    );
    let evidence = evidence_files(state.path());
    assert_eq!(evidence.len(), 2);
    for item in &evidence {
        assert!(
            matches!(item.verify(), Verdict::Proven(_)),
            "{:?}",
            item.verify()
        );
        assert_eq!(item.log_key, log.verifier().to_vkey());
        assert!(item.accepted.starts_with(&format!("{ORIGIN}\n20\n")));
    }
    // The witness kept the honest log: it goes on cosigning it.
    assert_eq!(
        http(
            address,
            "POST",
            "/add-checkpoint",
            &body(&honest, 20, 30, &log)
        )
        .0,
        200
    );
}

#[test]
fn evidence_of_a_fork_at_a_power_of_two_is_kept_but_does_not_prove_it() {
    let state = tempfile::tempdir().expect("dir");
    let log = log_signer();
    let address = start(state.path(), vec![log.verifier()]);
    let honest = tree(64, None);
    let fork = tree(64, Some(5));
    assert_eq!(
        http(
            address,
            "POST",
            "/add-checkpoint",
            &body(&honest, 0, 16, &log)
        )
        .0,
        200
    );
    assert_eq!(
        http(
            address,
            "POST",
            "/add-checkpoint",
            &body(&fork, 16, 30, &log)
        )
        .0,
        422
    );
    let evidence = evidence_files(state.path());
    assert_eq!(evidence.len(), 1);
    assert_eq!(evidence[0].prefix_root, None);
    assert!(matches!(evidence[0].verify(), Verdict::NotProven(_)));
}
