//! The history view: where, in the log, every event touching a place is, so that
//! `rekap history --station S` (and `--region R`) reads only those records instead of
//! replaying the log (docs/ARCHITECTURE.md, "The history view").
//!
//! For every event that `history` would show, its position (record seq, event index), its
//! record's time and its contest, grouped by the place it is about: the regions' events
//! in depth-first tree order (so a region and everything under it is one contiguous
//! range), then the stations' in station order (stations under a region are one range).
//! A station's history is its own range and its ancestors' own ranges; each event is then
//! read from its record with one `pread`, checked against the record's hash, as `sheet`
//! does. Beside them, what the wording needs without a replay: every officer's role and
//! scope, every objection's place and contest, the genesis facts and the log key rotations.
//!
//! Derived state like the totals and stations views: saved with them, stamped with the
//! log's end and checked against the log's last record before it is believed; missing,
//! stale or damaged only means "replay". `rekap audit` compares it with the log (check 8).
//! [`bring_forward`] takes a view to a later head from the records appended after it.
//!
//! Body layout, integers little-endian (docs/FORMAT.md, "History view body"): a 16-byte
//! preamble (directory offset and length, u64 each); per region (definition order) a row
//! of eight u32 (own entries start and end, subtree entries end, parent or `u32::MAX`,
//! first station and end station under it, code start and end in the text); the region
//! code index (region numbers sorted by code, u32 each); per station a row of three u32
//! (entries start and end, holder region); the entries, 24 bytes each (record seq u64,
//! record time u64, event index u32, contest number u32 or `u32::MAX` for none); per
//! record of the log (seq 1 first) its location, 48 bytes (offset u64, length u64, hash);
//! the text; the directory (bincode, fixed-width integers).

pub(crate) mod build;
mod read;
pub mod tail;

use bincode::{Decode, Encode};
use rekap_model::Role;

pub use build::{bring_forward, check_history_view, encode_whole, AppendedHistory};
pub use read::{open_saved_history_view, HistoryView, Position, ViewPlace};
pub use tail::{merged_for_check, tail_body_within, HISTORY_TAIL_VIEW, MAX_TAIL_ITEMS};

/// Name of the history view in a store.
pub const HISTORY_VIEW: &str = "history";
/// Bumped whenever the layout changes; a view of another format is ignored.
const FORMAT: u32 = 2;
const COMPUTED_BY: &str = concat!("rekap-ledger ", env!("CARGO_PKG_VERSION"));
const PREAMBLE_BYTES: u64 = 16;
const REGION_ROW_BYTES: u64 = 32;
const STATION_ROW_BYTES: u64 = 12;
const ENTRY_BYTES: u64 = 24;
const RECORD_BYTES: u64 = 48;
const NONE: u32 = u32::MAX;
/// The directory holds every officer (7,831 nationally) and objection, a few MB at most.
const MAX_DIRECTORY_BYTES: u64 = 256 << 20;
const CONFIG: bincode::config::Configuration<
    bincode::config::LittleEndian,
    bincode::config::Fixint,
    bincode::config::Limit<{ MAX_DIRECTORY_BYTES as usize }>,
> = bincode::config::standard()
    .with_fixed_int_encoding()
    .with_little_endian()
    .with_limit::<{ MAX_DIRECTORY_BYTES as usize }>();

/// An officer's role as the view keeps it (the model's `Role` has no decoder).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct ViewRole {
    /// 0 operator, 1 official, 2 witness, 3 auditor.
    kind: u8,
    contest: String,
    pair: u32,
}

impl ViewRole {
    fn of(role: &Role) -> ViewRole {
        let (kind, contest, pair) = match role {
            Role::Operator => (0, String::new(), 0),
            Role::Official => (1, String::new(), 0),
            Role::Witness { contest, pair } => (2, contest.clone(), *pair),
            Role::Auditor => (3, String::new(), 0),
        };
        ViewRole {
            kind,
            contest,
            pair,
        }
    }

    pub fn role(&self) -> Option<Role> {
        Some(match self.kind {
            0 => Role::Operator,
            1 => Role::Official,
            2 => Role::Witness {
                contest: self.contest.clone(),
                pair: self.pair,
            },
            3 => Role::Auditor,
            _ => return None,
        })
    }
}

/// An officer: key, role, and the code of its scope region.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct ViewOfficer {
    pub key: [u8; 32],
    pub role: ViewRole,
    pub scope: String,
}

/// An objection, the code of the place it is about and its contest's id (which its
/// resolution is shown with).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub(crate) struct ViewObjection {
    seq: u64,
    index: u32,
    place: String,
    contest: String,
}

/// The genesis record, shown in a top region's history: the election's name and the
/// officers it registered, as the definition lists them.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct GenesisFacts {
    pub recorded_at_ms: u64,
    pub author: [u8; 32],
    pub name: String,
    pub initial_officers: Vec<ViewOfficer>,
}

/// A record naming a new log key, shown in a top region's history.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct KeyRotation {
    pub seq: u64,
    pub recorded_at_ms: u64,
    pub author: [u8; 32],
    pub key: [u8; 32],
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub(crate) struct Directory {
    format: u32,
    computed_by: String,
    head_count: u64,
    head_hash: [u8; 32],
    head_recorded_at_ms: u64,
    registrar: [u8; 32],
    contests: Vec<String>,
    region_count: u32,
    station_count: u32,
    entry_count: u64,
    /// Records in the location table: every record of the log, seq 1 first.
    record_count: u64,
    index_offset: u64,
    stations_offset: u64,
    entries_offset: u64,
    records_offset: u64,
    text_offset: u64,
    text_length: u64,
    /// Sorted by key.
    officers: Vec<ViewOfficer>,
    /// Sorted by (seq, index).
    objections: Vec<ViewObjection>,
    genesis: Option<GenesisFacts>,
    rotations: Vec<KeyRotation>,
}

impl Directory {
    /// Whether the offsets describe a body of `body_length` bytes whose directory is
    /// `length` bytes at `offset`.
    fn fits(&self, offset: u64, length: u64, body_length: u64) -> bool {
        let regions = u64::from(self.region_count);
        let stations = u64::from(self.station_count);
        let sized = |start: u64, count: u64, bytes: u64| {
            count
                .checked_mul(bytes)
                .and_then(|size| start.checked_add(size))
        };
        self.format == FORMAT
            && self.computed_by == COMPUTED_BY
            && sized(PREAMBLE_BYTES, regions, REGION_ROW_BYTES) == Some(self.index_offset)
            && sized(self.index_offset, regions, 4) == Some(self.stations_offset)
            && sized(self.stations_offset, stations, STATION_ROW_BYTES) == Some(self.entries_offset)
            && sized(self.entries_offset, self.entry_count, ENTRY_BYTES)
                == Some(self.records_offset)
            && sized(self.records_offset, self.record_count, RECORD_BYTES) == Some(self.text_offset)
            && self.text_offset.checked_add(self.text_length) == Some(offset)
            && offset.checked_add(length) == Some(body_length)
    }
}
