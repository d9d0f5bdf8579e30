//! Which kind of other source a file is, and its regions read against an election: the one
//! reading `rekap compare --with` and the portal's compare page (`rekap serve --compare`)
//! share, so both read a file the same way.
//!
//! - a file named `*.json` is the portal's aggregate JSON of a region
//!   ([`sources::portal_aggregate`]; its own region is the file's stem);
//! - a CSV whose first line has a `code` column is region totals
//!   ([`sources::region_totals_csv`]);
//! - any other file is a per-TPS CSV ([`sources::stations_to_regions`]), through
//!   `columns` or KawalPemilu's, summed to `level` (default: the villages).

use crate::reason::SourceReason;
use std::path::Path;

use rekap_model::{ContestIdx, Election};

use super::{sources, RegionFigures};
use crate::mapped::ColumnMapping;
use crate::problem::SourceProblem;
use crate::sirekap::Candidates;

/// How to read a source: what `rekap compare`'s flags say beside `--with`.
#[derive(Debug, Clone, Copy, Default)]
pub struct SourceOptions<'a> {
    /// The portal's candidates file (its name for problems, and its bytes), for a portal
    /// aggregate whose keys are candidate ids.
    pub candidates: Option<(&'a str, &'a [u8])>,
    /// A per-TPS CSV's column mapping (`station=...,votes_1=...`), as text.
    pub columns: Option<&'a str>,
    /// The level key a per-TPS CSV is summed to.
    pub level: Option<&'a str>,
}

/// The source's regions, and the deepest level of the election among them (`None`: no
/// region of the source is one of this election).
pub type SourceRegions = (Vec<RegionFigures>, Option<u32>);

/// Whether `path` is read as the portal's aggregate JSON (only then is a candidates file
/// read).
pub fn is_portal_aggregate(path: &Path) -> bool {
    path.extension()
        .is_some_and(|extension| extension == "json")
}

/// Reads the source at `path` (its bytes `bytes`) for `contest` of `election`, or every
/// problem, each naming the file, the place and the reason.
pub fn read_source(
    path: &Path,
    bytes: &[u8],
    options: SourceOptions,
    election: &Election,
    contest: ContestIdx,
) -> Result<SourceRegions, Vec<SourceProblem>> {
    let file = path.display().to_string();
    let pairs = election.contest(contest).map_or(0, |c| c.pairs.len());
    let level_of = |regions: &[RegionFigures]| {
        regions
            .iter()
            .filter_map(|region| election.find_region(&region.code))
            .filter_map(|region| election.tree().level(region))
            .max()
    };
    if is_portal_aggregate(path) {
        let candidates = match options.candidates {
            Some((name, text)) => Some(Candidates::parse(name, text)?),
            None => None,
        };
        let own = path.file_stem().and_then(|stem| stem.to_str());
        let regions = sources::portal_aggregate(&file, bytes, own, pairs, candidates.as_ref())?;
        let level = level_of(&regions);
        return Ok((regions, level));
    }
    if first_line_has(bytes, "code") {
        let regions = sources::region_totals_csv(&file, bytes)?;
        let level = level_of(&regions);
        return Ok((regions, level));
    }
    let mapping = match options.columns {
        Some(text) => ColumnMapping::parse(text)
            .map_err(|error| vec![SourceProblem::new(&file, "", SourceReason::Mapping(error))])?,
        None => ColumnMapping::kawalpemilu(pairs),
    };
    let village = election.station_level().saturating_sub(1);
    let level = match options.level {
        Some(key) => (0..election.levels().len() as u32)
            .find(|level| election.level_key(*level) == key)
            .unwrap_or(village),
        None => village,
    };
    let regions = sources::stations_to_regions(&file, bytes, &mapping, election, contest, level)?;
    Ok((regions, Some(level)))
}

/// Whether a per-TPS source (summed to any level asked for) rather than regions of fixed
/// levels.
pub fn is_per_station(path: &Path, bytes: &[u8]) -> bool {
    !is_portal_aggregate(path) && !first_line_has(bytes, "code")
}

/// The source's regions of the level `level` (a portal aggregate also carries its own
/// region); a code the election does not know is kept, as present on the other side only.
pub fn only_at_level(
    regions: Vec<RegionFigures>,
    election: &Election,
    level: &str,
) -> Vec<RegionFigures> {
    regions
        .into_iter()
        .filter(|region| match election.find_region(&region.code) {
            Some(found) => {
                election.tree().level(found).map(|l| election.level_key(l)) == Some(level)
            }
            None => true,
        })
        .collect()
}

fn first_line_has(bytes: &[u8], column: &str) -> bool {
    let first = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    String::from_utf8_lossy(first)
        .trim_start_matches('\u{feff}')
        .split(',')
        .any(|name| name.trim() == column)
}
