//! The object verbs: get, list, create, update, patch, delete, deletecollection, and the
//! status and scale subresources. Every write goes through one admission path (type check,
//! unknown fields, metadata rules, defaults, size) and then one optimistic store write.

use std::sync::Arc;

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use bytes::{BufMut, Bytes, BytesMut};
use http::{HeaderMap, HeaderValue, StatusCode, header};
use serde_json::{Value, json};

use super::codec::{self, MAX_OBJECT};
use super::error::{ApiError, ApiResult};
use super::meta;
use super::registry::ResourceType;
use super::request::{Accept, FieldValidation, Query};
use super::selector::{FieldSelector, LabelSelector};
use super::table;
use super::validation;
use super::{ApiServer, apply, defaults, fieldmanager, gc, services, strategic, strategy};
use crate::store::{ListOptions, Revision, Rv, StoreError};

/// How many times an unconditional write retries after losing a race.
const MAX_RETRIES: usize = 16;

/// Which part of an object a write addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Main,
    Status,
}

/// Which object a request addresses.
pub struct Target<'a> {
    pub rt: &'a ResourceType,
    pub namespace: Option<&'a str>,
    pub name: &'a str,
}

impl Target<'_> {
    pub fn key(&self) -> String {
        self.rt.key(self.namespace, self.name)
    }
    fn not_found(&self) -> ApiError {
        ApiError::not_found(self.rt.plural, self.rt.group, self.name)
    }
    fn store_err(&self, e: StoreError) -> ApiError {
        ApiError::from_store(e, self.rt.plural, self.rt.group, self.name)
    }
}

pub fn json_response(status: StatusCode, body: Bytes, warnings: &[String]) -> Response {
    let mut resp = (status, body).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    for w in warnings {
        let text = format!("299 - {}", serde_json::to_string(w).unwrap_or_default());
        if let Ok(v) = HeaderValue::from_str(&text) {
            resp.headers_mut().append(header::WARNING, v);
        }
    }
    resp
}

pub fn value_response(status: StatusCode, v: &Value, warnings: &[String]) -> Response {
    json_response(
        status,
        Bytes::from(serde_json::to_vec(v).unwrap_or_default()),
        warnings,
    )
}

pub fn table_response(v: &Value) -> Response {
    let mut resp = (StatusCode::OK, serde_json::to_vec(v).unwrap_or_default()).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json;as=Table;v=v1;g=meta.k8s.io"),
    );
    resp
}

fn revision_response(status: StatusCode, r: &Revision, warnings: &[String]) -> Response {
    json_response(status, r.bytes.clone(), warnings)
}

/// Parsed selectors of a list, watch or deletecollection.
pub struct Selectors {
    pub labels: LabelSelector,
    pub fields: FieldSelector,
}

impl Selectors {
    pub fn parse(rt: &ResourceType, q: &Query) -> ApiResult<Self> {
        let labels = LabelSelector::parse(q.get("labelSelector").unwrap_or(""))
            .map_err(|e| ApiError::bad_request(e.to_string()))?;
        let fields = FieldSelector::parse(q.get("fieldSelector").unwrap_or(""))
            .map_err(|e| ApiError::bad_request(e.to_string()))?;
        match &rt.custom {
            Some(c) => {
                let selectable: Vec<&str> =
                    c.selectable_fields.iter().map(String::as_str).collect();
                fields.validate_for_custom_resource(rt.namespaced, &selectable)
            }
            None => fields.validate_for(rt.group, rt.kind),
        }
        .map_err(|e| ApiError::bad_request(e.to_string()))?;
        Ok(Selectors { labels, fields })
    }

    pub fn matches(&self, rt: &ResourceType, v: &Value) -> bool {
        (self.labels.is_empty() || self.labels.matches_object(v))
            && (self.fields.is_empty() || self.fields.matches(rt.group, rt.kind, v))
    }
}

// ---------------------------------------------------------------------------------------------
// get and list

pub fn get(s: &Arc<ApiServer>, t: &Target<'_>, accept: Accept, q: &Query) -> ApiResult<Response> {
    let r = s.store.get(&t.key()).ok_or_else(|| t.not_found())?;
    if accept == Accept::Table {
        let include = table::IncludeObject::from_query(q.get("includeObject"))
            .map_err(|e| ApiError::bad_request(e.to_string()))?;
        let tbl = super::crd::table(
            t.rt,
            &[&r.value],
            json!({"resourceVersion": r.rv.to_string()}),
            include,
            jiff::Timestamp::now(),
        );
        return Ok(table_response(&tbl));
    }
    Ok(revision_response(StatusCode::OK, &r, &[]))
}

#[derive(serde::Serialize, serde::Deserialize)]
struct ContinueToken {
    v: String,
    rv: Rv,
    start: String,
}

fn encode_continue(rv: Rv, start: &str) -> String {
    use base64::Engine;
    let t = ContinueToken {
        v: "meta.k8s.io/v1".into(),
        rv,
        start: start.to_string(),
    };
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(serde_json::to_vec(&t).unwrap_or_default())
}

