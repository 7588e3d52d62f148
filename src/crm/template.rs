//! [`LinkTemplate`]: a click-to-dial link with its merge fields kept as the
//! CRM must see them; reading one as pasted, writing it for Salesforce.

use std::ops::Range;

use super::errors::{LinkTemplateError, LinkTemplateErrorKind, LinkTemplateErrors};
use super::fill::{fill_link_template, SampleRecord};
use super::formula::{merge_fields, protect};
use crate::error::RequestErrorKind;
use crate::request::reader::char_range;
use crate::request::{link, DIAL_PARAMS};
use crate::userdata::UserData;

/// The first and last private-use characters: a merge field is masked as
/// `OPEN index CLOSE` while the rest of the template is read.
const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

/// A click-to-dial link template for a CRM: the link with its merge fields
/// kept as the CRM must see them.
///
/// [`parse`](LinkTemplate::parse) reads a template as an administrator
/// pastes it (the vendor's Example 1 as printed, with merge fields, wrapped
/// lines and `%20`s); [`to_salesforce`](LinkTemplate::to_salesforce) writes
/// the text for the custom link's URL, its `ctl_userdata` canonical and its
/// record values protected (see the module docs);
/// [`fill`](LinkTemplate::fill) fills it with a sample record as Salesforce
/// would, giving a link to try with
/// [`ClickToDialRequest::from_url`](crate::ClickToDialRequest::from_url).
///
/// # Example
///
/// ```
/// use clicktodial::{ClickToDialRequest, LinkTemplate, SampleRecord};
///
/// let mut template = LinkTemplate::new("https://vcc-na4.8x8.com/AGUI/login.php", "{!Account.Phone}")?;
/// template.push_userdata("ctl_parentid", "{!Account.Id}")?;
/// template.push_userdata("subject", "Call {!Account.Name}")?;
/// assert_eq!(
///     template.to_salesforce(),
///     "https://vcc-na4.8x8.com/AGUI/make_call.php?phone={!Account.Phone}\
///      &ctl_userdata=[ctl_parentid|{!Account.Id}]\
///      [subject|Call%20{!SUBSTITUTE(SUBSTITUTE(Account.Name, \"%\", \"%25\"), \"]\", \"%5D\")}]"
/// );
///
/// let record: SampleRecord = [
///     ("Account.Phone", "650\u{2013}555\u{2013}0142"),
///     ("Account.Id", "001A000001XyZab"),
///     ("Account.Name", "Acme [EU] & Sons"),
/// ]
/// .into_iter()
/// .collect();
/// let link = template.fill(&record).unwrap();
/// let req = ClickToDialRequest::from_url(&link)?;
/// assert_eq!(req.dial_string(), "6505550142");
/// assert_eq!(req.userdata.unwrap().get("subject"), Some("Call Acme [EU] & Sons"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkTemplate {
    /// `scheme://host/path`, merge fields masked.
    base: String,
    /// Parameters in order: the name and its value, merge fields masked.
    params: Vec<(String, Value)>,
    /// The merge fields' expressions, by mask index.
    merges: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Value {
    Text(String),
    Data(UserData<'static>),
}

/// Text with its merge fields masked and its wrapped lines joined, each
/// byte remembering where it stood in the original.
struct Working {
    text: String,
    origin: Vec<usize>,
}

impl Working {
    fn at(&self, i: usize) -> usize {
        self.origin
            .get(i)
            .or_else(|| self.origin.last())
            .copied()
            .unwrap_or(0)
    }

    fn span(&self, r: Range<usize>) -> Range<usize> {
        let start = self.at(r.start);
        let end = if r.end > r.start {
            self.at(r.end - 1) + 1
        } else {
            start
        };
        start..end.max(start)
    }
}

/// What must be encoded in the text of a template (everything Salesforce
/// would misread or a browser would change); `[ ] | $ ( ) : / ? = , ; ! * @`
/// stay readable.
const TEMPLATE_TEXT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'&')
    .add(b'+')
    .add(b'<')
    .add(b'>')
    .add(b'\\')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'}');

