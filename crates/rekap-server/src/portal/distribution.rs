//! The distribution across stations of a region's counted sheets: turnout, each pair's
//! share of the valid votes, and turnout against a pair's share (the election-forensics
//! "fingerprint"). Integer bins only, so every machine draws the same chart. Computed once
//! per snapshot, contest and region (a national overview walks 818,339 stations), and kept
//! in a small cache keyed by the head it was computed at.

use std::sync::Arc;

use rekap_model::{ContestIdx, PackedSheet, RegionIdx, State, StationId};

use super::cache::Cache;
use crate::snapshot::Snapshot;

/// Bins of the one-dimensional histograms (2 percentage points each).
pub const BINS: usize = 50;
/// Bins per axis of the fingerprint (5 percentage points each).
pub const JOINT: usize = 20;

/// Counts of stations per bin, over the counted sheets of one region and contest.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Distribution {
    /// Sheets that count (stations counted, not voided or awaiting a re-vote).
    pub counted: u32,
    /// Of those, sheets that carry only the votes: no turnout, so not in the turnout charts.
    pub votes_only: u32,
    /// Full sheets with no registered voters: turnout undefined, not in the turnout charts.
    pub no_registered: u32,
    /// Stations where more voted than were registered (put in the last turnout bin).
    pub above_full: u32,
    /// Stations with turnout of at least 95%.
    pub turnout_95: u32,
    /// Sums over the sheets with a turnout, for the region's overall turnout.
    pub voted: u64,
    pub registered: u64,
    /// Stations per turnout bin.
    pub turnout: Vec<u32>,
    /// Per pair (ballot order): stations per bin of the pair's share of valid votes, over
    /// sheets with valid votes (partial sheets included: a share needs no turnout).
    pub share: Vec<Vec<u32>>,
    /// Per pair: `joint[pair][turnout_bin * JOINT + share_bin]`.
    pub joint: Vec<Vec<u32>>,
    /// Per pair: stations with turnout and the pair's share both at least 95%.
    pub corner: Vec<u32>,
}

/// `part` of `whole` in `bins` equal bins; above the whole goes in the last bin.
pub fn bin(part: u64, whole: u64, bins: usize) -> usize {
    if whole == 0 {
        return 0;
    }
    let index = u128::from(part) * bins as u128 / u128::from(whole);
    (index as usize).min(bins - 1)
}

impl Distribution {
    /// Empty counts for a contest of `pairs` pairs.
    pub fn empty(pairs: usize) -> Distribution {
        Distribution {
            turnout: vec![0; BINS],
            share: vec![vec![0; BINS]; pairs],
            joint: vec![vec![0; JOINT * JOINT]; pairs],
            corner: vec![0; pairs],
            ..Distribution::default()
        }
    }

    /// Walks every station under `region` once.
    pub fn of(state: &State, contest: ContestIdx, region: RegionIdx) -> Distribution {
        let pairs = state
            .election()
            .contest(contest)
            .map_or(0, |c| c.pairs.len());
        let mut out = Distribution::empty(pairs);
        for number in state.election().tree().stations_under(region) {
            if let Some((_, sheet)) = state.current_sheet(StationId(number), contest) {
                out.record(sheet);
            }
        }
        out
    }

    /// Counts one sheet that counts.
    pub fn record(&mut self, sheet: &PackedSheet) {
        self.counted += 1;
        let valid = u64::from(sheet.valid());
        let turnout = if sheet.votes_only() {
            self.votes_only += 1;
            None
        } else if sheet.registered_total() == 0 {
            self.no_registered += 1;
            None
        } else {
            Some((sheet.voted_total(), sheet.registered_total()))
        };
        if let Some((voted, registered)) = turnout {
            self.voted += voted;
            self.registered += registered;
            self.above_full += u32::from(voted > registered);
            self.turnout_95 += u32::from(voted * 100 >= registered * 95);
            self.turnout[bin(voted, registered, BINS)] += 1;
        }
        if valid == 0 {
            return;
        }
        let pairs = self.share.len();
        for (pair, votes) in sheet.votes().iter().enumerate().take(pairs) {
            let votes = u64::from(*votes);
            self.share[pair][bin(votes, valid, BINS)] += 1;
            if let Some((voted, registered)) = turnout {
                let cell = bin(voted, registered, JOINT) * JOINT + bin(votes, valid, JOINT);
                self.joint[pair][cell] += 1;
                let high = voted * 100 >= registered * 95 && votes * 100 >= valid * 95;
                self.corner[pair] += u32::from(high);
            }
        }
    }

