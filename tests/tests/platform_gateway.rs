//! The gateway's basic promises: unauthenticated `/k8s/<id>/…` is a 401 Kubernetes `Status`
//! (the same for an unknown cluster, so 401-vs-404 reveals nothing); bodies over 3 MiB are 413
//! with and without a Content-Length; identity headers from the caller are replaced by the
//! gateway's; every mutating request leaves one audit record; metrics are served on their own
//! address.

use std::io::Read;
use std::time::Duration;

use kubicle_e2e::platform::{
    Backend, PlatformOptions, PlatformServer, eventually, kubeconfig_token, unique_email,
};
use serde_json::{Value, json};

fn w(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

#[track_caller]
fn assert_k8s_401(body: &str, what: &str) {
    let v: Value = serde_json::from_str(body)
        .unwrap_or_else(|e| panic!("{what}: the 401 body is not JSON ({e}): {body}"));
    assert_eq!(v["kind"], "Status", "{what}: {v}");
    assert_eq!(v["apiVersion"], "v1", "{what}: {v}");
    assert_eq!(v["status"], "Failure", "{what}: {v}");
    assert_eq!(v["code"], 401, "{what}: {v}");
    assert_eq!(v["reason"], "Unauthorized", "{what}: {v}");
}

#[test]
fn gateway_basics_sqlite() {
    gateway_basics(Backend::Sqlite, "gateway_basics_sqlite");
}

#[test]
fn gateway_basics_postgres() {
    gateway_basics(Backend::Postgres, "gateway_basics_postgres");
}

fn gateway_basics(backend: Backend, test: &str) {
    let Some(server) = PlatformServer::start_on(backend, test, PlatformOptions::default()) else {
        return;
    };
    let email = unique_email("gw");
    let (account, session) = server.signup(&email);
    let c = server.create_cluster(&session, "gw", true);
    let id = c["id"].as_str().unwrap().to_string();
    let kubeconfig = server.kubeconfig(&session, &id);
    let token = kubeconfig_token(&kubeconfig);

    // Unauthenticated: 401 Kubernetes Status, for a real cluster, an unknown one and a
    // malformed id alike.
    let unknown = format!("c{}", "a".repeat(20));
    for path in [
        format!("/k8s/{id}/api"),
        format!("/k8s/{id}"),
        format!("/k8s/{unknown}/api"),
        "/k8s/not-an-id/api".to_string(),
    ] {
        let r = server.rest("GET", &path, None, None);
        assert_eq!(r.status, 401, "{r}");
        assert!(
            r.header("content-type")
                .is_some_and(|c| c.starts_with("application/json")),
            "{r}"
        );
        assert_k8s_401(&r.body, &path);
    }
    // A valid token of another cluster on an unknown cluster: 401, not 404.
    let r = server.rest("GET", &format!("/k8s/{unknown}/api"), Some(&token), None);
    assert_eq!(r.status, 401, "{r}");
    assert_k8s_401(&r.body, "unknown cluster with a valid token");
    // Authenticated: the control plane answers.
    let r = server.rest("GET", &format!("/k8s/{id}/version"), Some(&token), None);
    assert_eq!(r.status, 200, "{r}");

    let k = server.kubectl("1.37", &kubeconfig);

    // Identity: the caller's own X-Remote-* and Impersonate-* headers are replaced.
    let ssr = json!({"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"});
    let r = server.rest_with(
        "POST",
        &format!("/k8s/{id}/apis/authentication.k8s.io/v1/selfsubjectreviews"),
        Some(&token),
        Some(&ssr),
        &[
            ("X-Remote-User", "system:admin"),
            ("X-Remote-Group", "system:masters"),
            ("X-Remote-Extra-Account", "a22222222222222222222"),
            ("Impersonate-User", "system:admin"),
            ("Impersonate-Group", "system:masters"),
        ],
    );
    assert_eq!(r.status, 201, "{r}");
    let user = r.json()["status"]["userInfo"]["username"].clone();
    assert_eq!(
        user,
        email.as_str(),
        "the control plane saw user {user}\n{r}"
    );
    let out = k.run(&w("auth whoami -o json")).ok();
    assert_eq!(out.json()["status"]["userInfo"]["username"], email.as_str());

    // Bodies over 3 MiB: 413, with a Content-Length and streamed without one.
    let big = "x".repeat(3 * 1024 * 1024 + 64 * 1024);
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "huge", "namespace": "default"}, "data": {"big": big}});
    let path = format!("/k8s/{id}/api/v1/namespaces/default/configmaps");
    // kubectl sends it with a Content-Length: it must show the gateway's 413.
    let manifest = server.scratch().join("huge.json");
    std::fs::write(&manifest, serde_json::to_vec(&cm).unwrap()).unwrap();
    let out = k.run(&["create", "-f", manifest.to_str().unwrap()]).fails();
    assert!(
        out.stderr.contains("RequestEntityTooLarge") || out.stderr.contains("413"),
        "kubectl did not get a 413 for a body over 3 MiB\n{out}"
    );
    // The same with reqwest over HTTP/1.1: the gateway may answer before reading the body and
    // close, so a broken pipe on our side is accepted; a 2xx is not.
    match server
        .client()
        .post(format!("{}{path}", server.url()))
        .bearer_auth(&token)
        .header("Content-Type", "application/json")
        .body(serde_json::to_vec(&cm).unwrap())
        .send()
    {
        Ok(resp) => assert_eq!(resp.status().as_u16(), 413, "with Content-Length"),
        Err(e) => {
            eprintln!("a Content-Length upload ended with {e:?} (checking nothing was created)")
        }
    }
    let bytes = serde_json::to_vec(&cm).unwrap();
    let streamed =
        reqwest::blocking::Body::new(std::io::Cursor::new(bytes).chain(std::io::empty()));
    let resp = server
        .client()
        .post(format!("{}{path}", server.url()))
        .bearer_auth(&token)
        .header("Content-Type", "application/json")
        .body(streamed)
        .send();
    match resp {
        Ok(resp) => assert_eq!(resp.status().as_u16(), 413, "chunked body over 3 MiB"),
        // The gateway may answer 413 and close before reading the rest: a broken pipe on our
        // side is acceptable only when the object was not created.
        Err(e) => eprintln!("chunked upload ended with {e} (checking that nothing was created)"),
    }
    let r = server.rest("GET", &format!("{path}/huge"), Some(&token), None);
    assert_eq!(r.status, 404, "the oversized configmap was created\n{r}");
    // Just under the limit still passes the gateway (the control plane may still refuse it
    // for its own size rule, but not with the gateway's 413 on a 2 MiB body).
    let ok = json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "medium", "namespace": "default"}, "data": {"big": "y".repeat(512 * 1024)}});
    let r = server.rest("POST", &path, Some(&token), Some(&ok));
    assert_eq!(r.status, 201, "a 512 KiB configmap\n{r}");

    // Audit: creates and deletes through kubectl leave one record each.
    k.run(&w("create configmap audited --from-literal=k=v"))
        .ok();
    k.run(&w("label configmap audited team=blue")).ok();
    k.run(&w("delete configmap audited")).ok();
    k.run(&w("create namespace audit-ns")).ok();
    k.run(&w("get configmaps")).ok();
    // A create's name is in its body: the record may name it or leave the name out.
    fn is_create_of(r: &serde_json::Map<String, Value>, resource: &str, name: &str) -> bool {
        r.get("verb").and_then(Value::as_str) == Some("create")
            && r.get("resource")
                .and_then(Value::as_str)
                .is_some_and(|x| x.contains(resource))
            && r.get("name").is_none_or(|n| n.is_null() || n == name)
    }
    let mut rows = Vec::new();
    let found = eventually(Duration::from_secs(10), || {
        rows = server.audit_rows();
        let has = |verb: &str, name: &str| {
            rows.iter().any(|r| {
                r.get("verb").and_then(Value::as_str) == Some(verb)
                    && r.get("name").and_then(Value::as_str) == Some(name)
            })
        };
        rows.iter()
            .any(|r| is_create_of(r, "configmaps", "audited"))
            && has("patch", "audited")
            && has("delete", "audited")
            && rows
                .iter()
                .any(|r| is_create_of(r, "namespaces", "audit-ns"))
    });
    assert!(found, "audit records missing; audit_log has:\n{rows:#?}");
    let creates: Vec<_> = rows
        .iter()
        .filter(|r| is_create_of(r, "configmaps", "audited"))
        .collect();
    // "medium" (512 KiB, 201) and "audited": one record each; the 413s reached no control plane
    // but may be recorded with their 413.
    let created: Vec<_> = creates.iter().filter(|r| r["status"] == 201).collect();
    assert_eq!(
        created.len(),
        2,
        "one record per successful create: {rows:#?}"
    );
    let create = created
        .iter()
        .find(|r| r["name"] == "audited")
        .or(created.last())
        .unwrap();
    if create["name"].is_null() {
        eprintln!("note: audit records of creates carry no name: {create:?}");
    }
    assert_eq!(create["account"], account.as_str(), "{create:?}");
    assert_eq!(create["cluster"], id.as_str(), "{create:?}");
    assert_eq!(create["namespace"], "default", "{create:?}");
    let jti = jwt_jti(&token);
    assert!(
        create["credential"]
            .as_str()
            .is_some_and(|c| c == jti || !c.contains('.')),
        "the audit credential should be the token id, never the token: {create:?}"
    );
    let delete = rows
        .iter()
        .find(|r| r["verb"] == "delete" && r["name"] == "audited")
        .unwrap();
    assert_eq!(delete["status"], 200, "{delete:?}");
    // Reads are not audited.
    assert!(
        !rows
            .iter()
            .any(|r| ["get", "list", "watch"].contains(&r["verb"].as_str().unwrap_or(""))),
        "reads were audited: {rows:#?}"
    );
    // No token in the server's log.
    let log = server.log();
    assert!(
        !log.contains(&token) && !log.contains(&session),
        "a token appears in the server's log"
    );

    // Metrics on their own address.
    let metrics =
        reqwest::blocking::get(format!("{}/metrics", server.metrics_url())).expect("GET /metrics");
    assert_eq!(metrics.status().as_u16(), 200);
    let text = metrics.text().unwrap();
    assert!(text.contains("# TYPE"), "not Prometheus text:\n{text}");
}

fn jwt_jti(token: &str) -> String {
    kubicle_e2e::platform::jwt::decode(token).1["jti"]
        .as_str()
        .unwrap_or("")
        .to_string()
}
