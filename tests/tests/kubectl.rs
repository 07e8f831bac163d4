//! The kubectl scenario suite: the everyday kubectl commands, run by several real kubectl
//! versions (1.37, 1.33, 1.32, 1.30), each against its own fresh `kubicle apiserver`.
//!
//! Every step asserts on what kubectl prints, the way real Kubernetes makes it print, not only
//! on its exit code. A scenario runs all its steps even when some fail, then fails with the
//! list of failed steps, so one run shows every difference from real Kubernetes.

use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use kubicle_e2e::steps::Steps;
use kubicle_e2e::{ApiServer, CmdOutput, Kubectl, json_stream, parse_table};
use serde_json::{Value, json};

const WATCH_TIMEOUT: Duration = Duration::from_secs(20);
const SYSTEM_NAMESPACES: [&str; 4] = ["default", "kube-node-lease", "kube-public", "kube-system"];

#[test]
fn kubectl_1_37() {
    scenario("1.37");
}

#[test]
fn kubectl_1_33() {
    scenario("1.33");
}

#[test]
fn kubectl_1_32() {
    scenario("1.32");
}

#[test]
fn kubectl_1_30() {
    scenario("1.30");
}

/// Objects written before a kill -9 are there, unchanged, after a restart on the same folder.
#[test]
fn objects_survive_kill9_and_restart() {
    let mut server = ApiServer::start();
    let k = server.kubectl("1.37");
    k.run(&w("create configmap durable --from-literal=k=v"))
        .ok();
    let before = k.run(&w("get configmap durable -o json")).ok().json();
    server.kill9();
    assert!(!k.run(&w("get configmap durable")).success());
    server.restart();
    let after = k.run(&w("get configmap durable -o json")).ok().json();
    assert_eq!(before, after);
    let out = k
        .run(&w("create configmap durable2 --from-literal=k=v"))
        .ok();
    assert_eq!(out.lines(), ["configmap/durable2 created"], "{out}");
    let rv_before: u64 = before["metadata"]["resourceVersion"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("a numeric resourceVersion");
    let rv_new: u64 = k
        .run(&w(
            "get configmap durable2 -o jsonpath={.metadata.resourceVersion}",
        ))
        .ok()
        .stdout
        .trim()
        .parse()
        .expect("a numeric resourceVersion");
    assert!(
        rv_new > rv_before,
        "resourceVersion went back after restart: {rv_before} → {rv_new}"
    );
}

fn scenario(version: &str) {
    let server = ApiServer::start();
    let k = server.kubectl(version);
    let mut s = Steps::new(format!("kubectl {}", k.version()), &k);
    s.step("version", step_version);
    s.step("api-resources", step_api_resources);
    s.step("system namespaces", step_system_namespaces);
    s.step("create namespace", step_create_namespace);
    s.step("create configmap", step_create_configmap);
    s.step("create secret", step_create_secret);
    s.step("create serviceaccount", step_create_serviceaccount);
    s.step("create deployment", step_create_deployment);
    s.step("create -f", step_create_from_file);
    s.step("get as table", step_get_table);
    s.step("get -o wide", step_get_wide);
    s.step("get -o yaml", step_get_yaml);
    s.step("get -o json", step_get_json);
    s.step("get -A", step_get_all_namespaces);
    s.step("label selectors", step_label_selectors);
    s.step("field selectors", step_field_selectors);
    s.step("chunked list", step_chunked_list);
    s.step("label", step_label);
    s.step("annotate", step_annotate);
    s.step("scale", step_scale);
    s.step("patch", step_patch);
    s.step("replace", step_replace);
    s.step("delete", step_delete);
    s.step("delete with a finalizer", step_delete_with_finalizer);
    s.step("get -w", step_watch);
    s.step("wait", step_wait);
    s.step("apply", step_apply);
    s.step("apply --server-side", step_apply_server_side);
    s.step(
        "apply: client-side to server-side",
        step_apply_client_to_server_side,
    );
    s.step("diff", step_diff);
    s.step("explain", step_explain);
    s.step("auth can-i", step_auth_can_i);
    s.step("describe", step_describe);
    s.step("errors: NotFound", step_errors_not_found);
    s.step("errors: AlreadyExists", step_errors_already_exists);
    s.step("errors: invalid names", step_errors_invalid_names);
    s.step("errors: validation", step_errors_validation);
    s.step("errors: unknown field", step_errors_unknown_field);
    s.step("errors: unknown resource type", step_errors_unknown_type);
    s.finish();
}

// ---------------------------------------------------------------- helpers

/// Splits a command line on whitespace: `&w("-n e2e get configmaps")`.
fn w(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

/// Panics unless some line of `text` equals `line` (after trimming trailing space).
#[track_caller]
fn assert_line(out: &CmdOutput, text: &str, line: &str) {
    assert!(
        text.lines().any(|l| l.trim_end() == line),
        "expected the line {line:?}\n{out}"
    );
}

#[track_caller]
fn assert_contains(out: &CmdOutput, text: &str, needle: &str) {
    assert!(
        text.contains(needle),
        "expected {needle:?} in the output\n{out}"
    );
}

/// Panics unless the JSON value at `pointer` equals `want`.
#[track_caller]
fn assert_json(v: &Value, pointer: &str, want: Value, out: &CmdOutput) {
    assert_eq!(
        v.pointer(pointer),
        Some(&want),
        "at {pointer} of the JSON\n{out}"
    );
}

/// `kubectl … -o name` lines, without objects that Kubernetes' own controllers add.
#[track_caller]
fn names(k: &Kubectl, args: &[&str]) -> Vec<String> {
    let mut args = args.to_vec();
    args.extend(["-o", "name"]);
    let out = k.run(&args).ok();
    out.lines()
        .into_iter()
        .filter(|l| *l != "configmap/kube-root-ca.crt" && *l != "serviceaccount/default")
        .map(str::to_string)
        .collect()
}

#[track_caller]
fn get_json(k: &Kubectl, args: &[&str]) -> (Value, CmdOutput) {
    let mut args = args.to_vec();
    args.extend(["-o", "json"]);
    let out = k.run(&args).ok();
    (out.json(), out)
}

/// Creates fixtures from YAML. `--validate=false`, so that a step about selectors or deletion
/// does not depend on OpenAPI-based validation, which the "create -f" step checks by itself.
#[track_caller]
fn create_from_yaml(k: &Kubectl, yaml: &str) -> CmdOutput {
    k.run_stdin(&w("create --validate=false -f -"), yaml).ok()
}

/// kubectl's line for a deleted object: 1.34 added " from NS namespace".
fn deleted_line(k: &Kubectl, kind: &str, name: &str, namespace: Option<&str>) -> String {
    match namespace {
        Some(ns) if k.minor() >= 34 => format!("{kind} \"{name}\" deleted from {ns} namespace"),
        _ => format!("{kind} \"{name}\" deleted"),
    }
}

/// The value after `key:` on the first line of `describe` output that starts with it.
fn described<'t>(text: &'t str, key: &str) -> Option<&'t str> {
    let prefix = format!("{key}:");
    text.lines()
        .find_map(|l| l.trim_start().strip_prefix(prefix.as_str()))
        .map(str::trim)
}

fn looks_like_age(s: &str) -> bool {
    !s.is_empty()
        && s.chars().next().is_some_and(|c| c.is_ascii_digit())
        && s.chars().all(|c| c.is_ascii_digit() || "smhdy".contains(c))
}

fn events_of(stream: &str) -> Vec<(String, String)> {
    json_stream(stream)
        .into_iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap_or("").to_string(),
                e["object"]["metadata"]["name"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
            )
        })
        .collect()
}

fn has_event(stream: &str, kind: &str, name: &str) -> bool {
    events_of(stream)
        .iter()
        .any(|(t, n)| t == kind && n == name)
}

fn write_file(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write a manifest");
    path.to_string_lossy().into_owned()
}

// ---------------------------------------------------------------- steps

fn step_version(k: &Kubectl) {
    let (v, out) = {
        let out = k.run(&w("version -o json")).ok();
        (out.json(), out)
    };
    let git = v["serverVersion"]["gitVersion"].as_str().unwrap_or("");
    assert!(
        git.starts_with("v1.36."),
        "server gitVersion {git:?}\n{out}"
    );
    assert_json(&v, "/serverVersion/major", json!("1"), &out);
    assert_json(&v, "/serverVersion/minor", json!("36"), &out);
    let client = v["clientVersion"]["gitVersion"].as_str().unwrap_or("");
    assert!(
        client.starts_with(&format!("v{}.", k.version())),
        "client gitVersion {client:?}\n{out}"
    );

    let out = k.run(&["version"]).ok();
    assert!(
        out.stdout
            .lines()
            .any(|l| l.starts_with("Server Version: v1.36.")),
        "expected `Server Version: v1.36.x`\n{out}"
    );
}

