//! Per-key and per-address rate limits: token buckets, refilled by elapsed time. The
//! buckets are split over [`SHARDS`] locks by a byte of the key, so that two request
//! threads limiting different keys (or addresses) do not wait for one lock.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

/// Buckets of one kind (keys or addresses). A rate of 0 turns the limit off.
pub struct RateLimiter<K: Ord> {
    per_second: u32,
    burst: u32,
    shards: Box<[Mutex<BTreeMap<K, Bucket>>]>,
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

/// How many locks the buckets are split over.
pub const SHARDS: usize = 16;

/// More buckets than this in one shard and its idle full ones are dropped, so memory stays
/// bounded (100,000 in all).
const MAX_BUCKETS_PER_SHARD: usize = 100_000 / SHARDS;

/// What a bucket is kept under: which shard it belongs to, from its own bytes (never a
/// hasher's random state, so the split is the same on every run).
pub trait Sharded {
    fn shard(&self) -> usize;
}

impl Sharded for [u8; 32] {
    /// A key's first byte: public keys are uniformly distributed.
    fn shard(&self) -> usize {
        usize::from(self[0]) % SHARDS
    }
}

impl Sharded for IpAddr {
    /// The address's last byte: the one that differs between neighbours.
    fn shard(&self) -> usize {
        let last = match self {
            IpAddr::V4(address) => address.octets()[3],
            IpAddr::V6(address) => address.octets()[15],
        };
        usize::from(last) % SHARDS
    }
}

impl<K: Ord + Clone + Sharded> RateLimiter<K> {
    pub fn new(per_second: u32, burst: u32) -> Self {
        Self {
            per_second,
            burst: burst.max(1),
            shards: (0..SHARDS).map(|_| Mutex::new(BTreeMap::new())).collect(),
        }
    }

    /// Takes one token for `key`; `Err(seconds)` to wait if there is none.
    pub fn take(&self, key: &K) -> Result<(), u64> {
        if self.per_second == 0 {
            return Ok(());
        }
        let now = Instant::now();
        let Some(mut buckets) = self.shard(key) else {
            return Ok(());
        };
        if buckets.len() >= MAX_BUCKETS_PER_SHARD {
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

    /// How many buckets are kept, in all shards.
    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .filter_map(|shard| shard.lock().ok().map(|buckets| buckets.len()))
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The locked shard of `key` (`None` if a thread panicked holding it: then the limit
    /// is not applied rather than every request refused).
    fn shard(&self, key: &K) -> Option<MutexGuard<'_, BTreeMap<K, Bucket>>> {
        self.shards.get(key.shard() % SHARDS)?.lock().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(first: u8, last: u8) -> [u8; 32] {
        let mut key = [0u8; 32];
        (key[0], key[31]) = (first, last);
        key
    }

    #[test]
    fn each_key_has_its_own_burst_in_whichever_shard_it_falls() {
        let limits = RateLimiter::new(1, 2);
        // Two keys of one shard (same first byte) and one of another.
        for key in [key(3, 1), key(3, 2), key(4, 1)] {
            assert_eq!(limits.take(&key), Ok(()));
            assert_eq!(limits.take(&key), Ok(()));
            assert_eq!(limits.take(&key), Err(1), "the burst is 2");
        }
        assert_eq!(limits.len(), 3);
        let off = RateLimiter::new(0, 1);
        assert!(
            (0..10).all(|_| off.take(&key(1, 1)).is_ok()),
            "a rate of 0 is off"
        );
        assert!(off.is_empty());
    }

    #[test]
    fn idle_full_buckets_are_dropped_once_a_shard_is_full() {
        let limits = RateLimiter::new(1_000_000, 1);
        for n in 0..=MAX_BUCKETS_PER_SHARD as u32 {
            let mut key = [0u8; 32];
            key[28..].copy_from_slice(&n.to_le_bytes());
            let _ = limits.take(&key);
        }
        // At a million tokens a second a bucket is full again a microsecond later: the
        // shard was emptied of them when it reached its limit, and the last key kept.
        let kept = limits.len();
        assert!((1..MAX_BUCKETS_PER_SHARD / 2).contains(&kept), "{kept}");
    }

    #[test]
    fn addresses_spread_by_their_last_byte() {
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let v6: IpAddr = "::1".parse().unwrap();
        assert_ne!(a.shard(), b.shard());
        assert_eq!(v6.shard(), 1);
        assert_eq!(key(17, 0).shard(), 1);
    }
}
