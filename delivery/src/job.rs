//! What is stored: one request to send, and for a Salesforce create, what
//! to send once its answer is known.
//!
//! (The stored form is described in the crate docs, "At rest".)

use std::fmt;

use clicktodial::signing::{CallRequest, WebhookId};
use clicktodial::{ActionPlan, CreateOutcome, ResultCode, Screenpop, UserData};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::connect::redact;
use crate::error::DeliveryError;

/// Which of a call's requests a job sends.
///
/// # Example
///
/// ```
/// use clicktodial_delivery::Kind;
/// assert_eq!(Kind::Callback.to_string(), "callback");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Kind {
    /// The Salesforce create (to the operator's Salesforce instance).
    Create,
    /// The screenpop POST (to the operator's screenpop URL).
    Screenpop,
    /// The callback (to `ctl_callbackUrl`, a URL from the link).
    Callback,
}

impl Kind {
    fn request(self) -> CallRequest {
        match self {
            Kind::Create => CallRequest::Create,
            Kind::Screenpop => CallRequest::Screenpop,
            Kind::Callback => CallRequest::Callback,
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.request().as_str())
    }
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct StoredHeader {
    pub(crate) name: String,
    pub(crate) value: String,
    pub(crate) sensitive: bool,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct StoredRequest {
    pub(crate) method: String,
    pub(crate) uri: String,
    pub(crate) headers: Vec<StoredHeader>,
    pub(crate) body: String,
}

impl StoredRequest {
    fn from_http(what: &'static str, req: http::Request<Vec<u8>>) -> Result<Self, DeliveryError> {
        let bad = |reason: String| DeliveryError::Request { what, reason };
        let uri = req.uri().to_string();
        Url::parse(&uri).map_err(|_| bad("the URI is not absolute".into()))?;
        let mut headers = Vec::new();
        for (name, value) in req.headers() {
            let text = value
                .to_str()
                .map_err(|_| bad(format!("header `{name}` is not visible ASCII")))?;
            headers.push(StoredHeader {
                name: name.as_str().to_owned(),
                value: text.to_owned(),
                sensitive: value.is_sensitive() || name == http::header::AUTHORIZATION,
            });
        }
        let method = req.method().as_str().to_owned();
        let body = String::from_utf8(req.into_body()).map_err(|e| {
            bad(format!(
                "the body is not UTF-8 at byte {}",
                e.utf8_error().valid_up_to()
            ))
        })?;
        Ok(StoredRequest {
            method,
            uri,
            headers,
            body,
        })
    }

    pub(crate) fn to_http(&self) -> Result<http::Request<Vec<u8>>, String> {
        let mut builder = http::Request::builder()
            .method(self.method.as_str())
            .uri(self.uri.as_str());
        for h in &self.headers {
            let mut value = http::HeaderValue::from_str(&h.value)
                .map_err(|_| format!("stored header `{}` is not valid", h.name))?;
            value.set_sensitive(h.sensitive);
            builder = builder.header(h.name.as_str(), value);
        }
        builder
            .body(self.body.clone().into_bytes())
            .map_err(|_| "the stored request is not valid".to_owned())
    }

    pub(crate) fn shown_url(&self) -> String {
        Url::parse(&self.uri)
            .map(|u| redact(&u))
            .unwrap_or_else(|_| "(unreadable URI)".to_owned())
    }
}

/// The agent's side of a screenpop, sent once the create's outcome is
/// known (the screenpop carries the final `ctl_userdata`).
///
/// `Debug` hides the password.
///
/// # Example
///
/// ```
/// use clicktodial_delivery::ScreenpopTarget;
/// let pop = ScreenpopTarget {
///     url: Some("https://crm.example.com/pop".parse().unwrap()),
///     agent_id: "agent42".into(),
///     password: "pw".into(),
///     ..ScreenpopTarget::default()
/// };
/// assert!(!format!("{pop:?}").contains("pw"));
/// ```
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScreenpopTarget {
    /// Where the screenpop is posted (`None`: no screenpop).
    pub url: Option<Url>,
    /// The agent's id.
    pub agent_id: String,
    /// The agent's user name.
    pub username: String,
    /// The agent's password, sent as the vendor does (stored: see the
    /// module's at-rest notes).
    pub password: String,
    /// The account.
    pub account: String,
    /// The role.
    pub role: String,
}

impl fmt::Debug for ScreenpopTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScreenpopTarget")
            .field("url", &self.url.as_ref().map(redact))
            .field("agent_id", &self.agent_id)
            .field("password", &"…")
            .finish_non_exhaustive()
    }
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AfterCreate {
    userdata: String,
    expanded: String,
    transaction_id: String,
    screenpop: Option<ScreenpopTarget>,
    callback_url: Option<Url>,
    sign: bool,
}

/// One request in the outbox: what to send, its webhook id (the same on
/// every attempt), and which attempt comes next.
///
/// `Debug` shows the kind, the id, the attempt and the URL without user
/// info or query values; never headers or body.
///
/// # Example
///
/// ```
/// use clicktodial::signing::{CallRequest, WebhookId};
/// use clicktodial::{url::Url, Callback, UserData};
/// use clicktodial_delivery::{Job, Kind};
///
/// let cb = Callback::ignore(UserData::parse("[id|42]")?);
/// let req = cb.to_http(&Url::parse("https://crm.example.com/cb?token=s3cret")?);
/// let job = Job::new(Kind::Callback, WebhookId::for_call("8312345", CallRequest::Callback), req)?;
/// assert_eq!(job.attempt(), 1);
/// assert!(!format!("{job:?}").contains("s3cret"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Job {
    kind: Kind,
    webhook_id: String,
    pub(crate) request: StoredRequest,
    sign: bool,
    pub(crate) attempt: u32,
    pub(crate) queued_at_ms: i64,
    pub(crate) not_before_ms: i64,
    after_create: Option<AfterCreate>,
}

