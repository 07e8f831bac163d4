//! The Kubernetes API server of one tenant cluster: HTTP in, store operations out.
//!
//! Owns request parsing, discovery, content negotiation, admission (typing, validation,
//! defaults) and the object verbs. It trusts its caller: in production only the gateway
//! reaches it, over a Unix socket. It must not know about accounts, tokens or other clusters.

pub mod apply;
pub mod codec;
pub mod crd;
pub mod defaults;
pub mod discovery;
pub mod error;
pub mod fieldmanager;
pub mod gc;
pub mod meta;
pub mod objects;
pub mod openapi;
pub mod protobuf;
pub mod registry;
pub mod request;
pub mod selector;
pub mod services;
pub mod strategic;
pub mod strategy;
pub mod table;
pub mod validation;
pub mod watch;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, Method, StatusCode, header};
use serde_json::json;

use crate::store::sqlite::{SqliteOptions, SqliteStore};
use crate::store::{ListOptions, Store};
use error::{ApiError, ApiResult};
use objects::{Part, Target};
use registry::Registry;
use request::{Accept, Endpoint, Query, Verb};

/// The Kubernetes version whose API is served.
pub const KUBERNETES_VERSION: &str = "v1.36.0";

/// Namespaces every cluster has from the start.
pub const SYSTEM_NAMESPACES: &[&str] =
    &["default", "kube-system", "kube-public", "kube-node-lease"];

/// One cluster's API server state.
pub struct ApiServer {
    pub store: Arc<dyn Store>,
    pub registry: Registry,
    pub openapi: openapi::OpenApi,
    /// How long events are kept.
    pub event_ttl: Duration,
    /// Cluster IPs and node ports of Services.
    pub services: services::Allocator,
}

/// Where to listen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listen {
    Tcp(SocketAddr),
    Unix(PathBuf),
}

impl std::str::FromStr for Listen {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some(p) = s.strip_prefix("unix:") {
            if p.is_empty() {
                return Err("unix: needs a socket path".into());
            }
            return Ok(Listen::Unix(PathBuf::from(p)));
        }
        s.parse::<SocketAddr>()
            .map(Listen::Tcp)
            .map_err(|e| format!("invalid listen address {s:?} (want HOST:PORT or unix:PATH): {e}"))
    }
}

impl Listen {
    /// Only loopback addresses and Unix sockets are safe for a server that trusts its caller.
    pub fn is_private(&self) -> bool {
        match self {
            Listen::Tcp(a) => a.ip().is_loopback(),
            Listen::Unix(_) => true,
        }
    }
}

/// Options of `kubicle apiserver`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub data_dir: PathBuf,
    pub listen: Listen,
    pub allow_non_loopback: bool,
    pub event_ttl: Duration,
}

impl ApiServer {
    pub fn new(store: Arc<dyn Store>, event_ttl: Duration) -> Arc<Self> {
        Self::with_services(store, event_ttl, services::Allocator::default())
    }

    /// [`ApiServer::new`] with a given Service address allocator (its service range).
    pub fn with_services(
        store: Arc<dyn Store>,
        event_ttl: Duration,
        services: services::Allocator,
    ) -> Arc<Self> {
        let registry = Registry::builtin();
        let kinds = registry
            .all()
            .iter()
            .map(|t| openapi::KindEntry {
                group: t.group.to_string(),
                version: t.version.to_string(),
                kind: t.kind.to_string(),
                plural: t.plural.to_string(),
                namespaced: t.namespaced,
                status: t.status,
                scale: t.scale,
                verbs: t.verbs().iter().map(|v| v.to_string()).collect(),
                schema: None,
            })
            .collect();
        Arc::new(ApiServer {
            store,
            registry,
            openapi: openapi::OpenApi::new(kinds),
            event_ttl,
            services,
        })
    }

