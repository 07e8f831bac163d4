//! The platform: everything `kubicle server` runs in one process.
//!
//! - [`config`]: flags, env vars and TOML file, parsed once into [`config::Config`].
//! - [`tls`]: the self-generated CA and server certificate (or the operator's own).
//! - [`db`]: the platform database through sqlx (SQLite by default, PostgreSQL for a fleet).
//! - [`auth`]: passwords, sessions, API tokens, JWT keys and cluster-scoped kubeconfig tokens.
//! - [`api`]: REST API v1 with RFC 9457 problems and a generated OpenAPI document.
//! - [`proxy`]: `/k8s/<cluster>/…`, authenticated and forwarded to the cluster's control plane.
//! - [`ratelimit`]: per-tenant token buckets and caps on in-flight requests and watches.
//! - [`supervisor`]: one `kubicle apiserver` process per awake cluster, in its own cgroup.
//! - [`audit`]: one record per mutating Kubernetes request.
//! - [`metrics`]: Prometheus text exposition on a separate address.
//! - [`web`]: the server-rendered pages (templates and assets in the top-level `web/` folder).
//! - [`server`]: assembles the above and serves HTTPS until SIGTERM.
//!
//! It must not reach into a control plane's data: a cluster's SQLite file belongs to its
//! `kubicle apiserver` process, which the supervisor starts and the proxy talks to.

pub mod api;
pub mod audit;
pub mod auth;
pub mod config;
pub mod db;
pub mod ids;
pub mod metrics;
pub mod proxy;
pub mod ratelimit;
pub mod server;
pub mod state;
pub mod supervisor;
pub mod tls;
pub mod web;
