//! The call a value is expanded for ([`CallContext`]), its transaction codes
//! ([`TransactionCode`]), and the token values formatted from it
//! ([`TokenValues`]).
//!
//! # What each token expands to
//!
//! | token | value |
//! |---|---|
//! | `caller_id`, `transaction_id`, `interaction_guid`, `notes` | the context's field, as is |
//! | `call_answered_time`, `call_hangup_time` | Unix seconds (UTC, whole seconds, negative before 1970); `0` when that time is `None` |
//! | `callAnsweredTenantTT`, `callHangupTenantTT` | `YYYY/MM/DD HH:mm:ss Z` in [`tenant_tz`](CallContext::tenant_tz), `Z` as `-0800` (chrono's `%Y/%m/%d %H:%M:%S %z`); empty when that time is `None` |
//! | `callDuration` | `HH:MM:SS` from answer to hang-up; hours are not wrapped at 24 (`27:03:09`) and grow past two digits when they must; `00:00:00` when either time is `None` or the hang-up is before the answer |
//! | `equal` | `=` |
//! | `year`, `month`, `date`, `hours`, `minutes`, `seconds` | [`now`](CallContext::now) in the tenant zone: `YYYY`, `MM`, `DD`, `HH` (24 h), `MM`, `SS`, zero-padded |
//! | `transaction_codes` | `list:short` for each code, in order, joined by `,` (no spaces); empty when there is none |
//! | `lastTclListName`, `lastTclCodeDesc`, `lastTclCodeShort` | the last code's `list_name`, `description`, `short_code`; empty when there is none |
//!
//! Decisions the vendor text leaves open:
//!
//! - A call is established when it was answered (`answered_at` is `Some`).
//!   A call that was never answered has no call times at all, even if it has
//!   a hang-up time (an abandoned dial): `0`, empty and `00:00:00`. An
//!   answered call with no hang-up time yet expands `$call_answered_time$`
//!   to the answer time and the hang-up tokens as not established.
//! - Unix seconds are whole seconds, rounded down (`timestamp()`), and the
//!   duration is the difference of those whole seconds, so
//!   `$callDuration$` always agrees with
//!   `$call_hangup_time$ - $call_answered_time$`.
//! - The tenant-zone offset is the one in force at that instant, so a time
//!   on either side of a daylight-saving change carries its own offset
//!   (`-0800` in winter and `-0700` in summer in `America/Los_Angeles`).
//!   Offsets with seconds (historical local mean time) are rounded to the
//!   minute, as chrono's `%z` does. Years outside `0000..=9999` are written
//!   with a sign (`+10000`), again as chrono's `%Y` does.
//! - In the (theoretical) case that a time shifted into the tenant zone
//!   falls outside chrono's range (±262,000 years), it is written in UTC
//!   with `+0000`, instead of failing.
//! - Values are inserted exactly as they are: nothing in them is escaped,
//!   and tokens in them are never expanded again.
//!
//! # No silent 1970
//!
//! `CallContext` keeps its public fields and its `Default` (API.md), so
//! `CallContext { caller_id, ..CallContext::default() }` still compiles.
//! But that `Default` puts `now` at the Unix epoch, and a context built that
//! way without setting `now` used to date every call 1970 (`1969-12-31` in
//! New York) and send it to the CRM with no error. The crate never reads the
//! clock, so it cannot fill `now` in; it can refuse to use an epoch it did
//! not get:
//!
//! - [`CallContext::new`] takes `now` and the tenant zone, the two things
//!   a context needs to date anything; build contexts with it.
//! - [`CallContext::now_is_unset`] says the context is still at the epoch.
//! - [`try_expand`](crate::try_expand),
//!   [`Template::try_expand`](crate::Template::try_expand) and
//!   [`UserData::try_expand`](crate::UserData::try_expand) refuse, with an
//!   [`ExpandError`](crate::ExpandError) that names the token (and the
//!   pair), to expand `$year$` `$month$` `$date$` `$hours$` `$minutes$`
//!   `$seconds$` from such a context. A value without those tokens expands
//!   as ever.
//!
//! The plain `expand` functions keep their meaning (they cannot fail, and
//! their signatures are fixed): they are the way to say "the epoch is what I
//! mean". A real call at exactly 1970-01-01T00:00:00Z is not a case a
//! contact center meets.

