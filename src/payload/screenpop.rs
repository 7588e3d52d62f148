//! The screenpop POST (vendor: "Launch Option").

use std::fmt;

use crate::encode::{write_form, Given};
use crate::userdata::UserData;

/// The data posted to the tenant's screenpop URL when `ctl_launchopt` is
/// `true`.
///
/// The vendor sends ten fields, some twice under two names;
/// [`fields`](Screenpop::fields) lists them in the vendor's order and
/// [`to_form`](Screenpop::to_form) writes the POST body. `Debug` shows every
/// field except the password, which it writes as `"<redacted>"`; no error or
/// lint of the crate ever holds it.
///
/// With the `serde` feature, serializing **skips the password** (a log line
/// of `serde_json::to_string(&pop)` must not leak it); deserializing reads
/// one if present (a configuration file may give it) and leaves it empty
/// otherwise. So a serialized screenpop reads back without its password:
/// set it again before [`to_form`](Screenpop::to_form).
///
/// # Example
///
/// ```
/// use clicktodial::Screenpop;
///
/// let pop = Screenpop {
///     ctl_userdata: "[ctl_launchopt|true][id|42]".into(),
///     agent_id: "agent7".into(),
///     username: "jdoe".into(),
///     password: "hunter2".into(),
///     account: "acme".into(),
///     role: "sfdc".into(),
/// };
/// assert_eq!(
///     pop.to_form(),
///     "CtlUserData=%5Bctl_launchopt%7Ctrue%5D%5Bid%7C42%5D&AgentID=agent7\
///      &Username=jdoe&extLogin=jdoe&Password=hunter2&extPwd=hunter2\
///      &Account=acme&Role=sfdc&Command=launch&cmd=launch"
/// );
/// assert!(!format!("{pop:?}").contains("hunter2"));
/// ```
#[derive(Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Screenpop {
    /// `CtlUserData`: the `ctl_userdata` with its tokens expanded, as text.
    pub ctl_userdata: String,
    /// `AgentID`: the agent's login id.
    pub agent_id: String,
    /// `Username` and `extLogin`: the agent's external user name.
    pub username: String,
    /// `Password` and `extPwd`: the agent's external password. Never shown by
    /// `Debug`, never serialized (it is read when deserializing).
    #[cfg_attr(feature = "serde", serde(skip_serializing, default))]
    pub password: String,
    /// `Account`: the account id configured for screenpop.
    pub account: String,
    /// `Role`: the screenpop target type configured.
    pub role: String,
}

/// The screenpop command the vendor sends, as `Command` and `cmd`.
const LAUNCH: &str = "launch";

impl Screenpop {
    /// A screenpop for `data` (written with its `Display`, which is the
    /// canonical `[name|value]…` text); every other field empty, to be filled
    /// in.
    ///
    /// Expand the data's tokens before: the vendor posts `CtlUserData` "with
    /// all tokens filled with actual data".
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{Screenpop, UserData};
    ///
    /// let data = UserData::parse("[ctl_launchopt|true] [id|42]")?;
    /// let pop = Screenpop { agent_id: "agent7".into(), ..Screenpop::for_userdata(&data) };
    /// assert_eq!(pop.ctl_userdata, "[ctl_launchopt|true][id|42]");
    /// assert_eq!(pop.agent_id, "agent7");
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn for_userdata(data: &UserData<'_>) -> Screenpop {
        Screenpop {
            ctl_userdata: data.to_string(),
            ..Screenpop::default()
        }
    }

    /// The ten fields, in the vendor's order: `CtlUserData`, `AgentID`,
    /// `Username`, `extLogin`, `Password`, `extPwd`, `Account`, `Role`,
    /// `Command`, `cmd`. `Username` = `extLogin`, `Password` = `extPwd`,
    /// `Command` = `cmd` = `launch`.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::Screenpop;
    ///
    /// let pop = Screenpop { username: "jdoe".into(), ..Screenpop::default() };
    /// let fields = pop.fields();
    /// assert_eq!(fields.len(), 10);
    /// assert_eq!(fields[2], ("Username", "jdoe"));
    /// assert_eq!(fields[3], ("extLogin", "jdoe"));
    /// assert_eq!(fields[9], ("cmd", "launch"));
    /// ```
    pub fn fields(&self) -> Vec<(&'static str, &str)> {
        form_fields(Given::Plain(&self.ctl_userdata), self)
            .into_iter()
            .map(|(name, value)| (name, value.as_given()))
            .collect()
    }

    /// The POST body, `application/x-www-form-urlencoded` (UTF-8, a space
    /// as `+`), with the fields of [`fields`](Screenpop::fields) in order.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::Screenpop;
    ///
    /// let pop = Screenpop { password: "a&b=c d".into(), ..Screenpop::default() };
    /// assert!(pop.to_form().contains("&Password=a%26b%3Dc+d&extPwd=a%26b%3Dc+d&"));
    /// ```
    pub fn to_form(&self) -> String {
        let mut form = String::new();
        write_form(
            &mut form,
            form_fields(Given::Plain(&self.ctl_userdata), self),
        );
        form
    }
}

/// The screenpop form's fields, in order, with `ctl_userdata` as the
/// `CtlUserData` and the agent's fields from `agent` (its own
/// `ctl_userdata` is not read): the one layout of the body, which
/// [`Screenpop::to_form`], [`Screenpop::fields`] and `CompiledLink` all
/// use.
pub(crate) fn form_fields<'a>(
    ctl_userdata: Given<'a>,
    agent: &'a Screenpop,
) -> [(&'static str, Given<'a>); 10] {
    [
        ("CtlUserData", ctl_userdata),
        ("AgentID", Given::Plain(&agent.agent_id)),
        ("Username", Given::Plain(&agent.username)),
        ("extLogin", Given::Plain(&agent.username)),
        ("Password", Given::Plain(&agent.password)),
        ("extPwd", Given::Plain(&agent.password)),
        ("Account", Given::Plain(&agent.account)),
        ("Role", Given::Plain(&agent.role)),
        // A constant that form encoding leaves as it is (a unit test holds
        // it to that): written as it is.
        ("Command", Given::Encoded(LAUNCH)),
        ("cmd", Given::Encoded(LAUNCH)),
    ]
}

impl fmt::Debug for Screenpop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Screenpop")
            .field("ctl_userdata", &self.ctl_userdata)
            .field("agent_id", &self.agent_id)
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .field("account", &self.account)
            .field("role", &self.role)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_names_and_constants_need_no_encoding() {
        let agent = Screenpop::default();
        let fields = form_fields(Given::Plain(""), &agent);
        crate::encode::tests::assert_plain_form_fields(&fields);
    }

    #[test]
    fn debug_redacts_even_in_alternate_form() {
        let pop = Screenpop {
            password: "pa55word".into(),
            role: "r".into(),
            ..Screenpop::default()
        };
        for text in [format!("{pop:?}"), format!("{pop:#?}")] {
            assert!(!text.contains("pa55word"), "{text}");
            assert!(text.contains("<redacted>"), "{text}");
            assert!(text.contains("role"), "{text}");
        }
    }
}
