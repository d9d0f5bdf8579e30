//! Counts in cells: ASCII digits only (no sign, no thousands separator), surrounding
//! spaces ignored, at most `u32::MAX`.

use crate::columns::shown;
use crate::reason::RowReason;

/// Why a cell is not a count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NumberError {
    Empty,
    NotANumber,
    TooLarge,
}

impl NumberError {
    /// The reason shown for this cell.
    pub(crate) fn reason(self, cell: &[u8]) -> RowReason {
        match self {
            NumberError::Empty => RowReason::EmptyNumber,
            NumberError::NotANumber => RowReason::NotANumber { cell: shown(cell) },
            NumberError::TooLarge => RowReason::NumberTooLarge {
                cell: shown(cell),
                limit: u32::MAX,
            },
        }
    }
}

/// The cell without leading and trailing spaces and tabs.
pub(crate) fn trimmed(cell: &[u8]) -> &[u8] {
    let start = cell
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t'))
        .unwrap_or(cell.len());
    let end = cell
        .iter()
        .rposition(|b| !matches!(b, b' ' | b'\t'))
        .map_or(start, |last| last + 1);
    cell.get(start..end).unwrap_or(&[])
}

/// Parses a count.
pub(crate) fn parse_count(cell: &[u8]) -> Result<u32, NumberError> {
    let digits = trimmed(cell);
    if digits.is_empty() {
        return Err(NumberError::Empty);
    }
    let mut value: u64 = 0;
    for &byte in digits {
        if !byte.is_ascii_digit() {
            return Err(NumberError::NotANumber);
        }
        value = value * 10 + u64::from(byte - b'0');
        if value > u64::from(u32::MAX) {
            // Keep scanning: "99999999999x" is not a number rather than too large.
            if digits.iter().all(u8::is_ascii_digit) {
                return Err(NumberError::TooLarge);
            }
            return Err(NumberError::NotANumber);
        }
    }
    u32::try_from(value).map_err(|_| NumberError::TooLarge)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts() {
        assert_eq!(parse_count(b"0"), Ok(0));
        assert_eq!(parse_count(b" 42 "), Ok(42));
        assert_eq!(parse_count(b"4294967295"), Ok(u32::MAX));
        assert_eq!(parse_count(b"4294967296"), Err(NumberError::TooLarge));
        assert_eq!(
            parse_count(b"99999999999999999999999"),
            Err(NumberError::TooLarge)
        );
        assert_eq!(parse_count(b""), Err(NumberError::Empty));
        assert_eq!(parse_count(b"  "), Err(NumberError::Empty));
        assert_eq!(parse_count(b"1.234"), Err(NumberError::NotANumber));
        assert_eq!(parse_count(b"1,234"), Err(NumberError::NotANumber));
        assert_eq!(parse_count(b"-1"), Err(NumberError::NotANumber));
        assert_eq!(parse_count(b"+1"), Err(NumberError::NotANumber));
        assert_eq!(parse_count(b"12a"), Err(NumberError::NotANumber));
    }
}
