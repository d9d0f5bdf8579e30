//! The history view's tail: the entries of the records appended since the history view was
//! last saved whole, in a small view of its own (`history-tail.view`), so that one `approve`
//! or `correct` writes a few hundred KB instead of laying the 35 MB history view out again.
//!
//! The history view saved whole is the tail's *base*: a view of an earlier head of the same
//! log (its head count and hash are the tail's `base_count` and `base_hash`). The tail is
//! current (stamped with the log's end like every view) and holds what changed since the
//! base: each new record's location, each new entry (in log order, with its place), and the
//! parts of the directory that follow the head (officers, objections, key rotations). A
//! reader takes a place's entries from the base and then from the tail, a record's location
//! from whichever holds it, and the directory's changing parts from the tail
//! (`super::read`). Once the tail holds [`MAX_TAIL_ITEMS`] entries and records, the next
//! append saves the history view whole again and the tail is left stale.
//!
//! `rekap audit` check 8 lays the base and the tail out as one view (entries merged into
//! their places, the directory's parts taken from the tail and the base) and compares it,
//! byte for byte, with the view rebuilt from the log; the base is first laid out again from
//! its own entries and must be byte for byte what it is ([`merged_for_check`]). As for the
//! view saved whole, a record's location (offset and length) is held only by the record's
//! hash: a reader reads the record there and refuses it unless it hashes to the entry's.

use bincode::{Decode, Encode};
use rekap_log::storage::locate::RecordLocation;
use rekap_log::{Head, Log, Storage};
use rekap_model::State;

use super::build::{encode, objection_places, objections, officers, saved_positions};
use super::build::{Key, Positions, Row};
use super::read::{Parsed, Slice};
use super::{KeyRotation, ViewObjection, ViewOfficer, COMPUTED_BY, CONFIG, HISTORY_VIEW};
use crate::error::LedgerError;
use crate::view::ViewSource;

/// Name of the history view's tail in a store.
pub const HISTORY_TAIL_VIEW: &str = "history-tail";
/// Bumped whenever the layout changes; a tail of another format is ignored.
const TAIL_FORMAT: u32 = 1;
/// Entries and records a tail holds at most (about 0.5 MB); the append that would go past
/// it saves the history view whole instead. A reader scans the tail for each place it is
/// asked about, so the bound also bounds that scan.
pub const MAX_TAIL_ITEMS: usize = 16_384;

/// One entry of the tail: its place (0 a region, 1 a station, and its number) and position.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub(super) struct TailEntry {
    pub(super) kind: u8,
    pub(super) place: u32,
    pub(super) seq: u64,
    pub(super) recorded_at_ms: u64,
    pub(super) index: u32,
    pub(super) contest: u32,
}

/// Where a record after the base is in `log.segment`, and its hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub(super) struct TailRecord {
    pub(super) offset: u64,
    pub(super) length: u64,
    pub(super) hash: [u8; 32],
}

/// The tail's body (bincode, fixed-width little-endian integers; docs/FORMAT.md).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub(super) struct Tail {
    format: u32,
    computed_by: String,
    pub(super) base_count: u64,
    pub(super) base_hash: [u8; 32],
    pub(super) head_count: u64,
    pub(super) head_hash: [u8; 32],
    pub(super) head_recorded_at_ms: u64,
    /// Sorted by key, as in the history view's directory; `None`: the base's (no officer
    /// registered or revoked since: a national list is about 0.5 MB).
    pub(super) officers: Option<Vec<ViewOfficer>>,
    /// Sorted by (seq, index).
    pub(super) objections: Vec<ViewObjection>,
    /// Every key rotation of the log, the base's first.
    pub(super) rotations: Vec<KeyRotation>,
    /// Records `base_count + 1 ..= head_count`.
    pub(super) records: Vec<TailRecord>,
    /// In log order.
    pub(super) entries: Vec<TailEntry>,
}

