//! Errors and diagnostics.
//!
//! Every error says *what* went wrong and *where*: a byte offset for the
//! `[name|value]` grammar, a parameter name for a request. `Display` is one
//! line a person can act on. No error ever contains a password: the only
//! secret the crate handles ([`Screenpop::password`](crate::Screenpop)) is
//! never put into an error, and URLs are shown without their user info.

use std::fmt;
use std::ops::Range;

/// Outside text as shown in a message (errors and lints alike): through
/// the crate's one sanitiser, [`crate::redact::sanitize`] (one line, no
/// control characters, bounded). The error's kind keeps the text unchanged.
pub(crate) struct Shown<'a>(pub(crate) &'a str);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&crate::redact::sanitize(self.0), f)
    }
}

/// What was wrong in a `[name|value]` sequence (or in a payload built on one).
///
/// The kinds fall in three domains ([`ErrorDomain`], from
/// [`domain`](ParseErrorKind::domain)): the grammar (always at a byte
/// offset into the parsed text), the typed system data (at the offending
/// pair's `[` when the data was parsed from text), and a callback's form
/// body (at the field in the body, or nowhere for a result code read on
/// its own).
///
/// # Example
///
/// ```
/// use clicktodial::{ParseErrorKind, UserData};
///
/// let err = UserData::parse("[a|1][b").unwrap_err();
/// assert_eq!(err.kind(), &ParseErrorKind::UnterminatedPair);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// A `[` with no `]` after it: the pair runs to the end of the input.
    #[error("unterminated pair: no closing `]`")]
    UnterminatedPair,
    /// A `]` was met before the name's `|` (a name cannot hold a raw `]`;
    /// write `%5D`).
    #[error("missing `|` between name and value")]
    MissingSeparator,
    /// `[|value]`: the name is empty.
    #[error("empty name")]
    EmptyName,
    /// Something other than white space stands between two pairs (or before
    /// the first, or after the last).
    #[error("text between pairs (expected `[`)")]
    TextBetweenPairs,
    /// A system data value is not one of the values its name accepts
    /// (`ctl_launchopt` takes `true` or `false`).
    #[error("`{}` takes {expected}", Shown(name))]
    InvalidSystemValue {
        /// The system data name, as written.
        name: String,
        /// What the name accepts, in words.
        expected: &'static str,
    },
    /// A required field of a form body is missing.
    #[error("missing field `{0}`")]
    MissingField(&'static str),
    /// A `resultCode` that is not `SUCCESS`, `FAIL` or `IGNORE`.
    #[error("unknown resultCode `{}` (expected SUCCESS, FAIL or IGNORE)", Shown(.0))]
    UnknownResultCode(String),
}

impl ParseErrorKind {
    /// The stable kebab-case code (see the table in [`diagnostic`](crate::diagnostic)).
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::ParseErrorKind;
    /// assert_eq!(ParseErrorKind::UnterminatedPair.code(), "unterminated-pair");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            ParseErrorKind::UnterminatedPair => "unterminated-pair",
            ParseErrorKind::MissingSeparator => "missing-separator",
            ParseErrorKind::EmptyName => "empty-name",
            ParseErrorKind::TextBetweenPairs => "text-between-pairs",
            ParseErrorKind::InvalidSystemValue { .. } => "invalid-system-value",
            ParseErrorKind::MissingField(_) => "missing-field",
            ParseErrorKind::UnknownResultCode(_) => "unknown-result-code",
        }
    }

    /// Which part of the crate's input the error is about.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{ErrorDomain, ParseErrorKind};
    /// assert_eq!(ParseErrorKind::EmptyName.domain(), ErrorDomain::Grammar);
    /// assert_eq!(ParseErrorKind::MissingField("resultCode").domain(), ErrorDomain::Form);
    /// ```
    pub fn domain(&self) -> ErrorDomain {
        match self {
            ParseErrorKind::UnterminatedPair
            | ParseErrorKind::MissingSeparator
            | ParseErrorKind::EmptyName
            | ParseErrorKind::TextBetweenPairs => ErrorDomain::Grammar,
            ParseErrorKind::InvalidSystemValue { .. } => ErrorDomain::SystemData,
            ParseErrorKind::MissingField(_) | ParseErrorKind::UnknownResultCode(_) => {
                ErrorDomain::Form
            }
        }
    }
}

