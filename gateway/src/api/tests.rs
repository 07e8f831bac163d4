//! The REST API against the real platform parts (SQLite in a temp dir, real auth, real
//! supervisor), driven with `oneshot` requests.
//!
//! Tests that need a running control plane use the `kubicle` binary: `$KUBICLE_BIN`, or
//! `target/debug/kubicle` next to this test executable (`cargo build --bin kubicle`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use base64::Engine;
use serde_json::{Value, json};
use tower::ServiceExt;

use super::kubeconfig::Kubeconfig;
use crate::audit::AuditSink;
use crate::auth::Auth;
use crate::config::{Config, ControlPlaneLimits};
use crate::db::Db;
use crate::ids::ClusterId;
use crate::metrics::Metrics;
use crate::ratelimit::RateLimits;
use crate::state::{AppState, Platform};
use crate::supervisor::{ProcessState, Supervisor, SupervisorConfig};

const ADVERTISE: &str = "https://kubicle.test:8443";
const CA_PEM: &str = "-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n";
const PASSWORD: &str = "correct horse battery";

/// The `kubicle` binary the supervisor runs.
fn kubicle_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("KUBICLE_BIN") {
        return p.into();
    }
    let exe = std::env::current_exe().expect("test executable path");
    // target/debug/deps/gateway-… → target/debug/kubicle
    exe.parent()
        .and_then(|deps| deps.parent())
        .map(|debug| debug.join("kubicle"))
        .expect("target directory")
}

struct TestApi {
    app: Router,
    state: AppState,
    dir: tempfile::TempDir,
}

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: bytes::Bytes,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .unwrap_or_else(|| panic!("no {name} header in {:?}", self.headers))
            .to_str()
            .unwrap()
    }

    /// Asserts a problem response of this status and `type` slug.
    #[track_caller]
    fn assert_problem(&self, status: u16, slug: &str) -> Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        assert_eq!(self.header("content-type"), "application/problem+json");
        let p = self.json();
        assert_eq!(
            p["type"],
            format!("https://kubicle.dev/problems/{slug}"),
            "{p}"
        );
        assert_eq!(p["status"], status, "{p}");
        assert!(p["title"].as_str().is_some_and(|t| !t.is_empty()), "{p}");
        assert!(p["detail"].as_str().is_some_and(|t| !t.is_empty()), "{p}");
        p
    }
}

impl TestApi {
    async fn new() -> Self {
        Self::with(10, Duration::from_secs(600)).await
    }

