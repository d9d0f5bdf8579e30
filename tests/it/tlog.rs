//! The transparency log of a store: the log key, signed checkpoints, inclusion and
//! consistency proofs (src/transparency.rs, src/commands/tlog.rs).

use std::os::unix::fs::PermissionsExt;

use rekap_log::{Log, SegmentStorage};
use rekap_tlog::checkpoint::Checkpoint;
use rekap_tlog::note::Verifier;
use rekap_tlog::tlog_proof::TlogProof;

use crate::harness::{code, stderr, stdout, Sandbox};

/// A Kaltim store with its genesis (checkpoint 1) and one import (checkpoint 2); the
/// checkpoints of size 1 and 2 and a consistency proof between them are written to files.
fn store_with_two_checkpoints() -> Sandbox {
    let sandbox = Sandbox::new();
    sandbox.kaltim_genesis_store();
    let first = sandbox.run(&["checkpoint", "--store", "rekap-store"]);
    assert_eq!(code(&first), 0, "{}", stderr(&first));
    std::fs::write(sandbox.path("old.cp"), stdout(&first)).unwrap();
    let import = sandbox.run(&[
        "import",
        "--store",
        "rekap-store",
        "--key",
        "in/keys/operator.key",
        "in/sheets.csv",
    ]);
    assert_eq!(code(&import), 0, "{}", stderr(&import));
    let second = sandbox.run(&["checkpoint", "--store", "rekap-store"]);
    std::fs::write(sandbox.path("new.cp"), stdout(&second)).unwrap();
    let proof = sandbox.run(&[
        "prove-consistency",
        "--store",
        "rekap-store",
        "--from",
        "1",
        "--to",
        "2",
    ]);
    assert_eq!(code(&proof), 0, "{}", stderr(&proof));
    std::fs::write(sandbox.path("proof"), stdout(&proof)).unwrap();
    sandbox
}

