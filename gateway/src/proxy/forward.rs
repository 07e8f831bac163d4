//! The forwarding core: one request, already authenticated and admitted, sent to a control
//! plane's Unix socket and its answer streamed back. It owns header rewriting (hop-by-hop,
//! credentials and identity headers), the streamed request-body limit, the timeout of short
//! requests, upstream connection reuse and the splice of upgraded connections. It knows
//! nothing about accounts, limits or the supervisor: whatever must live as long as the
//! response (a lease, a permit) is handed in as a guard and dropped when the response ends.

use std::error::Error as _;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use axum::body::Body;
use axum::response::Response;
use bytes::Bytes;
use http::header::{self, HeaderName};
use http::uri::PathAndQuery;
use http::{HeaderMap, HeaderValue, Request, StatusCode, Uri, Version};
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use hyper::upgrade::OnUpgrade;
use hyper_util::rt::TokioIo;
use tokio::time::{Instant, Sleep};

use super::classify::{RequestKind, classify};
use super::pool::{ConnPool, Sender, SocketPool, connect};
use super::status;
use crate::ids::AccountId;

/// The largest request body forwarded: 3 MiB, as the control plane's own limit.
pub const BODY_LIMIT: u64 = 3 * 1024 * 1024;

/// Limits of one forwarded request.
#[derive(Clone, Debug)]
pub struct ForwardOptions {
    /// Request bodies larger than this are refused with 413, streamed or not.
    pub body_limit: u64,
    /// Short requests (not watches, followed logs or upgrades) must be answered within this,
    /// body included, or they end with 504 (before the headers) or an aborted body (after).
    pub timeout: Duration,
}

impl Default for ForwardOptions {
    fn default() -> Self {
        Self {
            body_limit: BODY_LIMIT,
            timeout: Duration::from_secs(60),
        }
    }
}

/// Who the control plane is told the caller is (the trusted `X-Remote-*` headers).
#[derive(Clone, Debug)]
pub struct ForwardIdentity {
    user: HeaderValue,
    account: HeaderValue,
}

impl ForwardIdentity {
    /// `user` is the account's email; fails only if it cannot be a header value.
    pub fn new(user: &str, account: &AccountId) -> Result<Self, http::header::InvalidHeaderValue> {
        Ok(Self {
            user: HeaderValue::from_bytes(user.as_bytes())?,
            account: HeaderValue::from_str(account.as_str())?,
        })
    }
}

static X_REMOTE_USER: HeaderName = HeaderName::from_static("x-remote-user");
static X_REMOTE_GROUP: HeaderName = HeaderName::from_static("x-remote-group");
static X_REMOTE_EXTRA_ACCOUNT: HeaderName = HeaderName::from_static("x-remote-extra-account");

/// Headers that describe one hop, never forwarded (except the upgrade pair on upgrades).
const HOP_BY_HOP: [HeaderName; 8] = [
    header::CONNECTION,
    HeaderName::from_static("keep-alive"),
    HeaderName::from_static("proxy-connection"),
    header::PROXY_AUTHENTICATE,
    header::PROXY_AUTHORIZATION,
    header::TE,
    header::TRAILER,
    header::TRANSFER_ENCODING,
];

/// Forwards `req` (its URI is the control plane's path and query) to the control plane on
/// `socket` and returns its answer, streaming in both directions.
pub async fn forward(
    pool: &ConnPool,
    socket: &Path,
    req: Request<Body>,
    identity: &ForwardIdentity,
    opts: &ForwardOptions,
) -> Response {
    let kind = classify(req.headers(), req.uri().path(), req.uri().query());
    forward_with(pool, req, identity, opts, kind, socket.to_path_buf()).await
}

