//! The `make_call.php` request: parsing, validation, the dial string, and
//! building links.
//!
//! Decisions where the vendor text is silent:
//!
//! - Queries and form bodies are `application/x-www-form-urlencoded` (`+` is
//!   a space). Parameter names are trimmed of white space (the vendor's
//!   examples have `make_call.php? prefix=1`) and matched case-sensitively;
//!   a parameter with an empty name is dropped. Repeated parameters: the last
//!   wins, and only the winner is validated.
//! - `prefix` and `callerId` are digits only and may be empty: `prefix=` is
//!   `Some("")`, no `prefix` at all is `None`. `dialplan_id` and `queue_id`
//!   are digits only, read as `u64`; an empty one is `None`.
//! - `phone` is required: digits and the formatting characters space
//!   `+ - . ( ) /`, with at least one digit. It is kept as given. Formatting
//!   may also use the Unicode dashes (U+2010 to U+2015, the minus sign
//!   U+2212, the small and full-width hyphen-minus) and spaces (no-break
//!   U+00A0, figure U+2007, narrow no-break U+202F, the thin and other
//!   U+2000 to U+200A spaces, U+1680, U+205F, U+3000), as CRMs and word
//!   processors write them. A trailing extension (`ext`, `ext.`,
//!   `extension`, `x`, `#` or `;ext=`, in any case, followed by digits) is
//!   kept apart: [`ClickToDialRequest::extension`] gives it, and it is not
//!   dialled ([`ClickToDialRequest::number`],
//!   [`ClickToDialRequest::dial_string`]). Any other letter, and a leftover
//!   CRM merge field (`{!Account.Phone}`), is an error naming `phone`.
//! - Errors point into the text as given: [`RequestError::span`] is the
//!   byte range, in the link, query or body before percent-decoding, of the
//!   offending character (for `ctl_userdata`, of the spot the grammar error
//!   is at, mapped through the decoding), and `Display` shows a short
//!   excerpt around it and the fix as it must be typed there (a `]` that
//!   belongs to a value is `%5D` in `ctl_userdata`, so `%255D` in a link).
//!   [`LinkMap`](crate::LinkMap) maps any other `ctl_userdata` range (a
//!   lint's) into the link.
//! - The lenient readers (`from_url_lenient`, `from_query_lenient`,
//!   `from_query_and_form_lenient`) validate the dial parameters exactly as
//!   the strict ones and read `ctl_userdata` and `extTransactionData` with
//!   [`UserData::parse_lenient`], returning every skipped part as a
//!   [`RequestDiagnostic`] placed in the link: the service decides whether
//!   to dial.
//! - `ctl_userdata` and `extTransactionData` are parsed strictly; from
//!   [`ClickToDialRequest::from_query_and_form`] the POST body's value wins.
//!   The POST body is read only for those two; its other fields are added to
//!   [`extra`](ClickToDialRequest::extra) unless they name a GET parameter
//!   (the vendor takes `prefix`, `phone`, … from the query only).
//! - Unknown parameters are kept in `extra`, in order of their last
//!   occurrence.
//! - [`ClickToDialRequest::to_url`] validates the request first, writes the
//!   known parameters in the vendor's order and then `extra`, and
//!   percent-encodes every byte outside `A-Z a-z 0-9 - . _ ~`. It refuses
//!   what would not read back the same: an `extra` name that is empty, has
//!   white space around it, is given twice or is a known parameter.

mod build;
pub(crate) mod link;
pub(crate) mod phone;
pub(crate) mod reader;
pub(crate) mod reading;

use std::fmt;
use std::ops::Range;

use crate::error::{Diagnostic, RequestError};
use crate::userdata::{ExtTransactionData, UserData};
use phone::{check_digits, check_phone, split_extension};

pub(crate) const PREFIX: &str = "prefix";
pub(crate) const PHONE: &str = "phone";
pub(crate) const CALLER_ID: &str = "callerId";
pub(crate) const DIALPLAN_ID: &str = "dialplan_id";
pub(crate) const QUEUE_ID: &str = "queue_id";
pub(crate) const CTL_USERDATA: &str = "ctl_userdata";
pub(crate) const EXT_TRANSACTION_DATA: &str = "extTransactionData";
/// The five dial parameters, in the vendor's order: the one list of them.
/// They are read from the query only (never from a POST body), and a CRM
/// template may hold a merge field in them but no `ctl_userdata` pairs.
pub(crate) const DIAL_PARAMS: [&str; 5] = [PREFIX, PHONE, CALLER_ID, DIALPLAN_ID, QUEUE_ID];

