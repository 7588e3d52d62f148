//! `clicktodial build --base URL --phone PHONE [--prefix P] [--caller-id ID]
//! [--data '[name|value]...'] [--template salesforce]` and
//! `clicktodial fill <TEMPLATE> --field Object.Field=VALUE...`

use std::process::ExitCode;

use clicktodial::{check, fill_link_template, Finding, ReadAs, SampleRecord};
use clicktodial_report::{build_link, BuildSettings, FillReport};

use crate::output::{print, print_json, Format};
use crate::render::render;

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

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let settings = BuildSettings {
        base: args.base,
        phone: args.phone,
        prefix: args.prefix,
        caller_id: args.caller_id,
        data: args.data,
        template: args
            .template
            .map(|TemplateKind::Salesforce| "salesforce".to_owned()),
    };
    let link = build_link(&settings).map_err(anyhow::Error::msg)?;
    if settings.template.is_none() {
        // The link is right; say what it will not do as meant.
        let c = check(&link, ReadAs::Link);
        if !c.findings().is_empty() {
            eprint!("{}", render(c.text(), "link", c.findings(), false));
        }
    }
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

pub fn run_fill(args: FillArgs) -> anyhow::Result<ExitCode> {
    let fields = args
        .field
        .iter()
        .map(|f| parse_field(f))
        .collect::<Result<Vec<_>, _>>()
        .map_err(anyhow::Error::msg)?;
    let filled = FillReport::new(&args.template, &fields);
    match args.format {
        Format::Json => print_json(&filled),
        Format::Text => {
            if let Some(link) = &filled.link {
                print(&format!("{link}\n"));
            }
            for name in &filled.unused {
                eprintln!("warning: --field {name}: the template has no such merge field");
            }
            if filled.link.is_none() {
                let record: SampleRecord = fields.iter().cloned().collect();
                if let Err(errors) = fill_link_template(&args.template, &record) {
                    let findings: Vec<Finding> = errors.iter().map(Finding::from).collect();
                    eprint!(
                        "{}",
                        render(
                            &args.template,
                            "template",
                            &findings,
                            std::io::IsTerminal::is_terminal(&std::io::stderr()),
                        )
                    );
                }
            }
        }
    }
    Ok(if filled.link.is_some() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
