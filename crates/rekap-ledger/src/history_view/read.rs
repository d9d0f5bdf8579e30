//! Reading the history view: lazily from its file (only the rows and records asked for,
//! each block and record checked), or whole from memory (audit, bringing it forward).

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::ops::Range;

use rekap_log::storage::last_record::LogEnd;
use rekap_log::storage::locate::{read_located_record, RecordLocation};
use rekap_log::storage::view_file::ViewReader;
use rekap_log::{Head, Record, SegmentStorage};
use rekap_model::{decode_event_at, Event};

use super::tail::{Tail, TailEntry};
use super::{
    Directory, GenesisFacts, KeyRotation, ViewOfficer, CONFIG, ENTRY_BYTES, HISTORY_TAIL_VIEW,
    HISTORY_VIEW, MAX_DIRECTORY_BYTES, NONE, PREAMBLE_BYTES, RECORD_BYTES, REGION_ROW_BYTES,
    STATION_ROW_BYTES,
};
use crate::error::LedgerError;
use crate::view::{ViewError, ViewSource};

fn damaged(reason: impl Into<String>) -> ViewError {
    ViewError::from(rekap_log::StorageError::Corrupt(format!(
        "history view: {}",
        reason.into()
    )))
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    (bytes.get(at..at + 4))
        .and_then(|word| word.try_into().ok())
        .map_or(0, u32::from_le_bytes)
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    (bytes.get(at..at + 8))
        .and_then(|word| word.try_into().ok())
        .map_or(0, u64::from_le_bytes)
}

/// A body in memory, borrowed.
pub(super) struct Slice<'a>(pub &'a [u8]);

impl ViewSource for Slice<'_> {
    fn length(&self) -> u64 {
        self.0.len() as u64
    }

    fn read(&self, offset: u64, length: u64) -> Result<Cow<'_, [u8]>, ViewError> {
        let end = offset
            .checked_add(length)
            .and_then(|end| usize::try_from(end).ok());
        (end.and_then(|end| self.0.get(offset as usize..end)))
            .map(Cow::Borrowed)
            .ok_or_else(|| damaged(format!("no bytes {offset}+{length}")))
    }
}

/// One event a history shows: where it is, its record's time, its contest's number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub seq: u64,
    pub index: u32,
    pub recorded_at_ms: u64,
    pub contest: Option<u32>,
}

/// A place as the view numbers it: a region in definition order, a station in tree order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ViewPlace {
    Region(u32),
    Station(u32),
}

/// A body whose directory was read and checked to describe it.
pub(super) struct Parsed<S: ViewSource> {
    source: S,
    pub(super) directory: Directory,
}

impl<'a> Parsed<Slice<'a>> {
    pub(super) fn of(body: &'a [u8]) -> Result<Self, ViewError> {
        Parsed::from_source(Slice(body))
    }
}

impl<S: ViewSource> Parsed<S> {
    pub(super) fn from_source(source: S) -> Result<Self, ViewError> {
        let preamble = source.read(0, PREAMBLE_BYTES)?;
        let (offset, length) = (u64_at(&preamble, 0), u64_at(&preamble, 8));
        if length > MAX_DIRECTORY_BYTES {
            return Err(damaged("directory too large"));
        }
        let bytes = source.read(offset, length)?;
        let (directory, used) = bincode::decode_from_slice::<Directory, _>(&bytes, CONFIG)
            .map_err(|error| damaged(rekap_model::decode_error_text(&error)))?;
        if used as u64 != length || !directory.fits(offset, length, source.length()) {
            return Err(damaged("directory does not describe this body"));
        }
        Ok(Parsed { source, directory })
    }

    pub(super) fn region_row(&self, region: u32) -> Result<[u32; 8], ViewError> {
        if region >= self.directory.region_count {
            return Err(damaged(format!("no region {region}")));
        }
        let at = PREAMBLE_BYTES + REGION_ROW_BYTES * u64::from(region);
        let bytes = self.source.read(at, REGION_ROW_BYTES)?;
        Ok([0, 4, 8, 12, 16, 20, 24, 28].map(|at| u32_at(&bytes, at)))
    }

