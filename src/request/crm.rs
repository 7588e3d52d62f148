//! CRM link templates: Salesforce custom links whose merge fields
//! (`{!Account.Phone}`) the CRM fills per record.
//!
//! The vendor's Example 1 is such a template: `phone={!Account.Phone}`,
//! `[WhatId|{!Account.Id}]`. A [`LinkTemplate`] reads one as an
//! administrator pastes it (the vendor's wrapped lines included), keeps its
//! merge fields as Salesforce must see them (never percent-encoded, in the
//! phone and in values), writes the text to paste into the custom link's
//! URL ([`LinkTemplate::to_salesforce`]), and fills it with a sample record
//! exactly as Salesforce would ([`fill_link_template`]), so the link can be
//! tried against real-looking records before it ships.
//!
//! # How Salesforce fills a custom link
//!
//! A custom link (or button) whose *Content Source* is *URL* has an
//! *Encoding* setting (`EncodingKey` of the `WebLink` object, "Encoding of
//! parameters on the URL link"; Salesforce's default, and what this module
//! follows, is Unicode UTF-8). When the link is clicked, Salesforce puts
//! each merge field's value into the URL encoded with that setting, and
//! leaves the text typed around the merge fields as it is. Salesforce's
//! *Formulas Operators and Functions* reference says so in its note on
//! `URLENCODE`: "Custom buttons and links with URL content sources have
//! separate encoding settings. If you use the URLENCODE function to encode
//! a custom button or link that has an encoding setting specified,
//! Salesforce first encodes the URL according to the custom button or link
//! setting, then encodes the result. For example, if the URL in a custom
//! link contains a space and its encoding setting is UTF8, Salesforce first
//! encodes the space to a plus sign (+), then the URLENCODE function
//! converts the plus sign to its character code, %2B." (quoted in
//! <https://life-improver.com/salesforce/salesforce-proper-urlencoding-of-spaces-in-formulas-syntax/>,
//! where `{!Account.Name}` gives `ABC+Telecom+Ltd.`,
//! `{!URLENCODE(Account.Name)}` gives `ABC%2BTelecom%2BLtd.` and
//! `{!SUBSTITUTE(Account.Name,' ','%20')}` gives `ABC%2520Telecom%2520Ltd.`).
//! The UTF-8 setting encodes as HTML forms do: letters, digits and
//! `. - * _` stay, a space becomes `+`, every other byte `%XX`. The other
//! functions for custom links are documented by Salesforce too:
//! [`HTMLENCODE`](https://help.salesforce.com/apex/HTViewHelpDoc?id=platform.customize_functions_htmlencode.htm)
//! and [`JSENCODE`](https://help.salesforce.com/apex/HTViewHelpDoc?id=platform.customize_functions_jsencode.htm)
//! encode for HTML and JavaScript, not for URLs, and have no use here.
//!
//! So a record value reaches the contact center as it was in the record:
//! `&`, `#`, `+`, `%` and spaces are safe from the URL's point of view. But
//! the value then lands inside `ctl_userdata`, whose grammar ends a value
//! at its first `]` and reads `%5D` `%5B` `%7C` `%25` as escapes: an
//! account named `Acme [EU] & Sons` would end its pair early.
//!
//! # How a template protects record values
//!
//! `URLENCODE` cannot help: with the link's encoding applied on top, its
//! result arrives encoded twice (`%20` arrives as the text `%20`, and
//! `ctl_userdata` would read `%5D` in it as `]` but keep `%20`). Instead,
//! [`LinkTemplate::to_salesforce`] wraps each plain merge field in a
//! `ctl_userdata` or `extTransactionData` value as
//!
//! ```text
//! {!SUBSTITUTE(SUBSTITUTE(Account.Name, "%", "%25"), "]", "%5D")}
//! ```
//!
//! (in a name, also `"|"` to `"%7C"`): Salesforce then sends `%255D` for a
//! `]`, the contact center's URL decoding gives `%5D`, and `ctl_userdata`'s
//! escape gives back the `]`; `%` goes first so that the `%` of a `%5D`
//! already in the record survives. Merge fields whose last name part ends
//! in `Id` (`Account.Id`, `OwnerId`) hold Salesforce record ids, letters
//! and digits only, and are left plain; so is any merge field that is
//! already an expression (the administrator's own `SUBSTITUTE`). Merge
//! fields in the phone and the other parameters need no protection (the
//! link encoding takes care of `&` and `#`).
//!
//! # What the filler evaluates
//!
//! Field references (`Account.Name`, `$User.Email`, matched exactly, then
//! ignoring ASCII case), string literals in `"…"` or `'…'` (with `\`
//! escapes), and the text functions `SUBSTITUTE(text, old, new)`,
//! `URLENCODE(text)` (RFC 3986: everything but letters, digits and
//! `- . _ ~` as `%XX`), `BLANKVALUE(text, substitute)` and `TRIM(text)`,
//! names in any case. Anything else (operators such as `&`, other
//! functions) is an error with its place; so is a field the sample record
//! does not have (the CRM could not fill it). Every problem is reported, not
//! only the first, each with its byte range in the template text.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use crate::error::{ParseError, RequestErrorKind};
use crate::request::{link, DIAL_PARAMS};
use crate::userdata::UserData;

