//! The limits of an import. A file over one of them is refused as a whole, before it can
//! make the importer allocate without bound.

use rekap_model::limits::MAX_STATIONS;

/// Sheets per payload (log record) when appending a plan: see [`crate::payloads`].
///
/// The model allows up to [`rekap_model::limits::MAX_EVENTS_PER_PAYLOAD`] (40,000) events in
/// a payload, and a payload must stay under the log's 16 MiB decode limit. A sheet of the
/// largest contest (32 pairs, longest codes) takes well under 400 bytes decoded, so 10,000
/// sheets stay under 4 MiB, a quarter of the limit; records of that size keep the
/// national import (818k sheets) at about 82 records, where signing and hashing per record
/// cost nothing next to the sheets themselves, while no record is large enough to strain
/// memory when it is read back or verified.
pub const DEFAULT_SHEETS_PER_PAYLOAD: usize = 10_000;

/// Limits on one sheets CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportLimits {
    /// Data rows (not counting the header). Default: 2,000,000, the model's station limit
    /// (Indonesia 2024: about 820,000 stations per contest).
    pub max_rows: u64,
    /// Bytes of the whole file. Default: 512 MiB (a national file of 818k sheets is about
    /// 100 MiB).
    pub max_file_bytes: u64,
    /// Bytes of one line. Default: 1,024, as for the regions CSV
    /// ([`rekap_model::limits::MAX_CSV_LINE_BYTES`]); a row with 32 pairs needs about 300.
    pub max_line_bytes: u64,
    /// Problems listed in [`crate::ImportError::Rejected`]; the rest are counted. Default:
    /// 1,000.
    pub max_listed_problems: usize,
}

impl Default for ImportLimits {
    fn default() -> Self {
        ImportLimits {
            max_rows: MAX_STATIONS,
            max_file_bytes: 512 * 1024 * 1024,
            max_line_bytes: rekap_model::limits::MAX_CSV_LINE_BYTES as u64,
            max_listed_problems: 1_000,
        }
    }
}
