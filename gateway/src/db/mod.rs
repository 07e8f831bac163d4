//! The platform database: accounts, sessions, API tokens, clusters, kubeconfig tokens and the
//! audit log, through sqlx's `Any` driver so that one code path serves SQLite (the default, a
//! file in the data dir) and PostgreSQL (`--database-url postgres://…`).
//!
//! Every statement here is portable SQL with `$n` placeholders (SQLite binds `$n` by number,
//! PostgreSQL natively); ids are TEXT and times are BIGINT unix milliseconds. The schema lives
//! in `migrations/` and is applied by [`Db::connect`].
//!
//! This module owns the SQL and nothing else: it never hashes, signs or checks credentials
//! (that is [`crate::auth`]) and never touches a cluster's own data directory.

use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::AnyPool;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions, AnyRow};
use sqlx::{Executor, Row};

use crate::audit::AuditRecord;
use crate::ids::{AccountId, ClusterId, KubeconfigTokenId, SessionId, TokenId};

#[cfg(test)]
pub(crate) mod testing;
#[cfg(test)]
mod tests;

/// The schema, embedded at build time from `migrations/`.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// How long a SQLite connection waits for another writer before giving up.
const SQLITE_BUSY_TIMEOUT_MS: u32 = 5_000;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// A unique constraint would be violated (email taken, cluster name taken, an idempotency
    /// key reused for another name).
    #[error("already exists")]
    Conflict,
    /// The account already has this many clusters.
    #[error("quota of {0} clusters reached")]
    QuotaExceeded(u32),
    /// Anything the database or driver reported.
    #[error("database error: {0}")]
    Sqlx(#[from] sqlx::Error),
    /// The embedded migrations could not be applied.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DbKind {
    Sqlite,
    Postgres,
}

/// A pool of connections to the platform database. Cheap to clone.
#[derive(Clone)]
pub struct Db {
    pool: AnyPool,
    kind: DbKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub id: AccountId,
    pub email: String,
    pub password_hash: String,
    pub created_at_ms: i64,
}

/// Stored lifecycle of a cluster. `Sleeping` is not stored: the API reports it for a Ready
/// cluster whose control plane is not running.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClusterStatus {
    Provisioning,
    Ready,
    Failed,
    Deleting,
}

impl ClusterStatus {
    /// The text stored in `clusters.status` (and shown by the API).
    pub fn as_str(self) -> &'static str {
        match self {
            ClusterStatus::Provisioning => "Provisioning",
            ClusterStatus::Ready => "Ready",
            ClusterStatus::Failed => "Failed",
            ClusterStatus::Deleting => "Deleting",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "Provisioning" => ClusterStatus::Provisioning,
            "Ready" => ClusterStatus::Ready,
            "Failed" => ClusterStatus::Failed,
            "Deleting" => ClusterStatus::Deleting,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cluster {
    pub id: ClusterId,
    pub account: AccountId,
    pub name: String,
    pub status: ClusterStatus,
    pub created_at_ms: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiToken {
    pub id: TokenId,
    pub account: AccountId,
    pub name: String,
    pub created_at_ms: i64,
    pub expires_at_ms: Option<i64>,
    pub last_used_at_ms: Option<i64>,
    pub revoked_at_ms: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub id: SessionId,
    pub account: AccountId,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
    pub revoked_at_ms: Option<i64>,
}

/// The stored row of a kubeconfig token (the JWT itself is never stored).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterToken {
    pub id: KubeconfigTokenId,
    pub account: AccountId,
    pub cluster: ClusterId,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
    pub revoked_at_ms: Option<i64>,
}

/// What authenticating a kubeconfig token needs in one read: the token row, the owner of the
/// cluster it names (None when the cluster no longer exists) and the token owner's email.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterTokenGrant {
    pub token: ClusterToken,
    pub cluster_account: Option<AccountId>,
    pub email: String,
}

/// Unix time in milliseconds.
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn unique_to_conflict(e: sqlx::Error) -> DbError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => DbError::Conflict,
        _ => DbError::Sqlx(e),
    }
}

