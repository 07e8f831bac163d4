//! The kube-rs suite: the `kube` crate (5, k8s-openapi v1.36) against `kubicle apiserver`.
//!
//! Typed CRUD of ConfigMaps, Secrets, Deployments and Namespaces; label and field selectors and
//! paginated lists; raw watches with selectors; a kube-runtime `watcher` followed across a
//! kill -9, a restart and a forced 410 re-list; optimistic concurrency (409 Conflict); and the
//! error statuses clients branch on. Every test starts its own fresh server and asserts what
//! real Kubernetes returns; where kubicle differs, the checks of the broader behaviour come
//! first in a test, so that one difference does not hide the rest.
//!
//! The 410 test needs the store to compact history, which by default it does only beyond
//! 50,000 retained revisions: it writes until a watch from an old revision expires (about
//! 58,000 writes, 30 s).

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::ByteString;
use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
use k8s_openapi::api::core::v1::{
    ConfigMap, Container, Namespace, PodSpec, PodTemplateSpec, Secret,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::jiff::Timestamp;
use kube::api::{
    DeleteParams, ListParams, Patch, PatchParams, PostParams, Preconditions, VersionMatch,
    WatchEvent, WatchParams,
};
use kube::core::Status;
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Api, Client, Config, Resource, ResourceExt};
use kubicle_e2e::ApiServer;
use serde_json::json;
use tokio::task::block_in_place;

/// How long a test waits for something that should happen at once (a watch event, a
/// namespace finalization).
const SETTLE: Duration = Duration::from_secs(30);

// ---------------------------------------------------------------------------------------------
// helpers

/// A kube client for `server`, over plain HTTP, without kube's automatic retries (so that the
/// server's own answers reach the assertions).
fn client_for(server: &ApiServer) -> Client {
    let mut config = Config::new(server.url().parse().expect("the server url is a uri"));
    config.default_retry = false;
    Client::try_from(config).expect("build a kube client")
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn bytes_map(pairs: &[(&str, &str)]) -> BTreeMap<String, ByteString> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), ByteString(v.as_bytes().to_vec())))
        .collect()
}

fn meta(name: &str, labels: &[(&str, &str)]) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_string()),
        labels: (!labels.is_empty()).then(|| map(labels)),
        ..Default::default()
    }
}

fn configmap(name: &str, labels: &[(&str, &str)], data: &[(&str, &str)]) -> ConfigMap {
    ConfigMap {
        metadata: meta(name, labels),
        data: Some(map(data)),
        ..Default::default()
    }
}

fn namespace(name: &str) -> Namespace {
    Namespace {
        metadata: meta(name, &[]),
        ..Default::default()
    }
}

/// The object's resourceVersion as a number (kubicle's are decimal revisions).
#[track_caller]
fn rv(m: &ObjectMeta) -> u64 {
    let s = m
        .resource_version
        .as_deref()
        .expect("the object carries a resourceVersion");
    s.parse()
        .unwrap_or_else(|_| panic!("resourceVersion {s:?} is not a decimal revision"))
}

/// Checks what the server fills in on create: name, namespace, a UUID uid, a creation time of
/// about now in whole seconds, and a resourceVersion.
#[track_caller]
fn assert_fresh(m: &ObjectMeta, name: &str, namespace: Option<&str>) {
    assert_eq!(m.name.as_deref(), Some(name));
    assert_eq!(m.namespace.as_deref(), namespace);
    let uid = m.uid.as_deref().expect("the server sets metadata.uid");
    assert_eq!(uid.len(), 36, "uid {uid:?} is not a UUID");
    assert_eq!(uid.matches('-').count(), 4, "uid {uid:?} is not a UUID");
    let created = m
        .creation_timestamp
        .as_ref()
        .expect("the server sets metadata.creationTimestamp")
        .0;
    assert_eq!(
        created.subsec_nanosecond(),
        0,
        "creationTimestamp {created} has sub-second precision"
    );
    let age = Timestamp::now().duration_since(created).as_secs_f64();
    assert!(
        (-5.0..120.0).contains(&age),
        "creationTimestamp {created} is not about now"
    );
    assert!(rv(m) > 0);
    assert!(m.deletion_timestamp.is_none());
}

/// Checks that an update kept the identity and moved the resourceVersion forward.
#[track_caller]
fn assert_updated(before: &ObjectMeta, after: &ObjectMeta) {
    assert_eq!(after.name, before.name);
    assert_eq!(after.namespace, before.namespace);
    assert_eq!(after.uid, before.uid, "an update changed metadata.uid");
    assert_eq!(
        after.creation_timestamp, before.creation_timestamp,
        "an update changed metadata.creationTimestamp"
    );
    assert!(
        rv(after) > rv(before),
        "resourceVersion did not increase: {} then {}",
        rv(before),
        rv(after)
    );
}

/// The API error status of a failed call; panics when the call succeeded or failed otherwise.
#[track_caller]
fn api_error<T: Debug>(result: Result<T, kube::Error>) -> Box<Status> {
    match result {
        Err(kube::Error::Api(status)) => status,
        other => panic!("expected an API error status, got {other:?}"),
    }
}

#[track_caller]
fn assert_status(s: &Status, code: u16, reason: &str) {
    assert_eq!(
        (s.code, s.reason.as_str()),
        (code, reason),
        "unexpected status {s:?}"
    );
    assert!(s.is_failure(), "status is not a Failure: {s:?}");
}

/// Checks a 404 NotFound for `resource` (`plural` or `plural.group`) named `name`.
#[track_caller]
fn assert_not_found<T: Debug>(result: Result<T, kube::Error>, resource: &str, name: &str) {
    let s = api_error(result);
    assert_status(&s, 404, "NotFound");
    assert_eq!(s.message, format!("{resource} \"{name}\" not found"));
    let (plural, group) = resource.split_once('.').unwrap_or((resource, ""));
    let d = s.details.as_ref().expect("a NotFound status has details");
    assert_eq!(
        (d.name.as_str(), d.group.as_str(), d.kind.as_str()),
        (name, group, plural)
    );
}

/// Deletes a namespace-less or namespaced object and checks the answer, which is either the
/// Success status or the deleted object.
async fn delete_and_confirm<K>(api: &Api<K>, name: &str, resource: &str)
where
    K: Resource + Clone + Debug + serde::de::DeserializeOwned,
{
    match api
        .delete(name, &DeleteParams::default())
        .await
        .expect("delete")
        .either(Ok, Err)
    {
        Ok(obj) => assert_eq!(obj.meta().name.as_deref(), Some(name)),
        Err(status) => {
            assert!(status.is_success(), "delete answered {status:?}");
            let d = status.details.expect("a delete Status has details");
            let (plural, group) = resource.split_once('.').unwrap_or((resource, ""));
            assert_eq!(
                (d.name.as_str(), d.group.as_str(), d.kind.as_str()),
                (name, group, plural)
            );
        }
    }
    assert_not_found(api.get(name).await, resource, name);
}

/// Names of a list's items, in the order the server returned them.
async fn names<K>(api: &Api<K>, lp: &ListParams) -> Vec<String>
where
    K: Resource + Clone + Debug + serde::de::DeserializeOwned,
{
    let list = api
        .list(lp)
        .await
        .unwrap_or_else(|e| panic!("list with {lp:?}: {e}"));
    list.items.iter().map(|o| o.name_any()).collect()
}

