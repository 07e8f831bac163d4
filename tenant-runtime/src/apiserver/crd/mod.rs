//! CustomResourceDefinitions (`apiextensions.k8s.io/v1`) and the custom resources they
//! define.
//!
//! Owns: the checks and defaults of CRD objects; the CRD controller (a store watch that marks
//! CRDs `NamesAccepted`/`Established`, keeps `acceptedNames` and `storedVersions`, serves
//! each established CRD's versions by swapping them into the registry and the OpenAPI
//! documents, and on CRD deletion removes every object of the CRD before letting the CRD go);
//! and what custom resource types need on the request path: schema pruning and defaulting
//! (the type's round trip), schema and CEL validation, printer-column tables, the scale
//! subresource's paths and the apiVersion rewrite between served versions (conversion
//! strategy `None`).

pub mod cel;
pub mod schema;

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Body;
use axum::response::Response;
use bytes::Bytes;
use futures::StreamExt;
use serde_json::{Value, json};

use super::ApiServer;
use super::meta;
use super::openapi::KindEntry;
use super::registry::{ResourceType, intern, intern_list};
use super::table::{self, CustomColumns, IncludeObject};
use super::validation::Cause;
use crate::store::{ListOptions, Revision, StoreError};
use schema::Schema;

/// The API group of CRDs.
pub const GROUP: &str = "apiextensions.k8s.io";
/// The finalizer that holds a CRD until its objects are gone.
pub const CLEANUP_FINALIZER: &str = "customresourcecleanup.apiextensions.k8s.io";

/// What a custom resource type (one served version of a CRD) brings along.
pub struct CustomInfo {
    /// The CRD's name (`<plural>.<group>`).
    pub crd: String,
    /// The version's structural schema, if it has one.
    pub schema: Option<Arc<Schema>>,
    /// The version's `openAPIV3Schema` as written, for the OpenAPI documents.
    pub raw_schema: Option<Value>,
    pub columns: CustomColumns,
    pub scale: Option<ScalePaths>,
    /// Every served version of the CRD.
    pub versions: Vec<&'static str>,
    pub storage_version: String,
    pub selectable_fields: Vec<String>,
}

/// Where the scale subresource reads and writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScalePaths {
    pub spec_replicas: String,
    pub status_replicas: String,
    pub label_selector: Option<String>,
}

fn is_crd(rt: &ResourceType) -> bool {
    rt.group == GROUP && rt.kind == "CustomResourceDefinition"
}

// ---------------------------------------------------------------------------------------------
// admission hooks

/// Extra checks of a write to a CRD or a custom resource (`old` on updates).
pub fn validate(rt: &ResourceType, obj: &Value, old: Option<&Value>) -> Vec<Cause> {
    if is_crd(rt) {
        return validate_crd(obj, old);
    }
    match rt.custom.as_ref().and_then(|c| c.schema.as_ref()) {
        Some(s) => s.validate_root(obj, old),
        None => vec![],
    }
}

/// Defaults of a CRD object, as Kubernetes fills them in.
pub fn default_crd(obj: &mut Value) {
    let Some(spec) = obj.get_mut("spec").and_then(Value::as_object_mut) else {
        return;
    };
    if let Some(names) = spec.get_mut("names").and_then(Value::as_object_mut) {
        let kind = names
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if !kind.is_empty() {
            if names
                .get("singular")
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
            {
                names.insert("singular".into(), json!(kind.to_ascii_lowercase()));
            }
            if names
                .get("listKind")
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
            {
                names.insert("listKind".into(), json!(format!("{kind}List")));
            }
        }
    }
    if !spec.get("conversion").is_some_and(Value::is_object) {
        spec.insert("conversion".into(), json!({"strategy": "None"}));
    }
    if meta::deletion_timestamp(obj).is_some() {
        // A CRD being deleted keeps what it has: the controller removes the finalizer.
        return;
    }
    let m = meta::meta_mut(obj);
    let fins = m.entry("finalizers").or_insert_with(|| json!([]));
    if let Some(list) = fins.as_array_mut()
        && !list.iter().any(|f| f == CLEANUP_FINALIZER)
    {
        list.push(json!(CLEANUP_FINALIZER));
    }
}

fn cause(field: &str, reason: &'static str, message: impl Into<String>) -> Cause {
    Cause {
        field: field.to_string(),
        reason,
        message: message.into(),
    }
}

fn dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

fn dns_subdomain(s: &str) -> bool {
    !s.is_empty() && s.len() <= 253 && s.split('.').all(dns_label)
}

