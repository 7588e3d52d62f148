//! `FromStr` for the types a user most often has as text.

use std::str::FromStr;

use crate::error::{ParseError, RequestError};
use crate::request::ClickToDialRequest;
use crate::userdata::UserData;

impl FromStr for UserData<'static> {
    type Err = ParseError;

    /// Parses strictly, as [`UserData::parse`], and owns the result.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::UserData;
    ///
    /// let data: UserData<'static> = "[ctl_action|create][subject|hi]".parse()?;
    /// assert_eq!(data.get("subject"), Some("hi"));
    /// assert!("[a|1".parse::<UserData<'static>>().is_err());
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        UserData::parse(s).map(UserData::into_owned)
    }
}

impl FromStr for ClickToDialRequest {
    type Err = RequestError;

    /// Parses a whole click-to-dial URL, as [`ClickToDialRequest::from_url`].
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::ClickToDialRequest;
    ///
    /// let req: ClickToDialRequest =
    ///     "https://vcc-na4.8x8.com/AGUI/make_call.php?prefix=1&phone=6502928880".parse()?;
    /// assert_eq!(req.dial_string(), "16502928880");
    /// assert!("http://vcc-na4.8x8.com/AGUI/make_call.php?phone=1"
    ///     .parse::<ClickToDialRequest>()
    ///     .is_err());
    /// # Ok::<(), clicktodial::RequestError>(())
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ClickToDialRequest::from_url(s)
    }
}
