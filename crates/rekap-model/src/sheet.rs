//! The tally sheet (Model C.Hasil) of one station and one contest, its hard rules (which
//! refuse it) and its soft rules (which flag it). All arithmetic is integer and widened to
//! u64, so no count can overflow.

use bincode::{Decode, Encode};

use crate::definition::SoftRules;
use crate::encoding::{hash_of, SHEET_DOMAIN, SHEET_NUMBERS_DOMAIN};
use crate::error::HardRuleViolation;

/// Registered voters by list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Encode, Decode)]
pub struct VoterLists {
    /// DPT: the permanent voter list of the station.
    pub dpt: u32,
    /// DPPh: voters transferred in (pindahan).
    pub dpph: u32,
    /// DPTb: other additional voters (tambahan).
    pub dptb: u32,
}

/// Voters who voted from one list: male and female where the sheet gives them, and the total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Encode, Decode)]
pub struct Turnout {
    pub male: Option<u32>,
    pub female: Option<u32>,
    pub total: u32,
}

/// Voters who voted, by list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Encode, Decode)]
pub struct VotedLists {
    pub dpt: Turnout,
    pub dpph: Turnout,
    pub dptb: Turnout,
}

/// Ballot papers at the station.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Encode, Decode)]
pub struct Ballots {
    pub received: u32,
    pub used: u32,
    /// Returned as damaged or wrongly marked.
    pub damaged: u32,
    pub unused: u32,
}

/// The numbers of one station's sheet for one contest.
#[derive(Debug, Clone, PartialEq, Eq, Default, Encode)]
pub struct TallySheet {
    pub registered: VoterLists,
    pub voted: VotedLists,
    pub ballots: Ballots,
    /// Votes per candidate pair, in ballot-number order (index 0 is pair 1).
    pub votes: Vec<u32>,
    pub valid: u32,
    /// Invalid votes; None when the source gives no invalid count (a portal document
    /// without `administrasi`, a precinct file without over and under votes): absent, not
    /// zero. Only a votes-only sheet may leave it absent (R67).
    pub invalid: Option<u32>,
    /// The sheet carries only its vote section (pair votes, valid, invalid), as tally photos
    /// and most published results do: voter lists, voters and ballots are absent, not zero.
    /// They must then be left at zero and unset (R62); the rules that need them are skipped.
    pub votes_only: bool,
    /// For a contest with vote types: each pair's count per type, pair by pair in ballot
    /// order and, within a pair, type by type in the definition's order (pairs x types
    /// numbers). Each pair's counts add up to its `votes` (R64). Empty for a contest
    /// without vote types.
    pub votes_by_type: Vec<u32>,
}

/// A voter list, to name it in a rule violation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Encode, Decode)]
pub enum VoterList {
    Dpt,
    Dpph,
    Dptb,
}

impl std::fmt::Display for VoterList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            VoterList::Dpt => "DPT",
            VoterList::Dpph => "DPPh",
            VoterList::Dptb => "DPTb",
        })
    }
}

impl TallySheet {
    /// Registered voters, all lists.
    pub fn registered_total(&self) -> u64 {
        let r = &self.registered;
        u64::from(r.dpt) + u64::from(r.dpph) + u64::from(r.dptb)
    }
    /// Voters who voted, all lists.
    pub fn voted_total(&self) -> u64 {
        let v = &self.voted;
        u64::from(v.dpt.total) + u64::from(v.dpph.total) + u64::from(v.dptb.total)
    }
    /// Sum of the pairs' votes.
    pub fn votes_sum(&self) -> u64 {
        self.votes.iter().map(|&v| u64::from(v)).sum()
    }
    /// Valid plus invalid votes; an absent invalid count adds nothing (the rules that need
    /// it are skipped: R41 by R67, S3 by its own condition).
    pub fn cast(&self) -> u64 {
        u64::from(self.valid) + u64::from(self.invalid.unwrap_or(0))
    }

    fn lists(&self) -> [(VoterList, Turnout, u32); 3] {
        [
            (VoterList::Dpt, self.voted.dpt, self.registered.dpt),
            (VoterList::Dpph, self.voted.dpph, self.registered.dpph),
            (VoterList::Dptb, self.voted.dptb, self.registered.dptb),
        ]
    }

