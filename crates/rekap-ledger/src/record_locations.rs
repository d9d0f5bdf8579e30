//! Audit check 8's hold on where a view says the log's records are. The stations and
//! history views point into the segment file (offset and length of each record they
//! name); those places are not recomputable from the log's bytes alone, so the audit holds
//! them to the store's own segment index, and a view that points at the wrong bytes is
//! reported as a lie, not left for a reader to refuse as damage.

use rekap_log::storage::locate::RecordLocation;

/// The store's locations of records `seqs` (sorted, distinct): `Ok(None)` for a log
/// without a segment file (an export), whose locations cannot be checked; `Err` why they
/// could not be read.
pub trait Locate: Fn(&[u64]) -> Result<Option<Vec<RecordLocation>>, String> {}

impl<F: Fn(&[u64]) -> Result<Option<Vec<RecordLocation>>, String>> Locate for F {}

/// Each location `named` by `view` (its name, for the message) is where the store holds
/// that record (`locate`): same seq, offset and length. `Err` says which is not.
pub(crate) fn check_record_locations(
    view: &str,
    named: &[RecordLocation],
    locate: impl Locate,
) -> Result<(), String> {
    let seqs: Vec<u64> = named.iter().map(|location| location.seq).collect();
    let located = locate(&seqs)
        .map_err(|reason| format!("the store could not locate the {view}'s records: {reason}"))?;
    let Some(stored) = located else {
        return Ok(());
    };
    if named.len() != stored.len() {
        return Err(format!(
            "the {view} names {} records; the store locates {} of them",
            named.len(),
            stored.len()
        ));
    }
    for (named, stored) in named.iter().zip(&stored) {
        if (named.seq, named.offset, named.length) != (stored.seq, stored.offset, stored.length) {
            return Err(format!(
                "the {view} places record {} at bytes {}+{} of the segment file; the store \
                 holds it at {}+{}",
                named.seq, named.offset, named.length, stored.offset, stored.length
            ));
        }
    }
    Ok(())
}
