//! The shared end-to-end harness: starts real `kubicle apiserver` processes on loopback, each
//! with its own fresh data directory, and drives real clients (kubectl, helm) against them.
//!
//! - [`ApiServer`]: one control-plane process; kill -9 and restart keep its directory and port.
//! - [`kubectl_path`], [`helm_path`]: the client binaries that `tests/tools.sh` installs.
//! - [`Kubectl`]: runs one kubectl version against one server, with a timeout, and returns a
//!   [`CmdOutput`]; [`Kubectl::spawn`] keeps a command (a watch, a wait) in the background.
//! - [`parse_table`], [`json_stream`]: read what kubectl prints.
//! - [`steps::Steps`]: runs a scenario's named steps to the end and reports every failure.
//!
//! Environment: `KUBICLE_BIN` (default `<target>/release/kubicle`), `KUBICLE_TOOLS_DIR`
//! (default `~/.cache/kubicle-test-tools`). A test that panics keeps the server's directory and
//! prints the tail of its log, so a failure can be examined afterwards.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fmt;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

pub mod platform;
pub mod steps;

/// How long [`ApiServer::start`] and [`ApiServer::restart`] wait for `/readyz` to answer 200.
pub const READY_TIMEOUT: Duration = Duration::from_secs(30);

/// How long one client command may run unless the caller says otherwise.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// The workspace root (the folder that holds `tests/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent folder")
        .to_path_buf()
}

/// The `kubicle` binary under test: `$KUBICLE_BIN`, else `<target>/release/kubicle` where
/// `<target>` is `$CARGO_TARGET_DIR` or `<workspace>/target`. Panics when it does not exist.
pub fn kubicle_bin() -> PathBuf {
    let path = match std::env::var_os("KUBICLE_BIN") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => {
            let target = std::env::var_os("CARGO_TARGET_DIR")
                .filter(|t| !t.is_empty())
                .map(PathBuf::from)
                .unwrap_or_else(|| workspace_root().join("target"));
            target.join("release").join("kubicle")
        }
    };
    if !path.is_file() {
        panic!(
            "the kubicle binary is missing at {}: run `cargo build --release -p kubicle` \
             (or tests/run.sh), or point KUBICLE_BIN at a build",
            path.display()
        );
    }
    path
}

/// The folder where `tests/tools.sh` installs the clients.
pub fn tools_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("KUBICLE_TOOLS_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    let home = std::env::var_os("HOME").unwrap_or_else(|| "/root".into());
    Path::new(&home).join(".cache").join("kubicle-test-tools")
}

/// The kubectl binary for a minor version such as `"1.37"` or `"1.30"`: `kubectl-1.NN` in
/// [`tools_dir`], else the machine's own `kubectl.1.NN` beside the `kubectl` on `PATH`.
pub fn kubectl_path(version: &str) -> Option<PathBuf> {
    let cached = tools_dir().join(format!("kubectl-{version}"));
    if is_executable(&cached) {
        return Some(cached);
    }
    let on_path = find_on_path("kubectl")?;
    let real = std::fs::canonicalize(&on_path).ok()?;
    let beside = real.parent()?.join(format!("kubectl.{version}"));
    is_executable(&beside).then_some(beside)
}

/// The helm 4 binary in [`tools_dir`].
pub fn helm_path() -> Option<PathBuf> {
    let helm = tools_dir().join("helm");
    is_executable(&helm).then_some(helm)
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| is_executable(p))
}

/// One `kubicle apiserver` child process serving plain HTTP on a loopback port, with a fresh
/// temporary data directory. Dropping it kills the process and removes the directory (the
/// directory is kept when the thread is panicking).
pub struct ApiServer {
    root: tempfile::TempDir,
    data_dir: PathBuf,
    port: u16,
    child: Option<Child>,
    /// Set once a panic message already carried the log tail.
    log_reported: bool,
}

