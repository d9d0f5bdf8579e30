//! The authority and recap state, and the one decision function the store, the CLI and the
//! audit all run: [`State::decide`] (pure, `&self`) and [`Transaction::execute`] (decide, then
//! apply only if allowed). A payload's events apply all or none: a [`Transaction`] rolls back
//! on drop unless committed.
//!
//! Split the way docs/RULES.md is written: this file holds the state, its accessors and the
//! one dispatch over event kinds; each family of events has its decision and its effect side
//! by side in its own file ([`officers`]: the genesis and officers, [`sheets`]: submissions and
//! corrections, [`voids`]: re-votes and voids, [`objections`], [`approvals`]), and
//! [`transaction`] holds the transaction and its undo journal.
//!
//! Deterministic: only `BTreeMap`s and `Vec`s, integer arithmetic, time from the envelope.

use std::collections::BTreeMap;

use crate::definition::{ContestIdx, Election, Role};
use crate::error::{ApprovalCheckFailure, PayloadRefusal, Refusal, RoleKind};
use crate::event::{Act, Envelope, Event, EventId, Payload};
use crate::fingerprints::FingerprintCounts;
use crate::genesis::LogKeys;
use crate::limits::MAX_EVENTS_PER_PAYLOAD;
use crate::regions::{Place, RegionIdx, StationId};
use crate::sheet::{Flag, Neighbourhood, PackedSheet};

mod approvals;
mod authority;
mod objections;
mod officers;
mod sheets;
mod sources;
mod transaction;
mod voids;

pub use approvals::Approval;
pub use authority::{AuthorityPart, AuthorityState, NeedsReplay};
pub use objections::{Objection, ObjectionStatus};
pub use officers::Officer;
pub use sheets::{EntryKind, EntryNote, StationEntry, StationStatus};
pub use transaction::Transaction;

use approvals::ApprovalPlan;
use objections::{Filing, ResolutionPlan};
use officers::{Registration, Revocation};
use sheets::{ContestState, SheetPlan, Slot};
use sources::SourcePlan;
use voids::ClearPlan;

/// Sheets whose fingerprint counts are fetched together (see [`State::execute_payload`]).
const FINGERPRINTS_AHEAD: usize = 32;

/// The projection's check of a plenary approval's digest (issue 4): the digest equals the
/// region's digest at the head, every child at a plenary level is approved and not stale,
/// every station under the region has a sheet or is voided. `state` is the state the
/// approval is decided against (inside a payload: with the payload's earlier events).
pub trait ApprovalCheck {
    fn check_approval(
        &self,
        state: &State,
        region: RegionIdx,
        contest: ContestIdx,
        digest: &[u8; 32],
    ) -> Result<(), ApprovalCheckFailure>;
}

/// Index of an officer in registration order (initial officers first, by key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OfficerIdx(pub u32);

/// Index of a station history entry in [`State::entry`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntryIdx(pub u32);

/// Index of an approval in [`State::approvals`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ApprovalIdx(pub u32);

/// What an applied event changed, for the projection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    OfficerRegistered {
        key: [u8; 32],
    },
    OfficerRevoked {
        key: [u8; 32],
    },
    /// A sheet now counts for the station (a submission or a correction); `replaced` is the
    /// entry whose sheet counted before (for a correction).
    SheetSet {
        station: StationId,
        contest: ContestIdx,
        entry: EntryIdx,
        replaced: Option<EntryIdx>,
        flags: Vec<Flag>,
    },
    /// The station's sheet no longer counts (voided, or a re-vote ordered); `removed` is the
    /// entry whose sheet counted until now, if any.
    SheetCleared {
        station: StationId,
        contest: ContestIdx,
        entry: EntryIdx,
        removed: Option<EntryIdx>,
    },
    ObjectionFiled {
        id: EventId,
    },
    ObjectionResolved {
        id: EventId,
    },
    PlenaryApproved {
        approval: ApprovalIdx,
    },
    /// A sheet's source document was noted; no number changed.
    SheetSourceNoted {
        station: StationId,
        contest: ContestIdx,
    },
    /// The log key was rotated: `key` signs checkpoints of tree sizes `from_size` and up.
    LogKeyRotated {
        key: [u8; 32],
        from_size: u64,
    },
}

