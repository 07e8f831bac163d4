//! Idle HTTP/1 connections to control-plane sockets, a few per socket, so that a request does
//! not pay for a new connection and handshake. A connection goes back to its socket's pool
//! only after its response body was read to the end; upgraded, failed and half-read
//! connections are dropped. Stale ones (the control plane restarted or went to sleep) are
//! discarded when taken: their connection task has ended, so they report closed.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use parking_lot::{Mutex, RwLock};
use tokio::net::UnixStream;

use super::forward::UpstreamBody;

/// Sends requests on one HTTP/1 connection.
pub(crate) type Sender = SendRequest<UpstreamBody>;

/// Socket entries beyond this many are swept of empty ones when a new socket is added.
const SWEEP_ABOVE: usize = 256;

/// Idle connections per control-plane socket.
pub struct ConnPool {
    sockets: RwLock<HashMap<PathBuf, Arc<SocketPool>>>,
    max_idle: usize,
    idle_timeout: Duration,
}

/// The idle connections of one socket.
pub(crate) struct SocketPool {
    idle: Mutex<Vec<(Sender, Instant)>>,
    max_idle: usize,
    idle_timeout: Duration,
}

/// Idle connections kept per socket by default: as many as one account may have requests in
/// flight ([`crate::ratelimit::RateLimitConfig::default`]), so that concurrent clients within
/// their limits never make the gateway open a connection per request. (With 8, 16 concurrent
/// clients made it drop and reopen connections all the time: a socket, an HTTP/1 handshake
/// and the control plane's accept for a good share of the requests.)
pub const DEFAULT_MAX_IDLE: usize = 64;

impl Default for ConnPool {
    /// Up to [`DEFAULT_MAX_IDLE`] idle connections per socket, each kept for at most 60 s.
    fn default() -> Self {
        Self::new(DEFAULT_MAX_IDLE, Duration::from_secs(60))
    }
}

impl ConnPool {
    pub fn new(max_idle_per_socket: usize, idle_timeout: Duration) -> Self {
        Self {
            sockets: RwLock::new(HashMap::new()),
            max_idle: max_idle_per_socket,
            idle_timeout,
        }
    }

    /// The pool of one socket, created on first use.
    pub(crate) fn socket(&self, socket: &Path) -> Arc<SocketPool> {
        if let Some(p) = self.sockets.read().get(socket) {
            return p.clone();
        }
        let mut sockets = self.sockets.write();
        if sockets.len() >= SWEEP_ABOVE {
            sockets.retain(|_, p| Arc::strong_count(p) > 1 || !p.idle.lock().is_empty());
        }
        sockets
            .entry(socket.to_path_buf())
            .or_insert_with(|| {
                Arc::new(SocketPool {
                    idle: Mutex::new(Vec::new()),
                    max_idle: self.max_idle,
                    idle_timeout: self.idle_timeout,
                })
            })
            .clone()
    }

    /// Idle connections currently kept for `socket` (open or not yet found closed).
    pub fn idle_count(&self, socket: &Path) -> usize {
        self.sockets
            .read()
            .get(socket)
            .map_or(0, |p| p.idle.lock().len())
    }
}

impl SocketPool {
    /// The most recently used idle connection that is still open, if any.
    pub(crate) fn take(&self) -> Option<Sender> {
        let now = Instant::now();
        let mut idle = self.idle.lock();
        while let Some((tx, since)) = idle.pop() {
            if !tx.is_closed() && now.saturating_duration_since(since) < self.idle_timeout {
                return Some(tx);
            }
        }
        None
    }

    /// Keeps a connection whose last response was read to the end.
    pub(crate) fn put(&self, tx: Sender) {
        if tx.is_closed() {
            return;
        }
        let now = Instant::now();
        let mut idle = self.idle.lock();
        idle.retain(|(tx, since)| {
            !tx.is_closed() && now.saturating_duration_since(*since) < self.idle_timeout
        });
        if idle.len() < self.max_idle {
            idle.push((tx, now));
        }
    }
}

/// Opens a new HTTP/1 connection to a control plane's socket; its connection task runs until
/// either side closes it and supports upgrades.
pub(crate) async fn connect(socket: &Path) -> io::Result<Sender> {
    let stream = UnixStream::connect(socket).await?;
    let (tx, conn) = http1::Builder::new()
        .handshake(TokioIo::new(stream))
        .await
        .map_err(io::Error::other)?;
    tokio::spawn(async move {
        if let Err(e) = conn.with_upgrades().await {
            tracing::debug!(error = %e, "control plane connection ended");
        }
    });
    Ok(tx)
}
