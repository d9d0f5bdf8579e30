//! The stations view: per-station rows that `rekap sheet` and `rekap status` answer from
//! without a replay, as `rekap totals` answers from the totals view (see [`crate::view`]).
//!
//! For every station (in tree order) its code and name, for every contest its status and
//! where its current sheet is: the record (by its position in `log.segment` and its hash)
//! and the event in it. A reader finds a station by binary search over a code index,
//! reads its slot, and reads that one record with one `pread`, checking it against its
//! hash, instead of replaying 818k sheets. Beside the rows, the few counts `status` shows
//! that are not in the totals view (open objections, votes-only sheets, flags).
//!
//! Like the totals view it is derived state, saved wherever the totals view is saved, in
//! a view file stamped with the end of the log (no lock, no genesis decode) and checked per
//! block; a missing, stale or damaged view, or a record that does not check, only means
//! "replay". `rekap audit` compares it with the replayed state (check 8).
//!
//! Body layout, integers little-endian (docs/FORMAT.md, "Stations view body"):
//! a 16-byte preamble (directory offset and length, u64 each); per station a row of four
//! u32 (code start, code end, name start, name end: name start `u32::MAX` for a station
//! without a name) into the text; the code index (station numbers sorted by code, u32
//! each); per contest, per station a 12-byte slot (status u8: 0 does not vote, 1 awaiting,
//! 2 counted, 3 voided, 4 re-vote pending; 1 if the current sheet is a correction; two zero
//! bytes; the record's number in the directory's record list, u32; the event's index in
//! the record's payload, u32); the text; the directory (bincode, fixed-width integers).

use bincode::{Decode, Encode};
use rekap_log::storage::locate::RecordLocation;
use rekap_log::storage::view_file::ViewReader;
use rekap_log::{Head, Log, SegmentStorage, Storage};
use rekap_model::{ContestIdx, EntryKind, EventId, State, StationId, StationStatus, TallySheet};
use rekap_projection::Projection;

use crate::error::LedgerError;
use crate::ledger::Ledger;
use crate::view::{Selection, TotalsView, ViewError, ViewRegion};

pub use check::check_stations_view;

mod check;
pub(crate) mod patch;
pub(crate) mod saved;
mod sheets;

pub use sheets::StationSheet;

/// Name of the stations view in a store.
pub const STATIONS_VIEW: &str = "stations";
/// Bumped whenever the layout changes; a view of another format is ignored.
// 2: a listed flag is saved as the flag itself, not its English text.
const FORMAT: u32 = 2;
const COMPUTED_BY: &str = concat!("rekap-ledger ", env!("CARGO_PKG_VERSION"));
const PREAMBLE_BYTES: u64 = 16;
const ROW_BYTES: u64 = 16;
const SLOT_BYTES: u64 = 12;
/// Flags `status` lists one by one; the view keeps that many.
pub const LISTED_FLAGS: usize = 10;
const NO_NAME: u32 = u32::MAX;
/// The directory holds a record location per record with a current sheet (about 82 for a
/// national import) and a few strings per contest.
const MAX_DIRECTORY_BYTES: u64 = 64 << 20;
const CONFIG: bincode::config::Configuration<
    bincode::config::LittleEndian,
    bincode::config::Fixint,
    bincode::config::Limit<{ MAX_DIRECTORY_BYTES as usize }>,
> = bincode::config::standard()
    .with_fixed_int_encoding()
    .with_little_endian()
    .with_limit::<{ MAX_DIRECTORY_BYTES as usize }>();

/// What `sheet` and `status` need of one contest.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct StationsContest {
    pub id: String,
    /// Ballot number and name of each pair, in ballot order.
    pub pairs: Vec<(u32, String)>,
    pub open_objections: u64,
    /// Counted sheets that carry only their votes.
    pub votes_only: u64,
}

