//! Plain-text tables: the first two columns and every column of words left-aligned,
//! columns of numbers right-aligned.

pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(header: Vec<String>) -> Table {
        Table {
            header,
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }

    pub fn render(&self) -> String {
        let columns = self.header.len();
        let mut widths: Vec<usize> = self
            .header
            .iter()
            .map(|cell| cell.chars().count())
            .collect();
        for row in &self.rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        // Numbers right-aligned, words left, each header as its column: a column is of
        // numbers when every cell in it is one (grouped or not) or empty.
        let numeric: Vec<bool> = (0..columns)
            .map(|index| {
                self.rows.iter().all(|row| {
                    row.get(index).is_none_or(|cell| {
                        cell.chars()
                            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '+' | '-'))
                    })
                })
            })
            .collect();
        let mut out = String::new();
        for row in std::iter::once(&self.header).chain(&self.rows) {
            let cells: Vec<String> = row
                .iter()
                .zip(&widths)
                .enumerate()
                .map(|(index, (cell, width))| {
                    if index < 2 || !numeric[index] {
                        format!("{cell:<width$}")
                    } else {
                        format!("{cell:>width$}")
                    }
                })
                .collect();
            out += cells.join("  ").trim_end();
            out.push('\n');
        }
        out
    }
}
