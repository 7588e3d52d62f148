//! The twenty `$token$` names of the vendor's token table.
//!
//! A token is written `$name$` inside a `ctl_userdata` value, with the name
//! exactly as the vendor's table writes it (case matters: `$callDuration$` is
//! a token, `$callduration$` is literal text). What each token expands to is
//! described on [`CallContext`](crate::CallContext).

use std::fmt;

/// The vendor's token table, written once: each token with its doc and its
/// name. The enum, [`Token::ALL`], [`Token::name`] and the scanner's
/// [`Token::from_name_bytes`] are all generated from it.
macro_rules! token_table {
    ($( $(#[$doc:meta])* $variant:ident => $name:literal, )*) => {
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
        #[non_exhaustive]
        pub enum Token {
            $( $(#[$doc])* $variant, )*
        }

        impl Token {
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
            pub const ALL: [Token; 20] = [$(Token::$variant),*];

            /// The token's name as the vendor writes it, without the `$` signs.
            ///
            /// # Example
            ///
            /// ```
            /// assert_eq!(clicktodial::Token::LastTclCodeShort.name(), "lastTclCodeShort");
            /// ```
            pub fn name(self) -> &'static str {
                match self {
                    $( Token::$variant => const { ascii($name) }, )*
                }
            }

            /// [`from_name`](Token::from_name) on bytes: the scanner's hot path.
            #[inline]
            pub(crate) fn from_name_bytes(name: &[u8]) -> Option<Token> {
                Some(match name {
                    $( $name => Token::$variant, )*
                    _ => return None,
                })
            }
        }
    };
}

/// A token's name as text (names are ASCII; evaluated at compile time).
const fn ascii(name: &'static [u8]) -> &'static str {
    match std::str::from_utf8(name) {
        Ok(name) => name,
        Err(_) => panic!("a token name is ASCII"),
    }
}

token_table! {
    /// `$caller_id$`: the caller ID used for the outbound call.
    CallerId => b"caller_id",
    /// `$transaction_id$`: the transaction ID of the outbound call.
    TransactionId => b"transaction_id",
    /// `$call_answered_time$`: answer time in Unix seconds; `0` when the call
    /// was not established.
    CallAnsweredTime => b"call_answered_time",
    /// `$call_hangup_time$`: hang-up time in Unix seconds; `0` when the call
    /// was not established.
    CallHangupTime => b"call_hangup_time",
    /// `$callAnsweredTenantTT$`: answer time in the tenant's zone,
    /// `YYYY/MM/DD HH:mm:ss Z`; empty when the call was not established.
    CallAnsweredTenantTime => b"callAnsweredTenantTT",
    /// `$callHangupTenantTT$`: hang-up time in the tenant's zone,
    /// `YYYY/MM/DD HH:mm:ss Z`; empty when the call was not established.
    CallHangupTenantTime => b"callHangupTenantTT",
    /// `$callDuration$`: `HH:MM:SS` from answer to hang-up.
    CallDuration => b"callDuration",
    /// `$equal$`: a literal `=`.
    Equal => b"equal",
    /// `$interaction_guid$`: the interaction GUID.
    InteractionGuid => b"interaction_guid",
    /// `$year$`: the current year, `YYYY`, in the tenant's zone.
    Year => b"year",
    /// `$month$`: the current month, `MM`, in the tenant's zone.
    Month => b"month",
    /// `$date$`: the current day of the month, `DD`, in the tenant's zone.
    Date => b"date",
    /// `$hours$`: the current hour, `HH` (24 h), in the tenant's zone.
    Hours => b"hours",
    /// `$minutes$`: the current minute, `MM`.
    Minutes => b"minutes",
    /// `$seconds$`: the current second, `SS`.
    Seconds => b"seconds",
    /// `$transaction_codes$`: `list:shortcode` for each selected code, joined
    /// by `,`.
    TransactionCodes => b"transaction_codes",
    /// `$notes$`: the agent's notes.
    Notes => b"notes",
    /// `$lastTclListName$`: the list name of the last selected code.
    LastTclListName => b"lastTclListName",
    /// `$lastTclCodeDesc$`: the description of the last selected code.
    LastTclCodeDesc => b"lastTclCodeDesc",
    /// `$lastTclCodeShort$`: the short code of the last selected code.
    LastTclCodeShort => b"lastTclCodeShort",
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

    /// The longest name, in bytes (`callAnsweredTenantTT`).
    pub(crate) const MAX_NAME_LEN: usize = 20;

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

/// With `serde`, a token travels as its name in the vendor's table
/// (`"caller_id"`), and only a name in the table reads back.
#[cfg(feature = "serde")]
impl serde::Serialize for Token {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Token {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = <String as serde::Deserialize>::deserialize(deserializer)?;
        Token::from_name(&name)
            .ok_or_else(|| serde::de::Error::custom("not a token name of the vendor's table"))
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
