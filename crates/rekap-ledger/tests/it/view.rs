//! The totals view answers exactly as the projection does, for every region, level and
//! contest of random region trees; it is only ever read while the log ends where it did;
//! and a damaged view is refused, never read as other numbers.

use proptest::prelude::*;
use rekap_ledger::view::{open_totals_view_unopened, read_totals_view, SelectError, TotalsView};
use rekap_ledger::Ledger;
use rekap_log::{Log, SegmentStorage, Storage};
use rekap_model::*;
use rekap_projection::RegionReport;

use crate::{key, sheet, REGISTRAR, T0};

/// Stations per village, per district, per regency, per province. A district may have no
/// villages: its row then has no children, between rows that do.
type Shape = Vec<Vec<Vec<Vec<u8>>>>;

const CONTEST_A: &str = "gubernur-a";
const CONTEST_B: &str = "bupati-b";

fn shape() -> impl Strategy<Value = Shape> {
    let district = prop::collection::vec(1u8..4, 0..3);
    let regency = prop::collection::vec(district, 1..3);
    let province = prop::collection::vec(regency, 1..3);
    prop::collection::vec(province, 1..3)
}

struct World {
    definition: ElectionDefinition,
    /// (operator key number, station code, contest) of every station.
    stations: Vec<(u8, String, &'static str)>,
}

fn world(shape: &Shape) -> World {
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
fn ledger(world: &World, reported: &[bool], directory: &std::path::Path) -> Ledger<SegmentStorage> {
    let storage = SegmentStorage::create(directory).unwrap();
    let mut ledger =
        Ledger::create(storage, world.definition.clone(), &key(REGISTRAR), T0).unwrap();
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
    let mut tally = sheet(one, 7);
    if contest == CONTEST_B {
        tally.votes.push(3);
        tally.valid += 3;
        tally.voted.dpt.total += 3;
        tally.ballots.used += 3;
        tally.ballots.received += 3;
        tally.registered.dpt += 3;
    }
    Event::SheetSubmitted {
        station: station.to_owned(),
        contest: contest.to_owned(),
        sheet: tally,
    }
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
