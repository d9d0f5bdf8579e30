//! The log verifier's failure reasons (verify, audit checks 1 and 2) in the language of
//! the run. rekap-log words them in English as text; the forms it writes are read back
//! here (their variable parts kept) and put into the catalogue's sentence. A form not
//! known here is given as the verifier wrote it; the test below holds every form to the
//! verifier's own words.

use crate::lang::Lang;

/// One known form: its message id and the fixed English pieces around its variables.
struct Form {
    id: &'static str,
    pieces: &'static [&'static str],
    names: &'static [&'static str],
}

const FORMS: &[Form] = &[
    Form {
        id: "chain-record-undecodable",
        pieces: &["record does not decode: ", ""],
        names: &["error"],
    },
    Form {
        id: "chain-wrong-seq",
        pieces: &["record at position ", " says seq ", ""],
        names: &["position", "seq"],
    },
    Form {
        id: "chain-previous-hash",
        pieces: &[
            "previous-hash ",
            " does not match the hash ",
            " of record ",
            "",
        ],
        names: &["found", "expected", "seq"],
    },
    Form {
        id: "chain-time-backwards",
        pieces: &["recorded time ", " ms goes backwards from ", " ms"],
        names: &["time", "previous"],
    },
    Form {
        id: "chain-hash-mismatch",
        pieces: &["record hash does not match its contents"],
        names: &[],
    },
    Form {
        id: "chain-signature",
        pieces: &[rekap_log::verify::SIGNATURE_FAILURE],
        names: &[],
    },
    Form {
        id: "chain-counter-replayed",
        pieces: &[
            "author ",
            " counter ",
            " is not above its previous ",
            " (replayed submission)",
        ],
        names: &["author", "counter", "last"],
    },
    Form {
        id: "chain-cut-off-in-length",
        pieces: &["record is cut off: the file ends inside its length"],
        names: &[],
    },
    Form {
        id: "chain-cut-off",
        pieces: &["record is cut off: the file ends inside it"],
        names: &[],
    },
    Form {
        id: "chain-trailer-missing",
        pieces: &["the trailer is missing: the file is truncated"],
        names: &[],
    },
    Form {
        id: "chain-no-trailer",
        pieces: &["no trailer after the declared records: the header's record count is wrong"],
        names: &[],
    },
    Form {
        id: "command-verify-log-empty-no-genesis",
        pieces: &[crate::commands::verify::LOG_EMPTY],
        names: &[],
    },
    Form {
        id: "command-verify-record-one-not-genesis",
        pieces: &[crate::commands::verify::NOT_A_GENESIS],
        names: &[],
    },
    Form {
        id: "command-verify-record-one-not-decoded",
        pieces: &[crate::commands::verify::GENESIS_UNDECODABLE],
        names: &[],
    },
    Form {
        id: "command-verify-tiles-tree-not-root",
        pieces: &[crate::commands::verify_tiles::TREE_NOT_ROOT],
        names: &[],
    },
    Form {
        id: "chain-bytes-after-trailer",
        pieces: &["bytes follow the trailer"],
        names: &[],
    },
];

/// The variable parts of `reason` when it is of `form`.
fn read<'a>(reason: &'a str, form: &Form) -> Option<Vec<&'a str>> {
    let mut rest = reason.strip_prefix(form.pieces[0])?;
    let mut values = Vec::new();
    for piece in &form.pieces[1..] {
        let end = if piece.is_empty() {
            rest.len()
        } else {
            rest.find(piece)?
        };
        values.push(&rest[..end]);
        rest = &rest[end + piece.len()..];
    }
    (rest.is_empty() && values.len() == form.names.len()).then_some(values)
}

pub fn chain_reason(reason: &str, lang: Lang) -> String {
    for form in FORMS {
        if let Some(values) = read(reason, form) {
            let variables: Vec<(&str, &dyn std::fmt::Display)> = form
                .names
                .iter()
                .zip(&values)
                .map(|(name, value)| (*name, value as &dyn std::fmt::Display))
                .collect();
            return lang.message_with(form.id, &variables);
        }
    }
    reason.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each form in English is the verifier's text itself, and reads in Indonesian.
    #[test]
    fn the_verifier_s_reasons_read_in_both_languages() {
        for reason in [
            "record does not decode: frame too short",
            "record at position 5 says seq 6",
            "previous-hash 0011 does not match the hash 2233 of record 4",
            "recorded time 10 ms goes backwards from 20 ms",
            "record hash does not match its contents",
            rekap_log::verify::SIGNATURE_FAILURE,
            "author 00aa counter 3 is not above its previous 3 (replayed submission)",
            "the trailer is missing: the file is truncated",
            "bytes follow the trailer",
        ] {
            assert_eq!(chain_reason(reason, Lang::En), reason);
            let indonesian = chain_reason(reason, Lang::Id);
            assert_ne!(indonesian, reason, "{reason} has Indonesian words");
        }
        assert_eq!(
            chain_reason("record at position 5 says seq 6", Lang::Id),
            "catatan pada posisi 5 menyatakan nomor urut 6"
        );
        assert_eq!(chain_reason("something new", Lang::Id), "something new");
    }

    /// The verifier's own source still writes these forms (a change there fails here).
    #[test]
    fn the_forms_are_the_verifier_s() {
        let verifier = include_str!("../../crates/rekap-log/src/verify.rs");
        let export = include_str!("../../crates/rekap-log/src/export/verify.rs").to_owned()
            + include_str!("../commands/verify.rs")
            + include_str!("../commands/verify_tiles.rs");
        for form in FORMS {
            for piece in form.pieces.iter().filter(|piece| piece.len() > 3) {
                let piece = piece.trim();
                assert!(
                    verifier.contains(piece) || export.contains(piece),
                    "{}: {piece:?} is not in rekap-log's verifier",
                    form.id
                );
            }
        }
    }
}