fn step_api_resources(k: &Kubectl) {
    let out = k.run(&["api-resources"]).ok();
    let t = parse_table(&out.stdout);
    assert_eq!(
        t.columns,
        ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"],
        "{out}"
    );
    let want = [
        ("pods", "po", "v1", "true", "Pod"),
        ("configmaps", "cm", "v1", "true", "ConfigMap"),
        ("secrets", "", "v1", "true", "Secret"),
        ("serviceaccounts", "sa", "v1", "true", "ServiceAccount"),
        ("services", "svc", "v1", "true", "Service"),
        ("namespaces", "ns", "v1", "false", "Namespace"),
        ("nodes", "no", "v1", "false", "Node"),
        ("deployments", "deploy", "apps/v1", "true", "Deployment"),
        ("replicasets", "rs", "apps/v1", "true", "ReplicaSet"),
        ("statefulsets", "sts", "apps/v1", "true", "StatefulSet"),
        ("daemonsets", "ds", "apps/v1", "true", "DaemonSet"),
        ("jobs", "", "batch/v1", "true", "Job"),
        ("cronjobs", "cj", "batch/v1", "true", "CronJob"),
    ];
    for (name, short, gv, namespaced, kind) in want {
        let row = t
            .rows
            .iter()
            .find(|r| r["NAME"] == name && r["APIVERSION"] == gv)
            .unwrap_or_else(|| panic!("no {name} ({gv}) row\n{out}"));
        assert_eq!(row["SHORTNAMES"], short, "{name}'s short names\n{out}");
        assert_eq!(row["NAMESPACED"], namespaced, "{name} namespaced\n{out}");
        assert_eq!(row["KIND"], kind, "{name}'s kind\n{out}");
    }

    let out = k.run(&w("api-resources -o name")).ok();
    for name in ["configmaps", "namespaces", "deployments.apps", "jobs.batch"] {
        assert!(out.lines().contains(&name), "no {name}\n{out}");
    }
    let out = k.run(&w("api-resources --namespaced=false -o name")).ok();
    assert!(out.lines().contains(&"namespaces"), "{out}");
    assert!(!out.lines().contains(&"configmaps"), "{out}");
    let out = k.run(&w("api-resources --api-group=apps -o name")).ok();
    assert!(out.lines().contains(&"deployments.apps"), "{out}");
    assert!(!out.lines().contains(&"configmaps"), "{out}");

    let out = k.run(&["api-versions"]).ok();
    for gv in ["v1", "apps/v1", "batch/v1"] {
        assert!(out.lines().contains(&gv), "no {gv}\n{out}");
    }
}

fn step_system_namespaces(k: &Kubectl) {
    let out = k.run(&w("get namespaces")).ok();
    let t = parse_table(&out.stdout);
    assert_eq!(t.columns, ["NAME", "STATUS", "AGE"], "{out}");
    for ns in SYSTEM_NAMESPACES {
        let row = t
            .row("NAME", ns)
            .unwrap_or_else(|| panic!("no namespace {ns}\n{out}"));
        assert_eq!(row["STATUS"], "Active", "{out}");
        assert!(looks_like_age(&row["AGE"]), "AGE {:?}\n{out}", row["AGE"]);
    }
}

fn step_create_namespace(k: &Kubectl) {
    let out = k.run(&w("create namespace e2e")).ok();
    assert_eq!(out.lines(), ["namespace/e2e created"], "{out}");
    let (v, out) = get_json(k, &w("get namespace e2e"));
    assert_json(&v, "/apiVersion", json!("v1"), &out);
    assert_json(&v, "/kind", json!("Namespace"), &out);
    assert_json(&v, "/metadata/name", json!("e2e"), &out);
    assert_json(
        &v,
        "/metadata/labels/kubernetes.io~1metadata.name",
        json!("e2e"),
        &out,
    );
    assert_json(&v, "/status/phase", json!("Active"), &out);
    assert_json(&v, "/spec/finalizers", json!(["kubernetes"]), &out);
    for field in ["uid", "resourceVersion", "creationTimestamp"] {
        assert!(
            v["metadata"][field].as_str().is_some_and(|s| !s.is_empty()),
            "metadata.{field} is missing\n{out}"
        );
    }
    let ts = v["metadata"]["creationTimestamp"].as_str().unwrap_or("");
    assert!(
        ts.len() == 20 && ts.ends_with('Z') && ts.as_bytes()[10] == b'T',
        "creationTimestamp {ts:?} is not RFC 3339 in seconds\n{out}"
    );
}

fn step_create_configmap(k: &Kubectl) {
    let out = k
        .run(&[
            "-n",
            "e2e",
            "create",
            "configmap",
            "cm1",
            "--from-literal=a=1",
            "--from-literal=b=two words",
        ])
        .ok();
    assert_eq!(out.lines(), ["configmap/cm1 created"], "{out}");
    let (v, out) = get_json(k, &w("-n e2e get configmap cm1"));
    assert_json(&v, "/apiVersion", json!("v1"), &out);
    assert_json(&v, "/kind", json!("ConfigMap"), &out);
    assert_json(&v, "/metadata/namespace", json!("e2e"), &out);
    assert_json(&v, "/data", json!({"a": "1", "b": "two words"}), &out);

    // The namespace in the kubeconfig's context is "default".
    let out = k
        .run(&w("create configmap in-default --from-literal=x=y"))
        .ok();
    assert_eq!(out.lines(), ["configmap/in-default created"], "{out}");
    let (v, out) = get_json(k, &w("-n default get configmap in-default"));
    assert_json(&v, "/metadata/namespace", json!("default"), &out);
}

fn step_create_secret(k: &Kubectl) {
    let out = k
        .run(&w(
            "-n e2e create secret generic s1 --from-literal=password=hunter2",
        ))
        .ok();
    assert_eq!(out.lines(), ["secret/s1 created"], "{out}");
    let (v, out) = get_json(k, &w("-n e2e get secret s1"));
    assert_json(&v, "/kind", json!("Secret"), &out);
    assert_json(&v, "/type", json!("Opaque"), &out);
    assert_json(&v, "/data", json!({"password": "aHVudGVyMg=="}), &out);

    let out = k
        .run(&w("-n e2e create secret generic basic --type=kubernetes.io/basic-auth --from-literal=username=u --from-literal=password=p"))
        .ok();
    assert_eq!(out.lines(), ["secret/basic created"], "{out}");
    let out = k
        .run(&w("-n e2e get secret basic -o jsonpath={.type}"))
        .ok();
    assert_eq!(out.stdout, "kubernetes.io/basic-auth", "{out}");
}

fn step_create_serviceaccount(k: &Kubectl) {
    let out = k.run(&w("-n e2e create serviceaccount sa1")).ok();
    assert_eq!(out.lines(), ["serviceaccount/sa1 created"], "{out}");
    let (v, out) = get_json(k, &w("-n e2e get serviceaccount sa1"));
    assert_json(&v, "/kind", json!("ServiceAccount"), &out);
    assert_json(&v, "/metadata/name", json!("sa1"), &out);
}

fn step_create_deployment(k: &Kubectl) {
    let out = k
        .run(&w(
            "-n e2e create deployment web --image=nginx:1.27 --replicas=2",
        ))
        .ok();
    assert_eq!(out.lines(), ["deployment.apps/web created"], "{out}");
    let (v, out) = get_json(k, &w("-n e2e get deployment web"));
    assert_json(&v, "/apiVersion", json!("apps/v1"), &out);
    assert_json(&v, "/kind", json!("Deployment"), &out);
    assert_json(&v, "/metadata/generation", json!(1), &out);
    assert_json(&v, "/metadata/labels", json!({"app": "web"}), &out);
    assert_json(&v, "/spec/replicas", json!(2), &out);
    assert_json(
        &v,
        "/spec/selector",
        json!({"matchLabels": {"app": "web"}}),
        &out,
    );
    assert_json(
        &v,
        "/spec/template/metadata/labels",
        json!({"app": "web"}),
        &out,
    );
    assert_json(
        &v,
        "/spec/template/spec/containers/0/name",
        json!("nginx"),
        &out,
    );
    assert_json(
        &v,
        "/spec/template/spec/containers/0/image",
        json!("nginx:1.27"),
        &out,
    );
    // The defaults that the real API server fills in.
    assert_json(&v, "/spec/strategy/type", json!("RollingUpdate"), &out);
    assert_json(
        &v,
        "/spec/strategy/rollingUpdate",
        json!({"maxSurge": "25%", "maxUnavailable": "25%"}),
        &out,
    );
    assert_json(&v, "/spec/revisionHistoryLimit", json!(10), &out);
    assert_json(&v, "/spec/progressDeadlineSeconds", json!(600), &out);
    assert_json(
        &v,
        "/spec/template/spec/restartPolicy",
        json!("Always"),
        &out,
    );
    assert_json(
        &v,
        "/spec/template/spec/dnsPolicy",
        json!("ClusterFirst"),
        &out,
    );
    assert_json(
        &v,
        "/spec/template/spec/terminationGracePeriodSeconds",
        json!(30),
        &out,
    );
    assert_json(
        &v,
        "/spec/template/spec/containers/0/imagePullPolicy",
        json!("IfNotPresent"),
        &out,
    );
}

