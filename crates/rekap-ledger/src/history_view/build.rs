//! Building the history view: from every record of the log (a whole build), or from a
//! saved body and the records appended after it ([`bring_forward`]); both go through the
//! same [`Positions`], so a view brought forward is byte for byte the view built whole.

use std::collections::BTreeMap;

use rekap_log::storage::locate::RecordLocation;
use rekap_log::{Head, Log, Record, Storage};
use rekap_model::{decode_payload, ContestIdx, Election, Event, EventId, Payload, Place, State};

use super::{
    Directory, GenesisFacts, KeyRotation, ViewObjection, ViewOfficer, ViewRole, COMPUTED_BY,
    CONFIG, ENTRY_BYTES, FORMAT, HISTORY_VIEW, NONE, PREAMBLE_BYTES, RECORD_BYTES,
    REGION_ROW_BYTES, STATION_ROW_BYTES,
};
use crate::error::LedgerError;
use crate::ledger::Ledger;
use crate::record_locations::{check_record_locations, Locate};

/// Which place's list an entry is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Key {
    Region(u32),
    Station(u32),
}

/// One entry: the event's position, its record's time, its contest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Row {
    pub(super) seq: u64,
    pub(super) recorded_at_ms: u64,
    pub(super) index: u32,
    pub(super) contest: u32,
}

/// What the view is made of besides what the state at the head gives.
#[derive(Default)]
pub(super) struct Positions {
    /// Every record's location, seq 1 first.
    pub(super) records: Vec<RecordLocation>,
    /// In log order.
    pub(super) entries: Vec<(Key, Row)>,
    pub(super) genesis: Option<(u64, [u8; 32])>,
    /// The genesis facts of a saved body, kept as they are (for a state whose election
    /// holds no initial officers: `crate::thin`); else made from the state's election.
    pub(super) saved_genesis: Option<GenesisFacts>,
    pub(super) rotations: Vec<KeyRotation>,
}

/// The history view's entries of records a bulk submission appended, taken from the
/// decisions' effects while the payloads were decided ([`Ledger::submit_bulk`]), so that the
/// view after a bulk import is laid out without reading the records back and decoding them.
/// Known only when every event of every payload changed or noted one station's sheet
/// (what an import appends); otherwise the records are read back as always.
#[derive(Debug, Default)]
pub struct AppendedHistory {
    /// The first appended record's seq (0: nothing recorded).
    first_seq: u64,
    records: u64,
    /// In log order; `None` once an event's entry could not be told from its effect.
    entries: Option<Vec<(Key, Row)>>,
}

impl AppendedHistory {
    pub(crate) fn new() -> AppendedHistory {
        AppendedHistory {
            first_seq: 0,
            records: 0,
            entries: Some(Vec::new()),
        }
    }

    /// Whether every appended event's entry is known (no record is to be read back).
    pub fn is_known(&self) -> bool {
        self.entries.is_some() && self.records > 0
    }

    /// Adds the entries of the payload `events` decided at `envelope` with `effects`.
    pub(crate) fn add(
        &mut self,
        election: &Election,
        envelope: &rekap_model::Envelope,
        events: &[Event],
        effects: &[rekap_model::Effect],
    ) {
        if self.records == 0 {
            self.first_seq = envelope.seq;
        }
        let follows = envelope.seq == self.first_seq + self.records;
        self.records += 1;
        let Some(entries) = self.entries.as_mut().filter(|_| follows) else {
            self.entries = None;
            return;
        };
        let known = events.len() == effects.len()
            && (events.iter().zip(effects).enumerate()).all(|(index, (event, effect))| {
                let Some((station, contest)) = sheet_place(election, event, effect) else {
                    return false;
                };
                let in_place = effect.id.seq == envelope.seq && effect.id.index as usize == index;
                entries.push((
                    Key::Station(station),
                    Row {
                        seq: envelope.seq,
                        recorded_at_ms: envelope.recorded_at_ms,
                        index: index as u32,
                        contest,
                    },
                ));
                in_place
            });
        if !known {
            self.entries = None;
        }
    }
}

