//! The one diagnostic model: [`Finding`], with its [`Span`] and
//! [`Severity`], and the table of finding codes.
//!
//! Every problem the crate reports about text a person gave it (a request
//! error, a part of `ctl_userdata` a lenient read skipped, a lint, a link
//! template's problem) can be turned into a [`Finding`]:
//!
//! - a stable **code** ([`Finding::code`]): kebab-case, listed below, and
//!   given by `code()` on every kind ([`LintKind::code`](crate::LintKind::code),
//!   [`ParseErrorKind::code`](crate::ParseErrorKind::code),
//!   [`RequestErrorKind::code`](crate::RequestErrorKind::code),
//!   [`LinkTemplateErrorKind::code`](crate::LinkTemplateErrorKind::code)).
//!   Codes are written by hand, never derived from `Debug`; a code never
//!   changes meaning once released;
//! - a [`Severity`]: an error (the request is refused, or part of the data
//!   is skipped) or a warning (it goes through, but does not do what was
//!   meant);
//! - a **message**: one line, at most [`Finding::MAX_MESSAGE_LEN`] bytes,
//!   outside text quoted only through the crate's one sanitiser (control
//!   characters escaped, long text cut), never a password or token;
//! - an optional **help** (what to do) and an optional **replacement**: the
//!   text to put in place of the span, as it must be typed there (`%23` for
//!   a `#`);
//! - a [`Span`]: which text it lies in ([`SpanText`]: the link as given, a
//!   POST body, a `ctl_userdata` value, a link template), its byte range
//!   there, and, where it has one, its place in the link as given.
//!
//! # Codes
//!
//! | code | severity | what |
//! |---|---|---|
//! | `joined-lines` | warning | a link given over several lines, read with its lines joined |
//! | `not-a-link` | error | not a click-to-dial link at all |
//! | `invalid-url` | error | a URL the URL parser refuses |
//! | `not-https` | error | a link whose scheme is not `https` |
//! | `missing-phone` | error | no `phone`, or an empty one |
//! | `invalid-phone` | error | `phone` holds a letter or a merge field |
//! | `not-digits` | error | `prefix`, `callerId`, `dialplan_id` or `queue_id` holds a non-digit |
//! | `overflow` | error | `dialplan_id` or `queue_id` over 64 bits |
//! | `unterminated-pair` | error | a `[` with no `]` |
//! | `missing-separator` | error | a pair with no `\|` |
//! | `empty-name` | error | `[\|value]` |
//! | `text-between-pairs` | error | text that is not white space between pairs |
//! | `invalid-system-value` | error / warning | a `ctl_` value its name does not take (`ctl_launchopt=yes`) |
//! | `missing-field` | error | a callback body without a required field |
//! | `unknown-result-code` | error | a callback `resultCode` other than SUCCESS, FAIL, IGNORE |
//! | `callback-scheme` | error | a callback URL that is not http or https |
//! | `callback-not-https` | error | a plain-http callback where https is required |
//! | `callback-no-host` | error | a callback URL with no host |
//! | `callback-private-host` | error | a callback host that is not public (`--allow-private-callbacks` lifts it in `serve`) |
//! | `callback-too-long` | error | a callback URL over 8 KiB |
//! | `callback-token` | error | a token where call data may not decide where a callback goes |
//! | `method-not-allowed` | error | an HTTP method the reader does not take |
//! | `content-type-not-allowed` | error | a body that is not form data |
//! | `charset-not-supported` | error | a charset other than UTF-8 |
//! | `body-too-large` | error | a body over the size limit |
//! | `body-not-utf8` | error | a body that is not UTF-8 |
//! | `callback-body` | error | a callback body that does not parse |
//! | `credential-not-allowed` | error | a credential no header can hold |
//! | `bad-target` | error | a base URL no request can be sent to |
//! | `vendor-answer` | error | a vendor's answer that is no success |
//! | `extra-parameter` | error | an extra parameter that cannot round trip |
//! | `unterminated-token` | warning | `$call_answered_time` with no closing `$` |
//! | `unknown-token` | warning | `$foo$`, not one of the 20 tokens |
//! | `unexpanded-merge-field` | warning | `{!Account.Id}` left in a link |
//! | `action-without-integration` | warning | `ctl_action` without `ctl_intType` |
//! | `launch-ext-without-launch` | warning | `ctl_launchext` without `ctl_launchopt=true` |
//! | `tenant-set-new-record-id` | warning | `ctl_newRecordId` given by the tenant |
//! | `insecure-callback-url` | warning | a plain-http `ctl_callbackUrl` |
//! | `unknown-system-name` | warning | a `ctl_` name not in the vendor's table |
//! | `duplicate-name` | warning | a pair name given twice |
//! | `create-without-object-type` | warning | a create with no `ObjectType` |
//! | `callback-url-token` | warning | a token in the scheme, user info, host, port or a query key of `ctl_callbackUrl` |
//! | `phone-extension` | warning | a trailing extension, which is not dialled |
//! | `white-space-in-parameter-name` | warning | white space around a name, as wrapped lines leave |
//! | `white-space-in-value` | warning | white space from a wrapped line in a value |
//! | `lost-pair-in-value` | warning | a `[name\|` inside a value: a pair that lost its `]` |
//! | `merge-field-in-callback-host` | warning | a merge field in the host of `ctl_callbackUrl` |
//! | `unprotected-merge-field` | warning | a merge field written plainly in a template's pair |
//! | `url-encode-in-custom-link` | warning | `URLENCODE` in a custom link |
//! | `unencoded-hash` | warning | a `#` outside percent-encoding: the rest of the link is a fragment, never sent |
//! | `unknown-parameter` | warning | a parameter the contact center does not read (`callerid`, `Phone`) |
//! | `raw-plus` | warning | a raw `+` before a digit in a query value: it is read as a space |
//! | `country-code-twice` | warning | a `prefix` plus a `phone` that starts with `+` and the same country code |
//! | `unterminated-merge-field` | error | a template's `{!` with no `}` |
//! | `merge-field-syntax` | error | a template's merge field that cannot be read |
//! | `unsupported-function` | error | a template function the filler does not evaluate |
//! | `missing-record-field` | error | a template's field the sample record lacks |
//! | `merge-field-too-long` | error | a template value over 1 MiB |
//! | `not-a-template` | error | a template that is not an `https` link with a query |
//! | `reserved-character` | error | U+E000 or U+E001 in a template |
//!
//! A summary of lints past the per-kind cap has its kind's code.
//!
//! # Example
//!
//! ```
//! use clicktodial::{ClickToDialRequest, Severity, SpanText};
//!
//! let link = "https://vcc-na4.8x8.com/AGUI/make_call.php?phone=6505550142\
//!             &ctl_userdata=[Description|Re: ticket #42][ctl_callbackUrl|https://crm.example.com/cb]";
//! let reading = ClickToDialRequest::read_link(link);
//! let hash = reading.findings().iter().find(|f| f.code() == "unencoded-hash").unwrap();
//! assert_eq!(hash.severity(), Severity::Warning);
//! let span = hash.span().unwrap();
//! assert_eq!(span.text(), SpanText::Link);
//! assert_eq!(&link[span.range()], "#");
//! assert_eq!(hash.replacement(), Some("%23"));
//! assert!(hash.message().contains("ctl_callbackUrl"));
//! ```

