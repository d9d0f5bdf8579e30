//! How many current sheets of a contest carry the same numbers (the "same sheet at many
//! stations" flag): a count per `(contest, numbers fingerprint)`.
//!
//! Every sheet decided looks its fingerprint up and every sheet applied updates it, so at
//! national scale (818k sheets) this is on the hot path. Fingerprints are uniformly spread
//! blake3 output, so any index of them is read at random: one `BTreeMap` over all of them
//! made every look-up a walk of five or six levels through nodes scattered over the heap,
//! about 1 µs per sheet, nearly all of it cache and TLB misses. Here a fingerprint's low bits
//! pick a bucket of [`SLOTS`] counts in one flat `Vec` (one or two cache lines), so a look-up
//! is usually one miss. A key that finds its bucket full goes to a small `BTreeMap` (and the
//! bucket is marked, so that look-ups elsewhere skip it), so even fingerprints ground to
//! share a bucket cost O(log n), never more.
//!
//! Only `Vec` and `BTreeMap`, nothing is iterated, and a count is the same wherever it is
//! kept: the answers do not depend on the layout.

use std::collections::BTreeMap;

use crate::definition::ContestIdx;

/// Counts per bucket.
const SLOTS: usize = 4;
/// Expected sheets per bucket the table is sized for (buckets are then about 40% full and
/// a few percent of keys overflow).
const SHEETS_PER_BUCKET: u64 = 2;
/// At most this many buckets (2^20, 64 MiB); more sheets than that only overflow more.
const MAX_BUCKETS: u64 = 1 << 20;

/// A bucket: per slot the fingerprint, then `contest << 32 | count`; count 0 is an empty
/// slot. Plain words, so a new table is zeroed memory that costs nothing until touched.
type Bucket = [u64; 2 * SLOTS];

/// Count of current sheets per `(contest, fingerprint)`; absent keys count 0. A key is kept
/// in its bucket or in `overflow`, never both, and never with a count of 0.
#[derive(Debug, Clone)]
pub(crate) struct FingerprintCounts {
    /// `buckets.len()` is a power of two; a key lives in bucket `fingerprint & mask`.
    buckets: Vec<Bucket>,
    mask: u64,
    overflow: BTreeMap<(ContestIdx, u64), u32>,
    /// One bit per bucket: set once a key of the bucket went to `overflow` (never cleared).
    overflowed: Vec<u64>,
}

fn tag(contest: ContestIdx) -> u64 {
    u64::from(contest.0) << 32
}

const COUNT_BITS: u64 = 0xffff_ffff;

impl FingerprintCounts {
    /// Sized for about `sheets` current sheets (every station of every contest).
    pub(crate) fn with_expected(sheets: u64) -> FingerprintCounts {
        let buckets = (sheets / SHEETS_PER_BUCKET)
            .clamp(1, MAX_BUCKETS)
            .next_power_of_two();
        FingerprintCounts {
            buckets: vec![[0; 2 * SLOTS]; buckets as usize],
            mask: buckets - 1,
            overflow: BTreeMap::new(),
            overflowed: vec![0; buckets.div_ceil(64) as usize],
        }
    }

    /// Whether a key of bucket `index` may be in `overflow`.
    fn may_overflow(&self, index: usize) -> bool {
        self.overflowed
            .get(index / 64)
            .is_some_and(|word| word & (1 << (index % 64)) != 0)
    }

    /// The bucket of a fingerprint and the slot holding the key, if there is one.
    fn find(&self, contest: ContestIdx, fingerprint: u64) -> (usize, Option<usize>) {
        let index = (fingerprint & self.mask) as usize;
        let slot = self.buckets.get(index).and_then(|bucket| {
            (0..SLOTS).find(|&slot| {
                let meta = bucket[2 * slot + 1];
                bucket[2 * slot] == fingerprint
                    && meta & COUNT_BITS != 0
                    && meta & !COUNT_BITS == tag(contest)
            })
        });
        (index, slot)
    }