/// [`forward`] for a request already classified, with a `guard` that names the socket and is
/// kept until the response has ended: the response body's end (or drop) for streamed
/// answers, the end of the spliced connection for upgrades, at once for errors.
pub async fn forward_with<G>(
    pool: &ConnPool,
    req: Request<Body>,
    identity: &ForwardIdentity,
    opts: &ForwardOptions,
    kind: RequestKind,
    guard: G,
) -> Response
where
    G: AsRef<Path> + Send + Unpin + 'static,
{
    let (mut parts, body) = req.into_parts();

    // A declared length over the limit is refused before anything is sent.
    if let Some(len) = parts.headers.get(header::CONTENT_LENGTH)
        && len
            .to_str()
            .ok()
            .and_then(|s| s.parse::<u64>().ok())
            .is_some_and(|n| n > opts.body_limit)
    {
        return status::too_large(opts.body_limit);
    }

    // Upgrades need the client side of the connection; without it (HTTP/2) the request goes
    // through as a plain one.
    let client_upgrade = if kind == RequestKind::Upgrade {
        parts.extensions.remove::<OnUpgrade>()
    } else {
        None
    };
    let upgrading = client_upgrade.is_some();
    rewrite_request_headers(&mut parts.headers, identity, upgrading);
    parts.extensions = http::Extensions::new();
    parts.version = Version::HTTP_11;
    parts.uri = match parts.uri.path_and_query() {
        Some(pq) => Uri::from(pq.clone()),
        None => Uri::from(PathAndQuery::from_static("/")),
    };
    let body = if http_body::Body::is_end_stream(&body) {
        UpstreamBody::Empty
    } else {
        UpstreamBody::Streaming {
            inner: body,
            remaining: opts.body_limit,
        }
    };
    let upstream_req = Request::from_parts(parts, body);

    let sockets = pool.socket(guard.as_ref());
    let deadline = (!kind.is_long_running()).then(|| Instant::now() + opts.timeout);
    let sent = send(&sockets, guard.as_ref(), upstream_req);
    let result = match deadline {
        Some(d) => match tokio::time::timeout_at(d, sent).await {
            Ok(r) => r,
            Err(_) => return status::timeout(),
        },
        None => sent.await,
    };
    let (tx, mut resp) = match result {
        Ok(ok) => ok,
        Err(e) => return e.into_response(opts.body_limit),
    };

    if resp.status() == StatusCode::SWITCHING_PROTOCOLS
        && let Some(client_upgrade) = client_upgrade
    {
        let upstream_upgrade = hyper::upgrade::on(&mut resp);
        tokio::spawn(splice(client_upgrade, upstream_upgrade, (tx, guard)));
        let (parts, _) = resp.into_parts();
        return Response::from_parts(parts, Body::empty());
    }

    strip_hop_by_hop(resp.headers_mut(), false);
    let (parts, inner) = resp.into_parts();
    let body = ResponseBody {
        inner,
        conn: Some((sockets, tx)),
        guard: Some(guard),
        deadline,
        sleep: None,
    };
    Response::from_parts(parts, Body::new(body))
}

/// Why a request got no answer from the control plane.
#[derive(Debug)]
enum SendError {
    /// No connection could be made: the control plane is not there (yet).
    Connect(std::io::Error),
    /// The request body was over the limit.
    TooLarge,
    /// Reading the client's request body failed.
    ClientBody(hyper::Error),
    /// The connection broke after the request was (partly) sent.
    Upstream(hyper::Error),
}

impl SendError {
    fn into_response(self, limit: u64) -> Response {
        match self {
            SendError::Connect(e) => {
                tracing::debug!(error = %e, "control plane not reachable");
                status::unavailable("the control plane is not reachable", 1)
            }
            SendError::TooLarge => status::too_large(limit),
            SendError::ClientBody(e) => {
                tracing::debug!(error = %e, "reading the request body failed");
                status::bad_request("the request body could not be read")
            }
            SendError::Upstream(e) => {
                tracing::warn!(error = %e, "control plane connection failed");
                status::bad_gateway("the control plane closed the connection")
            }
        }
    }
}