use std::fmt;
use std::ops::Range;

use crate::crm::errors::LinkTemplateError;
use crate::error::{Diagnostic, ParseError, ParseErrorKind, RequestError, RequestErrorKind};
use crate::lint::Lint;
use crate::request::RequestDiagnostic;

/// Which text a [`Span`] lies in.
///
/// # Example
///
/// ```
/// assert_eq!(clicktodial::SpanText::Body.as_str(), "body");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SpanText {
    /// The link (or query) as given; for a link given over several lines,
    /// the link with its lines joined ([`Span::start`] then places it in
    /// the text as given).
    Link,
    /// A POST body.
    Body,
    /// A `ctl_userdata` (or `extTransactionData`) value, decoded.
    UserData,
    /// A CRM link template as given.
    Template,
}

impl SpanText {
    /// The text a request's place is in: its POST body, or the link (or
    /// query).
    fn of_request(in_body: bool) -> SpanText {
        if in_body {
            SpanText::Body
        } else {
            SpanText::Link
        }
    }

    /// `link`, `body`, `ctl_userdata` or `template`.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(clicktodial::SpanText::UserData.as_str(), "ctl_userdata");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            SpanText::Link => "link",
            SpanText::Body => "body",
            SpanText::UserData => "ctl_userdata",
            SpanText::Template => "template",
        }
    }
}

