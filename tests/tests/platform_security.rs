//! Tenant isolation and credential checks of `kubicle server`, each printed as a matrix:
//!
//! - cross-tenant: account A's session token, API token and kubeconfig token against account
//!   B's cluster on every Kubernetes verb and path shape (and path tricks trying to escape
//!   A's own prefix), and against every REST endpoint naming B's cluster or tokens: all denied
//!   (401/404), and B's objects, cluster and credentials unchanged afterwards;
//! - JWTs forged with the server's real signing key so that exactly one thing is wrong (alg
//!   none, HS256 with the public key, unknown kid, expired, nbf ahead, wrong aud or iss,
//!   tampered payload, revoked, another cluster's token): each 401 at the gateway and at the
//!   REST API; a revoked kubeconfig token fails within one second;
//! - login brute force: the 6th rapid wrong password for one email is 429 with Retry-After.
//!
//! Each on SQLite and on PostgreSQL.

use std::time::{Duration, Instant};

use kubicle_e2e::platform::{
    Backend, PASSWORD, PlatformOptions, PlatformServer, RawResp, jwt, kubeconfig_token,
    print_table, unique_email,
};
use serde_json::{Value, json};

struct Tenant {
    account: String,
    session: String,
    api_token_id: String,
    api_token: String,
    cluster_id: String,
    cluster_name: String,
    kube_token: String,
    kube_token_id: String,
}

