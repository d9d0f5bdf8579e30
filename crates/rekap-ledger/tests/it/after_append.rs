//! The views brought forward after a single append (what `correct`, `approve` and every
//! one-event command do) are byte for byte the views built whole at the new head, after
//! corrections, approvals, objections and their resolution, a registration and a void; and
//! a view stamped at an older head (a crash between an append and the views' save) is
//! never brought forward nor believed.

use rekap_ledger::stations_view::{
    check_stations_view, level_counts, open_saved_stations_view, LevelCounts, STATIONS_VIEW,
};
use rekap_ledger::view::{open_saved_totals_view, SavedView, ViewRegion, TOTALS_VIEW};
use rekap_ledger::{BroughtForward, Ledger};
use rekap_log::storage::locate::RecordLocation;
use rekap_log::{SegmentStorage, Storage};
use rekap_model::{Event, EventId, Resolution, Role};
use rekap_test_kit::small_election::{
    self, all_sheets, official_of, GUBERNUR, OPERATOR, REGISTRAR, STATIONS, T0,
};
use rekap_test_kit::{log_key, signing as key};

const WITNESS: u8 = 40;

/// The small election with every sheet submitted and its views saved whole.
pub(crate) fn reported(directory: &std::path::Path) -> Ledger<SegmentStorage> {
    let mut ledger = Ledger::create(
        SegmentStorage::create(directory).unwrap(),
        rekap_model::Genesis::new(small_election::definition("after append"), log_key()),
        &key(REGISTRAR),
        T0,
    )
    .unwrap();
    ledger
        .submit(&key(OPERATOR), vec![all_sheets()], T0 + 1_000)
        .unwrap();
    let whole = ledger.totals_view(None);
    ledger.save_totals_view(&whole).unwrap();
    ledger
}

/// Where `ledger`'s store holds records, as audit check 8 asks it (its segment index).
pub(crate) fn store_index(
    ledger: &Ledger<SegmentStorage>,
) -> impl Fn(&[u64]) -> Result<Option<Vec<RecordLocation>>, String> + '_ {
    |seqs| (ledger.log().storage().record_locations(seqs)).map_err(|error| error.to_string())
}

fn saved(ledger: &Ledger<SegmentStorage>, name: &str) -> Vec<u8> {
    let storage = ledger.log().storage();
    storage.get_view(name).unwrap().expect("a saved view")
}

/// Appends `event` by key number `author` as the CLI does, and returns what was brought
/// forward after holding both saved views to the views built whole at the same head.
fn append(ledger: &mut Ledger<SegmentStorage>, author: u8, event: Event) -> BroughtForward {
    append_all(ledger, author, vec![event])
}

/// [`append`] of one payload of several events.
fn append_all(
    ledger: &mut Ledger<SegmentStorage>,
    author: u8,
    events: Vec<Event>,
) -> BroughtForward {
    let before = ledger.views_before_append();
    let now = T0 + 1_000 * (ledger.head().count + 1);
    ledger
        .submit(&key(author), vec![events.clone()], now)
        .unwrap_or_else(|error| panic!("{events:?} refused: {error}"));
    let forward = ledger.save_views_after_append(before, &events).unwrap();
    let (totals, stations) = (saved(ledger, TOTALS_VIEW), saved(ledger, STATIONS_VIEW));
    let head = ledger.head();
    let hash_of = |seq| {
        ledger
            .log()
            .read(seq)
            .ok()
            .flatten()
            .map(|record| record.hash)
    };
    check_stations_view(
        &stations,
        ledger.state(),
        ledger.projection(),
        &head,
        hash_of,
        store_index(ledger),
    )
    .unwrap_or_else(|difference| panic!("after {events:?}: {difference}"));
    let whole = ledger.totals_view(None);
    ledger.save_totals_view(&whole).unwrap();
    assert_eq!(
        totals,
        saved(ledger, TOTALS_VIEW),
        "totals after {events:?}"
    );
    assert_eq!(
        stations,
        saved(ledger, STATIONS_VIEW),
        "stations after {events:?}"
    );
    forward
}

fn digest(ledger: &Ledger<SegmentStorage>, region: &str) -> [u8; 32] {
    let state = ledger.state();
    let contest = state.election().contest_by_id(GUBERNUR).unwrap();
    let region = state.election().find_region(region).unwrap();
    ledger.projection().digest(state, contest, region)
}

