//! Accounts and sessions: signup, login (throttled per email and per client address), logout
//! and `me`.

use std::time::Duration;

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::{Caller, ClientAddr, JsonBody};
use super::problem::{ApiError, Problem};
use super::rfc3339;
use crate::auth::Credential;
use crate::db::{Account, DbError};
use crate::ratelimit::KeyedLimiter;
use crate::state::AppState;

/// Shortest password accepted at signup.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Longest password accepted (hashing has a cost; nobody types more).
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// Login attempts at once per email, and per client address.
const EMAIL_BURST: u32 = 5;
const ADDR_BURST: u32 = 20;
/// Both buckets refill one attempt every 10 seconds.
const REFILL_PER_SECOND: f64 = 0.1;

/// Throttles login attempts; one per API router, shared by all its requests.
pub struct LoginThrottle {
    by_email: KeyedLimiter,
    by_addr: KeyedLimiter,
}

impl LoginThrottle {
    pub fn new() -> Self {
        Self {
            by_email: KeyedLimiter::new(EMAIL_BURST, REFILL_PER_SECOND),
            by_addr: KeyedLimiter::new(ADDR_BURST, REFILL_PER_SECOND),
        }
    }

    /// Takes one attempt from both buckets; on refusal, the longer of the waits.
    fn check(&self, email: &str, addr: &str) -> Result<(), Duration> {
        let by_addr = self.by_addr.check(addr);
        let by_email = self.by_email.check(email);
        match (by_addr, by_email) {
            (Ok(()), Ok(())) => Ok(()),
            (a, e) => Err(a.err().unwrap_or_default().max(e.err().unwrap_or_default())),
        }
    }
}

impl Default for LoginThrottle {
    fn default() -> Self {
        Self::new()
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignupRequest {
    #[schema(example = "ada@example.com")]
    pub email: String,
    /// At least 10 characters.
    #[schema(min_length = 10, max_length = 1024)]
    pub password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(example = "ada@example.com")]
    pub email: String,
    pub password: String,
}

/// An account as the API shows it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AccountView {
    #[schema(example = "aabcdefghijklmnopqrst")]
    pub id: String,
    pub email: String,
    /// RFC 3339.
    #[schema(format = DateTime)]
    pub created_at: String,
}

