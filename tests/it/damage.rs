//! A damaged or torn store is never answered from fewer records (issue 10, item 1): reading
//! commands report it (verify and audit exit 1, the others exit 3 naming the byte) and
//! change no file; appending commands refuse damage and quarantine only a torn append;
//! `repair` copies what still verifies into a new store and names what was lost.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use rekap_log::storage::chunk::scan;

use crate::harness::{code, stderr, stdout, Sandbox};

const CONTEST: &str = "pilgub-kaltim-2024";
const STATION: &str = "6401012009-001";
const IMPORT: &[&str] = &[
    "import",
    "--store",
    "s",
    "--key",
    "in/keys/operator.key",
    "in/sheets.csv",
];

/// A store whose last chunk is a bulk import of the demo's sheets.
fn imported_store() -> Sandbox {
    let sandbox = Sandbox::new();
    let demo = sandbox.run(&[
        "demo",
        "--store",
        "demo",
        "--stations",
        "200",
        "--inputs",
        "in",
    ]);
    assert_eq!(code(&demo), 0, "{}", stderr(&demo));
    for args in [
        &[
            "init",
            "--store",
            "s",
            "--election",
            "in/election.json",
            "--key",
            "in/keys/registrar.key",
        ][..],
        IMPORT,
    ] {
        let output = sandbox.run(args);
        assert_eq!(code(&output), 0, "{args:?}: {}", stderr(&output));
    }
    sandbox
}

/// Every file under `directory`, by path.
fn files(directory: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut pending = vec![directory.to_owned()];
    while let Some(next) = pending.pop() {
        for entry in fs::read_dir(&next).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                found.insert(path.clone(), fs::read(&path).unwrap());
            }
        }
    }
    found
}

/// Runs every reading command and checks each reports the damage and changes nothing.
fn readers_report_and_change_nothing(sandbox: &Sandbox) {
    let store = sandbox.path("s");
    let before = files(&store);
    for (args, expected) in [
        (&["verify", "--store", "s"][..], 1),
        (&["audit", "--store", "s"][..], 1),
        (&["totals", "--store", "s"][..], 3),
        (&["status", "--store", "s"][..], 3),
        (&["history", "--store", "s", STATION][..], 3),
        (&["export", "--store", "s", "--out", "copy.rekap"][..], 3),
        (
            &[
                "prove",
                "--store",
                "s",
                "--contest",
                CONTEST,
                "--station",
                STATION,
                "--out",
                "p.json",
            ][..],
            3,
        ),
    ] {
        let output = sandbox.run(args);
        let said = format!("{}{}", stdout(&output), stderr(&output));
        assert_eq!(code(&output), expected, "{args:?}: {said}");
        assert!(
            said.contains("damaged") && said.contains("byte "),
            "{args:?}: {said}"
        );
    }
    // The audit judges nothing past the damage and gives no projection digest.
    let audit = stdout(&sandbox.run(&["audit", "--store", "s"]));
    assert!(audit.contains("is not authenticated"), "{audit}");
    let digest_given = audit
        .lines()
        .any(|line| line.trim_start().starts_with("projection digest "));
    assert!(!digest_given, "{audit}");
    assert!(
        files(&store) == before,
        "a reading command changed the store"
    );
}

fn last_chunk_frames(store: &Path) -> (u64, u64) {
    let segment = fs::File::open(store.join("log.segment")).unwrap();
    let length = segment.metadata().unwrap().len();
    let last = *scan(&segment, length).unwrap().chunks.last().unwrap();
    (last.frames_offset(), last.header.frames_length)
}

#[test]
fn a_flipped_bit_in_the_last_chunk_is_reported_refused_and_repaired() {
    let sandbox = imported_store();
    let store = sandbox.path("s");
    // Without the view totals must read the log (a view answers without reading records).
    fs::remove_file(store.join("totals.view")).unwrap();
    let segment = store.join("log.segment");
    let mut bytes = fs::read(&segment).unwrap();
    let (frames, length) = last_chunk_frames(&store);
    bytes[(frames + length / 2) as usize] ^= 0x04;
    fs::write(&segment, &bytes).unwrap();
    readers_report_and_change_nothing(&sandbox);

    let before = files(&store);
    let append = sandbox.run(IMPORT);
    assert_eq!(code(&append), 3, "{}", stderr(&append));
    assert!(stderr(&append).contains("damaged"), "{}", stderr(&append));
    assert!(
        files(&store) == before,
        "an appending command changed a damaged store"
    );

    let repair = sandbox.run(&["repair", "--store", "s", "--out", "s2"]);
    assert_eq!(code(&repair), 1, "{}", stderr(&repair));
    // The import is one record (2), and the flip is inside it.
    let said = stdout(&repair);
    assert!(said.contains("LOST: record 2: at byte "), "{said}");
    assert!(said.contains("records 1..=1 copied"), "{said}");
    assert!(files(&store) == before, "repair changed the original");
    let verified = sandbox.run(&["verify", "--store", "s2"]);
    assert_eq!(code(&verified), 0, "{}", stdout(&verified));
}

