//! SQLite-backed [`Store`]: one database file per cluster.
//!
//! This module owns the on-disk format of one cluster's objects and history, the single writer
//! thread (group commit, compaction, WAL checkpoints), the in-memory index of the latest state
//! that serves `get` and `list`, and the in-memory event history (the watch cache) that serves
//! watches and snapshots at older revisions. It knows nothing of Kubernetes beyond
//! `metadata.resourceVersion`, and it must not be opened twice on the same file (the database
//! is locked exclusively while open). The design is described in docs/storage.md.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt::Display;
use std::ops::Bound;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use futures::FutureExt;
use futures::future::BoxFuture;
use parking_lot::{Mutex, RwLock};
use rusqlite::{Connection, ErrorCode, OpenFlags, TransactionBehavior, params};
use serde_json::Value;
use tokio::sync::{oneshot, watch};

use super::{
    Event, EventKind, ListOptions, ListResult, Result, Revision, Rv, Store, StoreError, Watcher,
};

/// Tuning of a [`SqliteStore`]. `SqliteOptions::default()` suits a small tenant cluster.
#[derive(Debug, Clone)]
pub struct SqliteOptions {
    /// The most write requests committed together in one transaction (group commit).
    pub max_batch: usize,
    /// The SQLite page cache of the write connection, in KiB (reads never touch SQLite).
    pub cache_kib: u32,
    /// WAL size in pages after which a commit copies the WAL back into the database.
    pub wal_autocheckpoint_pages: u32,
    /// After a checkpoint the WAL file is truncated to at most this many bytes.
    pub wal_size_limit: u64,
    /// Automatic compaction keeps at least the history of this long ago ...
    pub retain: Duration,
    /// ... and at least this many revisions ...
    pub retain_min_revisions: u64,
    /// ... but never more than this many revisions (this bounds the watch cache's memory).
    pub retain_max_revisions: u64,
    /// Whether the writer compacts on its own (`compact` works either way).
    pub auto_compact: bool,
    /// How often the writer checks whether to compact, and checkpoints when writes are idle.
    pub maintenance_interval: Duration,
    /// While compacting, each writer round deletes up to this many log rows, plus one per write
    /// in the round's batch up to three times this (so that compaction keeps pace with
    /// writes), and prunes as many history events.
    pub compact_chunk: usize,
    /// An upper bound on the database file's size (a storage quota); writes beyond it fail.
    pub max_db_bytes: Option<u64>,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        SqliteOptions {
            max_batch: 1024,
            cache_kib: 1024,
            wal_autocheckpoint_pages: 1000,
            wal_size_limit: 4 << 20,
            retain: Duration::from_secs(300),
            retain_min_revisions: 1000,
            retain_max_revisions: 50_000,
            auto_compact: true,
            maintenance_interval: Duration::from_secs(10),
            compact_chunk: 128,
            max_db_bytes: None,
        }
    }
}

impl SqliteOptions {
    fn validate(&self) -> Result<()> {
        let bad = |what: &str| Err(StoreError::Invalid(format!("sqlite options: {what}")));
        if self.max_batch == 0 {
            return bad("max_batch must be at least 1");
        }
        if self.compact_chunk == 0 {
            return bad("compact_chunk must be at least 1");
        }
        if self.retain_min_revisions > self.retain_max_revisions {
            return bad("retain_min_revisions exceeds retain_max_revisions");
        }
        if self.maintenance_interval.is_zero() {
            return bad("maintenance_interval must not be zero");
        }
        Ok(())
    }
}

/// Counters describing what the writer has done, for benchmarks and metrics.
#[derive(Debug, Clone, Default)]
pub struct SqliteStats {
    /// Transactions committed.
    pub commits: u64,
    /// Creates, updates and deletes committed.
    pub writes: u64,
    /// The most writes committed in one transaction.
    pub largest_batch: u64,
    /// Log rows deleted by compaction.
    pub rows_compacted: u64,
    /// Compaction work still queued: history events to prune plus log rows to delete.
    pub compaction_backlog: u64,
    /// Compaction steps done (a chunk of history pruned, or a chunk of rows deleted).
    pub compaction_steps: u64,
    /// The longest time, in microseconds, one compaction step kept the writer from writing
    /// (the commit that follows is shared with the batch and not counted).
    pub max_compaction_step_us: u64,
    /// An upper bound of the 99th percentile of compaction step times, in microseconds.
    pub p99_compaction_step_us: u64,
    /// Events held in the in-memory history.
    pub history_len: usize,
    /// Objects in the latest state.
    pub objects: usize,
}

/// A [`Store`] keeping one cluster in one SQLite database file.
pub struct SqliteStore {
    shared: Arc<Shared>,
    tx: mpsc::Sender<Msg>,
    writer: Mutex<Option<JoinHandle<()>>>,
}

/// What readers, watchers and the writer share.
struct Shared {
    state: RwLock<State>,
    /// The latest published revision; watchers wait on it.
    published: watch::Sender<Rv>,
    counters: Counters,
}

#[derive(Default)]
struct Counters {
    commits: AtomicU64,
    writes: AtomicU64,
    largest_batch: AtomicU64,
    rows_compacted: AtomicU64,
    backlog: AtomicU64,
    max_step_us: AtomicU64,
    /// Compaction step times: bucket `i` counts steps of less than `2^i` microseconds.
    step_hist: [AtomicU64; STEP_BUCKETS],
}

const STEP_BUCKETS: usize = 24;

impl Counters {
    fn record_step(&self, spent: Duration) {
        let us = spent.as_micros() as u64;
        self.max_step_us.fetch_max(us, Ordering::Relaxed);
        let bucket = (u64::BITS - us.leading_zeros()) as usize;
        self.step_hist[bucket.min(STEP_BUCKETS - 1)].fetch_add(1, Ordering::Relaxed);
    }