/// A line and column in a text as given: both from 1, the column counted
/// in characters.
///
/// # Example
///
/// ```
/// use clicktodial::{ClickToDialRequest, LineColumn};
/// let text = "https://vcc-na4.8x8.com/AGUI/make_call.php?phone=1\n  &ctl_userdata=[a|$year]";
/// let reading = ClickToDialRequest::read_link(text);
/// let token = reading.findings().iter().find(|f| f.code() == "unterminated-token").unwrap();
/// assert_eq!(token.span().unwrap().start(), Some(LineColumn { line: 2, column: 20 }));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LineColumn {
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1, in characters.
    pub column: usize,
}

/// Where a [`Finding`] is: which text, the byte range there, and its place
/// in the link as given where it has one.
///
/// # Example
///
/// ```
/// use clicktodial::{ClickToDialRequest, SpanText};
/// let link = "https://vcc-na4.8x8.com/AGUI/make_call.php?phone=1&callerid=5251990";
/// let reading = ClickToDialRequest::read_link(link);
/// let span = reading.findings()[0].span().unwrap();
/// assert_eq!((span.text(), &link[span.range()]), (SpanText::Link, "callerid"));
/// assert_eq!(span.link_range(), Some(span.range()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Span {
    text: SpanText,
    range: Range<usize>,
    link: Option<Range<usize>>,
    start: Option<LineColumn>,
    end: Option<LineColumn>,
}

impl Span {
    /// A span of `range` in `text`; in the link when `text` is
    /// [`SpanText::Link`].
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{Span, SpanText};
    /// let span = Span::new(SpanText::UserData, 3..5);
    /// assert_eq!(span.link_range(), None);
    /// ```
    pub fn new(text: SpanText, range: Range<usize>) -> Span {
        let link = (text == SpanText::Link).then(|| range.clone());
        Span {
            text,
            range,
            link,
            start: None,
            end: None,
        }
    }

    /// The span, also placed at `link` in the link as given.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{Span, SpanText};
    /// let span = Span::new(SpanText::UserData, 3..5).in_link(60..62);
    /// assert_eq!(span.link_range(), Some(60..62));
    /// ```
    pub fn in_link(mut self, link: Range<usize>) -> Span {
        self.link = Some(link);
        self
    }

    pub(crate) fn with_lines(mut self, start: LineColumn, end: LineColumn) -> Span {
        self.start = Some(start);
        self.end = Some(end);
        self
    }

    /// Which text the span lies in.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{Span, SpanText};
    /// assert_eq!(Span::new(SpanText::Body, 0..1).text(), SpanText::Body);
    /// ```
    pub fn text(&self) -> SpanText {
        self.text
    }

    /// The byte range in that text.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{Span, SpanText};
    /// assert_eq!(Span::new(SpanText::Link, 4..9).range(), 4..9);
    /// ```
    pub fn range(&self) -> Range<usize> {
        self.range.clone()
    }