use std::borrow::Cow;
use std::fmt;
use std::fmt::Write as _;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDateTime, Offset, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

use crate::token::table::Token;

/// What the contact center knows about a call when it expands tokens.
///
/// Time comes only from here (never from the system clock): `now` is the
/// instant `$year$` … `$seconds$` describe, and `tenant_tz` the zone they and
/// the `…TenantTT` tokens are written in.
///
/// # Token values
///
/// | token | value |
/// |---|---|
/// | `caller_id`, `transaction_id`, `interaction_guid`, `notes` | the context's field, as is |
/// | `call_answered_time`, `call_hangup_time` | Unix seconds (UTC, whole seconds, negative before 1970); `0` when that time is `None` |
/// | `callAnsweredTenantTT`, `callHangupTenantTT` | `YYYY/MM/DD HH:mm:ss Z` in [`tenant_tz`](CallContext::tenant_tz), `Z` as `-0800` (chrono's `%Y/%m/%d %H:%M:%S %z`); empty when that time is `None` |
/// | `callDuration` | `HH:MM:SS` from answer to hang-up; hours are not wrapped at 24 (`27:03:09`) and grow past two digits when they must; `00:00:00` when either time is `None` or the hang-up is before the answer |
/// | `equal` | `=` |
/// | `year`, `month`, `date`, `hours`, `minutes`, `seconds` | [`now`](CallContext::now) in the tenant zone: `YYYY`, `MM`, `DD`, `HH` (24 h), `MM`, `SS`, zero-padded |
/// | `transaction_codes` | `list:short` for each code, in order, joined by `,` (no spaces); empty when there is none |
/// | `lastTclListName`, `lastTclCodeDesc`, `lastTclCodeShort` | the last code's `list_name`, `description`, `short_code`; empty when there is none |
///
/// Decisions the vendor text leaves open:
///
/// - A call is established when it was answered (`answered_at` is `Some`).
///   A call that was never answered has no call times at all, even if it has
///   a hang-up time (an abandoned dial): `0`, empty and `00:00:00`. An
///   answered call with no hang-up time yet expands `$call_answered_time$`
///   to the answer time and the hang-up tokens as not established.
/// - Unix seconds are whole seconds, rounded down (`timestamp()`), and the
///   duration is the difference of those whole seconds, so
///   `$callDuration$` always agrees with
///   `$call_hangup_time$ - $call_answered_time$`.
/// - The tenant-zone offset is the one in force at that instant, so a time
///   on either side of a daylight-saving change carries its own offset
///   (`-0800` in winter and `-0700` in summer in `America/Los_Angeles`).
///   Offsets with seconds (historical local mean time) are rounded to the
///   minute, as chrono's `%z` does. Years outside `0000..=9999` are written
///   with a sign (`+10000`), again as chrono's `%Y` does.
/// - In the (theoretical) case that a time shifted into the tenant zone
///   falls outside chrono's range (±262,000 years), it is written in UTC
///   with `+0000`, instead of failing.
/// - Values are inserted exactly as they are: nothing in them is escaped,
///   and tokens in them are never expanded again.
///
/// `Default` is an empty context: empty strings, no call (`answered_at` and
/// `hangup_at` are `None`), `now` at the Unix epoch, the zone UTC, no
/// transaction codes. Prefer [`CallContext::new`], which takes `now` and
/// the zone, and the checked [`try_expand`](crate::try_expand) family: with
/// `..CallContext::default()` and no `now`, the date tokens would say 1970
/// (see the module docs, "No silent 1970").
///
/// # Example
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use clicktodial::{expand, CallContext, TransactionCode};
///
/// let ctx = CallContext {
///     caller_id: "5251990".into(),
///     answered_at: Some(Utc.with_ymd_and_hms(2024, 1, 15, 18, 0, 0).unwrap()),
///     hangup_at: Some(Utc.with_ymd_and_hms(2024, 1, 15, 18, 4, 30).unwrap()),
///     now: Utc.with_ymd_and_hms(2024, 1, 15, 18, 5, 0).unwrap(),
///     tenant_tz: chrono_tz::America::Los_Angeles,
///     transaction_codes: vec![TransactionCode {
///         list_name: "Sales".into(),
///         short_code: "WON".into(),
///         description: "Closed won".into(),
///     }],
///     ..Default::default()
/// };
/// assert_eq!(
///     expand("$callAnsweredTenantTT$ for $callDuration$ ($lastTclCodeDesc$)", &ctx),
///     "2024/01/15 10:00:00 -0800 for 00:04:30 (Closed won)"
/// );
/// assert_eq!(expand("$year$-$month$-$date$ by $caller_id$", &ctx), "2024-01-15 by 5251990");
/// ```
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CallContext {
    /// The caller ID the outbound call was made with (`$caller_id$`).
    pub caller_id: String,
    /// The call's transaction ID (`$transaction_id$`).
    pub transaction_id: String,
    /// The interaction GUID (`$interaction_guid$`).
    pub interaction_guid: String,
    /// When the call was answered; `None`: not established.
    pub answered_at: Option<DateTime<Utc>>,
    /// When the call was hung up; `None`: not established. Ignored when
    /// `answered_at` is `None` (a call never answered was not established).
    pub hangup_at: Option<DateTime<Utc>>,
    /// The current instant, for `$year$` … `$seconds$`.
    pub now: DateTime<Utc>,
    /// The tenant's time zone.
    pub tenant_tz: Tz,
    /// The transaction codes the agent selected, in selection order.
    pub transaction_codes: Vec<TransactionCode>,
    /// The agent's notes (`$notes$`).
    pub notes: String,
}

