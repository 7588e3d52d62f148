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

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use base64::Engine as _;
use chrono::{TimeDelta, Utc};
use clicktodial::{
    ActionPlan, CallContext, CallbackPolicy, ClickToDialRequest, CreateOutcome, ExtTransactionData,
    LinkMap, PlaceCall, RequestError, RequestErrorKind, UserData, MAX_BODY_LEN,
};
use serde_json::{json, Value};
use tower_http::timeout::TimeoutLayer;
use url::Url;

use crate::check::{check, from_request_error};
use crate::finding::{kebab_kind, Finding, Severity};
use crate::outbound::{Delivery, Outbound};
use crate::simulate::{simulated_screenpop, CallArgs, SFDC_API_VERSION};

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// Where to listen (loopback unless you mean otherwise).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8088")]
    pub listen: SocketAddr,
    /// Where to POST the screenpop when a link asks for one.
    #[arg(long, value_name = "URL")]
    pub screenpop_url: Option<Url>,
    /// The Salesforce instance to send creates to (a sandbox, or this
    /// server's own mock: http://127.0.0.1:8088); without it a record id is
    /// simulated.
    #[arg(long, value_name = "URL")]
    pub sfdc_url: Option<Url>,
    /// The Salesforce access token (better from the environment).
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
}

struct App {
    args: Args,
    outbound: Outbound,
    port: u16,
    calls: AtomicU64,
}

type Shared = Arc<App>;

pub fn run(args: Args) -> Result<ExitCode, String> {
    listen_until_stopped(args.listen, 2, |local| {
        let app = Arc::new(App {
            outbound: Outbound::new(args.allow_private_callbacks)?,
            args,
            port: local.port(),
            calls: AtomicU64::new(0),
        });
        Ok(router(app))
    })
}

/// The one way both servers run: a runtime of `workers` threads, bound to
/// `listen`, the router `app` builds for the address it got, the address
/// printed as the first line, until Ctrl-C.
pub fn listen_until_stopped(
    listen: std::net::SocketAddr,
    workers: usize,
    app: impl FnOnce(std::net::SocketAddr) -> Result<axum::Router, String>,
) -> Result<ExitCode, String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
        let local = listener.local_addr().map_err(|e| e.to_string())?;
        let app = app(local)?;
        let stop = shutdown();
        crate::output::print(&format!("http://{local}\n"));
        if !local.ip().is_loopback() {
            tracing::warn!(%local, "listening beyond loopback");
        }
        axum::serve(listener, app)
            .with_graceful_shutdown(stop)
            .await
            .map_err(|e| format!("server: {e}"))?;
        Ok(ExitCode::SUCCESS)
    })
}

/// Ctrl-C (or SIGTERM). The handlers are installed when this is called
/// (inside the runtime), not when the future is first polled: call it
/// before printing the address, so a signal sent as soon as the address is
/// read stops the server cleanly instead of killing it.
pub fn shutdown() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let (mut int, mut term) = {
        use tokio::signal::unix::{signal, SignalKind};
        (
            signal(SignalKind::interrupt()).ok(),
            signal(SignalKind::terminate()).ok(),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let int = async {
                match int.as_mut() {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => {
                        let _ = tokio::signal::ctrl_c().await;
                    }
                }
            };
            let term = async {
                match term.as_mut() {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = int => {},
                () = term => {},
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
        tracing::info!("stopping");
    }
}

fn router(app: Shared) -> Router {
    Router::new()
        .route("/", axum::routing::get(crate::page::index))
        .route("/app.js", axum::routing::get(crate::page::script))
        .route("/app.css", axum::routing::get(crate::page::style))
        .route("/api/examples", axum::routing::get(crate::page::examples))
        .route(
            "/AGUI/make_call.php",
            axum::routing::get(make_call).post(make_call),
        )
        .route("/api/v1/tenants/{tenant}/calls", post(place_call))
        .route(
            "/services/data/{version}/sobjects/{sobject}/",
            post(mock_sfdc_create),
        )
        .route("/api/lint", post(api_lint))
        .route("/api/explain", post(api_explain))
        .route("/api/simulate", post(api_simulate))
        .route("/api/fill", post(api_fill))
        .layer(middleware::from_fn_with_state(app.clone(), same_origin))
        .layer(DefaultBodyLimit::max(256 * 1024))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(10),
        ))
        .with_state(app)
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({"error": message.into()}))).into_response()
}

