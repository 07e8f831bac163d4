use std::time::Duration;

use axum::body::Body;
use http::{HeaderMap, HeaderValue, header};

use super::*;
use crate::apiserver::objects::{DeleteOptions, Part, Target};
use crate::apiserver::request::Query;
use crate::apiserver::{apply, registry::ResourceType};
use crate::store::sqlite::{SqliteOptions, SqliteStore};

async fn open(dir: &std::path::Path) -> (Arc<SqliteStore>, Arc<ApiServer>) {
    let store = SqliteStore::open(&dir.join("c.db"), SqliteOptions::default()).unwrap();
    let s = ApiServer::new(store.clone(), Duration::from_secs(3600));
    s.bootstrap().await.unwrap();
    (store, s)
}

async fn server() -> (tempfile::TempDir, Arc<ApiServer>) {
    let dir = tempfile::tempdir().unwrap();
    let (_, s) = open(dir.path()).await;
    (dir, s)
}

fn rt(s: &ApiServer) -> Arc<ResourceType> {
    s.registry.lookup("", "v1", "services").unwrap().clone()
}

async fn create(s: &Arc<ApiServer>, spec: Value) -> ApiResult<Value> {
    create_as(s, spec, false).await
}

async fn create_as(s: &Arc<ApiServer>, mut obj: Value, dry_run: bool) -> ApiResult<Value> {
    if obj.get("spec").is_none() {
        obj = json!({"metadata": {"name": "x"}, "spec": obj});
    }
    let rt = rt(s);
    let (_, b) = objects::create_object(s, &rt, Some("default"), obj, dry_run).await?;
    Ok(serde_json::from_slice(&b).unwrap())
}

fn svc(name: &str, spec: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name}, "spec": spec})
}

fn web(port: i64) -> Value {
    json!({"selector": {"app": "web"}, "ports": [{"port": port}]})
}

fn headers(ct: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_str(ct).unwrap());
    h
}

async fn body_of(resp: axum::response::Response) -> Value {
    let b = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap();
    serde_json::from_slice(&b).unwrap()
}

async fn put(s: &Arc<ApiServer>, name: &str, obj: Value) -> ApiResult<Value> {
    let rt = rt(s);
    let t = Target {
        rt: &rt,
        namespace: Some("default"),
        name,
    };
    let body = Body::from(serde_json::to_vec(&obj).unwrap());
    let r = objects::update(
        s,
        &t,
        Part::Main,
        &Query::parse(None),
        &headers("application/json"),
        body,
    )
    .await?;
    Ok(body_of(r).await)
}

async fn merge_patch(s: &Arc<ApiServer>, name: &str, patch: Value) -> ApiResult<Value> {
    let rt = rt(s);
    let t = Target {
        rt: &rt,
        namespace: Some("default"),
        name,
    };
    let body = Body::from(serde_json::to_vec(&patch).unwrap());
    let r = objects::patch(
        s,
        &t,
        Part::Main,
        &Query::parse(None),
        &headers("application/merge-patch+json"),
        body,
    )
    .await?;
    Ok(body_of(r).await)
}

async fn server_apply(s: &Arc<ApiServer>, name: &str, cfg: Value) -> ApiResult<Value> {
    let rt = rt(s);
    let t = Target {
        rt: &rt,
        namespace: Some("default"),
        name,
    };
    let body = Body::from(serde_json::to_vec(&cfg).unwrap());
    let r = apply::apply(
        s,
        &t,
        Part::Main,
        &Query::parse(Some("fieldManager=tester")),
        body,
    )
    .await?;
    Ok(body_of(r).await)
}

async fn delete(s: &Arc<ApiServer>, name: &str) {
    let rt = rt(s);
    let t = Target {
        rt: &rt,
        namespace: Some("default"),
        name,
    };
    objects::delete_object(s, &t, &DeleteOptions::default())
        .await
        .unwrap();
}

