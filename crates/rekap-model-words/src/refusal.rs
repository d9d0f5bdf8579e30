//! The model's refusals in the language of the run: each variant to a message of the
//! catalogue (messages/*/refusals.ftl) with its fields as arguments. The model's English
//! `Display` stays what logs and the server's problem+json carry; this is what a person at a
//! terminal reads. A variant added to the model and not worded here is printed in English
//! (its `Display`), never dropped.

use rekap_model::{
    Act, ApprovalCheckFailure, HardRuleViolation, LimitError, PayloadRefusal, Refusal, RoleKind,
};

use rekap_messages::Lang;

/// A refused payload: `event 2: R26: ...`.
pub fn payload_refusal(refused: &PayloadRefusal, lang: Lang) -> String {
    let text = refusal(&refused.refusal, lang);
    match refused.index {
        Some(index) => {
            lang.message_with("refusal-in-event", &[("index", &index), ("refusal", &text)])
        }
        None => text,
    }
}

/// One refusal, its rule first: `R26: ...`.
pub fn refusal(refusal: &Refusal, lang: Lang) -> String {
    format!("{}: {}", refusal.rule(), reason(refusal, lang))
}

fn key(key: &[u8; 32]) -> String {
    hex::encode(key)
}

/// A code or name from the input, quoted and escaped as the English text has it.
fn quoted(text: &str) -> String {
    format!("{text:?}")
}

fn reason(refusal: &Refusal, lang: Lang) -> String {
    match refusal {
        Refusal::NoGenesis => lang.message("refusal-no-genesis"),
        Refusal::GenesisAlreadyApplied => lang.message("refusal-genesis-already-applied"),
        Refusal::GenesisNotFirst { seq } => {
            lang.message_with("refusal-genesis-not-first", &[("seq", seq)])
        }
        Refusal::GenesisNotByRegistrar { author, registrar } => lang.message_with(
            "refusal-genesis-not-by-registrar",
            &[("author", &key(author)), ("registrar", &key(registrar))],
        ),
        Refusal::InvalidDefinition(problem) => lang.message_with(
            "refusal-invalid-definition",
            &[("problem", &crate::definition_error(problem, lang))],
        ),
        Refusal::DefinitionHashMismatch { expected, found } => lang.message_with(
            "refusal-definition-hash-mismatch",
            &[("found", &key(found)), ("expected", &key(expected))],
        ),
        Refusal::SeqNotIncreasing { seq, last } => lang.message_with(
            "refusal-seq-not-increasing",
            &[("seq", seq), ("last", last)],
        ),
        Refusal::EmptyPayload => lang.message("refusal-empty-payload"),
        Refusal::Limit(limit) => self::limit(limit, lang),
        _ => authority(refusal, lang),
    }
}

fn authority(refusal: &Refusal, lang: Lang) -> String {
    match refusal {
        Refusal::UnknownAuthor { author } => {
            lang.message_with("refusal-unknown-author", &[("author", &key(author))])
        }
        Refusal::AuthorRevoked { author, revoked_at } => lang.message_with(
            "refusal-author-revoked",
            &[("author", &key(author)), ("revoked", revoked_at)],
        ),
        Refusal::NotRegistrar { act: done, author } => lang.message_with(
            "refusal-not-registrar",
            &[("act", &act(*done, lang)), ("author", &key(author))],
        ),
        Refusal::RoleNotPermitted {
            act: done,
            role: kind,
        } => lang.message_with(
            "refusal-role-not-permitted",
            &[("role", &role(*kind, lang)), ("act", &act(*done, lang))],
        ),
        Refusal::RegistrarCannotHoldRole => lang.message("refusal-registrar-cannot-hold-role"),
        Refusal::AlreadyRegistered { key: officer } => {
            lang.message_with("refusal-already-registered", &[("key", &key(officer))])
        }
        Refusal::KeyWasRevoked {
            key: officer,
            revoked_at,
        } => lang.message_with(
            "refusal-key-was-revoked",
            &[("key", &key(officer)), ("revoked", revoked_at)],
        ),
        Refusal::UnknownOfficer { key: officer } => {
            lang.message_with("refusal-unknown-officer", &[("key", &key(officer))])
        }
        Refusal::AlreadyRevoked {
            key: officer,
            revoked_at,
        } => lang.message_with(
            "refusal-already-revoked",
            &[("key", &key(officer)), ("revoked", revoked_at)],
        ),
        Refusal::InvalidPublicKey { key: officer } => {
            lang.message_with("refusal-invalid-public-key", &[("key", &key(officer))])
        }
        Refusal::WeakPublicKey { key: officer } => {
            lang.message_with("refusal-weak-public-key", &[("key", &key(officer))])
        }
        Refusal::LogKeyIsRegistrar => lang.message("refusal-log-key-is-registrar"),
        Refusal::LogKeyReused {
            key: log_key,
            from_size,
        } => lang.message_with(
            "refusal-log-key-reused",
            &[("key", &key(log_key)), ("size", &lang.number(*from_size))],
        ),
        Refusal::BadLogOrigin { origin, expected } => lang.message_with(
            "refusal-bad-log-origin",
            &[("origin", &quoted(origin)), ("expected", &quoted(expected))],
        ),
        _ => references(refusal, lang),
    }
}

