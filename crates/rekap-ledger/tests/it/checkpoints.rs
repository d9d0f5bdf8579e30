//! The store's log key and kept checkpoints (rekap_ledger::checkpoints).

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use rekap_ledger::checkpoints::{self, CheckpointSigner, CheckpointsError, LOG_KEY_FILE};
use rekap_ledger::Ledger;
use rekap_log::SegmentStorage;
use rekap_tlog::checkpoint::Checkpoint;

use super::*;

const LOG_KEY: u8 = 250;

/// A segment store with its genesis and a log key of mode 0600.
fn store(directory: &Path) -> Ledger<SegmentStorage> {
    let storage = SegmentStorage::create(directory).unwrap();
    let ledger = Ledger::create(
        storage,
        rekap_model::Genesis::new(definition(), log_key()),
        &key(REGISTRAR),
        T0,
    )
    .unwrap();
    write_log_key(directory, LOG_KEY);
    ledger
}

fn write_log_key(directory: &Path, seed: u8) {
    let path = directory.join(LOG_KEY_FILE);
    let text = format!(
        "{}\n{}\n",
        checkpoints::KEY_FILE_HEADER,
        hex::encode([seed; 32])
    );
    fs::write(&path, text).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
}

fn add_sheet(ledger: &mut Ledger<SegmentStorage>, station: &str) {
    ledger
        .submit(&key(OPERATOR), vec![vec![submit(station, 1, 2)]], T0)
        .unwrap();
}

#[test]
fn signing_keeps_one_checkpoint_per_size_that_the_log_key_opens() {
    let directory = tempfile::tempdir().unwrap();
    let mut ledger = store(directory.path());
    assert_eq!(checkpoints::latest(directory.path()).unwrap(), None);
    let first = checkpoints::sign_current(directory.path(), &ledger).unwrap();
    assert_eq!(first.checkpoint.size, 1);
    // Signing again at the same size keeps nothing new.
    assert_eq!(
        checkpoints::sign_current(directory.path(), &ledger).unwrap(),
        first
    );
    add_sheet(&mut ledger, "6472010001-001");
    let second = checkpoints::sign_current(directory.path(), &ledger).unwrap();
    assert_eq!(second.checkpoint.size, 2);
    assert_eq!(
        checkpoints::kept(directory.path()).unwrap(),
        vec![first.note.clone(), second.note.clone()]
    );
    let verifier = checkpoints::verifier(directory.path(), &ledger).unwrap();
    let origin = checkpoints::origin_of(&ledger);
    assert_eq!(
        origin,
        format!("rekap/{}", hex::encode(ledger.state().definition_hash()))
    );
    let opened = Checkpoint::open(second.note.as_bytes(), &origin, &verifier).unwrap();
    assert_eq!(opened.root, ledger.log().tree().unwrap().root(2).unwrap());
    assert_eq!(
        checkpoints::kept_of_size(directory.path(), 1).unwrap(),
        Some(first)
    );
    assert_eq!(
        checkpoints::kept_of_size(directory.path(), 7).unwrap(),
        None
    );
}

#[test]
fn a_held_signer_signs_after_each_append_without_rereading() {
    let directory = tempfile::tempdir().unwrap();
    let mut ledger = store(directory.path());
    let mut signer = CheckpointSigner::open(directory.path(), &ledger).unwrap();
    assert_eq!(signer.origin(), checkpoints::origin_of(&ledger));
    assert!(signer.latest().is_none());
    for (round, station) in ["6472010001-001", "6472010001-002"].iter().enumerate() {
        add_sheet(&mut ledger, station);
        let signed = signer
            .sign(&ledger.log().tree().unwrap(), ledger.state().log_keys())
            .unwrap();
        assert_eq!(signed.checkpoint.size, round as u64 + 2);
        assert_eq!(signer.latest(), Some(&signed));
    }
    assert_eq!(checkpoints::kept(directory.path()).unwrap().len(), 2);
}

