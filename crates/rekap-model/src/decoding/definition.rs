//! The genesis payload's types, decoded with a limit per field.

use super::borrowed_definition::LEAST_REGION_BYTES;
use super::{list, list_of_at_least, optional_text, text, texts, variant, variant_index};
use crate::definition::{
    CandidatePair, Contest, ElectionDefinition, InitialOfficer, Level, RegionEntry, Role,
    SoftRules, VoteType,
};
use crate::genesis::{Genesis, LogIdentity, MAX_ORIGIN_BYTES};
use crate::limits::*;
use crate::numbers::{NumberRange, StationNumbers};
use crate::stations::ListedStation;

decode_with!(ElectionDefinition, decoder => Ok(ElectionDefinition {
    format_version: u32::decode(decoder)?,
    name: text(decoder, "election name", MAX_NAME_BYTES)?,
    levels: list(decoder, "levels", MAX_LEVELS, Level::decode)?,
    regions: list_of_at_least(
        decoder,
        "regions",
        MAX_REGIONS,
        LEAST_REGION_BYTES,
        RegionEntry::decode
    )?,
    stations: list(decoder, "listed stations", MAX_LISTED_STATIONS, ListedStation::decode)?,
    contests: list(decoder, "contests", MAX_CONTESTS, Contest::decode)?,
    station_capacity: u32::decode(decoder)?,
    soft_rules: SoftRules::decode(decoder)?,
    registrar: <[u8; 32]>::decode(decoder)?,
    initial_officers: list(
        decoder,
        "initial officers",
        MAX_INITIAL_OFFICERS,
        InitialOfficer::decode,
    )?,
}));

decode_with!(Level, decoder => Ok(Level {
    key: text(decoder, "level key", MAX_LEVEL_KEY_BYTES)?,
    name_en: text(decoder, "level name (en)", MAX_NAME_BYTES)?,
    name_id: text(decoder, "level name (id)", MAX_NAME_BYTES)?,
    holds_plenary: bool::decode(decoder)?,
}));

decode_with!(RegionEntry, decoder => Ok(RegionEntry {
    code: text(decoder, "region code", MAX_REGION_CODE_BYTES)?,
    parent: optional_text(decoder, "region parent", MAX_REGION_CODE_BYTES)?,
    level: u32::decode(decoder)?,
    name: text(decoder, "region name", MAX_NAME_BYTES)?,
    stations: StationNumbers::decode(decoder)?,
}));

decode_with!(StationNumbers, decoder => list(
    decoder,
    "station number ranges",
    MAX_STATION_RANGES_PER_REGION,
    NumberRange::decode,
)
.map(StationNumbers::from_ranges));

decode_with!(ListedStation, decoder => Ok(ListedStation {
    code: text(decoder, "station code", MAX_STATION_CODE_BYTES)?,
    parent: text(decoder, "station parent", MAX_REGION_CODE_BYTES)?,
    name: text(decoder, "station name", MAX_NAME_BYTES)?,
}));

decode_with!(Contest, decoder => Ok(Contest {
    id: text(decoder, "contest id", MAX_CONTEST_ID_BYTES)?,
    name: text(decoder, "contest name", MAX_NAME_BYTES)?,
    scope: text(decoder, "contest scope", MAX_REGION_CODE_BYTES)?,
    parts: texts(decoder, "contest parts", MAX_CONTEST_PARTS, MAX_STATION_CODE_BYTES)?,
    pairs: list(decoder, "candidate pairs", MAX_PAIRS, CandidatePair::decode)?,
    vote_types: list(decoder, "vote types", MAX_VOTE_TYPES, VoteType::decode)?,
}));

decode_with!(CandidatePair, decoder => Ok(CandidatePair {
    number: u32::decode(decoder)?,
    name: text(decoder, "pair name", MAX_NAME_BYTES)?,
}));

decode_with!(VoteType, decoder => Ok(VoteType {
    key: text(decoder, "vote type key", MAX_LEVEL_KEY_BYTES)?,
    name: text(decoder, "vote type name", MAX_NAME_BYTES)?,
}));

decode_with!(Role, decoder => match variant_index(decoder)? {
    0 => Ok(Role::Operator),
    1 => Ok(Role::Official),
    2 => Ok(Role::Witness {
        contest: text(decoder, "witness contest", MAX_CONTEST_ID_BYTES)?,
        pair: u32::decode(decoder)?,
    }),
    3 => Ok(Role::Auditor),
    found => Err(variant::<Role>(found, 3)),
});

decode_with!(InitialOfficer, decoder => Ok(InitialOfficer {
    key: <[u8; 32]>::decode(decoder)?,
    role: Role::decode(decoder)?,
    scope: text(decoder, "officer scope", MAX_REGION_CODE_BYTES)?,
}));

decode_with!(LogIdentity, decoder => Ok(LogIdentity {
    origin: text(decoder, "log origin", MAX_ORIGIN_BYTES)?,
    key: <[u8; 32]>::decode(decoder)?,
}));

decode_with!(Genesis, decoder => Ok(Genesis {
    definition: ElectionDefinition::decode(decoder)?,
    log: LogIdentity::decode(decoder)?,
}));
