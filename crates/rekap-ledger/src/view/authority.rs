//! The totals view as an append that changes no sheet uses it (an approval, an objection, a
//! rejection: `crate::thin`): the approval check answered from the lines of the head, and
//! the view brought forward with the rewritten lines' totals and digests unchanged.
//!
//! Neither computes a total or a digest: an event that reads no sheet changes no region's
//! totals or digest (those depend on the sheets alone), only the labels of approvals and the
//! counts of open objections, which are computed by the projection's own `approval_state_of`
//! and the state's `open_objections`, as for every other line.

use std::cell::Cell;

use rekap_log::Head;
use rekap_model::{ApprovalCheck, ApprovalCheckFailure, ContestIdx, Place, RegionIdx, State};
use rekap_projection::{projection_digest_given, Totals};

use super::patch::ContestLines;
use super::TotalsView;

/// [`ApprovalCheck`] answered from a complete totals view of the head, as the projection
/// answers it: no station missing under the region, every child at a plenary level
/// approved and fresh, the claimed digest the region's. It only ever allows: whenever the
/// projection would refuse (or a line does not read), it refuses with
/// [`ApprovalCheckFailure::Other`] and remembers it ([`ViewApprovalCheck::undecided`]), so
/// that the caller replays and gives the projection's own refusal, with its details.
pub struct ViewApprovalCheck<'a> {
    view: &'a TotalsView,
    row_of: &'a [u32],
    undecided: Cell<bool>,
}

impl<'a> ViewApprovalCheck<'a> {
    pub fn new(view: &'a TotalsView, state: &State) -> ViewApprovalCheck<'a> {
        ViewApprovalCheck {
            view,
            row_of: view.row_of(state),
            undecided: Cell::new(false),
        }
    }

    /// Whether a check was not allowed here: the decision must be made again by a replay.
    pub fn undecided(&self) -> bool {
        self.undecided.get()
    }

    fn line(&self, state: &State, contest: ContestIdx, region: RegionIdx) -> Option<Line> {
        let lines = ContestLines::of(self.view, state, contest, self.row_of)?;
        let line = lines.line(&|offset, length| self.view.bytes_at(offset, length), region)?;
        Some(Line {
            missing: line.totals.stations_missing(),
            approval: line.approval,
            digest: line.digest,
        })
    }

    /// Whether the approval is allowed; `None` when a line does not read.
    fn allows(
        &self,
        state: &State,
        region: RegionIdx,
        contest: ContestIdx,
        digest: &[u8; 32],
    ) -> Option<bool> {
        let line = self.line(state, contest, region)?;
        Some(
            line.missing == 0
                && self.children_approved(state, contest, region)?
                && line.digest == *digest,
        )
    }

    /// The projection's `check_children`, read from the lines' labels.
    fn children_approved(
        &self,
        state: &State,
        contest: ContestIdx,
        region: RegionIdx,
    ) -> Option<bool> {
        let election = state.election();
        for child in election.tree().children(region) {
            if election.tree().stations_under(*child).is_empty()
                || !election.contest_covers(contest, Place::Region(*child))
            {
                continue;
            }
            match self.line(state, contest, *child)?.approval {
                "none" if self.children_approved(state, contest, *child)? => {}
                "approved" => {}
                _ => return Some(false),
            }
        }
        Some(true)
    }
}

struct Line {
    missing: u32,
    approval: &'static str,
    digest: [u8; 32],
}

impl ApprovalCheck for ViewApprovalCheck<'_> {
    fn check_approval(
        &self,
        state: &State,
        region: RegionIdx,
        contest: ContestIdx,
        digest: &[u8; 32],
    ) -> Result<(), ApprovalCheckFailure> {
        if self.allows(state, region, contest, digest) == Some(true) {
            return Ok(());
        }
        self.undecided.set(true);
        Err(ApprovalCheckFailure::Other {
            reason: "the saved views do not allow this approval; decided again after a replay"
                .to_owned(),
        })
    }
}

impl TotalsView {
    /// The digest in the line of `region` for `contest` (indices of `state`'s election),
    /// if the view has that line and it reads.
    pub fn line_digest(
        &self,
        state: &State,
        contest: ContestIdx,
        region: RegionIdx,
    ) -> Option<[u8; 32]> {
        let row_of = self.row_of(state);
        let lines = ContestLines::of(self, state, contest, row_of)?;
        let read = |offset, length| self.bytes_at(offset, length);
        Some(lines.line(&read, region)?.digest)
    }

    /// This view (complete, of the head before; in memory or read from its file) brought to
    /// `head` across events that change no sheet, which touched `touched` ([`super::touched_places`]): every line
    /// above them rewritten with its saved totals and digest and its new approval label and
    /// open objections; the projection digest from the lines. Byte for byte the view
    /// [`TotalsView::of`] builds at `head` (`tests/it/thin.rs` holds them equal). `None`
    /// when it cannot be brought forward.
    pub fn patched_without_sheets(
        &self,
        state: &State,
        head: &Head,
        touched: impl IntoIterator<Item = Place>,
    ) -> Option<TotalsView> {
        let row_of = self.row_of(state);
        let read = |offset, length| self.bytes_at(offset, length);
        self.patched_with(
            state,
            head,
            touched,
            |contest, region, _, _| {
                ContestLines::of(self, state, contest, row_of)?.read(&read, region)
            },
            |known_totals, known_digest| {
                let missing = Cell::new(false);
                let digest = projection_digest_given(
                    state,
                    |contest, region| {
                        known_totals(contest, region).unwrap_or_else(|| {
                            missing.set(true);
                            Totals::default()
                        })
                    },
                    |contest, region| {
                        known_digest(contest, region).unwrap_or_else(|| {
                            missing.set(true);
                            [0; 32]
                        })
                    },
                );
                // A line that does not read gives no digest: the view is not saved.
                if missing.get() {
                    None
                } else {
                    Some(digest)
                }
            },
        )
    }
}