impl Default for CallContext {
    fn default() -> Self {
        CallContext {
            caller_id: String::new(),
            transaction_id: String::new(),
            interaction_guid: String::new(),
            answered_at: None,
            hangup_at: None,
            // chrono's Default for DateTime<Utc> is the Unix epoch.
            now: DateTime::<Utc>::default(),
            tenant_tz: chrono_tz::UTC,
            transaction_codes: Vec::new(),
            notes: String::new(),
        }
    }
}

impl CallContext {
    /// A context for a call expanded at `now`, in the tenant's zone
    /// `tenant_tz`; every other field empty (set them with struct update
    /// syntax or by assignment).
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use clicktodial::{expand, CallContext};
    ///
    /// let now = Utc.with_ymd_and_hms(2024, 3, 12, 17, 11, 36).unwrap();
    /// let ctx = CallContext {
    ///     transaction_id: "8312345".into(),
    ///     ..CallContext::new(now, chrono_tz::America::New_York)
    /// };
    /// assert_eq!(expand("$year$-$month$-$date$ $transaction_id$", &ctx), "2024-03-12 8312345");
    /// assert!(!ctx.now_is_unset());
    /// ```
    pub fn new(now: DateTime<Utc>, tenant_tz: Tz) -> CallContext {
        CallContext {
            now,
            tenant_tz,
            ..CallContext::default()
        }
    }

    /// Whether `now` is still at the Unix epoch, where `Default` puts it:
    /// the date tokens would then say 1970. The checked expanders
    /// ([`try_expand`](crate::try_expand)) refuse such a context.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::CallContext;
    /// assert!(CallContext::default().now_is_unset());
    /// let ctx = CallContext::new(chrono::Utc::now(), chrono_tz::UTC);
    /// assert!(!ctx.now_is_unset());
    /// ```
    pub fn now_is_unset(&self) -> bool {
        self.now == DateTime::<Utc>::default()
    }

    /// The value `token` expands to in this context.
    ///
    /// This formats the value on every call; to expand many values for one
    /// call, use [`UserData::expand`](crate::UserData::expand),
    /// [`Template`](crate::Template) or one [`TokenValues`], which format each
    /// value at most once.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{CallContext, Token};
    ///
    /// let ctx = CallContext::default();
    /// assert_eq!(ctx.value(Token::CallAnsweredTime), "0");
    /// assert_eq!(ctx.value(Token::CallDuration), "00:00:00");
    /// assert_eq!(ctx.value(Token::Year), "1970");
    /// assert_eq!(ctx.value(Token::Equal), "=");
    /// ```
    pub fn value(&self, token: Token) -> Cow<'_, str> {
        if let Some(direct) = direct_value(self, token) {
            return Cow::Borrowed(direct);
        }
        let mut values = TokenValues::new(self);
        Cow::Owned(values.get(token).to_owned())
    }
}

