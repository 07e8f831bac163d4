//! CustomResourceDefinitions end to end: kubectl (1.37 and 1.27 when installed) and kube-rs
//! (a `#[derive(CustomResource)]` type) against a fresh `kubicle apiserver` each.
//!
//! Covers: a CRD becoming Established, its resource in discovery and OpenAPI (`explain` of a
//! custom field, v3 for 1.37 and v2 protobuf for 1.27), short names and the `all` category,
//! printer columns (wide and not), strict field validation naming the unknown field, a CEL
//! rule's message, the status and scale subresources, watches, and deleting the CRD taking
//! its objects and its resource with it.

use std::pin::pin;
use std::time::Duration;

use futures::TryStreamExt;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{
    DeleteParams, DynamicObject, ListParams, Patch, PatchParams, PostParams, WatchEvent,
    WatchParams,
};
use kube::runtime::wait::{await_condition, conditions};
use kube::{Api, Client, Config, CustomResource, CustomResourceExt, ResourceExt};
use kubicle_e2e::{ApiServer, Kubectl, kubectl_path};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

const CRD_YAML: &str = r#"
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  scope: Namespaced
  names:
    plural: crontabs
    singular: crontab
    kind: CronTab
    shortNames: [ct]
    categories: [all]
  versions:
  - name: v1
    served: true
    storage: true
    subresources:
      status: {}
      scale:
        specReplicasPath: .spec.replicas
        statusReplicasPath: .status.replicas
    additionalPrinterColumns:
    - name: Spec
      type: string
      jsonPath: .spec.cronSpec
    - name: Replicas
      type: integer
      jsonPath: .spec.replicas
    - name: Image
      type: string
      jsonPath: .spec.image
      priority: 1
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            description: What the cron tab runs.
            required: [cronSpec]
            x-kubernetes-validations:
            - rule: self.replicas <= self.maxReplicas
              message: replicas must not exceed maxReplicas
            properties:
              cronSpec:
                type: string
                description: The schedule, in cron format.
              image:
                type: string
              replicas:
                type: integer
                minimum: 0
                default: 1
              maxReplicas:
                type: integer
                default: 5
          status:
            type: object
            properties:
              replicas:
                type: integer
              phase:
                type: string
"#;

const CT_A: &str = r#"
apiVersion: stable.example.com/v1
kind: CronTab
metadata:
  name: a
spec:
  cronSpec: "*/5 * * * *"
  image: busybox:1.36
"#;

fn kubectl_versions() -> Vec<&'static str> {
    let versions: Vec<&'static str> = ["1.37", "1.27"]
        .into_iter()
        .filter(|v| kubectl_path(v).is_some())
        .collect();
    if versions.is_empty() {
        eprintln!("no kubectl 1.37 or 1.27 installed (run tests/tools.sh): kubectl checks skipped");
    }
    versions
}

fn setup_crd(k: &Kubectl) {
    k.run_stdin(&["apply", "-f", "-"], CRD_YAML).ok();
    k.run(&[
        "wait",
        "--for",
        "condition=established",
        "crd/crontabs.stable.example.com",
        "--timeout=30s",
    ])
    .ok();
}