impl fmt::Debug for Job {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Job")
            .field("kind", &self.kind)
            .field("webhook_id", &self.webhook_id)
            .field("url", &self.request.shown_url())
            .field("attempt", &self.attempt)
            .finish_non_exhaustive()
    }
}

impl Job {
    /// A job that sends `request` (an absolute URI, a UTF-8 body) as
    /// message `id`. Unsigned; see [`Job::signed`].
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::signing::WebhookId;
    /// use clicktodial_delivery::{Job, Kind};
    ///
    /// let req = clicktodial::http::Request::post("/relative").body(Vec::new())?;
    /// let err = Job::new(Kind::Callback, WebhookId::new("msg_1")?, req).unwrap_err();
    /// assert_eq!(err.code(), "request");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(
        kind: Kind,
        id: WebhookId,
        request: http::Request<Vec<u8>>,
    ) -> Result<Job, DeliveryError> {
        let now = chrono::Utc::now().timestamp_millis();
        Ok(Job {
            kind,
            webhook_id: id.to_string(),
            request: StoredRequest::from_http(kind_name(kind), request)?,
            sign: false,
            attempt: 1,
            queued_at_ms: now,
            not_before_ms: now,
            after_create: None,
        })
    }

    /// Whether the sender signs this job (Standard Webhooks headers, with
    /// the sender's secret, a fresh timestamp on each attempt).
    ///
    /// # Example
    ///
    /// ```
    /// # use clicktodial::signing::WebhookId;
    /// # use clicktodial_delivery::{Job, Kind};
    /// # let req = clicktodial::http::Request::post("https://crm.example.com/cb").body(Vec::new())?;
    /// let job = Job::new(Kind::Callback, WebhookId::new("msg_1")?, req)?.signed(true);
    /// assert!(job.is_signed());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn signed(mut self, sign: bool) -> Job {
        self.sign = sign;
        self
    }

    /// Whether the job is signed when sent.
    ///
    /// # Example
    ///
    /// ```
    /// # use clicktodial::signing::WebhookId;
    /// # use clicktodial_delivery::{Job, Kind};
    /// # let req = clicktodial::http::Request::post("https://crm.example.com/cb").body(Vec::new())?;
    /// assert!(!Job::new(Kind::Callback, WebhookId::new("msg_1")?, req)?.is_signed());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_signed(&self) -> bool {
        self.sign
    }

    /// Which request this is.
    ///
    /// # Example
    ///
    /// ```
    /// # use clicktodial::signing::WebhookId;
    /// # use clicktodial_delivery::{Job, Kind};
    /// # let req = clicktodial::http::Request::post("https://crm.example.com/cb").body(Vec::new())?;
    /// assert_eq!(Job::new(Kind::Screenpop, WebhookId::new("m")?, req)?.kind(), Kind::Screenpop);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The webhook id, the same on every attempt.
    ///
    /// # Example
    ///
    /// ```
    /// # use clicktodial::signing::WebhookId;
    /// # use clicktodial_delivery::{Job, Kind};
    /// # let req = clicktodial::http::Request::post("https://crm.example.com/cb").body(Vec::new())?;
    /// assert_eq!(Job::new(Kind::Callback, WebhookId::new("msg_7")?, req)?.webhook_id(), "msg_7");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn webhook_id(&self) -> &str {
        &self.webhook_id
    }

    /// The attempt this job will make (1 for a new job).
    ///
    /// # Example
    ///
    /// ```
    /// # use clicktodial::signing::WebhookId;
    /// # use clicktodial_delivery::{Job, Kind};
    /// # let req = clicktodial::http::Request::post("https://crm.example.com/cb").body(Vec::new())?;
    /// assert_eq!(Job::new(Kind::Callback, WebhookId::new("m")?, req)?.attempt(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The URL, without user info or query values (for logs and lists).
    ///
    /// # Example
    ///
    /// ```
    /// # use clicktodial::signing::WebhookId;
    /// # use clicktodial_delivery::{Job, Kind};
    /// # let req = clicktodial::http::Request::post("https://crm.example.com/cb?transaction=1").body(Vec::new())?;
    /// let job = Job::new(Kind::Callback, WebhookId::new("m")?, req)?;
    /// assert_eq!(job.shown_url(), "https://crm.example.com/cb?transaction=…");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn shown_url(&self) -> String {
        self.request.shown_url()
    }

    /// When the job was first queued (Unix milliseconds).
    ///
    /// # Example
    ///
    /// ```
    /// # use clicktodial::signing::WebhookId;
    /// # use clicktodial_delivery::{Job, Kind};
    /// # let req = clicktodial::http::Request::post("https://crm.example.com/cb").body(Vec::new())?;
    /// let job = Job::new(Kind::Callback, WebhookId::new("m")?, req)?;
    /// assert!(job.queued_at_ms() > 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn queued_at_ms(&self) -> i64 {
        self.queued_at_ms
    }

    /// The next attempt of this job, not before `not_before_ms`.
    pub(crate) fn next_attempt(&self, not_before_ms: i64) -> Job {
        Job {
            attempt: self.attempt.saturating_add(1),
            not_before_ms,
            ..self.clone()
        }
    }

    /// A fresh first attempt (replay).
    pub(crate) fn replayed(&self, now_ms: i64) -> Job {
        Job {
            attempt: 1,
            not_before_ms: now_ms,
            ..self.clone()
        }
    }

    /// The jobs that follow a create, given its outcome: the screenpop and
    /// the callback, each carrying the final `ctl_userdata` (with the new
    /// record id on success).
    pub(crate) fn follow_ups(
        &self,
        outcome: CreateOutcome,
    ) -> Result<(Vec<Job>, ResultCode), String> {
        match &self.after_create {
            None => Err("a create without its follow-ups".to_owned()),
            Some(after) => after.jobs(outcome),
        }
    }
}

