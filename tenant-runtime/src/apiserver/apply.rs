//! `PATCH` with `application/apply-patch+yaml`: server-side apply of a configuration by one
//! field manager, creating the object when it is missing, on the main resource or `/status`.
//! The merge, ownership and conflict rules live in [`super::fieldmanager`]; this module runs
//! them inside the same admission path as every other write.

use std::sync::Arc;

use axum::body::Body;
use axum::response::Response;
use http::{HeaderMap, StatusCode};
use serde_json::{Value, json};

use super::ApiServer;
use super::codec;
use super::error::{ApiError, ApiResult};
use super::fieldmanager::{self, Apply, KindSchema, Scope};
use super::meta;
use super::objects::{self, Part, Target};
use super::request::Query;
use crate::store::StoreError;

/// The media type of apply patches.
pub const APPLY_PATCH: &str = "application/apply-patch+yaml";

/// How many times an apply retries after losing a race.
const MAX_RETRIES: usize = 16;

/// Whether a request body is an apply patch.
pub fn is_apply(headers: &HeaderMap) -> bool {
    codec::media_type(objects::content_type(headers)) == APPLY_PATCH
}

/// The scope of a write through `part` of a kind.
pub fn scope(part: Part, has_status: bool) -> Scope {
    match part {
        Part::Main => Scope::Main { has_status },
        Part::Status => Scope::Status,
    }
}

/// Read and check an applied configuration: an object of the addressed kind and name.
fn configuration(t: &Target<'_>, bytes: &[u8]) -> ApiResult<Value> {
    let cfg = codec::parse_yaml(bytes)?;
    if !cfg.is_object() {
        return Err(ApiError::bad_request(
            "the request body must be a YAML or JSON object",
        ));
    }
    let api_version = t.rt.api_version();
    match cfg.get("apiVersion").and_then(Value::as_str) {
        None | Some("") => {
            return Err(ApiError::bad_request(
                "invalid object: apiVersion must be set in an applied configuration",
            ));
        }
        Some(v) if v != api_version => {
            return Err(ApiError::bad_request(format!(
                "the API version in the data ({v}) does not match the expected API version ({api_version})"
            )));
        }
        _ => {}
    }
    match cfg.get("kind").and_then(Value::as_str) {
        None | Some("") => {
            return Err(ApiError::bad_request(
                "invalid object: kind must be set in an applied configuration",
            ));
        }
        Some(k) if k != t.rt.kind => {
            return Err(ApiError::bad_request(format!(
                "the kind in the data ({k}) does not match the expected kind ({})",
                t.rt.kind
            )));
        }
        _ => {}
    }
    if let Some(n) = meta::name(&cfg)
        && n != t.name
    {
        return Err(ApiError::bad_request(format!(
            "the name of the object ({n}) does not match the name on the URL ({})",
            t.name
        )));
    }
    if let (Some(b), Some(u)) = (meta::namespace(&cfg), t.namespace)
        && t.rt.namespaced
        && b != u
    {
        return Err(ApiError::bad_request(
            "the namespace of the provided object does not match the namespace sent on the request",
        ));
    }
    if meta::meta(&cfg).is_some_and(|m| m.get("managedFields").is_some_and(|f| !f.is_null())) {
        return Err(ApiError::bad_request(
            "metadata.managedFields must be nil in an applied configuration",
        ));
    }
    Ok(cfg)
}

pub async fn apply(
    s: &Arc<ApiServer>,
    t: &Target<'_>,
    part: Part,
    q: &Query,
    body: Body,
) -> ApiResult<Response> {
    let manager = fieldmanager::apply_manager(q)?;
    let force = q.flag("force");
    let fv = q.field_validation()?;
    let dry_run = q.dry_run()?;
    let bytes = codec::read_body(body).await?;
    let mut cfg = configuration(t, &bytes)?;
    let precondition = meta::resource_version(&cfg).map_err(ApiError::bad_request)?;
    {
        let m = meta::meta_mut(&mut cfg);
        m.insert("name".into(), json!(t.name));
        m.shift_remove("resourceVersion");
    }
    let schema = KindSchema::lookup(&s.openapi, t.rt.group, t.rt.version, t.rt.kind);
    let api_version = t.rt.api_version();
    let scope = scope(part, t.rt.status);
    let ap = Apply::new(&schema, scope, &manager, &cfg);
    let mut warnings = vec![];
    for _ in 0..MAX_RETRIES {
        warnings.clear();
        let Some(cur) = s.store.get(&t.key()) else {
            if part == Part::Status {
                return Err(ApiError::not_found(t.rt.plural, t.rt.group, t.name));
            }
            if precondition.is_some() {
                return Err(ApiError::not_found(t.rt.plural, t.rt.group, t.name));
            }
            let mut obj = cfg.clone();
            if t.rt.status
                && let Some(m) = obj.as_object_mut()
            {
                m.shift_remove("status");
            }
            let mut obj = objects::admit_typed(t.rt, obj, fv, &mut warnings)?;
            fieldmanager::applied_create(&schema, &api_version, scope, &cfg, &mut obj, &manager);
            match objects::create_object_tracked(s, t.rt, t.namespace, obj, dry_run, None).await {
                Ok((_, b)) => return Ok(objects::json_response(StatusCode::CREATED, b, &warnings)),
                Err(e) if e.code == 409 && e.reason == "AlreadyExists" => continue,
                Err(e) => return Err(e),
            }
        };
        if precondition.is_some_and(|rv| rv != cur.rv) {
            return Err(ApiError::modified(t.rt.plural, t.rt.group, t.name));
        }
        let merged = ap.merge(&cur.value);
        let admitted = objects::admit_typed(t.rt, merged, fv, &mut warnings)?;
        let mut new = objects::merge_update(t.rt, &cur.value, admitted, part);
        let upgrade = manager == fieldmanager::KUBECTL;
        let before = new.clone();
        if let Err(c) = ap.finish(&api_version, &cur.value, &mut new, force) {
            if !(upgrade && fieldmanager::last_applied_allows(&schema, scope, &cur.value, &c)) {
                return Err(fieldmanager::conflict_error(
                    t.rt.plural,
                    t.rt.group,
                    t.name,
                    &c,
                ));
            }
            new = before;
            ap.finish(&api_version, &cur.value, &mut new, true)
                .map_err(|c| fieldmanager::conflict_error(t.rt.plural, t.rt.group, t.name, &c))?;
        }
        if upgrade && part == Part::Main {
            fieldmanager::sync_last_applied(&cur.value, &cfg, &mut new);
        }
        objects::validate_meta(t.rt, &new, Some(&cur.value))?;
        objects::check_size(&new)?;
        match objects::commit_update(s, t, &cur, new, dry_run).await {
            Ok(b) => return Ok(objects::json_response(StatusCode::OK, b, &warnings)),
            Err(objects::CommitError::Store(StoreError::Conflict { .. }))
                if precondition.is_none() =>
            {
                continue;
            }
            Err(e) => return Err(e.into_api(t)),
        }
    }
    Err(ApiError::modified(t.rt.plural, t.rt.group, t.name))
}
