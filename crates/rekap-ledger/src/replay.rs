//! The replay of a stored log on two threads. Only the decisions are sequential (each event
//! is decided against the state every earlier event left); reading the records (their
//! hashes checked), decoding their payloads and computing their sheets' numbers
//! fingerprints depend on nothing but the bytes. So a second thread reads and decodes, a
//! bounded queue ahead, while this thread builds the state from the genesis (the election
//! index, about a tenth of a national replay) and then decides and applies each record in
//! log order with the same [`execute_record`] every other replay runs: one decision code
//! path, the same result and the same first error as the sequential loop, whichever thread
//! meets it.

use std::collections::BTreeMap;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use rekap_log::{Head, Log, PublicKey, Record, Storage};
use rekap_model::{decode_payload, PreparedPayload, State};
use rekap_projection::Projection;

use crate::error::LedgerError;
use crate::ledger::{execute_record, genesis_state};

/// Decoded records waiting for the decisions. A national store's records hold up to 40,000
/// sheets each, and reading and decoding one takes about a third of deciding it: one record
/// queued (one more being decoded) keeps the deciding thread fed, and bounds the memory the
/// queue holds (tens of MB per record).
const RECORDS_AHEAD: usize = 1;

/// A record read and decoded, or the error the sequential replay would stop at there.
type Decoded = Result<(Record, PreparedPayload), LedgerError>;

/// The state and projection of a replay, with what the log's first append needs: each
/// author's last counter and the head the replay read to (see `Log::seed_counters`).
pub(crate) struct Replayed {
    pub(crate) state: State,
    pub(crate) projection: Projection,
    pub(crate) counters: BTreeMap<PublicKey, u64>,
    pub(crate) through: Head,
}

/// Replays records 1 to `last` of `log`; `progress` hears how many records were decided
/// (every 4096 records; the caller reports the end), and `visit` sees each record once it
/// is decided and applied, its payload already taken; the genesis first, whole, as it is
/// read (a genesis that does not build a state fails the whole replay).
pub(crate) fn replay_two_threads<S: Storage>(
    log: &Log<S>,
    last: u64,
    progress: &mut dyn FnMut(u64, u64),
    visit: &mut dyn FnMut(&Record),
) -> Result<Replayed, LedgerError> {
    let genesis = log.read(1)?.ok_or(LedgerError::Empty)?;
    visit(&genesis);
    std::thread::scope(|scope| {
        let (sender, receiver) = sync_channel::<Decoded>(RECORDS_AHEAD);
        // The state is built on this thread, so that its memory comes from the allocator's
        // main arena as in a sequential replay (freed memory of the genesis' decoding
        // reused, not fresh pages of a second arena); the reading thread's decoded records
        // come back to its own arena when they are dropped here.
        scope.spawn(move || read_ahead(log, last, &sender));
        decide_in_order(&genesis, receiver, &mut |record| {
            visit(record);
            if record.seq.is_multiple_of(4096) {
                progress(record.seq, last);
            }
        })
    })
}

/// The reading thread: every record after the genesis up to `last`, decoded, in order,
/// until the first error (sent in its place) or until the decisions stop.
fn read_ahead<S: Storage>(log: &Log<S>, last: u64, sender: &SyncSender<Decoded>) {
    for record in log.range(2..=last) {
        let decoded = record.map_err(LedgerError::from).and_then(decoded);
        let stop = decoded.is_err();
        // A failed send means the decisions stopped (a refused record): nothing after it
        // matters.
        if sender.send(decoded).is_err() || stop {
            return;
        }
    }
}

/// Decodes a record's payload and computes its sheets' fingerprints; its bytes are not
/// needed after (freed on this thread).
fn decoded(mut record: Record) -> Decoded {
    let payload = decode_payload(&record.payload).map_err(|error| LedgerError::Undecodable {
        seq: record.seq,
        error,
    })?;
    record.payload = Vec::new();
    Ok((record, PreparedPayload::new(payload)))
}

/// The deciding thread: the state from the genesis, then every decoded record in order,
/// stopping at the first error; `applied` sees each record after its decision.
fn decide_in_order(
    genesis: &Record,
    records: Receiver<Decoded>,
    applied: &mut dyn FnMut(&Record),
) -> Result<Replayed, LedgerError> {
    let (mut state, mut projection) = genesis_state(genesis)?;
    let mut counters = BTreeMap::from([(genesis.author, genesis.counter)]);
    let mut through = head_at(genesis);
    for decoded in records {
        let (record, payload) = decoded?;
        execute_record(&mut state, &mut projection, &record, &payload)?;
        counters.insert(record.author, record.counter);
        through = head_at(&record);
        applied(&record);
    }
    Ok(Replayed {
        state,
        projection,
        counters,
        through,
    })
}

fn head_at(record: &Record) -> Head {
    Head {
        count: record.seq,
        last_hash: record.hash,
        last_recorded_at_ms: record.recorded_at_ms,
    }
}