fn ip_of(v: &Value) -> Ipv4Addr {
    v["spec"]["clusterIP"].as_str().unwrap().parse().unwrap()
}

fn managed_text(v: &Value) -> String {
    v["metadata"]["managedFields"].to_string()
}

#[test]
fn service_ranges_parse_and_bound_their_addresses() {
    let c: ServiceCidr = "10.96.0.0/12".parse().unwrap();
    assert_eq!(c.to_string(), "10.96.0.0/12");
    assert_eq!(c.first(), Ipv4Addr::new(10, 96, 0, 1));
    assert!(!c.usable(Ipv4Addr::new(10, 96, 0, 0)), "network address");
    assert!(c.usable(Ipv4Addr::new(10, 96, 0, 1)));
    assert!(c.usable(Ipv4Addr::new(10, 111, 255, 254)));
    assert!(!c.usable(Ipv4Addr::new(10, 111, 255, 255)), "broadcast");
    assert!(!c.usable(Ipv4Addr::new(10, 112, 0, 1)));
    assert!(matches!(
        "10.96.0.1/12".parse::<ServiceCidr>(),
        Err(CidrError::HostBits(_))
    ));
    assert!(matches!(
        "10.96.0.0/30".parse::<ServiceCidr>(),
        Err(CidrError::TooSmall(_))
    ));
    assert!("10.96.0.0".parse::<ServiceCidr>().is_err());
    assert!("fd00::/108".parse::<ServiceCidr>().is_err());
}

#[test]
fn a_small_range_is_used_up_and_then_full() {
    let alloc = Allocator::new("10.0.0.0/28".parse().unwrap());
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("c.db"), SqliteOptions::default()).unwrap();
    let mut holds = vec![];
    let mut seen = HashSet::new();
    // 16 addresses: network, broadcast and the kubernetes Service's first address are never picked.
    for _ in 0..13 {
        let mut v = json!({"spec": {"type": "ClusterIP", "selector": {"a": "b"}}});
        holds.push(alloc.admit(store.as_ref(), "core/services/", "k", None, &mut v, false));
        let ip: Ipv4Addr = v["spec"]["clusterIP"].as_str().unwrap().parse().unwrap();
        assert!(ip > Ipv4Addr::new(10, 0, 0, 1) && ip < Ipv4Addr::new(10, 0, 0, 15));
        assert!(seen.insert(ip), "{ip} handed out twice");
    }
    let mut v = json!({"spec": {"type": "ClusterIP"}});
    let r = alloc.admit(store.as_ref(), "core/services/", "k", None, &mut v, false);
    assert!(matches!(r, Err(AdmitError::Full(_))));
    drop(holds);
    let mut v = json!({"spec": {"type": "ClusterIP"}});
    assert!(
        alloc
            .admit(store.as_ref(), "core/services/", "k", None, &mut v, false)
            .is_ok(),
        "dropped holds free their addresses"
    );
}

#[tokio::test]
async fn the_kubernetes_service_takes_the_first_address() {
    let (_dir, s) = server().await;
    let r = s
        .store
        .get(&rt(&s).key(Some("default"), "kubernetes"))
        .unwrap();
    let v = &r.value;
    assert_eq!(v["spec"]["clusterIP"], "10.96.0.1");
    assert_eq!(v["spec"]["clusterIPs"], json!(["10.96.0.1"]));
    assert_eq!(v["spec"]["ipFamilies"], json!(["IPv4"]));
    assert_eq!(v["spec"]["ipFamilyPolicy"], "SingleStack");
    assert_eq!(v["spec"]["ports"][0]["port"], 443);
    assert_eq!(v["spec"]["ports"][0]["name"], "https");
    assert!(v["metadata"].get("managedFields").is_none());
    let e = create(
        &s,
        json!({"clusterIP": "10.96.0.1", "ports": [{"port": 1}]}),
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, 422);
    assert!(
        e.message.contains("provided IP is already allocated"),
        "{}",
        e.message
    );
}

