//! Every collection and string the model accepts has a limit, so that no definition file,
//! CSV or decoded payload can make it allocate without bound. Each violation is a specific
//! error naming the limit.
//!
//! A payload is at most [`MAX_CANONICAL_BYTES`] long, checked before decoding. Decoding
//! checks every string's and list's length prefix against its field's limit below before
//! allocating anything for it (docs/FORMAT.md lists them field by field), so what a payload
//! can make a decoder allocate is bounded by these plain numbers, not by in-memory sizes.

/// Longest canonical byte string (payload) the model encodes or decodes.
pub const MAX_CANONICAL_BYTES: usize = 16 * 1024 * 1024;

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
/// Ranges of station numbers of one region ([`crate::numbers::StationNumbers`]): as many
/// as 999 numbers can make apart (`1,3,5,..,999`).
pub const MAX_STATION_RANGES_PER_REGION: usize = 500;
/// Polling stations in one election (Indonesia 2024 general election: about 820,000). Counted
/// stations, with or without gaps in their numbers, cost the genesis 8 bytes per holder
/// region and 4 per range, whatever their number.
pub const MAX_STATIONS: u64 = 2_000_000;
/// Stations listed explicitly in one definition (a US state: Texas about 9,000 precincts,
/// California about 20,000), each a row with its own code and name (27 to 300 encoded
/// bytes); the limit keeps that many rows within one 16 MiB genesis payload. A national Indonesian list (about 820,000 TPS) gives each village its station
/// numbers instead (`1-12,14,149`, [`crate::numbers`]), a few bytes per village, up to
/// [`MAX_STATIONS`].
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
