//! One poll: the server's checkpoint, the records since the mirror's head, every check,
//! the append; or the refusal, with evidence when the checkpoint contradicts one accepted.

use rekap_ledger::checkpoints::{self, SignedCheckpoint};
use rekap_ledger::follow::create_from_genesis;
use rekap_ledger::LedgerError;
use rekap_log::{AppendError, ChainVerifier, Record, VerifyOptions};
use rekap_model::{decode_payload, LogKeys, Payload};
use rekap_tlog::checkpoint::Checkpoint;
use rekap_tlog::{Hash, Tree};
use rekap_witness::evidence::{Evidence, Verdict};
use rekap_witness::witness::{evidence_path, write_durably};

use crate::{io, unix_seconds, Alarm, FetchError, Held, Mirror, MirrorError};

/// What a poll did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// The server's checkpoint is the one held.
    UpToDate { size: u64 },
    /// Records `from..=to` were verified and appended; the checkpoint of `to` accepted.
    Advanced { from: u64, to: u64 },
    /// The server showed an older checkpoint, consistent with what is held.
    Stale { shown: u64, held: u64 },
}

/// A record the model or the log refuses (the server's fault), not a failing disk (ours).
fn is_refusal(error: &LedgerError) -> bool {
    match error {
        LedgerError::Append(append) => !matches!(append, AppendError::Storage(_)),
        LedgerError::InvalidRecord { .. }
        | LedgerError::Undecodable { .. }
        | LedgerError::NotNext { .. }
        | LedgerError::NoGenesis
        | LedgerError::GenesisRefused(_) => true,
        _ => false,
    }
}

fn tree_error(error: rekap_tlog::TreeError) -> MirrorError {
    MirrorError::Setup(crate::SetupProblem::OwnTree {
        error: error.to_string(),
    })
}

impl Mirror {
    pub(crate) fn sync(&mut self) -> Result<Step, MirrorError> {
        let note = self.source.checkpoint().map_err(MirrorError::Unreachable)?;
        let unsigned = SignedCheckpoint::parse(note.clone())
            .map_err(|error| self.refused_checkpoint(error.to_string()))?
            .checkpoint;
        let own = self.own_tree()?;
        if unsigned.size <= own.size() {
            let shown = self.opened(&note, self.held_log_keys().as_ref(), unsigned.size)?;
            self.status.server_size = shown.size;
            return self.compare_with_held(&note, &shown, &own);
        }
        let bytes = self
            .source
            .records(own.size() + 1, unsigned.size)
            .map_err(MirrorError::Unreachable)?;
        let records = match self.check_chain(&bytes) {
            Ok(records) => records,
            Err(reason) => return self.investigate(&note, &unsigned, reason),
        };
        // The key that signs a checkpoint is the one the log names for its size: the held
        // log's keys, followed through the records served (a rotation among them).
        let keys = self.log_keys_through(&records);
        if let (None, Some(keys)) = (self.ledger(), keys.as_ref()) {
            // A new mirror: the pinned --log-key must be one this genesis names, or a
            // server could show any log with its own key.
            crate::pinned_key_of_log(&self.log_key, keys)?;
        }
        let shown = self.opened(&note, keys.as_ref(), unsigned.size)?;
        self.status.server_size = shown.size;
        let mut tree = own;
        tree.append(&records.iter().map(|record| record.hash).collect::<Vec<_>>());
        if tree.root(shown.size).map_err(tree_error)? != shown.root {
            let reason = "the records served do not lead to the checkpoint's root".to_owned();
            return self.investigate(&note, &shown, reason);
        }
        let from = self.head_count() + 1;
        self.append(&records)?;
        self.keep(note, shown)?;
        Ok(Step::Advanced {
            from,
            to: self.head_count(),
        })
    }

    /// A checkpoint note the server shows, refused unless signed by the key the log names
    /// for its size (`keys`; the kept `--log-key` until the log is known), which must be a
    /// key of this log: a rotated-out key's checkpoint after its rotation is refused.
    fn opened(
        &self,
        note: &str,
        keys: Option<&LogKeys>,
        size: u64,
    ) -> Result<Checkpoint, MirrorError> {
        let verifier = match keys {
            Some(keys) => checkpoints::verifier_at(keys, size)
                .map_err(|error| self.refused_checkpoint(error.to_string()))?,
            None => self.log_key.clone(),
        };
        Checkpoint::open(note.as_bytes(), verifier.name(), &verifier).map_err(|error| {
            self.refused_checkpoint(format!(
                "not a checkpoint signed by the key the log names for size {size}: {error}"
            ))
        })
    }

    fn refused_checkpoint(&self, reason: String) -> MirrorError {
        MirrorError::Unreachable(FetchError {
            url: format!("{}/tlog/checkpoint", self.source.base()),
            reason,
        })
    }

