//! The callback POST (vendor: "Callback URL"): [`Callback`] and its
//! [`ResultCode`].

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use url::form_urlencoded;

use crate::encode::{write_form, Given};
use crate::error::{ParseError, ParseErrorKind};
use crate::system::NEW_RECORD_ID;
use crate::userdata::{Pair, UserData};

/// `resultCode`: the outcome of the `ctl_action`.
///
/// Written and read as `SUCCESS`, `FAIL` and `IGNORE`, exactly, in upper
/// case: [`FromStr`] (and [`Callback::from_form`]) refuse any other spelling,
/// `success` included, with [`ParseErrorKind::UnknownResultCode`]. The vendor
/// names only the upper-case values, and a receiver that is strict here
/// catches a mangled body early. With the `serde` feature the codes are the
/// same strings.
///
/// # Example
///
/// ```
/// use clicktodial::ResultCode;
///
/// assert_eq!(ResultCode::Success.as_str(), "SUCCESS");
/// assert_eq!("IGNORE".parse::<ResultCode>()?, ResultCode::Ignore);
/// assert!("fail".parse::<ResultCode>().is_err());
/// assert_eq!(ResultCode::Fail.to_string(), "FAIL");
/// # Ok::<(), clicktodial::ParseError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "UPPERCASE")
)]
#[non_exhaustive]
pub enum ResultCode {
    /// `SUCCESS`: the action ran and succeeded.
    Success,
    /// `FAIL`: the action ran and failed; `errorString` says why.
    Fail,
    /// `IGNORE`: no action ran (none given, or without a supported
    /// integration type).
    Ignore,
}

impl ResultCode {
    /// The code as the vendor writes it.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(clicktodial::ResultCode::Ignore.as_str(), "IGNORE");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            ResultCode::Success => "SUCCESS",
            ResultCode::Fail => "FAIL",
            ResultCode::Ignore => "IGNORE",
        }
    }
}

impl fmt::Display for ResultCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ResultCode {
    type Err = ParseError;

    /// Exactly `SUCCESS`, `FAIL` or `IGNORE`; anything else is
    /// [`ParseErrorKind::UnknownResultCode`], with no place
    /// ([`ParseError::position`] is `None`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "SUCCESS" => Ok(ResultCode::Success),
            "FAIL" => Ok(ResultCode::Fail),
            "IGNORE" => Ok(ResultCode::Ignore),
            other => Err(ParseError::unplaced(ParseErrorKind::UnknownResultCode(
                other.to_owned(),
            ))),
        }
    }
}

/// The body the contact center posts to the expanded `ctl_callbackUrl` once
/// the call ends: `ctl_userdata`, `resultCode`, `errorString`, as
/// `application/x-www-form-urlencoded`.
///
/// The contact center builds one with [`success`](Callback::success),
/// [`fail`](Callback::fail) or [`ignore`](Callback::ignore) (or the fields)
/// and sends [`to_form`](Callback::to_form); the CRM that receives it reads
/// it with [`from_form`](Callback::from_form).
///
/// # Example
///
/// ```
/// use clicktodial::{Callback, ResultCode, UserData};
///
/// let data = UserData::parse("[ctl_action|create][ctl_intType|sfdc][ObjectType|Task]")?;
/// let sent = Callback::success(data, "00T5g000001");
/// let body = sent.to_form();
///
/// let received = Callback::from_form(&body)?;
/// assert_eq!(received, sent);
/// assert_eq!(received.result_code, ResultCode::Success);
/// assert_eq!(received.new_record_id(), Some("00T5g000001"));
/// # Ok::<(), clicktodial::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callback {
    /// `ctl_userdata`: the caller's data with its tokens expanded (and
    /// `ctl_newRecordId` appended after a successful create).
    pub ctl_userdata: UserData<'static>,
    /// `resultCode`.
    pub result_code: ResultCode,
    /// `errorString`: why the action failed; empty otherwise.
    pub error_string: String,
}

