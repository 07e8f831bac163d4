//! `kubicle server`: assembles the platform (data dir, TLS, database, auth, supervisor, rate
//! limits, metrics, audit writer) and serves it until SIGTERM or SIGINT.
//!
//! One HTTPS port carries the web, the REST API (`/api/v1/…`) and Kubernetes traffic
//! (`/k8s/<cluster>/…`): TLS by tokio-rustls, then HTTP/1.1 or HTTP/2 (ALPN) by hyper-util's
//! auto builder with upgrades passed through (exec, attach, port-forward). Every connection
//! handshakes in its own task under a timeout, so a slow or broken client never holds up
//! another. Metrics are served in plain HTTP on a second, loopback-only by default, address.
//!
//! Shutdown: stop accepting, let in-flight requests finish for a short grace period, stop
//! every control plane, flush the audit records. This module owns the process-level wiring
//! only; requests are handled by [`crate::api`] and [`crate::proxy`].

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Context, bail};
use axum::Router;
use axum::extract::{ConnectInfo, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::{JoinHandle, JoinSet};
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use crate::audit::{AuditRecord, AuditSink};
use crate::auth::Auth;
use crate::config::Config;
pub use crate::config::{ServerArgs, ServerOptions};
use crate::db::Db;
use crate::metrics::Metrics;
use crate::ratelimit::RateLimits;
use crate::state::{AppState, Platform};
use crate::supervisor::{Supervisor, SupervisorConfig};
use crate::tls::{self, CertStatus};

/// A TLS handshake (including the first byte) must finish within this time.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long in-flight requests (and open watches) get to finish at shutdown.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a request waits for a starting control plane before 503.
pub const CONTROL_PLANE_WAIT: Duration = Duration::from_secs(10);
/// How long `/readyz` waits for the platform database to answer before 503.
pub const READY_DB_TIMEOUT: Duration = Duration::from_secs(2);
/// Capacity of the audit channel between the proxy and the writer task.
const AUDIT_CHANNEL: usize = 8192;
/// Records written per database call.
const AUDIT_BATCH: usize = 256;
/// Time allowed for an HTTP/1 request head.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Runs `kubicle server` until SIGTERM or SIGINT, then shuts down cleanly.
pub async fn run(args: ServerArgs) -> anyhow::Result<()> {
    raise_open_files_limit();
    let (config, options) = Config::with_options_from_args(args).context("invalid settings")?;
    let server = start_with(config, options).await?;
    print_banner(&server);

    let handle = server.shutdown_handle();
    let mut done = tokio::spawn(server.wait());
    tokio::select! {
        signal = shutdown_signal() => {
            tracing::info!(signal, "shutting down");
            handle.shutdown();
            // A second signal ends the process at once; control planes follow via stdin EOF.
            tokio::spawn(async {
                let signal = shutdown_signal().await;
                eprintln!("kubicle server: {signal} again, exiting without draining");
                std::process::exit(130);
            });
            done.await.context("server task")?
        }
        result = &mut done => {
            result.context("server task")??;
            bail!("the server stopped by itself")
        }
    }
}

/// The name of the first SIGTERM or SIGINT received.
async fn shutdown_signal() -> &'static str {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).expect("install SIGTERM handler");
    let mut int = signal(SignalKind::interrupt()).expect("install SIGINT handler");
    tokio::select! {
        _ = term.recv() => "SIGTERM",
        _ = int.recv() => "SIGINT",
    }
}

/// The two lines scripts wait for, then the first-start hints.
fn print_banner(server: &RunningServer) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "kubicle server listening on https://{}",
        server.https_addr
    );
    let _ = writeln!(out, "kubicle metrics on http://{}", server.metrics_addr);
    if server.first_start {
        let url = &server.advertise_url;
        let cacert = match &server.ca_path {
            Some(p) => format!("--cacert {} ", shell_quote(p)),
            None => String::new(),
        };
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "First start: the data dir {} now holds the platform's CA, signing keys and database; \
             keep it.",
            server.data_dir.display()
        );
        let _ = writeln!(out, "Next steps:");
        let _ = writeln!(out, "  1. Sign up:");
        let _ = writeln!(
            out,
            "     curl {cacert}-H 'content-type: application/json' \\\n       \
             -d '{{\"email\":\"you@example.com\",\"password\":\"a-long-password\"}}' \
             {url}/api/v1/signup"
        );
        let ca_flag = match &server.ca_path {
            Some(p) => format!(" --ca-file {}", shell_quote(p)),
            None => String::new(),
        };
        let _ = writeln!(
            out,
            "  2. Log in with the CLI and create a cluster:\n     \
             kubicle login --server {url}{ca_flag} --email you@example.com\n     \
             kubicle cluster create demo --wait --kubeconfig demo.kubeconfig\n     \
             kubectl --kubeconfig demo.kubeconfig get ns"
        );
        match &server.ca_path {
            Some(p) => {
                let _ = writeln!(
                    out,
                    "  The CA certificate is {} (kubeconfigs carry it already).",
                    p.display()
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "  The CA handed out in kubeconfigs is the last certificate of --tls-cert."
                );
            }
        }
        let _ = writeln!(out, "  API reference: {url}/api/v1/openapi.json");
    }
    let _ = out.flush();
}

