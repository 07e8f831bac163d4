//! The control-plane supervisor: one `kubicle apiserver` child process per awake cluster.
//!
//! It owns the life of those processes and nothing else: starting one on the first request
//! ([`Supervisor::acquire`], concurrent callers share one start), waiting until it answers
//! `GET /readyz` on its Unix socket, putting it to sleep when it has been idle for
//! `idle_timeout` (SIGTERM, then SIGKILL after a grace period), restarting it with exponential
//! backoff after a crash, and confining each one to its own cgroup `kubicle/<cluster id>` with
//! memory, CPU and pids limits (cgroups v1 or v2 through cgroups-rs; where cgroups are not
//! writable it runs without them and says so once). It must not read or write a cluster's
//! data: the folder `clusters_dir/<cluster id>` belongs to the child, and the supervisor only
//! creates it, points the child at it and deletes it in [`Supervisor::remove`].
//!
//! Each child gets a pipe as stdin and `--exit-on-stdin-eof`, so control planes exit when this
//! process dies, even by SIGKILL.
//!
//! Locking: per cluster, a `tokio::sync::Mutex` (`ops`) serialises starts and stops, and a
//! `parking_lot::Mutex` (`inner`) guards the small state that the fast path of `acquire`, the
//! reaper, leases and the per-child watcher task read and update; it is never held across an
//! `.await`.

use std::collections::HashMap;
use std::ffi::OsString;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;
use parking_lot::Mutex;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::{mpsc, watch};

use crate::config::ControlPlaneLimits;
use crate::ids::ClusterId;
use crate::metrics::Metrics;

#[derive(Clone, Debug)]
pub struct SupervisorConfig {
    /// The `kubicle` binary to run as `kubicle apiserver`.
    pub binary: PathBuf,
    /// `DATA_DIR/clusters`: one folder per cluster.
    pub clusters_dir: PathBuf,
    pub idle_timeout: Duration,
    pub limits: ControlPlaneLimits,
    /// How long a request waits for a starting or restarting control plane before 503.
    pub wait_timeout: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum SupervisorError {
    /// The control plane is not ready within the wait timeout, is backing off after crashes,
    /// or the supervisor is shutting down; answer 503 with `Retry-After`.
    #[error("control plane unavailable, retry after {retry_after:?}")]
    Unavailable { retry_after: Duration },
    /// Spawning the child or touching the cluster's folder failed (also: a malformed cluster
    /// id, as `InvalidInput`).
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcessState {
    Asleep,
    Starting,
    Awake,
    Backoff,
}

/// Keeps the cluster awake while held (a request or an open watch).
pub struct Lease {
    /// The control plane's Unix socket (plain HTTP; it trusts its caller).
    pub socket: PathBuf,
    slot: Arc<Slot>,
}

impl std::fmt::Debug for Lease {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lease")
            .field("cluster", &self.slot.id)
            .field("socket", &self.socket)
            .finish()
    }
}

impl Lease {
    pub fn cluster(&self) -> &ClusterId {
        &self.slot.id
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        let mut inner = self.slot.inner.lock();
        inner.leases = inner.leases.saturating_sub(1);
        inner.last_activity = Instant::now();
    }
}

/// SIGTERM, then SIGKILL after this long.
const STOP_GRACE: Duration = Duration::from_secs(5);
/// First restart delay after a crash; doubles per consecutive failure.
const BACKOFF_MIN: Duration = Duration::from_millis(50);
const BACKOFF_MAX: Duration = Duration::from_secs(10);
/// A process that ran this long before exiting resets the failure count.
const HEALTHY_AFTER: Duration = Duration::from_secs(60);
/// A child that has not answered `/readyz` after this long is killed and counted as a crash.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// The longest Unix socket path (`sun_path` is 108 bytes with the trailing NUL).
const MAX_SOCKET_PATH: usize = 107;
/// The Retry-After suggested when a start did not finish within the wait timeout.
const RETRY_AFTER_SLOW_START: Duration = Duration::from_secs(1);

/// The restart delay after `failures` consecutive failures (≥ 1).
fn backoff(failures: u32) -> Duration {
    let shift = failures.saturating_sub(1).min(16);
    BACKOFF_MIN.saturating_mul(1 << shift).min(BACKOFF_MAX)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// No process; the next acquire starts one.
    Asleep,
    /// Spawned, not yet answering `/readyz`.
    Starting,
    Awake,
    /// SIGTERM sent; the watcher turns this into `Asleep` once the process is gone.
    Stopping,
    /// Crashed (or failed to start); no restart before `next_start`.
    Backoff,
}

/// A running child, as seen from outside its watcher task.
struct Proc {
    generation: u64,
    pid: u32,
    started: Instant,
    /// Signals for the watcher to deliver (it owns the `Child`, so it never signals a reaped
    /// pid).
    signals: mpsc::UnboundedSender<Signal>,
    /// Becomes true once the process has exited and its socket and cgroup are cleaned up.
    exited: watch::Receiver<bool>,
    /// Set before we stop it, so its exit is not counted as a crash.
    expected_exit: bool,
    /// The cgroup path (relative to the hierarchy root) the process runs in, if any.
    cgroup: Option<String>,
    /// False for the first start of a new cluster (no database yet), true for a wake.
    wake: bool,
}

struct Inner {
    phase: Phase,
    proc: Option<Proc>,
    leases: usize,
    /// Acquires past the fast path (waiting for a start): the reaper leaves the cluster alone.
    waiting: usize,
    last_activity: Instant,
    /// Consecutive failed starts or crashes.
    failures: u32,
    next_start: Option<Instant>,
    /// Set by `remove`: acquires still waiting give up instead of starting it again.
    removed: bool,
}

/// One cluster known to the supervisor.
struct Slot {
    id: ClusterId,
    dir: PathBuf,
    socket: PathBuf,
    ops: Arc<tokio::sync::Mutex<()>>,
    inner: Mutex<Inner>,
}

impl Slot {
    fn state(&self) -> ProcessState {
        match self.inner.lock().phase {
            Phase::Asleep | Phase::Stopping => ProcessState::Asleep,
            Phase::Starting => ProcessState::Starting,
            Phase::Awake => ProcessState::Awake,
            Phase::Backoff => ProcessState::Backoff,
        }
    }

    fn lease(self: &Arc<Self>) -> Lease {
        Lease {
            socket: self.socket.clone(),
            slot: self.clone(),
        }
    }
}

/// Counts the caller among `waiting` until dropped.
struct Waiting<'a>(&'a Slot);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        let mut inner = self.0.inner.lock();
        inner.waiting = inner.waiting.saturating_sub(1);
    }
}

struct Shared {
    config: SupervisorConfig,
    metrics: Arc<Metrics>,
    slots: Mutex<HashMap<ClusterId, Arc<Slot>>>,
    cgroups: Cgroups,
    shutting_down: AtomicBool,
    reaper_started: AtomicBool,
    generation: AtomicU64,
    starts: AtomicU64,
}

pub struct Supervisor {
    shared: Arc<Shared>,
}