    /// Whether any number of the administrative section is given (non-zero, or a male or
    /// female count set).
    fn has_administrative_numbers(&self) -> bool {
        let genders = self
            .lists()
            .iter()
            .any(|(_, t, _)| t.male.is_some() || t.female.is_some());
        genders
            || self.registered_total() > 0
            || self.voted_total() > 0
            || self.ballots != Ballots::default()
    }

    /// Every hard rule this sheet breaks, in the fixed order of [`HardRuleViolation`]; for a
    /// votes-only sheet only those of the vote section (and R62).
    pub fn hard_rule_violations(&self, pairs: u32, capacity: u32) -> Vec<HardRuleViolation> {
        self.hard_rule_violations_typed(pairs, 0, capacity)
    }

    /// [`TallySheet::hard_rule_violations`] for a contest with `vote_types` vote types.
    pub fn hard_rule_violations_typed(
        &self,
        pairs: u32,
        vote_types: u32,
        capacity: u32,
    ) -> Vec<HardRuleViolation> {
        let mut out = Vec::new();
        if self.votes.len() as u64 != u64::from(pairs) {
            out.push(HardRuleViolation::WrongPairCount {
                given: self.votes.len() as u64,
                pairs,
            });
        }
        let sum = self.votes_sum();
        if sum != u64::from(self.valid) {
            out.push(HardRuleViolation::PairVotesNotValid {
                sum,
                valid: self.valid,
            });
        }
        self.vote_type_violations(pairs, vote_types, &mut out);
        if self.votes_only {
            if self.has_administrative_numbers() {
                out.push(HardRuleViolation::AbsentSectionHasNumbers);
            }
            return out;
        }
        match self.invalid {
            None => out.push(HardRuleViolation::InvalidAbsentOnFullSheet),
            Some(invalid) if self.cast() != u64::from(self.ballots.used) => {
                out.push(HardRuleViolation::CastNotBallotsUsed {
                    valid: self.valid,
                    invalid,
                    used: self.ballots.used,
                });
            }
            Some(_) => {}
        }
        let voted = self.voted_total();
        if u64::from(self.ballots.used) != voted {
            out.push(HardRuleViolation::BallotsUsedNotVoted {
                used: self.ballots.used,
                voted,
            });
        }
        for (list, turnout, registered) in self.lists() {
            if turnout.total > registered {
                out.push(HardRuleViolation::VotedOverRegistered {
                    list,
                    voted: turnout.total,
                    registered,
                });
            }
        }
        for (list, turnout, _) in self.lists() {
            if let (Some(male), Some(female)) = (turnout.male, turnout.female) {
                if u64::from(male) + u64::from(female) != u64::from(turnout.total) {
                    out.push(HardRuleViolation::MaleFemaleNotTotal {
                        list,
                        male,
                        female,
                        total: turnout.total,
                    });
                }
            }
        }
        let b = &self.ballots;
        let accounted = u64::from(b.used) + u64::from(b.damaged) + u64::from(b.unused);
        if u64::from(b.received) != accounted {
            out.push(HardRuleViolation::BallotsUnbalanced {
                received: b.received,
                used: b.used,
                damaged: b.damaged,
                unused: b.unused,
            });
        }
        let registered = self.registered_total();
        if registered > u64::from(capacity) {
            out.push(HardRuleViolation::OverCapacity {
                registered,
                capacity,
            });
        }
        out
    }

    /// R63 and R64: a count per pair per type, each pair's counts adding up to its votes.
    fn vote_type_violations(&self, pairs: u32, vote_types: u32, out: &mut Vec<HardRuleViolation>) {
        let expected = u64::from(pairs) * u64::from(vote_types);
        if self.votes_by_type.len() as u64 != expected {
            out.push(HardRuleViolation::WrongVoteTypeCount {
                given: self.votes_by_type.len() as u64,
                expected,
            });
            return;
        }
        if vote_types == 0 {
            return;
        }
        let per_pair = self.votes_by_type.chunks(vote_types as usize);
        for (index, (counts, &votes)) in per_pair.zip(&self.votes).enumerate() {
            let sum: u64 = counts.iter().map(|&v| u64::from(v)).sum();
            if sum != u64::from(votes) {
                out.push(HardRuleViolation::VoteTypesNotPairVotes {
                    pair: index as u32 + 1,
                    sum,
                    votes,
                });
                return;
            }
        }
    }

