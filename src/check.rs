//! One checker for every face: a text read as a link or as a CRM link
//! template by one detection ([`check`]).

use crate::crm::formula::merge_fields;
use crate::crm::template::LinkTemplate;
use crate::diagnostic::{Finding, SpanText};
use crate::request::link::LinkMap;
use crate::request::reading::LinkReading;
use crate::ClickToDialRequest;

/// How to read a text: as [`check`] detects it, or as told.
///
/// # Example
///
/// ```
/// use clicktodial::{check, ReadAs};
/// let text = "https://vcc-na4.8x8.com/AGUI/make_call.php?phone={!Account.Phone}";
/// assert_eq!(check(text, ReadAs::Auto).read_as(), ReadAs::Template);
/// assert_eq!(check(text, ReadAs::Link).read_as(), ReadAs::Link);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum ReadAs {
    /// Detect: a template when `phone` holds a merge field, else a link.
    #[default]
    Auto,
    /// A click-to-dial link, as the contact center receives it.
    Link,
    /// A CRM link template, before the CRM fills its merge fields.
    Template,
}

impl ReadAs {
    /// `auto`, `link` or `template`.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(clicktodial::ReadAs::Template.as_str(), "template");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            ReadAs::Auto => "auto",
            ReadAs::Link => "link",
            ReadAs::Template => "template",
        }
    }

    /// The reading [`check`] uses for `text` when not told: a template
    /// when the `phone` parameter holds a CRM merge field (`{!…}`), as
    /// every custom-link template does and no link a CRM filled in can;
    /// else a link (so a merge field the CRM left elsewhere in a link is a
    /// finding).
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::ReadAs;
    /// let filled = "https://h.example.com/AGUI/make_call.php?phone=1&ctl_userdata=[WhatId|{!Account.Id}]";
    /// assert_eq!(ReadAs::detect(filled), ReadAs::Link);
    /// assert_eq!(ReadAs::detect("https://h.example.com/AGUI/make_call.php?phone={!Account.Phone}"), ReadAs::Template);
    /// ```
    pub fn detect(text: &str) -> ReadAs {
        let joined: String = text.lines().map(str::trim).collect();
        match LinkMap::new(&joined).value("phone") {
            Some(phone) if phone.contains("{!") => ReadAs::Template,
            _ => ReadAs::Link,
        }
    }
}

/// What [`check`] found: the reading it used, the text as read, the
/// findings, and (read as a link) what the link reader read.
///
/// # Example
///
/// ```
/// use clicktodial::{check, ReadAs};
/// let checked = check("https://h.example.com/AGUI/make_call.php?phone=1&callerid=2", ReadAs::Auto);
/// assert_eq!(checked.read_as(), ReadAs::Link);
/// assert_eq!(checked.findings()[0].code(), "unknown-parameter");
/// assert!(checked.link().is_some());
/// ```
#[derive(Debug, Clone)]
pub struct Checked {
    read_as: ReadAs,
    text: String,
    findings: Vec<Finding>,
    link: Option<LinkReading>,
}

impl Checked {
    /// [`ReadAs::Link`] or [`ReadAs::Template`]: the reading used.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{check, ReadAs};
    /// assert_eq!(check("phone=1", ReadAs::Auto).read_as(), ReadAs::Link);
    /// ```
    pub fn read_as(&self) -> ReadAs {
        self.read_as
    }

    /// The text as read (lines joined when it was given over several):
    /// every span points into it.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{check, ReadAs};
    /// assert_eq!(check("phone=1\n &prefix=2", ReadAs::Auto).text(), "phone=1&prefix=2");
    /// ```
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Every finding, in the order of the text.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{check, ReadAs};
    /// assert!(check("phone=1", ReadAs::Auto).findings().is_empty());
    /// ```
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// What the link reader read, when the text was read as a link.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{check, ReadAs};
    /// let checked = check("phone=(650)%20555-0142&prefix=1", ReadAs::Auto);
    /// assert_eq!(checked.link().unwrap().dial_string(), Some("16505550142"));
    /// ```
    pub fn link(&self) -> Option<&LinkReading> {
        self.link.as_ref()
    }
}

