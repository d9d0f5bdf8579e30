//! Appending records placed by another log (a mirror following a server): each record is
//! the next one of this log (sequence, link, time), decided by the same model code as any
//! submission, incrementally against the current state, and stored byte for byte as given
//! (same position, time and hash), so the mirror's log, tree and checkpoints are the
//! origin's. All decided before any is appended; nothing appended after a refusal.

use rekap_log::{Log, Record, SignedSubmission, Storage};

use crate::error::LedgerError;
use crate::ledger::{apply_record, genesis_state, Ledger, Receipt};

fn submission_of(record: &Record) -> SignedSubmission {
    SignedSubmission {
        author: record.author,
        counter: record.counter,
        payload: record.payload.clone(),
        signature: record.signature,
    }
}

/// Appends `records` (already decoded; chain and signatures are checked again by the log)
/// in runs of equal recorded time, one durable append per run; checks every stored record
/// is the one given.
fn append_as_given<S: Storage>(log: &mut Log<S>, records: &[Record]) -> Result<(), LedgerError> {
    for run in records.chunk_by(|a, b| a.recorded_at_ms == b.recorded_at_ms) {
        let first = &run[0];
        let stored = log.append(
            run.iter().map(submission_of).collect(),
            first.recorded_at_ms,
        )?;
        for (given, stored) in run.iter().zip(&stored) {
            if given != stored {
                return Err(LedgerError::NotNext {
                    seq: given.seq,
                    reason: "stored with another position, time or hash".into(),
                });
            }
        }
    }
    Ok(())
}

/// Checks that `records` continue the log at `head` (sequence, link to the record before,
/// time never going back).
fn check_continues(head: rekap_log::Head, records: &[Record]) -> Result<(), LedgerError> {
    let (mut seq, mut link, mut time) = (head.count, head.last_hash, head.last_recorded_at_ms);
    for record in records {
        let reason = if record.seq != seq + 1 {
            Some(format!("expected record {}", seq + 1))
        } else if record.prev_hash != link {
            Some("its link is not the hash of this log's record before it".into())
        } else if record.recorded_at_ms < time {
            Some("its time is before the record before it".into())
        } else {
            None
        };
        if let Some(reason) = reason {
            return Err(LedgerError::NotNext {
                seq: record.seq,
                reason,
            });
        }
        (seq, link, time) = (record.seq, record.hash, record.recorded_at_ms);
    }
    Ok(())
}

/// Starts an empty log with another log's genesis record, decided by the model first.
pub fn create_from_genesis<S: Storage>(
    mut log: Log<S>,
    genesis: &Record,
) -> Result<Ledger<S>, LedgerError> {
    if log.head().count > 0 {
        return Err(LedgerError::NotEmpty {
            records: log.head().count,
        });
    }
    check_continues(log.head(), std::slice::from_ref(genesis))?;
    genesis_state(genesis)?;
    append_as_given(&mut log, std::slice::from_ref(genesis))?;
    Ledger::replay(log, u64::MAX)
}

impl<S: Storage> Ledger<S> {
    /// Appends records placed by another log: each must continue this log and be allowed by
    /// the model; all are decided before any is appended. A refusal or a failed append
    /// leaves the state as the log is.
    pub fn append_given(&mut self, records: &[Record]) -> Result<Receipt, LedgerError> {
        check_continues(self.head(), records)?;
        let decided = {
            let (_, state, projection) = self.parts_mut();
            records
                .iter()
                .try_for_each(|record| apply_record(state, projection, record))
        };
        if let Err(error) = decided {
            self.rebuild_if_changed(records.len())?;
            return Err(error);
        }
        let appended = append_as_given(self.log_mut(), records);
        if let Err(error) = appended {
            self.rebuild_if_changed(records.len())?;
            return Err(error);
        }
        Ok(Receipt {
            seqs: records.iter().map(|record| record.seq).collect(),
            head: self.head(),
        })
    }
}
