//! The web pages: landing, sign-up, log-in, dashboard, cluster page, API tokens and a page on
//! CI use. Rendered on the server with askama templates from `web/templates/`; the one
//! stylesheet and the one small script come from `web/static/` and are compiled in, so
//! nothing is fetched from another host.
//!
//! The pages act through the same operations as the REST API (`api::accounts::create_account`,
//! `api::clusters::create`, …): one code path for accounts, clusters, kubeconfigs and tokens. What is specific to browsers lives
//! here: the session cookie (`Secure`, `HttpOnly`, `SameSite=Strict`), a CSRF token on every
//! form (double-submit: a random cookie that each form must echo), and security headers with a
//! strict Content-Security-Policy on every response.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Path, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use std::net::SocketAddr;

use std::sync::Arc;

use crate::api::accounts::{self, LoginThrottle};
use crate::api::problem::ApiError;
use crate::api::{clusters, kubeconfig, tokens};
use crate::auth::Credential;
use crate::db::Cluster;
use crate::ids::{SessionId, TokenId};
use crate::state::AppState;

/// An operation's error as a page shows it.
trait PageError {
    fn status(&self) -> StatusCode;
    fn detail(&self) -> String;
    fn retry_after(&self) -> Option<std::time::Duration>;
}

impl PageError for ApiError {
    fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.problem().status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
    fn detail(&self) -> String {
        let d = self.problem().detail;
        let mut c = d.chars();
        match c.next() {
            Some(f) => format!("{}{}.", f.to_uppercase(), c.as_str()),
            None => d,
        }
    }
    fn retry_after(&self) -> Option<std::time::Duration> {
        match self {
            ApiError::TooManyRequests(d) => Some(*d),
            _ => None,
        }
    }
}

const SESSION_COOKIE: &str = "kubicle_session";
const CSRF_COOKIE: &str = "kubicle_csrf";
/// Matches the session JWT's lifetime.
const SESSION_MAX_AGE_S: u64 = 24 * 3600;

const STYLE: &str = include_str!("../../web/static/style.css");
const SCRIPT: &str = include_str!("../../web/static/app.js");

/// The pages. Merged by the server beside the REST API and the gateway; `throttle` is the
/// REST API's login throttle, so that both log-in paths count against the same limits.
pub fn router(throttle: Arc<LoginThrottle>) -> Router<AppState> {
    Router::new()
        .route("/", get(landing))
        .route("/signup", get(signup_page).post(signup))
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/dashboard", get(dashboard))
        .route("/clusters", post(create_cluster))
        .route("/clusters/{name}", get(cluster_page))
        .route("/clusters/{name}/kubeconfig", get(download_kubeconfig))
        .route("/clusters/{name}/delete", post(delete_cluster))
        .route("/tokens", get(tokens_page).post(create_token))
        .route("/tokens/{id}/revoke", post(revoke_token))
        .route("/docs/ci", get(ci_page))
        .route("/ui/cluster-status", get(cluster_status))
        .route("/ca.pem", get(ca_pem))
        .route(
            "/static/style.css",
            get(|| async { asset("text/css; charset=utf-8", STYLE) }),
        )
        .route(
            "/static/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", SCRIPT) }),
        )
        .layer(axum::Extension(throttle))
        .layer(axum::middleware::map_response(security_headers))
}

/// Headers on every page and asset: a CSP that allows only this origin's own stylesheet and
/// script, no framing, no sniffing, no referrer to other hosts, no caching of pages.
async fn security_headers(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
             connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    resp
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

// ---- cookies and CSRF ----------------------------------------------------------------------

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty())
}

fn set_cookie(name: &str, value: &str, max_age: u64) -> (header::HeaderName, String) {
    (
        header::SET_COOKIE,
        format!("{name}={value}; Path=/; Max-Age={max_age}; Secure; HttpOnly; SameSite=Strict"),
    )
}

