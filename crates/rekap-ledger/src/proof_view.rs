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
//! A refusal (no sheet, an unknown level, an approval pending or stale) is the replay's own
//! error, built from the same facts: a stale approval's "changed since" is the first sheet,
//! correction, re-vote or void of the contest under the region after it, from the history
//! view's entries of the stations under it. Whatever the views cannot answer exactly as the
//! replay would (a view missing, stale or damaged, an unknown station code, a record that
//! does not check, a label that disagrees with the log) is `None`: the caller replays.

use std::path::Path;

use rekap_log::Record;
use rekap_model::{Event, EventId, PackedSheet};
use rekap_projection::merkle::{leaf_hash, root, Hash};
use rekap_projection::proof::{
    assemble, step, ApprovedAt, Proof, ProofLevel, ProofStep, ProveError,
};
use rekap_projection::{StationLeaf, Totals};
use rekap_tlog::files::TreeFiles;

use crate::checkpoints::SignedCheckpoint;
use crate::error::LedgerError;
use crate::history_view::{open_saved_history_view, HistoryView};
use crate::proof::{log_proof, signed_by_record, ProofFile, ProveFailure};
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

/// The proof file of `station` in `contest` up to the approval at `level`, or the refusal,
/// from the saved views of the store at `path` and its latest kept `checkpoint`; `None` if
/// the views cannot give exactly what the replay gives.
pub fn prove_from_views(
    path: &Path,
    contest: &str,
    station: &str,
    level: ProofLevel<'_>,
    checkpoint: &SignedCheckpoint,
) -> Option<Result<ProofFile, ProveFailure>> {
    let views = open_saved_views(path).ok()??;
    let branch = match views.prove(contest, station, level)? {
        Ok(branch) => branch,
        Err(refusal) => return Some(Err(ProveFailure::Prove(refusal))),
    };
    let record = views.history.record(branch.approval.id.seq).ok()?;
    let included = log_proof_from_tree_files(path, checkpoint, &record)?;
    let proof = signed_by_record(
        branch,
        |_| Ok(Some(record.clone())),
        |_| Ok(Some(included.clone())),
    );
    Some(Ok(proof.ok()?))
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

/// What was asked: the contest (by the totals view's number and by id) and the station.
struct Asked<'a> {
    contest: rekap_model::ContestIdx,
    contest_id: &'a str,
    station_code: &'a str,
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

/// Where a plenary region stands, from its own entries in the history view and its line.
enum Standing {
    Pending,
    Approved(ApprovedAt),
    Stale(EventId),
}

impl SavedViews {
    /// The branch of `station_code`'s current sheet in `contest_id` to the fresh approval at
    /// `level`, or the refusal, exactly as [`rekap_projection::Projection::prove`] gives
    /// them from a replay; `None` where the views cannot tell (the replay answers).
    pub fn prove(
        &self,
        contest_id: &str,
        station_code: &str,
        level: ProofLevel<'_>,
    ) -> Option<Result<Proof<ApprovedAt>, ProveError>> {
        let Some(contest) = self.totals.contest_by_id(contest_id) else {
            return Some(Err(ProveError::UnknownContest(contest_id.to_owned())));
        };
        let scope = ViewRegion(self.totals.contest(contest)?.scope);
        let slots = (self.stations.contests().iter()).position(|c| c.id == contest_id)?;
        // An unknown code is left to the replay: the view's index leaves out a listed
        // station whose code is also a region's.
        let station = self.stations.find_station(station_code).ok()??;
        let holder = self.history.station_holder(station).ok()?;
        let village = self.history.region_stations(holder).ok()?;
        if !village.contains(&station) {
            return None;
        }
        let sheets = self.stations.current_sheets(slots, village).ok()?;
        let own = sheets.iter().find(|sheet| sheet.station == station)?;
        let Some(sheet) = own.sheet.clone() else {
            return Some(Err(ProveError::NoSheet {
                station: station_code.to_owned(),
                contest: contest_id.to_owned(),
            }));
        };
        let chain = self.chain(holder, scope)?;
        let asked = Asked {
            contest,
            contest_id,
            station_code,
        };
        let (top, standing) = match self.top(&chain, &asked, level)? {
            Ok(top) => top,
            Err(refusal) => return Some(Err(refusal)),
        };
        let region = chain[top].code.clone();
        let approval = match standing {
            Standing::Approved(approval) => approval,
            Standing::Stale(id) => {
                let since = self.since(&chain[top], contest_id, id)?;
                return Some(Err(ProveError::Stale { region, since }));
            }
            Standing::Pending => {
                let contest = contest_id.to_owned();
                return Some(Err(ProveError::NotApproved { region, contest }));
            }
        };
        let steps = self.steps(contest, contest_id, station_code, &sheets, &chain[..=top])?;
        Some(Ok(assemble(
            contest_id,
            station_code,
            &sheet,
            steps,
            approval,
        )))
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

    /// The position in `chain` of the region the proof ends at and where it stands, as the
    /// replay chooses it, or the replay's refusal of the level.
    fn top(
        &self,
        chain: &[Ancestor],
        asked: &Asked<'_>,
        level: ProofLevel<'_>,
    ) -> Option<Result<(usize, Standing), ProveError>> {
        let levels = self.totals.levels();
        let plenary = |ancestor: &Ancestor| {
            (levels.get(ancestor.level as usize)).is_some_and(|level| level.holds_plenary)
        };
        match level {
            ProofLevel::Key(key) => {
                let known: Vec<&str> = (levels.iter())
                    .filter(|level| level.holds_plenary)
                    .map(|level| level.key.as_str())
                    .collect();
                let known = known.join(", ");
                let level = key.to_owned();
                let Some(index) = levels.iter().position(|level| level.key == key) else {
                    return Some(Err(ProveError::UnknownLevel { level, known }));
                };
                if !levels[index].holds_plenary {
                    return Some(Err(ProveError::NotPlenary { level, known }));
                }
                let Some(at) = (chain.iter()).position(|a| plenary(a) && a.level == index as u32)
                else {
                    return Some(Err(ProveError::OutsideScope {
                        station: asked.station_code.to_owned(),
                        level,
                        contest: asked.contest_id.to_owned(),
                    }));
                };
                Some(Ok((at, self.standing(&chain[at], asked)?)))
            }
            ProofLevel::Highest => {
                for at in (0..chain.len()).rev().filter(|at| plenary(&chain[*at])) {
                    match self.standing(&chain[at], asked)? {
                        Standing::Pending => continue,
                        standing => return Some(Ok((at, standing))),
                    }
                }
                Some(Err(ProveError::NothingApproved {
                    station: asked.station_code.to_owned(),
                    contest: asked.contest_id.to_owned(),
                }))
            }
        }
    }

    /// Where `region` stands: its last `PlenaryApproved` of the contest among its own
    /// entries in the history view, fresh if its digest is the region's line's (checked
    /// against the digests above it). `None` if the line's label says otherwise.
    fn standing(&self, region: &Ancestor, asked: &Asked<'_>) -> Option<Standing> {
        let line = self.totals.checked_line(asked.contest, region.row).ok()?;
        let standing = match self.latest_approval(region, asked.contest_id)? {
            None => Standing::Pending,
            Some(approval) if approval.digest == line.digest => Standing::Approved(approval),
            Some(approval) => Standing::Stale(approval.id),
        };
        let label = match standing {
            Standing::Pending => "pending",
            Standing::Approved(_) => "approved",
            Standing::Stale(_) => "stale",
        };
        (line.approval == label).then_some(standing)
    }

    /// The last approval of `region` for the contest in the history view, if any.
    fn latest_approval(&self, region: &Ancestor, contest_id: &str) -> Option<Option<ApprovedAt>> {
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
                if approved != region.code || contest != contest_id {
                    return None;
                }
                let id = EventId {
                    seq: position.seq,
                    index: position.index,
                };
                return Some(Some(ApprovedAt {
                    region: approved,
                    digest,
                    id,
                }));
            }
        }
        Some(None)
    }

    /// The record of the first sheet, correction, re-vote or void of the contest at a
    /// station under `region` after `approval` (0 if none): what a stale approval's
    /// refusal names, as the projection finds it among the state's station entries.
    fn since(&self, region: &Ancestor, contest_id: &str, approval: EventId) -> Option<u64> {
        let number = self.history.contest(contest_id)?;
        let mut after: Vec<(u64, u32)> = (self.history.stations_positions(region.history).ok()?)
            .into_iter()
            .filter(|position| position.contest == Some(number))
            .map(|position| (position.seq, position.index))
            .filter(|at| *at > (approval.seq, approval.index))
            .collect();
        after.sort_unstable();
        for (seq, index) in after {
            let (_, event) = self.history.event(seq, index).ok()?;
            let entry = matches!(
                event,
                Event::SheetSubmitted { .. }
                    | Event::SheetCorrected { .. }
                    | Event::RevoteRecorded { .. }
                    | Event::StationVoided { .. }
            );
            if entry {
                return Some(seq);
            }
        }
        Some(0)
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
