//! The state without its sheets: the officers, objections, approvals and log keys only (the
//! "authority part"), for deciding an approval, an objection or a rejection against a saved,
//! checked copy of that part instead of a replay of every sheet (docs/ARCHITECTURE.md, "The
//! saved authority state").
//!
//! Such a state is an [`AuthorityState`]: it decides through [`AuthorityState::execute`],
//! which runs the one decision code ([`State::execute_payload`]) but refuses, before deciding
//! anything, a payload with an event that reads the sheets' part (a submission, correction,
//! re-vote, void, source note, or an accepted resolution, which names a correction), or
//! names a key it has not checked. The inner [`State`] is only lent for reading; deciding a
//! sheet event on it is refused by [`State::decide`] itself (R8: no sheet event is within
//! the limits of a state that holds none), never answered from the missing part.

use std::collections::BTreeMap;

use super::{Approval, ApprovalCheck, ApprovalIdx, Objection, Officer, OfficerIdx, State};
use crate::definition::Election;
use crate::error::{LimitError, PayloadRefusal, Refusal};
use crate::event::{Envelope, Event, Payload, Resolution};
use crate::fingerprints::FingerprintCounts;
use crate::genesis::{LogKeyPeriod, LogKeys};
use crate::keys::check_key;
use crate::regions::Place;

/// What of a [`State`] a saved authority state holds: everything the decisions of officers,
/// objections, rejections and approvals read, and nothing of the sheets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorityPart {
    /// The last record applied.
    pub last_seq: u64,
    /// Every officer ever registered, in registration order (initial officers first).
    pub officers: Vec<Officer>,
    /// Every objection, by id.
    pub objections: Vec<Objection>,
    /// Every approval, in log order.
    pub approvals: Vec<Approval>,
    /// The checkpoints' origin line and every log key, oldest first.
    pub log_origin: String,
    pub log_keys: Vec<LogKeyPeriod>,
}

/// Why an [`AuthorityState`] cannot take a part or decide a payload: the caller replays the
/// log instead (derived state is never a reason to fail).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NeedsReplay {
    /// Not one event, or one that reads the sheets' state.
    #[error("the payload is not one event that reads no sheet")]
    ReadsSheets,
    #[error("the saved authority state does not hold together: {0}")]
    Inconsistent(String),
    #[error("a key the payload names did not check")]
    UncheckedKey,
    /// The approval check from the saved views could not allow the approval: the replay's
    /// projection gives the refusal with its details.
    #[error("the saved views do not allow the approval")]
    CheckUndecided,
}

/// Whether deciding `event` reads the sheets' part of the state.
pub(super) fn reads_sheets(event: &Event) -> bool {
    match event {
        Event::SheetSubmitted { .. }
        | Event::SheetCorrected { .. }
        | Event::RevoteRecorded { .. }
        | Event::StationVoided { .. }
        | Event::SheetSource { .. } => true,
        Event::ObjectionResolved { resolution, .. } => {
            matches!(resolution, Resolution::Accepted { .. })
        }
        Event::OfficerRegistered { .. }
        | Event::OfficerRevoked { .. }
        | Event::ObjectionFiled { .. }
        | Event::PlenaryApproved { .. } => false,
    }
}

/// The refusal of a sheet event decided on a state without sheets (see the module's note).
pub(super) fn without_sheets() -> Refusal {
    Refusal::Limit(LimitError::TooMany {
        field: "sheet events decided against a state without sheets",
        count: 1,
        limit: 0,
    })
}

impl State {
    /// The authority part of this state (what a saved authority state holds).
    pub fn authority_part(&self) -> AuthorityPart {
        AuthorityPart {
            last_seq: self.last_seq,
            officers: (self.officer_keys.iter())
                .filter_map(|key| self.officers.get(key).cloned())
                .collect(),
            objections: self.objections.values().cloned().collect(),
            approvals: self.approvals.clone(),
            log_origin: self.log_keys.origin().to_owned(),
            log_keys: self.log_keys.periods().to_vec(),
        }
    }

    /// Whether this state holds the sheets' part (every state but an [`AuthorityState`]'s).
    pub fn holds_sheets(&self) -> bool {
        self.holds_sheets
    }
}

/// A [`State`] of the election and a saved authority part, with no sheets.
#[derive(Debug, Clone)]
pub struct AuthorityState {
    state: State,
}