/// Checks a CRD object.
pub fn validate_crd(obj: &Value, old: Option<&Value>) -> Vec<Cause> {
    let mut out = vec![];
    let spec = &obj["spec"];
    let group = spec["group"].as_str().unwrap_or("");
    let names = &spec["names"];
    let plural = names["plural"].as_str().unwrap_or("");
    let kind = names["kind"].as_str().unwrap_or("");
    let name = meta::name(obj).unwrap_or("");
    if group.is_empty() {
        out.push(cause("spec.group", Cause::REQUIRED, "Required value"));
    } else if !dns_subdomain(group) || !group.contains('.') {
        out.push(cause(
            "spec.group",
            Cause::INVALID,
            format!(
                "Invalid value: {}: should be a domain with at least one dot",
                json!(group)
            ),
        ));
    }
    if plural.is_empty() {
        out.push(cause(
            "spec.names.plural",
            Cause::REQUIRED,
            "Required value",
        ));
    } else if !dns_label(plural) {
        out.push(cause(
            "spec.names.plural",
            Cause::INVALID,
            format!("Invalid value: {}: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'", json!(plural)),
        ));
    }
    if !plural.is_empty() && !group.is_empty() && name != format!("{plural}.{group}") {
        out.push(cause(
            "metadata.name",
            Cause::INVALID,
            format!(
                "Invalid value: {}: must be spec.names.plural+\".\"+spec.group",
                json!(name)
            ),
        ));
    }
    if kind.is_empty() {
        out.push(cause("spec.names.kind", Cause::REQUIRED, "Required value"));
    } else if !kind.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        || !kind.chars().all(|c| c.is_ascii_alphanumeric())
    {
        out.push(cause(
            "spec.names.kind",
            Cause::INVALID,
            format!("Invalid value: {}: may have mixed case, but should otherwise match: ^[a-zA-Z][a-zA-Z0-9]*$", json!(kind)),
        ));
    }
    if let Some(s) = names["singular"].as_str()
        && !s.is_empty()
        && !dns_label(s)
    {
        out.push(cause("spec.names.singular", Cause::INVALID, format!("Invalid value: {}: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'", json!(s))));
    }
    if let Some(list) = names["shortNames"].as_array() {
        for (i, s) in list.iter().enumerate() {
            let s = s.as_str().unwrap_or("");
            if !dns_label(s) {
                out.push(cause(&format!("spec.names.shortNames[{i}]"), Cause::INVALID, format!("Invalid value: {}: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'", json!(s))));
            }
        }
    }
    match spec["scope"].as_str() {
        Some("Namespaced" | "Cluster") => {}
        None | Some("") => out.push(cause("spec.scope", Cause::REQUIRED, "Required value")),
        Some(other) => out.push(cause(
            "spec.scope",
            "FieldValueNotSupported",
            format!(
                "Unsupported value: {}: supported values: \"Cluster\", \"Namespaced\"",
                json!(other)
            ),
        )),
    }
    if let Some(old) = old
        && old["spec"]["scope"] != spec["scope"]
    {
        out.push(cause(
            "spec.scope",
            Cause::INVALID,
            format!("Invalid value: {}: field is immutable", spec["scope"]),
        ));
    }
    match spec["conversion"]["strategy"].as_str() {
        None | Some("None" | "Webhook") => {}
        Some(other) => out.push(cause(
            "spec.conversion.strategy",
            "FieldValueNotSupported",
            format!(
                "Unsupported value: {}: supported values: \"None\", \"Webhook\"",
                json!(other)
            ),
        )),
    }
    let versions = spec["versions"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    if versions.is_empty() {
        out.push(cause(
            "spec.versions",
            Cause::INVALID,
            "Invalid value: null: must have exactly one version marked as storage version",
        ));
        return out;
    }
    let storage = versions
        .iter()
        .filter(|v| v["storage"] == json!(true))
        .count();
    if storage != 1 {
        out.push(cause(
            "spec.versions",
            Cause::INVALID,
            format!(
                "Invalid value: {}: must have exactly one version marked as storage version",
                short_versions(versions)
            ),
        ));
    }
    if !versions.iter().any(|v| v["served"] == json!(true)) {
        out.push(cause(
            "spec.versions",
            Cause::INVALID,
            format!(
                "Invalid value: {}: must have at least one version marked as served",
                short_versions(versions)
            ),
        ));
    }
    let mut seen = vec![];
    for (i, v) in versions.iter().enumerate() {
        let field = format!("spec.versions[{i}]");
        let vname = v["name"].as_str().unwrap_or("");
        if !dns_label(vname) || !vname.starts_with(|c: char| c.is_ascii_lowercase()) {
            out.push(cause(&format!("{field}.name"), Cause::INVALID, format!("Invalid value: {}: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character", json!(vname))));
        }
        if seen.contains(&vname) {
            out.push(cause(
                &format!("{field}.name"),
                "FieldValueDuplicate",
                format!("Duplicate value: {}", json!(vname)),
            ));
        }
        seen.push(vname);
        let sf = format!("{field}.schema.openAPIV3Schema");
        match v.get("schema").and_then(|s| s.get("openAPIV3Schema")) {
            None | Some(Value::Null) => out.push(cause(
                &sf,
                Cause::REQUIRED,
                "Required value: schemas are required",
            )),
            Some(raw) => {
                let mut errs = vec![];
                let s = Schema::load(raw, &sf, &mut errs);
                if s.type_.as_deref() != Some("object") {
                    errs.push(cause(
                        &format!("{sf}.type"),
                        Cause::INVALID,
                        format!(
                            "Invalid value: {}: must be object at the root",
                            json!(s.type_.as_deref().unwrap_or(""))
                        ),
                    ));
                }
                if let Some(m) = s.properties.get("metadata") {
                    let extra: Vec<&String> = m
                        .properties
                        .keys()
                        .filter(|k| !matches!(k.as_str(), "name" | "generateName"))
                        .collect();
                    if !extra.is_empty() {
                        errs.push(cause(&format!("{sf}.properties[metadata]"), "FieldValueForbidden", "Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified"));
                    }
                }
                out.extend(errs);
            }
        }
        if let Some(scale) = v
            .get("subresources")
            .and_then(|s| s.get("scale"))
            .filter(|s| s.is_object())
        {
            let sp = format!("{field}.subresources.scale");
            match scale["specReplicasPath"].as_str() {
                Some(p) if p.starts_with(".spec.") => {}
                Some(p) => out.push(cause(
                    &format!("{sp}.specReplicasPath"),
                    Cause::INVALID,
                    format!(
                        "Invalid value: {}: should be a json path under .spec",
                        json!(p)
                    ),
                )),
                None => out.push(cause(
                    &format!("{sp}.specReplicasPath"),
                    Cause::REQUIRED,
                    "Required value",
                )),
            }
            match scale["statusReplicasPath"].as_str() {
                Some(p) if p.starts_with(".status.") => {}
                Some(p) => out.push(cause(
                    &format!("{sp}.statusReplicasPath"),
                    Cause::INVALID,
                    format!(
                        "Invalid value: {}: should be a json path under .status",
                        json!(p)
                    ),
                )),
                None => out.push(cause(
                    &format!("{sp}.statusReplicasPath"),
                    Cause::REQUIRED,
                    "Required value",
                )),
            }
            if let Some(p) = scale["labelSelectorPath"].as_str()
                && !(p.starts_with(".spec.") || p.starts_with(".status."))
            {
                out.push(cause(
                    &format!("{sp}.labelSelectorPath"),
                    Cause::INVALID,
                    format!(
                        "Invalid value: {}: should be a json path under either .spec or .status",
                        json!(p)
                    ),
                ));
            }
        }
        if let Some(cols) = v["additionalPrinterColumns"].as_array() {
            for (j, c) in cols.iter().enumerate() {
                let cf = format!("{field}.additionalPrinterColumns[{j}]");
                if c["name"].as_str().is_none_or(str::is_empty) {
                    out.push(cause(
                        &format!("{cf}.name"),
                        Cause::REQUIRED,
                        "Required value",
                    ));
                }
                if c["jsonPath"].as_str().is_none_or(str::is_empty) {
                    out.push(cause(
                        &format!("{cf}.jsonPath"),
                        Cause::REQUIRED,
                        "Required value",
                    ));
                }
                match c["type"].as_str() {
                    Some("integer" | "number" | "string" | "boolean" | "date") => {}
                    Some(t) => out.push(cause(&format!("{cf}.type"), "FieldValueNotSupported", format!("Unsupported value: {}: supported values: \"boolean\", \"date\", \"integer\", \"number\", \"string\"", json!(t)))),
                    None => out.push(cause(&format!("{cf}.type"), Cause::REQUIRED, "Required value")),
                }
            }
        }
    }
    out
}

fn short_versions(versions: &[Value]) -> String {
    let names: Vec<&str> = versions.iter().filter_map(|v| v["name"].as_str()).collect();
    format!("{names:?}")
}

// ---------------------------------------------------------------------------------------------
// serving

/// Kubernetes' version priority: GA before beta before alpha, higher numbers first, and
/// versions that do not look like `vN[alpha|betaM]` last, alphabetically.
pub fn version_order(a: &str, b: &str) -> std::cmp::Ordering {
    fn parse(v: &str) -> Option<(u8, u64, u64)> {
        let rest = v.strip_prefix('v')?;
        let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        if digits.is_empty() || digits.starts_with('0') {
            return None;
        }
        let major: u64 = digits.parse().ok()?;
        let tail = &rest[digits.len()..];
        let (level, minor) = if tail.is_empty() {
            return Some((3, major, 0));
        } else if let Some(n) = tail.strip_prefix("beta") {
            (2, n)
        } else if let Some(n) = tail.strip_prefix("alpha") {
            (1, n)
        } else {
            return None;
        };
        if n_ok(minor) {
            Some((level, major, minor.parse().ok()?))
        } else {
            None
        }
    }
    fn n_ok(n: &str) -> bool {
        !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && !n.starts_with('0')
    }
    match (parse(a), parse(b)) {
        (Some(x), Some(y)) => y.cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.cmp(b),
    }
}

fn str_list(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// The round trip of a custom resource type: metadata decoded as ObjectMeta, unknown
/// fields pruned and defaults applied.
fn custom_roundtrip(schema: Option<Arc<Schema>>) -> super::registry::RoundTrip {
    Arc::new(move |v: &Value| {
        let mut out = v.clone();
        if let Some(m) = out.get("metadata").filter(|m| !m.is_null()) {
            use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
            let typed: ObjectMeta = serde_path_to_error::deserialize(m).map_err(|e| {
                let path = e.path().to_string();
                format!("metadata.{path}: {}", e.into_inner())
            })?;
            out["metadata"] = serde_json::to_value(typed).map_err(|e| e.to_string())?;
        }
        if let Some(s) = &schema {
            s.prune_root(&mut out);
            s.apply_defaults(&mut out);
        }
        Ok(out)
    })
}

/// The resource types a CRD serves (one per served version), preferred version first.
pub fn resource_types(crd: &Value) -> Vec<ResourceType> {
    let spec = &crd["spec"];
    let group = spec["group"].as_str().unwrap_or("");
    let names = &spec["names"];
    let kind = names["kind"].as_str().unwrap_or("");
    let plural = names["plural"].as_str().unwrap_or("");
    if group.is_empty() || kind.is_empty() || plural.is_empty() {
        return vec![];
    }
    let list_kind = names["listKind"]
        .as_str()
        .filter(|s| !s.is_empty())
        .map(String::from)
        .unwrap_or_else(|| format!("{kind}List"));
    let singular = names["singular"]
        .as_str()
        .filter(|s| !s.is_empty())
        .map(String::from)
        .unwrap_or_else(|| kind.to_ascii_lowercase());
    let versions = spec["versions"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut served: Vec<&'static str> = versions
        .iter()
        .filter(|v| v["served"] == json!(true))
        .filter_map(|v| v["name"].as_str())
        .map(intern)
        .collect();
    served.sort_by(|a, b| version_order(a, b));
    let storage_version = versions
        .iter()
        .find(|v| v["storage"] == json!(true))
        .and_then(|v| v["name"].as_str())
        .unwrap_or("")
        .to_string();
    let crd_name = meta::name(crd).unwrap_or("").to_string();
    let mut out = vec![];
    for vname in &served {
        let Some(v) = versions.iter().find(|v| v["name"] == json!(vname)) else {
            continue;
        };
        let raw = v
            .get("schema")
            .and_then(|s| s.get("openAPIV3Schema"))
            .filter(|s| s.is_object())
            .cloned();
        let schema = raw.as_ref().map(|r| {
            let mut errs = vec![];
            Arc::new(Schema::load(r, "", &mut errs))
        });
        let subs = &v["subresources"];
        let scale = subs
            .get("scale")
            .filter(|s| s.is_object())
            .map(|s| ScalePaths {
                spec_replicas: s["specReplicasPath"]
                    .as_str()
                    .unwrap_or(".spec.replicas")
                    .to_string(),
                status_replicas: s["statusReplicasPath"]
                    .as_str()
                    .unwrap_or(".status.replicas")
                    .to_string(),
                label_selector: s["labelSelectorPath"].as_str().map(String::from),
            });
        let info = CustomInfo {
            crd: crd_name.clone(),
            schema: schema.clone(),
            raw_schema: raw,
            columns: CustomColumns::new(v.get("additionalPrinterColumns")),
            scale: scale.clone(),
            versions: served.clone(),
            storage_version: storage_version.clone(),
            selectable_fields: v["selectableFields"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|f| f["jsonPath"].as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default(),
        };
        out.push(ResourceType {
            group: intern(group),
            version: vname,
            kind: intern(kind),
            list_kind: intern(&list_kind),
            plural: intern(plural),
            singular: singular.clone(),
            namespaced: spec["scope"] == json!("Namespaced"),
            short_names: intern_list(&str_list(&names["shortNames"])),
            categories: intern_list(&str_list(&names["categories"])),
            status: subs.get("status").is_some_and(|s| s.is_object()),
            scale: scale.is_some(),
            create_only: false,
            roundtrip: custom_roundtrip(schema),
            custom: Some(Arc::new(info)),
        });
    }
    out
}

/// The OpenAPI entry of a served type.
pub fn kind_entry(t: &ResourceType) -> KindEntry {
    KindEntry {
        group: t.group.to_string(),
        version: t.version.to_string(),
        kind: t.kind.to_string(),
        plural: t.plural.to_string(),
        namespaced: t.namespaced,
        status: t.status,
        scale: t.scale,
        verbs: t.verbs().iter().map(|v| v.to_string()).collect(),
        schema: t.custom.as_ref().map(|c| {
            c.raw_schema.clone().unwrap_or_else(
                || json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true}),
            )
        }),
    }
}

/// A Table of objects of any type: printer columns for custom resources, the built-in
/// printers otherwise.
pub fn table(
    rt: &ResourceType,
    items: &[&Value],
    list_meta: Value,
    include: IncludeObject,
    now: jiff::Timestamp,
) -> Value {
    match &rt.custom {
        Some(c) => c.columns.table(items, list_meta, include, now),
        None => table::table(rt.group, rt.kind, items, list_meta, include, now),
    }
}

// ---------------------------------------------------------------------------------------------
// scale

fn path_parts(p: &str) -> Vec<&str> {
    p.trim_start_matches('.')
        .split('.')
        .filter(|s| !s.is_empty())
        .collect()
}

fn get_path<'a>(v: &'a Value, p: &str) -> Option<&'a Value> {
    path_parts(p).into_iter().try_fold(v, |v, k| v.get(k))
}