    /// The held log's keys (none before its genesis).
    fn held_log_keys(&self) -> Option<LogKeys> {
        self.ledger()
            .map(|ledger| ledger.state().log_keys().clone())
    }

    /// The log's keys after `records` (the next records after the head): the genesis's
    /// for a new mirror, then every rotation among them as the model decides it (a refused
    /// one is the model's alarm at the append).
    fn log_keys_through(&self, records: &[Record]) -> Option<LogKeys> {
        let mut keys = self.held_log_keys();
        for record in records {
            match (decode_payload(&record.payload), keys.as_mut()) {
                (Ok(Payload::Genesis(genesis)), None) => {
                    keys = LogKeys::of_genesis(&genesis).ok();
                }
                (Ok(Payload::LogKeyRotated { key, .. }), Some(keys)) => {
                    let _ = keys.rotate(&record.author, record.seq, key);
                }
                _ => {}
            }
        }
        keys
    }

    fn own_tree(&self) -> Result<Tree, MirrorError> {
        match self.ledger() {
            Some(ledger) => Ok(ledger.log().tree()?),
            None => Ok(Tree::new()),
        }
    }

    fn head(&self) -> rekap_log::Head {
        self.ledger()
            .map_or(rekap_log::Head::EMPTY, |ledger| ledger.head())
    }

    /// Chain, hashes, sequence, time and signatures of the records after the head.
    fn check_chain(&self, bytes: &[Vec<u8>]) -> Result<Vec<Record>, String> {
        let head = self.head();
        let mut verifier = ChainVerifier::resume(
            VerifyOptions { signatures: true },
            head.count + 1,
            head.last_hash,
            head.last_recorded_at_ms,
        );
        let slices: Vec<&[u8]> = bytes.iter().map(Vec::as_slice).collect();
        verifier.check_many(&slices);
        let report = verifier.finish();
        if let Some(failure) = report.first_failure() {
            let at = failure
                .seq
                .map(|seq| format!("record {seq}: "))
                .unwrap_or_default();
            return Err(format!("{at}{}", failure.reason));
        }
        bytes
            .iter()
            .map(|bytes| Record::decode(bytes).map_err(|error| error.to_string()))
            .collect()
    }

    /// Every record decided by the model and appended as given; a refusal is an alarm.
    fn append(&mut self, records: &[Record]) -> Result<(), MirrorError> {
        let held = self.held.take();
        let result = match held {
            Some(Held::Empty(log)) => {
                create_from_genesis(*log, &records[0]).and_then(|mut ledger| {
                    let appended = ledger.append_given(&records[1..]);
                    self.held = Some(Held::Ledger(Box::new(ledger)));
                    appended.map(|_| ())
                })
            }
            Some(Held::Ledger(mut ledger)) => {
                let appended = ledger.append_given(records);
                self.held = Some(Held::Ledger(ledger));
                appended.map(|_| ())
            }
            None => return Err(MirrorError::Setup(crate::SetupProblem::StoreLost)),
        };
        match result {
            Ok(()) => {
                if let Some(Held::Ledger(ledger)) = self.held.as_mut() {
                    // Only speed depends on it: a reading command replays without it.
                    let view = ledger.totals_view(None);
                    let _ = ledger.save_totals_view(&view);
                }
                Ok(())
            }
            Err(error) if is_refusal(&error) => Err(self.alarm(
                format!("the server's log holds a record this mirror refuses: {error}"),
                None,
            )),
            Err(other) => Err(other.into()),
        }
    }

    fn keep(&mut self, note: String, checkpoint: Checkpoint) -> Result<(), MirrorError> {
        let path = self.directory.join("checkpoint");
        write_durably(&path, note.as_bytes()).map_err(io(&path))?;
        self.accepted = Some((note, checkpoint));
        Ok(())
    }

    /// The server showed a size the mirror holds: the same tree, an older one, or another.
    fn compare_with_held(
        &mut self,
        note: &str,
        shown: &Checkpoint,
        own: &Tree,
    ) -> Result<Step, MirrorError> {
        let accepted_size = self.accepted.as_ref().map_or(0, |(_, c)| c.size);
        if own.root(shown.size).map_err(tree_error)? != shown.root {
            let reason = format!(
                "the server's checkpoint of size {} is not the tree of the {} records held",
                shown.size, shown.size
            );
            if shown.size <= accepted_size {
                return Err(self.refuse_from_own_tree(note, shown, own, reason));
            }
            return self.investigate(note, shown, reason);
        }
        if shown.size < accepted_size {
            return Ok(Step::Stale {
                shown: shown.size,
                held: accepted_size,
            });
        }
        if shown.size > accepted_size {
            self.keep(note.to_owned(), shown.clone())?;
        }
        Ok(Step::UpToDate { size: shown.size })
    }