fn kubectl_suite(version: &str) {
    let server = ApiServer::start();
    let k = server.kubectl(version);
    setup_crd(&k);

    // strict validation (kubectl's default) names the unknown field
    let bogus = CT_A.replace("image: busybox:1.36", "image: busybox:1.36\n  bogus: 1");
    let out = k.run_stdin(&["create", "-f", "-"], &bogus).fails();
    assert!(out.stderr.contains("spec.bogus"), "{out}");

    k.run_stdin(&["apply", "-f", "-"], CT_A).ok();
    let a = k.run(&["get", "crontab", "a", "-o", "json"]).ok().json();
    assert_eq!(a["spec"]["replicas"], 1, "defaulted");
    assert_eq!(a["spec"]["maxReplicas"], 5, "defaulted");

    // a CEL rule's message
    let too_many = CT_A
        .replace("name: a", "name: b")
        .replace("image: busybox:1.36", "replicas: 9");
    let out = k.run_stdin(&["create", "-f", "-"], &too_many).fails();
    assert!(
        out.stderr.contains("replicas must not exceed maxReplicas"),
        "{out}"
    );

    // printer columns, short names, the all category
    let out = k.run(&["get", "crontabs"]).ok();
    let header = out.lines()[0].to_string();
    assert!(
        header.contains("NAME") && header.contains("SPEC") && header.contains("REPLICAS"),
        "{out}"
    );
    assert!(
        !header.contains("IMAGE"),
        "priority 1 only with -o wide\n{out}"
    );
    assert!(out.lines()[1].contains("*/5 * * * *"), "{out}");
    let wide = k.run(&["get", "ct", "-o", "wide"]).ok();
    assert!(wide.lines()[0].contains("IMAGE"), "{wide}");
    assert!(wide.lines()[1].contains("busybox:1.36"), "{wide}");
    let all = k.run(&["get", "all"]).ok();
    assert!(all.stdout.contains("crontab.stable.example.com/a"), "{all}");

    // explain reads the schema from OpenAPI (v3 for 1.37, v2 protobuf for 1.27)
    let out = k.run(&["explain", "crontab.spec.cronSpec"]).ok();
    assert!(
        out.stdout.contains("The schedule, in cron format."),
        "{out}"
    );
    let out = k.run(&["explain", "crontabs.spec"]).ok();
    assert!(out.stdout.contains("What the cron tab runs."), "{out}");

    // scale and status subresources
    k.run(&["scale", "crontab", "a", "--replicas=3"]).ok();
    let out = k
        .run(&["get", "crontab", "a", "-o", "jsonpath={.spec.replicas}"])
        .ok();
    assert_eq!(out.stdout.trim(), "3");
    k.run(&[
        "patch",
        "crontab",
        "a",
        "--type=merge",
        "-p",
        r#"{"status":{"phase":"Running"}}"#,
    ])
    .ok();
    let a = k.run(&["get", "crontab", "a", "-o", "json"]).ok().json();
    assert!(
        a.get("status").is_none(),
        "status is written through /status only: {a}"
    );
    if k.minor() >= 24 {
        k.run(&[
            "patch",
            "crontab",
            "a",
            "--subresource=status",
            "--type=merge",
            "-p",
            r#"{"status":{"phase":"Running","replicas":3}}"#,
        ])
        .ok();
        let a = k.run(&["get", "crontab", "a", "-o", "json"]).ok().json();
        assert_eq!(a["status"]["phase"], "Running");
    }

    // deleting the CRD removes its objects and its resource
    k.run(&["delete", "crd", "crontabs.stable.example.com"])
        .ok();
    let out = k.run(&["get", "crontabs"]).fails();
    assert!(
        out.stderr
            .contains("the server doesn't have a resource type")
            || out.stderr.contains("NotFound")
            || out.stderr.contains("not found"),
        "{out}"
    );
    setup_crd(&k);
    let out = k.run(&["get", "crontabs", "-o", "name"]).ok();
    assert!(out.stdout.trim().is_empty(), "old objects are gone: {out}");
}

#[test]
fn kubectl_crd() {
    for v in kubectl_versions() {
        kubectl_suite(v);
    }
}

// ---------------------------------------------------------------------------------------------
// kube-rs

#[derive(CustomResource, Deserialize, Serialize, Clone, Debug, JsonSchema)]
#[kube(
    group = "kube.example.org",
    version = "v1",
    kind = "Widget",
    namespaced,
    status = "WidgetStatus",
    shortname = "wd",
    printcolumn = r#"{"name":"Size","type":"integer","jsonPath":".spec.size"}"#
)]
pub struct WidgetSpec {
    size: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    color: Option<String>,
}

#[derive(Deserialize, Serialize, Clone, Debug, Default, JsonSchema)]
pub struct WidgetStatus {
    ready: bool,
}

