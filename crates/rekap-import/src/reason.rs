//! Why a row or the header is wrong, as data: the library's English is its `Display` (what
//! JSON, logs and tests read); the command line words each reason in the reader's language
//! from the message catalogue (src/error_words/import.rs), as it does the model's refusals.

use rekap_model::{HardRuleViolation, Refusal};

/// The reason of one [`crate::RowProblem`]. Cell texts are as the file wrote them (lossy
/// UTF-8, at most 40 characters).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RowReason {
    #[error("column {name:?} appears twice in the header")]
    DuplicateColumn { name: String },
    #[error(
        "unknown column {name:?} (column {position}); see docs/OPERATOR.md for the column names"
    )]
    UnknownColumn { name: String, position: u64 },
    #[error("missing column {name:?}")]
    MissingColumn { name: String },
    #[error("the file is empty; a header row with the column names is required")]
    EmptyFile,
    #[error("the row has {fields} fields, the header has {header}")]
    FieldCount { fields: u64, header: u64 },
    #[error("empty; a value is required")]
    EmptyValue,
    #[error("{cell:?} is not UTF-8 text")]
    NotUtf8 { cell: String },
    #[error("empty; a number is required")]
    EmptyNumber,
    #[error("{cell:?} is not a whole number (digits only, no separators)")]
    NotANumber { cell: String },
    #[error("{cell:?} is too large (at most {limit})")]
    NumberTooLarge { cell: String, limit: u32 },
    #[error("{code:?} is not a polling station of this election")]
    UnknownStation { code: String },
    #[error("{id:?} is not a contest of this election")]
    UnknownContest { id: String },
    #[error("{code} already has a row for contest {contest} on line {first}")]
    SecondRow {
        code: String,
        contest: String,
        first: u64,
    },
    #[error("{code} already has a different sheet for {contest} (record {since_seq}); use `rekap correct`")]
    DifferentSheet {
        code: String,
        contest: String,
        since_seq: u64,
    },
    #[error("the row's contest has no such pair and vote type; leave this cell empty")]
    NoSuchVoteType,
    #[error("missing column {column}: contest {contest} counts votes by type")]
    MissingVoteTypeColumn { column: String, contest: String },
    #[error("missing column {column}: contest {contest} has {pairs} candidate pairs")]
    MissingVotesColumn {
        column: String,
        contest: String,
        pairs: u64,
    },
    #[error("contest {contest} has only {pairs} candidate pairs; leave this cell empty")]
    ExtraVotesCell { contest: String, pairs: u64 },
    /// A hard rule the sheet breaks (its rule is the problem's `rule`).
    #[error("{0}")]
    HardRule(HardRuleViolation),
    /// Anything else the model refuses for this sheet.
    #[error("{0}")]
    Refused(Refusal),
}

/// In JSON a reason is its English text, as before it was typed.
impl serde::Serialize for RowReason {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}