fn random_token() -> String {
    use rand::RngCore;
    let mut b = [0u8; 32];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// Constant-time comparison of the form's CSRF value with the cookie's.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The browser's CSRF token: the cookie's value, or a new one to be set with the page.
struct Csrf {
    value: String,
    fresh: bool,
}

impl Csrf {
    fn of(headers: &HeaderMap) -> Csrf {
        match cookie(headers, CSRF_COOKIE) {
            Some(v) if v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()) => Csrf {
                value: v.to_owned(),
                fresh: false,
            },
            _ => Csrf {
                value: random_token(),
                fresh: true,
            },
        }
    }
}

/// Every POST must carry the CSRF cookie and echo it in its form.
fn check_csrf(headers: &HeaderMap, form_value: &str) -> Result<(), Response> {
    match cookie(headers, CSRF_COOKIE) {
        Some(c) if !form_value.is_empty() && same_secret(c, form_value) => Ok(()),
        _ => Err(message(
            StatusCode::FORBIDDEN,
            &Nav::anonymous(String::new(), ""),
            "Request refused",
            "This form was not sent from this site's own page (its CSRF token is missing or wrong). \
             Go back, reload the page and try again.",
            "/",
            "Home",
        )),
    }
}

// ---- the signed-in user --------------------------------------------------------------------

/// A signed-in browser: a valid, unexpired, not-ended session in the cookie.
struct WebUser {
    account: crate::ids::AccountId,
    session: SessionId,
    email: String,
}

async fn web_user(state: &AppState, headers: &HeaderMap) -> Option<WebUser> {
    let token = cookie(headers, SESSION_COOKIE)?;
    let principal = state.auth.authenticate_api(token).await.ok()?;
    let Credential::Session(session) = principal.credential else {
        return None;
    };
    let account = state.db.account(&principal.account).await.ok()??;
    Some(WebUser {
        account: principal.account,
        session,
        email: account.email,
    })
}

/// A signed-in browser and its CSRF token, for pages behind the log-in; anyone else is sent to
/// the log-in page.
struct SignedIn {
    u: WebUser,
    csrf: Csrf,
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match web_user(state, &parts.headers).await {
            Some(u) => Ok(SignedIn {
                u,
                csrf: Csrf::of(&parts.headers),
            }),
            None => Err(to_login()),
        }
    }
}

/// A form that carries the CSRF field every form has.
trait CsrfField {
    fn csrf(&self) -> &str;
}

/// A form whose CSRF field matches the browser's CSRF cookie; anything else is refused with 403
/// before the handler runs.
struct Checked<T>(T);

impl<T> FromRequest<AppState> for Checked<T>
where
    T: serde::de::DeserializeOwned + CsrfField + Send,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let headers = req.headers().clone();
        let Form(f) = Form::<T>::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        check_csrf(&headers, f.csrf())?;
        Ok(Checked(f))
    }
}

macro_rules! csrf_field {
    ($($t:ty),*) => {
        $(impl CsrfField for $t {
            fn csrf(&self) -> &str {
                &self.csrf
            }
        })*
    };
}

csrf_field!(Credentials, CsrfOnly, NewCluster, DeleteForm, NewToken);

/// What the header of every page needs.
struct Nav {
    email: Option<String>,
    csrf: String,
    page: &'static str,
}

impl Nav {
    fn anonymous(csrf: String, page: &'static str) -> Nav {
        Nav {
            email: None,
            csrf,
            page,
        }
    }
    fn user(u: &WebUser, csrf: String, page: &'static str) -> Nav {
        Nav {
            email: Some(u.email.clone()),
            csrf,
            page,
        }
    }
}

