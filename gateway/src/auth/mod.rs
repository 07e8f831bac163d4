//! CONTRACT STUB (owner: helper "platform-core"). Replace the bodies; keep the signatures.

use std::path::Path;
use std::time::Duration;

use crate::db::{ApiToken, Db};
use crate::ids::{AccountId, ClusterId, KubeconfigTokenId, SessionId, TokenId};

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// Missing, malformed, expired, revoked, wrong audience/issuer/cluster: always 401 and
    /// never says which.
    #[error("unauthorized")]
    Unauthorized,
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
    #[error("key store: {0}")]
    Keys(String),
}

/// How an API caller authenticated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Credential {
    Session(SessionId),
    ApiToken(TokenId),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    pub account: AccountId,
    pub credential: Credential,
}

/// A caller of `/k8s/<cluster>/…` holding that cluster's kubeconfig token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterPrincipal {
    pub account: AccountId,
    pub cluster: ClusterId,
    pub token: KubeconfigTokenId,
    /// The account's email, sent to the control plane as the user name.
    pub user: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterTokenInfo {
    pub id: KubeconfigTokenId,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
    pub revoked_at_ms: Option<i64>,
}

pub struct Auth {}

#[allow(unused_variables)]
impl Auth {
    /// Loads the JWT signing keys from `DATA_DIR/keys/` or creates them on first start.
    pub async fn load_or_create(data_dir: &Path, issuer: &str, db: Db) -> Result<Auth, AuthError> {
        todo!()
    }
    /// argon2id; runs on a blocking thread.
    pub async fn hash_password(&self, password: &str) -> Result<String, AuthError> {
        todo!()
    }
    pub async fn verify_password(&self, hash: &str, password: &str) -> bool {
        todo!()
    }
    /// A session JWT for the REST API and web (creates the session row).
    pub async fn issue_session(&self, account: &AccountId) -> Result<String, AuthError> {
        todo!()
    }
    pub async fn end_session(&self, session: &SessionId) -> Result<(), AuthError> {
        todo!()
    }
    /// An opaque API token; the secret is returned once and stored only as a hash.
    pub async fn issue_api_token(
        &self,
        account: &AccountId,
        name: &str,
        expires_in: Option<Duration>,
    ) -> Result<(ApiToken, String), AuthError> {
        todo!()
    }
    /// A JWT valid only for `/k8s/<cluster>/…`, revocable (its jti is stored).
    pub async fn issue_cluster_token(
        &self,
        account: &AccountId,
        cluster: &ClusterId,
    ) -> Result<String, AuthError> {
        todo!()
    }
    /// Kubeconfig tokens issued for the cluster (id, created, revoked), newest first.
    pub async fn list_cluster_tokens(
        &self,
        account: &AccountId,
        cluster: &ClusterId,
    ) -> Result<Vec<ClusterTokenInfo>, AuthError> {
        todo!()
    }
    /// Revokes one kubeconfig token; false when there is no such token of this cluster.
    pub async fn revoke_cluster_token(
        &self,
        account: &AccountId,
        cluster: &ClusterId,
        token: &KubeconfigTokenId,
    ) -> Result<bool, AuthError> {
        todo!()
    }
    /// Revokes every kubeconfig token of the cluster; takes effect within one second.
    pub async fn revoke_cluster_tokens(&self, cluster: &ClusterId) -> Result<(), AuthError> {
        todo!()
    }
    /// A session JWT or an API token; kubeconfig tokens are refused here.
    pub async fn authenticate_api(&self, bearer: &str) -> Result<Principal, AuthError> {
        todo!()
    }
    /// Only a kubeconfig token of exactly this cluster, not revoked, whose cluster exists.
    pub async fn authenticate_cluster(
        &self,
        bearer: &str,
        cluster: &ClusterId,
    ) -> Result<ClusterPrincipal, AuthError> {
        todo!()
    }
}