/// `localhost:PORT` or an IP literal with this server's port: a name that
/// is not ours (DNS rebinding) is refused; IP literals cannot be rebound.
fn own_host(host: &str, port: u16) -> bool {
    let Some((name, p)) = host.rsplit_once(':') else {
        return false;
    };
    if p.parse::<u16>().ok() != Some(port) {
        return false;
    }
    let name = name.trim_start_matches('[').trim_end_matches(']');
    name.eq_ignore_ascii_case("localhost") || name.parse::<std::net::IpAddr>().is_ok()
}

async fn same_origin(State(app): State<Shared>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    if !host.is_some_and(|h| own_host(h, app.port)) {
        tracing::warn!("refused: Host is not this simulator's address");
        return error(
            StatusCode::FORBIDDEN,
            format!(
                "the Host header is not this simulator's address: use http://127.0.0.1:{}",
                app.port
            ),
        );
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let same = origin
            .to_str()
            .ok()
            .and_then(|o| o.strip_prefix("http://"))
            .is_some_and(|h| own_host(h, app.port));
        if !same {
            tracing::warn!("refused: a cross-site request");
            return error(
                StatusCode::FORBIDDEN,
                "cross-site requests are refused (the Origin is not this simulator)",
            );
        }
    }
    next.run(request).await
}

/// A finding as JSON, saying which text its span is in: the request's
/// `query` or its POST `body`.
fn placed_json(finding: &Finding, in_body: bool) -> Value {
    let mut json = finding.to_json();
    json["in"] = json!(if in_body { "body" } else { "query" });
    json
}

/// The status for a request the library refused.
fn refusal_status(error: &RequestError) -> StatusCode {
    match error.kind() {
        RequestErrorKind::Method { .. } => StatusCode::METHOD_NOT_ALLOWED,
        RequestErrorKind::ContentType(_) | RequestErrorKind::Charset(_) => {
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        }
        RequestErrorKind::BodyTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        _ => StatusCode::BAD_REQUEST,
    }
}

/// `GET`/`POST /AGUI/make_call.php`, read by the library as 8x8 would
/// read it (strictly: a malformed request is refused with the finding,
/// placed in the query or the body).
async fn make_call(State(app): State<Shared>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    // One byte over the library's limit, so that it says the body is too large.
    let Ok(body) = axum::body::to_bytes(body, MAX_BODY_LEN + 1).await else {
        return error(StatusCode::PAYLOAD_TOO_LARGE, "the body is too large");
    };
    let request = http::Request::from_parts(parts, body);
    let parsed = match ClickToDialRequest::from_http(&request) {
        Ok(parsed) => parsed,
        Err(e) => {
            let finding = placed_json(&from_request_error(&e, &|s| s), e.in_body());
            tracing::info!(error = %e, "make_call.php refused");
            return (
                refusal_status(&e),
                Json(json!({"error": e.to_string(), "findings": [finding]})),
            )
                .into_response();
        }
    };
    // Lints are placed in the text `ctl_userdata` came from: the body's
    // wins over the query's.
    let query = request.uri().query().unwrap_or_default();
    let form = std::str::from_utf8(request.body()).unwrap_or_default();
    let form_map = LinkMap::new(form);
    let (map, in_body) = match form_map.param("ctl_userdata") {
        Some(_) if request.method() == http::Method::POST => (form_map, true),
        _ => (LinkMap::new(query), false),
    };
    let lints: Vec<Value> = parsed
        .lint()
        .into_iter()
        .map(|l| {
            let span = l.span().and_then(|s| map.map("ctl_userdata", s));
            let finding = Finding::new(
                kebab_kind(&format!("{:?}", l.kind)),
                Severity::Warning,
                l.message,
            )
            .at(span);
            placed_json(&finding, in_body)
        })
        .collect();
    let mut answer = place(&app, parsed);
    answer["findings"] = Value::Array(lints);
    Json(answer).into_response()
}

