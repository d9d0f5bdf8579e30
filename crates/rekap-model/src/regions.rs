//! The region tree, with polling stations counted (implicit) or listed (see
//! [`crate::stations`]).
//!
//! Regions (every level but the last) are listed in the definition, sorted by code; a
//! region's index in that list is its [`RegionIdx`] and lookups by code are a binary search.
//!
//! **Station codes.** Counted stations are not listed: a region of the level just above the
//! stations (a village in Indonesia) states its stations' numbers (a count n for 1..=n, or
//! ranges with gaps, [`crate::numbers`]), and each station has the code
//! `<region code>-<nnn>`, the number zero-padded to exactly three digits (e.g.
//! `6472010001-001`; numbers 1..=[`MAX_STATIONS_PER_REGION`] = 999, so the code order of a
//! region's stations is their number order). Any other spelling (`-1`, `-0001`) is not a
//! station code. Region codes never contain `-`.
//!
//! **Station ids.** Each station also has a dense [`StationId`]: stations are numbered
//! 0..total in depth-first order of the tree, children visited in code order. So the stations
//! under any region form one contiguous range, "region R covers station S" is a range check,
//! and a projection can keep per-station data in flat vectors. "R covers region X" is an
//! O(depth) walk up from X.

use bincode::{Decode, Encode};

use crate::definition::{Level, RegionEntry};
use crate::error::DefinitionError;
use crate::limits::*;
use crate::numbers::Ranges;
use crate::stations::{ListedStation, ListedStations};

/// Index of a region in [`crate::ElectionDefinition::regions`] (sorted by code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Encode, Decode)]
pub struct RegionIdx(pub u32);

/// Dense index of a polling station, depth-first in code order (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Encode, Decode)]
pub struct StationId(pub u32);

/// A region or a polling station.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Encode, Decode)]
pub enum Place {
    Region(RegionIdx),
    Station(StationId),
}

/// A region as the tree reads it: the owned [`RegionEntry`], or one read in place from a
/// genesis payload ([`crate::borrowed_definition::RegionInPlace`]); both are validated and
/// built by the same code.
pub trait RegionRecord {
    fn code(&self) -> &str;
    /// The parent's code; `None` for a region of the top level.
    fn parent(&self) -> Option<&str>;
    fn level(&self) -> u32;
    fn name(&self) -> &str;
    /// Its counted stations' numbers (see [`RegionEntry::stations`]).
    fn stations(&self) -> Ranges<'_>;
}

impl RegionRecord for RegionEntry {
    fn code(&self) -> &str {
        &self.code
    }
    fn parent(&self) -> Option<&str> {
        self.parent.as_deref()
    }
    fn level(&self) -> u32 {
        self.level
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn stations(&self) -> Ranges<'_> {
        self.stations.view()
    }
}

const NO_PARENT: u32 = u32::MAX;

#[derive(Debug, Clone)]
struct Node {
    parent: u32,
    level: u32,
    child_start: u32,
    child_end: u32,
    /// Stations under this region: `first_station..end_station`.
    first_station: u32,
    end_station: u32,
}

/// The region structure of a definition (codes and names stay in the definition).
#[derive(Debug, Clone)]
pub struct RegionTree {
    nodes: Vec<Node>,
    children: Vec<RegionIdx>,
    roots: Vec<RegionIdx>,
    /// Regions that have stations, by their first station (ascending).
    holders: Vec<(u32, RegionIdx)>,
    station_count: u32,
    station_level: u32,
    /// Per region, in the same (code) order, the first 16 bytes of its code as a big-endian
    /// number, zero-padded: sorted like the codes, so a look-up by code binary-searches
    /// these numbers in one flat array instead of following every probed region's `String`.
    code_keys: Vec<u128>,
    /// Stations listed in the definition (empty when every station is counted).
    listed: ListedStations,
}

