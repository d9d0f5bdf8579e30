//! Plenary approvals: an official of a plenary level approves its region's recap for a
//! contest, with the witnesses' signatures and refusals (docs/RULES.md, R21, R24, R28, R31,
//! R32 and R53 to R61), the decision with its effect.

use std::collections::BTreeSet;

use ed25519_dalek::{Signature, VerifyingKey};

use super::transaction::Undo;
use super::{ApprovalIdx, Change, Context, State, Transaction};
use crate::definition::{ContestIdx, Role};
use crate::error::{Refusal, RoleKind};
use crate::event::{ApprovalStatement, EventId, WitnessRefusal, WitnessSignature};
use crate::regions::{Place, RegionIdx};
use crate::requirements::{require_reason, require_stations};

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

/// An approval an official may record.
#[derive(Debug, Clone)]
pub(super) struct ApprovalPlan {
    region: RegionIdx,
    contest: ContestIdx,
    digest: [u8; 32],
    signers: Vec<[u8; 32]>,
    refusals: Vec<WitnessRefusal>,
    open_objections: Vec<EventId>,
}

impl State {
    pub(super) fn decide_approval(
        &self,
        context: &Context<'_>,
        region: &str,
        contest: &str,
        digest: &[u8; 32],
        signatures: &[WitnessSignature],
        refusals: &[WitnessRefusal],
    ) -> Result<ApprovalPlan, Refusal> {
        let officer = self.require(context.author, context.act, RoleKind::Official)?;
        let c = self.find_contest(contest)?;
        let r = self
            .election
            .find_region(region)
            .ok_or_else(|| Refusal::UnknownRegion {
                code: region.to_string(),
            })?;
        let level = self.election.tree().level(r).unwrap_or(u32::MAX);
        if !self.election.level(level).is_some_and(|l| l.holds_plenary) {
            return Err(Refusal::LevelHoldsNoPlenary {
                region: region.to_string(),
                level: self.election.level_key(level).to_string(),
            });
        }
        if !self.election.contest_covers(c, Place::Region(r)) {
            return Err(Refusal::NotInContest {
                place: region.to_string(),
                contest: contest.to_string(),
            });
        }
        if officer.scope != r {
            return Err(Refusal::NotOfficialOfRegion {
                scope: self.code(officer.scope),
                region: region.to_string(),
            });
        }
        require_stations(&self.election, r, region)?;
        let statement = ApprovalStatement {
            definition_hash: self.election.hash(),
            region: region.to_string(),
            contest: contest.to_string(),
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
        context
            .approvals
            .check_approval(self, r, c, digest)
            .map_err(Refusal::ApprovalCheck)?;
        Ok(ApprovalPlan {
            region: r,
            contest: c,
            digest: *digest,
            signers,
            refusals: refusals.to_vec(),
            open_objections: self.open_objections(r, c),
        })
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

impl Transaction<'_> {
    pub(super) fn apply_approval(&mut self, id: EventId, plan: ApprovalPlan) -> Change {
        let ApprovalPlan {
            region,
            contest,
            digest,
            signers,
            refusals,
            open_objections,
        } = plan;
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
}