/// `namespace/name` of a list's items, in the order the server returned them.
async fn qualified_names(api: &Api<ConfigMap>, lp: &ListParams) -> Vec<String> {
    let list = api
        .list(lp)
        .await
        .unwrap_or_else(|e| panic!("list with {lp:?}: {e}"));
    list.items
        .iter()
        .map(|o| format!("{}/{}", o.namespace().unwrap_or_default(), o.name_any()))
        .collect()
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn json_patch(ops: serde_json::Value) -> Patch<()> {
    Patch::Json(serde_json::from_value(ops).expect("a valid JSON patch"))
}

fn merge(v: serde_json::Value) -> Patch<serde_json::Value> {
    Patch::Merge(v)
}

// ---------------------------------------------------------------------------------------------
// typed CRUD

#[tokio::test]
async fn configmap_crud() {
    let server = ApiServer::start();
    let client = client_for(&server);
    let cms: Api<ConfigMap> = Api::namespaced(client, "default");
    let pp = PostParams::default();

    let created = cms
        .create(
            &pp,
            &configmap("app-config", &[("app", "web")], &[("a", "1")]),
        )
        .await
        .expect("create");
    assert_fresh(&created.metadata, "app-config", Some("default"));
    assert_eq!(created.data, Some(map(&[("a", "1")])));
    assert_eq!(created.labels(), &map(&[("app", "web")]));

    let got = cms.get("app-config").await.expect("get");
    assert_eq!(got, created, "get differs from what create returned");

    let list = cms.list(&ListParams::default()).await.expect("list");
    let listed: Vec<&ConfigMap> = list
        .items
        .iter()
        .filter(|c| c.name_any() == "app-config")
        .collect();
    assert_eq!(listed, [&created]);
    let list_rv: u64 = list
        .metadata
        .resource_version
        .as_deref()
        .expect("a list carries a resourceVersion")
        .parse()
        .expect("a numeric list resourceVersion");
    assert!(list_rv >= rv(&created.metadata));

    // replace (PUT) with the current resourceVersion
    let mut edit = got.clone();
    edit.data
        .get_or_insert_default()
        .insert("b".into(), "2".into());
    let replaced = cms
        .replace("app-config", &pp, &edit)
        .await
        .expect("replace");
    assert_updated(&created.metadata, &replaced.metadata);
    assert_eq!(replaced.data, Some(map(&[("a", "1"), ("b", "2")])));
    assert_eq!(cms.get("app-config").await.expect("get"), replaced);

    // JSON merge patch: add a label, drop a key, add a key
    let merged = cms
        .patch(
            "app-config",
            &PatchParams::default(),
            &merge(json!({
                "metadata": {"labels": {"tier": "front"}},
                "data": {"a": null, "c": "3"}
            })),
        )
        .await
        .expect("merge patch");
    assert_updated(&replaced.metadata, &merged.metadata);
    assert_eq!(merged.labels(), &map(&[("app", "web"), ("tier", "front")]));
    assert_eq!(merged.data, Some(map(&[("b", "2"), ("c", "3")])));

    // JSON patch (RFC 6902), including a passing test operation
    let patched = cms
        .patch(
            "app-config",
            &PatchParams::default(),
            &json_patch(json!([
                {"op": "test", "path": "/data/c", "value": "3"},
                {"op": "add", "path": "/data/d", "value": "4"},
                {"op": "remove", "path": "/data/b"},
                {"op": "replace", "path": "/metadata/labels/app", "value": "api"}
            ])),
        )
        .await
        .expect("json patch");
    assert_updated(&merged.metadata, &patched.metadata);
    assert_eq!(patched.data, Some(map(&[("c", "3"), ("d", "4")])));
    assert_eq!(patched.labels(), &map(&[("app", "api"), ("tier", "front")]));
    assert_eq!(cms.get("app-config").await.expect("get"), patched);

    // a failing test operation changes nothing: 422
    let s = api_error(
        cms.patch(
            "app-config",
            &PatchParams::default(),
            &json_patch(json!([
                {"op": "test", "path": "/data/c", "value": "wrong"},
                {"op": "add", "path": "/data/e", "value": "5"}
            ])),
        )
        .await,
    );
    assert_eq!(s.code, 422, "a failed JSON patch test answered {s:?}");
    assert_eq!(cms.get("app-config").await.expect("get"), patched);

    delete_and_confirm(&cms, "app-config", "configmaps").await;
    let list = cms.list(&ListParams::default()).await.expect("list");
    assert!(list.items.iter().all(|c| c.name_any() != "app-config"));

    // generateName: the server picks the name, the prefix plus five characters
    let mut named_by_server = configmap("", &[], &[("g", "1")]);
    named_by_server.metadata.name = None;
    named_by_server.metadata.generate_name = Some("gen-".into());
    let generated = cms
        .create(&pp, &named_by_server)
        .await
        .expect("create with generateName");
    let name = generated.name_any();
    assert!(
        name.starts_with("gen-") && name.len() == 9,
        "generated name {name:?}"
    );
    assert_fresh(&generated.metadata, &name, Some("default"));
    assert_eq!(cms.get(&name).await.expect("get"), generated);

    // a dry-run create answers the object and stores nothing
    let dry = PostParams {
        dry_run: true,
        ..Default::default()
    };
    let answered = cms
        .create(&dry, &configmap("dry", &[], &[("d", "1")]))
        .await
        .expect("dry-run create");
    assert_eq!(answered.name_any(), "dry");
    assert_eq!(answered.data, Some(map(&[("d", "1")])));
    assert_not_found(cms.get("dry").await, "configmaps", "dry");
}

#[tokio::test]
async fn secret_crud() {
    let server = ApiServer::start();
    let client = client_for(&server);
    let secrets: Api<Secret> = Api::namespaced(client, "default");
    let pp = PostParams::default();

    let secret = Secret {
        metadata: meta("db-creds", &[("app", "db")]),
        data: Some(bytes_map(&[("password", "s3cr3t")])),
        ..Default::default()
    };
    let created = secrets.create(&pp, &secret).await.expect("create");
    assert_fresh(&created.metadata, "db-creds", Some("default"));
    assert_eq!(created.data, Some(bytes_map(&[("password", "s3cr3t")])));
    assert_eq!(
        created.type_.as_deref(),
        Some("Opaque"),
        "the type defaults to Opaque"
    );

    let got = secrets.get("db-creds").await.expect("get");
    assert_eq!(got, created);
    let list = secrets.list(&ListParams::default()).await.expect("list");
    assert_eq!(
        list.items
            .iter()
            .filter(|s| s.name_any() == "db-creds")
            .collect::<Vec<_>>(),
        [&created]
    );

    let mut edit = got.clone();
    edit.data = Some(bytes_map(&[("password", "n3w"), ("user", "admin")]));
    let replaced = secrets
        .replace("db-creds", &pp, &edit)
        .await
        .expect("replace");
    assert_updated(&created.metadata, &replaced.metadata);
    assert_eq!(
        replaced.data,
        Some(bytes_map(&[("password", "n3w"), ("user", "admin")]))
    );

    let merged = secrets
        .patch(
            "db-creds",
            &PatchParams::default(),
            &merge(json!({"data": {"token": "dDBr"}, "metadata": {"annotations": {"note": "x"}}})),
        )
        .await
        .expect("merge patch");
    assert_updated(&replaced.metadata, &merged.metadata);
    assert_eq!(
        merged.data,
        Some(bytes_map(&[
            ("password", "n3w"),
            ("token", "t0k"),
            ("user", "admin")
        ]))
    );
    assert_eq!(merged.annotations(), &map(&[("note", "x")]));

    let patched = secrets
        .patch(
            "db-creds",
            &PatchParams::default(),
            &json_patch(json!([
                {"op": "remove", "path": "/data/user"},
                {"op": "add", "path": "/data/extra", "value": "ZXh0cmE="}
            ])),
        )
        .await
        .expect("json patch");
    assert_updated(&merged.metadata, &patched.metadata);
    assert_eq!(
        patched.data,
        Some(bytes_map(&[
            ("extra", "extra"),
            ("password", "n3w"),
            ("token", "t0k")
        ]))
    );
    assert_eq!(secrets.get("db-creds").await.expect("get"), patched);

    delete_and_confirm(&secrets, "db-creds", "secrets").await;

    // stringData is merged into data on every write and never stored or returned
    let secret = Secret {
        metadata: meta("with-strings", &[]),
        data: Some(bytes_map(&[("password", "s3cr3t"), ("user", "nobody")])),
        string_data: Some(map(&[("user", "admin")])),
        ..Default::default()
    };
    let created = secrets.create(&pp, &secret).await.expect("create");
    assert_eq!(
        (created.data.clone(), created.string_data.clone()),
        (
            Some(bytes_map(&[("password", "s3cr3t"), ("user", "admin")])),
            None
        ),
        "stringData was not merged into data on create"
    );
    assert_eq!(secrets.get("with-strings").await.expect("get"), created);
    let merged = secrets
        .patch(
            "with-strings",
            &PatchParams::default(),
            &merge(json!({"stringData": {"token": "t0k"}})),
        )
        .await
        .expect("merge patch");
    assert_eq!(
        (merged.data.clone(), merged.string_data.clone()),
        (
            Some(bytes_map(&[
                ("password", "s3cr3t"),
                ("token", "t0k"),
                ("user", "admin")
            ])),
            None
        ),
        "stringData was not merged into data on patch"
    );

    // the type of a secret cannot change
    let s = api_error(
        secrets
            .patch(
                "with-strings",
                &PatchParams::default(),
                &merge(json!({"type": "example.com/other"})),
            )
            .await,
    );
    assert_status(&s, 422, "Invalid");
    assert!(
        s.details
            .as_ref()
            .is_some_and(|d| d.causes.iter().any(|c| c.field == "type")),
        "{s:?}"
    );
}

fn deployment(name: &str, replicas: i32, image: &str) -> Deployment {
    let labels = map(&[("app", name)]);
    Deployment {
        metadata: meta(name, &[("app", name)]),
        spec: Some(DeploymentSpec {
            replicas: Some(replicas),
            selector: LabelSelector {
                match_labels: Some(labels.clone()),
                ..Default::default()
            },
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(labels),
                    ..Default::default()
                }),
                spec: Some(PodSpec {
                    containers: vec![Container {
                        name: "main".into(),
                        image: Some(image.into()),
                        ..Default::default()
                    }],
                    ..Default::default()
                }),
            },
            ..Default::default()
        }),
        ..Default::default()
    }
}

