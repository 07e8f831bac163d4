//! Watch: a chunked stream of newline-delimited `{"type":…,"object":…}` events, fed by the
//! store's watch cache, filtered by selectors, with bookmarks and a timeout.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::response::Response;
use bytes::{BufMut, Bytes, BytesMut};
use http::{HeaderValue, StatusCode, header};
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::ApiServer;
use super::error::{ApiError, ApiResult};
use super::objects::Selectors;
use super::registry::ResourceType;
use super::request::{Accept, Query};
use super::table;
use crate::store::{EventKind, ListOptions, Revision, Rv, StoreError};

/// How often an idle watch with bookmarks enabled gets one.
const BOOKMARK_EVERY: Duration = Duration::from_secs(30);
/// Default and longest watch duration.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(1800);

enum Framing {
    Json,
    Table(table::IncludeObject),
}

fn frame(kind: &str, object: &[u8]) -> Bytes {
    let mut b = BytesMut::with_capacity(object.len() + 32);
    b.put_slice(b"{\"type\":\"");
    b.put_slice(kind.as_bytes());
    b.put_slice(b"\",\"object\":");
    b.put_slice(object);
    b.put_slice(b"}\n");
    b.freeze()
}

fn event_frame(rt: &ResourceType, framing: &Framing, kind: &str, r: &Revision) -> Bytes {
    match framing {
        Framing::Json => frame(kind, &r.bytes),
        Framing::Table(include) => {
            let t = super::crd::table(
                rt,
                &[&r.value],
                json!({"resourceVersion": r.rv.to_string()}),
                *include,
                jiff::Timestamp::now(),
            );
            frame(kind, &serde_json::to_vec(&t).unwrap_or_default())
        }
    }
}

fn bookmark(rt: &ResourceType, rv: Rv, initial_end: bool) -> Bytes {
    let mut md = json!({"resourceVersion": rv.to_string(), "creationTimestamp": null});
    if initial_end {
        md["annotations"] = json!({"k8s.io/initial-events-end": "true"});
    }
    let obj = json!({"kind": rt.kind, "apiVersion": rt.api_version(), "metadata": md});
    frame("BOOKMARK", &serde_json::to_vec(&obj).unwrap_or_default())
}

fn error_frame(e: &ApiError) -> Bytes {
    frame(
        "ERROR",
        &serde_json::to_vec(&e.status_json()).unwrap_or_default(),
    )
}

