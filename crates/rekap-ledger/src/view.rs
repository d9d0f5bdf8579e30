//! The totals view: everything `rekap totals` shows (every region's code, name, level,
//! totals and approval label, per contest) with the region tree and level names it needs
//! to select and label them, at one head.
//!
//! It is laid out so that an answer costs what it shows, not what the country has: rows are
//! grouped by level, each level in tree order, so the children of any region, and the
//! regions of any level under any region, are one contiguous range of rows; their names and
//! their numbers are then one contiguous range of bytes each. Read through
//! `rekap_log::storage::view_file`, which checks only the 16 KiB blocks a read touches, a
//! province table out of a national view reads a few blocks. No genesis definition (5 MB
//! nationally), no election index (7,831 officer keys to decompress), no replay.
//!
//! A view is derived state, never a source of truth: it is saved after a replay that
//! reached the head and read only while the log still ends there. Every value read is
//! checked before use; anything missing, stale or malformed means "replay and save a new
//! one". The byte layout is in docs/FORMAT.md ("Totals view body").

use std::borrow::Cow;
use std::ops::Range;
use std::sync::OnceLock;

use bincode::{Decode, Encode};
use rekap_log::storage::last_record::LogEnd;
use rekap_log::storage::view_file::{ViewReader, MAX_VIEW_BYTES};
use rekap_log::{Head, Log, SegmentStorage, Storage, StorageError};
use rekap_model::{ContestIdx, State};
use rekap_projection::Projection;

use crate::error::LedgerError;
use crate::ledger::Ledger;

/// Name of the totals view in a store.
pub const TOTALS_VIEW: &str = "totals";
/// Bumped whenever the layout changes; a view of another format is ignored.
const VIEW_FORMAT: u32 = 7;
/// Stamped into every view; a view computed by another version is ignored.
const COMPUTED_BY: &str = concat!("rekap-ledger ", env!("CARGO_PKG_VERSION"));
/// Labels of [`rekap_projection::ApprovalState::label`], in the order the view stores them.
const APPROVAL_LABELS: [&str; 4] = ["none", "pending", "approved", "stale"];
/// Preamble: the directory's offset and length.
const PREAMBLE_BYTES: u64 = 16;
/// A row: code start, name start, name end, level, first child row, child count (u32 each).
const ROW_BYTES: u64 = 24;
/// A line besides its votes: valid, invalid, registered, voted (u64); stations reported,
/// voided, expected, open objections, approval, stations without an invalid count (u32);
/// the region's digest (32), which binds every line to its parent's digest and so to the
/// log (see `check.rs`).
const LINE_FIXED_BYTES: u64 = 4 * 8 + 6 * 4 + 32;
/// Largest directory: levels, contests and their pair numbers are few.
const MAX_DIRECTORY_BYTES: u64 = 1 << 20;
const DIRECTORY_CONFIG: bincode::config::Configuration<
    bincode::config::LittleEndian,
    bincode::config::Fixint,
    bincode::config::Limit<{ MAX_DIRECTORY_BYTES as usize }>,
> = bincode::config::standard()
    .with_fixed_int_encoding()
    .with_little_endian()
    .with_limit::<{ MAX_DIRECTORY_BYTES as usize }>();

/// A view that does not hold together: read past its end, a block that fails its checksum,
/// an index out of range. Callers recompute the view.
#[derive(Debug, thiserror::Error)]
#[error("the totals view is damaged: {0}")]
pub struct ViewError(String);

impl From<StorageError> for ViewError {
    fn from(error: StorageError) -> Self {
        ViewError(error.to_string())
    }
}

/// Where a view's bytes come from.
pub trait ViewSource: Send {
    fn length(&self) -> u64;
    /// `length` bytes from `offset`, or an error if they are not all there and intact.
    fn read(&self, offset: u64, length: u64) -> Result<Cow<'_, [u8]>, ViewError>;
    /// The whole body, if it is in memory (a view just computed, about to be saved).
    fn whole(&self) -> Option<&[u8]> {
        None
    }
    /// Another handle on the same bytes, for a view written over this one (a view file's
    /// shared reader: `over.rs`); `None` when there is none.
    fn shared(&self) -> Option<Box<dyn ViewSource>> {
        None
    }
    /// The byte ranges written over an earlier view's (offset to bytes), if this is such a
    /// view: what a save in place writes.
    fn written_over(&self) -> Option<&std::collections::BTreeMap<u64, Vec<u8>>> {
        None
    }
}