/// An applied event and its change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effect {
    pub id: EventId,
    pub change: Change,
}

/// What an allowed event will change, one plan per family of events.
#[derive(Debug, Clone)]
enum Plan {
    Register(Registration),
    Revoke(Revocation),
    SetSheet(SheetPlan),
    Clear(ClearPlan),
    File(Filing),
    Resolve(ResolutionPlan),
    Approve(ApprovalPlan),
    NoteSource(SourcePlan),
}

/// An allowed event, resolved against the state: apply it with [`Transaction::execute`].
#[derive(Debug, Clone)]
pub struct Decision {
    plan: Plan,
}

impl Decision {
    /// Soft-rule flags the event raises (sheets only).
    pub fn flags(&self) -> &[Flag] {
        match &self.plan {
            Plan::SetSheet(plan) => &plan.flags,
            _ => &[],
        }
    }
}

/// What every family's decision needs besides the event's own fields: who acts, as what,
/// the event's id, the projection's approval check, and the sheet's numbers fingerprint if
/// it was computed already.
#[derive(Clone, Copy)]
struct Context<'a> {
    author: &'a [u8; 32],
    act: Act,
    id: EventId,
    approvals: &'a dyn ApprovalCheck,
    fingerprint: Option<u64>,
}

enum Actor<'a> {
    Registrar,
    Officer(&'a Officer),
}

fn role_kind(role: &Role) -> RoleKind {
    match role {
        Role::Operator => RoleKind::Operator,
        Role::Official => RoleKind::Official,
        Role::Witness { .. } => RoleKind::Witness,
        Role::Auditor => RoleKind::Auditor,
    }
}

/// A decoded payload with its sheets' numbers fingerprints computed, for
/// [`State::execute_prepared`]: made only by [`PreparedPayload::new`], so each fingerprint
/// is its sheet's; a replay makes them on the thread that decodes, ahead of the decisions.
#[derive(Debug, Clone)]
pub struct PreparedPayload {
    payload: Payload,
    /// Per event of an `Events` payload (none for another kind).
    fingerprints: Vec<Option<u64>>,
}

impl PreparedPayload {
    pub fn new(payload: Payload) -> PreparedPayload {
        let fingerprints = match &payload {
            Payload::Events { events, .. } => events.iter().map(sheet_fingerprint).collect(),
            Payload::Genesis(_) | Payload::LogKeyRotated { .. } => Vec::new(),
        };
        PreparedPayload {
            payload,
            fingerprints,
        }
    }

    pub fn payload(&self) -> &Payload {
        &self.payload
    }
}

/// The numbers fingerprint of a submitted or corrected sheet.
fn sheet_fingerprint(event: &Event) -> Option<u64> {
    match event {
        Event::SheetSubmitted { sheet, .. } | Event::SheetCorrected { sheet, .. } => {
            Some(sheet.numbers_fingerprint())
        }
        _ => None,
    }
}

/// The state every event is decided against.
#[derive(Debug, Clone)]
pub struct State {
    election: Election,
    last_seq: u64,
    officers: BTreeMap<[u8; 32], Officer>,
    officer_keys: Vec<[u8; 32]>,
    contests: Vec<ContestState>,
    entries: Vec<StationEntry>,
    corrections: BTreeMap<EventId, EntryIdx>,
    objections: BTreeMap<EventId, Objection>,
    approvals: Vec<Approval>,
    latest_approval: BTreeMap<(RegionIdx, ContestIdx), ApprovalIdx>,
    fingerprints: FingerprintCounts,
    neighbourhoods: BTreeMap<(RegionIdx, ContestIdx), Neighbourhood>,
    log_keys: LogKeys,
    /// False only for an [`AuthorityState`]'s state, which decides no sheet event.
    holds_sheets: bool,
}

