//! The platform harness: starts a real `kubicle server` (HTTPS gateway, REST API, supervisor)
//! on a temporary data directory and drives it the way users and CI do.
//!
//! - [`PlatformServer`]: one `kubicle server` child on loopback (`--listen 127.0.0.1:0`), its
//!   addresses read from what it prints; [`PlatformServer::restart`] keeps the data directory
//!   and the port, [`PlatformServer::terminate`] stops it with SIGTERM.
//! - [`Backend`] / [`TestDatabase`]: SQLite (the default) or a fresh PostgreSQL database per
//!   test, created from `KUBICLE_TEST_DATABASE_URL` and dropped afterwards.
//! - [`PlatformServer::rest`] and [`Resp`]: a REST client that trusts only the server's own CA
//!   (`DATA_DIR/tls/ca.pem`); [`PlatformServer::raw`] sends exact request lines over TLS (for
//!   paths with `..` or encoded slashes that a URL library would normalise).
//! - [`PlatformServer::kubectl`]: a kubectl bound to a downloaded kubeconfig (CA verified).
//! - [`control_plane_pids`]: the `kubicle apiserver` processes of a data directory, from /proc.
//! - [`jwt`]: reads and forges JWTs with the server's real signing key.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::{CmdOutput, Kubectl, kubectl_with_kubeconfig, kubicle_bin, run_command};

/// How long a start or restart may take until both listening lines are printed.
pub const START_TIMEOUT: Duration = Duration::from_secs(30);

/// How long one REST or raw request may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Where the platform keeps its data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// How to start a [`PlatformServer`].
#[derive(Clone, Debug, Default)]
pub struct PlatformOptions {
    /// `--database-url`; `None` is the default SQLite file in the data directory.
    pub database_url: Option<String>,
    /// `--idle-timeout` (e.g. 1 s for the sleep tests); `None` keeps the server's default.
    pub idle_timeout: Option<Duration>,
    /// More arguments for `kubicle server`.
    pub extra_args: Vec<String>,
}

/// A fresh PostgreSQL database for one test, dropped (with its connections) on drop.
pub struct TestDatabase {
    admin_url: String,
    name: String,
    url: String,
}

impl TestDatabase {
    /// Creates `kubicle_e2e_<random>` on the server of `KUBICLE_TEST_DATABASE_URL`. Returns
    /// `None` (after saying why) when the variable is unset, unless `CI=true`: then it panics.
    pub fn create(test: &str) -> Option<TestDatabase> {
        let admin_url = match std::env::var("KUBICLE_TEST_DATABASE_URL") {
            Ok(url) if !url.is_empty() => url,
            _ => {
                if std::env::var("CI").as_deref() == Ok("true") {
                    panic!(
                        "{test}: KUBICLE_TEST_DATABASE_URL is unset, and CI=true requires the \
                         PostgreSQL variants to run"
                    );
                }
                eprintln!(
                    "SKIPPED {test}: KUBICLE_TEST_DATABASE_URL is unset (set it to e.g. \
                     postgres://kubicle:kubicle@127.0.0.1:5432/kubicle_test to run the \
                     PostgreSQL variant)"
                );
                return None;
            }
        };
        let name = format!("kubicle_e2e_{}", random_lower(12));
        let url = replace_database(&admin_url, &name);
        block_on(async {
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(&admin_url)
                .await
                .unwrap_or_else(|e| panic!("connect to {admin_url}: {e}"));
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut conn)
                .await
                .unwrap_or_else(|e| panic!("CREATE DATABASE {name}: {e}"));
            let _ = conn.close().await;
        });
        Some(TestDatabase {
            admin_url,
            name,
            url,
        })
    }

    /// The URL of the new database, for `--database-url`.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        let dropped = block_on(async move {
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(&admin_url).await?;
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .execute(&mut conn)
            .await?;
            conn.close().await
        });
        if let Err(e) = dropped {
            eprintln!("could not drop the test database {}: {e}", self.name);
        }
    }
}

/// `url` with its database (the path) replaced by `name`; the query is kept.
fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_end = base[scheme_end..]
        .find('/')
        .map(|i| scheme_end + i)
        .unwrap_or(base.len());
    let mut out = format!("{}/{name}", &base[..host_end]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// Runs a future to completion on a small runtime of its own.
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
        .block_on(f)
}

fn random_lower(n: usize) -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..n)
        .map(|_| (b'a' + rng.random_range(0..26u8)) as char)
        .collect()
}

