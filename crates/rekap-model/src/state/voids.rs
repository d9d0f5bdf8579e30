//! Re-votes and voids: an official sets a station's sheet aside, for a re-vote (PSU) or for
//! good (docs/RULES.md, R35, R36 and R38), the decision with its effect.

use super::sheets::{EntryKind, EntryNote, Slot, StationStatus};
use super::{Change, Context, State, Transaction};
use crate::definition::ContestIdx;
use crate::error::{Refusal, RoleKind};
use crate::event::{Act, EventId};
use crate::regions::{Place, StationId};
use crate::requirements::require_reason;

/// A station whose sheet stops counting: voided, or awaiting a re-vote.
#[derive(Debug, Clone)]
pub(super) struct ClearPlan {
    station: StationId,
    contest: ContestIdx,
    kind: EntryKind,
    note: Box<EntryNote>,
}

impl State {
    /// A re-vote (`Act::RecordRevote`) or a void (`Act::VoidStation`).
    pub(super) fn decide_clearing(
        &self,
        context: &Context<'_>,
        station: &str,
        contest: &str,
        reason: &str,
    ) -> Result<ClearPlan, Refusal> {
        let officer = self.require(context.author, context.act, RoleKind::Official)?;
        self.require_plenary_rank(officer)?;
        let (s, c) = self.station_in_contest(station, contest)?;
        self.require_covers(officer, Place::Station(s))?;
        require_reason("legal reason", reason)?;
        let status = self.station_status(s, c);
        let kind = if context.act == Act::VoidStation {
            if let Some(StationStatus::Voided(e)) = status {
                return Err(Refusal::StationIsVoided {
                    station: station.to_string(),
                    contest: contest.to_string(),
                    voided_at: self.entry_seq(e),
                });
            }
            EntryKind::Voided
        } else {
            if let Some(StationStatus::RevotePending(e)) = status {
                return Err(Refusal::RevoteAlreadyPending {
                    station: station.to_string(),
                    contest: contest.to_string(),
                    since_seq: self.entry_seq(e),
                });
            }
            EntryKind::RevoteRecorded
        };
        Ok(ClearPlan {
            station: s,
            contest: c,
            kind,
            note: Box::new(EntryNote {
                reason: reason.to_string(),
                answers: None,
            }),
        })
    }
}

impl Transaction<'_> {
    pub(super) fn apply_clearing(&mut self, id: EventId, plan: ClearPlan) -> Change {
        let ClearPlan {
            station,
            contest,
            kind,
            note,
        } = plan;
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
}
