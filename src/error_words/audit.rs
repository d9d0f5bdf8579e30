//! An audit's failure in the language of the run, from its typed cause; a failure of the
//! chain (checks 1 and 2, the log verifier's own text) is given as the audit wrote it.

use rekap_audit::{Cause, Failure};

use crate::lang::Lang;

pub fn audit_failure(failure: &Failure, lang: Lang) -> String {
    let Some(cause) = &failure.cause else {
        return super::chain_reason(&failure.reason, lang);
    };
    match cause {
        Cause::EmptyLog => lang.message("audit-cause-empty-log"),
        Cause::NotGenesis => lang.message("audit-cause-not-genesis"),
        Cause::Undecodable { genesis, error } => lang.message_with(
            if *genesis {
                "audit-cause-genesis-undecodable"
            } else {
                "audit-cause-undecodable"
            },
            &[("problem", &super::decode_error(error, lang))],
        ),
        Cause::Refused {
            event: Some(index),
            refusal,
        } => lang.message_with(
            "audit-cause-event-refused",
            &[
                ("index", index),
                ("refusal", &super::refusal(refusal, lang)),
            ],
        ),
        Cause::Refused {
            event: None,
            refusal,
        } => lang.message_with(
            "audit-cause-payload-refused",
            &[("refusal", &super::refusal(refusal, lang))],
        ),
        Cause::HardRule { sheet, violation } => lang.message_with(
            "audit-cause-hard-rule",
            &[
                ("sheet", sheet),
                ("violation", &rekap_model_words::hard_rule(violation, lang)),
            ],
        ),
        Cause::RebuiltTotalsDiffer { region } => {
            lang.message_with("audit-cause-rebuilt-totals-differ", &[("region", region)])
        }
        Cause::NotSumOfChildren { region } => {
            lang.message_with("audit-cause-not-sum-of-children", &[("region", region)])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_audit_failure_reads_in_the_language_of_the_run() {
        let failure = Failure {
            seq: None,
            reason: "region 64: not the sum of its children".to_owned(),
            rule: None,
            cause: Some(Cause::NotSumOfChildren {
                region: "64".to_owned(),
            }),
        };
        assert_eq!(audit_failure(&failure, Lang::En), failure.reason);
        assert_eq!(
            audit_failure(&failure, Lang::Id),
            "wilayah 64: bukan jumlah wilayah bawahannya"
        );
        let chain = Failure {
            cause: None,
            ..failure
        };
        assert_eq!(audit_failure(&chain, Lang::Id), chain.reason);
    }
}
