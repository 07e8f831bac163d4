//! `kubicle bench apply`: declarative writes as people make them, behind docs/benchmarks.md.
//!
//! - `kubectl apply -f` of a 200-object manifest (50 each of ConfigMap, Secret, Service and
//!   Deployment), client-side and `--server-side`, timed as whole kubectl commands (p50 of
//!   several runs): the first apply (everything created), a re-apply of the same file
//!   (nothing to change) and a re-apply of an edited file (every object changed).
//! - Server-side apply PATCHes (`application/apply-patch+yaml`) per second on one object,
//!   from one client in sequence and from 8 concurrent clients (one field manager and one
//!   key each, so that they never conflict). Every patch changes a value: each is a write.
//!
//! Starts its own `kubicle apiserver` (this same binary) like the other benchmarks. kubectl
//! is `$KUBICLE_KUBECTL`, else `kubectl-1.37` in the test-tool cache (`$KUBICLE_TOOLS_DIR`,
//! default `~/.cache/kubicle-test-tools`, filled by tests/tools.sh), else `kubectl` on PATH.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};

use crate::bench::{HttpClient, client, create_ns, ms, percentile, start_server};

/// Objects in the manifest, a quarter of each kind.
const OBJECTS: usize = 200;
/// Concurrent server-side appliers.
const APPLIERS: usize = 8;

/// Runs the apply benchmarks and prints markdown table rows.
pub async fn apply(scale: usize) -> Result<()> {
    let kubectl = kubectl_bin()?;
    let (server, _) = start_server(None)?;
    let base = server.base.clone();
    let work = tempfile::Builder::new()
        .prefix("kubicle-bench-apply")
        .tempdir()?;
    let kubeconfig = work.path().join("kubeconfig");
    std::fs::write(&kubeconfig, kubeconfig_text(&base))?;
    let k = Kubectl {
        bin: kubectl,
        kubeconfig,
        cache: work.path().join("kube-cache"),
    };
    let c = client();

    // One apply beforehand fills kubectl's discovery and OpenAPI caches, as on a user's machine.
    create_ns(&c, &base, "bench-warm").await?;
    k.apply(
        &write_manifest(work.path(), "bench-warm", 0)?,
        false,
        "created",
    )
    .await?;

    let runs = 3 * scale;
    for server_side in [false, true] {
        let mode = if server_side {
            "--server-side"
        } else {
            "client-side"
        };
        let (mut first, mut same, mut changed) = (vec![], vec![], vec![]);
        for run in 0..runs {
            let ns = format!("bench-{}-{run}", if server_side { "ssa" } else { "csa" });
            create_ns(&c, &base, &ns).await?;
            let v0 = write_manifest(work.path(), &ns, 0)?;
            let v1 = write_manifest(work.path(), &ns, 1)?;
            let (created, unchanged, configured) = if server_side {
                (
                    "serverside-applied",
                    "serverside-applied",
                    "serverside-applied",
                )
            } else {
                ("created", "unchanged", "configured")
            };
            first.push(k.apply(&v0, server_side, created).await?);
            same.push(k.apply(&v0, server_side, unchanged).await?);
            changed.push(k.apply(&v1, server_side, configured).await?);
        }
        for (what, times) in [
            ("first apply (all created)", &mut first),
            ("re-apply, unchanged", &mut same),
            ("re-apply, every object changed", &mut changed),
        ] {
            times.sort();
            println!(
                "| kubectl 1.37 apply {mode} -f, {OBJECTS} objects: {what} ({runs} runs) | p50 {} · min {} · max {} |",
                ms(percentile(times, 0.5)),
                ms(times[0]),
                ms(*times.last().expect("runs > 0"))
            );
        }
    }

    // Server-side apply PATCHes on one ConfigMap.
    create_ns(&c, &base, "bench-patch").await?;
    let url = format!("{base}/api/v1/namespaces/bench-patch/configmaps/target?fieldManager=");
    let total = 1000 * scale;
    let mut times = Vec::with_capacity(total);
    let started = Instant::now();
    for i in 0..total {
        let t = Instant::now();
        ssa_patch(&c, &url, "bench", "k", i).await?;
        times.push(t.elapsed());
    }
    let rate = total as f64 / started.elapsed().as_secs_f64();
    times.sort();
    println!(
        "| server-side apply PATCH on one ConfigMap, 1 client, {total} patches | {rate:.0}/s · p50 {} · p99 {} |",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99))
    );

    let c = Arc::new(c);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..APPLIERS {
        let c = c.clone();
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let manager = format!("bench-{w}");
            let key = format!("k{w}");
            let mut i = w;
            while i < total {
                ssa_patch(&c, &url, &manager, &key, i).await?;
                i += APPLIERS;
            }
            Ok::<_, anyhow::Error>(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    let rate = total as f64 / started.elapsed().as_secs_f64();
    println!(
        "| server-side apply PATCH on one ConfigMap, {APPLIERS} clients (own field manager each), {total} patches | {rate:.0}/s |"
    );
    let check = get_json(
        &c,
        &format!("{base}/api/v1/namespaces/bench-patch/configmaps/target"),
    )
    .await?;
    let managers = check["metadata"]["managedFields"]
        .as_array()
        .map(|m| m.len())
        .unwrap_or(0);
    if managers < APPLIERS + 1 {
        bail!(
            "the ConfigMap lists {managers} field managers, expected at least {}",
            APPLIERS + 1
        );
    }
    drop(server);
    Ok(())
}

/// One apply PATCH setting `data.<key>` to a value that differs from the previous one.
async fn ssa_patch(c: &HttpClient, url: &str, manager: &str, key: &str, i: usize) -> Result<()> {
    let body = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: target\n  namespace: bench-patch\ndata:\n  {key}: \"value-{i}\"\n"
    );
    let req = hyper::Request::builder()
        .method("PATCH")
        .uri(format!("{url}{manager}"))
        .header("content-type", "application/apply-patch+yaml")
        .header("accept", "application/json")
        .body(Full::new(Bytes::from(body)))?;
    let resp = c.request(req).await?;
    let status = resp.status().as_u16();
    let body = resp.into_body().collect().await?.to_bytes();
    if status != 200 && status != 201 {
        bail!(
            "apply PATCH by {manager} returned {status}: {}",
            String::from_utf8_lossy(&body)
        );
    }
    Ok(())
}