#[tokio::test]
async fn creates_get_an_address_from_the_range_not_owned_by_the_writer() {
    let (_dir, s) = server().await;
    let v = create(&s, svc("a", web(80))).await.unwrap();
    let ip = ip_of(&v);
    let range: ServiceCidr = DEFAULT_SERVICE_CIDR.parse().unwrap();
    assert!(range.usable(ip) && ip != range.first(), "{ip}");
    assert_eq!(v["spec"]["clusterIPs"], json!([ip.to_string()]));
    assert_eq!(v["spec"]["ipFamilies"], json!(["IPv4"]));
    assert_eq!(v["spec"]["ipFamilyPolicy"], "SingleStack");
    assert_eq!(v["spec"]["internalTrafficPolicy"], "Cluster");
    let managed = managed_text(&v);
    assert!(managed.contains("f:sessionAffinity"), "{managed}");
    for f in ["f:clusterIP", "f:ipFamilies", "f:ipFamilyPolicy"] {
        assert!(!managed.contains(f), "{f} is owned: {managed}");
    }
}

#[tokio::test]
async fn requested_addresses_are_checked() {
    let (_dir, s) = server().await;
    let mut spec = web(80);
    spec["clusterIP"] = json!("10.96.0.10");
    let v = create(&s, svc("dns", spec.clone())).await.unwrap();
    assert_eq!(v["spec"]["clusterIPs"], json!(["10.96.0.10"]));

    let e = create(&s, svc("dns2", spec)).await.unwrap_err();
    assert_eq!((e.code, e.reason), (422, "Invalid"));
    assert_eq!(
        e.message,
        "Service \"dns2\" is invalid: spec.clusterIPs: Invalid value: [\"10.96.0.10\"]: failed to allocate IP 10.96.0.10: provided IP is already allocated"
    );
    assert_eq!(
        e.details.as_ref().unwrap()["causes"][0]["field"],
        "spec.clusterIPs"
    );

    let mut out = web(80);
    out["clusterIP"] = json!("10.200.0.1");
    let e = create(&s, svc("out", out)).await.unwrap_err();
    assert!(
        e.message.contains(
            "the provided IP (10.200.0.1) is not in the valid range. The range of valid IPs is 10.96.0.0/12"
        ),
        "{}",
        e.message
    );

    let mut bad = web(80);
    bad["clusterIP"] = json!("10.96.0.300");
    let e = create(&s, svc("bad", bad)).await.unwrap_err();
    assert!(
        e.message
            .contains("spec.clusterIPs[0]: Invalid value: \"10.96.0.300\""),
        "{}",
        e.message
    );

    let mut v6 = web(80);
    v6["ipFamilies"] = json!(["IPv6"]);
    let e = create(&s, svc("six", v6)).await.unwrap_err();
    assert!(
        e.message.contains("not configured on this cluster"),
        "{}",
        e.message
    );
    let mut dual = web(80);
    dual["ipFamilyPolicy"] = json!("RequireDualStack");
    let e = create(&s, svc("dual", dual)).await.unwrap_err();
    assert!(
        e.message
            .contains("this cluster is not configured for dual-stack services"),
        "{}",
        e.message
    );
    let mut prefer = web(80);
    prefer["ipFamilyPolicy"] = json!("PreferDualStack");
    let v = create(&s, svc("prefer", prefer)).await.unwrap();
    assert_eq!(v["spec"]["ipFamilies"], json!(["IPv4"]));
}