/// The station and contest a sheet event's entry is under, from its effect: what
/// [`event_place`] and `Election::locate` give for it, for a station that only its own code
/// names (a listed station, whose code a region may share, is left to them).
fn sheet_place(
    election: &Election,
    event: &Event,
    effect: &rekap_model::Effect,
) -> Option<(u32, u32)> {
    use rekap_model::Change;
    let sheet_event = matches!(
        event,
        Event::SheetSubmitted { .. }
            | Event::SheetCorrected { .. }
            | Event::RevoteRecorded { .. }
            | Event::StationVoided { .. }
            | Event::SheetSource { .. }
    );
    let (station, contest) = match effect.change {
        Change::SheetSet {
            station, contest, ..
        }
        | Change::SheetCleared {
            station, contest, ..
        }
        | Change::SheetSourceNoted { station, contest } => (station, contest),
        _ => return None,
    };
    let own_code = election.listed_station(station).is_none();
    (sheet_event && own_code).then_some((station.0, contest.0))
}

/// The place code an event is about and its contest, as `history` words it: the same
/// choice as its `describe` (an officer event at the officer's scope, a resolution at its
/// objection's place and contest).
fn event_place(
    election: &Election,
    state: &State,
    objections: &BTreeMap<EventId, (Place, ContestIdx)>,
    event: &Event,
) -> Option<(String, Option<String>)> {
    Some(match event {
        Event::OfficerRegistered { role, scope, .. } => {
            let contest = match role {
                rekap_model::Role::Witness { contest, .. } => Some(contest.clone()),
                _ => None,
            };
            (scope.clone(), contest)
        }
        Event::OfficerRevoked { key, .. } => {
            let officer = state.officer(key)?;
            (election.region_code(officer.scope)?.to_owned(), None)
        }
        Event::SheetSubmitted {
            station, contest, ..
        }
        | Event::SheetCorrected {
            station, contest, ..
        }
        | Event::RevoteRecorded {
            station, contest, ..
        }
        | Event::StationVoided {
            station, contest, ..
        }
        | Event::SheetSource {
            station, contest, ..
        } => (station.clone(), Some(contest.clone())),
        Event::ObjectionFiled { place, contest, .. } => (place.clone(), Some(contest.clone())),
        Event::ObjectionResolved { objection, .. } => {
            let (place, contest) = *objections.get(objection)?;
            let contest = election.contest(contest)?.id.clone();
            (election.place_code(place), Some(contest))
        }
        Event::PlenaryApproved {
            region, contest, ..
        } => (region.clone(), Some(contest.clone())),
    })
}

pub(super) fn objection_places(state: &State) -> BTreeMap<EventId, (Place, ContestIdx)> {
    (state.objections())
        .map(|objection| (objection.id, (objection.place, objection.contest)))
        .collect()
}

impl Positions {
    /// Adds `record` (the next one, at `location`), judged against `state` at the head.
    pub(super) fn add(
        &mut self,
        state: &State,
        objections: &BTreeMap<EventId, (Place, ContestIdx)>,
        record: &Record,
        location: RecordLocation,
    ) {
        self.records.push(location);
        let election = state.election();
        let events = match decode_payload(&record.payload) {
            Ok(Payload::Events { events, .. }) => events,
            Ok(Payload::Genesis(_)) => {
                self.genesis = Some((record.recorded_at_ms, record.author));
                return;
            }
            Ok(Payload::LogKeyRotated { key, .. }) => {
                self.rotations.push(KeyRotation {
                    seq: record.seq,
                    recorded_at_ms: record.recorded_at_ms,
                    author: record.author,
                    key,
                });
                return;
            }
            Err(_) => return,
        };
        for (index, event) in events.iter().enumerate() {
            let Some((code, contest)) = event_place(election, state, objections, event) else {
                continue;
            };
            let key = match election.locate(&code) {
                Some(Place::Region(region)) => Key::Region(region.0),
                Some(Place::Station(station)) => Key::Station(station.0),
                None => continue,
            };
            let contest = contest
                .and_then(|id| election.contest_by_id(&id))
                .map_or(NONE, |contest| contest.0);
            self.entries.push((
                key,
                Row {
                    seq: record.seq,
                    recorded_at_ms: record.recorded_at_ms,
                    index: index as u32,
                    contest,
                },
            ));
        }
    }
}

