use super::*;
use crate::apiserver::openapi::KindEntry;

fn apps() -> KindSchema {
    static API: OnceLock<OpenApi> = OnceLock::new();
    let api = API.get_or_init(|| OpenApi::new(KindEntry::builtins()));
    KindSchema::lookup(api, "apps", "v1", "Deployment")
}

fn cm_schema() -> KindSchema {
    static API: OnceLock<OpenApi> = OnceLock::new();
    let api = API.get_or_init(|| OpenApi::new(KindEntry::builtins()));
    KindSchema::lookup(api, "", "v1", "ConfigMap")
}

const MAIN: Scope = Scope::Main { has_status: true };

fn p(s: &[&str]) -> Path {
    s.iter().map(|x| x.to_string()).collect()
}

fn deployment(containers: Value) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "d", "namespace": "ns", "labels": {"app": "a"}},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "a"}},
            "template": {"metadata": {"labels": {"app": "a"}}, "spec": {"containers": containers}}}
    })
}

#[test]
fn fields_v1_round_trips_and_set_algebra() {
    let doc = json!({"f:metadata": {"f:labels": {".": {}, "f:a": {}}}, "f:spec": {"f:containers": {"k:{\"name\":\"c\"}": {".": {}, "f:image": {}}}}});
    let s = FieldSet::from_fields_v1(&doc).unwrap();
    assert_eq!(s.to_fields_v1(), doc);
    assert!(s.contains(&p(&["f:metadata", "f:labels", "f:a"])));
    assert!(!s.contains(&p(&["f:metadata"])));
    assert!(s.covers(&p(&["f:metadata"])));
    assert_eq!(s.leaves().len(), 2);
    assert_eq!(s.members().len(), 4);

    let mut a = s.clone();
    let mut b = FieldSet::default();
    b.insert(&p(&["f:metadata", "f:labels", "f:a"]));
    a.difference(&b);
    assert!(!a.contains(&p(&["f:metadata", "f:labels", "f:a"])));
    assert!(a.contains(&p(&["f:metadata", "f:labels"])));

    let mut c = s.clone();
    let mut item = FieldSet::default();
    item.insert(&p(&["f:spec", "f:containers", "k:{\"name\":\"c\"}"]));
    c.remove_subtrees(&item);
    assert!(!c.covers(&p(&["f:spec"])));
    c.union(&s);
    assert_eq!(c, s);
    assert!(FieldSet::from_fields_v1(&json!({"x": {}})).is_err());
    assert_eq!(
        display_path(&p(&[
            "f:spec",
            "f:containers",
            "k:{\"name\":\"c\"}",
            "f:image"
        ])),
        ".spec.containers[name=\"c\"].image"
    );
}

#[test]
fn applied_sets_key_lists_by_their_merge_keys() {
    let schema = apps();
    let cfg = deployment(json!([{"name": "c", "image": "i", "ports": [{"containerPort": 80}]}]));
    let ap = Apply::new(&schema, MAIN, "m", &cfg);
    let f = ap.fields();
    assert!(f.contains(&p(&["f:spec", "f:replicas"])));
    assert!(
        f.contains(&p(&["f:spec", "f:selector"])),
        "selectors are atomic: {:?}",
        f.to_fields_v1()
    );
    assert!(!f.covers(&p(&["f:spec", "f:selector", "f:matchLabels"])));
    let item = p(&[
        "f:spec",
        "f:template",
        "f:spec",
        "f:containers",
        "k:{\"name\":\"c\"}",
    ]);
    assert!(f.contains(&item));
    let mut port = item.clone();
    port.extend(p(&["f:ports", "k:{\"containerPort\":80}"]));
    assert!(f.contains(&port), "{:?}", f.to_fields_v1());
    assert!(f.contains(&p(&["f:metadata", "f:labels", "f:app"])));
    assert!(
        !f.covers(&p(&["f:metadata", "f:name"])),
        "bookkeeping is nobody's"
    );
    assert!(!f.covers(&p(&["f:apiVersion"])));
}

