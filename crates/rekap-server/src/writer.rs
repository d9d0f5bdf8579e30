//! The writer: the one thread that owns the ledger. It drains the bounded queue (group
//! commit: everything queued when it wakes, up to a limit), answers every submission after
//! the durable append, and sends the appended records to the publisher (`publisher.rs`),
//! which keeps the readers' snapshots on a thread of its own. Signatures were checked
//! before the queue (`rekap_ledger::admit`, on the request threads): the writer decides
//! and appends.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rekap_ledger::checkpoints::{CheckpointSigner, SignedCheckpoint};
use rekap_ledger::tiles::{self, Resource, TilesError};
use rekap_ledger::{GroupLedger, Placed, SubmissionRefusal, Verdict};
use rekap_log::storage::StoredChunk;
use rekap_log::{Head, PublicKey, Storage, VerifiedSubmission};
use rekap_model::ApprovalStatement;
use rekap_tlog::tile_path::TilePath;
use rekap_tlog::Tree;
use tokio::sync::oneshot;

use crate::metrics::Metrics;
use crate::publisher::{self, Committed};
use crate::snapshot::Published;

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
    /// A resource of the tile tree of the last signed checkpoint (`/tlog/...`): hash tiles
    /// from the tree kept with it, entry and record bundles from the log.
    Tile {
        resource: Resource,
        reply: oneshot::Sender<Result<Vec<u8>, TileAnswer>>,
    },
}

/// Why a tile is not answered.
#[derive(Debug)]
pub enum TileAnswer {
    /// Not in the tree of the latest checkpoint, or a partial tile whose full tile is
    /// (the spec's readers then ask for the full one).
    NotFound(String),
    /// The store has no log key: nothing is signed, so there is no tree to serve.
    Unsigned(String),
    Failed(String),
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
}

/// What the writer shares with the HTTP side.
pub struct Shared {
    pub metrics: Metrics,
    pub published: Published,
    /// Each author's last counter in the log, updated after every append and before the
    /// answers, so `GET /v1/counters` never lags a receipt.
    pub last_counters: RwLock<HashMap<PublicKey, u64>>,
    pub ready: AtomicBool,
    /// The latest signed checkpoint (`GET /tlog/checkpoint`), if the store has a log key.
    pub checkpoint: RwLock<Option<Arc<SignedCheckpoint>>>,
    /// The log's verifier key (C2SP vkey) that signs those checkpoints, if the store has a
    /// log key: the portal's "Cek TPS saya" shows it beside the checkpoint it verified.
    pub log_vkey: std::sync::OnceLock<String>,
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
            checkpoint: RwLock::new(None),
            log_vkey: std::sync::OnceLock::new(),
            stopping: AtomicBool::new(false),
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
            match read {
                Request::Tile { resource, reply } => {
                    let _ = reply.send(signing.tile(&group, &resource));
                }
                read => answer_read(&group, read),
            }
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

/// Answers a read the writer serves (chunks, a statement).
fn answer_read<S: Storage>(group: &GroupLedger<S>, read: Request) {
    match read {
        Request::Chunks { from, to, reply } => {
            let _ = reply.send(read_chunks(group, from, to));
        }
        Request::Statement {
            region,
            contest,
            reply,
        } => {
            let _ = reply.send(statement(group, &region, &contest));
        }
        Request::Prove {
            contest,
            station,
            level,
            reply,
        } => {
            let _ = reply.send(prove(group, &contest, &station, level.as_deref()));
        }
        Request::Submit { .. } | Request::Tile { .. } => {}
    }
}

/// `rekap prove` on the writer's ledger (the state and projection of the committed head).
fn prove<S: Storage>(
    group: &GroupLedger<S>,
    contest: &str,
    station: &str,
    level: Option<&str>,
) -> Result<rekap_ledger::proof::ProofFile, String> {
    let ledger = group.ledger();
    let level = match level {
        Some(key) => rekap_projection::proof::ProofLevel::Key(key),
        None => rekap_projection::proof::ProofLevel::Highest,
    };
    rekap_ledger::proof::prove(
        ledger.state(),
        ledger.projection(),
        contest,
        station,
        level,
        |seq| Ok(ledger.log().read(seq)?),
        |seq| log_proof(ledger, seq),
    )
    .map_err(|error| error.to_string())
}

/// The approval record's tlog-proof in the latest checkpoint kept in the store's directory
/// (`None` when no kept checkpoint holds it yet).
fn log_proof<S: Storage>(
    ledger: &rekap_ledger::Ledger<S>,
    seq: u64,
) -> Result<Option<String>, rekap_ledger::proof::ProveFailure> {
    let tree_directory = ledger.log().storage().tree_directory();
    let Some(store) = tree_directory.as_deref().and_then(std::path::Path::parent) else {
        return Ok(None);
    };
    let latest = rekap_ledger::checkpoints::latest(store)
        .map_err(|error| rekap_ledger::proof::ProveFailure::Checkpoints(error.to_string()))?;
    match latest {
        Some(latest) => rekap_ledger::proof::log_proof(&ledger.log().tree()?, &latest, seq),
        None => Ok(None),
    }
}

/// The statement `rekap sign` signs for `region` and `contest`, at the writer's head.
fn statement<S: Storage>(
    group: &GroupLedger<S>,
    region: &str,
    contest: &str,
) -> Result<(ApprovalStatement, Head), String> {
    let ledger = group.ledger();
    let state = ledger.state();
    let election = state.election();
    let contest_idx = election
        .contest_by_id(contest)
        .ok_or_else(|| format!("unknown contest {contest}"))?;
    let region_idx = election
        .find_region(region)
        .ok_or_else(|| format!("unknown region {region}"))?;
    let statement = ApprovalStatement {
        definition_hash: state.definition_hash(),
        region: region.to_owned(),
        contest: contest.to_owned(),
        digest: ledger.projection().digest(state, contest_idx, region_idx),
    };
    Ok((statement, ledger.head()))
}

/// Stored chunks from the one holding `from`, while they start at or before `to`, up to
/// about [`CHUNK_PAGE_BYTES`].
fn read_chunks<S: Storage>(
    group: &GroupLedger<S>,
    from: u64,
    to: u64,
) -> Result<Vec<StoredChunk>, String> {
    let storage = group.ledger().log().storage();
    let mut chunks = Vec::new();
    let mut bytes = 0;
    for chunk in storage.chunks_from(from.max(1)) {
        let chunk = chunk.map_err(|error| error.to_string())?;
        if chunk.first_seq > to || (bytes >= CHUNK_PAGE_BYTES && !chunks.is_empty()) {
            break;
        }
        bytes += chunk.framed_records.len();
        chunks.push(chunk);
    }
    Ok(chunks)
}

/// The writer's checkpoint signing: the store's log key and last kept checkpoint, and the
/// tree of the last signed size (what `/tlog/` serves).
pub struct Signing {
    signer: Result<CheckpointSigner, String>,
    signed: Option<(Arc<SignedCheckpoint>, Tree)>,
    last: Instant,
}

impl Signing {
    /// `signer` is `Err` (why) for a store without a usable log key: then nothing is
    /// signed and `/tlog/` answers 404 saying why.
    pub fn new(signer: Result<CheckpointSigner, String>) -> Self {
        Signing {
            signer,
            signed: None,
            last: Instant::now(),
        }
    }

