//! The examples of the C2SP specifications (signed-note, tlog-checkpoint, tlog-tiles,
//! tlog-proof), and round trips of what this crate writes.

use ed25519_dalek::SigningKey;
use rekap_tlog::checkpoint::{Checkpoint, CheckpointError};
use rekap_tlog::note::{ed25519_key_id, Note, NoteError, Signer, Verifier};
use rekap_tlog::tile_path::{changed_tiles, TilePath};
use rekap_tlog::tlog_proof::TlogProof;
use rekap_tlog::{leaf_hash, Tree};

const SPEC_VKEY: &str = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
const SPEC_NOTE: &str = "This is an example message.\n\n\u{2014} example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";

fn signer(name: &str) -> Signer {
    Signer::new(name, SigningKey::from_bytes(&[7; 32])).expect("valid name")
}

#[test]
fn the_signed_note_spec_example_verifies_with_its_vkey() {
    let verifier = Verifier::from_vkey(SPEC_VKEY).expect("spec vkey");
    assert_eq!(verifier.key_id(), 0x530d903a);
    assert_eq!(verifier.to_vkey(), SPEC_VKEY);
    let note = Note::parse(SPEC_NOTE.as_bytes()).expect("spec note");
    assert_eq!(note.text, "This is an example message.\n");
    assert_eq!(
        note.verify(&[verifier]),
        Ok(vec!["example.com/foo".to_string()])
    );
    assert_eq!(note.to_text().as_deref(), Ok(SPEC_NOTE));
}

#[test]
fn a_one_byte_change_to_the_spec_note_fails_and_an_unknown_key_is_not_trusted() {
    let verifier = Verifier::from_vkey(SPEC_VKEY).expect("spec vkey");
    let forged = SPEC_NOTE.replace("example message", "example massage");
    let note = Note::parse(forged.as_bytes()).expect("still well formed");
    assert!(matches!(
        note.verify(&[verifier]),
        Err(NoteError::InvalidSignature { .. })
    ));
    let other = signer("example.com/foo").verifier();
    let note = Note::parse(SPEC_NOTE.as_bytes()).expect("spec note");
    // Same name, other id: ignored, so no known signature at all.
    assert_eq!(note.verify(&[other]), Err(NoteError::NoKnownSignature));
}

#[test]
fn the_key_id_is_the_first_four_bytes_of_the_spec_hash() {
    let verifier = Verifier::from_vkey(SPEC_VKEY).expect("spec vkey");
    let key = verifier.public_key().to_bytes();
    assert_eq!(ed25519_key_id("example.com/foo", &key), 0x530d903a);
    // A vkey whose id does not match its name and key is refused.
    let wrong = SPEC_VKEY.replace("530d903a", "530d903b");
    assert!(Verifier::from_vkey(&wrong).is_err());
    let upper = SPEC_VKEY.replace("530d903a", "530D903A");
    assert!(Verifier::from_vkey(&upper).is_err());
}

#[test]
fn the_checkpoint_spec_example_parses() {
    let text =
        "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
    let checkpoint = Checkpoint::from_text(text).expect("spec checkpoint");
    assert_eq!(checkpoint.origin, "example.com/behind-the-sofa");
    assert_eq!(checkpoint.size, 20852163);
    assert_eq!(checkpoint.to_text().as_deref(), Ok(text));
}

