//! Rate limits: token buckets keyed by a string ([`KeyedLimiter`], used for login attempts per
//! email and per client address) and the per-tenant limits of `/k8s/…` ([`RateLimits`]: a
//! request-rate bucket, a cap on requests in flight and a cap on open watches per account).
//!
//! Everything here is in memory and per process; nothing is persisted. A limit that trips
//! says how long to wait, which the callers turn into `Retry-After`. This module owns no
//! HTTP: the proxy and the REST API map [`Limited`] and the `Duration`s to responses.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use parking_lot::{Mutex, RwLock};

use crate::ids::AccountId;

/// How long a caller is told to wait when `per_second` is zero (a bucket that never refills).
const NEVER: Duration = Duration::from_secs(3600);

/// Maps with more entries than this are swept of idle (full, unused) entries on insert.
const SWEEP_ABOVE: usize = 4096;

/// One token bucket: `burst` tokens at most, refilled continuously at `per_second`.
#[derive(Clone, Debug)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

impl Bucket {
    fn full(burst: u32, now: Instant) -> Self {
        Self {
            tokens: f64::from(burst),
            last: now,
        }
    }

    fn refill(&mut self, burst: u32, per_second: f64, now: Instant) {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * per_second).min(f64::from(burst));
        self.last = now;
    }

    /// Takes one token, or says how long until one is available.
    fn take(&mut self, burst: u32, per_second: f64, now: Instant) -> Result<(), Duration> {
        self.refill(burst, per_second, now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            return Ok(());
        }
        if per_second <= 0.0 {
            return Err(NEVER);
        }
        Err(Duration::from_secs_f64((1.0 - self.tokens) / per_second))
    }

    /// True when the bucket would be full now: forgetting it changes nothing.
    fn is_idle(&self, burst: u32, per_second: f64, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens + elapsed * per_second >= f64::from(burst)
    }
}

/// Token buckets keyed by any string (login attempts per email and per client address).
pub struct KeyedLimiter {
    burst: u32,
    per_second: f64,
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl KeyedLimiter {
    /// `burst` requests at once, refilled at `per_second`.
    pub fn new(burst: u32, per_second: f64) -> Self {
        Self {
            burst,
            per_second,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token, or says how long until one is available.
    pub fn check(&self, key: &str) -> Result<(), Duration> {
        let now = Instant::now();
        let (burst, rate) = (self.burst, self.per_second);
        let mut buckets = self.buckets.lock();
        if let Some(bucket) = buckets.get_mut(key) {
            return bucket.take(burst, rate, now);
        }
        if buckets.len() >= SWEEP_ABOVE {
            buckets.retain(|_, b| !b.is_idle(burst, rate, now));
        }
        let mut bucket = Bucket::full(burst, now);
        let taken = bucket.take(burst, rate, now);
        buckets.insert(key.to_owned(), bucket);
        taken
    }

    /// Number of keys currently remembered (for tests and metrics).
    pub fn len(&self) -> usize {
        self.buckets.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Per-tenant limits on `/k8s/…`.
#[derive(Clone, Debug, PartialEq)]
pub struct RateLimitConfig {
    /// Requests an account may send at once before the rate applies.
    pub burst: u32,
    /// Sustained requests per second per account.
    pub per_second: f64,
    /// Requests of one account being served at the same time (watches, followed logs and
    /// upgraded connections do not count here; they count as watches).
    pub max_in_flight: u32,
    /// Open watches of one account, including followed logs and upgraded connections (exec,
    /// attach, port-forward): every long-running request.
    pub max_watches: u32,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self {
            burst: 200,
            per_second: 100.0,
            max_in_flight: 64,
            max_watches: 100,
        }
    }
}

/// What a request holds while it runs: short requests count against the in-flight cap,
/// long-running ones (watches, followed logs, upgrades) against the watch cap.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    InFlight,
    Watch,
}

/// Why a request was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Limited {
    #[error("too many requests, retry after {retry_after:?}")]
    Rate { retry_after: Duration },
    #[error("too many requests in flight")]
    InFlight,
    #[error("too many open watches")]
    Watches,
}

impl Limited {
    /// How long the caller should wait before trying again.
    pub fn retry_after(&self) -> Duration {
        match self {
            Limited::Rate { retry_after } => *retry_after,
            Limited::InFlight | Limited::Watches => Duration::from_secs(1),
        }
    }

    /// `Retry-After` in whole seconds, at least 1.
    pub fn retry_after_secs(&self) -> u64 {
        retry_after_secs(self.retry_after())
    }
}

/// Whole seconds for `Retry-After`, rounded up, at least 1.
pub fn retry_after_secs(d: Duration) -> u64 {
    let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    secs.max(1)
}

/// One account's counters.
struct Tenant {
    bucket: Mutex<Bucket>,
    in_flight: AtomicU32,
    watches: AtomicU32,
}

/// Per-tenant limits on `/k8s/…`: request rate, requests in flight, open watches.
pub struct RateLimits {
    config: RateLimitConfig,
    tenants: RwLock<HashMap<AccountId, Arc<Tenant>>>,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self::new()
    }
}

impl RateLimits {
    /// Limits with [`RateLimitConfig::default`].
    pub fn new() -> Self {
        Self::with_config(RateLimitConfig::default())
    }