fn decode_continue(s: &str) -> ApiResult<ContinueToken> {
    use base64::Engine;
    let bad = || {
        ApiError::bad_request("continue key is not valid: incorrect encoded start resourceVersion")
    };
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s.trim_end_matches('='))
        .map_err(|_| bad())?;
    let t: ContinueToken = serde_json::from_slice(&raw).map_err(|_| bad())?;
    if t.v != "meta.k8s.io/v1" {
        return Err(bad());
    }
    Ok(t)
}

/// Wait (briefly) until the store has reached a revision a client has already seen.
async fn wait_for_rv(s: &Arc<ApiServer>, rv: Rv) -> ApiResult<()> {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(3);
    while s.store.current_rv() < rv {
        if tokio::time::Instant::now() >= deadline {
            return Err(ApiError::from_store(
                StoreError::TooNew {
                    requested: rv,
                    current: s.store.current_rv(),
                },
                "",
                "",
                "",
            ));
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    Ok(())
}

pub async fn list(
    s: &Arc<ApiServer>,
    rt: &ResourceType,
    ns: Option<&str>,
    q: &Query,
    accept: Accept,
) -> ApiResult<Response> {
    let sel = Selectors::parse(rt, q)?;
    let prefix = rt.list_prefix(ns);
    let mut limit = q.u64("limit")?.map(|l| l as usize).filter(|l| *l > 0);
    let token = q.non_empty("continue").map(decode_continue).transpose()?;
    let rv_param = q.non_empty("resourceVersion");
    let rv_match = q.non_empty("resourceVersionMatch");
    let mut at_rv = None;
    let start_after;
    if let Some(t) = &token {
        if rv_param.is_some() {
            return Err(ApiError::bad_request(
                "specifying resource version is not allowed when using continue",
            ));
        }
        at_rv = Some(t.rv);
        start_after = Some(format!("{prefix}{}", t.start));
    } else {
        start_after = None;
        match (rv_param, rv_match) {
            (None, Some(m)) => {
                return Err(ApiError::bad_request(format!(
                    "resourceVersionMatch: Forbidden: resourceVersionMatch \"{m}\" is forbidden unless resourceVersion is provided"
                )));
            }
            (None, None) => {}
            (Some("0"), None | Some("NotOlderThan")) => {
                // "any": served from the latest state, whole (as the watch cache does).
                limit = None;
            }
            (Some(v), m) => {
                let rv: Rv = v.parse().map_err(|_| {
                    ApiError::bad_request(format!("invalid resource version {v:?}"))
                })?;
                match m {
                    Some("Exact") => at_rv = Some(rv),
                    None | Some("NotOlderThan") => wait_for_rv(s, rv).await?,
                    Some(other) => {
                        return Err(ApiError::bad_request(format!(
                            "resourceVersionMatch: Unsupported value: \"{other}\": supported values: \"Exact\", \"NotOlderThan\""
                        )));
                    }
                }
            }
        }
    }
    let filter = |r: &Revision| sel.matches(rt, &r.value);
    let filter_ref: &(dyn Fn(&Revision) -> bool + Sync) = &filter;
    let res = s
        .store
        .list(ListOptions {
            prefix: &prefix,
            start_after: start_after.as_deref(),
            at_rv,
            limit,
            filter: Some(filter_ref),
        })
        .map_err(|e| match e {
            StoreError::Compacted { .. } if token.is_some() => ApiError::expired(
                "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.",
            ),
            StoreError::Compacted { requested, .. } => {
                ApiError::expired(format!("The resourceVersion for the provided list is too old: {requested}"))
            }
            other => ApiError::from_store(other, rt.plural, rt.group, ""),
        })?;
    let mut list_meta = json!({"resourceVersion": res.rv.to_string()});
    if let Some(last) = &res.continue_after {
        let rel = last.strip_prefix(&prefix).unwrap_or(last);
        list_meta["continue"] = json!(encode_continue(res.rv, rel));
        if let Some(n) = res.remaining {
            list_meta["remainingItemCount"] = json!(n);
        }
    }
    if accept == Accept::Table {
        let items: Vec<&Value> = res.items.iter().map(|r| &r.value).collect();
        let include = table::IncludeObject::from_query(q.get("includeObject"))
            .map_err(|e| ApiError::bad_request(e.to_string()))?;
        let tbl = super::crd::table(rt, &items, list_meta, include, jiff::Timestamp::now());
        return Ok(table_response(&tbl));
    }
    let mut buf =
        BytesMut::with_capacity(128 + res.items.iter().map(|r| r.bytes.len() + 1).sum::<usize>());
    buf.put_slice(b"{\"kind\":\"");
    buf.put_slice(rt.list_kind.as_bytes());
    buf.put_slice(b"\",\"apiVersion\":\"");
    buf.put_slice(rt.api_version().as_bytes());
    buf.put_slice(b"\",\"metadata\":");
    buf.put_slice(&serde_json::to_vec(&list_meta).unwrap_or_default());
    buf.put_slice(b",\"items\":[");
    for (i, r) in res.items.iter().enumerate() {
        if i > 0 {
            buf.put_u8(b',');
        }
        buf.put_slice(&r.bytes);
    }
    buf.put_slice(b"]}");
    Ok(json_response(StatusCode::OK, buf.freeze(), &[]))
}

// ---------------------------------------------------------------------------------------------
// admission

/// Check a decoded body against the type: apiVersion and kind, field types, unknown fields.
pub(super) fn admit_typed(
    rt: &ResourceType,
    mut obj: Value,
    fv: FieldValidation,
    warnings: &mut Vec<String>,
) -> ApiResult<Value> {
    let api_version = rt.api_version();
    match obj.get("apiVersion").and_then(|v| v.as_str()) {
        Some(v) if !v.is_empty() && v != api_version => {
            return Err(ApiError::bad_request(format!(
                "the API version in the data ({v}) does not match the expected API version ({api_version})"
            )));
        }
        _ => {}
    }
    match obj.get("kind").and_then(|v| v.as_str()) {
        Some(k) if !k.is_empty() && k != rt.kind => {
            return Err(ApiError::bad_request(format!(
                "the kind in the data ({k}) does not match the expected kind ({})",
                rt.kind
            )));
        }
        _ => {}
    }
    obj["apiVersion"] = json!(api_version);
    obj["kind"] = json!(rt.kind);
    let (typed, unknown) = codec::check_typed(rt, &obj)?;
    codec::field_validation(fv, &unknown, warnings)?;
    Ok(typed)
}

pub(super) fn validate_meta(rt: &ResourceType, obj: &Value, old: Option<&Value>) -> ApiResult<()> {
    let mut causes = validation::validate_metadata(rt.group, rt.kind, rt.namespaced, obj);
    causes.extend(strategy::validate(rt.group, rt.kind, obj, old));
    causes.extend(super::crd::validate(rt, obj, old));
    if causes.is_empty() {
        return Ok(());
    }
    let name = meta::name(obj).unwrap_or("").to_string();
    Err(ApiError::invalid(
        rt.kind,
        rt.group,
        &name,
        causes
            .into_iter()
            .map(|c| (c.field, c.reason, c.message))
            .collect(),
    ))
}

pub(super) fn check_size(obj: &Value) -> ApiResult<()> {
    let len = serde_json::to_vec(obj)
        .map(|v| v.len())
        .unwrap_or(usize::MAX);
    if len > MAX_OBJECT {
        return Err(ApiError::too_large(format!(
            "Request entity too large: the object is {len} bytes, limit is {MAX_OBJECT}"
        )));
    }
    Ok(())
}

/// The namespace of a new namespaced object must exist and not be terminating.
pub fn check_namespace(
    s: &Arc<ApiServer>,
    rt: &ResourceType,
    ns: Option<&str>,
    name: &str,
) -> ApiResult<()> {
    if !rt.namespaced {
        return Ok(());
    }
    let ns = ns.ok_or_else(ApiError::method_not_allowed)?;
    let nst = s
        .registry
        .lookup("", "v1", "namespaces")
        .expect("namespaces are served");
    let r = s
        .store
        .get(&nst.key(None, ns))
        .ok_or_else(|| ApiError::not_found("namespaces", "", ns))?;
    if meta::deletion_timestamp(&r.value).is_some() {
        let mut details = json!({"name": name, "kind": rt.plural, "causes": [{"reason": "NamespaceTerminating", "message": format!("namespace {ns} is being terminated"), "field": "metadata.namespace"}]});
        if !rt.group.is_empty() {
            details["group"] = json!(rt.group);
        }
        return Err(ApiError::new(
            403,
            "Forbidden",
            format!(
                "{} \"{name}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated",
                rt.plural
            ),
        )
        .with_details(details));
    }
    Ok(())
}

fn has_spec_like(obj: &Value) -> bool {
    obj.as_object().is_some_and(|m| {
        m.keys()
            .any(|k| !matches!(k.as_str(), "apiVersion" | "kind" | "metadata" | "status"))
    })
}

fn non_meta_differs(a: &Value, b: &Value) -> bool {
    let strip = |v: &Value| {
        let mut v = v.clone();
        if let Some(m) = v.as_object_mut() {
            m.remove("metadata");
            m.remove("status");
        }
        v
    };
    strip(a) != strip(b)
}

// ---------------------------------------------------------------------------------------------
// create

pub async fn create(
    s: &Arc<ApiServer>,
    rt: &ResourceType,
    ns: Option<&str>,
    q: &Query,
    headers: &HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    let fv = q.field_validation()?;
    let dry_run = q.dry_run()?;
    let bytes = codec::read_body(body).await?;
    let obj = codec::decode_object(content_type(headers), &bytes)?;
    let mut warnings = vec![];
    let obj = admit_typed(rt, obj, fv, &mut warnings)?;
    let manager = fieldmanager::manager(q, headers)?;
    let (status, v) = create_object_tracked(s, rt, ns, obj, dry_run, Some(&manager)).await?;
    Ok(json_response(status, v, &warnings))
}

pub fn content_type(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
}

/// Create an object that has passed the type check. Returns the stored JSON.
pub async fn create_object(
    s: &Arc<ApiServer>,
    rt: &ResourceType,
    ns: Option<&str>,
    obj: Value,
    dry_run: bool,
) -> ApiResult<(StatusCode, Bytes)> {
    create_object_tracked(s, rt, ns, obj, dry_run, Some(fieldmanager::SERVER_MANAGER)).await
}

/// [`create_object`] recording the creation in managed fields as an Update by `manager`;
/// `None` keeps the managed fields the object carries (apply sets them).
pub async fn create_object_tracked(
    s: &Arc<ApiServer>,
    rt: &ResourceType,
    ns: Option<&str>,
    mut obj: Value,
    dry_run: bool,
    manager: Option<&str>,
) -> ApiResult<(StatusCode, Bytes)> {
    {
        let m = meta::meta_mut(&mut obj);
        match (
            m.get("namespace")
                .and_then(|v| v.as_str())
                .filter(|s| !s.is_empty()),
            ns,
        ) {
            (Some(b), Some(u)) if rt.namespaced && b != u => {
                return Err(ApiError::bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request",
                ));
            }
            _ => {}
        }
        if rt.namespaced {
            if let Some(ns) = ns {
                m.insert("namespace".into(), json!(ns));
            }
        } else {
            m.remove("namespace");
        }
        if m.get("resourceVersion")
            .and_then(|v| v.as_str())
            .is_some_and(|v| !v.is_empty())
        {
            return Err(ApiError::bad_request(
                "resourceVersion should not be set on objects to be created",
            ));
        }
        m.remove("resourceVersion");
        m.insert("uid".into(), json!(meta::new_uid()));
        m.insert("creationTimestamp".into(), json!(meta::now()));
        m.remove("deletionTimestamp");
        m.remove("deletionGracePeriodSeconds");
        m.remove("selfLink");
    }
    if rt.status {
        if let Some(m) = obj.as_object_mut() {
            m.remove("status");
        }
    }
    if has_spec_like(&obj) && obj.get("spec").is_some() {
        meta::meta_mut(&mut obj).insert("generation".into(), json!(1));
    } else {
        meta::meta_mut(&mut obj).remove("generation");
    }
    defaults::apply(rt.group, rt.kind, &mut obj);
    strategy::prepare(rt.group, rt.kind, &mut obj);
    if let Some(manager) = manager {
        track(s, rt, Part::Main, "", None, &mut obj, manager);
    }
    let generate = meta::name(&obj).is_none()
        && meta::str_field(&obj, "generateName").is_some_and(|g| !g.is_empty());
    let attempts = if generate { 8 } else { 1 };
    for _ in 0..attempts {
        if generate {
            let g = meta::str_field(&obj, "generateName")
                .unwrap_or("")
                .to_string();
            meta::meta_mut(&mut obj).insert("name".into(), json!(meta::generate_name(&g)));
        }
        validate_meta(rt, &obj, None)?;
        check_namespace(s, rt, ns, meta::name(&obj).unwrap_or(""))?;
        check_size(&obj)?;
        let name = meta::name(&obj).unwrap_or("").to_string();
        let key = rt.key(ns, &name);
        let _hold = services::admit(s, rt, &key, None, &mut obj, dry_run)?;
        if dry_run {
            return Ok((
                StatusCode::CREATED,
                Bytes::from(serde_json::to_vec(&obj).unwrap_or_default()),
            ));
        }
        match s.store.create(&key, obj.clone()).await {
            Ok(r) => return Ok((StatusCode::CREATED, r.bytes.clone())),
            Err(StoreError::AlreadyExists { .. }) if generate => continue,
            Err(e) => return Err(ApiError::from_store(e, rt.plural, rt.group, &name)),
        }
    }
    Err(ApiError::new(
        500,
        "AlreadyExists",
        "failed to generate a unique name; try again",
    ))
}

// ---------------------------------------------------------------------------------------------
// update and patch

/// Record a write by `manager` in the managed fields of `new`.
fn track(
    s: &Arc<ApiServer>,
    rt: &ResourceType,
    part: Part,
    subresource: &str,
    old: Option<&Value>,
    new: &mut Value,
    manager: &str,
) {
    let schema = fieldmanager::KindSchema::lookup(&s.openapi, rt.group, rt.version, rt.kind);
    fieldmanager::track_update(
        &schema,
        &rt.api_version(),
        apply::scope(part, rt.status),
        subresource,
        old,
        new,
        manager,
    );
}

/// Build the object to store from the current one and the requested one.
pub(super) fn merge_update(rt: &ResourceType, old: &Value, new: Value, part: Part) -> Value {
    let mut out = match part {
        Part::Main => {
            let mut n = new;
            if rt.status {
                match old.get("status") {
                    Some(st) => n["status"] = st.clone(),
                    None => {
                        if let Some(m) = n.as_object_mut() {
                            m.remove("status");
                        }
                    }
                }
            }
            n
        }
        Part::Status => {
            let mut o = old.clone();
            match new.get("status") {
                Some(st) => o["status"] = st.clone(),
                None => {
                    if let Some(m) = o.as_object_mut() {
                        m.remove("status");
                    }
                }
            }
            // Status writes may change labels and annotations only through the main resource.
            o
        }
    };
    // Fields the client cannot change.
    let old_meta = meta::meta(old).cloned().unwrap_or_default();
    let m = meta::meta_mut(&mut out);
    for k in [
        "uid",
        "creationTimestamp",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
        "namespace",
        "name",
        "generation",
    ] {
        match old_meta.get(k) {
            Some(v) => {
                m.insert(k.to_string(), v.clone());
            }
            None => {
                m.remove(k);
            }
        }
    }
    m.remove("selfLink");
    if part == Part::Main {
        defaults::apply(rt.group, rt.kind, &mut out);
        strategy::prepare(rt.group, rt.kind, &mut out);
        if rt.group.is_empty() && rt.kind == "Service" {
            services::prepare_update(old, &mut out);
        }
    }
    if let Some(g) = old_meta.get("generation").and_then(|g| g.as_i64()) {
        if non_meta_differs(old, &out) {
            meta::meta_mut(&mut out).insert("generation".into(), json!(g + 1));
        }
    }
    out
}

/// Why [`commit_update`] did not write.
#[derive(Debug)]
pub enum CommitError {
    /// The store refused the write (a lost race is a `Conflict`).
    Store(StoreError),
    /// The object cannot be admitted as it is (Service addresses).
    Api(ApiError),
}

impl From<StoreError> for CommitError {
    fn from(e: StoreError) -> Self {
        CommitError::Store(e)
    }
}

impl CommitError {
    /// The answer to the client.
    pub fn into_api(self, t: &Target<'_>) -> ApiError {
        match self {
            CommitError::Store(e) => t.store_err(e),
            CommitError::Api(e) => e,
        }
    }
}

/// Write `new` over `cur` (which it was derived from). Assigns Service addresses, handles
/// no-op updates and the final removal of a finalizer from an object being deleted.
pub(super) async fn commit_update(
    s: &Arc<ApiServer>,
    t: &Target<'_>,
    cur: &Arc<Revision>,
    mut new: Value,
    dry_run: bool,
) -> Result<Bytes, CommitError> {
    let deleting = meta::deletion_timestamp(&new).is_some() && meta::finalizers(&new).is_empty();
    let _hold = if deleting {
        None
    } else {
        services::admit(s, t.rt, &t.key(), Some(&cur.value), &mut new, dry_run)
            .map_err(CommitError::Api)?
    };
    let managed = |v: &Value| meta::meta(v).and_then(|m| m.get("managedFields")).cloned();
    if meta::same_content(&cur.value, &new) && managed(&cur.value) == managed(&new) {
        return Ok(cur.bytes.clone());
    }
    if dry_run {
        return Ok(Bytes::from(serde_json::to_vec(&new).unwrap_or_default()));
    }
    if deleting {
        let r = s.store.delete(&t.key(), Some(cur.rv)).await?;
        return Ok(r.bytes.clone());
    }
    let r = s.store.update(&t.key(), Some(cur.rv), new).await?;
    Ok(r.bytes.clone())
}

pub async fn update(
    s: &Arc<ApiServer>,
    t: &Target<'_>,
    part: Part,
    q: &Query,
    headers: &HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    let fv = q.field_validation()?;
    let dry_run = q.dry_run()?;
    let bytes = codec::read_body(body).await?;
    let obj = codec::decode_object(content_type(headers), &bytes)?;
    let mut warnings = vec![];
    let mut obj = admit_typed(t.rt, obj, fv, &mut warnings)?;
    match meta::name(&obj) {
        Some(n) if n != t.name => {
            return Err(ApiError::bad_request(format!(
                "the name of the object ({n}) does not match the name on the URL ({})",
                t.name
            )));
        }
        Some(_) => {}
        None => {
            meta::meta_mut(&mut obj).insert("name".into(), json!(t.name));
        }
    }
    if let (Some(b), Some(u)) = (meta::namespace(&obj), t.namespace) {
        if t.rt.namespaced && b != u {
            return Err(ApiError::bad_request(
                "the namespace of the provided object does not match the namespace sent on the request",
            ));
        }
    }
    let precondition = meta::resource_version(&obj).map_err(ApiError::bad_request)?;
    let manager = fieldmanager::manager(q, headers)?;
    for _ in 0..MAX_RETRIES {
        let cur = s.store.get(&t.key()).ok_or_else(|| t.not_found())?;
        if let Some(rv) = precondition {
            if rv != cur.rv {
                return Err(ApiError::modified(t.rt.plural, t.rt.group, t.name));
            }
        }
        let mut new = merge_update(t.rt, &cur.value, obj.clone(), part);
        track(s, t.rt, part, "", Some(&cur.value), &mut new, &manager);
        validate_meta(t.rt, &new, Some(&cur.value))?;
        check_size(&new)?;
        match commit_update(s, t, &cur, new, dry_run).await {
            Ok(b) => return Ok(json_response(StatusCode::OK, b, &warnings)),
            Err(CommitError::Store(StoreError::Conflict { .. })) if precondition.is_none() => {
                continue;
            }
            Err(e) => return Err(e.into_api(t)),
        }
    }
    Err(ApiError::modified(t.rt.plural, t.rt.group, t.name))
}

/// The patch formats served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchType {
    Json,
    Merge,
    StrategicMerge,
}

