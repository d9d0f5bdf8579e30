//! The election definition: its canonical form (hashed, carried by the genesis payload), the
//! validated runtime form [`Election`], and the Indonesian preset.

use bincode::{Decode, Encode};

use crate::encoding::{domain_hash, hash_of, DEFINITION_DOMAIN};
use crate::error::Refusal;
use crate::error::{DecodeError, DefinitionError};
use crate::event::{decode_payload, Payload};
use crate::keys::{check_key, check_keys, UnusableKey};
use crate::limits::*;
use crate::numbers::StationNumbers;
use crate::regions::{
    format_station_code, split_station_code, Place, RegionIdx, RegionRecord, RegionTree, StationId,
};
use crate::stations::{alternative_spelling, ListedStation};

mod lookups;

/// Version of the canonical definition layout.
/// Format 6: a sheet's invalid count is an `Option` (absent where the source gives none);
/// the sheet payload's layout follows the genesis's version.
pub const DEFINITION_FORMAT_VERSION: u32 = 6;

/// One level of the region tree, top to leaf. The last level is always the polling station.
#[derive(Debug, Clone, PartialEq, Eq, Encode)]
pub struct Level {
    /// Stable key, e.g. `province`.
    pub key: String,
    /// Display name in English, e.g. `Province`.
    pub name_en: String,
    /// Display name in Bahasa Indonesia, e.g. `Provinsi`.
    pub name_id: String,
    /// Whether regions of this level hold plenary approvals.
    pub holds_plenary: bool,
}

/// One region (not a station) in canonical form.
#[derive(Debug, Clone, PartialEq, Eq, Encode)]
pub struct RegionEntry {
    pub code: String,
    /// Parent's code; `None` exactly for regions of the top level.
    pub parent: Option<String>,
    /// Index into [`ElectionDefinition::levels`].
    pub level: u32,
    pub name: String,
    /// The numbers of its counted polling stations (`<code>-<nnn>` for each); given only for
    /// regions of the level just above the station level (villages in Indonesia) that do not
    /// list their stations. See [`crate::numbers`] and [`crate::regions`].
    pub stations: StationNumbers,
}

/// One candidate pair (paslon) with its ballot number (nomor urut).
#[derive(Debug, Clone, PartialEq, Eq, Encode)]
pub struct CandidatePair {
    /// Ballot number; the pairs of a contest are numbered 1..=n without gaps.
    pub number: u32,
    pub name: String,
}

/// One contest: what a station's sheet counts votes for.
#[derive(Debug, Clone, PartialEq, Eq, Encode)]
pub struct Contest {
    pub id: String,
    pub name: String,
    /// Region whose voters vote in this contest; its level is the contest's final level.
    pub scope: String,
    /// The places under `scope` (region or station codes, sorted, none under another) whose
    /// stations alone take part; empty: every station under `scope` does. A district that
    /// cuts across counties lists its counties, or its precincts.
    pub parts: Vec<String>,
    /// Sorted by ballot number, 1..=n.
    pub pairs: Vec<CandidatePair>,
    /// The ways of voting counted apart (election day, advance, absentee, ...), in the
    /// order a sheet gives them; empty: one count per pair.
    pub vote_types: Vec<VoteType>,
}

/// One way of voting a contest counts apart from the others.
#[derive(Debug, Clone, PartialEq, Eq, Encode)]
pub struct VoteType {
    /// Stable key, e.g. `election_day`: lowercase ASCII letters, digits and `_`.
    pub key: String,
    /// Display name, e.g. `Election day`.
    pub name: String,
}

/// Role of an officer.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Encode)]
pub enum Role {
    /// Enters tally sheets (Model C.Hasil) of stations in scope.
    Operator,
    /// A member of a committee: corrects sheets, voids stations, resolves objections,
    /// approves plenaries of its scope region.
    Official,
    /// A witness (saksi) of candidate pair `pair` in contest `contest`.
    Witness { contest: String, pair: u32 },
    /// Reads; may do nothing in the log.
    Auditor,
}

/// An officer listed in the definition, registered at genesis.
#[derive(Debug, Clone, PartialEq, Eq, Encode)]
pub struct InitialOfficer {
    pub key: [u8; 32],
    pub role: Role,
    /// Region code of the officer's scope.
    pub scope: String,
}

