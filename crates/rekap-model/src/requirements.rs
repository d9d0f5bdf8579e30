//! Small conditions [`crate::State::decide`] shares between event kinds, kept out of
//! `state/` (each names its rule of docs/RULES.md).

use crate::definition::Election;
use crate::error::Refusal;
use crate::event::Resolution;
use crate::regions::RegionIdx;

/// R38: a required reason (or text) holds something besides whitespace.
pub(crate) fn require_reason(field: &'static str, reason: &str) -> Result<(), Refusal> {
    if reason.trim().is_empty() {
        return Err(Refusal::MissingReason { field });
    }
    Ok(())
}

/// R38 for a resolution: accepting an objection needs a reason as much as rejecting one.
pub(crate) fn require_resolution_reason(
    resolution: &Resolution,
    reason: &str,
) -> Result<(), Refusal> {
    let field = match resolution {
        Resolution::Accepted { .. } => "acceptance reason",
        Resolution::Rejected => "rejection reason",
    };
    require_reason(field, reason)
}

/// R53: a region is approved only if some polling station lies under it; an approval of
/// no stations would certify an empty digest that no sheet can ever change.
pub(crate) fn require_stations(
    election: &Election,
    region: RegionIdx,
    code: &str,
) -> Result<(), Refusal> {
    if election.tree().stations_under(region).is_empty() {
        return Err(Refusal::RegionHasNoStations {
            region: code.to_string(),
        });
    }
    Ok(())
}
