//! Every way the model refuses something, each a specific variant naming the numbers.

use crate::event::{Act, EventId};
use crate::sheet::VoterList;

fn short(key: &[u8; 32]) -> String {
    hex::encode(key)
}

/// A string or collection over its limit (see [`crate::limits`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitError {
    #[error("{field} has {bytes} bytes; the limit is {limit}")]
    TooLong {
        field: &'static str,
        bytes: u64,
        limit: u64,
    },
    #[error("{count} {field}; the limit is {limit}")]
    TooMany {
        field: &'static str,
        count: u64,
        limit: u64,
    },
}

/// Payload bytes that do not decode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("payload of {bytes} bytes exceeds the limit of {limit}")]
    TooLarge { bytes: u64, limit: u64 },
    #[error("payload does not decode: {0}")]
    Bincode(String),
    #[error("payload has {extra} bytes after its end")]
    TrailingBytes { extra: u64 },
    #[error(transparent)]
    Limit(#[from] LimitError),
    #[error("event {index}: {limit}")]
    Event { index: u64, limit: LimitError },
    #[error(
        "the genesis holds a definition of format version {found}; this rekap reads version \
         {supported} only (the store was made by another version of rekap)"
    )]
    DefinitionVersion { found: u32, supported: u32 },
}

/// A definition (file, CSV or genesis) that is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DefinitionError {
    #[error(
        "definition format version {version} is not supported (this rekap reads version {})",
        crate::definition::DEFINITION_FORMAT_VERSION
    )]
    UnsupportedFormat { version: u32 },
    #[error("definition file format {found:?} is not supported (expected {expected:?})")]
    UnsupportedFileFormat {
        found: String,
        expected: &'static str,
    },
    #[error("{field} is empty")]
    Empty { field: &'static str },
    #[error("{field} has {bytes} bytes; the limit is {limit}")]
    TooLong {
        field: &'static str,
        bytes: u64,
        limit: u64,
    },
    #[error("{count} {field}; the limit is {limit}")]
    TooMany {
        field: &'static str,
        count: u64,
        limit: u64,
    },
    #[error("{count} levels; at least {least} are needed (regions and stations)")]
    TooFewLevels { count: u64, least: u64 },
    #[error("level key {key:?} is not lowercase ASCII letters, digits and _")]
    BadLevelKey { key: String },
    #[error("level {key:?} is listed twice")]
    DuplicateLevel { key: String },
    #[error("unknown level {key:?}")]
    UnknownLevel { key: String },
    #[error("the station level cannot hold plenaries")]
    PlenaryAtStationLevel,
    #[error("no level holds plenaries")]
    NoPlenaryLevel,
    #[error("station capacity {capacity} is not within 1..={limit}")]
    BadCapacity { capacity: u32, limit: u32 },
    #[error("{what} key {key} is not a valid ed25519 public key")]
    BadKey { what: &'static str, key: String },
    #[error(
        "{what} key {key} is the identity or a point of small order, a key that can never sign"
    )]
    WeakKey { what: &'static str, key: String },
    #[error("contest id {id:?} is not 1..=64 ASCII letters, digits, '-', '_', '.'")]
    BadContestId { id: String },
    #[error("{what} are not in canonical order at {at:?}")]
    NotCanonical { what: &'static str, at: String },
    #[error("{what} {code:?} is not a region")]
    UnknownRegion { what: &'static str, code: String },
    #[error("contest {contest:?} has no candidate pairs")]
    NoPairs { contest: String },
    #[error("contest {contest:?}: vote type key {key:?} is not lowercase ASCII letters, digits and _, or is given twice")]
    BadVoteType { contest: String, key: String },
    #[error(
        "contest {contest:?}: part {code:?} is not a region or station under the contest's scope"
    )]
    BadContestPart { contest: String, code: String },
    #[error("contest {contest:?}: part {code:?} lies under another part, or holds one")]
    OverlappingContestParts { contest: String, code: String },
    #[error("contest {contest:?}: pair number {found} where {expected} was expected (1..=n)")]
    PairNumbering {
        contest: String,
        expected: u32,
        found: u32,
    },
    #[error("officer {key}: {reason}")]
    BadOfficer { key: String, reason: Box<Refusal> },
    #[error("region code {code:?} is not 1..=32 ASCII letters, digits, '.', '_'")]
    BadRegionCode { code: String },
    #[error("region {code:?} is listed twice")]
    DuplicateRegion { code: String },
    #[error("region {code:?} has level {level}, but only levels 0..{region_levels} hold regions")]
    RegionLevelOutOfRange {
        code: String,
        level: u32,
        region_levels: u32,
    },
    #[error("region {code:?} is at the top level but has a parent")]
    TopLevelWithParent { code: String },
    #[error("region {code:?} is below the top level but has no parent")]
    MissingParent { code: String },
    #[error("region {code:?} has parent {parent:?}, which is not a region")]
    UnknownParent { code: String, parent: String },
    #[error("region {code:?} (level {level}) has parent {parent:?} at level {parent_level}")]
    ParentLevelMismatch {
        code: String,
        level: u32,
        parent: String,
        parent_level: u32,
    },
    #[error(
        "region {code:?} at level {level} has stations; only the level above the stations may"
    )]
    StationsAtWrongLevel { code: String, level: u32 },
    #[error("region {code:?} has {stations} stations; the limit is {limit}")]
    TooManyStationsInRegion {
        code: String,
        stations: u32,
        limit: u32,
    },
    #[error("region {code:?}: station numbers: {problem}")]
    BadStationNumbers {
        code: String,
        problem: crate::numbers::NumbersProblem,
    },
    #[error("station code {code:?} is not 1..=36 ASCII letters, digits, '.', '_', '-'")]
    BadStationCode { code: String },
    #[error(
        "station {code:?} has parent {parent:?}, which is not at the level just above the stations"
    )]
    StationParentLevel { code: String, parent: String },
    #[error("region {code:?} both counts its stations and lists them; give one form")]
    StationsCountedAndListed { code: String },
    #[error("station {code:?} is also station {other:?} spelled another way; codes must differ")]
    StationSpelledTwice { code: String, other: String },
    #[error("{problem}")]
    BadStationRow { problem: StationRowProblem },
    #[error("regions CSV line {line}: {problem}")]
    Csv { line: u64, problem: CsvProblem },
    #[error("definition JSON: {0}")]
    Json(String),
    #[error("the definition gives its regions both inline and as CSV")]
    RegionsGivenTwice,
    #[error("the definition gives no regions (neither inline nor as CSV)")]
    NoRegions,
    #[error("the definition names regions CSV {name:?}, but no CSV was passed")]
    RegionsCsvMissing { name: String },
    #[error("reading the regions CSV failed: {0}")]
    Read(String),
}

