//! Inclusion proofs: one station's sheet, up through every level, to a plenary approval (of
//! the district, the regency, the province: any plenary level at or below the contest's
//! scope). A witness holding the photo of one station's sheet checks, with nothing but the
//! proof, that exactly those numbers are inside the approved digest.
//!
//! Every field is bound (docs/FORMAT.md, "Proof file"): each step lists every child of its
//! region, so the verifier recomputes the region's digest (the Merkle root over all its
//! children) and its totals (their sum) instead of reading them. An RFC 6962 audit path
//! would be shorter but binds neither the number of children nor the region's own totals:
//! leaf 0 of 3 and leaf 0 of 4 fold the same path the same way, and a path never shows
//! the siblings' totals the region's totals are the sum of.
//!
//! This module proves the branch: sheet to the approved digest. What the approval itself
//! is (the signed log record that holds it) is the `approval` part, generic here and
//! filled in and checked by `rekap-ledger`, which knows the log.

use rekap_model::{
    event::EventId,
    limits::MAX_PAIRS,
    regions::{Place, RegionIdx, StationId},
    sheet::{sheet_hash, PackedSheet, TallySheet},
    ContestIdx, State,
};
use serde::{Deserialize, Serialize};

use crate::merkle::{leaf_hash, root, Hash, HexHash};
use crate::projection::{ApprovalState, Projection};
use crate::totals::Totals;

pub const PROOF_FORMAT: &str = "rekap-proof/4";

/// The sheet's numbers as a person reads them; checked against the exact bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SheetNumbers {
    pub votes: Vec<u32>,
    pub valid: u32,
    /// null when the sheet gives no invalid count.
    pub invalid: Option<u32>,
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

/// [`Totals`] in a form that deserializes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProofTotals {
    pub votes: Vec<u64>,
    pub valid: u64,
    pub invalid: u64,
    pub registered: u64,
    pub voted: u64,
    pub stations_reported: u32,
    pub stations_voided: u32,
    pub stations_expected: u32,
    /// Only for a contest with vote types (absent otherwise, as in `rekap-proof/2`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub votes_by_type: Vec<u64>,
    /// Stations whose sheet gives no invalid count (new in `rekap-proof/4`).
    pub stations_without_invalid: u32,
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
            votes_by_type: totals.votes_by_type.clone(),
            stations_without_invalid: totals.stations_without_invalid,
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
            votes_by_type: totals.votes_by_type.clone(),
            stations_without_invalid: totals.stations_without_invalid,
        }
    }
}

/// One child of a region: exactly the three parts of its Merkle leaf.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProofLeaf {
    pub code: String,
    pub totals: ProofTotals,
    pub digest: HexHash,
}

/// One level of the proof: `region`'s children are `siblings` with the level below
/// inserted at `index`, `size` in all. The region's digest is the root over them and its
/// `totals` their sum: both recomputed by the verifier.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProofStep {
    pub region: String,
    pub index: u64,
    pub size: u64,
    pub totals: ProofTotals,
    /// Every other child of `region`, in code order.
    pub siblings: Vec<ProofLeaf>,
}

/// A station-to-approval inclusion proof: the JSON file of `rekap prove` with `A` the
/// approval part (`rekap-ledger`'s signed record); [`ApprovedAt`] as the projection knows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Proof<A> {
    pub format: String,
    pub contest: String,
    pub station: String,
    pub sheet: SheetNumbers,
    /// The sheet's canonical bytes (hex), which the sheet hash is computed over.
    pub sheet_bytes: String,
    /// From the station's village up to the approved region.
    pub steps: Vec<ProofStep>,
    pub approval: A,
}

/// The approval a proof ends at, as the projection knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApprovedAt {
    pub region: String,
    pub digest: Hash,
    /// The `PlenaryApproved` event: record seq and index in its payload.
    pub id: EventId,
}

