//! The totals view answers exactly as the projection does, for every region, level and
//! contest of random region trees; it is only ever read while the log ends where it did;
//! and a damaged view is refused, never read as other numbers.

use proptest::prelude::*;
use rekap_ledger::view::{
    open_saved_totals_view, open_totals_view_unopened, read_totals_view, SavedView, SelectError,
    TotalsView,
};
use rekap_ledger::Ledger;
use rekap_log::{Log, SegmentStorage, Storage};
use rekap_model::*;
use rekap_projection::RegionReport;

use crate::{key, REGISTRAR, T0};

/// Stations per village, per district, per regency, per province. A district may have no
/// villages: its row then has no children, between rows that do.
pub(crate) type Shape = Vec<Vec<Vec<Vec<u8>>>>;

const CONTEST_A: &str = "gubernur-a";
const CONTEST_B: &str = "bupati-b";

pub(crate) fn shape() -> impl Strategy<Value = Shape> {
    let district = prop::collection::vec(1u8..4, 0..3);
    let regency = prop::collection::vec(district, 1..3);
    let province = prop::collection::vec(regency, 1..3);
    prop::collection::vec(province, 1..3)
}

pub(crate) struct World {
    definition: ElectionDefinition,
    /// (operator key number, station code, contest) of every station.
    stations: Vec<(u8, String, &'static str)>,
}

pub(crate) fn world(shape: &Shape) -> World {
    let mut regions = Vec::new();
    let mut stations = Vec::new();
    let region = |code: &str, parent: Option<&str>, level: &str, stations: u8| {
        serde_json::json!({"code": code, "parent": parent, "level": level,
                           "name": format!("NAME {code}"), "stations": stations})
    };
    for (p, regencies) in shape.iter().enumerate() {
        let province = format!("P{p}");
        regions.push(region(&province, None, "province", 0));
        for (r, districts) in regencies.iter().enumerate() {
            let regency = format!("{province}.R{r}");
            regions.push(region(&regency, Some(&province), "regency", 0));
            for (d, villages) in districts.iter().enumerate() {
                let district = format!("{regency}.D{d}");
                regions.push(region(&district, Some(&regency), "district", 0));
                for (v, count) in villages.iter().enumerate() {
                    let village = format!("{district}.V{v}");
                    regions.push(region(&village, Some(&district), "village", *count));
                    for number in 1..=u32::from(*count) {
                        let contest = if regency == "P0.R0" {
                            CONTEST_B
                        } else {
                            CONTEST_A
                        };
                        let code = rekap_model::regions::format_station_code(&village, number);
                        stations.push((10 + p as u8, code, contest));
                    }
                }
            }
        }
    }
    let officer = |n: u8, scope: &str| serde_json::json!({"key": hex::encode(key(n).verifying_key().to_bytes()), "role": "operator", "scope": scope});
    let officers: Vec<_> = (0..shape.len())
        .map(|p| officer(10 + p as u8, &format!("P{p}")))
        .collect();
    let pairs = |count: u32| -> Vec<_> {
        (1..=count)
            .map(|n| serde_json::json!({"number": n, "name": format!("PAIR {n}")}))
            .collect()
    };
    let json = serde_json::json!({
        "format": "rekap-election/1",
        "name": "view test",
        "levels": "indonesia",
        "station_capacity": 600,
        "registrar": hex::encode(key(REGISTRAR).verifying_key().to_bytes()),
        "contests": [
            {"id": CONTEST_A, "name": "Gubernur", "scope": "P0", "pairs": pairs(2)},
            {"id": CONTEST_B, "name": "Bupati", "scope": "P0.R0", "pairs": pairs(3)},
        ],
        "regions": regions,
        "officers": officers,
    });
    let definition = DefinitionFile::from_json(&json.to_string())
        .unwrap()
        .build(None::<&[u8]>)
        .unwrap()
        .definition()
        .clone();
    World {
        definition,
        stations,
    }
}

/// A ledger on a segment store with a sheet for every station `reported` picks.
pub(crate) fn ledger(
    world: &World,
    reported: &[bool],
    directory: &std::path::Path,
) -> Ledger<SegmentStorage> {
    let storage = SegmentStorage::create(directory).unwrap();
    let mut ledger = Ledger::create(
        storage,
        rekap_model::Genesis::new(world.definition.clone(), super::log_key()),
        &key(REGISTRAR),
        T0,
    )
    .unwrap();
    for (index, (operator, station, contest)) in world.stations.iter().enumerate() {
        // Stations outside P0 vote in no contest of this definition.
        if !reported.get(index).copied().unwrap_or(false) || !station.starts_with("P0") {
            continue;
        }
        let event = sheet_event(station, contest, index as u32 % 50);
        ledger
            .submit(&key(*operator), vec![vec![event]], T0 + 1_000)
            .unwrap();
    }
    ledger
}

/// A sheet for `station` in `contest` (three pairs in contest B, two in A).
fn sheet_event(station: &str, contest: &str, one: u32) -> Event {
    let votes: &[u32] = if contest == CONTEST_B {
        &[one, 7, 3]
    } else {
        &[one, 7]
    };
    rekap_test_kit::submit(station, contest, rekap_test_kit::sheet(votes))
}

/// Regions at `level` under `region`, in tree order: the oracle the view's row ranges must
/// match.
fn regions_at(election: &Election, region: RegionIdx, level: u32, out: &mut Vec<RegionIdx>) {
    let tree = election.tree();
    match tree.level(region) {
        Some(current) if current == level => out.push(region),
        Some(current) if current < level => {
            for child in tree.children(region) {
                regions_at(election, *child, level, out);
            }
        }
        _ => {}
    }
}

fn expected<S: Storage>(
    ledger: &Ledger<S>,
    contest: ContestIdx,
    regions: &[RegionIdx],
) -> Vec<RegionReport> {
    regions
        .iter()
        .map(|region| {
            ledger
                .projection()
                .region_report(ledger.state(), contest, *region)
        })
        .collect()
}

/// Every selection `totals` can make, answered by `view` and by the projection.
fn assert_view_answers_as_the_projection<S: Storage>(view: &TotalsView, ledger: &Ledger<S>) {
    let election = ledger.state().election();
    for (index, contest) in election.contests().iter().enumerate() {
        let contest_idx = ContestIdx(index as u32);
        let scope = election.contest_scope(contest_idx).unwrap();
        for region in (0..election.tree().region_count()).map(RegionIdx) {
            let code = election.region_code(region).unwrap();
            if !election.tree().region_covers(scope, region) {
                let refused = view.select(Some(&contest.id), None, Some(code));
                assert!(
                    matches!(refused, Err(SelectError::OutsideScope { .. })),
                    "--region {code} is outside {}: {refused:?}",
                    contest.id
                );
                continue;
            }
            let selection = view.select(Some(&contest.id), None, Some(code)).unwrap();
            let children = election.tree().children(region);
            let regions = if children.is_empty() {
                vec![region]
            } else {
                children.to_vec()
            };
            assert_eq!(
                view.reports(&selection).unwrap(),
                expected(ledger, contest_idx, &regions),
                "--region {code} of {}",
                contest.id
            );
        }
        for (level, names) in election.levels()[..election.levels().len() - 1]
            .iter()
            .enumerate()
        {
            let selection = view
                .select(Some(&contest.id), Some(&names.key), None)
                .unwrap();
            let mut regions = Vec::new();
            regions_at(election, scope, level as u32, &mut regions);
            assert_eq!(
                view.reports(&selection).unwrap(),
                expected(ledger, contest_idx, &regions),
                "--level {} of {}",
                names.key,
                contest.id
            );
        }
        let selection = view.select(Some(&contest.id), None, None).unwrap();
        assert_eq!(
            view.reports(&selection).unwrap(),
            expected(ledger, contest_idx, &[scope])
        );
    }
    assert_eq!(
        view.projection_digest(),
        ledger.projection().projection_digest(ledger.state())
    );
    assert!(view.select(None, None, Some("NOWHERE")).is_err());
    assert!(view.select(None, Some("station"), None).is_err());
    assert!(view.select(Some("no-such-contest"), None, None).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn the_saved_view_answers_every_selection_as_the_projection(
        shape in shape(),
        reported in prop::collection::vec(any::<bool>(), 0..64),
    ) {
        let directory = tempfile::tempdir().unwrap();
        let store = directory.path().join("store");
        let world = world(&shape);
        let mut ledger = ledger(&world, &reported, &store);
        let view = ledger.totals_view(None);
        assert_view_answers_as_the_projection(&view, &ledger);
        ledger.save_totals_view(&view).unwrap();
        drop(ledger);
        let saved = open_totals_view_unopened(&store).unwrap().expect("a current view");
        let reopened = Ledger::open(SegmentStorage::open(&store).unwrap()).unwrap();
        assert_view_answers_as_the_projection(&saved, &reopened);
    }
}

#[test]
fn a_view_is_read_only_while_the_log_ends_where_it_was_saved() {
    let directory = tempfile::tempdir().unwrap();
    let store = directory.path().join("store");
    let world = world(&vec![vec![vec![vec![2]]]]);
    let mut ledger = ledger(&world, &[true], &store);
    let view = ledger.totals_view(None);
    ledger.save_totals_view(&view).unwrap();
    assert!(read_totals_view(ledger.log()).unwrap().is_some());
    let (operator, station, contest) = &world.stations[1];
    let event = sheet_event(station, contest, 1);
    ledger
        .submit(&key(*operator), vec![vec![event]], T0 + 2_000)
        .unwrap();
    assert!(
        read_totals_view(ledger.log()).unwrap().is_none(),
        "stale after an append"
    );
    drop(ledger);
    assert!(open_totals_view_unopened(&store).unwrap().is_none());
    // A view of an earlier head is never saved over the current one.
    let mut reopened = Ledger::open(SegmentStorage::open(&store).unwrap()).unwrap();
    reopened.save_totals_view(&view).unwrap();
    assert!(read_totals_view(reopened.log()).unwrap().is_none());
}

#[test]
fn a_damaged_view_is_refused_not_misread() {
    let directory = tempfile::tempdir().unwrap();
    let store = directory.path().join("store");
    let world = world(&vec![vec![vec![vec![3, 2], vec![1]]; 2]; 2]);
    let all = vec![true; world.stations.len()];
    let mut ledger = ledger(&world, &all, &store);
    let view = ledger.totals_view(None);
    ledger.save_totals_view(&view).unwrap();
    let honest: Vec<_> = ["province", "regency", "district", "village"]
        .iter()
        .map(|level| {
            view.reports(&view.select(None, Some(level), None).unwrap())
                .unwrap()
        })
        .collect();
    drop(ledger);
    let path = store.join("totals.view");
    let bytes = std::fs::read(&path).unwrap();
    for index in (0..bytes.len()).step_by(7) {
        let mut flipped = bytes.clone();
        flipped[index] ^= 0x10;
        std::fs::write(&path, &flipped).unwrap();
        let Some(view) = open_totals_view_unopened(&store).unwrap() else {
            continue;
        };
        for (level, honest) in ["province", "regency", "district", "village"]
            .iter()
            .zip(&honest)
        {
            let answer = view
                .select(None, Some(level), None)
                .map_err(|error| error.to_string())
                .and_then(|selection| view.reports(&selection).map_err(|e| e.to_string()));
            if let Ok(answer) = answer {
                assert_eq!(
                    &answer, honest,
                    "a flip at byte {index} changed the {level} totals"
                );
            }
        }
    }
    std::fs::write(&path, &bytes).unwrap();
    let log = Log::open(SegmentStorage::open(&store).unwrap()).unwrap();
    assert!(
        read_totals_view(&log).unwrap().is_some(),
        "the intact view reads again"
    );
}

#[test]
fn a_view_too_large_for_the_file_holds_the_asked_contest_and_is_not_saved() {
    let directory = tempfile::tempdir().unwrap();
    let store = directory.path().join("store");
    let world = world(&vec![vec![vec![vec![2, 1]; 2]; 2]; 2]);
    let all = vec![true; world.stations.len()];
    let mut ledger = ledger(&world, &all, &store);
    let (state, projection, head) = (ledger.state(), ledger.projection(), ledger.head());
    let whole = TotalsView::of(state, projection, &head, None);
    assert!(whole.is_complete());
    let small = TotalsView::of_within(state, projection, &head, Some(CONTEST_B), 1_000);
    assert!(!small.is_complete());
    let selection = small
        .select(Some(CONTEST_B), Some("village"), None)
        .unwrap();
    let from_whole = whole
        .select(Some(CONTEST_B), Some("village"), None)
        .unwrap();
    assert_eq!(
        small.reports(&selection).unwrap(),
        whole.reports(&from_whole).unwrap()
    );
    assert!(matches!(
        small.select(Some(CONTEST_A), None, None),
        Err(SelectError::UnknownContest(_))
    ));
    ledger.save_totals_view(&small).unwrap();
    assert!(
        read_totals_view(ledger.log()).unwrap().is_none(),
        "never saved"
    );
    ledger.save_totals_view(&whole).unwrap();
    assert!(read_totals_view(ledger.log()).unwrap().is_some());
}

/// The reader takes no lock: while a writer appends and saves a new view after each
/// append, every view a reader opens must show exactly the totals of the head it names.
#[test]
fn a_reader_without_the_lock_sees_only_views_true_to_their_head() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let world = world(&vec![vec![vec![vec![3, 3]; 2]; 2]]);
    // Contest A's votes for pair 1 and stations reported after the first k sheets.
    let mut expected = vec![(0u64, 0u32)];
    for (index, (_, _, contest)) in world.stations.iter().enumerate() {
        let (votes, reported) = expected[index];
        expected.push(if *contest == CONTEST_A {
            (votes + (index % 50) as u64, reported + 1)
        } else {
            (votes, reported)
        });
    }
    let directory = tempfile::tempdir().unwrap();
    let store = directory.path().join("store");
    let mut ledger = ledger(&world, &[], &store);
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let reader = scope.spawn(|| {
            let mut views_read = 0;
            while !stop.load(Ordering::Relaxed) {
                let Ok(Some(view)) = open_totals_view_unopened(&store) else {
                    continue;
                };
                let sheets = view.head_count() as usize - 1;
                let selection = view.select(Some(CONTEST_A), None, None).unwrap();
                let scope = &view.reports(&selection).unwrap()[0];
                let seen = (scope.totals.votes[0], scope.totals.stations_reported);
                assert_eq!(seen, expected[sheets], "the view of head {}", sheets + 1);
                views_read += 1;
            }
            views_read
        });
        for (index, (operator, station, contest)) in world.stations.iter().enumerate() {
            let event = sheet_event(station, contest, index as u32 % 50);
            ledger
                .submit(&key(*operator), vec![vec![event]], T0 + 1_000)
                .unwrap();
            let view = ledger.totals_view(None);
            ledger.save_totals_view(&view).unwrap();
        }
        stop.store(true, Ordering::Relaxed);
        assert!(reader.join().unwrap() > 0, "the reader read no view at all");
    });
}

