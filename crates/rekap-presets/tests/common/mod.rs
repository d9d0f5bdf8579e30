#![allow(dead_code)]

use std::collections::BTreeMap;

use rekap_model::{Election, SoftRules, TallySheet};
use rekap_presets::{OfficerSpec, Preset, RoleSpec};

/// RFC 8032 test vector 1's public key: a valid ed25519 point.
pub const REGISTRAR: [u8; 32] = [
    0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a,
    0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a,
];

/// RFC 8032 test vector 2's public key, as an operator over `scope`.
pub fn operator(scope: &str) -> OfficerSpec {
    OfficerSpec {
        key: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c".to_string(),
        role: RoleSpec::Operator,
        scope: scope.to_string(),
    }
}

/// Checks every sheet against the hard rules and the single-sheet soft rules, that every
/// station code exists, and that every station of the election has exactly one sheet.
pub fn check_sheets(preset: &Preset, election: &Election) {
    let contest = election
        .contest_by_id(&preset.contest_id)
        .expect("the preset's contest");
    let pairs = election.contest(contest).expect("contest").pairs.len() as u32;
    let capacity = election.station_capacity();
    let rules = SoftRules::default();
    let mut previous: Option<&str> = None;
    for (code, sheet) in &preset.sheets {
        assert!(
            previous < Some(code.as_str()),
            "sorted and unique at {code}"
        );
        previous = Some(code);
        assert!(election.find_station(code).is_some(), "{code} exists");
        sheet
            .check_hard_rules(pairs, capacity)
            .unwrap_or_else(|v| panic!("{code}: {v:?} in {sheet:?}"));
        assert_eq!(sheet.own_flags(&rules), vec![], "{code}: {sheet:?}");
    }
    assert_eq!(
        preset.sheets.len() as u32,
        election.tree().station_count(),
        "one sheet per station"
    );
}

/// No numbers shared by `same_sheet_min_stations` sheets with enough valid votes.
pub fn check_no_repeated_sheets(sheets: &[(String, TallySheet)]) {
    let rules = SoftRules::default();
    let mut seen: BTreeMap<u64, u32> = BTreeMap::new();
    for (code, sheet) in sheets {
        if sheet.valid < rules.same_sheet_min_valid {
            continue;
        }
        let count = seen.entry(sheet.numbers_fingerprint()).or_default();
        *count += 1;
        assert!(*count < rules.same_sheet_min_stations, "{code} repeats");
    }
}

/// No sheet is far from its village's other sheets (the neighbour soft rule).
pub fn check_close_to_neighbours(sheets: &[(String, TallySheet)]) {
    use rekap_model::sheet::Neighbourhood;
    let rules = SoftRules::default();
    let mut villages: BTreeMap<&str, Vec<&TallySheet>> = BTreeMap::new();
    for (code, sheet) in sheets {
        let village = code.rsplit_once('-').expect("station code").0;
        villages.entry(village).or_default().push(sheet);
    }
    for (village, sheets) in villages {
        let pairs = sheets.first().map(|s| s.votes.len()).unwrap_or(0);
        let mut all = Neighbourhood {
            sheets: 0,
            valid: 0,
            votes: vec![0; pairs],
        };
        for sheet in &sheets {
            all.sheets += 1;
            all.valid += u64::from(sheet.valid);
            for (sum, &v) in all.votes.iter_mut().zip(&sheet.votes) {
                *sum += u64::from(v);
            }
        }
        for sheet in &sheets {
            let others = Neighbourhood {
                sheets: all.sheets - 1,
                valid: all.valid - u64::from(sheet.valid),
                votes: all
                    .votes
                    .iter()
                    .zip(&sheet.votes)
                    .map(|(a, &v)| a - u64::from(v))
                    .collect(),
            };
            assert_eq!(others.flag(sheet, &rules), None, "{village}: {sheet:?}");
        }
    }
}
