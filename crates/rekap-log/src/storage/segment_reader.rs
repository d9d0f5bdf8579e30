//! Reading a segment file beside its writer, without a lock and without the writer's
//! thread: the chunks a [`SegmentReader`] sees are those the writer published after their
//! second fsync (see `segment.rs`, steps 1-4), so a reader never reads a torn or
//! unacknowledged chunk, whatever the writer is doing at that moment.
//!
//! The writer publishes each committed chunk's first seq and offset in a [`ChunkIndex`],
//! an append-only list that readers search with atomic loads only: entries are written
//! before the count that covers them is stored (release), and a reader reads no entry past
//! the count it loaded (acquire). The bytes of a published chunk never change while the
//! store is open (an appending open cuts an uncommitted tail before anything is
//! published), so a reader checks a chunk's header and frames against their checksums and
//! reads nothing past the chunk's end.

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use super::chunk::{ChunkHeader, HEADER_BYTES};
use super::store_dir::io_error;
use super::{StorageError, StoredChunk};

/// Entries per block of the index (blocks are allocated as the log grows).
const BLOCK_ENTRIES: usize = 4096;
/// Blocks of the index: room for 2^24 chunks (append batches, one per group commit), 100
/// KiB of empty slots per open store.
const MAX_BLOCKS: usize = 1 << 12;

/// One published chunk: its first record's seq and where its header starts in the file.
struct Entry {
    first_seq: AtomicU64,
    offset: AtomicU64,
}

/// The committed chunks of a segment file, in order; appended by the one writer, searched
/// by any number of readers without a lock.
pub struct ChunkIndex {
    blocks: Box<[OnceLock<Box<[Entry]>>]>,
    /// Entries published; every entry below it is written.
    count: AtomicUsize,
}

impl Default for ChunkIndex {
    fn default() -> Self {
        ChunkIndex {
            blocks: (0..MAX_BLOCKS).map(|_| OnceLock::new()).collect(),
            count: AtomicUsize::new(0),
        }
    }
}

impl ChunkIndex {
    /// Publishes the next chunk. Only the storage that appends calls this, one at a time
    /// (it holds `&mut` of the storage), after the chunk is durable.
    pub(crate) fn push(&self, first_seq: u64, offset: u64) {
        let index = self.count.load(Ordering::Relaxed);
        let Some(block) = self.blocks.get(index / BLOCK_ENTRIES) else {
            // Past 2^24 chunks readers stop seeing new ones; the writer is unaffected.
            return;
        };
        let block = block.get_or_init(|| {
            (0..BLOCK_ENTRIES)
                .map(|_| Entry {
                    first_seq: AtomicU64::new(0),
                    offset: AtomicU64::new(0),
                })
                .collect()
        });
        let entry = &block[index % BLOCK_ENTRIES];
        entry.first_seq.store(first_seq, Ordering::Relaxed);
        entry.offset.store(offset, Ordering::Relaxed);
        self.count.store(index + 1, Ordering::Release);
    }

    /// How many chunks are published.
    pub fn len(&self) -> usize {
        self.count.load(Ordering::Acquire)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The first seq and offset of published chunk `index` (below a count loaded before).
    fn get(&self, index: usize) -> Option<(u64, u64)> {
        let entry = self
            .blocks
            .get(index / BLOCK_ENTRIES)?
            .get()?
            .get(index % BLOCK_ENTRIES)?;
        Some((
            entry.first_seq.load(Ordering::Relaxed),
            entry.offset.load(Ordering::Relaxed),
        ))
    }

    /// The index of the published chunk holding `seq` (the last whose first seq is at or
    /// before it), among the first `count`.
    fn containing(&self, seq: u64, count: usize) -> Option<usize> {
        let (mut low, mut high) = (0, count);
        while low < high {
            let middle = low + (high - low) / 2;
            match self.get(middle) {
                Some((first_seq, _)) if first_seq <= seq => low = middle + 1,
                _ => high = middle,
            }
        }
        low.checked_sub(1)
    }
}

/// A reader of the committed chunks of one store's segment file, for other threads than
/// the one appending (`rekap serve`'s request threads). Cheap to clone.
#[derive(Clone)]
pub struct SegmentReader {
    path: PathBuf,
    file: Arc<File>,
    index: Arc<ChunkIndex>,
}

impl SegmentReader {
    pub(crate) fn new(path: &Path, file: File, index: Arc<ChunkIndex>) -> Self {
        SegmentReader {
            path: path.to_owned(),
            file: Arc::new(file),
            index,
        }
    }