/// The longest value an expression may produce (nested `SUBSTITUTE`s could
/// otherwise grow a value without bound).
const MAX_VALUE: usize = 1 << 20;

/// How deep expressions may nest.
const MAX_DEPTH: usize = 32;

/// One merge field `{!…}` of a template, with its place.
///
/// # Example
///
/// ```
/// let fields = clicktodial::merge_fields("phone={!Account.Phone}&x={!SUBSTITUTE(Account.Name, '}', '')}");
/// assert_eq!(fields[0].span(), 6..22);
/// assert_eq!(fields[0].expression(), "Account.Phone");
/// assert_eq!(fields[1].fields(), ["Account.Name"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeField {
    span: Range<usize>,
    expression: String,
    closed: bool,
}

impl MergeField {
    /// The byte range of the whole `{!…}` in the text.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(clicktodial::merge_fields("a{!X.Y}")[0].span(), 1..7);
    /// ```
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }

    /// The expression between `{!` and `}`, as written.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(clicktodial::merge_fields("{! Account.Id }")[0].expression(), " Account.Id ");
    /// ```
    pub fn expression(&self) -> &str {
        &self.expression
    }

    /// Whether the merge field has its closing `}` (an unclosed one runs to
    /// the end of the text).
    ///
    /// # Example
    ///
    /// ```
    /// assert!(!clicktodial::merge_fields("phone={!Account.Phone")[0].is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// The field names the expression refers to, in order (empty when it
    /// cannot be read).
    ///
    /// # Example
    ///
    /// ```
    /// let f = &clicktodial::merge_fields("{!BLANKVALUE(Contact.Phone, Account.Phone)}")[0];
    /// assert_eq!(f.fields(), ["Contact.Phone", "Account.Phone"]);
    /// ```
    pub fn fields(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Ok(expr) = Expr::parse(&self.expression) {
            expr.collect_fields(&mut out);
        }
        out
    }

    /// Whether the merge field is one plain field reference.
    ///
    /// # Example
    ///
    /// ```
    /// assert!(clicktodial::merge_fields("{!Account.Name}")[0].is_plain_field());
    /// assert!(!clicktodial::merge_fields("{!TRIM(Account.Name)}")[0].is_plain_field());
    /// ```
    pub fn is_plain_field(&self) -> bool {
        matches!(Expr::parse(&self.expression), Ok(Expr::Field(_)))
    }

    /// The merge field as it must be written inside a `ctl_userdata` value
    /// so that any record value arrives intact (`]` and `%` substituted; see
    /// the module docs), or `None` when it needs no change (a record id, or
    /// already an expression).
    ///
    /// # Example
    ///
    /// ```
    /// let f = &clicktodial::merge_fields("{!Account.Name}")[0];
    /// assert_eq!(
    ///     f.protected().as_deref(),
    ///     Some(r#"{!SUBSTITUTE(SUBSTITUTE(Account.Name, "%", "%25"), "]", "%5D")}"#)
    /// );
    /// assert_eq!(clicktodial::merge_fields("{!Account.Id}")[0].protected(), None);
    /// ```
    pub fn protected(&self) -> Option<String> {
        protect(&self.expression, false)
    }
}

