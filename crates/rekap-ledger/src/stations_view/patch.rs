//! The stations view brought forward from the view of an earlier head of the same log
//! instead of built whole: the rows, the code index and the text depend on the definition
//! alone, so they are copied (no 818k codes laid out and sorted again); the slots, the
//! counts and the record list are computed from the state, and only the records appended
//! since the earlier head are located in the segment file. The result is byte for byte the
//! view [`super::encode`] builds (tests/it/view.rs holds the two equal).

use rekap_log::storage::locate::RecordLocation;
use rekap_log::Head;
use rekap_model::State;
use rekap_projection::Projection;

use super::{assemble, current_sheet_records, directory_of, FixedParts, PREAMBLE_BYTES};
use crate::view::TotalsView;

/// The body of the stations view at `head` (where `state`, `projection` and `totals` are),
/// brought forward from `earlier`, the body of the stations view of `earlier_head` of the
/// same log. `locate(seqs)` says where records appended since are in the log. `None` when
/// `earlier` is not a view of `earlier_head`, or is damaged: build it whole instead.
pub(crate) fn brought_forward(
    earlier: &[u8],
    earlier_head: &Head,
    state: &State,
    projection: &Projection,
    totals: &TotalsView,
    head: &Head,
    locate: impl FnOnce(&[u64]) -> Option<Vec<RecordLocation>>,
) -> Option<Vec<u8>> {
    let read = |offset: u64, length: u64| {
        let end = usize::try_from(offset.checked_add(length)?).ok()?;
        earlier.get(usize::try_from(offset).ok()?..end)
    };
    let directory = directory_of(
        |offset, length| {
            read(offset, length)
                .map(<[u8]>::to_vec)
                .ok_or_else(|| super::damaged("a range outside the body"))
        },
        earlier.len() as u64,
    )
    .ok()?;
    let same_head =
        (directory.head_count, directory.head_hash) == (earlier_head.count, earlier_head.last_hash);
    if !same_head || head.count < earlier_head.count || directory.rows_offset != PREAMBLE_BYTES {
        return None;
    }
    let seqs = current_sheet_records(state);
    let appended: Vec<u64> = seqs
        .iter()
        .copied()
        .filter(|seq| *seq > earlier_head.count)
        .collect();
    let mut locations = Vec::with_capacity(seqs.len());
    for seq in seqs.iter().filter(|seq| **seq <= earlier_head.count) {
        // A current sheet's record from before is in the earlier list (it was current then
        // too, or no later record replaced it): otherwise the earlier view is not this log's.
        let kept = (directory.records)
            .binary_search_by_key(seq, |record| record.seq)
            .ok()?;
        let record = &directory.records[kept];
        locations.push(RecordLocation {
            seq: record.seq,
            offset: record.offset,
            length: record.length,
            hash: record.hash,
        });
    }
    if !appended.is_empty() {
        let located = locate(&appended)?;
        if located.len() != appended.len() {
            return None;
        }
        locations.extend(located);
    }
    let fixed = FixedParts {
        rows: read(
            directory.rows_offset,
            directory.index_offset - directory.rows_offset,
        )?,
        index: read(
            directory.index_offset,
            directory.slots_offset - directory.index_offset,
        )?,
        text: read(directory.text_offset, directory.text_length)?,
    };
    if directory.station_count != state.election().tree().station_count() {
        return None;
    }
    assemble(state, projection, totals, head, &locations, &fixed)
}
