//! `/k8s/<cluster>/…`: the Kubernetes API of every hosted cluster, authenticated here and
//! forwarded to that cluster's control plane (`kubicle apiserver`) over its Unix socket.
//!
//! One request's path, in order; each stage hands the next what it produced:
//!
//! ```text
//!  span + access log + metrics + audit   (handle: around everything below)
//!  └─ authenticate    cluster id from the path, kubeconfig token → ClusterPrincipal  (401)
//!     └─ classify     short / watch / followed log / upgrade (classify.rs)
//!        └─ admit     per-account token bucket, in-flight or watch cap → Permit       (429)
//!           └─ lease  supervisor wakes the control plane → Lease (socket path)        (503)
//!              └─ forward (forward.rs): headers rewritten, body limit (413), timeout
//!                 (504), pooled connection (pool.rs), response streamed or upgraded
//! ```
//!
//! The stages are plain function calls in one handler rather than one tower layer each: every
//! stage consumes what the previous one produced (principal → permit → lease → response),
//! which layers could only pass through request extensions, boxing a future and a value per
//! layer on the path whose latency is measured against nginx. The permit and the lease ride
//! in the response body and are dropped when it ends, so a watch holds both for its life.
//!
//! This module must not read a control plane's data or trust anything identity-like the client
//! sends: `Authorization`, `X-Remote-*` and `Impersonate-*` never reach the control plane.
//! Unknown, malformed and foreign cluster ids all answer the same 401.

mod classify;
mod forward;
mod pool;
mod status;

use std::path::Path;
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::{Request, State};
use axum::response::Response;
use axum::routing::any;
use http::header::AUTHORIZATION;
use http::uri::PathAndQuery;
use http::{HeaderMap, Uri};
use tracing::Instrument;

pub use classify::{AuditTarget, RequestKind, audit_target, classify};
pub use forward::{BODY_LIMIT, ForwardIdentity, ForwardOptions, forward, forward_with};
pub use pool::ConnPool;
pub use status::status_response;

use crate::audit::AuditRecord;
use crate::auth::{AuthError, ClusterPrincipal};
use crate::ids::ClusterId;
use crate::ratelimit::{Limited, Permit, Slot};
use crate::state::{AppState, Platform};
use crate::supervisor::{Lease, SupervisorError};

/// The Kubernetes routes with default limits (3 MiB bodies, 60 s for short requests).
pub fn router() -> Router<AppState> {
    router_with(ForwardOptions::default(), ConnPool::default())
}

/// The Kubernetes routes with the given forwarding limits and connection pool.
pub fn router_with(opts: ForwardOptions, pool: ConnPool) -> Router<AppState> {
    let proxy = Arc::new(Proxy { pool, opts });
    let handler = move |State(state): State<AppState>, req: Request| {
        let proxy = proxy.clone();
        async move { proxy.handle(&state, req).await }
    };
    Router::new()
        .route("/k8s/{cluster}", any(handler.clone()))
        .route("/k8s/{cluster}/", any(handler.clone()))
        .route("/k8s/{cluster}/{*rest}", any(handler))
}

struct Proxy {
    pool: ConnPool,
    opts: ForwardOptions,
}

/// What a forwarded request keeps until its response ends.
struct Held {
    lease: Lease,
    _permit: Permit,
}

impl AsRef<Path> for Held {
    fn as_ref(&self) -> &Path {
        &self.lease.socket
    }
}

impl Proxy {
    async fn handle(&self, state: &Platform, req: Request) -> Response {
        let started = Instant::now();
        let span = tracing::info_span!(
            "k8s",
            cluster = tracing::field::Empty,
            account = tracing::field::Empty
        );
        let method = req.method().clone();
        let (resp, cluster) = self
            .authenticated(state, req, &span, started)
            .instrument(span.clone())
            .await;
        let elapsed = started.elapsed();
        let code = resp.status().as_u16();
        state
            .metrics
            .request(cluster.as_ref(), method.as_str(), code, elapsed);
        resp
    }

