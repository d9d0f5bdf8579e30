//! rekap-witness: a C2SP tlog-witness for the logs it is configured with, and the evidence a
//! witness or a mirror writes when a log shows it two checkpoints that cannot both be true.
//!
//! - [`cosignature`]: Ed25519 `cosignature/v1` (C2SP tlog-cosignature), keys and vkeys.
//! - [`request`]: the `add-checkpoint` request body.
//! - [`witness`]: the decision (status per the spec) and the state it keeps, per origin,
//!   atomically and durably.
//! - [`evidence`]: the evidence file (`rekap-evidence/1`), written and checked offline.
//! - [`http`]: the HTTP endpoint (`POST /add-checkpoint`, `GET /<origin hash>/checkpoint`).
//!
//! It knows nothing of rekap's records: a log is an origin and a key, as in the specs. It
//! depends on no rekap crate but rekap-tlog.

pub mod cosignature;
pub mod evidence;
pub mod http;
pub mod request;
pub mod witness;

pub use cosignature::{CosignatureSigner, CosignatureVerifier};
pub use evidence::{Evidence, Verdict};
pub use witness::{Outcome, Witness, WitnessError};
