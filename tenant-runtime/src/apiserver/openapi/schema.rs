//! The schema definitions of one document: generated from `k8s-openapi`'s `JsonSchema`
//! impls for built-in kinds, taken from the entry for custom kinds, then completed with the
//! Kubernetes vendor extensions (group-version-kind, list and patch semantics) and list kinds.
//!
//! Definitions are produced in a neutral form: references read `#/components/schemas/NAME`
//! and a reference may carry sibling keys (`description`, extensions). [`to_v3`] turns that
//! into valid OpenAPI 3.0; the v2 encoder rewrites the reference prefix.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1 as meta;
use k8s_openapi::schemars::generate::SchemaSettings;
use k8s_openapi::schemars::{JsonSchema, SchemaGenerator};
use serde_json::{Map, Value, json};

use super::merge::{self, Merge};
use super::{KindEntry, catalog};

/// How references start in the neutral form (and in OpenAPI 3).
pub(super) const REF_PREFIX: &str = "#/components/schemas/";

pub(super) const OBJECT_META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
pub(super) const LIST_META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta";
pub(super) const STATUS: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.Status";
pub(super) const DELETE_OPTIONS: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions";
pub(super) const WATCH_EVENT: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent";
pub(super) const PATCH: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch";
pub(super) const RESOURCE_LIST: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList";
pub(super) const SCALE: &str = "io.k8s.api.autoscaling.v1.Scale";
const INT_OR_STRING: &str = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
const QUANTITY: &str = "io.k8s.apimachinery.pkg.api.resource.Quantity";

/// A reference to a definition, in the neutral form.
pub(super) fn reference(name: &str) -> Value {
    json!({ "$ref": format!("{REF_PREFIX}{name}") })
}

/// The definition name of a kind and of its list kind.
#[derive(Debug, Clone)]
pub(super) struct KindNames {
    pub object: String,
    pub list: String,
}

/// All definitions of one document, sorted by name, plus the definition names of its kinds
/// (parallel to the kinds it was built from).
pub(super) struct Definitions {
    pub map: BTreeMap<String, Value>,
    pub names: Vec<KindNames>,
}

/// A generator whose references read `#/components/schemas/NAME`.
pub(super) fn generator() -> SchemaGenerator {
    SchemaSettings::openapi3()
        .with(|s| {
            s.transforms.clear();
            s.meta_schema = None;
        })
        .into_generator()
}

fn ref_name(schema: &Value) -> Option<&str> {
    schema.get("$ref")?.as_str()?.strip_prefix(REF_PREFIX)
}

/// The definition name Kubernetes gives a custom kind: the group's labels reversed, then the
/// version and kind (`stable.example.com` `v1` `CronTab` → `com.example.stable.v1.CronTab`).
pub(super) fn custom_name(group: &str, version: &str, kind: &str) -> String {
    let mut parts: Vec<&str> = group.split('.').filter(|s| !s.is_empty()).collect();
    parts.reverse();
    parts.push(version);
    parts.push(kind);
    parts.join(".")
}

fn add<T: JsonSchema>(g: &mut SchemaGenerator) {
    g.subschema_for::<T>();
}

/// The definition name of a kind's schema.
pub(super) fn kind_name(k: &KindEntry) -> String {
    match (&k.schema, catalog::find(&k.group, &k.version, &k.kind)) {
        (None, Some(b)) => (b.name)().into_owned(),
        _ => custom_name(&k.group, &k.version, &k.kind),
    }
}

