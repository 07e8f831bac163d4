//! `kubicle`: one binary for every role, chosen by its first argument.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};

mod bench;

#[derive(Parser)]
#[command(
    name = "kubicle",
    version,
    about = "hosted virtual Kubernetes clusters"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve one cluster's Kubernetes API from one SQLite file (plain HTTP; trusts its caller).
    Apiserver {
        /// Folder holding the cluster's database.
        #[arg(long, env = "KUBICLE_DATA_DIR")]
        data_dir: PathBuf,
        /// HOST:PORT (loopback only unless forced) or unix:PATH.
        #[arg(long, env = "KUBICLE_LISTEN", default_value = "127.0.0.1:6443")]
        listen: tenant_runtime::apiserver::Listen,
        /// Allow a non-loopback TCP address (the server does no authentication).
        #[arg(long)]
        allow_non_loopback: bool,
        /// How long events are kept, in seconds.
        #[arg(long, default_value_t = 3600)]
        event_ttl_seconds: u64,
    },
    /// Run the platform: HTTPS gateway, REST API, platform database and control-plane supervisor.
    Server(Box<gateway::server::ServerArgs>),
    /// Run the benchmarks recorded in docs/benchmarks.md.
    Bench {
        /// Which benchmark.
        #[arg(value_enum, default_value = "all")]
        which: bench::Which,
        /// Multiply the work of each benchmark.
        #[arg(long, default_value_t = 1)]
        scale: usize,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Command::Server(args) = cli.command {
        return run_server(*args);
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("KUBICLE_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    match cli.command {
        Command::Apiserver {
            data_dir,
            listen,
            allow_non_loopback,
            event_ttl_seconds,
        } => {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            rt.block_on(tenant_runtime::apiserver::serve(
                tenant_runtime::apiserver::ServeOptions {
                    data_dir,
                    listen,
                    allow_non_loopback,
                    event_ttl: Duration::from_secs(event_ttl_seconds),
                },
            ))
        }
        Command::Bench { which, scale } => bench::run(which, scale.max(1)),
        Command::Server(_) => unreachable!("handled above"),
    }
}

/// `kubicle server`: its own tracing (with optional OpenTelemetry export) on a multi-thread
/// runtime.
fn run_server(args: gateway::server::ServerArgs) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let tracing = gateway::server::init_tracing()?;
        let result = gateway::server::run(args).await;
        tracing.shutdown().await;
        result
    })
}
