//! The witness's and the mirror's library errors in the reader's language (rekap-witness,
//! rekap-mirror): their typed fields worded from the catalogue (messages/*/witness.ftl).
//! Reasons the libraries pass on from elsewhere (a note's parser, the system, the
//! server's reply) stay as given.

use rekap_mirror::{FetchError, MirrorError, Settled, SetupProblem};
use rekap_witness::cosignature::QuorumError;
use rekap_witness::evidence::EvidenceError;
use rekap_witness::witness::WitnessError;

use crate::lang::Lang;

pub fn quorum_error(error: &QuorumError, lang: Lang) -> String {
    match error {
        QuorumError::Note(reason) => {
            lang.message_with("witness-quorum-not-a-note", &[("reason", reason)])
        }
        QuorumError::Short {
            valid,
            quorum,
            names,
        } => lang.message_with(
            "witness-quorum-short",
            &[("valid", valid), ("names", names), ("quorum", quorum)],
        ),
        QuorumError::Invalid(name) => {
            lang.message_with("witness-quorum-invalid", &[("name", name)])
        }
    }
}

pub fn witness_error(error: &WitnessError, lang: Lang) -> String {
    match error {
        WitnessError::State { path, error } => {
            lang.message_with("witness-state", &[("path", path), ("reason", error)])
        }
        WitnessError::Damaged { path, reason } => {
            lang.message_with("witness-damaged", &[("path", path), ("reason", reason)])
        }
        WitnessError::DuplicateLog(origin) => lang.message_with(
            "witness-duplicate-log",
            &[("origin", &format!("{origin:?}"))],
        ),
    }
}

pub fn evidence_error(error: &EvidenceError, lang: Lang) -> String {
    match error {
        EvidenceError::TooLarge(bytes) => lang.message_with(
            "witness-evidence-too-large",
            &[("bytes", &lang.number(*bytes as u64))],
        ),
        EvidenceError::NotUtf8 => lang.message("witness-evidence-not-utf8"),
        EvidenceError::BadLine { line, reason } => lang.message_with(
            "witness-evidence-bad-line",
            &[("line", line), ("reason", reason)],
        ),
    }
}

/// The mirror's error; the store's, log's and ledger's inside are worded as theirs are.
pub fn mirror_error(error: &MirrorError, lang: Lang) -> String {
    match error {
        MirrorError::Storage(storage) => lang.message_with(
            "mirror-store",
            &[("reason", &super::storage_error(storage, lang))],
        ),
        MirrorError::Log(log) => {
            lang.message_with("mirror-log", &[("reason", &super::cause_text(log, lang))])
        }
        MirrorError::Ledger(ledger) => lang.message_with(
            "mirror-ledger",
            &[("reason", &super::cause_text(ledger, lang))],
        ),
        MirrorError::Io { path, error } => {
            lang.message_with("mirror-io", &[("path", path), ("reason", error)])
        }
        MirrorError::Setup(problem) => setup_problem(problem, lang),
        MirrorError::Unreachable(fetch) => lang.message_with(
            "mirror-unreachable",
            &[("reason", &fetch_error(fetch, lang))],
        ),
        MirrorError::Alarm(reason) => lang.message_with("mirror-alarm", &[("reason", reason)]),
    }
}

pub fn fetch_error(error: &FetchError, lang: Lang) -> String {
    lang.message_with(
        "mirror-fetch",
        &[("url", &error.url), ("reason", &error.reason)],
    )
}

fn setup_problem(problem: &SetupProblem, lang: Lang) -> String {
    let what = |what: &Settled| match what {
        Settled::LogKey => lang.message("mirror-settled-log-key"),
        Settled::Server => lang.message("mirror-settled-server"),
    };
    match problem {
        SetupProblem::NoAttempt => lang.message("mirror-no-attempt"),
        SetupProblem::BadKeptKey { path, error } => {
            lang.message_with("mirror-bad-kept-key", &[("path", path), ("reason", error)])
        }
        SetupProblem::FollowsAnother {
            what: settled,
            kept,
            given,
        } => lang.message_with(
            "mirror-follows-another",
            &[
                ("what", &what(settled)),
                ("kept", &format!("{kept:?}")),
                ("given", &format!("{given:?}")),
            ],
        ),
        SetupProblem::Needs { what: settled } => {
            lang.message_with("mirror-needs", &[("what", &what(settled))])
        }
        SetupProblem::KeyNotNamed { key } => {
            lang.message_with("mirror-key-not-named", &[("key", key)])
        }
        SetupProblem::Damaged { path, error } => {
            lang.message_with("mirror-damaged", &[("path", path), ("reason", error)])
        }
        SetupProblem::OwnTree { error } => {
            lang.message_with("mirror-own-tree", &[("reason", error)])
        }
        SetupProblem::StoreLost => lang.message("mirror-store-lost"),
    }
}