impl LinkTemplate {
    /// A template for `<base>/AGUI/make_call.php?phone=<phone>`; `phone` is
    /// typically a merge field (`{!Account.Phone}`). `base` is the tenant's
    /// `https` URL, as for
    /// [`ClickToDialRequest::to_url`](crate::ClickToDialRequest::to_url).
    ///
    /// # Example
    ///
    /// ```
    /// let t = clicktodial::LinkTemplate::new("https://vcc-ca2b.8x8.com", "{!Contact.MobilePhone}")?;
    /// assert_eq!(t.to_salesforce(), "https://vcc-ca2b.8x8.com/AGUI/make_call.php?phone={!Contact.MobilePhone}");
    /// # Ok::<(), clicktodial::LinkTemplateErrors>(())
    /// ```
    pub fn new(base: &str, phone: &str) -> Result<LinkTemplate, LinkTemplateErrors> {
        let mut url = crate::ClickToDialRequest::new("1")
            .to_url(base)
            .map_err(|e| {
                LinkTemplateErrors::one(
                    LinkTemplateErrorKind::Request(e.kind().clone()),
                    0..base.len(),
                )
            })?;
        url.truncate(url.find('?').unwrap_or(url.len()));
        let mut template = LinkTemplate {
            base: url,
            params: Vec::new(),
            merges: Vec::new(),
        };
        template.set("phone", phone)?;
        Ok(template)
    }

