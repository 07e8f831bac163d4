//! Strategic merge patch (`application/strategic-merge-patch+json`) for built-in kinds,
//! applied the way the Kubernetes API server applies it.
//!
//! Owns the merge ([`apply`]), the directives kubectl speaks (`$patch`, `$retainKeys`,
//! `$setElementOrder/<field>`, `$deleteFromPrimitiveList/<field>`) and the per-field strategy
//! knowledge of built-in kinds ([`builtin_meta`]). It does not decode, default or validate the
//! result and does not report unknown fields: the caller does that afterwards, as the API server
//! does. Custom resources have no strategies; Kubernetes refuses this patch type for them.
//!
//! # Where the strategies come from
//!
//! The shape of every kind (which field holds which type, lists, maps) is read at run time
//! from the JSON schemas `k8s-openapi` generates (feature `schemars`), built once on first use.
//! The strategies themselves (`patchStrategy`/`patchMergeKey` struct tags in Go, published as
//! `x-kubernetes-patch-strategy`/`x-kubernetes-patch-merge-key`) are not carried by
//! `k8s-openapi`: its code generator drops both extensions, its doc comments omit the `+patch…`
//! markers, and its `DeepMerge` impls encode the server-side-apply list types, which are a
//! different thing (`resources.claims` merges by name there but is replaced here; nothing there
//! says `retainKeys`, which `volumes` and a Deployment's `strategy` need). So the 72 tagged
//! fields are listed in [`strategy_table`], written from the Kubernetes v1.36 struct tags and
//! keyed by `k8s-openapi` type, so that a renamed or removed type fails to compile.
//! Tests check every entry against the schema (field exists, merge key exists on the element)
//! and against the `+patchStrategy`/`+patchMergeKey` markers in the doc comments of `k8s-pb`,
//! a second generated copy of the same API.
//!
//! # Behaviour notes
//!
//! The merge follows apimachinery's `strategicpatch` (v0.36) case by case, including what it
//! does with odd input: `$patch: merge` is refused; a `$patch` element in a list without a merge
//! strategy is kept as data; directives inside a newly added subtree are stored as they are,
//! except maps carrying `$patch`, which are dropped. Where Go's result depends on slice
//! aliasing (a list that loses and gains elements in one patch while `$setElementOrder` places
//! elements the patch does not name) the same aliasing is reproduced. Go orders maps by hash and
//! prints them sorted; here objects keep their key order and new keys are appended in patch
//! order.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

use k8s_openapi::schemars::{JsonSchema, SchemaGenerator};
use serde_json::{Map, Value};

const DIRECTIVE: &str = "$patch";
const RETAIN_KEYS: &str = "$retainKeys";
const DELETE_FROM_PRIMITIVE_LIST: &str = "$deleteFromPrimitiveList";
const SET_ELEMENT_ORDER: &str = "$setElementOrder";

/// How Go names a JSON list and a JSON object in its type errors.
const GO_LIST: &str = "[]interface {}";
const GO_MAP: &str = "map[string]interface {}";

/// A failure to apply a strategic merge patch. Messages are the API server's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StrategicError {
    /// The patch or the object is not a JSON object.
    #[error("invalid JSON document")]
    BadJsonDoc,
    /// A list whose elements are lists.
    #[error("lists of lists are not supported")]
    ListOfLists,
    /// A `$deleteFromPrimitiveList…` key not of the form `$deleteFromPrimitiveList/<field>`.
    #[error("invalid patch format of primitive list")]
    BadPrimitiveList,
    /// `$retainKeys` is not a list, or the patch sets a field it does not name.
    #[error("invalid patch format of retainKeys")]
    BadRetainKeys,
    /// A `$setElementOrder…` key not of the form `$setElementOrder/<field>`.
    #[error("invalid patch format of setElementOrder list")]
    BadSetElementOrder,
    /// A value of the wrong JSON type where a list or an object is needed.
    #[error("expected a {expected}, but received a {actual}")]
    WrongType {
        expected: &'static str,
        actual: &'static str,
    },
    /// An element of a list merged by key lacks the key.
    #[error("map: {map} does not contain declared merge key: {key}")]
    NoMergeKey { map: String, key: String },
    /// `$patch` with a value other than `replace` or `delete` (or `merge` in a list).
    #[error("unknown patch type: {directive} in map: {map}")]
    UnknownPatchType { directive: String, map: String },
    /// `$patch: merge` on a list element.
    #[error("merging lists cannot yet be specified in the patch")]
    MergeListDirective,
    /// A list of objects with the merge strategy but no merge key.
    #[error("cannot merge lists without merge key for {0}")]
    NoMergeKeyForField(String),
    /// A merged list mixes element types.
    #[error("list element types are not identical: {0}")]
    MixedElements(String),
    /// `$setElementOrder` for a list that is empty on both sides.
    #[error("no elements in any of the given slices")]
    NoElements,
    /// A list element that should be an object is not.
    #[error("value for key {0} is not a map")]
    ElementNotMap(usize),
    /// The patch list names elements in another order than `$setElementOrder`, or names some
    /// it lacks.
    #[error("the order in patch list:\n{patch}\n doesn't match $setElementOrder list:\n{order}")]
    OrderMismatch { patch: String, order: String },
    /// A strategy in the strategy knowledge that is not one Kubernetes defines.
    #[error("unexpected patch strategy: {0}")]
    BadStrategy(String),
    /// A merged list starting with `null` (the Go implementation fails on it too).
    #[error("null elements in merged lists are not supported")]
    NullElement,
}

impl StrategicError {
    /// The HTTP status the Kubernetes API server answers this failure with: 400 for malformed
    /// directives, 422 for lists of lists, and 500 (`InternalError`) for the rest, which it
    /// passes through without a status of their own.
    pub fn status_code(&self) -> u16 {
        match self {
            StrategicError::BadJsonDoc
            | StrategicError::BadPrimitiveList
            | StrategicError::BadRetainKeys
            | StrategicError::BadSetElementOrder => 400,
            StrategicError::ListOfLists => 422,
            _ => 500,
        }
    }
}

/// The merge strategy of one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldStrategy<'a> {
    /// The field's `patchStrategy`: `merge`, `replace`, `retainKeys` or `merge,retainKeys`.
    pub strategy: &'a str,
    /// The `patchMergeKey` of a list of objects merged element by element.
    pub merge_key: Option<&'a str>,
}

/// Where the merge strategy of each field comes from.
pub trait PatchMeta: Send + Sync {
    /// The strategy of the field at `path`: JSON field names from the object root, where list
    /// elements add no segment and map entries add their key (`["spec", "template", "spec",
    /// "containers", "env"]`). `None` for fields without a strategy and for unknown fields:
    /// their maps are merged and their lists replaced.
    fn field_strategy(&self, path: &[&str]) -> Option<FieldStrategy<'_>>;
}

/// No field has a strategy: maps merge, lists are replaced.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoStrategies;

impl PatchMeta for NoStrategies {
    fn field_strategy(&self, _path: &[&str]) -> Option<FieldStrategy<'_>> {
        None
    }
}

/// Applies a strategic merge patch to an object; both are JSON objects (`null` counts as `{}`).
pub fn apply(
    original: &Value,
    patch: &Value,
    meta: &dyn PatchMeta,
) -> Result<Value, StrategicError> {
    let as_map = |v: &Value| match v {
        Value::Object(m) => Ok(m.clone()),
        Value::Null => Ok(Map::new()),
        _ => Err(StrategicError::BadJsonDoc),
    };
    let (original, patch) = (as_map(original)?, as_map(patch)?);
    Merger { meta }
        .merge_map(original, patch, &mut Vec::new())
        .map(Value::Object)
}

/// Go's view of a JSON value's type (`reflect.TypeOf` after apimachinery's JSON decoding,
/// which turns integral numbers into `int64` and the rest into `float64`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Null,
    Bool,
    Int,
    Float,
    String,
    List,
    Object,
}

fn kind_of(v: &Value) -> Kind {
    match v {
        Value::Null => Kind::Null,
        Value::Bool(_) => Kind::Bool,
        Value::Number(n) if n.is_i64() => Kind::Int,
        Value::Number(_) => Kind::Float,
        Value::String(_) => Kind::String,
        Value::Array(_) => Kind::List,
        Value::Object(_) => Kind::Object,
    }
}

fn go_type(v: &Value) -> &'static str {
    match kind_of(v) {
        Kind::Null => "<nil>",
        Kind::Bool => "bool",
        Kind::Int => "int64",
        Kind::Float => "float64",
        Kind::String => "string",
        Kind::List => GO_LIST,
        Kind::Object => GO_MAP,
    }
}

/// A value as Go's `%v` prints it, for messages.
fn go_fmt(v: &Value) -> String {
    let mut out = String::new();
    write_go(&mut out, v);
    out
}

