//! The genesis and the officers: the state started from the definition's initial officers,
//! and the registrar's registrations and revocations (docs/RULES.md, R13 to R21), each
//! decision with its effect.

use std::collections::BTreeMap;

use super::transaction::Undo;
use super::{Change, Context, State, Transaction};
use crate::definition::{ContestIdx, Election, Role};
use crate::error::Refusal;
use crate::event::{Envelope, EventId};
use crate::fingerprints::FingerprintCounts;
use crate::genesis::{Genesis, LogKeyPeriod, LogKeys};
use crate::regions::RegionIdx;
use crate::requirements::require_reason;

use super::sheets::{ContestState, Slot};
use super::OfficerIdx;

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

/// A registration the registrar may make.
#[derive(Debug, Clone)]
pub(super) struct Registration {
    key: [u8; 32],
    role: Role,
    scope: RegionIdx,
}

/// A revocation the registrar may make.
#[derive(Debug, Clone)]
pub(super) struct Revocation {
    key: [u8; 32],
}

impl State {
    /// As [`State::genesis`], from the genesis itself.
    pub fn from_genesis(envelope: &Envelope, genesis: Genesis) -> Result<State, Refusal> {
        let Genesis { definition, log } = genesis;
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
        let log_keys = LogKeys::from_genesis(&log, &election.hash(), &election.registrar())?;
        let contests: Vec<ContestState> = (0..election.contests().len() as u32)
            .map(|c| {
                let range = election
                    .contest_scope(ContestIdx(c))
                    .map(|r| election.tree().stations_under(r))
                    .unwrap_or(0..0);
                ContestState {
                    base: range.start,
                    slots: vec![Slot::default(); range.len()],
                    has_parts: election
                        .contest(ContestIdx(c))
                        .is_some_and(|contest| !contest.parts.is_empty()),
                }
            })
            .collect();
        let sheets = contests.iter().map(|c| c.slots.len() as u64).sum();
        let mut officers = BTreeMap::new();
        let mut officer_keys = Vec::new();
        for officer in &election.definition().initial_officers {
            // Election::new checked each initial officer whole (key, role, scope: R16, held
            // by holes.rs h05): only the scope's index is wanted here, not the curve checks
            // of 7,831 keys a second time (a national replay's 6%).
            let scope =
                election
                    .find_region(&officer.scope)
                    .ok_or_else(|| Refusal::UnknownRegion {
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
            log_keys,
            holds_sheets: true,
        })
    }

    /// R13, R16, R65: the registrar names a new log key, one it never had.
    pub(super) fn decide_log_key_rotation(
        &self,
        author: &[u8; 32],
        key: &[u8; 32],
    ) -> Result<(), Refusal> {
        self.log_keys.check_rotation(author, key)
    }

    pub(super) fn decide_registration(
        &self,
        context: &Context<'_>,
        key: &[u8; 32],
        role: &Role,
        scope: &str,
    ) -> Result<Registration, Refusal> {
        if *context.author != self.election.registrar() {
            return Err(Refusal::NotRegistrar {
                act: context.act,
                author: *context.author,
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
        Ok(Registration {
            key: *key,
            role: role.clone(),
            scope,
        })
    }

    pub(super) fn decide_revocation(
        &self,
        context: &Context<'_>,
        key: &[u8; 32],
        reason: &str,
    ) -> Result<Revocation, Refusal> {
        if *context.author != self.election.registrar() {
            return Err(Refusal::NotRegistrar {
                act: context.act,
                author: *context.author,
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
        Ok(Revocation { key: *key })
    }
}

impl Transaction<'_> {
    /// The rotated key signs from the tree that holds this record on.
    pub(super) fn apply_log_key_rotation(&mut self, key: [u8; 32]) -> Change {
        let from_size = self.envelope.seq;
        self.state.log_keys.push(LogKeyPeriod { from_size, key });
        self.journal.push(Undo::LogKeyPushed);
        Change::LogKeyRotated { key, from_size }
    }

    pub(super) fn apply_registration(&mut self, id: EventId, plan: Registration) -> Change {
        let Registration { key, role, scope } = plan;
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

    pub(super) fn apply_revocation(&mut self, id: EventId, plan: Revocation) -> Change {
        let key = plan.key;
        if let Some(o) = self.state.officers.get_mut(&key) {
            o.revoked_at = Some(id);
            self.journal.push(Undo::OfficerRevoked(key));
        }
        Change::OfficerRevoked { key }
    }
}