    /// Sets a parameter other than `ctl_userdata` and `extTransactionData`
    /// (replacing an earlier one); the value may hold merge fields. A dial
    /// parameter is checked with its merge fields standing for digits. An
    /// error's span is in `value`.
    ///
    /// # Example
    ///
    /// ```
    /// let mut t = clicktodial::LinkTemplate::new("https://vcc-na4.8x8.com", "{!Account.Phone}")?;
    /// t.set("prefix", "1")?;
    /// assert!(t.set("callerId", "52 51").is_err());
    /// assert!(t.to_salesforce().ends_with("?phone={!Account.Phone}&prefix=1"));
    /// # Ok::<(), clicktodial::LinkTemplateErrors>(())
    /// ```
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), LinkTemplateErrors> {
        reserved(name)?;
        reserved(value)?;
        let masked = self.mask(value);
        check_param(name, &masked).map_err(|kind| LinkTemplateErrors::one(kind, 0..value.len()))?;
        let value = Value::Text(masked);
        match self.params.iter_mut().find(|(n, _)| n == name) {
            Some((_, v)) => *v = value,
            None => self.params.push((name.to_owned(), value)),
        }
        Ok(())
    }

    /// Appends a pair to `ctl_userdata`; the name and the value may hold
    /// merge fields and any text (it is escaped as it must be).
    ///
    /// # Example
    ///
    /// ```
    /// let mut t = clicktodial::LinkTemplate::new("https://vcc-na4.8x8.com", "{!Account.Phone}")?;
    /// t.push_userdata("note", "50% off [today]")?;
    /// assert!(t.to_salesforce().ends_with("&ctl_userdata=[note|50%25%20off%20[today%255D]"));
    /// # Ok::<(), clicktodial::LinkTemplateErrors>(())
    /// ```
    pub fn push_userdata(&mut self, name: &str, value: &str) -> Result<(), LinkTemplateErrors> {
        reserved(name)?;
        reserved(value)?;
        let name = self.mask(name);
        let value = self.mask(value);
        let slot = match self.params.iter().position(|(n, _)| n == "ctl_userdata") {
            Some(i) => i,
            None => {
                self.params
                    .push(("ctl_userdata".into(), Value::Data(UserData::new())));
                self.params.len() - 1
            }
        };
        if let Some((_, Value::Data(data))) = self.params.get_mut(slot) {
            data.push(name, value).map_err(|error| {
                LinkTemplateErrors::one(
                    LinkTemplateErrorKind::Data {
                        parameter: "ctl_userdata",
                        error,
                    },
                    0..0,
                )
            })?;
        }
        Ok(())
    }

    /// Replaces each merge field of `text` by its mask.
    fn mask(&mut self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut done = 0;
        for field in merge_fields(text) {
            out.push_str(text.get(done..field.span.start).unwrap_or_default());
            done = field.span.end;
            let whole = text.get(field.span()).unwrap_or_default();
            out.push(OPEN);
            out.push_str(&self.merges.len().to_string());
            out.push(CLOSE);
            self.merges.push(whole.to_owned());
        }
        out.push_str(text.get(done..).unwrap_or_default());
        out
    }

    /// Reads a template as pasted: a whole `https` link whose values may
    /// hold merge fields. Lines are joined first, the way the link was
    /// meant: a line break and the spaces and tabs around it are dropped
    /// (the vendor's text wraps Example 1 between pairs and inside
    /// `call%20 answered`). Parameter names are trimmed, as the request
    /// parser trims them. Each dial parameter is checked with its merge
    /// fields standing for digits, and `ctl_userdata` and
    /// `extTransactionData` are parsed strictly with their merge fields
    /// standing as opaque text (a `]` inside a merge field's expression
    /// does not end a pair). Every problem is reported, with its byte range
    /// in `text`.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::LinkTemplate;
    ///
    /// let printed = std::fs::read_to_string("tests/data/vendor/example1_printed.url")?;
    /// let template = LinkTemplate::parse(&printed).unwrap();
    /// let text = template.to_salesforce();
    /// assert!(text.starts_with(
    ///     "https://vcc-na4.8x8.com/AGUI/make_call.php?prefix=&phone={!Account.Phone}&callerId=5251990\
    ///      &ctl_userdata=[ctl_action|create][subject|outbound%20call%20log%20($transaction_id$)]"
    /// ));
    /// assert!(text.contains("[WhatId|{!Account.Id}]"));
    /// assert!(text.contains("My%20Own%20Description%0Acall%20answered%20at$equal$"));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn parse(text: &str) -> Result<LinkTemplate, LinkTemplateErrors> {
        let mut errors = Vec::new();
        let mut template = LinkTemplate {
            base: String::new(),
            params: Vec::new(),
            merges: Vec::new(),
        };
        let working = template.working(text, &mut errors);
        let w = &working.text;
        let query = link::url_query(w);
        let base_end = query.as_ref().map_or(w.len(), |q| q.start - 1);
        let base = w.get(..base_end).unwrap_or_default().trim();
        if !base
            .get(..8)
            .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
            || query.is_none()
        {
            errors.push(LinkTemplateError {
                kind: LinkTemplateErrorKind::NotALink,
                span: working.span(0..base_end),
            });
        }
        template.base = base.to_owned();
        link::split(w, query.unwrap_or(0..0), |name_span, value_span| {
            let name = link::decode(w, name_span.clone(), false, None)
                .trim()
                .to_owned();
            let mut offsets = Vec::new();
            let value = link::decode(w, value_span.clone(), false, Some(&mut offsets));
            let place = |decoded: Range<usize>| {
                let at = |i: usize| {
                    offsets
                        .get(i)
                        .or(offsets.last())
                        .map_or(value_span.start, |&o| o as usize)
                };
                let (start, end) = (at(decoded.start), at(decoded.end));
                // Every problem in a value is at one of its characters, so
                // only an empty value gives an empty place: it is placed at
                // the parameter's name and its `=`.
                if start < end {
                    working.span(start..end)
                } else {
                    working.span(name_span.start..value_span.end)
                }
            };
            if name.is_empty() {
                return;
            }
            let parameter = match name.as_str() {
                "ctl_userdata" => Some("ctl_userdata"),
                "extTransactionData" => Some("extTransactionData"),
                _ => None,
            };
            let parsed = match parameter {
                Some(parameter) => match UserData::parse(&value) {
                    Ok(data) => Value::Data(data.into_owned()),
                    Err(error) => {
                        let at = error.offset();
                        errors.push(LinkTemplateError {
                            kind: LinkTemplateErrorKind::Data { parameter, error },
                            span: place(char_range(&value, at)),
                        });
                        Value::Text(value)
                    }
                },
                None => {
                    if let Err(kind) = check_param(&name, &value) {
                        errors.push(LinkTemplateError {
                            kind,
                            span: place(0..value.len()),
                        });
                    }
                    Value::Text(value)
                }
            };
            match template.params.iter_mut().find(|(n, _)| *n == name) {
                Some((_, v)) => *v = parsed,
                None => template.params.push((name, parsed)),
            }
        });
        if !template.params.iter().any(|(n, _)| n == "phone") && errors.is_empty() {
            errors.push(LinkTemplateError {
                kind: LinkTemplateErrorKind::Request(RequestErrorKind::MissingPhone),
                span: working.span(0..w.len()),
            });
        }
        if errors.is_empty() {
            Ok(template)
        } else {
            Err(LinkTemplateErrors { errors })
        }
    }

    /// Joins wrapped lines and masks merge fields, reporting unclosed ones.
    fn working(&mut self, text: &str, errors: &mut Vec<LinkTemplateError>) -> Working {
        let fields = merge_fields(text);
        let mut out = Working {
            text: String::with_capacity(text.len()),
            origin: Vec::with_capacity(text.len()),
        };
        let mut fields = fields.into_iter().peekable();
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if let Some(field) = fields.next_if(|f| f.span.start == i) {
                if !field.closed {
                    errors.push(LinkTemplateError {
                        kind: LinkTemplateErrorKind::UnterminatedMergeField,
                        span: field.span(),
                    });
                }
                let mask = format!("{OPEN}{}{CLOSE}", self.merges.len());
                self.merges
                    .push(text.get(field.span()).unwrap_or_default().to_owned());
                // The mask stands for the whole field: its first byte is
                // the field's start and its last the field's last byte, so
                // a range that ends in it ends with the field.
                out.origin
                    .extend(std::iter::repeat_n(i, mask.len().saturating_sub(1)));
                out.origin.push(field.span.end.saturating_sub(1).max(i));
                out.text.push_str(&mask);
                while chars.next_if(|&(j, _)| j < field.span.end).is_some() {}
                continue;
            }
            if c == '\n' || c == '\r' {
                // Drop the line break and the spaces and tabs around it.
                while out.text.ends_with([' ', '\t']) {
                    out.text.pop();
                    out.origin.pop();
                }
                while chars
                    .next_if(|&(_, c)| matches!(c, ' ' | '\t' | '\n' | '\r'))
                    .is_some()
                {}
                continue;
            }
            if c == OPEN || c == CLOSE {
                errors.push(LinkTemplateError {
                    kind: LinkTemplateErrorKind::ReservedCharacter,
                    span: i..i + c.len_utf8(),
                });
                continue;
            }
            // Byte for byte, so that a range ending in a multi-byte
            // character ends after it.
            out.origin.extend(i..i + c.len_utf8());
            out.text.push(c);
        }
        out
    }

    /// The text to paste into the Salesforce custom link's URL: the
    /// tenant's `make_call.php`, each parameter's text percent-encoded where
    /// it must be (space, `%`, `&`, `#`, `+`, braces, quotes, control
    /// characters, non-ASCII; `[ ] | $ ( ) : /` stay readable),
    /// `ctl_userdata` and `extTransactionData` in their canonical form, and
    /// every merge field as written, never encoded, those in
    /// `ctl_userdata` and `extTransactionData` protected (see the module
    /// docs).
    ///
    /// # Example
    ///
    /// ```
    /// let t = clicktodial::LinkTemplate::parse(
    ///     "https://vcc-na4.8x8.com/AGUI/make_call.php?phone={!Account.Phone}&extTransactionData=[extRecordId|{!Account.Id}]",
    /// )
    /// .unwrap();
    /// assert!(t.to_salesforce().ends_with("&extTransactionData=[extRecordId|{!Account.Id}]"));
    /// ```
    pub fn to_salesforce(&self) -> String {
        let mut out = self.unmask(&self.base, Protect::No);
        let mut sep = '?';
        for (name, value) in &self.params {
            out.push(sep);
            sep = '&';
            out.push_str(&self.unmask(name, Protect::No));
            out.push('=');
            match value {
                Value::Text(text) => out.push_str(&self.unmask(text, Protect::No)),
                Value::Data(data) => {
                    for (name, value) in data.iter() {
                        let mut pair = UserData::new();
                        // Names are never empty here (they were parsed or pushed).
                        let _ = pair.push(name, value);
                        let text = pair.to_string();
                        // `[` escaped name `|` escaped value `]`.
                        let bar = text.find('|').unwrap_or(text.len());
                        out.push('[');
                        out.push_str(
                            &self.unmask(text.get(1..bar).unwrap_or_default(), Protect::Name),
                        );
                        out.push('|');
                        let value_end = text.len().saturating_sub(1);
                        out.push_str(&self.unmask(
                            text.get(bar + 1..value_end).unwrap_or_default(),
                            Protect::Value,
                        ));
                        out.push(']');
                    }
                }
            }
        }
        out
    }

    /// Writes masked text: plain text encoded, merge fields as written (or
    /// protected).
    fn unmask(&self, text: &str, protect_as: Protect) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(open) = rest.find(OPEN) {
            let (plain, tail) = rest.split_at(open);
            out.extend(percent_encoding::utf8_percent_encode(plain, TEMPLATE_TEXT));
            let tail = tail.get(OPEN.len_utf8()..).unwrap_or_default();
            let close = tail.find(CLOSE).unwrap_or(tail.len());
            let merge = tail
                .get(..close)
                .and_then(|n| n.parse::<usize>().ok())
                .and_then(|i| self.merges.get(i));
            if let Some(merge) = merge {
                let expression = merge
                    .strip_prefix("{!")
                    .and_then(|m| m.strip_suffix('}'))
                    .unwrap_or(merge);
                let protected = match protect_as {
                    Protect::No => None,
                    Protect::Name => protect(expression, true),
                    Protect::Value => protect(expression, false),
                };
                out.push_str(protected.as_deref().unwrap_or(merge));
            }
            rest = tail.get(close + CLOSE.len_utf8()..).unwrap_or_default();
        }
        out.extend(percent_encoding::utf8_percent_encode(rest, TEMPLATE_TEXT));
        out
    }

    /// The template filled with `record` as Salesforce fills it:
    /// [`fill_link_template`] on [`to_salesforce`](LinkTemplate::to_salesforce).
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{LinkTemplate, SampleRecord};
    /// let t = LinkTemplate::new("https://vcc-na4.8x8.com", "{!Account.Phone}").unwrap();
    /// let record: SampleRecord = [("Account.Phone", "650 555 0142")].into_iter().collect();
    /// assert_eq!(t.fill(&record).unwrap(), "https://vcc-na4.8x8.com/AGUI/make_call.php?phone=650+555+0142");
    /// ```
    pub fn fill(&self, record: &SampleRecord) -> Result<String, LinkTemplateErrors> {
        fill_link_template(&self.to_salesforce(), record)
    }
}

