//! Encoding a totals view from a replayed state (layout: docs/FORMAT.md, "Totals view
//! body").

use std::collections::VecDeque;
use std::ops::Range;

use rekap_log::Head;
use rekap_model::{ContestIdx, RegionIdx, State};
use rekap_projection::merkle::Hash;
use rekap_projection::{Projection, Totals};

use super::{
    ContestEntry, Directory, LevelNames, ScopedRows, APPROVAL_LABELS, COMPUTED_BY,
    DIRECTORY_CONFIG, PREAMBLE_BYTES, VIEW_FORMAT,
};

/// The body of the totals view of `state` and `projection` at `head`, and whether it holds
/// every contest: all of them if the view fits `limit_bytes`, else only `wanted` (the
/// first contest if `None` or unknown).
pub(super) fn encode_view(
    state: &State,
    projection: &Projection,
    head: &Head,
    wanted: Option<&str>,
    limit_bytes: u64,
) -> (Vec<u8>, bool) {
    // Every region's digest goes into the view: the regions holding stations (nearly all
    // of the hashing) are computed on every core first.
    projection.prepare_digests(state);
    let order = level_order(state);
    let every: Vec<(ContestIdx, Vec<Range<u32>>)> = (0..state.election().contests().len())
        .map(|index| ContestIdx(index as u32))
        .map(|contest| (contest, scoped_ranges(state, contest, &order)))
        .collect();
    let complete = estimated_bytes(state, &order, &every) <= limit_bytes;
    let asked = wanted.and_then(|id| state.election().contest_by_id(id));
    let chosen: Vec<&(ContestIdx, Vec<Range<u32>>)> = if complete {
        every.iter().collect()
    } else {
        // The asked contest, else the first: the one the command will answer for.
        let one = every.iter().find(|(contest, _)| Some(*contest) == asked);
        one.or(every.first()).into_iter().collect()
    };
    (encode(state, projection, head, &order, &chosen), complete)
}

/// The size of a view of every contest in `every`, before building it.
fn estimated_bytes(
    state: &State,
    order: &LevelOrder,
    every: &[(ContestIdx, Vec<Range<u32>>)],
) -> u64 {
    let election = state.election();
    let text_bytes: u64 = order
        .regions
        .iter()
        .filter_map(|region| election.region_entry(*region))
        .map(|entry| (entry.code.len() + entry.name.len()) as u64)
        .sum();
    let regions = order.regions.len() as u64;
    let fixed = PREAMBLE_BYTES + regions * (super::ROW_BYTES + 4) + text_bytes;
    let lines: u64 = every
        .iter()
        .map(|(contest, ranges)| {
            let pairs = election.contest(*contest).map_or(0, |c| c.pairs.len()) as u64;
            let rows: u64 = ranges
                .iter()
                .map(|rows| u64::from(rows.end - rows.start))
                .sum();
            rows * (8 * pairs + super::LINE_FIXED_BYTES)
        })
        .sum();
    // The directory: levels, contest ids and pair numbers, a few bytes per contest.
    let directory = 1024 + 256 * every.len() as u64;
    fixed + lines + directory
}

fn encode(
    state: &State,
    projection: &Projection,
    head: &Head,
    order: &LevelOrder,
    chosen: &[&(ContestIdx, Vec<Range<u32>>)],
) -> Vec<u8> {
    let mut body = vec![0u8; PREAMBLE_BYTES as usize];
    let rows_offset = body.len() as u64;
    let text = text_of(state, order);
    body.extend(rows_of(state, order, &text.bounds));
    let text_offset = body.len() as u64;
    body.extend_from_slice(text.text.as_bytes());
    let code_index_offset = body.len() as u64;
    body.extend(code_index(state, order));
    let mut contests = Vec::new();
    for (contest, ranges) in chosen.iter().map(|entry| (entry.0, &entry.1)) {
        let mut levels = Vec::new();
        for rows in ranges {
            levels.push(ScopedRows {
                first_row: rows.start,
                row_count: rows.end - rows.start,
                lines_offset: body.len() as u64,
            });
            body.extend(lines_of(
                state,
                projection,
                contest,
                &order.regions[range_of(rows)],
            ));
        }
        contests.push(contest_entry(state, contest, order, levels));
    }
    let directory = Directory {
        format: VIEW_FORMAT,
        computed_by: COMPUTED_BY.to_owned(),
        head_count: head.count,
        head_hash: head.last_hash,
        projection_digest: projection.projection_digest(state),
        levels: level_names(state),
        region_count: order.regions.len() as u32,
        rows_offset,
        text_offset,
        text_length: text.text.len() as u64,
        code_index_offset,
        contests,
    };
    let directory_offset = body.len() as u64;
    let encoded = bincode::encode_to_vec(&directory, DIRECTORY_CONFIG).unwrap_or_default();
    body.extend_from_slice(&encoded);
    body[..8].copy_from_slice(&directory_offset.to_le_bytes());
    body[8..16].copy_from_slice(&(encoded.len() as u64).to_le_bytes());
    body
}

