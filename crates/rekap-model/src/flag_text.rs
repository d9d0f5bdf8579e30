//! How a soft-rule flag reads to a person (docs/RULES.md S1-S5): the rule, then its numbers.
//! Never Rust's debug form, which is what the audit and the portal used to print.

use crate::sheet::Flag;

impl std::fmt::Display for Flag {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Flag::HighTurnout {
                voted,
                registered,
                threshold_permille,
            } => write!(
                formatter,
                "S1 high turnout: {voted} voted of {registered} registered (over {}.{}%)",
                threshold_permille / 10,
                threshold_permille % 10
            ),
            Flag::OnePairAllVotes { pair, valid } => write!(
                formatter,
                "S2 one pair has every valid vote: pair {pair} has all {valid}"
            ),
            Flag::HighInvalidShare {
                invalid,
                cast,
                threshold_permille,
            } => write!(
                formatter,
                "S3 many invalid votes: {invalid} of {cast} cast (over {}.{}%)",
                threshold_permille / 10,
                threshold_permille % 10
            ),
            Flag::SameSheetAtManyStations {
                stations,
                threshold,
            } => write!(
                formatter,
                "S4 the same numbers at {stations} stations (the threshold is {threshold})"
            ),
            Flag::FarFromNeighbours {
                pair,
                share_permille,
                neighbours_permille,
                neighbour_sheets,
                threshold_permille,
            } => write!(
                formatter,
                "S5 far from its neighbours: pair {pair} has {}.{}% here, {}.{}% over {neighbour_sheets} \
                 other sheets of the village (more than {}.{} points apart)",
                share_permille / 10,
                share_permille % 10,
                neighbours_permille / 10,
                neighbours_permille % 10,
                threshold_permille / 10,
                threshold_permille % 10
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_flag_names_its_rule_and_no_debug_text() {
        let flags = [
            Flag::HighTurnout {
                voted: 99,
                registered: 100,
                threshold_permille: 975,
            },
            Flag::OnePairAllVotes { pair: 1, valid: 80 },
            Flag::HighInvalidShare {
                invalid: 30,
                cast: 100,
                threshold_permille: 200,
            },
            Flag::SameSheetAtManyStations {
                stations: 7,
                threshold: 5,
            },
            Flag::FarFromNeighbours {
                pair: 2,
                share_permille: 901,
                neighbours_permille: 402,
                neighbour_sheets: 9,
                threshold_permille: 300,
            },
        ];
        for (index, flag) in flags.iter().enumerate() {
            let text = flag.to_string();
            assert!(text.starts_with(&format!("S{} ", index + 1)), "{text}");
            assert!(!text.contains('{') && !text.contains("_permille"), "{text}");
        }
        assert!(flags[0].to_string().contains("over 97.5%"));
    }
}
