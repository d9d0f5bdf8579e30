//! `prove` from the saved views: the branch the views give is exactly the replay's for a
//! fresh approval (at every level, with a voided station beside it), and so is every
//! refusal (stale, pending, no sheet, an unknown level or contest); an unknown station code
//! or views that do not check give nothing, leaving it to the replay.

use rekap_ledger::proof_view::{open_saved_views, SavedViews};
use rekap_ledger::Ledger;
use rekap_log::SegmentStorage;
use rekap_model::Event;
use rekap_projection::proof::ProofLevel;
use rekap_test_kit::small_election::{
    self, all_sheets, official_of, GUBERNUR, OPERATOR, REGISTRAR, STATIONS, T0,
};
use rekap_test_kit::{log_key, signing as key};

fn digest(ledger: &Ledger<SegmentStorage>, region: &str) -> [u8; 32] {
    let state = ledger.state();
    let contest = state.election().contest_by_id(GUBERNUR).unwrap();
    let region = state.election().find_region(region).unwrap();
    ledger.projection().digest(state, contest, region)
}

fn append(ledger: &mut Ledger<SegmentStorage>, author: u8, event: Event) {
    let now = T0 + 1_000 * (ledger.head().count + 1);
    ledger
        .submit(&key(author), vec![vec![event]], now)
        .unwrap_or_else(|error| panic!("refused: {error}"));
}

fn approve(ledger: &mut Ledger<SegmentStorage>, region: &str) {
    let approval = small_election::approve(region, digest(ledger, region));
    append(ledger, official_of(region), approval);
}

/// Every sheet in; district 647202 with a voided station and approved, regency 6472 and
/// its district 647201 approved, then 647201 corrected (both stale); regency 6471 and its
/// district approved (fresh); the province never approved.
/// The views saved whole at the head.
fn store(directory: &std::path::Path) -> Ledger<SegmentStorage> {
    let mut ledger = Ledger::create(
        SegmentStorage::create(directory).unwrap(),
        rekap_model::Genesis::new(small_election::definition("proof view"), log_key()),
        &key(REGISTRAR),
        T0,
    )
    .unwrap();
    ledger
        .submit(&key(OPERATOR), vec![all_sheets()], T0 + 1_000)
        .unwrap();
    // A checkpoint before any approval: it includes none of them.
    write_log_key(directory);
    rekap_ledger::checkpoints::sign_current(directory, &ledger).unwrap();
    let void = Event::StationVoided {
        station: STATIONS[7].into(),
        contest: GUBERNUR.into(),
        reason: "the ballots burned".into(),
    };
    append(&mut ledger, official_of("647202"), void);
    for region in ["647202", "647201", "6472", "647101", "6471"] {
        approve(&mut ledger, region);
    }
    let correction = small_election::correct(STATIONS[2], &[99, 1]);
    append(&mut ledger, official_of("647201"), correction);
    let whole = ledger.totals_view(None);
    ledger.save_totals_view(&whole).unwrap();
    ledger
}

fn views(directory: &std::path::Path) -> SavedViews {
    open_saved_views(directory).unwrap().expect("current views")
}

const LEVELS: [Option<&str>; 6] = [
    None,
    Some("district"),
    Some("regency"),
    Some("province"),
    Some("village"),
    Some("nowhere"),
];

fn level(key: Option<&str>) -> ProofLevel<'_> {
    key.map_or(ProofLevel::Highest, ProofLevel::Key)
}

#[test]
fn the_views_give_the_replays_branch_or_leave_it_to_the_replay() {
    let directory = tempfile::tempdir().unwrap();
    let ledger = store(directory.path());
    let views = views(directory.path());
    let (state, projection) = (ledger.state(), ledger.projection());
    let mut answered = 0;
    let mut refused = 0;
    let mut left = 0;
    let stations = STATIONS.iter().copied().chain(["6472020001-009", "64"]);
    for station in stations {
        for key in LEVELS {
            for contest in [GUBERNUR, "bupati-nowhere"] {
                let replayed = projection.prove(state, contest, station, level(key));
                let viewed = views.prove(contest, station, level(key));
                match (&replayed, &viewed) {
                    (Ok(replayed), Some(Ok(viewed))) => {
                        assert_eq!(replayed, viewed, "{station} {key:?}");
                        answered += 1;
                    }
                    (Err(replayed), Some(Err(viewed))) => {
                        assert_eq!(replayed, viewed, "{station} {key:?}");
                        refused += 1;
                    }
                    (Err(_), None) => left += 1,
                    _ => panic!("{station} {key:?} {contest}: {replayed:?} but {viewed:?}"),
                }
            }
        }
    }
    // 6471's two stations at their district, their regency and the highest approved level
    // (6471: the province is pending); 647202's counted station beside the voided one at
    // its district (its regency 6472 is stale).
    assert_eq!(answered, 7, "fresh branches answered from the views");
    // Every refusal but an unknown station code's is the replay's own, from the views.
    assert_eq!(left, 2 * LEVELS.len(), "left to the replay");
    assert!(refused > 50, "{refused}");
}

