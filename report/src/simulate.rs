//! The simulated call: what the contact center would expand and post once
//! a call over a link ends, with nothing sent. Pure: "now" is passed in.

use clicktodial::chrono::{DateTime, TimeDelta, Utc};
use clicktodial::{
    chrono_tz, ActionPlan, CallContext, CallbackPolicy, ClickToDialRequest, CreateOutcome, Finding,
    RequestError, Screenpop, TransactionCode, UserData,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The Salesforce REST API version the create uses.
pub const SFDC_API_VERSION: &str = "v59.0";

/// The record id a simulated create returns.
pub const SIMULATED_RECORD_ID: &str = "00T5e00000AbCdEAAX";

/// The agent's notes when none are given.
pub const DEFAULT_NOTES: &str = "Customer wants a quote by Friday";

/// The call's settings: the command's flags, `/api/simulate`'s body and
/// the page's form. Keys are camelCase (`recordId`, `createFails`); the
/// snake-case names of earlier versions are read too.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct CallSettings {
    /// The tenant's time zone (IANA name).
    pub tz: String,
    /// When the customer answered (RFC 3339) [default: the duration, plus 4 s
    /// of wrap-up, before now].
    pub answered: Option<String>,
    /// How long the call lasted (`7m31s`, `1h2m`, `90s` or seconds).
    pub duration: String,
    /// The selected transaction codes, `LIST:SHORT[:DESCRIPTION]`, in
    /// selection order [default: Sales:FU:Follow-up and Sales:QT:Quote sent].
    pub code: Vec<String>,
    /// The agent's notes.
    pub notes: Option<String>,
    /// When the data is expanded (RFC 3339) [default: the answer time plus
    /// the duration plus 4 s when `answered` is given, else the now passed
    /// in].
    pub now: Option<String>,
    /// The id the Salesforce create returns.
    #[serde(alias = "record_id")]
    pub record_id: Option<String>,
    /// The create fails with this message (result code FAIL).
    #[serde(alias = "create_fails")]
    pub create_fails: Option<String>,
}

/// # Example
///
/// ```
/// use clicktodial_report::CallSettings;
/// let settings = CallSettings { duration: "90s".into(), ..CallSettings::default() };
/// assert_eq!(settings.tz, "America/Los_Angeles");
/// ```
impl Default for CallSettings {
    fn default() -> Self {
        CallSettings {
            tz: "America/Los_Angeles".to_owned(),
            answered: None,
            duration: "7m31s".to_owned(),
            code: Vec::new(),
            notes: None,
            now: None,
            record_id: None,
            create_fails: None,
        }
    }
}

/// `7m31s`, `1h 2m 3s`, `90s`, `451`: whole seconds, read by `humantime`
/// (any of its units, in any order; a bare number is seconds), at most a
/// million hours.
///
/// # Example
///
/// ```
/// assert_eq!(clicktodial_report::parse_duration("7m31s").unwrap().num_seconds(), 451);
/// assert_eq!(clicktodial_report::parse_duration("1h 2m").unwrap().num_seconds(), 3720);
/// assert!(clicktodial_report::parse_duration("7m31").is_err());
/// ```
pub fn parse_duration(text: &str) -> Result<TimeDelta, String> {
    /// A million hours.
    const MAX_SECS: u64 = 3_600_000_000;
    let bad = || format!("duration `{text}`: expected e.g. 7m31s, 1h2m, 90s or 451");
    let text = text.trim();
    if let Ok(secs) = text.parse::<u32>() {
        return Ok(TimeDelta::seconds(secs.into()));
    }
    let duration = humantime::parse_duration(text).map_err(|_| bad())?;
    if duration.subsec_nanos() != 0 || duration.as_secs() > MAX_SECS {
        return Err(bad());
    }
    i64::try_from(duration.as_secs())
        .map(TimeDelta::seconds)
        .map_err(|_| bad())
}

fn parse_time(what: &str, text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("{what} `{text}`: not an RFC 3339 time ({e})"))
}

/// `LIST:SHORT[:DESCRIPTION]`.
///
/// # Example
///
/// ```
/// let code = clicktodial_report::parse_code("Sales:QT:Quote: sent").unwrap();
/// assert_eq!((code.short_code.as_str(), code.description.as_str()), ("QT", "Quote: sent"));
/// assert!(clicktodial_report::parse_code(":QT").is_err());
/// ```
pub fn parse_code(text: &str) -> Result<TransactionCode, String> {
    let mut parts = text.splitn(3, ':');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(list), Some(short), description) if !list.is_empty() && !short.is_empty() => {
            Ok(TransactionCode {
                list_name: list.to_owned(),
                short_code: short.to_owned(),
                description: description.unwrap_or_default().to_owned(),
            })
        }
        _ => Err(format!("code `{text}`: expected LIST:SHORT[:DESCRIPTION]")),
    }
}