impl ApiServer {
    /// Starts a server on a free loopback port and waits until `/readyz` answers 200.
    /// Panics (with the server's log) when it does not become ready within [`READY_TIMEOUT`].
    pub fn start() -> ApiServer {
        let root = tempfile::Builder::new()
            .prefix("kubicle-e2e-")
            .tempdir()
            .expect("create a temporary folder");
        let data_dir = root.path().join("data");
        std::fs::create_dir_all(&data_dir).expect("create the data folder");
        let mut server = ApiServer {
            root,
            data_dir,
            port: 0,
            child: None,
            log_reported: false,
        };
        // Another process may take the port between our probe and the server's bind: retry.
        let mut last_error = String::new();
        for _ in 0..3 {
            server.port = free_port();
            match server.spawn_and_wait() {
                Ok(()) => {
                    server.write_kubeconfig();
                    return server;
                }
                Err(e) => last_error = e,
            }
        }
        server.root.disable_cleanup(true);
        server.log_reported = true;
        panic!(
            "kubicle apiserver did not become ready: {last_error}\n(data kept in {})\n--- log tail\n{}",
            server.data_dir.display(),
            server.log_tail(60)
        );
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The loopback port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The folder given to `--data-dir`.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The file that receives the server's stdout and stderr (appended across restarts).
    pub fn log_path(&self) -> PathBuf {
        self.data_dir.join("apiserver.log")
    }

    /// The server's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log_path()).unwrap_or_default()
    }

    /// A kubeconfig whose current context points at [`ApiServer::url`] (namespace `default`).
    pub fn kubeconfig_path(&self) -> PathBuf {
        self.root.path().join("kubeconfig")
    }

    /// The process id of the running server, if it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// A kubectl of minor version `version` (e.g. `"1.37"`) bound to this server. Panics when
    /// that version is not installed (run `tests/tools.sh`).
    pub fn kubectl(&self, version: &str) -> Kubectl {
        let bin = kubectl_path(version).unwrap_or_else(|| {
            panic!(
                "kubectl {version} is not installed (looked in {} and beside the kubectl on PATH): \
                 run tests/tools.sh",
                tools_dir().display()
            )
        });
        Kubectl {
            bin,
            version: version.to_string(),
            minor: parse_minor(version),
            env: self.client_env(&format!("kubectl-{version}")),
            timeout: COMMAND_TIMEOUT,
        }
    }

    /// A `Command` for any client program, with the environment that binds it to this server:
    /// `KUBECONFIG`, a private kubectl discovery cache, no user kuberc, private helm folders.
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut cmd = Command::new(program);
        for (k, v) in self.client_env("client") {
            cmd.env(k, v);
        }
        cmd
    }

    fn client_env(&self, cache_name: &str) -> Vec<(String, PathBuf)> {
        let root = self.root.path();
        vec![
            ("KUBECONFIG".into(), self.kubeconfig_path()),
            ("KUBECACHEDIR".into(), root.join("cache").join(cache_name)),
            ("KUBERC".into(), PathBuf::from("off")),
            ("HELM_CACHE_HOME".into(), root.join("helm").join("cache")),
            ("HELM_CONFIG_HOME".into(), root.join("helm").join("config")),
            ("HELM_DATA_HOME".into(), root.join("helm").join("data")),
        ]
    }

    /// Kills the server with SIGKILL and waits for it to exit. The data stays.
    pub fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Asks the server to stop with SIGTERM and waits up to `timeout` for it to exit; returns
    /// its exit status, or `None` (after a SIGKILL) when it did not stop in time.
    pub fn terminate(&mut self, timeout: Duration) -> Option<ExitStatus> {
        terminate_child(self.child.take()?, timeout)
    }

    /// Stops the server if it runs (SIGKILL), then starts it again on the same data directory
    /// and port and waits until it is ready.
    pub fn restart(&mut self) {
        self.kill9();
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            match self.spawn_and_wait() {
                Ok(()) => return,
                // The old socket may linger for a moment: try again until the deadline.
                Err(e) if Instant::now() >= deadline => {
                    self.root.disable_cleanup(true);
                    self.log_reported = true;
                    panic!(
                        "kubicle apiserver did not come back after restart: {e}\n(data kept in {})\n--- log tail\n{}",
                        self.data_dir.display(),
                        self.log_tail(60)
                    );
                }
                Err(_) => thread::sleep(Duration::from_millis(100)),
            }
        }
    }

    fn spawn_and_wait(&mut self) -> Result<(), String> {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log_path())
            .map_err(|e| format!("open the log: {e}"))?;
        let log2 = log.try_clone().map_err(|e| format!("clone the log: {e}"))?;
        let listen = format!("127.0.0.1:{}", self.port);
        let mut child = Command::new(kubicle_bin())
            .arg("apiserver")
            .arg("--data-dir")
            .arg(&self.data_dir)
            .arg("--listen")
            .arg(&listen)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log2)
            .spawn()
            .map_err(|e| format!("spawn {}: {e}", kubicle_bin().display()))?;
        let addr: SocketAddr = listen.parse().expect("a loopback address");
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                return Err(format!("the server exited early with {status}"));
            }
            if http_status(addr, "/readyz") == Some(200) {
                self.child = Some(child);
                return Ok(());
            }
            if Instant::now() >= deadline {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "GET /readyz did not answer 200 within {READY_TIMEOUT:?}"
                ));
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    fn write_kubeconfig(&self) {
        let text = format!(
            "apiVersion: v1\n\
             kind: Config\n\
             clusters:\n\
             - name: kubicle\n  cluster:\n    server: {url}\n\
             users:\n\
             - name: kubicle\n  user: {{}}\n\
             contexts:\n\
             - name: kubicle\n  context:\n    cluster: kubicle\n    user: kubicle\n    namespace: default\n\
             current-context: kubicle\n\
             preferences: {{}}\n",
            url = self.url()
        );
        std::fs::write(self.kubeconfig_path(), text).expect("write the kubeconfig");
    }

    fn log_tail(&self, lines: usize) -> String {
        let log = self.log();
        let all: Vec<&str> = log.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }
}