/// Thresholds of the soft rules (flags, not refusals), all integer, per mille where a share.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SoftRules {
    /// Flag when voters who voted * 1000 > registered * this.
    pub max_turnout_permille: u32,
    /// Flag "one pair has every valid vote" only when valid votes are at least this.
    pub one_pair_min_valid: u32,
    /// Flag when invalid * 1000 > (valid + invalid) * this.
    pub max_invalid_permille: u32,
    /// Flag when at least this many current sheets of a contest carry the same numbers.
    pub same_sheet_min_stations: u32,
    /// ... counting only sheets with at least this many valid votes.
    pub same_sheet_min_valid: u32,
    /// Compare a sheet with its village's other sheets only when there are at least this many.
    pub neighbour_min_sheets: u32,
    /// Flag when a pair's share differs from the neighbours' by more than this (per mille).
    pub neighbour_max_deviation_permille: u32,
}

impl Default for SoftRules {
    fn default() -> Self {
        SoftRules {
            max_turnout_permille: 950,
            one_pair_min_valid: 20,
            max_invalid_permille: 100,
            same_sheet_min_stations: 3,
            same_sheet_min_valid: 10,
            neighbour_min_sheets: 3,
            neighbour_max_deviation_permille: 400,
        }
    }
}

/// The canonical election definition: the genesis payload. Regions sorted by code,
/// contests by id, initial officers by key; [`Election::new`] refuses any other order.
#[derive(Debug, Clone, PartialEq, Eq, Encode)]
pub struct ElectionDefinition {
    pub format_version: u32,
    pub name: String,
    /// Top to leaf; the last is the polling station level.
    pub levels: Vec<Level>,
    pub regions: Vec<RegionEntry>,
    /// Stations listed explicitly, sorted by code (see [`crate::stations`]); holders with
    /// counted stations have none here.
    pub stations: Vec<ListedStation>,
    pub contests: Vec<Contest>,
    /// Most registered voters (all lists) at one station (600 for the 2024 regional
    /// elections, 300 for the general election).
    pub station_capacity: u32,
    pub soft_rules: SoftRules,
    /// The key that alone registers and revokes officers, and signs the genesis.
    pub registrar: [u8; 32],
    pub initial_officers: Vec<InitialOfficer>,
}

impl ElectionDefinition {
    /// `blake3("rekap/v1/definition" || bincode(self))`: bound into every later payload.
    pub fn hash(&self) -> [u8; 32] {
        hash_of(DEFINITION_DOMAIN, self)
    }
}

/// The Indonesian levels: province/Provinsi, regency/Kabupaten/Kota, district/Kecamatan,
/// village/Kelurahan/Desa, station/TPS; plenaries at district, regency and province.
pub fn indonesia_levels() -> Vec<Level> {
    let level = |key: &str, en: &str, id: &str, plenary: bool| Level {
        key: key.to_string(),
        name_en: en.to_string(),
        name_id: id.to_string(),
        holds_plenary: plenary,
    };
    vec![
        level("province", "Province", "Provinsi", true),
        level("regency", "Regency/City", "Kabupaten/Kota", true),
        level("district", "District", "Kecamatan", true),
        level("village", "Village", "Kelurahan/Desa", false),
        level("station", "Polling station", "TPS", false),
    ]
}

/// Index of a contest in [`ElectionDefinition::contests`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Encode, Decode)]
pub struct ContestIdx(pub u32);

/// The parts of a definition an [`Election`] reads: the owned [`ElectionDefinition`], or
/// [`crate::borrowed_definition::DefinitionInPlace`] (its regions read in place).
pub trait DefinitionParts {
    type Region: RegionRecord;
    fn format_version(&self) -> u32;
    fn name(&self) -> &str;
    fn levels(&self) -> &[Level];
    /// Sorted by code.
    fn regions(&self) -> &[Self::Region];
    fn stations(&self) -> &[ListedStation];
    fn contests(&self) -> &[Contest];
    fn station_capacity(&self) -> u32;
    fn soft_rules(&self) -> &SoftRules;
    fn registrar(&self) -> [u8; 32];
}

