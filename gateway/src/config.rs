//! Settings of `kubicle server`: flags, `KUBICLE_*` env vars and an optional TOML file, merged
//! once (flags > env vars > file > built-in defaults) and validated into [`Config`].
//!
//! The file mirrors the flags: every flag `--foo-bar` is the key `foo-bar` (without the leading
//! dashes), unknown keys are refused. Errors name the key and where its value came from. This
//! module only parses; it never touches the data dir or the network.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

/// Default HTTPS address.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8443";
/// Default address of the Prometheus endpoint.
pub const DEFAULT_METRICS_LISTEN: &str = "127.0.0.1:9464";
/// Default time a cluster may stay idle before its control plane is stopped.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(600);
/// Default number of clusters one account may have.
pub const DEFAULT_CLUSTER_QUOTA: u32 = 10;
/// Default memory limit of one control plane (64 MiB).
pub const DEFAULT_CP_MEMORY: u64 = 64 << 20;
/// Default CPU limit of one control plane, in thousandths of a core.
pub const DEFAULT_CP_CPU_MILLIS: u64 = 500;
/// Default pids limit of one control plane.
pub const DEFAULT_CP_PIDS: u64 = 256;

const MIN_CP_MEMORY: u64 = 16 << 20;
const MIN_CP_PIDS: u64 = 16;

/// Flags of `kubicle server`. Every flag can also be given as an env var `KUBICLE_<FLAG>` or
/// as a key of the `--config` TOML file; built-in defaults apply last.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct ServerArgs {
    /// TOML file whose keys are the flag names (e.g. `idle-timeout = "10m"`).
    #[arg(long, env = "KUBICLE_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Where the platform keeps its state (database, TLS, keys, clusters)
    /// [default: /var/lib/kubicle for root, else $XDG_DATA_HOME/kubicle or ~/.local/share/kubicle].
    #[arg(long, env = "KUBICLE_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// HTTPS address for the web, the REST API and Kubernetes traffic [default: 127.0.0.1:8443].
    #[arg(long, env = "KUBICLE_LISTEN", value_name = "HOST:PORT")]
    pub listen: Option<String>,
    /// URL clients use to reach this server; must be https (port 0 = the bound port)
    /// [default: https://localhost:<listen port>].
    #[arg(long, env = "KUBICLE_ADVERTISE_URL", value_name = "URL")]
    pub advertise_url: Option<String>,
    /// Platform database: sqlite://PATH or postgres://… [default: sqlite://DATA_DIR/platform.db].
    #[arg(
        long,
        env = "KUBICLE_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// How long a cluster may be idle before its control plane sleeps (e.g. 30s, 10m, 1h) [default: 10m].
    #[arg(long, env = "KUBICLE_IDLE_TIMEOUT", value_name = "DURATION")]
    pub idle_timeout: Option<String>,
    /// Plain-HTTP address of the Prometheus metrics [default: 127.0.0.1:9464].
    #[arg(long, env = "KUBICLE_METRICS_LISTEN", value_name = "HOST:PORT")]
    pub metrics_listen: Option<String>,
    /// Allow --metrics-listen on a non-loopback address.
    #[arg(
        long,
        env = "KUBICLE_ALLOW_NON_LOOPBACK_METRICS",
        num_args = 0..=1,
        default_missing_value = "true",
        value_name = "BOOL"
    )]
    pub allow_non_loopback_metrics: Option<bool>,
    /// PEM certificate chain to serve instead of the generated one (needs --tls-key).
    #[arg(long, env = "KUBICLE_TLS_CERT", value_name = "FILE")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of --tls-cert.
    #[arg(long, env = "KUBICLE_TLS_KEY", value_name = "FILE")]
    pub tls_key: Option<PathBuf>,
    /// PEM CA put into kubeconfigs with --tls-cert [default: the last certificate of the chain].
    #[arg(long, env = "KUBICLE_TLS_CA", value_name = "FILE")]
    pub tls_ca: Option<PathBuf>,
    /// Clusters one account may have at once [default: 10].
    #[arg(long, env = "KUBICLE_CLUSTER_QUOTA", value_name = "N")]
    pub cluster_quota: Option<u32>,
    /// Kubernetes requests per second one account may send through the gateway [default: 100].
    #[arg(long, env = "KUBICLE_TENANT_RATE", value_name = "PER_SECOND")]
    pub tenant_rate: Option<f64>,
    /// Kubernetes requests one account may send at once before the rate applies [default: 200].
    #[arg(long, env = "KUBICLE_TENANT_BURST", value_name = "N")]
    pub tenant_burst: Option<u32>,
    /// Memory limit of each control plane (e.g. 64Mi, 1Gi) [default: 64Mi].
    #[arg(long, env = "KUBICLE_CP_MEMORY", value_name = "QUANTITY")]
    pub cp_memory: Option<String>,
    /// CPU limit of each control plane (e.g. 500m, 1, 1.5) [default: 500m].
    #[arg(long, env = "KUBICLE_CP_CPU", value_name = "QUANTITY")]
    pub cp_cpu: Option<String>,
    /// Process limit of each control plane [default: 256].
    #[arg(long, env = "KUBICLE_CP_PIDS", value_name = "N")]
    pub cp_pids: Option<u64>,
}

