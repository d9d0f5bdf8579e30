//! A soft-rule flag (docs/RULES.md S1-S5) in the language of the run: the rule, then its
//! numbers grouped, permilles as one-decimal percentages. The model's `Display` is the
//! English text of logs and JSON; status, list, audit and the stations view's listed flags
//! are worded here at read time.

use rekap_model::Flag;

use crate::lang::Lang;

/// `96.4` (en) or `96,4` (id) from a permille.
fn permille(value: u32, lang: Lang) -> String {
    let separator = match lang {
        Lang::Id => ',',
        Lang::En => '.',
    };
    format!("{}{separator}{}", value / 10, value % 10)
}

pub fn flag(flag: &Flag, lang: Lang) -> String {
    let n = |value: u64| lang.number(value);
    match flag {
        Flag::HighTurnout {
            voted,
            registered,
            threshold_permille,
        } => lang.message_with(
            "flag-high-turnout",
            &[
                ("voted", &n(*voted)),
                ("registered", &n(*registered)),
                ("threshold", &permille(*threshold_permille, lang)),
            ],
        ),
        Flag::OnePairAllVotes { pair, valid } => lang.message_with(
            "flag-one-pair-all-votes",
            &[("pair", pair), ("valid", &n((*valid).into()))],
        ),
        Flag::HighInvalidShare {
            invalid,
            cast,
            threshold_permille,
        } => lang.message_with(
            "flag-high-invalid-share",
            &[
                ("invalid", &n((*invalid).into())),
                ("cast", &n(*cast)),
                ("threshold", &permille(*threshold_permille, lang)),
            ],
        ),
        Flag::SameSheetAtManyStations {
            stations,
            threshold,
        } => lang.message_with(
            "flag-same-sheet-at-many-stations",
            &[
                ("stations", &n((*stations).into())),
                ("threshold", &n((*threshold).into())),
            ],
        ),
        Flag::FarFromNeighbours {
            pair,
            share_permille,
            neighbours_permille,
            neighbour_sheets,
            threshold_permille,
        } => lang.message_with(
            "flag-far-from-neighbours",
            &[
                ("pair", pair),
                ("share", &permille(*share_permille, lang)),
                ("neighbours", &permille(*neighbours_permille, lang)),
                ("sheets", &n((*neighbour_sheets).into())),
                ("threshold", &permille(*threshold_permille, lang)),
            ],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The English words are the model's Display (numbers under a thousand), so the
    /// catalogue cannot drift from it; Indonesian groups and uses the decimal comma.
    #[test]
    fn a_flag_reads_as_the_model_writes_it_and_in_indonesian() {
        let flags = [
            Flag::HighTurnout {
                voted: 99,
                registered: 100,
                threshold_permille: 975,
            },
            Flag::OnePairAllVotes { pair: 2, valid: 80 },
            Flag::HighInvalidShare {
                invalid: 30,
                cast: 200,
                threshold_permille: 100,
            },
            Flag::SameSheetAtManyStations {
                stations: 4,
                threshold: 3,
            },
            Flag::FarFromNeighbours {
                pair: 1,
                share_permille: 905,
                neighbours_permille: 402,
                neighbour_sheets: 12,
                threshold_permille: 300,
            },
        ];
        for raised in &flags {
            assert_eq!(flag(raised, Lang::En), raised.to_string());
        }
        let big = Flag::HighTurnout {
            voted: 1_234,
            registered: 1_250,
            threshold_permille: 975,
        };
        assert_eq!(
            flag(&big, Lang::Id),
            "S1 kehadiran tinggi: 1.234 memilih dari 1.250 terdaftar (di atas 97,5%)"
        );
    }
}