/// A unique email address for a test account.
pub fn unique_email(prefix: &str) -> String {
    format!("{prefix}-{}@example.test", random_lower(10))
}

/// A password the server accepts.
pub const PASSWORD: &str = "correct horse battery staple";

/// One `kubicle server` child process with its own temporary data directory. Dropping it kills
/// the server (and so its control planes, which exit on stdin EOF) and removes the directory,
/// which is kept when the thread is panicking.
pub struct PlatformServer {
    root: tempfile::TempDir,
    data_dir: PathBuf,
    options: PlatformOptions,
    child: Option<Child>,
    url: String,
    metrics_url: String,
    port: u16,
    metrics_port: u16,
    backend: Backend,
    client: Option<reqwest::blocking::Client>,
    counter: std::sync::atomic::AtomicUsize,
    log_reported: bool,
    // Last: dropped after the server is killed.
    _database: Option<TestDatabase>,
}

impl PlatformServer {
    /// Starts a server with these options (SQLite unless `database_url` says otherwise).
    pub fn start(options: PlatformOptions) -> PlatformServer {
        Self::launch(options, None)
    }

    /// Starts a server on `backend`: for PostgreSQL a fresh database is created (and dropped
    /// with the server). `None` when the PostgreSQL variant is skipped (see
    /// [`TestDatabase::create`]).
    pub fn start_on(
        backend: Backend,
        test: &str,
        options: PlatformOptions,
    ) -> Option<PlatformServer> {
        match backend {
            Backend::Sqlite => Some(Self::launch(options, None)),
            Backend::Postgres => {
                let db = TestDatabase::create(test)?;
                let options = PlatformOptions {
                    database_url: Some(db.url().to_string()),
                    ..options
                };
                Some(Self::launch(options, Some(db)))
            }
        }
    }

    fn launch(options: PlatformOptions, database: Option<TestDatabase>) -> PlatformServer {
        let root = tempfile::Builder::new()
            .prefix("kubicle-platform-")
            .tempdir()
            .expect("create a temporary folder");
        let data_dir = root.path().join("data");
        std::fs::create_dir_all(&data_dir).expect("create the data folder");
        std::fs::create_dir_all(root.path().join("kube")).expect("create the kube folder");
        let backend = match &options.database_url {
            Some(url) if url.starts_with("postgres") => Backend::Postgres,
            _ => Backend::Sqlite,
        };
        let mut server = PlatformServer {
            root,
            data_dir,
            options,
            child: None,
            url: String::new(),
            metrics_url: String::new(),
            port: 0,
            metrics_port: 0,
            backend,
            client: None,
            counter: Default::default(),
            log_reported: false,
            _database: database,
        };
        if let Err(e) = server.spawn_and_wait() {
            server.fail(&format!("kubicle server did not start: {e}"));
        }
        server.client = Some(server.build_client());
        server
    }

    fn fail(&mut self, message: &str) -> ! {
        self.root.disable_cleanup(true);
        self.log_reported = true;
        panic!(
            "{message}\n(data kept in {})\n--- server log tail\n{}",
            self.data_dir.display(),
            self.log_tail(60)
        );
    }

