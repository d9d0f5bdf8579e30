//! The log: append, read, range and head over a [`Storage`].

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::error::{AppendError, LogError};
use crate::frame::{push_frame, Frames};
use crate::limits::{MAX_BATCH_BYTES, MAX_BATCH_RECORDS, MAX_PAYLOAD_BYTES, RECORD_OVERHEAD_BYTES};
use crate::parallel::parallel_map;
use crate::record::{
    short_hex, Hash, PublicKey, Record, RecordView, SignedSubmission, VerifiedSubmission,
    GENESIS_PREV_HASH,
};
use crate::storage::{ChunkWrite, Storage, StorageError, StoredChunk};
use crate::tree::{self, MaintainedTree};
use crate::verify::{ChainVerifier, VerifyOptions, VerifyReport};

/// The end of the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Head {
    /// Number of records, which is also the last record's sequence number.
    pub count: u64,
    /// Hash of the last record; [`GENESIS_PREV_HASH`] when the log is empty.
    pub last_hash: Hash,
    /// Recorded time of the last record; 0 when the log is empty.
    pub last_recorded_at_ms: u64,
}

impl Head {
    pub const EMPTY: Head = Head {
        count: 0,
        last_hash: GENESIS_PREV_HASH,
        last_recorded_at_ms: 0,
    };
}

/// An append-only log over a storage.
pub struct Log<S: Storage> {
    storage: S,
    head: Head,
    /// Why the stored tail does not verify (`Some(None)`: it verifies). Checked on first
    /// need, so that a reading command does not pay for checking a large last batch.
    tail_problem: OnceLock<Option<String>>,
    /// The transparency tree's node files, opened on the first append (see [`crate::tree`]);
    /// `None` also after an update failed, so the next append reconciles them with the log.
    tree: Option<MaintainedTree>,
}

impl<S: Storage> Log<S> {
    /// Opens the log: reads where its last record is. Its last batch (links, hashes,
    /// signatures, time) is checked before any append is allowed, or when asked by
    /// [`Log::tail_problem`]. A storage that cannot vouch for its end (a read-only open
    /// that found an incomplete append or damage after its last chunk) is refused: a
    /// reader must never answer from fewer records than were acknowledged.
    pub fn open(storage: S) -> Result<Self, LogError> {
        if let Some(damage) = storage.tail_damage() {
            return Err(damage.into());
        }
        Self::open_for_verification(storage)
    }

    /// Opens the log even if its storage reports damage after the last committed chunk, so
    /// that [`Log::verify`] can check what is there and report the damage as a failure.
    pub fn open_for_verification(storage: S) -> Result<Self, LogError> {
        let head = match storage.last_chunk()? {
            None => Head::EMPTY,
            Some(last_chunk) => head_of_chunk(&storage, &last_chunk)?,
        };
        Ok(Self {
            storage,
            head,
            tail_problem: OnceLock::new(),
            tree: None,
        })
    }

    /// Checks the last batch: chain links, hashes, signatures, time.
    fn check_tail(&self) -> Option<String> {
        let last_chunk = match self.storage.last_chunk() {
            Ok(Some(chunk)) => chunk,
            Ok(None) => return None,
            Err(error) => return Some(error.to_string()),
        };
        let before = match record_before(&self.storage, last_chunk.first_seq) {
            Ok(before) => before,
            Err(error) => return Some(error.to_string()),
        };
        let mut verifier = ChainVerifier::resume(
            VerifyOptions { signatures: true },
            last_chunk.first_seq,
            before.last_hash,
            before.last_recorded_at_ms,
        );
        for frame in Frames::new(&last_chunk.framed_records) {
            match frame {
                Ok(bytes) => {
                    verifier.check(bytes);
                }
                Err(error) => verifier.fail(Some(verifier.next_seq()), error.to_string()),
            }
        }
        verifier
            .finish()
            .first_failure()
            .map(|failure| match failure.seq {
                Some(seq) => format!("record {seq}: {}", failure.reason),
                None => failure.reason.clone(),
            })
    }

    pub fn head(&self) -> Head {
        self.head
    }

    pub fn storage(&self) -> &S {
        &self.storage
    }

    pub fn storage_mut(&mut self) -> &mut S {
        &mut self.storage
    }

    /// Gives the storage each author's last counter, as a reader of every record up to
    /// `through` found them (for each author, the counter of its last record), so that the
    /// first append does not read the log again to find them: taken only if `through` is
    /// this log's head (count and last hash), else ignored and read when needed.
    pub fn seed_counters(&mut self, counters: BTreeMap<PublicKey, u64>, through: Head) {
        if through == self.head {
            self.storage.seed_counters(counters);
        }
    }

