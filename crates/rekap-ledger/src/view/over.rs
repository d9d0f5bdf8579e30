//! A totals view read from its file block by block, and the view of a later head written
//! over it: what an append that changes no sheet (`crate::thin`) uses, so that one approval
//! reads and writes the few lines it changes and the directory, not the 14 MB of a national
//! view (docs/ARCHITECTURE.md, "An append writes what it changed").
//!
//! The earlier view and the one written over it share one [`ViewReader`] (one open file,
//! one shared lock, each block read and checked once). A save in place must not find the
//! file held by this very process: the caller drops both views before it saves.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use rekap_log::storage::view_file::ViewReader;
use rekap_log::{Log, Storage};

use super::{TotalsView, ViewError, ViewSource, TOTALS_VIEW};

/// A view file's reader, shared by the views read from it.
#[derive(Clone)]
pub(crate) struct SharedReader(Arc<Mutex<ViewReader>>);

impl ViewSource for SharedReader {
    fn length(&self) -> u64 {
        self.reader().body_length()
    }

    fn read(&self, offset: u64, length: u64) -> Result<Cow<'_, [u8]>, ViewError> {
        Ok(Cow::Owned(self.reader().read(offset, length)?))
    }

    fn shared(&self) -> Option<Box<dyn ViewSource>> {
        Some(Box::new(self.clone()))
    }
}

impl SharedReader {
    fn reader(&self) -> std::sync::MutexGuard<'_, ViewReader> {
        // A reader whose holder panicked mid-read is still a reader of checked blocks.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// An earlier view's bytes with byte ranges written over them: the body of a later head
/// before it is saved. The ranges do not overlap and lie inside the body.
pub(crate) struct WrittenOver {
    base: Box<dyn ViewSource>,
    /// Offset to the bytes written there.
    changes: BTreeMap<u64, Vec<u8>>,
}

impl WrittenOver {
    /// `changes` over `base`; `None` if one overlaps another or ends past the body.
    pub(crate) fn new(
        base: Box<dyn ViewSource>,
        changes: BTreeMap<u64, Vec<u8>>,
    ) -> Option<WrittenOver> {
        let mut end_of_last = 0;
        for (offset, bytes) in &changes {
            let end = offset.checked_add(bytes.len() as u64)?;
            if *offset < end_of_last || end > base.length() {
                return None;
            }
            end_of_last = end;
        }
        Some(WrittenOver { base, changes })
    }
}

impl ViewSource for WrittenOver {
    fn length(&self) -> u64 {
        self.base.length()
    }

    fn read(&self, offset: u64, length: u64) -> Result<Cow<'_, [u8]>, ViewError> {
        read_over(self.base.as_ref(), &self.changes, offset, length)
    }

    fn written_over(&self) -> Option<&BTreeMap<u64, Vec<u8>>> {
        Some(&self.changes)
    }
}

/// `length` bytes at `offset` of `base` with `changes` (offset to bytes, not overlapping)
/// written over them.
pub(crate) fn read_over<'a>(
    base: &'a dyn ViewSource,
    changes: &'a BTreeMap<u64, Vec<u8>>,
    offset: u64,
    length: u64,
) -> Result<Cow<'a, [u8]>, ViewError> {
    let end = (offset.checked_add(length))
        .ok_or_else(|| ViewError(format!("no bytes {offset}+{length}")))?;
    // A range wholly inside one change (a line read back) is that change's bytes.
    if let Some((start, bytes)) = changes.range(..=offset).next_back() {
        if end <= start + bytes.len() as u64 {
            let from = (offset - start) as usize;
            return Ok(Cow::Borrowed(&bytes[from..from + length as usize]));
        }
    }
    let mut out = base.read(offset, length)?.into_owned();
    for (start, bytes) in changes.range(..end) {
        let change_end = start + bytes.len() as u64;
        if change_end <= offset {
            continue;
        }
        let (from, to) = ((*start).max(offset), change_end.min(end));
        out[(from - offset) as usize..(to - offset) as usize]
            .copy_from_slice(&bytes[(from - start) as usize..(to - start) as usize]);
    }
    Ok(Cow::Owned(out))
}

