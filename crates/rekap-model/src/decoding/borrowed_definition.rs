//! A genesis payload's definition read in place: the regions' codes, parents, names and
//! station numbers borrowed from the payload's bytes (one allocation for all regions, none
//! per region), the few levels, listed stations and contests decoded owned, the initial
//! officers read and checked but not kept. [`crate::Election::in_place_from_genesis`]
//! validates it with the code that validates the owned definition.
//!
//! It reads the bytes the owned decoder ([`crate::decode_payload`]) reads, with the same
//! limit per field, and accepts exactly the genesis payloads it accepts (a property test
//! holds the two equal, damaged and random bytes included). It never says why bytes are
//! refused: a caller that wants the reason asks the owned decoder.

use super::borrowed::{Cursor, Malformed};
use crate::definition::{
    CandidatePair, Contest, DefinitionParts, Election, GenesisReadError, Level, SoftRules,
    VoteType, DEFINITION_FORMAT_VERSION,
};
use crate::encoding::{domain_hash, DEFINITION_DOMAIN};
use crate::genesis::MAX_ORIGIN_BYTES;
use crate::limits::*;
use crate::numbers::Ranges;
use crate::regions::RegionRecord;
use crate::stations::ListedStation;

/// The fewest bytes a region takes in a payload (empty code and name, no parent, no
/// numbers): a list's room is reserved for no more regions than the bytes can hold.
pub(super) const LEAST_REGION_BYTES: usize = 8 + 1 + 4 + 8 + 8;

/// A region read in place (see [`crate::RegionEntry`] for the fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegionInPlace<'a> {
    pub code: &'a str,
    pub parent: Option<&'a str>,
    pub level: u32,
    pub name: &'a str,
    /// The ranges' bytes, 4 per range.
    ranges: &'a [u8],
}

impl RegionRecord for RegionInPlace<'_> {
    fn code(&self) -> &str {
        self.code
    }
    fn parent(&self) -> Option<&str> {
        self.parent
    }
    fn level(&self) -> u32 {
        self.level
    }
    fn name(&self) -> &str {
        self.name
    }
    #[inline]
    fn stations(&self) -> Ranges<'_> {
        Ranges::InPlace(self.ranges)
    }
}

/// A definition whose regions are read in place (see [`crate::ElectionDefinition`]), its
/// initial officers left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefinitionInPlace<'a> {
    format_version: u32,
    name: &'a str,
    levels: Vec<Level>,
    regions: Vec<RegionInPlace<'a>>,
    stations: Vec<ListedStation>,
    contests: Vec<Contest>,
    station_capacity: u32,
    soft_rules: SoftRules,
    registrar: [u8; 32],
}

impl<'a> DefinitionParts for DefinitionInPlace<'a> {
    type Region = RegionInPlace<'a>;
    fn format_version(&self) -> u32 {
        self.format_version
    }
    fn name(&self) -> &str {
        self.name
    }
    fn levels(&self) -> &[Level] {
        &self.levels
    }
    fn regions(&self) -> &[RegionInPlace<'a>] {
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

impl<'a> Election<DefinitionInPlace<'a>> {
    /// [`Election::without_officers_from_genesis`] with the definition read in place: the
    /// same validation, the same hash (over the definition's bytes), the same errors (a
    /// payload refused is named with the owned decoder's reason), no allocation per region.
    pub fn in_place_from_genesis(bytes: &'a [u8]) -> Result<Self, GenesisReadError> {
        let (definition, definition_bytes) =
            read_genesis(bytes).map_err(|Malformed| match crate::decode_payload(bytes) {
                Err(error) => GenesisReadError::Decode(error),
                Ok(_) => GenesisReadError::NotAGenesis,
            })?;
        let hash = domain_hash(DEFINITION_DOMAIN, definition_bytes);
        Ok(Election::build(definition, hash)?)
    }
}

/// A genesis payload's definition read in place, and the definition's bytes (which the
/// definition hash covers). `Err` exactly where [`crate::decode_payload`] refuses the
/// bytes or gives no genesis.
pub fn read_genesis(bytes: &[u8]) -> Result<(DefinitionInPlace<'_>, &[u8]), Malformed> {
    if bytes.len() > MAX_CANONICAL_BYTES {
        return Err(Malformed);
    }
    let mut cursor = Cursor { rest: bytes };
    if cursor.u32()? != 0 {
        return Err(Malformed);
    }
    let start = cursor.rest;
    let definition = definition(&mut cursor)?;
    let definition_bytes = start
        .get(..start.len() - cursor.rest.len())
        .ok_or(Malformed)?;
    // The log's identity: its origin and key.
    cursor.text(MAX_ORIGIN_BYTES)?;
    cursor.take(32)?;
    match cursor.rest.is_empty() {
        true => Ok((definition, definition_bytes)),
        false => Err(Malformed),
    }
}

fn definition<'a>(cursor: &mut Cursor<'a>) -> Result<DefinitionInPlace<'a>, Malformed> {
    let format_version = cursor.u32()?;
    // The owned decoder refuses another version before reading on.
    if format_version != DEFINITION_FORMAT_VERSION {
        return Err(Malformed);
    }
    let name = cursor.text(MAX_NAME_BYTES)?;
    let levels = list(cursor, MAX_LEVELS, 1, level)?;
    let regions = list(cursor, MAX_REGIONS, LEAST_REGION_BYTES, region)?;
    let stations = list(cursor, MAX_LISTED_STATIONS, 24, listed_station)?;
    let contests = list(cursor, MAX_CONTESTS, 1, contest)?;
    let station_capacity = cursor.u32()?;
    let soft_rules = soft_rules(cursor)?;
    let registrar = key(cursor)?;
    for _ in 0..cursor.length(MAX_INITIAL_OFFICERS)? {
        initial_officer(cursor)?;
    }
    Ok(DefinitionInPlace {
        format_version,
        name,
        levels,
        regions,
        stations,
        contests,
        station_capacity,
        soft_rules,
        registrar,
    })
}

