//! The official result of the 2024 East Kalimantan governor's race
//! (`data/kaltim-pilgub-2024.json`), parsed and checked for internal consistency.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::PresetError;

const OFFICIAL_JSON: &str = include_str!("../../../data/kaltim-pilgub-2024.json");
const SOURCE: &str = "kaltim-pilgub-2024.json";

/// The official result: what the generated sheets of the default Kaltim preset add up to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OfficialResult {
    /// The election's name as published.
    pub election: String,
    pub province_code: String,
    pub province_name: String,
    /// Pair names in ballot-number order.
    pub pairs: Vec<String>,
    pub regencies: Vec<RegencyResult>,
    pub province: ProvinceTotals,
}

/// One regency's official figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegencyResult {
    pub code: String,
    pub name: String,
    /// Polling stations announced for the race.
    pub stations: u64,
    /// Votes per pair, in ballot-number order.
    pub votes: Vec<u64>,
}

/// The province's official figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProvinceTotals {
    /// Votes per pair, in ballot-number order.
    pub votes: Vec<u64>,
    pub valid: u64,
    pub invalid: u64,
    pub voted: u64,
    pub voted_dpt: u64,
    pub voted_dpph: u64,
    pub voted_dptb: u64,
    /// Registered voters on the permanent list (DPT).
    pub registered_dpt: u64,
    pub ballots_received: u64,
    pub ballots_used: u64,
    pub ballots_damaged: u64,
    pub ballots_unused: u64,
}

impl OfficialResult {
    /// Stations of all regencies.
    pub fn stations(&self) -> u64 {
        self.regencies.iter().map(|r| r.stations).sum()
    }
}

#[derive(Deserialize)]
struct File {
    election: String,
    province: Province,
    candidate_pairs: Vec<Pair>,
    registered_voters_dpt: u64,
    province_totals: Totals,
    regencies: Vec<Regency>,
}

#[derive(Deserialize)]
struct Province {
    code: String,
    name: String,
}

#[derive(Deserialize)]
struct Pair {
    ballot_number: u32,
    name: String,
}

#[derive(Deserialize)]
struct Totals {
    votes: BTreeMap<String, u64>,
    valid: u64,
    invalid: u64,
    voters_who_voted: u64,
    voters_who_voted_by_list: ByList,
    ballots_received: u64,
    ballots_used: u64,
    ballots_returned_damaged: u64,
    ballots_unused: u64,
}

#[derive(Deserialize)]
struct ByList {
    dpt: u64,
    dpph: u64,
    dptb: u64,
}

#[derive(Deserialize)]
struct Regency {
    code: String,
    name: String,
    stations: u64,
    votes: BTreeMap<String, u64>,
}

/// Votes keyed "1".."n" as a list in ballot-number order.
fn votes_in_order(votes: &BTreeMap<String, u64>, pairs: usize) -> Result<Vec<u64>, PresetError> {
    if votes.len() != pairs {
        return Err(PresetError::data(SOURCE, "votes do not name every pair"));
    }
    (1..=pairs)
        .map(|n| {
            votes
                .get(&n.to_string())
                .copied()
                .ok_or_else(|| PresetError::data(SOURCE, format!("no votes for pair {n}")))
        })
        .collect()
}

/// Parses the embedded official result and checks that its figures agree with each other.
pub fn kaltim_official() -> Result<OfficialResult, PresetError> {
    let file: File = serde_json::from_str(OFFICIAL_JSON)
        .map_err(|e| PresetError::data(SOURCE, e.to_string()))?;
    let pair_count = file.candidate_pairs.len();
    for (i, pair) in file.candidate_pairs.iter().enumerate() {
        if pair.ballot_number as usize != i + 1 {
            return Err(PresetError::data(SOURCE, "pairs out of ballot order"));
        }
    }
    let totals = &file.province_totals;
    let regencies = file
        .regencies
        .iter()
        .map(|r| {
            Ok(RegencyResult {
                code: r.code.clone(),
                name: r.name.clone(),
                stations: r.stations,
                votes: votes_in_order(&r.votes, pair_count)?,
            })
        })
        .collect::<Result<Vec<_>, PresetError>>()?;
    let province = ProvinceTotals {
        votes: votes_in_order(&totals.votes, pair_count)?,
        valid: totals.valid,
        invalid: totals.invalid,
        voted: totals.voters_who_voted,
        voted_dpt: totals.voters_who_voted_by_list.dpt,
        voted_dpph: totals.voters_who_voted_by_list.dpph,
        voted_dptb: totals.voters_who_voted_by_list.dptb,
        registered_dpt: file.registered_voters_dpt,
        ballots_received: totals.ballots_received,
        ballots_used: totals.ballots_used,
        ballots_damaged: totals.ballots_returned_damaged,
        ballots_unused: totals.ballots_unused,
    };
    let result = OfficialResult {
        election: file.election,
        province_code: file.province.code,
        province_name: file.province.name,
        pairs: file.candidate_pairs.into_iter().map(|p| p.name).collect(),
        regencies,
        province,
    };
    check_consistency(&result)?;
    Ok(result)
}

fn check_consistency(result: &OfficialResult) -> Result<(), PresetError> {
    let p = &result.province;
    let fail = |what: &str| Err(PresetError::data(SOURCE, format!("{what} do not agree")));
    for pair in 0..result.pairs.len() {
        let sum: u64 = result
            .regencies
            .iter()
            .map(|r| r.votes.get(pair).copied().unwrap_or(0))
            .sum();
        if Some(&sum) != p.votes.get(pair) {
            return fail("regency votes and province votes");
        }
    }
    if p.votes.iter().sum::<u64>() != p.valid {
        return fail("pair votes and valid votes");
    }
    if p.valid + p.invalid != p.voted || p.voted != p.ballots_used {
        return fail("votes cast, voters and ballots used");
    }
    if p.voted_dpt + p.voted_dpph + p.voted_dptb != p.voted {
        return fail("voters by list and voters");
    }
    if p.ballots_used + p.ballots_damaged + p.ballots_unused != p.ballots_received {
        return fail("ballots");
    }
    if p.voted_dpt > p.registered_dpt {
        return fail("DPT voters and registered DPT");
    }
    Ok(())
}