fn decode_error(what: &str, value: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("unexpected {what} {value:?} in the platform database").into())
}

const ACCOUNT_COLUMNS: &str = "id, email, password_hash, created_at_ms";
const CLUSTER_COLUMNS: &str = "id, account, name, status, created_at_ms";
const API_TOKEN_COLUMNS: &str =
    "id, account, name, created_at_ms, expires_at_ms, last_used_at_ms, revoked_at_ms";
const SESSION_COLUMNS: &str = "id, account, created_at_ms, expires_at_ms, revoked_at_ms";
const CLUSTER_TOKEN_COLUMNS: &str =
    "id, account, cluster, created_at_ms, expires_at_ms, revoked_at_ms";
const AUDIT_COLUMNS: &str =
    "at_ms, account, cluster, credential, verb, resource, namespace, name, status";

fn account_from(row: &AnyRow) -> Result<Account, sqlx::Error> {
    Ok(Account {
        id: AccountId::from_db(row.try_get("id")?),
        email: row.try_get("email")?,
        password_hash: row.try_get("password_hash")?,
        created_at_ms: row.try_get("created_at_ms")?,
    })
}

fn cluster_from(row: &AnyRow) -> Result<Cluster, sqlx::Error> {
    let status: String = row.try_get("status")?;
    Ok(Cluster {
        id: ClusterId::from_db(row.try_get("id")?),
        account: AccountId::from_db(row.try_get("account")?),
        name: row.try_get("name")?,
        status: ClusterStatus::parse(&status).ok_or_else(|| decode_error("status", &status))?,
        created_at_ms: row.try_get("created_at_ms")?,
    })
}

fn api_token_from(row: &AnyRow) -> Result<ApiToken, sqlx::Error> {
    Ok(ApiToken {
        id: TokenId::from_db(row.try_get("id")?),
        account: AccountId::from_db(row.try_get("account")?),
        name: row.try_get("name")?,
        created_at_ms: row.try_get("created_at_ms")?,
        expires_at_ms: row.try_get("expires_at_ms")?,
        last_used_at_ms: row.try_get("last_used_at_ms")?,
        revoked_at_ms: row.try_get("revoked_at_ms")?,
    })
}

fn session_from(row: &AnyRow) -> Result<Session, sqlx::Error> {
    Ok(Session {
        id: SessionId::from_db(row.try_get("id")?),
        account: AccountId::from_db(row.try_get("account")?),
        created_at_ms: row.try_get("created_at_ms")?,
        expires_at_ms: row.try_get("expires_at_ms")?,
        revoked_at_ms: row.try_get("revoked_at_ms")?,
    })
}

fn cluster_token_from(row: &AnyRow) -> Result<ClusterToken, sqlx::Error> {
    Ok(ClusterToken {
        id: KubeconfigTokenId::from_db(row.try_get("id")?),
        account: AccountId::from_db(row.try_get("account")?),
        cluster: ClusterId::from_db(row.try_get("cluster")?),
        created_at_ms: row.try_get("created_at_ms")?,
        expires_at_ms: row.try_get("expires_at_ms")?,
        revoked_at_ms: row.try_get("revoked_at_ms")?,
    })
}

fn audit_from(row: &AnyRow) -> Result<AuditRecord, sqlx::Error> {
    let status: i64 = row.try_get("status")?;
    Ok(AuditRecord {
        at_ms: row.try_get("at_ms")?,
        account: AccountId::from_db(row.try_get("account")?),
        cluster: ClusterId::from_db(row.try_get("cluster")?),
        credential: row.try_get("credential")?,
        verb: row.try_get("verb")?,
        resource: row.try_get("resource")?,
        namespace: row.try_get("namespace")?,
        name: row.try_get("name")?,
        status: u16::try_from(status).map_err(|_| decode_error("status", &status.to_string()))?,
    })
}

