//! Crash safety of `kubicle apiserver`: kill -9 in the middle of concurrent writes and a watch,
//! then a restart on the same data directory, twice over.
//!
//! Every write acknowledged with a 2xx must survive with at least its data (a later write of the
//! same object may supersede it, acknowledged or not); revisions handed out after the restart
//! are greater than every revision seen before the crash; and a watch resumed from the last
//! revision the pre-crash watch saw delivers every later change exactly once, in order.
//!
//! The clients are a tiny HTTP/1.1 client over `TcpStream`, so that a write counts as
//! acknowledged exactly when a complete 2xx response arrived.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use kubicle_e2e::ApiServer;
use serde_json::{Value, json};

/// Concurrent writers.
const WRITERS: usize = 8;
/// Crash and restart rounds.
const CYCLES: usize = 2;
/// How long the writers run before the kill -9.
const RUN_BEFORE_KILL: Duration = Duration::from_millis(1500);
/// How long the resumed watch runs (its `timeoutSeconds`).
const RESUMED_WATCH_SECONDS: u64 = 3;
const NS: &str = "default";
/// Every object of this test has a name with this prefix.
const PREFIX: &str = "crash-";
const IO_TIMEOUT: Duration = Duration::from_secs(30);

// ---------------------------------------------------------------------------------------------
// a tiny HTTP/1.1 client

struct Response {
    status: u16,
    body: Vec<u8>,
}

impl Response {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "a {} response is not JSON ({e}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

/// Reads a response head: the status and the headers (names lowercased).
fn read_head(r: &mut impl BufRead) -> io::Result<(u16, BTreeMap<String, String>)> {
    let mut line = String::new();
    if r.read_line(&mut line)? == 0 {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| io::Error::other(format!("bad status line {line:?}")))?;
    let mut headers = BTreeMap::new();
    loop {
        line.clear();
        if r.read_line(&mut line)? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        let l = line.trim_end();
        if l.is_empty() {
            return Ok((status, headers));
        }
        if let Some((k, v)) = l.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
}

/// The decoded body of a `Transfer-Encoding: chunked` response.
struct Chunked<R> {
    inner: R,
    left: usize,
    done: bool,
}

impl<R: BufRead> Read for Chunked<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.done || buf.is_empty() {
            return Ok(0);
        }
        if self.left == 0 {
            let mut line = String::new();
            if self.inner.read_line(&mut line)? == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            let size = line.trim().split(';').next().unwrap_or("");
            let size = usize::from_str_radix(size, 16)
                .map_err(|_| io::Error::other(format!("bad chunk size line {line:?}")))?;
            if size == 0 {
                // trailers, then the empty line
                loop {
                    line.clear();
                    if self.inner.read_line(&mut line)? == 0 || line.trim_end().is_empty() {
                        break;
                    }
                }
                self.done = true;
                return Ok(0);
            }
            self.left = size;
        }
        let want = buf.len().min(self.left);
        let n = self.inner.read(&mut buf[..want])?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        self.left -= n;
        if self.left == 0 {
            let mut crlf = [0u8; 2];
            self.inner.read_exact(&mut crlf)?;
        }
        Ok(n)
    }
}

fn connect(addr: SocketAddr) -> io::Result<TcpStream> {
    let s = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    s.set_read_timeout(Some(IO_TIMEOUT))?;
    s.set_write_timeout(Some(IO_TIMEOUT))?;
    s.set_nodelay(true)?;
    Ok(s)
}

fn request_bytes(addr: SocketAddr, method: &str, path: &str, body: Option<&Value>) -> Vec<u8> {
    let body = body
        .map(|b| serde_json::to_vec(b).expect("encode a request body"))
        .unwrap_or_default();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json\r\n\
         User-Agent: kubicle-crash-test\r\nContent-Length: {}\r\n",
        body.len()
    );
    if !body.is_empty() {
        req.push_str("Content-Type: application/json\r\n");
    }
    req.push_str("\r\n");
    let mut bytes = req.into_bytes();
    bytes.extend_from_slice(&body);
    bytes
}

/// One keep-alive connection; any transport error drops it.
struct Conn {
    addr: SocketAddr,
    reader: Option<BufReader<TcpStream>>,
}

impl Conn {
    fn new(addr: SocketAddr) -> Conn {
        Conn { addr, reader: None }
    }

