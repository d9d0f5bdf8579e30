//! The numbers of one data row, read into a [`TallySheet`] with every problem reported.

use crate::reason::RowReason;
use csv::ByteRecord;
use rekap_model::limits::MAX_PAIRS;
use rekap_model::{Ballots, TallySheet, Turnout, VotedLists, VoterLists};

use crate::columns::{Column, Columns, VOTES_COLUMN_PREFIX};
use crate::number::{parse_count, trimmed};
use crate::problem::Problems;

/// The contest a row is for, as far as the numbers need it.
pub(crate) struct ContestShape<'a> {
    pub(crate) id: &'a str,
    pub(crate) pairs: usize,
    /// The keys of the contest's vote types (none: one count per pair).
    pub(crate) vote_types: Vec<&'a str>,
}

/// The cells of one row.
pub(crate) struct Cells<'a> {
    pub(crate) columns: &'a Columns,
    pub(crate) record: &'a ByteRecord,
    pub(crate) line: u64,
}

impl<'a> Cells<'a> {
    /// The cell of a fixed column, trimmed (empty if the header lacks the column).
    pub(crate) fn text(&self, column: Column) -> &'a [u8] {
        self.columns
            .position(column)
            .and_then(|position| self.record.get(position))
            .map(trimmed)
            .unwrap_or(&[])
    }
}

struct Reader<'a, 'p> {
    cells: &'a Cells<'a>,
    problems: &'p mut Problems,
    complete: bool,
}

impl Reader<'_, '_> {
    fn count_at(&mut self, position: usize, field: &str) -> u32 {
        let cell = self.cells.record.get(position).unwrap_or(&[]);
        match parse_count(cell) {
            Ok(value) => value,
            Err(error) => {
                self.complete = false;
                self.problems
                    .push(self.cells.line, Some(field), || error.reason(cell));
                0
            }
        }
    }

    /// A required column: a missing column was reported on the header line already.
    fn required(&mut self, column: Column) -> u32 {
        match self.cells.columns.position(column) {
            Some(position) => self.count_at(position, column.name()),
            None => {
                self.complete = false;
                0
            }
        }
    }

    /// An optional column: absent or empty means not given.
    fn optional(&mut self, column: Column) -> Option<u32> {
        let position = self.cells.columns.position(column)?;
        let cell = self.cells.record.get(position).unwrap_or(&[]);
        if trimmed(cell).is_empty() {
            return None;
        }
        Some(self.count_at(position, column.name()))
    }

    fn turnout(&mut self, total: Column, male: Column, female: Column) -> Turnout {
        Turnout {
            male: self.optional(male),
            female: self.optional(female),
            total: self.required(total),
        }
    }

    /// For a contest with vote types: every pair's `votes_N_<type>` cells (each required),
    /// and the pairs' votes: `votes_N` where given, else the sum of the pair's counts (the
    /// hard rules check the two agree). Without vote types, no such cell may be filled.
    fn typed_votes(&mut self, contest: Option<&ContestShape<'_>>, votes: &mut [u32]) -> Vec<u32> {
        let columns = self.cells.columns;
        let types = contest.map_or(&[][..], |c| &c.vote_types[..]);
        for (number, key, position) in columns.typed_columns() {
            let known = contest.is_some_and(|c| *number <= c.pairs)
                && types.iter().any(|t| t.as_bytes() == &**key);
            let cell = self.cells.record.get(*position).unwrap_or(&[]);
            if !known && !trimmed(cell).is_empty() {
                self.complete = false;
                let name = format!("votes_{number}_{}", String::from_utf8_lossy(key));
                self.problems
                    .push(self.cells.line, Some(&name), || RowReason::NoSuchVoteType);
            }
        }
        let Some(contest) = contest.filter(|c| !c.vote_types.is_empty()) else {
            return Vec::new();
        };
        let mut counts = Vec::with_capacity(contest.pairs * types.len());
        for number in 1..=contest.pairs {
            let mut sum = 0u32;
            for key in types {
                let name = format!("votes_{number}_{key}");
                let value = match columns.typed_position(number, key.as_bytes()) {
                    Some(position) => self.count_at(position, &name),
                    None => {
                        self.complete = false;
                        self.problems.push(self.cells.line, Some(&name), || {
                            RowReason::MissingVoteTypeColumn {
                                column: name.clone(),
                                contest: contest.id.to_owned(),
                            }
                        });
                        0
                    }
                };
                sum = sum.saturating_add(value);
                counts.push(value);
            }
            let given = columns
                .votes_position(number)
                .and_then(|position| self.cells.record.get(position))
                .is_some_and(|cell| !trimmed(cell).is_empty());
            if let (false, Some(total)) = (given, votes.get_mut(number - 1)) {
                *total = sum;
            }
        }
        counts
    }