#[test]
fn a_view_that_does_not_check_or_is_stale_gives_nothing() {
    let directory = tempfile::tempdir().unwrap();
    let mut ledger = store(directory.path());
    let fresh = (STATIONS[8], ProofLevel::Key("district"));
    let honest = views(directory.path()).prove(GUBERNUR, fresh.0, fresh.1);
    assert!(matches!(honest, Some(Ok(_))), "{honest:?}");
    // The village's line rewritten (pair 1 and the valid total raised) and the view's
    // checksums recomputed, as anyone who can write the store can: the line no longer
    // hashes to the digests above it, and the views give nothing (or, where the pattern
    // matched bytes the proof does not use, the same branch), never another one.
    let path = directory.path().join("totals.view");
    let original = std::fs::read(&path).unwrap();
    let village = {
        let state = ledger.state();
        let contest = state.election().contest_by_id(GUBERNUR).unwrap();
        let region = state.election().find_region("6472020001").unwrap();
        ledger.projection().totals(state, contest, region)
    };
    let mut pattern = Vec::new();
    for word in village
        .votes
        .iter()
        .chain([&village.valid, &village.invalid])
    {
        pattern.extend_from_slice(&word.to_le_bytes());
    }
    let start = crate::view::body_start(&original);
    let mut refused = 0;
    for at in (start..original.len() - pattern.len())
        .filter(|at| original[*at..*at + pattern.len()] == pattern[..])
    {
        let mut forged = original.clone();
        for word in [at, at + 16] {
            let value = u64::from_le_bytes(forged[word..word + 8].try_into().unwrap());
            forged[word..word + 8].copy_from_slice(&(value + 1_000).to_le_bytes());
        }
        crate::view::reseal(&mut forged);
        std::fs::write(&path, &forged).unwrap();
        let answer = open_saved_views(directory.path())
            .unwrap()
            .and_then(|views| views.prove(GUBERNUR, fresh.0, fresh.1));
        match answer {
            None => refused += 1,
            Some(answer) => assert_eq!(Some(answer), honest, "a forged line at byte {at}"),
        }
    }
    assert!(refused > 0, "the village's line was never forged");
    std::fs::write(&path, &original).unwrap();
    let again = views(directory.path()).prove(GUBERNUR, fresh.0, fresh.1);
    assert_eq!(again, honest);
    // An append the views were not saved after: they are of an older head, never read.
    let correction = small_election::correct(STATIONS[0], &[1, 2]);
    append(&mut ledger, official_of("647101"), correction);
    assert!(open_saved_views(directory.path()).unwrap().is_none());
}

fn write_log_key(directory: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    let path = directory.join(rekap_ledger::checkpoints::LOG_KEY_FILE);
    let seed = hex::encode([rekap_test_kit::keys::LOG_KEY_NUMBER; 32]);
    let header = rekap_ledger::checkpoints::KEY_FILE_HEADER;
    std::fs::write(&path, format!("{header}\n{seed}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

/// The whole proof file from the views (the approval's record and its inclusion from the
/// tree files) is the replay's, and verifies; without the tree files, or with a checkpoint
/// the record is not in, the views give nothing and create nothing.
#[test]
fn the_proof_file_from_the_views_is_the_replays_and_verifies() {
    use rekap_ledger::checkpoints::{self, sign_current};
    use rekap_ledger::proof::{log_proof, prove, verify_proof};
    use rekap_ledger::proof_view::prove_from_views;
    let directory = tempfile::tempdir().unwrap();
    let store_path = directory.path();
    sign_current(store_path, &store(store_path)).unwrap();
    let early = checkpoints::kept_of_size(store_path, 2).unwrap().unwrap();
    let ledger = Ledger::open(SegmentStorage::open_read_only(store_path).unwrap()).unwrap();
    let latest = checkpoints::latest(store_path).unwrap().unwrap();
    assert_eq!(latest.checkpoint.size, ledger.head().count);
    let tree = ledger.log().tree().unwrap();
    let (state, projection) = (ledger.state(), ledger.projection());
    for (station, key) in [(STATIONS[0], None), (STATIONS[1], Some("regency"))] {
        let replayed = prove(
            state,
            projection,
            GUBERNUR,
            station,
            level(key),
            |seq| Ok(ledger.log().read(seq)?),
            |seq| log_proof(&tree, &latest, seq),
        )
        .unwrap();
        let viewed = prove_from_views(store_path, GUBERNUR, station, level(key), &latest);
        let viewed = viewed.expect("answered").expect("proved");
        assert_eq!(
            serde_json::to_string_pretty(&viewed).unwrap(),
            serde_json::to_string_pretty(&replayed).unwrap()
        );
        verify_proof(&viewed, None, None).expect("the views' proof verifies");
        // A checkpoint signed before the approval holds no inclusion of it.
        let before = prove_from_views(store_path, GUBERNUR, station, level(key), &early);
        assert!(before.is_none());
    }
    let tree_files = store_path.join(rekap_log::tree::TREE_DIRECTORY);
    std::fs::remove_dir_all(&tree_files).unwrap();
    assert!(prove_from_views(store_path, GUBERNUR, STATIONS[0], level(None), &latest).is_none());
    assert!(!tree_files.exists(), "a reader creates no tree files");
}
