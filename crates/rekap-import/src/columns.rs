//! The columns of a sheets CSV and how they map to the model's [`rekap_model::TallySheet`].
//!
//! A header row is required; names are exact (lowercase), order is free, and every column
//! may appear only once. One row is one station's sheet for one contest.
//!
//! | column | sheet field |
//! |---|---|
//! | `station` | station code `<village code>-<nnn>`, e.g. `6472010001-001` |
//! | `contest` | contest id, e.g. `gubernur-64` |
//! | `dpt`, `dpph`, `dptb` | `registered.dpt`, `.dpph`, `.dptb` |
//! | `voted_dpt`, `voted_dpph`, `voted_dptb` | `voted.dpt.total`, `.dpph.total`, `.dptb.total` |
//! | `voted_dpt_male`, `voted_dpt_female`, ... (optional) | `voted.<list>.male`, `.female`; an empty cell or an absent column is "not given" |
//! | `ballots_received`, `ballots_used`, `ballots_damaged`, `ballots_unused` | `ballots.*` |
//! | `votes_1`, `votes_2`, ... | `votes[0]`, `votes[1]`, ...: votes of ballot number 1, 2, ... |
//! | `votes_1_<type>`, ... | `votes_by_type`: pair 1's count for the contest's vote type `<type>` (its key), ... |
//! | `valid`, `invalid` | `valid`, `invalid` |
//!
//! A file may mix contests: it then has as many `votes_N` columns as the largest contest has
//! pairs, and a row of a contest with fewer pairs leaves the extra cells empty.

use crate::reason::RowReason;
use csv::ByteRecord;
use rekap_model::limits::MAX_PAIRS;

use crate::problem::Problems;

/// A fixed (non-votes) column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Column {
    Station,
    Contest,
    Dpt,
    Dpph,
    Dptb,
    VotedDpt,
    VotedDpph,
    VotedDptb,
    VotedDptMale,
    VotedDptFemale,
    VotedDpphMale,
    VotedDpphFemale,
    VotedDptbMale,
    VotedDptbFemale,
    BallotsReceived,
    BallotsUsed,
    BallotsDamaged,
    BallotsUnused,
    Valid,
    Invalid,
}

/// The administrative section's columns: [`ALL`] between the codes and the vote counts.
pub(crate) const ADMINISTRATIVE: &[Column] = {
    let (_, rest) = ALL.split_at(2);
    let (administrative, _) = rest.split_at(16);
    administrative
};
const ALL: [Column; 20] = [
    Column::Station,
    Column::Contest,
    Column::Dpt,
    Column::Dpph,
    Column::Dptb,
    Column::VotedDpt,
    Column::VotedDpph,
    Column::VotedDptb,
    Column::VotedDptMale,
    Column::VotedDptFemale,
    Column::VotedDpphMale,
    Column::VotedDpphFemale,
    Column::VotedDptbMale,
    Column::VotedDptbFemale,
    Column::BallotsReceived,
    Column::BallotsUsed,
    Column::BallotsDamaged,
    Column::BallotsUnused,
    Column::Valid,
    Column::Invalid,
];

/// The required columns besides `votes_N`, in the order the docs list them.
pub const COLUMNS: [&str; 14] = [
    "station",
    "contest",
    "dpt",
    "dpph",
    "dptb",
    "voted_dpt",
    "voted_dpph",
    "voted_dptb",
    "ballots_received",
    "ballots_used",
    "ballots_damaged",
    "ballots_unused",
    "valid",
    "invalid",
];

/// The optional columns (male and female voters per list).
pub const OPTIONAL_COLUMNS: [&str; 6] = [
    "voted_dpt_male",
    "voted_dpt_female",
    "voted_dpph_male",
    "voted_dpph_female",
    "voted_dptb_male",
    "voted_dptb_female",
];

/// `votes_` followed by the ballot number (1, 2, ... without leading zeros).
pub const VOTES_COLUMN_PREFIX: &str = "votes_";

impl Column {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Column::Station => "station",
            Column::Contest => "contest",
            Column::Dpt => "dpt",
            Column::Dpph => "dpph",
            Column::Dptb => "dptb",
            Column::VotedDpt => "voted_dpt",
            Column::VotedDpph => "voted_dpph",
            Column::VotedDptb => "voted_dptb",
            Column::VotedDptMale => "voted_dpt_male",
            Column::VotedDptFemale => "voted_dpt_female",
            Column::VotedDpphMale => "voted_dpph_male",
            Column::VotedDpphFemale => "voted_dpph_female",
            Column::VotedDptbMale => "voted_dptb_male",
            Column::VotedDptbFemale => "voted_dptb_female",
            Column::BallotsReceived => "ballots_received",
            Column::BallotsUsed => "ballots_used",
            Column::BallotsDamaged => "ballots_damaged",
            Column::BallotsUnused => "ballots_unused",
            Column::Valid => "valid",
            Column::Invalid => "invalid",
        }
    }

    fn required(self) -> bool {
        !OPTIONAL_COLUMNS.contains(&self.name())
    }

    /// A column of the administrative section (voter lists, voters, ballots): a file may
    /// leave the whole section out (votes-only sheets, as most published results are).
    pub(crate) fn administrative(self) -> bool {
        !matches!(
            self,
            Column::Station | Column::Contest | Column::Valid | Column::Invalid
        )
    }
}