/// The saved totals view of `log`'s head read block by block from its file (with the file's
/// header checksum, which a save in place names), if the storage keeps view files; else
/// the whole body as [`super::read_totals_view`] reads it. `None` if it is missing, damaged
/// or not of the head.
pub(crate) fn totals_view_by_blocks<S: Storage>(
    log: &Log<S>,
) -> Option<(TotalsView, Option<[u8; 32]>)> {
    let head = log.head();
    let Some(reader) = log.storage().view_reader_of_any_head(TOTALS_VIEW).ok()? else {
        return Some((super::read_totals_view(log).ok()??, None));
    };
    let checksum = reader.header_checksum();
    let source = SharedReader(Arc::new(Mutex::new(reader)));
    let view = TotalsView::from_source(Box::new(source)).ok()?;
    let current = view.head_count() == head.count && view.head_hash() == head.last_hash;
    current.then_some((view, Some(checksum)))
}

/// `old_body` with `changes` written over it.
pub(crate) fn written_whole(old_body: &[u8], changes: &BTreeMap<u64, Vec<u8>>) -> Option<Vec<u8>> {
    let mut body = old_body.to_vec();
    for (offset, bytes) in changes {
        let start = usize::try_from(*offset).ok()?;
        body.get_mut(start..start.checked_add(bytes.len())?)?
            .copy_from_slice(bytes);
    }
    Some(body)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::{read_over, written_whole, WrittenOver};
    use crate::view::ViewSource;

    /// A body and changes over it that do not overlap: each change is `(gap, bytes)` after
    /// the end of the one before.
    fn body_and_changes() -> impl Strategy<Value = (Vec<u8>, BTreeMap<u64, Vec<u8>>)> {
        let changes =
            prop::collection::vec((0u64..40, prop::collection::vec(any::<u8>(), 1..20)), 0..8);
        (prop::collection::vec(any::<u8>(), 200..300), changes).prop_map(|(body, spans)| {
            let mut changes = BTreeMap::new();
            let mut at = 0;
            for (gap, bytes) in spans {
                let start = at + gap;
                if start + bytes.len() as u64 > body.len() as u64 {
                    break;
                }
                at = start + bytes.len() as u64;
                changes.insert(start, bytes);
            }
            (body, changes)
        })
    }

    proptest! {
        /// Any range read over the changes is that range of the body with the changes
        /// written into it whole.
        #[test]
        fn a_range_read_over_changes_is_the_range_of_the_body_written_whole(
            (body, changes) in body_and_changes(),
            offset in 0u64..300,
            length in 0u64..120,
        ) {
            let whole = written_whole(&body, &changes).expect("changes inside the body");
            let read = read_over(&body, &changes, offset, length);
            let end = (offset + length) as usize;
            match whole.get(offset as usize..end) {
                Some(expected) => prop_assert_eq!(&read.expect("inside the body")[..], expected),
                None => prop_assert!(read.is_err()),
            }
            let over = WrittenOver::new(Box::new(body.clone()), changes.clone()).unwrap();
            prop_assert_eq!(over.length(), body.len() as u64);
            prop_assert_eq!(over.written_over(), Some(&changes));
        }
    }

    #[test]
    fn changes_that_overlap_or_end_past_the_body_are_refused() {
        let body = vec![0u8; 64];
        let overlapping = BTreeMap::from([(0, vec![1; 10]), (9, vec![2; 4])]);
        assert!(WrittenOver::new(Box::new(body.clone()), overlapping).is_none());
        let past_the_end = BTreeMap::from([(60, vec![1; 5])]);
        assert!(WrittenOver::new(Box::new(body.clone()), past_the_end).is_none());
        let touching = BTreeMap::from([(0, vec![1; 10]), (10, vec![2; 54])]);
        assert!(WrittenOver::new(Box::new(body), touching).is_some());
    }
}