fn kind_name(kind: Kind) -> &'static str {
    kind.request().as_str()
}

impl AfterCreate {
    fn jobs(&self, outcome: CreateOutcome) -> Result<(Vec<Job>, ResultCode), String> {
        let data = UserData::parse(&self.userdata).map_err(|e| format!("stored userdata: {e}"))?;
        let expanded =
            UserData::parse(&self.expanded).map_err(|e| format!("stored expanded data: {e}"))?;
        let plan = ActionPlan::new(&data);
        let done = plan.finish(expanded.into_owned(), outcome);
        let mut jobs = Vec::new();
        if let Some(target) = self.screenpop.as_ref().filter(|_| plan.screenpop.is_some()) {
            if let Some(url) = &target.url {
                let pop = Screenpop {
                    agent_id: target.agent_id.clone(),
                    username: target.username.clone(),
                    password: target.password.clone(),
                    account: target.account.clone(),
                    role: target.role.clone(),
                    ..Screenpop::for_userdata(&done.ctl_userdata)
                };
                let id = WebhookId::for_call(&self.transaction_id, CallRequest::Screenpop);
                jobs.push(
                    Job::new(Kind::Screenpop, id, pop.to_http(url))
                        .map_err(|e| e.to_string())?
                        .signed(self.sign),
                );
            }
        }
        if let Some(url) = &self.callback_url {
            let id = WebhookId::for_call(&self.transaction_id, CallRequest::Callback);
            jobs.push(
                Job::new(Kind::Callback, id, done.to_http(url))
                    .map_err(|e| e.to_string())?
                    .signed(self.sign),
            );
        }
        Ok((jobs, done.result_code))
    }
}

