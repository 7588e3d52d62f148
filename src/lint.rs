//! The link linter: the mistakes people really make in click-to-dial links.
//!
//! A lint is advice, not an error: the request parsed, but the contact
//! center will not do what the link's author meant. Each [`Lint`] has a
//! [`LintKind`] to match on, a one-line message that names the pair and
//! says what to change, and (where it is about one place) the byte range of
//! that place in the `ctl_userdata` text ([`Lint::span`]). A lint of a
//! request names its parameter ([`Lint::parameter`]); read from the link
//! as given ([`ClickToDialRequest::lint_link`]) or from a CRM link template
//! ([`LinkTemplate::lint_text`](crate::LinkTemplate::lint_text)), it is
//! also placed in that text ([`Lint::link_span`]).
//!
//! Token lints follow the expander's own scan (the same scanner): a `$`
//! that the expander keeps as literal text is looked at; one that opens a
//! token is not.
//!
//! # Bounds
//!
//! Linting is linear in time and memory over the input, whatever it holds:
//!
//! - every message is one line and at most [`Lint::MAX_MESSAGE_LEN`] bytes:
//!   outside text is quoted only through the crate's one sanitiser (control
//!   and line-separator characters escaped, cut at 100 characters or 200
//!   bytes), the same one error messages use;
//! - one value gives at most [`Lint::MAX_PER_VALUE`] lints of one kind, then
//!   one summary lint for the rest of that value;
//! - one call gives at most [`Lint::MAX_PER_KIND`] lints of one kind, then
//!   one summary lint for that kind; so a lint list never holds more than
//!   `MAX_PER_KIND + 1` lints of a kind, whatever the input's size;
//! - a URL's user info (its user name and password) is never quoted: a lint
//!   about text in it, or a `ctl_callbackUrl` that contains `@`, says what it
//!   found without quoting it.
//!
//! [`ClickToDialRequest::lint_link`] adds a [`LinkMap`] of the link (four
//! bytes per byte of decoded value) to the lenient read's own memory;
//! [`LinkTemplate::lint_text`](crate::LinkTemplate::lint_text) a masked copy
//! of the template, its map and its merge fields.
//!
//! Working memory is one map slot (17 bytes, see `duplicates`) per pair,
//! for the duplicate names, and no copy of any name or value: under 12
//! bytes allocated at the peak per input byte on the worst shapes, as
//! `tests/lint_bounds.rs` measures with a counting allocator.

mod template;
mod written;

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasher, Hash, Hasher, RandomState};
use std::ops::Range;

use crate::error::{RequestError, Shown};
use crate::payload::policy::misplaced_token;
use crate::request::link::{self, LinkMap, LinkParam};
use crate::request::phone::split_extension;
use crate::request::ClickToDialRequest;
use crate::system::{known_system_name, SYSTEM_NAMES};
use crate::token::table::Token;
use crate::token::template::scan;
use crate::userdata::{is_system_name, Pair, UserData};

/// What a [`Lint`] found.
///
/// # Example
///
/// ```
/// use clicktodial::{LintKind, UserData};
/// let lints = UserData::parse("[start|$call_answered_time]")?.lint();
/// assert_eq!(lints[0].kind, LintKind::UnterminatedToken);
/// # Ok::<(), clicktodial::ParseError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum LintKind {
    /// `$call_answered_time` with no closing `$`: it stays literal text.
    UnterminatedToken,
    /// `$foo$`: not one of the 20 tokens (names are case-sensitive).
    UnknownToken,
    /// `{!Account.Id}`: a CRM merge field the CRM did not fill in.
    UnexpandedMergeField,
    /// `ctl_action` without `ctl_intType`: the action is ignored.
    ActionWithoutIntegration,
    /// `ctl_launchext` without `ctl_launchopt=true`: it has no effect.
    LaunchExtWithoutLaunch,
    /// `ctl_newRecordId` passed in: the contact center writes it.
    TenantSetNewRecordId,
    /// `ctl_callbackUrl` over plain `http`.
    InsecureCallbackUrl,
    /// A `ctl_` name that is not in the vendor's table.
    UnknownSystemName,
    /// A name given twice (the later pair wins).
    DuplicateName,
    /// `ctl_action=create` for `sfdc` with no `ObjectType` to create.
    CreateWithoutObjectType,
    /// A system value outside what its name accepts (`ctl_launchopt=yes`).
    InvalidSystemValue,
    /// A token in the scheme, user info, host, port or a query key of
    /// `ctl_callbackUrl`: call data may not decide where a callback goes,
    /// so [`ActionPlan::callback`](crate::ActionPlan::callback) refuses it.
    CallbackUrlToken,
    /// A phone with a trailing extension (`650-555-0100 ext. 12`): the
    /// extension is not dialled, so the agent must dial it once the call is
    /// answered. A request-level lint: [`Lint::parameter`] is `phone`.
    ///
    /// ```
    /// use clicktodial::{ClickToDialRequest, LintKind};
    /// let lint = &ClickToDialRequest::new("650-555-0100 ext. 12").lint()[0];
    /// assert_eq!(lint.kind, LintKind::PhoneExtension);
    /// assert_eq!(lint.parameter(), Some("phone"));
    /// ```
    PhoneExtension,
    /// A name with white space around it, as the vendor's wrapped lines
    /// leave: a request parameter (`make_call.php? prefix=1`, found by
    /// [`ClickToDialRequest::lint_link`], which sees the names as written),
    /// a query parameter of `ctl_callbackUrl` (`callback?%20%20transaction=`:
    /// the receiver gets a parameter named `"  transaction"`), or a pair's
    /// name (`[ ObjectType|Task]`).
    ///
    /// ```
    /// use clicktodial::{ClickToDialRequest, LintKind};
    /// let link = "https://vcc-na4.8x8.com/AGUI/make_call.php?%20prefix=1&phone=6505550100";
    /// let lint = &ClickToDialRequest::lint_link(link)?[0];
    /// assert_eq!(lint.kind, LintKind::WhiteSpaceInParameterName);
    /// assert_eq!(&link[lint.link_span().unwrap()], "%20prefix");
    /// # Ok::<(), clicktodial::RequestError>(())
    /// ```
    WhiteSpaceInParameterName,
    /// A value that starts or ends with white space, or holds a run of
    /// spaces or a line break followed by indentation, as a wrapped line
    /// pasted into a link leaves (the vendor's Example 1 pasted as printed
    /// gives `call  answered`).
    ///
    /// ```
    /// use clicktodial::{LintKind, UserData};
    /// let text = "[Description|call  answered]";
    /// let lint = &UserData::parse(text)?.lint()[0];
    /// assert_eq!(lint.kind, LintKind::WhiteSpaceInValue);
    /// assert_eq!(&text[lint.span().unwrap()], "  ");
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    WhiteSpaceInValue,
    /// A `[` inside a value followed by a name and `|`: a pair whose `]`
    /// before it was lost, so it became part of the value before it.
    ///
    /// ```
    /// use clicktodial::{LintKind, UserData};
    /// let text = "[subject|Call Acme[status|done]";
    /// let lint = &UserData::parse(text)?.lint()[0];
    /// assert_eq!(lint.kind, LintKind::LostPairInValue);
    /// assert_eq!(&text[lint.span().unwrap()], "[");
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    LostPairInValue,
    /// A CRM merge field (`{!Org.Host__c}`) in the host of
    /// `ctl_callbackUrl`: a CRM record would choose where the call data is
    /// posted.
    ///
    /// ```
    /// use clicktodial::{LintKind, UserData};
    /// let data = UserData::parse("[ctl_callbackUrl|https://{!Account.Site}/cb]")?;
    /// assert!(data.lint().iter().any(|l| l.kind == LintKind::MergeFieldInCallbackHost));
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    MergeFieldInCallbackHost,
    /// In a link template, a merge field in a `ctl_userdata` or
    /// `extTransactionData` pair written plainly: a record value holding
    /// `]`, `|` or `%` would end or change the pair. The message gives the
    /// protected form ([`MergeField::protected`](crate::MergeField::protected)).
    ///
    /// ```
    /// use clicktodial::{LinkTemplate, LintKind};
    /// let text = "https://vcc-na4.8x8.com/AGUI/make_call.php?phone={!Account.Phone}\
    ///             &ctl_userdata=[subject|{!Account.Name}]";
    /// let lint = &LinkTemplate::lint_text(text)[0];
    /// assert_eq!(lint.kind, LintKind::UnprotectedMergeField);
    /// assert_eq!(&text[lint.link_span().unwrap()], "{!Account.Name}");
    /// ```
    UnprotectedMergeField,
    /// In a link template, `URLENCODE` in a merge field: a custom link
    /// encodes merge field values itself, so the value arrives encoded twice
    /// (a space as the text `%20`).
    ///
    /// ```
    /// use clicktodial::{LinkTemplate, LintKind};
    /// let text = "https://vcc-na4.8x8.com/AGUI/make_call.php?phone={!URLENCODE(Account.Phone)}";
    /// assert_eq!(LinkTemplate::lint_text(text)[0].kind, LintKind::UrlEncodeInCustomLink);
    /// ```
    UrlEncodeInCustomLink,
    /// A `#` outside percent-encoding in a link: everything after it is
    /// the URL's fragment, which a browser never sends, so the rest of the
    /// value and every parameter and pair after it (a `ctl_callbackUrl`
    /// too) never reach the contact center. The fix is `%23`
    /// ([`Lint::replacement`]).
    ///
    /// ```
    /// use clicktodial::{ClickToDialRequest, LintKind};
    /// let link = "https://vcc-na4.8x8.com/AGUI/make_call.php?phone=1&ctl_userdata=[a|#42][b|2]";
    /// let lint = &ClickToDialRequest::lint_link(link)?[0];
    /// assert_eq!(lint.kind, LintKind::UnencodedHash);
    /// assert_eq!(&link[lint.link_span().unwrap()], "#");
    /// assert_eq!(lint.replacement(), Some("%23"));
    /// # Ok::<(), clicktodial::RequestError>(())
    /// ```
    UnencodedHash,
    /// A parameter the contact center does not read: a misspelled or
    /// differently-cased vendor parameter (`callerid`, `caller Id`,
    /// `Phone`), with the nearest vendor name as its replacement, or any
    /// other name (kept as [`extra`](crate::ClickToDialRequest::extra)).
    ///
    /// ```
    /// use clicktodial::{ClickToDialRequest, LintKind};
    /// let link = "https://vcc-na4.8x8.com/AGUI/make_call.php?phone=1&callerid=5251990";
    /// let lint = &ClickToDialRequest::lint_link(link)?[0];
    /// assert_eq!(lint.kind, LintKind::UnknownParameter);
    /// assert_eq!(lint.replacement(), Some("callerId"));
    /// # Ok::<(), clicktodial::RequestError>(())
    /// ```
    UnknownParameter,
    /// A raw `+` before a digit in a query value: every form decoder reads
    /// it as a space, so `+1 650…` arrives as ` 1 650…`. The fix is `%2B`.
    ///
    /// ```
    /// use clicktodial::{ClickToDialRequest, LintKind};
    /// let link = "https://vcc-na4.8x8.com/AGUI/make_call.php?phone=+16505550142";
    /// let lint = &ClickToDialRequest::lint_link(link)?[0];
    /// assert_eq!(lint.kind, LintKind::RawPlus);
    /// assert_eq!(lint.replacement(), Some("%2B"));
    /// # Ok::<(), clicktodial::RequestError>(())
    /// ```
    RawPlus,
    /// A `prefix` and a `phone` that already starts with `+` and the same
    /// country code: the country code is dialled twice.
    ///
    /// ```
    /// use clicktodial::{ClickToDialRequest, LintKind};
    /// let mut req = ClickToDialRequest::new("+1 650 555 0142");
    /// req.prefix = Some("1".into());
    /// let lint = &req.lint()[0];
    /// assert_eq!(lint.kind, LintKind::CountryCodeTwice);
    /// assert!(lint.message.contains("`116505550142`"));
    /// ```
    CountryCodeTwice,
}