    /// The first hard rule this sheet breaks, if any.
    pub fn check_hard_rules(&self, pairs: u32, capacity: u32) -> Result<(), HardRuleViolation> {
        self.check_hard_rules_typed(pairs, 0, capacity)
    }

    /// [`TallySheet::check_hard_rules`] for a contest with `vote_types` vote types.
    pub fn check_hard_rules_typed(
        &self,
        pairs: u32,
        vote_types: u32,
        capacity: u32,
    ) -> Result<(), HardRuleViolation> {
        match self
            .hard_rule_violations_typed(pairs, vote_types, capacity)
            .into_iter()
            .next()
        {
            Some(violation) => Err(violation),
            None => Ok(()),
        }
    }

    /// Fingerprint of the numbers alone (no station, no contest), equal for identical
    /// sheets: the first 8 bytes (little-endian) of
    /// `blake3("rekap/v1/sheet-numbers" || bincode(sheet))`. Used only for the "same sheet at
    /// many stations" flag.
    pub fn numbers_fingerprint(&self) -> u64 {
        let hash = hash_of(SHEET_NUMBERS_DOMAIN, self);
        let mut first = [0u8; 8];
        first.copy_from_slice(hash.get(..8).unwrap_or(&[0; 8]));
        u64::from_le_bytes(first)
    }

    /// Soft-rule flags that depend on this sheet alone: turnout, one pair with every valid
    /// vote, invalid share.
    pub fn own_flags(&self, rules: &SoftRules) -> Vec<Flag> {
        let mut flags = Vec::new();
        let voted = self.voted_total();
        let registered = self.registered_total();
        // Turnout exists only where the administrative section does.
        if !self.votes_only
            && u128::from(voted) * 1000
                > u128::from(registered) * u128::from(rules.max_turnout_permille)
        {
            flags.push(Flag::HighTurnout {
                voted,
                registered,
                threshold_permille: rules.max_turnout_permille,
            });
        }
        if self.votes.len() >= 2 && self.valid > 0 && self.valid >= rules.one_pair_min_valid {
            if let Some(i) = self.votes.iter().position(|&v| v == self.valid) {
                flags.push(Flag::OnePairAllVotes {
                    pair: i as u32 + 1,
                    valid: self.valid,
                });
            }
        }
        // S3 needs the invalid count: not checked where it is absent.
        let cast = self.cast();
        if let Some(invalid) = self.invalid.filter(|_| cast > 0) {
            if u128::from(invalid) * 1000
                > u128::from(cast) * u128::from(rules.max_invalid_permille)
            {
                flags.push(Flag::HighInvalidShare {
                    invalid,
                    cast,
                    threshold_permille: rules.max_invalid_permille,
                });
            }
        }
        flags
    }
}

/// `blake3("rekap/v1/sheet" || bincode((station code, contest id, sheet)))`: the hash of one
/// station's sheet, a leaf of the projection's Merkle tree.
pub fn sheet_hash(station_code: &str, contest_id: &str, sheet: &TallySheet) -> [u8; 32] {
    hash_of(SHEET_DOMAIN, &(station_code, contest_id, sheet))
}

/// A soft-rule flag: the sheet is accepted, and status and audit list the flag.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub enum Flag {
    /// Voters who voted * 1000 > registered * threshold.
    HighTurnout {
        voted: u64,
        registered: u64,
        threshold_permille: u32,
    },
    /// One pair has every valid vote.
    OnePairAllVotes { pair: u32, valid: u32 },
    /// Invalid * 1000 > (valid + invalid) * threshold.
    HighInvalidShare {
        invalid: u32,
        cast: u64,
        threshold_permille: u32,
    },
    /// This many current sheets of the contest (this one included) carry identical numbers.
    SameSheetAtManyStations { stations: u32, threshold: u32 },
    /// A pair's share here (per mille, rounded down) differs from its share over the other
    /// current sheets of the same village by more than the threshold.
    FarFromNeighbours {
        pair: u32,
        share_permille: u32,
        neighbours_permille: u32,
        neighbour_sheets: u32,
        threshold_permille: u32,
    },
}