#[tokio::test]
async fn deployment_crud_and_generation() {
    let server = ApiServer::start();
    let client = client_for(&server);
    let deploys: Api<Deployment> = Api::namespaced(client, "default");
    let pp = PostParams::default();

    let created = deploys
        .create(&pp, &deployment("web", 1, "nginx:1.27"))
        .await
        .expect("create");
    assert_fresh(&created.metadata, "web", Some("default"));
    assert_eq!(created.metadata.generation, Some(1));
    let spec = created.spec.as_ref().expect("spec");
    assert_eq!(spec.replicas, Some(1));
    // defaults real Kubernetes fills in
    let strategy = spec.strategy.as_ref().expect("spec.strategy is defaulted");
    assert_eq!(strategy.type_.as_deref(), Some("RollingUpdate"));
    assert_eq!(spec.revision_history_limit, Some(10));
    assert_eq!(spec.progress_deadline_seconds, Some(600));
    let pod = spec.template.spec.as_ref().expect("template spec");
    assert_eq!(pod.restart_policy.as_deref(), Some("Always"));
    assert_eq!(pod.dns_policy.as_deref(), Some("ClusterFirst"));
    assert_eq!(
        pod.containers[0].image_pull_policy.as_deref(),
        Some("IfNotPresent")
    );
    assert_eq!(
        pod.containers[0].termination_message_path.as_deref(),
        Some("/dev/termination-log")
    );

    let got = deploys.get("web").await.expect("get");
    assert_eq!(got, created);
    assert_eq!(
        deploys
            .list(&ListParams::default())
            .await
            .expect("list")
            .items,
        std::slice::from_ref(&created)
    );

    // a label-only change does not bump the generation
    let labelled = deploys
        .patch(
            "web",
            &PatchParams::default(),
            &merge(json!({"metadata": {"labels": {"team": "blue"}}})),
        )
        .await
        .expect("merge patch labels");
    assert_updated(&created.metadata, &labelled.metadata);
    assert_eq!(labelled.metadata.generation, Some(1));
    assert_eq!(labelled.labels(), &map(&[("app", "web"), ("team", "blue")]));

    // neither does an annotation change by replace
    let mut edit = labelled.clone();
    edit.annotations_mut().insert("note".into(), "hi".into());
    let annotated = deploys.replace("web", &pp, &edit).await.expect("replace");
    assert_updated(&labelled.metadata, &annotated.metadata);
    assert_eq!(annotated.metadata.generation, Some(1));

    // a spec change does
    let scaled = deploys
        .patch(
            "web",
            &PatchParams::default(),
            &merge(json!({"spec": {"replicas": 3}})),
        )
        .await
        .expect("merge patch spec");
    assert_updated(&annotated.metadata, &scaled.metadata);
    assert_eq!(scaled.metadata.generation, Some(2));
    assert_eq!(scaled.spec.as_ref().unwrap().replicas, Some(3));

    let mut edit = scaled.clone();
    edit.spec
        .as_mut()
        .unwrap()
        .template
        .spec
        .as_mut()
        .unwrap()
        .containers[0]
        .image = Some("nginx:1.28".into());
    let rolled = deploys.replace("web", &pp, &edit).await.expect("replace");
    assert_updated(&scaled.metadata, &rolled.metadata);
    assert_eq!(rolled.metadata.generation, Some(3));

    let patched = deploys
        .patch(
            "web",
            &PatchParams::default(),
            &json_patch(json!([{"op": "replace", "path": "/spec/replicas", "value": 5}])),
        )
        .await
        .expect("json patch");
    assert_updated(&rolled.metadata, &patched.metadata);
    assert_eq!(patched.metadata.generation, Some(4));
    assert_eq!(patched.spec.as_ref().unwrap().replicas, Some(5));

    // status goes through the status subresource only, and never bumps the generation
    let with_status = deploys
        .patch_status(
            "web",
            &PatchParams::default(),
            &merge(json!({"status": {"observedGeneration": 4, "replicas": 5}})),
        )
        .await
        .expect("patch status");
    assert_updated(&patched.metadata, &with_status.metadata);
    assert_eq!(with_status.metadata.generation, Some(4));
    let status = with_status.status.clone().expect("status");
    assert_eq!(
        (status.observed_generation, status.replicas),
        (Some(4), Some(5))
    );
    let mut edit = with_status.clone();
    edit.status.as_mut().unwrap().replicas = Some(99);
    edit.labels_mut().insert("pass".into(), "2".into());
    let replaced = deploys.replace("web", &pp, &edit).await.expect("replace");
    assert_eq!(
        replaced.status.as_ref().unwrap().replicas,
        Some(5),
        "a main-resource update changed status"
    );
    assert_eq!(replaced.metadata.generation, Some(4));

    delete_and_confirm(&deploys, "web", "deployments.apps").await;
}