    fn request(&mut self, method: &str, path: &str, body: Option<&Value>) -> io::Result<Response> {
        let result = self.exchange(method, path, body);
        if result.is_err() {
            self.reader = None;
        }
        result
    }

    fn exchange(&mut self, method: &str, path: &str, body: Option<&Value>) -> io::Result<Response> {
        if self.reader.is_none() {
            self.reader = Some(BufReader::new(connect(self.addr)?));
        }
        let r = self.reader.as_mut().expect("connected");
        r.get_mut()
            .write_all(&request_bytes(self.addr, method, path, body))?;
        let (status, headers) = read_head(r)?;
        let mut body = Vec::new();
        if headers
            .get("transfer-encoding")
            .is_some_and(|t| t.eq_ignore_ascii_case("chunked"))
        {
            Chunked {
                inner: &mut *r,
                left: 0,
                done: false,
            }
            .read_to_end(&mut body)?;
        } else if let Some(len) = headers.get("content-length") {
            let len: usize = len
                .parse()
                .map_err(|_| io::Error::other("bad content-length"))?;
            body.resize(len, 0);
            r.read_exact(&mut body)?;
        } else {
            r.read_to_end(&mut body)?;
            self.reader = None;
        }
        if headers
            .get("connection")
            .is_some_and(|c| c.eq_ignore_ascii_case("close"))
        {
            self.reader = None;
        }
        Ok(Response { status, body })
    }
}

/// One request on a fresh connection; panics on transport errors.
#[track_caller]
fn call(addr: SocketAddr, method: &str, path: &str, body: Option<&Value>) -> Response {
    Conn::new(addr)
        .request(method, path, body)
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
}

fn collection() -> String {
    format!("/api/v1/namespaces/{NS}/configmaps")
}

fn rv_of(obj: &Value) -> u64 {
    obj["metadata"]["resourceVersion"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no numeric resourceVersion in {obj}"))
}

fn data_of(obj: &Value) -> BTreeMap<String, String> {
    serde_json::from_value(obj["data"].clone()).unwrap_or_default()
}

fn seq_of(data: &BTreeMap<String, String>) -> Option<u64> {
    data.get("seq").and_then(|s| s.parse().ok())
}

// ---------------------------------------------------------------------------------------------
// writers

/// One write a writer sent.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Attempt {
    name: String,
    create: bool,
    seq: u64,
    data: BTreeMap<String, String>,
}

/// A write that got a complete 2xx response.
#[derive(Clone, Debug)]
struct Ack {
    attempt: Attempt,
    rv: u64,
}

/// A sequential writer creating and updating its own ConfigMaps; `seq` increases with every
/// write, so the data of an object tells which write produced it.
struct Writer {
    id: usize,
    seq: u64,
    /// Its objects and their last known resourceVersions.
    objects: Vec<(String, u64)>,
    attempts: Vec<Attempt>,
    acks: Vec<Ack>,
    /// Answers that were neither 2xx nor a transport error.
    unexpected: Vec<String>,
}

impl Writer {
    fn new(id: usize) -> Writer {
        Writer {
            id,
            seq: 0,
            objects: Vec::new(),
            attempts: Vec::new(),
            acks: Vec::new(),
            unexpected: Vec::new(),
        }
    }

