//! Test databases: a fresh SQLite file in a temporary directory, or a fresh PostgreSQL
//! database (random name, created from `KUBICLE_TEST_DATABASE_URL` and dropped afterwards) so
//! that tests running in parallel never see each other's rows.
//!
//! [`both_backends!`] turns one `async fn(TestEnv)` into a SQLite test and a PostgreSQL test.

use std::future::Future;
use std::path::PathBuf;

use sqlx::{Connection, Executor};

use super::{Db, DbKind};

/// What a test body gets: the database and a private directory (for keys and the like).
pub(crate) struct TestEnv {
    pub db: Db,
    pub dir: PathBuf,
}

/// The admin URL of the test PostgreSQL server, or None (after printing why) when the tests
/// should skip it. Panics when CI is "true" and the variable is unset.
fn postgres_admin_url() -> Option<String> {
    match std::env::var("KUBICLE_TEST_DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("KUBICLE_TEST_DATABASE_URL must be set when CI=true");
            }
            eprintln!(
                "SKIPPED: PostgreSQL variant of this test (set KUBICLE_TEST_DATABASE_URL, e.g. \
                 postgres://kubicle:kubicle@127.0.0.1:5432/kubicle_test)"
            );
            None
        }
    }
}

/// `url` with its database name replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let prefix = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{prefix}/{name}?{q}"),
        None => format!("{prefix}/{name}"),
    }
}

async fn admin_execute(admin_url: &str, statement: String) {
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(admin_url)
        .await
        .expect("connect to the test PostgreSQL server");
    conn.execute(sqlx::AssertSqlSafe(statement))
        .await
        .expect("admin statement on the test PostgreSQL server");
    let _ = conn.close().await;
}

/// Runs `body` against a fresh database of the given kind and removes the database after,
/// also when the body panics (the panic is then re-raised).
pub(crate) async fn run<F, Fut>(kind: DbKind, body: F)
where
    F: FnOnce(TestEnv) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let dir = tempfile::tempdir().expect("temporary directory");
    let (db, cleanup) = match kind {
        DbKind::Sqlite => {
            let url = format!("sqlite://{}", dir.path().join("platform.db").display());
            (Db::connect(&url).await.expect("connect sqlite"), None)
        }
        DbKind::Postgres => {
            let Some(admin) = postgres_admin_url() else {
                return;
            };
            let name = format!("kubicle_t_{}", hex::encode(rand::random::<[u8; 8]>()));
            admin_execute(&admin, format!("CREATE DATABASE {name}")).await;
            let db = Db::connect(&with_database(&admin, &name))
                .await
                .expect("connect postgres");
            (db, Some((admin, name)))
        }
    };
    assert_eq!(db.kind(), kind);
    let env = TestEnv {
        db: db.clone(),
        dir: dir.path().to_path_buf(),
    };
    let outcome = tokio::spawn(body(env)).await;
    db.close().await;
    if let Some((admin, name)) = cleanup {
        admin_execute(
            &admin,
            format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        )
        .await;
    }
    drop(dir);
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// `both_backends!(name, body)`: a module `name` with tests `sqlite` and `postgres`, each
/// running `body(TestEnv)` on a fresh database.
macro_rules! both_backends {
    ($name:ident, $body:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $crate::db::testing::run($crate::db::DbKind::Sqlite, super::$body).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $crate::db::testing::run($crate::db::DbKind::Postgres, super::$body).await;
            }
        }
    };
}
pub(crate) use both_backends;

#[test]
fn database_name_is_replaced() {
    assert_eq!(
        with_database("postgres://u:p@h:5432/kubicle_test", "x1"),
        "postgres://u:p@h:5432/x1"
    );
    assert_eq!(
        with_database("postgres://u:p@h/kubicle_test?sslmode=disable", "x1"),
        "postgres://u:p@h/x1?sslmode=disable"
    );
    assert_eq!(with_database("postgres://h", "x1"), "postgres://h/x1");
}
