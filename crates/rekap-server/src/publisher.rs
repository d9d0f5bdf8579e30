//! The publisher: the thread that keeps the readers' snapshots, so that the writer never
//! copies the state. It holds two replicas of the ledger's state (left-right): one is
//! published to the readers, immutable, while the other is brought up to date with the
//! records the writer committed since, by running their (already decided) payloads
//! through the model again. Publishing swaps them; the replica the readers held is taken
//! back once the last reader lets go of it and catches up on the records it missed.
//!
//! Nothing is cloned per publish: a record costs two more runs through the model (one per
//! replica, microseconds for a sheet) and a publish costs the totals view: brought forward
//! from the published one (the lines above the stations whose sheets changed, a copy of
//! the rest) when only sheets changed, else built whole. The
//! writer's thread only sends the records it appended; every replica is of a committed
//! head, so a read never sees a state the log does not hold.

use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rekap_ledger::view::TotalsView;
use rekap_log::Head;
use rekap_model::{Envelope, Event, Payload, State};
use rekap_projection::{Projection, RaisedFlag};

use crate::snapshot::Snapshot;
use crate::writer::Shared;

/// What the writer sends after each durable append: the head after it and every record it
/// appended, as the model ran them.
pub struct Committed {
    pub head: Head,
    pub records: Vec<(Envelope, Payload)>,
}

/// How long the publisher waits for readers to let go of an old snapshot before it copies
/// the current one instead (a reader holds one for one request, microseconds to
/// milliseconds; this only bounds a pathological one).
const RECLAIM_PATIENCE: Duration = Duration::from_secs(2);

/// A publish waits at least this many times as long as the last one took, so that building
/// snapshots (mostly the totals view: every region's line, 91k regions nationally) takes
/// at most about a fifth of one core, whatever the interval asked for.
const PUBLISH_COST_FACTOR: u32 = 4;

/// One replica: a state and its projection, at `head`.
struct Replica {
    head: Head,
    state: State,
    projection: Projection,
    /// Flags raised before this replica's projection started (it raises only the flags of
    /// the records it runs).
    flags_before: Vec<RaisedFlag>,
}

impl Replica {
    fn of(head: Head, state: State, flags_before: Vec<RaisedFlag>) -> Self {
        let projection = Projection::new(&state);
        Replica {
            head,
            state,
            projection,
            flags_before,
        }
    }

    /// Runs the payloads of the records in `commits` after this replica's head. The writer
    /// ran them against the same state and accepted them, so the model accepts them again;
    /// if it does not, the replica is unusable and `Err` says why.
    fn catch_up(&mut self, commits: &[Committed]) -> Result<(), String> {
        for committed in commits {
            if committed.head.count <= self.head.count {
                continue;
            }
            for (envelope, payload) in &committed.records {
                if envelope.seq <= self.head.count {
                    continue;
                }
                self.projection
                    .execute_payload(&mut self.state, envelope, payload)
                    .map_err(|refusal| {
                        format!(
                            "record {} the writer accepted was refused on replay: {refusal}",
                            envelope.seq
                        )
                    })?;
            }
            self.head = committed.head;
        }
        Ok(())
    }
}

/// A published replica, as the publisher keeps it: the snapshot (holding the state) and
/// the projection, which stays on this thread.
struct Published {
    snapshot: Arc<Snapshot>,
    projection: Projection,
    flags_before: Vec<RaisedFlag>,
}

struct Publisher {
    shared: Arc<Shared>,
    /// The replica to bring up to date next, before the first publish that retires one.
    spare: Option<Replica>,
    /// The replica the readers are answered from.
    current: Published,
    /// The replica published before it, taken back as the next spare once its last
    /// reader lets go.
    previous: Option<Published>,
    /// Commits not yet run by both replicas, oldest first.
    commits: Vec<Committed>,
}

/// Publishes the first snapshot of `state` at `head`, then one after commits, at most
/// every `interval`, until the writer hangs up. `flags` are the flags the writer's
/// projection had raised at start.
pub fn run(
    head: Head,
    state: State,
    flags: Vec<RaisedFlag>,
    commits: Receiver<Committed>,
    shared: Arc<Shared>,
    interval: Duration,
) {
    let spare = Replica::of(head, state.clone(), flags.clone());
    // The projection computes lazily; a region's digest needs every digest under it, so
    // the first totals view a replica brings forward would compute the whole country's
    // (a second of a core nationally) while serving. Computed now, before /readyz: the
    // published replica computes its own by building its first view below.
    let _ = spare.projection.projection_digest(&spare.state);
    let current = publish(&shared, Replica::of(head, state, flags), None);
    let mut publisher = Publisher {
        shared,
        spare: Some(spare),
        current,
        previous: None,
        commits: Vec::new(),
    };
    publisher.shared.ready.store(true, Ordering::SeqCst);
    let mut unpublished = false;
    let mut last_publish = Instant::now();
    let mut spacing = interval;
    loop {
        let wait = if unpublished {
            spacing.saturating_sub(last_publish.elapsed())
        } else {
            Duration::from_secs(3600)
        };
        let hung_up = match commits.recv_timeout(wait) {
            Ok(committed) => {
                publisher.commits.push(committed);
                publisher.commits.extend(commits.try_iter());
                unpublished = true;
                false
            }
            Err(RecvTimeoutError::Timeout) => false,
            Err(RecvTimeoutError::Disconnected) => true,
        };
        if unpublished && (hung_up || last_publish.elapsed() >= spacing) {
            let started = Instant::now();
            if let Err(error) = publisher.cycle() {
                eprintln!("rekap serve: the readers' snapshot stays at its last head: {error}");
                publisher.shared.ready.store(false, Ordering::SeqCst);
                return;
            }
            (unpublished, last_publish) = (false, Instant::now());
            spacing = interval.max(started.elapsed() * PUBLISH_COST_FACTOR);
        }
        if hung_up {
            return;
        }
    }
}

