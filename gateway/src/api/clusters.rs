//! Clusters: create (idempotent, optionally waiting until the control plane answers), list,
//! get, delete; and the background tasks that bring a new cluster up and tear one down.
//!
//! Lifecycle as stored: Provisioning → Ready (or Failed) → Deleting → gone. Sleeping is not
//! stored: it is a Ready cluster whose control plane the supervisor has put to sleep.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tracing::Instrument;
use utoipa::{IntoParams, ToSchema};

use super::extract::{ApiPath, ApiQuery, Caller, ClusterPath, IdempotencyKey, JsonBody};
use super::problem::{ApiError, Problem};
use super::rfc3339;
use crate::db::{Cluster, ClusterStatus, DbError};
use crate::ids::AccountId;
use crate::ids::ClusterId;
use crate::state::AppState;
use crate::supervisor::ProcessState;

/// Longest cluster name.
pub const MAX_NAME_CHARS: usize = 40;

/// How long `?wait=true` on an idempotent replay waits for a cluster still provisioning.
const REPLAY_WAIT: Duration = Duration::from_secs(120);

/// A cluster's status as the API reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum ClusterPhase {
    /// Created; its control plane is being started for the first time.
    Provisioning,
    /// Its control plane is running.
    Ready,
    /// Ready, but its control plane sleeps; the next Kubernetes request wakes it.
    Sleeping,
    /// Its control plane could not be started; delete it.
    Failed,
    /// Being deleted with all its data.
    Deleting,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ClusterView {
    #[schema(example = "cabcdefghijklmnopqrst")]
    pub id: String,
    #[schema(example = "demo")]
    pub name: String,
    pub status: ClusterPhase,
    /// The Kubernetes API of the cluster: `<advertise url>/k8s/<id>`.
    #[schema(example = "https://localhost:8443/k8s/cabcdefghijklmnopqrst")]
    pub server_url: String,
    #[schema(format = DateTime)]
    pub created_at: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ClusterList {
    pub items: Vec<ClusterView>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateClusterRequest {
    /// A DNS-1123 label of at most 40 characters, unique in the account.
    #[schema(
        example = "demo",
        pattern = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$",
        max_length = 40
    )]
    pub name: String,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WaitQuery {
    /// Answer only once the operation is complete (the cluster answers Kubernetes requests,
    /// or is gone).
    #[serde(default)]
    pub wait: bool,
}

/// The Kubernetes API URL of a cluster.
pub fn server_url(state: &AppState, id: &ClusterId) -> String {
    format!(
        "{}/k8s/{}",
        state.config.advertise_url.trim_end_matches('/'),
        id
    )
}

fn phase(state: &AppState, cluster: &Cluster) -> ClusterPhase {
    match cluster.status {
        ClusterStatus::Provisioning => ClusterPhase::Provisioning,
        ClusterStatus::Ready if state.supervisor.state(&cluster.id) == ProcessState::Asleep => {
            ClusterPhase::Sleeping
        }
        ClusterStatus::Ready => ClusterPhase::Ready,
        ClusterStatus::Failed => ClusterPhase::Failed,
        ClusterStatus::Deleting => ClusterPhase::Deleting,
    }
}

pub fn view(state: &AppState, cluster: &Cluster) -> ClusterView {
    ClusterView {
        id: cluster.id.to_string(),
        name: cluster.name.clone(),
        status: phase(state, cluster),
        server_url: server_url(state, &cluster.id),
        created_at: rfc3339(cluster.created_at_ms),
    }
}

/// DNS-1123 label of at most [`MAX_NAME_CHARS`], and not shaped like a cluster id (names and
/// ids share the `{cluster}` path segment).
pub fn validate_cluster_name(name: &str) -> Result<(), ApiError> {
    let bytes = name.as_bytes();
    let label = !bytes.is_empty()
        && bytes.len() <= MAX_NAME_CHARS
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes[0] != b'-'
        && bytes[bytes.len() - 1] != b'-';
    if !label {
        return Err(ApiError::InvalidClusterName(format!(
            "{name:?} is not a valid cluster name: use 1 to {MAX_NAME_CHARS} lowercase letters, \
             digits and '-', starting and ending with a letter or digit"
        )));
    }
    if ClusterId::parse(name).is_some() {
        return Err(ApiError::InvalidClusterName(format!(
            "{name:?} has the form of a cluster id; choose another name"
        )));
    }
    Ok(())
}

/// What a request is about to do with a cluster it looks up, which decides whether a cluster
/// being deleted is still acceptable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClusterUse {
    /// Read it, revoke its tokens or delete it (again): fine while it is being deleted.
    Any,
    /// Give out new access to it (a kubeconfig): refused with 409 while it is being deleted.
    NewAccess,
}

