//! rekap's totals beside another source's, region by region: both figures per pair, the
//! difference, the source's coverage, and the regions present on only one side. The
//! comparison itself ([`compare`]) knows no file format; [`sources`](crate::compare::sources)
//! reads the three kinds of other source (the portal's aggregate JSON, a volunteers' per-TPS
//! file, a CSV of region totals as `rekap totals --format csv` writes it).
//!
//! Used by `rekap compare` and by the portal's compare page: both build the rekap side with
//! [`RegionFigures::from_report`] from the totals view's reports of one level.

pub mod read;
pub mod sources;

use rekap_projection::RegionReport;

/// One region's figures in one source. `valid` and `invalid` are `None` where the source
/// does not give them (the portal's aggregates give only votes per candidate); so are the
/// station counts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RegionFigures {
    pub code: String,
    pub name: String,
    /// Votes per pair in ballot order (index 0 is ballot number 1).
    pub votes: Vec<u64>,
    pub valid: Option<u64>,
    pub invalid: Option<u64>,
    /// Stations (TPS) counted in this source, and in all (its coverage).
    pub stations_reported: Option<u64>,
    pub stations_expected: Option<u64>,
}

impl RegionFigures {
    /// rekap's side: a region's line of the totals view.
    pub fn from_report(report: &RegionReport) -> RegionFigures {
        RegionFigures {
            code: report.code.clone(),
            name: report.name.clone(),
            votes: report.totals.votes.clone(),
            valid: Some(report.totals.valid),
            // Not a figure where some station gives no invalid count: compared as absent.
            invalid: Some(report.totals.invalid)
                .filter(|_| report.totals.stations_without_invalid == 0),
            stations_reported: Some(u64::from(report.totals.stations_reported)),
            stations_expected: Some(u64::from(report.totals.stations_expected)),
        }
    }
}

/// Which sides have a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    Both,
    OnlyRekap,
    OnlySource,
}

/// One region compared. Differences are the source's figure minus rekap's. The fields are
/// named as the CSV's columns and the table's headings: `rekap` and `source`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RegionComparison {
    pub code: String,
    pub name: String,
    pub presence: Presence,
    pub rekap: Option<RegionFigures>,
    pub source: Option<RegionFigures>,
    /// Per pair (both sides present; a pair one side lacks counts as 0 there).
    pub vote_differences: Vec<i64>,
    /// Where both sides give the number.
    pub valid_difference: Option<i64>,
    pub invalid_difference: Option<i64>,
    /// Both sides present and every difference zero.
    pub equal: bool,
}

/// A large difference, for the summary.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LargestDifference {
    pub code: String,
    /// The ballot number (1-based).
    pub pair: u32,
    pub difference: i64,
}

/// Counts over every region compared.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub equal: u64,
    pub differing: u64,
    pub only_rekap: u64,
    pub only_source: u64,
    /// Regions rekap has with no station reported, which the source lacks too: not a
    /// difference, and not listed.
    pub nothing_reported: u64,
    /// The largest differences in votes by size (at most [`LARGEST_SHOWN`]), ties by code
    /// and pair.
    pub largest: Vec<LargestDifference>,
}

impl Summary {
    /// Every region on both sides and equal.
    pub fn all_equal(&self) -> bool {
        self.differing == 0 && self.only_rekap == 0 && self.only_source == 0
    }
}

/// The whole comparison: regions in code order, then the summary.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Comparison {
    pub regions: Vec<RegionComparison>,
    pub summary: Summary,
}

/// Differences listed in the summary.
pub const LARGEST_SHOWN: usize = 5;

