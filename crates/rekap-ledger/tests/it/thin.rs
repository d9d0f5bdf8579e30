//! Issue 18: an approval, an objection or a rejection decided without a replay (against the
//! saved authority state and views, `rekap_ledger::thin`) gives exactly what the replay
//! gives: the same decision or refusal, the same record bytes, the same views and
//! authority state, byte for byte. Two stores are driven in lockstep, one as `approve`
//! does it now (the saved state first, the replay when that cannot decide), one always
//! replaying; after every step their files are equal. A refusal leaves the store as it
//! was, and a stale or damaged authority state is only a reason to replay.

use std::path::{Path, PathBuf};

use ed25519_dalek::Signer;
use rekap_ledger::authority_view::{check_authority_view, AUTHORITY_VIEW};
use rekap_ledger::thin::{Opened, ThinLedger};
use rekap_ledger::Ledger;
use rekap_log::storage::view_file::ViewReader;
use rekap_log::{Log, SegmentStorage, Storage};
use rekap_model::{
    ApprovalStatement, ElectionDefinition, Event, EventId, Genesis, Resolution, Role,
    WitnessSignature,
};
use rekap_test_kit::small_election::{self, official_of, GUBERNUR, OPERATOR, REGISTRAR, STATIONS};
use rekap_test_kit::{log_key, pk, signing as key};

const WITNESS: u8 = 40;
const T0: u64 = small_election::T0;

/// How a step was decided on the store that tries the saved state first.
#[derive(Debug, PartialEq, Eq)]
enum Decided {
    Saved,
    Replayed,
}
use Decided::{Replayed, Saved};

/// Two stores of the same election, holding the same records.
struct Lockstep {
    _directories: (tempfile::TempDir, tempfile::TempDir),
    thin: PathBuf,
    replayed: PathBuf,
    contest: &'static str,
    definition_hash: [u8; 32],
    steps: u64,
    /// The view ("stations", "totals") a reader holds open on the first store during each
    /// step, if any.
    being_read: Option<&'static str>,
}

impl Lockstep {
    /// Both stores with `definition`'s genesis and `sheets` submitted by `operator`, their
    /// views (and so the authority state) saved whole.
    fn new(
        definition: ElectionDefinition,
        contest: &'static str,
        operator: u8,
        sheets: Vec<Event>,
    ) -> Lockstep {
        let directories = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let definition_hash = definition.hash();
        for directory in [directories.0.path(), directories.1.path()] {
            let genesis = Genesis::new(definition.clone(), log_key());
            let storage = SegmentStorage::create(directory).unwrap();
            let mut ledger = Ledger::create(storage, genesis, &key(REGISTRAR), T0).unwrap();
            if !sheets.is_empty() {
                ledger
                    .submit(&key(operator), vec![sheets.clone()], T0 + 1_000)
                    .unwrap();
            }
            let whole = ledger.totals_view(None);
            ledger.save_totals_view(&whole).unwrap();
        }
        Lockstep {
            thin: directories.0.path().to_owned(),
            replayed: directories.1.path().to_owned(),
            _directories: directories,
            contest,
            definition_hash,
            steps: 2,
            being_read: None,
        }
    }

    /// `event` by key number `author` on both stores; asserts that they answer alike and
    /// hold the same bytes after, and that a refusal changed no file of either. Returns
    /// the answer and how the first store decided it.
    fn step(&mut self, author: u8, event: Event) -> (Result<u64, String>, Decided) {
        self.steps += 1;
        let now = T0 + 1_000 * self.steps;
        let before = files(&self.thin);
        let reader = (self.being_read)
            .and_then(|name| ViewReader::open_of_any_mark(&self.thin, name).unwrap());
        let read_before = reader.as_ref().map(|reader| reader.read_whole().unwrap());
        let (answer, path) =
            decide_as_approve_does(&self.thin, author, &event, now, self.being_read);
        if let (Some(reader), Some(before)) = (reader, read_before) {
            // The reader keeps reading the view it opened, whole and unchanged.
            assert_eq!(reader.read_whole().unwrap(), before, "{event:?}");
        }
        let replayed = decide_replaying(&self.replayed, author, &event, now);
        assert_eq!(
            answer, replayed,
            "{event:?}: the two paths answer differently"
        );
        let after = files(&self.thin);
        if answer.is_err() {
            assert!(before == after, "{event:?}: a refusal changed the store");
        }
        let others = files(&self.replayed);
        for ((name, bytes), (other_name, other)) in after.iter().zip(&others) {
            assert_eq!(name, other_name);
            assert!(
                bytes == other,
                "{event:?}: {name} differs between the two paths"
            );
        }
        assert_eq!(after.len(), others.len(), "{event:?}: not the same files");
        (answer, path)
    }