fn write_go(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("<nil>"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => {
                let _ = write!(out, "{i}");
            }
            (None, Some(f)) => write_go_float(out, f),
            (None, None) => {
                let _ = write!(out, "{n}");
            }
        },
        Value::String(s) => out.push_str(s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_go(out, item);
            }
            out.push(']');
        }
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push_str("map[");
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(k);
                out.push(':');
                write_go(out, &m[k]);
            }
            out.push(']');
        }
    }
}

/// `%v` of a float64: shortest digits, exponent form outside [1e-4, 1e21).
fn write_go_float(out: &mut String, f: f64) {
    let abs = f.abs();
    if abs != 0.0 && !(1e-4..1e21).contains(&abs) {
        let s = format!("{f:e}");
        if let Some((mantissa, exp)) = s.split_once('e') {
            let exp: i32 = exp.parse().unwrap_or(0);
            let sign = if exp < 0 { '-' } else { '+' };
            let _ = write!(out, "{mantissa}e{sign}{:02}", exp.abs());
            return;
        }
    }
    let _ = write!(out, "{f}");
}

/// Splits `<prefix>/<field>` into its field.
fn extract_key(key: &str, prefix: &str, err: StrategicError) -> Result<String, StrategicError> {
    match key.split_once('/') {
        Some((head, field)) if head == prefix => Ok(field.to_string()),
        _ => Err(err),
    }
}

/// The strategy without `retainKeys`, which only the patch's author acts on.
fn merge_strategy(strategy: &str) -> Result<&str, StrategicError> {
    let parts: Vec<&str> = if strategy.is_empty() {
        Vec::new()
    } else {
        strategy.split(',').collect()
    };
    match parts.as_slice() {
        [] => Ok(""),
        ["retainKeys"] => Ok(""),
        [one] => Ok(one),
        ["retainKeys", other] | [other, "retainKeys"] => Ok(other),
        _ => Err(StrategicError::BadStrategy(format!(
            "[{}]",
            parts.join(" ")
        ))),
    }
}

/// Drops `null` values from every object in a subtree (a patch's nulls only delete).
fn discard_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, v| !v.is_null());
            m.values_mut().for_each(discard_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(discard_nulls),
        _ => {}
    }
}

/// Drops every object carrying `$patch` from a subtree; `None` if the value itself carries it.
fn remove_directives(v: Value) -> Option<Value> {
    match v {
        Value::Object(m) => {
            if m.contains_key(DIRECTIVE) {
                return None;
            }
            Some(Value::Object(
                m.into_iter()
                    .filter_map(|(k, v)| remove_directives(v).map(|v| (k, v)))
                    .collect(),
            ))
        }
        Value::Array(items) => Some(Value::Array(
            items.into_iter().filter_map(remove_directives).collect(),
        )),
        other => Some(other),
    }
}

/// A patch value stored where the object has nothing to merge it with.
fn new_value(mut v: Value) -> Option<Value> {
    discard_nulls(&mut v);
    remove_directives(v)
}

/// The common element type of some lists.
fn element_kind(lists: &[&[Value]]) -> Result<Kind, StrategicError> {
    let mut first: Option<Kind> = None;
    for v in lists.iter().flat_map(|l| l.iter()) {
        let kind = kind_of(v);
        match first {
            None if kind == Kind::Null => return Err(StrategicError::NullElement),
            None if kind == Kind::List => return Err(StrategicError::ListOfLists),
            None => first = Some(kind),
            Some(k) if k != kind => {
                let all = Value::Array(lists.iter().map(|l| Value::Array(l.to_vec())).collect());
                return Err(StrategicError::MixedElements(go_fmt(&all)));
            }
            Some(_) => {}
        }
    }
    first.ok_or(StrategicError::NoElements)
}

fn no_merge_key(item: &Value, key: &str) -> StrategicError {
    StrategicError::NoMergeKey {
        map: go_fmt(item),
        key: key.to_string(),
    }
}

/// The value an element is ordered and matched by: its merge key, or itself for scalars.
fn element_key<'v>(item: &'v Value, merge_key: &str, kind: Kind) -> Option<&'v Value> {
    if kind == Kind::Object {
        item.get(merge_key)
    } else {
        Some(item)
    }
}

/// The ordering keys of a list; objects must be objects carrying the merge key.
fn keys_of(items: &[Value], merge_key: &str, kind: Kind) -> Result<Vec<Value>, StrategicError> {
    items
        .iter()
        .map(|item| {
            if kind != Kind::Object {
                return Ok(item.clone());
            }
            let Value::Object(m) = item else {
                return Err(StrategicError::WrongType {
                    expected: GO_MAP,
                    actual: go_type(item),
                });
            };
            m.get(merge_key)
                .cloned()
                .ok_or_else(|| no_merge_key(item, merge_key))
        })
        .collect()
}

/// The index of the first object in `list` whose `key` equals `value`.
fn find_by_key(list: &[Value], key: &str, value: &Value) -> Result<Option<usize>, StrategicError> {
    for (i, item) in list.iter().enumerate() {
        let Value::Object(m) = item else {
            return Err(StrategicError::ElementNotMap(i));
        };
        if m.get(key) == Some(value) {
            return Ok(Some(i));
        }
    }
    Ok(None)
}

/// Splits `merged` into the elements `by` names and the others, both in `merged` order.
fn partition_scalars(merged: Vec<Value>, by: &[Value]) -> (Vec<Value>, Vec<Value>) {
    merged.into_iter().partition(|v| by.contains(v))
}

/// Like [`partition_scalars`] for objects matched by merge key.
fn partition_objects(
    merged: Vec<Value>,
    by: &[Value],
    merge_key: &str,
) -> Result<(Vec<Value>, Vec<Value>), StrategicError> {
    let (mut named, mut others) = (Vec::new(), Vec::new());
    for item in merged {
        let Value::Object(m) = &item else {
            return Err(StrategicError::WrongType {
                expected: GO_MAP,
                actual: go_type(&item),
            });
        };
        let Some(value) = m.get(merge_key) else {
            return Err(no_merge_key(&item, merge_key));
        };
        if find_by_key(by, merge_key, value)?.is_some() {
            named.push(item);
        } else {
            others.push(item);
        }
    }
    Ok((named, others))
}

fn is_delete_element(item: &Value) -> bool {
    item.get(DIRECTIVE).and_then(Value::as_str) == Some("delete")
}

/// Sorts `items` by where their keys appear in `order` (stable; unnamed ones last); objects
/// marked `$patch: delete` go to the end.
fn sort_by_order(
    items: Vec<Value>,
    order: &[Value],
    merge_key: &str,
    kind: Kind,
) -> Result<Vec<Value>, StrategicError> {
    let (mut kept, deleted): (Vec<Value>, Vec<Value>) = if kind == Kind::Object {
        keys_of(&items, merge_key, kind)?;
        items.into_iter().partition(|item| !is_delete_element(item))
    } else {
        (items, Vec::new())
    };
    kept.sort_by_cached_key(|item| {
        element_key(item, merge_key, kind)
            .and_then(|k| order.iter().position(|o| o == k))
            .unwrap_or(usize::MAX)
    });
    kept.extend(deleted);
    Ok(kept)
}

/// Orders a merged list: the patch's elements by `patch_order`, the live list's other elements
/// by `server_order`, then interleaves them, keeping a server-only element ahead of a patch
/// element only where both appear in `server_order` in that order.
fn order_elements(
    patch_items: Vec<Value>,
    server_only: Vec<Value>,
    patch_order: &[Value],
    server_order: &[Value],
    merge_key: &str,
    kind: Kind,
) -> Result<Vec<Value>, StrategicError> {
    let patch_items = sort_by_order(patch_items, patch_order, merge_key, kind)?;
    let server_only = sort_by_order(server_only, server_order, merge_key, kind)?;
    let position = |item: &Value| {
        element_key(item, merge_key, kind).and_then(|k| server_order.iter().position(|o| o == k))
    };
    let mut out = Vec::with_capacity(patch_items.len() + server_only.len());
    let mut left = server_only.into_iter().peekable();
    let mut right = patch_items.into_iter().peekable();
    loop {
        let take_left = match (left.peek(), right.peek()) {
            (None, None) => break,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some(l), Some(r)) => matches!((position(l), position(r)), (Some(a), Some(b)) if a < b),
        };
        out.extend(if take_left { left.next() } else { right.next() });
    }
    Ok(out)
}