#[tokio::test]
async fn namespace_crud() {
    let server = ApiServer::start();
    let client = client_for(&server);
    let namespaces: Api<Namespace> = Api::all(client.clone());
    let pp = PostParams::default();

    let created = namespaces
        .create(&pp, &namespace("team-a"))
        .await
        .expect("create");
    assert_fresh(&created.metadata, "team-a", None);
    assert_eq!(
        created.status.as_ref().and_then(|s| s.phase.as_deref()),
        Some("Active")
    );
    assert_eq!(
        created.spec.as_ref().and_then(|s| s.finalizers.clone()),
        Some(vec!["kubernetes".to_string()])
    );
    assert_eq!(namespaces.get("team-a").await.expect("get"), created);

    let all = names(&namespaces, &ListParams::default()).await;
    for ns in [
        "default",
        "kube-node-lease",
        "kube-public",
        "kube-system",
        "team-a",
    ] {
        assert!(all.contains(&ns.to_string()), "{ns} missing from {all:?}");
    }
    let mut sorted = all.clone();
    sorted.sort();
    assert_eq!(all, sorted, "a list is sorted by name");

    let mut edit = created.clone();
    edit.labels_mut().insert("env".into(), "dev".into());
    let replaced = namespaces
        .replace("team-a", &pp, &edit)
        .await
        .expect("replace");
    assert_updated(&created.metadata, &replaced.metadata);
    assert_eq!(replaced.labels().get("env"), Some(&"dev".to_string()));

    let merged = namespaces
        .patch(
            "team-a",
            &PatchParams::default(),
            &merge(json!({"metadata": {"annotations": {"owner": "alice"}}})),
        )
        .await
        .expect("merge patch");
    assert_updated(&replaced.metadata, &merged.metadata);
    assert_eq!(merged.annotations(), &map(&[("owner", "alice")]));

    let patched = namespaces
        .patch(
            "team-a",
            &PatchParams::default(),
            &json_patch(json!([{"op": "remove", "path": "/metadata/labels/env"}])),
        )
        .await
        .expect("json patch");
    assert_updated(&merged.metadata, &patched.metadata);
    assert!(!patched.labels().contains_key("env"));

    // a namespace holding objects: deletion marks it Terminating, then it goes away
    let cms: Api<ConfigMap> = Api::namespaced(client.clone(), "team-a");
    cms.create(&pp, &configmap("inside", &[], &[("k", "v")]))
        .await
        .expect("create in the namespace");
    let deleted = namespaces
        .delete("team-a", &DeleteParams::default())
        .await
        .expect("delete")
        .either(Ok, Err);
    match deleted {
        Ok(ns) => {
            assert!(ns.metadata.deletion_timestamp.is_some());
            assert_eq!(
                ns.status.as_ref().and_then(|s| s.phase.as_deref()),
                Some("Terminating")
            );
        }
        Err(s) => panic!("deleting a namespace answered a status: {s:?}"),
    }
    // no new objects while it terminates
    let s = api_error(
        cms.create(&pp, &configmap("late", &[], &[("k", "v")]))
            .await,
    );
    assert_status(&s, 403, "Forbidden");
    let forbidden = s;
    let deadline = Instant::now() + SETTLE;
    loop {
        match namespaces.get("team-a").await {
            Err(kube::Error::Api(s)) if s.code == 404 => break,
            Ok(ns) if Instant::now() < deadline => {
                assert!(ns.metadata.deletion_timestamp.is_some());
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            other => panic!("namespace team-a was not removed within {SETTLE:?}: {other:?}"),
        }
    }
    assert_not_found(cms.get("inside").await, "configmaps", "inside");

    assert_eq!(
        forbidden.message,
        "configmaps \"late\" is forbidden: unable to create new content in namespace team-a \
         because it is being terminated"
    );

    // the server labels every namespace with its name, and keeps the label
    assert_eq!(
        created.labels().get("kubernetes.io/metadata.name"),
        Some(&"team-a".to_string()),
        "the name label is set on create"
    );
    assert_eq!(
        patched.labels().get("kubernetes.io/metadata.name"),
        Some(&"team-a".to_string()),
        "the name label cannot be removed"
    );
}

// ---------------------------------------------------------------------------------------------
// selectors and pagination

#[tokio::test]
async fn list_selectors_and_pagination() {
    let server = ApiServer::start();
    let client = client_for(&server);
    let pp = PostParams::default();
    let namespaces: Api<Namespace> = Api::all(client.clone());
    for ns in ["sel", "other"] {
        namespaces
            .create(&pp, &namespace(ns))
            .await
            .expect("create namespace");
    }
    let sel: Api<ConfigMap> = Api::namespaced(client.clone(), "sel");
    let other: Api<ConfigMap> = Api::namespaced(client.clone(), "other");
    let all: Api<ConfigMap> = Api::all(client.clone());
    let objects: [(&str, &[(&str, &str)]); 7] = [
        ("cm-0", &[("app", "a"), ("tier", "web")]),
        ("cm-1", &[("app", "a"), ("tier", "db")]),
        ("cm-2", &[("app", "a")]),
        ("cm-3", &[("app", "b"), ("tier", "web")]),
        ("cm-4", &[("app", "b")]),
        ("cm-5", &[("app", "c"), ("tier", "web")]),
        ("cm-6", &[("tier", "db")]),
    ];
    // created out of order: lists come back sorted by name anyway
    for i in [3, 0, 6, 1, 5, 2, 4] {
        let (name, labels) = objects[i];
        sel.create(&pp, &configmap(name, labels, &[("i", &i.to_string())]))
            .await
            .expect("create");
    }
    other
        .create(&pp, &configmap("cm-0", &[("app", "a")], &[]))
        .await
        .expect("create");
    other
        .create(&pp, &configmap("x-1", &[("app", "b")], &[]))
        .await
        .expect("create");

    let cases: [(&str, &[&str]); 12] = [
        (
            "",
            &["cm-0", "cm-1", "cm-2", "cm-3", "cm-4", "cm-5", "cm-6"],
        ),
        ("app=a", &["cm-0", "cm-1", "cm-2"]),
        ("app==a", &["cm-0", "cm-1", "cm-2"]),
        ("app!=a", &["cm-3", "cm-4", "cm-5", "cm-6"]),
        ("app in (a,b)", &["cm-0", "cm-1", "cm-2", "cm-3", "cm-4"]),
        ("app notin (a,b)", &["cm-5", "cm-6"]),
        ("app", &["cm-0", "cm-1", "cm-2", "cm-3", "cm-4", "cm-5"]),
        ("!app", &["cm-6"]),
        ("tier", &["cm-0", "cm-1", "cm-3", "cm-5", "cm-6"]),
        ("app=a,tier=web", &["cm-0"]),
        ("app in (a,c),!tier", &["cm-2"]),
        ("tier notin (web),app", &["cm-1", "cm-2", "cm-4"]),
    ];
    for (selector, want) in cases {
        let lp = ListParams::default().labels(selector);
        assert_eq!(
            names(&sel, &lp).await,
            strs(want),
            "labelSelector {selector:?}"
        );
    }

    // field selectors
    assert_eq!(
        names(&sel, &ListParams::default().fields("metadata.name=cm-3")).await,
        ["cm-3"]
    );
    assert_eq!(
        names(&sel, &ListParams::default().fields("metadata.name==cm-3")).await,
        ["cm-3"]
    );
    assert_eq!(
        names(&sel, &ListParams::default().fields("metadata.name!=cm-3")).await,
        strs(&["cm-0", "cm-1", "cm-2", "cm-4", "cm-5", "cm-6"])
    );
    assert_eq!(
        names(
            &sel,
            &ListParams::default().fields("metadata.namespace=sel")
        )
        .await,
        strs(&["cm-0", "cm-1", "cm-2", "cm-3", "cm-4", "cm-5", "cm-6"])
    );
    assert!(
        names(
            &sel,
            &ListParams::default().fields("metadata.namespace=other")
        )
        .await
        .is_empty()
    );
    assert_eq!(
        qualified_names(
            &all,
            &ListParams::default().fields("metadata.namespace=other")
        )
        .await,
        ["other/cm-0", "other/x-1"]
    );
    assert_eq!(
        qualified_names(&all, &ListParams::default().fields("metadata.name=cm-0")).await,
        ["other/cm-0", "sel/cm-0"],
        "an all-namespaces list is sorted by namespace, then name"
    );
    assert_eq!(
        qualified_names(
            &all,
            &ListParams::default()
                .fields("metadata.namespace!=sel")
                .labels("app=b")
        )
        .await,
        ["other/x-1"]
    );
    assert_eq!(
        qualified_names(
            &all,
            &ListParams::default()
                .fields("metadata.namespace=sel,metadata.name!=cm-1")
                .labels("app=a")
        )
        .await,
        ["sel/cm-0", "sel/cm-2"]
    );

    // bad selectors are 400s
    let s = api_error(sel.list(&ListParams::default().fields("data.i=1")).await);
    assert_status(&s, 400, "BadRequest");
    let s = api_error(sel.list(&ListParams::default().labels("app in (a")).await);
    assert_status(&s, 400, "BadRequest");

    // pagination: pages of 3 over 7, all from one snapshot even when a write lands between pages
    let page1 = sel
        .list(&ListParams::default().limit(3))
        .await
        .expect("page 1");
    let snapshot = page1.metadata.resource_version.clone().expect("page rv");
    assert_eq!(
        page1.items.iter().map(|c| c.name_any()).collect::<Vec<_>>(),
        ["cm-0", "cm-1", "cm-2"]
    );
    assert_eq!(page1.metadata.remaining_item_count, Some(4));
    let token = page1
        .metadata
        .continue_
        .clone()
        .filter(|t| !t.is_empty())
        .expect("page 1 has a continue token");

    sel.create(&pp, &configmap("cm-25", &[("app", "a")], &[]))
        .await
        .expect("create between pages");
    sel.delete("cm-4", &DeleteParams::default())
        .await
        .expect("delete between pages");

    let page2 = sel
        .list(&ListParams::default().limit(3).continue_token(&token))
        .await
        .expect("page 2");
    assert_eq!(
        page2.items.iter().map(|c| c.name_any()).collect::<Vec<_>>(),
        ["cm-3", "cm-4", "cm-5"],
        "page 2 must come from page 1's snapshot"
    );
    assert_eq!(page2.metadata.resource_version.as_ref(), Some(&snapshot));
    assert_eq!(page2.metadata.remaining_item_count, Some(1));
    let token = page2
        .metadata
        .continue_
        .clone()
        .filter(|t| !t.is_empty())
        .expect("page 2 has a continue token");
    let page3 = sel
        .list(&ListParams::default().limit(3).continue_token(&token))
        .await
        .expect("page 3");
    assert_eq!(
        page3.items.iter().map(|c| c.name_any()).collect::<Vec<_>>(),
        ["cm-6"]
    );
    assert_eq!(page3.metadata.resource_version.as_ref(), Some(&snapshot));
    assert!(
        page3.metadata.continue_.as_deref().unwrap_or("").is_empty(),
        "the last page has no continue token"
    );
    assert_eq!(page3.metadata.remaining_item_count, None);

    // a fresh list sees the writes made between pages
    assert_eq!(
        names(&sel, &ListParams::default()).await,
        strs(&["cm-0", "cm-1", "cm-2", "cm-25", "cm-3", "cm-5", "cm-6"])
    );

    // pagination with a selector: pages hold matching items only
    let lp = ListParams::default().labels("app in (a,b)").limit(2);
    let mut pages = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut p = lp.clone();
        if let Some(t) = &token {
            p = p.continue_token(t);
        }
        let page = sel.list(&p).await.expect("page");
        pages.push(page.items.iter().map(|c| c.name_any()).collect::<Vec<_>>());
        token = page.metadata.continue_.filter(|t| !t.is_empty());
        if token.is_none() {
            break;
        }
        assert!(pages.len() < 10, "pagination does not end: {pages:?}");
    }
    assert_eq!(
        pages,
        [
            strs(&["cm-0", "cm-1"]),
            strs(&["cm-2", "cm-25"]),
            strs(&["cm-3"])
        ]
    );

    // pagination across namespaces
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut p = ListParams::default().limit(4).labels("app");
        if let Some(t) = &token {
            p = p.continue_token(t);
        }
        let page = all.list(&p).await.expect("page");
        assert!(page.items.len() <= 4);
        seen.extend(
            page.items
                .iter()
                .map(|o| format!("{}/{}", o.namespace().unwrap_or_default(), o.name_any())),
        );
        token = page.metadata.continue_.filter(|t| !t.is_empty());
        if token.is_none() {
            break;
        }
    }
    assert_eq!(
        seen,
        strs(&[
            "other/cm-0",
            "other/x-1",
            "sel/cm-0",
            "sel/cm-1",
            "sel/cm-2",
            "sel/cm-25",
            "sel/cm-3",
            "sel/cm-5"
        ])
    );

    // a malformed continue token is a 400
    let s = api_error(
        sel.list(&ListParams::default().limit(3).continue_token("not-a-token"))
            .await,
    );
    assert_status(&s, 400, "BadRequest");
}

