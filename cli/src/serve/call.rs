//! A call: placed (the JSON answer at once), then, when it ends, its data
//! sent for real: the Salesforce create, the screenpop and the callback.
//!
//! No call is placed for a request another simulator sent (it carries
//! [`SIMULATOR_HEADER`]: a call loop), nor beyond the rate limit
//! (`--max-calls-per-minute`).

use std::sync::atomic::Ordering;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use chrono::{TimeDelta, Utc};
use clicktodial::redact::sanitize;
use clicktodial::{
    ActionPlan, CallContext, CallbackPolicy, ClickToDialRequest, CreateOutcome, UserData,
};
use serde_json::{json, Value};

use super::{error, App, Shared};
use crate::outbound::SIMULATOR_HEADER;
use clicktodial_delivery::{CallDeliveries, ScreenpopTarget};
use clicktodial_report::{
    caller_id, default_codes, simulated_screenpop, CallbackRefusal, PlanReport, DEFAULT_NOTES,
    SFDC_API_VERSION,
};

/// A token bucket: up to `per_minute` calls at once, refilled at
/// `per_minute` a minute.
#[derive(Debug)]
pub(super) struct RateLimit {
    per_minute: f64,
    bucket: Mutex<(f64, Instant)>,
}

impl RateLimit {
    pub(super) fn per_minute(n: u32) -> Self {
        let n = f64::from(n.max(1));
        RateLimit {
            per_minute: n,
            bucket: Mutex::new((n, Instant::now())),
        }
    }

    /// Takes one call from the bucket; else the seconds until one is there.
    fn take(&self) -> Result<(), u64> {
        let mut bucket = self.bucket.lock().unwrap_or_else(|e| e.into_inner());
        let (tokens, last) = &mut *bucket;
        let now = Instant::now();
        *tokens = (*tokens + now.duration_since(*last).as_secs_f64() * self.per_minute / 60.0)
            .min(self.per_minute);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) * 60.0 / self.per_minute).ceil() as u64)
        }
    }
}

