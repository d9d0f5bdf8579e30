//! Checking a large sheets CSV on every core: the file read whole, split at line breaks
//! into parts, each part's rows checked against the same unchanged state on its own thread,
//! the plans joined in file order.
//!
//! Each row's checks read only the state and the row, never another row, except the check
//! that a station and contest is not on two lines: each part keeps its own first lines and
//! the parts' are compared when they are joined. This is only the fast way to the answer
//! for a good file: a part stops at its first problem, and then (or when two parts hold the
//! same station and contest, or the file cannot be split safely) the whole file is checked
//! again row by row on one thread, which lists every problem with its line exactly as it
//! always has. The answer never depends on the split (tests/parts.rs holds it).

use std::io::Read;
use std::num::NonZeroUsize;

use csv::ByteRecord;
use rekap_model::State;

use crate::columns::Columns;
use crate::limits::ImportLimits;
use crate::plan::{next_record, ImportPlan};
use crate::planner::Planner;
use crate::problem::Problems;
use crate::reader::LimitedReader;
use crate::seen::SeenRows;

/// How [`crate::plan_import_split`] splits a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split {
    /// Parts to check side by side (fewer than 2: the file is read row by row as a stream).
    pub parts: usize,
    /// The smallest part worth a thread; a smaller file is split into fewer parts.
    pub min_part_bytes: usize,
}

impl Default for Split {
    /// One part per core (at most 8), parts of at least 4 MiB (about 45,000 rows).
    fn default() -> Split {
        let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
        Split {
            parts: cores.min(8),
            min_part_bytes: 4 << 20,
        }
    }
}

impl Split {
    /// Row by row on one thread, the file read as a stream.
    pub fn none() -> Split {
        Split {
            parts: 1,
            min_part_bytes: usize::MAX,
        }
    }
}

/// A file read whole, or where reading it stopped.
pub(crate) enum Whole<R> {
    /// Every byte, within the file-size limit.
    Read(Vec<u8>),
    /// Reading failed or went past the limit: the bytes read so far and the rest of the
    /// input, to be read again as a stream (which reports what is wrong, as it always has).
    Stopped { read: Vec<u8>, rest: R },
}

/// Reads `input` whole, at most one byte past `limits.max_file_bytes`.
pub(crate) fn read_whole<R: Read>(mut input: R, limits: &ImportLimits) -> Whole<R> {
    let mut bytes = Vec::new();
    let read = (&mut input)
        .take(limits.max_file_bytes.saturating_add(1))
        .read_to_end(&mut bytes);
    match read {
        Ok(_) if bytes.len() as u64 <= limits.max_file_bytes => Whole::Read(bytes),
        _ => Whole::Stopped {
            read: bytes,
            rest: input,
        },
    }
}