/// Regions in depth-first order: each region's position, and the position just past its
/// subtree.
fn depth_first(election: &Election) -> (Vec<u32>, Vec<u32>) {
    let tree = election.tree();
    let count = tree.region_count() as usize;
    let (mut position, mut subtree_end) = (vec![0u32; count], vec![0u32; count]);
    let mut next = 0u32;
    // (region, whether its children were pushed)
    let mut stack: Vec<(rekap_model::RegionIdx, bool)> = tree
        .roots()
        .iter()
        .rev()
        .map(|root| (*root, false))
        .collect();
    while let Some((region, expanded)) = stack.pop() {
        let at = region.0 as usize;
        if expanded {
            subtree_end[at] = next;
            continue;
        }
        position[at] = next;
        next += 1;
        stack.push((region, true));
        stack.extend(
            tree.children(region)
                .iter()
                .rev()
                .map(|child| (*child, false)),
        );
    }
    (position, subtree_end)
}

fn push_u32s(out: &mut Vec<u8>, words: &[u32]) {
    for word in words {
        out.extend_from_slice(&word.to_le_bytes());
    }
}

/// The body of the view of `positions` with `state` at `head`; `None` if it would not fit
/// its u32 fields (more than 4 billion entries).
pub(super) fn encode(state: &State, positions: &Positions, head: &Head) -> Option<Vec<u8>> {
    let election = state.election();
    let tree = election.tree();
    let (regions, stations) = (tree.region_count(), tree.station_count());
    let (dfs, subtree) = depth_first(election);
    let mut sorted: Vec<(u64, Row)> = (positions.entries.iter())
        .map(|(key, row)| {
            let order = match key {
                Key::Region(region) => u64::from(*dfs.get(*region as usize)?),
                Key::Station(station) => u64::from(regions) + u64::from(*station),
            };
            Some((order, *row))
        })
        .collect::<Option<_>>()?;
    sorted.sort_by_key(|(order, _)| *order);
    u32::try_from(sorted.len()).ok()?;
    // starts[order] = the first entry of place `order` (regions by depth-first position,
    // then stations), starts[last] = the entry count.
    let places = regions as usize + stations as usize;
    let mut starts = vec![0u32; places + 1];
    for (order, _) in &sorted {
        *starts.get_mut(*order as usize + 1)? += 1;
    }
    for at in 1..starts.len() {
        starts[at] += starts[at - 1];
    }
    let mut text = Vec::new();
    let mut region_rows = Vec::with_capacity(regions as usize * REGION_ROW_BYTES as usize);
    for region in (0..regions).map(rekap_model::RegionIdx) {
        let at = region.0 as usize;
        let code = election.region_code(region).unwrap_or_default();
        let code_start = text.len() as u32;
        text.extend_from_slice(code.as_bytes());
        let under = tree.stations_under(region);
        let parent = tree.parent(region).map_or(NONE, |parent| parent.0);
        let row = [
            starts[dfs[at] as usize],
            starts[dfs[at] as usize + 1],
            starts[subtree[at] as usize],
            parent,
            under.start,
            under.end,
            code_start,
            text.len() as u32,
        ];
        push_u32s(&mut region_rows, &row);
    }
    let mut index: Vec<u32> = (0..regions).collect();
    index.sort_by_key(|region| election.region_code(rekap_model::RegionIdx(*region)));
    let mut station_rows = Vec::with_capacity(stations as usize * STATION_ROW_BYTES as usize);
    for station in 0..stations {
        let order = regions as usize + station as usize;
        let holder = tree.station_holder(rekap_model::StationId(station));
        let row = [
            starts[order],
            starts[order + 1],
            holder.map_or(NONE, |(region, _)| region.0),
        ];
        push_u32s(&mut station_rows, &row);
    }
    let index_offset = PREAMBLE_BYTES + region_rows.len() as u64;
    let stations_offset = index_offset + 4 * u64::from(regions);
    let entries_offset = stations_offset + station_rows.len() as u64;
    let records_offset = entries_offset + ENTRY_BYTES * sorted.len() as u64;
    let text_offset = records_offset + RECORD_BYTES * positions.records.len() as u64;
    let directory = Directory {
        format: FORMAT,
        computed_by: COMPUTED_BY.to_owned(),
        head_count: head.count,
        head_hash: head.last_hash,
        head_recorded_at_ms: head.last_recorded_at_ms,
        registrar: election.registrar(),
        contests: (election.contests().iter())
            .map(|contest| contest.id.clone())
            .collect(),
        region_count: regions,
        station_count: stations,
        entry_count: sorted.len() as u64,
        record_count: positions.records.len() as u64,
        index_offset,
        stations_offset,
        entries_offset,
        records_offset,
        text_offset,
        text_length: text.len() as u64,
        officers: officers(state),
        objections: objections(state),
        genesis: positions.saved_genesis.clone().or_else(|| {
            positions
                .genesis
                .map(|(recorded_at_ms, author)| GenesisFacts {
                    recorded_at_ms,
                    author,
                    name: election.definition().name.clone(),
                    initial_officers: (election.definition().initial_officers.iter())
                        .map(|officer| ViewOfficer {
                            key: officer.key,
                            role: ViewRole::of(&officer.role),
                            scope: officer.scope.clone(),
                        })
                        .collect(),
                })
        }),
        rotations: positions.rotations.clone(),
    };
    let directory = bincode::encode_to_vec(&directory, CONFIG).ok()?;
    let mut body = Vec::with_capacity(text_offset as usize + text.len() + directory.len());
    body.extend_from_slice(&(text_offset + text.len() as u64).to_le_bytes());
    body.extend_from_slice(&(directory.len() as u64).to_le_bytes());
    body.extend_from_slice(&region_rows);
    push_u32s(&mut body, &index);
    body.extend_from_slice(&station_rows);
    for (_, row) in &sorted {
        body.extend_from_slice(&row.seq.to_le_bytes());
        body.extend_from_slice(&row.recorded_at_ms.to_le_bytes());
        body.extend_from_slice(&row.index.to_le_bytes());
        body.extend_from_slice(&row.contest.to_le_bytes());
    }
    for record in &positions.records {
        body.extend_from_slice(&record.offset.to_le_bytes());
        body.extend_from_slice(&record.length.to_le_bytes());
        body.extend_from_slice(&record.hash);
    }
    body.extend_from_slice(&text);
    body.extend_from_slice(&directory);
    Some(body)
}

