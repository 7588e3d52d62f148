//! The CRM create request for Salesforce (`ctl_action=create`,
//! `ctl_intType=sfdc`).

use std::collections::HashMap;
use std::fmt::Write as _;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::encode::{Given, UNRESERVED};
use crate::userdata::{is_system_name, UserData};

/// The user data name that holds the sObject type.
const OBJECT_TYPE: &str = "ObjectType";

/// The object a create makes: the last `ObjectType` user field, spelled
/// exactly, when it is not empty.
pub(crate) fn object_type<'d>(data: &'d UserData<'_>) -> Option<&'d str> {
    data.get(OBJECT_TYPE).and_then(sobject)
}

/// Is the pair named `name` the one that names the sObject (`ObjectType`,
/// the last one wins)?
pub(crate) fn names_object_type(name: &str) -> bool {
    name == OBJECT_TYPE
}

/// The sObject an (expanded) `ObjectType` value names: none when empty.
pub(crate) fn sobject(value: &str) -> Option<&str> {
    Some(value).filter(|s| !s.is_empty())
}

/// Is the pair named `name` a field of the record? User data, except
/// `ObjectType`.
pub(crate) fn is_field(name: &str) -> bool {
    !is_system_name(name) && !names_object_type(name)
}

/// Bytes kept as they are in the sObject segment of the path: a Salesforce
/// API name is letters, digits and `_`; everything else is percent-encoded.
const SOBJECT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'_');

/// Bytes kept as they are in the API version segment (`v59.0`).
const VERSION: &AsciiSet = UNRESERVED;

/// A Salesforce record to create: the sObject type and its fields, for
/// `POST {instance}/services/data/vNN.N/sobjects/{sobject}/` with the JSON
/// body of [`to_json`](SfdcCreate::to_json).
///
/// # Example
///
/// ```
/// use clicktodial::{SfdcCreate, UserData};
///
/// let data = UserData::parse(
///     "[ctl_action|create][ctl_intType|sfdc][ObjectType|Task][Subject|Call 42][Status|Completed]",
/// )?;
/// let create = SfdcCreate::from_userdata(&data).expect("a create for sfdc");
/// assert_eq!(create.sobject, "Task");
/// assert_eq!(create.path("v59.0"), "/services/data/v59.0/sobjects/Task/");
/// assert_eq!(create.to_json(), r#"{"Subject":"Call 42","Status":"Completed"}"#);
/// # Ok::<(), clicktodial::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SfdcCreate {
    /// The sObject type (`Task`), from the `ObjectType` user field.
    pub sobject: String,
    /// The record's fields, in `ctl_userdata` order (duplicates kept; see
    /// [`to_json`](SfdcCreate::to_json)).
    pub fields: Vec<(String, String)>,
}

impl SfdcCreate {
    /// The create request the data asks for, if it asks for one.
    ///
    /// `Some` only when the system data says `ctl_action` = `create` and
    /// `ctl_intType` = `sfdc` (any letter case, the later pair winning, as in
    /// [`UserData::system`]) and the user field `ObjectType` (exactly so
    /// spelled; the last one) is present and not empty. The fields are the
    /// user fields in order, without `ObjectType` and without any `ctl_`
    /// name.
    ///
    /// Expand the data's tokens first: the fields are taken as they are.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{SfdcCreate, UserData};
    ///
    /// let data = UserData::parse("[ctl_action|create][ctl_intType|sfdc][ObjectType|Task][a|1]")?;
    /// let create = SfdcCreate::from_userdata(&data).unwrap();
    /// assert_eq!(create.fields, [("a".to_string(), "1".to_string())]);
    ///
    /// // No integration type: the vendor ignores the action.
    /// let data = UserData::parse("[ctl_action|create][ObjectType|Task]")?;
    /// assert_eq!(SfdcCreate::from_userdata(&data), None);
    /// # Ok::<(), clicktodial::ParseError>(())
    /// ```
    pub fn from_userdata(data: &UserData<'_>) -> Option<SfdcCreate> {
        if !data.system().creates_sfdc() {
            return None;
        }
        Self::from_fields(data)
    }

    /// The create for data already known to ask for one (the action plan
    /// has read its system data): `None` only without an `ObjectType`.
    pub(crate) fn from_fields(data: &UserData<'_>) -> Option<SfdcCreate> {
        let sobject = object_type(data)?;
        let fields = data
            .iter()
            .filter(|(name, _)| is_field(name))
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect();
        Some(SfdcCreate {
            sobject: sobject.to_owned(),
            fields,
        })
    }