/// Why a line of a regions CSV is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CsvProblem {
    #[error("record longer than {limit} bytes")]
    RecordTooLong { limit: u64 },
    #[error("the header must be {header:?}")]
    Header { header: &'static str },
    #[error("{fields} fields, expected 5 ({header})")]
    FieldCount { fields: u64, header: &'static str },
    #[error("field \"level\": {0}")]
    Level(Box<DefinitionError>),
    #[error("field \"stations\": {0}")]
    Stations(crate::numbers::NumbersProblem),
    #[error("{0}")]
    Row(StationRowProblem),
    #[error("field {column:?}: not UTF-8")]
    NotUtf8 { column: &'static str },
    /// The csv crate's own reason.
    #[error("{0}")]
    Syntax(String),
}

/// Why a row of the station level is not a listed station.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StationRowProblem {
    #[error("station {code:?} has a station count; only its holder region may")]
    HasCount { code: String },
    #[error("station {code:?} has no parent")]
    NoParent { code: String },
    #[error("station {code:?}: only regions are read here, not stations")]
    RegionsOnly { code: String },
}

/// A hard rule the tally sheet breaks: the sheet is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HardRuleViolation {
    #[error(
        "rule votes-only: the sheet carries only its vote section but gives voter, turnout or \
         ballot numbers; leave them absent or give the whole sheet"
    )]
    AbsentSectionHasNumbers,
    #[error("rule pair-count: the sheet has votes for {given} pairs, the contest has {pairs}")]
    WrongPairCount { given: u64, pairs: u32 },
    #[error("rule pair-votes=valid: the pairs' votes add up to {sum}, valid votes are {valid}")]
    PairVotesNotValid { sum: u64, valid: u32 },
    #[error(
        "rule valid+invalid=ballots-used: {valid} valid + {invalid} invalid != {used} ballots used"
    )]
    CastNotBallotsUsed { valid: u32, invalid: u32, used: u32 },
    #[error("rule ballots-used=voted: {used} ballots used, {voted} voters voted")]
    BallotsUsedNotVoted { used: u32, voted: u64 },
    #[error(
        "rule voted<=registered: {voted} voted from {list}, only {registered} registered in it"
    )]
    VotedOverRegistered {
        list: VoterList,
        voted: u32,
        registered: u32,
    },
    #[error("rule male+female=total: {list} {male} male + {female} female != {total} total")]
    MaleFemaleNotTotal {
        list: VoterList,
        male: u32,
        female: u32,
        total: u32,
    },
    #[error(
        "rule ballots-received: {received} received != {used} used + {damaged} damaged + {unused} unused"
    )]
    BallotsUnbalanced {
        received: u32,
        used: u32,
        damaged: u32,
        unused: u32,
    },
    #[error("rule capacity: {registered} registered voters, the station capacity is {capacity}")]
    OverCapacity { registered: u64, capacity: u32 },
    #[error(
        "rule vote-type-count: the sheet has {given} counts by vote type, the contest needs \
         {expected} (pairs x vote types)"
    )]
    WrongVoteTypeCount { given: u64, expected: u64 },
    #[error("rule vote-types=pair-votes: pair {pair}'s counts by vote type add up to {sum}, its votes are {votes}")]
    VoteTypesNotPairVotes { pair: u32, sum: u64, votes: u32 },
    #[error(
        "rule invalid-given: a full sheet must give its invalid votes; only a votes-only sheet \
         may leave them absent"
    )]
    InvalidAbsentOnFullSheet,
}