    fn spawn_and_wait(&mut self) -> Result<(), String> {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log_path())
            .map_err(|e| format!("open the log: {e}"))?;
        let mut cmd = Command::new(kubicle_bin());
        cmd.arg("server")
            .arg("--data-dir")
            .arg(&self.data_dir)
            .arg("--listen")
            .arg(format!("127.0.0.1:{}", self.port))
            .arg("--metrics-listen")
            .arg(format!("127.0.0.1:{}", self.metrics_port));
        if let Some(url) = &self.options.database_url {
            cmd.arg("--database-url").arg(url);
        }
        if let Some(idle) = self.options.idle_timeout {
            cmd.arg("--idle-timeout").arg(format_duration(idle));
        }
        cmd.args(&self.options.extra_args);
        cmd.env_remove("KUBICLE_DATABASE_URL")
            .env("KUBICLE_LOG", "info")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log.try_clone().map_err(|e| format!("clone the log: {e}"))?);
        let mut child = cmd
            .spawn()
            .map_err(|e| format!("spawn {}: {e}", kubicle_bin().display()))?;
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel::<String>();
        // Copies stdout into the log and hands each line to the waiter below.
        thread::spawn(move || {
            let mut log = log;
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                let _ = writeln!(log, "{line}");
                let _ = tx.send(line);
            }
        });
        let deadline = Instant::now() + START_TIMEOUT;
        let (mut url, mut metrics) = (None, None);
        while url.is_none() || metrics.is_none() {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left.min(Duration::from_millis(200))) {
                Ok(line) => {
                    if let Some(rest) = line.split("kubicle server listening on ").nth(1) {
                        url = Some(rest.trim().trim_end_matches('/').to_string());
                    }
                    if let Some(rest) = line.split("kubicle metrics on ").nth(1) {
                        metrics = Some(rest.trim().trim_end_matches('/').to_string());
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    thread::sleep(Duration::from_millis(100));
                    let status = child.try_wait().ok().flatten();
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(format!(
                        "stdout closed before both listening lines were printed (exit: {status:?})"
                    ));
                }
            }
            if let Ok(Some(status)) = child.try_wait() {
                return Err(format!("the server exited early with {status}"));
            }
            if Instant::now() >= deadline && (url.is_none() || metrics.is_none()) {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "no `kubicle server listening on` and `kubicle metrics on` lines within \
                     {START_TIMEOUT:?}"
                ));
            }
        }
        // Keep draining stdout in the background (the thread above keeps running).
        let url = url.expect("checked");
        let metrics = metrics.expect("checked");
        self.port = port_of(&url).ok_or_else(|| format!("no port in {url:?}"))?;
        self.metrics_port = port_of(&metrics).ok_or_else(|| format!("no port in {metrics:?}"))?;
        self.url = url;
        self.metrics_url = metrics;
        self.child = Some(child);
        Ok(())
    }

    fn build_client(&self) -> reqwest::blocking::Client {
        let ca = std::fs::read(self.ca_path()).unwrap_or_else(|e| {
            panic!("read the server's CA at {}: {e}", self.ca_path().display())
        });
        let cert = reqwest::Certificate::from_pem(&ca).expect("the CA is PEM");
        reqwest::blocking::Client::builder()
            .use_rustls_tls()
            .tls_built_in_root_certs(false)
            .add_root_certificate(cert)
            .timeout(REQUEST_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a REST client")
    }

    /// `https://127.0.0.1:<port>` (as the server printed it).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// `http://127.0.0.1:<port>` of the metrics listener.
    pub fn metrics_url(&self) -> &str {
        &self.metrics_url
    }

    /// The HTTPS port.
    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The `--database-url` in use, if any.
    pub fn database_url(&self) -> Option<&str> {
        self.options.database_url.as_deref()
    }

    /// The folder given to `--data-dir`.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// A scratch folder of the test (kubeconfigs, kubectl caches, CLI config).
    pub fn scratch(&self) -> &Path {
        self.root.path()
    }

    /// `DATA_DIR/tls/ca.pem`.
    pub fn ca_path(&self) -> PathBuf {
        self.data_dir.join("tls").join("ca.pem")
    }

    /// `DATA_DIR/clusters/<id>`.
    pub fn cluster_dir(&self, id: &str) -> PathBuf {
        self.data_dir.join("clusters").join(id)
    }

    /// The file receiving the server's stdout and stderr (appended across restarts).
    pub fn log_path(&self) -> PathBuf {
        self.root.path().join("server.log")
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log_path()).unwrap_or_default()
    }

    pub fn log_tail(&self, lines: usize) -> String {
        let log = self.log();
        let all: Vec<&str> = log.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }

    /// The server's process id while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Sends SIGTERM and waits up to `timeout` for the exit; `None` (after a SIGKILL) when it
    /// did not stop in time.
    pub fn terminate(&mut self, timeout: Duration) -> Option<ExitStatus> {
        crate::terminate_child(self.child.take()?, timeout)
    }

    /// Kills the server with SIGKILL and waits for it.
    pub fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same data directory, database and ports (SIGKILL first
    /// if it still runs). Retries for a while when the old ports are not free yet.
    pub fn restart(&mut self) {
        self.kill9();
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            match self.spawn_and_wait() {
                Ok(()) => break,
                Err(e) if Instant::now() >= deadline => {
                    self.fail(&format!("kubicle server did not come back: {e}"))
                }
                Err(_) => thread::sleep(Duration::from_millis(200)),
            }
        }
        self.client = Some(self.build_client());
    }

    /// The REST client (trusting only the server's CA).
    pub fn client(&self) -> &reqwest::blocking::Client {
        self.client.as_ref().expect("a client once started")
    }

    /// A REST (or gateway) request: `path` is appended to [`PlatformServer::url`]; `token`
    /// goes into `Authorization: Bearer`; `body` is sent as JSON.
    pub fn rest(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Resp {
        self.rest_with(method, path, token, body, &[])
    }

    /// [`PlatformServer::rest`] with extra headers.
    pub fn rest_with(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
        let mut req = self
            .client()
            .request(method.clone(), format!("{}{path}", self.url));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            let ct = if method == reqwest::Method::PATCH && path.starts_with("/k8s/") {
                "application/merge-patch+json"
            } else {
                "application/json"
            };
            req = req
                .header("Content-Type", ct)
                .body(serde_json::to_vec(b).expect("JSON"));
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let started = Instant::now();
        let resp = req
            .send()
            .unwrap_or_else(|e| panic!("{method} {path}: {e:?}"));
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
            .collect();
        let body = resp
            .text()
            .unwrap_or_else(|e| panic!("{method} {path}: read the body: {e}"));
        Resp {
            request: format!("{method} {path}"),
            status,
            headers,
            body,
            elapsed: started.elapsed(),
        }
    }

    /// Signs up a new account: `(account id, session token)`.
    pub fn signup(&self, email: &str) -> (String, String) {
        let r = self
            .rest(
                "POST",
                "/api/v1/signup",
                None,
                Some(&json!({"email": email, "password": PASSWORD})),
            )
            .expect_status(201);
        let v = r.json();
        let id = v["account"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("signup: no account.id\n{r}"))
            .to_string();
        let token = v["token"]
            .as_str()
            .unwrap_or_else(|| panic!("signup: no token\n{r}"))
            .to_string();
        (id, token)
    }

    /// Logs in: the raw response (200 {token}, 401, 429).
    pub fn login(&self, email: &str, password: &str) -> Resp {
        self.rest(
            "POST",
            "/api/v1/login",
            None,
            Some(&json!({"email": email, "password": password})),
        )
    }

    /// Creates an API token: `(token id, secret)`.
    pub fn create_api_token(&self, token: &str, name: &str) -> (String, String) {
        let r = self
            .rest(
                "POST",
                "/api/v1/tokens",
                Some(token),
                Some(&json!({"name": name})),
            )
            .expect_status(201);
        let v = r.json();
        (
            v["id"].as_str().expect("token id").to_string(),
            v["token"].as_str().expect("token secret").to_string(),
        )
    }

    /// Creates a cluster (`?wait=true` when `wait`) and returns its JSON.
    pub fn create_cluster(&self, token: &str, name: &str, wait: bool) -> Value {
        let path = if wait {
            "/api/v1/clusters?wait=true"
        } else {
            "/api/v1/clusters"
        };
        let r = self
            .rest("POST", path, Some(token), Some(&json!({"name": name})))
            .expect_status(201);
        let v = r.json();
        assert!(
            v["id"].as_str().is_some_and(|s| s.starts_with('c')),
            "no cluster id\n{r}"
        );
        if wait {
            assert_eq!(
                v["status"], "Ready",
                "?wait=true returned before Ready\n{r}"
            );
        }
        v
    }

    /// `GET /api/v1/clusters/{c}` → its JSON (panics unless 200).
    pub fn cluster(&self, token: &str, id_or_name: &str) -> Value {
        self.rest(
            "GET",
            &format!("/api/v1/clusters/{id_or_name}"),
            Some(token),
            None,
        )
        .expect_status(200)
        .json()
    }

    /// Downloads the cluster's kubeconfig into a new file of the scratch folder.
    pub fn kubeconfig(&self, token: &str, id_or_name: &str) -> PathBuf {
        let r = self
            .rest(
                "GET",
                &format!("/api/v1/clusters/{id_or_name}/kubeconfig"),
                Some(token),
                None,
            )
            .expect_status(200);
        let n = self
            .counter
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = self
            .root
            .path()
            .join("kube")
            .join(format!("{id_or_name}-{n}.yaml"));
        std::fs::write(&path, &r.body).expect("write the kubeconfig");
        path
    }

    /// A kubectl of minor version `version` bound to the kubeconfig file.
    pub fn kubectl(&self, version: &str, kubeconfig: &Path) -> Kubectl {
        kubectl_with_kubeconfig(version, kubeconfig, &self.root.path().join("kubecache"))
    }

    /// A `kubicle` CLI command with a private HOME/XDG config (nothing of the user's).
    pub fn cli(&self, args: &[&str]) -> Command {
        let home = self.root.path().join("home");
        std::fs::create_dir_all(&home).expect("create the CLI home");
        let mut cmd = Command::new(kubicle_bin());
        cmd.args(args)
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env_remove("KUBICLE_TOKEN")
            .env_remove("KUBICLE_SERVER")
            .env_remove("KUBICLE_CA_FILE")
            .env_remove("KUBICLE_DATA_DIR")
            .env_remove("KUBICLE_DATABASE_URL");
        cmd
    }

    /// Runs the CLI to completion.
    pub fn run_cli(&self, cmd: Command, stdin: Option<&str>) -> CmdOutput {
        run_command(cmd, stdin, Duration::from_secs(60))
    }

    /// Sends exactly `method raw_path HTTP/1.1` over TLS (CA verified) with these headers and
    /// body, so that `..`, `%2F` and `//` reach the server unchanged.
    pub fn raw(
        &self,
        method: &str,
        raw_path: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> RawResp {
        raw_request(
            &self.ca_path(),
            self.port,
            method,
            raw_path,
            headers,
            body,
            Duration::from_secs(10),
        )
    }

    /// `kubicle apiserver` processes of this server's data directory (any cluster).
    pub fn all_control_plane_pids(&self) -> Vec<u32> {
        control_plane_pids(&self.data_dir.to_string_lossy(), None)
    }

    /// `kubicle apiserver` processes serving cluster `id` of this server.
    pub fn cluster_pids(&self, id: &str) -> Vec<u32> {
        control_plane_pids(&self.data_dir.to_string_lossy(), Some(id))
    }

    /// Runs one SQL statement (`$1`… bound to `binds`, as text) on the platform database,
    /// whichever backend is in use; returns the number of rows it changed. For tests that put
    /// rows into states a server leaves behind when it dies (best with the server stopped).
    pub fn sql(&self, statement: &str, binds: &[&str]) -> u64 {
        let url = match &self.options.database_url {
            Some(u) => u.clone(),
            None => format!("sqlite://{}", self.data_dir.join("platform.db").display()),
        };
        let statement = statement.to_string();
        let binds: Vec<String> = binds.iter().map(|b| b.to_string()).collect();
        block_on(async move {
            use sqlx::Connection;
            sqlx::any::install_default_drivers();
            let mut conn = sqlx::AnyConnection::connect(&url)
                .await
                .unwrap_or_else(|e| panic!("open the platform database {url}: {e}"));
            let mut query = sqlx::query(sqlx::AssertSqlSafe(statement.clone()));
            for b in binds {
                query = query.bind(b);
            }
            let done = query
                .execute(&mut conn)
                .await
                .unwrap_or_else(|e| panic!("{statement}: {e}"));
            let _ = conn.close().await;
            done.rows_affected()
        })
    }

    /// Reads the platform database's audit records (newest last), through sqlx, whichever
    /// backend is in use. Columns are returned as JSON values keyed by column name.
    pub fn audit_rows(&self) -> Vec<serde_json::Map<String, Value>> {
        let url = match &self.options.database_url {
            Some(u) => u.clone(),
            None => format!(
                "sqlite://{}?mode=ro",
                self.data_dir.join("platform.db").display()
            ),
        };
        block_on(async move { read_audit(&url).await })
    }
}

async fn read_audit(url: &str) -> Vec<serde_json::Map<String, Value>> {
    use sqlx::{Column, Connection, Row, TypeInfo, ValueRef};
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(url)
        .await
        .unwrap_or_else(|e| panic!("open the platform database {url}: {e}"));
    let rows = sqlx::query("SELECT * FROM audit_log ORDER BY at_ms")
        .fetch_all(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("read audit_log: {e}"));
    let mut out = Vec::new();
    for row in rows {
        let mut m = serde_json::Map::new();
        for col in row.columns() {
            let i = col.ordinal();
            let raw = row.try_get_raw(i).expect("a column");
            let v = if raw.is_null() {
                Value::Null
            } else {
                let ty = raw.type_info().name().to_ascii_uppercase();
                if ty.contains("INT") {
                    row.try_get::<i64, _>(i)
                        .map(Value::from)
                        .unwrap_or(Value::Null)
                } else {
                    row.try_get::<String, _>(i)
                        .map(Value::from)
                        .or_else(|_| row.try_get::<i64, _>(i).map(Value::from))
                        .unwrap_or(Value::Null)
                }
            };
            m.insert(col.name().to_string(), v);
        }
        out.push(m);
    }
    let _ = conn.close().await;
    out
}

impl Drop for PlatformServer {
    fn drop(&mut self) {
        // SIGTERM first: the server stops its control planes and removes their cgroups (a
        // SIGKILLed server leaves empty cgroups whose folder this drop then deletes).
        self.terminate(Duration::from_secs(5));
        if thread::panicking() && !self.log_reported {
            self.root.disable_cleanup(true);
            eprintln!(
                "kubicle server data kept in {}\n--- server log tail\n{}\n---",
                self.root.path().display(),
                self.log_tail(60)
            );
        }
    }
}

fn port_of(url: &str) -> Option<u16> {
    let after_scheme = url.split("://").nth(1)?;
    let host_port = after_scheme.split('/').next()?;
    host_port.rsplit(':').next()?.parse().ok()
}

fn format_duration(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{}ms", d.as_millis())
    }
}

