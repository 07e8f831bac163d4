//! CRDs end to end through the HTTP router of one in-process API server.

use std::time::Duration;

use axum::body::Body;
use http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use super::*;
use crate::store::sqlite::{SqliteOptions, SqliteStore};

struct Resp {
    status: StatusCode,
    headers: HeaderMap,
    body: Value,
}

async fn call(
    s: &Arc<ApiServer>,
    method: Method,
    uri: &str,
    body: Option<Value>,
    content_type: &str,
) -> Resp {
    call_accept(s, method, uri, body, content_type, "application/json").await
}

async fn call_accept(
    s: &Arc<ApiServer>,
    method: Method,
    uri: &str,
    body: Option<Value>,
    content_type: &str,
    accept: &str,
) -> Resp {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", content_type)
        .header("accept", accept)
        .body(match body {
            Some(b) => Body::from(serde_json::to_vec(&b).unwrap()),
            None => Body::empty(),
        })
        .unwrap();
    let resp = crate::apiserver::router(s.clone())
        .oneshot(req)
        .await
        .unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Resp {
        status,
        headers,
        body,
    }
}

const JSON: &str = "application/json";

async fn open(dir: &std::path::Path) -> (Arc<SqliteStore>, Arc<ApiServer>) {
    let store = SqliteStore::open(&dir.join("c.db"), SqliteOptions::default()).unwrap();
    let s = ApiServer::new(store.clone(), Duration::from_secs(3600));
    s.bootstrap().await.unwrap();
    (store, s)
}

async fn server(dir: &std::path::Path) -> Arc<ApiServer> {
    open(dir).await.1
}

fn crontab_crd() -> Value {
    let schema = json!({
        "type": "object",
        "properties": {
            "spec": {
                "type": "object",
                "required": ["cronSpec"],
                "x-kubernetes-validations": [{"rule": "self.replicas <= self.maxReplicas", "message": "replicas must not exceed maxReplicas"}],
                "properties": {
                    "cronSpec": {"type": "string", "description": "The cron schedule."},
                    "image": {"type": "string"},
                    "replicas": {"type": "integer", "minimum": 0, "default": 1},
                    "maxReplicas": {"type": "integer", "default": 10},
                    "selector": {"type": "string"}
                }
            },
            "status": {"type": "object", "properties": {"replicas": {"type": "integer"}, "phase": {"type": "string"}}}
        }
    });
    json!({
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "crontabs.stable.example.com"},
        "spec": {
            "group": "stable.example.com",
            "scope": "Namespaced",
            "names": {"plural": "crontabs", "singular": "crontab", "kind": "CronTab", "shortNames": ["ct"], "categories": ["all"]},
            "versions": [
                {"name": "v1", "served": true, "storage": true, "schema": {"openAPIV3Schema": schema},
                 "subresources": {"status": {}, "scale": {"specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.replicas", "labelSelectorPath": ".spec.selector"}},
                 "additionalPrinterColumns": [
                    {"name": "Spec", "type": "string", "jsonPath": ".spec.cronSpec"},
                    {"name": "Replicas", "type": "integer", "jsonPath": ".spec.replicas"},
                    {"name": "Image", "type": "string", "jsonPath": ".spec.image", "priority": 1}]},
                {"name": "v1beta1", "served": true, "storage": false, "schema": {"openAPIV3Schema": schema}}
            ]
        }
    })
}

