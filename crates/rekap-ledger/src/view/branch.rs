//! What a proof's branch needs of the totals view: a region's level, its line (totals,
//! approval label, digest), and its children's leaves, each checked against the digests
//! above it up to the contest's scope before it is returned (see `check.rs`).

use rekap_model::ContestIdx;
use rekap_projection::merkle::Hash;
use rekap_projection::Totals;

use super::{Selection, TotalsView, ViewError, ViewRegion};

/// One region's line as a proof uses it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BranchLine {
    pub totals: Totals,
    /// The approval label (`none`, `pending`, `approved`, `stale`).
    pub approval: &'static str,
    pub digest: Hash,
}

fn damaged(reason: impl Into<String>) -> ViewError {
    ViewError(reason.into())
}

impl TotalsView {
    /// The level of `region` (an index into [`TotalsView::levels`]).
    pub fn region_level(&self, region: ViewRegion) -> Result<u32, ViewError> {
        Ok(self.row(region.0)?.level)
    }

    /// The line of `region` in `contest`, checked against the digests above it.
    pub fn checked_line(
        &self,
        contest: ContestIdx,
        region: ViewRegion,
    ) -> Result<BranchLine, ViewError> {
        let level = self.region_level(region)?;
        let rows = region.0..region.0.saturating_add(1);
        let mut lines = self.checked_lines(contest, level, rows)?;
        let line = lines.pop().ok_or_else(|| damaged("no line"))?;
        Ok(BranchLine {
            totals: line.totals,
            approval: line.approval,
            digest: line.digest,
        })
    }

    /// The leaves (code, totals, digest) of the regions directly under `region`, in code
    /// order, checked against `region`'s digest and those above it. Empty for a region
    /// that holds stations (their leaves are not in the view).
    pub fn child_leaves(
        &self,
        contest: ContestIdx,
        region: ViewRegion,
    ) -> Result<Vec<(String, Totals, Hash)>, ViewError> {
        let row = self.row(region.0)?;
        let end = row.first_child.saturating_add(row.child_count);
        let children = row.first_child..end;
        if children.is_empty() {
            return Ok(Vec::new());
        }
        let lines = self.checked_lines(contest, row.level + 1, children.clone())?;
        let codes = self.texts(&self.rows(children)?)?;
        Ok(codes
            .into_iter()
            .zip(lines)
            .map(|((code, _), line)| (code, line.totals, line.digest))
            .collect())
    }

    fn checked_lines(
        &self,
        contest: ContestIdx,
        level: u32,
        rows: std::ops::Range<u32>,
    ) -> Result<Vec<super::read::Line>, ViewError> {
        let entry = self
            .contest(contest)
            .ok_or_else(|| damaged("no such contest"))?;
        let selection = Selection {
            contest,
            level,
            rows: rows.clone(),
        };
        self.check_selection(entry, &selection)?;
        let scope_level = self.row(entry.scope)?.level;
        self.lines(entry, scope_level, level, &rows)
    }
}
