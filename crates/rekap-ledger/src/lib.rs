//! rekap-ledger: what a command works on. It opens a log, replays every record through the
//! model's decision code into a [`State`] and a [`Projection`], and appends new signed
//! payloads only after the model has allowed every event in them.
//!
//! The log stays the only source of truth: the state and projection are rebuilt from it on
//! every open (and after any failed append), never trusted from elsewhere.

mod after_append;
pub mod authority_view;
pub mod checkpoints;
mod error;
pub mod follow;
pub mod group;
pub mod history_view;
mod ledger;
pub mod proof;
pub mod proof_view;
pub mod record_locations;
mod replay;
pub mod stations_view;
pub mod thin;
pub mod tiles;
pub mod view;

pub use after_append::{BroughtForward, ViewsBefore};
pub use error::LedgerError;
pub use group::{
    admit, admit_with_key, CounterIndex, GroupLedger, GroupOutcome, Placed, SubmissionRefusal,
    Verdict,
};
pub use ledger::{replay_records, Ledger, Receipt};
pub use rekap_model::{PayloadRefusal, State};
pub use rekap_projection::Projection;
