//! In-memory storage for tests, with fault injection: an append can be made to fail before
//! anything is written, to show that a failed append leaves nothing behind.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use super::{ChunkWrite, Storage, StorageError, StoredChunk};
use crate::record::PublicKey;

#[derive(Default)]
struct Contents {
    chunks: BTreeMap<u64, Vec<u8>>,
    counters: BTreeMap<PublicKey, u64>,
    derived: BTreeMap<String, Vec<u8>>,
    appends_until_failure: Option<u64>,
}

/// Memory storage. Clones share the same contents, so a test can "reopen" a store by
/// building a new log over a clone.
#[derive(Clone, Default)]
pub struct MemoryStorage {
    contents: Arc<Mutex<Contents>>,
}

impl MemoryStorage {
    pub fn new() -> Self {
        Self::default()
    }

    /// The next `successful_appends` appends succeed; the one after fails without writing.
    pub fn fail_after(&self, successful_appends: u64) {
        self.lock().appends_until_failure = Some(successful_appends);
    }

    /// Overwrites a stored chunk's bytes, to simulate corruption on the medium.
    pub fn corrupt_chunk(&self, first_seq: u64, edit: impl FnOnce(&mut Vec<u8>)) {
        if let Some(bytes) = self.lock().chunks.get_mut(&first_seq) {
            edit(bytes);
        }
    }

    fn lock(&self) -> MutexGuard<'_, Contents> {
        // A poisoned lock only means another test thread panicked; the data is still whole.
        self.contents
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Storage for MemoryStorage {
    fn append_chunk(&mut self, chunk: ChunkWrite<'_>) -> Result<(), StorageError> {
        let mut contents = self.lock();
        if let Some(remaining) = contents.appends_until_failure.as_mut() {
            if *remaining == 0 {
                return Err(StorageError::InjectedFault("append failed".into()));
            }
            *remaining -= 1;
        }
        contents
            .chunks
            .insert(chunk.first_seq, chunk.framed_records.to_vec());
        for (author, counter) in chunk.author_counters {
            contents.counters.insert(*author, *counter);
        }
        Ok(())
    }

    fn last_chunk(&self) -> Result<Option<StoredChunk>, StorageError> {
        Ok(self.lock().chunks.iter().next_back().map(to_stored))
    }

    fn chunk_containing(&self, seq: u64) -> Result<Option<StoredChunk>, StorageError> {
        Ok(self.lock().chunks.range(..=seq).next_back().map(to_stored))
    }

    fn chunks_from(
        &self,
        seq: u64,
    ) -> Box<dyn Iterator<Item = Result<StoredChunk, StorageError>> + '_> {
        let contents = self.lock();
        let start = contents
            .chunks
            .range(..=seq)
            .next_back()
            .map_or(seq, |(first, _)| *first);
        let chunks: Vec<_> = contents.chunks.range(start..).map(to_stored).collect();
        Box::new(chunks.into_iter().map(Ok))
    }

    fn author_counter(&self, author: &PublicKey) -> Result<Option<u64>, StorageError> {
        Ok(self.lock().counters.get(author).copied())
    }

    fn known_counters(&self) -> Option<std::collections::BTreeMap<PublicKey, u64>> {
        Some(self.lock().counters.clone())
    }

    fn put_derived(&mut self, key: &str, value: &[u8]) -> Result<(), StorageError> {
        self.lock().derived.insert(key.to_owned(), value.to_vec());
        Ok(())
    }

    fn get_derived(&self, key: &str) -> Result<Option<Vec<u8>>, StorageError> {
        Ok(self.lock().derived.get(key).cloned())
    }
}

fn to_stored((first_seq, bytes): (&u64, &Vec<u8>)) -> StoredChunk {
    StoredChunk {
        first_seq: *first_seq,
        framed_records: bytes.clone(),
    }
}
