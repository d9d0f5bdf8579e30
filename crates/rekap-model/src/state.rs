//! The authority and recap state, and the one decision function the store, the CLI and the
//! audit all run: [`State::decide`] (pure, `&self`) and [`Transaction::execute`] (decide, then
//! apply only if allowed). A payload's events apply all or none: a [`Transaction`] rolls back
//! on drop unless committed.
//!
//! Deterministic: only `BTreeMap`s and `Vec`s, integer arithmetic, time from the envelope.

use std::collections::{BTreeMap, BTreeSet};

use ed25519_dalek::{Signature, VerifyingKey};

use crate::definition::{ContestIdx, Election, ElectionDefinition, Role};
use crate::error::{ApprovalCheckFailure, PayloadRefusal, Refusal, RoleKind};
use crate::event::{
    Act, ApprovalStatement, Envelope, Event, EventId, Payload, Resolution, WitnessRefusal,
};
use crate::fingerprints::FingerprintCounts;
use crate::limits::MAX_EVENTS_PER_PAYLOAD;
use crate::regions::{Place, RegionIdx, StationId};
use crate::requirements::{require_reason, require_resolution_reason, require_stations};
use crate::sheet::{Flag, Neighbourhood, PackedSheet, TallySheet};

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

/// An officer and the authority in force for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Officer {
    pub index: OfficerIdx,
    pub key: [u8; 32],
    pub role: Role,
    pub scope: RegionIdx,
    /// The registering event (initial officers: the genesis record, index 0).
    pub registered_at: EventId,
    pub revoked_at: Option<EventId>,
}

/// Index of a station history entry in [`State::entry`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntryIdx(pub u32);

/// Index of an approval in [`State::approvals`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ApprovalIdx(pub u32);

/// What happened to a station's result for a contest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntryKind {
    Submitted,
    Corrected,
    RevoteRecorded,
    Voided,
}

/// The reason of a correction, re-vote or void, and the objection a correction answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryNote {
    pub reason: String,
    pub answers: Option<EventId>,
}

/// One entry of a station's history for a contest; earlier entries are never removed. Kept
/// compact (about 80 bytes plus the packed sheet) for national-scale logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StationEntry {
    pub id: EventId,
    pub recorded_at_ms: u64,
    /// The officer who made it: [`State::officer_by_index`].
    pub author: OfficerIdx,
    pub station: StationId,
    pub contest: ContestIdx,
    pub kind: EntryKind,
    /// The sheet of a submission or correction.
    pub sheet: Option<PackedSheet>,
    /// The reason (corrections, re-votes, voids).
    pub note: Option<Box<EntryNote>>,
    /// The entry before this one for the same station and contest.
    pub previous: Option<EntryIdx>,
}

/// A station's status for one contest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StationStatus {
    /// No sheet yet.
    Awaiting,
    /// The current sheet is this entry (a submission or a correction).
    Counted(EntryIdx),
    /// Voided by this entry.
    Voided(EntryIdx),
    /// A re-vote was ordered by this entry; a new sheet is expected.
    RevotePending(EntryIdx),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Slot {
    head: Option<EntryIdx>,
    status: StationStatus,
}

impl Default for Slot {
    fn default() -> Self {
        Slot {
            head: None,
            status: StationStatus::Awaiting,
        }
    }
}

#[derive(Debug, Clone)]
struct ContestState {
    base: u32,
    slots: Vec<Slot>,
}

/// How an objection stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObjectionStatus {
    Open,
    Accepted {
        correction: EventId,
        resolved_by: EventId,
        reason: String,
    },
    Rejected {
        resolved_by: EventId,
        reason: String,
    },
}

/// An objection (keberatan).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Objection {
    pub id: EventId,
    pub author: [u8; 32],
    pub place: Place,
    pub contest: ContestIdx,
    pub text: String,
    pub status: ObjectionStatus,
}

/// A recorded plenary approval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    pub id: EventId,
    pub recorded_at_ms: u64,
    pub official: [u8; 32],
    pub region: RegionIdx,
    pub contest: ContestIdx,
    pub digest: [u8; 32],
    /// Witnesses whose signatures verified, in the order given.
    pub signers: Vec<[u8; 32]>,
    pub refusals: Vec<WitnessRefusal>,
    /// Objections about the region (or below it) for the contest still open when approved.
    pub open_objections: Vec<EventId>,
}

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
}

/// An applied event and its change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effect {
    pub id: EventId,
    pub change: Change,
}

