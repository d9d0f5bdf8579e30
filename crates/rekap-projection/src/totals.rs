//! The totals of one station or region for one contest. Canonical (bincode, see
//! docs/FORMAT.md) because they are part of every Merkle leaf.

use bincode::{Decode, Encode};
use rekap_model::sheet::PackedSheet;
use serde::Serialize;

/// Votes and counts, summed over stations. u64 so no national sum can overflow.
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode, Serialize)]
pub struct Totals {
    /// Votes per candidate pair, in ballot-number order (index 0 is the first pair).
    pub votes: Vec<u64>,
    pub valid: u64,
    pub invalid: u64,
    /// Registered voters (DPT + DPPh + DPTb).
    pub registered: u64,
    /// Voters who voted (all lists).
    pub voted: u64,
    /// Stations whose sheet counts.
    pub stations_reported: u32,
    /// Stations voided.
    pub stations_voided: u32,
    /// Stations that vote in the contest.
    pub stations_expected: u32,
    /// For a contest with vote types: votes per pair per type, pair by pair and type by
    /// type in the definition's order (summing to `votes`); empty otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub votes_by_type: Vec<u64>,
    /// Stations whose sheet counts but gives no invalid count (a source without one):
    /// `invalid` sums the others' only, and says so by this number.
    pub stations_without_invalid: u32,
}

impl Totals {
    /// Zero totals for a contest with `pairs` candidate pairs.
    pub fn zero(pairs: usize) -> Totals {
        Totals {
            votes: vec![0; pairs],
            ..Totals::default()
        }
    }

    /// Zero totals for a contest with `pairs` pairs and `vote_types` vote types: the split
    /// by type is zeros too, so that every region's totals of a contest have one shape.
    pub fn zero_typed(pairs: usize, vote_types: usize) -> Totals {
        Totals {
            votes: vec![0; pairs],
            votes_by_type: vec![0; pairs * vote_types],
            ..Totals::default()
        }
    }

    /// The totals of one station whose sheet counts.
    pub fn of_sheet(sheet: &PackedSheet, pairs: usize) -> Totals {
        let mut votes = vec![0u64; pairs];
        for (total, count) in votes.iter_mut().zip(sheet.votes()) {
            *total = u64::from(*count);
        }
        Totals {
            votes,
            votes_by_type: sheet
                .votes_by_type()
                .iter()
                .map(|&v| u64::from(v))
                .collect(),
            valid: u64::from(sheet.valid()),
            invalid: u64::from(sheet.invalid().unwrap_or(0)),
            registered: sheet.registered_total(),
            voted: sheet.voted_total(),
            stations_reported: 1,
            stations_voided: 0,
            stations_expected: 1,
            stations_without_invalid: u32::from(sheet.invalid().is_none()),
        }
    }

    /// Adds `other` into `self`.
    pub fn add(&mut self, other: &Totals) {
        if self.votes.len() < other.votes.len() {
            self.votes.resize(other.votes.len(), 0);
        }
        for (total, votes) in self.votes.iter_mut().zip(&other.votes) {
            *total += votes;
        }
        add_counts(&mut self.votes_by_type, &other.votes_by_type);
        self.valid += other.valid;
        self.invalid += other.invalid;
        self.registered += other.registered;
        self.voted += other.voted;
        self.stations_reported += other.stations_reported;
        self.stations_voided += other.stations_voided;
        self.stations_expected += other.stations_expected;
        self.stations_without_invalid += other.stations_without_invalid;
    }

    /// Adds one sheet's counts by vote type.
    pub fn add_by_type(&mut self, counts: &[u32]) {
        if self.votes_by_type.len() < counts.len() {
            self.votes_by_type.resize(counts.len(), 0);
        }
        for (total, count) in self.votes_by_type.iter_mut().zip(counts) {
            *total += u64::from(*count);
        }
    }

    /// Stations with neither a counting sheet nor a void.
    pub fn stations_missing(&self) -> u32 {
        self.stations_expected
            .saturating_sub(self.stations_reported + self.stations_voided)
    }
}

fn add_counts(totals: &mut Vec<u64>, counts: &[u64]) {
    if counts.is_empty() {
        return;
    }
    if totals.len() < counts.len() {
        totals.resize(counts.len(), 0);
    }
    for (total, count) in totals.iter_mut().zip(counts) {
        *total += count;
    }
}