/// Sends on an idle connection or a new one. A request that an idle connection could not
/// take (it closed meanwhile) is retried on a new connection; one that was sent is not.
async fn send(
    sockets: &SocketPool,
    socket: &Path,
    mut req: Request<UpstreamBody>,
) -> Result<(Sender, hyper::Response<Incoming>), SendError> {
    loop {
        let (mut tx, reused) = match sockets.take() {
            Some(tx) => (tx, true),
            None => (connect(socket).await.map_err(SendError::Connect)?, false),
        };
        if let Err(e) = tx.ready().await {
            if reused {
                continue;
            }
            return Err(SendError::Upstream(e));
        }
        match tx.try_send_request(req).await {
            Ok(resp) => return Ok((tx, resp)),
            Err(mut e) => {
                if reused && let Some(r) = e.take_message() {
                    req = r;
                    continue;
                }
                let e = e.into_error();
                return Err(classify_send_error(e));
            }
        }
    }
}

fn classify_send_error(e: hyper::Error) -> SendError {
    let mut source = e.source();
    while let Some(s) = source {
        if let Some(b) = s.downcast_ref::<UpstreamBodyError>() {
            return match b {
                UpstreamBodyError::TooLarge => SendError::TooLarge,
                UpstreamBodyError::Client(_) => SendError::ClientBody(e),
            };
        }
        source = s.source();
    }
    SendError::Upstream(e)
}

/// Removes hop-by-hop headers (keeping `Connection`/`Upgrade` when upgrading) and every
/// header a client could use to claim an identity, then sets the trusted identity headers.
fn rewrite_request_headers(headers: &mut HeaderMap, identity: &ForwardIdentity, upgrading: bool) {
    strip_hop_by_hop(headers, upgrading);
    headers.remove(header::AUTHORIZATION);
    // `100-continue` was answered (or not) by our own server; the control plane gets the body.
    headers.remove(header::EXPECT);
    // Removing while iterating is not possible; headers to drop are rare, so look again after
    // each removal instead of collecting names.
    while let Some(name) = headers
        .keys()
        .find(|n| {
            let n = n.as_str();
            n.starts_with("x-remote-") || n.starts_with("impersonate-")
        })
        .cloned()
    {
        headers.remove(&name);
    }
    headers.insert(X_REMOTE_USER.clone(), identity.user.clone());
    headers.insert(
        X_REMOTE_GROUP.clone(),
        HeaderValue::from_static("system:authenticated"),
    );
    headers.insert(X_REMOTE_EXTRA_ACCOUNT.clone(), identity.account.clone());
    if !headers.contains_key(header::HOST) {
        headers.insert(header::HOST, HeaderValue::from_static("localhost"));
    }
}

/// Drops hop-by-hop headers and those `Connection` names; with `upgrading`, keeps
/// `Connection` and `Upgrade` so the upgrade reaches the other side.
fn strip_hop_by_hop(headers: &mut HeaderMap, upgrading: bool) {
    if !upgrading {
        // Extension headers named by `Connection` are hop-by-hop too.
        while let Some(name) = headers
            .get_all(header::CONNECTION)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|t| HeaderName::from_bytes(t.trim().as_bytes()).ok())
            .find(|n| headers.contains_key(n))
        {
            headers.remove(&name);
        }
        headers.remove(header::CONNECTION);
        headers.remove(header::UPGRADE);
    }
    for name in &HOP_BY_HOP[1..] {
        headers.remove(name);
    }
}

/// Waits for both sides to switch protocols, then copies bytes both ways until one closes.
async fn splice<G>(client: OnUpgrade, upstream: OnUpgrade, guard: G) {
    let (client, upstream) = match tokio::join!(client, upstream) {
        (Ok(c), Ok(u)) => (c, u),
        (c, u) => {
            tracing::debug!(client = ?c.err(), upstream = ?u.err(), "upgrade failed");
            return;
        }
    };
    let mut client = TokioIo::new(client);
    let mut upstream = TokioIo::new(upstream);
    if let Err(e) = tokio::io::copy_bidirectional(&mut client, &mut upstream).await {
        tracing::debug!(error = %e, "upgraded connection ended");
    }
    drop(guard);
}

