//! `clicktodial simulate [LINK] [--tz ZONE] [--answered RFC3339]
//! [--duration 7m31s] [--code LIST:SHORT[:DESCRIPTION]]... [--notes TEXT]
//! [--now RFC3339] [--record-id ID | --create-fails MESSAGE] [--format]`
//!
//! A finished call over a link, with nothing sent: what the contact center
//! would expand and post.

use std::fmt::Write as _;
use std::process::ExitCode;

use chrono::Utc;
use clicktodial::{check, ReadAs};
use clicktodial_report::{simulate, CallSettings, LintReport, SimulateReport};

use crate::output::{print, print_json, status, styled, Format, EXAMPLE_1};
use crate::render::render;

/// The call, as flags (the JSON body of `POST /api/simulate` is
/// [`CallSettings`], with the same names in camelCase).
#[derive(Debug, Clone, clap::Args)]
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

impl From<CallArgs> for CallSettings {
    fn from(a: CallArgs) -> Self {
        CallSettings {
            tz: a.tz,
            answered: a.answered,
            duration: a.duration,
            code: a.code,
            notes: a.notes,
            now: a.now,
            record_id: a.record_id,
            create_fails: a.create_fails,
        }
    }
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

pub fn simulate_text(sim: &SimulateReport) -> String {
    let mut out = String::from("expanded data\n");
    for [name, value] in &sim.expanded {
        let _ = writeln!(out, "  {name:<18} {}", value.replace('\n', "\\n"));
    }
    match &sim.sfdc {
        None => out.push_str("\nSalesforce create: none\n"),
        Some(c) => {
            let _ = writeln!(out, "\nSalesforce create\n  POST {}\n  {}", c.path, c.json);
        }
    }
    match &sim.screenpop {
        None => out.push_str("\nscreenpop: none\n"),
        Some(p) => {
            out.push_str("\nscreenpop POST (application/x-www-form-urlencoded)\n");
            form_fields(&mut out, &p.form);
        }
    }
    match (&sim.callback, &sim.callback_error) {
        (None, None) => out.push_str("\ncallback: none\n"),
        (None, Some(e)) => {
            let _ = writeln!(out, "\ncallback refused [{}]: {}", e.code, e.message);
            if let Some(help) = &e.help {
                let _ = writeln!(out, "  help: {help}");
            }
        }
        (Some(c), _) => {
            let _ = writeln!(
                out,
                "\ncallback POST {} (application/x-www-form-urlencoded)",
                c.url
            );
            form_fields(&mut out, &c.form);
        }
    }
    let _ = writeln!(out, "\nresult code  {}", sim.result_code);
    if !sim.error_string.is_empty() {
        let _ = writeln!(out, "errorString  {}", sim.error_string);
    }
    out
}

/// A form body, one field a line, decoded.
fn form_fields(out: &mut String, form: &str) {
    for (name, value) in url::form_urlencoded::parse(form.as_bytes()) {
        let _ = writeln!(out, "  {name:<12} {}", value.replace('\n', "\\n"));
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let link = args.link.as_deref().unwrap_or(EXAMPLE_1);
    let c = check(link, ReadAs::Link);
    let Some(req) = c.link().and_then(|l| l.accepted()) else {
        match args.format {
            Format::Json => print_json(&LintReport::of(&c)),
            Format::Text => print(&render(c.text(), "link", c.findings(), styled())),
        }
        return Ok(status(std::slice::from_ref(&c)));
    };
    let settings = CallSettings::from(args.call);
    let ctx = settings
        .context(req, Utc::now())
        .map_err(anyhow::Error::msg)?;
    let sim = simulate(req, &ctx, settings.outcome()).map_err(anyhow::Error::msg)?;
    match args.format {
        Format::Json => print_json(&sim),
        Format::Text => print(&simulate_text(&sim)),
    }
    Ok(ExitCode::SUCCESS)
}
