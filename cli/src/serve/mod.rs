//! `clicktodial serve`: a local contact-center simulator.
//!
//! It answers `GET`/`POST /AGUI/make_call.php` as 8x8 would and 8x8's JSON
//! `POST /api/v1/tenants/{tenant}/calls`, "places" the call, and when it
//! ends sends for real: the Salesforce create (to `--sfdc-url`, which may
//! be this server's own mock route, else a record id is simulated), the
//! screenpop (to `--screenpop-url`) and the callback (to the link's
//! `ctl_callbackUrl`, under the callback policy). It also serves the JSON of
//! `lint`, `explain`, `simulate` and `fill` under `/api/`, and at `/` a page
//! (see [`crate::page`]) that uses them.
//!
//! Not an open relay: it listens on loopback unless told otherwise, and
//! refuses any request whose `Host` is not its own address (DNS rebinding)
//! or whose `Origin` is another site's (cross-site requests).
//!
//! One file per job: [`server`] runs the loop (shared with `receive`),
//! [`guard`] is the Host/Origin guard every request passes, [`make_call`]
//! answers `make_call.php`, [`call`] places and finishes a call,
//! [`call_api`] is 8x8's JSON call API, [`sfdc_mock`] the Salesforce mock,
//! and [`api`] the page's `/api/` JSON.

mod api;
mod call;
mod call_api;
mod make_call;
mod sfdc_mock;

use anyhow::Context as _;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use url::Url;

use clicktodial::MAX_BODY_LEN;

use clicktodial::signing::WebhookSecret;
use clicktodial_delivery::Outbox;

use crate::server::guard::{cross_site, host, refused};
use crate::server::{error, listen_until_stopped};

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// Where to listen (loopback unless you mean otherwise).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8088")]
    pub listen: SocketAddr,
    /// Where to POST the screenpop when a link asks for one.
    #[arg(long, value_name = "URL")]
    pub screenpop_url: Option<Url>,
    /// The Salesforce instance to send creates to: a sandbox, or a
    /// simulator's own mock (`--sfdc-url http://127.0.0.1:8088 --sfdc-token
    /// any`; the mock takes any token unless it was started with
    /// --sfdc-token). Needs --sfdc-token. Without it a record id is
    /// simulated.
    #[arg(long, value_name = "URL", requires = "sfdc_token")]
    pub sfdc_url: Option<Url>,
    /// The Salesforce access token (better from the environment); the
    /// mock's, when given, is the token its creates must carry.
    #[arg(
        long,
        value_name = "TOKEN",
        env = "CLICKTODIAL_SFDC_TOKEN",
        hide_env_values = true
    )]
    pub sfdc_token: Option<String>,
    /// The user the JSON call API's Basic auth must carry.
    #[arg(long, value_name = "USER", requires = "tenant_token")]
    pub tenant_user: Option<String>,
    /// The action request token the JSON call API's Basic auth must carry.
    #[arg(
        long,
        value_name = "TOKEN",
        requires = "tenant_user",
        env = "CLICKTODIAL_TENANT_TOKEN",
        hide_env_values = true
    )]
    pub tenant_token: Option<String>,
    /// How long each call lasts before its data is sent.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub call_seconds: u64,
    /// Let callbacks go to loopback and private addresses (local
    /// development only).
    #[arg(long)]
    pub allow_private_callbacks: bool,
    /// The most calls placed in any minute (make_call.php and the call API
    /// together); more are answered 429.
    #[arg(long, value_name = "N", default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_calls_per_minute: u32,
    /// The outbox the create, the screenpop and the callback go through,
    /// kept across restarts: `sqlite://PATH` (one file) or
    /// `redis://HOST:PORT` (several simulators share it). Default: a SQLite
    /// file under the user's data directory, printed at start.
    #[arg(
        long,
        value_name = "URL",
        env = "CLICKTODIAL_QUEUE",
        hide_env_values = true
    )]
    pub queue: Option<String>,
    /// Sign callbacks and screenpops (Standard Webhooks v1) with this
    /// `whsec_` secret (better from the environment).
    #[arg(
        long,
        value_name = "SECRET",
        env = "CLICKTODIAL_SIGN_SECRET",
        hide_env_values = true
    )]
    pub sign_secret: Option<String>,
    /// The delays before each retry, in seconds, comma-separated (the
    /// default is Standard Webhooks': 5, 300, 1800, 7200, 18000, 36000,
    /// 50400, 72000, 86400); after the last, a delivery is dead.
    #[arg(long, value_name = "SECONDS,…", value_delimiter = ',', value_parser = retry_delay)]
    pub retry_delays: Option<Vec<std::time::Duration>>,
}

