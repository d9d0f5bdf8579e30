//! One regency's tally sheets: every regency figure split over its stations by largest
//! remainder, with seeded jitter in the weights so that stations differ, and with bounds
//! that keep every sheet inside the hard rules and clear of the single-sheet soft rules:
//!
//! 1. registered voters (all lists) per station, at most the station capacity;
//! 2. votes cast (= voters who voted = ballots used) in proportion to registered voters, at
//!    most the turnout threshold of the station's registered voters;
//! 3. DPPh and DPTb voters in proportion to votes cast (registered equal to voters); DPT
//!    voters are the rest, and registered DPT is the station's registered voters minus the
//!    other two lists, so no list has more voters than registered;
//! 4. invalid votes in proportion to votes cast, at most the invalid-share threshold;
//! 5. each pair's votes in proportion to the valid votes still unassigned, every pair at
//!    least one vote where the station has enough, the last pair taking the rest;
//! 6. damaged ballots in proportion to votes cast; ballots received in proportion to
//!    registered voters, at least used plus damaged; unused ballots are the rest;
//! 7. male and female voters of each list: a seeded split of the list's voters (the official
//!    result has no such figures).

use rekap_model::{Ballots, SoftRules, TallySheet, Turnout, VotedLists, VoterLists};

use crate::error::PresetError;
use crate::kaltim::targets::RegencyTarget;
use crate::random::SplitMix64;
use crate::split::{field, split, split_within};

/// Seeded weights in `low..=high` (per mille around 1), one per station.
fn jitter(random: &mut SplitMix64, count: usize, low: u64, high: u64) -> Vec<u64> {
    (0..count).map(|_| random.between(low, high)).collect()
}

fn product(a: &[u64], b: &[u64]) -> Vec<u64> {
    a.iter().zip(b).map(|(x, y)| x * y).collect()
}

/// The sheets of one regency's `target.stations` stations, in station order.
pub fn regency_sheets(
    target: &RegencyTarget,
    capacity: u64,
    rules: &SoftRules,
    random: &mut SplitMix64,
) -> Result<Vec<TallySheet>, PresetError> {
    let count = target.stations as usize;
    let what = |figure: &str| {
        let code = target.code.clone();
        let figure = figure.to_string();
        move || format!("{figure} of regency {code} over its stations")
    };
    let zeros = vec![0u64; count];
    let unbounded = vec![u64::MAX; count];

    let weights = jitter(random, count, 850, 1150);
    let registered = split_within(
        what("registered voters"),
        target.registered(),
        &weights,
        &zeros,
        &vec![capacity; count],
    )?;
    let turnout_limit: Vec<u64> = registered
        .iter()
        .map(|&r| r * u64::from(rules.max_turnout_permille) / 1000)
        .collect();
    let weights = product(&registered, &jitter(random, count, 900, 1100));
    let cast = split_within(
        what("votes cast"),
        target.cast(),
        &weights,
        &zeros,
        &turnout_limit,
    )?;
    let dpph = split_within(what("DPPh voters"), target.voted_dpph, &cast, &zeros, &cast)?;
    let room: Vec<u64> = cast.iter().zip(&dpph).map(|(c, p)| c - p).collect();
    let dptb = split_within(what("DPTb voters"), target.voted_dptb, &cast, &zeros, &room)?;
    let invalid_limit: Vec<u64> = cast
        .iter()
        .map(|&c| c * u64::from(rules.max_invalid_permille) / 1000)
        .collect();
    let weights = product(&cast, &jitter(random, count, 600, 1400));
    let invalid = split_within(
        what("invalid votes"),
        target.invalid,
        &weights,
        &zeros,
        &invalid_limit,
    )?;
    let valid: Vec<u64> = cast.iter().zip(&invalid).map(|(c, i)| c - i).collect();
    let votes = pair_votes(target, &valid, random, &what)?;
    let damaged = split(what("damaged ballots"), target.ballots_damaged, &cast)?;
    let needed: Vec<u64> = cast.iter().zip(&damaged).map(|(c, d)| c + d).collect();
    let received = split_within(
        what("ballots received"),
        target.ballots_received,
        &registered,
        &needed,
        &unbounded,
    )?;

    let mut sheets = Vec::with_capacity(count);
    for s in 0..count {
        let dpt_voters = cast[s] - dpph[s] - dptb[s];
        let mut turnout = |total: u64| -> Result<Turnout, PresetError> {
            let male = total * random.between(470, 530) / 1000;
            Ok(Turnout {
                male: Some(field("male voters", male)?),
                female: Some(field("female voters", total - male)?),
                total: field("voters", total)?,
            })
        };
        let voted = VotedLists {
            dpt: turnout(dpt_voters)?,
            dpph: turnout(dpph[s])?,
            dptb: turnout(dptb[s])?,
        };
        sheets.push(TallySheet {
            registered: VoterLists {
                dpt: field("registered DPT", registered[s] - dpph[s] - dptb[s])?,
                dpph: field("registered DPPh", dpph[s])?,
                dptb: field("registered DPTb", dptb[s])?,
            },
            voted,
            ballots: Ballots {
                received: field("ballots received", received[s])?,
                used: field("ballots used", cast[s])?,
                damaged: field("ballots damaged", damaged[s])?,
                unused: field("ballots unused", received[s] - needed[s])?,
            },
            votes: votes
                .iter()
                .map(|pair| field("votes", pair[s]))
                .collect::<Result<_, _>>()?,
            valid: field("valid votes", valid[s])?,
            invalid: Some(field("invalid votes", invalid[s])?),
            votes_only: false,
            votes_by_type: Vec::new(),
        });
    }
    Ok(sheets)
}

/// Votes per pair (outer) per station (inner).
fn pair_votes<W: FnOnce() -> String>(
    target: &RegencyTarget,
    valid: &[u64],
    random: &mut SplitMix64,
    what: &impl Fn(&str) -> W,
) -> Result<Vec<Vec<u64>>, PresetError> {
    let pairs = target.votes.len();
    let mut unassigned = valid.to_vec();
    let mut out = Vec::with_capacity(pairs);
    for (k, &total) in target.votes.iter().enumerate() {
        let later = (pairs - 1 - k) as u64;
        if later == 0 {
            if unassigned.iter().sum::<u64>() != total {
                return Err(PresetError::DoesNotFit {
                    what: what("votes of the last pair")(),
                    total,
                    least: 0,
                    most: 0,
                });
            }
            out.push(std::mem::take(&mut unassigned));
            break;
        }
        let weights = product(&unassigned, &jitter(random, valid.len(), 850, 1150));
        let least: Vec<u64> = unassigned.iter().map(|&u| u64::from(u > later)).collect();
        let most: Vec<u64> = unassigned
            .iter()
            .map(|&u| if u > later { u - later } else { u })
            .collect();
        let part = split_within(what("votes of a pair"), total, &weights, &least, &most)?;
        for (u, p) in unassigned.iter_mut().zip(&part) {
            *u -= p;
        }
        out.push(part);
    }
    Ok(out)
}
