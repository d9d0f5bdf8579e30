//! `rekap prove` from the saved views, without a replay (docs/PERFORMANCE.md, "`prove`").
//!
//! A proof needs, for the station's village, every station's leaf, and for each region
//! above it up to the approved one, its children's leaves and its own totals; then the
//! approval's event and record, and that record's inclusion in the latest kept checkpoint.
//! From the views: the station by code and its village's stations' current sheets from the
//! stations view (one record read per distinct batch record), the leaves computed from them
//! by the projection's own [`StationLeaf`]; the village and the regions above it from the
//! history view, their lines and children's leaves from the totals view (each checked
//! against the digests above it); the approval from the history view's entries of the
//! approved region (its last `PlenaryApproved` of the contest, which must be the line's
//! digest); the record through the history view's record table (checked against its hash);
//! the inclusion proof from the tree files (checked against the checkpoint's root).
//!
//! Whatever the views cannot answer exactly as the replay would (a view missing, stale or
//! damaged, an unknown code, no sheet, an approval pending or stale, a record that does not
//! check) is `None`: the caller replays, which also words every refusal.

use std::path::Path;

use rekap_log::Record;
use rekap_model::{Event, EventId, PackedSheet};
use rekap_projection::merkle::{leaf_hash, root, Hash};
use rekap_projection::proof::{assemble, step, ApprovedAt, Proof, ProofLevel, ProofStep};
use rekap_projection::{StationLeaf, Totals};
use rekap_tlog::files::TreeFiles;

use crate::checkpoints::SignedCheckpoint;
use crate::error::LedgerError;
use crate::history_view::{open_saved_history_view, HistoryView};
use crate::proof::{log_proof, signed_by_record, ProofFile};
use crate::stations_view::{open_saved_stations_view, SlotStatus, StationSheet, StationsView};
use crate::view::{open_totals_view_unopened, TotalsView, ViewRegion};

/// The totals, stations and history views of a store, all three of the log's last record.
pub struct SavedViews {
    totals: TotalsView,
    stations: StationsView,
    history: HistoryView,
}

/// The saved views of the default store at `path`, if all three are current (of the log's
/// last record as the segment file holds it); `None` otherwise.
pub fn open_saved_views(path: &Path) -> Result<Option<SavedViews>, LedgerError> {
    let Some(totals) = open_totals_view_unopened(path)? else {
        return Ok(None);
    };
    let Some(stations) = open_saved_stations_view(path)? else {
        return Ok(None);
    };
    let Some(history) = open_saved_history_view(path)? else {
        return Ok(None);
    };
    let head = stations.head();
    let same = history.head() == head
        && (totals.head_count(), totals.head_hash()) == (head.count, head.last_hash);
    Ok(same.then_some(SavedViews {
        totals,
        stations,
        history,
    }))
}

/// The proof file of `station` in `contest` up to the approval at `level`, from the saved
/// views of the store at `path` and its latest kept `checkpoint`; `None` if the views cannot
/// give exactly what the replay gives.
pub fn prove_from_views(
    path: &Path,
    contest: &str,
    station: &str,
    level: ProofLevel<'_>,
    checkpoint: &SignedCheckpoint,
) -> Option<ProofFile> {
    let views = open_saved_views(path).ok()??;
    let branch = views.prove(contest, station, level)?;
    let record = views.history.record(branch.approval.id.seq).ok()?;
    let included = log_proof_from_tree_files(path, checkpoint, &record)?;
    signed_by_record(
        branch,
        |_| Ok(Some(record.clone())),
        |_| Ok(Some(included.clone())),
    )
    .ok()
}

