//! A log key of small order can never sign (R16 of docs/RULES.md): for the identity, R = the
//! identity and S = 0 pass the plain cofactorless equation for any message, so the log must
//! check signatures strictly, and does.

use rekap_log::{AppendError, Log, MemoryStorage, SignedSubmission, VerifyOptions};

#[test]
fn a_forged_submission_by_the_identity_key_is_refused_and_nothing_is_appended() {
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let mut forged = [0u8; 64];
    forged[0] = 1; // R = the identity, S = 0
    let submission = SignedSubmission {
        author: identity,
        counter: 1,
        payload: b"a payload nobody signed".to_vec(),
        signature: forged,
    };
    assert!(!submission.signature_verifies());
    let mut log = Log::open(MemoryStorage::new()).expect("an empty log opens");
    let error = log.append(vec![submission], 1).expect_err("refused");
    assert!(
        matches!(error, AppendError::BadSignature { index: 0, .. }),
        "{error:?}"
    );
    assert_eq!(log.head().count, 0);
    assert!(log.verify(VerifyOptions::default()).expect("verifies").ok());
}