/// The transaction codes the agent selects when none are given.
///
/// # Example
///
/// ```
/// assert_eq!(clicktodial_report::default_codes().len(), 2);
/// ```
pub fn default_codes() -> Vec<TransactionCode> {
    vec![
        TransactionCode {
            list_name: "Sales".into(),
            short_code: "FU".into(),
            description: "Follow-up".into(),
        },
        TransactionCode {
            list_name: "Sales".into(),
            short_code: "QT".into(),
            description: "Quote sent".into(),
        },
    ]
}

/// The caller ID the call is made with: the link's, else the simulated
/// tenant's.
///
/// # Example
///
/// ```
/// let req = clicktodial::ClickToDialRequest::new("1");
/// assert_eq!(clicktodial_report::caller_id(&req), "5251990");
/// ```
pub fn caller_id(req: &ClickToDialRequest) -> String {
    req.caller_id
        .clone()
        .unwrap_or_else(|| "5251990".to_owned())
}

/// The simulated agent on the screenpop (no real credentials anywhere).
///
/// # Example
///
/// ```
/// let pop = clicktodial_report::simulated_screenpop(&clicktodial::UserData::new());
/// assert_eq!(pop.agent_id, "agent42");
/// ```
pub fn simulated_screenpop(ctl_userdata: &UserData<'_>) -> Screenpop {
    Screenpop {
        agent_id: "agent42".into(),
        username: "agent42@crm.example.com".into(),
        password: "simulated".into(),
        account: "00D5e000000Acme".into(),
        role: "sfdc".into(),
        ..Screenpop::for_userdata(ctl_userdata)
    }
}

impl CallSettings {
    /// The finished call these settings describe, for `req`; `clock` is
    /// "now" when the settings give neither `now` nor `answered`.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::chrono::{TimeZone, Utc};
    /// use clicktodial_report::CallSettings;
    /// let settings = CallSettings { answered: Some("2024-03-12T17:04:05Z".into()), ..CallSettings::default() };
    /// let ctx = settings.context(&clicktodial::ClickToDialRequest::new("1"), Utc.timestamp_opt(0, 0).unwrap())?;
    /// assert_eq!(ctx.hangup_at.unwrap().to_rfc3339(), "2024-03-12T17:11:36+00:00");
    /// # Ok::<(), String>(())
    /// ```
    pub fn context(
        &self,
        req: &ClickToDialRequest,
        clock: DateTime<Utc>,
    ) -> Result<CallContext, String> {
        let tenant_tz: chrono_tz::Tz = self
            .tz
            .parse()
            .map_err(|_| format!("zone `{}`: not an IANA time zone name", self.tz))?;
        let duration = parse_duration(&self.duration)?;
        let wrap_up = TimeDelta::seconds(4);
        let answered = self
            .answered
            .as_deref()
            .map(|t| parse_time("answered", t))
            .transpose()?;
        let now = match (&self.now, answered) {
            (Some(t), _) => parse_time("now", t)?,
            (None, Some(a)) => a + duration + wrap_up,
            (None, None) => clock,
        };
        let answered = answered.unwrap_or(now - duration - wrap_up);
        let codes = if self.code.is_empty() {
            default_codes()
        } else {
            self.code
                .iter()
                .map(|c| parse_code(c))
                .collect::<Result<_, _>>()?
        };
        Ok(CallContext {
            caller_id: caller_id(req),
            transaction_id: (now.timestamp().rem_euclid(90_000_000) + 10_000_000).to_string(),
            interaction_guid: format!("sim-{:x}", now.timestamp_millis()),
            answered_at: Some(answered),
            hangup_at: Some(answered + duration),
            transaction_codes: codes,
            notes: self
                .notes
                .clone()
                .unwrap_or_else(|| DEFAULT_NOTES.to_owned()),
            ..CallContext::new(now, tenant_tz)
        })
    }

