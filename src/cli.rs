//! The command-line client for people and CI: `kubicle login`, `kubicle cluster …` and
//! `kubicle token …`, talking to a `kubicle server` over its REST API v1 (HTTPS, bearer token).
//!
//! It owns the client side only: argument parsing, the config file written by `kubicle login`
//! (`$XDG_CONFIG_HOME/kubicle/config.toml`, mode 0600), output formatting (`--output table` for
//! people, `--output json` for scripts) and the mapping of HTTP answers to exit codes. It never
//! reads the platform's data directory; everything goes through the API.

use std::io::{BufRead, IsTerminal, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};
use reqwest::{Method, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// Appended to `--help`: what the exit status means.
pub const EXIT_CODES_HELP: &str = "\
Exit codes (client commands):
  0  success
  1  other error
  2  usage error (bad arguments, no server configured)
  3  not authenticated (no token, or the server answered 401)
  4  not found (404)
  5  conflict or quota exceeded (409 or 403)
  6  server unavailable, timed out or rate limited (connection error, 429, 502, 503, 504)

Server, token and CA come from --server/--token/--ca-file, else KUBICLE_SERVER/KUBICLE_TOKEN/
KUBICLE_CA_FILE, else the config file written by `kubicle login`.";

/// Process exit statuses of the client commands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    Other = 1,
    Usage = 2,
    Unauthenticated = 3,
    NotFound = 4,
    Conflict = 5,
    Unavailable = 6,
}

/// Output format of the client commands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Output {
    /// Aligned columns for people.
    #[default]
    Table,
    /// The API's JSON, pretty-printed, for scripts.
    Json,
}

/// Connection settings shared by every client command.
#[derive(Args, Clone, Debug, Default)]
pub struct ClientOpts {
    /// Server URL, e.g. https://kubicle.example:8443.
    #[arg(long, env = "KUBICLE_SERVER", global = true)]
    pub server: Option<String>,
    /// Session or API token.
    #[arg(long, env = "KUBICLE_TOKEN", global = true, hide_env_values = true)]
    pub token: Option<String>,
    /// PEM file of the CA that signed the server's certificate (else the system roots).
    #[arg(long, env = "KUBICLE_CA_FILE", global = true)]
    pub ca_file: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Output::Table, global = true)]
    pub output: Output,
}

#[derive(Args, Debug)]
pub struct LoginArgs {
    #[command(flatten)]
    pub client: ClientOpts,
    /// Account email (password from --password-stdin, KUBICLE_PASSWORD or a prompt).
    #[arg(long)]
    pub email: Option<String>,
    /// Read the password from the first line of stdin.
    #[arg(long, requires = "email")]
    pub password_stdin: bool,
}

#[derive(Args, Debug)]
pub struct ClusterArgs {
    #[command(flatten)]
    pub client: ClientOpts,
    #[command(subcommand)]
    pub command: ClusterCommand,
}

#[derive(Subcommand, Debug)]
pub enum ClusterCommand {
    /// Create a cluster.
    Create {
        /// DNS-1123 label, at most 40 characters, unique in the account.
        name: String,
        /// Return once the cluster answers Kubernetes requests.
        #[arg(long)]
        wait: bool,
        /// Also write the cluster's kubeconfig to this file (mode 0600).
        #[arg(long, value_name = "FILE")]
        kubeconfig: Option<PathBuf>,
        /// Idempotency key (default: a fresh one per invocation, reused on retries).
        #[arg(long)]
        idempotency_key: Option<String>,
    },
    /// List the account's clusters.
    #[command(visible_alias = "ls")]
    List,
    /// Show one cluster (by name or id).
    Get { name: String },
    /// Delete a cluster and all its data.
    #[command(visible_alias = "rm")]
    Delete {
        name: String,
        /// Return once the cluster is gone.
        #[arg(long)]
        wait: bool,
    },
    /// Download a kubeconfig (a new cluster-scoped token) for the cluster.
    Kubeconfig {
        name: String,
        /// Write it to this file (mode 0600) instead of stdout.
        #[arg(short = 'o', long = "out", value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

#[derive(Args, Debug)]
pub struct TokenArgs {
    #[command(flatten)]
    pub client: ClientOpts,
    #[command(subcommand)]
    pub command: TokenCommand,
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Create an API token; its secret is shown once.
    Create {
        name: String,
        /// Lifetime, e.g. 3600, 90s, 30m, 12h, 30d (default: no expiry).
        #[arg(long, value_parser = parse_duration)]
        expires_in: Option<Duration>,
    },
    /// List API tokens.
    #[command(visible_alias = "ls")]
    List,
    /// Revoke an API token by id.
    Revoke { id: String },
}

/// One parsed client command.
#[derive(Debug)]
pub enum Action {
    Login(LoginArgs),
    Cluster(ClusterArgs),
    Token(TokenArgs),
}

/// Runs a client command to completion, printing results and errors; returns the exit status.
pub fn run(action: Action) -> i32 {
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: starting the runtime: {e}");
            return Exit::Other as i32;
        }
    };
    let mut stdout = std::io::stdout().lock();
    match rt.block_on(execute(action, &mut stdout)) {
        Ok(()) => Exit::Ok as i32,
        Err(e) => {
            eprintln!("{}", e.message);
            if let Some(after) = e.retry_after {
                eprintln!("hint: retry after {after} s");
            }
            e.exit as i32
        }
    }
}