/// The current sheets of one contest in one village (the region holding the stations),
/// summed: what "far from its neighbours" compares against.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Neighbourhood {
    pub sheets: u32,
    pub valid: u64,
    pub votes: Vec<u64>,
}

impl Neighbourhood {
    pub(crate) fn add(&mut self, sheet: &PackedSheet) {
        let votes = sheet.votes();
        self.sheets += 1;
        self.valid += u64::from(sheet.valid());
        if self.votes.len() < votes.len() {
            self.votes.resize(votes.len(), 0);
        }
        for (sum, &v) in self.votes.iter_mut().zip(votes) {
            *sum += u64::from(v);
        }
    }
    pub(crate) fn remove(&mut self, sheet: &PackedSheet) {
        self.sheets = self.sheets.saturating_sub(1);
        self.valid = self.valid.saturating_sub(u64::from(sheet.valid()));
        for (sum, &v) in self.votes.iter_mut().zip(sheet.votes()) {
            *sum = sum.saturating_sub(u64::from(v));
        }
    }

    /// The flag for `sheet` against these neighbours (which must not include it), if a pair's
    /// share differs by more than the threshold. The lowest such pair number is named.
    pub fn flag(&self, sheet: &TallySheet, rules: &SoftRules) -> Option<Flag> {
        if self.sheets < rules.neighbour_min_sheets
            || self.sheets == 0
            || self.valid == 0
            || sheet.valid == 0
        {
            return None;
        }
        for (i, &v) in sheet.votes.iter().enumerate() {
            let share = u64::from(v) * 1000 / u64::from(sheet.valid);
            let theirs = (u128::from(self.votes.get(i).copied().unwrap_or(0)) * 1000
                / u128::from(self.valid))
            .min(u128::from(u32::MAX)) as u64;
            if share.abs_diff(theirs) > u64::from(rules.neighbour_max_deviation_permille) {
                return Some(Flag::FarFromNeighbours {
                    pair: i as u32 + 1,
                    share_permille: share as u32,
                    neighbours_permille: theirs as u32,
                    neighbour_sheets: self.sheets,
                    threshold_permille: rules.neighbour_max_deviation_permille,
                });
            }
        }
        None
    }
}

/// A tally sheet as the state keeps it: its numbers in one boxed slice (about half the
/// memory of a [`TallySheet`]). Layout: registered DPT, DPPh, DPTb; voted male, female, total
/// for DPT, DPPh, DPTb; ballots received, used, damaged, unused; valid; invalid; a mask of
/// which male/female counts are given (bits 0-5), whether the sheet is votes-only (bit 6),
/// whether its invalid count is absent (bit 7, the invalid word then 0) and the number of
/// vote types (bits 8-15); then the votes per pair, then the counts per pair
/// per type (none for a contest without vote types).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PackedSheet(Box<[u32]>);

const PACKED_FIXED: usize = 19;
/// The bit of the mask word set for a votes-only sheet (bits 0-5 are male/female given).
const VOTES_ONLY_BIT: u32 = 1 << 6;
/// The bit of the mask word set when the sheet gives no invalid count.
const INVALID_ABSENT_BIT: u32 = 1 << 7;
/// Where the mask word keeps the number of vote types.
const VOTE_TYPES_SHIFT: u32 = 8;