async fn get_json(c: &HttpClient, url: &str) -> Result<serde_json::Value> {
    let req = hyper::Request::builder()
        .method("GET")
        .uri(url)
        .body(Full::new(Bytes::new()))?;
    let resp = c.request(req).await?;
    let status = resp.status().as_u16();
    let body = resp.into_body().collect().await?.to_bytes();
    if status != 200 {
        bail!(
            "GET {url} returned {status}: {}",
            String::from_utf8_lossy(&body)
        );
    }
    Ok(serde_json::from_slice(&body)?)
}

struct Kubectl {
    bin: PathBuf,
    kubeconfig: PathBuf,
    cache: PathBuf,
}

impl Kubectl {
    /// Runs `kubectl apply [--server-side] -f file`, checks that it printed `verb` for every
    /// object, and returns how long the whole command took.
    async fn apply(&self, file: &Path, server_side: bool, verb: &str) -> Result<Duration> {
        let mut cmd = tokio::process::Command::new(&self.bin);
        cmd.arg("apply");
        if server_side {
            cmd.arg("--server-side");
        }
        cmd.arg("-f")
            .arg(file)
            .env("KUBECONFIG", &self.kubeconfig)
            .env("KUBECACHEDIR", &self.cache)
            .env("KUBERC", "off")
            .stdin(std::process::Stdio::null());
        let started = Instant::now();
        let out = cmd
            .output()
            .await
            .with_context(|| format!("running {}", self.bin.display()))?;
        let took = started.elapsed();
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() {
            bail!(
                "kubectl apply -f {} failed ({}): {}",
                file.display(),
                out.status,
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let done = stdout
            .lines()
            .filter(|l| l.trim_end().ends_with(&format!(" {verb}")))
            .count();
        if done != OBJECTS {
            bail!(
                "kubectl apply -f {} printed {done} lines ending in {verb:?}, not {OBJECTS}:\n{stdout}",
                file.display()
            );
        }
        Ok(took)
    }
}

/// The kubectl to drive: `$KUBICLE_KUBECTL`, the test-tool cache's 1.37, or `kubectl`.
fn kubectl_bin() -> Result<PathBuf> {
    if let Some(p) = std::env::var_os("KUBICLE_KUBECTL").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    let tools = std::env::var_os("KUBICLE_TOOLS_DIR")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let home = std::env::var_os("HOME").unwrap_or_else(|| "/root".into());
            Path::new(&home).join(".cache/kubicle-test-tools")
        });
    let cached = tools.join("kubectl-1.37");
    if cached.is_file() {
        return Ok(cached);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join("kubectl"))
        .find(|p| p.is_file())
        .context("no kubectl: run tests/tools.sh, or set KUBICLE_KUBECTL")
}

fn kubeconfig_text(server: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Config\n\
         clusters:\n- name: bench\n  cluster:\n    server: {server}\n\
         users:\n- name: bench\n  user: {{}}\n\
         contexts:\n- name: bench\n  context:\n    cluster: bench\n    user: bench\n\
         current-context: bench\n"
    )
}

/// Writes the 200-object manifest for namespace `ns`; `rev` changes one value in every
/// object (a ConfigMap value, a Secret value, a Service port name, a container env value).
/// Secrets use `data` (12 alphanumeric characters are valid base64): `stringData` is never
/// stored, so client-side apply would report every Secret as configured on each re-apply.
fn write_manifest(dir: &Path, ns: &str, rev: usize) -> Result<PathBuf> {
    let mut m = String::new();
    for i in 0..OBJECTS / 4 {
        write!(
            m,
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: config-{i}\n  namespace: {ns}\n  labels:\n    app: app-{i}\ndata:\n  setting: \"{i}\"\n  revision: \"{rev}\"\n  greeting: hello\n"
        )?;
        write!(
            m,
            "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: secret-{i}\n  namespace: {ns}\n  labels:\n    app: app-{i}\ntype: Opaque\ndata:\n  password: pw{i:04}r{rev:05}\n"
        )?;
        write!(
            m,
            "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: svc-{i}\n  namespace: {ns}\n  labels:\n    app: app-{i}\nspec:\n  selector:\n    app: app-{i}\n  ports:\n  - name: http-{rev}\n    port: 80\n    targetPort: 8080\n"
        )?;
        write!(
            m,
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-{i}\n  namespace: {ns}\n  labels:\n    app: app-{i}\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: app-{i}\n  template:\n    metadata:\n      labels:\n        app: app-{i}\n    spec:\n      containers:\n      - name: app\n        image: registry.example.com/app:1.{i}\n        ports:\n        - name: http\n          containerPort: 8080\n        env:\n        - name: REVISION\n          value: \"{rev}\"\n        - name: MODE\n          value: production\n        resources:\n          requests:\n            cpu: 100m\n            memory: 64Mi\n      - name: sidecar\n        image: registry.example.com/proxy:2.0\n        args: [\"--upstream=127.0.0.1:8080\"]\n"
        )?;
    }
    let path = dir.join(format!("{ns}-{rev}.yaml"));
    std::fs::write(&path, m)?;
    Ok(path)
}