/// A failed client command: what to print and how to exit.
#[derive(Debug)]
pub struct CliError {
    pub exit: Exit,
    /// The full line, starting with `error: `.
    pub message: String,
    pub retry_after: Option<u64>,
}

impl CliError {
    fn new(exit: Exit, message: impl std::fmt::Display) -> Self {
        Self {
            exit,
            message: format!("error: {message}"),
            retry_after: None,
        }
    }
}

type CliResult<T> = Result<T, CliError>;

/// The exit status for an HTTP error status.
pub fn exit_for_status(status: u16) -> Exit {
    match status {
        401 => Exit::Unauthenticated,
        404 => Exit::NotFound,
        403 | 409 => Exit::Conflict,
        429 | 502..=504 => Exit::Unavailable,
        _ => Exit::Other,
    }
}

/// Builds the error for a non-success answer: problem+json as `error: <title>: <detail>`.
pub fn error_from_response(status: u16, body: &[u8], retry_after: Option<u64>) -> CliError {
    let exit = exit_for_status(status);
    let problem: Option<Value> = serde_json::from_slice(body).ok();
    let text = |v: Option<&Value>| {
        v.and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let title = problem.as_ref().and_then(|p| text(p.get("title")));
    let detail = problem.as_ref().and_then(|p| text(p.get("detail")));
    let message = match (title, detail) {
        (Some(t), Some(d)) => format!("{t}: {d}"),
        (Some(t), None) => t,
        (None, Some(d)) => format!("HTTP {status}: {d}"),
        (None, None) => {
            let body = String::from_utf8_lossy(body);
            let body: String = body.trim().chars().take(300).collect();
            let reason = StatusCode::from_u16(status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("error");
            if body.is_empty() {
                format!("HTTP {status} {reason}")
            } else {
                format!("HTTP {status} {reason}: {body}")
            }
        }
    };
    CliError {
        exit,
        message: format!("error: {message}"),
        retry_after,
    }
}

fn transport_error(e: &reqwest::Error, server: &str) -> CliError {
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "cannot connect"
    } else {
        "request failed"
    };
    // reqwest's Display hides the cause chain; the innermost cause says what really failed.
    let mut cause = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        cause = s.to_string();
        source = s.source();
    }
    CliError::new(Exit::Unavailable, format!("{what}: {server}: {cause}"))
}

/// Settings stored by `kubicle login`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
}

/// `$XDG_CONFIG_HOME/kubicle/config.toml`, else `$HOME/.config/kubicle/config.toml`.
pub fn config_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".config"))
        })?;
    Some(base.join("kubicle").join("config.toml"))
}

impl ConfigFile {
    /// Reads the file; a missing file is an empty config.
    pub fn load(path: &Path) -> CliResult<Self> {
        match std::fs::read_to_string(path) {
            Ok(text) => toml::from_str(&text).map_err(|e| {
                CliError::new(Exit::Other, format!("reading {}: {e}", path.display()))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(CliError::new(
                Exit::Other,
                format!("reading {}: {e}", path.display()),
            )),
        }
    }

    /// Writes the file with mode 0600 (its folder 0700), replacing it atomically.
    pub fn save(&self, path: &Path) -> CliResult<()> {
        let text = toml::to_string(self)
            .map_err(|e| CliError::new(Exit::Other, format!("encoding the config: {e}")))?;
        write_private(path, text.as_bytes())
    }
}

/// Writes a secret-bearing file: mode 0600, via a temporary file and a rename.
fn write_private(path: &Path, data: &[u8]) -> CliResult<()> {
    let fail =
        |e: std::io::Error| CliError::new(Exit::Other, format!("writing {}: {e}", path.display()));
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.exists()
    {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(fail)?;
    }
    let name = path.file_name().ok_or_else(|| {
        CliError::new(
            Exit::Usage,
            format!("{} is not a file name", path.display()),
        )
    })?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".{}.tmp", std::process::id()));
    let tmp = path.with_file_name(tmp_name);
    let result = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)?;
        f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        f.write_all(data)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(fail)
}