/// Starts the simulated call; the JSON answer.
fn place(app: &Shared, request: ClickToDialRequest) -> Value {
    let n = app.calls.fetch_add(1, Ordering::Relaxed) + 1;
    let started = Utc::now();
    let guid = format!("sim-{:x}-{n}", started.timestamp_millis());
    let transaction_id = (10_000_000 + n).to_string();
    let data = request.userdata.clone().unwrap_or_default();
    let plan = ActionPlan::new(&data);
    tracing::info!(call = %guid, dial = %request.dial_string(), seconds = app.args.call_seconds, "call placed");
    let answer = json!({
        "interactionGuid": guid,
        "transactionId": transaction_id,
        "dialString": request.dial_string(),
        "plan": crate::model::plan_json(&plan),
        "callSeconds": app.args.call_seconds,
    });
    let app = app.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(app.args.call_seconds)).await;
        finish_call(&app, &request, plan, data, guid, transaction_id, started).await;
    });
    answer
}

async fn finish_call(
    app: &App,
    request: &ClickToDialRequest,
    plan: ActionPlan,
    data: UserData<'static>,
    guid: String,
    transaction_id: String,
    started: chrono::DateTime<Utc>,
) {
    let ctx = CallContext {
        caller_id: crate::simulate::caller_id(request),
        transaction_id,
        interaction_guid: guid.clone(),
        answered_at: Some(started),
        hangup_at: Some(started + TimeDelta::seconds(app.args.call_seconds as i64)),
        transaction_codes: crate::simulate::default_codes(),
        notes: crate::simulate::DEFAULT_NOTES.to_owned(),
        ..CallContext::new(Utc::now(), chrono_tz::America::Los_Angeles)
    };
    tracing::info!(call = %guid, "call ended");
    let expanded = match data.try_expand(&ctx) {
        Ok(expanded) => expanded,
        Err(e) => {
            tracing::warn!(call = %guid, error = %e, "the data cannot be expanded");
            return;
        }
    };
    let outcome = match plan.sfdc_create(&expanded) {
        None => CreateOutcome::NotRun,
        Some(create) => match &app.args.sfdc_url {
            None => {
                CreateOutcome::Created(format!("00Tsim{:012}", app.calls.load(Ordering::Relaxed)))
            }
            Some(instance) => {
                let token = app.args.sfdc_token.as_deref().unwrap_or_default();
                match create.to_http(instance, SFDC_API_VERSION, token) {
                    Err(e) => CreateOutcome::Failed(e.to_string()),
                    Ok(http) => match app.outbound.send(Delivery::SfdcCreate, http).await {
                        Ok((status, body)) => CreateOutcome::from_sfdc_response(status, &body),
                        Err(e) => CreateOutcome::Failed(format!("Salesforce not reached: {e}")),
                    },
                }
            }
        },
    };
    let done = plan.finish(expanded, outcome);
    if let (Some(_), Some(url)) = (&plan.screenpop, &app.args.screenpop_url) {
        let pop = simulated_screenpop(&done.ctl_userdata);
        let _ = app
            .outbound
            .send(Delivery::Screenpop, pop.to_http(url))
            .await;
    }
    let policy = CallbackPolicy {
        allow_private_hosts: app.args.allow_private_callbacks,
        ..CallbackPolicy::default()
    };
    match plan.callback(&ctx, &policy) {
        None => {}
        Some(Err(e)) => tracing::warn!(call = %guid, error = %e, "callback refused"),
        Some(Ok(url)) => {
            let _ = app
                .outbound
                .send(Delivery::Callback, done.to_http(&url))
                .await;
        }
    }
    tracing::info!(call = %guid, result = done.result_code.as_str(), "call done");
}

/// 8x8's "Place Call For Agent" body.
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct PlaceCallBody {
    #[serde(default)]
    agent_id: String,
    #[serde(default)]
    prefix: String,
    number: String,
    #[serde(default)]
    caller_id: String,
    #[serde(default)]
    queue_id: Option<Id>,
    #[serde(default)]
    dialplan_id: Option<Id>,
    /// Kept; the simulator's agent is never busy, so it changes nothing.
    #[serde(default)]
    force_call: bool,
    #[serde(default)]
    ext_transaction_data: Vec<NameValue>,
    #[serde(default)]
    ctl_user_data: Vec<NameValue>,
}

/// An id sent as a JSON string (`"598"`, as 8x8 does) or number.
#[derive(Debug, serde::Deserialize)]
#[serde(untagged)]
enum Id {
    Text(String),
    Number(u64),
}

#[derive(Debug, serde::Deserialize)]
struct NameValue {
    name: String,
    value: String,
}

fn vendor_error(status: StatusCode, message: &str, reason: String) -> Response {
    (
        status,
        Json(json!({"message": message, "reasons": [reason]})),
    )
        .into_response()
}

