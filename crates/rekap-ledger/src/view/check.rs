//! Every line an answer shows is checked against the digests above it before it is shown.
//!
//! A region's digest is the Merkle root over its children's leaves `(code, totals,
//! digest)` (docs/FORMAT.md, "Projection digests"), and every line of the view stores its
//! region's digest. So the lines of the children of a region must hash to the digest on
//! that region's line, and so on up to the contest's scope; the scope's own totals must be
//! the sum of its children's, whose leaves hash to its digest. A number changed in any
//! line (and its block checksums recomputed, as anyone who can write the store directory
//! can) breaks its parent's digest, and the view is refused and recomputed.
//!
//! What this cannot catch alone: a view rewritten consistently all the way up to a new
//! scope digest. That scope digest is not the one the log gives, and `rekap audit` check 8
//! recomputes every line from the log and compares ([`super::compare`]). Labels (approval,
//! open objections) and names are not under a digest; check 8 compares them too.

use std::ops::Range;

use rekap_model::ContestIdx;
use rekap_projection::merkle::{leaf_hash, root};
use rekap_projection::Totals;

use super::read::{parse_line, Line};
use super::{ContestEntry, Row, Selection, TotalsView, ViewError, ViewRegion};

fn damaged(reason: impl Into<String>) -> ViewError {
    ViewError(reason.into())
}

impl TotalsView {
    /// Checks the lines of `selection` (of `contest`) against the digests above them, up to
    /// the contest's scope.
    pub(super) fn check_selection(
        &self,
        contest: &ContestEntry,
        selection: &Selection,
    ) -> Result<(), ViewError> {
        let scope_level = self.row(contest.scope)?.level;
        if selection.level == scope_level {
            let scope = contest.scope..contest.scope + 1;
            return self.check_children(contest, scope_level, scope_level, scope, true);
        }
        let mut rows = selection.rows.clone();
        let mut level = selection.level;
        while level > scope_level && !rows.is_empty() {
            let parents = self.parents_of(contest, scope_level, level, &rows)?;
            self.check_children(contest, scope_level, level - 1, parents.clone(), false)?;
            rows = parents;
            level -= 1;
        }
        Ok(())
    }

    /// The lines of `rows` (all at `level`, under the contest's scope at `scope_level`).
    pub(super) fn lines(
        &self,
        contest: &ContestEntry,
        scope_level: u32,
        level: u32,
        rows: &Range<u32>,
    ) -> Result<Vec<Line>, ViewError> {
        let offset = contest
            .lines_offset(scope_level, level, rows)
            .ok_or_else(|| damaged("rows outside the contest's scope"))?;
        let line_bytes = contest.line_bytes();
        let count = u64::from(rows.end.saturating_sub(rows.start));
        let bytes = self.source.read(offset, count * line_bytes)?;
        bytes
            .chunks_exact(line_bytes as usize)
            .map(|line| parse_line(contest, line))
            .collect()
    }

    /// The lines of every region under `scope` at each level `0..station_level` (none at a
    /// level above the scope's), with the checks [`TotalsView::reports`] makes of each whole
    /// level made once: the scope against the digests up to the contest's scope, each level's
    /// lines against their parents' digests, and, where the scope is the contest's, its
    /// totals against its children's sum. The counts of every level at once (the stations
    /// view's directory) read each level's lines without spelling its codes and names.
    pub(crate) fn lines_of_every_level(
        &self,
        contest: ContestIdx,
        scope: ViewRegion,
    ) -> Result<Vec<Vec<Line>>, ViewError> {
        let entry = self
            .contest(contest)
            .ok_or_else(|| damaged("no such contest"))?;
        let scope_level = self.row(entry.scope)?.level;
        let own_level = self.row(scope.0)?.level;
        let own = scope.0..scope.0.saturating_add(1);
        let selection = Selection {
            contest,
            level: own_level,
            rows: own.clone(),
        };
        if own_level > scope_level {
            self.check_selection(entry, &selection)?;
        }
        let mut every_level = Vec::new();
        for level in 0..self.station_level() {
            let rows = self.regions_at(scope, level)?;
            if rows.is_empty() {
                every_level.push(Vec::new());
                continue;
            }
            let sum = level == scope_level;
            self.check_children(entry, scope_level, level, rows.clone(), sum)?;
            every_level.push(self.lines(entry, scope_level, level, &rows)?);
        }
        Ok(every_level)
    }

