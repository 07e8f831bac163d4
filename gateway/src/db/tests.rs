//! Every [`Db`] function, on SQLite and (with `KUBICLE_TEST_DATABASE_URL`) on PostgreSQL.

use std::collections::HashSet;

use sqlx::Row;

use super::testing::{TestEnv, both_backends};
use super::*;

async fn account(db: &Db, email: &str) -> Account {
    db.create_account(email, "$argon2id$fake").await.unwrap()
}

async fn placeholders_bind_by_number(env: TestEnv) {
    // `$n` must mean the n-th bound value on both engines, in any order and repeated.
    let row = sqlx::query("SELECT $2 AS a, $1 AS b, $2 AS c")
        .bind("first")
        .bind("second")
        .fetch_one(env.db.pool())
        .await
        .unwrap();
    assert_eq!(row.get::<String, _>("a"), "second");
    assert_eq!(row.get::<String, _>("b"), "first");
    assert_eq!(row.get::<String, _>("c"), "second");
}
both_backends!(placeholders, placeholders_bind_by_number);

async fn accounts_body(env: TestEnv) {
    let db = &env.db;
    let a = account(db, "Alice@Example.COM").await;
    assert_eq!(a.email, "alice@example.com");
    assert!(a.id.as_str().starts_with('a'));
    assert_eq!(db.account(&a.id).await.unwrap(), Some(a.clone()));
    assert_eq!(
        db.account_by_email("ALICE@example.com").await.unwrap(),
        Some(a.clone())
    );
    assert_eq!(db.account_by_email("bob@example.com").await.unwrap(), None);
    assert_eq!(db.account(&AccountId::new_random()).await.unwrap(), None);
    assert!(matches!(
        db.create_account("alice@EXAMPLE.com", "x").await,
        Err(DbError::Conflict)
    ));
}
both_backends!(accounts, accounts_body);

async fn migrations_body(env: TestEnv) {
    // Connecting again to the same database applies nothing new and keeps the rows.
    let a = account(&env.db, "m@example.com").await;
    if env.db.kind() == DbKind::Sqlite {
        let url = format!("sqlite://{}", env.dir.join("platform.db").display());
        let again = Db::connect(&url).await.unwrap();
        assert_eq!(again.account(&a.id).await.unwrap(), Some(a));
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(again.pool())
            .await
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(again.pool())
            .await
            .unwrap();
        assert_eq!(fk, 1);
        let busy: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
            .fetch_one(again.pool())
            .await
            .unwrap();
        assert_eq!(busy, i64::from(SQLITE_BUSY_TIMEOUT_MS));
        again.close().await;
    }
    // Foreign keys hold: no session for an unknown account.
    assert!(
        env.db
            .create_session(&AccountId::new_random(), 1000)
            .await
            .is_err()
    );
}
both_backends!(migrations, migrations_body);

#[tokio::test]
async fn sqlite_file_and_parent_directory_are_created() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/deeper/platform.db");
    let db = Db::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    assert_eq!(db.kind(), DbKind::Sqlite);
    assert!(path.exists());
    db.close().await;
    assert!(Db::connect("mysql://localhost/x").await.is_err());
}

async fn sessions_body(env: TestEnv) {
    let db = &env.db;
    let a = account(db, "s@example.com").await;
    let s = db.create_session(&a.id, 60_000).await.unwrap();
    assert_eq!(s.expires_at_ms - s.created_at_ms, 60_000);
    assert_eq!(db.session(&s.id).await.unwrap(), Some(s.clone()));
    assert!(db.end_session(&s.id).await.unwrap());
    assert!(!db.end_session(&s.id).await.unwrap());
    let ended = db.session(&s.id).await.unwrap().unwrap();
    assert!(ended.revoked_at_ms.is_some());
    assert_eq!(db.session(&SessionId::new_random()).await.unwrap(), None);
}
both_backends!(sessions, sessions_body);

