//! A totals view brought forward from the view of an earlier head of the same log, by
//! rewriting only the lines of the regions above the stations whose sheets changed: what
//! `rekap serve`'s publisher does per snapshot instead of encoding every line of 91k
//! regions again (about a second of a core nationally). The rows, text and code index never
//! change with the log (the definition is the genesis'); a line is fixed-size, so it is
//! rewritten in place. The result is byte for byte the view [`TotalsView::of`] builds
//! (tests/it/view.rs holds the two equal).

use rekap_log::Head;
use rekap_model::{ContestIdx, RegionIdx, State, StationId};
use rekap_projection::Projection;

use super::build::{level_order, lines_of};
use super::{Directory, TotalsView, DIRECTORY_CONFIG};

impl TotalsView {
    /// This view (of an earlier head of the same log, in memory and complete) brought to
    /// `head`, where `state` and `projection` are, given every station whose sheet history
    /// changed in between: `touched`. The caller guarantees that nothing else changed (no
    /// approval, objection or void since this view's head; only sheets and corrections),
    /// since only the touched stations' lines are rewritten. `None` when this view cannot
    /// be brought forward: build it whole instead.
    pub fn patched(
        &self,
        state: &State,
        projection: &Projection,
        head: &Head,
        touched: impl IntoIterator<Item = StationId>,
    ) -> Option<TotalsView> {
        if !self.complete || head.count < self.directory.head_count {
            return None;
        }
        let old_body = self.body()?;
        let directory_offset = u64_at(old_body, 0)? as usize;
        let mut body = old_body.get(..directory_offset)?.to_vec();
        let regions = regions_above(state, touched);
        if !regions.is_empty() {
            let row_of = level_order(state).row_of;
            for entry in &self.directory.contests {
                let contest: ContestIdx = state.election().contest_by_id(&entry.id)?;
                let line_bytes = entry.line_bytes() as usize;
                for region in &regions {
                    let row = *row_of.get(region.0 as usize)?;
                    let Some(scoped) = entry.levels.iter().find(|scoped| {
                        row >= scoped.first_row && row - scoped.first_row < scoped.row_count
                    }) else {
                        continue;
                    };
                    let at = scoped.lines_offset as usize
                        + (row - scoped.first_row) as usize * line_bytes;
                    let line = lines_of(state, projection, contest, &[*region]);
                    body.get_mut(at..at + line_bytes)?.copy_from_slice(&line);
                }
            }
        }
        let directory = Directory {
            head_count: head.count,
            head_hash: head.last_hash,
            projection_digest: projection.projection_digest(state),
            ..self.directory.clone()
        };
        let encoded = bincode::encode_to_vec(&directory, DIRECTORY_CONFIG).ok()?;
        if encoded.len() as u64 != u64_at(old_body, 8)? {
            return None;
        }
        body.extend_from_slice(&encoded);
        let view = TotalsView::from_source(Box::new(body)).ok()?;
        Some(TotalsView {
            complete: true,
            ..view
        })
    }
}

/// Every region above the `touched` stations, each once, in index order.
fn regions_above(state: &State, touched: impl IntoIterator<Item = StationId>) -> Vec<RegionIdx> {
    let tree = state.election().tree();
    let mut regions = Vec::new();
    for station in touched {
        let mut region = tree.station_holder(station).map(|(holder, _)| holder);
        while let Some(current) = region {
            regions.push(current);
            region = tree.parent(current);
        }
    }
    regions.sort_unstable_by_key(|region| region.0);
    regions.dedup_by_key(|region| region.0);
    regions
}

fn u64_at(bytes: &[u8], at: usize) -> Option<u64> {
    let word: [u8; 8] = bytes.get(at..at + 8)?.try_into().ok()?;
    Some(u64::from_le_bytes(word))
}
