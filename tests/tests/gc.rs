//! Garbage collection end to end, through the HTTP API with kube-rs: Deployment →
//! ReplicaSet → Pod chains (made by the test with ownerReferences, since no controllers
//! run) deleted with each propagation policy, and a namespace holding 100 objects of mixed
//! kinds deleted until nothing is left and the namespace is gone.

use std::time::{Duration, Instant};

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::{ConfigMap, Namespace, Pod, Secret, Service, ServiceAccount};
use kube::api::{DeleteParams, ListParams, PostParams, PropagationPolicy};
use kube::{Api, Client, Config, Resource, ResourceExt};
use kubicle_e2e::ApiServer;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

const SETTLE: Duration = Duration::from_secs(30);

fn client_for(server: &ApiServer) -> Client {
    let mut config = Config::new(server.url().parse().expect("the server url is a uri"));
    config.default_retry = false;
    Client::try_from(config).expect("build a kube client")
}

fn owner_ref<K: Resource<DynamicType = ()>>(owner: &K) -> Value {
    json!({
        "apiVersion": K::api_version(&()),
        "kind": K::kind(&()),
        "name": owner.name_any(),
        "uid": owner.uid().expect("a stored object has a uid"),
        "controller": true,
        "blockOwnerDeletion": true,
    })
}

async fn create<K>(api: &Api<K>, v: Value) -> K
where
    K: Resource + Clone + DeserializeOwned + serde::Serialize + std::fmt::Debug,
{
    let obj: K = serde_json::from_value(v).expect("a valid object");
    api.create(&PostParams::default(), &obj)
        .await
        .expect("create")
}

/// A Deployment owning a ReplicaSet owning two Pods, in namespace `ns`.
async fn chain(client: &Client, ns: &str) -> (Deployment, ReplicaSet, Vec<Pod>) {
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), ns);
    let replicasets: Api<ReplicaSet> = Api::namespaced(client.clone(), ns);
    let pods: Api<Pod> = Api::namespaced(client.clone(), ns);
    let labels = json!({"app": "web"});
    let template = json!({"metadata": {"labels": labels}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}});
    let d = create(
        &deployments,
        json!({"metadata": {"name": "web"}, "spec": {"selector": {"matchLabels": labels}, "template": template}}),
    )
    .await;
    let rs = create(
        &replicasets,
        json!({"metadata": {"name": "web-1", "labels": labels, "ownerReferences": [owner_ref(&d)]},
               "spec": {"selector": {"matchLabels": labels}, "template": template}}),
    )
    .await;
    let mut ps = vec![];
    for i in 0..2 {
        ps.push(
            create(
                &pods,
                json!({"metadata": {"name": format!("web-1-{i}"), "labels": labels, "ownerReferences": [owner_ref(&rs)]},
                       "spec": {"containers": [{"name": "c", "image": "nginx"}]}}),
            )
            .await,
        );
    }
    (d, rs, ps)
}