pub fn patch_type(headers: &HeaderMap) -> ApiResult<PatchType> {
    match codec::media_type(content_type(headers)) {
        "application/json-patch+json" => Ok(PatchType::Json),
        "application/merge-patch+json" => Ok(PatchType::Merge),
        "application/strategic-merge-patch+json" => Ok(PatchType::StrategicMerge),
        other => Err(ApiError::unsupported_media_type(other)),
    }
}

/// Apply a patch document to a JSON value of the given kind.
pub fn apply_patch(
    pt: PatchType,
    (group, version, kind): (&str, &str, &str),
    target: &Value,
    patch: &Value,
) -> ApiResult<Value> {
    let mut out = target.clone();
    match pt {
        PatchType::Json => {
            let p: json_patch::Patch = serde_json::from_value(patch.clone())
                .map_err(|e| ApiError::bad_request(format!("invalid JSON patch: {e}")))?;
            json_patch::patch(&mut out, &p).map_err(|e| {
                ApiError::new(
                    422,
                    "Invalid",
                    format!("the server rejected our request due to an error in our request: {e}"),
                )
            })?;
        }
        PatchType::StrategicMerge => {
            let meta = strategic::builtin_meta(group, version, kind).ok_or_else(|| {
                ApiError::unsupported_media_type("application/strategic-merge-patch+json")
            })?;
            out = strategic::apply(target, patch, &meta).map_err(|e| {
                let code = e.status_code();
                let reason = match code {
                    400 => "BadRequest",
                    422 => "Invalid",
                    _ => "InternalError",
                };
                ApiError::new(code, reason, e.to_string())
            })?;
        }
        PatchType::Merge => {
            if !patch.is_object() {
                return Err(ApiError::bad_request("a merge patch must be a JSON object"));
            }
            json_patch::merge(&mut out, patch);
        }
    }
    Ok(out)
}