    /// (steps, upper bound of the 99th percentile in microseconds)
    fn step_p99(&self) -> (u64, u64) {
        let hist: Vec<u64> = self
            .step_hist
            .iter()
            .map(|b| b.load(Ordering::Relaxed))
            .collect();
        let total: u64 = hist.iter().sum();
        let mut seen = 0;
        for (i, n) in hist.iter().enumerate() {
            seen += n;
            if seen * 100 >= total * 99 && total > 0 {
                return (total, 1 << i);
            }
        }
        (total, 0)
    }
}

/// The latest committed state and the retained history. Only the writer thread mutates it.
struct State {
    objects: BTreeMap<Arc<str>, Arc<Revision>>,
    /// Every event with revision above `compacted` (and, until pruned, a few below), in order.
    history: VecDeque<Arc<Event>>,
    current: Rv,
    compacted: Rv,
    closed: bool,
}

enum Msg {
    Write(WriteRequest),
    Compact(Rv, oneshot::Sender<Result<()>>),
    Close(Option<oneshot::Sender<()>>),
}

struct WriteRequest {
    key: Arc<str>,
    op: Op,
    reply: oneshot::Sender<Result<Arc<Revision>>>,
}

enum Op {
    Create(Value),
    Update { expected: Option<Rv>, value: Value },
    Delete { expected: Option<Rv> },
}

const KIND_ADDED: u8 = 0;
const KIND_MODIFIED: u8 = 1;
const KIND_DELETED: u8 = 2;