/// The `autoscaling/v1` Scale of a custom resource.
pub fn scale_of(paths: &ScalePaths, r: &Revision) -> Value {
    let m = meta::meta(&r.value).cloned().unwrap_or_default();
    let mut md = serde_json::Map::new();
    for k in [
        "name",
        "namespace",
        "uid",
        "resourceVersion",
        "creationTimestamp",
    ] {
        if let Some(v) = m.get(k) {
            md.insert(k.into(), v.clone());
        }
    }
    let spec = get_path(&r.value, &paths.spec_replicas)
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let status = get_path(&r.value, &paths.status_replicas)
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let mut st = json!({"replicas": status});
    if let Some(sel) = paths
        .label_selector
        .as_deref()
        .and_then(|p| get_path(&r.value, p))
        .and_then(Value::as_str)
    {
        st["selector"] = json!(sel);
    }
    json!({"kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": md, "spec": {"replicas": spec}, "status": st})
}

/// Sets the desired replicas of an object through the scale subresource.
pub fn set_replicas(rt: &ResourceType, obj: &mut Value, replicas: i64) {
    let path = match rt.custom.as_ref().and_then(|c| c.scale.as_ref()) {
        Some(p) => p.spec_replicas.clone(),
        None => ".spec.replicas".to_string(),
    };
    let parts = path_parts(&path);
    let mut cur = obj;
    for (i, k) in parts.iter().enumerate() {
        if !cur.is_object() {
            *cur = json!({});
        }
        if i + 1 == parts.len() {
            cur[*k] = json!(replicas);
            return;
        }
        if !cur.get(*k).is_some_and(Value::is_object) {
            cur[*k] = json!({});
        }
        cur = &mut cur[*k];
    }
}

