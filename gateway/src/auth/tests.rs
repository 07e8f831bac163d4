//! Credentials end to end against a real database (SQLite, and PostgreSQL when
//! `KUBICLE_TEST_DATABASE_URL` is set): positive flows, the JWT negative matrix, key rotation
//! and revocation seen by another gateway process.

use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};

use base64::Engine;
use jsonwebtoken::{EncodingKey, Header};
use serde_json::{Value, json};

use super::*;
use crate::db::testing::{TestEnv, both_backends};

const ISSUER: &str = "https://kubicle.test:8443";

async fn auth(env: &TestEnv) -> Auth {
    Auth::load_or_create(&env.dir, ISSUER, env.db.clone())
        .await
        .unwrap()
}

fn b64(data: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(data)
}

fn b64_json(v: &Value) -> String {
    b64(&serde_json::to_vec(v).unwrap())
}

/// The parts of a compact JWT.
fn parts(token: &str) -> (String, String, String) {
    let mut it = token.split('.');
    let (h, p, s) = (it.next().unwrap(), it.next().unwrap(), it.next().unwrap());
    (h.to_owned(), p.to_owned(), s.to_owned())
}

fn decode_part(part: &str) -> Value {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

/// Signs arbitrary claims with this instance's current key (as a legitimate issuer would).
fn sign_value(auth: &Auth, claims: &Value) -> String {
    let (kid, key) = auth.keys.signing();
    let mut header = Header::new(Algorithm::ES256);
    header.kid = Some(kid);
    jsonwebtoken::encode(&header, claims, &key).unwrap()
}

/// A P-256 key that is not in the key folder.
fn foreign_key() -> EncodingKey {
    let pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    EncodingKey::from_ec_pem(pair.serialize_pem().as_bytes()).unwrap()
}

struct Fixture {
    auth: Auth,
    alice: AccountId,
    bob: AccountId,
    /// Alice's clusters.
    dev: ClusterId,
    prod: ClusterId,
    /// Bob's cluster.
    bobs: ClusterId,
}

async fn fixture(env: &TestEnv) -> Fixture {
    let auth = auth(env).await;
    let alice = env
        .db
        .create_account("alice@example.com", "x")
        .await
        .unwrap()
        .id;
    let bob = env
        .db
        .create_account("bob@example.com", "x")
        .await
        .unwrap()
        .id;
    let dev = env
        .db
        .create_cluster(&alice, "dev", None, 10)
        .await
        .unwrap()
        .0
        .id;
    let prod = env
        .db
        .create_cluster(&alice, "prod", None, 10)
        .await
        .unwrap()
        .0
        .id;
    let bobs = env
        .db
        .create_cluster(&bob, "dev", None, 10)
        .await
        .unwrap()
        .0
        .id;
    Fixture {
        auth,
        alice,
        bob,
        dev,
        prod,
        bobs,
    }
}

fn cluster_claims(f: &Fixture, cluster: &ClusterId, jti: &str) -> Value {
    let now = now_secs();
    json!({
        "iss": ISSUER, "sub": f.alice.as_str(), "aud": AUDIENCE_K8S,
        "exp": now + 3600, "nbf": now - 1, "iat": now - 1,
        "jti": jti, "cluster": cluster.as_str(),
    })
}

async fn positive_flows_body(env: TestEnv) {
    let f = fixture(&env).await;
    let a = &f.auth;

    // Passwords.
    let hash = a.hash_password("correct horse battery").await.unwrap();
    assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    assert!(a.verify_password(&hash, "correct horse battery").await);
    assert!(!a.verify_password(&hash, "correct horse battery!").await);
    assert!(!a.verify_password("not a hash", "x").await);
    assert_ne!(
        hash,
        a.hash_password("correct horse battery").await.unwrap()
    );
    assert!(a.dummy_hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    a.dummy_verify("anything").await;

    // Sessions.
    let session = a.issue_session(&f.alice).await.unwrap();
    let (h, p, _) = parts(&session);
    assert_eq!(decode_part(&h)["alg"], "ES256");
    assert_eq!(decode_part(&h)["kid"], a.current_kid().as_str());
    let claims = decode_part(&p);
    assert_eq!(claims["iss"], ISSUER);
    assert_eq!(claims["aud"], AUDIENCE_API);
    assert_eq!(claims["sub"], f.alice.as_str());
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        SESSION_TTL.as_secs() as i64
    );
    let p = a.authenticate_api(&session).await.unwrap();
    assert_eq!(p.account, f.alice);
    let Credential::Session(sid) = p.credential else {
        panic!("expected a session")
    };
    assert_eq!(claims["sid"], sid.as_str());

    // API tokens.
    let (token, secret) = a
        .issue_api_token(&f.alice, "ci", Some(Duration::from_secs(3600)))
        .await
        .unwrap();
    assert!(secret.starts_with(&format!("kbt_{}_", token.id)));
    assert_eq!(secret.len(), 4 + 21 + 1 + 43);
    assert!(
        !env.db
            .api_token_with_hash(&token.id)
            .await
            .unwrap()
            .unwrap()
            .1
            .contains(&secret[26..])
    );
    let p = a.authenticate_api(&secret).await.unwrap();
    assert_eq!(
        p,
        Principal {
            account: f.alice.clone(),
            credential: Credential::ApiToken(token.id.clone())
        }
    );
    let used = env
        .db
        .api_token_with_hash(&token.id)
        .await
        .unwrap()
        .unwrap()
        .0
        .last_used_at_ms
        .unwrap();
    // A second use within the minute does not write again.
    a.authenticate_api(&secret).await.unwrap();
    let again = env
        .db
        .api_token_with_hash(&token.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.0.last_used_at_ms, Some(used));
    let (forever, forever_secret) = a.issue_api_token(&f.bob, "x", None).await.unwrap();
    assert_eq!(forever.expires_at_ms, None);
    assert_eq!(
        a.authenticate_api(&forever_secret).await.unwrap().account,
        f.bob
    );

    // Kubeconfig tokens.
    let kt = a.issue_cluster_token(&f.alice, &f.dev).await.unwrap();
    let claims = decode_part(&parts(&kt).1);
    assert_eq!(claims["aud"], AUDIENCE_K8S);
    assert_eq!(claims["cluster"], f.dev.as_str());
    assert!(claims["exp"].as_i64().unwrap() > now_secs() + 364 * 24 * 3600);
    let cp = a.authenticate_cluster(&kt, &f.dev).await.unwrap();
    assert_eq!(cp.account, f.alice);
    assert_eq!(cp.cluster, f.dev);
    assert_eq!(cp.user, "alice@example.com");
    assert_eq!(claims["jti"], cp.token.as_str());
    // Cached path answers the same.
    assert_eq!(a.authenticate_cluster(&kt, &f.dev).await.unwrap(), cp);
    let listed = a.list_cluster_tokens(&f.alice, &f.dev).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, cp.token);
    assert!(
        a.list_cluster_tokens(&f.bob, &f.dev)
            .await
            .unwrap()
            .is_empty()
    );
    // Not for someone else's or an unknown cluster.
    assert!(matches!(
        a.issue_cluster_token(&f.alice, &f.bobs).await,
        Err(AuthError::Unauthorized)
    ));
    assert!(matches!(
        a.issue_cluster_token(&f.alice, &ClusterId::new_random())
            .await,
        Err(AuthError::Unauthorized)
    ));
    // Revoking one token leaves the others working.
    let kt2 = a.issue_cluster_token(&f.alice, &f.dev).await.unwrap();
    assert!(
        a.revoke_cluster_token(&f.alice, &f.dev, &cp.token)
            .await
            .unwrap()
    );
    assert!(
        !a.revoke_cluster_token(&f.bob, &f.dev, &cp.token)
            .await
            .unwrap()
    );
    assert!(a.authenticate_cluster(&kt, &f.dev).await.is_err());
    a.authenticate_cluster(&kt2, &f.dev).await.unwrap();
    a.revoke_cluster_tokens(&f.dev).await.unwrap();
    assert!(a.authenticate_cluster(&kt2, &f.dev).await.is_err());
    let _ = f.prod;
}
both_backends!(positive_flows, positive_flows_body);

