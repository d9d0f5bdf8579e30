//! The numbers of a holder region's counted stations: ranges of three-digit numbers, so that
//! a national station list with gaps (villages numbering `1-12,14`, a village whose only TPS
//! is 149) costs a few bytes per village in the genesis instead of a row per station.
//!
//! A holder region (the level just above the stations) either *counts* its stations, giving
//! their numbers as [`StationNumbers`] (stations `<region code>-<nnn>` for each number), or
//! *lists* them as rows of the station level ([`crate::stations`]), never both. The plain
//! count `n` is the numbers `1..=n`.
//!
//! **Canonical form.** The ranges are ascending, each `first <= last`, within
//! `1..=`[`MAX_STATIONS_PER_REGION`], and neither overlapping nor touching (`last + 1 <
//! next.first`), so one set of numbers has exactly one encoding. Written in a regions CSV
//! (see [`StationNumbers::parse`]) touching ranges may be given apart; they are merged.

use bincode::{Decode, Encode};

use crate::limits::{MAX_STATIONS_PER_REGION, MAX_STATION_RANGES_PER_REGION};

/// The station numbers `first..=last` (both 1..=999).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Encode, Decode)]
pub struct NumberRange {
    pub first: u16,
    pub last: u16,
}

impl NumberRange {
    fn len(self) -> u32 {
        u32::from(self.last).saturating_sub(u32::from(self.first)) + 1
    }
}

/// The station numbers of one region, as ascending ranges (empty: no counted stations).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Encode)]
pub struct StationNumbers {
    ranges: Vec<NumberRange>,
}

impl StationNumbers {
    /// No stations.
    pub fn none() -> StationNumbers {
        StationNumbers::default()
    }

    /// The numbers `1..=count` (no stations for 0). A count over
    /// [`MAX_STATIONS_PER_REGION`] keeps its size so that the definition refuses it.
    pub fn counted(count: u32) -> StationNumbers {
        if count == 0 {
            return StationNumbers::none();
        }
        StationNumbers {
            ranges: vec![NumberRange {
                first: 1,
                last: u16::try_from(count).unwrap_or(u16::MAX),
            }],
        }
    }

    /// The numbers as given, unchecked: [`StationNumbers::check`] says whether they are
    /// canonical (the definition checks every region's).
    pub fn from_ranges(ranges: Vec<NumberRange>) -> StationNumbers {
        StationNumbers { ranges }
    }

    /// The ranges, ascending.
    pub fn ranges(&self) -> &[NumberRange] {
        &self.ranges
    }

    /// The ranges as a [`Ranges`], the form a definition read in place has too.
    pub fn view(&self) -> Ranges<'_> {
        Ranges::Decoded(&self.ranges)
    }

    /// Whether the region has no counted station.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Every number, ascending.
    pub fn numbers(&self) -> impl Iterator<Item = u32> + '_ {
        self.ranges
            .iter()
            .flat_map(|range| u32::from(range.first)..=u32::from(range.last))
    }

    /// How many stations.
    pub fn count(&self) -> u32 {
        self.view().count()
    }

    /// Whether the numbers are `1..=count` (the plain count form).
    pub fn is_plain_count(&self) -> bool {
        self.view().is_plain_count()
    }

    /// The position (0-based) of station `number` among the region's stations; `None` when
    /// the region has no station of that number.
    #[inline]
    pub fn position(&self, number: u32) -> Option<u32> {
        self.view().position(number)
    }

    /// The number of the station at `position` (0-based) among the region's stations.
    pub fn number_at(&self, position: u32) -> Option<u32> {
        self.view().number_at(position)
    }

    /// Whether the ranges are canonical (see the module docs); the reason when not.
    pub fn check(&self) -> Result<(), NumbersProblem> {
        self.view().check()
    }

    /// Reads the `stations` field of a regions CSV: empty or `0` (no counted stations), a
    /// count `n` (the numbers `1..=n`), or a comma-separated list of numbers and ranges
    /// `a-b` (`1-12,14,149`; a lone number in a list is one station). A list of one number
    /// is a count, so a region whose only station is 149 writes `149-149`. Refuses a range
    /// that descends, numbers 0 or over 999, an empty item, and items that overlap or do not
    /// ascend; touching items (`1-5,6`) are merged.
    pub fn parse(text: &str) -> Result<StationNumbers, NumbersProblem> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(StationNumbers::none());
        }
        if !text.contains([',', '-']) {
            let count = parse_number(text)?;
            return if count > MAX_STATIONS_PER_REGION {
                Err(NumbersProblem::TooManyStations {
                    count,
                    limit: MAX_STATIONS_PER_REGION,
                })
            } else {
                Ok(StationNumbers::counted(count))
            };
        }
        let mut ranges: Vec<NumberRange> = Vec::new();
        for item in text.split(',') {
            let item = item.trim();
            if item.is_empty() {
                return Err(NumbersProblem::EmptyItem);
            }
            let not_a_range = |_| NumbersProblem::NotARange {
                item: item.to_owned(),
            };
            let (first, last) = match item.split_once('-') {
                Some((first, last)) => (
                    parse_number(first).map_err(not_a_range)?,
                    parse_number(last).map_err(not_a_range)?,
                ),
                None => {
                    let number = parse_number(item).map_err(not_a_range)?;
                    (number, number)
                }
            };
            check_range(first, last)?;
            // Both within 1..=999 now.
            let range = NumberRange {
                first: first as u16,
                last: last as u16,
            };
            match ranges.last_mut() {
                Some(before) if first <= u32::from(before.last) => {
                    return Err(NumbersProblem::Overlaps {
                        item: item.to_owned(),
                        before: RangeText(*before).to_string(),
                    })
                }
                Some(before) if first == u32::from(before.last) + 1 => before.last = range.last,
                _ => ranges.push(range),
            }
        }
        let numbers = StationNumbers { ranges };
        numbers.check()?;
        Ok(numbers)
    }
}

