//! CONTRACT STUB (owner: helper "platform-core"). Replace the bodies; keep the signatures
//! (add more as needed).

use crate::audit::AuditRecord;
use crate::ids::{AccountId, ClusterId, KubeconfigTokenId, SessionId, TokenId};

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("already exists")]
    Conflict,
    #[error("quota of {0} clusters reached")]
    QuotaExceeded(u32),
    #[error("database error: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DbKind {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Db {}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub id: AccountId,
    pub email: String,
    pub password_hash: String,
    pub created_at_ms: i64,
}

/// Stored lifecycle of a cluster. `Sleeping` is not stored: the API reports it for a Ready
/// cluster whose control plane is not running.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClusterStatus {
    Provisioning,
    Ready,
    Failed,
    Deleting,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cluster {
    pub id: ClusterId,
    pub account: AccountId,
    pub name: String,
    pub status: ClusterStatus,
    pub created_at_ms: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiToken {
    pub id: TokenId,
    pub account: AccountId,
    pub name: String,
    pub created_at_ms: i64,
    pub expires_at_ms: Option<i64>,
    pub last_used_at_ms: Option<i64>,
    pub revoked_at_ms: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub id: SessionId,
    pub account: AccountId,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
    pub revoked_at_ms: Option<i64>,
}

#[allow(unused_variables)]
impl Db {
    /// `sqlite://PATH` (created if missing) or `postgres://…`; applies migrations/.
    pub async fn connect(url: &str) -> Result<Db, DbError> {
        todo!()
    }
    pub fn kind(&self) -> DbKind {
        todo!()
    }
    pub async fn create_account(
        &self,
        email: &str,
        password_hash: &str,
    ) -> Result<Account, DbError> {
        todo!()
    }
    pub async fn account_by_email(&self, email: &str) -> Result<Option<Account>, DbError> {
        todo!()
    }
    pub async fn account(&self, id: &AccountId) -> Result<Option<Account>, DbError> {
        todo!()
    }
    pub async fn list_api_tokens(&self, account: &AccountId) -> Result<Vec<ApiToken>, DbError> {
        todo!()
    }
    /// Marks the token revoked; false when the account has no such token.
    pub async fn revoke_api_token(
        &self,
        account: &AccountId,
        id: &TokenId,
    ) -> Result<bool, DbError> {
        todo!()
    }
    /// Creates a cluster row in Provisioning. With an idempotency key already used by this
    /// account for the same name, returns the existing cluster and `false`.
    pub async fn create_cluster(
        &self,
        account: &AccountId,
        name: &str,
        idempotency_key: Option<&str>,
        quota: u32,
    ) -> Result<(Cluster, bool), DbError> {
        todo!()
    }
    pub async fn list_clusters(&self, account: &AccountId) -> Result<Vec<Cluster>, DbError> {
        todo!()
    }
    /// The account's cluster by id or by name; None for another account's cluster.
    pub async fn cluster_for_account(
        &self,
        account: &AccountId,
        id_or_name: &str,
    ) -> Result<Option<Cluster>, DbError> {
        todo!()
    }
    pub async fn cluster(&self, id: &ClusterId) -> Result<Option<Cluster>, DbError> {
        todo!()
    }
    pub async fn all_clusters(&self) -> Result<Vec<Cluster>, DbError> {
        todo!()
    }
    pub async fn set_cluster_status(
        &self,
        id: &ClusterId,
        status: ClusterStatus,
    ) -> Result<(), DbError> {
        todo!()
    }
    /// Removes the cluster row and revokes its kubeconfig tokens.
    pub async fn delete_cluster(&self, id: &ClusterId) -> Result<(), DbError> {
        todo!()
    }
    pub async fn insert_audit(&self, records: &[AuditRecord]) -> Result<(), DbError> {
        todo!()
    }
    pub async fn list_audit(
        &self,
        account: &AccountId,
        limit: u32,
    ) -> Result<Vec<AuditRecord>, DbError> {
        todo!()
    }
    #[doc(hidden)]
    pub fn _unused(_: KubeconfigTokenId) {}
}