impl From<Account> for AccountView {
    fn from(a: Account) -> Self {
        AccountView {
            id: a.id.to_string(),
            email: a.email,
            created_at: rfc3339(a.created_at_ms),
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SignupResponse {
    pub account: AccountView,
    /// A session token (JWT, 24 h) for `Authorization: Bearer`.
    pub token: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct LoginResponse {
    /// A session token (JWT, 24 h) for `Authorization: Bearer`.
    pub token: String,
}

/// Emails are compared and stored lower-cased and trimmed.
fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

fn validate_email(email: &str) -> Result<(), ApiError> {
    let bad = || ApiError::InvalidEmail(format!("{email:?} is not an email address"));
    if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    let (local, domain) = email.split_once('@').ok_or_else(bad)?;
    let domain_ok = !domain.contains('@')
        && domain.contains('.')
        && domain
            .split('.')
            .all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'));
    if local.is_empty() || local.len() > 64 || !domain_ok {
        return Err(bad());
    }
    Ok(())
}

fn validate_password(password: &str) -> Result<(), ApiError> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(ApiError::WeakPassword(format!(
            "the password must have at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(ApiError::WeakPassword(format!(
            "the password must have at most {MAX_PASSWORD_CHARS} characters"
        )));
    }
    Ok(())
}

/// Create an account and sign in.
#[utoipa::path(
    post, path = "/api/v1/signup", tag = "accounts",
    request_body = SignupRequest,
    responses(
        (status = 201, description = "account created", body = SignupResponse),
        (status = 400, description = "invalid body, email or weak password", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "email taken", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn signup(
    State(state): State<AppState>,
    JsonBody(req): JsonBody<SignupRequest>,
) -> Result<(StatusCode, axum::Json<SignupResponse>), ApiError> {
    let email = normalize_email(&req.email);
    validate_email(&email)?;
    validate_password(&req.password)?;
    let hash = state.auth.hash_password(&req.password).await?;
    let account = match state.db.create_account(&email, &hash).await {
        Ok(a) => a,
        Err(DbError::Conflict) => return Err(ApiError::EmailTaken),
        Err(e) => return Err(e.into()),
    };
    tracing::Span::current().record("account", account.id.as_str());
    tracing::info!(account = %account.id, "account created");
    let token = state.auth.issue_session(&account.id).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(SignupResponse {
            account: account.into(),
            token,
        }),
    ))
}

/// Sign in with email and password. Throttled: 5 attempts at once per email and 20 per
/// client address, one more every 10 s.
#[utoipa::path(
    post, path = "/api/v1/login", tag = "accounts",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "signed in", body = LoginResponse),
        (status = 400, description = "invalid body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "wrong email or password", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "too many attempts (see Retry-After)", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "seconds"))),
    )
)]
pub async fn login(
    State(state): State<AppState>,
    Extension(throttle): Extension<std::sync::Arc<LoginThrottle>>,
    ClientAddr(addr): ClientAddr,
    JsonBody(req): JsonBody<LoginRequest>,
) -> Result<axum::Json<LoginResponse>, ApiError> {
    let email = normalize_email(&req.email);
    let addr_key = addr.map_or_else(|| "unknown".to_owned(), |a| a.ip().to_string());
    throttle
        .check(&email, &addr_key)
        .map_err(ApiError::TooManyRequests)?;
    let account = state.db.account_by_email(&email).await?;
    let Some(account) = account else {
        // As long as a wrong password, so the answer time does not tell who has an account.
        state.auth.dummy_verify(&req.password).await;
        return Err(ApiError::InvalidCredentials);
    };
    if !state
        .auth
        .verify_password(&account.password_hash, &req.password)
        .await
    {
        tracing::info!(account = %account.id, "login with a wrong password");
        return Err(ApiError::InvalidCredentials);
    }
    tracing::Span::current().record("account", account.id.as_str());
    let token = state.auth.issue_session(&account.id).await?;
    Ok(axum::Json(LoginResponse { token }))
}

/// End the calling session. Only a session token can log out; API tokens are revoked with
/// `DELETE /api/v1/tokens/{id}`.
#[utoipa::path(
    post, path = "/api/v1/logout", tag = "accounts",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "session ended"),
        (status = 400, description = "called with an API token", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "not authenticated", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn logout(
    State(state): State<AppState>,
    Caller(caller): Caller,
) -> Result<StatusCode, ApiError> {
    match &caller.credential {
        Credential::Session(session) => {
            state.auth.end_session(session).await?;
            Ok(StatusCode::NO_CONTENT)
        }
        Credential::ApiToken(_) => Err(ApiError::InvalidRequest(
            "logout ends a session; revoke an API token with DELETE /api/v1/tokens/{id}".to_owned(),
        )),
    }
}

/// The calling account.
#[utoipa::path(
    get, path = "/api/v1/me", tag = "accounts",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "the account", body = AccountView),
        (status = 401, description = "not authenticated", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn me(
    State(state): State<AppState>,
    Caller(caller): Caller,
) -> Result<axum::Json<AccountView>, ApiError> {
    let account = state
        .db
        .account(&caller.account)
        .await?
        .ok_or(ApiError::Unauthorized)?;
    Ok(axum::Json(account.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        for ok in ["a@b.co", "ada.lovelace+k@example.com", "x@sub.example.org"] {
            assert!(validate_email(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "ada",
            "@example.com",
            "ada@",
            "ada@localhost",
            "ada@@example.com",
            "ada@exa mple.com",
            "ada@-x.com",
            "ada@x..com",
        ] {
            assert!(validate_email(bad).is_err(), "{bad}");
        }
        assert_eq!(normalize_email("  Ada@Example.COM "), "ada@example.com");
    }

    #[test]
    fn passwords() {
        assert!(validate_password("123456789").is_err());
        assert!(validate_password("1234567890").is_ok());
        assert!(validate_password("ééééééééééé").is_ok());
        assert!(validate_password(&"x".repeat(1025)).is_err());
    }
}