/// The pids of `kubicle apiserver` processes whose command line mentions `data_dir` (and
/// `cluster`, when given), from /proc/*/cmdline. Zombies (empty command lines) are left out.
pub fn control_plane_pids(data_dir: &str, cluster: Option<&str>) -> Vec<u32> {
    let mut pids = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return pids;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(raw) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let args: Vec<String> = raw
            .split(|b| *b == 0)
            .filter(|a| !a.is_empty())
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        if !args.iter().any(|a| a == "apiserver") {
            continue;
        }
        let line = args.join(" ");
        if !line.contains(data_dir) {
            continue;
        }
        if cluster.is_some_and(|c| !line.contains(c)) {
            continue;
        }
        pids.push(pid);
    }
    pids
}

/// Polls `check` every 50 ms until it holds or `timeout` passes; returns whether it held.
pub fn eventually(timeout: Duration, mut check: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if check() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        thread::sleep(Duration::from_millis(50));
    }
}

/// One REST answer.
#[derive(Clone, Debug)]
pub struct Resp {
    pub request: String,
    pub status: u16,
    /// Header names in lowercase.
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub elapsed: Duration,
}

impl Resp {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON (panics with the response when it is not).
    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("the body is not JSON ({e})\n{self}"))
    }

    /// Panics with the response unless its status is `status`.
    #[track_caller]
    pub fn expect_status(self, status: u16) -> Resp {
        assert_eq!(self.status, status, "unexpected status\n{self}");
        self
    }
}

