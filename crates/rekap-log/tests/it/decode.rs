//! Nothing from outside can cause a panic: random bytes give errors.

use proptest::prelude::*;
use rekap_log::export::verify_export;
use rekap_log::frame::Frames;
use rekap_log::{Record, VerifyOptions};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn record_decoder_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let _ = Record::decode(&bytes);
        for frame in Frames::new(&bytes) {
            let _ = frame.map(Record::decode);
        }
    }

    #[test]
    fn verify_never_panics_on_random_files(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let report = verify_export(bytes.as_slice(), VerifyOptions::default()).unwrap();
        prop_assert!(!report.ok(), "random bytes verified");
    }

    #[test]
    fn verify_never_panics_on_plausible_headers(
        count in any::<u64>(),
        rest in prop::collection::vec(any::<u8>(), 0..600),
    ) {
        let mut bytes = b"REKAPLOG".to_vec();
        bytes.extend_from_slice(&1u32.to_le_bytes());
        bytes.extend_from_slice(&count.to_le_bytes());
        bytes.extend_from_slice(&rest);
        let report = verify_export(bytes.as_slice(), VerifyOptions::default()).unwrap();
        prop_assert!(!report.ok() || count == 0);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// The zero-copy view used by verification accepts exactly what the bincode decoder
    /// accepts, with the same fields.
    #[test]
    fn record_view_agrees_with_the_decoder(
        payload in prop::collection::vec(any::<u8>(), 0..300),
        cut in any::<prop::sample::Index>(),
        extra in prop::collection::vec(any::<u8>(), 0..3),
    ) {
        let key = crate::harness::key(0);
        let submission = rekap_log::SignedSubmission::sign(&key, 9, payload);
        let (_, mut bytes) = Record::seal(4, [3; 32], 77, submission);
        bytes.extend_from_slice(&extra);
        let cut = cut.index(bytes.len() + 1);
        let candidate = &bytes[..cut];
        let decoded = Record::decode(candidate);
        let viewed = rekap_log::record::RecordView::parse(candidate);
        prop_assert_eq!(decoded.is_ok(), viewed.is_ok());
        if let (Ok(record), Ok(view)) = (decoded, viewed) {
            prop_assert_eq!(record.seq, view.seq);
            prop_assert_eq!(&record.prev_hash, view.prev_hash);
            prop_assert_eq!(record.recorded_at_ms, view.recorded_at_ms);
            prop_assert_eq!(&record.author, view.author);
            prop_assert_eq!(record.counter, view.counter);
            prop_assert_eq!(record.payload.as_slice(), view.payload);
            prop_assert_eq!(&record.signature, view.signature);
            prop_assert_eq!(&record.hash, view.hash);
        }
    }
}