/// Server, token and CA after flags, env vars and the config file are merged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    pub server: String,
    pub token: Option<String>,
    pub ca_file: Option<PathBuf>,
}

/// Flags and env vars (already merged by clap) win over the config file.
pub fn resolve(opts: &ClientOpts, file: &ConfigFile) -> CliResult<Resolved> {
    let server = opts
        .server
        .clone()
        .filter(|s| !s.is_empty())
        .or_else(|| file.server.clone())
        .ok_or_else(|| {
            CliError::new(
                Exit::Usage,
                "no server: pass --server, set KUBICLE_SERVER or run `kubicle login --server URL`",
            )
        })?;
    let server = normalize_server(&server)?;
    Ok(Resolved {
        server,
        token: opts
            .token
            .clone()
            .filter(|t| !t.is_empty())
            .or_else(|| file.token.clone()),
        ca_file: opts.ca_file.clone().or_else(|| file.ca_file.clone()),
    })
}

/// `https://host:port` without a trailing slash; refuses anything that is not http(s).
pub fn normalize_server(s: &str) -> CliResult<String> {
    let s = s.trim().trim_end_matches('/');
    let url = reqwest::Url::parse(s)
        .map_err(|e| CliError::new(Exit::Usage, format!("bad server URL {s:?}: {e}")))?;
    if !matches!(url.scheme(), "https" | "http") || url.host_str().is_none() {
        return Err(CliError::new(
            Exit::Usage,
            format!("bad server URL {s:?}: expected https://HOST[:PORT]"),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(CliError::new(
            Exit::Usage,
            format!("bad server URL {s:?}: no query or fragment allowed"),
        ));
    }
    Ok(s.to_owned())
}

/// A thin REST client: one server, one optional bearer token.
struct Api {
    http: reqwest::Client,
    server: String,
    token: Option<String>,
}

/// A successful answer.
struct Answer {
    status: u16,
    body: bytes::Bytes,
}

impl Answer {
    fn json(&self) -> CliResult<Value> {
        if self.body.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&self.body).map_err(|e| {
            CliError::new(
                Exit::Other,
                format!("the server sent invalid JSON (HTTP {}): {e}", self.status),
            )
        })
    }
}

impl Api {
    fn new(r: &Resolved) -> CliResult<Self> {
        let mut b = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(300))
            .user_agent(concat!("kubicle-cli/", env!("CARGO_PKG_VERSION")));
        if let Some(ca) = &r.ca_file {
            let pem = std::fs::read(ca).map_err(|e| {
                CliError::new(
                    Exit::Usage,
                    format!("reading CA file {}: {e}", ca.display()),
                )
            })?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                CliError::new(Exit::Usage, format!("CA file {}: {e}", ca.display()))
            })?;
            if certs.is_empty() {
                return Err(CliError::new(
                    Exit::Usage,
                    format!("CA file {}: no certificate in it", ca.display()),
                ));
            }
            b = b.tls_built_in_root_certs(false);
            for c in certs {
                b = b.add_root_certificate(c);
            }
        }
        let http = b
            .build()
            .map_err(|e| CliError::new(Exit::Other, format!("building the HTTP client: {e}")))?;
        Ok(Self {
            http,
            server: r.server.clone(),
            token: r.token.clone(),
        })
    }

    fn require_token(&self) -> CliResult<()> {
        if self.token.is_none() {
            return Err(CliError::new(
                Exit::Unauthenticated,
                "not logged in: pass --token, set KUBICLE_TOKEN or run `kubicle login`",
            ));
        }
        Ok(())
    }

    /// Sends one request; non-2xx answers become errors with their exit code.
    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> CliResult<Answer> {
        let url = format!("{}{}", self.server, path);
        let mut req = self.http.request(method, &url);
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let resp = req
            .send()
            .await
            .map_err(|e| transport_error(&e, &self.server))?;
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let body = resp
            .bytes()
            .await
            .map_err(|e| transport_error(&e, &self.server))?;
        if (200..300).contains(&status) {
            Ok(Answer { status, body })
        } else {
            Err(error_from_response(status, &body, retry_after))
        }
    }

    /// Like [`Api::send`], retrying connection failures, 429, 502, 503 and 504 a few times
    /// (only for requests that are safe to repeat).
    async fn send_retrying(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> CliResult<Answer> {
        let mut delay = Duration::from_millis(500);
        let mut attempt = 1;
        loop {
            match self.send(method.clone(), path, body, headers).await {
                Err(e) if e.exit == Exit::Unavailable && attempt < 4 => {
                    let wait = e
                        .retry_after
                        .map(|s| Duration::from_secs(s.min(30)))
                        .unwrap_or(delay);
                    eprintln!(
                        "warning: {} (retrying in {:.1} s)",
                        e.message.trim_start_matches("error: "),
                        wait.as_secs_f64()
                    );
                    tokio::time::sleep(wait).await;
                    delay *= 2;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }
}

/// One path segment from a name or id typed by the user, percent-escaped; empty, `.` and
/// `..` are refused (URL parsers would turn them into a different path).
fn seg(s: &str) -> CliResult<String> {
    if s.is_empty() || s == "." || s == ".." {
        return Err(CliError::new(Exit::Usage, format!("bad name {s:?}")));
    }
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Ok(out)
}

async fn execute(action: Action, out: &mut dyn Write) -> CliResult<()> {
    let path = config_path();
    let file = match &path {
        Some(p) => ConfigFile::load(p)?,
        None => ConfigFile::default(),
    };
    match action {
        Action::Login(args) => login(args, file, path, out).await,
        Action::Cluster(args) => {
            let r = resolve(&args.client, &file)?;
            let api = Api::new(&r)?;
            api.require_token()?;
            cluster(&api, args.command, args.client.output, out).await
        }
        Action::Token(args) => {
            let r = resolve(&args.client, &file)?;
            let api = Api::new(&r)?;
            api.require_token()?;
            token(&api, args.command, args.client.output, out).await
        }
    }
}

fn io_err(e: std::io::Error) -> CliError {
    CliError::new(Exit::Other, format!("writing output: {e}"))
}

async fn login(
    args: LoginArgs,
    mut file: ConfigFile,
    path: Option<PathBuf>,
    out: &mut dyn Write,
) -> CliResult<()> {
    let path = path.ok_or_else(|| {
        CliError::new(
            Exit::Other,
            "cannot place the config file: set XDG_CONFIG_HOME or HOME",
        )
    })?;
    let mut r = resolve(&args.client, &file)?;
    let token = match (&args.email, args.client.token.clone()) {
        (None, Some(token)) => token,
        (email, _) => {
            let email = match email {
                Some(e) => e.clone(),
                None => prompt_line("email: ")?,
            };
            let password = read_password(args.password_stdin)?;
            r.token = None;
            let api = Api::new(&r)?;
            let answer = api
                .send(
                    Method::POST,
                    "/api/v1/login",
                    Some(&json!({"email": email, "password": password})),
                    &[],
                )
                .await?;
            answer
                .json()?
                .get("token")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| CliError::new(Exit::Other, "the server sent no token"))?
        }
    };
    r.token = Some(token.clone());
    let api = Api::new(&r)?;
    let me = api
        .send(Method::GET, "/api/v1/me", None, &[])
        .await?
        .json()?;
    file.server = Some(r.server.clone());
    file.token = Some(token);
    if args.client.ca_file.is_some() {
        file.ca_file = r
            .ca_file
            .as_ref()
            .map(|p| std::path::absolute(p).unwrap_or_else(|_| p.clone()));
    }
    file.save(&path)?;
    match args.client.output {
        Output::Json => print_json(out, &me),
        Output::Table => writeln!(
            out,
            "logged in to {} as {} (settings in {})",
            r.server,
            me.get("email").and_then(Value::as_str).unwrap_or("?"),
            path.display()
        )
        .map_err(io_err),
    }
}

fn prompt_line(prompt: &str) -> CliResult<String> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(CliError::new(
            Exit::Usage,
            "no email: pass --email (or --token for an API token)",
        ));
    }
    eprint!("{prompt}");
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .map_err(|e| CliError::new(Exit::Other, format!("reading stdin: {e}")))?;
    Ok(line.trim().to_owned())
}