#[test]
fn a_tree_inconsistent_with_the_last_checkpoint_or_smaller_is_never_signed() {
    let directory = tempfile::tempdir().unwrap();
    let mut ledger = store(directory.path());
    add_sheet(&mut ledger, "6472010001-001");
    let mut signer = CheckpointSigner::open(directory.path(), &ledger).unwrap();
    signer
        .sign(&ledger.log().tree().unwrap(), ledger.state().log_keys())
        .unwrap();
    let kept = checkpoints::kept(directory.path()).unwrap();
    // A tree of other entries (a forked log) at a larger size: refused.
    let forked = rekap_tlog::Tree::from_entries(&[[1u8; 32], [2; 32], [3; 32]]);
    let error = signer.sign(&forked, ledger.state().log_keys()).unwrap_err();
    assert!(
        matches!(error, CheckpointsError::Inconsistent { size: 2 }),
        "{error}"
    );
    let smaller = rekap_tlog::Tree::from_entries(&[[1u8; 32]]);
    let error = signer
        .sign(&smaller, ledger.state().log_keys())
        .unwrap_err();
    assert!(
        matches!(error, CheckpointsError::Shrunk { kept: 2, size: 1 }),
        "{error}"
    );
    assert_eq!(checkpoints::kept(directory.path()).unwrap(), kept);
}

#[test]
fn a_log_key_others_may_read_or_a_damaged_checkpoints_file_is_refused() {
    let directory = tempfile::tempdir().unwrap();
    let ledger = store(directory.path());
    let key_path = directory.path().join(LOG_KEY_FILE);
    fs::set_permissions(&key_path, fs::Permissions::from_mode(0o644)).unwrap();
    let error = checkpoints::sign_current(directory.path(), &ledger).unwrap_err();
    assert!(
        matches!(error, CheckpointsError::KeyFileOpen { mode: 0o644, .. }),
        "{error}"
    );
    // The verifier needs only the public half, whatever the mode.
    checkpoints::verifier(directory.path(), &ledger).unwrap();
    fs::set_permissions(&key_path, fs::Permissions::from_mode(0o600)).unwrap();
    checkpoints::sign_current(directory.path(), &ledger).unwrap();
    let path = directory.path().join(checkpoints::CHECKPOINTS_FILE);
    let mut bytes = fs::read(&path).unwrap();
    bytes.extend_from_slice(b"999\nshort");
    fs::write(&path, bytes).unwrap();
    let error = checkpoints::kept(directory.path()).unwrap_err();
    assert!(
        matches!(error, CheckpointsError::Damaged { kept: 1, .. }),
        "{error}"
    );
    fs::write(&key_path, "not a key\n").unwrap();
    // The verifier is the key the log names, read from no file; signing needs the file.
    checkpoints::verifier(directory.path(), &ledger).unwrap();
    let error = checkpoints::sign_current(directory.path(), &ledger).unwrap_err();
    assert!(
        matches!(error, CheckpointsError::BadKeyFile { .. }),
        "{error}"
    );
}

#[test]
fn after_a_rotation_the_old_key_never_signs_and_the_next_key_file_is_moved_in() {
    let directory = tempfile::tempdir().unwrap();
    let mut ledger = store(directory.path());
    let mut signer = CheckpointSigner::open(directory.path(), &ledger).unwrap();
    let new_key = key(251);
    let receipt = ledger
        .rotate_log_key(&key(REGISTRAR), new_key.verifying_key().to_bytes(), T0)
        .unwrap();
    assert_eq!(receipt.seqs, vec![2]);
    // The held signer and the store's key file hold the rotated-out key: refused.
    let tree = ledger.log().tree().unwrap();
    let error = signer.sign(&tree, ledger.state().log_keys()).unwrap_err();
    assert!(
        matches!(error, CheckpointsError::NotTheLogKey { from_size: 2, .. }),
        "{error}"
    );
    assert_eq!(checkpoints::kept(directory.path()).unwrap().len(), 0);
    // A rotation cut short after its record: the next key's file is found and moved in.
    let next = directory.path().join(checkpoints::NEXT_LOG_KEY_FILE);
    fs::write(
        &next,
        format!(
            "{}\n{}\n",
            checkpoints::KEY_FILE_HEADER,
            hex::encode([251u8; 32])
        ),
    )
    .unwrap();
    fs::set_permissions(&next, fs::Permissions::from_mode(0o600)).unwrap();
    let signed = signer.sign(&tree, ledger.state().log_keys()).unwrap();
    assert_eq!(signed.checkpoint.size, 2);
    assert!(!next.exists());
    let verifier = checkpoints::verifier(directory.path(), &ledger).unwrap();
    assert_eq!(verifier.public_key(), &new_key.verifying_key());
    Checkpoint::open(signed.note.as_bytes(), verifier.name(), &verifier).unwrap();
    // The old key is refused as a new one, and a rotation by another author too.
    for (author, key_bytes) in [(REGISTRAR, log_key()), (OPERATOR, [9; 32])] {
        let refused = ledger.rotate_log_key(&key(author), key_bytes, T0);
        assert!(
            matches!(refused, Err(LedgerError::Refused(_))),
            "{refused:?}"
        );
    }
}