/// Validated settings of `kubicle server` (flags > env vars > TOML file > defaults).
#[derive(Clone, Debug)]
pub struct Config {
    /// Absolute path of the data dir.
    pub data_dir: PathBuf,
    pub listen: SocketAddr,
    /// `https://HOST:PORT` without a trailing slash; kubeconfigs point here. A port of 0 stands
    /// for the port `listen` gets bound to (see [`Config::resolve_bound_port`]).
    pub advertise_url: String,
    pub database_url: String,
    pub idle_timeout: Duration,
    pub metrics_listen: SocketAddr,
    /// Clusters one account may have at once.
    pub cluster_quota: u32,
    pub control_plane: ControlPlaneLimits,
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
}

/// Settings of `kubicle server` that only the process wiring needs (kept out of [`Config`],
/// which every handler sees).
#[derive(Clone, Debug, Default)]
pub struct ServerOptions {
    /// CA to hand out in kubeconfigs when `tls_cert` is the operator's
    /// (default: the last certificate of the chain).
    pub tls_ca: Option<PathBuf>,
    /// `metrics_listen` may be a non-loopback address.
    pub allow_non_loopback_metrics: bool,
    /// The binary run as `<binary> apiserver …` (default: `std::env::current_exe()`).
    pub control_plane_binary: Option<PathBuf>,
    /// Per-account limits in the gateway.
    pub tenant_limits: crate::ratelimit::RateLimitConfig,
}

/// cgroup limits of one control-plane process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ControlPlaneLimits {
    pub memory_bytes: u64,
    /// CPU in thousandths of a core.
    pub cpu_millis: u64,
    pub pids: u64,
}

impl Default for ControlPlaneLimits {
    fn default() -> Self {
        Self {
            memory_bytes: DEFAULT_CP_MEMORY,
            cpu_millis: DEFAULT_CP_CPU_MILLIS,
            pids: DEFAULT_CP_PIDS,
        }
    }
}

/// Why the settings were refused.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The `--config` file could not be read.
    #[error("cannot read config file {path}: {source}")]
    ReadFile {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The `--config` file is not valid TOML, has an unknown key or a value of the wrong type.
    #[error("config file {path}: {message}")]
    ParseFile { path: PathBuf, message: String },
    /// A setting has a value that cannot be used.
    #[error("{key}: {message} (from {source_name})")]
    Invalid {
        /// The key, as in the TOML file (`idle-timeout`).
        key: &'static str,
        /// Where the value came from: the flag and env var, the file, or the default.
        source_name: String,
        message: String,
    },
    /// Two settings that only make sense together, or that exclude each other.
    #[error("{0}")]
    Conflict(String),
}

/// The TOML file: the same keys as the flags.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct FileConfig {
    data_dir: Option<PathBuf>,
    listen: Option<String>,
    advertise_url: Option<String>,
    database_url: Option<String>,
    idle_timeout: Option<String>,
    metrics_listen: Option<String>,
    allow_non_loopback_metrics: Option<bool>,
    tls_cert: Option<PathBuf>,
    tls_key: Option<PathBuf>,
    tls_ca: Option<PathBuf>,
    cluster_quota: Option<u32>,
    tenant_rate: Option<f64>,
    tenant_burst: Option<u32>,
    cp_memory: Option<Scalar>,
    cp_cpu: Option<Scalar>,
    cp_pids: Option<u64>,
}

/// A quantity written in the file as a string (`"64Mi"`) or a bare number.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Scalar {
    Int(i64),
    Float(f64),
    Str(String),
}

impl Scalar {
    fn into_string(self) -> String {
        match self {
            Scalar::Int(i) => i.to_string(),
            Scalar::Float(f) => f.to_string(),
            Scalar::Str(s) => s,
        }
    }
}

/// Where one value came from, for error messages.
#[derive(Clone, Copy)]
enum Origin<'a> {
    Cli(&'static str, &'static str),
    File(&'a Path),
}

impl Origin<'_> {
    fn describe(&self) -> String {
        match self {
            Origin::Cli(flag, env) => format!("--{flag} or {env}"),
            Origin::File(p) => format!("config file {}", p.display()),
        }
    }
}

/// Picks the flag/env value, else the file's, and says which.
fn pick<'a, T>(
    cli: Option<T>,
    file: Option<T>,
    key: &'static str,
    env: &'static str,
    file_path: Option<&'a Path>,
) -> Option<(T, Origin<'a>)> {
    match (cli, file) {
        (Some(v), _) => Some((v, Origin::Cli(key, env))),
        (None, Some(v)) => Some((v, Origin::File(file_path.unwrap_or(Path::new("?"))))),
        (None, None) => None,
    }
}

fn invalid(key: &'static str, origin: Origin<'_>, message: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        key,
        source_name: origin.describe(),
        message: message.into(),
    }
}

impl Config {
    /// Merges flags/env vars (already in `args`), the `--config` file and the defaults, and
    /// validates the result.
    pub fn from_args(args: ServerArgs) -> Result<Config, ConfigError> {
        Self::with_options_from_args(args).map(|(config, _)| config)
    }