/// The password from stdin (`--password-stdin`), KUBICLE_PASSWORD, or a prompt without echo.
fn read_password(from_stdin: bool) -> CliResult<String> {
    let read_err =
        |e: std::io::Error| CliError::new(Exit::Other, format!("reading the password: {e}"));
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(read_err)?;
        return Ok(line.trim_end_matches(['\n', '\r']).to_owned());
    }
    if let Ok(p) = std::env::var("KUBICLE_PASSWORD") {
        return Ok(p);
    }
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .map_err(|_| {
            CliError::new(
                Exit::Usage,
                "no password: pass --password-stdin or set KUBICLE_PASSWORD",
            )
        })?;
    prompt_hidden(tty).map_err(read_err)
}

fn prompt_hidden(mut tty: std::fs::File) -> std::io::Result<String> {
    use nix::sys::termios::{LocalFlags, SetArg, tcgetattr, tcsetattr};
    tty.write_all(b"password: ")?;
    tty.flush()?;
    let saved = tcgetattr(&tty).map_err(std::io::Error::from)?;
    let mut quiet = saved.clone();
    quiet.local_flags.remove(LocalFlags::ECHO);
    quiet.local_flags.insert(LocalFlags::ECHONL);
    tcsetattr(&tty, SetArg::TCSANOW, &quiet).map_err(std::io::Error::from)?;
    let mut line = String::new();
    let read = std::io::BufReader::new(&tty).read_line(&mut line);
    let restore = tcsetattr(&tty, SetArg::TCSANOW, &saved).map_err(std::io::Error::from);
    read?;
    restore?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}