impl std::fmt::Display for Resp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{} → {} ({:?})", self.request, self.status, self.elapsed)?;
        for (k, v) in &self.headers {
            writeln!(f, "{k}: {v}")?;
        }
        let body: String = self.body.chars().take(2000).collect();
        write!(f, "\n{body}")
    }
}

/// One answer to [`raw_request`].
#[derive(Clone, Debug)]
pub struct RawResp {
    /// 0 when no status line arrived (connection refused, reset, timeout before any byte).
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Why the exchange ended early, if it did (a read timeout on a stream, a reset).
    pub error: Option<String>,
}

impl RawResp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends one HTTP/1.1 request with `Connection: close` over TLS to `127.0.0.1:port`,
/// verifying the server against the CA in `ca_pem`, and reads the answer until the server
/// closes or `read_timeout` passes without a byte.
pub fn raw_request(
    ca_pem: &Path,
    port: u16,
    method: &str,
    raw_path: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
    read_timeout: Duration,
) -> RawResp {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, ServerName};

    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(ca_pem).expect("read the CA PEM") {
        roots
            .add(cert.expect("a CA certificate"))
            .expect("add the CA");
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("TLS versions")
    .with_root_certificates(roots)
    .with_no_client_auth();
    let name = ServerName::try_from("127.0.0.1").expect("a server name");
    let conn = rustls::ClientConnection::new(Arc::new(config), name).expect("a TLS client");
    let sock = match TcpStream::connect(("127.0.0.1", port)) {
        Ok(s) => s,
        Err(e) => {
            return RawResp {
                status: 0,
                headers: vec![],
                body: vec![],
                error: Some(format!("connect: {e}")),
            };
        }
    };
    sock.set_read_timeout(Some(read_timeout)).ok();
    sock.set_write_timeout(Some(read_timeout)).ok();
    let mut tls = rustls::StreamOwned::new(conn, sock);
    let mut req = format!("{method} {raw_path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some(b) = body {
        req.push_str(&format!("Content-Length: {}\r\n", b.len()));
    }
    req.push_str("Connection: close\r\n\r\n");
    let mut error = None;
    let mut sent = tls.write_all(req.as_bytes());
    if let (Ok(()), Some(b)) = (&sent, body) {
        sent = tls.write_all(b);
    }
    if let Err(e) = sent.and_then(|()| tls.flush()) {
        error = Some(format!("write: {e}"));
    }
    let mut raw = Vec::new();
    let mut buf = [0u8; 16384];
    loop {
        match tls.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(e) => {
                error.get_or_insert(format!("read: {e}"));
                break;
            }
        }
    }
    let mut resp = parse_http(&raw);
    resp.error = error;
    resp
}

