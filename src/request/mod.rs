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

pub(crate) mod crm;
pub(crate) mod link;
pub(crate) mod reading;

use std::fmt;
use std::ops::Range;

use percent_encoding::{utf8_percent_encode, AsciiSet};

use crate::encode::UNRESERVED;
use crate::error::{Diagnostic, ParseErrorKind, RequestError, RequestErrorKind};
use crate::userdata::{ExtTransactionData, UserData};
use link::Origin;

/// Every byte outside `A-Z a-z 0-9 - . _ ~` is encoded.
const COMPONENT: &AsciiSet = UNRESERVED;

const PREFIX: &str = "prefix";
const PHONE: &str = "phone";
const CALLER_ID: &str = "callerId";
const DIALPLAN_ID: &str = "dialplan_id";
const QUEUE_ID: &str = "queue_id";
const CTL_USERDATA: &str = "ctl_userdata";
const EXT_TRANSACTION_DATA: &str = "extTransactionData";
const GET_ONLY: [&str; 5] = [PREFIX, PHONE, CALLER_ID, DIALPLAN_ID, QUEUE_ID];

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

/// One raw value, with where it came from.
#[derive(Debug, Clone)]
struct Slot {
    value: String,
    /// The value's byte range in the text it was read from.
    span: Range<usize>,
    /// Read from the POST body.
    body: bool,
}

/// The raw values of one request, last occurrence winning.
#[derive(Default)]
struct Raw<'t> {
    query: Option<Origin<'t>>,
    form: Option<Origin<'t>>,
    prefix: Option<Slot>,
    phone: Option<Slot>,
    caller_id: Option<Slot>,
    dialplan_id: Option<Slot>,
    queue_id: Option<Slot>,
    userdata: Option<Slot>,
    ext: Option<Slot>,
    extra: Vec<(String, String)>,
}

/// How `ctl_userdata` and `extTransactionData` are read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Strict,
    Lenient,
}

type Found = (ClickToDialRequest, Vec<RequestDiagnostic>);

impl<'t> Raw<'t> {
    /// Reads the parameters of `text[range]`; `post` says it is the POST
    /// body, `drop_breaks` that tabs and line breaks are dropped (a URL).
    fn read(&mut self, text: &'t str, range: Range<usize>, post: bool, drop_breaks: bool) {
        let origin = Origin {
            text,
            floor: range.start,
            drop_breaks,
            body: post,
        };
        if post {
            self.form = Some(origin);
        } else {
            self.query = Some(origin);
        }
        link::split(text, range, |name_span, value_span| {
            let name = link::decode(text, name_span, drop_breaks, None);
            let name = name.trim();
            let value = link::decode(text, value_span.clone(), drop_breaks, None);
            let slot = match name {
                "" => return,
                CTL_USERDATA => &mut self.userdata,
                EXT_TRANSACTION_DATA => &mut self.ext,
                _ if post && GET_ONLY.contains(&name) => return,
                PREFIX => &mut self.prefix,
                PHONE => &mut self.phone,
                CALLER_ID => &mut self.caller_id,
                DIALPLAN_ID => &mut self.dialplan_id,
                QUEUE_ID => &mut self.queue_id,
                _ => {
                    // Duplicates are dropped in `finish`, in one pass.
                    self.extra.push((name.to_owned(), value));
                    return;
                }
            };
            *slot = Some(Slot {
                value,
                span: value_span,
                body: post,
            });
        });
    }