fn references(refusal: &Refusal, lang: Lang) -> String {
    match refusal {
        Refusal::UnknownRegion { code } => {
            lang.message_with("refusal-unknown-region", &[("code", &quoted(code))])
        }
        Refusal::UnknownStation { code } => {
            lang.message_with("refusal-unknown-station", &[("code", &quoted(code))])
        }
        Refusal::UnknownPlace { code } => {
            lang.message_with("refusal-unknown-place", &[("code", &quoted(code))])
        }
        Refusal::UnknownContest { id } => {
            lang.message_with("refusal-unknown-contest", &[("contest", &quoted(id))])
        }
        Refusal::UnknownPair { contest, pair } => lang.message_with(
            "refusal-unknown-pair",
            &[("contest", &quoted(contest)), ("pair", pair)],
        ),
        Refusal::OutOfScope { scope, target } => lang.message_with(
            "refusal-out-of-scope",
            &[("scope", &quoted(scope)), ("target", &quoted(target))],
        ),
        Refusal::OfficialScopeTooLow {
            scope,
            level,
            lowest,
        } => lang.message_with(
            "refusal-official-scope-too-low",
            &[
                ("scope", &quoted(scope)),
                ("level", &quoted(level)),
                ("lowest", &quoted(lowest)),
            ],
        ),
        Refusal::NotInContest { place, contest } => lang.message_with(
            "refusal-not-in-contest",
            &[("place", &quoted(place)), ("contest", &quoted(contest))],
        ),
        Refusal::WitnessScopeOutsideContest { scope, contest } => lang.message_with(
            "refusal-witness-scope-outside-contest",
            &[("scope", &quoted(scope)), ("contest", &quoted(contest))],
        ),
        Refusal::WitnessOfOtherContest {
            witness_contest,
            contest,
        } => lang.message_with(
            "refusal-witness-of-other-contest",
            &[
                ("other", &quoted(witness_contest)),
                ("contest", &quoted(contest)),
            ],
        ),
        Refusal::NotOfficialOfRegion { scope, region } => lang.message_with(
            "refusal-not-official-of-region",
            &[("scope", &quoted(scope)), ("region", &quoted(region))],
        ),
        Refusal::LevelHoldsNoPlenary { region, level } => lang.message_with(
            "refusal-level-holds-no-plenary",
            &[("region", &quoted(region)), ("level", &quoted(level))],
        ),
        _ => sheets(refusal, lang),
    }
}

fn sheets(refusal: &Refusal, lang: Lang) -> String {
    match refusal {
        Refusal::SheetAlreadySubmitted {
            station,
            contest,
            since_seq,
        } => lang.message_with(
            "refusal-sheet-already-submitted",
            &[
                ("station", station),
                ("contest", contest),
                ("seq", since_seq),
            ],
        ),
        Refusal::NoSheetToCorrect { station, contest } => lang.message_with(
            "refusal-no-sheet-to-correct",
            &[("station", station), ("contest", contest)],
        ),
        Refusal::StationIsVoided {
            station,
            contest,
            voided_at,
        } => lang.message_with(
            "refusal-station-is-voided",
            &[
                ("station", station),
                ("contest", contest),
                ("seq", voided_at),
            ],
        ),
        Refusal::RevoteAlreadyPending {
            station,
            contest,
            since_seq,
        } => lang.message_with(
            "refusal-revote-already-pending",
            &[
                ("station", station),
                ("contest", contest),
                ("seq", since_seq),
            ],
        ),
        Refusal::CorrectionChangesNothing { station, contest } => lang.message_with(
            "refusal-correction-changes-nothing",
            &[("station", station), ("contest", contest)],
        ),
        Refusal::MissingReason { field } => {
            lang.message_with("refusal-missing-reason", &[("field", field)])
        }
        Refusal::HardRule {
            station,
            contest,
            violation,
        } => lang.message_with(
            "refusal-hard-rule",
            &[
                ("station", station),
                ("contest", contest),
                ("violation", &hard_rule(violation, lang)),
            ],
        ),
        _ => objections(refusal, lang),
    }
}

