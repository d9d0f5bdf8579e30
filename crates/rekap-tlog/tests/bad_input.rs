//! Bad input gets an error, never a panic: random bytes into every parser, flipped bytes in
//! notes, proofs and node files, and proofs for another size.

use ed25519_dalek::SigningKey;
use proptest::prelude::*;
use rekap_tlog::checkpoint::Checkpoint;
use rekap_tlog::files::TreeFiles;
use rekap_tlog::note::{Note, Signer, Verifier};
use rekap_tlog::tile_path::TilePath;
use rekap_tlog::tlog_proof::TlogProof;
use rekap_tlog::{verify_consistency, verify_inclusion, Hash, ProofError, Tree};

fn signer() -> Signer {
    Signer::new("rekap.example/log", SigningKey::from_bytes(&[3; 32])).expect("name")
}

fn entries(count: u64) -> Vec<[u8; 32]> {
    (0..count)
        .map(|i| {
            let mut e = [0u8; 32];
            e[..8].copy_from_slice(&i.to_le_bytes());
            e
        })
        .collect()
}

fn signed_checkpoint(tree: &Tree, size: u64) -> String {
    let checkpoint = Checkpoint {
        origin: "rekap.example/log".into(),
        size,
        root: tree.root(size).expect("root"),
        extensions: vec![],
    };
    checkpoint.sign(&signer()).expect("sign")
}

proptest! {
    #[test]
    fn random_bytes_into_every_parser_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = Note::parse(&bytes);
        let _ = TlogProof::parse(&bytes);
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let _ = Checkpoint::from_text(text);
            let _ = TilePath::parse(text);
            let _ = Verifier::from_vkey(text);
            let _ = Signer::from_private_text(text);
        }
        let verifier = signer().verifier();
        let _ = Checkpoint::open(&bytes, "rekap.example/log", &verifier);
    }

    #[test]
    fn random_text_shaped_like_the_formats_never_panics(
        text in "(\u{2014} |[a-z0-9+/=.]{0,12}|\n|tile/|x00|\\.p/|index |extra |c2sp.org/tlog-proof@v1){0,30}"
    ) {
        let _ = Note::parse(text.as_bytes());
        let _ = TlogProof::parse(text.as_bytes());
        let _ = Checkpoint::from_text(&text);
        let _ = TilePath::parse(&text);
        let _ = Verifier::from_vkey(&text);
    }

    #[test]
    fn any_flipped_bit_in_a_signed_checkpoint_is_refused(position in 0usize..200, bit in 0u8..8) {
        let tree = Tree::from_entries(&entries(5));
        let mut note = signed_checkpoint(&tree, 5).into_bytes();
        let position = position % note.len();
        note[position] ^= 1 << bit;
        prop_assert!(Checkpoint::open(&note, "rekap.example/log", &signer().verifier()).is_err());
    }

    #[test]
    fn random_proofs_and_sizes_never_panic_the_verifiers(
        index in any::<u64>(), size in any::<u64>(), old in any::<u64>(),
        proof in prop::collection::vec(any::<[u8; 32]>(), 0..70), root in any::<[u8; 32]>()
    ) {
        let _ = verify_inclusion(index, size, &root, &proof, &root);
        let _ = verify_consistency(old, size, &proof, &root, &root);
    }
}

#[test]
fn a_proof_for_another_size_and_a_forged_consistency_proof_fail_clearly() {
    let tree = Tree::from_entries(&entries(1000));
    let proof = tree.inclusion_proof(10, 1000).expect("proof");
    let leaf = tree.leaf(10).expect("leaf");
    let other_root = tree.root(999).expect("root");
    let error = verify_inclusion(10, 999, &leaf, &proof, &other_root).expect_err("another size");
    assert_eq!(error, ProofError::RootMismatch);
    let proof = tree.consistency_proof(300, 1000).expect("proof");
    let (old, new) = (
        tree.root(300).expect("root"),
        tree.root(1000).expect("root"),
    );
    for position in 0..proof.len() {
        let mut forged = proof.clone();
        forged[position][31] ^= 0x80;
        assert!(
            verify_consistency(300, 1000, &forged, &old, &new).is_err(),
            "hash {position}"
        );
    }
    let error = verify_consistency(300, 1000, &proof[1..], &old, &new).expect_err("short");
    assert!(error.to_string().contains("hashes"), "{error}");
    // The old tree of another log: the proof does not lead to its root.
    let foreign: Vec<[u8; 32]> = entries(300)
        .into_iter()
        .map(|mut e| {
            e[31] = 1;
            e
        })
        .collect();
    let other = Tree::from_entries(&foreign);
    let error = verify_consistency(300, 1000, &proof, &other.root(300).expect("root"), &new);
    assert_eq!(error, Err(ProofError::OldRootMismatch));
}