/// The one lookup every cluster endpoint (REST and web pages) goes through: the caller's
/// cluster by id or name, recorded on the request span. Another account's cluster is not
/// found (404), like one that does not exist; a cluster being deleted is a 409 for
/// [`ClusterUse::NewAccess`].
pub async fn lookup_cluster(
    state: &AppState,
    account: &AccountId,
    id_or_name: &str,
    purpose: ClusterUse,
) -> Result<Cluster, ApiError> {
    let cluster = state
        .db
        .cluster_for_account(account, id_or_name)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no cluster {id_or_name:?}")))?;
    tracing::Span::current().record("cluster", cluster.id.as_str());
    if purpose == ClusterUse::NewAccess && cluster.status == ClusterStatus::Deleting {
        return Err(ApiError::ClusterConflict(format!(
            "cluster {:?} is being deleted",
            cluster.name
        )));
    }
    Ok(cluster)
}

/// [`lookup_cluster`] for [`ClusterUse::Any`].
pub async fn find_cluster(
    state: &AppState,
    account: &AccountId,
    id_or_name: &str,
) -> Result<Cluster, ApiError> {
    lookup_cluster(state, account, id_or_name, ClusterUse::Any).await
}

/// Starts the new cluster's control plane (creating its data) and records the outcome.
async fn provision(state: AppState, id: ClusterId) {
    let started = state.supervisor.acquire(&id).await;
    let current = match state.db.cluster(&id).await {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "reading the new cluster back failed");
            return;
        }
    };
    match (started, current) {
        (Ok(lease), Some(c)) if c.status == ClusterStatus::Provisioning => {
            drop(lease);
            match state.db.set_cluster_status(&id, ClusterStatus::Ready).await {
                Ok(()) => tracing::info!("cluster ready"),
                Err(e) => tracing::error!(error = %e, "recording the ready cluster failed"),
            }
        }
        (Err(e), Some(c))
            if c.status == ClusterStatus::Provisioning && state.supervisor.is_shutting_down() =>
        {
            // Not the cluster's fault: it stays Provisioning, and the next start resumes it.
            tracing::info!(error = %e, "server stopping; provisioning resumes at the next start");
        }
        (Err(e), Some(c)) if c.status == ClusterStatus::Provisioning => {
            tracing::error!(error = %e, "control plane of the new cluster failed to start");
            if let Err(e) = state
                .db
                .set_cluster_status(&id, ClusterStatus::Failed)
                .await
            {
                tracing::error!(error = %e, "recording the failed cluster failed");
            }
        }
        (started, _) => {
            // Deleted while it was starting: make sure nothing of it is left running.
            drop(started);
            if let Err(e) = state.supervisor.remove(&id).await {
                tracing::warn!(error = %e, "removing a cluster deleted while starting failed");
            }
        }
    }
}

/// Removes everything of a cluster: its kubeconfig tokens first (so that nothing wakes it
/// again), then its control plane and data, then its row and metric series. On error the
/// cluster is left Failed, and the delete can be retried.
async fn teardown(state: AppState, id: ClusterId) -> Result<(), ApiError> {
    let result: Result<(), ApiError> = async {
        state.auth.revoke_cluster_tokens(&id).await?;
        state.supervisor.remove(&id).await?;
        state.db.delete_cluster(&id).await?;
        state.metrics.forget_cluster(&id);
        Ok(())
    }
    .await;
    match &result {
        Ok(()) => tracing::info!("cluster deleted"),
        Err(e) => {
            tracing::error!(error = ?e, "deleting the cluster failed");
            if let Err(e) = state
                .db
                .set_cluster_status(&id, ClusterStatus::Failed)
                .await
            {
                tracing::error!(error = %e, "recording the failed deletion failed");
            }
        }
    }
    result
}

/// How many interrupted clusters [`resume_interrupted`] handles at the same time.
const RESUME_CONCURRENCY: usize = 4;

/// What [`resume_interrupted`] found and did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Resumed {
    /// Provisioning clusters whose control plane came up: now Ready.
    pub ready: usize,
    /// Provisioning clusters whose control plane could not start: now Failed (reason logged).
    pub failed: usize,
    /// Deleting clusters whose deletion finished.
    pub deleted: usize,
    /// Deleting clusters whose deletion failed again: now Failed, deletable again.
    pub delete_failed: usize,
}

