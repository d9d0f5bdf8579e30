//! The definition file (the model's `rekap-election/1` JSON) of a preset. Regions are not
//! inline: the file names [`crate::REGIONS_CSV_FILE_NAME`] and the preset carries that CSV.

use rekap_model::file::{
    ContestSpec, DefinitionFile, LevelsSpec, OfficerSpec, PairSpec, DEFINITION_FILE_FORMAT,
};
use rekap_model::SoftRules;

use crate::error::PresetError;
use crate::REGIONS_CSV_FILE_NAME;

/// What differs between presets' definition files.
pub struct DefinitionParts<'a> {
    pub name: String,
    pub levels: LevelsSpec,
    pub plenary_levels: Option<Vec<String>>,
    pub station_capacity: u32,
    pub registrar: &'a [u8; 32],
    pub officers: &'a [OfficerSpec],
    pub contest_id: String,
    pub contest_name: String,
    pub scope: String,
    pub pairs: Vec<String>,
}

/// The definition file as pretty JSON.
pub fn definition_json(parts: DefinitionParts<'_>) -> Result<String, PresetError> {
    let file = DefinitionFile {
        format: DEFINITION_FILE_FORMAT.to_string(),
        name: parts.name,
        levels: parts.levels,
        plenary_levels: parts.plenary_levels,
        station_capacity: parts.station_capacity,
        registrar: hex(parts.registrar),
        soft_rules: SoftRules::default(),
        contests: vec![ContestSpec {
            id: parts.contest_id,
            name: parts.contest_name,
            scope: parts.scope,
            parts: Vec::new(),
            pairs: parts
                .pairs
                .into_iter()
                .enumerate()
                .map(|(i, name)| PairSpec {
                    number: i as u32 + 1,
                    name,
                })
                .collect(),
            vote_types: Vec::new(),
        }],
        regions: None,
        regions_csv: Some(REGIONS_CSV_FILE_NAME.to_string()),
        include_regions: None,
        officers: parts.officers.to_vec(),
    };
    serde_json::to_string_pretty(&file).map_err(|e| PresetError::data("definition", e.to_string()))
}

/// Lower-case hex.
fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn hex_is_lower_case_and_padded() {
        assert_eq!(super::hex(&[0x00, 0x0f, 0xab]), "000fab");
    }
}