// ---------------------------------------------------------------------------------------------
// optimistic concurrency and errors

#[tokio::test]
async fn stale_writes_conflict() {
    let server = ApiServer::start();
    let client = client_for(&server);
    let cms: Api<ConfigMap> = Api::namespaced(client, "default");
    let pp = PostParams::default();

    cms.create(&pp, &configmap("shared", &[], &[("v", "0")]))
        .await
        .expect("create");
    let stale = cms.get("shared").await.expect("get");

    let mut first = stale.clone();
    first.data = Some(map(&[("v", "1")]));
    let updated = cms
        .replace("shared", &pp, &first)
        .await
        .expect("first update");
    assert_updated(&stale.metadata, &updated.metadata);

    // PUT with the old resourceVersion
    let mut second = stale.clone();
    second.data = Some(map(&[("v", "2")]));
    let s = api_error(cms.replace("shared", &pp, &second).await);
    assert_status(&s, 409, "Conflict");
    assert_eq!(
        s.message,
        "Operation cannot be fulfilled on configmaps \"shared\": the object has been modified; \
         please apply your changes to the latest version and try again"
    );
    let d = s.details.as_ref().expect("a Conflict has details");
    assert_eq!((d.name.as_str(), d.kind.as_str()), ("shared", "configmaps"));

    // a merge patch carrying the old resourceVersion is a precondition too
    let s = api_error(
        cms.patch(
            "shared",
            &PatchParams::default(),
            &merge(json!({
                "metadata": {"resourceVersion": stale.metadata.resource_version},
                "data": {"v": "3"}
            })),
        )
        .await,
    );
    assert_status(&s, 409, "Conflict");

    // so is a delete precondition
    let dp = DeleteParams {
        preconditions: Some(Preconditions {
            resource_version: stale.metadata.resource_version.clone(),
            uid: None,
        }),
        ..Default::default()
    };
    let s = api_error(cms.delete("shared", &dp).await);
    assert_status(&s, 409, "Conflict");
    let dp = DeleteParams {
        preconditions: Some(Preconditions {
            resource_version: None,
            uid: Some("00000000-0000-0000-0000-000000000000".into()),
        }),
        ..Default::default()
    };
    let s = api_error(cms.delete("shared", &dp).await);
    assert_status(&s, 409, "Conflict");

    // nothing of the rejected writes landed
    let now = cms.get("shared").await.expect("get");
    assert_eq!(now, updated);

    // with the current resourceVersion everything works
    let mut third = now.clone();
    third.data = Some(map(&[("v", "4")]));
    let latest = cms
        .replace("shared", &pp, &third)
        .await
        .expect("update with the current resourceVersion");
    assert_updated(&now.metadata, &latest.metadata);
    let dp = DeleteParams {
        preconditions: Some(Preconditions {
            resource_version: latest.metadata.resource_version.clone(),
            uid: latest.metadata.uid.clone(),
        }),
        ..Default::default()
    };
    cms.delete("shared", &dp)
        .await
        .expect("delete with matching preconditions");
    assert_not_found(cms.get("shared").await, "configmaps", "shared");
}

