//! The serde wire forms (feature `serde`): the types that travel over HTTP
//! serialize and deserialize as the vendor writes them, so form and query
//! deserializers (`serde_urlencoded`, `axum::Form`, `axum::extract::Query`)
//! read them directly.
//!
//! - [`Callback`]: `ctl_userdata` (the `[name|value]…` text), `resultCode`
//!   (`SUCCESS`, `FAIL`, `IGNORE`), `errorString`. Deserializing reads as
//!   [`Callback::from_form`] does: names matched exactly, other fields
//!   ignored, `resultCode` required and exact, `ctl_userdata` parsed
//!   strictly, `errorString` empty when absent.
//! - [`ClickToDialRequest`]: `prefix`, `phone`, `callerId`, `dialplan_id`,
//!   `queue_id`, `ctl_userdata`, `extTransactionData` (texts), then the
//!   extra parameters under their own names, as
//!   [`to_url`](ClickToDialRequest::to_url) writes them. Deserializing
//!   validates exactly as [`ClickToDialRequest::from_query`] (it hands the
//!   fields, in order, to the same reader).
//! - [`UserData`]: serializes as a list of `[name, value]` pairs;
//!   deserializes from that list or from its `[name|value]` text (strictly).
//!
//! In self-describing formats (JSON) a field's value may also be a number or
//! a boolean (read as its text), `null` (read as absent), and
//! `ctl_userdata` / `extTransactionData` a list of `[name, value]` pairs.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};
use url::form_urlencoded;

use crate::payload::callback::{Callback, ResultCode};
use crate::request::ClickToDialRequest;
use crate::userdata::UserData;

// ---- UserData: its text, or a list of pairs -------------------------------

struct UserDataVisitor;

impl<'de> Visitor<'de> for UserDataVisitor {
    type Value = UserData<'static>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("`[name|value]` text or a list of [name, value] pairs")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        UserData::parse(text)
            .map(UserData::into_owned)
            .map_err(E::custom)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut data = UserData::new();
        while let Some((name, value)) = seq.next_element::<(String, String)>()? {
            data.push(name, value).map_err(de::Error::custom)?;
        }
        Ok(data)
    }
}

/// `UserData` from its `[name|value]` text (parsed strictly) or from a list
/// of `[name, value]` pairs (an empty name refused, as `push` refuses it).
/// Formats that are not self-describing read the list.
///
/// # Example
///
/// ```
/// use clicktodial::UserData;
///
/// let from_text: UserData<'static> = serde_json::from_str(r#""[a|1][b|x%5Dy]""#)?;
/// let from_list: UserData<'static> = serde_json::from_str(r#"[["a","1"],["b","x]y"]]"#)?;
/// assert_eq!(from_text, from_list);
/// assert!(serde_json::from_str::<UserData<'static>>(r#""[a|1""#).is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
impl<'de> Deserialize<'de> for UserData<'_> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            d.deserialize_any(UserDataVisitor)
        } else {
            d.deserialize_seq(UserDataVisitor)
        }
    }
}

// ---- the fields of a form, in order ---------------------------------------

/// One field's value as text: a string as it is, a number or boolean as
/// written, a list of pairs as `[name|value]` text; `None` for null.
struct FieldValue(Option<String>);