    /// The REST path of the create: `/services/data/{version}/sobjects/{sobject}/`.
    ///
    /// The version is written as Salesforce writes it, `v59.0`; one given
    /// without its leading `v` (`59.0`) gets one, and `V59.0` is written
    /// `v59.0`. The sObject name is
    /// percent-encoded except for ASCII letters, digits and `_` (the only
    /// characters of a Salesforce API name), so a valid name is unchanged
    /// and no `ObjectType` value can leave its path segment (`/`, `?`, `#`,
    /// `..` are all encoded). The version is encoded likewise, keeping `.`
    /// `-` `~` too.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::SfdcCreate;
    ///
    /// let create = SfdcCreate { sobject: "Task".into(), fields: vec![] };
    /// assert_eq!(create.path("v59.0"), "/services/data/v59.0/sobjects/Task/");
    /// assert_eq!(create.path("59.0"), "/services/data/v59.0/sobjects/Task/");
    ///
    /// let odd = SfdcCreate { sobject: "../Account?x".into(), fields: vec![] };
    /// assert_eq!(odd.path("v59.0"), "/services/data/v59.0/sobjects/%2E%2E%2FAccount%3Fx/");
    /// ```
    pub fn path(&self, api_version: &str) -> String {
        path(&self.sobject, api_version)
    }

    /// The record as a JSON object: `{"name":"value",…}`, every value a JSON
    /// string, in field order.
    ///
    /// A name given more than once is written once, where it first appears,
    /// with its *last* value: the later pair wins, as it does for every
    /// lookup in this crate, and the object has no duplicate keys (which
    /// JSON allows but parsers read differently, some refusing them).
    ///
    /// Strings are escaped per RFC 8259: `"` and `\` with a backslash, the
    /// control characters U+0000 to U+001F as `\b` `\f` `\n` `\r` `\t` or
    /// `\u00XX`; U+2028 and U+2029 as `\u2028` `\u2029` too (valid JSON
    /// either way, but safe to embed in JavaScript); everything else as
    /// UTF-8.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::SfdcCreate;
    ///
    /// let create = SfdcCreate {
    ///     sobject: "Task".into(),
    ///     fields: vec![
    ///         ("Subject".into(), "say \"hi\"".into()),
    ///         ("Description".into(), "line 1\nline 2\\".into()),
    ///         ("Subject".into(), "later wins".into()),
    ///     ],
    /// };
    /// assert_eq!(
    ///     create.to_json(),
    ///     r#"{"Subject":"later wins","Description":"line 1\nline 2\\"}"#
    /// );
    /// ```
    pub fn to_json(&self) -> String {
        let capacity = self
            .fields
            .iter()
            .map(|(n, v)| n.len() + v.len() + 6)
            .sum::<usize>()
            + 2;
        let mut out = String::with_capacity(capacity);
        let layout = json_layout(self.fields.iter().map(|(name, _)| name.as_str()));
        write_json_object(
            &mut out,
            layout.iter().filter_map(|&(key, value)| {
                let (name, _) = self.fields.get(key)?;
                let (_, value) = self.fields.get(value)?;
                Some((Given::Plain(name), value.as_str()))
            }),
        );
        out
    }
}

/// Appends `s` to `out` as a JSON string literal, quotes included.
/// The create's REST path for `sobject`, the one writer of it
/// ([`SfdcCreate::path`], `CallBuffers::sfdc_path`).
pub(crate) fn path(sobject: &str, api_version: &str) -> String {
    let version = api_version.strip_prefix(['v', 'V']).unwrap_or(api_version);
    format!(
        "/services/data/v{}/sobjects/{}/",
        utf8_percent_encode(version, VERSION),
        utf8_percent_encode(sobject, SOBJECT),
    )
}

/// Which fields the JSON object has, given the fields' names in order: for
/// each name, where it first appears (the key's place) and where it last
/// appears (the value written), in the order of first appearance. Linear.
pub(crate) fn json_layout<'n>(names: impl Iterator<Item = &'n str>) -> Vec<(usize, usize)> {
    let mut layout: Vec<(usize, usize)> = Vec::new();
    // Where each name's field is in `layout`.
    let mut at: HashMap<&str, usize> = HashMap::new();
    for (i, name) in names.enumerate() {
        match at.get(name).and_then(|&j| layout.get_mut(j)) {
            Some(field) => field.1 = i,
            None => {
                at.insert(name, layout.len());
                layout.push((i, i));
            }
        }
    }
    layout
}

/// Appends a JSON object key, `"name":` (written once for a field written
/// on many calls, then given to [`write_json_object`] as
/// [`Given::Encoded`]).
pub(crate) fn write_json_key(out: &mut String, name: &str) {
    write_json_string(out, name);
    out.push(':');
}