fn retry_delay(text: &str) -> Result<std::time::Duration, String> {
    let seconds: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("`{}` is not a number of seconds", sanitize_arg(text)))?;
    std::time::Duration::try_from_secs_f64(seconds)
        .ok()
        .filter(|d| *d <= std::time::Duration::from_secs(7 * 24 * 3600))
        .ok_or_else(|| "a delay is 0 to 604800 seconds".to_owned())
}

fn sanitize_arg(text: &str) -> String {
    clicktodial::redact::sanitize(text)
        .max_chars(40)
        .to_string()
}

struct App {
    args: Args,
    outbox: Outbox,
    /// The address the server got (the port chosen when 0 was asked).
    local: SocketAddr,
    calls: AtomicU64,
    /// Calls placed: the rate limit.
    limit: call::RateLimit,
}

type Shared = Arc<App>;

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let queue = crate::queue::queue_url(args.queue.as_deref())?;
    let secret = args
        .sign_secret
        .as_deref()
        .map(WebhookSecret::parse)
        .transpose()
        .context("--sign-secret")?;
    listen_until_stopped(args.listen, 2, |local| {
        let outbox = crate::queue::open_in_place(&queue)?;
        tracing::info!(queue = %queue, signed = secret.is_some(), "outbox");
        crate::outbound::start_sender(&outbox, &args, secret.clone(), local)?;
        let app = Arc::new(App {
            outbox,
            limit: call::RateLimit::per_minute(args.max_calls_per_minute),
            args,
            local,
            calls: AtomicU64::new(0),
        });
        Ok(router(app))
    })
}

fn router(app: Shared) -> Router {
    Router::new()
        .route("/", axum::routing::get(crate::page::index))
        .route("/app.js", axum::routing::get(crate::page::script))
        .route("/app.css", axum::routing::get(crate::page::style))
        .route("/api/examples", axum::routing::get(crate::page::examples))
        .route(
            "/AGUI/make_call.php",
            axum::routing::get(make_call::make_call).post(make_call::make_call),
        )
        .route("/api/v1/tenants/{tenant}/calls", post(call_api::place_call))
        .route(
            "/services/data/{version}/sobjects/{sobject}/",
            post(sfdc_mock::mock_sfdc_create),
        )
        .merge(api_routes())
        .layer(middleware::from_fn_with_state(app.clone(), same_origin))
        .layer(DefaultBodyLimit::max(256 * 1024))
        .with_state(app)
}

/// The page's JSON routes. Their work takes memory in proportion to the
/// link (an explanation of a link of 250 KB took 40 MB), so they read
/// bodies of at most [`MAX_BODY_LEN`] (64 KiB, as `make_call.php` does) and
/// answer one request at a time (the others wait their turn).
fn api_routes() -> Router<Shared> {
    Router::new()
        .route("/api/lint", post(api::api_lint))
        .route("/api/explain", post(api::api_explain))
        .route("/api/simulate", post(api::api_simulate))
        .route("/api/fill", post(api::api_fill))
        .route_layer(middleware::from_fn_with_state(
            Arc::new(tokio::sync::Semaphore::new(1)),
            crate::server::in_turn,
        ))
        .layer(DefaultBodyLimit::max(MAX_BODY_LEN))
}

/// `serve`'s guard: [`host`], then [`cross_site`].
async fn same_origin(State(app): State<Shared>, request: Request, next: Next) -> Response {
    let checked = host(request.headers(), request.uri(), app.local)
        .and_then(|()| cross_site(request.headers(), app.local));
    match checked {
        Ok(()) => next.run(request).await,
        Err(refusal) => refused(refusal, request.headers()),
    }
}