async fn jwt_negative_matrix_body(env: TestEnv) {
    let f = fixture(&env).await;
    let a = &f.auth;
    let kid = a.current_kid();
    let now = now_secs();

    let good_k8s = a.issue_cluster_token(&f.alice, &f.dev).await.unwrap();
    let good_jti = a
        .authenticate_cluster(&good_k8s, &f.dev)
        .await
        .unwrap()
        .token;
    let base = cluster_claims(&f, &f.dev, good_jti.as_str());
    let with = |patch: Value| {
        let mut v = base.clone();
        for (k, val) in patch.as_object().unwrap() {
            if val.is_null() {
                v.as_object_mut().unwrap().remove(k);
            } else {
                v[k] = val.clone();
            }
        }
        v
    };

    let mut k8s_cases: Vec<(&str, String, ClusterId)> = Vec::new();
    let mut api_cases: Vec<(&str, String)> = Vec::new();

    // Header attacks.
    let none_header = json!({"alg": "none", "typ": "JWT", "kid": kid});
    k8s_cases.push((
        "alg none",
        format!("{}.{}.", b64_json(&none_header), b64_json(&base)),
        f.dev.clone(),
    ));
    let mut hs = Header::new(Algorithm::HS256);
    hs.kid = Some(kid.clone());
    let public_pem = a.keys.public_pem(&kid);
    k8s_cases.push((
        "HS256 signed with the public key (PEM)",
        jsonwebtoken::encode(&hs, &base, &EncodingKey::from_secret(public_pem.as_bytes())).unwrap(),
        f.dev.clone(),
    ));
    let public_der = base64::engine::general_purpose::STANDARD
        .decode(
            public_pem
                .lines()
                .filter(|l| !l.starts_with("-----"))
                .collect::<String>(),
        )
        .unwrap();
    k8s_cases.push((
        "HS256 signed with the public key (DER)",
        jsonwebtoken::encode(&hs, &base, &EncodingKey::from_secret(&public_der)).unwrap(),
        f.dev.clone(),
    ));
    let mut es = Header::new(Algorithm::ES256);
    es.kid = Some("ffffffffffffffff".into());
    k8s_cases.push((
        "unknown kid",
        jsonwebtoken::encode(&es, &base, &foreign_key()).unwrap(),
        f.dev.clone(),
    ));
    es.kid = Some("../../etc/passwd".into());
    k8s_cases.push((
        "path in kid",
        jsonwebtoken::encode(&es, &base, &foreign_key()).unwrap(),
        f.dev.clone(),
    ));
    es.kid = Some(kid.clone());
    k8s_cases.push((
        "known kid, signed by a foreign key",
        jsonwebtoken::encode(&es, &base, &foreign_key()).unwrap(),
        f.dev.clone(),
    ));
    es.kid = None;
    k8s_cases.push((
        "no kid",
        jsonwebtoken::encode(&es, &base, &a.keys.signing().1).unwrap(),
        f.dev.clone(),
    ));

    // Claims, signed with the real key.
    let signed = |v: Value| sign_value(a, &v);
    k8s_cases.push((
        "expired",
        signed(with(
            json!({"exp": now - 60, "nbf": now - 120, "iat": now - 120}),
        )),
        f.dev.clone(),
    ));
    k8s_cases.push((
        "nbf in the future",
        signed(with(json!({"nbf": now + 60}))),
        f.dev.clone(),
    ));
    k8s_cases.push((
        "wrong aud",
        signed(with(json!({"aud": "kubicle-other"}))),
        f.dev.clone(),
    ));
    k8s_cases.push((
        "aud as a list with another audience",
        signed(with(json!({"aud": ["kubicle-other"]}))),
        f.dev.clone(),
    ));
    k8s_cases.push((
        "wrong iss",
        signed(with(json!({"iss": "https://evil.example"}))),
        f.dev.clone(),
    ));
    for claim in ["exp", "nbf", "iss", "aud", "sub"] {
        let name: &'static str = Box::leak(format!("missing {claim}").into_boxed_str());
        k8s_cases.push((name, signed(with(json!({ claim: null }))), f.dev.clone()));
    }
    let (h, _, s) = parts(&good_k8s);
    let other_payload = parts(&signed(with(json!({"cluster": f.prod.as_str()})))).1;
    k8s_cases.push((
        "tampered payload (signature of another payload)",
        format!("{h}.{other_payload}.{s}"),
        f.prod.clone(),
    ));
    let (h2, p2, mut s2) = parts(&good_k8s);
    s2.replace_range(..2, if s2.starts_with("AA") { "BB" } else { "AA" });
    k8s_cases.push((
        "tampered signature",
        format!("{h2}.{p2}.{s2}"),
        f.dev.clone(),
    ));

    // Database-backed refusals.
    let revoked = a.issue_cluster_token(&f.alice, &f.dev).await.unwrap();
    let revoked_id = a
        .authenticate_cluster(&revoked, &f.dev)
        .await
        .unwrap()
        .token;
    a.revoke_cluster_token(&f.alice, &f.dev, &revoked_id)
        .await
        .unwrap();
    k8s_cases.push(("revoked kubeconfig token", revoked, f.dev.clone()));
    k8s_cases.push((
        "kubeconfig token for another cluster of the same account",
        good_k8s.clone(),
        f.prod.clone(),
    ));
    k8s_cases.push((
        "kubeconfig token for another account's cluster",
        good_k8s.clone(),
        f.bobs.clone(),
    ));
    k8s_cases.push((
        "validly signed, jti of another cluster's token",
        signed(with(json!({"cluster": f.prod.as_str()}))),
        f.prod.clone(),
    ));
    k8s_cases.push((
        "validly signed, unknown jti",
        signed(with(
            json!({"jti": KubeconfigTokenId::new_random().as_str()}),
        )),
        f.dev.clone(),
    ));
    k8s_cases.push((
        "validly signed, sub of another account",
        signed(with(json!({"sub": f.bob.as_str()}))),
        f.dev.clone(),
    ));
    let bob_token = a.issue_cluster_token(&f.bob, &f.bobs).await.unwrap();
    let bob_jti = a
        .authenticate_cluster(&bob_token, &f.bobs)
        .await
        .unwrap()
        .token;
    k8s_cases.push((
        "validly signed, another account's cluster and jti, own sub",
        signed(with(
            json!({"cluster": f.bobs.as_str(), "jti": bob_jti.as_str()}),
        )),
        f.bobs.clone(),
    ));
    let doomed = env
        .db
        .create_cluster(&f.alice, "doomed", None, 10)
        .await
        .unwrap()
        .0
        .id;
    let doomed_token = a.issue_cluster_token(&f.alice, &doomed).await.unwrap();
    env.db.delete_cluster(&doomed).await.unwrap();
    a.forget_cluster(&doomed);
    k8s_cases.push(("token of a deleted cluster", doomed_token, doomed));

    let session = a.issue_session(&f.alice).await.unwrap();
    let (api_token, api_secret) = a.issue_api_token(&f.alice, "ci", None).await.unwrap();
    k8s_cases.push((
        "session token used as kubeconfig token",
        session.clone(),
        f.dev.clone(),
    ));
    k8s_cases.push((
        "API token used as kubeconfig token",
        api_secret.clone(),
        f.dev.clone(),
    ));
    k8s_cases.push(("empty token", String::new(), f.dev.clone()));
    k8s_cases.push(("garbage", "a.b.c".into(), f.dev.clone()));

    // The REST API side.
    api_cases.push(("kubeconfig token used as API token", good_k8s.clone()));
    let mut wrong = api_secret.clone();
    let last = wrong.pop().unwrap();
    wrong.push(if last == 'A' { 'B' } else { 'A' });
    api_cases.push(("API token with a wrong secret", wrong));
    api_cases.push((
        "API token with an unknown id",
        format!("kbt_{}_{}", TokenId::new_random(), &api_secret[26..]),
    ));
    api_cases.push(("API token, malformed", "kbt_short".into()));
    let (_, revoked_api) = a.issue_api_token(&f.alice, "old", None).await.unwrap();
    let revoked_api_id = TokenId::parse(&revoked_api[4..25]).unwrap();
    assert!(
        env.db
            .revoke_api_token(&f.alice, &revoked_api_id)
            .await
            .unwrap()
    );
    api_cases.push(("revoked API token", revoked_api));
    let (_, expired_api) = a
        .issue_api_token(&f.alice, "brief", Some(Duration::ZERO))
        .await
        .unwrap();
    api_cases.push(("expired API token", expired_api));
    let ended = a.issue_session(&f.alice).await.unwrap();
    let Credential::Session(ended_sid) = a.authenticate_api(&ended).await.unwrap().credential
    else {
        panic!("expected a session")
    };
    a.end_session(&ended_sid).await.unwrap();
    api_cases.push(("ended session", ended));
    let now = now_secs();
    let session_claims = |patch: Value| {
        let sid = ended_sid.as_str();
        let mut v = json!({
            "iss": ISSUER, "sub": f.alice.as_str(), "aud": AUDIENCE_API,
            "exp": now + 3600, "nbf": now - 1, "iat": now - 1, "jti": sid, "sid": sid,
        });
        for (k, val) in patch.as_object().unwrap() {
            v[k] = val.clone();
        }
        v
    };
    api_cases.push((
        "session JWT naming an unknown session",
        signed(session_claims(json!({
            "jti": "saaaaaaaaaaaaaaaaaaaa", "sid": "saaaaaaaaaaaaaaaaaaaa"
        }))),
    ));
    let live = a.issue_session(&f.alice).await.unwrap();
    let live_sid = decode_part(&parts(&live).1)["sid"].clone();
    api_cases.push((
        "session JWT of another account's session",
        signed(session_claims(
            json!({"sub": f.bob.as_str(), "jti": live_sid, "sid": live_sid}),
        )),
    ));
    api_cases.push((
        "session token, expired",
        signed(session_claims(
            json!({"jti": live_sid, "sid": live_sid, "exp": now - 60}),
        )),
    ));
    api_cases.push((
        "session token, wrong iss",
        signed(session_claims(
            json!({"jti": live_sid, "sid": live_sid, "iss": "https://evil.example"}),
        )),
    ));
    api_cases.push((
        "session token, alg none",
        format!(
            "{}.{}.",
            b64_json(&json!({"alg": "none", "kid": kid})),
            parts(&live).1
        ),
    ));
    api_cases.push(("empty token", String::new()));

    // Sanity: the valid credentials used above do work.
    a.authenticate_cluster(&good_k8s, &f.dev).await.unwrap();
    a.authenticate_api(&session).await.unwrap();
    a.authenticate_api(&live).await.unwrap();
    assert_eq!(
        a.authenticate_api(&api_secret).await.unwrap().credential,
        Credential::ApiToken(api_token.id)
    );

    let mut report = String::from("JWT/credential negative matrix:\n");
    let mut failures = Vec::new();
    for (name, token, cluster) in &k8s_cases {
        let outcome = a.authenticate_cluster(token, cluster).await;
        let refused = matches!(outcome, Err(AuthError::Unauthorized));
        report.push_str(&format!(
            "  /k8s  {:<58} {}\n",
            name,
            if refused { "401" } else { "ACCEPTED" }
        ));
        if !refused {
            failures.push(*name);
        }
    }
    for (name, token) in &api_cases {
        let outcome = a.authenticate_api(token).await;
        let refused = matches!(outcome, Err(AuthError::Unauthorized));
        report.push_str(&format!(
            "  /api  {:<58} {}\n",
            name,
            if refused { "401" } else { "ACCEPTED" }
        ));
        if !refused {
            failures.push(*name);
        }
    }
    eprintln!("{report}");
    assert!(failures.is_empty(), "accepted: {failures:?}");
    assert!(k8s_cases.len() + api_cases.len() >= 40);
}
both_backends!(jwt_negative_matrix, jwt_negative_matrix_body);

