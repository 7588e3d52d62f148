//! The call a value is expanded for ([`CallContext`]) and its transaction
//! codes ([`TransactionCode`]). The values formatted from it are cached by
//! [`TokenValues`](super::values::TokenValues) and written by the
//! fixed-width formatter in [`format`](super::format).
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
//! `CallContext` keeps its public fields and its `Default` (for 0.1 code), so
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

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

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
/// let now = Utc.with_ymd_and_hms(2024, 1, 15, 18, 5, 0).unwrap();
/// let mut ctx = CallContext::new(now, chrono_tz::America::Los_Angeles);
/// ctx.caller_id = "5251990".into();
/// ctx.answered_at = Some(Utc.with_ymd_and_hms(2024, 1, 15, 18, 0, 0).unwrap());
/// ctx.hangup_at = Some(Utc.with_ymd_and_hms(2024, 1, 15, 18, 4, 30).unwrap());
/// ctx.transaction_codes = vec![TransactionCode {
///     list_name: "Sales".into(),
///     short_code: "WON".into(),
///     description: "Closed won".into(),
/// }];
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
/// let mut ctx = CallContext::new(chrono::Utc::now(), chrono_tz::UTC);
/// ctx.transaction_codes = vec![code("Sales", "WON"), code("Support", "FUP")];
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