impl AuthorityState {
    /// The state of `election` (its officers are `part`'s, not the definition's) and `part`,
    /// checked to hold together: officers in registration order, scopes, places, contests
    /// and approvals' regions inside the election, ids before `last_seq`.
    pub fn new(election: Election, part: AuthorityPart) -> Result<AuthorityState, NeedsReplay> {
        let bad = |what: &str| NeedsReplay::Inconsistent(what.to_owned());
        let regions = election.tree().region_count();
        let contests = election.contests().len() as u32;
        let mut officers = BTreeMap::new();
        let mut officer_keys = Vec::with_capacity(part.officers.len());
        for (position, officer) in part.officers.into_iter().enumerate() {
            let in_order = officer.index == OfficerIdx(position as u32);
            let known = officer.scope.0 < regions && officer.registered_at.seq <= part.last_seq;
            if !in_order || !known || officers.contains_key(&officer.key) {
                return Err(bad("an officer out of order or outside the election"));
            }
            officer_keys.push(officer.key);
            officers.insert(officer.key, officer);
        }
        let mut objections = BTreeMap::new();
        for objection in part.objections {
            let place_known = match objection.place {
                Place::Region(region) => region.0 < regions,
                Place::Station(station) => station.0 < election.tree().station_count(),
            };
            if !place_known || objection.contest.0 >= contests || objection.id.seq > part.last_seq {
                return Err(bad("an objection outside the election"));
            }
            if objections.insert(objection.id, objection).is_some() {
                return Err(bad("an objection twice"));
            }
        }
        let mut latest_approval = BTreeMap::new();
        let mut last_id = None;
        for (index, approval) in part.approvals.iter().enumerate() {
            let known = approval.region.0 < regions && approval.contest.0 < contests;
            if !known || last_id >= Some(approval.id) || approval.id.seq > part.last_seq {
                return Err(bad("an approval out of order or outside the election"));
            }
            last_id = Some(approval.id);
            latest_approval.insert(
                (approval.region, approval.contest),
                ApprovalIdx(index as u32),
            );
        }
        let log_keys = LogKeys::saved(part.log_origin, election.registrar(), part.log_keys)
            .ok_or_else(|| bad("no log key"))?;
        let contests_state = Vec::new();
        Ok(AuthorityState {
            state: State {
                election,
                last_seq: part.last_seq,
                officers,
                officer_keys,
                contests: contests_state,
                entries: Vec::new(),
                corrections: BTreeMap::new(),
                objections,
                approvals: part.approvals,
                latest_approval,
                fingerprints: FingerprintCounts::with_expected(0),
                neighbourhoods: BTreeMap::new(),
                log_keys,
                holds_sheets: false,
            },
        })
    }

    /// Whether a payload of `events` may be decided by [`AuthorityState::execute`] (one
    /// event that reads no sheet); the keys it names are checked there.
    pub fn may_decide(events: &[Event]) -> bool {
        events.len() == 1 && !events.iter().any(reads_sheets)
    }

    /// The state, for reading (its election, officers, objections, approvals, log keys).
    /// A sheet event decided on it is refused, never answered from the missing sheets.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// Decides and applies `payload` (one `Events` payload of one event that reads no sheet,
    /// every key it names checked) with [`State::execute_payload`]: `Err` when it cannot be
    /// decided here (replay instead), else the model's own answer.
    pub fn execute(
        &mut self,
        envelope: &Envelope,
        payload: &Payload,
        approvals: &dyn ApprovalCheck,
    ) -> Result<Result<Vec<super::Effect>, PayloadRefusal>, NeedsReplay> {
        let Payload::Events { events, .. } = payload else {
            return Err(NeedsReplay::ReadsSheets);
        };
        // One event: an approval check answered from saved state is of the head before the
        // payload, not of a payload's earlier events.
        if !AuthorityState::may_decide(events) {
            return Err(NeedsReplay::ReadsSheets);
        }
        // The saved officers' keys were checked when they were registered (or by the
        // genesis' `Election::new`); a key read back from a derived file is checked again
        // before any decision relies on it, and only those this payload names.
        let mut named = vec![envelope.author];
        for event in events {
            match event {
                Event::PlenaryApproved {
                    signatures,
                    refusals,
                    ..
                } => {
                    named.extend(signatures.iter().map(|signature| signature.witness));
                    named.extend(refusals.iter().map(|refusal| refusal.witness));
                }
                Event::OfficerRevoked { key, .. } | Event::OfficerRegistered { key, .. } => {
                    named.push(*key)
                }
                _ => {}
            }
        }
        let unchecked = named
            .iter()
            .any(|key| self.state.officers.contains_key(key) && check_key(key).is_err());
        if unchecked {
            return Err(NeedsReplay::UncheckedKey);
        }
        Ok(self.state.execute_payload(envelope, payload, approvals))
    }
}