    /// The rows at `level - 1` whose children include `rows` (at `level`): one range,
    /// found by binary search, because each level is in tree order.
    fn parents_of(
        &self,
        contest: &ContestEntry,
        scope_level: u32,
        level: u32,
        rows: &Range<u32>,
    ) -> Result<Range<u32>, ViewError> {
        let scoped = (level - 1)
            .checked_sub(scope_level)
            .and_then(|index| contest.levels.get(index as usize))
            .ok_or_else(|| damaged("no parent level"))?;
        let candidates = scoped.first_row..scoped.first_row.saturating_add(scoped.row_count);
        let start = self.first_row_where(candidates.clone(), |row| {
            row.first_child.saturating_add(row.child_count) > rows.start
        })?;
        let end = self.first_row_where(start..candidates.end, |row| row.first_child >= rows.end)?;
        if start >= end {
            return Err(damaged(format!("rows {rows:?} have no parents above them")));
        }
        let (first, last) = (self.row(start)?, self.row(end - 1)?);
        let covered = first.first_child..last.first_child.saturating_add(last.child_count);
        if covered.start > rows.start || covered.end < rows.end {
            return Err(damaged(format!("rows {rows:?} have no parents above them")));
        }
        Ok(start..end)
    }

    /// The first row of `range` for which `holds` is true (it must be false, then true, in
    /// row order), or `range.end`.
    fn first_row_where(
        &self,
        range: Range<u32>,
        holds: impl Fn(&Row) -> bool,
    ) -> Result<u32, ViewError> {
        let (mut low, mut high) = (range.start, range.end);
        while low < high {
            let middle = low + (high - low) / 2;
            if holds(&self.row(middle)?) {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        Ok(low)
    }

    /// Checks that the children's lines of each of `parents` (at `level`) hash to the
    /// parent's digest, and with `sum`, that the parent's totals are their sum.
    fn check_children(
        &self,
        contest: &ContestEntry,
        scope_level: u32,
        level: u32,
        parents: Range<u32>,
        sum: bool,
    ) -> Result<(), ViewError> {
        let parent_rows = self.rows(parents.clone())?;
        let (Some(first), Some(last)) = (parent_rows.first(), parent_rows.last()) else {
            return Ok(());
        };
        let children = first.first_child..last.first_child.saturating_add(last.child_count);
        if children.is_empty() {
            // Regions holding stations: their stations' leaves are not in the view.
            return Ok(());
        }
        let parent_lines = self.lines(contest, scope_level, level, &parents)?;
        let child_rows = self.rows(children.clone())?;
        let codes = self.texts(&child_rows)?;
        let child_lines = self.lines(contest, scope_level, level + 1, &children)?;
        let leaves: Vec<[u8; 32]> = codes
            .iter()
            .zip(&child_lines)
            .map(|((code, _), line)| leaf_hash(code, &line.totals, &line.digest))
            .collect();
        for ((number, row), line) in parents.zip(&parent_rows).zip(&parent_lines) {
            if row.child_count == 0 {
                continue;
            }
            let from = row.first_child.saturating_sub(children.start) as usize;
            let own = from..from + row.child_count as usize;
            let (Some(own_leaves), Some(own_lines)) =
                (leaves.get(own.clone()), child_lines.get(own))
            else {
                return Err(damaged(format!("row {number}: children outside the view")));
            };
            if root(own_leaves) != line.digest {
                return Err(damaged(format!(
                    "row {number}: its children's lines do not hash to its digest"
                )));
            }
            if sum && sum_of(own_lines).as_ref() != Some(&line.totals) {
                return Err(damaged(format!(
                    "row {number}: its totals are not the sum of its children's"
                )));
            }
        }
        Ok(())
    }
}

/// The sum of the lines' totals; `None` if it overflows (only a forged view can).
fn sum_of(lines: &[Line]) -> Option<Totals> {
    let mut sum = Totals::zero(lines.first().map_or(0, |line| line.totals.votes.len()));
    for totals in lines.iter().map(|line| &line.totals) {
        if totals.votes.len() != sum.votes.len() {
            return None;
        }
        for (total, votes) in sum.votes.iter_mut().zip(&totals.votes) {
            *total = total.checked_add(*votes)?;
        }
        if sum.votes_by_type.len() < totals.votes_by_type.len() {
            sum.votes_by_type.resize(totals.votes_by_type.len(), 0);
        }
        for (total, votes) in sum.votes_by_type.iter_mut().zip(&totals.votes_by_type) {
            *total = total.checked_add(*votes)?;
        }
        sum.valid = sum.valid.checked_add(totals.valid)?;
        sum.invalid = sum.invalid.checked_add(totals.invalid)?;
        sum.registered = sum.registered.checked_add(totals.registered)?;
        sum.voted = sum.voted.checked_add(totals.voted)?;
        sum.stations_reported = sum
            .stations_reported
            .checked_add(totals.stations_reported)?;
        sum.stations_voided = sum.stations_voided.checked_add(totals.stations_voided)?;
        sum.stations_expected = sum
            .stations_expected
            .checked_add(totals.stations_expected)?;
        sum.stations_without_invalid = sum
            .stations_without_invalid
            .checked_add(totals.stations_without_invalid)?;
    }
    Some(sum)
}
