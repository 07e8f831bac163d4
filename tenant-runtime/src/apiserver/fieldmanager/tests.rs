use std::sync::OnceLock;

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

// ---------------------------------------------------------------------------------------------
// compact types against the published documents

/// How the published document itself answers at one schema position (`None` where it says
/// nothing): references followed through `components.schemas`, extensions of the position
/// before those of what it refers to.
#[derive(Clone, Copy)]
struct Published<'a> {
    defs: &'a Map<String, Value>,
    node: Option<&'a Value>,
}

impl<'a> Published<'a> {
    fn at(self, node: Option<&'a Value>) -> Self {
        Published { node, ..self }
    }

    fn reference(s: &'a Value) -> Option<&'a str> {
        let r = s
            .get("$ref")
            .and_then(Value::as_str)
            .or_else(|| s.get("allOf")?.as_array()?.first()?.get("$ref")?.as_str())?;
        Some(r.rsplit('/').next().unwrap_or(r))
    }

    fn resolved(self) -> Option<&'a Value> {
        let mut s = self.node?;
        for _ in 0..32 {
            let Some(name) = Self::reference(s) else {
                return Some(s);
            };
            s = self.defs.get(name)?;
        }
        Some(s)
    }

    fn ext(self, key: &str) -> Option<&'a Value> {
        self.node
            .and_then(|n| n.get(key))
            .or_else(|| self.resolved().and_then(|r| r.get(key)))
    }

    fn field(self, name: &str) -> Self {
        let Some(r) = self.resolved() else {
            return self.at(None);
        };
        if let Some(p) = r.get("properties").and_then(|p| p.get(name)) {
            return self.at(Some(p));
        }
        match r.get("additionalProperties") {
            Some(a) if a.is_object() => self.at(Some(a)),
            _ => self.at(None),
        }
    }

    fn items(self) -> Self {
        self.at(self.resolved().and_then(|r| r.get("items")))
    }

    fn is_map(self) -> bool {
        self.resolved()
            .is_some_and(|r| r.get("additionalProperties").is_some_and(Value::is_object))
    }

    fn atomic_map(self) -> bool {
        self.ext("x-kubernetes-map-type").and_then(Value::as_str) == Some("atomic")
            || self
                .node
                .and_then(Self::reference)
                .is_some_and(|d| ATOMIC_STRUCTS.binary_search(&d).is_ok())
    }

    fn list_kind(self) -> ListKind {
        let s = |k: &str| self.ext(k).and_then(Value::as_str);
        match s("x-kubernetes-list-type") {
            Some("map") => {
                let keys: Vec<String> = self
                    .ext("x-kubernetes-list-map-keys")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|k| k.as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default();
                if keys.is_empty() {
                    ListKind::Atomic
                } else {
                    ListKind::Map(keys)
                }
            }
            Some("set") => ListKind::Set,
            Some(_) => ListKind::Atomic,
            None => {
                let merge = s("x-kubernetes-patch-strategy")
                    .is_some_and(|s| s.split(',').any(|p| p == "merge"));
                match s("x-kubernetes-patch-merge-key") {
                    Some(k) if merge => ListKind::Map(vec![k.to_string()]),
                    None if merge => ListKind::Set,
                    _ => ListKind::Atomic,
                }
            }
        }
    }
}

/// Walk both forms from one position, comparing every answer the merge code asks for, at
/// every position below it (every field name the published schema has there, one it lacks, and
/// the items). The answers below a position depend on the position only, so each published
/// schema object is walked once.
fn same_answers(
    c: Node<'_>,
    p: Published<'_>,
    at: &mut Vec<String>,
    seen: &mut std::collections::HashSet<usize>,
) -> usize {
    let here = at.join(".");
    assert_eq!(c.node.is_some(), p.node.is_some(), "presence at {here}");
    assert_eq!(c.is_map(), p.is_map(), "is_map at {here}");
    assert_eq!(c.atomic_map(), p.atomic_map(), "atomic_map at {here}");
    assert_eq!(c.list_kind(), p.list_kind(), "list_kind at {here}");
    let Some(node) = p.node else {
        return 1;
    };
    if !seen.insert(std::ptr::from_ref(node) as usize) {
        return 1;
    }
    let mut checked = 1;
    let mut names: Vec<String> = p
        .resolved()
        .and_then(|r| r.get("properties"))
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    names.push("no-such-field".into());
    for name in names {
        at.push(name.clone());
        checked += same_answers(c.field(&name), p.field(&name), at, seen);
        at.pop();
    }
    at.push("[]".into());
    checked += same_answers(c.items(), p.items(), at, seen);
    at.pop();
    checked
}

