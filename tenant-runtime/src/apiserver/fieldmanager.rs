//! Managed fields and server-side apply: who owns which field of an object.
//!
//! Owns the field-set algebra (FieldsV1, with `f:` field, `k:` keyed list item, `v:` set
//! value and `i:` index path elements), the per-manager entries kept in
//! `metadata.managedFields`, the tracking of Update operations (every create, update and
//! non-apply patch records the fields it changed under its field manager and takes them
//! from the other managers), and the structured merge of an applied configuration with
//! conflict detection between managers.
//!
//! How lists and maps merge is read from the OpenAPI v3 document the server publishes
//! (`x-kubernetes-list-type`, `x-kubernetes-list-map-keys`, `x-kubernetes-map-type`, and
//! the patch strategy and merge key where no list type is given), so built-in kinds and
//! custom resources use the same knowledge kubectl sees. Without a schema, maps merge key by
//! key and lists are atomic.

mod types;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use http::HeaderMap;
use serde::Deserialize;
use serde_json::{Map, Value, json};

pub use types::TypeCache;
use types::{Ext, Exts, KindTypes, Schema};

use super::error::{ApiError, ApiResult};
use super::meta;
use super::openapi::OpenApi;
use super::request::Query;

/// The longest field manager name accepted.
pub const MAX_MANAGER: usize = 128;

/// The manager recorded for writes the server makes itself.
pub const SERVER_MANAGER: &str = "kube-apiserver";

// ---------------------------------------------------------------------------------------------
// field sets

/// A set of field paths, as a tree of path elements (`f:name`, `k:{"name":"c"}`, `v:"x"`,
/// `i:0`). A node is a member when the field itself belongs to the set; its children are
/// members below it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldSet {
    member: bool,
    children: BTreeMap<String, FieldSet>,
}

/// One path: its elements from the root.
pub type Path = Vec<String>;

impl FieldSet {
    pub fn is_empty(&self) -> bool {
        !self.member && self.children.values().all(FieldSet::is_empty)
    }

    /// Parse a FieldsV1 document.
    pub fn from_fields_v1(v: &Value) -> Result<FieldSet, String> {
        Self::parse(v, true)
    }

    fn parse(v: &Value, root: bool) -> Result<FieldSet, String> {
        let Value::Object(m) = v else {
            return Err("fieldsV1 must be an object".into());
        };
        let mut s = FieldSet {
            // A path with nothing below it is a member.
            member: !root && m.is_empty(),
            ..Default::default()
        };
        for (k, child) in m {
            if k == "." {
                s.member = true;
                continue;
            }
            if !(k.starts_with("f:")
                || k.starts_with("k:")
                || k.starts_with("v:")
                || k.starts_with("i:"))
            {
                return Err(format!("invalid path element {k:?}"));
            }
            s.children.insert(k.clone(), FieldSet::parse(child, false)?);
        }
        Ok(s)
    }

    /// The FieldsV1 form.
    pub fn to_fields_v1(&self) -> Value {
        let mut m = Map::new();
        for (k, c) in &self.children {
            if !c.is_empty() {
                m.insert(k.clone(), c.to_fields_v1());
            }
        }
        if self.member && !m.is_empty() {
            m.shift_insert(0, ".".into(), json!({}));
        }
        Value::Object(m)
    }

    fn node(&self, path: &[String]) -> Option<&FieldSet> {
        let mut n = self;
        for p in path {
            n = n.children.get(p)?;
        }
        Some(n)
    }

    fn node_mut(&mut self, path: &[String]) -> &mut FieldSet {
        let mut n = self;
        for p in path {
            n = n.children.entry(p.clone()).or_default();
        }
        n
    }

    pub fn insert(&mut self, path: &[String]) {
        self.node_mut(path).member = true;
    }

    pub fn contains(&self, path: &[String]) -> bool {
        self.node(path).is_some_and(|n| n.member)
    }

    /// Whether the path or anything below it is a member.
    pub fn covers(&self, path: &[String]) -> bool {
        self.node(path).is_some_and(|n| !n.is_empty())
    }

    /// Every member path.
    pub fn members(&self) -> Vec<Path> {
        let mut out = vec![];
        let mut at = vec![];
        self.walk(&mut at, &mut |p, n| {
            if n.member {
                out.push(p.to_vec());
            }
        });
        out
    }

    /// Member paths with no members below them.
    pub fn leaves(&self) -> Vec<Path> {
        let mut out = vec![];
        let mut at = vec![];
        self.walk(&mut at, &mut |p, n| {
            if n.member && n.children.values().all(FieldSet::is_empty) {
                out.push(p.to_vec());
            }
        });
        out
    }

