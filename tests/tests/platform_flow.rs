//! The platform end to end, as a user and as a CI job would use it: `kubicle server` on a
//! temporary data dir, signup over REST, a cluster created with `?wait=true`, its kubeconfig
//! downloaded and used by kubectl 1.37 and 1.32 over TLS with the CA verified (never
//! `--insecure-skip-tls-verify`), a watch that sees a later change, and the cluster's deletion
//! removing its data and invalidating the kubeconfig. Then the same through the `kubicle` CLI
//! with an API token. Each on SQLite and on PostgreSQL.

use std::path::Path;
use std::time::Duration;

use kubicle_e2e::platform::{
    Backend, PASSWORD, PlatformOptions, PlatformServer, eventually, kubeconfig_server,
    kubeconfig_token, unique_email,
};
use kubicle_e2e::{CmdOutput, Kubectl, json_stream};
use serde_json::Value;

const WATCH_DEADLINE: Duration = Duration::from_secs(20);

#[test]
fn rest_flow_sqlite() {
    rest_flow(Backend::Sqlite, "rest_flow_sqlite");
}

#[test]
fn rest_flow_postgres() {
    rest_flow(Backend::Postgres, "rest_flow_postgres");
}

#[test]
fn cli_flow_sqlite() {
    cli_flow(Backend::Sqlite, "cli_flow_sqlite");
}

#[test]
fn cli_flow_postgres() {
    cli_flow(Backend::Postgres, "cli_flow_postgres");
}

fn w(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

/// Checks the kubeconfig's shape: server `<url>/k8s/<id>`, CA data, a token, no TLS skipping.
fn check_kubeconfig(path: &Path, id: &str) {
    let text = std::fs::read_to_string(path).expect("read the kubeconfig");
    assert!(
        !text.contains("insecure-skip-tls-verify"),
        "the kubeconfig skips TLS verification:\n{text}"
    );
    assert!(
        text.contains("certificate-authority-data"),
        "the kubeconfig has no CA data:\n{text}"
    );
    let server = kubeconfig_server(path);
    assert!(
        server.starts_with("https://") && server.ends_with(&format!("/k8s/{id}")),
        "kubeconfig server {server:?} is not https://HOST:PORT/k8s/{id}"
    );
    let token = kubeconfig_token(path);
    assert!(!token.is_empty());
}

/// `get ns`, `create configmap`, `get configmap -w` seeing a later patch.
fn kubectl_round(k: &Kubectl, cm: &str) {
    let out = k.run(&w("get ns -o name")).ok();
    for ns in ["namespace/default", "namespace/kube-system"] {
        assert!(out.lines().contains(&ns), "no {ns} in `get ns`\n{out}");
    }
    let out = k.run(&w("get ns")).ok();
    assert!(out.stdout.starts_with("NAME"), "{out}");

    let out = k
        .run(&w(&format!(
            "create configmap {cm} --from-literal=step=one"
        )))
        .ok();
    assert_eq!(out.lines(), [format!("configmap/{cm} created")], "{out}");

    let mut watch = k.spawn(&w(&format!("get configmap {cm} -w -o json")));
    let seen = |value: &'static str| {
        move |text: &str| json_stream(text).iter().any(|d| d["data"]["step"] == value)
    };
    assert!(
        watch.wait_until(WATCH_DEADLINE, seen("one")),
        "the watch did not print the configmap within {WATCH_DEADLINE:?}\n--- stdout\n{}\n--- stderr\n{}",
        watch.stdout(),
        watch.stderr()
    );
    let out = k.run(&[
        "patch",
        "configmap",
        cm,
        "--type=merge",
        "-p",
        r#"{"data":{"step":"two"}}"#,
    ]);
    let out = out.ok();
    assert_eq!(out.lines(), [format!("configmap/{cm} patched")], "{out}");
    assert!(
        watch.wait_until(WATCH_DEADLINE, seen("two")),
        "the watch did not see the patch within {WATCH_DEADLINE:?}\n--- stdout\n{}\n--- stderr\n{}",
        watch.stdout(),
        watch.stderr()
    );
    assert!(
        watch.is_running(),
        "the watch ended early: {}",
        watch.stderr()
    );
    drop(watch.kill());

    let got = k
        .run(&w(&format!(
            "get configmap {cm} -o jsonpath={{.data.step}}"
        )))
        .ok();
    assert_eq!(got.stdout.trim(), "two", "{got}");
}