/// The domain of a [`ParseErrorKind`]: what was being read.
///
/// # Example
///
/// ```
/// use clicktodial::{ErrorDomain, SystemData, UserData};
/// let data = UserData::parse("[ctl_launchopt|yes]")?;
/// let err = SystemData::from_userdata(&data).unwrap_err();
/// assert_eq!(err.kind().domain(), ErrorDomain::SystemData);
/// # Ok::<(), clicktodial::ParseError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorDomain {
    /// The `[name|value]` grammar: always at a byte offset.
    Grammar,
    /// The typed system data (a `ctl_` value it does not accept).
    SystemData,
    /// A callback's form body, or a result code.
    Form,
}

/// A strict parse failed: the first error, with where it is.
///
/// The place is a byte offset into the text that was parsed: the
/// `ctl_userdata` string for [`UserData::parse`](crate::UserData::parse);
/// for [`SystemData::from_userdata`](crate::SystemData::from_userdata) the
/// offset of the offending pair's `[` when the data was parsed from text;
/// and for [`Callback::from_form`](crate::Callback::from_form) an offset
/// into the form body, or into the decoded `ctl_userdata` field when
/// [`field`](ParseError::field) says so. Some errors have no place: a pair
/// added with [`push`](crate::UserData::push) (its empty name, or its bad
/// system value) and a result code read on its own
/// ([`ResultCode::from_str`](crate::ResultCode)). For those,
/// [`position`](ParseError::position) is `None`, `Display` names no byte,
/// and [`offset`](ParseError::offset) is 0.
///
/// # Example
///
/// ```
/// use clicktodial::{ResultCode, UserData};
///
/// let err = UserData::parse("[a|1] x [b|2]").unwrap_err();
/// assert_eq!(err.offset(), 6);
/// assert_eq!(err.position(), Some(6));
/// assert_eq!(err.to_string(), "text between pairs (expected `[`) at byte 6");
///
/// let err = "OK".parse::<ResultCode>().unwrap_err();
/// assert_eq!(err.position(), None);
/// assert_eq!(
///     err.to_string(),
///     "unknown resultCode `OK` (expected SUCCESS, FAIL or IGNORE)"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    kind: ParseErrorKind,
    offset: Option<usize>,
    field: Option<&'static str>,
}

impl ParseError {
    pub(crate) fn new(kind: ParseErrorKind, offset: usize) -> Self {
        ParseError {
            kind,
            offset: Some(offset),
            field: None,
        }
    }

    /// An error with no place in any text (a pushed pair, a value read on
    /// its own).
    pub(crate) fn unplaced(kind: ParseErrorKind) -> Self {
        ParseError {
            kind,
            offset: None,
            field: None,
        }
    }

    pub(crate) fn in_field(mut self, field: &'static str) -> Self {
        self.field = Some(field);
        self
    }

    /// The byte offset of the error in the parsed text; 0 when the error
    /// has no place (see [`position`](ParseError::position), which tells).
    ///
    /// # Example
    ///
    /// ```
    /// let err = clicktodial::UserData::parse("[|x]").unwrap_err();
    /// assert_eq!(err.offset(), 1);
    /// ```
    pub fn offset(&self) -> usize {
        self.offset.unwrap_or(0)
    }

    /// The byte offset of the error in the parsed text, or `None` when the
    /// error has no place in any text (a pair added with `push`, a result
    /// code read on its own).
    ///
    /// # Example
    ///
    /// ```
    /// let mut data = clicktodial::UserData::new();
    /// let err = data.push("", "x").unwrap_err();
    /// assert_eq!(err.position(), None);
    /// assert_eq!(err.to_string(), "empty name");
    ///
    /// let err = clicktodial::UserData::parse("[a|1][|x]").unwrap_err();
    /// assert_eq!(err.position(), Some(6));
    /// ```
    pub fn position(&self) -> Option<usize> {
        self.offset
    }

    /// What was wrong.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{ParseErrorKind, UserData};
    /// let err = UserData::parse("[a]").unwrap_err();
    /// assert_eq!(err.kind(), &ParseErrorKind::MissingSeparator);
    /// ```
    pub fn kind(&self) -> &ParseErrorKind {
        &self.kind
    }