impl LintKind {
    /// How many kinds there are (for the per-kind counts).
    const COUNT: usize = LintKind::CountryCodeTwice as usize + 1;

    /// The stable kebab-case code (see the table in
    /// [`diagnostic`](crate::diagnostic)).
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::LintKind;
    /// assert_eq!(LintKind::UnexpandedMergeField.code(), "unexpanded-merge-field");
    /// ```
    pub fn code(self) -> &'static str {
        match self {
            LintKind::UnterminatedToken => "unterminated-token",
            LintKind::UnknownToken => "unknown-token",
            LintKind::UnexpandedMergeField => "unexpanded-merge-field",
            LintKind::ActionWithoutIntegration => "action-without-integration",
            LintKind::LaunchExtWithoutLaunch => "launch-ext-without-launch",
            LintKind::TenantSetNewRecordId => "tenant-set-new-record-id",
            LintKind::InsecureCallbackUrl => "insecure-callback-url",
            LintKind::UnknownSystemName => "unknown-system-name",
            LintKind::DuplicateName => "duplicate-name",
            LintKind::CreateWithoutObjectType => "create-without-object-type",
            LintKind::InvalidSystemValue => "invalid-system-value",
            LintKind::CallbackUrlToken => "callback-url-token",
            LintKind::PhoneExtension => "phone-extension",
            LintKind::WhiteSpaceInParameterName => "white-space-in-parameter-name",
            LintKind::WhiteSpaceInValue => "white-space-in-value",
            LintKind::LostPairInValue => "lost-pair-in-value",
            LintKind::MergeFieldInCallbackHost => "merge-field-in-callback-host",
            LintKind::UnprotectedMergeField => "unprotected-merge-field",
            LintKind::UrlEncodeInCustomLink => "url-encode-in-custom-link",
            LintKind::UnencodedHash => "unencoded-hash",
            LintKind::UnknownParameter => "unknown-parameter",
            LintKind::RawPlus => "raw-plus",
            LintKind::CountryCodeTwice => "country-code-twice",
        }
    }

    /// What a summary lint calls several lints of this kind.
    fn plural(self) -> &'static str {
        match self {
            LintKind::UnterminatedToken => "unterminated tokens",
            LintKind::UnknownToken => "unknown tokens",
            LintKind::UnexpandedMergeField => "unexpanded merge fields",
            LintKind::ActionWithoutIntegration => "actions without an integration type",
            LintKind::LaunchExtWithoutLaunch => "launch options without effect",
            LintKind::TenantSetNewRecordId => "tenant-set record ids",
            LintKind::InsecureCallbackUrl => "plain-http callback URLs",
            LintKind::UnknownSystemName => "unknown system names",
            LintKind::DuplicateName => "duplicate names",
            LintKind::CreateWithoutObjectType => "creates without an object type",
            LintKind::InvalidSystemValue => "invalid system values",
            LintKind::CallbackUrlToken => "misplaced callback URL tokens",
            LintKind::PhoneExtension => "phone extensions",
            LintKind::WhiteSpaceInParameterName => "names with white space around them",
            LintKind::WhiteSpaceInValue => "white space from wrapped lines",
            LintKind::LostPairInValue => "lost pairs",
            LintKind::MergeFieldInCallbackHost => "merge fields in callback hosts",
            LintKind::UnprotectedMergeField => "unprotected merge fields",
            LintKind::UrlEncodeInCustomLink => "URLENCODE merge fields",
            LintKind::UnencodedHash => "unencoded `#`s",
            LintKind::UnknownParameter => "unknown parameters",
            LintKind::RawPlus => "raw `+`s",
            LintKind::CountryCodeTwice => "country codes dialled twice",
        }
    }
}

