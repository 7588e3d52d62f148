//! Reading a request: a whole URL, a query, a query and a POST body,
//! strictly or leniently. The raw values are gathered first (the last
//! occurrence of a parameter wins), then validated, each error placed in the
//! text as given.

use std::ops::Range;

use super::link::{self, Origin};
use super::phone::{check_digits, check_phone, parse_id};
use super::{
    ClickToDialRequest, RequestDiagnostic, CALLER_ID, CTL_USERDATA, DIALPLAN_ID, DIAL_PARAMS,
    EXT_TRANSACTION_DATA, PHONE, PREFIX, QUEUE_ID,
};
use crate::error::{ParseErrorKind, RequestError, RequestErrorKind};
use crate::userdata::{ExtTransactionData, UserData};

/// One raw value, with where it came from.
#[derive(Debug, Clone)]
pub(super) struct Slot {
    value: String,
    /// The value's byte range in the text it was read from.
    span: Range<usize>,
    /// Read from the POST body.
    body: bool,
}

/// The raw values of one request, last occurrence winning.
#[derive(Default)]
pub(super) struct Raw<'t> {
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
pub(super) enum Mode {
    Strict,
    Lenient,
}

type Found = (ClickToDialRequest, Vec<RequestDiagnostic>);

impl<'t> Raw<'t> {
    /// Reads the parameters of `text[range]`; `post` says it is the POST
    /// body, `drop_breaks` that tabs and line breaks are dropped (a URL).
    pub(super) fn read(
        &mut self,
        text: &'t str,
        range: Range<usize>,
        post: bool,
        drop_breaks: bool,
    ) {
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
                _ if post && DIAL_PARAMS.contains(&name) => return,
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
    pub(super) fn place(
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

    /// The request, or the first error in the order of the parameters
    /// (`phone`, `prefix`, `callerId`, `dialplan_id`, `queue_id`, then the
    /// data, read as `mode` says).
    pub(super) fn finish(self, mode: Mode) -> Result<Found, RequestError> {
        let (request, errors, diagnostics, _) = self.read_all(mode);
        match errors.into_iter().next() {
            Some(error) => Err(error),
            None => Ok((request, diagnostics)),
        }
    }

    /// Reads every parameter, stopping at none: each one that does not
    /// validate is left out of the request (an empty `phone`) and reported,
    /// in the order of the parameters; the data is read as `mode` says
    /// (strictly: a malformed one is an error too). Also whether `phone`
    /// is readable (the dial string can be told).
    pub(super) fn read_all(
        self,
        mode: Mode,
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
        let mut data = |parameter, slot: &Option<Slot>| {
            self.data(parameter, slot, mode, &mut diagnostics)
                .unwrap_or_else(|e| {
                    errors.push(e);
                    None
                })
        };
        let userdata = data(CTL_USERDATA, &self.userdata);
        let ext_transaction_data =
            data(EXT_TRANSACTION_DATA, &self.ext).map(ExtTransactionData::from);
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
pub(super) fn check_scheme(url: &str) -> Result<(), RequestError> {
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
pub(super) fn url_raw(url: &str) -> Raw<'_> {
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
pub(crate) fn char_range(text: &str, at: usize) -> Range<usize> {
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

/// Keeps the last occurrence of each name, in order of those occurrences.
fn last_of_each(mut extra: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut seen = std::collections::HashSet::new();
    extra.reverse();
    extra.retain(|(name, _)| seen.insert(name.clone()));
    extra.reverse();
    extra
}

impl ClickToDialRequest {
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
}
