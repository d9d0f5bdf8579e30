//! The writer: the one thread that owns the ledger. It drains the bounded queue (group
//! commit: everything queued when it wakes, up to a limit), answers every submission after
//! the durable append, and sends the appended records to the publisher (`publisher.rs`),
//! which keeps the readers' snapshots on a thread of its own. Signatures were checked
//! before the queue (`rekap_ledger::admit`, by the verifying stage's threads,
//! `verifier.rs`): the writer decides and appends.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rekap_ledger::checkpoints::CheckpointSigner;
use rekap_ledger::tiles::Resource;
use rekap_ledger::{GroupLedger, Placed, SubmissionRefusal, Verdict};
use rekap_log::storage::StoredChunk;
use rekap_log::{Head, PublicKey, Storage, VerifiedSubmission};
use rekap_model::ApprovalStatement;
use tokio::sync::oneshot;

use crate::metrics::Metrics;
use crate::owner;
use crate::publisher::{self, Committed};
use crate::snapshot::Published;
use crate::tlog::TlogState;

/// What the queue carries.
pub enum Request {
    Submit {
        submission: VerifiedSubmission,
        reply: oneshot::Sender<Answer>,
    },
    /// Stored chunks holding records `from..=to`, for the streamed ranges and exports:
    /// read between two commits, at most about [`CHUNK_PAGE_BYTES`] at a time.
    Chunks {
        from: u64,
        to: u64,
        reply: oneshot::Sender<Result<Vec<StoredChunk>, String>>,
    },
    /// A station's inclusion proof (`rekap prove`), built from the ledger between commits
    /// because the projection lives only there; `Err` is a not-found message.
    Prove {
        contest: String,
        station: String,
        level: Option<String>,
        reply: oneshot::Sender<Result<rekap_ledger::proof::ProofFile, String>>,
    },
    /// The approval statement of a region and contest at the writer's head (what a witness
    /// signs): the digest needs the projection, which only the writer holds. Between two
    /// commits the writer's head is committed.
    Statement {
        region: String,
        contest: String,
        reply: oneshot::Sender<Result<(ApprovalStatement, Head), String>>,
    },
    /// An entry or record bundle of the published tile tree (`/tlog/tile/entries/...`,
    /// `/tlog/records/...`), read from the log on a mirror (a server reads them beside
    /// the writer: `Shared::log_reader`); `Err((true, why))` is a not-found.
    Bundle {
        resource: Resource,
        state: Arc<TlogState>,
        reply: oneshot::Sender<Result<Vec<u8>, (bool, String)>>,
    },
}

/// How much of the log one `Chunks` request reads (at least one chunk).
pub const CHUNK_PAGE_BYTES: usize = 8 << 20;

/// The answer to one submission.
#[derive(Debug)]
pub enum Answer {
    Placed {
        placed: Placed,
        repeated: bool,
        head: Head,
    },
    Refused(SubmissionRefusal),
    /// The append failed (nothing of the group was appended); a retry is safe.
    Failed(String),
    /// The writer's queue was full (or the server stopping) when the verifying stage
    /// handed the submission on: nothing was appended; a retry is safe.
    Overloaded(&'static str),
}

/// What the writer shares with the HTTP side.
pub struct Shared {
    pub metrics: Metrics,
    pub published: Published,
    /// Each author's last counter in the log, updated after every append and before the
    /// answers, so `GET /v1/counters` never lags a receipt.
    pub last_counters: RwLock<HashMap<PublicKey, u64>>,
    pub ready: AtomicBool,
    /// The published checkpoint and its tree (`GET /tlog/...`, receipts, proofs): the
    /// latest signed one, or with witnesses the latest a quorum cosigned.
    tlog: RwLock<Option<Arc<TlogState>>>,
    /// Why nothing is published yet (no log key, no quorum yet).
    tlog_missing: RwLock<String>,
    /// What a mirror verified (`GET /v1/mirror`); `None` on a server.
    pub mirror_status: RwLock<Option<serde_json::Value>>,
    /// The log's verifier key (C2SP vkey) that signs those checkpoints, if the store has a
    /// log key: the portal's "Cek TPS saya" shows it beside the checkpoint it verified.
    pub log_vkey: std::sync::OnceLock<String>,
    /// A reader of the log's durable chunks beside the writer (a server's segment store),
    /// for `/tlog/` bundles on the request threads; unset on a mirror, whose bundles go
    /// through its follower's queue.
    pub log_reader: std::sync::OnceLock<rekap_log::storage::segment_reader::SegmentReader>,
    /// Set once the HTTP side has stopped and answered every request: the writer then
    /// finishes what is queued and returns.
    pub stopping: AtomicBool,
}

impl Default for Shared {
    fn default() -> Self {
        Self {
            metrics: Metrics::default(),
            published: Published::default(),
            last_counters: RwLock::new(HashMap::new()),
            ready: AtomicBool::new(false),
            tlog: RwLock::new(None),
            tlog_missing: RwLock::new("no checkpoint is signed yet".into()),
            mirror_status: RwLock::new(None),
            log_vkey: std::sync::OnceLock::new(),
            log_reader: std::sync::OnceLock::new(),
            stopping: AtomicBool::new(false),
        }
    }
}

impl Shared {
    /// The published checkpoint and its tree.
    pub fn tlog(&self) -> Option<Arc<TlogState>> {
        self.tlog.read().ok().and_then(|tlog| tlog.clone())
    }