/// `kubectl create -f` as people type it: kubectl validates against the server's OpenAPI
/// schema first (1.29+ need /openapi/v3), then POSTs JSON.
fn step_create_from_file(k: &Kubectl) {
    let manifests = "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: from-file
  namespace: e2e
  labels: {source: file}
data:
  key: value
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: from-file
  namespace: e2e
spec:
  replicas: 1
  selector:
    matchLabels: {app: from-file}
  template:
    metadata:
      labels: {app: from-file}
    spec:
      containers:
      - name: main
        image: busybox:1.37
        command: [sleep, infinity]
        ports:
        - containerPort: 8080
          protocol: TCP
";
    let out = k.run_stdin(&w("create -f -"), manifests).ok();
    assert_eq!(
        out.lines(),
        [
            "configmap/from-file created",
            "deployment.apps/from-file created"
        ],
        "{out}"
    );
    let (v, out) = get_json(k, &w("-n e2e get configmap from-file"));
    assert_json(&v, "/data", json!({"key": "value"}), &out);
    assert_json(&v, "/metadata/labels", json!({"source": "file"}), &out);
    let (v, out) = get_json(k, &w("-n e2e get deployment from-file"));
    assert_json(
        &v,
        "/spec/template/spec/containers/0/command",
        json!(["sleep", "infinity"]),
        &out,
    );
    assert_json(
        &v,
        "/spec/template/spec/containers/0/ports/0/containerPort",
        json!(8080),
        &out,
    );
}

fn step_get_table(k: &Kubectl) {
    let out = k.run(&w("-n e2e get configmaps")).ok();
    let t = parse_table(&out.stdout);
    assert_eq!(t.columns, ["NAME", "DATA", "AGE"], "{out}");
    let row = t
        .row("NAME", "cm1")
        .unwrap_or_else(|| panic!("no cm1\n{out}"));
    assert_eq!(row["DATA"], "2", "{out}");
    assert!(looks_like_age(&row["AGE"]), "AGE {:?}\n{out}", row["AGE"]);

    let out = k.run(&w("-n e2e get configmap cm1")).ok();
    let t = parse_table(&out.stdout);
    assert_eq!(t.rows.len(), 1, "{out}");
    assert_eq!(t.rows[0]["NAME"], "cm1", "{out}");

    let out = k.run(&w("-n e2e get secrets")).ok();
    let t = parse_table(&out.stdout);
    assert_eq!(t.columns, ["NAME", "TYPE", "DATA", "AGE"], "{out}");
    let row = t
        .row("NAME", "s1")
        .unwrap_or_else(|| panic!("no s1\n{out}"));
    assert_eq!(row["TYPE"], "Opaque", "{out}");
    assert_eq!(row["DATA"], "1", "{out}");

    let out = k.run(&w("-n e2e get serviceaccounts")).ok();
    let t = parse_table(&out.stdout);
    assert_eq!(t.columns, ["NAME", "SECRETS", "AGE"], "{out}");
    let row = t
        .row("NAME", "sa1")
        .unwrap_or_else(|| panic!("no sa1\n{out}"));
    assert_eq!(row["SECRETS"], "0", "{out}");

    let out = k.run(&w("-n e2e get deployments")).ok();
    let t = parse_table(&out.stdout);
    assert_eq!(
        t.columns,
        ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
        "{out}"
    );
    let row = t
        .row("NAME", "web")
        .unwrap_or_else(|| panic!("no web\n{out}"));
    assert_eq!(row["READY"], "0/2", "{out}");
    assert_eq!(row["UP-TO-DATE"], "0", "{out}");
    assert_eq!(row["AVAILABLE"], "0", "{out}");

    // Several kinds at once: one table per kind, each headed by its own columns.
    let out = k.run(&w("-n e2e get configmap/cm1 deployment/web")).ok();
    assert_contains(&out, &out.stdout, "configmap/cm1");
    assert_contains(&out, &out.stdout, "deployment.apps/web");

    let out = k.run(&w("-n empty-ns-nobody-made get configmaps")).ok();
    assert_eq!(out.stdout, "", "{out}");
    assert_line(
        &out,
        &out.stderr,
        "No resources found in empty-ns-nobody-made namespace.",
    );
}

fn step_get_wide(k: &Kubectl) {
    let out = k.run(&w("-n e2e get deployments -o wide")).ok();
    let t = parse_table(&out.stdout);
    assert_eq!(
        t.columns,
        [
            "NAME",
            "READY",
            "UP-TO-DATE",
            "AVAILABLE",
            "AGE",
            "CONTAINERS",
            "IMAGES",
            "SELECTOR"
        ],
        "{out}"
    );
    let row = t
        .row("NAME", "web")
        .unwrap_or_else(|| panic!("no web\n{out}"));
    assert_eq!(row["CONTAINERS"], "nginx", "{out}");
    assert_eq!(row["IMAGES"], "nginx:1.27", "{out}");
    assert_eq!(row["SELECTOR"], "app=web", "{out}");

    let out = k.run(&w("get namespaces -o wide")).ok();
    let t = parse_table(&out.stdout);
    assert_eq!(t.columns, ["NAME", "STATUS", "AGE"], "{out}");

    let out = k.run(&w("-n e2e get configmaps --show-labels")).ok();
    let t = parse_table(&out.stdout);
    assert_eq!(t.columns, ["NAME", "DATA", "AGE", "LABELS"], "{out}");
    assert_eq!(
        t.row("NAME", "cm1").map(|r| r["LABELS"].as_str()),
        Some("<none>"),
        "{out}"
    );

    let out = k.run(&w("-n e2e get deployments -L app")).ok();
    let t = parse_table(&out.stdout);
    assert_eq!(t.columns.last().map(String::as_str), Some("APP"), "{out}");
    assert_eq!(
        t.row("NAME", "web").map(|r| r["APP"].as_str()),
        Some("web"),
        "{out}"
    );
}

fn step_get_yaml(k: &Kubectl) {
    let out = k.run(&w("-n e2e get configmap cm1 -o yaml")).ok();
    let v: Value =
        serde_yaml::from_str(&out.stdout).unwrap_or_else(|e| panic!("not YAML ({e})\n{out}"));
    assert_json(&v, "/apiVersion", json!("v1"), &out);
    assert_json(&v, "/kind", json!("ConfigMap"), &out);
    assert_json(&v, "/metadata/name", json!("cm1"), &out);
    assert_json(&v, "/metadata/namespace", json!("e2e"), &out);
    assert_json(&v, "/data/a", json!("1"), &out);

    let out = k.run(&w("-n e2e get deployment web -o yaml")).ok();
    let v: Value =
        serde_yaml::from_str(&out.stdout).unwrap_or_else(|e| panic!("not YAML ({e})\n{out}"));
    assert_json(&v, "/kind", json!("Deployment"), &out);
    assert_json(&v, "/spec/replicas", json!(2), &out);

    let out = k.run(&w("-n e2e get configmaps -o yaml")).ok();
    let v: Value =
        serde_yaml::from_str(&out.stdout).unwrap_or_else(|e| panic!("not YAML ({e})\n{out}"));
    assert_json(&v, "/kind", json!("List"), &out);
    let items = v["items"].as_array().cloned().unwrap_or_default();
    assert!(
        items.iter().any(|i| i["metadata"]["name"] == "cm1"),
        "no cm1 in the list\n{out}"
    );
}

fn step_get_json(k: &Kubectl) {
    let (v, out) = get_json(k, &w("-n e2e get configmaps"));
    assert_json(&v, "/kind", json!("List"), &out);
    assert_json(&v, "/apiVersion", json!("v1"), &out);
    let items = v["items"].as_array().cloned().unwrap_or_default();
    let cm1 = items
        .iter()
        .find(|i| i["metadata"]["name"] == "cm1")
        .unwrap_or_else(|| panic!("no cm1\n{out}"));
    assert_eq!(cm1["kind"], "ConfigMap", "{out}");
    assert_eq!(cm1["apiVersion"], "v1", "{out}");
    assert_eq!(cm1["data"]["a"], "1", "{out}");

    let out = k
        .run(&w(
            "-n e2e get configmap cm1 -o jsonpath={.metadata.name}/{.data.b}",
        ))
        .ok();
    assert_eq!(out.stdout, "cm1/two words", "{out}");
    let out = k
        .run(&w("-n e2e get deployments -o custom-columns=NAME:.metadata.name,REPLICAS:.spec.replicas,IMAGE:.spec.template.spec.containers[0].image"))
        .ok();
    let t = parse_table(&out.stdout);
    assert_eq!(t.columns, ["NAME", "REPLICAS", "IMAGE"], "{out}");
    let row = t
        .row("NAME", "web")
        .unwrap_or_else(|| panic!("no web\n{out}"));
    assert_eq!(row["REPLICAS"], "2", "{out}");
    assert_eq!(row["IMAGE"], "nginx:1.27", "{out}");
}