    /// Records in the published chunks: the durable length of the log, in records.
    pub fn record_count(&self) -> Result<u64, StorageError> {
        let count = self.index.len();
        match count.checked_sub(1) {
            None => Ok(0),
            Some(last) => {
                let header = self.header_of(last)?.0;
                Ok(header.first_seq + header.record_count - 1)
            }
        }
    }

    /// Bytes of the segment file up to the end of the last published chunk: the durable
    /// size of the log on disk (an append in progress past it is not counted).
    pub fn durable_bytes(&self) -> Result<u64, StorageError> {
        match self.index.len().checked_sub(1) {
            None => Ok(0),
            Some(last) => {
                let (header, offset) = self.header_of(last)?;
                Ok(offset + header.chunk_bytes())
            }
        }
    }

    /// Published chunks in order, from the one holding `seq` (from the first if none
    /// does), as far as the writer had published when this was called.
    pub fn chunks_from(
        &self,
        seq: u64,
    ) -> impl Iterator<Item = Result<StoredChunk, StorageError>> + '_ {
        let count = self.index.len();
        let start = self.index.containing(seq, count).unwrap_or(0);
        (start..count).map(move |index| self.read_chunk(index))
    }

    /// The header of published chunk `index` and its offset, checked.
    fn header_of(&self, index: usize) -> Result<(ChunkHeader, u64), StorageError> {
        let (first_seq, offset) = self
            .index
            .get(index)
            .ok_or_else(|| self.damaged(0, "a published chunk is missing from the index"))?;
        let mut bytes = [0u8; HEADER_BYTES];
        self.file
            .read_exact_at(&mut bytes, offset)
            .map_err(|error| io_error(&self.path, &error.to_string()))?;
        let header = ChunkHeader::decode(&bytes).map_err(|why| self.damaged(offset, why))?;
        if header.first_seq != first_seq || header.record_count == 0 {
            return Err(self.damaged(offset, "the chunk header is not the one published"));
        }
        Ok((header, offset))
    }

    fn read_chunk(&self, index: usize) -> Result<StoredChunk, StorageError> {
        let (header, offset) = self.header_of(index)?;
        let frames_offset = offset + HEADER_BYTES as u64;
        let length = usize::try_from(header.frames_length)
            .map_err(|_| self.damaged(offset, "the chunk is larger than memory"))?;
        let mut frames = vec![0u8; length];
        self.file
            .read_exact_at(&mut frames, frames_offset)
            .map_err(|error| io_error(&self.path, &error.to_string()))?;
        if blake3::hash(&frames).as_bytes() != &header.frames_hash {
            return Err(self.damaged(
                frames_offset,
                &format!(
                    "the records of the chunk from seq {} do not match its checksum",
                    header.first_seq
                ),
            ));
        }
        Ok(StoredChunk {
            first_seq: header.first_seq,
            framed_records: frames,
        })
    }