    fn origin(&self, slot: &Slot) -> Option<Origin<'t>> {
        if slot.body {
            self.form
        } else {
            self.query
        }
    }

    /// Places `error` at `decoded` (a byte range of the slot's decoded
    /// value; `None`: the whole value).
    fn place(
        &self,
        error: RequestError,
        slot: &Slot,
        decoded: Option<Range<usize>>,
    ) -> RequestError {
        match self.origin(slot) {
            Some(origin) => origin.place(error, &slot.span, decoded),
            None => error,
        }
    }

    fn finish(self, mode: Mode) -> Result<Found, RequestError> {
        let phone = match &self.phone {
            Some(slot) if !slot.value.is_empty() => {
                check_phone(&slot.value).map_err(|(e, at)| self.place(e, slot, at))?;
                slot.value.clone()
            }
            _ => return Err(RequestErrorKind::MissingPhone.into()),
        };
        let digits = |parameter, slot: &Option<Slot>| match slot {
            Some(slot) => check_digits(parameter, &slot.value)
                .map(|()| Some(slot.value.clone()))
                .map_err(|(e, at)| self.place(e, slot, at)),
            None => Ok(None),
        };
        let id = |parameter, slot: &Option<Slot>| match slot {
            Some(slot) => parse_id(parameter, Some(slot.value.clone()))
                .map_err(|(e, at)| self.place(e, slot, at)),
            None => Ok(None),
        };
        let prefix = digits(PREFIX, &self.prefix)?;
        let caller_id = digits(CALLER_ID, &self.caller_id)?;
        let dialplan_id = id(DIALPLAN_ID, &self.dialplan_id)?;
        let queue_id = id(QUEUE_ID, &self.queue_id)?;
        let mut diagnostics = Vec::new();
        let userdata = self.data(CTL_USERDATA, &self.userdata, mode, &mut diagnostics)?;
        let ext_transaction_data = self
            .data(EXT_TRANSACTION_DATA, &self.ext, mode, &mut diagnostics)?
            .map(ExtTransactionData::from);
        Ok((
            ClickToDialRequest {
                prefix,
                phone,
                caller_id,
                dialplan_id,
                queue_id,
                userdata,
                ext_transaction_data,
                extra: last_of_each(self.extra),
            },
            diagnostics,
        ))
    }

    /// Reads every parameter, refusing none: each dial parameter that does
    /// not validate is left out of the request (an empty `phone`) and
    /// reported; the data is read leniently. Also whether `phone` is
    /// readable (the dial string can be told).
    fn read_all(
        self,
    ) -> (
        ClickToDialRequest,
        Vec<RequestError>,
        Vec<RequestDiagnostic>,
        bool,
    ) {
        let mut errors = Vec::new();
        let phone = match &self.phone {
            Some(slot) if !slot.value.is_empty() => match check_phone(&slot.value) {
                Ok(()) => Some(slot.value.clone()),
                Err((e, at)) => {
                    errors.push(self.place(e, slot, at));
                    None
                }
            },
            _ => {
                errors.push(RequestErrorKind::MissingPhone.into());
                None
            }
        };
        let mut digits = |parameter, slot: &Option<Slot>| match slot {
            Some(slot) => match check_digits(parameter, &slot.value) {
                Ok(()) => Some(slot.value.clone()),
                Err((e, at)) => {
                    errors.push(self.place(e, slot, at));
                    None
                }
            },
            None => None,
        };
        let prefix = digits(PREFIX, &self.prefix);
        let caller_id = digits(CALLER_ID, &self.caller_id);
        let mut id = |parameter, slot: &Option<Slot>| match slot {
            Some(slot) => {
                parse_id(parameter, Some(slot.value.clone())).unwrap_or_else(|(e, at)| {
                    errors.push(self.place(e, slot, at));
                    None
                })
            }
            None => None,
        };
        let dialplan_id = id(DIALPLAN_ID, &self.dialplan_id);
        let queue_id = id(QUEUE_ID, &self.queue_id);
        let mut diagnostics = Vec::new();
        // Lenient reads never fail.
        let userdata = self
            .data(
                CTL_USERDATA,
                &self.userdata,
                Mode::Lenient,
                &mut diagnostics,
            )
            .unwrap_or_default();
        let ext_transaction_data = self
            .data(
                EXT_TRANSACTION_DATA,
                &self.ext,
                Mode::Lenient,
                &mut diagnostics,
            )
            .unwrap_or_default()
            .map(ExtTransactionData::from);
        let readable = phone.is_some();
        let request = ClickToDialRequest {
            prefix,
            phone: phone.unwrap_or_default(),
            caller_id,
            dialplan_id,
            queue_id,
            userdata,
            ext_transaction_data,
            extra: last_of_each(self.extra),
        };
        (request, errors, diagnostics, readable)
    }

    /// Parses `ctl_userdata` or `extTransactionData`: strictly (an error
    /// names the parameter and points into the text), or leniently (every
    /// skipped part becomes a diagnostic placed in the text).
    fn data(
        &self,
        parameter: &'static str,
        slot: &Option<Slot>,
        mode: Mode,
        diagnostics: &mut Vec<RequestDiagnostic>,
    ) -> Result<Option<UserData<'static>>, RequestError> {
        let Some(slot) = slot else {
            return Ok(None);
        };
        let text = slot.value.as_str();
        if mode == Mode::Strict {
            return match UserData::parse(text) {
                Ok(data) => Ok(Some(data.into_owned())),
                Err(error) => {
                    let at = error.offset();
                    let help = data_help(error.kind(), text, at);
                    let err = RequestError::from(RequestErrorKind::Data { parameter, error });
                    let err = self.place(err, slot, Some(char_range(text, at)));
                    Err(match help {
                        Some(help) => err.with_help(help),
                        None => err,
                    })
                }
            };
        }
        let (data, found) = UserData::parse_lenient(text);
        // One decoding pass maps every diagnostic: linear however many.
        let origin = self.origin(slot);
        let mapper = match (&origin, found.is_empty()) {
            (Some(origin), false) => Some(origin.mapper(&slot.span)),
            _ => None,
        };
        for diagnostic in found {
            let help = data_help(diagnostic.kind(), text, diagnostic.span().start);
            let (span, excerpt) = match (origin, &mapper) {
                (Some(origin), Some(mapper)) => {
                    let span = mapper.map(diagnostic.span());
                    let excerpt = link::excerpt(origin.text, &span, origin.floor);
                    (Some(span), Some(excerpt))
                }
                _ => (None, None),
            };
            diagnostics.push(RequestDiagnostic {
                parameter,
                diagnostic,
                span,
                excerpt,
                body: slot.body,
                help,
            });
        }
        Ok(Some(data.into_owned()))
    }
}