    fn digest(&self, region: &str) -> [u8; 32] {
        let ledger = Ledger::open(SegmentStorage::open_read_only(&self.replayed).unwrap()).unwrap();
        let state = ledger.state();
        let contest = state.election().contest_by_id(self.contest).unwrap();
        let region = state.election().find_region(region).unwrap();
        ledger.projection().digest(state, contest, region)
    }

    fn approval(&self, region: &str, witnesses: &[u8]) -> Event {
        let statement = ApprovalStatement {
            definition_hash: self.definition_hash(),
            region: region.into(),
            contest: self.contest.into(),
            digest: self.digest(region),
        };
        let signatures = (witnesses.iter())
            .map(|witness| WitnessSignature {
                witness: pk(*witness),
                signature: key(*witness).sign(&statement.bytes()).to_bytes(),
            })
            .collect();
        Event::PlenaryApproved {
            region: region.into(),
            contest: self.contest.into(),
            digest: statement.digest,
            signatures,
            refusals: vec![],
        }
    }

    fn definition_hash(&self) -> [u8; 32] {
        self.definition_hash
    }

    /// Audit check 8's comparison of the saved authority state with the replay.
    fn authority_state_is_the_replays(&self) {
        for directory in [&self.thin, &self.replayed] {
            let storage = SegmentStorage::open_read_only(directory).unwrap();
            let body = storage.get_view(AUTHORITY_VIEW).unwrap().expect("saved");
            let ledger = Ledger::open(storage).unwrap();
            let records: Vec<_> = ledger.log().records_from(1).map(Result::unwrap).collect();
            check_authority_view(&body, ledger.state(), &ledger.head(), &records).unwrap();
        }
    }
}

/// Every file of a store but its lock, by name, with its bytes.
fn files(directory: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in walk(directory) {
        let name = entry.strip_prefix(directory).unwrap().display().to_string();
        if name != "LOCK" {
            out.push((name, std::fs::read(&entry).unwrap()));
        }
    }
    out.sort();
    out
}

fn walk(directory: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(directory).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// The inode of view `name`'s file: a whole save renames a new file over it.
fn view_file_id(directory: &Path, name: &str) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(directory.join(format!("{name}.view")))
        .unwrap()
        .ino()
}

/// What `approve` (and every one-event command) does: the saved state first, the replay
/// when it cannot decide.
fn decide_as_approve_does(
    directory: &Path,
    author: u8,
    event: &Event,
    now: u64,
    being_read: Option<&str>,
) -> (Result<u64, String>, Decided) {
    let log = Log::open(SegmentStorage::open(directory).unwrap()).unwrap();
    let log = match ThinLedger::open(log) {
        Opened::Saved(mut thin) => match thin.submit(&key(author), vec![event.clone()], now) {
            Ok(answer) => {
                let answer = answer.map(|receipt| receipt.head.count);
                if answer.is_ok() {
                    let views = ["stations", "totals"];
                    let file_ids = views.map(|name| view_file_id(directory, name));
                    let saved = thin
                        .save_views_after_append(std::slice::from_ref(event))
                        .unwrap();
                    assert!(
                        saved.totals && saved.stations && saved.history && saved.authority,
                        "{event:?}: {saved:?}"
                    );
                    // The stations view's preamble and directory and the totals view's
                    // changed lines and directory saved in place (no new file renamed over
                    // either), the rest of each body neither read whole nor written; while a
                    // reader holds one, that one saved whole, a new file renamed over it.
                    let by_ranges = being_read != Some("stations");
                    assert_eq!(saved.stations_by_ranges, by_ranges, "{event:?}");
                    for (name, file_id) in views.iter().zip(file_ids) {
                        let same_file = view_file_id(directory, name) == file_id;
                        assert_eq!(same_file, being_read != Some(name), "{name}: {event:?}");
                    }
                }
                return (answer.map_err(|error| error.to_string()), Saved);
            }
            Err(_) => thin.into_log(),
        },
        Opened::Replay(log) => log,
    };
    (replaying(log, author, event, now), Replayed)
}

fn decide_replaying(directory: &Path, author: u8, event: &Event, now: u64) -> Result<u64, String> {
    replaying(
        Log::open(SegmentStorage::open(directory).unwrap()).unwrap(),
        author,
        event,
        now,
    )
}

