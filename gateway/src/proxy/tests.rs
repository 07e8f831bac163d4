//! The forwarding core against a real upstream HTTP server on a Unix socket, and a real
//! frontend HTTP server where a test needs the client side of a connection (upgrades,
//! chunks reaching a client as they are produced).

use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use bytes::Bytes;
use http::{HeaderValue, StatusCode, header};
use http_body_util::BodyExt;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, UnixListener};
use tokio::sync::{Mutex, mpsc};
use tokio::task::{JoinHandle, JoinSet};

use super::*;
use crate::ids::AccountId;

// ---------------------------------------------------------------------------------------------
// upstream: a stand-in control plane on a Unix socket

#[derive(Clone, Default)]
struct UpstreamState {
    chunks: Arc<Mutex<Option<mpsc::Receiver<Bytes>>>>,
}

struct Upstream {
    accepted: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl Drop for Upstream {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn upstream_app(state: UpstreamState) -> Router {
    Router::new()
        .route("/headers", get(echo_headers))
        .route("/plain", get(|| async { "ok" }))
        .route("/empty", get(|| async { StatusCode::NO_CONTENT }))
        .route("/stream", get(stream_chunks))
        .route("/slow", get(slow))
        .route("/stall-body", get(stall_body))
        .route("/upload", post(upload))
        .route("/upgrade", get(upgrade).post(upgrade))
        .with_state(state)
}

/// Serves `upstream_app` on `path` with hyper, counting accepted connections. Dropping the
/// returned value closes the listener and every connection.
async fn start_upstream(path: &Path, state: UpstreamState) -> Upstream {
    let _ = std::fs::remove_file(path);
    let listener = UnixListener::bind(path).unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    let app = upstream_app(state);
    let task = tokio::spawn(async move {
        let mut conns = JoinSet::new();
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            count.fetch_add(1, Ordering::SeqCst);
            let svc = TowerToHyperService::new(app.clone());
            conns.spawn(async move {
                let _ = auto::Builder::new(TokioExecutor::new())
                    .serve_connection_with_upgrades(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    Upstream { accepted, task }
}

async fn echo_headers(req: Request) -> impl IntoResponse {
    let mut map = serde_json::Map::new();
    for name in req.headers().keys() {
        let values: Vec<serde_json::Value> = req
            .headers()
            .get_all(name)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned().into())
            .collect();
        map.insert(name.as_str().to_owned(), values.into());
    }
    map.insert(":uri".into(), req.uri().to_string().into());
    map.insert(":version".into(), format!("{:?}", req.version()).into());
    axum::Json(serde_json::Value::Object(map))
}

async fn stream_chunks(State(st): State<UpstreamState>) -> Response {
    let rx = st.chunks.lock().await.take().expect("one stream per test");
    let stream = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|b| (Ok::<_, Infallible>(b), rx))
    });
    Body::from_stream(stream).into_response()
}

async fn slow(req: Request) -> &'static str {
    let ms = req
        .uri()
        .query()
        .and_then(|q| q.strip_prefix("ms="))
        .and_then(|v| v.split('&').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    tokio::time::sleep(Duration::from_millis(ms)).await;
    "late"
}

async fn stall_body() -> Response {
    let stream = futures::stream::unfold(0, |n| async move {
        if n > 0 {
            tokio::time::sleep(Duration::from_secs(30)).await;
        }
        Some((Ok::<_, Infallible>(Bytes::from_static(b"first\n")), n + 1))
    });
    Body::from_stream(stream).into_response()
}

async fn upload(req: Request) -> String {
    let body = axum::body::to_bytes(req.into_body(), usize::MAX)
        .await
        .unwrap();
    body.len().to_string()
}

/// Answers 101 and echoes every byte on the upgraded connection.
async fn upgrade(mut req: Request) -> Response {
    let on = hyper::upgrade::on(&mut req);
    let proto = req.headers()[header::UPGRADE].clone();
    tokio::spawn(async move {
        let Ok(upgraded) = on.await else { return };
        let mut io = TokioIo::new(upgraded);
        let mut buf = [0u8; 1024];
        loop {
            match io.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => {
                    if io.write_all(&buf[..n]).await.is_err() {
                        return;
                    }
                }
            }
        }
    });
    Response::builder()
        .status(StatusCode::SWITCHING_PROTOCOLS)
        .header(header::CONNECTION, "Upgrade")
        .header(header::UPGRADE, proto)
        .header("x-stream-protocol-version", "v4.channel.k8s.io")
        .body(Body::empty())
        .unwrap()
}

// ---------------------------------------------------------------------------------------------
// helpers

struct Fixture {
    _dir: tempfile::TempDir,
    socket: PathBuf,
    pool: Arc<ConnPool>,
    identity: ForwardIdentity,
    account: AccountId,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("api.sock");
    let account = AccountId::new_random();
    Fixture {
        _dir: dir,
        socket,
        pool: Arc::new(ConnPool::default()),
        identity: ForwardIdentity::new("alice@example.com", &account).unwrap(),
        account,
    }
}

fn get_req(uri: &str) -> Request {
    Request::get(uri).body(Body::empty()).unwrap()
}

async fn body_string(resp: Response) -> String {
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8(bytes.to_vec()).unwrap()
}

async fn status_reason(resp: Response) -> String {
    let v: serde_json::Value = serde_json::from_str(&body_string(resp).await).unwrap();
    assert_eq!(v["kind"], "Status");
    v["reason"].as_str().unwrap().to_owned()
}

/// A frontend HTTP server on loopback whose every request is forwarded to `f.socket`.
async fn start_frontend(
    f: &Fixture,
    opts: ForwardOptions,
) -> (std::net::SocketAddr, JoinHandle<()>) {
    let pool = f.pool.clone();
    let socket = f.socket.clone();
    let identity = f.identity.clone();
    let opts = Arc::new(opts);
    let app = Router::new().fallback(move |req: Request| {
        let (pool, socket, identity, opts) =
            (pool.clone(), socket.clone(), identity.clone(), opts.clone());
        async move { forward(&pool, &socket, req, &identity, &opts).await }
    });
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (addr, task)
}

async fn client(addr: std::net::SocketAddr) -> hyper::client::conn::http1::SendRequest<Body> {
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (tx, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(conn.with_upgrades());
    tx
}

// ---------------------------------------------------------------------------------------------
// tests

#[tokio::test]
async fn identity_headers_are_set_and_spoofed_ones_stripped() {
    let f = fixture();
    let _up = start_upstream(&f.socket, UpstreamState::default()).await;
    let req = Request::get("/headers?labelSelector=a%3Db&watch=false")
        .header(header::AUTHORIZATION, "Bearer secret-token")
        .header("X-Remote-User", "system:admin")
        .header("X-Remote-Group", "system:masters")
        .header("X-Remote-Extra-Account", "a00000000000000000000")
        .header("X-Remote-Extra-Scopes", "all")
        .header("Impersonate-User", "root")
        .header("Impersonate-Group", "system:masters")
        .header("Impersonate-Extra-Foo", "bar")
        .header(header::CONNECTION, "keep-alive, x-hop")
        .header("x-hop", "1")
        .header("keep-alive", "timeout=5")
        .header(header::PROXY_AUTHORIZATION, "Basic eA==")
        .header(header::TE, "trailers")
        .header(
            header::ACCEPT,
            "application/json;as=Table;v=v1;g=meta.k8s.io",
        )
        .header("x-kept", "yes")
        .body(Body::empty())
        .unwrap();
    let resp = forward(
        &f.pool,
        &f.socket,
        req,
        &f.identity,
        &ForwardOptions::default(),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&body_string(resp).await).unwrap();
    let headers = v.as_object().unwrap();
    assert_eq!(v["x-remote-user"], serde_json::json!(["alice@example.com"]));
    assert_eq!(
        v["x-remote-group"],
        serde_json::json!(["system:authenticated"])
    );
    assert_eq!(
        v["x-remote-extra-account"],
        serde_json::json!([f.account.as_str()])
    );
    for gone in [
        "authorization",
        "x-remote-extra-scopes",
        "impersonate-user",
        "impersonate-group",
        "impersonate-extra-foo",
        "connection",
        "x-hop",
        "keep-alive",
        "proxy-authorization",
        "te",
    ] {
        assert!(!headers.contains_key(gone), "{gone} reached upstream: {v}");
    }
    assert_eq!(
        v["accept"],
        serde_json::json!(["application/json;as=Table;v=v1;g=meta.k8s.io"])
    );
    assert_eq!(v["x-kept"], serde_json::json!(["yes"]));
    assert!(headers.contains_key("host"));
    assert_eq!(v[":uri"], "/headers?labelSelector=a%3Db&watch=false");
    assert_eq!(v[":version"], "HTTP/1.1");
}

#[tokio::test]
async fn http2_requests_go_upstream_as_http1_with_origin_form() {
    let f = fixture();
    let _up = start_upstream(&f.socket, UpstreamState::default()).await;
    let req = Request::get("https://gw.example:8443/headers?x=1")
        .version(http::Version::HTTP_2)
        .body(Body::empty())
        .unwrap();
    let resp = forward(
        &f.pool,
        &f.socket,
        req,
        &f.identity,
        &ForwardOptions::default(),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&body_string(resp).await).unwrap();
    assert_eq!(v[":uri"], "/headers?x=1");
    assert_eq!(v[":version"], "HTTP/1.1");
}

#[tokio::test]
async fn response_chunks_reach_the_client_as_they_are_produced() {
    let f = fixture();
    let (tx, rx) = mpsc::channel(4);
    let state = UpstreamState {
        chunks: Arc::new(Mutex::new(Some(rx))),
    };
    let _up = start_upstream(&f.socket, state).await;
    let (addr, _front) = start_frontend(&f, ForwardOptions::default()).await;
    let mut c = client(addr).await;
    let resp = c
        .send_request(
            Request::get("/stream?watch=true")
                .header(header::HOST, "x")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let mut body = resp.into_body();
    for i in 0..3 {
        let event = format!("{{\"type\":\"ADDED\",\"n\":{i}}}\n");
        tx.send(Bytes::from(event.clone())).await.unwrap();
        // The next chunk is not produced until this one arrived: nothing may wait for more.
        let frame = tokio::time::timeout(Duration::from_secs(5), body.frame())
            .await
            .expect("chunk arrives without the stream ending")
            .unwrap()
            .unwrap();
        assert_eq!(frame.into_data().unwrap(), Bytes::from(event));
    }
    drop(tx);
    let end = tokio::time::timeout(Duration::from_secs(5), body.frame())
        .await
        .unwrap();
    assert!(end.is_none(), "stream ends when upstream ends");
}

#[tokio::test]
async fn declared_body_over_the_limit_is_413_without_contacting_upstream() {
    let f = fixture();
    let up = start_upstream(&f.socket, UpstreamState::default()).await;
    let opts = ForwardOptions {
        body_limit: 1024,
        ..Default::default()
    };
    let req = Request::post("/upload")
        .header(header::CONTENT_LENGTH, "1025")
        .body(Body::from(vec![b'x'; 1025]))
        .unwrap();
    let resp = forward(&f.pool, &f.socket, req, &f.identity, &opts).await;
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(status_reason(resp).await, "RequestEntityTooLarge");
    assert_eq!(up.accepted.load(Ordering::SeqCst), 0);

    // The real default limit is 3 MiB.
    let req = Request::post("/upload")
        .header(header::CONTENT_LENGTH, (BODY_LIMIT + 1).to_string())
        .body(Body::empty())
        .unwrap();
    let resp = forward(
        &f.pool,
        &f.socket,
        req,
        &f.identity,
        &ForwardOptions::default(),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

fn chunked_body(chunks: usize, size: usize) -> Body {
    let stream = futures::stream::iter(
        (0..chunks).map(move |_| Ok::<_, Infallible>(Bytes::from(vec![b'y'; size]))),
    );
    Body::from_stream(stream)
}

#[tokio::test]
async fn streamed_body_over_the_limit_is_413_and_within_it_passes() {
    let f = fixture();
    let _up = start_upstream(&f.socket, UpstreamState::default()).await;
    let opts = ForwardOptions {
        body_limit: 4096,
        ..Default::default()
    };
    // No Content-Length: the limit holds on the stream.
    let req = Request::post("/upload")
        .body(chunked_body(8, 1000))
        .unwrap();
    assert!(req.headers().get(header::CONTENT_LENGTH).is_none());
    let resp = forward(&f.pool, &f.socket, req, &f.identity, &opts).await;
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(status_reason(resp).await, "RequestEntityTooLarge");

    let req = Request::post("/upload")
        .body(chunked_body(4, 1024))
        .unwrap();
    let resp = forward(&f.pool, &f.socket, req, &f.identity, &opts).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(body_string(resp).await, "4096");
}

#[tokio::test]
async fn streamed_body_limit_holds_through_a_real_server() {
    let f = fixture();
    let _up = start_upstream(&f.socket, UpstreamState::default()).await;
    let (addr, _front) = start_frontend(
        &f,
        ForwardOptions {
            body_limit: 64 * 1024,
            ..Default::default()
        },
    )
    .await;
    let mut c = client(addr).await;
    let resp = c
        .send_request(
            Request::post("/upload")
                .header(header::HOST, "x")
                .body(chunked_body(100, 1024))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn short_requests_time_out_with_504_and_watches_do_not() {
    let f = fixture();
    let _up = start_upstream(&f.socket, UpstreamState::default()).await;
    let opts = ForwardOptions {
        timeout: Duration::from_millis(200),
        ..Default::default()
    };
    let started = std::time::Instant::now();
    let resp = forward(&f.pool, &f.socket, get_req("/slow"), &f.identity, &opts).await;
    assert_eq!(resp.status(), StatusCode::GATEWAY_TIMEOUT);
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(status_reason(resp).await, "Timeout");

    let resp = forward(
        &f.pool,
        &f.socket,
        get_req("/slow?ms=600&watch=true"),
        &f.identity,
        &opts,
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(body_string(resp).await, "late");

    // A body that stalls past the deadline is cut off.
    let resp = forward(
        &f.pool,
        &f.socket,
        get_req("/stall-body"),
        &f.identity,
        &opts,
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let started = std::time::Instant::now();
    assert!(resp.into_body().collect().await.is_err());
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn upgrades_are_spliced_both_ways() {
    let f = fixture();
    let _up = start_upstream(&f.socket, UpstreamState::default()).await;
    let (addr, _front) = start_frontend(&f, ForwardOptions::default()).await;
    for proto in ["SPDY/3.1", "websocket"] {
        let mut c = client(addr).await;
        let mut resp = c
            .send_request(
                Request::post("/upgrade")
                    .header(header::HOST, "x")
                    .header(header::CONNECTION, "Upgrade")
                    .header(header::UPGRADE, proto)
                    .header("X-Stream-Protocol-Version", "v4.channel.k8s.io")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::SWITCHING_PROTOCOLS);
        assert_eq!(resp.headers()[header::UPGRADE], proto);
        assert_eq!(
            resp.headers()["x-stream-protocol-version"],
            "v4.channel.k8s.io"
        );
        let upgraded = hyper::upgrade::on(&mut resp).await.unwrap();
        let mut io = TokioIo::new(upgraded);
        for msg in [&b"hello"[..], b"\x00stdin bytes", b"bye"] {
            io.write_all(msg).await.unwrap();
            let mut buf = vec![0u8; msg.len()];
            tokio::time::timeout(Duration::from_secs(5), io.read_exact(&mut buf))
                .await
                .unwrap()
                .unwrap();
            assert_eq!(buf, msg);
        }
    }
}

#[tokio::test]
async fn upstream_refusing_the_upgrade_is_answered_as_is() {
    let f = fixture();
    let _up = start_upstream(&f.socket, UpstreamState::default()).await;
    let (addr, _front) = start_frontend(&f, ForwardOptions::default()).await;
    let mut c = client(addr).await;
    let resp = c
        .send_request(
            Request::get("/plain")
                .header(header::HOST, "x")
                .header(header::CONNECTION, "Upgrade")
                .header(header::UPGRADE, "websocket")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&body[..], b"ok");
}

#[tokio::test]
async fn connections_are_reused_once_responses_are_read() {
    let f = fixture();
    let up = start_upstream(&f.socket, UpstreamState::default()).await;
    let opts = ForwardOptions::default();
    for path in ["/plain", "/headers", "/empty", "/plain", "/plain"] {
        let resp = forward(&f.pool, &f.socket, get_req(path), &f.identity, &opts).await;
        assert!(resp.status().is_success());
        resp.into_body().collect().await.unwrap();
    }
    // An empty body the caller never polls still frees the connection.
    let resp = forward(&f.pool, &f.socket, get_req("/empty"), &f.identity, &opts).await;
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    drop(resp);
    let resp = forward(&f.pool, &f.socket, get_req("/plain"), &f.identity, &opts).await;
    body_string(resp).await;
    assert_eq!(
        up.accepted.load(Ordering::SeqCst),
        1,
        "one connection for all"
    );
    assert_eq!(f.pool.idle_count(&f.socket), 1);

    // Concurrent requests open more connections; a few stay idle afterwards.
    let reqs = (0..4).map(|_| {
        let f = &f;
        let opts = &opts;
        async move {
            let resp = forward(
                &f.pool,
                &f.socket,
                get_req("/slow?ms=100"),
                &f.identity,
                opts,
            )
            .await;
            body_string(resp).await
        }
    });
    for body in futures::future::join_all(reqs).await {
        assert_eq!(body, "late");
    }
    assert_eq!(up.accepted.load(Ordering::SeqCst), 4);
    assert_eq!(f.pool.idle_count(&f.socket), 4);

    // A response dropped half-read does not give its connection back.
    let (tx, rx) = mpsc::channel(1);
    let up2_state = UpstreamState {
        chunks: Arc::new(Mutex::new(Some(rx))),
    };
    drop(up);
    // Let the pooled connections see their peer go.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let up = start_upstream(&f.socket, up2_state).await;
    let resp = forward(&f.pool, &f.socket, get_req("/stream"), &f.identity, &opts).await;
    assert_eq!(resp.status(), StatusCode::OK);
    tx.send(Bytes::from_static(b"partial")).await.unwrap();
    let mut body = resp.into_body();
    body.frame().await.unwrap().unwrap();
    drop(body);
    let resp = forward(&f.pool, &f.socket, get_req("/plain"), &f.identity, &opts).await;
    assert_eq!(body_string(resp).await, "ok");
    assert_eq!(up.accepted.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn upstream_gone_is_503_and_a_restarted_one_is_found_again() {
    let f = fixture();
    let opts = ForwardOptions::default();
    // Nothing listening.
    let resp = forward(&f.pool, &f.socket, get_req("/plain"), &f.identity, &opts).await;
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(resp.headers()[header::RETRY_AFTER], "1");
    assert_eq!(status_reason(resp).await, "ServiceUnavailable");

    let up = start_upstream(&f.socket, UpstreamState::default()).await;
    let resp = forward(&f.pool, &f.socket, get_req("/plain"), &f.identity, &opts).await;
    assert_eq!(body_string(resp).await, "ok");
    assert_eq!(f.pool.idle_count(&f.socket), 1);

    // The control plane dies (its pooled connection with it) and comes back on the same path.
    drop(up);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let resp = forward(&f.pool, &f.socket, get_req("/plain"), &f.identity, &opts).await;
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
    let up = start_upstream(&f.socket, UpstreamState::default()).await;
    let resp = forward(&f.pool, &f.socket, get_req("/plain"), &f.identity, &opts).await;
    assert_eq!(body_string(resp).await, "ok");
    assert_eq!(up.accepted.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn upstream_dying_mid_request_is_502() {
    let f = fixture();
    let _ = std::fs::remove_file(&f.socket);
    let listener = UnixListener::bind(&f.socket).unwrap();
    // Reads the request, then closes without answering.
    let task = tokio::spawn(async move {
        let (mut s, _) = listener.accept().await.unwrap();
        let mut buf = [0u8; 4096];
        let _ = s.read(&mut buf).await;
    });
    let resp = forward(
        &f.pool,
        &f.socket,
        get_req("/plain"),
        &f.identity,
        &ForwardOptions::default(),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::BAD_GATEWAY);
    task.await.unwrap();
}

/// A guard that says when it was dropped.
struct Flag(PathBuf, Arc<AtomicBool>);

impl AsRef<Path> for Flag {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Flag {
    fn drop(&mut self) {
        self.1.store(true, Ordering::SeqCst);
    }
}

#[tokio::test]
async fn the_guard_lives_until_the_streamed_body_ends() {
    let f = fixture();
    let (tx, rx) = mpsc::channel(1);
    let state = UpstreamState {
        chunks: Arc::new(Mutex::new(Some(rx))),
    };
    let _up = start_upstream(&f.socket, state).await;
    let dropped = Arc::new(AtomicBool::new(false));
    let guard = Flag(f.socket.clone(), dropped.clone());
    let resp = forward_with(
        &f.pool,
        get_req("/stream?watch=1"),
        &f.identity,
        &ForwardOptions::default(),
        RequestKind::Watch,
        guard,
    )
    .await;
    let mut body = resp.into_body();
    tx.send(Bytes::from_static(b"e1\n")).await.unwrap();
    body.frame().await.unwrap().unwrap();
    assert!(!dropped.load(Ordering::SeqCst), "held while streaming");
    drop(tx);
    assert!(body.frame().await.is_none());
    assert!(dropped.load(Ordering::SeqCst), "released at the end");

    // Errors release at once.
    let dropped = Arc::new(AtomicBool::new(false));
    let guard = Flag(f.socket.with_extension("missing"), dropped.clone());
    let resp = forward_with(
        &f.pool,
        get_req("/plain"),
        &f.identity,
        &ForwardOptions::default(),
        RequestKind::Short,
        guard,
    )
    .await;
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(dropped.load(Ordering::SeqCst));
}

#[test]
fn paths_split_into_cluster_and_rest() {
    assert_eq!(
        split_path("/k8s/c1/api/v1/pods"),
        Some(("c1", "/api/v1/pods"))
    );
    assert_eq!(split_path("/k8s/c1"), Some(("c1", "/")));
    assert_eq!(split_path("/k8s/c1/"), Some(("c1", "/")));
    assert_eq!(split_path("/api/v1"), None);
    assert_eq!(
        upstream_uri("/api/v1/pods", Some("watch=1")).unwrap(),
        "/api/v1/pods?watch=1"
    );
    assert_eq!(upstream_uri("/version/", None).unwrap(), "/version/");
}

#[test]
fn bearer_tokens_are_read_case_insensitively() {
    let mut h = http::HeaderMap::new();
    assert_eq!(bearer(&h), None);
    h.insert(
        header::AUTHORIZATION,
        HeaderValue::from_static("Bearer abc.def"),
    );
    assert_eq!(bearer(&h), Some("abc.def"));
    h.insert(
        header::AUTHORIZATION,
        HeaderValue::from_static("bearer  abc"),
    );
    assert_eq!(bearer(&h), Some("abc"));
    h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
    assert_eq!(bearer(&h), None);
    h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer "));
    assert_eq!(bearer(&h), None);
}

#[test]
fn the_router_builds() {
    let _: Router<crate::state::AppState> = router();
}