/// A whole URL the URL parser reads, with the scheme `https`; else the
/// error (a wrong scheme placed where it stands).
fn check_scheme(url: &str) -> Result<(), RequestError> {
    let parsed = url::Url::parse(url.trim())
        .map_err(|e| RequestError::new(RequestErrorKind::InvalidUrl(e)))?;
    if parsed.scheme() != "https" {
        let err = RequestError::from(RequestErrorKind::NotHttps(parsed.scheme().to_owned()));
        // The scheme, where it stands (after any leading white space).
        let start = url.len() - url.trim_start().len();
        let span = start..start + parsed.scheme().len();
        let shown = link::excerpt(url, &span, start);
        return Err(err.placed(span, shown, false));
    }
    Ok(())
}

/// The raw parameters of a whole URL's query.
fn url_raw(url: &str) -> Raw<'_> {
    let mut raw = Raw::default();
    // As the URL parser does, trailing spaces and control characters are
    // not part of the link.
    let end = url.trim_end_matches(|c: char| c <= ' ').len();
    match link::url_query(url) {
        Some(range) => raw.read(url, range.start..range.end.min(end), false, true),
        None => raw.read("", 0..0, false, true),
    }
    raw
}

/// The byte range of the character at `at` in `text` (empty at the end).
fn char_range(text: &str, at: usize) -> Range<usize> {
    let len = text
        .get(at..)
        .and_then(|rest| rest.chars().next())
        .map_or(0, char::len_utf8);
    at..at + len
}

/// The fix for a grammar error at `at` of `text`, as typed in a link: text
/// between pairs right after a `]` means that `]` belonged to the value.
fn data_help(kind: &ParseErrorKind, text: &str, at: usize) -> Option<&'static str> {
    let before = text
        .get(..at)?
        .trim_end_matches(|c: char| c.is_ascii_whitespace());
    (matches!(kind, ParseErrorKind::TextBetweenPairs) && before.ends_with(']')).then_some(
        "if the `]` before this belongs to the value, write it as `%255D` in the link \
         (`%5D` in ctl_userdata)",
    )
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
    parameter: &'static str,
    diagnostic: Diagnostic,
    span: Option<Range<usize>>,
    excerpt: Option<String>,
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

