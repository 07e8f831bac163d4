//! The web pages in a real browser: headless Chromium (Debian's `chromium` and
//! `chromium-driver`) driven over WebDriver against a freshly started `kubicle server`.
//!
//! The browser trusts the server's own CA through an NSS database made for the test (no
//! certificate errors are ignored). Each step saves a screenshot into a folder the test
//! prints, so that a person can look at the pages.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use fantoccini::{Client, ClientBuilder, Locator};
use kubicle_e2e::platform::{PlatformOptions, PlatformServer};
use serde_json::json;

/// A chromedriver process on a free port, with a private HOME whose NSS database trusts the
/// server's CA.
struct Driver {
    child: Child,
    port: u16,
    home: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn find(paths: &[&str]) -> Option<PathBuf> {
    paths.iter().map(PathBuf::from).find(|p| p.exists())
}

/// The browser and driver, or a reason to skip (outside CI only).
fn browser_bins() -> Option<(PathBuf, PathBuf)> {
    let chromium = find(&["/usr/bin/chromium", "/usr/bin/chromium-browser"]);
    let driver = find(&["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]);
    match (chromium, driver) {
        (Some(c), Some(d)) => Some((c, d)),
        _ if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("chromium and chromium-driver must be installed in CI (.ci/run does it)")
        }
        _ => {
            eprintln!(
                "SKIP: chromium/chromedriver not installed (apt-get install chromium chromium-driver)"
            );
            None
        }
    }
}

impl Driver {
    fn start(ca_pem: &Path, driver: &Path) -> Result<Driver> {
        let home = tempfile::tempdir()?;
        let nssdb = home.path().join(".pki/nssdb");
        std::fs::create_dir_all(&nssdb)?;
        let db = format!("sql:{}", nssdb.display());
        let ok = Command::new("certutil")
            .args(["-N", "-d", &db, "--empty-password"])
            .status()
            .context("certutil (libnss3-tools) is needed to trust the server's CA")?;
        if !ok.success() {
            bail!("certutil -N failed");
        }
        let ok = Command::new("certutil")
            .args(["-A", "-d", &db, "-n", "kubicle-test-ca", "-t", "C,,", "-i"])
            .arg(ca_pem)
            .status()?;
        if !ok.success() {
            bail!("certutil -A failed");
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .env("HOME", home.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("starting chromedriver")?;
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                bail!("chromedriver did not start");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(Driver { child, port, home })
    }

    async fn client(&self, chromium: &Path, downloads: &Path) -> Result<Client> {
        let profile = self.home.path().join(format!(
            "profile-{}",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)?
                .as_nanos()
        ));
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                    "--window-size=1280,900",
                    format!("--user-data-dir={}", profile.display()),
                ],
                "prefs": {
                    "download.default_directory": downloads,
                    "download.prompt_for_download": false,
                    "safebrowsing.enabled": false,
                },
            },
        });
        let caps = caps.as_object().context("caps")?.clone();
        // The driver is spoken to over plain HTTP on loopback.
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        Ok(ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await?)
    }
}

/// Saves a numbered screenshot of the current page.
struct Shots {
    dir: PathBuf,
    n: usize,
}

impl Shots {
    fn new(test: &str) -> Result<Shots> {
        let base = std::env::var_os("KUBICLE_SCREENSHOTS")
            .map(PathBuf::from)
            .unwrap_or_else(|| std::env::temp_dir().join("kubicle-screenshots"));
        let dir = base.join(test);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        eprintln!("screenshots of {test}: {}", dir.display());
        Ok(Shots { dir, n: 0 })
    }

    async fn take(&mut self, c: &Client, what: &str) -> Result<()> {
        self.n += 1;
        let png = c.screenshot().await?;
        std::fs::write(self.dir.join(format!("{:02}-{what}.png", self.n)), png)?;
        Ok(())
    }
}

/// The element, waiting for it to appear (a click returns before the next page has loaded).
async fn element(c: &Client, css: &str) -> Result<fantoccini::elements::Element> {
    Ok(c.wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css(css))
        .await
        .with_context(|| format!("waiting for {css}"))?)
}

