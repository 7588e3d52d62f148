//! 8x8's JSON call API: `POST /api/v1/tenants/{tenant}/calls` ("Place Call
//! For Agent"), with the tenant's Basic auth when configured.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use clicktodial::redact::sanitize;
use clicktodial::{ClickToDialRequest, ExtTransactionData, PlaceCall, UserData};
use serde_json::json;

use super::call::place;
use super::{App, Shared};

fn vendor_error(status: StatusCode, message: &str, reason: String) -> Response {
    (
        status,
        Json(json!({"message": message, "reasons": [reason]})),
    )
        .into_response()
}

/// Whether `headers` carry the configured tenant user and token as Basic
/// auth (the scheme read case-insensitively, RFC 9110 §11.1, by the
/// `headers` crate); compared in constant time (`subtle`).
fn authorized(app: &App, headers: &HeaderMap) -> bool {
    use headers::authorization::{Authorization, Basic};
    use headers::HeaderMapExt as _;
    use subtle::ConstantTimeEq as _;

    let (Some(user), Some(token)) = (&app.args.tenant_user, &app.args.tenant_token) else {
        return true;
    };
    let Some(given) = headers.typed_get::<Authorization<Basic>>() else {
        return false;
    };
    let same_user = given.username().as_bytes().ct_eq(user.as_bytes());
    let same_token = given.password().as_bytes().ct_eq(token.as_bytes());
    (same_user & same_token).into()
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

pub(super) async fn place_call(
    State(app): State<Shared>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !authorized(&app, &headers) {
        tracing::warn!(tenant = %sanitize(&tenant), "call API: Basic auth refused");
        return vendor_error(
            StatusCode::UNAUTHORIZED,
            "Unauthorized",
            "Basic auth with the tenant user and action request token is required".into(),
        );
    }
    // The library's `PlaceCall` reads 8x8's body (its serde is the wire JSON).
    let call: PlaceCall = match serde_json::from_slice(&body) {
        Ok(call) => call,
        Err(e) => return vendor_error(StatusCode::BAD_REQUEST, "Bad Request", e.to_string()),
    };
    match request_of(&call).map(|request| (request, call.agent_id)) {
        Ok((request, agent)) => match place(&app, &headers, request) {
            Ok(mut answer) => {
                answer["tenant"] = json!(tenant);
                answer["agentId"] = json!(agent);
                Json(answer).into_response()
            }
            Err(refused) => *refused,
        },
        Err(e) => vendor_error(StatusCode::BAD_REQUEST, "Bad Request", e),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    #[test]
    fn place_call_bodies() {
        let call: PlaceCall = serde_json::from_str(
            r#"{"agentId":"a1","prefix":"1","number":"6502022222","callerId":"","queueId":"598",
                "forceCall":false,"extTransactionData":[{"name":"extRecordId","value":"001"}],
                "ctlUserData":[{"name":"ctl_callbackUrl","value":"https://crm.example.com/cb"}]}"#,
        )
        .unwrap();
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
        let bad = serde_json::from_str::<PlaceCall>(r#"{"number":"call me","queueId":"x"}"#);
        assert!(bad.is_err());
        let bad: PlaceCall = serde_json::from_str(r#"{"number":"call me"}"#).unwrap();
        assert!(request_of(&bad).is_err());
    }

    #[test]
    fn the_vendors_example_body_reads_and_writes_back() {
        let text = include_str!("../../../tests/data/8x8/place_call_request.json");
        let call: PlaceCall = serde_json::from_str(text).unwrap();
        let written: Value = serde_json::from_str(&call.to_json()).unwrap();
        assert_eq!(written, serde_json::from_str::<Value>(text).unwrap());
        assert!(request_of(&call).is_ok());
    }
}
