//! `clicktodial receive [--listen ADDR]`: the CRM side. Accepts callback
//! POSTs (on any path) and prints each as one JSON line; a malformed one is
//! answered 400 with the error. A browser page of another site cannot post
//! one (the guard's cross-site rule, as `serve`'s).

use std::net::SocketAddr;
use std::process::ExitCode;

use axum::extract::{DefaultBodyLimit, Request};
use axum::http::StatusCode;
use axum::{middleware, Router};
use clicktodial::redact::sanitize;
use clicktodial::{Callback, RequestErrorKind, MAX_BODY_LEN};
use serde_json::json;

use crate::model::pairs;

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// Where to listen.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8089")]
    pub listen: SocketAddr,
}

pub fn run(args: Args) -> Result<ExitCode, String> {
    crate::serve::listen_until_stopped(args.listen, 1, |local| {
        Ok(Router::new()
            .fallback(receive)
            .layer(middleware::from_fn_with_state(
                local,
                crate::serve::guard::not_cross_site,
            ))
            // The library reads no more than this; neither does the server.
            .layer(DefaultBodyLimit::max(MAX_BODY_LEN)))
    })
}

/// The JSON line for one callback.
pub fn callback_json(callback: &clicktodial::Callback) -> serde_json::Value {
    json!({
        "ctl_userdata": pairs(callback.ctl_userdata.iter()),
        "resultCode": callback.result_code.as_str(),
        "errorString": callback.error_string,
        "new_record_id": callback.new_record_id(),
    })
}

async fn receive(request: Request) -> (StatusCode, String) {
    let (parts, body) = request.into_parts();
    let body = match crate::serve::read_body(body, MAX_BODY_LEN + 1).await {
        Ok(body) => body,
        Err(e) => return (e.status(), format!("{}\n", e.message())),
    };
    let request = http::Request::from_parts(parts, body);
    // The path and query through the redactor: a webhook's token in the
    // path, a secret in the query are not logged.
    let target = request.uri().path_and_query().map_or("/", |p| p.as_str());
    let shown = clicktodial::redact::url(&format!("http://receiver{target}"));
    let path = sanitize(shown.strip_prefix("http://receiver").unwrap_or(&shown)).to_string();
    match Callback::from_http(&request) {
        Ok(callback) => {
            tracing::info!(
                path,
                result = callback.result_code.as_str(),
                "callback received"
            );
            crate::output::print_json(&callback_json(&callback));
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
