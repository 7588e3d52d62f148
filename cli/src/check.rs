//! Everything wrong with one link: request errors, `ctl_userdata` parse
//! diagnostics and lints, as [`Finding`]s with their place in the link.
//
// The library stops at a request's first error; this module reads on
// (ctl_userdata leniently) so a user sees every problem at once. replaced by
// clicktodial's lenient request parsing (issue 13): then `check` calls it and
// maps its spans, and the fallbacks below go.

use clicktodial::{
    ClickToDialRequest, Diagnostic, ExtTransactionData, Lint, RequestError, RequestErrorKind,
    UserData,
};

use crate::finding::{kebab_kind, Finding, Severity};
use crate::linkmap::{join_lines, LinkMap};

const CTL_USERDATA: &str = "ctl_userdata";
const EXT_TRANSACTION_DATA: &str = "extTransactionData";

/// The outcome of checking one link.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The link as read (lines joined): every span points into it.
    pub link: String,
    pub findings: Vec<Finding>,
    /// The request, when the library accepted it.
    pub request: Option<ClickToDialRequest>,
    /// False: the text is not a click-to-dial link at all.
    pub is_link: bool,
}

impl Checked {
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "link": self.link,
            "findings": self.findings.iter().map(Finding::to_json).collect::<Vec<_>>(),
        })
    }
}

/// Checks one link, given on one line or over several.
pub fn check(input: &str) -> Checked {
    let joined = join_lines(input);
    let link = joined.text;
    let mut findings = Vec::new();
    if joined.lines > 1 {
        findings.push(Finding::new(
            "joined-lines",
            Severity::Warning,
            format!(
                "the link was given over {} lines and is read with them joined: \
                 store it as one line",
                joined.lines
            ),
        ));
    }
    let parsed = url::Url::parse(&link).ok();
    let is_link = parsed
        .as_ref()
        .is_some_and(|u| u.path().to_ascii_lowercase().ends_with("/make_call.php"));
    if !is_link {
        findings.push(Finding::new(
            "not-a-link",
            Severity::Error,
            "not a click-to-dial link: expected https://<tenant host>/AGUI/make_call.php?phone=…",
        ));
        return Checked {
            link,
            findings,
            request: None,
            is_link,
        };
    }
    let map = LinkMap::new(&link);
    let request = match ClickToDialRequest::from_url(&link) {
        Ok(request) => {
            findings.extend(request.lint().into_iter().map(|l| from_lint(l, &map)));
            Some(request)
        }
        Err(error) => {
            let query = parsed
                .as_ref()
                .and_then(url::Url::query)
                .unwrap_or_default();
            if matches!(error.kind(), RequestErrorKind::NotHttps(_)) {
                // The scheme is checked first: read the rest as well.
                findings.push(from_request_error(&error, &map));
                let mut rest = check(&format!(
                    "https{}",
                    &link[map.scheme_span().map_or(0, |s| s.end)..]
                ));
                let shift = |span: std::ops::Range<usize>| {
                    let by = "https".len();
                    let scheme = map.scheme_span().map_or(0, |s| s.end);
                    (span.start + scheme).saturating_sub(by)..(span.end + scheme).saturating_sub(by)
                };
                for f in &mut rest.findings {
                    f.span = f.span.clone().map(shift);
                }
                findings.extend(rest.findings);
                return Checked {
                    link,
                    findings,
                    request: None,
                    is_link,
                };
            }
            let in_userdata = error.parameter() == Some(CTL_USERDATA);
            if !in_userdata {
                findings.push(from_request_error(&error, &map));
            }
            if let Some(text) = last_param(query, CTL_USERDATA) {
                findings.extend(userdata_findings(&text, &map));
            }
            if in_userdata {
                if let Some(text) = last_param(query, EXT_TRANSACTION_DATA) {
                    if let Err(error) = ExtTransactionData::parse(&text) {
                        let at = error.offset();
                        findings.push(
                            Finding::new(
                                kebab_kind(&format!("{:?}", error.kind())),
                                Severity::Error,
                                format!("`{EXT_TRANSACTION_DATA}`: {error}"),
                            )
                            .at(map.in_value(EXT_TRANSACTION_DATA, at..at + 1)),
                        );
                    }
                }
            }
            None
        }
    };
    Checked {
        link,
        findings,
        request,
        is_link,
    }
}