    /// Like [`Config::from_args`], also returning the process-level [`ServerOptions`].
    pub fn with_options_from_args(
        args: ServerArgs,
    ) -> Result<(Config, ServerOptions), ConfigError> {
        let file = match &args.config {
            Some(path) => {
                let text =
                    std::fs::read_to_string(path).map_err(|source| ConfigError::ReadFile {
                        path: path.clone(),
                        source,
                    })?;
                parse_file(&text).map_err(|message| ConfigError::ParseFile {
                    path: path.clone(),
                    message,
                })?
            }
            None => FileConfig::default(),
        };
        Self::merge(args.clone(), file, args.config.as_deref())
    }

    /// The defaults, with the given data dir (for tests and embedding).
    pub fn with_data_dir(data_dir: impl Into<PathBuf>) -> Config {
        let data_dir = absolute(data_dir.into());
        Config {
            database_url: default_database_url(&data_dir),
            data_dir,
            listen: DEFAULT_LISTEN.parse().expect("valid default"),
            advertise_url: "https://localhost:8443".to_owned(),
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            metrics_listen: DEFAULT_METRICS_LISTEN.parse().expect("valid default"),
            cluster_quota: DEFAULT_CLUSTER_QUOTA,
            control_plane: ControlPlaneLimits::default(),
            tls_cert: None,
            tls_key: None,
        }
    }