impl Drop for ApiServer {
    fn drop(&mut self) {
        self.kill9();
        if thread::panicking() && !self.log_reported {
            self.root.disable_cleanup(true);
            eprintln!(
                "kubicle apiserver data kept in {}\n--- apiserver log tail\n{}\n---",
                self.root.path().display(),
                self.log_tail(40)
            );
        }
    }
}

/// A port on 127.0.0.1 that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("bind an ephemeral loopback port")
}

/// The status code of a plain `GET path` over HTTP/1.1, or `None` when nothing answers.
fn http_status(addr: SocketAddr, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_millis(500)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    stream
        .set_write_timeout(Some(Duration::from_secs(2)))
        .ok()?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).ok()?;
    let _ = stream.shutdown(Shutdown::Write);
    let mut head = [0u8; 64];
    let mut got = 0;
    while got < 12 {
        match stream.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(_) => return None,
        }
    }
    let line = std::str::from_utf8(&head[..got]).ok()?;
    let mut parts = line.split_whitespace();
    parts.next().filter(|v| v.starts_with("HTTP/"))?;
    parts.next()?.parse().ok()
}

fn parse_minor(version: &str) -> u32 {
    version
        .split('.')
        .nth(1)
        .and_then(|m| m.parse().ok())
        .unwrap_or_else(|| panic!("a kubectl version looks like \"1.NN\", not {version:?}"))
}

/// One kubectl binary bound to one [`ApiServer`] (through its kubeconfig).
#[derive(Clone, Debug)]
pub struct Kubectl {
    bin: PathBuf,
    version: String,
    minor: u32,
    env: Vec<(String, PathBuf)>,
    timeout: Duration,
}

impl Kubectl {
    /// The version asked for, e.g. `"1.37"`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The minor version, e.g. 37.
    pub fn minor(&self) -> u32 {
        self.minor
    }

    /// The binary's path.
    pub fn bin(&self) -> &Path {
        &self.bin
    }

    /// The same kubectl with another per-command timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Kubectl {
        self.timeout = timeout;
        self
    }

    /// A `Command` for this kubectl with the server's environment, for callers that need more.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(&self.bin);
        cmd.args(args);
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    /// Runs `kubectl args…` to completion (killed after the timeout).
    pub fn run(&self, args: &[&str]) -> CmdOutput {
        run_command(self.command(args), None, self.timeout)
    }

    /// Runs `kubectl args…` with `stdin` as its standard input (for `-f -`).
    pub fn run_stdin(&self, args: &[&str], stdin: &str) -> CmdOutput {
        run_command(self.command(args), Some(stdin), self.timeout)
    }

    /// Starts `kubectl args…` in the background (a watch, a wait, a blocking delete).
    pub fn spawn(&self, args: &[&str]) -> Background {
        Background::spawn(self.command(args))
    }
}