async fn wait_until<F, Fut>(what: &str, mut f: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    while !f().await {
        assert!(start.elapsed() < SETTLE, "timed out waiting: {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn gone<K>(api: &Api<K>, name: &str) -> bool
where
    K: Resource + Clone + DeserializeOwned + std::fmt::Debug,
{
    api.get_opt(name).await.expect("get").is_none()
}

async fn new_namespace(client: &Client, name: &str) {
    let namespaces: Api<Namespace> = Api::all(client.clone());
    create(&namespaces, json!({"metadata": {"name": name}})).await;
}

#[tokio::test]
async fn background_deletes_the_owner_now_and_its_dependents_after() {
    let server = ApiServer::start();
    let client = client_for(&server);
    new_namespace(&client, "bg").await;
    chain(&client, "bg").await;
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), "bg");
    let replicasets: Api<ReplicaSet> = Api::namespaced(client.clone(), "bg");
    let pods: Api<Pod> = Api::namespaced(client.clone(), "bg");
    let dp = DeleteParams {
        propagation_policy: Some(PropagationPolicy::Background),
        ..Default::default()
    };
    deployments.delete("web", &dp).await.expect("delete");
    assert!(gone(&deployments, "web").await, "the owner goes at once");
    wait_until("the replica set and pods are collected", || async {
        gone(&replicasets, "web-1").await
            && pods
                .list(&ListParams::default())
                .await
                .unwrap()
                .items
                .is_empty()
    })
    .await;
}

#[tokio::test]
async fn foreground_deletes_dependents_first() {
    let server = ApiServer::start();
    let client = client_for(&server);
    new_namespace(&client, "fg").await;
    chain(&client, "fg").await;
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), "fg");
    let replicasets: Api<ReplicaSet> = Api::namespaced(client.clone(), "fg");
    let pods: Api<Pod> = Api::namespaced(client.clone(), "fg");
    let dp = DeleteParams {
        propagation_policy: Some(PropagationPolicy::Foreground),
        ..Default::default()
    };
    let answer = deployments.delete("web", &dp).await.expect("delete");
    let owner = answer.left().expect("the owner is returned while it waits");
    assert!(owner.metadata.deletion_timestamp.is_some());
    assert!(
        owner.finalizers().iter().any(|f| f == "foregroundDeletion"),
        "{:?}",
        owner.metadata
    );
    wait_until("everything is gone", || async {
        gone(&deployments, "web").await
            && gone(&replicasets, "web-1").await
            && pods
                .list(&ListParams::default())
                .await
                .unwrap()
                .items
                .is_empty()
    })
    .await;
}

#[tokio::test]
async fn foreground_owner_waits_for_a_blocking_dependent() {
    let server = ApiServer::start();
    let client = client_for(&server);
    new_namespace(&client, "block").await;
    let (d, _, _) = chain(&client, "block").await;
    // A dependent held by a finalizer of its own keeps the owner waiting.
    let cms: Api<ConfigMap> = Api::namespaced(client.clone(), "block");
    create(
        &cms,
        json!({"metadata": {"name": "held", "finalizers": ["example.com/hold"], "ownerReferences": [owner_ref(&d)]}}),
    )
    .await;
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), "block");
    let dp = DeleteParams {
        propagation_policy: Some(PropagationPolicy::Foreground),
        ..Default::default()
    };
    deployments.delete("web", &dp).await.expect("delete");
    let replicasets: Api<ReplicaSet> = Api::namespaced(client.clone(), "block");
    wait_until("the replica set is collected", || async {
        gone(&replicasets, "web-1").await
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        !gone(&deployments, "web").await,
        "the owner waits for its blocking dependent"
    );
    let held = cms.get("held").await.unwrap();
    assert!(held.metadata.deletion_timestamp.is_some());
    let patch = json!({"metadata": {"finalizers": null}});
    cms.patch(
        "held",
        &kube::api::PatchParams::default(),
        &kube::api::Patch::Merge(&patch),
    )
    .await
    .expect("release the dependent");
    wait_until("the owner goes once its dependent has", || async {
        gone(&deployments, "web").await && gone(&cms, "held").await
    })
    .await;
}

#[tokio::test]
async fn orphan_keeps_dependents_without_the_reference() {
    let server = ApiServer::start();
    let client = client_for(&server);
    new_namespace(&client, "orphan").await;
    let (_, rs, _) = chain(&client, "orphan").await;
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), "orphan");
    let replicasets: Api<ReplicaSet> = Api::namespaced(client.clone(), "orphan");
    let pods: Api<Pod> = Api::namespaced(client.clone(), "orphan");
    let dp = DeleteParams {
        propagation_policy: Some(PropagationPolicy::Orphan),
        ..Default::default()
    };
    deployments.delete("web", &dp).await.expect("delete");
    wait_until("the owner goes", || async {
        gone(&deployments, "web").await
    })
    .await;
    let kept = replicasets
        .get("web-1")
        .await
        .expect("the replica set stays");
    assert!(
        kept.metadata
            .owner_references
            .unwrap_or_default()
            .is_empty(),
        "its reference to the deleted owner is removed"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    let left = pods.list(&ListParams::default()).await.unwrap().items;
    assert_eq!(left.len(), 2, "the pods stay");
    for p in left {
        let refs = p.metadata.owner_references.unwrap_or_default();
        assert_eq!(refs.len(), 1);
        assert_eq!(Some(&refs[0].uid), rs.metadata.uid.as_ref());
    }
}

