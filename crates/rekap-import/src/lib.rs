//! rekap-import: plans a bulk import of tally sheets (`rekap import`). It reads a sheets CSV
//! against a [`rekap_model::State`] and returns either the `SheetSubmitted` events to append
//! ([`ImportPlan`]) or every problem of the file ([`ImportError::Rejected`]). It never
//! touches a store: the caller appends the plan with `Ledger::submit`, split by
//! [`payloads`], all or nothing.
//!
//! - [`columns`]: the CSV columns and how they map to the model's `TallySheet`.
//! - [`plan`]: [`plan_import`], reading a sheets CSV's rows; the checks of each sheet, and
//!   what counts as already imported, are shared with [`sheets`]: [`plan_sheets`], sheets
//!   another format has read (rekap-formats).
//!   A large file is read whole and checked in parts on every core (`parallel.rs`,
//!   [`Split`]), with the answer of the row by row reading.
//! - [`planned`]: the plan's events, kept in the parts they were planned in.
//! - [`payloads`](mod@payloads): chunking the plan into payloads for the log.
//! - [`limits`]: every limit of an import.
//! - [`problem`] and [`error`]: what is reported.

pub mod columns;
pub mod error;
pub mod limits;
mod number;
mod parallel;
pub mod payloads;
pub mod plan;
pub mod planned;
mod planner;
pub mod problem;
mod reader;
pub mod reason;
mod row;
mod seen;
pub mod sheets;

pub use columns::{COLUMNS, OPTIONAL_COLUMNS, VOTES_COLUMN_PREFIX};
pub use error::ImportError;
pub use limits::{ImportLimits, DEFAULT_SHEETS_PER_PAYLOAD};
pub use parallel::Split;
pub use payloads::{payloads, payloads_on_demand, Payloads};
pub use plan::{plan_import, plan_import_split, ImportPlan};
pub use planned::PlannedEvents;
pub use problem::RowProblem;
pub use reason::RowReason;
pub use sheets::{plan_sheets, SheetRow, SheetsPlan};