/// `<prefix>/AGUI/make_call.php` for a base URL's path: the path is cut at
/// `/AGUI` (any case), and a last segment that names a file (`login.php`) is
/// dropped; what is left is kept as a prefix (a tenant behind a proxy).
fn base_path(path: &str) -> String {
    let lower = path.to_ascii_lowercase();
    let mut keep = match lower.find("/agui") {
        // Lowercasing ASCII keeps every byte's place, and `/` is ASCII.
        Some(i) => &path[..i],
        None => path,
    };
    if let Some((dir, file)) = keep.rsplit_once('/') {
        if file.contains('.') {
            keep = dir;
        }
    }
    format!("{}/AGUI/make_call.php", keep.trim_end_matches('/'))
}

/// `extra` as `to_url` can write it: names that read back as themselves,
/// each once, none a known parameter.
fn check_extra(extra: &[(String, String)]) -> Result<(), RequestError> {
    let known = [
        PREFIX,
        PHONE,
        CALLER_ID,
        DIALPLAN_ID,
        QUEUE_ID,
        CTL_USERDATA,
        EXT_TRANSACTION_DATA,
    ];
    let mut seen = std::collections::HashSet::new();
    for (name, _) in extra {
        let reason = if name.trim().is_empty() {
            "the name is empty"
        } else if name.trim() != name {
            "white space around the name"
        } else if known.contains(&name.as_str()) {
            "it is a known parameter (set the field instead)"
        } else if !seen.insert(name.as_str()) {
            "the name is given twice"
        } else {
            continue;
        };
        return Err(RequestErrorKind::ExtraParameter {
            name: name.clone(),
            reason,
        }
        .into());
    }
    Ok(())
}

/// Keeps the last occurrence of each name, in order of those occurrences.
fn last_of_each(mut extra: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut seen = std::collections::HashSet::new();
    extra.reverse();
    extra.retain(|(name, _)| seen.insert(name.clone()));
    extra.reverse();
    extra
}

/// A dash that CRMs and word processors put in phone numbers: `-`, the
/// Unicode hyphens and dashes U+2010 to U+2015, the minus sign U+2212, and
/// the small and full-width hyphen-minus (U+FE58, U+FE63, U+FF0D).
fn is_phone_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}'
    )
}

