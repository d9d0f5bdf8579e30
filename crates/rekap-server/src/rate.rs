//! Per-key and per-address rate limits: token buckets, refilled by elapsed time.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Instant;

/// Buckets of one kind (keys or addresses). A rate of 0 turns the limit off.
pub struct RateLimiter<K: Ord> {
    per_second: u32,
    burst: u32,
    buckets: Mutex<BTreeMap<K, Bucket>>,
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

/// More buckets than this and idle full ones are dropped, so memory stays bounded.
const MAX_BUCKETS: usize = 100_000;

impl<K: Ord + Clone> RateLimiter<K> {
    pub fn new(per_second: u32, burst: u32) -> Self {
        Self {
            per_second,
            burst: burst.max(1),
            buckets: Mutex::new(BTreeMap::new()),
        }
    }

    /// Takes one token for `key`; `Err(seconds)` to wait if there is none.
    pub fn take(&self, key: &K) -> Result<(), u64> {
        if self.per_second == 0 {
            return Ok(());
        }
        let now = Instant::now();
        let Ok(mut buckets) = self.buckets.lock() else {
            return Ok(());
        };
        if buckets.len() >= MAX_BUCKETS {
            let (rate, burst) = (f64::from(self.per_second), f64::from(self.burst));
            buckets.retain(|_, bucket| {
                bucket.tokens + now.duration_since(bucket.at).as_secs_f64() * rate < burst
            });
        }
        let bucket = buckets.entry(key.clone()).or_insert(Bucket {
            tokens: f64::from(self.burst),
            at: now,
        });
        let refill = now.duration_since(bucket.at).as_secs_f64() * f64::from(self.per_second);
        bucket.tokens = (bucket.tokens + refill).min(f64::from(self.burst));
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait = (1.0 - bucket.tokens) / f64::from(self.per_second);
            Err(wait.ceil().max(1.0) as u64)
        }
    }
}
