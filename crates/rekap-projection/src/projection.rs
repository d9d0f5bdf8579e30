//! The projection: every contest's totals, digests and approval states, derived from the
//! model's state. See the crate docs.

use std::cell::{Cell, RefCell};

use rekap_model::{
    event::{Envelope, EventId, Payload},
    regions::{Place, RegionIdx, StationId},
    ApprovalCheck, ApprovalCheckFailure, Change, ContestIdx, Effect, Flag, PayloadRefusal,
    PreparedPayload, State, StationStatus,
};
use serde::Serialize;

use crate::contest_cache::ContestCache;
use crate::merkle::Hash;
use crate::totals::Totals;

/// Domain of the projection digest.
pub const PROJECTION_DOMAIN: &[u8] = b"rekap/v1/projection";

/// Where a region stands in the plenary ladder for one contest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApprovalState {
    /// The region's level holds no plenaries.
    NotPlenary,
    /// No approval yet.
    Pending,
    /// Approved, and the approved digest is still the region's digest.
    Approved { id: EventId, digest: Hash },
    /// Approved, but something under the region changed since; `since` is the first entry
    /// (sheet, correction, void, re-vote) under the region after the approval.
    Stale {
        id: EventId,
        digest: Hash,
        since: Option<EventId>,
    },
}

impl ApprovalState {
    /// "approved", "stale", "pending" or "none" (levels without plenaries).
    pub fn label(&self) -> &'static str {
        match self {
            ApprovalState::NotPlenary => "none",
            ApprovalState::Pending => "pending",
            ApprovalState::Approved { .. } => "approved",
            ApprovalState::Stale { .. } => "stale",
        }
    }
}

/// One region's line in a totals table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RegionReport {
    pub code: String,
    pub name: String,
    pub level: String,
    pub totals: Totals,
    pub approval: &'static str,
    pub open_objections: usize,
}

/// Totals, digests and approval states of every contest. Exact for the state it was last
/// synced with; use [`Projection::execute_payload`] to run payloads so that it stays so.
/// Below this many regions holding stations per thread, computing them in parallel does
/// not pay for starting the threads.
const MINIMUM_REGIONS_PER_THREAD: usize = 256;

pub struct Projection {
    caches: RefCell<Vec<ContestCache>>,
    /// State entries (sheet history) already reflected in the caches.
    synced_entries: Cell<usize>,
    /// Entries of a payload still running that an approval check has looked at; recomputed
    /// again when the payload commits or rolls back.
    provisional: RefCell<Vec<(StationId, ContestIdx)>>,
    provisional_until: Cell<usize>,
    /// Soft-rule flags raised by accepted sheets, in log order.
    flags: Vec<RaisedFlag>,
}

/// A soft-rule flag raised by an accepted sheet: listed by status and audit, not a failure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RaisedFlag {
    pub id: EventId,
    pub station: StationId,
    pub contest: ContestIdx,
    pub flag: Flag,
}

impl Projection {
    /// A projection of `state` (nothing is computed until asked).
    pub fn new(state: &State) -> Projection {
        let election = state.election();
        let caches = (0..election.contests().len() as u32)
            .map(|contest| ContestCache::new(election, ContestIdx(contest)))
            .collect();
        let projection = Projection {
            caches: RefCell::new(caches),
            synced_entries: Cell::new(0),
            provisional: RefCell::new(Vec::new()),
            provisional_until: Cell::new(0),
            flags: Vec::new(),
        };
        projection.sync(state);
        projection
    }

    /// Decides and applies a payload (all events or none) and brings the projection up to
    /// date, whatever the outcome.
    pub fn execute_payload(
        &mut self,
        state: &mut State,
        envelope: &Envelope,
        payload: &Payload,
    ) -> Result<Vec<Effect>, PayloadRefusal> {
        let result = state.execute_payload(envelope, payload, &*self);
        self.after_payload(state, result)
    }

    /// [`Projection::execute_payload`] of a payload whose sheets' fingerprints were computed
    /// ahead ([`State::execute_prepared`]).
    pub fn execute_prepared(
        &mut self,
        state: &mut State,
        envelope: &Envelope,
        prepared: &PreparedPayload,
    ) -> Result<Vec<Effect>, PayloadRefusal> {
        let result = state.execute_prepared(envelope, prepared, &*self);
        self.after_payload(state, result)
    }