/// Checks that the patch list names its elements in `$setElementOrder` order.
fn check_order(patch: &[Value], order: &[Value], merge_key: &str) -> Result<(), StrategicError> {
    if order.is_empty() || patch.is_empty() {
        return Ok(());
    }
    let mut named = Vec::with_capacity(patch.len());
    for item in patch {
        if !merge_key.is_empty() && !item.is_object() {
            return Err(StrategicError::WrongType {
                expected: GO_MAP,
                actual: go_type(item),
            });
        }
        if merge_key.is_empty() || !is_delete_element(item) {
            named.push(item);
        }
    }
    let key_equal = |l: &Value, r: &Value| -> Result<bool, StrategicError> {
        if merge_key.is_empty() {
            return Ok(l == r);
        }
        let key = |v: &Value| match v {
            Value::Object(m) => m
                .get(merge_key)
                .cloned()
                .ok_or_else(|| no_merge_key(v, merge_key)),
            _ => Err(StrategicError::WrongType {
                expected: GO_MAP,
                actual: go_type(v),
            }),
        };
        let (l, r) = (key(l)?, key(r)?);
        Ok(l == r)
    };
    let (mut p, mut o) = (0, 0);
    while p < named.len() && o < order.len() {
        if named[p].get(DIRECTIVE).is_some() {
            p += 1;
            continue;
        }
        if key_equal(named[p], &order[o])? {
            p += 1;
        }
        o += 1;
    }
    if p < named.len() && o >= order.len() {
        return Err(StrategicError::OrderMismatch {
            patch: go_fmt(&Value::Array(patch.to_vec())),
            order: go_fmt(&Value::Array(order.to_vec())),
        });
    }
    Ok(())
}

/// Applies `$retainKeys`: drops the object's keys it does not list.
fn apply_retain_keys(
    original: &mut Map<String, Value>,
    patch: &mut Map<String, Value>,
) -> Result<(), StrategicError> {
    let Some(retain) = patch.shift_remove(RETAIN_KEYS) else {
        return Ok(());
    };
    let Value::Array(retain) = retain else {
        return Err(StrategicError::BadRetainKeys);
    };
    let listed = |k: &str| retain.iter().any(|r| r.as_str() == Some(k));
    for (k, v) in patch.iter() {
        if v.is_null()
            || k.starts_with(DELETE_FROM_PRIMITIVE_LIST)
            || k.starts_with(SET_ELEMENT_ORDER)
        {
            continue;
        }
        if !listed(k) {
            return Err(StrategicError::BadRetainKeys);
        }
    }
    original.retain(|k, _| listed(k));
    Ok(())
}

/// What the special elements of a patch list for a keyed list asked for.
struct Special {
    /// The list to merge the patch's plain elements into.
    original: Vec<Value>,
    /// The patch's plain elements.
    patch: Vec<Value>,
    /// Merge-key values of `$patch: delete` elements, in patch order.
    deleted: Vec<Value>,
    /// A `$patch: replace` element was present.
    replace: bool,
}

struct Merger<'a> {
    meta: &'a dyn PatchMeta,
}

impl<'a> Merger<'a> {
    /// The merge strategy (without `retainKeys`) and merge key of `path` + `field`.
    fn lookup(&self, path: &[String], field: &str) -> Result<(&'a str, &'a str), StrategicError> {
        let mut full: Vec<&str> = path.iter().map(String::as_str).collect();
        full.push(field);
        let meta: &'a dyn PatchMeta = self.meta;
        match meta.field_strategy(&full) {
            None => Ok(("", "")),
            Some(f) => Ok((merge_strategy(f.strategy)?, f.merge_key.unwrap_or(""))),
        }
    }

    /// Merges `patch` into the object `original` at `path`.
    fn merge_map(
        &self,
        mut original: Map<String, Value>,
        mut patch: Map<String, Value>,
        path: &mut Vec<String>,
    ) -> Result<Map<String, Value>, StrategicError> {
        if let Some(directive) = patch.get(DIRECTIVE) {
            return match directive.as_str() {
                Some("replace") => {
                    patch.shift_remove(DIRECTIVE);
                    Ok(patch)
                }
                Some("delete") => Ok(Map::new()),
                _ => Err(StrategicError::UnknownPatchType {
                    directive: go_fmt(directive),
                    map: go_fmt(&Value::Object(patch.clone())),
                }),
            };
        }
        apply_retain_keys(&mut original, &mut patch)?;
        self.merge_ordered_lists(&mut original, &mut patch, path)?;

        for (key, patch_value) in patch {
            let (key, delete_list) = if key.starts_with(DELETE_FROM_PRIMITIVE_LIST) {
                let field = extract_key(
                    &key,
                    DELETE_FROM_PRIMITIVE_LIST,
                    StrategicError::BadPrimitiveList,
                )?;
                (field, true)
            } else {
                (key, false)
            };
            if patch_value.is_null() {
                original.shift_remove(&key);
                continue;
            }
            let Some(current) = original.get_mut(&key) else {
                if !delete_list && let Some(v) = new_value(patch_value) {
                    original.insert(key, v);
                }
                continue;
            };
            if kind_of(current) != kind_of(&patch_value) {
                if !delete_list {
                    match new_value(patch_value) {
                        Some(v) => *current = v,
                        None => {
                            original.shift_remove(&key);
                        }
                    }
                }
                continue;
            }
            match (current, patch_value) {
                (Value::Object(current), Value::Object(patch_map)) => {
                    let (strategy, _) = self.lookup(path, &key)?;
                    if strategy == "replace" {
                        *current = patch_map;
                    } else {
                        path.push(key);
                        let merged = self.merge_map(std::mem::take(current), patch_map, path);
                        path.pop();
                        *current = merged?;
                    }
                }
                (Value::Array(current), Value::Array(patch_list)) => {
                    let (strategy, merge_key) = self.lookup(path, &key)?;
                    if strategy == "merge" || delete_list {
                        path.push(key);
                        let merged = self.merge_list(
                            std::mem::take(current),
                            patch_list,
                            merge_key,
                            delete_list,
                            false,
                            path,
                        );
                        path.pop();
                        *current = merged?.0;
                    } else {
                        *current = patch_list;
                    }
                }
                (current, scalar) => *current = scalar,
            }
        }
        Ok(original)
    }

    /// Merges the lists that have a `$setElementOrder/<field>` directive and orders them by it.
    fn merge_ordered_lists(
        &self,
        original: &mut Map<String, Value>,
        patch: &mut Map<String, Value>,
        path: &mut Vec<String>,
    ) -> Result<(), StrategicError> {
        let directives: Vec<String> = patch
            .keys()
            .filter(|k| k.starts_with(SET_ELEMENT_ORDER))
            .cloned()
            .collect();
        for directive in directives {
            let Some(order) = patch.shift_remove(&directive) else {
                continue;
            };
            let Value::Array(order) = order else {
                return Err(StrategicError::WrongType {
                    expected: GO_LIST,
                    actual: go_type(&order),
                });
            };
            let field = extract_key(
                &directive,
                SET_ELEMENT_ORDER,
                StrategicError::BadSetElementOrder,
            )?;
            let list_of = |v: Option<&Value>| match v {
                None => Ok(None),
                Some(Value::Array(items)) => Ok(Some(items.clone())),
                Some(other) => Err(StrategicError::WrongType {
                    expected: GO_LIST,
                    actual: go_type(other),
                }),
            };
            let live = list_of(original.get(&field))?;
            let patch_list = list_of(patch.get(&field))?;
            let (strategy, merge_key) = self.lookup(path, &field)?;
            check_order(patch_list.as_deref().unwrap_or(&[]), &order, merge_key)?;
            let kind = element_kind(&[
                live.as_deref().unwrap_or(&[]),
                patch_list.as_deref().unwrap_or(&[]),
            ]);
            let (merged, server_order) = match (live, patch_list) {
                (None, None) => continue,
                (Some(live), None) => (live.clone(), live),
                (None, Some(patch_list)) => match remove_directives(Value::Array(patch_list)) {
                    Some(Value::Array(items)) => (items, Vec::new()),
                    _ => (Vec::new(), Vec::new()),
                },
                (Some(live), Some(patch_list)) if strategy == "merge" => {
                    path.push(field.clone());
                    let merged = self.merge_list(live, patch_list, merge_key, false, true, path);
                    path.pop();
                    merged?
                }
                (Some(live), Some(patch_list)) => (patch_list, live),
            };
            let (named, others) = if merge_key.is_empty() {
                partition_scalars(merged, &order)
            } else {
                partition_objects(merged, &order, merge_key)?
            };
            let kind = kind?;
            let order = keys_of(&order, merge_key, kind)?;
            let server_order = keys_of(&server_order, merge_key, kind)?;
            let merged = order_elements(named, others, &order, &server_order, merge_key, kind)?;
            original.insert(field.clone(), Value::Array(merged));
            patch.shift_remove(&field);
        }
        Ok(())
    }

