//! Errors in the language of the run. The library crates know no languages: their errors'
//! English `Display` is what logs carry (the model's refusals are worded by
//! crates/rekap-model-words, which the server's problem details use too). Here each typed error
//! a person meets at the command line (the ledger's, the log's, the store's, the model's
//! refusals, an import's) is mapped to a message of the catalogue with its fields as
//! arguments; anything else is printed as its `Display`.

use std::error::Error;

use rekap_import::ImportError;
use rekap_ledger::LedgerError;
use rekap_log::{AppendError, LogError, StorageError};
use rekap_model::{DecodeError, DefinitionError, PayloadRefusal, Refusal};

use crate::lang::Lang;

mod audit;
mod chain;
mod flag;
mod import;
mod proof;
mod witness;

pub use audit::audit_failure;
pub use chain::chain_reason;
pub use flag::flag;
pub use import::{problem_kind, row_problem, row_reason, source_problem, source_reason};
pub use proof::{proof_failure, prove_error, select_error};
pub use rekap_model_words::definition_error;
pub use rekap_model_words::{payload_refusal, refusal};
pub use witness::{fetch_error, quorum_error};

/// The whole chain as anyhow's `{:#}` prints it (`context: cause: cause`), each typed cause
/// in `lang`.
pub fn chain(error: &anyhow::Error, lang: Lang) -> String {
    error
        .chain()
        .map(|cause| cause_text(cause, lang))
        .collect::<Vec<_>>()
        .join(": ")
}

