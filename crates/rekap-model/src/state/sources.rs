//! Source notes: the operator who may submit a station's sheet says which document it came
//! from (`SheetSource`: the document's blake3 hash and photo URLs). Nothing in the state
//! changes; the note is in the log for an auditor, beside the sheet.

use super::{Change, Context, State};
use crate::definition::ContestIdx;
use crate::error::{Refusal, RoleKind};
use crate::regions::{Place, StationId};

/// A station and contest whose sheet's source is noted.
#[derive(Debug, Clone)]
pub(super) struct SourcePlan {
    station: StationId,
    contest: ContestIdx,
}

impl State {
    /// `Act::NoteSheetSource`: an operator covering the station, of a station in the contest.
    pub(super) fn decide_source(
        &self,
        context: &Context<'_>,
        station: &str,
        contest: &str,
    ) -> Result<SourcePlan, Refusal> {
        let officer = self.require(context.author, context.act, RoleKind::Operator)?;
        let (station, contest) = self.station_in_contest(station, contest)?;
        self.require_covers(officer, Place::Station(station))?;
        Ok(SourcePlan { station, contest })
    }
}

/// The change a source note makes: none to the numbers.
pub(super) fn source_change(plan: SourcePlan) -> Change {
    Change::SheetSourceNoted {
        station: plan.station,
        contest: plan.contest,
    }
}