#[test]
fn compact_types_answer_as_the_published_documents() {
    let mut kinds = KindEntry::builtins();
    kinds.push(crontab_entry());
    let api = OpenApi::with_cache_budget(kinds.clone(), 0);
    let mut total = 0;
    for k in kinds
        .iter()
        .filter(|k| k.verbs.iter().any(|v| v == "create"))
    {
        let (bytes, _) = api
            .v3_group_version(&k.group_version_path())
            .expect("document");
        let doc: Value = serde_json::from_slice(&bytes).expect("json");
        let defs = doc["components"]["schemas"].as_object().expect("schemas");
        let schema = KindSchema::lookup(&api, &k.group, &k.version, &k.kind);
        let types = schema.types.as_ref().expect("typed");
        let root = defs.iter().find_map(|(name, s)| {
            s["x-kubernetes-group-version-kind"]
                .as_array()?
                .iter()
                .any(|g| g["group"] == k.group && g["version"] == k.version && g["kind"] == k.kind)
                .then_some(name)
        });
        assert_eq!(root.map(String::as_str), Some(&*types.root), "{}", k.kind);
        let published = Published {
            defs,
            node: defs.get(&*types.root),
        };
        total += same_answers(
            schema.node(),
            published,
            &mut vec![k.kind.clone()],
            &mut Default::default(),
        );
        // Exactly the definitions the kind reaches.
        let mut reached = std::collections::BTreeSet::new();
        let mut todo = vec![types.root.to_string()];
        while let Some(n) = todo.pop() {
            if let Some(d) = defs.get(&n)
                && reached.insert(n)
            {
                collect_refs(d, &mut todo);
            }
        }
        let mut kept: Vec<&str> = types.defs.keys().map(|k| &**k).collect();
        kept.sort();
        assert_eq!(
            kept,
            reached.iter().map(String::as_str).collect::<Vec<_>>(),
            "{}",
            k.kind
        );
        assert!(
            types.defs.len() < defs.len() || defs.len() < 20,
            "{}",
            k.kind
        );
    }
    assert!(total > 10_000, "{total}");
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(r) = Published::reference(v) {
                out.push(r.to_string());
            }
            m.values().for_each(|c| collect_refs(c, out));
        }
        Value::Array(a) => a.iter().for_each(|c| collect_refs(c, out)),
        _ => {}
    }
}

fn crontab_entry() -> KindEntry {
    KindEntry {
        group: "stable.example.com".into(),
        version: "v1".into(),
        kind: "CronTab".into(),
        plural: "crontabs".into(),
        namespaced: true,
        status: true,
        scale: false,
        verbs: ["get", "list", "create", "update", "patch", "delete"]
            .iter()
            .map(|v| v.to_string())
            .collect(),
        schema: Some(json!({
            "type": "object",
            "properties": {
                "spec": {
                    "type": "object",
                    "description": "the spec",
                    "properties": {
                        "ports": {
                            "type": "array",
                            "x-kubernetes-list-type": "map",
                            "x-kubernetes-list-map-keys": ["name", "protocol"],
                            "items": {"type": "object", "properties": {"name": {"type": "string"}}},
                        },
                        "tags": {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}},
                        "selector": {"type": "object", "x-kubernetes-map-type": "atomic",
                            "additionalProperties": {"type": "string"}},
                    },
                },
            },
        })),
    }
}