impl Publisher {
    /// Brings the spare up to date and publishes it; the replica it replaces becomes the
    /// next spare.
    fn cycle(&mut self) -> Result<(), String> {
        let started = Instant::now();
        let mut spare = match self.spare.take() {
            Some(spare) => spare,
            None => self.reclaim(),
        };
        spare.catch_up(&self.commits)?;
        self.publish(spare);
        // The replica just retired has run the commits up to its head.
        if let Some(previous) = &self.previous {
            let behind = previous.snapshot.head.count;
            self.commits
                .retain(|committed| committed.head.count > behind);
        }
        self.shared
            .metrics
            .publish_seconds
            .observe_micros(started.elapsed().as_micros() as u64);
        Ok(())
    }

    fn publish(&mut self, replica: Replica) {
        let current = &self.current.snapshot;
        let sheets_only = only_sheets_after(&self.commits, current.head.count);
        let earlier = sheets_only.then_some(&**current);
        let current = publish(&self.shared, replica, earlier);
        self.previous = Some(std::mem::replace(&mut self.current, current));
    }

    /// The previously published replica, once no reader holds it (readers hold a snapshot
    /// for one request). If one holds it longer than [`RECLAIM_PATIENCE`], a copy of the
    /// current replica instead: slower, never wrong.
    fn reclaim(&mut self) -> Replica {
        let waited = Instant::now();
        if let Some(mut previous) = self.previous.take() {
            loop {
                match Arc::try_unwrap(previous.snapshot) {
                    Ok(snapshot) => {
                        let (head, state) = snapshot.into_head_and_state();
                        return Replica {
                            head,
                            state,
                            projection: previous.projection,
                            flags_before: previous.flags_before,
                        };
                    }
                    Err(snapshot) if waited.elapsed() < RECLAIM_PATIENCE => {
                        previous.snapshot = snapshot;
                        std::thread::sleep(Duration::from_micros(200));
                    }
                    Err(_) => break,
                }
            }
        }
        let current = &self.current.snapshot;
        Replica::of(current.head, current.state.clone(), current.flags.clone())
    }
}

/// Whether every record after seq `after` in `commits` holds only sheets and corrections
/// that answer no objection: then the stations they name are all that changed in the
/// totals view (approvals, objections, voids and the rest change other lines).
fn only_sheets_after(commits: &[Committed], after: u64) -> bool {
    let records = commits.iter().flat_map(|committed| &committed.records);
    records
        .filter(|(envelope, _)| envelope.seq > after)
        .all(|(_, payload)| match payload {
            Payload::Events { events, .. } => events.iter().all(|event| {
                matches!(
                    event,
                    Event::SheetSubmitted { .. } | Event::SheetCorrected { answers: None, .. }
                )
            }),
            _ => false,
        })
}

/// Makes `replica` the readers' snapshot; its projection stays with the publisher. With
/// `earlier`, the published snapshot of an earlier head when only sheets changed since, its
/// totals view is brought forward (the lines above the stations whose sheets changed)
/// instead of built whole.
fn publish(shared: &Shared, replica: Replica, earlier: Option<&Snapshot>) -> Published {
    let Replica {
        head,
        state,
        projection,
        flags_before,
    } = replica;
    let started = Instant::now();
    let patched = earlier.and_then(|earlier| {
        let touched = state.entries().get(earlier.state.entries().len()..)?;
        let stations = touched.iter().map(|entry| entry.station);
        earlier
            .totals()
            .patched(&state, &projection, &head, stations)
    });
    let totals = patched.unwrap_or_else(|| TotalsView::of(&state, &projection, &head, None));
    shared
        .metrics
        .totals_view_seconds
        .observe_micros(started.elapsed().as_micros() as u64);
    let mut flags = flags_before.clone();
    flags.extend_from_slice(projection.flags());
    let snapshot = Arc::new(Snapshot::new(head, state, totals, flags));
    shared.published.set_shared(snapshot.clone());
    shared
        .metrics
        .snapshot_records
        .store(head.count, Ordering::Relaxed);
    Published {
        snapshot,
        projection,
        flags_before,
    }
}