pub async fn patch(
    s: &Arc<ApiServer>,
    t: &Target<'_>,
    part: Part,
    q: &Query,
    headers: &HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    if apply::is_apply(headers) {
        return apply::apply(s, t, part, q, body).await;
    }
    let pt = patch_type(headers)?;
    let manager = fieldmanager::manager(q, headers)?;
    let fv = q.field_validation()?;
    let dry_run = q.dry_run()?;
    let bytes = codec::read_body(body).await?;
    let patch = codec::parse_json(&bytes)?;
    let mut warnings = vec![];
    for _ in 0..MAX_RETRIES {
        warnings.clear();
        let cur = s.store.get(&t.key()).ok_or_else(|| t.not_found())?;
        let patched = apply_patch(
            pt,
            (t.rt.group, t.rt.version, t.rt.kind),
            &super::crd::in_version(t.rt, &cur.value),
            &patch,
        )?;
        let precondition = meta::resource_version(&patched).map_err(ApiError::bad_request)?;
        let explicit = precondition.is_some_and(|rv| rv != cur.rv);
        if explicit {
            return Err(ApiError::modified(t.rt.plural, t.rt.group, t.name));
        }
        if meta::name(&patched) != Some(t.name) {
            return Err(ApiError::bad_request(
                "metadata.name cannot be changed by a patch",
            ));
        }
        let patched = admit_typed(t.rt, patched, fv, &mut warnings)?;
        let mut new = merge_update(t.rt, &cur.value, patched, part);
        track(s, t.rt, part, "", Some(&cur.value), &mut new, &manager);
        validate_meta(t.rt, &new, Some(&cur.value))?;
        check_size(&new)?;
        match commit_update(s, t, &cur, new, dry_run).await {
            Ok(b) => return Ok(json_response(StatusCode::OK, b, &warnings)),
            Err(CommitError::Store(StoreError::Conflict { .. })) => continue,
            Err(e) => return Err(e.into_api(t)),
        }
    }
    Err(ApiError::modified(t.rt.plural, t.rt.group, t.name))
}