/// A space in a phone number: the ASCII space and the Unicode space
/// separators (no-break U+00A0, figure U+2007, narrow no-break U+202F, thin
/// and the other U+2000 to U+200A spaces, U+1680, U+205F, U+3000).
fn is_phone_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\u{00A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

/// Formatting in a phone number: spaces, dashes and `+ . ( ) /`.
fn is_phone_formatting(c: char) -> bool {
    is_phone_space(c) || is_phone_dash(c) || matches!(c, '+' | '.' | '(' | ')' | '/')
}

/// The markers of a trailing extension, longest first, matched in any case.
const EXTENSION_MARKERS: [&str; 6] = [";ext=", "extension", "ext.", "ext", "x", "#"];

/// Splits `phone` into the number and a trailing extension: a marker
/// (`ext`, `ext.`, `extension`, `x`, `#` or `;ext=`, any case, spaces around
/// it allowed) followed by digits at the very end, after a number that has
/// a digit. A marker made of letters must not end a word (`Box 12` is no
/// extension). Returns the number part (trailing spaces trimmed) and the
/// extension's digits.
pub(crate) fn split_extension(phone: &str) -> (&str, Option<&str>) {
    let trimmed = phone.trim_end_matches(is_phone_space);
    let digits_at = trimmed.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let Some(extension) = trimmed.get(digits_at..).filter(|d| !d.is_empty()) else {
        return (phone, None);
    };
    let before = trimmed
        .get(..digits_at)
        .unwrap_or_default()
        .trim_end_matches(is_phone_space);
    for marker in EXTENSION_MARKERS {
        let Some(cut) = before.len().checked_sub(marker.len()) else {
            continue;
        };
        let ends = before
            .get(cut..)
            .is_some_and(|tail| tail.eq_ignore_ascii_case(marker));
        if !ends {
            continue;
        }
        let number = before.get(..cut).unwrap_or_default();
        let wordy = marker.starts_with(|c: char| c.is_ascii_alphabetic())
            && number.ends_with(|c: char| c.is_alphabetic());
        if wordy || !number.bytes().any(|b| b.is_ascii_digit()) {
            return (phone, None);
        }
        return (number.trim_end_matches(is_phone_space), Some(extension));
    }
    (phone, None)
}

/// `phone`: required; digits and formatting, at least one digit, and an
/// optional trailing extension. On error, the byte range of the offending
/// character in `phone` (`None`: the whole value, which has no digit).
fn check_phone(phone: &str) -> Result<(), (RequestError, Option<Range<usize>>)> {
    if phone.is_empty() {
        return Err((RequestErrorKind::MissingPhone.into(), None));
    }
    let (number, _) = split_extension(phone);
    let error = || {
        let err = RequestError::from(RequestErrorKind::InvalidPhone {
            value: phone.to_owned(),
        });
        if phone.contains("{!") {
            err.with_help("`{!…}` is a CRM merge field the CRM did not fill in")
        } else {
            err
        }
    };
    if let Some((at, c)) = number
        .char_indices()
        .find(|&(_, c)| !c.is_ascii_digit() && !is_phone_formatting(c))
    {
        // A merge field is underlined whole, to its `}`.
        let end = match number.get(at..) {
            Some(rest) if rest.starts_with("{!") => {
                rest.find('}').map_or(number.len(), |e| at + e + 1)
            }
            _ => at + c.len_utf8(),
        };
        return Err((error(), Some(at..end)));
    }
    if !number.bytes().any(|b| b.is_ascii_digit()) {
        return Err((error(), None));
    }
    Ok(())
}

/// A digits-only parameter; on error, the offending character's range.
fn check_digits(
    parameter: &'static str,
    value: &str,
) -> Result<(), (RequestError, Option<Range<usize>>)> {
    match value.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        None => Ok(()),
        Some((at, c)) => Err((
            RequestErrorKind::NotDigits {
                parameter,
                value: value.to_owned(),
            }
            .into(),
            Some(at..at + c.len_utf8()),
        )),
    }
}

