//! What readers are answered from: an immutable state and its totals view at one
//! committed head, published by the publisher (`publisher.rs`) after commits.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use axum::body::Bytes;

use rekap_ledger::view::TotalsView;
use rekap_log::Head;
use rekap_model::State;
use rekap_projection::RaisedFlag;

/// The ledger as of one head the log holds durably.
pub struct Snapshot {
    pub head: Head,
    pub state: State,
    /// Behind a lock of its own because a view's reader caches blocks; readers hold it
    /// for one selection (microseconds), the writer never.
    totals: Mutex<TotalsView>,
    pub flags: Vec<RaisedFlag>,
    /// Serialized answers of the hot read routes (`/v1/totals`, `/v1/status`) by query:
    /// a snapshot never changes, so an answer built once is right for its whole life, and
    /// the thousands of readers asking for the same province between two publishes cost a
    /// lookup instead of a selection, a report and a JSON build each.
    answers: AnswerCache,
}

/// What an answer is kept under: the route's name, then its query values as given.
pub type AnswerKey = Vec<Option<String>>;

/// At most this many answers are kept per snapshot (a limit on everything: odd queries
/// cannot grow it without bound); past it answers are built and not kept.
pub const MAX_KEPT_ANSWERS: usize = 4_096;

/// At most this many bytes of answers are kept per snapshot (two snapshots live at once:
/// the published one and the replica being brought up to date).
pub const MAX_KEPT_ANSWER_BYTES: usize = 64 << 20;

impl Snapshot {
    /// A snapshot of `state` at `head`, which must be committed (the log holds it durably).
    pub fn new(head: Head, state: State, totals: TotalsView, flags: Vec<RaisedFlag>) -> Self {
        Snapshot {
            head,
            state,
            totals: Mutex::new(totals),
            flags,
            answers: AnswerCache::default(),
        }
    }

    /// A copy of `ledger` as it is now (benches and tests; the server's publisher keeps
    /// replicas instead of copying); call only when the head is committed.
    pub fn of<S: rekap_log::Storage>(ledger: &rekap_ledger::Ledger<S>) -> Snapshot {
        Snapshot::new(
            ledger.head(),
            ledger.state().clone(),
            ledger.totals_view(None),
            ledger.projection().flags().to_vec(),
        )
    }

    /// The head and state back, for the publisher to bring up to date (crate::publisher).
    pub(crate) fn into_head_and_state(self) -> (Head, State) {
        (self.head, self.state)
    }
}

impl Snapshot {
    pub fn totals(&self) -> MutexGuard<'_, TotalsView> {
        self.totals
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The answer kept for `key`, or the one `build` makes (AnswerCache::answer).
    pub fn answer<E>(
        &self,
        key: AnswerKey,
        build: impl FnOnce() -> Result<Bytes, E>,
    ) -> Result<Bytes, E> {
        self.answers.answer(key, build)
    }
}

/// Answers built once per snapshot, by key: at most MAX_KEPT_ANSWERS of them and
/// MAX_KEPT_ANSWER_BYTES in all (a national village-level answer is megabytes).
#[derive(Default)]
pub struct AnswerCache {
    kept: Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    answers: BTreeMap<AnswerKey, Bytes>,
    bytes: usize,
}

impl AnswerCache {
    /// The answer kept for `key`, or the one `build` makes (kept if there is room). An
    /// error is never kept: it is built again, so it cannot outlive its cause. The lock is
    /// not held while building, so a slow build does not stop readers of other keys; two
    /// readers of one new key may both build it, and the first kept stays.
    pub fn answer<E>(
        &self,
        key: AnswerKey,
        build: impl FnOnce() -> Result<Bytes, E>,
    ) -> Result<Bytes, E> {
        if let Some(kept) = self.lock().answers.get(&key) {
            return Ok(kept.clone());
        }
        let answer = build()?;
        let mut kept = self.lock();
        if let Some(first) = kept.answers.get(&key) {
            return Ok(first.clone());
        }
        let room = kept.answers.len() < MAX_KEPT_ANSWERS
            && kept.bytes + answer.len() <= MAX_KEPT_ANSWER_BYTES;
        if room {
            kept.bytes += answer.len();
            kept.answers.insert(key, answer.clone());
        }
        Ok(answer)
    }

