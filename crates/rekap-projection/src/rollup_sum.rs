//! The rollup's sum ([`crate::rollup`]): stations into their holders' rows, then every level
//! into its parent, all in one flat array of `u64` per contest.

use rekap_model::regions::RegionIdx;
use rekap_model::{ContestIdx, DefinitionParts, Election, StationId};

use crate::rollup::{Layer, Shape, COUNTED, COUNTED_WITHOUT_INVALID, UNTOUCHED, VOIDED};
use crate::totals::Totals;

/// A region's row: stations expected, voided, without invalid, reported, then valid,
/// invalid, registered, voted, then the votes per pair and per pair and type.
const COUNTS: usize = 8;

/// Every region's totals per contest, one flat row per region.
pub struct Rollup {
    shapes: Vec<Shape>,
    rows: Vec<Vec<u64>>,
}

impl Rollup {
    /// The totals of `region` in `contest`.
    pub fn totals(&self, contest: ContestIdx, region: RegionIdx) -> Option<Totals> {
        let shape = self.shapes.get(contest.0 as usize)?;
        let width = COUNTS + shape.pairs + shape.typed;
        let start = region.0 as usize * width;
        let row = self
            .rows
            .get(contest.0 as usize)?
            .get(start..start + width)?;
        let count = |at: usize| row[at] as u32;
        let (votes, by_type) = row[COUNTS..].split_at(shape.pairs);
        Some(Totals {
            votes: votes.to_vec(),
            valid: row[4],
            invalid: row[5],
            registered: row[6],
            voted: row[7],
            stations_reported: count(3),
            stations_voided: count(1),
            stations_expected: count(0),
            votes_by_type: by_type.to_vec(),
            stations_without_invalid: count(2),
        })
    }
}

pub(crate) fn sum<D: DefinitionParts + Sync>(
    election: &Election<D>,
    shapes: &[Shape],
    layers: &[Layer],
) -> Rollup {
    let tree = election.tree();
    let regions = tree.region_count();
    // Deepest level first, so that a region's row is whole before it is added upwards.
    let mut by_depth: Vec<u32> = (0..regions).collect();
    by_depth.sort_by_key(|region| std::cmp::Reverse(tree.level(RegionIdx(*region))));
    let rows = shapes
        .iter()
        .enumerate()
        .map(|(contest, shape)| {
            let contest = ContestIdx(contest as u32);
            let mut rows = sum_stations(election, contest, shape, layers);
            add_upwards(
                election,
                &by_depth,
                COUNTS + shape.pairs + shape.typed,
                &mut rows,
            );
            rows
        })
        .collect();
    Rollup {
        shapes: shapes.to_vec(),
        rows,
    }
}

/// Rows of every region, the holders' from their stations (holders spread over the cores,
/// each thread filling its own rows), the others zero.
fn sum_stations<D: DefinitionParts + Sync>(
    election: &Election<D>,
    contest: ContestIdx,
    shape: &Shape,
    layers: &[Layer],
) -> Vec<u64> {
    let tree = election.tree();
    let width = COUNTS + shape.pairs + shape.typed;
    let regions = tree.region_count() as usize;
    let mut rows = vec![0u64; regions * width];
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let per_thread = regions.div_ceil(threads).max(1);
    let scope_stations = election
        .contest_scope(contest)
        .map_or(0..0, |scope| tree.stations_under(scope));
    let words: Vec<&[u32]> = layers
        .iter()
        .filter_map(|layer| layer.words.get(contest.0 as usize).map(Vec::as_slice))
        .collect();
    std::thread::scope(|scope| {
        for (part, part_rows) in rows.chunks_mut(per_thread * width).enumerate() {
            let (words, scope_stations) = (&words, scope_stations.clone());
            scope.spawn(move || {
                for (offset, row) in part_rows.chunks_exact_mut(width).enumerate() {
                    let region = RegionIdx((part * per_thread + offset) as u32);
                    if !tree.children(region).is_empty() {
                        continue;
                    }
                    for station in tree.stations_under(region) {
                        let covered = scope_stations.contains(&station)
                            && election.station_takes_part(contest, StationId(station));
                        if covered {
                            add_station(row, shape, words, station as usize);
                        }
                    }
                }
            });
        }
    });
    rows
}

/// One station's sheet into its holder's row: the latest layer that touched it decides.
fn add_station(row: &mut [u64], shape: &Shape, layers: &[&[u32]], station: usize) {
    row[0] += 1;
    let stride = shape.stride();
    let start = station * stride;
    let current = layers
        .iter()
        .rev()
        .filter_map(|words| words.get(start..start + stride))
        .find(|words| words[0] != UNTOUCHED);
    let Some(words) = current else {
        return;
    };
    match words[0] {
        VOIDED => row[1] += 1,
        slot @ (COUNTED | COUNTED_WITHOUT_INVALID) => {
            if slot == COUNTED_WITHOUT_INVALID {
                row[2] += 1;
            }
            row[3] += 1;
            for (total, value) in row[4..].iter_mut().zip(&words[1..]) {
                *total += u64::from(*value);
            }
        }
        // Awaiting a sheet (a re-vote): expected, nothing more.
        _ => {}
    }
}

/// Every region's row into its parent's, deepest first.
fn add_upwards<D: DefinitionParts>(
    election: &Election<D>,
    by_depth: &[u32],
    width: usize,
    rows: &mut [u64],
) {
    let tree = election.tree();
    let mut child = vec![0u64; width];
    for region in by_depth {
        let Some(parent) = tree.parent(RegionIdx(*region)) else {
            continue;
        };
        let start = *region as usize * width;
        let parent_start = parent.0 as usize * width;
        let (Some(from), true) = (
            rows.get(start..start + width),
            parent_start + width <= rows.len(),
        ) else {
            continue;
        };
        child.copy_from_slice(from);
        for (total, value) in rows[parent_start..parent_start + width]
            .iter_mut()
            .zip(&child)
        {
            *total += value;
        }
    }
}