async fn api_tokens_body(env: TestEnv) {
    let db = &env.db;
    let a = account(db, "t@example.com").await;
    let b = account(db, "u@example.com").await;
    let t1 = db
        .create_api_token(&a.id, "ci", "hash1", Some(now_ms() + 1000))
        .await
        .unwrap();
    let t2 = db
        .create_api_token(&a.id, "laptop", "hash2", None)
        .await
        .unwrap();
    db.create_api_token(&b.id, "other", "hash3", None)
        .await
        .unwrap();
    let (got, hash) = db.api_token_with_hash(&t1.id).await.unwrap().unwrap();
    assert_eq!((got, hash.as_str()), (t1.clone(), "hash1"));
    assert_eq!(
        db.api_token_with_hash(&TokenId::new_random())
            .await
            .unwrap(),
        None
    );

    let listed = db.list_api_tokens(&a.id).await.unwrap();
    assert_eq!(
        listed.iter().map(|t| t.id.clone()).collect::<HashSet<_>>(),
        HashSet::from([t1.id.clone(), t2.id.clone()])
    );

    // last_used_at: written once per interval.
    let now = now_ms();
    assert!(db.touch_api_token(&t1.id, now, 60_000).await.unwrap());
    assert!(
        !db.touch_api_token(&t1.id, now + 1_000, 60_000)
            .await
            .unwrap()
    );
    assert!(
        db.touch_api_token(&t1.id, now + 60_000, 60_000)
            .await
            .unwrap()
    );
    let (got, _) = db.api_token_with_hash(&t1.id).await.unwrap().unwrap();
    assert_eq!(got.last_used_at_ms, Some(now + 60_000));

    // Revocation: only by the owner; idempotent.
    assert!(!db.revoke_api_token(&b.id, &t1.id).await.unwrap());
    assert!(db.revoke_api_token(&a.id, &t1.id).await.unwrap());
    let first = db.api_token_with_hash(&t1.id).await.unwrap().unwrap().0;
    assert!(first.revoked_at_ms.is_some());
    assert!(db.revoke_api_token(&a.id, &t1.id).await.unwrap());
    let second = db.api_token_with_hash(&t1.id).await.unwrap().unwrap().0;
    assert_eq!(first.revoked_at_ms, second.revoked_at_ms);
    assert!(
        !db.revoke_api_token(&a.id, &TokenId::new_random())
            .await
            .unwrap()
    );
}
both_backends!(api_tokens, api_tokens_body);