#[tokio::test]
async fn headless_and_external_name_services_get_no_address() {
    let (_dir, s) = server().await;
    let mut spec = web(80);
    spec["clusterIP"] = json!("None");
    let v = create(&s, svc("headless", spec)).await.unwrap();
    assert_eq!(v["spec"]["clusterIP"], "None");
    assert_eq!(v["spec"]["clusterIPs"], json!(["None"]));
    assert_eq!(v["spec"]["ipFamilies"], json!(["IPv4"]));
    assert_eq!(v["spec"]["ipFamilyPolicy"], "SingleStack");

    let v = create(
        &s,
        svc(
            "bare",
            json!({"clusterIP": "None", "ports": [{"port": 80}]}),
        ),
    )
    .await
    .unwrap();
    assert_eq!(v["spec"]["ipFamilyPolicy"], "RequireDualStack");
    assert_eq!(v["spec"]["ipFamilies"], json!(["IPv4", "IPv6"]));

    let v = create(
        &s,
        svc(
            "ext",
            json!({"type": "ExternalName", "externalName": "example.com"}),
        ),
    )
    .await
    .unwrap();
    assert!(v["spec"].get("clusterIP").is_none(), "{v:#}");
    assert!(v["spec"].get("ipFamilies").is_none(), "{v:#}");
    assert!(v["spec"].get("internalTrafficPolicy").is_none(), "{v:#}");

    let e = create(
        &s,
        svc(
            "np",
            json!({"type": "NodePort", "clusterIP": "None", "ports": [{"port": 80}]}),
        ),
    )
    .await
    .unwrap_err();
    assert!(
        e.message
            .contains("may not be set to 'None' for NodePort services"),
        "{}",
        e.message
    );
}

#[tokio::test]
async fn node_ports_are_allocated_and_checked() {
    let (_dir, s) = server().await;
    let v = create(
        &s,
        svc(
            "np",
            json!({"type": "NodePort", "selector": {"a": "b"}, "ports": [
                {"name": "dns", "port": 53, "protocol": "TCP"},
                {"name": "dns-udp", "port": 53, "protocol": "UDP"},
                {"name": "web", "port": 80},
            ]}),
        ),
    )
    .await
    .unwrap();
    let p: Vec<i64> = (0..3)
        .map(|i| v["spec"]["ports"][i]["nodePort"].as_i64().unwrap())
        .collect();
    assert!(p.iter().all(|p| (30000..=32767).contains(p)), "{p:?}");
    assert_eq!(p[0], p[1], "one node port for one port number");
    assert_ne!(p[0], p[2]);
    assert_eq!(v["spec"]["externalTrafficPolicy"], "Cluster");

    let spec = |np: i64| json!({"type": "NodePort", "ports": [{"port": 80, "nodePort": np}]});
    let v = create(&s, svc("fixed", spec(30080))).await.unwrap();
    assert_eq!(v["spec"]["ports"][0]["nodePort"], 30080);
    let e = create(&s, svc("again", spec(30080))).await.unwrap_err();
    assert_eq!(
        e.message,
        "Service \"again\" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated"
    );
    let e = create(&s, svc("low", spec(8080))).await.unwrap_err();
    assert!(
        e.message.contains(
            "provided port is not in the valid range. The range of valid ports is 30000-32767"
        ),
        "{}",
        e.message
    );
    let e = create(
        &s,
        svc("cip", json!({"ports": [{"port": 80, "nodePort": 30500}]})),
    )
    .await
    .unwrap_err();
    assert!(
        e.message.contains(
            "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"
        ),
        "{}",
        e.message
    );

    let v = create(
        &s,
        svc(
            "lb",
            json!({"type": "LoadBalancer", "externalTrafficPolicy": "Local", "ports": [{"port": 80}]}),
        ),
    )
    .await
    .unwrap();
    assert!(v["spec"]["healthCheckNodePort"].as_i64().is_some(), "{v:#}");
    assert!(v["spec"]["ports"][0]["nodePort"].as_i64().is_some());
    assert_eq!(v["spec"]["allocateLoadBalancerNodePorts"], true);
    let v = create(
        &s,
        svc(
            "lb2",
            json!({"type": "LoadBalancer", "allocateLoadBalancerNodePorts": false, "ports": [{"port": 80}]}),
        ),
    )
    .await
    .unwrap();
    assert!(v["spec"]["ports"][0].get("nodePort").is_none(), "{v:#}");
}