/// What a verified branch computes: the approved region, its digest and totals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BranchEnd {
    pub region: String,
    pub digest: Hash,
    pub totals: Totals,
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
    #[error("unknown level {level} (the definition's plenary levels: {known})")]
    UnknownLevel { level: String, known: String },
    #[error("level {level} holds no plenary; a proof ends at a plenary approval ({known})")]
    NotPlenary { level: String, known: String },
    #[error("station {station} has no region at level {level} inside the scope of {contest}")]
    OutsideScope {
        station: String,
        level: String,
        contest: String,
    },
    #[error("{region} has not approved {contest} yet")]
    NotApproved { region: String, contest: String },
    #[error("no plenary above station {station} has approved {contest} yet")]
    NothingApproved { station: String, contest: String },
    #[error("the approval of {region} is stale (changed since record {since})")]
    Stale { region: String, since: u64 },
}

/// Why a proof's branch does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofFailure {
    #[error("not a rekap proof (format {0:?}, expected {PROOF_FORMAT:?})")]
    Format(String),
    #[error("sheet bytes are not a tally sheet: {0}")]
    SheetBytes(String),
    #[error("the sheet numbers shown differ from the sheet bytes")]
    NumbersDiffer,
    #[error("the proof has no steps")]
    NoSteps,
    #[error(
        "step {step} ({region}): index {index} of size {size} does not fit {siblings} siblings"
    )]
    Shape {
        step: usize,
        region: String,
        index: u64,
        size: u64,
        siblings: usize,
    },
    #[error("step {step} ({region}): the totals shown are not the sum of its children")]
    TotalsDiffer { step: usize, region: String },
    #[error("step {step} ({region}): the children's totals overflow")]
    Overflow { step: usize, region: String },
}

/// Which approval a proof ends at: a level key of the definition, or the highest plenary
/// level whose region above the station has approved the contest.
#[derive(Clone, Copy, Debug)]
pub enum ProofLevel<'a> {
    Highest,
    Key(&'a str),
}

impl Projection {
    /// A proof that `station`'s current sheet for `contest_id` is inside the fresh approval
    /// of its ancestor region at `level`.
    pub fn prove(
        &self,
        state: &State,
        contest_id: &str,
        station_code: &str,
        level: ProofLevel<'_>,
    ) -> Result<Proof<ApprovedAt>, ProveError> {
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
        let top = self.proof_top(state, contest, contest_id, station, station_code, level)?;
        let approval = self.fresh_approval(state, contest, top, contest_id)?;
        let steps = self.steps(state, contest, station, top);
        Ok(assemble(contest_id, station_code, &sheet, steps, approval))
    }

    /// The region the proof ends at.
    fn proof_top(
        &self,
        state: &State,
        contest: ContestIdx,
        contest_id: &str,
        station: StationId,
        station_code: &str,
        level: ProofLevel<'_>,
    ) -> Result<RegionIdx, ProveError> {
        let election = state.election();
        let plenaries = plenary_ancestors(state, contest, station);
        match level {
            ProofLevel::Key(key) => {
                let known = plenary_level_keys(state);
                let index = election
                    .levels()
                    .iter()
                    .position(|level| level.key == key)
                    .ok_or_else(|| ProveError::UnknownLevel {
                        level: key.to_owned(),
                        known: known.clone(),
                    })?;
                if !election.levels()[index].holds_plenary {
                    return Err(ProveError::NotPlenary {
                        level: key.to_owned(),
                        known,
                    });
                }
                plenaries
                    .into_iter()
                    .find(|region| election.tree().level(*region) == Some(index as u32))
                    .ok_or_else(|| ProveError::OutsideScope {
                        station: station_code.to_owned(),
                        level: key.to_owned(),
                        contest: contest_id.to_owned(),
                    })
            }
            ProofLevel::Highest => plenaries
                .into_iter()
                .rev()
                .find(|region| {
                    !matches!(
                        self.approval_state(state, contest, *region),
                        ApprovalState::Pending | ApprovalState::NotPlenary
                    )
                })
                .ok_or_else(|| ProveError::NothingApproved {
                    station: station_code.to_owned(),
                    contest: contest_id.to_owned(),
                }),
        }
    }

