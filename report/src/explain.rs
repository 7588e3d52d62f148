//! The explain report: the dial string, the parameters, the data, the
//! action plan and the tokens of a link, as far as they could be read,
//! beside every finding.

use clicktodial::{
    check, is_system_name, ActionPlan, ClickToDialRequest, LinkMap, ReadAs, Template, Token,
    UserData,
};
use schemars::JsonSchema;
use serde::Serialize;

use crate::finding::{findings, FindingReport};

/// The record the plan creates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateReport {
    /// The integration (`sfdc`).
    pub integration: String,
    /// The object type (`ObjectType`), if given.
    pub object_type: Option<String>,
}

/// How the plan launches the screenpop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScreenpopReport {
    /// `readonly` or `edit` (as `LaunchMode::as_str` writes it).
    pub mode: String,
    /// `ctl_parentid`.
    pub parent_id: Option<String>,
    /// `ctl_recordname`.
    pub record_name: Option<String>,
}

/// What the contact center will do for a call over the link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlanReport {
    /// The create, if the data asks for a supported one.
    pub create: Option<CreateReport>,
    /// Why an action will not run, if one will not.
    pub ignored: Option<String>,
    /// The screenpop, if launched.
    pub screenpop: Option<ScreenpopReport>,
    /// `ctl_callbackUrl` as written, if given.
    pub callback_url: Option<String>,
}

impl From<&ActionPlan> for PlanReport {
    fn from(plan: &ActionPlan) -> PlanReport {
        PlanReport {
            create: plan.create.as_ref().map(|c| CreateReport {
                integration: c.integration.as_str().to_owned(),
                object_type: c.object_type.clone(),
            }),
            ignored: plan.ignored.as_ref().map(ToString::to_string),
            screenpop: plan.screenpop.as_ref().map(|s| ScreenpopReport {
                mode: s.mode.as_str().to_owned(),
                parent_id: s.parent_id.clone(),
                record_name: s.record_name.clone(),
            }),
            callback_url: plan.callback_url.clone(),
        }
    }
}

/// One token the data uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokenReport {
    /// `$name$`.
    pub token: String,
    /// The names of the pairs it is in, in order.
    #[serde(rename = "in")]
    pub in_pairs: Vec<String>,
    /// When the contact center gives it its value.
    pub when: String,
}

/// When a token gets its value, in the contact center's words.
///
/// # Example
///
/// ```
/// use clicktodial::Token;
/// assert_eq!(clicktodial_report::ExplainReport::when(Token::Equal), "always `=`");
/// ```
fn when(token: Token) -> &'static str {
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

/// Each token used, in order of first use, with the names of its pairs.
fn tokens(data: &UserData<'_>) -> Vec<TokenReport> {
    let mut out: Vec<(Token, Vec<String>)> = Vec::new();
    for (name, value) in data.iter() {
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
    out.into_iter()
        .map(|(t, names)| TokenReport {
            token: format!("${}$", t.name()),
            in_pairs: names,
            when: when(t).to_owned(),
        })
        .collect()
}

fn pairs<'a>(it: impl Iterator<Item = (&'a str, &'a str)>) -> Vec<[String; 2]> {
    it.map(|(n, v)| [n.to_owned(), v.to_owned()]).collect()
}

/// The parameters of a request, in the order the library writes them.
fn parameters(req: &ClickToDialRequest) -> Vec<[String; 2]> {
    let mut out = Vec::new();
    let mut push = |n: &str, v: String| out.push([n.to_owned(), v]);
    if let Some(p) = &req.prefix {
        push("prefix", p.clone());
    }
    if !req.phone.is_empty() {
        push("phone", req.phone.clone());
    }
    if let Some(c) = &req.caller_id {
        push("callerId", c.clone());
    }
    if let Some(d) = req.dialplan_id {
        push("dialplan_id", d.to_string());
    }
    if let Some(q) = req.queue_id {
        push("queue_id", q.to_string());
    }
    if let Some(u) = &req.userdata {
        push("ctl_userdata", u.to_string());
    }
    if let Some(e) = &req.ext_transaction_data {
        push("extTransactionData", e.data().to_string());
    }
    out.extend(req.extra.iter().map(|(n, v)| [n.clone(), v.clone()]));
    out
}