/// A flag as `status` lists it: event id, station code, the flag (its rule and numbers,
/// worded in the reader's language when it is read).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct ListedFlag {
    pub id: String,
    pub station: String,
    pub flag: rekap_model::Flag,
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
struct LocatedRecord {
    seq: u64,
    offset: u64,
    length: u64,
    hash: [u8; 32],
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
struct Directory {
    format: u32,
    computed_by: String,
    head_count: u64,
    head_hash: [u8; 32],
    head_recorded_at_ms: u64,
    definition_name: String,
    station_count: u32,
    /// Stations in the code index.
    indexed: u32,
    rows_offset: u64,
    index_offset: u64,
    slots_offset: u64,
    text_offset: u64,
    text_length: u64,
    contests: Vec<StationsContest>,
    flag_count: u64,
    listed_flags: Vec<ListedFlag>,
    records: Vec<LocatedRecord>,
    /// `status`'s per-level lines, so that it reads no line below the scope's.
    scope_levels: Vec<ScopeLevels>,
}

/// One level under one scope as `status` shows it: regions, complete, and approvals.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode)]
pub struct LevelCounts {
    pub regions: u64,
    pub complete: u64,
    pub approved: u64,
    pub stale: u64,
}

/// The counts of `level` under `scope` in `contest`, from every line of that level.
pub fn level_counts(
    view: &TotalsView,
    contest: ContestIdx,
    scope: ViewRegion,
    level: u32,
) -> Result<LevelCounts, ViewError> {
    let rows = view.regions_at(scope, level)?;
    let reports = view.reports(&Selection {
        contest,
        level,
        rows,
    })?;
    Ok((reports.iter()).fold(LevelCounts::default(), LevelCounts::with))
}

/// Every contest's scopes' level counts, by contest id and scope row.
fn every_level_count(view: &TotalsView) -> Option<Vec<ScopeLevels>> {
    let mut out = Vec::new();
    for contest in (0..u32::MAX).map_while(|index| view.contest(ContestIdx(index)).map(|_| index)) {
        let id = view.contest(ContestIdx(contest))?.id.clone();
        let selection = view.select(Some(&id), None, None).ok()?;
        for scope in selection.rows.clone() {
            // Each level's lines checked once, not spelled into reports: what
            // `level_counts` of each level gives (tests/it/after_append.rs holds it).
            let every_level =
                (view.lines_of_every_level(selection.contest, ViewRegion(scope))).ok()?;
            let levels = (every_level.iter())
                .map(|lines| {
                    (lines.iter()).fold(LevelCounts::default(), |counts, line| {
                        counts.plus(LevelCounts::of_region(&line.totals, line.approval))
                    })
                })
                .collect();
            out.push(ScopeLevels {
                contest: id.clone(),
                scope,
                levels,
            });
        }
    }
    Some(out)
}

impl LevelCounts {
    /// One region's part of the counts: it is complete, approved or stale or neither.
    fn of(report: &rekap_projection::RegionReport) -> LevelCounts {
        LevelCounts::of_region(&report.totals, report.approval)
    }

    /// A region's part of the counts from its totals and approval label.
    fn of_region(totals: &rekap_projection::Totals, approval: &str) -> LevelCounts {
        LevelCounts {
            regions: 1,
            complete: u64::from(totals.stations_missing() == 0),
            approved: u64::from(approval == "approved"),
            stale: u64::from(approval == "stale"),
        }
    }

    fn with(self, report: &rekap_projection::RegionReport) -> LevelCounts {
        self.plus(LevelCounts::of(report))
    }

    fn plus(self, region: LevelCounts) -> LevelCounts {
        LevelCounts {
            regions: self.regions + region.regions,
            complete: self.complete + region.complete,
            approved: self.approved + region.approved,
            stale: self.stale + region.stale,
        }
    }

    /// `None` if the region was not counted (the earlier counts are not of that view).
    fn without(self, report: &rekap_projection::RegionReport) -> Option<LevelCounts> {
        let region = LevelCounts::of(report);
        Some(LevelCounts {
            regions: self.regions.checked_sub(region.regions)?,
            complete: self.complete.checked_sub(region.complete)?,
            approved: self.approved.checked_sub(region.approved)?,
            stale: self.stale.checked_sub(region.stale)?,
        })
    }
}

/// The level counts of one scope of one contest.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
struct ScopeLevels {
    contest: String,
    scope: u32,
    levels: Vec<LevelCounts>,
}

/// A station's status in a contest, as the view keeps it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlotStatus {
    Awaiting,
    Counted,
    Voided,
    RevotePending,
}

