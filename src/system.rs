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

use std::ops::Range;

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
#[non_exhaustive]
pub enum LaunchMode {
    /// The record opens read-only (no `ctl_launchext`).
    #[default]
    ReadOnly,
    /// `edit`: the record opens for editing.
    Edit,
}

/// `as_str` and the reader of a vendor enum that is one known word (matched
/// in any letter case) or any other word, kept as written.
macro_rules! known_word_or_other {
    ($ty:ident, $known:ident => $word:literal, $field:literal, $other_example:literal) => {
        impl $ty {
            #[doc = concat!("The vendor's word: `", $word, "`, or another as written. With")]
            /// `serde`, this is the wire form.
            ///
            /// # Example
            ///
            /// ```
            #[doc = concat!("use clicktodial::", stringify!($ty), ";")]
            #[doc = concat!("assert_eq!(", stringify!($ty), "::", stringify!($known), ".as_str(), \"", $word, "\");")]
            #[doc = concat!("assert_eq!(", stringify!($ty), "::Other(\"", $other_example, "\".into()).as_str(), \"", $other_example, "\");")]
            /// ```
            pub fn as_str(&self) -> &str {
                match self {
                    $ty::$known => $word,
                    $ty::Other(word) => word,
                }
            }

            #[doc = concat!("Reads a `", $field, "` value: `", $word, "` in any letter case, or another.")]
            pub(crate) fn read(value: &str) -> $ty {
                if value.eq_ignore_ascii_case($word) {
                    $ty::$known
                } else {
                    $ty::Other(value.to_owned())
                }
            }
        }
    };
}

known_word_or_other!(Action, Create => "create", "ctl_action", "Delete");
known_word_or_other!(Integration, Sfdc => "sfdc", "ctl_intType", "zendesk");

impl LaunchMode {
    /// The vendor's word: `edit`, or `readonly` (the vendor's word for a
    /// record opened without `ctl_launchext`). With `serde`, this is the
    /// mode's wire form.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::LaunchMode;
    /// assert_eq!(LaunchMode::Edit.as_str(), "edit");
    /// assert_eq!(LaunchMode::ReadOnly.as_str(), "readonly");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            LaunchMode::ReadOnly => "readonly",
            LaunchMode::Edit => "edit",
        }
    }

    /// Reads a `ctl_launchext` value: `edit` in any letter case opens the
    /// record for editing; anything else, read-only.
    pub(crate) fn read(value: &str) -> LaunchMode {
        if value.eq_ignore_ascii_case(LaunchMode::Edit.as_str()) {
            LaunchMode::Edit
        } else {
            LaunchMode::ReadOnly
        }
    }
}

/// The vendor's enums travel as the vendor's words (`as_str`), and are read
/// back as the system data reader reads them.
#[cfg(feature = "serde")]
macro_rules! serde_as_vendor_word {
    ($($ty:ty),*) => {$(
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let word = <String as serde::Deserialize>::deserialize(deserializer)?;
                Ok(<$ty>::read(&word))
            }
        }
    )*};
}

#[cfg(feature = "serde")]
serde_as_vendor_word!(Action, Integration, LaunchMode);

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

/// A known system name. Every `ctl_` name the crate reads is one of these;
/// a match on it is exhaustive, so a ninth name must be given a reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SystemName {
    Action,
    IntType,
    LaunchOpt,
    LaunchExt,
    ParentId,
    NewRecordId,
    CallbackUrl,
    RecordName,
}

impl SystemName {
    /// Every known name, in the vendor's order (and discriminant order).
    const ALL: [SystemName; 8] = [
        SystemName::Action,
        SystemName::IntType,
        SystemName::LaunchOpt,
        SystemName::LaunchExt,
        SystemName::ParentId,
        SystemName::NewRecordId,
        SystemName::CallbackUrl,
        SystemName::RecordName,
    ];

    /// The vendor's spelling.
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            SystemName::Action => "ctl_action",
            SystemName::IntType => "ctl_intType",
            SystemName::LaunchOpt => "ctl_launchopt",
            SystemName::LaunchExt => "ctl_launchext",
            SystemName::ParentId => "ctl_parentid",
            SystemName::NewRecordId => "ctl_newRecordId",
            SystemName::CallbackUrl => "ctl_callbackUrl",
            SystemName::RecordName => "ctl_recordname",
        }
    }

    /// The known name `name` is, in any letter case.
    pub(crate) fn of(name: &str) -> Option<SystemName> {
        SystemName::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(name))
    }
}

