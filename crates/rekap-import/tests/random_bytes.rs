//! No input makes planning panic.

mod common;

use common::*;
use proptest::prelude::*;
use rekap_import::{plan_import, ImportLimits};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let state = state();
        let _ = plan_import(&state, &pk(OPERATOR), bytes.as_slice(), &ImportLimits::default());
    }

    #[test]
    fn a_good_header_with_random_rows_never_panics(
        rows in proptest::collection::vec("[0-9a-z,\" \\-\\.\r\n]{0,120}", 0..20)
    ) {
        let state = state();
        let text = format!("{HEADER}\n{}", rows.join("\n"));
        let _ = plan_import(&state, &pk(OPERATOR), text.as_bytes(), &ImportLimits::default());
    }

    #[test]
    fn good_rows_with_one_cell_replaced_never_panic(
        row_index in 0usize..10,
        cell in 0usize..23,
        text in "[0-9a-z\\-\\. ]{0,12}",
    ) {
        let state = state();
        let mut rows = good_rows();
        let mut cells: Vec<String> = rows[row_index].split(',').map(str::to_string).collect();
        cells[cell] = text;
        rows[row_index] = cells.join(",");
        let _ = plan_import(&state, &pk(OPERATOR), file(&rows).as_bytes(), &ImportLimits::default());
    }
}