impl State {
    /// Starts the state from the genesis record: record 1, signed by the definition's
    /// registrar, carrying a valid definition. Registers the definition's initial officers.
    pub fn genesis(envelope: &Envelope, payload: &Payload) -> Result<State, Refusal> {
        match payload {
            Payload::Genesis(genesis) => State::from_genesis(envelope, genesis.clone()),
            Payload::Events { .. } | Payload::LogKeyRotated { .. } => Err(Refusal::NoGenesis),
        }
    }

    // ------------------------------------------------------------------ accessors

    pub fn election(&self) -> &Election {
        &self.election
    }
    pub fn definition_hash(&self) -> [u8; 32] {
        self.election.hash()
    }
    /// The log's origin and keys: which key signs the checkpoint of each tree size.
    pub fn log_keys(&self) -> &LogKeys {
        &self.log_keys
    }
    /// The last record applied (the genesis is 1).
    pub fn last_seq(&self) -> u64 {
        self.last_seq
    }
    pub fn officer(&self, key: &[u8; 32]) -> Option<&Officer> {
        self.officers.get(key)
    }
    /// An officer by registration index.
    pub fn officer_by_index(&self, index: OfficerIdx) -> Option<&Officer> {
        self.officers.get(self.officer_keys.get(index.0 as usize)?)
    }
    /// All officers ever registered, by key.
    pub fn officers(&self) -> impl Iterator<Item = &Officer> {
        self.officers.values()
    }
    /// The station's slot; `None` if the station does not take part in the contest.
    fn slot(&self, station: StationId, contest: ContestIdx) -> Option<&Slot> {
        let c = self.contests.get(contest.0 as usize)?;
        let slot = c.slots.get(station.0.checked_sub(c.base)? as usize)?;
        (!c.has_parts || self.election.station_takes_part(contest, station)).then_some(slot)
    }
    fn slot_mut(&mut self, station: StationId, contest: ContestIdx) -> Option<&mut Slot> {
        let c = self.contests.get_mut(contest.0 as usize)?;
        c.slots.get_mut(station.0.checked_sub(c.base)? as usize)
    }
    /// A station's status for a contest (`None` if the station does not vote in it).
    pub fn station_status(&self, station: StationId, contest: ContestIdx) -> Option<StationStatus> {
        self.slot(station, contest).map(|s| s.status)
    }
    /// The sheet that counts for a station and contest, with its entry.
    pub fn current_sheet(
        &self,
        station: StationId,
        contest: ContestIdx,
    ) -> Option<(EntryIdx, &PackedSheet)> {
        match self.station_status(station, contest)? {
            StationStatus::Counted(e) => Some((e, self.entry(e)?.sheet.as_ref()?)),
            _ => None,
        }
    }
    pub fn entry(&self, entry: EntryIdx) -> Option<&StationEntry> {
        self.entries.get(entry.0 as usize)
    }
    /// Every history entry in log order.
    pub fn entries(&self) -> &[StationEntry] {
        &self.entries
    }
    /// A station's history for a contest, oldest first.
    pub fn history(&self, station: StationId, contest: ContestIdx) -> Vec<&StationEntry> {
        let mut out = Vec::new();
        let mut next = self.slot(station, contest).and_then(|s| s.head);
        while let Some(e) = next.and_then(|i| self.entry(i)) {
            out.push(e);
            next = e.previous;
        }
        out.reverse();
        out
    }
    /// The entry of a correction by its event id.
    pub fn correction(&self, id: EventId) -> Option<EntryIdx> {
        self.corrections.get(&id).copied()
    }
    pub fn objection(&self, id: EventId) -> Option<&Objection> {
        self.objections.get(&id)
    }
    /// All objections, by id.
    pub fn objections(&self) -> impl Iterator<Item = &Objection> {
        self.objections.values()
    }
    /// Open objections for a contest about the region or anything under it, by id.
    pub fn open_objections(&self, region: RegionIdx, contest: ContestIdx) -> Vec<EventId> {
        self.objections
            .values()
            .filter(|o| {
                o.contest == contest
                    && o.status == ObjectionStatus::Open
                    && self.election.tree().covers(region, o.place)
            })
            .map(|o| o.id)
            .collect()
    }
    /// Every approval in log order.
    pub fn approvals(&self) -> &[Approval] {
        &self.approvals
    }
    pub fn approval(&self, approval: ApprovalIdx) -> Option<&Approval> {
        self.approvals.get(approval.0 as usize)
    }
    /// The latest approval of a region for a contest.
    pub fn latest_approval(&self, region: RegionIdx, contest: ContestIdx) -> Option<&Approval> {
        self.latest_approval
            .get(&(region, contest))
            .and_then(|&a| self.approval(a))
    }
    /// How many current sheets of the contest carry these numbers (see
    /// [`TallySheet::numbers_fingerprint`]).
    pub fn same_sheet_count(&self, contest: ContestIdx, fingerprint: u64) -> u32 {
        self.fingerprints.get(contest, fingerprint).unwrap_or(0)
    }

