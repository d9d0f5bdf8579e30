//! What a page derives from a whole snapshot (every station's distribution, every
//! plenary's state), computed once per head and kept in a small map keyed by that head, so
//! readers of a national store pay for it once, not per request.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use crate::snapshot::Snapshot;

/// A snapshot's head and what of it was asked (contest, region or row).
pub type Key = ([u8; 32], u64, u32, u32);

/// More entries than this and the cache starts over (every page can rebuild its own).
const ENTRIES: usize = 512;

pub struct Cache<V> {
    entries: Mutex<BTreeMap<Key, Arc<V>>>,
}

impl<V> Cache<V> {
    pub const fn new() -> Self {
        Self {
            entries: Mutex::new(BTreeMap::new()),
        }
    }

    /// The value for `snapshot` and `(first, second)`, made by `make` at most once while
    /// kept (two readers at once may both make it; either answer is the same).
    pub fn get_or<E>(
        &self,
        snapshot: &Snapshot,
        (first, second): (u32, u32),
        make: impl FnOnce() -> Result<V, E>,
    ) -> Result<Arc<V>, E> {
        let key = (snapshot.head.last_hash, snapshot.head.count, first, second);
        if let Some(found) = self.entries.lock().ok().and_then(|e| e.get(&key).cloned()) {
            return Ok(found);
        }
        let made = Arc::new(make()?);
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= ENTRIES {
                entries.clear();
            }
            entries.insert(key, made.clone());
        }
        Ok(made)
    }
}
