//! `kubicle bench create|wake|gateway|fleet`: the platform benchmarks behind
//! docs/benchmarks.md. Each starts a real `kubicle server` (this same binary) on a fresh data
//! directory and drives it over HTTPS on loopback exactly as a CI job or kubectl would: REST
//! signup and cluster creation, then Kubernetes requests through the gateway with the
//! kubeconfig's token, trusting only the server's own CA.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use serde_json::{Value, json};

/// A running `kubicle server` under measurement.
pub struct Platform {
    child: Child,
    pub base: String,
    pub data: PathBuf,
    _dir: tempfile::TempDir,
    pub http: reqwest::Client,
}

impl Drop for Platform {
    fn drop(&mut self) {
        // SIGTERM so that the server stops its control planes; SIGKILL if it hangs.
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        // Stopping 1,000 control planes takes a while; a SIGKILL would leave their cgroups.
        let deadline = Instant::now() + Duration::from_secs(120);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Platform {
    pub fn start(extra: &[&str]) -> Result<Platform> {
        let dir = tempfile::Builder::new().prefix("kb").tempdir()?;
        let data = dir.path().join("d");
        let mut child = Command::new(std::env::current_exe()?)
            .arg("server")
            .arg("--data-dir")
            .arg(&data)
            .args(["--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0"])
            .args(extra)
            .env("KUBICLE_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("starting kubicle server")?;
        let stdout = child.stdout.take().context("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let mut base = None;
        for line in lines.by_ref() {
            let line = line?;
            if let Some(url) = line.strip_prefix("kubicle server listening on ") {
                base = Some(url.trim().to_string());
                break;
            }
        }
        // Keep draining stdout so that the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        let Some(base) = base else {
            bail!("kubicle server exited before listening")
        };
        let ca = std::fs::read(data.join("tls/ca.pem")).context("reading the server CA")?;
        let http = reqwest::Client::builder()
            .tls_built_in_root_certs(false)
            .add_root_certificate(reqwest::Certificate::from_pem(&ca)?)
            .http1_only()
            .pool_max_idle_per_host(256)
            .build()?;
        Ok(Platform {
            child,
            base,
            data,
            _dir: dir,
            http,
        })
    }

    async fn json(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Result<(u16, Value)> {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await?;
        let status = resp.status().as_u16();
        let bytes = resp.bytes().await?;
        let v = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Ok((status, v))
    }

    /// Signs up a fresh account and returns its session token.
    pub async fn signup(&self, email: &str) -> Result<String> {
        let (st, v) = self
            .json(
                reqwest::Method::POST,
                "/api/v1/signup",
                None,
                Some(json!({"email": email, "password": "correct horse battery staple"})),
            )
            .await?;
        if st != 201 {
            bail!("signup: {st} {v}");
        }
        Ok(v["token"].as_str().context("no token")?.to_string())
    }

    /// Creates a cluster; returns its id.
    pub async fn create_cluster(&self, token: &str, name: &str, wait: bool) -> Result<String> {
        let path = if wait {
            "/api/v1/clusters?wait=true"
        } else {
            "/api/v1/clusters"
        };
        let (st, v) = self
            .json(
                reqwest::Method::POST,
                path,
                Some(token),
                Some(json!({ "name": name })),
            )
            .await?;
        if st != 201 {
            bail!("create cluster: {st} {v}");
        }
        Ok(v["id"].as_str().context("no id")?.to_string())
    }

    pub async fn cluster_status(&self, token: &str, id: &str) -> Result<String> {
        let (st, v) = self
            .json(
                reqwest::Method::GET,
                &format!("/api/v1/clusters/{id}"),
                Some(token),
                None,
            )
            .await?;
        if st != 200 {
            bail!("get cluster: {st} {v}");
        }
        Ok(v["status"].as_str().unwrap_or_default().to_string())
    }

    /// The bearer token of a freshly downloaded kubeconfig.
    pub async fn kubeconfig_token(&self, token: &str, id: &str) -> Result<String> {
        let resp = self
            .http
            .get(format!("{}/api/v1/clusters/{id}/kubeconfig", self.base))
            .bearer_auth(token)
            .send()
            .await?;
        let status = resp.status();
        let text = resp.text().await?;
        if !status.is_success() {
            bail!("kubeconfig: {status} {text}");
        }
        let v: Value = serde_yaml::from_str(&text)?;
        Ok(v["users"][0]["user"]["token"]
            .as_str()
            .context("kubeconfig without a token")?
            .to_string())
    }

    /// GET through the gateway with a kubeconfig token; returns the status code.
    pub async fn k8s_get(&self, kube_token: &str, id: &str, path: &str) -> Result<u16> {
        let resp = self
            .http
            .get(format!("{}/k8s/{id}{path}", self.base))
            .bearer_auth(kube_token)
            .send()
            .await?;
        let status = resp.status().as_u16();
        resp.bytes().await?;
        Ok(status)
    }

    /// Pids of this server's control-plane processes.
    pub fn control_plane_pids(&self) -> Vec<u32> {
        let needle = self.data.to_string_lossy().into_owned();
        let mut pids = vec![];
        let Ok(rd) = std::fs::read_dir("/proc") else {
            return pids;
        };
        for e in rd.flatten() {
            let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let Ok(cmd) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
                continue;
            };
            let args: Vec<String> = cmd
                .split(|b| *b == 0)
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect();
            if args.iter().any(|a| a == "apiserver") && args.iter().any(|a| a.contains(&needle)) {
                pids.push(pid);
            }
        }
        pids
    }

    pub fn server_pid(&self) -> u32 {
        self.child.id()
    }

    /// The Unix socket of a cluster's control plane (under the data dir, or the short
    /// fallback the supervisor uses when that path is too long).
    pub fn socket_of(&self, id: &str) -> Result<PathBuf> {
        let p = self.data.join("clusters").join(id).join("api.sock");
        if p.exists() {
            return Ok(p);
        }
        for pid in self.control_plane_pids() {
            let cmd = std::fs::read(format!("/proc/{pid}/cmdline"))?;
            let args: Vec<String> = cmd
                .split(|b| *b == 0)
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect();
            if args.iter().any(|a| a.contains(id))
                && let Some(l) = args.iter().find_map(|a| a.strip_prefix("unix:"))
            {
                return Ok(PathBuf::from(l));
            }
        }
        bail!("no socket found for cluster {id}")
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

fn p50_p99(mut v: Vec<Duration>) -> String {
    v.sort();
    format!(
        "p50 {} · p99 {} · max {} (n={})",
        ms(percentile(&v, 0.5)),
        ms(percentile(&v, 0.99)),
        ms(*v.last().unwrap_or(&Duration::ZERO)),
        v.len()
    )
}

/// REST create (no wait) → kubeconfig → first 200 from `GET /api/v1/namespaces` through the
/// gateway, polled every millisecond. This is the request `kubectl get ns` ends with.
pub async fn create_to_first_request(runs: usize) -> Result<()> {
    let p = Platform::start(&["--cluster-quota", "10000"])?;
    let token = p.signup("bench-create@example.com").await?;
    let mut times = vec![];
    for i in 0..runs {
        let t0 = Instant::now();
        let id = p.create_cluster(&token, &format!("c{i}"), false).await?;
        let kt = p.kubeconfig_token(&token, &id).await?;
        loop {
            if p.k8s_get(&kt, &id, "/api/v1/namespaces").await? == 200 {
                break;
            }
            if t0.elapsed() > Duration::from_secs(30) {
                bail!("cluster {id} never answered");
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        times.push(t0.elapsed());
    }
    println!(
        "| REST create → first 200 through the gateway ({runs} clusters) | {} |",
        p50_p99(times)
    );
    Ok(())
}

/// A sleeping cluster (idle timeout 1 s, process gone) → first answer through the gateway.
pub async fn wake(runs: usize) -> Result<()> {
    let p = Platform::start(&["--idle-timeout", "1s"])?;
    let token = p.signup("bench-wake@example.com").await?;
    let id = p.create_cluster(&token, "sleepy", true).await?;
    let kt = p.kubeconfig_token(&token, &id).await?;
    let mut times = vec![];
    for _ in 0..runs {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !(p.control_plane_pids().is_empty()
            && p.cluster_status(&token, &id).await? == "Sleeping")
        {
            if Instant::now() > deadline {
                bail!("cluster never fell asleep");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let t0 = Instant::now();
        let st = p.k8s_get(&kt, &id, "/api/v1/namespaces/default").await?;
        let t = t0.elapsed();
        if st != 200 {
            bail!("wake request answered {st}");
        }
        times.push(t);
    }
    println!(
        "| sleeping cluster → first answer through the gateway (process started on demand) | {} |",
        p50_p99(times)
    );
    Ok(())
}

/// One HTTP/1.1 connection straight to a control plane's Unix socket.
struct Direct {
    send: hyper::client::conn::http1::SendRequest<Empty<Bytes>>,
}

impl Direct {
    async fn connect(sock: &Path) -> Result<Direct> {
        let stream = tokio::net::UnixStream::connect(sock).await?;
        let (send, conn) =
            hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
        tokio::spawn(conn);
        Ok(Direct { send })
    }

    async fn get(&mut self, path: &str) -> Result<u16> {
        self.send.ready().await?;
        let req = hyper::Request::get(path)
            .header("host", "localhost")
            .body(Empty::new())?;
        let resp = self.send.send_request(req).await?;
        let st = resp.status().as_u16();
        resp.into_body().collect().await?;
        Ok(st)
    }
}

/// nginx (Debian's package) proxying HTTPS on loopback to the same control-plane socket, with
/// the same certificate and upstream keep-alive: the reference the gateway is held to. Like
/// the gateway it drops the client's `Authorization` header and sends the identity headers, so
/// the control plane parses the same request from both. One worker process, no master.
struct Nginx {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Nginx {
    fn start(tls_dir: &Path, sock: &Path, identity: &[(&str, &str)]) -> Result<Option<Nginx>> {
        let bin = ["/usr/sbin/nginx", "/usr/bin/nginx"]
            .into_iter()
            .find(|p| Path::new(p).exists());
        let Some(bin) = bin else {
            return Ok(None);
        };
        let dir = tempfile::tempdir()?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let identity: String = identity
            .iter()
            .map(|(k, v)| format!("            proxy_set_header {k} \"{v}\";\n"))
            .collect();
        let conf = format!(
            r#"daemon off;
master_process off;
worker_processes 1;
error_log {d}/error.log warn;
pid {d}/nginx.pid;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {d}/body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    upstream cp {{ server unix:{sock}; keepalive 64; }}
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {tls}/server.pem;
        ssl_certificate_key {tls}/server-key.pem;
        ssl_protocols TLSv1.2 TLSv1.3;
        location / {{
            proxy_pass http://cp;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Authorization "";
{identity}            proxy_buffering off;
        }}
    }}
}}
"#,
            d = dir.path().display(),
            sock = sock.display(),
            tls = tls_dir.display(),
        );
        let conf_path = dir.path().join("nginx.conf");
        std::fs::write(&conf_path, conf)?;
        let child = Command::new(bin)
            .arg("-c")
            .arg(&conf_path)
            .arg("-e")
            .arg(dir.path().join("error.log"))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .context("starting nginx")?;
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                bail!("nginx did not start");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        Ok(Some(Nginx {
            child,
            port,
            _dir: dir,
        }))
    }
}

/// The TLS version and cipher suite a server on loopback `port` negotiates with `openssl
/// s_client` offering HTTP/1.1, or why that is not known.
fn tls_parameters(port: u16) -> String {
    let out = Command::new("openssl")
        .args(["s_client", "-brief", "-alpn", "http/1.1", "-connect"])
        .arg(format!("127.0.0.1:{port}"))
        .stdin(Stdio::null())
        .output();
    let Ok(out) = out else {
        return "openssl not installed".into();
    };
    let text = String::from_utf8_lossy(&out.stderr);
    let field = |key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(key))
            .map_or("?", str::trim)
            .to_string()
    };
    format!("{} {}", field("Protocol version:"), field("Ciphersuite:"))
}

async fn https_get(http: &reqwest::Client, url: &str, token: Option<&str>) -> Result<u16> {
    let mut req = http.get(url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await?;
    let st = resp.status().as_u16();
    resp.bytes().await?;
    Ok(st)
}

/// Concurrent clients of the throughput runs.
const CLIENTS: usize = 16;

/// `CLIENTS` concurrent clients sending GETs to `url` for `secs`: successful requests and the
/// time each request took.
async fn load(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    secs: f64,
) -> Result<(u64, Vec<Duration>)> {
    let stop = Instant::now() + Duration::from_secs_f64(secs);
    let mut tasks = vec![];
    for _ in 0..CLIENTS {
        let (http, url, token) = (http.clone(), url.to_string(), token.to_string());
        tasks.push(tokio::spawn(async move {
            let mut ok = 0u64;
            let mut times = Vec::with_capacity(16 * 1024);
            while Instant::now() < stop {
                let t = Instant::now();
                if https_get(&http, &url, Some(&token)).await? == 200 {
                    ok += 1;
                }
                times.push(t.elapsed());
            }
            anyhow::Ok((ok, times))
        }));
    }
    let (mut total, mut all) = (0, vec![]);
    for t in tasks {
        let (ok, times) = t.await??;
        total += ok;
        all.extend(times);
    }
    Ok((total, all))
}

/// The gateway's added latency and its throughput, side by side with a direct connection to
/// the control plane and with nginx proxying the same control plane, in one run. Both proxies
/// get the same requests (with the kubeconfig token) from the same client.
pub async fn gateway(rounds: usize) -> Result<()> {
    // The per-account rate limit would cap the throughput runs; the latency runs stay far
    // below it either way.
    let p = Platform::start(&[
        "--idle-timeout",
        "1h",
        "--tenant-rate",
        "1000000",
        "--tenant-burst",
        "1000000",
    ])?;
    let email = "bench-gateway@example.com";
    let token = p.signup(email).await?;
    let id = p.create_cluster(&token, "proxy", true).await?;
    let kt = p.kubeconfig_token(&token, &id).await?;
    let path = "/api/v1/namespaces/default";
    if p.k8s_get(&kt, &id, path).await? != 200 {
        bail!("gateway GET failed");
    }
    let sock = p.socket_of(&id)?;
    let (_, me) = p
        .json(reqwest::Method::GET, "/api/v1/me", Some(&token), None)
        .await?;
    let account = me["id"].as_str().context("no account id")?.to_string();
    let identity = [
        ("X-Remote-User", email),
        ("X-Remote-Group", "system:authenticated"),
        ("X-Remote-Extra-Account", account.as_str()),
    ];
    let nginx = Nginx::start(&p.data.join("tls"), &sock, &identity)?;
    let gw_url = format!("{}/k8s/{id}{path}", p.base);
    let nginx_url = nginx
        .as_ref()
        .map(|n| format!("https://127.0.0.1:{}{path}", n.port));
    let mut direct = Direct::connect(&sock).await?;
    let gw_port = p
        .base
        .rsplit(':')
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    println!(
        "| TLS negotiated (openssl s_client) | gateway {} · nginx {} |",
        tls_parameters(gw_port),
        nginx
            .as_ref()
            .map_or_else(|| "-".to_string(), |n| tls_parameters(n.port)),
    );

    // Latency: sequential requests on one kept-alive connection each, interleaved in blocks so
    // that machine noise hits all three alike.
    let (mut t_direct, mut t_gw, mut t_nginx) = (vec![], vec![], vec![]);
    for _ in 0..3 {
        https_get(&p.http, &gw_url, Some(&kt)).await?;
        if let Some(u) = &nginx_url {
            let st = https_get(&p.http, u, Some(&kt)).await?;
            if st != 200 {
                bail!("nginx answered {st}");
            }
        }
    }
    for _ in 0..rounds {
        for _ in 0..100 {
            let t = Instant::now();
            direct.get(path).await?;
            t_direct.push(t.elapsed());
        }
        for _ in 0..100 {
            let t = Instant::now();
            https_get(&p.http, &gw_url, Some(&kt)).await?;
            t_gw.push(t.elapsed());
        }
        if let Some(u) = &nginx_url {
            for _ in 0..100 {
                let t = Instant::now();
                https_get(&p.http, u, Some(&kt)).await?;
                t_nginx.push(t.elapsed());
            }
        }
    }
    let p50 = |v: &mut Vec<Duration>| {
        v.sort();
        percentile(v, 0.5)
    };
    let (d50, g50) = (p50(&mut t_direct), p50(&mut t_gw));
    println!(
        "| GET one object, direct to the control plane's socket (HTTP/1.1, keep-alive) | {} |",
        p50_p99(t_direct.clone())
    );
    println!(
        "| GET one object through the gateway (HTTPS, token checked, keep-alive) | {} |",
        p50_p99(t_gw.clone())
    );
    if nginx.is_some() {
        let n50 = p50(&mut t_nginx);
        println!(
            "| GET one object through nginx (1 worker, HTTPS, no auth, upstream keep-alive) | {} |",
            p50_p99(t_nginx.clone())
        );
        println!(
            "| gateway p50 ÷ nginx p50 (target ≤ 1.1) · gateway adds over direct | {:.2}× · {} |",
            g50.as_secs_f64() / n50.as_secs_f64(),
            ms(g50.saturating_sub(d50))
        );
    } else {
        println!("| nginx | not installed (apt-get install nginx); comparison skipped |");
    }

    // Throughput: CLIENTS concurrent clients, gateway and nginx alternating in 2 s turns (three
    // each) so that machine noise and order hit both alike.
    let secs = 2.0;
    let (mut gw_ok, mut gw_times, mut n_ok, mut n_times) = (0, vec![], 0, vec![]);
    for _ in 0..3 {
        let (ok, times) = load(&p.http, &gw_url, &kt, secs).await?;
        gw_ok += ok;
        gw_times.extend(times);
        if let Some(u) = &nginx_url {
            let (ok, times) = load(&p.http, u, &kt, secs).await?;
            n_ok += ok;
            n_times.extend(times);
        }
    }
    let gw_rps = gw_ok as f64 / (3.0 * secs);
    println!(
        "| throughput through the gateway, {CLIENTS} clients | {gw_rps:.0} requests/s · latency {} |",
        p50_p99(gw_times)
    );
    if nginx_url.is_some() {
        let n_rps = n_ok as f64 / (3.0 * secs);
        println!(
            "| throughput through nginx, {CLIENTS} clients | {n_rps:.0} requests/s · latency {} |",
            p50_p99(n_times)
        );
        println!(
            "| gateway ÷ nginx throughput (target ≥ 1 ÷ 1.1 = 0.91) | {:.2}× |",
            gw_rps / n_rps
        );
    }
    drop(nginx);
    Ok(())
}

fn proc_kib(pid: u32, file: &str, key: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/{file}"))
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| {
                l.strip_prefix(key)
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            })
        })
        .unwrap_or(0)
}

/// Memory of `n` awake, idle clusters: every control plane started (one request each), then
/// the sum of RSS and of PSS (shared pages split among the processes that map them) of all
/// control-plane processes plus the server.
pub async fn fleet(n: usize) -> Result<()> {
    let p = Platform::start(&["--cluster-quota", "100000", "--idle-timeout", "1h"])?;
    let token = p.signup("bench-fleet@example.com").await?;
    let t0 = Instant::now();
    for i in 0..n {
        p.create_cluster(&token, &format!("f{i}"), true).await?;
    }
    let created = t0.elapsed();
    tokio::time::sleep(Duration::from_secs(5)).await;
    let pids = p.control_plane_pids();
    if pids.len() != n {
        bail!("expected {n} awake control planes, found {}", pids.len());
    }
    let (mut rss, mut pss) = (0u64, 0u64);
    for &pid in &pids {
        rss += proc_kib(pid, "status", "VmRSS:");
        pss += proc_kib(pid, "smaps_rollup", "Pss:");
    }
    let srv = p.server_pid();
    let (srv_rss, srv_pss) = (
        proc_kib(srv, "status", "VmRSS:"),
        proc_kib(srv, "smaps_rollup", "Pss:"),
    );
    let gib = |k: u64| k as f64 / 1024.0 / 1024.0;
    println!(
        "| {n} awake idle clusters (created with ?wait=true in {:.1} s) | PSS {:.2} GiB total ({:.1} MiB per control plane + server {:.1} MiB) · RSS sum {:.2} GiB |",
        created.as_secs_f64(),
        gib(pss + srv_pss),
        pss as f64 / 1024.0 / n as f64,
        srv_pss as f64 / 1024.0,
        gib(rss + srv_rss),
    );
    Ok(())
}

/// Server-side render time of the dashboard of an account with 50 clusters: `GET /dashboard`
/// with the session cookie, sequential, over one kept-alive HTTPS connection (the time includes
/// TLS framing and the loopback round trip).
pub async fn web_dashboard(runs: usize) -> Result<()> {
    let p = Platform::start(&["--cluster-quota", "100"])?;
    let token = p.signup("bench-web@example.com").await?;
    for i in 0..50 {
        p.create_cluster(&token, &format!("web-{i:02}"), false)
            .await?;
    }
    let url = format!("{}/dashboard", p.base);
    let cookie = format!("kubicle_session={token}");
    let get = || async {
        let resp = p.http.get(&url).header("cookie", &cookie).send().await?;
        let st = resp.status().as_u16();
        let body = resp.text().await?;
        anyhow::Ok((st, body))
    };
    let (st, body) = get().await?;
    if st != 200 || body.matches("/clusters/web-").count() < 50 {
        bail!("dashboard answered {st} without the 50 clusters");
    }
    let mut times = vec![];
    for _ in 0..runs {
        let t = Instant::now();
        let (st, _) = get().await?;
        times.push(t.elapsed());
        if st != 200 {
            bail!("dashboard answered {st}");
        }
    }
    println!(
        "| dashboard with 50 clusters, `GET /dashboard` over HTTPS ({} bytes) | {} |",
        body.len(),
        p50_p99(times)
    );
    Ok(())
}
