//! The fast rebuild of every tier's totals straight from a log's payload bytes, for a log
//! whose events are known to be allowed (it verified, or it was just replayed): no
//! decisions, no digests, nothing allocated per sheet. It must give exactly the totals the
//! [`crate::Projection`] gives; a property test holds it to that.
//!
//! 1. The payloads are split over the cores in contiguous runs (by bytes). Each thread
//!    reads its payloads borrowed ([`rekap_model::borrowed`]) and writes each sheet's
//!    numbers into its own *layer*: per contest, a flat array of words per station, the
//!    last change that thread read. A station's current sheet is then the one of the
//!    latest layer that touched it, so the threads need no order between them.
//! 2. `rollup_sum.rs`: the stations under a region are one contiguous range, so the
//!    stations are summed into their holders' rows of one flat array (holders spread over
//!    the cores), then every level into its parent, deepest first.

use rekap_model::borrowed::{self, SheetChange, SheetEvent, SheetNumbers};
use rekap_model::numbers::Ranges;
use rekap_model::regions::{split_station_code, RegionIdx, RegionRecord};
use rekap_model::{encode_payload, DefinitionParts, Election, Payload};

pub use crate::rollup_sum::Rollup;

/// A station's words in a layer: its slot, then valid, invalid, registered, voted, then
/// the votes per pair and the votes per pair and type.
pub(crate) const FIXED_WORDS: usize = 5;
/// Slots: untouched by this layer (an earlier layer, or nothing, decides).
pub(crate) const UNTOUCHED: u32 = 0;
pub(crate) const AWAITING: u32 = 1;
pub(crate) const COUNTED: u32 = 2;
/// Counted, the sheet giving no invalid count.
pub(crate) const COUNTED_WITHOUT_INVALID: u32 = 3;
pub(crate) const VOIDED: u32 = 4;

/// The payload at this index (of those given) does not decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("payload {index} does not decode")]
pub struct Malformed {
    pub index: usize,
}

/// A contest's numbers per station.
#[derive(Clone, Copy)]
pub(crate) struct Shape {
    pub(crate) pairs: usize,
    /// Pairs x vote types (0 for most contests).
    pub(crate) typed: usize,
}

impl Shape {
    pub(crate) fn stride(&self) -> usize {
        FIXED_WORDS + self.pairs + self.typed
    }
}

/// One thread's last change per station, per contest.
pub(crate) struct Layer {
    pub(crate) words: Vec<Vec<u32>>,
}

impl Layer {
    fn new(shapes: &[Shape], stations: usize) -> Layer {
        Layer {
            words: shapes
                .iter()
                .map(|shape| vec![0u32; stations * shape.stride()])
                .collect(),
        }
    }

    fn apply(&mut self, shapes: &[Shape], contest: usize, station: usize, change: SheetChange) {
        let (Some(shape), Some(words)) = (shapes.get(contest), self.words.get_mut(contest)) else {
            return;
        };
        let stride = shape.stride();
        let Some(words) = words.get_mut(station * stride..(station + 1) * stride) else {
            return;
        };
        match change {
            SheetChange::Sheet(sheet) => write_sheet(words, shape, &sheet),
            SheetChange::Void => words[0] = VOIDED,
            SheetChange::Clear => words[0] = AWAITING,
        }
    }
}

/// A sheet's words (`words` is one station's, `shape.stride()` long).
fn write_sheet(words: &mut [u32], shape: &Shape, sheet: &SheetNumbers) {
    let clamp = |total: u64| total.min(u64::from(u32::MAX)) as u32;
    let (head, numbers) = words.split_at_mut(FIXED_WORDS);
    head.copy_from_slice(&[
        match sheet.invalid {
            Some(_) => COUNTED,
            None => COUNTED_WITHOUT_INVALID,
        },
        sheet.valid,
        sheet.invalid.unwrap_or(0),
        clamp(sheet.registered),
        clamp(sheet.voted),
    ]);
    let (votes, by_type) = numbers.split_at_mut(shape.pairs);
    fill(votes, sheet.votes.iter());
    fill(by_type, sheet.votes_by_type.iter());
}

/// `slots` from `values`, zeros after them.
fn fill(slots: &mut [u32], values: impl Iterator<Item = u32>) {
    let mut values = values.fuse();
    for slot in slots {
        *slot = values.next().unwrap_or(0);
    }
}

/// Every region's totals per contest from the log's payloads (bytes, in log order; a
/// genesis among them is skipped: the caller read it to build `election`, owned or in
/// place, [`Election::in_place_from_genesis`]).
pub fn rollup<D: DefinitionParts + Sync>(
    election: &Election<D>,
    payloads: &[&[u8]],
) -> Result<Rollup, Malformed> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    rollup_in_parts(election, payloads, threads)
}

/// [`rollup`] of decoded payloads (the audit's accepted ones): each is encoded again, its
/// canonical bytes being exactly what it was decoded from.
pub fn rollup_of_payloads(election: &Election, payloads: &[Payload]) -> Result<Rollup, Malformed> {
    let bytes: Vec<Vec<u8>> = payloads.iter().map(encode_payload).collect();
    let bytes: Vec<&[u8]> = bytes.iter().map(Vec::as_slice).collect();
    rollup(election, &bytes)
}

