//! One problem of the file, and the capped list they are collected in.

use std::collections::BTreeMap;

use crate::reason::RowReason;

/// A problem with the file: its line (as an editor shows it, the header being line 1), the
/// station the row names (as written, if any), the column it is about (if one), the rule of
/// docs/RULES.md it breaks (if it is one of the model's), and why (with the numbers).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowProblem {
    pub line: u64,
    pub station: Option<String>,
    pub field: Option<String>,
    pub rule: Option<String>,
    pub reason: RowReason,
}

impl RowProblem {
    /// What the summary counts it under: its rule, else the column, else the row's shape.
    pub fn kind(&self) -> String {
        kind(self.rule.as_deref(), self.field.as_deref())
    }
}

/// A problem's kind from its rule and column (see [`RowProblem::kind`]).
fn kind(rule: Option<&str>, field: Option<&str>) -> String {
    match (rule, field) {
        (Some(rule), _) => rule.to_owned(),
        (None, Some(field)) => format!("column {field}"),
        (None, None) => "row".to_owned(),
    }
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.field {
            Some(field) => write!(f, "line {}, {}: {}", self.line, field, self.reason),
            None => write!(f, "line {}: {}", self.line, self.reason),
        }
    }
}

/// Problems found so far: the first `cap` are kept, the rest only counted (by kind too).
#[derive(Debug)]
pub(crate) struct Problems {
    listed: Vec<RowProblem>,
    unlisted: u64,
    cap: usize,
    /// Problems of every kind, listed or not.
    by_kind: BTreeMap<String, u64>,
    /// The station cell of the row being checked, as written (empty: none); kept as bytes
    /// and made text only for a problem, so that a good row allocates nothing here.
    station: Vec<u8>,
}

impl Problems {
    pub(crate) fn new(cap: usize) -> Problems {
        Problems {
            listed: Vec::new(),
            unlisted: 0,
            cap,
            by_kind: BTreeMap::new(),
            station: Vec::new(),
        }
    }

    /// The row being checked names this station (its problems carry it).
    pub(crate) fn start_row(&mut self, station: Option<&[u8]>) {
        self.station.clear();
        self.station.extend_from_slice(station.unwrap_or_default());
    }

    /// Records a problem; `reason` is only formatted if the problem is listed.
    pub(crate) fn push(
        &mut self,
        line: u64,
        field: Option<&str>,
        reason: impl FnOnce() -> RowReason,
    ) {
        self.push_rule(line, field, None, reason);
    }

    /// Records a problem that breaks `rule` of docs/RULES.md.
    pub(crate) fn push_rule(
        &mut self,
        line: u64,
        field: Option<&str>,
        rule: Option<rekap_model::Rule>,
        reason: impl FnOnce() -> RowReason,
    ) {
        let rule = rule.map(|rule| rule.to_string());
        *self
            .by_kind
            .entry(kind(rule.as_deref(), field))
            .or_insert(0) += 1;
        if self.listed.len() < self.cap {
            self.listed.push(RowProblem {
                line,
                station: (!self.station.is_empty())
                    .then(|| String::from_utf8_lossy(&self.station).into_owned()),
                field: field.map(str::to_string),
                rule,
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

    pub(crate) fn into_parts(self) -> (Vec<RowProblem>, u64, BTreeMap<String, u64>) {
        (self.listed, self.unlisted, self.by_kind)
    }
}