    /// How the create ends.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::CreateOutcome;
    /// let settings = clicktodial_report::CallSettings { create_fails: Some("no".into()), ..Default::default() };
    /// assert_eq!(settings.outcome(), CreateOutcome::Failed("no".into()));
    /// ```
    pub fn outcome(&self) -> CreateOutcome {
        match (&self.record_id, &self.create_fails) {
            (_, Some(message)) => CreateOutcome::Failed(message.clone()),
            (Some(id), None) => CreateOutcome::Created(id.clone()),
            (None, None) => CreateOutcome::Created(SIMULATED_RECORD_ID.to_owned()),
        }
    }
}

/// The Salesforce create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SfdcReport {
    /// The REST path.
    pub path: String,
    /// The JSON body (Salesforce's field names).
    pub json: String,
}

/// A form body the contact center posts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FormReport {
    /// The `application/x-www-form-urlencoded` body (the vendor's names).
    pub form: String,
}

/// The callback the contact center posts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CallbackReport {
    /// The expanded, checked callback URL.
    pub url: String,
    /// The form body (`ctl_userdata`, `resultCode`, `errorString`).
    pub form: String,
}

/// A callback refused: why, with its stable code, and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CallbackRefusal {
    /// The stable code (`callback-private-host`).
    pub code: String,
    /// Why, on one line.
    pub message: String,
    /// What to do, when there is advice.
    pub help: Option<String>,
}

/// # Example
///
/// ```
/// let err = clicktodial::check_callback_url("http://127.0.0.1/cb", &Default::default()).unwrap_err();
/// let refusal = clicktodial_report::CallbackRefusal::from(&err);
/// assert_eq!(refusal.code, "callback-private-host");
/// assert!(refusal.help.unwrap().contains("--allow-private-callbacks"));
/// ```
impl From<&RequestError> for CallbackRefusal {
    fn from(e: &RequestError) -> CallbackRefusal {
        let finding = Finding::from(e);
        let help = match e.kind() {
            clicktodial::RequestErrorKind::CallbackPrivateHost(_) => Some(
                "a local callback receiver (a test's `clicktodial receive`) needs \
                 `clicktodial serve --allow-private-callbacks`; a real one needs a public host"
                    .to_owned(),
            ),
            _ => finding.help().map(str::to_owned),
        };
        CallbackRefusal {
            code: finding.code().to_owned(),
            message: finding.message().to_owned(),
            help,
        }
    }
}

/// `clicktodial simulate --format json`, `/api/simulate`: what the contact
/// center would expand and post once the call ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SimulateReport {
    /// The data with its tokens expanded, `[name, value]`.
    pub expanded: Vec<[String; 2]>,
    /// The Salesforce create, if the plan has one.
    pub sfdc: Option<SfdcReport>,
    /// The screenpop POST, if launched.
    pub screenpop: Option<FormReport>,
    /// The callback POST, if one is asked for and allowed.
    pub callback: Option<CallbackReport>,
    /// Why the callback asked for is refused.
    pub callback_error: Option<CallbackRefusal>,
    /// `SUCCESS`, `FAIL` or `IGNORE`.
    pub result_code: String,
    /// The callback's `errorString`.
    pub error_string: String,
}

/// What the contact center would expand and post once the call ends. A
/// context whose `now` was never set is refused (no call dated 1970).
///
/// # Example
///
/// ```
/// use clicktodial::chrono::{TimeZone, Utc};
/// use clicktodial::ClickToDialRequest;
/// use clicktodial_report::{simulate, CallSettings};
///
/// let req = ClickToDialRequest::from_query(
///     "phone=1&ctl_userdata=[ctl_action|create][ctl_intType|sfdc][ObjectType|Task][Subject|$callDuration$]",
/// ).unwrap();
/// let now = Utc.with_ymd_and_hms(2024, 3, 12, 17, 11, 40).unwrap();
/// let settings = CallSettings::default();
/// let ctx = settings.context(&req, now)?;
/// let report = simulate(&req, &ctx, settings.outcome())?;
/// assert_eq!(report.expanded[3], ["Subject".to_owned(), "00:07:31".to_owned()]);
/// assert_eq!(report.result_code, "SUCCESS");
/// assert_eq!(report.sfdc.unwrap().json, r#"{"Subject":"00:07:31"}"#);
/// # Ok::<(), String>(())
/// ```
pub fn simulate(
    req: &ClickToDialRequest,
    ctx: &CallContext,
    outcome: CreateOutcome,
) -> Result<SimulateReport, String> {
    let data = req.userdata.clone().unwrap_or_default();
    let plan = ActionPlan::new(&data);
    let expanded = data.try_expand(ctx).map_err(|e| e.to_string())?;
    let sfdc = plan.sfdc_create(&expanded);
    let outcome = if sfdc.is_some() {
        outcome
    } else {
        CreateOutcome::NotRun
    };
    let done = plan.finish(expanded.clone(), outcome);
    let (callback, callback_error) = match plan.callback(ctx, &CallbackPolicy::default()) {
        Some(Ok(url)) => (
            Some(CallbackReport {
                url: url.as_str().to_owned(),
                form: done.to_form(),
            }),
            None,
        ),
        Some(Err(e)) => (None, Some(CallbackRefusal::from(&e))),
        None => (None, None),
    };
    Ok(SimulateReport {
        expanded: expanded
            .iter()
            .map(|(n, v)| [n.to_owned(), v.to_owned()])
            .collect(),
        sfdc: sfdc.map(|c| SfdcReport {
            path: c.path(SFDC_API_VERSION),
            json: c.to_json(),
        }),
        screenpop: plan.screenpop.as_ref().map(|_| FormReport {
            form: simulated_screenpop(&done.ctl_userdata).to_form(),
        }),
        callback,
        callback_error,
        result_code: done.result_code.as_str().to_owned(),
        error_string: done.error_string,
    })
}