#[derive(Debug, Clone)]
enum Plan {
    Register {
        key: [u8; 32],
        role: Role,
        scope: RegionIdx,
    },
    Revoke {
        key: [u8; 32],
    },
    SetSheet {
        station: StationId,
        contest: ContestIdx,
        kind: EntryKind,
        sheet: PackedSheet,
        fingerprint: u64,
        note: Option<Box<EntryNote>>,
        flags: Vec<Flag>,
    },
    Clear {
        station: StationId,
        contest: ContestIdx,
        kind: EntryKind,
        note: Box<EntryNote>,
    },
    File {
        place: Place,
        contest: ContestIdx,
        text: String,
    },
    Resolve {
        id: EventId,
        status: ObjectionStatus,
    },
    Approve {
        region: RegionIdx,
        contest: ContestIdx,
        digest: [u8; 32],
        signers: Vec<[u8; 32]>,
        refusals: Vec<WitnessRefusal>,
        open_objections: Vec<EventId>,
    },
    NoteSource {
        station: StationId,
        contest: ContestIdx,
    },
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
            Plan::SetSheet { flags, .. } => flags,
            _ => &[],
        }
    }
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
}

impl State {
    /// Starts the state from the genesis record: record 1, signed by the definition's
    /// registrar, carrying a valid definition. Registers the definition's initial officers.
    pub fn genesis(envelope: &Envelope, payload: &Payload) -> Result<State, Refusal> {
        match payload {
            Payload::Genesis(definition) => State::from_definition(envelope, definition.clone()),
            Payload::Events { .. } => Err(Refusal::NoGenesis),
        }
    }

    /// As [`State::genesis`], from the definition itself.
    pub fn from_definition(
        envelope: &Envelope,
        definition: ElectionDefinition,
    ) -> Result<State, Refusal> {
        if envelope.seq != 1 {
            return Err(Refusal::GenesisNotFirst { seq: envelope.seq });
        }
        if envelope.author != definition.registrar {
            return Err(Refusal::GenesisNotByRegistrar {
                author: envelope.author,
                registrar: definition.registrar,
            });
        }
        let election = Election::new(definition).map_err(Refusal::InvalidDefinition)?;
        let contests: Vec<ContestState> = (0..election.contests().len() as u32)
            .map(|c| {
                let range = election
                    .contest_scope(ContestIdx(c))
                    .map(|r| election.tree().stations_under(r))
                    .unwrap_or(0..0);
                ContestState {
                    base: range.start,
                    slots: vec![Slot::default(); range.len()],
                }
            })
            .collect();
        let sheets = contests.iter().map(|c| c.slots.len() as u64).sum();
        let mut officers = BTreeMap::new();
        let mut officer_keys = Vec::new();
        for officer in &election.definition().initial_officers {
            // Already validated by Election::new.
            let scope = election
                .check_registration(&officer.key, &officer.role, &officer.scope)
                .map_err(|_| Refusal::UnknownRegion {
                    code: officer.scope.clone(),
                })?;
            officers.insert(
                officer.key,
                Officer {
                    index: OfficerIdx(officer_keys.len() as u32),
                    key: officer.key,
                    role: officer.role.clone(),
                    scope,
                    registered_at: EventId {
                        seq: envelope.seq,
                        index: 0,
                    },
                    revoked_at: None,
                },
            );
            officer_keys.push(officer.key);
        }
        Ok(State {
            election,
            last_seq: envelope.seq,
            officers,
            officer_keys,
            contests,
            entries: Vec::new(),
            corrections: BTreeMap::new(),
            objections: BTreeMap::new(),
            approvals: Vec::new(),
            latest_approval: BTreeMap::new(),
            fingerprints: FingerprintCounts::with_expected(sheets),
            neighbourhoods: BTreeMap::new(),
        })
    }

    // ------------------------------------------------------------------ accessors

