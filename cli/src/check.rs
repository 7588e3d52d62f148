//! Everything wrong with one link: request errors, the parts of
//! `ctl_userdata` and `extTransactionData` a lenient read skips, and lints,
//! as [`Finding`]s with their place in the link.
//!
//! The library does the reading and the placing:
//! [`ClickToDialRequest::from_url_lenient`] reads the data leniently and
//! places what it skipped in the link, [`RequestError::span`] and
//! [`RequestError::help`] place a refused parameter and say the fix, and
//! [`LinkMap`] maps a lint's `ctl_userdata` range into the link. This
//! module only joins a link printed over several lines, and reads on past
//! a refused dial parameter (the library stops at the first), so a user
//! sees every problem at once.

use std::ops::Range;

use clicktodial::{
    ClickToDialRequest, LinkMap, Lint, RequestDiagnostic, RequestError, RequestErrorKind,
};

use crate::finding::{kebab_kind, Finding, Severity};

const CTL_USERDATA: &str = "ctl_userdata";

/// The outcome of checking one link.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The link as read (exactly as given on one line; lines joined when it
    /// was given over several): every span points into it.
    pub link: String,
    pub findings: Vec<Finding>,
    /// The request, when the library accepts it as it is (strictly: no
    /// part of the data skipped).
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

/// A link given over several lines (as the vendor's text prints its
/// examples), joined into one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Joined {
    pub text: String,
    /// How many lines the input had (1: nothing was joined).
    pub lines: usize,
}

/// Joins the lines of `input`: each line break goes, with the white space
/// that ends the line before it and begins the line after it (the vendor's
/// text wraps inside values too: `call%20` / ` answered`), and so does the
/// white space around the whole input. A link on one line is kept exactly
/// as given, so that spans are offsets into the text as given.
pub fn join_lines(input: &str) -> Joined {
    let trimmed = input.trim();
    if trimmed.lines().nth(1).is_none() {
        return Joined {
            text: input.to_owned(),
            lines: 1,
        };
    }
    let mut text = String::with_capacity(trimmed.len());
    let mut lines = 0;
    for line in trimmed.lines() {
        lines += 1;
        let line = if lines == 1 { line } else { line.trim_start() };
        text.push_str(line.trim_end());
    }
    Joined { text, lines }
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
    let is_link = url::Url::parse(&link)
        .is_ok_and(|u| u.path().to_ascii_lowercase().ends_with("/make_call.php"));
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
    let request = read(&link, &mut findings);
    Checked {
        link,
        findings,
        request,
        is_link,
    }
}

/// At most this many refused dial parameters are reported for one link
/// (there are five: `prefix`, `phone`, `callerId`, `dialplan_id`,
/// `queue_id`), so the read below always ends.
const MAX_REPAIRS: usize = 8;

/// The bytes inserted into the link to read on past a refused parameter,
/// in order: `(where, how many)`, each in the text as it was then.
#[derive(Debug, Default)]
struct Edits(Vec<(usize, usize)>);

impl Edits {
    /// `len` bytes inserted at `at`.
    fn insert(&mut self, at: usize, len: usize) {
        self.0.push((at, len));
    }

    /// An offset in the edited text, in the link (an offset inside an
    /// insertion goes to where it was inserted).
    fn at(&self, mut x: usize) -> usize {
        for &(at, len) in self.0.iter().rev() {
            if x >= at + len {
                x -= len;
            } else if x > at {
                x = at;
            }
        }
        x
    }

    fn back(&self, span: Range<usize>) -> Range<usize> {
        let start = self.at(span.start);
        start..self.at(span.end).max(start)
    }
}