/// The requests of one finished call, in the vendor's order: the
/// Salesforce create first; its answer (read with
/// [`CreateOutcome::from_sfdc_response`]) decides the result code and the
/// record id that the screenpop and the callback then carry.
///
/// Build it from what the call had, then [`jobs`](CallDeliveries::jobs):
/// with a create, one job (the others follow when it ends); without, the
/// screenpop and the callback at once, finished with
/// [`outcome`](CallDeliveries::outcome).
///
/// # Example
///
/// ```
/// use clicktodial::chrono::{TimeZone, Utc};
/// use clicktodial::{ActionPlan, CallContext, CallbackPolicy, UserData};
/// use clicktodial_delivery::{CallDeliveries, Kind};
///
/// let data = UserData::parse("[ctl_callbackUrl|https://crm.example.com/cb?t=$transaction_id$]")?
///     .into_owned();
/// let ctx = CallContext {
///     transaction_id: "8312345".into(),
///     ..CallContext::new(Utc.with_ymd_and_hms(2024, 3, 12, 17, 4, 5).unwrap(), clicktodial::chrono_tz::UTC)
/// };
/// let expanded = data.try_expand(&ctx)?.into_owned();
/// let plan = ActionPlan::new(&data);
/// let url = plan.callback(&ctx, &CallbackPolicy::default()).unwrap()?;
///
/// let jobs = CallDeliveries::new(data, expanded, "8312345")
///     .callback(Some(url))
///     .jobs()?;
/// assert_eq!(jobs.len(), 1);
/// assert_eq!(jobs[0].kind(), Kind::Callback);
/// assert!(jobs[0].webhook_id().starts_with("msg_callback_"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct CallDeliveries {
    userdata: UserData<'static>,
    expanded: UserData<'static>,
    transaction_id: String,
    create: Option<http::Request<Vec<u8>>>,
    outcome: CreateOutcome,
    screenpop: Option<ScreenpopTarget>,
    callback_url: Option<Url>,
    sign: bool,
}

impl CallDeliveries {
    /// A call's deliveries: its `ctl_userdata` as sent, the same expanded
    /// over the call's context, and its transaction id (which, with the
    /// request, makes each webhook id).
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::UserData;
    /// use clicktodial_delivery::CallDeliveries;
    /// let none = CallDeliveries::new(UserData::default(), UserData::default(), "1").jobs()?;
    /// assert!(none.is_empty());
    /// # Ok::<(), clicktodial_delivery::DeliveryError>(())
    /// ```
    pub fn new(
        userdata: UserData<'static>,
        expanded: UserData<'static>,
        transaction_id: impl Into<String>,
    ) -> CallDeliveries {
        CallDeliveries {
            userdata,
            expanded,
            transaction_id: transaction_id.into(),
            create: None,
            outcome: CreateOutcome::NotRun,
            screenpop: None,
            callback_url: None,
            sign: false,
        }
    }