impl Supervisor {
    pub fn new(config: SupervisorConfig, metrics: Arc<Metrics>) -> Arc<Self> {
        let shared = Arc::new(Shared {
            config,
            metrics,
            slots: Mutex::new(HashMap::new()),
            cgroups: Cgroups::default(),
            shutting_down: AtomicBool::new(false),
            reaper_started: AtomicBool::new(false),
            generation: AtomicU64::new(0),
            starts: AtomicU64::new(0),
        });
        // Clusters that exist on disk are asleep until their first request.
        if let Ok(entries) = std::fs::read_dir(&shared.config.clusters_dir) {
            let mut slots = shared.slots.lock();
            for e in entries.flatten() {
                let name = e.file_name();
                if let Some(id) = name.to_str().and_then(ClusterId::parse)
                    && e.file_type().is_ok_and(|t| t.is_dir())
                {
                    let slot = shared.new_slot(&id);
                    slots.insert(id, slot);
                }
            }
        }
        // None of them runs yet, so an empty cgroup of theirs was left by an earlier run
        // that died without cleaning up (SIGKILL: its children exit on stdin EOF, but nobody
        // removes their cgroups).
        let ours: Vec<ClusterId> = shared.slots.lock().keys().cloned().collect();
        let removed = remove_leftover_cgroups(&ours);
        if removed > 0 {
            tracing::info!(removed, "removed empty cgroups left by an earlier run");
        }
        shared.publish();
        let sup = Arc::new(Self { shared });
        sup.ensure_reaper();
        sup
    }

    /// Starts the control plane if it is asleep and waits until it answers.
    pub async fn acquire(&self, cluster: &ClusterId) -> Result<Lease, SupervisorError> {
        check_id(cluster)?;
        let shared = &self.shared;
        if shared.shutting_down.load(Ordering::SeqCst) {
            return Err(SupervisorError::Unavailable {
                retry_after: RETRY_AFTER_SLOW_START,
            });
        }
        self.ensure_reaper();
        let slot = shared.slot(cluster);
        {
            let mut inner = slot.inner.lock();
            inner.last_activity = Instant::now();
            if inner.phase == Phase::Awake {
                inner.leases += 1;
                return Ok(slot.lease());
            }
            inner.waiting += 1;
        }
        let _waiting = Waiting(&slot);
        let deadline = Instant::now() + shared.config.wait_timeout;
        let unavailable = |retry_after| SupervisorError::Unavailable { retry_after };
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            let _ops = tokio::time::timeout(remaining, slot.ops.lock())
                .await
                .map_err(|_| unavailable(RETRY_AFTER_SLOW_START))?;
            if shared.shutting_down.load(Ordering::SeqCst) {
                return Err(unavailable(RETRY_AFTER_SLOW_START));
            }
            let (phase, next_start, started) = {
                let mut inner = slot.inner.lock();
                if inner.removed {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::NotFound,
                        "the cluster has been removed",
                    )
                    .into());
                }
                if inner.phase == Phase::Awake {
                    inner.leases += 1;
                    inner.last_activity = Instant::now();
                    return Ok(slot.lease());
                }
                let started = inner.proc.as_ref().map(|p| p.started);
                (inner.phase, inner.next_start, started)
            };
            match phase {
                Phase::Awake => unreachable!("handled above"),
                Phase::Stopping => {
                    // Only possible if a stop was interrupted; finish it.
                    stop(&slot, STOP_GRACE).await;
                    continue;
                }
                Phase::Backoff => {
                    let now = Instant::now();
                    if let Some(at) = next_start.filter(|&at| at > now) {
                        if at > deadline {
                            return Err(unavailable(at - now));
                        }
                        tokio::time::sleep_until(at.into()).await;
                    }
                    shared.spawn(&slot)?;
                }
                Phase::Asleep => shared.spawn(&slot)?,
                Phase::Starting => {
                    if started.is_some_and(|s| s.elapsed() > START_TIMEOUT) {
                        tracing::warn!(cluster = %slot.id, "control plane never became ready; killing it");
                        kill_and_wait(&slot, Signal::SIGKILL).await;
                        continue;
                    }
                }
            }
            match shared.wait_ready(&slot, deadline).await {
                Ready::Yes => {
                    let mut inner = slot.inner.lock();
                    inner.leases += 1;
                    inner.last_activity = Instant::now();
                    return Ok(slot.lease());
                }
                Ready::Exited => continue,
                Ready::TimedOut => return Err(unavailable(RETRY_AFTER_SLOW_START)),
            }
        }
    }

    pub fn state(&self, cluster: &ClusterId) -> ProcessState {
        self.shared
            .slots
            .lock()
            .get(cluster)
            .map_or(ProcessState::Asleep, |s| s.state())
    }

    /// The pid of the cluster's control-plane process, if one is running.
    pub fn pid(&self, cluster: &ClusterId) -> Option<u32> {
        let slot = self.shared.slots.lock().get(cluster).cloned()?;
        slot.inner.lock().proc.as_ref().map(|p| p.pid)
    }

    /// The cgroup (path below each hierarchy's root, e.g. `kubicle/c…`) the cluster's running
    /// control plane was placed in; `None` when it runs without one.
    pub fn cgroup(&self, cluster: &ClusterId) -> Option<String> {
        let slot = self.shared.slots.lock().get(cluster).cloned()?;
        slot.inner
            .lock()
            .proc
            .as_ref()
            .and_then(|p| p.cgroup.clone())
    }

    /// Whether [`Supervisor::shutdown`] has begun (acquires fail from then on).
    pub fn is_shutting_down(&self) -> bool {
        self.shared.shutting_down.load(Ordering::SeqCst)
    }

    /// How many control-plane processes were spawned since this supervisor was created.
    pub fn starts(&self) -> u64 {
        self.shared.starts.load(Ordering::SeqCst)
    }

    /// Stops the control plane and deletes the cluster's folder and cgroup.
    pub async fn remove(&self, cluster: &ClusterId) -> Result<(), SupervisorError> {
        check_id(cluster)?;
        let shared = &self.shared;
        let slot = shared.slots.lock().get(cluster).cloned();
        if let Some(slot) = &slot {
            let _ops = slot.ops.lock().await;
            slot.inner.lock().removed = true;
            stop(slot, STOP_GRACE).await;
            shared.slots.lock().remove(cluster);
            remove_socket(&slot.socket);
        }
        let dir = shared.config.clusters_dir.join(cluster.as_str());
        match std::fs::symlink_metadata(&dir) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
            // Never follow a link out of clusters_dir: remove the link itself.
            Ok(m) if !m.is_dir() => std::fs::remove_file(&dir)?,
            // remove_dir_all does not follow symbolic links inside the tree either.
            Ok(_) => std::fs::remove_dir_all(&dir)?,
        }
        // A cgroup left behind by a server that died (its child exits on stdin EOF, but
        // nobody removes the cgroup) goes now.
        let path = cgroup_path(cluster);
        let _ = tokio::task::spawn_blocking(move || Cgroups::delete_stale(&path)).await;
        shared.publish();
        Ok(())
    }

    /// Stops every control plane (SIGTERM, then SIGKILL after a grace period).
    pub async fn shutdown(&self) {
        self.shared.shutting_down.store(true, Ordering::SeqCst);
        let slots: Vec<Arc<Slot>> = self.shared.slots.lock().values().cloned().collect();
        futures::future::join_all(slots.iter().map(|slot| async move {
            // A start in progress finishes (or times out) first; then it is stopped too.
            let _ops = slot.ops.lock().await;
            stop(slot, STOP_GRACE).await;
        }))
        .await;
        self.shared.publish();
    }

    fn ensure_reaper(&self) {
        if self.shared.reaper_started.load(Ordering::SeqCst) {
            return;
        }
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            return;
        };
        if self.shared.reaper_started.swap(true, Ordering::SeqCst) {
            return;
        }
        handle.spawn(reaper(Arc::downgrade(&self.shared)));
    }
}