// ---------------------------------------------------------------------------------------------
// versions

/// The type whose responses need their apiVersion rewritten (a custom type with more than one
/// served version), if the request addresses one.
pub fn needs_conversion(rt: &ResourceType) -> bool {
    rt.custom.as_ref().is_some_and(|c| c.versions.len() > 1)
}

/// A stored object as the request's version sees it (custom types only change apiVersion).
pub fn in_version<'a>(rt: &ResourceType, stored: &'a Value) -> std::borrow::Cow<'a, Value> {
    if !needs_conversion(rt) {
        return std::borrow::Cow::Borrowed(stored);
    }
    let mut v = stored.clone();
    convert_value(&mut v, rt, &rt.api_version());
    std::borrow::Cow::Owned(v)
}

fn convert_value(v: &mut Value, rt: &ResourceType, api_version: &str) {
    let Some(m) = v.as_object_mut() else { return };
    let kind = m
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let own_group = m
        .get("apiVersion")
        .and_then(Value::as_str)
        .is_some_and(|a| a.split_once('/').is_some_and(|(g, _)| g == rt.group));
    if own_group && (kind == rt.kind || kind == rt.list_kind) {
        m.insert("apiVersion".into(), json!(api_version));
    }
    if let Some(Value::Array(items)) = m.get_mut("items") {
        for i in items {
            convert_value(i, rt, api_version);
        }
    }
    if let Some(Value::Array(rows)) = m.get_mut("rows") {
        for r in rows {
            if let Some(o) = r.get_mut("object") {
                convert_value(o, rt, api_version);
            }
        }
    }
    if m.contains_key("type")
        && let Some(o) = m.get_mut("object")
    {
        convert_value(o, rt, api_version);
    }
}

