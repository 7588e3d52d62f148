//! Errors and diagnostics.
//!
//! Every error says *what* went wrong and *where*: a byte offset for the
//! `[name|value]` grammar, a parameter name for a request. `Display` is one
//! line a person can act on. No error ever contains a password: the only
//! secret the crate handles ([`Screenpop::password`](crate::Screenpop)) is
//! never put into an error, and URLs are shown without their user info.

use std::fmt;
use std::ops::Range;

/// Outside text as shown in a message: on one line (control characters and
/// the Unicode line and paragraph separators written as Rust escapes, `\n`,
/// `\u{2028}`) and at most [`Shown::MAX`] characters, the rest elided. The
/// error's kind keeps the text unchanged.
struct Shown<'a>(&'a str);

impl Shown<'_> {
    const MAX: usize = 100;
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, c) in self.0.chars().enumerate() {
            if i == Self::MAX {
                return f.write_str("…");
            }
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
                write!(f, "{}", c.escape_default())?;
            } else {
                write!(f, "{c}")?;
            }
        }
        Ok(())
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
    #[error("not a valid URL: {0}")]
    InvalidUrl(#[source] url::ParseError),
    /// The click-to-dial endpoint is HTTPS only.
    #[error("scheme `{0}` is not allowed: the click-to-dial API accepts https only")]
    NotHttps(String),
    /// `phone` is absent or empty.
    #[error("`phone` is required")]
    MissingPhone,
    /// `phone` holds something other than digits and `+ - . ( ) /` or space,
    /// or no digit at all.
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
    #[error("callback URL host `{}` is not a public address", Shown(.0))]
    CallbackPrivateHost(String),
}

/// A request, link or callback URL was refused. `Display` names the
/// parameter and shows the offending text (never a password).
///
/// # Example
///
/// ```
/// use clicktodial::ClickToDialRequest;
///
/// let err = ClickToDialRequest::from_query("phone={!Account.Phone}").unwrap_err();
/// assert_eq!(err.parameter(), Some("phone"));
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
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.kind.fmt(f)
    }
}

impl std::error::Error for RequestError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.kind)
    }
}

impl RequestError {
    pub(crate) fn new(kind: RequestErrorKind) -> Self {
        RequestError { kind }
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

impl From<RequestErrorKind> for RequestError {
    fn from(kind: RequestErrorKind) -> Self {
        RequestError::new(kind)
    }
}