    /// Merges a list with the merge strategy (or applies a `$deleteFromPrimitiveList`). Returns
    /// the merged list and, if `view`, what Go's slice of the live list holds afterwards, which
    /// `$setElementOrder` orders by (see [`go_live_view`]).
    fn merge_list(
        &self,
        original: Vec<Value>,
        patch: Vec<Value>,
        merge_key: &str,
        delete_list: bool,
        view: bool,
        path: &mut Vec<String>,
    ) -> Result<(Vec<Value>, Vec<Value>), StrategicError> {
        if original.is_empty() && patch.is_empty() {
            return Ok((original, Vec::new()));
        }
        let kind = element_kind(&[&original, &patch])?;
        if kind != Kind::Object {
            if delete_list {
                let kept = original.iter().filter(|v| !patch.contains(v)).cloned();
                return Ok((kept.collect(), original));
            }
            let mut merged: Vec<Value> = Vec::with_capacity(original.len() + patch.len());
            for v in original.iter().chain(patch.iter()) {
                if !merged.contains(v) {
                    merged.push(v.clone());
                }
            }
            let (named, others) = partition_scalars(merged, &patch);
            let merged = order_elements(named, others, &patch, &original, merge_key, kind)?;
            return Ok((merged, original));
        }
        if merge_key.is_empty() {
            return Err(StrategicError::NoMergeKeyForField(path.join(".")));
        }
        let live = view.then(|| original.clone());
        let special = self.split_special(original, patch, merge_key)?;
        let kept = special.original.len();
        let mut appended = view.then(Vec::new);
        let merged = self.merge_plain(
            special.original,
            &special.patch,
            merge_key,
            path,
            appended.as_mut(),
        )?;
        let keys = keys_of(&merged, merge_key, kind)?;
        let (named, others) = partition_objects(merged, &special.patch, merge_key)?;
        let patch_order = keys_of(&special.patch, merge_key, kind)?;
        let merged = order_elements(named, others, &patch_order, &keys[..kept], merge_key, kind)?;
        let view = match (live, appended) {
            (Some(live), Some(appended)) => {
                let appended = if special.replace {
                    Vec::new()
                } else {
                    appended
                };
                go_live_view(live, &special.deleted, appended, merge_key)
            }
            _ => Vec::new(),
        };
        Ok((merged, view))
    }

    /// Applies the `$patch` elements of a patch list for a list merged by `merge_key`.
    fn split_special(
        &self,
        mut original: Vec<Value>,
        patch: Vec<Value>,
        merge_key: &str,
    ) -> Result<Special, StrategicError> {
        let mut plain = Vec::with_capacity(patch.len());
        let mut deleted = Vec::new();
        let mut replace = false;
        for item in patch {
            let Some(directive) = item.get(DIRECTIVE) else {
                plain.push(item);
                continue;
            };
            match directive.as_str() {
                Some("delete") => {
                    let Some(value) = item.get(merge_key) else {
                        return Err(no_merge_key(&item, merge_key));
                    };
                    original.retain(|o| o.get(merge_key) != Some(value));
                    deleted.push(value.clone());
                }
                Some("replace") => replace = true,
                Some("merge") => return Err(StrategicError::MergeListDirective),
                _ => {
                    return Err(StrategicError::UnknownPatchType {
                        directive: go_fmt(directive),
                        map: go_fmt(&item),
                    });
                }
            }
        }
        Ok(if replace {
            Special {
                original: plain,
                patch: Vec::new(),
                deleted,
                replace,
            }
        } else {
            Special {
                original,
                patch: plain,
                deleted,
                replace,
            }
        })
    }

    /// Merges each plain patch element into the element with its key, or appends it.
    fn merge_plain(
        &self,
        mut original: Vec<Value>,
        patch: &[Value],
        merge_key: &str,
        path: &mut Vec<String>,
        mut appended: Option<&mut Vec<Value>>,
    ) -> Result<Vec<Value>, StrategicError> {
        for item in patch {
            let Some(value) = item.get(merge_key) else {
                return Err(no_merge_key(item, merge_key));
            };
            match find_by_key(&original, merge_key, value)? {
                Some(i) => {
                    if let (Value::Object(live), Value::Object(item)) = (&mut original[i], item) {
                        *live = self.merge_map(std::mem::take(live), item.clone(), path)?;
                    }
                }
                None => {
                    if let Some(appended) = appended.as_mut() {
                        appended.push(item.clone());
                    }
                    original.push(item.clone());
                }
            }
        }
        Ok(original)
    }
}

/// What Go's slice of the live list holds after a keyed merge. Go deletes elements by shifting
/// the rest left inside the live list's array and appends new elements into the freed slots,
/// and `$setElementOrder` then orders server-only elements against that array, not against the
/// list as it was.
fn go_live_view(
    mut live: Vec<Value>,
    deleted: &[Value],
    appended: Vec<Value>,
    merge_key: &str,
) -> Vec<Value> {
    let mut len = live.len();
    for value in deleted {
        while let Some(i) = live[..len]
            .iter()
            .position(|o| o.get(merge_key) == Some(value))
        {
            // Go shifts the tail left; the last slot keeps its old element.
            for j in i..len - 1 {
                live[j] = live[j + 1].clone();
            }
            len -= 1;
        }
    }
    for item in appended {
        if len == live.len() {
            break;
        }
        live[len] = item;
        len += 1;
    }
    live
}

/// A built-in kind's strategy knowledge.
#[derive(Clone, Copy)]
pub struct BuiltinMeta {
    universe: &'static Universe,
    root: usize,
}

impl std::fmt::Debug for BuiltinMeta {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BuiltinMeta")
            .field("root", &self.root)
            .finish_non_exhaustive()
    }
}

impl PatchMeta for BuiltinMeta {
    fn field_strategy(&self, path: &[&str]) -> Option<FieldStrategy<'_>> {
        let defs = &self.universe.defs;
        let mut node = &Node::Def(self.root);
        let mut field: Option<&Field> = None;
        for segment in path {
            while let Node::List(inner) = node {
                node = inner;
            }
            match node {
                Node::Def(d) => {
                    let def = &defs[*d];
                    if let Some(f) = def.fields.get(*segment) {
                        field = Some(f);
                        node = &f.node;
                    } else if let Some(additional) = &def.additional {
                        field = None;
                        node = additional;
                    } else {
                        return None;
                    }
                }
                Node::Map(inner) => {
                    field = None;
                    node = inner;
                }
                Node::List(_) | Node::Leaf => return None,
            }
        }
        let (strategy, merge_key) = field?.strategy?;
        Some(FieldStrategy {
            strategy,
            merge_key,
        })
    }
}

/// The strategy knowledge of a served built-in kind (group `""` is core).
pub fn builtin_meta(group: &str, version: &str, kind: &str) -> Option<BuiltinMeta> {
    let universe = universe();
    let root = *universe
        .kinds
        .get(&(group.to_string(), version.to_string(), kind.to_string()))?;
    Some(BuiltinMeta { universe, root })
}

/// The shape of a field's value.
#[derive(Debug)]
enum Node {
    /// A named schema (an index into [`Universe::defs`]).
    Def(usize),
    /// A list of the inner shape.
    List(Box<Node>),
    /// A map from any key to the inner shape.
    Map(Box<Node>),
    /// A scalar or an opaque value.
    Leaf,
}

#[derive(Debug)]
struct Field {
    node: Node,
    /// `patchStrategy` and `patchMergeKey`.
    strategy: Option<(&'static str, Option<&'static str>)>,
}

#[derive(Debug, Default)]
struct Def {
    fields: HashMap<String, Field>,
    additional: Option<Node>,
}

/// Every schema the served kinds use, compacted, with strategies attached.
#[derive(Debug)]
struct Universe {
    defs: Vec<Def>,
    kinds: HashMap<(String, String, String), usize>,
}

/// A [`Universe`] with what building it found out.
struct Built {
    universe: Universe,
    /// Definition name to index in [`Universe::defs`] (read by tests).
    #[cfg_attr(not(test), allow(dead_code))]
    by_name: HashMap<String, usize>,
    /// Table entries whose type or field is not in the schemas (read by tests).
    #[cfg_attr(not(test), allow(dead_code))]
    unattached: Vec<String>,
}

fn universe() -> &'static Universe {
    static UNIVERSE: OnceLock<Universe> = OnceLock::new();
    UNIVERSE.get_or_init(|| Universe::build().universe)
}

/// One `patchStrategy` struct tag: type, JSON field, strategy, merge key.
struct Tag {
    def: String,
    field: &'static str,
    strategy: &'static str,
    merge_key: Option<&'static str>,
}