/// The protected form of a plain field reference (see the module docs).
fn protect(expression: &str, in_name: bool) -> Option<String> {
    let Ok(Expr::Field(name)) = Expr::parse(expression) else {
        return None;
    };
    let last = name.rsplit('.').next().unwrap_or(&name);
    if last.ends_with("Id") {
        return None;
    }
    let inner = format!(r#"SUBSTITUTE(SUBSTITUTE({name}, "%", "%25"), "]", "%5D")"#);
    Some(if in_name {
        format!(r#"{{!SUBSTITUTE({inner}, "|", "%7C")}}"#)
    } else {
        format!("{{!{inner}}}")
    })
}

/// Every merge field `{!…}` in `text`, in order, with its byte range. A
/// `}` inside a quoted string of the expression does not close it; a `{!`
/// without its `}` runs to the end of the text (see
/// [`MergeField::is_closed`]). One pass over the text.
///
/// # Example
///
/// ```
/// use clicktodial::merge_fields;
///
/// let text = std::fs::read_to_string("tests/data/vendor/example1_printed.url")?;
/// let names: Vec<_> = merge_fields(&text).iter().map(|f| f.expression().to_owned()).collect();
/// assert_eq!(names, ["Account.Phone", "Account.Id", "Account.Id"]);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn merge_fields(text: &str) -> Vec<MergeField> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = memchr::memmem::find(bytes.get(from..).unwrap_or_default(), b"{!") {
        let start = from + i;
        let body = start + 2;
        let mut quote: Option<u8> = None;
        let mut escaped = false;
        let mut close = None;
        for (j, &b) in bytes.iter().enumerate().skip(body) {
            match quote {
                Some(_) if escaped => escaped = false,
                Some(_) if b == b'\\' => escaped = true,
                Some(q) if b == q => quote = None,
                Some(_) => {}
                None if b == b'"' || b == b'\'' => quote = Some(b),
                None if b == b'}' => {
                    close = Some(j);
                    break;
                }
                None => {}
            }
        }
        let (end, inner_end, closed) = match close {
            Some(j) => (j + 1, j, true),
            None => (bytes.len(), bytes.len(), false),
        };
        out.push(MergeField {
            span: start..end,
            expression: text.get(body..inner_end).unwrap_or_default().to_owned(),
            closed,
        });
        from = end;
    }
    out
}

/// A merge-field expression.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expr {
    Field(String),
    Text(String),
    Call(String, Vec<Expr>),
}

/// Why an expression could not be read or evaluated, and where in it.
#[derive(Debug)]
struct ExprError {
    kind: LinkTemplateErrorKind,
    at: usize,
}

struct ExprParser<'a> {
    text: &'a str,
    at: usize,
}

