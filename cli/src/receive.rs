//! `clicktodial receive [--listen ADDR]`: the CRM side. Accepts callback
//! POSTs (on any path) and prints each as one JSON line; a malformed one is
//! answered 400 with the error.

use std::net::SocketAddr;
use std::process::ExitCode;

use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::Router;
use serde_json::json;

use crate::edge::callback_from_http;
use crate::model::pairs;

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// Where to listen.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8089")]
    pub listen: SocketAddr,
}

pub fn run(args: Args) -> Result<ExitCode, String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
        let local = listener.local_addr().map_err(|e| e.to_string())?;
        let stop = crate::serve::shutdown();
        crate::output::print(&format!("http://{local}\n"));
        let app = Router::new()
            .fallback(receive)
            .layer(DefaultBodyLimit::max(1024 * 1024));
        axum::serve(listener, app)
            .with_graceful_shutdown(stop)
            .await
            .map_err(|e| format!("server: {e}"))?;
        Ok(ExitCode::SUCCESS)
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

async fn receive(
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    if method != Method::POST {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            "a callback is a POST\n".into(),
        );
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|c| c.to_str().ok());
    match callback_from_http(content_type, &body) {
        Ok(callback) => {
            tracing::info!(
                path = uri.path(),
                result = callback.result_code.as_str(),
                "callback received"
            );
            crate::output::print_json(&callback_json(&callback));
            (StatusCode::OK, "OK\n".into())
        }
        Err(e) => {
            tracing::warn!(path = uri.path(), error = %e, "malformed callback");
            (StatusCode::BAD_REQUEST, format!("{e}\n"))
        }
    }
}