    fn votes(&mut self, contest: Option<&ContestShape<'_>>) -> Vec<u32> {
        let Some(contest) = contest else {
            // Unknown contest: still report every cell that is not a number.
            self.complete = false;
            for number in 1..=MAX_PAIRS {
                if let Some(position) = self.cells.columns.votes_position(number) {
                    let cell = self.cells.record.get(position).unwrap_or(&[]);
                    if !trimmed(cell).is_empty() {
                        self.count_at(position, votes_field(number));
                    }
                }
            }
            return Vec::new();
        };
        let mut votes = Vec::with_capacity(contest.pairs);
        let typed = !contest.vote_types.is_empty();
        for number in 1..=contest.pairs {
            match self.cells.columns.votes_position(number) {
                Some(position)
                    if typed
                        && trimmed(self.cells.record.get(position).unwrap_or(&[])).is_empty() =>
                {
                    votes.push(0);
                }
                None if typed => votes.push(0),
                Some(position) => {
                    let value = self.count_at(position, votes_field(number));
                    votes.push(value);
                }
                None => {
                    self.complete = false;
                    self.problems
                        .push(self.cells.line, Some(votes_field(number)), || {
                            RowReason::MissingVotesColumn {
                                column: votes_field(number).to_owned(),
                                contest: contest.id.to_owned(),
                                pairs: contest.pairs as u64,
                            }
                        });
                }
            }
        }
        for number in contest.pairs + 1..=MAX_PAIRS {
            if let Some(position) = self.cells.columns.votes_position(number) {
                let cell = self.cells.record.get(position).unwrap_or(&[]);
                if !trimmed(cell).is_empty() {
                    self.complete = false;
                    self.problems
                        .push(self.cells.line, Some(votes_field(number)), || {
                            RowReason::ExtraVotesCell {
                                contest: contest.id.to_owned(),
                                pairs: contest.pairs as u64,
                            }
                        });
                }
            }
        }
        votes
    }
}

/// `votes_1` ... `votes_32`, so that no row allocates a column name.
const VOTES_FIELDS: [&str; MAX_PAIRS] = [
    "votes_1", "votes_2", "votes_3", "votes_4", "votes_5", "votes_6", "votes_7", "votes_8",
    "votes_9", "votes_10", "votes_11", "votes_12", "votes_13", "votes_14", "votes_15", "votes_16",
    "votes_17", "votes_18", "votes_19", "votes_20", "votes_21", "votes_22", "votes_23", "votes_24",
    "votes_25", "votes_26", "votes_27", "votes_28", "votes_29", "votes_30", "votes_31", "votes_32",
];

/// The name of the `votes_N` column (N from 1).
pub(crate) fn votes_field(number: usize) -> &'static str {
    number
        .checked_sub(1)
        .and_then(|index| VOTES_FIELDS.get(index))
        .copied()
        .unwrap_or(VOTES_COLUMN_PREFIX)
}

/// Reads the row's sheet. Reports every cell that is not a count; returns the sheet only if
/// every number of it could be read (`contest` known, every needed column present).
pub(crate) fn read_sheet(
    cells: &Cells<'_>,
    contest: Option<&ContestShape<'_>>,
    problems: &mut Problems,
) -> Option<TallySheet> {
    let mut reader = Reader {
        cells,
        problems,
        complete: true,
    };
    if votes_only(cells) {
        let mut votes = reader.votes(contest);
        let votes_by_type = reader.typed_votes(contest, &mut votes);
        let valid = reader.required(Column::Valid);
        let invalid = reader.required(Column::Invalid);
        return reader.complete.then_some(TallySheet {
            votes,
            votes_by_type,
            valid,
            invalid: Some(invalid),
            votes_only: true,
            ..TallySheet::default()
        });
    }
    let registered = VoterLists {
        dpt: reader.required(Column::Dpt),
        dpph: reader.required(Column::Dpph),
        dptb: reader.required(Column::Dptb),
    };
    let voted = VotedLists {
        dpt: reader.turnout(
            Column::VotedDpt,
            Column::VotedDptMale,
            Column::VotedDptFemale,
        ),
        dpph: reader.turnout(
            Column::VotedDpph,
            Column::VotedDpphMale,
            Column::VotedDpphFemale,
        ),
        dptb: reader.turnout(
            Column::VotedDptb,
            Column::VotedDptbMale,
            Column::VotedDptbFemale,
        ),
    };
    let ballots = Ballots {
        received: reader.required(Column::BallotsReceived),
        used: reader.required(Column::BallotsUsed),
        damaged: reader.required(Column::BallotsDamaged),
        unused: reader.required(Column::BallotsUnused),
    };
    let mut votes = reader.votes(contest);
    let votes_by_type = reader.typed_votes(contest, &mut votes);
    let valid = reader.required(Column::Valid);
    let invalid = reader.required(Column::Invalid);
    reader.complete.then_some(TallySheet {
        votes_by_type,
        registered,
        voted,
        ballots,
        votes,
        valid,
        invalid: Some(invalid),
        votes_only: false,
    })
}

/// Whether the row is a votes-only sheet: the header has no administrative columns, or every
/// administrative cell of this row is empty.
fn votes_only(cells: &Cells<'_>) -> bool {
    !cells.columns.administrative
        || ALL_ADMINISTRATIVE
            .iter()
            .all(|column| cells.text(*column).is_empty())
}

/// Every column of the administrative section (the voter lists, voters and ballots).
const ALL_ADMINISTRATIVE: &[Column] = crate::columns::ADMINISTRATIVE;