impl ExprParser<'_> {
    fn skip_ws(&mut self) {
        let rest = self.text.get(self.at..).unwrap_or_default();
        self.at += rest.len() - rest.trim_start().len();
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn error(&self, what: &'static str) -> ExprError {
        ExprError {
            kind: LinkTemplateErrorKind::Syntax(what),
            at: self.at,
        }
    }

    fn expr(&mut self, depth: usize) -> Result<Expr, ExprError> {
        if depth > MAX_DEPTH {
            return Err(self.error("expression nested too deeply"));
        }
        self.skip_ws();
        match self.peek() {
            Some(q @ (b'"' | b'\'')) => self.string(q),
            Some(b) if b.is_ascii_alphabetic() || b == b'_' || b == b'$' => {
                let start = self.at;
                let len = self
                    .text
                    .get(start..)
                    .unwrap_or_default()
                    .bytes()
                    .take_while(|b| b.is_ascii_alphanumeric() || b"_.$".contains(b))
                    .count();
                self.at += len;
                let name = self.text.get(start..self.at).unwrap_or_default().to_owned();
                self.skip_ws();
                if self.peek() != Some(b'(') {
                    return Ok(Expr::Field(name));
                }
                self.at += 1;
                let mut args = Vec::new();
                self.skip_ws();
                if self.peek() == Some(b')') {
                    self.at += 1;
                    return Ok(Expr::Call(name, args));
                }
                loop {
                    args.push(self.expr(depth + 1)?);
                    self.skip_ws();
                    match self.peek() {
                        Some(b',') => self.at += 1,
                        Some(b')') => {
                            self.at += 1;
                            return Ok(Expr::Call(name, args));
                        }
                        _ => return Err(self.error("expected `,` or `)`")),
                    }
                }
            }
            None => Err(self.error("empty expression")),
            Some(_) => Err(self.error(
                "not a field, a string or a function call (operators such as `&` are not supported)",
            )),
        }
    }

    fn string(&mut self, quote: u8) -> Result<Expr, ExprError> {
        let open = self.at;
        self.at += 1;
        let mut out = String::new();
        let mut chars = self.text.get(self.at..).unwrap_or_default().char_indices();
        while let Some((i, c)) = chars.next() {
            if c == '\\' {
                if let Some((_, next)) = chars.next() {
                    out.push(next);
                }
                continue;
            }
            if c as u32 == u32::from(quote) {
                self.at += i + 1;
                return Ok(Expr::Text(out));
            }
            out.push(c);
        }
        self.at = open;
        Err(self.error("unterminated string"))
    }
}

impl Expr {
    fn parse(text: &str) -> Result<Expr, ExprError> {
        let mut p = ExprParser { text, at: 0 };
        let expr = p.expr(0)?;
        p.skip_ws();
        if p.at < text.len() {
            return Err(p.error(
                "unexpected text after the expression (operators such as `&` are not supported)",
            ));
        }
        Ok(expr)
    }

    fn collect_fields(&self, out: &mut Vec<String>) {
        match self {
            Expr::Field(name) => out.push(name.clone()),
            Expr::Text(_) => {}
            Expr::Call(_, args) => args.iter().for_each(|a| a.collect_fields(out)),
        }
    }

    fn eval<'r>(&self, record: &'r SampleRecord) -> Result<Cow<'r, str>, LinkTemplateErrorKind> {
        let value = match self {
            Expr::Field(name) => Cow::Borrowed(
                record
                    .get(name)
                    .ok_or_else(|| LinkTemplateErrorKind::MissingField(name.clone()))?,
            ),
            Expr::Text(text) => Cow::Owned(text.clone()),
            Expr::Call(name, args) => {
                let arity = |n: usize| {
                    if args.len() == n {
                        Ok(())
                    } else {
                        Err(LinkTemplateErrorKind::Syntax("wrong number of arguments"))
                    }
                };
                let upper = name.to_ascii_uppercase();
                if !["SUBSTITUTE", "URLENCODE", "BLANKVALUE", "TRIM"].contains(&upper.as_str()) {
                    return Err(LinkTemplateErrorKind::UnsupportedFunction(
                        name.chars().take(64).collect(),
                    ));
                }
                let mut values = Vec::with_capacity(args.len());
                for arg in args {
                    values.push(arg.eval(record)?);
                }
                let arg = |i: usize| values.get(i).map_or("", |v| v.as_ref());
                Cow::Owned(match upper.as_str() {
                    "SUBSTITUTE" => {
                        arity(3)?;
                        if arg(1).is_empty() {
                            arg(0).to_owned()
                        } else {
                            let grows = arg(2).len().saturating_sub(arg(1).len());
                            let count = arg(0).matches(arg(1)).count();
                            if arg(0).len() + grows.saturating_mul(count) > MAX_VALUE {
                                return Err(LinkTemplateErrorKind::TooLong);
                            }
                            arg(0).replace(arg(1), arg(2))
                        }
                    }
                    "URLENCODE" => {
                        arity(1)?;
                        percent_encoding::utf8_percent_encode(arg(0), RFC3986).to_string()
                    }
                    "BLANKVALUE" => {
                        arity(2)?;
                        if arg(0).trim().is_empty() {
                            arg(1).to_owned()
                        } else {
                            arg(0).to_owned()
                        }
                    }
                    "TRIM" => {
                        arity(1)?;
                        arg(0).trim().to_owned()
                    }
                    _ => {
                        return Err(LinkTemplateErrorKind::UnsupportedFunction(
                            name.chars().take(64).collect(),
                        ))
                    }
                })
            }
        };
        if value.len() > MAX_VALUE {
            return Err(LinkTemplateErrorKind::TooLong);
        }
        Ok(value)
    }
}