type TagSpec = (&'static str, &'static str, Option<&'static str>);

fn tags<T: JsonSchema>(generator: &mut SchemaGenerator, out: &mut Vec<Tag>, specs: &[TagSpec]) {
    let _ = generator.subschema_for::<T>();
    let def = T::schema_name().into_owned();
    out.extend(specs.iter().map(|&(field, strategy, merge_key)| Tag {
        def: def.clone(),
        field,
        strategy,
        merge_key,
    }));
}

/// Every `patchStrategy` struct tag of Kubernetes v1.36 on a type `k8s-openapi` has (see the
/// module docs for why this is a table).
fn strategy_table(g: &mut SchemaGenerator) -> Vec<Tag> {
    use k8s_openapi::api::*;
    use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1 as apiext;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1 as meta;
    use k8s_openapi::kube_aggregator::pkg::apis::apiregistration::v1 as apireg;
    const M: &str = "merge";
    const MR: &str = "merge,retainKeys";
    let by_type = &[("conditions", M, Some("type"))];
    let by_name = |field| [(field, M, Some("name"))];
    let container = [
        ("ports", M, Some("containerPort")),
        ("env", M, Some("name")),
        ("volumeMounts", M, Some("mountPath")),
        ("volumeDevices", M, Some("devicePath")),
    ];
    let t = &mut Vec::new();
    tags::<meta::ObjectMeta>(
        g,
        t,
        &[("ownerReferences", M, Some("uid")), ("finalizers", M, None)],
    );
    tags::<core::v1::Container>(g, t, &container);
    tags::<core::v1::EphemeralContainer>(g, t, &container);
    tags::<core::v1::ContainerStatus>(
        g,
        t,
        &[
            ("volumeMounts", M, Some("mountPath")),
            ("allocatedResourcesStatus", M, Some("name")),
        ],
    );
    tags::<core::v1::PodSpec>(
        g,
        t,
        &[
            ("volumes", MR, Some("name")),
            ("initContainers", M, Some("name")),
            ("containers", M, Some("name")),
            ("ephemeralContainers", M, Some("name")),
            ("imagePullSecrets", M, Some("name")),
            ("hostAliases", M, Some("ip")),
            ("topologySpreadConstraints", M, Some("topologyKey")),
            ("schedulingGates", M, Some("name")),
            ("resourceClaims", MR, Some("name")),
        ],
    );
    tags::<core::v1::PodStatus>(
        g,
        t,
        &[
            ("conditions", M, Some("type")),
            ("hostIPs", M, Some("ip")),
            ("podIPs", M, Some("ip")),
            ("resourceClaimStatuses", MR, Some("name")),
        ],
    );
    tags::<core::v1::ServiceSpec>(g, t, &[("ports", M, Some("port"))]);
    tags::<core::v1::ServiceAccount>(g, t, &by_name("secrets"));
    tags::<core::v1::NodeSpec>(g, t, &[("podCIDRs", M, None)]);
    tags::<core::v1::NodeStatus>(
        g,
        t,
        &[
            ("conditions", M, Some("type")),
            ("addresses", M, Some("type")),
        ],
    );
    tags::<core::v1::PersistentVolumeClaimStatus>(g, t, by_type);
    tags::<core::v1::ReplicationControllerStatus>(g, t, by_type);
    tags::<core::v1::ServiceStatus>(g, t, by_type);
    tags::<core::v1::NamespaceStatus>(g, t, by_type);
    tags::<core::v1::ComponentStatus>(g, t, by_type);
    tags::<apps::v1::DeploymentSpec>(g, t, &[("strategy", "retainKeys", None)]);
    tags::<apps::v1::DeploymentStatus>(g, t, by_type);
    tags::<apps::v1::StatefulSetStatus>(g, t, by_type);
    tags::<apps::v1::DaemonSetStatus>(g, t, by_type);
    tags::<apps::v1::ReplicaSetStatus>(g, t, by_type);
    tags::<autoscaling::v2::HorizontalPodAutoscalerStatus>(g, t, by_type);
    tags::<batch::v1::JobStatus>(g, t, by_type);
    tags::<certificates::v1beta1::PodCertificateRequestStatus>(g, t, by_type);
    tags::<policy::v1::PodDisruptionBudgetSpec>(g, t, &[("selector", "replace", None)]);
    tags::<policy::v1::PodDisruptionBudgetStatus>(g, t, by_type);
    tags::<flowcontrol::v1::FlowSchemaStatus>(g, t, by_type);
    tags::<flowcontrol::v1::PriorityLevelConfigurationStatus>(g, t, by_type);
    tags::<networking::v1::ServiceCIDRStatus>(g, t, by_type);
    tags::<networking::v1beta1::ServiceCIDRStatus>(g, t, by_type);
    tags::<storage::v1::CSINodeSpec>(g, t, &by_name("drivers"));
    tags::<storagemigration::v1beta1::StorageVersionMigrationStatus>(g, t, by_type);
    tags::<resource::v1::ResourceClaimStatus>(g, t, &[("reservedFor", M, Some("uid"))]);
    tags::<resource::v1beta1::ResourceClaimStatus>(g, t, &[("reservedFor", M, Some("uid"))]);
    tags::<resource::v1beta2::ResourceClaimStatus>(g, t, &[("reservedFor", M, Some("uid"))]);
    tags::<resource::v1beta2::DeviceTaintRuleStatus>(g, t, by_type);
    tags::<resource::v1alpha3::DeviceTaintRuleStatus>(g, t, by_type);
    tags::<resource::v1alpha3::ResourcePoolStatusRequestStatus>(g, t, by_type);
    tags::<scheduling::v1alpha2::PodGroupTemplate>(g, t, &[("resourceClaims", MR, Some("name"))]);
    tags::<scheduling::v1alpha2::PodGroupSpec>(g, t, &[("resourceClaims", MR, Some("name"))]);
    tags::<scheduling::v1alpha2::PodGroupStatus>(
        g,
        t,
        &[
            ("conditions", M, Some("type")),
            ("resourceClaimStatuses", MR, Some("name")),
        ],
    );
    let policy_spec = [
        ("matchConditions", M, Some("name")),
        ("variables", M, Some("name")),
    ];
    tags::<admissionregistration::v1::ValidatingAdmissionPolicySpec>(g, t, &policy_spec);
    tags::<admissionregistration::v1::MutatingAdmissionPolicySpec>(
        g,
        t,
        &by_name("matchConditions"),
    );
    tags::<admissionregistration::v1beta1::MutatingAdmissionPolicySpec>(
        g,
        t,
        &by_name("matchConditions"),
    );
    tags::<admissionregistration::v1alpha1::MutatingAdmissionPolicySpec>(
        g,
        t,
        &by_name("matchConditions"),
    );
    tags::<admissionregistration::v1::ValidatingWebhookConfiguration>(g, t, &by_name("webhooks"));
    tags::<admissionregistration::v1::MutatingWebhookConfiguration>(g, t, &by_name("webhooks"));
    tags::<admissionregistration::v1::ValidatingWebhook>(g, t, &by_name("matchConditions"));
    tags::<admissionregistration::v1::MutatingWebhook>(g, t, &by_name("matchConditions"));
    tags::<apiext::JSONSchemaProps>(g, t, &[("x-kubernetes-validations", M, Some("rule"))]);
    tags::<apireg::APIServiceStatus>(g, t, by_type);
    std::mem::take(t)
}

/// A served kind whose strategy knowledge [`builtin_meta`] answers for.
fn kind<T: k8s_openapi::Resource + JsonSchema>(
    generator: &mut SchemaGenerator,
) -> ((String, String, String), String) {
    let _ = generator.subschema_for::<T>();
    (
        (T::GROUP.into(), T::VERSION.into(), T::KIND.into()),
        T::schema_name().into_owned(),
    )
}

/// The kinds the API server serves (see `registry`), plus `Scale`.
fn served_kinds(g: &mut SchemaGenerator) -> Vec<((String, String, String), String)> {
    use k8s_openapi::api::*;
    use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1 as apiext;
    use k8s_openapi::kube_aggregator::pkg::apis::apiregistration::v1 as apireg;
    vec![
        kind::<core::v1::Pod>(g),
        kind::<core::v1::Service>(g),
        kind::<core::v1::ConfigMap>(g),
        kind::<core::v1::Secret>(g),
        kind::<core::v1::Namespace>(g),
        kind::<core::v1::ServiceAccount>(g),
        kind::<core::v1::Node>(g),
        kind::<core::v1::Endpoints>(g),
        kind::<core::v1::Event>(g),
        kind::<core::v1::LimitRange>(g),
        kind::<core::v1::PersistentVolume>(g),
        kind::<core::v1::PersistentVolumeClaim>(g),
        kind::<core::v1::PodTemplate>(g),
        kind::<core::v1::ReplicationController>(g),
        kind::<core::v1::ResourceQuota>(g),
        kind::<apps::v1::Deployment>(g),
        kind::<apps::v1::ReplicaSet>(g),
        kind::<apps::v1::StatefulSet>(g),
        kind::<apps::v1::DaemonSet>(g),
        kind::<apps::v1::ControllerRevision>(g),
        kind::<batch::v1::Job>(g),
        kind::<batch::v1::CronJob>(g),
        kind::<autoscaling::v1::Scale>(g),
        kind::<autoscaling::v2::HorizontalPodAutoscaler>(g),
        kind::<policy::v1::PodDisruptionBudget>(g),
        kind::<networking::v1::Ingress>(g),
        kind::<networking::v1::IngressClass>(g),
        kind::<networking::v1::NetworkPolicy>(g),
        kind::<networking::v1::IPAddress>(g),
        kind::<networking::v1::ServiceCIDR>(g),
        kind::<discovery::v1::EndpointSlice>(g),
        kind::<rbac::v1::Role>(g),
        kind::<rbac::v1::RoleBinding>(g),
        kind::<rbac::v1::ClusterRole>(g),
        kind::<rbac::v1::ClusterRoleBinding>(g),
        kind::<storage::v1::StorageClass>(g),
        kind::<storage::v1::CSIDriver>(g),
        kind::<storage::v1::CSINode>(g),
        kind::<storage::v1::CSIStorageCapacity>(g),
        kind::<storage::v1::VolumeAttachment>(g),
        kind::<storage::v1::VolumeAttributesClass>(g),
        kind::<scheduling::v1::PriorityClass>(g),
        kind::<node::v1::RuntimeClass>(g),
        kind::<coordination::v1::Lease>(g),
        kind::<events::v1::Event>(g),
        kind::<certificates::v1::CertificateSigningRequest>(g),
        kind::<flowcontrol::v1::FlowSchema>(g),
        kind::<flowcontrol::v1::PriorityLevelConfiguration>(g),
        kind::<admissionregistration::v1::MutatingWebhookConfiguration>(g),
        kind::<admissionregistration::v1::ValidatingWebhookConfiguration>(g),
        kind::<admissionregistration::v1::ValidatingAdmissionPolicy>(g),
        kind::<admissionregistration::v1::ValidatingAdmissionPolicyBinding>(g),
        kind::<admissionregistration::v1::MutatingAdmissionPolicy>(g),
        kind::<admissionregistration::v1::MutatingAdmissionPolicyBinding>(g),
        kind::<resource::v1::DeviceClass>(g),
        kind::<resource::v1::ResourceClaim>(g),
        kind::<resource::v1::ResourceClaimTemplate>(g),
        kind::<resource::v1::ResourceSlice>(g),
        kind::<apiext::CustomResourceDefinition>(g),
        kind::<apireg::APIService>(g),
    ]
}

/// The definition name a `$ref` points at.
fn ref_name(reference: &str) -> &str {
    reference.rsplit('/').next().unwrap_or(reference)
}

impl Universe {
    fn build() -> Built {
        let mut generator = SchemaGenerator::default();
        let kinds = served_kinds(&mut generator);
        let table = strategy_table(&mut generator);
        let schemas = generator.take_definitions(false);

        let mut defs: Vec<Def> = Vec::with_capacity(schemas.len());
        let mut by_name = HashMap::with_capacity(schemas.len());
        for name in schemas.keys() {
            by_name.insert(name.clone(), defs.len());
            defs.push(Def::default());
        }
        for (name, schema) in &schemas {
            let i = by_name[name];
            let def = compile_def(schema, &by_name, &mut defs);
            defs[i].fields = def.fields;
            defs[i].additional = def.additional;
        }

        let mut unattached = Vec::new();
        for tag in table {
            let field = by_name
                .get(&tag.def)
                .and_then(|&i| defs[i].fields.get_mut(tag.field));
            match field {
                Some(field) => field.strategy = Some((tag.strategy, tag.merge_key)),
                None => unattached.push(format!("{}.{}", tag.def, tag.field)),
            }
        }

        let kinds = kinds
            .into_iter()
            .filter_map(|(gvk, def)| by_name.get(&def).map(|&i| (gvk, i)))
            .collect();
        Built {
            universe: Universe { defs, kinds },
            by_name,
            unattached,
        }
    }
}

/// Compacts an object schema.
fn compile_def(schema: &Value, by_name: &HashMap<String, usize>, defs: &mut Vec<Def>) -> Def {
    let mut def = Def::default();
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            let node = compile_node(property, by_name, defs);
            def.fields.insert(
                name.clone(),
                Field {
                    node,
                    strategy: None,
                },
            );
        }
    }
    if let Some(additional) = schema.get("additionalProperties")
        && additional.is_object()
    {
        def.additional = Some(compile_node(additional, by_name, defs));
    }
    def
}

