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