    pub fn with_config(config: RateLimitConfig) -> Self {
        Self {
            config,
            tenants: RwLock::new(HashMap::new()),
        }
    }

    pub fn config(&self) -> &RateLimitConfig {
        &self.config
    }

    fn tenant(&self, account: &AccountId, now: Instant) -> Arc<Tenant> {
        if let Some(t) = self.tenants.read().get(account) {
            return t.clone();
        }
        let mut tenants = self.tenants.write();
        if tenants.len() >= SWEEP_ABOVE {
            let (burst, rate) = (self.config.burst, self.config.per_second);
            tenants.retain(|_, t| {
                Arc::strong_count(t) > 1 || !t.bucket.lock().is_idle(burst, rate, now)
            });
        }
        tenants
            .entry(account.clone())
            .or_insert_with(|| {
                Arc::new(Tenant {
                    bucket: Mutex::new(Bucket::full(self.config.burst, now)),
                    in_flight: AtomicU32::new(0),
                    watches: AtomicU32::new(0),
                })
            })
            .clone()
    }

    /// Admits one request of `account` occupying `slot`, or says why not. The returned
    /// [`Permit`] frees the slot when dropped; hold it until the response has ended.
    pub fn admit(&self, account: &AccountId, slot: Slot) -> Result<Permit, Limited> {
        let now = Instant::now();
        let tenant = self.tenant(account, now);
        let (counter, cap, refused) = match slot {
            Slot::InFlight => (
                &tenant.in_flight,
                self.config.max_in_flight,
                Limited::InFlight,
            ),
            Slot::Watch => (&tenant.watches, self.config.max_watches, Limited::Watches),
        };
        // Reserve the slot first so that a refused request does not spend a token.
        if counter
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < cap).then_some(n + 1)
            })
            .is_err()
        {
            return Err(refused);
        }
        let taken = tenant
            .bucket
            .lock()
            .take(self.config.burst, self.config.per_second, now);
        if let Err(retry_after) = taken {
            counter.fetch_sub(1, Ordering::AcqRel);
            return Err(Limited::Rate { retry_after });
        }
        Ok(Permit { tenant, slot })
    }

    /// Requests in flight and open watches of `account` right now.
    pub fn usage(&self, account: &AccountId) -> (u32, u32) {
        match self.tenants.read().get(account) {
            Some(t) => (
                t.in_flight.load(Ordering::Acquire),
                t.watches.load(Ordering::Acquire),
            ),
            None => (0, 0),
        }
    }
}

/// A request's place under its account's caps; freed on drop.
pub struct Permit {
    tenant: Arc<Tenant>,
    slot: Slot,
}

impl Permit {
    pub fn slot(&self) -> Slot {
        self.slot
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        let counter = match self.slot {
            Slot::InFlight => &self.tenant.in_flight,
            Slot::Watch => &self.tenant.watches,
        };
        counter.fetch_sub(1, Ordering::AcqRel);
    }
}

