//! The errors of selecting what to answer (totals, status) and of making and verifying a
//! proof (prove, verify-proof), in the language of the run.

use rekap_ledger::proof::{ProofFailure, ProveFailure};
use rekap_ledger::view::SelectError;
use rekap_projection::proof::{ProofFailure as BranchFailure, ProveError};

use crate::lang::Lang;

pub fn select_error(error: &SelectError, lang: Lang) -> String {
    match error {
        SelectError::UnknownContest(contest) => {
            lang.message_with("command-unknown-contest", &[("contest", contest)])
        }
        SelectError::NoContests => lang.message("select-no-contests"),
        SelectError::UnknownRegion(region) => {
            lang.message_with("select-unknown-region", &[("region", region)])
        }
        SelectError::OutsideScope {
            region,
            contest,
            scope,
        } => lang.message_with(
            "select-outside-scope",
            &[("region", region), ("contest", contest), ("scope", scope)],
        ),
        SelectError::UnknownLevel { key, known } => {
            lang.message_with("select-unknown-level", &[("key", key), ("known", known)])
        }
        SelectError::View(view) => view.to_string(),
    }
}

pub fn prove_error(error: &ProveError, lang: Lang) -> String {
    match error {
        ProveError::UnknownContest(contest) => {
            lang.message_with("command-unknown-contest", &[("contest", contest)])
        }
        ProveError::UnknownStation(station) => {
            lang.message_with("command-unknown-station", &[("station", station)])
        }
        ProveError::NoSheet { station, contest } => lang.message_with(
            "prove-error-no-sheet",
            &[("station", station), ("contest", contest)],
        ),
        ProveError::UnknownLevel { level, known } => lang.message_with(
            "prove-error-unknown-level",
            &[("level", level), ("known", known)],
        ),
        ProveError::NotPlenary { level, known } => lang.message_with(
            "prove-error-not-plenary",
            &[("level", level), ("known", known)],
        ),
        ProveError::OutsideScope {
            station,
            level,
            contest,
        } => lang.message_with(
            "prove-error-outside-scope",
            &[("station", station), ("level", level), ("contest", contest)],
        ),
        ProveError::NotApproved { region, contest } => lang.message_with(
            "prove-error-not-approved",
            &[("region", region), ("contest", contest)],
        ),
        ProveError::NothingApproved { station, contest } => lang.message_with(
            "prove-error-nothing-approved",
            &[("station", station), ("contest", contest)],
        ),
        ProveError::Stale { region, since } => {
            lang.message_with("prove-error-stale", &[("region", region), ("since", since)])
        }
    }
}

/// A failure of `prove`: the typed causes worded, the rest as the library says them.
pub fn prove_failure(error: &ProveFailure, lang: Lang) -> String {
    match error {
        ProveFailure::Prove(prove) => prove_error(prove, lang),
        ProveFailure::Ledger(ledger) => super::cause_text(ledger, lang),
        ProveFailure::Log(log) => super::cause_text(log, lang),
        other => other.to_string(),
    }
}

pub fn branch_failure(failure: &BranchFailure, lang: Lang) -> String {
    match failure {
        BranchFailure::Format(found) => {
            lang.message_with("proof-failure-format", &[("found", found)])
        }
        BranchFailure::SheetBytes(reason) => {
            lang.message_with("proof-failure-sheet-bytes", &[("reason", reason)])
        }
        BranchFailure::NumbersDiffer => lang.message("proof-failure-numbers-differ"),
        BranchFailure::NoSteps => lang.message("proof-failure-no-steps"),
        BranchFailure::Shape {
            step,
            region,
            index,
            size,
            siblings,
        } => lang.message_with(
            "proof-failure-shape",
            &[
                ("step", step),
                ("region", region),
                ("index", index),
                ("size", size),
                ("siblings", siblings),
            ],
        ),
        BranchFailure::TotalsDiffer { step, region } => lang.message_with(
            "proof-failure-totals-differ",
            &[("step", step), ("region", region)],
        ),
        BranchFailure::Overflow { step, region } => lang.message_with(
            "proof-failure-overflow",
            &[("step", step), ("region", region)],
        ),
    }
}

/// Why a proof file does not verify (verify-proof's reasons).
pub fn proof_failure(failure: &ProofFailure, lang: Lang) -> String {
    match failure {
        ProofFailure::Json(reason) => {
            lang.message_with("proof-failure-json", &[("reason", reason)])
        }
        ProofFailure::NotCanonical => lang.message("proof-failure-not-canonical"),
        ProofFailure::Branch(branch) => branch_failure(branch, lang),
        ProofFailure::RecordBytes(reason) => {
            lang.message_with("proof-failure-record-bytes", &[("reason", reason)])
        }
        ProofFailure::Differs {
            field,
            shown,
            found,
            against,
        } => lang.message_with(
            "proof-failure-differs",
            &[
                ("field", field),
                ("shown", shown),
                ("found", found),
                ("against", against),
            ],
        ),
        ProofFailure::RecordHash => lang.message("proof-failure-record-hash"),
        ProofFailure::Signature => lang.message("proof-failure-signature"),
        ProofFailure::Payload(reason) => {
            lang.message_with("proof-failure-payload", &[("reason", reason)])
        }
        ProofFailure::NotAnApproval(event) => {
            lang.message_with("proof-failure-not-an-approval", &[("event", event)])
        }
        ProofFailure::WitnessSignature(witness) => {
            lang.message_with("proof-failure-witness-signature", &[("witness", witness)])
        }
        ProofFailure::LogProof(reason) => {
            lang.message_with("proof-failure-log-proof", &[("reason", reason)])
        }
        ProofFailure::NotPublished {
            computed,
            published,
        } => lang.message_with(
            "proof-failure-not-published",
            &[("computed", computed), ("published", published)],
        ),
    }
}

/// The store's own reasons (`StorageError::Io`), worded: a directory that is not a store,
/// a store of another format. Any other reason (the system's) is given as it is.
pub fn store_reason(reason: &str, lang: Lang) -> String {
    if reason.starts_with("is not a rekap store (no REKAP_STORE marker)") {
        return lang.message("storage-not-a-store");
    }
    let other_format = reason
        .strip_prefix("is a rekap store of format ")
        .and_then(|rest| rest.split_once("; this rekap reads format "))
        .and_then(|(found, rest)| Some((found, rest.split_once(". Export its log")?.0)));
    match other_format {
        Some((found, wanted)) => lang.message_with(
            "storage-other-format",
            &[("found", &found), ("wanted", &wanted)],
        ),
        None => reason.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The store's reasons read here are rekap-log's own words (a change there fails here).
    #[test]
    fn the_store_reasons_are_rekap_log_s_and_read_in_indonesian() {
        let storage = include_str!("../../crates/rekap-log/src/storage/mod.rs");
        let reason = "is not a rekap store (no REKAP_STORE marker); create one with `rekap init`";
        assert!(storage.contains(reason));
        assert!(storage.contains("this rekap reads format {wanted}. Export its"));
        assert_eq!(store_reason(reason, Lang::En), reason);
        assert!(store_reason(reason, Lang::Id).starts_with("bukan penyimpanan rekap"));
        let other = "is a rekap store of format 2; this rekap reads format 3. Export its log \
                     with the rekap that wrote it";
        assert!(store_reason(other, Lang::Id).contains("format 2"));
        assert_ne!(store_reason(other, Lang::Id), other);
    }
}
