//! The model's refusals and definition errors in the language asked for: each variant to a
//! message of the catalogue (crates/rekap-messages, `refusals.ftl` and `definition.ftl`)
//! with its fields as arguments. The model knows no languages; its English `Display` is
//! what logs carry. The command line (`src/error_words`) and the server's problem details
//! (`Accept-Language`) both word refusals here, so that an operator reads the same sentence
//! from a local store and over `--server`.
//!
//! A variant added to the model and not worded here is printed in English (its `Display`),
//! never dropped.

mod definition;
mod refusal;

pub use definition::{definition_error, part};
pub use refusal::{hard_rule, limit, payload_refusal, refusal};