/// A list of at most `limit` items, each read by `item`, room reserved for no more than
/// the bytes left can hold at `least` bytes an item.
fn list<'a, T>(
    cursor: &mut Cursor<'a>,
    limit: usize,
    least: usize,
    mut item: impl FnMut(&mut Cursor<'a>) -> Result<T, Malformed>,
) -> Result<Vec<T>, Malformed> {
    let length = cursor.length(limit)?;
    let mut items = Vec::with_capacity(length.min(cursor.rest.len() / least));
    for _ in 0..length {
        items.push(item(cursor)?);
    }
    Ok(items)
}

fn owned(cursor: &mut Cursor<'_>, limit: usize) -> Result<String, Malformed> {
    cursor.text(limit).map(str::to_owned)
}

fn key(cursor: &mut Cursor<'_>) -> Result<[u8; 32], Malformed> {
    cursor.take(32)?.try_into().map_err(|_| Malformed)
}

/// A `bool`: 0 or 1.
fn flag(cursor: &mut Cursor<'_>) -> Result<bool, Malformed> {
    cursor.tag()
}

fn level(cursor: &mut Cursor<'_>) -> Result<Level, Malformed> {
    Ok(Level {
        key: owned(cursor, MAX_LEVEL_KEY_BYTES)?,
        name_en: owned(cursor, MAX_NAME_BYTES)?,
        name_id: owned(cursor, MAX_NAME_BYTES)?,
        holds_plenary: flag(cursor)?,
    })
}

#[inline]
fn region<'a>(cursor: &mut Cursor<'a>) -> Result<RegionInPlace<'a>, Malformed> {
    let code = cursor.text(MAX_REGION_CODE_BYTES)?;
    let parent = match cursor.tag()? {
        true => Some(cursor.text(MAX_REGION_CODE_BYTES)?),
        false => None,
    };
    let level = cursor.u32()?;
    let name = cursor.text(MAX_NAME_BYTES)?;
    let ranges = cursor.length(MAX_STATION_RANGES_PER_REGION)?;
    let ranges = cursor.take(ranges * 4)?;
    Ok(RegionInPlace {
        code,
        parent,
        level,
        name,
        ranges,
    })
}

fn listed_station(cursor: &mut Cursor<'_>) -> Result<ListedStation, Malformed> {
    Ok(ListedStation {
        code: owned(cursor, MAX_STATION_CODE_BYTES)?,
        parent: owned(cursor, MAX_REGION_CODE_BYTES)?,
        name: owned(cursor, MAX_NAME_BYTES)?,
    })
}

fn contest(cursor: &mut Cursor<'_>) -> Result<Contest, Malformed> {
    Ok(Contest {
        id: owned(cursor, MAX_CONTEST_ID_BYTES)?,
        name: owned(cursor, MAX_NAME_BYTES)?,
        scope: owned(cursor, MAX_REGION_CODE_BYTES)?,
        parts: list(cursor, MAX_CONTEST_PARTS, 8, |cursor| {
            owned(cursor, MAX_STATION_CODE_BYTES)
        })?,
        pairs: list(cursor, MAX_PAIRS, 1, |cursor| {
            Ok(CandidatePair {
                number: cursor.u32()?,
                name: owned(cursor, MAX_NAME_BYTES)?,
            })
        })?,
        vote_types: list(cursor, MAX_VOTE_TYPES, 1, |cursor| {
            Ok(VoteType {
                key: owned(cursor, MAX_LEVEL_KEY_BYTES)?,
                name: owned(cursor, MAX_NAME_BYTES)?,
            })
        })?,
    })
}

fn soft_rules(cursor: &mut Cursor<'_>) -> Result<SoftRules, Malformed> {
    Ok(SoftRules {
        max_turnout_permille: cursor.u32()?,
        one_pair_min_valid: cursor.u32()?,
        max_invalid_permille: cursor.u32()?,
        same_sheet_min_stations: cursor.u32()?,
        same_sheet_min_valid: cursor.u32()?,
        neighbour_min_sheets: cursor.u32()?,
        neighbour_max_deviation_permille: cursor.u32()?,
    })
}

/// An initial officer, read and checked: key, role, scope.
fn initial_officer(cursor: &mut Cursor<'_>) -> Result<(), Malformed> {
    cursor.take(32)?;
    match cursor.u32()? {
        0 | 1 | 3 => {}
        2 => {
            cursor.text(MAX_CONTEST_ID_BYTES)?;
            cursor.u32()?;
        }
        _ => return Err(Malformed),
    }
    cursor.text(MAX_REGION_CODE_BYTES).map(|_| ())
}
