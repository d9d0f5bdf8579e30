//! Reading current sheets from the stations view: each from the record its slot points to,
//! read with one `pread`, checked against the record's hash and decoded once per read.

use rekap_log::storage::locate::{read_located_record, RecordLocation};
use rekap_log::Record;
use rekap_model::{decode_payload, Event, EventId, PackedSheet, Payload, TallySheet};

use super::{damaged, u32_at, CurrentSheet, SlotStatus, StationsView};
use crate::view::ViewError;

impl StationsView {
    /// The station's current sheet, read from its record in the log and checked against
    /// the record's hash; `None` if it has none. An error if the record does not check.
    pub fn current_sheet(
        &self,
        contest: usize,
        station: u32,
    ) -> Result<Option<CurrentSheet>, ViewError> {
        let slot = self.slot(contest, station)?;
        if slot[0] != 2 {
            return Ok(None);
        }
        let record = self.slot_record(&slot)?;
        self.sheet_in(contest, station, &slot, &record).map(Some)
    }

    /// Code, status and current sheet of each of `stations` (a village's, say): each record
    /// holding one of their sheets read and decoded once, however many sheets it holds.
    pub fn current_sheets(
        &self,
        contest: usize,
        stations: std::ops::Range<u32>,
    ) -> Result<Vec<StationSheet>, ViewError> {
        let mut records: std::collections::BTreeMap<u32, SlotRecord> = Default::default();
        let mut out = Vec::with_capacity(stations.len());
        for station in stations {
            let slot = self.slot(contest, station)?;
            let status = self.status(contest, station)?;
            let sheet = if slot[0] == 2 {
                let number = u32_at(&slot, 4);
                let record = match records.entry(number) {
                    std::collections::btree_map::Entry::Occupied(read) => read.into_mut(),
                    std::collections::btree_map::Entry::Vacant(unread) => {
                        unread.insert(self.slot_record(&slot)?)
                    }
                };
                Some(self.sheet_in(contest, station, &slot, record)?.sheet)
            } else {
                None
            };
            out.push(StationSheet {
                station,
                code: self.code(station)?,
                status,
                sheet,
            });
        }
        Ok(out)
    }

    /// The record a slot points to, read with one `pread` and checked against its hash.
    fn slot_record(&self, slot: &[u8; 12]) -> Result<SlotRecord, ViewError> {
        let located = (self.directory.records)
            .get(u32_at(slot, 4) as usize)
            .ok_or_else(|| damaged("a record outside the record list"))?;
        let location = RecordLocation {
            seq: located.seq,
            offset: located.offset,
            length: located.length,
            hash: located.hash,
        };
        let bytes = read_located_record(&self.segment, &location)
            .map_err(|error| damaged(error.to_string()))?
            .ok_or_else(|| damaged(format!("record {} does not check", location.seq)))?;
        let record = Record::decode(&bytes).map_err(|error| damaged(error.to_string()))?;
        let Ok(Payload::Events { events, .. }) = decode_payload(&record.payload) else {
            return Err(damaged(format!("record {} holds no events", record.seq)));
        };
        Ok(SlotRecord {
            seq: record.seq,
            recorded_at_ms: record.recorded_at_ms,
            events,
        })
    }

    /// The sheet of `station` in `contest` at the event `slot` names in `record`.
    fn sheet_in(
        &self,
        contest: usize,
        station: u32,
        slot: &[u8; 12],
        record: &SlotRecord,
    ) -> Result<CurrentSheet, ViewError> {
        let index = u32_at(slot, 8);
        let (code, contest_id) = (self.code(station)?, &self.directory.contests[contest].id);
        let sheet = match record.events.get(index as usize) {
            Some(Event::SheetSubmitted {
                sheet,
                station,
                contest,
            })
            | Some(Event::SheetCorrected {
                sheet,
                station,
                contest,
                ..
            }) if *station == code && *contest == *contest_id => sheet,
            _ => {
                return Err(damaged(format!(
                    "event {}.{index} is not a sheet of {code} in {contest_id}",
                    record.seq
                )))
            }
        };
        Ok(CurrentSheet {
            id: EventId {
                seq: record.seq,
                index,
            },
            corrected: slot[1] == 1,
            recorded_at_ms: record.recorded_at_ms,
            // As the state keeps it (packed), so it reads exactly as a replay shows it.
            sheet: PackedSheet::pack(sheet).unpack(),
        })
    }
}

/// A record a slot points to, decoded: its seq, time and events.
struct SlotRecord {
    seq: u64,
    recorded_at_ms: u64,
    events: Vec<Event>,
}

/// One station of [`StationsView::current_sheets`]: its number, code, status in the contest
/// (`None`: it does not vote in it) and its current sheet if it is counted.
pub struct StationSheet {
    pub station: u32,
    pub code: String,
    pub status: Option<SlotStatus>,
    pub sheet: Option<TallySheet>,
}