/// A `make_call.php` request: who to dial, how, and the data that rides
/// along.
///
/// # Example
///
/// ```
/// use clicktodial::ClickToDialRequest;
///
/// let req = ClickToDialRequest::from_url(
///     "https://vcc-na4.8x8.com/AGUI/make_call.php?prefix=1&phone=6502928880",
/// )?;
/// assert_eq!(req.dial_string(), "16502928880");
///
/// let mut link = ClickToDialRequest::new("(650) 292-8880");
/// link.prefix = Some("1".into());
/// assert_eq!(
///     link.to_url("https://vcc-na4.8x8.com")?,
///     "https://vcc-na4.8x8.com/AGUI/make_call.php?prefix=1&phone=%28650%29%20292-8880"
/// );
/// # Ok::<(), clicktodial::RequestError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ClickToDialRequest {
    /// `prefix`: digits dialled before the phone number.
    pub prefix: Option<String>,
    /// `phone`: the number to call, as given (formatting kept), decoded.
    pub phone: String,
    /// `callerId`: the phone channel number to call from.
    pub caller_id: Option<String>,
    /// `dialplan_id`: the dial plan to apply.
    pub dialplan_id: Option<u64>,
    /// `queue_id`: the outbound queue to call with.
    pub queue_id: Option<u64>,
    /// `ctl_userdata`, parsed.
    pub userdata: Option<UserData<'static>>,
    /// `extTransactionData`, parsed.
    pub ext_transaction_data: Option<ExtTransactionData<'static>>,
    /// Unknown parameters, in order.
    pub extra: Vec<(String, String)>,
}
/// A part of `ctl_userdata` or `extTransactionData` that a lenient read
/// ([`ClickToDialRequest::from_url_lenient`] and friends) skipped, with
/// where it stands in the link.
///
/// `Display` is one line: the parameter, what was skipped and why, the
/// range in the link with an excerpt, and the fix where there is one.
///
/// # Example
///
/// ```
/// use clicktodial::ClickToDialRequest;
///
/// let link = "https://vcc-na4.8x8.com/AGUI/make_call.php?phone=6505550100\
///             &ctl_userdata=[subject|Call+Acme+[EU]+now][status|done]";
/// let (req, skipped) = ClickToDialRequest::from_url_lenient(link)?;
/// assert_eq!(req.userdata.unwrap().get("status"), Some("done"));
/// assert_eq!(skipped.len(), 1);
/// assert_eq!(skipped[0].parameter(), "ctl_userdata");
/// assert_eq!(&link[skipped[0].span().unwrap()], "now]");
/// assert!(skipped[0].to_string().contains("%255D"));
/// # Ok::<(), clicktodial::RequestError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestDiagnostic {
    pub(super) parameter: &'static str,
    pub(super) diagnostic: Diagnostic,
    pub(super) span: Option<Range<usize>>,
    pub(super) excerpt: Option<String>,
    body: bool,
    help: Option<&'static str>,
}

impl RequestDiagnostic {
    /// `ctl_userdata` or `extTransactionData`.
    ///
    /// # Example
    ///
    /// ```
    /// let (_, d) = clicktodial::ClickToDialRequest::from_query_lenient("phone=1&extTransactionData=x")?;
    /// assert_eq!(d[0].parameter(), "extTransactionData");
    /// # Ok::<(), clicktodial::RequestError>(())
    /// ```
    pub fn parameter(&self) -> &'static str {
        self.parameter
    }

    /// What the lenient parse skipped, with its span in the *decoded*
    /// parameter value.
    ///
    /// # Example
    ///
    /// ```
    /// let (_, d) = clicktodial::ClickToDialRequest::from_query_lenient("phone=1&ctl_userdata=[a|1]%20x")?;
    /// assert_eq!(d[0].diagnostic().span(), 6..7);
    /// # Ok::<(), clicktodial::RequestError>(())
    /// ```
    pub fn diagnostic(&self) -> &Diagnostic {
        &self.diagnostic
    }

    /// The skipped part's byte range in the link, query or body as given.
    ///
    /// # Example
    ///
    /// ```
    /// let (_, d) = clicktodial::ClickToDialRequest::from_query_lenient("phone=1&ctl_userdata=[a|1]%20x")?;
    /// assert_eq!(d[0].span(), Some(29..30));
    /// # Ok::<(), clicktodial::RequestError>(())
    /// ```
    pub fn span(&self) -> Option<Range<usize>> {
        self.span.clone()
    }

    /// Whether [`span`](RequestDiagnostic::span) is in the POST body.
    ///
    /// # Example
    ///
    /// ```
    /// let (_, d) = clicktodial::ClickToDialRequest::from_query_and_form_lenient("phone=1", "ctl_userdata=x")?;
    /// assert!(d[0].in_body());
    /// # Ok::<(), clicktodial::RequestError>(())
    /// ```
    pub fn in_body(&self) -> bool {
        self.body
    }

    /// The fix, as typed in the link, when there is one obvious fix.
    ///
    /// # Example
    ///
    /// ```
    /// let (_, d) = clicktodial::ClickToDialRequest::from_query_lenient("phone=1&ctl_userdata=[a|x]y]")?;
    /// assert!(d[0].help().unwrap().contains("%255D"));
    /// # Ok::<(), clicktodial::RequestError>(())
    /// ```
    pub fn help(&self) -> Option<&'static str> {
        self.help
    }
}

