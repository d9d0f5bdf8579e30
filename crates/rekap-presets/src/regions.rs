//! The embedded region file (`data/indonesia-regions-2024.csv`): every province, regency,
//! district and village of Indonesia in 2024 with the general election's station counts, and
//! writing a region list back as the CSV the model reads.

use std::collections::BTreeMap;

use rekap_model::file::REGIONS_CSV_HEADER;
use rekap_model::{indonesia_levels, parse_regions_csv, Level, RegionEntry};

use crate::error::PresetError;

const REGIONS_CSV: &str = include_str!("../../../data/indonesia-regions-2024.csv");

/// Index of the village level in [`indonesia_levels`].
pub const VILLAGE_LEVEL: u32 = 3;

/// Every region of the embedded file, sorted by code, levels as in [`indonesia_levels`].
pub fn indonesia_regions() -> Result<Vec<RegionEntry>, PresetError> {
    let mut regions = parse_regions_csv(REGIONS_CSV.as_bytes(), &indonesia_levels())?;
    regions.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(regions)
}

/// The regions under `root` (itself included), in the given order. Follows parents, not code
/// prefixes.
pub fn subtree(regions: &[RegionEntry], root: &str) -> Vec<RegionEntry> {
    let parents: BTreeMap<&str, Option<&str>> = regions
        .iter()
        .map(|r| (r.code.as_str(), r.parent.as_deref()))
        .collect();
    let under_root = |code: &str| {
        let mut current = Some(code);
        for _ in 0..=rekap_model::limits::MAX_LEVELS {
            match current {
                Some(c) if c == root => return true,
                Some(c) => current = parents.get(c).copied().flatten(),
                None => return false,
            }
        }
        false
    };
    regions
        .iter()
        .filter(|r| under_root(&r.code))
        .cloned()
        .collect()
}

/// The code of the ancestor of `code` at `level` (or `code` itself at that level).
pub fn ancestor_at<'a>(
    by_code: &BTreeMap<&'a str, &'a RegionEntry>,
    code: &'a str,
    level: u32,
) -> Option<&'a str> {
    let mut current = *by_code.get(code)?;
    for _ in 0..=rekap_model::limits::MAX_LEVELS {
        if current.level == level {
            return Some(current.code.as_str());
        }
        current = *by_code.get(current.parent.as_deref()?)?;
    }
    None
}

/// The regions as a CSV with the model's header; the level column holds `levels[level].key`,
/// the stations column is written for regions of the level above the stations.
pub fn to_csv(regions: &[RegionEntry], levels: &[Level]) -> Result<String, PresetError> {
    let holder_level = levels.len().saturating_sub(2) as u32;
    let mut out = String::with_capacity(regions.len() * 48);
    out.push_str(REGIONS_CSV_HEADER);
    out.push('\n');
    for region in regions {
        let level = levels
            .get(region.level as usize)
            .ok_or_else(|| PresetError::data("regions", format!("{} has no level", region.code)))?;
        push_field(&mut out, &region.code);
        out.push(',');
        push_field(&mut out, region.parent.as_deref().unwrap_or(""));
        out.push(',');
        push_field(&mut out, &level.key);
        out.push(',');
        push_field(&mut out, &region.name);
        out.push(',');
        if region.level == holder_level && region.stations.is_empty() {
            out.push('0');
        } else if region.level == holder_level {
            out.push_str(&region.stations.to_string());
        }
        out.push('\n');
    }
    Ok(out)
}

fn push_field(out: &mut String, value: &str) {
    if value.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}