pub(super) fn officers(state: &State) -> Vec<ViewOfficer> {
    let election = state.election();
    let mut out: Vec<ViewOfficer> = (state.officers())
        .map(|officer| ViewOfficer {
            key: officer.key,
            role: ViewRole::of(&officer.role),
            scope: (election.region_code(officer.scope))
                .unwrap_or_default()
                .to_owned(),
        })
        .collect();
    out.sort_by_key(|officer| officer.key);
    out
}

pub(super) fn objections(state: &State) -> Vec<ViewObjection> {
    let election = state.election();
    let mut out: Vec<ViewObjection> = (state.objections())
        .map(|objection| ViewObjection {
            seq: objection.id.seq,
            index: objection.id.index,
            place: election.place_code(objection.place),
            contest: (election.contest(objection.contest))
                .map(|contest| contest.id.clone())
                .unwrap_or_default(),
        })
        .collect();
    out.sort_by_key(|objection| (objection.seq, objection.index));
    out
}

/// The view of the log whose records are `records` (every one, in order, each at its
/// location) and whose replay gave `state` at `head`; `None` if a record has no location.
pub fn encode_whole<'a>(
    state: &State,
    head: &Head,
    records: impl IntoIterator<Item = (&'a Record, RecordLocation)>,
) -> Option<Vec<u8>> {
    let objections = objection_places(state);
    let mut positions = Positions::default();
    for (record, location) in records {
        if record.seq != positions.records.len() as u64 + 1 || location.seq != record.seq {
            return None;
        }
        positions.add(state, &objections, record, location);
    }
    encode(state, &positions, head)
}