/// The first 16 bytes of `code`, zero-padded, as a big-endian number. `a <= b` for codes
/// `a <= b` (bytewise): equal up to 16 bytes, or the first difference decides, or a code
/// that is a prefix of the other pads with zeros, which sort first.
fn code_key(code: &str) -> u128 {
    let mut bytes = [0u8; 16];
    for (slot, byte) in bytes.iter_mut().zip(code.bytes()) {
        *slot = byte;
    }
    u128::from_be_bytes(bytes)
}

/// Whether `code` is a well-formed region code: 1..=32 bytes of ASCII letters, digits, `.`, `_`.
#[inline]
pub fn is_valid_region_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= MAX_REGION_CODE_BYTES
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_')
}

/// Formats a station code: `<region code>-<nnn>` (`format!("{region_code}-{number:03}")`).
/// Written out by hand because it is on every hot path: each station's leaf digest, each
/// imported row and each stations-view row spell it (2.4 million calls in a national
/// import), and the formatting machinery took about three times the string's own cost.
pub fn format_station_code(region_code: &str, number: u32) -> String {
    let mut code = String::with_capacity(region_code.len() + 4);
    code.push_str(region_code);
    code.push('-');
    if number < 1000 {
        // Three digits, zero-padded: every number the model allows (1..=999).
        for divisor in [100, 10, 1] {
            code.push(char::from(b'0' + (number / divisor % 10) as u8));
        }
    } else {
        code.push_str(&number.to_string());
    }
    code
}

/// Splits a station code into its region code and station number, if well-formed (the
/// number exactly three digits, 001..=999). Does not check that the station exists.
#[inline]
pub fn split_station_code(code: &str) -> Option<(&str, u32)> {
    let (region, number) = code.rsplit_once('-')?;
    if number.len() != 3 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u32 = number.parse().ok()?;
    if n == 0 || !is_valid_region_code(region) {
        return None;
    }
    Some((region, n))
}

/// The index of region `code` among `regions` (sorted by code, unique), looked for first
/// among the last region read (`nodes` holds the regions before this one) and its
/// ancestors: in code order a region's parent is most often one of them, so building a
/// national tree compares a few codes per region instead of binary-searching 84k. The
/// codes are unique, so a match there is the one a binary search would find.
fn find_parent<R: RegionRecord>(regions: &[R], nodes: &[Node], code: &str) -> Option<usize> {
    let mut candidate = nodes.len().checked_sub(1);
    while let Some(index) = candidate {
        if regions
            .get(index)
            .is_some_and(|region| region.code() == code)
        {
            return Some(index);
        }
        candidate = nodes
            .get(index)
            .map(|node| node.parent)
            .filter(|parent| *parent != NO_PARENT)
            .map(|parent| parent as usize);
    }
    regions
        .binary_search_by(|region| region.code().cmp(code))
        .ok()
}