impl fmt::Display for RequestDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}`: {} (skipped)",
            self.parameter,
            self.diagnostic.kind()
        )?;
        if let (Some(span), Some(excerpt)) = (&self.span, &self.excerpt) {
            let text = if self.body { "body" } else { "link" };
            write!(
                f,
                " at {text} bytes {}..{}: `{excerpt}`",
                span.start, span.end
            )?;
        }
        if let Some(help) = self.help {
            write!(f, "; {help}")?;
        }
        Ok(())
    }
}

impl ClickToDialRequest {
    /// A request to dial `phone`, with nothing else set.
    ///
    /// # Example
    ///
    /// ```
    /// let req = clicktodial::ClickToDialRequest::new("6502928880");
    /// assert_eq!(req.dial_string(), "6502928880");
    /// assert!(req.userdata.is_none());
    /// ```
    pub fn new(phone: impl Into<String>) -> Self {
        ClickToDialRequest {
            prefix: None,
            phone: phone.into(),
            caller_id: None,
            dialplan_id: None,
            queue_id: None,
            userdata: None,
            ext_transaction_data: None,
            extra: Vec::new(),
        }
    }

    /// The digits to dial: the prefix, then the digits of the phone number
    /// ([`number`](ClickToDialRequest::number)). A trailing extension is not
    /// dialled.
    ///
    /// # Example
    ///
    /// ```
    /// let mut req = clicktodial::ClickToDialRequest::new("+1 (650) 292-8880 ext. 12");
    /// req.prefix = Some("9".into());
    /// assert_eq!(req.dial_string(), "916502928880");
    /// ```
    pub fn dial_string(&self) -> String {
        let prefix = self.prefix.as_deref().unwrap_or_default();
        let mut dial = String::with_capacity(prefix.len() + self.phone.len());
        dial.push_str(prefix);
        dial.push_str(&self.number());
        dial
    }

    /// The digits of the phone number, without the prefix and without a
    /// trailing extension: what `PlaceCall.number` sends.
    ///
    /// Formatting is dropped: spaces (also the no-break, narrow and thin
    /// spaces), dashes (also the Unicode hyphens and dashes U+2010 to
    /// U+2015 and the minus sign U+2212) and `+ . ( ) /`.
    ///
    /// # Example
    ///
    /// ```
    /// let req = clicktodial::ClickToDialRequest::new("650\u{2013}555\u{2013}0100 x 7");
    /// assert_eq!(req.number(), "6505550100");
    /// assert_eq!(req.extension(), Some("7"));
    /// ```
    pub fn number(&self) -> String {
        split_extension(&self.phone)
            .0
            .chars()
            .filter(char::is_ascii_digit)
            .collect()
    }

    /// The phone's trailing extension, its digits only: `ext`, `ext.`,
    /// `extension`, `x`, `#` or `;ext=` (any case, spaces around allowed)
    /// followed by digits at the end of the phone. The extension is not
    /// dialled (it is not in [`dial_string`](ClickToDialRequest::dial_string)
    /// nor in [`number`](ClickToDialRequest::number)); the agent reaches it
    /// once the call is answered.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::ClickToDialRequest;
    /// assert_eq!(ClickToDialRequest::new("650-555-0100 ext. 12").extension(), Some("12"));
    /// assert_eq!(ClickToDialRequest::new("+16505550100;ext=12").extension(), Some("12"));
    /// assert_eq!(ClickToDialRequest::new("650-555-0100 #12").extension(), Some("12"));
    /// assert_eq!(ClickToDialRequest::new("650-555-0100").extension(), None);
    /// ```
    pub fn extension(&self) -> Option<&str> {
        split_extension(&self.phone).1
    }

    /// Checks the dial parameters as parsing does: `phone` present and well
    /// formed, `prefix` and `callerId` digits only.
    ///
    /// # Example
    ///
    /// ```
    /// let mut req = clicktodial::ClickToDialRequest::new("6502928880");
    /// assert!(req.validate().is_ok());
    /// req.caller_id = Some("52-51".into());
    /// assert_eq!(req.validate().unwrap_err().parameter(), Some("callerId"));
    /// ```
    pub fn validate(&self) -> Result<(), RequestError> {
        check_phone(&self.phone).map_err(|(e, _)| e)?;
        if let Some(prefix) = &self.prefix {
            check_digits(PREFIX, prefix).map_err(|(e, _)| e)?;
        }
        if let Some(caller_id) = &self.caller_id {
            check_digits(CALLER_ID, caller_id).map_err(|(e, _)| e)?;
        }
        Ok(())
    }
}

impl std::str::FromStr for ClickToDialRequest {
    type Err = RequestError;

    /// Parses a whole click-to-dial URL, as [`ClickToDialRequest::from_url`].
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::ClickToDialRequest;
    ///
    /// let req: ClickToDialRequest =
    ///     "https://vcc-na4.8x8.com/AGUI/make_call.php?prefix=1&phone=6502928880".parse()?;
    /// assert_eq!(req.dial_string(), "16502928880");
    /// assert!("http://vcc-na4.8x8.com/AGUI/make_call.php?phone=1"
    ///     .parse::<ClickToDialRequest>()
    ///     .is_err());
    /// # Ok::<(), clicktodial::RequestError>(())
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ClickToDialRequest::from_url(s)
    }
}