/// One transaction code the agent selected.
///
/// # Example
///
/// ```
/// use clicktodial::{expand, CallContext, TransactionCode};
///
/// let code = |list: &str, short: &str| TransactionCode {
///     list_name: list.into(),
///     short_code: short.into(),
///     description: format!("{short} (from {list})"),
/// };
/// let ctx = CallContext {
///     transaction_codes: vec![code("Sales", "WON"), code("Support", "FUP")],
///     ..Default::default()
/// };
/// assert_eq!(expand("$transaction_codes$", &ctx), "Sales:WON,Support:FUP");
/// assert_eq!(expand("$lastTclCodeDesc$", &ctx), "FUP (from Support)");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TransactionCode {
    /// The transaction code list's name.
    pub list_name: String,
    /// The code's short code.
    pub short_code: String,
    /// The code's description.
    pub description: String,
}

/// The token values of one [`CallContext`], each formatted the first time it
/// is asked for and kept for the rest of the expansion.
///
/// [`UserData::expand`](crate::UserData::expand) and
/// [`Template::expand`](crate::Template::expand) build one of these per call,
/// so a time-zone conversion or a number is formatted at most once however
/// many values use it. Build one yourself to expand many templates for one
/// call with [`Template::expand_with`](crate::Template::expand_with).
/// Values that are fields of the context (`$notes$`, …) are borrowed, never
/// copied; the times and numbers are written into a small buffer inside the
/// cache (no allocation), and only a `$transaction_codes$` longer than 138
/// bytes allocates.
///
/// # Example
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use clicktodial::{CallContext, Token, TokenValues};
///
/// let ctx = CallContext {
///     now: Utc.with_ymd_and_hms(2024, 3, 1, 3, 0, 0).unwrap(),
///     tenant_tz: chrono_tz::America::Los_Angeles,
///     ..Default::default()
/// };
/// let mut values = TokenValues::new(&ctx);
/// assert_eq!(values.get(Token::Date), "29"); // still 29 February in Los Angeles
/// assert_eq!(values.get(Token::Hours), "19");
/// ```
#[derive(Debug, Clone)]
pub struct TokenValues<'c> {
    ctx: &'c CallContext,
    /// The formatted times and numbers, one after the other, and
    /// `$transaction_codes$` when it is short enough.
    fixed: Ascii,
    /// Where each formatted token's value is in `fixed`; `None` until it is
    /// formatted (and always for tokens read straight from the context).
    spans: [Option<(u8, u8)>; 20],
    /// `$transaction_codes$`, once formatted, when it is too long for
    /// `fixed` (its length has no bound).
    codes: Option<String>,
}

/// Room for every bounded value at once: two Unix times (at most 14 bytes
/// each in chrono's range), two tenant times (at most 28), a duration (at
/// most 16) and the six parts of "now" (at most 17): 117 bytes.
const BOUNDED_MAX: usize = 117;

/// The buffer: the bounded values, and `$transaction_codes$` when it takes
/// at most `FIXED_CAP - BOUNDED_MAX` bytes (the usual one or two codes), so
/// that it costs no allocation either. At most 255, so every offset fits
/// the spans' `u8`.
const FIXED_CAP: usize = 255;

/// A fixed buffer of text: ASCII, and the transaction codes' UTF-8 copied
/// whole. Writing past its end drops the bytes (the bounds above make that
/// unreachable); reading never panics.
#[derive(Clone)]
struct Ascii {
    bytes: [u8; FIXED_CAP],
    len: usize,
}

impl Ascii {
    #[inline]
    fn push(&mut self, b: u8) {
        if let Some(slot) = self.bytes.get_mut(self.len) {
            *slot = b;
            self.len += 1;
        }
    }

    /// Appends `bytes` with one bounds check (dropped whole if they do not
    /// fit, which the bounds above make unreachable).
    #[inline]
    fn push_slice(&mut self, bytes: &[u8]) {
        let end = self.len + bytes.len();
        if let Some(slots) = self.bytes.get_mut(self.len..end) {
            slots.copy_from_slice(bytes);
            self.len = end;
        }
    }