async fn key_rotation_body(env: TestEnv) {
    let f = fixture(&env).await;
    let a = &f.auth;
    let keys = env.dir.join("keys");
    let old_kid = a.current_kid();
    let current = std::fs::read_to_string(keys.join("current")).unwrap();
    assert_eq!(current.trim(), old_kid);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&keys.join(format!("{old_kid}.pem"))), 0o600);
    assert_eq!(mode(&keys), 0o700);
    let pem = std::fs::read_to_string(keys.join(format!("{old_kid}.pem"))).unwrap();
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"));

    let old_session = a.issue_session(&f.alice).await.unwrap();
    let old_k8s = a.issue_cluster_token(&f.alice, &f.dev).await.unwrap();

    let new_kid = a.rotate_key().await.unwrap();
    assert_ne!(new_kid, old_kid);
    assert_eq!(a.current_kid(), new_kid);
    assert_eq!(
        std::fs::read_to_string(keys.join("current"))
            .unwrap()
            .trim(),
        new_kid
    );
    assert_eq!(mode(&keys.join(format!("{new_kid}.pem"))), 0o600);
    let new_session = a.issue_session(&f.alice).await.unwrap();
    assert_eq!(decode_part(&parts(&new_session).0)["kid"], new_kid.as_str());
    for t in [&old_session, &new_session] {
        a.authenticate_api(t).await.unwrap();
    }
    a.authenticate_cluster(&old_k8s, &f.dev).await.unwrap();

    // A restart keeps the current key and every older one.
    let restarted = auth(&env).await;
    assert_eq!(restarted.current_kid(), new_kid);
    let mut kids = restarted.kids();
    kids.sort();
    let mut expected = vec![old_kid.clone(), new_kid.clone()];
    expected.sort();
    assert_eq!(kids, expected);
    for t in [&old_session, &new_session] {
        restarted.authenticate_api(t).await.unwrap();
    }
    restarted
        .authenticate_cluster(&old_k8s, &f.dev)
        .await
        .unwrap();

    // Another process on the same data dir rotates: its new tokens verify here too.
    let third_kid = restarted.rotate_key().await.unwrap();
    let third = restarted.issue_session(&f.bob).await.unwrap();
    assert_eq!(decode_part(&parts(&third).0)["kid"], third_kid.as_str());
    assert_eq!(a.authenticate_api(&third).await.unwrap().account, f.bob);

    // A different issuer (advertise URL) accepts none of them.
    let elsewhere = Auth::load_or_create(&env.dir, "https://other:8443", env.db.clone())
        .await
        .unwrap();
    assert!(elsewhere.authenticate_api(&new_session).await.is_err());
}
both_backends!(key_rotation, key_rotation_body);