/// Bytes before the block checksums of a view file: magic, segment length, last header
/// offset, last chunk header (92), body length (docs/FORMAT.md, "View files").
const VIEW_FIXED_BYTES: usize = 8 + 8 + 8 + 92 + 8;

/// Where a view file's body starts.
pub(crate) fn body_start(file: &[u8]) -> usize {
    let body_length = u64::from_le_bytes(file[116..124].try_into().unwrap());
    VIEW_FIXED_BYTES + 32 * (body_length.div_ceil(16 * 1024) as usize + 1)
}

/// Recomputes a view file's block checksums and header checksum exactly as the writer
/// does, as anyone who can write the store directory can.
pub(crate) fn reseal(file: &mut [u8]) {
    let start = body_start(file);
    let body = file[start..].to_vec();
    let mut at = VIEW_FIXED_BYTES;
    for block in body.chunks(16 * 1024) {
        file[at..at + 32].copy_from_slice(blake3::hash(block).as_bytes());
        at += 32;
    }
    let checksum = blake3::hash(&file[..at]);
    file[at..at + 32].copy_from_slice(checksum.as_bytes());
}

fn all_levels(view: &TotalsView) -> Vec<Result<Vec<RegionReport>, String>> {
    ["province", "regency", "district", "village"]
        .iter()
        .map(|level| {
            view.select(Some(CONTEST_A), Some(level), None)
                .map_err(|error| error.to_string())
                .and_then(|selection| view.reports(&selection).map_err(|e| e.to_string()))
        })
        .collect()
}