impl Callback {
    /// A callback with the given parts, taken as they are.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{Callback, ResultCode, UserData};
    /// let cb = Callback::new(UserData::parse("[a|1]")?, ResultCode::Ignore, "");
    /// assert_eq!(cb.to_form(), "ctl_userdata=%5Ba%7C1%5D&resultCode=IGNORE&errorString=");
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn new(
        ctl_userdata: UserData<'_>,
        result_code: ResultCode,
        error_string: impl Into<String>,
    ) -> Callback {
        Callback {
            ctl_userdata: ctl_userdata.into_owned(),
            result_code,
            error_string: error_string.into(),
        }
    }

    /// `SUCCESS` after a create: the (expanded) data with `ctl_newRecordId`
    /// set to `new_record_id`, appended as the last pair. Any
    /// `ctl_newRecordId` the tenant passed (in any letter case) is removed
    /// first: the system value replaces it.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{Callback, UserData};
    /// let data = UserData::parse("[CTL_NEWRECORDID|forged][subject|hi]")?;
    /// let cb = Callback::success(data, "00T1");
    /// assert_eq!(cb.ctl_userdata.to_string(), "[subject|hi][ctl_newRecordId|00T1]");
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn success(ctl_userdata: UserData<'_>, new_record_id: impl Into<String>) -> Callback {
        let id = new_record_id.into();
        Callback::finished(ctl_userdata, Finish::created(&id))
    }

    /// `FAIL`, with the reason. Any `ctl_newRecordId` in the data (in any
    /// letter case) is dropped: no record was made.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{Callback, ResultCode, UserData};
    /// let cb = Callback::fail(UserData::new(), "REQUIRED_FIELD_MISSING: Subject");
    /// assert_eq!(cb.result_code, ResultCode::Fail);
    /// assert_eq!(cb.error_string, "REQUIRED_FIELD_MISSING: Subject");
    /// let cb = Callback::fail(UserData::parse("[ctl_newRecordId|forged]")?, "x");
    /// assert!(cb.ctl_userdata.is_empty());
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn fail(ctl_userdata: UserData<'_>, error_string: impl Into<String>) -> Callback {
        let error = error_string.into();
        Callback::finished(ctl_userdata, Finish::failed(&error))
    }

    /// `IGNORE`: no action ran. `errorString` is empty. Any
    /// `ctl_newRecordId` in the data (in any letter case) is dropped.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{Callback, ResultCode, UserData};
    /// let cb = Callback::ignore(UserData::parse("[foreign_key|12345678][CTL_NEWRECORDID|x]")?);
    /// assert_eq!(cb.result_code, ResultCode::Ignore);
    /// assert!(cb.error_string.is_empty());
    /// assert_eq!(cb.ctl_userdata.to_string(), "[foreign_key|12345678]");
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn ignore(ctl_userdata: UserData<'_>) -> Callback {
        Callback::finished(ctl_userdata, Finish::IGNORED)
    }

    /// The callback of a finished call: the data as [`finished_pairs`]
    /// leaves it, with the finish's result code and error string.
    pub(crate) fn finished(ctl_userdata: UserData<'_>, finish: Finish<'_>) -> Callback {
        let added = finish
            .record_id
            .map(|id| Pair::added(NEW_RECORD_ID, id.to_owned()));
        let pairs = ctl_userdata.into_owned().into_pairs();
        Callback {
            ctl_userdata: UserData::from_pairs(finished_pairs(pairs, Pair::name, added)),
            result_code: finish.result_code,
            error_string: finish.error.to_owned(),
        }
    }

    /// The POST body: `ctl_userdata` (the data's canonical `[name|value]…`
    /// text), `resultCode`, `errorString`, in that order, form-encoded
    /// (UTF-8, a space as `+`).
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{Callback, UserData};
    /// let cb = Callback::fail(UserData::parse("[id|a b]")?, "no & way");
    /// assert_eq!(
    ///     cb.to_form(),
    ///     "ctl_userdata=%5Bid%7Ca+b%5D&resultCode=FAIL&errorString=no+%26+way"
    /// );
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn to_form(&self) -> String {
        let userdata = self.ctl_userdata.to_string();
        let mut form = String::with_capacity(userdata.len() * 2 + 40);
        let fields = form_fields(
            Given::Plain(&userdata),
            self.result_code,
            &self.error_string,
        );
        write_form(&mut form, fields);
        form
    }

