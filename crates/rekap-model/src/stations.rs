//! Polling stations listed explicitly in the definition, and the spellings of a station code.
//!
//! A region of the level just above the stations (the *holder*: a village in Indonesia, a
//! county in a US state) has its stations in one of two forms, never both:
//!
//! - **counted**: `RegionEntry::stations` gives their numbers, a count n (`-001` .. `-<n>`)
//!   or ranges with gaps (`1-12,14,149`), stations `<region code>-<nnn>` (generated
//!   elections, the presets, national lists; see [`crate::numbers`], [`crate::regions`]);
//! - **listed**: rows of the station level, each a [`ListedStation`] with its own code, its
//!   holder and a display name (real station lists, with gaps and any numbering).
//!
//! Listed stations are numbered depth-first exactly like counted ones: a holder's stations
//! come in code order at the holder's place in the tree, so the stations under any region
//! remain one contiguous range of [`StationId`]s.
//!
//! **Other spellings.** The commission writes a TPS as its village code followed by three
//! digits (`6401012009001`); rekap's counted form is `6401012009-001`. Either spelling finds
//! the station, whichever form the definition uses ([`alternative_spelling`]); output prints
//! the definition's form.

use bincode::Encode;

use crate::error::DefinitionError;
use crate::limits::*;
use crate::regions::{split_station_code, RegionRecord, StationId};

/// One polling station listed in the definition (a row of the station level).
#[derive(Debug, Clone, PartialEq, Eq, Encode)]
pub struct ListedStation {
    /// 1..=36 bytes of ASCII letters, digits, `.`, `_`, `-`; unique among stations and regions.
    pub code: String,
    /// Code of the holder region (a region of the level just above the stations).
    pub parent: String,
    /// Display name (any text, 1..=200 bytes), e.g. `Ward 3 Precinct 2` or `TPS 001`.
    pub name: String,
}

/// Whether `code` is a well-formed listed-station code: 1..=36 bytes of ASCII letters,
/// digits, `.`, `_`, `-`.
pub fn is_valid_station_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= MAX_STATION_CODE_BYTES
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-')
}

/// The other spelling of a station code: `R-nnn` for `Rnnn` (three trailing digits, no `-`)
/// and `Rnnn` for `R-nnn`. `None` when the code has neither shape.
pub fn alternative_spelling(code: &str) -> Option<String> {
    if let Some((region, number)) = split_station_code(code) {
        return Some(format!("{region}{number:03}"));
    }
    let split = code.len().checked_sub(3)?;
    let (region, digits) = (code.get(..split)?, code.get(split..)?);
    (!region.is_empty() && !code.contains('-') && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("{region}-{digits}"))
}

/// Listed stations grouped by holder, and their ids once the tree has numbered them.
#[derive(Debug, Clone, Default)]
pub(crate) struct ListedStations {
    /// Per region (same order as the regions), how many listed stations it holds; empty
    /// when no station is listed.
    pub(crate) per_region: Vec<u32>,
    /// Indices into the definition's stations, grouped by holder (holder order), each
    /// group in code order; `group_start[r]` is where region r's group starts.
    by_holder: Vec<u32>,
    group_start: Vec<u32>,
    /// Per listed station (definition order, by code), its id.
    pub(crate) id_of_entry: Vec<u32>,
    /// Per station id, the index of its entry, or `u32::MAX` for a counted station; empty
    /// when no station is listed.
    entry_of_id: Vec<u32>,
}