    fn fresh_approval(
        &self,
        state: &State,
        contest: ContestIdx,
        top: RegionIdx,
        contest_id: &str,
    ) -> Result<ApprovedAt, ProveError> {
        let region = state
            .election()
            .region_code(top)
            .unwrap_or_default()
            .to_owned();
        match self.approval_state(state, contest, top) {
            ApprovalState::Approved { id, digest } => Ok(ApprovedAt { region, digest, id }),
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
            let child_code = election.place_code(child);
            let leaves = self.child_leaves(state, contest, parent);
            let region = election.region_code(parent).unwrap_or_default();
            let totals = self.totals(state, contest, parent);
            steps.push(step(region, &child_code, &leaves, &totals));
            if parent == top {
                break;
            }
            child = Place::Region(parent);
        }
        steps
    }
}

/// A proof of `station_code`'s current `sheet` in `contest_id` through `steps` to
/// `approval`: the one way a proof is put together, from a replay or from the saved views.
pub fn assemble(
    contest_id: &str,
    station_code: &str,
    sheet: &TallySheet,
    steps: Vec<ProofStep>,
    approval: ApprovedAt,
) -> Proof<ApprovedAt> {
    Proof {
        format: PROOF_FORMAT.to_owned(),
        contest: contest_id.to_owned(),
        station: station_code.to_owned(),
        sheet: SheetNumbers::of(sheet),
        sheet_bytes: hex::encode(rekap_model::encoding::encode(sheet)),
        steps,
        approval,
    }
}

/// The step of `region` (whose totals are `totals`) from its child `child_code`, with every
/// child's leaf (code, totals, digest) in code order: the child's position and its siblings.
pub fn step(
    region: &str,
    child_code: &str,
    leaves: &[(String, Totals, Hash)],
    totals: &Totals,
) -> ProofStep {
    let mut siblings: Vec<ProofLeaf> = leaves
        .iter()
        .map(|(code, totals, digest)| ProofLeaf {
            code: code.clone(),
            totals: ProofTotals::from(totals),
            digest: HexHash(*digest),
        })
        .collect();
    let size = siblings.len() as u64;
    let index = siblings
        .iter()
        .position(|leaf| leaf.code == child_code)
        .unwrap_or(0);
    if index < siblings.len() {
        siblings.remove(index);
    }
    ProofStep {
        region: region.to_owned(),
        index: index as u64,
        size,
        totals: ProofTotals::from(totals),
        siblings,
    }
}

/// The regions at plenary levels above `station`, bottom first, up to the contest's scope.
fn plenary_ancestors(state: &State, contest: ContestIdx, station: StationId) -> Vec<RegionIdx> {
    let election = state.election();
    let tree = election.tree();
    let scope = election.contest_scope(contest);
    let mut found = Vec::new();
    let mut region = tree.place_parent(Place::Station(station));
    while let Some(current) = region {
        let plenary = tree
            .level(current)
            .and_then(|level| election.level(level))
            .is_some_and(|level| level.holds_plenary);
        if plenary {
            found.push(current);
        }
        if Some(current) == scope {
            return found;
        }
        region = tree.parent(current);
    }
    // The station is not under the contest's scope: no approval of the contest covers it.
    Vec::new()
}

fn plenary_level_keys(state: &State) -> String {
    let keys: Vec<&str> = state
        .election()
        .levels()
        .iter()
        .filter(|level| level.holds_plenary)
        .map(|level| level.key.as_str())
        .collect();
    keys.join(", ")
}

impl<A> Proof<A> {
    /// Verifies the branch from the sheet bytes to the last step's region: recomputes every
    /// leaf, every region digest and every region's totals, and checks every number shown
    /// against what it recomputed. Returns the approved region, digest and totals; the
    /// caller checks them against the approval.
    pub fn verify_branch(&self) -> Result<BranchEnd, ProofFailure> {
        if self.format != PROOF_FORMAT {
            return Err(ProofFailure::Format(self.format.clone()));
        }
        let sheet = self.decoded_sheet()?;
        let pairs = sheet.votes.len();
        let mut child = ProofLeaf {
            code: self.station.clone(),
            totals: ProofTotals::from(&Totals::of_sheet(&PackedSheet::pack(&sheet), pairs)),
            digest: HexHash(sheet_hash(&self.station, &self.contest, &sheet)),
        };
        let mut end = None;
        for (number, step) in self.steps.iter().enumerate() {
            let children = children_of(number, step, child)?;
            let hashes: Vec<Hash> = children
                .iter()
                .map(|leaf| leaf_hash(&leaf.code, &Totals::from(&leaf.totals), &leaf.digest.0))
                .collect();
            let digest = root(&hashes);
            let totals = sum(pairs, &children).ok_or_else(|| ProofFailure::Overflow {
                step: number,
                region: step.region.clone(),
            })?;
            if ProofTotals::from(&totals) != step.totals {
                return Err(ProofFailure::TotalsDiffer {
                    step: number,
                    region: step.region.clone(),
                });
            }
            child = ProofLeaf {
                code: step.region.clone(),
                totals: step.totals.clone(),
                digest: HexHash(digest),
            };
            end = Some(BranchEnd {
                region: step.region.clone(),
                digest,
                totals,
            });
        }
        end.ok_or(ProofFailure::NoSteps)
    }

