//! What every CSV source shares: the line an editor shows for a record, the header's names,
//! and the refusal of a row whose width is not the header's.

use crate::problem::SourceProblem;
use rekap_import::RowReason;

/// Where the lines of a file start, so that a record's byte offset gives the line an editor
/// shows (`\n`, `\r\n` and a lone `\r` each end one; the CSV parser's own count is wrong
/// after `\r\n`).
pub(crate) struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    pub(crate) fn of(bytes: &[u8]) -> Lines {
        let mut starts = vec![0];
        for (at, byte) in bytes.iter().enumerate() {
            let ends_line = *byte == b'\n' || (*byte == b'\r' && bytes.get(at + 1) != Some(&b'\n'));
            if ends_line {
                starts.push(at + 1);
            }
        }
        Lines { starts }
    }

    /// The line (from 1) of byte `offset`; a record the parser places on the `\n` of a
    /// `\r\n` belongs to the next line.
    pub(crate) fn line_of(&self, offset: usize) -> u64 {
        let offset = if self.starts.binary_search(&(offset + 1)).is_ok() {
            offset + 1
        } else {
            offset
        };
        self.starts.partition_point(|start| *start <= offset) as u64
    }
}

/// The header's names, trimmed, a UTF-8 byte order mark before the first one removed.
pub(crate) fn header_names(header: &csv::ByteRecord) -> Vec<String> {
    header
        .iter()
        .enumerate()
        .map(|(index, name)| {
            let name = match index {
                0 => name.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(name),
                _ => name,
            };
            String::from_utf8_lossy(name).trim().to_owned()
        })
        .collect()
}

/// The problem of a row (of `file`, on `line`) with another number of fields than the
/// header's `width`, if it has.
pub(crate) fn width_problem(
    file: &str,
    line: u64,
    fields: usize,
    width: usize,
) -> Option<SourceProblem> {
    (fields != width).then(|| {
        SourceProblem::new(
            file,
            format!("line {line}"),
            RowReason::FieldCount {
                fields: fields as u64,
                header: width as u64,
            },
        )
    })
}
