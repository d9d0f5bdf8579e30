//! The chain verifier: one pass over records in order, checking everything the log alone
//! can prove. Shared by the tail check before the first append, `verify --store` and `verify --log`.

use std::collections::HashMap;

use crate::limits::MAX_REPORTED_FAILURES;
use crate::parallel::parallel_map;
use crate::record::{
    record_hash, short_hex, signature_verifies, submission_message_of_bytes, Hash, PublicKey,
    RecordView, GENESIS_PREV_HASH,
};

/// What the next record is checked against.
#[derive(Clone, Copy, Debug)]
struct Previous {
    hash: Hash,
    recorded_at_ms: u64,
}

fn previous_of(bytes: &[u8]) -> Option<Previous> {
    RecordView::parse(bytes).ok().map(|record| Previous {
        hash: *record.hash,
        recorded_at_ms: record.recorded_at_ms,
    })
}

/// The verdict on one record from its own bytes and the record before it.
struct Judged {
    /// The fields the in-order pass needs, copied while the record is in this core's cache.
    summary: Option<Summary>,
    failures: Vec<String>,
}

struct Summary {
    hash: Hash,
    recorded_at_ms: u64,
    author: PublicKey,
    counter: u64,
}

/// Checks what one record can be checked for alone: it decodes, its seq is its position,
/// it links to the previous record's hash, its hash matches its bytes, its time does not go
/// backwards, and (if asked) its signature verifies.
fn judge(position: u64, bytes: &[u8], previous: Option<Previous>, signatures: bool) -> Judged {
    let record = match RecordView::parse(bytes) {
        Ok(record) => record,
        Err(error) => {
            return Judged {
                summary: None,
                failures: vec![format!("record does not decode: {error}")],
            }
        }
    };
    let mut failures = Vec::new();
    if record.seq != position {
        failures.push(format!(
            "record at position {position} says seq {}",
            record.seq
        ));
    }
    if let Some(previous) = previous {
        if *record.prev_hash != previous.hash {
            failures.push(format!(
                "previous-hash {} does not match the hash {} of record {}",
                short_hex(record.prev_hash),
                short_hex(&previous.hash),
                position.saturating_sub(1)
            ));
        }
        if record.recorded_at_ms < previous.recorded_at_ms {
            failures.push(format!(
                "recorded time {} ms goes backwards from {} ms",
                record.recorded_at_ms, previous.recorded_at_ms
            ));
        }
    }
    if record_hash(bytes) != *record.hash {
        failures.push("record hash does not match its contents".to_owned());
    }
    if signatures && !record_signature_verifies(&record, bytes) {
        failures.push(SIGNATURE_FAILURE.to_owned());
    }
    Judged {
        summary: Some(Summary {
            hash: *record.hash,
            recorded_at_ms: record.recorded_at_ms,
            author: *record.author,
            counter: record.counter,
        }),
        failures,
    }
}

fn record_signature_verifies(record: &RecordView<'_>, bytes: &[u8]) -> bool {
    submission_message_of_bytes(bytes)
        .is_some_and(|message| signature_verifies(record.author, &message, record.signature))
}

/// What the head becomes after a record that decodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Checked {
    pub seq: u64,
    pub hash: Hash,
    pub recorded_at_ms: u64,
}

/// The reason of a record whose signature does not verify (an audit counts these apart).
pub const SIGNATURE_FAILURE: &str = "signature does not verify";

/// What to check besides the chain.
#[derive(Clone, Copy, Debug)]
pub struct VerifyOptions {
    /// Check every record's ed25519 signature (the slow part).
    pub signatures: bool,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        Self { signatures: true }
    }
}

/// One thing that is wrong, at the record that holds it, or at file level (`seq: None`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub seq: Option<u64>,
    pub reason: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.seq {
            Some(seq) => write!(f, "record {seq}: {}", self.reason),
            None => write!(f, "file: {}", self.reason),
        }
    }
}

/// The outcome of a verification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyReport {
    /// Records read.
    pub records: u64,
    /// Hash of the last record read ([`GENESIS_PREV_HASH`] when there are none).
    pub head: Hash,
    /// Failures in order of sequence number, at most `MAX_REPORTED_FAILURES`.
    pub failures: Vec<Failure>,
    /// Failures found beyond those listed.
    pub failures_not_listed: u64,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.failures.is_empty() && self.failures_not_listed == 0
    }

    /// The first failure, the one an auditor looks at first.
    pub fn first_failure(&self) -> Option<&Failure> {
        self.failures.first()
    }
}

/// Verifies records fed in log order.
pub struct ChainVerifier {
    options: VerifyOptions,
    next_seq: u64,
    /// The record before the next one; `None` after a record that could not be decoded,
    /// whose successor's link and time cannot be checked.
    previous: Option<Previous>,
    /// Counters are checked only when verifying from the first record.
    counters: Option<Counters>,
    records: u64,
    head: Hash,
    failures: Vec<Failure>,
}

impl ChainVerifier {
    /// A verifier that expects the first record of a log.
    pub fn from_genesis(options: VerifyOptions) -> Self {
        let mut verifier = Self::resume(options, 1, GENESIS_PREV_HASH, 0);
        verifier.counters = Some(Counters::default());
        verifier
    }

