-- The platform database: accounts, credentials, clusters and the audit log.
-- Portable SQL: it runs unchanged on SQLite and PostgreSQL (TEXT ids, BIGINT unix-ms times,
-- no AUTOINCREMENT/SERIAL, no engine-specific types).

CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    -- stored lower-cased
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    -- bumped by every cluster creation; the UPDATE is the per-account lock that keeps the
    -- cluster quota exact under concurrent creates
    clusters_changed_at_ms BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    account TEXT NOT NULL REFERENCES accounts (id),
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    revoked_at_ms BIGINT
);
CREATE INDEX sessions_account ON sessions (account);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    account TEXT NOT NULL REFERENCES accounts (id),
    name TEXT NOT NULL,
    -- SHA-256 hex of the secret part of kbt_<id>_<secret>
    secret_hash TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT,
    last_used_at_ms BIGINT,
    revoked_at_ms BIGINT
);
CREATE INDEX api_tokens_account ON api_tokens (account, created_at_ms);

CREATE TABLE clusters (
    id TEXT PRIMARY KEY,
    account TEXT NOT NULL REFERENCES accounts (id),
    name TEXT NOT NULL,
    -- Provisioning | Ready | Failed | Deleting
    status TEXT NOT NULL,
    idempotency_key TEXT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    UNIQUE (account, name),
    UNIQUE (account, idempotency_key)
);

-- Kubeconfig tokens: the row of a JWT's jti. No foreign key to clusters: a deleted cluster's
-- tokens stay, revoked, as history.
CREATE TABLE cluster_tokens (
    id TEXT PRIMARY KEY,
    account TEXT NOT NULL REFERENCES accounts (id),
    cluster TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    revoked_at_ms BIGINT
);
CREATE INDEX cluster_tokens_cluster ON cluster_tokens (cluster, created_at_ms);

-- One row per mutating Kubernetes request. No foreign keys: records outlive their cluster.
CREATE TABLE audit_log (
    id TEXT PRIMARY KEY,
    at_ms BIGINT NOT NULL,
    account TEXT NOT NULL,
    cluster TEXT NOT NULL,
    credential TEXT NOT NULL,
    verb TEXT NOT NULL,
    resource TEXT NOT NULL,
    namespace TEXT,
    name TEXT,
    status BIGINT NOT NULL
);
CREATE INDEX audit_log_account_time ON audit_log (account, at_ms);
CREATE INDEX audit_log_cluster_time ON audit_log (cluster, at_ms);