impl ViewSource for Vec<u8> {
    fn length(&self) -> u64 {
        self.len() as u64
    }

    fn read(&self, offset: u64, length: u64) -> Result<Cow<'_, [u8]>, ViewError> {
        let end = offset.checked_add(length);
        end.and_then(|end| self.get(offset as usize..end as usize))
            .map(Cow::Borrowed)
            .ok_or_else(|| ViewError(format!("no bytes {offset}+{length}")))
    }

    fn whole(&self) -> Option<&[u8]> {
        Some(self)
    }
}

impl ViewSource for ViewReader {
    fn length(&self) -> u64 {
        self.body_length()
    }

    fn read(&self, offset: u64, length: u64) -> Result<Cow<'_, [u8]>, ViewError> {
        Ok(Cow::Owned(ViewReader::read(self, offset, length)?))
    }
}

/// One level of the region tree, as the view names it.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct LevelNames {
    pub key: String,
    pub name_en: String,
    pub name_id: String,
    pub holds_plenary: bool,
}

/// The rows of one level under a contest's scope (one contiguous range), and where their
/// lines are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
struct ScopedRows {
    first_row: u32,
    row_count: u32,
    lines_offset: u64,
}

/// One contest: its id, its scope's row, its pairs, and its lines. Lines exist only for
/// the regions under the scope (a regency's contest has no line for another province), so
/// a definition with hundreds of regional contests stays the size of its regions.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct ContestEntry {
    pub id: String,
    pub scope: u32,
    /// Ballot numbers of the pairs, in ballot order.
    pub pair_numbers: Vec<u32>,
    /// The pairs' (candidates', selections') names, in the same order: shown by `totals`.
    pub pair_names: Vec<String>,
    /// The keys of the contest's vote types, in the definition's order (none: one count
    /// per pair); a line then holds each pair's count per type after the pairs' votes.
    pub vote_types: Vec<String>,
    /// From the scope's level down to the last region level.
    levels: Vec<ScopedRows>,
}

impl ContestEntry {
    fn line_bytes(&self) -> u64 {
        8 * self.vote_words() as u64 + LINE_FIXED_BYTES
    }

    /// The u64 words of votes a line starts with: per pair, then per pair per vote type.
    fn vote_words(&self) -> usize {
        self.pair_numbers.len() * (1 + self.vote_types.len())
    }

    /// Where the lines of `rows` (all of one level, `level`) start, if they are all under
    /// the scope.
    fn lines_offset(&self, scope_level: u32, level: u32, rows: &Range<u32>) -> Option<u64> {
        let scoped = self.levels.get(level.checked_sub(scope_level)? as usize)?;
        let end = scoped.first_row.checked_add(scoped.row_count)?;
        let inside = rows.start >= scoped.first_row && rows.end <= end;
        inside.then(|| {
            scoped.lines_offset + u64::from(rows.start - scoped.first_row) * self.line_bytes()
        })
    }
}

/// What the view holds, and where; encoded with bincode at the end of the body.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
struct Directory {
    format: u32,
    /// The rekap-ledger version that computed it: another version may count differently,
    /// so its views are recomputed rather than trusted.
    computed_by: String,
    head_count: u64,
    head_hash: [u8; 32],
    projection_digest: [u8; 32],
    /// Top to leaf; the last level is the polling station.
    levels: Vec<LevelNames>,
    region_count: u32,
    rows_offset: u64,
    text_offset: u64,
    text_length: u64,
    /// Row numbers sorted by region code (u32 each).
    code_index_offset: u64,
    contests: Vec<ContestEntry>,
}

/// One region's row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Row {
    code_start: u32,
    name_start: u32,
    name_end: u32,
    level: u32,
    first_child: u32,
    child_count: u32,
}

/// A region of the view, by its row number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ViewRegion(pub u32);

/// The regions an answer lists: a contiguous range of rows, all of one level.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selection {
    pub contest: ContestIdx,
    pub level: u32,
    pub rows: Range<u32>,
}

