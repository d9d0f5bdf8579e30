//! rekap-model: the election domain of rekap. Pure: no IO, no clock, no randomness, no
//! floats; everything hashed is canonical bincode (see [`encoding`]).
//!
//! - [`definition`]: the election definition (levels, regions, contests, registrar), its
//!   hash, and the validated [`Election`].
//! - [`file`]: the JSON definition file and the regions CSV.
//! - [`regions`]: the region tree with implicit polling stations and their codes.
//! - [`numbers`]: a holder region's station numbers, as ranges (`1-12,14,149`).
//! - [`stations`]: stations listed in the definition; the spellings of a station code.
//! - [`sheet`]: the tally sheet, its hard rules and soft-rule flags.
//! - [`event`]: events, payloads, ids, the approval statement witnesses sign.
//! - [`borrowed`]: a payload's sheet-changing events read in place, nothing allocated.
//! - [`borrowed_definition`]: a genesis' definition read in place, for the fast rollup.
//! - `genesis`: the genesis payload, the log it names, and the log's keys over time.
//! - [`state`]: authority and recap state, the decision function, all-or-none payloads.
//! - [`rule`]: the numbered rules of docs/RULES.md each refusal names.
//! - [`limits`]: every limit.

mod decoding;
pub mod definition;
pub mod encoding;
pub mod error;
pub mod event;
pub mod file;
mod fingerprints;
mod flag_text;
mod genesis;
mod keys;
pub mod limits;
pub mod numbers;
pub mod regions;
mod requirements;
pub mod rule;
pub mod sheet;
pub mod state;
pub mod stations;

pub use decoding::{borrowed, borrowed_definition};
pub use definition::{
    indonesia_levels, CandidatePair, Contest, ContestIdx, DefinitionParts, Election,
    ElectionDefinition, GenesisReadError, InitialOfficer, Level, RegionEntry, Role, SoftRules,
    VoteType,
};
pub use encoding::{canonical, decode_error_text};
pub use error::{
    ApprovalCheckFailure, CsvProblem, DecodeError, DefinitionError, HardRuleViolation, LimitError,
    PayloadRefusal, Refusal, RoleKind, StationRowProblem,
};
pub use event::{
    decode_event_at, decode_payload, encode_payload, Act, ApprovalStatement, Envelope, Event,
    EventId, Payload, Resolution, WitnessRefusal, WitnessSignature,
};
pub use file::{parse_region_rows, parse_regions_csv, DefinitionFile, RegionRows, StationsSpec};
pub use genesis::{default_origin, Genesis, LogIdentity, LogKeyPeriod, LogKeys, MAX_ORIGIN_BYTES};
pub use numbers::{NumberRange, NumbersProblem, StationNumbers};
pub use regions::{Place, RegionIdx, RegionTree, StationId};
pub use rule::Rule;
pub use sheet::{
    sheet_hash, Ballots, Flag, PackedSheet, TallySheet, Turnout, VotedLists, VoterList, VoterLists,
};
pub use state::{
    Approval, ApprovalCheck, ApprovalIdx, AuthorityPart, AuthorityState, Change, Decision, Effect,
    EntryIdx, EntryKind, EntryNote, NeedsReplay, Objection, ObjectionStatus, Officer, OfficerIdx,
    PreparedPayload, State, StationEntry, StationStatus, Transaction,
};
pub use stations::ListedStation;
