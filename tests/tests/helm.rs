//! helm 4 against a fresh `kubicle apiserver`: the life of one release of the chart in
//! `tests/testdata/charts/gadget-shop/` (a CRD in `crds/`, and templated Deployment,
//! Service, ConfigMap, Secret and an object of the CRD).
//!
//! install → upgrade (changed values) → rollback to revision 1 → uninstall; after each step
//! the objects in the cluster are checked, and `helm list`, `helm status` and `helm history`
//! must report the release as real Kubernetes makes them report it. helm 4 applies with
//! server-side apply, stores releases in Secrets, and reads the resources back for `status`.
//!
//! helm runs with the server's kubeconfig (plain HTTP on loopback) and private
//! HELM_CACHE_HOME / HELM_CONFIG_HOME / HELM_DATA_HOME folders (see `ApiServer::command`).
//! The test stops at the first failing step, naming it, with the command's whole output.

use std::path::PathBuf;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use kubicle_e2e::{ApiServer, CmdOutput, Kubectl, helm_path, run_command, workspace_root};
use serde_json::{Value, json};

const NS: &str = "shop";
const RELEASE: &str = "demo";
/// `<release>-<chart>`, the name every templated object gets.
const NAME: &str = "demo-gadget-shop";
const CRD: &str = "gadgets.charts.kubicle.dev";
const HELM_TIMEOUT: Duration = Duration::from_secs(45);

fn chart() -> String {
    workspace_root()
        .join("tests/testdata/charts/gadget-shop")
        .display()
        .to_string()
}

struct Helm<'a> {
    server: &'a ApiServer,
    bin: PathBuf,
}

impl Helm<'_> {
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = self.server.command(&self.bin);
        cmd.args(args);
        cmd
    }

    fn run(&self, args: &[&str]) -> CmdOutput {
        run_command(self.command(args), None, HELM_TIMEOUT)
    }

    /// `helm list -n shop -o json`, parsed.
    #[track_caller]
    fn list(&self) -> Vec<Value> {
        let out = self.run(&["list", "-n", NS, "-o", "json"]).ok();
        match out.json() {
            Value::Array(items) => items,
            other => panic!("helm list -o json printed {other}\n{out}"),
        }
    }

    /// `helm status demo -n shop -o json`, parsed.
    #[track_caller]
    fn status(&self) -> Value {
        self.run(&["status", RELEASE, "-n", NS, "-o", "json"])
            .ok()
            .json()
    }

    /// (revision, status, description) of each entry of `helm history`.
    #[track_caller]
    fn history(&self) -> Vec<(i64, String, String)> {
        let out = self.run(&["history", RELEASE, "-n", NS, "-o", "json"]).ok();
        out.json()
            .as_array()
            .unwrap_or_else(|| panic!("helm history -o json is not a list\n{out}"))
            .iter()
            .map(|h| {
                (
                    h["revision"].as_i64().unwrap_or(-1),
                    h["status"].as_str().unwrap_or("?").to_string(),
                    h["description"].as_str().unwrap_or("?").to_string(),
                )
            })
            .collect()
    }
}

/// The release as `helm list` and `helm status` must show it.
#[track_caller]
fn assert_release(helm: &Helm, step: &str, revision: i64, description: &str) {
    let list = helm.list();
    assert_eq!(
        list.len(),
        1,
        "after {step}: helm list shows {} releases: {list:#?}",
        list.len()
    );
    let r = &list[0];
    for (key, want) in [
        ("name", json!(RELEASE)),
        ("namespace", json!(NS)),
        ("revision", json!(revision.to_string())),
        ("status", json!("deployed")),
        ("chart", json!("gadget-shop-0.1.0")),
        ("app_version", json!("1.4.2")),
    ] {
        assert_eq!(r[key], want, "after {step}: helm list {key}\n{r:#}");
    }

    let st = helm.status();
    let show = || {
        let mut s = st.clone();
        if let Some(info) = s.get_mut("info") {
            info["resources"] = json!("(left out)");
        }
        s["manifest"] = json!("(left out)");
        format!("{s:#}")
    };
    assert_eq!(st["name"], RELEASE, "after {step}: {}", show());
    assert_eq!(st["namespace"], NS, "after {step}: {}", show());
    assert_eq!(st["version"], revision, "after {step}: {}", show());
    assert_eq!(st["info"]["status"], "deployed", "after {step}: {}", show());
    assert_eq!(
        st["info"]["description"],
        description,
        "after {step}: {}",
        show()
    );
    // `status` reads every resource of the release back from the cluster.
    let resources = st["info"]["resources"]
        .as_object()
        .unwrap_or_else(|| panic!("after {step}: helm status has no resources\n{}", show()));
    for kind in ["ConfigMap", "Secret", "Service", "Deployment", "Gadget"] {
        let found = resources
            .iter()
            .filter(|(k, _)| k.ends_with(&format!("/{kind}")))
            .flat_map(|(_, v)| v.as_array().cloned().unwrap_or_default())
            .any(|o| o["metadata"]["name"] == NAME);
        assert!(
            found,
            "after {step}: helm status does not list the {kind} {NAME}\n{:#}",
            st["info"]["resources"]
        );
    }

    let text = helm.run(&["status", RELEASE, "-n", NS]).ok();
    for line in [
        format!("NAME: {RELEASE}"),
        format!("NAMESPACE: {NS}"),
        "STATUS: deployed".to_string(),
        format!("REVISION: {revision}"),
    ] {
        assert!(
            text.stdout.lines().any(|l| l.trim_end() == line),
            "after {step}: helm status does not print {line:?}\n{text}"
        );
    }
}