    pub(super) fn station_row(&self, station: u32) -> Result<[u32; 3], ViewError> {
        if station >= self.directory.station_count {
            return Err(damaged(format!("no station {station}")));
        }
        let at = self.directory.stations_offset + STATION_ROW_BYTES * u64::from(station);
        let bytes = self.source.read(at, STATION_ROW_BYTES)?;
        Ok([0, 4, 8].map(|at| u32_at(&bytes, at)))
    }

    pub(super) fn region_own(&self, region: u32) -> Result<Range<u32>, ViewError> {
        let row = self.region_row(region)?;
        Ok(row[0]..row[1])
    }

    pub(super) fn station_own(&self, station: u32) -> Result<Range<u32>, ViewError> {
        let row = self.station_row(station)?;
        Ok(row[0]..row[1])
    }

    /// The entries in `range`.
    pub(super) fn rows(&self, range: Range<u32>) -> Result<Vec<Position>, ViewError> {
        if range.start > range.end || u64::from(range.end) > self.directory.entry_count {
            return Err(damaged("an entry range outside the entries"));
        }
        let at = self.directory.entries_offset + ENTRY_BYTES * u64::from(range.start);
        let count = u64::from(range.end - range.start);
        let bytes = self.source.read(at, ENTRY_BYTES * count)?;
        Ok((bytes.chunks_exact(ENTRY_BYTES as usize))
            .map(|entry| Position {
                seq: u64_at(entry, 0),
                recorded_at_ms: u64_at(entry, 8),
                index: u32_at(entry, 16),
                contest: Some(u32_at(entry, 20)).filter(|contest| *contest != NONE),
            })
            .collect())
    }

    /// Every record's location, seq 1 first.
    pub(super) fn records(&self) -> Result<Vec<RecordLocation>, ViewError> {
        let count = self.directory.record_count;
        let bytes = (self.source).read(self.directory.records_offset, RECORD_BYTES * count)?;
        Ok((bytes.chunks_exact(RECORD_BYTES as usize).zip(1..))
            .map(|(row, seq)| location(row, seq))
            .collect())
    }

    fn record(&self, seq: u64) -> Result<RecordLocation, ViewError> {
        if seq == 0 || seq > self.directory.record_count {
            return Err(damaged(format!("no record {seq}")));
        }
        let at = self.directory.records_offset + RECORD_BYTES * (seq - 1);
        Ok(location(&self.source.read(at, RECORD_BYTES)?, seq))
    }

    fn text(&self, start: u32, end: u32) -> Result<String, ViewError> {
        if start > end || u64::from(end) > self.directory.text_length {
            return Err(damaged("a text range outside the text"));
        }
        let bytes = self.source.read(
            self.directory.text_offset + u64::from(start),
            u64::from(end - start),
        )?;
        String::from_utf8(bytes.into_owned()).map_err(|_| damaged("text that is not UTF-8"))
    }
}

fn location(row: &[u8], seq: u64) -> RecordLocation {
    let mut hash = [0u8; 32];
    hash.copy_from_slice(row.get(16..48).unwrap_or(&[0; 32]));
    RecordLocation {
        seq,
        offset: u64_at(row, 0),
        length: u64_at(row, 8),
        hash,
    }
}

/// A record's author and its payload's bytes.
type RecordPayload = ([u8; 32], Vec<u8>);

/// A saved, current history view of the default store, read lazily: the history view
/// saved whole, and the tail of the records appended since when it is not current itself
/// (`super::tail`).
pub struct HistoryView {
    parsed: Parsed<ViewReader>,
    tail: Option<Tail>,
    segment: std::fs::File,
    /// Records read so far (checked against their hashes): author and payload, by seq.
    records: RefCell<BTreeMap<u64, RecordPayload>>,
}

/// The saved history view of the default store at `path` if it is current (the log ends
/// where it was saved) and of the log's last record, or if its tail is, over it; `None`
/// otherwise, or if either is damaged.
pub fn open_saved_history_view(path: &std::path::Path) -> Result<Option<HistoryView>, LedgerError> {
    let Some((parsed, tail)) = current_parts(path)? else {
        return Ok(None);
    };
    let segment = SegmentStorage::segment_file_unopened(path)?;
    Ok(Some(HistoryView {
        parsed,
        tail,
        segment,
        records: RefCell::new(BTreeMap::new()),
    }))
}