/// The tlog-proof of `record` in `checkpoint` from the store's tree files, if they hold the
/// checkpoint's tree (its root) with the record's hash at its place.
pub fn log_proof_from_tree_files(
    path: &Path,
    checkpoint: &SignedCheckpoint,
    record: &Record,
) -> Option<String> {
    let directory = path.join(rekap_log::tree::TREE_DIRECTORY);
    // Opening creates a missing directory: a reader writes nothing.
    if !directory.is_dir() {
        return None;
    }
    let (_, tree) = TreeFiles::open(&directory).ok()?;
    let size = checkpoint.checkpoint.size;
    let index = record.seq.checked_sub(1).filter(|index| *index < size)?;
    let holds = tree.size() >= size
        && tree.root(size).ok()? == checkpoint.checkpoint.root
        && tree.leaf(index).ok()? == rekap_tlog::leaf_hash(&record.hash);
    if !holds {
        return None;
    }
    log_proof(&tree, checkpoint, record.seq).ok()?
}

/// A region from the station's village up to the contest's scope, as both views number it.
struct Ancestor {
    /// Its number in the history view (the definition's order).
    history: u32,
    /// Its row in the totals view.
    row: ViewRegion,
    code: String,
    level: u32,
}

impl SavedViews {
    /// The branch of `station_code`'s current sheet in `contest_id` to the fresh approval at
    /// `level`, as [`rekap_projection::Projection::prove`] gives it from a replay.
    pub fn prove(
        &self,
        contest_id: &str,
        station_code: &str,
        level: ProofLevel<'_>,
    ) -> Option<Proof<ApprovedAt>> {
        let contest = self.totals.contest_by_id(contest_id)?;
        let scope = ViewRegion(self.totals.contest(contest)?.scope);
        let slots = (self.stations.contests().iter()).position(|c| c.id == contest_id)?;
        let station = self.stations.find_station(station_code).ok()??;
        let holder = self.history.station_holder(station).ok()?;
        let village = self.history.region_stations(holder).ok()?;
        if !village.contains(&station) {
            return None;
        }
        let sheets = self.stations.current_sheets(slots, village).ok()?;
        let own = sheets.iter().find(|sheet| sheet.station == station)?;
        let sheet = own.sheet.clone()?;
        let chain = self.chain(holder, scope)?;
        let top = self.top(&chain, contest, level)?;
        let approval = self.fresh_approval(&chain[top], contest, contest_id)?;
        let steps = self.steps(contest, contest_id, station_code, &sheets, &chain[..=top])?;
        Some(assemble(contest_id, station_code, &sheet, steps, approval))
    }

    /// The regions from `holder` up to `scope`, bottom first; `None` if `scope` is not
    /// above it (the station is outside the contest).
    fn chain(&self, holder: u32, scope: ViewRegion) -> Option<Vec<Ancestor>> {
        let mut chain = Vec::new();
        let mut region = Some(holder);
        while let Some(current) = region {
            if chain.len() > self.totals.levels().len() {
                return None;
            }
            let code = self.history.region_code(current).ok()?;
            let row = self.totals.find_region(&code).ok()??;
            let level = self.totals.region_level(row).ok()?;
            let reached = row == scope;
            chain.push(Ancestor {
                history: current,
                row,
                code,
                level,
            });
            if reached {
                return Some(chain);
            }
            region = self.history.region_parent(current).ok()?;
        }
        None
    }

    /// The position in `chain` of the region the proof ends at, as the replay chooses it.
    fn top(
        &self,
        chain: &[Ancestor],
        contest: rekap_model::ContestIdx,
        level: ProofLevel<'_>,
    ) -> Option<usize> {
        let levels = self.totals.levels();
        let plenary = |ancestor: &Ancestor| {
            (levels.get(ancestor.level as usize)).is_some_and(|level| level.holds_plenary)
        };
        match level {
            ProofLevel::Key(key) => {
                let index = levels.iter().position(|level| level.key == key)?;
                (chain.iter()).position(|a| plenary(a) && a.level == index as u32)
            }
            ProofLevel::Highest => (0..chain.len()).rev().find(|at| {
                plenary(&chain[*at])
                    && self
                        .totals
                        .checked_line(contest, chain[*at].row)
                        .is_ok_and(|line| !matches!(line.approval, "pending" | "none"))
            }),
        }
    }