/// The replay path, as `append_local` runs it.
fn replaying(log: Log<SegmentStorage>, author: u8, event: &Event, now: u64) -> Result<u64, String> {
    let mut ledger = Ledger::replay(log, u64::MAX).unwrap();
    let before = ledger.views_before_append();
    let receipt = ledger
        .submit(&key(author), vec![vec![event.clone()]], now)
        .map_err(|error| error.to_string())?;
    ledger
        .save_views_after_append(before, std::slice::from_ref(event))
        .unwrap();
    Ok(receipt.head.count)
}

fn witness_role(contest: &str) -> Role {
    Role::Witness {
        contest: contest.into(),
        pair: 1,
    }
}

fn refused_with(answer: &Result<u64, String>, words: &str) {
    let error = answer.as_ref().expect_err("refused");
    assert!(error.contains(words), "{error}");
}

#[test]
fn every_authority_event_decided_without_a_replay_is_what_the_replay_decides() {
    // Every station but the first (in district 647101) reported.
    let sheets = small_election::all_sheets().split_off(1);
    let definition = small_election::definition("thin");
    let mut both = Lockstep::new(definition, GUBERNUR, OPERATOR, sheets);
    let district = "647201";
    let official = official_of(district);
    let registration = rekap_test_kit::register(WITNESS, witness_role(GUBERNUR), "64");
    assert_eq!(both.step(REGISTRAR, registration).1, Saved);

    // Refused by the model's own rules, decided on the saved state: not an official, and a
    // witness signature that does not verify.
    let approval = both.approval(district, &[]);
    let (answer, path) = both.step(OPERATOR, approval);
    refused_with(&answer, "R14");
    assert_eq!(path, Saved);
    let mut forged = both.approval(district, &[WITNESS]);
    if let Event::PlenaryApproved { signatures, .. } = &mut forged {
        signatures[0].signature[0] ^= 1;
    }
    let (answer, path) = both.step(official, forged);
    refused_with(&answer, "R57");
    assert_eq!(path, Saved);
    // Refused by the approval check: the replay gives the projection's refusal.
    let mut wrong = both.approval(district, &[]);
    if let Event::PlenaryApproved { digest, .. } = &mut wrong {
        digest[0] ^= 1;
    }
    let (answer, path) = both.step(official, wrong);
    refused_with(&answer, "R61");
    assert_eq!(path, Replayed);

    // An objection, then the approval while it is open (recorded with it).
    let objection = Event::ObjectionFiled {
        place: STATIONS[3].into(),
        contest: GUBERNUR.into(),
        text: "the count was read wrong".into(),
    };
    let (answer, path) = both.step(WITNESS, objection);
    let filed = answer.unwrap();
    assert_eq!(path, Saved);
    let approval = both.approval(district, &[WITNESS]);
    assert_eq!(both.step(official, approval).1, Saved);
    // A child not approved yet, a station missing.
    let regency = "6472";
    let (answer, path) = both.step(official_of(regency), both.approval(regency, &[]));
    refused_with(&answer, "R60");
    assert_eq!(path, Replayed);
    let (answer, path) = both.step(official_of("647101"), both.approval("647101", &[]));
    refused_with(&answer, "R59");
    assert_eq!(path, Replayed);
    // The objection rejected; accepting one names a correction: that reads the sheets.
    let rejection = Event::ObjectionResolved {
        objection: EventId {
            seq: filed,
            index: 0,
        },
        resolution: Resolution::Rejected,
        reason: "recounted, the same".into(),
    };
    assert_eq!(both.step(official, rejection).1, Saved);

    // A correction makes the district's approval stale (a sheet event: replayed).
    let correction = small_election::correct(STATIONS[5], &[61, 3]);
    assert_eq!(both.step(official, correction).1, Replayed);
    let sibling = "647202";
    let approval = both.approval(sibling, &[]);
    assert_eq!(both.step(official_of(sibling), approval).1, Saved);
    let (answer, path) = both.step(official_of(regency), both.approval(regency, &[]));
    refused_with(&answer, "R60");
    assert_eq!(path, Replayed);
    let approval = both.approval(district, &[WITNESS]);
    assert_eq!(both.step(official, approval).1, Saved);
    let approval = both.approval(regency, &[WITNESS]);
    assert_eq!(both.step(official_of(regency), approval).1, Saved);
    // A revoked witness signs no more.
    let revocation = Event::OfficerRevoked {
        key: pk(WITNESS),
        reason: "key lost".into(),
    };
    assert_eq!(both.step(REGISTRAR, revocation).1, Saved);
    let (answer, path) = both.step(official, both.approval(district, &[WITNESS]));
    refused_with(&answer, "R55");
    assert_eq!(path, Saved);
    both.authority_state_is_the_replays();
}