/// One cause of a chain: worded from the catalogue when it is a typed error of rekap's.
pub fn cause_text(cause: &(dyn Error + 'static), lang: Lang) -> String {
    if let Some(ledger) = cause.downcast_ref::<LedgerError>() {
        return ledger_error(ledger, lang);
    }
    if let Some(append) = cause.downcast_ref::<AppendError>() {
        return append_error(append, lang);
    }
    if let Some(log) = cause.downcast_ref::<LogError>() {
        return log_error(log, lang);
    }
    if let Some(storage) = cause.downcast_ref::<StorageError>() {
        return storage_error(storage, lang);
    }
    if let Some(refused) = cause.downcast_ref::<PayloadRefusal>() {
        return payload_refusal(refused, lang);
    }
    if let Some(refused) = cause.downcast_ref::<Refusal>() {
        return refusal(refused, lang);
    }
    if let Some(mirror) = cause.downcast_ref::<rekap_mirror::MirrorError>() {
        return witness::mirror_error(mirror, lang);
    }
    if let Some(fetch) = cause.downcast_ref::<rekap_mirror::FetchError>() {
        return witness::fetch_error(fetch, lang);
    }
    if let Some(quorum) = cause.downcast_ref::<rekap_witness::cosignature::QuorumError>() {
        return witness::quorum_error(quorum, lang);
    }
    if let Some(error) = cause.downcast_ref::<rekap_witness::witness::WitnessError>() {
        return witness::witness_error(error, lang);
    }
    if let Some(error) = cause.downcast_ref::<rekap_witness::evidence::EvidenceError>() {
        return witness::evidence_error(error, lang);
    }
    if let Some(import) = cause.downcast_ref::<ImportError>() {
        return import_error(import, lang);
    }
    if let Some(mapping) = cause.downcast_ref::<rekap_formats::mapped::MappingError>() {
        return import::mapping_error(mapping, lang);
    }
    if let Some(format) = cause.downcast_ref::<rekap_formats::FormatError>() {
        return format_error(format, lang);
    }
    if let Some(definition) = cause.downcast_ref::<DefinitionError>() {
        return definition_error(definition, lang);
    }
    if let Some(decode) = cause.downcast_ref::<DecodeError>() {
        return decode_error(decode, lang);
    }
    if let Some(select) = cause.downcast_ref::<rekap_ledger::view::SelectError>() {
        return select_error(select, lang);
    }
    if let Some(prove) = cause.downcast_ref::<rekap_projection::proof::ProveError>() {
        return prove_error(prove, lang);
    }
    if let Some(prove) = cause.downcast_ref::<rekap_ledger::proof::ProveFailure>() {
        return proof::prove_failure(prove, lang);
    }
    if let Some(failure) = cause.downcast_ref::<rekap_ledger::proof::ProofFailure>() {
        return proof_failure(failure, lang);
    }
    cause.to_string()
}

fn ledger_error(error: &LedgerError, lang: Lang) -> String {
    match error {
        LedgerError::Empty => lang.message("ledger-empty"),
        LedgerError::NotEmpty { records } => {
            lang.message_with("ledger-not-empty", &[("records", &lang.number(*records))])
        }
        LedgerError::Undecodable { seq, error } => lang.message_with(
            "ledger-undecodable",
            &[("seq", seq), ("problem", &decode_error(error, lang))],
        ),
        LedgerError::NoGenesis => lang.message("ledger-no-genesis"),
        LedgerError::InvalidRecord { seq, refusal } => lang.message_with(
            "ledger-invalid-record",
            &[("seq", seq), ("refusal", &payload_refusal(refusal, lang))],
        ),
        LedgerError::GenesisRefused(refused) => lang.message_with(
            "ledger-genesis-refused",
            &[("refusal", &refusal(refused, lang))],
        ),
        LedgerError::NotNext { seq, reason } => {
            lang.message_with("ledger-not-next", &[("seq", seq), ("reason", reason)])
        }
        LedgerError::Refused(refused) => lang.message_with(
            "ledger-refused",
            &[("refusal", &payload_refusal(refused, lang))],
        ),
        LedgerError::Append(append) => append_error(append, lang),
        LedgerError::Log(log) => log_error(log, lang),
        LedgerError::Storage(storage) => storage_error(storage, lang),
    }
}

fn append_error(error: &AppendError, lang: Lang) -> String {
    let n = |value: usize| lang.number(value as u64);
    match error {
        AppendError::EmptyBatch => lang.message("append-empty-batch"),
        AppendError::TooManyRecords { count, limit } => lang.message_with(
            "append-too-many-records",
            &[("count", &n(*count)), ("limit", &n(*limit))],
        ),
        AppendError::BatchTooLarge { bytes, limit } => lang.message_with(
            "append-batch-too-large",
            &[("bytes", &n(*bytes)), ("limit", &n(*limit))],
        ),
        AppendError::PayloadTooLarge {
            index,
            bytes,
            limit,
        } => lang.message_with(
            "append-payload-too-large",
            &[
                ("index", index),
                ("bytes", &n(*bytes)),
                ("limit", &n(*limit)),
            ],
        ),
        AppendError::BadSignature { index, author } => lang.message_with(
            "append-bad-signature",
            &[("index", index), ("author", author)],
        ),
        AppendError::CounterNotIncreasing {
            index,
            author,
            counter,
            last,
        } => lang.message_with(
            "append-counter-not-increasing",
            &[
                ("index", index),
                ("counter", counter),
                ("author", author),
                ("last", last),
            ],
        ),
        AppendError::TailDoesNotVerify(reason) => {
            lang.message_with("append-tail-does-not-verify", &[("reason", reason)])
        }
        AppendError::Storage(storage) => storage_error(storage, lang),
    }
}

fn log_error(error: &LogError, lang: Lang) -> String {
    match error {
        LogError::Corrupt { seq, reason } => {
            lang.message_with("log-corrupt", &[("seq", seq), ("reason", reason)])
        }
        LogError::Storage(storage) => storage_error(storage, lang),
    }
}

/// The store's errors; the reasons inside (the system's, the scan's) stay as given.
pub fn storage_error(error: &StorageError, lang: Lang) -> String {
    match error {
        StorageError::Locked { path } => lang.message_with("storage-locked", &[("path", path)]),
        StorageError::Io { path, reason } => lang.message_with(
            "storage-io",
            &[
                ("path", path),
                ("reason", &proof::store_reason(reason, lang)),
            ],
        ),
        StorageError::Corrupt(reason) => {
            lang.message_with("storage-corrupt", &[("reason", reason)])
        }
        StorageError::Damaged {
            path,
            offset,
            reason,
        } => lang.message_with(
            "storage-damaged",
            &[("path", path), ("offset", offset), ("reason", reason)],
        ),
        StorageError::InjectedFault(reason) => {
            lang.message_with("storage-injected-fault", &[("reason", reason)])
        }
    }
}

pub fn decode_error(error: &DecodeError, lang: Lang) -> String {
    match error {
        DecodeError::TooLarge { bytes, limit } => lang.message_with(
            "decode-too-large",
            &[
                ("bytes", &lang.number(*bytes)),
                ("limit", &lang.number(*limit)),
            ],
        ),
        DecodeError::Bincode(reason) => lang.message_with("decode-bincode", &[("reason", reason)]),
        DecodeError::TrailingBytes { extra } => {
            lang.message_with("decode-trailing-bytes", &[("extra", &lang.number(*extra))])
        }
        DecodeError::Limit(limit) => rekap_model_words::limit(limit, lang),
        DecodeError::Event { index, limit } => lang.message_with(
            "decode-event",
            &[
                ("index", index),
                ("limit", &rekap_model_words::limit(limit, lang)),
            ],
        ),
        DecodeError::DefinitionVersion { found, supported } => lang.message_with(
            "decode-definition-version",
            &[("found", found), ("supported", supported)],
        ),
        #[allow(unreachable_patterns)]
        other => other.to_string(),
    }
}

fn format_error(error: &rekap_formats::FormatError, lang: Lang) -> String {
    use rekap_formats::FormatError as F;
    match error {
        F::Rejected {
            problems, unlisted, ..
        } => lang.message_with(
            "import-rejected",
            &[("problems", &lang.number(problems.len() as u64 + unlisted))],
        ),
        F::Import(import) => import_error(import, lang),
        F::Io { file, error } => {
            lang.message_with("source-read-failed", &[("file", file), ("reason", error)])
        }
    }
}

fn import_error(error: &ImportError, lang: Lang) -> String {
    match error {
        ImportError::Rejected {
            problems, unlisted, ..
        } => lang.message_with(
            "import-rejected",
            &[("problems", &lang.number(problems.len() as u64 + unlisted))],
        ),
        ImportError::NotAnOperator(refused) => lang.message_with(
            "import-not-an-operator",
            &[("refusal", &refusal(refused, lang))],
        ),
        ImportError::TooLarge { limit } => {
            lang.message_with("import-too-large", &[("limit", &lang.number(*limit))])
        }
        ImportError::TooManyRows { limit } => {
            lang.message_with("import-too-many-rows", &[("limit", &lang.number(*limit))])
        }
        ImportError::LineTooLong { line, limit } => lang.message_with(
            "import-line-too-long",
            &[("line", line), ("limit", &lang.number(*limit))],
        ),
        ImportError::Io(error) => lang.message_with("import-io", &[("reason", error)]),
        ImportError::Csv(error) => lang.message_with("import-csv", &[("reason", error)]),
    }
}