    /// Create the system namespaces if missing and resume unfinished namespace deletions.
    pub async fn bootstrap(self: &Arc<Self>) -> anyhow::Result<()> {
        let nst = self
            .registry
            .lookup("", "v1", "namespaces")
            .expect("namespaces are served");
        // Created together so that they share one commit.
        let missing: Vec<&str> = SYSTEM_NAMESPACES
            .iter()
            .copied()
            .filter(|ns| self.store.get(&nst.key(None, ns)).is_none())
            .collect();
        let creates = missing.iter().map(|ns| {
            let obj = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}});
            // Created without managed fields: recording them needs the core/v1 schema, and
            // loading it (about 10 MiB) at start would make every idle cluster pay for it.
            objects::create_object_tracked(self, &nst, None, obj, false, None)
        });
        for (ns, res) in missing.iter().zip(futures::future::join_all(creates).await) {
            match res {
                Ok(_) => {}
                Err(e) if e.code == 409 => {}
                Err(e) => anyhow::bail!("creating namespace {ns}: {}", e.message),
            }
        }
        services::bootstrap(self).await?;
        let prefix = nst.list_prefix(None);
        let res = self
            .store
            .list(ListOptions {
                prefix: &prefix,
                start_after: None,
                at_rv: None,
                limit: None,
                filter: None,
            })
            .map_err(|e| anyhow::anyhow!("listing namespaces: {e}"))?;
        for r in res.items {
            if meta::deletion_timestamp(&r.value).is_some() {
                if let Some(n) = meta::name(&r.value) {
                    self.namespace_terminating(n);
                }
            }
        }
        crd::start(self).await;
        Ok(())
    }

    /// Start removing everything in a namespace being deleted, then the namespace itself.
    pub fn namespace_terminating(self: &Arc<Self>, ns: &str) {
        let s = self.clone();
        let ns = ns.to_string();
        tokio::spawn(async move {
            let nst = s
                .registry
                .lookup("", "v1", "namespaces")
                .expect("namespaces are served");
            loop {
                let mut remaining = 0usize;
                for rt in s
                    .registry
                    .all()
                    .iter()
                    .filter(|t| t.namespaced && !t.create_only)
                {
                    let prefix = rt.list_prefix(Some(&ns));
                    let Ok(res) = s.store.list(ListOptions {
                        prefix: &prefix,
                        start_after: None,
                        at_rv: None,
                        limit: None,
                        filter: None,
                    }) else {
                        continue;
                    };
                    for r in res.items {
                        remaining += 1;
                        if meta::deletion_timestamp(&r.value).is_some() {
                            continue;
                        }
                        let name = meta::name(&r.value).unwrap_or("").to_string();
                        let t = Target {
                            rt,
                            namespace: Some(&ns),
                            name: &name,
                        };
                        let _ = objects::delete_object(&s, &t, &objects::DeleteOptions::default())
                            .await;
                    }
                }
                if remaining == 0 {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            // Drop our finalizer; the namespace goes once no other finalizer holds it.
            for _ in 0..16 {
                let key = nst.key(None, &ns);
                let Some(cur) = s.store.get(&key) else { return };
                let mut new = cur.value.clone();
                new["spec"]["finalizers"] = json!([]);
                let done = meta::finalizers(&new).is_empty();
                let res = if done {
                    s.store.delete(&key, Some(cur.rv)).await.map(|_| ())
                } else {
                    s.store.update(&key, Some(cur.rv), new).await.map(|_| ())
                };
                match res {
                    Ok(()) => return,
                    Err(crate::store::StoreError::Conflict { .. }) => continue,
                    Err(e) => {
                        tracing::warn!(namespace = %ns, error = %e, "finalizing namespace");
                        return;
                    }
                }
            }
        });
    }

    /// Delete events older than the event TTL, now and then.
    pub fn spawn_event_expiry(self: &Arc<Self>) {
        let s = self.clone();
        tokio::spawn(async move {
            let period = (s.event_ttl / 4).clamp(Duration::from_secs(1), Duration::from_secs(60));
            loop {
                tokio::time::sleep(period).await;
                s.expire_events().await;
            }
        });
    }

    pub async fn expire_events(&self) {
        let cutoff = jiff::Timestamp::now()
            - jiff::SignedDuration::try_from(self.event_ttl).unwrap_or_default();
        for (group, kind) in [("", "Event"), ("events.k8s.io", "Event")] {
            let Some(rt) = self.registry.by_kind(group, kind) else {
                continue;
            };
            let prefix = rt.list_prefix(None);
            let old = |r: &crate::store::Revision| {
                meta::str_field(&r.value, "creationTimestamp")
                    .and_then(|t| t.parse::<jiff::Timestamp>().ok())
                    .is_some_and(|t| t < cutoff)
            };
            let old_ref: &(dyn Fn(&crate::store::Revision) -> bool + Sync) = &old;
            let Ok(res) = self.store.list(ListOptions {
                prefix: &prefix,
                start_after: None,
                at_rv: None,
                limit: None,
                filter: Some(old_ref),
            }) else {
                continue;
            };
            for r in res.items {
                let _ = self.store.delete(&r.key, Some(r.rv)).await;
            }
        }
    }
}

/// The HTTP application.
pub fn router(s: Arc<ApiServer>) -> Router {
    Router::new().fallback(handle).with_state(s)
}

async fn handle(State(s): State<Arc<ApiServer>>, req: Request) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let res = dispatch(s, req).await;
    let resp = match res {
        Ok(r) => r,
        Err(e) => e.into_response(),
    };
    tracing::debug!(%method, %path, status = resp.status().as_u16(), "request");
    resp
}