/// Errors of the request body on its way to the control plane.
#[derive(Debug, thiserror::Error)]
pub(crate) enum UpstreamBodyError {
    #[error("request body too large")]
    TooLarge,
    #[error("reading the request body: {0}")]
    Client(axum::Error),
}

/// The request body as sent upstream: nothing, or the client's body counted against the limit.
pub(crate) enum UpstreamBody {
    Empty,
    Streaming { inner: Body, remaining: u64 },
}

impl http_body::Body for UpstreamBody {
    type Data = Bytes;
    type Error = UpstreamBodyError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        match self.get_mut() {
            UpstreamBody::Empty => Poll::Ready(None),
            UpstreamBody::Streaming { inner, remaining } => {
                match ready!(Pin::new(inner).poll_frame(cx)) {
                    Some(Ok(frame)) => {
                        if let Some(data) = frame.data_ref() {
                            let len = data.len() as u64;
                            if len > *remaining {
                                return Poll::Ready(Some(Err(UpstreamBodyError::TooLarge)));
                            }
                            *remaining -= len;
                        }
                        Poll::Ready(Some(Ok(frame)))
                    }
                    Some(Err(e)) => Poll::Ready(Some(Err(UpstreamBodyError::Client(e)))),
                    None => Poll::Ready(None),
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            UpstreamBody::Empty => true,
            UpstreamBody::Streaming { inner, .. } => inner.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            UpstreamBody::Empty => SizeHint::with_exact(0),
            UpstreamBody::Streaming { inner, .. } => inner.size_hint(),
        }
    }
}

/// The control plane's answer on its way to the client, frame by frame as it arrives. When it
/// ends cleanly its connection goes back to the pool; the guard is dropped at the end either
/// way. Short requests carry the deadline: a body still running then is cut off.
struct ResponseBody<G> {
    inner: Incoming,
    conn: Option<(Arc<SocketPool>, Sender)>,
    guard: Option<G>,
    deadline: Option<Instant>,
    /// Created only when the body has to wait, so fast answers never arm a timer.
    sleep: Option<Pin<Box<Sleep>>>,
}

impl<G> ResponseBody<G> {
    fn finish(&mut self, clean: bool) {
        if let Some((sockets, tx)) = self.conn.take()
            && clean
        {
            sockets.put(tx);
        }
        self.guard = None;
    }
}

#[derive(Debug, thiserror::Error)]
enum ResponseBodyError {
    #[error("the control plane did not finish the response in time")]
    Timeout,
    #[error(transparent)]
    Upstream(hyper::Error),
}

impl<G: Unpin> http_body::Body for ResponseBody<G> {
    type Data = Bytes;
    type Error = ResponseBodyError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => Poll::Ready(Some(Ok(frame))),
            Poll::Ready(Some(Err(e))) => {
                this.finish(false);
                Poll::Ready(Some(Err(ResponseBodyError::Upstream(e))))
            }
            Poll::Ready(None) => {
                this.finish(true);
                Poll::Ready(None)
            }
            Poll::Pending => {
                if let Some(deadline) = this.deadline {
                    let sleep = this
                        .sleep
                        .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
                    if sleep.as_mut().poll(cx).is_ready() {
                        this.deadline = None;
                        this.finish(false);
                        return Poll::Ready(Some(Err(ResponseBodyError::Timeout)));
                    }
                }
                Poll::Pending
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

impl<G> Drop for ResponseBody<G> {
    fn drop(&mut self) {
        // A body the server never polled because it was known to be empty still ended cleanly.
        let clean = http_body::Body::is_end_stream(&self.inner);
        self.finish(clean);
    }
}
