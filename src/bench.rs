//! `kubicle bench`: the benchmarks behind docs/benchmarks.md. Each starts a real
//! `kubicle apiserver` process (this same binary) on a fresh data directory and drives it over
//! loopback HTTP, except `store`, which measures the store in-process.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

pub(crate) type HttpClient = Client<HttpConnector, Full<Bytes>>;

/// A running apiserver process under measurement.
pub(crate) struct Server {
    child: Child,
    pub(crate) base: String,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(l.local_addr()?.port())
}

/// Start an apiserver and return it with the time from spawn to the first 200 on /readyz.
pub(crate) fn start_server(data_dir: Option<&Path>) -> Result<(Server, Duration)> {
    let dir = tempfile::tempdir()?;
    let data = data_dir
        .map(PathBuf::from)
        .unwrap_or_else(|| dir.path().join("data"));
    let port = free_port()?;
    let exe = std::env::current_exe()?;
    let started = Instant::now();
    let child = Command::new(exe)
        .args(["apiserver", "--data-dir"])
        .arg(&data)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .env("KUBICLE_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .context("starting kubicle apiserver")?;
    let addr = format!("127.0.0.1:{port}");
    let deadline = started + Duration::from_secs(20);
    loop {
        if Instant::now() > deadline {
            bail!("apiserver did not become ready");
        }
        if let Ok(mut s) = std::net::TcpStream::connect(&addr) {
            use std::io::{Read, Write};
            let _ = s.write_all(b"GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            let mut buf = [0u8; 64];
            if let Ok(n) = s.read(&mut buf)
                && buf[..n].starts_with(b"HTTP/1.1 200")
            {
                break;
            }
        }
        std::thread::sleep(Duration::from_micros(500));
    }
    let elapsed = started.elapsed();
    Ok((
        Server {
            child,
            base: format!("http://{addr}"),
            _dir: dir,
        },
        elapsed,
    ))
}

pub(crate) fn client() -> HttpClient {
    let mut c = HttpConnector::new();
    c.set_nodelay(true);
    Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(256)
        .build(c)
}

async fn send(
    c: &HttpClient,
    method: &str,
    url: &str,
    body: Option<String>,
) -> Result<(u16, Bytes)> {
    send_as(c, method, url, "application/json", body).await
}

async fn send_as(
    c: &HttpClient,
    method: &str,
    url: &str,
    content_type: &str,
    body: Option<String>,
) -> Result<(u16, Bytes)> {
    let req = hyper::Request::builder()
        .method(method)
        .uri(url)
        .header("content-type", content_type)
        .body(Full::new(Bytes::from(body.unwrap_or_default())))?;
    let resp = c.request(req).await?;
    let status = resp.status().as_u16();
    let body = resp.into_body().collect().await?.to_bytes();
    Ok((status, body))
}

fn cm(ns: &str, name: &str) -> String {
    format!(
        r#"{{"apiVersion":"v1","kind":"ConfigMap","metadata":{{"name":"{name}","namespace":"{ns}"}},"data":{{"k":"v"}}}}"#
    )
}

pub(crate) async fn create_ns(c: &HttpClient, base: &str, ns: &str) -> Result<()> {
    let (st, b) = send(
        c,
        "POST",
        &format!("{base}/api/v1/namespaces"),
        Some(format!(r#"{{"metadata":{{"name":"{ns}"}}}}"#)),
    )
    .await?;
    if st != 201 {
        bail!("creating namespace: {st} {}", String::from_utf8_lossy(&b));
    }
    Ok(())
}

/// Create `total` ConfigMaps with `clients` concurrent clients; returns creates per second.
async fn creates(
    c: &HttpClient,
    base: &str,
    ns: &str,
    total: usize,
    clients: usize,
) -> Result<f64> {
    let c = Arc::new(c.clone());
    let started = Instant::now();
    let mut tasks = vec![];
    for w in 0..clients {
        let c = c.clone();
        let base = base.to_string();
        let ns = ns.to_string();
        tasks.push(tokio::spawn(async move {
            let url = format!("{base}/api/v1/namespaces/{ns}/configmaps");
            let mut i = w;
            while i < total {
                let (st, b) = send(&c, "POST", &url, Some(cm(&ns, &format!("cm-{i}")))).await?;
                if st != 201 {
                    bail!("create returned {st}: {}", String::from_utf8_lossy(&b));
                }
                i += clients;
            }
            Ok::<_, anyhow::Error>(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    Ok(total as f64 / started.elapsed().as_secs_f64())
}

pub(crate) fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx]
}

pub(crate) fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

/// A `kB` figure of `/proc/PID/<file>` (`status` or `smaps_rollup`), by its line's key.
fn proc_kib(pid: u32, file: &str, key: &str) -> Result<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/{file}"))?;
    for line in s.lines() {
        if let Some(v) = line.strip_prefix(key) {
            return Ok(v.trim().trim_end_matches("kB").trim().parse()?);
        }
    }
    bail!("no {key} in /proc/{pid}/{file}")
}

/// Memory of one process: total resident, proportional (shared pages split among the
/// processes mapping them) and anonymous (the process's own, not file-backed) resident size.
fn memory(pid: u32) -> Result<String> {
    let mib = |k: u64| k as f64 / 1024.0;
    Ok(format!(
        "RSS {:.2} MiB · PSS {:.2} MiB · RssAnon {:.2} MiB",
        mib(proc_kib(pid, "status", "VmRSS:")?),
        mib(proc_kib(pid, "smaps_rollup", "Pss:")?),
        mib(proc_kib(pid, "status", "RssAnon:")?),
    ))
}

/// Succeed on one of the expected statuses.
fn expect(what: &str, got: (u16, Bytes), ok: &[u16]) -> Result<()> {
    if !ok.contains(&got.0) {
        bail!("{what}: {} {}", got.0, String::from_utf8_lossy(&got.1));
    }
    Ok(())
}

fn deployment(name: &str) -> String {
    format!(
        r#"{{"apiVersion":"apps/v1","kind":"Deployment","metadata":{{"name":"{name}","namespace":"bench","labels":{{"app":"{name}"}}}},"spec":{{"replicas":2,"selector":{{"matchLabels":{{"app":"{name}"}}}},"template":{{"metadata":{{"labels":{{"app":"{name}"}}}},"spec":{{"containers":[{{"name":"web","image":"nginx:1.27","ports":[{{"containerPort":80}}],"env":[{{"name":"MODE","value":"bench"}}],"resources":{{"limits":{{"cpu":"100m","memory":"64Mi"}}}}}}]}}}}}}}}"#
    )
}

/// A typical first use of a cluster: a namespace, a ConfigMap, a Deployment applied
/// server-side and one created plainly, a Service.
async fn typical_writes(c: &HttpClient, base: &str) -> Result<()> {
    create_ns(c, base, "bench").await?;
    let got = send(
        c,
        "POST",
        &format!("{base}/api/v1/namespaces/bench/configmaps"),
        Some(cm("bench", "settings")),
    )
    .await?;
    expect("creating a configmap", got, &[201])?;
    let got = send_as(
        c,
        "PATCH",
        &format!("{base}/apis/apps/v1/namespaces/bench/deployments/applied?fieldManager=bench"),
        "application/apply-patch+yaml",
        Some(deployment("applied")),
    )
    .await?;
    expect("applying a deployment", got, &[200, 201])?;
    let got = send(
        c,
        "POST",
        &format!("{base}/apis/apps/v1/namespaces/bench/deployments"),
        Some(deployment("created")),
    )
    .await?;
    expect("creating a deployment", got, &[201])?;
    let service = r#"{"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"bench"},"spec":{"selector":{"app":"applied"},"ports":[{"name":"http","port":80,"targetPort":80}]}}"#;
    let got = send(
        c,
        "POST",
        &format!("{base}/api/v1/namespaces/bench/services"),
        Some(service.to_string()),
    )
    .await?;
    expect("creating a service", got, &[201])?;
    Ok(())
}

/// Which benchmarks to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Which {
    All,
    Start,
    Creates,
    Get,
    List,
    Watch,
    Idle,
    Compaction,
    /// Platform: REST create → first successful Kubernetes request through the gateway.
    Create,
    /// Platform: sleeping cluster → first answer.
    Wake,
    /// Platform: gateway latency and throughput beside a direct connection and nginx.
    Gateway,
    /// kubectl apply of a 200-object manifest (client- and server-side); apply PATCHes/s.
    Apply,
    /// Web: render time of the dashboard with 50 clusters.
    Web,
    /// Platform: memory of 1,000 awake idle clusters (× --scale); not part of `all`.
    Fleet,
}

pub fn run(which: Which, scale: usize) -> Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(run_async(which, scale))
}

async fn run_async(which: Which, scale: usize) -> Result<()> {
    let all = which == Which::All;
    if which == Which::Fleet {
        return crate::bench_platform::fleet(1000 * scale).await;
    }
    let c = client();
    println!("| benchmark | result |");
    println!("|---|---|");
    if all || which == Which::Start {
        let mut times = vec![];
        for _ in 0..20 {
            let (_s, t) = start_server(None)?;
            times.push(t);
        }
        times.sort();
        println!(
            "| start → first 200 on /readyz (fresh data dir, 20 runs) | p50 {} · max {} |",
            ms(percentile(&times, 0.5)),
            ms(*times.last().unwrap())
        );
        // Wake: restart on an existing data dir holding 1,000 ConfigMaps.
        let keep = tempfile::tempdir()?;
        let data = keep.path().join("data");
        {
            let (s, _) = start_server(Some(&data))?;
            create_ns(&c, &s.base, "bench").await?;
            creates(&c, &s.base, "bench", 1000, 16).await?;
        }
        let mut times = vec![];
        for _ in 0..20 {
            let (_s, t) = start_server(Some(&data))?;
            times.push(t);
        }
        times.sort();
        println!(
            "| restart → first 200 on /readyz (1,000 objects, killed before, 20 runs) | p50 {} · max {} |",
            ms(percentile(&times, 0.5)),
            ms(*times.last().unwrap())
        );
    }
    if all || which == Which::Idle {
        // Fresh: started, nothing written (bootstrap namespaces only).
        let (s, _) = start_server(None)?;
        tokio::time::sleep(Duration::from_secs(3)).await;
        println!(
            "| idle memory of one apiserver, fresh (after 3 s idle) | {} |",
            memory(s.child.id())?
        );
        drop(s);
        let (s, _) = start_server(None)?;
        create_ns(&c, &s.base, "bench").await?;
        for i in 0..100 {
            send(
                &c,
                "POST",
                &format!("{}/api/v1/namespaces/bench/configmaps", s.base),
                Some(cm("bench", &format!("c{i}"))),
            )
            .await?;
        }
        let _ = send(
            &c,
            "GET",
            &format!("{}/api/v1/namespaces/bench/configmaps", s.base),
            None,
        )
        .await?;
        tokio::time::sleep(Duration::from_secs(3)).await;
        println!(
            "| idle memory of one apiserver (100 ConfigMaps, after 3 s idle) | {} |",
            memory(s.child.id())?
        );
        drop(s);
        let (s, _) = start_server(None)?;
        typical_writes(&c, &s.base).await?;
        tokio::time::sleep(Duration::from_secs(3)).await;
        println!(
            "| idle memory of one apiserver after typical writes (namespace, ConfigMap, Deployment applied server-side and one created, Service; 3 s idle) | {} |",
            memory(s.child.id())?
        );
    }
    if all || which == Which::Creates {
        for clients in [1usize, 64] {
            let (s, _) = start_server(None)?;
            create_ns(&c, &s.base, "bench").await?;
            let total = if clients == 1 {
                2000 * scale
            } else {
                20000 * scale
            };
            let rate = creates(&c, &s.base, "bench", total, clients).await?;
            println!(
                "| ConfigMap creates/s, {clients} client(s), {total} creates, durable | {rate:.0}/s |"
            );
        }
    }
    if all || which == Which::Get {
        let (s, _) = start_server(None)?;
        create_ns(&c, &s.base, "bench").await?;
        send(
            &c,
            "POST",
            &format!("{}/api/v1/namespaces/bench/configmaps", s.base),
            Some(cm("bench", "one")),
        )
        .await?;
        let url = format!("{}/api/v1/namespaces/bench/configmaps/one", s.base);
        let mut times = vec![];
        for i in 0..(10000 * scale) {
            let t = Instant::now();
            let (st, _) = send(&c, "GET", &url, None).await?;
            if st != 200 {
                bail!("get returned {st}");
            }
            if i >= 100 {
                times.push(t.elapsed());
            }
        }
        times.sort();
        println!(
            "| GET one ConfigMap, sequential, keep-alive ({} requests) | p50 {} · p99 {} |",
            times.len(),
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.99))
        );
    }
    if all || which == Which::List {
        let (s, _) = start_server(None)?;
        create_ns(&c, &s.base, "bench").await?;
        creates(&c, &s.base, "bench", 10000, 32).await?;
        let url = format!("{}/api/v1/namespaces/bench/configmaps", s.base);
        let mut times = vec![];
        for _ in 0..20 {
            let t = Instant::now();
            let (st, b) = send(&c, "GET", &url, None).await?;
            if st != 200 {
                bail!("list returned {st}");
            }
            times.push(t.elapsed());
            let v: serde_json::Value = serde_json::from_slice(&b)?;
            if v["items"].as_array().map(|a| a.len()) != Some(10000) {
                bail!("list returned the wrong number of items");
            }
        }
        times.sort();
        println!(
            "| LIST 10,000 ConfigMaps (JSON, 20 runs) | p50 {} · max {} |",
            ms(percentile(&times, 0.5)),
            ms(*times.last().unwrap())
        );
    }
    if all || which == Which::Watch {
        watch_latency(&c, scale).await?;
    }
    if all || which == Which::Compaction {
        compaction_stall(scale).await?;
    }
    if all || which == Which::Apply {
        crate::bench_apply::apply(scale).await?;
    }
    if all || which == Which::Create {
        crate::bench_platform::create_to_first_request(50 * scale).await?;
    }
    if all || which == Which::Wake {
        crate::bench_platform::wake(20 * scale).await?;
    }
    if all || which == Which::Gateway {
        crate::bench_platform::gateway(20 * scale).await?;
    }
    if all || which == Which::Web {
        crate::bench_platform::web_dashboard(200 * scale).await?;
    }
    Ok(())
}

async fn watch_latency(c: &HttpClient, scale: usize) -> Result<()> {
    let (s, _) = start_server(None)?;
    create_ns(c, &s.base, "bench").await?;
    let (_, b) = send(
        c,
        "GET",
        &format!("{}/api/v1/namespaces/bench/configmaps", s.base),
        None,
    )
    .await?;
    let v: serde_json::Value = serde_json::from_slice(&b)?;
    let rv = v["metadata"]["resourceVersion"]
        .as_str()
        .unwrap_or("0")
        .to_string();
    let req = hyper::Request::builder()
        .uri(format!(
            "{}/api/v1/namespaces/bench/configmaps?watch=true&resourceVersion={rv}",
            s.base
        ))
        .body(Full::new(Bytes::new()))?;
    let watch_client = client();
    let resp = watch_client.request(req).await?;
    let mut body = resp.into_body();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Instant>();
    tokio::spawn(async move {
        let mut buf = Vec::new();
        while let Some(Ok(frame)) = body.frame().await {
            if let Some(d) = frame.data_ref() {
                buf.extend_from_slice(d);
                while let Some(pos) = buf.iter().position(|b| *b == b'\n') {
                    buf.drain(..=pos);
                    let _ = tx.send(Instant::now());
                }
            }
        }
    });
    let n = 1000 * scale;
    let mut lat = vec![];
    let url = format!("{}/api/v1/namespaces/bench/configmaps", s.base);
    for i in 0..n {
        let sent = Instant::now();
        let (st, _) = send(c, "POST", &url, Some(cm("bench", &format!("w{i}")))).await?;
        if st != 201 {
            bail!("create returned {st}");
        }
        let got = tokio::time::timeout(Duration::from_secs(5), rx.recv())
            .await?
            .context("watch ended")?;
        lat.push(got.saturating_duration_since(sent));
    }
    lat.sort();
    println!(
        "| watch delivery: create sent → event received ({n} events) | p50 {} · p99 {} |",
        ms(percentile(&lat, 0.5)),
        ms(percentile(&lat, 0.99))
    );
    Ok(())
}

async fn compaction_stall(scale: usize) -> Result<()> {
    use tenant_runtime::store::Store;
    use tenant_runtime::store::sqlite::{SqliteOptions, SqliteStore};
    let dir = tempfile::tempdir()?;
    let store = SqliteStore::open(&dir.path().join("c.db"), SqliteOptions::default())
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    // Build a long history: 2,000 keys updated 50 times each.
    let keys = 2000;
    let rounds = 50 * scale;
    for k in 0..keys {
        store
            .create(
                &format!("h/{k}"),
                serde_json::json!({"metadata": {"name": k.to_string()}, "v": 0}),
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    let mut futs = vec![];
    for r in 1..=rounds {
        for k in 0..keys {
            futs.push(store.update(
                &format!("h/{k}"),
                None,
                serde_json::json!({"metadata": {"name": k.to_string()}, "v": r}),
            ));
        }
        for f in futures::future::join_all(futs.drain(..)).await {
            f.map_err(|e| anyhow::anyhow!("{e}"))?;
        }
    }
    let target = store.current_rv();
    let history = target;
    // Compact everything while one writer measures its write latencies.
    let s2 = store.clone();
    let writer = tokio::spawn(async move {
        let mut max = Duration::ZERO;
        let mut lat = vec![];
        for i in 0..2000 {
            let t = Instant::now();
            s2.create(
                &format!("w/{i}"),
                serde_json::json!({"metadata": {"name": i.to_string()}}),
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            let d = t.elapsed();
            max = max.max(d);
            lat.push(d);
        }
        lat.sort();
        Ok::<_, anyhow::Error>((max, percentile(&lat, 0.5)))
    });
    let t = Instant::now();
    store
        .compact(target)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    // compact() returns once the new floor is committed; the rows go in chunks after it.
    while store.stats().compaction_backlog > 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let compact_time = t.elapsed();
    let (max, p50) = writer.await??;
    println!(
        "| compaction of {history} revisions while a writer writes | compaction {} · writer p50 {} · longest writer stall {} |",
        ms(compact_time),
        ms(p50),
        ms(max)
    );
    store.close().map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(())
}
