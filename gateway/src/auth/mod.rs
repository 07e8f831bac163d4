//! Credentials: passwords (argon2id), sessions and kubeconfig tokens (ES256 JWTs signed with
//! keys kept in `DATA_DIR/keys/`), and opaque API tokens (`kbt_<token id>_<secret>`, stored as
//! the SHA-256 hex of the secret).
//!
//! Two entry points decide who a caller is: [`Auth::authenticate_api`] (REST API: a session
//! JWT or an API token) and [`Auth::authenticate_cluster`] (`/k8s/<cluster>/…`: only a
//! kubeconfig token of exactly that cluster). Every refusal is the same
//! [`AuthError::Unauthorized`], whatever the reason.
//!
//! JWT rules: algorithm exactly ES256; the header `kid` must name a key of the key folder;
//! `iss` (the advertise URL), `aud`, `exp`, `nbf` and `sub` are required and enforced with at
//! most [`LEEWAY_SECS`] of clock skew. Sessions need their live session row; kubeconfig tokens
//! need their jti row (not revoked) and a cluster that exists and belongs to `sub`. A positive
//! kubeconfig check is cached for [`CLUSTER_CHECK_TTL`] (under a second), so a revocation by
//! any gateway process sharing the database is seen within that time; a revocation through
//! this process drops the cache entries at once.
//!
//! Nothing here logs a secret, a token or a password hash. Storage is [`crate::db`].

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use base64::Engine;
use jsonwebtoken::{Algorithm, Header, Validation};
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::db::{ApiToken, Db, now_ms};
use crate::ids::{AccountId, ClusterId, KubeconfigTokenId, SessionId, TokenId};

mod keys;
mod password;
#[cfg(test)]
mod tests;

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

/// `aud` of session JWTs (REST API and web).
pub const AUDIENCE_API: &str = "kubicle-api";
/// `aud` of kubeconfig JWTs (`/k8s/<cluster>/…`).
pub const AUDIENCE_K8S: &str = "kubicle-k8s";
/// Prefix of opaque API tokens.
pub const API_TOKEN_PREFIX: &str = "kbt_";
/// Lifetime of a session.
pub const SESSION_TTL: Duration = Duration::from_secs(24 * 60 * 60);
/// Lifetime of a kubeconfig token.
pub const CLUSTER_TOKEN_TTL: Duration = Duration::from_secs(365 * 24 * 60 * 60);
/// Clock skew tolerated on `exp` and `nbf`.
pub const LEEWAY_SECS: u64 = 5;
/// How long a positive kubeconfig-token check is reused without asking the database.
pub const CLUSTER_CHECK_TTL: Duration = Duration::from_millis(500);
/// `last_used_at` of an API token is written at most this often.
pub const LAST_USED_GRANULARITY: Duration = Duration::from_secs(60);

/// Length of the base64url (unpadded) encoding of a 32-byte API token secret.
const API_SECRET_LEN: usize = 43;
/// Cache size above which stale entries are swept on insert.
const CACHE_SWEEP_AT: usize = 4096;

/// The claims of both JWT kinds. `sid` only in sessions, `cluster` only in kubeconfig tokens.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Claims {
    iss: String,
    sub: String,
    aud: String,
    exp: i64,
    nbf: i64,
    iat: i64,
    jti: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cluster: Option<String>,
}

struct CachedGrant {
    principal: ClusterPrincipal,
    checked: Instant,
    exp_secs: i64,
}

pub struct Auth {
    db: Db,
    issuer: String,
    keys: keys::KeyStore,
    /// A hash of a random password with the live parameters, for [`Auth::dummy_verify`].
    dummy_hash: String,
    /// Positive kubeconfig-token checks by SHA-256 of the bearer token.
    cluster_cache: Mutex<HashMap<[u8; 32], CachedGrant>>,
}

fn now_secs() -> i64 {
    now_ms() / 1000
}

fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// Equality that takes the same time wherever the first difference is.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `kbt_<token id>_<secret>` → (token id, secret).
fn parse_api_token(bearer: &str) -> Option<(TokenId, &str)> {
    let rest = bearer.strip_prefix(API_TOKEN_PREFIX)?;
    let (id, secret) = rest.split_at_checked(rest.len().checked_sub(API_SECRET_LEN + 1)?)?;
    let secret = secret.strip_prefix('_')?;
    let well_formed = secret
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    well_formed.then_some(())?;
    Some((TokenId::parse(id)?, secret))
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    tokio::task::spawn_blocking(f).await.ok()
}