#[tokio::test]
async fn updates_keep_addresses_and_refuse_to_change_them() {
    let (_dir, s) = server().await;
    let v = create(&s, svc("a", web(80))).await.unwrap();
    let ip = v["spec"]["clusterIP"].clone();
    let rv = v["metadata"]["resourceVersion"].clone();

    // A PUT of the original manifest (no address) keeps the address and changes nothing.
    let mut again = svc("a", web(80));
    again["metadata"]["resourceVersion"] = rv.clone();
    let v = put(&s, "a", again).await.unwrap();
    assert_eq!(v["spec"]["clusterIP"], ip);
    assert_eq!(v["spec"]["clusterIPs"], json!([ip]));
    assert_eq!(v["metadata"]["resourceVersion"], rv, "no-op update");

    let e = merge_patch(&s, "a", json!({"spec": {"clusterIP": "10.96.5.5"}}))
        .await
        .unwrap_err();
    assert_eq!(e.code, 422);
    assert!(
        e.message
            .contains("spec.clusterIP: Invalid value: \"10.96.5.5\": field is immutable"),
        "{}",
        e.message
    );

    // To NodePort: node ports are allocated; back to ClusterIP: they are dropped and freed.
    let v = merge_patch(&s, "a", json!({"spec": {"type": "NodePort"}}))
        .await
        .unwrap();
    let np = v["spec"]["ports"][0]["nodePort"].as_i64().unwrap();
    assert_eq!(v["spec"]["clusterIP"], ip);
    let v = merge_patch(&s, "a", json!({"spec": {"type": "ClusterIP"}}))
        .await
        .unwrap();
    assert!(v["spec"]["ports"][0].get("nodePort").is_none(), "{v:#}");
    assert!(v["spec"].get("externalTrafficPolicy").is_none(), "{v:#}");
    let v = create(
        &s,
        svc(
            "b",
            json!({"type": "NodePort", "ports": [{"port": 80, "nodePort": np}]}),
        ),
    )
    .await
    .unwrap();
    assert_eq!(v["spec"]["ports"][0]["nodePort"], np);

    // To ExternalName: the address goes; back: a new one comes.
    let v = merge_patch(
        &s,
        "a",
        json!({"spec": {"type": "ExternalName", "externalName": "example.com"}}),
    )
    .await
    .unwrap();
    assert!(v["spec"].get("clusterIP").is_none(), "{v:#}");
    assert!(v["spec"].get("ipFamilies").is_none(), "{v:#}");
    let mut spec = web(80);
    spec["clusterIP"] = ip.clone();
    create(&s, svc("c", spec))
        .await
        .expect("the address was freed");
    let v = merge_patch(
        &s,
        "a",
        json!({"spec": {"type": "ClusterIP", "externalName": null}}),
    )
    .await
    .unwrap();
    assert!(v["spec"]["clusterIP"].as_str().is_some(), "{v:#}");
    assert_ne!(v["spec"]["clusterIP"], ip);
}

#[tokio::test]
async fn server_side_apply_leaves_allocated_fields_alone() {
    let (_dir, s) = server().await;
    let cfg = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "ssa"},
        "spec": {"type": "NodePort", "selector": {"app": "x"}, "ports": [{"name": "http", "port": 80}]}});
    let v = server_apply(&s, "ssa", cfg.clone()).await.unwrap();
    let ip = v["spec"]["clusterIP"].clone();
    let np = v["spec"]["ports"][0]["nodePort"].clone();
    assert!(ip.is_string() && np.is_i64(), "{v:#}");
    let managed = managed_text(&v);
    for f in ["f:clusterIP", "f:nodePort", "f:ipFamilies"] {
        assert!(!managed.contains(f), "{f} is owned: {managed}");
    }
    let v2 = server_apply(&s, "ssa", cfg).await.unwrap();
    assert_eq!(v2["spec"]["clusterIP"], ip);
    assert_eq!(v2["spec"]["ports"][0]["nodePort"], np);
    assert_eq!(
        v2["metadata"]["resourceVersion"], v["metadata"]["resourceVersion"],
        "re-applying the same configuration is a no-op"
    );
}