    #[inline]
    fn get(&self, start: usize, end: usize) -> &str {
        self.bytes
            .get(start..end)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("")
    }
}

impl fmt::Write for Ascii {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.push_slice(s.as_bytes());
        Ok(())
    }
}

impl fmt::Debug for Ascii {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.get(0, self.len), f)
    }
}

impl<'c> TokenValues<'c> {
    /// An empty cache over `ctx`. Nothing is formatted (or allocated) yet.
    ///
    /// # Example
    ///
    /// ```
    /// let ctx = clicktodial::CallContext::default();
    /// let mut values = clicktodial::TokenValues::new(&ctx);
    /// assert_eq!(values.get(clicktodial::Token::Minutes), "00");
    /// ```
    pub fn new(ctx: &'c CallContext) -> Self {
        TokenValues {
            ctx,
            fixed: Ascii {
                bytes: [0; FIXED_CAP],
                len: 0,
            },
            spans: [None; 20],
            codes: None,
        }
    }

    /// The context the values come from.
    ///
    /// # Example
    ///
    /// ```
    /// let ctx = clicktodial::CallContext { notes: "hi".into(), ..Default::default() };
    /// let values = clicktodial::TokenValues::new(&ctx);
    /// assert_eq!(values.context().notes, "hi");
    /// ```
    pub fn context(&self) -> &'c CallContext {
        self.ctx
    }

    /// The value of `token`, formatting it if this is the first time.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use clicktodial::{CallContext, Token, TokenValues};
    ///
    /// let ctx = CallContext {
    ///     answered_at: Some(Utc.timestamp_opt(1_700_000_000, 0).unwrap()),
    ///     ..Default::default()
    /// };
    /// let mut values = TokenValues::new(&ctx);
    /// assert_eq!(values.get(Token::CallAnsweredTime), "1700000000");
    /// assert_eq!(values.get(Token::CallHangupTime), "0");
    /// assert_eq!(values.get(Token::CallHangupTenantTime), "");
    /// ```
    pub fn get(&mut self, token: Token) -> &str {
        self.fill(token);
        self.peek(token)
    }

    /// Formats `token`'s value unless it is already there.
    #[inline]
    pub(crate) fn fill(&mut self, token: Token) {
        let filled = match token {
            _ if is_direct(token) => true,
            Token::TransactionCodes if self.codes.is_some() => true,
            _ => self
                .spans
                .get(token.index())
                .is_none_or(|span| span.is_some()),
        };
        if !filled {
            self.format(token);
        }
    }

    /// The value of `token` as filled so far: a token not yet
    /// [`fill`](Self::fill)ed reads as empty (never a panic).
    #[inline]
    pub(crate) fn peek(&self, token: Token) -> &str {
        self.lookup(token, |start, end| self.fixed.get(start, end))
    }

    /// [`peek`](Self::peek) for each of `tokens`, into `table` at the
    /// token's index, reading the formatted values as UTF-8 once for all.
    pub(crate) fn peek_into<'s>(
        &'s self,
        tokens: impl Iterator<Item = Token>,
        table: &mut [&'s str; Token::ALL.len()],
    ) {
        let fixed = self.fixed.get(0, self.fixed.len);
        for token in tokens {
            let value = self.lookup(token, |start, end| fixed.get(start..end).unwrap_or(""));
            if let Some(slot) = table.get_mut(token.index()) {
                *slot = value;
            }
        }
    }

    /// The value of `token` as filled so far, reading a formatted value's
    /// bytes `start..end` with `formatted`.
    #[inline]
    fn lookup<'s>(
        &'s self,
        token: Token,
        formatted: impl FnOnce(usize, usize) -> &'s str,
    ) -> &'s str {
        if let Some(direct) = direct_value(self.ctx, token) {
            return direct;
        }
        if let (Token::TransactionCodes, Some(codes)) = (token, &self.codes) {
            return codes;
        }
        match self.spans.get(token.index()) {
            Some(Some((start, end))) => formatted(usize::from(*start), usize::from(*end)),
            _ => "",
        }
    }

    /// `peek(token).len()`, without reading the text.
    #[inline]
    pub(crate) fn peek_len(&self, token: Token) -> usize {
        if let Some(direct) = direct_value(self.ctx, token) {
            return direct.len();
        }
        if let (Token::TransactionCodes, Some(codes)) = (token, &self.codes) {
            return codes.len();
        }
        match self.spans.get(token.index()) {
            Some(Some((start, end))) => usize::from(end.saturating_sub(*start)),
            _ => 0,
        }
    }

    fn format(&mut self, token: Token) {
        let ctx = self.ctx;
        match token {
            Token::CallAnsweredTime => self.unix(token, ctx.answered_at),
            Token::CallHangupTime => self.unix(token, ctx.answered_at.and(ctx.hangup_at)),
            Token::CallAnsweredTenantTime => self.tenant_time(token, ctx.answered_at),
            Token::CallHangupTenantTime => {
                self.tenant_time(token, ctx.answered_at.and(ctx.hangup_at))
            }
            Token::CallDuration => {
                let start = self.fixed.len;
                let secs = match (ctx.answered_at, ctx.hangup_at) {
                    (Some(a), Some(h)) => h.timestamp().saturating_sub(a.timestamp()).max(0),
                    _ => 0,
                };
                let secs = secs.unsigned_abs();
                push_u64(&mut self.fixed, secs / 3600, 2);
                self.fixed.push(b':');
                push_two(&mut self.fixed, ((secs / 60) % 60) as u32);
                self.fixed.push(b':');
                push_two(&mut self.fixed, (secs % 60) as u32);
                self.set(token, start);
            }
            Token::Year
            | Token::Month
            | Token::Date
            | Token::Hours
            | Token::Minutes
            | Token::Seconds => {
                // One zone conversion fills all six.
                let (local, _) = to_tenant(ctx.now, ctx.tenant_tz);
                let mut start = self.fixed.len;
                push_year(&mut self.fixed, local.year());
                self.set(Token::Year, start);
                let parts = [
                    (Token::Month, local.month()),
                    (Token::Date, local.day()),
                    (Token::Hours, local.hour()),
                    (Token::Minutes, local.minute()),
                    (Token::Seconds, seconds(&local)),
                ];
                for (t, n) in parts {
                    start = self.fixed.len;
                    push_two(&mut self.fixed, n);
                    self.set(t, start);
                }
            }
            Token::TransactionCodes => {
                let codes = &ctx.transaction_codes;
                let len: usize = codes
                    .iter()
                    .map(|c| c.list_name.len() + c.short_code.len() + 2)
                    .sum();
                // Formatted once, so the bounded values keep their room.
                if len <= FIXED_CAP - BOUNDED_MAX {
                    let start = self.fixed.len;
                    for (i, code) in codes.iter().enumerate() {
                        if i > 0 {
                            self.fixed.push(b',');
                        }
                        self.fixed.push_slice(code.list_name.as_bytes());
                        self.fixed.push(b':');
                        self.fixed.push_slice(code.short_code.as_bytes());
                    }
                    self.set(token, start);
                    return;
                }
                let mut out = String::with_capacity(len);
                for (i, code) in codes.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&code.list_name);
                    out.push(':');
                    out.push_str(&code.short_code);
                }
                self.codes = Some(out);
            }
            // Read straight from the context; nothing to format.
            _ => {}
        }
    }

    fn set(&mut self, token: Token, start: usize) {
        let end = self.fixed.len;
        if let (Some(slot), Ok(start), Ok(end)) = (
            self.spans.get_mut(token.index()),
            u8::try_from(start),
            u8::try_from(end),
        ) {
            *slot = Some((start, end));
        }
    }

    fn unix(&mut self, token: Token, at: Option<DateTime<Utc>>) {
        let start = self.fixed.len;
        let secs = at.map_or(0, |t| t.timestamp());
        if secs < 0 {
            self.fixed.push(b'-');
        }
        push_u64(&mut self.fixed, secs.unsigned_abs(), 1);
        self.set(token, start);
    }

    fn tenant_time(&mut self, token: Token, at: Option<DateTime<Utc>>) {
        let start = self.fixed.len;
        if let Some(at) = at {
            let (local, offset) = to_tenant(at, self.ctx.tenant_tz);
            push_tenant_time(&mut self.fixed, &local, offset);
        }
        self.set(token, start);
    }
}