async fn clusters_body(env: TestEnv) {
    let db = &env.db;
    let a = account(db, "c@example.com").await;
    let b = account(db, "d@example.com").await;
    let (c1, created) = db.create_cluster(&a.id, "dev", None, 3).await.unwrap();
    assert!(created);
    assert_eq!(c1.status, ClusterStatus::Provisioning);
    assert_eq!(c1.account, a.id);
    // Same name: conflict; the other account may use it.
    assert!(matches!(
        db.create_cluster(&a.id, "dev", None, 3).await,
        Err(DbError::Conflict)
    ));
    let (cb, _) = db.create_cluster(&b.id, "dev", None, 3).await.unwrap();

    // Idempotency key: same name returns the same cluster, another name conflicts.
    let (c2, created) = db
        .create_cluster(&a.id, "stage", Some("key-1"), 3)
        .await
        .unwrap();
    assert!(created);
    let (again, created) = db
        .create_cluster(&a.id, "stage", Some("key-1"), 3)
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(again, c2);
    assert!(matches!(
        db.create_cluster(&a.id, "prod", Some("key-1"), 3).await,
        Err(DbError::Conflict)
    ));
    // The key is per account.
    db.create_cluster(&b.id, "stage", Some("key-1"), 3)
        .await
        .unwrap();

    // Quota.
    db.create_cluster(&a.id, "prod", None, 3).await.unwrap();
    assert!(matches!(
        db.create_cluster(&a.id, "more", None, 3).await,
        Err(DbError::QuotaExceeded(3))
    ));
    // An idempotent replay still answers when the quota is full.
    assert_eq!(
        db.create_cluster(&a.id, "stage", Some("key-1"), 3)
            .await
            .unwrap(),
        (c2.clone(), false)
    );

    // Listed oldest first; clusters created in the same millisecond may come in either order,
    // so compare them as a set.
    let mut names: Vec<String> = db
        .list_clusters(&a.id)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(names.len(), 3);
    names.sort();
    assert_eq!(names, ["dev", "prod", "stage"]);
    assert_eq!(db.all_clusters().await.unwrap().len(), 5);

    // Lookup by id or name, never across accounts.
    assert_eq!(
        db.cluster_for_account(&a.id, c1.id.as_str()).await.unwrap(),
        Some(c1.clone())
    );
    assert_eq!(
        db.cluster_for_account(&a.id, "dev").await.unwrap(),
        Some(c1.clone())
    );
    assert_eq!(
        db.cluster_for_account(&a.id, cb.id.as_str()).await.unwrap(),
        None
    );
    assert_eq!(db.cluster_for_account(&b.id, "prod").await.unwrap(), None);
    assert_eq!(db.cluster(&c1.id).await.unwrap(), Some(c1.clone()));
    assert_eq!(db.cluster(&ClusterId::new_random()).await.unwrap(), None);

    // A cluster named like another cluster's id: the id wins.
    db.delete_cluster(&c2.id).await.unwrap();
    let (tricky, _) = db
        .create_cluster(&a.id, c1.id.as_str(), None, 3)
        .await
        .unwrap();
    assert_eq!(
        db.cluster_for_account(&a.id, c1.id.as_str()).await.unwrap(),
        Some(c1.clone())
    );
    assert_eq!(
        db.cluster_for_account(&a.id, tricky.id.as_str())
            .await
            .unwrap(),
        Some(tricky)
    );

    // Status.
    for status in [
        ClusterStatus::Ready,
        ClusterStatus::Failed,
        ClusterStatus::Deleting,
        ClusterStatus::Provisioning,
    ] {
        db.set_cluster_status(&c1.id, status).await.unwrap();
        assert_eq!(db.cluster(&c1.id).await.unwrap().unwrap().status, status);
        let found = db.clusters_in(status).await.unwrap();
        assert!(found.iter().any(|c| c.id == c1.id), "{status:?}: {found:?}");
        assert!(found.iter().all(|c| c.status == status), "{found:?}");
    }
    // c1 is Provisioning again; the others were never changed from Provisioning, so all are.
    assert!(
        db.clusters_in(ClusterStatus::Deleting)
            .await
            .unwrap()
            .is_empty()
    );
    db.ping().await.unwrap();
    db.set_cluster_status(&ClusterId::new_random(), ClusterStatus::Ready)
        .await
        .unwrap();

    // Deletion frees the name and the idempotency key and revokes the cluster's tokens.
    let tok = db
        .create_cluster_token(&a.id, &c1.id, now_ms() + 60_000)
        .await
        .unwrap();
    db.delete_cluster(&c1.id).await.unwrap();
    assert_eq!(db.cluster(&c1.id).await.unwrap(), None);
    let grant = db.cluster_token_grant(&tok.id).await.unwrap().unwrap();
    assert!(grant.token.revoked_at_ms.is_some());
    assert_eq!(grant.cluster_account, None);
    db.create_cluster(&a.id, "dev", None, 3).await.unwrap();
    db.delete_cluster(&ClusterId::new_random()).await.unwrap();
}
both_backends!(clusters, clusters_body);

async fn quota_under_concurrency_body(env: TestEnv) {
    let a = account(&env.db, "q@example.com").await;
    let mut tasks = Vec::new();
    for i in 0..16 {
        let db = env.db.clone();
        let id = a.id.clone();
        tasks.push(tokio::spawn(async move {
            db.create_cluster(&id, &format!("c{i}"), None, 5).await
        }));
    }
    let mut ok = 0;
    let mut quota = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(DbError::QuotaExceeded(5)) => quota += 1,
            Err(e) => panic!("unexpected error: {e}"),
        }
    }
    assert_eq!((ok, quota), (5, 11));
    assert_eq!(env.db.list_clusters(&a.id).await.unwrap().len(), 5);

    // Concurrent idempotent creates with one key make one cluster.
    let b = account(&env.db, "r@example.com").await;
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let db = env.db.clone();
        let id = b.id.clone();
        tasks.push(tokio::spawn(async move {
            db.create_cluster(&id, "one", Some("same-key"), 5).await
        }));
    }
    let mut ids = HashSet::new();
    let mut fresh = 0;
    for t in tasks {
        let (c, created) = t.await.unwrap().unwrap();
        ids.insert(c.id);
        fresh += usize::from(created);
    }
    assert_eq!((ids.len(), fresh), (1, 1));
}
both_backends!(quota_under_concurrency, quota_under_concurrency_body);

