//! A call: placed (the JSON answer at once), then, when it ends, its data
//! sent for real: the Salesforce create, the screenpop and the callback.

use std::sync::atomic::Ordering;
use std::time::Duration;

use chrono::{TimeDelta, Utc};
use clicktodial::{
    ActionPlan, CallContext, CallbackPolicy, ClickToDialRequest, CreateOutcome, UserData,
};
use serde_json::{json, Value};

use super::{App, Shared};
use crate::outbound::Delivery;
use crate::simulate::{simulated_screenpop, SFDC_API_VERSION};

/// Starts the simulated call; the JSON answer.
pub(super) fn place(app: &Shared, request: ClickToDialRequest) -> Value {
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