fn step_get_all_namespaces(k: &Kubectl) {
    let out = k.run(&w("get configmaps -A")).ok();
    let t = parse_table(&out.stdout);
    assert_eq!(t.columns, ["NAMESPACE", "NAME", "DATA", "AGE"], "{out}");
    assert!(
        t.rows
            .iter()
            .any(|r| r["NAMESPACE"] == "e2e" && r["NAME"] == "cm1" && r["DATA"] == "2"),
        "no e2e/cm1 row\n{out}"
    );
    assert!(
        t.rows
            .iter()
            .any(|r| r["NAMESPACE"] == "default" && r["NAME"] == "in-default"),
        "no default/in-default row\n{out}"
    );

    let out = k.run(&w("get deployments --all-namespaces -o wide")).ok();
    let t = parse_table(&out.stdout);
    assert_eq!(
        t.columns.first().map(String::as_str),
        Some("NAMESPACE"),
        "{out}"
    );
    assert!(
        t.rows
            .iter()
            .any(|r| r["NAMESPACE"] == "e2e" && r["NAME"] == "web" && r["IMAGES"] == "nginx:1.27"),
        "no e2e/web row\n{out}"
    );

    let (v, out) = get_json(k, &w("get configmaps -A"));
    let pairs: Vec<(String, String)> = v["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|i| {
            (
                i["metadata"]["namespace"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
                i["metadata"]["name"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert!(pairs.contains(&("e2e".into(), "cm1".into())), "{out}");
    assert!(
        pairs.contains(&("default".into(), "in-default".into())),
        "{out}"
    );
}

const SELECTOR_OBJECTS: &str = "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: l1
  namespace: sel
  labels: {tier: backend, env: prod}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: l2
  namespace: sel
  labels: {tier: frontend, env: prod}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: l3
  namespace: sel
  labels: {env: dev}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: l4
  namespace: sel
";

fn step_label_selectors(k: &Kubectl) {
    k.run(&w("create namespace sel")).ok();
    let out = create_from_yaml(k, SELECTOR_OBJECTS);
    assert_eq!(
        out.lines(),
        [
            "configmap/l1 created",
            "configmap/l2 created",
            "configmap/l3 created",
            "configmap/l4 created"
        ],
        "{out}"
    );
    let cases: [(&str, &[&str]); 9] = [
        ("tier=backend", &["l1"]),
        ("env=prod", &w("l1 l2")),
        ("env==prod", &w("l1 l2")),
        ("env=prod,tier=frontend", &["l2"]),
        ("tier in (backend,frontend)", &w("l1 l2")),
        ("env notin (dev)", &w("l1 l2 l4")),
        ("tier!=backend", &w("l2 l3 l4")),
        ("env", &w("l1 l2 l3")),
        ("!tier", &w("l3 l4")),
    ];
    for (selector, want) in cases {
        let got = names(k, &["-n", "sel", "get", "configmaps", "-l", selector]);
        let want: Vec<String> = want.iter().map(|n| format!("configmap/{n}")).collect();
        assert_eq!(got, want, "-l {selector:?}");
    }
    let out = k.run(&w("-n sel get configmaps -l tier=nothing")).ok();
    assert_eq!(out.stdout, "", "{out}");
    assert_line(&out, &out.stderr, "No resources found in sel namespace.");

    // Across namespaces too.
    let got = names(k, &w("get configmaps -A -l tier=backend"));
    assert_eq!(got, ["configmap/l1"]);
}

fn step_field_selectors(k: &Kubectl) {
    let got = names(
        k,
        &w("-n sel get configmaps --field-selector metadata.name=l2"),
    );
    assert_eq!(got, ["configmap/l2"]);
    let got = names(
        k,
        &w("-n sel get configmaps --field-selector metadata.name!=l2"),
    );
    assert_eq!(got, ["configmap/l1", "configmap/l3", "configmap/l4"]);
    let got = names(
        k,
        &w("get configmaps -A --field-selector metadata.namespace=sel"),
    );
    assert_eq!(
        got,
        [
            "configmap/l1",
            "configmap/l2",
            "configmap/l3",
            "configmap/l4"
        ]
    );
    let got = names(
        k,
        &w("-n sel get configmaps --field-selector metadata.name=l1 -l env=prod"),
    );
    assert_eq!(got, ["configmap/l1"]);
    let got = names(k, &w("get namespaces --field-selector metadata.name=sel"));
    assert_eq!(got, ["namespace/sel"]);

    let out = k
        .run(&w("-n sel get configmaps --field-selector spec.foo=bar"))
        .fails();
    assert_contains(&out, &out.stderr, "Error from server (BadRequest)");
    assert_contains(&out, &out.stderr, "spec.foo");
}

fn step_chunked_list(k: &Kubectl) {
    k.run(&w("create namespace chunk")).ok();
    let mut yaml = String::new();
    for i in 0..7 {
        yaml.push_str(&format!(
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: p{i}\n  namespace: chunk\ndata:\n  i: \"{i}\"\n"
        ));
    }
    let out = create_from_yaml(k, &yaml);
    assert_eq!(out.lines().len(), 7, "{out}");
    let want: Vec<String> = (0..7).map(|i| format!("configmap/p{i}")).collect();

    let out = k
        .run(&w("-n chunk get configmaps --chunk-size=2 -o name -v=6"))
        .ok();
    let got: Vec<&str> = out
        .lines()
        .into_iter()
        .filter(|l| *l != "configmap/kube-root-ca.crt")
        .collect();
    assert_eq!(got, want, "{out}");
    // kubectl really paged: it asked for 2 at a time and followed continue tokens.
    assert_contains(&out, &out.stderr, "limit=2");
    assert_contains(&out, &out.stderr, "continue=");

    let out = k.run(&w("-n chunk get configmaps --chunk-size=2")).ok();
    let headers = out.stdout.lines().filter(|l| l.starts_with("NAME")).count();
    assert_eq!(headers, 1, "one header for all pages\n{out}");
    let t = parse_table(&out.stdout);
    let rows: Vec<&str> = t
        .column("NAME")
        .into_iter()
        .filter(|n| *n != "kube-root-ca.crt")
        .collect();
    let want_rows: Vec<String> = (0..7).map(|i| format!("p{i}")).collect();
    assert_eq!(rows, want_rows, "{out}");

    let (v, out) = get_json(k, &w("-n chunk get configmaps --chunk-size=3"));
    let n = v["items"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|i| i["metadata"]["name"] != "kube-root-ca.crt")
                .count()
        })
        .unwrap_or(0);
    assert_eq!(n, 7, "{out}");

    let got = names(k, &w("get configmaps -A --chunk-size=2"));
    for w in &want {
        assert_eq!(
            got.iter().filter(|g| *g == w).count(),
            1,
            "{w} once in {got:?}"
        );
    }
}

fn step_label(k: &Kubectl) {
    k.run(&w("-n e2e create configmap lab1")).ok();
    let out = k.run(&w("-n e2e label configmap lab1 tier=backend")).ok();
    assert_eq!(out.lines(), ["configmap/lab1 labeled"], "{out}");
    let out = k
        .run(&w(
            "-n e2e get configmap lab1 -o jsonpath={.metadata.labels.tier}",
        ))
        .ok();
    assert_eq!(out.stdout, "backend", "{out}");

    let out = k
        .run(&w("-n e2e label configmap lab1 tier=frontend"))
        .fails();
    assert_contains(
        &out,
        &out.stderr,
        "'tier' already has a value (backend), and --overwrite is false",
    );
    let out = k
        .run(&w("-n e2e label configmap lab1 tier=frontend --overwrite"))
        .ok();
    assert_eq!(out.lines(), ["configmap/lab1 labeled"], "{out}");
    let got = names(k, &w("-n e2e get configmaps -l tier=frontend"));
    assert_eq!(got, ["configmap/lab1"]);

    let out = k.run(&w("-n e2e label configmap lab1 tier-")).ok();
    assert_eq!(out.lines(), ["configmap/lab1 unlabeled"], "{out}");
    let (v, out) = get_json(k, &w("-n e2e get configmap lab1"));
    assert!(
        v["metadata"]["labels"].get("tier").is_none(),
        "the label is still there\n{out}"
    );

    let out = k.run(&w("label namespace e2e team=e2e-team")).ok();
    assert_eq!(out.lines(), ["namespace/e2e labeled"], "{out}");
    let got = names(k, &w("get namespaces -l team=e2e-team"));
    assert_eq!(got, ["namespace/e2e"]);
}

fn step_annotate(k: &Kubectl) {
    k.run(&w("-n e2e create configmap ann1")).ok();
    let out = k
        .run(&[
            "-n",
            "e2e",
            "annotate",
            "configmap",
            "ann1",
            "owner=alice",
            "note=hello world",
        ])
        .ok();
    assert_eq!(out.lines(), ["configmap/ann1 annotated"], "{out}");
    let (v, out) = get_json(k, &w("-n e2e get configmap ann1"));
    assert_json(&v, "/metadata/annotations/owner", json!("alice"), &out);
    assert_json(&v, "/metadata/annotations/note", json!("hello world"), &out);

    let out = k
        .run(&w("-n e2e annotate configmap ann1 owner=bob"))
        .fails();
    assert_contains(&out, &out.stderr, "--overwrite is false");
    let out = k
        .run(&w("-n e2e annotate configmap ann1 owner=bob --overwrite"))
        .ok();
    assert_eq!(out.lines(), ["configmap/ann1 annotated"], "{out}");
    let out = k.run(&w("-n e2e annotate configmap ann1 owner-")).ok();
    assert_eq!(out.lines(), ["configmap/ann1 annotated"], "{out}");
    let (v, out) = get_json(k, &w("-n e2e get configmap ann1"));
    assert!(
        v.pointer("/metadata/annotations/owner").is_none(),
        "owner is still there\n{out}"
    );
    assert_json(&v, "/metadata/annotations/note", json!("hello world"), &out);
}

fn step_scale(k: &Kubectl) {
    let out = k.run(&w("-n e2e scale deployment web --replicas=3")).ok();
    assert_eq!(out.lines(), ["deployment.apps/web scaled"], "{out}");
    let (v, out) = get_json(k, &w("-n e2e get deployment web"));
    assert_json(&v, "/spec/replicas", json!(3), &out);
    assert_json(&v, "/metadata/generation", json!(2), &out);
    let out = k.run(&w("-n e2e get deployment web")).ok();
    let t = parse_table(&out.stdout);
    assert_eq!(
        t.row("NAME", "web").map(|r| r["READY"].as_str()),
        Some("0/3"),
        "{out}"
    );

    // The precondition is checked against the scale subresource.
    let out = k
        .run(&w(
            "-n e2e scale deployment web --current-replicas=5 --replicas=4",
        ))
        .fails();
    assert_contains(&out, &out.stderr, "Expected replicas to be 5, was 3");
    let out = k
        .run(&w(
            "-n e2e scale deployment/web --current-replicas=3 --replicas=3",
        ))
        .ok();
    assert_eq!(out.lines(), ["deployment.apps/web scaled"], "{out}");
}

fn step_patch(k: &Kubectl) {
    k.run(&w("-n e2e create deployment patchme --image=busybox:1.36"))
        .ok();
    // Strategic merge: the container list merges by name.
    let out = k
        .run(&[
            "-n",
            "e2e",
            "patch",
            "deployment",
            "patchme",
            "-p",
            r#"{"spec":{"template":{"spec":{"containers":[{"name":"busybox","image":"busybox:1.37"}]}}}}"#,
        ])
        .ok();
    assert_eq!(out.lines(), ["deployment.apps/patchme patched"], "{out}");
    let (v, out) = get_json(k, &w("-n e2e get deployment patchme"));
    let containers = v["spec"]["template"]["spec"]["containers"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(containers.len(), 1, "{out}");
    assert_eq!(containers[0]["image"], "busybox:1.37", "{out}");
    assert_eq!(containers[0]["name"], "busybox", "{out}");

    // The same patch again changes nothing.
    let out = k
        .run(&[
            "-n",
            "e2e",
            "patch",
            "deployment",
            "patchme",
            "-p",
            r#"{"spec":{"template":{"spec":{"containers":[{"name":"busybox","image":"busybox:1.37"}]}}}}"#,
        ])
        .ok();
    assert_eq!(
        out.lines(),
        ["deployment.apps/patchme patched (no change)"],
        "{out}"
    );

    // JSON patch.
    let out = k
        .run(&[
            "-n",
            "e2e",
            "patch",
            "deployment",
            "patchme",
            "--type=json",
            "-p",
            r#"[{"op":"replace","path":"/spec/replicas","value":4},{"op":"add","path":"/metadata/labels/patched","value":"json"}]"#,
        ])
        .ok();
    assert_eq!(out.lines(), ["deployment.apps/patchme patched"], "{out}");
    let (v, out) = get_json(k, &w("-n e2e get deployment patchme"));
    assert_json(&v, "/spec/replicas", json!(4), &out);
    assert_json(&v, "/metadata/labels/patched", json!("json"), &out);

    // A JSON patch whose test fails is refused and changes nothing.
    let out = k
        .run(&[
            "-n",
            "e2e",
            "patch",
            "deployment",
            "patchme",
            "--type=json",
            "-p",
            r#"[{"op":"test","path":"/spec/replicas","value":99},{"op":"replace","path":"/spec/replicas","value":5}]"#,
        ])
        .fails();
    assert_contains(&out, &out.stderr, "The request is invalid");
    let out = k
        .run(&w(
            "-n e2e get deployment patchme -o jsonpath={.spec.replicas}",
        ))
        .ok();
    assert_eq!(out.stdout, "4", "{out}");

    // Merge patch with null removes a key.
    k.run(&w(
        "-n e2e create configmap mp --from-literal=a=1 --from-literal=b=2",
    ))
    .ok();
    let out = k
        .run(&[
            "-n",
            "e2e",
            "patch",
            "configmap",
            "mp",
            "--type=merge",
            "-p",
            r#"{"data":{"a":null,"c":"3"}}"#,
        ])
        .ok();
    assert_eq!(out.lines(), ["configmap/mp patched"], "{out}");
    let (v, out) = get_json(k, &w("-n e2e get configmap mp"));
    assert_json(&v, "/data", json!({"b": "2", "c": "3"}), &out);

    let out = k
        .run(&[
            "-n",
            "e2e",
            "patch",
            "configmap",
            "nope",
            "--type=merge",
            "-p",
            r#"{"data":{"a":"1"}}"#,
        ])
        .fails();
    assert_line(
        &out,
        &out.stderr,
        r#"Error from server (NotFound): configmaps "nope" not found"#,
    );
}

fn step_replace(k: &Kubectl) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    k.run(&w("-n e2e create configmap rep1 --from-literal=a=1"))
        .ok();
    k.run(&w("-n e2e label configmap rep1 keep=no")).ok();
    let (old, _) = get_json(k, &w("-n e2e get configmap rep1"));

    let file = write_file(
        dir.path(),
        "rep1.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: rep1\n  namespace: e2e\ndata:\n  a: changed\n",
    );
    let out = k.run(&["replace", "--validate=false", "-f", &file]).ok();
    assert_eq!(out.lines(), ["configmap/rep1 replaced"], "{out}");
    let (new, out) = get_json(k, &w("-n e2e get configmap rep1"));
    assert_json(&new, "/data", json!({"a": "changed"}), &out);
    assert!(
        new["metadata"]["labels"].get("keep").is_none(),
        "replace keeps labels the file does not have\n{out}"
    );
    assert_eq!(new["metadata"]["uid"], old["metadata"]["uid"], "{out}");
    assert_eq!(
        new["metadata"]["creationTimestamp"], old["metadata"]["creationTimestamp"],
        "{out}"
    );
    assert_ne!(
        new["metadata"]["resourceVersion"], old["metadata"]["resourceVersion"],
        "{out}"
    );

    // A stale resourceVersion in the file is a conflict.
    let stale = write_file(
        dir.path(),
        "stale.yaml",
        &format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: rep1\n  namespace: e2e\n  resourceVersion: \"{}\"\ndata:\n  a: stale\n",
            old["metadata"]["resourceVersion"].as_str().unwrap_or("1")
        ),
    );
    let out = k
        .run(&["replace", "--validate=false", "-f", &stale])
        .fails();
    assert_contains(&out, &out.stderr, "Error from server (Conflict)");
    assert_contains(
        &out,
        &out.stderr,
        r#"Operation cannot be fulfilled on configmaps "rep1": the object has been modified; please apply your changes to the latest version and try again"#,
    );

    let ghost = write_file(
        dir.path(),
        "ghost.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ghost\n  namespace: e2e\ndata:\n  a: b\n",
    );
    let out = k
        .run(&["replace", "--validate=false", "-f", &ghost])
        .fails();
    assert_line(
        &out,
        &out.stderr,
        &format!(
            r#"Error from server (NotFound): error when replacing "{ghost}": configmaps "ghost" not found"#
        ),
    );

    // The deployment through replace: the server bumps generation.
    let (mut dep, _) = get_json(k, &w("-n e2e get deployment web"));
    let generation = dep["metadata"]["generation"].as_i64().unwrap_or(0);
    dep["spec"]["template"]["spec"]["containers"][0]["image"] = json!("nginx:1.28");
    let file = write_file(dir.path(), "web.json", &dep.to_string());
    let out = k.run(&["replace", "--validate=false", "-f", &file]).ok();
    assert_eq!(out.lines(), ["deployment.apps/web replaced"], "{out}");
    let (v, out) = get_json(k, &w("-n e2e get deployment web"));
    assert_json(
        &v,
        "/spec/template/spec/containers/0/image",
        json!("nginx:1.28"),
        &out,
    );
    assert_json(&v, "/metadata/generation", json!(generation + 1), &out);
}

fn step_delete(k: &Kubectl) {
    k.run(&w("-n e2e create configmap del1")).ok();
    let out = k.run(&w("-n e2e delete configmap del1")).ok();
    assert_eq!(
        out.lines(),
        [deleted_line(k, "configmap", "del1", Some("e2e")).as_str()],
        "{out}"
    );
    let out = k.run(&w("-n e2e get configmap del1")).fails();
    assert_line(
        &out,
        &out.stderr,
        r#"Error from server (NotFound): configmaps "del1" not found"#,
    );
    let out = k.run(&w("-n e2e delete configmap del1")).fails();
    assert_line(
        &out,
        &out.stderr,
        r#"Error from server (NotFound): configmaps "del1" not found"#,
    );
    let out = k
        .run(&w("-n e2e delete configmap del1 --ignore-not-found"))
        .ok();
    assert_eq!(out.stdout, "", "{out}");

    // By label selector.
    let yaml = "\
apiVersion: v1
kind: ConfigMap
metadata: {name: d1, namespace: e2e, labels: {grp: del}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: d2, namespace: e2e, labels: {grp: del}}
";
    create_from_yaml(k, yaml);
    let out = k.run(&w("-n e2e delete configmaps -l grp=del")).ok();
    assert_eq!(
        out.lines(),
        [
            deleted_line(k, "configmap", "d1", Some("e2e")).as_str(),
            deleted_line(k, "configmap", "d2", Some("e2e")).as_str()
        ],
        "{out}"
    );
    let out = k.run(&w("-n e2e get configmaps -l grp=del")).ok();
    assert_eq!(out.stdout, "", "{out}");
    assert_line(&out, &out.stderr, "No resources found in e2e namespace.");

    // A deployment (an apps/v1 object) and a cluster-scoped object.
    k.run(&w("-n e2e create deployment gone --image=nginx"))
        .ok();
    let out = k.run(&w("-n e2e delete deployment gone")).ok();
    assert_eq!(
        out.lines(),
        [deleted_line(k, "deployment.apps", "gone", Some("e2e")).as_str()],
        "{out}"
    );
    let out = k.run(&w("-n e2e get deployment gone")).fails();
    assert_line(
        &out,
        &out.stderr,
        r#"Error from server (NotFound): deployments.apps "gone" not found"#,
    );
}

fn finalized(name: &str) -> String {
    format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: e2e\n  finalizers: [kubicle.dev/e2e-hold]\ndata:\n  a: \"1\"\n"
    )
}