    /// Adds `other`'s counts (of a region beside this one) to these.
    pub fn add(&mut self, other: &Distribution) {
        if self.turnout.is_empty() {
            *self = Distribution::empty(other.share.len());
        }
        let sum = |mine: &mut Vec<u32>, theirs: &Vec<u32>| {
            mine.iter_mut().zip(theirs).for_each(|(a, b)| *a += b);
        };
        self.counted += other.counted;
        self.votes_only += other.votes_only;
        self.no_registered += other.no_registered;
        self.above_full += other.above_full;
        self.turnout_95 += other.turnout_95;
        self.voted += other.voted;
        self.registered += other.registered;
        sum(&mut self.turnout, &other.turnout);
        self.share
            .iter_mut()
            .zip(&other.share)
            .for_each(|(a, b)| sum(a, b));
        self.joint
            .iter_mut()
            .zip(&other.joint)
            .for_each(|(a, b)| sum(a, b));
        sum(&mut self.corner, &other.corner);
    }

    /// Stations in the turnout charts.
    pub fn with_turnout(&self) -> u32 {
        self.counted - self.votes_only - self.no_registered
    }
}

static CACHE: Cache<Distribution> = Cache::new();

/// The distribution of `region` in `contest` at the snapshot's head, computed at most once.
pub fn cached(snapshot: &Snapshot, contest: ContestIdx, region: RegionIdx) -> Arc<Distribution> {
    let made = CACHE.get_or(snapshot, (contest.0, region.0), || {
        Ok::<_, std::convert::Infallible>(Distribution::of(&snapshot.state, contest, region))
    });
    match made {
        Ok(distribution) => distribution,
        Err(never) => match never {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rekap_model::{TallySheet, Turnout, VotedLists, VoterLists};

    fn sheet(registered: u32, voted: u32, votes: [u32; 2], votes_only: bool) -> PackedSheet {
        let turnout = |total| Turnout {
            male: None,
            female: None,
            total,
        };
        PackedSheet::pack(&TallySheet {
            registered: VoterLists {
                dpt: registered,
                ..VoterLists::default()
            },
            voted: VotedLists {
                dpt: turnout(voted),
                dpph: turnout(0),
                dptb: turnout(0),
            },
            votes: votes.to_vec(),
            valid: votes[0] + votes[1],
            invalid: Some(0),
            votes_only,
            ..TallySheet::default()
        })
    }

    #[test]
    fn partial_sheets_have_shares_but_no_turnout() {
        let mut spread = Distribution::empty(2);
        spread.record(&sheet(200, 150, [100, 50], false)); // turnout 75%, shares 66/33
        spread.record(&sheet(0, 0, [30, 10], true)); // votes only: shares 75/25
        spread.record(&sheet(100, 120, [120, 0], false)); // above 100%, a 100% share
        assert_eq!(
            (spread.counted, spread.votes_only, spread.with_turnout()),
            (3, 1, 2)
        );
        assert_eq!(
            spread.turnout.iter().sum::<u32>(),
            2,
            "the partial sheet has no turnout"
        );
        assert_eq!(spread.turnout[37], 1);
        assert_eq!(spread.turnout[49], 1, "above 100% in the last bin");
        assert_eq!((spread.above_full, spread.turnout_95), (1, 1));
        assert_eq!(
            spread.share[0].iter().sum::<u32>(),
            3,
            "shares count every sheet"
        );
        assert_eq!(
            (
                spread.share[0][33],
                spread.share[0][37],
                spread.share[0][49]
            ),
            (1, 1, 1)
        );
        assert_eq!(
            spread.joint[0].iter().sum::<u32>(),
            2,
            "no partial sheet in the fingerprint"
        );
        assert_eq!(spread.joint[0][15 * JOINT + 13], 1);
        assert_eq!(spread.corner, vec![1, 0]);
        assert_eq!((spread.voted, spread.registered), (270, 300));
        let mut twice = Distribution::default();
        twice.add(&spread);
        twice.add(&spread);
        assert_eq!(twice.counted, 6);
        assert_eq!(twice.share[1][12], 2);
    }

    #[test]
    fn bins_are_integer_and_clamped() {
        assert_eq!(bin(0, 100, BINS), 0);
        assert_eq!(bin(1, 100, BINS), 0);
        assert_eq!(bin(2, 100, BINS), 1);
        assert_eq!(bin(99, 100, BINS), 49);
        assert_eq!(bin(100, 100, BINS), 49);
        assert_eq!(
            bin(130, 100, BINS),
            49,
            "more voters than registered: last bin"
        );
        assert_eq!(
            bin(5, 0, BINS),
            0,
            "no whole: first bin, never a division by zero"
        );
        assert_eq!(bin(1, 3, JOINT), 6);
    }
}
