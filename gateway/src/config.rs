//! CONTRACT STUB (owner: helper "server"). Replace with the real module; keep these names.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Validated settings of `kubicle server` (flags > env vars > TOML file > defaults).
#[derive(Clone, Debug)]
pub struct Config {
    pub data_dir: PathBuf,
    pub listen: SocketAddr,
    /// `https://HOST:PORT` without a trailing slash; kubeconfigs point here.
    pub advertise_url: String,
    pub database_url: String,
    pub idle_timeout: Duration,
    pub metrics_listen: SocketAddr,
    /// Clusters one account may have at once.
    pub cluster_quota: u32,
    pub control_plane: ControlPlaneLimits,
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
}

/// cgroup limits of one control-plane process.
#[derive(Clone, Debug)]
pub struct ControlPlaneLimits {
    pub memory_bytes: u64,
    /// CPU in thousandths of a core.
    pub cpu_millis: u64,
    pub pids: u64,
}
