//! Any bytes given to the record decoder and frame reader give an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rekap_log::frame::Frames;
use rekap_log::Record;

fuzz_target!(|data: &[u8]| {
    if let Ok(record) = Record::decode(data) {
        assert_eq!(record.encode(), data, "decoding is canonical");
    }
    for frame in Frames::new(data) {
        let _ = frame.map(Record::decode);
    }
});