/// Rewrites the apiVersion of the objects in one body chunk (a whole response, or one watch
/// event) to the requested version; anything that is not JSON passes unchanged.
fn convert_chunk(chunk: Bytes, rt: &ResourceType) -> Bytes {
    let trimmed = chunk.strip_suffix(b"\n").unwrap_or(&chunk);
    let Ok(mut v) = serde_json::from_slice::<Value>(trimmed) else {
        return chunk;
    };
    convert_value(&mut v, rt, &rt.api_version());
    let mut out = serde_json::to_vec(&v).unwrap_or_default();
    if chunk.ends_with(b"\n") {
        out.push(b'\n');
    }
    Bytes::from(out)
}

/// A response of a multi-version custom type, with objects in the requested version.
pub fn convert_response(rt: Arc<ResourceType>, resp: Response) -> Response {
    let (parts, body) = resp.into_parts();
    let stream = body
        .into_data_stream()
        .map(move |c| c.map(|b| convert_chunk(b, &rt)));
    Response::from_parts(parts, Body::from_stream(stream))
}

// ---------------------------------------------------------------------------------------------
// the controller

fn crd_type(s: &ApiServer) -> Arc<ResourceType> {
    s.registry
        .lookup(GROUP, "v1", "customresourcedefinitions")
        .expect("CRDs are served")
}