fn header_str<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    let mut r = (status, text).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

async fn dispatch(s: Arc<ApiServer>, req: Request) -> ApiResult<Response> {
    let endpoint = request::parse_path(req.uri().path())?;
    let q = Query::parse(req.uri().query());
    let accept = request::accept(header_str(&req, "accept"));
    let get_only = |m: &Method| {
        if m == Method::GET || m == Method::HEAD {
            Ok(())
        } else {
            Err(ApiError::method_not_allowed())
        }
    };
    match endpoint {
        Endpoint::Version => {
            get_only(req.method())?;
            Ok(objects::value_response(
                StatusCode::OK,
                &version_info(),
                &[],
            ))
        }
        Endpoint::Health(_) => Ok(plain(StatusCode::OK, "ok")),
        Endpoint::OpenApiV2 => {
            get_only(req.method())?;
            let mut r = (StatusCode::OK, s.openapi.v2_protobuf()).into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(openapi::V2_PROTOBUF_CONTENT_TYPE),
            );
            Ok(r)
        }
        Endpoint::OpenApiV3Root => {
            get_only(req.method())?;
            Ok(objects::value_response(
                StatusCode::OK,
                &s.openapi.v3_root(),
                &[],
            ))
        }
        Endpoint::OpenApiV3(path) => {
            get_only(req.method())?;
            let (doc, _hash) = s
                .openapi
                .v3_group_version(&path)
                .ok_or_else(ApiError::not_found_path)?;
            let mut r = (StatusCode::OK, doc).into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(openapi::V3_JSON_CONTENT_TYPE),
            );
            Ok(r)
        }
        Endpoint::CoreVersions => {
            get_only(req.method())?;
            if let Accept::Discovery(v) = accept {
                return Ok(discovery_response(
                    &discovery::aggregated(&s.registry, true, v),
                    v,
                ));
            }
            let host = header_str(&req, "host").unwrap_or("127.0.0.1").to_string();
            Ok(objects::value_response(
                StatusCode::OK,
                &discovery::core_versions(&host),
                &[],
            ))
        }
        Endpoint::Groups => {
            get_only(req.method())?;
            if let Accept::Discovery(v) = accept {
                return Ok(discovery_response(
                    &discovery::aggregated(&s.registry, false, v),
                    v,
                ));
            }
            Ok(objects::value_response(
                StatusCode::OK,
                &discovery::group_list(&s.registry),
                &[],
            ))
        }
        Endpoint::Group(g) => {
            get_only(req.method())?;
            let v = discovery::group(&s.registry, &g).ok_or_else(ApiError::not_found_path)?;
            Ok(objects::value_response(StatusCode::OK, &v, &[]))
        }
        Endpoint::ResourceList { group, version } => {
            get_only(req.method())?;
            let v = discovery::resource_list(&s.registry, &group, &version)
                .ok_or_else(ApiError::not_found_path)?;
            Ok(objects::value_response(StatusCode::OK, &v, &[]))
        }
        Endpoint::Resource(p) => {
            // A custom type served in several versions answers in the version asked for.
            let convert = s
                .registry
                .lookup(&p.group, &p.version, &p.plural)
                .filter(|rt| crd::needs_conversion(rt));
            let r = resource(s, req, p, q, accept).await;
            match convert {
                Some(rt) => r.map(|resp| crd::convert_response(rt, resp)),
                None => r,
            }
        }
    }
}