    /// The Salesforce create request ([`clicktodial::SfdcCreate::to_http`]),
    /// sent first.
    ///
    /// # Example
    ///
    /// ```
    /// # use clicktodial::UserData;
    /// # use clicktodial_delivery::{CallDeliveries, Kind};
    /// let create = clicktodial::http::Request::post("https://acme.my.salesforce.com/x").body(b"{}".to_vec())?;
    /// let jobs = CallDeliveries::new(UserData::default(), UserData::default(), "1")
    ///     .create(Some(create))
    ///     .jobs()?;
    /// assert_eq!(jobs[0].kind(), Kind::Create);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn create(mut self, request: Option<http::Request<Vec<u8>>>) -> CallDeliveries {
        self.create = request;
        self
    }

    /// The outcome when no create is sent (`NotRun` by default; a
    /// simulator passes the record it made up).
    ///
    /// # Example
    ///
    /// ```
    /// # use clicktodial::{CreateOutcome, UserData};
    /// # use clicktodial_delivery::CallDeliveries;
    /// let calls = CallDeliveries::new(UserData::default(), UserData::default(), "1")
    ///     .outcome(CreateOutcome::Created("00T1".into()));
    /// # let _ = calls;
    /// ```
    pub fn outcome(mut self, outcome: CreateOutcome) -> CallDeliveries {
        self.outcome = outcome;
        self
    }

    /// The screenpop's target and agent.
    ///
    /// # Example
    ///
    /// ```
    /// # use clicktodial::UserData;
    /// # use clicktodial_delivery::{CallDeliveries, ScreenpopTarget};
    /// let calls = CallDeliveries::new(UserData::default(), UserData::default(), "1")
    ///     .screenpop(Some(ScreenpopTarget::default()));
    /// # let _ = calls;
    /// ```
    pub fn screenpop(mut self, target: Option<ScreenpopTarget>) -> CallDeliveries {
        self.screenpop = target;
        self
    }

    /// The callback URL, as [`ActionPlan::callback`] checked it.
    ///
    /// # Example
    ///
    /// ```
    /// # use clicktodial::UserData;
    /// # use clicktodial_delivery::CallDeliveries;
    /// let calls = CallDeliveries::new(UserData::default(), UserData::default(), "1").callback(None);
    /// # let _ = calls;
    /// ```
    pub fn callback(mut self, url: Option<Url>) -> CallDeliveries {
        self.callback_url = url;
        self
    }

    /// Whether the screenpop and the callback are signed.
    ///
    /// # Example
    ///
    /// ```
    /// # use clicktodial::UserData;
    /// # use clicktodial_delivery::CallDeliveries;
    /// let calls = CallDeliveries::new(UserData::default(), UserData::default(), "1").signed(true);
    /// # let _ = calls;
    /// ```
    pub fn signed(mut self, sign: bool) -> CallDeliveries {
        self.sign = sign;
        self
    }

    /// The jobs to queue now.
    ///
    /// # Example
    ///
    /// ```
    /// # use clicktodial::UserData;
    /// # use clicktodial_delivery::CallDeliveries;
    /// assert!(CallDeliveries::new(UserData::default(), UserData::default(), "1").jobs()?.is_empty());
    /// # Ok::<(), clicktodial_delivery::DeliveryError>(())
    /// ```
    pub fn jobs(self) -> Result<Vec<Job>, DeliveryError> {
        let after = AfterCreate {
            userdata: self.userdata.to_string(),
            expanded: self.expanded.to_string(),
            transaction_id: self.transaction_id.clone(),
            screenpop: self.screenpop,
            callback_url: self.callback_url,
            sign: self.sign,
        };
        match self.create {
            Some(request) => {
                let id = WebhookId::for_call(&self.transaction_id, CallRequest::Create);
                let mut job = Job::new(Kind::Create, id, request)?;
                job.after_create = Some(after);
                Ok(vec![job])
            }
            None => after
                .jobs(self.outcome)
                .map(|(jobs, _)| jobs)
                .map_err(|reason| DeliveryError::Request {
                    what: "follow-up",
                    reason,
                }),
        }
    }
}