    /// Reads the buckets of `fingerprints` without waiting on each: the loads are
    /// independent, so their cache misses overlap, and the look-ups that follow find the
    /// buckets cached. Changes nothing.
    pub(crate) fn warm<'a>(&self, fingerprints: impl Iterator<Item = &'a u64>) {
        let mut any = 0u64;
        for fingerprint in fingerprints {
            if let Some(bucket) = self.buckets.get((fingerprint & self.mask) as usize) {
                any ^= bucket[1];
            }
        }
        std::hint::black_box(any);
    }

    /// The count, `None` for 0.
    pub(crate) fn get(&self, contest: ContestIdx, fingerprint: u64) -> Option<u32> {
        let (index, slot) = self.find(contest, fingerprint);
        match (slot, self.buckets.get(index)) {
            (Some(slot), Some(bucket)) => Some((bucket[2 * slot + 1] & COUNT_BITS) as u32),
            _ if !self.may_overflow(index) => None,
            _ => self.overflow.get(&(contest, fingerprint)).copied(),
        }
    }

    /// Sets the count (`None` or 0 removes the key).
    pub(crate) fn set(&mut self, contest: ContestIdx, fingerprint: u64, count: Option<u32>) {
        let count = count.unwrap_or(0);
        let (index, found) = self.find(contest, fingerprint);
        let key = (contest, fingerprint);
        let slot = match found {
            Some(slot) => Some(slot),
            None if self.may_overflow(index) && self.overflow.contains_key(&key) => {
                if count == 0 {
                    self.overflow.remove(&key);
                } else {
                    self.overflow.insert(key, count);
                }
                return;
            }
            // A new key: the first free slot of its bucket, if any.
            None if count == 0 => return,
            None => self
                .buckets
                .get(index)
                .and_then(|bucket| (0..SLOTS).find(|&slot| bucket[2 * slot + 1] & COUNT_BITS == 0)),
        };
        let Some(bucket) = self.buckets.get_mut(index) else {
            return;
        };
        match slot {
            // A count of 0 clears the slot, fingerprint and all.
            Some(slot) if count == 0 => {
                bucket[2 * slot] = 0;
                bucket[2 * slot + 1] = 0;
            }
            Some(slot) => {
                bucket[2 * slot] = fingerprint;
                bucket[2 * slot + 1] = tag(contest) | u64::from(count);
            }
            None => {
                self.overflow.insert(key, count);
                if let Some(word) = self.overflowed.get_mut(index / 64) {
                    *word |= 1 << (index % 64);
                }
            }
        }
    }

    /// Adds one (`add`) or takes one away (saturating at 0); returns the count before
    /// (`None` for 0).
    pub(crate) fn step(&mut self, contest: ContestIdx, fingerprint: u64, add: bool) -> Option<u32> {
        let old = self.get(contest, fingerprint);
        let before = old.unwrap_or(0);
        let after = if add {
            before.saturating_add(1)
        } else {
            before.saturating_sub(1)
        };
        if after != before {
            self.set(contest, fingerprint, Some(after));
        }
        old
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;

    #[test]
    fn counts_up_and_down() {
        let mut counts = FingerprintCounts::with_expected(64);
        let c = ContestIdx(0);
        assert_eq!(counts.get(c, 7), None);
        assert_eq!(counts.step(c, 7, true), None);
        assert_eq!(counts.step(c, 7, true), Some(1));
        // Same low bits, other fingerprint and other contest: separate counts.
        assert_eq!(counts.step(c, 7 + (1 << 40), true), None);
        assert_eq!(counts.step(ContestIdx(1), 7, true), None);
        assert_eq!(counts.get(c, 7), Some(2));
        assert_eq!(counts.step(c, 7, false), Some(2));
        assert_eq!(counts.step(c, 7, false), Some(1));
        assert_eq!(counts.get(c, 7), None);
        assert_eq!(counts.step(c, 7, false), None);
        assert_eq!(counts.get(c, 7), None);
        counts.set(c, 9, Some(3));
        assert_eq!(counts.get(c, 9), Some(3));
        counts.set(c, 9, None);
        assert_eq!(counts.get(c, 9), None);
        assert_eq!(counts.get(c, 7 + (1 << 40)), Some(1));
        assert_eq!(counts.get(ContestIdx(1), 7), Some(1));
    }

    #[test]
    fn a_full_bucket_overflows_and_frees_its_slots() {
        // One bucket: every key lands in it.
        let mut counts = FingerprintCounts::with_expected(0);
        let c = ContestIdx(3);
        for fingerprint in 0..20 {
            assert_eq!(counts.step(c, fingerprint, true), None);
        }
        assert_eq!(counts.overflow.len(), 20 - SLOTS);
        assert!(counts.may_overflow(0));
        for fingerprint in 0..20 {
            assert_eq!(counts.get(c, fingerprint), Some(1));
        }
        // Emptying a slot does not move an overflowed key into it twice.
        assert_eq!(counts.step(c, 0, false), Some(1));
        assert_eq!(counts.step(c, 19, true), Some(1));
        assert_eq!(counts.get(c, 19), Some(2));
        assert_eq!(counts.step(c, 0, true), None);
        assert_eq!(counts.get(c, 0), Some(1));
        assert_eq!(counts.get(c, 19), Some(2));
    }

    #[test]
    fn saturates_at_the_top() {
        let mut counts = FingerprintCounts::with_expected(8);
        let c = ContestIdx(u32::MAX);
        counts.set(c, u64::MAX, Some(u32::MAX));
        assert_eq!(counts.step(c, u64::MAX, true), Some(u32::MAX));
        assert_eq!(counts.get(c, u64::MAX), Some(u32::MAX));
    }

    #[test]
    fn bucket_count_is_a_bounded_power_of_two() {
        for sheets in [0, 1, 7, 8, 9, 6_264, 818_339, u64::MAX] {
            let counts = FingerprintCounts::with_expected(sheets);
            let n = counts.buckets.len() as u64;
            assert!(n.is_power_of_two() && n <= MAX_BUCKETS, "{sheets}: {n}");
            assert_eq!(counts.mask, n - 1);
        }
    }

    proptest! {
        /// Any sequence of steps and sets gives the counts one `BTreeMap` gives, wherever
        /// the keys end up (few buckets and few fingerprints, so buckets fill and overflow).
        #[test]
        fn same_counts_as_one_map(
            expected in 0u64..64,
            ops in prop::collection::vec((0u32..2, 0u64..48, 0u8..3, 0u32..4), 0..400),
        ) {
            let mut counts = FingerprintCounts::with_expected(expected);
            let mut model: BTreeMap<(ContestIdx, u64), u32> = BTreeMap::new();
            for (contest, fingerprint, op, value) in ops {
                let contest = ContestIdx(contest);
                let key = (contest, fingerprint);
                match op {
                    0 | 1 => {
                        let old = model.get(&key).copied();
                        let n = old.unwrap_or(0);
                        let new = if op == 0 { n.saturating_add(1) } else { n.saturating_sub(1) };
                        if new == 0 { model.remove(&key); } else { model.insert(key, new); }
                        prop_assert_eq!(counts.step(contest, fingerprint, op == 0), old);
                    }
                    _ => {
                        if value == 0 { model.remove(&key); } else { model.insert(key, value); }
                        counts.set(contest, fingerprint, Some(value));
                    }
                }
                for c in 0..2 {
                    for f in 0..48 {
                        let k = (ContestIdx(c), f);
                        prop_assert_eq!(counts.get(k.0, k.1), model.get(&k).copied());
                    }
                }
            }
        }
    }
}