fn render(status: StatusCode, t: impl Template, csrf: &Csrf) -> Response {
    match t.render() {
        Ok(html) => {
            let mut resp = (
                status,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                html,
            )
                .into_response();
            if csrf.fresh {
                let (k, v) = set_cookie(CSRF_COOKIE, &csrf.value, SESSION_MAX_AGE_S);
                if let Ok(v) = HeaderValue::from_str(&v) {
                    resp.headers_mut().append(k, v);
                }
            }
            resp
        }
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage<'a> {
    nav: &'a Nav,
    heading: &'a str,
    text: &'a str,
    link: &'a str,
    link_text: &'a str,
}

fn message(
    status: StatusCode,
    nav: &Nav,
    heading: &str,
    text: &str,
    link: &str,
    link_text: &str,
) -> Response {
    let csrf = Csrf {
        value: nav.csrf.clone(),
        fresh: false,
    };
    render(
        status,
        MessagePage {
            nav,
            heading,
            text,
            link,
            link_text,
        },
        &csrf,
    )
}

fn not_found(nav: &Nav) -> Response {
    message(
        StatusCode::NOT_FOUND,
        nav,
        "Not found",
        "There is no such page, or it belongs to another account.",
        "/dashboard",
        "Your clusters",
    )
}

fn to_login() -> Response {
    Redirect::to("/login").into_response()
}

// ---- pages ---------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "landing.html")]
struct Landing {
    nav: Nav,
}

async fn landing(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let csrf = Csrf::of(&headers);
    let nav = match web_user(&state, &headers).await {
        Some(u) => Nav::user(&u, csrf.value.clone(), "home"),
        None => Nav::anonymous(csrf.value.clone(), "home"),
    };
    render(StatusCode::OK, Landing { nav }, &csrf)
}

#[derive(Template)]
#[template(path = "auth_form.html")]
struct AuthForm<'a> {
    nav: Nav,
    heading: &'a str,
    action: &'a str,
    button: &'a str,
    email: String,
    error: Option<String>,
    min_password: usize,
}

fn auth_form(
    status: StatusCode,
    csrf: &Csrf,
    signup: bool,
    email: String,
    error: Option<String>,
) -> Response {
    let (heading, action, button, page) = if signup {
        ("Sign up", "/signup", "Create account", "signup")
    } else {
        ("Log in", "/login", "Log in", "login")
    };
    render(
        status,
        AuthForm {
            nav: Nav::anonymous(csrf.value.clone(), page),
            heading,
            action,
            button,
            email,
            error,
            min_password: accounts::MIN_PASSWORD_CHARS,
        },
        csrf,
    )
}

async fn signup_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if web_user(&state, &headers).await.is_some() {
        return Redirect::to("/dashboard").into_response();
    }
    auth_form(
        StatusCode::OK,
        &Csrf::of(&headers),
        true,
        String::new(),
        None,
    )
}

async fn login_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if web_user(&state, &headers).await.is_some() {
        return Redirect::to("/dashboard").into_response();
    }
    auth_form(
        StatusCode::OK,
        &Csrf::of(&headers),
        false,
        String::new(),
        None,
    )
}

#[derive(Deserialize)]
struct Credentials {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// Signs the browser in: sets the session cookie and goes to the dashboard.
fn signed_in(token: &str) -> Response {
    let mut resp = Redirect::to("/dashboard").into_response();
    let (k, v) = set_cookie(SESSION_COOKIE, token, SESSION_MAX_AGE_S);
    if let Ok(v) = HeaderValue::from_str(&v) {
        resp.headers_mut().append(k, v);
    }
    resp
}

/// The message a person sees for an operation's error on a form.
fn form_error(e: &ApiError) -> (StatusCode, String) {
    (e.status(), e.detail())
}

async fn signup(
    State(state): State<AppState>,
    headers: HeaderMap,
    Checked(f): Checked<Credentials>,
) -> Response {
    let csrf = Csrf::of(&headers);
    match accounts::create_account(&state, &f.email, &f.password).await {
        Ok((_, token)) => signed_in(&token),
        Err(e) => {
            let (status, msg) = form_error(&e);
            auth_form(status, &csrf, true, f.email, Some(msg))
        }
    }
}

async fn login(
    State(state): State<AppState>,
    axum::Extension(throttle): axum::Extension<Arc<LoginThrottle>>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Checked(f): Checked<Credentials>,
) -> Response {
    let csrf = Csrf::of(&headers);
    match accounts::sign_in(&state, &throttle, Some(addr.ip()), &f.email, &f.password).await {
        Ok(token) => signed_in(&token),
        Err(e) => {
            let (status, msg) = form_error(&e);
            let mut resp = auth_form(status, &csrf, false, f.email, Some(msg));
            if let Some(after) = e.retry_after() {
                if let Ok(v) = HeaderValue::from_str(&after.as_secs().max(1).to_string()) {
                    resp.headers_mut().insert(header::RETRY_AFTER, v);
                }
            }
            resp
        }
    }
}

#[derive(Deserialize)]
struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    Checked(_): Checked<CsrfOnly>,
) -> Response {
    if let Some(u) = web_user(&state, &headers).await {
        if let Err(e) = state.auth.end_session(&u.session).await {
            tracing::warn!(error = %e, "ending a session failed");
        }
    }
    let mut resp = Redirect::to("/").into_response();
    let (k, v) = set_cookie(SESSION_COOKIE, "", 0);
    if let Ok(v) = HeaderValue::from_str(&v) {
        resp.headers_mut().append(k, v);
    }
    resp
}