impl Tail {
    /// The tail body in `bytes`, if it decodes whole and holds together: one location per
    /// record after the base, entries of those records only, in log order.
    pub(super) fn decode(bytes: &[u8]) -> Option<Tail> {
        let (tail, used): (Tail, usize) = bincode::decode_from_slice(bytes, CONFIG).ok()?;
        let records = tail.head_count.checked_sub(tail.base_count)?;
        let in_order = (tail.entries.windows(2))
            .all(|pair| (pair[0].seq, pair[0].index) < (pair[1].seq, pair[1].index));
        let after_base = (tail.entries.iter())
            .all(|entry| entry.seq > tail.base_count && entry.seq <= tail.head_count);
        (used == bytes.len()
            && tail.format == TAIL_FORMAT
            && tail.computed_by == COMPUTED_BY
            && tail.records.len() as u64 == records
            && tail.entries.iter().all(|entry| entry.kind <= 1)
            && in_order
            && after_base)
            .then_some(tail)
    }

    fn encode(&self) -> Option<Vec<u8>> {
        bincode::encode_to_vec(self, CONFIG).ok()
    }

    pub(super) fn head(&self) -> Head {
        Head {
            count: self.head_count,
            last_hash: self.head_hash,
            last_recorded_at_ms: self.head_recorded_at_ms,
        }
    }

    /// The location of record `seq` (after the base).
    pub(super) fn record(&self, seq: u64) -> Option<RecordLocation> {
        let at = seq.checked_sub(self.base_count + 1)?;
        let record = self.records.get(usize::try_from(at).ok()?)?;
        Some(RecordLocation {
            seq,
            offset: record.offset,
            length: record.length,
            hash: record.hash,
        })
    }

    fn items(&self) -> usize {
        self.entries.len() + self.records.len()
    }
}

/// What to save of the history view after an append.
pub(crate) enum HistorySave {
    /// The tail's body, over the base the store holds, and the tail it was made from (as
    /// the store held it: saved over it, only its changed blocks are written).
    Tail {
        body: Vec<u8>,
        earlier: Option<Vec<u8>>,
    },
    /// The history view whole (no base of this log, or the tail was full).
    Whole(Vec<u8>),
}

impl HistorySave {
    /// Saves it: the tail over the earlier one, or the view whole.
    pub(crate) fn put<S: Storage>(&self, storage: &mut S) -> Result<(), LedgerError> {
        match self {
            HistorySave::Tail {
                body,
                earlier: Some(earlier),
            } => storage.put_view_over(HISTORY_TAIL_VIEW, earlier, body)?,
            HistorySave::Tail {
                body,
                earlier: None,
            } => storage.put_view(HISTORY_TAIL_VIEW, body)?,
            HistorySave::Whole(body) => storage.put_view(HISTORY_VIEW, body)?,
        }
        Ok(())
    }
}

/// What to save of the history view after an append at `log`'s head, where `state` is: the
/// tail ([`tail_after_append`]) when one can be made, else the body `whole` gives (`None`:
/// nothing to save).
pub(crate) fn history_after_append<S: Storage>(
    log: &Log<S>,
    state: &State,
    whole: impl FnOnce() -> Result<Option<Vec<u8>>, LedgerError>,
) -> Result<Option<HistorySave>, LedgerError> {
    if let Some(save) = tail_after_append(log, state)? {
        return Ok(Some(save));
    }
    Ok(whole()?.map(HistorySave::Whole))
}

/// The tail of `log`'s head, where `state` is, over the history view saved whole: the
/// earlier tail (if it is over the same base and of a record of this log) with the records
/// after it added. `None` when there is no such base or the tail would pass
/// [`MAX_TAIL_ITEMS`]. Reads only: it may run beside other work.
pub(crate) fn tail_after_append<S: Storage>(
    log: &Log<S>,
    state: &State,
) -> Result<Option<HistorySave>, LedgerError> {
    tail_within(log, state, MAX_TAIL_ITEMS)
}

/// The body of the tail [`Ledger::save_views_after_append`](crate::Ledger) would save at
/// `log`'s head, were a tail's bound `max_items` ([`MAX_TAIL_ITEMS`] when saving): for a
/// test of the bound without thousands of appends.
#[doc(hidden)]
pub fn tail_body_within<S: Storage>(
    log: &Log<S>,
    state: &State,
    max_items: usize,
) -> Result<Option<Vec<u8>>, LedgerError> {
    Ok(match tail_within(log, state, max_items)? {
        Some(HistorySave::Tail { body, .. }) => Some(body),
        _ => None,
    })
}