impl Auth {
    /// Loads the JWT signing keys from `DATA_DIR/keys/` or creates them on first start.
    pub async fn load_or_create(data_dir: &Path, issuer: &str, db: Db) -> Result<Auth, AuthError> {
        let dir = data_dir.join("keys");
        let keys = blocking(move || keys::KeyStore::load_or_create(&dir))
            .await
            .ok_or_else(|| AuthError::Keys("key loading panicked".into()))??;
        let random = hex::encode(rand::random::<[u8; 16]>());
        let dummy_hash = blocking(move || password::hash(&random))
            .await
            .and_then(Result::ok)
            .ok_or_else(|| AuthError::Keys("cannot compute the dummy password hash".into()))?;
        Ok(Auth {
            db,
            issuer: issuer.to_owned(),
            keys,
            dummy_hash,
            cluster_cache: Mutex::new(HashMap::new()),
        })
    }

    /// The `iss` of every token this instance issues and accepts.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// Makes a new signing key current and returns its kid; tokens signed with older keys of
    /// the key folder keep verifying.
    pub async fn rotate_key(&self) -> Result<String, AuthError> {
        // Key generation and the file writes are quick; no need for a blocking thread.
        self.keys.rotate()
    }

    /// The kid that signs new tokens.
    pub fn current_kid(&self) -> String {
        self.keys.signing().0
    }

    /// Every kid that verifies.
    pub fn kids(&self) -> Vec<String> {
        self.keys.kids()
    }

    // ---- passwords ----

    /// argon2id; runs on a blocking thread.
    pub async fn hash_password(&self, password: &str) -> Result<String, AuthError> {
        let password = password.to_owned();
        blocking(move || password::hash(&password))
            .await
            .and_then(Result::ok)
            .ok_or_else(|| AuthError::Keys("password hashing failed".into()))
    }

    /// True when `password` matches `hash`; runs on a blocking thread.
    pub async fn verify_password(&self, hash: &str, password: &str) -> bool {
        let (hash, password) = (hash.to_owned(), password.to_owned());
        blocking(move || password::verify(&hash, &password))
            .await
            .unwrap_or(false)
    }

    /// Spends the time of one [`Auth::verify_password`] and returns nothing: callers use it
    /// when the email is unknown, so that the answer time does not tell whether it exists.
    pub async fn dummy_verify(&self, password: &str) {
        let _ = self.verify_password(&self.dummy_hash, password).await;
    }

    // ---- JWTs ----

    fn sign(&self, claims: &Claims) -> Result<String, AuthError> {
        let (kid, key) = self.keys.signing();
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(kid);
        jsonwebtoken::encode(&header, claims, &key)
            .map_err(|e| AuthError::Keys(format!("cannot sign: {e}")))
    }