fn rest_flow(backend: Backend, test: &str) {
    let Some(server) = PlatformServer::start_on(backend, test, PlatformOptions::default()) else {
        return;
    };
    let email = unique_email("flow");
    let (account, session) = server.signup(&email);
    assert!(account.starts_with('a'), "account id {account:?}");
    let me = server
        .rest("GET", "/api/v1/me", Some(&session), None)
        .expect_status(200)
        .json();
    assert_eq!(me["id"], account.as_str());
    assert_eq!(me["email"], email.as_str());

    let cluster = server.create_cluster(&session, "flow", true);
    let id = cluster["id"].as_str().expect("id").to_string();
    assert_eq!(cluster["name"], "flow");
    assert!(
        cluster["server_url"]
            .as_str()
            .is_some_and(|u| u.ends_with(&format!("/k8s/{id}"))),
        "server_url {}",
        cluster["server_url"]
    );
    assert!(
        server.cluster_dir(&id).is_dir(),
        "no folder {}",
        server.cluster_dir(&id).display()
    );
    let listed = server
        .rest("GET", "/api/v1/clusters", Some(&session), None)
        .expect_status(200)
        .json();
    assert!(
        listed["items"]
            .as_array()
            .is_some_and(|items| items.iter().any(|c| c["id"] == id.as_str())),
        "the cluster is not listed: {listed}"
    );

    let kubeconfig = server.kubeconfig(&session, &id);
    check_kubeconfig(&kubeconfig, &id);
    for version in ["1.37", "1.32"] {
        let k = server.kubectl(version, &kubeconfig);
        kubectl_round(&k, &format!("cm-{}", k.minor()));
    }

    // Delete: the folder goes, the kubeconfig stops working (401), the cluster is 404.
    let token = kubeconfig_token(&kubeconfig);
    server
        .rest(
            "DELETE",
            "/api/v1/clusters/flow?wait=true",
            Some(&session),
            None,
        )
        .expect_status(204);
    assert!(
        eventually(Duration::from_secs(10), || !server
            .cluster_dir(&id)
            .exists()),
        "DATA_DIR/clusters/{id} still exists after the delete"
    );
    assert!(
        server.cluster_pids(&id).is_empty(),
        "a control plane of the deleted cluster still runs: {:?}",
        server.cluster_pids(&id)
    );
    server
        .rest(
            "GET",
            &format!("/api/v1/clusters/{id}"),
            Some(&session),
            None,
        )
        .expect_status(404);
    let r = server.rest("GET", &format!("/k8s/{id}/api"), Some(&token), None);
    assert_eq!(r.status, 401, "the deleted cluster's kubeconfig\n{r}");
    let k = server.kubectl("1.37", &kubeconfig);
    let out = k.run(&w("get ns")).fails();
    assert!(
        out.stderr.contains("Unauthorized") || out.stderr.contains("must be logged in"),
        "{out}"
    );
}

/// The CLI with env settings, as CI uses it.
fn cli_env(server: &PlatformServer, token: &str, args: &[&str]) -> CmdOutput {
    let mut cmd = server.cli(args);
    cmd.env("KUBICLE_TOKEN", token)
        .env("KUBICLE_SERVER", server.url())
        .env("KUBICLE_CA_FILE", server.ca_path());
    server.run_cli(cmd, None)
}

#[track_caller]
fn exit_code(out: &CmdOutput, code: i32) {
    assert_eq!(out.code, Some(code), "expected exit code {code}\n{out}");
}