/// One cluster as a page shows it.
struct ClusterRow {
    id: String,
    name: String,
    status: String,
    age: String,
    created: String,
    server_url: String,
}

fn age(since_ms: i64) -> String {
    let now = jiff::Timestamp::now().as_millisecond();
    let s = ((now - since_ms).max(0) / 1000) as u64;
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86400 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86400),
    }
}

fn timestamp(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

fn row(state: &AppState, c: &Cluster) -> ClusterRow {
    let v = clusters::view(state, c);
    ClusterRow {
        id: v.id,
        name: v.name,
        status: format!("{:?}", v.status),
        age: age(c.created_at_ms),
        created: timestamp(c.created_at_ms),
        server_url: v.server_url,
    }
}

async fn account_clusters(
    state: &AppState,
    account: &crate::ids::AccountId,
) -> Result<Vec<Cluster>, ApiError> {
    Ok(state.db.list_clusters(account).await?)
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    nav: Nav,
    clusters: Vec<ClusterRow>,
    error: Option<String>,
    name: String,
}

async fn dashboard_page(
    state: &AppState,
    u: &WebUser,
    csrf: &Csrf,
    status: StatusCode,
    error: Option<String>,
    name: String,
) -> Response {
    let clusters = match account_clusters(state, &u.account).await {
        Ok(cs) => cs.iter().map(|c| row(state, c)).collect(),
        Err(e) => return form_failure(u, csrf, &e),
    };
    render(
        status,
        Dashboard {
            nav: Nav::user(u, csrf.value.clone(), "dashboard"),
            clusters,
            error,
            name,
        },
        csrf,
    )
}

fn form_failure(u: &WebUser, csrf: &Csrf, e: &ApiError) -> Response {
    let nav = Nav::user(u, csrf.value.clone(), "");
    if e.status() == StatusCode::NOT_FOUND {
        return not_found(&nav);
    }
    message(
        e.status(),
        &nav,
        "Something went wrong",
        &e.detail(),
        "/dashboard",
        "Your clusters",
    )
}

async fn dashboard(State(state): State<AppState>, SignedIn { u, csrf }: SignedIn) -> Response {
    dashboard_page(&state, &u, &csrf, StatusCode::OK, None, String::new()).await
}

#[derive(Deserialize)]
struct NewCluster {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
}

async fn create_cluster(
    State(state): State<AppState>,
    SignedIn { u, csrf }: SignedIn,
    Checked(f): Checked<NewCluster>,
) -> Response {
    match clusters::create(&state, &u.account, &f.name, None, false).await {
        Ok((c, _)) => Redirect::to(&format!("/clusters/{}", c.name)).into_response(),
        Err(e) => {
            let (status, msg) = form_error(&e);
            dashboard_page(&state, &u, &csrf, status, Some(msg), f.name).await
        }
    }
}

#[derive(Template)]
#[template(path = "cluster.html")]
struct ClusterPage {
    nav: Nav,
    c: ClusterRow,
}

async fn cluster_page(
    State(state): State<AppState>,
    SignedIn { u, csrf }: SignedIn,
    Path(name): Path<String>,
) -> Response {
    match clusters::find_cluster(&state, &u.account, &name).await {
        Ok(c) => render(
            StatusCode::OK,
            ClusterPage {
                nav: Nav::user(&u, csrf.value.clone(), "dashboard"),
                c: row(&state, &c),
            },
            &csrf,
        ),
        Err(e) => form_failure(&u, &csrf, &e),
    }
}

async fn download_kubeconfig(
    State(state): State<AppState>,
    SignedIn { u, csrf }: SignedIn,
    Path(name): Path<String>,
) -> Response {
    match kubeconfig::issue(&state, &u.account, &name).await {
        Ok((cluster, yaml)) => (
            [
                (header::CONTENT_TYPE, "application/yaml".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}.kubeconfig\"", cluster.name),
                ),
            ],
            yaml,
        )
            .into_response(),
        Err(e) => form_failure(&u, &csrf, &e),
    }
}