#[test]
fn views_brought_forward_after_each_kind_of_event_are_the_views_built_whole() {
    let directory = tempfile::tempdir().unwrap();
    let mut ledger = reported(directory.path());
    let both = BroughtForward {
        totals: true,
        stations: true,
    };
    let district = "647201";
    let official = official_of(district);
    let correction = small_election::correct(STATIONS[2], &[99, 1]);
    assert_eq!(append(&mut ledger, official, correction), both);
    let approval = small_election::approve(district, digest(&ledger, district));
    assert_eq!(append(&mut ledger, official, approval), both);
    // A correction after the approval makes it stale: the district's line changes too.
    let correction = small_election::correct(STATIONS[3], &[7, 8]);
    assert_eq!(append(&mut ledger, official, correction), both);
    let witness = Role::Witness {
        contest: GUBERNUR.into(),
        pair: 1,
    };
    let registration = rekap_test_kit::register(WITNESS, witness, "64");
    assert_eq!(append(&mut ledger, REGISTRAR, registration), both);
    let objection = Event::ObjectionFiled {
        place: STATIONS[4].into(),
        contest: GUBERNUR.into(),
        text: "the count was read wrong".into(),
    };
    assert_eq!(append(&mut ledger, WITNESS, objection), both);
    let filed = EventId {
        seq: ledger.head().count,
        index: 0,
    };
    let resolution = Event::ObjectionResolved {
        objection: filed,
        resolution: Resolution::Rejected,
        reason: "recounted, the same".into(),
    };
    assert_eq!(append(&mut ledger, official, resolution), both);
    let other = "647202";
    let void = Event::StationVoided {
        station: STATIONS[7].into(),
        contest: GUBERNUR.into(),
        reason: "the ballots burned".into(),
    };
    assert_eq!(append(&mut ledger, official_of(other), void), both);
    let approval = small_election::approve(other, digest(&ledger, other));
    assert_eq!(append(&mut ledger, official_of(other), approval), both);
}

#[test]
fn a_view_stamped_at_an_older_head_is_built_whole_and_never_believed() {
    let directory = tempfile::tempdir().unwrap();
    let mut ledger = reported(directory.path());
    // An append whose views were never saved, as if the process died right after the
    // append's fsync: the saved views are stamped with the head before it.
    let official = official_of("647201");
    let correction = small_election::correct(STATIONS[2], &[99, 1]);
    ledger
        .submit(&key(official), vec![vec![correction]], T0 + 5_000)
        .unwrap();
    match open_saved_totals_view(directory.path()).unwrap() {
        SavedView::Current(_) => panic!("a view of an older head was answered from"),
        SavedView::NotCurrent | SavedView::LogDisagrees(_) => {}
    }
    let stations = rekap_ledger::stations_view::open_saved_stations_view(directory.path());
    assert!(
        stations.unwrap().is_none(),
        "a stale stations view was read"
    );
    let before = ledger.views_before_append();
    assert!(
        !before.has_totals(),
        "a stale totals view was taken as the head's"
    );
    // The next append builds both whole (and they are the views of its head).
    let correction = small_election::correct(STATIONS[3], &[7, 8]);
    assert_eq!(
        append(&mut ledger, official, correction),
        BroughtForward::default()
    );
    // And the one after brings them forward again.
    let correction = small_election::correct(STATIONS[4], &[5, 6]);
    let forward = append(&mut ledger, official, correction);
    assert!(forward.totals && forward.stations, "{forward:?}");
}

/// A rewritten region's line is computed from its children's lines: the touched ones
/// computed anew, the untouched ones read from the view brought forward. A correction in
/// one village, approvals of its district, of the sibling district and of their regency,
/// then one payload correcting both villages of the district: every view is the view
/// built whole, and each append changed the lines it had to.
#[test]
fn lines_above_touched_places_are_computed_from_new_and_kept_children() {
    let directory = tempfile::tempdir().unwrap();
    let mut ledger = reported(directory.path());
    let both = BroughtForward {
        totals: true,
        stations: true,
    };
    let (district, sibling, regency) = ("647201", "647202", "6472");
    let official = official_of(district);
    let before = saved(&ledger, TOTALS_VIEW);
    // Village 6472010002 only: its sibling 6472010001 and the districts 647202 and 647101
    // keep their lines.
    let correction = small_election::correct(STATIONS[5], &[61, 3]);
    assert_eq!(append(&mut ledger, official, correction), both);
    assert_ne!(
        saved(&ledger, TOTALS_VIEW),
        before,
        "the correction changed no line"
    );
    for (region, author) in [
        (district, official),
        (sibling, official_of(sibling)),
        (regency, official_of(regency)),
    ] {
        let approval = small_election::approve(region, digest(&ledger, region));
        assert_eq!(append(&mut ledger, author, approval), both);
    }
    let approved = digest(&ledger, regency);
    // Both villages of the district at once: both children computed, none kept.
    let corrections = vec![
        small_election::correct(STATIONS[3], &[5, 50]),
        small_election::correct(STATIONS[6], &[70, 7]),
    ];
    assert_eq!(append_all(&mut ledger, official, corrections), both);
    assert_ne!(
        digest(&ledger, regency),
        approved,
        "the regency's digest moved"
    );
}

