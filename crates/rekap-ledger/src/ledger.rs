//! The ledger: a log with its replayed state and projection.

use ed25519_dalek::SigningKey;
use rekap_log::{Head, Log, Record, SignedSubmission, Storage};
use rekap_model::{
    decode_payload, encode_payload, Envelope, Event, Genesis, Payload, PreparedPayload, State,
};
use rekap_projection::Projection;

use crate::error::LedgerError;
use crate::history_view::AppendedHistory;
use crate::replay::{replay_two_threads, Replayed};

mod submit;

/// A log, the state every record was decided into, and its projection.
pub struct Ledger<S: Storage> {
    log: Log<S>,
    state: State,
    projection: Projection,
    /// How many times the state was rebuilt from the log after a failed append or a refused
    /// batch; a group commit's refusals must never add to it (tests hold it).
    rebuilds: u64,
}

/// What an append made durable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    /// Sequence numbers of the appended records, in order.
    pub seqs: Vec<u64>,
    /// The log head after the append.
    pub head: Head,
}

impl<S: Storage> Ledger<S> {
    /// Writes the genesis record (the election definition and its log's origin and key,
    /// signed by its registrar) to an empty log.
    pub fn create(
        storage: S,
        genesis: Genesis,
        registrar: &SigningKey,
        now_ms: u64,
    ) -> Result<Self, LedgerError> {
        let mut log = Log::open(storage)?;
        if log.head().count > 0 {
            return Err(LedgerError::NotEmpty {
                records: log.head().count,
            });
        }
        let payload = Payload::Genesis(genesis);
        let envelope = Envelope {
            seq: 1,
            recorded_at_ms: now_ms.max(log.head().last_recorded_at_ms),
            author: registrar.verifying_key().to_bytes(),
        };
        // Decide before anything is written: a definition the model refuses never lands.
        let state = State::genesis(&envelope, &payload).map_err(LedgerError::GenesisRefused)?;
        let counter = log.next_counter(&envelope.author)?;
        let submission = SignedSubmission::sign(registrar, counter, encode_payload(&payload));
        log.append(vec![submission], envelope.recorded_at_ms)?;
        let projection = Projection::new(&state);
        Ok(Self {
            log,
            state,
            projection,
            rebuilds: 0,
        })
    }

    /// Opens a log and replays every record.
    pub fn open(storage: S) -> Result<Self, LedgerError> {
        Self::open_until(storage, u64::MAX)
    }

    /// Opens a log and replays the records up to `last_seq`: the ledger as it was then.
    /// Such a ledger is for reading; appending to it is refused by the log's counters and
    /// sequence only if it is behind, so callers must not append to it.
    pub fn open_until(storage: S, last_seq: u64) -> Result<Self, LedgerError> {
        Self::replay(Log::open(storage)?, last_seq)
    }

    /// Replays an already opened log.
    pub fn replay(log: Log<S>, last_seq: u64) -> Result<Self, LedgerError> {
        Self::replay_with_progress(log, last_seq, &mut |_, _| {})
    }