/// Reads `link` with the library, adding every finding; the request when
/// it is accepted as it is.
///
/// When a dial parameter is refused, the library says where, and stops.
/// To read on, the refused value is replaced by zeros of the same byte
/// length, a missing `phone` gets one, and a link that is not `https` is
/// read as `https`; spans in the text so edited are mapped back into
/// `link`.
fn read(link: &str, findings: &mut Vec<Finding>) -> Option<ClickToDialRequest> {
    let mut text = link.to_owned();
    let mut edits = Edits::default();
    let mut refused = false;
    for _ in 0..=MAX_REPAIRS {
        let error = match ClickToDialRequest::from_url_lenient(&text) {
            Ok((request, skipped)) => {
                let back = |span| edits.back(span);
                findings.extend(skipped.iter().map(|d| from_diagnostic(d, &back)));
                // The link as given: lints of parameter names and values
                // as written (white space from wrapped lines, …), each
                // placed in the link by the library.
                let lints = ClickToDialRequest::lint_link(&text).unwrap_or_else(|_| request.lint());
                let map = LinkMap::new(&text);
                findings.extend(lints.into_iter().map(|l| from_lint(l, &map, &back)));
                return (!refused && skipped.is_empty()).then_some(request);
            }
            Err(error) => error,
        };
        findings.push(from_request_error(&error, &|span| edits.back(span)));
        refused = true;
        match error.kind() {
            RequestErrorKind::NotHttps(scheme) if scheme.len() <= "https".len() => {
                let start = text.len() - text.trim_start().len();
                let end = start + scheme.len();
                text.replace_range(start..end, "https");
                edits.insert(end, "https".len() - scheme.len());
            }
            RequestErrorKind::MissingPhone => match LinkMap::new(&text).value_span("phone") {
                // `phone=` with nothing: a zero where the value goes.
                Some(span) => {
                    text.insert(span.start, '0');
                    edits.insert(span.start, 1);
                }
                None => {
                    let end = text.trim_end().len();
                    let at = text[..end].find('#').unwrap_or(end);
                    let added = if text[..at].contains('?') {
                        "&phone=0"
                    } else {
                        "?phone=0"
                    };
                    text.insert_str(at, added);
                    edits.insert(at, added.len());
                }
            },
            _ => {
                let span = error
                    .parameter()
                    .and_then(|p| LinkMap::new(&text).value_span(p))
                    .filter(|s| !s.is_empty())?;
                text.replace_range(span.clone(), &"0".repeat(span.len()));
            }
        }
    }
    None
}

fn from_diagnostic(d: &RequestDiagnostic, back: &dyn Fn(Range<usize>) -> Range<usize>) -> Finding {
    Finding::new(
        kebab_kind(&format!("{:?}", d.diagnostic().kind())),
        Severity::Error,
        format!(
            "`{}`: {}: this part is skipped",
            d.parameter(),
            d.diagnostic().kind()
        ),
    )
    .at(d.span().map(back))
    .help(d.help())
}

fn from_lint(lint: Lint, map: &LinkMap, back: &dyn Fn(Range<usize>) -> Range<usize>) -> Finding {
    let span = lint
        .link_span()
        .or_else(|| lint.span().and_then(|span| map.map(CTL_USERDATA, span)))
        .map(back);
    Finding::new(
        kebab_kind(&format!("{:?}", lint.kind)),
        Severity::Warning,
        lint.message,
    )
    .at(span)
}

/// A refused request: the kind's message (the place and the fix go in the
/// finding's span and help, not in its message as `Display` puts them).
pub fn from_request_error(
    error: &RequestError,
    back: &dyn Fn(Range<usize>) -> Range<usize>,
) -> Finding {
    let kind = match error.kind() {
        RequestErrorKind::Data { error, .. } => format!("{:?}", error.kind()),
        other => format!("{other:?}"),
    };
    Finding::new(kebab_kind(&kind), Severity::Error, error.kind().to_string())
        .at(error.span().map(back))
        .help(error.help())
}