/// The one writer of the Salesforce JSON object: `{`, each key and its
/// value as a JSON string, separated by `,`, then `}`.
#[inline]
pub(crate) fn write_json_object<'a>(
    out: &mut String,
    fields: impl IntoIterator<Item = (Given<'a>, &'a str)>,
) {
    out.push('{');
    for (i, (key, value)) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        key.write_with(out, write_json_key);
        write_json_string(out, value);
    }
    out.push('}');
}

pub(crate) fn write_json_string(out: &mut String, s: &str) {
    out.push('"');
    let mut rest = s;
    // Copy runs of characters that need no escape in one go.
    while let Some((plain, tail)) =
        next_escape(rest.as_bytes()).and_then(|at| rest.split_at_checked(at))
    {
        out.push_str(plain);
        let mut chars = tail.chars();
        let Some(c) = chars.next() else { break };
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0C}' => out.push_str("\\f"),
            // The other control characters, U+2028 and U+2029. Writing to
            // a String cannot fail.
            other => {
                let _ = write!(out, "\\u{:04x}", u32::from(other));
            }
        }
        rest = chars.as_str();
    }
    out.push_str(rest);
    out.push('"');
}

/// Where the first character that must be escaped starts, looking at
/// bytes: an ASCII control, `"`, `\`, or the first byte of U+2028 or
/// U+2029 (`E2 80 A8`, `E2 80 A9`). No other character's UTF-8 holds these
/// bytes, so the offset is always a character boundary.
#[inline]
fn next_escape(bytes: &[u8]) -> Option<usize> {
    bytes.iter().enumerate().position(|(i, &b)| {
        b < 0x20
            || b == b'"'
            || b == b'\\'
            || (b == 0xE2
                && bytes.get(i + 1) == Some(&0x80)
                && matches!(bytes.get(i + 2), Some(0xA8 | 0xA9)))
    })
}

/// The characters a JSON string here escapes (the reference for
/// `next_escape`).
#[cfg(test)]
fn needs_escape(c: char) -> bool {
    matches!(
        c,
        '"' | '\\' | '\u{00}'..='\u{1F}' | '\u{2028}' | '\u{2029}'
    )
}

/// How the create action went, as the contact center reports it to
/// [`ActionPlan::finish`](crate::ActionPlan::finish).
///
/// # Example
///
/// ```
/// use clicktodial::CreateOutcome;
/// let done = CreateOutcome::Created("00T5e00000AbCdE".into());
/// assert_ne!(done, CreateOutcome::NotRun);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum CreateOutcome {
    /// No create was attempted.
    NotRun,
    /// The record was created, with this id.
    Created(String),
    /// The create failed, with this error message.
    Failed(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(s: &str) -> String {
        let mut out = String::new();
        write_json_string(&mut out, s);
        out
    }

    #[test]
    fn escapes() {
        assert_eq!(json(""), r#""""#);
        assert_eq!(json("plain é ✓"), "\"plain é ✓\"");
        assert_eq!(json("\"\\"), r#""\"\\""#);
        assert_eq!(json("\u{0}\u{1f}\u{7f}"), "\"\\u0000\\u001f\u{7f}\"");
        assert_eq!(json("\u{8}\u{c}\n\r\t"), r#""\b\f\n\r\t""#);
        assert_eq!(json("a\u{2028}b\u{2029}"), r#""a\u2028b\u2029""#);
        assert_eq!(json("😀"), "\"😀\"");
    }

    #[test]
    fn byte_search_finds_what_needs_escape() {
        let samples = [
            "",
            "plain",
            "a\"b",
            "\\",
            "\u{1f}x",
            "\u{7f}",
            "é\u{2028}",
            "\u{2029}",
            "\u{2027}\u{202a}",
            "\u{e280}",
            "😀\n",
            "\u{20a8}",
            "€",
        ];
        for s in samples {
            let want = s
                .char_indices()
                .find(|(_, c)| needs_escape(*c))
                .map(|(i, _)| i);
            assert_eq!(next_escape(s.as_bytes()), want, "{s:?}");
        }
        for c in (0..0x3000u32).filter_map(char::from_u32) {
            let s = format!("a{c}b");
            let want = s
                .char_indices()
                .find(|(_, c)| needs_escape(*c))
                .map(|(i, _)| i);
            assert_eq!(next_escape(s.as_bytes()), want, "{c:?}");
        }
    }

    #[test]
    fn empty_object() {
        let c = SfdcCreate {
            sobject: "Task".into(),
            fields: vec![],
        };
        assert_eq!(c.to_json(), "{}");
    }
}