impl ListedStations {
    /// Checks the listed stations against the regions and groups them by holder.
    pub(crate) fn group<R: RegionRecord>(
        regions: &[R],
        stations: &[ListedStation],
        holder_level: u32,
    ) -> Result<ListedStations, DefinitionError> {
        if stations.is_empty() {
            return Ok(ListedStations::default());
        }
        if stations.len() > MAX_LISTED_STATIONS {
            return Err(DefinitionError::TooMany {
                field: "listed stations",
                count: stations.len() as u64,
                limit: MAX_LISTED_STATIONS as u64,
            });
        }
        let mut per_region = vec![0u32; regions.len()];
        let mut holders = Vec::with_capacity(stations.len());
        let mut previous: Option<&str> = None;
        for station in stations {
            if !is_valid_station_code(&station.code) {
                return Err(DefinitionError::BadStationCode {
                    code: station.code.clone(),
                });
            }
            if previous.is_some_and(|p| p >= station.code.as_str()) {
                return Err(DefinitionError::NotCanonical {
                    what: "stations (sorted by code, unique)",
                    at: station.code.clone(),
                });
            }
            previous = Some(&station.code);
            crate::definition::check_text("station name", &station.name, MAX_NAME_BYTES)?;
            if regions
                .binary_search_by(|r| r.code().cmp(&station.code))
                .is_ok()
            {
                return Err(DefinitionError::DuplicateRegion {
                    code: station.code.clone(),
                });
            }
            let holder = regions
                .binary_search_by(|r| r.code().cmp(&station.parent))
                .map_err(|_| DefinitionError::UnknownParent {
                    code: station.code.clone(),
                    parent: station.parent.clone(),
                })?;
            let entry = regions.get(holder);
            if entry.map(|r| r.level()) != Some(holder_level) {
                return Err(DefinitionError::StationParentLevel {
                    code: station.code.clone(),
                    parent: station.parent.clone(),
                });
            }
            if entry.is_some_and(|r| !r.stations().is_empty()) {
                return Err(DefinitionError::StationsCountedAndListed {
                    code: station.parent.clone(),
                });
            }
            if let Some(count) = per_region.get_mut(holder) {
                *count += 1;
            }
            holders.push(holder as u32);
        }
        let mut group_start = Vec::with_capacity(regions.len() + 1);
        let mut offset = 0u32;
        for count in &per_region {
            group_start.push(offset);
            offset += count;
        }
        let mut fill = group_start.clone();
        let mut by_holder = vec![0u32; stations.len()];
        for (entry, holder) in holders.iter().enumerate() {
            if let Some(slot) = fill.get_mut(*holder as usize) {
                if let Some(place) = by_holder.get_mut(*slot as usize) {
                    *place = entry as u32;
                }
                *slot += 1;
            }
        }
        Ok(ListedStations {
            per_region,
            by_holder,
            group_start,
            id_of_entry: vec![0; stations.len()],
            entry_of_id: Vec::new(),
        })
    }

    /// How many listed stations `region` holds.
    pub(crate) fn count(&self, region: u32) -> u32 {
        self.per_region.get(region as usize).copied().unwrap_or(0)
    }

    /// Gives `region`'s listed stations the ids `first..`, in code order.
    pub(crate) fn number(&mut self, region: u32, first: u32) {
        let start = self.group_start.get(region as usize).copied().unwrap_or(0);
        for k in 0..self.count(region) {
            let entry = self
                .by_holder
                .get((start + k) as usize)
                .copied()
                .unwrap_or(0);
            if let Some(id) = self.id_of_entry.get_mut(entry as usize) {
                *id = first + k;
            }
        }
    }

    /// After numbering: the reverse map from station id to entry.
    pub(crate) fn finish(&mut self, station_count: u32) {
        self.by_holder = Vec::new();
        self.group_start = Vec::new();
        if self.id_of_entry.is_empty() {
            return;
        }
        self.entry_of_id = vec![u32::MAX; station_count as usize];
        for (entry, id) in self.id_of_entry.iter().enumerate() {
            if let Some(slot) = self.entry_of_id.get_mut(*id as usize) {
                *slot = entry as u32;
            }
        }
    }

    /// The entry index of a listed station; `None` for a counted one.
    pub(crate) fn entry(&self, station: StationId) -> Option<usize> {
        let entry = *self.entry_of_id.get(station.0 as usize)?;
        (entry != u32::MAX).then_some(entry as usize)
    }

    /// The id of listed station `entry`.
    pub(crate) fn id(&self, entry: usize) -> Option<StationId> {
        self.id_of_entry.get(entry).map(|id| StationId(*id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_two_spellings_of_a_tps_code_map_to_each_other() {
        assert_eq!(
            alternative_spelling("6401012009001").as_deref(),
            Some("6401012009-001")
        );
        assert_eq!(
            alternative_spelling("6401012009-001").as_deref(),
            Some("6401012009001")
        );
        for none in ["", "001", "01A", "W3-P2", "Ward-1", "64-1"] {
            assert_eq!(alternative_spelling(none), None, "{none:?}");
        }
    }
}