    /// The form field the error is in, when the text was one field of a form
    /// body (`Some("ctl_userdata")` for a malformed callback `ctl_userdata`).
    ///
    /// # Example
    ///
    /// ```
    /// let err = clicktodial::Callback::from_form("ctl_userdata=%5Bx&resultCode=IGNORE")
    ///     .unwrap_err();
    /// assert_eq!(err.field(), Some("ctl_userdata"));
    /// ```
    pub fn field(&self) -> Option<&'static str> {
        self.field
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(field) = self.field {
            write!(f, "{field}: ")?;
        }
        write!(f, "{}", self.kind)?;
        match self.offset {
            Some(offset) => write!(f, " at byte {offset}"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for ParseError {}

/// Something the lenient parser skipped, with the span of the skipped text.
///
/// # Example
///
/// ```
/// use clicktodial::UserData;
///
/// let (data, diags) = UserData::parse_lenient("[a|1]oops[b|2]");
/// assert_eq!(data.len(), 2);
/// assert_eq!(diags[0].span(), 5..9);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    kind: ParseErrorKind,
    span: Range<usize>,
}

impl Diagnostic {
    pub(crate) fn new(kind: ParseErrorKind, span: Range<usize>) -> Self {
        Diagnostic { kind, span }
    }

    /// Makes the span reach `end` (a skipped stretch right after this one).
    pub(crate) fn extend_to(&mut self, end: usize) {
        self.span.end = end;
    }

    /// The byte range of the input that was skipped (or, for a system data
    /// value, the pair that was read as its default).
    ///
    /// # Example
    ///
    /// ```
    /// let (_, diags) = clicktodial::UserData::parse_lenient("[a|1][b");
    /// assert_eq!(diags[0].span(), 5..7);
    /// ```
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }

    /// Why the text was skipped.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{ParseErrorKind, UserData};
    /// let (_, diags) = UserData::parse_lenient("[|x]");
    /// assert_eq!(diags[0].kind(), &ParseErrorKind::EmptyName);
    /// ```
    pub fn kind(&self) -> &ParseErrorKind {
        &self.kind
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at bytes {}..{} (skipped)",
            self.kind, self.span.start, self.span.end
        )
    }
}