// ---------------------------------------------------------------------------------------------
// delete

/// What a delete request asked for.
#[derive(Debug, Default)]
pub struct DeleteOptions {
    pub uid: Option<String>,
    pub resource_version: Option<Rv>,
    pub dry_run: bool,
    /// What happens to dependents; `None` is the kind's default (Background).
    pub propagation: Option<gc::Propagation>,
}

pub async fn delete_options(q: &Query, body: Body) -> ApiResult<DeleteOptions> {
    let bytes = codec::read_body(body).await?;
    let mut o = DeleteOptions {
        dry_run: q.dry_run()?,
        ..Default::default()
    };
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        o.propagation = gc::Propagation::from_options(q, &Value::Null)?;
        return Ok(o);
    }
    let v = codec::decode_options(&bytes)?;
    if let Some(p) = v.get("preconditions") {
        o.uid = p.get("uid").and_then(|u| u.as_str()).map(String::from);
        if let Some(rv) = p.get("resourceVersion").and_then(|u| u.as_str()) {
            o.resource_version = Some(
                rv.parse()
                    .map_err(|_| ApiError::bad_request("invalid precondition resourceVersion"))?,
            );
        }
    }
    if let Some(d) = v.get("dryRun").and_then(|d| d.as_array()) {
        for x in d {
            match x.as_str() {
                Some("All") => o.dry_run = true,
                _ => {
                    return Err(ApiError::bad_request(format!(
                        "dryRun: Unsupported value: {x}: supported values: \"All\""
                    )));
                }
            }
        }
    }
    o.propagation = gc::Propagation::from_options(q, &v)?;
    Ok(o)
}