    /// How many answers are kept.
    pub fn len(&self) -> usize {
        self.lock().answers.len()
    }

    /// How many bytes of answers are kept.
    pub fn kept_bytes(&self) -> usize {
        self.lock().bytes
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> MutexGuard<'_, Kept> {
        self.kept
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The latest snapshot. The lock is held only to swap or clone the pointer, never while a
/// snapshot is built or read, so a reader does not wait for the writer.
#[derive(Default)]
pub struct Published {
    current: RwLock<Option<Arc<Snapshot>>>,
}

impl Published {
    pub fn get(&self) -> Option<Arc<Snapshot>> {
        self.current.read().ok().and_then(|current| current.clone())
    }

    pub fn set(&self, snapshot: Snapshot) {
        self.set_shared(Arc::new(snapshot));
    }

    /// Publishes a snapshot the caller keeps a handle on (the publisher takes it back once
    /// no reader holds it).
    pub fn set_shared(&self, snapshot: Arc<Snapshot>) {
        if let Ok(mut current) = self.current.write() {
            *current = Some(snapshot);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(value: &str) -> AnswerKey {
        vec![Some("totals".to_string()), Some(value.to_string())]
    }

    #[test]
    fn an_answer_is_built_once_and_then_kept() {
        let cache = AnswerCache::default();
        let mut builds = 0;
        for _ in 0..3 {
            let answer = cache.answer(key("64"), || {
                builds += 1;
                Ok::<_, ()>(Bytes::from_static(b"{}"))
            });
            assert_eq!(answer, Ok(Bytes::from_static(b"{}")));
        }
        assert_eq!(builds, 1);
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn an_error_is_never_kept() {
        let cache = AnswerCache::default();
        assert_eq!(
            cache.answer(key("99"), || Err::<Bytes, _>("unknown")),
            Err("unknown")
        );
        assert!(cache.is_empty());
        let answer = cache.answer(key("99"), || Ok::<_, &str>(Bytes::from_static(b"1")));
        assert_eq!(answer, Ok(Bytes::from_static(b"1")));
    }

    #[test]
    fn absent_and_empty_values_are_different_keys() {
        let cache = AnswerCache::default();
        let absent = vec![Some("totals".to_string()), None];
        let empty = vec![Some("totals".to_string()), Some(String::new())];
        let _ = cache.answer(absent, || Ok::<_, ()>(Bytes::from_static(b"a")));
        let answer = cache.answer(empty, || Ok::<_, ()>(Bytes::from_static(b"e")));
        assert_eq!(answer, Ok(Bytes::from_static(b"e")));
    }

    #[test]
    fn past_the_limit_answers_are_built_and_not_kept() {
        let cache = AnswerCache::default();
        for index in 0..MAX_KEPT_ANSWERS + 10 {
            let body = Bytes::from(index.to_string());
            let answer = cache.answer(key(&index.to_string()), || Ok::<_, ()>(body.clone()));
            assert_eq!(answer, Ok(body));
        }
        assert_eq!(cache.len(), MAX_KEPT_ANSWERS);
    }

    #[test]
    fn past_the_byte_budget_answers_are_built_and_not_kept() {
        let cache = AnswerCache::default();
        let large = Bytes::from(vec![b'x'; MAX_KEPT_ANSWER_BYTES / 2 + 1]);
        for index in 0..3 {
            let answer = cache.answer(key(&index.to_string()), || Ok::<_, ()>(large.clone()));
            assert_eq!(answer.map(|body| body.len()), Ok(large.len()));
        }
        assert_eq!(cache.len(), 1);
        assert_eq!(cache.kept_bytes(), large.len());
        assert!(cache.kept_bytes() <= MAX_KEPT_ANSWER_BYTES);
    }
}
