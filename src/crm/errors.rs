//! What can be wrong with a link template, each problem with its place.

use std::fmt;
use std::ops::Range;

use crate::error::{ParseError, RequestErrorKind};

/// What was wrong with a link template.
///
/// # Example
///
/// ```
/// use clicktodial::{fill_link_template, LinkTemplateErrorKind, SampleRecord};
/// let errors = fill_link_template("phone={!Account.Phone}", &SampleRecord::new()).unwrap_err();
/// assert_eq!(errors[0].kind(), &LinkTemplateErrorKind::MissingField("Account.Phone".into()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LinkTemplateErrorKind {
    /// `{!` with no closing `}`.
    #[error("merge field with no closing `}}`")]
    UnterminatedMergeField,
    /// An expression the filler cannot read.
    #[error("merge field expression: {0}")]
    Syntax(&'static str),
    /// A function the filler does not evaluate.
    #[error(
        "merge field function `{0}` is not supported (SUBSTITUTE, URLENCODE, BLANKVALUE, TRIM are)"
    )]
    UnsupportedFunction(String),
    /// The sample record has no such field: the CRM could not fill it.
    #[error("the record has no field `{0}`")]
    MissingField(String),
    /// An expression's value grew past 1 MiB.
    #[error("merge field value too long")]
    TooLong,
    /// The template is not an `https` link with a query.
    #[error("not an https click-to-dial link")]
    NotALink,
    /// A dial parameter is invalid even with its merge fields filled in
    /// (a letter in the phone).
    #[error("{0}")]
    Request(RequestErrorKind),
    /// `ctl_userdata` or `extTransactionData` is malformed.
    #[error("`{parameter}`: {error}")]
    Data {
        /// The parameter.
        parameter: &'static str,
        /// The grammar error (its offset is in the decoded value; the
        /// template error's span is in the template).
        error: ParseError,
    },
    /// The private-use characters U+E000 and U+E001, which the template
    /// reader uses to hold merge fields aside.
    #[error("the private-use characters U+E000 and U+E001 cannot be used in a template")]
    ReservedCharacter,
}

impl LinkTemplateErrorKind {
    /// The stable kebab-case code (see the table in
    /// [`diagnostic`](crate::diagnostic)); a dial parameter or data error
    /// has the request's or grammar's code.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::LinkTemplateErrorKind;
    /// assert_eq!(LinkTemplateErrorKind::NotALink.code(), "not-a-template");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            LinkTemplateErrorKind::UnterminatedMergeField => "unterminated-merge-field",
            LinkTemplateErrorKind::Syntax(_) => "merge-field-syntax",
            LinkTemplateErrorKind::UnsupportedFunction(_) => "unsupported-function",
            LinkTemplateErrorKind::MissingField(_) => "missing-record-field",
            LinkTemplateErrorKind::TooLong => "merge-field-too-long",
            LinkTemplateErrorKind::NotALink => "not-a-template",
            LinkTemplateErrorKind::Request(kind) => kind.code(),
            LinkTemplateErrorKind::Data { error, .. } => error.kind().code(),
            LinkTemplateErrorKind::ReservedCharacter => "reserved-character",
        }
    }
}

/// A problem with a link template, with its byte range in the template
/// text as given.
///
/// # Example
///
/// ```
/// use clicktodial::LinkTemplate;
/// let errors = LinkTemplate::parse("https://h.example.com/AGUI/make_call.php?phone={!Account.Phone").unwrap_err();
/// assert_eq!(errors[0].span(), 47..62);
/// assert!(errors[0].to_string().starts_with("merge field with no closing `}`"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkTemplateError {
    pub(super) kind: LinkTemplateErrorKind,
    pub(super) span: Range<usize>,
}

impl LinkTemplateError {
    /// What was wrong.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{fill_link_template, LinkTemplateErrorKind, SampleRecord};
    /// let e = fill_link_template("{!FOO(Account.Id)}", &SampleRecord::new()).unwrap_err();
    /// assert_eq!(e[0].kind(), &LinkTemplateErrorKind::UnsupportedFunction("FOO".into()));
    /// ```
    pub fn kind(&self) -> &LinkTemplateErrorKind {
        &self.kind
    }

    /// The byte range in the template text.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{fill_link_template, SampleRecord};
    /// let e = fill_link_template("a={!X.Y}&b={!Z}", &SampleRecord::new()).unwrap_err();
    /// assert_eq!((e[0].span(), e[1].span()), (2..8, 11..15));
    /// ```
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }
}

impl fmt::Display for LinkTemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at template bytes {}..{}",
            self.kind, self.span.start, self.span.end
        )
    }
}

impl std::error::Error for LinkTemplateError {}

/// Every problem found in a link template (at least one), in the order of
/// the text. Derefs to a slice of [`LinkTemplateError`]; `Display` shows
/// the first and how many more there are.
///
/// # Example
///
/// ```
/// use clicktodial::{fill_link_template, SampleRecord};
/// let errors = fill_link_template("a={!X}&b={!Y}", &SampleRecord::new()).unwrap_err();
/// assert_eq!(errors.len(), 2);
/// assert_eq!(
///     errors.to_string(),
///     "the record has no field `X` at template bytes 2..6 (and 1 more problem)"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkTemplateErrors {
    pub(super) errors: Vec<LinkTemplateError>,
}

impl LinkTemplateErrors {
    pub(super) fn one(kind: LinkTemplateErrorKind, span: Range<usize>) -> Self {
        LinkTemplateErrors {
            errors: vec![LinkTemplateError { kind, span }],
        }
    }

    /// The problems, as a vector.
    ///
    /// # Example
    ///
    /// ```
    /// let e = clicktodial::LinkTemplate::parse("not a link").unwrap_err();
    /// assert_eq!(e.into_vec().len(), 1);
    /// ```
    pub fn into_vec(self) -> Vec<LinkTemplateError> {
        self.errors
    }
}

impl std::ops::Deref for LinkTemplateErrors {
    type Target = [LinkTemplateError];
    fn deref(&self) -> &[LinkTemplateError] {
        &self.errors
    }
}

impl fmt::Display for LinkTemplateErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(first) = self.errors.first() {
            write!(f, "{first}")?;
        }
        match self.errors.len() {
            0 | 1 => Ok(()),
            2 => write!(f, " (and 1 more problem)"),
            n => write!(f, " (and {} more problems)", n - 1),
        }
    }
}

impl std::error::Error for LinkTemplateErrors {}