    /// The approval of `region` if it is fresh: its last `PlenaryApproved` of the contest
    /// in the history view, whose digest is the region's line's.
    fn fresh_approval(
        &self,
        region: &Ancestor,
        contest: rekap_model::ContestIdx,
        contest_id: &str,
    ) -> Option<ApprovedAt> {
        let line = self.totals.checked_line(contest, region.row).ok()?;
        if line.approval != "approved" {
            return None;
        }
        let number = self.history.contest(contest_id)?;
        let positions = self.history.region_own_positions(region.history).ok()?;
        for position in positions.iter().rev() {
            if position.contest != Some(number) {
                continue;
            }
            let (_, event) = self.history.event(position.seq, position.index).ok()?;
            if let Event::PlenaryApproved {
                region: approved,
                contest,
                digest,
                ..
            } = event
            {
                if approved != region.code || contest != contest_id || digest != line.digest {
                    return None;
                }
                let id = EventId {
                    seq: position.seq,
                    index: position.index,
                };
                return Some(ApprovedAt {
                    region: approved,
                    digest,
                    id,
                });
            }
        }
        None
    }

    /// The steps from the village (`chain[0]`) up to the last of `chain`.
    fn steps(
        &self,
        contest: rekap_model::ContestIdx,
        contest_id: &str,
        station_code: &str,
        sheets: &[StationSheet],
        chain: &[Ancestor],
    ) -> Option<Vec<ProofStep>> {
        let village = chain.first()?;
        let (leaves, totals) = self.village_leaves(contest, contest_id, sheets, village)?;
        let mut steps = vec![step(&village.code, station_code, &leaves, &totals)];
        for pair in chain.windows(2) {
            let (child, parent) = (&pair[0], &pair[1]);
            let leaves = self.totals.child_leaves(contest, parent.row).ok()?;
            let totals = self.totals.checked_line(contest, parent.row).ok()?.totals;
            steps.push(step(&parent.code, &child.code, &leaves, &totals));
        }
        Some(steps)
    }

    /// The village's stations' leaves and its totals, computed from their sheets as the
    /// projection computes them; `None` unless they are the village's line in the totals
    /// view (its digest the root over them, its totals their sum).
    fn village_leaves(
        &self,
        contest: rekap_model::ContestIdx,
        contest_id: &str,
        sheets: &[StationSheet],
        village: &Ancestor,
    ) -> Option<VillageLeaves> {
        let entry = self.totals.contest(contest)?;
        let (pairs, vote_types) = (entry.pair_numbers.len(), entry.vote_types.len());
        // A region holding stations has no child regions (their leaves would be the ones).
        if !(self.totals.child_leaves(contest, village.row).ok()?).is_empty() {
            return None;
        }
        let mut totals = Totals::zero_typed(pairs, vote_types);
        let mut leaves = Vec::with_capacity(sheets.len());
        for station in sheets {
            let packed = station.sheet.as_ref().map(PackedSheet::pack);
            let leaf = match (station.status, packed.as_ref()) {
                (None, _) => StationLeaf::NotVoting,
                (Some(SlotStatus::Counted), Some(sheet)) => StationLeaf::Counted(sheet),
                (Some(SlotStatus::Voided), _) => StationLeaf::Voided,
                (Some(_), _) => StationLeaf::Expected,
            };
            leaf.add_to(&mut totals);
            let (own, digest) = leaf.leaf(&station.code, contest_id, pairs, vote_types);
            leaves.push((station.code.clone(), own, digest));
        }
        let hashes: Vec<Hash> = (leaves.iter())
            .map(|(code, totals, digest)| leaf_hash(code, totals, digest))
            .collect();
        let line = self.totals.checked_line(contest, village.row).ok()?;
        (root(&hashes) == line.digest && totals == line.totals).then_some((leaves, totals))
    }
}

/// A village's stations' leaves (code, totals, digest) and the village's totals.
type VillageLeaves = (Vec<(String, Totals, Hash)>, Totals);