    /// Brings the projection up to date after a payload ran, whatever the outcome.
    fn after_payload(
        &mut self,
        state: &State,
        result: Result<Vec<Effect>, PayloadRefusal>,
    ) -> Result<Vec<Effect>, PayloadRefusal> {
        self.sync(state);
        if let Ok(effects) = &result {
            self.flags.extend(effects.iter().flat_map(raised_flags));
        }
        result
    }

    /// Soft-rule flags raised so far, in log order.
    pub fn flags(&self) -> &[RaisedFlag] {
        &self.flags
    }

    /// Recomputes whatever changed in `state` since the last sync.
    pub fn sync(&self, state: &State) {
        let election = state.election();
        let mut caches = self.caches.borrow_mut();
        for (station, contest) in self.provisional.borrow_mut().drain(..) {
            if let Some(cache) = caches.get_mut(contest.0 as usize) {
                cache.touch(election, station);
            }
        }
        let entries = state.entries();
        let start = self.synced_entries.get().min(entries.len());
        for entry in &entries[start..] {
            if let Some(cache) = caches.get_mut(entry.contest.0 as usize) {
                cache.touch(election, entry.station);
            }
        }
        self.synced_entries.set(entries.len());
        self.provisional_until.set(entries.len());
    }

    /// Takes in entries of a payload still running (the state an approval is checked
    /// against includes the payload's earlier events).
    fn absorb_running_payload(&self, state: &State) {
        let entries = state.entries();
        let start = self.provisional_until.get().min(entries.len());
        if start == entries.len() {
            return;
        }
        let election = state.election();
        let mut caches = self.caches.borrow_mut();
        let mut provisional = self.provisional.borrow_mut();
        for entry in &entries[start..] {
            if let Some(cache) = caches.get_mut(entry.contest.0 as usize) {
                cache.touch(election, entry.station);
            }
            provisional.push((entry.station, entry.contest));
        }
        self.provisional_until.set(entries.len());
    }

    fn with_cache<T>(
        &self,
        contest: ContestIdx,
        work: impl FnOnce(&mut ContestCache) -> T,
    ) -> Option<T> {
        self.caches
            .borrow_mut()
            .get_mut(contest.0 as usize)
            .map(work)
    }

    /// A region's totals for a contest.
    pub fn totals(&self, state: &State, contest: ContestIdx, region: RegionIdx) -> Totals {
        self.with_cache(contest, |cache| {
            cache.totals(state.election(), state, region)
        })
        .unwrap_or_default()
    }

    /// Computes every contest's regions that hold stations in parallel
    /// ([`ContestCache::compute_station_regions`]), before a whole digest is asked for (a
    /// totals view after a bulk import or a replay): the digests are the same, sooner.
    pub fn prepare_digests(&self, state: &State) {
        self.prepare_digests_with(state, MINIMUM_REGIONS_PER_THREAD);
    }

    /// [`Projection::prepare_digests`] with another threshold of regions per thread (tests:
    /// a small election's four villages).
    pub fn prepare_digests_with(&self, state: &State, minimum_regions_per_thread: usize) {
        for cache in self.caches.borrow_mut().iter_mut() {
            cache.compute_station_regions(state.election(), state, minimum_regions_per_thread);
        }
    }

    /// A region's digest for a contest: the Merkle root over its children.
    pub fn digest(&self, state: &State, contest: ContestIdx, region: RegionIdx) -> Hash {
        self.with_cache(contest, |cache| {
            cache.digest(state.election(), state, region)
        })
        .unwrap_or_default()
    }

    /// The leaves under a region (code, totals, digest), in code order.
    pub fn child_leaves(
        &self,
        state: &State,
        contest: ContestIdx,
        region: RegionIdx,
    ) -> Vec<(String, Totals, Hash)> {
        self.with_cache(contest, |cache| {
            cache.child_leaves(state.election(), state, region)
        })
        .unwrap_or_default()
    }

