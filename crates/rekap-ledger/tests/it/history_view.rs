//! The history view (rekap_ledger::history_view): each place's events where the log has
//! them; brought forward by the records appended after its head it is byte for byte the
//! view built whole; audit's check refuses a view that lies; a saved view is read only
//! while the log ends where it was saved.

use rekap_ledger::history_view::{
    bring_forward, check_history_view, encode_whole, open_saved_history_view, ViewPlace,
    HISTORY_VIEW,
};
use rekap_ledger::Ledger;
use rekap_log::storage::locate::RecordLocation;
use rekap_log::{Record, SegmentStorage, Storage};
use rekap_test_kit::{approve, correct, pk, register, sheet};

use super::after_append::store_index;
use super::*;

const WITNESS: u8 = 9;

fn records(ledger: &Ledger<SegmentStorage>) -> Vec<(Record, RecordLocation)> {
    let head = ledger.head().count;
    let seqs: Vec<u64> = (1..=head).collect();
    let locations = ledger.log().storage().record_locations(&seqs).unwrap();
    let records = ledger.log().records_from(1).map(Result::unwrap);
    records.zip(locations.unwrap()).collect()
}

fn whole(ledger: &Ledger<SegmentStorage>) -> Vec<u8> {
    let records = records(ledger);
    let pairs = records.iter().map(|(record, location)| (record, *location));
    encode_whole(ledger.state(), &ledger.head(), pairs).unwrap()
}

/// Sheets, a witness registered, a correction, a void, the witness revoked, an approval:
/// one record each, the view built whole after each.
fn appended(ledger: &mut Ledger<SegmentStorage>) -> Vec<(u64, Vec<u8>)> {
    let mut bodies = vec![(ledger.head().count, whole(ledger))];
    let witness = Role::Witness {
        contest: CONTEST.to_owned(),
        pair: 1,
    };
    let void = Event::StationVoided {
        station: "6472010001-002".to_owned(),
        contest: CONTEST.to_owned(),
        reason: "kotak rusak".to_owned(),
    };
    let revoke = Event::OfficerRevoked {
        key: pk(WITNESS),
        reason: "pindah".to_owned(),
    };
    let steps: Vec<(u8, Event)> = vec![
        (OPERATOR, submit("6472010001-001", 10, 20)),
        (OPERATOR, submit("6472010001-002", 5, 6)),
        (REGISTRAR, register(WITNESS, witness, "647201")),
        (
            OFFICIAL,
            correct("6472010001-001", CONTEST, sheet(&[11, 19]), "salah tulis"),
        ),
        (OFFICIAL, void),
        (REGISTRAR, revoke),
    ];
    for (author, event) in steps {
        ledger
            .submit(&key(author), vec![vec![event]], T0 + ledger.head().count)
            .unwrap();
        bodies.push((ledger.head().count, whole(ledger)));
    }
    let state = ledger.state();
    let contest = state.election().contest_by_id(CONTEST).unwrap();
    let district = state.election().find_region("647201").unwrap();
    let digest = ledger.projection().digest(state, contest, district);
    let approval = approve("647201", CONTEST, digest);
    ledger
        .submit(&key(OFFICIAL), vec![vec![approval]], T0 + 100)
        .unwrap();
    bodies.push((ledger.head().count, whole(ledger)));
    bodies
}

fn store(directory: &std::path::Path) -> Ledger<SegmentStorage> {
    created(SegmentStorage::create(directory).unwrap())
}

#[test]
fn a_view_brought_forward_by_the_appended_records_is_the_view_built_whole() {
    let directory = tempfile::tempdir().unwrap();
    let mut ledger = store(directory.path());
    let bodies = appended(&mut ledger);
    let all = records(&ledger);
    let last = &bodies.last().unwrap().1;
    for (count, body) in &bodies {
        let after = all[*count as usize..]
            .iter()
            .map(|(record, location)| (record, *location));
        let forward = bring_forward(body, ledger.state(), &ledger.head(), after).unwrap();
        assert!(forward == *last, "brought forward from record {count}");
    }
    // The ledger's save from a body of an earlier head (read before an append) reads only
    // the records after it, and saves the view built whole.
    ledger.save_history_view_from(Some(&bodies[2].1)).unwrap();
    let saved = ledger.log().storage().get_view(HISTORY_VIEW).unwrap();
    assert!(saved.as_ref() == Some(last));
    // Records that do not follow the body's head are refused, not applied out of order.
    let (_, first) = &bodies[1];
    let skipping = all[3..]
        .iter()
        .map(|(record, location)| (record, *location));
    assert!(bring_forward(first, ledger.state(), &ledger.head(), skipping).is_none());
}