async fn cluster_tokens_body(env: TestEnv) {
    let db = &env.db;
    let a = account(db, "k@example.com").await;
    let b = account(db, "l@example.com").await;
    let (c, _) = db.create_cluster(&a.id, "dev", None, 10).await.unwrap();
    let (other, _) = db.create_cluster(&a.id, "other", None, 10).await.unwrap();
    let exp = now_ms() + 60_000;
    let t1 = db.create_cluster_token(&a.id, &c.id, exp).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(3)).await;
    let t2 = db.create_cluster_token(&a.id, &c.id, exp).await.unwrap();
    let t3 = db
        .create_cluster_token(&a.id, &other.id, exp)
        .await
        .unwrap();

    let listed: Vec<_> = db
        .list_cluster_tokens(&a.id, &c.id)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(listed, [t2.id.clone(), t1.id.clone()]);
    assert!(
        db.list_cluster_tokens(&b.id, &c.id)
            .await
            .unwrap()
            .is_empty()
    );

    let grant = db.cluster_token_grant(&t1.id).await.unwrap().unwrap();
    assert_eq!(grant.token, t1);
    assert_eq!(grant.cluster_account, Some(a.id.clone()));
    assert_eq!(grant.email, "k@example.com");
    assert_eq!(
        db.cluster_token_grant(&KubeconfigTokenId::new_random())
            .await
            .unwrap(),
        None
    );

    // One token: not by another account, not through another cluster.
    assert!(!db.revoke_cluster_token(&b.id, &c.id, &t1.id).await.unwrap());
    assert!(
        !db.revoke_cluster_token(&a.id, &other.id, &t1.id)
            .await
            .unwrap()
    );
    assert!(db.revoke_cluster_token(&a.id, &c.id, &t1.id).await.unwrap());
    let g = db.cluster_token_grant(&t1.id).await.unwrap().unwrap();
    assert!(g.token.revoked_at_ms.is_some());
    assert!(
        db.cluster_token_grant(&t2.id)
            .await
            .unwrap()
            .unwrap()
            .token
            .revoked_at_ms
            .is_none()
    );

    // All of a cluster: counts only live ones and leaves other clusters alone.
    assert_eq!(db.revoke_cluster_tokens(&c.id).await.unwrap(), 1);
    assert_eq!(db.revoke_cluster_tokens(&c.id).await.unwrap(), 0);
    assert!(
        db.cluster_token_grant(&t3.id)
            .await
            .unwrap()
            .unwrap()
            .token
            .revoked_at_ms
            .is_none()
    );
}
both_backends!(cluster_tokens, cluster_tokens_body);

async fn audit_body(env: TestEnv) {
    let db = &env.db;
    let a = account(db, "au@example.com").await;
    let b = account(db, "bu@example.com").await;
    let c = ClusterId::new_random();
    let record = |at_ms: i64, account: &AccountId, name: Option<&str>| AuditRecord {
        at_ms,
        account: account.clone(),
        cluster: c.clone(),
        credential: "kxxxxxxxxxxxxxxxxxxxx".into(),
        verb: "create".into(),
        resource: "/v1/configmaps".into(),
        namespace: name.map(|_| "default".to_owned()),
        name: name.map(str::to_owned),
        status: 201,
    };
    db.insert_audit(&[]).await.unwrap();
    db.insert_audit(&[
        record(1_000, &a.id, Some("one")),
        record(3_000, &a.id, None),
        record(2_000, &a.id, Some("two")),
        record(4_000, &b.id, Some("theirs")),
    ])
    .await
    .unwrap();
    let got = db.list_audit(&a.id, 10).await.unwrap();
    assert_eq!(
        got.iter().map(|r| r.at_ms).collect::<Vec<_>>(),
        [3_000, 2_000, 1_000]
    );
    assert_eq!(got[0], record(3_000, &a.id, None));
    assert_eq!(got[1], record(2_000, &a.id, Some("two")));
    assert_eq!(db.list_audit(&a.id, 1).await.unwrap().len(), 1);
    assert_eq!(db.list_audit(&b.id, 10).await.unwrap().len(), 1);
}
both_backends!(audit, audit_body);