    // ------------------------------------------------------------------ transactions

    /// Decides and applies every event of a (non-genesis) payload, all or none.
    pub fn execute_payload(
        &mut self,
        envelope: &Envelope,
        payload: &Payload,
        approvals: &dyn ApprovalCheck,
    ) -> Result<Vec<Effect>, PayloadRefusal> {
        self.execute_fingerprinted(envelope, payload, approvals, &mut |_, event| {
            sheet_fingerprint(event)
        })
    }

    /// [`State::execute_payload`] of a payload whose sheets' fingerprints were computed
    /// ahead (on another thread, by a replay): the same decisions and effects.
    pub fn execute_prepared(
        &mut self,
        envelope: &Envelope,
        prepared: &PreparedPayload,
        approvals: &dyn ApprovalCheck,
    ) -> Result<Vec<Effect>, PayloadRefusal> {
        let mut known =
            |index: usize, _: &Event| prepared.fingerprints.get(index).copied().flatten();
        self.execute_fingerprinted(envelope, &prepared.payload, approvals, &mut known)
    }

    /// The one execution of a payload; `fingerprint_of(index, event)` is the event's sheet's
    /// [`TallySheet::numbers_fingerprint`] (`None` for an event without a sheet).
    fn execute_fingerprinted(
        &mut self,
        envelope: &Envelope,
        payload: &Payload,
        approvals: &dyn ApprovalCheck,
        fingerprint_of: &mut dyn FnMut(usize, &Event) -> Option<u64>,
    ) -> Result<Vec<Effect>, PayloadRefusal> {
        let whole = |refusal| PayloadRefusal {
            index: None,
            refusal,
        };
        let (definition_hash, events) = match payload {
            Payload::Genesis(_) => return Err(whole(Refusal::GenesisAlreadyApplied)),
            Payload::Events {
                definition_hash,
                events,
            } => (definition_hash, events),
            Payload::LogKeyRotated {
                definition_hash,
                key,
            } => return self.execute_log_key_rotation(envelope, definition_hash, key),
        };
        if events.is_empty() {
            return Err(whole(Refusal::EmptyPayload));
        }
        if events.len() > MAX_EVENTS_PER_PAYLOAD {
            return Err(whole(Refusal::Limit(crate::LimitError::TooMany {
                field: "events per payload",
                count: events.len() as u64,
                limit: MAX_EVENTS_PER_PAYLOAD as u64,
            })));
        }
        let mut tx = self.begin(*envelope, definition_hash).map_err(whole)?;
        let mut effects = Vec::with_capacity(events.len());
        // Sheets' fingerprints are computed a block ahead and their count buckets read
        // together, so that the cache misses of a block overlap instead of each sheet's
        // decision waiting for its own (the counts are spread at random over memory).
        let mut fingerprints = Vec::with_capacity(FINGERPRINTS_AHEAD);
        let mut index = 0u32;
        for (block_index, block) in events.chunks(FINGERPRINTS_AHEAD).enumerate() {
            let first = block_index * FINGERPRINTS_AHEAD;
            fingerprints.clear();
            fingerprints.extend(
                (block.iter().enumerate())
                    .map(|(offset, event)| fingerprint_of(first + offset, event)),
            );
            tx.state.fingerprints.warm(fingerprints.iter().flatten());
            for (event, fingerprint) in block.iter().zip(&fingerprints) {
                let effect =
                    tx.execute_with(event, approvals, *fingerprint)
                        .map_err(|refusal| PayloadRefusal {
                            index: Some(index),
                            refusal,
                        })?;
                effects.push(effect);
                index = index.saturating_add(1);
            }
        }
        tx.commit();
        Ok(effects)
    }