/// One finding of the linter.
///
/// Lints are built by the crate only ([`UserData::lint`],
/// [`ClickToDialRequest::lint`]); `kind` and `message` are public to read.
///
/// # Example
///
/// ```
/// use clicktodial::{ClickToDialRequest, LintKind};
/// let req = ClickToDialRequest::from_query("phone=1&ctl_userdata=[ctl_action|create]")?;
/// let lint = &req.lint()[0];
/// assert_eq!(lint.kind, LintKind::ActionWithoutIntegration);
/// assert!(lint.message.contains("[ctl_intType|sfdc]"));
/// assert_eq!(lint.to_string(), lint.message);
/// assert_eq!(lint.span(), Some(0..19));
/// # Ok::<(), clicktodial::RequestError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Lint {
    /// What was found.
    pub kind: LintKind,
    /// What it is and what to change, in one line of at most
    /// [`Lint::MAX_MESSAGE_LEN`] bytes.
    pub message: String,
    #[cfg_attr(feature = "serde", serde(default))]
    span: Option<Range<usize>>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    parameter: Option<String>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    link_span: Option<Range<usize>>,
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    replacement: Option<String>,
}

impl Lint {
    /// The longest message, in bytes.
    pub const MAX_MESSAGE_LEN: usize = 600;
    /// Lints of one kind that one value gives before its summary lint.
    pub const MAX_PER_VALUE: usize = 8;
    /// Lints of one kind that one call gives before the kind's summary lint.
    pub const MAX_PER_KIND: usize = 64;

    fn new(kind: LintKind, message: String, span: Option<Range<usize>>) -> Lint {
        Lint {
            kind,
            message,
            span,
            parameter: None,
            link_span: None,
            replacement: None,
        }
    }

    /// The text to put in place of what the lint is about (its
    /// [`link_span`](Lint::link_span) where it has one), as it must be typed
    /// there, when there is one obvious fix: `%23` for a `#`, `%2B` for a
    /// raw `+`, the vendor's name for a misspelled parameter.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::ClickToDialRequest;
    /// let link = "https://vcc-na4.8x8.com/AGUI/make_call.php?phone=1&queue+id=42";
    /// let lint = &ClickToDialRequest::lint_link(link)?[0];
    /// assert_eq!(lint.replacement(), Some("queue_id"));
    /// # Ok::<(), clicktodial::RequestError>(())
    /// ```
    pub fn replacement(&self) -> Option<&str> {
        self.replacement.as_deref()
    }

    /// Byte range, in the `ctl_userdata` text the data was parsed from, of
    /// what the lint is about: the token, the merge field, the name, or the
    /// pair (`[` to `]`). `None` when it is not about one place (a request
    /// parameter, `extTransactionData`, a summary, pairs added with
    /// [`UserData::push`]).
    ///
    /// Where a pair held percent escapes (`%5D` …) before the place, the
    /// exact bytes cannot be told from the decoded text: the span is then the
    /// value's, or the whole pair's, which still contains the place.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::UserData;
    /// let text = "[a|1] [subject|Call $Caller_ID$]";
    /// let lint = &UserData::parse(text)?.lint()[0];
    /// assert_eq!(&text[lint.span().unwrap()], "$Caller_ID$");
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn span(&self) -> Option<Range<usize>> {
        self.span.clone()
    }

    /// The request parameter the lint is about, named as the request reads
    /// it (trimmed): `phone`, `ctl_userdata`, `extTransactionData`, an
    /// unknown parameter's name. Set by [`ClickToDialRequest::lint`] and
    /// [`ClickToDialRequest::lint_link`]; `None` from [`UserData::lint`],
    /// for template lints and for summaries. A tool holding the link places
    /// a request-level lint with [`LinkMap::param`](crate::LinkMap::param),
    /// and a `ctl_userdata` [`span`](Lint::span) with
    /// [`LinkMap::map`](crate::LinkMap::map) (or reads
    /// [`link_span`](Lint::link_span) from `lint_link`).
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::ClickToDialRequest;
    /// let req = ClickToDialRequest::from_query("phone=1&extTransactionData=[extRecordId|{!Id}]")?;
    /// assert_eq!(req.lint()[0].parameter(), Some("extTransactionData"));
    /// # Ok::<(), clicktodial::RequestError>(())
    /// ```
    pub fn parameter(&self) -> Option<&str> {
        self.parameter.as_deref()
    }

    /// Byte range, in the text given to [`ClickToDialRequest::lint_link`]
    /// (the link, before percent-decoding) or to
    /// [`LinkTemplate::lint_text`](crate::LinkTemplate::lint_text) (the
    /// template), of what the lint is about: also for lints with no
    /// `ctl_userdata` span (a parameter's name, the extension in `phone`, a
    /// pair of `extTransactionData`). `None` from the other entry points,
    /// for summaries, and for lints about no one place.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::ClickToDialRequest;
    /// let link = "https://vcc-na4.8x8.com/AGUI/make_call.php?phone=650-555-0100+ext.+12";
    /// let lint = &ClickToDialRequest::lint_link(link)?[0];
    /// assert_eq!(lint.span(), None);
    /// assert_eq!(&link[lint.link_span().unwrap()], "ext.+12");
    /// # Ok::<(), clicktodial::RequestError>(())
    /// ```
    pub fn link_span(&self) -> Option<Range<usize>> {
        self.link_span.clone()
    }
}

impl fmt::Display for Lint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// What the lints being found are about: the parameter, whether their
/// spans are `ctl_userdata` spans, and the parameter's place in the link
/// (to map spans, which are in the parameter's decoded value, into it).
#[derive(Clone, Copy, Default)]
pub(crate) struct At<'m> {
    pub(crate) parameter: Option<&'m str>,
    pub(crate) userdata: bool,
    pub(crate) link: Option<&'m LinkParam>,
}

/// Lints as they are found, with the per-kind cap.
pub(crate) struct Lints<'m> {
    list: Vec<Lint>,
    shown: [usize; LintKind::COUNT],
    hidden: [usize; LintKind::COUNT],
    pub(crate) at: At<'m>,
}