fn objections(refusal: &Refusal, lang: Lang) -> String {
    match refusal {
        Refusal::UnknownObjection { id } => {
            lang.message_with("refusal-unknown-objection", &[("id", id)])
        }
        Refusal::ObjectionNotOpen { id, resolved_at } => lang.message_with(
            "refusal-objection-not-open",
            &[("id", id), ("seq", resolved_at)],
        ),
        Refusal::ObjectionContestMismatch {
            id,
            objection_contest,
            contest,
        } => lang.message_with(
            "refusal-objection-contest-mismatch",
            &[
                ("id", id),
                ("other", &quoted(objection_contest)),
                ("contest", &quoted(contest)),
            ],
        ),
        Refusal::OutsideObjection { id, station, place } => lang.message_with(
            "refusal-outside-objection",
            &[("station", station), ("id", id), ("place", &quoted(place))],
        ),
        Refusal::UnknownCorrection { id } => {
            lang.message_with("refusal-unknown-correction", &[("id", id)])
        }
        Refusal::CorrectionPredatesObjection {
            objection,
            correction,
        } => lang.message_with(
            "refusal-correction-predates-objection",
            &[("correction", correction), ("objection", objection)],
        ),
        _ => approvals(refusal, lang),
    }
}

fn approvals(refusal: &Refusal, lang: Lang) -> String {
    match refusal {
        Refusal::RegionHasNoStations { region } => lang.message_with(
            "refusal-region-has-no-stations",
            &[("region", &quoted(region))],
        ),
        Refusal::NotAWitness { key: witness } => {
            lang.message_with("refusal-not-a-witness", &[("key", &key(witness))])
        }
        Refusal::WitnessRevoked {
            key: witness,
            revoked_at,
        } => lang.message_with(
            "refusal-witness-revoked",
            &[("key", &key(witness)), ("revoked", revoked_at)],
        ),
        Refusal::DuplicateWitness { key: witness } => {
            lang.message_with("refusal-duplicate-witness", &[("key", &key(witness))])
        }
        Refusal::BadWitnessSignature { key: witness } => {
            lang.message_with("refusal-bad-witness-signature", &[("key", &key(witness))])
        }
        Refusal::WitnessOutOfScope {
            key: witness,
            scope,
            region,
        } => lang.message_with(
            "refusal-witness-out-of-scope",
            &[
                ("key", &key(witness)),
                ("scope", &quoted(scope)),
                ("region", &quoted(region)),
            ],
        ),
        Refusal::ApprovalCheck(failure) => lang.message_with(
            "refusal-approval-check",
            &[("problem", &approval_check(failure, lang))],
        ),
        // A refusal the model added after this file: its English text.
        other => other.to_string(),
    }
}

pub fn hard_rule(violation: &HardRuleViolation, lang: Lang) -> String {
    let n = |value: u64| lang.number(value);
    match violation {
        HardRuleViolation::AbsentSectionHasNumbers => {
            lang.message("rule-absent-section-has-numbers")
        }
        HardRuleViolation::WrongPairCount { given, pairs } => lang.message_with(
            "rule-wrong-pair-count",
            &[("given", given), ("pairs", pairs)],
        ),
        HardRuleViolation::PairVotesNotValid { sum, valid } => lang.message_with(
            "rule-pair-votes-not-valid",
            &[("sum", &n(*sum)), ("valid", &n(u64::from(*valid)))],
        ),
        HardRuleViolation::CastNotBallotsUsed {
            valid,
            invalid,
            used,
        } => lang.message_with(
            "rule-cast-not-ballots-used",
            &[
                ("valid", &n(u64::from(*valid))),
                ("invalid", &n(u64::from(*invalid))),
                ("used", &n(u64::from(*used))),
            ],
        ),
        HardRuleViolation::BallotsUsedNotVoted { used, voted } => lang.message_with(
            "rule-ballots-used-not-voted",
            &[("used", &n(u64::from(*used))), ("voted", &n(*voted))],
        ),
        HardRuleViolation::VotedOverRegistered {
            list,
            voted,
            registered,
        } => lang.message_with(
            "rule-voted-over-registered",
            &[
                ("voted", &n(u64::from(*voted))),
                ("list", list),
                ("registered", &n(u64::from(*registered))),
            ],
        ),
        HardRuleViolation::MaleFemaleNotTotal {
            list,
            male,
            female,
            total,
        } => lang.message_with(
            "rule-male-female-not-total",
            &[
                ("list", list),
                ("male", &n(u64::from(*male))),
                ("female", &n(u64::from(*female))),
                ("total", &n(u64::from(*total))),
            ],
        ),
        _ => ballots(violation, lang),
    }
}

