//! OpenElections precinct CSV: one row per precinct (or region), office and candidate, with
//! the columns `county, precinct, office, district, party, candidate, votes`.
//!
//! Out (`rekap export --format openelections`): `county` is the row's region at the county
//! level (the level keyed `county` or `regency`, else the level below the top), `precinct`
//! the station's (or region's) code, `office` the contest's name, `district` its scope
//! region's code, `party` empty (a definition names pairs, not parties), `candidate` the
//! pair's name, `votes` its votes.
//!
//! In ([`import`], `rekap import --from openelections`): [`table`] reads the rows, with the
//! vote-type columns present; [`definition`] writes a definition from them for `rekap
//! definition --from openelections`.

pub mod definition;
pub mod import;
pub mod table;

pub use definition::{write_definition, DefinitionOptions, WrittenDefinition};
pub use import::{plan_openelections, ReadCounts};
pub use table::{read_table, Table};

/// One row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultRow {
    pub county: String,
    pub precinct: String,
    pub office: String,
    pub district: String,
    pub party: String,
    pub candidate: String,
    pub votes: u64,
}

/// The columns, in order.
pub const COLUMNS: [&str; 7] = [
    "county",
    "precinct",
    "office",
    "district",
    "party",
    "candidate",
    "votes",
];

/// The rows as CSV with the header.
pub fn to_csv(rows: &[ResultRow]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(COLUMNS);
    for row in rows {
        let _ = writer.write_record([
            row.county.as_str(),
            &row.precinct,
            &row.office,
            &row.district,
            &row.party,
            &row.candidate,
            &row.votes.to_string(),
        ]);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}