    fn walk(&self, at: &mut Path, f: &mut dyn FnMut(&[String], &FieldSet)) {
        f(at, self);
        for (k, c) in &self.children {
            at.push(k.clone());
            c.walk(at, f);
            at.pop();
        }
    }

    pub fn union(&mut self, other: &FieldSet) {
        self.member |= other.member;
        for (k, c) in &other.children {
            self.children.entry(k.clone()).or_default().union(c);
        }
    }

    /// Remove the members of `other` (only those nodes, not what is below them).
    pub fn difference(&mut self, other: &FieldSet) {
        if other.member {
            self.member = false;
        }
        for (k, c) in &other.children {
            if let Some(mine) = self.children.get_mut(k) {
                mine.difference(c);
            }
        }
        self.prune();
    }

    /// Remove every member of `other` together with everything below it.
    pub fn remove_subtrees(&mut self, other: &FieldSet) {
        for (k, c) in &other.children {
            if c.member {
                self.children.remove(k);
            } else if let Some(mine) = self.children.get_mut(k) {
                mine.remove_subtrees(c);
            }
        }
        self.prune();
    }

    fn prune(&mut self) {
        for c in self.children.values_mut() {
            c.prune();
        }
        self.children.retain(|_, c| !c.is_empty());
    }

    /// Keep only the paths a write through this part may touch, dropping the bookkeeping
    /// fields no manager owns.
    fn strip(&mut self, part: Scope) {
        self.member = false;
        self.children.remove("f:apiVersion");
        self.children.remove("f:kind");
        match part {
            Scope::Main { has_status: true } => {
                self.children.remove("f:status");
            }
            Scope::Main { has_status: false } => {}
            Scope::Status => self.children.retain(|k, _| k == "f:status"),
        }
        if let Some(m) = self.children.get_mut("f:metadata") {
            m.member = false;
            for f in [
                "name",
                "namespace",
                "uid",
                "resourceVersion",
                "generation",
                "creationTimestamp",
                "deletionTimestamp",
                "deletionGracePeriodSeconds",
                "managedFields",
                "selfLink",
                "generateName",
            ] {
                m.children.remove(&format!("f:{f}"));
            }
        }
        self.prune();
    }
}

/// Which part of an object a write addresses, for the fields it may own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Main { has_status: bool },
    Status,
}

/// A path in the form Kubernetes prints in conflicts: `.spec.containers[name="c"].image`.
pub fn display_path(path: &[String]) -> String {
    let mut s = String::new();
    for p in path {
        let (kind, rest) = p.split_at(2.min(p.len()));
        match kind {
            "f:" => {
                s.push('.');
                s.push_str(rest);
            }
            "k:" => {
                let fields: Vec<String> = serde_json::from_str::<Map<String, Value>>(rest)
                    .map(|m| m.iter().map(|(k, v)| format!("{k}={v}")).collect())
                    .unwrap_or_else(|_| vec![rest.to_string()]);
                s.push_str(&format!("[{}]", fields.join(",")));
            }
            "v:" => s.push_str(&format!("[={rest}]")),
            "i:" => s.push_str(&format!("[{rest}]")),
            _ => s.push_str(p),
        }
    }
    s
}

// ---------------------------------------------------------------------------------------------
// schemas

/// The schema of one kind, taken from the OpenAPI document the server publishes: the compact
/// merge structure of the definitions the kind reaches (see [`types`]), shared by every write
/// of the kind.
#[derive(Clone)]
pub struct KindSchema {
    types: Option<Arc<KindTypes>>,
}

impl KindSchema {
    /// No type knowledge: maps merge per key, lists are atomic.
    pub fn untyped() -> Self {
        KindSchema { types: None }
    }

    /// The schema of `group/version` `kind` as published in `/openapi/v3`, from the server's
    /// cache of kind types (built on the first write of the kind).
    pub fn lookup(openapi: &OpenApi, group: &str, version: &str, kind: &str) -> Self {
        let path = if group.is_empty() {
            format!("api/{version}")
        } else {
            format!("apis/{group}/{version}")
        };
        let hashes = openapi.v3_hashes();
        let types = openapi.field_types().get(&hashes, &path, kind, || {
            let (bytes, hash) = openapi.v3_group_version_transient(&path)?;
            let doc = serde_json::from_slice::<types::Document>(&bytes).ok()?;
            drop(bytes);
            Some((hash, doc.0.kind(group, version, kind)))
        });
        KindSchema { types }
    }

    /// A schema built from a bare `components.schemas` map (tests).
    pub fn from_schemas(schemas: Value, root: &str) -> Self {
        let defs = types::Definitions::deserialize(&schemas)
            .map(types::Definitions::into_schemas)
            .unwrap_or_default();
        KindSchema {
            types: KindTypes::from_definitions(defs, root).map(Arc::new),
        }
    }

