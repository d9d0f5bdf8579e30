//! Every collection and string the model accepts has a limit, so that no definition file,
//! CSV or decoded payload can make it allocate without bound. Each violation is a specific
//! error naming the limit.
//!
//! A payload is at most [`MAX_CANONICAL_BYTES`] long. Decoding, bincode also bounds what it
//! may allocate: a running count of the bytes read plus every list element announced but
//! not yet read, counted at its *in-memory* size. Large events followed by many small ones
//! push that count past the payload's length, so the count's budget,
//! [`DECODE_BUDGET_BYTES`], is twice the length limit: every payload within the limits
//! decodes (`tests/payload.rs` builds the worst case; `tests/format.rs` checks the bound).

/// Longest canonical byte string (payload) the model encodes or decodes.
pub const MAX_CANONICAL_BYTES: usize = 16 * 1024 * 1024;

/// bincode's allocation budget while decoding: at most the bytes read plus the in-memory
/// size of the list elements announced and not yet read. Three times the length limit: a
/// genesis at every limit (regions, listed stations, officers, contests and one contest's
/// parts) has at most 35.2 MB pending, an events payload 26.7 MB; `tests/format.rs` checks
/// both bounds.
pub const DECODE_BUDGET_BYTES: usize = 3 * MAX_CANONICAL_BYTES;

/// Bytes of an election name, contest name, pair name, region name or level display name.
pub const MAX_NAME_BYTES: usize = 200;
/// Bytes of a region code. Codes are ASCII letters, digits, `.` and `_` (never `-`, which
/// separates a station number).
pub const MAX_REGION_CODE_BYTES: usize = 32;
/// Bytes of a station code: region code, `-`, three digits.
pub const MAX_STATION_CODE_BYTES: usize = MAX_REGION_CODE_BYTES + 4;
/// Bytes of a level key (`province`, `regency`, ...).
pub const MAX_LEVEL_KEY_BYTES: usize = 32;
/// Bytes of a contest id (`gubernur-kaltim-2024`).
pub const MAX_CONTEST_ID_BYTES: usize = 64;
/// Levels including the station level; at least two (one region level and the stations).
pub const MAX_LEVELS: usize = 8;
/// Least number of levels.
pub const MIN_LEVELS: usize = 2;
/// Regions in one definition (Indonesia 2024: 91,560 from province to village). Bounded
/// also by the decode limit: a national definition must decode in one genesis payload.
pub const MAX_REGIONS: usize = 110_000;
/// Polling stations under one region of the level just above the stations (Indonesia 2024:
/// at most 451 per village). Station numbers are three digits.
pub const MAX_STATIONS_PER_REGION: u32 = 999;
/// Polling stations in one election (Indonesia 2024 general election: about 820,000).
pub const MAX_STATIONS: u64 = 2_000_000;
/// Stations listed explicitly in one definition (a US state: Texas about 9,000 precincts,
/// California about 20,000). Bounded by the genesis payload: a listed station takes at least
/// 27 encoded bytes and 72 in memory, and with every other list at its limit this many
/// still decode within [`DECODE_BUDGET_BYTES`]. A national Indonesian list (about 820,000
/// TPS) does not fit one genesis; such an election counts its stations per village.
pub const MAX_LISTED_STATIONS: usize = 90_000;
/// Contests in one definition (2024 regional elections: 545).
pub const MAX_CONTESTS: usize = 1_000;
/// Candidate pairs in one contest.
pub const MAX_PAIRS: usize = 32;
/// Vote types of one contest (election day, advance, absentee, provisional, ...).
pub const MAX_VOTE_TYPES: usize = 8;
/// Places listed as one contest's `parts` (as many as listed stations).
pub const MAX_CONTEST_PARTS: usize = MAX_LISTED_STATIONS;
/// Officers listed in the definition itself.
pub const MAX_INITIAL_OFFICERS: usize = 10_000;
/// Largest station capacity a definition may state.
pub const MAX_STATION_CAPACITY: u32 = 100_000;
/// Events in one payload. A bulk import splits its sheets into payloads of at most this
/// many events.
pub const MAX_EVENTS_PER_PAYLOAD: usize = 40_000;
/// Bytes of a reason (correction, revocation, void, re-vote, rejection, refusal to sign).
pub const MAX_REASON_BYTES: usize = 2_000;
/// Bytes of an objection's text.
pub const MAX_OBJECTION_TEXT_BYTES: usize = 10_000;
/// Witness signatures on one plenary approval.
pub const MAX_WITNESS_SIGNATURES: usize = 64;
/// Witness refusals recorded on one plenary approval.
pub const MAX_WITNESS_REFUSALS: usize = 64;
/// Photo URLs on one `SheetSource` (the 2024 portal publishes up to three photos of a
/// TPS's sheets; a few more for a regional election's several pages).
pub const MAX_SOURCE_PHOTOS: usize = 16;
/// Bytes of one photo URL (the portal's are about 120).
pub const MAX_PHOTO_URL_BYTES: usize = 512;
/// Bytes of a regions CSV.
pub const MAX_CSV_BYTES: usize = 64 * 1024 * 1024;
/// Bytes of one CSV record without its line break (one line, unless a quoted field holds a
/// line break).
pub const MAX_CSV_LINE_BYTES: usize = 1_024;
/// Bytes of a definition JSON file (its regions inline).
pub const MAX_DEFINITION_JSON_BYTES: usize = 64 * 1024 * 1024;