impl<'de> Deserialize<'de> for FieldValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FieldValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a text value")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<FieldValue, E> {
                Ok(FieldValue(Some(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<FieldValue, E> {
                Ok(FieldValue(Some(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<FieldValue, E> {
                Ok(FieldValue(Some(v.to_string())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<FieldValue, E> {
                Ok(FieldValue(Some(v.to_string())))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<FieldValue, E> {
                Ok(FieldValue(Some(v.to_string())))
            }
            fn visit_none<E: de::Error>(self) -> Result<FieldValue, E> {
                Ok(FieldValue(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<FieldValue, E> {
                Ok(FieldValue(None))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<FieldValue, D::Error> {
                FieldValue::deserialize(d)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<FieldValue, A::Error> {
                UserDataVisitor
                    .visit_seq(seq)
                    .map(|data| FieldValue(Some(data.to_string())))
            }
        }
        d.deserialize_any(V)
    }
}

/// Every field of a map (a form body, a query, a JSON object), in order,
/// nulls left out.
struct Fields(Vec<(String, String)>);

impl<'de> Deserialize<'de> for Fields {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Fields;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of fields")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
                let mut fields = Vec::new();
                while let Some(name) = map.next_key::<String>()? {
                    if let FieldValue(Some(value)) = map.next_value()? {
                        fields.push((name, value));
                    }
                }
                Ok(Fields(fields))
            }
        }
        d.deserialize_map(V)
    }
}

// ---- Callback ---------------------------------------------------------------

/// The callback body's fields, `ctl_userdata` as text, in the vendor's
/// order; with `serde_urlencoded` this is exactly
/// [`to_form`](Callback::to_form).
///
/// # Example
///
/// ```
/// use clicktodial::{Callback, UserData};
///
/// let cb = Callback::fail(UserData::parse("[id|42]")?, "no way");
/// assert_eq!(
///     serde_json::to_string(&cb).unwrap(),
///     r#"{"ctl_userdata":"[id|42]","resultCode":"FAIL","errorString":"no way"}"#
/// );
/// # Ok::<(), clicktodial::ParseError>(())
/// ```
impl Serialize for Callback {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Callback", 3)?;
        st.serialize_field("ctl_userdata", &self.ctl_userdata.to_string())?;
        st.serialize_field("resultCode", self.result_code.as_str())?;
        st.serialize_field("errorString", &self.error_string)?;
        st.end()
    }
}

/// Reads the callback fields as [`Callback::from_form`] reads a body: names
/// matched exactly, other fields ignored, the last of a repeated field
/// wins, `resultCode` required (`SUCCESS`, `FAIL` or `IGNORE`, exactly),
/// `ctl_userdata` parsed strictly, `errorString` empty when absent.
///
/// # Example
///
/// ```
/// use clicktodial::{Callback, ResultCode};
///
/// let cb: Callback = serde_json::from_str(
///     r#"{"ctl_userdata":"[ctl_newRecordId|00T1]","resultCode":"SUCCESS"}"#,
/// )?;
/// assert_eq!(cb.result_code, ResultCode::Success);
/// assert_eq!(cb.new_record_id(), Some("00T1"));
/// assert!(serde_json::from_str::<Callback>(r#"{"resultCode":"success"}"#).is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
impl<'de> Deserialize<'de> for Callback {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let Fields(fields) = Fields::deserialize(d)?;
        let (mut userdata, mut result_code, mut error_string) = (None, None, None);
        for (name, value) in fields {
            match name.as_str() {
                "ctl_userdata" => userdata = Some(value),
                "resultCode" => result_code = Some(value),
                "errorString" => error_string = Some(value),
                _ => {}
            }
        }
        let result_code = result_code.ok_or_else(|| de::Error::missing_field("resultCode"))?;
        let result_code = result_code
            .parse::<ResultCode>()
            .map_err(|e| de::Error::custom(e.kind()))?;
        let ctl_userdata = match userdata {
            None => UserData::new(),
            Some(text) => UserData::parse(&text)
                .map_err(|e| de::Error::custom(e.in_field("ctl_userdata")))?
                .into_owned(),
        };
        Ok(Callback {
            ctl_userdata,
            result_code,
            error_string: error_string.unwrap_or_default(),
        })
    }
}

// ---- ClickToDialRequest -----------------------------------------------------

/// The request's parameters as a map, in the order
/// [`to_url`](ClickToDialRequest::to_url) writes them: the known ones that
/// are set (ids as text, `ctl_userdata` and `extTransactionData` as
/// `[name|value]` text), then `extra` (an entry whose name is empty or a
/// known parameter is left out, as in `to_url`).
///
/// # Example
///
/// ```
/// use clicktodial::ClickToDialRequest;
///
/// let req = ClickToDialRequest::from_query("prefix=1&phone=6502928880&queue_id=7&x=y")?;
/// assert_eq!(
///     serde_json::to_string(&req).unwrap(),
///     r#"{"prefix":"1","phone":"6502928880","queue_id":"7","x":"y"}"#
/// );
/// # Ok::<(), clicktodial::RequestError>(())
/// ```
impl Serialize for ClickToDialRequest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let known = [
            ("prefix", self.prefix.clone()),
            ("phone", Some(self.phone.clone())),
            ("callerId", self.caller_id.clone()),
            ("dialplan_id", self.dialplan_id.map(|v| v.to_string())),
            ("queue_id", self.queue_id.map(|v| v.to_string())),
            (
                "ctl_userdata",
                self.userdata.as_ref().map(ToString::to_string),
            ),
            (
                "extTransactionData",
                self.ext_transaction_data.as_ref().map(ToString::to_string),
            ),
        ];
        let mut map = s.serialize_map(None)?;
        for (name, value) in &known {
            if let Some(value) = value {
                map.serialize_entry(name, value)?;
            }
        }
        for (name, value) in &self.extra {
            let trimmed = name.trim();
            if !trimmed.is_empty() && !known.iter().any(|(k, _)| *k == trimmed) {
                map.serialize_entry(trimmed, value)?;
            }
        }
        map.end()
    }
}

/// Reads the parameters exactly as [`ClickToDialRequest::from_query`] reads
/// a query (the fields, in order, go through the same reader): names
/// trimmed, the last of a repeated parameter wins, `phone` required, the
/// digit parameters checked, `ctl_userdata` and `extTransactionData` parsed
/// strictly, unknown parameters kept in `extra`. The error is the
/// [`RequestError`](crate::RequestError)'s message.
///
/// # Example
///
/// ```
/// use clicktodial::ClickToDialRequest;
///
/// let req: ClickToDialRequest = serde_json::from_str(
///     r#"{"prefix":"1","phone":"(650) 292-8880","queue_id":7,"ctl_userdata":[["a","1"]]}"#,
/// )?;
/// assert_eq!(req.dial_string(), "16502928880");
/// assert_eq!(req.queue_id, Some(7));
/// assert_eq!(req.userdata.unwrap().get("a"), Some("1"));
/// assert!(serde_json::from_str::<ClickToDialRequest>(r#"{"phone":"{!Account.Phone}"}"#).is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
impl<'de> Deserialize<'de> for ClickToDialRequest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let Fields(fields) = Fields::deserialize(d)?;
        let query = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&fields)
            .finish();
        ClickToDialRequest::from_query(&query).map_err(|e| de::Error::custom(e.unplaced()))
    }
}