    /// How many definitions this schema holds (what the kind reaches).
    pub fn definitions(&self) -> usize {
        self.types.as_ref().map_or(0, |t| t.defs.len())
    }

    fn node(&self) -> Node<'_> {
        match &self.types {
            Some(t) => Node {
                defs: Some(&t.defs),
                node: t.defs.get(&t.root),
            },
            None => Node {
                defs: None,
                node: None,
            },
        }
    }
}

/// Definitions Kubernetes marks `+structType=atomic`, which the published documents do not
/// carry yet (sorted).
const ATOMIC_STRUCTS: &[&str] = &[
    "io.k8s.api.core.v1.ConfigMapKeySelector",
    "io.k8s.api.core.v1.LocalObjectReference",
    "io.k8s.api.core.v1.NodeSelector",
    "io.k8s.api.core.v1.ObjectFieldSelector",
    "io.k8s.api.core.v1.ObjectReference",
    "io.k8s.api.core.v1.ResourceFieldSelector",
    "io.k8s.api.core.v1.SecretKeySelector",
    "io.k8s.api.core.v1.TypedLocalObjectReference",
    "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector",
];

/// How a list merges.
#[derive(Debug, Clone, PartialEq, Eq)]
enum ListKind {
    Atomic,
    Set,
    Map(Vec<String>),
}

/// A position in a schema; `node` is `None` where the schema says nothing.
#[derive(Clone, Copy)]
struct Node<'a> {
    defs: Option<&'a HashMap<Box<str>, Schema>>,
    node: Option<&'a Schema>,
}

impl<'a> Node<'a> {
    fn at(self, node: Option<&'a Schema>) -> Node<'a> {
        Node {
            defs: self.defs,
            node,
        }
    }

    /// The schema with references followed.
    fn resolved(self) -> Option<&'a Schema> {
        let mut s = self.node?;
        for _ in 0..32 {
            let Some(r) = &s.reference else {
                return Some(s);
            };
            s = self.defs?.get(r)?;
        }
        Some(s)
    }

    /// An extension of the schema here, else of the one its reference leads to.
    fn ext(self, key: impl Fn(&'a Exts) -> Option<&'a Ext>) -> Option<&'a Ext> {
        let of = |s: &'a Schema| s.ext.as_deref().and_then(&key);
        self.node
            .and_then(of)
            .or_else(|| self.resolved().and_then(of))
    }

