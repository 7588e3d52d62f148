//! The page's JSON under `/api/`: `lint`, `explain`, `simulate` and `fill`,
//! each the report the command prints with `--format json`
//! (`clicktodial_report`).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use clicktodial::{check, ReadAs};
use clicktodial_report::{simulate, CallSettings, ExplainReport, FillReport, LintReport};
use serde_json::Value;

use super::error;

/// `{"link": …, "as": "auto" | "link" | "template"}`.
#[derive(Debug, serde::Deserialize)]
pub(super) struct LinkBody {
    link: String,
    /// How to read the text (the page's control); detected when absent.
    #[serde(default, rename = "as")]
    read_as: Option<String>,
}

impl LinkBody {
    fn read_as(&self) -> Result<ReadAs, Box<Response>> {
        match self.read_as.as_deref() {
            None | Some("auto") => Ok(ReadAs::Auto),
            Some("link") => Ok(ReadAs::Link),
            Some("template") => Ok(ReadAs::Template),
            Some(_) => Err(Box::new(error(
                StatusCode::BAD_REQUEST,
                "`as`: one of auto, link, template",
            ))),
        }
    }
}

pub(super) async fn api_lint(Json(body): Json<LinkBody>) -> Response {
    match body.read_as() {
        Ok(read_as) => Json(LintReport::new(&body.link, read_as)).into_response(),
        Err(refused) => *refused,
    }
}

pub(super) async fn api_explain(Json(body): Json<LinkBody>) -> Response {
    match body.read_as() {
        Ok(read_as) => Json(ExplainReport::new(&body.link, read_as)).into_response(),
        Err(refused) => *refused,
    }
}

#[derive(Debug, serde::Deserialize)]
pub(super) struct SimulateBody {
    #[serde(default)]
    link: Option<String>,
    #[serde(flatten)]
    call: CallSettings,
}

pub(super) async fn api_simulate(Json(body): Json<SimulateBody>) -> Response {
    let c = check(
        body.link.as_deref().unwrap_or(crate::output::EXAMPLE_1),
        ReadAs::Link,
    );
    let Some(req) = c.link().and_then(|l| l.accepted()) else {
        return (StatusCode::UNPROCESSABLE_ENTITY, Json(LintReport::of(&c))).into_response();
    };
    match body
        .call
        .context(req, Utc::now())
        .and_then(|ctx| simulate(req, &ctx, body.call.outcome()))
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
    Json(FillReport::new(&body.template, &fields)).into_response()
}
