//! `clicktodial explain [--format text|json] [--as auto|link|template] <LINK>`
//!
//! With errors too: the dial string, the parameters, the data and the plan
//! as far as they could be read, beside the findings.

use std::fmt::Write as _;
use std::process::ExitCode;

use clicktodial::check;
use clicktodial_report::ExplainReport;

use crate::output::{is_link, print, print_json, status, styled, Format, ReadAsArg};
use crate::render::render;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Read the text as a link or as a CRM template [default: a template
    /// when `phone` holds a merge field, else a link].
    #[arg(long = "as", value_enum, value_name = "READING", default_value_t)]
    pub read_as: ReadAsArg,
    /// The link (lines joined when it is given over several).
    #[arg(value_name = "LINK")]
    pub link: String,
}

fn section(out: &mut String, title: &str, rows: &[[String; 2]]) {
    let _ = writeln!(out, "\n{title}");
    if rows.is_empty() {
        let _ = writeln!(out, "  (none)");
    }
    let width = rows
        .iter()
        .map(|[n, _]| n.chars().count())
        .max()
        .unwrap_or(0);
    for [n, v] in rows {
        let v = v.replace('\n', "\\n");
        let _ = writeln!(out, "  {n:<width$}  {v}");
    }
}

/// The explanation for people: every section as far as it was read.
pub fn explain_text(x: &ExplainReport) -> String {
    let mut out = String::new();
    if x.read_as == "template" {
        let _ = writeln!(
            out,
            "read as a CRM link template (its `phone` holds a merge field); `--as link` reads it as a link"
        );
    }
    let dial = match (&x.dial_string, x.read_as.as_str()) {
        (Some(dial), _) => dial.as_str(),
        (None, "template") => "(set when the CRM fills the merge fields)",
        (None, _) => "(none: the phone cannot be read)",
    };
    let _ = writeln!(out, "dial string  {dial}");
    section(&mut out, "parameters", &x.parameters);
    section(&mut out, "system data (ctl_*)", &x.system);
    section(&mut out, "user data", &x.user_data);
    if let Some(ext) = &x.ext_transaction_data {
        section(&mut out, "extTransactionData", ext);
    }
    if let Some(plan) = &x.plan {
        let create = match (&plan.create, &plan.ignored) {
            (Some(c), _) => format!(
                "{} record `{}`",
                c.integration,
                c.object_type.as_deref().unwrap_or("(no ObjectType)")
            ),
            (None, Some(why)) => format!("ignored: {why} (result code IGNORE)"),
            (None, None) => "none (result code IGNORE)".to_owned(),
        };
        let screenpop = match &plan.screenpop {
            Some(s) => format!(
                "{} (parent {}, window {})",
                s.mode,
                s.parent_id.as_deref().unwrap_or("-"),
                s.record_name.as_deref().unwrap_or("-")
            ),
            None => "none".to_owned(),
        };
        let callback = plan
            .callback_url
            .clone()
            .unwrap_or_else(|| "none".to_owned());
        section(
            &mut out,
            "action plan",
            &[
                ["create".to_owned(), create],
                ["screenpop".to_owned(), screenpop],
                ["callback".to_owned(), callback],
            ],
        );
    }
    let tokens: Vec<[String; 2]> = x
        .tokens
        .iter()
        .map(|t| {
            [
                t.token.clone(),
                format!("in {}: {}", t.in_pairs.join(", "), t.when),
            ]
        })
        .collect();
    section(
        &mut out,
        "tokens (all replaced when the call ends)",
        &tokens,
    );
    out
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let c = check(&args.link, args.read_as.into());
    let report = ExplainReport::of(&c);
    match args.format {
        Format::Json => print_json(&report),
        Format::Text if !is_link(&c) => print(&render(c.text(), "link", c.findings(), styled())),
        Format::Text => {
            let mut out = explain_text(&report);
            if !c.findings().is_empty() {
                out.push_str("\nfindings\n\n");
                out.push_str(&render(c.text(), "link", c.findings(), styled()));
            }
            print(&out);
        }
    }
    // Warnings do not fail an explanation; an error (a refused link) does.
    let refused = c
        .findings()
        .iter()
        .any(|f| f.severity() == clicktodial::Severity::Error);
    Ok(if refused {
        status(std::slice::from_ref(&c))
    } else {
        ExitCode::SUCCESS
    })
}