impl DefinitionParts for ElectionDefinition {
    type Region = RegionEntry;
    fn format_version(&self) -> u32 {
        self.format_version
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn levels(&self) -> &[Level] {
        &self.levels
    }
    fn regions(&self) -> &[RegionEntry] {
        &self.regions
    }
    fn stations(&self) -> &[ListedStation] {
        &self.stations
    }
    fn contests(&self) -> &[Contest] {
        &self.contests
    }
    fn station_capacity(&self) -> u32 {
        self.station_capacity
    }
    fn soft_rules(&self) -> &SoftRules {
        &self.soft_rules
    }
    fn registrar(&self) -> [u8; 32] {
        self.registrar
    }
}

/// Why a genesis payload gave no election ([`Election::without_officers_from_genesis`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GenesisReadError {
    #[error("the genesis does not decode: {0}")]
    Decode(#[from] DecodeError),
    #[error("the payload is not a genesis")]
    NotAGenesis,
    #[error("the genesis' definition is not valid: {0}")]
    Definition(#[from] DefinitionError),
}

/// A validated definition with its region tree and hash. Built once at genesis.
///
/// `D` is the definition it reads: the owned [`ElectionDefinition`] (every command), or
/// [`crate::borrowed_definition::DefinitionInPlace`], its regions read in place from the
/// genesis payload's bytes (the fast rollup), validated by the same code.
#[derive(Debug, Clone)]
pub struct Election<D = ElectionDefinition> {
    definition: D,
    hash: [u8; 32],
    tree: RegionTree,
    contest_scopes: Vec<RegionIdx>,
    /// Per contest, the stations that take part when the contest lists `parts`.
    contest_members: Vec<Option<ContestMembers>>,
    lowest_plenary_level: u32,
}

/// The stations of a contest with `parts`: a running count over the stations under the
/// contest's scope, so that "does this station take part" and "does this region hold a
/// station that takes part" are each two reads (stations under a region are contiguous).
#[derive(Debug, Clone)]
struct ContestMembers {
    /// The first station under the scope.
    base: u32,
    /// `before[i]`: how many of the scope's first `i` stations take part.
    before: Vec<u32>,
}

impl ContestMembers {
    fn count(&self, stations: std::ops::Range<u32>) -> u32 {
        let at = |station: u32| {
            let index = station.saturating_sub(self.base) as usize;
            let last = self.before.last().copied().unwrap_or(0);
            self.before.get(index).copied().unwrap_or(last)
        };
        at(stations.end).saturating_sub(at(stations.start))
    }
}

pub(crate) fn check_text(
    field: &'static str,
    value: &str,
    max: usize,
) -> Result<(), DefinitionError> {
    if value.is_empty() {
        return Err(DefinitionError::Empty { field });
    }
    if value.len() > max {
        return Err(DefinitionError::TooLong {
            field,
            bytes: value.len() as u64,
            limit: max as u64,
        });
    }
    Ok(())
}

fn check_count(field: &'static str, count: usize, max: usize) -> Result<(), DefinitionError> {
    if count > max {
        return Err(DefinitionError::TooMany {
            field,
            count: count as u64,
            limit: max as u64,
        });
    }
    Ok(())
}

/// A contest's vote types: at most [`MAX_VOTE_TYPES`], keys well formed and unique, names
/// given.
fn check_vote_types(contest: &Contest) -> Result<(), DefinitionError> {
    check_count("vote types", contest.vote_types.len(), MAX_VOTE_TYPES)?;
    for (i, vote_type) in contest.vote_types.iter().enumerate() {
        check_text("vote type key", &vote_type.key, MAX_LEVEL_KEY_BYTES)?;
        let well_formed = vote_type
            .key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !well_formed
            || contest.vote_types[..i]
                .iter()
                .any(|t| t.key == vote_type.key)
        {
            return Err(DefinitionError::BadVoteType {
                contest: contest.id.clone(),
                key: vote_type.key.clone(),
            });
        }
        check_text("vote type name", &vote_type.name, MAX_NAME_BYTES)?;
    }
    Ok(())
}

/// Whether `id` is a well-formed contest id: ASCII letters, digits, `-`, `_`, `.`.
pub fn is_valid_contest_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_CONTEST_ID_BYTES
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
}

impl Election {
    /// Validates a canonical definition and builds its region tree.
    pub fn new(definition: ElectionDefinition) -> Result<Election, DefinitionError> {
        let hash = definition.hash();
        let election = Election::build(definition, hash)?;
        election.check_initial_officers()?;
        Ok(election)
    }

    /// The places and contests of a definition without its officers, for reading totals:
    /// validated as [`Election::new`] validates it except the initial officers, which are
    /// dropped unread, so that no officer can ever be decided with a key this did not
    /// check. Their key checks are most of [`Election::new`]'s time at national scale
    /// (7,831 curve points, about 85 ms), and a rollup decides no officer. The hash is
    /// the whole definition's, officers included, as the log names it.
    pub fn without_officers(
        mut definition: ElectionDefinition,
    ) -> Result<Election, DefinitionError> {
        let hash = definition.hash();
        definition.initial_officers = Vec::new();
        Election::build(definition, hash)
    }

