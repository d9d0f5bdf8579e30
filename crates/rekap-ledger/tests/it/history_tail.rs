//! The history view's tail (rekap_ledger::history_view::tail): after appends that save a
//! tail instead of the history view whole, a reader answers every place, record, officer
//! and objection exactly as the view built whole at the same head does; audit's merged view
//! of the base and its tail is byte for byte the view built whole, and any byte changed in
//! the tail, or in the base's tables, is refused; the tail's bound holds.

use rekap_ledger::history_view::{
    check_history_view, encode_whole, merged_for_check, open_saved_history_view, tail_body_within,
    HistoryView, ViewPlace, HISTORY_TAIL_VIEW, HISTORY_VIEW,
};
use rekap_ledger::Ledger;
use rekap_log::storage::view_file::{saved_end_marks, write_view};
use rekap_log::{Record, SegmentStorage, Storage};
use rekap_model::{Event, EventId, Resolution, Role};
use rekap_test_kit::small_election::{
    self, official_of, GUBERNUR, OPERATOR, REGISTRAR, STATIONS, T0,
};

use super::after_append::{reported, store_index};
use rekap_test_kit::signing as key;

const WITNESS: u8 = 41;

/// Appends `event` and saves the views as a single CLI append does (a tail, not the
/// history view whole).
fn append(ledger: &mut Ledger<SegmentStorage>, author: u8, event: Event) {
    let before = ledger.views_before_append();
    let now = T0 + 1_000 * (ledger.head().count + 1);
    (ledger.submit(&key(author), vec![vec![event.clone()]], now))
        .unwrap_or_else(|error| panic!("{event:?} refused: {error}"));
    ledger.save_views_after_append(before, &[event]).unwrap();
}

fn digest(ledger: &Ledger<SegmentStorage>, region: &str) -> [u8; 32] {
    let state = ledger.state();
    let contest = state.election().contest_by_id(GUBERNUR).unwrap();
    let region = state.election().find_region(region).unwrap();
    ledger.projection().digest(state, contest, region)
}

/// A correction, a witness registered, an objection and its rejection, an approval, the
/// witness revoked: each saved as a tail over the view saved whole before the first.
fn appended(ledger: &mut Ledger<SegmentStorage>) {
    let district = "647201";
    let official = official_of(district);
    append(
        ledger,
        official,
        small_election::correct(STATIONS[2], &[99, 1]),
    );
    let witness = Role::Witness {
        contest: GUBERNUR.into(),
        pair: 1,
    };
    append(
        ledger,
        REGISTRAR,
        rekap_test_kit::register(WITNESS, witness, "64"),
    );
    let objection = Event::ObjectionFiled {
        place: STATIONS[4].into(),
        contest: GUBERNUR.into(),
        text: "the count was read wrong".into(),
    };
    append(ledger, WITNESS, objection);
    let filed = EventId {
        seq: ledger.head().count,
        index: 0,
    };
    let resolution = Event::ObjectionResolved {
        objection: filed,
        resolution: Resolution::Rejected,
        reason: "recounted, the same".into(),
    };
    append(ledger, official, resolution);
    let approval = small_election::approve(district, digest(ledger, district));
    append(ledger, official, approval);
    let revoke = Event::OfficerRevoked {
        key: rekap_test_kit::pk(WITNESS),
        reason: "moved away".into(),
    };
    append(ledger, REGISTRAR, revoke);
}

fn records(ledger: &Ledger<SegmentStorage>) -> Vec<Record> {
    ledger.log().records_from(1).map(Result::unwrap).collect()
}

/// The history view built whole at the ledger's head.
fn whole(ledger: &Ledger<SegmentStorage>) -> Vec<u8> {
    let seqs: Vec<u64> = (1..=ledger.head().count).collect();
    let locations = ledger
        .log()
        .storage()
        .record_locations(&seqs)
        .unwrap()
        .unwrap();
    let records = records(ledger);
    let pairs = records.iter().zip(locations);
    encode_whole(ledger.state(), &ledger.head(), pairs).unwrap()
}

