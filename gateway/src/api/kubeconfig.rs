//! Kubeconfigs and their cluster-scoped tokens: download a kubeconfig (each download issues a
//! new token), list a cluster's kubeconfig tokens, revoke one or all of them.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::clusters::{ClusterUse, find_cluster, lookup_cluster, server_url};
use super::extract::{ApiPath, Caller, ClusterPath, ClusterTokenPath};
use super::problem::{ApiError, Problem};
use super::rfc3339;
use crate::auth::ClusterTokenInfo;
use crate::db::Cluster;
use crate::ids::{AccountId, KubeconfigTokenId};
use crate::state::AppState;

/// A kubeconfig file (the subset kubicle writes).
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Kubeconfig {
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    pub kind: String,
    pub clusters: Vec<NamedCluster>,
    pub users: Vec<NamedUser>,
    pub contexts: Vec<NamedContext>,
    #[serde(rename = "current-context")]
    pub current_context: String,
}

#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct NamedCluster {
    pub name: String,
    pub cluster: KubeconfigCluster,
}

#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct KubeconfigCluster {
    pub server: String,
    /// Base64 of the PEM of the CA that signed the server certificate.
    #[serde(rename = "certificate-authority-data")]
    pub certificate_authority_data: String,
}

#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct NamedUser {
    pub name: String,
    pub user: KubeconfigUser,
}

#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct KubeconfigUser {
    pub token: String,
}

#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct NamedContext {
    pub name: String,
    pub context: KubeconfigContext,
}

#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct KubeconfigContext {
    pub cluster: String,
    pub user: String,
}

impl Kubeconfig {
    /// One cluster, one user and one context, all named after the cluster, the context
    /// current.
    pub fn single(name: &str, server: String, ca_pem: &str, token: String) -> Self {
        let user = format!("{name}-user");
        Kubeconfig {
            api_version: "v1".to_owned(),
            kind: "Config".to_owned(),
            clusters: vec![NamedCluster {
                name: name.to_owned(),
                cluster: KubeconfigCluster {
                    server,
                    certificate_authority_data: base64::engine::general_purpose::STANDARD
                        .encode(ca_pem),
                },
            }],
            users: vec![NamedUser {
                name: user.clone(),
                user: KubeconfigUser { token },
            }],
            contexts: vec![NamedContext {
                name: name.to_owned(),
                context: KubeconfigContext {
                    cluster: name.to_owned(),
                    user,
                },
            }],
            current_context: name.to_owned(),
        }
    }
}

/// A kubeconfig token without its secret.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct KubeconfigTokenView {
    #[schema(example = "kabcdefghijklmnopqrst")]
    pub id: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub expires_at: String,
    #[schema(format = DateTime)]
    pub revoked_at: Option<String>,
}