    fn merge(
        args: ServerArgs,
        file: FileConfig,
        file_path: Option<&Path>,
    ) -> Result<(Config, ServerOptions), ConfigError> {
        let fp = file_path;

        let data_dir = match pick(
            args.data_dir,
            file.data_dir,
            "data-dir",
            "KUBICLE_DATA_DIR",
            fp,
        ) {
            Some((d, origin)) => {
                if d.as_os_str().is_empty() {
                    return Err(invalid("data-dir", origin, "must not be empty"));
                }
                absolute(d)
            }
            None => default_data_dir(),
        };

        let listen = match pick(args.listen, file.listen, "listen", "KUBICLE_LISTEN", fp) {
            Some((s, origin)) => parse_socket_addr(&s).map_err(|m| invalid("listen", origin, m))?,
            None => DEFAULT_LISTEN.parse().expect("valid default"),
        };

        let advertise_url = match pick(
            args.advertise_url,
            file.advertise_url,
            "advertise-url",
            "KUBICLE_ADVERTISE_URL",
            fp,
        ) {
            Some((s, origin)) => {
                normalize_advertise_url(&s).map_err(|m| invalid("advertise-url", origin, m))?
            }
            None => format!("https://localhost:{}", listen.port()),
        };

        let database_url = match pick(
            args.database_url,
            file.database_url,
            "database-url",
            "KUBICLE_DATABASE_URL",
            fp,
        ) {
            Some((s, origin)) => {
                let lower = s.to_ascii_lowercase();
                if !(lower.starts_with("sqlite:")
                    || lower.starts_with("postgres://")
                    || lower.starts_with("postgresql://"))
                {
                    return Err(invalid(
                        "database-url",
                        origin,
                        "expected sqlite://PATH or postgres://…",
                    ));
                }
                s
            }
            None => default_database_url(&data_dir),
        };

        let idle_timeout = match pick(
            args.idle_timeout,
            file.idle_timeout,
            "idle-timeout",
            "KUBICLE_IDLE_TIMEOUT",
            fp,
        ) {
            Some((s, origin)) => {
                let d = parse_duration(&s).map_err(|m| invalid("idle-timeout", origin, m))?;
                if d.is_zero() {
                    return Err(invalid("idle-timeout", origin, "must be more than 0"));
                }
                d
            }
            None => DEFAULT_IDLE_TIMEOUT,
        };

        let allow_non_loopback_metrics = args
            .allow_non_loopback_metrics
            .or(file.allow_non_loopback_metrics)
            .unwrap_or(false);

        let metrics_listen = match pick(
            args.metrics_listen,
            file.metrics_listen,
            "metrics-listen",
            "KUBICLE_METRICS_LISTEN",
            fp,
        ) {
            Some((s, origin)) => {
                let addr =
                    parse_socket_addr(&s).map_err(|m| invalid("metrics-listen", origin, m))?;
                if !addr.ip().is_loopback() && !allow_non_loopback_metrics {
                    return Err(invalid(
                        "metrics-listen",
                        origin,
                        format!(
                            "{addr} is not a loopback address; metrics are unauthenticated \
                             (set allow-non-loopback-metrics to serve them there anyway)"
                        ),
                    ));
                }
                addr
            }
            None => DEFAULT_METRICS_LISTEN.parse().expect("valid default"),
        };

        let cluster_quota = pick(
            args.cluster_quota,
            file.cluster_quota,
            "cluster-quota",
            "KUBICLE_CLUSTER_QUOTA",
            fp,
        )
        .map(|(q, _)| q)
        .unwrap_or(DEFAULT_CLUSTER_QUOTA);

        let mut tenant_limits = crate::ratelimit::RateLimitConfig::default();
        if let Some((rate, origin)) = pick(
            args.tenant_rate,
            file.tenant_rate,
            "tenant-rate",
            "KUBICLE_TENANT_RATE",
            fp,
        ) {
            if !(rate.is_finite() && rate > 0.0) {
                return Err(invalid("tenant-rate", origin, "must be a positive number"));
            }
            tenant_limits.per_second = rate;
        }
        if let Some((burst, origin)) = pick(
            args.tenant_burst,
            file.tenant_burst,
            "tenant-burst",
            "KUBICLE_TENANT_BURST",
            fp,
        ) {
            if burst == 0 {
                return Err(invalid("tenant-burst", origin, "must be at least 1"));
            }
            tenant_limits.burst = burst;
        }

        let memory_bytes = match pick(
            args.cp_memory,
            file.cp_memory.map(Scalar::into_string),
            "cp-memory",
            "KUBICLE_CP_MEMORY",
            fp,
        ) {
            Some((s, origin)) => {
                let b = parse_bytes(&s).map_err(|m| invalid("cp-memory", origin, m))?;
                if b < MIN_CP_MEMORY {
                    return Err(invalid(
                        "cp-memory",
                        origin,
                        format!("{s:?} is too small: a control plane needs at least 16Mi"),
                    ));
                }
                b
            }
            None => DEFAULT_CP_MEMORY,
        };
        let cpu_millis = match pick(
            args.cp_cpu,
            file.cp_cpu.map(Scalar::into_string),
            "cp-cpu",
            "KUBICLE_CP_CPU",
            fp,
        ) {
            Some((s, origin)) => {
                let m = parse_cpu_millis(&s).map_err(|m| invalid("cp-cpu", origin, m))?;
                if m == 0 {
                    return Err(invalid("cp-cpu", origin, "must be at least 1m"));
                }
                m
            }
            None => DEFAULT_CP_CPU_MILLIS,
        };
        let pids = match pick(args.cp_pids, file.cp_pids, "cp-pids", "KUBICLE_CP_PIDS", fp) {
            Some((n, origin)) => {
                if n < MIN_CP_PIDS {
                    return Err(invalid(
                        "cp-pids",
                        origin,
                        format!("{n} is too small: a control plane needs at least {MIN_CP_PIDS}"),
                    ));
                }
                n
            }
            None => DEFAULT_CP_PIDS,
        };

        let tls_cert = pick(
            args.tls_cert,
            file.tls_cert,
            "tls-cert",
            "KUBICLE_TLS_CERT",
            fp,
        )
        .map(|(p, _)| absolute(p));
        let tls_key = pick(args.tls_key, file.tls_key, "tls-key", "KUBICLE_TLS_KEY", fp)
            .map(|(p, _)| absolute(p));
        let tls_ca = pick(args.tls_ca, file.tls_ca, "tls-ca", "KUBICLE_TLS_CA", fp)
            .map(|(p, _)| absolute(p));
        match (&tls_cert, &tls_key) {
            (Some(_), None) => {
                return Err(ConfigError::Conflict(
                    "tls-cert needs tls-key (the certificate's private key)".to_owned(),
                ));
            }
            (None, Some(_)) => {
                return Err(ConfigError::Conflict(
                    "tls-key needs tls-cert (the certificate chain it belongs to)".to_owned(),
                ));
            }
            _ => {}
        }
        if tls_ca.is_some() && tls_cert.is_none() {
            return Err(ConfigError::Conflict(
                "tls-ca only applies with tls-cert and tls-key; the generated certificate \
                 uses its own CA"
                    .to_owned(),
            ));
        }

        let config = Config {
            data_dir,
            listen,
            advertise_url,
            database_url,
            idle_timeout,
            metrics_listen,
            cluster_quota,
            control_plane: ControlPlaneLimits {
                memory_bytes,
                cpu_millis,
                pids,
            },
            tls_cert,
            tls_key,
        };
        let options = ServerOptions {
            tls_ca,
            allow_non_loopback_metrics,
            control_plane_binary: None,
            tenant_limits,
        };
        Ok((config, options))
    }

    /// The host of the advertise URL, without brackets (`localhost`, `::1`, `10.0.0.1`).
    pub fn advertise_host(&self) -> String {
        split_url_authority(&self.advertise_url)
            .map(|(host, _)| host)
            .unwrap_or_default()
    }

    /// Once `listen` is bound: an advertise URL written with port 0 gets the real port.
    pub fn resolve_bound_port(&mut self, bound: SocketAddr) {
        if self.listen.port() == 0 {
            self.listen.set_port(bound.port());
        }
        if let Some((host, Some(0))) = split_url_authority(&self.advertise_url) {
            self.advertise_url = format_url(&host, Some(bound.port()));
        }
    }

    /// `DATA_DIR/tls`.
    pub fn tls_dir(&self) -> PathBuf {
        self.data_dir.join("tls")
    }

    /// `DATA_DIR/clusters`.
    pub fn clusters_dir(&self) -> PathBuf {
        self.data_dir.join("clusters")
    }
}

fn parse_file(text: &str) -> Result<FileConfig, String> {
    toml::from_str::<FileConfig>(text).map_err(|e| {
        // toml's messages are multi-line with a source excerpt; keep them but trim the end.
        e.to_string().trim_end().to_owned()
    })
}

fn absolute(p: PathBuf) -> PathBuf {
    std::path::absolute(&p).unwrap_or(p)
}