async fn revocation_across_processes_body(env: TestEnv) {
    let f = fixture(&env).await;
    // Two gateway processes: same data dir, same database, separate caches.
    let one = &f.auth;
    let two = auth(&env).await;
    let token = one.issue_cluster_token(&f.alice, &f.dev).await.unwrap();
    let principal = two.authenticate_cluster(&token, &f.dev).await.unwrap();
    two.authenticate_cluster(&token, &f.dev).await.unwrap(); // now cached in `two`

    let revoked_at = Instant::now();
    assert!(
        one.revoke_cluster_token(&f.alice, &f.dev, &principal.token)
            .await
            .unwrap()
    );
    assert!(one.authenticate_cluster(&token, &f.dev).await.is_err());
    loop {
        if two.authenticate_cluster(&token, &f.dev).await.is_err() {
            break;
        }
        assert!(
            revoked_at.elapsed() < Duration::from_secs(1),
            "revocation not seen by the other process within one second"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    eprintln!(
        "revocation seen by the other process after {:?}",
        revoked_at.elapsed()
    );

    // Revoke-all and cluster deletion, the same way.
    let t2 = one.issue_cluster_token(&f.alice, &f.prod).await.unwrap();
    two.authenticate_cluster(&t2, &f.prod).await.unwrap();
    env.db.delete_cluster(&f.prod).await.unwrap();
    tokio::time::sleep(CLUSTER_CHECK_TTL + Duration::from_millis(50)).await;
    assert!(two.authenticate_cluster(&t2, &f.prod).await.is_err());

    // Ending a session takes effect at once everywhere.
    let s = one.issue_session(&f.alice).await.unwrap();
    let Credential::Session(sid) = two.authenticate_api(&s).await.unwrap().credential else {
        panic!("expected a session")
    };
    one.end_session(&sid).await.unwrap();
    assert!(two.authenticate_api(&s).await.is_err());
}
both_backends!(
    revocation_across_processes,
    revocation_across_processes_body
);

#[test]
fn api_token_parsing() {
    let id = TokenId::new_random();
    let secret = "A".repeat(43);
    assert_eq!(
        parse_api_token(&format!("kbt_{id}_{secret}")),
        Some((id.clone(), secret.as_str()))
    );
    let with_underscores = "_-_".repeat(14) + "x";
    assert_eq!(
        parse_api_token(&format!("kbt_{id}_{with_underscores}")).map(|p| p.1),
        Some(with_underscores.as_str())
    );
    for bad in [
        String::new(),
        "kbt_".into(),
        format!("kbt_{id}_{}", "A".repeat(42)),
        format!("kbt_{id}_{}", "A".repeat(44)),
        format!("kbt_{id}-{secret}"),
        format!("kbt_{id}_{}=", "A".repeat(42)),
        format!("kbt_x{}_{secret}", &id.as_str()[1..]),
        format!("kbt_{id}_{}é", "A".repeat(41)),
    ] {
        assert_eq!(parse_api_token(&bad), None, "{bad}");
    }
    assert!(constant_time_eq(b"abc", b"abc"));
    assert!(!constant_time_eq(b"abc", b"abd"));
    assert!(!constant_time_eq(b"abc", b"ab"));
}

#[test]
fn password_verification_time() {
    // The parameters must keep a verification well under 100 ms when argon2 is optimised
    // (release builds; the dev profile optimises argon2 too). Only a release build asserts,
    // as a machine busy with other builds can stretch any one run.
    let hash = password::hash("some password 123").unwrap();
    let mut times = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        assert!(password::verify(&hash, "some password 123"));
        times.push(start.elapsed());
    }
    times.sort();
    eprintln!("argon2id verify: min {:?}, median {:?}", times[0], times[2]);
    if !cfg!(debug_assertions) {
        assert!(times[0] < Duration::from_millis(100), "{times:?}");
    }
}