/// A region's station numbers as ascending ranges, decoded ([`StationNumbers`]) or in place
/// in a genesis payload's bytes (each range two little-endian `u16`s, as encoded), with
/// every question about them answered the same way for both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ranges<'a> {
    Decoded(&'a [NumberRange]),
    /// A multiple of 4 bytes (the borrowed decoder takes exactly that many).
    InPlace(&'a [u8]),
}

impl<'a> Ranges<'a> {
    /// The ranges in order.
    #[inline]
    pub fn iter(self) -> impl Iterator<Item = NumberRange> + 'a {
        let (decoded, in_place): (&[NumberRange], &[u8]) = match self {
            Ranges::Decoded(ranges) => (ranges, &[]),
            Ranges::InPlace(bytes) => (&[], bytes),
        };
        decoded
            .iter()
            .copied()
            .chain(in_place.chunks_exact(4).map(|range| NumberRange {
                first: u16::from_le_bytes([range[0], range[1]]),
                last: u16::from_le_bytes([range[2], range[3]]),
            }))
    }

    /// How many ranges.
    pub fn len(self) -> usize {
        match self {
            Ranges::Decoded(ranges) => ranges.len(),
            Ranges::InPlace(bytes) => bytes.len() / 4,
        }
    }

    /// Whether the region has no counted station.
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// How many stations.
    pub fn count(self) -> u32 {
        self.iter().map(|r| r.len()).sum()
    }

    /// Whether the numbers are `1..=count` (the plain count form).
    pub fn is_plain_count(self) -> bool {
        match self.len() {
            0 => true,
            1 => self.iter().next().is_some_and(|range| range.first == 1),
            _ => false,
        }
    }

    /// See [`StationNumbers::position`].
    #[inline]
    pub fn position(self, number: u32) -> Option<u32> {
        let mut before = 0;
        for range in self.iter() {
            if number < u32::from(range.first) {
                return None;
            }
            if number <= u32::from(range.last) {
                return Some(before + number - u32::from(range.first));
            }
            before += range.len();
        }
        None
    }

    /// See [`StationNumbers::number_at`].
    pub fn number_at(self, position: u32) -> Option<u32> {
        let mut rest = position;
        for range in self.iter() {
            if rest < range.len() {
                return Some(u32::from(range.first) + rest);
            }
            rest -= range.len();
        }
        None
    }

    /// See [`StationNumbers::check`].
    pub fn check(self) -> Result<(), NumbersProblem> {
        if self.len() > MAX_STATION_RANGES_PER_REGION {
            return Err(NumbersProblem::TooManyRanges {
                ranges: self.len() as u64,
                limit: MAX_STATION_RANGES_PER_REGION as u64,
            });
        }
        let mut previous: Option<NumberRange> = None;
        for range in self.iter() {
            check_range(range.first.into(), range.last.into())?;
            if let Some(before) = previous {
                if u32::from(range.first) <= u32::from(before.last) + 1 {
                    return Err(NumbersProblem::NoGap {
                        range: RangeText(range).to_string(),
                        before: RangeText(before).to_string(),
                    });
                }
            }
            previous = Some(range);
        }
        Ok(())
    }
}

/// A number of a `stations` field: ASCII digits only.
fn parse_number(text: &str) -> Result<u32, NumbersProblem> {
    let text = text.trim();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(NumbersProblem::NotANumber {
            text: text.to_owned(),
        });
    }
    // More than 999 in any case; the caller names the limit.
    Ok(text.parse::<u32>().unwrap_or(u32::MAX))
}

fn check_range(first: u32, last: u32) -> Result<(), NumbersProblem> {
    if first == 0 {
        return Err(NumbersProblem::Zero);
    }
    if last > MAX_STATIONS_PER_REGION || first > MAX_STATIONS_PER_REGION {
        return Err(NumbersProblem::OverLimit {
            number: first.max(last),
            limit: MAX_STATIONS_PER_REGION,
        });
    }
    if first > last {
        return Err(NumbersProblem::Descends { first, last });
    }
    Ok(())
}