fn cli_flow(backend: Backend, test: &str) {
    let Some(server) = PlatformServer::start_on(backend, test, PlatformOptions::default()) else {
        return;
    };
    let email = unique_email("cli");
    let _ = server.signup(&email);

    // `kubicle login` writes the config file; later commands use it.
    let ca = server.ca_path();
    let ca = ca.to_str().expect("utf-8 path");
    let out = server.run_cli(
        server.cli(&[
            "login",
            "--server",
            server.url(),
            "--ca-file",
            ca,
            "--email",
            &email,
            "--password-stdin",
        ]),
        Some(&format!("{PASSWORD}\n")),
    );
    exit_code(&out, 0);
    let out = server.run_cli(
        server.cli(&["token", "create", "ci", "--output", "json"]),
        None,
    );
    exit_code(&out, 0);
    let created = out.json();
    let api_token = created["token"]
        .as_str()
        .unwrap_or_else(|| panic!("no token in\n{out}"))
        .to_string();
    assert!(api_token.starts_with("kbt_"), "{api_token}");
    let out = server.run_cli(server.cli(&["token", "list", "--output", "json"]), None);
    exit_code(&out, 0);
    assert!(
        !out.stdout.contains(&api_token),
        "`token list` shows the secret\n{out}"
    );

    // Everything else with KUBICLE_TOKEN / KUBICLE_SERVER / KUBICLE_CA_FILE only, in a fresh
    // HOME (the login's config file must not matter).
    let home2 = server.scratch().join("home2");
    std::fs::create_dir_all(&home2).unwrap();
    let run = |args: &[&str]| {
        let mut cmd = server.cli(args);
        cmd.env("HOME", &home2)
            .env("XDG_CONFIG_HOME", home2.join(".config"))
            .env("KUBICLE_TOKEN", &api_token)
            .env("KUBICLE_SERVER", server.url())
            .env("KUBICLE_CA_FILE", server.ca_path());
        server.run_cli(cmd, None)
    };
    let kubeconfig = server.scratch().join("cli-kubeconfig.yaml");
    let kc = kubeconfig.to_str().unwrap();
    let out = run(&["cluster", "create", "ci-one", "--wait", "--kubeconfig", kc]);
    exit_code(&out, 0);

    let out = run(&["cluster", "list", "--output", "json"]);
    exit_code(&out, 0);
    let list = out.json();
    let items: Vec<Value> = list
        .get("items")
        .and_then(Value::as_array)
        .or(list.as_array())
        .cloned()
        .unwrap_or_else(|| panic!("no list of clusters in\n{out}"));
    let mine = items
        .iter()
        .find(|c| c["name"] == "ci-one")
        .unwrap_or_else(|| panic!("ci-one is not listed\n{out}"));
    let id = mine["id"].as_str().expect("id").to_string();

    let out = run(&["cluster", "get", "ci-one", "--output", "json"]);
    exit_code(&out, 0);
    let got = out.json();
    assert_eq!(got["id"], id.as_str(), "{out}");
    assert_eq!(got["status"], "Ready", "{out}");
    let out = run(&["cluster", "get", "ci-one"]);
    exit_code(&out, 0);
    assert!(out.stdout.contains("ci-one"), "{out}");

    check_kubeconfig(&kubeconfig, &id);
    let k = server.kubectl("1.37", &kubeconfig);
    kubectl_round(&k, "from-cli");

    // `cluster kubeconfig` prints a second, working kubeconfig.
    let out = run(&["cluster", "kubeconfig", "ci-one"]);
    exit_code(&out, 0);
    let second = server.scratch().join("cli-kubeconfig-2.yaml");
    std::fs::write(&second, &out.stdout).unwrap();
    check_kubeconfig(&second, &id);
    let k2 = server.kubectl("1.32", &second);
    let out = k2
        .run(&w("get configmap from-cli -o jsonpath={.data.step}"))
        .ok();
    assert_eq!(out.stdout.trim(), "two");

    // Exit codes: 4 for a missing cluster, 3 for a bad token.
    exit_code(&run(&["cluster", "get", "no-such-cluster"]), 4);
    exit_code(&run(&["cluster", "delete", "no-such-cluster"]), 4);
    let bad = "kbt_t00000000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    exit_code(&cli_env(&server, bad, &["cluster", "list"]), 3);
    exit_code(
        &cli_env(&server, "garbage", &["cluster", "get", "ci-one"]),
        3,
    );

    // Delete: the folder goes and the kubeconfig stops working.
    let out = run(&["cluster", "delete", "ci-one", "--wait"]);
    exit_code(&out, 0);
    assert!(
        eventually(Duration::from_secs(10), || !server
            .cluster_dir(&id)
            .exists()),
        "DATA_DIR/clusters/{id} still exists after `cluster delete`"
    );
    exit_code(&run(&["cluster", "get", "ci-one"]), 4);
    let out = k.run(&w("get ns")).fails();
    assert!(
        out.stderr.contains("Unauthorized") || out.stderr.contains("must be logged in"),
        "{out}"
    );
}

#[test]
fn rest_contract_sqlite() {
    rest_contract(Backend::Sqlite, "rest_contract_sqlite");
}

#[test]
fn rest_contract_postgres() {
    rest_contract(Backend::Postgres, "rest_contract_postgres");
}

#[track_caller]
fn assert_problem(r: &kubicle_e2e::platform::Resp, status: u16) {
    assert_eq!(r.status, status, "{r}");
    assert!(
        r.header("content-type")
            .is_some_and(|c| c.starts_with("application/problem+json")),
        "not a problem document\n{r}"
    );
    let v = r.json();
    assert_eq!(v["status"], status, "{r}");
    assert!(v["title"].is_string() && v["type"].is_string(), "{r}");
}