    fn decoded_sheet(&self) -> Result<TallySheet, ProofFailure> {
        let bytes = hex::decode(&self.sheet_bytes)
            .map_err(|error| ProofFailure::SheetBytes(error.to_string()))?;
        if hex::encode(&bytes) != self.sheet_bytes {
            return Err(ProofFailure::SheetBytes("not lowercase hex".into()));
        }
        let (sheet, read): (TallySheet, usize) =
            bincode::decode_from_slice(&bytes, rekap_model::canonical()).map_err(|error| {
                ProofFailure::SheetBytes(rekap_model::decode_error_text(&error))
            })?;
        if read != bytes.len() {
            return Err(ProofFailure::SheetBytes("trailing bytes".into()));
        }
        if sheet.votes.len() > MAX_PAIRS {
            return Err(ProofFailure::SheetBytes(format!(
                "{} pairs, more than {MAX_PAIRS}",
                sheet.votes.len()
            )));
        }
        if SheetNumbers::of(&sheet) != self.sheet {
            return Err(ProofFailure::NumbersDiffer);
        }
        Ok(sheet)
    }
}

/// The children of a step's region: its siblings with `child` at `index`.
fn children_of(
    number: usize,
    step: &ProofStep,
    child: ProofLeaf,
) -> Result<Vec<ProofLeaf>, ProofFailure> {
    let shape = || ProofFailure::Shape {
        step: number,
        region: step.region.clone(),
        index: step.index,
        size: step.size,
        siblings: step.siblings.len(),
    };
    let count = step.siblings.len() as u64;
    if step.size != count + 1 || step.index > count {
        return Err(shape());
    }
    let mut children = step.siblings.clone();
    children.insert(step.index as usize, child);
    Ok(children)
}

/// The sum of the children's totals, as the projection adds them (from zero votes for
/// `pairs` pairs); `None` on overflow, which no real election reaches.
fn sum(pairs: usize, children: &[ProofLeaf]) -> Option<Totals> {
    let mut total = Totals::zero(pairs);
    for leaf in children {
        let other = &leaf.totals;
        if total.votes.len() < other.votes.len() {
            total.votes.resize(other.votes.len(), 0);
        }
        for (sum, votes) in total.votes.iter_mut().zip(&other.votes) {
            *sum = sum.checked_add(*votes)?;
        }
        if total.votes_by_type.len() < other.votes_by_type.len() {
            total.votes_by_type.resize(other.votes_by_type.len(), 0);
        }
        for (sum, votes) in total.votes_by_type.iter_mut().zip(&other.votes_by_type) {
            *sum = sum.checked_add(*votes)?;
        }
        total.valid = total.valid.checked_add(other.valid)?;
        total.invalid = total.invalid.checked_add(other.invalid)?;
        total.registered = total.registered.checked_add(other.registered)?;
        total.voted = total.voted.checked_add(other.voted)?;
        total.stations_reported = total
            .stations_reported
            .checked_add(other.stations_reported)?;
        total.stations_voided = total.stations_voided.checked_add(other.stations_voided)?;
        total.stations_expected = total
            .stations_expected
            .checked_add(other.stations_expected)?;
        total.stations_without_invalid = total
            .stations_without_invalid
            .checked_add(other.stations_without_invalid)?;
    }
    Some(total)
}
