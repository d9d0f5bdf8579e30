//! The verifying stage: the request threads hand each decoded submission here, and
//! verifying threads of their own (one per core) check the signatures of whatever is
//! waiting as a group, then answer each request thread. The signature check is most of a
//! submission's CPU; done on the runtime's workers, a read waited behind every writer's
//! curve arithmetic (four readers among 400 writers got a few hundred answers a second).
//! Off them, a worker only parses HTTP and enqueues, and a read is answered at once.
//!
//! Each member of a group is checked on its own, strictly (`rekap_ledger::admit`, the rule
//! of docs/FORMAT.md), so a forged signature is refused alone and never a neighbour.
//! ed25519-dalek's `verify_batch` is not used: it checks one random combination of the
//! cofactorless equations, which holds for a signature whose R carries a small-order
//! component (R + T) whenever the combination's weight cancels T (half the time for T of
//! order 2, and the weights are derived from the inputs, so a signer can try until it
//! does), while `verify_strict` compares R exactly and refuses it. A key holder could then
//! get a record into the log that `rekap verify` refuses. Ruling that out costs a check of
//! each R's torsion, about what the batch saves.
//!
//! What a verifying thread does keep is each author's key decoded ([`KeyCache`]): the
//! point's decompression is about a tenth of a check, and a country has a few thousand
//! officers signing again and again. The check itself stays `verify_strict`, unchanged.

use std::collections::HashMap;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};

use ed25519_dalek::VerifyingKey;
use rekap_ledger::SubmissionRefusal;
use rekap_log::{PublicKey, SignedSubmission, VerifiedSubmission};
use tokio::sync::oneshot;

use crate::writer::Answer;

/// A submission's verdict: verified, or why not (`bad-signature`, too large).
pub type Verified = Result<VerifiedSubmission, SubmissionRefusal>;

/// Where a verified submission goes (the writer's queue), with the request's reply: the
/// stage hands it on itself, so a request waits for one answer, not two.
pub type Forward = dyn Fn(VerifiedSubmission, oneshot::Sender<Answer>) + Send + Sync;

/// Most submissions one verifying thread takes at a time: enough to drain a burst, few
/// enough that the other thread gets its share of it.
const MAX_GROUP: usize = 64;

/// Most decoded keys one verifying thread keeps (about 200 bytes each): far above the
/// officers of a national election (about 7,800), so it fills only under keys sent once
/// each, and then it starts again empty.
pub const MAX_KEPT_KEYS: usize = 65_536;

/// Authors' keys as decoded points, by their 32 bytes, for one verifying thread (no lock).
/// Only keys that decode are kept; a key is only ever the decoding of its own bytes, so a
/// check with a kept key is the check with a freshly decoded one.
pub struct KeyCache {
    keys: HashMap<PublicKey, VerifyingKey>,
    limit: usize,
}

impl Default for KeyCache {
    fn default() -> Self {
        KeyCache::with_limit(MAX_KEPT_KEYS)
    }
}

impl KeyCache {
    /// A cache of at most `limit` keys.
    pub fn with_limit(limit: usize) -> Self {
        KeyCache {
            keys: HashMap::new(),
            limit: limit.max(1),
        }
    }

    /// `submission`'s verdict: `rekap_ledger::admit`'s, with its author's key decoded once.
    pub fn admit(&mut self, submission: SignedSubmission) -> Verified {
        match self.key(&submission.author) {
            Some(key) => rekap_ledger::admit_with_key(submission, &key),
            // Not a point: refused by the check that decodes it (as without a cache).
            None => rekap_ledger::admit(submission),
        }
    }

    /// How many keys are kept.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    fn key(&mut self, author: &PublicKey) -> Option<VerifyingKey> {
        if let Some(key) = self.keys.get(author) {
            return Some(*key);
        }
        let key = VerifyingKey::from_bytes(author).ok()?;
        if self.keys.len() >= self.limit {
            self.keys.clear();
        }
        self.keys.insert(*author, key);
        Some(key)
    }
}

struct Job {
    submission: SignedSubmission,
    reply: oneshot::Sender<Answer>,
}

/// The stage's entrance. Without verifying threads (none could be started) it checks on
/// the caller's thread instead.
pub struct Verifier {
    queue: Option<SyncSender<Job>>,
    forward: Arc<Forward>,
}

