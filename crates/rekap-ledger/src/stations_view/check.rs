//! Audit check 8 on a saved stations view: every byte of it is what the log's replay gives,
//! and every record it points to is where the store holds that record.

use rekap_log::storage::locate::RecordLocation;
use rekap_log::Head;
use rekap_model::State;
use rekap_projection::Projection;

use super::{current_sheet_records, damaged, directory_of, encode};
use crate::record_locations::{check_record_locations, Locate};
use crate::view::TotalsView;

/// Audit check 8 on a saved stations view `body` of the log whose replay gave `state` and
/// `projection` at `head`: every record it points to is the log's (`record_hash(seq)`), at
/// the bytes of the segment file where the store holds it (`locate(seqs)`, the store's own
/// index; `Ok(None)` for a log without a segment file, whose locations cannot be checked),
/// and every byte of it is what the replay gives (each station's code, name and slot, the
/// counts `status` shows). `Err` says what differs.
pub fn check_stations_view(
    body: &[u8],
    state: &State,
    projection: &Projection,
    head: &Head,
    record_hash: impl Fn(u64) -> Option<[u8; 32]>,
    locate: impl Locate,
) -> Result<(), String> {
    let read = |offset: u64, length: u64| {
        let end = offset
            .checked_add(length)
            .and_then(|end| usize::try_from(end).ok());
        end.and_then(|end| body.get(offset as usize..end))
            .map(<[u8]>::to_vec)
            .ok_or_else(|| damaged("a range outside the body"))
    };
    let directory = directory_of(read, body.len() as u64).map_err(|error| error.to_string())?;
    let mut locations = Vec::with_capacity(directory.records.len());
    for record in &directory.records {
        if record_hash(record.seq) != Some(record.hash) {
            return Err(format!(
                "the stations view names record {} with a hash the log's record does not have",
                record.seq
            ));
        }
        locations.push(RecordLocation {
            seq: record.seq,
            offset: record.offset,
            length: record.length,
            hash: record.hash,
        });
    }
    let seqs: Vec<u64> = locations.iter().map(|location| location.seq).collect();
    if seqs != current_sheet_records(state) {
        return Err("the stations view's records are not those of the current sheets".to_owned());
    }
    check_record_locations("stations view", &locations, locate)?;
    let totals = TotalsView::of(state, projection, head, None);
    match encode(state, projection, &totals, head, &locations) {
        Some(expected) if expected == body => Ok(()),
        _ => Err(
            "the stations view differs from the log's replay (a station's code, name, status \
             or sheet, or a count)"
                .to_owned(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use rekap_log::{SegmentStorage, Storage};
    use rekap_test_kit::small_election::{self, all_sheets, OPERATOR, REGISTRAR, T0};
    use rekap_test_kit::{log_key, signing as key};

    use super::super::{Directory, CONFIG, PREAMBLE_BYTES, STATIONS_VIEW};
    use super::check_stations_view;
    use crate::Ledger;

    /// The stations view's body with its first record placed `shift` bytes later.
    fn record_moved(body: &[u8], shift: u64) -> Vec<u8> {
        let word = |at: usize| u64::from_le_bytes(body[at..at + 8].try_into().unwrap());
        const { assert!(PREAMBLE_BYTES >= 16) };
        let (offset, length) = (word(0) as usize, word(8) as usize);
        let (mut directory, _): (Directory, usize) =
            bincode::decode_from_slice(&body[offset..offset + length], CONFIG).unwrap();
        directory.records[0].offset += shift;
        let encoded = bincode::encode_to_vec(&directory, CONFIG).unwrap();
        assert_eq!(
            encoded.len(),
            length,
            "fixed-width integers keep the length"
        );
        let mut forged = body.to_vec();
        forged[offset..].copy_from_slice(&encoded);
        forged
    }

    #[test]
    fn a_stations_view_that_points_at_the_wrong_bytes_is_reported() {
        let directory = tempfile::tempdir().unwrap();
        let mut ledger = Ledger::create(
            SegmentStorage::create(directory.path()).unwrap(),
            rekap_model::Genesis::new(small_election::definition("locations"), log_key()),
            &key(REGISTRAR),
            T0,
        )
        .unwrap();
        ledger
            .submit(&key(OPERATOR), vec![all_sheets()], T0 + 1_000)
            .unwrap();
        let whole = ledger.totals_view(None);
        ledger.save_totals_view(&whole).unwrap();
        let storage = ledger.log().storage();
        let body = storage
            .get_view(STATIONS_VIEW)
            .unwrap()
            .expect("a saved view");
        let hash_of = |seq| ledger.log().read(seq).ok().flatten().map(|r| r.hash);
        let locate =
            |seqs: &[u64]| (storage.record_locations(seqs)).map_err(|error| error.to_string());
        let (state, projection, head) = (ledger.state(), ledger.projection(), ledger.head());
        check_stations_view(&body, state, projection, &head, hash_of, locate)
            .expect("the saved view is the replay's");

        let forged = record_moved(&body, 1);
        let error = check_stations_view(&forged, state, projection, &head, hash_of, locate)
            .expect_err("a view pointing one byte off passed");
        assert!(error.contains("places record 2 at bytes"), "{error}");
        // Without the store's index (an export), only the bytes can be compared, and those
        // of the forged view are its own.
        let unlocated = |_: &[u64]| Ok(None);
        check_stations_view(&forged, state, projection, &head, hash_of, unlocated)
            .expect("without an index the locations are not judged");
    }
}