fn step_delete_with_finalizer(k: &Kubectl) {
    let out = create_from_yaml(k, &finalized("fin1"));
    assert_eq!(out.lines(), ["configmap/fin1 created"], "{out}");
    let out = k.run(&w("-n e2e delete configmap fin1 --wait=false")).ok();
    assert_eq!(
        out.lines(),
        [deleted_line(k, "configmap", "fin1", Some("e2e")).as_str()],
        "{out}"
    );
    // Still there, marked for deletion, finalizer kept.
    let (v, out) = get_json(k, &w("-n e2e get configmap fin1"));
    assert!(
        v["metadata"]["deletionTimestamp"].is_string(),
        "no deletionTimestamp\n{out}"
    );
    assert_json(&v, "/metadata/deletionGracePeriodSeconds", json!(0), &out);
    assert_json(
        &v,
        "/metadata/finalizers",
        json!(["kubicle.dev/e2e-hold"]),
        &out,
    );
    let out = k.run(&w("-n e2e get configmap fin1")).ok();
    assert_eq!(parse_table(&out.stdout).column("NAME"), ["fin1"], "{out}");

    let mut waiter = k.spawn(&w("-n e2e wait --for=delete configmap/fin1 --timeout=30s"));
    thread::sleep(Duration::from_millis(700));
    assert!(
        waiter.is_running(),
        "wait --for=delete returned while the finalizer holds the object\n{}",
        waiter.kill()
    );
    let out = k
        .run(&[
            "-n",
            "e2e",
            "patch",
            "configmap",
            "fin1",
            "--type=merge",
            "-p",
            r#"{"metadata":{"finalizers":null}}"#,
        ])
        .ok();
    assert_eq!(out.lines(), ["configmap/fin1 patched"], "{out}");
    let out = waiter.wait(Duration::from_secs(35)).ok();
    assert_eq!(out.lines(), ["configmap/fin1 condition met"], "{out}");
    let out = k.run(&w("-n e2e get configmap fin1")).fails();
    assert_line(
        &out,
        &out.stderr,
        r#"Error from server (NotFound): configmaps "fin1" not found"#,
    );

    // A plain `kubectl delete` waits until the finalizer is gone.
    create_from_yaml(k, &finalized("fin2"));
    let mut deleter = k.spawn(&w("-n e2e delete configmap fin2"));
    thread::sleep(Duration::from_millis(1000));
    assert!(
        deleter.is_running(),
        "delete returned while the finalizer holds the object\n{}",
        deleter.kill()
    );
    k.run(&[
        "-n",
        "e2e",
        "patch",
        "configmap",
        "fin2",
        "--type=json",
        "-p",
        r#"[{"op":"remove","path":"/metadata/finalizers"}]"#,
    ])
    .ok();
    let out = deleter.wait(Duration::from_secs(35)).ok();
    assert_eq!(
        out.lines(),
        [deleted_line(k, "configmap", "fin2", Some("e2e")).as_str()],
        "{out}"
    );
    k.run(&w("-n e2e get configmap fin2")).fails();
}

