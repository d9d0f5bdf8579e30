//! Answering from a totals view: selections are row ranges, and each answer reads its rows,
//! their text and their lines as one range each. Every value read is checked before use.

use std::ops::Range;
use std::sync::OnceLock;

use rekap_model::{ContestIdx, State};
use rekap_projection::{RegionReport, Totals};

use super::build::level_order;
use super::{
    ContestEntry, Directory, Row, SelectError, Selection, TotalsView, ViewError, ViewRegion,
    ViewSource, APPROVAL_LABELS, COMPUTED_BY, DIRECTORY_CONFIG, MAX_DIRECTORY_BYTES,
    PREAMBLE_BYTES, ROW_BYTES, VIEW_FORMAT,
};

fn damaged(reason: impl Into<String>) -> ViewError {
    ViewError(reason.into())
}

/// The little-endian words of `bytes`, which holds a whole number of them.
fn u32_words(bytes: &[u8]) -> impl Iterator<Item = u32> + '_ {
    bytes
        .chunks_exact(4)
        .map(|word| u32::from_le_bytes([word[0], word[1], word[2], word[3]]))
}

fn u64_words(bytes: &[u8]) -> impl Iterator<Item = u64> + '_ {
    bytes.chunks_exact(8).map(|word| {
        let mut array = [0u8; 8];
        array.copy_from_slice(word);
        u64::from_le_bytes(array)
    })
}

impl TotalsView {
    /// Reads the directory of the view in `source` and checks that every section it names
    /// lies inside the body.
    pub fn from_source(source: Box<dyn ViewSource>) -> Result<TotalsView, ViewError> {
        let directory = read_directory(source.as_ref())?;
        Ok(TotalsView {
            source,
            directory,
            complete: true,
            row_of: OnceLock::new(),
        })
    }

    /// `length` bytes of the body at `offset`, if they are there and check.
    pub(super) fn bytes_at(&self, offset: u64, length: u64) -> Option<Vec<u8>> {
        Some(self.source.read(offset, length).ok()?.into_owned())
    }

    /// The byte ranges written over the earlier view's file, if this view is one written
    /// over it (`over.rs`): what a save in place writes.
    pub(crate) fn written_over(&self) -> Option<&std::collections::BTreeMap<u64, Vec<u8>>> {
        self.source.written_over()
    }

    /// The body's length in bytes.
    pub(crate) fn length(&self) -> u64 {
        self.source.length()
    }

    /// Each region's row in the lines of `state`'s election (the election this view is of),
    /// by region index.
    pub(super) fn row_of(&self, state: &State) -> &[u32] {
        self.row_of.get_or_init(|| level_order(state).row_of)
    }

    pub fn region_count(&self) -> u32 {
        self.directory.region_count
    }

    pub(super) fn rows(&self, rows: Range<u32>) -> Result<Vec<Row>, ViewError> {
        if rows.start > rows.end || rows.end > self.region_count() {
            return Err(damaged(format!("no rows {rows:?}")));
        }
        let bytes = self.source.read(
            self.directory.rows_offset + u64::from(rows.start) * ROW_BYTES,
            u64::from(rows.end - rows.start) * ROW_BYTES,
        )?;
        let words: Vec<u32> = u32_words(&bytes).collect();
        words
            .chunks_exact(6)
            .map(|word| self.checked_row(word))
            .collect()
    }

    pub(super) fn row(&self, row: u32) -> Result<Row, ViewError> {
        let rows = self.rows(row..row.saturating_add(1))?;
        rows.first().copied().ok_or_else(|| damaged("no row"))
    }

    fn checked_row(&self, word: &[u32]) -> Result<Row, ViewError> {
        let row = Row {
            code_start: word[0],
            name_start: word[1],
            name_end: word[2],
            level: word[3],
            first_child: word[4],
            child_count: word[5],
        };
        let text_ok = row.code_start <= row.name_start
            && row.name_start <= row.name_end
            && u64::from(row.name_end) <= self.directory.text_length;
        let tree_ok = (row.level as usize) < self.directory.levels.len()
            && row
                .first_child
                .checked_add(row.child_count)
                .is_some_and(|end| end <= self.region_count());
        if text_ok && tree_ok {
            Ok(row)
        } else {
            Err(damaged(format!("malformed row {row:?}")))
        }
    }

