//! `clicktodial receive [--listen ADDR] [--verify-secret SECRET]`: the CRM
//! side. Accepts callback POSTs (on any path) and prints each as one JSON
//! line; a malformed one is answered 400 with the error. A browser page of
//! another site cannot post one (the guard's cross-site rule, as
//! `serve`'s).
//!
//! With `--verify-secret`, every request must carry a valid Standard
//! Webhooks signature by one of the secrets (repeat the flag while a secret
//! is rotated): one that does not is answered 401, and the log says why
//! (the error's code). A callback whose `webhook-id` was already processed
//! is answered 200 (so its sender stops), logged as a duplicate and not
//! printed again: a retry or a resend is processed once. Without the flag
//! the id, when present, is trusted as it comes. The last 100,000 ids are
//! remembered, in memory.

use anyhow::Context as _;
use std::collections::{HashSet, VecDeque};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::StatusCode;
use axum::{middleware, Router};
use clicktodial::redact::sanitize;
use clicktodial::signing::{Verifier, WebhookId, WebhookSecret};
use clicktodial::{Callback, RequestErrorKind, MAX_BODY_LEN};

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// Where to listen.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8089")]
    pub listen: SocketAddr,
    /// Accept only callbacks signed (Standard Webhooks v1) with this
    /// `whsec_` secret; repeat for several (rotation). Better from the
    /// environment (comma-separated there).
    #[arg(
        long,
        value_name = "SECRET",
        env = "CLICKTODIAL_VERIFY_SECRET",
        hide_env_values = true,
        value_delimiter = ','
    )]
    pub verify_secret: Vec<String>,
}

/// How many webhook ids are remembered.
const REMEMBERED: usize = 100_000;

struct Receiver {
    verifier: Option<Verifier>,
    seen: Mutex<(HashSet<String>, VecDeque<String>)>,
}

impl Receiver {
    /// Whether `id` is new (and from now on, seen).
    fn first_time(&self, id: &str) -> bool {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let (set, order) = &mut *seen;
        if set.contains(id) {
            return false;
        }
        if order.len() == REMEMBERED {
            if let Some(old) = order.pop_front() {
                set.remove(&old);
            }
        }
        set.insert(id.to_owned());
        order.push_back(id.to_owned());
        true
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut verifier: Option<Verifier> = None;
    for text in &args.verify_secret {
        let secret = WebhookSecret::parse(text).context("--verify-secret")?;
        verifier = Some(match verifier {
            None => Verifier::new(secret),
            Some(v) => v.with_secret(secret),
        });
    }
    let state = Arc::new(Receiver {
        verifier,
        seen: Mutex::new((HashSet::new(), VecDeque::new())),
    });
    crate::server::listen_until_stopped(args.listen, 1, |local| {
        Ok(Router::new()
            .fallback(receive)
            .with_state(state)
            .layer(middleware::from_fn_with_state(
                local,
                crate::server::guard::not_cross_site,
            ))
            // The library reads no more than this; neither does the server.
            .layer(DefaultBodyLimit::max(MAX_BODY_LEN)))
    })
}

/// The JSON line for one callback.
pub fn callback_json(callback: &clicktodial::Callback) -> serde_json::Value {
    serde_json::to_value(clicktodial_report::ReceivedCallback::from(callback)).unwrap_or_default()
}

async fn receive(State(state): State<Arc<Receiver>>, request: Request) -> (StatusCode, String) {
    let (parts, body) = request.into_parts();
    let body = match crate::server::read_body(body, MAX_BODY_LEN + 1).await {
        Ok(body) => body,
        Err(e) => return (e.status(), format!("{}\n", e.message())),
    };
    let request = http::Request::from_parts(parts, body);
    // The path and query through the redactor: a webhook's token in the
    // path, a secret in the query are not logged.
    let target = request.uri().path_and_query().map_or("/", |p| p.as_str());
    let shown = clicktodial::redact::url(&format!("http://receiver{target}"));
    let path = sanitize(shown.strip_prefix("http://receiver").unwrap_or(&shown)).to_string();
    let webhook_id = match &state.verifier {
        Some(verifier) => match verifier.verify_request(&request, chrono::Utc::now()) {
            Ok(id) => Some(id),
            Err(e) => {
                tracing::warn!(path, reason = e.code(), "signature refused");
                return (StatusCode::UNAUTHORIZED, format!("signature: {e}\n"));
            }
        },
        None => request
            .headers()
            .get(clicktodial::signing::HEADER_ID)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| WebhookId::new(v).ok()),
    };
    match Callback::from_http(&request) {
        Ok(callback) => {
            if let Some(id) = &webhook_id {
                if !state.first_time(id.as_str()) {
                    tracing::info!(path, webhook_id = %id, "duplicate: already processed");
                    return (StatusCode::OK, "duplicate\n".into());
                }
            }
            tracing::info!(
                path,
                webhook_id = webhook_id.as_ref().map(|id| id.as_str()),
                result = callback.result_code.as_str(),
                "callback received"
            );
            let mut line = callback_json(&callback);
            line["webhookId"] =
                webhook_id.map_or(serde_json::Value::Null, |id| id.to_string().into());
            crate::output::print_json(&line);
            (StatusCode::OK, "OK\n".into())
        }
        Err(e) => {
            tracing::warn!(path, error = e.kind().code(), "malformed callback");
            let status = match e.kind() {
                RequestErrorKind::Method { .. } => StatusCode::METHOD_NOT_ALLOWED,
                RequestErrorKind::ContentType(_) | RequestErrorKind::Charset(_) => {
                    StatusCode::UNSUPPORTED_MEDIA_TYPE
                }
                RequestErrorKind::BodyTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
                _ => StatusCode::BAD_REQUEST,
            };
            (status, format!("{e}\n"))
        }
    }
}