/// Builds the definitions for a set of kinds: every schema they reach, the shared
/// meta types operations refer to, list kinds, and the vendor extensions. Every definition
/// that is the schema of one of `all_kinds` is marked with its group-version-kind, so that a
/// definition reads the same in every document that has it.
pub(super) fn definitions(kinds: &[&KindEntry], all_kinds: &[KindEntry]) -> Definitions {
    let mut g = generator();
    let mut names = Vec::with_capacity(kinds.len());
    let mut custom: Vec<(String, Value)> = Vec::new();
    add::<meta::Status>(&mut g);
    add::<meta::DeleteOptions>(&mut g);
    add::<meta::WatchEvent<()>>(&mut g);
    add::<meta::Patch>(&mut g);
    add::<meta::APIResourceList>(&mut g);
    add::<meta::ListMeta>(&mut g);
    if kinds.iter().any(|k| k.scale) {
        add::<k8s_openapi::api::autoscaling::v1::Scale>(&mut g);
    }
    for k in kinds {
        let object = kind_name(k);
        match (&k.schema, catalog::find(&k.group, &k.version, &k.kind)) {
            (None, Some(builtin)) => {
                (builtin.schema)(&mut g);
            }
            // A custom kind, or one this module has no schema for (published as an object
            // that keeps unknown fields).
            (schema, _) => {
                add::<meta::ObjectMeta>(&mut g);
                custom.push((object.clone(), custom_object(k, schema.as_ref())));
            }
        }
        names.push(KindNames {
            list: format!("{object}List"),
            object,
        });
    }
    let mut map: BTreeMap<String, Value> = g.take_definitions(false).into_iter().collect();
    map.extend(custom);
    for (name, schema) in map.iter_mut() {
        complete(name, schema);
    }
    for k in all_kinds {
        add_gvk(&mut map, &kind_name(k), &k.group, &k.version, &k.kind);
    }
    for (k, n) in kinds.iter().zip(&names) {
        if k.verbs.iter().any(|v| v == "list") && !map.contains_key(&n.list) {
            map.insert(n.list.clone(), list_kind(k, &n.object));
        }
    }
    Definitions { map, names }
}

fn gvk(group: &str, version: &str, kind: &str) -> Value {
    json!({ "group": group, "kind": kind, "version": version })
}

fn add_gvk(map: &mut BTreeMap<String, Value>, name: &str, group: &str, version: &str, kind: &str) {
    let Some(Value::Object(def)) = map.get_mut(name) else {
        return;
    };
    let entry = gvk(group, version, kind);
    match def
        .entry("x-kubernetes-group-version-kind")
        .or_insert_with(|| Value::Array(Vec::new()))
    {
        Value::Array(list) if !list.contains(&entry) => list.push(entry),
        _ => {}
    }
}

fn type_meta_properties(props: &mut Map<String, Value>) {
    props.insert(
        "apiVersion".into(),
        json!({
            "description": "The versioned schema of this representation of an object, as group/version.",
            "type": "string",
        }),
    );
    props.insert(
        "kind".into(),
        json!({
            "description": "The REST resource this object represents, in CamelCase.",
            "type": "string",
        }),
    );
}

/// The published schema of a custom kind: its own schema with `apiVersion`, `kind` and a
/// `metadata` that refers to ObjectMeta.
fn custom_object(k: &KindEntry, schema: Option<&Value>) -> Value {
    let mut def = match schema {
        Some(Value::Object(m)) => m.clone(),
        _ => Map::new(),
    };
    def.entry("type").or_insert_with(|| json!("object"));
    let props = def
        .entry("properties")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(props) = props {
        type_meta_properties(props);
        let mut m = reference(OBJECT_META);
        m["description"] = json!("Standard object metadata.");
        props.insert("metadata".into(), m);
    }
    if schema.is_none() {
        def.insert("x-kubernetes-preserve-unknown-fields".into(), json!(true));
    }
    def.entry("description")
        .or_insert_with(|| json!(format!("{} is a custom resource.", k.kind)));
    Value::Object(def)
}

/// The list kind of a kind: `items` of the kind plus list metadata.
fn list_kind(k: &KindEntry, object: &str) -> Value {
    let mut props = Map::new();
    type_meta_properties(&mut props);
    let mut items = json!({ "type": "array", "items": reference(object) });
    items["description"] = json!(format!("The {} objects.", k.kind));
    props.insert("items".into(), items);
    let mut m = reference(LIST_META);
    m["description"] = json!("Standard list metadata.");
    props.insert("metadata".into(), m);
    // Keep property order alphabetical like every generated definition.
    props.sort_keys();
    json!({
        "description": format!("{}List is a list of {} objects.", k.kind, k.kind),
        "type": "object",
        "properties": props,
        "required": ["items"],
        "x-kubernetes-group-version-kind": [gvk(&k.group, &k.version, &format!("{}List", k.kind))],
    })
}

