//! Declarative workflows with real kubectl (1.37, 1.33, 1.30, 1.27), each version against its
//! own fresh `kubicle apiserver`: the things people do with a folder of manifests.
//!
//! One scenario per version, over the manifests in `tests/testdata/apply/` (a Deployment, a
//! Service, a ConfigMap, a CustomResourceDefinition and an object of it):
//! - `apply -f` of the multi-document file (applied again once the CRD is Established, as
//!   people do when the first apply cannot map the custom kind yet);
//! - a change made by someone else (a label) that later applies must keep;
//! - the file edited (`v2.yaml`): `diff` shows exactly the change and exits 1, stores nothing;
//! - the second `apply` three-way merges: a container added and one removed in the list
//!   merged by name, an env var removed, a label changed, a ConfigMap key and a custom
//!   resource field removed; `diff` then exits 0;
//! - `edit` with a scripted `KUBE_EDITOR` (sed) on a Deployment, a ConfigMap and a custom
//!   resource;
//! - `create -f` with an unknown field fails naming the field (kubectl's `--validate=strict`);
//! - `explain` of a deep built-in field and of custom resource fields;
//! - `get` of custom resources prints the CRD's printer columns (priority 1 only with wide).
//!
//! Server-side apply conflicts are covered in kubectl.rs; garbage collection in gc.rs.
//! Every step runs even when an earlier one failed; the test then fails listing each failed
//! step with the command, its exit code, stdout and stderr.

use std::path::{Path, PathBuf};

use kubicle_e2e::steps::Steps;
use kubicle_e2e::{ApiServer, CmdOutput, Kubectl, parse_table, run_command, workspace_root};
use serde_json::{Value, json};

const CRD: &str = "widgets.acceptance.kubicle.dev";

#[test]
fn apply_kubectl_1_37() {
    scenario("1.37");
}

#[test]
fn apply_kubectl_1_33() {
    scenario("1.33");
}

#[test]
fn apply_kubectl_1_30() {
    scenario("1.30");
}

#[test]
fn apply_kubectl_1_27() {
    scenario("1.27");
}

// ---------------------------------------------------------------- the scenario

fn testdata(name: &str) -> PathBuf {
    workspace_root()
        .join("tests")
        .join("testdata")
        .join("apply")
        .join(name)
}

fn read_testdata(name: &str) -> String {
    let path = testdata(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// What the steps share: the kubectl, and a work folder holding the manifest file that the
/// steps apply and edit (as a user's checkout would).
struct Ctx {
    k: Kubectl,
    dir: tempfile::TempDir,
}

impl Ctx {
    /// The manifest the user keeps: `app.yaml` in the work folder.
    fn manifest(&self) -> String {
        self.dir.path().join("app.yaml").display().to_string()
    }

    /// Replaces the user's manifest with a version from the test data.
    fn write_manifest(&self, from: &str) {
        std::fs::write(self.manifest(), read_testdata(from)).expect("write app.yaml");
    }

    fn file(&self, name: &str, text: &str) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).expect("write a work file");
        path.display().to_string()
    }

    fn run(&self, args: &[&str]) -> CmdOutput {
        self.k.run(args)
    }

    /// `get KIND NAME -o json`, parsed.
    #[track_caller]
    fn get(&self, kind: &str, name: &str) -> Value {
        self.run(&["get", kind, name, "-o", "json"]).ok().json()
    }
}

fn scenario(version: &str) {
    let server = ApiServer::start();
    let ctx = Ctx {
        k: server.kubectl(version),
        dir: tempfile::Builder::new()
            .prefix("kubicle-apply-")
            .tempdir()
            .expect("a work folder"),
    };
    let mut s = Steps::new(format!("kubectl {}", ctx.k.version()), &ctx);
    s.step("apply -f a multi-document manifest", step_first_apply);
    s.step("a change made by someone else", step_out_of_band_label);
    s.step("diff of the edited file", step_diff_shows_change);
    s.step("apply of the edited file merges", step_second_apply);
    s.step("diff once applied", step_diff_clean);
    s.step("edit with a scripted KUBE_EDITOR", step_edit);
    s.step("create -f with an unknown field", step_unknown_field);
    s.step("explain a built-in field", step_explain_builtin);
    s.step("explain a custom resource field", step_explain_custom);
    s.step(
        "get custom resources: printer columns",
        step_printer_columns,
    );
    s.finish();
}