fn default_data_dir() -> PathBuf {
    use std::os::unix::fs::MetadataExt;
    if std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0) {
        return PathBuf::from("/var/lib/kubicle");
    }
    if let Some(x) = std::env::var_os("XDG_DATA_HOME").filter(|x| !x.is_empty()) {
        return absolute(PathBuf::from(x).join("kubicle"));
    }
    if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        return PathBuf::from(home).join(".local/share/kubicle");
    }
    absolute(PathBuf::from("kubicle-data"))
}

fn default_database_url(data_dir: &Path) -> String {
    format!("sqlite://{}", data_dir.join("platform.db").display())
}

/// `HOST:PORT` with an IP address, `localhost` or a resolvable name (first address wins).
pub fn parse_socket_addr(s: &str) -> Result<SocketAddr, String> {
    let s = s.trim();
    if let Ok(addr) = s.parse::<SocketAddr>() {
        return Ok(addr);
    }
    let Some((host, port)) = s.rsplit_once(':') else {
        return Err(format!("{s:?} is not HOST:PORT"));
    };
    let port: u16 = port
        .parse()
        .map_err(|_| format!("{s:?}: port {port:?} is not a number from 0 to 65535"))?;
    if host.is_empty() {
        return Ok(SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), port));
    }
    if host.eq_ignore_ascii_case("localhost") {
        return Ok(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port));
    }
    if host.starts_with('[') && host.ends_with(']') {
        let ip: Ipv6Addr = host[1..host.len() - 1]
            .parse()
            .map_err(|_| format!("{s:?}: {host} is not an IPv6 address"))?;
        return Ok(SocketAddr::new(IpAddr::V6(ip), port));
    }
    (host, port)
        .to_socket_addrs()
        .map_err(|e| format!("{s:?}: cannot resolve {host}: {e}"))?
        .next()
        .ok_or_else(|| format!("{s:?}: {host} has no address"))
}

/// Splits `https://host[:port][/]` into the host (without brackets) and the port.
fn split_url_authority(url: &str) -> Option<(String, Option<u16>)> {
    let rest = url
        .get(..8)?
        .eq_ignore_ascii_case("https://")
        .then(|| &url[8..])?;
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6.split_once(']')?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':')?.parse().ok()?),
        };
        return Some((host.to_owned(), port));
    }
    match authority.rsplit_once(':') {
        Some((host, port)) => Some((host.to_owned(), Some(port.parse().ok()?))),
        None => Some((authority.to_owned(), None)),
    }
}

fn format_url(host: &str, port: Option<u16>) -> String {
    let host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_owned()
    };
    match port {
        Some(p) => format!("https://{host}:{p}"),
        None => format!("https://{host}"),
    }
}

/// Checks an advertise URL and returns it as `https://host[:port]`.
pub fn normalize_advertise_url(s: &str) -> Result<String, String> {
    let s = s.trim();
    let Some(scheme_end) = s.find("://") else {
        return Err(format!("{s:?} is not a URL (expected https://HOST[:PORT])"));
    };
    if !s[..scheme_end].eq_ignore_ascii_case("https") {
        return Err(format!(
            "{s:?} must use https: kubeconfigs and the CLI only talk TLS to the server"
        ));
    }
    let rest = &s[scheme_end + 3..];
    let (authority, path) = match rest.find(['/', '?', '#']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    if !(path.is_empty() || path == "/") {
        return Err(format!(
            "{s:?} has a path, query or fragment; only https://HOST[:PORT] is supported"
        ));
    }
    if authority.contains('@') {
        return Err(format!("{s:?} must not contain user information"));
    }
    let Some((host, port)) = split_url_authority(&format!("https://{authority}")) else {
        return Err(format!("{s:?}: the port is not a number from 0 to 65535"));
    };
    if host.is_empty() {
        return Err(format!("{s:?} has no host"));
    }
    if (authority.starts_with('[') || host.contains(':')) && host.parse::<Ipv6Addr>().is_err() {
        return Err(format!("{s:?}: {host} is not an IPv6 address"));
    }
    if !host.contains(':')
        && !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
    {
        return Err(format!("{s:?}: {host:?} is not a host name or IP address"));
    }
    Ok(format_url(&host.to_ascii_lowercase(), port))
}

/// Durations such as `500ms`, `1s`, `10m`, `1h`, `2d` or sums of them (`1h30m`).
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let text = s.trim();
    if text.is_empty() {
        return Err("empty duration (expected e.g. 30s, 10m, 1h)".to_owned());
    }
    let bad = || format!("{s:?} is not a duration (expected e.g. 500ms, 30s, 10m, 1h)");
    let mut total = Duration::ZERO;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 {
            return Err(bad());
        }
        let n: u64 = rest[..digits].parse().map_err(|_| bad())?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let part = match unit {
            "ms" => Duration::from_millis(n),
            "s" => Duration::from_secs(n),
            "m" => Duration::from_secs(n.checked_mul(60).ok_or_else(bad)?),
            "h" => Duration::from_secs(n.checked_mul(3600).ok_or_else(bad)?),
            "d" => Duration::from_secs(n.checked_mul(86_400).ok_or_else(bad)?),
            "" => {
                return Err(format!("{s:?} has no unit (write e.g. {n}s or {n}m)"));
            }
            _ => return Err(bad()),
        };
        total = total.checked_add(part).ok_or_else(bad)?;
    }
    Ok(total)
}