/// The view at `head` (whose replay gave `state`) from a saved `body` of an earlier head
/// and the records appended after it (each at its location, in order, the first right
/// after the body's head): byte for byte the view [`encode_whole`] builds. `None` if the
/// body does not read or the records do not follow it.
pub fn bring_forward<'a>(
    body: &[u8],
    state: &State,
    head: &Head,
    appended: impl IntoIterator<Item = (&'a Record, RecordLocation)>,
) -> Option<Vec<u8>> {
    let mut positions = saved_positions(body, state)?;
    let objections = objection_places(state);
    for (record, location) in appended {
        if record.seq != positions.records.len() as u64 + 1 || location.seq != record.seq {
            return None;
        }
        positions.add(state, &objections, record, location);
    }
    encode(state, &positions, head)
}

/// The positions a saved body holds, read back (its regions and stations must be the
/// state's: the same definition).
pub(super) fn saved_positions(body: &[u8], state: &State) -> Option<Positions> {
    let view = super::read::Parsed::of(body).ok()?;
    let tree = state.election().tree();
    if (view.directory.region_count, view.directory.station_count)
        != (tree.region_count(), tree.station_count())
    {
        return None;
    }
    let mut positions = Positions {
        records: view.records().ok()?,
        entries: Vec::new(),
        genesis: (view.directory.genesis.as_ref())
            .map(|facts| (facts.recorded_at_ms, facts.author)),
        saved_genesis: None,
        rotations: view.directory.rotations.clone(),
    };
    for region in 0..view.directory.region_count {
        let own = view.region_own(region).ok()?;
        for row in view.rows(own).ok()? {
            positions.entries.push((Key::Region(region), row_of(row)));
        }
    }
    for station in 0..view.directory.station_count {
        let own = view.station_own(station).ok()?;
        for row in view.rows(own).ok()? {
            positions.entries.push((Key::Station(station), row_of(row)));
        }
    }
    Some(positions)
}

fn row_of(position: super::Position) -> Row {
    Row {
        seq: position.seq,
        recorded_at_ms: position.recorded_at_ms,
        index: position.index,
        contest: position.contest.unwrap_or(NONE),
    }
}

/// Audit check 8 on a saved history view `body` of the log `records`, whose replay gave
/// `state` at `head`: every record location it holds names the log's record (its hash) at
/// the bytes where the store holds it (`locate`, as `crate::record_locations` says), and
/// every byte of it is what the log gives. `Err` says what differs.
pub fn check_history_view(
    body: &[u8],
    state: &State,
    head: &Head,
    records: &[Record],
    locate: impl Locate,
) -> Result<(), String> {
    let view = super::read::Parsed::of(body).map_err(|error| error.to_string())?;
    let locations = view.records().map_err(|error| error.to_string())?;
    if locations.len() != records.len() {
        return Err(format!(
            "the history view holds {} records, the log {}",
            locations.len(),
            records.len()
        ));
    }
    for (location, record) in locations.iter().zip(records) {
        if location.hash != record.hash {
            return Err(format!(
                "the history view names record {} with a hash the log's record does not have",
                record.seq
            ));
        }
    }
    check_record_locations("history view", &locations, locate)?;
    match encode_whole(state, head, records.iter().zip(locations)) {
        Some(expected) if expected == body => Ok(()),
        _ => Err(
            "the history view differs from the log's replay (an event's place, position, \
             time or contest, an officer or an objection)"
                .to_owned(),
        ),
    }
}

impl<S: Storage> Ledger<S> {
    /// Saves the history view of the head, if the storage can say where its records are
    /// (the segment store) and the ledger is replayed to the head; otherwise nothing.
    pub fn save_history_view(&mut self) -> Result<(), LedgerError> {
        self.save_history_view_from(None)
    }

    /// [`Ledger::save_history_view`], brought forward from `earlier` (a body this log's
    /// storage saved at an earlier head, e.g. read with `get_view(HISTORY_VIEW)` before an
    /// append) by reading only the records after it; built whole from the log when there
    /// is none, or it does not read or is not of this log.
    pub fn save_history_view_from(&mut self, earlier: Option<&[u8]>) -> Result<(), LedgerError> {
        if let Some(body) = history_body_from(self.log(), self.state(), earlier)? {
            self.log_mut().storage_mut().put_view(HISTORY_VIEW, &body)?;
        }
        Ok(())
    }
}

