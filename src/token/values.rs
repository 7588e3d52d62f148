//! The token value cache ([`TokenValues`]): each token's value for one
//! call, formatted the first time it is asked for (by the fixed-width
//! formatter of [`format`](super::format)) and kept for the rest of the
//! expansion.

use std::borrow::Cow;

use chrono::{DateTime, Datelike, Timelike, Utc};

use crate::token::context::CallContext;
use crate::token::format::{
    push_tenant_time, push_two, push_u64, push_year, seconds, to_tenant, Ascii, FIXED_CAP,
};
use crate::token::table::Token;

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
/// let now = Utc.with_ymd_and_hms(2024, 3, 1, 3, 0, 0).unwrap();
/// let ctx = CallContext::new(now, chrono_tz::America::Los_Angeles);
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
    /// let mut ctx = clicktodial::CallContext::new(chrono::Utc::now(), chrono_tz::UTC);
    /// ctx.notes = "hi".into();
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
    /// let mut ctx = CallContext::new(chrono::Utc::now(), chrono_tz::UTC);
    /// ctx.answered_at = Some(Utc.timestamp_opt(1_700_000_000, 0).unwrap());
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
        // The first arm is a shortcut: `format` writes nothing for a token
        // read straight from the context, and `peek` reads it there first,
        // so its guard replaced by `false` is an equivalent mutant.
        let filled = match token {
            _ if direct_value(self.ctx, token).is_some() => true,
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

impl CallContext {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::context::TransactionCode;

    #[test]
    fn peeked_lengths_agree_with_values() {
        let ctx = CallContext {
            caller_id: "42".into(),
            answered_at: Some(DateTime::<Utc>::MIN_UTC),
            hangup_at: Some(DateTime::<Utc>::MAX_UTC),
            transaction_codes: vec![TransactionCode::default()],
            ..Default::default()
        };
        let mut values = TokenValues::new(&ctx);
        for t in Token::ALL {
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
