//! The stations view brought forward from the view of an earlier head of the same log
//! instead of built whole: the rows, the code index and the text depend on the definition
//! alone, so they are copied (no 818k codes laid out and sorted again); the slots, the
//! counts and the record list are computed from the state, and only the records appended
//! since the earlier head are located in the segment file; `status`'s per-level counts are
//! the earlier ones with the regions whose totals line changed counted again. The result is
//! byte for byte the view [`super::encode`] builds (tests/it/view.rs and after_append.rs
//! hold the two equal).

use rekap_log::storage::locate::RecordLocation;
use rekap_log::Head;
use rekap_model::State;
use rekap_projection::Projection;

use super::{
    assemble, current_sheet_records, directory_of, open_objections_in, Directory, FixedParts,
    ScopeLevels, CONFIG, PREAMBLE_BYTES,
};
use crate::view::{Selection, TotalsView, ViewRegion};

/// What a stations view is brought forward from: the stations view of an earlier head of
/// the same log, and the totals view of that head if the new one was brought forward from
/// it (then their changed lines are the rewritten ones).
pub(crate) struct Earlier<'a> {
    pub(crate) stations: &'a [u8],
    pub(crate) head: &'a Head,
    pub(crate) totals: Option<&'a TotalsView>,
}

/// The body of the stations view at `head` (where `state`, `projection` and `totals` are),
/// brought forward from `earlier`. `locate(seqs)` says where records appended since are in
/// the log. `None` when `earlier.stations` is not a view of `earlier.head`, or is damaged:
/// build it whole instead.
pub(crate) fn brought_forward(
    earlier: Earlier<'_>,
    state: &State,
    projection: &Projection,
    totals: &TotalsView,
    head: &Head,
    locate: impl FnOnce(&[u64]) -> Option<Vec<RecordLocation>>,
) -> Option<Vec<u8>> {
    let earlier_head = earlier.head;
    let read = |offset: u64, length: u64| {
        let end = usize::try_from(offset.checked_add(length)?).ok()?;
        earlier.stations.get(usize::try_from(offset).ok()?..end)
    };
    let directory = directory_of(
        |offset, length| {
            read(offset, length)
                .map(<[u8]>::to_vec)
                .ok_or_else(|| super::damaged("a range outside the body"))
        },
        earlier.stations.len() as u64,
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
    let scope_levels = earlier.totals.and_then(|earlier_totals| {
        level_counts_brought_forward(&directory.scope_levels, earlier_totals, totals)
    });
    assemble(
        state,
        projection,
        totals,
        head,
        &locations,
        &fixed,
        scope_levels,
    )
}

/// A saved stations view's directory and where it is in the body: all that an append
/// changing no sheet rewrites (with the 16-byte preamble that points at it).
pub(crate) struct DirectoryPart {
    directory: Directory,
    directory_offset: u64,
}

impl DirectoryPart {
    /// Whether this is the directory of a view of `head`.
    pub(crate) fn is_of(&self, head: &Head) -> bool {
        (self.directory.head_count, self.directory.head_hash) == (head.count, head.last_hash)
    }

    /// The directory of a body of `body_length` bytes read through `read(offset, length)`
    /// (a whole body in memory, or a view file block by block); `None` if damaged.
    pub(crate) fn read(
        read: impl Fn(u64, u64) -> Result<Vec<u8>, crate::view::ViewError>,
        body_length: u64,
    ) -> Option<DirectoryPart> {
        let directory = directory_of(read, body_length).ok()?;
        let directory_offset = directory.text_offset.checked_add(directory.text_length)?;
        Some(DirectoryPart {
            directory,
            directory_offset,
        })
    }
}

/// What an append changing no sheet rewrites of the stations view: the preamble (at 0) and
/// the directory (from `directory_offset` to the end of the new body), encoded, and the new
/// directory's part for the next append.
pub(crate) struct Rewritten {
    pub(crate) preamble: [u8; PREAMBLE_BYTES as usize],
    pub(crate) directory_offset: u64,
    pub(crate) directory: Vec<u8>,
    pub(crate) part: Box<DirectoryPart>,
}

impl Rewritten {
    /// The length of the new body.
    pub(crate) fn body_length(&self) -> u64 {
        self.directory_offset + self.directory.len() as u64
    }
}

/// The stations view's preamble and directory at `head` (where `state` and `totals` are),
/// brought forward from `part`, the directory of the view of `earlier_head`, across events
/// that change no sheet (an approval, an objection, a rejection: `crate::thin`): the slots,
/// flags and record list are the earlier ones (no sheet moved), the stamp is the new
/// head's, each contest's open objections are counted again and the level counts brought
/// forward from the totals lines that changed since `earlier_totals`. `None` when `part` is
/// not of `earlier_head`.
pub(crate) fn rewritten_without_sheets(
    part: &DirectoryPart,
    earlier_head: &Head,
    earlier_totals: &TotalsView,
    state: &State,
    totals: &TotalsView,
    head: &Head,
) -> Option<Rewritten> {
    if !part.is_of(earlier_head) || head.count < earlier_head.count {
        return None;
    }
    let mut directory = part.directory.clone();
    directory.scope_levels =
        level_counts_brought_forward(&directory.scope_levels, earlier_totals, totals)?;
    for (index, contest) in directory.contests.iter_mut().enumerate() {
        let contest_index = rekap_model::ContestIdx(index as u32);
        if state.election().contest(contest_index)?.id != contest.id {
            return None;
        }
        contest.open_objections = open_objections_in(state, contest_index);
    }
    directory.head_count = head.count;
    directory.head_hash = head.last_hash;
    directory.head_recorded_at_ms = head.last_recorded_at_ms;
    let encoded = bincode::encode_to_vec(&directory, CONFIG).ok()?;
    let mut preamble = [0u8; PREAMBLE_BYTES as usize];
    preamble[..8].copy_from_slice(&part.directory_offset.to_le_bytes());
    preamble[8..].copy_from_slice(&(encoded.len() as u64).to_le_bytes());
    Some(Rewritten {
        preamble,
        directory_offset: part.directory_offset,
        directory: encoded,
        part: Box::new(DirectoryPart {
            directory,
            directory_offset: part.directory_offset,
        }),
    })
}

/// The body of the stations view at `head`, brought forward from `earlier` (whole, in
/// memory) across events that change no sheet: [`rewritten_without_sheets`] laid out over
/// the earlier body. Byte for byte the view [`super::encode`] builds. `None` when `earlier`
/// is not a view of its head, is damaged, or lacks the earlier totals view.
pub(crate) fn brought_forward_without_sheets(
    earlier: Earlier<'_>,
    state: &State,
    totals: &TotalsView,
    head: &Head,
) -> Option<Vec<u8>> {
    let body = earlier.stations;
    let part = DirectoryPart::read(
        |offset, length| whole_range(body, offset, length),
        body.len() as u64,
    )?;
    let rewritten =
        rewritten_without_sheets(&part, earlier.head, earlier.totals?, state, totals, head)?;
    let kept = body.get(PREAMBLE_BYTES as usize..rewritten.directory_offset as usize)?;
    let mut out = Vec::with_capacity(rewritten.body_length() as usize);
    out.extend_from_slice(&rewritten.preamble);
    out.extend_from_slice(kept);
    out.extend_from_slice(&rewritten.directory);
    Some(out)
}

/// Bytes `offset..offset + length` of a whole body, or the stations view's damage error.
fn whole_range(body: &[u8], offset: u64, length: u64) -> Result<Vec<u8>, crate::view::ViewError> {
    let range = usize::try_from(offset).ok().zip(
        offset
            .checked_add(length)
            .and_then(|end| usize::try_from(end).ok()),
    );
    (range.and_then(|(start, end)| body.get(start..end)))
        .map(<[u8]>::to_vec)
        .ok_or_else(|| super::damaged("a range outside the body"))
}

/// Every contest's scopes' level counts brought forward from `earlier_counts` (those of
/// `earlier`, the totals view of an earlier head of the same log) to `totals`: a region
/// counts as it did unless its line changed, so only the changed lines' reports are read,
/// each before and after, instead of every region's (a national `status` has 91k). `None`
/// when the views cannot be compared: count every line instead.
fn level_counts_brought_forward(
    earlier_counts: &[ScopeLevels],
    earlier: &TotalsView,
    totals: &TotalsView,
) -> Option<Vec<ScopeLevels>> {
    let report = |view: &TotalsView, contest, level, row: u32| {
        let selection = Selection {
            contest,
            level,
            rows: row..row + 1,
        };
        view.reports(&selection).ok()?.pop()
    };
    let mut out = earlier_counts.to_vec();
    for scoped in &mut out {
        let contest = totals.contest_by_id(&scoped.contest)?;
        for (level, row) in totals.changed_rows(earlier, contest)? {
            if !(totals.regions_at(ViewRegion(scoped.scope), level).ok()?).contains(&row) {
                continue;
            }
            let counts = scoped.levels.get_mut(level as usize)?;
            let before = report(earlier, contest, level, row)?;
            let after = report(totals, contest, level, row)?;
            *counts = counts.without(&before)?.with(&after);
        }
    }
    Some(out)
}
