//! `clicktodial build --base URL --phone PHONE [--prefix P] [--caller-id ID]
//! [--data '[name|value]...'] [--template salesforce]` and
//! `clicktodial fill <TEMPLATE> --field Object.Field=VALUE...`

use std::process::ExitCode;

use clicktodial::{ClickToDialRequest, UserData};
use serde_json::json;

use crate::check::check;
use crate::output::{print, print_json, Format};
use crate::render::render;
use crate::template::{fill, salesforce, LinkParts};

/// Which CRM's custom-link template to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TemplateKind {
    /// A Salesforce custom link (content source URL), `{!Object.Field}`
    /// merge fields intact.
    Salesforce,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The tenant's login URL (`https://vcc-na4.8x8.com`).
    #[arg(long, value_name = "URL")]
    pub base: String,
    /// The number to dial (a merge field such as `{!Account.Phone}` with
    /// --template).
    #[arg(long, value_name = "PHONE")]
    pub phone: String,
    /// Digits dialled before the number.
    #[arg(long, value_name = "P")]
    pub prefix: Option<String>,
    /// The caller ID (digits).
    #[arg(long, value_name = "ID")]
    pub caller_id: Option<String>,
    /// ctl_userdata as `[name|value]` pairs.
    #[arg(long, value_name = "[name|value]...")]
    pub data: Option<String>,
    /// Write a CRM custom-link template instead of a link.
    #[arg(long, value_enum, value_name = "CRM")]
    pub template: Option<TemplateKind>,
}

pub fn run(args: Args) -> Result<ExitCode, String> {
    let link = match args.template {
        Some(TemplateKind::Salesforce) => salesforce(&LinkParts {
            base: args.base,
            phone: args.phone,
            prefix: args.prefix,
            caller_id: args.caller_id,
            data: args.data,
        })?,
        None => {
            let mut req = ClickToDialRequest::new(args.phone);
            req.prefix = args.prefix;
            req.caller_id = args.caller_id;
            req.userdata = args
                .data
                .as_deref()
                .map(|d| UserData::parse(d).map(UserData::into_owned))
                .transpose()
                .map_err(|e| format!("--data: {e}"))?;
            let link = req.to_url(&args.base).map_err(|e| e.to_string())?;
            // The link is right; say what it will not do as meant.
            let c = check(&link);
            if !c.findings.is_empty() {
                eprint!("{}", render(&c.link, "link", &c.findings, false));
            }
            link
        }
    };
    print(&format!("{link}\n"));
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, clap::Args)]
pub struct FillArgs {
    /// The template, with `{!Object.Field}` merge fields.
    #[arg(value_name = "TEMPLATE")]
    pub template: String,
    /// A merge field's value, repeated.
    #[arg(long = "field", value_name = "Object.Field=VALUE")]
    pub field: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `Object.Field=VALUE`.
pub fn parse_field(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_owned(), value.to_owned()))
        }
        _ => Err(format!("--field `{text}`: expected Object.Field=VALUE")),
    }
}

pub fn fill_json(template: &str, fields: &[(String, String)]) -> serde_json::Value {
    let filled = fill(template, fields);
    json!({"link": filled.link, "missing": filled.missing, "unused": filled.unused})
}

pub fn run_fill(args: FillArgs) -> Result<ExitCode, String> {
    let fields = args
        .field
        .iter()
        .map(|f| parse_field(f))
        .collect::<Result<Vec<_>, _>>()?;
    let filled = fill(&args.template, &fields);
    match args.format {
        Format::Json => print_json(&fill_json(&args.template, &fields)),
        Format::Text => {
            print(&format!("{}\n", filled.link));
            for name in &filled.unused {
                eprintln!("warning: --field {name}: the template has no such merge field");
            }
            for name in &filled.missing {
                eprintln!("error: no --field for merge field {{!{name}}}");
            }
        }
    }
    Ok(if filled.missing.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