    /// Reads a callback POST body, strictly.
    ///
    /// - The body is `application/x-www-form-urlencoded`: fields split on
    ///   `&`, `+` is a space, percent escapes are decoded (bytes that do not
    ///   decode to UTF-8 become U+FFFD). Field names are matched exactly;
    ///   other fields are ignored; where a field appears twice, the last one
    ///   wins.
    /// - `resultCode` is required: without it, the error is
    ///   [`ParseErrorKind::MissingField`]`("resultCode")` at the body's
    ///   length; a value other than `SUCCESS`, `FAIL` or `IGNORE` (exact
    ///   case) is [`ParseErrorKind::UnknownResultCode`] at the byte offset of
    ///   that field in the body.
    /// - `ctl_userdata` is parsed strictly ([`UserData::parse`]); a malformed
    ///   one is the grammar error with [`field`](ParseError::field)
    ///   `Some("ctl_userdata")` and its offset into the *decoded* value.
    ///   The `resultCode` is checked first.
    /// - A missing `ctl_userdata` reads as empty data, a missing
    ///   `errorString` as an empty string (the contact center always sends
    ///   both, but an empty field and a missing one mean the same here).
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{Callback, ParseErrorKind, ResultCode};
    ///
    /// let cb = Callback::from_form(
    ///     "ctl_userdata=%5Bforeign_key%7C12345678%5D&resultCode=FAIL&errorString=timed+out",
    /// )?;
    /// assert_eq!(cb.ctl_userdata.get("foreign_key"), Some("12345678"));
    /// assert_eq!(cb.result_code, ResultCode::Fail);
    /// assert_eq!(cb.error_string, "timed out");
    ///
    /// let err = Callback::from_form("ctl_userdata=&resultCode=OK").unwrap_err();
    /// assert_eq!(err.kind(), &ParseErrorKind::UnknownResultCode("OK".into()));
    /// assert_eq!(err.offset(), 14);
    ///
    /// let err = Callback::from_form("errorString=").unwrap_err();
    /// assert_eq!(err.kind(), &ParseErrorKind::MissingField("resultCode"));
    /// assert_eq!(err.offset(), 12);
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn from_form(body: &str) -> Result<Callback, ParseError> {
        let mut userdata: Option<Cow<'_, str>> = None;
        let mut result_code: Option<(Cow<'_, str>, usize)> = None;
        let mut error_string: Option<Cow<'_, str>> = None;

        let mut offset = 0;
        for segment in body.split('&') {
            let start = offset;
            offset += segment.len() + 1;
            // One segment holds at most one pair (none when it is empty).
            let Some((name, value)) = form_urlencoded::parse(segment.as_bytes()).next() else {
                continue;
            };
            match &*name {
                "ctl_userdata" => userdata = Some(value),
                "resultCode" => result_code = Some((value, start)),
                "errorString" => error_string = Some(value),
                _ => {}
            }
        }

        let result_code = match result_code {
            None => {
                return Err(ParseError::new(
                    ParseErrorKind::MissingField("resultCode"),
                    body.len(),
                ))
            }
            Some((value, at)) => value.parse::<ResultCode>().map_err(|_| {
                ParseError::new(ParseErrorKind::UnknownResultCode(value.into_owned()), at)
            })?,
        };
        let ctl_userdata = match &userdata {
            None => UserData::new(),
            Some(text) => UserData::parse(text)
                .map_err(|e| e.in_field("ctl_userdata"))?
                .into_owned(),
        };
        Ok(Callback {
            ctl_userdata,
            result_code,
            error_string: error_string.map(Cow::into_owned).unwrap_or_default(),
        })
    }

    /// The record the create made: the value of the last `ctl_newRecordId`
    /// pair (the name in any letter case), and only when the result code is
    /// `SUCCESS`. A `FAIL` or `IGNORE` callback made no record, so a record
    /// id in its data (one the link itself carried) is not reported.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::Callback;
    /// let cb = Callback::from_form(
    ///     "ctl_userdata=%5Bctl_newrecordid%7C00T1%5D&resultCode=SUCCESS&errorString=",
    /// )?;
    /// assert_eq!(cb.new_record_id(), Some("00T1"));
    /// let cb = Callback::from_form(
    ///     "ctl_userdata=%5Bctl_newRecordId%7Cforged%5D&resultCode=FAIL&errorString=x",
    /// )?;
    /// assert_eq!(cb.new_record_id(), None);
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn new_record_id(&self) -> Option<&str> {
        if self.result_code != ResultCode::Success {
            return None;
        }
        self.ctl_userdata.get_ignore_case(NEW_RECORD_ID)
    }
}

/// The callback form's fields, in order: the one layout of the body, which
/// [`Callback::to_form`] and `CompiledLink` both write with
/// [`write_form`].
pub(crate) fn form_fields<'a>(
    ctl_userdata: Given<'a>,
    result_code: ResultCode,
    error_string: &'a str,
) -> [(&'static str, Given<'a>); 3] {
    [
        ("ctl_userdata", ctl_userdata),
        // The vendor's word, which form encoding leaves as it is (a unit
        // test holds every code to that): written as it is.
        ("resultCode", Given::Encoded(result_code.as_str())),
        ("errorString", Given::Plain(error_string)),
    ]
}

