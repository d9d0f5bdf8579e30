//! Group commit: many authors' signed submissions decided one by one, the accepted ones
//! appended as one durable batch.
//!
//! A server receives submissions that clients signed themselves (the server never holds a
//! secret key). [`GroupLedger::commit`] decides each in order against the state including
//! the ones accepted before it in the same group. A refused submission is answered alone,
//! with its refusal: the model's transaction undid it and nothing else (no replay). All the
//! accepted ones are then appended as one chunk (one commit, the segment store's two
//! fsyncs), and only then answered. If that append fails, and only then, the state is
//! rebuilt from the log, because it holds payloads the log does not.
//!
//! A retry (the same author, counter, payload and signature re-sent after a lost answer)
//! gets the receipt of the record it already made, found through [`CounterIndex`]; the same
//! counter with other bytes is refused.

use std::collections::{BTreeMap, HashMap};

use rekap_log::limits::{
    MAX_BATCH_BYTES, MAX_BATCH_RECORDS, MAX_PAYLOAD_BYTES, RECORD_OVERHEAD_BYTES,
};
use rekap_log::record::{short_hex, RecordView};
use rekap_log::{Hash, Head, PublicKey, SignedSubmission, Storage, VerifiedSubmission};
use rekap_model::{decode_payload, DecodeError, Envelope, Payload, PayloadRefusal, Rule};

use crate::error::LedgerError;
use crate::ledger::Ledger;

/// Where each `(author, counter)` of the log landed. Lookups only, never iterated, so the
/// hash map's order cannot leak into anything decided or hashed.
#[derive(Default)]
pub struct CounterIndex {
    seqs: HashMap<(PublicKey, u64), u64>,
}

impl CounterIndex {
    /// Reads every record's author and counter, in place (no payload is copied).
    pub fn build<S: Storage>(ledger: &Ledger<S>) -> Result<Self, LedgerError> {
        let mut index = CounterIndex::default();
        ledger.log().for_each_chunk(|chunk| {
            for bytes in rekap_log::frame::Frames::new(&chunk.framed_records).map_while(Result::ok)
            {
                if let Ok(record) = RecordView::parse(bytes) {
                    index.insert(*record.author, record.counter, record.seq);
                }
            }
            Ok(())
        })?;
        Ok(index)
    }

    pub fn insert(&mut self, author: PublicKey, counter: u64, seq: u64) {
        self.seqs.insert((author, counter), seq);
    }

    /// The record `author`'s submission number `counter` became, if any.
    pub fn seq_of(&self, author: &PublicKey, counter: u64) -> Option<u64> {
        self.seqs.get(&(*author, counter)).copied()
    }

    /// Each author's highest counter: the counters a server answers `next = last + 1` from.
    pub fn last_counters(&self) -> BTreeMap<PublicKey, u64> {
        let mut last: BTreeMap<PublicKey, u64> = BTreeMap::new();
        for (author, counter) in self.seqs.keys() {
            let entry = last.entry(*author).or_default();
            *entry = (*entry).max(*counter);
        }
        last
    }

    pub fn len(&self) -> usize {
        self.seqs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.seqs.is_empty()
    }
}

/// A ledger that takes signed submissions from many authors, with its counter index.
pub struct GroupLedger<S: Storage> {
    ledger: Ledger<S>,
    counters: CounterIndex,
}

/// Where a submission is in the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Placed {
    pub seq: u64,
    pub record_hash: Hash,
}

/// The answer to one submission of a group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Appended by this commit.
    Appended(Placed),
    /// Already in the log (a retry): the record it made before. Nothing was appended.
    AlreadyAppended(Placed),
    /// Refused: nothing of it was appended or applied.
    Refused(SubmissionRefusal),
}

/// What one [`GroupLedger::commit`] did: a verdict per submission, in order, and the head
/// after the append.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupOutcome {
    pub verdicts: Vec<Verdict>,
    pub head: Head,
    /// Every appended record's envelope and decoded payload, in log order: what a replica
    /// of the state runs to follow the log without reading it back (a server's snapshots).
    pub appended: Vec<(Envelope, Payload)>,
}

