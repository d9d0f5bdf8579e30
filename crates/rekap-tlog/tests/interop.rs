//! rekap-tlog against independent implementations (Cloudflare's `signed_note` and
//! `tlog_tiles`, the latter a port of Go's sumdb `tlog`): our notes, keys, checkpoints,
//! roots, proofs and tile paths as they read and compute them, so that a mistake cannot hide
//! behind code that only checks itself.

use ed25519_dalek::SigningKey;
use rekap_tlog::checkpoint::Checkpoint;
use rekap_tlog::note::{Note, Signer, Verifier};
use rekap_tlog::tile_path::TilePath;
use rekap_tlog::Tree;
use signed_note::{StandardSigner, StandardVerifier, VerifierList};
use tlog_tiles::tlog::Error as TlogError;
use tlog_tiles::HashReader;

const ORIGIN: &str = "rekap.example/pemilu-2024";

fn signer() -> Signer {
    Signer::new(ORIGIN, SigningKey::from_bytes(&[42; 32])).expect("name")
}

fn entries(count: u64) -> Vec<[u8; 32]> {
    (0..count).map(record_hash_like).collect()
}

/// Entries that look like record hashes (any 32 bytes do).
fn record_hash_like(i: u64) -> [u8; 32] {
    let mut entry = [0u8; 32];
    for (k, byte) in entry.iter_mut().enumerate() {
        *byte = (i.wrapping_mul(2654435761).wrapping_add(k as u64 * 97) >> (k % 7)) as u8;
    }
    entry
}

#[test]
fn our_signed_checkpoint_verifies_with_signed_note_and_parses_with_tlog_tiles() {
    let tree = Tree::from_entries(&entries(1000));
    let checkpoint = Checkpoint {
        origin: ORIGIN.into(),
        size: 1000,
        root: tree.root(1000).expect("root"),
        extensions: vec![],
    };
    let note = checkpoint.sign(&signer()).expect("sign");
    let verifier = StandardVerifier::new(&signer().verifier().to_vkey()).expect("their vkey parse");
    let theirs = signed_note::Note::from_bytes(note.as_bytes()).expect("their note parse");
    let (verified, unverified) = theirs
        .verify(&VerifierList::new(vec![Box::new(verifier)]))
        .expect("their verification");
    assert_eq!((verified.len(), unverified.len()), (1, 0));
    let parsed = tlog_tiles::Checkpoint::from_bytes(theirs.text()).expect("their checkpoint parse");
    assert_eq!(
        (parsed.origin(), parsed.size(), parsed.hash().0),
        (ORIGIN, 1000, checkpoint.root)
    );
    assert_eq!(
        parsed.to_bytes(),
        checkpoint.to_text().expect("text").into_bytes()
    );
}

#[test]
fn a_note_signed_by_signed_note_verifies_here_and_keys_agree() {
    let ours = signer();
    let their_signer = StandardSigner::new(&ours.to_private_text()).expect("their skey parse");
    let text = format!("{ORIGIN}\n7\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
    let mut theirs = signed_note::Note::new(text.as_bytes(), &[]).expect("their note");
    theirs.add_sigs(&[&their_signer]).expect("their signature");
    let bytes = theirs.to_bytes();
    let note = Note::parse(&bytes).expect("our parse");
    assert_eq!(
        note.verify(&[ours.verifier()]),
        Ok(vec![ORIGIN.to_string()])
    );
    // Ed25519 is deterministic: both write the same bytes.
    let our_note = Note {
        text: text.clone(),
        signatures: vec![ours.sign(&text).expect("sign")],
    };
    assert_eq!(our_note.to_text().expect("text").into_bytes(), bytes);
    assert_eq!(
        signed_note::key_id(
            ORIGIN,
            &[&[1u8][..], ours.verifier().public_key().as_bytes()].concat()
        ),
        ours.key_id()
    );
    let witness = SigningKey::from_bytes(&[9; 32]).verifying_key();
    let vkey = signed_note::new_ed25519_verifier_key("witness.example/w1", &witness);
    let ours = Verifier::new("witness.example/w1", witness).expect("name");
    assert_eq!(ours.to_vkey(), vkey);
    assert_eq!(Verifier::from_vkey(&vkey), Ok(ours));
}

/// The stored hashes of Go's tlog layout, built by tlog_tiles itself.
struct Stored(Vec<tlog_tiles::Hash>);

impl HashReader for Stored {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<tlog_tiles::Hash>, TlogError> {
        indexes
            .iter()
            .map(|&i| {
                self.0
                    .get(i as usize)
                    .copied()
                    .ok_or(TlogError::InvalidInput("beyond".into()))
            })
            .collect()
    }
}

#[test]
fn roots_and_proofs_agree_with_tlog_tiles_at_every_size_up_to_600() {
    let entries = entries(600);
    let tree = Tree::from_entries(&entries);
    let mut stored = Stored(Vec::new());
    for (n, entry) in entries.iter().enumerate() {
        let new = tlog_tiles::stored_hashes(n as u64, entry, &stored).expect("their hashes");
        stored.0.extend(new);
    }
    for size in (1..=600u64).step_by(7) {
        let root = tlog_tiles::tree_hash(size, &stored).expect("their root").0;
        assert_eq!(tree.root(size), Ok(root), "size {size}");
        for index in (0..size).step_by(13) {
            let theirs: Vec<_> = tlog_tiles::prove_record(size, index, &stored)
                .expect("their proof")
                .iter()
                .map(|h| h.0)
                .collect();
            assert_eq!(
                tree.inclusion_proof(index, size),
                Ok(theirs),
                "{index} in {size}"
            );
        }
        for old in (1..=size).step_by(11) {
            let theirs: Vec<_> = tlog_tiles::prove_tree(size, old, &stored)
                .expect("their proof")
                .iter()
                .map(|h| h.0)
                .collect();
            let ours = tree.consistency_proof(old, size).expect("our proof");
            assert_eq!(ours, theirs, "{old} to {size}");
            let ours: Vec<_> = ours.into_iter().map(tlog_tiles::Hash).collect();
            let (old_root, new_root) = (
                tree.root(old).expect("root"),
                tree.root(size).expect("root"),
            );
            tlog_tiles::check_tree(
                &ours,
                size,
                tlog_tiles::Hash(new_root),
                old,
                tlog_tiles::Hash(old_root),
            )
            .expect("their check");
        }
    }
}

#[test]
fn tile_paths_agree_with_tlog_tiles_index_encoding() {
    // tlog_tiles writes Go sumdb's older form `tile/<H>/<L>/<N>[.p/<W>]` with the height
    // (8) in the path and `data` for entries; C2SP dropped the height and says `entries`.
    // The index and width encoding is the same, and is what is compared.
    for index in [0u64, 1, 999, 1000, 1234067, 999_999_999, u64::MAX / 3] {
        for width in [1u32, 17, 255, 256] {
            let theirs = tlog_tiles::Tile::new(8, 2, index, width, false).path();
            let ours = TilePath::Hashes {
                level: 2,
                index,
                width: width as u16,
            }
            .to_path();
            assert_eq!(theirs.replacen("tile/8/", "tile/", 1), ours);
            let theirs = tlog_tiles::Tile::new(8, 0, index, width, true).path();
            let ours = TilePath::Entries {
                index,
                width: width as u16,
            }
            .to_path();
            assert_eq!(theirs.replacen("tile/8/data/", "tile/entries/", 1), ours);
            assert_eq!(TilePath::parse(&ours).map(|t| t.to_path()), Ok(ours));
        }
    }
}
