//! CONTRACT STUB (owner: helper "proxy"). Replace the bodies; keep the signatures.

use std::time::Duration;

use crate::ids::AccountId;

/// Token buckets keyed by any string (login attempts per email and per client address).
pub struct KeyedLimiter {}

#[allow(unused_variables)]
impl KeyedLimiter {
    /// `burst` requests at once, refilled at `per_second`.
    pub fn new(burst: u32, per_second: f64) -> Self {
        todo!()
    }
    /// Takes one token, or says how long until one is available.
    pub fn check(&self, key: &str) -> Result<(), Duration> {
        todo!()
    }
}

/// Per-tenant limits on `/k8s/…`: request rate, requests in flight, open watches.
pub struct RateLimits {}

impl Default for RateLimits {
    fn default() -> Self {
        Self::new()
    }
}

impl RateLimits {
    pub fn new() -> Self {
        Self {}
    }
    #[doc(hidden)]
    pub fn _unused(_: AccountId) {}
}