/// A statement built from constant fragments of this module (never from user input).
fn sql(text: String) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(text)
}

/// Adds `mode=rwc` (create if missing) to a SQLite URL that does not say otherwise, and
/// creates the file's parent directory.
fn prepare_sqlite_url(url: &str) -> String {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let (path, query) = match rest.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (rest, None),
    };
    if !path.is_empty()
        && path != ":memory:"
        && let Some(parent) = std::path::Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        // If this fails, connecting reports the real problem.
        let _ = std::fs::create_dir_all(parent);
    }
    match query {
        Some(q) if q.split('&').any(|kv| kv.starts_with("mode=")) => url.to_owned(),
        Some(_) => format!("{url}&mode=rwc"),
        None => format!("{url}?mode=rwc"),
    }
}

impl Db {
    /// `sqlite://PATH` (created if missing) or `postgres://…`; applies migrations/.
    ///
    /// SQLite connections run in WAL mode with a busy timeout and foreign keys on.
    pub async fn connect(url: &str) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let (kind, url) = if url.starts_with("sqlite:") {
            (DbKind::Sqlite, prepare_sqlite_url(url))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (DbKind::Postgres, url.to_owned())
        } else {
            return Err(DbError::Sqlx(sqlx::Error::Configuration(
                "database url must start with sqlite: or postgres://".into(),
            )));
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = match kind {
            DbKind::Sqlite => {
                AnyPoolOptions::new()
                    .max_connections(8)
                    .after_connect(|conn, _meta| {
                        Box::pin(async move {
                            conn.execute(sql(format!(
                                "PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}"
                            )))
                            .await?;
                            conn.execute("PRAGMA foreign_keys = ON").await?;
                            conn.execute("PRAGMA journal_mode = WAL").await?;
                            conn.execute("PRAGMA synchronous = NORMAL").await?;
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await?
            }
            DbKind::Postgres => {
                AnyPoolOptions::new()
                    .max_connections(10)
                    .connect_with(options)
                    .await?
            }
        };
        MIGRATOR.run(&pool).await?;
        Ok(Db { pool, kind })
    }

    pub fn kind(&self) -> DbKind {
        self.kind
    }

    /// The underlying pool, for health checks and the like.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Whether the database takes a write: a statement that matches no row and changes
    /// nothing, but needs the write lock (SQLite) or a writable primary (PostgreSQL), which
    /// every platform operation needs too. A plain `SELECT 1` would not even open SQLite's
    /// file. Callers put their own timeout around it (SQLite waits for a busy lock).
    pub async fn ping(&self) -> Result<(), DbError> {
        sqlx::query("UPDATE accounts SET created_at_ms = created_at_ms WHERE id = ''")
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Closes every connection; later calls fail.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    // ---- accounts ----

    /// Creates an account; the email is stored lower-cased. `Conflict` when it is taken.
    pub async fn create_account(
        &self,
        email: &str,
        password_hash: &str,
    ) -> Result<Account, DbError> {
        let account = Account {
            id: AccountId::new_random(),
            email: email.to_lowercase(),
            password_hash: password_hash.to_owned(),
            created_at_ms: now_ms(),
        };
        sqlx::query(
            "INSERT INTO accounts (id, email, password_hash, created_at_ms) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(account.id.as_str())
        .bind(&account.email)
        .bind(&account.password_hash)
        .bind(account.created_at_ms)
        .execute(&self.pool)
        .await
        .map_err(unique_to_conflict)?;
        Ok(account)
    }

    /// Looks the email up case-insensitively.
    pub async fn account_by_email(&self, email: &str) -> Result<Option<Account>, DbError> {
        let row = sqlx::query(sql(format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE email = $1"
        )))
        .bind(email.to_lowercase())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(account_from).transpose()?)
    }

    pub async fn account(&self, id: &AccountId) -> Result<Option<Account>, DbError> {
        let row = sqlx::query(sql(format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = $1"
        )))
        .bind(id.as_str())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(account_from).transpose()?)
    }

    // ---- sessions ----

    /// Creates a session row that expires `ttl_ms` from now.
    pub async fn create_session(
        &self,
        account: &AccountId,
        ttl_ms: i64,
    ) -> Result<Session, DbError> {
        let now = now_ms();
        let session = Session {
            id: SessionId::new_random(),
            account: account.clone(),
            created_at_ms: now,
            expires_at_ms: now + ttl_ms,
            revoked_at_ms: None,
        };
        sqlx::query(
            "INSERT INTO sessions (id, account, created_at_ms, expires_at_ms) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(session.id.as_str())
        .bind(session.account.as_str())
        .bind(session.created_at_ms)
        .bind(session.expires_at_ms)
        .execute(&self.pool)
        .await?;
        Ok(session)
    }

    pub async fn session(&self, id: &SessionId) -> Result<Option<Session>, DbError> {
        let row = sqlx::query(sql(format!(
            "SELECT {SESSION_COLUMNS} FROM sessions WHERE id = $1"
        )))
        .bind(id.as_str())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(session_from).transpose()?)
    }

    /// Marks the session ended; false when there is no such live session.
    pub async fn end_session(&self, id: &SessionId) -> Result<bool, DbError> {
        let done = sqlx::query(
            "UPDATE sessions SET revoked_at_ms = $1 WHERE id = $2 AND revoked_at_ms IS NULL",
        )
        .bind(now_ms())
        .bind(id.as_str())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    // ---- API tokens ----

    /// Stores a new API token; `secret_hash` is the SHA-256 hex of its secret.
    pub async fn create_api_token(
        &self,
        account: &AccountId,
        name: &str,
        secret_hash: &str,
        expires_at_ms: Option<i64>,
    ) -> Result<ApiToken, DbError> {
        let token = ApiToken {
            id: TokenId::new_random(),
            account: account.clone(),
            name: name.to_owned(),
            created_at_ms: now_ms(),
            expires_at_ms,
            last_used_at_ms: None,
            revoked_at_ms: None,
        };
        sqlx::query(
            "INSERT INTO api_tokens (id, account, name, secret_hash, created_at_ms, expires_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token.id.as_str())
        .bind(token.account.as_str())
        .bind(&token.name)
        .bind(secret_hash)
        .bind(token.created_at_ms)
        .bind(token.expires_at_ms)
        .execute(&self.pool)
        .await?;
        Ok(token)
    }

    /// The token and its stored secret hash, for authentication.
    pub async fn api_token_with_hash(
        &self,
        id: &TokenId,
    ) -> Result<Option<(ApiToken, String)>, DbError> {
        let row = sqlx::query(sql(format!(
            "SELECT {API_TOKEN_COLUMNS}, secret_hash FROM api_tokens WHERE id = $1"
        )))
        .bind(id.as_str())
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(row) => Ok(Some((api_token_from(&row)?, row.try_get("secret_hash")?))),
            None => Ok(None),
        }
    }

    /// Sets `last_used_at_ms = now_ms` unless it was set less than `granularity_ms` ago (the
    /// condition is in the statement, so several gateways write at most once per interval).
    /// True when the row was written.
    pub async fn touch_api_token(
        &self,
        id: &TokenId,
        now_ms: i64,
        granularity_ms: i64,
    ) -> Result<bool, DbError> {
        let done = sqlx::query(
            "UPDATE api_tokens SET last_used_at_ms = $1 \
             WHERE id = $2 AND (last_used_at_ms IS NULL OR last_used_at_ms <= $3)",
        )
        .bind(now_ms)
        .bind(id.as_str())
        .bind(now_ms - granularity_ms)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// The account's API tokens (revoked ones included), oldest first.
    pub async fn list_api_tokens(&self, account: &AccountId) -> Result<Vec<ApiToken>, DbError> {
        let rows = sqlx::query(sql(format!(
            "SELECT {API_TOKEN_COLUMNS} FROM api_tokens WHERE account = $1 \
             ORDER BY created_at_ms, id"
        )))
        .bind(account.as_str())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(api_token_from).collect::<Result<_, _>>()?)
    }

    /// Marks the token revoked; false when the account has no such token.
    ///
    /// Revoking an already revoked token keeps the first revocation time and returns true.
    pub async fn revoke_api_token(
        &self,
        account: &AccountId,
        id: &TokenId,
    ) -> Result<bool, DbError> {
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at_ms = COALESCE(revoked_at_ms, $1) \
             WHERE id = $2 AND account = $3",
        )
        .bind(now_ms())
        .bind(id.as_str())
        .bind(account.as_str())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    // ---- clusters ----

    /// Creates a cluster row in Provisioning. With an idempotency key already used by this
    /// account for the same name, returns the existing cluster and `false`.
    ///
    /// `Conflict` when the name is taken or the key was used for another name;
    /// `QuotaExceeded` when the account already has `quota` clusters. The check and the insert
    /// run in one transaction that first updates the account row: that write takes the
    /// database's write lock on SQLite and a row lock on PostgreSQL, so concurrent creates of
    /// one account are serialised and the quota holds exactly.
    pub async fn create_cluster(
        &self,
        account: &AccountId,
        name: &str,
        idempotency_key: Option<&str>,
        quota: u32,
    ) -> Result<(Cluster, bool), DbError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let locked = sqlx::query("UPDATE accounts SET clusters_changed_at_ms = $1 WHERE id = $2")
            .bind(now)
            .bind(account.as_str())
            .execute(&mut *tx)
            .await?;
        if locked.rows_affected() == 0 {
            return Err(DbError::Sqlx(sqlx::Error::RowNotFound));
        }
        if let Some(key) = idempotency_key {
            let existing = sqlx::query(sql(format!(
                "SELECT {CLUSTER_COLUMNS} FROM clusters \
                 WHERE account = $1 AND idempotency_key = $2"
            )))
            .bind(account.as_str())
            .bind(key)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(row) = existing {
                let cluster = cluster_from(&row)?;
                tx.rollback().await?;
                return if cluster.name == name {
                    Ok((cluster, false))
                } else {
                    Err(DbError::Conflict)
                };
            }
        }
        let taken: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM clusters WHERE account = $1 AND name = $2")
                .bind(account.as_str())
                .bind(name)
                .fetch_one(&mut *tx)
                .await?;
        if taken > 0 {
            return Err(DbError::Conflict);
        }
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM clusters WHERE account = $1")
            .bind(account.as_str())
            .fetch_one(&mut *tx)
            .await?;
        if count >= i64::from(quota) {
            return Err(DbError::QuotaExceeded(quota));
        }
        let cluster = Cluster {
            id: ClusterId::new_random(),
            account: account.clone(),
            name: name.to_owned(),
            status: ClusterStatus::Provisioning,
            created_at_ms: now,
        };
        sqlx::query(
            "INSERT INTO clusters \
             (id, account, name, status, idempotency_key, created_at_ms, updated_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(cluster.id.as_str())
        .bind(cluster.account.as_str())
        .bind(&cluster.name)
        .bind(cluster.status.as_str())
        .bind(idempotency_key)
        .bind(cluster.created_at_ms)
        .execute(&mut *tx)
        .await
        .map_err(unique_to_conflict)?;
        tx.commit().await?;
        Ok((cluster, true))
    }

    /// The account's clusters, oldest first.
    pub async fn list_clusters(&self, account: &AccountId) -> Result<Vec<Cluster>, DbError> {
        let rows = sqlx::query(sql(format!(
            "SELECT {CLUSTER_COLUMNS} FROM clusters WHERE account = $1 ORDER BY created_at_ms, id"
        )))
        .bind(account.as_str())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(cluster_from).collect::<Result<_, _>>()?)
    }

    /// The account's cluster by id or by name; None for another account's cluster. An id
    /// wins over a cluster whose name happens to look like that id.
    pub async fn cluster_for_account(
        &self,
        account: &AccountId,
        id_or_name: &str,
    ) -> Result<Option<Cluster>, DbError> {
        let row = sqlx::query(sql(format!(
            "SELECT {CLUSTER_COLUMNS} FROM clusters \
             WHERE account = $1 AND (id = $2 OR name = $2) \
             ORDER BY CASE WHEN id = $2 THEN 0 ELSE 1 END LIMIT 1"
        )))
        .bind(account.as_str())
        .bind(id_or_name)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(cluster_from).transpose()?)
    }

    pub async fn cluster(&self, id: &ClusterId) -> Result<Option<Cluster>, DbError> {
        let row = sqlx::query(sql(format!(
            "SELECT {CLUSTER_COLUMNS} FROM clusters WHERE id = $1"
        )))
        .bind(id.as_str())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(cluster_from).transpose()?)
    }

