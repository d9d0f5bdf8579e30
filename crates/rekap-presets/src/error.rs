//! Why a preset could not be made.

use rekap_model::DefinitionError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PresetError {
    /// The embedded data (regions CSV, official result JSON) is malformed or inconsistent.
    #[error("embedded {source_name}: {problem}")]
    Data {
        source_name: &'static str,
        problem: String,
    },
    /// The model refused the regions.
    #[error("regions: {0}")]
    Definition(#[from] DefinitionError),
    /// A figure cannot be split within the bounds the rules set (e.g. the registered voters
    /// of a regency do not fit its stations at the station capacity).
    #[error("{what} ({total}) does not fit: the bounds allow {least} to {most}")]
    DoesNotFit {
        what: String,
        total: u64,
        least: u128,
        most: u128,
    },
    /// A count does not fit a tally-sheet field.
    #[error("{what} ({value}) is too large for a tally sheet")]
    TooLarge { what: &'static str, value: u64 },
    /// `stations: Some(0)`.
    #[error("a preset needs at least one polling station")]
    NoStations,
}

impl PresetError {
    pub(crate) fn data(source_name: &'static str, problem: impl Into<String>) -> PresetError {
        PresetError::Data {
            source_name,
            problem: problem.into(),
        }
    }
}
