//! A totals view brought forward from the view of an earlier head of the same log, by
//! rewriting only the lines of the places the events in between touched and of every region
//! above them: what `rekap serve`'s publisher does per snapshot, and what the CLI does after
//! a single append, instead of encoding every line of 91k regions again (about a second of
//! a core nationally). The rows, text and code index never change with the log (the
//! definition is the genesis'); a line is fixed-size, so it is rewritten in place. The
//! result is byte for byte the view [`TotalsView::of`] builds (tests/it/view.rs holds the
//! two equal).
//!
//! A region's line holds its totals and digest (which change with the sheets below it),
//! its approval's label (its own approval, against its digest) and its open objections
//! (those about it or a place below it): so the lines an event can change are those of its
//! place and of every region above it, and nothing else.

use rekap_log::Head;
use rekap_model::{ContestIdx, Event, Place, RegionIdx, State, StationId};
use rekap_projection::Projection;

use super::build::{level_order, lines_of};
use super::{Directory, TotalsView, DIRECTORY_CONFIG};

impl TotalsView {
    /// This view (of an earlier head of the same log, in memory and complete) brought to
    /// `head`, where `state` and `projection` are, given every station whose sheet history
    /// changed in between: `touched`. The caller guarantees that nothing else changed (no
    /// approval, objection or void since this view's head; only sheets and corrections):
    /// [`TotalsView::patched_at`] for any event. `None` when this view cannot be brought
    /// forward: build it whole instead.
    pub fn patched(
        &self,
        state: &State,
        projection: &Projection,
        head: &Head,
        touched: impl IntoIterator<Item = StationId>,
    ) -> Option<TotalsView> {
        self.patched_at(
            state,
            projection,
            head,
            touched.into_iter().map(Place::Station),
        )
    }

    /// [`TotalsView::patched`] given every place (station or region) an event between this
    /// view's head and `head` touched ([`touched_places`]): their lines and the lines of
    /// every region above them are rewritten.
    pub fn patched_at(
        &self,
        state: &State,
        projection: &Projection,
        head: &Head,
        touched: impl IntoIterator<Item = Place>,
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

/// The places `events` touch, as [`TotalsView::patched_at`] takes them, looked up in
/// `state` (after the events): a sheet's, re-vote's or void's station, an objection's
/// place (a resolution's and a correction's answered objection's too), an approval's
/// region. `None` for a place the state does not know (then build the view whole).
pub fn touched_places<'a>(
    state: &State,
    events: impl IntoIterator<Item = &'a Event>,
) -> Option<Vec<Place>> {
    let election = state.election();
    let objection_place = |id| state.objection(id).map(|objection| objection.place);
    let mut places = Vec::new();
    for event in events {
        match event {
            Event::OfficerRegistered { .. } | Event::OfficerRevoked { .. } => {}
            Event::SheetSubmitted { station, .. }
            | Event::RevoteRecorded { station, .. }
            | Event::StationVoided { station, .. }
            | Event::SheetSource { station, .. } => places.push(election.locate(station)?),
            Event::SheetCorrected {
                station, answers, ..
            } => {
                places.push(election.locate(station)?);
                if let Some(id) = answers {
                    places.push(objection_place(*id)?);
                }
            }
            Event::ObjectionFiled { place, .. } => places.push(election.locate(place)?),
            Event::ObjectionResolved { objection, .. } => places.push(objection_place(*objection)?),
            Event::PlenaryApproved { region, .. } => places.push(election.locate(region)?),
        }
    }
    Some(places)
}

/// Every region at or above the `touched` places, each once, in index order.
fn regions_above(state: &State, touched: impl IntoIterator<Item = Place>) -> Vec<RegionIdx> {
    let tree = state.election().tree();
    let mut regions = Vec::new();
    for place in touched {
        let mut region = match place {
            Place::Region(region) => Some(region),
            Place::Station(station) => tree.station_holder(station).map(|(holder, _)| holder),
        };
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
