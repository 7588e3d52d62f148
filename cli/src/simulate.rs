//! `clicktodial simulate [LINK] [--tz ZONE] [--answered RFC3339]
//! [--duration 7m31s] [--code LIST:SHORT[:DESCRIPTION]]... [--notes TEXT]
//! [--now RFC3339] [--record-id ID | --create-fails MESSAGE] [--format]`
//!
//! A finished call over a link, with nothing sent: what the contact center
//! would expand and post.

use std::fmt::Write as _;
use std::process::ExitCode;

use chrono::{DateTime, TimeDelta, Utc};
use clicktodial::{
    ActionPlan, CallContext, CallbackPolicy, ClickToDialRequest, CreateOutcome, Screenpop,
    TransactionCode,
};
use serde_json::{json, Value};

use crate::check::check;
use crate::output::{print, print_json, styled, Format};
use crate::render::render;

/// The vendor's Example 1 with its merge fields filled
/// (`{!Account.Phone}` → `(650) 555-0142`, `{!Account.Id}` → `001A000001XyZab`).
pub const EXAMPLE_1: &str = include_str!("../../tests/data/vendor/example1.url");

/// The Salesforce REST API version the create uses.
pub const SFDC_API_VERSION: &str = "v59.0";

/// The record id a simulated create returns.
pub const SIMULATED_RECORD_ID: &str = "00T5e00000AbCdEAAX";

/// The call, as flags (and as the JSON body of `POST /api/simulate`, with the
/// same names in snake case; `code` is a list there too).
#[derive(Debug, Clone, clap::Args, serde::Deserialize)]
#[serde(default)]
pub struct CallArgs {
    /// The tenant's time zone (IANA name).
    #[arg(long, value_name = "ZONE", default_value = "America/Los_Angeles")]
    pub tz: String,
    /// When the customer answered [default: the duration (plus 4 s of
    /// wrap-up) before --now].
    #[arg(long, value_name = "RFC3339")]
    pub answered: Option<String>,
    /// How long the call lasted (`7m31s`, `1h2m`, `90s` or seconds).
    #[arg(long, value_name = "DURATION", default_value = "7m31s")]
    pub duration: String,
    /// A selected transaction code, repeated in selection order [default:
    /// Sales:FU:Follow-up and Sales:QT:Quote sent].
    #[arg(long = "code", value_name = "LIST:SHORT[:DESCRIPTION]")]
    pub code: Vec<String>,
    /// The agent's notes.
    #[arg(long, value_name = "TEXT")]
    pub notes: Option<String>,
    /// When the data is expanded [default: the answer time plus the duration
    /// plus 4 s when --answered is given, else the system clock].
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
    /// The id the Salesforce create returns.
    #[arg(long, value_name = "ID", conflicts_with = "create_fails")]
    pub record_id: Option<String>,
    /// The create fails with this message (result code FAIL).
    #[arg(long, value_name = "MESSAGE")]
    pub create_fails: Option<String>,
}

impl Default for CallArgs {
    fn default() -> Self {
        CallArgs {
            tz: default_tz(),
            answered: None,
            duration: default_duration(),
            code: Vec::new(),
            notes: None,
            now: None,
            record_id: None,
            create_fails: None,
        }
    }
}

fn default_tz() -> String {
    "America/Los_Angeles".to_owned()
}

fn default_duration() -> String {
    "7m31s".to_owned()
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The link [default: the vendor's Example 1, merge fields filled].
    #[arg(value_name = "LINK")]
    pub link: Option<String>,
    #[command(flatten)]
    pub call: CallArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `7m31s`, `1h2m3s`, `90s`, `451`: whole seconds.
pub fn parse_duration(text: &str) -> Result<TimeDelta, String> {
    let bad = || format!("--duration `{text}`: expected e.g. 7m31s, 1h2m, 90s or 451");
    let text = text.trim();
    if let Ok(secs) = text.parse::<u32>() {
        return Ok(TimeDelta::seconds(secs.into()));
    }
    let (mut total, mut number, mut last_unit) = (0i64, String::new(), 0);
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let (rank, scale) = match c {
            'h' => (1, 3600),
            'm' => (2, 60),
            's' => (3, 1),
            _ => return Err(bad()),
        };
        let n: i64 = number.parse().map_err(|_| bad())?;
        if rank <= last_unit || n > 1_000_000 {
            return Err(bad());
        }
        last_unit = rank;
        total += n * scale;
        number.clear();
    }
    if !number.is_empty() || last_unit == 0 {
        return Err(bad());
    }
    Ok(TimeDelta::seconds(total))
}

fn parse_time(flag: &str, text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("--{flag} `{text}`: not an RFC 3339 time ({e})"))
}

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
        _ => Err(format!(
            "--code `{text}`: expected LIST:SHORT[:DESCRIPTION]"
        )),
    }
}