/// Refuses text holding the characters masks are made of.
fn reserved(text: &str) -> Result<(), LinkTemplateErrors> {
    match text.char_indices().find(|&(_, c)| c == OPEN || c == CLOSE) {
        Some((i, c)) => Err(LinkTemplateErrors::one(
            LinkTemplateErrorKind::ReservedCharacter,
            i..i + c.len_utf8(),
        )),
        None => Ok(()),
    }
}

#[derive(Clone, Copy)]
enum Protect {
    No,
    Name,
    Value,
}

/// Checks a dial parameter of a template with its merge fields standing for
/// a digit.
fn check_param(name: &str, masked: &str) -> Result<(), LinkTemplateErrorKind> {
    if !DIAL_PARAMS.contains(&name) {
        return Ok(());
    }
    // Each mask (`OPEN` index `CLOSE`) becomes one digit.
    let mut parts = masked.split(OPEN);
    let mut probe = parts.next().unwrap_or_default().to_owned();
    for part in parts {
        probe.push('1');
        probe.push_str(part.split_once(CLOSE).map_or("", |(_, after)| after));
    }
    let query = format!(
        "phone=1&{}={}",
        name,
        percent_encoding::utf8_percent_encode(&probe, percent_encoding::NON_ALPHANUMERIC)
    );
    crate::ClickToDialRequest::from_query(&query)
        .map(|_| ())
        .map_err(|e| LinkTemplateErrorKind::Request(e.kind().clone()))
}