fn tenant(server: &PlatformServer, who: &str, cluster_name: &str) -> Tenant {
    let (account, session) = server.signup(&unique_email(who));
    let (api_token_id, api_token) = server.create_api_token(&session, &format!("{who}-ci"));
    let c = server.create_cluster(&session, cluster_name, true);
    let cluster_id = c["id"].as_str().unwrap().to_string();
    let kubeconfig = server.kubeconfig(&session, &cluster_id);
    let kube_token = kubeconfig_token(&kubeconfig);
    let kube_token_id = jwt::decode(&kube_token).1["jti"]
        .as_str()
        .expect("a jti in the kubeconfig token")
        .to_string();
    Tenant {
        account,
        session,
        api_token_id,
        api_token,
        cluster_id,
        cluster_name: cluster_name.to_string(),
        kube_token,
        kube_token_id,
    }
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// A raw request with an optional bearer token and a JSON (or other) body.
fn send(
    server: &PlatformServer,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<(&str, String)>,
) -> RawResp {
    let auth = token.map(bearer);
    let mut headers: Vec<(&str, &str)> = vec![("Accept", "application/json")];
    if let Some(a) = &auth {
        headers.push(("Authorization", a));
    }
    if let Some((ct, _)) = &body {
        headers.push(("Content-Type", ct));
    }
    server.raw(
        method,
        path,
        &headers,
        body.as_ref().map(|(_, b)| b.as_bytes()),
    )
}

/// Names and resourceVersions of every configmap and namespace of a cluster, seen with its
/// owner's kubeconfig token.
fn snapshot(server: &PlatformServer, t: &Tenant) -> Vec<String> {
    let mut out = Vec::new();
    for path in ["/api/v1/configmaps", "/api/v1/namespaces"] {
        let r = server.rest(
            "GET",
            &format!("/k8s/{}{path}", t.cluster_id),
            Some(&t.kube_token),
            None,
        );
        assert_eq!(r.status, 200, "B's own token cannot read its cluster\n{r}");
        for item in r.json()["items"].as_array().cloned().unwrap_or_default() {
            let m = &item["metadata"];
            out.push(format!(
                "{path} {}/{} rv={} data={}",
                m["namespace"].as_str().unwrap_or(""),
                m["name"].as_str().unwrap_or(""),
                m["resourceVersion"].as_str().unwrap_or(""),
                item["data"]
            ));
        }
    }
    out.sort();
    out
}

/// (case, method, path under `/k8s/<B>`, optional (content type, body)).
type K8sCase<'a> = (&'a str, &'a str, &'a str, Option<(&'a str, String)>);

/// Rows of a printed matrix and the failures among them.
#[derive(Default)]
struct Matrix {
    rows: Vec<Vec<String>>,
    failures: Vec<String>,
}

impl Matrix {
    /// One cross-tenant case: denied when the status is one of `allowed`.
    fn record(&mut self, case: String, cred: &str, expected: &str, allowed: &[u16], r: &RawResp) {
        let got = if r.status == 0 {
            format!("no answer ({})", r.error.clone().unwrap_or_default())
        } else {
            r.status.to_string()
        };
        let denied = allowed.contains(&r.status);
        if !denied {
            self.failures.push(format!(
                "{case} with {cred}: expected {expected}, got {got}: {}",
                r.body_text().chars().take(300).collect::<String>()
            ));
        }
        self.rows.push(vec![
            case,
            cred.to_string(),
            expected.to_string(),
            got,
            if denied { "denied" } else { "NOT DENIED" }.to_string(),
        ]);
    }

    /// One JWT case: must be 401.
    fn check(&mut self, case: &str, target: &str, got: u16) {
        self.rows.push(vec![
            case.to_string(),
            target.to_string(),
            "401".to_string(),
            got.to_string(),
        ]);
        if got != 401 {
            self.failures.push(format!("{case} at {target}: got {got}"));
        }
    }
}

#[test]
fn cross_tenant_matrix_sqlite() {
    cross_tenant(Backend::Sqlite, "cross_tenant_matrix_sqlite");
}

#[test]
fn cross_tenant_matrix_postgres() {
    cross_tenant(Backend::Postgres, "cross_tenant_matrix_postgres");
}

fn cross_tenant(backend: Backend, test: &str) {
    let Some(server) = PlatformServer::start_on(backend, test, PlatformOptions::default()) else {
        return;
    };
    let a = tenant(&server, "alice", "alpha");
    let b = tenant(&server, "bob", "bravo");
    // B's objects: a configmap, a namespace.
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "b-secret", "namespace": "default"}, "data": {"owner": "bob"}});
    let r = send(
        &server,
        "POST",
        &format!("/k8s/{}/api/v1/namespaces/default/configmaps", b.cluster_id),
        Some(&b.kube_token),
        Some(("application/json", cm.to_string())),
    );
    assert_eq!(r.status, 201, "B creates its configmap: {}", r.body_text());
    let ns = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "b-ns"}});
    let r = send(
        &server,
        "POST",
        &format!("/k8s/{}/api/v1/namespaces", b.cluster_id),
        Some(&b.kube_token),
        Some(("application/json", ns.to_string())),
    );
    assert_eq!(r.status, 201, "B creates its namespace: {}", r.body_text());
    let before = snapshot(&server, &b);

    let json_ct = "application/json";
    let merge = "application/merge-patch+json";
    let pwned_cm = json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "pwned", "namespace": "default"}, "data": {"by": "alice"}})
    .to_string();
    let upd_cm = json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "b-secret", "namespace": "default"}, "data": {"owner": "alice"}})
    .to_string();
    let pwned_ns =
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "pwned"}}).to_string();
    let upd_ns = json!({"apiVersion": "v1", "kind": "Namespace",
        "metadata": {"name": "b-ns", "labels": {"by": "alice"}}})
    .to_string();
    let patch = json!({"metadata": {"labels": {"by": "alice"}}}).to_string();
    let apply = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b-secret\n  namespace: default\ndata:\n  owner: alice\n".to_string();
    let ssr =
        json!({"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"}).to_string();

    // (case, method, path under /k8s/<B>, body)
    let k8s_cases: Vec<K8sCase> = vec![
        ("discovery /api", "GET", "/api", None),
        ("discovery /api/v1", "GET", "/api/v1", None),
        ("discovery /apis", "GET", "/apis", None),
        ("discovery /apis/apps/v1", "GET", "/apis/apps/v1", None),
        (
            "discovery aggregated",
            "GET",
            "/apis?as=APIGroupDiscoveryList",
            None,
        ),
        ("/version", "GET", "/version", None),
        ("/openapi/v2", "GET", "/openapi/v2", None),
        ("/openapi/v3", "GET", "/openapi/v3", None),
        ("/healthz", "GET", "/healthz", None),
        ("/readyz", "GET", "/readyz", None),
        ("root", "GET", "", None),
        ("root /", "GET", "/", None),
        (
            "get namespaced",
            "GET",
            "/api/v1/namespaces/default/configmaps/b-secret",
            None,
        ),
        (
            "list namespaced",
            "GET",
            "/api/v1/namespaces/default/configmaps",
            None,
        ),
        ("list all namespaces", "GET", "/api/v1/configmaps", None),
        (
            "watch namespaced",
            "GET",
            "/api/v1/namespaces/default/configmaps?watch=true",
            None,
        ),
        (
            "watch one object",
            "GET",
            "/api/v1/namespaces/default/configmaps?watch=1&fieldSelector=metadata.name%3Db-secret",
            None,
        ),
        (
            "create namespaced",
            "POST",
            "/api/v1/namespaces/default/configmaps",
            Some((json_ct, pwned_cm.clone())),
        ),
        (
            "update namespaced",
            "PUT",
            "/api/v1/namespaces/default/configmaps/b-secret",
            Some((json_ct, upd_cm.clone())),
        ),
        (
            "patch namespaced",
            "PATCH",
            "/api/v1/namespaces/default/configmaps/b-secret",
            Some((merge, patch.clone())),
        ),
        (
            "apply namespaced",
            "PATCH",
            "/api/v1/namespaces/default/configmaps/b-secret?fieldManager=alice&force=true",
            Some(("application/apply-patch+yaml", apply.clone())),
        ),
        (
            "delete namespaced",
            "DELETE",
            "/api/v1/namespaces/default/configmaps/b-secret",
            None,
        ),
        (
            "deletecollection namespaced",
            "DELETE",
            "/api/v1/namespaces/default/configmaps",
            None,
        ),
        ("get cluster-scoped", "GET", "/api/v1/namespaces/b-ns", None),
        ("list cluster-scoped", "GET", "/api/v1/namespaces", None),
        (
            "watch cluster-scoped",
            "GET",
            "/api/v1/namespaces?watch=true&resourceVersion=0",
            None,
        ),
        (
            "create cluster-scoped",
            "POST",
            "/api/v1/namespaces",
            Some((json_ct, pwned_ns.clone())),
        ),
        (
            "update cluster-scoped",
            "PUT",
            "/api/v1/namespaces/b-ns",
            Some((json_ct, upd_ns.clone())),
        ),
        (
            "patch cluster-scoped",
            "PATCH",
            "/api/v1/namespaces/b-ns",
            Some((merge, patch.clone())),
        ),
        (
            "delete cluster-scoped",
            "DELETE",
            "/api/v1/namespaces/b-ns",
            None,
        ),
        (
            "deletecollection cluster-scoped",
            "DELETE",
            "/apis/rbac.authorization.k8s.io/v1/clusterroles",
            None,
        ),
        (
            "get subresource status",
            "GET",
            "/api/v1/namespaces/b-ns/status",
            None,
        ),
        (
            "update subresource status",
            "PUT",
            "/api/v1/namespaces/b-ns/status",
            Some((json_ct, upd_ns.clone())),
        ),
        (
            "subresource finalize",
            "PUT",
            "/api/v1/namespaces/b-ns/finalize",
            Some((json_ct, upd_ns.clone())),
        ),
        (
            "pod exec",
            "POST",
            "/api/v1/namespaces/default/pods/p/exec?command=sh&stdout=true",
            None,
        ),
        (
            "pod log",
            "GET",
            "/api/v1/namespaces/default/pods/p/log",
            None,
        ),
        (
            "service proxy with ..",
            "GET",
            "/api/v1/namespaces/default/services/s/proxy/../../../configmaps",
            None,
        ),
        (
            "selfsubjectreview",
            "POST",
            "/apis/authentication.k8s.io/v1/selfsubjectreviews",
            Some((json_ct, ssr.clone())),
        ),
    ];

    let creds: [(&str, &str); 3] = [
        ("A session", &a.session),
        ("A API token", &a.api_token),
        ("A kubeconfig", &a.kube_token),
    ];
    let mut m = Matrix::default();

    // Every Kubernetes verb and path shape on B's cluster, with each of A's credentials and
    // with none.
    for (case, method, rest, body) in &k8s_cases {
        let path = format!("/k8s/{}{rest}", b.cluster_id);
        for (cred, token) in creds
            .iter()
            .map(|(c, t)| (*c, Some(*t)))
            .chain([("none", None)])
        {
            let r = send(&server, method, &path, token, body.clone());
            m.record(
                format!("{method} /k8s/<B>{rest} ({case})"),
                cred,
                "401",
                &[401],
                &r,
            );
        }
    }

    // A's kubeconfig token in the query string instead of the header.
    for param in ["access_token", "token", "bearer"] {
        let path = format!(
            "/k8s/{}/api/v1/namespaces/default/configmaps?{param}={}",
            b.cluster_id, a.kube_token
        );
        let r = send(&server, "GET", &path, None, None);
        m.record(
            format!("GET /k8s/<B>/…?{param}=<A token>"),
            "A kubeconfig (query)",
            "401",
            &[401],
            &r,
        );
    }
    // B's cluster with A's kubeconfig token in other headers.
    for (h, v) in [
        ("X-Remote-User", a.kube_token.clone()),
        ("Authorization", format!("bearer {}", a.kube_token)),
        (
            "Authorization",
            format!(
                "Basic {}",
                jwt::b64(format!("x:{}", a.kube_token).as_bytes())
            ),
        ),
    ] {
        let path = format!("/k8s/{}/api/v1/namespaces/default/configmaps", b.cluster_id);
        let r = server.raw("GET", &path, &[(h, &v)], None);
        let shown = v.split_whitespace().next().unwrap_or("").to_string();
        m.record(
            format!("GET /k8s/<B>/… with {h}: {shown}…"),
            "A kubeconfig (other header)",
            "401",
            &[401],
            &r,
        );
    }

    // Path tricks with A's valid kubeconfig token trying to leave A's prefix for B's cluster.
    // A normalising server sees /k8s/<B> (401); a literal one forwards to A's own control plane,
    // which has no such path (404). Either way nothing of B is reached.
    let (aid, bid) = (&a.cluster_id, &b.cluster_id);
    let target = "api/v1/namespaces/default/configmaps/b-secret";
    let escapes = vec![
        format!("/k8s/{aid}/../{bid}/{target}"),
        format!("/k8s/{aid}/%2e%2e/{bid}/{target}"),
        format!("/k8s/{aid}/%2E%2E/{bid}/{target}"),
        format!("/k8s/{aid}/..%2F{bid}/{target}"),
        format!("/k8s/{aid}%2F..%2F{bid}/{target}"),
        format!("/k8s/{aid}%2f..%2f{bid}%2f{}", target.replace('/', "%2f")),
        format!("/k8s/{aid}/..%5C{bid}/{target}"),
        format!("/k8s//{bid}/{target}"),
        format!("/k8s/./{bid}/{target}"),
        format!("/k8s/{bid}/../{aid}/../{bid}/{target}"),
        format!("/api/v1/../../k8s/{bid}/{target}"),
        format!("//k8s/{bid}/{target}"),
        format!(
            "/k8s/{aid}/api/v1/namespaces/default/services/s/proxy/..%2F..%2F..%2F..%2F..%2F..%2F..%2Fk8s%2F{bid}%2F{}",
            target.replace('/', "%2F")
        ),
        format!(
            "/k8s/{aid}/api/v1/namespaces/default/services/s/proxy/../../../../../../../k8s/{bid}/{target}"
        ),
        format!("/k8s/{}/{target}", bid.to_uppercase()),
        format!("/k8s/{bid}%00/{target}"),
        format!("/k8s/{bid};{aid}/{target}"),
        format!("/k8s/{aid};/../{bid}/{target}"),
        format!("https://127.0.0.1:{}/k8s/{bid}/{target}", server.port()),
    ];
    for path in &escapes {
        let r = send(&server, "GET", path, Some(&a.kube_token), None);
        let shown = path
            .replace(aid.as_str(), "<A>")
            .replace(bid.as_str(), "<B>");
        // 400 is also a refusal here: the path itself is malformed.
        m.record(
            format!("GET {shown}"),
            "A kubeconfig",
            "401/404/400",
            &[400, 401, 404],
            &r,
        );
        if r.status == 200 && r.body_text().contains("bob") {
            m.failures.push(format!("{shown} returned B's configmap!"));
        }
        let r = send(&server, "DELETE", path, Some(&a.kube_token), None);
        m.record(
            format!("DELETE {shown}"),
            "A kubeconfig",
            "401/404/400",
            &[400, 401, 404, 405],
            &r,
        );
    }

    // Every REST endpoint naming B's cluster (by id and by name) or B's tokens.
    let mut rest_cases: Vec<(String, &str, String)> = Vec::new();
    for (label, c) in [("id", &b.cluster_id), ("name", &b.cluster_name)] {
        for (m, p) in [
            ("GET", format!("/api/v1/clusters/{c}")),
            ("GET", format!("/api/v1/clusters/{c}/kubeconfig")),
            ("GET", format!("/api/v1/clusters/{c}/tokens")),
            (
                "DELETE",
                format!("/api/v1/clusters/{c}/tokens/{}", b.kube_token_id),
            ),
            ("DELETE", format!("/api/v1/clusters/{c}/tokens")),
            ("DELETE", format!("/api/v1/clusters/{c}")),
            ("DELETE", format!("/api/v1/clusters/{c}?wait=true")),
        ] {
            rest_cases.push((format!("{m} {} (B {label})", p.replace(c, "<B>")), m, p));
        }
    }
    rest_cases.push((
        "DELETE /api/v1/clusters/<A>/tokens/<B kubeconfig token>".into(),
        "DELETE",
        format!(
            "/api/v1/clusters/{}/tokens/{}",
            a.cluster_id, b.kube_token_id
        ),
    ));
    rest_cases.push((
        "DELETE /api/v1/tokens/<B API token>".into(),
        "DELETE",
        format!("/api/v1/tokens/{}", b.api_token_id),
    ));
    for (case, method, path) in &rest_cases {
        for (cred, token) in creds {
            let r = send(&server, method, path, Some(token), None);
            let (expected, allowed): (&str, &[u16]) = if cred == "A kubeconfig" {
                ("401", &[401])
            } else {
                ("404", &[404])
            };
            // A 404 must not be a body that shows B's data.
            m.record(case.clone(), cred, expected, allowed, &r);
        }
    }
    // A's listings show nothing of B.
    for (cred, token) in &creds[..2] {
        for path in ["/api/v1/clusters", "/api/v1/tokens"] {
            let r = server.rest("GET", path, Some(token), None);
            let leaked = [&b.cluster_id, &b.api_token_id, &b.account]
                .iter()
                .any(|s| r.body.contains(s.as_str()));
            m.rows.push(vec![
                format!("GET {path} (lists B?)"),
                cred.to_string(),
                "200 without B".into(),
                format!("{}{}", r.status, if leaked { " + B's ids" } else { "" }),
                if leaked || r.status != 200 {
                    "NOT DENIED"
                } else {
                    "denied"
                }
                .into(),
            ]);
            if leaked || r.status != 200 {
                m.failures.push(format!("GET {path} with {cred}: {r}"));
            }
        }
    }

    print_table(
        &format!(
            "cross-tenant matrix ({:?}): {} cases, {} not denied",
            server.backend(),
            m.rows.len(),
            m.failures.len()
        ),
        &["case", "credential", "expected", "got", "verdict"],
        &m.rows,
    );

    // Nothing of B changed: its objects, its cluster, its credentials.
    let after = snapshot(&server, &b);
    if before != after {
        m.failures.push(format!(
            "B's objects changed:\nbefore: {before:#?}\nafter: {after:#?}"
        ));
    }
    let r = server.rest(
        "GET",
        &format!("/api/v1/clusters/{}", b.cluster_id),
        Some(&b.session),
        None,
    );
    if r.status != 200 || !(r.json()["status"] == "Ready" || r.json()["status"] == "Sleeping") {
        m.failures.push(format!("B's cluster is not intact: {r}"));
    }
    if !server.cluster_dir(&b.cluster_id).is_dir() {
        m.failures.push("B's cluster folder is gone".into());
    }
    let r = server.rest("GET", "/api/v1/me", Some(&b.api_token), None);
    if r.status != 200 {
        m.failures
            .push(format!("B's API token stopped working: {r}"));
    }
    let r = server.rest(
        "GET",
        &format!("/api/v1/clusters/{}/tokens", b.cluster_id),
        Some(&b.session),
        None,
    );
    let revoked = r.json()["items"]
        .as_array()
        .map(|items| items.iter().any(|t| !t["revoked_at"].is_null()))
        .unwrap_or(true);
    if r.status != 200 || revoked {
        m.failures
            .push(format!("B's kubeconfig tokens were touched: {r}"));
    }
    let r = server.rest(
        "GET",
        &format!(
            "/k8s/{}/api/v1/namespaces/default/configmaps/b-secret",
            b.cluster_id
        ),
        Some(&b.kube_token),
        None,
    );
    if r.status != 200 || r.json()["data"]["owner"] != "bob" {
        m.failures.push(format!("B's configmap is not intact: {r}"));
    }
    // And A's own access still works (the matrix did not just break the gateway).
    let r = server.rest(
        "GET",
        &format!("/k8s/{}/api/v1/namespaces", a.cluster_id),
        Some(&a.kube_token),
        None,
    );
    if r.status != 200 {
        m.failures
            .push(format!("A's own kubeconfig stopped working: {r}"));
    }
    assert!(
        m.failures.is_empty(),
        "{} cross-tenant failures:\n{}",
        m.failures.len(),
        m.failures.join("\n")
    );
}

