//! rekap-formats: results in the shapes other sources publish them, and rekap's results in
//! the shapes other systems read. Like rekap-import it touches no store: an importer returns
//! the events to append (checked against a [`rekap_model::State`] exactly as `rekap import`
//! checks a sheets CSV), or every problem, each naming its file, the place inside it (a JSON
//! pointer or a line) and the reason.
//!
//! - [`sourced`]: sheets read from any source, with the document each came from, planned
//!   through rekap-import's checks; [`problem`]: what is reported.
//! - [`sirekap`]: the commission's 2024 portal JSON per TPS and its candidates file.
//! - [`mapped`]: a CSV of any shape through a column mapping (`--columns`), and the
//!   volunteers' per-TPS digitisation (KawalPemilu style).
//! - `csv_source`: what the CSV sources share (lines, header names, row widths).
//! - [`compare`]: rekap's totals beside another source's, region by region.
//! - [`nist`]: NIST SP 1500-100 v2 Election Results Reporting JSON.
//! - [`openelections`]: OpenElections precinct CSV in and out, and a definition from it.
//!
//! docs/FORMATS.md describes every format, its field mapping and its limits.

pub mod compare;
mod csv_source;
pub mod mapped;
pub mod nist;
pub mod openelections;
pub mod problem;
pub mod reason;
pub mod sirekap;
pub mod sourced;

pub use problem::{FormatError, SourceProblem};
pub use reason::{Expected, JsonType, SourceReason};
pub use sourced::{plan_sourced, SourceDocument, SourcedPlan, SourcedSheet};
