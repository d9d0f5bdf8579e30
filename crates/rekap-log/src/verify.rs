//! The chain verifier: one pass over records in order, checking everything the log alone
//! can prove. Shared by the store's tail check on open, `verify --store` and `verify --log`.

use std::collections::HashMap;

use crate::limits::MAX_REPORTED_FAILURES;
use crate::parallel::parallel_map;
use crate::record::{
    record_hash, short_hex, signature_verifies, submission_message_of_bytes, Hash, PublicKey,
    RecordView, GENESIS_PREV_HASH,
};

/// What the head becomes after a record that decodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Checked {
    pub seq: u64,
    pub hash: Hash,
    pub recorded_at_ms: u64,
}

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

/// A signature still to be checked; checks are batched to use every core.
struct PendingSignature {
    seq: u64,
    author: PublicKey,
    message: Vec<u8>,
    signature: [u8; 64],
}

/// Signatures checked together, so both cores work on them.
const SIGNATURE_BATCH: usize = 512;

/// Verifies records fed in log order.
pub struct ChainVerifier {
    options: VerifyOptions,
    next_seq: u64,
    /// `None` after a record that could not be decoded: the next link cannot be checked.
    prev_hash: Option<Hash>,
    last_recorded_at_ms: u64,
    /// Counters are checked only when verifying from the first record.
    counters: Option<HashMap<PublicKey, u64>>,
    records: u64,
    head: Hash,
    failures: Vec<Failure>,
    pending_signatures: Vec<PendingSignature>,
}

impl ChainVerifier {
    /// A verifier that expects the first record of a log.
    pub fn from_genesis(options: VerifyOptions) -> Self {
        let mut verifier = Self::resume(options, 1, GENESIS_PREV_HASH, 0);
        verifier.counters = Some(HashMap::new());
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
            prev_hash: Some(prev_hash),
            last_recorded_at_ms,
            counters: None,
            records: 0,
            head: prev_hash,
            failures: Vec::new(),
            pending_signatures: Vec::new(),
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
        self.check_with_hash(record_bytes, record_hash(record_bytes))
    }

    /// Checks several consecutive records, hashing them on every core first.
    pub fn check_many(&mut self, records: &[&[u8]]) -> Option<Checked> {
        let hashes = parallel_map(records, |bytes| record_hash(bytes));
        let mut last = None;
        for (bytes, hash) in records.iter().zip(hashes) {
            last = self.check_with_hash(bytes, hash).or(last);
        }
        last
    }

    fn check_with_hash(&mut self, record_bytes: &[u8], computed_hash: Hash) -> Option<Checked> {
        let position = self.next_seq;
        self.next_seq += 1;
        self.records += 1;
        let record = match RecordView::parse(record_bytes) {
            Ok(record) => record,
            Err(error) => {
                self.fail(Some(position), format!("record does not decode: {error}"));
                self.prev_hash = None;
                return None;
            }
        };
        self.check_links(position, &record, computed_hash);
        self.check_counter(position, &record);
        if self.options.signatures {
            self.queue_signature(position, &record, record_bytes);
        }
        self.prev_hash = Some(*record.hash);
        self.head = *record.hash;
        self.last_recorded_at_ms = self.last_recorded_at_ms.max(record.recorded_at_ms);
        Some(Checked {
            seq: record.seq,
            hash: *record.hash,
            recorded_at_ms: record.recorded_at_ms,
        })
    }

    fn check_links(&mut self, position: u64, record: &RecordView<'_>, computed_hash: Hash) {
        if record.seq != position {
            self.fail(
                Some(position),
                format!("record at position {position} says seq {}", record.seq),
            );
        }
        if let Some(prev_hash) = self.prev_hash {
            if *record.prev_hash != prev_hash {
                self.fail(
                    Some(position),
                    format!(
                        "previous-hash {} does not match the hash {} of record {}",
                        short_hex(record.prev_hash),
                        short_hex(&prev_hash),
                        position.saturating_sub(1)
                    ),
                );
            }
        }
        if computed_hash != *record.hash {
            self.fail(Some(position), "record hash does not match its contents");
        }
        if record.recorded_at_ms < self.last_recorded_at_ms {
            self.fail(
                Some(position),
                format!(
                    "recorded time {} ms goes backwards from {} ms",
                    record.recorded_at_ms, self.last_recorded_at_ms
                ),
            );
        }
    }

    fn check_counter(&mut self, position: u64, record: &RecordView<'_>) {
        let Some(counters) = self.counters.as_mut() else {
            return;
        };
        let last = counters.insert(*record.author, record.counter);
        if let Some(last) = last {
            if record.counter <= last {
                self.fail(
                    Some(position),
                    format!(
                        "author {} counter {} is not above its previous {} (replayed submission)",
                        short_hex(record.author),
                        record.counter,
                        last
                    ),
                );
            }
        }
    }

    fn queue_signature(&mut self, position: u64, record: &RecordView<'_>, record_bytes: &[u8]) {
        let Some(message) = submission_message_of_bytes(record_bytes) else {
            self.fail(Some(position), "record too short to hold a signature");
            return;
        };
        self.pending_signatures.push(PendingSignature {
            seq: position,
            author: *record.author,
            message,
            signature: *record.signature,
        });
        if self.pending_signatures.len() >= SIGNATURE_BATCH {
            self.check_pending_signatures();
        }
    }

    fn check_pending_signatures(&mut self) {
        let pending = std::mem::take(&mut self.pending_signatures);
        for seq in bad_signatures(&pending) {
            self.fail(Some(seq), "signature does not verify");
        }
    }

    /// Finishes: checks the signatures still queued and sorts failures by position.
    pub fn finish(mut self) -> VerifyReport {
        self.check_pending_signatures();
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

/// Verifies signatures on all available cores; returns the positions that fail.
fn bad_signatures(pending: &[PendingSignature]) -> Vec<u64> {
    let verdicts = parallel_map(pending, |item| {
        signature_verifies(&item.author, &item.message, &item.signature)
    });
    pending
        .iter()
        .zip(verdicts)
        .filter(|(_, verifies)| !verifies)
        .map(|(item, _)| item.seq)
        .collect()
}