fn step_watch(k: &Kubectl) {
    k.run(&w("create namespace watch")).ok();
    k.run(&w("-n watch create configmap w0 --from-literal=k=v"))
        .ok();

    // List-then-watch of a namespace, as events.
    let mut watch = k.spawn(&w(
        "-n watch get configmaps -w --output-watch-events -o json",
    ));
    let seen = watch.wait_until(WATCH_TIMEOUT, |s| has_event(s, "ADDED", "w0"));
    assert!(seen, "no ADDED w0 from the initial list\n{}", watch.kill());
    k.run(&w("-n watch create configmap w1 --from-literal=k=v"))
        .ok();
    let seen = watch.wait_until(WATCH_TIMEOUT, |s| has_event(s, "ADDED", "w1"));
    assert!(seen, "no ADDED w1\n{}", watch.kill());
    k.run(&w("-n watch label configmap w1 x=y")).ok();
    let seen = watch.wait_until(WATCH_TIMEOUT, |s| {
        json_stream(s).iter().any(|e| {
            e["type"] == "MODIFIED"
                && e["object"]["metadata"]["name"] == "w1"
                && e["object"]["metadata"]["labels"]["x"] == "y"
        })
    });
    assert!(seen, "no MODIFIED w1 with the label\n{}", watch.kill());
    k.run(&w("-n watch delete configmap w1")).ok();
    let seen = watch.wait_until(WATCH_TIMEOUT, |s| has_event(s, "DELETED", "w1"));
    assert!(seen, "no DELETED w1\n{}", watch.kill());
    let out = watch.kill();
    let events = events_of(&out.stdout);
    let w1: Vec<&str> = events
        .iter()
        .filter(|(_, n)| n == "w1")
        .map(|(t, _)| t.as_str())
        .collect();
    assert_eq!(w1, ["ADDED", "MODIFIED", "DELETED"], "{out}");
    assert!(
        !events.iter().any(|(t, _)| t == "ERROR"),
        "an ERROR event\n{out}"
    );

    // Watch of one named object.
    let mut watch = k.spawn(&w(
        "-n watch get configmap w0 -w --output-watch-events -o json",
    ));
    let seen = watch.wait_until(WATCH_TIMEOUT, |s| has_event(s, "ADDED", "w0"));
    assert!(seen, "no ADDED w0 for the named watch\n{}", watch.kill());
    k.run(&w("-n watch annotate configmap w0 seen=yes")).ok();
    k.run(&w("-n watch create configmap other")).ok();
    let seen = watch.wait_until(WATCH_TIMEOUT, |s| has_event(s, "MODIFIED", "w0"));
    assert!(seen, "no MODIFIED w0 for the named watch\n{}", watch.kill());
    thread::sleep(Duration::from_millis(300));
    let out = watch.kill();
    assert!(
        !has_event(&out.stdout, "ADDED", "other"),
        "the named watch saw another object\n{out}"
    );

    // The table watch people type: header, the existing rows, then a row per change.
    let mut watch = k.spawn(&w("-n watch get configmaps -w"));
    let seen = watch.wait_until(WATCH_TIMEOUT, |s| {
        s.lines().any(|l| l.split_whitespace().next() == Some("w0"))
    });
    assert!(seen, "no w0 row\n{}", watch.kill());
    k.run(&w("-n watch create configmap w2 --from-literal=a=b"))
        .ok();
    let seen = watch.wait_until(WATCH_TIMEOUT, |s| {
        s.lines().any(|l| l.split_whitespace().next() == Some("w2"))
    });
    let out = watch.kill();
    assert!(seen, "no w2 row\n{out}");
    let header: Vec<&str> = out
        .stdout
        .lines()
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    assert_eq!(header, ["NAME", "DATA", "AGE"], "{out}");
    let w2: Vec<&str> = out
        .stdout
        .lines()
        .find(|l| l.starts_with("w2 "))
        .unwrap_or("")
        .split_whitespace()
        .collect();
    assert_eq!(w2.get(1), Some(&"1"), "w2's DATA column\n{out}");
}

fn step_wait(k: &Kubectl) {
    k.run(&w("-n e2e create configmap wt --from-literal=a=x"))
        .ok();
    let mut waiter = k.spawn(&w(
        "-n e2e wait --for=jsonpath={.data.a}=b configmap/wt --timeout=30s",
    ));
    thread::sleep(Duration::from_millis(700));
    assert!(
        waiter.is_running(),
        "wait returned before the condition held\n{}",
        waiter.kill()
    );
    let out = k
        .run(&[
            "-n",
            "e2e",
            "patch",
            "configmap",
            "wt",
            "--type=merge",
            "-p",
            r#"{"data":{"a":"b"}}"#,
        ])
        .ok();
    assert_eq!(out.lines(), ["configmap/wt patched"], "{out}");
    let out = waiter.wait(Duration::from_secs(35)).ok();
    assert_eq!(out.lines(), ["configmap/wt condition met"], "{out}");

    // Already true: returns at once.
    let started = Instant::now();
    let out = k
        .run(&w(
            "-n e2e wait --for=jsonpath={.data.a}=b configmap/wt --timeout=10s",
        ))
        .ok();
    assert_eq!(out.lines(), ["configmap/wt condition met"], "{out}");
    assert!(started.elapsed() < Duration::from_secs(5), "{out}");

    // Never true: times out with kubectl's message.
    let out = k
        .run(&w(
            "-n e2e wait --for=jsonpath={.data.a}=never configmap/wt --timeout=2s",
        ))
        .fails();
    assert_contains(
        &out,
        &out.stderr,
        "timed out waiting for the condition on configmaps/wt",
    );

    let mut waiter = k.spawn(&w("-n e2e wait --for=delete configmap/wt --timeout=30s"));
    thread::sleep(Duration::from_millis(700));
    assert!(
        waiter.is_running(),
        "wait --for=delete returned while the object exists\n{}",
        waiter.kill()
    );
    k.run(&w("-n e2e delete configmap wt")).ok();
    let out = waiter.wait(Duration::from_secs(35)).ok();
    assert_eq!(out.lines(), ["configmap/wt condition met"], "{out}");
}