/// Compacts a property schema; inline object schemas become unnamed definitions.
fn compile_node(schema: &Value, by_name: &HashMap<String, usize>, defs: &mut Vec<Def>) -> Node {
    let Some(obj) = schema.as_object() else {
        return Node::Leaf;
    };
    if let Some(reference) = obj.get("$ref").and_then(Value::as_str) {
        return by_name
            .get(ref_name(reference))
            .map_or(Node::Leaf, |&i| Node::Def(i));
    }
    if let Some([only]) = obj
        .get("allOf")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
    {
        return compile_node(only, by_name, defs);
    }
    if obj.get("type").and_then(Value::as_str) == Some("array") {
        let items = obj
            .get("items")
            .map_or(Node::Leaf, |items| compile_node(items, by_name, defs));
        return Node::List(Box::new(items));
    }
    if obj.contains_key("properties") {
        let def = compile_def(schema, by_name, defs);
        defs.push(def);
        return Node::Def(defs.len() - 1);
    }
    match obj.get("additionalProperties") {
        Some(additional) if additional.is_object() => {
            Node::Map(Box::new(compile_node(additional, by_name, defs)))
        }
        _ => Node::Leaf,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Strategy knowledge from a list of (path, strategy, merge key).
    struct Table(Vec<(&'static str, &'static str, Option<&'static str>)>);

    impl PatchMeta for Table {
        fn field_strategy(&self, path: &[&str]) -> Option<FieldStrategy<'_>> {
            let path = path.join(".");
            self.0
                .iter()
                .find(|(p, _, _)| *p == path)
                .map(|&(_, strategy, merge_key)| FieldStrategy {
                    strategy,
                    merge_key,
                })
        }
    }

    fn deployment_meta() -> BuiltinMeta {
        builtin_meta("apps", "v1", "Deployment").expect("deployment meta")
    }

    fn apply_ok(original: Value, patch: Value, meta: &dyn PatchMeta) -> Value {
        match apply(&original, &patch, meta) {
            Ok(v) => v,
            Err(e) => panic!("apply failed: {e}"),
        }
    }

    fn list_meta() -> Table {
        Table(vec![
            ("items", "merge", Some("name")),
            ("items.tags", "merge", None),
            ("ints", "merge", None),
            ("keep", "retainKeys", None),
            ("whole", "replace", None),
        ])
    }

    #[test]
    fn maps_merge_and_null_deletes() {
        let out = apply_ok(
            json!({"a": {"x": 1, "y": 2}, "b": 1, "c": [1, 2]}),
            json!({"a": {"y": null, "z": 3}, "b": null, "c": [3], "d": {"e": null, "f": 1}}),
            &NoStrategies,
        );
        assert_eq!(out, json!({"a": {"x": 1, "z": 3}, "c": [3], "d": {"f": 1}}));
    }

    #[test]
    fn map_directives() {
        let meta = list_meta();
        let out = apply_ok(
            json!({"m": {"a": 1, "b": 2}, "n": {"a": 1}}),
            json!({"m": {"$patch": "replace", "c": 3}, "n": {"$patch": "delete"}}),
            &meta,
        );
        assert_eq!(out, json!({"m": {"c": 3}, "n": {}}));
        // A field whose strategy is replace takes the patch's map as it is.
        let out = apply_ok(
            json!({"whole": {"a": 1}}),
            json!({"whole": {"b": 2}}),
            &meta,
        );
        assert_eq!(out, json!({"whole": {"b": 2}}));
        // A new subtree loses objects carrying $patch and null values.
        let out = apply_ok(
            json!({}),
            json!({"n": {"a": null, "b": {"$patch": "delete"}, "c": [{"$patch": "x"}, 1]}}),
            &meta,
        );
        assert_eq!(out, json!({"n": {"c": [1]}}));
        let err = apply(&json!({"m": {}}), &json!({"m": {"$patch": "merge"}}), &meta).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown patch type: merge in map: map[$patch:merge]"
        );
        assert_eq!(err.status_code(), 500);
    }

    #[test]
    fn keyed_lists_merge_delete_and_replace() {
        let meta = list_meta();
        let original = json!({"items": [
            {"name": "a", "v": 1}, {"name": "b", "v": 2}, {"name": "c", "v": 3}
        ]});
        let out = apply_ok(
            original.clone(),
            json!({"items": [{"name": "b", "v": 20}, {"name": "d"}, {"name": "a", "$patch": "delete"}]}),
            &meta,
        );
        assert_eq!(
            out,
            json!({"items": [{"name": "b", "v": 20}, {"name": "d"}, {"name": "c", "v": 3}]})
        );
        let out = apply_ok(
            original,
            json!({"items": [{"name": "z"}, {"$patch": "replace"}]}),
            &meta,
        );
        assert_eq!(out, json!({"items": [{"name": "z"}]}));
        let err = apply(
            &json!({"items": [{"name": "a"}]}),
            &json!({"items": [{"v": 1}]}),
            &meta,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "map: map[v:1] does not contain declared merge key: name"
        );
        let err = apply(
            &json!({"items": [{"name": "a"}]}),
            &json!({"items": [{"name": "a", "$patch": "merge"}]}),
            &meta,
        )
        .unwrap_err();
        assert_eq!(err, StrategicError::MergeListDirective);
    }

    #[test]
    fn scalar_lists_merge_as_sets() {
        let meta = list_meta();
        let out = apply_ok(
            json!({"ints": [1, 2, 3], "other": [1, 2]}),
            json!({"ints": [4, 2], "$deleteFromPrimitiveList/ints": [1], "other": [9]}),
            &meta,
        );
        // New and named elements in patch order, ahead of the unnamed live ones.
        assert_eq!(out, json!({"ints": [4, 2, 3], "other": [9]}));
        let err = apply(&json!({"ints": [1]}), &json!({"ints": ["a"]}), &meta).unwrap_err();
        assert_eq!(
            err.to_string(),
            "list element types are not identical: [[1] [a]]"
        );
        let err = apply(&json!({"ints": [[1]]}), &json!({"ints": [[2]]}), &meta).unwrap_err();
        assert_eq!(
            (err.to_string().as_str(), err.status_code()),
            ("lists of lists are not supported", 422)
        );
        let err = apply(&json!({}), &json!({"$deleteFromPrimitiveList": [1]}), &meta).unwrap_err();
        assert_eq!((err, 400), (StrategicError::BadPrimitiveList, 400));
    }

    #[test]
    fn set_element_order_orders_both_list_kinds() {
        let meta = list_meta();
        let out = apply_ok(
            json!({"items": [{"name": "a"}, {"name": "b"}, {"name": "s"}], "ints": [1, 2, 3]}),
            json!({
                "$setElementOrder/items": [{"name": "b"}, {"name": "n"}, {"name": "a"}],
                "items": [{"name": "n", "v": 1}],
                "$setElementOrder/ints": [3, 1],
            }),
            &meta,
        );
        assert_eq!(
            out,
            json!({"items": [{"name": "b"}, {"name": "n", "v": 1}, {"name": "a"}, {"name": "s"}],
                   "ints": [2, 3, 1]})
        );
        let err = apply(
            &json!({"items": [{"name": "a"}, {"name": "b"}]}),
            &json!({"$setElementOrder/items": [{"name": "a"}, {"name": "b"}],
                    "items": [{"name": "b"}, {"name": "a"}]}),
            &meta,
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("doesn't match $setElementOrder list"),
            "{err}"
        );
        let err = apply(&json!({}), &json!({"$setElementOrderitems": []}), &meta).unwrap_err();
        assert_eq!(err, StrategicError::BadSetElementOrder);
    }

    #[test]
    fn retain_keys_drops_unlisted_keys() {
        let meta = list_meta();
        let out = apply_ok(
            json!({"keep": {"a": 1, "b": 2, "c": 3}}),
            json!({"keep": {"$retainKeys": ["a", "d"], "d": 4}}),
            &meta,
        );
        assert_eq!(out, json!({"keep": {"a": 1, "d": 4}}));
        for bad in [
            json!({"$retainKeys": "a"}),
            json!({"$retainKeys": ["a"], "b": 1}),
        ] {
            let err = apply(&json!({"keep": {}}), &json!({"keep": bad}), &meta).unwrap_err();
            assert_eq!(
                (err.clone(), err.status_code()),
                (StrategicError::BadRetainKeys, 400)
            );
        }
    }

    #[test]
    fn wrong_documents_and_types() {
        let err = apply(&json!({}), &json!([1]), &NoStrategies).unwrap_err();
        assert_eq!(
            (err.to_string().as_str(), err.status_code()),
            ("invalid JSON document", 400)
        );
        let err = apply(
            &json!({"items": 1}),
            &json!({"$setElementOrder/items": [1]}),
            &list_meta(),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "expected a []interface {}, but received a int64"
        );
        // Type changes replace.
        let out = apply_ok(
            json!({"a": [1], "b": 1}),
            json!({"a": {"x": 1}, "b": 1.5}),
            &NoStrategies,
        );
        assert_eq!(out, json!({"a": {"x": 1}, "b": 1.5}));
    }

    fn deployment() -> Value {
        json!({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web", "tier": "a"},
                         "finalizers": ["x.io/a", "x.io/b"]},
            "spec": {
                "replicas": 2,
                "selector": {"matchLabels": {"app": "web"}},
                "strategy": {"type": "RollingUpdate",
                             "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {
                        "containers": [
                            {"name": "app", "image": "app:1", "args": ["--a", "--b"],
                             "env": [{"name": "A", "value": "1"}, {"name": "X", "value": "9"}],
                             "ports": [{"containerPort": 80, "protocol": "TCP"}]},
                            {"name": "sidecar", "image": "side:1"}
                        ],
                        "volumes": [{"name": "data", "emptyDir": {}}]
                    }
                }
            }
        })
    }

    #[test]
    fn kubectl_apply_shaped_patch() {
        // What kubectl apply sends when the manifest drops the sidecar, drops env X, bumps the
        // image, changes args and changes a label.
        let patch = json!({
            "metadata": {"labels": {"tier": "b"}},
            "spec": {"template": {"spec": {
                "$setElementOrder/containers": [{"name": "app"}],
                "containers": [
                    {"name": "app", "image": "app:2", "args": ["--c"],
                     "$setElementOrder/env": [{"name": "A"}],
                     "env": [{"name": "X", "$patch": "delete"}]},
                    {"name": "sidecar", "$patch": "delete"}
                ]
            }}}
        });
        let out = apply_ok(deployment(), patch, &deployment_meta());
        let containers = &out["spec"]["template"]["spec"]["containers"];
        assert_eq!(
            containers,
            &json!([{"name": "app", "image": "app:2", "args": ["--c"],
                     "env": [{"name": "A", "value": "1"}],
                     "ports": [{"containerPort": 80, "protocol": "TCP"}]}])
        );
        assert_eq!(
            out["metadata"]["labels"],
            json!({"app": "web", "tier": "b"})
        );
        assert_eq!(out["spec"]["replicas"], json!(2));
    }

    #[test]
    fn ordering_around_server_only_elements_follows_go() {
        // kubectl apply replacing container "old" by "new" while an admission webhook added
        // "injected": Go deletes "old" by shifting the live array and writes "new" into the freed
        // slot, then orders "injected" against that array, which puts it before "new".
        let mut d = deployment();
        d["spec"]["template"]["spec"]["containers"] = json!([
            {"name": "app", "image": "app:1"}, {"name": "old"}, {"name": "injected"}
        ]);
        let patch = json!({"spec": {"template": {"spec": {
            "$setElementOrder/containers": [{"name": "app"}, {"name": "new"}],
            "containers": [{"name": "new", "image": "new:1"}, {"name": "old", "$patch": "delete"}]
        }}}});
        let out = apply_ok(d, patch, &deployment_meta());
        let names: Vec<&str> = out["spec"]["template"]["spec"]["containers"]
            .as_array()
            .expect("containers")
            .iter()
            .filter_map(|c| c["name"].as_str())
            .collect();
        assert_eq!(names, ["app", "injected", "new"]);
    }

    #[test]
    fn deployment_strategy_switch_uses_retain_keys() {
        let patch = json!({"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate",
                                                  "rollingUpdate": null}}});
        let out = apply_ok(deployment(), patch, &deployment_meta());
        assert_eq!(out["spec"]["strategy"], json!({"type": "Recreate"}));
        // Without the directive the old rollingUpdate would survive the merge.
        let patch = json!({"spec": {"strategy": {"type": "Recreate"}}});
        let out = apply_ok(deployment(), patch, &deployment_meta());
        assert!(out["spec"]["strategy"].get("rollingUpdate").is_some());
    }

    #[test]
    fn volume_source_switch_with_retain_keys() {
        let patch = json!({"spec": {"template": {"spec": {"volumes": [
            {"name": "data", "$retainKeys": ["configMap", "name"], "configMap": {"name": "cm"}}
        ]}}}});
        let out = apply_ok(deployment(), patch, &deployment_meta());
        assert_eq!(
            out["spec"]["template"]["spec"]["volumes"],
            json!([{"name": "data", "configMap": {"name": "cm"}}])
        );
    }

    #[test]
    fn finalizers_merge_as_a_set() {
        let patch = json!({"metadata": {
            "$setElementOrder/finalizers": ["x.io/c", "x.io/a"],
            "finalizers": ["x.io/c"],
            "$deleteFromPrimitiveList/finalizers": ["x.io/b"]
        }});
        let out = apply_ok(deployment(), patch, &deployment_meta());
        assert_eq!(out["metadata"]["finalizers"], json!(["x.io/c", "x.io/a"]));
        // kubectl patch -p '{"metadata":{"finalizers":["x.io/a","x.io/z"]}}'
        let patch = json!({"metadata": {"finalizers": ["x.io/a", "x.io/z"]}});
        let out = apply_ok(deployment(), patch, &deployment_meta());
        assert_eq!(
            out["metadata"]["finalizers"],
            json!(["x.io/a", "x.io/z", "x.io/b"])
        );
    }

    #[test]
    fn lists_without_strategy_are_replaced() {
        let patch = json!({"spec": {"template": {"spec": {"containers": [
            {"name": "app", "args": ["--only"]}
        ]}}}});
        let out = apply_ok(deployment(), patch, &deployment_meta());
        let app = &out["spec"]["template"]["spec"]["containers"][0];
        assert_eq!(app["args"], json!(["--only"]));
        assert_eq!(app["image"], json!("app:1"));
        assert_eq!(app["env"][1]["name"], json!("X"));
        // The sidecar stays: containers merge by name.
        assert_eq!(
            out["spec"]["template"]["spec"]["containers"][1]["name"],
            json!("sidecar")
        );
    }

    #[test]
    fn rollout_restart_and_cordon() {
        let at = "2026-01-02T03:04:05Z";
        let patch = json!({"spec": {"template": {"metadata": {"annotations": {
            "kubectl.kubernetes.io/restartedAt": at}}}}});
        let out = apply_ok(deployment(), patch, &deployment_meta());
        assert_eq!(
            out["spec"]["template"]["metadata"],
            json!({"labels": {"app": "web"}, "annotations": {"kubectl.kubernetes.io/restartedAt": at}})
        );
        let node = json!({"metadata": {"name": "n1"}, "spec": {"podCIDR": "10.0.0.0/24",
                          "taints": [{"key": "a", "effect": "NoSchedule"}]}});
        let meta = builtin_meta("", "v1", "Node").expect("node meta");
        let out = apply_ok(node, json!({"spec": {"unschedulable": true}}), &meta);
        assert_eq!(out["spec"]["unschedulable"], json!(true));
        assert_eq!(out["spec"]["taints"][0]["key"], json!("a"));
    }

    #[test]
    fn service_and_container_ports_use_their_keys() {
        let meta = builtin_meta("", "v1", "Service").expect("service meta");
        let svc = json!({"spec": {"ports": [{"port": 80, "name": "http", "targetPort": 8080},
                                            {"port": 443, "name": "https"}]}});
        let out = apply_ok(
            svc,
            json!({"spec": {"ports": [{"port": 80, "targetPort": 9090}]}}),
            &meta,
        );
        assert_eq!(
            out["spec"]["ports"],
            json!([{"port": 80, "name": "http", "targetPort": 9090}, {"port": 443, "name": "https"}])
        );
        let d = deployment_meta();
        assert_eq!(
            d.field_strategy(&["spec", "template", "spec", "containers", "ports"]),
            Some(FieldStrategy {
                strategy: "merge",
                merge_key: Some("containerPort")
            })
        );
        assert_eq!(
            d.field_strategy(&["spec", "template", "spec", "volumes"]),
            Some(FieldStrategy {
                strategy: "merge,retainKeys",
                merge_key: Some("name")
            })
        );
        assert_eq!(
            d.field_strategy(&["spec", "template", "spec", "tolerations"]),
            None
        );
        assert_eq!(
            d.field_strategy(&["spec", "template", "spec", "containers", "args"]),
            None
        );
        assert_eq!(
            d.field_strategy(&["metadata", "labels", "finalizers"]),
            None
        );
        assert_eq!(d.field_strategy(&["spec", "bogus", "containers"]), None);
        let pdb = builtin_meta("policy", "v1", "PodDisruptionBudget").expect("pdb meta");
        assert_eq!(
            pdb.field_strategy(&["spec", "selector"])
                .map(|f| f.strategy),
            Some("replace")
        );
        let crd = builtin_meta("apiextensions.k8s.io", "v1", "CustomResourceDefinition")
            .expect("crd meta");
        let path = [
            "spec",
            "versions",
            "schema",
            "openAPIV3Schema",
            "properties",
            "spec",
            "properties",
            "x",
            "x-kubernetes-validations",
        ];
        assert_eq!(
            crd.field_strategy(&path).and_then(|f| f.merge_key),
            Some("rule")
        );
        assert!(builtin_meta("apps", "v1beta1", "Deployment").is_none());
    }

    #[test]
    fn unknown_fields_merge_like_maps() {
        let out = apply_ok(
            deployment(),
            json!({"spec": {"bogus": {"a": [1]}, "template": {"spec": {"extra": [{"x": 1}]}}}}),
            &deployment_meta(),
        );
        assert_eq!(out["spec"]["bogus"], json!({"a": [1]}));
        assert_eq!(out["spec"]["template"]["spec"]["extra"], json!([{"x": 1}]));
    }

    #[test]
    fn every_table_entry_matches_the_schemas() {
        let built = Universe::build();
        assert!(
            built.unattached.is_empty(),
            "not in the schemas: {:?}",
            built.unattached
        );
        let u = &built.universe;
        let mut checked = 0;
        for (def_name, &i) in &built.by_name {
            for (name, field) in &u.defs[i].fields {
                let Some((strategy, merge_key)) = field.strategy else {
                    continue;
                };
                checked += 1;
                merge_strategy(strategy).expect("known strategy");
                let at = format!("{def_name}.{name}");
                match (&field.node, merge_key) {
                    (Node::List(item), Some(key)) => match item.as_ref() {
                        Node::Def(d) => {
                            assert!(u.defs[*d].fields.contains_key(key), "{at}: no {key}")
                        }
                        other => panic!("{at}: keyed list of {other:?}"),
                    },
                    (Node::List(item), None) => {
                        assert!(matches!(item.as_ref(), Node::Leaf), "{at}: unkeyed objects")
                    }
                    (Node::Def(_), None) => assert!(!strategy.starts_with("merge"), "{at}"),
                    (node, key) => panic!("{at}: {node:?} with key {key:?}"),
                }
            }
        }
        assert!(checked >= 60, "only {checked} strategies attached");
    }

    #[test]
    fn every_served_kind_has_meta() {
        let registry = super::super::registry::Registry::builtin();
        for t in registry.all().iter().filter(|t| !t.create_only) {
            assert!(
                builtin_meta(t.group, t.version, t.kind).is_some(),
                "no strategy knowledge for {}/{} {}",
                t.group,
                t.version,
                t.kind
            );
        }
    }

    /// The `+patchStrategy=`/`+patchMergeKey=` markers in `k8s-pb`'s doc comments, as
    /// (definition name, field name lower-cased without separators, strategy, merge key).
    fn k8s_pb_markers() -> Vec<(String, String, String, Option<String>)> {
        let home = std::env::var_os("CARGO_HOME")
            .map(std::path::PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| std::path::Path::new(&h).join(".cargo")))
            .expect("CARGO_HOME or HOME");
        let registry = home.join("registry").join("src");
        let root = std::fs::read_dir(&registry)
            .expect("cargo registry sources")
            .filter_map(Result::ok)
            .map(|index| index.path().join("k8s-pb-0.9.0").join("src"))
            .find(|p| p.is_dir())
            .expect("k8s-pb 0.9.0 sources in the cargo registry");
        let mut out = Vec::new();
        let mut stack = vec![root.clone()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir)
                .expect("read dir")
                .filter_map(Result::ok)
            {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                if path.file_name().and_then(|n| n.to_str()) != Some("mod.rs") {
                    continue;
                }
                let rel = path
                    .parent()
                    .expect("parent")
                    .strip_prefix(&root)
                    .expect("under root");
                let mut parts: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                if let Some(first) = parts.first_mut() {
                    *first = first.replace('_', "-");
                }
                let package = format!("io.k8s.{}", parts.join("."));
                let text = std::fs::read_to_string(&path).expect("read k8s-pb source");
                let (mut message, mut strategy, mut key) = (String::new(), None, None);
                for line in text.lines().map(str::trim) {
                    if let Some(rest) = line.strip_prefix("pub struct ") {
                        message = rest.split_whitespace().next().unwrap_or("").to_string();
                    } else if let Some(s) = line.strip_prefix("/// +patchStrategy=") {
                        strategy = Some(s.trim().to_string());
                    } else if let Some(k) = line.strip_prefix("/// +patchMergeKey=") {
                        key = Some(k.trim().to_string());
                    } else if let Some(rest) = line.strip_prefix("pub ")
                        && let Some((field, _)) = rest.split_once(':')
                    {
                        if let Some(s) = strategy.take() {
                            let field = field.replace(['_', '-'], "").to_lowercase();
                            out.push((format!("{package}.{message}"), field, s, key.take()));
                        }
                        key = None;
                    }
                }
            }
        }
        out
    }

    #[test]
    fn table_agrees_with_k8s_pb_markers() {
        let built = Universe::build();
        let u = &built.universe;
        let mut checked = 0;
        for (def, field, strategy, key) in k8s_pb_markers() {
            let Some(&d) = built.by_name.get(&def) else {
                continue;
            };
            let found = u.defs[d]
                .fields
                .iter()
                .find(|(name, _)| name.replace(['_', '-'], "").to_lowercase() == field);
            let Some((name, f)) = found else {
                panic!("{def}: k8s-pb field {field} not in the schema");
            };
            let (s, k) = f
                .strategy
                .unwrap_or_else(|| panic!("{def}.{name}: missing from the table"));
            assert_eq!((s, k), (strategy.as_str(), key.as_deref()), "{def}.{name}");
            checked += 1;
        }
        assert!(checked >= 40, "only {checked} markers matched a schema");
    }
}
