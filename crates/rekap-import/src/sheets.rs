//! [`plan_sheets`]: sheets another format has already read into numbers, checked exactly as
//! the rows of a sheets CSV are once their cells are read (the station and contest known,
//! not a repeat, the hard rules, what the state has, the model's decision), with no CSV in
//! between.

use crate::reason::RowReason;
use rekap_model::{State, TallySheet};

use crate::error::ImportError;
use crate::limits::ImportLimits;
use crate::plan::{rejected, ImportPlan};
use crate::planner::{check_operator, Planner};
use crate::problem::Problems;

/// One sheet read from another source.
#[derive(Debug, Clone, Copy)]
pub struct SheetRow<'a> {
    /// The station code as the source spells it (`6401012009001` or `6401012009-001`).
    pub station: &'a str,
    pub contest: &'a str,
    pub sheet: &'a TallySheet,
}

/// What [`plan_sheets`] would append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetsPlan {
    /// The events, as [`crate::plan_import`] plans a file's (`rows` counts the sheets).
    pub plan: ImportPlan,
    /// Per event of `plan.to_submit`: the index of the sheet it is from.
    pub origins: Vec<usize>,
}

/// Plans importing `sheets` as `operator`: every sheet checked against `state` as a sheets
/// CSV row is; the events to append, or every problem. A problem's `line` is the sheet's
/// number, from 1 (the caller knows where each sheet came from); its field the sheets CSV
/// column (`station`, `votes_2`, `valid`, ...) the check is about.
pub fn plan_sheets<'a>(
    state: &State,
    operator: &[u8; 32],
    sheets: impl IntoIterator<Item = SheetRow<'a>>,
    limits: &ImportLimits,
) -> Result<SheetsPlan, ImportError> {
    check_operator(state, operator)?;
    let mut planner = Planner::new(state, operator);
    let mut problems = Problems::new(limits.max_listed_problems);
    let mut origins = Vec::new();
    for (index, row) in sheets.into_iter().enumerate() {
        planner.plan.rows += 1;
        if planner.plan.rows as u64 > limits.max_rows {
            return Err(ImportError::TooManyRows {
                limit: limits.max_rows,
            });
        }
        let line = index as u64 + 1;
        problems.start_row(Some(row.station.as_bytes()));
        if row.station.is_empty() {
            problems.push(line, Some("station"), || RowReason::EmptyValue);
        }
        let station = planner.station(row.station, line, &mut problems);
        let contest = planner.contest(row.contest, line, &mut problems);
        let (Some(station), Some((contest, _))) = (station, contest) else {
            continue;
        };
        let sheet = Some(row.sheet.clone());
        if planner.check(line, row.station, station, contest, sheet, &mut problems) {
            origins.push(index);
        }
    }
    if problems.is_empty() {
        Ok(SheetsPlan {
            plan: planner.plan,
            origins,
        })
    } else {
        Err(rejected(problems))
    }
}