impl SlotStatus {
    /// The key `sheet` shows (as `rekap sheet`'s JSON spells it).
    pub fn key(self) -> &'static str {
        match self {
            SlotStatus::Awaiting => "awaiting",
            SlotStatus::Counted => "counted",
            SlotStatus::Voided => "voided",
            SlotStatus::RevotePending => "revote_pending",
        }
    }

    fn code(status: StationStatus) -> u8 {
        match status {
            StationStatus::Awaiting => 1,
            StationStatus::Counted(_) => 2,
            StationStatus::Voided(_) => 3,
            StationStatus::RevotePending(_) => 4,
        }
    }
}

/// The current sheet of a station, read from its record.
pub struct CurrentSheet {
    pub id: EventId,
    pub corrected: bool,
    pub recorded_at_ms: u64,
    pub sheet: TallySheet,
}

/// The counts and rows of `state` at `head`, with the records that hold the current sheets
/// at `locations`; `None` if a location is missing (the body would not describe the log).
fn encode(
    state: &State,
    projection: &Projection,
    totals: &TotalsView,
    head: &Head,
    locations: &[RecordLocation],
) -> Option<Vec<u8>> {
    let fixed = FixedParts::of(state);
    let parts = FixedParts {
        rows: fixed.rows.as_slice(),
        index: fixed.index.as_slice(),
        text: fixed.text.as_slice(),
    };
    assemble(state, projection, totals, head, locations, &parts, None)
}

/// What of a stations view depends on the definition alone, never on the log: each
/// station's row, the code index and the text (codes and names).
struct FixedParts<Bytes> {
    rows: Bytes,
    index: Bytes,
    text: Bytes,
}

impl FixedParts<Vec<u8>> {
    fn of(state: &State) -> FixedParts<Vec<u8>> {
        let election = state.election();
        let stations = election.tree().station_count();
        let mut text = Vec::new();
        let mut rows = Vec::with_capacity(stations as usize * ROW_BYTES as usize);
        let mut codes = Vec::with_capacity(stations as usize);
        for station in (0..stations).map(StationId) {
            let code = election.station_code(station).unwrap_or_default();
            let start = text.len() as u32;
            text.extend_from_slice(code.as_bytes());
            let end = text.len() as u32;
            let (name_start, name_end) = match election.station_name(station) {
                Some(name) => {
                    text.extend_from_slice(name.as_bytes());
                    (end, text.len() as u32)
                }
                None => (NO_NAME, NO_NAME),
            };
            for word in [start, end, name_start, name_end] {
                rows.extend_from_slice(&word.to_le_bytes());
            }
            // A listed station whose code is also a region's cannot be named by its code (a
            // code names the region first): it is left out of the index.
            let shadowed =
                election.listed_station(station).is_some() && election.find_region(&code).is_some();
            if !shadowed {
                codes.push((start, end, station.0));
            }
        }
        codes.sort_unstable_by(|left, right| {
            text[left.0 as usize..left.1 as usize].cmp(&text[right.0 as usize..right.1 as usize])
        });
        let index = codes
            .iter()
            .flat_map(|(_, _, station)| station.to_le_bytes())
            .collect();
        FixedParts { rows, index, text }
    }
}

