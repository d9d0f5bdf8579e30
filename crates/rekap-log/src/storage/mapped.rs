//! A segment store's committed records read in place: the segment file mapped, its frames
//! walked borrowed, nothing copied. The reading path of the fast rollup, which must read
//! some hundred megabytes in a few milliseconds (docs/PERFORMANCE.md).
//!
//! What it checks: the store's marker and lock (shared, as any reader), every chunk header
//! and commit trailer (only committed chunks are read; an uncommitted tail is left unread,
//! as by any reader), the evidence of cut chunks a saved view gives, and that every frame
//! parses as a record with the next sequence number, each chunk holding the records its
//! header counts. What it does not: the frames' checksums, the hash chain and the
//! signatures, which are the audit's (`rekap verify`, `rekap audit`); a caller that needs
//! them opens the store with [`super::segment::SegmentStorage`] or verifies.
//!
//! Why mapped: a copy of a national store's 120 MB into a fresh buffer costs tens of
//! milliseconds (the buffer's pages are faulted in and zeroed, then written), which is the
//! whole budget of the rollup; a mapping of the pages already in the page cache costs a
//! few.

use std::fs::File;
use std::path::{Path, PathBuf};

use memmap2::{Mmap, MmapOptions};

use super::chunk::{self, CommittedChunk, Tail, HEADER_BYTES};
use super::segment::{SegmentStorage, MARKER_CONTENTS, SEGMENT_FILE};
use super::store_dir::{io_error, lock_store_as};
use super::view_file;
use super::StorageError;
use crate::frame::Frames;
use crate::record::RecordView;

/// The committed chunks of a store's segment file, mapped.
pub struct MappedLog {
    path: PathBuf,
    /// `None` for an empty log (nothing to map).
    map: Option<Mmap>,
    chunks: Vec<CommittedChunk>,
    /// The store's lock, shared: no appending command opens the store while it is held,
    /// and no rekap command ever rewrites bytes of committed chunks.
    _lock: File,
}

impl MappedLog {
    /// Opens the store at `path` to read its committed records. Refuses a store whose
    /// chunks are damaged (a header or trailer that no crash leaves, chunks cut short).
    pub fn open(path: &Path) -> Result<MappedLog, StorageError> {
        if !SegmentStorage::is_store(path) {
            return Err(super::not_a_store(path, MARKER_CONTENTS));
        }
        let lock = lock_store_as(path, true)?;
        let file = File::open(path.join(SEGMENT_FILE))
            .map_err(|error| io_error(path, &error.to_string()))?;
        let io = |error: std::io::Error| io_error(path, &error.to_string());
        let length = file.metadata().map_err(io)?.len();
        let scan = chunk::scan_headers(&file, length).map_err(io)?;
        let damaged = |offset: u64, reason: String| StorageError::Damaged {
            path: path.display().to_string(),
            offset,
            reason,
        };
        if let Tail::Damaged { offset, why } = scan.tail {
            return Err(damaged(offset, why));
        }
        if let Some((name, mark)) = view_file::saved_end_marks(path)
            .into_iter()
            .find(|(_, mark)| mark.segment_length > scan.end)
        {
            return Err(damaged(
                scan.end,
                format!(
                    "the committed chunks end at byte {}, but reached byte {} when {name}.view \
                     was saved: committed records are missing",
                    scan.end, mark.segment_length
                ),
            ));
        }
        let map = match scan.end {
            0 => None,
            end => {
                let length = usize::try_from(end).map_err(|_| damaged(end, "too long".into()))?;
                // SAFETY: the mapping is read only and covers committed chunks, which no
                // rekap command writes again (the file is append-only; an appending open
                // cuts only an uncommitted tail, after the last committed chunk, and takes
                // the store's lock exclusively, which this reader holds shared). A process
                // outside rekap that truncates the file under a reader can still fault it.
                let map = unsafe { MmapOptions::new().len(length).map(&file) };
                Some(map.map_err(io)?)
            }
        };
        Ok(MappedLog {
            path: path.to_owned(),
            map,
            chunks: scan.chunks,
            _lock: lock,
        })
    }

    /// Maps every page of the file now (the kernel's populate-read), so that reading it
    /// later takes no page faults: a thread can do this while another decodes the genesis.
    /// Only a hint: a kernel without it (before Linux 5.14) faults the pages in as read.
    pub fn prefetch(&self) {
        if let Some(map) = &self.map {
            #[cfg(target_os = "linux")]
            let _ = map.advise(memmap2::Advice::PopulateRead);
            #[cfg(not(target_os = "linux"))]
            let _ = map;
        }
    }