    /// Where a region stands in the plenary ladder.
    pub fn approval_state(
        &self,
        state: &State,
        contest: ContestIdx,
        region: RegionIdx,
    ) -> ApprovalState {
        approval_state_of(state, contest, region, || {
            self.digest(state, contest, region)
        })
    }

    /// One region's line for a totals table.
    pub fn region_report(
        &self,
        state: &State,
        contest: ContestIdx,
        region: RegionIdx,
    ) -> RegionReport {
        let election = state.election();
        let entry = election.region_entry(region);
        RegionReport {
            code: entry.map(|e| e.code.clone()).unwrap_or_default(),
            name: entry.map(|e| e.name.clone()).unwrap_or_default(),
            level: election
                .tree()
                .level(region)
                .map(|level| election.level_key(level).to_owned())
                .unwrap_or_default(),
            totals: self.totals(state, contest, region),
            approval: self.approval_state(state, contest, region).label(),
            open_objections: state.open_objections(region, contest).len(),
        }
    }

    /// One digest of everything the projection shows: per contest the scope region's code,
    /// totals and digest, then every approval with its region, digest and whether it is
    /// still fresh. Same log, same digest, on every machine.
    pub fn projection_digest(&self, state: &State) -> Hash {
        self.projection_digest_from(state, |_, _| None, |_, _| None)
    }

    /// [`Projection::projection_digest`] where `known_totals(contest, region)` and
    /// `known_digest(contest, region)` may give a region's totals and digest already known
    /// to be the state's (a saved view's line brought forward): those are not computed
    /// again. Nothing else differs.
    pub fn projection_digest_from(
        &self,
        state: &State,
        known_totals: impl Fn(ContestIdx, RegionIdx) -> Option<Totals>,
        known_digest: impl Fn(ContestIdx, RegionIdx) -> Option<Hash>,
    ) -> Hash {
        let totals_of = |contest: ContestIdx, region: RegionIdx| {
            known_totals(contest, region).unwrap_or_else(|| self.totals(state, contest, region))
        };
        let digest_of = |contest: ContestIdx, region: RegionIdx| {
            known_digest(contest, region).unwrap_or_else(|| self.digest(state, contest, region))
        };
        projection_digest_given(state, totals_of, digest_of)
    }

    fn check_children(
        &self,
        state: &State,
        contest: ContestIdx,
        region: RegionIdx,
    ) -> Result<(), ApprovalCheckFailure> {
        let election = state.election();
        for child in election.tree().children(region) {
            // A region with no stations can never be approved (R53) and has nothing to
            // approve: it holds up no parent.
            // A region with no station of the contest (a county outside a district
            // contest's parts) is not one of its tiers either (R28).
            if election.tree().stations_under(*child).is_empty()
                || !election.contest_covers(contest, Place::Region(*child))
            {
                continue;
            }
            match self.approval_state(state, contest, *child) {
                ApprovalState::NotPlenary => self.check_children(state, contest, *child)?,
                ApprovalState::Approved { .. } => {}
                ApprovalState::Pending => {
                    return Err(ApprovalCheckFailure::ChildNotApproved {
                        child: election.region_code(*child).unwrap_or_default().to_owned(),
                    })
                }
                ApprovalState::Stale { since, .. } => {
                    return Err(ApprovalCheckFailure::ChildStale {
                        child: election.region_code(*child).unwrap_or_default().to_owned(),
                        since_seq: since.map_or(0, |id| id.seq),
                    })
                }
            }
        }
        Ok(())
    }
}

impl ApprovalCheck for Projection {
    /// Accepts an approval only if every station under the region has a sheet or a void,
    /// every child region at a plenary level is approved and fresh, and the claimed digest
    /// is the region's digest in `state`.
    fn check_approval(
        &self,
        state: &State,
        region: RegionIdx,
        contest: ContestIdx,
        digest: &[u8; 32],
    ) -> Result<(), ApprovalCheckFailure> {
        self.absorb_running_payload(state);
        let totals = self.totals(state, contest, region);
        if totals.stations_missing() > 0 {
            return Err(ApprovalCheckFailure::StationsMissing {
                missing: u64::from(totals.stations_missing()),
                example: first_missing_station(state, contest, region),
            });
        }
        self.check_children(state, contest, region)?;
        let computed = self.digest(state, contest, region);
        if computed != *digest {
            return Err(ApprovalCheckFailure::DigestMismatch {
                claimed: *digest,
                computed,
            });
        }
        Ok(())
    }
}