/// `clicktodial explain --format json`, `/api/explain`: what a link does,
/// as far as it could be read, beside every finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExplainReport {
    /// The text as read (lines joined when given over several).
    pub link: String,
    /// `link` or `template`.
    pub read_as: String,
    /// The digits dialled, when the phone is readable.
    pub dial_string: Option<String>,
    /// The parameters read, `[name, value]`, in the vendor's order (for a
    /// template: as written, merge fields and all).
    pub parameters: Vec<[String; 2]>,
    /// The system pairs (`ctl_…`) of `ctl_userdata`, `[name, value]`.
    pub system: Vec<[String; 2]>,
    /// The user pairs of `ctl_userdata`.
    pub user_data: Vec<[String; 2]>,
    /// The pairs of `extTransactionData`, if given.
    pub ext_transaction_data: Option<Vec<[String; 2]>>,
    /// The action plan, when the text was read as a link.
    pub plan: Option<PlanReport>,
    /// The tokens the data uses.
    pub tokens: Vec<TokenReport>,
    /// Every finding, in the order of the text.
    pub findings: Vec<FindingReport>,
}

/// # Example
///
/// ```
/// use clicktodial::ReadAs;
/// let report = clicktodial_report::ExplainReport::new(
///     "https://h.example.com/AGUI/make_call.php?prefix=1&phone=(650)%20555-0142&queue_id=x\
///      &ctl_userdata=[subject|Call%20$transaction_id$][ctl_launchopt|true]",
///     ReadAs::Auto,
/// );
/// assert_eq!(report.dial_string.as_deref(), Some("16505550142"));
/// assert_eq!(report.findings[0].code, "not-digits");
/// assert_eq!(report.user_data, [["subject".to_owned(), "Call $transaction_id$".to_owned()]]);
/// assert!(report.plan.unwrap().screenpop.is_some());
/// assert_eq!(report.tokens[0].token, "$transaction_id$");
/// ```
impl ExplainReport {
    /// Reads `text` as [`clicktodial::check`] does and explains it.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::ReadAs;
    /// let report = clicktodial_report::ExplainReport::new("hello", ReadAs::Auto);
    /// assert_eq!(report.dial_string, None);
    /// assert_eq!(report.findings[0].code, "not-a-link");
    /// ```
    pub fn new(text: &str, read_as: ReadAs) -> ExplainReport {
        ExplainReport::of(&check(text, read_as))
    }

    /// The report of a check already made.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{check, ReadAs};
    /// let report = clicktodial_report::ExplainReport::of(&check("phone=1&prefix=9", ReadAs::Auto));
    /// assert_eq!(report.dial_string.as_deref(), Some("91"));
    /// ```
    pub fn of(checked: &clicktodial::Checked) -> ExplainReport {
        let request = checked.link().and_then(|l| l.request());
        let data = request.and_then(|r| r.userdata.clone()).unwrap_or_default();
        ExplainReport {
            link: checked.text().to_owned(),
            read_as: checked.read_as().as_str().to_owned(),
            dial_string: checked
                .link()
                .and_then(|l| l.dial_string())
                .map(str::to_owned),
            parameters: match request {
                Some(request) => parameters(request),
                // A template: its parameters as written, merge fields and all.
                None => LinkMap::new(checked.text())
                    .params()
                    .iter()
                    .filter(|p| !p.name().trim().is_empty())
                    .map(|p| [p.name().trim().to_owned(), p.value().to_owned()])
                    .collect(),
            },
            system: pairs(data.iter().filter(|(n, _)| is_system_name(n))),
            user_data: pairs(data.iter().filter(|(n, _)| !is_system_name(n))),
            ext_transaction_data: request
                .and_then(|r| r.ext_transaction_data.as_ref())
                .map(|e| pairs(e.data().iter())),
            plan: request.map(|_| PlanReport::from(&ActionPlan::new(&data))),
            tokens: tokens(&data),
            findings: findings(checked.findings()),
        }
    }

    /// When a token gets its value, in the contact center's words.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::Token;
    /// let when = clicktodial_report::ExplainReport::when(Token::Notes);
    /// assert_eq!(when, "when the agent writes the notes (wrap-up)");
    /// ```
    pub fn when(token: Token) -> &'static str {
        when(token)
    }
}