#[test]
fn a_stale_or_damaged_authority_state_is_only_a_reason_to_replay() {
    let definition = small_election::definition("thin damaged");
    let mut both = Lockstep::new(definition, GUBERNUR, OPERATOR, small_election::all_sheets());
    let district = "647201";
    let official = official_of(district);
    let path = both.thin.join(format!("{AUTHORITY_VIEW}.view"));

    // Damaged: one byte of its body flipped (the view file's block checksum fails).
    let mut damaged = std::fs::read(&path).unwrap();
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0x40;
    std::fs::write(&path, &damaged).unwrap();
    let approval = both.approval(district, &[]);
    assert_eq!(both.step(official, approval).1, Replayed);
    // The replay saved it again: the next one is decided on it.
    let approval = both.approval("647202", &[]);
    assert_eq!(both.step(official_of("647202"), approval).1, Saved);

    // Missing.
    std::fs::remove_file(&path).unwrap();
    let approval = both.approval("647101", &[]);
    assert_eq!(both.step(official_of("647101"), approval).1, Replayed);

    // Stale: the state of an earlier head (as after a crash between an append and the
    // views' save), put back with a current stamp on the file: its own head is checked.
    let earlier = SegmentStorage::open_read_only(&both.thin).unwrap();
    let body = earlier
        .get_view(AUTHORITY_VIEW)
        .unwrap()
        .expect("saved again");
    drop(earlier);
    let approval = both.approval("6471", &[]);
    assert_eq!(both.step(official_of("6471"), approval).1, Saved);
    let mut storage = SegmentStorage::open(&both.thin).unwrap();
    storage.put_view(AUTHORITY_VIEW, &body).unwrap();
    drop(storage);
    let approval = both.approval("6472", &[]);
    assert_eq!(both.step(official_of("6472"), approval).1, Replayed);
    both.authority_state_is_the_replays();
}

/// The national tree (818k stations, 91k regions) with one district reported: its
/// approval and an objection and its rejection decided on the saved state, the regency's
/// (stations missing) after a replay, every file equal to the replay's.
#[test]
fn national_approvals_without_a_replay_are_the_replays() {
    const NATIONAL_OPERATOR: u8 = 2;
    const DISTRICT_OFFICIAL: u8 = 50;
    const REGENCY_OFFICIAL: u8 = 51;
    const NATIONAL_WITNESS: u8 = 52;
    let definition = rekap_test_kit::national_definition(NATIONAL_OPERATOR);
    let election = rekap_model::Election::new(definition.clone()).unwrap();
    let tree = election.tree();
    // The first district (nation, province, regency, district) with a few stations.
    let district = (0..tree.region_count())
        .map(rekap_model::RegionIdx)
        .find(|region| tree.level(*region) == Some(3) && tree.stations_under(*region).len() >= 2)
        .unwrap();
    let regency = tree.parent(district).unwrap();
    let code = |region| election.region_code(region).unwrap().to_owned();
    let (district_code, regency_code) = (code(district), code(regency));
    let stations: Vec<String> = (tree.stations_under(district))
        .map(|station| {
            election
                .station_code(rekap_model::StationId(station))
                .unwrap()
        })
        .collect();
    let sheets = (stations.iter().enumerate())
        .map(|(n, station)| {
            let n = n as u32;
            rekap_test_kit::submit(station, "ppwp", rekap_test_kit::sheet(&[10 + n, 20, 30]))
        })
        .collect();
    let mut both = Lockstep::new(definition, "ppwp", NATIONAL_OPERATOR, sheets);
    for (key_number, role, scope) in [
        (DISTRICT_OFFICIAL, Role::Official, &district_code),
        (REGENCY_OFFICIAL, Role::Official, &regency_code),
        (NATIONAL_WITNESS, witness_role("ppwp"), &"ID".to_owned()),
    ] {
        let registration = rekap_test_kit::register(key_number, role, scope);
        assert_eq!(both.step(REGISTRAR, registration).1, Saved);
    }
    let objection = Event::ObjectionFiled {
        place: stations[1].clone(),
        contest: "ppwp".into(),
        text: "the count was read wrong".into(),
    };
    let (answer, path) = both.step(NATIONAL_WITNESS, objection);
    assert_eq!(path, Saved);
    let approval = both.approval(&district_code, &[NATIONAL_WITNESS]);
    assert_eq!(both.step(DISTRICT_OFFICIAL, approval).1, Saved);
    let rejection = Event::ObjectionResolved {
        objection: EventId {
            seq: answer.unwrap(),
            index: 0,
        },
        resolution: Resolution::Rejected,
        reason: "recounted, the same".into(),
    };
    assert_eq!(both.step(DISTRICT_OFFICIAL, rejection).1, Saved);
    let (answer, path) = both.step(REGENCY_OFFICIAL, both.approval(&regency_code, &[]));
    refused_with(&answer, "R59");
    assert_eq!(path, Replayed);
    both.authority_state_is_the_replays();
}