/// Finishes what a server that stopped mid-way (SIGKILL, crash, power loss) left undone; run
/// once at start. A cluster still Provisioning is provisioned again: its control plane is
/// started on its data folder (created if the first start never got that far), which is the
/// real test of whether that folder is usable, and the cluster becomes Ready (asleep after
/// the idle timeout) or Failed with the reason logged. A cluster still Deleting has its
/// deletion run to the end: kubeconfig tokens revoked, control plane stopped, folder and
/// cgroup removed, row removed. Only one server may use a platform database, so nobody else
/// is working on these clusters.
pub async fn resume_interrupted(state: AppState) -> Result<Resumed, DbError> {
    use futures::StreamExt;
    let provisioning = state.db.clusters_in(ClusterStatus::Provisioning).await?;
    let deleting = state.db.clusters_in(ClusterStatus::Deleting).await?;
    if provisioning.is_empty() && deleting.is_empty() {
        return Ok(Resumed::default());
    }
    tracing::info!(
        provisioning = provisioning.len(),
        deleting = deleting.len(),
        "resuming clusters left mid-way by the previous run"
    );
    let mut resumed = Resumed::default();
    let deletions = futures::stream::iter(deleting)
        .map(|c| {
            let state = state.clone();
            let span = tracing::info_span!("resume", cluster = %c.id, account = %c.account);
            async move { teardown(state, c.id).instrument(span).await.is_ok() }
        })
        .buffer_unordered(RESUME_CONCURRENCY)
        .collect::<Vec<bool>>()
        .await;
    for ok in deletions {
        if ok {
            resumed.deleted += 1;
        } else {
            resumed.delete_failed += 1;
        }
    }
    let provisions = futures::stream::iter(provisioning)
        .map(|c| {
            let state = state.clone();
            let span = tracing::info_span!("resume", cluster = %c.id, account = %c.account);
            async move {
                provision(state.clone(), c.id.clone())
                    .instrument(span)
                    .await;
                state
                    .db
                    .cluster(&c.id)
                    .await
                    .ok()
                    .flatten()
                    .map(|c| c.status)
            }
        })
        .buffer_unordered(RESUME_CONCURRENCY)
        .collect::<Vec<Option<ClusterStatus>>>()
        .await;
    for status in provisions {
        match status {
            Some(ClusterStatus::Ready) => resumed.ready += 1,
            Some(ClusterStatus::Failed) => resumed.failed += 1,
            _ => {}
        }
    }
    tracing::info!(?resumed, "clusters left mid-way resumed");
    Ok(resumed)
}