/// What was wrong with a click-to-dial request, a link, or a callback URL.
///
/// # Example
///
/// ```
/// use clicktodial::{ClickToDialRequest, RequestErrorKind};
///
/// let err = ClickToDialRequest::from_query("phone=abc").unwrap_err();
/// assert!(matches!(err.kind(), RequestErrorKind::InvalidPhone { .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestErrorKind {
    /// The URL could not be parsed at all; the `url` crate's reason is the
    /// error's [`source`](std::error::Error::source).
    #[error("not a valid URL")]
    InvalidUrl(#[source] url::ParseError),
    /// The click-to-dial endpoint is HTTPS only.
    #[error("scheme `{0}` is not allowed: the click-to-dial API accepts https only")]
    NotHttps(String),
    /// `phone` is absent or empty.
    #[error("`phone` is required")]
    MissingPhone,
    /// `phone` holds something other than digits, formatting (`+ - . ( ) /`,
    /// spaces and Unicode dashes and spaces) and a trailing extension, or no
    /// digit at all.
    #[error(
        "`phone` must be digits with optional `+ - . ( ) /` or spaces, got `{}`",
        Shown(value)
    )]
    InvalidPhone {
        /// The offending text, as given.
        value: String,
    },
    /// A digits-only parameter holds something else.
    #[error("`{parameter}` must be digits only, got `{}`", Shown(value))]
    NotDigits {
        /// The parameter.
        parameter: &'static str,
        /// The offending text, as given.
        value: String,
    },
    /// A numeric id does not fit in a `u64`.
    #[error("`{parameter}` is too large: `{}`", Shown(value))]
    Overflow {
        /// The parameter.
        parameter: &'static str,
        /// The offending text.
        value: String,
    },
    /// `ctl_userdata` or `extTransactionData` is malformed.
    #[error("`{parameter}`: {error}")]
    Data {
        /// The parameter.
        parameter: &'static str,
        /// The grammar error, with its byte offset into the decoded value.
        error: ParseError,
    },
    /// A callback URL's scheme is not `http` or `https`.
    #[error("callback URL scheme `{0}` is not allowed (http or https only)")]
    CallbackScheme(String),
    /// A callback URL over plain `http` where the policy requires `https`.
    #[error("callback URL must use https")]
    CallbackNotHttps,
    /// A callback URL with no host.
    #[error("callback URL has no host")]
    CallbackNoHost,
    /// A callback URL whose host is loopback, private, link-local,
    /// unspecified or otherwise not public.
    /// (Also: a single-label name, a well-known internal alias, or a name
    /// under no public suffix.)
    #[error("callback URL host `{}` is not a public host", Shown(.0))]
    CallbackPrivateHost(String),
    /// An HTTP request whose method the reader does not take (feature
    /// `http`).
    #[error("HTTP method `{}` is not allowed (expected {expected})", Shown(method))]
    Method {
        /// The method that arrived.
        method: String,
        /// The methods the reader takes, in words.
        expected: &'static str,
    },
    /// A request body whose `Content-Type` the reader does not read
    /// (feature `http`); `(none)` when the header is missing.
    #[error(
        "content type `{}` is not allowed (expected application/x-www-form-urlencoded)",
        Shown(.0)
    )]
    ContentType(String),
    /// A `charset` parameter other than UTF-8 (feature `http`).
    #[error("charset `{}` is not supported (UTF-8 only)", Shown(.0))]
    Charset(String),
    /// A request body over the size limit (feature `http`).
    #[error("body of {len} bytes is over the limit of {limit} bytes")]
    BodyTooLarge {
        /// The body's length in bytes.
        len: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// A request body that is not UTF-8 (feature `http`).
    #[error("body is not UTF-8 (invalid byte at offset {0})")]
    BodyNotUtf8(usize),
    /// A callback body that does not parse (feature `http`).
    #[error("callback body: {0}")]
    CallbackBody(ParseError),
    /// A credential that no `Authorization` header can hold (feature
    /// `http`). The credential itself is never shown.
    #[error("{what} cannot go into the Authorization header: {reason}")]
    Credential {
        /// Which credential (`the access token`, `the user name`, …).
        what: &'static str,
        /// Why, without the credential (`it contains a line break`).
        reason: &'static str,
    },
    /// A base URL a request cannot be sent to (feature `http`); the URL is
    /// shown without user info.
    #[error("cannot send a request to `{}`: {reason}", Shown(url))]
    Target {
        /// The URL, without user info.
        url: String,
        /// Why.
        reason: &'static str,
    },
    /// A vendor's answer that is not the success it should be (feature
    /// `http`): the status and the vendor's own words, on one bounded line.
    #[error("{vendor} answered {status}: {detail}")]
    Answer {
        /// Who answered (`8x8`).
        vendor: &'static str,
        /// The HTTP status.
        status: u16,
        /// What the answer said (messages, reasons), sanitized to one line
        /// of at most a few hundred characters.
        detail: String,
    },
    /// An [`extra`](crate::ClickToDialRequest::extra) parameter that
    /// [`to_url`](crate::ClickToDialRequest::to_url) cannot write so that it
    /// reads back the same: an empty name, a name with white space around
    /// it, a name given twice, or the name of a known parameter.
    #[error("extra parameter `{}` cannot round trip: {reason}", Shown(name))]
    ExtraParameter {
        /// The name, as given.
        name: String,
        /// Why, in words.
        reason: &'static str,
    },
    /// A callback URL longer than the limit (8 KiB), refused before parsing.
    #[error("callback URL is {len} bytes long, over the limit of {max}")]
    CallbackTooLong {
        /// Its length in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A token in a part of `ctl_callbackUrl` that call data may not decide
    /// (scheme, user info, host, port, a query key), or a token value that
    /// would make a path segment `.` or `..`.
    #[error(
        "callback URL: {} in the {part} is not allowed (call data may not decide where a callback goes)",
        token.map_or_else(|| "a token".to_owned(), |t| format!("`${}$`", t.name()))
    )]
    CallbackToken {
        /// The token; `None` when it stands in the user info (part of a
        /// password, so not named).
        token: Option<crate::Token>,
        /// Where it stands: `scheme`, `user info`, `host`, `port`,
        /// `query key`, or `path (as a . or .. segment)`.
        part: &'static str,
    },
}