/// A kubectl of minor version `version` (e.g. `"1.37"`) bound to the kubeconfig file
/// `kubeconfig`, with a private discovery cache under `cache_dir` and no user kuberc. Panics
/// when that version is not installed (run `tests/tools.sh`).
pub fn kubectl_with_kubeconfig(version: &str, kubeconfig: &Path, cache_dir: &Path) -> Kubectl {
    let bin = kubectl_path(version).unwrap_or_else(|| {
        panic!(
            "kubectl {version} is not installed (looked in {} and beside the kubectl on PATH): \
             run tests/tools.sh",
            tools_dir().display()
        )
    });
    Kubectl {
        bin,
        version: version.to_string(),
        minor: parse_minor(version),
        env: vec![
            ("KUBECONFIG".into(), kubeconfig.to_path_buf()),
            (
                "KUBECACHEDIR".into(),
                cache_dir.join(format!("kubectl-{version}")),
            ),
            ("KUBERC".into(), PathBuf::from("off")),
        ],
        timeout: COMMAND_TIMEOUT,
    }
}

/// What a finished command did.
#[derive(Clone, Debug)]
pub struct CmdOutput {
    /// The command line, for messages.
    pub command: String,
    /// The exit code; `None` when killed by a signal (or by the timeout).
    pub code: Option<i32>,
    /// Whether the harness killed it because it ran past its timeout.
    pub timed_out: bool,
    pub stdout: String,
    pub stderr: String,
}

impl CmdOutput {
    /// Exited with code 0 within its timeout.
    pub fn success(&self) -> bool {
        !self.timed_out && self.code == Some(0)
    }

    /// Panics with the whole output unless the command succeeded; returns it otherwise.
    #[track_caller]
    pub fn ok(self) -> CmdOutput {
        assert!(self.success(), "command failed\n{self}");
        self
    }

    /// Panics with the whole output unless the command finished with a non-zero exit code.
    #[track_caller]
    pub fn fails(self) -> CmdOutput {
        assert!(
            !self.timed_out && self.code.is_some_and(|c| c != 0),
            "command should have failed\n{self}"
        );
        self
    }

    /// stdout parsed as one JSON document (panics with the output when it is not JSON).
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e})\n{self}"))
    }

    /// stdout's lines, trimmed, without empty ones.
    pub fn lines(&self) -> Vec<&str> {
        self.stdout
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect()
    }
}

impl fmt::Display for CmdOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "$ {}", self.command)?;
        match (self.timed_out, self.code) {
            (true, _) => writeln!(f, "(killed after its timeout)")?,
            (false, Some(c)) => writeln!(f, "(exit code {c})")?,
            (false, None) => writeln!(f, "(killed by a signal)")?,
        }
        writeln!(f, "--- stdout\n{}", self.stdout.trim_end())?;
        write!(f, "--- stderr\n{}", self.stderr.trim_end())
    }
}

fn describe(cmd: &Command) -> String {
    let mut s = Path::new(cmd.get_program())
        .file_name()
        .unwrap_or(cmd.get_program())
        .to_string_lossy()
        .into_owned();
    for a in cmd.get_args() {
        let a = a.to_string_lossy();
        if a.is_empty() || a.contains(|c: char| c.is_whitespace() || "'\"{}[]()!*$".contains(c)) {
            s.push_str(&format!(" '{}'", a.replace('\'', r"'\''")));
        } else {
            s.push(' ');
            s.push_str(&a);
        }
    }
    s
}

/// Runs `cmd` with optional standard input, capturing stdout and stderr, and kills it after
/// `timeout`.
pub fn run_command(cmd: Command, stdin: Option<&str>, timeout: Duration) -> CmdOutput {
    Background::spawn_with_stdin(cmd, stdin).wait(timeout)
}

/// A command running in the background whose output is collected as it arrives. Dropping it
/// kills the command.
pub struct Background {
    command: String,
    child: Child,
    stdout: Arc<Mutex<Vec<u8>>>,
    stderr: Arc<Mutex<Vec<u8>>>,
    readers: Vec<JoinHandle<()>>,
    exit: Option<Option<i32>>,
}