async fn cluster(
    api: &Api,
    command: ClusterCommand,
    output: Output,
    out: &mut dyn Write,
) -> CliResult<()> {
    match command {
        ClusterCommand::Create {
            name,
            wait,
            kubeconfig,
            idempotency_key,
        } => {
            let key = idempotency_key.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
            let path = if wait {
                "/api/v1/clusters?wait=true"
            } else {
                "/api/v1/clusters"
            };
            // The idempotency key makes a repeated create return the same cluster, so
            // transient failures are retried.
            let cluster = api
                .send_retrying(
                    Method::POST,
                    path,
                    Some(&json!({"name": name})),
                    &[("Idempotency-Key", key.as_str())],
                )
                .await?
                .json()?;
            if let Some(file) = kubeconfig {
                let id = cluster
                    .get("id")
                    .and_then(Value::as_str)
                    .unwrap_or(name.as_str());
                let yaml = fetch_kubeconfig(api, id).await?;
                write_private(&file, &yaml)?;
                if output == Output::Table {
                    eprintln!("kubeconfig written to {}", file.display());
                }
            }
            print_clusters(out, output, &[cluster], false)
        }
        ClusterCommand::List => {
            let list = api
                .send_retrying(Method::GET, "/api/v1/clusters", None, &[])
                .await?
                .json()?;
            match output {
                Output::Json => print_json(out, &list),
                Output::Table => {
                    let items = items_of(&list);
                    print_clusters(out, output, &items, true)
                }
            }
        }
        ClusterCommand::Get { name } => {
            let c = api
                .send_retrying(
                    Method::GET,
                    &format!("/api/v1/clusters/{}", seg(&name)?),
                    None,
                    &[],
                )
                .await?
                .json()?;
            print_clusters(out, output, &[c], false)
        }
        ClusterCommand::Delete { name, wait } => {
            let path = format!(
                "/api/v1/clusters/{}{}",
                seg(&name)?,
                if wait { "?wait=true" } else { "" }
            );
            let answer = api.send(Method::DELETE, &path, None, &[]).await?;
            let status = if answer.status == 204 {
                "Deleted"
            } else {
                "Deleting"
            };
            match output {
                Output::Json => print_json(out, &json!({"name": name, "status": status})),
                Output::Table => {
                    let verb = if status == "Deleted" {
                        "deleted"
                    } else {
                        "is being deleted"
                    };
                    writeln!(out, "cluster {name:?} {verb}").map_err(io_err)
                }
            }
        }
        ClusterCommand::Kubeconfig { name, out: file } => {
            let yaml = fetch_kubeconfig(api, &name).await?;
            match file {
                Some(f) => {
                    write_private(&f, &yaml)?;
                    eprintln!("kubeconfig written to {}", f.display());
                    Ok(())
                }
                None => out.write_all(&yaml).map_err(io_err),
            }
        }
    }
}

async fn fetch_kubeconfig(api: &Api, cluster: &str) -> CliResult<Vec<u8>> {
    let path = format!("/api/v1/clusters/{}/kubeconfig", seg(cluster)?);
    let answer = api.send_retrying(Method::GET, &path, None, &[]).await?;
    Ok(answer.body.to_vec())
}

