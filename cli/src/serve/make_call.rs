//! `GET`/`POST /AGUI/make_call.php`: the link read as 8x8 reads it.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use clicktodial::{
    ClickToDialRequest, Finding, LinkMap, RequestError, RequestErrorKind, MAX_BODY_LEN,
};
use clicktodial_report::FindingReport;
use serde_json::{json, Value};

use super::call::place;
use super::{error, Shared};
use crate::server::read_body;

/// A finding placed at `span` of the request's `query` or its POST `body`.
fn placed(finding: &Finding, span: Option<std::ops::Range<usize>>, in_body: bool) -> Value {
    let mut report = FindingReport::from(finding);
    report.span = span.map(|s| [s.start, s.end]);
    report.in_text = Some(if in_body { "body" } else { "query" }.to_owned());
    (report.line, report.column) = (None, None);
    serde_json::to_value(report).unwrap_or_default()
}

/// What was wrong and where (`at query bytes 14..15`), without an excerpt
/// of the link: the findings say the rest.
fn unquoted(e: &RequestError) -> String {
    let mut out = e.kind().to_string();
    if let Some(span) = e.span() {
        let text = if e.in_body() { "body" } else { "query" };
        out.push_str(&format!(" (at {text} bytes {}..{})", span.start, span.end));
    }
    out
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
pub(super) async fn make_call(State(app): State<Shared>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    // One byte over the library's limit, so that it says the body is too large.
    let body = match read_body(body, MAX_BODY_LEN + 1).await {
        Ok(body) => body,
        Err(e) => return error(e.status(), e.message()),
    };
    let request = http::Request::from_parts(parts, body);
    let parsed = match ClickToDialRequest::from_http(&request) {
        Ok(parsed) => parsed,
        Err(e) => {
            let finding = placed(&Finding::from(&e), e.span(), e.in_body());
            // Named and placed, never quoted: the link may hold secrets.
            tracing::info!(
                error = e.kind().code(),
                parameter = e.parameter().unwrap_or_default(),
                span = ?e.span(),
                r#in = if e.in_body() { "body" } else { "query" },
                "make_call.php refused"
            );
            return (
                refusal_status(&e),
                Json(json!({"error": unquoted(&e), "findings": [finding]})),
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
            placed(&Finding::from(&l), span, in_body)
        })
        .collect();
    match place(&app, request.headers(), parsed) {
        Ok(mut answer) => {
            answer["findings"] = Value::Array(lints);
            Json(answer).into_response()
        }
        Err(refused) => *refused,
    }
}