/// Why a selection cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum SelectError {
    #[error("unknown contest {0}")]
    UnknownContest(String),
    #[error("the definition has no contests")]
    NoContests,
    #[error("unknown region {0}")]
    UnknownRegion(String),
    #[error("region {region} is not in contest {contest}, whose scope is {scope}")]
    OutsideScope {
        region: String,
        contest: String,
        scope: String,
    },
    #[error("unknown level {key}; levels with regions: {known}")]
    UnknownLevel { key: String, known: String },
    #[error(transparent)]
    View(#[from] ViewError),
}

/// Totals of every region of every contest at one head.
pub struct TotalsView {
    source: Box<dyn ViewSource>,
    directory: Directory,
    /// Whether it holds every contest: a view of one contest, made because all of them
    /// would not fit the file limit, answers but is never saved.
    complete: bool,
    /// Each region's row (breadth-first) in the view's lines, computed once from the
    /// election's tree when first asked ([`TotalsView::row_of`]): a single `approve` asks
    /// three times (its statement's digest, the approval check, the view brought forward).
    row_of: OnceLock<Vec<u32>>,
}

mod authority;
mod branch;
mod build;
mod check;
mod compare;
pub(crate) mod over;
mod patch;
mod read;

pub use authority::ViewApprovalCheck;
pub use branch::BranchLine;
pub use compare::ViewComparison;
pub use patch::touched_places;

impl TotalsView {
    /// The view of `state` and `projection` (synced with each other) at `head`, in memory:
    /// every contest, or, if all of them would not fit a view file, only `wanted`.
    pub fn of(
        state: &State,
        projection: &Projection,
        head: &Head,
        wanted: Option<&str>,
    ) -> TotalsView {
        TotalsView::of_within(state, projection, head, wanted, MAX_VIEW_BYTES)
    }

    /// [`TotalsView::of`] with another size limit (for tests of the limit).
    pub fn of_within(
        state: &State,
        projection: &Projection,
        head: &Head,
        wanted: Option<&str>,
        limit_bytes: u64,
    ) -> TotalsView {
        let (body, complete) = build::encode_view(state, projection, head, wanted, limit_bytes);
        match TotalsView::from_source(Box::new(body)) {
            Ok(view) => TotalsView { complete, ..view },
            // Unreachable unless the encoder and `from_source` disagree: a bug, not input.
            Err(error) => panic!("a view just encoded does not read back: {error}"),
        }
    }

    /// The body, if the view is in memory (one just computed), as it would be saved.
    pub fn body(&self) -> Option<&[u8]> {
        self.source.whole()
    }

    /// Whether the view holds every contest of the definition (only such a view is saved).
    pub fn is_complete(&self) -> bool {
        self.complete
    }

    pub fn head_count(&self) -> u64 {
        self.directory.head_count
    }

    pub fn head_hash(&self) -> [u8; 32] {
        self.directory.head_hash
    }

    pub fn projection_digest(&self) -> [u8; 32] {
        self.directory.projection_digest
    }

    pub fn levels(&self) -> &[LevelNames] {
        &self.directory.levels
    }

    /// Index of the station level (the last level).
    pub fn station_level(&self) -> u32 {
        self.directory.levels.len().saturating_sub(1) as u32
    }

    pub fn contest(&self, contest: ContestIdx) -> Option<&ContestEntry> {
        self.directory.contests.get(contest.0 as usize)
    }

    pub fn contest_by_id(&self, id: &str) -> Option<ContestIdx> {
        let index = self.directory.contests.iter().position(|c| c.id == id)?;
        Some(ContestIdx(index as u32))
    }
}

impl<S: Storage> Ledger<S> {
    /// The totals view of the current state, in memory (see [`TotalsView::of`]).
    pub fn totals_view(&self, wanted: Option<&str>) -> TotalsView {
        TotalsView::of(self.state(), self.projection(), &self.head(), wanted)
    }

    /// Saves `view` so that the next `totals` answers without a replay. Nothing is saved
    /// for a ledger replayed only up to an earlier record, or a view of another head.
    pub fn save_totals_view(&mut self, view: &TotalsView) -> Result<(), LedgerError> {
        self.save_totals_view_alone(view)?;
        // Wherever the totals view is saved, the stations and history views of the same
        // head are too.
        self.save_stations_view(view)?;
        // Brought forward from the one saved before the last appends, when there is one.
        let earlier =
            (self.log().storage()).get_view_of_any_head(crate::history_view::HISTORY_VIEW)?;
        self.save_history_view_from(earlier.as_deref())
    }