/// Client-side apply: create, unchanged, configured, and the last-applied annotation.
fn step_apply(k: &Kubectl) {
    let manifest = |value: &str| {
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n  namespace: e2e\ndata:\n  a: \"{value}\"\n"
        )
    };
    let out = k.run_stdin(&w("apply -f -"), &manifest("1")).ok();
    assert_eq!(out.lines(), ["configmap/applied created"], "{out}");
    let out = k.run_stdin(&w("apply -f -"), &manifest("1")).ok();
    assert_eq!(out.lines(), ["configmap/applied unchanged"], "{out}");
    let out = k.run_stdin(&w("apply -f -"), &manifest("2")).ok();
    assert_eq!(out.lines(), ["configmap/applied configured"], "{out}");
    let (v, out) = get_json(k, &w("-n e2e get configmap applied"));
    assert_json(&v, "/data", json!({"a": "2"}), &out);
    let last = v
        .pointer("/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration")
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no last-applied-configuration annotation\n{out}"));
    let last: Value = serde_json::from_str(last).expect("the annotation is JSON");
    assert_eq!(last["data"], json!({"a": "2"}), "{out}");
}

/// Server-side apply: managed fields, conflicts between managers, --force-conflicts.
fn step_apply_server_side(k: &Kubectl) {
    let ssa = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\n  namespace: e2e\ndata:\n  k: v\n";
    let out = k.run_stdin(&w("apply --server-side -f -"), ssa).ok();
    assert_eq!(out.lines(), ["configmap/ssa serverside-applied"], "{out}");
    let (v, out) = get_json(k, &w("-n e2e get configmap ssa --show-managed-fields"));
    assert_json(&v, "/data", json!({"k": "v"}), &out);
    let managers = v["metadata"]["managedFields"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        managers
            .iter()
            .any(|m| m["manager"] == "kubectl" && m["operation"] == "Apply"),
        "no Apply entry for kubectl in managedFields\n{out}"
    );
    // Another manager changing an owned field conflicts unless forced.
    let other = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\n  namespace: e2e\ndata:\n  k: other\n";
    let out = k
        .run_stdin(
            &w("apply --server-side --field-manager=intruder -f -"),
            other,
        )
        .fails();
    assert_contains(&out, &out.stderr, "conflict");
    assert_contains(&out, &out.stderr, "conflict with \"kubectl\"");
    assert_contains(&out, &out.stderr, ".data.k");
    let out = k
        .run_stdin(
            &w("apply --server-side --field-manager=intruder --force-conflicts -f -"),
            other,
        )
        .ok();
    assert_eq!(out.lines(), ["configmap/ssa serverside-applied"], "{out}");
    let out = k
        .run(&[
            "-n",
            "e2e",
            "get",
            "configmap",
            "ssa",
            "-o",
            "jsonpath={.data.k}",
        ])
        .ok();
    assert_eq!(out.stdout, "other", "{out}");
    let (v, out) = get_json(k, &w("-n e2e get configmap ssa --show-managed-fields"));
    let owner_of_k = |m: &Value| m["fieldsV1"].pointer("/f:data/f:k").is_some();
    let managers = v["metadata"]["managedFields"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let owners: Vec<&str> = managers
        .iter()
        .filter(|m| owner_of_k(m))
        .filter_map(|m| m["manager"].as_str())
        .collect();
    assert_eq!(owners, ["intruder"], "forcing takes ownership\n{out}");
    // The first manager no longer applying a field it shares removes only its ownership.
    let dropped = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\n  namespace: e2e\ndata:\n  extra: e\n";
    k.run_stdin(&w("apply --server-side -f -"), dropped).ok();
    let (v, out) = get_json(k, &w("-n e2e get configmap ssa"));
    assert_json(&v, "/data", json!({"k": "other", "extra": "e"}), &out);
    // Server-side apply creates a Deployment and merges its containers by name.
    let deployment = |containers: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ssa-web\n  namespace: e2e\nspec:\n  selector:\n    matchLabels: {{app: ssa-web}}\n  template:\n    metadata:\n      labels: {{app: ssa-web}}\n    spec:\n      containers:\n{containers}"
        )
    };
    let two = "      - {name: a, image: nginx}\n      - {name: b, image: busybox}\n";
    let out = k
        .run_stdin(&w("apply --server-side -f -"), &deployment(two))
        .ok();
    assert_eq!(
        out.lines(),
        ["deployment.apps/ssa-web serverside-applied"],
        "{out}"
    );
    let one = "      - {name: a, image: nginx:2}\n";
    k.run_stdin(&w("apply --server-side -f -"), &deployment(one))
        .ok();
    let (v, out) = get_json(k, &w("-n e2e get deployment ssa-web"));
    let containers = v["spec"]["template"]["spec"]["containers"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(containers.len(), 1, "{out}");
    assert_eq!(containers[0]["image"], "nginx:2", "{out}");
    k.run(&w("-n e2e delete deployment ssa-web")).ok();
}