#[test]
fn a_tile_with_a_flipped_byte_is_found() {
    let directory = tempfile::tempdir().expect("tempdir");
    let tree = Tree::from_entries(&entries(70_000));
    let (mut files, empty) = TreeFiles::open(directory.path()).expect("open");
    assert_eq!(empty, Tree::new());
    files.save(&tree, false).expect("save");
    let (_, again) = TreeFiles::open(directory.path()).expect("reopen");
    assert_eq!(again, tree);
    // Flip one byte of a level-0 hash on disk (header 16 bytes, then 32 per hash).
    let path = directory.path().join("level-0");
    let mut bytes = std::fs::read(&path).expect("read");
    bytes[16 + 32 * 1000 + 5] ^= 1;
    std::fs::write(&path, &bytes).expect("write");
    let (_, damaged) = TreeFiles::open(directory.path()).expect("structure still fine");
    assert_eq!(damaged.check(), Err((0, 3)));
    // And a tile served with a flipped byte does not verify against the checkpoint's root.
    let tile = tree.tile(0, 3, 70_000).expect("tile").to_vec();
    let mut flipped: Vec<Hash> = tile.clone();
    flipped[7][0] ^= 1;
    assert_ne!(
        rebuilt_root(&tree, 3, &flipped),
        tree.root(70_000).expect("root")
    );
    assert_eq!(
        rebuilt_root(&tree, 3, &tile),
        tree.root(70_000).expect("root")
    );
}

/// The root a client computes after replacing level-0 tile `index` by `tile`.
fn rebuilt_root(tree: &Tree, index: u64, tile: &[Hash]) -> Hash {
    let mut client = Tree::new();
    for tile_index in 0..274u64 {
        let hashes = if tile_index == index {
            tile
        } else {
            tree.tile(0, tile_index, 70_000).expect("tile")
        };
        for hash in hashes {
            client.append_leaf_hash(*hash);
        }
    }
    client.root(70_000).expect("root")
}

#[test]
fn node_files_survive_a_torn_save_a_lost_upper_level_and_truncation() {
    let directory = tempfile::tempdir().expect("tempdir");
    let all = entries(66_000);
    let (mut files, mut tree) = TreeFiles::open(directory.path()).expect("open");
    for chunk in all.chunks(4_000) {
        tree.append(chunk);
        files.save(&tree, true).expect("save");
    }
    assert_eq!(tree, Tree::from_entries(&all));
    // A torn last hash, and level 1 lost entirely: both recovered from level 0.
    let level0 = directory.path().join("level-0");
    let length = std::fs::metadata(&level0).expect("meta").len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&level0)
        .expect("open")
        .set_len(length - 5)
        .expect("tear");
    std::fs::remove_file(directory.path().join("level-1")).expect("remove");
    std::fs::remove_file(directory.path().join("level-2")).expect("remove");
    let (mut files, mut tree) = TreeFiles::open(directory.path()).expect("reopen");
    assert_eq!(tree, Tree::from_entries(&all[..65_999]));
    tree.append(&all[65_999..]);
    files.save(&tree, false).expect("save");
    tree.truncate(65_000);
    files.save(&tree, false).expect("save truncated");
    let (_, reopened) = TreeFiles::open(directory.path()).expect("reopen");
    assert_eq!(reopened, Tree::from_entries(&all[..65_000]));
    // A foreign file is refused with its path named.
    std::fs::write(&level0, b"not a level file at all").expect("write");
    let error = TreeFiles::open(directory.path()).expect_err("foreign");
    assert!(error.to_string().contains("level-0"), "{error}");
}