/// The stage's queue is full (the server is overloaded) or its threads stopped.
#[derive(Debug, PartialEq, Eq)]
pub struct Full(pub &'static str);

impl Verifier {
    /// Starts `threads` verifying threads behind a queue of `capacity` submissions; each
    /// verified submission goes to `forward`, each refused one is answered
    /// [`Answer::Refused`].
    pub fn start(threads: usize, capacity: usize, forward: Arc<Forward>) -> Verifier {
        let (queue, jobs) = std::sync::mpsc::sync_channel(capacity.max(1));
        let jobs = Arc::new(Mutex::new(jobs));
        let started = (0..threads.max(1))
            .filter(|index| {
                let (jobs, forward) = (jobs.clone(), forward.clone());
                std::thread::Builder::new()
                    .name(format!("rekap-verify-{index}"))
                    .spawn(move || run(&jobs, &*forward))
                    .is_ok()
            })
            .count();
        Verifier {
            queue: (started > 0).then_some(queue),
            forward,
        }
    }

    /// Hands `submission` to the stage; `reply` gets the writer's answer, or the refusal.
    pub fn submit(
        &self,
        submission: SignedSubmission,
        reply: oneshot::Sender<Answer>,
    ) -> Result<(), Full> {
        let Some(queue) = &self.queue else {
            answer(rekap_ledger::admit(submission), reply, &*self.forward);
            return Ok(());
        };
        queue
            .try_send(Job { submission, reply })
            .map_err(|error| match error {
                TrySendError::Full(_) => {
                    Full("the signature checks' queue is full; retry the same submission shortly")
                }
                TrySendError::Disconnected(_) => Full("the server is stopping"),
            })
    }
}

fn answer(verdict: Verified, reply: oneshot::Sender<Answer>, forward: &Forward) {
    match verdict {
        Ok(submission) => forward(submission, reply),
        // A request that timed out meanwhile has dropped its receiver: nothing to tell.
        Err(refusal) => drop(reply.send(Answer::Refused(refusal))),
    }
}

/// A verifying thread: takes what is waiting (up to [`MAX_GROUP`]), checks it, hands it
/// on; returns once the entrance is dropped.
fn run(jobs: &Mutex<Receiver<Job>>, forward: &Forward) {
    let mut keys = KeyCache::default();
    loop {
        let group = {
            let Ok(jobs) = jobs.lock() else { return };
            let Ok(first) = jobs.recv() else { return };
            let mut group = vec![first];
            while group.len() < MAX_GROUP {
                match jobs.try_recv() {
                    Ok(job) => group.push(job),
                    Err(_) => break,
                }
            }
            group
        };
        let (submissions, replies): (Vec<_>, Vec<_>) = group
            .into_iter()
            .map(|job| (job.submission, job.reply))
            .unzip();
        for (verdict, reply) in verify_group(&mut keys, submissions)
            .into_iter()
            .zip(replies)
        {
            answer(verdict, reply, forward);
        }
    }
}

/// Each submission's verdict, in order: every member checked on its own (see the module
/// comment), so one bad member never refuses another.
pub fn verify_group(keys: &mut KeyCache, submissions: Vec<SignedSubmission>) -> Vec<Verified> {
    submissions
        .into_iter()
        .map(|submission| keys.admit(submission))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::SigningKey;

    fn signed(seed: u8, counter: u64) -> SignedSubmission {
        SignedSubmission::sign(
            &SigningKey::from_bytes(&[seed; 32]),
            counter,
            vec![seed; 40],
        )
    }

    #[test]
    fn a_forged_signature_is_refused_alone_and_its_neighbours_verify() {
        let mut group: Vec<SignedSubmission> = (1..=9).map(|seed| signed(seed, 1)).collect();
        group[4].signature[10] ^= 1;
        let verdicts = verify_group(&mut KeyCache::default(), group.clone());
        for (index, (verdict, submission)) in verdicts.iter().zip(&group).enumerate() {
            match (index, verdict) {
                (4, Err(SubmissionRefusal::BadSignature { .. })) => {}
                (4, other) => panic!("the forged one: {other:?}"),
                (_, Ok(verified)) => assert_eq!(verified.submission(), submission),
                (_, Err(refusal)) => panic!("member {index} refused: {refusal:?}"),
            }
        }
    }

    /// What `verify_strict` itself says of `submission`, with its key decoded afresh.
    fn strictly(submission: &SignedSubmission) -> bool {
        let message = rekap_log::record::submission_message(
            &submission.author,
            submission.counter,
            &submission.payload,
        );
        VerifyingKey::from_bytes(&submission.author).is_ok_and(|key| {
            key.verify_strict(
                &message,
                &ed25519_dalek::Signature::from_bytes(&submission.signature),
            )
            .is_ok()
        })
    }

    /// Submissions `verify_strict` accepts and refuses, by authors whose keys are kept
    /// (each key's good submission first), among them the identity key's forgery that the
    /// plain check accepts.
    fn good_and_bad() -> Vec<SignedSubmission> {
        let mut all = Vec::new();
        for seed in 1..=4u8 {
            let good = signed(seed, 1);
            let mut payload = good.clone();
            payload.payload[0] ^= 1;
            let mut counter = good.clone();
            counter.counter += 1;
            let mut signature = good.clone();
            signature.signature[40] ^= 0x10;
            let mut other_author = good.clone();
            other_author.author = signed(seed + 10, 1).author;
            all.extend([
                good.clone(),
                payload,
                counter,
                signature,
                other_author,
                good,
            ]);
        }
        // The identity (a weak key): R = identity and S = 0 pass the plain cofactorless
        // check for any message; only the strict check refuses it.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let mut forged = [0u8; 64];
        forged[0] = 1;
        let forgery = SignedSubmission {
            author: identity,
            counter: 1,
            payload: vec![7; 40],
            signature: forged,
        };
        let message = rekap_log::record::submission_message(&identity, 1, &forgery.payload);
        let weak = VerifyingKey::from_bytes(&identity).unwrap();
        let plain = ed25519_dalek::Verifier::verify(
            &weak,
            &message,
            &ed25519_dalek::Signature::from_bytes(&forged),
        );
        assert!(plain.is_ok(), "the plain check accepts the forgery");
        all.extend([forgery.clone(), forgery]);
        // Bytes that are no point at all.
        let mut no_point = signed(5, 1);
        no_point.author = [0xff; 32];
        all.push(no_point);
        all
    }

    #[test]
    fn a_kept_key_never_accepts_what_verify_strict_refuses() {
        let submissions = good_and_bad();
        let mut keys = KeyCache::default();
        // Twice through the same cache: the second pass checks every one with a kept key.
        for pass in 0..2 {
            let verdicts = verify_group(&mut keys, submissions.clone());
            for (index, (verdict, submission)) in verdicts.iter().zip(&submissions).enumerate() {
                assert_eq!(
                    verdict.is_ok(),
                    strictly(submission),
                    "pass {pass}, submission {index}: {verdict:?}"
                );
            }
            assert!(verdicts.iter().any(Result::is_ok));
            assert!(verdicts.iter().any(Result::is_err));
        }
        let decoding: std::collections::BTreeSet<PublicKey> = submissions
            .iter()
            .map(|submission| submission.author)
            .filter(|author| VerifyingKey::from_bytes(author).is_ok())
            .collect();
        assert_eq!(
            keys.len(),
            decoding.len(),
            "only keys that decode, once each"
        );
    }

    #[test]
    fn the_key_cache_stays_within_its_limit_and_still_verifies() {
        let mut keys = KeyCache::with_limit(3);
        for round in 0..3u64 {
            for seed in 1..=7u8 {
                assert!(keys.admit(signed(seed, round + 1)).is_ok());
                assert!(keys.len() <= 3, "{}", keys.len());
                let mut forged = signed(seed, round + 1);
                forged.signature[3] ^= 1;
                assert!(keys.admit(forged).is_err());
            }
        }
    }

    /// A stage whose verified submissions are answered with a placeholder, so a test sees
    /// which went on: `Failed("forwarded")`.
    fn stage(threads: usize, capacity: usize) -> Verifier {
        let forward: Arc<Forward> = Arc::new(|_, reply: oneshot::Sender<Answer>| {
            let _ = reply.send(Answer::Failed("forwarded".into()));
        });
        Verifier::start(threads, capacity, forward)
    }

    /// Each of `submissions` through `verifier` at once: whether it went on (`Ok(true)`),
    /// was refused (`Ok(false)`), or found the stage full (`Err`), in order.
    fn through(verifier: Verifier, submissions: Vec<SignedSubmission>) -> Vec<Result<bool, Full>> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(async {
            let mut answers = Vec::new();
            for submission in submissions {
                let (reply, answer) = oneshot::channel();
                answers.push(verifier.submit(submission, reply).map(|()| answer));
            }
            let mut verdicts = Vec::new();
            for answer in answers {
                verdicts.push(match answer {
                    Ok(answer) => Ok(match answer.await.unwrap() {
                        Answer::Failed(why) if why == "forwarded" => true,
                        Answer::Refused(SubmissionRefusal::BadSignature { .. }) => false,
                        other => panic!("{other:?}"),
                    }),
                    Err(full) => Err(full),
                });
            }
            verdicts
        })
    }

    #[test]
    fn the_stage_hands_on_the_good_ones_and_refuses_the_forged_ones() {
        let forged = |counter: u64| counter % 50 == 13;
        let submissions = (0..200u64)
            .map(|counter| {
                let mut submission = signed(7, counter + 1);
                if forged(counter) {
                    submission.payload.push(0);
                }
                submission
            })
            .collect();
        let verdicts = through(stage(2, 1024), submissions);
        let expected: Vec<Result<bool, Full>> =
            (0..200u64).map(|counter| Ok(!forged(counter))).collect();
        assert_eq!(verdicts, expected);
    }

    #[test]
    fn a_full_stage_says_so_instead_of_waiting() {
        // One thread and one slot, all handed over at once: most find the queue full.
        let submissions = (0..500u64).map(|counter| signed(3, counter + 1)).collect();
        let verdicts = through(stage(1, 1), submissions);
        assert!(verdicts.iter().any(Result::is_err));
        assert!(verdicts.contains(&Ok(true)));
    }
}