fn authorized(app: &App, headers: &HeaderMap) -> bool {
    let (Some(user), Some(token)) = (&app.args.tenant_user, &app.args.tenant_token) else {
        return true;
    };
    let Some(given) = headers
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Basic "))
        .and_then(|b| {
            base64::engine::general_purpose::STANDARD
                .decode(b.trim())
                .ok()
        })
    else {
        return false;
    };
    let expected = format!("{user}:{token}");
    // Length and bytes compared without an early exit.
    given.len() == expected.len()
        && given
            .iter()
            .zip(expected.as_bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

fn id(parameter: &str, id: Option<Id>) -> Result<Option<u64>, String> {
    match id {
        None => Ok(None),
        Some(Id::Number(n)) => Ok(Some(n)),
        Some(Id::Text(t)) if t.is_empty() => Ok(None),
        Some(Id::Text(t)) => t
            .parse()
            .map(Some)
            .map_err(|_| format!("`{parameter}` must be digits")),
    }
}

/// The vendor's JSON body as the library's [`PlaceCall`].
fn place_call_of(body: PlaceCallBody) -> Result<PlaceCall, String> {
    let pairs = |list: Vec<NameValue>| list.into_iter().map(|p| (p.name, p.value)).collect();
    Ok(PlaceCall {
        agent_id: body.agent_id,
        prefix: body.prefix,
        number: body.number,
        caller_id: body.caller_id,
        queue_id: id("queueId", body.queue_id)?,
        dialplan_id: id("dialplanId", body.dialplan_id)?,
        force_call: body.force_call,
        ext_transaction_data: pairs(body.ext_transaction_data),
        ctl_user_data: pairs(body.ctl_user_data),
    })
}

/// The click-to-dial request a [`PlaceCall`] is the JSON form of (the
/// inverse of [`PlaceCall::from_request`]), validated as a link would be.
fn request_of(call: &PlaceCall) -> Result<ClickToDialRequest, String> {
    let mut req = ClickToDialRequest::new(call.number.clone());
    req.prefix = Some(call.prefix.clone()).filter(|p| !p.is_empty());
    req.caller_id = Some(call.caller_id.clone()).filter(|c| !c.is_empty());
    req.queue_id = call.queue_id;
    req.dialplan_id = call.dialplan_id;
    req.validate().map_err(|e| e.to_string())?;
    let data = |field: &str, pairs: &[(String, String)]| {
        let mut data = UserData::new();
        for (name, value) in pairs {
            data.push(name.clone(), value.clone())
                .map_err(|e| format!("{field}: {e}"))?;
        }
        Ok::<_, String>((!data.is_empty()).then_some(data))
    };
    req.userdata = data("ctlUserData", &call.ctl_user_data)?;
    req.ext_transaction_data =
        data("extTransactionData", &call.ext_transaction_data)?.map(ExtTransactionData::from);
    Ok(req)
}

async fn place_call(
    State(app): State<Shared>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !authorized(&app, &headers) {
        tracing::warn!(%tenant, "call API: Basic auth refused");
        return vendor_error(
            StatusCode::UNAUTHORIZED,
            "Unauthorized",
            "Basic auth with the tenant user and action request token is required".into(),
        );
    }
    let body: PlaceCallBody = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => return vendor_error(StatusCode::BAD_REQUEST, "Bad Request", e.to_string()),
    };
    match place_call_of(body).and_then(|call| Ok((request_of(&call)?, call.agent_id))) {
        Ok((request, agent)) => {
            let mut answer = place(&app, request);
            answer["tenant"] = json!(tenant);
            answer["agentId"] = json!(agent);
            Json(answer).into_response()
        }
        Err(e) => vendor_error(StatusCode::BAD_REQUEST, "Bad Request", e),
    }
}

/// A stand-in for Salesforce's sObject create: 201 with a new id (the
/// bearer token checked when `--sfdc-token` is given).
async fn mock_sfdc_create(
    State(app): State<Shared>,
    Path((_version, sobject)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(token) = &app.args.sfdc_token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|h| h.to_str().ok())
            .and_then(|h| h.strip_prefix("Bearer "));
        if given != Some(token.as_str()) {
            return (
                StatusCode::UNAUTHORIZED,
                Json(json!([{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}])),
            )
                .into_response();
        }
    }
    if serde_json::from_slice::<serde_json::Map<String, Value>>(&body).is_err() {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!([{"message": "the body is not a JSON object", "errorCode": "JSON_PARSER_ERROR"}])),
        )
            .into_response();
    }
    let n = app.calls.load(Ordering::Relaxed);
    tracing::info!(%sobject, "mock Salesforce: record created");
    (
        StatusCode::CREATED,
        Json(json!({"id": format!("00Tmock{n:011}"), "success": true, "errors": []})),
    )
        .into_response()
}

