//! The twenty `$token$` names of the vendor's token table.
//!
//! A token is written `$name$` inside a `ctl_userdata` value, with the name
//! exactly as the vendor's table writes it (case matters: `$callDuration$` is
//! a token, `$callduration$` is literal text). What each token expands to is
//! described on [`CallContext`](crate::CallContext).

use std::fmt;

/// One of the twenty tokens of the vendor's table.
///
/// [`name`](Token::name) is the name as the vendor writes it, without the
/// `$` signs; `Display` writes the token as it appears in a value, `$name$`.
///
/// # Example
///
/// ```
/// use clicktodial::Token;
///
/// assert_eq!(Token::CallerId.name(), "caller_id");
/// assert_eq!(Token::from_name("callAnsweredTenantTT"), Some(Token::CallAnsweredTenantTime));
/// assert_eq!(Token::from_name("CALLER_ID"), None);
/// assert_eq!(Token::Equal.to_string(), "$equal$");
/// assert_eq!(Token::ALL.len(), 20);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Token {
    /// `$caller_id$`: the caller ID used for the outbound call.
    CallerId,
    /// `$transaction_id$`: the transaction ID of the outbound call.
    TransactionId,
    /// `$call_answered_time$`: answer time in Unix seconds; `0` when the call
    /// was not established.
    CallAnsweredTime,
    /// `$call_hangup_time$`: hang-up time in Unix seconds; `0` when the call
    /// was not established.
    CallHangupTime,
    /// `$callAnsweredTenantTT$`: answer time in the tenant's zone,
    /// `YYYY/MM/DD HH:mm:ss Z`; empty when the call was not established.
    CallAnsweredTenantTime,
    /// `$callHangupTenantTT$`: hang-up time in the tenant's zone,
    /// `YYYY/MM/DD HH:mm:ss Z`; empty when the call was not established.
    CallHangupTenantTime,
    /// `$callDuration$`: `HH:MM:SS` from answer to hang-up.
    CallDuration,
    /// `$equal$`: a literal `=`.
    Equal,
    /// `$interaction_guid$`: the interaction GUID.
    InteractionGuid,
    /// `$year$`: the current year, `YYYY`, in the tenant's zone.
    Year,
    /// `$month$`: the current month, `MM`, in the tenant's zone.
    Month,
    /// `$date$`: the current day of the month, `DD`, in the tenant's zone.
    Date,
    /// `$hours$`: the current hour, `HH` (24 h), in the tenant's zone.
    Hours,
    /// `$minutes$`: the current minute, `MM`.
    Minutes,
    /// `$seconds$`: the current second, `SS`.
    Seconds,
    /// `$transaction_codes$`: `list:shortcode` for each selected code, joined
    /// by `,`.
    TransactionCodes,
    /// `$notes$`: the agent's notes.
    Notes,
    /// `$lastTclListName$`: the list name of the last selected code.
    LastTclListName,
    /// `$lastTclCodeDesc$`: the description of the last selected code.
    LastTclCodeDesc,
    /// `$lastTclCodeShort$`: the short code of the last selected code.
    LastTclCodeShort,
}

impl Token {
    /// Whether the token is one of the six that read the context's `now`:
    /// `$year$` `$month$` `$date$` `$hours$` `$minutes$` `$seconds$`.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::Token;
    /// assert!(Token::Year.is_date());
    /// assert!(!Token::CallHangupTenantTime.is_date());
    /// ```
    pub fn is_date(self) -> bool {
        matches!(
            self,
            Token::Year
                | Token::Month
                | Token::Date
                | Token::Hours
                | Token::Minutes
                | Token::Seconds
        )
    }

    /// Every token, in the order of the vendor's table.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::Token;
    ///
    /// assert_eq!(Token::ALL[0], Token::CallerId);
    /// assert!(Token::ALL.iter().all(|t| Token::from_name(t.name()) == Some(*t)));
    /// ```
    pub const ALL: [Token; 20] = [
        Token::CallerId,
        Token::TransactionId,
        Token::CallAnsweredTime,
        Token::CallHangupTime,
        Token::CallAnsweredTenantTime,
        Token::CallHangupTenantTime,
        Token::CallDuration,
        Token::Equal,
        Token::InteractionGuid,
        Token::Year,
        Token::Month,
        Token::Date,
        Token::Hours,
        Token::Minutes,
        Token::Seconds,
        Token::TransactionCodes,
        Token::Notes,
        Token::LastTclListName,
        Token::LastTclCodeDesc,
        Token::LastTclCodeShort,
    ];