/// The REST API's promises over the real server: problem documents, no mass assignment,
/// idempotent creation, the quota, 404 for what is not yours, the OpenAPI document.
fn rest_contract(backend: Backend, test: &str) {
    let options = PlatformOptions {
        extra_args: vec!["--cluster-quota".into(), "2".into()],
        ..Default::default()
    };
    let Some(server) = PlatformServer::start_on(backend, test, options) else {
        return;
    };
    let openapi = server
        .rest("GET", "/api/v1/openapi.json", None, None)
        .expect_status(200)
        .json();
    assert!(
        openapi["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.")),
        "not an OpenAPI 3 document"
    );
    for path in ["/api/v1/signup", "/api/v1/clusters", "/api/v1/tokens"] {
        assert!(
            openapi["paths"].get(path).is_some(),
            "{path} is not in the OpenAPI document"
        );
    }

    let email = unique_email("contract");
    let (_, session) = server.signup(&email);
    // Taken email (any case), weak password, bad email, unknown field.
    let r = server.rest(
        "POST",
        "/api/v1/signup",
        None,
        Some(&serde_json::json!({"email": email.to_uppercase(), "password": PASSWORD})),
    );
    assert_problem(&r, 409);
    let r = server.rest(
        "POST",
        "/api/v1/signup",
        None,
        Some(&serde_json::json!({"email": unique_email("weak"), "password": "short"})),
    );
    assert_problem(&r, 400);
    let r = server.rest(
        "POST",
        "/api/v1/signup",
        None,
        Some(&serde_json::json!({"email": "not-an-email", "password": PASSWORD})),
    );
    assert_problem(&r, 400);
    let r = server.rest(
        "POST",
        "/api/v1/signup",
        None,
        Some(&serde_json::json!({"email": unique_email("mass"), "password": PASSWORD, "id": "aaaaaaaaaaaaaaaaaaaaa"})),
    );
    assert_problem(&r, 400);
    let r = server.rest(
        "POST",
        "/api/v1/clusters",
        Some(&session),
        Some(&serde_json::json!({"name": "x", "status": "Ready"})),
    );
    assert_problem(&r, 400);
    let r = server.rest(
        "POST",
        "/api/v1/clusters",
        Some(&session),
        Some(&serde_json::json!({"name": "Not_A_Label"})),
    );
    assert_problem(&r, 400);
    // No token, bad token: 401 with WWW-Authenticate: Bearer.
    for token in [None, Some("garbage")] {
        let r = server.rest("GET", "/api/v1/clusters", token, None);
        assert_problem(&r, 401);
        assert!(
            r.header("www-authenticate")
                .is_some_and(|v| v.starts_with("Bearer")),
            "{r}"
        );
    }

    // Idempotency-Key: the same key and name give the same cluster (200).
    let body = serde_json::json!({"name": "idem"});
    let first = server
        .rest_with(
            "POST",
            "/api/v1/clusters",
            Some(&session),
            Some(&body),
            &[("Idempotency-Key", "key-1")],
        )
        .expect_status(201)
        .json();
    let again = server
        .rest_with(
            "POST",
            "/api/v1/clusters",
            Some(&session),
            Some(&body),
            &[("Idempotency-Key", "key-1")],
        )
        .expect_status(200)
        .json();
    assert_eq!(first["id"], again["id"]);
    // Same name without the key: 409.
    let r = server.rest("POST", "/api/v1/clusters", Some(&session), Some(&body));
    assert_problem(&r, 409);
    // Quota 2: the third is refused with a quota-exceeded problem.
    server.create_cluster(&session, "second", false);
    let r = server.rest(
        "POST",
        "/api/v1/clusters",
        Some(&session),
        Some(&serde_json::json!({"name": "third"})),
    );
    assert_problem(&r, 403);
    assert!(
        r.json()["type"]
            .as_str()
            .is_some_and(|t| t.ends_with("/quota-exceeded")),
        "{r}"
    );
    // Unknown cluster: 404 problem; DELETE without wait: 202 and then gone.
    let r = server.rest("GET", "/api/v1/clusters/no-such", Some(&session), None);
    assert_problem(&r, 404);
    let id = first["id"].as_str().unwrap().to_string();
    let r = server
        .rest("DELETE", "/api/v1/clusters/idem", Some(&session), None)
        .expect_status(202);
    let status = r.json()["status"].clone();
    assert!(status == "Deleting" || r.body.is_empty(), "{r}");
    assert!(
        eventually(Duration::from_secs(10), || server
            .rest(
                "GET",
                &format!("/api/v1/clusters/{id}"),
                Some(&session),
                None
            )
            .status
            == 404),
        "the cluster did not go after DELETE 202"
    );
    assert!(
        eventually(Duration::from_secs(10), || !server
            .cluster_dir(&id)
            .exists()),
        "its folder did not go"
    );
    // Now under quota again.
    server.create_cluster(&session, "third", true);
}
