//! A stand-in for Salesforce's sObject create, so that `--sfdc-url` can
//! point at a simulator.

use std::sync::atomic::Ordering;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use clicktodial::redact::sanitize;
use serde_json::{json, Value};

use super::Shared;

/// A stand-in for Salesforce's sObject create: 201 with a new id (the
/// bearer token checked when `--sfdc-token` is given; any token is taken
/// otherwise).
pub(super) async fn mock_sfdc_create(
    State(app): State<Shared>,
    Path((_version, sobject)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(token) = &app.args.sfdc_token {
        use headers::authorization::{Authorization, Bearer};
        use headers::HeaderMapExt as _;
        use subtle::ConstantTimeEq as _;
        let given = headers.typed_get::<Authorization<Bearer>>();
        let same = given.is_some_and(|g| bool::from(g.token().as_bytes().ct_eq(token.as_bytes())));
        if !same {
            tracing::warn!(sobject = %sanitize(&sobject), "mock Salesforce: bearer token refused");
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
    tracing::info!(sobject = %sanitize(&sobject), "mock Salesforce: record created");
    (
        StatusCode::CREATED,
        Json(json!({"id": format!("00Tmock{n:011}"), "success": true, "errors": []})),
    )
        .into_response()
}