/// What the templates must have produced from `message`, `gadget.size` and `replicaCount`.
#[track_caller]
fn assert_objects(k: &Kubectl, step: &str, message: &str, size: i64, replicas: i64) {
    let get = |kind: &str| -> Value {
        let out = k.run(&["-n", NS, "get", kind, NAME, "-o", "json"]);
        assert!(
            out.success(),
            "after {step}: the release's {kind} is missing\n{out}"
        );
        out.json()
    };
    let cm = get("configmap");
    assert_eq!(
        cm["data"],
        json!({"message": message, "port": "8080"}),
        "after {step}: ConfigMap\n{cm:#}"
    );
    for (key, want) in [
        ("app.kubernetes.io/managed-by", "Helm"),
        ("app.kubernetes.io/instance", RELEASE),
        ("helm.sh/chart", "gadget-shop-0.1.0"),
    ] {
        assert_eq!(
            cm["metadata"]["labels"][key], want,
            "after {step}: label {key}\n{cm:#}"
        );
    }
    assert_eq!(
        cm["metadata"]["annotations"]["meta.helm.sh/release-name"], RELEASE,
        "after {step}: helm's ownership annotation\n{cm:#}"
    );

    let secret = get("secret");
    assert_eq!(secret["type"], "Opaque", "after {step}: Secret\n{secret:#}");
    let out = k
        .run(&[
            "-n",
            NS,
            "get",
            "secret",
            NAME,
            "-o",
            r#"go-template={{index .data "api-key" | base64decode}}"#,
        ])
        .ok();
    assert_eq!(
        out.stdout, "not-a-real-key",
        "after {step}: Secret data\n{out}"
    );

    let d = get("deployment");
    assert_eq!(
        d["spec"]["replicas"], replicas,
        "after {step}: Deployment replicas\n{d:#}"
    );
    let c = &d["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(
        c["image"], "registry.example.com/gadget-shop:1.4.2",
        "after {step}: image\n{d:#}"
    );
    assert_eq!(
        c["env"][0]["valueFrom"]["configMapKeyRef"]["name"], NAME,
        "after {step}: env\n{d:#}"
    );

    let svc = get("service");
    assert_eq!(
        svc["spec"]["ports"][0]["port"], 80,
        "after {step}: Service\n{svc:#}"
    );
    assert_eq!(
        svc["spec"]["selector"],
        json!({"app.kubernetes.io/name": "gadget-shop", "app.kubernetes.io/instance": RELEASE}),
        "after {step}: Service selector\n{svc:#}"
    );

    let g = get("gadget");
    assert_eq!(
        g["spec"],
        json!({"color": "green", "size": size, "message": message}),
        "after {step}: Gadget\n{g:#}"
    );
}

/// The pod template's config checksum, which changes when the ConfigMap does.
#[track_caller]
fn config_checksum(k: &Kubectl) -> String {
    let out = k
        .run(&[
            "-n",
            NS,
            "get",
            "deployment",
            NAME,
            "-o",
            "jsonpath={.spec.template.metadata.annotations.checksum/config}",
        ])
        .ok();
    out.stdout.trim().to_string()
}

