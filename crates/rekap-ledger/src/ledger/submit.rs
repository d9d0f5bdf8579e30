//! Deciding a batch of payloads while they are encoded and signed on another core.
//!
//! A bulk import decides 82 payloads of 10,000 sheets on the one thread that owns the
//! state; encoding each decided payload, signing it (ed25519 hashes the 1.4 MB message
//! twice with SHA-512) and checking the signature (a third pass) depend only on that
//! payload, so a signer thread does them for payload `i` while payload `i + 1` is decided.
//! The records, their order, counters, signatures and bytes are the same as when every
//! step runs in turn on one thread (tests/it/submit_pipeline.rs holds it).

use std::collections::BTreeMap;
use std::sync::mpsc;

use ed25519_dalek::SigningKey;
use rekap_log::{SignedSubmission, Storage, VerifiedSubmission};
use rekap_model::{encode_payload, Envelope, Event, Payload};

use super::Ledger;
use crate::error::LedgerError;
use crate::history_view::AppendedHistory;

/// What the signer hands back: a submission whose signature verified, or one that did not
/// (never for a key's own fresh signature; then the log's append refuses the batch).
pub(super) type Signed = Result<VerifiedSubmission, Box<SignedSubmission>>;

/// One decided payload on its way to the signer.
struct Unsigned<'key> {
    key: &'key SigningKey,
    counter: u64,
    payload: Payload,
}

impl Unsigned<'_> {
    fn sign(self) -> Signed {
        let encoded = encode_payload(&self.payload);
        // The payload's events are freed here too, on the signer's core.
        drop(self.payload);
        VerifiedSubmission::sign(self.key, self.counter, encoded)
    }
}

impl<S: Storage> Ledger<S> {
    /// Decides every payload into the state and projection in order, each signed by its
    /// key with the author's next counter; returns the signed submissions in the same
    /// order. On a refusal the state is rebuilt from the log and nothing is signed.
    pub(super) fn decide_and_sign<'key>(
        &mut self,
        payloads: impl ExactSizeIterator<Item = (&'key SigningKey, Vec<Event>)>,
        recorded_at_ms: u64,
        history: Option<&mut AppendedHistory>,
    ) -> Result<Vec<Signed>, LedgerError> {
        if payloads.len() < 2 {
            // One payload (a single command's): nothing to overlap, no thread to start.
            let mut signed = Vec::with_capacity(1);
            self.decide_each(payloads, recorded_at_ms, history, |unsigned| {
                signed.push(unsigned.sign())
            })?;
            return Ok(signed);
        }
        std::thread::scope(|scope| {
            let (to_signer, decided) = mpsc::channel::<Unsigned<'_>>();
            let signer = scope.spawn(move || decided.into_iter().map(Unsigned::sign).collect());
            let outcome = self.decide_each(payloads, recorded_at_ms, history, |unsigned| {
                // The signer only stops when this sender is dropped: sending cannot fail.
                let _ = to_signer.send(unsigned);
            });
            drop(to_signer);
            let signed: Vec<Signed> = match signer.join() {
                Ok(signed) => signed,
                Err(panic) => std::panic::resume_unwind(panic),
            };
            outcome.map(|()| signed)
        })
    }

    /// Decides each payload, handing it to `decided` with its key and counter.
    fn decide_each<'key>(
        &mut self,
        payloads: impl Iterator<Item = (&'key SigningKey, Vec<Event>)>,
        recorded_at_ms: u64,
        mut history: Option<&mut AppendedHistory>,
        mut decided: impl FnMut(Unsigned<'key>),
    ) -> Result<(), LedgerError> {
        let mut counters: BTreeMap<[u8; 32], u64> = BTreeMap::new();
        for (offset, (key, events)) in payloads.enumerate() {
            let author = key.verifying_key().to_bytes();
            let payload = Payload::Events {
                definition_hash: self.state.definition_hash(),
                events,
            };
            let envelope = Envelope {
                seq: self.log.head().count + 1 + offset as u64,
                recorded_at_ms,
                author,
            };
            let outcome = self
                .projection
                .execute_payload(&mut self.state, &envelope, &payload);
            let effects = match outcome {
                Ok(effects) => effects,
                Err(refusal) => {
                    self.rebuild_if_changed(offset)?;
                    return Err(LedgerError::Refused(refusal));
                }
            };
            if let (Some(history), Payload::Events { events, .. }) =
                (history.as_deref_mut(), &payload)
            {
                history.add(self.state.election(), &envelope, events, &effects);
            }
            let counter = match counters.get(&author) {
                Some(last) => last + 1,
                None => self.log.next_counter(&author)?,
            };
            counters.insert(author, counter);
            decided(Unsigned {
                key,
                counter,
                payload,
            });
        }
        Ok(())
    }
}