impl Drop for Supervisor {
    /// Without a `shutdown`, children still die: SIGKILL now (and their stdin pipes close).
    fn drop(&mut self) {
        for slot in self.shared.slots.lock().values() {
            if let Some(p) = &mut slot.inner.lock().proc {
                p.expected_exit = true;
                let _ = p.signals.send(Signal::SIGKILL);
            }
        }
    }
}

fn check_id(cluster: &ClusterId) -> Result<(), SupervisorError> {
    if ClusterId::parse(cluster.as_str()).is_none() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("malformed cluster id {:?}", cluster.as_str()),
        )
        .into());
    }
    Ok(())
}

enum Ready {
    Yes,
    Exited,
    TimedOut,
}

impl Shared {
    fn new_slot(&self, id: &ClusterId) -> Arc<Slot> {
        let dir = self.config.clusters_dir.join(id.as_str());
        let socket = socket_path(&dir, id);
        Arc::new(Slot {
            id: id.clone(),
            dir,
            socket,
            ops: Arc::new(tokio::sync::Mutex::new(())),
            inner: Mutex::new(Inner {
                phase: Phase::Asleep,
                proc: None,
                leases: 0,
                waiting: 0,
                last_activity: Instant::now(),
                failures: 0,
                next_start: None,
                removed: false,
            }),
        })
    }

    fn slot(&self, id: &ClusterId) -> Arc<Slot> {
        let mut slots = self.slots.lock();
        if let Some(s) = slots.get(id) {
            return s.clone();
        }
        let s = self.new_slot(id);
        slots.insert(id.clone(), s.clone());
        drop(slots);
        self.publish();
        s
    }

    /// Sets the awake/asleep gauges from the current slots.
    fn publish(&self) {
        let slots: Vec<Arc<Slot>> = self.slots.lock().values().cloned().collect();
        let awake = slots
            .iter()
            .filter(|s| s.inner.lock().proc.is_some())
            .count();
        self.metrics.set_control_planes(awake, slots.len() - awake);
    }

    /// Spawns the child (the caller holds `ops` and saw no process).
    fn spawn(self: &Arc<Self>, slot: &Arc<Slot>) -> Result<(), SupervisorError> {
        if let Some(parent) = slot.socket.parent()
            && parent != slot.dir
        {
            ensure_private_dir(parent)?;
        }
        std::fs::create_dir_all(&slot.dir)?;
        let wake = slot.dir.join("cluster.db").exists();
        remove_socket(&slot.socket);
        let mut listen = OsString::from("unix:");
        listen.push(&slot.socket);
        let mut cmd = tokio::process::Command::new(&self.config.binary);
        cmd.arg("apiserver")
            .arg("--data-dir")
            .arg(&slot.dir)
            .arg("--listen")
            .arg(listen)
            .arg("--exit-on-stdin-eof")
            .stdin(Stdio::piped())
            .stdout(Stdio::inherit())
            .stderr(Stdio::inherit())
            // Its own process group: a Ctrl-C on the terminal reaches the server, which then
            // stops the control planes in order.
            .process_group(0)
            .kill_on_drop(true);
        let mut child = cmd.spawn().map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!("starting {}: {e}", self.config.binary.display()),
            )
        })?;
        let started = Instant::now();
        let pid = child.id().unwrap_or_default();
        let cgroup = self.cgroups.place(&slot.id, &self.config.limits, pid);
        let stdin = child.stdin.take();
        let generation = self.generation.fetch_add(1, Ordering::SeqCst);
        let (sig_tx, sig_rx) = mpsc::unbounded_channel();
        let (exit_tx, exit_rx) = watch::channel(false);
        {
            let mut inner = slot.inner.lock();
            inner.phase = Phase::Starting;
            inner.proc = Some(Proc {
                generation,
                pid,
                started,
                signals: sig_tx,
                exited: exit_rx,
                expected_exit: false,
                cgroup: cgroup.as_ref().map(|c| c.path().to_owned()),
                wake,
            });
        }
        self.starts.fetch_add(1, Ordering::SeqCst);
        tracing::debug!(cluster = %slot.id, pid, "control plane started");
        tokio::spawn(watch_child(
            Arc::downgrade(self),
            slot.clone(),
            generation,
            child,
            stdin,
            sig_rx,
            cgroup,
            exit_tx,
        ));
        self.publish();
        Ok(())
    }

    /// Polls `/readyz` until it answers 200, the process exits or the deadline passes.
    async fn wait_ready(&self, slot: &Arc<Slot>, deadline: Instant) -> Ready {
        let Some((generation, started, wake, mut exited)) = slot
            .inner
            .lock()
            .proc
            .as_ref()
            .map(|p| (p.generation, p.started, p.wake, p.exited.clone()))
        else {
            return Ready::Exited;
        };
        let mut attempt = 0u32;
        loop {
            if *exited.borrow() {
                return Ready::Exited;
            }
            if readyz(&slot.socket).await {
                let mut inner = slot.inner.lock();
                match &inner.proc {
                    Some(p) if p.generation == generation && inner.phase == Phase::Starting => {
                        inner.phase = Phase::Awake;
                        drop(inner);
                        let elapsed = started.elapsed();
                        tracing::debug!(cluster = %slot.id, ?elapsed, "control plane ready");
                        self.metrics.control_plane_ready(elapsed, wake);
                        return Ready::Yes;
                    }
                    _ => return Ready::Exited,
                }
            }
            let now = Instant::now();
            if now >= deadline {
                return Ready::TimedOut;
            }
            // The apiserver binds within a few milliseconds: poll fast at first.
            attempt += 1;
            let pause = if attempt < 100 {
                Duration::from_millis(1)
            } else {
                Duration::from_millis(10)
            };
            let until = (now + pause).min(deadline);
            tokio::select! {
                _ = tokio::time::sleep_until(until.into()) => {}
                _ = exited.changed() => {}
            }
        }
    }
}