fn parse_http(raw: &[u8]) -> RawResp {
    let mut resp = RawResp {
        status: 0,
        headers: vec![],
        body: vec![],
        error: None,
    };
    let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
        return resp;
    };
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head.split("\r\n");
    resp.status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    for line in lines {
        if let Some((k, v)) = line.split_once(':') {
            resp.headers
                .push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let body = &raw[end + 4..];
    let chunked = resp
        .header("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
    resp.body = if chunked {
        dechunk(body)
    } else {
        body.to_vec()
    };
    resp
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(nl) = data.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size_text = String::from_utf8_lossy(&data[..nl]);
        let size_text = size_text.split(';').next().unwrap_or("").trim().to_string();
        let Ok(size) = usize::from_str_radix(&size_text, 16) else {
            return out;
        };
        data = &data[nl + 2..];
        if size == 0 || data.len() < size {
            out.extend_from_slice(&data[..size.min(data.len())]);
            return out;
        }
        out.extend_from_slice(&data[..size]);
        data = data.get(size + 2..).unwrap_or(&[]);
    }
}

/// Reading and forging JWTs for the negative tests.
pub mod jwt {
    use std::path::Path;

    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use serde_json::Value;

    /// The header and claims of a compact JWT (panics when it is not one).
    pub fn decode(token: &str) -> (Value, Value) {
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3, "not a compact JWT: {token:?}");
        let part = |s: &str| -> Value {
            let bytes = URL_SAFE_NO_PAD
                .decode(s.trim_end_matches('='))
                .unwrap_or_else(|e| panic!("JWT part is not base64url ({e}): {s:?}"));
            serde_json::from_slice(&bytes).expect("JWT part is JSON")
        };
        (part(parts[0]), part(parts[1]))
    }

    pub fn b64(bytes: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// The kid in use (`DATA_DIR/keys/current`) and its PKCS#8 PEM private key.
    pub fn current_key(data_dir: &Path) -> (String, String) {
        let keys = data_dir.join("keys");
        let kid = std::fs::read_to_string(keys.join("current"))
            .unwrap_or_else(|e| panic!("read {}/current: {e}", keys.display()))
            .trim()
            .to_string();
        let pem = std::fs::read_to_string(keys.join(format!("{kid}.pem")))
            .unwrap_or_else(|e| panic!("read the key {kid}.pem: {e}"));
        (kid, pem)
    }

    /// The public key of a PKCS#8 private key: (SPKI PEM, SPKI DER).
    pub fn public_key(private_pem: &str) -> (String, Vec<u8>) {
        use rcgen::PublicKeyData;
        let kp = rcgen::KeyPair::from_pem(private_pem).expect("an ECDSA key");
        (kp.public_key_pem(), kp.subject_public_key_info())
    }

    /// Signs `claims` with ES256 and the given kid.
    pub fn sign_es256(kid: &str, private_pem: &str, claims: &Value) -> String {
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256);
        header.kid = Some(kid.to_string());
        let key =
            jsonwebtoken::EncodingKey::from_ec_pem(private_pem.as_bytes()).expect("an ES256 key");
        jsonwebtoken::encode(&header, claims, &key).expect("sign")
    }

    /// Signs `claims` with HS256 using `secret` (e.g. the public key) and the given kid.
    pub fn sign_hs256(kid: &str, secret: &[u8], claims: &Value) -> String {
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
        header.kid = Some(kid.to_string());
        let key = jsonwebtoken::EncodingKey::from_secret(secret);
        jsonwebtoken::encode(&header, claims, &key).expect("sign")
    }

    /// An unsigned token: `{"alg":"none"}` and an empty signature.
    pub fn unsigned(kid: &str, claims: &Value) -> String {
        let header = serde_json::json!({"alg": "none", "typ": "JWT", "kid": kid});
        format!(
            "{}.{}.",
            b64(header.to_string().as_bytes()),
            b64(claims.to_string().as_bytes())
        )
    }

    /// `token` with its payload replaced by `claims` and the original signature kept.
    pub fn with_payload(token: &str, claims: &Value) -> String {
        let parts: Vec<&str> = token.split('.').collect();
        format!(
            "{}.{}.{}",
            parts[0],
            b64(claims.to_string().as_bytes()),
            parts[2]
        )
    }

    /// Seconds since the Unix epoch.
    pub fn now() -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("time after 1970")
            .as_secs() as i64
    }
}