#[test]
fn apply_merges_lists_by_key_and_drops_what_it_no_longer_applies() {
    let schema = apps();
    let first = deployment(json!([{"name": "a", "image": "a:1"}, {"name": "b", "image": "b:1"}]));
    let mut live = first.clone();
    applied_create(&schema, "apps/v1", MAIN, &first, &mut live, "m");
    // Another manager adds a container and an env var of container a.
    let mut other = live.clone();
    other["spec"]["template"]["spec"]["containers"] = json!([
        {"name": "a", "image": "a:1", "env": [{"name": "E", "value": "1"}]},
        {"name": "b", "image": "b:1"},
        {"name": "x", "image": "x:1"}
    ]);
    track_update(
        &schema,
        "apps/v1",
        MAIN,
        "",
        Some(&live),
        &mut other,
        "editor",
    );
    let live = other;
    // The first manager now applies only container a with a new image.
    let second = deployment(json!([{"name": "a", "image": "a:2"}]));
    let ap = Apply::new(&schema, MAIN, "m", &second);
    let mut merged = ap.merge(&live);
    let names: Vec<&str> = merged["spec"]["template"]["spec"]["containers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["a", "x"], "b is dropped, x belongs to the editor");
    let a = &merged["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(a["image"], "a:2");
    assert_eq!(a["env"][0]["name"], "E", "the editor's env var stays");
    ap.finish("apps/v1", &live, &mut merged, false).unwrap();
    let entries = decode(&merged).unwrap();
    let m = entries.iter().find(|e| e.manager == "m").unwrap();
    assert_eq!(m.operation, "Apply");
    assert!(!m.fields.covers(&p(&[
        "f:spec",
        "f:template",
        "f:spec",
        "f:containers",
        "k:{\"name\":\"b\"}"
    ])));
}

#[test]
fn conflicts_name_the_manager_and_force_takes_ownership() {
    let schema = cm_schema();
    let cfg = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"k": "v", "same": "s"}});
    let mut live = cfg.clone();
    applied_create(
        &schema,
        "v1",
        Scope::Main { has_status: false },
        &cfg,
        &mut live,
        "owner",
    );
    let scope = Scope::Main { has_status: false };
    let intruder = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"k": "other", "same": "s"}});
    let ap = Apply::new(&schema, scope, "intruder", &intruder);
    let mut merged = ap.merge(&live);
    let conflicts = ap
        .finish("v1", &live, &mut merged.clone(), false)
        .unwrap_err();
    assert_eq!(
        conflicts,
        vec![Conflict {
            manager: "owner".into(),
            api_version: "v1".into(),
            path: p(&["f:data", "f:k"])
        }],
        "an equal value is shared, not a conflict"
    );
    let e = conflict_error("configmaps", "", "c", &conflicts);
    assert_eq!(e.code, 409);
    assert!(
        e.message
            .contains("conflict with \"owner\" using v1: .data.k"),
        "{}",
        e.message
    );
    assert_eq!(
        e.details.as_ref().unwrap()["causes"][0]["reason"],
        "FieldManagerConflict"
    );
    assert_eq!(e.details.as_ref().unwrap()["causes"][0]["field"], ".data.k");

    ap.finish("v1", &live, &mut merged, true).unwrap();
    assert_eq!(merged["data"]["k"], "other");
    let entries = decode(&merged).unwrap();
    let owner = entries.iter().find(|e| e.manager == "owner").unwrap();
    assert!(!owner.fields.contains(&p(&["f:data", "f:k"])));
    assert!(owner.fields.contains(&p(&["f:data", "f:same"])), "shared");
    let intr = entries.iter().find(|e| e.manager == "intruder").unwrap();
    assert!(intr.fields.contains(&p(&["f:data", "f:k"])));

    // The owner applying without k leaves k alone: the intruder owns it now.
    let ap = Apply::new(
        &schema,
        scope,
        "owner",
        &json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"same": "s"}}),
    );
    let live = merged;
    let merged = ap.merge(&live);
    assert_eq!(merged["data"], json!({"k": "other", "same": "s"}));
    // The intruder dropping k removes it, since nobody else owns it.
    let ap = Apply::new(
        &schema,
        scope,
        "intruder",
        &json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}),
    );
    let merged = ap.merge(&live);
    assert_eq!(merged["data"], json!({"same": "s"}));
}