/// `apply --server-side` of an object created by client-side apply takes its fields over
/// without conflicts, and client-side apply still works afterwards.
fn step_apply_client_to_server_side(k: &Kubectl) {
    let manifest = |replicas: u32, image: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: migrated\n  namespace: e2e\n  labels: {{app: migrated}}\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels: {{app: migrated}}\n  template:\n    metadata:\n      labels: {{app: migrated}}\n    spec:\n      containers:\n      - name: a\n        image: {image}\n        env: [{{name: E, value: \"1\"}}]\n"
        )
    };
    let out = k.run_stdin(&w("apply -f -"), &manifest(2, "nginx:1")).ok();
    assert_eq!(out.lines(), ["deployment.apps/migrated created"], "{out}");
    let out = k
        .run_stdin(&w("apply --server-side -f -"), &manifest(3, "nginx:2"))
        .ok();
    assert_eq!(
        out.lines(),
        ["deployment.apps/migrated serverside-applied"],
        "{out}"
    );
    let (v, out) = get_json(
        k,
        &w("-n e2e get deployment migrated --show-managed-fields"),
    );
    assert_json(&v, "/spec/replicas", json!(3), &out);
    assert_json(
        &v,
        "/spec/template/spec/containers/0/image",
        json!("nginx:2"),
        &out,
    );
    assert_json(
        &v,
        "/spec/strategy/rollingUpdate",
        json!({"maxSurge": "25%", "maxUnavailable": "25%"}),
        &out,
    );
    let managers: Vec<String> = v["metadata"]["managedFields"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|m| {
            format!(
                "{}/{}",
                m["manager"].as_str().unwrap_or(""),
                m["operation"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert!(
        managers.contains(&"kubectl/Apply".to_string()),
        "{managers:?}\n{out}"
    );
    let out = k.run_stdin(&w("apply -f -"), &manifest(1, "nginx:3")).ok();
    assert_eq!(
        out.lines(),
        ["deployment.apps/migrated configured"],
        "{out}"
    );
    let (v, out) = get_json(k, &w("-n e2e get deployment migrated"));
    assert_json(&v, "/spec/replicas", json!(1), &out);
    k.run(&w("-n e2e delete deployment migrated")).ok();
}

/// `diff` asks the server for the would-be object with dryRun=All: exit 1 while different,
/// 0 once applied, and nothing is stored by it.
fn step_diff(k: &Kubectl) {
    let manifest = |value: &str| {
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: diffed\n  namespace: e2e\ndata:\n  a: \"{value}\"\n"
        )
    };
    // A new object: the whole object is the difference, and it is not created.
    let out = k.run_stdin(&w("diff -f -"), &manifest("1"));
    assert_eq!(out.code, Some(1), "{out}");
    assert_contains(&out, &out.stdout, "+  a: \"1\"");
    k.run(&w("-n e2e get configmap diffed")).fails();
    k.run_stdin(&w("apply -f -"), &manifest("1")).ok();
    let out = k.run_stdin(&w("diff -f -"), &manifest("1"));
    assert_eq!(out.code, Some(0), "{out}");
    let before = k
        .run(&w(
            "-n e2e get configmap diffed -o jsonpath={.metadata.resourceVersion}",
        ))
        .ok()
        .stdout;
    let out = k.run_stdin(&w("diff -f -"), &manifest("2"));
    assert_eq!(out.code, Some(1), "{out}");
    assert_contains(&out, &out.stdout, "-  a: \"1\"");
    assert_contains(&out, &out.stdout, "+  a: \"2\"");
    let out = k.run_stdin(&w("diff --server-side -f -"), &manifest("2"));
    assert_eq!(out.code, Some(1), "{out}");
    let after = k
        .run(&w(
            "-n e2e get configmap diffed -o jsonpath={.metadata.resourceVersion}",
        ))
        .ok()
        .stdout;
    assert_eq!(before, after, "diff stored something");
    k.run_stdin(&w("apply -f -"), &manifest("2")).ok();
    let out = k.run_stdin(&w("diff -f -"), &manifest("2"));
    assert_eq!(out.code, Some(0), "{out}");
}

/// `explain` reads the server's OpenAPI documents.
fn step_explain(k: &Kubectl) {
    let out = k.run(&w("explain configmaps")).ok();
    assert_eq!(described(&out.stdout, "KIND"), Some("ConfigMap"), "{out}");
    assert_eq!(described(&out.stdout, "VERSION"), Some("v1"), "{out}");
    assert_contains(&out, &out.stdout, "binaryData");
    let out = k.run(&w("explain deployment.spec.replicas")).ok();
    assert_eq!(described(&out.stdout, "KIND"), Some("Deployment"), "{out}");
    assert_contains(&out, &out.stdout, "replicas <integer>");
}

fn step_auth_can_i(k: &Kubectl) {
    for args in [
        &w("auth can-i create pods")[..],
        &w("auth can-i list deployments.apps -n e2e"),
        &w("auth can-i delete namespaces"),
        &w("auth can-i * *"),
    ] {
        let out = k.run(args).ok();
        assert_eq!(out.stdout.trim(), "yes", "{out}");
    }
}

fn step_describe(k: &Kubectl) {
    k.run(&w(
        "-n e2e create configmap desc --from-literal=a=1 --from-literal=b=two",
    ))
    .ok();
    let out = k.run(&w("-n e2e describe configmap desc")).ok();
    let text = &out.stdout;
    assert_eq!(described(text, "Name"), Some("desc"), "{out}");
    assert_eq!(described(text, "Namespace"), Some("e2e"), "{out}");
    assert_eq!(described(text, "Labels"), Some("<none>"), "{out}");
    assert_eq!(described(text, "Annotations"), Some("<none>"), "{out}");
    assert_contains(&out, text, "\nData\n====\n");
    assert_contains(&out, text, "a:\n----\n1\n");
    assert_contains(&out, text, "b:\n----\ntwo\n");
    assert_contains(&out, text, "\nBinaryData\n====\n");
    assert_eq!(described(text, "Events"), Some("<none>"), "{out}");
    assert_eq!(out.stderr, "", "{out}");

    k.run(&w(
        "-n e2e create deployment api --image=nginx:1.27 --replicas=2",
    ))
    .ok();
    let out = k.run(&w("-n e2e describe deployment api")).ok();
    let text = &out.stdout;
    assert_eq!(described(text, "Name"), Some("api"), "{out}");
    assert_eq!(described(text, "Namespace"), Some("e2e"), "{out}");
    assert_eq!(described(text, "Labels"), Some("app=api"), "{out}");
    assert_eq!(described(text, "Selector"), Some("app=api"), "{out}");
    assert_eq!(
        described(text, "Replicas"),
        Some("2 desired | 0 updated | 0 total | 0 available | 0 unavailable"),
        "{out}"
    );
    assert_eq!(
        described(text, "StrategyType"),
        Some("RollingUpdate"),
        "{out}"
    );
    assert_eq!(
        described(text, "RollingUpdateStrategy"),
        Some("25% max unavailable, 25% max surge"),
        "{out}"
    );
    assert_eq!(described(text, "Image"), Some("nginx:1.27"), "{out}");
    assert_contains(&out, text, "Pod Template:");
    assert_eq!(out.stderr, "", "{out}");

    let out = k.run(&w("describe namespace e2e")).ok();
    let text = &out.stdout;
    assert_eq!(described(text, "Name"), Some("e2e"), "{out}");
    assert_eq!(described(text, "Status"), Some("Active"), "{out}");
    assert_contains(&out, text, "kubernetes.io/metadata.name=e2e");
    assert_contains(&out, text, "No resource quota.");
    assert_contains(&out, text, "No LimitRange resource.");
    assert_eq!(out.stderr, "", "{out}");

    let out = k.run(&w("-n e2e describe configmap nope")).fails();
    assert_line(
        &out,
        &out.stderr,
        r#"Error from server (NotFound): configmaps "nope" not found"#,
    );
}

const RFC1123_SUBDOMAIN: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const RFC1123_LABEL: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";

fn step_errors_not_found(k: &Kubectl) {
    for (args, line) in [
        (
            &w("-n e2e get configmap nope")[..],
            r#"Error from server (NotFound): configmaps "nope" not found"#,
        ),
        (
            &w("-n e2e get deployment nope"),
            r#"Error from server (NotFound): deployments.apps "nope" not found"#,
        ),
        (
            &w("get namespace nope"),
            r#"Error from server (NotFound): namespaces "nope" not found"#,
        ),
        (
            // The server answers `secrets "x" not found`; kubectl then looks the namespace up
            // and reports that instead, as it does against any Kubernetes server.
            &w("-n no-such-namespace get secret x"),
            r#"Error from server (NotFound): namespaces "no-such-namespace" not found"#,
        ),
    ] {
        let out = k.run(args).fails();
        assert_eq!(out.stdout, "", "{out}");
        assert_line(&out, &out.stderr, line);
    }
}

/// AlreadyExists, through each path kubectl takes.
fn step_errors_already_exists(k: &Kubectl) {
    let out = k.run(&w("create namespace e2e")).fails();
    assert_line(
        &out,
        &out.stderr,
        r#"Error from server (AlreadyExists): namespaces "e2e" already exists"#,
    );
    let out = k.run(&w("-n e2e create configmap cm1")).fails();
    assert_line(
        &out,
        &out.stderr,
        r#"error: failed to create configmap: configmaps "cm1" already exists"#,
    );
    let out = k
        .run(&w("-n e2e create deployment web --image=nginx"))
        .fails();
    assert_line(
        &out,
        &out.stderr,
        r#"error: failed to create deployment: deployments.apps "web" already exists"#,
    );
    let out = k
        .run_stdin(
            &w("create --validate=false -f -"),
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm1, namespace: e2e}\n",
        )
        .fails();
    assert_line(
        &out,
        &out.stderr,
        r#"Error from server (AlreadyExists): error when creating "STDIN": configmaps "cm1" already exists"#,
    );
}

fn step_errors_invalid_names(k: &Kubectl) {
    let out = k.run(&w("-n e2e create configmap Bad_Name")).fails();
    assert_contains(
        &out,
        &out.stderr,
        &format!(
            r#"error: failed to create configmap: ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": {RFC1123_SUBDOMAIN}"#
        ),
    );
    let out = k
        .run_stdin(
            &w("create --validate=false -f -"),
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Bad_Name, namespace: e2e}\n",
        )
        .fails();
    assert_contains(
        &out,
        &out.stderr,
        &format!(
            r#"The ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": {RFC1123_SUBDOMAIN}"#
        ),
    );
    let out = k.run(&w("create namespace Bad.NS")).fails();
    assert_contains(
        &out,
        &out.stderr,
        &format!(
            r#"The Namespace "Bad.NS" is invalid: metadata.name: Invalid value: "Bad.NS": {RFC1123_LABEL}"#
        ),
    );
    k.run(&w("get namespace Bad.NS")).fails();
}

/// Validation the real server does beyond names.
fn step_errors_validation(k: &Kubectl) {
    let out = k
        .run_stdin(
            &w("create --validate=false -f -"),
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: badkey, namespace: e2e}\ndata: {\"bad key\": \"1\"}\n",
        )
        .fails();
    assert_contains(&out, &out.stderr, r#"The ConfigMap "badkey" is invalid"#);
    assert_contains(&out, &out.stderr, "data[bad key]");
    let out = k
        .run_stdin(
            &w("create --validate=false -f -"),
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: mismatch, namespace: e2e}\n\
             spec:\n  selector: {matchLabels: {app: one}}\n  template:\n    metadata: {labels: {app: two}}\n    spec:\n      containers: [{name: c, image: nginx}]\n",
        )
        .fails();
    assert_contains(&out, &out.stderr, r#"The Deployment "mismatch" is invalid"#);
    assert_contains(&out, &out.stderr, "spec.template.metadata.labels");
    assert_contains(
        &out,
        &out.stderr,
        "`selector` does not match template `labels`",
    );
}

/// kubectl asks for strict field validation (its default `--validate=strict`): unknown fields
/// are refused, and `--validate=false` (fieldValidation=Ignore) drops them.
fn step_errors_unknown_field(k: &Kubectl) {
    let out = k
        .run_stdin(
            &w("create -f -"),
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: strict, namespace: e2e}\nbogus: 1\n",
        )
        .fails();
    assert_contains(&out, &out.stderr, r#"unknown field "bogus""#);
    k.run(&w("-n e2e get configmap strict")).fails();
    let out = k
        .run_stdin(
            &w("create --validate=false -f -"),
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lax, namespace: e2e}\nbogus: 1\n",
        )
        .ok();
    assert_eq!(out.lines(), ["configmap/lax created"], "{out}");
    let (v, out) = get_json(k, &w("-n e2e get configmap lax"));
    assert!(
        v.get("bogus").is_none(),
        "the unknown field was stored\n{out}"
    );
}

fn step_errors_unknown_type(k: &Kubectl) {
    let out = k.run(&w("get foos")).fails();
    assert_line(
        &out,
        &out.stderr,
        r#"error: the server doesn't have a resource type "foos""#,
    );
}