#[tokio::test]
async fn deletes_free_addresses_and_dry_runs_hold_nothing() {
    let (_dir, s) = server().await;
    let mut spec = web(80);
    spec["clusterIP"] = json!("10.96.0.20");
    let v = create_as(&s, svc("d", spec.clone()), true).await.unwrap();
    assert_eq!(v["spec"]["clusterIP"], "10.96.0.20");
    let v = create_as(&s, svc("dry", web(80)), true).await.unwrap();
    assert!(
        v["spec"]["clusterIP"].is_string(),
        "a dry run shows an address"
    );
    assert!(s.services.pending.lock().ips.is_empty());
    create(&s, svc("d", spec.clone())).await.unwrap();
    delete(&s, "d").await;
    create(&s, svc("e", spec))
        .await
        .expect("reused after delete");
}

#[tokio::test]
async fn concurrent_creates_never_share_an_address() {
    let (_dir, s) = server().await;
    let futs = (0..40).map(|i| {
        let s = s.clone();
        async move {
            let spec = json!({"type": "NodePort", "ports": [{"port": 80}]});
            create(&s, svc(&format!("s{i}"), spec)).await.unwrap()
        }
    });
    let all = futures::future::join_all(futs).await;
    let ips: HashSet<String> = all
        .iter()
        .map(|v| v["spec"]["clusterIP"].as_str().unwrap().to_string())
        .collect();
    let ports: HashSet<i64> = all
        .iter()
        .map(|v| v["spec"]["ports"][0]["nodePort"].as_i64().unwrap())
        .collect();
    assert_eq!((ips.len(), ports.len()), (40, 40));

    let futs = (0..10).map(|i| {
        let s = s.clone();
        async move {
            let mut spec = web(80);
            spec["clusterIP"] = json!("10.96.0.99");
            create(&s, svc(&format!("same{i}"), spec)).await
        }
    });
    let won = futures::future::join_all(futs)
        .await
        .into_iter()
        .filter(Result::is_ok)
        .count();
    assert_eq!(won, 1);
    assert!(s.services.pending.lock().ips.is_empty());
}

#[tokio::test]
async fn allocations_survive_a_restart_and_old_services_get_addresses() {
    let dir = tempfile::tempdir().unwrap();
    let (store, s) = open(dir.path()).await;
    let mut spec = web(80);
    spec["clusterIP"] = json!("10.96.0.30");
    create(&s, svc("kept", spec.clone())).await.unwrap();
    // A Service stored before addresses were allocated.
    let key = rt(&s).key(Some("default"), "old");
    let legacy = json!({"apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "old", "namespace": "default", "uid": "u", "creationTimestamp": "2024-01-01T00:00:00Z"},
        "spec": {"type": "NodePort", "ports": [{"port": 80, "protocol": "TCP", "targetPort": 80}]}});
    s.store.create(&key, legacy).await.unwrap();
    drop(s);
    store.shutdown().await.unwrap();
    drop(store);

    let (_store, s) = open(dir.path()).await;
    let e = create(&s, svc("other", spec)).await.unwrap_err();
    assert!(e.message.contains("already allocated"), "{}", e.message);
    let old = s.store.get(&key).unwrap();
    assert!(
        old.value["spec"]["clusterIP"].is_string(),
        "{:#}",
        old.value
    );
    assert!(old.value["spec"]["ports"][0]["nodePort"].is_i64());
    let listed = s
        .store
        .list(ListOptions {
            prefix: "core/services/default/kubernetes",
            start_after: None,
            at_rv: None,
            limit: None,
            filter: None,
        })
        .unwrap();
    assert_eq!(listed.items.len(), 1);
}