    /// Writes until the first transport error (the kill) or until `stop`.
    fn run(mut self, addr: SocketAddr, stop: &AtomicBool) -> Writer {
        let mut conn = Conn::new(addr);
        while !stop.load(Ordering::Relaxed) {
            self.seq += 1;
            let seq = self.seq;
            let create = self.objects.is_empty() || seq % 4 == 1;
            let (name, expected_rv) = if create {
                (format!("{PREFIX}w{}-{seq}", self.id), None)
            } else {
                let (n, rv) = &self.objects[seq as usize % self.objects.len()];
                (n.clone(), Some(*rv))
            };
            let data: BTreeMap<String, String> = [
                ("writer".to_string(), self.id.to_string()),
                ("seq".to_string(), seq.to_string()),
                ("pad".to_string(), "x".repeat((seq as usize * 37) % 300)),
            ]
            .into();
            let mut metadata = json!({"name": name});
            if let Some(rv) = expected_rv {
                metadata["resourceVersion"] = json!(rv.to_string());
            }
            let body = json!({
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": metadata,
                "data": data,
            });
            let attempt = Attempt {
                name: name.clone(),
                create,
                seq,
                data,
            };
            self.attempts.push(attempt.clone());
            let result = if create {
                conn.request("POST", &collection(), Some(&body))
            } else {
                conn.request("PUT", &format!("{}/{name}", collection()), Some(&body))
            };
            let resp = match result {
                Ok(r) => r,
                Err(_) => break,
            };
            if !(200..300).contains(&resp.status) {
                self.unexpected.push(format!(
                    "{} {name} (seq {seq}) answered {}: {}",
                    if create { "POST" } else { "PUT" },
                    resp.status,
                    String::from_utf8_lossy(&resp.body)
                ));
                break;
            }
            let obj = resp.json();
            let rv = rv_of(&obj);
            assert_eq!(obj["metadata"]["name"], json!(name));
            assert_eq!(data_of(&obj), attempt.data, "the response of a write");
            if create {
                self.objects.push((name, rv));
            } else {
                let slot = seq as usize % self.objects.len();
                self.objects[slot].1 = rv;
            }
            self.acks.push(Ack { attempt, rv });
        }
        self
    }
}

// ---------------------------------------------------------------------------------------------
// watches

/// One watch event about one of this test's objects.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Event {
    kind: String,
    name: String,
    rv: u64,
    data: BTreeMap<String, String>,
}

/// What a raw watch delivered before its stream ended.
#[derive(Debug, Default)]
struct WatchLog {
    events: Vec<Event>,
    /// ERROR events and undecodable lines.
    errors: Vec<String>,
    /// Whether the stream ended cleanly (the final chunk arrived).
    clean_end: bool,
}

/// Starts `GET …/configmaps?watch=true&resourceVersion=<from>` and reads it in a thread until
/// the stream ends or breaks.
fn spawn_watch(
    addr: SocketAddr,
    from: u64,
    timeout_seconds: Option<u64>,
) -> thread::JoinHandle<WatchLog> {
    let mut path = format!("{}?watch=true&resourceVersion={from}", collection());
    if let Some(t) = timeout_seconds {
        path.push_str(&format!("&timeoutSeconds={t}"));
    }
    // connect and read the head here, so that the watch is established when this returns
    let mut stream = connect(addr).expect("connect the watch");
    stream
        .write_all(&request_bytes(addr, "GET", &path, None))
        .expect("send the watch request");
    let mut reader = BufReader::new(stream);
    let (status, headers) = read_head(&mut reader).expect("read the watch response head");
    assert_eq!(status, 200, "GET {path}");
    assert_eq!(
        headers.get("transfer-encoding").map(String::as_str),
        Some("chunked"),
        "a watch is a chunked stream"
    );
    thread::spawn(move || {
        let mut log = WatchLog::default();
        let mut lines = BufReader::new(Chunked {
            inner: reader,
            left: 0,
            done: false,
        });
        let mut line = Vec::new();
        loop {
            line.clear();
            match lines.read_until(b'\n', &mut line) {
                Ok(0) => {
                    log.clean_end = true;
                    return log;
                }
                // a line cut off by the crash is not an event
                Ok(_) if line.last() != Some(&b'\n') => return log,
                Ok(_) => {}
                Err(_) => return log,
            }
            let v: Value = match serde_json::from_slice(&line) {
                Ok(v) => v,
                Err(e) => {
                    log.errors.push(format!(
                        "bad line ({e}): {}",
                        String::from_utf8_lossy(&line)
                    ));
                    continue;
                }
            };
            let kind = v["type"].as_str().unwrap_or("").to_string();
            let obj = &v["object"];
            if kind == "ERROR"
                || !["ADDED", "MODIFIED", "DELETED", "BOOKMARK"].contains(&kind.as_str())
            {
                log.errors.push(v.to_string());
                continue;
            }
            if kind == "BOOKMARK" {
                continue;
            }
            let name = obj["metadata"]["name"].as_str().unwrap_or("").to_string();
            if !name.starts_with(PREFIX) {
                continue;
            }
            log.events.push(Event {
                kind,
                name,
                rv: rv_of(obj),
                data: data_of(obj),
            });
        }
    })
}

// ---------------------------------------------------------------------------------------------
// the scenario