/// Owns the child: delivers signals, reaps it, cleans up its socket and cgroup, and records
/// whether the exit was a crash.
#[allow(clippy::too_many_arguments)]
async fn watch_child(
    shared: Weak<Shared>,
    slot: Arc<Slot>,
    generation: u64,
    child: tokio::process::Child,
    stdin: Option<tokio::process::ChildStdin>,
    mut signals: mpsc::UnboundedReceiver<Signal>,
    cgroup: Option<cgroups_rs::Cgroup>,
    exited: watch::Sender<bool>,
) {
    let mut guard = ChildGuard {
        child,
        stdin,
        cgroup,
        socket: slot.socket.clone(),
        reaped: false,
    };
    let status: std::io::Result<ExitStatus> = loop {
        tokio::select! {
            status = guard.child.wait() => break status,
            Some(sig) = signals.recv() => {
                if let Some(pid) = guard.child.id() {
                    let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), sig);
                }
            }
        }
    };
    guard.reaped = true;
    guard.stdin = None;
    remove_socket(&slot.socket);
    if let Some(cg) = guard.cgroup.take() {
        let path = cg.path().to_owned();
        let deleted = tokio::task::spawn_blocking(move || cg.delete()).await;
        if !matches!(deleted, Ok(Ok(()))) {
            tracing::warn!(cluster = %slot.id, cgroup = %path, "could not remove the cgroup");
        }
    }
    {
        let mut inner = slot.inner.lock();
        let Some(p) = inner.proc.take_if(|p| p.generation == generation) else {
            return;
        };
        let uptime = p.started.elapsed();
        if uptime >= HEALTHY_AFTER {
            inner.failures = 0;
        }
        if p.expected_exit {
            inner.phase = Phase::Asleep;
            tracing::debug!(cluster = %slot.id, "control plane asleep");
        } else {
            inner.failures = inner.failures.saturating_add(1);
            let delay = backoff(inner.failures);
            inner.next_start = Some(Instant::now() + delay);
            inner.phase = Phase::Backoff;
            tracing::warn!(
                cluster = %slot.id,
                status = ?status,
                ?uptime,
                failures = inner.failures,
                restart_in = ?delay,
                "control plane exited unexpectedly"
            );
        }
    }
    let _ = exited.send(true);
    if let Some(shared) = shared.upgrade() {
        shared.publish();
    }
}

/// What a watcher task owns. If the task is dropped before the child exited (the runtime is
/// going away), the child is killed and its cgroup and socket are still cleaned up.
struct ChildGuard {
    child: tokio::process::Child,
    stdin: Option<tokio::process::ChildStdin>,
    cgroup: Option<cgroups_rs::Cgroup>,
    socket: PathBuf,
    reaped: bool,
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if self.reaped {
            return;
        }
        self.stdin = None;
        let _ = self.child.start_kill();
        // Reap it (briefly blocking: this only runs at runtime teardown) so that its cgroup
        // is empty and can go.
        for _ in 0..200 {
            if !matches!(self.child.try_wait(), Ok(None)) {
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        remove_socket(&self.socket);
        if let Some(cg) = self.cgroup.take() {
            let _ = cg.delete();
        }
    }
}

/// Sends `signal` to the slot's process (if any) and waits until it is gone.
async fn kill_and_wait(slot: &Slot, signal: Signal) {
    let exited = slot.inner.lock().proc.as_ref().map(|p| {
        let _ = p.signals.send(signal);
        p.exited.clone()
    });
    if let Some(mut e) = exited {
        let _ = e.wait_for(|gone| *gone).await;
    }
}

/// Stops the slot's process (the caller holds `ops`): SIGTERM, SIGKILL after `grace`.
async fn stop(slot: &Slot, grace: Duration) {
    let exited = {
        let mut inner = slot.inner.lock();
        let Some(p) = inner.proc.as_mut() else {
            if inner.phase == Phase::Stopping {
                inner.phase = Phase::Asleep;
            }
            return;
        };
        p.expected_exit = true;
        let _ = p.signals.send(Signal::SIGTERM);
        let e = p.exited.clone();
        inner.phase = Phase::Stopping;
        e
    };
    let mut e = exited.clone();
    if tokio::time::timeout(grace, e.wait_for(|gone| *gone))
        .await
        .is_err()
    {
        tracing::warn!(cluster = %slot.id, "control plane ignored SIGTERM; killing it");
        kill_and_wait(slot, Signal::SIGKILL).await;
    }
}

/// Puts idle control planes to sleep.
async fn reaper(shared: Weak<Shared>) {
    let interval = match shared.upgrade() {
        Some(s) => {
            (s.config.idle_timeout / 4).clamp(Duration::from_millis(50), Duration::from_secs(5))
        }
        None => return,
    };
    loop {
        tokio::time::sleep(interval).await;
        let Some(s) = shared.upgrade() else { return };
        if s.shutting_down.load(Ordering::SeqCst) {
            return;
        }
        let idle = s.config.idle_timeout;
        let slots: Vec<Arc<Slot>> = s.slots.lock().values().cloned().collect();
        for slot in slots {
            if !is_idle(&slot, idle) {
                continue;
            }
            let Ok(ops) = slot.ops.clone().try_lock_owned() else {
                continue;
            };
            tokio::spawn(async move {
                // Re-check under `ops`: an acquire may have arrived meanwhile.
                if is_idle(&slot, idle) {
                    tracing::debug!(cluster = %slot.id, "idle: putting the control plane to sleep");
                    stop(&slot, STOP_GRACE).await;
                }
                drop(ops);
            });
        }
    }
}

fn is_idle(slot: &Slot, idle: Duration) -> bool {
    let inner = slot.inner.lock();
    inner.phase == Phase::Awake
        && inner.leases == 0
        && inner.waiting == 0
        && inner.last_activity.elapsed() >= idle
}

/// `GET /readyz` over the socket; true on a 200 answer within a second.
async fn readyz(socket: &Path) -> bool {
    let probe = async {
        let mut s = tokio::net::UnixStream::connect(socket).await.ok()?;
        s.write_all(b"GET /readyz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .await
            .ok()?;
        let mut buf = [0u8; 16];
        let mut n = 0;
        while n < 12 {
            let r = s.read(&mut buf[n..]).await.ok()?;
            if r == 0 {
                break;
            }
            n += r;
        }
        let line = &buf[..n];
        Some(line.starts_with(b"HTTP/1.1 200") || line.starts_with(b"HTTP/1.0 200"))
    };
    matches!(
        tokio::time::timeout(Duration::from_secs(1), probe).await,
        Ok(Some(true))
    )
}

/// `<dir>/api.sock`, or `/tmp/kubicle-<uid>/<id>.sock` when that is too long for a Unix socket.
fn socket_path(dir: &Path, id: &ClusterId) -> PathBuf {
    let p = dir.join("api.sock");
    if p.as_os_str().len() <= MAX_SOCKET_PATH {
        return p;
    }
    let uid = std::fs::metadata("/proc/self").map_or(0, |m| m.uid());
    PathBuf::from(format!("/tmp/kubicle-{uid}")).join(format!("{id}.sock"))
}

/// Creates (mode 0700) or checks a folder for sockets: it must be a real folder owned by us
/// and closed to others, so nobody else can swap our sockets.
fn ensure_private_dir(dir: &Path) -> std::io::Result<()> {
    match std::fs::DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => return Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    let m = std::fs::symlink_metadata(dir)?;
    let me = std::fs::metadata("/proc/self")?.uid();
    if !m.is_dir() || m.uid() != me {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            format!("{} is not a folder owned by uid {me}", dir.display()),
        ));
    }
    if m.permissions().mode() & 0o077 != 0 {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

fn remove_socket(socket: &Path) {
    if let Ok(m) = std::fs::symlink_metadata(socket)
        && !m.is_dir()
    {
        let _ = std::fs::remove_file(socket);
    }
}

/// Places control planes in cgroups `kubicle/<cluster id>` when the hierarchy is writable;
/// after the first failure it stops trying and logs one warning.
#[derive(Default)]
struct Cgroups {
    disabled: AtomicBool,
}

const CONTROLLERS: [&str; 3] = ["memory", "cpu", "pids"];

/// The parent of every control plane's cgroup, below each hierarchy's root.
const CGROUP_PARENT: &str = "kubicle";

fn cgroup_path(id: &ClusterId) -> String {
    format!("{CGROUP_PARENT}/{id}")
}

fn load_cgroup(path: &str) -> cgroups_rs::Cgroup {
    cgroups_rs::Cgroup::load_with_specified_controllers(
        cgroups_rs::hierarchies::auto(),
        path,
        CONTROLLERS.iter().map(|c| c.to_string()).collect(),
    )
}

/// The folders of the `kubicle` parent cgroup, one per hierarchy that has it (three on v1:
/// memory, cpu, pids; one on v2).
fn parent_cgroup_dirs() -> Vec<PathBuf> {
    let parent = load_cgroup(CGROUP_PARENT);
    let mut dirs: Vec<PathBuf> = parent
        .subsystems()
        .iter()
        .map(|s| s.to_controller().path().to_path_buf())
        .collect();
    dirs.sort();
    dirs.dedup();
    dirs
}

/// Removes the cgroups `kubicle/<id>` of the clusters in `ours` that have no process left, in
/// every hierarchy; returns how many folders went. Others' cgroups (ids not in `ours`, which
/// may belong to another server on this machine) and any cgroup with a process in it are
/// left alone: the kernel refuses to remove a cgroup with processes anyway, and the
/// `cgroup.procs` check comes first.
fn remove_leftover_cgroups(ours: &[ClusterId]) -> usize {
    if ours.is_empty() {
        return 0;
    }
    let ours: std::collections::HashSet<&str> = ours.iter().map(ClusterId::as_str).collect();
    let mut removed = 0;
    for dir in parent_cgroup_dirs() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name();
            let Some(name) = name.to_str() else { continue };
            if !ours.contains(name) || !e.file_type().is_ok_and(|t| t.is_dir()) {
                continue;
            }
            let path = e.path();
            let empty = std::fs::read_to_string(path.join("cgroup.procs"))
                .is_ok_and(|procs| procs.trim().is_empty());
            if !empty {
                tracing::warn!(cgroup = %path.display(), "a cgroup of ours still has processes; leaving it");
                continue;
            }
            match std::fs::remove_dir(&path) {
                Ok(()) => removed += 1,
                Err(e) => {
                    tracing::warn!(cgroup = %path.display(), error = %e, "cannot remove a leftover cgroup")
                }
            }
        }
    }
    removed
}