fn discovery_response(v: &serde_json::Value, version: &str) -> Response {
    let mut r = (StatusCode::OK, serde_json::to_vec(v).unwrap_or_default()).into_response();
    if let Ok(ct) = HeaderValue::from_str(&discovery::aggregated_content_type(version)) {
        r.headers_mut().insert(header::CONTENT_TYPE, ct);
    }
    r
}

pub fn version_info() -> serde_json::Value {
    json!({
        "major": "1",
        "minor": "36",
        "emulationMajor": "1",
        "emulationMinor": "36",
        "minCompatibilityMajor": "1",
        "minCompatibilityMinor": "35",
        "gitVersion": format!("{KUBERNETES_VERSION}+kubicle"),
        "gitCommit": option_env!("KUBICLE_GIT_COMMIT").unwrap_or("unknown"),
        "gitTreeState": "clean",
        "buildDate": "1970-01-01T00:00:00Z",
        "goVersion": "none (kubicle is written in Rust)",
        "compiler": "rustc",
        "platform": format!("{}/{}", std::env::consts::OS, if cfg!(target_arch = "x86_64") { "amd64" } else if cfg!(target_arch = "aarch64") { "arm64" } else { std::env::consts::ARCH }),
    })
}

async fn resource(
    s: Arc<ApiServer>,
    req: Request,
    p: request::ResourcePath,
    q: Query,
    accept: Accept,
) -> ApiResult<Response> {
    let rt = s
        .registry
        .lookup(&p.group, &p.version, &p.plural)
        .ok_or_else(ApiError::not_found_path)?;
    if p.namespace.is_some() && !rt.namespaced {
        return Err(ApiError::not_found_path());
    }
    let user = header_str(&req, "x-remote-user")
        .unwrap_or("cluster-admin")
        .to_string();
    let (parts, body) = req.into_parts();
    let method = parts.method;
    let headers = parts.headers;
    if rt.create_only {
        if method != Method::POST || p.name.is_some() {
            return Err(ApiError::method_not_allowed());
        }
        return objects::review(&rt, &user, &headers, body, &q).await;
    }
    let verb = request::verb(&method, p.name.is_some(), &q)?;
    let ns = p.namespace.as_deref();
    if rt.namespaced
        && ns.is_none()
        && matches!(
            verb,
            Verb::Create
                | Verb::Get
                | Verb::Update
                | Verb::Patch
                | Verb::Delete
                | Verb::DeleteCollection
        )
    {
        return Err(ApiError::not_found_path());
    }
    let Some(name) = p.name.as_deref() else {
        return match verb {
            Verb::List => objects::list(&s, &rt, ns, &q, accept).await,
            Verb::Watch => {
                watch::watch(s.clone(), rt.clone(), p.namespace.clone(), None, &q, accept).await
            }
            Verb::Create => objects::create(&s, &rt, ns, &q, &headers, body).await,
            Verb::DeleteCollection => objects::delete_collection(&s, &rt, ns, &q, body).await,
            _ => Err(ApiError::method_not_allowed()),
        };
    };
    let t = Target {
        rt: &rt,
        namespace: ns,
        name,
    };
    match p.subresource.as_deref() {
        None => match verb {
            Verb::Get => objects::get(&s, &t, accept, &q),
            Verb::Watch => {
                watch::watch(
                    s.clone(),
                    rt.clone(),
                    p.namespace.clone(),
                    Some(name.to_string()),
                    &q,
                    accept,
                )
                .await
            }
            Verb::Update => objects::update(&s, &t, Part::Main, &q, &headers, body).await,
            Verb::Patch => objects::patch(&s, &t, Part::Main, &q, &headers, body).await,
            Verb::Delete => objects::delete(&s, &t, &q, body).await,
            _ => Err(ApiError::method_not_allowed()),
        },
        Some("status") if rt.status => match verb {
            Verb::Get => objects::get(&s, &t, Accept::Json, &q),
            Verb::Update => objects::update(&s, &t, Part::Status, &q, &headers, body).await,
            Verb::Patch => objects::patch(&s, &t, Part::Status, &q, &headers, body).await,
            _ => Err(ApiError::method_not_allowed()),
        },
        Some("scale") if rt.scale => match verb {
            Verb::Get => objects::get_scale(&s, &t),
            Verb::Update => objects::write_scale(&s, &t, &q, &headers, body, false).await,
            Verb::Patch => objects::write_scale(&s, &t, &q, &headers, body, true).await,
            _ => Err(ApiError::method_not_allowed()),
        },
        _ => Err(ApiError::not_found_path()),
    }
}

