//! Spreading independent work (hashes, signature checks) over every core, in order.

/// Below this much work per thread a single thread is faster than starting threads: 64
/// small records, or one large payload.
const MINIMUM_BYTES_PER_THREAD: usize = 64 * 1024;
/// Work every item costs besides its bytes (a signature check, a record's fixed fields).
const BYTES_PER_ITEM: usize = 1024;

/// Maps `items` with `work` on every available core; results are in the order of `items`.
/// `bytes_of` sizes an item's work to decide whether threads are worth starting, so that a
/// batch of a few large payloads (a bulk import: 82 records of 1.4 MB) is spread like many
/// small ones. Items are split evenly by count, which suits batches of similar items.
/// A worker that panics cannot happen for the pure functions used here; if it did, the
/// panic is propagated rather than silently dropping results.
pub fn parallel_map<T: Sync, R: Send>(
    items: &[T],
    bytes_of: impl Fn(&T) -> usize,
    work: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let total: usize = items
        .iter()
        .map(|item| BYTES_PER_ITEM.saturating_add(bytes_of(item)))
        .fold(0, usize::saturating_add);
    if threads < 2 || items.len() < 2 || total < 2 * MINIMUM_BYTES_PER_THREAD {
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