    /// The byte range in the link as given (with its lines joined), where
    /// the span has a place there.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{Span, SpanText};
    /// assert_eq!(Span::new(SpanText::Link, 4..9).link_range(), Some(4..9));
    /// assert_eq!(Span::new(SpanText::Template, 4..9).link_range(), None);
    /// ```
    pub fn link_range(&self) -> Option<Range<usize>> {
        self.link.clone()
    }

    /// Where the span starts in the text as given, by line and column (set
    /// by [`ClickToDialRequest::read_link`](crate::ClickToDialRequest::read_link)
    /// and [`check`](crate::check); for a link given over several lines this
    /// is the place in the lines as given).
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{ClickToDialRequest, LineColumn};
    /// let reading = ClickToDialRequest::read_link("https://h.example.com/AGUI/make_call.php?Phone=1");
    /// let start = reading.findings()[1].span().unwrap().start();
    /// assert_eq!(start, Some(LineColumn { line: 1, column: 42 }));
    /// ```
    pub fn start(&self) -> Option<LineColumn> {
        self.start
    }

    /// Where the span ends (exclusive), by line and column.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{ClickToDialRequest, LineColumn};
    /// let reading = ClickToDialRequest::read_link("https://h.example.com/AGUI/make_call.php?Phone=1");
    /// let end = reading.findings()[1].span().unwrap().end();
    /// assert_eq!(end, Some(LineColumn { line: 1, column: 47 }));
    /// ```
    pub fn end(&self) -> Option<LineColumn> {
        self.end
    }
}

/// How bad a [`Finding`] is.
///
/// # Example
///
/// ```
/// assert_eq!(clicktodial::Severity::Warning.as_str(), "warning");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Severity {
    /// The request is refused, or part of the data is skipped.
    Error,
    /// The request goes through, but does not do what its author meant.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(clicktodial::Severity::Error.as_str(), "error");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem in text a person gave: the crate's one diagnostic type (see
/// the [module docs](crate::diagnostic) for the table of codes).
///
/// Built by the crate ([`ClickToDialRequest::read_link`](crate::ClickToDialRequest::read_link),
/// [`check`](crate::check)) or converted from the crate's other reports
/// with `From` ([`Lint`], [`RequestError`], [`RequestDiagnostic`],
/// [`Diagnostic`], [`ParseError`], [`LinkTemplateError`]).
///
/// # Example
///
/// ```
/// use clicktodial::{ClickToDialRequest, Finding, Severity};
///
/// let err = ClickToDialRequest::from_query("phone=1&queue_id=x").unwrap_err();
/// let finding = Finding::from(&err);
/// assert_eq!(finding.code(), "not-digits");
/// assert_eq!(finding.severity(), Severity::Error);
/// assert_eq!(finding.span().unwrap().range(), 17..18);
/// assert_eq!(finding.to_string(), "error[not-digits]: `queue_id` must be digits only, got `x`");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    code: &'static str,
    severity: Severity,
    message: String,
    help: Option<String>,
    span: Option<Span>,
    replacement: Option<String>,
}

impl Finding {
    /// The longest message, in bytes.
    pub const MAX_MESSAGE_LEN: usize = Lint::MAX_MESSAGE_LEN;

    pub(crate) fn new(code: &'static str, severity: Severity, message: String) -> Finding {
        Finding {
            code,
            severity,
            message: crate::lint::bounded(first_line(message)),
            help: None,
            span: None,
            replacement: None,
        }
    }

    /// The `joined-lines` warning for a text given over `lines` lines.
    pub(crate) fn joined_lines(lines: usize) -> Finding {
        Finding::new(
            "joined-lines",
            Severity::Warning,
            format!(
                "the link was given over {lines} lines and is read with them joined; \
                 store it as one line"
            ),
        )
        .with_help(Some("remove the line breaks where the link is stored"))
    }

    pub(crate) fn at(mut self, span: Option<Span>) -> Finding {
        self.span = span;
        self
    }

