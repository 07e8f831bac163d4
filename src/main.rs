//! `kubicle`: one binary for every role, chosen by its first argument.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};

mod bench;
mod bench_apply;
mod bench_platform;
mod cli;

// jemalloc hands freed pages back to the OS, so an idle process shrinks after bursts of work.
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[derive(Parser)]
#[command(
    name = "kubicle",
    version,
    about = "hosted virtual Kubernetes clusters",
    after_help = cli::EXIT_CODES_HELP
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
        /// Shut down gracefully when stdin reaches end of file (the supervisor holds the
        /// other end of a pipe, so the control plane exits when `kubicle server` dies).
        #[arg(long)]
        exit_on_stdin_eof: bool,
    },
    /// Run the platform: HTTPS gateway, REST API, platform database and control-plane supervisor.
    Server(Box<gateway::server::ServerArgs>),
    /// Log in to a kubicle server and remember the server and token for later commands.
    #[command(after_help = cli::EXIT_CODES_HELP)]
    Login(cli::LoginArgs),
    /// Create, list, inspect and delete clusters; download kubeconfigs.
    #[command(after_help = cli::EXIT_CODES_HELP)]
    Cluster(cli::ClusterArgs),
    /// Create, list and revoke API tokens (for CI).
    #[command(after_help = cli::EXIT_CODES_HELP)]
    Token(cli::TokenArgs),
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
            exit_on_stdin_eof,
        } => {
            if exit_on_stdin_eof {
                exit_when_stdin_closes()?;
            }
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
        Command::Login(args) => std::process::exit(cli::run(cli::Action::Login(args))),
        Command::Cluster(args) => std::process::exit(cli::run(cli::Action::Cluster(args))),
        Command::Token(args) => std::process::exit(cli::run(cli::Action::Token(args))),
        Command::Server(_) => unreachable!("handled above"),
    }
}

/// Reads stdin on a thread until end of file (or an error), then sends SIGTERM to this
/// process, so the apiserver takes the same graceful shutdown path as a normal stop.
fn exit_when_stdin_closes() -> anyhow::Result<()> {
    std::thread::Builder::new()
        .name("stdin-eof".into())
        .spawn(|| {
            let _ = std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink());
            tracing::info!("stdin closed: shutting down");
            let _ = nix::sys::signal::kill(nix::unistd::Pid::this(), nix::sys::signal::SIGTERM);
        })?;
    Ok(())
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