/// The history view and, when it is not current itself, its current tail over it.
type CurrentParts = (Parsed<ViewReader>, Option<Tail>);

/// The history view and its tail, of the log's last record.
fn current_parts(path: &std::path::Path) -> Result<Option<CurrentParts>, LedgerError> {
    if let Some((reader, LogEnd::Last(last))) =
        SegmentStorage::open_view_at_log_end(path, HISTORY_VIEW)?
    {
        let parsed = Parsed::from_source(reader).ok();
        let current = parsed.filter(|parsed| {
            (parsed.directory.head_count, parsed.directory.head_hash) == (last.seq, last.hash)
        });
        return Ok(current.map(|parsed| (parsed, None)));
    }
    let Some((reader, LogEnd::Last(last))) =
        SegmentStorage::open_view_at_log_end(path, HISTORY_TAIL_VIEW)?
    else {
        return Ok(None);
    };
    let tail = reader.read_whole().ok().as_deref().and_then(Tail::decode);
    let Some(tail) = tail.filter(|tail| (tail.head_count, tail.head_hash) == (last.seq, last.hash))
    else {
        return Ok(None);
    };
    let Some(base) = ViewReader::open_of_any_mark(path, HISTORY_VIEW)? else {
        return Ok(None);
    };
    let Ok(parsed) = Parsed::from_source(base) else {
        return Ok(None);
    };
    let directory = &parsed.directory;
    let over = (directory.head_count, directory.head_hash) == (tail.base_count, tail.base_hash)
        && directory.record_count == tail.base_count;
    Ok(over.then_some((parsed, Some(tail))))
}

impl HistoryView {
    /// The head the view was computed at (the log's last record, checked on open).
    pub fn head(&self) -> Head {
        if let Some(tail) = &self.tail {
            return tail.head();
        }
        let directory = &self.parsed.directory;
        Head {
            count: directory.head_count,
            last_hash: directory.head_hash,
            last_recorded_at_ms: directory.head_recorded_at_ms,
        }
    }

    /// The tail's entries whose place `wanted` picks, oldest first.
    fn tail_positions(&self, wanted: impl Fn(ViewPlace) -> bool) -> Vec<Position> {
        let Some(tail) = &self.tail else {
            return Vec::new();
        };
        let place = |entry: &TailEntry| match entry.kind {
            0 => ViewPlace::Region(entry.place),
            _ => ViewPlace::Station(entry.place),
        };
        (tail.entries.iter())
            .filter(|entry| wanted(place(entry)))
            .map(|entry| Position {
                seq: entry.seq,
                index: entry.index,
                recorded_at_ms: entry.recorded_at_ms,
                contest: Some(entry.contest).filter(|contest| *contest != NONE),
            })
            .collect()
    }

    /// `region` and every region above it.
    fn with_ancestors(&self, region: u32) -> Result<Vec<u32>, ViewError> {
        let mut out = vec![region];
        while let Some(parent) = self.region_parent(*out.last().unwrap_or(&region))? {
            if out.len() > self.parsed.directory.region_count as usize {
                return Err(damaged("a region that is its own ancestor"));
            }
            out.push(parent);
        }
        Ok(out)
    }

    pub fn registrar(&self) -> [u8; 32] {
        self.parsed.directory.registrar
    }

    /// The number of contest `id` (the definition's order).
    pub fn contest(&self, id: &str) -> Option<u32> {
        let contests = &self.parsed.directory.contests;
        contests
            .iter()
            .position(|contest| contest == id)
            .map(|at| at as u32)
    }

    /// Every officer ever registered, by key.
    pub fn officer(&self, key: &[u8; 32]) -> Option<&ViewOfficer> {
        let from_tail = self.tail.as_ref().and_then(|tail| tail.officers.as_ref());
        let officers = from_tail.unwrap_or(&self.parsed.directory.officers);
        let at = officers
            .binary_search_by_key(key, |officer| officer.key)
            .ok()?;
        officers.get(at)
    }