    /// Everything after the clock starts: returns the response and, once authenticated, the
    /// cluster (metrics are per cluster only for callers who proved they may use it, so that
    /// random ids cannot create metric series).
    async fn authenticated(
        &self,
        state: &Platform,
        req: Request,
        span: &tracing::Span,
        started: Instant,
    ) -> (Response, Option<ClusterId>) {
        let method = req.method().clone();
        // Only the path goes into the log: the query may carry anything. (A cheap clone: the
        // URI's bytes are shared.)
        let uri = req.uri().clone();
        let log_path = uri.path();
        let Some((cluster, rest)) = split_path(log_path) else {
            access_log(&method, log_path, 401, started);
            return (status::unauthorized(), None);
        };

        // authenticate
        let Some(cluster) = ClusterId::parse(cluster) else {
            access_log(&method, log_path, 401, started);
            return (status::unauthorized(), None);
        };
        span.record("cluster", cluster.as_str());
        let principal = match authenticate(state, req.headers(), &cluster).await {
            Ok(p) => p,
            Err(resp) => {
                access_log(&method, log_path, resp.status().as_u16(), started);
                return (resp, None);
            }
        };
        span.record("account", principal.account.as_str());

        // classify; the audit target is read now, before the request moves on
        let query = uri.query();
        let kind = classify(req.headers(), rest, query);
        let audit = audit_target(&method, rest).map(|t| (t, now_ms()));
        let upstream_uri = match upstream_uri(rest, query) {
            Some(uri) => uri,
            None => {
                let resp = status::bad_request("malformed request path");
                return self.finish(state, principal, audit, &method, log_path, started, resp);
            }
        };

        // admit
        let slot = if kind.is_long_running() {
            Slot::Watch
        } else {
            Slot::InFlight
        };
        let permit = match state.limits.admit(&principal.account, slot) {
            Ok(p) => p,
            Err(limited) => {
                let message = match limited {
                    Limited::Rate { .. } => "too many requests, slow down",
                    Limited::InFlight => "too many requests in flight",
                    Limited::Watches => "too many open watches",
                };
                let resp = status::too_many_requests(message, limited.retry_after_secs());
                return self.finish(state, principal, audit, &method, log_path, started, resp);
            }
        };

        // lease
        let lease = match state.supervisor.acquire(&cluster).await {
            Ok(l) => l,
            Err(SupervisorError::Unavailable { retry_after }) => {
                let secs = crate::ratelimit::retry_after_secs(retry_after);
                let resp = status::unavailable("the control plane is starting", secs);
                return self.finish(state, principal, audit, &method, log_path, started, resp);
            }
            Err(e) => {
                tracing::warn!(error = %e, "control plane could not be started");
                let resp = status::unavailable("the control plane could not be started", 5);
                return self.finish(state, principal, audit, &method, log_path, started, resp);
            }
        };

        // forward
        let identity = match ForwardIdentity::new(&principal.user, &principal.account) {
            Ok(i) => i,
            Err(_) => {
                tracing::warn!("account email is not a valid header value");
                let resp = status::internal();
                return self.finish(state, principal, audit, &method, log_path, started, resp);
            }
        };
        let (mut parts, body) = req.into_parts();
        parts.uri = upstream_uri;
        let req = Request::from_parts(parts, body);
        let held = Held {
            lease,
            _permit: permit,
        };
        let resp = forward_with(&self.pool, req, &identity, &self.opts, kind, held).await;
        self.finish(state, principal, audit, &method, log_path, started, resp)
    }

    /// Audit record (mutating requests), access log line; hands the response back.
    #[allow(clippy::too_many_arguments)]
    fn finish(
        &self,
        state: &Platform,
        principal: ClusterPrincipal,
        audit: Option<(AuditTarget, i64)>,
        method: &http::Method,
        log_path: &str,
        started: Instant,
        resp: Response,
    ) -> (Response, Option<ClusterId>) {
        let code = resp.status().as_u16();
        if let Some((target, at_ms)) = audit {
            state.audit.record(AuditRecord {
                at_ms,
                account: principal.account.clone(),
                cluster: principal.cluster.clone(),
                credential: principal.token.to_string(),
                verb: target.verb.to_owned(),
                resource: target.resource,
                namespace: target.namespace,
                name: target.name,
                status: code,
            });
        }
        access_log(method, log_path, code, started);
        (resp, Some(principal.cluster))
    }
}

/// The kubeconfig token of exactly this cluster; 401 for anything else, 500 when the platform
/// itself failed.
async fn authenticate(
    state: &Platform,
    headers: &HeaderMap,
    cluster: &ClusterId,
) -> Result<ClusterPrincipal, Response> {
    let Some(token) = bearer(headers) else {
        return Err(status::unauthorized());
    };
    match state.auth.authenticate_cluster(token, cluster).await {
        Ok(p) if &p.cluster == cluster => Ok(p),
        Ok(_) | Err(AuthError::Unauthorized) => Err(status::unauthorized()),
        Err(e) => {
            tracing::error!(error = %e, "authenticating a kubeconfig token");
            Err(status::internal())
        }
    }
}

/// `Authorization: Bearer <token>`, the scheme case-insensitive.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// `/k8s/<cluster>[/<rest>]` → (cluster, `/<rest>`), `/` when there is no rest.
fn split_path(path: &str) -> Option<(&str, &str)> {
    let rest = path.strip_prefix("/k8s/")?;
    Some(match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    })
}

/// `/<rest>?<query>` as an origin-form URI.
fn upstream_uri(rest: &str, query: Option<&str>) -> Option<Uri> {
    let pq = match query {
        Some(q) => PathAndQuery::try_from(format!("{rest}?{q}")),
        None => PathAndQuery::try_from(rest),
    };
    pq.ok().map(Uri::from)
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// One line per request: method, path (never the query, never a header), status, duration.
fn access_log(method: &http::Method, path: &str, status: u16, started: Instant) {
    tracing::info!(
        target: "kubicle::access",
        method = %method,
        path,
        status,
        duration_us = started.elapsed().as_micros() as u64,
        "k8s request"
    );
}

#[cfg(test)]
mod tests;
