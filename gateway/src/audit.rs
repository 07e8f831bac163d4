//! Audit records: one per mutating Kubernetes request that reached the gateway, written to the
//! platform database in batches by a task of [`crate::server`]. The proxy only sends; it never
//! waits for the database.

use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use crate::ids::{AccountId, ClusterId};

/// Who did what to which object, and how it ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    /// Unix time in milliseconds when the request arrived.
    pub at_ms: i64,
    pub account: AccountId,
    pub cluster: ClusterId,
    /// The credential used (kubeconfig token id, API token id or session id); never a secret.
    pub credential: String,
    /// Kubernetes verb: create, update, patch, delete, deletecollection.
    pub verb: String,
    /// `group/version/resource[/subresource]` or the raw path when it is not a resource path.
    pub resource: String,
    pub namespace: Option<String>,
    pub name: Option<String>,
    pub status: u16,
}

/// Where the proxy sends records. Sending never blocks; if the writer falls behind by more
/// than the channel's capacity the record is counted as dropped and logged.
#[derive(Clone)]
pub struct AuditSink {
    tx: mpsc::Sender<AuditRecord>,
}

impl AuditSink {
    /// A sink and the receiver the writer task drains.
    pub fn channel(capacity: usize) -> (Self, mpsc::Receiver<AuditRecord>) {
        let (tx, rx) = mpsc::channel(capacity);
        (Self { tx }, rx)
    }

    pub fn record(&self, record: AuditRecord) {
        if let Err(e) = self.tx.try_send(record) {
            tracing::warn!(error = %e, "audit record dropped");
        }
    }
}