/// Compares rekap's regions with the other source's, matched by code.
///
/// A region of rekap's with no station reported that the source lacks has nothing on either
/// side: it is no difference, not listed, and counted as `nothing_reported`.
pub fn compare(rekap: &[RegionFigures], source: &[RegionFigures]) -> Comparison {
    use std::collections::BTreeMap;
    let mut by_code: BTreeMap<&str, (Option<&RegionFigures>, Option<&RegionFigures>)> =
        BTreeMap::new();
    for region in rekap {
        by_code.entry(&region.code).or_default().0 = Some(region);
    }
    for region in source {
        by_code.entry(&region.code).or_default().1 = Some(region);
    }
    let mut nothing_reported = 0;
    let regions: Vec<RegionComparison> = by_code
        .into_iter()
        .filter(|(_, (mine, theirs))| {
            let empty = theirs.is_none() && mine.is_some_and(reports_nothing);
            nothing_reported += u64::from(empty);
            !empty
        })
        .map(|(code, (mine, theirs))| compare_region(code, mine, theirs))
        .collect();
    let mut summary = summarise(&regions);
    summary.nothing_reported = nothing_reported;
    Comparison { regions, summary }
}

/// A region whose side has no station reported and no vote: nothing to compare.
fn reports_nothing(region: &RegionFigures) -> bool {
    region.stations_reported == Some(0) && region.votes.iter().all(|votes| *votes == 0)
}

fn difference(source: u64, rekap: u64) -> i64 {
    let wide = i128::from(source) - i128::from(rekap);
    i64::try_from(wide).unwrap_or(if wide < 0 { i64::MIN } else { i64::MAX })
}

fn compare_region(
    code: &str,
    rekap: Option<&RegionFigures>,
    source: Option<&RegionFigures>,
) -> RegionComparison {
    let name = rekap
        .or(source)
        .map(|region| region.name.clone())
        .unwrap_or_default();
    let presence = match (rekap, source) {
        (Some(_), Some(_)) => Presence::Both,
        (Some(_), None) => Presence::OnlyRekap,
        _ => Presence::OnlySource,
    };
    let (mut vote_differences, mut valid_difference, mut invalid_difference) =
        (Vec::new(), None, None);
    if let (Some(mine), Some(theirs)) = (rekap, source) {
        let pairs = mine.votes.len().max(theirs.votes.len());
        let at = |votes: &[u64], index: usize| votes.get(index).copied().unwrap_or(0);
        vote_differences = (0..pairs)
            .map(|index| difference(at(&theirs.votes, index), at(&mine.votes, index)))
            .collect();
        let both = |left: Option<u64>, right: Option<u64>| Some(difference(right?, left?));
        valid_difference = both(mine.valid, theirs.valid);
        invalid_difference = both(mine.invalid, theirs.invalid);
    }
    let equal = presence == Presence::Both
        && vote_differences.iter().all(|d| *d == 0)
        && valid_difference.unwrap_or(0) == 0
        && invalid_difference.unwrap_or(0) == 0;
    RegionComparison {
        code: code.to_owned(),
        name,
        presence,
        rekap: rekap.cloned(),
        source: source.cloned(),
        vote_differences,
        valid_difference,
        invalid_difference,
        equal,
    }
}

fn summarise(regions: &[RegionComparison]) -> Summary {
    let mut summary = Summary {
        equal: 0,
        differing: 0,
        only_rekap: 0,
        only_source: 0,
        nothing_reported: 0,
        largest: Vec::new(),
    };
    let mut largest = Vec::new();
    for region in regions {
        match region.presence {
            Presence::OnlyRekap => summary.only_rekap += 1,
            Presence::OnlySource => summary.only_source += 1,
            Presence::Both if region.equal => summary.equal += 1,
            Presence::Both => summary.differing += 1,
        }
        for (index, difference) in region.vote_differences.iter().enumerate() {
            if *difference != 0 {
                largest.push(LargestDifference {
                    code: region.code.clone(),
                    pair: index as u32 + 1,
                    difference: *difference,
                });
            }
        }
    }
    largest.sort_by(|left, right| {
        right
            .difference
            .unsigned_abs()
            .cmp(&left.difference.unsigned_abs())
            .then_with(|| left.code.cmp(&right.code))
            .then(left.pair.cmp(&right.pair))
    });
    largest.truncate(LARGEST_SHOWN);
    summary.largest = largest;
    summary
}