/// The plan of a good file `bytes`, checked in parts; `None` when the file is to be checked
/// row by row instead: it has a problem, it is too small to split, or it holds a `"` (a
/// quoted field may hold a line break, so a line break is not always a row's end).
pub(crate) fn plan_in_parts(
    state: &State,
    operator: &[u8; 32],
    bytes: &[u8],
    limits: &ImportLimits,
    split: &Split,
) -> Option<ImportPlan> {
    if bytes.contains(&b'"') {
        return None;
    }
    let columns = header(bytes, limits)?;
    let starts = part_starts(bytes, split)?;
    let ends = starts.iter().skip(1).copied().chain([bytes.len()]);
    let ranges: Vec<(usize, usize)> = starts.iter().copied().zip(ends).collect();
    let (first, rest) = ranges.split_first()?;
    let parts: Vec<Option<Part>> = std::thread::scope(|scope| {
        let others: Vec<_> = (rest.iter())
            .map(|&(start, end)| {
                let part = bytes.get(start..end).unwrap_or_default();
                let columns = &columns;
                scope.spawn(move || plan_part(state, operator, columns, part, false, limits))
            })
            .collect();
        let part = bytes.get(first.0..first.1).unwrap_or_default();
        let mut parts = vec![plan_part(state, operator, &columns, part, true, limits)];
        for other in others {
            match other.join() {
                Ok(part) => parts.push(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        parts
    });
    join(parts, limits)
}

/// The header's columns, if the header has no problem.
fn header(bytes: &[u8], limits: &ImportLimits) -> Option<Columns> {
    let reader = LimitedReader::new(bytes, u64::MAX, limits.max_line_bytes);
    let mut csv = reader_of(reader);
    let mut record = ByteRecord::new();
    if !next_record(&mut csv, &mut record).ok()? {
        return None;
    }
    let mut problems = Problems::new(0);
    let columns = Columns::from_header(&record, &mut problems);
    problems.is_empty().then_some(columns)
}

fn reader_of<R: Read>(reader: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(reader)
}

/// Where each part starts: 0, then just after a `\n` near each share of the file, all after
/// the header's line; `None` if the file makes fewer than two parts.
fn part_starts(bytes: &[u8], split: &Split) -> Option<Vec<usize>> {
    let parts = split
        .parts
        .min(bytes.len() / split.min_part_bytes.max(1))
        .max(1);
    // Empty lines before the header are skipped by the parser: the header's line is the
    // first with anything on it.
    let header_start = bytes.iter().position(|b| !matches!(b, b'\n' | b'\r'))?;
    let header_end = header_start
        + bytes
            .get(header_start..)?
            .iter()
            .position(|b| *b == b'\n')?;
    let mut starts = vec![0];
    for share in 1..parts {
        let target = (bytes.len() / parts * share).max(header_end);
        let Some(found) = bytes.get(target..)?.iter().position(|b| *b == b'\n') else {
            break;
        };
        let start = target + found + 1;
        if start < bytes.len() && starts.last().is_some_and(|last| *last < start) {
            starts.push(start);
        }
    }
    (starts.len() > 1).then_some(starts)
}

/// What one part's rows plan.
struct Part {
    plan: ImportPlan,
    seen: SeenRows,
}

/// The rows of `part` (after the header's line if `first`), each checked as the row by row
/// reading checks it; `None` at the first problem or parser error. Line numbers count from
/// the part's start: they only tell the duplicate check which rows it saw, since a file
/// with any problem is read again row by row.
fn plan_part(
    state: &State,
    operator: &[u8; 32],
    columns: &Columns,
    part: &[u8],
    first: bool,
    limits: &ImportLimits,
) -> Option<Part> {
    let reader = LimitedReader::new(part, u64::MAX, limits.max_line_bytes);
    let mut csv = reader_of(reader);
    let mut record = ByteRecord::new();
    if first && !next_record(&mut csv, &mut record).ok()? {
        return None;
    }
    let mut planner = Planner::new(state, operator);
    let mut problems = Problems::new(0);
    while next_record(&mut csv, &mut record).ok()? {
        planner.plan.rows += 1;
        if planner.plan.rows as u64 > limits.max_rows {
            return None;
        }
        let position = record.position()?.byte();
        let line = csv.get_mut().line_of(position);
        planner.row(columns, &record, line, &mut problems);
        if !problems.is_empty() {
            return None;
        }
    }
    Some(Part {
        plan: planner.plan,
        seen: planner.seen,
    })
}

/// The parts' plans in file order, if every part is good and no station and contest is in
/// two parts.
fn join(parts: Vec<Option<Part>>, limits: &ImportLimits) -> Option<ImportPlan> {
    let mut parts = parts.into_iter();
    let Part { mut plan, mut seen } = parts.next()??;
    for part in parts {
        let part = part?;
        if !seen.absorb(part.seen) {
            return None;
        }
        plan.rows += part.plan.rows;
        plan.already_imported += part.plan.already_imported;
        // The parts' events stay where they were planned (`PlannedEvents`: no move).
        plan.to_submit.append(part.plan.to_submit);
    }
    (plan.rows as u64 <= limits.max_rows).then_some(plan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rekap_test_kit::small_election::{definition, OPERATOR, STATIONS};
    use rekap_test_kit::{genesis_state, pk};

    const HEADER: &str = "station,contest,dpt,dpph,dptb,voted_dpt,voted_dpph,voted_dptb,\
        ballots_received,ballots_used,ballots_damaged,ballots_unused,votes_1,votes_2,valid,invalid";

    fn file(stations: &[&str]) -> String {
        let mut text = format!("{HEADER}\n");
        for station in stations {
            text.push_str(&format!(
                "{station},gubernur-64,72,0,0,32,0,0,78,32,1,45,10,20,30,2\n"
            ));
        }
        text
    }

    fn in_parts(text: &str, parts: usize) -> Option<ImportPlan> {
        let state = genesis_state(definition("parts"));
        let split = Split {
            parts,
            min_part_bytes: 1,
        };
        let limits = ImportLimits::default();
        plan_in_parts(&state, &pk(OPERATOR), text.as_bytes(), &limits, &split)
    }

    #[test]
    fn a_good_file_is_planned_in_parts_as_row_by_row() {
        let text = file(&STATIONS);
        let state = genesis_state(definition("parts"));
        let one = crate::plan_import_split(
            &state,
            &pk(OPERATOR),
            text.as_bytes(),
            &ImportLimits::default(),
            &Split::none(),
        )
        .expect("a good file");
        for parts in 2..=5 {
            let planned = in_parts(&text, parts).expect("planned in parts");
            assert_eq!(planned, one, "{parts} parts");
        }
        assert_eq!(one.to_submit.len(), STATIONS.len());
    }

    #[test]
    fn a_file_with_any_problem_goes_row_by_row() {
        let mut repeated = STATIONS.to_vec();
        repeated.push(STATIONS[0]);
        assert_eq!(
            in_parts(&file(&repeated), 2),
            None,
            "a station in two parts"
        );
        let bad = file(&STATIONS).replace(",10,20,30,2\n6472020001", ",10,x,30,2\n6472020001");
        assert_eq!(in_parts(&bad, 3), None, "a cell that is not a number");
        let quoted = file(&STATIONS).replacen("gubernur-64", "\"gubernur-64\"", 1);
        assert_eq!(in_parts(&quoted, 2), None, "a quote");
        assert_eq!(in_parts(&file(&[]), 2), None, "a header alone: one part");
    }

    #[test]
    fn parts_start_after_a_line_break_and_after_the_header() {
        let text = b"\n\nheader\na\nb\nc\n";
        let split = Split {
            parts: 4,
            min_part_bytes: 1,
        };
        let starts = part_starts(text, &split).expect("parts");
        assert_eq!(starts.first(), Some(&0));
        for start in starts.iter().skip(1) {
            assert_eq!(text.get(start - 1), Some(&b'\n'));
            assert!(*start > 8, "{starts:?}: after the header's line");
        }
        assert!(starts.windows(2).all(|pair| pair[0] < pair[1]));
    }
}