#[test]
fn a_view_being_read_is_saved_whole_and_still_the_replays() {
    for view in ["stations", "totals"] {
        let sheets = small_election::all_sheets();
        let definition = small_election::definition("thin-read");
        let mut both = Lockstep::new(definition, GUBERNUR, OPERATOR, sheets);
        both.being_read = Some(view);
        let district = "647201";
        let approval = both.approval(district, &[]);
        let (answer, path) = both.step(official_of(district), approval);
        assert!(answer.is_ok(), "{view}: {answer:?}");
        assert_eq!(path, Saved, "{view}");
        both.being_read = None;
        let registration = rekap_test_kit::register(WITNESS, witness_role(GUBERNUR), "64");
        assert_eq!(both.step(REGISTRAR, registration).1, Saved, "{view}");
    }
}

/// One thin ledger deciding two approvals in a row: after the first save it holds the
/// totals view read back from the file it saved in place, and the second is decided and
/// saved from that; both stores end byte for byte alike.
#[test]
fn two_approvals_on_one_thin_ledger_are_the_replays() {
    let sheets = small_election::all_sheets();
    let definition = small_election::definition("thin-two");
    let both = Lockstep::new(definition, GUBERNUR, OPERATOR, sheets);
    let approvals = [
        ("647201", both.approval("647201", &[])),
        ("647202", both.approval("647202", &[])),
    ];
    let log = Log::open(SegmentStorage::open(&both.thin).unwrap()).unwrap();
    let Opened::Saved(mut thin) = ThinLedger::open(log) else {
        panic!("the saved state was not opened");
    };
    for (index, (district, event)) in approvals.iter().enumerate() {
        let now = T0 + 100_000 + index as u64 * 1_000;
        let author = official_of(district);
        let answer = thin.submit(&key(author), vec![event.clone()], now);
        assert!(
            matches!(answer, Ok(Ok(_))),
            "{district}: not appended without a replay"
        );
        let saved = thin
            .save_views_after_append(std::slice::from_ref(event))
            .unwrap();
        assert!(
            saved.totals && saved.stations && saved.history && saved.authority,
            "{district}: {saved:?}"
        );
        decide_replaying(&both.replayed, author, event, now).unwrap();
    }
    drop(thin);
    let (after, others) = (files(&both.thin), files(&both.replayed));
    assert_eq!(after.len(), others.len(), "not the same files");
    for ((name, bytes), (_, other)) in after.iter().zip(&others) {
        assert!(bytes == other, "{name} differs between the two paths");
    }
}

/// A totals view file that is not the one the thin ledger read (here: gone) is neither
/// written over nor saved whole from another body: the totals view is not saved, and the
/// ledger decides nothing more without a replay.
#[test]
fn a_totals_view_gone_under_the_thin_ledger_is_not_saved() {
    let sheets = small_election::all_sheets();
    let definition = small_election::definition("thin-gone");
    let both = Lockstep::new(definition, GUBERNUR, OPERATOR, sheets);
    let approval = both.approval("647201", &[]);
    let log = Log::open(SegmentStorage::open(&both.thin).unwrap()).unwrap();
    let Opened::Saved(mut thin) = ThinLedger::open(log) else {
        panic!("the saved state was not opened");
    };
    let now = T0 + 100_000;
    let answer = thin.submit(&key(official_of("647201")), vec![approval.clone()], now);
    assert!(matches!(answer, Ok(Ok(_))), "not appended without a replay");
    std::fs::remove_file(both.thin.join("totals.view")).unwrap();
    let saved = thin
        .save_views_after_append(std::slice::from_ref(&approval))
        .unwrap();
    assert!(!saved.totals, "{saved:?}");
    assert!(
        !both.thin.join("totals.view").exists(),
        "a totals view was made up"
    );
    let next = both.approval("647202", &[]);
    let answer = thin.submit(&key(official_of("647202")), vec![next], now + 1_000);
    assert!(answer.is_err(), "decided without a totals view of the head");
}