/// Merge-field codes that only a template reading has (the rest of a
/// template's problems are found by reading it as a link).
const TEMPLATE_ONLY: [&str; 5] = [
    "unterminated-merge-field",
    "merge-field-syntax",
    "unsupported-function",
    "merge-field-too-long",
    "reserved-character",
];

/// Checks `text` as a link or a CRM link template: the one checker behind
/// the command's `lint` and `explain`, `serve`'s `/api/*`, and the page.
///
/// - Read as a **link** (and by default when `phone` holds no merge field),
///   it is [`ClickToDialRequest::read_link`]: every problem, placed; a
///   merge field left in it is an `unexpanded-merge-field` finding.
/// - Read as a **template**, each merge field stands for what the CRM will
///   put there (its bytes read as digits, so a `]` inside a merge field's
///   expression neither ends a pair nor fails the phone), the text so
///   masked is read as a link, and the template's own lints
///   ([`LinkTemplate::lint_text`]) and merge-field errors are added; spans
///   are in the template ([`SpanText::Template`]). A merge field where a
///   template may have one is no finding: the output of
///   [`LinkTemplate::to_salesforce`] checks clean.
///
/// # Example
///
/// ```
/// use clicktodial::{check, LinkTemplate, ReadAs};
///
/// let template = LinkTemplate::new("https://vcc-na4.8x8.com", "{!Account.Phone}")
///     .and_then(|mut t| t.push_userdata("WhatId", "{!Account.Id}").map(|()| t))
///     .unwrap()
///     .to_salesforce();
/// let checked = check(&template, ReadAs::Auto);
/// assert_eq!(checked.read_as(), ReadAs::Template);
/// assert!(checked.findings().is_empty(), "{:?}", checked.findings());
///
/// // The same text read as a link: the merge fields were never filled.
/// let as_link = check(&template, ReadAs::Link);
/// assert_eq!(as_link.findings()[0].code(), "invalid-phone");
/// ```
pub fn check(text: &str, read_as: ReadAs) -> Checked {
    let read_as = match read_as {
        ReadAs::Auto => ReadAs::detect(text),
        told => told,
    };
    if read_as != ReadAs::Template {
        let reading = ClickToDialRequest::read_link(text);
        return Checked {
            read_as: ReadAs::Link,
            text: reading.text().to_owned(),
            findings: reading.findings().to_vec(),
            link: Some(reading),
        };
    }
    let (joined, count, lines) = crate::diagnostic::Lines::join(text);
    let fields = merge_fields(&joined);
    let mut masked = joined.as_bytes().to_vec();
    for field in &fields {
        if let Some(bytes) = masked.get_mut(field.span()) {
            bytes.fill(b'0');
        }
    }
    // Whole merge fields start and end on character boundaries, so the
    // masked text is UTF-8.
    let masked = String::from_utf8(masked).unwrap_or_else(|_| joined.clone());
    let reading = ClickToDialRequest::read_link(&masked);
    let mut findings: Vec<Finding> = reading
        .into_findings()
        .into_iter()
        .filter(|f| f.code() != "joined-lines")
        .collect();
    if let Err(errors) = LinkTemplate::parse(&joined) {
        findings.extend(
            errors
                .iter()
                .map(Finding::from)
                .filter(|f| TEMPLATE_ONLY.contains(&f.code())),
        );
    }
    findings.extend(LinkTemplate::lint_text(&joined).iter().map(Finding::from));
    for finding in &mut findings {
        finding.retag_template();
    }
    findings.sort_by_key(|f| f.span().map_or(0, |s| s.range().start));
    if count > 1 {
        findings.insert(0, Finding::joined_lines(count));
    }
    for finding in &mut findings {
        lines.place(finding);
    }
    Checked {
        read_as,
        text: joined,
        findings,
        link: None,
    }
}

impl Finding {
    /// The finding with its link span as a span in the template (a masked
    /// template has the template's offsets).
    fn retag_template(&mut self) {
        if let Some(span) = self.span_mut() {
            if let Some(range) = span.link_range() {
                *span = crate::diagnostic::Span::new(SpanText::Template, range);
            }
        }
    }
}