impl<'m> Lints<'m> {
    pub(crate) fn new(at: At<'m>) -> Lints<'m> {
        Lints {
            list: Vec::new(),
            shown: [0; LintKind::COUNT],
            hidden: [0; LintKind::COUNT],
            at,
        }
    }

    /// Adds a lint, or counts it once the kind has shown its share; the
    /// message is only written for a lint that is kept. `span` is in the
    /// decoded value of the parameter being linted.
    fn push(
        &mut self,
        kind: LintKind,
        span: Option<Range<usize>>,
        message: impl FnOnce() -> String,
    ) {
        let link_span = match (&span, self.at.link) {
            (Some(span), Some(param)) => Some(param.map(span.clone())),
            _ => None,
        };
        let span = span.filter(|_| self.at.userdata);
        self.push_placed(kind, span, link_span, message);
    }

    /// Adds a lint with its spans as given.
    pub(crate) fn push_placed(
        &mut self,
        kind: LintKind,
        span: Option<Range<usize>>,
        link_span: Option<Range<usize>>,
        message: impl FnOnce() -> String,
    ) {
        let i = kind as usize;
        let (Some(shown), Some(hidden)) = (self.shown.get_mut(i), self.hidden.get_mut(i)) else {
            return;
        };
        if *shown >= Lint::MAX_PER_KIND {
            *hidden += 1;
            return;
        }
        *shown += 1;
        let mut lint = Lint::new(kind, bounded(message()), span);
        lint.parameter = self.at.parameter.map(str::to_owned);
        lint.link_span = link_span;
        self.list.push(lint);
    }

    /// Adds a lint placed at `link_span` in the link, with the text to put
    /// there.
    pub(crate) fn push_fix(
        &mut self,
        kind: LintKind,
        link_span: Range<usize>,
        replacement: String,
        message: impl FnOnce() -> String,
    ) {
        let before = self.list.len();
        self.push_placed(kind, None, Some(link_span), message);
        if self.list.len() > before {
            if let Some(lint) = self.list.last_mut() {
                lint.replacement = Some(replacement);
            }
        }
    }

    /// The lints, with one summary for each kind that hid some.
    pub(crate) fn finish(mut self) -> Vec<Lint> {
        for (i, &hidden) in self.hidden.iter().enumerate() {
            let Some(kind) = self
                .list
                .iter()
                .find(|l| l.kind as usize == i)
                .map(|l| l.kind)
            else {
                continue;
            };
            if hidden > 0 {
                self.list.push(Lint::new(
                    kind,
                    format!("{hidden} more {} not shown", kind.plural()),
                    None,
                ));
            }
        }
        self.list
    }
}

/// A message cut to [`Lint::MAX_MESSAGE_LEN`] bytes, on a character
/// boundary. Messages quote outside text through [`Shown`] and stay well
/// under the limit; this only makes the bound hold by construction.
pub(crate) fn bounded(mut message: String) -> String {
    if message.len() > Lint::MAX_MESSAGE_LEN {
        let mut cut = Lint::MAX_MESSAGE_LEN - '…'.len_utf8();
        while !message.is_char_boundary(cut) {
            cut -= 1;
        }
        message.truncate(cut);
        message.push('…');
    }
    message
}

impl ClickToDialRequest {
    /// Lints the whole request: merge fields left in the dial parameters (a
    /// request built with [`ClickToDialRequest::new`] is not validated) and
    /// a trailing extension in `phone` (it is not dialled), then
    /// `ctl_userdata` (see [`UserData::lint`]), then `extTransactionData`
    /// (merge fields, white space from wrapped lines, lost pairs) and merge
    /// fields left in unknown parameters. Each lint names its
    /// [`parameter`](Lint::parameter).
    ///
    /// The request keeps its parameter names trimmed, so white space around
    /// a parameter's name is seen only by
    /// [`lint_link`](ClickToDialRequest::lint_link).
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{ClickToDialRequest, LintKind};
    /// let req = ClickToDialRequest::from_query(
    ///     "phone=1&ctl_userdata=[WhatId|{!Account.Id}]&extTransactionData=[extRecordId|{!Id}]",
    /// )?;
    /// let kinds: Vec<_> = req.lint().into_iter().map(|l| l.kind).collect();
    /// assert_eq!(kinds, [LintKind::UnexpandedMergeField; 2]);
    /// # Ok::<(), clicktodial::RequestError>(())
    /// ```
    pub fn lint(&self) -> Vec<Lint> {
        self.lint_in(None)
    }

    /// Reads a link as given (a whole `https` link, or a query with or
    /// without its `?`) and lints it: everything
    /// [`lint`](ClickToDialRequest::lint) finds, plus white space around
    /// parameter names as written (`make_call.php? prefix=1`), each lint
    /// placed in the link by [`Lint::link_span`] (where it is about one
    /// place) and named by [`Lint::parameter`].
    ///
    /// The link is read as
    /// [`from_url_lenient`](ClickToDialRequest::from_url_lenient) (or
    /// [`from_query_lenient`](ClickToDialRequest::from_query_lenient) for a
    /// query) reads it: a malformed part of `ctl_userdata` does not stop the
    /// lint (those lenient readers report it), but a link they refuse (no
    /// valid `phone`, not `https`) is their error. Linear in the link.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{ClickToDialRequest, LintKind};
    ///
    /// let link = "https://vcc-na4.8x8.com/AGUI/make_call.php?%20prefix=1&phone=650-555-0100%20x12\
    ///             &ctl_userdata=%5Bsubject%7CCall%20Acme%5Bstatus%7Cdone%5D";
    /// let lints = ClickToDialRequest::lint_link(link)?;
    /// let found: Vec<_> = lints
    ///     .iter()
    ///     .map(|l| (l.kind, l.parameter().unwrap(), &link[l.link_span().unwrap()]))
    ///     .collect();
    /// assert_eq!(
    ///     found,
    ///     [
    ///         (LintKind::WhiteSpaceInParameterName, "prefix", "%20prefix"),
    ///         (LintKind::PhoneExtension, "phone", "x12"),
    ///         (LintKind::LostPairInValue, "ctl_userdata", "%5B"),
    ///     ]
    /// );
    /// # Ok::<(), clicktodial::RequestError>(())
    /// ```
    pub fn lint_link(link: &str) -> Result<Vec<Lint>, RequestError> {
        let (req, _) = if crate::request::link::is_whole_url(link) {
            ClickToDialRequest::from_url_lenient(link)?
        } else {
            ClickToDialRequest::from_query_lenient(link)?
        };
        let map = LinkMap::new(link);
        Ok(req.lint_in(Some((link, &map))))
    }

    /// Lints the request; with the link it was read from (and its map),
    /// also what only the link as written shows.
    pub(crate) fn lint_in(&self, link: Option<(&str, &LinkMap)>) -> Vec<Lint> {
        let map = link.map(|(_, m)| m);
        let param = |name: &str| map.and_then(|m| m.param(name));
        let mut lints = Lints::new(At::default());
        if let Some((text, map)) = link {
            written::unencoded_hash(&mut lints, text, map);
            written::unknown_parameters(&mut lints, map);
            written::raw_plus(&mut lints, text, map);
        }
        if let Some(map) = map {
            for p in map.params() {
                let trimmed = p.name().trim();
                if trimmed.is_empty() || trimmed == p.name() {
                    continue;
                }
                lints.at = At {
                    parameter: Some(trimmed),
                    userdata: false,
                    link: Some(p),
                };
                lints.push_placed(
                    LintKind::WhiteSpaceInParameterName,
                    None,
                    Some(p.name_span()),
                    || {
                        format!(
                            "parameter `{}` has white space around its name, as a wrapped line \
                             leaves; write `{}` (this crate trims it, other readers may not)",
                            Shown(p.name()),
                            Shown(trimmed)
                        )
                    },
                );
            }
        }
        // A request built by hand has not been through validation.
        let dial = [
            ("phone", Some(self.phone.as_str())),
            ("prefix", self.prefix.as_deref()),
            ("callerId", self.caller_id.as_deref()),
        ];
        for (name, value) in dial {
            if let Some(value) = value {
                lints.at = At {
                    parameter: Some(name),
                    userdata: false,
                    link: param(name),
                };
                merge_field(&mut lints, "parameter", name, value, None);
            }
        }
        lints.at = At {
            parameter: Some("phone"),
            userdata: false,
            link: param("phone"),
        };
        phone_extension(&mut lints, self);
        written::country_code_twice(&mut lints, self, link);
        if let Some(data) = &self.userdata {
            lints.at = At {
                parameter: Some("ctl_userdata"),
                userdata: true,
                link: param("ctl_userdata"),
            };
            lint_userdata(&mut lints, data);
        }
        if let Some(ext) = &self.ext_transaction_data {
            lints.at = At {
                parameter: Some("extTransactionData"),
                userdata: false,
                link: param("extTransactionData"),
            };
            for pair in ext.data().pairs() {
                let place = Place::of(pair);
                merge_field(
                    &mut lints,
                    "extTransactionData",
                    pair.name(),
                    pair.value(),
                    Some(&place),
                );
                white_space(&mut lints, pair, &place);
                lost_pairs(&mut lints, pair, &place);
            }
        }
        for (name, value) in &self.extra {
            lints.at = At {
                parameter: Some(name),
                userdata: false,
                link: param(name),
            };
            merge_field(&mut lints, "parameter", name, value, None);
        }
        lints.finish()
    }
}

/// A trailing extension in `phone`: it is not dialled.
fn phone_extension(lints: &mut Lints<'_>, req: &ClickToDialRequest) {
    let phone = req.phone.as_str();
    let (number, Some(extension)) = split_extension(phone) else {
        return;
    };
    // The marker and the digits: from the first non-space after the number
    // to the end of the digits.
    let after = phone.get(number.len()..).unwrap_or_default();
    let lead = after.len() - after.trim_start().len();
    let end = after
        .rfind(extension)
        .map_or(phone.len(), |i| number.len() + i + extension.len());
    let start = (number.len() + lead).min(end);
    lints.push(LintKind::PhoneExtension, Some(start..end), || {
        let digits = req.dial_string();
        format!(
            "`phone` `{}`: the extension `{extension}` is not dialled (the call goes to \
             `{digits}`); the agent dials it once the call is answered, so put it where the \
             agent sees it, e.g. `[extension|{extension}]` in ctl_userdata",
            Shown(phone)
        )
    });
}

impl UserData<'_> {
    /// Lints `ctl_userdata`: token mistakes and merge fields in every value,
    /// then the system data (unknown or duplicate names, settings that do
    /// nothing, a tenant-set `ctl_newRecordId`, a plain-`http` callback).
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{LintKind, UserData};
    /// let data = UserData::parse(
    ///     "[ctl_action|create][ctl_intType|sfdc][ctl_launchext|edit][note|$Notes$]",
    /// )?;
    /// let kinds: Vec<_> = data.lint().into_iter().map(|l| l.kind).collect();
    /// assert_eq!(
    ///     kinds,
    ///     [LintKind::UnknownToken, LintKind::LaunchExtWithoutLaunch, LintKind::CreateWithoutObjectType]
    /// );
    /// assert!(UserData::parse("[subject|Call $caller_id$]")?.lint().is_empty());
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn lint(&self) -> Vec<Lint> {
        let mut lints = Lints::new(At {
            parameter: None,
            userdata: true,
            link: None,
        });
        lint_userdata(&mut lints, self);
        lints.finish()
    }
}

