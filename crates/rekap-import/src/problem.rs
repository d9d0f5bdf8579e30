//! One problem of the file, and the capped list they are collected in.

/// A problem with the file: its line (as an editor shows it, the header being line 1), the
/// column it is about (if one), and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowProblem {
    pub line: u64,
    pub field: Option<String>,
    pub reason: String,
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.field {
            Some(field) => write!(f, "line {}, {}: {}", self.line, field, self.reason),
            None => write!(f, "line {}: {}", self.line, self.reason),
        }
    }
}

/// Problems found so far: the first `cap` are kept, the rest only counted.
#[derive(Debug)]
pub(crate) struct Problems {
    listed: Vec<RowProblem>,
    unlisted: u64,
    cap: usize,
}

impl Problems {
    pub(crate) fn new(cap: usize) -> Problems {
        Problems {
            listed: Vec::new(),
            unlisted: 0,
            cap,
        }
    }

    /// Records a problem; `reason` is only formatted if the problem is listed.
    pub(crate) fn push(&mut self, line: u64, field: Option<&str>, reason: impl FnOnce() -> String) {
        if self.listed.len() < self.cap {
            self.listed.push(RowProblem {
                line,
                field: field.map(str::to_string),
                reason: reason(),
            });
        } else {
            self.unlisted += 1;
        }
    }

    pub(crate) fn total(&self) -> u64 {
        self.listed.len() as u64 + self.unlisted
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.total() == 0
    }

    pub(crate) fn into_parts(self) -> (Vec<RowProblem>, u64) {
        (self.listed, self.unlisted)
    }
}