fn view_file(directory: &std::path::Path, name: &str) -> std::path::PathBuf {
    directory.join(format!("{name}.view"))
}

/// Everything a reader asks a history view, for every place of the small election.
fn answers(view: &HistoryView, ledger: &Ledger<SegmentStorage>) -> Vec<String> {
    let election = ledger.state().election();
    let tree = election.tree();
    let mut out = vec![
        format!("{:?}", view.head()),
        format!("{:?}", view.rotations()),
    ];
    for station in 0..tree.station_count() {
        out.push(format!("{:?}", view.positions(ViewPlace::Station(station))));
    }
    for region in 0..tree.region_count() {
        out.push(format!("{:?}", view.positions(ViewPlace::Region(region))));
        out.push(format!("{:?}", view.region_own_positions(region)));
        let mut under = view.stations_positions(region).unwrap();
        under.sort_by_key(|position| (position.seq, position.index));
        out.push(format!("{under:?}"));
    }
    for seq in 1..=ledger.head().count {
        out.push(format!("{:?}", view.record(seq).map(|record| record.hash)));
    }
    for author in [REGISTRAR, OPERATOR, WITNESS, official_of("647201")] {
        out.push(format!("{:?}", view.officer(&rekap_test_kit::pk(author))));
    }
    for seq in 1..=ledger.head().count {
        let id = EventId { seq, index: 0 };
        out.push(format!("{:?}", view.objection_place(id)));
    }
    out
}

/// The small election after [`appended`] in `directory`: the ledger, the history view it
/// saved whole (the base) and the tail over it.
fn with_a_tail(directory: &std::path::Path) -> (Ledger<SegmentStorage>, Vec<u8>, Vec<u8>) {
    let mut ledger = reported(directory);
    appended(&mut ledger);
    let storage = ledger.log().storage();
    let base = storage.get_view_of_any_head(HISTORY_VIEW).unwrap().unwrap();
    let tail = storage.get_view(HISTORY_TAIL_VIEW).unwrap().unwrap();
    (ledger, base, tail)
}

/// Whether audit check 8 refuses `base` with `tail` at the ledger's head.
fn check_8_refuses(ledger: &Ledger<SegmentStorage>, base: &[u8], tail: &[u8]) -> bool {
    let (head, records) = (ledger.head(), records(ledger));
    match merged_for_check(base, tail, ledger.state()) {
        Err(_) => true,
        Ok(merged) => {
            let index = store_index(ledger);
            check_history_view(&merged, ledger.state(), &head, &records, index).is_err()
        }
    }
}

#[test]
fn a_tail_over_an_older_view_answers_as_the_view_built_whole() {
    let directory = tempfile::tempdir().unwrap();
    let mut ledger = reported(directory.path());
    appended(&mut ledger);
    let storage = ledger.log().storage();
    assert!(
        storage.get_view(HISTORY_VIEW).unwrap().is_none(),
        "the base is older"
    );
    assert!(
        storage.get_view(HISTORY_TAIL_VIEW).unwrap().is_some(),
        "the tail is current"
    );
    let from_tail = open_saved_history_view(directory.path())
        .unwrap()
        .expect("base and tail");
    let with_tail = answers(&from_tail, &ledger);
    drop(from_tail);
    // The same store with the history view saved whole at the same head.
    ledger.save_history_view().unwrap();
    let from_whole = open_saved_history_view(directory.path()).unwrap().unwrap();
    assert_eq!(with_tail, answers(&from_whole, &ledger));
}