#[derive(Deserialize)]
struct DeleteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    confirm: String,
}

async fn delete_cluster(
    State(state): State<AppState>,
    SignedIn { u, csrf }: SignedIn,
    Path(name): Path<String>,
    Checked(f): Checked<DeleteForm>,
) -> Response {
    let c = match clusters::find_cluster(&state, &u.account, &name).await {
        Ok(c) => c,
        Err(e) => return form_failure(&u, &csrf, &e),
    };
    if f.confirm.trim() != c.name {
        return message(
            StatusCode::BAD_REQUEST,
            &Nav::user(&u, csrf.value.clone(), "dashboard"),
            "Not deleted",
            &format!(
                "To delete the cluster, type its name, {}, in the confirmation box.",
                c.name
            ),
            &format!("/clusters/{}", c.name),
            "Back to the cluster",
        );
    }
    match clusters::delete(&state, &u.account, c.id.as_str(), false).await {
        Ok(_) => Redirect::to("/dashboard").into_response(),
        Err(e) => form_failure(&u, &csrf, &e),
    }
}

struct TokenRow {
    id: String,
    name: String,
    created: String,
    last_used: String,
    expires: String,
    state: &'static str,
    active: bool,
}

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    nav: Nav,
    tokens: Vec<TokenRow>,
    new_secret: Option<String>,
    error: Option<String>,
}

async fn tokens_view(
    state: &AppState,
    u: &WebUser,
    csrf: &Csrf,
    status: StatusCode,
    new_secret: Option<String>,
    error: Option<String>,
) -> Response {
    let tokens = match state.db.list_api_tokens(&u.account).await {
        Ok(ts) => ts,
        Err(e) => return form_failure(u, csrf, &ApiError::from(e)),
    };
    let now = jiff::Timestamp::now().as_millisecond();
    let tokens = tokens
        .iter()
        .map(|t| {
            let expired = t.expires_at_ms.is_some_and(|e| e <= now);
            let (state, active) = match (t.revoked_at_ms, expired) {
                (Some(_), _) => ("revoked", false),
                (None, true) => ("expired", false),
                (None, false) => ("active", true),
            };
            TokenRow {
                id: t.id.to_string(),
                name: t.name.clone(),
                created: timestamp(t.created_at_ms),
                last_used: t
                    .last_used_at_ms
                    .map(|m| format!("{} ago", age(m)))
                    .unwrap_or_else(|| "never".into()),
                expires: t
                    .expires_at_ms
                    .map(timestamp)
                    .unwrap_or_else(|| "never".into()),
                state,
                active,
            }
        })
        .collect();
    render(
        status,
        TokensPage {
            nav: Nav::user(u, csrf.value.clone(), "tokens"),
            tokens,
            new_secret,
            error,
        },
        csrf,
    )
}

async fn tokens_page(State(state): State<AppState>, SignedIn { u, csrf }: SignedIn) -> Response {
    tokens_view(&state, &u, &csrf, StatusCode::OK, None, None).await
}

#[derive(Deserialize)]
struct NewToken {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    expires_in: String,
}