/// The line `clicktodial receive` prints for each callback it receives:
/// the vendor's fields under the vendor's names, and the record id.
///
/// # Example
///
/// ```
/// let cb = clicktodial::Callback::from_form(
///     "ctl_userdata=%5Bctl_newRecordId%7C00T1%5D&resultCode=SUCCESS&errorString=",
/// )
/// .unwrap();
/// let line = clicktodial_report::ReceivedCallback::from(&cb);
/// assert_eq!(line.new_record_id.as_deref(), Some("00T1"));
/// assert_eq!(line.result_code, "SUCCESS");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ReceivedCallback {
    /// The posted `ctl_userdata`, `[name, value]` pairs.
    #[serde(rename = "ctl_userdata")]
    pub ctl_userdata: Vec<[String; 2]>,
    /// The posted `resultCode`.
    #[serde(rename = "resultCode")]
    pub result_code: String,
    /// The posted `errorString`.
    #[serde(rename = "errorString")]
    pub error_string: String,
    /// The record created (`ctl_newRecordId`, only with SUCCESS).
    #[serde(rename = "newRecordId")]
    pub new_record_id: Option<String>,
}

impl From<&clicktodial::Callback> for ReceivedCallback {
    fn from(cb: &clicktodial::Callback) -> ReceivedCallback {
        ReceivedCallback {
            ctl_userdata: cb
                .ctl_userdata
                .iter()
                .map(|(n, v)| [n.to_owned(), v.to_owned()])
                .collect(),
            result_code: cb.result_code.as_str().to_owned(),
            error_string: cb.error_string.clone(),
            new_record_id: cb.new_record_id().map(str::to_owned),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("7m31s").unwrap().num_seconds(), 451);
        assert_eq!(parse_duration("451").unwrap().num_seconds(), 451);
        assert_eq!(parse_duration("1h2m").unwrap().num_seconds(), 3720);
        assert_eq!(parse_duration("0s").unwrap().num_seconds(), 0);
        // humantime's forms: any order, spaces, other units.
        assert_eq!(parse_duration("1s2m").unwrap().num_seconds(), 121);
        assert_eq!(parse_duration("2min 5sec").unwrap().num_seconds(), 125);
        for bad in ["", "m", "7x", "7m31", "-3s", "1500ms", "2000000h"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn codes() {
        let c = parse_code("Sales:QT:Quote: sent").unwrap();
        assert_eq!(
            (c.list_name.as_str(), c.short_code.as_str()),
            ("Sales", "QT")
        );
        assert_eq!(c.description, "Quote: sent");
        assert!(parse_code("Sales").is_err());
        assert!(parse_code(":QT").is_err());
    }

    #[test]
    fn settings_read_camel_case_and_the_old_snake_case_names() {
        let new: CallSettings =
            serde_json::from_str(r#"{"recordId": "00T1", "createFails": "no"}"#).unwrap();
        let old: CallSettings =
            serde_json::from_str(r#"{"record_id": "00T1", "create_fails": "no"}"#).unwrap();
        assert_eq!(new, old);
        assert_eq!(new.outcome(), CreateOutcome::Failed("no".into()));
        assert_eq!(new.tz, "America/Los_Angeles");
    }
}