impl Background {
    /// Starts `cmd` with no standard input.
    pub fn spawn(cmd: Command) -> Background {
        Background::spawn_with_stdin(cmd, None)
    }

    fn spawn_with_stdin(mut cmd: Command, stdin: Option<&str>) -> Background {
        let command = describe(&cmd);
        cmd.stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start `{command}`: {e}"));
        if let Some(input) = stdin {
            let mut pipe = child.stdin.take().expect("piped stdin");
            let input = input.to_string();
            // A writer thread, so that a child that does not read cannot block us.
            thread::spawn(move || {
                let _ = pipe.write_all(input.as_bytes());
            });
        }
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let readers = vec![
            pump(child.stdout.take().expect("piped stdout"), stdout.clone()),
            pump(child.stderr.take().expect("piped stderr"), stderr.clone()),
        ];
        Background {
            command,
            child,
            stdout,
            stderr,
            readers,
            exit: None,
        }
    }

    /// The standard output so far.
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.stdout.lock().expect("stdout buffer")).into_owned()
    }

    /// The standard error so far.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().expect("stderr buffer")).into_owned()
    }

    /// Whether the command is still running.
    pub fn is_running(&mut self) -> bool {
        self.poll_exit().is_none()
    }

    fn poll_exit(&mut self) -> Option<Option<i32>> {
        if self.exit.is_none()
            && let Ok(Some(status)) = self.child.try_wait()
        {
            self.exit = Some(status.code());
        }
        self.exit
    }

    /// Polls until `done(stdout so far)` holds; false when `timeout` passes first or the command
    /// exits without it holding.
    pub fn wait_until(&mut self, timeout: Duration, done: impl Fn(&str) -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if done(&self.stdout()) {
                return true;
            }
            if self.poll_exit().is_some() {
                // Let the readers drain what the command printed last.
                thread::sleep(Duration::from_millis(50));
                return done(&self.stdout());
            }
            if Instant::now() >= deadline {
                return false;
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits up to `timeout` for the command to exit (killing it after that) and returns what
    /// it printed.
    pub fn wait(mut self, timeout: Duration) -> CmdOutput {
        let deadline = Instant::now() + timeout;
        let mut nap = Duration::from_millis(2);
        let mut timed_out = false;
        while self.poll_exit().is_none() {
            if Instant::now() >= deadline {
                timed_out = true;
                break;
            }
            thread::sleep(nap);
            nap = (nap * 2).min(Duration::from_millis(20));
        }
        self.finish(timed_out)
    }

    /// Kills the command and returns what it printed.
    pub fn kill(self) -> CmdOutput {
        self.finish(false)
    }

    fn finish(mut self, timed_out: bool) -> CmdOutput {
        if self.poll_exit().is_none() {
            let _ = self.child.kill();
            if let Ok(status) = self.child.wait() {
                self.exit = Some(status.code());
            }
        }
        for r in self.readers.drain(..) {
            let _ = r.join();
        }
        CmdOutput {
            command: self.command.clone(),
            code: self.exit.flatten(),
            timed_out,
            stdout: self.stdout(),
            stderr: self.stderr(),
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if self.exit.is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn pump(mut from: impl Read + Send + 'static, into: Arc<Mutex<Vec<u8>>>) -> JoinHandle<()> {
    thread::spawn(move || {
        let mut buf = [0u8; 8192];
        loop {
            match from.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => into
                    .lock()
                    .expect("output buffer")
                    .extend_from_slice(&buf[..n]),
            }
        }
    })
}

/// A table as kubectl prints it (`get`, `api-resources`): column names and rows keyed by them.
#[derive(Clone, Debug, Default)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<BTreeMap<String, String>>,
}

impl Table {
    /// The first row whose `column` equals `value`.
    pub fn row(&self, column: &str, value: &str) -> Option<&BTreeMap<String, String>> {
        self.rows
            .iter()
            .find(|r| r.get(column).map(String::as_str) == Some(value))
    }

    /// Every value of `column`, in order.
    pub fn column(&self, column: &str) -> Vec<&str> {
        self.rows
            .iter()
            .filter_map(|r| r.get(column).map(String::as_str))
            .collect()
    }
}

/// Parses kubectl's aligned table output. Columns start where the header's words start (words
/// are separated by two or more spaces, so `NOMINATED NODE` stays one column); a cell is the
/// text between its column's start and the next one's, so empty cells stay empty.
pub fn parse_table(text: &str) -> Table {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let Some(header) = lines.next() else {
        return Table::default();
    };
    let mut starts = Vec::new();
    let mut columns = Vec::new();
    let bytes = header.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b' ' {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !(bytes[i] == b' ' && bytes.get(i + 1).is_none_or(|b| *b == b' '))
        {
            i += 1;
        }
        starts.push(start);
        columns.push(header[start..i].to_string());
    }
    let rows = lines
        .map(|line| {
            let mut row = BTreeMap::new();
            for (n, name) in columns.iter().enumerate() {
                let from = starts[n].min(line.len());
                let to = starts
                    .get(n + 1)
                    .copied()
                    .unwrap_or(line.len())
                    .min(line.len());
                let cell = line.get(from..to).unwrap_or("").trim();
                row.insert(name.clone(), cell.to_string());
            }
            row
        })
        .collect();
    Table { columns, rows }
}

/// Every complete JSON document in a stream of concatenated documents (such as `kubectl get -w
/// -o json` prints); an incomplete one at the end is left out.
pub fn json_stream(text: &str) -> Vec<serde_json::Value> {
    serde_json::Deserializer::from_str(text)
        .into_iter::<serde_json::Value>()
        .map_while(Result::ok)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_keeps_empty_cells_and_spaced_headers() {
        let text = "NAME          SHORTNAMES   APIVERSION   NAMESPACED   KIND\n\
                    bindings                   v1           true         Binding\n\
                    configmaps    cm           v1           true         ConfigMap\n";
        let t = parse_table(text);
        assert_eq!(
            t.columns,
            ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
        );
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0]["SHORTNAMES"], "");
        assert_eq!(t.rows[0]["KIND"], "Binding");
        assert_eq!(t.row("NAME", "configmaps").unwrap()["SHORTNAMES"], "cm");

        let pods = "NAME   READY   NOMINATED NODE   AGE\np      0/1     <none>           5s\n";
        let t = parse_table(pods);
        assert_eq!(t.columns, ["NAME", "READY", "NOMINATED NODE", "AGE"]);
        assert_eq!(t.rows[0]["NOMINATED NODE"], "<none>");
        assert_eq!(t.rows[0]["AGE"], "5s");
    }

    #[test]
    fn json_stream_stops_at_an_incomplete_document() {
        let docs = json_stream("{\"type\": \"ADDED\"}\n{\n  \"type\": \"MODIFIED\"\n}\n{\"ty");
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1]["type"], "MODIFIED");
    }

    #[test]
    fn commands_time_out_and_report_output() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo out; echo err >&2; exec sleep 30"]);
        let started = Instant::now();
        let out = run_command(cmd, None, Duration::from_millis(300));
        assert!(started.elapsed() < Duration::from_secs(10));
        assert!(out.timed_out && !out.success(), "{out}");
        assert_eq!(out.stdout, "out\n");
        assert_eq!(out.stderr, "err\n");

        let mut cmd = Command::new("sh");
        cmd.args(["-c", "cat; exit 3"]);
        let out = run_command(cmd, Some("hello"), Duration::from_secs(10));
        assert_eq!(out.code, Some(3));
        assert_eq!(out.stdout, "hello");
    }

    #[test]
    fn kubectl_versions_resolve() {
        assert_eq!(parse_minor("1.37"), 37);
        // The machine's kubectl.1.NN binaries are found with or without tools.sh having run.
        if find_on_path("kubectl").is_some() {
            assert!(kubectl_path("1.33").is_some());
        }
        assert!(kubectl_path("1.9").is_none());
    }
}

/// Sends SIGTERM to `child` and waits up to `timeout` for it to exit; returns its exit status,
/// or `None` (after a SIGKILL) when it did not stop in time.
pub fn terminate_child(mut child: Child, timeout: Duration) -> Option<ExitStatus> {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let deadline = Instant::now() + timeout;
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        thread::sleep(Duration::from_millis(10));
    }
}
