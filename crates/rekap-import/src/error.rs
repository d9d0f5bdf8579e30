//! Why a sheets CSV cannot be imported.

use rekap_model::Refusal;

use crate::problem::RowProblem;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Some rows (or the header) are wrong: nothing may be appended. `problems` lists them in
    /// file order, at most [`crate::ImportLimits::max_listed_problems`]; `unlisted` counts the
    /// rest.
    #[error("the file has {} problems; nothing was imported", .problems.len() as u64 + .unlisted)]
    Rejected {
        problems: Vec<RowProblem>,
        unlisted: u64,
        /// How many problems of each kind (a rule of docs/RULES.md, else the column, else
        /// `row`), listed or not: the summary a user reads first.
        by_kind: std::collections::BTreeMap<String, u64>,
    },
    /// The importing key may not submit sheets at all.
    #[error("this key cannot import sheets: {0}")]
    NotAnOperator(Refusal),
    /// The file is larger than the limit.
    #[error("the file is larger than {limit} bytes")]
    TooLarge { limit: u64 },
    /// The file has more data rows than the limit.
    #[error("the file has more than {limit} rows")]
    TooManyRows { limit: u64 },
    /// One line of the file is longer than the limit.
    #[error("line {line} is longer than {limit} bytes")]
    LineTooLong { line: u64, limit: u64 },
    #[error("reading the file failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("the file is not valid CSV: {0}")]
    Csv(csv::Error),
}