    /// Every cluster of every account, oldest first (the supervisor's view at start).
    pub async fn all_clusters(&self) -> Result<Vec<Cluster>, DbError> {
        let rows = sqlx::query(sql(format!(
            "SELECT {CLUSTER_COLUMNS} FROM clusters ORDER BY created_at_ms, id"
        )))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(cluster_from).collect::<Result<_, _>>()?)
    }

    /// Every cluster (of any account) in `status`, oldest first: what a restart finds left
    /// Provisioning or Deleting by a server that stopped mid-way.
    pub async fn clusters_in(&self, status: ClusterStatus) -> Result<Vec<Cluster>, DbError> {
        let rows = sqlx::query(sql(format!(
            "SELECT {CLUSTER_COLUMNS} FROM clusters WHERE status = $1 ORDER BY created_at_ms, id"
        )))
        .bind(status.as_str())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(cluster_from).collect::<Result<_, _>>()?)
    }

    /// Sets the status; a cluster that no longer exists is left alone.
    pub async fn set_cluster_status(
        &self,
        id: &ClusterId,
        status: ClusterStatus,
    ) -> Result<(), DbError> {
        sqlx::query("UPDATE clusters SET status = $1, updated_at_ms = $2 WHERE id = $3")
            .bind(status.as_str())
            .bind(now_ms())
            .bind(id.as_str())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Removes the cluster row and revokes its kubeconfig tokens.
    pub async fn delete_cluster(&self, id: &ClusterId) -> Result<(), DbError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE cluster_tokens SET revoked_at_ms = $1 \
             WHERE cluster = $2 AND revoked_at_ms IS NULL",
        )
        .bind(now_ms())
        .bind(id.as_str())
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM clusters WHERE id = $1")
            .bind(id.as_str())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    // ---- kubeconfig tokens ----

    /// Stores the row of a new kubeconfig token (its jti).
    pub async fn create_cluster_token(
        &self,
        account: &AccountId,
        cluster: &ClusterId,
        expires_at_ms: i64,
    ) -> Result<ClusterToken, DbError> {
        let token = ClusterToken {
            id: KubeconfigTokenId::new_random(),
            account: account.clone(),
            cluster: cluster.clone(),
            created_at_ms: now_ms(),
            expires_at_ms,
            revoked_at_ms: None,
        };
        sqlx::query(
            "INSERT INTO cluster_tokens (id, account, cluster, created_at_ms, expires_at_ms) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token.id.as_str())
        .bind(token.account.as_str())
        .bind(token.cluster.as_str())
        .bind(token.created_at_ms)
        .bind(token.expires_at_ms)
        .execute(&self.pool)
        .await?;
        Ok(token)
    }

    /// The account's kubeconfig tokens of one cluster (revoked ones included), newest first.
    pub async fn list_cluster_tokens(
        &self,
        account: &AccountId,
        cluster: &ClusterId,
    ) -> Result<Vec<ClusterToken>, DbError> {
        let rows = sqlx::query(sql(format!(
            "SELECT {CLUSTER_TOKEN_COLUMNS} FROM cluster_tokens \
             WHERE cluster = $1 AND account = $2 ORDER BY created_at_ms DESC, id DESC"
        )))
        .bind(cluster.as_str())
        .bind(account.as_str())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(cluster_token_from)
            .collect::<Result<_, _>>()?)
    }

    /// Revokes one kubeconfig token; false when the account has no such token of the cluster.
    pub async fn revoke_cluster_token(
        &self,
        account: &AccountId,
        cluster: &ClusterId,
        id: &KubeconfigTokenId,
    ) -> Result<bool, DbError> {
        let done = sqlx::query(
            "UPDATE cluster_tokens SET revoked_at_ms = COALESCE(revoked_at_ms, $1) \
             WHERE id = $2 AND cluster = $3 AND account = $4",
        )
        .bind(now_ms())
        .bind(id.as_str())
        .bind(cluster.as_str())
        .bind(account.as_str())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Revokes every live kubeconfig token of the cluster; returns how many.
    pub async fn revoke_cluster_tokens(&self, cluster: &ClusterId) -> Result<u64, DbError> {
        let done = sqlx::query(
            "UPDATE cluster_tokens SET revoked_at_ms = $1 \
             WHERE cluster = $2 AND revoked_at_ms IS NULL",
        )
        .bind(now_ms())
        .bind(cluster.as_str())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// The token row with its cluster's owner and the token owner's email, in one read.
    pub async fn cluster_token_grant(
        &self,
        id: &KubeconfigTokenId,
    ) -> Result<Option<ClusterTokenGrant>, DbError> {
        let row = sqlx::query(
            "SELECT t.id, t.account, t.cluster, t.created_at_ms, t.expires_at_ms, \
                    t.revoked_at_ms, c.account AS cluster_account, a.email \
             FROM cluster_tokens t \
             JOIN accounts a ON a.id = t.account \
             LEFT JOIN clusters c ON c.id = t.cluster \
             WHERE t.id = $1",
        )
        .bind(id.as_str())
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let cluster_account: Option<String> = row.try_get("cluster_account")?;
        Ok(Some(ClusterTokenGrant {
            token: cluster_token_from(&row)?,
            cluster_account: cluster_account.map(AccountId::from_db),
            email: row.try_get("email")?,
        }))
    }

    // ---- audit ----

    /// Writes the records in one transaction.
    pub async fn insert_audit(&self, records: &[AuditRecord]) -> Result<(), DbError> {
        if records.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool.begin().await?;
        for r in records {
            sqlx::query(sql(format!(
                "INSERT INTO audit_log (id, {AUDIT_COLUMNS}) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
            )))
            .bind(uuid::Uuid::new_v4().to_string())
            .bind(r.at_ms)
            .bind(r.account.as_str())
            .bind(r.cluster.as_str())
            .bind(&r.credential)
            .bind(&r.verb)
            .bind(&r.resource)
            .bind(r.namespace.as_deref())
            .bind(r.name.as_deref())
            .bind(i64::from(r.status))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The account's newest `limit` audit records, newest first.
    pub async fn list_audit(
        &self,
        account: &AccountId,
        limit: u32,
    ) -> Result<Vec<AuditRecord>, DbError> {
        let rows = sqlx::query(sql(format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE account = $1 \
             ORDER BY at_ms DESC, id DESC LIMIT $2"
        )))
        .bind(account.as_str())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(audit_from).collect::<Result<_, _>>()?)
    }
}
