//! Comparing a saved view with the view the log gives, line by line: `rekap audit` check 8
//! recomputes the view from the log and holds every row of the saved one against it, so a
//! view rewritten consistently (digests and checksums recomputed, which a reader cannot
//! tell alone: see [`super::check`]) still fails the audit.

use std::ops::Range;

use super::read::Line;
use super::{ContestEntry, TotalsView, ViewError};

/// Most differences listed; the rest are counted.
const LISTED_DIFFERENCES: usize = 20;

/// How a saved view compares with the log's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ViewComparison {
    /// Lines compared: every contest's line of every region under its scope.
    pub lines_checked: u64,
    /// What differs, in the order found (directory first, then rows, then lines).
    pub differences: Vec<String>,
    /// Differences found beyond those listed.
    pub differences_not_listed: u64,
}

impl ViewComparison {
    fn differ(&mut self, difference: String) {
        if self.differences.len() < LISTED_DIFFERENCES {
            self.differences.push(difference);
        } else {
            self.differences_not_listed += 1;
        }
    }

    pub fn matches(&self) -> bool {
        self.differences.is_empty() && self.differences_not_listed == 0
    }
}

impl TotalsView {
    /// Compares this view (a saved one) with `truth` (recomputed from the log): the
    /// directory (head, projection digest, levels, contests and layout), the rows, names
    /// and code index, and every line of every contest, field by field.
    pub fn compare_with(&self, truth: &TotalsView) -> ViewComparison {
        let mut comparison = ViewComparison::default();
        if let Err(error) = self.compare_into(truth, &mut comparison) {
            comparison.differ(error.to_string());
        }
        comparison
    }

    fn compare_into(
        &self,
        truth: &TotalsView,
        comparison: &mut ViewComparison,
    ) -> Result<(), ViewError> {
        let (saved, log) = (&self.directory, &truth.directory);
        if (saved.head_count, saved.head_hash) != (log.head_count, log.head_hash) {
            comparison.differ(format!(
                "it was computed at record {} where the log's head is record {}, or its head \
                 hash differs",
                saved.head_count, log.head_count
            ));
        }
        if saved.projection_digest != log.projection_digest {
            comparison.differ("it claims another projection digest".to_owned());
        }
        if saved.levels != log.levels {
            comparison.differ("its level names differ from the definition's".to_owned());
        }
        let layout = |directory: &super::Directory| {
            (
                directory.region_count,
                directory.rows_offset,
                directory.text_offset,
                directory.text_length,
                directory.code_index_offset,
                directory.contests.clone(),
            )
        };
        if layout(saved) != layout(log) {
            comparison.differ("its regions, contests or layout differ from the log's".to_owned());
            return Ok(());
        }
        let tables = log.rows_offset..log.code_index_offset + 4 * u64::from(log.region_count);
        if self.bytes(&tables)? != truth.bytes(&tables)? {
            comparison.differ(self.first_row_difference(truth)?);
        }
        for contest in &log.contests {
            self.compare_lines(truth, contest, comparison)?;
        }
        Ok(())
    }

    fn bytes(&self, range: &Range<u64>) -> Result<Vec<u8>, ViewError> {
        let length = range.end.saturating_sub(range.start);
        Ok(self.source.read(range.start, length)?.into_owned())
    }

    /// The first row whose tree position, code or name differs.
    fn first_row_difference(&self, truth: &TotalsView) -> Result<String, ViewError> {
        let all = 0..truth.region_count();
        let (saved_rows, log_rows) = (self.rows(all.clone())?, truth.rows(all)?);
        let (saved_texts, log_texts) = (self.texts(&saved_rows)?, truth.texts(&log_rows)?);
        let rows = saved_rows
            .iter()
            .zip(&log_rows)
            .zip(&saved_texts)
            .zip(&log_texts);
        for (number, (((saved_row, log_row), saved_text), log_text)) in rows.enumerate() {
            if saved_row != log_row || saved_text != log_text {
                return Ok(format!(
                    "row {number}: region {} {:?} in the view is {} {:?} in the log, or sits \
                     elsewhere in the tree",
                    saved_text.0, saved_text.1, log_text.0, log_text.1
                ));
            }
        }
        Ok("its code index differs from the log's".to_owned())
    }

    fn compare_lines(
        &self,
        truth: &TotalsView,
        contest: &ContestEntry,
        comparison: &mut ViewComparison,
    ) -> Result<(), ViewError> {
        let scope_level = truth.row(contest.scope)?.level;
        for (index, scoped) in contest.levels.iter().enumerate() {
            let level = scope_level + index as u32;
            let rows = scoped.first_row..scoped.first_row + scoped.row_count;
            let saved = self.lines(contest, scope_level, level, &rows)?;
            let log = truth.lines(contest, scope_level, level, &rows)?;
            comparison.lines_checked += u64::from(scoped.row_count);
            for (row, (saved, log)) in rows.zip(saved.iter().zip(&log)) {
                if let Some(field) = first_difference(contest, saved, log) {
                    let code = truth.code(super::ViewRegion(row))?;
                    comparison.differ(format!("contest {}, region {code}: {field}", contest.id));
                }
            }
        }
        Ok(())
    }
}

/// The first field in which `saved` differs from `log`, said plainly.
fn first_difference(contest: &ContestEntry, saved: &Line, log: &Line) -> Option<String> {
    let (a, b) = (&saved.totals, &log.totals);
    let pairs = contest
        .pair_numbers
        .iter()
        .zip(a.votes.iter().zip(&b.votes));
    for (number, (saved_votes, log_votes)) in pairs {
        if saved_votes != log_votes {
            return Some(format!(
                "the view says {saved_votes} votes for pair {number}, the log gives {log_votes}"
            ));
        }
    }
    let numbers = [
        ("valid", a.valid, b.valid),
        ("invalid", a.invalid, b.invalid),
        ("registered", a.registered, b.registered),
        ("voted", a.voted, b.voted),
        (
            "stations reported",
            a.stations_reported.into(),
            b.stations_reported.into(),
        ),
        (
            "stations voided",
            a.stations_voided.into(),
            b.stations_voided.into(),
        ),
        (
            "stations expected",
            a.stations_expected.into(),
            b.stations_expected.into(),
        ),
        (
            "stations without an invalid count",
            a.stations_without_invalid.into(),
            b.stations_without_invalid.into(),
        ),
        (
            "open objections",
            saved.open_objections as u64,
            log.open_objections as u64,
        ),
    ];
    if let Some((name, saved_value, log_value)) = numbers.iter().find(|(_, x, y)| x != y) {
        return Some(format!(
            "the view says {name} {saved_value}, the log gives {log_value}"
        ));
    }
    if saved.approval != log.approval {
        return Some(format!(
            "the view says {}, the log gives {}",
            saved.approval, log.approval
        ));
    }
    (saved.digest != log.digest).then(|| "the view holds another region digest".to_owned())
}