#[derive(Debug, serde::Deserialize)]
struct LinkBody {
    link: String,
}

async fn api_lint(Json(body): Json<LinkBody>) -> Json<Value> {
    Json(check(&body.link).to_json())
}

async fn api_explain(Json(body): Json<LinkBody>) -> Json<Value> {
    Json(crate::explain::explain_json(&check(&body.link)))
}

#[derive(Debug, serde::Deserialize)]
struct SimulateBody {
    #[serde(default)]
    link: Option<String>,
    #[serde(flatten)]
    call: CallArgs,
}

async fn api_simulate(Json(body): Json<SimulateBody>) -> Response {
    let c = check(body.link.as_deref().unwrap_or(crate::simulate::EXAMPLE_1));
    let Some(req) = &c.request else {
        return (StatusCode::UNPROCESSABLE_ENTITY, Json(c.to_json())).into_response();
    };
    match body
        .call
        .context(req)
        .and_then(|ctx| crate::simulate::simulate(req, &ctx, body.call.outcome()))
    {
        Ok(sim) => Json(sim).into_response(),
        Err(e) => error(StatusCode::BAD_REQUEST, e),
    }
}

#[derive(Debug, serde::Deserialize)]
struct FillBody {
    template: String,
    #[serde(default)]
    fields: serde_json::Map<String, Value>,
}

async fn api_fill(Json(body): Json<FillBody>) -> Response {
    let mut fields = Vec::new();
    for (name, value) in body.fields {
        match value {
            Value::String(s) => fields.push((name, s)),
            _ => {
                return error(
                    StatusCode::BAD_REQUEST,
                    format!("field `{name}`: a string value"),
                )
            }
        }
    }
    Json(crate::build::fill_json(&body.template, &fields)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_hosts() {
        assert!(own_host("127.0.0.1:8088", 8088));
        assert!(own_host("localhost:8088", 8088));
        assert!(own_host("[::1]:8088", 8088));
        assert!(!own_host("127.0.0.1:8089", 8088));
        assert!(!own_host("evil.example.com:8088", 8088));
        assert!(!own_host("127.0.0.1", 8088));
    }

    #[test]
    fn place_call_bodies() {
        let body: PlaceCallBody = serde_json::from_str(
            r#"{"agentId":"a1","prefix":"1","number":"6502022222","callerId":"","queueId":"598",
                "forceCall":false,"extTransactionData":[{"name":"extRecordId","value":"001"}],
                "ctlUserData":[{"name":"ctl_callbackUrl","value":"https://crm.example.com/cb"}]}"#,
        )
        .unwrap();
        let call = place_call_of(body).unwrap();
        let req = request_of(&call).unwrap();
        assert_eq!(req.dial_string(), "16502022222");
        assert_eq!(req.queue_id, Some(598));
        assert_eq!(
            req.ext_transaction_data.as_ref().unwrap().record_id(),
            Some("001")
        );
        assert_eq!(
            req.userdata
                .as_ref()
                .unwrap()
                .system()
                .callback_url
                .as_deref(),
            Some("https://crm.example.com/cb")
        );
        // The library's own JSON form of the request is the body read.
        assert_eq!(PlaceCall::from_request(&req, "a1"), call);
        let bad: PlaceCallBody =
            serde_json::from_str(r#"{"number":"call me","queueId":"x"}"#).unwrap();
        assert!(place_call_of(bad).is_err());
        let bad: PlaceCallBody = serde_json::from_str(r#"{"number":"call me"}"#).unwrap();
        assert!(request_of(&place_call_of(bad).unwrap()).is_err());
    }

    #[test]
    fn the_vendors_example_body_reads_and_writes_back() {
        let text = include_str!("../../tests/data/8x8/place_call_request.json");
        let call = place_call_of(serde_json::from_str(text).unwrap()).unwrap();
        let written: Value = serde_json::from_str(&call.to_json()).unwrap();
        assert_eq!(written, serde_json::from_str::<Value>(text).unwrap());
        assert!(request_of(&call).is_ok());
    }
}
