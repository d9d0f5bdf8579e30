//! [`apportion`] with the error a preset reports.

use crate::apportion::apportion;
use crate::error::PresetError;

/// Splits `total` in proportion to `weights` within `lower..=upper` per part; `what` names the
/// figure in the error.
pub fn split_within(
    what: impl FnOnce() -> String,
    total: u64,
    weights: &[u64],
    lower: &[u64],
    upper: &[u64],
) -> Result<Vec<u64>, PresetError> {
    apportion(total, weights, lower, upper).map_err(|e| PresetError::DoesNotFit {
        what: what(),
        total: e.total,
        least: e.least,
        most: e.most,
    })
}

/// Splits `total` in proportion to `weights`, without bounds.
pub fn split(
    what: impl FnOnce() -> String,
    total: u64,
    weights: &[u64],
) -> Result<Vec<u64>, PresetError> {
    let count = weights.len();
    split_within(
        what,
        total,
        weights,
        &vec![0; count],
        &vec![u64::MAX; count],
    )
}

/// `value * numerator / denominator`, rounded half up (0 when the denominator is 0).
pub fn scale(value: u64, numerator: u64, denominator: u64) -> u64 {
    if denominator == 0 {
        return 0;
    }
    let scaled = (u128::from(value) * u128::from(numerator) * 2 + u128::from(denominator))
        / (2 * u128::from(denominator));
    scaled.min(u128::from(u64::MAX)) as u64
}

/// A count as a tally-sheet field.
pub fn field(what: &'static str, value: u64) -> Result<u32, PresetError> {
    u32::try_from(value).map_err(|_| PresetError::TooLarge { what, value })
}