    /// The code of the place objection `id` is about, and its contest's id.
    pub fn objection_place(&self, id: rekap_model::EventId) -> Option<(&str, &str)> {
        let objections = match &self.tail {
            Some(tail) => &tail.objections,
            None => &self.parsed.directory.objections,
        };
        let at = objections
            .binary_search_by_key(&(id.seq, id.index), |objection| {
                (objection.seq, objection.index)
            })
            .ok()?;
        (objections.get(at)).map(|objection| (objection.place.as_str(), objection.contest.as_str()))
    }

    pub fn genesis(&self) -> Option<&GenesisFacts> {
        self.parsed.directory.genesis.as_ref()
    }

    pub fn rotations(&self) -> &[KeyRotation] {
        match &self.tail {
            Some(tail) => &tail.rotations,
            None => &self.parsed.directory.rotations,
        }
    }

    /// The region whose code is exactly `code`.
    pub fn find_region(&self, code: &str) -> Result<Option<u32>, ViewError> {
        let directory = &self.parsed.directory;
        let (mut low, mut high) = (0u32, directory.region_count);
        while low < high {
            let middle = low + (high - low) / 2;
            let at = directory.index_offset + 4 * u64::from(middle);
            let region = u32_at(&self.parsed.source.read(at, 4)?, 0);
            match self.region_code(region)?.as_str().cmp(code) {
                std::cmp::Ordering::Less => low = middle + 1,
                std::cmp::Ordering::Greater => high = middle,
                std::cmp::Ordering::Equal => return Ok(Some(region)),
            }
        }
        Ok(None)
    }

    pub fn region_code(&self, region: u32) -> Result<String, ViewError> {
        let row = self.parsed.region_row(region)?;
        self.parsed.text(row[6], row[7])
    }

    /// Whether `region` is a top region (no parent).
    pub fn is_top(&self, region: u32) -> Result<bool, ViewError> {
        Ok(self.parsed.region_row(region)?[3] == NONE)
    }

    /// The own entries of every region above `parent` (inclusive), walking up.
    fn ancestors_from(&self, mut parent: u32, out: &mut Vec<Position>) -> Result<(), ViewError> {
        let mut steps = 0;
        while parent != NONE {
            steps += 1;
            if steps > self.parsed.directory.region_count {
                return Err(damaged("a region that is its own ancestor"));
            }
            let row = self.parsed.region_row(parent)?;
            out.extend(self.parsed.rows(row[0]..row[1])?);
            parent = row[3];
        }
        Ok(())
    }

    /// The region holding `station` (a village).
    pub fn station_holder(&self, station: u32) -> Result<u32, ViewError> {
        let holder = self.parsed.station_row(station)?[2];
        if holder == NONE {
            return Err(damaged(format!("station {station} has no region")));
        }
        Ok(holder)
    }

    /// The region above `region`, `None` for a top region.
    pub fn region_parent(&self, region: u32) -> Result<Option<u32>, ViewError> {
        Ok(Some(self.parsed.region_row(region)?[3]).filter(|parent| *parent != NONE))
    }

    /// The stations under `region` (one range in station order).
    pub fn region_stations(&self, region: u32) -> Result<Range<u32>, ViewError> {
        let row = self.parsed.region_row(region)?;
        if row[4] > row[5] || row[5] > self.parsed.directory.station_count {
            return Err(damaged(format!("region {region}: a station range outside")));
        }
        Ok(row[4]..row[5])
    }

    /// The events about `region` itself (not what is under it), oldest first.
    pub fn region_own_positions(&self, region: u32) -> Result<Vec<Position>, ViewError> {
        let mut out = self.parsed.rows(self.parsed.region_own(region)?)?;
        out.extend(self.tail_positions(|place| place == ViewPlace::Region(region)));
        Ok(out)
    }

    /// The events about the stations under `region` (each station's own, grouped by
    /// station, not in log order).
    pub fn stations_positions(&self, region: u32) -> Result<Vec<Position>, ViewError> {
        let stations = self.region_stations(region)?;
        if stations.is_empty() {
            return Ok(Vec::new());
        }
        let first = self.parsed.station_row(stations.start)?;
        let last = self.parsed.station_row(stations.end - 1)?;
        let mut out = self.parsed.rows(first[0]..last[1])?;
        // The tail's after all of them: the order is not the log's either way.
        out.extend(self.tail_positions(
            |place| matches!(place, ViewPlace::Station(station) if stations.contains(&station)),
        ));
        Ok(out)
    }