async fn token(
    api: &Api,
    command: TokenCommand,
    output: Output,
    out: &mut dyn Write,
) -> CliResult<()> {
    match command {
        TokenCommand::Create { name, expires_in } => {
            let mut body = json!({"name": name});
            if let Some(d) = expires_in {
                body["expires_in"] = json!(d.as_secs());
            }
            let t = api
                .send(Method::POST, "/api/v1/tokens", Some(&body), &[])
                .await?
                .json()?;
            match output {
                Output::Json => print_json(out, &t),
                Output::Table => {
                    print_table(out, &token_rows(std::slice::from_ref(&t), false))?;
                    let secret = t.get("token").and_then(Value::as_str).unwrap_or("");
                    writeln!(out, "\n{secret}").map_err(io_err)?;
                    eprintln!("keep this token now: it is not shown again");
                    Ok(())
                }
            }
        }
        TokenCommand::List => {
            let list = api
                .send_retrying(Method::GET, "/api/v1/tokens", None, &[])
                .await?
                .json()?;
            match output {
                Output::Json => print_json(out, &list),
                Output::Table => print_table(out, &token_rows(&items_of(&list), true)),
            }
        }
        TokenCommand::Revoke { id } => {
            api.send(
                Method::DELETE,
                &format!("/api/v1/tokens/{}", seg(&id)?),
                None,
                &[],
            )
            .await?;
            match output {
                Output::Json => print_json(out, &json!({"id": id, "revoked": true})),
                Output::Table => writeln!(out, "token {id} revoked").map_err(io_err),
            }
        }
    }
}

