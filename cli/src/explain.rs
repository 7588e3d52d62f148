//! `clicktodial explain [--format text|json] <LINK>`

use std::fmt::Write as _;
use std::process::ExitCode;

use clicktodial::{is_system_name, ActionPlan, ClickToDialRequest, Template, Token};
use serde_json::{json, Value};

use crate::check::{check, Checked};
use crate::finding::Finding;
use crate::model::{mode_str, pairs, parameters, plan_json, userdata};
use crate::output::{print, print_json, styled, Format};
use crate::render::render;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// The link (lines joined when it is given over several).
    #[arg(value_name = "LINK")]
    pub link: String,
}

/// When a token gets its value, in the contact center's words.
pub fn when(token: Token) -> &'static str {
    use Token::*;
    match token {
        CallerId => "when the call is placed: the caller ID it is made with",
        TransactionId | InteractionGuid => "when the call is placed",
        CallAnsweredTime => "when the customer answers (0 if the call is never established)",
        CallAnsweredTenantTime => {
            "when the customer answers, in the tenant's zone (empty if never established)"
        }
        CallHangupTime => "at hang-up (0 if the call is never established)",
        CallHangupTenantTime => "at hang-up, in the tenant's zone (empty if never established)",
        CallDuration => "at hang-up (00:00:00 if the call is never established)",
        Equal => "always `=`",
        Year | Month | Date | Hours | Minutes | Seconds => {
            "when the call ends and the data is expanded (the tenant's clock)"
        }
        TransactionCodes | LastTclListName | LastTclCodeDesc | LastTclCodeShort => {
            "when the agent selects transaction codes (wrap-up)"
        }
        Notes => "when the agent writes the notes (wrap-up)",
        _ => "when the call ends",
    }
}

/// Each token used, in order of first use, with the names of the pairs it
/// is in.
pub fn tokens(req: &ClickToDialRequest) -> Vec<(Token, Vec<String>)> {
    let mut out: Vec<(Token, Vec<String>)> = Vec::new();
    for (name, value) in userdata(req).iter() {
        for token in Template::compile(value).tokens() {
            match out.iter_mut().find(|(t, _)| *t == token) {
                Some((_, names)) if names.last().map(String::as_str) != Some(name) => {
                    names.push(name.to_owned())
                }
                Some(_) => {}
                None => out.push((token, vec![name.to_owned()])),
            }
        }
    }
    out
}

pub fn explain_json(c: &Checked) -> Value {
    let Some(req) = &c.request else {
        return c.to_json();
    };
    let data = userdata(req);
    let plan = ActionPlan::new(&data);
    json!({
        "link": c.link,
        "dial_string": req.dial_string(),
        "parameters": parameters(req).iter().map(|(n, v)| json!([n, v])).collect::<Vec<_>>(),
        "system": pairs(data.iter().filter(|(n, _)| is_system_name(n))),
        "user_data": pairs(data.iter().filter(|(n, _)| !is_system_name(n))),
        "ext_transaction_data": req.ext_transaction_data.as_ref().map(|e| pairs(e.data().iter())),
        "plan": plan_json(&plan),
        "tokens": tokens(req).iter().map(|(t, names)| json!({
            "token": format!("${}$", t.name()),
            "in": names,
            "when": when(*t),
        })).collect::<Vec<_>>(),
        "findings": c.findings.iter().map(Finding::to_json).collect::<Vec<_>>(),
    })
}

pub fn explain_text(c: &Checked, req: &ClickToDialRequest, styled: bool) -> String {
    let data = userdata(req);
    let plan = ActionPlan::new(&data);
    let mut out = String::new();
    let _ = writeln!(out, "dial string  {}", req.dial_string());
    let section = |out: &mut String, title: &str, rows: Vec<(String, String)>| {
        let _ = writeln!(out, "\n{title}");
        if rows.is_empty() {
            let _ = writeln!(out, "  (none)");
        }
        let width = rows
            .iter()
            .map(|(n, _)| n.chars().count())
            .max()
            .unwrap_or(0);
        for (n, v) in rows {
            let v = v.replace('\n', "\\n");
            let _ = writeln!(out, "  {n:<width$}  {v}");
        }
    };
    let owned = |it: Box<dyn Iterator<Item = (&str, &str)> + '_>| {
        it.map(|(n, v)| (n.to_owned(), v.to_owned()))
            .collect::<Vec<_>>()
    };
    section(&mut out, "parameters", parameters(req));
    section(
        &mut out,
        "system data (ctl_*)",
        owned(Box::new(data.iter().filter(|(n, _)| is_system_name(n)))),
    );
    section(
        &mut out,
        "user data",
        owned(Box::new(data.iter().filter(|(n, _)| !is_system_name(n)))),
    );
    if let Some(ext) = &req.ext_transaction_data {
        section(
            &mut out,
            "extTransactionData",
            owned(Box::new(ext.data().iter())),
        );
    }
    let mut rows = Vec::new();
    rows.push((
        "create".to_owned(),
        match (&plan.create, &plan.ignored) {
            (Some(c), _) => format!(
                "{} record `{}`",
                c.integration.as_str(),
                c.object_type.as_deref().unwrap_or("(no ObjectType)")
            ),
            (None, Some(why)) => format!("ignored: {why} (result code IGNORE)"),
            (None, None) => "none (result code IGNORE)".to_owned(),
        },
    ));
    rows.push((
        "screenpop".to_owned(),
        match &plan.screenpop {
            Some(s) => format!(
                "{} (parent {}, window {})",
                mode_str(s.mode),
                s.parent_id.as_deref().unwrap_or("-"),
                s.record_name.as_deref().unwrap_or("-")
            ),
            None => "none".to_owned(),
        },
    ));
    rows.push((
        "callback".to_owned(),
        plan.callback_url
            .clone()
            .unwrap_or_else(|| "none".to_owned()),
    ));
    section(&mut out, "action plan", rows);
    let tokens = tokens(req)
        .into_iter()
        .map(|(t, names)| {
            (
                format!("${}$", t.name()),
                format!("in {}: {}", names.join(", "), when(t)),
            )
        })
        .collect();
    section(&mut out, "tokens (all replaced when the call ends)", tokens);
    if !c.findings.is_empty() {
        let _ = writeln!(out, "\nfindings\n");
        out.push_str(&render(&c.link, "link", &c.findings, styled));
    }
    out
}

pub fn run(args: Args) -> Result<ExitCode, String> {
    let c = check(&args.link);
    match (&c.request, args.format) {
        (_, Format::Json) => print_json(&explain_json(&c)),
        (Some(req), Format::Text) => print(&explain_text(&c, req, styled())),
        (None, Format::Text) => print(&render(&c.link, "link", &c.findings, styled())),
    }
    Ok(match c.request {
        Some(_) => ExitCode::SUCCESS,
        None => crate::lint::status(std::slice::from_ref(&c)),
    })
}