impl RegionTree {
    /// Validates the regions (sorted by code, levels and parents consistent, stations only on
    /// the level above the stations) and builds the tree.
    pub(crate) fn build<R: RegionRecord>(
        levels: &[Level],
        regions: &[R],
        stations: &[ListedStation],
    ) -> Result<RegionTree, DefinitionError> {
        if regions.len() > MAX_REGIONS {
            return Err(DefinitionError::TooMany {
                field: "regions",
                count: regions.len() as u64,
                limit: MAX_REGIONS as u64,
            });
        }
        let station_level = levels.len().saturating_sub(1) as u32;
        let holder_level = station_level.saturating_sub(1);
        let mut nodes = Vec::with_capacity(regions.len());
        let mut child_counts = vec![0u32; regions.len()];
        let mut roots = Vec::new();
        let mut previous: Option<&str> = None;
        for (i, region) in regions.iter().enumerate() {
            if !is_valid_region_code(region.code()) {
                return Err(DefinitionError::BadRegionCode {
                    code: region.code().to_string(),
                });
            }
            if previous.is_some_and(|p| p >= region.code()) {
                return Err(DefinitionError::NotCanonical {
                    what: "regions (sorted by code, unique)",
                    at: region.code().to_string(),
                });
            }
            previous = Some(region.code());
            crate::definition::check_text("region name", region.name(), MAX_NAME_BYTES)?;
            if region.level() >= station_level {
                return Err(DefinitionError::RegionLevelOutOfRange {
                    code: region.code().to_string(),
                    level: region.level(),
                    region_levels: station_level,
                });
            }
            let parent = match (region.parent(), region.level()) {
                (None, 0) => {
                    roots.push(RegionIdx(i as u32));
                    NO_PARENT
                }
                (Some(_), 0) => {
                    return Err(DefinitionError::TopLevelWithParent {
                        code: region.code().to_string(),
                    })
                }
                (None, _) => {
                    return Err(DefinitionError::MissingParent {
                        code: region.code().to_string(),
                    })
                }
                (Some(parent), level) => {
                    let p = find_parent(regions, &nodes, parent).ok_or_else(|| {
                        DefinitionError::UnknownParent {
                            code: region.code().to_string(),
                            parent: parent.to_string(),
                        }
                    })?;
                    let parent_level = regions.get(p).map(|r| r.level()).unwrap_or(u32::MAX);
                    if parent_level.checked_add(1) != Some(level) {
                        return Err(DefinitionError::ParentLevelMismatch {
                            code: region.code().to_string(),
                            level,
                            parent: parent.to_string(),
                            parent_level,
                        });
                    }
                    if let Some(c) = child_counts.get_mut(p) {
                        *c += 1;
                    }
                    p as u32
                }
            };
            let numbers = region.stations();
            if !numbers.is_empty() && region.level() != holder_level {
                return Err(DefinitionError::StationsAtWrongLevel {
                    code: region.code().to_string(),
                    level: region.level(),
                });
            }
            let count = numbers.count();
            if numbers.is_plain_count() && count > MAX_STATIONS_PER_REGION {
                return Err(DefinitionError::TooManyStationsInRegion {
                    code: region.code().to_string(),
                    stations: count,
                    limit: MAX_STATIONS_PER_REGION,
                });
            }
            numbers
                .check()
                .map_err(|problem| DefinitionError::BadStationNumbers {
                    code: region.code().to_string(),
                    problem,
                })?;
            nodes.push(Node {
                parent,
                level: region.level(),
                child_start: 0,
                child_end: 0,
                first_station: 0,
                end_station: 0,
            });
        }
        // Children lists (CSR), each in code order because regions are sorted by code.
        let mut offset = 0u32;
        for (node, count) in nodes.iter_mut().zip(&child_counts) {
            node.child_start = offset;
            node.child_end = offset;
            offset += count;
        }
        let mut children = vec![RegionIdx(0); offset as usize];
        for i in 0..nodes.len() {
            let parent = nodes.get(i).map(|n| n.parent).unwrap_or(NO_PARENT);
            if let Some(p) = nodes.get_mut(parent as usize) {
                if let Some(slot) = children.get_mut(p.child_end as usize) {
                    *slot = RegionIdx(i as u32);
                }
                p.child_end += 1;
            }
        }
        // Depth-first station numbering.
        let mut listed = ListedStations::group(regions, stations, holder_level)?;
        let mut next_station: u64 = 0;
        let mut holders = Vec::new();
        let mut stack: Vec<(u32, u32)> = Vec::new();
        for root in &roots {
            stack.push((root.0, u32::MAX));
            while let Some(top) = stack.last_mut() {
                let (node, mut next) = *top;
                let Some(n) = nodes.get_mut(node as usize) else {
                    stack.pop();
                    continue;
                };
                if next == u32::MAX {
                    // First visit: the region's stations come before its children's.
                    n.first_station = next_station as u32;
                    let counted = regions
                        .get(node as usize)
                        .map(|r| r.stations().count())
                        .unwrap_or(0);
                    let stations = counted + listed.count(node);
                    if stations > 0 {
                        listed.number(node, next_station as u32);
                        holders.push((next_station as u32, RegionIdx(node)));
                        next_station += u64::from(stations);
                        if next_station > MAX_STATIONS {
                            return Err(DefinitionError::TooMany {
                                field: "stations",
                                count: next_station,
                                limit: MAX_STATIONS,
                            });
                        }
                    }
                    next = n.child_start;
                }
                if next < n.child_end {
                    top.1 = next + 1;
                    let child = children.get(next as usize).map(|c| c.0).unwrap_or(u32::MAX);
                    stack.push((child, u32::MAX));
                } else {
                    n.end_station = next_station as u32;
                    stack.pop();
                }
            }
        }
        listed.finish(next_station as u32);
        Ok(RegionTree {
            listed,
            nodes,
            children,
            roots,
            holders,
            station_count: next_station as u32,
            station_level,
            code_keys: regions.iter().map(|r| code_key(r.code())).collect(),
        })
    }