    /// A checkpoint no larger than the accepted one, contradicting the mirror's own tree:
    /// the proof comes from the mirror's tree.
    fn refuse_from_own_tree(
        &mut self,
        note: &str,
        shown: &Checkpoint,
        own: &Tree,
        reason: String,
    ) -> MirrorError {
        let Some((accepted_note, accepted)) = self.accepted.clone() else {
            return self.alarm(reason, None);
        };
        let (proof, prefix_root) = if shown.size == accepted.size {
            (Vec::new(), None)
        } else {
            (
                own.consistency_proof(shown.size, accepted.size)
                    .unwrap_or_default(),
                own.root(shown.size).ok(),
            )
        };
        let evidence = self.evidence(
            &accepted_note,
            note,
            (shown.size, accepted.size),
            proof,
            prefix_root,
            &reason,
        );
        self.alarm(reason, evidence)
    }

    /// A larger checkpoint that the records do not extend to: the server's whole log is
    /// fetched, and if it leads to its checkpoint, its tree at the accepted size is compared
    /// with the accepted root.
    fn investigate(
        &mut self,
        note: &str,
        shown: &Checkpoint,
        reason: String,
    ) -> Result<Step, MirrorError> {
        let Some((accepted_note, accepted)) = self.accepted.clone() else {
            return Err(self.alarm(reason, None));
        };
        let bytes = self
            .source
            .records(1, shown.size)
            .map_err(MirrorError::Unreachable)?;
        let hashes: Result<Vec<Hash>, _> = bytes
            .iter()
            .map(|bytes| Record::decode(bytes).map(|r| r.hash))
            .collect();
        let theirs = match hashes {
            Ok(hashes) => Tree::from_entries(&hashes),
            Err(error) => {
                return Err(self.alarm(
                    format!("{reason}; the server's log does not decode: {error}"),
                    None,
                ))
            }
        };
        if theirs.root(shown.size).ok() != Some(shown.root) {
            return Err(self.alarm(
                format!("{reason}; the server's records do not lead to its own signed checkpoint"),
                None,
            ));
        }
        let prefix = theirs.root(accepted.size).map_err(tree_error)?;
        if prefix == accepted.root {
            return Err(self.alarm(
                format!("{reason}, though the server's log extends the accepted checkpoint"),
                None,
            ));
        }
        let proof = theirs
            .consistency_proof(accepted.size, shown.size)
            .map_err(tree_error)?;
        let evidence = self.evidence(
            &accepted_note,
            note,
            (accepted.size, shown.size),
            proof,
            Some(prefix),
            &reason,
        );
        Err(self.alarm(reason, evidence))
    }

    fn evidence(
        &self,
        accepted: &str,
        shown: &str,
        proof_sizes: (u64, u64),
        proof: Vec<Hash>,
        prefix_root: Option<Hash>,
        reason: &str,
    ) -> Option<(String, Verdict)> {
        let evidence = Evidence {
            log_key: self.log_key.to_vkey(),
            observer: format!("rekap-mirror of {}", self.source.base()),
            time: unix_seconds(),
            reason: reason.to_owned(),
            accepted: accepted.to_owned(),
            shown: shown.to_owned(),
            proof_sizes,
            proof,
            prefix_root,
        };
        let path = evidence_path(
            &self.directory.join("evidence"),
            self.log_key.name(),
            evidence.time,
        );
        match write_durably(&path, evidence.to_text().as_bytes()) {
            Ok(()) => Some((path.display().to_string(), evidence.verify())),
            Err(error) => {
                eprintln!(
                    "mirror: the evidence could not be written to {}: {error}",
                    path.display()
                );
                None
            }
        }
    }

    /// Refuses the origin for good: the status's alarm, a line on stderr.
    fn alarm(&mut self, reason: String, evidence: Option<(String, Verdict)>) -> MirrorError {
        let (path, verdict) = match evidence {
            Some((path, Verdict::Proven(why))) => {
                (Some(path), format!("; evidence (proves it: {why})"))
            }
            Some((path, Verdict::NotProven(why))) => {
                (Some(path), format!("; evidence (does not prove it: {why})"))
            }
            None => (None, String::new()),
        };
        let location = path
            .as_ref()
            .map(|path| format!(" in {path}"))
            .unwrap_or_default();
        let message = format!(
            "{reason}{verdict}{location}; the mirror stops following {}",
            self.source.base()
        );
        eprintln!("ALARM: {message}");
        self.status.alarm = Some(Alarm {
            reason: message.clone(),
            evidence: path,
            at: unix_seconds(),
        });
        MirrorError::Alarm(message)
    }
}