/// The body [`Ledger::save_history_view_from`] saves, of `log`'s head where `state` is;
/// `None` when nothing is to be saved (the ledger is not replayed to the head, or the
/// storage cannot say where its records are). Reads only: it may run beside other work.
pub(crate) fn history_body_from<S: Storage>(
    log: &Log<S>,
    state: &State,
    earlier: Option<&[u8]>,
) -> Result<Option<Vec<u8>>, LedgerError> {
    history_body_after(log, state, earlier, None)
}

/// [`history_body_from`], with the entries of the last records taken from `appended` when
/// it holds them and `earlier` is the view just before them; byte for byte the same body.
pub(crate) fn history_body_after<S: Storage>(
    log: &Log<S>,
    state: &State,
    earlier: Option<&[u8]>,
    appended: Option<&AppendedHistory>,
) -> Result<Option<Vec<u8>>, LedgerError> {
    let positions = earlier
        .and_then(|body| earlier_positions(log, state, body))
        .unwrap_or_default();
    history_body_with(log, state, positions, appended)
}

/// [`history_body_from`] for a state without its election's initial officers (one decided
/// without a replay, `crate::thin`): only from an `earlier` body of this log, whose genesis
/// facts are kept; `None` when there is none.
pub(crate) fn history_body_without_sheets<S: Storage>(
    log: &Log<S>,
    state: &State,
    earlier: &[u8],
) -> Result<Option<Vec<u8>>, LedgerError> {
    let Some(mut positions) = earlier_positions(log, state, earlier) else {
        return Ok(None);
    };
    let Ok(parsed) = super::read::Parsed::of(earlier) else {
        return Ok(None);
    };
    positions.saved_genesis = parsed.directory.genesis.clone();
    if positions.saved_genesis.is_none() {
        return Ok(None);
    }
    history_body_with(log, state, positions, None)
}

/// The body of `log`'s head where `state` is, from `positions` of an earlier head, the
/// records after it, and the entries of the last ones from `appended` when it holds them.
fn history_body_with<S: Storage>(
    log: &Log<S>,
    state: &State,
    mut positions: Positions,
    appended: Option<&AppendedHistory>,
) -> Result<Option<Vec<u8>>, LedgerError> {
    let head = log.head();
    if state.last_seq() != head.count {
        return Ok(None);
    }
    let first = positions.records.len() as u64 + 1;
    // The records `appended` holds are not read back: they are the last ones, after the
    // earlier view's.
    let known = appended
        .filter(|appended| {
            appended.is_known()
                && appended.first_seq >= first
                && appended.first_seq + appended.records == head.count + 1
        })
        .and_then(|appended| Some((appended.first_seq, appended.entries.as_deref()?)));
    let read_through = known.map_or(head.count, |(first_known, _)| first_known - 1);
    let objections = objection_places(state);
    let seqs: Vec<u64> = (first..=read_through).collect();
    let Some(locations) = log.storage().record_locations(&seqs)? else {
        return Ok(None);
    };
    let records = log.records_from(first).take(seqs.len());
    for (record, location) in records.zip(locations) {
        let record = record?;
        if record.seq != location.seq {
            return Ok(None);
        }
        positions.add(state, &objections, &record, location);
    }
    if let Some((first_known, entries)) = known {
        let seqs: Vec<u64> = (first_known..=head.count).collect();
        let Some(locations) = log.storage().record_locations(&seqs)? else {
            return Ok(None);
        };
        if (locations.iter().zip(&seqs)).any(|(location, seq)| location.seq != *seq) {
            return Ok(None);
        }
        positions.records.extend(locations);
        positions.entries.extend_from_slice(entries);
    }
    let complete = positions.records.len() as u64 == head.count;
    Ok(encode(state, &positions, &head).filter(|_| complete))
}

/// The positions of an earlier body of this log: its head is a record of this log.
fn earlier_positions<S: Storage>(log: &Log<S>, state: &State, body: &[u8]) -> Option<Positions> {
    let parsed = super::read::Parsed::of(body).ok()?;
    let (count, hash) = (parsed.directory.head_count, parsed.directory.head_hash);
    if count == 0 || count > log.head().count {
        return None;
    }
    let record = log.read(count).ok()??;
    (record.hash == hash)
        .then(|| saved_positions(body, state))
        .flatten()
}