/// A range as written in a CSV: `a` or `a-b`.
struct RangeText(NumberRange);

impl std::fmt::Display for RangeText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let NumberRange { first, last } = self.0;
        if first == last {
            write!(f, "{first}")
        } else {
            write!(f, "{first}-{last}")
        }
    }
}

/// As the `stations` field of a regions CSV, read back by [`StationNumbers::parse`]: empty,
/// a count `n`, `k-k` for a lone number k other than 1, or the list.
impl std::fmt::Display for StationNumbers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.ranges.as_slice() {
            [] => Ok(()),
            [NumberRange { first: 1, last }] => write!(f, "{last}"),
            [NumberRange { first, last }] if first == last => write!(f, "{first}-{last}"),
            ranges => {
                for (i, range) in ranges.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{}", RangeText(*range))?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(text: &str) -> StationNumbers {
        StationNumbers::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"))
    }

    #[test]
    fn counts_lists_and_ranges_read_and_print_back() {
        for (text, count, printed) in [
            ("", 0, ""),
            ("0", 0, ""),
            ("12", 12, "12"),
            ("1-12", 12, "12"),
            ("1-12,14,149", 14, "1-12,14,149"),
            ("149-149", 1, "149-149"),
            ("1-5,6-9", 9, "9"),
            ("2,4", 2, "2,4"),
            (" 3 - 5 , 7 ", 4, "3-5,7"),
            ("999", 999, "999"),
        ] {
            let parsed = numbers(text);
            assert_eq!(parsed.count(), count, "{text:?}");
            assert_eq!(parsed.to_string(), printed, "{text:?}");
            assert_eq!(numbers(printed), parsed, "{text:?} printed as {printed:?}");
            assert_eq!(parsed.check(), Ok(()));
        }
    }

    #[test]
    fn malformed_numbers_are_refused_with_a_reason() {
        for (text, reason) in [
            ("1-12,", "empty item"),
            (",3", "empty item"),
            ("1,,3", "empty item"),
            ("12-1", "descends"),
            ("0-3", "number 0"),
            ("3,0", "number 0"),
            ("1-1000", "over 999"),
            ("1000", "at most 999"),
            ("1-5,4-8", "overlaps"),
            ("5,3", "comes before"),
            ("3,3", "overlaps"),
            ("a", "not a station number"),
            ("1-2-3", "\"1-2-3\" is not a station number or range"),
            ("-3", "\"-3\" is not a station number or range"),
            ("99999999999", "at most 999"),
        ] {
            let error = StationNumbers::parse(text).expect_err(text);
            assert!(error.to_string().contains(reason), "{text:?}: {error}");
        }
    }

    #[test]
    fn positions_and_numbers_map_to_each_other_across_the_gaps() {
        let parsed = numbers("1-3,7,10-11");
        let all: Vec<u32> = (0..parsed.count())
            .map(|p| parsed.number_at(p).expect("in range"))
            .collect();
        assert_eq!(all, [1, 2, 3, 7, 10, 11]);
        for (position, number) in all.iter().enumerate() {
            assert_eq!(parsed.position(*number), Some(position as u32));
        }
        for gap in [0, 4, 5, 6, 8, 9, 12, 999] {
            assert_eq!(parsed.position(gap), None, "{gap}");
        }
        assert_eq!(parsed.number_at(6), None);
    }

    #[test]
    fn non_canonical_ranges_fail_the_check() {
        let range = |first, last| NumberRange { first, last };
        for ranges in [
            vec![range(1, 3), range(4, 5)],
            vec![range(4, 5), range(1, 2)],
            vec![range(3, 2)],
            vec![range(0, 2)],
            vec![range(1, 1000)],
            (0..501).map(|i| range(2 * i + 1, 2 * i + 1)).collect(),
        ] {
            assert!(
                StationNumbers::from_ranges(ranges.clone()).check().is_err(),
                "{ranges:?}"
            );
        }
    }
}

/// Why a region's station numbers (a `stations` field) are not valid; the command line words
/// each in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumbersProblem {
    #[error("{ranges} ranges; at most {limit}")]
    TooManyRanges { ranges: u64, limit: u64 },
    #[error("{range} does not come after {before} with a gap (ranges ascending, apart)")]
    NoGap { range: String, before: String },
    #[error("{count} stations; at most {limit} per region")]
    TooManyStations { count: u32, limit: u32 },
    #[error("an empty item in the list of station numbers")]
    EmptyItem,
    #[error("{item:?} is not a station number or range (a-b)")]
    NotARange { item: String },
    #[error("{item} overlaps or comes before {before} (give numbers ascending, once)")]
    Overlaps { item: String, before: String },
    #[error("{text:?} is not a station number or count")]
    NotANumber { text: String },
    #[error("station number 0 (numbers start at 1)")]
    Zero,
    #[error("station number {number} is over {limit} (three digits)")]
    OverLimit { number: u32, limit: u32 },
    #[error("range {first}-{last} descends")]
    Descends { first: u32, last: u32 },
}