/// Starts the simulated call; the JSON answer. Refused (no call) for a
/// request from a simulator (508) or over the rate limit (429).
pub(super) fn place(
    app: &Shared,
    headers: &HeaderMap,
    request: ClickToDialRequest,
) -> Result<Value, Box<Response>> {
    if headers.contains_key(SIMULATOR_HEADER) {
        tracing::warn!(
            "refused: the request comes from a simulator, so it places no call (a call loop)"
        );
        return Err(Box::new(error(
            StatusCode::LOOP_DETECTED,
            "a request sent by a clicktodial simulator places no call (a call loop)",
        )));
    }
    if let Err(wait) = app.limit.take() {
        tracing::warn!(
            limit = app.args.max_calls_per_minute,
            "refused: over the rate limit of calls a minute (--max-calls-per-minute)"
        );
        let mut answer = error(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "more than {} calls a minute (--max-calls-per-minute): try again in {wait} s",
                app.args.max_calls_per_minute
            ),
        );
        answer
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(wait.max(1)));
        return Err(Box::new(answer));
    }
    let n = app.calls.fetch_add(1, Ordering::Relaxed) + 1;
    let started = Utc::now();
    let guid = format!("sim-{:x}-{n}", started.timestamp_millis());
    // Unique across processes and restarts (the webhook ids derive from
    // it): seconds, the process id, the call's number.
    let transaction_id = format!("{}{:07}{n}", started.timestamp(), std::process::id());
    let data = request.userdata.clone().unwrap_or_default();
    let plan = ActionPlan::new(&data);
    tracing::info!(
        call = %guid,
        dial = %sanitize(&request.dial_string()),
        seconds = app.args.call_seconds,
        "call placed"
    );
    // Whether the callback asked for will be refused, told now (the call
    // ends later): the host does not depend on the call's data.
    let refused = plan
        .callback(
            &CallContext::new(started, chrono_tz::UTC),
            &callback_policy(app),
        )
        .and_then(Result::err)
        .map(|e| refusal(&e, app));
    let answer = json!({
        "interactionGuid": guid,
        "transactionId": transaction_id,
        "dialString": request.dial_string(),
        "plan": PlanReport::from(&plan),
        "callSeconds": app.args.call_seconds,
        "callbackRefused": refused,
    });
    let app = app.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(app.args.call_seconds)).await;
        finish_call(&app, &request, plan, data, guid, transaction_id, started).await;
    });
    Ok(answer)
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
        caller_id: caller_id(request),
        transaction_id,
        interaction_guid: guid.clone(),
        answered_at: Some(started),
        hangup_at: Some(started + TimeDelta::seconds(app.args.call_seconds as i64)),
        transaction_codes: default_codes(),
        notes: DEFAULT_NOTES.to_owned(),
        ..CallContext::new(Utc::now(), chrono_tz::America::Los_Angeles)
    };
    tracing::info!(call = %guid, "call ended");
    let expanded = match data.try_expand(&ctx) {
        Ok(expanded) => expanded,
        Err(e) => {
            tracing::warn!(call = %guid, error = %sanitize(&e.to_string()).max_chars(300), "the data cannot be expanded");
            return;
        }
    };
    // The create goes first (its answer decides the result code and the
    // record id); the screenpop and the callback follow it, all through
    // the outbox.
    let mut deliveries = CallDeliveries::new(
        data.clone(),
        expanded.clone().into_owned(),
        ctx.transaction_id.clone(),
    );
    let mut outcome = CreateOutcome::NotRun;
    let mut create_queued = false;
    if let Some(create) = plan.sfdc_create(&expanded) {
        match &app.args.sfdc_url {
            None => {
                outcome = CreateOutcome::Created(format!(
                    "00Tsim{:012}",
                    app.calls.load(Ordering::Relaxed)
                ))
            }
            Some(instance) => {
                let token = app.args.sfdc_token.as_deref().unwrap_or_default();
                match create.to_http(instance, SFDC_API_VERSION, token) {
                    Err(e) => {
                        tracing::warn!(
                            call = %guid,
                            error = e.kind().code(),
                            url = %sanitize(&clicktodial::redact::url(instance.as_str())),
                            "the Salesforce create was not sent"
                        );
                        outcome = CreateOutcome::Failed(e.to_string());
                    }
                    Ok(http) => {
                        deliveries = deliveries.create(Some(http));
                        create_queued = true;
                    }
                }
            }
        }
    }
    if let (Some(_), Some(url)) = (&plan.screenpop, &app.args.screenpop_url) {
        let pop = simulated_screenpop(&UserData::default());
        deliveries = deliveries.screenpop(Some(ScreenpopTarget {
            url: Some(url.clone()),
            agent_id: pop.agent_id,
            username: pop.username,
            password: pop.password,
            account: pop.account,
            role: pop.role,
        }));
    }
    match plan.callback(&ctx, &callback_policy(app)) {
        None => {}
        Some(Err(e)) => {
            let why = refusal(&e, app);
            tracing::warn!(
                call = %guid,
                reason = why.code,
                why = %why.message,
                help = why.help.as_deref().unwrap_or_default(),
                url = %sanitize(&clicktodial::redact::url(plan.callback_url.as_deref().unwrap_or_default())),
                "callback refused"
            )
        }
        Some(Ok(url)) => deliveries = deliveries.callback(Some(url)),
    }
    let result = plan.result_code(&outcome);
    let jobs = match deliveries
        .outcome(outcome)
        .signed(app.args.sign_secret.is_some())
        .jobs()
    {
        Ok(jobs) => jobs,
        Err(e) => {
            tracing::warn!(call = %guid, error = e.code(), "the deliveries cannot be queued");
            Vec::new()
        }
    };
    let queued = jobs.len();
    if let Err(e) = app.outbox.enqueue_all(jobs).await {
        tracing::error!(
            call = %guid,
            error = e.code(),
            reason = %sanitize(&e.to_string()).max_chars(300),
            "not queued"
        );
    }
    if create_queued {
        tracing::info!(call = %guid, queued, "call done (the result follows the create)");
    } else {
        tracing::info!(call = %guid, queued, result = result.as_str(), "call done");
    }
}

/// The policy callbacks are checked with: the default, or private hosts
/// allowed (`--allow-private-callbacks`).
fn callback_policy(app: &App) -> CallbackPolicy {
    CallbackPolicy {
        allow_private_hosts: app.args.allow_private_callbacks,
        ..CallbackPolicy::default()
    }
}

/// Why a callback is refused, with what to do; a private host names
/// `--allow-private-callbacks` only when the flag is not already given.
fn refusal(e: &clicktodial::RequestError, app: &App) -> CallbackRefusal {
    let mut why = CallbackRefusal::from(e);
    if app.args.allow_private_callbacks
        && why
            .help
            .as_deref()
            .is_some_and(|h| h.contains("--allow-private-callbacks"))
    {
        why.help = None;
    }
    why
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rate_limit_refills_at_its_rate() {
        // 600 a minute: 10 a second.
        let limit = RateLimit::per_minute(600);
        for _ in 0..600 {
            assert_eq!(limit.take(), Ok(()));
        }
        let wait = limit.take().unwrap_err();
        assert_eq!(wait, 1, "under a second to the next call");
        std::thread::sleep(Duration::from_millis(250));
        assert_eq!(limit.take(), Ok(()), "two calls came back in 250 ms");
        // 6 a minute: one every 10 s; 200 ms after the last, not one.
        let limit = RateLimit::per_minute(6);
        for _ in 0..6 {
            assert_eq!(limit.take(), Ok(()));
        }
        std::thread::sleep(Duration::from_millis(200));
        let wait = limit.take().unwrap_err();
        assert!((9..=10).contains(&wait), "{wait}");
        // Never more than a minute's worth at once.
        let limit = RateLimit::per_minute(2);
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(limit.take(), Ok(()));
        assert_eq!(limit.take(), Ok(()));
        assert_eq!(limit.take(), Err(30));
    }
}