/// Whether `token` is read straight from the context (or is a constant), so
/// that [`direct_value`] is `Some`.
#[inline]
fn is_direct(token: Token) -> bool {
    matches!(
        token,
        Token::CallerId
            | Token::TransactionId
            | Token::InteractionGuid
            | Token::Notes
            | Token::Equal
            | Token::LastTclListName
            | Token::LastTclCodeDesc
            | Token::LastTclCodeShort
    )
}

/// The value of a token that is a field of the context (or a constant), or
/// `None` for a token that must be formatted.
#[inline]
fn direct_value(ctx: &CallContext, token: Token) -> Option<&str> {
    let last = || ctx.transaction_codes.last();
    Some(match token {
        Token::CallerId => &ctx.caller_id,
        Token::TransactionId => &ctx.transaction_id,
        Token::InteractionGuid => &ctx.interaction_guid,
        Token::Notes => &ctx.notes,
        Token::Equal => "=",
        Token::LastTclListName => last().map_or("", |c| &c.list_name),
        Token::LastTclCodeDesc => last().map_or("", |c| &c.description),
        Token::LastTclCodeShort => last().map_or("", |c| &c.short_code),
        _ => return None,
    })
}

/// `at` as a wall-clock time in `tz`, with the offset in force then. Falls
/// back to UTC when the shifted time is outside chrono's range.
fn to_tenant(at: DateTime<Utc>, tz: Tz) -> (NaiveDateTime, FixedOffset) {
    let utc = at.naive_utc();
    let offset = tz.offset_from_utc_datetime(&utc).fix();
    match utc.checked_add_offset(offset) {
        Some(local) => (local, offset),
        None => (utc, Utc.fix()),
    }
}