/// The test's objects: name → (resourceVersion, data).
type Objects = BTreeMap<String, (u64, BTreeMap<String, String>)>;

/// The test's objects as a list shows them: name → (resourceVersion, data), and the list's
/// resourceVersion.
fn list_objects(addr: SocketAddr) -> (Objects, u64) {
    let resp = call(addr, "GET", &collection(), None);
    assert_eq!(resp.status, 200);
    let list = resp.json();
    let list_rv: u64 = list["metadata"]["resourceVersion"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("a list resourceVersion");
    let objects = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|o| {
            o["metadata"]["name"]
                .as_str()
                .is_some_and(|n| n.starts_with(PREFIX))
        })
        .map(|o| {
            (
                o["metadata"]["name"].as_str().unwrap().to_string(),
                (rv_of(o), data_of(o)),
            )
        })
        .collect();
    (objects, list_rv)
}

/// The states `events` lead to from `start`.
fn replay(start: &Objects, events: &[Event]) -> Objects {
    let mut state = start.clone();
    for e in events {
        if e.kind == "DELETED" {
            state.remove(&e.name);
        } else {
            state.insert(e.name.clone(), (e.rv, e.data.clone()));
        }
    }
    state
}

#[track_caller]
fn assert_strictly_increasing(events: &[Event], what: &str) {
    for w in events.windows(2) {
        assert!(
            w[0].rv < w[1].rv,
            "{what}: revision {} followed by {} ({:?} then {:?})",
            w[0].rv,
            w[1].rv,
            w[0].name,
            w[1].name
        );
    }
}