    /// Publishes a checkpoint (never one smaller than the published one).
    pub fn publish_tlog(&self, state: TlogState) {
        if let Ok(mut tlog) = self.tlog.write() {
            if tlog.as_ref().is_none_or(|old| old.size() <= state.size()) {
                *tlog = Some(Arc::new(state));
            }
        }
    }

    /// Why no checkpoint is published.
    pub fn tlog_missing(&self) -> String {
        self.tlog_missing
            .read()
            .map(|why| why.clone())
            .unwrap_or_default()
    }

    pub fn set_tlog_missing(&self, why: impl Into<String>) {
        if let Ok(mut missing) = self.tlog_missing.write() {
            *missing = why.into();
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct WriterConfig {
    /// Most submissions decided and appended as one group.
    pub max_batch: usize,
    /// Snapshots are published at most this often (and when the queue goes idle).
    pub publish_interval: Duration,
    /// A checkpoint is signed after a commit at most this often (and at start and stop).
    pub checkpoint_interval: Duration,
}

/// Now, in milliseconds since the Unix epoch: the time the log records.
fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis() as u64)
}

/// Publishes the first snapshot, then serves the queue until `shared.stopping` is set and
/// the queue is empty. Returns the ledger (for a last saved totals view).
pub fn run<S: Storage>(
    mut group: GroupLedger<S>,
    mut signing: Signing,
    queue: Receiver<Request>,
    shared: Arc<Shared>,
    config: WriterConfig,
) -> GroupLedger<S> {
    signing.sign(&group, &shared);
    if let Ok(mut counters) = shared.last_counters.write() {
        counters.extend(group.counters().last_counters());
    }
    shared
        .metrics
        .log_records
        .store(group.ledger().head().count, Ordering::Relaxed);
    let (commits, committed) = std::sync::mpsc::channel();
    let publisher = {
        let ledger = group.ledger();
        let (head, state) = (ledger.head(), ledger.state().clone());
        let flags = ledger.projection().flags().to_vec();
        let shared = shared.clone();
        std::thread::Builder::new()
            .name("rekap-publisher".into())
            .spawn(move || {
                publisher::run(
                    head,
                    state,
                    flags,
                    committed,
                    shared,
                    config.publish_interval,
                )
            })
    };
    loop {
        let first = match queue.recv_timeout(Duration::from_millis(50)) {
            Ok(request) => request,
            Err(RecvTimeoutError::Timeout) => {
                if shared.stopping.load(Ordering::SeqCst) {
                    break;
                }
                // A commit that came sooner than the interval after the last signing is
                // signed once the queue is idle and the interval has passed, not only at
                // the next commit: a receipt's inclusion never waits for another writer.
                if signing.last.elapsed() >= config.checkpoint_interval {
                    signing.sign(&group, &shared);
                }
                continue;
            }
            Err(RecvTimeoutError::Disconnected) => break,
        };
        let (submits, reads) = drain(first, &queue, config.max_batch, &shared);
        if !submits.is_empty() {
            if let Some(appended) = commit(&mut group, submits, &shared) {
                // The publisher outlives the writer's sends; if it stopped, readers stay at
                // its last snapshot and /readyz says so.
                let _ = commits.send(appended);
            }
            if signing.last.elapsed() >= config.checkpoint_interval {
                signing.sign(&group, &shared);
            }
        }
        for read in reads {
            owner::answer_read(group.ledger(), &shared, read);
        }
    }
    signing.sign(&group, &shared);
    drop(commits);
    if let Ok(publisher) = publisher {
        let _ = publisher.join();
    }
    group
}

type Submits = Vec<(VerifiedSubmission, oneshot::Sender<Answer>)>;
type Reads = Vec<Request>;

/// `first` and whatever else is queued, up to `max_batch` submissions.
fn drain(
    first: Request,
    queue: &Receiver<Request>,
    max_batch: usize,
    shared: &Shared,
) -> (Submits, Reads) {
    let (mut submits, mut reads) = (Vec::new(), Vec::new());
    let mut next = Some(first);
    while let Some(request) = next.take() {
        shared.metrics.queue_depth.fetch_sub(1, Ordering::Relaxed);
        match request {
            Request::Submit { submission, reply } => submits.push((submission, reply)),
            read => reads.push(read),
        }
        if submits.len() < max_batch {
            next = queue.try_recv().ok();
        }
    }
    (submits, reads)
}

/// Decides and appends one group, then answers each submission. Returns what was appended,
/// for the publisher (`None` if the append failed).
fn commit<S: Storage>(
    group: &mut GroupLedger<S>,
    submits: Submits,
    shared: &Shared,
) -> Option<Committed> {
    let started = Instant::now();
    let (submissions, replies): (Vec<_>, Vec<_>) = submits.into_iter().unzip();
    let authors: Vec<(PublicKey, u64)> = submissions
        .iter()
        .map(|submission| {
            (
                submission.submission().author,
                submission.submission().counter,
            )
        })
        .collect();
    shared
        .metrics
        .batch_size
        .observe_micros(submissions.len() as u64 * 1_000_000);
    let outcome = group.commit_admitted(submissions.into_iter().map(Ok).collect(), now_ms());
    shared
        .metrics
        .commit_seconds
        .observe_micros(started.elapsed().as_micros() as u64);
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(error) => {
            for reply in replies {
                let _ = reply.send(Answer::Failed(error.to_string()));
            }
            return None;
        }
    };
    if let Ok(mut counters) = shared.last_counters.write() {
        for ((author, counter), verdict) in authors.iter().zip(&outcome.verdicts) {
            if matches!(verdict, Verdict::Appended(_)) {
                let entry = counters.entry(*author).or_default();
                *entry = (*entry).max(*counter);
            }
        }
    }
    let metrics = &shared.metrics;
    metrics
        .log_records
        .store(outcome.head.count, Ordering::Relaxed);
    for (verdict, reply) in outcome.verdicts.into_iter().zip(replies) {
        let answer = match verdict {
            Verdict::Appended(placed) => {
                metrics.accepted.fetch_add(1, Ordering::Relaxed);
                Answer::Placed {
                    placed,
                    repeated: false,
                    head: outcome.head,
                }
            }
            Verdict::AlreadyAppended(placed) => {
                metrics.repeated.fetch_add(1, Ordering::Relaxed);
                Answer::Placed {
                    placed,
                    repeated: true,
                    head: outcome.head,
                }
            }
            Verdict::Refused(refusal) => {
                metrics.refused.fetch_add(1, Ordering::Relaxed);
                Answer::Refused(refusal)
            }
        };
        let _ = reply.send(answer);
    }
    Some(Committed {
        head: outcome.head,
        records: outcome.appended,
    })
}

/// The writer's checkpoint signing: the store's log key and last kept checkpoint. A signed
/// checkpoint is published at once, or with witnesses sent to be cosigned first
/// (`crate::cosigning`).
pub struct Signing {
    signer: Result<CheckpointSigner, String>,
    signed_size: Option<u64>,
    last: Instant,
    cosigning: Option<Sender<TlogState>>,
}

impl Signing {
    /// `signer` is `Err` (why) for a store without a usable log key: then nothing is
    /// signed and `/tlog/` answers 404 saying why. With `cosigning`, every signed
    /// checkpoint goes there instead of being published.
    pub fn new(
        signer: Result<CheckpointSigner, String>,
        cosigning: Option<Sender<TlogState>>,
    ) -> Self {
        Signing {
            signer,
            signed_size: None,
            last: Instant::now(),
            cosigning,
        }
    }

    /// Signs (and keeps, durably) a checkpoint of the log's tree, which holds durable
    /// records only: the writer calls this between commits. Refused if inconsistent with
    /// the last kept one (then the previous checkpoint stays served).
    fn sign<S: Storage>(&mut self, group: &GroupLedger<S>, shared: &Shared) {
        self.last = Instant::now();
        let signer = match self.signer.as_mut() {
            Ok(signer) => signer,
            Err(why) => return shared.set_tlog_missing(why.clone()),
        };
        let size = group.ledger().head().count;
        if self.signed_size == Some(size) {
            return;
        }
        let signed = group
            .ledger()
            .log()
            .tree()
            .map_err(|error| error.to_string())
            .and_then(|tree| {
                signer
                    .sign(&tree, group.ledger().state().log_keys())
                    .map(|checkpoint| TlogState { checkpoint, tree })
                    .map_err(|error| error.to_string())
            });
        match signed {
            Ok(state) => {
                self.signed_size = Some(state.size());
                match &self.cosigning {
                    Some(cosigning) => {
                        let _ = cosigning.send(state);
                    }
                    None => shared.publish_tlog(state),
                }
            }
            Err(error) => eprintln!("rekap serve: no checkpoint signed: {error}"),
        }
    }
}