impl RequestErrorKind {
    /// The stable kebab-case code (see the table in
    /// [`diagnostic`](crate::diagnostic)); a malformed `ctl_userdata` or
    /// `extTransactionData` has its grammar error's code.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::ClickToDialRequest;
    /// let err = ClickToDialRequest::from_query("phone=abc").unwrap_err();
    /// assert_eq!(err.kind().code(), "invalid-phone");
    /// let err = ClickToDialRequest::from_query("phone=1&ctl_userdata=[a").unwrap_err();
    /// assert_eq!(err.kind().code(), "unterminated-pair");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            RequestErrorKind::InvalidUrl(_) => "invalid-url",
            RequestErrorKind::NotHttps(_) => "not-https",
            RequestErrorKind::MissingPhone => "missing-phone",
            RequestErrorKind::InvalidPhone { .. } => "invalid-phone",
            RequestErrorKind::NotDigits { .. } => "not-digits",
            RequestErrorKind::Overflow { .. } => "overflow",
            RequestErrorKind::Data { error, .. } => error.kind().code(),
            RequestErrorKind::CallbackScheme(_) => "callback-scheme",
            RequestErrorKind::CallbackNotHttps => "callback-not-https",
            RequestErrorKind::CallbackNoHost => "callback-no-host",
            RequestErrorKind::CallbackPrivateHost(_) => "callback-private-host",
            RequestErrorKind::Method { .. } => "method-not-allowed",
            RequestErrorKind::ContentType(_) => "content-type-not-allowed",
            RequestErrorKind::Charset(_) => "charset-not-supported",
            RequestErrorKind::BodyTooLarge { .. } => "body-too-large",
            RequestErrorKind::BodyNotUtf8(_) => "body-not-utf8",
            RequestErrorKind::CallbackBody(_) => "callback-body",
            RequestErrorKind::Credential { .. } => "credential-not-allowed",
            RequestErrorKind::Target { .. } => "bad-target",
            RequestErrorKind::Answer { .. } => "vendor-answer",
            RequestErrorKind::ExtraParameter { .. } => "extra-parameter",
            RequestErrorKind::CallbackTooLong { .. } => "callback-too-long",
            RequestErrorKind::CallbackToken { .. } => "callback-token",
        }
    }
}

/// A request, link or callback URL was refused. `Display` names the
/// parameter and shows the offending text (never a password); when the
/// error was found in a link, query or form body, it also shows where: the
/// byte range in that text, a short excerpt around the spot, and, where
/// there is one, the fix as it must be typed at that place.
///
/// # Example
///
/// ```
/// use clicktodial::ClickToDialRequest;
///
/// let err = ClickToDialRequest::from_query("phone={!Account.Phone}").unwrap_err();
/// assert_eq!(err.parameter(), Some("phone"));
/// assert_eq!(err.span(), Some(6..22));
/// assert!(err.to_string().contains("{!Account.Phone}"));
/// ```
///
/// The cause, where there is one (the `url` crate's error for
/// [`RequestErrorKind::InvalidUrl`]), is the error's `source()`:
///
/// ```
/// use std::error::Error as _;
/// let err = clicktodial::ClickToDialRequest::from_url("no url").unwrap_err();
/// assert_eq!(err.source().unwrap().to_string(), "relative URL without a base");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestError {
    kind: RequestErrorKind,
    /// Boxed: most errors are never placed, and a `Result` stays small.
    place: Option<Box<Place>>,
}

/// Where a request error stands in the text it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Place {
    /// `None` for an error that has a fix to tell but no text to point
    /// into (one read from already-decoded fields).
    span: Option<Range<usize>>,
    excerpt: String,
    body: bool,
    help: Option<&'static str>,
}

impl std::error::Error for RequestError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.kind)
    }
}

impl RequestError {
    pub(crate) fn new(kind: RequestErrorKind) -> Self {
        RequestError { kind, place: None }
    }

    /// The error, placed at `span` of the text it was read from.
    pub(crate) fn placed(mut self, span: Range<usize>, excerpt: String, body: bool) -> Self {
        let help = self.place.as_ref().and_then(|p| p.help);
        self.place = Some(Box::new(Place {
            span: Some(span),
            excerpt,
            body,
            help,
        }));
        self
    }

