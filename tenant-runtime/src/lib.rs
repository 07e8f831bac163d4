//! The tenant runtime: everything one tenant cluster's control plane runs.
//!
//! - [`store`]: revisioned object storage (one SQLite file per cluster) with a watch cache.
//! - [`apiserver`]: the Kubernetes API served over that store.
//!
//! Nothing here knows about accounts, tokens or other tenants; the gateway owns those.

pub mod apiserver;
pub mod store;
