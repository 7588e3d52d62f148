//! The lenient link reader: a whole link read in one pass, every problem
//! placed in the link as given ([`ClickToDialRequest::read_link`]).

use super::reader::{check_scheme, url_raw, Mode, Raw};
use super::{link, ClickToDialRequest};
use crate::diagnostic::{Finding, Lines, Severity};
use crate::error::RequestError;
use crate::request::link::LinkMap;

/// What [`ClickToDialRequest::read_link`] read: the link as read, the
/// request as far as it goes, the dial string when the phone is readable,
/// and every finding, each placed in the link as given.
///
/// # Example
///
/// ```
/// use clicktodial::ClickToDialRequest;
///
/// let link = "https://vcc-na4.8x8.com/AGUI/make_call.php?prefix=1x&phone=6505550142\
///             &callerid=5251990&ctl_userdata=[a|1][b";
/// let reading = ClickToDialRequest::read_link(link);
/// let codes: Vec<_> = reading.findings().iter().map(|f| f.code()).collect();
/// assert_eq!(codes, ["not-digits", "unknown-parameter", "unterminated-pair"]);
/// assert_eq!(reading.dial_string(), Some("6505550142"));
/// let req = reading.request().unwrap();
/// assert_eq!(req.prefix, None);
/// assert_eq!(req.userdata.as_ref().unwrap().get("a"), Some("1"));
/// assert!(reading.accepted().is_none());
/// ```
#[derive(Debug, Clone)]
pub struct LinkReading {
    text: String,
    lines: usize,
    request: Option<ClickToDialRequest>,
    dial_string: Option<String>,
    findings: Vec<Finding>,
}

impl LinkReading {
    /// The link as read: exactly as given when it is on one line; with its
    /// lines joined when it was given over several. Every
    /// [`Span::range`](crate::Span::range) in the link points into this.
    ///
    /// # Example
    ///
    /// ```
    /// let reading = clicktodial::ClickToDialRequest::read_link("https://h.example.com/AGUI/make_call.php?phone=1\n  &prefix=9");
    /// assert_eq!(reading.text(), "https://h.example.com/AGUI/make_call.php?phone=1&prefix=9");
    /// assert_eq!(reading.lines(), 2);
    /// ```
    pub fn text(&self) -> &str {
        &self.text
    }

    /// How many lines the link was given over (1: nothing was joined).
    ///
    /// # Example
    ///
    /// ```
    /// let reading = clicktodial::ClickToDialRequest::read_link("https://h.example.com/AGUI/make_call.php?phone=1");
    /// assert_eq!(reading.lines(), 1);
    /// ```
    pub fn lines(&self) -> usize {
        self.lines
    }

    /// The request as far as it could be read: every dial parameter that
    /// validates, `phone` empty when it does not, the good pairs of the
    /// data. `None` when the text is not a click-to-dial link at all.
    ///
    /// # Example
    ///
    /// ```
    /// let reading = clicktodial::ClickToDialRequest::read_link("https://h.example.com/AGUI/make_call.php?phone=CALL&queue_id=7");
    /// let req = reading.request().unwrap();
    /// assert_eq!((req.phone.as_str(), req.queue_id), ("", Some(7)));
    /// assert!(clicktodial::ClickToDialRequest::read_link("hello").request().is_none());
    /// ```
    pub fn request(&self) -> Option<&ClickToDialRequest> {
        self.request.as_ref()
    }

    /// The request when no finding is an error: what a strict read of the
    /// link (its lines joined) gives.
    ///
    /// # Example
    ///
    /// ```
    /// let reading = clicktodial::ClickToDialRequest::read_link("https://h.example.com/AGUI/make_call.php?phone=1&callerid=2");
    /// assert_eq!(reading.accepted().unwrap().phone, "1");
    /// ```
    pub fn accepted(&self) -> Option<&ClickToDialRequest> {
        let refused = self
            .findings
            .iter()
            .any(|f| f.severity() == Severity::Error);
        self.request.as_ref().filter(|_| !refused)
    }

    /// The dial string ([`ClickToDialRequest::dial_string`]) when the phone
    /// is readable.
    ///
    /// # Example
    ///
    /// ```
    /// let reading = clicktodial::ClickToDialRequest::read_link("https://h.example.com/AGUI/make_call.php?prefix=1&phone=(650)%20555-0142&ctl_userdata=[a");
    /// assert_eq!(reading.dial_string(), Some("16505550142"));
    /// ```
    pub fn dial_string(&self) -> Option<&str> {
        self.dial_string.as_deref()
    }