const SCHEMA_VERSION: i64 = 1;
const SCHEMA: &str = "
CREATE TABLE meta (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE log (
    rv INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    kind INTEGER NOT NULL,
    create_rv INTEGER NOT NULL,
    prev_rv INTEGER,
    ts INTEGER NOT NULL,
    value BLOB NOT NULL
);
INSERT INTO meta (name, value) VALUES ('current_rv', 0), ('compacted_rv', 0);
PRAGMA user_version = 1;
";

fn backend(e: impl Display) -> StoreError {
    StoreError::Backend(e.to_string())
}

fn unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path`, loads the latest state and the
    /// retained history into memory, and starts the writer thread. Works inside and outside a
    /// tokio runtime (it blocks while loading).
    pub fn open(path: &Path, opts: SqliteOptions) -> Result<Arc<SqliteStore>> {
        opts.validate()?;
        if !path.exists() {
            create_fresh(path)?;
        }
        let mut conn = open_connection(path, &opts)
            .map_err(|e| backend(format!("cannot open {}: {e}", path.display())))?;
        let mode: String = conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .map_err(backend)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(backend(format!(
                "cannot use a write-ahead log (journal_mode is {mode})"
            )));
        }
        init_schema(&mut conn)?;
        let loaded = load(&conn)?;
        sync_parent_dir(path)?;

        let (published, _) = watch::channel(loaded.current);
        let shared = Arc::new(Shared {
            state: RwLock::new(State {
                objects: loaded.objects,
                history: loaded.history,
                current: loaded.current,
                compacted: loaded.compacted,
                closed: false,
            }),
            published,
            counters: Counters {
                backlog: AtomicU64::new(loaded.garbage.len() as u64),
                ..Counters::default()
            },
        });
        let (tx, rx) = mpsc::channel();
        let writer = WriterThread {
            conn,
            rx,
            shared: shared.clone(),
            opts,
            garbage: loaded.garbage,
            pending_compact: None,
            compact_waiters: Vec::new(),
            buckets: loaded.buckets,
            failed: None,
            retry_at: None,
            writes_since_tick: 0,
            wal_dirty: true,
        };
        let handle = std::thread::Builder::new()
            .name("store-writer".into())
            .spawn(move || writer.run())
            .map_err(|e| backend(format!("cannot start writer thread: {e}")))?;
        Ok(Arc::new(SqliteStore {
            shared,
            tx,
            writer: Mutex::new(Some(handle)),
        }))
    }

    /// Stops the writer after it has committed every request sent before this call, checkpoints
    /// and truncates the WAL, and closes the database. Later writes fail with `Closed`; reads
    /// keep answering from memory; watchers drain what was committed, then end with `Closed`.
    /// Blocks until the writer has stopped (a few milliseconds).
    pub fn close(&self) -> Result<()> {
        let Some(handle) = self.writer.lock().take() else {
            return Ok(());
        };
        let _ = self.tx.send(Msg::Close(None));
        handle
            .join()
            .map_err(|_| backend("store writer thread panicked"))
    }

    /// Like [`SqliteStore::close`], but waits without blocking the async runtime.
    pub async fn shutdown(&self) -> Result<()> {
        let (tx, rx) = oneshot::channel();
        if self.tx.send(Msg::Close(Some(tx))).is_ok() {
            let _ = rx.await;
        }
        // The writer answers as the very last thing it does, so this join returns at once.
        self.close()
    }

    /// What the writer has done so far.
    pub fn stats(&self) -> SqliteStats {
        let c = &self.shared.counters;
        let (history_len, objects) = {
            let st = self.shared.state.read();
            (st.history.len(), st.objects.len())
        };
        let (compaction_steps, p99_compaction_step_us) = c.step_p99();
        SqliteStats {
            commits: c.commits.load(Ordering::Relaxed),
            writes: c.writes.load(Ordering::Relaxed),
            largest_batch: c.largest_batch.load(Ordering::Relaxed),
            rows_compacted: c.rows_compacted.load(Ordering::Relaxed),
            compaction_backlog: c.backlog.load(Ordering::Relaxed),
            compaction_steps,
            max_compaction_step_us: c.max_step_us.load(Ordering::Relaxed),
            p99_compaction_step_us,
            history_len,
            objects,
        }
    }

    fn submit(&self, key: &str, op: Op) -> BoxFuture<'static, Result<Arc<Revision>>> {
        if key.is_empty() {
            return futures::future::ready(Err(StoreError::Invalid("empty key".into()))).boxed();
        }
        let op = match op {
            Op::Create(value) => prepare_value(value).map(Op::Create),
            Op::Update { expected, value } => {
                prepare_value(value).map(|value| Op::Update { expected, value })
            }
            delete @ Op::Delete { .. } => Ok(delete),
        };
        let op = match op {
            Ok(op) => op,
            Err(e) => return futures::future::ready(Err(e)).boxed(),
        };
        let (reply, rx) = oneshot::channel();
        let request = WriteRequest {
            key: Arc::from(key),
            op,
            reply,
        };
        if self.tx.send(Msg::Write(request)).is_err() {
            return futures::future::ready(Err(StoreError::Closed)).boxed();
        }
        async move { rx.await.unwrap_or(Err(StoreError::Closed)) }.boxed()
    }
}

impl Drop for SqliteStore {
    fn drop(&mut self) {
        if let Err(e) = self.close() {
            tracing::error!(error = %e, "closing the store failed");
        }
    }
}

/// Checks that `value` can carry a resourceVersion and reserves its slot, so that the writer
/// only has to fill it in.
fn prepare_value(mut value: Value) -> Result<Value> {
    let Some(object) = value.as_object_mut() else {
        return Err(StoreError::Invalid("value is not a JSON object".into()));
    };
    let metadata = object
        .entry("metadata")
        .or_insert_with(|| Value::Object(Default::default()));
    let Some(metadata) = metadata.as_object_mut() else {
        return Err(StoreError::Invalid("metadata is not a JSON object".into()));
    };
    metadata.insert("resourceVersion".into(), Value::String(String::new()));
    Ok(value)
}

/// Builds a revision: sets `metadata.resourceVersion` to `rv` and encodes the value.
fn make_revision(key: Arc<str>, rv: Rv, create_rv: Rv, mut value: Value) -> Result<Revision> {
    let metadata = value
        .as_object_mut()
        .and_then(|o| {
            o.entry("metadata")
                .or_insert_with(|| Value::Object(Default::default()))
                .as_object_mut()
        })
        .ok_or_else(|| StoreError::Invalid("metadata is not a JSON object".into()))?;
    metadata.insert("resourceVersion".into(), Value::String(rv.to_string()));
    let bytes = serde_json::to_vec(&value).map_err(|e| StoreError::Invalid(e.to_string()))?;
    Ok(Revision {
        key,
        rv,
        create_rv,
        value,
        bytes: Bytes::from(bytes),
    })
}

/// Checks one write's precondition against `current` and builds its event.
fn apply(key: &Arc<str>, op: Op, current: Option<Arc<Revision>>, rv: Rv) -> Result<Event> {
    let check = |cur: &Arc<Revision>, expected: Option<Rv>| match expected {
        Some(e) if e != cur.rv => Err(StoreError::Conflict {
            current: cur.clone(),
        }),
        _ => Ok(()),
    };
    match op {
        Op::Create(value) => match current {
            Some(cur) => Err(StoreError::AlreadyExists { current: cur }),
            None => Ok(Event {
                kind: EventKind::Added,
                object: Arc::new(make_revision(key.clone(), rv, rv, value)?),
                prev: None,
            }),
        },
        Op::Update { expected, value } => {
            let cur = current.ok_or(StoreError::NotFound)?;
            check(&cur, expected)?;
            Ok(Event {
                kind: EventKind::Modified,
                object: Arc::new(make_revision(key.clone(), rv, cur.create_rv, value)?),
                prev: Some(cur),
            })
        }
        Op::Delete { expected } => {
            let cur = current.ok_or(StoreError::NotFound)?;
            check(&cur, expected)?;
            let last = make_revision(key.clone(), rv, cur.create_rv, cur.value.clone())?;
            Ok(Event {
                kind: EventKind::Deleted,
                object: Arc::new(last),
                prev: Some(cur),
            })
        }
    }
}

fn open_connection(path: &Path, opts: &SqliteOptions) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    // Waits only at open, for a previous process that is still letting go of the file.
    conn.busy_timeout(Duration::from_secs(2))?;
    // Exclusive before WAL: the WAL index lives in heap memory (no -shm file, no mmap), and a
    // second process cannot open the cluster while this one runs.
    conn.pragma_update(None, "locking_mode", "EXCLUSIVE")?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "cache_size", -i64::from(opts.cache_kib))?;
    conn.pragma_update(None, "wal_autocheckpoint", opts.wal_autocheckpoint_pages)?;
    conn.pragma_update(None, "journal_size_limit", opts.wal_size_limit as i64)?;
    conn.pragma_update(None, "mmap_size", 0)?;
    if let Some(max) = opts.max_db_bytes {
        let page_size: u64 = conn.pragma_query_value(None, "page_size", |r| r.get(0))?;
        conn.pragma_update(None, "max_page_count", (max / page_size).max(1) as i64)?;
    }
    conn.set_prepared_statement_cache_capacity(8);
    Ok(conn)
}

fn init_schema(conn: &mut Connection) -> Result<()> {
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(backend)?;
    match version {
        0 => {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(backend)?;
            tx.execute_batch(SCHEMA).map_err(backend)?;
            tx.commit().map_err(backend)
        }
        SCHEMA_VERSION => Ok(()),
        v => Err(backend(format!("unsupported schema version {v}"))),
    }
}

/// Creates a new, empty database at `path` atomically: it is built under a temporary name
/// without per-statement fsyncs, synced once, and renamed into place. A crash before the
/// rename leaves only the temporary file, which the next creation replaces; a new cluster's
/// database thus costs two fsyncs instead of one per schema step.
fn create_fresh(path: &Path) -> Result<()> {
    let mut tmp_name = path.as_os_str().to_owned();
    tmp_name.push(".init");
    let tmp = std::path::PathBuf::from(tmp_name);
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = tmp.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(std::path::PathBuf::from(p));
    }
    {
        let mut conn = Connection::open(&tmp)
            .map_err(|e| backend(format!("cannot create {}: {e}", tmp.display())))?;
        conn.pragma_update(None, "synchronous", "OFF")
            .map_err(backend)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(backend)?;
        init_schema(&mut conn)?;
        // Closing the only connection checkpoints the WAL into the file and removes it.
        conn.close().map_err(|(_, e)| backend(e))?;
    }
    std::fs::File::open(&tmp)
        .and_then(|f| f.sync_all())
        .map_err(|e| backend(format!("cannot sync {}: {e}", tmp.display())))?;
    std::fs::rename(&tmp, path)
        .map_err(|e| backend(format!("cannot rename {} into place: {e}", tmp.display())))?;
    sync_parent_dir(path)
}

/// Makes the directory entries of the database and its WAL durable.
fn sync_parent_dir(path: &Path) -> Result<()> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::File::open(parent)
        .and_then(|d| d.sync_all())
        .map_err(|e| backend(format!("cannot sync {}: {e}", parent.display())))
}

/// What `open` reads back from the database.
struct Loaded {
    objects: BTreeMap<Arc<str>, Arc<Revision>>,
    history: VecDeque<Arc<Event>>,
    current: Rv,
    compacted: Rv,
    /// Rows that an interrupted compaction left behind, in the order they must be deleted.
    garbage: VecDeque<Rv>,
    buckets: VecDeque<(u64, Rv)>,
}

/// Replays the log: rows at or below the compacted revision fold into the base snapshot, rows
/// above it become the event history.
fn load(conn: &Connection) -> Result<Loaded> {
    let meta = |name: &str| {
        conn.query_row("SELECT value FROM meta WHERE name = ?1", [name], |r| {
            r.get::<_, u64>(0)
        })
        .map_err(backend)
    };
    let meta_current = meta("current_rv")?;
    let compacted = meta("compacted_rv")?;
    let corrupt = |rv: Rv, what: &str| backend(format!("corrupt history at revision {rv}: {what}"));

    let mut objects: BTreeMap<Arc<str>, Arc<Revision>> = BTreeMap::new();
    let mut history = VecDeque::new();
    let mut garbage = VecDeque::new();
    let mut buckets = VecDeque::new();
    let mut last_rv = 0;
    let mut stmt = conn
        .prepare("SELECT rv, key, kind, create_rv, prev_rv, ts, value FROM log ORDER BY rv")
        .map_err(backend)?;
    let mut rows = stmt.query([]).map_err(backend)?;
    while let Some(row) = rows.next().map_err(backend)? {
        let read = || -> rusqlite::Result<_> {
            Ok((
                row.get::<_, u64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, u8>(2)?,
                row.get::<_, u64>(3)?,
                row.get::<_, Option<u64>>(4)?,
                row.get::<_, u64>(5)?,
                row.get::<_, Vec<u8>>(6)?,
            ))
        };
        let (rv, key, kind, create_rv, prev_rv, ts, value) = read().map_err(backend)?;
        last_rv = rv;
        let (key, prev) = match objects.get_key_value(key.as_str()) {
            Some((k, v)) => (k.clone(), Some(v.clone())),
            None => (Arc::<str>::from(key), None),
        };
        let decode = |key: Arc<str>, value: Vec<u8>| -> Result<Arc<Revision>> {
            let parsed: Value =
                serde_json::from_slice(&value).map_err(|e| corrupt(rv, &e.to_string()))?;
            Ok(Arc::new(Revision {
                key,
                rv,
                create_rv,
                value: parsed,
                bytes: Bytes::from(value),
            }))
        };
        if rv <= compacted {
            // Base snapshot. Superseded rows and deletions here are leftovers of a compaction
            // that was interrupted; queue them for deletion in the order they were superseded.
            if let Some(p) = &prev {
                garbage.push_back(p.rv);
            }
            if kind == KIND_DELETED {
                garbage.push_back(rv);
                objects.remove(&*key);
            } else {
                objects.insert(key.clone(), decode(key, value)?);
            }
            continue;
        }
        let matches_prev = prev.as_ref().map(|p| p.rv) == prev_rv;
        let event = match kind {
            KIND_ADDED if prev.is_none() && prev_rv.is_none() && create_rv == rv => Event {
                kind: EventKind::Added,
                object: decode(key.clone(), value)?,
                prev: None,
            },
            KIND_MODIFIED if prev.is_some() && matches_prev => Event {
                kind: EventKind::Modified,
                object: decode(key.clone(), value)?,
                prev,
            },
            KIND_DELETED if prev.is_some() && matches_prev => {
                let p = prev.clone().expect("checked above");
                let last = make_revision(key.clone(), rv, p.create_rv, p.value.clone())?;
                Event {
                    kind: EventKind::Deleted,
                    object: Arc::new(last),
                    prev,
                }
            }
            _ => {
                return Err(corrupt(
                    rv,
                    "row does not follow the previous state of its key",
                ));
            }
        };
        if event.kind == EventKind::Deleted {
            objects.remove(&*key);
        } else {
            objects.insert(key, event.object.clone());
        }
        history.push_back(Arc::new(event));
        note_commit(&mut buckets, ts, rv);
    }
    let current = meta_current.max(last_rv);
    if compacted > current {
        return Err(corrupt(
            compacted,
            "compacted revision is above the current one",
        ));
    }
    Ok(Loaded {
        objects,
        history,
        current,
        compacted,
        garbage,
        buckets,
    })
}

/// Records that revisions up to `rv` were committed at `ts_ms`, one bucket per second.
fn note_commit(buckets: &mut VecDeque<(u64, Rv)>, ts_ms: u64, rv: Rv) {
    let sec = ts_ms / 1000;
    match buckets.back_mut() {
        Some(last) if last.0 >= sec => last.1 = rv,
        _ => buckets.push_back((sec, rv)),
    }
}

/// Why a write transaction failed.
enum TxnError {
    /// A statement failed; the transaction was rolled back.
    Statement(rusqlite::Error),
    /// COMMIT itself failed.
    Commit(rusqlite::Error),
}

impl Display for TxnError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TxnError::Statement(e) | TxnError::Commit(e) => write!(f, "{e}"),
        }
    }
}

/// One write transaction: the batch's rows, the revision counters, a chunk of compaction.
/// Returns how long the compaction deletes took.
fn write_txn(
    conn: &mut Connection,
    events: &[Arc<Event>],
    ts: u64,
    current: Option<Rv>,
    compacted: Option<Rv>,
    garbage: &[Rv],
) -> Result<Duration, TxnError> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(TxnError::Statement)?;
    let fill = || -> rusqlite::Result<Duration> {
        let mut insert = tx.prepare_cached(
            "INSERT INTO log (rv, key, kind, create_rv, prev_rv, ts, value) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for ev in events {
            let o = &ev.object;
            let (kind, value): (u8, &[u8]) = match ev.kind {
                EventKind::Added => (KIND_ADDED, &o.bytes[..]),
                EventKind::Modified => (KIND_MODIFIED, &o.bytes[..]),
                // The last value is the previous row's, with the deletion's resourceVersion.
                EventKind::Deleted => (KIND_DELETED, &[]),
            };
            let prev_rv = ev.prev.as_ref().map(|p| p.rv);
            insert.execute(params![
                o.rv,
                &*o.key,
                kind,
                o.create_rv,
                prev_rv,
                ts,
                value
            ])?;
        }
        let mut set_meta = tx.prepare_cached("UPDATE meta SET value = ?2 WHERE name = ?1")?;
        if let Some(rv) = current {
            set_meta.execute(params!["current_rv", rv])?;
        }
        if let Some(rv) = compacted {
            set_meta.execute(params!["compacted_rv", rv])?;
        }
        let started = Instant::now();
        if !garbage.is_empty() {
            let mut delete = tx.prepare_cached("DELETE FROM log WHERE rv = ?1")?;
            for rv in garbage {
                delete.execute([rv])?;
            }
        }
        Ok(started.elapsed())
    };
    let spent = fill().map_err(TxnError::Statement)?;
    tx.commit().map_err(TxnError::Commit)?;
    Ok(spent)
}

/// The writer thread: the only owner of the database connection and the only mutator of
/// [`State`].
struct WriterThread {
    conn: Connection,
    rx: mpsc::Receiver<Msg>,
    shared: Arc<Shared>,
    opts: SqliteOptions,
    /// Log rows to delete, oldest superseding event first (see docs/storage.md).
    garbage: VecDeque<Rv>,
    /// A compacted revision to persist in the next transaction.
    pending_compact: Option<Rv>,
    compact_waiters: Vec<oneshot::Sender<Result<()>>>,
    /// (unix second, last revision committed in it) for time-based retention.
    buckets: VecDeque<(u64, Rv)>,
    /// Set after a COMMIT failed with an I/O error: the file's state is then unknown, so the
    /// store refuses writes until it is reopened.
    failed: Option<String>,
    /// After a failed transaction, background work waits until then.
    retry_at: Option<Instant>,
    writes_since_tick: u64,
    wal_dirty: bool,
}

impl WriterThread {
    fn run(mut self) {
        let mut next_tick = Instant::now();
        let mut close: Option<Option<oneshot::Sender<()>>> = None;
        while close.is_none() {
            let now = Instant::now();
            if self.retry_at.is_some_and(|at| at <= now) {
                self.retry_at = None;
            }
            let timeout = if self.has_compaction_work() {
                Duration::ZERO
            } else {
                let until_tick = next_tick.saturating_duration_since(now);
                match self.retry_at {
                    Some(at) => until_tick.min(at - now),
                    None => until_tick,
                }
            };
            let mut writes = Vec::new();
            let mut compacts = Vec::new();
            match self.rx.recv_timeout(timeout) {
                Ok(msg) => {
                    let mut msg = Some(msg);
                    while let Some(m) = msg.take() {
                        match m {
                            Msg::Write(w) => writes.push(w),
                            Msg::Compact(rv, reply) => compacts.push((rv, reply)),
                            Msg::Close(reply) => {
                                close = Some(reply);
                                break;
                            }
                        }
                        if writes.len() < self.opts.max_batch {
                            msg = self.rx.try_recv().ok();
                        }
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => close = Some(None),
            }
            self.step(writes, compacts);
            if Instant::now() >= next_tick {
                self.maintain();
                next_tick = Instant::now() + self.opts.maintenance_interval;
            }
        }
        self.finish();
        if let Some(Some(reply)) = close {
            let _ = reply.send(());
        }
    }

    fn compacted(&self) -> Rv {
        self.shared.state.read().compacted
    }

    /// The compacted revision once the pending one is written.
    fn compact_goal(&self) -> Rv {
        self.compacted().max(self.pending_compact.unwrap_or(0))
    }

    fn has_compaction_work(&self) -> bool {
        if self.failed.is_some() || self.retry_at.is_some_and(|at| Instant::now() < at) {
            return false;
        }
        if self.pending_compact.is_some() || !self.garbage.is_empty() {
            return true;
        }
        let st = self.shared.state.read();
        st.history.front().is_some_and(|e| e.rv() <= st.compacted)
    }

    /// One round: the batch (if any) plus one chunk of compaction, then one chunk of pruning.
    fn step(&mut self, writes: Vec<WriteRequest>, compacts: Vec<(Rv, CompactReply)>) {
        let background = self.has_compaction_work();
        // Compaction keeps pace with writes, up to four chunks a round.
        let chunk = self.opts.compact_chunk;
        let budget = chunk + writes.len().min(3 * chunk);
        if !writes.is_empty() || !compacts.is_empty() || background {
            self.commit_batch(writes, compacts, background.then_some(budget));
        }
        // Feed the garbage queue about as fast as it is drained: with slack, rounds alternate
        // between deleting and pruning rather than doing both.
        if background && self.garbage.len() < 2 * budget {
            self.prune_history(budget);
        }
        self.update_backlog(&self.shared.state.read());
    }

    fn update_backlog(&self, st: &State) {
        let pruning = st.history.partition_point(|e| e.rv() <= st.compacted);
        let backlog = self.garbage.len() + pruning;
        self.shared
            .counters
            .backlog
            .store(backlog as u64, Ordering::Relaxed);
    }

    fn commit_batch(
        &mut self,
        writes: Vec<WriteRequest>,
        compacts: Vec<(Rv, CompactReply)>,
        delete_budget: Option<usize>,
    ) {
        let (current, compacted) = {
            let st = self.shared.state.read();
            (st.current, st.compacted)
        };
        for (rv, reply) in compacts {
            let target = rv.min(current);
            if target > self.compact_goal() {
                self.pending_compact = Some(target);
            }
            self.compact_waiters.push(reply);
        }
        if let Some(reason) = &self.failed {
            let refuse = || StoreError::Backend(reason.clone());
            for w in writes {
                let _ = w.reply.send(Err(refuse()));
            }
            for reply in self.compact_waiters.drain(..) {
                let _ = reply.send(Err(refuse()));
            }
            return;
        }

        // Check every request in order against the latest state and the earlier requests of
        // this batch, and assign revisions.
        let mut outcomes = Vec::with_capacity(writes.len());
        let mut events = Vec::new();
        let mut next = current;
        if !writes.is_empty() {
            let st = self.shared.state.read();
            let mut overlay: HashMap<Arc<str>, Option<Arc<Revision>>> = HashMap::new();
            for w in writes {
                let cur = match overlay.get(&w.key) {
                    Some(c) => c.clone(),
                    None => st.objects.get(&*w.key).cloned(),
                };
                match apply(&w.key, w.op, cur, next + 1) {
                    Ok(ev) => {
                        next += 1;
                        let ev = Arc::new(ev);
                        let after = (ev.kind != EventKind::Deleted).then(|| ev.object.clone());
                        overlay.insert(w.key, after);
                        outcomes.push((w.reply, Ok(ev.object.clone())));
                        events.push(ev);
                    }
                    Err(e) => outcomes.push((w.reply, Err(e))),
                }
            }
        }

        let compact_to = self.pending_compact.filter(|&c| c > compacted);
        let chunk: Vec<Rv> = match delete_budget {
            Some(n) => self.garbage.iter().take(n).copied().collect(),
            None => Vec::new(),
        };
        let ts = unix_ms();
        let mut result = Ok(Duration::ZERO);
        if !events.is_empty() || compact_to.is_some() || !chunk.is_empty() {
            let advanced = (next != current).then_some(next);
            result = write_txn(&mut self.conn, &events, ts, advanced, compact_to, &chunk);
        }
        let mut noted = false;
        if let Err(err) = &result
            && !events.is_empty()
        {
            // Nothing of the batch was kept: every request in it fails.
            let reason = self.note_failure(err);
            noted = true;
            for (reply, _) in outcomes.drain(..) {
                let _ = reply.send(Err(StoreError::Backend(reason.clone())));
            }
            events.clear();
            next = current;
            // Compaction rode along and was rolled back too; retry it on its own so that a
            // failing write (a full quota, say) cannot starve it.
            if self.failed.is_none() && (compact_to.is_some() || !chunk.is_empty()) {
                result = write_txn(&mut self.conn, &[], ts, None, compact_to, &chunk);
                noted = false;
            }
        }
        match result {
            Ok(spent) => {
                self.retry_at = None;
                self.pending_compact = None;
                self.garbage.drain(..chunk.len());
                let counters = &self.shared.counters;
                if !events.is_empty() || compact_to.is_some() || !chunk.is_empty() {
                    self.wal_dirty = true;
                    counters.commits.fetch_add(1, Ordering::Relaxed);
                }
                let n = events.len() as u64;
                counters.writes.fetch_add(n, Ordering::Relaxed);
                counters.largest_batch.fetch_max(n, Ordering::Relaxed);
                if !chunk.is_empty() {
                    counters
                        .rows_compacted
                        .fetch_add(chunk.len() as u64, Ordering::Relaxed);
                    counters.record_step(spent);
                }
                // Publish, then answer: a caller that got its answer sees its write.
                {
                    let mut st = self.shared.state.write();
                    for ev in &events {
                        if ev.kind == EventKind::Deleted {
                            st.objects.remove(&*ev.object.key);
                        } else {
                            st.objects.insert(ev.object.key.clone(), ev.object.clone());
                        }
                        st.history.push_back(ev.clone());
                    }
                    st.current = next;
                    if let Some(c) = compact_to {
                        st.compacted = c;
                        self.update_backlog(&st);
                    }
                }
                if !events.is_empty() {
                    self.shared.published.send_replace(next);
                    note_commit(&mut self.buckets, ts, next);
                    self.writes_since_tick += n;
                }
                for (reply, outcome) in outcomes {
                    let _ = reply.send(outcome);
                }
                for reply in self.compact_waiters.drain(..) {
                    let _ = reply.send(Ok(()));
                }
                self.enforce_max_history(next);
            }
            Err(err) => {
                let reason = if noted {
                    err.to_string()
                } else {
                    self.note_failure(&err)
                };
                for (reply, _) in outcomes {
                    let _ = reply.send(Err(StoreError::Backend(reason.clone())));
                }
                // Waiters whose compaction was already in effect are answered as such.
                for reply in self.compact_waiters.drain(..) {
                    let outcome = match compact_to {
                        Some(_) => Err(StoreError::Backend(reason.clone())),
                        None => Ok(()),
                    };
                    let _ = reply.send(outcome);
                }
            }
        }
    }

    /// Logs a failed transaction, delays background work, and refuses further writes when
    /// COMMIT failed with an I/O error (the file's state is then unknown until reopened).
    fn note_failure(&mut self, err: &TxnError) -> String {
        self.retry_at = Some(Instant::now() + Duration::from_secs(1));
        if let TxnError::Commit(e) = err
            && e.sqlite_error_code() == Some(ErrorCode::SystemIoFailure)
        {
            tracing::error!(error = %e, "commit failed with an i/o error; refusing writes until reopened");
            self.failed = Some(format!("storage failed ({e}); the store must be reopened"));
        } else {
            tracing::warn!(error = %err, "write transaction failed");
        }
        err.to_string()
    }

    /// Compacts when the history holds more than `retain_max_revisions` (with some slack, so
    /// that compaction runs now and then rather than after every batch).
    fn enforce_max_history(&mut self, current: Rv) {
        if !self.opts.auto_compact {
            return;
        }
        let max = self.opts.retain_max_revisions;
        let goal = self.compact_goal();
        if current.saturating_sub(goal) > max + max / 8 {
            self.pending_compact = Some(current - max);
        }
    }

    /// Drops up to `max` compacted events from the history and queues the log rows
    /// they made obsolete: each event's previous row, and a deletion's own row.
    fn prune_history(&mut self, max: usize) {
        let started = Instant::now();
        let mut popped = Vec::new();
        let compacted = {
            let mut st = self.shared.state.write();
            let compacted = st.compacted;
            while popped.len() < max {
                match st.history.front() {
                    Some(ev) if ev.rv() <= compacted => popped.extend(st.history.pop_front()),
                    _ => break,
                }
            }
            compacted
        };
        if popped.is_empty() {
            return;
        }
        for ev in &popped {
            if let Some(prev) = &ev.prev {
                self.garbage.push_back(prev.rv);
            }
            if ev.kind == EventKind::Deleted {
                self.garbage.push_back(ev.rv());
            }
        }
        drop(popped);
        while self.buckets.front().is_some_and(|b| b.1 <= compacted) {
            self.buckets.pop_front();
        }
        self.shared.counters.record_step(started.elapsed());
    }

    /// Periodic work: time-based compaction, and when writes are idle, a truncating
    /// checkpoint and giving memory back.
    fn maintain(&mut self) {
        if self.opts.auto_compact
            && let Some(target) = self.auto_compact_target(unix_ms())
        {
            self.pending_compact = Some(target);
        }
        let idle = self.writes_since_tick == 0;
        self.writes_since_tick = 0;
        if idle && self.wal_dirty && !self.has_compaction_work() && self.failed.is_none() {
            match self.checkpoint() {
                Ok(()) => self.wal_dirty = false,
                Err(e) => tracing::warn!(error = %e, "idle checkpoint failed"),
            }
            let _ = self.conn.release_memory();
            let mut st = self.shared.state.write();
            if st.history.capacity() > 2 * st.history.len() + 64 {
                st.history.shrink_to_fit();
            }
        }
    }

    /// The revision to compact to now, if any: keep everything newer than `retain` and at least
    /// `retain_min_revisions`, but at most `retain_max_revisions`.
    fn auto_compact_target(&self, now_ms: u64) -> Option<Rv> {
        let current = self.shared.state.read().current;
        let goal = self.compact_goal();
        let cutoff_ms = now_ms.saturating_sub(self.opts.retain.as_millis() as u64);
        let mut old_enough = 0;
        for &(sec, rv) in &self.buckets {
            if (sec + 1) * 1000 > cutoff_ms {
                break;
            }
            old_enough = rv;
        }
        if self.buckets.is_empty() {
            // Nothing committed since the compacted revision was reached, or since open.
            old_enough = current;
        }
        let target = old_enough
            .min(current.saturating_sub(self.opts.retain_min_revisions))
            .max(current.saturating_sub(self.opts.retain_max_revisions));
        (target > goal).then_some(target)
    }

    fn checkpoint(&self) -> rusqlite::Result<()> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|_| ())
    }

    fn finish(&mut self) {
        if self.failed.is_none()
            && let Err(e) = self.checkpoint()
        {
            tracing::warn!(error = %e, "final checkpoint failed");
        }
        for reply in self.compact_waiters.drain(..) {
            let _ = reply.send(Err(StoreError::Closed));
        }
        let current = {
            let mut st = self.shared.state.write();
            st.closed = true;
            st.current
        };
        // Wakes every watcher, which then sees `closed` once it has drained the history.
        self.shared.published.send_replace(current);
    }
}

type CompactReply = oneshot::Sender<Result<()>>;

impl Store for SqliteStore {
    fn current_rv(&self) -> Rv {
        self.shared.state.read().current
    }

    fn compacted_rv(&self) -> Rv {
        self.shared.state.read().compacted
    }

    fn get(&self, key: &str) -> Option<Arc<Revision>> {
        self.shared.state.read().objects.get(key).cloned()
    }

    fn list(&self, opts: ListOptions<'_>) -> Result<ListResult> {
        let prefix = opts.prefix;
        let lower = match opts.start_after {
            Some(after) if after >= prefix => Bound::Excluded(after),
            _ => Bound::Included(prefix),
        };
        let (rv, candidates) = {
            let st = self.shared.state.read();
            let rv = match opts.at_rv {
                None => st.current,
                Some(rv) if rv < st.compacted => {
                    return Err(StoreError::Compacted {
                        requested: rv,
                        oldest: st.compacted,
                    });
                }
                Some(rv) if rv > st.current => {
                    return Err(StoreError::TooNew {
                        requested: rv,
                        current: st.current,
                    });
                }
                Some(rv) => rv,
            };
            let latest = st
                .objects
                .range::<str, _>((lower, Bound::Unbounded))
                .take_while(|(k, _)| k.starts_with(prefix));
            let candidates: Vec<Arc<Revision>> = if rv == st.current {
                latest.map(|(_, v)| v.clone()).collect()
            } else {
                snapshot_at(&st, latest, rv, prefix, opts.start_after)
            };
            (rv, candidates)
        };

        let limit = opts.limit.filter(|&l| l > 0);
        if opts.filter.is_none() && limit.is_none() {
            return Ok(ListResult {
                items: candidates,
                rv,
                continue_after: None,
                remaining: None,
            });
        }
        let mut items = Vec::new();
        let mut remaining = 0u64;
        for item in candidates {
            if opts.filter.is_some_and(|f| !f(&item)) {
                continue;
            }
            if limit.is_some_and(|l| items.len() >= l) {
                remaining += 1;
            } else {
                items.push(item);
            }
        }
        let cut = remaining > 0;
        Ok(ListResult {
            continue_after: cut
                .then(|| items.last().map(|r| r.key.to_string()))
                .flatten(),
            remaining: cut.then_some(remaining),
            items,
            rv,
        })
    }

    fn create(&self, key: &str, value: Value) -> BoxFuture<'_, Result<Arc<Revision>>> {
        self.submit(key, Op::Create(value))
    }

    fn update(
        &self,
        key: &str,
        expected: Option<Rv>,
        value: Value,
    ) -> BoxFuture<'_, Result<Arc<Revision>>> {
        self.submit(key, Op::Update { expected, value })
    }

    fn delete(&self, key: &str, expected: Option<Rv>) -> BoxFuture<'_, Result<Arc<Revision>>> {
        self.submit(key, Op::Delete { expected })
    }

    fn watch(&self, prefix: &str, after: Option<Rv>) -> Result<Box<dyn Watcher>> {
        let st = self.shared.state.read();
        if st.closed {
            return Err(StoreError::Closed);
        }
        let cursor = match after {
            None => st.current,
            Some(rv) if rv < st.compacted => {
                return Err(StoreError::Compacted {
                    requested: rv,
                    oldest: st.compacted,
                });
            }
            Some(rv) if rv > st.current => {
                return Err(StoreError::TooNew {
                    requested: rv,
                    current: st.current,
                });
            }
            Some(rv) => rv,
        };
        Ok(Box::new(SqliteWatcher {
            shared: self.shared.clone(),
            prefix: prefix.into(),
            cursor,
            buf: VecDeque::new(),
            rx: self.shared.published.subscribe(),
            ended: false,
        }))
    }

    fn compact(&self, rv: Rv) -> BoxFuture<'_, Result<()>> {
        let (reply, rx) = oneshot::channel();
        if self.tx.send(Msg::Compact(rv, reply)).is_err() {
            return futures::future::ready(Err(StoreError::Closed)).boxed();
        }
        async move { rx.await.unwrap_or(Err(StoreError::Closed)) }.boxed()
    }
}

/// The items of `latest` (already limited to the prefix and start key) as they were at `rv`:
/// every key changed after `rv` takes the state before its oldest change after `rv`.
fn snapshot_at<'a>(
    st: &'a State,
    latest: impl Iterator<Item = (&'a Arc<str>, &'a Arc<Revision>)>,
    rv: Rv,
    prefix: &str,
    start_after: Option<&str>,
) -> Vec<Arc<Revision>> {
    let mut older: BTreeMap<&str, Option<&Arc<Revision>>> = BTreeMap::new();
    for ev in st.history.iter().rev() {
        if ev.rv() <= rv {
            break;
        }
        let key = &*ev.object.key;
        if key.starts_with(prefix) && start_after.is_none_or(|after| key > after) {
            older.insert(key, ev.prev.as_ref());
        }
    }
    let mut out = Vec::new();
    let mut a = latest.peekable();
    let mut b = older.into_iter().peekable();
    loop {
        let take_a = match (a.peek(), b.peek()) {
            (None, None) => break,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some((ka, _)), Some((kb, _))) => {
                let order = (***ka).cmp(*kb);
                if order.is_eq() {
                    a.next();
                }
                order.is_lt()
            }
        };
        if take_a {
            out.extend(a.next().map(|(_, v)| v.clone()));
        } else if let Some((_, Some(v))) = b.next() {
            out.push(v.clone());
        }
    }
    out
}

/// Scans at most this many history events per read-lock acquisition.
const SCAN_LIMIT: usize = 4096;
/// Buffers at most this many matching events per scan.
const BUFFER_LIMIT: usize = 256;

/// A watcher reading the shared history from its own cursor: replay and live delivery are the
/// same loop, so nothing falls between them.
struct SqliteWatcher {
    shared: Arc<Shared>,
    prefix: Box<str>,
    /// The revision of the last event scanned (delivered or skipped as not matching).
    cursor: Rv,
    buf: VecDeque<Arc<Event>>,
    rx: watch::Receiver<Rv>,
    ended: bool,
}

/// What one scan of the history found.
enum Scan {
    /// Scanned to the end of the history.
    UpToDate { closed: bool },
    /// Stopped early; there is more to scan.
    More,
}

impl SqliteWatcher {
    fn scan(&mut self) -> Result<Scan> {
        let st = self.shared.state.read();
        if self.cursor < st.compacted {
            return Err(StoreError::WatcherLagged);
        }
        let start = st.history.partition_point(|e| e.rv() <= self.cursor);
        for (scanned, ev) in st.history.range(start..).enumerate() {
            if scanned == SCAN_LIMIT || self.buf.len() == BUFFER_LIMIT {
                return Ok(Scan::More);
            }
            self.cursor = ev.rv();
            if ev.object.key.starts_with(&*self.prefix) {
                self.buf.push_back(ev.clone());
            }
        }
        Ok(Scan::UpToDate { closed: st.closed })
    }
}

impl Watcher for SqliteWatcher {
    fn next(&mut self) -> BoxFuture<'_, Result<Arc<Event>>> {
        async move {
            loop {
                if let Some(ev) = self.buf.pop_front() {
                    return Ok(ev);
                }
                if self.ended {
                    return Err(StoreError::Closed);
                }
                // Mark the current revision seen before scanning: a commit published after
                // this point wakes `changed` below even if the scan already saw it.
                self.rx.borrow_and_update();
                match self.scan() {
                    Err(e) => {
                        self.ended = true;
                        return Err(e);
                    }
                    Ok(Scan::More) => continue,
                    Ok(Scan::UpToDate { closed }) => {
                        if !self.buf.is_empty() {
                            continue;
                        }
                        if closed {
                            self.ended = true;
                            return Err(StoreError::Closed);
                        }
                    }
                }
                if self.rx.changed().await.is_err() {
                    // Cannot happen while we hold `shared`, which owns the sender.
                    self.ended = true;
                    return Err(StoreError::Closed);
                }
            }
        }
        .boxed()
    }
}

#[cfg(test)]
mod tests;