    fn field(self, name: &str) -> Node<'a> {
        let Some(r) = self.resolved() else {
            return self.at(None);
        };
        if let Some(p) = r.property(name) {
            return self.at(Some(p));
        }
        self.at(r.additional.as_deref())
    }

    fn is_map(self) -> bool {
        self.resolved().is_some_and(|r| r.additional.is_some())
    }

    fn items(self) -> Node<'a> {
        self.at(self.resolved().and_then(|r| r.items.as_deref()))
    }

    /// The definition name a reference leads to.
    fn definition(self) -> Option<&'a str> {
        self.node?.reference.as_deref()
    }

    fn atomic_map(self) -> bool {
        self.ext(|e| e.map_type.as_ref()).and_then(Ext::as_str) == Some("atomic")
            || self
                .definition()
                .is_some_and(|d| ATOMIC_STRUCTS.binary_search(&d).is_ok())
    }

    fn list_kind(self) -> ListKind {
        match self.ext(|e| e.list_type.as_ref()).and_then(Ext::as_str) {
            Some("map") => {
                let keys: Vec<String> = self
                    .ext(|e| e.list_map_keys.as_ref())
                    .and_then(Ext::as_list)
                    .map(|a| a.iter().map(|k| k.to_string()).collect())
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
                let merge = self
                    .ext(|e| e.patch_strategy.as_ref())
                    .and_then(Ext::as_str)
                    .is_some_and(|s| s.split(',').any(|p| p == "merge"));
                match self
                    .ext(|e| e.patch_merge_key.as_ref())
                    .and_then(Ext::as_str)
                {
                    Some(k) if merge => ListKind::Map(vec![k.to_string()]),
                    None if merge => ListKind::Set,
                    _ => ListKind::Atomic,
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// path elements of values

fn field_pe(name: &str) -> String {
    format!("f:{name}")
}

fn value_pe(v: &Value) -> String {
    format!("v:{}", serde_json::to_string(v).unwrap_or_default())
}

/// The key of a list item by the list's map keys (fields sorted by name).
fn key_of(item: &Value, keys: &[String]) -> Option<BTreeMap<String, Value>> {
    let obj = item.as_object()?;
    let mut k = BTreeMap::new();
    for name in keys {
        match obj.get(name) {
            Some(v) if !v.is_null() => {
                k.insert(name.clone(), v.clone());
            }
            // Kubernetes defaults a port's protocol before keying by it.
            _ if name == "protocol" => {
                k.insert(name.clone(), json!("TCP"));
            }
            _ => {}
        }
    }
    if k.is_empty() { None } else { Some(k) }
}

fn key_pe(key: &BTreeMap<String, Value>) -> String {
    let m: Map<String, Value> = key.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    format!(
        "k:{}",
        serde_json::to_string(&Value::Object(m)).unwrap_or_default()
    )
}

/// The path element of each item of a list that is not atomic, or `None` when an item
/// cannot be identified (the list is then handled as atomic).
fn item_elements(items: &[Value], kind: &ListKind) -> Option<Vec<String>> {
    match kind {
        ListKind::Atomic => None,
        ListKind::Set => {
            if items.iter().any(|i| i.is_object() || i.is_array()) {
                return None;
            }
            Some(items.iter().map(value_pe).collect())
        }
        ListKind::Map(keys) => items
            .iter()
            .map(|i| key_of(i, keys).map(|k| key_pe(&k)))
            .collect(),
    }
}

fn find_item(items: &[Value], kind: &ListKind, pe: &str) -> Option<usize> {
    let elements = item_elements(items, kind)?;
    elements
        .iter()
        .position(|e| e == pe)
        .filter(|i| *i < items.len())
}

// ---------------------------------------------------------------------------------------------
// sets of values

/// The fields an applied configuration sets: leaves (scalars, atomic lists and maps, empty
/// objects), and list items with what is below them.
fn applied_set(v: &Value, n: Node<'_>, at: &mut Path, out: &mut FieldSet) {
    match v {
        Value::Object(m) if !n.atomic_map() && !m.is_empty() => {
            for (k, c) in m {
                if c.is_null() {
                    continue;
                }
                at.push(field_pe(k));
                applied_set(c, n.field(k), at, out);
                at.pop();
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let kind = n.list_kind();
            match item_elements(items, &kind) {
                None => out.insert(at),
                Some(elements) => {
                    for (item, pe) in items.iter().zip(elements) {
                        at.push(pe);
                        out.insert(at);
                        if matches!(kind, ListKind::Map(_)) {
                            applied_set(item, n.items(), at, out);
                        }
                        at.pop();
                    }
                }
            }
        }
        _ => out.insert(at),
    }
}

/// The fields an update changed: set in `new` with a different value than in `old`,
/// including new map entries and list items.
fn changed_set(old: Option<&Value>, new: &Value, n: Node<'_>, at: &mut Path, out: &mut FieldSet) {
    if old == Some(new) || new.is_null() {
        return;
    }
    match new {
        Value::Object(m) if !n.atomic_map() && !m.is_empty() => {
            let old_map = old.and_then(Value::as_object);
            if old_map.is_none() && n.is_map() && !at.is_empty() {
                out.insert(at);
            }
            for (k, c) in m {
                at.push(field_pe(k));
                changed_set(old_map.and_then(|o| o.get(k)), c, n.field(k), at, out);
                at.pop();
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let kind = n.list_kind();
            let old_items = old.and_then(Value::as_array);
            match item_elements(items, &kind) {
                None => out.insert(at),
                Some(elements) => {
                    for (item, pe) in items.iter().zip(elements) {
                        let before =
                            old_items.and_then(|o| find_item(o, &kind, &pe).map(|i| &o[i]));
                        at.push(pe);
                        if before.is_none() {
                            out.insert(at);
                        }
                        if matches!(kind, ListKind::Map(_)) {
                            changed_set(before, item, n.items(), at, out);
                        }
                        at.pop();
                    }
                }
            }
        }
        _ => out.insert(at),
    }
}

/// The top-most fields present in `old` and gone from `new`.
fn removed_set(old: &Value, new: Option<&Value>, n: Node<'_>, at: &mut Path, out: &mut FieldSet) {
    let Some(new) = new.filter(|v| !v.is_null()) else {
        if !at.is_empty() {
            out.insert(at);
        }
        return;
    };
    if old == new {
        return;
    }
    match (old, new) {
        (Value::Object(o), Value::Object(nw)) if !n.atomic_map() => {
            for (k, c) in o {
                at.push(field_pe(k));
                removed_set(c, nw.get(k), n.field(k), at, out);
                at.pop();
            }
        }
        (Value::Array(o), Value::Array(nw)) => {
            let kind = n.list_kind();
            let (Some(old_el), Some(_)) = (item_elements(o, &kind), item_elements(nw, &kind))
            else {
                return;
            };
            for (item, pe) in o.iter().zip(old_el) {
                let after = find_item(nw, &kind, &pe).map(|i| &nw[i]);
                at.push(pe);
                match after {
                    None => out.insert(at),
                    Some(a) if matches!(kind, ListKind::Map(_)) => {
                        removed_set(item, Some(a), n.items(), at, out)
                    }
                    Some(_) => {}
                }
                at.pop();
            }
        }
        _ => {}
    }
}

/// The value at a path.
fn get_path<'v>(v: &'v Value, path: &[String], n: Node<'_>) -> Option<&'v Value> {
    let Some((first, rest)) = path.split_first() else {
        return Some(v);
    };
    if let Some(name) = first.strip_prefix("f:") {
        return get_path(v.as_object()?.get(name)?, rest, n.field(name));
    }
    let items = v.as_array()?;
    let i = if let Some(idx) = first.strip_prefix("i:") {
        idx.parse::<usize>().ok()?
    } else {
        find_item(items, &n.list_kind(), first)?
    };
    get_path(items.get(i)?, rest, n.items())
}

/// Remove the value at a path, if there.
fn remove_path(v: &mut Value, path: &[String], n: Node<'_>) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    if let Some(name) = first.strip_prefix("f:") {
        let Some(m) = v.as_object_mut() else { return };
        if rest.is_empty() {
            m.shift_remove(name);
        } else if let Some(c) = m.get_mut(name) {
            remove_path(c, rest, n.field(name));
        }
        return;
    }
    let kind = n.list_kind();
    let Some(items) = v.as_array_mut() else {
        return;
    };
    let i = if let Some(idx) = first.strip_prefix("i:") {
        idx.parse::<usize>().ok()
    } else {
        find_item(items, &kind, first)
    };
    let Some(i) = i.filter(|i| *i < items.len()) else {
        return;
    };
    if rest.is_empty() {
        items.remove(i);
    } else {
        remove_path(&mut items[i], rest, n.items());
    }
}

/// Whether a path names a key field of the list item it is in (which stays while the item
/// does).
fn is_item_key(path: &[String]) -> bool {
    let [.., parent, last] = path else {
        return false;
    };
    let (Some(key), Some(field)) = (parent.strip_prefix("k:"), last.strip_prefix("f:")) else {
        return false;
    };
    serde_json::from_str::<Map<String, Value>>(key).is_ok_and(|k| k.contains_key(field))
}

/// Merge an applied configuration into the live object: maps per key, keyed lists per item,
/// sets as unions, everything else replaced.
fn merge(live: Option<&Value>, cfg: &Value, n: Node<'_>) -> Value {
    let Some(live) = live.filter(|l| !l.is_null()) else {
        return strip_nulls(cfg);
    };
    match (live, cfg) {
        (Value::Object(l), Value::Object(c)) if !n.atomic_map() => {
            let mut out = l.clone();
            for (k, cv) in c {
                if cv.is_null() {
                    continue;
                }
                let merged = merge(l.get(k), cv, n.field(k));
                out.insert(k.clone(), merged);
            }
            Value::Object(out)
        }
        (Value::Array(l), Value::Array(c)) => {
            let kind = n.list_kind();
            let (Some(lel), Some(cel)) = (item_elements(l, &kind), item_elements(c, &kind)) else {
                return cfg.clone();
            };
            let mut out = l.clone();
            let mut out_el = lel;
            for (item, pe) in c.iter().zip(cel) {
                match out_el.iter().position(|e| *e == pe) {
                    Some(i) => {
                        if matches!(kind, ListKind::Map(_)) {
                            out[i] = merge(Some(&out[i]), item, n.items());
                        }
                    }
                    None => {
                        out.push(strip_nulls(item));
                        out_el.push(pe);
                    }
                }
            }
            Value::Array(out)
        }
        _ => strip_nulls(cfg),
    }
}

fn strip_nulls(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, c)| !c.is_null())
                .map(|(k, c)| (k.clone(), strip_nulls(c)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(strip_nulls).collect()),
        other => other.clone(),
    }
}

// ---------------------------------------------------------------------------------------------
// managed fields entries

/// One `metadata.managedFields` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub manager: String,
    /// `Apply` or `Update`.
    pub operation: String,
    pub api_version: String,
    pub time: Option<String>,
    /// Empty for the main resource.
    pub subresource: String,
    pub fields: FieldSet,
}

impl Entry {
    fn same_owner(&self, manager: &str, operation: &str, subresource: &str) -> bool {
        self.manager == manager && self.operation == operation && self.subresource == subresource
    }

    fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("manager".into(), json!(self.manager));
        m.insert("operation".into(), json!(self.operation));
        m.insert("apiVersion".into(), json!(self.api_version));
        if let Some(t) = &self.time {
            m.insert("time".into(), json!(t));
        }
        m.insert("fieldsType".into(), json!("FieldsV1"));
        m.insert("fieldsV1".into(), self.fields.to_fields_v1());
        if !self.subresource.is_empty() {
            m.insert("subresource".into(), json!(self.subresource));
        }
        Value::Object(m)
    }
}

/// The managed fields entries of an object; `None` when absent, empty or not decodable.
pub fn decode(obj: &Value) -> Option<Vec<Entry>> {
    let list = meta::meta(obj)?.get("managedFields")?.as_array()?;
    if list.is_empty() {
        return None;
    }
    let mut out = vec![];
    for e in list {
        let s = |k: &str| e.get(k).and_then(Value::as_str).map(String::from);
        let fields = match e.get("fieldsV1") {
            Some(f) => FieldSet::from_fields_v1(f).ok()?,
            None => FieldSet::default(),
        };
        out.push(Entry {
            manager: s("manager").unwrap_or_default(),
            operation: s("operation")?,
            api_version: s("apiVersion").unwrap_or_default(),
            time: s("time"),
            subresource: s("subresource").unwrap_or_default(),
            fields,
        });
    }
    Some(out)
}

fn encode(obj: &mut Value, entries: &[Entry]) {
    let list: Vec<Value> = entries
        .iter()
        .filter(|e| !e.fields.is_empty())
        .map(Entry::to_json)
        .collect();
    let m = meta::meta_mut(obj);
    if list.is_empty() {
        m.shift_remove("managedFields");
    } else {
        m.insert("managedFields".into(), Value::Array(list));
    }
}

/// The field manager of a write: the `fieldManager` parameter, else the first token of the
/// User-Agent (as Kubernetes does).
pub fn manager(q: &Query, headers: &HeaderMap) -> ApiResult<String> {
    if let Some(m) = q.non_empty("fieldManager") {
        check_manager(m)?;
        return Ok(m.to_string());
    }
    let ua = headers
        .get(http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let first = ua.split('/').next().unwrap_or("").trim();
    let mut m: String = first
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_MANAGER)
        .collect();
    if m.is_empty() {
        m = "unknown".into();
    }
    Ok(m)
}

fn check_manager(m: &str) -> ApiResult<()> {
    if m.len() > MAX_MANAGER {
        return Err(ApiError::bad_request(format!(
            "fieldManager: Too long: may not be more than {MAX_MANAGER} bytes"
        )));
    }
    if m.chars().any(|c| c.is_control()) {
        return Err(ApiError::bad_request(
            "fieldManager: Invalid value: must contain only printable characters",
        ));
    }
    Ok(())
}

/// The manager an apply request names; apply requires one.
pub fn apply_manager(q: &Query) -> ApiResult<String> {
    let Some(m) = q.non_empty("fieldManager") else {
        return Err(ApiError::new(
            400,
            "BadRequest",
            "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch",
        ));
    };
    check_manager(m)?;
    Ok(m.to_string())
}

fn strip_for(v: &Value, scope: Scope) -> Value {
    let mut v = v.clone();
    if let Some(m) = v.as_object_mut() {
        m.shift_remove("apiVersion");
        m.shift_remove("kind");
        match scope {
            Scope::Main { has_status: true } => {
                m.shift_remove("status");
            }
            Scope::Main { has_status: false } => {}
            Scope::Status => m.retain(|k, _| k == "status"),
        }
        if let Some(md) = m.get_mut("metadata").and_then(Value::as_object_mut) {
            for f in [
                "name",
                "namespace",
                "uid",
                "resourceVersion",
                "generation",
                "creationTimestamp",
                "deletionTimestamp",
                "deletionGracePeriodSeconds",
                "managedFields",
                "selfLink",
                "generateName",
            ] {
                md.shift_remove(f);
            }
        }
    }
    v
}

fn subresource_name(scope: Scope, subresource: &str) -> String {
    match scope {
        Scope::Status => "status".into(),
        Scope::Main { .. } => subresource.to_string(),
    }
}

/// Record an Update operation (create, update, non-apply patch, scale) by `manager` in
/// `new`'s managed fields: it takes the fields it changed from `old` from every other
/// manager, and removed fields are owned by nobody. Managed fields the client changed
/// itself (on the main resource) are taken as the starting point, as Kubernetes does.
#[allow(clippy::too_many_arguments)]
pub fn track_update(
    schema: &KindSchema,
    api_version: &str,
    scope: Scope,
    subresource: &str,
    old: Option<&Value>,
    new: &mut Value,
    manager: &str,
) {
    let old_entries = old.and_then(decode);
    let supplied = decode(new);
    let base_from_new = matches!(scope, Scope::Main { .. })
        && subresource.is_empty()
        && supplied.is_some()
        && supplied != old_entries;
    let mut entries = if base_from_new {
        supplied.unwrap_or_default()
    } else {
        old_entries.clone().unwrap_or_default()
    };
    let n = schema.node();
    let before = old.map(|o| strip_for(o, scope));
    let after = strip_for(new, scope);
    let mut changed = FieldSet::default();
    changed_set(before.as_ref(), &after, n, &mut vec![], &mut changed);
    changed.strip(scope);
    let mut removed = FieldSet::default();
    if let Some(b) = &before {
        removed_set(b, Some(&after), n, &mut vec![], &mut removed);
        removed.strip(scope);
    }
    if changed.is_empty() && removed.is_empty() {
        if base_from_new {
            encode(new, &entries);
        } else if let Some(raw) = old.and_then(|o| meta::meta(o)?.get("managedFields").cloned()) {
            meta::meta_mut(new).insert("managedFields".into(), raw);
        } else {
            meta::meta_mut(new).shift_remove("managedFields");
        }
        return;
    }
    let sub = subresource_name(scope, subresource);
    for e in entries.iter_mut() {
        e.fields.difference(&changed);
        e.fields.remove_subtrees(&removed);
    }
    let pos = entries
        .iter()
        .position(|e| e.same_owner(manager, "Update", &sub));
    let mut mine = match pos {
        Some(i) => entries.remove(i),
        None => Entry {
            manager: manager.to_string(),
            operation: "Update".into(),
            api_version: api_version.to_string(),
            time: None,
            subresource: sub,
            fields: FieldSet::default(),
        },
    };
    mine.fields.union(&changed);
    mine.api_version = api_version.to_string();
    mine.time = Some(meta::now());
    entries.push(mine);
    entries.retain(|e| !e.fields.is_empty());
    encode(new, &entries);
}

/// Set the managed fields of an object about to be created by apply: the applier owns
/// what it applied.
pub fn applied_create(
    schema: &KindSchema,
    api_version: &str,
    scope: Scope,
    cfg: &Value,
    obj: &mut Value,
    manager: &str,
) {
    let mut set = FieldSet::default();
    applied_set(&strip_for(cfg, scope), schema.node(), &mut vec![], &mut set);
    set.strip(scope);
    let e = Entry {
        manager: manager.to_string(),
        operation: "Apply".into(),
        api_version: api_version.to_string(),
        time: Some(meta::now()),
        subresource: subresource_name(scope, ""),
        fields: set,
    };
    encode(obj, &[e]);
}

/// One field two managers disagree on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub manager: String,
    pub api_version: String,
    pub path: Path,
}