/// Fixes what `k8s-openapi`'s schemas say differently from the Kubernetes API and adds the
/// list and patch extensions of the definition's fields.
fn complete(name: &str, schema: &mut Value) {
    let Value::Object(def) = schema else { return };
    match name {
        INT_OR_STRING => {
            def.shift_remove("x-kubernetes-int-or-string");
            def.insert("type".into(), json!("string"));
            def.insert("format".into(), json!("int-or-string"));
        }
        QUANTITY => {
            def.shift_remove("x-kubernetes-int-or-string");
            def.insert("type".into(), json!("string"));
        }
        _ => {}
    }
    // `k8s-openapi` marks `metadata` required because its Rust field is not optional; the API
    // does not require it.
    let meta_ref = def
        .get("properties")
        .and_then(|p| p.get("metadata"))
        .and_then(ref_name)
        .is_some_and(|n| n == OBJECT_META || n == LIST_META);
    if meta_ref && let Some(Value::Array(req)) = def.get_mut("required") {
        req.retain(|r| r != "metadata");
        if req.is_empty() {
            def.shift_remove("required");
        }
    }
    let Some(Value::Object(props)) = def.get_mut("properties") else {
        return;
    };
    for (field, how) in merge::fields(name) {
        let Some(Value::Object(prop)) = props.get_mut(*field) else {
            continue;
        };
        match how {
            Merge::Map(keys) => {
                prop.insert("x-kubernetes-list-type".into(), json!("map"));
                prop.insert("x-kubernetes-list-map-keys".into(), json!(keys));
            }
            Merge::Set => {
                prop.insert("x-kubernetes-list-type".into(), json!("set"));
            }
            Merge::AtomicMap => {
                prop.insert("x-kubernetes-map-type".into(), json!("atomic"));
            }
        }
    }
    let Some(strategies) = merge::patch_strategies(name) else {
        return;
    };
    for (field, (strategy, key)) in strategies {
        let Some(Value::Object(prop)) = props.get_mut(field) else {
            continue;
        };
        prop.insert("x-kubernetes-patch-strategy".into(), json!(strategy));
        if let Some(key) = key {
            prop.insert("x-kubernetes-patch-merge-key".into(), json!(key));
        }
    }
}

/// Turns a neutral schema into OpenAPI 3.0, in place: a reference with siblings becomes
/// `allOf: [reference]` next to them, and a Quantity accepts numbers.
pub(super) fn to_v3(name: &str, schema: &mut Value) {
    v3_node(schema);
    if name == QUANTITY
        && let Value::Object(def) = schema
    {
        def.shift_remove("type");
        def.insert(
            "oneOf".into(),
            json!([{ "type": "string" }, { "type": "number" }]),
        );
    }
}

fn v3_node(schema: &mut Value) {
    let Value::Object(m) = schema else { return };
    for (k, v) in m.iter_mut() {
        v3_child(k, v);
    }
    if m.len() > 1
        && let Some(r) = m.shift_remove("$ref")
    {
        m.shift_insert(0, "allOf".into(), json!([{ "$ref": r }]));
    }
}

/// Values under these keys are data, not schemas.
fn is_data_key(key: &str) -> bool {
    matches!(
        key,
        "enum" | "default" | "example" | "required" | "description" | "type" | "format"
    ) || key.starts_with("x-")
}

fn v3_child(key: &str, v: &mut Value) {
    if is_data_key(key) {
        return;
    }
    match (key, v) {
        // Maps from names to schemas.
        ("properties" | "patternProperties" | "definitions" | "$defs", Value::Object(m)) => {
            m.values_mut().for_each(v3_node)
        }
        (_, Value::Array(a)) => a.iter_mut().for_each(v3_node),
        (_, v) => v3_node(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_names_reverse_the_group() {
        assert_eq!(
            custom_name("stable.example.com", "v1", "CronTab"),
            "com.example.stable.v1.CronTab"
        );
    }

    #[test]
    fn v3_wraps_references_with_siblings() {
        let s = json!({
            "type": "object",
            "properties": {
                "a": { "$ref": "#/components/schemas/X", "description": "d" },
                "b": { "$ref": "#/components/schemas/X" },
                "description": { "type": "string" },
            }
        });
        let mut v = s;
        to_v3("Y", &mut v);
        assert_eq!(
            v["properties"]["a"],
            json!({ "allOf": [{ "$ref": "#/components/schemas/X" }], "description": "d" })
        );
        assert_eq!(
            v["properties"]["b"],
            json!({ "$ref": "#/components/schemas/X" })
        );
        assert_eq!(v["properties"]["description"], json!({ "type": "string" }));
    }
}
