//! The transaction: the events of one record applied one by one, and the undo journal that
//! takes them all back unless the transaction is committed (a payload applies all or none).

use super::objections::ObjectionStatus;
use super::sheets::Slot;
use super::{ApprovalCheck, ApprovalIdx, Change, Effect, OfficerIdx, Plan, State};
use crate::definition::ContestIdx;
use crate::error::Refusal;
use crate::event::{Envelope, Event, EventId};
use crate::regions::{RegionIdx, StationId};
use crate::sheet::Neighbourhood;

/// One step to take back, in reverse order, when a transaction is dropped uncommitted.
pub(super) enum Undo {
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
    LogKeyPushed,
}

impl State {
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
}

/// The events of one record being applied. Dropped without [`Transaction::commit`], it
/// undoes every event it applied: a payload applies all or none.
pub struct Transaction<'a> {
    pub(super) state: &'a mut State,
    pub(super) envelope: Envelope,
    /// The author's officer index (`u32::MAX` for the registrar).
    pub(super) author: OfficerIdx,
    next_index: u32,
    pub(super) journal: Vec<Undo>,
    /// The neighbourhood whose change was journaled last: its value from before this
    /// transaction is already in the journal, so changing it again needs no second copy.
    pub(super) neighbourhood_journaled: Option<(RegionIdx, ContestIdx)>,
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
    pub(super) fn execute_with(
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

    pub(super) fn set_slot(&mut self, station: StationId, contest: ContestIdx, slot: Slot) {
        if let Some(s) = self.state.slot_mut(station, contest) {
            let old = std::mem::replace(s, slot);
            self.journal.push(Undo::Slot {
                station,
                contest,
                old,
            });
        }
    }

    fn apply(&mut self, id: EventId, plan: Plan) -> Change {
        match plan {
            Plan::Register(plan) => self.apply_registration(id, plan),
            Plan::Revoke(plan) => self.apply_revocation(id, plan),
            Plan::SetSheet(plan) => self.apply_sheet(id, plan),
            Plan::Clear(plan) => self.apply_clearing(id, plan),
            Plan::File(plan) => self.apply_filing(id, plan),
            Plan::Resolve(plan) => self.apply_resolution(plan),
            Plan::Approve(plan) => self.apply_approval(id, plan),
            Plan::NoteSource(plan) => super::sources::source_change(plan),
        }
    }

    fn rollback(&mut self) {
        while let Some(undo) = self.journal.pop() {
            let s = &mut *self.state;
            match undo {
                Undo::LogKeyPushed => s.log_keys.pop(),
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
