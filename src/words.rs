//! Domain words for people, in the language chosen: roles, lists of numbers. Nothing here
//! prints Rust's debug form (`Witness { contest: .., pair: 1 }`, `[120, 95]`).

use rekap_model::Role;

use crate::lang::Lang;

/// Numbers joined for a sentence: `120, 95`.
pub fn numbers<T: std::fmt::Display>(values: &[T]) -> String {
    values
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Votes by ballot number, each count grouped: `1: 1.790.192, 2: 95`.
pub fn grouped_votes<T: Copy + Into<u64>>(counts: &[T], lang: crate::lang::Lang) -> String {
    let grouped: Vec<String> = counts
        .iter()
        .map(|count| lang.number((*count).into()))
        .collect();
    votes(&grouped)
}

/// Votes by ballot number: `1: 120, 2: 95` (pairs are numbered from 1).
pub fn votes<T: std::fmt::Display>(values: &[T]) -> String {
    values
        .iter()
        .enumerate()
        .map(|(index, votes)| format!("{}: {votes}", index + 1))
        .collect::<Vec<_>>()
        .join(", ")
}

/// An officer's role: `operator`, `witness of pair 1 (pilgub-kaltim-2024)`.
pub fn role(role: &Role, lang: Lang) -> String {
    match role {
        Role::Operator => lang.message("words-operator"),
        Role::Official => lang.message("words-official"),
        Role::Auditor => lang.message("words-auditor"),
        Role::Witness { contest, pair } => {
            lang.message_with("words-witness", &[("pair", pair), ("contest", contest)])
        }
    }
}

/// The role's one word, for JSON and CSV: `operator`, `official`, `witness`, `auditor`.
pub fn role_key(role: &Role) -> &'static str {
    match role {
        Role::Operator => "operator",
        Role::Official => "official",
        Role::Witness { .. } => "witness",
        Role::Auditor => "auditor",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_carry_no_debug_form() {
        assert_eq!(numbers(&[120, 95]), "120, 95");
        assert_eq!(votes(&[120, 95]), "1: 120, 2: 95");
        let witness = Role::Witness {
            contest: "pilgub".to_owned(),
            pair: 1,
        };
        assert_eq!(role(&witness, Lang::En), "witness of pair 1 (pilgub)");
        assert_eq!(role(&witness, Lang::Id), "saksi pasangan 1 (pilgub)");
    }
}
