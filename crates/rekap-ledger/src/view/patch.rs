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

use std::collections::BTreeMap;

use rekap_log::Head;
use rekap_model::{ContestIdx, Event, Place, RegionIdx, State, StationId};
use rekap_projection::merkle::Hash;
use rekap_projection::{approval_state_of, children_digest, children_totals, Projection, Totals};

use super::build::LineShape;
use super::over::{read_over, written_whole, WrittenOver};
use super::read::parse_line;
use super::{ContestEntry, Directory, TotalsView, ViewSource, DIRECTORY_CONFIG};

impl TotalsView {
    /// This view (of an earlier head of the same log, complete; in memory, or read from its
    /// file, then written over it: `over.rs`) brought to `head`, where `state` and
    /// `projection` are, given every station whose sheet history changed in between:
    /// `touched`. The caller guarantees that nothing else changed (no
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
        self.patched_with(
            state,
            head,
            touched,
            |contest, region, shape, child| {
                region_line(state, projection, contest, region, shape, child)
            },
            |known_totals, known_digest| {
                Some(projection.projection_digest_from(state, known_totals, known_digest))
            },
        )
    }

    /// [`TotalsView::patched_at`] with a rewritten region's totals and digest from
    /// `line_of(contest, region, shape, child)` (`child` gives a child's new or saved line)
    /// and the projection digest from `projection_digest(known_totals, known_digest)`, which
    /// are given the new lines.
    pub(super) fn patched_with(
        &self,
        state: &State,
        head: &Head,
        touched: impl IntoIterator<Item = Place>,
        line_of: impl Fn(
            ContestIdx,
            RegionIdx,
            LineShape,
            &dyn Fn(RegionIdx) -> Option<(Totals, Hash)>,
        ) -> Option<(Totals, Hash)>,
        projection_digest: impl FnOnce(
            &dyn Fn(ContestIdx, RegionIdx) -> Option<Totals>,
            &dyn Fn(ContestIdx, RegionIdx) -> Option<Hash>,
        ) -> Option<Hash>,
    ) -> Option<TotalsView> {
        if !self.complete || head.count < self.directory.head_count {
            return None;
        }
        let old = self.source.as_ref();
        let directory_offset = u64_at_source(old, 0)?;
        let directory_length = u64_at_source(old, 8)?;
        let mut regions = regions_above(state, touched);
        let row_of = self.row_of(state);
        // The deepest first: a rewritten region's line is computed from its children's.
        let tree = state.election().tree();
        regions.sort_by_key(|region| std::cmp::Reverse(tree.level(*region)));
        // Offset of each rewritten line to its bytes.
        let mut changes: BTreeMap<u64, Vec<u8>> = BTreeMap::new();
        for entry in &self.directory.contests {
            let contest: ContestIdx = state.election().contest_by_id(&entry.id)?;
            let lines = ContestLines { entry, row_of };
            let old_lines = |offset, length| Some(old.read(offset, length).ok()?.into_owned());
            let shape = LineShape::of(state, contest);
            let mut rewritten: BTreeMap<u32, (Totals, Hash)> = BTreeMap::new();
            for region in &regions {
                let Some(at) = lines.offset(*region) else {
                    continue;
                };
                let child = |child: RegionIdx| match rewritten.get(&child.0) {
                    Some(line) => Some(line.clone()),
                    None => lines.read(&old_lines, child),
                };
                let (totals, digest) = line_of(contest, *region, shape, &child)?;
                let approval = approval_state_of(state, contest, *region, || digest).label();
                let open_objections = state.open_objections(*region, contest).len();
                let mut line = Vec::with_capacity(entry.line_bytes() as usize);
                shape.encode(&mut line, &totals, approval, open_objections, &digest);
                if line.len() as u64 != entry.line_bytes() {
                    return None;
                }
                changes.insert(at as u64, line);
                rewritten.insert(region.0, (totals, digest));
            }
        }
        // Every line is now the new head's: the projection digest reads its scopes' and
        // approved regions' totals and digests from them instead of computing them.
        let new_lines = |offset, length| {
            let bytes = read_over(old, &changes, offset, length).ok()?;
            Some(bytes.into_owned())
        };
        let contest_lines = |contest: ContestIdx| {
            let id = &state.election().contest(contest)?.id;
            let entry = (self.directory.contests.iter()).find(|entry| entry.id == *id)?;
            Some(ContestLines { entry, row_of })
        };
        let projection_digest = projection_digest(
            &|contest, region| Some(contest_lines(contest)?.read(&new_lines, region)?.0),
            &|contest, region| contest_lines(contest)?.digest(&new_lines, region),
        )?;
        let directory = Directory {
            head_count: head.count,
            head_hash: head.last_hash,
            projection_digest,
            ..self.directory.clone()
        };
        let encoded = bincode::encode_to_vec(&directory, DIRECTORY_CONFIG).ok()?;
        if encoded.len() as u64 != directory_length {
            return None;
        }
        changes.insert(directory_offset, encoded);
        let source: Box<dyn ViewSource> = match old.whole() {
            // In memory: the new body whole, as it is saved.
            Some(old_body) => Box::new(written_whole(old_body, &changes)?),
            // Read from its file: the changes over the same file, saved as ranges.
            None => Box::new(WrittenOver::new(self.source.shared()?, changes)?),
        };
        let view = TotalsView::from_source(source).ok()?;
        Some(TotalsView {
            complete: true,
            row_of: self.row_of.clone(),
            ..view
        })
    }
}