    /// Code and name of each of `rows`, read as one range of text.
    pub(super) fn texts(&self, rows: &[Row]) -> Result<Vec<(String, String)>, ViewError> {
        let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
            return Ok(Vec::new());
        };
        let start = first.code_start;
        let end = last.name_end.max(start);
        let bytes = self.source.read(
            self.directory.text_offset + u64::from(start),
            u64::from(end - start),
        )?;
        let piece = |from: u32, to: u32| -> Result<String, ViewError> {
            let slice = bytes
                .get((from.wrapping_sub(start)) as usize..(to.wrapping_sub(start)) as usize)
                .ok_or_else(|| damaged("text out of order"))?;
            String::from_utf8(slice.to_vec()).map_err(|_| damaged("text is not UTF-8"))
        };
        rows.iter()
            .map(|row| {
                Ok((
                    piece(row.code_start, row.name_start)?,
                    piece(row.name_start, row.name_end)?,
                ))
            })
            .collect()
    }

    /// The code of a region.
    pub fn code(&self, region: ViewRegion) -> Result<String, ViewError> {
        let row = self.row(region.0)?;
        let mut texts = self.texts(&[row])?;
        Ok(texts.pop().map(|(code, _)| code).unwrap_or_default())
    }

    /// The region with `code`: a binary search of the code index.
    pub fn find_region(&self, code: &str) -> Result<Option<ViewRegion>, ViewError> {
        let (mut low, mut high) = (0u32, self.region_count());
        while low < high {
            let middle = low + (high - low) / 2;
            let entry = self
                .source
                .read(self.directory.code_index_offset + 4 * u64::from(middle), 4)?;
            let row = u32_words(&entry).next().unwrap_or(u32::MAX);
            let found = self.code(ViewRegion(row))?;
            match found.as_str().cmp(code) {
                std::cmp::Ordering::Less => low = middle + 1,
                std::cmp::Ordering::Greater => high = middle,
                std::cmp::Ordering::Equal => return Ok(Some(ViewRegion(row))),
            }
        }
        Ok(None)
    }

    /// The rows at `level` under the rows `rows` (all of one level): one range, because rows
    /// are grouped by level and each level is in tree order.
    fn descend(&self, mut rows: Range<u32>, level: u32) -> Result<Range<u32>, ViewError> {
        let Some(first) = rows.clone().next() else {
            return Ok(rows);
        };
        let mut current = self.row(first)?.level;
        if current > level {
            return Ok(0..0);
        }
        while current < level && rows.start < rows.end {
            let first = self.row(rows.start)?;
            let last = self.row(rows.end - 1)?;
            rows = first.first_child..last.first_child + last.child_count;
            current += 1;
        }
        Ok(rows)
    }

    /// The regions a totals command lists: with `region` (which must be in the contest's
    /// scope), the regions directly under it (or the region itself if it has none); with
    /// `level`, every region of that level in the contest; otherwise the contest's scope.
    pub fn select(
        &self,
        contest: Option<&str>,
        level: Option<&str>,
        region: Option<&str>,
    ) -> Result<Selection, SelectError> {
        let contest = match contest {
            Some(id) => self
                .contest_by_id(id)
                .ok_or_else(|| SelectError::UnknownContest(id.to_owned()))?,
            None => ContestIdx(0),
        };
        let scope = self.contest(contest).ok_or(SelectError::NoContests)?.scope;
        if let Some(code) = region {
            let found = self
                .find_region(code)?
                .ok_or_else(|| SelectError::UnknownRegion(code.to_owned()))?;
            let row = self.row(found.0)?;
            if !self
                .regions_at(ViewRegion(scope), row.level)?
                .contains(&found.0)
            {
                let entry = self.contest(contest).ok_or(SelectError::NoContests)?;
                return Err(SelectError::OutsideScope {
                    region: code.to_owned(),
                    contest: entry.id.clone(),
                    scope: self.code(ViewRegion(scope))?,
                });
            }
            let (level, rows) = if row.child_count == 0 {
                (row.level, found.0..found.0 + 1)
            } else {
                let end = row.first_child + row.child_count;
                (row.level + 1, row.first_child..end)
            };
            return Ok(Selection {
                contest,
                level,
                rows,
            });
        }
        let level = match level {
            Some(key) => self.level_with_regions(key)?,
            None => self.row(scope)?.level,
        };
        Ok(Selection {
            contest,
            level,
            rows: self.descend(scope..scope + 1, level)?,
        })
    }

    /// The regions of `level` under `scope`.
    pub fn regions_at(&self, scope: ViewRegion, level: u32) -> Result<Range<u32>, ViewError> {
        self.descend(scope.0..scope.0.saturating_add(1), level)
    }

    fn level_with_regions(&self, key: &str) -> Result<u32, SelectError> {
        let levels = &self.directory.levels;
        match levels.iter().position(|level| level.key == key) {
            Some(index) if (index as u32) < self.station_level() => Ok(index as u32),
            _ => Err(SelectError::UnknownLevel {
                key: key.to_owned(),
                known: levels[..levels.len().saturating_sub(1)]
                    .iter()
                    .map(|level| level.key.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
        }
    }

    /// The lines of the selected regions, as the projection reports them.
    pub fn reports(&self, selection: &Selection) -> Result<Vec<RegionReport>, ViewError> {
        let contest = self
            .contest(selection.contest)
            .ok_or_else(|| damaged("no such contest"))?;
        if selection.rows.is_empty() {
            // A level above the contest's scope has no regions in it.
            return Ok(Vec::new());
        }
        // Nothing is shown that does not hold together with the digests above it.
        self.check_selection(contest, selection)?;
        let rows = self.rows(selection.rows.clone())?;
        let texts = self.texts(&rows)?;
        let scope_level = self.row(contest.scope)?.level;
        let lines = self.lines(contest, scope_level, selection.level, &selection.rows)?;
        rows.iter()
            .zip(texts)
            .zip(lines)
            .map(|((row, (code, name)), line)| {
                Ok(RegionReport {
                    code,
                    name,
                    level: self.levels()[row.level as usize].key.clone(),
                    totals: line.totals,
                    approval: line.approval,
                    open_objections: line.open_objections,
                })
            })
            .collect()
    }
}

fn read_directory(source: &dyn ViewSource) -> Result<Directory, ViewError> {
    let preamble = source.read(0, PREAMBLE_BYTES)?;
    let mut words = u64_words(&preamble);
    let (offset, length) = (words.next().unwrap_or(0), words.next().unwrap_or(0));
    if length > MAX_DIRECTORY_BYTES {
        return Err(damaged("directory too large"));
    }
    let bytes = source.read(offset, length)?;
    let (directory, used) = bincode::decode_from_slice::<Directory, _>(&bytes, DIRECTORY_CONFIG)
        .map_err(|error| {
            damaged(format!(
                "directory: {}",
                rekap_model::decode_error_text(&error)
            ))
        })?;
    if used as u64 != length || !directory_fits(&directory, source.length()) {
        return Err(damaged("directory does not describe this body"));
    }
    Ok(directory)
}

/// One region's line of one contest, as the view stores it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Line {
    pub totals: Totals,
    pub approval: &'static str,
    pub open_objections: usize,
    pub digest: [u8; 32],
}

/// Parses a line of `contest.line_bytes()` bytes.
pub(super) fn parse_line(contest: &ContestEntry, line: &[u8]) -> Result<Line, ViewError> {
    let pairs = contest.pair_numbers.len();
    let words = contest.vote_words();
    let (wide, rest) = line.split_at(8 * (words + 4));
    let (narrow, digest) = rest.split_at(4 * 6);
    let wide: Vec<u64> = u64_words(wide).collect();
    let narrow: Vec<u32> = u32_words(narrow).collect();
    let approval = APPROVAL_LABELS
        .get(narrow[4] as usize)
        .ok_or_else(|| damaged("unknown approval label"))?;
    let totals = Totals {
        votes: wide[..pairs].to_vec(),
        valid: wide[words],
        invalid: wide[words + 1],
        registered: wide[words + 2],
        voted: wide[words + 3],
        stations_reported: narrow[0],
        stations_voided: narrow[1],
        stations_expected: narrow[2],
        votes_by_type: wide[pairs..words].to_vec(),
        stations_without_invalid: narrow[5],
    };
    Ok(Line {
        totals,
        approval,
        open_objections: narrow[3] as usize,
        digest: digest.try_into().map_err(|_| damaged("a short line"))?,
    })
}

/// Whether every section the directory names lies inside a body of `length` bytes.
fn directory_fits(directory: &Directory, length: u64) -> bool {
    let regions = u64::from(directory.region_count);
    let inside = |offset: u64, bytes: Option<u64>| {
        bytes
            .and_then(|bytes| offset.checked_add(bytes))
            .is_some_and(|end| end <= length)
    };
    let contests_fit = directory.contests.iter().all(|contest| {
        contest.scope < directory.region_count
            && contest.pair_names.len() == contest.pair_numbers.len()
            && contest.vote_types.len() <= rekap_model::limits::MAX_VOTE_TYPES
            && contest.levels.iter().all(|scoped| {
                u64::from(scoped.first_row) + u64::from(scoped.row_count) <= regions
                    && inside(
                        scoped.lines_offset,
                        u64::from(scoped.row_count).checked_mul(contest.line_bytes()),
                    )
            })
    });
    directory.format == VIEW_FORMAT
        && directory.computed_by == COMPUTED_BY
        && !directory.levels.is_empty()
        && inside(directory.rows_offset, regions.checked_mul(ROW_BYTES))
        && inside(directory.text_offset, Some(directory.text_length))
        && inside(directory.code_index_offset, regions.checked_mul(4))
        && contests_fit
}
