//! Inclusion proofs: one station's sheet, up through every level, to the contest's final
//! approval. A witness holding the photo of one station's sheet checks, with nothing but
//! the proof and the approval's digest, that exactly those numbers are inside the total.

use rekap_model::{
    event::EventId,
    regions::{Place, RegionIdx, StationId},
    sheet::{sheet_hash, PackedSheet, TallySheet},
    ContestIdx, State,
};
use serde::{Deserialize, Serialize};

use crate::merkle::{self, audit_path, leaf_hash, root_from_path, Hash, HexHash};
use crate::projection::{ApprovalState, Projection};
use crate::totals::Totals;

pub const PROOF_FORMAT: &str = "rekap-proof/1";

/// The sheet's numbers as a person reads them; checked against the exact bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetNumbers {
    pub votes: Vec<u32>,
    pub valid: u32,
    pub invalid: u32,
    pub registered: u64,
    pub voted: u64,
}

impl SheetNumbers {
    fn of(sheet: &TallySheet) -> SheetNumbers {
        SheetNumbers {
            votes: sheet.votes.clone(),
            valid: sheet.valid,
            invalid: sheet.invalid,
            registered: sheet.registered_total(),
            voted: sheet.voted_total(),
        }
    }
}

/// One level of the proof: the digest of `region` is the root over its children, of which
/// the level below is child number `index` of `size`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofStep {
    pub region: String,
    pub index: u64,
    pub size: u64,
    pub path: Vec<HexHash>,
    /// The region's totals: part of its leaf one level up.
    pub totals: ProofTotals,
}

/// [`Totals`] in a form that deserializes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofTotals {
    pub votes: Vec<u64>,
    pub valid: u64,
    pub invalid: u64,
    pub registered: u64,
    pub voted: u64,
    pub stations_reported: u32,
    pub stations_voided: u32,
    pub stations_expected: u32,
}

impl From<&Totals> for ProofTotals {
    fn from(totals: &Totals) -> Self {
        ProofTotals {
            votes: totals.votes.clone(),
            valid: totals.valid,
            invalid: totals.invalid,
            registered: totals.registered,
            voted: totals.voted,
            stations_reported: totals.stations_reported,
            stations_voided: totals.stations_voided,
            stations_expected: totals.stations_expected,
        }
    }
}

impl From<&ProofTotals> for Totals {
    fn from(totals: &ProofTotals) -> Self {
        Totals {
            votes: totals.votes.clone(),
            valid: totals.valid,
            invalid: totals.invalid,
            registered: totals.registered,
            voted: totals.voted,
            stations_reported: totals.stations_reported,
            stations_voided: totals.stations_voided,
            stations_expected: totals.stations_expected,
        }
    }
}

/// The approval the proof ends at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofApproval {
    pub region: String,
    pub digest: HexHash,
    /// Where the approval is in the log: record seq and index in its payload.
    pub seq: u64,
    pub index: u32,
}

/// A station-to-approval inclusion proof (JSON file of `rekap prove`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proof {
    pub format: String,
    pub contest: String,
    pub station: String,
    pub sheet: SheetNumbers,
    /// The sheet's canonical bytes (hex), which the sheet hash is computed over.
    pub sheet_bytes: String,
    /// From the station's village up to the contest's final region.
    pub steps: Vec<ProofStep>,
    pub approval: ProofApproval,
}

/// Why a proof cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProveError {
    #[error("unknown contest {0}")]
    UnknownContest(String),
    #[error("unknown station {0}")]
    UnknownStation(String),
    #[error("station {station} has no counting sheet for {contest}")]
    NoSheet { station: String, contest: String },
    #[error("the final region {region} is not approved for {contest} yet")]
    NotApproved { region: String, contest: String },
    #[error("the final approval of {region} is stale (changed since record {since})")]
    Stale { region: String, since: u64 },
}

/// Why a proof does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofFailure {
    #[error("not a rekap proof (format {0:?})")]
    Format(String),
    #[error("sheet bytes are not a tally sheet: {0}")]
    SheetBytes(String),
    #[error("the numbers shown differ from the sheet bytes")]
    NumbersDiffer,
    #[error("the proof has no steps")]
    NoSteps,
    #[error("step {step} ({region}): the path does not fit index {index} of {size}")]
    PathShape {
        step: usize,
        region: String,
        index: u64,
        size: u64,
    },
    #[error("the last step is region {found}, but the approval is of {approved}")]
    WrongTop { found: String, approved: String },
    #[error("the proof computes digest {computed} but the approval's digest is {expected}")]
    DigestMismatch { computed: String, expected: String },
}

impl Projection {
    /// A proof that `station`'s current sheet for `contest_id` is inside the contest's
    /// final, fresh approval.
    pub fn prove(
        &self,
        state: &State,
        contest_id: &str,
        station_code: &str,
    ) -> Result<Proof, ProveError> {
        let election = state.election();
        let contest = election
            .contest_by_id(contest_id)
            .ok_or_else(|| ProveError::UnknownContest(contest_id.to_owned()))?;
        let station = election
            .find_station(station_code)
            .ok_or_else(|| ProveError::UnknownStation(station_code.to_owned()))?;
        let sheet = state
            .current_sheet(station, contest)
            .map(|(_, sheet)| sheet.unpack())
            .ok_or_else(|| ProveError::NoSheet {
                station: station_code.to_owned(),
                contest: contest_id.to_owned(),
            })?;
        let top = election
            .contest_scope(contest)
            .ok_or_else(|| ProveError::UnknownContest(contest_id.to_owned()))?;
        let approval = self.final_approval(state, contest, top, contest_id)?;
        let steps = self.steps(state, contest, station, top);
        Ok(Proof {
            format: PROOF_FORMAT.to_owned(),
            contest: contest_id.to_owned(),
            station: station_code.to_owned(),
            sheet: SheetNumbers::of(&sheet),
            sheet_bytes: hex::encode(encode(&sheet)),
            steps,
            approval,
        })
    }