/// The body of `state` at `head` around its definition's `fixed` parts: the slots and the
/// directory computed, the rest copied.
fn assemble(
    state: &State,
    projection: &Projection,
    totals: &TotalsView,
    head: &Head,
    locations: &[RecordLocation],
    fixed: &FixedParts<&[u8]>,
    scope_levels: Option<Vec<ScopeLevels>>,
) -> Option<Vec<u8>> {
    let election = state.election();
    let stations = election.tree().station_count();
    let contests = election.contests().len();
    let mut slots = Vec::with_capacity(contests * stations as usize * SLOT_BYTES as usize);
    let mut facts = Vec::with_capacity(contests);
    for (index, contest) in election.contests().iter().enumerate() {
        let contest_index = ContestIdx(index as u32);
        let mut votes_only = 0;
        for station in (0..stations).map(StationId) {
            let slot = slot_bytes(state, station, contest_index, locations, &mut votes_only)?;
            slots.extend_from_slice(&slot);
        }
        let open = open_objections_in(state, contest_index);
        facts.push(StationsContest {
            id: contest.id.clone(),
            pairs: (contest.pairs.iter())
                .map(|pair| (pair.number, pair.name.clone()))
                .collect(),
            open_objections: open,
            votes_only,
        });
    }
    let flags = projection.flags();
    let listed_flags = (flags.iter().take(LISTED_FLAGS))
        .map(|raised| ListedFlag {
            id: raised.id.to_string(),
            station: election.station_code(raised.station).unwrap_or_default(),
            flag: raised.flag.clone(),
        })
        .collect();
    let rows_offset = PREAMBLE_BYTES;
    let index_offset = rows_offset + fixed.rows.len() as u64;
    let slots_offset = index_offset + fixed.index.len() as u64;
    let text_offset = slots_offset + slots.len() as u64;
    let directory = Directory {
        format: FORMAT,
        computed_by: COMPUTED_BY.to_owned(),
        head_count: head.count,
        head_hash: head.last_hash,
        head_recorded_at_ms: head.last_recorded_at_ms,
        definition_name: election.definition().name.clone(),
        station_count: stations,
        indexed: (fixed.index.len() / 4) as u32,
        rows_offset,
        index_offset,
        slots_offset,
        text_offset,
        text_length: fixed.text.len() as u64,
        contests: facts,
        flag_count: flags.len() as u64,
        listed_flags,
        records: (locations.iter())
            .map(|location| LocatedRecord {
                seq: location.seq,
                offset: location.offset,
                length: location.length,
                hash: location.hash,
            })
            .collect(),
        scope_levels: match scope_levels {
            Some(brought_forward) => brought_forward,
            None => every_level_count(totals)?,
        },
    };
    let directory = bincode::encode_to_vec(&directory, CONFIG).ok()?;
    let directory_offset = text_offset + fixed.text.len() as u64;
    let mut body = Vec::with_capacity(directory_offset as usize + directory.len());
    body.extend_from_slice(&directory_offset.to_le_bytes());
    body.extend_from_slice(&(directory.len() as u64).to_le_bytes());
    body.extend_from_slice(fixed.rows);
    body.extend_from_slice(fixed.index);
    body.extend_from_slice(&slots);
    body.extend_from_slice(fixed.text);
    body.extend_from_slice(&directory);
    Some(body)
}

/// The open objections of `contest` (about any place), as `status` counts them.
fn open_objections_in(state: &State, contest: ContestIdx) -> u64 {
    (state.objections())
        .filter(|objection| {
            objection.contest == contest && objection.status == rekap_model::ObjectionStatus::Open
        })
        .count() as u64
}

/// One station's slot in one contest.
fn slot_bytes(
    state: &State,
    station: StationId,
    contest: ContestIdx,
    locations: &[RecordLocation],
    votes_only: &mut u64,
) -> Option<[u8; SLOT_BYTES as usize]> {
    let mut slot = [0u8; SLOT_BYTES as usize];
    let Some(status) = state.station_status(station, contest) else {
        return Some(slot);
    };
    slot[0] = SlotStatus::code(status);
    if let Some((entry, sheet)) = state.current_sheet(station, contest) {
        let entry = state.entry(entry)?;
        *votes_only += u64::from(sheet.votes_only());
        slot[1] = u8::from(entry.kind == EntryKind::Corrected);
        let record = locations
            .binary_search_by_key(&entry.id.seq, |location| location.seq)
            .ok()?;
        slot[4..8].copy_from_slice(&(record as u32).to_le_bytes());
        slot[8..12].copy_from_slice(&entry.id.index.to_le_bytes());
    }
    Some(slot)
}

/// The records that hold a current sheet, sorted and distinct.
fn current_sheet_records(state: &State) -> Vec<u64> {
    let election = state.election();
    let mut seqs = Vec::new();
    for contest in (0..election.contests().len()).map(|index| ContestIdx(index as u32)) {
        for station in (0..election.tree().station_count()).map(StationId) {
            if let Some((entry, _)) = state.current_sheet(station, contest) {
                if let Some(entry) = state.entry(entry) {
                    seqs.push(entry.id.seq);
                }
            }
        }
    }
    seqs.sort_unstable();
    seqs.dedup();
    seqs
}