fn condition(type_: &str, status: bool, reason: &str, message: &str, old: &Value) -> Value {
    let status = if status { "True" } else { "False" };
    let since = old["conditions"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["type"] == json!(type_)))
        .filter(|c| c["status"] == json!(status))
        .and_then(|c| c.get("lastTransitionTime").cloned())
        .unwrap_or_else(|| json!(meta::now()));
    json!({"type": type_, "status": status, "lastTransitionTime": since, "reason": reason, "message": message})
}

/// The status the controller wants a CRD to have; `conflict` names a naming conflict.
fn desired_status(crd: &Value, conflict: Option<&str>) -> Value {
    let old = &crd["status"];
    let names = &crd["spec"]["names"];
    let mut accepted = names.clone();
    if let Some(kind) = names["kind"].as_str() {
        if accepted["singular"].as_str().is_none_or(str::is_empty) {
            accepted["singular"] = json!(kind.to_ascii_lowercase());
        }
        if accepted["listKind"].as_str().is_none_or(str::is_empty) {
            accepted["listKind"] = json!(format!("{kind}List"));
        }
    }
    let mut stored = str_list(&old["storedVersions"]);
    if let Some(sv) = crd["spec"]["versions"]
        .as_array()
        .and_then(|vs| vs.iter().find(|v| v["storage"] == json!(true)))
        .and_then(|v| v["name"].as_str())
        && !stored.iter().any(|s| s == sv)
    {
        stored.push(sv.to_string());
    }
    let mut conditions = vec![];
    match conflict {
        None => {
            conditions.push(condition(
                "NamesAccepted",
                true,
                "NoConflicts",
                "no conflicts found",
                old,
            ));
            conditions.push(condition(
                "Established",
                true,
                "InitialNamesAccepted",
                "the initial names have been accepted",
                old,
            ));
        }
        Some(msg) => {
            conditions.push(condition("NamesAccepted", false, "NameConflict", msg, old));
            conditions.push(condition(
                "Established",
                false,
                "NotAccepted",
                "not all names are accepted",
                old,
            ));
        }
    }
    if meta::deletion_timestamp(crd).is_some() {
        conditions.push(condition(
            "Terminating",
            true,
            "InstanceDeletionInProgress",
            "CustomResource deletion is in progress",
            old,
        ));
    }
    let mut st = json!({"conditions": conditions, "storedVersions": stored});
    if conflict.is_none() {
        st["acceptedNames"] = accepted;
    } else {
        st["acceptedNames"] = old
            .get("acceptedNames")
            .cloned()
            .unwrap_or_else(|| json!({"plural": "", "kind": ""}));
    }
    st
}