#[test]
fn audit_s_merged_view_of_base_and_tail_is_the_view_built_whole() {
    let directory = tempfile::tempdir().unwrap();
    let (ledger, base, tail) = with_a_tail(directory.path());
    let merged = merged_for_check(&base, &tail, ledger.state()).unwrap();
    assert!(
        merged == whole(&ledger),
        "the merged view is the view built whole"
    );
    assert!(!check_8_refuses(&ledger, &base, &tail));
    // A byte changed anywhere in the tail is refused by the check, or, for a record's
    // location (held by the record's hash alone, as in the view saved whole), by the
    // reader: it answers as before or with an error, never otherwise.
    let honest = answers(
        &open_saved_history_view(directory.path()).unwrap().unwrap(),
        &ledger,
    );
    let marks = saved_end_marks(directory.path());
    let (_, mark) = (marks.into_iter())
        .find(|(name, _)| name == HISTORY_TAIL_VIEW)
        .unwrap();
    for at in 0..tail.len() {
        let mut forged = tail.clone();
        forged[at] ^= 0x01;
        let refused = check_8_refuses(&ledger, &base, &forged);
        if refused {
            continue;
        }
        write_view(directory.path(), HISTORY_TAIL_VIEW, &mark, &forged).unwrap();
        let view = open_saved_history_view(directory.path()).unwrap().unwrap();
        let read = answers(&view, &ledger);
        let believed = (honest.iter().zip(&read))
            .any(|(honest, read)| honest != read && !read.starts_with("Err"));
        assert!(!believed, "a tail with byte {at} changed was believed");
        assert!(
            read != honest,
            "a tail with byte {at} changed went unnoticed"
        );
    }
}

#[test]
fn a_base_whose_tables_were_changed_is_refused_with_its_tail() {
    let directory = tempfile::tempdir().unwrap();
    let (ledger, base, tail) = with_a_tail(directory.path());
    // Region rows, code index and station rows: every byte before the entries.
    let tree = ledger.state().election().tree();
    let (regions, stations) = (tree.region_count() as usize, tree.station_count() as usize);
    let tables_end = 16 + 32 * regions + 4 * regions + 12 * stations;
    for at in 16..tables_end {
        let mut forged = base.clone();
        forged[at] ^= 0x01;
        let refused = check_8_refuses(&ledger, &forged, &tail);
        assert!(refused, "a base with byte {at} changed was believed");
    }
}

#[test]
fn a_tail_without_its_base_is_not_read() {
    let directory = tempfile::tempdir().unwrap();
    let mut ledger = reported(directory.path());
    appended(&mut ledger);
    std::fs::remove_file(view_file(directory.path(), HISTORY_VIEW)).unwrap();
    assert!(open_saved_history_view(directory.path()).unwrap().is_none());
    // A tail put back after the log moved on (it is over an older base, and stale).
    ledger.save_history_view().unwrap();
    let tail_path = view_file(directory.path(), HISTORY_TAIL_VIEW);
    let older_tail = std::fs::read(&tail_path).unwrap();
    append(
        &mut ledger,
        REGISTRAR,
        rekap_test_kit::register(42, Role::Auditor, "64"),
    );
    let current = open_saved_history_view(directory.path()).unwrap().unwrap();
    assert_eq!(
        current.head(),
        ledger.head(),
        "the new tail, over the new base"
    );
    drop(current);
    std::fs::write(&tail_path, older_tail).unwrap();
    assert!(open_saved_history_view(directory.path()).unwrap().is_none());
}

#[test]
fn a_tail_that_would_pass_its_bound_is_not_made() {
    let directory = tempfile::tempdir().unwrap();
    let mut ledger = reported(directory.path());
    appended(&mut ledger);
    let tail = ledger
        .log()
        .storage()
        .get_view(HISTORY_TAIL_VIEW)
        .unwrap()
        .unwrap();
    // Six records since the base, one entry each: twelve items.
    let (log, state) = (ledger.log(), ledger.state());
    assert!(tail_body_within(log, state, 12).unwrap() == Some(tail));
    assert!(tail_body_within(log, state, 11).unwrap().is_none());
}