fn success_status(t: &Target<'_>, uid: Option<&str>) -> Value {
    let mut d = json!({"name": t.name, "kind": t.rt.plural});
    if !t.rt.group.is_empty() {
        d["group"] = json!(t.rt.group);
    }
    if let Some(u) = uid {
        d["uid"] = json!(u);
    }
    json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": d})
}

/// Delete one object. Returns the response status and body.
pub async fn delete_object(
    s: &Arc<ApiServer>,
    t: &Target<'_>,
    o: &DeleteOptions,
) -> ApiResult<(StatusCode, Bytes)> {
    for _ in 0..MAX_RETRIES {
        let cur = s.store.get(&t.key()).ok_or_else(|| t.not_found())?;
        let uid = meta::str_field(&cur.value, "uid").map(String::from);
        if let Some(p) = &o.uid {
            if Some(p) != uid.as_ref() {
                return Err(ApiError::conflict(
                    t.rt.plural,
                    t.rt.group,
                    t.name,
                    &format!(
                        "Precondition failed: UID in precondition: {p}, UID in object meta: {}",
                        uid.unwrap_or_default()
                    ),
                ));
            }
        }
        if let Some(p) = o.resource_version {
            if p != cur.rv {
                return Err(ApiError::conflict(
                    t.rt.plural,
                    t.rt.group,
                    t.name,
                    &format!(
                        "Precondition failed: ResourceVersion in precondition: {p}, ResourceVersion in object meta: {}",
                        cur.rv
                    ),
                ));
            }
        }
        let is_namespace = t.rt.group.is_empty() && t.rt.kind == "Namespace";
        let finalizer = gc::finalizer_for(o.propagation);
        let pending =
            is_namespace || !meta::finalizers(&cur.value).is_empty() || finalizer.is_some();
        if pending {
            let mut new = cur.value.clone();
            let added = gc::add_finalizer(&mut new, finalizer);
            if meta::deletion_timestamp(&cur.value).is_some() && !added {
                return Ok((StatusCode::OK, cur.bytes.clone()));
            }
            let m = meta::meta_mut(&mut new);
            if !m.contains_key("deletionTimestamp") {
                m.insert("deletionTimestamp".into(), json!(meta::now()));
                m.insert("deletionGracePeriodSeconds".into(), json!(0));
            }
            if is_namespace {
                new["status"] = json!({"phase": "Terminating"});
            }
            if o.dry_run {
                return Ok((
                    StatusCode::OK,
                    Bytes::from(serde_json::to_vec(&new).unwrap_or_default()),
                ));
            }
            match s.store.update(&t.key(), Some(cur.rv), new).await {
                Ok(r) => {
                    if is_namespace && meta::deletion_timestamp(&cur.value).is_none() {
                        s.namespace_terminating(t.name);
                    }
                    return Ok((StatusCode::OK, r.bytes.clone()));
                }
                Err(StoreError::Conflict { .. }) if o.resource_version.is_none() => continue,
                Err(e) => return Err(t.store_err(e)),
            }
        }
        if o.dry_run {
            return Ok((
                StatusCode::OK,
                Bytes::from(
                    serde_json::to_vec(&success_status(t, uid.as_deref())).unwrap_or_default(),
                ),
            ));
        }
        match s.store.delete(&t.key(), Some(cur.rv)).await {
            Ok(_) => {
                return Ok((
                    StatusCode::OK,
                    Bytes::from(
                        serde_json::to_vec(&success_status(t, uid.as_deref())).unwrap_or_default(),
                    ),
                ));
            }
            Err(StoreError::Conflict { .. }) if o.resource_version.is_none() => continue,
            Err(StoreError::NotFound) => return Err(t.not_found()),
            Err(e) => return Err(t.store_err(e)),
        }
    }
    Err(ApiError::modified(t.rt.plural, t.rt.group, t.name))
}