async fn established(s: &Arc<ApiServer>, name: &str) -> Value {
    for _ in 0..100 {
        let r = call(
            s,
            Method::GET,
            &format!("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{name}"),
            None,
            JSON,
        )
        .await;
        let ok = r.body["status"]["conditions"].as_array().is_some_and(|cs| {
            cs.iter()
                .any(|c| c["type"] == "Established" && c["status"] == "True")
        });
        if ok {
            return r.body;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{name} never became established");
}

const CT: &str = "/apis/stable.example.com/v1/namespaces/default/crontabs";

#[tokio::test]
async fn crd_lifecycle_discovery_validation_and_cleanup() {
    let dir = tempfile::tempdir().unwrap();
    let (store, s) = open(dir.path()).await;
    let r = call(
        &s,
        Method::POST,
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
        Some(crontab_crd()),
        JSON,
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let crd = established(&s, "crontabs.stable.example.com").await;
    assert_eq!(crd["status"]["acceptedNames"]["kind"], "CronTab");
    assert_eq!(crd["status"]["acceptedNames"]["listKind"], "CronTabList");
    assert_eq!(crd["status"]["storedVersions"], json!(["v1"]));
    assert_eq!(crd["metadata"]["finalizers"], json!([CLEANUP_FINALIZER]));

    // discovery, both forms
    let r = call(&s, Method::GET, "/apis/stable.example.com/v1", None, JSON).await;
    let res = r.body["resources"].as_array().unwrap();
    let names: Vec<&str> = res.iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["crontabs", "crontabs/status", "crontabs/scale"]);
    assert_eq!(res[0]["shortNames"], json!(["ct"]));
    let r = call(&s, Method::GET, "/apis/stable.example.com", None, JSON).await;
    assert_eq!(r.body["preferredVersion"]["version"], "v1");
    let r = call_accept(
        &s,
        Method::GET,
        "/apis",
        None,
        JSON,
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
    )
    .await;
    let group = r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["metadata"]["name"] == "stable.example.com")
        .expect("group in aggregated discovery");
    assert_eq!(group["versions"][0]["version"], "v1");
    assert_eq!(group["versions"][1]["version"], "v1beta1");

    // OpenAPI v3
    let r = call(&s, Method::GET, "/openapi/v3", None, JSON).await;
    let url = r.body["paths"]["apis/stable.example.com/v1"]["serverRelativeURL"]
        .as_str()
        .expect("group-version in the v3 root")
        .to_string();
    assert!(url.contains("?hash="));
    let r = call(&s, Method::GET, &url, None, JSON).await;
    let def = &r.body["components"]["schemas"]["com.example.stable.v1.CronTab"];
    assert_eq!(
        def["x-kubernetes-group-version-kind"][0]["kind"], "CronTab",
        "{def}"
    );
    assert_eq!(
        def["properties"]["spec"]["properties"]["cronSpec"]["description"],
        "The cron schedule."
    );

    // create: defaults, pruning under each field validation
    let ct = json!({"apiVersion": "stable.example.com/v1", "kind": "CronTab", "metadata": {"name": "a"},
        "spec": {"cronSpec": "* * * * */5", "image": "img", "bogus": 1}});
    let r = call(
        &s,
        Method::POST,
        &format!("{CT}?fieldValidation=Strict"),
        Some(ct.clone()),
        JSON,
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body["message"]
            .as_str()
            .unwrap()
            .contains("unknown field \"spec.bogus\""),
        "{}",
        r.body
    );
    let r = call(
        &s,
        Method::POST,
        &format!("{CT}?fieldValidation=Warn"),
        Some(ct.clone()),
        JSON,
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert!(
        r.headers
            .get("warning")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("spec.bogus")
    );
    assert!(r.body["spec"].get("bogus").is_none());
    assert_eq!(r.body["spec"]["replicas"], 1);
    assert_eq!(r.body["spec"]["maxReplicas"], 10);
    let mut b = ct.clone();
    b["metadata"]["name"] = json!("b");
    let r = call(
        &s,
        Method::POST,
        &format!("{CT}?fieldValidation=Ignore"),
        Some(b),
        JSON,
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert!(r.headers.get("warning").is_none());
    assert!(r.body["spec"].get("bogus").is_none());

    // schema and CEL failures
    let bad = json!({"apiVersion": "stable.example.com/v1", "kind": "CronTab", "metadata": {"name": "c"},
        "spec": {"cronSpec": "x", "replicas": -1}});
    let r = call(&s, Method::POST, CT, Some(bad), JSON).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.body["details"]["causes"][0]["field"], "spec.replicas");
    let bad = json!({"apiVersion": "stable.example.com/v1", "kind": "CronTab", "metadata": {"name": "c"},
        "spec": {"cronSpec": "x", "replicas": 5, "maxReplicas": 2}});
    let r = call(&s, Method::POST, CT, Some(bad), JSON).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body["message"]
            .as_str()
            .unwrap()
            .contains("replicas must not exceed maxReplicas"),
        "{}",
        r.body
    );

    // another served version: only apiVersion differs
    let r = call(
        &s,
        Method::GET,
        "/apis/stable.example.com/v1beta1/namespaces/default/crontabs/a",
        None,
        JSON,
    )
    .await;
    assert_eq!(r.body["apiVersion"], "stable.example.com/v1beta1");
    let r = call(
        &s,
        Method::GET,
        "/apis/stable.example.com/v1beta1/namespaces/default/crontabs",
        None,
        JSON,
    )
    .await;
    assert_eq!(r.body["apiVersion"], "stable.example.com/v1beta1");
    assert_eq!(r.body["kind"], "CronTabList");
    assert_eq!(
        r.body["items"][0]["apiVersion"],
        "stable.example.com/v1beta1"
    );

    let r = call(
        &s,
        Method::PATCH,
        "/apis/stable.example.com/v1beta1/namespaces/default/crontabs/b",
        Some(json!({"spec": {"image": "beta"}})),
        "application/merge-patch+json",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["apiVersion"], "stable.example.com/v1beta1");
    assert_eq!(r.body["spec"]["image"], "beta");

    // field selectors: names, and only the CRD's selectable fields
    let r = call(
        &s,
        Method::GET,
        &format!("{CT}?fieldSelector=metadata.name%3Da"),
        None,
        JSON,
    )
    .await;
    assert_eq!(r.body["items"].as_array().unwrap().len(), 1);
    let r = call(
        &s,
        Method::GET,
        &format!("{CT}?fieldSelector=spec.image%3Dimg"),
        None,
        JSON,
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    // tables
    let r = call_accept(
        &s,
        Method::GET,
        CT,
        None,
        JSON,
        "application/json;as=Table;v=v1;g=meta.k8s.io",
    )
    .await;
    let cols: Vec<&str> = r.body["columnDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(cols, vec!["Name", "Spec", "Replicas", "Image"]);
    assert_eq!(
        r.body["rows"][0]["cells"],
        json!(["a", "* * * * */5", 1, "img"])
    );

    // patches: merge and JSON patch work, strategic merge is refused
    let r = call(
        &s,
        Method::PATCH,
        &format!("{CT}/a"),
        Some(json!({"spec": {"image": "img2"}})),
        "application/merge-patch+json",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["spec"]["image"], "img2");
    let r = call(
        &s,
        Method::PATCH,
        &format!("{CT}/a"),
        Some(json!([{"op": "replace", "path": "/spec/replicas", "value": 2}])),
        "application/json-patch+json",
    )
    .await;
    assert_eq!(r.body["spec"]["replicas"], 2);
    let r = call(
        &s,
        Method::PATCH,
        &format!("{CT}/a"),
        Some(json!({"spec": {"image": "x"}})),
        "application/strategic-merge-patch+json",
    )
    .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    // status subresource: the main resource ignores status, /status ignores the rest
    let r = call(
        &s,
        Method::PATCH,
        &format!("{CT}/a"),
        Some(json!({"status": {"phase": "Running"}})),
        "application/merge-patch+json",
    )
    .await;
    assert!(r.body.get("status").is_none(), "{}", r.body);
    let r = call(
        &s,
        Method::PATCH,
        &format!("{CT}/a/status"),
        Some(json!({"status": {"phase": "Running", "replicas": 2}, "spec": {"image": "ignored"}})),
        "application/merge-patch+json",
    )
    .await;
    assert_eq!(r.body["status"]["phase"], "Running");
    assert_eq!(r.body["spec"]["image"], "img2");

    // scale subresource
    let r = call(
        &s,
        Method::PATCH,
        &format!("{CT}/a"),
        Some(json!({"spec": {"selector": "app=a"}})),
        "application/merge-patch+json",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = call(&s, Method::GET, &format!("{CT}/a/scale"), None, JSON).await;
    assert_eq!(r.body["spec"]["replicas"], 2);
    assert_eq!(r.body["status"]["replicas"], 2);
    assert_eq!(r.body["status"]["selector"], "app=a");
    let r = call(
        &s,
        Method::PATCH,
        &format!("{CT}/a/scale"),
        Some(json!({"spec": {"replicas": 4}})),
        "application/merge-patch+json",
    )
    .await;
    assert_eq!(r.body["spec"]["replicas"], 4, "{}", r.body);
    let r = call(&s, Method::GET, &format!("{CT}/a"), None, JSON).await;
    assert_eq!(r.body["spec"]["replicas"], 4);

    // a restart serves the CRD again
    store.shutdown().await.unwrap();
    let s = server(dir.path()).await;
    let r = call(&s, Method::GET, &format!("{CT}/a"), None, JSON).await;
    assert_eq!(r.status, StatusCode::OK);
    let r = call(&s, Method::GET, "/apis/stable.example.com/v1", None, JSON).await;
    assert_eq!(r.status, StatusCode::OK);

    // deleting the CRD deletes its objects and its resource
    let r = call(
        &s,
        Method::DELETE,
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/crontabs.stable.example.com",
        None,
        JSON,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mut gone = false;
    for _ in 0..100 {
        let r = call(&s, Method::GET, "/apis/stable.example.com/v1", None, JSON).await;
        if r.status == StatusCode::NOT_FOUND {
            gone = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(gone, "the resource left discovery");
    assert!(
        s.store
            .get("stable.example.com/crontabs/default/a")
            .is_none()
    );
    let r = call(&s, Method::GET, "/openapi/v3", None, JSON).await;
    assert!(r.body["paths"].get("apis/stable.example.com/v1").is_none());
}

#[tokio::test]
async fn invalid_crds_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let s = server(dir.path()).await;
    let mut crd = crontab_crd();
    crd["spec"]["versions"][1]["storage"] = json!(true);
    crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]["x"] =
        json!({});
    crd["metadata"]["name"] = json!("wrong.stable.example.com");
    let r = call(
        &s,
        Method::POST,
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
        Some(crd),
        JSON,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = r.body["details"]["causes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert!(fields.contains(&"metadata.name"), "{fields:?}");
    assert!(fields.contains(&"spec.versions"), "{fields:?}");
    assert!(
        fields.contains(
            &"spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[x].type"
        ),
        "{fields:?}"
    );
    let mut crd = crontab_crd();
    crd["spec"]["scope"] = json!("Galaxy");
    crd["spec"]["versions"][0]["schema"] = json!(null);
    let r = call(
        &s,
        Method::POST,
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
        Some(crd),
        JSON,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let msg = r.body["message"].as_str().unwrap();
    assert!(
        msg.contains("spec.scope") && msg.contains("schemas are required"),
        "{msg}"
    );
}

#[tokio::test]
async fn cluster_scoped_resources_and_name_conflicts() {
    let dir = tempfile::tempdir().unwrap();
    let s = server(dir.path()).await;
    let crd = json!({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.org"},
        "spec": {"group": "example.org", "scope": "Cluster",
            "names": {"plural": "widgets", "kind": "Widget"},
            "versions": [{"name": "v1alpha1", "served": true, "storage": true,
                "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}]}
    });
    let r = call(
        &s,
        Method::POST,
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
        Some(crd),
        JSON,
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    established(&s, "widgets.example.org").await;
    let w = json!({"apiVersion": "example.org/v1alpha1", "kind": "Widget", "metadata": {"name": "w"}, "anything": {"goes": 1}});
    let r = call(
        &s,
        Method::POST,
        "/apis/example.org/v1alpha1/widgets",
        Some(w),
        JSON,
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["anything"]["goes"], 1);
    assert!(r.body["metadata"].get("namespace").is_none());
    let r = call_accept(
        &s,
        Method::GET,
        "/apis/example.org/v1alpha1/widgets",
        None,
        JSON,
        "application/json;as=Table;v=v1;g=meta.k8s.io",
    )
    .await;
    let cols: Vec<&str> = r.body["columnDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(cols, vec!["Name", "Age"]);
    let r = call(
        &s,
        Method::GET,
        "/apis/example.org/v1alpha1/namespaces/default/widgets",
        None,
        JSON,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[test]
fn versions_sort_by_kubernetes_priority() {
    let mut v = vec![
        "v1beta1",
        "foo",
        "v2",
        "v1",
        "v1alpha1",
        "v11beta2",
        "v10beta3",
        "v12alpha1",
    ];
    v.sort_by(|a, b| version_order(a, b));
    assert_eq!(
        v,
        vec![
            "v2",
            "v1",
            "v11beta2",
            "v10beta3",
            "v1beta1",
            "v12alpha1",
            "v1alpha1",
            "foo"
        ]
    );
}