    async fn with(quota: u32, idle_timeout: Duration) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let data_dir = dir.path().to_path_buf();
        let db = Db::connect(&format!(
            "sqlite://{}",
            data_dir.join("platform.db").display()
        ))
        .await
        .expect("platform database");
        let auth = Auth::load_or_create(&data_dir, ADVERTISE, db.clone())
            .await
            .expect("auth keys");
        let limits = ControlPlaneLimits {
            memory_bytes: 256 << 20,
            cpu_millis: 1000,
            pids: 256,
        };
        let config = Config {
            advertise_url: ADVERTISE.to_owned(),
            idle_timeout,
            cluster_quota: quota,
            control_plane: limits.clone(),
            ..Config::with_data_dir(&data_dir)
        };
        let metrics = Arc::new(Metrics::new());
        let supervisor = Supervisor::new(
            SupervisorConfig {
                binary: kubicle_binary(),
                clusters_dir: data_dir.join("clusters"),
                idle_timeout,
                limits,
                wait_timeout: Duration::from_secs(30),
            },
            metrics.clone(),
        );
        let state: AppState = Arc::new(Platform {
            config: Arc::new(config),
            db,
            auth: Arc::new(auth),
            supervisor,
            limits: Arc::new(RateLimits::new()),
            audit: AuditSink::channel(16).0,
            metrics,
            ca_pem: CA_PEM.to_owned(),
        });
        let app = super::router().with_state(state.clone());
        TestApi { app, state, dir }
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let req = match body {
            Some(v) => req
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(serde_json::to_vec(&v).unwrap())),
            None => req.body(Body::empty()),
        }
        .unwrap();
        self.raw(req).await
    }

    async fn raw(&self, mut req: Request<Body>) -> Reply {
        if req.extensions().get::<ConnectInfo<SocketAddr>>().is_none() {
            req.extensions_mut()
                .insert(ConnectInfo(SocketAddr::from(([192, 0, 2, 1], 40000))));
        }
        let resp = self.app.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
            .await
            .unwrap();
        Reply {
            status,
            headers,
            body,
        }
    }

    async fn get(&self, path: &str, token: &str) -> Reply {
        self.send(Method::GET, path, Some(token), None).await
    }

    async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.send(Method::POST, path, token, Some(body)).await
    }

    async fn delete(&self, path: &str, token: &str) -> Reply {
        self.send(Method::DELETE, path, Some(token), None).await
    }

    /// Signs up; returns (account id, session token).
    async fn signup(&self, email: &str) -> (String, String) {
        let r = self
            .post(
                "/api/v1/signup",
                None,
                json!({"email": email, "password": PASSWORD}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.json());
        let v = r.json();
        (
            v["account"]["id"].as_str().unwrap().to_owned(),
            v["token"].as_str().unwrap().to_owned(),
        )
    }

    /// Creates a cluster without waiting; returns its JSON.
    async fn create_cluster(&self, token: &str, name: &str) -> Value {
        let r = self
            .post("/api/v1/clusters", Some(token), json!({"name": name}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.json());
        r.json()
    }
}

#[tokio::test]
async fn signup_login_me_logout() {
    let t = TestApi::new().await;
    let r = t
        .post(
            "/api/v1/signup",
            None,
            json!({"email": "Ada@Example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(r.header("cache-control"), "no-store");
    let v = r.json();
    let id = v["account"]["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with('a') && id.len() == 21, "{v}");
    assert_eq!(v["account"]["email"], "ada@example.com");
    assert!(
        v["account"]["created_at"]
            .as_str()
            .unwrap()
            .parse::<jiff::Timestamp>()
            .is_ok(),
        "{v}"
    );
    let session = v["token"].as_str().unwrap().to_owned();

    let me = t.get("/api/v1/me", &session).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json()["id"], id);
    assert_eq!(me.json()["email"], "ada@example.com");

    // Taken (case-insensitively), weak password, bad email.
    t.post(
        "/api/v1/signup",
        None,
        json!({"email": "ADA@example.com", "password": PASSWORD}),
    )
    .await
    .assert_problem(409, "email-taken");
    t.post(
        "/api/v1/signup",
        None,
        json!({"email": "bob@example.com", "password": "123456789"}),
    )
    .await
    .assert_problem(400, "weak-password");
    t.post(
        "/api/v1/signup",
        None,
        json!({"email": "bob-at-example.com", "password": PASSWORD}),
    )
    .await
    .assert_problem(400, "invalid-email");

    // Login: right, wrong password, unknown email (the same answer).
    let r = t
        .post(
            "/api/v1/login",
            None,
            json!({"email": "ada@EXAMPLE.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let second = r.json()["token"].as_str().unwrap().to_owned();
    assert_eq!(t.get("/api/v1/me", &second).await.json()["id"], id);
    let wrong = t
        .post(
            "/api/v1/login",
            None,
            json!({"email": "ada@example.com", "password": "not the password"}),
        )
        .await;
    let p1 = wrong.assert_problem(401, "invalid-credentials");
    assert_eq!(wrong.header("www-authenticate"), "Bearer");
    let unknown = t
        .post(
            "/api/v1/login",
            None,
            json!({"email": "nobody@example.com", "password": PASSWORD}),
        )
        .await;
    let p2 = unknown.assert_problem(401, "invalid-credentials");
    assert_eq!(p1, p2);

    // Logout ends only that session.
    let r = t
        .send(Method::POST, "/api/v1/logout", Some(&session), None)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    t.get("/api/v1/me", &session)
        .await
        .assert_problem(401, "unauthorized");
    assert_eq!(t.get("/api/v1/me", &second).await.status, StatusCode::OK);
}

/// Every endpoint that needs a token, with a placeholder for path parameters.
const AUTHENTICATED: &[(&str, &str)] = &[
    ("POST", "/api/v1/logout"),
    ("GET", "/api/v1/me"),
    ("POST", "/api/v1/tokens"),
    ("GET", "/api/v1/tokens"),
    ("DELETE", "/api/v1/tokens/{id}"),
    ("POST", "/api/v1/clusters"),
    ("GET", "/api/v1/clusters"),
    ("GET", "/api/v1/clusters/{cluster}"),
    ("DELETE", "/api/v1/clusters/{cluster}"),
    ("GET", "/api/v1/clusters/{cluster}/kubeconfig"),
    ("GET", "/api/v1/clusters/{cluster}/tokens"),
    ("DELETE", "/api/v1/clusters/{cluster}/tokens"),
    ("DELETE", "/api/v1/clusters/{cluster}/tokens/{id}"),
];

/// Every endpoint: the authenticated ones, and those that are not.
fn all_endpoints() -> Vec<(&'static str, &'static str)> {
    let mut all = vec![
        ("GET", "/api/v1/openapi.json"),
        ("POST", "/api/v1/signup"),
        ("POST", "/api/v1/login"),
    ];
    all.extend_from_slice(AUTHENTICATED);
    all
}

fn fill(path: &str, cluster: &str, id: &str) -> String {
    path.replace("{cluster}", cluster).replace("{id}", id)
}

fn body_for(method: &str, path: &str) -> Option<Value> {
    match (method, path) {
        ("POST", "/api/v1/tokens") => Some(json!({"name": "x"})),
        ("POST", "/api/v1/clusters") => Some(json!({"name": "x"})),
        ("POST", "/api/v1/signup") | ("POST", "/api/v1/login") => {
            Some(json!({"email": "x@example.com", "password": PASSWORD}))
        }
        _ => None,
    }
}

#[tokio::test]
async fn without_a_valid_token_every_endpoint_is_401() {
    let t = TestApi::new().await;
    let (_, session) = t.signup("ada@example.com").await;
    let cluster = t.create_cluster(&session, "demo").await;
    let cid = cluster["id"].as_str().unwrap();
    // A kubeconfig token is not an API credential.
    let kubeconfig = t
        .get(&format!("/api/v1/clusters/{cid}/kubeconfig"), &session)
        .await;
    assert_eq!(kubeconfig.status, StatusCode::OK);
    let kc: Kubeconfig = serde_yaml::from_slice(&kubeconfig.body).unwrap();
    let cluster_token = kc.users[0].user.token.clone();
    let tampered = format!("{}x", &session[..session.len() - 1]);
    for (method, path) in AUTHENTICATED {
        let path = fill(path, cid, "tabcdefghijklmnopqrst");
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        for token in [
            None,
            Some("garbage"),
            Some(cluster_token.as_str()),
            Some(tampered.as_str()),
        ] {
            let body = body_for(method.as_str(), &path);
            let r = t.send(method.clone(), &path, token, body).await;
            r.assert_problem(401, "unauthorized");
            assert_eq!(r.header("www-authenticate"), "Bearer", "{method} {path}");
        }
    }
    // Basic auth is not accepted either.
    let req = Request::get("/api/v1/me")
        .header(header::AUTHORIZATION, "Basic YWRhOnB3")
        .body(Body::empty())
        .unwrap();
    t.raw(req).await.assert_problem(401, "unauthorized");
}

#[tokio::test]
async fn bad_requests_are_problems() {
    let t = TestApi::new().await;
    let (_, session) = t.signup("ada@example.com").await;

    // Unknown field, named in the detail.
    let r = t
        .post(
            "/api/v1/clusters",
            Some(&session),
            json!({"name": "demo", "account": "aother"}),
        )
        .await;
    let p = r.assert_problem(400, "invalid-body");
    assert!(p["detail"].as_str().unwrap().contains("`account`"), "{p}");
    let r = t
        .post(
            "/api/v1/signup",
            None,
            json!({"email": "b@example.com", "password": PASSWORD, "admin": true}),
        )
        .await;
    let p = r.assert_problem(400, "invalid-body");
    assert!(p["detail"].as_str().unwrap().contains("`admin`"), "{p}");
    // Missing field, wrong type.
    t.post("/api/v1/clusters", Some(&session), json!({}))
        .await
        .assert_problem(400, "invalid-body");
    t.post("/api/v1/clusters", Some(&session), json!({"name": 7}))
        .await
        .assert_problem(400, "invalid-body");

    let request = |content_type: Option<&str>, body: Vec<u8>| {
        let mut b = Request::post("/api/v1/clusters")
            .header(header::AUTHORIZATION, format!("Bearer {session}"));
        if let Some(ct) = content_type {
            b = b.header(header::CONTENT_TYPE, ct);
        }
        b.body(Body::from(body)).unwrap()
    };
    // Malformed JSON.
    let p = t
        .raw(request(Some("application/json"), b"{\"name\": ".to_vec()))
        .await
        .assert_problem(400, "invalid-body");
    assert!(p["detail"].as_str().unwrap().contains("malformed"), "{p}");
    // Wrong or missing content type.
    t.raw(request(Some("text/plain"), b"{\"name\":\"a\"}".to_vec()))
        .await
        .assert_problem(415, "unsupported-media-type");
    t.raw(request(None, b"{\"name\":\"a\"}".to_vec()))
        .await
        .assert_problem(415, "unsupported-media-type");
    // Over 64 KiB.
    let big = format!("{{\"name\": \"{}\"}}", "a".repeat(64 * 1024));
    t.raw(request(Some("application/json"), big.into_bytes()))
        .await
        .assert_problem(413, "payload-too-large");
    // Bad query value.
    let r = t
        .send(
            Method::POST,
            "/api/v1/clusters?wait=maybe",
            Some(&session),
            Some(json!({"name": "demo"})),
        )
        .await;
    r.assert_problem(400, "invalid-request");
    // Unknown paths and wrong methods.
    for path in [
        "/api/v1",
        "/api/v1/",
        "/api/v1/nope",
        "/api/v1/clusters/a/b/c/d",
    ] {
        t.get(path, &session)
            .await
            .assert_problem(404, "unknown-endpoint");
    }
    let r = t
        .send(Method::PUT, "/api/v1/me", Some(&session), None)
        .await;
    r.assert_problem(405, "method-not-allowed");
    assert_eq!(r.header("allow"), "GET,HEAD");
    t.send(Method::PATCH, "/api/v1/clusters/demo", Some(&session), None)
        .await
        .assert_problem(405, "method-not-allowed");
    t.send(Method::GET, "/api/v1/signup", None, None)
        .await
        .assert_problem(405, "method-not-allowed");
}

#[tokio::test]
async fn api_tokens() {
    let t = TestApi::new().await;
    let (account, session) = t.signup("ada@example.com").await;
    let (_, other) = t.signup("bob@example.com").await;

    let r = t
        .post(
            "/api/v1/tokens",
            Some(&session),
            json!({"name": "ci", "expires_in": 3600}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json());
    let created = r.json();
    let id = created["id"].as_str().unwrap().to_owned();
    let secret = created["token"].as_str().unwrap().to_owned();
    assert!(secret.starts_with(&format!("kbt_{id}_")), "{created}");
    assert_eq!(created["name"], "ci");
    let created_at: jiff::Timestamp = created["created_at"].as_str().unwrap().parse().unwrap();
    let expires_at: jiff::Timestamp = created["expires_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(expires_at.as_second() - created_at.as_second(), 3600);

    // The API token authenticates, and lists tokens without their secrets.
    assert_eq!(t.get("/api/v1/me", &secret).await.json()["id"], account);
    let list = t.get("/api/v1/tokens", &secret).await;
    assert_eq!(list.status, StatusCode::OK);
    let items = list.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], id.as_str());
    assert!(items[0].get("token").is_none());
    assert!(!String::from_utf8_lossy(&list.body).contains(&secret[4 + id.len() + 1..]));
    // Another account sees none of them and cannot revoke them.
    assert_eq!(
        t.get("/api/v1/tokens", &other).await.json()["items"],
        json!([])
    );
    t.delete(&format!("/api/v1/tokens/{id}"), &other)
        .await
        .assert_problem(404, "not-found");
    // An API token cannot log out.
    t.send(Method::POST, "/api/v1/logout", Some(&secret), None)
        .await
        .assert_problem(400, "invalid-request");
    // Validation.
    for body in [
        json!({"name": ""}),
        json!({"name": "x", "expires_in": 0}),
        json!({"name": "x", "expires_in": -5}),
        json!({"name": "x", "scopes": ["all"]}),
    ] {
        let r = t.post("/api/v1/tokens", Some(&session), body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.json());
    }
    // Revoke: then the token is refused; unknown ids are 404.
    let r = t.delete(&format!("/api/v1/tokens/{id}"), &session).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    t.get("/api/v1/me", &secret)
        .await
        .assert_problem(401, "unauthorized");
    let items = t.get("/api/v1/tokens", &session).await.json()["items"].clone();
    assert!(items[0]["revoked_at"].is_string(), "{items}");
    for unknown in ["tabcdefghijklmnopqrst", "nope"] {
        t.delete(&format!("/api/v1/tokens/{unknown}"), &session)
            .await
            .assert_problem(404, "not-found");
    }
}

#[tokio::test]
async fn clusters_of_another_account_are_not_found() {
    let t = TestApi::new().await;
    let (_, ada) = t.signup("ada@example.com").await;
    let (_, bob) = t.signup("bob@example.com").await;
    let cluster = t.create_cluster(&ada, "demo").await;
    let cid = cluster["id"].as_str().unwrap().to_owned();
    assert_eq!(cluster["name"], "demo");
    assert_eq!(cluster["status"], "Provisioning");
    assert_eq!(cluster["server_url"], format!("{ADVERTISE}/k8s/{cid}"));
    assert!(ClusterId::parse(&cid).is_some());

    for c in [cid.as_str(), "demo"] {
        for (method, path) in AUTHENTICATED
            .iter()
            .filter(|(_, p)| p.contains("{cluster}"))
        {
            let path = fill(path, c, "kabcdefghijklmnopqrst");
            let method = Method::from_bytes(method.as_bytes()).unwrap();
            let r = t.send(method.clone(), &path, Some(&bob), None).await;
            let p = r.assert_problem(404, "not-found");
            assert!(!p.to_string().contains("ada"), "{p}");
        }
    }
    assert_eq!(
        t.get("/api/v1/clusters", &bob).await.json()["items"],
        json!([])
    );
    // Names are per account: bob may use the same one.
    let bobs = t.create_cluster(&bob, "demo").await;
    assert_ne!(bobs["id"], cid.as_str());
    // Ada's cluster is untouched and found by id and by name.
    for c in [cid.as_str(), "demo"] {
        let r = t.get(&format!("/api/v1/clusters/{c}"), &ada).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.json()["id"], cid.as_str());
    }
    let list = t.get("/api/v1/clusters", &ada).await.json();
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list["items"][0]["id"], cid.as_str());
}

#[tokio::test]
async fn cluster_create_validation_quota_and_idempotency() {
    let t = TestApi::with(3, Duration::from_secs(600)).await;
    let (_, ada) = t.signup("ada@example.com").await;
    let id_shaped = ClusterId::new_random().to_string();
    for bad in [
        "",
        "Demo",
        "-x",
        "x-",
        "a_b",
        &"x".repeat(41),
        id_shaped.as_str(),
    ] {
        t.post("/api/v1/clusters", Some(&ada), json!({"name": bad}))
            .await
            .assert_problem(400, "invalid-cluster-name");
    }
    let first = t.create_cluster(&ada, "one").await;
    t.post("/api/v1/clusters", Some(&ada), json!({"name": "one"}))
        .await
        .assert_problem(409, "cluster-name-taken");

    // Idempotency: the same key and name answer the same cluster with 200.
    let with_key = |name: &'static str, key: &'static str| {
        Request::post("/api/v1/clusters")
            .header(header::AUTHORIZATION, format!("Bearer {ada}"))
            .header(header::CONTENT_TYPE, "application/json")
            .header("Idempotency-Key", key)
            .body(Body::from(json!({ "name": name }).to_string()))
            .unwrap()
    };
    let r = t.raw(with_key("two", "key-1")).await;
    assert_eq!(r.status, StatusCode::CREATED);
    let two = r.json();
    let r = t.raw(with_key("two", "key-1")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["id"], two["id"]);
    t.raw(with_key("other", "key-1"))
        .await
        .assert_problem(422, "idempotency-key-reused");
    // Another key for a taken name is still a conflict.
    t.raw(with_key("two", "key-2"))
        .await
        .assert_problem(409, "cluster-name-taken");
    let bad_key = Request::post("/api/v1/clusters")
        .header(header::AUTHORIZATION, format!("Bearer {ada}"))
        .header(header::CONTENT_TYPE, "application/json")
        .header("Idempotency-Key", "")
        .body(Body::from(json!({"name": "x"}).to_string()))
        .unwrap();
    t.raw(bad_key).await.assert_problem(400, "invalid-request");

    // Quota of 3.
    t.create_cluster(&ada, "three").await;
    let p = t
        .post("/api/v1/clusters", Some(&ada), json!({"name": "four"}))
        .await
        .assert_problem(403, "quota-exceeded");
    assert!(p["type"].as_str().unwrap().ends_with("/quota-exceeded"));
    // A replay still answers while the account is at its quota.
    assert_eq!(t.raw(with_key("two", "key-1")).await.status, StatusCode::OK);
    let list = t.get("/api/v1/clusters", &ada).await.json();
    assert_eq!(list["items"].as_array().unwrap().len(), 3);
    assert_eq!(list["items"][0]["id"], first["id"]);
}

#[tokio::test]
async fn login_is_throttled_per_email_and_per_address() {
    let t = TestApi::new().await;
    t.signup("ada@example.com").await;
    let login = |email: &str, password: &str, ip: [u8; 4]| {
        let mut req = Request::post("/api/v1/login")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                json!({"email": email, "password": password}).to_string(),
            ))
            .unwrap();
        req.extensions_mut()
            .insert(ConnectInfo(SocketAddr::from((ip, 5555))));
        req
    };
    // Five attempts per email, whatever the address and the case of the email.
    for i in 0..5u8 {
        let email = if i % 2 == 0 {
            "ada@example.com"
        } else {
            "ADA@example.com"
        };
        let r = t.raw(login(email, "wrong password", [10, 0, 0, i])).await;
        r.assert_problem(401, "invalid-credentials");
    }
    let r = t
        .raw(login("ada@example.com", PASSWORD, [10, 0, 1, 1]))
        .await;
    r.assert_problem(429, "too-many-requests");
    let retry: u64 = r.header("retry-after").parse().unwrap();
    assert!((1..=10).contains(&retry), "{retry}");

    // Twenty attempts per address, whatever the email.
    for i in 0..20 {
        let r = t
            .raw(login(&format!("u{i}@example.com"), PASSWORD, [10, 9, 9, 9]))
            .await;
        r.assert_problem(401, "invalid-credentials");
    }
    let r = t
        .raw(login("new@example.com", PASSWORD, [10, 9, 9, 9]))
        .await;
    r.assert_problem(429, "too-many-requests");
    assert!(r.header("retry-after").parse::<u64>().unwrap() >= 1);
    // Another address with another email is not affected.
    t.raw(login("new@example.com", PASSWORD, [10, 9, 9, 8]))
        .await
        .assert_problem(401, "invalid-credentials");
}

#[tokio::test]
async fn kubeconfig_and_its_tokens() {
    let t = TestApi::new().await;
    let (account, ada) = t.signup("ada@example.com").await;
    let cluster = t.create_cluster(&ada, "demo").await;
    let cid = ClusterId::parse(cluster["id"].as_str().unwrap()).unwrap();

    let r = t.get("/api/v1/clusters/demo/kubeconfig", &ada).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("content-type"), "application/yaml");
    assert_eq!(
        r.header("content-disposition"),
        "attachment; filename=\"demo.kubeconfig\""
    );
    let kc: Kubeconfig = serde_yaml::from_slice(&r.body).unwrap();
    // Also as untyped YAML, with the keys kubectl reads.
    let raw: serde_yaml::Value = serde_yaml::from_slice(&r.body).unwrap();
    assert_eq!(raw["current-context"].as_str(), Some("demo"));
    assert_eq!(raw["kind"].as_str(), Some("Config"));
    assert_eq!(kc.clusters.len(), 1);
    assert_eq!(kc.clusters[0].name, "demo");
    assert_eq!(
        kc.clusters[0].cluster.server,
        format!("{ADVERTISE}/k8s/{cid}")
    );
    let ca = base64::engine::general_purpose::STANDARD
        .decode(&kc.clusters[0].cluster.certificate_authority_data)
        .unwrap();
    assert_eq!(ca, CA_PEM.as_bytes());
    assert_eq!(kc.contexts[0].context.cluster, "demo");
    assert_eq!(kc.contexts[0].context.user, kc.users[0].name);
    assert_eq!(kc.current_context, kc.contexts[0].name);
    let token = kc.users[0].user.token.clone();
    let who = t
        .state
        .auth
        .authenticate_cluster(&token, &cid)
        .await
        .expect("the kubeconfig token is valid for its cluster");
    assert_eq!(who.account.as_str(), account);
    assert_eq!(who.cluster, cid);

    // A second download issues a second token; both are listed.
    let second: Kubeconfig = serde_yaml::from_slice(
        &t.get(&format!("/api/v1/clusters/{cid}/kubeconfig"), &ada)
            .await
            .body,
    )
    .unwrap();
    assert_ne!(second.users[0].user.token, token);
    let list = t.get("/api/v1/clusters/demo/tokens", &ada).await;
    assert_eq!(list.status, StatusCode::OK);
    let items = list.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(!String::from_utf8_lossy(&list.body).contains(&token));
    let first_id = who.token.to_string();
    // Two tokens issued in the same millisecond may be listed in either order.
    let first = items
        .iter()
        .find(|i| i["id"] == first_id.as_str())
        .expect("the first token is listed");
    assert!(first["revoked_at"].is_null());

    // Revoke the first one: refused within a second; the second still works.
    let r = t
        .delete(&format!("/api/v1/clusters/demo/tokens/{first_id}"), &ada)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let deadline = std::time::Instant::now() + Duration::from_millis(1500);
    while t
        .state
        .auth
        .authenticate_cluster(&token, &cid)
        .await
        .is_ok()
    {
        assert!(
            std::time::Instant::now() < deadline,
            "revoked token still valid"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        t.state
            .auth
            .authenticate_cluster(&second.users[0].user.token, &cid)
            .await
            .is_ok()
    );
    for unknown in ["kabcdefghijklmnopqrst", "garbage"] {
        t.delete(&format!("/api/v1/clusters/demo/tokens/{unknown}"), &ada)
            .await
            .assert_problem(404, "not-found");
    }
    // Revoke all.
    let r = t.delete("/api/v1/clusters/demo/tokens", &ada).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let deadline = std::time::Instant::now() + Duration::from_millis(1500);
    while t
        .state
        .auth
        .authenticate_cluster(&second.users[0].user.token, &cid)
        .await
        .is_ok()
    {
        assert!(std::time::Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let items = t.get("/api/v1/clusters/demo/tokens", &ada).await.json()["items"].clone();
    assert!(
        items
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["revoked_at"].is_string()),
        "{items}"
    );
}

/// The documented (method, path) pairs, checking that exactly the public ones have no
/// security requirement.
fn documented_routes(doc: &Value) -> Vec<(String, String)> {
    let mut documented: Vec<(String, String)> = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            documented.push((method.to_uppercase(), path.clone()));
            let secured = op.get("security").is_some();
            let public = ["/api/v1/openapi.json", "/api/v1/signup", "/api/v1/login"]
                .contains(&path.as_str());
            assert_eq!(secured, !public, "{method} {path}: security {op}");
        }
    }
    documented.sort();
    documented
}

#[test]
fn openapi_lists_every_endpoint() {
    use utoipa::OpenApi;
    let doc = serde_json::to_value(super::ApiDoc::openapi()).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."), "{doc}");
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    for schema in ["Problem", "ClusterView", "SignupRequest", "CreatedToken"] {
        assert!(doc["components"]["schemas"][schema].is_object(), "{schema}");
    }
    let mut expected: Vec<(String, String)> = all_endpoints()
        .into_iter()
        .map(|(m, p)| (m.to_owned(), p.to_owned()))
        .collect();
    expected.sort();
    assert_eq!(documented_routes(&doc), expected);
}

#[tokio::test]
async fn openapi_is_served_and_every_documented_route_is_routed() {
    let t = TestApi::new().await;
    let r = t
        .send(Method::GET, "/api/v1/openapi.json", None, None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("content-type"), "application/json");
    let documented = documented_routes(&r.json());
    assert_eq!(documented.len(), all_endpoints().len());

    // Every documented route is served (not an unknown endpoint, not a wrong method).
    let (_, ada) = t.signup("ada@example.com").await;
    t.create_cluster(&ada, "demo").await;
    for (method, path) in &documented {
        let path = fill(path, "demo", "tabcdefghijklmnopqrst");
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let body = body_for(method.as_str(), &path);
        let r = t.send(method.clone(), &path, Some(&ada), body).await;
        assert_ne!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        if r.status == StatusCode::NOT_FOUND {
            assert_ne!(
                r.json()["type"],
                "https://kubicle.dev/problems/unknown-endpoint",
                "{method} {path}"
            );
        }
    }
}

/// Sends `GET /version` to a control plane over its Unix socket.
async fn kubernetes_version(socket: &std::path::Path) -> StatusCode {
    let stream = tokio::net::UnixStream::connect(socket).await.unwrap();
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .unwrap();
    tokio::spawn(conn);
    let req = Request::get("/version")
        .header(header::HOST, "localhost")
        .body(http_body_util::Empty::<bytes::Bytes>::new())
        .unwrap();
    sender.send_request(req).await.unwrap().status()
}

fn require_binary() {
    let bin = kubicle_binary();
    assert!(
        bin.exists(),
        "this test runs control planes: build {} first (cargo build --bin kubicle) or set \
         KUBICLE_BIN",
        bin.display()
    );
}

#[tokio::test]
async fn cluster_lifecycle_with_wait() {
    require_binary();
    let t = TestApi::new().await;
    let (_, ada) = t.signup("ada@example.com").await;
    let r = t
        .send(
            Method::POST,
            "/api/v1/clusters?wait=true",
            Some(&ada),
            Some(json!({"name": "demo"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json());
    let cluster = r.json();
    assert_eq!(cluster["status"], "Ready", "{cluster}");
    let cid = ClusterId::parse(cluster["id"].as_str().unwrap()).unwrap();
    let data = t.dir.path().join("clusters").join(cid.as_str());
    assert!(data.is_dir(), "{} missing", data.display());
    // It answers Kubernetes requests.
    let lease = t.state.supervisor.acquire(&cid).await.unwrap();
    assert_eq!(kubernetes_version(&lease.socket).await, StatusCode::OK);
    drop(lease);
    assert_eq!(
        t.get("/api/v1/clusters/demo", &ada).await.json()["status"],
        "Ready"
    );

    // Delete with wait: 204 once gone, data removed, tokens refused.
    let kc: Kubeconfig =
        serde_yaml::from_slice(&t.get("/api/v1/clusters/demo/kubeconfig", &ada).await.body)
            .unwrap();
    let r = t.delete("/api/v1/clusters/demo?wait=true", &ada).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(r.body.is_empty());
    t.get("/api/v1/clusters/demo", &ada)
        .await
        .assert_problem(404, "not-found");
    assert!(!data.exists(), "{} left behind", data.display());
    assert!(
        t.state
            .auth
            .authenticate_cluster(&kc.users[0].user.token, &cid)
            .await
            .is_err()
    );
    assert_eq!(
        t.get("/api/v1/clusters", &ada).await.json()["items"],
        json!([])
    );
}

#[tokio::test]
async fn cluster_provisions_in_background_sleeps_and_deletes_in_background() {
    require_binary();
    let t = TestApi::with(10, Duration::from_secs(1)).await;
    let (_, ada) = t.signup("ada@example.com").await;
    let cluster = t.create_cluster(&ada, "demo").await;
    assert_eq!(cluster["status"], "Provisioning");
    let cid = ClusterId::parse(cluster["id"].as_str().unwrap()).unwrap();

    // Provisioning → Ready (or Sleeping, with a one-second idle timeout).
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let status = t.get("/api/v1/clusters/demo", &ada).await.json()["status"].clone();
        if status == "Ready" || status == "Sleeping" {
            break;
        }
        assert_eq!(status, "Provisioning");
        assert!(std::time::Instant::now() < deadline, "never became ready");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Idle: asleep, reported as Sleeping.
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    while t.state.supervisor.state(&cid) != ProcessState::Asleep {
        assert!(std::time::Instant::now() < deadline, "never went to sleep");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        t.get("/api/v1/clusters/demo", &ada).await.json()["status"],
        "Sleeping"
    );
    // Delete without wait: 202 Deleting, then gone.
    let r = t.delete(&format!("/api/v1/clusters/{cid}"), &ada).await;
    assert_eq!(r.status, StatusCode::ACCEPTED);
    assert_eq!(r.json()["status"], "Deleting");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let r = t.get(&format!("/api/v1/clusters/{cid}"), &ada).await;
        if r.status == StatusCode::NOT_FOUND {
            break;
        }
        assert_eq!(r.json()["status"], "Deleting");
        assert!(std::time::Instant::now() < deadline, "never deleted");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(!t.dir.path().join("clusters").join(cid.as_str()).exists());
}

#[tokio::test]
async fn every_request_is_counted_in_the_metrics() {
    let t = TestApi::new().await;
    t.signup("ada@example.com").await;
    for _ in 0..2 {
        t.send(Method::GET, "/api/v1/me", None, None).await;
    }
    t.send(Method::DELETE, "/api/v1/nope", None, None).await;
    let text = t.state.metrics.render();
    for line in [
        r#"kubicle_requests_total{cluster="",method="POST",code="201"} 1"#,
        r#"kubicle_requests_total{cluster="",method="GET",code="401"} 2"#,
        r#"kubicle_requests_total{cluster="",method="DELETE",code="404"} 1"#,
    ] {
        assert!(text.lines().any(|l| l == line), "{line} missing in\n{text}");
    }
}

/// A server that died mid-way leaves clusters Provisioning or Deleting; the next start
/// provisions the first kind again (Ready when its folder is usable, Failed otherwise) and
/// finishes deleting the second (tokens revoked, folder and row gone).
#[tokio::test]
async fn clusters_left_mid_way_are_resumed() {
    use super::clusters::{Resumed, resume_interrupted};
    use crate::db::ClusterStatus;
    use crate::ids::{AccountId, KubeconfigTokenId};

    let t = TestApi::new().await;
    let (account, ada) = t.signup("ada@example.com").await;
    let account = AccountId::from_db(account);
    let clusters = t.dir.path().join("clusters");
    let db = &t.state.db;

    // Ready clusters whose rows say otherwise, as if the server died right after writing them.
    let mut ids = Vec::new();
    for name in ["kept", "gone"] {
        let r = t
            .post(
                "/api/v1/clusters?wait=true",
                Some(&ada),
                json!({"name": name}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.json());
        ids.push(ClusterId::parse(r.json()["id"].as_str().unwrap()).unwrap());
    }
    let (kept, gone) = (ids[0].clone(), ids[1].clone());
    let r = t.get("/api/v1/clusters/gone/kubeconfig", &ada).await;
    assert_eq!(r.status, StatusCode::OK);
    let tokens = t.get("/api/v1/clusters/gone/tokens", &ada).await.json();
    let token = KubeconfigTokenId::parse(tokens["items"][0]["id"].as_str().unwrap()).unwrap();
    db.set_cluster_status(&kept, ClusterStatus::Provisioning)
        .await
        .unwrap();
    db.set_cluster_status(&gone, ClusterStatus::Deleting)
        .await
        .unwrap();
    // Rows created, control planes never started: one with no folder yet, one whose folder
    // cannot be used (a file stands where the folder should be).
    let (fresh, _) = db
        .create_cluster(&account, "fresh", None, 10)
        .await
        .unwrap();
    let (broken, _) = db
        .create_cluster(&account, "broken", None, 10)
        .await
        .unwrap();
    std::fs::write(clusters.join(broken.id.as_str()), "not a folder").unwrap();

    let resumed = resume_interrupted(t.state.clone()).await.unwrap();
    assert_eq!(
        resumed,
        Resumed {
            ready: 2,
            failed: 1,
            deleted: 1,
            delete_failed: 0
        }
    );
    for (name, status) in [("kept", "Ready"), ("fresh", "Ready"), ("broken", "Failed")] {
        let r = t.get(&format!("/api/v1/clusters/{name}"), &ada).await;
        assert_eq!(r.json()["status"], status, "{name}: {}", r.json());
    }
    assert!(clusters.join(kept.as_str()).join("cluster.db").exists());
    assert!(clusters.join(fresh.id.as_str()).join("cluster.db").exists());
    assert_eq!(
        t.get("/api/v1/clusters/gone", &ada).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(!clusters.join(gone.as_str()).exists());
    let grant = db.cluster_token_grant(&token).await.unwrap().unwrap();
    assert!(grant.token.revoked_at_ms.is_some(), "{grant:?}");
    assert_eq!(grant.cluster_account, None);

    // Nothing left to do: a second pass changes nothing.
    assert_eq!(
        resume_interrupted(t.state.clone()).await.unwrap(),
        Resumed::default()
    );
    t.state.supervisor.shutdown().await;
}

/// Every endpoint that names a cluster looks it up the same way: another account's cluster
/// is a 404 like a missing one, and a cluster being deleted gives no new kubeconfig (409) but
/// can still be read, have its tokens listed or revoked, and be deleted again.
#[tokio::test]
async fn cluster_lookup_is_the_same_for_every_endpoint() {
    use crate::db::ClusterStatus;
    use crate::ids::AccountId;

    let t = TestApi::new().await;
    let (ada_id, ada) = t.signup("ada@example.com").await;
    let (_, bob) = t.signup("bob@example.com").await;
    let (c, _) = t
        .state
        .db
        .create_cluster(&AccountId::from_db(ada_id), "demo", None, 10)
        .await
        .unwrap();
    t.state
        .db
        .set_cluster_status(&c.id, ClusterStatus::Deleting)
        .await
        .unwrap();
    let paths = [
        (Method::GET, "/api/v1/clusters/{c}"),
        (Method::GET, "/api/v1/clusters/{c}/kubeconfig"),
        (Method::GET, "/api/v1/clusters/{c}/tokens"),
        (Method::DELETE, "/api/v1/clusters/{c}/tokens"),
        (
            Method::DELETE,
            "/api/v1/clusters/{c}/tokens/kabcdefghijklmnopqrst",
        ),
    ];
    for key in ["demo", c.id.as_str()] {
        for (method, path) in &paths {
            let path = path.replace("{c}", key);
            let r = t.send(method.clone(), &path, Some(&bob), None).await;
            r.assert_problem(404, "not-found");
            let r = t
                .send(method.clone(), &path.replace(key, "nope"), Some(&ada), None)
                .await;
            r.assert_problem(404, "not-found");
            let r = t.send(method.clone(), &path, Some(&ada), None).await;
            match (method.as_str(), path.as_str()) {
                (_, p) if p.ends_with("/kubeconfig") => {
                    r.assert_problem(409, "cluster-state-conflict");
                }
                (_, p) if p.ends_with("/kabcdefghijklmnopqrst") => {
                    // The cluster is found; the token is not.
                    let v = r.assert_problem(404, "not-found");
                    assert!(v["detail"].as_str().unwrap().contains("token"), "{v}");
                }
                ("GET", p) if p.ends_with("/tokens") => assert_eq!(r.status, StatusCode::OK),
                ("DELETE", _) => assert_eq!(r.status, StatusCode::NO_CONTENT),
                _ => assert_eq!(r.json()["status"], "Deleting"),
            }
        }
    }
}