    pub(crate) fn with_help(mut self, help: Option<&str>) -> Finding {
        self.help = help.map(|h| crate::lint::bounded(first_line(h.to_owned())));
        self
    }

    pub(crate) fn span_mut(&mut self) -> Option<&mut Span> {
        self.span.as_mut()
    }

    /// The stable kebab-case code (`unencoded-hash`).
    ///
    /// # Example
    ///
    /// ```
    /// let reading = clicktodial::ClickToDialRequest::read_link("hello");
    /// assert_eq!(reading.findings()[0].code(), "not-a-link");
    /// ```
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// How bad it is.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::Severity;
    /// let reading = clicktodial::ClickToDialRequest::read_link("hello");
    /// assert_eq!(reading.findings()[0].severity(), Severity::Error);
    /// ```
    pub fn severity(&self) -> Severity {
        self.severity
    }

    /// What is wrong, on one line of at most [`Finding::MAX_MESSAGE_LEN`]
    /// bytes.
    ///
    /// # Example
    ///
    /// ```
    /// let reading = clicktodial::ClickToDialRequest::read_link("hello");
    /// assert!(reading.findings()[0].message().starts_with("not a click-to-dial link"));
    /// ```
    pub fn message(&self) -> &str {
        &self.message
    }

    /// What to do about it, when there is advice beyond the message.
    ///
    /// # Example
    ///
    /// ```
    /// let reading = clicktodial::ClickToDialRequest::read_link(
    ///     "https://h.example.com/AGUI/make_call.php?phone=1&ctl_userdata=[a|x]y]",
    /// );
    /// assert!(reading.findings()[0].help().unwrap().contains("%255D"));
    /// ```
    pub fn help(&self) -> Option<&str> {
        self.help.as_deref()
    }

    /// Where it is, when it is about one place.
    ///
    /// # Example
    ///
    /// ```
    /// let reading = clicktodial::ClickToDialRequest::read_link("hello");
    /// assert!(reading.findings()[0].span().is_none());
    /// ```
    pub fn span(&self) -> Option<&Span> {
        self.span.as_ref()
    }

    /// The text to put in place of the span, as it must be typed there,
    /// when there is one obvious fix.
    ///
    /// # Example
    ///
    /// ```
    /// let link = "https://h.example.com/AGUI/make_call.php?phone=%2B16505550142&caller+Id=5251990";
    /// let reading = clicktodial::ClickToDialRequest::read_link(link);
    /// assert_eq!(reading.findings()[0].replacement(), Some("callerId"));
    /// ```
    pub fn replacement(&self) -> Option<&str> {
        self.replacement.as_deref()
    }

    pub(crate) fn with_replacement(mut self, replacement: Option<String>) -> Finding {
        self.replacement = replacement;
        self
    }
}

/// The first line of `text` (a message is one line by construction; this
/// keeps it so).
fn first_line(text: String) -> String {
    match text.find(['\n', '\r']) {
        Some(i) => text.get(..i).unwrap_or_default().to_owned(),
        None => text,
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}[{}]: {}",
            self.severity.as_str(),
            self.code,
            self.message
        )
    }
}

impl From<&Lint> for Finding {
    /// A warning, placed in the link where the lint has a link span, else
    /// in the `ctl_userdata` text.
    fn from(lint: &Lint) -> Finding {
        let span = match (lint.link_span(), lint.span()) {
            (Some(link), Some(data)) => Some(Span::new(SpanText::UserData, data).in_link(link)),
            (Some(link), None) => Some(Span::new(SpanText::Link, link)),
            (None, Some(data)) => Some(Span::new(SpanText::UserData, data)),
            (None, None) => None,
        };
        Finding::new(lint.kind.code(), Severity::Warning, lint.message.clone())
            .at(span)
            .with_replacement(lint.replacement().map(str::to_owned))
    }
}

