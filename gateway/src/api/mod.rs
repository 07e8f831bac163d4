//! REST API v1: every `/api/v1/…` endpoint, its JSON bodies, its errors as RFC 9457 problems
//! and its OpenAPI 3 document (generated from the handlers with utoipa).
//!
//! The request path: [`router`] routes all of `/api/v1/…` to one entry point that opens the
//! request's span (method, path, and later account and cluster ids), runs the endpoint router
//! and records the request's metrics. Endpoints authenticate with the [`extract::Caller`]
//! extractor and parse bodies with [`extract::JsonBody`]; every error is an
//! [`problem::ApiError`], turned into a problem response in one place.
//!
//! This module owns no data: accounts, tokens and clusters live in [`crate::db`] and
//! [`crate::auth`]; control planes are started and removed by [`crate::supervisor`]. It must
//! not touch a cluster's data directly.

pub mod accounts;
pub mod clusters;
pub mod extract;
pub mod kubeconfig;
pub mod problem;
pub mod tokens;

#[cfg(test)]
mod tests;

use std::sync::{Arc, LazyLock};
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::{Extension, Router};
use tower::ServiceExt;
use tracing::Instrument;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::state::AppState;
use problem::{ApiError, Problem};

/// Every `/api/v1/…` endpoint. Unknown paths under `/api/v1/` answer a 404 problem, known
/// paths with the wrong method a 405 problem.
pub fn router() -> Router<AppState> {
    router_with(Arc::new(accounts::LoginThrottle::new()))
}

/// [`router`] with a login throttle shared with the web pages' log-in form.
pub fn router_with(throttle: Arc<accounts::LoginThrottle>) -> Router<AppState> {
    let endpoints = endpoints().layer(Extension(throttle));
    let entry = move |State(state): State<AppState>, req: Request| serve(endpoints, state, req);
    Router::new()
        .route("/api/v1", any(entry.clone()))
        .route("/api/v1/", any(entry.clone()))
        .route("/api/v1/{*rest}", any(entry))
}

/// The endpoints themselves, still needing the state.
fn endpoints() -> Router<AppState> {
    use accounts::*;
    use clusters::*;
    use kubeconfig::*;
    use tokens::*;
    Router::new()
        .route("/api/v1/openapi.json", get(openapi_json))
        .route("/api/v1/signup", post(signup))
        .route("/api/v1/login", post(login))
        .route("/api/v1/logout", post(logout))
        .route("/api/v1/me", get(me))
        .route("/api/v1/tokens", post(create_token).get(list_tokens))
        .route("/api/v1/tokens/{id}", axum::routing::delete(revoke_token))
        .route("/api/v1/clusters", post(create_cluster).get(list_clusters))
        .route(
            "/api/v1/clusters/{cluster}",
            get(get_cluster).delete(delete_cluster),
        )
        .route("/api/v1/clusters/{cluster}/kubeconfig", get(kubeconfig))
        .route(
            "/api/v1/clusters/{cluster}/tokens",
            get(list_kubeconfig_tokens).delete(revoke_kubeconfig_tokens),
        )
        .route(
            "/api/v1/clusters/{cluster}/tokens/{id}",
            axum::routing::delete(revoke_kubeconfig_token),
        )
        .fallback(unknown_endpoint)
        .method_not_allowed_fallback(method_not_allowed)
}

/// One request: its span, the endpoint, its metrics and access log line.
async fn serve(endpoints: Router<AppState>, state: AppState, req: Request) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let span = tracing::info_span!(
        "api",
        method = %method,
        path = %req.uri().path(),
        account = tracing::field::Empty,
        cluster = tracing::field::Empty,
    );
    continue_trace(&span, req.headers());
    let mut response = match endpoints
        .with_state(state.clone())
        .oneshot(req)
        .instrument(span.clone())
        .await
    {
        Ok(response) => response,
        Err(never) => match never {},
    };
    // Answers are per caller and may carry secrets (tokens): never stored by caches.
    response
        .headers_mut()
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    let elapsed = start.elapsed();
    let code = response.status().as_u16();
    state.metrics.request(None, method.as_str(), code, elapsed);
    span.in_scope(|| {
        tracing::info!(
            status = code,
            elapsed_ms = elapsed.as_secs_f64() * 1e3,
            "api request"
        );
    });
    response
}

/// Makes `span` (not yet entered) a child of the caller's span when the request carries a W3C
/// `traceparent` header (and `tracestate`), so that a client's trace continues through the
/// server. Without the header, with a malformed one, or without trace export, the span starts
/// its own trace as before.
pub fn continue_trace(span: &tracing::Span, headers: &http::HeaderMap) {
    use opentelemetry::propagation::TextMapPropagator;
    use opentelemetry::trace::TraceContextExt;
    use tracing_opentelemetry::OpenTelemetrySpanExt;
    if !headers.contains_key("traceparent") {
        return;
    }
    let cx = opentelemetry_sdk::propagation::TraceContextPropagator::new()
        .extract(&HeaderExtractor(headers));
    if cx.span().span_context().is_valid() {
        let _ = span.set_parent(cx);
    }
}

/// Header lookups for the trace-context propagator.
struct HeaderExtractor<'a>(&'a http::HeaderMap);

impl opentelemetry::propagation::Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(|k| k.as_str()).collect()
    }
}

async fn unknown_endpoint(uri: Uri) -> ApiError {
    ApiError::UnknownEndpoint(uri.path().to_owned())
}

async fn method_not_allowed(method: Method) -> ApiError {
    ApiError::MethodNotAllowed(method.to_string())
}

/// RFC 3339 text of a Unix time in milliseconds.
pub(crate) fn rfc3339(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

/// The OpenAPI 3 document of this API.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "kubicle",
        version = "1",
        description = "Hosted virtual Kubernetes clusters. Errors are RFC 9457 problems \
                       (application/problem+json) whose `type` is \
                       https://kubicle.dev/problems/<slug>."
    ),
    paths(
        openapi_json,
        accounts::signup,
        accounts::login,
        accounts::logout,
        accounts::me,
        tokens::create_token,
        tokens::list_tokens,
        tokens::revoke_token,
        clusters::create_cluster,
        clusters::list_clusters,
        clusters::get_cluster,
        clusters::delete_cluster,
        kubeconfig::kubeconfig,
        kubeconfig::list_kubeconfig_tokens,
        kubeconfig::revoke_kubeconfig_token,
        kubeconfig::revoke_kubeconfig_tokens,
    ),
    components(schemas(Problem)),
    modifiers(&BearerScheme),
    tags(
        (name = "accounts", description = "signup, login, sessions"),
        (name = "tokens", description = "API tokens for CI"),
        (name = "clusters", description = "virtual Kubernetes clusters"),
        (name = "kubeconfigs", description = "kubeconfigs and their cluster-scoped tokens"),
        (name = "meta", description = "this document"),
    )
)]
pub struct ApiDoc;

/// The `bearer` security scheme: a session JWT or an API token.
struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("session JWT or kbt_ API token")
                    .description(Some(
                        "a session token from signup or login, or an API token",
                    ))
                    .build(),
            ),
        );
    }
}

static OPENAPI_JSON: LazyLock<String> = LazyLock::new(|| {
    ApiDoc::openapi()
        .to_pretty_json()
        .expect("the OpenAPI document serializes")
});

/// This document. No authentication.
#[utoipa::path(
    get, path = "/api/v1/openapi.json", tag = "meta",
    responses((status = 200, description = "the OpenAPI 3 document", content_type = "application/json"))
)]
async fn openapi_json() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        OPENAPI_JSON.as_str(),
    )
        .into_response()
}