#[test]
fn a_cut_tail_is_reported_to_readers_and_damage_once_a_view_saw_it_whole() {
    let sandbox = imported_store();
    let store = sandbox.path("s");
    let segment = store.join("log.segment");
    let whole = fs::read(&segment).unwrap();
    let (frames, _) = last_chunk_frames(&store);
    let last_chunk = frames as usize - rekap_log::storage::chunk::HEADER_BYTES;
    let cut = whole.len() - 100;
    fs::write(&segment, &whole[..cut]).unwrap();
    readers_report_and_change_nothing(&sandbox);
    // The view saved by the import proves the last chunk was committed: no cut.
    let register = [
        "register",
        "--store",
        "s",
        "--key",
        "in/keys/registrar.key",
        "--officer",
        "in/keys/witness-1.key.pub",
        "--role",
        "witness",
        "--contest",
        CONTEST,
        "--pair",
        "1",
        "--scope",
        "64",
    ];
    let before = files(&store);
    let refused = sandbox.run(&register);
    assert_eq!(code(&refused), 3, "{}", stderr(&refused));
    assert!(files(&store) == before);
    // Without that evidence (each saved view holds it) the cut looks like a torn append:
    // the next appending command moves it to quarantine (kept, never deleted), says so,
    // and goes on.
    fs::remove_file(store.join("totals.view")).unwrap();
    fs::remove_file(store.join("stations.view")).unwrap();
    fs::remove_file(store.join("history.view")).unwrap();
    fs::remove_file(store.join("authority.view")).unwrap();
    let appended = sandbox.run(&register);
    assert_eq!(code(&appended), 0, "{}", stderr(&appended));
    assert!(
        stderr(&appended).contains("to ") && stderr(&appended).contains("quarantine"),
        "{}",
        stderr(&appended)
    );
    let quarantined: Vec<_> = fs::read_dir(store.join("quarantine"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(quarantined.len(), 1);
    let moved = fs::read(quarantined[0].path()).unwrap();
    assert!(
        moved == whole[last_chunk..cut],
        "the quarantine holds the cut chunk"
    );
    assert!(fs::read(&segment).unwrap()[..last_chunk] == whole[..last_chunk]);
    let verified = sandbox.run(&["verify", "--store", "s"]);
    assert_eq!(code(&verified), 0, "{}", stdout(&verified));
}

#[test]
fn a_store_without_a_genesis_does_not_verify() {
    let sandbox = Sandbox::new();
    // An empty store: what a crash during init could leave.
    drop(rekap_log::SegmentStorage::create(&sandbox.path("empty")).unwrap());
    let output = sandbox.run(&["verify", "--store", "empty"]);
    assert_eq!(code(&output), 1, "{}", stdout(&output));
    assert!(
        stdout(&output).contains("holds no genesis"),
        "{}",
        stdout(&output)
    );
}

/// Damage in the log's first chunk (the genesis), past what opening the store reads: `export`
/// exits 3 and leaves no half export; `verify` names the damage (the byte, the checksum)
/// and does not call the log empty.
#[test]
fn damage_in_the_first_chunk_is_named_by_verify_and_refused_by_export() {
    let sandbox = Sandbox::new();
    let demo = sandbox.run(&["demo", "--store", "s", "--stations", "3", "-q"]);
    assert_eq!(code(&demo), 0, "{}", stderr(&demo));
    let segment = sandbox.path("s/log.segment");
    let mut bytes = fs::read(&segment).unwrap();
    bytes[92] ^= 0x01;
    fs::write(&segment, &bytes).unwrap();
    let export = sandbox.run(&["export", "--store", "s", "--out", "copy.rekap"]);
    assert_eq!(code(&export), 3, "{}", stderr(&export));
    assert!(stderr(&export).contains("damaged"), "{}", stderr(&export));
    assert!(
        !sandbox.path("copy.rekap").exists(),
        "no half export is left"
    );
    let verify = sandbox.run(&["verify", "--store", "s"]);
    assert_eq!(code(&verify), 1);
    let said = stdout(&verify);
    assert!(
        said.contains("byte 92") && said.contains("damaged"),
        "{said}"
    );
    assert!(!said.contains("empty"), "{said}");
    // Reads answered from a saved view say so, and who checks the whole log.
    let totals = sandbox.run(&["totals", "--store", "s", "--lang", "en"]);
    assert!(
        stderr(&totals).contains("rekap audit"),
        "{}",
        stderr(&totals)
    );
}