#[test]
fn jwt_negative_matrix_sqlite() {
    jwt_matrix(Backend::Sqlite, "jwt_negative_matrix_sqlite");
}

#[test]
fn jwt_negative_matrix_postgres() {
    jwt_matrix(Backend::Postgres, "jwt_negative_matrix_postgres");
}

fn with(claims: &Value, changes: &[(&str, Value)]) -> Value {
    let mut c = claims.clone();
    for (k, v) in changes {
        c[*k] = v.clone();
    }
    c
}

fn jwt_matrix(backend: Backend, test: &str) {
    let Some(server) = PlatformServer::start_on(backend, test, PlatformOptions::default()) else {
        return;
    };
    let (_, session) = server.signup(&unique_email("jwt"));
    let c1 = server.create_cluster(&session, "one", true)["id"]
        .as_str()
        .unwrap()
        .to_string();
    let c2 = server.create_cluster(&session, "two", true)["id"]
        .as_str()
        .unwrap()
        .to_string();
    let k1 = kubeconfig_token(&server.kubeconfig(&session, &c1));
    let k2 = kubeconfig_token(&server.kubeconfig(&session, &c2));
    let (kid, pem) = jwt::current_key(server.data_dir());
    let (pub_pem, pub_der) = jwt::public_key(&pem);
    let (k_header, k_claims) = jwt::decode(&k1);
    let (s_header, s_claims) = jwt::decode(&session);
    assert_eq!(
        k_header["alg"], "ES256",
        "kubeconfig token header {k_header}"
    );
    assert_eq!(s_header["alg"], "ES256", "session token header {s_header}");
    assert_eq!(k_header["kid"], kid.as_str(), "kid of {k_header}");
    assert_eq!(
        k_claims["aud"], "kubicle-k8s",
        "kubeconfig claims {k_claims}"
    );
    assert_eq!(
        k_claims["cluster"],
        c1.as_str(),
        "kubeconfig claims {k_claims}"
    );
    assert_eq!(s_claims["aud"], "kubicle-api", "session claims {s_claims}");
    let now = jwt::now();

    let gw_path = format!("/k8s/{c1}/api/v1/namespaces/default/configmaps");
    let gw = |token: &str| server.rest("GET", &gw_path, Some(token), None).status;
    let api = |token: &str| server.rest("GET", "/api/v1/me", Some(token), None).status;

    // Controls: the same claims re-signed with the real key are accepted, so each negative
    // case below differs from a valid token only in its named defect.
    assert_eq!(
        gw(&jwt::sign_es256(&kid, &pem, &k_claims)),
        200,
        "a re-signed copy of a valid kubeconfig token is refused: the forging is wrong"
    );
    assert_eq!(
        api(&jwt::sign_es256(&kid, &pem, &s_claims)),
        200,
        "a re-signed copy of a valid session token is refused: the forging is wrong"
    );

    let mut m = Matrix::default();

    for (target, claims, other_aud) in [
        ("gateway", &k_claims, "kubicle-api"),
        ("REST", &s_claims, "kubicle-k8s"),
    ] {
        let call = |t: &str| if target == "gateway" { gw(t) } else { api(t) };
        let good = jwt::sign_es256(&kid, &pem, claims);
        let cases: Vec<(&str, String)> = vec![
            ("alg none", jwt::unsigned(&kid, claims)),
            ("alg none, original signature", {
                let none = jwt::unsigned(&kid, claims);
                format!("{}{}", none, good.rsplit('.').next().unwrap())
            }),
            (
                "HS256 signed with the public key (PEM)",
                jwt::sign_hs256(&kid, pub_pem.as_bytes(), claims),
            ),
            (
                "HS256 signed with the public key (DER)",
                jwt::sign_hs256(&kid, &pub_der, claims),
            ),
            (
                "unknown kid",
                jwt::sign_es256("k-unknown-kid", &pem, claims),
            ),
            (
                "expired",
                jwt::sign_es256(
                    &kid,
                    &pem,
                    &with(
                        claims,
                        &[
                            ("exp", json!(now - 120)),
                            ("iat", json!(now - 7200)),
                            ("nbf", json!(now - 7200)),
                        ],
                    ),
                ),
            ),
            (
                "nbf in the future",
                jwt::sign_es256(&kid, &pem, &with(claims, &[("nbf", json!(now + 3600))])),
            ),
            (
                "wrong aud (the other kind)",
                jwt::sign_es256(&kid, &pem, &with(claims, &[("aud", json!(other_aud))])),
            ),
            (
                "wrong aud (foreign)",
                jwt::sign_es256(&kid, &pem, &with(claims, &[("aud", json!("kubernetes"))])),
            ),
            (
                "wrong iss",
                jwt::sign_es256(
                    &kid,
                    &pem,
                    &with(claims, &[("iss", json!("https://evil.example:8443"))]),
                ),
            ),
            (
                "tampered payload (exp extended, signature kept)",
                jwt::with_payload(
                    &good,
                    &with(
                        claims,
                        &[("exp", json!(claims["exp"].as_i64().unwrap_or(now) + 1000))],
                    ),
                ),
            ),
            ("tampered signature", {
                let mut t = good.clone().into_bytes();
                let i = t.len() - 5;
                t[i] = if t[i] == b'A' { b'B' } else { b'A' };
                String::from_utf8(t).unwrap()
            }),
            ("not a JWT", "kubicle".to_string()),
            ("empty", String::new()),
        ];
        for (case, token) in cases {
            m.check(case, target, call(&token));
        }
    }
    // Tokens of the wrong kind or cluster.
    m.check("a token for another cluster", "gateway", gw(&k2));
    m.check("a session token", "gateway", gw(&session));
    m.check("a kubeconfig token", "REST", api(&k1));
    let (_, api_token) = server.create_api_token(&session, "jwt-test");
    m.check("an API token", "gateway", gw(&api_token));

    // Revoked kubeconfig token: refused within one second of the revocation.
    assert_eq!(gw(&k1), 200, "k1 works before its revocation");
    let jti = k_claims["jti"].as_str().unwrap();
    server
        .rest(
            "DELETE",
            &format!("/api/v1/clusters/{c1}/tokens/{jti}"),
            Some(&session),
            None,
        )
        .expect_status(204);
    let revoked_at = Instant::now();
    let mut first_401 = None;
    while revoked_at.elapsed() < Duration::from_millis(1500) {
        let s = gw(&k1);
        if s == 401 && first_401.is_none() {
            first_401 = Some(revoked_at.elapsed());
        }
        if s != 401 {
            first_401 = None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let got_at_1s = gw(&k1);
    eprintln!(
        "revoked kubeconfig token refused (for good) from {first_401:?} after the revocation"
    );
    m.check("revoked kubeconfig token (1 s later)", "gateway", got_at_1s);
    match first_401 {
        Some(t) if t <= Duration::from_secs(1) => {}
        other => m.failures.push(format!(
            "the revoked kubeconfig token was not refused for good within 1 s (from {other:?})"
        )),
    }
    // A re-signed copy of the revoked token is refused too (revocation is by jti).
    m.check(
        "re-signed copy of the revoked token",
        "gateway",
        gw(&jwt::sign_es256(&kid, &pem, &k_claims)),
    );
    // Revoke all: k2 and a fresh token of c2.
    let k2b = kubeconfig_token(&server.kubeconfig(&session, &c2));
    let gw2 = |t: &str| {
        server
            .rest("GET", &format!("/k8s/{c2}/api"), Some(t), None)
            .status
    };
    assert_eq!(gw2(&k2b), 200);
    server
        .rest(
            "DELETE",
            &format!("/api/v1/clusters/{c2}/tokens"),
            Some(&session),
            None,
        )
        .expect_status(204);
    std::thread::sleep(Duration::from_secs(1));
    m.check("revoke all: older token", "gateway", gw2(&k2));
    m.check("revoke all: newer token", "gateway", gw2(&k2b));

    // Ended session and revoked API token at the REST API.
    let (api_id, api_token2) = server.create_api_token(&session, "to-revoke");
    assert_eq!(api(&api_token2), 200);
    server
        .rest(
            "DELETE",
            &format!("/api/v1/tokens/{api_id}"),
            Some(&session),
            None,
        )
        .expect_status(204);
    std::thread::sleep(Duration::from_secs(1));
    m.check("revoked API token", "REST", api(&api_token2));
    let mut forged = api_token2.clone();
    forged.pop();
    forged.push(if api_token2.ends_with('A') { 'B' } else { 'A' });
    m.check("API token with a wrong secret", "REST", api(&forged));
    let session2 = server.login(
        server
            .rest("GET", "/api/v1/me", Some(&session), None)
            .json()["email"]
            .as_str()
            .unwrap(),
        PASSWORD,
    );
    let session2 = session2.expect_status(200).json()["token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(api(&session2), 200);
    server
        .rest("POST", "/api/v1/logout", Some(&session2), None)
        .expect_status(204);
    std::thread::sleep(Duration::from_secs(1));
    m.check("session after logout", "REST", api(&session2));
    m.check(
        "re-signed copy of the ended session",
        "REST",
        api(&jwt::sign_es256(&kid, &pem, &jwt::decode(&session2).1)),
    );

    print_table(
        &format!("JWT negative matrix ({:?})", server.backend()),
        &["case", "target", "expected", "got"],
        &m.rows,
    );
    // A REST 401 says how to authenticate.
    let r = server.rest("GET", "/api/v1/me", Some("nope"), None);
    if !r
        .header("www-authenticate")
        .is_some_and(|v| v.starts_with("Bearer"))
    {
        m.failures
            .push(format!("a REST 401 has no `WWW-Authenticate: Bearer`: {r}"));
    }
    assert!(
        m.failures.is_empty(),
        "{} JWT failures:\n{}",
        m.failures.len(),
        m.failures.join("\n")
    );
}

#[test]
fn login_brute_force_is_throttled() {
    let server = PlatformServer::start(PlatformOptions::default());
    let email = unique_email("brute");
    let _ = server.signup(&email);
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(server.login(&email, "wrong password 123").status);
    }
    assert!(
        statuses.iter().all(|s| *s == 401),
        "the first 5 wrong logins should be 401: {statuses:?}"
    );
    let sixth = server.login(&email, "wrong password 123");
    assert_eq!(sixth.status, 429, "the 6th rapid wrong login\n{sixth}");
    let retry: u64 = sixth
        .header("retry-after")
        .unwrap_or_else(|| panic!("429 without Retry-After\n{sixth}"))
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("Retry-After is not seconds\n{sixth}"));
    assert!((1..=60).contains(&retry), "Retry-After {retry}");
    assert!(
        sixth
            .header("content-type")
            .is_some_and(|c| c.starts_with("application/problem+json")),
        "429 is not a problem document\n{sixth}"
    );
    // Even the right password is throttled now for this email...
    assert_eq!(server.login(&email, PASSWORD).status, 429);
    // ...but another account from the same address is not (its own bucket, address limit 20).
    let other = unique_email("bystander");
    let _ = server.signup(&other);
    let r = server.login(&other, PASSWORD);
    assert_eq!(r.status, 200, "another email is throttled too\n{r}");
    // An unknown email is throttled the same way (no account enumeration by 429 vs 401).
    let ghost = unique_email("ghost");
    let mut ghost_statuses: Vec<u16> = (0..6)
        .map(|_| server.login(&ghost, "wrong password 123").status)
        .collect();
    let last = ghost_statuses.pop().unwrap();
    assert!(
        ghost_statuses.iter().all(|s| *s == 401) && last == 429,
        "unknown email: {ghost_statuses:?} then {last}"
    );
}
