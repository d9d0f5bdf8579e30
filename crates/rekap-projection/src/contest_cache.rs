//! Totals and digests of one contest, per region and station, computed lazily from the
//! state and kept exact by [`ContestCache::touch`]: a touched station is recomputed from the
//! state, and every region above it too. Nothing here is trusted over the state: the cache
//! only remembers what was computed from it.

use rekap_model::{
    regions::{RegionIdx, StationId},
    sheet::{sheet_hash, PackedSheet},
    ContestIdx, Election, State, StationStatus,
};

use crate::merkle::{self, Hash};
use crate::totals::Totals;

/// The digest of a station that has no counting sheet and is not voided.
pub const NO_SHEET_DIGEST: Hash = [0; 32];
/// Domain of a voided station's digest.
pub const VOIDED_DOMAIN: &[u8] = b"rekap/v1/station-voided";

/// A region holding stations, computed on a worker: its totals, digest and its stations'
/// digests in order.
struct StationRegion {
    region: RegionIdx,
    totals: Totals,
    digest: Hash,
    stations: Vec<Hash>,
}

pub struct ContestCache {
    pub contest: ContestIdx,
    pub contest_id: String,
    pub pairs: usize,
    /// The contest's vote types (0: one count per pair).
    pub vote_types: usize,
    region_totals: Vec<Option<Totals>>,
    region_digests: Vec<Option<Hash>>,
    /// Allocated on the first digest request: totals alone need no station digests.
    station_digests: Vec<Option<Hash>>,
}

impl ContestCache {
    pub fn new(election: &Election, contest: ContestIdx) -> ContestCache {
        let (contest_id, pairs, vote_types) = election
            .contest(contest)
            .map(|c| (c.id.clone(), c.pairs.len(), c.vote_types.len()))
            .unwrap_or_default();
        let regions = election.tree().region_count() as usize;
        ContestCache {
            contest,
            contest_id,
            pairs,
            vote_types,
            region_totals: vec![None; regions],
            region_digests: vec![None; regions],
            station_digests: Vec::new(),
        }
    }

    /// Forgets what was computed for `station` and every region above it.
    pub fn touch(&mut self, election: &Election, station: StationId) {
        if let Some(digest) = self.station_digests.get_mut(station.0 as usize) {
            *digest = None;
        }
        let tree = election.tree();
        let mut region = tree.station_holder(station).map(|(holder, _)| holder);
        while let Some(current) = region {
            let index = current.0 as usize;
            if let Some(totals) = self.region_totals.get_mut(index) {
                *totals = None;
            }
            if let Some(digest) = self.region_digests.get_mut(index) {
                *digest = None;
            }
            region = tree.parent(current);
        }
    }

    /// The totals of a region.
    pub fn totals(&mut self, election: &Election, state: &State, region: RegionIdx) -> Totals {
        if let Some(Some(totals)) = self.region_totals.get(region.0 as usize) {
            return totals.clone();
        }
        let tree = election.tree();
        let children = tree.children(region);
        let totals = if children.is_empty() {
            let mut totals = Totals::zero_typed(self.pairs, self.vote_types);
            for station in tree.stations_under(region) {
                self.add_station(state, StationId(station), &mut totals);
            }
            totals
        } else {
            let child_totals: Vec<Totals> = (children.iter())
                .map(|child| self.totals(election, state, *child))
                .collect();
            children_totals(self.pairs, self.vote_types, &child_totals)
        };
        if let Some(slot) = self.region_totals.get_mut(region.0 as usize) {
            *slot = Some(totals.clone());
        }
        totals
    }

    fn add_station(&self, state: &State, station: StationId, totals: &mut Totals) {
        let status = state.station_status(station, self.contest);
        let sheet = state.current_sheet(station, self.contest);
        StationLeaf::of(status, sheet.map(|(_, sheet)| sheet)).add_to(totals);
    }

    /// The totals and digest of one station.
    pub fn station(
        &mut self,
        election: &Election,
        state: &State,
        station: StationId,
    ) -> (Totals, Hash) {
        let mut totals = Totals::zero_typed(self.pairs, self.vote_types);
        self.add_station(state, station, &mut totals);
        let digest = self.station_digest(election, state, station);
        (totals, digest)
    }

    fn station_digest(&mut self, election: &Election, state: &State, station: StationId) -> Hash {
        if self.station_digests.is_empty() {
            self.station_digests = vec![None; election.tree().station_count() as usize];
        }
        if let Some(Some(digest)) = self.station_digests.get(station.0 as usize) {
            return *digest;
        }
        let code = election.station_code(station).unwrap_or_default();
        let status = state.station_status(station, self.contest);
        let sheet = state.current_sheet(station, self.contest);
        let digest =
            StationLeaf::of(status, sheet.map(|(_, sheet)| sheet)).digest(&code, &self.contest_id);
        if let Some(slot) = self.station_digests.get_mut(station.0 as usize) {
            *slot = Some(digest);
        }
        digest
    }

