//! What readers are answered from: an immutable state and its totals view at one
//! committed head, published by the publisher (`publisher.rs`) after commits.

use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use rekap_ledger::view::TotalsView;
use rekap_log::Head;
use rekap_model::State;
use rekap_projection::RaisedFlag;

/// The ledger as of one head the log holds durably.
pub struct Snapshot {
    pub head: Head,
    pub state: State,
    /// Behind a lock of its own because a view's reader caches blocks; readers hold it
    /// for one selection (microseconds), the writer never.
    totals: Mutex<TotalsView>,
    pub flags: Vec<RaisedFlag>,
}

impl Snapshot {
    /// A snapshot of `state` at `head`, which must be committed (the log holds it durably).
    pub fn new(head: Head, state: State, totals: TotalsView, flags: Vec<RaisedFlag>) -> Self {
        Snapshot {
            head,
            state,
            totals: Mutex::new(totals),
            flags,
        }
    }

    /// A copy of `ledger` as it is now (benches and tests; the server's publisher keeps
    /// replicas instead of copying); call only when the head is committed.
    pub fn of<S: rekap_log::Storage>(ledger: &rekap_ledger::Ledger<S>) -> Snapshot {
        Snapshot::new(
            ledger.head(),
            ledger.state().clone(),
            ledger.totals_view(None),
            ledger.projection().flags().to_vec(),
        )
    }

    /// The head and state back, for the publisher to bring up to date (crate::publisher).
    pub(crate) fn into_head_and_state(self) -> (Head, State) {
        (self.head, self.state)
    }
}

impl Snapshot {
    pub fn totals(&self) -> MutexGuard<'_, TotalsView> {
        self.totals
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The latest snapshot. The lock is held only to swap or clone the pointer, never while a
/// snapshot is built or read, so a reader does not wait for the writer.
#[derive(Default)]
pub struct Published {
    current: RwLock<Option<Arc<Snapshot>>>,
}

impl Published {
    pub fn get(&self) -> Option<Arc<Snapshot>> {
        self.current.read().ok().and_then(|current| current.clone())
    }

    pub fn set(&self, snapshot: Snapshot) {
        self.set_shared(Arc::new(snapshot));
    }

    /// Publishes a snapshot the caller keeps a handle on (the publisher takes it back once
    /// no reader holds it).
    pub fn set_shared(&self, snapshot: Arc<Snapshot>) {
        if let Ok(mut current) = self.current.write() {
            *current = Some(snapshot);
        }
    }
}