/// What to do about a finding when the library has no fix of its own for
/// it: the tool's general advice by kind.
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
        "unterminated-pair" => {
            "close the pair with `]` (write a `]` inside a value as `%255D` in a link)"
        }
        "missing-separator" => {
            "write the pair as `[name|value]` (a `]` in a name as `%255D` in a link)"
        }
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
    fn joins_the_vendor_wrapping_inside_and_between_values() {
        let j = join_lines("https://x/a.php?d=[a|call%20\n answered]\n  [b|c]\n");
        assert_eq!(j.text, "https://x/a.php?d=[a|call%20answered][b|c]");
        assert_eq!(j.lines, 3);
        let one = join_lines("  https://x/a.php? prefix=1 ");
        assert_eq!(one.text, "  https://x/a.php? prefix=1 ", "kept as given");
        assert_eq!(one.lines, 1);
    }

    #[test]
    fn a_bad_phone_is_underlined_and_userdata_is_still_read() {
        let link =
            "https://h.example.com/AGUI/make_call.php?phone={!Account.Phone}&ctl_userdata=[a|b";
        let c = check(link);
        assert!(c.request.is_none());
        let kinds: Vec<_> = c.findings.iter().map(|f| f.kind.as_str()).collect();
        assert_eq!(kinds, ["invalid-phone", "unterminated-pair"]);
        let span = c.findings[0].span.clone().unwrap();
        assert_eq!(&c.link[span], "{!Account.Phone}", "the merge field, whole");
        assert!(c.findings[0]
            .help
            .as_deref()
            .unwrap()
            .contains("merge field"));
        let span = c.findings[1].span.clone().unwrap();
        assert_eq!(&c.link[span], "[a|b");
    }

    #[test]
    fn every_refused_dial_parameter_is_reported_in_place() {
        let link = "https://h.example.com/AGUI/make_call.php?prefix=1x&phone=6502928880\
                    &callerId=52–51&queue_id=99999999999999999999&ctl_userdata=[a|$Caller_ID$]";
        let c = check(link);
        let kinds: Vec<_> = c.findings.iter().map(|f| f.kind.as_str()).collect();
        assert_eq!(
            kinds,
            ["not-digits", "not-digits", "overflow", "unknown-token"]
        );
        let text = |i: usize| &c.link[c.findings[i].span.clone().unwrap()];
        assert_eq!(text(0), "x");
        assert_eq!(text(1), "–");
        assert_eq!(text(2), "99999999999999999999");
        assert_eq!(text(3), "$Caller_ID$");
        assert!(c.request.is_none());
    }

    #[test]
    fn a_missing_phone_then_the_data() {
        for link in [
            "https://h.example.com/AGUI/make_call.php?ctl_userdata=[a|$year]",
            "https://h.example.com/AGUI/make_call.php?phone=&ctl_userdata=[a|$year]",
        ] {
            let c = check(link);
            let kinds: Vec<_> = c.findings.iter().map(|f| f.kind.as_str()).collect();
            assert_eq!(kinds, ["missing-phone", "unterminated-token"], "{link}");
            assert_eq!(c.findings[0].span, None);
            assert_eq!(&c.link[c.findings[1].span.clone().unwrap()], "$year");
        }
    }

    #[test]
    fn http_is_refused_at_the_scheme_and_the_rest_is_read_in_place() {
        let link = "http://h.example.com/AGUI/make_call.php?phone=1&ctl_userdata=[a|$notes]";
        let c = check(link);
        assert_eq!(c.findings[0].kind, "not-https");
        assert_eq!(c.findings[0].span, Some(0..4));
        assert_eq!(c.findings[1].kind, "unterminated-token");
        assert_eq!(&link[c.findings[1].span.clone().unwrap()], "$notes");
        let padded = format!("  {link}");
        let c = check(&padded);
        assert_eq!(&padded[c.findings[0].span.clone().unwrap()], "http");
        assert_eq!(&padded[c.findings[1].span.clone().unwrap()], "$notes");
    }

    #[test]
    fn lints_are_placed_through_percent_escapes() {
        let link = "https://h.example.com/AGUI/make_call.php?phone=1\
                    &ctl_userdata=%5Bstart%7C%24call_answered_time%5D";
        let c = check(link);
        assert_eq!(c.findings[0].kind, "unterminated-token");
        assert_eq!(
            &link[c.findings[0].span.clone().unwrap()],
            "%24call_answered_time"
        );
        assert!(c.request.is_some());
    }
}
