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
use rekap_model::{decode_payload, Event, Payload};

use super::{
    Directory, GenesisFacts, KeyRotation, ViewOfficer, CONFIG, ENTRY_BYTES, HISTORY_VIEW,
    MAX_DIRECTORY_BYTES, NONE, PREAMBLE_BYTES, RECORD_BYTES, REGION_ROW_BYTES, STATION_ROW_BYTES,
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
    fn from_source(source: S) -> Result<Self, ViewError> {
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

    fn region_row(&self, region: u32) -> Result<[u32; 8], ViewError> {
        if region >= self.directory.region_count {
            return Err(damaged(format!("no region {region}")));
        }
        let at = PREAMBLE_BYTES + REGION_ROW_BYTES * u64::from(region);
        let bytes = self.source.read(at, REGION_ROW_BYTES)?;
        Ok([0, 4, 8, 12, 16, 20, 24, 28].map(|at| u32_at(&bytes, at)))
    }

    fn station_row(&self, station: u32) -> Result<[u32; 3], ViewError> {
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

/// A record's author and its events.
type RecordEvents = ([u8; 32], Vec<Event>);

/// A saved, current history view of the default store, read lazily.
pub struct HistoryView {
    parsed: Parsed<ViewReader>,
    segment: std::fs::File,
    /// Records read so far: author and events, by seq.
    events: RefCell<BTreeMap<u64, RecordEvents>>,
}

/// The saved history view of the default store at `path` if it is current (the log ends
/// where it was saved) and of the log's last record; `None` otherwise, or if it is damaged.
pub fn open_saved_history_view(path: &std::path::Path) -> Result<Option<HistoryView>, LedgerError> {
    let Some((reader, end)) = SegmentStorage::open_view_at_log_end(path, HISTORY_VIEW)? else {
        return Ok(None);
    };
    let LogEnd::Last(last) = end else {
        return Ok(None);
    };
    let Ok(parsed) = Parsed::from_source(reader) else {
        return Ok(None);
    };
    let directory = &parsed.directory;
    if (directory.head_count, directory.head_hash) != (last.seq, last.hash) {
        return Ok(None);
    }
    let segment = SegmentStorage::segment_file_unopened(path)?;
    Ok(Some(HistoryView {
        parsed,
        segment,
        events: RefCell::new(BTreeMap::new()),
    }))
}

impl HistoryView {
    /// The head the view was computed at (the log's last record, checked on open).
    pub fn head(&self) -> Head {
        let directory = &self.parsed.directory;
        Head {
            count: directory.head_count,
            last_hash: directory.head_hash,
            last_recorded_at_ms: directory.head_recorded_at_ms,
        }
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
        let officers = &self.parsed.directory.officers;
        let at = officers
            .binary_search_by_key(key, |officer| officer.key)
            .ok()?;
        officers.get(at)
    }

    /// The code of the place objection `id` is about, and its contest's id.
    pub fn objection_place(&self, id: rekap_model::EventId) -> Option<(&str, &str)> {
        let objections = &self.parsed.directory.objections;
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
        &self.parsed.directory.rotations
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
        self.parsed.rows(self.parsed.region_own(region)?)
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
        self.parsed.rows(first[0]..last[1])
    }

    /// Record `seq`, read from the log and checked against the hash the view holds for it.
    pub fn record(&self, seq: u64) -> Result<Record, ViewError> {
        let location = self.parsed.record(seq)?;
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
            }
        }
        out.sort_by_key(|position| (position.seq, position.index));
        Ok(out)
    }

    /// The author of record `seq` and its event `index`, read from the log and checked
    /// against the record's hash. An error if the record does not check or has no such
    /// event.
    pub fn event(&self, seq: u64, index: u32) -> Result<([u8; 32], Event), ViewError> {
        if !self.events.borrow().contains_key(&seq) {
            let record = self.record(seq)?;
            let events = match decode_payload(&record.payload) {
                Ok(Payload::Events { events, .. }) => events,
                _ => return Err(damaged(format!("record {seq} holds no events"))),
            };
            self.events
                .borrow_mut()
                .insert(seq, (record.author, events));
        }
        let events = self.events.borrow();
        let (author, events) = events.get(&seq).ok_or_else(|| damaged("a record read"))?;
        let event = (events.get(index as usize))
            .ok_or_else(|| damaged(format!("record {seq} has no event {index}")))?;
        Ok((*author, event.clone()))
    }
}