impl<S: Storage> Ledger<S> {
    /// Saves the stations view of the head, if the storage can say where its records are
    /// (the segment store) and the ledger is replayed to the head; otherwise nothing.
    pub fn save_stations_view(&mut self, totals: &TotalsView) -> Result<(), LedgerError> {
        let body = stations_body(self.log(), self.state(), self.projection(), totals)?;
        if let Some(body) = body {
            self.log_mut()
                .storage_mut()
                .put_view(STATIONS_VIEW, &body)?;
        }
        Ok(())
    }
}

/// The body [`Ledger::save_stations_view`] saves, of `log`'s head where `state` and
/// `projection` are, beside `totals` of the same head; `None` when nothing is to be saved.
/// Reads only: it may run beside other work.
pub(crate) fn stations_body<S: Storage>(
    log: &Log<S>,
    state: &State,
    projection: &Projection,
    totals: &TotalsView,
) -> Result<Option<Vec<u8>>, LedgerError> {
    let head = log.head();
    if state.last_seq() != head.count || totals.head_count() != head.count {
        return Ok(None);
    }
    let seqs = current_sheet_records(state);
    let Some(locations) = log.storage().record_locations(&seqs)? else {
        return Ok(None);
    };
    let body = encode(state, projection, totals, &head, &locations);
    Ok(body.filter(|_| locations.len() == seqs.len()))
}

/// A saved, current stations view of the default store, read lazily.
pub struct StationsView {
    reader: ViewReader,
    directory: Directory,
    segment: std::fs::File,
}

fn damaged(reason: impl Into<String>) -> ViewError {
    ViewError::from(rekap_log::StorageError::Corrupt(format!(
        "stations view: {}",
        reason.into()
    )))
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    bytes
        .get(at..at + 4)
        .and_then(|word| word.try_into().ok())
        .map_or(0, u32::from_le_bytes)
}

/// The saved stations view of the default store at `path` if it is current (the log ends
/// where it was saved) and of the log's last record; `None` otherwise, or if it is damaged.
pub fn open_saved_stations_view(
    path: &std::path::Path,
) -> Result<Option<StationsView>, LedgerError> {
    let Some((reader, end)) = SegmentStorage::open_view_at_log_end(path, STATIONS_VIEW)? else {
        return Ok(None);
    };
    let rekap_log::storage::last_record::LogEnd::Last(last) = end else {
        return Ok(None);
    };
    let Ok(directory) = read_directory(&reader) else {
        return Ok(None);
    };
    if (directory.head_count, directory.head_hash) != (last.seq, last.hash) {
        return Ok(None);
    }
    let segment = SegmentStorage::segment_file_unopened(path)?;
    Ok(Some(StationsView {
        reader,
        directory,
        segment,
    }))
}

fn read_directory(reader: &ViewReader) -> Result<Directory, ViewError> {
    directory_of(
        |offset, length| Ok(reader.read(offset, length)?),
        reader.body_length(),
    )
}

/// The directory of a body read through `read(offset, length)`, checked to describe a
/// body of `body_length` bytes.
fn directory_of(
    read: impl Fn(u64, u64) -> Result<Vec<u8>, ViewError>,
    body_length: u64,
) -> Result<Directory, ViewError> {
    let preamble = read(0, PREAMBLE_BYTES)?;
    let word = |at: usize| u64::from_le_bytes(preamble[at..at + 8].try_into().unwrap_or([0; 8]));
    let (offset, length) = (word(0), word(8));
    if length > MAX_DIRECTORY_BYTES {
        return Err(damaged("directory too large"));
    }
    let bytes = read(offset, length)?;
    let (directory, used) = bincode::decode_from_slice::<Directory, _>(&bytes, CONFIG)
        .map_err(|error| damaged(rekap_model::decode_error_text(&error)))?;
    let stations = u64::from(directory.station_count);
    let contests = directory.contests.len() as u64;
    let fits = used as u64 == length
        && directory.format == FORMAT
        && directory.computed_by == COMPUTED_BY
        && directory.rows_offset == PREAMBLE_BYTES
        && directory.index_offset == directory.rows_offset + ROW_BYTES * stations
        && directory.indexed <= directory.station_count
        && directory.slots_offset == directory.index_offset + 4 * u64::from(directory.indexed)
        && directory.text_offset == directory.slots_offset + SLOT_BYTES * stations * contests
        && offset == directory.text_offset + directory.text_length
        && offset + length == body_length;
    if !fits {
        return Err(damaged("directory does not describe this body"));
    }
    Ok(directory)
}