/// `apply -f` of the whole file. The custom kind cannot be mapped before its CRD exists, so
/// (as in real clusters) the first apply may refuse the Widget alone; after `wait` for the
/// CRD to be Established a second apply creates it and leaves everything else unchanged.
fn step_first_apply(c: &Ctx) {
    c.write_manifest("v1.yaml");
    let first = c.run(&["apply", "-f", &c.manifest()]);
    for line in [
        "deployment.apps/web created",
        "service/web created",
        "configmap/web-config created",
        &format!("customresourcedefinition.apiextensions.k8s.io/{CRD} created"),
    ] {
        assert_line(&first, &first.stdout, line);
    }
    let widget_created_first = first
        .lines()
        .contains(&"widget.acceptance.kubicle.dev/w1 created");
    if !first.success() {
        // The only acceptable failure: the custom kind is not known yet.
        assert!(
            !widget_created_first
                && first.stderr.contains(r#"no matches for kind "Widget""#)
                && first.stderr.lines().filter(|l| l.contains("error")).count() == 1,
            "the first apply failed for another reason than the not yet known custom kind\n{first}"
        );
    }
    c.run(&[
        "wait",
        "--for",
        "condition=Established",
        &format!("crd/{CRD}"),
        "--timeout=10s",
    ])
    .ok();
    let second = c.run(&["apply", "-f", &c.manifest()]).ok();
    let widget_line = if widget_created_first {
        "widget.acceptance.kubicle.dev/w1 unchanged"
    } else {
        "widget.acceptance.kubicle.dev/w1 created"
    };
    assert_eq!(
        second.lines(),
        [
            "deployment.apps/web unchanged",
            "service/web unchanged",
            "configmap/web-config unchanged",
            &format!("customresourcedefinition.apiextensions.k8s.io/{CRD} unchanged"),
            widget_line,
        ],
        "{second}"
    );

    let cm = c.get("configmap", "web-config");
    assert_eq!(cm["data"], json!({"greeting": "hello", "level": "info"}));
    let w = c.get("widget", "w1");
    assert_eq!(
        w["spec"],
        json!({"color": "blue", "size": 3, "owner": "team-a"})
    );
    let d = c.get("deployment", "web");
    assert_eq!(container_names(&d), ["app", "sidecar"], "{d:#}");
    assert_eq!(
        d["metadata"]["labels"],
        json!({"app": "web", "tier": "frontend"})
    );
    let svc = c.get("service", "web");
    assert_eq!(svc["spec"]["ports"][0]["port"], 80, "{svc:#}");
}

/// Someone labels the Deployment by hand: client-side apply's three-way merge must keep a
/// field that was never in the file.
fn step_out_of_band_label(c: &Ctx) {
    let out = c.run(&["label", "deployment", "web", "extra=kept"]).ok();
    assert_eq!(out.lines(), ["deployment.apps/web labeled"], "{out}");
}

/// `diff` of the edited file: exit code 1, a unified diff of exactly the edit, nothing stored.
fn step_diff_shows_change(c: &Ctx) {
    c.write_manifest("v2.yaml");
    let out = c.run(&["diff", "-f", &c.manifest()]);
    assert_eq!(
        (out.code, out.timed_out),
        (Some(1), false),
        "diff must exit 1 when there are differences\n{out}"
    );
    for line in [
        "-    tier: frontend",
        "+    tier: web",
        "-        - name: DEBUG",
        "-        name: sidecar",
        "+        name: metrics",
        "+        - containerPort: 9100",
        "-  level: info",
        "+  mode: fast",
        "-  owner: team-a",
        "-  size: 3",
        "+  size: 5",
    ] {
        assert_line(&out, &out.stdout, line);
    }
    // The hand-made label stays; the unchanged Service and CRD are not in the diff at all.
    for absent in [
        "-    extra: kept",
        "v1.Service.default.web",
        "CustomResourceDefinition",
    ] {
        assert!(
            !out.stdout.contains(absent),
            "{absent:?} must not be in the diff\n{out}"
        );
    }
    // A dry run stores nothing.
    let cm = c.get("configmap", "web-config");
    assert_eq!(
        cm["data"],
        json!({"greeting": "hello", "level": "info"}),
        "diff changed the stored ConfigMap"
    );
    let d = c.get("deployment", "web");
    assert_eq!(
        container_names(&d),
        ["app", "sidecar"],
        "diff changed the stored Deployment"
    );
    assert_eq!(d["metadata"]["generation"], 1, "diff bumped the generation");
}

/// The second apply yields exactly the merged objects.
fn step_second_apply(c: &Ctx) {
    let out = c.run(&["apply", "-f", &c.manifest()]).ok();
    assert_eq!(
        out.lines(),
        [
            "deployment.apps/web configured",
            "service/web unchanged",
            "configmap/web-config configured",
            &format!("customresourcedefinition.apiextensions.k8s.io/{CRD} unchanged"),
            "widget.acceptance.kubicle.dev/w1 configured",
        ],
        "{out}"
    );

    let d = c.get("deployment", "web");
    let show = |what: &str| format!("{what}\n--- the Deployment\n{d:#}");
    assert_eq!(
        d["metadata"]["labels"],
        json!({"app": "web", "tier": "web", "extra": "kept"}),
        "{}",
        show("labels: tier changed, the hand-made label kept")
    );
    assert_eq!(d["spec"]["replicas"], 2, "{}", show("replicas"));
    assert_eq!(d["metadata"]["generation"], 2, "{}", show("generation"));
    assert_eq!(
        container_names(&d),
        ["app", "metrics"],
        "{}",
        show("containers merged by name, in the file's order")
    );
    let app = &d["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(
        app["env"],
        json!([
            {"name": "MODE", "value": "production"},
            {"name": "REGION", "value": "eu-west"},
        ]),
        "{}",
        show("env DEBUG removed, the others kept in order")
    );
    assert_eq!(
        app["image"],
        "registry.example.com/web:1.0",
        "{}",
        show("app image")
    );
    assert_eq!(
        ports(app),
        [("http".to_string(), 8080, "TCP".to_string())],
        "{}",
        show("app ports")
    );
    let metrics = &d["spec"]["template"]["spec"]["containers"][1];
    assert_eq!(
        metrics["image"],
        "registry.example.com/exporter:0.9",
        "{}",
        show("metrics image")
    );
    assert_eq!(
        ports(metrics),
        [("metrics".to_string(), 9100, "TCP".to_string())],
        "{}",
        show("metrics ports")
    );
    for gone in ["args", "env"] {
        assert!(
            metrics.get(gone).is_none(),
            "{}",
            show(&format!("the removed sidecar's {gone} leaked into metrics"))
        );
    }
    // The annotation now records the edited file.
    let last = d["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"]
        .as_str()
        .map(|s| serde_json::from_str::<Value>(s).expect("the annotation is JSON"))
        .unwrap_or_else(|| panic!("{}", show("no last-applied-configuration")));
    let v2 = manifest_doc("v2.yaml", "Deployment");
    assert_eq!(last["spec"], v2["spec"], "{}", show("last-applied spec"));
    assert_eq!(
        last["metadata"]["labels"],
        v2["metadata"]["labels"],
        "{}",
        show("last-applied labels")
    );

    let cm = c.get("configmap", "web-config");
    assert_eq!(
        cm["data"],
        json!({"greeting": "hello", "mode": "fast"}),
        "{cm:#}"
    );
    let w = c.get("widget", "w1");
    assert_eq!(
        w["spec"],
        json!({"color": "blue", "size": 5}),
        "custom resources merge too (JSON merge patch): owner removed, size changed\n{w:#}"
    );
    let svc = c.get("service", "web");
    assert_eq!(svc["metadata"]["generation"].as_i64().unwrap_or(1), 1);
}

fn step_diff_clean(c: &Ctx) {
    let out = c.run(&["diff", "-f", &c.manifest()]);
    assert!(
        out.success() && out.stdout.trim().is_empty(),
        "diff must print nothing and exit 0 once the file is applied\n{out}"
    );
}

/// `kubectl edit` with an editor that is a sed script: a strategic merge patch for the
/// Deployment and the ConfigMap, a JSON merge patch for the custom resource.
fn step_edit(c: &Ctx) {
    let editor = c.dir.path().join("editor.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\n\
         # kubectl edit calls: $KUBE_EDITOR <file>\n\
         exec sed -i -e 's/^    tier: web$/    tier: edited/' \
         -e 's/^  greeting: hello$/  greeting: edited/' \
         -e 's/^  size: 5$/  size: 7/' \"$1\"\n",
    )
    .expect("write the editor script");
    make_executable(&editor);
    for (kind, name, line) in [
        ("deployment", "web", "deployment.apps/web edited"),
        ("configmap", "web-config", "configmap/web-config edited"),
        ("widget", "w1", "widget.acceptance.kubicle.dev/w1 edited"),
    ] {
        let mut cmd = c.k.command(&["edit", kind, name]);
        cmd.env("KUBE_EDITOR", &editor).env("EDITOR", &editor);
        let out = run_command(cmd, None, kubicle_e2e::COMMAND_TIMEOUT).ok();
        assert_eq!(out.lines(), [line], "{out}");
    }
    let d = c.get("deployment", "web");
    assert_eq!(
        d["metadata"]["labels"],
        json!({"app": "web", "tier": "edited", "extra": "kept"}),
        "{d:#}"
    );
    assert_eq!(
        container_names(&d),
        ["app", "metrics"],
        "edit touched the containers"
    );
    let cm = c.get("configmap", "web-config");
    assert_eq!(
        cm["data"],
        json!({"greeting": "edited", "mode": "fast"}),
        "{cm:#}"
    );
    let w = c.get("widget", "w1");
    assert_eq!(w["spec"], json!({"color": "blue", "size": 7}), "{w:#}");
}

/// kubectl asks for strict field validation by default: the create fails, names the field
/// with its full path, and stores nothing.
fn step_unknown_field(c: &Ctx) {
    let bad = c.file(
        "unknown-field.yaml",
        "apiVersion: apps/v1\n\
         kind: Deployment\n\
         metadata:\n  name: strict\n\
         spec:\n  selector:\n    matchLabels: {app: strict}\n  template:\n    metadata:\n      labels: {app: strict}\n    spec:\n      containers:\n      - name: app\n        image: registry.example.com/web:1.0\n        portz:\n        - containerPort: 80\n",
    );
    let out = c.run(&["create", "-f", &bad]).fails();
    assert_contains(
        &out,
        &out.stderr,
        r#"unknown field "spec.template.spec.containers[0].portz""#,
    );
    let gone = c.run(&["get", "deployment", "strict"]).fails();
    assert_contains(&gone, &gone.stderr, "NotFound");

    let bad = c.file(
        "unknown-field-widget.yaml",
        "apiVersion: acceptance.kubicle.dev/v1\nkind: Widget\nmetadata:\n  name: strict\nspec:\n  color: red\n  shape: round\n",
    );
    let out = c.run(&["create", "-f", &bad]).fails();
    assert_contains(&out, &out.stderr, r#"unknown field "spec.shape""#);
    c.run(&["get", "widget", "strict"]).fails();
}

fn step_explain_builtin(c: &Ctx) {
    let out = c
        .run(&["explain", "deployment.spec.template.spec.containers.ports"])
        .ok();
    assert_eq!(described(&out.stdout, "KIND"), Some("Deployment"), "{out}");
    // kubectl ≥ 1.27 prints `FIELD: ports <[]ContainerPort>` from OpenAPI v3; the OpenAPI v2
    // renderer prints `FIELD:    ports <[]Object>`.
    assert!(
        out.stdout.lines().any(|l| {
            let l = l.split_whitespace().collect::<Vec<_>>().join(" ");
            l == "FIELD: ports <[]ContainerPort>" || l == "FIELD: ports <[]Object>"
        }),
        "no FIELD line for ports\n{out}"
    );
    assert_contains(
        &out,
        &out.stdout,
        "List of ports to expose from the container.",
    );
    for field in [
        "containerPort\t<integer> -required-",
        "hostPort\t<integer>",
        "protocol\t<string>",
    ] {
        assert!(
            out.stdout.lines().any(|l| l.trim() == field),
            "no {field:?} under FIELDS\n{out}"
        );
    }
    assert_contains(
        &out,
        &out.stdout,
        "Number of port to expose on the pod's IP address.",
    );
}

fn step_explain_custom(c: &Ctx) {
    let out = c.run(&["explain", "widgets.spec.size"]).ok();
    assert_eq!(described(&out.stdout, "KIND"), Some("Widget"), "{out}");
    assert!(
        out.stdout
            .lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["FIELD:", "size", "<integer>"]),
        "no FIELD line for size\n{out}"
    );
    assert_contains(
        &out,
        &out.stdout,
        "How many slots the widget has, from 1 to 10.",
    );

    let out = c.run(&["explain", "wdg.spec"]).ok();
    assert_eq!(described(&out.stdout, "KIND"), Some("Widget"), "{out}");
    assert_contains(&out, &out.stdout, "What the widget looks like.");
    for field in ["color\t<string>", "owner\t<string>", "size\t<integer>"] {
        assert!(
            out.stdout.lines().any(|l| l.trim() == field),
            "no {field:?} under FIELDS\n{out}"
        );
    }
    assert_contains(&out, &out.stdout, "The colour the widget is painted in.");
}

fn step_printer_columns(c: &Ctx) {
    c.k.run_stdin(
        &["apply", "-f", "-"],
        "apiVersion: acceptance.kubicle.dev/v1\nkind: Widget\nmetadata:\n  name: w2\nspec:\n  color: red\n  size: 1\n  owner: team-b\n",
    )
    .ok();
    let out = c.run(&["get", "widgets"]).ok();
    let t = parse_table(&out.stdout);
    assert_eq!(t.columns, ["NAME", "COLOR", "SIZE", "AGE"], "{out}");
    assert_eq!(t.column("NAME"), ["w1", "w2"], "{out}");
    let w1 = t.row("NAME", "w1").expect("w1");
    assert_eq!(
        (w1["COLOR"].as_str(), w1["SIZE"].as_str()),
        ("blue", "7"),
        "{out}"
    );
    let w2 = t.row("NAME", "w2").expect("w2");
    assert_eq!(
        (w2["COLOR"].as_str(), w2["SIZE"].as_str()),
        ("red", "1"),
        "{out}"
    );
    assert!(
        is_age(&w2["AGE"]),
        "AGE {:?} is not an age\n{out}",
        w2["AGE"]
    );

    // The priority 1 column shows only with -o wide; w1 has no owner since the second apply.
    let out = c.run(&["get", "wdg", "-o", "wide"]).ok();
    let t = parse_table(&out.stdout);
    assert_eq!(
        t.columns,
        ["NAME", "COLOR", "SIZE", "OWNER", "AGE"],
        "{out}"
    );
    assert_eq!(t.row("NAME", "w2").expect("w2")["OWNER"], "team-b", "{out}");
    let owner = t.row("NAME", "w1").expect("w1")["OWNER"].as_str();
    assert!(
        owner.is_empty() || owner == "<none>",
        "w1's owner was removed by the second apply: OWNER must be empty\n{out}"
    );

    // One named object, and the custom resource among other kinds.
    let out = c.run(&["get", "widget", "w2"]).ok();
    let t = parse_table(&out.stdout);
    assert_eq!(t.columns, ["NAME", "COLOR", "SIZE", "AGE"], "{out}");
    assert_eq!(t.column("NAME"), ["w2"], "{out}");
    let out = c
        .run(&["get", "configmap/web-config", "widget/w1", "service/web"])
        .ok();
    assert_contains(&out, &out.stdout, "widget.acceptance.kubicle.dev/w1");
    assert!(
        out.stdout
            .lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["NAME", "COLOR", "SIZE", "AGE"]),
        "the widget block has no printer-column header\n{out}"
    );
}

