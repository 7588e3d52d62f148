//! The system data (`ctl_*` pairs) as typed values.
//!
//! Names are matched in any letter case (`CTL_LAUNCHOPT` is
//! `ctl_launchopt`); where one appears twice, the later pair wins. Values
//! are kept as written, with these readings:
//!
//! - `ctl_action`: `create` (any case) is [`Action::Create`]; anything else
//!   is [`Action::Other`], which no contact center acts on.
//! - `ctl_intType`: `sfdc` (any case) is [`Integration::Sfdc`]; anything else
//!   is [`Integration::Other`].
//! - `ctl_launchopt`: `true` or `false` (any case). Anything else is an
//!   error for [`SystemData::from_userdata`] and `false` with a diagnostic
//!   for the lenient readings.
//! - `ctl_launchext`: `edit` (any case) is [`LaunchMode::Edit`]; anything
//!   else, or no pair, is [`LaunchMode::ReadOnly`], as the vendor text says.
//! - `ctl_parentid`, `ctl_newRecordId`, `ctl_callbackUrl`, `ctl_recordname`:
//!   the text as written (an empty value stays `Some("")`).
//! - Any other `ctl_` name goes to [`SystemData::unknown`], in order: it is
//!   never user data.

use crate::error::{Diagnostic, ParseError, ParseErrorKind};
use crate::userdata::{is_system_name, UserData};

/// `ctl_action`: what the contact center does once the call ends.
///
/// # Example
///
/// ```
/// use clicktodial::{Action, UserData};
/// let system = UserData::parse("[ctl_action|Create]")?.system();
/// assert_eq!(system.action, Some(Action::Create));
/// # Ok::<(), clicktodial::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Action {
    /// `create`: create a record in the CRM.
    Create,
    /// An action this crate (and the vendor) does not know, as written.
    Other(String),
}

/// `ctl_intType`: the CRM integration the action is for.
///
/// # Example
///
/// ```
/// use clicktodial::{Integration, UserData};
/// let system = UserData::parse("[ctl_intType|zendesk]")?.system();
/// assert_eq!(system.integration, Some(Integration::Other("zendesk".into())));
/// # Ok::<(), clicktodial::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Integration {
    /// `sfdc`: Salesforce.
    Sfdc,
    /// An integration type this crate does not know, as written.
    Other(String),
}

/// `ctl_launchext`: how the screenpop opens the record.
///
/// # Example
///
/// ```
/// use clicktodial::{LaunchMode, UserData};
/// let system = UserData::parse("[ctl_launchopt|true][ctl_launchext|edit]")?.system();
/// assert_eq!(system.launch_mode, LaunchMode::Edit);
/// assert_eq!(LaunchMode::default(), LaunchMode::ReadOnly);
/// # Ok::<(), clicktodial::ParseError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum LaunchMode {
    /// The record opens read-only (no `ctl_launchext`).
    #[default]
    ReadOnly,
    /// `edit`: the record opens for editing.
    Edit,
}

/// The typed system data of a `ctl_userdata`.
///
/// # Example
///
/// ```
/// use clicktodial::{Action, Integration, LaunchMode, SystemData, UserData};
///
/// let data = UserData::parse(
///     "[ctl_action|create][ctl_intType|sfdc][ctl_launchopt|true][ctl_launchext|edit]\
///      [ctl_parentid|001A][ctl_foo|bar][subject|hi]",
/// )?;
/// let system = SystemData::from_userdata(&data)?;
/// assert_eq!(system.action, Some(Action::Create));
/// assert_eq!(system.integration, Some(Integration::Sfdc));
/// assert!(system.launch);
/// assert_eq!(system.launch_mode, LaunchMode::Edit);
/// assert_eq!(system.parent_id.as_deref(), Some("001A"));
/// assert_eq!(system.unknown, [("ctl_foo".to_string(), "bar".to_string())]);
/// # Ok::<(), clicktodial::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SystemData {
    /// `ctl_action`.
    pub action: Option<Action>,
    /// `ctl_intType`.
    pub integration: Option<Integration>,
    /// `ctl_launchopt`; `false` when absent.
    pub launch: bool,
    /// `ctl_launchext`; read-only when absent.
    pub launch_mode: LaunchMode,
    /// `ctl_parentid`: the record the screenpop returns to.
    pub parent_id: Option<String>,
    /// `ctl_newRecordId`: written by the contact center after a create.
    pub new_record_id: Option<String>,
    /// `ctl_callbackUrl`, tokens not yet expanded.
    pub callback_url: Option<String>,
    /// `ctl_recordname`: the screenpop window's name.
    pub record_name: Option<String>,
    /// Every other `ctl_` pair, as written, in order.
    pub unknown: Vec<(String, String)>,
}