/// Why a submission of a group was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SubmissionRefusal {
    #[error("the payload is {bytes} bytes; the limit is {limit}")]
    PayloadTooLarge { bytes: usize, limit: usize },
    #[error("the signature does not verify for author {author} (FORMAT.md check 7)")]
    BadSignature { author: String },
    #[error(
        "counter {counter} of author {author} is already used by record {seq} with other bytes \
         (FORMAT.md check 6); ask for the next counter and sign again"
    )]
    CounterUsed {
        author: String,
        counter: u64,
        seq: u64,
    },
    #[error(
        "counter {counter} of author {author} is not above its last counter {last} \
         (FORMAT.md check 6); ask for the next counter and sign again"
    )]
    CounterNotIncreasing {
        author: String,
        counter: u64,
        last: u64,
    },
    #[error("{0}")]
    Undecodable(DecodeError),
    #[error("{0}")]
    Refused(PayloadRefusal),
}

impl SubmissionRefusal {
    /// The rule of docs/RULES.md the refusal enforces; `None` for the log's own checks
    /// (signature, counter, size: docs/FORMAT.md), which are not domain rules.
    pub fn rule(&self) -> Option<Rule> {
        match self {
            SubmissionRefusal::Undecodable(error) => Some(error.rule()),
            SubmissionRefusal::Refused(refusal) => Some(refusal.refusal.rule()),
            SubmissionRefusal::PayloadTooLarge { .. }
            | SubmissionRefusal::BadSignature { .. }
            | SubmissionRefusal::CounterUsed { .. }
            | SubmissionRefusal::CounterNotIncreasing { .. } => None,
        }
    }

    /// A short stable name of the kind of refusal, for programs.
    pub fn kind(&self) -> &'static str {
        match self {
            SubmissionRefusal::PayloadTooLarge { .. } => "payload-too-large",
            SubmissionRefusal::BadSignature { .. } => "bad-signature",
            SubmissionRefusal::CounterUsed { .. } => "counter-used",
            SubmissionRefusal::CounterNotIncreasing { .. } => "counter-not-increasing",
            SubmissionRefusal::Undecodable(_) => "undecodable",
            SubmissionRefusal::Refused(_) => "refused",
        }
    }
}

/// The accepted submissions of the chunk being gathered.
struct Pending {
    submissions: Vec<VerifiedSubmission>,
    /// Their payloads, decoded.
    payloads: Vec<Payload>,
    /// For each: its position in the group.
    positions: Vec<usize>,
    bytes: usize,
}

impl<S: Storage> GroupLedger<S> {
    /// Wraps a replayed ledger and indexes its counters (reading every record again: a
    /// ledger to be replayed anyway is better opened with [`GroupLedger::open`]).
    pub fn new(ledger: Ledger<S>) -> Result<Self, LedgerError> {
        let counters = CounterIndex::build(&ledger)?;
        Ok(Self { ledger, counters })
    }

    /// Opens and replays the log in `storage`, indexing the counters from the replay (each
    /// record is read once, not once more after it as by [`GroupLedger::new`]).
    pub fn open(storage: S) -> Result<Self, LedgerError> {
        let mut counters = CounterIndex::default();
        let ledger = Ledger::replay_visiting(
            rekap_log::Log::open(storage)?,
            u64::MAX,
            &mut |_, _| {},
            &mut |record| counters.insert(record.author, record.counter, record.seq),
        )?;
        Ok(Self { ledger, counters })
    }

    pub fn ledger(&self) -> &Ledger<S> {
        &self.ledger
    }

    pub fn into_ledger(self) -> Ledger<S> {
        self.ledger
    }

    pub fn counters(&self) -> &CounterIndex {
        &self.counters
    }

    /// The counter `author` must sign its next submission with.
    pub fn next_counter(&self, author: &PublicKey) -> Result<u64, LedgerError> {
        Ok(self.ledger.log().next_counter(author)?)
    }

    /// Decides every submission in order and appends the accepted ones, durably, before
    /// returning. A group larger than one chunk may hold is appended as several chunks.
    /// `Err` only if an append failed: then nothing of that chunk or after it was
    /// appended, and the state was rebuilt from the log.
    pub fn commit(
        &mut self,
        submissions: Vec<SignedSubmission>,
        now_ms: u64,
    ) -> Result<GroupOutcome, LedgerError> {
        let admitted = VerifiedSubmission::verify_many(submissions)
            .into_iter()
            .map(|verified| match verified {
                Ok(verified) => too_large(verified.submission()).map_or(Ok(verified), Err),
                Err(forged) => Err(too_large(&forged).unwrap_or_else(|| bad_signature(&forged))),
            })
            .collect();
        self.commit_admitted(admitted, now_ms)
    }

