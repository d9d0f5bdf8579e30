//! The figures each regency's sheets must add up to.
//!
//! Per regency the official result gives stations and votes per pair; every other figure is
//! published for the province only and is split over the regencies here, in proportion, by
//! largest remainder (so the regency figures add up exactly to the province's):
//!
//! - invalid votes in proportion to the regency's valid votes (same invalid share everywhere);
//! - voters who voted from the DPPh and DPTb lists in proportion to votes cast (valid +
//!   invalid); DPT voters are the rest of the votes cast;
//! - registered DPT in proportion to DPT voters (same DPT turnout everywhere), held between
//!   what keeps turnout at or under the soft-rule threshold and what the stations hold at
//!   the station capacity;
//! - registered DPPh and DPTb equal their voters (the official result gives no separate
//!   registration figure for these lists);
//! - damaged ballots in proportion to votes cast; ballots received in proportion to
//!   registered voters, at least votes cast plus damaged; unused ballots are the rest.
//!
//! With a station count other than the official one, every figure is scaled first: regency
//! stations in proportion to the official ones, each regency's votes by its station ratio,
//! the province-only figures by the ratio of votes cast.

use rekap_model::SoftRules;

use crate::error::PresetError;
use crate::official::{OfficialResult, ProvinceTotals};
use crate::split::{scale, split, split_within};

/// What one regency's sheets add up to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegencyTarget {
    pub code: String,
    pub stations: u64,
    pub votes: Vec<u64>,
    pub invalid: u64,
    pub voted_dpt: u64,
    pub voted_dpph: u64,
    pub voted_dptb: u64,
    pub registered_dpt: u64,
    pub ballots_received: u64,
    pub ballots_damaged: u64,
}

impl RegencyTarget {
    pub fn valid(&self) -> u64 {
        self.votes.iter().sum()
    }
    /// Valid plus invalid: also the voters who voted and the ballots used.
    pub fn cast(&self) -> u64 {
        self.valid() + self.invalid
    }
    /// Registered on all lists (DPPh and DPTb registered equal their voters).
    pub fn registered(&self) -> u64 {
        self.registered_dpt + self.voted_dpph + self.voted_dptb
    }
}

/// A regency's stations and votes after scaling.
struct ScaledRegency {
    code: String,
    stations: u64,
    votes: Vec<u64>,
}

/// Regency stations and votes, and province figures, scaled to `stations` in all.
fn scaled(
    official: &OfficialResult,
    stations: u64,
) -> Result<(Vec<ScaledRegency>, ProvinceTotals), PresetError> {
    let official_stations: Vec<u64> = official.regencies.iter().map(|r| r.stations).collect();
    let regency_stations = split(
        || "stations over the regencies".to_string(),
        stations,
        &official_stations,
    )?;
    let regencies: Vec<ScaledRegency> = official
        .regencies
        .iter()
        .zip(&regency_stations)
        .map(|(r, &s)| ScaledRegency {
            code: r.code.clone(),
            stations: s,
            votes: r.votes.iter().map(|&v| scale(v, s, r.stations)).collect(),
        })
        .collect();
    let p = &official.province;
    let pairs = official.pairs.len();
    let votes: Vec<u64> = (0..pairs)
        .map(|k| {
            regencies
                .iter()
                .map(|r| r.votes.get(k).copied().unwrap_or(0))
                .sum()
        })
        .collect();
    let valid: u64 = votes.iter().sum();
    let invalid = scale(p.invalid, valid, p.valid);
    let cast = valid + invalid;
    let by_cast = |value: u64| scale(value, cast, p.voted);
    let voted_dpph = by_cast(p.voted_dpph).min(cast);
    let voted_dptb = by_cast(p.voted_dptb).min(cast - voted_dpph);
    let ballots_damaged = by_cast(p.ballots_damaged);
    let ballots_received = by_cast(p.ballots_received).max(cast + ballots_damaged);
    let province = ProvinceTotals {
        votes,
        valid,
        invalid,
        voted: cast,
        voted_dpt: cast - voted_dpph - voted_dptb,
        voted_dpph,
        voted_dptb,
        registered_dpt: by_cast(p.registered_dpt),
        ballots_received,
        ballots_used: cast,
        ballots_damaged,
        ballots_unused: ballots_received - cast - ballots_damaged,
    };
    Ok((regencies, province))
}