    fn damaged(&self, offset: u64, reason: &str) -> StorageError {
        StorageError::Damaged {
            path: self.path.display().to_string(),
            offset,
            reason: reason.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::super::segment::SegmentStorage;
    use super::super::{ChunkWrite, Storage};
    use super::*;
    use crate::frame::push_frame;

    /// Appends a chunk of `count` records of filler bytes after `first_seq - 1`.
    fn append(storage: &mut SegmentStorage, first_seq: u64, count: u64) -> Vec<u8> {
        let mut frames = Vec::new();
        for seq in first_seq..first_seq + count {
            // Filler as long as a small record: frames are checked for a record's length.
            push_frame(&mut frames, &[seq as u8; 256]);
        }
        storage
            .append_chunk(ChunkWrite {
                first_seq,
                record_count: count,
                framed_records: &frames,
                author_counters: &[],
            })
            .expect("append");
        frames
    }

    fn read_all(reader: &SegmentReader, seq: u64) -> Vec<StoredChunk> {
        reader
            .chunks_from(seq)
            .collect::<Result<_, _>>()
            .expect("read")
    }

    #[test]
    fn a_reader_sees_each_append_once_it_is_durable_and_as_the_storage_reads_it() {
        let directory = tempfile::tempdir().expect("tempdir");
        let path = directory.path().join("store");
        let mut storage = SegmentStorage::create(&path).expect("create");
        let reader = storage.reader().expect("reader");
        assert_eq!(reader.record_count().expect("count"), 0);
        assert!(read_all(&reader, 1).is_empty());
        append(&mut storage, 1, 3);
        append(&mut storage, 4, 2);
        assert_eq!(reader.record_count().expect("count"), 5);
        append(&mut storage, 6, 4);
        assert_eq!(reader.record_count().expect("count"), 9);
        for seq in 1..=9 {
            let stored: Vec<StoredChunk> = storage
                .chunks_from(seq)
                .collect::<Result<_, _>>()
                .expect("storage");
            assert_eq!(read_all(&reader, seq), stored, "from seq {seq}");
        }
        // A reader made after reopening sees what the open found.
        drop((storage, reader));
        let storage = SegmentStorage::open(&path).expect("open");
        let reader = storage.reader().expect("reader");
        assert_eq!(reader.record_count().expect("count"), 9);
        assert_eq!(read_all(&reader, 5).len(), 2);
    }

    #[test]
    fn bytes_after_the_last_durable_chunk_are_never_read() {
        let directory = tempfile::tempdir().expect("tempdir");
        let path = directory.path().join("store");
        let mut storage = SegmentStorage::create(&path).expect("create");
        let frames = append(&mut storage, 1, 2);
        let reader = storage.reader().expect("reader");
        // What an append in flight leaves before its trailer: a header and frames that
        // look like a chunk, not yet committed nor published.
        let header = ChunkHeader::for_frames(3, 2, &frames);
        let mut segment = std::fs::OpenOptions::new()
            .append(true)
            .open(path.join(super::super::segment::SEGMENT_FILE))
            .expect("segment");
        segment.write_all(&header.encode()).expect("write");
        segment.write_all(&frames).expect("write");
        assert_eq!(reader.record_count().expect("count"), 2);
        let chunks = read_all(&reader, 3);
        assert_eq!(chunks.len(), 1);
        assert_eq!(chunks[0].first_seq, 1);
    }

    #[test]
    fn a_published_chunk_whose_bytes_changed_is_damage_not_data() {
        let directory = tempfile::tempdir().expect("tempdir");
        let path = directory.path().join("store");
        let mut storage = SegmentStorage::create(&path).expect("create");
        append(&mut storage, 1, 2);
        let reader = storage.reader().expect("reader");
        let segment = std::fs::OpenOptions::new()
            .write(true)
            .open(path.join(super::super::segment::SEGMENT_FILE))
            .expect("segment");
        // Flip a byte of the first record's frame.
        segment
            .write_all_at(b"X", HEADER_BYTES as u64 + 4)
            .expect("write");
        let read: Result<Vec<_>, _> = reader.chunks_from(1).collect();
        assert!(
            matches!(read, Err(StorageError::Damaged { .. })),
            "{read:?}"
        );
    }

    #[test]
    fn readers_on_other_threads_never_see_a_chunk_before_it_is_whole() {
        let directory = tempfile::tempdir().expect("tempdir");
        let path = directory.path().join("store");
        let mut storage = SegmentStorage::create(&path).expect("create");
        let reader = storage.reader().expect("reader");
        let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let readers: Vec<_> = (0..2)
            .map(|_| {
                let (reader, done) = (reader.clone(), done.clone());
                std::thread::spawn(move || {
                    let mut last = 0;
                    let mut reads = 0u64;
                    while !done.load(Ordering::Acquire) || reads == 0 {
                        let chunks = read_all(&reader, 1);
                        let mut next = 1;
                        for chunk in &chunks {
                            assert_eq!(chunk.first_seq, next, "chunks in order, none torn");
                            next += crate::frame::Frames::new(&chunk.framed_records).count() as u64;
                        }
                        assert!(next > last, "the durable length never shrinks");
                        last = next - 1;
                        reads += 1;
                    }
                    last
                })
            })
            .collect();
        let mut next = 1;
        for count in 1..=60 {
            append(&mut storage, next, count % 7 + 1);
            next += count % 7 + 1;
        }
        done.store(true, Ordering::Release);
        for reader in readers {
            assert!(reader.join().expect("reader") < next);
        }
        assert_eq!(reader.record_count().expect("count"), next - 1);
    }
}
