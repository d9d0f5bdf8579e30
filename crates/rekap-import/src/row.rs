//! The numbers of one data row, read into a [`TallySheet`] with every problem reported.

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
        for number in 1..=contest.pairs {
            match self.cells.columns.votes_position(number) {
                Some(position) => {
                    let value = self.count_at(position, votes_field(number));
                    votes.push(value);
                }
                None => {
                    self.complete = false;
                    self.problems
                        .push(self.cells.line, Some(votes_field(number)), || {
                            format!(
                                "missing column {}: contest {} has {} candidate pairs",
                                votes_field(number),
                                contest.id,
                                contest.pairs
                            )
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
                            format!(
                                "contest {} has only {} candidate pairs; leave this cell empty",
                                contest.id, contest.pairs
                            )
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
        let votes = reader.votes(contest);
        let valid = reader.required(Column::Valid);
        let invalid = reader.required(Column::Invalid);
        return reader.complete.then_some(TallySheet {
            votes,
            valid,
            invalid,
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
    let votes = reader.votes(contest);
    let valid = reader.required(Column::Valid);
    let invalid = reader.required(Column::Invalid);
    reader.complete.then_some(TallySheet {
        registered,
        voted,
        ballots,
        votes,
        valid,
        invalid,
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