pub async fn watch(
    s: Arc<ApiServer>,
    rt: Arc<ResourceType>,
    ns: Option<String>,
    name: Option<String>,
    q: &Query,
    accept: Accept,
) -> ApiResult<Response> {
    let sel = Selectors::parse(&rt, q)?;
    let bookmarks = q.flag("allowWatchBookmarks");
    let timeout = q
        .u64("timeoutSeconds")?
        .map(Duration::from_secs)
        .unwrap_or(DEFAULT_TIMEOUT)
        .min(DEFAULT_TIMEOUT);
    let send_initial = match q.get("sendInitialEvents") {
        Some("true") => Some(true),
        Some("false") => Some(false),
        _ => None,
    };
    let rv_param = q.non_empty("resourceVersion");
    let framing = match accept {
        Accept::Table => Framing::Table(
            table::IncludeObject::from_query(q.get("includeObject"))
                .map_err(|e| ApiError::bad_request(e.to_string()))?,
        ),
        _ => Framing::Json,
    };
    let prefix = rt.list_prefix(ns.as_deref());
    let name_filter = name.clone();
    let rt2 = rt.clone();
    let matches = move |v: &Value| {
        if let Some(n) = &name_filter {
            if super::meta::name(v) != Some(n.as_str()) {
                return false;
            }
        }
        sel.matches(&rt2, v)
    };

    // Initial state: synthetic ADDED events for what exists, unless the client resumes.
    let initial = match (rv_param, send_initial) {
        (_, Some(true)) | (None, None) | (Some("0"), None) => true,
        _ => false,
    };
    let mut first: Vec<Bytes> = vec![];
    let start_rv: Rv;
    if initial {
        let filter = |r: &Revision| matches(&r.value);
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
        for r in &res.items {
            first.push(event_frame(&rt, &framing, "ADDED", r));
        }
        start_rv = res.rv;
        if send_initial == Some(true) {
            first.push(bookmark(&rt, start_rv, true));
        }
    } else {
        let rv: Rv = rv_param.unwrap_or("0").parse().map_err(|_| {
            ApiError::bad_request(format!("invalid resource version {:?}", rv_param))
        })?;
        start_rv = rv;
    }
    let watcher = match s.store.watch(&prefix, Some(start_rv)) {
        Ok(w) => Some(w),
        Err(StoreError::Compacted { requested, oldest }) => {
            first.push(error_frame(&ApiError::expired(format!(
                "too old resource version: {requested} ({oldest})"
            ))));
            None
        }
        Err(StoreError::TooNew { requested, current }) => {
            first.push(error_frame(&ApiError::new(
                504,
                "Timeout",
                format!("Too large resource version: {requested}, current: {current}"),
            )));
            None
        }
        Err(e) => return Err(ApiError::from_store(e, rt.plural, rt.group, "")),
    };

    let (tx, rx) = mpsc::channel::<Bytes>(64);
    tokio::spawn(async move {
        for f in first {
            if tx.send(f).await.is_err() {
                return;
            }
        }
        let Some(mut w) = watcher else { return };
        let deadline = tokio::time::Instant::now() + timeout;
        let mut last_rv = start_rv;
        let mut tick =
            tokio::time::interval_at(tokio::time::Instant::now() + BOOKMARK_EVERY, BOOKMARK_EVERY);
        loop {
            tokio::select! {
                _ = tokio::time::sleep_until(deadline) => {
                    if bookmarks {
                        let _ = tx.send(bookmark(&rt, last_rv, false)).await;
                    }
                    return;
                }
                _ = tick.tick(), if bookmarks => {
                    if tx.send(bookmark(&rt, last_rv, false)).await.is_err() {
                        return;
                    }
                }
                _ = tx.closed() => return,
                ev = w.next() => {
                    let ev = match ev {
                        Ok(ev) => ev,
                        Err(StoreError::WatcherLagged) => {
                            let _ = tx.send(error_frame(&ApiError::expired("watch fell behind; too old resource version"))).await;
                            return;
                        }
                        Err(_) => return,
                    };
                    last_rv = ev.rv();
                    let now = matches(&ev.object.value);
                    let before = ev.prev.as_ref().is_some_and(|p| matches(&p.value));
                    let kind = match ev.kind {
                        EventKind::Added if now => "ADDED",
                        EventKind::Modified if now && before => "MODIFIED",
                        EventKind::Modified if now => "ADDED",
                        EventKind::Modified if before => "DELETED",
                        EventKind::Deleted if now => "DELETED",
                        _ => continue,
                    };
                    let frame = match (kind, ev.kind, &ev.prev) {
                        // Leaving the selection: the last state that matched, at this revision.
                        ("DELETED", EventKind::Modified, Some(prev)) => {
                            let r = prev.at_revision(ev.rv());
                            event_frame(&rt, &framing, kind, &r)
                        }
                        _ => event_frame(&rt, &framing, kind, &ev.object),
                    };
                    if tx.send(frame).await.is_err() {
                        return;
                    }
                }
            }
        }
    });
    let stream = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|b| (Ok::<_, Infallible>(b), rx))
    });
    let mut resp = Response::new(Body::from_stream(stream));
    *resp.status_mut() = StatusCode::OK;
    let ct = match accept {
        Accept::Table => "application/json;as=Table;v=v1;g=meta.k8s.io",
        _ => "application/json",
    };
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-cache, private"),
    );
    Ok(resp)
}