fn lint_userdata(lints: &mut Lints<'_>, data: &UserData<'_>) {
    for pair in data.pairs() {
        let place = Place::of(pair);
        tokens(lints, pair, &place);
        merge_field(lints, "pair", pair.name(), pair.value(), Some(&place));
        white_space(lints, pair, &place);
        lost_pairs(lints, pair, &place);
    }
    duplicates(lints, data);
    system(lints, data);
}

/// Where a pair's parts lie in the text it was parsed from.
///
/// Decoding turns a 3-byte escape into one of `[`, `]`, `|`, `%`: decoded
/// text with none of those before a place was not shortened there, so its
/// offsets are the raw ones. Where that cannot be told, the span widens to
/// the value, then the pair.
struct Place {
    /// The pair, `[` to `]`.
    pair: Option<Range<usize>>,
    /// Whether nothing in the pair was decoded at all.
    plain: bool,
    /// Where the name starts, and the value (when the name's raw length is
    /// known).
    name_start: usize,
    value_start: Option<usize>,
}

fn may_be_decoded(text: &str) -> bool {
    text.bytes().any(|b| matches!(b, b'[' | b']' | b'|' | b'%'))
}

impl Place {
    fn of(pair: &Pair<'_>) -> Place {
        let Some(range) = pair.range() else {
            return Place {
                pair: None,
                plain: false,
                name_start: 0,
                value_start: None,
            };
        };
        let plain = pair.name().len() + pair.value().len() + 3 == range.len();
        let name_start = range.start + 1;
        let value_start =
            (plain || !may_be_decoded(pair.name())).then(|| name_start + pair.name().len() + 1);
        Place {
            pair: Some(range),
            plain,
            name_start,
            value_start,
        }
    }

    /// The span of `value[at]`, in the input.
    fn in_value(&self, value: &str, at: Range<usize>) -> Option<Range<usize>> {
        let pair = self.pair.clone()?;
        match self.value_start {
            Some(start) if self.plain || !value.get(..at.end).is_some_and(may_be_decoded) => {
                Some(start + at.start..start + at.end)
            }
            Some(start) => Some(start..pair.end.saturating_sub(1).max(start)),
            None => Some(pair),
        }
    }

    /// The span of `name[at]`, in the input.
    fn in_name(&self, name: &str, at: Range<usize>) -> Option<Range<usize>> {
        let pair = self.pair.clone()?;
        if self.plain || !name.get(..at.end).is_some_and(may_be_decoded) {
            Some(self.name_start + at.start..self.name_start + at.end)
        } else {
            Some(pair)
        }
    }
}

/// The identifier after a `$`: ASCII letters, digits and `_`.
fn identifier(text: &str) -> &str {
    let end = text
        .bytes()
        .position(|b| !(b.is_ascii_alphanumeric() || b == b'_'))
        .unwrap_or(text.len());
    text.get(..end).unwrap_or_default()
}