/// Byte quantities: `67108864`, `64Mi`, `1Gi`, `512Ki`, `100M`, `1G`, `500k`.
pub fn parse_bytes(s: &str) -> Result<u64, String> {
    let text = s.trim();
    let bad = || format!("{s:?} is not a memory quantity (expected e.g. 64Mi, 1Gi)");
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    if split == 0 {
        return Err(bad());
    }
    let n: u64 = text[..split].parse().map_err(|_| bad())?;
    let mult: u64 = match &text[split..] {
        "" => 1,
        "k" | "K" => 1_000,
        "M" => 1_000_000,
        "G" => 1_000_000_000,
        "T" => 1_000_000_000_000,
        "Ki" => 1 << 10,
        "Mi" => 1 << 20,
        "Gi" => 1 << 30,
        "Ti" => 1 << 40,
        _ => return Err(bad()),
    };
    n.checked_mul(mult).ok_or_else(bad)
}

/// CPU quantities in thousandths of a core: `500m`, `1`, `0.5`, `1.25`.
pub fn parse_cpu_millis(s: &str) -> Result<u64, String> {
    let text = s.trim();
    let bad = || format!("{s:?} is not a CPU quantity (expected e.g. 500m, 1, 1.5)");
    if let Some(m) = text.strip_suffix('m') {
        if m.is_empty() || !m.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        return m.parse().map_err(|_| bad());
    }
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() && frac.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 3
    {
        return Err(bad());
    }
    let whole: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad())?
    };
    let frac_millis: u64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<3}").parse().map_err(|_| bad())?
    };
    whole
        .checked_mul(1000)
        .and_then(|w| w.checked_add(frac_millis))
        .ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: ServerArgs,
    }

    fn args(argv: &[&str]) -> ServerArgs {
        let mut full = vec!["kubicle-server"];
        full.extend_from_slice(argv);
        Cli::try_parse_from(full).expect("flags parse").args
    }

    fn write_file(dir: &Path, text: &str) -> PathBuf {
        let p = dir.join("kubicle.toml");
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn defaults_apply_when_nothing_is_set() {
        let c = Config::from_args(args(&["--data-dir", "/tmp/kd"])).unwrap();
        assert_eq!(c.data_dir, PathBuf::from("/tmp/kd"));
        assert_eq!(c.listen, "127.0.0.1:8443".parse().unwrap());
        assert_eq!(c.advertise_url, "https://localhost:8443");
        assert_eq!(c.database_url, "sqlite:///tmp/kd/platform.db");
        assert_eq!(c.idle_timeout, Duration::from_secs(600));
        assert_eq!(c.metrics_listen, "127.0.0.1:9464".parse().unwrap());
        assert_eq!(c.cluster_quota, 10);
        assert_eq!(c.control_plane, ControlPlaneLimits::default());
        assert_eq!(c.control_plane.memory_bytes, 64 * 1024 * 1024);
        assert_eq!(c.control_plane.cpu_millis, 500);
        assert_eq!(c.control_plane.pids, 256);
        assert!(c.tls_cert.is_none() && c.tls_key.is_none());
        let (_, o) = Config::with_options_from_args(args(&[])).unwrap();
        assert!(o.tls_ca.is_none() && !o.allow_non_loopback_metrics);
    }

    #[test]
    fn file_overrides_defaults_and_flags_override_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = write_file(
            dir.path(),
            r#"
data-dir = "/srv/kubicle"
listen = "127.0.0.1:9443"
idle-timeout = "1m"
cluster-quota = 3
cp-memory = "128Mi"
cp-cpu = 1.5
cp-pids = 100
metrics-listen = "[::1]:9999"
"#,
        );
        let f = file.to_str().unwrap();
        let c = Config::from_args(args(&["--config", f])).unwrap();
        assert_eq!(c.data_dir, PathBuf::from("/srv/kubicle"));
        assert_eq!(c.listen.port(), 9443);
        // The default advertise URL follows the listen port, wherever it came from.
        assert_eq!(c.advertise_url, "https://localhost:9443");
        assert_eq!(c.idle_timeout, Duration::from_secs(60));
        assert_eq!(c.cluster_quota, 3);
        assert_eq!(c.control_plane.memory_bytes, 128 << 20);
        assert_eq!(c.control_plane.cpu_millis, 1500);
        assert_eq!(c.control_plane.pids, 100);
        assert_eq!(c.metrics_listen, "[::1]:9999".parse().unwrap());

        let c = Config::from_args(args(&[
            "--config",
            f,
            "--idle-timeout",
            "5s",
            "--cluster-quota",
            "7",
            "--cp-cpu",
            "250m",
        ]))
        .unwrap();
        assert_eq!(c.idle_timeout, Duration::from_secs(5));
        assert_eq!(c.cluster_quota, 7);
        assert_eq!(c.control_plane.cpu_millis, 250);
        // Keys the flags did not name still come from the file.
        assert_eq!(c.control_plane.pids, 100);
        assert_eq!(c.data_dir, PathBuf::from("/srv/kubicle"));
    }

    /// Env vars sit between flags and the file. Setting env vars needs `unsafe` in this
    /// edition, so the check runs in a child process of this test binary with its own env.
    #[test]
    fn env_vars_override_the_file_and_flags_override_env_vars() {
        let dir = tempfile::tempdir().unwrap();
        let file = write_file(dir.path(), "cp-pids = 100\ncluster-quota = 3\n");
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "config::tests::env_child", "--nocapture"])
            .env("KUBICLE_ENV_CHILD_CONFIG", &file)
            .env("KUBICLE_CP_PIDS", "64")
            .env("KUBICLE_CLUSTER_QUOTA", "8")
            .env("KUBICLE_IDLE_TIMEOUT", "3s")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{text}");
        assert!(text.contains("env child checked"), "{text}");
    }

    /// The child half of the test above; does nothing unless started by it.
    #[test]
    fn env_child() {
        let Some(file) = std::env::var_os("KUBICLE_ENV_CHILD_CONFIG") else {
            return;
        };
        let f = file.to_str().unwrap();
        let c = Config::from_args(args(&["--config", f, "--cluster-quota", "9"])).unwrap();
        assert_eq!(c.control_plane.pids, 64, "env beats the file");
        assert_eq!(c.cluster_quota, 9, "the flag beats env");
        assert_eq!(
            c.idle_timeout,
            Duration::from_secs(3),
            "env beats the default"
        );
        let limits = Config::from_args(args(&["--cp-memory", "1Gi", "--cp-cpu", "1"]))
            .map(|c| c.control_plane)
            .unwrap();
        assert_eq!(limits.pids, 64);
        assert_eq!(limits.memory_bytes, 1 << 30);
        println!("env child checked");
    }

    #[test]
    fn unknown_file_keys_are_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let file = write_file(
            dir.path(),
            "listen = \"127.0.0.1:1\"\nidel-timeout = \"1m\"\n",
        );
        let err = Config::from_args(args(&["--config", file.to_str().unwrap()])).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, ConfigError::ParseFile { .. }), "{msg}");
        assert!(msg.contains("idel-timeout"), "{msg}");
    }

    #[test]
    fn file_values_of_the_wrong_type_name_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let file = write_file(dir.path(), "cluster-quota = \"many\"\n");
        let msg = Config::from_args(args(&["--config", file.to_str().unwrap()]))
            .unwrap_err()
            .to_string();
        assert!(msg.contains("cluster-quota"), "{msg}");
    }

    #[test]
    fn bad_values_name_their_key_and_source() {
        let cases: &[(&[&str], &str)] = &[
            (&["--idle-timeout", "10"], "idle-timeout"),
            (&["--idle-timeout", "ten minutes"], "idle-timeout"),
            (&["--idle-timeout", "0s"], "idle-timeout"),
            (&["--listen", "nowhere"], "listen"),
            (&["--listen", "127.0.0.1:99999"], "listen"),
            (&["--advertise-url", "http://example.com"], "advertise-url"),
            (
                &["--advertise-url", "https://example.com/base"],
                "advertise-url",
            ),
            (
                &["--advertise-url", "https://u@example.com"],
                "advertise-url",
            ),
            (&["--advertise-url", "https://"], "advertise-url"),
            (&["--database-url", "mysql://x"], "database-url"),
            (&["--metrics-listen", "0.0.0.0:9464"], "metrics-listen"),
            (&["--cp-memory", "64"], "cp-memory"),
            (&["--cp-memory", "lots"], "cp-memory"),
            (&["--cp-cpu", "0m"], "cp-cpu"),
            (&["--cp-cpu", "1.2345"], "cp-cpu"),
            (&["--cp-pids", "2"], "cp-pids"),
        ];
        for (argv, key) in cases {
            let err = Config::from_args(args(argv)).unwrap_err();
            let msg = err.to_string();
            assert!(
                msg.starts_with(&format!("{key}: ")),
                "{argv:?} gave {msg:?}, expected it to name {key}"
            );
            assert!(msg.contains(&format!("--{key} or KUBICLE_")), "{msg}");
        }
        let dir = tempfile::tempdir().unwrap();
        let file = write_file(dir.path(), "idle-timeout = \"soon\"\n");
        let msg = Config::from_args(args(&["--config", file.to_str().unwrap()]))
            .unwrap_err()
            .to_string();
        assert!(msg.starts_with("idle-timeout: "), "{msg}");
        assert!(msg.contains("config file"), "{msg}");
    }

    #[test]
    fn tls_settings_must_come_together() {
        assert!(matches!(
            Config::from_args(args(&["--tls-cert", "/c.pem"])),
            Err(ConfigError::Conflict(m)) if m.contains("tls-key")
        ));
        assert!(matches!(
            Config::from_args(args(&["--tls-key", "/k.pem"])),
            Err(ConfigError::Conflict(m)) if m.contains("tls-cert")
        ));
        assert!(matches!(
            Config::from_args(args(&["--tls-ca", "/ca.pem"])),
            Err(ConfigError::Conflict(_))
        ));
        let (c, o) = Config::with_options_from_args(args(&[
            "--tls-cert",
            "/c.pem",
            "--tls-key",
            "/k.pem",
            "--tls-ca",
            "/ca.pem",
        ]))
        .unwrap();
        assert_eq!(c.tls_cert, Some(PathBuf::from("/c.pem")));
        assert_eq!(o.tls_ca, Some(PathBuf::from("/ca.pem")));
    }

    #[test]
    fn tenant_limits_default_and_are_validated() {
        let (_, o) = Config::with_options_from_args(args(&[])).unwrap();
        assert_eq!(
            o.tenant_limits,
            crate::ratelimit::RateLimitConfig::default()
        );
        let (_, o) = Config::with_options_from_args(args(&[
            "--tenant-rate",
            "5000",
            "--tenant-burst",
            "64",
        ]))
        .unwrap();
        assert_eq!(
            (o.tenant_limits.per_second, o.tenant_limits.burst),
            (5000.0, 64)
        );
        let e = Config::with_options_from_args(args(&["--tenant-rate", "0"])).unwrap_err();
        assert!(e.to_string().contains("tenant-rate"), "{e}");
        let e = Config::with_options_from_args(args(&["--tenant-burst", "0"])).unwrap_err();
        assert!(e.to_string().contains("tenant-burst"), "{e}");
    }

    #[test]
    fn non_loopback_metrics_need_the_flag() {
        let (c, o) = Config::with_options_from_args(args(&[
            "--metrics-listen",
            "0.0.0.0:9464",
            "--allow-non-loopback-metrics",
        ]))
        .unwrap();
        assert_eq!(c.metrics_listen, "0.0.0.0:9464".parse().unwrap());
        assert!(o.allow_non_loopback_metrics);
    }

    #[test]
    fn advertise_urls_are_normalized() {
        let n = |s| normalize_advertise_url(s).unwrap();
        assert_eq!(n("https://Example.COM:8443/"), "https://example.com:8443");
        assert_eq!(n("HTTPS://example.com"), "https://example.com");
        assert_eq!(n("https://[::1]:8443"), "https://[::1]:8443");
        assert_eq!(n("https://10.1.2.3:443"), "https://10.1.2.3:443");
        assert!(normalize_advertise_url("https://[zz]:1").is_err());
        assert!(normalize_advertise_url("https://host:port").is_err());
        assert!(normalize_advertise_url("example.com").is_err());

        let mut c = Config::from_args(args(&["--listen", "127.0.0.1:0"])).unwrap();
        assert_eq!(c.advertise_url, "https://localhost:0");
        c.resolve_bound_port("127.0.0.1:40123".parse().unwrap());
        assert_eq!(c.advertise_url, "https://localhost:40123");
        assert_eq!(c.listen.port(), 40123);
        assert_eq!(c.advertise_host(), "localhost");

        let mut c = Config::from_args(args(&[
            "--listen",
            "127.0.0.1:0",
            "--advertise-url",
            "https://[::1]:0",
        ]))
        .unwrap();
        c.resolve_bound_port("127.0.0.1:5555".parse().unwrap());
        assert_eq!(c.advertise_url, "https://[::1]:5555");
        assert_eq!(c.advertise_host(), "::1");
    }

    #[test]
    fn durations_and_quantities_parse() {
        assert_eq!(parse_duration("1s").unwrap(), Duration::from_secs(1));
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("10m").unwrap(), Duration::from_secs(600));
        assert_eq!(parse_duration("1h").unwrap(), Duration::from_secs(3600));
        assert_eq!(parse_duration("1h30m").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse_duration("2d").unwrap(), Duration::from_secs(172_800));
        for bad in ["", "s", "10", "1x", "-1s", "1.5s", "m10"] {
            assert!(parse_duration(bad).is_err(), "{bad:?}");
        }
        assert_eq!(parse_bytes("64Mi").unwrap(), 64 << 20);
        assert_eq!(parse_bytes("1Gi").unwrap(), 1 << 30);
        assert_eq!(parse_bytes("100M").unwrap(), 100_000_000);
        assert_eq!(parse_bytes("4096").unwrap(), 4096);
        assert!(parse_bytes("1.5Gi").is_err());
        assert!(parse_bytes("99999999999999Ti").is_err());
        assert_eq!(parse_cpu_millis("500m").unwrap(), 500);
        assert_eq!(parse_cpu_millis("2").unwrap(), 2000);
        assert_eq!(parse_cpu_millis("0.25").unwrap(), 250);
        assert_eq!(parse_cpu_millis(".5").unwrap(), 500);
        for bad in ["", ".", "m", "1.0001", "a", "1,5"] {
            assert!(parse_cpu_millis(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn socket_addrs_accept_names_and_brackets() {
        assert_eq!(
            parse_socket_addr("localhost:1234").unwrap(),
            "127.0.0.1:1234".parse().unwrap()
        );
        assert_eq!(
            parse_socket_addr("[::1]:1").unwrap(),
            "[::1]:1".parse().unwrap()
        );
        assert_eq!(
            parse_socket_addr(":8443").unwrap(),
            "0.0.0.0:8443".parse().unwrap()
        );
        assert!(parse_socket_addr("8443").is_err());
    }
}