#[test]
fn custom_kinds_merge_by_their_schema_and_leave_no_cache_behind() {
    let builtins = KindEntry::builtins();
    let mut kinds = builtins.clone();
    kinds.push(crontab_entry());
    let api = OpenApi::new(kinds);
    let schema = KindSchema::lookup(&api, "stable.example.com", "v1", "CronTab");
    assert!(schema.definitions() >= 1);
    let cfg = json!({"apiVersion": "stable.example.com/v1", "kind": "CronTab", "metadata": {"name": "c"},
        "spec": {"ports": [{"name": "a", "protocol": "UDP"}], "tags": ["x"], "selector": {"k": "v"}}});
    let ap = Apply::new(&schema, MAIN, "m", &cfg);
    let f = ap.fields();
    assert!(f.contains(&p(&[
        "f:spec",
        "f:ports",
        "k:{\"name\":\"a\",\"protocol\":\"UDP\"}"
    ])));
    assert!(f.contains(&p(&["f:spec", "f:tags", "v:\"x\""])));
    assert!(f.contains(&p(&["f:spec", "f:selector"])));
    assert!(!f.covers(&p(&["f:spec", "f:selector", "f:k"])));
    let cm = KindSchema::lookup(&api, "", "v1", "ConfigMap");
    assert!(cm.definitions() >= 1);
    assert_eq!(api.field_types().len(), 2);
    // The definition goes: its group-version's entry goes at the next lookup; built-in kinds
    // (whose documents did not change) stay.
    api.set_kinds(builtins.clone());
    let untyped = KindSchema::lookup(&api, "stable.example.com", "v1", "CronTab");
    assert_eq!(untyped.definitions(), 0);
    assert_eq!(api.field_types().len(), 1, "only ConfigMap is left");
    // A changed definition gets new types.
    let mut changed = crontab_entry();
    changed.schema = Some(
        json!({"type": "object", "properties": {"spec": {"type": "object",
        "properties": {"tags": {"type": "array", "items": {"type": "string"}}}}}}),
    );
    let mut kinds = builtins;
    kinds.push(changed);
    api.set_kinds(kinds);
    let schema = KindSchema::lookup(&api, "stable.example.com", "v1", "CronTab");
    let ap = Apply::new(&schema, MAIN, "m", &cfg);
    assert!(
        ap.fields().contains(&p(&["f:spec", "f:tags"])),
        "tags are atomic now"
    );
    assert_eq!(api.field_types().len(), 2);
    // An unknown kind of a known group-version is untyped (and remembered as such).
    let none = KindSchema::lookup(&api, "", "v1", "NoSuchKind");
    assert_eq!(none.definitions(), 0);
}

#[test]
fn lookups_share_one_build_and_keep_no_document() {
    let api = OpenApi::new(KindEntry::builtins());
    let a = KindSchema::lookup(&api, "", "v1", "Pod");
    let b = KindSchema::lookup(&api, "", "v1", "Pod");
    let (Some(a), Some(b)) = (&a.types, &b.types) else {
        panic!("typed");
    };
    assert!(Arc::ptr_eq(a, b));
    assert!(
        api.cached_documents().is_empty(),
        "the document is not kept"
    );
    // A served document stays cached, and the field manager reads it from there.
    api.v3_group_version("apis/apps/v1").expect("apps");
    let d = KindSchema::lookup(&api, "apps", "v1", "Deployment");
    assert!(d.definitions() > 10);
    assert_eq!(api.cached_documents(), ["apis/apps/v1"]);
}

#[test]
fn schemas_from_a_bare_map() {
    let s = KindSchema::from_schemas(
        json!({
            "a.Kind": {"properties": {"spec": {"$ref": "#/components/schemas/a.Spec"}}},
            "a.Spec": {"properties": {"items": {"type": "array", "x-kubernetes-patch-strategy": "merge,retainKeys", "x-kubernetes-patch-merge-key": "id"}}},
            "a.Unreached": {"properties": {}},
        }),
        "a.Kind",
    );
    assert_eq!(s.definitions(), 2);
    let n = s.node().field("spec").field("items");
    assert_eq!(n.list_kind(), ListKind::Map(vec!["id".into()]));
    assert!(
        KindSchema::from_schemas(json!({}), "a.Kind")
            .types
            .is_none()
    );
}