/// What the lint found at one literal `$` of a value.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Found<'v> {
    /// `$word` with no closing `$`, `word` a token name.
    Unterminated(&'v str),
    /// `$word$`, `word` no token name.
    Unknown(&'v str),
}

/// Scans one value with the expander's scanner: the tokens it expands go to
/// `on_token`; each `$` it keeps as literal text is looked at, and what it
/// starts, if a mistake, goes to `on_found` with its byte range.
fn scan_value<'v>(
    value: &'v str,
    mut on_token: impl FnMut(Range<usize>, Token),
    mut on_found: impl FnMut(Range<usize>, Found<'v>),
) {
    let bytes = value.as_bytes();
    let look = |from: usize, to: usize, on_found: &mut dyn FnMut(Range<usize>, Found<'v>)| {
        let mut at = from;
        while let Some(i) = bytes
            .get(at..to)
            .and_then(|rest| memchr::memchr(b'$', rest))
            .map(|i| at + i)
        {
            at = i + 1;
            let after = value.get(i + 1..).unwrap_or_default();
            let word = identifier(after);
            let starts_alpha = word
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_');
            if !starts_alpha {
                continue;
            }
            // The closing `$` may be the opening `$` of a token.
            let closed = after.as_bytes().get(word.len()) == Some(&b'$');
            if closed {
                on_found(i..i + word.len() + 2, Found::Unknown(word));
            } else if Token::from_name(word).is_some() {
                on_found(i..i + word.len() + 1, Found::Unterminated(word));
            }
        }
    };
    let tail = scan(value, |literal_start, open, token| {
        look(literal_start, open, &mut on_found);
        on_token(open..open + token.name().len() + 2, token);
    });
    look(tail, value.len(), &mut on_found);
}

/// Where text in a value may not be quoted: before the last `@` of a
/// `ctl_callbackUrl` (the URL's user info, or text that may hold it).
fn secret_until(name: &str, value: &str) -> usize {
    if known_system_name(name) == Some("ctl_callbackUrl") {
        value.rfind('@').unwrap_or(0)
    } else {
        0
    }
}

/// Unterminated and unknown tokens in one value, at most
/// [`Lint::MAX_PER_VALUE`] of each kind and a summary.
fn tokens(lints: &mut Lints<'_>, pair: &Pair<'_>, place: &Place) {
    let (name, value) = (pair.name(), pair.value());
    if memchr::memchr(b'$', value.as_bytes()).is_none() {
        return;
    }
    let secret = secret_until(name, value);
    let mut counts = [0usize; 2];
    scan_value(
        value,
        |_, _| {},
        |at, found| {
            let (kind, count) = match found {
                Found::Unterminated(_) => (LintKind::UnterminatedToken, &mut counts[0]),
                Found::Unknown(_) => (LintKind::UnknownToken, &mut counts[1]),
            };
            *count += 1;
            if *count > Lint::MAX_PER_VALUE {
                return;
            }
            let span = place.in_value(value, at.clone());
            let hidden = at.start < secret;
            lints.push(kind, span, || match found {
                _ if hidden => format!(
                    "`{}`: {} in the URL's user info (not shown); it stays literal text",
                    Shown(name),
                    match kind {
                        LintKind::UnterminatedToken => "a token with no closing `$`",
                        _ => "an unknown token",
                    }
                ),
                Found::Unterminated(word) => format!(
                    "`{}`: `${}` has no closing `$` and stays literal text; write `${}$`",
                    Shown(name),
                    word,
                    word
                ),
                Found::Unknown(word) => {
                    let hint = Token::ALL
                        .iter()
                        .find(|t| t.name().eq_ignore_ascii_case(word))
                        .map(|t| {
                            format!(
                                "; did you mean `${}$`? (token names are case-sensitive)",
                                t.name()
                            )
                        })
                        .unwrap_or_else(|| "; it stays literal text".to_owned());
                    format!(
                        "`{}`: `${}$` is not a known token{hint}",
                        Shown(name),
                        Shown(word)
                    )
                }
            });
        },
    );
    for (kind, count) in [
        (LintKind::UnterminatedToken, counts[0]),
        (LintKind::UnknownToken, counts[1]),
    ] {
        value_summary(lints, kind, name, place, count);
    }
}

/// `{!…}` left in a name or value: one lint for the first.
fn merge_field(lints: &mut Lints<'_>, what: &str, name: &str, value: &str, place: Option<&Place>) {
    for (in_name, text) in [(true, name), (false, value)] {
        let Some(start) = memchr::memmem::find(text.as_bytes(), b"{!") else {
            continue;
        };
        let end = memchr::memchr(b'}', text.as_bytes().get(start..).unwrap_or_default())
            .map_or(start + 2, |e| start + e + 1);
        let field = text.get(start..end).unwrap_or("{!");
        let hidden = !in_name && start < secret_until(name, value);
        let message = || {
            let field = if hidden {
                "(in the URL's user info, not shown)".to_owned()
            } else {
                format!("`{}`", Shown(field))
            };
            format!(
                "{what} `{}`: the CRM merge field {field} was not filled in; \
                 build the link where the CRM expands merge fields (a custom link or formula field)",
                Shown(name)
            )
        };
        match place {
            Some(p) => {
                let span = if in_name {
                    p.in_name(name, start..end)
                } else {
                    p.in_value(value, start..end)
                };
                lints.push(LintKind::UnexpandedMergeField, span, message);
            }
            // With no place, the text is a request parameter's name (placed
            // as a whole: names are not mapped byte by byte) or its decoded
            // value.
            None if in_name => {
                let link = lints.at.link.map(LinkParam::name_span);
                lints.push_placed(LintKind::UnexpandedMergeField, None, link, message);
            }
            None => lints.push(LintKind::UnexpandedMergeField, Some(start..end), message),
        }
        return;
    }
}

/// ASCII white space as wrapped lines leave it.
fn is_wrap_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Pushes the summary of a value's lints of `kind` past
/// [`Lint::MAX_PER_VALUE`].
fn value_summary(lints: &mut Lints<'_>, kind: LintKind, name: &str, place: &Place, count: usize) {
    if count > Lint::MAX_PER_VALUE {
        let more = count - Lint::MAX_PER_VALUE;
        lints.push(kind, place.pair.clone(), || {
            format!(
                "`{}`: {more} more {} in this value not shown",
                Shown(name),
                kind.plural()
            )
        });
    }
}

/// White space from wrapped lines: around the pair's name, and in its
/// value at its start or end, or a run of white space holding a space or
/// tab (`call  answered`, a line break and indentation). A lone line break
/// (`%0A`, meant) is no finding.
fn white_space(lints: &mut Lints<'_>, pair: &Pair<'_>, place: &Place) {
    let (name, value) = (pair.name(), pair.value());
    if name.trim() != name && !name.trim().is_empty() {
        let span = place.in_name(name, 0..name.len());
        lints.push(LintKind::WhiteSpaceInParameterName, span, || {
            format!(
                "pair name `{}` has white space around it, as a wrapped line leaves, so it is \
                 not `{}`; remove the white space",
                Shown(name),
                Shown(name.trim())
            )
        });
    }
    let bytes = value.as_bytes();
    let mut count = 0;
    let mut at = 0;
    // Each run of white space in turn, from its first byte to the next
    // byte that is none (or the end). `at` only grows, and the scan ends
    // where no white space is left.
    while let Some(start) = bytes
        .get(at..)
        .and_then(|rest| rest.iter().position(|&b| is_wrap_space(b)))
        .map(|i| at + i)
    {
        let end = bytes
            .get(start..)
            .and_then(|rest| rest.iter().position(|&b| !is_wrap_space(b)))
            .map_or(bytes.len(), |i| start + i);
        at = end;
        let run = bytes.get(start..end).unwrap_or_default();
        let spaced = run.iter().any(|&b| b == b' ' || b == b'\t');
        let what = if start == 0 {
            "white space at the start of the value"
        } else if end == bytes.len() {
            "white space at the end of the value"
        } else if run.len() >= 2 && spaced && run.iter().any(|&b| b == b'\n' || b == b'\r') {
            "a line break with indentation in the value"
        } else if run.len() >= 2 && spaced {
            "a run of white space in the value"
        } else {
            continue;
        };
        count += 1;
        if count > Lint::MAX_PER_VALUE {
            continue;
        }
        let span = place.in_value(value, start..end);
        lints.push(LintKind::WhiteSpaceInValue, span, || {
            format!(
                "`{}`: {what} ({} bytes), as a wrapped line pasted into the link leaves; \
                 remove it (write `%0A` where a line break is meant)",
                Shown(name),
                run.len()
            )
        });
    }
    value_summary(lints, LintKind::WhiteSpaceInValue, name, place, count);
}

/// The name of a pair that lost its `]`: letters, digits, `_ . -`.
fn is_pair_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')
}

/// A `[` in a value followed by a name and `|`: a pair that lost the `]`
/// before it. Linear: the name scan after a `[` stops at the next `[`.
fn lost_pairs(lints: &mut Lints<'_>, pair: &Pair<'_>, place: &Place) {
    let (name, value) = (pair.name(), pair.value());
    let bytes = value.as_bytes();
    let secret = secret_until(name, value);
    let mut count = 0;
    for open in memchr::memchr_iter(b'[', bytes) {
        let word = bytes
            .get(open + 1..)
            .unwrap_or_default()
            .iter()
            .take_while(|&&b| is_pair_name_byte(b))
            .count();
        if word == 0 || bytes.get(open + 1 + word) != Some(&b'|') {
            continue;
        }
        count += 1;
        if count > Lint::MAX_PER_VALUE {
            continue;
        }
        let lost = value.get(open + 1..open + 1 + word).unwrap_or_default();
        let hidden = open < secret;
        let span = place.in_value(value, open..open + 1);
        lints.push(LintKind::LostPairInValue, span, || {
            let shown = if hidden {
                "a `[name|` (in the URL's user info, not shown)".to_owned()
            } else {
                format!("`[{}|`", Shown(lost))
            };
            format!(
                "`{}`: {shown} inside the value looks like a pair whose `]` before it is lost; \
                 end the pair before it with `]`, or, if the `[` belongs to the value, write it \
                 `%5B` (`%255B` in a link)",
                Shown(name)
            )
        });
    }
    value_summary(lints, LintKind::LostPairInValue, name, place, count);
}

/// A name as the duplicate check compares it: exactly for user data, in any
/// ASCII case for system data (which is matched in any case).
#[derive(Clone, Copy)]
struct Key<'a>(&'a str);