/// The names a CRD claims in its group: plural, singular, kind, short names.
fn claims(crd: &Value) -> (String, Vec<String>) {
    let names = &crd["spec"]["names"];
    let mut out = vec![];
    for k in ["plural", "singular"] {
        if let Some(s) = names[k].as_str().filter(|s| !s.is_empty()) {
            out.push(s.to_string());
        }
    }
    out.extend(str_list(&names["shortNames"]));
    (crd["spec"]["group"].as_str().unwrap_or("").to_string(), out)
}

struct Controller {
    server: Arc<ApiServer>,
    /// Types built per CRD, keyed by name, with the spec they were built from.
    cache: HashMap<String, (Value, Vec<Arc<ResourceType>>)>,
}

impl Controller {
    fn list_crds(&self) -> Vec<Arc<Revision>> {
        let rt = crd_type(&self.server);
        let prefix = rt.list_prefix(None);
        self.server
            .store
            .list(ListOptions {
                prefix: &prefix,
                start_after: None,
                at_rv: None,
                limit: None,
                filter: None,
            })
            .map(|r| r.items)
            .unwrap_or_default()
    }

    /// Brings the registry, the OpenAPI documents and every CRD's status in line with the
    /// stored CRDs; finishes the deletion of CRDs being deleted.
    async fn sync(&mut self) {
        let crds = self.list_crds();
        // Oldest first: an older CRD keeps names a newer one also claims.
        let mut order: Vec<&Arc<Revision>> = crds.iter().collect();
        order.sort_by_key(|r| r.create_rv);
        let builtin: Vec<(String, String)> = self
            .server
            .registry
            .all()
            .iter()
            .filter(|t| t.custom.is_none())
            .map(|t| (t.group.to_string(), t.plural.to_string()))
            .collect();
        let mut taken: Vec<(String, String)> = vec![];
        let mut types: Vec<Arc<ResourceType>> = vec![];
        let mut statuses = vec![];
        let mut live = std::collections::HashSet::new();
        for r in order {
            let crd = &r.value;
            let name = meta::name(crd).unwrap_or("").to_string();
            live.insert(name.clone());
            let (group, names) = claims(crd);
            let conflict = names
                .iter()
                .find(|n| {
                    taken.iter().any(|(g, t)| *g == group && t == *n)
                        || builtin.iter().any(|(g, p)| *g == group && p == *n)
                })
                .map(|n| format!("{n:?} is already in use"));
            if conflict.is_none() {
                taken.extend(names.into_iter().map(|n| (group.clone(), n)));
                let spec = &crd["spec"];
                let built = match self.cache.get(&name) {
                    Some((s, t)) if s == spec => t.clone(),
                    _ => {
                        let t: Vec<Arc<ResourceType>> =
                            resource_types(crd).into_iter().map(Arc::new).collect();
                        self.cache.insert(name.clone(), (spec.clone(), t.clone()));
                        t
                    }
                };
                types.extend(built);
            }
            statuses.push((r.clone(), desired_status(crd, conflict.as_deref())));
        }
        self.cache.retain(|k, _| live.contains(k));
        types.sort_by(|a, b| {
            a.group
                .cmp(b.group)
                .then_with(|| version_order(a.version, b.version))
                .then_with(|| a.kind.cmp(b.kind))
        });
        let before: Vec<(String, String, String, usize)> = self
            .server
            .registry
            .custom()
            .iter()
            .map(|t| {
                (
                    t.group.to_string(),
                    t.version.to_string(),
                    t.plural.to_string(),
                    Arc::as_ptr(t) as usize,
                )
            })
            .collect();
        let after: Vec<(String, String, String, usize)> = types
            .iter()
            .map(|t| {
                (
                    t.group.to_string(),
                    t.version.to_string(),
                    t.plural.to_string(),
                    Arc::as_ptr(t) as usize,
                )
            })
            .collect();
        if before != after {
            self.server.registry.set_custom(types);
            let kinds: Vec<KindEntry> = self
                .server
                .registry
                .all()
                .iter()
                .map(|t| kind_entry(t))
                .collect();
            self.server.openapi.set_kinds(kinds);
        }
        for (r, status) in statuses {
            if meta::deletion_timestamp(&r.value).is_some() {
                self.finish_deletion(&r).await;
                continue;
            }
            if !same_status(&r.value["status"], &status) {
                let mut new = r.value.clone();
                new["status"] = status;
                let _ = self.server.store.update(&r.key, Some(r.rv), new).await;
            }
        }
    }