    /// The digest of a region: the Merkle root over its children's leaves in code order.
    pub fn digest(&mut self, election: &Election, state: &State, region: RegionIdx) -> Hash {
        if let Some(Some(digest)) = self.region_digests.get(region.0 as usize) {
            return *digest;
        }
        let leaves = self.child_leaves(election, state, region);
        let digest = children_digest(
            (leaves.iter()).map(|(code, totals, digest)| (code.as_str(), totals, digest)),
        );
        if let Some(slot) = self.region_digests.get_mut(region.0 as usize) {
            *slot = Some(digest);
        }
        digest
    }

    /// Computes the totals and digest of every region that holds stations and is not known
    /// yet, the regions split between the cores: hashing each station's sheet and leaf is
    /// nearly all of a whole contest's digest (818,339 stations, 83,731 villages), and what
    /// [`ContestCache::digest`] then computes above them is a few thousand regions. The
    /// results are exactly the lazy path's (tests/it/replay.rs).
    /// Below `minimum_per_thread` such regions per thread it leaves them to the lazy path.
    pub fn compute_station_regions(
        &mut self,
        election: &Election,
        state: &State,
        minimum_per_thread: usize,
    ) {
        let tree = election.tree();
        let missing: Vec<RegionIdx> = (0..tree.region_count())
            .map(RegionIdx)
            .filter(|region| tree.children(*region).is_empty())
            .filter(|region| !matches!(self.region_digests.get(region.0 as usize), Some(Some(_))))
            .collect();
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        if threads < 2 || missing.len() < minimum_per_thread.max(1) * 2 {
            return; // The lazy path computes them when asked; threads would not pay.
        }
        let this = &*self;
        let per_thread = missing.len().div_ceil(threads);
        let computed: Vec<StationRegion> = std::thread::scope(|scope| {
            let workers: Vec<_> = (missing.chunks(per_thread))
                .map(|regions| {
                    scope.spawn(move || {
                        (regions.iter())
                            .map(|region| this.station_region(election, state, *region))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            (workers.into_iter())
                .flat_map(|worker| match worker.join() {
                    Ok(computed) => computed,
                    Err(panic) => std::panic::resume_unwind(panic),
                })
                .collect()
        });
        if self.station_digests.is_empty() {
            self.station_digests = vec![None; tree.station_count() as usize];
        }
        for region in computed {
            let index = region.region.0 as usize;
            if let Some(slot) = self.region_totals.get_mut(index) {
                *slot = Some(region.totals);
            }
            if let Some(slot) = self.region_digests.get_mut(index) {
                *slot = Some(region.digest);
            }
            for (station, digest) in (tree.stations_under(region.region)).zip(region.stations) {
                if let Some(slot) = self.station_digests.get_mut(station as usize) {
                    *slot = Some(digest);
                }
            }
        }
    }

    /// A region holding stations computed from the state alone: what [`ContestCache::totals`]
    /// and [`ContestCache::digest`] compute for it.
    fn station_region(
        &self,
        election: &Election,
        state: &State,
        region: RegionIdx,
    ) -> StationRegion {
        let mut totals = Totals::zero_typed(self.pairs, self.vote_types);
        let stations = election.tree().stations_under(region);
        let mut leaves = Vec::with_capacity(stations.len());
        for (station, code) in stations.zip(election.station_codes_under(region)) {
            let station = StationId(station);
            let status = state.station_status(station, self.contest);
            let sheet = state.current_sheet(station, self.contest);
            let leaf = StationLeaf::of(status, sheet.map(|(_, sheet)| sheet));
            leaf.add_to(&mut totals);
            let code = code.unwrap_or_default();
            let (station_totals, digest) =
                leaf.leaf(&code, &self.contest_id, self.pairs, self.vote_types);
            leaves.push((code, station_totals, digest));
        }
        let digest = children_digest(
            (leaves.iter()).map(|(code, totals, digest)| (code.as_str(), totals, digest)),
        );
        StationRegion {
            region,
            totals,
            digest,
            stations: leaves.into_iter().map(|(_, _, digest)| digest).collect(),
        }
    }

    /// The leaves under a region, in code order: (code, totals, digest) per child region,
    /// or per station for a region that holds stations.
    pub fn child_leaves(
        &mut self,
        election: &Election,
        state: &State,
        region: RegionIdx,
    ) -> Vec<(String, Totals, Hash)> {
        let tree = election.tree();
        let children = tree.children(region);
        if children.is_empty() {
            (tree.stations_under(region))
                .zip(election.station_codes_under(region))
                .map(|(station, code)| {
                    let (totals, digest) = self.station(election, state, StationId(station));
                    (code.unwrap_or_default(), totals, digest)
                })
                .collect()
        } else {
            children
                .iter()
                .map(|child| {
                    let totals = self.totals(election, state, *child);
                    let digest = self.digest(election, state, *child);
                    let code = election.region_code(*child).unwrap_or_default().to_owned();
                    (code, totals, digest)
                })
                .collect()
        }
    }
}

/// A region's totals from its child regions' totals, in a contest of `pairs` pairs and
/// `vote_types` vote types: what [`ContestCache::totals`] computes for a region with child
/// regions, and what a saved view brought forward computes from its children's lines.
pub fn children_totals<'a>(
    pairs: usize,
    vote_types: usize,
    children: impl IntoIterator<Item = &'a Totals>,
) -> Totals {
    let mut totals = Totals::zero_typed(pairs, vote_types);
    for child in children {
        totals.add(child);
    }
    totals
}

/// A region's digest from its children's leaves (code, totals, digest) in the tree's
/// order: the Merkle root over their leaf hashes. The one formula of a region's digest,
/// from the projection's caches ([`ContestCache::digest`]) or from a saved view's lines.
pub fn children_digest<'a>(
    leaves: impl IntoIterator<Item = (&'a str, &'a Totals, &'a Hash)>,
) -> Hash {
    let hashes: Vec<Hash> = (leaves.into_iter())
        .map(|(code, totals, digest)| merkle::leaf_hash(code, totals, digest))
        .collect();
    merkle::root(&hashes)
}

/// What a station's leaf is made of in one contest: its status and, when it counts, its
/// current sheet. The one place a station's totals and digest are computed, from a replayed
/// state (the projection) or from the saved views (`rekap prove` without a replay).
#[derive(Clone, Copy, Debug)]
pub enum StationLeaf<'a> {
    /// The station does not vote in the contest.
    NotVoting,
    /// Awaiting a sheet, or a re-vote pending: expected, nothing counted.
    Expected,
    Counted(&'a PackedSheet),
    Voided,
}

impl<'a> StationLeaf<'a> {
    /// The leaf of a station of `status` whose current sheet is `sheet`.
    pub fn of(status: Option<StationStatus>, sheet: Option<&'a PackedSheet>) -> StationLeaf<'a> {
        match (status, sheet) {
            (None, _) => StationLeaf::NotVoting,
            (Some(StationStatus::Counted(_)), Some(sheet)) => StationLeaf::Counted(sheet),
            (Some(StationStatus::Voided(_)), _) => StationLeaf::Voided,
            (Some(_), _) => StationLeaf::Expected,
        }
    }

    /// Adds the station's numbers to `totals` (a region's, or zero for the station's own).
    pub fn add_to(self, totals: &mut Totals) {
        match self {
            StationLeaf::NotVoting => {}
            StationLeaf::Counted(sheet) => {
                for (total, count) in totals.votes.iter_mut().zip(sheet.votes()) {
                    *total += u64::from(*count);
                }
                if !sheet.votes_by_type().is_empty() {
                    totals.add_by_type(sheet.votes_by_type());
                }
                totals.valid += u64::from(sheet.valid());
                match sheet.invalid() {
                    Some(invalid) => totals.invalid += u64::from(invalid),
                    None => totals.stations_without_invalid += 1,
                }
                totals.registered += sheet.registered_total();
                totals.voted += sheet.voted_total();
                totals.stations_reported += 1;
                totals.stations_expected += 1;
            }
            StationLeaf::Voided => {
                totals.stations_voided += 1;
                totals.stations_expected += 1;
            }
            StationLeaf::Expected => totals.stations_expected += 1,
        }
    }

    /// The station's digest: its sheet's hash, the voided digest, or [`NO_SHEET_DIGEST`].
    pub fn digest(self, station_code: &str, contest_id: &str) -> Hash {
        match self {
            StationLeaf::Counted(sheet) => sheet_hash(station_code, contest_id, &sheet.unpack()),
            StationLeaf::Voided => voided_digest(station_code, contest_id),
            StationLeaf::NotVoting | StationLeaf::Expected => NO_SHEET_DIGEST,
        }
    }

    /// The station's leaf (totals, digest) in a contest of `pairs` pairs and `vote_types`
    /// vote types.
    pub fn leaf(
        self,
        station_code: &str,
        contest_id: &str,
        pairs: usize,
        vote_types: usize,
    ) -> (Totals, Hash) {
        let mut totals = Totals::zero_typed(pairs, vote_types);
        self.add_to(&mut totals);
        (totals, self.digest(station_code, contest_id))
    }
}

/// `blake3("rekap/v1/station-voided" || bincode((station code, contest id)))`.
pub fn voided_digest(station_code: &str, contest_id: &str) -> Hash {
    let bytes = bincode::encode_to_vec((station_code, contest_id), rekap_model::canonical())
        .unwrap_or_default();
    let mut hasher = blake3::Hasher::new();
    hasher.update(VOIDED_DOMAIN);
    hasher.update(&bytes);
    *hasher.finalize().as_bytes()
}