impl Cgroups {
    /// Deletes an unused cgroup if it exists (no-op where there are none).
    fn delete_stale(path: &str) {
        let cg = load_cgroup(path);
        if cg.exists() && cg.procs().is_empty() {
            let _ = cg.delete();
        }
    }

    fn place(
        &self,
        id: &ClusterId,
        limits: &ControlPlaneLimits,
        pid: u32,
    ) -> Option<cgroups_rs::Cgroup> {
        if self.disabled.load(Ordering::Relaxed) || pid == 0 {
            return None;
        }
        let cg = load_cgroup(&cgroup_path(id));
        match configure(&cg, limits, pid) {
            Ok(()) => Some(cg),
            Err(CgroupError::Attach(e)) => {
                // The process may already be gone (a start that failed at once): not a
                // reason to give up on cgroups.
                tracing::debug!(cluster = %id, error = %e, "not placed in a cgroup");
                let _ = cg.delete();
                None
            }
            Err(CgroupError::Setup(e)) => {
                let _ = cg.delete();
                if !self.disabled.swap(true, Ordering::Relaxed) {
                    tracing::warn!(
                        error = %e,
                        "cgroups are not writable here: control planes run without memory, CPU and pids limits"
                    );
                }
                None
            }
        }
    }
}

enum CgroupError {
    /// Creating the cgroup or writing its limits failed: cgroups are not usable here.
    Setup(String),
    /// Moving the process in failed.
    Attach(String),
}

fn configure(
    cg: &cgroups_rs::Cgroup,
    limits: &ControlPlaneLimits,
    pid: u32,
) -> Result<(), CgroupError> {
    set_limits(cg, limits).map_err(CgroupError::Setup)?;
    cg.add_task_by_tgid(cgroups_rs::CgroupPid::from(u64::from(pid)))
        .map_err(|e| CgroupError::Attach(format!("adding pid {pid}: {e}")))
}

fn set_limits(cg: &cgroups_rs::Cgroup, limits: &ControlPlaneLimits) -> Result<(), String> {
    use cgroups_rs::cpu::CpuController;
    use cgroups_rs::memory::MemController;
    use cgroups_rs::pid::PidController;
    let found: Vec<String> = cg
        .subsystems()
        .iter()
        .map(|s| s.controller_name())
        .collect();
    for c in CONTROLLERS {
        if !found.iter().any(|f| f == c) {
            return Err(format!("no {c} controller (found {found:?})"));
        }
    }
    cg.create()
        .map_err(|e| format!("creating {}: {e}", cg.path()))?;
    let mem: &MemController = cg.controller_of().ok_or("no memory controller")?;
    let bytes = i64::try_from(limits.memory_bytes).unwrap_or(i64::MAX);
    mem.set_limit(bytes)
        .map_err(|e| format!("memory limit: {e}"))?;
    let cpu: &CpuController = cg.controller_of().ok_or("no cpu controller")?;
    const PERIOD_US: u64 = 100_000;
    let quota = (limits.cpu_millis.saturating_mul(PERIOD_US) / 1000).max(1000);
    cpu.set_cfs_quota_and_period(
        Some(i64::try_from(quota).unwrap_or(i64::MAX)),
        Some(PERIOD_US),
    )
    .map_err(|e| format!("cpu quota: {e}"))?;
    let pids: &PidController = cg.controller_of().ok_or("no pids controller")?;
    let max = i64::try_from(limits.pids).unwrap_or(i64::MAX);
    pids.set_pid_max(cgroups_rs::MaxValue::Value(max))
        .map_err(|e| format!("pids limit: {e}"))
}

#[cfg(test)]
mod tests {
    //! These run real `kubicle apiserver` processes: the binary comes from `KUBICLE_BIN`, else
    //! `<target dir>/debug/kubicle` (build it first with `cargo build --bin kubicle`).

    use super::*;