#[test]
fn acknowledged_writes_survive_kill9_and_watches_resume() {
    let started = Instant::now();
    let mut server = ApiServer::start();
    let addr: SocketAddr = format!("127.0.0.1:{}", server.port())
        .parse()
        .expect("a socket address");

    let mut writers: Vec<Writer> = (0..WRITERS).map(Writer::new).collect();
    // every write ever attempted, by (name, seq)
    let mut attempts: BTreeMap<(String, u64), Attempt> = BTreeMap::new();
    let mut acks: Vec<Ack> = Vec::new();
    let mut max_seen: u64 = 0;
    let mut report = Vec::new();

    for cycle in 1..=CYCLES {
        // the state at the start, and a watch from exactly there
        let (start_state, start_rv) = list_objects(addr);
        let watch = spawn_watch(addr, start_rv, None);

        let stop = Arc::new(AtomicBool::new(false));
        let handles: Vec<_> = writers
            .drain(..)
            .map(|w| {
                let stop = stop.clone();
                thread::spawn(move || w.run(addr, &stop))
            })
            .collect();
        thread::sleep(RUN_BEFORE_KILL);
        server.kill9();
        stop.store(true, Ordering::Relaxed);
        writers = handles
            .into_iter()
            .map(|h| h.join().expect("a writer thread"))
            .collect();
        let pre = watch.join().expect("the watch thread");

        let cycle_acks: Vec<Ack> = writers
            .iter()
            .flat_map(|w| w.acks.iter().cloned())
            .collect();
        for w in &mut writers {
            assert!(
                w.unexpected.is_empty(),
                "cycle {cycle}: writer {} got non-2xx answers before the crash: {:#?}",
                w.id,
                w.unexpected
            );
            for a in w.attempts.drain(..) {
                attempts.insert((a.name.clone(), a.seq), a);
            }
            w.acks.clear();
        }
        assert!(
            cycle_acks.len() >= 40,
            "cycle {cycle}: only {} writes were acknowledged in {RUN_BEFORE_KILL:?}",
            cycle_acks.len()
        );
        acks.extend(cycle_acks.iter().cloned());
        assert!(
            pre.errors.is_empty(),
            "cycle {cycle}: the pre-crash watch got errors: {:#?}",
            pre.errors
        );
        assert!(!pre.clean_end, "the pre-crash watch ended before the crash");
        let last_watched = pre.events.last().map_or(start_rv, |e| e.rv);

        // the pre-crash watch: in order, every acknowledged write up to where it got, and
        // nothing that was never written
        assert_strictly_increasing(&pre.events, "pre-crash watch");
        let pre_rvs: BTreeMap<u64, &Event> = pre.events.iter().map(|e| (e.rv, e)).collect();
        for a in &cycle_acks {
            if a.rv <= last_watched {
                let e = pre_rvs.get(&a.rv).unwrap_or_else(|| {
                    panic!(
                        "cycle {cycle}: the pre-crash watch reached {last_watched} but missed the \
                         acknowledged write {a:?}"
                    )
                });
                assert_eq!(
                    (e.name.as_str(), &e.data, e.kind.as_str()),
                    (
                        a.attempt.name.as_str(),
                        &a.attempt.data,
                        if a.attempt.create {
                            "ADDED"
                        } else {
                            "MODIFIED"
                        }
                    ),
                    "cycle {cycle}: the watch event at revision {}",
                    a.rv
                );
            }
        }
        for e in &pre.events {
            let seq = seq_of(&e.data).expect("a seq in the data");
            let a = attempts.get(&(e.name.clone(), seq)).unwrap_or_else(|| {
                panic!("cycle {cycle}: the watch reported a write nobody made: {e:?}")
            });
            assert_eq!(e.data, a.data);
        }
        max_seen = max_seen
            .max(cycle_acks.iter().map(|a| a.rv).max().unwrap_or(0))
            .max(last_watched);

        // restart on the same data directory
        let restart_started = Instant::now();
        server.restart();
        let restart_took = restart_started.elapsed();

        // every acknowledged write is there with at least its data
        let (after, list_rv) = list_objects(addr);
        assert!(
            list_rv >= max_seen,
            "cycle {cycle}: after the restart the list is at revision {list_rv}, below {max_seen} \
             seen before the crash"
        );
        let mut latest_ack: BTreeMap<&str, &Ack> = BTreeMap::new();
        for a in &acks {
            let slot = latest_ack.entry(a.attempt.name.as_str()).or_insert(a);
            if a.attempt.seq > slot.attempt.seq {
                *slot = a;
            }
        }
        for (name, a) in &latest_ack {
            let (rv, data) = after.get(*name).unwrap_or_else(|| {
                panic!(
                    "cycle {cycle}: acknowledged object {name} is gone after the restart ({a:?})"
                )
            });
            let seq = seq_of(data).expect("a seq in the data");
            if seq == a.attempt.seq {
                assert_eq!(data, &a.attempt.data, "cycle {cycle}: {name}");
                assert_eq!(
                    *rv, a.rv,
                    "cycle {cycle}: {name} has the acknowledged data at another revision"
                );
            } else {
                assert!(
                    seq > a.attempt.seq && *rv > a.rv,
                    "cycle {cycle}: {name} went back from the acknowledged write {a:?} to seq \
                     {seq} at revision {rv}"
                );
            }
        }
        // ... and nothing is there that was never written
        for (name, (_, data)) in &after {
            let seq = seq_of(data).expect("a seq in the data");
            let a = attempts.get(&(name.clone(), seq)).unwrap_or_else(|| {
                panic!("cycle {cycle}: {name} holds data nobody wrote: {data:?}")
            });
            assert_eq!(data, &a.data, "cycle {cycle}: {name}");
        }
        // the pre-crash state plus what the watch saw, is a prefix of what is now there
        let reconstructed = replay(&start_state, &pre.events);
        for (name, (rv, _)) in &reconstructed {
            let now = after.get(name).map(|(rv, _)| *rv);
            assert!(
                now.is_some_and(|n| n >= *rv),
                "cycle {cycle}: the watch saw {name} at {rv}, the restarted server has {now:?}"
            );
        }

        // a watch resumed from the last revision the pre-crash watch saw
        let resumed = spawn_watch(addr, last_watched, Some(RESUMED_WATCH_SECONDS));

        // new writes get revisions above everything seen before the crash
        let post_name = format!("{PREFIX}post-{cycle}");
        let mut post_rvs = Vec::new();
        for step in 0..3u64 {
            let data: BTreeMap<String, String> = [
                ("writer".to_string(), "post".to_string()),
                (
                    "seq".to_string(),
                    (1_000_000 * cycle as u64 + step).to_string(),
                ),
            ]
            .into();
            let body = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": post_name}, "data": data});
            let resp = if step == 0 {
                call(addr, "POST", &collection(), Some(&body))
            } else {
                call(
                    addr,
                    "PUT",
                    &format!("{}/{post_name}", collection()),
                    Some(&body),
                )
            };
            assert!(
                (200..300).contains(&resp.status),
                "cycle {cycle}: a write after the restart answered {}: {}",
                resp.status,
                String::from_utf8_lossy(&resp.body)
            );
            let rv = rv_of(&resp.json());
            assert!(
                rv > max_seen && rv > list_rv,
                "cycle {cycle}: a write after the restart got revision {rv}, not above {max_seen} \
                 (seen before the crash) and {list_rv} (the list after the restart)"
            );
            post_rvs.push(rv);
            let a = Attempt {
                name: post_name.clone(),
                create: step == 0,
                seq: 1_000_000 * cycle as u64 + step,
                data,
            };
            attempts.insert((a.name.clone(), a.seq), a.clone());
            acks.push(Ack { attempt: a, rv });
        }
        assert!(post_rvs.windows(2).all(|w| w[0] < w[1]));
        max_seen = max_seen.max(*post_rvs.last().unwrap());

        let resumed = resumed.join().expect("the resumed watch thread");
        assert!(
            resumed.errors.is_empty(),
            "cycle {cycle}: the resumed watch from {last_watched} got errors: {:#?}",
            resumed.errors
        );
        assert!(
            resumed.clean_end,
            "cycle {cycle}: the resumed watch did not end at its timeoutSeconds"
        );
        // in order, after the resume point, no duplicates
        assert_strictly_increasing(&resumed.events, "resumed watch");
        if let Some(first) = resumed.events.first() {
            assert!(
                first.rv > last_watched,
                "cycle {cycle}: the watch resumed from {last_watched} repeated revision {}",
                first.rv
            );
        }
        let mut seen_writes = BTreeSet::new();
        for e in &resumed.events {
            let seq = seq_of(&e.data).expect("a seq in the data");
            assert!(
                seen_writes.insert((e.name.clone(), seq)),
                "cycle {cycle}: the resumed watch delivered {} seq {seq} twice",
                e.name
            );
            let a = attempts.get(&(e.name.clone(), seq)).unwrap_or_else(|| {
                panic!("cycle {cycle}: the resumed watch reported a write nobody made: {e:?}")
            });
            assert_eq!(e.data, a.data);
            assert_eq!(
                e.kind,
                if a.create { "ADDED" } else { "MODIFIED" },
                "cycle {cycle}: {e:?}"
            );
        }
        // no gaps: every acknowledged write after the resume point is there
        let resumed_rvs: BTreeMap<u64, &Event> = resumed.events.iter().map(|e| (e.rv, e)).collect();
        for a in acks.iter().filter(|a| a.rv > last_watched) {
            let e = resumed_rvs.get(&a.rv).unwrap_or_else(|| {
                panic!(
                    "cycle {cycle}: the watch resumed from {last_watched} missed the acknowledged \
                     write {a:?}\nit delivered {:?}",
                    resumed
                        .events
                        .iter()
                        .map(|e| (e.rv, &e.name))
                        .collect::<Vec<_>>()
                )
            });
            assert_eq!(
                (e.name.as_str(), &e.data),
                (a.attempt.name.as_str(), &a.attempt.data),
                "cycle {cycle}: revision {}",
                a.rv
            );
        }
        // the stitched stream reconstructs exactly what a fresh list shows
        let (now, _) = list_objects(addr);
        let stitched = replay(&start_state, &pre.events);
        let stitched = replay(&stitched, &resumed.events);
        assert_eq!(
            stitched, now,
            "cycle {cycle}: the start state plus the pre-crash and resumed watch events differ \
             from a fresh list"
        );

        // the next cycle's writers continue from the current state of their objects
        for w in &mut writers {
            let mine = format!("{PREFIX}w{}-", w.id);
            w.objects = now
                .iter()
                .filter(|(n, _)| n.starts_with(&mine))
                .map(|(n, (rv, _))| (n.clone(), *rv))
                .collect();
        }
        report.push(format!(
            "cycle {cycle}: {} acknowledged writes, the pre-crash watch saw {} events up to {last_watched}, \
             restart took {restart_took:?}, the resumed watch delivered {} events",
            cycle_acks.len(),
            pre.events.len(),
            resumed.events.len()
        ));
    }
    for line in report {
        eprintln!("{line}");
    }
    eprintln!("crash test took {:?}", started.elapsed());
}