fn u64_at_source(source: &dyn ViewSource, at: u64) -> Option<u64> {
    let word: [u8; 8] = source.read(at, 8).ok()?.as_ref().try_into().ok()?;
    Some(u64::from_le_bytes(word))
}

/// The totals and digest of a rewritten `region`: from the projection for a region that
/// holds stations (the stations' leaves are not in the view), else from its children's
/// lines as `child` gives them (a rewritten child's new line, an untouched one's saved
/// line), by the projection's own formulas.
fn region_line(
    state: &State,
    projection: &Projection,
    contest: ContestIdx,
    region: RegionIdx,
    shape: LineShape,
    child: &dyn Fn(RegionIdx) -> Option<(Totals, Hash)>,
) -> Option<(Totals, Hash)> {
    let election = state.election();
    let children = election.tree().children(region);
    if children.is_empty() {
        let totals = projection.totals(state, contest, region);
        return Some((totals, projection.digest(state, contest, region)));
    }
    let leaves = (children.iter())
        .map(|region| Some((election.region_code(*region)?, child(*region)?)))
        .collect::<Option<Vec<(&str, (Totals, Hash))>>>()?;
    let totals = children_totals(
        shape.pairs,
        shape.vote_types,
        leaves.iter().map(|(_, (totals, _))| totals),
    );
    let digest =
        children_digest((leaves.iter()).map(|(code, (totals, digest))| (*code, totals, digest)));
    Some((totals, digest))
}

/// Where one contest's lines are in a view's body.
pub(super) struct ContestLines<'a> {
    entry: &'a ContestEntry,
    row_of: &'a [u32],
}