/// RFC 3986 unreserved characters stay; everything else is encoded.
const RFC3986: &percent_encoding::AsciiSet = crate::encode::UNRESERVED;

/// What Salesforce's UTF-8 link encoding keeps: letters, digits, `. - * _`
/// (a space becomes `+`).
const SALESFORCE_LINK: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'.')
    .remove(b'-')
    .remove(b'*')
    .remove(b'_')
    .remove(b' ');

/// Encodes a merge field's value as a Salesforce custom link with the
/// Unicode (UTF-8) encoding setting puts it into the URL: letters, digits
/// and `. - * _` stay, a space becomes `+`, every other byte `%XX`.
///
/// # Example
///
/// ```
/// assert_eq!(clicktodial::salesforce_link_encode("Acme [EU] & Sons"), "Acme+%5BEU%5D+%26+Sons");
/// assert_eq!(clicktodial::salesforce_link_encode("a%5Db"), "a%255Db");
/// ```
pub fn salesforce_link_encode(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, SALESFORCE_LINK)
        .to_string()
        .replace(' ', "+")
}

/// The values of one sample record, by merge field name (`Account.Name`),
/// to fill a template as the CRM would for that record.
///
/// # Example
///
/// ```
/// use clicktodial::SampleRecord;
///
/// let record: SampleRecord = [("Account.Name", "Acme [EU] & Sons"), ("Account.Id", "001A000001XyZab")]
///     .into_iter()
///     .collect();
/// assert_eq!(record.get("account.name"), Some("Acme [EU] & Sons"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SampleRecord {
    fields: Vec<(String, String)>,
}

impl SampleRecord {
    /// An empty record.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(clicktodial::SampleRecord::new().get("Account.Id"), None);
    /// ```
    pub fn new() -> Self {
        SampleRecord::default()
    }

    /// Sets `field` to `value` (a later value for the same name wins).
    ///
    /// # Example
    ///
    /// ```
    /// let mut record = clicktodial::SampleRecord::new();
    /// record.set("Account.Phone", "(650) 555-0142");
    /// assert_eq!(record.get("Account.Phone"), Some("(650) 555-0142"));
    /// ```
    pub fn set(&mut self, field: impl Into<String>, value: impl Into<String>) -> &mut Self {
        self.fields.push((field.into(), value.into()));
        self
    }

    /// The value of `field`: the last one set with exactly this name, else
    /// the last whose name matches ignoring ASCII case (Salesforce merge
    /// field names are not case-sensitive).
    ///
    /// # Example
    ///
    /// ```
    /// let record: clicktodial::SampleRecord = [("Account.Name", "Acme")].into_iter().collect();
    /// assert_eq!(record.get("ACCOUNT.NAME"), Some("Acme"));
    /// ```
    pub fn get(&self, field: &str) -> Option<&str> {
        let exact = self.fields.iter().rev().find(|(n, _)| n == field);
        exact
            .or_else(|| {
                self.fields
                    .iter()
                    .rev()
                    .find(|(n, _)| n.eq_ignore_ascii_case(field))
            })
            .map(|(_, v)| v.as_str())
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for SampleRecord {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut record = SampleRecord::new();
        for (k, v) in iter {
            record.set(k, v);
        }
        record
    }
}

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
    kind: LinkTemplateErrorKind,
    span: Range<usize>,
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
    errors: Vec<LinkTemplateError>,
}