/// What to do about a grammar error, when the error has no fix of its own.
fn grammar_help(kind: &ParseErrorKind) -> Option<&'static str> {
    Some(match kind {
        ParseErrorKind::UnterminatedPair => {
            "close the pair with `]` (write a `]` inside a value as `%255D` in a link)"
        }
        ParseErrorKind::MissingSeparator => {
            "write the pair as `[name|value]` (a `]` in a name as `%255D` in a link)"
        }
        ParseErrorKind::EmptyName => "give the pair a name: `[name|value]`",
        ParseErrorKind::TextBetweenPairs => "only white space may stand between pairs",
        _ => return None,
    })
}

/// What to do about a refused request, when the error has no fix of its
/// own.
fn request_help(kind: &RequestErrorKind) -> Option<&'static str> {
    Some(match kind {
        RequestErrorKind::NotHttps(_) => "the click-to-dial API accepts https:// links only",
        RequestErrorKind::InvalidPhone { .. } => {
            "write the number with digits and `+ - . ( ) /` or spaces; a `{!…}` merge field \
             must be filled by the CRM before the link is used"
        }
        RequestErrorKind::NotDigits { .. } | RequestErrorKind::Overflow { .. } => {
            "write digits only"
        }
        RequestErrorKind::MissingPhone => "add `phone=` with the number to dial",
        RequestErrorKind::Data { error, .. } => return grammar_help(error.kind()),
        _ => return None,
    })
}

impl From<&RequestError> for Finding {
    /// An error: the kind's message (the place and the fix go in the span
    /// and the help, not in the message as `Display` puts them).
    fn from(error: &RequestError) -> Finding {
        let text = SpanText::of_request(error.in_body());
        // The kind's message, then its causes (which `Display` leaves out,
        // as `source()` gives them), each once.
        let mut message = error.kind().to_string();
        let mut cause = std::error::Error::source(error.kind());
        while let Some(inner) = cause {
            message.push_str(": ");
            message.push_str(&inner.to_string());
            cause = inner.source();
        }
        Finding::new(error.kind().code(), Severity::Error, message)
            .at(error.span().map(|r| Span::new(text, r)))
            .with_help(error.help().or_else(|| request_help(error.kind())))
    }
}

impl From<&RequestDiagnostic> for Finding {
    /// An error (that part of the data is skipped), placed in the link or
    /// body, and in the decoded value.
    fn from(d: &RequestDiagnostic) -> Finding {
        let text = SpanText::of_request(d.in_body());
        let span = d.span().map(|r| Span::new(text, r));
        Finding::new(
            d.diagnostic().kind().code(),
            Severity::Error,
            format!(
                "`{}`: {}: this part is skipped",
                d.parameter(),
                d.diagnostic().kind()
            ),
        )
        .at(span)
        .with_help(d.help().or_else(|| grammar_help(d.diagnostic().kind())))
    }
}

impl From<&Diagnostic> for Finding {
    /// An error, placed in the `ctl_userdata` text.
    fn from(d: &Diagnostic) -> Finding {
        Finding::new(
            d.kind().code(),
            Severity::Error,
            format!("{}: this part is skipped", d.kind()),
        )
        .at(Some(Span::new(SpanText::UserData, d.span())))
        .with_help(grammar_help(d.kind()))
    }
}

impl From<&ParseError> for Finding {
    /// An error, at its offset in the parsed text when it has one.
    fn from(e: &ParseError) -> Finding {
        let span = e.position().map(|at| Span::new(SpanText::UserData, at..at));
        Finding::new(e.kind().code(), Severity::Error, e.kind().to_string()).at(span)
    }
}

impl From<&LinkTemplateError> for Finding {
    /// An error, placed in the template.
    fn from(e: &LinkTemplateError) -> Finding {
        Finding::new(e.kind().code(), Severity::Error, e.kind().to_string())
            .at(Some(Span::new(SpanText::Template, e.span())))
    }
}