fn tail_within<S: Storage>(
    log: &Log<S>,
    state: &State,
    max_items: usize,
) -> Result<Option<HistorySave>, LedgerError> {
    let head = log.head();
    let Some((mut tail, earlier, base_officers)) = earlier_tail(log)? else {
        return Ok(None);
    };
    let first = tail.head_count + 1;
    let seqs: Vec<u64> = (first..=head.count).collect();
    if state.last_seq() != head.count || tail.items() + seqs.len() > max_items {
        return Ok(None);
    }
    let Some(locations) = log.storage().record_locations(&seqs)? else {
        return Ok(None);
    };
    let objection_places = objection_places(state);
    let mut added = Positions::default();
    for (record, location) in log.records_from(first).take(seqs.len()).zip(locations) {
        let record = record?;
        if record.seq != location.seq {
            return Ok(None);
        }
        added.add(state, &objection_places, &record, location);
    }
    if added.genesis.is_some() || added.records.len() != seqs.len() {
        return Ok(None);
    }
    tail.records
        .extend(added.records.iter().map(|location| TailRecord {
            offset: location.offset,
            length: location.length,
            hash: location.hash,
        }));
    tail.entries
        .extend(added.entries.iter().map(|(key, row)| entry_of(*key, *row)));
    tail.rotations.extend(added.rotations);
    let current = officers(state);
    tail.officers = (current != base_officers).then_some(current);
    tail.objections = objections(state);
    (tail.head_count, tail.head_hash) = (head.count, head.last_hash);
    tail.head_recorded_at_ms = head.last_recorded_at_ms;
    if tail.items() > max_items {
        return Ok(None);
    }
    Ok(tail
        .encode()
        .map(|body| HistorySave::Tail { body, earlier }))
}

/// A tail to add records to, the tail file's body as saved (to save over), and the base's
/// officers.
type TailToAddTo = (Tail, Option<Vec<u8>>, Vec<ViewOfficer>);

/// The tail to add to: the saved one if it is over the saved base and of a record of this
/// log (with its body as saved), else an empty one over the base; `None` without a base of
/// this log.
fn earlier_tail<S: Storage>(log: &Log<S>) -> Result<Option<TailToAddTo>, LedgerError> {
    let Some(base) = base_directory(log)? else {
        return Ok(None);
    };
    // The record's hash field where the log holds it, found by walking frame lengths:
    // reading the record itself would read its whole chunk (a bulk import's is 117 MB
    // nationally).
    let of_this_log = |count: u64, hash: [u8; 32]| -> Result<bool, LedgerError> {
        if count == 0 || count > log.head().count {
            return Ok(false);
        }
        let located = log.storage().record_locations(&[count])?;
        Ok((located.as_deref()).is_some_and(
            |found| matches!(found, [location] if location.seq == count && location.hash == hash),
        ))
    };
    if !of_this_log(base.head_count, base.head_hash)? {
        return Ok(None);
    }
    let saved = log.storage().get_view_of_any_head(HISTORY_TAIL_VIEW)?;
    if let Some(tail) = saved.as_deref().and_then(Tail::decode) {
        let over_base = (tail.base_count, tail.base_hash) == (base.head_count, base.head_hash);
        if over_base && of_this_log(tail.head_count, tail.head_hash)? {
            return Ok(Some((tail, saved, base.officers)));
        }
    }
    let empty = Tail {
        format: TAIL_FORMAT,
        computed_by: COMPUTED_BY.to_owned(),
        base_count: base.head_count,
        base_hash: base.head_hash,
        head_count: base.head_count,
        head_hash: base.head_hash,
        head_recorded_at_ms: base.head_recorded_at_ms,
        officers: None,
        objections: base.objections,
        rotations: base.rotations,
        records: Vec::new(),
        entries: Vec::new(),
    };
    // Saved over whatever tail file there is, stale or not (its blocks, compared).
    Ok(Some((empty, saved, base.officers)))
}

/// The directory of the history view saved whole, whatever its head, read without the
/// rest of its body; `None` if there is none or it does not read.
fn base_directory<S: Storage>(log: &Log<S>) -> Result<Option<super::Directory>, LedgerError> {
    let Some(reader) = log.storage().view_reader_of_any_head(HISTORY_VIEW)? else {
        return Ok(None);
    };
    let parsed = Parsed::from_source(reader).ok();
    let base = parsed.map(|parsed| parsed.directory);
    Ok(base.filter(|base| base.record_count == base.head_count))
}