/// Regions grouped by level, each level in tree order (breadth first from the roots).
pub(super) struct LevelOrder {
    regions: Vec<RegionIdx>,
    /// Row of each region, by region index.
    pub(super) row_of: Vec<u32>,
    /// Per row: its first child's row (where its children would start if it has none),
    /// and how many children it has.
    children: Vec<(u32, u32)>,
}

fn range_of(rows: &Range<u32>) -> Range<usize> {
    rows.start as usize..rows.end as usize
}

/// The rows under a contest's scope, level by level from the scope's own level down: one
/// range per level, because rows are grouped by level in tree order.
fn scoped_ranges(state: &State, contest: ContestIdx, order: &LevelOrder) -> Vec<Range<u32>> {
    let tree = state.election().tree();
    let Some(scope) = state.election().contest_scope(contest) else {
        return Vec::new();
    };
    let scope_row = order.row_of[scope.0 as usize];
    let mut ranges = Vec::new();
    ranges.push(scope_row..scope_row + 1);
    let levels = tree.level(scope).unwrap_or(0)..state.election().station_level();
    for _ in levels.skip(1) {
        let Some(rows) = ranges.last() else { break };
        let next = match (rows.clone().next(), rows.clone().next_back()) {
            (Some(first), Some(last)) => {
                let (start, _) = order.children[first as usize];
                let (last_start, last_count) = order.children[last as usize];
                start..last_start + last_count
            }
            _ => rows.end..rows.end,
        };
        ranges.push(next);
    }
    ranges
}

pub(super) fn level_order(state: &State) -> LevelOrder {
    let tree = state.election().tree();
    let mut regions = Vec::with_capacity(tree.region_count() as usize);
    let mut queue: VecDeque<RegionIdx> = tree.roots().iter().copied().collect();
    while let Some(region) = queue.pop_front() {
        regions.push(region);
        queue.extend(tree.children(region).iter().copied());
    }
    let mut row_of = vec![0u32; tree.region_count() as usize];
    for (row, region) in regions.iter().enumerate() {
        if let Some(slot) = row_of.get_mut(region.0 as usize) {
            *slot = row as u32;
        }
    }
    // Breadth first: the children of the rows in order are the rows after the roots, in
    // order, so a row's first child is a running count (also for a row without children).
    let mut next_child = tree.roots().len() as u32;
    let children = regions
        .iter()
        .map(|region| {
            let count = tree.children(*region).len() as u32;
            next_child += count;
            (next_child - count, count)
        })
        .collect();
    LevelOrder {
        regions,
        row_of,
        children,
    }
}

struct Text {
    text: String,
    /// Per row: code start, name start, name end.
    bounds: Vec<[u32; 3]>,
}

fn text_of(state: &State, order: &LevelOrder) -> Text {
    let election = state.election();
    let mut text = Text {
        text: String::new(),
        bounds: Vec::with_capacity(order.regions.len()),
    };
    for region in &order.regions {
        let entry = election.region_entry(*region);
        let code_start = text.text.len() as u32;
        text.text
            .push_str(entry.map_or("", |entry| entry.code.as_str()));
        let name_start = text.text.len() as u32;
        text.text
            .push_str(entry.map_or("", |entry| entry.name.as_str()));
        text.bounds
            .push([code_start, name_start, text.text.len() as u32]);
    }
    text
}

fn rows_of(state: &State, order: &LevelOrder, bounds: &[[u32; 3]]) -> Vec<u8> {
    let tree = state.election().tree();
    let mut rows = Vec::with_capacity(order.regions.len() * super::ROW_BYTES as usize);
    let regions = order.regions.iter().zip(&order.children);
    for ((region, (first_child, child_count)), [code_start, name_start, name_end]) in
        regions.zip(bounds)
    {
        let level = tree.level(*region).unwrap_or(0);
        for word in [
            *code_start,
            *name_start,
            *name_end,
            level,
            *first_child,
            *child_count,
        ] {
            rows.extend_from_slice(&word.to_le_bytes());
        }
    }
    rows
}