impl<'a> ContestLines<'a> {
    /// The lines of `contest` (by the election's index) in `view`, its regions' rows
    /// `row_of` (by region index).
    pub(super) fn of(
        view: &'a TotalsView,
        state: &State,
        contest: ContestIdx,
        row_of: &'a [u32],
    ) -> Option<ContestLines<'a>> {
        let id = &state.election().contest(contest)?.id;
        let entry = (view.directory.contests.iter()).find(|entry| entry.id == *id)?;
        Some(ContestLines { entry, row_of })
    }

    /// The whole line of `region`, its bytes read through `read(offset, length)`, parsed.
    pub(super) fn line(&self, read: &Read<'_>, region: RegionIdx) -> Option<super::read::Line> {
        let at = self.offset(region)? as u64;
        let bytes = read(at, self.entry.line_bytes())?;
        parse_line(self.entry, &bytes).ok()
    }

    /// The offset of `region`'s line, if the contest has one for it (it is under the
    /// contest's scope).
    pub(super) fn offset(&self, region: RegionIdx) -> Option<usize> {
        let row = *self.row_of.get(region.0 as usize)?;
        let scoped =
            self.entry.levels.iter().find(|scoped| {
                row >= scoped.first_row && row - scoped.first_row < scoped.row_count
            })?;
        let line_bytes = self.entry.line_bytes() as usize;
        Some(scoped.lines_offset as usize + (row - scoped.first_row) as usize * line_bytes)
    }

    /// The digest in `region`'s line (its last 32 bytes).
    fn digest(&self, read: &Read<'_>, region: RegionIdx) -> Option<Hash> {
        let end = (self.offset(region)? as u64).checked_add(self.entry.line_bytes())?;
        read(end.checked_sub(32)?, 32)?.try_into().ok()
    }

    /// The totals and digest in `region`'s line.
    pub(super) fn read(&self, read: &Read<'_>, region: RegionIdx) -> Option<(Totals, Hash)> {
        let line = self.line(read, region)?;
        Some((line.totals, line.digest))
    }
}

/// How [`ContestLines`] reads a view's bytes: `length` bytes at `offset`, `None` if they
/// are not there or do not check.
pub(super) type Read<'a> = dyn Fn(u64, u64) -> Option<Vec<u8>> + 'a;

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

impl TotalsView {
    /// The rows of `contest` whose line differs between `earlier` (a view of an earlier head
    /// of the same log) and this view (both in memory, or this one written over `earlier`'s
    /// file: then only the lines written are compared), each with its level, in row
    /// order: after [`TotalsView::patched_at`], the rewritten lines whose bytes moved. `None`
    /// when the two views are not laid out alike (then count from every line instead).
    pub(crate) fn changed_rows(
        &self,
        earlier: &TotalsView,
        contest: ContestIdx,
    ) -> Option<Vec<(u32, u32)>> {
        let entry = self.contest(contest)?;
        if earlier.contest(contest)? != entry || self.source.length() != earlier.source.length() {
            return None;
        }
        let scope_level = self.row(entry.scope).ok()?.level;
        let line_bytes = entry.line_bytes() as usize;
        let mut changed = Vec::new();
        if let (Some(body), Some(earlier_body)) = (self.body(), earlier.body()) {
            for (depth, scoped) in entry.levels.iter().enumerate() {
                let start = scoped.lines_offset as usize;
                let end = start + scoped.row_count as usize * line_bytes;
                let (lines, earlier_lines) = (body.get(start..end)?, earlier_body.get(start..end)?);
                let rows = (lines.chunks_exact(line_bytes))
                    .zip(earlier_lines.chunks_exact(line_bytes))
                    .zip(scoped.first_row..)
                    .filter(|((line, earlier_line), _)| line != earlier_line);
                changed.extend(rows.map(|(_, row)| (scope_level + depth as u32, row)));
            }
            return Some(changed);
        }
        // Written over the earlier view's file: only the lines written can differ.
        let written = self.source.written_over()?;
        for (depth, scoped) in entry.levels.iter().enumerate() {
            let start = scoped.lines_offset;
            let end = start + u64::from(scoped.row_count) * line_bytes as u64;
            for (offset, line) in written.range(start..end) {
                let index = (offset - start) / line_bytes as u64;
                if (offset - start) % line_bytes as u64 != 0 || line.len() != line_bytes {
                    return None;
                }
                let earlier_line = earlier.source.read(*offset, line_bytes as u64).ok()?;
                if line[..] != earlier_line[..] {
                    changed.push((scope_level + depth as u32, scoped.first_row + index as u32));
                }
            }
        }
        Some(changed)
    }
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