    /// A `LogKeyRotated` payload: one change, at index 0.
    fn execute_log_key_rotation(
        &mut self,
        envelope: &Envelope,
        definition_hash: &[u8; 32],
        key: &[u8; 32],
    ) -> Result<Vec<Effect>, PayloadRefusal> {
        let whole = |refusal| PayloadRefusal {
            index: None,
            refusal,
        };
        let mut tx = self.begin(*envelope, definition_hash).map_err(whole)?;
        tx.state
            .decide_log_key_rotation(&envelope.author, key)
            .map_err(whole)?;
        let change = tx.apply_log_key_rotation(*key);
        tx.commit();
        Ok(vec![Effect {
            id: EventId {
                seq: envelope.seq,
                index: 0,
            },
            change,
        }])
    }

    // ------------------------------------------------------------------ decisions

    fn actor(&self, author: &[u8; 32]) -> Result<Actor<'_>, Refusal> {
        if *author == self.election.registrar() {
            return Ok(Actor::Registrar);
        }
        let officer = self
            .officers
            .get(author)
            .ok_or(Refusal::UnknownAuthor { author: *author })?;
        if let Some(revoked) = officer.revoked_at {
            return Err(Refusal::AuthorRevoked {
                author: *author,
                revoked_at: revoked.seq,
            });
        }
        Ok(Actor::Officer(officer))
    }

    fn require(&self, author: &[u8; 32], act: Act, role: RoleKind) -> Result<&Officer, Refusal> {
        match self.actor(author)? {
            Actor::Registrar => Err(Refusal::RoleNotPermitted {
                act,
                role: RoleKind::Registrar,
            }),
            Actor::Officer(o) if role_kind(&o.role) == role => Ok(o),
            Actor::Officer(o) => Err(Refusal::RoleNotPermitted {
                act,
                role: role_kind(&o.role),
            }),
        }
    }

    fn code(&self, region: RegionIdx) -> String {
        self.election.place_code(Place::Region(region))
    }

    fn require_covers(&self, officer: &Officer, place: Place) -> Result<(), Refusal> {
        if self.election.tree().covers(officer.scope, place) {
            Ok(())
        } else {
            Err(Refusal::OutOfScope {
                scope: self.code(officer.scope),
                target: self.election.place_code(place),
            })
        }
    }

    /// An official acting on sheets must sit at the lowest plenary level or above.
    fn require_plenary_rank(&self, officer: &Officer) -> Result<(), Refusal> {
        let level = self
            .election
            .tree()
            .level(officer.scope)
            .unwrap_or(u32::MAX);
        let lowest = self.election.lowest_plenary_level();
        if level > lowest {
            return Err(Refusal::OfficialScopeTooLow {
                scope: self.code(officer.scope),
                level: self.election.level_key(level).to_string(),
                lowest: self.election.level_key(lowest).to_string(),
            });
        }
        Ok(())
    }

    fn find_contest(&self, id: &str) -> Result<ContestIdx, Refusal> {
        self.election
            .contest_by_id(id)
            .ok_or_else(|| Refusal::UnknownContest { id: id.to_string() })
    }

    /// Station and contest, the station voting in the contest.
    fn station_in_contest(
        &self,
        station: &str,
        contest: &str,
    ) -> Result<(StationId, ContestIdx), Refusal> {
        let c = self.find_contest(contest)?;
        let s = self
            .election
            .find_station(station)
            .ok_or_else(|| Refusal::UnknownStation {
                code: station.to_string(),
            })?;
        if !self.election.contest_covers(c, Place::Station(s)) {
            return Err(Refusal::NotInContest {
                place: station.to_string(),
                contest: contest.to_string(),
            });
        }
        Ok((s, c))
    }

    fn entry_seq(&self, entry: EntryIdx) -> u64 {
        self.entry(entry).map(|e| e.id.seq).unwrap_or(0)
    }

    /// Decides whether `event` (at position `index` of the payload of `envelope`) is allowed
    /// now. Pure: the same state and event give the same answer on every machine.
    pub fn decide(
        &self,
        envelope: &Envelope,
        index: u32,
        event: &Event,
        approvals: &dyn ApprovalCheck,
    ) -> Result<Decision, Refusal> {
        self.decide_with(envelope, index, event, approvals, None)
    }

    /// Whether [`State::decide`] would allow `event` now: the same answer and the same
    /// refusal, without building what applying a submitted sheet needs (its flags,
    /// fingerprint and packed numbers). For a planner that checks many sheets against one
    /// unchanged state and keeps only the answer; the submission's checks are the very
    /// ones its decision runs first.
    pub fn check(
        &self,
        envelope: &Envelope,
        index: u32,
        event: &Event,
        approvals: &dyn ApprovalCheck,
    ) -> Result<(), Refusal> {
        match event {
            Event::SheetSubmitted {
                station,
                contest,
                sheet,
            } => {
                let context = self.context_of(envelope, index, event, approvals, None)?;
                self.check_submission(&context, station, contest, sheet)
                    .map(drop)
            }
            _ => self.decide(envelope, index, event, approvals).map(drop),
        }
    }

    /// What every decision of `event` checks first (its limits, a state without sheets),
    /// and the context it is decided in.
    fn context_of<'a>(
        &self,
        envelope: &'a Envelope,
        index: u32,
        event: &Event,
        approvals: &'a dyn ApprovalCheck,
        known_fingerprint: Option<u64>,
    ) -> Result<Context<'a>, Refusal> {
        event.check_limits()?;
        if !self.holds_sheets && authority::reads_sheets(event) {
            return Err(authority::without_sheets());
        }
        Ok(Context {
            author: &envelope.author,
            act: event.act(),
            id: EventId {
                seq: envelope.seq,
                index,
            },
            approvals,
            fingerprint: known_fingerprint,
        })
    }

    /// [`State::decide`], given the numbers fingerprint of the event's sheet if it was
    /// computed already (it must be that sheet's [`TallySheet::numbers_fingerprint`]).
    fn decide_with(
        &self,
        envelope: &Envelope,
        index: u32,
        event: &Event,
        approvals: &dyn ApprovalCheck,
        known_fingerprint: Option<u64>,
    ) -> Result<Decision, Refusal> {
        let context = self.context_of(envelope, index, event, approvals, known_fingerprint)?;
        let plan = match event {
            Event::OfficerRegistered { key, role, scope } => {
                Plan::Register(self.decide_registration(&context, key, role, scope)?)
            }
            Event::OfficerRevoked { key, reason } => {
                Plan::Revoke(self.decide_revocation(&context, key, reason)?)
            }
            Event::SheetSubmitted {
                station,
                contest,
                sheet,
            } => Plan::SetSheet(self.decide_submission(&context, station, contest, sheet)?),
            Event::SheetCorrected {
                station,
                contest,
                sheet,
                reason,
                answers,
            } => Plan::SetSheet(
                self.decide_correction(&context, station, contest, sheet, reason, answers)?,
            ),
            Event::RevoteRecorded {
                station,
                contest,
                reason,
            }
            | Event::StationVoided {
                station,
                contest,
                reason,
            } => Plan::Clear(self.decide_clearing(&context, station, contest, reason)?),
            Event::ObjectionFiled {
                place,
                contest,
                text,
            } => Plan::File(self.decide_filing(&context, place, contest, text)?),
            Event::ObjectionResolved {
                objection,
                resolution,
                reason,
            } => Plan::Resolve(self.decide_resolution(&context, objection, resolution, reason)?),
            Event::PlenaryApproved {
                region,
                contest,
                digest,
                signatures,
                refusals,
            } => Plan::Approve(
                self.decide_approval(&context, region, contest, digest, signatures, refusals)?,
            ),
            Event::SheetSource {
                station, contest, ..
            } => Plan::NoteSource(self.decide_source(&context, station, contest)?),
        };
        Ok(Decision { plan })
    }
}