    /// The error with a fix, said as it must be typed in the link.
    pub(crate) fn with_help(mut self, help: &'static str) -> Self {
        match &mut self.place {
            Some(place) => place.help = Some(help),
            None => {
                self.place = Some(Box::new(Place {
                    span: None,
                    excerpt: String::new(),
                    body: false,
                    help: Some(help),
                }))
            }
        }
        self
    }

    /// The error without its place, keeping its fix: for a text the user
    /// never wrote (the query a serde reader rebuilds from decoded fields),
    /// where a link range would point nowhere.
    #[cfg_attr(not(feature = "serde"), allow(dead_code))]
    pub(crate) fn unplaced(mut self) -> Self {
        match self.place.take().and_then(|p| p.help) {
            Some(help) => self.with_help(help),
            None => self,
        }
    }

    /// What was wrong.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{ClickToDialRequest, RequestErrorKind};
    /// let err = ClickToDialRequest::from_query("prefix=1").unwrap_err();
    /// assert_eq!(err.kind(), &RequestErrorKind::MissingPhone);
    /// ```
    pub fn kind(&self) -> &RequestErrorKind {
        &self.kind
    }

    /// The byte range, in the link, query or form body as given (before
    /// percent-decoding), of what the error is about: the offending
    /// character of a parameter's value, the spot a `ctl_userdata` error
    /// points at, the scheme of a link that is not `https`. `None` when the
    /// error is about no one place (a missing `phone`, a URL that could not
    /// be read) or did not come from a text (`to_url`, `validate`).
    ///
    /// For [`from_query_and_form`](crate::ClickToDialRequest::from_query_and_form),
    /// a range in the POST body is marked by [`in_body`](RequestError::in_body).
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::ClickToDialRequest;
    /// let link = "https://vcc-na4.8x8.com/AGUI/make_call.php?phone=1\
    ///             &ctl_userdata=[a|Acme+[EU]+now][b|2]";
    /// let err = ClickToDialRequest::from_url(link).unwrap_err();
    /// assert_eq!(&link[err.span().unwrap()], "n");
    /// ```
    pub fn span(&self) -> Option<Range<usize>> {
        self.place.as_ref().and_then(|p| p.span.clone())
    }

    /// Whether [`span`](RequestError::span) is in the POST body rather than
    /// the link or query.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::ClickToDialRequest;
    /// let err = ClickToDialRequest::from_query_and_form("phone=1", "ctl_userdata=[a").unwrap_err();
    /// assert!(err.in_body());
    /// assert_eq!(err.span(), Some(13..14));
    /// ```
    pub fn in_body(&self) -> bool {
        self.place.as_ref().is_some_and(|p| p.body)
    }

    /// The fix, as it must be typed at [`span`](RequestError::span) in the
    /// link, when there is one obvious fix (a `]` that belongs to a value is
    /// `%5D` in `ctl_userdata`, so `%255D` in a link).
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::ClickToDialRequest;
    /// let err = ClickToDialRequest::from_query("phone=1&ctl_userdata=[a|x]y]").unwrap_err();
    /// assert!(err.help().unwrap().contains("%255D"));
    /// ```
    pub fn help(&self) -> Option<&'static str> {
        self.place.as_ref().and_then(|p| p.help)
    }

    /// The request parameter the error is about, if it is about one.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::ClickToDialRequest;
    /// let err = ClickToDialRequest::from_query("phone=1&queue_id=x").unwrap_err();
    /// assert_eq!(err.parameter(), Some("queue_id"));
    /// ```
    pub fn parameter(&self) -> Option<&'static str> {
        match &self.kind {
            RequestErrorKind::MissingPhone | RequestErrorKind::InvalidPhone { .. } => Some("phone"),
            RequestErrorKind::NotDigits { parameter, .. }
            | RequestErrorKind::Overflow { parameter, .. }
            | RequestErrorKind::Data { parameter, .. } => Some(parameter),
            _ => None,
        }
    }
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
        if let Some(place) = &self.place {
            if let Some(span) = &place.span {
                let text = if place.body { "body" } else { "link" };
                write!(
                    f,
                    " (at {text} bytes {}..{}: `{}`)",
                    span.start, span.end, place.excerpt
                )?;
            }
            if let Some(help) = place.help {
                write!(f, "; {help}")?;
            }
        }
        Ok(())
    }
}

impl From<RequestErrorKind> for RequestError {
    fn from(kind: RequestErrorKind) -> Self {
        RequestError::new(kind)
    }
}
