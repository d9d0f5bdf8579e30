//! The log the genesis names (origin and log key, definition format 4) and the registrar's
//! rotation of its key (`rekap rotate-log-key`, docs/RULES.md R65): every verifier learns
//! the key from the log, and a checkpoint the rotated-out key signs after the rotation is
//! refused (`verify --tiles`, tools/verify_export.py).

use ed25519_dalek::SigningKey;
use rekap_tlog::checkpoint::Checkpoint;
use rekap_tlog::note::{Note, Signer, Verifier};

use crate::harness::{code, stderr, stdout, Sandbox};

/// The signing key of a rekap key file (`rekap-secret-key/1`, then the seed in hex).
fn key_of(sandbox: &Sandbox, file: &str) -> SigningKey {
    let text = std::fs::read_to_string(sandbox.path(file)).unwrap();
    let seed = hex::decode(text.lines().nth(1).unwrap()).unwrap();
    SigningKey::from_bytes(&seed.try_into().unwrap())
}

fn vkey(sandbox: &Sandbox) -> Verifier {
    let output = sandbox.run(&["log-key", "--store", "rekap-store"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    Verifier::from_vkey(stdout(&output).trim()).unwrap()
}

fn rotate(sandbox: &Sandbox, key: &str) -> std::process::Output {
    sandbox.run(&["rotate-log-key", "--store", "rekap-store", "-k", key])
}

fn publish_and_verify(sandbox: &Sandbox) -> std::process::Output {
    let publish = sandbox.run(&["publish", "--store", "rekap-store", "--out", "web"]);
    assert_eq!(code(&publish), 0, "{}", stderr(&publish));
    sandbox.run(&["verify", "--tiles", "web"])
}

/// The checkpoint of `note`'s size and root signed again by `key`.
fn resigned(note: &str, key: SigningKey) -> String {
    let checkpoint = Checkpoint::from_text(&Note::parse(note.as_bytes()).unwrap().text).unwrap();
    let signer = Signer::new(&checkpoint.origin, key).unwrap();
    checkpoint.sign(&signer).unwrap()
}

#[test]
fn init_names_the_given_log_key_in_the_genesis_and_refuses_the_registrars() {
    let sandbox = Sandbox::new();
    let demo = sandbox.run(&["demo", "--store", "demo-store", "--inputs", "in"]);
    assert_eq!(code(&demo), 0, "{}", stderr(&demo));
    let keygen = sandbox.run(&["keygen", "--out", "own-log.key"]);
    assert_eq!(code(&keygen), 0, "{}", stderr(&keygen));
    let init = |store: &str, log_key: &str| {
        sandbox.run(&[
            "init",
            "--store",
            store,
            "--election",
            "in/election.json",
            "--key",
            "in/keys/registrar.key",
            "--log-key",
            log_key,
        ])
    };
    let refused = init("refused-store", "in/keys/registrar.key");
    assert_eq!(code(&refused), 1, "{}", stderr(&refused));
    assert!(stderr(&refused).contains("R65"), "{}", stderr(&refused));
    assert!(!sandbox.path("refused-store").exists());
    let made = init("rekap-store", "own-log.key");
    assert_eq!(code(&made), 0, "{}", stderr(&made));
    let named = vkey(&sandbox);
    let own = key_of(&sandbox, "own-log.key").verifying_key();
    assert_eq!(named.public_key(), &own);
    // The genesis names it: the log key printed is the log's, whatever the key file says.
    std::fs::remove_file(sandbox.path("rekap-store/log.key")).unwrap();
    assert_eq!(vkey(&sandbox).to_vkey(), named.to_vkey());
}

#[test]
fn a_rotated_log_key_signs_from_the_rotation_on_and_the_old_keys_checkpoint_is_refused() {
    let sandbox = Sandbox::new();
    sandbox.kaltim_genesis_store();
    let before = vkey(&sandbox);
    let old_key = key_of(&sandbox, "rekap-store/log.key");
    assert_eq!(code(&publish_and_verify(&sandbox)), 0);

    // Only the registrar rotates; the refusal changes nothing.
    let refused = rotate(&sandbox, "in/keys/operator.key");
    assert_eq!(code(&refused), 1, "{}", stderr(&refused));
    assert!(stderr(&refused).contains("R13"), "{}", stderr(&refused));
    assert_eq!(vkey(&sandbox).to_vkey(), before.to_vkey());

    let rotated = rotate(&sandbox, "in/keys/registrar.key");
    assert_eq!(code(&rotated), 0, "{}", stderr(&rotated));
    assert!(
        stdout(&rotated).contains("signs checkpoints from tree size 2"),
        "{}",
        stdout(&rotated)
    );
    let after = vkey(&sandbox);
    assert_ne!(after.to_vkey(), before.to_vkey());
    assert_eq!(after.name(), before.name(), "the origin is the election's");
    assert!(!sandbox.path("rekap-store/log.key.next").exists());
    let checkpoint = stdout(&sandbox.run(&["checkpoint", "--store", "rekap-store"]));
    let opened = Checkpoint::open(checkpoint.as_bytes(), after.name(), &after).unwrap();
    assert_eq!(opened.size, 2);
    assert!(Checkpoint::open(checkpoint.as_bytes(), before.name(), &before).is_err());

    // The tile tree verifies with the key the log names; pinning the old key is fine (it
    // is one of the log's), but a checkpoint the old key signs after the rotation is not.
    let verified = publish_and_verify(&sandbox);
    assert_eq!(code(&verified), 0, "{}", stdout(&verified));
    let pinned = sandbox.run(&["verify", "--tiles", "web", "--log-key", &before.to_vkey()]);
    assert_eq!(code(&pinned), 0, "{}", stdout(&pinned));
    let forged = resigned(&checkpoint, old_key.clone());
    std::fs::write(sandbox.path("web/checkpoint"), &forged).unwrap();
    let refused = sandbox.run(&["verify", "--tiles", "web"]);
    assert_eq!(code(&refused), 1, "{}", stdout(&refused));
    assert!(
        stdout(&refused).contains("not signed by the key the log names"),
        "{}",
        stdout(&refused)
    );

    // The rotated-out key never comes back, and the store never signs with it again.
    std::fs::write(sandbox.path("old-log.key"), key_file(&old_key)).unwrap();
    set_owner_only(&sandbox.path("old-log.key"));
    let again = sandbox.run(&[
        "rotate-log-key",
        "--store",
        "rekap-store",
        "-k",
        "in/keys/registrar.key",
        "--log-key",
        "old-log.key",
    ]);
    assert_eq!(code(&again), 1, "{}", stderr(&again));
    assert!(stderr(&again).contains("R65"), "{}", stderr(&again));
    python_refuses_the_old_keys_checkpoint(&sandbox, &checkpoint, &forged);
}

fn key_file(key: &SigningKey) -> String {
    format!("rekap-secret-key/1\n{}\n", hex::encode(key.to_bytes()))
}

fn set_owner_only(path: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

/// tools/verify_export.py learns the keys from the export too (when python3 has its two
/// modules).
fn python_refuses_the_old_keys_checkpoint(sandbox: &Sandbox, honest: &str, forged: &str) {
    let probe = std::process::Command::new("python3")
        .args(["-c", "import blake3, cryptography"])
        .output();
    if !probe.is_ok_and(|output| output.status.success()) {
        eprintln!("skipped: python3 with blake3 and cryptography is not installed");
        return;
    }
    let export = sandbox.run(&["export", "--store", "rekap-store", "--out", "log.rekap"]);
    assert_eq!(code(&export), 0, "{}", stderr(&export));
    std::fs::write(sandbox.path("honest.cp"), honest).unwrap();
    std::fs::write(sandbox.path("forged.cp"), forged).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tools/verify_export.py");
    let python = |checkpoint: &str| {
        std::process::Command::new("python3")
            .args([script, "log.rekap", "--checkpoint", checkpoint])
            .current_dir(sandbox.path("."))
            .output()
            .unwrap()
    };
    let output = python("honest.cp");
    assert_eq!(code(&output), 0, "{}", stdout(&output));
    assert!(stdout(&output).contains("root verified (signed by the log key)"));
    let output = python("forged.cp");
    assert_eq!(code(&output), 1, "{}", stdout(&output));
    assert!(
        stdout(&output).contains("no signature by the key the log names for size 2"),
        "{}",
        stdout(&output)
    );
}