fn code_index(state: &State, order: &LevelOrder) -> Vec<u8> {
    let election = state.election();
    let code = |region: &RegionIdx| election.region_code(*region).unwrap_or("");
    let mut by_code: Vec<RegionIdx> = order.regions.clone();
    by_code.sort_by(|left, right| code(left).cmp(code(right)));
    by_code
        .iter()
        .flat_map(|region| order.row_of[region.0 as usize].to_le_bytes())
        .collect()
}

pub(super) fn lines_of(
    state: &State,
    projection: &Projection,
    contest: ContestIdx,
    regions: &[RegionIdx],
) -> Vec<u8> {
    let shape = LineShape::of(state, contest);
    let mut lines = Vec::new();
    for region in regions {
        let report = projection.region_report(state, contest, *region);
        let digest = projection.digest(state, contest, *region);
        shape.encode(
            &mut lines,
            &report.totals,
            report.approval,
            report.open_objections,
            &digest,
        );
    }
    lines
}

/// The shape of a contest's lines: its pairs and vote types.
#[derive(Clone, Copy)]
pub(super) struct LineShape {
    pub(super) pairs: usize,
    pub(super) vote_types: usize,
}

impl LineShape {
    pub(super) fn of(state: &State, contest: ContestIdx) -> LineShape {
        let (pairs, vote_types) = state.election().contest(contest).map_or((0, 0), |contest| {
            (contest.pairs.len(), contest.vote_types.len())
        });
        LineShape { pairs, vote_types }
    }

    /// Appends one region's line (layout: docs/FORMAT.md, "Totals view body").
    pub(super) fn encode(
        self,
        lines: &mut Vec<u8>,
        totals: &Totals,
        approval_label: &str,
        open_objections: usize,
        digest: &Hash,
    ) {
        for pair in 0..self.pairs {
            let votes = totals.votes.get(pair).copied().unwrap_or(0);
            lines.extend_from_slice(&votes.to_le_bytes());
        }
        for word in 0..self.pairs * self.vote_types {
            let votes = totals.votes_by_type.get(word).copied().unwrap_or(0);
            lines.extend_from_slice(&votes.to_le_bytes());
        }
        for value in [
            totals.valid,
            totals.invalid,
            totals.registered,
            totals.voted,
        ] {
            lines.extend_from_slice(&value.to_le_bytes());
        }
        let approval = APPROVAL_LABELS
            .iter()
            .position(|label| *label == approval_label);
        debug_assert!(approval.is_some(), "unknown label {approval_label}");
        for value in [
            totals.stations_reported,
            totals.stations_voided,
            totals.stations_expected,
            u32::try_from(open_objections).unwrap_or(u32::MAX),
            approval.unwrap_or(0) as u32,
            totals.stations_without_invalid,
        ] {
            lines.extend_from_slice(&value.to_le_bytes());
        }
        lines.extend_from_slice(digest);
    }
}

fn contest_entry(
    state: &State,
    contest: ContestIdx,
    order: &LevelOrder,
    levels: Vec<ScopedRows>,
) -> ContestEntry {
    let election = state.election();
    let definition = election.contest(contest);
    let scope = election
        .contest_scope(contest)
        .map_or(0, |scope| order.row_of[scope.0 as usize]);
    ContestEntry {
        id: definition.map(|c| c.id.clone()).unwrap_or_default(),
        scope,
        pair_numbers: definition
            .map(|c| c.pairs.iter().map(|pair| pair.number).collect())
            .unwrap_or_default(),
        pair_names: definition
            .map(|c| c.pairs.iter().map(|pair| pair.name.clone()).collect())
            .unwrap_or_default(),
        vote_types: definition
            .map(|c| c.vote_types.iter().map(|t| t.key.clone()).collect())
            .unwrap_or_default(),
        levels,
    }
}

fn level_names(state: &State) -> Vec<LevelNames> {
    state
        .election()
        .levels()
        .iter()
        .map(|level| LevelNames {
            key: level.key.clone(),
            name_en: level.name_en.clone(),
            name_id: level.name_id.clone(),
            holds_plenary: level.holds_plenary,
        })
        .collect()
}