/// Waits until the page's source contains `needle`.
async fn wait_source(c: &Client, needle: &str) -> Result<String> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let src = c.source().await?;
        if src.contains(needle) {
            return Ok(src);
        }
        if Instant::now() > deadline {
            bail!("the page never showed {needle:?}: {src}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn fill(c: &Client, css: &str, value: &str) -> Result<()> {
    let e = element(c, css).await?;
    e.clear().await?;
    e.send_keys(value).await?;
    Ok(())
}

async fn click(c: &Client, css: &str) -> Result<()> {
    element(c, css).await?.click().await?;
    Ok(())
}

async fn text(c: &Client, css: &str) -> Result<String> {
    Ok(element(c, css).await?.text().await?)
}

async fn wait_text(c: &Client, css: &str, want: &str, within: Duration) -> Result<()> {
    let deadline = Instant::now() + within;
    loop {
        if let Ok(t) = text(c, css).await {
            if t.trim() == want {
                return Ok(());
            }
        }
        if Instant::now() > deadline {
            bail!("{css} never showed {want:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn path_of(c: &Client) -> Result<String> {
    Ok(c.current_url().await?.path().to_string())
}

/// Waits until a navigation started by a click (a form submission) has arrived at `want`:
/// a click returns before the browser has loaded the next page.
async fn wait_path(c: &Client, want: &str) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let now = path_of(c).await?;
        if now == want && c.execute("return document.readyState", vec![]).await? == "complete" {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("the browser stayed at {now} instead of going to {want}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn signup(c: &Client, base: &str, email: &str, password: &str) -> Result<()> {
    c.goto(&format!("{base}/signup")).await?;
    fill(c, "#email", email).await?;
    fill(c, "#password", password).await?;
    click(c, "form button[type=submit]").await?;
    Ok(())
}

/// Multi-threaded, so that the harness's blocking REST client can run inside it
/// (`block_in_place`).
fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn browser_signup_cluster_kubeconfig_tokens_delete_logout() -> Result<()> {
    let Some((chromium, driver_bin)) = browser_bins() else {
        return Ok(());
    };
    let server = PlatformServer::start(PlatformOptions::default());
    let base = server.url().to_string();
    let driver = Driver::start(&server.ca_path(), &driver_bin)?;
    let downloads = tempfile::tempdir()?;
    rt().block_on(async {
        let c = driver.client(&chromium, downloads.path()).await?;
        let result = async {
            let mut shots = Shots::new("browser_main_flow")?;
            c.goto(&base).await?;
            shots.take(&c, "landing").await?;

            signup(&c, &base, "web-user@example.com", "a long enough password").await?;
            wait_path(&c, "/dashboard").await?;
            shots.take(&c, "dashboard-empty").await?;

            fill(&c, "#name", "web-demo").await?;
            click(&c, "form[action='/clusters'] button").await?;
            wait_path(&c, "/clusters/web-demo").await?;
            wait_text(&c, "#cluster-status", "Ready", Duration::from_secs(20)).await?;
            shots.take(&c, "cluster-ready").await?;

            click(&c, "#download-kubeconfig").await?;
            let file = downloads.path().join("web-demo.kubeconfig");
            let deadline = Instant::now() + Duration::from_secs(15);
            while !file.exists() {
                if Instant::now() > deadline {
                    bail!("the kubeconfig download never arrived");
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
            let out = kubicle_e2e::kubectl_path("1.37")
                .map(Command::new)
                .context("kubectl 1.37 (tests/tools.sh)")?
                .args(["get", "ns", "-o", "name"])
                .env("KUBECONFIG", &file)
                .output()?;
            assert!(
                out.status.success(),
                "kubectl get ns with the downloaded kubeconfig: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(String::from_utf8_lossy(&out.stdout).contains("namespace/default"));

            c.goto(&format!("{base}/tokens")).await?;
            shots.take(&c, "tokens-empty").await?;
            fill(&c, "#token-name", "ci").await?;
            click(&c, "form[action='/tokens'] button").await?;
            let secret = text(&c, "#new-token").await?;
            assert!(
                secret.trim().starts_with("kbt_"),
                "secret shown once: {secret}"
            );
            shots.take(&c, "token-created").await?;
            let me = tokio::task::block_in_place(|| {
                server
                    .rest("GET", "/api/v1/me", Some(secret.trim()), None)
                    .status
            });
            assert_eq!(me, 200, "the new token works on the REST API");
            click(&c, "form[action$='/revoke'] button").await?;
            wait_path(&c, "/tokens").await?;
            wait_source(&c, ">revoked<").await?;
            shots.take(&c, "token-revoked").await?;
            let deadline = Instant::now() + Duration::from_secs(2);
            while tokio::task::block_in_place(|| {
                server
                    .rest("GET", "/api/v1/me", Some(secret.trim()), None)
                    .status
            }) != 401
            {
                if Instant::now() > deadline {
                    bail!("a revoked token still works");
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }

            c.goto(&format!("{base}/clusters/web-demo")).await?;
            fill(&c, "#confirm", "web-demo").await?;
            click(&c, "form.danger button").await?;
            wait_path(&c, "/dashboard").await?;
            shots.take(&c, "cluster-deleted").await?;
            let deadline = Instant::now() + Duration::from_secs(20);
            while c.source().await?.contains("web-demo") {
                if Instant::now() > deadline {
                    bail!("the deleted cluster stays on the dashboard");
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
                c.refresh().await?;
            }

            c.goto(&format!("{base}/docs/ci")).await?;
            shots.take(&c, "ci-docs").await?;

            click(&c, "form[action='/logout'] button").await?;
            wait_path(&c, "/").await?;
            c.goto(&format!("{base}/dashboard")).await?;
            assert_eq!(path_of(&c).await?, "/login", "logged out for real");
            shots.take(&c, "logged-out").await?;
            anyhow::Ok(())
        }
        .await;
        c.close().await?;
        result
    })
}

#[test]
fn browser_negative_paths() -> Result<()> {
    let Some((chromium, driver_bin)) = browser_bins() else {
        return Ok(());
    };
    let server = PlatformServer::start(PlatformOptions::default());
    let base = server.url().to_string();
    let driver = Driver::start(&server.ca_path(), &driver_bin)?;
    let downloads = tempfile::tempdir()?;
    rt().block_on(async {
        let c = driver.client(&chromium, downloads.path()).await?;
        let result = async {
            let mut shots = Shots::new("browser_negative_paths")?;
            // Account A with a cluster.
            signup(&c, &base, "owner@example.com", "owner's long password").await?;
            fill(&c, "#name", "private").await?;
            click(&c, "form[action='/clusters'] button").await?;
            wait_path(&c, "/clusters/private").await?;
            let a_url = c.current_url().await?;
            click(&c, "form[action='/logout'] button").await?;
            // The logout must have landed before the next navigation starts, or the two race.
            wait_path(&c, "/").await?;

            // Taken email.
            signup(&c, &base, "owner@example.com", "another long password").await?;
            let err = text(&c, "#form-error").await?;
            assert!(err.to_lowercase().contains("already"), "taken email: {err}");
            shots.take(&c, "signup-taken-email").await?;

            // Weak password.
            c.goto(&format!("{base}/signup")).await?;
            fill(&c, "#email", "weak@example.com").await?;
            // Bypass the browser's own minlength check to see the server's message.
            c.execute(
                "document.getElementById('password').removeAttribute('minlength')",
                vec![],
            )
            .await?;
            fill(&c, "#password", "short").await?;
            click(&c, "form button[type=submit]").await?;
            let err = text(&c, "#form-error").await?;
            assert!(err.to_lowercase().contains("password"), "weak password: {err}");
            shots.take(&c, "signup-weak-password").await?;

            // Wrong password.
            c.goto(&format!("{base}/login")).await?;
            fill(&c, "#email", "owner@example.com").await?;
            fill(&c, "#password", "not the password at all").await?;
            click(&c, "form button[type=submit]").await?;
            let err = text(&c, "#form-error").await?;
            assert!(err.to_lowercase().contains("wrong"), "wrong password: {err}");
            shots.take(&c, "login-wrong-password").await?;

            // CSRF token missing → 403.
            c.goto(&format!("{base}/login")).await?;
            fill(&c, "#email", "owner@example.com").await?;
            fill(&c, "#password", "owner's long password").await?;
            c.execute(
                "document.querySelector('input[name=csrf]').remove(); document.querySelector('main form').submit()",
                vec![],
            )
            .await?;
            wait_source(&c, "Request refused").await?;
            shots.take(&c, "csrf-missing-403").await?;

            // Another account's cluster URL → 404.
            signup(&c, &base, "intruder@example.com", "intruder's long password").await?;
            wait_path(&c, "/dashboard").await?;
            c.goto(a_url.as_str()).await?;
            let src = c.source().await?;
            assert!(src.contains("Not found"), "another account's cluster: {src}");
            assert!(!src.contains("Download kubeconfig"));
            shots.take(&c, "other-account-cluster-404").await?;
            c.goto(&format!("{}/kubeconfig", a_url.as_str())).await?;
            let src = c.source().await?;
            assert!(src.contains("Not found"), "another account's kubeconfig: {src}");
            anyhow::Ok(())
        }
        .await;
        c.close().await?;
        result
    })?;
    // The status codes behind the pages, seen without a browser.
    assert_eq!(
        server.raw("GET", "/clusters/private", &[], None).status,
        303,
        "anonymous → login"
    );
    Ok(())
}