    /// Every author's last counter at the head, if the storage has them at hand (see
    /// `Storage::known_counters`).
    pub fn known_counters(&self) -> Option<BTreeMap<PublicKey, u64>> {
        self.storage.known_counters()
    }

    /// Why appends are refused, if they are (checks the last batch on first call).
    pub fn tail_problem(&self) -> Option<&str> {
        self.tail_problem
            .get_or_init(|| self.check_tail())
            .as_deref()
    }

    /// The counter `author` must use for its next submission.
    pub fn next_counter(&self, author: &PublicKey) -> Result<u64, LogError> {
        Ok(self
            .storage
            .author_counter(author)?
            .map_or(1, |last| last + 1))
    }

    /// Appends a batch of signed submissions at time `now_ms` (clamped so that time never
    /// goes backwards). All of them are durable when this returns Ok; none are visible
    /// after an Err or a crash before it returns.
    pub fn append(
        &mut self,
        submissions: Vec<SignedSubmission>,
        now_ms: u64,
    ) -> Result<Vec<Record>, AppendError> {
        let signatures_verify = parallel_map(
            &submissions,
            |submission| submission.payload.len(),
            SignedSubmission::signature_verifies,
        );
        self.append_checked(submissions, &signatures_verify, now_ms)
    }

    /// [`Log::append`] of submissions whose signatures were checked already.
    pub fn append_verified(
        &mut self,
        submissions: Vec<VerifiedSubmission>,
        now_ms: u64,
    ) -> Result<Vec<Record>, AppendError> {
        let verified = vec![true; submissions.len()];
        let submissions = submissions
            .into_iter()
            .map(VerifiedSubmission::into_submission)
            .collect();
        self.append_checked(submissions, &verified, now_ms)
    }

    /// Appends `submissions`, `signatures_verify[i]` saying whether the i-th one's
    /// signature verifies.
    fn append_checked(
        &mut self,
        submissions: Vec<SignedSubmission>,
        signatures_verify: &[bool],
        now_ms: u64,
    ) -> Result<Vec<Record>, AppendError> {
        if let Some(problem) = self.tail_problem() {
            return Err(AppendError::TailDoesNotVerify(problem.to_owned()));
        }
        let author_counters = self.check_batch(&submissions, signatures_verify)?;
        let recorded_at_ms = now_ms.max(self.head.last_recorded_at_ms);
        // Every record's framed size is known before sealing: refuse an oversized batch
        // before allocating, and reserve the rest whole (a bulk import's batch is over
        // 100 MB; growing it by doubling would copy it several times).
        let framed_bytes: usize = submissions
            .iter()
            .map(|submission| 4 + RECORD_OVERHEAD_BYTES + submission.payload.len())
            .fold(0, usize::saturating_add);
        if framed_bytes > MAX_BATCH_BYTES {
            return Err(AppendError::BatchTooLarge {
                bytes: framed_bytes,
                limit: MAX_BATCH_BYTES,
            });
        }
        let mut framed = Vec::with_capacity(framed_bytes);
        let mut records = Vec::with_capacity(submissions.len());
        let mut prev_hash = self.head.last_hash;
        for (index, submission) in submissions.into_iter().enumerate() {
            let seq = self.head.count + 1 + index as u64;
            let (record, bytes) = Record::seal(seq, prev_hash, recorded_at_ms, submission);
            push_frame(&mut framed, &bytes);
            debug_assert!(
                framed.len() <= framed_bytes,
                "a record's framed size was misjudged"
            );
            prev_hash = record.hash;
            records.push(record);
        }
        let counters: Vec<(PublicKey, u64)> = author_counters.into_iter().collect();
        self.storage.append_chunk(ChunkWrite {
            first_seq: self.head.count + 1,
            record_count: records.len() as u64,
            framed_records: &framed,
            author_counters: &counters,
        })?;
        let earlier_head = self.head;
        if let Some(last) = records.last() {
            self.head = head_of(last);
        }
        self.maintain_tree(&earlier_head, &records);
        Ok(records)
    }

