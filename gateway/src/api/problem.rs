//! Every error the REST API can answer, and the one place that turns it into an RFC 9457
//! `application/problem+json` response. Handlers return `Result<_, ApiError>`; nothing else in
//! the API writes an error body. Internal failures are logged here and reach the client only as
//! a generic "internal error".

use std::time::Duration;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::AuthError;
use crate::db::DbError;
use crate::supervisor::SupervisorError;

/// Base of every problem `type` URI.
pub const PROBLEM_BASE: &str = "https://kubicle.dev/problems/";

/// The media type of error bodies.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem details object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "type": "https://kubicle.dev/problems/not-found",
    "title": "Not found",
    "status": 404,
    "detail": "no cluster named \"demo\""
}))]
pub struct Problem {
    /// `https://kubicle.dev/problems/<slug>`; clients branch on this.
    #[serde(rename = "type")]
    pub type_: String,
    /// Short summary of the problem type; the same for every occurrence.
    pub title: String,
    /// The HTTP status code of the response.
    pub status: u16,
    /// What went wrong with this request.
    pub detail: String,
    /// The request path, when known.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub instance: Option<String>,
}

/// An error answered by the REST API. Each variant is one problem type.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No credentials, or credentials that do not authenticate (never says which).
    #[error("a valid bearer token is required")]
    Unauthorized,
    /// Login with an unknown email or a wrong password (never says which).
    #[error("wrong email or password")]
    InvalidCredentials,
    /// The body is not valid JSON, or does not match the schema (e.g. an unknown field).
    #[error("{0}")]
    InvalidBody(String),
    /// A field, path segment, query or header value that is well-formed but not acceptable.
    #[error("{0}")]
    InvalidRequest(String),
    /// Password shorter than the minimum.
    #[error("{0}")]
    WeakPassword(String),
    /// Email address that does not look like one.
    #[error("{0}")]
    InvalidEmail(String),
    /// Cluster name that is not a DNS-1123 label of at most 40 characters.
    #[error("{0}")]
    InvalidClusterName(String),
    /// Body with a content type other than JSON.
    #[error("the request body must be application/json")]
    UnsupportedMediaType,
    /// Body over the API's size limit.
    #[error("the request body is larger than {0} bytes")]
    PayloadTooLarge(usize),
    /// Object that does not exist or belongs to another account.
    #[error("{0}")]
    NotFound(String),
    /// A path under `/api/v1/` that no endpoint serves.
    #[error("no endpoint at {0}")]
    UnknownEndpoint(String),
    /// The endpoint exists but not with this method.
    #[error("method {0} is not allowed here")]
    MethodNotAllowed(String),
    /// Signup with an email that already has an account.
    #[error("an account with this email already exists")]
    EmailTaken,
    /// A cluster of this account already has this name.
    #[error("a cluster named {0:?} already exists")]
    ClusterNameTaken(String),
    /// An `Idempotency-Key` sent again with a different cluster name.
    #[error("this Idempotency-Key was already used to create a cluster with another name")]
    IdempotencyKeyReused,
    /// The cluster is in a state that does not allow this request.
    #[error("{0}")]
    ClusterConflict(String),
    /// The account already has as many clusters as it may.
    #[error("the account has reached its quota of {0} clusters")]
    QuotaExceeded(u32),
    /// Too many attempts; retry after the given time.
    #[error("too many attempts, retry in {} s", retry_after_secs(*.0))]
    TooManyRequests(Duration),
    /// The cluster's control plane did not come up.
    #[error("cluster {0} failed to start; delete it and create it again")]
    ProvisioningFailed(String),
    /// The control plane is starting or restarting; retry after the given time.
    #[error("the control plane is not available yet")]
    Unavailable(Duration),
    /// Anything the client cannot fix. The cause is logged, not sent.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl ApiError {
    pub fn internal(e: impl Into<anyhow::Error>) -> Self {
        ApiError::Internal(e.into())
    }

    /// The status code, the slug of the `type` URI and the title.
    fn kind(&self) -> (StatusCode, &'static str, &'static str) {
        use ApiError::*;
        match self {
            Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized", "Unauthorized"),
            InvalidCredentials => (
                StatusCode::UNAUTHORIZED,
                "invalid-credentials",
                "Invalid credentials",
            ),
            InvalidBody(_) => (StatusCode::BAD_REQUEST, "invalid-body", "Invalid body"),
            InvalidRequest(_) => (
                StatusCode::BAD_REQUEST,
                "invalid-request",
                "Invalid request",
            ),
            WeakPassword(_) => (StatusCode::BAD_REQUEST, "weak-password", "Weak password"),
            InvalidEmail(_) => (StatusCode::BAD_REQUEST, "invalid-email", "Invalid email"),
            InvalidClusterName(_) => (
                StatusCode::BAD_REQUEST,
                "invalid-cluster-name",
                "Invalid cluster name",
            ),
            UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "Unsupported media type",
            ),
            PayloadTooLarge(_) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload-too-large",
                "Payload too large",
            ),
            NotFound(_) => (StatusCode::NOT_FOUND, "not-found", "Not found"),
            UnknownEndpoint(_) => (
                StatusCode::NOT_FOUND,
                "unknown-endpoint",
                "Unknown endpoint",
            ),
            MethodNotAllowed(_) => (
                StatusCode::METHOD_NOT_ALLOWED,
                "method-not-allowed",
                "Method not allowed",
            ),
            EmailTaken => (StatusCode::CONFLICT, "email-taken", "Email taken"),
            ClusterNameTaken(_) => (
                StatusCode::CONFLICT,
                "cluster-name-taken",
                "Cluster name taken",
            ),
            IdempotencyKeyReused => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency-key-reused",
                "Idempotency key reused",
            ),
            ClusterConflict(_) => (
                StatusCode::CONFLICT,
                "cluster-state-conflict",
                "Cluster state conflict",
            ),
            QuotaExceeded(_) => (StatusCode::FORBIDDEN, "quota-exceeded", "Quota exceeded"),
            TooManyRequests(_) => (
                StatusCode::TOO_MANY_REQUESTS,
                "too-many-requests",
                "Too many requests",
            ),
            ProvisioningFailed(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "provisioning-failed",
                "Provisioning failed",
            ),
            Unavailable(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "Service unavailable",
            ),
            Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Internal error",
            ),
        }
    }

    /// The problem object this error is answered with.
    pub fn problem(&self) -> Problem {
        let (status, slug, title) = self.kind();
        Problem {
            type_: format!("{PROBLEM_BASE}{slug}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail: self.to_string(),
            instance: None,
        }
    }
}