// ---------------------------------------------------------------- helpers

fn container_names(d: &Value) -> Vec<String> {
    d["spec"]["template"]["spec"]["containers"]
        .as_array()
        .map(|cs| {
            cs.iter()
                .map(|c| c["name"].as_str().unwrap_or("?").to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn ports(container: &Value) -> Vec<(String, i64, String)> {
    container["ports"]
        .as_array()
        .map(|ps| {
            ps.iter()
                .map(|p| {
                    (
                        p["name"].as_str().unwrap_or("").to_string(),
                        p["containerPort"].as_i64().unwrap_or(0),
                        p["protocol"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The document of `kind` in a test-data manifest, as JSON.
fn manifest_doc(file: &str, kind: &str) -> Value {
    let text = read_testdata(file);
    for doc in serde_yaml::Deserializer::from_str(&text) {
        let v: Value = serde::Deserialize::deserialize(doc).expect("the test data is YAML");
        if v["kind"] == kind {
            return v;
        }
    }
    panic!("no {kind} in {file}")
}

/// The value of a `KEY: value` header line of `kubectl explain`.
fn described<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .map(str::trim)
}

/// kubectl's short ages: `5s`, `3m2s`, `10m`, `2d`…
fn is_age(s: &str) -> bool {
    !s.is_empty()
        && s.chars().next().is_some_and(|c| c.is_ascii_digit())
        && s.chars().all(|c| c.is_ascii_digit() || "smhdy".contains(c))
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .expect("make the editor executable");
}

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