    fn final_approval(
        &self,
        state: &State,
        contest: ContestIdx,
        top: RegionIdx,
        contest_id: &str,
    ) -> Result<ProofApproval, ProveError> {
        let region = state
            .election()
            .region_code(top)
            .unwrap_or_default()
            .to_owned();
        match self.approval_state(state, contest, top) {
            ApprovalState::Approved { id, digest } => Ok(approval_of(region, id, digest)),
            ApprovalState::Stale { since, .. } => Err(ProveError::Stale {
                region,
                since: since.map_or(0, |id| id.seq),
            }),
            ApprovalState::Pending | ApprovalState::NotPlenary => Err(ProveError::NotApproved {
                region,
                contest: contest_id.to_owned(),
            }),
        }
    }

    /// The steps from the station's holder up to `top`.
    fn steps(
        &self,
        state: &State,
        contest: ContestIdx,
        station: StationId,
        top: RegionIdx,
    ) -> Vec<ProofStep> {
        let election = state.election();
        let tree = election.tree();
        let mut steps = Vec::new();
        let mut child = Place::Station(station);
        while let Some(parent) = tree.place_parent(child) {
            let leaves = self.child_leaves(state, contest, parent);
            let child_code = election.place_code(child);
            let index = leaves
                .iter()
                .position(|(code, _, _)| *code == child_code)
                .unwrap_or(0);
            let hashes: Vec<Hash> = leaves
                .iter()
                .map(|(code, totals, digest)| leaf_hash(code, totals, digest))
                .collect();
            steps.push(ProofStep {
                region: election.region_code(parent).unwrap_or_default().to_owned(),
                index: index as u64,
                size: hashes.len() as u64,
                path: audit_path(&hashes, index)
                    .into_iter()
                    .map(HexHash)
                    .collect(),
                totals: ProofTotals::from(&self.totals(state, contest, parent)),
            });
            if parent == top {
                break;
            }
            child = Place::Region(parent);
        }
        steps
    }
}

fn approval_of(region: String, id: EventId, digest: Hash) -> ProofApproval {
    ProofApproval {
        region,
        digest: HexHash(digest),
        seq: id.seq,
        index: id.index,
    }
}

impl Proof {
    /// Verifies the proof against `expected_digest` (the published digest of the final
    /// approval; the proof's own `approval.digest` when the caller has none). Returns the
    /// sheet's numbers on success.
    pub fn verify(&self, expected_digest: &Hash) -> Result<&SheetNumbers, ProofFailure> {
        if self.format != PROOF_FORMAT {
            return Err(ProofFailure::Format(self.format.clone()));
        }
        let sheet = self.decoded_sheet()?;
        let pairs = sheet.votes.len();
        let station_totals = Totals::of_sheet(&PackedSheet::pack(&sheet), pairs);
        let station_digest = sheet_hash(&self.station, &self.contest, &sheet);
        let mut leaf = leaf_hash(&self.station, &station_totals, &station_digest);
        let mut computed = None;
        for (number, step) in self.steps.iter().enumerate() {
            let path: Vec<Hash> = step.path.iter().map(|hash| hash.0).collect();
            let root = root_from_path(leaf, step.index, step.size, &path).ok_or_else(|| {
                ProofFailure::PathShape {
                    step: number,
                    region: step.region.clone(),
                    index: step.index,
                    size: step.size,
                }
            })?;
            leaf = merkle::leaf_hash(&step.region, &Totals::from(&step.totals), &root);
            computed = Some((step.region.clone(), root));
        }
        let (top, root) = computed.ok_or(ProofFailure::NoSteps)?;
        if top != self.approval.region {
            return Err(ProofFailure::WrongTop {
                found: top,
                approved: self.approval.region.clone(),
            });
        }
        if root != *expected_digest {
            return Err(ProofFailure::DigestMismatch {
                computed: hex::encode(root),
                expected: hex::encode(expected_digest),
            });
        }
        Ok(&self.sheet)
    }

    fn decoded_sheet(&self) -> Result<TallySheet, ProofFailure> {
        let bytes = hex::decode(&self.sheet_bytes)
            .map_err(|error| ProofFailure::SheetBytes(error.to_string()))?;
        let (sheet, read): (TallySheet, usize) =
            bincode::decode_from_slice(&bytes, rekap_model::canonical())
                .map_err(|error| ProofFailure::SheetBytes(error.to_string()))?;
        if read != bytes.len() {
            return Err(ProofFailure::SheetBytes("trailing bytes".into()));
        }
        if SheetNumbers::of(&sheet) != self.sheet {
            return Err(ProofFailure::NumbersDiffer);
        }
        Ok(sheet)
    }
}

fn encode(sheet: &TallySheet) -> Vec<u8> {
    bincode::encode_to_vec(sheet, rekap_model::canonical()).unwrap_or_default()
}