    /// Signature, algorithm, kid, iss, aud, exp, nbf and sub; nothing about the database.
    fn verify_jwt(&self, token: &str, audience: &str) -> Result<Claims, AuthError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| AuthError::Unauthorized)?;
        if header.alg != Algorithm::ES256 {
            return Err(AuthError::Unauthorized);
        }
        let kid = header.kid.as_deref().ok_or(AuthError::Unauthorized)?;
        let key = self.keys.verifying(kid).ok_or(AuthError::Unauthorized)?;
        let mut validation = Validation::new(Algorithm::ES256);
        validation.algorithms = vec![Algorithm::ES256];
        validation.leeway = LEEWAY_SECS;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.validate_aud = true;
        validation.set_audience(&[audience]);
        validation.set_issuer(&[&self.issuer]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        jsonwebtoken::decode::<Claims>(token, &key, &validation)
            .map(|data| data.claims)
            .map_err(|_| AuthError::Unauthorized)
    }

    fn claims(&self, account: &AccountId, audience: &str, jti: &str, ttl: Duration) -> Claims {
        let now = now_secs();
        Claims {
            iss: self.issuer.clone(),
            sub: account.to_string(),
            aud: audience.to_owned(),
            exp: now + ttl.as_secs() as i64,
            nbf: now,
            iat: now,
            jti: jti.to_owned(),
            sid: None,
            cluster: None,
        }
    }

    // ---- sessions ----

    /// A session JWT for the REST API and web (creates the session row).
    pub async fn issue_session(&self, account: &AccountId) -> Result<String, AuthError> {
        let session = self
            .db
            .create_session(account, SESSION_TTL.as_millis() as i64)
            .await?;
        let mut claims = self.claims(account, AUDIENCE_API, session.id.as_str(), SESSION_TTL);
        claims.exp = session.expires_at_ms / 1000;
        claims.sid = Some(session.id.to_string());
        self.sign(&claims)
    }

    /// Ends the session: its token stops working at once.
    pub async fn end_session(&self, session: &SessionId) -> Result<(), AuthError> {
        self.db.end_session(session).await?;
        Ok(())
    }

    async fn authenticate_session(&self, bearer: &str) -> Result<Principal, AuthError> {
        let claims = self.verify_jwt(bearer, AUDIENCE_API)?;
        if claims.cluster.is_some() {
            return Err(AuthError::Unauthorized);
        }
        let account = AccountId::parse(&claims.sub).ok_or(AuthError::Unauthorized)?;
        let sid = claims
            .sid
            .as_deref()
            .and_then(SessionId::parse)
            .ok_or(AuthError::Unauthorized)?;
        if claims.jti != sid.as_str() {
            return Err(AuthError::Unauthorized);
        }
        let session = self
            .db
            .session(&sid)
            .await?
            .ok_or(AuthError::Unauthorized)?;
        if session.account != account
            || session.revoked_at_ms.is_some()
            || session.expires_at_ms <= now_ms()
        {
            return Err(AuthError::Unauthorized);
        }
        Ok(Principal {
            account,
            credential: Credential::Session(sid),
        })
    }

    // ---- API tokens ----

    /// An opaque API token; the secret is returned once and stored only as a hash.
    pub async fn issue_api_token(
        &self,
        account: &AccountId,
        name: &str,
        expires_in: Option<Duration>,
    ) -> Result<(ApiToken, String), AuthError> {
        let secret =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
        let hash = hex::encode(sha256(secret.as_bytes()));
        let expires_at_ms = expires_in
            .map(|d| now_ms().saturating_add(i64::try_from(d.as_millis()).unwrap_or(i64::MAX)));
        let token = self
            .db
            .create_api_token(account, name, &hash, expires_at_ms)
            .await?;
        let bearer = format!("{API_TOKEN_PREFIX}{}_{secret}", token.id);
        Ok((token, bearer))
    }

    async fn authenticate_api_token(&self, bearer: &str) -> Result<Principal, AuthError> {
        let (id, secret) = parse_api_token(bearer).ok_or(AuthError::Unauthorized)?;
        let (token, stored_hash) = self
            .db
            .api_token_with_hash(&id)
            .await?
            .ok_or(AuthError::Unauthorized)?;
        let presented = hex::encode(sha256(secret.as_bytes()));
        if !constant_time_eq(presented.as_bytes(), stored_hash.as_bytes()) {
            return Err(AuthError::Unauthorized);
        }
        let now = now_ms();
        if token.revoked_at_ms.is_some() || token.expires_at_ms.is_some_and(|e| e <= now) {
            return Err(AuthError::Unauthorized);
        }
        let granularity = LAST_USED_GRANULARITY.as_millis() as i64;
        if token.last_used_at_ms.is_none_or(|t| t <= now - granularity)
            && let Err(e) = self.db.touch_api_token(&id, now, granularity).await
        {
            // Bookkeeping only: the caller is authenticated either way.
            tracing::warn!(token = %id, error = %e, "cannot record API token use");
        }
        Ok(Principal {
            account: token.account,
            credential: Credential::ApiToken(id),
        })
    }

    /// A session JWT or an API token; kubeconfig tokens are refused here.
    pub async fn authenticate_api(&self, bearer: &str) -> Result<Principal, AuthError> {
        if bearer.starts_with(API_TOKEN_PREFIX) {
            self.authenticate_api_token(bearer).await
        } else {
            self.authenticate_session(bearer).await
        }
    }

    // ---- kubeconfig tokens ----

    /// A JWT valid only for `/k8s/<cluster>/…`, revocable (its jti is stored).
    /// Unauthorized when the cluster does not exist or is not the account's.
    pub async fn issue_cluster_token(
        &self,
        account: &AccountId,
        cluster: &ClusterId,
    ) -> Result<String, AuthError> {
        match self.db.cluster(cluster).await? {
            Some(c) if c.account == *account => {}
            _ => return Err(AuthError::Unauthorized),
        }
        let expires_at_ms = now_ms() + CLUSTER_TOKEN_TTL.as_millis() as i64;
        let row = self
            .db
            .create_cluster_token(account, cluster, expires_at_ms)
            .await?;
        let mut claims = self.claims(account, AUDIENCE_K8S, row.id.as_str(), CLUSTER_TOKEN_TTL);
        claims.exp = row.expires_at_ms / 1000;
        claims.cluster = Some(cluster.to_string());
        self.sign(&claims)
    }

    /// Kubeconfig tokens issued for the cluster (id, created, revoked), newest first.
    pub async fn list_cluster_tokens(
        &self,
        account: &AccountId,
        cluster: &ClusterId,
    ) -> Result<Vec<ClusterTokenInfo>, AuthError> {
        Ok(self
            .db
            .list_cluster_tokens(account, cluster)
            .await?
            .into_iter()
            .map(|t| ClusterTokenInfo {
                id: t.id,
                created_at_ms: t.created_at_ms,
                expires_at_ms: t.expires_at_ms,
                revoked_at_ms: t.revoked_at_ms,
            })
            .collect())
    }

    /// Revokes one kubeconfig token; false when there is no such token of this cluster.
    pub async fn revoke_cluster_token(
        &self,
        account: &AccountId,
        cluster: &ClusterId,
        token: &KubeconfigTokenId,
    ) -> Result<bool, AuthError> {
        let found = self
            .db
            .revoke_cluster_token(account, cluster, token)
            .await?;
        self.cluster_cache
            .lock()
            .retain(|_, e| e.principal.token != *token);
        Ok(found)
    }

    /// Revokes every kubeconfig token of the cluster; takes effect within one second (at
    /// once in this process). Call it when a cluster is deleted, too.
    pub async fn revoke_cluster_tokens(&self, cluster: &ClusterId) -> Result<(), AuthError> {
        self.db.revoke_cluster_tokens(cluster).await?;
        self.forget_cluster(cluster);
        Ok(())
    }

    /// Drops this process's cached checks of the cluster's tokens (they are re-checked
    /// against the database on their next use).
    pub fn forget_cluster(&self, cluster: &ClusterId) {
        self.cluster_cache
            .lock()
            .retain(|_, e| e.principal.cluster != *cluster);
    }

    /// Only a kubeconfig token of exactly this cluster, not revoked, whose cluster exists.
    pub async fn authenticate_cluster(
        &self,
        bearer: &str,
        cluster: &ClusterId,
    ) -> Result<ClusterPrincipal, AuthError> {
        let key = sha256(bearer.as_bytes());
        {
            let cache = self.cluster_cache.lock();
            if let Some(hit) = cache.get(&key)
                && hit.checked.elapsed() < CLUSTER_CHECK_TTL
                && hit.principal.cluster == *cluster
                && now_secs() < hit.exp_secs + LEEWAY_SECS as i64
            {
                return Ok(hit.principal.clone());
            }
        }

        let claims = self.verify_jwt(bearer, AUDIENCE_K8S)?;
        if claims.sid.is_some() || claims.cluster.as_deref() != Some(cluster.as_str()) {
            return Err(AuthError::Unauthorized);
        }
        let account = AccountId::parse(&claims.sub).ok_or(AuthError::Unauthorized)?;
        let jti = KubeconfigTokenId::parse(&claims.jti).ok_or(AuthError::Unauthorized)?;
        let grant = self
            .db
            .cluster_token_grant(&jti)
            .await?
            .ok_or(AuthError::Unauthorized)?;
        let t = &grant.token;
        if t.account != account
            || t.cluster != *cluster
            || t.revoked_at_ms.is_some()
            || t.expires_at_ms <= now_ms()
            || grant.cluster_account.as_ref() != Some(&account)
        {
            return Err(AuthError::Unauthorized);
        }
        let principal = ClusterPrincipal {
            account,
            cluster: cluster.clone(),
            token: jti,
            user: grant.email,
        };
        let mut cache = self.cluster_cache.lock();
        if cache.len() >= CACHE_SWEEP_AT {
            cache.retain(|_, e| e.checked.elapsed() < CLUSTER_CHECK_TTL);
        }
        cache.insert(
            key,
            CachedGrant {
                principal: principal.clone(),
                checked: Instant::now(),
                exp_secs: claims.exp,
            },
        );
        Ok(principal)
    }
}
