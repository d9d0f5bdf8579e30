//! rekap-projection: every level's totals, Merkle digests, approval states and proofs,
//! derived from the model's [`rekap_model::State`] alone. Pure: no IO, no clock.
//!
//! - [`totals`]: the canonical totals of a station or region.
//! - [`merkle`]: RFC 6962-style Merkle trees over blake3 (leaf 0x00, node 0x01).
//! - [`Projection`]: caches of totals and digests per contest and region, kept exact by
//!   recomputing whatever a payload touched; the [`rekap_model::ApprovalCheck`] the model
//!   calls for every plenary approval.
//! - [`proof`]: a station-to-approval inclusion proof and its verification.

mod contest_cache;
pub mod merkle;
mod projection;
pub mod proof;
pub mod rollup;
mod rollup_sum;
pub mod totals;

pub use contest_cache::{children_digest, children_totals, StationLeaf};
pub use projection::{
    approval_state_of, projection_digest_given, ApprovalState, Projection, RaisedFlag, RegionReport,
};
pub use totals::Totals;