/// Where each column is in the file.
#[derive(Debug, Clone)]
pub(crate) struct Columns {
    fixed: [Option<usize>; ALL.len()],
    /// Position of `votes_N` at index N - 1.
    votes: [Option<usize>; MAX_PAIRS],
    /// `votes_N_<type key>` columns: (N, the type key, position), in header order.
    typed: Vec<(usize, Box<[u8]>, usize)>,
    /// Fields in the header.
    pub(crate) width: usize,
    /// Every required column is present.
    pub(crate) complete: bool,
    /// Whether the header has the administrative section's columns (all of them, or it is
    /// reported incomplete); without them every row is a votes-only sheet.
    pub(crate) administrative: bool,
}

/// The UTF-8 byte order mark some spreadsheets write before the first header name.
const BYTE_ORDER_MARK: &[u8] = b"\xEF\xBB\xBF";

fn votes_number(name: &[u8]) -> Option<usize> {
    let digits = name.strip_prefix(VOTES_COLUMN_PREFIX.as_bytes())?;
    if digits.is_empty() || digits.len() > 2 || digits.first() == Some(&b'0') {
        return None;
    }
    let text = std::str::from_utf8(digits).ok()?;
    let number: usize = text.parse().ok()?;
    (1..=MAX_PAIRS).contains(&number).then_some(number)
}

/// `votes_N_<key>`: pair N's count for the vote type `key` (lowercase letters, digits, `_`).
fn typed_votes(name: &[u8]) -> Option<(usize, &[u8])> {
    let rest = name.strip_prefix(VOTES_COLUMN_PREFIX.as_bytes())?;
    let split = rest.iter().position(|&b| b == b'_')?;
    let (digits, key) = (rest.get(..split)?, rest.get(split + 1..)?);
    let number = votes_number(&[VOTES_COLUMN_PREFIX.as_bytes(), digits].concat())?;
    let well_formed = !key.is_empty()
        && key
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_');
    well_formed.then_some((number, key))
}

impl Columns {
    /// Reads the header row (file line 1); every problem with it is reported on line 1.
    pub(crate) fn from_header(header: &ByteRecord, problems: &mut Problems) -> Columns {
        let mut columns = Columns {
            fixed: [None; ALL.len()],
            votes: [None; MAX_PAIRS],
            typed: Vec::new(),
            width: header.len(),
            complete: true,
            administrative: false,
        };
        for (position, raw) in header.iter().enumerate() {
            let name = if position == 0 {
                raw.strip_prefix(BYTE_ORDER_MARK).unwrap_or(raw)
            } else {
                raw
            };
            let slot = if let Some(index) = ALL.iter().position(|c| c.name().as_bytes() == name) {
                columns.fixed.get_mut(index)
            } else if let Some(number) = votes_number(name) {
                columns.votes.get_mut(number - 1)
            } else if let Some((number, key)) = typed_votes(name) {
                if columns.typed_position(number, key).is_some() {
                    problems.push(1, Some(&String::from_utf8_lossy(name)), || {
                        RowReason::DuplicateColumn { name: shown(name) }
                    });
                } else {
                    columns.typed.push((number, key.into(), position));
                }
                continue;
            } else {
                problems.push(1, Some(&String::from_utf8_lossy(name)), || {
                    RowReason::UnknownColumn {
                        name: shown(name),
                        position: position as u64 + 1,
                    }
                });
                continue;
            };
            if let Some(slot) = slot {
                if slot.is_some() {
                    problems.push(1, Some(&String::from_utf8_lossy(name)), || {
                        RowReason::DuplicateColumn { name: shown(name) }
                    });
                } else {
                    *slot = Some(position);
                }
            }
        }
        // The administrative columns come all (the optional male/female ones aside) or none.
        let has_administration = ALL.iter().enumerate().any(|(index, c)| {
            c.administrative() && columns.fixed.get(index).copied().flatten().is_some()
        });
        columns.administrative = has_administration;
        for (index, column) in ALL.iter().enumerate() {
            let needed = column.required() && (has_administration || !column.administrative());
            if needed && columns.fixed.get(index).copied().flatten().is_none() {
                columns.complete = false;
                problems.push(1, Some(column.name()), || RowReason::MissingColumn {
                    name: column.name().to_owned(),
                });
            }
        }
        columns
    }

    /// The position of a fixed column, if the header has it.
    pub(crate) fn position(&self, column: Column) -> Option<usize> {
        // `ALL` lists the columns in declaration order, so a column's discriminant is its index.
        self.fixed.get(column as usize).copied().flatten()
    }

    /// The position of `votes_N_<key>` (N from 1), if the header has it.
    pub(crate) fn typed_position(&self, number: usize, key: &[u8]) -> Option<usize> {
        self.typed
            .iter()
            .find(|(n, k, _)| *n == number && **k == *key)
            .map(|(_, _, position)| *position)
    }

    /// Every `votes_N_<key>` column: (N, key, position).
    pub(crate) fn typed_columns(&self) -> &[(usize, Box<[u8]>, usize)] {
        &self.typed
    }

    /// The position of `votes_N` (N from 1), if the header has it.
    pub(crate) fn votes_position(&self, number: usize) -> Option<usize> {
        self.votes.get(number.checked_sub(1)?).copied().flatten()
    }
}

/// A cell's text for a message: lossy UTF-8, at most 40 characters.
pub(crate) fn shown(cell: &[u8]) -> String {
    let text = String::from_utf8_lossy(cell);
    if text.chars().count() > 40 {
        let mut short: String = text.chars().take(40).collect();
        short.push('…');
        short
    } else {
        text.into_owned()
    }
}