    /// The tail's entries about `region`, anything under it (its `stations` among them), or
    /// a region above it.
    fn tail_for_region(
        &self,
        region: u32,
        stations: Range<u32>,
    ) -> Result<Vec<Position>, ViewError> {
        let above = self.with_ancestors(region)?;
        let Some(tail) = &self.tail else {
            return Ok(Vec::new());
        };
        let mut under = Vec::new();
        for entry in tail.entries.iter().filter(|entry| entry.kind == 0) {
            if self.with_ancestors(entry.place)?.contains(&region) {
                under.push(entry.place);
            }
        }
        Ok(self.tail_positions(|place| match place {
            ViewPlace::Station(station) => stations.contains(&station),
            ViewPlace::Region(other) => above.contains(&other) || under.contains(&other),
        }))
    }

    /// Record `seq`, read from the log and checked against the hash the view holds for it.
    pub fn record(&self, seq: u64) -> Result<Record, ViewError> {
        let from_tail = (self.tail.as_ref()).filter(|_| seq > self.parsed.directory.record_count);
        let location = match from_tail {
            Some(tail) => (tail.record(seq)).ok_or_else(|| damaged(format!("no record {seq}")))?,
            None => self.parsed.record(seq)?,
        };
        let bytes = read_located_record(&self.segment, &location)
            .map_err(|error| damaged(error.to_string()))?
            .ok_or_else(|| damaged(format!("record {seq} does not check")))?;
        let record = Record::decode(&bytes).map_err(|error| damaged(error.to_string()))?;
        if record.seq != seq {
            return Err(damaged(format!("record {seq} holds record {}", record.seq)));
        }
        Ok(record)
    }

    /// Every event touching `place`, oldest first: the events about it or anything under
    /// it, and those about a region above it.
    pub fn positions(&self, place: ViewPlace) -> Result<Vec<Position>, ViewError> {
        let mut out = Vec::new();
        match place {
            ViewPlace::Station(station) => {
                let row = self.parsed.station_row(station)?;
                out.extend(self.parsed.rows(row[0]..row[1])?);
                self.ancestors_from(row[2], &mut out)?;
                if self.tail.is_some() {
                    let above = self.with_ancestors(row[2])?;
                    out.extend(self.tail_positions(|place| match place {
                        ViewPlace::Station(other) => other == station,
                        ViewPlace::Region(region) => above.contains(&region),
                    }));
                }
            }
            ViewPlace::Region(region) => {
                let row = self.parsed.region_row(region)?;
                out.extend(self.parsed.rows(row[0]..row[2])?);
                if row[4] < row[5] {
                    let first = self.parsed.station_row(row[4])?;
                    let last = self.parsed.station_row(row[5] - 1)?;
                    out.extend(self.parsed.rows(first[0]..last[1])?);
                }
                self.ancestors_from(row[3], &mut out)?;
                if self.tail.is_some() {
                    out.extend(self.tail_for_region(region, row[4]..row[5])?);
                }
            }
        }
        out.sort_by_key(|position| (position.seq, position.index));
        Ok(out)
    }

    /// The author of record `seq` and its event `index`, read from the log and checked
    /// against the record's hash. An error if the record does not check or has no such
    /// event.
    pub fn event(&self, seq: u64, index: u32) -> Result<([u8; 32], Event), ViewError> {
        if !self.records.borrow().contains_key(&seq) {
            let record = self.record(seq)?;
            (self.records.borrow_mut()).insert(seq, (record.author, record.payload));
        }
        let records = self.records.borrow();
        let (author, payload) = records.get(&seq).ok_or_else(|| damaged("a record read"))?;
        // Only the one event is decoded (the payload is checked whole, in place): a record
        // of an import holds 10,000 sheets.
        match decode_event_at(payload, index as usize) {
            Ok(Some(event)) => Ok((*author, event)),
            Ok(None) => Err(damaged(format!("record {seq} has no event {index}"))),
            Err(_) => Err(damaged(format!("record {seq} holds no events"))),
        }
    }
}