    /// Adds durable records, appended after `earlier_head`, to the transparency tree's files.
    /// Never fails the append: a failure leaves the files stale, to be reconciled with the
    /// log by the next append.
    fn maintain_tree(&mut self, earlier_head: &Head, records: &[Record]) {
        let Some(directory) = self.storage.tree_directory() else {
            return;
        };
        let Some(first_seq) = records.first().map(|record| record.seq) else {
            return;
        };
        let entries: Vec<[u8; 32]> = records.iter().map(|record| record.hash).collect();
        // The first append of a process opens the files as the tree of the head before it,
        // then adds the records' hashes it holds: reading them back from the storage would
        // read the whole batch again (over 100 MB for a national import).
        let maintained = match self.tree.take() {
            Some(maintained) => Ok(maintained),
            None => MaintainedTree::open(&self.storage, &directory, earlier_head),
        };
        self.tree = maintained
            .and_then(|mut maintained| {
                maintained.append(first_seq, &entries)?;
                Ok(maintained)
            })
            .ok();
    }

    /// The transparency tree of the whole log (see [`crate::tree`]): the one this process
    /// maintains, else the store's files if they match the log, else computed from the
    /// records. Writes nothing.
    pub fn tree(&self) -> Result<rekap_tlog::Tree, LogError> {
        if let Some(maintained) = &self.tree {
            if tree::matches_head(maintained.tree(), &self.head) {
                return Ok(maintained.tree().clone());
            }
        }
        let directory = self.storage.tree_directory();
        tree::read(&self.storage, directory.as_deref(), &self.head)
    }

    /// Checks limits, signatures and counters; returns each author's last counter.
    fn check_batch(
        &self,
        submissions: &[SignedSubmission],
        signatures_verify: &[bool],
    ) -> Result<BTreeMap<PublicKey, u64>, AppendError> {
        if submissions.is_empty() {
            return Err(AppendError::EmptyBatch);
        }
        if submissions.len() > MAX_BATCH_RECORDS {
            return Err(AppendError::TooManyRecords {
                count: submissions.len(),
                limit: MAX_BATCH_RECORDS,
            });
        }
        let mut counters: BTreeMap<PublicKey, u64> = BTreeMap::new();
        for (index, submission) in submissions.iter().enumerate() {
            let verifies = signatures_verify.get(index).copied().unwrap_or(false);
            check_submission(index, submission, verifies)?;
            let last = match counters.get(&submission.author) {
                Some(last) => *last,
                None => self
                    .storage
                    .author_counter(&submission.author)?
                    .unwrap_or(0),
            };
            if submission.counter <= last {
                return Err(AppendError::CounterNotIncreasing {
                    index,
                    author: short_hex(&submission.author),
                    counter: submission.counter,
                    last,
                });
            }
            counters.insert(submission.author, submission.counter);
        }
        Ok(counters)
    }

    /// Reads record `seq`.
    pub fn read(&self, seq: u64) -> Result<Option<Record>, LogError> {
        if seq == 0 || seq > self.head.count {
            return Ok(None);
        }
        self.records_from(seq).next().transpose()
    }