fn shell_quote(p: &Path) -> String {
    let s = p.display().to_string();
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+:@".contains(c))
    {
        s
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// Asks a running server to shut down; cheap to clone.
#[derive(Clone)]
pub struct ShutdownHandle(Arc<watch::Sender<bool>>);

impl ShutdownHandle {
    /// Starts the shutdown (idempotent); [`RunningServer::wait`] returns once it is done.
    pub fn shutdown(&self) {
        self.0.send_replace(true);
    }
}

/// A server started by [`start`]: its addresses, and how to stop it.
pub struct RunningServer {
    /// The bound HTTPS address (the real port when `:0` was asked).
    pub https_addr: SocketAddr,
    /// The bound metrics address.
    pub metrics_addr: SocketAddr,
    /// The advertise URL in effect (port 0 replaced by the bound port).
    pub advertise_url: String,
    pub data_dir: PathBuf,
    /// PEM of the CA clients must trust.
    pub ca_pem: String,
    /// File holding that CA, when there is one.
    pub ca_path: Option<PathBuf>,
    /// Whether this start created the data dir's keys (the first start).
    pub first_start: bool,
    pub state: AppState,
    shutdown: ShutdownHandle,
    done: JoinHandle<anyhow::Result<()>>,
}

impl RunningServer {
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        self.shutdown.clone()
    }

    /// Shuts down and waits until every control plane stopped and the audit log is flushed.
    pub async fn shutdown(self) -> anyhow::Result<()> {
        self.shutdown.shutdown();
        self.wait().await
    }

    /// Waits until the server has shut down (after a [`ShutdownHandle::shutdown`]).
    pub async fn wait(self) -> anyhow::Result<()> {
        self.done.await.context("server task panicked")?
    }
}

/// Starts the platform with `config` and default [`ServerOptions`] (control planes run as
/// `std::env::current_exe() apiserver …`).
pub async fn start(config: Config) -> anyhow::Result<RunningServer> {
    start_with(config, ServerOptions::default()).await
}

/// Starts the platform with `config` and `options`.
pub async fn start_with(
    mut config: Config,
    options: ServerOptions,
) -> anyhow::Result<RunningServer> {
    let binary = match options.control_plane_binary.clone() {
        Some(b) => b,
        None => std::env::current_exe().context("cannot find the kubicle binary")?,
    };
    // Other parts of the process (clients, exporters) may use the default provider.
    let _ = rustls::crypto::ring::default_provider().install_default();

    create_data_dir(&config.data_dir)?;

    let https_listener = TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let https_addr = https_listener.local_addr()?;
    config.resolve_bound_port(https_addr);

    if !config.metrics_listen.ip().is_loopback() && !options.allow_non_loopback_metrics {
        bail!(
            "metrics-listen {} is not a loopback address; metrics are unauthenticated \
             (set allow-non-loopback-metrics to serve them there anyway)",
            config.metrics_listen
        );
    }
    let metrics_listener = TcpListener::bind(config.metrics_listen)
        .await
        .with_context(|| format!("cannot listen on {} for metrics", config.metrics_listen))?;
    let metrics_addr = metrics_listener.local_addr()?;

    let tls = {
        let config = config.clone();
        let tls_ca = options.tls_ca.clone();
        tokio::task::spawn_blocking(move || tls::load(&config, tls_ca.as_deref()))
            .await
            .context("tls task")?
            .context("tls")?
    };
    match tls.status {
        CertStatus::Created => {
            tracing::info!(ca = ?tls.ca_path, "generated a CA and server certificate")
        }
        CertStatus::Renewed(reason) => {
            tracing::info!(?reason, "issued a new server certificate")
        }
        CertStatus::Reused => tracing::debug!("reusing the server certificate"),
        CertStatus::Operator => {
            let host = config.advertise_host();
            let leaf = config
                .tls_cert
                .as_deref()
                .and_then(|p| std::fs::read_to_string(p).ok())
                .unwrap_or_default();
            if let Err(e) = tls::verify_server_cert(&leaf, &tls.ca_pem, &host) {
                tracing::warn!(error = %e, host, "the operator's certificate does not verify against the CA for the advertise host; kubectl will refuse it");
            }
        }
    }

    let first_start = !config.data_dir.join("keys").join("current").exists();

    let db = Db::connect(&config.database_url).await.with_context(|| {
        format!(
            "cannot open the platform database {}",
            redact(&config.database_url)
        )
    })?;
    let auth = Auth::load_or_create(&config.data_dir, &config.advertise_url, db.clone())
        .await
        .context("cannot load the token signing keys")?;

    let metrics = Arc::new(Metrics::new());
    let supervisor = Supervisor::new(
        SupervisorConfig {
            binary,
            clusters_dir: config.clusters_dir(),
            idle_timeout: config.idle_timeout,
            limits: config.control_plane.clone(),
            wait_timeout: CONTROL_PLANE_WAIT,
        },
        metrics.clone(),
    );
    let (audit, audit_rx) = AuditSink::channel(AUDIT_CHANNEL);
    let (audit_stop_tx, audit_stop_rx) = oneshot::channel();
    let audit_task = tokio::spawn(audit_writer(db.clone(), audit_rx, audit_stop_rx));

    let config = Arc::new(config);
    let state: AppState = Arc::new(Platform {
        config: config.clone(),
        db,
        auth: Arc::new(auth),
        supervisor: supervisor.clone(),
        limits: Arc::new(RateLimits::with_config(options.tenant_limits.clone())),
        audit,
        metrics: metrics.clone(),
        ca_pem: tls.ca_pem.clone(),
    });

    // Clusters a previous run left Provisioning or Deleting (it died mid-way) are finished in
    // the background; requests meanwhile see them in that state, as they would have.
    {
        let state = state.clone();
        tokio::spawn(async move {
            if let Err(e) = crate::api::clusters::resume_interrupted(state).await {
                tracing::error!(error = %e, "cannot resume the clusters left mid-way");
            }
        });
    }

    let shutting_down = Arc::new(AtomicBool::new(false));
    let app = app(state.clone(), shutting_down.clone());

    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let https_task = tokio::spawn(serve_https(
        https_listener,
        TlsAcceptor::from(tls.server_config.clone()),
        app,
        shutdown_rx.clone(),
    ));
    let metrics_task = tokio::spawn(serve_metrics(
        metrics_listener,
        metrics.clone(),
        shutdown_rx.clone(),
    ));

    let mut stop_rx = shutdown_rx;
    let done = tokio::spawn(async move {
        stopped(&mut stop_rx).await;
        shutting_down.store(true, Ordering::SeqCst);
        tracing::info!("no longer accepting connections; draining");
        if let Err(e) = https_task.await {
            tracing::warn!(error = %e, "https task ended abnormally");
        }
        supervisor.shutdown().await;
        tracing::info!("control planes stopped");
        let _ = audit_stop_tx.send(());
        if let Err(e) = audit_task.await {
            tracing::warn!(error = %e, "audit writer ended abnormally");
        }
        let _ = metrics_task.await;
        tracing::info!("shutdown complete");
        Ok(())
    });

    tracing::info!(
        https = %https_addr,
        metrics = %metrics_addr,
        advertise_url = %config.advertise_url,
        data_dir = %config.data_dir.display(),
        "kubicle server started"
    );
    Ok(RunningServer {
        https_addr,
        metrics_addr,
        advertise_url: config.advertise_url.clone(),
        data_dir: config.data_dir.clone(),
        ca_pem: tls.ca_pem,
        ca_path: tls.ca_path,
        first_start,
        state,
        shutdown: ShutdownHandle(Arc::new(shutdown_tx)),
        done,
    })
}

/// Returns once shutdown was asked for, or every [`ShutdownHandle`] is gone.
async fn stopped(rx: &mut watch::Receiver<bool>) {
    let _ = rx.wait_for(|stop| *stop).await;
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db` for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &url[s + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// Each awake cluster costs the server a pipe and up to 64 pooled connections to its socket, so
/// the soft open-files limit is raised to the hard one.
fn raise_open_files_limit() {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    if let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_NOFILE) {
        if soft < hard {
            if let Err(e) = setrlimit(Resource::RLIMIT_NOFILE, hard, hard) {
                tracing::warn!(error = %e, soft, hard, "cannot raise the open-files limit");
            }
        }
    }
}

fn create_data_dir(dir: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .with_context(|| format!("cannot create the data dir {}", dir.display()))
}

/// The HTTPS routes: REST API, web pages, Kubernetes proxy, health, and a 404 for the rest.
fn app(state: AppState, shutting_down: Arc<AtomicBool>) -> Router {
    let logins = Arc::new(crate::api::accounts::LoginThrottle::new());
    Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route(
            "/readyz",
            get(move |State(state): State<AppState>| {
                let down = shutting_down.load(Ordering::SeqCst);
                async move { readyz(&state, down).await }
            }),
        )
        .merge(crate::api::router_with(logins.clone()))
        .merge(crate::web::router(logins))
        .merge(crate::proxy::router())
        .fallback(not_found)
        .with_state(state)
}

/// Readiness: 503 with a one-line reason while shutting down or when the platform database
/// does not answer a trivial query within [`READY_DB_TIMEOUT`]; 200 `ok` otherwise.
/// `/healthz` stays a liveness check that touches nothing.
async fn readyz(state: &AppState, shutting_down: bool) -> (StatusCode, String) {
    if shutting_down {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "shutting down\n".to_owned(),
        );
    }
    match tokio::time::timeout(READY_DB_TIMEOUT, state.db.ping()).await {
        Ok(Ok(())) => (StatusCode::OK, "ok\n".to_owned()),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness: the platform database failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "platform database unavailable\n".to_owned(),
            )
        }
        Err(_) => {
            tracing::warn!(timeout = ?READY_DB_TIMEOUT, "readiness: the platform database did not answer");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "platform database did not answer within {} s\n",
                    READY_DB_TIMEOUT.as_secs()
                ),
            )
        }
    }
}

async fn not_found(uri: axum::http::Uri) -> Response {
    let body = serde_json::json!({
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": format!("no such path: {}", uri.path()),
    });
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "application/problem+json")],
        body.to_string(),
    )
        .into_response()
}

/// Accepts connections until shutdown, then drains them for [`DRAIN_TIMEOUT`].
async fn serve_https(
    listener: TcpListener,
    acceptor: TlsAcceptor,
    app: Router,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            _ = stopped(&mut shutdown) => break,
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((tcp, peer)) => {
                    conns.spawn(serve_connection(
                        tcp,
                        peer,
                        acceptor.clone(),
                        app.clone(),
                        shutdown.clone(),
                    ));
                }
                Err(e) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
        }
    }
    drop(listener);
    let open = conns.len();
    if open > 0 {
        tracing::info!(open, "waiting for open connections");
    }
    let drained = tokio::time::timeout(DRAIN_TIMEOUT, async {
        while conns.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::info!(
            left = conns.len(),
            "closing connections still open after the grace period"
        );
    }
    conns.shutdown().await;
}

/// Why a connection never got to HTTP.
#[derive(Debug, thiserror::Error)]
enum HandshakeError {
    #[error("closed before the handshake")]
    Closed,
    #[error("plain HTTP on the HTTPS port")]
    PlainHttp,
    #[error("not TLS")]
    NotTls,
    #[error("handshake timed out")]
    Timeout,
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

async fn serve_connection(
    tcp: TcpStream,
    peer: SocketAddr,
    acceptor: TlsAcceptor,
    app: Router,
    mut shutdown: watch::Receiver<bool>,
) {
    let _ = tcp.set_nodelay(true);
    // A connection still handshaking when shutdown starts has no request in flight: drop it.
    let handshaking = tokio::time::timeout(HANDSHAKE_TIMEOUT, handshake(tcp, acceptor));
    let tls = tokio::select! {
        result = handshaking => match result {
            Ok(Ok(tls)) => tls,
            Ok(Err(e)) => {
                tracing::debug!(%peer, error = %e, "tls handshake failed");
                return;
            }
            Err(_) => {
                tracing::debug!(%peer, error = %HandshakeError::Timeout, "tls handshake failed");
                return;
            }
        },
        _ = stopped(&mut shutdown) => return,
    };

    let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
        req.extensions_mut().insert(ConnectInfo(peer));
        let app = app.clone();
        async move {
            let response: Result<Response, Infallible> = app.oneshot(req).await;
            response
        }
    });
    let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(Some(Duration::from_secs(30)))
        .enable_connect_protocol();
    let conn = builder.serve_connection_with_upgrades(TokioIo::new(tls), service);
    tokio::pin!(conn);
    tokio::select! {
        result = conn.as_mut() => {
            if let Err(e) = result {
                tracing::debug!(%peer, error = %e, "connection ended with an error");
            }
        }
        _ = stopped(&mut shutdown) => {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
}

/// Peeks at the first byte: a TLS handshake record goes to rustls; an HTTP request gets a
/// plain-text 400 telling the client to use https, anything else is closed.
async fn handshake(
    tcp: TcpStream,
    acceptor: TlsAcceptor,
) -> Result<tokio_rustls::server::TlsStream<TcpStream>, HandshakeError> {
    let mut first = [0u8; 1];
    if tcp.peek(&mut first).await? == 0 {
        return Err(HandshakeError::Closed);
    }
    if first[0] != 0x16 {
        if first[0].is_ascii_uppercase() {
            refuse_plain_http(tcp).await;
            return Err(HandshakeError::PlainHttp);
        }
        return Err(HandshakeError::NotTls);
    }
    Ok(acceptor.accept(tcp).await?)
}

async fn refuse_plain_http(mut tcp: TcpStream) {
    let body = "this port speaks HTTPS only: use https://\n";
    let response = format!(
        "HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain; charset=utf-8\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    if tcp.write_all(response.as_bytes()).await.is_err() {
        return;
    }
    let _ = tcp.shutdown().await;
    // Read what the client sent so that closing does not reset the connection before it
    // read the answer.
    let mut sink = [0u8; 4096];
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        let mut total = 0usize;
        while let Ok(n) = tcp.read(&mut sink).await {
            total += n;
            if n == 0 || total > 64 * 1024 {
                break;
            }
        }
    })
    .await;
}

/// Plain-HTTP `/metrics` until shutdown.
async fn serve_metrics(
    listener: TcpListener,
    metrics: Arc<Metrics>,
    mut shutdown: watch::Receiver<bool>,
) {
    let app = Router::new()
        .route(
            "/metrics",
            get(move || {
                let text = metrics.render();
                async move {
                    (
                        [(
                            header::CONTENT_TYPE,
                            "text/plain; version=0.0.4; charset=utf-8",
                        )],
                        text,
                    )
                }
            }),
        )
        .route("/healthz", get(|| async { "ok\n" }))
        .fallback(|| async { (StatusCode::NOT_FOUND, "see /metrics\n") });
    let result = axum::serve(listener, app)
        .with_graceful_shutdown(async move { stopped(&mut shutdown).await })
        .await;
    if let Err(e) = result {
        tracing::warn!(error = %e, "metrics server failed");
    }
}

/// Writes audit records to the database in batches until told to stop, then flushes.
async fn audit_writer(
    db: Db,
    mut rx: mpsc::Receiver<AuditRecord>,
    mut stop: oneshot::Receiver<()>,
) {
    let mut batch = Vec::with_capacity(AUDIT_BATCH);
    loop {
        tokio::select! {
            biased;
            n = rx.recv_many(&mut batch, AUDIT_BATCH) => {
                if n == 0 {
                    break;
                }
                write_audit(&db, &mut batch).await;
            }
            _ = &mut stop => {
                while let Ok(record) = rx.try_recv() {
                    batch.push(record);
                    if batch.len() >= AUDIT_BATCH {
                        write_audit(&db, &mut batch).await;
                    }
                }
                break;
            }
        }
    }
    write_audit(&db, &mut batch).await;
}

async fn write_audit(db: &Db, batch: &mut Vec<AuditRecord>) {
    if batch.is_empty() {
        return;
    }
    if let Err(e) = db.insert_audit(batch).await {
        tracing::error!(error = %e, lost = batch.len(), "cannot write audit records");
    }
    batch.clear();
}

/// Ends the OpenTelemetry pipeline (flushing spans) when the server is done.
pub struct TracingGuard {
    provider: Option<opentelemetry_sdk::trace::SdkTracerProvider>,
}

impl TracingGuard {
    /// Flushes and stops the span exporter, if there is one.
    pub async fn shutdown(self) {
        if let Some(provider) = self.provider {
            let _ = tokio::task::spawn_blocking(move || {
                if let Err(e) = provider.shutdown() {
                    eprintln!("kubicle server: flushing traces failed: {e}");
                }
            })
            .await;
        }
    }
}

/// Whether the standard OTEL_* env vars ask for trace export.
fn otlp_configured() -> bool {
    let set = |k: &str| std::env::var(k).is_ok_and(|v| !v.trim().is_empty());
    let disabled = std::env::var("OTEL_SDK_DISABLED").is_ok_and(|v| v.eq_ignore_ascii_case("true"))
        || std::env::var("OTEL_TRACES_EXPORTER").is_ok_and(|v| v.eq_ignore_ascii_case("none"));
    !disabled && (set("OTEL_EXPORTER_OTLP_ENDPOINT") || set("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))
}

/// Logging to stderr filtered by `KUBICLE_LOG` (default `info`), plus OpenTelemetry export
/// over OTLP/HTTP when `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`
/// is set (the other OTEL_* variables apply too). Call it inside the Tokio runtime that
/// runs the server; call [`TracingGuard::shutdown`] at the end to flush spans.
pub fn init_tracing() -> anyhow::Result<TracingGuard> {
    use opentelemetry::trace::TracerProvider as _;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;

    let filter = tracing_subscriber::EnvFilter::try_from_env("KUBICLE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    if !otlp_configured() {
        tracing_subscriber::registry()
            .with(filter)
            .with(fmt)
            .try_init()
            .context("tracing already initialised")?;
        return Ok(TracingGuard { provider: None });
    }

    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .build()
        .context("cannot set up the OTLP span exporter")?;
    let processor =
        opentelemetry_sdk::trace::span_processor_with_async_runtime::BatchSpanProcessor::builder(
            exporter,
            opentelemetry_sdk::runtime::Tokio,
        )
        .build();
    let mut resource = opentelemetry_sdk::Resource::builder();
    if std::env::var_os("OTEL_SERVICE_NAME").is_none() {
        resource = resource.with_service_name("kubicle");
    }
    let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder()
        .with_span_processor(processor)
        .with_resource(resource.build())
        .build();
    opentelemetry::global::set_tracer_provider(provider.clone());
    let tracer = provider.tracer("kubicle");
    tracing_subscriber::registry()
        .with(filter)
        .with(fmt)
        .with(tracing_opentelemetry::layer().with_tracer(tracer))
        .try_init()
        .context("tracing already initialised")?;
    Ok(TracingGuard {
        provider: Some(provider),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_passwords_are_redacted() {
        assert_eq!(
            redact("postgres://kubicle:s3cret@127.0.0.1:5432/k"),
            "postgres://kubicle:***@127.0.0.1:5432/k"
        );
        assert_eq!(redact("sqlite:///x/platform.db"), "sqlite:///x/platform.db");
        assert_eq!(redact("postgres://kubicle@h/k"), "postgres://kubicle@h/k");
    }

    use bytes::Bytes;
    use http_body_util::{BodyExt, Empty, Full};
    use rustls::pki_types::ServerName;

    /// A response as the tests look at it.
    struct Answer {
        version: http::Version,
        status: StatusCode,
        content_type: String,
        body: String,
    }

    /// One HTTPS request on a fresh connection trusting only `ca_pem`, offering `alpn`.
    async fn https(
        addr: SocketAddr,
        ca_pem: &str,
        alpn: &[&[u8]],
        method: &str,
        path: &str,
        body: Option<&str>,
    ) -> anyhow::Result<Answer> {
        let tcp = TcpStream::connect(addr).await?;
        let connector =
            tokio_rustls::TlsConnector::from(Arc::new(tls::client_config(ca_pem, alpn)?));
        let stream = connector
            .connect(ServerName::try_from("localhost")?, tcp)
            .await?;
        let h2 = stream.get_ref().1.alpn_protocol() == Some(b"h2");
        let req = http::Request::builder()
            .method(method)
            .uri(format!("https://localhost:{}{path}", addr.port()))
            .header(header::HOST, format!("localhost:{}", addr.port()))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Full::new(Bytes::from(body.unwrap_or("").to_owned())))?;
        let io = TokioIo::new(stream);
        let response = if h2 {
            let (mut sender, conn) =
                hyper::client::conn::http2::handshake(TokioExecutor::new(), io).await?;
            tokio::spawn(conn);
            sender.send_request(req).await?
        } else {
            let (mut sender, conn) = hyper::client::conn::http1::handshake(io).await?;
            tokio::spawn(conn);
            sender.send_request(req).await?
        };
        let version = response.version();
        let status = response.status();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let body = response.into_body().collect().await?.to_bytes();
        Ok(Answer {
            version,
            status,
            content_type,
            body: String::from_utf8_lossy(&body).into_owned(),
        })
    }

    async fn http_get(addr: SocketAddr, path: &str) -> anyhow::Result<Answer> {
        let tcp = TcpStream::connect(addr).await?;
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tcp)).await?;
        tokio::spawn(conn);
        let req = http::Request::builder()
            .uri(path)
            .header(header::HOST, addr.to_string())
            .body(Empty::<Bytes>::new())?;
        let response = sender.send_request(req).await?;
        let version = response.version();
        let status = response.status();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let body = response.into_body().collect().await?.to_bytes();
        Ok(Answer {
            version,
            status,
            content_type,
            body: String::from_utf8_lossy(&body).into_owned(),
        })
    }

    fn test_config(dir: &Path) -> Config {
        let mut config = Config::with_data_dir(dir);
        config.listen = "127.0.0.1:0".parse().unwrap();
        config.metrics_listen = "127.0.0.1:0".parse().unwrap();
        config.advertise_url = "https://localhost:0".to_owned();
        config
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn serves_https_h2_metrics_and_shuts_down() {
        let dir = tempfile::tempdir().unwrap();
        let server = start(test_config(dir.path())).await.unwrap();
        let addr = server.https_addr;
        let ca = server.ca_pem.clone();
        assert!(server.first_start);
        assert_ne!(addr.port(), 0);
        assert_eq!(
            server.advertise_url,
            format!("https://localhost:{}", addr.port())
        );
        assert_eq!(server.state.config.advertise_url, server.advertise_url);
        assert_eq!(
            server.ca_path.as_deref(),
            Some(dir.path().join("tls/ca.pem").as_path())
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("tls/ca.pem")).unwrap(),
            ca
        );

        // A client that connects and says nothing does not hold up anybody else.
        let _silent = TcpStream::connect(addr).await.unwrap();

        let a = https(addr, &ca, &[b"http/1.1"], "GET", "/healthz", None)
            .await
            .unwrap();
        assert_eq!(
            (a.version, a.status),
            (http::Version::HTTP_11, StatusCode::OK)
        );
        assert_eq!(a.body, "ok\n");
        let a = https(addr, &ca, &[b"h2", b"http/1.1"], "GET", "/healthz", None)
            .await
            .unwrap();
        assert_eq!(
            (a.version, a.status),
            (http::Version::HTTP_2, StatusCode::OK)
        );
        let a = https(addr, &ca, &[], "GET", "/readyz", None).await.unwrap();
        assert_eq!(a.status, StatusCode::OK);

        let a = https(addr, &ca, &[b"h2"], "GET", "/no/such/thing", None)
            .await
            .unwrap();
        assert_eq!(a.status, StatusCode::NOT_FOUND);
        assert_eq!(a.content_type, "application/problem+json");
        let problem: serde_json::Value = serde_json::from_str(&a.body).unwrap();
        assert_eq!(problem["status"], 404);

        // The REST API is mounted, and its handlers get the client address (login throttling
        // extracts ConnectInfo; without it this would be a 500).
        let a = https(addr, &ca, &[b"h2"], "GET", "/api/v1/openapi.json", None)
            .await
            .unwrap();
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        let a = https(
            addr,
            &ca,
            &[b"http/1.1"],
            "POST",
            "/api/v1/login",
            Some(r#"{"email":"nobody@example.com","password":"wrong-password"}"#),
        )
        .await
        .unwrap();
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{}", a.body);
        // The Kubernetes proxy is mounted: an unknown cluster is 401, never 404.
        let a = https(
            addr,
            &ca,
            &[b"h2"],
            "GET",
            "/k8s/cxxxxxxxxxxxxxxxxxxxx/api",
            None,
        )
        .await
        .unwrap();
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{}", a.body);

        // A client that trusts another CA refuses the server.
        let other = tempfile::tempdir().unwrap();
        let other_ca = tls::ensure_generated(other.path(), &tls::server_sans("localhost"))
            .unwrap()
            .ca_pem;
        assert!(
            https(addr, &other_ca, &[], "GET", "/healthz", None)
                .await
                .is_err()
        );

        // Plain HTTP on the TLS port gets a clear 400, then the connection closes.
        let mut tcp = TcpStream::connect(addr).await.unwrap();
        tcp.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
            .await
            .unwrap();
        let mut answer = String::new();
        tokio::time::timeout(Duration::from_secs(5), tcp.read_to_string(&mut answer))
            .await
            .expect("the server closes the connection")
            .unwrap();
        assert!(
            answer.starts_with("HTTP/1.1 400 Bad Request\r\n"),
            "{answer}"
        );
        assert!(answer.contains("HTTPS"), "{answer}");
        // Garbage that is neither TLS nor HTTP is just closed.
        let mut tcp = TcpStream::connect(addr).await.unwrap();
        tcp.write_all(&[0u8, 1, 2, 3]).await.unwrap();
        let mut rest = Vec::new();
        let n = tokio::time::timeout(Duration::from_secs(5), tcp.read_to_end(&mut rest))
            .await
            .expect("closed")
            .unwrap_or(0);
        assert_eq!(n, 0);

        // Metrics: plain HTTP on their own port, with the REST requests above counted.
        let m = http_get(server.metrics_addr, "/metrics").await.unwrap();
        assert_eq!(m.status, StatusCode::OK);
        assert_eq!(m.content_type, "text/plain; version=0.0.4; charset=utf-8");
        assert!(
            m.body.contains("kubicle_control_planes{state=\"awake\"} 0"),
            "{}",
            m.body
        );
        assert!(
            m.body
                .contains("kubicle_requests_total{cluster=\"\",method=\"POST\",code=\"401\"} 1"),
            "{}",
            m.body
        );
        assert!(m.body.contains("process_resident_memory_bytes"));

        // Shutdown completes and the ports close.
        let metrics_addr = server.metrics_addr;
        // The silent connection is still handshaking: it must not hold up the shutdown.
        let t = std::time::Instant::now();
        tokio::time::timeout(Duration::from_secs(20), server.shutdown())
            .await
            .expect("shutdown finishes")
            .unwrap();
        assert!(
            t.elapsed() < DRAIN_TIMEOUT,
            "shutdown took {:?}",
            t.elapsed()
        );
        assert!(TcpStream::connect(addr).await.is_err());
        assert!(TcpStream::connect(metrics_addr).await.is_err());

        // A second start keeps the CA and is not a first start.
        let again = start(test_config(dir.path())).await.unwrap();
        assert!(!again.first_start);
        assert_eq!(again.ca_pem, ca);
        let a = https(again.https_addr, &ca, &[b"h2"], "GET", "/healthz", None)
            .await
            .unwrap();
        assert_eq!(a.status, StatusCode::OK);
        again.shutdown().await.unwrap();
    }

    /// `/readyz` asks the platform database: while another connection holds SQLite's write
    /// lock (a stuck writer, a `sqlite3` shell left in a transaction), it answers 503 with the
    /// reason within its timeout; `/healthz` does not care. Once the lock is gone, 200.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn readyz_fails_while_the_platform_database_does_not_answer() {
        use sqlx::{Connection, Executor};
        let dir = tempfile::tempdir().unwrap();
        let server = start(test_config(dir.path())).await.unwrap();
        let (addr, ca) = (server.https_addr, server.ca_pem.clone());
        let a = https(addr, &ca, &[], "GET", "/readyz", None).await.unwrap();
        assert_eq!((a.status, a.body.as_str()), (StatusCode::OK, "ok\n"));

        let url = format!("sqlite://{}", dir.path().join("platform.db").display());
        let mut blocker = sqlx::AnyConnection::connect(&url).await.unwrap();
        blocker.execute("BEGIN IMMEDIATE").await.unwrap();

        let t = std::time::Instant::now();
        let a = https(addr, &ca, &[], "GET", "/readyz", None).await.unwrap();
        let took = t.elapsed();
        assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE, "{}", a.body);
        assert_eq!(a.body, "platform database did not answer within 2 s\n");
        assert!(
            took >= READY_DB_TIMEOUT && took < READY_DB_TIMEOUT + Duration::from_secs(2),
            "answered after {took:?}"
        );
        let a = https(addr, &ca, &[], "GET", "/healthz", None)
            .await
            .unwrap();
        assert_eq!(
            a.status,
            StatusCode::OK,
            "liveness does not depend on the database"
        );

        blocker.execute("COMMIT").await.unwrap();
        blocker.close().await.unwrap();
        let mut last = None;
        for _ in 0..100 {
            let a = https(addr, &ca, &[], "GET", "/readyz", None).await.unwrap();
            if a.status == StatusCode::OK {
                last = None;
                break;
            }
            last = Some((a.status, a.body));
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(last, None, "still not ready after the lock was released");

        // A database that is gone for good (its pool closed) is reported at once.
        server.state.db.close().await;
        let a = https(addr, &ca, &[], "GET", "/readyz", None).await.unwrap();
        assert_eq!(
            (a.status, a.body.as_str()),
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "platform database unavailable\n"
            )
        );
        server.shutdown().await.unwrap();
    }

    #[tokio::test]
    async fn non_loopback_metrics_are_refused_without_the_setting() {
        let dir = tempfile::tempdir().unwrap();
        let mut config = test_config(dir.path());
        config.metrics_listen = "0.0.0.0:0".parse().unwrap();
        let err = start(config).await.err().expect("refused");
        assert!(err.to_string().contains("metrics-listen"), "{err}");
    }

    /// With OTEL_EXPORTER_OTLP_ENDPOINT set, spans (with the cluster and account fields the
    /// handlers record) reach an OTLP/HTTP collector. The tracing set-up is process-global
    /// and env vars need `unsafe` to set, so the exporting half runs in a child process.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn spans_are_exported_over_otlp_http() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, mut rx) = mpsc::unbounded_channel::<(String, Bytes)>();
        let collector = Router::new().fallback(move |req: axum::extract::Request| {
            let tx = tx.clone();
            async move {
                let path = req.uri().path().to_owned();
                let body = axum::body::to_bytes(req.into_body(), 1 << 20)
                    .await
                    .unwrap_or_default();
                let _ = tx.send((path, body));
                StatusCode::OK
            }
        });
        tokio::spawn(async move { axum::serve(listener, collector).await });

        let out = tokio::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "server::tests::otlp_child", "--nocapture"])
            .env("KUBICLE_OTLP_CHILD", "1")
            .env("OTEL_EXPORTER_OTLP_ENDPOINT", format!("http://{addr}"))
            .env_remove("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
            .env_remove("OTEL_SDK_DISABLED")
            .env_remove("OTEL_TRACES_EXPORTER")
            .output()
            .await
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("otlp child done"),
            "{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );

        let (path, mut body) = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .expect("an export arrived")
            .unwrap();
        assert_eq!(path, "/v1/traces");
        // Spans may come in more than one export.
        while let Ok(Some((_, more))) =
            tokio::time::timeout(Duration::from_millis(500), rx.recv()).await
        {
            body = [body, more].concat().into();
        }
        let has = |needle: &[u8]| body.windows(needle.len()).any(|w| w == needle);
        assert!(has(b"cexportedcluster0000000"), "cluster id attribute");
        assert!(has(b"aexportedaccount0000000"), "account id attribute");
        assert!(has(b"kubicle"), "service name");
        // The REST request's span continued the client's trace (ids travel as raw bytes).
        assert!(has(b"/api/v1/openapi.json"), "the REST request's span");
        assert!(has(CLIENT_TRACE_ID), "the client's trace id");
        assert!(has(CLIENT_SPAN_ID), "the client's span as the parent");
    }

    /// The trace and span ids the OTLP child sends in `traceparent` (as text, for a search in
    /// the binary export).
    const CLIENT_TRACE_ID: &[u8; 16] = b"kubicle-trace-id";
    const CLIENT_SPAN_ID: &[u8; 8] = b"parentid";

    /// The child half of the test above; does nothing unless started by it.
    #[test]
    fn otlp_child() {
        if std::env::var_os("KUBICLE_OTLP_CHILD").is_none() {
            return;
        }
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let guard = init_tracing().unwrap();
            let span = tracing::info_span!(
                "api",
                cluster = tracing::field::Empty,
                account = tracing::field::Empty
            );
            span.record("cluster", "cexportedcluster0000000");
            span.in_scope(|| {
                tracing::Span::current().record("account", "aexportedaccount0000000");
                tracing::info!("inside");
            });
            drop(span);

            // A REST request carrying a client's W3C trace context.
            let dir = tempfile::tempdir().unwrap();
            let server = start(test_config(dir.path())).await.unwrap();
            let traceparent = format!(
                "00-{}-{}-01",
                hex::encode(CLIENT_TRACE_ID),
                hex::encode(CLIENT_SPAN_ID)
            );
            let tcp = TcpStream::connect(server.https_addr).await.unwrap();
            let connector = tokio_rustls::TlsConnector::from(Arc::new(
                tls::client_config(&server.ca_pem, &[b"http/1.1"]).unwrap(),
            ));
            let stream = connector
                .connect(ServerName::try_from("localhost").unwrap(), tcp)
                .await
                .unwrap();
            let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
                .await
                .unwrap();
            tokio::spawn(conn);
            let req = http::Request::builder()
                .uri("/api/v1/openapi.json")
                .header(header::HOST, "localhost")
                .header("traceparent", traceparent)
                .body(Empty::<Bytes>::new())
                .unwrap();
            let status = sender.send_request(req).await.unwrap().status();
            assert_eq!(status, StatusCode::OK);
            server.shutdown().await.unwrap();
            guard.shutdown().await;
        });
        println!("otlp child done");
    }

    #[test]
    fn paths_are_quoted_for_the_shell_when_needed() {
        assert_eq!(shell_quote(Path::new("/a/b.pem")), "/a/b.pem");
        assert_eq!(shell_quote(Path::new("/a b/it's")), "'/a b/it'\\''s'");
    }
}
