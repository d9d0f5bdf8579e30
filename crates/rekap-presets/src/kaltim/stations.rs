//! Spreading each regency's stations over its villages in proportion to the villages'
//! general-election station counts, every village at least one station (when the regency has
//! as many stations as villages), at most the model's 999, by largest remainder.

use std::collections::BTreeMap;

use rekap_model::limits::MAX_STATIONS_PER_REGION;
use rekap_model::RegionEntry;

use crate::error::PresetError;
use crate::kaltim::targets::RegencyTarget;
use crate::regions::{ancestor_at, VILLAGE_LEVEL};
use crate::split::split_within;

const REGENCY_LEVEL: u32 = 1;

/// Sets the `stations` of every village in `regions` (one province) and returns, per
/// regency in the order of `targets`, the indices in `regions` of its villages in code order.
pub fn spread_stations(
    regions: &mut [RegionEntry],
    targets: &[RegencyTarget],
) -> Result<Vec<Vec<usize>>, PresetError> {
    let mut villages: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    {
        let by_code: BTreeMap<&str, &RegionEntry> =
            regions.iter().map(|r| (r.code.as_str(), r)).collect();
        for (i, region) in regions.iter().enumerate() {
            if region.level != VILLAGE_LEVEL {
                continue;
            }
            let regency = ancestor_at(&by_code, &region.code, REGENCY_LEVEL).ok_or_else(|| {
                PresetError::data("regions", format!("village {} has no regency", region.code))
            })?;
            villages.entry(regency.to_string()).or_default().push(i);
        }
    }
    for regency in villages.keys() {
        if !targets.iter().any(|t| &t.code == regency) {
            return Err(PresetError::data(
                "kaltim-pilgub-2024.json",
                format!("regency {regency} of the regions file has no official figures"),
            ));
        }
    }
    let mut out = Vec::with_capacity(targets.len());
    for target in targets {
        let mut indices = villages.remove(&target.code).ok_or_else(|| {
            PresetError::data(
                "indonesia-regions-2024.csv",
                format!("regency {} has no villages", target.code),
            )
        })?;
        indices.sort_by(|&a, &b| regions[a].code.cmp(&regions[b].code));
        let weights: Vec<u64> = indices
            .iter()
            .map(|&i| u64::from(regions[i].stations.count()))
            .collect();
        let least = u64::from(target.stations >= indices.len() as u64);
        let counts = split_within(
            || format!("stations of regency {} over its villages", target.code),
            target.stations,
            &weights,
            &vec![least; indices.len()],
            &vec![u64::from(MAX_STATIONS_PER_REGION); indices.len()],
        )?;
        for (&i, count) in indices.iter().zip(counts) {
            // At most 999 by the bound above.
            regions[i].stations = rekap_model::StationNumbers::counted(count as u32);
        }
        out.push(indices);
    }
    Ok(out)
}
