//! Revisioned object storage for one tenant cluster.
//!
//! This module owns the narrow interface every storage backend implements: revisioned
//! get/list/create/update/delete, watch from a revision, and compaction. It knows nothing of
//! Kubernetes beyond one rule: the stored JSON value carries its own revision in
//! `metadata.resourceVersion` (as a decimal string), set by the store when it commits.
//! Keys are opaque strings; callers list and watch by key prefix.
//!
//! One monotonic revision counter per cluster. A write is acknowledged only after it is durable.

use std::sync::Arc;

use bytes::Bytes;
use futures::future::BoxFuture;
use serde_json::Value;

pub mod sqlite;

/// A resourceVersion: the cluster-wide revision at which an object was last written.
pub type Rv = u64;

/// One committed revision of one object.
#[derive(Debug)]
pub struct Revision {
    /// The object's key.
    pub key: Arc<str>,
    /// The revision of the write that produced this state (for a deletion: the deletion's revision).
    pub rv: Rv,
    /// The revision at which the object was created (kept across updates).
    pub create_rv: Rv,
    /// The object, with `metadata.resourceVersion` set to `rv`.
    pub value: Value,
    /// The JSON encoding of `value`.
    pub bytes: Bytes,
}

/// What happened to an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    Added,
    Modified,
    Deleted,
}

/// One committed change, as seen by watchers.
#[derive(Debug)]
pub struct Event {
    pub kind: EventKind,
    /// The new state (for `Deleted`: the last state, with `rv` the deletion's revision).
    pub object: Arc<Revision>,
    /// The state before this change (`None` for `Added`).
    pub prev: Option<Arc<Revision>>,
}

impl Event {
    pub fn rv(&self) -> Rv {
        self.object.rv
    }
}

/// Errors a caller branches on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// create of a key that exists
    #[error("object already exists")]
    AlreadyExists { current: Arc<Revision> },
    /// update or delete of a missing key
    #[error("object not found")]
    NotFound,
    /// update or delete whose expected revision is not the current one
    #[error("object has been modified")]
    Conflict { current: Arc<Revision> },
    /// a list snapshot or watch start below the oldest retained revision
    #[error("revision {requested} has been compacted (oldest retained: {oldest})")]
    Compacted { requested: Rv, oldest: Rv },
    /// a list or watch at a revision the store has not reached yet
    #[error("revision {requested} is newer than the current revision {current}")]
    TooNew { requested: Rv, current: Rv },
    /// a watcher fell too far behind the event stream and must re-list
    #[error("watcher fell behind and must restart")]
    WatcherLagged,
    /// the store is shutting down or its writer is gone
    #[error("store is closed")]
    Closed,
    /// the value could not be encoded
    #[error("invalid object: {0}")]
    Invalid(String),
    /// an I/O or database error; nothing of the failed write was kept
    #[error("storage failure: {0}")]
    Backend(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// How to list.
pub struct ListOptions<'a> {
    /// Only keys starting with this prefix.
    pub prefix: &'a str,
    /// Only keys strictly greater than this one (pagination).
    pub start_after: Option<&'a str>,
    /// List the state as of this revision (`None`: the latest committed state).
    /// Below the compacted revision: `StoreError::Compacted`.
    pub at_rv: Option<Rv>,
    /// At most this many matching items (`None` or 0: all).
    pub limit: Option<usize>,
    /// Only items for which this returns true count and are returned.
    pub filter: Option<&'a (dyn Fn(&Revision) -> bool + Sync)>,
}

/// The result of a list.
#[derive(Debug)]
pub struct ListResult {
    /// Matching items in key order.
    pub items: Vec<Arc<Revision>>,
    /// The revision of the snapshot listed.
    pub rv: Rv,
    /// When `limit` cut the list short: the last key returned (continue from there).
    pub continue_after: Option<String>,
    /// When cut short: how many more matching items the snapshot holds.
    pub remaining: Option<u64>,
}

/// A stream of events for keys under one prefix, in revision order, each exactly once.
pub trait Watcher: Send {
    /// The next event, or an error (`WatcherLagged`, `Closed`) after which the stream ends.
    fn next(&mut self) -> BoxFuture<'_, Result<Arc<Event>>>;
}

/// A revisioned store. Implementations must be safe to share across tasks.
pub trait Store: Send + Sync + 'static {
    /// The latest committed revision.
    fn current_rv(&self) -> Rv;
    /// The oldest revision from which a watch can start or a snapshot can be listed.
    fn compacted_rv(&self) -> Rv;
    /// The latest committed state of one key.
    fn get(&self, key: &str) -> Option<Arc<Revision>>;
    /// Items under a prefix, at the latest or an older retained revision.
    fn list(&self, opts: ListOptions<'_>) -> Result<ListResult>;
    /// Create a key. The store sets `metadata.resourceVersion`.
    fn create(&self, key: &str, value: Value) -> BoxFuture<'_, Result<Arc<Revision>>>;
    /// Replace a key's value; `expected` (when given) must equal the current revision.
    fn update(
        &self,
        key: &str,
        expected: Option<Rv>,
        value: Value,
    ) -> BoxFuture<'_, Result<Arc<Revision>>>;
    /// Delete a key; `expected` (when given) must equal the current revision.
    /// Returns the final state, whose revision is the deletion's.
    fn delete(&self, key: &str, expected: Option<Rv>) -> BoxFuture<'_, Result<Arc<Revision>>>;
    /// Events for keys under `prefix` with revision greater than `after`
    /// (`None`: from now on). Below the compacted revision: `StoreError::Compacted`.
    fn watch(&self, prefix: &str, after: Option<Rv>) -> Result<Box<dyn Watcher>>;
    /// Discard history at and below `rv` (bounded by the current revision).
    fn compact(&self, rv: Rv) -> BoxFuture<'_, Result<()>>;
}

impl Revision {
    /// This state re-labelled with another revision (`metadata.resourceVersion` included), as
    /// a watcher sees an object leave its selection at a later revision.
    pub fn at_revision(&self, rv: Rv) -> Revision {
        let mut value = self.value.clone();
        if let Some(m) = value.get_mut("metadata").and_then(|m| m.as_object_mut()) {
            m.insert("resourceVersion".into(), Value::String(rv.to_string()));
        }
        let bytes = Bytes::from(serde_json::to_vec(&value).unwrap_or_default());
        Revision {
            key: self.key.clone(),
            rv,
            create_rv: self.create_rv,
            value,
            bytes,
        }
    }
}