/// A server-side apply of one configuration by one manager onto a live object.
pub struct Apply<'a> {
    schema: &'a KindSchema,
    scope: Scope,
    manager: &'a str,
    /// The applied fields.
    set: FieldSet,
    cfg: Value,
}

impl<'a> Apply<'a> {
    /// `cfg` is the applied configuration (as sent, without bookkeeping metadata).
    pub fn new(schema: &'a KindSchema, scope: Scope, manager: &'a str, cfg: &Value) -> Self {
        let cfg = strip_for(cfg, scope);
        let mut set = FieldSet::default();
        applied_set(&cfg, schema.node(), &mut vec![], &mut set);
        set.strip(scope);
        Apply {
            schema,
            scope,
            manager,
            set,
            cfg,
        }
    }

    pub fn fields(&self) -> &FieldSet {
        &self.set
    }

    fn sub(&self) -> String {
        subresource_name(self.scope, "")
    }

    /// The live object with the configuration merged in and the fields this manager applied
    /// before, no longer applies and nobody else owns removed.
    pub fn merge(&self, live: &Value) -> Value {
        let n = self.schema.node();
        let mut out = merge(Some(live), &self.cfg, n);
        let entries = decode(live).unwrap_or_default();
        let sub = self.sub();
        let mut previous = FieldSet::default();
        let mut others = FieldSet::default();
        for e in &entries {
            if e.same_owner(self.manager, "Apply", &sub) {
                previous.union(&e.fields);
            } else {
                others.union(&e.fields);
            }
        }
        let mut gone = previous.clone();
        gone.difference(&self.set);
        let mut paths = gone.members();
        // Shallowest first: a removed list item takes its fields with it.
        paths.sort_by_key(Vec::len);
        for p in paths {
            if others.covers(&p) || self.set.covers(&p) || is_item_key(&p) {
                continue;
            }
            remove_path(&mut out, &p, n);
        }
        out
    }