pub async fn delete(
    s: &Arc<ApiServer>,
    t: &Target<'_>,
    q: &Query,
    body: Body,
) -> ApiResult<Response> {
    let o = delete_options(q, body).await?;
    let (status, b) = delete_object(s, t, &o).await?;
    Ok(json_response(status, b, &[]))
}

pub async fn delete_collection(
    s: &Arc<ApiServer>,
    rt: &ResourceType,
    ns: Option<&str>,
    q: &Query,
    body: Body,
) -> ApiResult<Response> {
    let o = delete_options(q, body).await?;
    let sel = Selectors::parse(rt, q)?;
    let prefix = rt.list_prefix(ns);
    let filter = |r: &Revision| sel.matches(rt, &r.value);
    let filter_ref: &(dyn Fn(&Revision) -> bool + Sync) = &filter;
    let res = s
        .store
        .list(ListOptions {
            prefix: &prefix,
            start_after: None,
            at_rv: None,
            limit: None,
            filter: Some(filter_ref),
        })
        .map_err(|e| ApiError::from_store(e, rt.plural, rt.group, ""))?;
    let mut items = vec![];
    for r in &res.items {
        let name = meta::name(&r.value).unwrap_or("").to_string();
        let ns = meta::namespace(&r.value).map(String::from);
        let t = Target {
            rt,
            namespace: ns.as_deref(),
            name: &name,
        };
        match delete_object(s, &t, &o).await {
            Ok(_) => items.push(r.value.clone()),
            Err(e) if e.code == 404 => {}
            Err(e) => return Err(e),
        }
    }
    let v = json!({"kind": rt.list_kind, "apiVersion": rt.api_version(), "metadata": {"resourceVersion": s.store.current_rv().to_string()}, "items": items});
    Ok(value_response(StatusCode::OK, &v, &[]))
}

