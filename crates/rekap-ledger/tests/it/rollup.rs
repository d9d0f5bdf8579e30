//! The fast rollup through its reading path: a segment store's committed records mapped
//! (`rekap_log::storage::mapped`), the genesis read without its officers (decoded, or read
//! in place), the sheets read
//! borrowed and summed, give every region the totals the ledger's projection gives.

use proptest::prelude::*;
use rekap_log::storage::mapped::MappedLog;
use rekap_model::*;

use crate::view::{ledger, shape, world};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn the_rollup_of_a_mapped_store_equals_the_projection(
        shape in shape(),
        reported in prop::collection::vec(any::<bool>(), 0..40),
    ) {
        let world = world(&shape);
        let directory = tempfile::tempdir().unwrap();
        let ledger = ledger(&world, &reported, directory.path());
        let election = ledger.state().election();
        let mut expected = Vec::new();
        for contest in (0..election.contests().len() as u32).map(ContestIdx) {
            for region in (0..election.tree().region_count()).map(RegionIdx) {
                let totals = ledger.projection().totals(ledger.state(), contest, region);
                expected.push((contest, region, totals));
            }
        }
        // The ledger holds the store's lock exclusively; a reader comes after it.
        drop(ledger);

        let log = MappedLog::open(directory.path()).unwrap();
        let records = log.records().unwrap();
        let payloads: Vec<&[u8]> = records.iter().map(|record| record.payload).collect();
        log.prefetch();
        log.prefetch_part(1, 2);
        let election = Election::without_officers_from_genesis(payloads[0]).unwrap();
        let rolled = rekap_projection::rollup::rollup(&election, &payloads).unwrap();
        // The bench's path: the definition read in place from the genesis bytes.
        let in_place = Election::in_place_from_genesis(payloads[0]).unwrap();
        let rolled_in_place = rekap_projection::rollup::rollup(&in_place, &payloads).unwrap();
        for (contest, region, totals) in expected {
            prop_assert_eq!(rolled_in_place.totals(contest, region), Some(totals.clone()));
            prop_assert_eq!(rolled.totals(contest, region), Some(totals));
        }
        drop((payloads, records));
        log.release(2);
        // Released, the store is unlocked and whole: it maps and reads again.
        let log = MappedLog::open(directory.path()).unwrap();
        prop_assert_eq!(log.records().unwrap().len() as u64, log.record_count());
    }
}