fn vkey(sandbox: &Sandbox) -> String {
    let output = sandbox.run(&["log-key", "--store", "rekap-store"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    stdout(&output).trim().to_owned()
}

#[test]
fn init_makes_an_owner_only_log_key_and_every_append_a_checkpoint_it_signs() {
    let sandbox = store_with_two_checkpoints();
    let mode = std::fs::metadata(sandbox.path("rekap-store/log.key"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let verifier = Verifier::from_vkey(&vkey(&sandbox)).expect("a C2SP vkey");
    assert!(verifier.name().starts_with("rekap/"));
    let old = std::fs::read(sandbox.path("old.cp")).unwrap();
    let new = std::fs::read(sandbox.path("new.cp")).unwrap();
    assert_eq!(
        Checkpoint::open(&old, verifier.name(), &verifier)
            .unwrap()
            .size,
        1
    );
    assert_eq!(
        Checkpoint::open(&new, verifier.name(), &verifier)
            .unwrap()
            .size,
        2
    );
    let kept = std::fs::read_to_string(sandbox.path("rekap-store/checkpoints")).unwrap();
    assert_eq!(
        kept.matches('\u{2014}').count(),
        2,
        "both checkpoints are kept"
    );
    // Asking again signs nothing new.
    sandbox.run(&["checkpoint", "--store", "rekap-store"]);
    let again = std::fs::read_to_string(sandbox.path("rekap-store/checkpoints")).unwrap();
    assert_eq!(again, kept);
}

#[test]
fn init_takes_a_log_key_file() {
    let sandbox = Sandbox::new();
    let demo = sandbox.run(&["demo", "--store", "demo-store", "--inputs", "in"]);
    assert_eq!(code(&demo), 0, "{}", stderr(&demo));
    let init = sandbox.run(&[
        "init",
        "--store",
        "rekap-store",
        "--election",
        "in/election.json",
        "--key",
        "in/keys/registrar.key",
        "--log-key",
        "in/keys/witness-1.key",
    ]);
    assert_eq!(code(&init), 0, "{}", stderr(&init));
    let witness = std::fs::read_to_string(sandbox.path("in/keys/witness-1.key.pub")).unwrap();
    let verifier = Verifier::from_vkey(&vkey(&sandbox)).unwrap();
    assert_eq!(
        hex::encode(verifier.public_key().as_bytes()),
        witness.trim()
    );
}

#[test]
fn an_inclusion_proof_verifies_offline_against_the_signed_checkpoint() {
    let sandbox = store_with_two_checkpoints();
    let output = sandbox.run(&["prove-record", "--store", "rekap-store", "--seq", "2"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let proof = TlogProof::parse(stdout(&output).as_bytes()).expect("tlog-proof text");
    let verifier = Verifier::from_vkey(&vkey(&sandbox)).unwrap();
    let log =
        Log::open(SegmentStorage::open_read_only(&sandbox.path("rekap-store")).unwrap()).unwrap();
    let record = log.read(2).unwrap().unwrap();
    let leaf = rekap_tlog::leaf_hash(&record.hash);
    assert_eq!(
        proof
            .verify(&leaf, verifier.name(), &verifier)
            .unwrap()
            .size,
        2
    );
    let other = rekap_tlog::leaf_hash(&log.read(1).unwrap().unwrap().hash);
    assert!(proof.verify(&other, verifier.name(), &verifier).is_err());
    drop(log);
    // In an older checkpoint, and none of a size never signed.
    let older = sandbox.run(&[
        "prove-record",
        "--store",
        "rekap-store",
        "--seq",
        "1",
        "--size",
        "1",
    ]);
    assert_eq!(code(&older), 0, "{}", stderr(&older));
    let never = sandbox.run(&[
        "prove-record",
        "--store",
        "rekap-store",
        "--seq",
        "1",
        "--size",
        "7",
    ]);
    assert_eq!(code(&never), 1);
    assert!(
        stderr(&never).contains("no checkpoint of size 7"),
        "{}",
        stderr(&never)
    );
    let beyond = sandbox.run(&["prove-record", "--store", "rekap-store", "--seq", "3"]);
    assert_eq!(code(&beyond), 1, "{}", stderr(&beyond));
}

#[test]
fn verify_consistency_accepts_the_log_and_refuses_bad_input_with_exit_1() {
    let sandbox = store_with_two_checkpoints();
    let key = vkey(&sandbox);
    let verify = |old: &str, new: &str, proof: &str, key: &str| {
        sandbox.run(&["verify-consistency", old, new, proof, "--log-key", key])
    };
    let good = verify("old.cp", "new.cp", "proof", &key);
    assert_eq!(code(&good), 0, "{}", stderr(&good));
    assert!(stdout(&good).contains("consistent"), "{}", stdout(&good));

    // A forged proof: one hash changed.
    let proof = std::fs::read_to_string(sandbox.path("proof")).unwrap();
    let mut lines: Vec<String> = proof.lines().map(str::to_owned).collect();
    assert!(lines.len() > 3, "a proof from 1 to 2 has a hash");
    lines[3] = lines[3].replacen(|c: char| c.is_ascii_alphabetic(), "0", 1);
    std::fs::write(sandbox.path("forged"), lines.join("\n") + "\n").unwrap();
    let forged = verify("old.cp", "new.cp", "forged", &key);
    assert_eq!(code(&forged), 1, "{}", stderr(&forged));
    assert!(
        stderr(&forged).contains("does not extend"),
        "{}",
        stderr(&forged)
    );

    // A proof for other sizes.
    let wrong_size = verify("new.cp", "new.cp", "proof", &key);
    assert_eq!(code(&wrong_size), 1);
    assert!(
        stderr(&wrong_size).contains("from size 1 to 2"),
        "{}",
        stderr(&wrong_size)
    );

    // A malformed note.
    let old = std::fs::read_to_string(sandbox.path("old.cp")).unwrap();
    std::fs::write(sandbox.path("bad.cp"), old.replace("\n\n", "\n")).unwrap();
    let malformed = verify("bad.cp", "new.cp", "proof", &key);
    assert_eq!(code(&malformed), 1);
    assert!(stderr(&malformed).contains("bad.cp is not a valid signed checkpoint"));

    // Another key.
    let other = Verifier::new(
        Verifier::from_vkey(&key).unwrap().name(),
        ed25519_dalek::SigningKey::from_bytes(&[9; 32]).verifying_key(),
    )
    .unwrap()
    .to_vkey();
    let wrong_key = verify("old.cp", "new.cp", "proof", &other);
    assert_eq!(code(&wrong_key), 1);
    assert!(stderr(&wrong_key).contains("old.cp is not a valid signed checkpoint"));
    let not_a_key = verify("old.cp", "new.cp", "proof", "no+such+key");
    assert_eq!(code(&not_a_key), 1);
}