// ---------------------------------------------------------------------------------------------
// scale subresource

fn selector_string(obj: &Value) -> String {
    strategy::selector_expression(&obj["spec"]["selector"]).unwrap_or_default()
}

fn scale_of(rt: &ResourceType, r: &Revision) -> Value {
    if let Some(paths) = rt.custom.as_ref().and_then(|c| c.scale.as_ref()) {
        return super::crd::scale_of(paths, r);
    }
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
    json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": md,
        "spec": {"replicas": r.value["spec"]["replicas"].as_i64().unwrap_or(0)},
        "status": {"replicas": r.value["status"]["replicas"].as_i64().unwrap_or(0), "selector": selector_string(&r.value)},
    })
}

pub fn get_scale(s: &Arc<ApiServer>, t: &Target<'_>) -> ApiResult<Response> {
    let r = s.store.get(&t.key()).ok_or_else(|| t.not_found())?;
    Ok(value_response(StatusCode::OK, &scale_of(t.rt, &r), &[]))
}

/// PUT or PATCH of `/scale`: `patch` is `None` for PUT (the body is the new Scale).
pub async fn write_scale(
    s: &Arc<ApiServer>,
    t: &Target<'_>,
    q: &Query,
    headers: &HeaderMap,
    body: Body,
    is_patch: bool,
) -> ApiResult<Response> {
    let dry_run = q.dry_run()?;
    let manager = fieldmanager::manager(q, headers)?;
    let pt = if is_patch {
        Some(patch_type(headers)?)
    } else {
        None
    };
    let bytes = codec::read_body(body).await?;
    let doc = match pt {
        Some(_) => codec::parse_json(&bytes)?,
        None => codec::decode_object(content_type(headers), &bytes)?,
    };
    for _ in 0..MAX_RETRIES {
        let cur = s.store.get(&t.key()).ok_or_else(|| t.not_found())?;
        let scale = match pt {
            Some(pt) => apply_patch(
                pt,
                ("autoscaling", "v1", "Scale"),
                &scale_of(t.rt, &cur),
                &doc,
            )?,
            None => doc.clone(),
        };
        let precondition = meta::resource_version(&scale).map_err(ApiError::bad_request)?;
        if precondition.is_some_and(|rv| rv != cur.rv) {
            return Err(ApiError::modified(t.rt.plural, t.rt.group, t.name));
        }
        let replicas = scale["spec"]["replicas"].as_i64().unwrap_or(0);
        if replicas < 0 {
            return Err(ApiError::invalid(
                "Scale",
                "autoscaling",
                t.name,
                vec![(
                    "spec.replicas".into(),
                    "FieldValueInvalid",
                    format!("Invalid value: {replicas}: must be greater than or equal to 0"),
                )],
            ));
        }
        let mut new = cur.value.clone();
        super::crd::set_replicas(t.rt, &mut new, replicas);
        let mut new = merge_update(t.rt, &cur.value, new, Part::Main);
        track(
            s,
            t.rt,
            Part::Main,
            "scale",
            Some(&cur.value),
            &mut new,
            &manager,
        );
        match commit_update(s, t, &cur, new, dry_run).await {
            Ok(b) => {
                let v: Value = serde_json::from_slice(&b).unwrap_or(Value::Null);
                let rev = Revision {
                    key: cur.key.clone(),
                    rv: meta::resource_version(&v).ok().flatten().unwrap_or(cur.rv),
                    create_rv: cur.create_rv,
                    value: v,
                    bytes: b,
                };
                return Ok(value_response(StatusCode::OK, &scale_of(t.rt, &rev), &[]));
            }
            Err(CommitError::Store(StoreError::Conflict { .. })) if precondition.is_none() => {
                continue;
            }
            Err(e) => return Err(e.into_api(t)),
        }
    }
    Err(ApiError::modified(t.rt.plural, t.rt.group, t.name))
}

// ---------------------------------------------------------------------------------------------
// reviews

/// Access reviews and self reviews: the caller of a tenant control plane is that cluster's
/// administrator, who may do everything.
pub async fn review(
    rt: &ResourceType,
    user: &str,
    headers: &HeaderMap,
    body: Body,
    q: &Query,
) -> ApiResult<Response> {
    let fv = q.field_validation()?;
    let bytes = codec::read_body(body).await?;
    let obj = codec::decode_object(content_type(headers), &bytes)?;
    let mut warnings = vec![];
    let mut obj = admit_typed(rt, obj, fv, &mut warnings)?;
    obj["status"] = match rt.kind {
        "SelfSubjectRulesReview" => json!({
            "resourceRules": [{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}],
            "nonResourceRules": [{"verbs": ["*"], "nonResourceURLs": ["*"]}],
            "incomplete": false,
        }),
        "SelfSubjectReview" => {
            json!({"userInfo": {"username": user, "groups": ["system:masters", "system:authenticated"]}})
        }
        _ => json!({"allowed": true, "reason": "the caller administers this cluster"}),
    };
    if let Some(m) = obj.get_mut("metadata").and_then(|m| m.as_object_mut()) {
        m.insert("creationTimestamp".into(), Value::Null);
    }
    Ok(value_response(StatusCode::CREATED, &obj, &warnings))
}