/// [`Projection::projection_digest`] given every scope's and approved region's totals and
/// digest (`totals_of`, `digest_of`): the one formula, for a projection or for the lines of
/// a saved totals view (an append that changed no sheet needs no projection).
pub fn projection_digest_given(
    state: &State,
    totals_of: impl Fn(ContestIdx, RegionIdx) -> Totals,
    digest_of: impl Fn(ContestIdx, RegionIdx) -> Hash,
) -> Hash {
    let election = state.election();
    let mut contests = Vec::new();
    for (index, contest) in election.contests().iter().enumerate() {
        let contest_idx = ContestIdx(index as u32);
        let Some(scope) = election.contest_scope(contest_idx) else {
            continue;
        };
        let totals = totals_of(contest_idx, scope);
        let digest = digest_of(contest_idx, scope);
        contests.push((contest.id.clone(), contest.scope.clone(), totals, digest));
    }
    let approvals: Vec<(EventId, String, u32, Hash, bool)> = state
        .approvals()
        .iter()
        .map(|approval| {
            let fresh = approval.digest == digest_of(approval.contest, approval.region);
            let code = election
                .region_code(approval.region)
                .unwrap_or_default()
                .to_owned();
            (
                approval.id,
                code,
                approval.contest.0,
                approval.digest,
                fresh,
            )
        })
        .collect();
    let bytes =
        bincode::encode_to_vec((contests, approvals), rekap_model::canonical()).unwrap_or_default();
    let mut hasher = blake3::Hasher::new();
    hasher.update(PROJECTION_DOMAIN);
    hasher.update(&bytes);
    *hasher.finalize().as_bytes()
}

/// Where `region` stands in the plenary ladder of `contest`, given its digest in `state`
/// (asked only when the region has an approval to compare it with): the one place the
/// ladder is decided, for the projection's caches or a saved view's lines.
pub fn approval_state_of(
    state: &State,
    contest: ContestIdx,
    region: RegionIdx,
    digest: impl FnOnce() -> Hash,
) -> ApprovalState {
    let election = state.election();
    let holds_plenary = election
        .tree()
        .level(region)
        .and_then(|level| election.level(level))
        .is_some_and(|level| level.holds_plenary);
    if !holds_plenary {
        return ApprovalState::NotPlenary;
    }
    let Some(approval) = state.latest_approval(region, contest) else {
        return ApprovalState::Pending;
    };
    if approval.digest == digest() {
        return ApprovalState::Approved {
            id: approval.id,
            digest: approval.digest,
        };
    }
    ApprovalState::Stale {
        id: approval.id,
        digest: approval.digest,
        since: first_entry_after(state, contest, region, approval.id),
    }
}

fn raised_flags(effect: &Effect) -> Vec<RaisedFlag> {
    match &effect.change {
        Change::SheetSet {
            station,
            contest,
            flags,
            ..
        } => flags
            .iter()
            .map(|flag| RaisedFlag {
                id: effect.id,
                station: *station,
                contest: *contest,
                flag: flag.clone(),
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn first_missing_station(state: &State, contest: ContestIdx, region: RegionIdx) -> String {
    let election = state.election();
    election
        .tree()
        .stations_under(region)
        .map(StationId)
        .find(|station| {
            matches!(
                state.station_status(*station, contest),
                Some(StationStatus::Awaiting | StationStatus::RevotePending(_))
            )
        })
        .and_then(|station| election.station_code(station))
        .unwrap_or_default()
}

/// The first sheet-history entry under `region` for `contest` recorded after `after`.
fn first_entry_after(
    state: &State,
    contest: ContestIdx,
    region: RegionIdx,
    after: EventId,
) -> Option<EventId> {
    let entries = state.entries();
    let start = entries.partition_point(|entry| entry.id <= after);
    let stations = state.election().tree().stations_under(region);
    entries[start..]
        .iter()
        .find(|entry| entry.contest == contest && stations.contains(&entry.station.0))
        .map(|entry| entry.id)
}
