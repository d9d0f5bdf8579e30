//! What readers are answered from: an immutable copy of the state and the totals view at
//! one committed head, published by the writer after a commit.

use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use rekap_ledger::view::TotalsView;
use rekap_ledger::Ledger;
use rekap_log::{Head, Storage};
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
    /// A copy of `ledger` as it is now; call only right after a durable append (or the
    /// replay), so the head is committed.
    pub fn of<S: Storage>(ledger: &Ledger<S>) -> Snapshot {
        Snapshot {
            head: ledger.head(),
            state: ledger.state().clone(),
            totals: Mutex::new(ledger.totals_view(None)),
            flags: ledger.projection().flags().to_vec(),
        }
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
        let snapshot = Arc::new(snapshot);
        if let Ok(mut current) = self.current.write() {
            *current = Some(snapshot);
        }
    }
}