/// Run `kubicle apiserver` until SIGTERM or SIGINT.
pub async fn serve(opts: ServeOptions) -> anyhow::Result<()> {
    use anyhow::Context;
    if !opts.listen.is_private() && !opts.allow_non_loopback {
        anyhow::bail!(
            "refusing to listen on {:?}: this server trusts its caller, so it listens only on loopback or a Unix socket (pass --allow-non-loopback to force)",
            opts.listen
        );
    }
    std::fs::create_dir_all(&opts.data_dir)
        .with_context(|| format!("creating {}", opts.data_dir.display()))?;
    let db = opts.data_dir.join("cluster.db");
    let store = SqliteStore::open(&db, SqliteOptions::default())
        .map_err(|e| anyhow::anyhow!("opening {}: {e}", db.display()))?;
    let server = ApiServer::new(store.clone(), opts.event_ttl);
    server.bootstrap().await?;
    server.spawn_event_expiry();
    gc::spawn(&server);
    let app = router(server.clone());
    let shutdown = async {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("signal handler");
        tokio::select! {
            _ = term.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
    };
    match &opts.listen {
        Listen::Tcp(addr) => {
            let l = tokio::net::TcpListener::bind(addr)
                .await
                .with_context(|| format!("binding {addr}"))?;
            tracing::info!(addr = %l.local_addr()?, "kubicle apiserver listening");
            axum::serve(l, app).with_graceful_shutdown(shutdown).await?;
        }
        Listen::Unix(path) => {
            let _ = std::fs::remove_file(path);
            let l = tokio::net::UnixListener::bind(path)
                .with_context(|| format!("binding {}", path.display()))?;
            tracing::info!(path = %path.display(), "kubicle apiserver listening");
            axum::serve(l, app).with_graceful_shutdown(shutdown).await?;
        }
    }
    if let Err(e) = store.close() {
        tracing::warn!(error = %e, "closing the store");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn server(event_ttl: Duration) -> (tempfile::TempDir, Arc<ApiServer>) {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("c.db"), SqliteOptions::default()).unwrap();
        let s = ApiServer::new(store, event_ttl);
        s.bootstrap().await.unwrap();
        (dir, s)
    }

    #[tokio::test]
    async fn events_expire_after_their_ttl_and_nothing_else_does() {
        let (_dir, s) = server(Duration::from_secs(3600)).await;
        let ev = s.registry.lookup("", "v1", "events").unwrap();
        let cm = s.registry.lookup("", "v1", "configmaps").unwrap();
        let event = json!({"metadata": {"name": "e1"}, "involvedObject": {"kind": "Pod", "name": "p"}, "reason": "Test"});
        objects::create_object(&s, &ev, Some("default"), event, false)
            .await
            .unwrap();
        let other = json!({"metadata": {"name": "c1"}});
        objects::create_object(&s, &cm, Some("default"), other, false)
            .await
            .unwrap();
        s.expire_events().await;
        assert!(
            s.store.get(&ev.key(Some("default"), "e1")).is_some(),
            "a young event stays"
        );

        let s2 = Arc::new(ApiServer {
            store: s.store.clone(),
            registry: Registry::builtin(),
            openapi: openapi::OpenApi::new(vec![]),
            event_ttl: Duration::ZERO,
            services: services::Allocator::default(),
        });
        tokio::time::sleep(Duration::from_millis(1100)).await;
        s2.expire_events().await;
        assert!(
            s2.store.get(&ev.key(Some("default"), "e1")).is_none(),
            "an old event goes"
        );
        assert!(
            s2.store.get(&cm.key(Some("default"), "c1")).is_some(),
            "other kinds stay"
        );
    }

    #[test]
    fn only_loopback_and_unix_sockets_are_private() {
        assert!("127.0.0.1:1".parse::<Listen>().unwrap().is_private());
        assert!("[::1]:1".parse::<Listen>().unwrap().is_private());
        assert!("unix:/tmp/x.sock".parse::<Listen>().unwrap().is_private());
        assert!(!"0.0.0.0:1".parse::<Listen>().unwrap().is_private());
        assert!("unix:".parse::<Listen>().is_err());
        assert!("localhost".parse::<Listen>().is_err());
    }
}