    /// Every finding, in the order of the link (those about no one place
    /// first, summaries last).
    ///
    /// # Example
    ///
    /// ```
    /// let reading = clicktodial::ClickToDialRequest::read_link("https://h.example.com/AGUI/make_call.php?phone=1");
    /// assert!(reading.findings().is_empty());
    /// ```
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// The findings, owned.
    ///
    /// # Example
    ///
    /// ```
    /// let reading = clicktodial::ClickToDialRequest::read_link("hello");
    /// assert_eq!(reading.into_findings().len(), 1);
    /// ```
    pub fn into_findings(self) -> Vec<Finding> {
        self.findings
    }
}

/// Whether `text` (trimmed) is a click-to-dial link to read: a whole URL
/// whose path ends in `/make_call.php` (any case), or a query with a `=`.
fn is_link(text: &str) -> bool {
    let text = text.trim();
    if link::is_whole_url(text) {
        let path = text.split(['?', '#']).next().unwrap_or_default();
        path.to_ascii_lowercase().ends_with("/make_call.php")
    } else {
        text.contains('=')
    }
}

impl ClickToDialRequest {
    /// Reads a link as a person gave it, in one pass, refusing nothing:
    /// a whole `https` link (or a query), on one line or over several (the
    /// lines are joined, and a `joined-lines` finding says so).
    ///
    /// It returns what it could read ([`LinkReading::request`],
    /// [`LinkReading::dial_string`] when the phone is readable) and every
    /// problem as a [`Finding`] placed in the link as given: a scheme that
    /// is not `https`, each dial parameter that does not validate (all of
    /// them, not only the first), each part of `ctl_userdata` and
    /// `extTransactionData` skipped, and every lint
    /// ([`lint_link`](ClickToDialRequest::lint_link)'s, a `#` that cuts the
    /// link, a misspelled parameter, a raw `+`, a country code dialled
    /// twice). For a link given over several lines, each span also has its
    /// line and column in the text as given ([`Span::start`](crate::Span::start)).
    ///
    /// Text that is no click-to-dial link (a URL whose path is not
    /// `…/make_call.php`, text with no parameter) gives one `not-a-link`
    /// finding. Never panics; linear in the text.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::ClickToDialRequest;
    ///
    /// let link = "http://vcc-na4.8x8.com/AGUI/make_call.php?phone={!Account.Phone}\
    ///             &ctl_userdata=[a|$year]";
    /// let reading = ClickToDialRequest::read_link(link);
    /// let found: Vec<_> = reading
    ///     .findings()
    ///     .iter()
    ///     .map(|f| (f.code(), &link[f.span().unwrap().link_range().unwrap()]))
    ///     .collect();
    /// assert_eq!(
    ///     found,
    ///     [
    ///         ("not-https", "http"),
    ///         ("invalid-phone", "{!Account.Phone}"),
    ///         ("unterminated-token", "$year"),
    ///     ]
    /// );
    /// assert_eq!(reading.dial_string(), None);
    /// ```
    pub fn read_link(input: &str) -> LinkReading {
        let (text, lines, map) = Lines::join(input);
        let mut findings = Vec::new();
        if lines > 1 {
            findings.push(Finding::joined_lines(lines));
        }
        if !is_link(&text) {
            findings.push(Finding::new(
                "not-a-link",
                Severity::Error,
                "not a click-to-dial link: expected https://<tenant host>/AGUI/make_call.php?phone=…"
                    .to_owned(),
            ));
            return LinkReading {
                text,
                lines,
                request: None,
                dial_string: None,
                findings,
            };
        }
        let mut errors: Vec<RequestError> = Vec::new();
        let raw = if link::is_whole_url(&text) {
            if let Err(e) = check_scheme(&text) {
                errors.push(e);
            }
            url_raw(&text)
        } else {
            let mut raw = Raw::default();
            let start = usize::from(text.starts_with('?'));
            raw.read(&text, start..text.len(), false, false);
            raw
        };
        let (request, more, skipped, readable) = raw.read_all(Mode::Lenient);
        errors.extend(more);
        findings.extend(errors.iter().map(Finding::from));
        findings.extend(skipped.iter().map(Finding::from));
        let link_map = LinkMap::new(&text);
        findings.extend(
            request
                .lint_in(Some((&text, &link_map)))
                .iter()
                .map(Finding::from),
        );
        // In the order of the link: those about no one place first (the
        // joined lines, a missing phone), lint summaries last.
        findings.sort_by_key(|f| match f.span().and_then(|s| s.link_range()) {
            Some(range) => (1, range.start),
            None if f.severity() == Severity::Error || f.code() == "joined-lines" => (0, 0),
            None => (2, 0),
        });
        for finding in &mut findings {
            map.place(finding);
        }
        LinkReading {
            dial_string: readable.then(|| request.dial_string()),
            request: Some(request),
            text,
            lines,
            findings,
        }
    }
}
