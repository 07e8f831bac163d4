//! API tokens for CI: create (the secret is in the answer once), list, revoke.

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::{ApiPath, Caller, JsonBody, TokenPath};
use super::problem::{ApiError, Problem};
use super::rfc3339;
use crate::db::ApiToken;
use crate::ids::TokenId;
use crate::state::AppState;

/// Longest lifetime a token may be given: ten years.
const MAX_EXPIRES_IN_SECS: u64 = 10 * 366 * 24 * 3600;
const MAX_NAME_CHARS: usize = 100;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTokenRequest {
    /// What the token is for, e.g. "ci".
    #[schema(example = "ci", min_length = 1, max_length = 100)]
    pub name: String,
    /// Lifetime in seconds; without it the token does not expire.
    #[schema(example = 86400, minimum = 1)]
    pub expires_in: Option<u64>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CreatedToken {
    #[schema(example = "tabcdefghijklmnopqrst")]
    pub id: String,
    pub name: String,
    /// The secret: `kbt_<id>_<secret>`. Shown only in this answer.
    pub token: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub expires_at: Option<String>,
}

/// An API token without its secret.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TokenView {
    pub id: String,
    pub name: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub expires_at: Option<String>,
    #[schema(format = DateTime)]
    pub last_used_at: Option<String>,
    #[schema(format = DateTime)]
    pub revoked_at: Option<String>,
}

impl From<ApiToken> for TokenView {
    fn from(t: ApiToken) -> Self {
        TokenView {
            id: t.id.to_string(),
            name: t.name,
            created_at: rfc3339(t.created_at_ms),
            expires_at: t.expires_at_ms.map(rfc3339),
            last_used_at: t.last_used_at_ms.map(rfc3339),
            revoked_at: t.revoked_at_ms.map(rfc3339),
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TokenList {
    pub items: Vec<TokenView>,
}

fn validate_name(name: &str) -> Result<(), ApiError> {
    let n = name.chars().count();
    if n == 0 || n > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(ApiError::InvalidRequest(format!(
            "the token name must have 1 to {MAX_NAME_CHARS} characters and no control characters"
        )));
    }
    Ok(())
}

/// Create an API token.
#[utoipa::path(
    post, path = "/api/v1/tokens", tag = "tokens",
    security(("bearer" = [])),
    request_body = CreateTokenRequest,
    responses(
        (status = 201, description = "token created; the secret is shown once", body = CreatedToken),
        (status = 400, description = "invalid body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "not authenticated", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_token(
    State(state): State<AppState>,
    Caller(caller): Caller,
    JsonBody(req): JsonBody<CreateTokenRequest>,
) -> Result<(StatusCode, axum::Json<CreatedToken>), ApiError> {
    validate_name(&req.name)?;
    let expires_in = match req.expires_in {
        None => None,
        Some(s) if (1..=MAX_EXPIRES_IN_SECS).contains(&s) => Some(Duration::from_secs(s)),
        Some(_) => {
            return Err(ApiError::InvalidRequest(format!(
                "expires_in must be between 1 and {MAX_EXPIRES_IN_SECS} seconds"
            )));
        }
    };
    let (token, secret) = state
        .auth
        .issue_api_token(&caller.account, &req.name, expires_in)
        .await?;
    tracing::info!(token = %token.id, "api token created");
    Ok((
        StatusCode::CREATED,
        axum::Json(CreatedToken {
            id: token.id.to_string(),
            name: token.name,
            token: secret,
            created_at: rfc3339(token.created_at_ms),
            expires_at: token.expires_at_ms.map(rfc3339),
        }),
    ))
}

/// The account's API tokens, without their secrets.
#[utoipa::path(
    get, path = "/api/v1/tokens", tag = "tokens",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "the tokens", body = TokenList),
        (status = 401, description = "not authenticated", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_tokens(
    State(state): State<AppState>,
    Caller(caller): Caller,
) -> Result<axum::Json<TokenList>, ApiError> {
    let items = state.db.list_api_tokens(&caller.account).await?;
    Ok(axum::Json(TokenList {
        items: items.into_iter().map(TokenView::from).collect(),
    }))
}

/// Revoke an API token.
#[utoipa::path(
    delete, path = "/api/v1/tokens/{id}", tag = "tokens",
    security(("bearer" = [])),
    params(TokenPath),
    responses(
        (status = 204, description = "revoked"),
        (status = 401, description = "not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "no such token", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn revoke_token(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath(TokenPath { id }): ApiPath<TokenPath>,
) -> Result<StatusCode, ApiError> {
    let not_found = || ApiError::NotFound(format!("no token {id:?}"));
    let token = TokenId::parse(&id).ok_or_else(not_found)?;
    if !state.db.revoke_api_token(&caller.account, &token).await? {
        return Err(not_found());
    }
    tracing::info!(token = %token, "api token revoked");
    Ok(StatusCode::NO_CONTENT)
}
