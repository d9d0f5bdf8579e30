//! A read-only server over a ledger that follows another log (`rekap mirror --listen`):
//! the same router, snapshots, tiles and portal as `rekap serve`, with the writer replaced
//! by a follower thread. It polls the origin, publishes what it verified (the readers'
//! snapshot through the same publisher, the accepted checkpoint and its tree for `/tlog/`,
//! its status for `/v1/mirror`), and between polls answers the reads that need the ledger.
//! Nothing here decides or verifies a record: that is the follower's (crates/rekap-mirror).

use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rekap_ledger::checkpoints::SignedCheckpoint;
use rekap_ledger::Ledger;
use rekap_log::Storage;
use rekap_model::{decode_payload, Envelope};

use crate::owner;
use crate::publisher::{self, Committed};
use crate::tlog::TlogState;
use crate::writer::{Request, Shared};

/// What one poll of the origin did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Polled {
    /// Reached the origin (whether or not anything was new).
    Reached,
    /// The origin could not be read: the next poll backs off.
    Unreachable,
    /// The follower stopped following for good (an alarm): what it holds stays served.
    Stopped,
}

/// A ledger kept up to date from another log, verified by the implementor.
pub trait Follower: Send + 'static {
    type Storage: Storage;
    /// One poll of the origin (fetch, verify, append).
    fn poll(&mut self) -> Polled;
    /// The ledger, once it holds the genesis.
    fn ledger(&self) -> Option<&Ledger<Self::Storage>>;
    /// The last checkpoint accepted, as served (a signed note).
    fn checkpoint(&self) -> Option<SignedCheckpoint>;
    /// The log's verifier key (C2SP vkey).
    fn log_vkey(&self) -> String;
    /// What `GET /v1/mirror` answers.
    fn status(&self) -> serde_json::Value;
}

/// How often to poll.
#[derive(Clone, Copy, Debug)]
pub struct FollowConfig {
    pub interval: Duration,
    /// The longest wait between polls of an unreachable origin (doubling from `interval`).
    pub max_backoff: Duration,
    /// Snapshots published at most this often.
    pub publish_interval: Duration,
}

/// The publisher thread, started once the ledger holds the genesis.
struct Publishing {
    commits: Sender<Committed>,
    thread: Option<JoinHandle<()>>,
    published: u64,
}

/// Polls and publishes until `shared.stopping` is set; returns the follower.
pub fn run<F: Follower>(
    mut follower: F,
    queue: Receiver<Request>,
    shared: Arc<Shared>,
    config: FollowConfig,
) -> F {
    let _ = shared.log_vkey.set(follower.log_vkey());
    shared.set_tlog_missing("this mirror has accepted no checkpoint yet");
    let mut publishing: Option<Publishing> = None;
    let (mut next_poll, mut wait, mut following) = (Instant::now(), config.interval, true);
    publish(&follower, &shared, &mut publishing, config);
    loop {
        if following && Instant::now() >= next_poll {
            match follower.poll() {
                Polled::Reached => wait = config.interval,
                Polled::Unreachable => wait = (wait * 2).min(config.max_backoff),
                Polled::Stopped => following = false,
            }
            next_poll = Instant::now() + wait;
            publish(&follower, &shared, &mut publishing, config);
        }
        let timeout = next_poll
            .saturating_duration_since(Instant::now())
            .min(Duration::from_millis(50));
        match queue.recv_timeout(timeout) {
            Ok(read) => match follower.ledger() {
                Some(ledger) => owner::answer_read(ledger, &shared, read),
                // Before the genesis nothing is ready; the reads were refused before the
                // queue, and a dropped reply is answered as an internal error.
                None => drop(read),
            },
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
        if shared.stopping.load(Ordering::SeqCst) {
            break;
        }
    }
    if let Some(mut publishing) = publishing {
        drop(publishing.commits);
        if let Some(thread) = publishing.thread.take() {
            let _ = thread.join();
        }
    }
    follower
}

/// Brings the readers up to the follower: status, checkpoint and tree, snapshot.
fn publish<F: Follower>(
    follower: &F,
    shared: &Arc<Shared>,
    publishing: &mut Option<Publishing>,
    config: FollowConfig,
) {
    if let Ok(mut status) = shared.mirror_status.write() {
        *status = Some(follower.status());
    }
    let Some(ledger) = follower.ledger() else {
        return;
    };
    let head = ledger.head();
    match publishing {
        None => {
            let (commits, committed) = std::sync::mpsc::channel();
            let (state, flags) = (ledger.state().clone(), ledger.projection().flags().to_vec());
            let shared = shared.clone();
            let thread = std::thread::Builder::new()
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
                .ok();
            *publishing = Some(Publishing {
                commits,
                thread,
                published: head.count,
            });
        }
        Some(publishing) if publishing.published < head.count => {
            match appended_since(ledger, publishing.published) {
                Ok(records) => {
                    let _ = publishing.commits.send(Committed { head, records });
                    publishing.published = head.count;
                }
                Err(why) => eprintln!("mirror: the readers' snapshot stays behind: {why}"),
            }
        }
        Some(_) => {}
    }
    let accepted = follower.checkpoint();
    let published = shared.tlog().map_or(0, |state| state.size());
    if let Some(checkpoint) = accepted.filter(|c| c.checkpoint.size > published) {
        match ledger.log().tree() {
            Ok(tree) => shared.publish_tlog(TlogState { checkpoint, tree }),
            Err(why) => eprintln!("mirror: the tile tree stays at size {published}: {why}"),
        }
    }
}

/// The records after `seq`, with their payloads decoded, for the publisher.
fn appended_since<S: Storage>(
    ledger: &Ledger<S>,
    seq: u64,
) -> Result<Vec<(Envelope, rekap_model::Payload)>, String> {
    let mut records = Vec::new();
    for seq in seq + 1..=ledger.head().count {
        let record = ledger
            .log()
            .read(seq)
            .map_err(|error| error.to_string())?
            .ok_or_else(|| format!("record {seq} is not in the log"))?;
        let payload = decode_payload(&record.payload).map_err(|error| error.to_string())?;
        let envelope = Envelope {
            seq: record.seq,
            recorded_at_ms: record.recorded_at_ms,
            author: record.author,
        };
        records.push((envelope, payload));
    }
    Ok(records)
}
