//! Why a document, a file or a row of another format is wrong, as data: the English is the
//! `Display` (JSON, logs and tests read it); the command line words each reason in the
//! reader's language from the message catalogue (src/error_words/formats.rs).

use rekap_import::RowReason;

use crate::mapped::MappingError;

/// The reason of one [`crate::SourceProblem`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceReason {
    /// A problem the sheets importer found in the sheets read.
    #[error("{0}")]
    Row(RowReason),
    /// A `--columns` mapping that cannot be read.
    #[error("{0}")]
    Mapping(MappingError),
    /// Reading a file given with the source failed (the reason as the command line worded it).
    #[error("{reason}")]
    Unreadable { reason: String },
    #[error("not CSV: {error}")]
    NotCsv { error: String },
    #[error("not CSV text: {error}")]
    NotCsvText { error: String },
    #[error("not JSON: {error} (line {line}, column {column})")]
    NotJson {
        error: String,
        line: u64,
        column: u64,
    },
    #[error("the file is empty; a header row is required")]
    EmptyFile,
    #[error("expected {0}")]
    Expected(Expected),
    #[error("expected a count, found {found}")]
    ExpectedCount { found: JsonType },
    #[error("{number} is not a whole number of 0 or more")]
    NotACountNumber { number: String },
    #[error(
        "missing: an OpenElections precinct file has the columns county, precinct, office, \
         district, party, candidate, votes"
    )]
    MissingOpenElectionsColumn,
    #[error("not UTF-8 text")]
    NotUtf8,
    #[error("empty")]
    Empty,
    #[error("empty code")]
    EmptyCode,
    #[error("{cell:?} is not a count (digits only)")]
    NotACount { cell: String },
    #[error("{cell} is larger than 4,294,967,295")]
    CountTooLarge { cell: String },
    #[error("{cell:?} is not a whole number (digits only)")]
    NotAWholeNumber { cell: String },
    #[error("{cell:?} is too large")]
    WholeNumberTooLarge { cell: String },
    #[error("a second row for this county, precinct, office, district, party and candidate")]
    SecondCandidateRow,
    #[error("longer than {limit} bytes, the longest name")]
    NameTooLong { limit: u64 },
    #[error("{contest} has no candidate rows (only over or under votes)")]
    NoCandidateRows { contest: String },
    #[error("{contest} has {count} candidates; a contest holds at most {limit}")]
    TooManyCandidates {
        contest: String,
        count: u64,
        limit: u64,
    },
    #[error("{contest} has the id {id:?} of an earlier contest; rename one office or district")]
    ContestIdTaken { contest: String, id: String },
    #[error(
        "no station of the definition is named {precinct:?} in a region named {county:?}, nor \
         has that code"
    )]
    UnknownPrecinct { precinct: String, county: String },
    #[error("no contest {name:?} (id {id:?}) in the definition")]
    UnknownOffice { name: String, id: String },
    #[error("{name:?} is not a candidate of contest {contest}")]
    UnknownCandidate { name: String, contest: String },
    #[error("empty or absent; contest {contest} counts by vote type {vote_type}")]
    MissingVoteType { contest: String, vote_type: String },
    #[error("no column {source_column:?} (mapped to {name})")]
    NoMappedColumn { source_column: String, name: String },
    #[error("no column \"code\"")]
    NoCodeColumn,
    #[error("no station column (see --columns)")]
    NoStationColumn,
    #[error("{code:?} is not a polling station of this election")]
    UnknownStation { code: String },
    #[error("{number} is too large (at most {limit})")]
    CountTooLargeAtMost { number: u64, limit: u32 },
    #[error("larger than {limit} bytes, the largest document read")]
    DocumentTooLarge { limit: u64 },
    #[error("a photo URL of more than {limit} bytes")]
    PhotoUrlTooLong { limit: u64 },
    #[error("more than {limit} photos")]
    TooManyPhotos { limit: u64 },
    #[error("votes for no candidate (the \"null\" key)")]
    VotesForNoCandidate,
    #[error(
        "candidate id {id:?} is not in the candidates file for province {province} with a \
         ballot number of contest {contest} (1 to {pairs})"
    )]
    CandidateNotInFile {
        id: String,
        province: String,
        contest: String,
        pairs: u64,
    },
    #[error(
        "{id:?} is not a ballot number of contest {contest} (1 to {pairs}); give the portal's \
         candidates file with --candidates"
    )]
    NotABallotNumber {
        id: String,
        contest: String,
        pairs: u64,
    },
    #[error("candidate id {id:?} maps to no ballot number 1 to {pairs} (give --candidates)")]
    CandidateIdNoBallot { id: String, pairs: u64 },
    #[error("a second count for the same ballot number")]
    SecondBallotCount,
    #[error("no votes given (null) for a candidate")]
    NullVotes,
    #[error("no votes for ballot number {number}")]
    NoVotesForBallot { number: u64 },
    #[error("a ballot number (1 or more) is required")]
    BallotNumberRequired,
    #[error("the file name is not a 13-digit TPS code (e.g. 6401012009001.json)")]
    NotTpsFileName,
    #[error("TPS {station} is not in the portal's folder {folder}")]
    MisplacedTps { station: String, folder: String },
}

/// The shape a JSON document should have had at a place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Expected {
    #[error("an object")]
    Object,
    #[error("an object (one TPS)")]
    OneTps,
    #[error("an object (chart and administrasi)")]
    ChartAndAdministration,
    #[error("an object of votes by candidate id")]
    VotesByCandidate,
    #[error("an object keyed by region code")]
    ByRegionCode,
    #[error("a list of URLs")]
    UrlList,
    #[error("a URL or null")]
    UrlOrNull,
    #[error("text or null")]
    TextOrNull,
    #[error("true, false or null")]
    BooleanOrNull,
    #[error("a count")]
    Count,
}

/// The kind of a JSON value found where another was expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum JsonType {
    #[error("null")]
    Null,
    #[error("a boolean")]
    Boolean,
    #[error("a number")]
    Number,
    #[error("text")]
    Text,
    #[error("a list")]
    List,
    #[error("an object")]
    Object,
}

impl From<RowReason> for SourceReason {
    fn from(reason: RowReason) -> SourceReason {
        SourceReason::Row(reason)
    }
}

impl From<Expected> for SourceReason {
    fn from(expected: Expected) -> SourceReason {
        SourceReason::Expected(expected)
    }
}

/// In JSON a reason is its English text, as before it was typed.
impl serde::Serialize for SourceReason {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}