/// The seconds as chrono's `%S` writes them: a leap second is `60`.
fn seconds(t: &NaiveDateTime) -> u32 {
    t.second() + t.nanosecond() / 1_000_000_000
}

/// `YYYY/MM/DD HH:mm:ss Z`, exactly as chrono's `%Y/%m/%d %H:%M:%S %z`.
fn push_tenant_time(out: &mut Ascii, local: &NaiveDateTime, offset: FixedOffset) {
    push_year(out, local.year());
    out.push(b'/');
    push_two(out, local.month());
    out.push(b'/');
    push_two(out, local.day());
    out.push(b' ');
    push_two(out, local.hour());
    out.push(b':');
    push_two(out, local.minute());
    out.push(b':');
    push_two(out, seconds(local));
    out.push(b' ');
    let off = offset.local_minus_utc();
    out.push(if off < 0 { b'-' } else { b'+' });
    // Rounded to the nearest minute, as chrono's `%z`.
    let minutes = (off.unsigned_abs() + 30) / 60;
    push_two(out, minutes / 60);
    push_two(out, minutes % 60);
}

/// A year as chrono's `%Y`: four digits, with a sign outside `0..=9999`.
fn push_year(out: &mut Ascii, year: i32) {
    if (0..=9999).contains(&year) {
        push_u64(out, u64::from(year.unsigned_abs()), 4);
    } else {
        // Rare: let the formatter handle the sign and padding.
        let _ = write!(out, "{year:+05}");
    }
}

/// Two digits, zero-padded (`n` below 100).
#[inline]
fn push_two(out: &mut Ascii, n: u32) {
    out.push_slice(&[b'0' + ((n / 10) % 10) as u8, b'0' + (n % 10) as u8]);
}