/// [`rollup`] with the payloads split into `parts` runs, one thread and one layer each
/// (tests split them finely, so that later layers override earlier ones).
pub fn rollup_in_parts<D: DefinitionParts + Sync>(
    election: &Election<D>,
    payloads: &[&[u8]],
    parts: usize,
) -> Result<Rollup, Malformed> {
    let shapes: Vec<Shape> = election
        .contests()
        .iter()
        .map(|contest| Shape {
            pairs: contest.pairs.len(),
            typed: contest.pairs.len() * contest.vote_types.len(),
        })
        .collect();
    let layers = read_layers(election, &shapes, payloads, parts)?;
    Ok(crate::rollup_sum::sum(election, &shapes, &layers))
}

/// One layer per run of payloads, the runs spread over the cores, in log order.
fn read_layers<D: DefinitionParts + Sync>(
    election: &Election<D>,
    shapes: &[Shape],
    payloads: &[&[u8]],
    parts: usize,
) -> Result<Vec<Layer>, Malformed> {
    let runs = runs_by_bytes(payloads, parts);
    std::thread::scope(|scope| {
        let workers: Vec<_> = runs
            .iter()
            .map(|run| scope.spawn(move || read_layer(election, shapes, payloads, run.clone())))
            .collect();
        workers
            .into_iter()
            .map(|worker| match worker.join() {
                Ok(layer) => layer,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}

/// `parts` contiguous index ranges of `payloads` holding about as many bytes each.
fn runs_by_bytes(payloads: &[&[u8]], parts: usize) -> Vec<std::ops::Range<usize>> {
    let total: usize = payloads.iter().map(|payload| payload.len()).sum();
    let share = total.div_ceil(parts.max(1)).max(1);
    let mut runs = Vec::with_capacity(parts);
    let (mut start, mut bytes) = (0, 0);
    for (index, payload) in payloads.iter().enumerate() {
        bytes += payload.len();
        if bytes >= share {
            runs.push(start..index + 1);
            (start, bytes) = (index + 1, 0);
        }
    }
    if start < payloads.len() || runs.is_empty() {
        runs.push(start..payloads.len());
    }
    runs
}

fn read_layer<D: DefinitionParts>(
    election: &Election<D>,
    shapes: &[Shape],
    payloads: &[&[u8]],
    run: std::ops::Range<usize>,
) -> Result<Layer, Malformed> {
    let stations = election.tree().station_count() as usize;
    let mut layer = Layer::new(shapes, stations);
    let mut finder = Finder::new(election);
    for index in run {
        let payload = payloads.get(index).copied().unwrap_or_default();
        borrowed::visit_sheet_events(payload, |event: SheetEvent| {
            if let Some((contest, station)) = finder.find(event.contest, event.station) {
                layer.apply(shapes, contest, station, event.change);
            }
        })
        .map_err(|_| Malformed { index })?;
    }
    Ok(layer)
}

/// `a == b` for the short codes and ids of sheets, compared eight bytes at a time inline:
/// the library's `memcmp` call for each of the two compares per sheet was a tenth of the
/// rollup's reading time.
#[inline(always)]
fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (mut a, mut b) = (a, b);
    while let (Some((x, rest_a)), Some((y, rest_b))) =
        (a.split_first_chunk::<8>(), b.split_first_chunk::<8>())
    {
        if u64::from_ne_bytes(*x) != u64::from_ne_bytes(*y) {
            return false;
        }
        (a, b) = (rest_a, rest_b);
    }
    let mut equal = true;
    for (x, y) in a.iter().zip(b) {
        equal &= x == y;
    }
    equal
}

/// Station and contest look-ups that remember the last holder and contest found: a log's
/// sheets come holder by holder, so most look-ups compare one code and read one number.
/// Answers exactly as [`Election::find_station`] and [`Election::contest_by_id`].
struct Finder<'e, D> {
    election: &'e Election<D>,
    /// Whether the definition lists stations (then every look-up takes the full path).
    listed: bool,
    holder: Option<Holder<'e>>,
    contest: Option<(&'e str, usize)>,
}

#[derive(Clone, Copy)]
struct Holder<'e> {
    index: RegionIdx,
    code: &'e str,
    first_station: u32,
    numbers: Ranges<'e>,
}

impl<'e, D: DefinitionParts> Finder<'e, D> {
    fn new(election: &'e Election<D>) -> Finder<'e, D> {
        Finder {
            election,
            listed: election.lists_stations(),
            holder: None,
            contest: None,
        }
    }

    /// `(contest index, station index)`, or `None` if either is unknown.
    fn find(&mut self, contest: &str, station: &str) -> Option<(usize, usize)> {
        let contest = match self.contest {
            Some((id, index)) if same(id.as_bytes(), contest.as_bytes()) => index,
            _ => {
                let index = self.election.contest_by_id(contest)?.0 as usize;
                let id = self.election.contests().get(index)?.id.as_str();
                self.contest = Some((id, index));
                index
            }
        };
        Some((contest, self.station(station)? as usize))
    }

    #[inline]
    fn station(&mut self, code: &str) -> Option<u32> {
        if let Some(found) = self.under_holder(code) {
            return Some(found);
        }
        let split = (!self.listed).then(|| split_station_code(code)).flatten();
        if let Some((region, number)) = split {
            if self.holder.is_none_or(|holder| holder.code != region) {
                self.holder = self.next_holder(region);
            }
            let found = self.holder.and_then(|holder| {
                let position = holder.numbers.position(number)?;
                Some(holder.first_station + position)
            });
            if found.is_some() {
                return found;
            }
        }
        self.election.find_station(code).map(|station| station.0)
    }

    /// The station `code` names if it is `<the last holder's code>-<nnn>`, a number the
    /// holder has: the answer [`split_station_code`] and the holder's numbers give (the
    /// holder's code is a valid region code and has no `-`, so the code splits there),
    /// without scanning the code for its last `-` or checking the holder's code again.
    #[inline]
    fn under_holder(&self, code: &str) -> Option<u32> {
        let holder = self.holder.filter(|_| !self.listed)?;
        let (region, number) = code.as_bytes().split_at_checked(holder.code.len())?;
        let [b'-', hundreds, tens, units] = *number else {
            return None;
        };
        if !same(region, holder.code.as_bytes()) {
            return None;
        }
        let digit = |byte: u8| byte.is_ascii_digit().then(|| u32::from(byte - b'0'));
        let number = digit(hundreds)? * 100 + digit(tens)? * 10 + digit(units)?;
        // Number 0 is no station number: the full path decides (it finds none).
        let position = holder.numbers.position((number > 0).then_some(number)?)?;
        Some(holder.first_station + position)
    }

    /// Holder `code`: most often one of the few regions after the last holder in code
    /// order (its next sibling, or the first village of the next district), else looked up.
    fn next_holder(&self, code: &str) -> Option<Holder<'e>> {
        let election = self.election;
        let after = self.holder.map_or(0, |holder| holder.index.0 + 1);
        let index = (after..after.saturating_add(4))
            .map(RegionIdx)
            .find(|index| election.region_code(*index) == Some(code))
            .or_else(|| election.find_region(code))?;
        Some(Holder {
            index,
            code: election.region_code(index)?,
            first_station: election.tree().stations_under(index).start,
            numbers: election.region_entry(index)?.stations(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rekap_model::{DefinitionParts, Genesis, StationId};

    /// Codes a log could name: every station's (in code order and in jumps, so that the
    /// remembered holder is right, next, or far), its other spelling, and near misses.
    fn codes<D: DefinitionParts>(election: &Election<D>) -> Vec<String> {
        let stations = election.tree().station_count();
        let jumps = (0..stations)
            .step_by(97)
            .chain((0..stations).rev().step_by(1_009));
        let plain: Vec<String> = (0..stations.min(3_000))
            .chain(jumps)
            .map(|station| {
                election
                    .station_code(StationId(station))
                    .unwrap_or_default()
            })
            .collect();
        // Then each code among near misses, which may move or drop the remembered holder.
        let mut codes = plain.clone();
        for code in plain {
            let (holder, number) = code.rsplit_once('-').unwrap_or_default();
            codes.push(format!("{holder}{number}"));
            for odd in ["000", "1000", "99", "0x1", "-001", "999"] {
                codes.push(format!("{holder}-{odd}"));
            }
            codes.push(format!("{holder}0-{number}"));
            codes.push(code);
        }
        codes
    }

    fn assert_finder_agrees<D: DefinitionParts>(election: &Election<D>) {
        let mut finder = Finder::new(election);
        for code in codes(election) {
            let expected = election.find_station(&code).map(|station| station.0);
            assert_eq!(finder.station(&code), expected, "{code}");
        }
    }

    #[test]
    fn same_is_byte_equality() {
        let texts = [
            "",
            "a",
            "ab",
            "6472010001",
            "6472010002",
            "64720100010",
            "ppwp",
            "ppwq",
        ];
        for a in texts {
            for b in texts {
                assert_eq!(same(a.as_bytes(), b.as_bytes()), a == b, "{a:?} {b:?}");
            }
        }
        let long = "0123456789abcdefghij";
        for cut in 0..long.len() {
            let mut other = long.as_bytes().to_vec();
            other[cut] ^= 1;
            assert!(!same(long.as_bytes(), &other));
            assert!(same(&long.as_bytes()[..cut], &other[..cut]));
        }
    }

    /// The finder, with its remembered holder and its shortcut for `<holder>-<nnn>`,
    /// answers every code as [`Election::find_station`] does, on the national election,
    /// decoded and read in place.
    #[test]
    fn the_finder_finds_every_station_as_the_election_does() {
        let definition = rekap_test_kit::national_definition(1);
        let bytes = encode_payload(&Payload::Genesis(Genesis::new(definition, [7; 32])));
        let in_place = Election::in_place_from_genesis(&bytes).expect("the national genesis");
        assert_finder_agrees(&in_place);
        let owned = Election::without_officers_from_genesis(&bytes).expect("the national genesis");
        assert_finder_agrees(&owned);
    }
}