/// Waits while a cluster is Provisioning (for `?wait=true` on an idempotent replay).
async fn wait_provisioned(state: &AppState, mut cluster: Cluster) -> Result<Cluster, ApiError> {
    let deadline = tokio::time::Instant::now() + REPLAY_WAIT;
    while cluster.status == ClusterStatus::Provisioning {
        if tokio::time::Instant::now() >= deadline {
            return Err(ApiError::Unavailable(Duration::from_secs(5)));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        cluster = state
            .db
            .cluster(&cluster.id)
            .await?
            .ok_or_else(|| ApiError::NotFound(format!("cluster {} was deleted", cluster.id)))?;
    }
    if cluster.status == ClusterStatus::Failed {
        return Err(ApiError::ProvisioningFailed(cluster.id.to_string()));
    }
    Ok(cluster)
}

/// Create a cluster. With the same `Idempotency-Key` and name as an earlier request, answers
/// 200 with the cluster that request created.
#[utoipa::path(
    post, path = "/api/v1/clusters", tag = "clusters",
    security(("bearer" = [])),
    request_body = CreateClusterRequest,
    params(
        WaitQuery,
        ("Idempotency-Key" = Option<String>, Header, description = "makes retries safe: the same key and name answer the same cluster"),
    ),
    responses(
        (status = 201, description = "created (status Provisioning, or Ready with ?wait=true)", body = ClusterView),
        (status = 200, description = "idempotent replay: the cluster created earlier with this key", body = ClusterView),
        (status = 400, description = "invalid body or name", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "cluster quota reached", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "name taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Idempotency-Key already used with another name", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "with ?wait=true: the control plane failed to start", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_cluster(
    State(state): State<AppState>,
    Caller(caller): Caller,
    IdempotencyKey(key): IdempotencyKey,
    ApiQuery(query): ApiQuery<WaitQuery>,
    JsonBody(req): JsonBody<CreateClusterRequest>,
) -> Result<Response, ApiError> {
    let (cluster, fresh) = create(
        &state,
        &caller.account,
        &req.name,
        key.as_deref(),
        query.wait,
    )
    .await?;
    let status = if fresh {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(view(&state, &cluster))).into_response())
}

/// Creates a cluster and starts its control plane (the REST API and the web pages). Returns
/// the cluster and whether it is new (false: an idempotent replay). With `wait`, returns once
/// the cluster answers Kubernetes requests.
pub async fn create(
    state: &AppState,
    account: &AccountId,
    name: &str,
    key: Option<&str>,
    wait: bool,
) -> Result<(Cluster, bool), ApiError> {
    validate_cluster_name(name)?;
    let created = state
        .db
        .create_cluster(account, name, key, state.config.cluster_quota)
        .await;
    let (cluster, fresh) = match created {
        Ok(c) => c,
        Err(DbError::Conflict) => {
            // Either the name is taken or the key was used for another name.
            let taken = state.db.cluster_for_account(account, name).await?.is_some();
            return Err(if taken || key.is_none() {
                ApiError::ClusterNameTaken(name.to_owned())
            } else {
                ApiError::IdempotencyKeyReused
            });
        }
        Err(e) => return Err(e.into()),
    };
    tracing::Span::current().record("cluster", cluster.id.as_str());
    if !fresh {
        let cluster = if wait {
            wait_provisioned(state, cluster).await?
        } else {
            cluster
        };
        return Ok((cluster, false));
    }
    tracing::info!(name = %cluster.name, "cluster created");
    // The task runs to the end even if the client goes away.
    let task = tokio::spawn(
        provision(state.clone(), cluster.id.clone()).instrument(tracing::Span::current()),
    );
    if !wait {
        return Ok((cluster, true));
    }
    task.await.map_err(ApiError::internal)?;
    let cluster = state
        .db
        .cluster(&cluster.id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("cluster {} was deleted", cluster.id)))?;
    if cluster.status != ClusterStatus::Ready {
        return Err(ApiError::ProvisioningFailed(cluster.id.to_string()));
    }
    Ok((cluster, true))
}

/// The account's clusters.
#[utoipa::path(
    get, path = "/api/v1/clusters", tag = "clusters",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "the clusters", body = ClusterList),
        (status = 401, description = "not authenticated", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_clusters(
    State(state): State<AppState>,
    Caller(caller): Caller,
) -> Result<Json<ClusterList>, ApiError> {
    let clusters = state.db.list_clusters(&caller.account).await?;
    Ok(Json(ClusterList {
        items: clusters.iter().map(|c| view(&state, c)).collect(),
    }))
}

/// One cluster, by id or name.
#[utoipa::path(
    get, path = "/api/v1/clusters/{cluster}", tag = "clusters",
    security(("bearer" = [])),
    params(ClusterPath),
    responses(
        (status = 200, description = "the cluster", body = ClusterView),
        (status = 401, description = "not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "no such cluster in this account", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_cluster(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath(ClusterPath { cluster: c }): ApiPath<ClusterPath>,
) -> Result<Json<ClusterView>, ApiError> {
    let cluster = find_cluster(&state, &caller.account, &c).await?;
    Ok(Json(view(&state, &cluster)))
}

/// Delete a cluster with its control plane and all its data.
#[utoipa::path(
    delete, path = "/api/v1/clusters/{cluster}", tag = "clusters",
    security(("bearer" = [])),
    params(ClusterPath, WaitQuery),
    responses(
        (status = 202, description = "deletion started (status Deleting)", body = ClusterView),
        (status = 204, description = "with ?wait=true: the cluster is gone"),
        (status = 401, description = "not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "no such cluster in this account", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_cluster(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath(ClusterPath { cluster: c }): ApiPath<ClusterPath>,
    ApiQuery(query): ApiQuery<WaitQuery>,
) -> Result<Response, ApiError> {
    let cluster = delete(&state, &caller.account, &c, query.wait).await?;
    if query.wait {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    Ok((StatusCode::ACCEPTED, Json(view(&state, &cluster))).into_response())
}

/// Deletes a cluster with its control plane and data (the REST API and the web pages). With
/// `wait`, returns once everything is gone; otherwise at once, with the cluster Deleting.
pub async fn delete(
    state: &AppState,
    account: &AccountId,
    id_or_name: &str,
    wait: bool,
) -> Result<Cluster, ApiError> {
    let mut cluster = find_cluster(state, account, id_or_name).await?;
    state
        .db
        .set_cluster_status(&cluster.id, ClusterStatus::Deleting)
        .await?;
    cluster.status = ClusterStatus::Deleting;
    tracing::info!("cluster deletion started");
    let task = tokio::spawn(
        teardown(state.clone(), cluster.id.clone()).instrument(tracing::Span::current()),
    );
    if wait {
        task.await.map_err(ApiError::internal)??;
    }
    Ok(cluster)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_names() {
        for ok in ["a", "demo", "my-cluster-1", "0abc", &"x".repeat(40)] {
            assert!(validate_cluster_name(ok).is_ok(), "{ok}");
        }
        let id = ClusterId::new_random().to_string();
        for bad in [
            "",
            "-a",
            "a-",
            "Demo",
            "a_b",
            "a.b",
            "ünï",
            &"x".repeat(41),
            id.as_str(),
        ] {
            assert!(validate_cluster_name(bad).is_err(), "{bad}");
        }
    }
}