/// The regency targets for `stations` stations in all (the official figures exactly when
/// `stations` is the official count).
pub fn regency_targets(
    official: &OfficialResult,
    stations: u64,
    capacity: u64,
    rules: &SoftRules,
) -> Result<Vec<RegencyTarget>, PresetError> {
    let (regencies, province) = scaled(official, stations)?;
    let count = regencies.len();
    let valid: Vec<u64> = regencies.iter().map(|r| r.votes.iter().sum()).collect();
    let invalid = split(|| "invalid votes".into(), province.invalid, &valid)?;
    let cast: Vec<u64> = valid.iter().zip(&invalid).map(|(v, i)| v + i).collect();
    let voted_dpph = split_within(
        || "DPPh voters".into(),
        province.voted_dpph,
        &cast,
        &vec![0; count],
        &cast,
    )?;
    let room: Vec<u64> = cast.iter().zip(&voted_dpph).map(|(c, p)| c - p).collect();
    let voted_dptb = split_within(
        || "DPTb voters".into(),
        province.voted_dptb,
        &cast,
        &vec![0; count],
        &room,
    )?;
    let voted_dpt: Vec<u64> = room.iter().zip(&voted_dptb).map(|(r, b)| r - b).collect();
    let threshold = u64::from(rules.max_turnout_permille.max(1));
    let mut least = Vec::with_capacity(count);
    let mut most = Vec::with_capacity(count);
    for k in 0..count {
        let other_lists = voted_dpph[k] + voted_dptb[k];
        let for_turnout = (cast[k] * 1000).div_ceil(threshold);
        least.push(voted_dpt[k].max(for_turnout.saturating_sub(other_lists)));
        most.push((regencies[k].stations * capacity).saturating_sub(other_lists));
    }
    let registered_dpt = split_within(
        || "registered DPT voters over the regencies".into(),
        province.registered_dpt,
        &voted_dpt,
        &least,
        &most,
    )?;
    let ballots_damaged = split(|| "damaged ballots".into(), province.ballots_damaged, &cast)?;
    let registered: Vec<u64> = (0..count)
        .map(|k| registered_dpt[k] + voted_dpph[k] + voted_dptb[k])
        .collect();
    let needed: Vec<u64> = cast
        .iter()
        .zip(&ballots_damaged)
        .map(|(c, d)| c + d)
        .collect();
    let ballots_received = split_within(
        || "ballots received".into(),
        province.ballots_received,
        &registered,
        &needed,
        &vec![u64::MAX; count],
    )?;
    Ok(regencies
        .into_iter()
        .enumerate()
        .map(|(k, regency)| RegencyTarget {
            code: regency.code,
            stations: regency.stations,
            votes: regency.votes,
            invalid: invalid[k],
            voted_dpt: voted_dpt[k],
            voted_dpph: voted_dpph[k],
            voted_dptb: voted_dptb[k],
            registered_dpt: registered_dpt[k],
            ballots_received: ballots_received[k],
            ballots_damaged: ballots_damaged[k],
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::official::kaltim_official;

    #[test]
    fn the_official_figures_fit_600_a_station_but_not_300() {
        let official = kaltim_official().expect("official");
        let rules = SoftRules::default();
        let targets = regency_targets(&official, official.stations(), 600, &rules).expect("fits");
        let registered: u64 = targets.iter().map(RegencyTarget::registered).sum();
        assert_eq!(registered, 2_821_202 + 6_776 + 22_317);
        for target in &targets {
            assert!(
                target.registered() <= target.stations * 600,
                "{}",
                target.code
            );
        }
        // At the general election's 300 a station, 2.85 million voters need 9,500 stations.
        let error = regency_targets(&official, official.stations(), 300, &rules);
        assert!(
            matches!(error, Err(PresetError::DoesNotFit { .. })),
            "{error:?}"
        );
    }
}