/// The next non-bookmark watch event, within 30 s.
async fn next_event(
    events: &mut (impl futures::Stream<Item = kube::Result<WatchEvent<Widget>>> + Unpin),
) -> WatchEvent<Widget> {
    let fut = async {
        loop {
            let ev = events
                .try_next()
                .await
                .expect("watch stream")
                .expect("watch open");
            if !matches!(ev, WatchEvent::Bookmark(_)) {
                return ev;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(30), fut)
        .await
        .expect("an event in time")
}

fn client_for(server: &ApiServer) -> Client {
    let mut config = Config::new(server.url().parse().expect("the server url is a uri"));
    config.default_retry = false;
    Client::try_from(config).expect("build a kube client")
}

#[tokio::test(flavor = "multi_thread")]
async fn kube_rs_derived_custom_resource() {
    let server = tokio::task::block_in_place(ApiServer::start);
    let client = client_for(&server);
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    crds.create(&PostParams::default(), &Widget::crd())
        .await
        .expect("create the CRD");
    let established = await_condition(
        crds.clone(),
        "widgets.kube.example.org",
        conditions::is_crd_established(),
    );
    tokio::time::timeout(Duration::from_secs(30), established)
        .await
        .expect("the CRD is established in time")
        .expect("wait for the CRD");

    let widgets: Api<Widget> = Api::namespaced(client.clone(), "default");
    let mut events = pin!(
        widgets
            .watch(&WatchParams::default(), "0")
            .await
            .expect("watch widgets")
    );
    let mut w = Widget::new(
        "w1",
        WidgetSpec {
            size: 3,
            color: None,
        },
    );
    w.metadata.namespace = Some("default".into());
    let created = widgets
        .create(&PostParams::default(), &w)
        .await
        .expect("create a widget");
    assert_eq!(created.spec.size, 3);

    match next_event(&mut events).await {
        WatchEvent::Added(o) => assert_eq!(o.name_any(), "w1"),
        other => panic!("expected ADDED, got {other:?}"),
    }

    let patched = widgets
        .patch_status(
            "w1",
            &PatchParams::default(),
            &Patch::Merge(json!({"status": {"ready": true}})),
        )
        .await
        .expect("patch the status");
    assert!(patched.status.as_ref().is_some_and(|s| s.ready));
    match next_event(&mut events).await {
        WatchEvent::Modified(o) => {
            assert!(
                o.status.is_some_and(|s| s.ready),
                "the watch sees the status"
            )
        }
        other => panic!("expected MODIFIED, got {other:?}"),
    }

    // a schema violation is a 422 naming the field
    let bad: Api<DynamicObject> = Api::namespaced_with(
        client.clone(),
        "default",
        &kube::api::ApiResource::erase::<Widget>(&()),
    );
    let err = bad
        .create(
            &PostParams::default(),
            &serde_json::from_value::<DynamicObject>(json!({"apiVersion": "kube.example.org/v1", "kind": "Widget", "metadata": {"name": "w2"}, "spec": {"size": "big"}}))
                .expect("a dynamic object"),
        )
        .await
        .expect_err("a string size is refused");
    match err {
        kube::Error::Api(s) => {
            assert_eq!(s.code, 422);
            assert!(s.message.contains("spec.size"), "{}", s.message);
        }
        other => panic!("unexpected error {other:?}"),
    }

    // deleting the CRD removes the widgets and the resource
    crds.delete("widgets.kube.example.org", &DeleteParams::default())
        .await
        .expect("delete the CRD");
    let mut gone = false;
    for _ in 0..150 {
        match widgets.list(&ListParams::default()).await {
            Err(kube::Error::Api(s)) if s.code == 404 => {
                gone = true;
                break;
            }
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    assert!(gone, "the widgets resource is no longer served");
    let remaining: Vec<String> = crds
        .list(&ListParams::default())
        .await
        .expect("list CRDs")
        .into_iter()
        .map(|c| c.name_any())
        .collect();
    assert!(remaining.is_empty(), "{remaining:?}");
}