/// `n` in decimal, zero-padded to at least `width` digits (at most 20).
/// The digits are written right to left into a local buffer and copied in
/// one piece.
#[inline]
fn push_u64(out: &mut Ascii, mut n: u64, width: usize) {
    let mut digits = [b'0'; 20];
    let mut start = digits.len();
    for d in digits.iter_mut().rev() {
        *d = b'0' + (n % 10) as u8;
        n /= 10;
        start -= 1;
        if n == 0 {
            break;
        }
    }
    let start = start.min(digits.len().saturating_sub(width.min(20)));
    // `start` is at most the buffer's length.
    out.push_slice(&digits[start..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_ascii() -> Ascii {
        Ascii {
            bytes: [0; FIXED_CAP],
            len: 0,
        }
    }

    #[test]
    fn direct_tokens_and_lengths_agree() {
        let ctx = CallContext {
            caller_id: "42".into(),
            answered_at: Some(DateTime::<Utc>::MIN_UTC),
            hangup_at: Some(DateTime::<Utc>::MAX_UTC),
            transaction_codes: vec![TransactionCode::default()],
            ..Default::default()
        };
        let mut values = TokenValues::new(&ctx);
        for t in Token::ALL {
            assert_eq!(is_direct(t), direct_value(&ctx, t).is_some(), "{t:?}");
            values.fill(t);
            assert_eq!(values.peek_len(t), values.peek(t).len(), "{t:?}");
        }
    }

    #[test]
    fn transaction_codes_of_any_length_read_the_same_in_any_order() {
        // Short and long lists, the longest values of every other token
        // beside them, filled before and after the codes.
        for list_len in (1..=260).step_by(7) {
            let ctx = CallContext {
                now: DateTime::<Utc>::MIN_UTC,
                answered_at: Some(DateTime::<Utc>::MIN_UTC),
                hangup_at: Some(DateTime::<Utc>::MAX_UTC),
                tenant_tz: chrono_tz::Pacific::Kiritimati,
                transaction_codes: vec![
                    TransactionCode {
                        list_name: "é".repeat(list_len / 2) + &"L".repeat(list_len % 2),
                        short_code: "S".into(),
                        description: String::new(),
                    },
                    TransactionCode {
                        list_name: "A".into(),
                        short_code: "B".into(),
                        description: String::new(),
                    },
                ],
                ..Default::default()
            };
            let want = format!("{}:S,A:B", ctx.transaction_codes.first().unwrap().list_name);
            // Codes first, then every bounded value, and the other way round.
            let mut first = TokenValues::new(&ctx);
            let mut last = TokenValues::new(&ctx);
            assert_eq!(first.get(Token::TransactionCodes), want);
            let fresh: Vec<String> = Token::ALL
                .iter()
                .map(|t| TokenValues::new(&ctx).get(*t).to_owned())
                .collect();
            for (t, v) in Token::ALL.iter().zip(&fresh) {
                assert_eq!(first.get(*t), v, "{t:?}");
                assert_eq!(last.get(*t), v, "{t:?}");
            }
            assert_eq!(last.get(Token::TransactionCodes), want);
            assert_eq!(first.get(Token::TransactionCodes), want);
        }
    }

    #[test]
    fn push_u64_pads_and_handles_extremes() {
        let s = |n, w| {
            let mut out = new_ascii();
            push_u64(&mut out, n, w);
            out.get(0, out.len).to_owned()
        };
        assert_eq!(s(0, 1), "0");
        assert_eq!(s(0, 2), "00");
        assert_eq!(s(7, 2), "07");
        assert_eq!(s(123, 2), "123");
        assert_eq!(s(42, 4), "0042");
        assert_eq!(s(u64::MAX, 1), u64::MAX.to_string());
    }

    #[test]
    fn years_match_chrono() {
        for year in [-262_000, -1, 0, 7, 999, 1000, 2024, 9999, 10_000, 262_000] {
            let mut out = new_ascii();
            push_year(&mut out, year);
            let date = chrono::NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
            assert_eq!(
                out.get(0, out.len),
                date.format("%Y").to_string(),
                "year {year}"
            );
        }
    }

    #[test]
    fn extreme_instants_do_not_panic() {
        for now in [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC] {
            for tz in [chrono_tz::Pacific::Kiritimati, chrono_tz::Etc::GMTPlus12] {
                let ctx = CallContext {
                    now,
                    answered_at: Some(DateTime::<Utc>::MIN_UTC),
                    hangup_at: Some(now),
                    tenant_tz: tz,
                    ..Default::default()
                };
                let mut values = TokenValues::new(&ctx);
                for t in Token::ALL {
                    let _ = values.get(t);
                }
                assert!(!values.get(Token::CallHangupTenantTime).is_empty());
                // Everything bounded fits the fixed buffer.
                assert!(values.fixed.len <= 117, "{:?}", values.fixed);
                let secs = now.timestamp() - DateTime::<Utc>::MIN_UTC.timestamp();
                let want = format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60);
                assert_eq!(values.get(Token::CallDuration), want);
            }
        }
    }
}