#[tokio::test]
async fn error_statuses() {
    let server = ApiServer::start();
    let client = client_for(&server);
    let cms: Api<ConfigMap> = Api::namespaced(client.clone(), "default");
    let pp = PostParams::default();

    // get, replace, patch and delete of a missing object: 404 NotFound
    assert_not_found(cms.get("missing").await, "configmaps", "missing");
    assert_not_found(
        cms.replace("missing", &pp, &configmap("missing", &[], &[]))
            .await,
        "configmaps",
        "missing",
    );
    assert_not_found(
        cms.patch(
            "missing",
            &PatchParams::default(),
            &merge(json!({"data": {"a": "b"}})),
        )
        .await,
        "configmaps",
        "missing",
    );
    assert_not_found(
        cms.delete("missing", &DeleteParams::default()).await,
        "configmaps",
        "missing",
    );
    let deploys: Api<Deployment> = Api::namespaced(client.clone(), "default");
    let s = api_error(deploys.get("missing").await);
    assert_status(&s, 404, "NotFound");
    assert_eq!(s.message, "deployments.apps \"missing\" not found");
    let d = s.details.as_ref().expect("details");
    assert_eq!(
        (d.name.as_str(), d.group.as_str(), d.kind.as_str()),
        ("missing", "apps", "deployments")
    );

    // create of an existing name: 409 AlreadyExists
    cms.create(&pp, &configmap("dup", &[], &[("a", "1")]))
        .await
        .expect("create");
    let s = api_error(cms.create(&pp, &configmap("dup", &[], &[("a", "2")])).await);
    assert_status(&s, 409, "AlreadyExists");
    assert_eq!(s.message, "configmaps \"dup\" already exists");
    let d = s.details.as_ref().expect("details");
    assert_eq!((d.name.as_str(), d.kind.as_str()), ("dup", "configmaps"));
    assert_eq!(
        cms.get("dup").await.expect("get").data,
        Some(map(&[("a", "1")]))
    );

    // an invalid name: 422 Invalid, with the field in the causes
    let s = api_error(cms.create(&pp, &configmap("Bad_Name", &[], &[])).await);
    assert_status(&s, 422, "Invalid");
    assert!(
        s.message.starts_with(
            "ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\""
        ),
        "message: {}",
        s.message
    );
    let d = s.details.as_ref().expect("details");
    assert_eq!(
        (d.name.as_str(), d.kind.as_str()),
        ("Bad_Name", "ConfigMap")
    );
    assert!(
        d.causes
            .iter()
            .any(|c| c.field == "metadata.name" && c.reason == "FieldValueInvalid"),
        "causes: {:?}",
        d.causes
    );
    // ... and an invalid label value
    let s = api_error(
        cms.create(&pp, &configmap("ok-name", &[("app", "not valid!")], &[]))
            .await,
    );
    assert_status(&s, 422, "Invalid");
    assert!(
        s.details
            .as_ref()
            .expect("details")
            .causes
            .iter()
            .any(|c| c.field == "metadata.labels"),
        "causes: {s:?}"
    );

    // a create in a namespace that does not exist: 404 for the namespace
    let ghost: Api<ConfigMap> = Api::namespaced(client.clone(), "no-such-ns");
    let s = api_error(ghost.create(&pp, &configmap("x", &[], &[])).await);
    assert_status(&s, 404, "NotFound");
    assert_eq!(s.message, "namespaces \"no-such-ns\" not found");
    let d = s.details.as_ref().expect("details");
    assert_eq!(
        (d.name.as_str(), d.kind.as_str()),
        ("no-such-ns", "namespaces")
    );

    // a body whose name differs from the URL's: 400 BadRequest
    let current = cms.get("dup").await.expect("get");
    let mut renamed = current.clone();
    renamed.metadata.name = Some("other".into());
    let s = api_error(cms.replace("dup", &pp, &renamed).await);
    assert_status(&s, 400, "BadRequest");

    // a body in another namespace than the URL's: 400 BadRequest
    let mut moved = configmap("moved", &[], &[]);
    moved.metadata.namespace = Some("kube-system".into());
    let s = api_error(cms.create(&pp, &moved).await);
    assert_status(&s, 400, "BadRequest");
    assert_not_found(cms.get("moved").await, "configmaps", "moved");

    // a Deployment whose selector does not match its template's labels: 422 Invalid
    let mut bad = deployment("bad", 1, "nginx:1.27");
    bad.spec.as_mut().unwrap().selector.match_labels = Some(map(&[("app", "other")]));
    let s = api_error(deploys.create(&pp, &bad).await);
    assert_status(&s, 422, "Invalid");
    assert!(
        s.message
            .starts_with("Deployment.apps \"bad\" is invalid: "),
        "message: {}",
        s.message
    );
    let d = s.details.as_ref().expect("details");
    assert_eq!(
        (d.name.as_str(), d.group.as_str(), d.kind.as_str()),
        ("bad", "apps", "Deployment")
    );
    assert!(
        d.causes
            .iter()
            .any(|c| c.field == "spec.template.metadata.labels"),
        "causes: {:?}",
        d.causes
    );
    assert_not_found(deploys.get("bad").await, "deployments.apps", "bad");
}

// ---------------------------------------------------------------------------------------------
// watches with selectors

/// One raw watch event, reduced to what the assertions compare.
#[derive(Debug, PartialEq, Eq)]
struct Raw {
    kind: &'static str,
    name: String,
    rv: u64,
    labels: BTreeMap<String, String>,
}

/// Reads a raw watch until an event for `last` arrives (or panics after `SETTLE`).
async fn raw_events(
    stream: impl futures::Stream<Item = Result<WatchEvent<ConfigMap>, kube::Error>>,
    last: &str,
) -> Vec<Raw> {
    let mut stream = pin!(stream);
    let mut out = Vec::new();
    let deadline = tokio::time::Instant::now() + SETTLE;
    loop {
        let ev = tokio::time::timeout_at(deadline, stream.next())
            .await
            .unwrap_or_else(|_| panic!("no event for {last} within {SETTLE:?}; got {out:?}"))
            .unwrap_or_else(|| panic!("the watch ended before an event for {last}; got {out:?}"))
            .expect("a watch event");
        let (kind, c) = match ev {
            WatchEvent::Added(c) => ("ADDED", c),
            WatchEvent::Modified(c) => ("MODIFIED", c),
            WatchEvent::Deleted(c) => ("DELETED", c),
            WatchEvent::Bookmark(_) => continue,
            WatchEvent::Error(s) => panic!("watch error {s:?}"),
        };
        let done = c.name_any() == last;
        out.push(Raw {
            kind,
            name: c.name_any(),
            rv: rv(&c.metadata),
            labels: c.labels().clone(),
        });
        if done {
            return out;
        }
    }
}

#[tokio::test]
async fn watch_with_selectors_sees_objects_enter_and_leave() {
    let server = ApiServer::start();
    let client = client_for(&server);
    let cms: Api<ConfigMap> = Api::namespaced(client, "default");
    let pp = PostParams::default();
    let dp = DeleteParams::default();
    let web = ListParams::default().labels("app=web");
    let from = cms
        .list(&web)
        .await
        .expect("list")
        .metadata
        .resource_version
        .expect("a list resourceVersion");
    let stream = cms
        .watch(&WatchParams::default().labels("app=web"), &from)
        .await
        .expect("watch");

    let label = |app: &str| merge(json!({"metadata": {"labels": {"app": app}}}));
    let x = cms
        .create(&pp, &configmap("x", &[("app", "web")], &[]))
        .await
        .expect("create x");
    cms.create(&pp, &configmap("y", &[("app", "db")], &[]))
        .await
        .expect("create y");
    let y_in = cms
        .patch("y", &PatchParams::default(), &label("web"))
        .await
        .expect("y joins");
    let x_out = cms
        .patch("x", &PatchParams::default(), &label("db"))
        .await
        .expect("x leaves");
    cms.patch(
        "x",
        &PatchParams::default(),
        &merge(json!({"data": {"v": "1"}})),
    )
    .await
    .expect("x changes outside the selection");
    let y_mod = cms
        .patch(
            "y",
            &PatchParams::default(),
            &merge(json!({"data": {"v": "1"}})),
        )
        .await
        .expect("y changes inside the selection");
    cms.delete("y", &dp).await.expect("delete y");
    let z = cms
        .create(&pp, &configmap("z", &[("app", "web")], &[]))
        .await
        .expect("create z");

    let events = raw_events(stream, "z").await;
    let web_labels = map(&[("app", "web")]);
    let want_head = [
        Raw {
            kind: "ADDED",
            name: "x".into(),
            rv: rv(&x.metadata),
            labels: web_labels.clone(),
        },
        Raw {
            kind: "ADDED",
            name: "y".into(),
            rv: rv(&y_in.metadata),
            labels: web_labels.clone(),
        },
        // an object leaving the selection is a DELETED carrying its previous content at the
        // revision of the change
        Raw {
            kind: "DELETED",
            name: "x".into(),
            rv: rv(&x_out.metadata),
            labels: web_labels.clone(),
        },
        Raw {
            kind: "MODIFIED",
            name: "y".into(),
            rv: rv(&y_mod.metadata),
            labels: web_labels.clone(),
        },
    ];
    assert_eq!(events.len(), 6, "events: {events:#?}");
    assert_eq!(events[..4], want_head, "events: {events:#?}");
    assert_eq!(
        (events[4].kind, events[4].name.as_str()),
        ("DELETED", "y"),
        "events: {events:#?}"
    );
    assert!(events[4].rv > rv(&y_mod.metadata) && events[4].rv < rv(&z.metadata));
    assert_eq!(
        events[5],
        Raw {
            kind: "ADDED",
            name: "z".into(),
            rv: rv(&z.metadata),
            labels: web_labels.clone(),
        }
    );

    // a watch of one named object from resourceVersion 0 starts with its current state (how
    // `kubectl get -w NAME` and `kubectl wait` begin)
    let stream = cms
        .watch(&WatchParams::default().fields("metadata.name=x"), "0")
        .await
        .expect("watch one object");
    cms.create(&pp, &configmap("after", &[], &[]))
        .await
        .expect("create");
    let got = raw_events(stream, "x").await;
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].kind, "ADDED");
    assert_eq!(got[0].labels, map(&[("app", "db")]));
    assert_eq!(got[0].rv, rv(&cms.get("x").await.expect("get x").metadata));
}