#[test]
fn a_station_s_positions_are_its_events_and_those_of_the_regions_above_it() {
    let directory = tempfile::tempdir().unwrap();
    let mut ledger = store(directory.path());
    appended(&mut ledger);
    ledger.save_history_view().unwrap();
    let view = open_saved_history_view(directory.path()).unwrap().unwrap();
    assert_eq!(view.head(), ledger.head());
    let seqs = |place| -> Vec<u64> {
        let positions = view.positions(place).unwrap();
        positions.iter().map(|position| position.seq).collect()
    };
    // 2 its sheet, 4 the witness registered at 647201, 5 its correction, 7 the witness
    // revoked (at the witness's scope), 8 the approval of 647201.
    assert_eq!(seqs(ViewPlace::Station(0)), vec![2, 4, 5, 7, 8]);
    assert_eq!(seqs(ViewPlace::Station(1)), vec![3, 4, 6, 7, 8]);
    let province = view.find_region("64").unwrap().unwrap();
    assert_eq!(
        seqs(ViewPlace::Region(province)),
        (2..=8).collect::<Vec<_>>()
    );
    assert!(view.is_top(province).unwrap());
    let (author, event) = view.event(5, 0).unwrap();
    assert_eq!(author, pk(OFFICIAL));
    assert!(matches!(event, Event::SheetCorrected { .. }), "{event:?}");
    let officer = view.officer(&pk(WITNESS)).unwrap();
    assert_eq!(officer.scope, "647201");
    assert_eq!(view.genesis().unwrap().name, "ledger test");

    // One more record: the saved view is stale and is not read.
    ledger
        .submit(
            &key(REGISTRAR),
            vec![vec![register(10, Role::Auditor, "64")]],
            T0 + 200,
        )
        .unwrap();
    assert!(open_saved_history_view(directory.path()).unwrap().is_none());
}

#[test]
fn a_view_that_lies_about_any_byte_fails_the_check() {
    let directory = tempfile::tempdir().unwrap();
    let mut ledger = store(directory.path());
    appended(&mut ledger);
    let body = whole(&ledger);
    let records: Vec<Record> = records(&ledger)
        .into_iter()
        .map(|(record, _)| record)
        .collect();
    let head = ledger.head();
    let (state, index) = (ledger.state(), || store_index(&ledger));
    // Without the store's index (an export), where a record is in the segment file is not
    // judged: a reader checks it against the record's hash on every read.
    let unindexed = |_: &[u64]| Ok(None);
    check_history_view(&body, state, &head, &records, index()).unwrap();
    // Every 7th byte changed in turn (the rows, entries, record hashes and directory).
    // Four regions, two stations, seven entries, then the table of eight records.
    let records_at = 16 + 32 * 4 + 4 * 4 + 12 * 2 + 24 * 7;
    let location =
        |at: usize| (records_at..records_at + 48 * 8).contains(&at) && (at - records_at) % 48 < 16;
    for at in (16..body.len()).step_by(7) {
        let mut forged = body.clone();
        forged[at] ^= 1;
        assert!(
            check_history_view(&forged, state, &head, &records, index()).is_err(),
            "byte {at}"
        );
        if !location(at) {
            let refused = check_history_view(&forged, state, &head, &records, unindexed);
            assert!(refused.is_err(), "byte {at} without the index");
        }
    }
    // A location one byte off is named as such.
    let mut moved = body.clone();
    moved[records_at + 48] ^= 1;
    let refused = check_history_view(&moved, state, &head, &records, index()).unwrap_err();
    assert!(refused.contains("places record 2 at bytes"), "{refused}");
    // A view of fewer records is refused too.
    let fewer = &records[..records.len() - 1];
    assert!(check_history_view(&body, state, &head, fewer, index()).is_err());
}