#[test]
fn updates_take_the_fields_they_change() {
    let schema = cm_schema();
    let scope = Scope::Main { has_status: false };
    let cfg = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "labels": {"l": "1"}}, "data": {"a": "1", "b": "2"}});
    let mut live = cfg.clone();
    applied_create(&schema, "v1", scope, &cfg, &mut live, "applier");
    let mut new = live.clone();
    new["data"] = json!({"a": "changed", "c": "3"});
    track_update(
        &schema,
        "v1",
        scope,
        "",
        Some(&live),
        &mut new,
        "kubectl-edit",
    );
    let entries = decode(&new).unwrap();
    let applier = entries.iter().find(|e| e.manager == "applier").unwrap();
    assert!(
        !applier.fields.covers(&p(&["f:data", "f:a"])),
        "taken by the update"
    );
    assert!(!applier.fields.covers(&p(&["f:data", "f:b"])), "removed");
    let edit = entries
        .iter()
        .find(|e| e.manager == "kubectl-edit")
        .unwrap();
    assert_eq!(edit.operation, "Update");
    assert!(edit.fields.contains(&p(&["f:data", "f:a"])));
    assert!(edit.fields.contains(&p(&["f:data", "f:c"])));
    // An update that changes nothing leaves managed fields as they were.
    let mut same = new.clone();
    track_update(&schema, "v1", scope, "", Some(&new), &mut same, "other");
    assert_eq!(same, new);
    // Managed fields a client writes itself are kept (kubectl's client-side to server-side
    // apply migration rewrites them with a JSON patch).
    let mut rewritten = new.clone();
    rewritten["metadata"]["managedFields"] = json!([{"manager": "kubectl", "operation": "Apply", "apiVersion": "v1", "fieldsType": "FieldsV1", "fieldsV1": {"f:data": {"f:a": {}, "f:c": {}}}}]);
    let expected = rewritten.clone();
    track_update(
        &schema,
        "v1",
        scope,
        "",
        Some(&new),
        &mut rewritten,
        "kubectl",
    );
    assert_eq!(
        rewritten["metadata"]["managedFields"],
        expected["metadata"]["managedFields"]
    );
    // Creation: the creator owns everything it set.
    let mut created = cfg.clone();
    track_update(
        &schema,
        "v1",
        scope,
        "",
        None,
        &mut created,
        "kubectl-create",
    );
    let e = &decode(&created).unwrap()[0];
    assert!(e.fields.contains(&p(&["f:data", "f:a"])));
    assert!(
        e.fields.contains(&p(&["f:data"])),
        "a new map is owned as a whole too"
    );
    // The last field of a manager gone, its entry goes.
    let mut bare = new.clone();
    bare["metadata"]
        .as_object_mut()
        .unwrap()
        .shift_remove("labels");
    track_update(
        &schema,
        "v1",
        scope,
        "",
        Some(&new),
        &mut bare,
        "kubectl-edit",
    );
    assert!(
        decode(&bare)
            .unwrap()
            .iter()
            .all(|e| e.manager != "applier")
    );
}

#[test]
fn status_writes_own_only_status() {
    let schema = apps();
    let live = deployment(json!([{"name": "a", "image": "a"}]));
    let mut new = live.clone();
    new["status"] = json!({"replicas": 2});
    track_update(
        &schema,
        "apps/v1",
        Scope::Status,
        "",
        Some(&live),
        &mut new,
        "controller",
    );
    let e = &decode(&new).unwrap()[0];
    assert_eq!(e.subresource, "status");
    assert!(e.fields.contains(&p(&["f:status", "f:replicas"])));
    assert!(!e.fields.covers(&p(&["f:spec"])));
    // A status apply ignores everything but status.
    let ap = Apply::new(
        &schema,
        Scope::Status,
        "c",
        &json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}, "spec": {"replicas": 9}, "status": {"replicas": 3}}),
    );
    assert!(ap.fields().contains(&p(&["f:status", "f:replicas"])));
    assert!(!ap.fields().covers(&p(&["f:spec"])));
    // A main apply ignores status.
    let ap = Apply::new(
        &schema,
        MAIN,
        "c",
        &json!({"apiVersion": "apps/v1", "kind": "Deployment", "status": {"replicas": 3}, "spec": {"replicas": 1}}),
    );
    assert!(!ap.fields().covers(&p(&["f:status"])));
}

#[test]
fn sets_merge_as_unions() {
    let schema = cm_schema();
    let scope = Scope::Main { has_status: false };
    let live = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "finalizers": ["a"]}});
    let cfg = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "finalizers": ["b"]}});
    let ap = Apply::new(&schema, scope, "m", &cfg);
    assert!(
        ap.fields()
            .contains(&p(&["f:metadata", "f:finalizers", "v:\"b\""]))
    );
    let merged = ap.merge(&live);
    assert_eq!(merged["metadata"]["finalizers"], json!(["a", "b"]));
}