/// Why the projection refuses a plenary approval's digest (issue 4 computes these).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApprovalCheckFailure {
    #[error("digest {} claimed, the projection computes {}", hex::encode(.claimed), hex::encode(.computed))]
    DigestMismatch {
        claimed: [u8; 32],
        computed: [u8; 32],
    },
    #[error("child region {child} is not approved")]
    ChildNotApproved { child: String },
    #[error("child region {child}'s approval is stale since record {since_seq}")]
    ChildStale { child: String, since_seq: u64 },
    #[error("{missing} stations have neither a sheet nor a void, e.g. {example}")]
    StationsMissing { missing: u64, example: String },
    #[error("{reason}")]
    Other { reason: String },
}

/// The role an author acts in, to name it in a refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RoleKind {
    Registrar,
    Operator,
    Official,
    Witness,
    Auditor,
}

impl std::fmt::Display for RoleKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            RoleKind::Registrar => "the registrar",
            RoleKind::Operator => "an operator",
            RoleKind::Official => "an official",
            RoleKind::Witness => "a witness",
            RoleKind::Auditor => "an auditor",
        })
    }
}

/// Why an event (or a whole payload) is refused. The audit re-runs the same decision and
/// must reach the same refusal. Every refusal names the rule of docs/RULES.md it enforces,
/// in its message (`R26: ...`) and as [`Refusal::rule`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    // --- payload and genesis ---
    #[error("{}: no genesis yet: the first record must carry the election definition", self.rule())]
    NoGenesis,
    #[error("{}: the genesis is already applied; a definition cannot be replaced", self.rule())]
    GenesisAlreadyApplied,
    #[error("{}: the genesis must be record 1, not record {seq}", self.rule())]
    GenesisNotFirst { seq: u64 },
    #[error("{}: the genesis is signed by {}, not by the definition's registrar {}", self.rule(), short(.author), short(.registrar))]
    GenesisNotByRegistrar {
        author: [u8; 32],
        registrar: [u8; 32],
    },
    #[error("{rule}: invalid definition: {0}", rule = self.rule())]
    InvalidDefinition(DefinitionError),
    #[error("{}: the payload is bound to definition {}, this log's is {}", self.rule(), short(.found), short(.expected))]
    DefinitionHashMismatch { expected: [u8; 32], found: [u8; 32] },
    #[error("{}: record {seq} is not after the last applied record {last}", self.rule())]
    SeqNotIncreasing { seq: u64, last: u64 },
    #[error("{}: the payload has no events", self.rule())]
    EmptyPayload,
    #[error("{rule}: {0}", rule = self.rule())]
    Limit(#[from] LimitError),

    // --- authority ---
    #[error("{}: author {} is not a registered officer", self.rule(), short(.author))]
    UnknownAuthor { author: [u8; 32] },
    #[error("{}: author {} was revoked at record {revoked_at}", self.rule(), short(.author))]
    AuthorRevoked { author: [u8; 32], revoked_at: u64 },
    #[error("{}: only the registrar may {act}; {} is not the registrar", self.rule(), short(.author))]
    NotRegistrar { act: Act, author: [u8; 32] },
    #[error("{}: {role} may not {act}", self.rule())]
    RoleNotPermitted { act: Act, role: RoleKind },
    #[error("{}: the registrar's key cannot also hold an officer role", self.rule())]
    RegistrarCannotHoldRole,
    #[error("{}: {} is already registered", self.rule(), short(.key))]
    AlreadyRegistered { key: [u8; 32] },
    #[error("{}: {} was revoked at record {revoked_at} and cannot be registered again", self.rule(), short(.key))]
    KeyWasRevoked { key: [u8; 32], revoked_at: u64 },
    #[error("{}: {} is not a registered officer", self.rule(), short(.key))]
    UnknownOfficer { key: [u8; 32] },
    #[error("{}: {} is already revoked (at record {revoked_at})", self.rule(), short(.key))]
    AlreadyRevoked { key: [u8; 32], revoked_at: u64 },
    #[error("{}: {} is not a valid ed25519 public key", self.rule(), short(.key))]
    InvalidPublicKey { key: [u8; 32] },
    #[error("{}: {} is the identity or a point of small order, a key that can never sign", self.rule(), short(.key))]
    WeakPublicKey { key: [u8; 32] },
    #[error("{}: the log key must be a key of its own, not the registrar's", self.rule())]
    LogKeyIsRegistrar,
    #[error("{}: {} was this log's key from tree size {from_size}; a rotated-out key never signs again", self.rule(), short(.key))]
    LogKeyReused { key: [u8; 32], from_size: u64 },
    #[error("{}: the genesis names the origin {origin:?}; the election's is {expected:?}", self.rule())]
    BadLogOrigin { origin: String, expected: String },

    // --- references ---
    #[error("{}: {code:?} is not a region of this election", self.rule())]
    UnknownRegion { code: String },
    #[error("{}: {code:?} is not a polling station of this election", self.rule())]
    UnknownStation { code: String },
    #[error("{}: {code:?} is neither a region nor a polling station of this election", self.rule())]
    UnknownPlace { code: String },
    #[error("{}: {id:?} is not a contest of this election", self.rule())]
    UnknownContest { id: String },
    #[error("{}: contest {contest:?} has no candidate pair {pair}", self.rule())]
    UnknownPair { contest: String, pair: u32 },

    // --- scope ---
    #[error("{}: scope {scope:?} does not cover {target:?}", self.rule())]
    OutOfScope { scope: String, target: String },
    #[error("{}: an official with scope {scope:?} (level {level:?}) is below the lowest plenary level {lowest:?}", self.rule())]
    OfficialScopeTooLow {
        scope: String,
        level: String,
        lowest: String,
    },
    #[error("{}: {place:?} does not vote in contest {contest:?}", self.rule())]
    NotInContest { place: String, contest: String },
    #[error("{}: witness scope {scope:?} does not overlap contest {contest:?}", self.rule())]
    WitnessScopeOutsideContest { scope: String, contest: String },
    #[error("{}: a witness of contest {witness_contest:?} cannot act on contest {contest:?}", self.rule())]
    WitnessOfOtherContest {
        witness_contest: String,
        contest: String,
    },
    #[error("{}: an official of {scope:?} is not an official of {region:?}", self.rule())]
    NotOfficialOfRegion { scope: String, region: String },
    #[error("{}: {region:?} is at level {level:?}, which holds no plenaries", self.rule())]
    LevelHoldsNoPlenary { region: String, level: String },

    // --- stations and sheets ---
    #[error("{}: {station} already has a sheet for {contest} (record {since_seq}); correct it instead", self.rule())]
    SheetAlreadySubmitted {
        station: String,
        contest: String,
        since_seq: u64,
    },
    #[error("{}: {station} has no current sheet for {contest} to correct", self.rule())]
    NoSheetToCorrect { station: String, contest: String },
    #[error("{}: {station} is voided for {contest} (record {voided_at})", self.rule())]
    StationIsVoided {
        station: String,
        contest: String,
        voided_at: u64,
    },
    #[error("{}: a re-vote at {station} for {contest} is already pending (record {since_seq})", self.rule())]
    RevoteAlreadyPending {
        station: String,
        contest: String,
        since_seq: u64,
    },
    #[error("{}: the correction of {station} for {contest} changes no number", self.rule())]
    CorrectionChangesNothing { station: String, contest: String },
    #[error("{}: {field} is required", self.rule())]
    MissingReason { field: &'static str },
    #[error("{}: {station} {contest}: {violation}", self.rule())]
    HardRule {
        station: String,
        contest: String,
        violation: HardRuleViolation,
    },

    // --- objections ---
    #[error("{}: no objection {id}", self.rule())]
    UnknownObjection { id: EventId },
    #[error("{}: objection {id} is already resolved (record {resolved_at})", self.rule())]
    ObjectionNotOpen { id: EventId, resolved_at: u64 },
    #[error("{}: objection {id} is about contest {objection_contest:?}, not {contest:?}", self.rule())]
    ObjectionContestMismatch {
        id: EventId,
        objection_contest: String,
        contest: String,
    },
    #[error("{}: station {station} is outside objection {id}'s place {place:?}", self.rule())]
    OutsideObjection {
        id: EventId,
        station: String,
        place: String,
    },
    #[error("{}: no correction {id}", self.rule())]
    UnknownCorrection { id: EventId },
    #[error("{}: correction {correction} was made before objection {objection} was filed", self.rule())]
    CorrectionPredatesObjection {
        objection: EventId,
        correction: EventId,
    },

    // --- approvals ---
    #[error("{}: {region:?} has no polling stations under it; there is nothing to approve", self.rule())]
    RegionHasNoStations { region: String },
    #[error("{}: {} is not a registered witness", self.rule(), short(.key))]
    NotAWitness { key: [u8; 32] },
    #[error("{}: witness {} was revoked at record {revoked_at}", self.rule(), short(.key))]
    WitnessRevoked { key: [u8; 32], revoked_at: u64 },
    #[error("{}: witness {} is listed twice on the approval", self.rule(), short(.key))]
    DuplicateWitness { key: [u8; 32] },
    #[error("{}: witness {}'s signature does not verify over the approval statement", self.rule(), short(.key))]
    BadWitnessSignature { key: [u8; 32] },
    #[error("{}: witness {} has scope {scope:?}, which does not cover {region:?}", self.rule(), short(.key))]
    WitnessOutOfScope {
        key: [u8; 32],
        scope: String,
        region: String,
    },
    #[error("{rule}: the projection refuses the approval: {0}", rule = self.rule())]
    ApprovalCheck(ApprovalCheckFailure),
}

/// A payload refused: the first refused event (or the payload itself, `index: None`).
/// Nothing of the payload was applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{refusal}", .index.map(|i| format!("event {i}: ")).unwrap_or_default())]
pub struct PayloadRefusal {
    pub index: Option<u32>,
    pub refusal: Refusal,
}
