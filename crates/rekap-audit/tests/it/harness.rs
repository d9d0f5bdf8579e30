//! Test harness: a small election (one province, two regencies, three districts, four
//! villages, nine stations, one governor's race), a rekap-log `Log` over `MemoryStorage`
//! that takes any correctly signed payload (the model's decisions are bypassed), and a
//! `State` + `Projection` kept alongside for the honest records only, to compute real
//! digests.
#![allow(dead_code)]

use std::collections::BTreeMap;

use rekap_audit::{AuditReport, CheckResult};
use rekap_ledger::view::TotalsView;
use rekap_log::{Log, MemoryStorage, Record, SignedSubmission, VerifyOptions};
use rekap_model::*;
use rekap_projection::Projection;
pub use rekap_test_kit::small_election::{
    all_sheets, approve, correct, definition, official_of, submit, DISTRICTS, GUBERNUR, OPERATOR,
    REGENCIES, REGISTRAR, STATIONS, T0,
};
pub use rekap_test_kit::{log_key, pk, sheet, signing};

/// Not in the definition: registered by the registrar when a test needs them.
pub const OPERATOR_647101: u8 = 40;
pub const WITNESS: u8 = 50;

/// A log being written, and the model's view of its honest records.
pub struct Harness {
    pub log: Log<MemoryStorage>,
    pub state: State,
    pub projection: Projection,
    counters: BTreeMap<u8, u64>,
}

impl Harness {
    /// A log holding only the genesis (record 1), signed by the registrar.
    pub fn new() -> Harness {
        let mut log = Log::open(MemoryStorage::default()).expect("memory log opens");
        let genesis = Payload::Genesis(rekap_model::Genesis::new(
            definition("Pilgub Kalimantan Timur 2024 (audit test)"),
            log_key(),
        ));
        let mut counters = BTreeMap::new();
        counters.insert(REGISTRAR, 1);
        let submission = SignedSubmission::sign(&signing(REGISTRAR), 1, encode_payload(&genesis));
        let records = log
            .append(vec![submission], T0 + 1_000)
            .expect("genesis appended");
        let state = State::genesis(&envelope_of(&records[0]), &genesis).expect("genesis accepted");
        let projection = Projection::new(&state);
        Harness {
            log,
            state,
            projection,
            counters,
        }
    }

    /// The sequence number the next record gets.
    pub fn next_seq(&self) -> u64 {
        self.log.head().count + 1
    }

    /// Signs `payload` by `author` (next counter) and appends it as the next record, with no
    /// judgement at all. Returns the record.
    pub fn append_payload(&mut self, author: u8, payload: &Payload) -> Record {
        let counter = self.counters.entry(author).or_insert(0);
        *counter += 1;
        let submission =
            SignedSubmission::sign(&signing(author), *counter, encode_payload(payload));
        let seq = self.next_seq();
        let mut records = self
            .log
            .append(vec![submission], T0 + seq * 1_000)
            .expect("the log takes any correctly signed submission");
        assert_eq!(records.len(), 1);
        let record = records.remove(0);
        assert_eq!(record.seq, seq);
        record
    }

    pub fn events(&self, events: Vec<Event>) -> Payload {
        Payload::Events {
            definition_hash: self.state.definition_hash(),
            events,
        }
    }

    /// An honest record: appended, then run through the model and the projection, which must
    /// accept it. Returns its seq.
    pub fn honest(&mut self, author: u8, events: Vec<Event>) -> u64 {
        let payload = self.events(events);
        let record = self.append_payload(author, &payload);
        if let Err(refusal) =
            self.projection
                .execute_payload(&mut self.state, &envelope_of(&record), &payload)
        {
            panic!(
                "honest record {} refused by the model: {refusal}",
                record.seq
            );
        }
        record.seq
    }

    /// A forged record: correctly signed and chained, never shown to the model here.
    /// Returns its seq.
    pub fn forged(&mut self, author: u8, events: Vec<Event>) -> u64 {
        let payload = self.events(events);
        self.forged_payload(author, &payload)
    }

    pub fn forged_payload(&mut self, author: u8, payload: &Payload) -> u64 {
        self.append_payload(author, payload).seq
    }

    pub fn contest(&self) -> ContestIdx {
        self.state
            .election()
            .contest_by_id(GUBERNUR)
            .expect("contest")
    }

    pub fn region(&self, code: &str) -> RegionIdx {
        self.state.election().find_region(code).expect("region")
    }

    /// The totals view of the honest records at the head, as a store would save it.
    pub fn totals_view(&self) -> TotalsView {
        TotalsView::of(&self.state, &self.projection, &self.log.head(), None)
    }

    /// The region's digest as the projection computes it over the honest records.
    pub fn digest(&self, region: &str) -> [u8; 32] {
        self.projection
            .digest(&self.state, self.contest(), self.region(region))
    }

    /// Approves `region` honestly with its current digest, by its official.
    pub fn approve(&mut self, region: &str) -> u64 {
        let digest = self.digest(region);
        self.honest(official_of(region), vec![approve(region, digest)])
    }

    pub fn submit_all(&mut self) -> u64 {
        self.honest(OPERATOR, all_sheets())
    }

    /// The registrar registers `key` with `role` and `scope`.
    pub fn register(&mut self, key: u8, role: Role, scope: &str) -> u64 {
        self.honest(
            REGISTRAR,
            vec![Event::OfficerRegistered {
                key: pk(key),
                role,
                scope: scope.into(),
            }],
        )
    }

    pub fn records(&self) -> Vec<Record> {
        self.log
            .records_from(1)
            .collect::<Result<_, _>>()
            .expect("records read")
    }

    /// The audit of the whole log: chain report from `Log::verify`, records from 1.
    pub fn audit(&self, view: Option<&TotalsView>) -> AuditReport {
        let chain = self
            .log
            .verify(VerifyOptions::default())
            .expect("log verifies");
        rekap_audit::audit(&chain, &self.records(), view)
    }
}

pub fn envelope_of(record: &Record) -> Envelope {
    Envelope {
        seq: record.seq,
        recorded_at_ms: record.recorded_at_ms,
        author: record.author,
    }
}

pub fn check(report: &AuditReport, number: u8) -> &CheckResult {
    let check = &report.checks[(number - 1) as usize];
    assert_eq!(check.number, number);
    check
}

/// Asserts that the audit fails check `number` first, at record `seq` (one failure, whose
/// reason contains `reason_part`), and that every other check passes.
pub fn assert_fails_only(report: &AuditReport, number: u8, seq: u64, reason_part: &str) {
    assert_eq!(report.checks.len(), 9);
    assert!(!report.ok, "the audit passed a forged log: {report:#?}");
    for earlier in 1..number {
        assert!(
            check(report, earlier).passed,
            "check {earlier} (before {number}) failed: {report:#?}"
        );
    }
    let failing = check(report, number);
    assert!(!failing.passed, "check {number} passed: {report:#?}");
    assert_eq!(failing.failed, 1, "{report:#?}");
    let failure = failing.first_failure.as_ref().expect("a first failure");
    assert_eq!(
        failure.seq,
        Some(seq),
        "check {number} failed at another record: {report:#?}"
    );
    assert!(
        failure.reason.contains(reason_part),
        "reason {:?} lacks {reason_part:?}",
        failure.reason
    );
    let (first_check, first_failure) = report.first_failure().expect("a failure");
    assert_eq!(first_check.number, number);
    assert_eq!(first_failure.seq, Some(seq));
    for later in number + 1..=9 {
        assert!(
            check(report, later).passed,
            "check {later} (after {number}) failed: {report:#?}"
        );
    }
}