    /// [`MappedLog::prefetch`] of the `part`th of `parts` equal byte ranges of the mapping
    /// (0-based): the share of one reading thread, the others faulting theirs as they read.
    pub fn prefetch_part(&self, part: usize, parts: usize) {
        if let Some((map, range)) = self.map.as_ref().zip(share(self.len(), part, parts)) {
            #[cfg(target_os = "linux")]
            let _ = map.advise_range(memmap2::Advice::PopulateRead, range.start, range.len());
            #[cfg(not(target_os = "linux"))]
            let _ = (map, range);
        }
    }

    /// Unmaps the file, its page tables torn down on `threads` threads at once (each drops
    /// its share's pages, then the mapping goes): a national store's 53k mapped pages take
    /// milliseconds on one core, the last serial step of a rollup.
    pub fn release(mut self, threads: usize) {
        let Some(map) = self.map.take() else {
            return;
        };
        let length = map.len();
        std::thread::scope(|scope| {
            for part in 1..threads.max(1) {
                let map = &map;
                scope.spawn(move || drop_pages(map, share(length, part, threads)));
            }
            drop_pages(&map, share(length, 0, threads));
        });
        drop(map);
    }

    fn len(&self) -> usize {
        self.map.as_ref().map_or(0, |map| map.len())
    }

    /// How many committed records the log holds.
    pub fn record_count(&self) -> u64 {
        self.chunks.last().map_or(0, |chunk| {
            chunk.header.first_seq + chunk.header.record_count - 1
        })
    }

    /// Every committed record, in order, read in place.
    pub fn records(&self) -> Result<Vec<RecordView<'_>>, StorageError> {
        let bytes = self.map.as_deref().unwrap_or_default();
        let capacity = usize::try_from(self.record_count()).unwrap_or(0);
        let mut records = Vec::with_capacity(capacity.min(1 << 20));
        for chunk in &self.chunks {
            let damaged = |reason: String| StorageError::Damaged {
                path: self.path.display().to_string(),
                offset: chunk.frames_offset(),
                reason,
            };
            let start = chunk.offset as usize + HEADER_BYTES;
            let frames = bytes
                .get(start..start + chunk.header.frames_length as usize)
                .ok_or_else(|| damaged("the chunk lies outside the file".into()))?;
            let before = records.len() as u64;
            for frame in Frames::new(frames) {
                let frame = frame.map_err(|error| damaged(format!("a record's frame: {error}")))?;
                let record = RecordView::parse(frame)
                    .map_err(|error| damaged(format!("a record does not parse: {error}")))?;
                let expected = chunk.header.first_seq + (records.len() as u64 - before);
                if record.seq != expected {
                    return Err(damaged(format!(
                        "record {} where {expected} was expected",
                        record.seq
                    )));
                }
                records.push(record);
            }
            let read = records.len() as u64 - before;
            if read != chunk.header.record_count {
                return Err(damaged(format!(
                    "the chunk holds {read} records where its header counts {}",
                    chunk.header.record_count
                )));
            }
        }
        Ok(records)
    }
}

/// Of `length` bytes, the `part`th of `parts` equal ranges (0-based), cut at 2 MiB so that
/// threads working on neighbouring ranges share no page table.
fn share(length: usize, part: usize, parts: usize) -> Option<std::ops::Range<usize>> {
    const CUT: usize = 2 << 20;
    let parts = parts.max(1);
    let cut = |part: usize| (length / parts * part).next_multiple_of(CUT).min(length);
    let range = cut(part)..if part + 1 >= parts {
        length
    } else {
        cut(part + 1)
    };
    (part < parts && !range.is_empty()).then_some(range)
}

#[cfg(target_os = "linux")]
fn drop_pages(map: &Mmap, range: Option<std::ops::Range<usize>>) {
    if let Some(range) = range {
        // SAFETY: the mapping is of a file, read only, and no longer read (its owner is
        // being released, so nothing borrows it): dropping its pages only unmaps them
        // from this process, the file and the page cache keep them.
        let _ = unsafe {
            map.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, range.start, range.len())
        };
    }
}

#[cfg(not(target_os = "linux"))]
fn drop_pages(_map: &Mmap, _range: Option<std::ops::Range<usize>>) {}

#[cfg(test)]
mod tests {
    use super::share;

    /// The shares of any length cover it exactly, in order, without overlap, each cut at
    /// 2 MiB but the end.
    #[test]
    fn the_shares_cover_the_mapping_exactly() {
        for length in [
            0,
            1,
            4096,
            (2 << 20) - 1,
            2 << 20,
            (5 << 20) + 17,
            216_200_000,
        ] {
            for parts in 1..5 {
                let mut end = 0;
                for part in 0..parts + 1 {
                    if let Some(range) = share(length, part, parts) {
                        assert_eq!(range.start, end, "length {length}, part {part}/{parts}");
                        assert!(range.start % (2 << 20) == 0);
                        end = range.end;
                    }
                }
                assert_eq!(end, length, "length {length}, {parts} parts");
            }
        }
    }
}