impl Key<'_> {
    fn folds(&self) -> bool {
        is_system_name(self.0)
    }
}

// `duplicates` compares names only where their hashes are equal, so `eq`
// decides only on a hash collision: replacing it by `true` is a mutant no
// test can notice (one would need a 64-bit collision under a random key).
impl PartialEq for Key<'_> {
    fn eq(&self, other: &Self) -> bool {
        if self.folds() {
            self.0.eq_ignore_ascii_case(other.0)
        } else {
            self.0 == other.0
        }
    }
}

impl Eq for Key<'_> {}

impl Hash for Key<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        if self.folds() {
            for b in self.0.bytes() {
                state.write_u8(b.to_ascii_lowercase());
            }
            state.write_u8(0xff);
        } else {
            self.0.hash(state);
        }
    }
}

/// Names given more than once: one lint per name, pointing at (and in the
/// order of) the name's second pair. Linear in the pairs, with no copy of
/// any name: the map holds a 64-bit keyed hash of each distinct name and two
/// counters (17 bytes a slot). Two different names with the same hash (odds
/// of 2^-64 a pair, with a key an attacker cannot know) would hide the
/// later name's duplicates; a lint is never reported for names that differ.
fn duplicates(lints: &mut Lints<'_>, data: &UserData<'_>) {
    let hasher = RandomState::new();
    // hash -> (index of the first pair with the name, count)
    let mut seen: HashMap<u64, (u32, u32)> = HashMap::with_capacity(data.pairs().len());
    let same = |a: usize, b: &str| data.pairs().get(a).is_some_and(|p| Key(p.name()) == Key(b));
    for (i, pair) in data.pairs().iter().enumerate() {
        let i = u32::try_from(i).unwrap_or(u32::MAX);
        let entry = seen
            .entry(hasher.hash_one(Key(pair.name())))
            .or_insert((i, 0));
        if same(entry.0 as usize, pair.name()) {
            entry.1 = entry.1.saturating_add(1);
        }
    }
    for (i, pair) in data.pairs().iter().enumerate() {
        let Some(entry) = seen.get_mut(&hasher.hash_one(Key(pair.name()))) else {
            continue;
        };
        let (first, count) = *entry;
        if count < 2 || first as usize >= i || !same(first as usize, pair.name()) {
            continue;
        }
        // Reported: the next pairs with this name are skipped.
        entry.1 = 0;
        lints.push(LintKind::DuplicateName, pair.range(), || {
            format!(
                "`{}` is given {count} times; only the last one counts, so remove the others",
                Shown(pair.name())
            )
        });
    }
}

/// Edit distance in any ASCII case (`strsim`'s Levenshtein), for
/// suggesting the known name an unknown one was meant as.
fn distance(a: &str, b: &str) -> usize {
    strsim::levenshtein(&a.to_ascii_lowercase(), &b.to_ascii_lowercase())
}

/// The known system name `name` is closest to, within 3 edits.
fn nearest_known(name: &str) -> Option<&'static str> {
    SYSTEM_NAMES
        .iter()
        // Names whose lengths differ by more than 3 are more than 3 apart.
        .filter(|k| name.len().abs_diff(k.len()) <= 3)
        .map(|k| (distance(name, k), *k))
        .min()
        .filter(|(d, _)| *d <= 3)
        .map(|(_, k)| k)
}

