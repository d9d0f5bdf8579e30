//! rekap-audit: verifies a whole history from the log alone and reports it the way an
//! independent election verifier does: numbered checks, each passed or failed, with counts
//! and the first failing record.
//!
//! 1. Chain: hashes, links, sequence numbers, time never going backwards, author counters.
//! 2. Signatures of every record.
//! 3. Genesis: the definition is well formed and every later payload binds its hash.
//! 4. Authority: every event was allowed for its author at its position.
//! 5. Decisions: every event judged again by the model against the state just before it.
//! 6. Sheets: every hard rule holds for every version of every sheet.
//! 7. Approvals: digests recomputed, witness signatures, parents over fresh children.
//! 8. Final state: every level's totals, rebuilt independently from the payloads, equal the
//!    projection's, and each region is the sum of its children; every line of the store's
//!    saved totals view is what the view recomputed from the log holds.
//! 9. Soft-rule flags, listed (not failures).
//!
//! Records are named by their position in the log. Checks 3 to 9 judge only the records
//! before the first one checks 1-2 did not authenticate; they then do not pass, and no
//! projection digest is given.

mod check;
mod classify;
mod run;

pub use check::{AuditReport, Cause, CheckResult, Failure, CHECK_NAMES};
pub use run::{audit, audit_with_views, SavedViews};
