//! PLACEHOLDER until the SQLite store lands.
use super::*;
use std::path::Path;
use std::sync::Arc;
#[derive(Default)]
pub struct SqliteOptions;
pub struct SqliteStore;
impl SqliteStore {
    pub fn open(_p: &Path, _o: SqliteOptions) -> Result<Arc<SqliteStore>> {
        Err(StoreError::Closed)
    }
    pub fn close(&self) {}
}
impl Store for SqliteStore {
    fn current_rv(&self) -> Rv {
        0
    }
    fn compacted_rv(&self) -> Rv {
        0
    }
    fn get(&self, _key: &str) -> Option<Arc<Revision>> {
        None
    }
    fn list(&self, _opts: ListOptions<'_>) -> Result<ListResult> {
        Err(StoreError::Closed)
    }
    fn create(&self, _key: &str, _value: Value) -> BoxFuture<'_, Result<Arc<Revision>>> {
        Box::pin(async { Err(StoreError::Closed) })
    }
    fn update(
        &self,
        _key: &str,
        _e: Option<Rv>,
        _value: Value,
    ) -> BoxFuture<'_, Result<Arc<Revision>>> {
        Box::pin(async { Err(StoreError::Closed) })
    }
    fn delete(&self, _key: &str, _e: Option<Rv>) -> BoxFuture<'_, Result<Arc<Revision>>> {
        Box::pin(async { Err(StoreError::Closed) })
    }
    fn watch(&self, _prefix: &str, _after: Option<Rv>) -> Result<Box<dyn Watcher>> {
        Err(StoreError::Closed)
    }
    fn compact(&self, _rv: Rv) -> BoxFuture<'_, Result<()>> {
        Box::pin(async { Ok(()) })
    }
}