fn retry_after_secs(d: Duration) -> u64 {
    // Round up, and never tell a client to retry "in 0 seconds".
    d.as_secs() + u64::from(d.subsec_nanos() > 0 || d.as_secs() == 0)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(e) = &self {
            tracing::error!(error = format!("{e:#}"), "request failed");
        }
        let problem = self.problem();
        let status =
            StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut response = (
            status,
            [(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON))],
            body,
        )
            .into_response();
        let headers = response.headers_mut();
        match &self {
            ApiError::Unauthorized | ApiError::InvalidCredentials => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            ApiError::TooManyRequests(d) | ApiError::Unavailable(d) => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs(*d)));
            }
            _ => {}
        }
        response
    }
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::QuotaExceeded(n) => ApiError::QuotaExceeded(n),
            other => ApiError::internal(other),
        }
    }
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::Unauthorized => ApiError::Unauthorized,
            AuthError::Db(db) => db.into(),
            other => ApiError::internal(other),
        }
    }
}

impl From<SupervisorError> for ApiError {
    fn from(e: SupervisorError) -> Self {
        match e {
            SupervisorError::Unavailable { retry_after } => ApiError::Unavailable(retry_after),
            other => ApiError::internal(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_rounds_up_and_is_never_zero() {
        assert_eq!(retry_after_secs(Duration::from_millis(0)), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(200)), 1);
        assert_eq!(retry_after_secs(Duration::from_secs(10)), 10);
        assert_eq!(retry_after_secs(Duration::from_millis(9_001)), 10);
    }

    #[test]
    fn internal_errors_do_not_leak_their_cause() {
        let p = ApiError::internal(anyhow::anyhow!("secret path /var/lib/x")).problem();
        assert_eq!(p.status, 500);
        assert_eq!(p.detail, "internal error");
        assert_eq!(p.type_, "https://kubicle.dev/problems/internal");
    }
}