/// The system data, read from the pairs in place (later pairs win, as in
/// [`SystemData`](crate::SystemData)), with no copy of any value.
fn system(lints: &mut Lints<'_>, data: &UserData<'_>) {
    let mut last: [Option<&Pair<'_>>; SYSTEM_NAMES.len()] = [None; SYSTEM_NAMES.len()];
    let mut has_launchext = None;
    for pair in data.pairs() {
        let name = pair.name();
        if !is_system_name(name) {
            continue;
        }
        let place = Place::of(pair);
        let Some(key) = known_system_name(name) else {
            let span = place.in_name(name, 0..name.len());
            lints.push(LintKind::UnknownSystemName, span, || {
                let near = nearest_known(name)
                    .map(|k| format!("; did you mean `{k}`?"))
                    .unwrap_or_else(|| {
                        "; names starting with `ctl_` are system data and never reach the CRM"
                            .to_owned()
                    });
                format!("`{}` is not a known system name{near}", Shown(name))
            });
            continue;
        };
        if let Some(slot) = SYSTEM_NAMES
            .iter()
            .position(|k| *k == key)
            .and_then(|i| last.get_mut(i))
        {
            *slot = Some(pair);
        }
        let value = pair.value();
        if key == "ctl_launchopt"
            && !value.eq_ignore_ascii_case("true")
            && !value.eq_ignore_ascii_case("false")
        {
            lints.push(LintKind::InvalidSystemValue, place.pair.clone(), || {
                format!(
                    "`{}` takes `true` or `false`; it reads as `false`",
                    Shown(name)
                )
            });
        }
        if key == "ctl_launchext" {
            has_launchext = Some(pair);
        }
    }
    let get = |key: &str| {
        SYSTEM_NAMES
            .iter()
            .position(|k| *k == key)
            .and_then(|i| last.get(i).copied().flatten())
    };
    let span = |pair: &Pair<'_>| pair.range();
    let action = get("ctl_action");
    let integration = get("ctl_intType");
    if let (Some(action), None) = (action, integration) {
        lints.push(LintKind::ActionWithoutIntegration, span(action), || {
            "`ctl_action` without `ctl_intType` is ignored; add `[ctl_intType|sfdc]`".to_owned()
        });
    }
    let launch = get("ctl_launchopt").is_some_and(|p| p.value().eq_ignore_ascii_case("true"));
    if let (Some(ext), false) = (has_launchext, launch) {
        lints.push(LintKind::LaunchExtWithoutLaunch, span(ext), || {
            "`ctl_launchext` has no effect unless `ctl_launchopt` is true; add `[ctl_launchopt|true]`"
                .to_owned()
        });
    }
    if let Some(record) = get("ctl_newRecordId") {
        lints.push(LintKind::TenantSetNewRecordId, span(record), || {
            "`ctl_newRecordId` is written by the contact center after a create; the one given \
             here is dropped, so remove it"
                .to_owned()
        });
    }
    if let Some(callback) = get("ctl_callbackUrl") {
        callback_url(lints, callback);
    }
    let creates = action.is_some_and(|p| p.value().eq_ignore_ascii_case("create"))
        && integration.is_some_and(|p| p.value().eq_ignore_ascii_case("sfdc"));
    if creates && crate::payload::sfdc::object_type(data).is_none() {
        lints.push(
            LintKind::CreateWithoutObjectType,
            action.and_then(span),
            || {
                "`ctl_action=create` for sfdc needs the object to create; add e.g. `[ObjectType|Task]`"
                    .to_owned()
            },
        );
    }
}

/// The `ctl_callbackUrl` that counts: plain http, and tokens where call data
/// may not go.
fn callback_url(lints: &mut Lints<'_>, pair: &Pair<'_>) {
    let url = pair.value();
    let place = Place::of(pair);
    let scheme: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take(5)
        .collect();
    if scheme.eq_ignore_ascii_case("http:") {
        lints.push(LintKind::InsecureCallbackUrl, place.pair.clone(), || {
            format!(
                "`ctl_callbackUrl` `{}` uses plain http, so the call data travels unencrypted; use https",
                Shown(&redact_userinfo(url))
            )
        });
    }
    callback_query_names(lints, pair, &place);
    callback_host_merge_field(lints, pair, &place);
    if let Some(m) = misplaced_token(url) {
        let span = place.in_value(url, m.range.clone());
        // Before the last `@` (a token's `$` is none): maybe user info.
        let hidden = url.get(m.range.start..).is_some_and(|r| r.contains('@'));
        lints.push(LintKind::CallbackUrlToken, span, || {
            let token = if hidden {
                "a token (not shown)".to_owned()
            } else {
                format!("`${}$`", m.token.name())
            };
            format!(
                "`ctl_callbackUrl`: {token} is in the {}, and call data may not decide where a \
                 callback goes, so the callback is refused; put tokens in the path or a query value",
                m.part
            )
        });
    }
}

/// Query parameters of `ctl_callbackUrl` whose names, decoded, have white
/// space around them (Example 3 as printed: `callback?%20%20transaction=`).
fn callback_query_names(lints: &mut Lints<'_>, pair: &Pair<'_>, place: &Place) {
    let url = pair.value();
    let Some(query) = link::url_query(url) else {
        return;
    };
    let secret = secret_until(pair.name(), url);
    let mut count = 0;
    link::split(url, query, |name_span, _| {
        let name = link::decode(url, name_span.clone(), false, None);
        let trimmed = name.trim();
        if trimmed.is_empty() || trimmed == name {
            return;
        }
        count += 1;
        if count > Lint::MAX_PER_VALUE {
            return;
        }
        let hidden = name_span.start < secret;
        let span = place.in_value(url, name_span.clone());
        lints.push(LintKind::WhiteSpaceInParameterName, span, || {
            if hidden {
                return "`ctl_callbackUrl`: a query parameter (not shown: the URL may hold a \
                        password) has white space around its name; remove it"
                    .to_owned();
            }
            format!(
                "`ctl_callbackUrl`: the query parameter `{}` has white space around its name, as \
                 a wrapped line leaves, so the callback's receiver gets no `{}`; write `{}`",
                Shown(&name),
                Shown(trimmed),
                Shown(trimmed)
            )
        });
    });
    value_summary(
        lints,
        LintKind::WhiteSpaceInParameterName,
        pair.name(),
        place,
        count,
    );
}

/// A CRM merge field in the host (or port) of `ctl_callbackUrl`.
fn callback_host_merge_field(lints: &mut Lints<'_>, pair: &Pair<'_>, place: &Place) {
    let url = pair.value();
    let Some(Range {
        start: host,
        end: authority_end,
    }) = template::host_range(url)
    else {
        return;
    };
    let bytes = url.as_bytes();
    let Some(start) = bytes
        .get(host..authority_end)
        .and_then(|h| memchr::memmem::find(h, b"{!"))
        .map(|i| host + i)
    else {
        return;
    };
    let end = memchr::memchr(b'}', bytes.get(start..).unwrap_or_default())
        .map_or(authority_end, |e| start + e + 1);
    // Before the last `@` (a `{` is none): maybe user info.
    let hidden = url.get(start..).is_some_and(|r| r.contains('@'));
    let field = url.get(start..end).unwrap_or("{!");
    let span = place.in_value(url, start..end);
    lints.push(LintKind::MergeFieldInCallbackHost, span, || {
        let field = if hidden {
            "a merge field (not shown)".to_owned()
        } else {
            format!("the merge field `{}`", Shown(field))
        };
        format!(
            "`ctl_callbackUrl`: {field} is in the URL's host, so a CRM record would choose where \
             the call data is posted; write the host itself and put record values in the path \
             or a query value"
        )
    });
}

/// A URL as shown in a message: through the crate's one redactor,
/// [`crate::redact::url`].
fn redact_userinfo(text: &str) -> String {
    crate::redact::url(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Template;
    use proptest::prelude::*;

    /// Values made of token names, `$`, identifier text and other bytes.
    fn value() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("$".to_owned()),
            Just("$$".to_owned()),
            prop::sample::select(Token::ALL.to_vec()).prop_map(|t| t.name().to_owned()),
            prop::sample::select(Token::ALL.to_vec()).prop_map(|t| format!("${}$", t.name())),
            "[a-zA-Z_0-9]{0,4}",
            "\\PC{0,3}",
        ];
        prop::collection::vec(piece, 0..12).prop_map(|p| p.concat())
    }

    proptest! {
        #[test]
        fn the_lints_known_tokens_are_the_templates(value in value()) {
            let mut known = Vec::new();
            let mut token_bytes = Vec::new();
            let mut found = Vec::new();
            scan_value(
                &value,
                |at, token| {
                    known.push(token);
                    token_bytes.push(at);
                },
                |at, f| found.push((at, f)),
            );
            let template: Vec<Token> = Template::compile(&value).tokens().collect();
            prop_assert_eq!(&known, &template);
            for (at, token) in token_bytes.iter().zip(&known) {
                let written = format!("${}$", token.name());
                prop_assert_eq!(value.get(at.clone()), Some(written.as_str()));
            }
            // A mistake starts at a `$` the expander kept as literal text.
            for (at, f) in &found {
                prop_assert!(!token_bytes.iter().any(|t| t.contains(&at.start)), "{:?} in a token", f);
                prop_assert_eq!(value.as_bytes().get(at.start), Some(&b'$'));
                let word = match f { Found::Unterminated(w) | Found::Unknown(w) => *w };
                prop_assert!(Token::from_name(word).is_some() != matches!(f, Found::Unknown(_)));
            }
        }

        #[test]
        fn every_lint_is_one_line_bounded_and_in_the_text(
            pairs in prop::collection::vec(("(ctl_)?\\PC{0,6}", value()), 0..6),
        ) {
            let text: String = pairs
                .iter()
                .map(|(n, v)| format!("[{}|{}]", n.replace(['|', ']'], ""), v.replace(']', "")))
                .collect();
            let Ok(data) = UserData::parse(&text) else { return Ok(()); };
            for lint in data.lint() {
                let line_break = lint.message.chars().any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}'));
                prop_assert!(!line_break, "{:?}", lint.message);
                prop_assert!(lint.message.len() <= Lint::MAX_MESSAGE_LEN);
                if let Some(span) = lint.span() {
                    prop_assert!(text.get(span.clone()).is_some(), "{:?} in {:?}", span, text);
                }
            }
        }
    }

    #[test]
    fn edit_distance() {
        assert_eq!(distance("ctl_launchopts", "ctl_launchopt"), 1);
        assert_eq!(distance("CTL_ACTON", "ctl_action"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("abc", ""), 3);
        assert_eq!(distance("abc", "abc"), 0);
        assert_eq!(distance("kitten", "sitting"), 3);
    }

    #[test]
    fn bounded_messages_end_on_a_character_boundary() {
        for pad in 0..4 {
            let long = format!("{}{}", "a".repeat(pad), "\u{e9}\u{20ac}".repeat(200));
            let cut = bounded(long.clone());
            assert!(cut.len() <= Lint::MAX_MESSAGE_LEN, "{pad}: {}", cut.len());
            assert!(
                cut.len() > Lint::MAX_MESSAGE_LEN - 8,
                "{pad}: {}",
                cut.len()
            );
            let kept = cut.strip_suffix('\u{2026}').unwrap();
            assert!(long.starts_with(kept));
        }
        let short = "x".repeat(Lint::MAX_MESSAGE_LEN);
        assert_eq!(bounded(short.clone()), short);
    }

    #[test]
    fn userinfo_is_never_shown() {
        assert_eq!(
            redact_userinfo("http://u:secret@example.com/cb?id=1"),
            "http://example.com/cb?id=…"
        );
        assert_eq!(
            redact_userinfo("http://example.com/a@b"),
            "http://example.com/a@b"
        );
        // Forms a browser reads as user info, without `://`.
        for odd in [
            "http:u:SECRET@x.com/",
            "http:/u:SECRET@x.com/",
            r"http:\\u:SECRET@x.com/",
            "http://$host$:SECRET@x",
        ] {
            let shown = redact_userinfo(odd);
            assert!(!shown.contains("SECRET"), "{odd} -> {shown}");
        }
        // Not a URL: not shown.
        assert_eq!(redact_userinfo("http://[x\n"), "(not shown: not a URL)");
    }
}