    /// Deletes every object of a CRD being deleted, then drops the cleanup finalizer.
    async fn finish_deletion(&self, r: &Revision) {
        let crd = &r.value;
        let group = crd["spec"]["group"].as_str().unwrap_or("");
        let plural = crd["spec"]["names"]["plural"].as_str().unwrap_or("");
        if !group.is_empty() && !plural.is_empty() {
            let prefix = format!("{group}/{plural}/");
            loop {
                let Ok(res) = self.server.store.list(ListOptions {
                    prefix: &prefix,
                    start_after: None,
                    at_rv: None,
                    limit: Some(500),
                    filter: None,
                }) else {
                    return;
                };
                if res.items.is_empty() {
                    break;
                }
                for item in res.items {
                    match self.server.store.delete(&item.key, Some(item.rv)).await {
                        Ok(_) | Err(StoreError::NotFound) | Err(StoreError::Conflict { .. }) => {}
                        Err(e) => {
                            tracing::warn!(error = %e, key = %item.key, "deleting a custom resource");
                            return;
                        }
                    }
                }
            }
        }
        for _ in 0..16 {
            let Some(cur) = self.server.store.get(&r.key) else {
                return;
            };
            let mut new = cur.value.clone();
            if let Some(f) = new["metadata"]["finalizers"].as_array_mut() {
                f.retain(|x| x != CLEANUP_FINALIZER);
            }
            let res = if meta::finalizers(&new).is_empty() {
                self.server
                    .store
                    .delete(&r.key, Some(cur.rv))
                    .await
                    .map(|_| ())
            } else if new == cur.value {
                return;
            } else {
                self.server
                    .store
                    .update(&r.key, Some(cur.rv), new)
                    .await
                    .map(|_| ())
            };
            match res {
                Err(StoreError::Conflict { .. }) => continue,
                _ => return,
            }
        }
    }
}

/// Statuses are the same when they differ at most in condition transition times.
fn same_status(a: &Value, b: &Value) -> bool {
    let strip = |v: &Value| {
        let mut v = v.clone();
        if let Some(cs) = v.get_mut("conditions").and_then(Value::as_array_mut) {
            for c in cs {
                if let Some(m) = c.as_object_mut() {
                    m.remove("lastTransitionTime");
                }
            }
        }
        v
    };
    strip(a) == strip(b)
}

/// Serves the stored CRDs now, then keeps following CRD changes in the background.
pub async fn start(s: &Arc<ApiServer>) {
    let mut c = Controller {
        server: s.clone(),
        cache: HashMap::new(),
    };
    let prefix = crd_type(s).list_prefix(None);
    let mut from = s.store.current_rv();
    c.sync().await;
    tokio::spawn(async move {
        loop {
            let mut w = match c.server.store.watch(&prefix, Some(from)) {
                Ok(w) => w,
                Err(StoreError::Closed) => return,
                Err(_) => {
                    // Too old a start: catch up from now.
                    from = c.server.store.current_rv();
                    c.sync().await;
                    continue;
                }
            };
            loop {
                match w.next().await {
                    Ok(_) => c.sync().await,
                    Err(StoreError::Closed) => return,
                    Err(_) => {
                        from = c.server.store.current_rv();
                        c.sync().await;
                        break;
                    }
                }
            }
        }
    });
}

#[cfg(test)]
mod tests;