// The known system names, as the vendor spells them (matched in any case).
const ACTION: &str = "ctl_action";
const INT_TYPE: &str = "ctl_intType";
const LAUNCH_OPT: &str = "ctl_launchopt";
const LAUNCH_EXT: &str = "ctl_launchext";
const PARENT_ID: &str = "ctl_parentid";
pub(crate) const NEW_RECORD_ID: &str = "ctl_newRecordId";
const CALLBACK_URL: &str = "ctl_callbackUrl";
const RECORD_NAME: &str = "ctl_recordname";
/// Every known system name, in the vendor's order and spelling.
pub(crate) const SYSTEM_NAMES: [&str; 8] = [
    ACTION,
    INT_TYPE,
    LAUNCH_OPT,
    LAUNCH_EXT,
    PARENT_ID,
    NEW_RECORD_ID,
    CALLBACK_URL,
    RECORD_NAME,
];

/// The vendor's spelling of a known system name, matched in any case:
/// `Some("ctl_intType")` for `CTL_INTTYPE`, `None` for an unknown name.
///
/// # Example
///
/// ```
/// assert_eq!(clicktodial::known_system_name("CTL_CALLBACKURL"), Some("ctl_callbackUrl"));
/// assert_eq!(clicktodial::known_system_name("ctl_colour"), None);
/// ```
pub fn known_system_name(name: &str) -> Option<&'static str> {
    SYSTEM_NAMES
        .iter()
        .find(|k| k.eq_ignore_ascii_case(name))
        .copied()
}

impl SystemData {
    /// Whether this asks for the one create the contact center runs:
    /// `ctl_action=create` with `ctl_intType=sfdc`.
    pub(crate) fn creates_sfdc(&self) -> bool {
        self.action == Some(Action::Create) && self.integration == Some(Integration::Sfdc)
    }

    /// Reads the system data strictly: a `ctl_launchopt` other than `true` or
    /// `false` is an error at the offset of its pair (every one is checked,
    /// though the last one gives the value).
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{SystemData, UserData};
    /// let data = UserData::parse("[a|1][ctl_launchopt|yes]")?;
    /// let err = SystemData::from_userdata(&data).unwrap_err();
    /// assert_eq!(err.offset(), 5);
    /// assert_eq!(err.to_string(), "`ctl_launchopt` takes `true` or `false` at byte 5");
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn from_userdata(data: &UserData<'_>) -> Result<SystemData, ParseError> {
        let (system, diagnostics) = Self::from_userdata_lenient(data);
        match diagnostics.into_iter().next() {
            Some(d) => Err(ParseError::new(d.kind().clone(), d.span().start)),
            None => Ok(system),
        }
    }

    /// Reads the system data leniently: a bad `ctl_launchopt` reads as
    /// `false`, with a diagnostic spanning each bad pair (an empty span when the
    /// pair was not parsed from text).
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{SystemData, UserData};
    /// let data = UserData::parse("[ctl_launchopt|on]")?;
    /// let (system, diags) = SystemData::from_userdata_lenient(&data);
    /// assert!(!system.launch);
    /// assert_eq!(diags[0].span(), 0..18);
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn from_userdata_lenient(data: &UserData<'_>) -> (SystemData, Vec<Diagnostic>) {
        let mut system = SystemData::default();
        let mut diagnostics = Vec::new();
        for pair in &data.pairs {
            let (name, value) = (&*pair.name, &*pair.value);
            if !is_system_name(name) {
                continue;
            }
            let Some(key) = known_system_name(name) else {
                system.unknown.push((name.to_owned(), value.to_owned()));
                continue;
            };
            match key {
                ACTION => {
                    system.action = Some(if value.eq_ignore_ascii_case("create") {
                        Action::Create
                    } else {
                        Action::Other(value.to_owned())
                    })
                }
                INT_TYPE => {
                    system.integration = Some(if value.eq_ignore_ascii_case("sfdc") {
                        Integration::Sfdc
                    } else {
                        Integration::Other(value.to_owned())
                    })
                }
                // The later pair wins the value; every one is checked.
                LAUNCH_OPT => {
                    system.launch = value.eq_ignore_ascii_case("true");
                    if !system.launch && !value.eq_ignore_ascii_case("false") {
                        diagnostics.push(Diagnostic::new(
                            ParseErrorKind::InvalidSystemValue {
                                name: name.to_owned(),
                                expected: "`true` or `false`",
                            },
                            pair.span.range().unwrap_or(0..0),
                        ));
                    }
                }
                LAUNCH_EXT => {
                    system.launch_mode = if value.eq_ignore_ascii_case("edit") {
                        LaunchMode::Edit
                    } else {
                        LaunchMode::ReadOnly
                    }
                }
                PARENT_ID => system.parent_id = Some(value.to_owned()),
                NEW_RECORD_ID => system.new_record_id = Some(value.to_owned()),
                CALLBACK_URL => system.callback_url = Some(value.to_owned()),
                _ => system.record_name = Some(value.to_owned()),
            }
        }
        (system, diagnostics)
    }
}
