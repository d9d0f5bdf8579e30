//! Totals snapshots: every region's totals and approval label, saved with the log position
//! and head hash they were computed at, so that `rekap totals` on a national store answers
//! without replaying the log. A snapshot whose head differs from the log's is ignored (and
//! replaced after the next replay); it is derived state, never a source of truth.

use bincode::{Decode, Encode};
use rekap_log::{Head, Log, Storage};
use rekap_model::{decode_payload, ContestIdx, Election, Payload, RegionIdx};
use rekap_projection::{RegionReport, Totals};

use crate::error::LedgerError;
use crate::ledger::Ledger;

/// Key of the snapshot in the store's derived state.
pub const SNAPSHOT_KEY: &str = "totals-snapshot/1";

/// Labels of [`rekap_projection::ApprovalState::label`], in a fixed order.
const APPROVAL_LABELS: [&str; 4] = ["none", "pending", "approved", "stale"];

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct RegionLine {
    pub totals: Totals,
    /// Index into the approval labels: none, pending, approved, stale.
    pub approval: u8,
    pub open_objections: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct TotalsSnapshot {
    pub head_count: u64,
    pub head_hash: [u8; 32],
    pub projection_digest: [u8; 32],
    /// Per contest, per region index.
    pub contests: Vec<Vec<RegionLine>>,
}

/// A snapshot that matches the log, with the election it describes.
pub struct SnapshotView {
    pub election: Election,
    pub snapshot: TotalsSnapshot,
    pub head: Head,
}

impl SnapshotView {
    /// The line of a region, as the projection would report it.
    pub fn region_report(&self, contest: ContestIdx, region: RegionIdx) -> Option<RegionReport> {
        let line = self
            .snapshot
            .contests
            .get(contest.0 as usize)?
            .get(region.0 as usize)?;
        let entry = self.election.region_entry(region)?;
        let level = self.election.tree().level(region)?;
        Some(RegionReport {
            code: entry.code.clone(),
            name: entry.name.clone(),
            level: self.election.level_key(level).to_owned(),
            totals: line.totals.clone(),
            approval: APPROVAL_LABELS
                .get(line.approval as usize)
                .copied()
                .unwrap_or("none"),
            open_objections: line.open_objections as usize,
        })
    }
}

impl<S: Storage> Ledger<S> {
    /// Computes and saves the totals snapshot of the current head (nothing for a ledger
    /// replayed only up to an earlier record).
    pub fn save_snapshot(&mut self) -> Result<(), LedgerError> {
        if self.state().last_seq() != self.head().count {
            return Ok(());
        }
        let snapshot = self.snapshot();
        let bytes = bincode::encode_to_vec(&snapshot, rekap_model::canonical()).unwrap_or_default();
        self.log_mut()
            .storage_mut()
            .put_derived(SNAPSHOT_KEY, &bytes)?;
        Ok(())
    }

    fn snapshot(&self) -> TotalsSnapshot {
        let state = self.state();
        let projection = self.projection();
        let election = state.election();
        let regions = election.tree().region_count();
        let contests = (0..election.contests().len() as u32)
            .map(|contest| {
                let contest = ContestIdx(contest);
                (0..regions)
                    .map(|region| {
                        let report = projection.region_report(state, contest, RegionIdx(region));
                        RegionLine {
                            approval: APPROVAL_LABELS
                                .iter()
                                .position(|label| *label == report.approval)
                                .unwrap_or(0) as u8,
                            open_objections: report.open_objections as u32,
                            totals: report.totals,
                        }
                    })
                    .collect()
            })
            .collect();
        TotalsSnapshot {
            head_count: self.head().count,
            head_hash: self.head().last_hash,
            projection_digest: projection.projection_digest(state),
            contests,
        }
    }
}

/// The saved snapshot, if it matches the log's head. Reads only the genesis record and
/// the snapshot: no replay.
pub fn read_snapshot<S: Storage>(log: &Log<S>) -> Result<Option<SnapshotView>, LedgerError> {
    let Some(bytes) = log.storage().get_derived(SNAPSHOT_KEY)? else {
        return Ok(None);
    };
    let decoded = bincode::decode_from_slice::<TotalsSnapshot, _>(&bytes, rekap_model::canonical());
    let Ok((snapshot, _)) = decoded else {
        return Ok(None);
    };
    let head = log.head();
    if snapshot.head_count != head.count || snapshot.head_hash != head.last_hash {
        return Ok(None);
    }
    let record = log.read(1)?.ok_or(LedgerError::Empty)?;
    let payload = decode_payload(&record.payload)
        .map_err(|error| LedgerError::Undecodable { seq: 1, error })?;
    let Payload::Genesis(definition) = payload else {
        return Err(LedgerError::NoGenesis);
    };
    let Ok(election) = Election::new(definition) else {
        return Err(LedgerError::NoGenesis);
    };
    Ok(Some(SnapshotView {
        election,
        snapshot,
        head,
    }))
}

/// The projection digest a store's saved snapshot claims, if the snapshot is for the log's
/// head (the audit compares it with the digest it recomputes).
pub fn read_snapshot_digest<S: Storage>(log: &Log<S>) -> Result<Option<[u8; 32]>, LedgerError> {
    let Some(bytes) = log.storage().get_derived(SNAPSHOT_KEY)? else {
        return Ok(None);
    };
    let decoded = bincode::decode_from_slice::<TotalsSnapshot, _>(&bytes, rekap_model::canonical());
    let Ok((snapshot, _)) = decoded else {
        return Ok(None);
    };
    let head = log.head();
    let current = snapshot.head_count == head.count && snapshot.head_hash == head.last_hash;
    Ok(current.then_some(snapshot.projection_digest))
}
