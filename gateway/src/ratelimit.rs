//! CONTRACT STUB (owner: helper "proxy"). Replace; keep the names.

#[derive(Default)]
pub struct RateLimits {}

impl RateLimits {
    pub fn new() -> Self {
        Self {}
    }
}