/// The token in a kubeconfig file (the first user's `token`).
pub fn kubeconfig_token(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("read the kubeconfig");
    let v: serde_yaml::Value = serde_yaml::from_str(&text).expect("the kubeconfig is YAML");
    v["users"][0]["user"]["token"]
        .as_str()
        .unwrap_or_else(|| panic!("no users[0].user.token in\n{text}"))
        .to_string()
}

/// The server URL of a kubeconfig file (the first cluster's).
pub fn kubeconfig_server(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("read the kubeconfig");
    let v: serde_yaml::Value = serde_yaml::from_str(&text).expect("the kubeconfig is YAML");
    v["clusters"][0]["cluster"]["server"]
        .as_str()
        .unwrap_or_else(|| panic!("no clusters[0].cluster.server in\n{text}"))
        .to_string()
}

/// Prints a matrix of results as an aligned table (cells cut at 110 characters).
pub fn print_table(title: &str, header: &[&str], rows: &[Vec<String>]) {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| {
                    if c.chars().count() > 110 {
                        format!("{}…", c.chars().take(109).collect::<String>())
                    } else {
                        c.clone()
                    }
                })
                .collect()
        })
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            if i < widths.len() {
                widths[i] = widths[i].max(c.chars().count());
            }
        }
    }
    let line = |cells: Vec<&str>| -> String {
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c:<w$}", w = widths[i]))
            .collect::<Vec<_>>()
            .join(" | ")
    };
    let mut out = format!("\n{title}\n");
    out.push_str(&line(header.to_vec()));
    out.push('\n');
    out.push_str(
        &widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .join("-+-"),
    );
    out.push('\n');
    for r in &rows {
        out.push_str(&line(r.iter().map(String::as_str).collect()));
        out.push('\n');
    }
    println!("{out}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls_are_rewritten() {
        assert_eq!(
            replace_database("postgres://u:p@127.0.0.1:5432/kubicle_test", "x"),
            "postgres://u:p@127.0.0.1:5432/x"
        );
        assert_eq!(
            replace_database("postgres://u:p@h/db?sslmode=disable", "y"),
            "postgres://u:p@h/y?sslmode=disable"
        );
        assert_eq!(replace_database("postgres://h:1", "z"), "postgres://h:1/z");
    }

    #[test]
    fn test_databases_are_created_and_dropped() {
        let Some(db) = TestDatabase::create("test_databases_are_created_and_dropped") else {
            return;
        };
        let name = db.name.clone();
        let url = db.url().to_string();
        block_on(async {
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(&url).await.expect("connect");
            sqlx::query("CREATE TABLE t (x BIGINT)")
                .execute(&mut conn)
                .await
                .expect("create a table");
            // Left open on purpose: the drop must end it.
            std::mem::forget(conn);
        });
        let admin = db.admin_url.clone();
        drop(db);
        let left: i64 = block_on(async move {
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(&admin).await.expect("connect");
            sqlx::query_scalar("SELECT count(*) FROM pg_database WHERE datname = $1")
                .bind(&name)
                .fetch_one(&mut conn)
                .await
                .expect("query pg_database")
        });
        assert_eq!(left, 0, "the test database was not dropped");
    }

    #[test]
    fn http_answers_parse_with_chunks() {
        let raw = b"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
        let r = parse_http(raw);
        assert_eq!(r.status, 401);
        assert_eq!(r.header("content-type"), Some("application/json"));
        assert_eq!(r.body, b"hello world");
        assert_eq!(port_of("https://127.0.0.1:8443"), Some(8443));
        assert_eq!(format_duration(Duration::from_secs(1)), "1s");
        assert_eq!(format_duration(Duration::from_millis(1500)), "1500ms");
    }
}