/// Issue 10, section 2: a number rewritten in any line of contest A, with every checksum
/// recomputed, is never shown by a lock-free reader: the digests above the line disagree.
/// The audit's comparison with the log names the forged region.
#[test]
fn a_forged_line_with_recomputed_checksums_is_never_shown() {
    let directory = tempfile::tempdir().unwrap();
    let store = directory.path().join("store");
    let world = world(&vec![vec![vec![vec![3, 2], vec![1]]; 2]; 2]);
    let all = vec![true; world.stations.len()];
    let mut ledger = ledger(&world, &all, &store);
    let truth = ledger.totals_view(None);
    ledger.save_totals_view(&truth).unwrap();
    let honest = all_levels(&truth);
    drop(ledger);
    let path = store.join("totals.view");
    let intact = std::fs::read(&path).unwrap();
    let start = body_start(&intact);
    let mut forged_lines = 0;
    for report in honest.iter().flat_map(|level| level.as_ref().unwrap()) {
        let totals = &report.totals;
        let mut pattern = Vec::new();
        for word in totals.votes.iter().chain([&totals.valid, &totals.invalid]) {
            pattern.extend_from_slice(&word.to_le_bytes());
        }
        let found: Vec<usize> = (start..intact.len() - pattern.len())
            .filter(|at| intact[*at..*at + pattern.len()] == pattern[..])
            .collect();
        for at in found {
            // Votes for pair 1 and the valid total, both raised by 1,000.
            let mut forged = intact.clone();
            for word in [at, at + 16] {
                let value = u64::from_le_bytes(forged[word..word + 8].try_into().unwrap());
                forged[word..word + 8].copy_from_slice(&(value + 1_000).to_le_bytes());
            }
            reseal(&mut forged);
            std::fs::write(&path, &forged).unwrap();
            let view = open_totals_view_unopened(&store)
                .unwrap()
                .expect("header intact");
            for (answer, honest) in all_levels(&view).iter().zip(&honest) {
                if let Ok(answer) = answer {
                    assert_eq!(Ok(answer), honest.as_ref(), "a forged line at byte {at}");
                }
            }
            let comparison = view.compare_with(&truth);
            assert!(
                !comparison.matches(),
                "the audit's comparison missed byte {at}"
            );
            // (A pattern of zeros also matches inside other lines and sections.)
            let named = &comparison.differences[0];
            if named.contains("votes for pair 1") && named.contains(&report.code) {
                forged_lines += 1;
            }
        }
    }
    assert!(
        forged_lines >= 8,
        "only {forged_lines} lines forged and named"
    );
    std::fs::write(&path, &intact).unwrap();
    let view = open_totals_view_unopened(&store).unwrap().unwrap();
    assert!(view.compare_with(&truth).matches());
    assert_eq!(all_levels(&view), honest);
}