    /// Looks a region up by code in the definition's (sorted) regions.
    pub(crate) fn lookup<R: RegionRecord>(&self, regions: &[R], code: &str) -> Option<RegionIdx> {
        let key = code_key(code);
        let start = self.code_keys.partition_point(|k| *k < key);
        // Codes sharing their first 16 bytes (rare): a binary search over the full codes.
        let same = self
            .code_keys
            .get(start..)?
            .iter()
            .take(2)
            .take_while(|k| **k == key)
            .count();
        let end = match same {
            0 => return None,
            1 => start + 1,
            _ => start + self.code_keys.get(start..)?.partition_point(|k| *k == key),
        };
        regions
            .get(start..end)?
            .binary_search_by(|r| r.code().cmp(code))
            .ok()
            .map(|i| RegionIdx((start + i) as u32))
    }

    /// Number of regions.
    pub fn region_count(&self) -> u32 {
        self.nodes.len() as u32
    }
    /// The definition index of a listed station (`None` for a counted one).
    pub(crate) fn listed_entry(&self, station: StationId) -> Option<usize> {
        self.listed.entry(station)
    }
    /// The id of the definition's listed station `entry`.
    pub(crate) fn listed_id(&self, entry: usize) -> Option<StationId> {
        self.listed.id(entry)
    }
    /// Number of polling stations.
    pub fn station_count(&self) -> u32 {
        self.station_count
    }
    /// Top-level regions in code order.
    pub fn roots(&self) -> &[RegionIdx] {
        &self.roots
    }
    /// A region's parent region.
    pub fn parent(&self, region: RegionIdx) -> Option<RegionIdx> {
        let p = self.nodes.get(region.0 as usize)?.parent;
        (p != NO_PARENT).then_some(RegionIdx(p))
    }
    /// A region's level index.
    pub fn level(&self, region: RegionIdx) -> Option<u32> {
        Some(self.nodes.get(region.0 as usize)?.level)
    }
    /// A place's level index (stations are at the last level).
    pub fn place_level(&self, place: Place) -> Option<u32> {
        match place {
            Place::Region(r) => self.level(r),
            Place::Station(s) => (s.0 < self.station_count).then_some(self.station_level),
        }
    }
    /// A region's child regions in code order (empty for the level above the stations).
    pub fn children(&self, region: RegionIdx) -> &[RegionIdx] {
        self.nodes
            .get(region.0 as usize)
            .and_then(|n| {
                self.children
                    .get(n.child_start as usize..n.child_end as usize)
            })
            .unwrap_or(&[])
    }
    /// The stations under a region (all of them, at any depth), as a range of ids.
    pub fn stations_under(&self, region: RegionIdx) -> std::ops::Range<u32> {
        self.nodes
            .get(region.0 as usize)
            .map(|n| n.first_station..n.end_station)
            .unwrap_or(0..0)
    }
    /// The region holding a station, and the station's place among the region's stations
    /// (1-based; the station's number only where the numbers have no gap).
    pub fn station_holder(&self, station: StationId) -> Option<(RegionIdx, u32)> {
        if station.0 >= self.station_count {
            return None;
        }
        let i = self
            .holders
            .partition_point(|(first, _)| *first <= station.0);
        let (first, region) = *self.holders.get(i.checked_sub(1)?)?;
        Some((region, station.0 - first + 1))
    }
    /// The parent region of a place (a station's holder).
    pub fn place_parent(&self, place: Place) -> Option<RegionIdx> {
        match place {
            Place::Region(r) => self.parent(r),
            Place::Station(s) => self.station_holder(s).map(|(r, _)| r),
        }
    }
    /// Whether `scope` is `region` or one of its ancestors: an O(depth) walk.
    pub fn region_covers(&self, scope: RegionIdx, region: RegionIdx) -> bool {
        let Some(scope_level) = self.level(scope) else {
            return false;
        };
        let mut current = region;
        loop {
            if current == scope {
                return true;
            }
            match (self.level(current), self.parent(current)) {
                (Some(level), Some(parent)) if level > scope_level => current = parent,
                _ => return false,
            }
        }
    }
    /// Whether `scope` covers a place: is it, or is an ancestor of it.
    pub fn covers(&self, scope: RegionIdx, place: Place) -> bool {
        match place {
            Place::Region(r) => self.region_covers(scope, r),
            Place::Station(s) => self.stations_under(scope).contains(&s.0),
        }
    }
    /// Whether a place (a region, or a station itself) covers a station.
    pub fn covers_place(&self, place: Place, station: StationId) -> bool {
        match place {
            Place::Region(r) => self.covers(r, Place::Station(station)),
            Place::Station(s) => s == station,
        }
    }
    /// The ancestor of `place` at `level`, if the place lies at or below that level.
    pub fn ancestor_at(&self, place: Place, level: u32) -> Option<RegionIdx> {
        let mut region = match place {
            Place::Region(r) => r,
            Place::Station(s) => self.station_holder(s)?.0,
        };
        loop {
            let l = self.level(region)?;
            if l == level {
                return Some(region);
            }
            if l < level {
                return None;
            }
            region = self.parent(region)?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(key: &str) -> Level {
        Level {
            key: key.into(),
            name_en: key.into(),
            name_id: key.into(),
            holds_plenary: false,
        }
    }

    /// Every code, and near misses, found by the keyed look-up exactly as by a plain binary
    /// search, including codes sharing their first 16 bytes and codes that prefix others.
    #[test]
    fn lookup_by_code_agrees_with_a_binary_search() {
        let long = "A".repeat(16);
        let mut codes: Vec<String> = vec![
            "A".into(),
            "A0".into(),
            "AB".into(),
            "B_".into(),
            long.clone(),
            format!("{long}0"),
            format!("{long}1"),
            format!("{long}12"),
            format!("{long}2"),
            format!("{long}{long}"),
            "A".repeat(15),
            "Z".repeat(32),
        ];
        codes.sort();
        let regions: Vec<RegionEntry> = codes
            .iter()
            .map(|code| RegionEntry {
                code: code.clone(),
                parent: None,
                level: 0,
                name: code.clone(),
                stations: crate::numbers::StationNumbers::counted(1),
            })
            .collect();
        let tree = RegionTree::build(&[level("region"), level("station")], &regions, &[])
            .expect("a valid tree");
        let mut probes: Vec<String> = codes.clone();
        for code in &codes {
            probes.push(format!("{code}0"));
            probes.push(format!("{code}\0"));
            probes.push(code[..code.len() - 1].to_string());
        }
        probes.extend(["", "0", "AA", "Z", "\u{7f}"].map(String::from));
        for probe in &probes {
            let expected = regions
                .binary_search_by(|r| r.code.as_str().cmp(probe))
                .ok()
                .map(|i| RegionIdx(i as u32));
            assert_eq!(tree.lookup(&regions, probe), expected, "{probe:?}");
        }
    }
}