/// Maps byte offsets in a text with its lines joined back to the text as
/// given, and those to lines and columns.
#[derive(Debug, Clone)]
pub(crate) struct Lines<'a> {
    original: &'a str,
    /// `(start in the joined text, start in the original)` of each piece.
    pieces: Vec<(usize, usize)>,
}

impl<'a> Lines<'a> {
    /// One piece: the text is its own joined form.
    pub(crate) fn same(original: &'a str) -> Lines<'a> {
        Lines {
            original,
            pieces: vec![(0, 0)],
        }
    }

    /// Joins the lines of `input`: each line break goes, with the white
    /// space that ends the line before it and begins the line after it
    /// (the vendor's text wraps inside values too), and so does the white
    /// space around the whole input. Text on one line is kept exactly.
    pub(crate) fn join(input: &'a str) -> (String, usize, Lines<'a>) {
        let trimmed = input.trim();
        if trimmed.lines().nth(1).is_none() {
            return (input.to_owned(), 1, Lines::same(input));
        }
        let base = input.len() - input.trim_start().len();
        let mut text = String::with_capacity(trimmed.len());
        let mut pieces = Vec::new();
        let mut count = 0;
        let mut at = base;
        for line in trimmed.split_inclusive('\n') {
            count += 1;
            let line_start = at;
            at += line.len();
            let body = line.trim_end_matches(['\n', '\r']);
            let lead = if count == 1 {
                0
            } else {
                body.len() - body.trim_start().len()
            };
            let kept = body.get(lead..).unwrap_or_default().trim_end();
            pieces.push((text.len(), line_start + lead));
            text.push_str(kept);
        }
        (
            text,
            count,
            Lines {
                original: input,
                pieces,
            },
        )
    }

    /// The offset in the original of `joined` (an offset in the joined
    /// text).
    fn original_offset(&self, joined: usize) -> usize {
        let i = self.pieces.partition_point(|&(j, _)| j <= joined);
        let (j, o) = self
            .pieces
            .get(i.saturating_sub(1))
            .copied()
            .unwrap_or((0, 0));
        (o + (joined - j)).min(self.original.len())
    }

    /// The line and column of `joined`, in the original.
    pub(crate) fn line_column(&self, joined: usize) -> LineColumn {
        let mut at = self.original_offset(joined);
        while at > 0 && !self.original.is_char_boundary(at) {
            at -= 1;
        }
        let before = self.original.get(..at).unwrap_or_default();
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        LineColumn {
            line: memchr::memchr_iter(b'\n', before.as_bytes()).count() + 1,
            column: before.get(line_start..).unwrap_or_default().chars().count() + 1,
        }
    }

    /// Gives a finding's span its lines and columns, where it has a place
    /// in the (joined) link.
    pub(crate) fn place(&self, finding: &mut Finding) {
        if let Some(span) = finding.span_mut() {
            let range = match (span.text, &span.link) {
                (SpanText::Link | SpanText::Template, _) => span.range.clone(),
                (_, Some(link)) => link.clone(),
                _ => return,
            };
            let (start, end) = (self.line_column(range.start), self.line_column(range.end));
            *span = span.clone().with_lines(start, end);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joined_lines_map_back_to_the_original() {
        let input = "  ab \n   cd\r\n ef";
        let (text, n, lines) = Lines::join(input);
        assert_eq!((text.as_str(), n), ("abcdef", 3));
        assert_eq!(lines.line_column(0), LineColumn { line: 1, column: 3 });
        assert_eq!(lines.line_column(2), LineColumn { line: 2, column: 4 });
        assert_eq!(lines.line_column(4), LineColumn { line: 3, column: 2 });
        assert_eq!(lines.line_column(6), LineColumn { line: 3, column: 4 });
    }

    #[test]
    fn one_line_is_kept() {
        let (text, n, lines) = Lines::join(" a b ");
        assert_eq!((text.as_str(), n), (" a b ", 1));
        assert_eq!(lines.line_column(3), LineColumn { line: 1, column: 4 });
    }
}