/// The three views of a bulk import's head (`rekap import`: built whole, the history view
/// on a second core meanwhile, its last records' entries from the decisions' effects) are
/// byte for byte what `save_totals_view` saves of the same head: before any view was saved,
/// on top of views of an earlier head, for a batch whose entries are not all sheets', and
/// with the entries of an older batch (ignored).
#[test]
fn views_built_whole_after_a_bulk_import_are_the_views_saved_one_by_one() {
    let directory = tempfile::tempdir().unwrap();
    let mut ledger = Ledger::create(
        SegmentStorage::create(directory.path()).unwrap(),
        rekap_model::Genesis::new(small_election::definition("bulk"), log_key()),
        &key(REGISTRAR),
        T0,
    )
    .unwrap();
    let sheets = all_sheets();
    let (first, rest) = sheets.split_at(4);
    let mut older = None;
    for (round, events) in [first, rest].into_iter().enumerate() {
        let payloads = events.chunks(2).map(<[Event]>::to_vec).collect::<Vec<_>>();
        let now = T0 + 1_000 * (round as u64 + 1);
        let (_, appended) = ledger.submit_bulk(&key(OPERATOR), payloads, now).unwrap();
        assert!(
            appended.is_known(),
            "sheets only: every entry from its effect"
        );
        ledger.save_views_built_whole(Some(&appended)).unwrap();
        assert_views_are_those_saved_one_by_one(&mut ledger, round);
        older = Some(appended);
    }
    let approval = small_election::approve("647101", digest(&ledger, "647101"));
    let official = official_of("647101");
    let (_, appended) = (ledger.submit_bulk(&key(official), vec![vec![approval]], T0 + 9_000))
        .unwrap_or_else(|error| panic!("approval refused: {error}"));
    assert!(!appended.is_known(), "an approval's entry is not a sheet's");
    ledger.save_views_built_whole(Some(&appended)).unwrap();
    assert_views_are_those_saved_one_by_one(&mut ledger, 2);
    ledger.save_views_built_whole(older.as_ref()).unwrap();
    assert_views_are_those_saved_one_by_one(&mut ledger, 3);
}

fn assert_views_are_those_saved_one_by_one(ledger: &mut Ledger<SegmentStorage>, round: usize) {
    let names = [
        TOTALS_VIEW,
        STATIONS_VIEW,
        rekap_ledger::history_view::HISTORY_VIEW,
    ];
    let built: Vec<Vec<u8>> = names.iter().map(|name| saved(ledger, name)).collect();
    let whole = ledger.totals_view(None);
    ledger.save_totals_view(&whole).unwrap();
    for (name, built) in names.iter().zip(&built) {
        assert_eq!(built, &saved(ledger, name), "{name} after round {round}");
    }
}

/// The stations view's per-level counts, built whole with each level's lines checked once,
/// are what `level_counts` reads level by level from the totals view: after an approval, a
/// correction that makes it stale, a void and an approval after it.
#[test]
fn level_counts_built_whole_are_the_totals_views_level_by_level() {
    let directory = tempfile::tempdir().unwrap();
    let mut ledger = reported(directory.path());
    let district = "647201";
    let official = official_of(district);
    let approval = small_election::approve(district, digest(&ledger, district));
    append(&mut ledger, official, approval);
    append(
        &mut ledger,
        official,
        small_election::correct(STATIONS[3], &[7, 8]),
    );
    let other = "647202";
    let void = Event::StationVoided {
        station: STATIONS[7].into(),
        contest: GUBERNUR.into(),
        reason: "the ballots burned".into(),
    };
    append(&mut ledger, official_of(other), void);
    let approval = small_election::approve(other, digest(&ledger, other));
    append(&mut ledger, official_of(other), approval);
    let view = ledger.totals_view(None);
    ledger.save_totals_view(&view).unwrap();
    let stations = open_saved_stations_view(directory.path())
        .unwrap()
        .expect("saved");
    let selection = view.select(Some(GUBERNUR), None, None).unwrap();
    let scope = selection.rows.start;
    let by_level: Vec<LevelCounts> = (0..view.station_level())
        .map(|level| level_counts(&view, selection.contest, ViewRegion(scope), level).unwrap())
        .collect();
    assert_eq!(
        stations.level_counts(GUBERNUR, scope),
        Some(by_level.as_slice())
    );
    let districts = by_level[by_level.len() - 2];
    assert_eq!(
        (districts.approved, districts.stale),
        (1, 1),
        "{by_level:?}"
    );
}
