//! The page's JSON under `/api/`: `lint`, `explain`, `simulate` and `fill`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::Value;

use super::error;
use crate::check::check;
use crate::simulate::CallArgs;

#[derive(Debug, serde::Deserialize)]
pub(super) struct LinkBody {
    link: String,
}

pub(super) async fn api_lint(Json(body): Json<LinkBody>) -> Json<Value> {
    Json(check(&body.link).to_json())
}

pub(super) async fn api_explain(Json(body): Json<LinkBody>) -> Json<Value> {
    Json(crate::explain::explain_json(&check(&body.link)))
}

#[derive(Debug, serde::Deserialize)]
pub(super) struct SimulateBody {
    #[serde(default)]
    link: Option<String>,
    #[serde(flatten)]
    call: CallArgs,
}

pub(super) async fn api_simulate(Json(body): Json<SimulateBody>) -> Response {
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
pub(super) struct FillBody {
    template: String,
    #[serde(default)]
    fields: serde_json::Map<String, Value>,
}

pub(super) async fn api_fill(Json(body): Json<FillBody>) -> Response {
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
