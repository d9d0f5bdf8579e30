//! The report: numbered checks.

use rekap_model::Rule;
use serde::Serialize;

/// The names of checks 1 to 9.
pub const CHECK_NAMES: [&str; 9] = [
    "chain: hashes, links, sequence, time, counters",
    "signatures of every record",
    "genesis: definition well formed and bound by every payload",
    "authority: every event allowed for its author at its position",
    "decisions: every event judged again by the model",
    "sheets: every hard rule holds for every version",
    "approvals: digests, witness signatures, fresh children",
    "final state: every level is the sum of its sheets",
    "soft-rule flags (listed, not failures)",
];

/// Where and why a check failed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Failure {
    pub seq: Option<u64>,
    pub reason: String,
    /// The rule of docs/RULES.md broken (`"R26"`), for a failure of the model's rules.
    pub rule: Option<String>,
    /// The failure as a typed value, for a reader to word it in a person's language
    /// (`reason` is its English text, what JSON and logs carry).
    #[serde(skip)]
    pub cause: Option<Cause>,
}

/// What failed, typed: every failure of checks 3 to 8 has one (the chain's, checks 1 and
/// 2, are the log verifier's text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cause {
    /// The log holds no record.
    EmptyLog,
    /// Record 1 is not a genesis.
    NotGenesis,
    /// A payload that does not decode.
    Undecodable {
        genesis: bool,
        error: rekap_model::DecodeError,
    },
    /// The model refuses an event (`event` its index) or a whole payload (`None`).
    Refused {
        event: Option<u64>,
        refusal: rekap_model::Refusal,
    },
    /// A stored sheet breaks a hard rule.
    HardRule {
        sheet: String,
        violation: rekap_model::HardRuleViolation,
    },
    /// A region's totals rebuilt from the payloads differ from the projection's.
    RebuiltTotalsDiffer { region: String },
    /// A region's totals are not the sum of its children's.
    NotSumOfChildren { region: String },
}

/// One numbered check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CheckResult {
    pub number: u8,
    pub name: &'static str,
    pub passed: bool,
    /// Items the check looked at (records, events, sheets, approvals, regions, flags).
    pub checked: u64,
    /// How many items failed.
    pub failed: u64,
    pub first_failure: Option<Failure>,
    /// For checks 3 to 9: the position of the first record checks 1-2 could not
    /// authenticate. The check judged only the records before it and does not pass.
    pub stopped_at: Option<u64>,
}

/// The whole audit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditReport {
    pub ok: bool,
    pub records: u64,
    pub head: String,
    /// Only when every record was authenticated and judged.
    pub projection_digest: Option<String>,
    /// Records checks 3 to 9 judged: records 1 to this, all authenticated by checks 1-2.
    pub judged_records: u64,
    /// The position of the first record checks 1-2 could not authenticate, where checks 3
    /// to 9 stopped.
    pub unauthenticated_record: Option<u64>,
    pub checks: Vec<CheckResult>,
    /// The soft-rule flags of check 9, as text (at most 1,000).
    pub flags: Vec<String>,
    /// The same flags typed (event id, station code, flag), for a reader to word them in
    /// a person's language.
    #[serde(skip)]
    pub listed_flags: Vec<(String, String, rekap_model::Flag)>,
}

impl AuditReport {
    /// The first failing check, with its first failure.
    pub fn first_failure(&self) -> Option<(&CheckResult, &Failure)> {
        self.checks
            .iter()
            .filter(|check| !check.passed)
            .find_map(|check| check.first_failure.as_ref().map(|failure| (check, failure)))
    }
}

/// Accumulates one check.
pub(crate) struct Tally {
    pub checked: u64,
    pub failed: u64,
    pub first_failure: Option<Failure>,
}

impl Tally {
    pub fn new() -> Tally {
        Tally {
            checked: 0,
            failed: 0,
            first_failure: None,
        }
    }

    pub fn fail(&mut self, seq: Option<u64>, reason: String) {
        self.fail_rule(seq, reason, None);
    }

    /// A failure of one of the model's numbered rules.
    pub fn fail_rule(&mut self, seq: Option<u64>, reason: String, rule: Option<Rule>) {
        self.fail_with(seq, reason, rule, None);
    }

    /// A failure with its typed cause.
    pub fn fail_with(
        &mut self,
        seq: Option<u64>,
        reason: String,
        rule: Option<Rule>,
        cause: Option<Cause>,
    ) {
        self.failed += 1;
        if self.first_failure.is_none() {
            self.first_failure = Some(Failure {
                seq,
                reason,
                rule: rule.map(|rule| rule.to_string()),
                cause,
            });
        }
    }

    pub fn result(self, number: u8) -> CheckResult {
        CheckResult {
            number,
            name: CHECK_NAMES[(number - 1) as usize],
            passed: self.failed == 0,
            checked: self.checked,
            failed: self.failed,
            first_failure: self.first_failure,
            stopped_at: None,
        }
    }
}