    /// Check `result` (the merged object after admission) against the other managers and
    /// write the managed fields into it. Conflicts are returned unless `force`, which takes
    /// the conflicting fields from their owners.
    pub fn finish(
        &self,
        api_version: &str,
        live: &Value,
        result: &mut Value,
        force: bool,
    ) -> Result<(), Vec<Conflict>> {
        let n = self.schema.node();
        let mut entries = decode(live).unwrap_or_default();
        let sub = self.sub();
        let mut conflicts = vec![];
        let mut taken = FieldSet::default();
        for p in self.set.leaves() {
            let Some(before) = get_path(live, &p, n) else {
                continue;
            };
            if get_path(result, &p, n) == Some(before) {
                continue;
            }
            for e in &entries {
                if e.same_owner(self.manager, "Apply", &sub) || !e.fields.contains(&p) {
                    continue;
                }
                conflicts.push(Conflict {
                    manager: e.manager.clone(),
                    api_version: e.api_version.clone(),
                    path: p.clone(),
                });
                taken.insert(&p);
            }
        }
        if !conflicts.is_empty() && !force {
            return Err(conflicts);
        }
        for e in entries.iter_mut() {
            if !e.same_owner(self.manager, "Apply", &sub) {
                e.fields.difference(&taken);
            }
        }
        let pos = entries
            .iter()
            .position(|e| e.same_owner(self.manager, "Apply", &sub));
        let entry = Entry {
            manager: self.manager.to_string(),
            operation: "Apply".into(),
            api_version: api_version.to_string(),
            time: Some(meta::now()),
            subresource: sub,
            fields: self.set.clone(),
        };
        match pos {
            Some(i) => {
                let unchanged = entries[i].fields == entry.fields
                    && entries[i].api_version == entry.api_version
                    && meta::same_content(live, result);
                if !unchanged {
                    entries[i] = entry;
                }
            }
            None => entries.push(entry),
        }
        entries.retain(|e| !e.fields.is_empty());
        encode(result, &entries);
        Ok(())
    }
}