    /// [`Election::without_officers`] of a genesis payload's bytes, its hash taken over the
    /// definition's bytes in place: the encoding is canonical (decoded bytes are exactly
    /// the encoding of what they decode to), so these are the bytes the definition hash
    /// covers, and the 5 MB of a national definition are not encoded again.
    pub fn without_officers_from_genesis(bytes: &[u8]) -> Result<Election, GenesisReadError> {
        let Payload::Genesis(genesis) = decode_payload(bytes)? else {
            return Err(GenesisReadError::NotAGenesis);
        };
        // Variant word, definition, then the log's origin (u64 length, bytes) and key.
        let log_bytes = 8 + genesis.log.origin.len() + 32;
        let definition_bytes = bytes
            .len()
            .checked_sub(4 + log_bytes)
            .and_then(|length| bytes.get(4..4 + length))
            .ok_or(GenesisReadError::NotAGenesis)?;
        let hash = domain_hash(DEFINITION_DOMAIN, definition_bytes);
        let mut definition = genesis.definition;
        definition.initial_officers = Vec::new();
        Ok(Election::build(definition, hash)?)
    }

    /// The initial officers: sorted by key, unique, each registration allowed.
    fn check_initial_officers(&self) -> Result<(), DefinitionError> {
        let officers = &self.definition.initial_officers;
        check_count("initial officers", officers.len(), MAX_INITIAL_OFFICERS)?;
        // The curve checks first, on threads; the refusals still come in the order of the
        // loop below, which takes each key's answer where it checks the key.
        let keys: Vec<[u8; 32]> = officers.iter().map(|officer| officer.key).collect();
        let key_checks = check_keys(&keys);
        for (i, (officer, key_check)) in officers.iter().zip(key_checks).enumerate() {
            if i > 0 && officers[i - 1].key >= officer.key {
                return Err(DefinitionError::NotCanonical {
                    what: "initial officers (sorted by key, unique)",
                    at: hex::encode(officer.key),
                });
            }
            self.check_registration_with(&officer.key, &officer.role, &officer.scope, key_check)
                .map_err(|refusal| DefinitionError::BadOfficer {
                    key: hex::encode(officer.key),
                    reason: Box::new(refusal),
                })?;
        }
        Ok(())
    }

    pub fn definition(&self) -> &ElectionDefinition {
        &self.definition
    }
}

impl<D: DefinitionParts> Election<D> {
    /// Everything of [`Election::new`] but the initial officers.
    pub(crate) fn build(definition: D, hash: [u8; 32]) -> Result<Election<D>, DefinitionError> {
        let d = &definition;
        let (levels, regions, contests) = (d.levels(), d.regions(), d.contests());
        if d.format_version() != DEFINITION_FORMAT_VERSION {
            return Err(DefinitionError::UnsupportedFormat {
                version: d.format_version(),
            });
        }
        check_text("election name", d.name(), MAX_NAME_BYTES)?;
        // Levels.
        if levels.len() < MIN_LEVELS {
            return Err(DefinitionError::TooFewLevels {
                count: levels.len() as u64,
                least: MIN_LEVELS as u64,
            });
        }
        check_count("levels", levels.len(), MAX_LEVELS)?;
        for (i, level) in levels.iter().enumerate() {
            check_text("level key", &level.key, MAX_LEVEL_KEY_BYTES)?;
            if !level
                .key
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            {
                return Err(DefinitionError::BadLevelKey {
                    key: level.key.clone(),
                });
            }
            check_text("level name (en)", &level.name_en, MAX_NAME_BYTES)?;
            check_text("level name (id)", &level.name_id, MAX_NAME_BYTES)?;
            if levels[..i].iter().any(|l| l.key == level.key) {
                return Err(DefinitionError::DuplicateLevel {
                    key: level.key.clone(),
                });
            }
        }
        if levels.last().is_some_and(|l| l.holds_plenary) {
            return Err(DefinitionError::PlenaryAtStationLevel);
        }
        // Lowest (deepest) plenary level.
        let lowest_plenary_level = levels
            .iter()
            .rposition(|l| l.holds_plenary)
            .ok_or(DefinitionError::NoPlenaryLevel)? as u32;
        if d.station_capacity() == 0 || d.station_capacity() > MAX_STATION_CAPACITY {
            return Err(DefinitionError::BadCapacity {
                capacity: d.station_capacity(),
                limit: MAX_STATION_CAPACITY,
            });
        }
        match check_key(&d.registrar()) {
            Ok(()) => {}
            Err(UnusableKey::NotAPoint) => {
                return Err(DefinitionError::BadKey {
                    what: "registrar",
                    key: hex::encode(d.registrar()),
                })
            }
            Err(UnusableKey::Weak) => {
                return Err(DefinitionError::WeakKey {
                    what: "registrar",
                    key: hex::encode(d.registrar()),
                })
            }
        }
        let tree = RegionTree::build(levels, regions, d.stations())?;
        // Contests.
        check_count("contests", contests.len(), MAX_CONTESTS)?;
        let mut contest_scopes = Vec::with_capacity(contests.len());
        for (i, contest) in contests.iter().enumerate() {
            if !is_valid_contest_id(&contest.id) {
                return Err(DefinitionError::BadContestId {
                    id: contest.id.clone(),
                });
            }
            if i > 0 && contests[i - 1].id >= contest.id {
                return Err(DefinitionError::NotCanonical {
                    what: "contests (sorted by id, unique)",
                    at: contest.id.clone(),
                });
            }
            check_text("contest name", &contest.name, MAX_NAME_BYTES)?;
            let scope = tree.lookup(regions, &contest.scope).ok_or_else(|| {
                DefinitionError::UnknownRegion {
                    what: "contest scope",
                    code: contest.scope.clone(),
                }
            })?;
            if contest.pairs.is_empty() {
                return Err(DefinitionError::NoPairs {
                    contest: contest.id.clone(),
                });
            }
            check_count("candidate pairs", contest.pairs.len(), MAX_PAIRS)?;
            for (n, pair) in contest.pairs.iter().enumerate() {
                if pair.number as usize != n + 1 {
                    return Err(DefinitionError::PairNumbering {
                        contest: contest.id.clone(),
                        expected: n as u32 + 1,
                        found: pair.number,
                    });
                }
                check_text("pair name", &pair.name, MAX_NAME_BYTES)?;
            }
            check_vote_types(contest)?;
            contest_scopes.push(scope);
        }
        let mut election = Election {
            hash,
            tree,
            contest_scopes,
            contest_members: Vec::new(),
            lowest_plenary_level,
            definition,
        };
        election.check_station_spellings()?;
        election.contest_members = (0..election.definition.contests().len())
            .map(|c| election.members_of(ContestIdx(c as u32)))
            .collect::<Result<_, _>>()?;
        Ok(election)
    }