// ---------------------------------------------------------------------------------------------
// the kube-runtime watcher

/// What a watcher event told us about one object.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Seen {
    /// Part of an initial list (or a re-list).
    Listed(String, u64),
    Applied(String, u64),
    Deleted(String, u64),
}

/// A reflector kept by hand from the raw watcher events, plus everything it saw.
#[derive(Default)]
struct Reflection {
    state: BTreeMap<String, ConfigMap>,
    relist: Option<BTreeMap<String, ConfigMap>>,
    /// How many (re-)lists completed (`InitDone`).
    lists: usize,
    /// Every object event, in arrival order, tagged with the number of lists done before it.
    log: Vec<(usize, Seen)>,
    /// Error events that were 410 Expired.
    expired: usize,
    errors: Vec<String>,
}

impl Reflection {
    fn apply(&mut self, ev: watcher::Event<ConfigMap>) {
        let name = |c: &ConfigMap| c.name_any();
        let rv = |c: &ConfigMap| rv(&c.metadata);
        match ev {
            watcher::Event::Init => self.relist = Some(BTreeMap::new()),
            watcher::Event::InitApply(c) => {
                self.log.push((self.lists, Seen::Listed(name(&c), rv(&c))));
                self.relist
                    .as_mut()
                    .expect("InitApply outside Init")
                    .insert(name(&c), c);
            }
            watcher::Event::InitDone => {
                self.state = self.relist.take().expect("InitDone outside Init");
                self.lists += 1;
            }
            watcher::Event::Apply(c) => {
                self.log.push((self.lists, Seen::Applied(name(&c), rv(&c))));
                self.state.insert(name(&c), c);
            }
            watcher::Event::Delete(c) => {
                self.log.push((self.lists, Seen::Deleted(name(&c), rv(&c))));
                self.state.remove(&name(&c));
            }
        }
    }

    fn error(&mut self, e: &watcher::Error) {
        if let watcher::Error::WatchError(s) = e
            && s.code == 410
        {
            assert_eq!(s.reason, "Expired", "a 410 watch error: {s:?}");
            self.expired += 1;
        }
        self.errors.push(e.to_string());
    }
}

/// The current objects of `api`, by name.
async fn fresh(api: &Api<ConfigMap>) -> BTreeMap<String, ConfigMap> {
    api.list(&ListParams::default())
        .await
        .expect("list")
        .items
        .into_iter()
        .map(|c| (c.name_any(), c))
        .collect()
}