/// The annotation client-side apply keeps the last applied configuration in.
pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// The manager `kubectl apply --server-side` uses, which gets the client-side to server-side
/// apply upgrade.
pub const KUBECTL: &str = "kubectl";

/// Whether every conflict is with a field of the object's client-side-applied configuration
/// (its last-applied annotation): kubectl's first server-side apply of an object managed by
/// client-side apply then takes those fields over without conflict, as Kubernetes allows.
pub fn last_applied_allows(
    schema: &KindSchema,
    scope: Scope,
    live: &Value,
    conflicts: &[Conflict],
) -> bool {
    let Some(text) = meta::meta(live)
        .and_then(|m| m.get("annotations"))
        .and_then(|a| a.get(LAST_APPLIED))
        .and_then(Value::as_str)
    else {
        return false;
    };
    let Ok(last) = serde_json::from_str::<Value>(text) else {
        return false;
    };
    let mut allowed = FieldSet::default();
    applied_set(
        &strip_for(&last, scope),
        schema.node(),
        &mut vec![],
        &mut allowed,
    );
    conflicts.iter().all(|c| allowed.contains(&c.path))
}

/// After kubectl's server-side apply of an object that carries a last-applied annotation,
/// the annotation follows the applied configuration, so that a later client-side apply
/// computes the right three-way merge.
pub fn sync_last_applied(live: &Value, cfg: &Value, result: &mut Value) {
    let has = meta::meta(live)
        .and_then(|m| m.get("annotations"))
        .and_then(|a| a.get(LAST_APPLIED))
        .is_some();
    if !has {
        return;
    }
    let mut applied = cfg.clone();
    if let Some(a) = applied
        .get_mut("metadata")
        .and_then(|m| m.get_mut("annotations"))
        .and_then(Value::as_object_mut)
    {
        a.shift_remove(LAST_APPLIED);
    }
    let text = serde_json::to_string(&applied).unwrap_or_default();
    let m = meta::meta_mut(result);
    if !m.get("annotations").is_some_and(Value::is_object) {
        m.insert("annotations".into(), json!({}));
    }
    if let Some(a) = m.get_mut("annotations").and_then(Value::as_object_mut) {
        a.insert(LAST_APPLIED.into(), Value::String(text + "\n"));
    }
}

/// The 409 answer to conflicting applies, one cause per field and manager.
pub fn conflict_error(plural: &str, group: &str, name: &str, conflicts: &[Conflict]) -> ApiError {
    let lines: Vec<String> = conflicts
        .iter()
        .map(|c| {
            format!(
                "conflict with \"{}\" using {}: {}",
                c.manager,
                c.api_version,
                display_path(&c.path)
            )
        })
        .collect();
    let n = conflicts.len();
    let message = if n == 1 {
        format!("Apply failed with 1 conflict: {}", lines[0])
    } else {
        format!("Apply failed with {n} conflicts: {}", lines.join("\n"))
    };
    let causes: Vec<Value> = conflicts
        .iter()
        .map(|c| {
            json!({
                "reason": "FieldManagerConflict",
                "message": format!("conflict with \"{}\" using {}", c.manager, c.api_version),
                "field": display_path(&c.path),
            })
        })
        .collect();
    let mut d = json!({"name": name, "kind": plural, "causes": causes});
    if !group.is_empty() {
        d["group"] = json!(group);
    }
    ApiError::new(409, "Conflict", message).with_details(d)
}

#[cfg(test)]
mod tests;