    /// [`Ledger::replay`], telling `progress` how many of how many records are replayed
    /// (every 4096 records and at the end), for a progress bar.
    pub fn replay_with_progress(
        log: Log<S>,
        last_seq: u64,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Self, LedgerError> {
        Self::replay_visiting(log, last_seq, progress, &mut |_| {})
    }

    /// [`Ledger::replay_with_progress`], showing `visit` every record replayed, genesis
    /// first (a server indexes their counters from it instead of reading the log again).
    /// A record is shown once it is decided and applied; when the replay fails, what
    /// `visit` gathered must be thrown away with it.
    pub fn replay_visiting(
        mut log: Log<S>,
        last_seq: u64,
        progress: &mut dyn FnMut(u64, u64),
        visit: &mut dyn FnMut(&Record),
    ) -> Result<Self, LedgerError> {
        let last = last_seq.min(log.head().count);
        progress(1, last);
        // Every record's author and counter pass through the replay: the log's storage need
        // not read them all again on the first append (see `Log::seed_counters`).
        let Replayed {
            state,
            projection,
            counters,
            through,
        } = replay_two_threads(&log, last, progress, visit)?;
        progress(last, last);
        log.seed_counters(counters, through);
        Ok(Self {
            log,
            state,
            projection,
            rebuilds: 0,
        })
    }

    pub fn state(&self) -> &State {
        &self.state
    }

    pub fn projection(&self) -> &Projection {
        &self.projection
    }

    pub fn log(&self) -> &Log<S> {
        &self.log
    }

    pub(crate) fn log_mut(&mut self) -> &mut Log<S> {
        &mut self.log
    }

    /// The log, state and projection at once, for the group commit (`group.rs`).
    pub(crate) fn parts_mut(&mut self) -> (&mut Log<S>, &mut State, &mut Projection) {
        (&mut self.log, &mut self.state, &mut self.projection)
    }

    pub fn head(&self) -> Head {
        self.log.head()
    }

    /// How many times the state was rebuilt from the log since this ledger was opened.
    pub fn rebuilds(&self) -> u64 {
        self.rebuilds
    }

    /// Decides `payloads` (each a list of events, one record each) in order against the
    /// current state; if the model allows every event of every payload, signs them with
    /// `key` and appends them as one durable batch. All or nothing: a refusal or a failed
    /// append leaves the log, state and projection as they were.
    ///
    /// The payloads are taken one at a time as they are decided: an iterator that makes
    /// each on demand (as `rekap import` splits its plan) holds only a few in memory at once.
    pub fn submit<P>(
        &mut self,
        key: &SigningKey,
        payloads: P,
        now_ms: u64,
    ) -> Result<Receipt, LedgerError>
    where
        P: IntoIterator<Item = Vec<Event>>,
        P::IntoIter: ExactSizeIterator,
    {
        let payloads = payloads.into_iter().map(|events| (key, events));
        self.submit_each(payloads, now_ms, None)
    }

    /// [`Ledger::submit`], also keeping the history view's entries of the appended records
    /// from the decisions' effects, for [`Ledger::save_views_built_whole`] (a bulk import).
    pub fn submit_bulk<P>(
        &mut self,
        key: &SigningKey,
        payloads: P,
        now_ms: u64,
    ) -> Result<(Receipt, AppendedHistory), LedgerError>
    where
        P: IntoIterator<Item = Vec<Event>>,
        P::IntoIter: ExactSizeIterator,
        S: Send,
    {
        let mut appended = AppendedHistory::new();
        let payloads = payloads.into_iter().map(|events| (key, events));
        let recorded_at_ms = now_ms.max(self.log.head().last_recorded_at_ms);
        let signed = self.decide_and_sign(payloads, recorded_at_ms, Some(&mut appended))?;
        let count = signed.len();
        let (log, state, projection) = (&mut self.log, &self.state, &self.projection);
        let written = std::thread::scope(|scope| {
            // The batch (130 MB nationally) is written and fsynced on one core while the
            // digests of the regions holding stations, which the totals view saved next
            // needs, are computed: the kernel's copy into the page cache and the hashing
            // overlap. If the append fails, the rebuild below discards them with the
            // projection.
            let writer = scope.spawn(move || append_signed(log, signed, recorded_at_ms));
            projection.prepare_digests(state);
            writer
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        });
        let receipt = self.receipt_of(written, count)?;
        Ok((receipt, appended))
    }

    /// Like [`Ledger::submit`], each payload signed by its own key: one atomic batch of
    /// records by several authors (e.g. every district plenary's approval).
    pub fn submit_signed(
        &mut self,
        payloads: Vec<(&SigningKey, Vec<Event>)>,
        now_ms: u64,
    ) -> Result<Receipt, LedgerError> {
        self.submit_each(payloads.into_iter(), now_ms, None)
    }

    fn submit_each<'key>(
        &mut self,
        payloads: impl ExactSizeIterator<Item = (&'key SigningKey, Vec<Event>)>,
        now_ms: u64,
        history: Option<&mut AppendedHistory>,
    ) -> Result<Receipt, LedgerError> {
        let recorded_at_ms = now_ms.max(self.log.head().last_recorded_at_ms);
        // Decided here, encoded and signed on another core meanwhile (submit.rs).
        let signed = self.decide_and_sign(payloads, recorded_at_ms, history)?;
        let count = signed.len();
        let written = append_signed(&mut self.log, signed, recorded_at_ms);
        self.receipt_of(written, count)
    }

    /// The receipt of an append of `count` decided payloads, or, if it failed, its error
    /// after the state and projection are rebuilt from the log (they hold the payloads).
    fn receipt_of(
        &mut self,
        written: Result<Vec<Record>, rekap_log::AppendError>,
        count: usize,
    ) -> Result<Receipt, LedgerError> {
        match written {
            Ok(records) => Ok(Receipt {
                seqs: records.iter().map(|record| record.seq).collect(),
                head: self.log.head(),
            }),
            Err(error) => {
                self.rebuild_if_changed(count)?;
                Err(error.into())
            }
        }
    }

    /// The registrar names a new log key (docs/RULES.md R65): decided, signed by
    /// `registrar` and appended as one `LogKeyRotated` record. The key signs every checkpoint
    /// from the tree holding that record on.
    pub fn rotate_log_key(
        &mut self,
        registrar: &SigningKey,
        key: [u8; 32],
        now_ms: u64,
    ) -> Result<Receipt, LedgerError> {
        let recorded_at_ms = now_ms.max(self.log.head().last_recorded_at_ms);
        let author = registrar.verifying_key().to_bytes();
        let payload = Payload::LogKeyRotated {
            definition_hash: self.state.definition_hash(),
            key,
        };
        let envelope = Envelope {
            seq: self.log.head().count + 1,
            recorded_at_ms,
            author,
        };
        self.projection
            .execute_payload(&mut self.state, &envelope, &payload)
            .map_err(LedgerError::Refused)?;
        let counter = self.log.next_counter(&author)?;
        let submission = SignedSubmission::sign(registrar, counter, encode_payload(&payload));
        match self.log.append(vec![submission], recorded_at_ms) {
            Ok(records) => Ok(Receipt {
                seqs: records.iter().map(|record| record.seq).collect(),
                head: self.log.head(),
            }),
            Err(error) => {
                self.rebuild_if_changed(1)?;
                Err(error.into())
            }
        }
    }

    /// After `applied` payloads were applied to the state but not appended, rebuilds the
    /// state and projection from the log: the log is the truth.
    pub(crate) fn rebuild_if_changed(&mut self, applied: usize) -> Result<(), LedgerError> {
        if applied == 0 {
            return Ok(());
        }
        let (_, mut state, mut projection) = replay_genesis(&self.log)?;
        for record in self.log.records_from(2) {
            apply_record(&mut state, &mut projection, &record?)?;
        }
        self.state = state;
        self.projection = projection;
        self.rebuilds += 1;
        Ok(())
    }
}

/// Appends the signed submissions as one durable batch. A signature that did not verify
/// goes to the log's own check, which refuses the batch.
fn append_signed<S: Storage>(
    log: &mut Log<S>,
    signed: Vec<submit::Signed>,
    recorded_at_ms: u64,
) -> Result<Vec<Record>, rekap_log::AppendError> {
    if signed.iter().all(Result::is_ok) {
        let verified = signed.into_iter().filter_map(Result::ok).collect();
        return log.append_verified(verified, recorded_at_ms);
    }
    let submissions = signed
        .into_iter()
        .map(|signed| {
            signed.map_or_else(
                |unverified| *unverified,
                |verified| verified.into_submission(),
            )
        })
        .collect();
    log.append(submissions, recorded_at_ms)
}

/// Replays records read from elsewhere (an export file, verified first), the genesis
/// first: the state and projection a ledger over them would hold. For reading only.
pub fn replay_records(records: &[Record]) -> Result<(State, Projection), LedgerError> {
    let (genesis, rest) = records.split_first().ok_or(LedgerError::Empty)?;
    let (mut state, mut projection) = genesis_state(genesis)?;
    for record in rest {
        apply_record(&mut state, &mut projection, record)?;
    }
    Ok((state, projection))
}

/// Decodes record 1 as the genesis.
fn replay_genesis<S: Storage>(log: &Log<S>) -> Result<(Record, State, Projection), LedgerError> {
    let genesis = log.read(1)?.ok_or(LedgerError::Empty)?;
    let (state, projection) = genesis_state(&genesis)?;
    Ok((genesis, state, projection))
}

pub(crate) fn genesis_state(record: &Record) -> Result<(State, Projection), LedgerError> {
    let payload = decode_payload(&record.payload)
        .map_err(|error| LedgerError::Undecodable { seq: 1, error })?;
    if !matches!(payload, Payload::Genesis(_)) {
        return Err(LedgerError::NoGenesis);
    }
    let state =
        State::genesis(&envelope_of(record), &payload).map_err(LedgerError::GenesisRefused)?;
    let projection = Projection::new(&state);
    Ok((state, projection))
}

/// Replays one record through the model.
pub(crate) fn apply_record(
    state: &mut State,
    projection: &mut Projection,
    record: &Record,
) -> Result<(), LedgerError> {
    let payload = decode_payload(&record.payload).map_err(|error| LedgerError::Undecodable {
        seq: record.seq,
        error,
    })?;
    execute_record(state, projection, record, &PreparedPayload::new(payload))
}

/// Decides and applies one record's decoded payload: what every replay runs.
pub(crate) fn execute_record(
    state: &mut State,
    projection: &mut Projection,
    record: &Record,
    payload: &PreparedPayload,
) -> Result<(), LedgerError> {
    projection
        .execute_prepared(state, &envelope_of(record), payload)
        .map_err(|refusal| LedgerError::InvalidRecord {
            seq: record.seq,
            refusal,
        })?;
    Ok(())
}

fn envelope_of(record: &Record) -> Envelope {
    Envelope {
        seq: record.seq,
        recorded_at_ms: record.recorded_at_ms,
        author: record.author,
    }
}