#[test]
fn helm_install_upgrade_rollback_uninstall() {
    let bin = helm_path().unwrap_or_else(|| {
        panic!(
            "helm 4 is not installed in {}: run tests/tools.sh",
            kubicle_e2e::tools_dir().display()
        )
    });
    let server = ApiServer::start();
    let helm = Helm {
        server: &server,
        bin,
    };
    let k = server.kubectl("1.37");
    let started = Instant::now();

    let out = helm.run(&["version", "--short"]).ok();
    assert!(out.stdout.starts_with("v4."), "helm 4 is required\n{out}");

    // ------------------------------------------------------------ install
    let chart = chart();
    let out = helm
        .run(&["install", RELEASE, &chart, "-n", NS, "--create-namespace"])
        .ok();
    for line in ["STATUS: deployed", "REVISION: 1"] {
        assert!(
            out.stdout.lines().any(|l| l.trim_end() == line),
            "install: expected {line:?}\n{out}"
        );
    }
    let crd = k.run(&["get", "crd", CRD, "-o", "json"]).ok().json();
    let established = crd["status"]["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|c| c["type"] == "Established" && c["status"] == "True");
    assert!(
        established,
        "install: the chart's CRD is not Established\n{crd:#}"
    );
    assert_objects(&k, "install", "hello from helm", 2, 1);
    assert_release(&helm, "install", 1, "Install complete");
    let st = helm.status();
    assert_eq!(
        st["apply_method"], "ssa",
        "helm 4 installs with server-side apply"
    );
    let cm = k
        .run(&[
            "-n",
            NS,
            "get",
            "configmap",
            NAME,
            "-o",
            "json",
            "--show-managed-fields",
        ])
        .ok()
        .json();
    let managers: Vec<(String, String)> = cm["metadata"]["managedFields"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| {
            (
                m["manager"].as_str().unwrap_or("").to_string(),
                m["operation"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert!(
        managers.contains(&("helm".to_string(), "Apply".to_string())),
        "install: no Apply entry for the field manager helm: {managers:?}"
    );
    let checksum_v1 = config_checksum(&k);

    // ------------------------------------------------------------ upgrade
    let out = helm
        .run(&[
            "upgrade",
            RELEASE,
            &chart,
            "-n",
            NS,
            "--set",
            "message=upgraded by helm",
            "--set",
            "gadget.size=4",
            "--set",
            "replicaCount=2",
        ])
        .ok();
    assert!(
        out.stdout.contains(r#"Release "demo" has been upgraded."#)
            && out.stdout.lines().any(|l| l.trim_end() == "REVISION: 2"),
        "upgrade\n{out}"
    );
    assert_objects(&k, "upgrade", "upgraded by helm", 4, 2);
    assert_ne!(
        config_checksum(&k),
        checksum_v1,
        "upgrade: the pod template's config checksum did not change"
    );
    assert_release(&helm, "upgrade", 2, "Upgrade complete");
    assert_eq!(
        helm.history(),
        [
            (1, "superseded".into(), "Install complete".into()),
            (2, "deployed".into(), "Upgrade complete".into()),
        ],
        "upgrade: helm history"
    );

    // ------------------------------------------------------------ rollback
    let out = helm.run(&["rollback", RELEASE, "1", "-n", NS]).ok();
    assert!(
        out.stdout.contains("Rollback was a success!"),
        "rollback\n{out}"
    );
    assert_objects(&k, "rollback", "hello from helm", 2, 1);
    assert_eq!(
        config_checksum(&k),
        checksum_v1,
        "rollback: the pod template's config checksum is not revision 1's"
    );
    assert_release(&helm, "rollback", 3, "Rollback to 1");
    assert_eq!(
        helm.history(),
        [
            (1, "superseded".into(), "Install complete".into()),
            (2, "superseded".into(), "Upgrade complete".into()),
            (3, "deployed".into(), "Rollback to 1".into()),
        ],
        "rollback: helm history"
    );

    // ------------------------------------------------------------ uninstall
    // helm deletes the objects, then purges its release records: DELETE requests on Secrets
    // whose DeleteOptions body is protobuf (application/vnd.kubernetes.protobuf).
    let out = helm.run(&["uninstall", RELEASE, "-n", NS]);
    assert!(
        out.success() && out.stdout.contains(r#"release "demo" uninstalled"#),
        "uninstall failed\n{out}"
    );
    let list = helm.list();
    assert!(
        list.is_empty(),
        "uninstall: helm list still shows {list:#?}"
    );
    let out = helm.run(&["status", RELEASE, "-n", NS]).fails();
    assert!(
        out.stderr.contains("release: not found"),
        "uninstall: helm status\n{out}"
    );
    // The release's objects go (background deletion: allow a moment), its release records
    // (Secrets labelled owner=helm) too; the CRD stays, as helm never deletes CRDs.
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut left = Vec::new();
    loop {
        left.clear();
        for kind in ["deployment", "service", "configmap", "secret", "gadget"] {
            let out = k.run(&["-n", NS, "get", kind, NAME]);
            if !out.stderr.contains("NotFound") {
                left.push(out);
            }
        }
        let records = k
            .run(&["-n", NS, "get", "secrets", "-l", "owner=helm", "-o", "name"])
            .ok();
        if !records.stdout.trim().is_empty() {
            left.push(records);
        }
        if left.is_empty() || Instant::now() >= deadline {
            break;
        }
        thread::sleep(Duration::from_millis(200));
    }
    assert!(
        left.is_empty(),
        "uninstall: the release left objects behind:\n{}",
        left.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
    k.run(&["get", "crd", CRD]).ok();
    eprintln!("helm life cycle done in {:?}", started.elapsed());
}
