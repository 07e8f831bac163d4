//! The state every handler shares: one [`Platform`] behind an `Arc`.

use std::sync::Arc;

use crate::audit::AuditSink;
use crate::auth::Auth;
use crate::config::Config;
use crate::db::Db;
use crate::metrics::Metrics;
use crate::ratelimit::RateLimits;
use crate::supervisor::Supervisor;

pub struct Platform {
    pub config: Arc<Config>,
    pub db: Db,
    pub auth: Arc<Auth>,
    pub supervisor: Arc<Supervisor>,
    pub limits: Arc<RateLimits>,
    pub audit: AuditSink,
    pub metrics: Arc<Metrics>,
    /// PEM of the CA that signed the server certificate (goes into kubeconfigs).
    pub ca_pem: String,
}

pub type AppState = Arc<Platform>;
