//! CONTRACT STUB (owner: helper "server"). Replace the bodies; keep the signatures.

use std::time::Duration;

use crate::ids::ClusterId;

#[derive(Default)]
pub struct Metrics {}

#[allow(unused_variables)]
impl Metrics {
    pub fn new() -> Self {
        Self {}
    }
    /// One proxied Kubernetes request (or REST request with `cluster` None).
    pub fn request(&self, cluster: Option<&ClusterId>, method: &str, code: u16, elapsed: Duration) {
    }
    /// A control plane became ready; `wake` is false for the first start of a new cluster.
    pub fn control_plane_ready(&self, elapsed: Duration, wake: bool) {}
    /// Current counts, set by the supervisor whenever they change.
    pub fn set_control_planes(&self, awake: usize, asleep: usize) {}
    /// Prometheus text exposition format.
    pub fn render(&self) -> String {
        String::new()
    }
}
