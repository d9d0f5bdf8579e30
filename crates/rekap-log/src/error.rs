use crate::storage::StorageError;

/// Why an append was refused. Nothing was written when any of these is returned.
#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    #[error("the batch is empty")]
    EmptyBatch,
    #[error("the batch has {count} submissions; the limit is {limit}")]
    TooManyRecords { count: usize, limit: usize },
    #[error("the batch has {bytes} bytes; the limit is {limit}")]
    BatchTooLarge { bytes: usize, limit: usize },
    #[error("submission {index}: payload of {bytes} bytes exceeds the limit of {limit}")]
    PayloadTooLarge {
        index: usize,
        bytes: usize,
        limit: usize,
    },
    #[error("submission {index}: the signature does not verify for author {author}")]
    BadSignature { index: usize, author: String },
    #[error(
        "submission {index}: counter {counter} of author {author} is not above its last \
         counter {last} (a replayed or reordered submission)"
    )]
    CounterNotIncreasing {
        index: usize,
        author: String,
        counter: u64,
        last: u64,
    },
    #[error("the store's last records do not verify, so nothing may be appended after them: {0}")]
    TailDoesNotVerify(String),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Errors reading the log.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("record {seq} could not be decoded: {reason}")]
    Corrupt { seq: u64, reason: String },
    #[error(transparent)]
    Storage(#[from] StorageError),
}