pub(crate) const NEW_RECORD_ID: &str = SystemName::NewRecordId.as_str();
/// Every known system name, in the vendor's order and spelling.
pub(crate) const SYSTEM_NAMES: [&str; 8] = [
    SystemName::Action.as_str(),
    SystemName::IntType.as_str(),
    SystemName::LaunchOpt.as_str(),
    SystemName::LaunchExt.as_str(),
    SystemName::ParentId.as_str(),
    SystemName::NewRecordId.as_str(),
    SystemName::CallbackUrl.as_str(),
    SystemName::RecordName.as_str(),
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
    SystemName::of(name).map(SystemName::as_str)
}

impl UserData<'_> {
    /// The typed system data, read leniently (a bad `ctl_launchopt` reads as
    /// `false`). Use [`SystemData::from_userdata`] for the strict reading.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{Action, UserData};
    /// let data = UserData::parse("[ctl_action|create][ctl_launchopt|maybe]")?;
    /// let system = data.system();
    /// assert_eq!(system.action, Some(Action::Create));
    /// assert!(!system.launch);
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn system(&self) -> SystemData {
        SystemData::read(self).0
    }
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
        let (system, faults) = Self::read(data);
        match faults.into_iter().next() {
            Some((kind, Some(span))) => Err(ParseError::new(kind, span.start)),
            Some((kind, None)) => Err(ParseError::unplaced(kind)),
            None => Ok(system),
        }
    }

    /// Reads the system data leniently: a bad `ctl_launchopt` reads as
    /// `false`, with a diagnostic spanning each bad pair (an empty span, 0..0,
    /// when the pair was added with `push`).
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
        let (system, faults) = Self::read(data);
        let diagnostics = faults
            .into_iter()
            .map(|(kind, span)| Diagnostic::new(kind, span.unwrap_or(0..0)))
            .collect();
        (system, diagnostics)
    }

    /// Reads the system data, with each fault and the span of its pair (if
    /// the pair was parsed from text).
    fn read(data: &UserData<'_>) -> (SystemData, Vec<Fault>) {
        let reading = SystemData::read_with_pairs(data);
        (reading.system, reading.faults)
    }

    /// The one reading of the system data: the typed data, and which pair
    /// set each field (the plan reads the data; the linter points at those
    /// pairs), each unknown `ctl_` pair, and each refused value.
    pub(crate) fn read_with_pairs(data: &UserData<'_>) -> SystemReading {
        let mut system = SystemData::default();
        let mut faults = Vec::new();
        let mut set_by = [None; SystemName::ALL.len()];
        let mut unknown = Vec::new();
        let mut refused = Vec::new();
        for (i, (name, value, span)) in data.spanned().enumerate() {
            if !is_system_name(name) {
                continue;
            }
            let Some(key) = SystemName::of(name) else {
                system.unknown.push((name.to_owned(), value.to_owned()));
                unknown.push(i);
                continue;
            };
            if let Some(slot) = set_by.get_mut(key as usize) {
                *slot = Some(i);
            }
            match key {
                SystemName::Action => system.action = Some(Action::read(value)),
                SystemName::IntType => system.integration = Some(Integration::read(value)),
                // The later pair wins the value; every one is checked.
                SystemName::LaunchOpt => {
                    system.launch = value.eq_ignore_ascii_case("true");
                    if !system.launch && !value.eq_ignore_ascii_case("false") {
                        let kind = ParseErrorKind::InvalidSystemValue {
                            name: name.to_owned(),
                            expected: "`true` or `false`",
                        };
                        faults.push((kind, span));
                        refused.push(i);
                    }
                }
                SystemName::LaunchExt => system.launch_mode = LaunchMode::read(value),
                SystemName::ParentId => system.parent_id = Some(value.to_owned()),
                SystemName::NewRecordId => system.new_record_id = Some(value.to_owned()),
                SystemName::CallbackUrl => system.callback_url = Some(value.to_owned()),
                SystemName::RecordName => system.record_name = Some(value.to_owned()),
            }
        }
        SystemReading {
            system,
            set_by,
            unknown,
            refused,
            faults,
        }
    }
}

/// The system data as read from pairs: the typed data, and where in the
/// pairs each part of it came from (indices into the data's pairs).
pub(crate) struct SystemReading {
    pub(crate) system: SystemData,
    /// The pair that set each known name's field (the last one: the later
    /// pair wins), by [`SystemName`].
    set_by: [Option<usize>; SystemName::ALL.len()],
    /// Each pair with an unknown `ctl_` name.
    pub(crate) unknown: Vec<usize>,
    /// Each pair whose value was refused (a `ctl_launchopt` other than
    /// `true` or `false`, which reads as `false`).
    pub(crate) refused: Vec<usize>,
    faults: Vec<Fault>,
}

impl SystemReading {
    /// The pair that set `name`'s field, if one did.
    pub(crate) fn set_by(&self, name: SystemName) -> Option<usize> {
        self.set_by.get(name as usize).copied().flatten()
    }
}

/// A system value the reading refused, and the span of its pair.
type Fault = (ParseErrorKind, Option<Range<usize>>);