/// What finishing a call does to its callback, for one outcome: the result
/// code, the record id to append (after a create) and the error string.
/// [`ActionPlan::finish`](crate::ActionPlan::finish) decides it; the
/// callback's constructors and `CompiledLink` apply it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Finish<'o> {
    pub(crate) result_code: ResultCode,
    pub(crate) record_id: Option<&'o str>,
    pub(crate) error: &'o str,
}

impl<'o> Finish<'o> {
    /// No action ran.
    pub(crate) const IGNORED: Finish<'static> = Finish {
        result_code: ResultCode::Ignore,
        record_id: None,
        error: "",
    };

    /// The create made record `id`.
    pub(crate) fn created(id: &'o str) -> Finish<'o> {
        Finish {
            result_code: ResultCode::Success,
            record_id: Some(id),
            error: "",
        }
    }

    /// The create failed (or did not run), for `error`.
    pub(crate) fn failed(error: &'o str) -> Finish<'o> {
        Finish {
            result_code: ResultCode::Fail,
            record_id: None,
            error,
        }
    }
}

/// The finished `ctl_userdata`'s pairs, the one rule: the data's pairs in
/// order, without any `ctl_newRecordId` (in any letter case: only the
/// system writes one), then `record_id`, the system's, when there is one.
/// `name` reads a pair's name.
pub(crate) fn finished_pairs<P>(
    pairs: impl IntoIterator<Item = P>,
    name: fn(&P) -> &str,
    record_id: Option<P>,
) -> impl Iterator<Item = P> {
    pairs
        .into_iter()
        .filter(move |pair| !name(pair).eq_ignore_ascii_case(NEW_RECORD_ID))
        .chain(record_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_names_and_constants_need_no_encoding() {
        for code in [ResultCode::Success, ResultCode::Fail, ResultCode::Ignore] {
            let fields = form_fields(Given::Plain(""), code, "");
            crate::encode::tests::assert_plain_form_fields(&fields);
        }
    }

    #[test]
    fn offsets_follow_segments() {
        let body = "a=1&&resultCode=bad&resultCode=WORSE";
        let err = Callback::from_form(body).unwrap_err();
        // The last resultCode wins, and the offset is that field's.
        assert_eq!(err.offset(), body.find("resultCode=WORSE").unwrap());
    }

    #[test]
    fn name_with_escapes_and_no_value() {
        let cb = Callback::from_form("result%43ode=IGNORE&ctl_userdata").unwrap();
        assert_eq!(cb.result_code, ResultCode::Ignore);
        assert!(cb.ctl_userdata.is_empty());
    }

    #[test]
    fn invalid_utf8_is_replaced_not_a_panic() {
        let cb = Callback::from_form("resultCode=FAIL&errorString=%FF%FE").unwrap();
        assert_eq!(cb.error_string, "\u{FFFD}\u{FFFD}");
    }
}
