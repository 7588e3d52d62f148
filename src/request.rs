//! The `make_call.php` request: parsing, validation, the dial string, and
//! building links.
//!
//! Decisions where the vendor text is silent (see also `DESIGN.md`):
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
//!   `+ - . ( ) /`, with at least one digit. It is kept as given.
//! - `ctl_userdata` and `extTransactionData` are parsed strictly; from
//!   [`ClickToDialRequest::from_query_and_form`] the POST body's value wins.
//!   The POST body is read only for those two; its other fields are added to
//!   [`extra`](ClickToDialRequest::extra) unless they name a GET parameter
//!   (the vendor takes `prefix`, `phone`, … from the query only).
//! - Unknown parameters are kept in `extra`, in order of their last
//!   occurrence.
//! - [`ClickToDialRequest::to_url`] validates the request first, writes the
//!   known parameters in the vendor's order and then `extra` (an `extra`
//!   entry whose name is a known parameter is left out: the field wins), and
//!   percent-encodes every byte outside `A-Z a-z 0-9 - . _ ~`.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use url::form_urlencoded;

use crate::error::{RequestError, RequestErrorKind};
use crate::userdata::{ExtTransactionData, UserData};

/// Every byte outside `A-Z a-z 0-9 - . _ ~` is encoded.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

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
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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

/// The raw values of one request, last occurrence winning.
#[derive(Default)]
struct Raw {
    prefix: Option<String>,
    phone: Option<String>,
    caller_id: Option<String>,
    dialplan_id: Option<String>,
    queue_id: Option<String>,
    userdata: Option<String>,
    ext: Option<String>,
    extra: Vec<(String, String)>,
}

impl Raw {
    /// Reads a form-encoded string; `post` says it is the POST body.
    fn read(&mut self, text: &str, post: bool) {
        let text = if post {
            text
        } else {
            text.strip_prefix('?').unwrap_or(text)
        };
        for (name, value) in form_urlencoded::parse(text.as_bytes()) {
            let name = name.trim();
            let value = value.into_owned();
            let slot = match name {
                "" => continue,
                CTL_USERDATA => &mut self.userdata,
                EXT_TRANSACTION_DATA => &mut self.ext,
                _ if post && GET_ONLY.contains(&name) => continue,
                PREFIX => &mut self.prefix,
                PHONE => &mut self.phone,
                CALLER_ID => &mut self.caller_id,
                DIALPLAN_ID => &mut self.dialplan_id,
                QUEUE_ID => &mut self.queue_id,
                _ => {
                    // Duplicates are dropped in `finish`, in one pass.
                    self.extra.push((name.to_owned(), value));
                    continue;
                }
            };
            *slot = Some(value);
        }
    }

    fn finish(self) -> Result<ClickToDialRequest, RequestError> {
        let phone = self.phone.unwrap_or_default();
        check_phone(&phone)?;
        let digits = |parameter, value: Option<String>| match value {
            Some(v) => check_digits(parameter, &v).map(|()| Some(v)),
            None => Ok(None),
        };
        Ok(ClickToDialRequest {
            prefix: digits(PREFIX, self.prefix)?,
            phone,
            caller_id: digits(CALLER_ID, self.caller_id)?,
            dialplan_id: parse_id(DIALPLAN_ID, self.dialplan_id)?,
            queue_id: parse_id(QUEUE_ID, self.queue_id)?,
            userdata: parse_data(CTL_USERDATA, self.userdata, |t| {
                UserData::parse(t).map(UserData::into_owned)
            })?,
            ext_transaction_data: parse_data(EXT_TRANSACTION_DATA, self.ext, |t| {
                ExtTransactionData::parse(t).map(ExtTransactionData::into_owned)
            })?,
            extra: last_of_each(self.extra),
        })
    }
}