    fn kubicle_bin() -> PathBuf {
        if let Some(p) = std::env::var_os("KUBICLE_BIN") {
            return PathBuf::from(p);
        }
        // <target>/debug/deps/gateway-<hash> → <target>/debug/kubicle
        let exe = std::env::current_exe().expect("current exe");
        let bin = exe
            .parent()
            .and_then(Path::parent)
            .expect("target dir")
            .join("kubicle");
        assert!(
            bin.exists(),
            "{} not found: run `cargo build --bin kubicle` first or set KUBICLE_BIN",
            bin.display()
        );
        bin
    }

    fn limits() -> ControlPlaneLimits {
        ControlPlaneLimits {
            memory_bytes: 256 << 20,
            cpu_millis: 500,
            pids: 64,
        }
    }

    fn config(dir: &Path, binary: PathBuf) -> SupervisorConfig {
        SupervisorConfig {
            binary,
            clusters_dir: dir.join("clusters"),
            idle_timeout: Duration::from_secs(600),
            limits: limits(),
            wait_timeout: Duration::from_secs(10),
        }
    }

    fn supervisor(dir: &Path) -> Arc<Supervisor> {
        Supervisor::new(config(dir, kubicle_bin()), Arc::new(Metrics::new()))
    }

    fn alive(pid: u32) -> bool {
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), None).is_ok()
    }

    /// One HTTP/1.1 request over the socket; returns the status code and the raw rest.
    async fn http(socket: &Path, method: &str, path: &str, body: &str) -> (u16, String) {
        let mut s = tokio::net::UnixStream::connect(socket).await.unwrap();
        let req = format!(
            "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        s.write_all(req.as_bytes()).await.unwrap();
        let mut out = Vec::new();
        s.read_to_end(&mut out).await.unwrap();
        let text = String::from_utf8_lossy(&out).into_owned();
        let code = text
            .get(9..12)
            .and_then(|c| c.parse().ok())
            .unwrap_or_else(|| panic!("bad answer: {text}"));
        (code, text)
    }

    async fn eventually(what: &str, timeout: Duration, mut f: impl FnMut() -> bool) {
        let until = Instant::now() + timeout;
        while !f() {
            assert!(Instant::now() < until, "timed out waiting for: {what}");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    #[test]
    fn backoff_doubles_from_50ms_to_10s() {
        assert_eq!(backoff(1), Duration::from_millis(50));
        assert_eq!(backoff(2), Duration::from_millis(100));
        assert_eq!(backoff(5), Duration::from_millis(800));
        assert_eq!(backoff(9), Duration::from_secs(10));
        assert_eq!(backoff(u32::MAX), Duration::from_secs(10));
    }

    #[test]
    fn long_folders_get_a_short_socket_under_tmp() {
        let id = ClusterId::new_random();
        let short = socket_path(Path::new("/var/lib/kubicle/clusters/x"), &id);
        assert_eq!(short, Path::new("/var/lib/kubicle/clusters/x/api.sock"));
        let long_dir = PathBuf::from(format!("/{}", "d".repeat(120)));
        let p = socket_path(&long_dir, &id);
        assert!(p.starts_with("/tmp"), "{}", p.display());
        assert!(p.as_os_str().len() <= MAX_SOCKET_PATH);
        assert!(p.to_str().unwrap().ends_with(&format!("{id}.sock")));
    }

    #[tokio::test]
    async fn acquire_starts_the_control_plane_and_the_lease_socket_answers() {
        let dir = tempfile::tempdir().unwrap();
        let sup = supervisor(dir.path());
        let id = ClusterId::new_random();
        assert_eq!(sup.state(&id), ProcessState::Asleep);
        let t = Instant::now();
        let lease = sup.acquire(&id).await.unwrap();
        eprintln!("first start: {:?}", t.elapsed());
        assert_eq!(sup.state(&id), ProcessState::Awake);
        assert_eq!(
            lease.socket,
            dir.path()
                .join("clusters")
                .join(id.as_str())
                .join("api.sock")
        );
        let (code, _) = http(&lease.socket, "GET", "/readyz", "").await;
        assert_eq!(code, 200);
        let (code, body) = http(&lease.socket, "GET", "/api/v1/namespaces/default", "").await;
        assert_eq!(code, 200, "{body}");
        // A second acquire is the fast path: same process.
        let pid = sup.pid(&id).unwrap();
        let t = Instant::now();
        let again = sup.acquire(&id).await.unwrap();
        assert!(t.elapsed() < Duration::from_millis(50));
        assert_eq!(sup.pid(&id), Some(pid));
        assert_eq!(sup.starts(), 1);
        drop((lease, again));
        sup.shutdown().await;
        assert!(!alive(pid));
    }

    #[tokio::test]
    async fn concurrent_acquires_share_one_start() {
        let dir = tempfile::tempdir().unwrap();
        let sup = supervisor(dir.path());
        let id = ClusterId::new_random();
        let leases = futures::future::join_all((0..8).map(|_| sup.acquire(&id))).await;
        assert!(leases.iter().all(|l| l.is_ok()), "{leases:?}");
        assert_eq!(sup.starts(), 1, "one process for eight concurrent acquires");
        drop(leases);
        sup.shutdown().await;
    }

    #[tokio::test]
    async fn an_idle_cluster_sleeps_and_wakes_with_its_data() {
        let dir = tempfile::tempdir().unwrap();
        let mut cfg = config(dir.path(), kubicle_bin());
        cfg.idle_timeout = Duration::from_secs(1);
        let sup = Supervisor::new(cfg, Arc::new(Metrics::new()));
        let id = ClusterId::new_random();
        let lease = sup.acquire(&id).await.unwrap();
        let cm =
            r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"kept"},"data":{"k":"v"}}"#;
        let (code, body) = http(
            &lease.socket,
            "POST",
            "/api/v1/namespaces/default/configmaps",
            cm,
        )
        .await;
        assert_eq!(code, 201, "{body}");
        let pid = sup.pid(&id).unwrap();

        // Held leases keep it awake past the idle timeout.
        tokio::time::sleep(Duration::from_millis(1600)).await;
        assert_eq!(sup.state(&id), ProcessState::Awake);
        assert!(alive(pid));
        drop(lease);

        // "Asleep" covers Stopping too: the slot forgets the process only after its watcher
        // has removed the socket and the cgroup, which can take a moment on a busy machine.
        eventually(
            "the idle control plane to exit and be forgotten",
            Duration::from_secs(5),
            || sup.state(&id) == ProcessState::Asleep && !alive(pid) && sup.pid(&id).is_none(),
        )
        .await;
        let socket = dir
            .path()
            .join("clusters")
            .join(id.as_str())
            .join("api.sock");
        assert!(!socket.exists(), "the socket is cleaned up");

        let t = Instant::now();
        let lease = sup.acquire(&id).await.unwrap();
        eprintln!("wake: {:?}", t.elapsed());
        assert_ne!(sup.pid(&id), Some(pid));
        let (code, body) = http(
            &lease.socket,
            "GET",
            "/api/v1/namespaces/default/configmaps/kept",
            "",
        )
        .await;
        assert_eq!(code, 200, "{body}");
        assert!(body.contains(r#""k":"v""#), "{body}");
        drop(lease);
        sup.shutdown().await;
    }

    #[tokio::test]
    async fn a_killed_control_plane_restarts_on_the_next_acquire() {
        let dir = tempfile::tempdir().unwrap();
        let sup = supervisor(dir.path());
        let id = ClusterId::new_random();
        drop(sup.acquire(&id).await.unwrap());
        let pid = sup.pid(&id).unwrap();
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), Signal::SIGKILL).unwrap();
        eventually("the crash to be noticed", Duration::from_secs(5), || {
            sup.state(&id) == ProcessState::Backoff
        })
        .await;
        let lease = sup.acquire(&id).await.unwrap();
        let new_pid = sup.pid(&id).unwrap();
        assert_ne!(new_pid, pid);
        let (code, _) = http(&lease.socket, "GET", "/readyz", "").await;
        assert_eq!(code, 200);
        drop(lease);
        sup.shutdown().await;
        assert!(!alive(new_pid));
    }

    #[tokio::test]
    async fn a_control_plane_that_keeps_crashing_is_unavailable_with_retry_after() {
        let dir = tempfile::tempdir().unwrap();
        // `false` exits at once whatever its arguments: every start crashes.
        let mut cfg = config(dir.path(), PathBuf::from("/bin/false"));
        cfg.wait_timeout = Duration::from_millis(300);
        let sup = Supervisor::new(cfg, Arc::new(Metrics::new()));
        let id = ClusterId::new_random();
        let t = Instant::now();
        let err = sup.acquire(&id).await.unwrap_err();
        let SupervisorError::Unavailable { retry_after } = err else {
            panic!("expected Unavailable, got {err:?}");
        };
        assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
        assert!(retry_after > Duration::ZERO && retry_after <= BACKOFF_MAX);
        assert_eq!(sup.state(&id), ProcessState::Backoff);
        let starts = sup.starts();
        assert!(starts >= 2, "it retried within the wait ({starts} starts)");
        // The next acquire fails too, with a longer backoff.
        let SupervisorError::Unavailable { retry_after: later } =
            sup.acquire(&id).await.unwrap_err()
        else {
            panic!()
        };
        assert!(later > Duration::ZERO);
        sup.shutdown().await;
    }

    #[tokio::test]
    async fn remove_stops_the_control_plane_and_deletes_only_its_folder() {
        let dir = tempfile::tempdir().unwrap();
        let sup = supervisor(dir.path());
        let id = ClusterId::new_random();
        drop(sup.acquire(&id).await.unwrap());
        let pid = sup.pid(&id).unwrap();
        let folder = dir.path().join("clusters").join(id.as_str());
        assert!(folder.join("cluster.db").exists());
        sup.remove(&id).await.unwrap();
        assert!(!folder.exists());
        assert!(!alive(pid));
        assert_eq!(sup.state(&id), ProcessState::Asleep);
        sup.remove(&id).await.unwrap();

        // A cluster folder that is a symbolic link: the link goes, its target stays.
        let outside = dir.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        std::fs::write(outside.join("precious"), "x").unwrap();
        let linked = ClusterId::new_random();
        std::os::unix::fs::symlink(&outside, dir.path().join("clusters").join(linked.as_str()))
            .unwrap();
        sup.remove(&linked).await.unwrap();
        assert!(!dir.path().join("clusters").join(linked.as_str()).exists());
        assert!(outside.join("precious").exists());

        let bogus = ClusterId::from_db("../outside".into());
        assert!(matches!(
            sup.remove(&bogus).await,
            Err(SupervisorError::Io(_))
        ));
        assert!(outside.exists());
        sup.shutdown().await;
    }

    #[tokio::test]
    async fn shutdown_stops_every_child_and_refuses_new_starts() {
        let dir = tempfile::tempdir().unwrap();
        let sup = supervisor(dir.path());
        let ids: Vec<ClusterId> = (0..3).map(|_| ClusterId::new_random()).collect();
        let mut pids = Vec::new();
        for id in &ids {
            drop(sup.acquire(id).await.unwrap());
            pids.push(sup.pid(id).unwrap());
        }
        let held = sup.acquire(&ids[0]).await.unwrap();
        let t = Instant::now();
        sup.shutdown().await;
        assert!(
            t.elapsed() < STOP_GRACE,
            "SIGTERM suffices: {:?}",
            t.elapsed()
        );
        for pid in pids {
            assert!(!alive(pid), "pid {pid} still running");
        }
        drop(held);
        assert!(matches!(
            sup.acquire(&ids[1]).await,
            Err(SupervisorError::Unavailable { .. })
        ));
    }

    #[tokio::test]
    async fn a_restarted_supervisor_knows_the_clusters_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let id = ClusterId::new_random();
        {
            let sup = supervisor(dir.path());
            drop(sup.acquire(&id).await.unwrap());
            sup.shutdown().await;
        }
        let sup = supervisor(dir.path());
        assert_eq!(sup.shared.slots.lock().len(), 1);
        assert_eq!(sup.state(&id), ProcessState::Asleep);
        drop(sup.acquire(&id).await.unwrap());
        sup.shutdown().await;
    }

    #[tokio::test]
    async fn a_long_data_dir_uses_a_socket_under_tmp_and_cleans_it_up() {
        let dir = tempfile::tempdir().unwrap();
        let deep = dir.path().join("d".repeat(100));
        std::fs::create_dir_all(&deep).unwrap();
        let sup = supervisor(&deep);
        let id = ClusterId::new_random();
        let lease = sup.acquire(&id).await.unwrap();
        assert!(
            lease.socket.to_str().unwrap().starts_with("/tmp/kubicle-"),
            "{}",
            lease.socket.display()
        );
        let (code, _) = http(&lease.socket, "GET", "/readyz", "").await;
        assert_eq!(code, 200);
        let socket = lease.socket.clone();
        drop(lease);
        sup.remove(&id).await.unwrap();
        assert!(!socket.exists());
        sup.shutdown().await;
    }

    #[test]
    fn children_die_and_are_cleaned_up_when_the_runtime_goes_away() {
        let dir = tempfile::tempdir().unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let id = ClusterId::new_random();
        let (sup, pid, cgroup) = rt.block_on(async {
            let sup = supervisor(dir.path());
            drop(sup.acquire(&id).await.unwrap());
            let pid = sup.pid(&id).unwrap();
            let cgroup = sup.cgroup(&id);
            (sup, pid, cgroup)
        });
        drop(rt);
        assert!(!alive(pid), "the child outlived the runtime");
        if let Some(cg) = cgroup {
            let root = if cgroups_rs::hierarchies::is_cgroup2_unified_mode() {
                PathBuf::from("/sys/fs/cgroup")
            } else {
                PathBuf::from("/sys/fs/cgroup/memory")
            };
            assert!(!root.join(cg).exists(), "the cgroup outlived the runtime");
        }
        assert!(
            !dir.path()
                .join("clusters")
                .join(id.as_str())
                .join("api.sock")
                .exists()
        );
        drop(sup);
    }

    #[tokio::test]
    async fn the_apiserver_exits_cleanly_when_its_stdin_closes() {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("api.sock");
        let mut child = tokio::process::Command::new(kubicle_bin())
            .arg("apiserver")
            .arg("--data-dir")
            .arg(dir.path().join("data"))
            .arg("--listen")
            .arg(format!("unix:{}", socket.display()))
            .arg("--exit-on-stdin-eof")
            .stdin(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let until = Instant::now() + Duration::from_secs(10);
        while !readyz(&socket).await {
            assert!(Instant::now() < until, "never ready");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        drop(stdin);
        let status = tokio::time::timeout(Duration::from_secs(5), child.wait())
            .await
            .expect("still running 5 s after stdin closed")
            .unwrap();
        assert!(status.success(), "{status:?}");
    }

    /// Whether this machine lets us create cgroups (probed with a throwaway one).
    fn cgroups_writable() -> Result<(), String> {
        let base = if cgroups_rs::hierarchies::is_cgroup2_unified_mode() {
            PathBuf::from("/sys/fs/cgroup")
        } else {
            PathBuf::from("/sys/fs/cgroup/memory")
        };
        let probe = base.join(format!("kubicle-probe-{}", std::process::id()));
        std::fs::create_dir(&probe).map_err(|e| format!("{}: {e}", probe.display()))?;
        let _ = std::fs::remove_dir(&probe);
        Ok(())
    }

    #[tokio::test]
    async fn control_planes_run_in_their_own_cgroup_with_limits() {
        if let Err(why) = cgroups_writable() {
            eprintln!(
                "SKIP control_planes_run_in_their_own_cgroup_with_limits: cgroups are not writable here ({why})"
            );
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let sup = supervisor(dir.path());
        let id = ClusterId::new_random();
        let lease = sup.acquire(&id).await.unwrap();
        let pid = sup.pid(&id).unwrap();
        let path = sup.cgroup(&id).expect("placed in a cgroup");
        assert_eq!(path, format!("kubicle/{id}"));
        let read = |rel: &str| {
            std::fs::read_to_string(rel)
                .unwrap_or_else(|e| panic!("{rel}: {e}"))
                .trim()
                .to_owned()
        };
        let dirs: Vec<PathBuf> = if cgroups_rs::hierarchies::is_cgroup2_unified_mode() {
            let d = format!("/sys/fs/cgroup/{path}");
            assert_eq!(read(&format!("{d}/memory.max")), (256u64 << 20).to_string());
            assert_eq!(read(&format!("{d}/cpu.max")), "50000 100000");
            assert_eq!(read(&format!("{d}/pids.max")), "64");
            assert!(
                read(&format!("{d}/cgroup.procs"))
                    .lines()
                    .any(|l| l == pid.to_string())
            );
            vec![PathBuf::from(d)]
        } else {
            let m = format!("/sys/fs/cgroup/memory/{path}");
            let c = format!("/sys/fs/cgroup/cpu/{path}");
            let p = format!("/sys/fs/cgroup/pids/{path}");
            assert_eq!(
                read(&format!("{m}/memory.limit_in_bytes")),
                (256u64 << 20).to_string()
            );
            assert_eq!(read(&format!("{c}/cpu.cfs_quota_us")), "50000");
            assert_eq!(read(&format!("{c}/cpu.cfs_period_us")), "100000");
            assert_eq!(read(&format!("{p}/pids.max")), "64");
            for d in [&m, &c, &p] {
                let procs = read(&format!("{d}/cgroup.procs"));
                assert!(procs.lines().any(|l| l == pid.to_string()), "{d}: {procs}");
            }
            [m, c, p].into_iter().map(PathBuf::from).collect()
        };
        drop(lease);
        sup.remove(&id).await.unwrap();
        for d in dirs {
            assert!(!d.exists(), "{} was not removed", d.display());
        }

        // A cgroup left behind by a server that died goes with its cluster.
        let stale = ClusterId::new_random();
        let cg = load_cgroup(&cgroup_path(&stale));
        cg.create().unwrap();
        assert!(cg.exists());
        sup.remove(&stale).await.unwrap();
        assert!(!cg.exists(), "the stale cgroup was not removed");
        sup.shutdown().await;
    }

    /// A server killed with SIGKILL leaves `kubicle/<id>` cgroups behind (its control planes
    /// exit on stdin EOF, nobody removes their cgroups). The next supervisor on that data dir
    /// removes the empty ones of its own clusters, and nothing else.
    #[tokio::test]
    async fn a_new_supervisor_removes_the_empty_cgroups_of_its_clusters() {
        if let Err(why) = cgroups_writable() {
            eprintln!(
                "SKIP a_new_supervisor_removes_the_empty_cgroups_of_its_clusters: cgroups are not writable here ({why})"
            );
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let clusters = dir.path().join("clusters");
        let (empty, busy, foreign) = (
            ClusterId::new_random(),
            ClusterId::new_random(),
            ClusterId::new_random(),
        );
        for id in [&empty, &busy] {
            std::fs::create_dir_all(clusters.join(id.as_str())).unwrap();
        }
        /// Kills the sleeper and removes the test's cgroups, also when an assertion failed.
        struct Cleanup(Vec<cgroups_rs::Cgroup>, Option<std::process::Child>);
        impl Drop for Cleanup {
            fn drop(&mut self) {
                if let Some(mut p) = self.1.take() {
                    let _ = p.kill();
                    let _ = p.wait();
                }
                for cg in &self.0 {
                    let _ = cg.delete();
                }
            }
        }
        let mut cleanup = Cleanup(Vec::new(), None);
        for id in [&empty, &busy, &foreign] {
            let cg = load_cgroup(&cgroup_path(id));
            set_limits(&cg, &limits()).unwrap();
            cleanup.0.push(cg);
        }
        // A process still in a cgroup of ours (one that did not exit): left alone.
        let sleeper = std::process::Command::new("sleep")
            .arg("60")
            .spawn()
            .unwrap();
        cleanup.0[1]
            .add_task_by_tgid(cgroups_rs::CgroupPid::from(u64::from(sleeper.id())))
            .unwrap();
        cleanup.1 = Some(sleeper);
        let dirs = |id: &ClusterId| -> Vec<PathBuf> {
            parent_cgroup_dirs()
                .into_iter()
                .map(|d| d.join(id.as_str()))
                .collect()
        };
        assert!(!dirs(&empty).is_empty());
        for id in [&empty, &busy, &foreign] {
            for d in dirs(id) {
                assert!(d.is_dir(), "{} was not created", d.display());
            }
        }

        let sup = supervisor(dir.path());
        for d in dirs(&empty) {
            assert!(
                !d.exists(),
                "the leftover cgroup {} is still there",
                d.display()
            );
        }
        for d in dirs(&busy).into_iter().chain(dirs(&foreign)) {
            assert!(d.is_dir(), "{} was removed", d.display());
        }
        // The cluster itself still works, in a fresh cgroup.
        drop(sup.acquire(&empty).await.unwrap());
        assert_eq!(sup.cgroup(&empty), Some(cgroup_path(&empty)));
        sup.shutdown().await;

        drop(cleanup);
        for d in dirs(&busy).into_iter().chain(dirs(&foreign)) {
            assert!(!d.exists(), "cleanup of {} failed", d.display());
        }
    }
}