fn last_param(query: &str, name: &str) -> Option<String> {
    url::form_urlencoded::parse(query.as_bytes())
        .filter(|(n, _)| n.trim() == name)
        .last()
        .map(|(_, v)| v.into_owned())
}

/// Every problem in `ctl_userdata`: what the lenient parse skipped, then
/// the lints of what it kept.
fn userdata_findings(text: &str, map: &LinkMap<'_>) -> Vec<Finding> {
    let (data, diagnostics) = UserData::parse_lenient(text);
    let mut out: Vec<Finding> = diagnostics
        .iter()
        .map(|d| from_diagnostic(d, map))
        .collect();
    out.extend(data.lint().into_iter().map(|l| from_lint(l, map)));
    out
}

fn from_diagnostic(d: &Diagnostic, map: &LinkMap<'_>) -> Finding {
    Finding::new(
        kebab_kind(&format!("{:?}", d.kind())),
        Severity::Error,
        format!("`{CTL_USERDATA}`: {}: this part is skipped", d.kind()),
    )
    .at(map.in_value(CTL_USERDATA, d.span()))
}

fn from_lint(lint: Lint, _map: &LinkMap<'_>) -> Finding {
    // Lint::span() (issue 10) is in the ctl_userdata text: map it with
    // `_map.in_value(CTL_USERDATA, span)` once the library has it.
    Finding::new(
        kebab_kind(&format!("{:?}", lint.kind)),
        Severity::Warning,
        lint.message,
    )
}

fn from_request_error(error: &RequestError, map: &LinkMap<'_>) -> Finding {
    let kind = match error.kind() {
        RequestErrorKind::Data { error, .. } => format!("{:?}", error.kind()),
        other => format!("{other:?}"),
    };
    let span = match error.kind() {
        RequestErrorKind::NotHttps(_) => map.scheme_span(),
        RequestErrorKind::Data { parameter, error } => {
            let at = error.offset();
            map.in_value(parameter, at..at + 1)
        }
        _ => error.parameter().and_then(|p| map.value_span(p)),
    };
    Finding::new(kebab_kind(&kind), Severity::Error, error.to_string()).at(span)
}

/// What to do about a finding, where there is more to say than its message.
pub fn help(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "joined-lines" => "remove the line breaks where the link is stored",
        "not-https" => "the click-to-dial API accepts https:// links only",
        "invalid-phone" => {
            "write the number with digits and `+ - . ( ) /` or spaces; a `{!…}` merge \
             field must be filled by the CRM before the link is used"
        }
        "not-digits" | "overflow" => "write digits only",
        "missing-phone" => "add `phone=` with the number to dial",
        "unterminated-pair" => "close the pair with `]` (write a `]` inside a value as `%5D`)",
        "missing-separator" => "write the pair as `[name|value]` (a `]` in a name as `%5D`)",
        "empty-name" => "give the pair a name: `[name|value]`",
        "text-between-pairs" => "only white space may stand between pairs",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_a_link() {
        let c = check("hello world");
        assert!(!c.is_link);
        assert_eq!(c.findings[0].kind, "not-a-link");
    }

    #[test]
    fn a_bad_phone_is_underlined_and_userdata_is_still_read() {
        let c = check(
            "https://h.example.com/AGUI/make_call.php?phone={!Account.Phone}&ctl_userdata=[a|b",
        );
        assert!(c.request.is_none());
        let kinds: Vec<_> = c.findings.iter().map(|f| f.kind.as_str()).collect();
        assert_eq!(kinds, ["invalid-phone", "unterminated-pair"]);
        let span = c.findings[0].span.clone().unwrap();
        assert_eq!(&c.link[span], "{!Account.Phone}");
        let span = c.findings[1].span.clone().unwrap();
        assert_eq!(&c.link[span], "[a|b");
    }

    #[test]
    fn http_is_refused_at_the_scheme() {
        let c = check("http://h.example.com/AGUI/make_call.php?phone=1");
        assert_eq!(c.findings[0].kind, "not-https");
        assert_eq!(c.findings[0].span, Some(0..4));
    }
}