/// Parses `ctl_userdata` or `extTransactionData` strictly with `parse`; an
/// error names the parameter.
fn parse_data<T>(
    parameter: &'static str,
    text: Option<String>,
    parse: impl for<'t> Fn(&'t str) -> Result<T, crate::ParseError>,
) -> Result<Option<T>, RequestError> {
    text.map(|text| parse(&text))
        .transpose()
        .map_err(|error| RequestErrorKind::Data { parameter, error }.into())
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

/// Keeps the last occurrence of each name, in order of those occurrences.
fn last_of_each(mut extra: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut seen = std::collections::HashSet::new();
    extra.reverse();
    extra.retain(|(name, _)| seen.insert(name.clone()));
    extra.reverse();
    extra
}

/// `phone`: required, digits and `+ - . ( ) /` or space, at least one digit.
fn check_phone(phone: &str) -> Result<(), RequestError> {
    if phone.is_empty() {
        return Err(RequestErrorKind::MissingPhone.into());
    }
    let allowed = |b: u8| b.is_ascii_digit() || b" +-.()/".contains(&b);
    if !phone.bytes().all(allowed) || !phone.bytes().any(|b| b.is_ascii_digit()) {
        return Err(RequestErrorKind::InvalidPhone {
            value: phone.to_owned(),
        }
        .into());
    }
    Ok(())
}

fn check_digits(parameter: &'static str, value: &str) -> Result<(), RequestError> {
    if value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(RequestErrorKind::NotDigits {
            parameter,
            value: value.to_owned(),
        }
        .into())
    }
}

fn parse_id(parameter: &'static str, value: Option<String>) -> Result<Option<u64>, RequestError> {
    let Some(value) = value.filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    check_digits(parameter, &value)?;
    value
        .parse()
        .map(Some)
        .map_err(|_| RequestErrorKind::Overflow { parameter, value }.into())
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
        let parsed = url::Url::parse(url.trim())
            .map_err(|e| RequestError::new(RequestErrorKind::InvalidUrl(e)))?;
        if parsed.scheme() != "https" {
            return Err(RequestErrorKind::NotHttps(parsed.scheme().to_owned()).into());
        }
        Self::from_query(parsed.query().unwrap_or_default())
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
        let mut raw = Raw::default();
        raw.read(query, false);
        raw.finish()
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
        let mut raw = Raw::default();
        raw.read(query, false);
        raw.read(form, true);
        raw.finish()
    }

    /// The digits to dial: the prefix, then the digits of the phone number.
    ///
    /// # Example
    ///
    /// ```
    /// let mut req = clicktodial::ClickToDialRequest::new("+1 (650) 292-8880");
    /// req.prefix = Some("9".into());
    /// assert_eq!(req.dial_string(), "916502928880");
    /// ```
    pub fn dial_string(&self) -> String {
        let prefix = self.prefix.as_deref().unwrap_or_default();
        let mut dial = String::with_capacity(prefix.len() + self.phone.len());
        dial.push_str(prefix);
        dial.extend(self.phone.chars().filter(char::is_ascii_digit));
        dial
    }

    /// Builds the link under `<base>/AGUI/make_call.php`. `base` is the
    /// tenant's `https` URL (its login URL will do: a path from `/AGUI` on, in
    /// any case, or a last segment naming a file such as `login.php`, is
    /// replaced; any other path is kept as a prefix; user info is dropped). The request is validated
    /// first, so a link this returns parses back to an equal request.
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
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_url(&self, base: &str) -> Result<String, RequestError> {
        self.validate()?;
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
            let name = name.trim();
            if !name.is_empty() && !known.iter().any(|(k, _)| *k == name) {
                param(name, value);
            }
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
        check_phone(&self.phone)?;
        if let Some(prefix) = &self.prefix {
            check_digits(PREFIX, prefix)?;
        }
        if let Some(caller_id) = &self.caller_id {
            check_digits(CALLER_ID, caller_id)?;
        }
        Ok(())
    }
}