fn entry_of(key: Key, row: Row) -> TailEntry {
    let (kind, place) = match key {
        Key::Region(region) => (0, region),
        Key::Station(station) => (1, station),
    };
    TailEntry {
        kind,
        place,
        seq: row.seq,
        recorded_at_ms: row.recorded_at_ms,
        index: row.index,
        contest: row.contest,
    }
}

/// Audit check 8's view of a base and its tail: the history view they stand for, laid out
/// whole at the tail's head, with every part a reader takes from them as they hold it (the
/// base's registrar, contests and genesis, the tail's officers, objections, rotations and
/// head time). `Err` says why they cannot be one view: the tail is not over this base, or
/// the base is not laid out as its own entries give it.
pub fn merged_for_check(base: &[u8], tail: &[u8], state: &State) -> Result<Vec<u8>, String> {
    let tail = Tail::decode(tail).ok_or("the history view's tail does not read")?;
    let parsed = Parsed::of(base).map_err(|error| error.to_string())?;
    let directory = &parsed.directory;
    if (directory.head_count, directory.head_hash) != (tail.base_count, tail.base_hash)
        || directory.record_count != tail.base_count
    {
        return Err("the history view's tail is not over the saved history view".to_owned());
    }
    let mut positions =
        saved_positions(base, state).ok_or("the saved history view does not read")?;
    positions.saved_genesis = directory.genesis.clone();
    positions.rotations = tail.rotations.clone();
    for seq in tail.base_count + 1..=tail.head_count {
        positions.records.extend(tail.record(seq));
    }
    positions.entries.extend(tail.entries.iter().map(|entry| {
        let key = match entry.kind {
            0 => Key::Region(entry.place),
            _ => Key::Station(entry.place),
        };
        let row = Row {
            seq: entry.seq,
            recorded_at_ms: entry.recorded_at_ms,
            index: entry.index,
            contest: entry.contest,
        };
        (key, row)
    }));
    same_layout(base, &parsed, state)?;
    let merged = encode(state, &positions, &tail.head()).ok_or("the tail's places are unknown")?;
    let mut merged_parsed = Parsed::of(&merged).map_err(|error| error.to_string())?;
    let saved = &mut merged_parsed.directory;
    saved.registrar = directory.registrar;
    saved.contests = directory.contests.clone();
    saved.officers = tail.officers.unwrap_or_else(|| directory.officers.clone());
    saved.objections = tail.objections;
    with_directory(&merged, saved)
}

/// Whether `base` is laid out as its own entries and records give it at its head, up to its
/// directory: what a reader takes from its region rows, code index, station rows, entries,
/// record locations and text is what the definition and those entries make.
fn same_layout(base: &[u8], parsed: &Parsed<Slice<'_>>, state: &State) -> Result<(), String> {
    let positions = saved_positions(base, state).ok_or("the saved history view does not read")?;
    let directory = &parsed.directory;
    let head = Head {
        count: directory.head_count,
        last_hash: directory.head_hash,
        last_recorded_at_ms: directory.head_recorded_at_ms,
    };
    let again = encode(state, &positions, &head).ok_or("the saved history view does not read")?;
    let tables_end = directory.text_offset + directory.text_length;
    let laid_out = |body: &[u8]| body.get(16..tables_end as usize).map(<[u8]>::to_vec);
    match (laid_out(base), laid_out(&again)) {
        (Some(ours), Some(theirs)) if ours == theirs => Ok(()),
        _ => Err(
            "the saved history view's regions, stations or entries are not laid out as \
                  the definition and its own entries give them"
                .to_owned(),
        ),
    }
}

/// `body` with its directory replaced by `directory` (the preamble's length too).
fn with_directory(body: &[u8], directory: &super::Directory) -> Result<Vec<u8>, String> {
    let encoded = bincode::encode_to_vec(directory, CONFIG).map_err(|error| error.to_string())?;
    let offset = Slice(body)
        .read(0, 8)
        .ok()
        .and_then(|bytes| Some(u64::from_le_bytes(bytes.as_ref().try_into().ok()?)))
        .ok_or("a body without a preamble")?;
    let mut out = body
        .get(..offset as usize)
        .ok_or("a body shorter than its directory")?
        .to_vec();
    out.get_mut(8..16)
        .ok_or("a body without a preamble")?
        .copy_from_slice(&(encoded.len() as u64).to_le_bytes());
    out.extend_from_slice(&encoded);
    Ok(out)
}