    /// A verifier that expects record `next_seq`, after a record with hash `prev_hash` and
    /// time `last_recorded_at_ms`. Author counters cannot be checked from the middle.
    pub fn resume(
        options: VerifyOptions,
        next_seq: u64,
        prev_hash: Hash,
        last_recorded_at_ms: u64,
    ) -> Self {
        Self {
            options,
            next_seq,
            previous: Some(Previous {
                hash: prev_hash,
                recorded_at_ms: last_recorded_at_ms,
            }),
            counters: None,
            records: 0,
            head: prev_hash,
            failures: Vec::new(),
        }
    }

    /// Hash of the last record checked (or the starting previous-hash).
    pub fn head(&self) -> Hash {
        self.head
    }

    /// The sequence number the next record must have.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Failures found so far: a caller checking one record at a time compares this before
    /// and after.
    pub fn failures_so_far(&self) -> usize {
        self.failures.len()
    }

    /// The failure found last, if any.
    pub fn last_failure(&self) -> Option<&Failure> {
        self.failures.last()
    }

    /// Records a failure found outside the verifier (framing, file structure).
    pub fn fail(&mut self, seq: Option<u64>, reason: impl Into<String>) {
        self.failures.push(Failure {
            seq,
            reason: reason.into(),
        });
    }

    /// Checks the next record's canonical bytes. Returns what the head becomes when the
    /// record decodes.
    pub fn check(&mut self, record_bytes: &[u8]) -> Option<Checked> {
        self.check_many(&[record_bytes])
    }

    /// Checks consecutive records. Everything that concerns one record and the one before
    /// it (decoding, hash, seq, link, time) is judged on every core; then, in order, the
    /// author counters, the signature queue and the head.
    pub fn check_many(&mut self, records: &[&[u8]]) -> Option<Checked> {
        let first_position = self.next_seq;
        let before_first = self.previous;
        let signatures = self.options.signatures;
        let indices: Vec<usize> = (0..records.len()).collect();
        let size = |index: &usize| records.get(*index).map_or(0, |bytes| bytes.len());
        let judged = parallel_map(&indices, size, |&index| {
            let previous = match index.checked_sub(1) {
                None => before_first,
                Some(before) => records.get(before).and_then(|bytes| previous_of(bytes)),
            };
            judge(
                first_position + index as u64,
                records[index],
                previous,
                signatures,
            )
        });
        let mut last = None;
        for (bytes, judged) in records.iter().zip(judged) {
            last = self.accept(bytes, judged).or(last);
        }
        last
    }

    /// Records the verdict on the next record and advances.
    fn accept(&mut self, record_bytes: &[u8], judged: Judged) -> Option<Checked> {
        let position = self.next_seq;
        self.next_seq += 1;
        self.records += 1;
        for reason in judged.failures {
            self.fail(Some(position), reason);
        }
        let Some(summary) = judged.summary else {
            // The head of an export is the hash field of its last frame, decodable or not.
            if let Some(hash) = record_bytes.last_chunk::<32>() {
                self.head = *hash;
            }
            self.previous = None;
            return None;
        };
        self.check_counter(position, &summary.author, summary.counter);
        self.previous = Some(Previous {
            hash: summary.hash,
            recorded_at_ms: summary.recorded_at_ms,
        });
        self.head = summary.hash;
        Some(Checked {
            seq: position,
            hash: summary.hash,
            recorded_at_ms: summary.recorded_at_ms,
        })
    }

    fn check_counter(&mut self, position: u64, author: &PublicKey, counter: u64) {
        let Some(counters) = self.counters.as_mut() else {
            return;
        };
        let last = counters.last_and_set(author, counter);
        if let Some(last) = last {
            if counter <= last {
                self.fail(
                    Some(position),
                    format!(
                        "author {} counter {} is not above its previous {} (replayed submission)",
                        short_hex(author),
                        counter,
                        last
                    ),
                );
            }
        }
    }

    /// Finishes: sorts failures by position.
    pub fn finish(mut self) -> VerifyReport {
        // Records by sequence number, then file-level failures (often a consequence of a
        // record's failure, such as a trailer that no longer matches the last hash).
        self.failures
            .sort_by_key(|failure| (failure.seq.is_none(), failure.seq));
        let failures_not_listed = self.failures.len().saturating_sub(MAX_REPORTED_FAILURES) as u64;
        self.failures.truncate(MAX_REPORTED_FAILURES);
        VerifyReport {
            records: self.records,
            head: self.head,
            failures: self.failures,
            failures_not_listed,
        }
    }
}

/// Each author's last counter. Consecutive records usually share an author (one batch), so
/// the current author is kept aside and the map is touched only when the author changes.
#[derive(Default)]
struct Counters {
    current: Option<(PublicKey, u64)>,
    others: HashMap<PublicKey, u64>,
}

impl Counters {
    /// Sets `author`'s counter; returns the one it replaces.
    fn last_and_set(&mut self, author: &PublicKey, counter: u64) -> Option<u64> {
        if let Some((current_author, current_counter)) = self.current.as_mut() {
            if current_author == author {
                return Some(std::mem::replace(current_counter, counter));
            }
            self.others.insert(*current_author, *current_counter);
        }
        self.current = Some((*author, counter));
        self.others.remove(author)
    }
}
