//! Extractors of the REST API: who is calling ([`Caller`]), from where ([`ClientAddr`]), and
//! the request's JSON body, path and query parsed strictly ([`JsonBody`], [`ApiPath`],
//! [`ApiQuery`]). Every rejection is an [`ApiError`], so every error body is a problem.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::{HeaderMap, header, request::Parts};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use utoipa::IntoParams;

use super::problem::ApiError;
use crate::auth::Principal;
use crate::state::AppState;

/// Largest JSON body the API reads.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The authenticated caller: `Authorization: Bearer <session JWT or API token>`.
/// Anything else is a 401 with `WWW-Authenticate: Bearer`.
pub struct Caller(pub Principal);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer_token(&parts.headers).ok_or(ApiError::Unauthorized)?;
        let principal = state.auth.authenticate_api(token).await?;
        tracing::Span::current().record("account", principal.account.as_str());
        Ok(Caller(principal))
    }
}

/// The token of an `Authorization: Bearer …` header (scheme case-insensitive).
fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The client's address as the server saw it; `None` when the server did not provide
/// `ConnectInfo<SocketAddr>` (e.g. in tests that call the router directly).
pub struct ClientAddr(pub Option<SocketAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(a)| *a),
        ))
    }
}

/// A JSON body of at most [`MAX_BODY_BYTES`], with `Content-Type: application/json` (or
/// `application/*+json`). Bodies are parsed into types with `deny_unknown_fields`, so an
/// unknown field is a 400 naming it.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _: &S) -> Result<Self, ApiError> {
        if !is_json(req.headers()) {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = axum::body::to_bytes(req.into_body(), MAX_BODY_BYTES)
            .await
            .map_err(|e| {
                let source = e.into_inner();
                if source
                    .downcast_ref::<http_body_util::LengthLimitError>()
                    .is_some()
                {
                    ApiError::PayloadTooLarge(MAX_BODY_BYTES)
                } else {
                    ApiError::InvalidBody(format!("could not read the body: {source}"))
                }
            })?;
        serde_json::from_slice(&bytes)
            .map(JsonBody)
            .map_err(|e| match e.classify() {
                serde_json::error::Category::Data => {
                    ApiError::InvalidBody(format!("invalid body: {e}"))
                }
                _ => ApiError::InvalidBody(format!("malformed JSON: {e}")),
            })
    }
}

fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Path parameters; a segment that cannot be decoded is a 400 problem.
///
/// Always extract into one of the named structs below, never a bare `String` or tuple: the
/// request also carries the `/api/v1/{*rest}` capture of the entry route, which a struct
/// ignores.
pub struct ApiPath<T>(pub T);

/// `{cluster}`: a cluster id or name.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ClusterPath {
    /// cluster id or name
    pub cluster: String,
}

/// `{id}`: an API token id.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct TokenPath {
    /// API token id
    pub id: String,
}

/// `{cluster}` and `{id}`: a cluster id or name and one of its kubeconfig token ids.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ClusterTokenPath {
    /// cluster id or name
    pub cluster: String,
    /// kubeconfig token id
    pub id: String,
}

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(t)| ApiPath(t))
            .map_err(|e| ApiError::InvalidRequest(e.body_text()))
    }
}

/// Query parameters; a value of the wrong type is a 400 problem. Unknown parameters are
/// ignored.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(t)| ApiQuery(t))
            .map_err(|e| ApiError::InvalidRequest(e.body_text()))
    }
}

/// The `Idempotency-Key` header, when present: 1 to 255 visible ASCII characters.
pub struct IdempotencyKey(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let Some(value) = parts.headers.get("idempotency-key") else {
            return Ok(IdempotencyKey(None));
        };
        let bad = || {
            ApiError::InvalidRequest(
                "Idempotency-Key must be 1 to 255 visible ASCII characters".to_owned(),
            )
        };
        let key = value.to_str().map_err(|_| bad())?;
        if key.is_empty() || key.len() > 255 || !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(bad());
        }
        Ok(IdempotencyKey(Some(key.to_owned())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn bearer_tokens_are_found_only_in_bearer_headers() {
        let mut h = HeaderMap::new();
        assert_eq!(bearer_token(&h), None);
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer abc"),
        );
        assert_eq!(bearer_token(&h), Some("abc"));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("bearer  abc "),
        );
        assert_eq!(bearer_token(&h), Some("abc"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer_token(&h), None);
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer "));
        assert_eq!(bearer_token(&h), None);
    }

    #[test]
    fn json_content_types() {
        let mut h = HeaderMap::new();
        assert!(!is_json(&h));
        for (v, ok) in [
            ("application/json", true),
            ("Application/JSON; charset=utf-8", true),
            ("application/merge-patch+json", true),
            ("text/plain", false),
            ("application/x-www-form-urlencoded", false),
        ] {
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(v));
            assert_eq!(is_json(&h), ok, "{v}");
        }
    }
}