#[tokio::test]
async fn deleting_a_namespace_with_100_objects_leaves_nothing() {
    let server = ApiServer::start();
    let client = client_for(&server);
    let ns = "crowded";
    new_namespace(&client, ns).await;
    let cms: Api<ConfigMap> = Api::namespaced(client.clone(), ns);
    let secrets: Api<Secret> = Api::namespaced(client.clone(), ns);
    let services: Api<Service> = Api::namespaced(client.clone(), ns);
    let sas: Api<ServiceAccount> = Api::namespaced(client.clone(), ns);
    let (_, _, _) = chain(&client, ns).await; // 4 objects
    let mut count = 4;
    let owner = create(&cms, json!({"metadata": {"name": "owner"}})).await;
    count += 1;
    for i in 0..30 {
        // Some owned, some waiting for foreground deletion of their owner.
        let mut md = json!({"name": format!("cm-{i}")});
        if i % 3 == 0 {
            md["ownerReferences"] = json!([owner_ref(&owner)]);
        }
        create(&cms, json!({"metadata": md, "data": {"i": i.to_string()}})).await;
        count += 1;
    }
    for i in 0..25 {
        create(
            &secrets,
            json!({"metadata": {"name": format!("s-{i}")}, "stringData": {"k": "v"}}),
        )
        .await;
        count += 1;
    }
    for i in 0..20 {
        create(
            &services,
            json!({"metadata": {"name": format!("svc-{i}")}, "spec": {"ports": [{"port": 80}]}}),
        )
        .await;
        count += 1;
    }
    while count < 100 {
        create(&sas, json!({"metadata": {"name": format!("sa-{count}")}})).await;
        count += 1;
    }
    // One object deleted in the foreground just before the namespace.
    cms.delete(
        "owner",
        &DeleteParams {
            propagation_policy: Some(PropagationPolicy::Foreground),
            ..Default::default()
        },
    )
    .await
    .expect("delete the owner");
    let namespaces: Api<Namespace> = Api::all(client.clone());
    namespaces
        .delete(ns, &DeleteParams::default())
        .await
        .expect("delete the namespace");
    wait_until("the namespace is gone", || async {
        gone(&namespaces, ns).await
    })
    .await;
    assert!(
        cms.list(&ListParams::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert!(
        secrets
            .list(&ListParams::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert!(
        services
            .list(&ListParams::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert!(
        sas.list(&ListParams::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
    let pods: Api<Pod> = Api::namespaced(client.clone(), ns);
    assert!(
        pods.list(&ListParams::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
    let rs: Api<ReplicaSet> = Api::namespaced(client.clone(), ns);
    assert!(
        rs.list(&ListParams::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

#[tokio::test]
async fn dependents_of_owners_gone_while_down_are_collected_after_a_restart() {
    let mut server = ApiServer::start();
    let client = client_for(&server);
    let cms: Api<ConfigMap> = Api::namespaced(client.clone(), "default");
    let owner = create(&cms, json!({"metadata": {"name": "owner"}})).await;
    // The owner is deleted and the server killed at once: whether or not the collector got
    // to the dependent before, it is gone after the restart (the collector scans at start).
    create(
        &cms,
        json!({"metadata": {"name": "dep", "ownerReferences": [owner_ref(&owner)]}}),
    )
    .await;
    cms.delete("owner", &DeleteParams::background())
        .await
        .expect("delete");
    server.kill9();
    server.restart();
    let client = client_for(&server);
    let cms: Api<ConfigMap> = Api::namespaced(client.clone(), "default");
    wait_until("the dependent is collected after the restart", || async {
        gone(&cms, "dep").await
    })
    .await;
}