fn parse_id(
    parameter: &'static str,
    value: Option<String>,
) -> Result<Option<u64>, (RequestError, Option<Range<usize>>)> {
    let Some(value) = value.filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    check_digits(parameter, &value)?;
    value
        .parse()
        .map(Some)
        .map_err(|_| (RequestErrorKind::Overflow { parameter, value }.into(), None))
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

    /// Parses a whole click-to-dial URL. The scheme must be `https`; the path
    /// is not checked. As a browser does, tabs and line breaks in the URL
    /// are dropped (the vendor's examples wrap `ctl_userdata` across lines).
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{ClickToDialRequest, RequestErrorKind};
    ///
    /// let req = ClickToDialRequest::from_url(
    ///     "https://vcc-na4.8x8.com/AGUI/make_call.php? prefix=1&phone=6502022222\
    ///      &ctl_userdata=[foreign_key|12345678][ctl_launchopt|true]",
    /// )?;
    /// assert_eq!(req.prefix.as_deref(), Some("1"));
    /// assert_eq!(req.userdata.unwrap().get("foreign_key"), Some("12345678"));
    ///
    /// let err = ClickToDialRequest::from_url("http://vcc-na4.8x8.com/AGUI/make_call.php?phone=1")
    ///     .unwrap_err();
    /// assert_eq!(err.kind(), &RequestErrorKind::NotHttps("http".into()));
    /// # Ok::<(), clicktodial::RequestError>(())
    /// ```
    pub fn from_url(url: &str) -> Result<Self, RequestError> {
        Self::read_url(url, Mode::Strict).map(|(req, _)| req)
    }

    /// [`from_url`](ClickToDialRequest::from_url), with `ctl_userdata` and
    /// `extTransactionData` read leniently: the dial parameters are
    /// validated as strictly as ever (no call without a valid `phone`), but a
    /// malformed part of the data does not refuse the call. Every good pair
    /// is kept, and each skipped part is returned as a
    /// [`RequestDiagnostic`] placed in the link. The service decides whether
    /// to dial anyway.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::ClickToDialRequest;
    ///
    /// let link = "https://vcc-na4.8x8.com/AGUI/make_call.php?phone=650-555-0100\
    ///             &ctl_userdata=[ctl_launchopt|true][subject|Call Acme [EU] now][status|done]";
    /// assert!(ClickToDialRequest::from_url(link).is_err());
    /// let (req, skipped) = ClickToDialRequest::from_url_lenient(link)?;
    /// let data = req.userdata.unwrap();
    /// assert_eq!(data.get("subject"), Some("Call Acme [EU"));
    /// assert_eq!(data.get("status"), Some("done"));
    /// assert_eq!(&link[skipped[0].span().unwrap()], "now]");
    ///
    /// // The phone is still checked strictly.
    /// assert!(ClickToDialRequest::from_url_lenient("https://h.example.com/?phone=CALL").is_err());
    /// # Ok::<(), clicktodial::RequestError>(())
    /// ```
    pub fn from_url_lenient(url: &str) -> Result<(Self, Vec<RequestDiagnostic>), RequestError> {
        Self::read_url(url, Mode::Lenient)
    }

    fn read_url(url: &str, mode: Mode) -> Result<Found, RequestError> {
        check_scheme(url)?;
        url_raw(url).finish(mode)
    }

    /// Parses a query string (with or without its leading `?`).
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::ClickToDialRequest;
    /// let req = ClickToDialRequest::from_query("phone=%28650%29+292-8880&queue_id=42&x=y")?;
    /// assert_eq!(req.phone, "(650) 292-8880");
    /// assert_eq!(req.queue_id, Some(42));
    /// assert_eq!(req.extra, [("x".to_string(), "y".to_string())]);
    /// # Ok::<(), clicktodial::RequestError>(())
    /// ```
    pub fn from_query(query: &str) -> Result<Self, RequestError> {
        Self::read_query(query, None, Mode::Strict).map(|(req, _)| req)
    }

    /// [`from_query`](ClickToDialRequest::from_query), with `ctl_userdata`
    /// and `extTransactionData` read leniently, as
    /// [`from_url_lenient`](ClickToDialRequest::from_url_lenient) does.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::ClickToDialRequest;
    /// let (req, skipped) =
    ///     ClickToDialRequest::from_query_lenient("phone=1&ctl_userdata=%5Ba%7C1%5D%5Bb")?;
    /// assert_eq!(req.userdata.unwrap().get("a"), Some("1"));
    /// assert_eq!(skipped[0].span(), Some(32..36)); // `%5Bb`, the unterminated pair
    /// # Ok::<(), clicktodial::RequestError>(())
    /// ```
    pub fn from_query_lenient(query: &str) -> Result<(Self, Vec<RequestDiagnostic>), RequestError> {
        Self::read_query(query, None, Mode::Lenient)
    }

    fn read_query(query: &str, form: Option<&str>, mode: Mode) -> Result<Found, RequestError> {
        let mut raw = Raw::default();
        let start = usize::from(query.starts_with('?'));
        raw.read(query, start..query.len(), false, false);
        if let Some(form) = form {
            raw.read(form, 0..form.len(), true, false);
        }
        raw.finish(mode)
    }

    /// Parses a query string and a POST body (`application/x-www-form-urlencoded`).
    /// The body's `ctl_userdata` and `extTransactionData` win over the query's.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::ClickToDialRequest;
    /// let req = ClickToDialRequest::from_query_and_form(
    ///     "phone=6502928880&ctl_userdata=%5Ba%7Cquery%5D",
    ///     "ctl_userdata=%5Ba%7Cpost%5D",
    /// )?;
    /// assert_eq!(req.userdata.unwrap().get("a"), Some("post"));
    /// # Ok::<(), clicktodial::RequestError>(())
    /// ```
    pub fn from_query_and_form(query: &str, form: &str) -> Result<Self, RequestError> {
        Self::read_query(query, Some(form), Mode::Strict).map(|(req, _)| req)
    }

    /// [`from_query_and_form`](ClickToDialRequest::from_query_and_form),
    /// with `ctl_userdata` and `extTransactionData` read leniently, as
    /// [`from_url_lenient`](ClickToDialRequest::from_url_lenient) does.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::ClickToDialRequest;
    /// let (req, skipped) =
    ///     ClickToDialRequest::from_query_and_form_lenient("phone=1", "ctl_userdata=[a|1]+x")?;
    /// assert_eq!(req.userdata.unwrap().len(), 1);
    /// assert!(skipped[0].in_body());
    /// assert_eq!(skipped[0].span(), Some(19..20));
    /// # Ok::<(), clicktodial::RequestError>(())
    /// ```
    pub fn from_query_and_form_lenient(
        query: &str,
        form: &str,
    ) -> Result<(Self, Vec<RequestDiagnostic>), RequestError> {
        Self::read_query(query, Some(form), Mode::Lenient)
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

    /// Builds the link under `<base>/AGUI/make_call.php`. `base` is the
    /// tenant's `https` URL (its login URL will do: a path from `/AGUI` on, in
    /// any case, or a last segment naming a file such as `login.php`, is
    /// replaced; any other path is kept as a prefix; user info is dropped). The request is validated
    /// first, so a link this returns parses back to an equal request.
    ///
    /// What could not round trip is refused rather than changed:
    /// an [`extra`](ClickToDialRequest::extra) name that is empty, has white
    /// space around it (parsing trims names), is given twice (parsing keeps
    /// the last) or is a known parameter (parsing reads it into its field)
    /// is [`RequestErrorKind::ExtraParameter`], which names it.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{ClickToDialRequest, UserData};
    ///
    /// let mut req = ClickToDialRequest::new("6502928880");
    /// req.userdata = Some(UserData::parse("[subject|call $caller_id$]")?.into_owned());
    /// let url = req.to_url("https://vcc-na4.8x8.com/AGUI/login.php")?;
    /// assert_eq!(
    ///     url,
    ///     "https://vcc-na4.8x8.com/AGUI/make_call.php?phone=6502928880\
    ///      &ctl_userdata=%5Bsubject%7Ccall%20%24caller_id%24%5D"
    /// );
    /// assert_eq!(ClickToDialRequest::from_url(&url)?, req);
    ///
    /// req.extra = vec![(" utm".into(), "a".into())];
    /// let err = req.to_url("https://vcc-na4.8x8.com").unwrap_err();
    /// assert_eq!(err.to_string(), "extra parameter ` utm` cannot round trip: white space around the name");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_url(&self, base: &str) -> Result<String, RequestError> {
        self.validate()?;
        check_extra(&self.extra)?;
        let mut url = url::Url::parse(base.trim())
            .map_err(|e| RequestError::new(RequestErrorKind::InvalidUrl(e)))?;
        if url.scheme() != "https" {
            return Err(RequestErrorKind::NotHttps(url.scheme().to_owned()).into());
        }
        let path = base_path(url.path());
        url.set_path(&path);
        // Credentials never go into a link.
        let _ = url.set_username("");
        let _ = url.set_password(None);
        url.set_query(None);
        url.set_fragment(None);

        let mut out = String::from(url.as_str());
        let mut sep = '?';
        let mut param = |name: &str, value: &str| {
            out.push(sep);
            sep = '&';
            out.extend(utf8_percent_encode(name, COMPONENT));
            out.push('=');
            out.extend(utf8_percent_encode(value, COMPONENT));
        };
        let known = [
            (PREFIX, self.prefix.clone()),
            (PHONE, Some(self.phone.clone())),
            (CALLER_ID, self.caller_id.clone()),
            (DIALPLAN_ID, self.dialplan_id.map(|v| v.to_string())),
            (QUEUE_ID, self.queue_id.map(|v| v.to_string())),
            (
                CTL_USERDATA,
                self.userdata.as_ref().map(ToString::to_string),
            ),
            (
                EXT_TRANSACTION_DATA,
                self.ext_transaction_data.as_ref().map(ToString::to_string),
            ),
        ];
        for (name, value) in &known {
            if let Some(value) = value {
                param(name, value);
            }
        }
        for (name, value) in &self.extra {
            param(name, value);
        }
        Ok(out)
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