impl StationsView {
    /// The head the view was computed at (the log's last record, checked on open).
    pub fn head(&self) -> Head {
        Head {
            count: self.directory.head_count,
            last_hash: self.directory.head_hash,
            last_recorded_at_ms: self.directory.head_recorded_at_ms,
        }
    }

    pub fn definition_name(&self) -> &str {
        &self.directory.definition_name
    }

    pub fn contests(&self) -> &[StationsContest] {
        &self.directory.contests
    }

    /// The level counts of scope row `scope` of contest `contest` (an id), if saved.
    pub fn level_counts(&self, contest: &str, scope: u32) -> Option<&[LevelCounts]> {
        (self.directory.scope_levels.iter())
            .find(|saved| saved.contest == contest && saved.scope == scope)
            .map(|saved| saved.levels.as_slice())
    }

    /// Flags raised so far, and the first [`LISTED_FLAGS`] of them.
    pub fn flags(&self) -> (u64, &[ListedFlag]) {
        (self.directory.flag_count, &self.directory.listed_flags)
    }

    /// The station whose code is exactly `code`.
    pub fn find_station(&self, code: &str) -> Result<Option<u32>, ViewError> {
        let (mut low, mut high) = (0u32, self.directory.indexed);
        while low < high {
            let middle = low + (high - low) / 2;
            let index = self
                .reader
                .read(self.directory.index_offset + 4 * u64::from(middle), 4)?;
            let station = u32_at(&index, 0);
            let found = self.code(station)?;
            match found.as_str().cmp(code) {
                std::cmp::Ordering::Less => low = middle + 1,
                std::cmp::Ordering::Greater => high = middle,
                std::cmp::Ordering::Equal => return Ok(Some(station)),
            }
        }
        Ok(None)
    }

    fn row(&self, station: u32) -> Result<[u32; 4], ViewError> {
        if station >= self.directory.station_count {
            return Err(damaged(format!("no station {station}")));
        }
        let at = self.directory.rows_offset + ROW_BYTES * u64::from(station);
        let bytes = self.reader.read(at, ROW_BYTES)?;
        Ok([0, 4, 8, 12].map(|at| u32_at(&bytes, at)))
    }

    fn text(&self, start: u32, end: u32) -> Result<String, ViewError> {
        if start > end || u64::from(end) > self.directory.text_length {
            return Err(damaged("a text range outside the text"));
        }
        let bytes = self.reader.read(
            self.directory.text_offset + u64::from(start),
            u64::from(end - start),
        )?;
        String::from_utf8(bytes).map_err(|_| damaged("text that is not UTF-8"))
    }

    pub fn code(&self, station: u32) -> Result<String, ViewError> {
        let [start, end, _, _] = self.row(station)?;
        self.text(start, end)
    }

    pub fn name(&self, station: u32) -> Result<Option<String>, ViewError> {
        let [_, _, start, end] = self.row(station)?;
        if start == NO_NAME {
            return Ok(None);
        }
        self.text(start, end).map(Some)
    }

    fn slot(&self, contest: usize, station: u32) -> Result<[u8; 12], ViewError> {
        let stations = u64::from(self.directory.station_count);
        if contest >= self.directory.contests.len() || u64::from(station) >= stations {
            return Err(damaged("no such slot"));
        }
        let at = self.directory.slots_offset
            + SLOT_BYTES * (contest as u64 * stations + u64::from(station));
        let bytes = self.reader.read(at, SLOT_BYTES)?;
        let mut slot = [0u8; 12];
        slot.copy_from_slice(&bytes);
        Ok(slot)
    }

    /// The station's status in contest number `contest` (the view's order, which is the
    /// definition's); `None` if it does not vote in it.
    pub fn status(&self, contest: usize, station: u32) -> Result<Option<SlotStatus>, ViewError> {
        Ok(match self.slot(contest, station)?[0] {
            0 => None,
            1 => Some(SlotStatus::Awaiting),
            2 => Some(SlotStatus::Counted),
            3 => Some(SlotStatus::Voided),
            4 => Some(SlotStatus::RevotePending),
            other => return Err(damaged(format!("status {other}"))),
        })
    }
}