    /// [`GroupLedger::commit`] of submissions already through [`admit`] (a server admits
    /// them on its request threads, so that the signature checks use every core and the
    /// one writer only decides and appends). A refused admission is answered in its place.
    pub fn commit_admitted(
        &mut self,
        admitted: Vec<Result<VerifiedSubmission, SubmissionRefusal>>,
        now_ms: u64,
    ) -> Result<GroupOutcome, LedgerError> {
        let mut verdicts: Vec<Option<Verdict>> = vec![None; admitted.len()];
        let mut appended = Vec::new();
        let mut pending = Pending::new();
        let mut batch_counters: BTreeMap<PublicKey, (u64, usize)> = BTreeMap::new();
        let mut repeats = Vec::new();
        let recorded_at_ms = now_ms.max(self.ledger.head().last_recorded_at_ms);
        for (position, submission) in admitted.into_iter().enumerate() {
            let submission = match submission {
                Ok(submission) => submission,
                Err(refusal) => {
                    verdicts[position] = Some(Verdict::Refused(refusal));
                    continue;
                }
            };
            let framed = 4 + RECORD_OVERHEAD_BYTES + submission.submission().payload.len();
            if pending.is_full(framed) {
                self.append(&mut pending, &mut verdicts, &mut appended, recorded_at_ms)?;
            }
            let decided = self.decide(
                submission.submission(),
                &batch_counters,
                &pending,
                recorded_at_ms,
            )?;
            match decided {
                Decision::Accept(payload) => {
                    let signed = submission.submission();
                    batch_counters.insert(signed.author, (signed.counter, position));
                    pending.push(submission, payload, position, framed);
                }
                Decision::SameAsInBatch(earlier) => repeats.push((position, earlier)),
                Decision::Answer(verdict) => verdicts[position] = Some(verdict),
            }
        }
        self.append(&mut pending, &mut verdicts, &mut appended, recorded_at_ms)?;
        // A submission sent twice in one group: the second gets the first's record.
        for (position, earlier) in repeats {
            if let Some(Verdict::Appended(placed)) = verdicts[earlier] {
                verdicts[position] = Some(Verdict::AlreadyAppended(placed));
            }
        }
        Ok(GroupOutcome {
            verdicts: verdicts.into_iter().flatten().collect(),
            head: self.ledger.head(),
            appended,
        })
    }

    /// Decides one submission against the log, the submissions accepted before it in this
    /// group (`batch_counters`) and the state. An accepted one is applied to the state.
    fn decide(
        &mut self,
        submission: &SignedSubmission,
        batch_counters: &BTreeMap<PublicKey, (u64, usize)>,
        pending: &Pending,
        recorded_at_ms: u64,
    ) -> Result<Decision, LedgerError> {
        let refuse = |refusal| Ok(Decision::Answer(Verdict::Refused(refusal)));
        let author = short_hex(&submission.author);
        if let Some(seq) = self.counters.seq_of(&submission.author, submission.counter) {
            return match self.placed_if_same(seq, submission)? {
                Some(placed) => Ok(Decision::Answer(Verdict::AlreadyAppended(placed))),
                None => refuse(SubmissionRefusal::CounterUsed {
                    author,
                    counter: submission.counter,
                    seq,
                }),
            };
        }
        let last = match batch_counters.get(&submission.author) {
            Some(&(counter, position)) => {
                if counter == submission.counter {
                    let earlier = pending.submission_at(position);
                    if earlier.map(VerifiedSubmission::submission) == Some(submission) {
                        return Ok(Decision::SameAsInBatch(position));
                    }
                }
                counter
            }
            None => self
                .ledger
                .log()
                .storage()
                .author_counter(&submission.author)?
                .unwrap_or(0),
        };
        if submission.counter <= last {
            return refuse(SubmissionRefusal::CounterNotIncreasing {
                author,
                counter: submission.counter,
                last,
            });
        }
        let payload = match decode_payload(&submission.payload) {
            Ok(payload) => payload,
            Err(error) => return refuse(SubmissionRefusal::Undecodable(error)),
        };
        let (log, state, projection) = self.ledger.parts_mut();
        let envelope = Envelope {
            seq: log.head().count + 1 + pending.submissions.len() as u64,
            recorded_at_ms,
            author: submission.author,
        };
        // A refused payload is undone by the model's transaction alone; the others stay.
        match projection.execute_payload(state, &envelope, &payload) {
            Ok(_) => Ok(Decision::Accept(payload)),
            Err(refusal) => refuse(SubmissionRefusal::Refused(refusal)),
        }
    }