impl PackedSheet {
    pub fn pack(sheet: &TallySheet) -> PackedSheet {
        let v = &sheet.voted;
        let mut mask = 0u32;
        for (bit, given) in [
            v.dpt.male,
            v.dpt.female,
            v.dpph.male,
            v.dpph.female,
            v.dptb.male,
            v.dptb.female,
        ]
        .iter()
        .enumerate()
        {
            if given.is_some() {
                mask |= 1 << bit;
            }
        }
        if sheet.votes_only {
            mask |= VOTES_ONLY_BIT;
        }
        if sheet.invalid.is_none() {
            mask |= INVALID_ABSENT_BIT;
        }
        // A sheet that passed the hard rules has pairs x types counts; any other sheet keeps
        // its counts (unpacked as given) and a type count that only has to fit.
        let vote_types = match sheet.votes.len() {
            0 => 0,
            pairs if sheet.votes_by_type.len().is_multiple_of(pairs) => {
                sheet.votes_by_type.len() / pairs
            }
            _ => 0,
        };
        mask |= (vote_types.min(0xff) as u32) << VOTE_TYPES_SHIFT;
        let r = &sheet.registered;
        let b = &sheet.ballots;
        let mut out =
            Vec::with_capacity(PACKED_FIXED + sheet.votes.len() + sheet.votes_by_type.len());
        out.extend([r.dpt, r.dpph, r.dptb]);
        for t in [v.dpt, v.dpph, v.dptb] {
            out.extend([t.male.unwrap_or(0), t.female.unwrap_or(0), t.total]);
        }
        out.extend([b.received, b.used, b.damaged, b.unused]);
        out.extend([sheet.valid, sheet.invalid.unwrap_or(0), mask]);
        out.extend_from_slice(&sheet.votes);
        out.extend_from_slice(&sheet.votes_by_type);
        PackedSheet(out.into_boxed_slice())
    }

    fn at(&self, i: usize) -> u32 {
        self.0.get(i).copied().unwrap_or(0)
    }

    /// The sheet back.
    pub fn unpack(&self) -> TallySheet {
        let mask = self.at(18);
        let turnout = |i: usize, bit: u32| Turnout {
            male: (mask & (1 << bit) != 0).then(|| self.at(i)),
            female: (mask & (1 << (bit + 1)) != 0).then(|| self.at(i + 1)),
            total: self.at(i + 2),
        };
        TallySheet {
            registered: VoterLists {
                dpt: self.at(0),
                dpph: self.at(1),
                dptb: self.at(2),
            },
            voted: VotedLists {
                dpt: turnout(3, 0),
                dpph: turnout(6, 2),
                dptb: turnout(9, 4),
            },
            ballots: Ballots {
                received: self.at(12),
                used: self.at(13),
                damaged: self.at(14),
                unused: self.at(15),
            },
            votes: self.votes().to_vec(),
            valid: self.at(16),
            invalid: self.invalid(),
            votes_only: mask & VOTES_ONLY_BIT != 0,
            votes_by_type: self.votes_by_type().to_vec(),
        }
    }
    /// Where the counts per type begin: the votes per pair fill `PACKED_FIXED..` up to it.
    fn typed_start(&self) -> usize {
        let types = (self.at(18) >> VOTE_TYPES_SHIFT) as usize & 0xff;
        if types == 0 {
            // The common case, and the one every national rollup reads: no division.
            return self.0.len();
        }
        let numbers = self.0.len().saturating_sub(PACKED_FIXED);
        PACKED_FIXED + numbers / (types + 1)
    }
    /// Votes per pair, in ballot-number order.
    pub fn votes(&self) -> &[u32] {
        self.0.get(PACKED_FIXED..self.typed_start()).unwrap_or(&[])
    }
    /// Counts per pair per vote type (see [`TallySheet::votes_by_type`]).
    pub fn votes_by_type(&self) -> &[u32] {
        self.0.get(self.typed_start()..).unwrap_or(&[])
    }
    pub fn valid(&self) -> u32 {
        self.at(16)
    }
    /// Invalid votes, None when the sheet gives no invalid count.
    pub fn invalid(&self) -> Option<u32> {
        (self.at(18) & INVALID_ABSENT_BIT == 0).then(|| self.at(17))
    }
    /// Registered voters, all lists.
    pub fn registered_total(&self) -> u64 {
        u64::from(self.at(0)) + u64::from(self.at(1)) + u64::from(self.at(2))
    }
    /// Voters who voted, all lists.
    pub fn voted_total(&self) -> u64 {
        u64::from(self.at(5)) + u64::from(self.at(8)) + u64::from(self.at(11))
    }
    /// Whether the sheet carries only its vote section.
    pub fn votes_only(&self) -> bool {
        self.at(18) & VOTES_ONLY_BIT != 0
    }
}