fn items_of(list: &Value) -> Vec<Value> {
    list.get("items")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn print_json(out: &mut dyn Write, v: &Value) -> CliResult<()> {
    let text = serde_json::to_string_pretty(v)
        .map_err(|e| CliError::new(Exit::Other, format!("encoding JSON: {e}")))?;
    writeln!(out, "{text}").map_err(io_err)
}

/// A string field, `-` when absent or null.
fn field(v: &Value, key: &str) -> String {
    match v.get(key) {
        None | Some(Value::Null) => "-".to_owned(),
        Some(Value::String(s)) if s.is_empty() => "-".to_owned(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

fn print_clusters(
    out: &mut dyn Write,
    output: Output,
    items: &[Value],
    list: bool,
) -> CliResult<()> {
    match output {
        Output::Json if !list && items.len() == 1 => print_json(out, &items[0]),
        Output::Json => print_json(out, &json!({"items": items})),
        Output::Table => print_table(out, &cluster_rows(items)),
    }
}

/// Header and rows of the cluster table.
pub fn cluster_rows(items: &[Value]) -> Vec<Vec<String>> {
    let mut rows = vec![
        ["NAME", "ID", "STATUS", "SERVER", "CREATED"]
            .map(String::from)
            .to_vec(),
    ];
    for c in items {
        rows.push(vec![
            field(c, "name"),
            field(c, "id"),
            field(c, "status"),
            field(c, "server_url"),
            field(c, "created_at"),
        ]);
    }
    rows
}

/// Header and rows of the API token table (`full` adds last use and revocation).
pub fn token_rows(items: &[Value], full: bool) -> Vec<Vec<String>> {
    let mut header = vec!["ID", "NAME", "CREATED", "EXPIRES"];
    if full {
        header.extend(["LAST USED", "REVOKED"]);
    }
    let mut rows = vec![header.into_iter().map(String::from).collect::<Vec<_>>()];
    for t in items {
        let mut row = vec![
            field(t, "id"),
            field(t, "name"),
            field(t, "created_at"),
            field(t, "expires_at"),
        ];
        if full {
            row.push(field(t, "last_used_at"));
            row.push(field(t, "revoked_at"));
        }
        rows.push(row);
    }
    rows
}

/// Left-aligned columns separated by three spaces; the last column is not padded.
pub fn format_table(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0; cols];
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let mut s = String::new();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 < row.len() {
                line.push_str(cell);
                line.extend(std::iter::repeat_n(
                    ' ',
                    widths[i] - cell.chars().count() + 3,
                ));
            } else {
                line.push_str(cell);
            }
        }
        s.push_str(line.trim_end());
        s.push('\n');
    }
    s
}

fn print_table(out: &mut dyn Write, rows: &[Vec<String>]) -> CliResult<()> {
    out.write_all(format_table(rows).as_bytes()).map_err(io_err)
}

/// Seconds (`3600`) or a number with a unit: `s`, `m`, `h`, `d`.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("bad duration {s:?}: expected e.g. 3600, 90s, 30m, 12h or 30d"))?;
    let mult = match unit.trim() {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("bad duration {s:?}: unit must be s, m, h or d")),
    };
    n.checked_mul(mult)
        .filter(|&v| v > 0)
        .map(Duration::from_secs)
        .ok_or_else(|| format!("bad duration {s:?}: must be positive"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser, Debug)]
    struct TestCli {
        #[command(subcommand)]
        command: TestCommand,
    }

    #[derive(Subcommand, Debug)]
    enum TestCommand {
        Login(LoginArgs),
        Cluster(ClusterArgs),
        Token(TokenArgs),
    }

    fn parse(args: &[&str]) -> Result<TestCommand, clap::Error> {
        let mut v = vec!["kubicle"];
        v.extend_from_slice(args);
        TestCli::try_parse_from(v).map(|c| c.command)
    }

    #[test]
    fn cluster_create_takes_wait_kubeconfig_and_global_flags_anywhere() {
        let TestCommand::Cluster(a) = parse(&[
            "cluster",
            "--server",
            "https://k.example:8443",
            "create",
            "dev",
            "--wait",
            "--kubeconfig",
            "/tmp/kc",
            "--output",
            "json",
        ])
        .unwrap() else {
            panic!("not a cluster command")
        };
        assert_eq!(a.client.server.as_deref(), Some("https://k.example:8443"));
        assert_eq!(a.client.output, Output::Json);
        match a.command {
            ClusterCommand::Create {
                name,
                wait,
                kubeconfig,
                idempotency_key,
            } => {
                assert_eq!(name, "dev");
                assert!(wait);
                assert_eq!(kubeconfig, Some(PathBuf::from("/tmp/kc")));
                assert_eq!(idempotency_key, None);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn kubeconfig_out_file_is_dash_o_and_output_format_defaults_to_table() {
        let TestCommand::Cluster(a) =
            parse(&["cluster", "kubeconfig", "dev", "-o", "kc.yaml"]).unwrap()
        else {
            panic!()
        };
        assert_eq!(a.client.output, Output::Table);
        assert!(matches!(a.command,
            ClusterCommand::Kubeconfig { ref name, out: Some(ref f) } if name == "dev" && f == Path::new("kc.yaml")));
    }

    #[test]
    fn usage_errors_are_exit_code_two() {
        for bad in [
            vec!["cluster", "create"],
            vec!["cluster", "frobnicate"],
            vec!["cluster", "list", "--output", "yaml"],
            vec!["token", "create", "ci", "--expires-in", "soon"],
            vec!["login", "--password-stdin"],
        ] {
            let e = parse(&bad).expect_err(&format!("{bad:?} must not parse"));
            assert_eq!(e.exit_code(), Exit::Usage as i32, "{bad:?}");
        }
    }

    #[test]
    fn token_commands_parse() {
        let TestCommand::Token(a) =
            parse(&["token", "create", "ci", "--expires-in", "30d"]).unwrap()
        else {
            panic!()
        };
        assert!(matches!(a.command,
            TokenCommand::Create { ref name, expires_in: Some(d) } if name == "ci" && d == Duration::from_secs(30 * 86_400)));
        let TestCommand::Token(a) =
            parse(&["token", "revoke", "tabc", "--token", "kbt_x"]).unwrap()
        else {
            panic!()
        };
        assert_eq!(a.client.token.as_deref(), Some("kbt_x"));
        assert!(matches!(a.command, TokenCommand::Revoke { ref id } if id == "tabc"));
        let TestCommand::Login(l) =
            parse(&["login", "--email", "a@b.c", "--password-stdin"]).unwrap()
        else {
            panic!()
        };
        assert!(l.password_stdin);
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("3600"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("30m"), Ok(Duration::from_secs(1800)));
        assert_eq!(parse_duration("12h"), Ok(Duration::from_secs(43_200)));
        assert!(parse_duration("0").is_err());
        assert!(parse_duration("1w").is_err());
        assert!(parse_duration("h").is_err());
        assert!(parse_duration("99999999999999999d").is_err());
    }

    #[test]
    fn flags_beat_the_config_file_and_servers_are_normalized() {
        let file = ConfigFile {
            server: Some("https://file.example/".into()),
            token: Some("file-token".into()),
            ca_file: Some("/etc/ca.pem".into()),
        };
        let r = resolve(&ClientOpts::default(), &file).unwrap();
        assert_eq!(r.server, "https://file.example");
        assert_eq!(r.token.as_deref(), Some("file-token"));
        let opts = ClientOpts {
            server: Some("https://flag.example:8443".into()),
            token: Some("flag-token".into()),
            ..Default::default()
        };
        let r = resolve(&opts, &file).unwrap();
        assert_eq!(r.server, "https://flag.example:8443");
        assert_eq!(r.token.as_deref(), Some("flag-token"));
        assert_eq!(r.ca_file, Some(PathBuf::from("/etc/ca.pem")));

        let e = resolve(&ClientOpts::default(), &ConfigFile::default()).unwrap_err();
        assert_eq!(e.exit, Exit::Usage);
        assert!(normalize_server("ftp://x").is_err());
        assert!(normalize_server("not a url").is_err());
        assert!(normalize_server("https://x/?a=b").is_err());
    }

    #[test]
    fn config_file_round_trips_with_mode_0600() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested").join("config.toml");
        assert_eq!(ConfigFile::load(&path).unwrap(), ConfigFile::default());
        let c = ConfigFile {
            server: Some("https://k:1".into()),
            token: Some("kbt_secret".into()),
            ca_file: None,
        };
        c.save(&path).unwrap();
        assert_eq!(ConfigFile::load(&path).unwrap(), c);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let dir_mode = std::fs::metadata(path.parent().unwrap())
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(dir_mode, 0o700);
        // An existing world-readable file becomes private when rewritten.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        c.save(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        std::fs::write(&path, "bogus = 1\n").unwrap();
        assert_eq!(ConfigFile::load(&path).unwrap_err().exit, Exit::Other);
    }

    #[test]
    fn problems_print_title_and_detail_and_map_to_exit_codes() {
        let body = br#"{"type":"https://kubicle.dev/problems/not-found","title":"Not Found","status":404,"detail":"no cluster named \"dev\""}"#;
        let e = error_from_response(404, body, None);
        assert_eq!(e.message, r#"error: Not Found: no cluster named "dev""#);
        assert_eq!(e.exit, Exit::NotFound);

        let e = error_from_response(401, br#"{"title":"Unauthorized","status":401}"#, None);
        assert_eq!(e.message, "error: Unauthorized");
        assert_eq!(e.exit, Exit::Unauthenticated);

        let e = error_from_response(503, b"upstream gone", Some(2));
        assert_eq!(
            e.message,
            "error: HTTP 503 Service Unavailable: upstream gone"
        );
        assert_eq!(e.exit, Exit::Unavailable);
        assert_eq!(e.retry_after, Some(2));

        assert_eq!(
            error_from_response(500, b"", None).message,
            "error: HTTP 500 Internal Server Error"
        );
        assert_eq!(exit_for_status(409), Exit::Conflict);
        assert_eq!(exit_for_status(403), Exit::Conflict);
        assert_eq!(exit_for_status(429), Exit::Unavailable);
        assert_eq!(exit_for_status(400), Exit::Other);
    }

    #[test]
    fn tables_align_columns_and_show_dashes_for_missing_values() {
        let items = vec![
            json!({"id": "cabc", "name": "dev", "status": "Ready", "server_url": "https://k/k8s/cabc", "created_at": "2026-01-01T00:00:00Z"}),
            json!({"id": "cdef", "name": "production", "status": "Sleeping", "server_url": null}),
        ];
        let t = format_table(&cluster_rows(&items));
        assert_eq!(
            t,
            "NAME         ID     STATUS     SERVER               CREATED\n\
             dev          cabc   Ready      https://k/k8s/cabc   2026-01-01T00:00:00Z\n\
             production   cdef   Sleeping   -                    -\n"
        );
        let tokens = vec![
            json!({"id": "t1", "name": "ci", "created_at": "x", "expires_at": null, "last_used_at": null, "revoked_at": "y"}),
        ];
        let t = format_table(&token_rows(&tokens, true));
        assert_eq!(
            t,
            "ID   NAME   CREATED   EXPIRES   LAST USED   REVOKED\n\
             t1   ci     x         -         -           y\n"
        );
    }

    #[test]
    fn json_output_is_the_api_object() {
        let mut out = Vec::new();
        let c = json!({"id": "cabc", "name": "dev"});
        print_clusters(&mut out, Output::Json, std::slice::from_ref(&c), false).unwrap();
        assert_eq!(serde_json::from_slice::<Value>(&out).unwrap(), c);
        let mut out = Vec::new();
        print_clusters(&mut out, Output::Json, std::slice::from_ref(&c), true).unwrap();
        assert_eq!(
            serde_json::from_slice::<Value>(&out).unwrap(),
            json!({"items": [c]})
        );
    }

    #[test]
    fn path_segments_are_escaped() {
        assert_eq!(seg("dev-1").unwrap(), "dev-1");
        assert_eq!(seg("../x y").unwrap(), "..%2Fx%20y");
        for bad in ["", ".", ".."] {
            assert_eq!(seg(bad).unwrap_err().exit, Exit::Usage);
        }
    }

    #[test]
    fn the_help_lists_the_exit_codes() {
        for code in 0..=6 {
            assert!(EXIT_CODES_HELP.contains(&format!("  {code}  ")));
        }
    }
}