    /// The record at `seq`, if it holds exactly `submission`'s bytes.
    fn placed_if_same(
        &self,
        seq: u64,
        submission: &SignedSubmission,
    ) -> Result<Option<Placed>, LedgerError> {
        let Some(record) = self.ledger.log().read(seq)? else {
            return Ok(None);
        };
        let same = record.author == submission.author
            && record.counter == submission.counter
            && record.payload == submission.payload
            && record.signature == submission.signature;
        Ok(same.then_some(Placed {
            seq,
            record_hash: record.hash,
        }))
    }

    /// Appends the pending chunk (if any) and answers its submissions. On failure the state
    /// is rebuilt from the log, which does not hold them.
    fn append(
        &mut self,
        pending: &mut Pending,
        verdicts: &mut [Option<Verdict>],
        appended: &mut Vec<(Envelope, Payload)>,
        recorded_at_ms: u64,
    ) -> Result<(), LedgerError> {
        if pending.submissions.is_empty() {
            return Ok(());
        }
        let submissions = std::mem::take(&mut pending.submissions);
        let positions = std::mem::take(&mut pending.positions);
        let payloads = std::mem::take(&mut pending.payloads);
        pending.bytes = 0;
        let applied = submissions.len();
        match self
            .ledger
            .log_mut()
            .append_verified(submissions, recorded_at_ms)
        {
            Ok(records) => {
                for ((record, position), payload) in records.iter().zip(positions).zip(payloads) {
                    appended.push((
                        Envelope {
                            seq: record.seq,
                            recorded_at_ms: record.recorded_at_ms,
                            author: record.author,
                        },
                        payload,
                    ));
                    self.counters
                        .insert(record.author, record.counter, record.seq);
                    verdicts[position] = Some(Verdict::Appended(Placed {
                        seq: record.seq,
                        record_hash: record.hash,
                    }));
                }
                Ok(())
            }
            Err(error) => {
                self.ledger.rebuild_if_changed(applied)?;
                Err(error.into())
            }
        }
    }
}

enum Decision {
    /// Accepted and applied; its decoded payload.
    Accept(Payload),
    /// The same bytes as the submission at this position of the group, accepted already.
    SameAsInBatch(usize),
    Answer(Verdict),
}

impl Pending {
    fn new() -> Self {
        Self {
            submissions: Vec::new(),
            payloads: Vec::new(),
            positions: Vec::new(),
            bytes: 0,
        }
    }

    /// Whether a submission of `framed` bytes would not fit in the chunk.
    fn is_full(&self, framed: usize) -> bool {
        self.submissions.len() >= MAX_BATCH_RECORDS
            || self.bytes.saturating_add(framed) > MAX_BATCH_BYTES
    }

    fn push(
        &mut self,
        submission: VerifiedSubmission,
        payload: Payload,
        position: usize,
        framed: usize,
    ) {
        self.submissions.push(submission);
        self.payloads.push(payload);
        self.positions.push(position);
        self.bytes = self.bytes.saturating_add(framed);
    }

    fn submission_at(&self, position: usize) -> Option<&VerifiedSubmission> {
        let at = self.positions.iter().position(|p| *p == position)?;
        self.submissions.get(at)
    }
}

/// Checks what the log checks of a submission on its own, before any decision: its size
/// and its signature (strict ed25519, the costly part). Needs no ledger, so a server runs
/// it on any thread.
pub fn admit(submission: SignedSubmission) -> Result<VerifiedSubmission, SubmissionRefusal> {
    if let Some(refusal) = too_large(&submission) {
        return Err(refusal);
    }
    VerifiedSubmission::verify(submission).map_err(|submission| bad_signature(&submission))
}

/// [`admit`] with the author's key already decoded (a server's verifying stage keeps its
/// officers' keys): the same size check and the same strict signature check.
pub fn admit_with_key(
    submission: SignedSubmission,
    key: &ed25519_dalek::VerifyingKey,
) -> Result<VerifiedSubmission, SubmissionRefusal> {
    if let Some(refusal) = too_large(&submission) {
        return Err(refusal);
    }
    VerifiedSubmission::verify_with(submission, key)
        .map_err(|submission| bad_signature(&submission))
}

fn too_large(submission: &SignedSubmission) -> Option<SubmissionRefusal> {
    (submission.payload.len() > MAX_PAYLOAD_BYTES).then_some(SubmissionRefusal::PayloadTooLarge {
        bytes: submission.payload.len(),
        limit: MAX_PAYLOAD_BYTES,
    })
}

fn bad_signature(submission: &SignedSubmission) -> SubmissionRefusal {
    SubmissionRefusal::BadSignature {
        author: short_hex(&submission.author),
    }
}