/// Waits until the reflection holds exactly what a fresh list holds and `extra` holds.
async fn converge(
    api: &Api<ConfigMap>,
    seen: &Mutex<Reflection>,
    what: &str,
    extra: impl Fn(&Reflection) -> bool,
) {
    let want = fresh(api).await;
    let deadline = Instant::now() + SETTLE;
    loop {
        {
            let r = seen.lock().unwrap();
            if r.state == want && extra(&r) {
                return;
            }
            if Instant::now() >= deadline {
                panic!(
                    "{what}: the watcher did not converge within {SETTLE:?}\nwant {:?}\nhave {:?}\nlog {:?}\nerrors {:?}",
                    want.iter()
                        .map(|(k, v)| (k, v.metadata.resource_version.clone()))
                        .collect::<Vec<_>>(),
                    r.state
                        .iter()
                        .map(|(k, v)| (k, v.metadata.resource_version.clone()))
                        .collect::<Vec<_>>(),
                    r.log,
                    r.errors
                );
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The writes a test made, as a watcher must report them: (kind, name, rv); a deletion's
/// revision is unknown to the writer (the API answers a Status), so it is `None`.
type Expected = Vec<(&'static str, String, Option<u64>)>;

/// Checks that the watch events of one list epoch are exactly `want`, in order.
#[track_caller]
fn assert_epoch_events(r: &Reflection, epoch: usize, want: &Expected) {
    let got: Vec<&Seen> = r
        .log
        .iter()
        .filter(|(e, s)| *e == epoch && !matches!(s, Seen::Listed(..)))
        .map(|(_, s)| s)
        .collect();
    let ok = got.len() == want.len()
        && got.iter().zip(want).all(|(g, (kind, name, rv))| match g {
            Seen::Applied(n, r) => *kind == "apply" && n == name && rv.is_none_or(|w| w == *r),
            Seen::Deleted(n, r) => *kind == "delete" && n == name && rv.is_none_or(|w| w == *r),
            Seen::Listed(..) => false,
        });
    assert!(
        ok,
        "watch events after list {epoch} differ from the writes\nwant {want:?}\ngot  {got:?}"
    );
}

/// Per object, the revisions the watcher reported never go backwards, and watch events
/// (as opposed to listed states) strictly increase.
#[track_caller]
fn assert_per_object_order(r: &Reflection) {
    let mut last: BTreeMap<&str, (u64, bool)> = BTreeMap::new();
    for (_, s) in &r.log {
        let (name, rv, listed) = match s {
            Seen::Listed(n, rv) => (n.as_str(), *rv, true),
            Seen::Applied(n, rv) | Seen::Deleted(n, rv) => (n.as_str(), *rv, false),
        };
        if let Some((prev, _)) = last.get(name) {
            if listed {
                assert!(
                    rv >= *prev,
                    "{name}: listed at {rv} after an event at {prev}"
                );
            } else {
                assert!(rv > *prev, "{name}: event at {rv} after one at {prev}");
            }
        }
        last.insert(name, (rv, listed));
    }
}

/// Writes to many objects in namespace `ns` until a watch from revision `from` is refused as
/// expired (the store's background compaction has discarded that history). Returns how many
/// writes it took.
async fn write_until_compacted(client: &Client, ns: &str, from: u64) -> usize {
    const WRITERS: usize = 16;
    let cms: Api<ConfigMap> = Api::namespaced(client.clone(), ns);
    for w in 0..WRITERS {
        cms.create(
            &PostParams::default(),
            &configmap(&format!("flood-{w}"), &[], &[("n", "0")]),
        )
        .await
        .expect("create a flood object");
    }
    let started = Instant::now();
    let limit = Duration::from_secs(300);
    let mut total = WRITERS;
    let mut n = 0u64;
    loop {
        // a batch of concurrent writes, then a probe
        let batch = futures::stream::iter(0..2000u64)
            .map(|i| {
                let cms = cms.clone();
                let v = n + i;
                async move {
                    cms.patch(
                        &format!("flood-{}", v as usize % WRITERS),
                        &PatchParams::default(),
                        &merge(json!({"data": {"n": v.to_string()}})),
                    )
                    .await
                    .map(|_| ())
                }
            })
            .buffer_unordered(WRITERS);
        batch.try_collect::<()>().await.expect("a flood write");
        n += 2000;
        total += 2000;
        if expired_at(&cms, from).await {
            return total;
        }
        assert!(
            started.elapsed() < limit,
            "{total} writes over {limit:?} did not compact revision {from} away"
        );
    }
}

/// Whether a watch from `from` answers the ERROR event 410 Expired (else it must stream).
async fn expired_at(api: &Api<ConfigMap>, from: u64) -> bool {
    let stream = api
        .watch(&WatchParams::default().timeout(1), &from.to_string())
        .await
        .expect("start a watch");
    let mut stream = pin!(stream);
    match tokio::time::timeout(Duration::from_secs(5), stream.next()).await {
        Ok(Some(Ok(WatchEvent::Error(s)))) => {
            assert_status(&s, 410, "Expired");
            true
        }
        // nothing happened in that namespace since: the watch just times out, or it streams
        Ok(None) | Ok(Some(Ok(_))) => false,
        Ok(Some(Err(e))) => panic!("watch from {from}: {e}"),
        Err(_) => panic!("a watch with timeoutSeconds=1 ran past 5s"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watcher_survives_restart_and_relists_after_410() {
    let started = Instant::now();
    let mut server = block_in_place(ApiServer::start);
    let client = client_for(&server);
    let pp = PostParams::default();
    let namespaces: Api<Namespace> = Api::all(client.clone());
    for ns in ["watched", "flood"] {
        namespaces
            .create(&pp, &namespace(ns))
            .await
            .expect("create namespace");
    }
    let cms: Api<ConfigMap> = Api::namespaced(client.clone(), "watched");
    cms.create(&pp, &configmap("before", &[], &[("v", "0")]))
        .await
        .expect("create");

    // the watcher, driven by its own task; `gate` pauses polling it
    let seen = Arc::new(Mutex::new(Reflection::default()));
    let (gate, mut gate_rx) = tokio::sync::watch::channel(true);
    let task = {
        let seen = seen.clone();
        let api = cms.clone();
        tokio::spawn(async move {
            let mut stream = pin!(watcher(api, watcher::Config::default()).default_backoff());
            loop {
                if gate_rx.wait_for(|open| *open).await.is_err() {
                    return;
                }
                let Some(ev) = stream.next().await else {
                    return;
                };
                let mut r = seen.lock().unwrap();
                match ev {
                    Ok(ev) => r.apply(ev),
                    Err(e) => r.error(&e),
                }
            }
        })
    };
    converge(&cms, &seen, "initial list", |r| r.lists == 1).await;

    // phase 1: every change arrives as its own event, in order
    let mut want: Expected = Vec::new();
    let mut last = BTreeMap::new();
    for name in ["a", "b", "c", "d"] {
        let c = cms
            .create(&pp, &configmap(name, &[("n", name)], &[("v", "0")]))
            .await
            .expect("create");
        want.push(("apply", name.into(), Some(rv(&c.metadata))));
        last.insert(name, c);
    }
    for i in 1..=3 {
        let c = cms
            .patch(
                "a",
                &PatchParams::default(),
                &merge(json!({"data": {"v": i.to_string()}})),
            )
            .await
            .expect("patch");
        want.push(("apply", "a".into(), Some(rv(&c.metadata))));
    }
    let mut b = last["b"].clone();
    b.data = Some(map(&[("v", "replaced")]));
    let b = cms.replace("b", &pp, &b).await.expect("replace");
    want.push(("apply", "b".into(), Some(rv(&b.metadata))));
    cms.delete("c", &DeleteParams::default())
        .await
        .expect("delete");
    want.push(("delete", "c".into(), None));
    cms.delete("before", &DeleteParams::default())
        .await
        .expect("delete");
    want.push(("delete", "before".into(), None));
    converge(&cms, &seen, "phase 1", |r| {
        r.log.iter().filter(|(e, _)| *e == 1).count() >= want.len()
    })
    .await;
    {
        let r = seen.lock().unwrap();
        assert_epoch_events(&r, 1, &want);
        assert_eq!(r.lists, 1, "phase 1 caused a re-list: {:?}", r.errors);
    }

    // phase 2: kill -9 and restart under a running watcher; it resumes from its revision,
    // since the store keeps its history across restarts, and misses nothing
    block_in_place(|| server.restart());
    let mut phase2: Expected = Vec::new();
    let c = cms
        .patch(
            "d",
            &PatchParams::default(),
            &merge(json!({"data": {"v": "after-restart"}})),
        )
        .await
        .expect("patch after restart");
    phase2.push(("apply", "d".into(), Some(rv(&c.metadata))));
    cms.delete("b", &DeleteParams::default())
        .await
        .expect("delete after restart");
    phase2.push(("delete", "b".into(), None));
    let e = cms
        .create(&pp, &configmap("e", &[], &[("v", "0")]))
        .await
        .expect("create after restart");
    phase2.push(("apply", "e".into(), Some(rv(&e.metadata))));
    want.extend(phase2);
    converge(&cms, &seen, "after the restart", |r| {
        r.log.iter().filter(|(e, _)| *e == 1).count() >= want.len()
    })
    .await;
    {
        let r = seen.lock().unwrap();
        assert_eq!(
            r.lists, 1,
            "the watcher re-listed after a restart instead of resuming: {:?}",
            r.errors
        );
        assert_epoch_events(&r, 1, &want);
    }

    // a raw watch from revision 1 is fine while that history is retained ...
    assert!(!expired_at(&cms, 1).await, "a watch from 1 expired early");

    // phase 3: pause the watcher, restart the server, change things and let the background
    // compaction discard the history after the watcher's revision: when the watcher resumes,
    // the server answers 410 Expired and the watcher re-lists
    gate.send(false).expect("pause the watcher");
    block_in_place(|| server.restart());
    let a = cms
        .patch(
            "a",
            &PatchParams::default(),
            &merge(json!({"data": {"v": "while-paused"}})),
        )
        .await
        .expect("patch while paused");
    cms.delete("d", &DeleteParams::default())
        .await
        .expect("delete while paused");
    let f = cms
        .create(&pp, &configmap("f", &[], &[("v", "0")]))
        .await
        .expect("create while paused");
    // the watcher's revision is at most this one
    let from = rv(&f.metadata);
    // a continue token taken now is older than the compaction to come
    let page = cms
        .list(&ListParams::default().limit(1))
        .await
        .expect("page");
    let token = page.metadata.continue_.clone().expect("a continue token");
    let flood_started = Instant::now();
    let writes = write_until_compacted(&client, "flood", from).await;
    eprintln!(
        "compaction reached revision {from} after {writes} writes in {:?}",
        flood_started.elapsed()
    );
    // ... and now the raw watches get ERROR 410 Expired, a list at an exact old revision 410,
    // and the stale continue token 410 too
    assert!(expired_at(&cms, 1).await);
    assert!(expired_at(&cms, rv(&a.metadata)).await);
    let s = api_error(
        cms.list(
            &ListParams::default()
                .at(&rv(&a.metadata).to_string())
                .matching(VersionMatch::Exact),
        )
        .await,
    );
    assert_status(&s, 410, "Expired");
    let s = api_error(
        cms.list(&ListParams::default().limit(1).continue_token(&token))
            .await,
    );
    assert_status(&s, 410, "Expired");

    gate.send(true).expect("resume the watcher");
    converge(&cms, &seen, "after the 410", |r| {
        r.lists >= 2 && r.expired >= 1
    })
    .await;

    // phase 4: after the re-list, every change arrives as its own event again
    let mut phase4: Expected = Vec::new();
    let g = cms
        .create(&pp, &configmap("g", &[], &[("v", "0")]))
        .await
        .expect("create");
    phase4.push(("apply", "g".into(), Some(rv(&g.metadata))));
    let a = cms
        .patch(
            "a",
            &PatchParams::default(),
            &merge(json!({"data": {"v": "final"}})),
        )
        .await
        .expect("patch");
    phase4.push(("apply", "a".into(), Some(rv(&a.metadata))));
    cms.delete("e", &DeleteParams::default())
        .await
        .expect("delete");
    phase4.push(("delete", "e".into(), None));
    let lists = seen.lock().unwrap().lists;
    converge(&cms, &seen, "after the re-list", |r| {
        r.log
            .iter()
            .filter(|(e, s)| *e == lists && !matches!(s, Seen::Listed(..)))
            .count()
            >= phase4.len()
    })
    .await;
    {
        let r = seen.lock().unwrap();
        assert_eq!(r.lists, lists, "an unexpected re-list: {:?}", r.errors);
        assert_epoch_events(&r, lists, &phase4);
        assert_per_object_order(&r);
        let names: Vec<&str> = r.state.keys().map(String::as_str).collect();
        assert_eq!(names, ["a", "f", "g"]);
    }
    task.abort();
    eprintln!("watcher test took {:?}", started.elapsed());
}