impl LinkTemplateErrors {
    fn one(kind: LinkTemplateErrorKind, span: Range<usize>) -> Self {
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

/// Fills every merge field of `template` from `record` as a Salesforce
/// custom link with the UTF-8 encoding setting does: each value encoded
/// with [`salesforce_link_encode`], the text around the merge fields left
/// as written. Every problem (an unclosed merge field, an expression the
/// filler cannot evaluate, a field the record lacks) is reported with its
/// range.
///
/// # Example
///
/// ```
/// use clicktodial::{fill_link_template, SampleRecord};
///
/// let record: SampleRecord = [("Account.Phone", "(650) 555-0142"), ("Account.Name", "Acme & Sons")]
///     .into_iter()
///     .collect();
/// let link = fill_link_template("phone={!Account.Phone}&ctl_userdata=[who|{!Account.Name}]", &record)
///     .unwrap();
/// assert_eq!(link, "phone=%28650%29+555-0142&ctl_userdata=[who|Acme+%26+Sons]");
/// ```
pub fn fill_link_template(
    template: &str,
    record: &SampleRecord,
) -> Result<String, LinkTemplateErrors> {
    let mut out = String::with_capacity(template.len());
    let mut errors = Vec::new();
    let mut done = 0;
    for field in merge_fields(template) {
        out.push_str(template.get(done..field.span.start).unwrap_or_default());
        done = field.span.end;
        if !field.closed {
            errors.push(LinkTemplateError {
                kind: LinkTemplateErrorKind::UnterminatedMergeField,
                span: field.span(),
            });
            continue;
        }
        let value = Expr::parse(&field.expression)
            .map_err(|e| (e.kind, Some(e.at)))
            .and_then(|expr| {
                expr.eval(record)
                    .map(|v| salesforce_link_encode(&v))
                    .map_err(|kind| (kind, None))
            });
        match value {
            Ok(value) => out.push_str(&value),
            // A syntax error points at its spot in the expression.
            Err((kind, at)) => errors.push(LinkTemplateError {
                kind,
                span: match at {
                    Some(at) => {
                        let start = (field.span.start + 2 + at).min(field.span.end);
                        let spot = super::reader::char_range(template, start);
                        start..spot.end.min(field.span.end)
                    }
                    None => field.span(),
                },
            }),
        }
    }
    out.push_str(template.get(done..).unwrap_or_default());
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(LinkTemplateErrors { errors })
    }
}

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
                            span: place(super::reader::char_range(&value, at)),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions() {
        let record: SampleRecord = [("A.B", "x]y%5D z")].into_iter().collect();
        let eval = |e: &str| {
            Expr::parse(e)
                .map_err(|e| e.kind)
                .and_then(|e| e.eval(&record).map(|v| v.into_owned()))
        };
        assert_eq!(eval("A.B").unwrap(), "x]y%5D z");
        assert_eq!(
            eval(r#"SUBSTITUTE(SUBSTITUTE(A.B, "%", "%25"), "]", "%5D")"#).unwrap(),
            "x%5Dy%255D z"
        );
        assert_eq!(eval("urlencode(A.B)").unwrap(), "x%5Dy%255D%20z");
        assert_eq!(eval("BLANKVALUE('', 'd')").unwrap(), "d");
        assert_eq!(eval(r#"TRIM(" a\"b ")"#).unwrap(), "a\"b");
        assert!(eval("A.B & 'x'").is_err());
        assert!(eval("SUBSTITUTE(A.B)").is_err());
        assert!(eval("'open").is_err());
        assert_eq!(
            eval("C.D").unwrap_err(),
            LinkTemplateErrorKind::MissingField("C.D".into())
        );
        let deep = format!("{}A.B{}", "TRIM(".repeat(100), ")".repeat(100));
        assert!(eval(&deep).is_err());
        // Growth is bounded.
        let grow = format!(
            "{}'aaaaaaaa'{}",
            "SUBSTITUTE(".repeat(30),
            ", 'a', 'aaaa')".repeat(30)
        );
        assert_eq!(eval(&grow).unwrap_err(), LinkTemplateErrorKind::TooLong);
    }

    #[test]
    fn merge_field_scan() {
        let f = merge_fields(r#"{!SUBSTITUTE(A, "}", "\"}")}x{!B"#);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].expression(), r#"SUBSTITUTE(A, "}", "\"}")"#);
        assert!(f[0].is_closed() && !f[1].is_closed());
        assert_eq!(f[1].span(), 29..32);
    }
}