    /// Records from `first_seq` to the head, in order.
    pub fn records_from(
        &self,
        first_seq: u64,
    ) -> impl Iterator<Item = Result<Record, LogError>> + '_ {
        let first_seq = first_seq.max(1);
        self.storage
            .chunks_from(first_seq)
            .flat_map(|chunk| decode_chunk(chunk.map_err(LogError::from)))
            .filter(move |record| match record {
                Ok(record) => record.seq >= first_seq,
                Err(_) => true,
            })
    }

    /// Records in `range` (inclusive), in order.
    pub fn range(
        &self,
        range: std::ops::RangeInclusive<u64>,
    ) -> impl Iterator<Item = Result<Record, LogError>> + '_ {
        let last = *range.end();
        self.records_from(*range.start())
            .take_while(move |record| record.as_ref().map_or(true, |record| record.seq <= last))
    }

    /// Calls `visit` with the canonical bytes of every record, in order, without decoding:
    /// the fast path for export and verification.
    pub fn for_each_chunk(
        &self,
        mut visit: impl FnMut(&StoredChunk) -> Result<(), LogError>,
    ) -> Result<(), LogError> {
        for chunk in self.storage.chunks_from(1) {
            visit(&chunk?)?;
        }
        Ok(())
    }

    /// Verifies the whole stored log from its first record. Damage the storage reports
    /// (a chunk whose records do not match its checksum, bytes after the last chunk) is a
    /// failure of the report, at the position where it was found.
    pub fn verify(&self, options: VerifyOptions) -> Result<VerifyReport, LogError> {
        self.verify_with_progress(options, &mut |_, _| {})
    }

    /// [`Log::verify`], telling `progress` how many of the head's records are checked
    /// (after each stored batch), for a progress bar.
    pub fn verify_with_progress(
        &self,
        options: VerifyOptions,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<VerifyReport, LogError> {
        let mut verifier = ChainVerifier::from_genesis(options);
        let verified = self.verify_chunks(&mut verifier, progress);
        let damage = match verified {
            Err(LogError::Storage(damage @ StorageError::Damaged { .. })) => Some(damage),
            Err(error) => return Err(error),
            Ok(()) => self.storage.tail_damage(),
        };
        if let Some(damage) = damage {
            verifier.fail(Some(verifier.next_seq()), damage.to_string());
        }
        Ok(verifier.finish())
    }

    fn verify_chunks(
        &self,
        verifier: &mut ChainVerifier,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<(), LogError> {
        let total = self.head().count;
        self.for_each_chunk(|chunk| {
            if chunk.first_seq != verifier.next_seq() {
                verifier.fail(
                    Some(verifier.next_seq()),
                    format!(
                        "stored batch starts at seq {} where {} was expected",
                        chunk.first_seq,
                        verifier.next_seq()
                    ),
                );
            }
            let mut records = Vec::new();
            for frame in Frames::new(&chunk.framed_records) {
                match frame {
                    Ok(bytes) => records.push(bytes),
                    Err(error) => {
                        verifier.check_many(&records);
                        records.clear();
                        verifier.fail(Some(verifier.next_seq()), error.to_string());
                    }
                }
            }
            verifier.check_many(&records);
            progress(verifier.next_seq().saturating_sub(1), total);
            Ok(())
        })
    }
}

fn check_submission(
    index: usize,
    submission: &SignedSubmission,
    signature_verifies: bool,
) -> Result<(), AppendError> {
    if submission.payload.len() > MAX_PAYLOAD_BYTES {
        return Err(AppendError::PayloadTooLarge {
            index,
            bytes: submission.payload.len(),
            limit: MAX_PAYLOAD_BYTES,
        });
    }
    if !signature_verifies {
        return Err(AppendError::BadSignature {
            index,
            author: short_hex(&submission.author),
        });
    }
    Ok(())
}

fn head_of(record: &Record) -> Head {
    Head {
        count: record.seq,
        last_hash: record.hash,
        last_recorded_at_ms: record.recorded_at_ms,
    }
}

/// The head after the last readable record of the last batch (or before it, if none).
fn head_of_chunk(storage: &impl Storage, chunk: &StoredChunk) -> Result<Head, LogError> {
    let mut head = None;
    for bytes in Frames::new(&chunk.framed_records).map_while(Result::ok) {
        if let Ok(record) = RecordView::parse(bytes) {
            head = Some(Head {
                count: record.seq,
                last_hash: *record.hash,
                last_recorded_at_ms: record.recorded_at_ms,
            });
        }
    }
    match head {
        Some(head) => Ok(head),
        None => record_before(storage, chunk.first_seq),
    }
}

/// The head as it was just before record `seq`.
fn record_before(storage: &impl Storage, seq: u64) -> Result<Head, LogError> {
    if seq <= 1 {
        return Ok(Head::EMPTY);
    }
    let previous = seq - 1;
    let Some(chunk) = storage.chunk_containing(previous)? else {
        return Err(LogError::Corrupt {
            seq: previous,
            reason: "the batch holding it is missing".into(),
        });
    };
    for record in decode_chunk(Ok(chunk)) {
        let record = record?;
        if record.seq == previous {
            return Ok(head_of(&record));
        }
    }
    Err(LogError::Corrupt {
        seq: previous,
        reason: "not found in the batch that should hold it".into(),
    })
}

/// Decodes a chunk's records; a decoding failure is reported at the record's position.
fn decode_chunk(chunk: Result<StoredChunk, LogError>) -> Vec<Result<Record, LogError>> {
    let chunk = match chunk {
        Ok(chunk) => chunk,
        Err(error) => return vec![Err(error)],
    };
    let frames = (chunk.first_seq..).zip(Frames::new(&chunk.framed_records));
    let mut records = Vec::new();
    for (seq, frame) in frames {
        let record = frame
            .map_err(|error| error.to_string())
            .and_then(|bytes| Record::decode(bytes).map_err(|error| error.to_string()))
            .map_err(|reason| LogError::Corrupt { seq, reason });
        records.push(record);
    }
    records
}
