use rekap_log::{AppendError, LogError, StorageError};
use rekap_model::{DecodeError, PayloadRefusal, Refusal};

/// Why a ledger operation failed. Nothing was appended when any of these is returned.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("the store is empty: create it with `rekap init`")]
    Empty,
    #[error("the store already holds {records} records")]
    NotEmpty { records: u64 },
    #[error("record {seq} does not decode as a rekap payload: {error}")]
    Undecodable { seq: u64, error: DecodeError },
    #[error("record 1 is not a genesis (an election definition)")]
    NoGenesis,
    #[error("record {seq} holds an event the model refuses: {refusal}")]
    InvalidRecord { seq: u64, refusal: PayloadRefusal },
    #[error("the genesis is refused: {0}")]
    GenesisRefused(Refusal),
    #[error("record {seq} from elsewhere is not the next record of this log: {reason}")]
    NotNext { seq: u64, reason: String },
    #[error("refused, nothing appended: {0}")]
    Refused(PayloadRefusal),
    #[error(transparent)]
    Append(#[from] AppendError),
    #[error(transparent)]
    Log(#[from] LogError),
    #[error(transparent)]
    Storage(#[from] StorageError),
}
