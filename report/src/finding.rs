//! Findings and the lint and fill reports.

use clicktodial::{
    check, fill_link_template, merge_fields, Finding, LinkTemplateErrorKind, ReadAs,
};
use clicktodial::{SampleRecord, Severity};
use schemars::JsonSchema;
use serde::Serialize;

/// One finding, as the tool writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FindingReport {
    /// The stable kebab-case code (the crate docs list them all).
    pub code: String,
    /// `error` or `warning`.
    pub severity: String,
    /// What is wrong, on one line.
    pub message: String,
    /// What to do, when there is advice beyond the message.
    pub help: Option<String>,
    /// `[start, end]`: UTF-8 byte offsets into the report's `link` (the link
    /// as read, or the template), or into the text `in` names.
    pub span: Option<[usize; 2]>,
    /// Which text `span` is in: `link`, `template`, `body`, `query` or
    /// `ctl_userdata`.
    #[serde(rename = "in")]
    pub in_text: Option<String>,
    /// The line of the span's start in the text as given, from 1.
    pub line: Option<usize>,
    /// The column (in characters) of the span's start, from 1.
    pub column: Option<usize>,
    /// The text to put in place of the span, when there is one obvious fix.
    pub replacement: Option<String>,
}

/// # Example
///
/// ```
/// use clicktodial_report::FindingReport;
/// let reading = clicktodial::ClickToDialRequest::read_link("https://h.example.com/AGUI/make_call.php?phone=1&Phone=2");
/// let f = FindingReport::from(&reading.findings()[0]);
/// assert_eq!((f.code.as_str(), f.span), ("unknown-parameter", Some([49, 54])));
/// assert_eq!((f.line, f.column), (Some(1), Some(50)));
/// ```
impl From<&Finding> for FindingReport {
    fn from(f: &Finding) -> FindingReport {
        let span = f.span();
        let (range, in_text) = match span {
            Some(s) => match s.link_range() {
                Some(link) if s.text() != clicktodial::SpanText::Template => (Some(link), "link"),
                _ => (Some(s.range()), s.text().as_str()),
            },
            None => (None, ""),
        };
        let start = span.and_then(|s| s.start());
        FindingReport {
            code: f.code().to_owned(),
            severity: match f.severity() {
                Severity::Error => "error",
                _ => "warning",
            }
            .to_owned(),
            message: f.message().to_owned(),
            help: f.help().map(str::to_owned),
            span: range.map(|r| [r.start, r.end]),
            in_text: span.map(|_| in_text.to_owned()),
            line: start.map(|s| s.line),
            column: start.map(|s| s.column),
            replacement: f.replacement().map(str::to_owned),
        }
    }
}

/// Findings in report form, in order.
pub(crate) fn findings(list: &[Finding]) -> Vec<FindingReport> {
    list.iter().map(FindingReport::from).collect()
}

/// `clicktodial lint --format json`, `/api/lint`, the page's lint: one link
/// or template and every finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LintReport {
    /// The text as read (lines joined when given over several): every
    /// `span` in the link or template points into it.
    pub link: String,
    /// `link` or `template`: how the text was read.
    pub read_as: String,
    /// Whether the text is a click-to-dial link or template at all.
    pub is_link: bool,
    /// Every finding, in the order of the text.
    pub findings: Vec<FindingReport>,
}

impl LintReport {
    /// Checks `text` as [`clicktodial::check`] does.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::ReadAs;
    /// let report = clicktodial_report::LintReport::new("hello", ReadAs::Auto);
    /// assert!(!report.is_link);
    /// assert_eq!(report.findings[0].code, "not-a-link");
    /// ```
    pub fn new(text: &str, read_as: ReadAs) -> LintReport {
        LintReport::of(&check(text, read_as))
    }

    /// The report of a check already made.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{check, ReadAs};
    /// let checked = check("phone=1", ReadAs::Link);
    /// assert_eq!(clicktodial_report::LintReport::of(&checked).link, "phone=1");
    /// ```
    pub fn of(checked: &clicktodial::Checked) -> LintReport {
        LintReport {
            link: checked.text().to_owned(),
            read_as: checked.read_as().as_str().to_owned(),
            is_link: checked.findings().iter().all(|f| f.code() != "not-a-link"),
            findings: findings(checked.findings()),
        }
    }
}

/// `clicktodial fill --format json`, `/api/fill`: a template filled from a
/// sample record as the CRM would, or every problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FillReport {
    /// The filled link, when every merge field could be filled.
    pub link: Option<String>,
    /// Fields the template uses that no value was given for.
    pub missing: Vec<String>,
    /// Values given for fields the template does not use.
    pub unused: Vec<String>,
    /// Every problem, each placed in the template.
    pub findings: Vec<FindingReport>,
}

impl FillReport {
    /// Fills `template` from `fields` (`Object.Field`, value).
    ///
    /// # Example
    ///
    /// ```
    /// let fields = [("Account.Phone".to_owned(), "1".to_owned()), ("X.Y".to_owned(), "2".to_owned())];
    /// let report = clicktodial_report::FillReport::new("phone={!Account.Phone}", &fields);
    /// assert_eq!(report.link.as_deref(), Some("phone=1"));
    /// assert_eq!(report.unused, ["X.Y"]);
    /// ```
    pub fn new(template: &str, fields: &[(String, String)]) -> FillReport {
        let record: SampleRecord = fields.iter().cloned().collect();
        let used: Vec<String> = merge_fields(template)
            .iter()
            .flat_map(|f| f.fields())
            .collect();
        let mut unused: Vec<String> = Vec::new();
        for (name, _) in fields {
            let is_used = used.iter().any(|u| u.eq_ignore_ascii_case(name));
            if !is_used && !unused.iter().any(|u| u.eq_ignore_ascii_case(name)) {
                unused.push(name.clone());
            }
        }
        match fill_link_template(template, &record) {
            Ok(link) => FillReport {
                link: Some(link),
                missing: Vec::new(),
                unused,
                findings: Vec::new(),
            },
            Err(errors) => {
                let mut missing: Vec<String> = Vec::new();
                for e in errors.iter() {
                    if let LinkTemplateErrorKind::MissingField(name) = e.kind() {
                        if !missing.iter().any(|m| m.eq_ignore_ascii_case(name)) {
                            missing.push(name.clone());
                        }
                    }
                }
                let list: Vec<Finding> = errors.iter().map(Finding::from).collect();
                FillReport {
                    link: None,
                    missing,
                    unused,
                    findings: findings(&list),
                }
            }
        }
    }
}