#[test]
fn a_signed_checkpoint_round_trips_and_opens_only_for_its_origin_and_key() {
    let signer = signer("rekap.example/pemilu-2024");
    let tree = Tree::from_entries(&[[1u8; 32], [2; 32], [3; 32]]);
    let checkpoint = Checkpoint {
        origin: "rekap.example/pemilu-2024".into(),
        size: 3,
        root: tree.root(3).expect("root"),
        extensions: vec![],
    };
    let note = checkpoint.sign(&signer).expect("sign");
    assert!(note.starts_with("rekap.example/pemilu-2024\n3\n"));
    assert!(note.contains("\n\n\u{2014} rekap.example/pemilu-2024 "));
    let opened = Checkpoint::open(
        note.as_bytes(),
        "rekap.example/pemilu-2024",
        &signer.verifier(),
    );
    assert_eq!(opened, Ok(checkpoint.clone()));
    let wrong_origin = Checkpoint::open(note.as_bytes(), "rekap.example/other", &signer.verifier());
    assert!(matches!(
        wrong_origin,
        Err(CheckpointError::WrongOrigin { .. })
    ));
    let other_key = Signer::new(
        "rekap.example/pemilu-2024",
        SigningKey::from_bytes(&[8; 32]),
    )
    .expect("name")
    .verifier();
    let wrong_key = Checkpoint::open(note.as_bytes(), "rekap.example/pemilu-2024", &other_key);
    assert!(matches!(
        wrong_key,
        Err(CheckpointError::Note(NoteError::NoKnownSignature))
    ));
    // A key not named after the origin does not sign it.
    assert!(checkpoint.sign(&self::signer("someone.else")).is_err());
}

#[test]
fn private_key_text_round_trips() {
    let signer = signer("rekap.example/log");
    let text = signer.to_private_text();
    assert!(text.starts_with("PRIVATE+KEY+rekap.example/log+"));
    let again = Signer::from_private_text(&text).expect("round trip");
    assert_eq!(again.verifier(), signer.verifier());
}

#[test]
fn checkpoint_lines_are_strict() {
    let root = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";
    for bad in [
        format!("o\n01\n{root}\n"),
        format!("o\n-1\n{root}\n"),
        format!("o\n18446744073709551616\n{root}\n"),
        format!("\n1\n{root}\n"),
        format!("o\n1\n{root}"),
        format!("o\n1\n{}\n", &root[..40]),
        format!("o\n1\n{root}\n\n"),
        "o\n1\n".to_string(),
    ] {
        assert!(Checkpoint::from_text(&bad).is_err(), "{bad:?}");
    }
    let with_extension = format!("o\n0\n{root}\nextension\n");
    assert_eq!(
        Checkpoint::from_text(&with_extension).map(|c| c.extensions.len()),
        Ok(1)
    );
}