    /// [`Ledger::save_totals_view`] without the stations view, for a caller that saves it
    /// brought forward (`after_append.rs`).
    pub(crate) fn save_totals_view_alone(&mut self, view: &TotalsView) -> Result<(), LedgerError> {
        self.save_totals_view_over(view, None)
    }

    /// [`Ledger::save_totals_view_alone`] over `earlier`, the view read from the store
    /// before (only the blocks that changed are written, when they can be).
    pub(crate) fn save_totals_view_over(
        &mut self,
        view: &TotalsView,
        earlier: Option<&TotalsView>,
    ) -> Result<(), LedgerError> {
        let head = self.head();
        let current = view.complete
            && self.state().last_seq() == head.count
            && view.head_count() == head.count
            && view.head_hash() == head.last_hash;
        let Some(body) = view.source.whole().filter(|_| current) else {
            return Ok(());
        };
        let storage = self.log_mut().storage_mut();
        match earlier.and_then(|earlier| earlier.source.whole()) {
            Some(earlier) => storage.put_view_over(TOTALS_VIEW, earlier, body)?,
            None => storage.put_view(TOTALS_VIEW, body)?,
        }
        // Wherever the totals view is saved, the authority state of the same head is too.
        self.save_authority_state()
    }
}

/// The saved totals view of an open log, if it is intact and for the log's head.
pub fn read_totals_view<S: Storage>(log: &Log<S>) -> Result<Option<TotalsView>, LedgerError> {
    let Some(body) = log.storage().get_view(TOTALS_VIEW)? else {
        return Ok(None);
    };
    let head = log.head();
    Ok(TotalsView::from_source(Box::new(body))
        .ok()
        .filter(|view| view.head_count() == head.count && view.head_hash() == head.last_hash))
}

/// What a lock-free reader finds for the default store at `path`.
pub enum SavedView {
    /// No saved view, or one saved before the log's last append, or one that is damaged or
    /// of another version: recompute it.
    NotCurrent,
    /// The log ends where the view was saved, but its last record there does not read, or
    /// is not the record the view was computed at (a view of another log, or a damaged
    /// log): said on stderr, and the store is opened instead.
    LogDisagrees(String),
    /// The view, computed at the log's last record (seq and hash checked).
    Current(Box<TotalsView>),
}

/// The saved totals view of the default store at `path`, opened without opening the store
/// (no lock, no replay), checked to be of the log's last record as the segment file holds
/// it (see `rekap_log::storage::last_record`).
pub fn open_saved_totals_view(path: &std::path::Path) -> Result<SavedView, LedgerError> {
    let Some((reader, end)) = SegmentStorage::open_view_at_log_end(path, TOTALS_VIEW)? else {
        return Ok(SavedView::NotCurrent);
    };
    let Ok(view) = TotalsView::from_source(Box::new(reader)) else {
        return Ok(SavedView::NotCurrent);
    };
    let (seq, hash) = match end {
        LogEnd::Empty => (0, rekap_log::GENESIS_PREV_HASH),
        LogEnd::Last(last) => (last.seq, last.hash),
        LogEnd::Damaged(reason) => {
            return Ok(SavedView::LogDisagrees(format!(
                "the log's last record does not check: {reason}"
            )))
        }
    };
    if (view.head_count(), view.head_hash()) != (seq, hash) {
        return Ok(SavedView::LogDisagrees(format!(
            "the saved totals view was computed at record {} (hash {}), but the log's last \
             record is {seq} (hash {})",
            view.head_count(),
            short_hex(&view.head_hash()),
            short_hex(&hash)
        )));
    }
    Ok(SavedView::Current(Box::new(view)))
}

/// The saved totals view of the default store at `path` if it is current and of this log
/// ([`open_saved_totals_view`]); `None` otherwise.
pub fn open_totals_view_unopened(
    path: &std::path::Path,
) -> Result<Option<TotalsView>, LedgerError> {
    Ok(match open_saved_totals_view(path)? {
        SavedView::Current(view) => Some(*view),
        SavedView::NotCurrent | SavedView::LogDisagrees(_) => None,
    })
}

fn short_hex(bytes: &[u8; 32]) -> String {
    bytes[..8]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}