async fn create_token(
    State(state): State<AppState>,
    SignedIn { u, csrf }: SignedIn,
    Checked(f): Checked<NewToken>,
) -> Response {
    let expires_in = match f.expires_in.trim() {
        "" => None,
        s => match s.parse::<u64>() {
            Ok(n) => Some(n),
            Err(_) => {
                return tokens_view(
                    &state,
                    &u,
                    &csrf,
                    StatusCode::BAD_REQUEST,
                    None,
                    Some("The expiry must be a number of seconds.".into()),
                )
                .await;
            }
        },
    };
    match tokens::create(&state, &u.account, &f.name, expires_in).await {
        Ok((_, secret)) => tokens_view(&state, &u, &csrf, StatusCode::OK, Some(secret), None).await,
        Err(e) => {
            let (status, msg) = form_error(&e);
            tokens_view(&state, &u, &csrf, status, None, Some(msg)).await
        }
    }
}

async fn revoke_token(
    State(state): State<AppState>,
    SignedIn { u, csrf }: SignedIn,
    Path(id): Path<String>,
    Checked(_): Checked<CsrfOnly>,
) -> Response {
    let nav = Nav::user(&u, csrf.value.clone(), "tokens");
    let Some(id) = TokenId::parse(&id) else {
        return not_found(&nav);
    };
    match state.db.revoke_api_token(&u.account, &id).await {
        Ok(true) => Redirect::to("/tokens").into_response(),
        Ok(false) => not_found(&nav),
        Err(e) => form_failure(&u, &csrf, &ApiError::from(e)),
    }
}

#[derive(Template)]
#[template(path = "ci.html")]
struct CiPage {
    nav: Nav,
    base: String,
}

async fn ci_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let csrf = Csrf::of(&headers);
    let nav = match web_user(&state, &headers).await {
        Some(u) => Nav::user(&u, csrf.value.clone(), "ci"),
        None => Nav::anonymous(csrf.value.clone(), "ci"),
    };
    let base = state.config.advertise_url.clone();
    render(StatusCode::OK, CiPage { nav, base }, &csrf)
}

/// `{cluster id: status}` of the signed-in account, for the live status on the pages.
async fn cluster_status(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(u) = web_user(&state, &headers).await else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    match account_clusters(&state, &u.account).await {
        Ok(cs) => {
            let map: BTreeMap<String, String> = cs
                .iter()
                .map(|c| (c.id.to_string(), row(&state, c).status))
                .collect();
            Json(map).into_response()
        }
        Err(e) => e.status().into_response(),
    }
}

/// The CA that signed this server's certificate (public; clients need it to verify TLS).
async fn ca_pem(State(state): State<AppState>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/x-pem-file"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"kubicle-ca.pem\"",
            ),
        ],
        state.ca_pem.clone(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_parse_and_csrf_compares_exactly() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; kubicle_csrf=abc; kubicle_session=tok"),
        );
        assert_eq!(cookie(&h, CSRF_COOKIE), Some("abc"));
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("tok"));
        assert_eq!(cookie(&h, "missing"), None);
        assert!(check_csrf(&h, "abc").is_ok());
        assert!(check_csrf(&h, "abd").is_err());
        assert!(check_csrf(&h, "").is_err());
        assert!(check_csrf(&HeaderMap::new(), "abc").is_err());
    }

    #[test]
    fn a_fresh_csrf_token_is_random_hex() {
        let a = Csrf::of(&HeaderMap::new());
        let b = Csrf::of(&HeaderMap::new());
        assert!(a.fresh && a.value.len() == 64 && a.value != b.value);
    }

    #[test]
    fn session_cookie_is_secure_httponly_strict() {
        let (_, v) = set_cookie(SESSION_COOKIE, "t", SESSION_MAX_AGE_S);
        assert!(v.contains("Secure") && v.contains("HttpOnly") && v.contains("SameSite=Strict"));
    }

    #[test]
    fn templates_escape_user_input() {
        let nav = Nav::anonymous("x".into(), "");
        let html = MessagePage {
            nav: &nav,
            heading: "<script>alert(1)</script>",
            text: "t",
            link: "/",
            link_text: "home",
        }
        .render()
        .unwrap();
        assert!(!html.contains("<script>alert"));
        assert!(
            html.contains("&lt;script&gt;alert(1)") || html.contains("&#60;script&#62;alert(1)"),
            "escaped: {html}"
        );
    }
}