    /// The longest name, in bytes (`callAnsweredTenantTT`).
    pub(crate) const MAX_NAME_LEN: usize = 20;

    /// The token's name as the vendor writes it, without the `$` signs.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(clicktodial::Token::LastTclCodeShort.name(), "lastTclCodeShort");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Token::CallerId => "caller_id",
            Token::TransactionId => "transaction_id",
            Token::CallAnsweredTime => "call_answered_time",
            Token::CallHangupTime => "call_hangup_time",
            Token::CallAnsweredTenantTime => "callAnsweredTenantTT",
            Token::CallHangupTenantTime => "callHangupTenantTT",
            Token::CallDuration => "callDuration",
            Token::Equal => "equal",
            Token::InteractionGuid => "interaction_guid",
            Token::Year => "year",
            Token::Month => "month",
            Token::Date => "date",
            Token::Hours => "hours",
            Token::Minutes => "minutes",
            Token::Seconds => "seconds",
            Token::TransactionCodes => "transaction_codes",
            Token::Notes => "notes",
            Token::LastTclListName => "lastTclListName",
            Token::LastTclCodeDesc => "lastTclCodeDesc",
            Token::LastTclCodeShort => "lastTclCodeShort",
        }
    }

    /// The token with exactly this name (case-sensitive, without `$` signs).
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::Token;
    ///
    /// assert_eq!(Token::from_name("notes"), Some(Token::Notes));
    /// assert_eq!(Token::from_name("$notes$"), None);
    /// assert_eq!(Token::from_name("Notes"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Token> {
        Token::from_name_bytes(name.as_bytes())
    }

    /// [`from_name`](Token::from_name) on bytes: the scanner's hot path.
    #[inline]
    pub(crate) fn from_name_bytes(name: &[u8]) -> Option<Token> {
        Some(match name {
            b"caller_id" => Token::CallerId,
            b"transaction_id" => Token::TransactionId,
            b"call_answered_time" => Token::CallAnsweredTime,
            b"call_hangup_time" => Token::CallHangupTime,
            b"callAnsweredTenantTT" => Token::CallAnsweredTenantTime,
            b"callHangupTenantTT" => Token::CallHangupTenantTime,
            b"callDuration" => Token::CallDuration,
            b"equal" => Token::Equal,
            b"interaction_guid" => Token::InteractionGuid,
            b"year" => Token::Year,
            b"month" => Token::Month,
            b"date" => Token::Date,
            b"hours" => Token::Hours,
            b"minutes" => Token::Minutes,
            b"seconds" => Token::Seconds,
            b"transaction_codes" => Token::TransactionCodes,
            b"notes" => Token::Notes,
            b"lastTclListName" => Token::LastTclListName,
            b"lastTclCodeDesc" => Token::LastTclCodeDesc,
            b"lastTclCodeShort" => Token::LastTclCodeShort,
            _ => return None,
        })
    }

    /// The token's position in [`Token::ALL`], for per-token tables.
    #[inline]
    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Token {
    /// Writes the token as it appears in a value: `$name$`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("$")?;
        f.write_str(self.name())?;
        f.write_str("$")
    }
}

#[cfg(test)]
mod tests {
    use super::Token;

    #[test]
    fn all_is_in_index_order_and_names_round_trip() {
        for (i, t) in Token::ALL.iter().enumerate() {
            assert_eq!(t.index(), i);
            assert_eq!(Token::from_name(t.name()), Some(*t));
            assert!(t.name().len() <= Token::MAX_NAME_LEN);
        }
        assert_eq!(
            Token::ALL.iter().map(|t| t.name().len()).max(),
            Some(Token::MAX_NAME_LEN)
        );
    }
}