fn ballots(violation: &HardRuleViolation, lang: Lang) -> String {
    let n = |value: u64| lang.number(value);
    match violation {
        HardRuleViolation::BallotsUnbalanced {
            received,
            used,
            damaged,
            unused,
        } => lang.message_with(
            "rule-ballots-unbalanced",
            &[
                ("received", &n(u64::from(*received))),
                ("used", &n(u64::from(*used))),
                ("damaged", &n(u64::from(*damaged))),
                ("unused", &n(u64::from(*unused))),
            ],
        ),
        HardRuleViolation::OverCapacity {
            registered,
            capacity,
        } => lang.message_with(
            "rule-over-capacity",
            &[
                ("registered", &n(*registered)),
                ("capacity", &n(u64::from(*capacity))),
            ],
        ),
        HardRuleViolation::WrongVoteTypeCount { given, expected } => lang.message_with(
            "rule-wrong-vote-type-count",
            &[("given", given), ("expected", expected)],
        ),
        HardRuleViolation::VoteTypesNotPairVotes { pair, sum, votes } => lang.message_with(
            "rule-vote-types-not-pair-votes",
            &[
                ("pair", pair),
                ("sum", &n(*sum)),
                ("votes", &n(u64::from(*votes))),
            ],
        ),
        HardRuleViolation::InvalidAbsentOnFullSheet => {
            lang.message("rule-invalid-absent-on-full-sheet")
        }
        // A rule the model added after this file: its English text.
        other => other.to_string(),
    }
}

fn approval_check(failure: &ApprovalCheckFailure, lang: Lang) -> String {
    match failure {
        ApprovalCheckFailure::DigestMismatch { claimed, computed } => lang.message_with(
            "approval-digest-mismatch",
            &[("claimed", &key(claimed)), ("computed", &key(computed))],
        ),
        ApprovalCheckFailure::ChildNotApproved { child } => {
            lang.message_with("approval-child-not-approved", &[("child", child)])
        }
        ApprovalCheckFailure::ChildStale { child, since_seq } => lang.message_with(
            "approval-child-stale",
            &[("child", child), ("seq", since_seq)],
        ),
        ApprovalCheckFailure::StationsMissing { missing, example } => lang.message_with(
            "approval-stations-missing",
            &[("missing", &lang.number(*missing)), ("example", example)],
        ),
        ApprovalCheckFailure::Other { reason } => reason.clone(),
    }
}

/// A field over its limit: `reason has 300 bytes; the limit is 256`.
pub fn limit(limit: &LimitError, lang: Lang) -> String {
    match limit {
        LimitError::TooLong {
            field,
            bytes,
            limit,
        } => lang.message_with(
            "limit-too-long",
            &[
                ("field", field),
                ("bytes", &lang.number(*bytes)),
                ("limit", &lang.number(*limit)),
            ],
        ),
        LimitError::TooMany {
            field,
            count,
            limit,
        } => lang.message_with(
            "limit-too-many",
            &[
                ("count", &lang.number(*count)),
                ("field", field),
                ("limit", &lang.number(*limit)),
            ],
        ),
    }
}

fn act(act: Act, lang: Lang) -> String {
    lang.message(match act {
        Act::RegisterOfficer => "act-register-officer",
        Act::RevokeOfficer => "act-revoke-officer",
        Act::SubmitSheet => "act-submit-sheet",
        Act::CorrectSheet => "act-correct-sheet",
        Act::RecordRevote => "act-record-revote",
        Act::VoidStation => "act-void-station",
        Act::FileObjection => "act-file-objection",
        Act::ResolveObjection => "act-resolve-objection",
        Act::ApprovePlenary => "act-approve-plenary",
        Act::NoteSheetSource => "act-note-sheet-source",
        Act::RotateLogKey => "act-rotate-log-key",
    })
}

fn role(role: RoleKind, lang: Lang) -> String {
    lang.message(match role {
        RoleKind::Registrar => "role-kind-registrar",
        RoleKind::Operator => "role-kind-operator",
        RoleKind::Official => "role-kind-official",
        RoleKind::Witness => "role-kind-witness",
        RoleKind::Auditor => "role-kind-auditor",
    })
}