/// Issue 10, section 2: a view of another log, stamped with this store's end mark (so the
/// segment file's length and last chunk header match), is not read as this store's, and
/// a damaged last record behind a view is reported, not answered past.
#[test]
fn a_view_of_another_log_or_over_a_damaged_tail_is_not_used() {
    let directory = tempfile::tempdir().unwrap();
    let world = world(&vec![vec![vec![vec![3, 2]; 2]; 2]]);
    let stores: Vec<_> = [true, false]
        .iter()
        .map(|first| {
            let store = directory.path().join(format!("store-{first}"));
            let reported: Vec<bool> = (0..world.stations.len())
                .map(|i| (i % 2 == 0) == *first)
                .collect();
            let mut ledger = ledger(&world, &reported, &store);
            let view = ledger.totals_view(None);
            ledger.save_totals_view(&view).unwrap();
            store
        })
        .collect();
    let (ours, theirs) = (&stores[0], &stores[1]);
    let our_view = std::fs::read(ours.join("totals.view")).unwrap();
    let mut foreign = std::fs::read(theirs.join("totals.view")).unwrap();
    // Their view, with our segment length, last header offset and last chunk header.
    foreign[8..116].copy_from_slice(&our_view[8..116]);
    reseal(&mut foreign);
    std::fs::write(ours.join("totals.view"), &foreign).unwrap();
    match open_saved_totals_view(ours).unwrap() {
        SavedView::LogDisagrees(reason) => assert!(reason.contains("last record"), "{reason}"),
        _ => panic!("a view of another log was taken as current"),
    }
    assert!(open_totals_view_unopened(ours).unwrap().is_none());
    let log = Log::open(SegmentStorage::open(ours).unwrap()).unwrap();
    assert!(
        read_totals_view(&log).unwrap().is_none(),
        "nor once the store is open"
    );
    drop(log);

    // Our own view again, over a last record with one byte changed.
    std::fs::write(ours.join("totals.view"), &our_view).unwrap();
    assert!(matches!(
        open_saved_totals_view(ours).unwrap(),
        SavedView::Current(_)
    ));
    let segment = ours.join("log.segment");
    let intact = std::fs::read(&segment).unwrap();
    let mut damaged = intact.clone();
    let near_end = damaged.len() - 100;
    damaged[near_end] ^= 0x01;
    std::fs::write(&segment, &damaged).unwrap();
    // The chunk header still matches (its checksum is not recomputed by a lock-free reader).
    match open_saved_totals_view(ours).unwrap() {
        SavedView::LogDisagrees(reason) => assert!(reason.contains("does not check"), "{reason}"),
        _ => panic!("a view was answered past a damaged last record"),
    }
    std::fs::write(&segment, &intact).unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// `rekap serve`'s publisher brings the view forward by rewriting the lines above the
    /// stations whose sheets changed (TotalsView::patched): byte for byte the view built
    /// whole at the new head, and answering as the projection does.
    #[test]
    fn a_view_brought_forward_is_the_view_built_whole(
        shape in shape(),
        first in prop::collection::vec(any::<bool>(), 0..64),
        second in prop::collection::vec(any::<bool>(), 0..64),
    ) {
        let directory = tempfile::tempdir().unwrap();
        let world = world(&shape);
        let mut ledger = ledger(&world, &first, &directory.path().join("store"));
        let old = TotalsView::of(ledger.state(), ledger.projection(), &ledger.head(), None);
        let entries_before = ledger.state().entries().len();
        for (index, (operator, station, contest)) in world.stations.iter().enumerate() {
            let fresh = !first.get(index).copied().unwrap_or(false);
            if fresh && second.get(index).copied().unwrap_or(false) && station.starts_with("P0") {
                let event = sheet_event(station, contest, index as u32 % 30);
                ledger.submit(&key(*operator), vec![vec![event]], T0 + 2_000).unwrap();
            }
        }
        let touched: Vec<StationId> = ledger.state().entries()[entries_before..]
            .iter()
            .map(|entry| entry.station)
            .collect();
        let head = ledger.head();
        let patched = old
            .patched(ledger.state(), ledger.projection(), &head, touched)
            .expect("a view in memory of an earlier head is brought forward");
        let whole = TotalsView::of(ledger.state(), ledger.projection(), &head, None);
        prop_assert_eq!(patched.body(), whole.body());
        assert_view_answers_as_the_projection(&patched, &ledger);
    }
}