    /// Signs (and keeps, durably) a checkpoint of the log's tree, which holds durable
    /// records only: the writer calls this between commits. Refused if inconsistent with
    /// the last kept one (then the previous checkpoint stays served).
    fn sign<S: Storage>(&mut self, group: &GroupLedger<S>, shared: &Shared) {
        self.last = Instant::now();
        let Ok(signer) = self.signer.as_mut() else {
            return;
        };
        let size = group.ledger().head().count;
        if self
            .signed
            .as_ref()
            .is_some_and(|(signed, _)| signed.checkpoint.size == size)
        {
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
                    .map(|signed| (Arc::new(signed), tree))
                    .map_err(|error| error.to_string())
            });
        match signed {
            Ok((signed, tree)) => {
                if let Ok(mut checkpoint) = shared.checkpoint.write() {
                    *checkpoint = Some(signed.clone());
                }
                self.signed = Some((signed, tree));
            }
            Err(error) => eprintln!("rekap serve: no checkpoint signed: {error}"),
        }
    }

    /// The bytes of a tile-tree resource at the last signed checkpoint.
    fn tile<S: Storage>(
        &self,
        group: &GroupLedger<S>,
        resource: &Resource,
    ) -> Result<Vec<u8>, TileAnswer> {
        if let Err(why) = &self.signer {
            return Err(TileAnswer::Unsigned(why.clone()));
        }
        let Some((signed, tree)) = &self.signed else {
            return Err(TileAnswer::Unsigned("no checkpoint is signed yet".into()));
        };
        let size = signed.checkpoint.size;
        if superseded(resource, size) {
            return Err(TileAnswer::NotFound(format!(
                "{} is partial and its full tile is in the tree of size {size}",
                resource.to_path()
            )));
        }
        tiles::read(group.ledger().log(), tree, signed, resource).map_err(|error| match error {
            TilesError::NotFound { .. } | TilesError::BadPath(_) => {
                TileAnswer::NotFound(error.to_string())
            }
            other => TileAnswer::Failed(other.to_string()),
        })
    }
}

/// Whether `resource` is a partial tile whose full tile exists in the tree of `size`.
fn superseded(resource: &Resource, size: u64) -> bool {
    const WIDTH: u64 = 256;
    let (level, index) = match *resource {
        Resource::Tile(TilePath::Hashes { level, index, .. }) => (u32::from(level), index),
        Resource::Tile(TilePath::Entries { index, .. }) | Resource::Records { index, .. } => {
            (0, index)
        }
        Resource::Checkpoint => return false,
    };
    if !resource.is_partial() {
        return false;
    }
    // Entries at `level`: the tree's size divided by 256 per level above 0.
    let entries_at_level = (0..level).fold(size, |entries, _| entries / WIDTH);
    entries_at_level >= (index + 1).saturating_mul(WIDTH)
}