    pub fn election(&self) -> &Election {
        &self.election
    }
    pub fn definition_hash(&self) -> [u8; 32] {
        self.election.hash()
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
    fn slot(&self, station: StationId, contest: ContestIdx) -> Option<&Slot> {
        let c = self.contests.get(contest.0 as usize)?;
        c.slots.get(station.0.checked_sub(c.base)? as usize)
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

    /// Opens a transaction for the record `envelope` whose payload is bound to
    /// `definition_hash`. Its events then run one by one through [`Transaction::execute`].
    pub fn begin(
        &mut self,
        envelope: Envelope,
        definition_hash: &[u8; 32],
    ) -> Result<Transaction<'_>, Refusal> {
        if *definition_hash != self.election.hash() {
            return Err(Refusal::DefinitionHashMismatch {
                expected: self.election.hash(),
                found: *definition_hash,
            });
        }
        if envelope.seq <= self.last_seq {
            return Err(Refusal::SeqNotIncreasing {
                seq: envelope.seq,
                last: self.last_seq,
            });
        }
        let entries_len = self.entries.len();
        let approvals_len = self.approvals.len();
        let last_seq = self.last_seq;
        self.last_seq = envelope.seq;
        // The author's officer index, for its history entries. It cannot change during the
        // transaction: an officer is registered only by the registrar, who holds no role.
        let author = self
            .officers
            .get(&envelope.author)
            .map(|o| o.index)
            .unwrap_or(OfficerIdx(u32::MAX));
        Ok(Transaction {
            state: self,
            envelope,
            author,
            next_index: 0,
            journal: Vec::new(),
            neighbourhood_journaled: None,
            entries_len,
            approvals_len,
            last_seq,
            done: false,
        })
    }

    /// Decides and applies every event of a (non-genesis) payload, all or none.
    pub fn execute_payload(
        &mut self,
        envelope: &Envelope,
        payload: &Payload,
        approvals: &dyn ApprovalCheck,
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
        for block in events.chunks(FINGERPRINTS_AHEAD) {
            fingerprints.clear();
            fingerprints.extend(block.iter().map(|event| match event {
                Event::SheetSubmitted { sheet, .. } | Event::SheetCorrected { sheet, .. } => {
                    Some(sheet.numbers_fingerprint())
                }
                _ => None,
            }));
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

    fn check_sheet(
        &self,
        station: &str,
        contest_id: &str,
        contest: ContestIdx,
        sheet: &TallySheet,
    ) -> Result<(), Refusal> {
        let pairs = self
            .election
            .contest(contest)
            .map(|c| c.pairs.len())
            .unwrap_or(0) as u32;
        sheet
            .check_hard_rules(pairs, self.election.station_capacity())
            .map_err(|violation| Refusal::HardRule {
                station: station.to_string(),
                contest: contest_id.to_string(),
                violation,
            })
    }

    fn flags_for(
        &self,
        station: StationId,
        contest: ContestIdx,
        sheet: &TallySheet,
        fingerprint: u64,
        old: Option<&PackedSheet>,
    ) -> Vec<Flag> {
        let rules = self.election.soft_rules();
        let mut flags = sheet.own_flags(rules);
        if sheet.valid >= rules.same_sheet_min_valid {
            let mut others = self.same_sheet_count(contest, fingerprint);
            if old.is_some_and(|o| o.unpack().numbers_fingerprint() == fingerprint) {
                others = others.saturating_sub(1);
            }
            let stations = others.saturating_add(1);
            if stations >= rules.same_sheet_min_stations {
                flags.push(Flag::SameSheetAtManyStations {
                    stations,
                    threshold: rules.same_sheet_min_stations,
                });
            }
        }
        if let Some((holder, _)) = self.election.tree().station_holder(station) {
            if let Some(neighbours) = self.neighbourhoods.get(&(holder, contest)) {
                let flag = match old {
                    Some(old) => {
                        let mut without = neighbours.clone();
                        without.remove(old);
                        without.flag(sheet, rules)
                    }
                    None => neighbours.flag(sheet, rules),
                };
                flags.extend(flag);
            }
        }
        flags
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
        event.check_limits()?;
        let author = &envelope.author;
        let act = event.act();
        let plan = match event {
            Event::OfficerRegistered { key, role, scope } => {
                if *author != self.election.registrar() {
                    return Err(Refusal::NotRegistrar {
                        act,
                        author: *author,
                    });
                }
                let scope = self.election.check_registration(key, role, scope)?;
                if let Some(existing) = self.officers.get(key) {
                    return Err(match existing.revoked_at {
                        Some(at) => Refusal::KeyWasRevoked {
                            key: *key,
                            revoked_at: at.seq,
                        },
                        None => Refusal::AlreadyRegistered { key: *key },
                    });
                }
                Plan::Register {
                    key: *key,
                    role: role.clone(),
                    scope,
                }
            }
            Event::OfficerRevoked { key, reason } => {
                if *author != self.election.registrar() {
                    return Err(Refusal::NotRegistrar {
                        act,
                        author: *author,
                    });
                }
                require_reason("revocation reason", reason)?;
                let officer = self
                    .officers
                    .get(key)
                    .ok_or(Refusal::UnknownOfficer { key: *key })?;
                if let Some(at) = officer.revoked_at {
                    return Err(Refusal::AlreadyRevoked {
                        key: *key,
                        revoked_at: at.seq,
                    });
                }
                Plan::Revoke { key: *key }
            }
            Event::SheetSubmitted {
                station,
                contest,
                sheet,
            } => {
                let officer = self.require(author, act, RoleKind::Operator)?;
                let (s, c) = self.station_in_contest(station, contest)?;
                self.require_covers(officer, Place::Station(s))?;
                match self.station_status(s, c) {
                    Some(StationStatus::Counted(e)) => {
                        return Err(Refusal::SheetAlreadySubmitted {
                            station: station.clone(),
                            contest: contest.clone(),
                            since_seq: self.entry_seq(e),
                        })
                    }
                    Some(StationStatus::Voided(e)) => {
                        return Err(Refusal::StationIsVoided {
                            station: station.clone(),
                            contest: contest.clone(),
                            voided_at: self.entry_seq(e),
                        })
                    }
                    _ => {}
                }
                self.check_sheet(station, contest, c, sheet)?;
                let fingerprint = known_fingerprint.unwrap_or_else(|| sheet.numbers_fingerprint());
                Plan::SetSheet {
                    station: s,
                    contest: c,
                    flags: self.flags_for(s, c, sheet, fingerprint, None),
                    kind: EntryKind::Submitted,
                    sheet: PackedSheet::pack(sheet),
                    fingerprint,
                    note: None,
                }
            }
            Event::SheetCorrected {
                station,
                contest,
                sheet,
                reason,
                answers,
            } => {
                let officer = self.require(author, act, RoleKind::Official)?;
                self.require_plenary_rank(officer)?;
                let (s, c) = self.station_in_contest(station, contest)?;
                self.require_covers(officer, Place::Station(s))?;
                require_reason("correction reason", reason)?;
                let old = match self.station_status(s, c) {
                    Some(StationStatus::Counted(e)) => self
                        .entry(e)
                        .and_then(|e| e.sheet.as_ref())
                        .ok_or_else(|| Refusal::NoSheetToCorrect {
                            station: station.clone(),
                            contest: contest.clone(),
                        })?,
                    Some(StationStatus::Voided(e)) => {
                        return Err(Refusal::StationIsVoided {
                            station: station.clone(),
                            contest: contest.clone(),
                            voided_at: self.entry_seq(e),
                        })
                    }
                    _ => {
                        return Err(Refusal::NoSheetToCorrect {
                            station: station.clone(),
                            contest: contest.clone(),
                        })
                    }
                };
                if let Some(id) = answers {
                    let objection = self.open_objection(*id)?;
                    self.objection_matches(objection, s, c)?;
                }
                let packed = PackedSheet::pack(sheet);
                if *old == packed {
                    return Err(Refusal::CorrectionChangesNothing {
                        station: station.clone(),
                        contest: contest.clone(),
                    });
                }
                self.check_sheet(station, contest, c, sheet)?;
                let fingerprint = known_fingerprint.unwrap_or_else(|| sheet.numbers_fingerprint());
                Plan::SetSheet {
                    station: s,
                    contest: c,
                    flags: self.flags_for(s, c, sheet, fingerprint, Some(old)),
                    kind: EntryKind::Corrected,
                    sheet: packed,
                    fingerprint,
                    note: Some(Box::new(EntryNote {
                        reason: reason.clone(),
                        answers: *answers,
                    })),
                }
            }
            Event::RevoteRecorded {
                station,
                contest,
                reason,
            }
            | Event::StationVoided {
                station,
                contest,
                reason,
            } => {
                let officer = self.require(author, act, RoleKind::Official)?;
                self.require_plenary_rank(officer)?;
                let (s, c) = self.station_in_contest(station, contest)?;
                self.require_covers(officer, Place::Station(s))?;
                require_reason("legal reason", reason)?;
                let status = self.station_status(s, c);
                let kind = if act == Act::VoidStation {
                    if let Some(StationStatus::Voided(e)) = status {
                        return Err(Refusal::StationIsVoided {
                            station: station.clone(),
                            contest: contest.clone(),
                            voided_at: self.entry_seq(e),
                        });
                    }
                    EntryKind::Voided
                } else {
                    if let Some(StationStatus::RevotePending(e)) = status {
                        return Err(Refusal::RevoteAlreadyPending {
                            station: station.clone(),
                            contest: contest.clone(),
                            since_seq: self.entry_seq(e),
                        });
                    }
                    EntryKind::RevoteRecorded
                };
                Plan::Clear {
                    station: s,
                    contest: c,
                    kind,
                    note: Box::new(EntryNote {
                        reason: reason.clone(),
                        answers: None,
                    }),
                }
            }
            Event::ObjectionFiled {
                place,
                contest,
                text,
            } => {
                let officer = self.require(author, act, RoleKind::Witness)?;
                let c = self.find_contest(contest)?;
                if let Role::Witness {
                    contest: witness_contest,
                    ..
                } = &officer.role
                {
                    if witness_contest != contest {
                        return Err(Refusal::WitnessOfOtherContest {
                            witness_contest: witness_contest.clone(),
                            contest: contest.clone(),
                        });
                    }
                }
                let p = self
                    .election
                    .locate(place)
                    .ok_or_else(|| Refusal::UnknownPlace {
                        code: place.clone(),
                    })?;
                if !self.election.contest_covers(c, p) {
                    return Err(Refusal::NotInContest {
                        place: place.clone(),
                        contest: contest.clone(),
                    });
                }
                self.require_covers(officer, p)?;
                require_reason("objection text", text)?;
                Plan::File {
                    place: p,
                    contest: c,
                    text: text.clone(),
                }
            }
            Event::ObjectionResolved {
                objection,
                resolution,
                reason,
            } => {
                let officer = self.require(author, act, RoleKind::Official)?;
                let o = self.open_objection(*objection)?;
                self.require_covers(officer, o.place)?;
                self.require_plenary_rank(officer)?;
                let resolved_by = EventId {
                    seq: envelope.seq,
                    index,
                };
                let status = match resolution {
                    Resolution::Accepted { correction } => {
                        let entry = self
                            .correction(*correction)
                            .and_then(|e| self.entry(e))
                            .ok_or(Refusal::UnknownCorrection { id: *correction })?;
                        if *correction < o.id {
                            return Err(Refusal::CorrectionPredatesObjection {
                                objection: o.id,
                                correction: *correction,
                            });
                        }
                        self.objection_matches(o, entry.station, entry.contest)?;
                        ObjectionStatus::Accepted {
                            correction: *correction,
                            resolved_by,
                            reason: reason.clone(),
                        }
                    }
                    Resolution::Rejected => ObjectionStatus::Rejected {
                        resolved_by,
                        reason: reason.clone(),
                    },
                };
                require_resolution_reason(resolution, reason)?;
                Plan::Resolve {
                    id: *objection,
                    status,
                }
            }
            Event::SheetSource {
                station, contest, ..
            } => {
                // The operator who may submit the station's sheet may say where it came from.
                let officer = self.require(author, act, RoleKind::Operator)?;
                let (station, contest) = self.station_in_contest(station, contest)?;
                self.require_covers(officer, Place::Station(station))?;
                Plan::NoteSource { station, contest }
            }
            Event::PlenaryApproved {
                region,
                contest,
                digest,
                signatures,
                refusals,
            } => {
                let officer = self.require(author, act, RoleKind::Official)?;
                let c = self.find_contest(contest)?;
                let r =
                    self.election
                        .find_region(region)
                        .ok_or_else(|| Refusal::UnknownRegion {
                            code: region.clone(),
                        })?;
                let level = self.election.tree().level(r).unwrap_or(u32::MAX);
                if !self.election.level(level).is_some_and(|l| l.holds_plenary) {
                    return Err(Refusal::LevelHoldsNoPlenary {
                        region: region.clone(),
                        level: self.election.level_key(level).to_string(),
                    });
                }
                if !self.election.contest_covers(c, Place::Region(r)) {
                    return Err(Refusal::NotInContest {
                        place: region.clone(),
                        contest: contest.clone(),
                    });
                }
                if officer.scope != r {
                    return Err(Refusal::NotOfficialOfRegion {
                        scope: self.code(officer.scope),
                        region: region.clone(),
                    });
                }
                require_stations(&self.election, r, region)?;
                let statement = ApprovalStatement {
                    definition_hash: self.election.hash(),
                    region: region.clone(),
                    contest: contest.clone(),
                    digest: *digest,
                }
                .bytes();
                let mut seen = BTreeSet::new();
                let mut signers = Vec::with_capacity(signatures.len());
                for signature in signatures {
                    let key = signature.witness;
                    self.check_witness(&key, &mut seen, contest, r)?;
                    let verifies = VerifyingKey::from_bytes(&key).is_ok_and(|vk| {
                        vk.verify_strict(&statement, &Signature::from_bytes(&signature.signature))
                            .is_ok()
                    });
                    if !verifies {
                        return Err(Refusal::BadWitnessSignature { key });
                    }
                    signers.push(key);
                }
                for refusal in refusals {
                    self.check_witness(&refusal.witness, &mut seen, contest, r)?;
                    require_reason("refusal reason", &refusal.reason)?;
                }
                approvals
                    .check_approval(self, r, c, digest)
                    .map_err(Refusal::ApprovalCheck)?;
                Plan::Approve {
                    region: r,
                    contest: c,
                    digest: *digest,
                    signers,
                    refusals: refusals.clone(),
                    open_objections: self.open_objections(r, c),
                }
            }
        };
        Ok(Decision { plan })
    }

    fn open_objection(&self, id: EventId) -> Result<&Objection, Refusal> {
        let o = self
            .objections
            .get(&id)
            .ok_or(Refusal::UnknownObjection { id })?;
        match &o.status {
            ObjectionStatus::Open => Ok(o),
            ObjectionStatus::Accepted { resolved_by, .. }
            | ObjectionStatus::Rejected { resolved_by, .. } => Err(Refusal::ObjectionNotOpen {
                id,
                resolved_at: resolved_by.seq,
            }),
        }
    }

    /// A correction of `station` answers objection `o` only for the same contest and a
    /// station under the objection's place.
    fn objection_matches(
        &self,
        o: &Objection,
        station: StationId,
        contest: ContestIdx,
    ) -> Result<(), Refusal> {
        if o.contest != contest {
            let name = |c: ContestIdx| {
                self.election
                    .contest(c)
                    .map(|c| c.id.clone())
                    .unwrap_or_default()
            };
            return Err(Refusal::ObjectionContestMismatch {
                id: o.id,
                objection_contest: name(o.contest),
                contest: name(contest),
            });
        }
        if !self.election.tree().covers_place(o.place, station) {
            return Err(Refusal::OutsideObjection {
                id: o.id,
                station: self.election.place_code(Place::Station(station)),
                place: self.election.place_code(o.place),
            });
        }
        Ok(())
    }

    fn check_witness(
        &self,
        key: &[u8; 32],
        seen: &mut BTreeSet<[u8; 32]>,
        contest: &str,
        region: RegionIdx,
    ) -> Result<(), Refusal> {
        if !seen.insert(*key) {
            return Err(Refusal::DuplicateWitness { key: *key });
        }
        let officer = self
            .officers
            .get(key)
            .ok_or(Refusal::NotAWitness { key: *key })?;
        if let Some(at) = officer.revoked_at {
            return Err(Refusal::WitnessRevoked {
                key: *key,
                revoked_at: at.seq,
            });
        }
        let Role::Witness {
            contest: witness_contest,
            ..
        } = &officer.role
        else {
            return Err(Refusal::NotAWitness { key: *key });
        };
        if witness_contest != contest {
            return Err(Refusal::WitnessOfOtherContest {
                witness_contest: witness_contest.clone(),
                contest: contest.to_string(),
            });
        }
        if !self.election.tree().region_covers(officer.scope, region) {
            return Err(Refusal::WitnessOutOfScope {
                key: *key,
                scope: self.code(officer.scope),
                region: self.code(region),
            });
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------- transaction

enum Undo {
    OfficerInserted([u8; 32]),
    OfficerRevoked([u8; 32]),
    Slot {
        station: StationId,
        contest: ContestIdx,
        old: Slot,
    },
    CorrectionInserted(EventId),
    ObjectionInserted(EventId),
    ObjectionStatus(EventId, ObjectionStatus),
    LatestApproval((RegionIdx, ContestIdx), Option<ApprovalIdx>),
    Fingerprint((ContestIdx, u64), Option<u32>),
    Neighbourhood((RegionIdx, ContestIdx), Option<Neighbourhood>),
}

/// The events of one record being applied. Dropped without [`Transaction::commit`], it
/// undoes every event it applied: a payload applies all or none.
pub struct Transaction<'a> {
    state: &'a mut State,
    envelope: Envelope,
    /// The author's officer index (`u32::MAX` for the registrar).
    author: OfficerIdx,
    next_index: u32,
    journal: Vec<Undo>,
    /// The neighbourhood whose change was journaled last: its value from before this
    /// transaction is already in the journal, so changing it again needs no second copy.
    neighbourhood_journaled: Option<(RegionIdx, ContestIdx)>,
    entries_len: usize,
    approvals_len: usize,
    last_seq: u64,
    done: bool,
}

impl Transaction<'_> {
    /// The state with this transaction's events so far applied.
    pub fn state(&self) -> &State {
        self.state
    }

    /// Decides the payload's next event and applies it if allowed. A refused event changes
    /// nothing (but the payload as a whole should then be dropped).
    pub fn execute(
        &mut self,
        event: &Event,
        approvals: &dyn ApprovalCheck,
    ) -> Result<Effect, Refusal> {
        self.execute_with(event, approvals, None)
    }

    /// [`Transaction::execute`] with the sheet's fingerprint if already known.
    fn execute_with(
        &mut self,
        event: &Event,
        approvals: &dyn ApprovalCheck,
        fingerprint: Option<u64>,
    ) -> Result<Effect, Refusal> {
        let index = self.next_index;
        let decision =
            self.state
                .decide_with(&self.envelope, index, event, approvals, fingerprint)?;
        self.next_index = self.next_index.saturating_add(1);
        let id = EventId {
            seq: self.envelope.seq,
            index,
        };
        let change = self.apply(id, decision.plan);
        Ok(Effect { id, change })
    }

    /// Keeps every applied event.
    pub fn commit(mut self) {
        self.done = true;
    }

    fn set_slot(&mut self, station: StationId, contest: ContestIdx, slot: Slot) {
        if let Some(s) = self.state.slot_mut(station, contest) {
            let old = std::mem::replace(s, slot);
            self.journal.push(Undo::Slot {
                station,
                contest,
                old,
            });
        }
    }

    fn count_sheet(
        &mut self,
        station: StationId,
        contest: ContestIdx,
        sheet: &PackedSheet,
        fingerprint: u64,
        add: bool,
    ) {
        let old = self.state.fingerprints.step(contest, fingerprint, add);
        self.journal
            .push(Undo::Fingerprint((contest, fingerprint), old));
        if let Some((holder, _)) = self.state.election.tree().station_holder(station) {
            let key = (holder, contest);
            // Undo runs backwards, so the first copy of a neighbourhood's value is the one
            // that counts; a bulk payload changes one village's neighbourhood many times in
            // a row.
            let journaled = self.neighbourhood_journaled == Some(key);
            let entry = self.state.neighbourhoods.entry(key).or_default();
            let old = (!journaled).then(|| entry.clone());
            if add {
                entry.add(sheet);
            } else {
                entry.remove(sheet);
            }
            if entry.sheets == 0 {
                self.state.neighbourhoods.remove(&key);
            }
            if let Some(old) = old {
                self.journal
                    .push(Undo::Neighbourhood(key, (old.sheets > 0).then_some(old)));
                self.neighbourhood_journaled = Some(key);
            }
        }
    }

    fn push_entry(
        &mut self,
        id: EventId,
        station: StationId,
        contest: ContestIdx,
        kind: EntryKind,
        sheet: Option<PackedSheet>,
        note: Option<Box<EntryNote>>,
    ) -> EntryIdx {
        let previous = self.state.slot(station, contest).and_then(|s| s.head);
        let author = self.author;
        let entry = EntryIdx(self.state.entries.len() as u32);
        self.state.entries.push(StationEntry {
            id,
            recorded_at_ms: self.envelope.recorded_at_ms,
            author,
            station,
            contest,
            kind,
            sheet,
            note,
            previous,
        });
        entry
    }

    /// The sheet counting for a station now, and its fingerprint.
    fn counted(
        &self,
        station: StationId,
        contest: ContestIdx,
    ) -> Option<(EntryIdx, PackedSheet, u64)> {
        match self.state.slot(station, contest)?.status {
            StationStatus::Counted(e) => {
                let sheet = self.state.entry(e)?.sheet.clone()?;
                let fingerprint = sheet.unpack().numbers_fingerprint();
                Some((e, sheet, fingerprint))
            }
            _ => None,
        }
    }

    fn apply(&mut self, id: EventId, plan: Plan) -> Change {
        match plan {
            Plan::Register { key, role, scope } => {
                let index = OfficerIdx(self.state.officer_keys.len() as u32);
                self.state.officer_keys.push(key);
                self.state.officers.insert(
                    key,
                    Officer {
                        index,
                        key,
                        role,
                        scope,
                        registered_at: id,
                        revoked_at: None,
                    },
                );
                self.journal.push(Undo::OfficerInserted(key));
                Change::OfficerRegistered { key }
            }
            Plan::Revoke { key } => {
                if let Some(o) = self.state.officers.get_mut(&key) {
                    o.revoked_at = Some(id);
                    self.journal.push(Undo::OfficerRevoked(key));
                }
                Change::OfficerRevoked { key }
            }
            Plan::SetSheet {
                station,
                contest,
                kind,
                sheet,
                fingerprint,
                note,
                flags,
            } => {
                let old = self.counted(station, contest);
                if let Some((_, old_sheet, old_fingerprint)) = &old {
                    self.count_sheet(station, contest, old_sheet, *old_fingerprint, false);
                }
                self.count_sheet(station, contest, &sheet, fingerprint, true);
                let entry = self.push_entry(id, station, contest, kind, Some(sheet), note);
                if kind == EntryKind::Corrected {
                    self.state.corrections.insert(id, entry);
                    self.journal.push(Undo::CorrectionInserted(id));
                }
                self.set_slot(
                    station,
                    contest,
                    Slot {
                        head: Some(entry),
                        status: StationStatus::Counted(entry),
                    },
                );
                Change::SheetSet {
                    station,
                    contest,
                    entry,
                    replaced: old.map(|(e, _, _)| e),
                    flags,
                }
            }
            Plan::Clear {
                station,
                contest,
                kind,
                note,
            } => {
                let old = self.counted(station, contest);
                if let Some((_, old_sheet, old_fingerprint)) = &old {
                    self.count_sheet(station, contest, old_sheet, *old_fingerprint, false);
                }
                let entry = self.push_entry(id, station, contest, kind, None, Some(note));
                let status = if kind == EntryKind::Voided {
                    StationStatus::Voided(entry)
                } else {
                    StationStatus::RevotePending(entry)
                };
                self.set_slot(
                    station,
                    contest,
                    Slot {
                        head: Some(entry),
                        status,
                    },
                );
                Change::SheetCleared {
                    station,
                    contest,
                    entry,
                    removed: old.map(|(e, _, _)| e),
                }
            }
            Plan::File {
                place,
                contest,
                text,
            } => {
                self.state.objections.insert(
                    id,
                    Objection {
                        id,
                        author: self.envelope.author,
                        place,
                        contest,
                        text,
                        status: ObjectionStatus::Open,
                    },
                );
                self.journal.push(Undo::ObjectionInserted(id));
                Change::ObjectionFiled { id }
            }
            Plan::Resolve {
                id: objection,
                status,
            } => {
                if let Some(o) = self.state.objections.get_mut(&objection) {
                    let old = std::mem::replace(&mut o.status, status);
                    self.journal.push(Undo::ObjectionStatus(objection, old));
                }
                Change::ObjectionResolved { id: objection }
            }
            Plan::Approve {
                region,
                contest,
                digest,
                signers,
                refusals,
                open_objections,
            } => {
                let approval = ApprovalIdx(self.state.approvals.len() as u32);
                self.state.approvals.push(Approval {
                    id,
                    recorded_at_ms: self.envelope.recorded_at_ms,
                    official: self.envelope.author,
                    region,
                    contest,
                    digest,
                    signers,
                    refusals,
                    open_objections,
                });
                let key = (region, contest);
                let old = self.state.latest_approval.insert(key, approval);
                self.journal.push(Undo::LatestApproval(key, old));
                Change::PlenaryApproved { approval }
            }
            Plan::NoteSource { station, contest } => Change::SheetSourceNoted { station, contest },
        }
    }

    fn rollback(&mut self) {
        while let Some(undo) = self.journal.pop() {
            let s = &mut *self.state;
            match undo {
                Undo::OfficerInserted(key) => {
                    s.officers.remove(&key);
                    s.officer_keys.pop();
                }
                Undo::OfficerRevoked(key) => {
                    if let Some(o) = s.officers.get_mut(&key) {
                        o.revoked_at = None;
                    }
                }
                Undo::Slot {
                    station,
                    contest,
                    old,
                } => {
                    if let Some(slot) = s.slot_mut(station, contest) {
                        *slot = old;
                    }
                }
                Undo::CorrectionInserted(id) => {
                    s.corrections.remove(&id);
                }
                Undo::ObjectionInserted(id) => {
                    s.objections.remove(&id);
                }
                Undo::ObjectionStatus(id, old) => {
                    if let Some(o) = s.objections.get_mut(&id) {
                        o.status = old;
                    }
                }
                Undo::LatestApproval(key, old) => match old {
                    Some(a) => {
                        s.latest_approval.insert(key, a);
                    }
                    None => {
                        s.latest_approval.remove(&key);
                    }
                },
                Undo::Fingerprint((contest, fingerprint), old) => {
                    s.fingerprints.set(contest, fingerprint, old);
                }
                Undo::Neighbourhood(key, old) => match old {
                    Some(n) => {
                        s.neighbourhoods.insert(key, n);
                    }
                    None => {
                        s.neighbourhoods.remove(&key);
                    }
                },
            }
        }
        self.state.entries.truncate(self.entries_len);
        self.state.approvals.truncate(self.approvals_len);
        self.state.last_seq = self.last_seq;
    }
}

impl Drop for Transaction<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.rollback();
        }
    }
}