impl From<ClusterTokenInfo> for KubeconfigTokenView {
    fn from(t: ClusterTokenInfo) -> Self {
        KubeconfigTokenView {
            id: t.id.to_string(),
            created_at: rfc3339(t.created_at_ms),
            expires_at: rfc3339(t.expires_at_ms),
            revoked_at: t.revoked_at_ms.map(rfc3339),
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct KubeconfigTokenList {
    pub items: Vec<KubeconfigTokenView>,
}

/// A kubeconfig for the cluster, with a new token valid only for this cluster.
#[utoipa::path(
    get, path = "/api/v1/clusters/{cluster}/kubeconfig", tag = "kubeconfigs",
    security(("bearer" = [])),
    params(ClusterPath),
    responses(
        (status = 200, description = "a kubeconfig file", content_type = "application/yaml", body = String,
            headers(("Content-Disposition" = String, description = "attachment; filename=\"<name>.kubeconfig\""))),
        (status = 401, description = "not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "no such cluster in this account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "the cluster is being deleted", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn kubeconfig(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath(ClusterPath { cluster: c }): ApiPath<ClusterPath>,
) -> Result<Response, ApiError> {
    let (cluster, yaml) = issue(&state, &caller.account, &c).await?;
    let disposition = HeaderValue::from_str(&format!(
        "attachment; filename=\"{}.kubeconfig\"",
        cluster.name
    ))
    .map_err(ApiError::internal)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/yaml"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        yaml,
    )
        .into_response())
}

/// A kubeconfig (YAML) for one of the account's clusters, with a new cluster-scoped token
/// (the REST API and the web pages).
pub async fn issue(
    state: &AppState,
    account: &AccountId,
    id_or_name: &str,
) -> Result<(Cluster, String), ApiError> {
    let cluster = lookup_cluster(state, account, id_or_name, ClusterUse::NewAccess).await?;
    let token = state.auth.issue_cluster_token(account, &cluster.id).await?;
    tracing::info!("kubeconfig token issued");
    let config = Kubeconfig::single(
        &cluster.name,
        server_url(state, &cluster.id),
        &state.ca_pem,
        token,
    );
    let yaml = serde_yaml::to_string(&config).map_err(ApiError::internal)?;
    Ok((cluster, yaml))
}

/// The kubeconfig tokens issued for the cluster, newest first.
#[utoipa::path(
    get, path = "/api/v1/clusters/{cluster}/tokens", tag = "kubeconfigs",
    security(("bearer" = [])),
    params(ClusterPath),
    responses(
        (status = 200, description = "the tokens", body = KubeconfigTokenList),
        (status = 401, description = "not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "no such cluster in this account", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_kubeconfig_tokens(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath(ClusterPath { cluster: c }): ApiPath<ClusterPath>,
) -> Result<axum::Json<KubeconfigTokenList>, ApiError> {
    let cluster = find_cluster(&state, &caller.account, &c).await?;
    let tokens = state
        .auth
        .list_cluster_tokens(&caller.account, &cluster.id)
        .await?;
    Ok(axum::Json(KubeconfigTokenList {
        items: tokens.into_iter().map(KubeconfigTokenView::from).collect(),
    }))
}

/// Revoke one kubeconfig token of the cluster (effective within one second).
#[utoipa::path(
    delete, path = "/api/v1/clusters/{cluster}/tokens/{id}", tag = "kubeconfigs",
    security(("bearer" = [])),
    params(ClusterTokenPath),
    responses(
        (status = 204, description = "revoked"),
        (status = 401, description = "not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "no such cluster or token", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn revoke_kubeconfig_token(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath(ClusterTokenPath { cluster: c, id }): ApiPath<ClusterTokenPath>,
) -> Result<StatusCode, ApiError> {
    let cluster = find_cluster(&state, &caller.account, &c).await?;
    let not_found = || ApiError::NotFound(format!("no kubeconfig token {id:?} for this cluster"));
    let token = KubeconfigTokenId::parse(&id).ok_or_else(not_found)?;
    if !state
        .auth
        .revoke_cluster_token(&caller.account, &cluster.id, &token)
        .await?
    {
        return Err(not_found());
    }
    tracing::info!(token = %token, "kubeconfig token revoked");
    Ok(StatusCode::NO_CONTENT)
}

/// Revoke every kubeconfig token of the cluster (effective within one second).
#[utoipa::path(
    delete, path = "/api/v1/clusters/{cluster}/tokens", tag = "kubeconfigs",
    security(("bearer" = [])),
    params(ClusterPath),
    responses(
        (status = 204, description = "all revoked"),
        (status = 401, description = "not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "no such cluster in this account", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn revoke_kubeconfig_tokens(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath(ClusterPath { cluster: c }): ApiPath<ClusterPath>,
) -> Result<StatusCode, ApiError> {
    let cluster = find_cluster(&state, &caller.account, &c).await?;
    state.auth.revoke_cluster_tokens(&cluster.id).await?;
    tracing::info!("all kubeconfig tokens revoked");
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubeconfig_yaml_round_trips() {
        let k = Kubeconfig::single(
            "demo",
            "https://h:1/k8s/c".into(),
            "-----BEGIN CERTIFICATE-----\n",
            "tok".into(),
        );
        let yaml = serde_yaml::to_string(&k).unwrap();
        assert!(yaml.contains("current-context: demo"), "{yaml}");
        assert!(yaml.contains("certificate-authority-data:"), "{yaml}");
        let back: Kubeconfig = serde_yaml::from_str(&yaml).unwrap();
        assert_eq!(back, k);
    }
}
