//! What the crates' tests share, so that each does not build its own near-copy: fixed keys
//! ([`keys`]), sheets that pass every hard rule ([`sheets`]), event builders ([`events`]),
//! the small governor's election most tests run ([`small_election`]), and a state to run
//! payloads against without a log ([`state`]).
//!
//! Dev-only: crates name it under `[dev-dependencies]` and nothing else (tests/it/layers.rs
//! holds the rule). It depends on the model alone, so the model's own tests can use it
//! without tying the layers together.

pub mod events;
pub mod keys;
pub mod sheets;
pub mod small_election;
pub mod state;

pub use events::{approve, correct, register, submit};
pub use keys::{log_key, pk, signing};
pub use sheets::{sheet, sheet_with_split};
pub use state::{apply_as, genesis_state, national_definition, AnyApproval};