impl std::fmt::Debug for Permit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Permit").field("slot", &self.slot).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyed_limiter_allows_the_burst_then_says_how_long_to_wait() {
        let l = KeyedLimiter::new(5, 0.1);
        for _ in 0..5 {
            l.check("a@example.com").unwrap();
        }
        let wait = l.check("a@example.com").unwrap_err();
        assert!(
            wait > Duration::from_secs(9) && wait <= Duration::from_secs(10),
            "{wait:?}"
        );
        assert_eq!(retry_after_secs(wait), 10);
        // Other keys have their own bucket.
        l.check("b@example.com").unwrap();
        assert_eq!(l.len(), 2);
    }

    #[test]
    fn keyed_limiter_refills_over_time() {
        let l = KeyedLimiter::new(2, 50.0);
        l.check("k").unwrap();
        l.check("k").unwrap();
        let wait = l.check("k").unwrap_err();
        assert!(wait <= Duration::from_millis(20), "{wait:?}");
        std::thread::sleep(Duration::from_millis(25));
        l.check("k").unwrap();
        assert!(l.check("k").is_err());
    }

    #[test]
    fn a_bucket_that_never_refills_says_so() {
        let l = KeyedLimiter::new(1, 0.0);
        l.check("k").unwrap();
        assert_eq!(l.check("k").unwrap_err(), NEVER);
        let l = KeyedLimiter::new(0, 1.0);
        assert!(l.check("k").is_err());
    }

    #[test]
    fn keyed_limiter_forgets_idle_keys_when_large() {
        let l = KeyedLimiter::new(1, 1000.0);
        for i in 0..SWEEP_ABOVE {
            l.check(&format!("k{i}")).unwrap();
        }
        std::thread::sleep(Duration::from_millis(5));
        l.check("one more").unwrap();
        assert!(l.len() < 10, "{}", l.len());
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(retry_after_secs(Duration::ZERO), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(10)), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(1001)), 2);
        assert_eq!(retry_after_secs(Duration::from_secs(3)), 3);
    }

    fn limits(burst: u32, per_second: f64, max_in_flight: u32, max_watches: u32) -> RateLimits {
        RateLimits::with_config(RateLimitConfig {
            burst,
            per_second,
            max_in_flight,
            max_watches,
        })
    }

    #[test]
    fn defaults_are_sensible() {
        let c = RateLimits::new().config().clone();
        assert_eq!(
            (c.burst, c.per_second, c.max_in_flight, c.max_watches),
            (200, 100.0, 64, 100)
        );
    }

    #[test]
    fn request_rate_is_per_account() {
        let l = limits(3, 1.0, 100, 100);
        let a = AccountId::new_random();
        let b = AccountId::new_random();
        for _ in 0..3 {
            drop(l.admit(&a, Slot::InFlight).unwrap());
        }
        match l.admit(&a, Slot::InFlight) {
            Err(e @ Limited::Rate { retry_after }) => {
                assert!(retry_after <= Duration::from_secs(1), "{retry_after:?}");
                assert_eq!(e.retry_after_secs(), 1);
            }
            other => panic!("{other:?}"),
        }
        // Watches spend tokens from the same bucket.
        assert!(matches!(
            l.admit(&a, Slot::Watch),
            Err(Limited::Rate { .. })
        ));
        l.admit(&b, Slot::InFlight).unwrap();
        // A refused request gave its slot back.
        assert_eq!(l.usage(&a), (0, 0));
    }

    #[test]
    fn in_flight_cap_holds_until_permits_drop() {
        let l = limits(1000, 1000.0, 2, 100);
        let a = AccountId::new_random();
        let p1 = l.admit(&a, Slot::InFlight).unwrap();
        let p2 = l.admit(&a, Slot::InFlight).unwrap();
        let e = l.admit(&a, Slot::InFlight).unwrap_err();
        assert_eq!(e, Limited::InFlight);
        assert_eq!(e.retry_after_secs(), 1);
        // Watches are counted apart.
        let w = l.admit(&a, Slot::Watch).unwrap();
        assert_eq!(l.usage(&a), (2, 1));
        drop(p1);
        let p3 = l.admit(&a, Slot::InFlight).unwrap();
        drop((p2, p3, w));
        assert_eq!(l.usage(&a), (0, 0));
    }

    #[test]
    fn watch_cap_holds_until_permits_drop() {
        let l = limits(1000, 1000.0, 2, 3);
        let a = AccountId::new_random();
        let ws: Vec<_> = (0..3).map(|_| l.admit(&a, Slot::Watch).unwrap()).collect();
        assert_eq!(l.admit(&a, Slot::Watch).unwrap_err(), Limited::Watches);
        // Another tenant is not affected.
        l.admit(&AccountId::new_random(), Slot::Watch).unwrap();
        // Short requests still pass.
        l.admit(&a, Slot::InFlight).unwrap();
        drop(ws);
        l.admit(&a, Slot::Watch).unwrap();
    }

    #[test]
    fn caps_hold_under_concurrency() {
        let l = Arc::new(limits(1_000_000, 1e9, 8, 100));
        let a = AccountId::new_random();
        let peak = Arc::new(AtomicU32::new(0));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let (l, a, peak) = (l.clone(), a.clone(), peak.clone());
                std::thread::spawn(move || {
                    for _ in 0..2000 {
                        if let Ok(p) = l.admit(&a, Slot::InFlight) {
                            peak.fetch_max(l.usage(&a).0, Ordering::AcqRel);
                            drop(p);
                        }
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert!(peak.load(Ordering::Acquire) <= 8);
        assert_eq!(l.usage(&a), (0, 0));
    }
}
