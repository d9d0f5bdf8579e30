//! Objections: a witness files one about a place, an official resolves it (docs/RULES.md,
//! R23, R30, R38 and R47 to R52), each decision with its effect.

use super::transaction::Undo;
use super::{Change, Context, State, Transaction};
use crate::definition::{ContestIdx, Role};
use crate::error::{Refusal, RoleKind};
use crate::event::{EventId, Resolution};
use crate::regions::{Place, StationId};
use crate::requirements::{require_reason, require_resolution_reason};

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

/// An objection a witness may file.
#[derive(Debug, Clone)]
pub(super) struct Filing {
    place: Place,
    contest: ContestIdx,
    text: String,
}

/// A resolution an official may record.
#[derive(Debug, Clone)]
pub(super) struct ResolutionPlan {
    id: EventId,
    status: ObjectionStatus,
}

impl State {
    pub(super) fn decide_filing(
        &self,
        context: &Context<'_>,
        place: &str,
        contest: &str,
        text: &str,
    ) -> Result<Filing, Refusal> {
        let officer = self.require(context.author, context.act, RoleKind::Witness)?;
        let c = self.find_contest(contest)?;
        if let Role::Witness {
            contest: witness_contest,
            ..
        } = &officer.role
        {
            if witness_contest != contest {
                return Err(Refusal::WitnessOfOtherContest {
                    witness_contest: witness_contest.to_string(),
                    contest: contest.to_string(),
                });
            }
        }
        let p = self
            .election
            .locate(place)
            .ok_or_else(|| Refusal::UnknownPlace {
                code: place.to_string(),
            })?;
        if !self.election.contest_covers(c, p) {
            return Err(Refusal::NotInContest {
                place: place.to_string(),
                contest: contest.to_string(),
            });
        }
        self.require_covers(officer, p)?;
        require_reason("objection text", text)?;
        Ok(Filing {
            place: p,
            contest: c,
            text: text.to_string(),
        })
    }

    pub(super) fn decide_resolution(
        &self,
        context: &Context<'_>,
        objection: &EventId,
        resolution: &Resolution,
        reason: &str,
    ) -> Result<ResolutionPlan, Refusal> {
        let officer = self.require(context.author, context.act, RoleKind::Official)?;
        let o = self.open_objection(*objection)?;
        self.require_covers(officer, o.place)?;
        self.require_plenary_rank(officer)?;
        let resolved_by = context.id;
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
                    reason: reason.to_string(),
                }
            }
            Resolution::Rejected => ObjectionStatus::Rejected {
                resolved_by,
                reason: reason.to_string(),
            },
        };
        require_resolution_reason(resolution, reason)?;
        Ok(ResolutionPlan {
            id: *objection,
            status,
        })
    }

    pub(super) fn open_objection(&self, id: EventId) -> Result<&Objection, Refusal> {
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
    pub(super) fn objection_matches(
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
}

impl Transaction<'_> {
    pub(super) fn apply_filing(&mut self, id: EventId, plan: Filing) -> Change {
        let Filing {
            place,
            contest,
            text,
        } = plan;
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

    pub(super) fn apply_resolution(&mut self, plan: ResolutionPlan) -> Change {
        let ResolutionPlan {
            id: objection,
            status,
        } = plan;
        if let Some(o) = self.state.objections.get_mut(&objection) {
            let old = std::mem::replace(&mut o.status, status);
            self.journal.push(Undo::ObjectionStatus(objection, old));
        }
        Change::ObjectionResolved { id: objection }
    }
}