#[test]
fn the_tile_path_spec_examples() {
    let tile = |level, index, width| TilePath::Hashes {
        level,
        index,
        width,
    };
    assert_eq!(tile(0, 1234067, 256).to_path(), "tile/0/x001/x234/067");
    assert_eq!(tile(1, 1234067, 17).to_path(), "tile/1/x001/x234/067.p/17");
    assert_eq!(tile(2, 0, 1).to_path(), "tile/2/000.p/1");
    assert_eq!(
        TilePath::Entries {
            index: 5,
            width: 256
        }
        .to_path(),
        "tile/entries/005"
    );
    assert_eq!(
        TilePath::Entries {
            index: 1000,
            width: 3
        }
        .to_path(),
        "tile/entries/x001/000.p/3"
    );
    for path in [
        "tile/0/x001/x234/067",
        "tile/63/999",
        "tile/entries/x001/000.p/3",
        "tile/0/000.p/255",
    ] {
        assert_eq!(
            TilePath::parse(path).map(|t| t.to_path()).as_deref(),
            Ok(path)
        );
    }
    for bad in [
        "tile/0/x000/001",
        "tile/00/001",
        "tile/64/000",
        "tile/0/1",
        "tile/0/001.p/256",
        "tile/0/001.p/0",
        "tile/0/001.p/07",
        "tile/0/x001",
        "tile/0/001/002",
        "tile/0/001.p",
        "tiles/0/001",
        "tile/0/x99999999999999999999/000",
        "tile/-1/000",
        "tile/0/00a",
    ] {
        assert!(TilePath::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn the_tiles_of_a_tree_of_70000_are_the_spec_example() {
    let tiles = changed_tiles(0, 70_000);
    let level = |l| {
        tiles
            .iter()
            .filter(move |t| matches!(t, TilePath::Hashes { level, .. } if *level == l))
    };
    assert_eq!(level(0).count(), 274);
    assert_eq!(
        level(0).next_back(),
        Some(&TilePath::Hashes {
            level: 0,
            index: 273,
            width: 112
        })
    );
    assert_eq!(level(1).collect::<Vec<_>>().len(), 2);
    assert_eq!(
        level(1).next_back(),
        Some(&TilePath::Hashes {
            level: 1,
            index: 1,
            width: 17
        })
    );
    assert_eq!(
        level(2).collect::<Vec<_>>(),
        vec![&TilePath::Hashes {
            level: 2,
            index: 0,
            width: 1
        }]
    );
    assert_eq!(tiles.len(), 277);
    // A tree of 256: a full level-0 tile and a level-1 tile of width 1.
    assert_eq!(
        changed_tiles(0, 256),
        vec![
            TilePath::Hashes {
                level: 0,
                index: 0,
                width: 256
            },
            TilePath::Hashes {
                level: 1,
                index: 0,
                width: 1
            }
        ]
    );
    // From 70,000 to 70,001 only the right edge changes.
    assert_eq!(
        changed_tiles(70_000, 70_001),
        vec![TilePath::Hashes {
            level: 0,
            index: 273,
            width: 113
        }]
    );
}

#[test]
fn a_tlog_proof_round_trips_and_verifies_only_its_entry() {
    let entries: Vec<[u8; 32]> = (0..10u8).map(|i| [i; 32]).collect();
    let tree = Tree::from_entries(&entries);
    let signer = signer("rekap.example/log");
    let checkpoint = Checkpoint {
        origin: "rekap.example/log".into(),
        size: 10,
        root: tree.root(10).expect("root"),
        extensions: vec![],
    };
    let proof = TlogProof {
        extra: Some(b"record 6".to_vec()),
        index: 6,
        proof: tree.inclusion_proof(6, 10).expect("proof"),
        checkpoint: checkpoint.sign(&signer).expect("sign"),
    };
    let text = proof.to_text();
    assert!(text.starts_with("c2sp.org/tlog-proof@v1\nextra cmVjb3JkIDY=\nindex 6\n"));
    let parsed = TlogProof::parse(text.as_bytes()).expect("parse");
    assert_eq!(parsed, proof);
    let verifier = signer.verifier();
    assert_eq!(
        parsed.verify(&leaf_hash(&entries[6]), "rekap.example/log", &verifier),
        Ok(checkpoint)
    );
    assert!(parsed
        .verify(&leaf_hash(&entries[5]), "rekap.example/log", &verifier)
        .is_err());
    let moved = text.replace("index 6", "index 7");
    let moved = TlogProof::parse(moved.as_bytes()).expect("parse");
    assert!(moved
        .verify(&leaf_hash(&entries[6]), "rekap.example/log", &verifier)
        .is_err());
}

/// Standard base64 holds `+`: a vkey and a private key text whose key encodes with one
/// must round trip (the key is everything after the second `+`).
#[test]
fn keys_whose_base64_holds_a_plus_round_trip() {
    let with_plus = (0u8..=255)
        .map(|seed| Signer::new("rekap/example", SigningKey::from_bytes(&[seed; 32])).unwrap())
        .find(|signer| signer.verifier().to_vkey().matches('+').count() > 2)
        .expect("some key's base64 holds a plus");
    let vkey = with_plus.verifier().to_vkey();
    assert_eq!(Verifier::from_vkey(&vkey).expect("reads").to_vkey(), vkey);
    let private = with_plus.to_private_text();
    let reread = Signer::from_private_text(&private).expect("reads private text");
    assert_eq!(reread.verifier().to_vkey(), vkey);
}