impl CallArgs {
    /// The finished call these arguments describe, for `req`.
    pub fn context(&self, req: &ClickToDialRequest) -> Result<CallContext, String> {
        let tenant_tz: chrono_tz::Tz = self
            .tz
            .parse()
            .map_err(|_| format!("--tz `{}`: not an IANA time zone name", self.tz))?;
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
            (None, None) => Utc::now(),
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

    pub fn outcome(&self) -> CreateOutcome {
        match (&self.record_id, &self.create_fails) {
            (_, Some(message)) => CreateOutcome::Failed(message.clone()),
            (Some(id), None) => CreateOutcome::Created(id.clone()),
            (None, None) => CreateOutcome::Created(SIMULATED_RECORD_ID.to_owned()),
        }
    }
}

/// The agent's notes when none are given.
pub const DEFAULT_NOTES: &str = "Customer wants a quote by Friday";

/// The transaction codes the agent selects when none are given.
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
pub fn caller_id(req: &ClickToDialRequest) -> String {
    req.caller_id
        .clone()
        .unwrap_or_else(|| "5251990".to_owned())
}

/// The simulated agent on the screenpop (no real credentials anywhere).
pub fn simulated_screenpop(ctl_userdata: &clicktodial::UserData<'_>) -> Screenpop {
    Screenpop {
        agent_id: "agent42".into(),
        username: "agent42@crm.example.com".into(),
        password: "simulated".into(),
        account: "00D5e000000Acme".into(),
        role: "sfdc".into(),
        ..Screenpop::for_userdata(ctl_userdata)
    }
}

/// What the contact center would expand and post once the call ends. A
/// context whose `now` was never set is refused (no call dated 1970).
pub fn simulate(
    req: &ClickToDialRequest,
    ctx: &CallContext,
    outcome: CreateOutcome,
) -> Result<Value, String> {
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
            json!({"url": url.as_str(), "form": done.to_form()}),
            Value::Null,
        ),
        Some(Err(e)) => (Value::Null, json!(e.to_string())),
        None => (Value::Null, Value::Null),
    };
    Ok(json!({
        "expanded": crate::model::pairs(expanded.iter()),
        "sfdc": sfdc.map(|c| json!({"path": c.path(SFDC_API_VERSION), "json": c.to_json()})),
        "screenpop": plan.screenpop.as_ref().map(|_| json!({
            "form": simulated_screenpop(&done.ctl_userdata).to_form(),
        })),
        "callback": callback,
        "callback_error": callback_error,
        "result_code": done.result_code.as_str(),
        "error_string": done.error_string,
    }))
}

pub fn simulate_text(sim: &Value) -> String {
    let s = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let mut out = String::from("expanded data\n");
    for pair in sim["expanded"].as_array().into_iter().flatten() {
        let _ = writeln!(
            out,
            "  {:<18} {}",
            s(&pair[0]),
            s(&pair[1]).replace('\n', "\\n")
        );
    }
    match &sim["sfdc"] {
        Value::Null => out.push_str("\nSalesforce create: none\n"),
        c => {
            let _ = writeln!(
                out,
                "\nSalesforce create\n  POST {}\n  {}",
                s(&c["path"]),
                s(&c["json"])
            );
        }
    }
    match &sim["screenpop"] {
        Value::Null => out.push_str("\nscreenpop: none\n"),
        p => {
            out.push_str("\nscreenpop POST (application/x-www-form-urlencoded)\n");
            form_fields(&mut out, &s(&p["form"]));
        }
    }
    match (&sim["callback"], &sim["callback_error"]) {
        (Value::Null, Value::Null) => out.push_str("\ncallback: none\n"),
        (Value::Null, e) => {
            let _ = writeln!(out, "\ncallback refused: {}", s(e));
        }
        (c, _) => {
            let _ = writeln!(
                out,
                "\ncallback POST {} (application/x-www-form-urlencoded)",
                s(&c["url"])
            );
            form_fields(&mut out, &s(&c["form"]));
        }
    }
    let _ = writeln!(out, "\nresult code  {}", s(&sim["result_code"]));
    let error = s(&sim["error_string"]);
    if !error.is_empty() {
        let _ = writeln!(out, "errorString  {error}");
    }
    out
}

/// A form body, one field a line, decoded.
fn form_fields(out: &mut String, form: &str) {
    for (name, value) in url::form_urlencoded::parse(form.as_bytes()) {
        let _ = writeln!(out, "  {name:<12} {}", value.replace('\n', "\\n"));
    }
}

pub fn run(args: Args) -> Result<ExitCode, String> {
    let link = args.link.as_deref().unwrap_or(EXAMPLE_1);
    let c = check(link);
    let Some(req) = &c.request else {
        match args.format {
            Format::Json => print_json(&c.to_json()),
            Format::Text => print(&render(&c.link, "link", &c.findings, styled())),
        }
        return Ok(crate::lint::status(std::slice::from_ref(&c)));
    };
    let ctx = args.call.context(req)?;
    let sim = simulate(req, &ctx, args.call.outcome())?;
    match args.format {
        Format::Json => print_json(&sim),
        Format::Text => print(&simulate_text(&sim)),
    }
    Ok(ExitCode::SUCCESS)
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
        for bad in ["", "m", "7x", "1s2m", "7m31", "1h1h", "-3s"] {
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
}
