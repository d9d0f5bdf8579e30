//! Spreading independent work (hashes, signature checks) over every core, in order.

/// Below this many items a single thread is faster than starting threads.
const MINIMUM_PER_THREAD: usize = 64;

/// Maps `items` with `work` on every available core; results are in the order of `items`.
/// A worker that panics cannot happen for the pure functions used here; if it did, the
/// panic is propagated rather than silently dropping results.
pub fn parallel_map<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    if threads < 2 || items.len() < 2 * MINIMUM_PER_THREAD {
        return items.iter().map(&work).collect();
    }
    let per_thread = items.len().div_ceil(threads);
    let work = &work;
    std::thread::scope(|scope| {
        let workers: Vec<_> = items
            .chunks(per_thread)
            .map(|slice| scope.spawn(move || slice.iter().map(work).collect::<Vec<R>>()))
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| match worker.join() {
                Ok(results) => results,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}