    /// A listed station's other spelling must not name another station, so every spelling
    /// a user may type finds exactly one.
    fn check_station_spellings(&self) -> Result<(), DefinitionError> {
        for (entry, station) in self.definition.stations().iter().enumerate() {
            let Some(other) = alternative_spelling(&station.code) else {
                continue;
            };
            let found = self.find_station_as_spelled(&other);
            if found.is_some() && found != self.tree.listed_id(entry) {
                return Err(DefinitionError::StationSpelledTwice {
                    code: station.code.clone(),
                    other,
                });
            }
        }
        Ok(())
    }

    /// Whether the definition lists stations (else every station is counted).
    pub fn lists_stations(&self) -> bool {
        !self.definition.stations().is_empty()
    }
    /// The definition hash every later payload must carry.
    pub fn hash(&self) -> [u8; 32] {
        self.hash
    }
    pub fn tree(&self) -> &RegionTree {
        &self.tree
    }
    pub fn levels(&self) -> &[Level] {
        self.definition.levels()
    }
    /// Index of the polling-station level (the last).
    pub fn station_level(&self) -> u32 {
        self.definition.levels().len().saturating_sub(1) as u32
    }
    /// Index of the deepest level that holds plenaries (district in Indonesia): officials
    /// correct sheets and void stations only with a scope at this level or above.
    pub fn lowest_plenary_level(&self) -> u32 {
        self.lowest_plenary_level
    }
    pub fn level(&self, index: u32) -> Option<&Level> {
        self.definition.levels().get(index as usize)
    }
    pub fn contests(&self) -> &[Contest] {
        self.definition.contests()
    }
    pub fn contest(&self, idx: ContestIdx) -> Option<&Contest> {
        self.definition.contests().get(idx.0 as usize)
    }
    /// Looks a contest up by id (binary search; contests are sorted by id).
    pub fn contest_by_id(&self, id: &str) -> Option<ContestIdx> {
        self.definition
            .contests()
            .binary_search_by(|c| c.id.as_str().cmp(id))
            .ok()
            .map(|i| ContestIdx(i as u32))
    }
    /// Region whose voters vote in the contest.
    pub fn contest_scope(&self, idx: ContestIdx) -> Option<RegionIdx> {
        self.contest_scopes.get(idx.0 as usize).copied()
    }
    pub fn registrar(&self) -> [u8; 32] {
        self.definition.registrar()
    }
    pub fn station_capacity(&self) -> u32 {
        self.definition.station_capacity()
    }
    pub fn soft_rules(&self) -> &SoftRules {
        self.definition.soft_rules()
    }
}
