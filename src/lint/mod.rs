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

mod callback;
mod request;
mod system;
mod template;
mod values;
mod written;

#[cfg(doc)]
use crate::request::ClickToDialRequest;
use system::{duplicates, system_data};
use values::{lost_pairs, merge_field, tokens, white_space, Place};

use std::fmt;
use std::hash::Hash;
use std::ops::Range;

use crate::request::link::LinkParam;
use crate::userdata::UserData;

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

pub(super) fn lint_userdata(lints: &mut Lints<'_>, data: &UserData<'_>) {
    for pair in data.pairs() {
        let place = Place::of(pair);
        tokens(lints, pair, &place);
        merge_field(lints, "pair", pair.name(), pair.value(), Some(&place));
        white_space(lints, pair, &place);
        lost_pairs(lints, pair, &place);
    }
    duplicates(lints, data);
    system_data(lints, data);
}

#[cfg(test)]
mod tests {
    use super::callback::redact_userinfo;
    use super::system::distance;
    use super::values::{scan_value, Found};
    use super::*;
    use crate::token::table::Token;
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
