//! 8x8's JSON "Place Call For Agent" API: the same call as a click-to-dial
//! link, placed server to server.
//!
//! `POST https://vcc-{platform}.8x8.com/api/v1/tenants/{tenant}/calls`, Basic
//! auth (the tenant's API user name and its Action Request Token), a JSON
//! body; a `200` answer carries the call's `interactionGuid`. The body
//! follows the vendor's published example field by field (the crate's
//! `tests/data/8x8/` keeps it, with where it comes from).

use std::fmt::Write as _;

use percent_encoding::{utf8_percent_encode, AsciiSet};

use crate::encode::UNRESERVED;
use crate::payload::sfdc::write_json_string;
use crate::request::ClickToDialRequest;

/// Bytes kept as they are in the tenant's path segment.
const SEGMENT: &AsciiSet = UNRESERVED;

/// The tenant's segment when it is only dots: every dot encoded.
const DOTS: &AsciiSet = &SEGMENT.add(b'.');

/// A "Place Call For Agent" request: who places the call, what to dial, and
/// the data that rides along, as 8x8's JSON call API takes it.
///
/// # Example
///
/// ```
/// use clicktodial::{ClickToDialRequest, PlaceCall};
///
/// let req = ClickToDialRequest::from_query(
///     "prefix=1&phone=(617)%20555-1984&callerId=12015551212&queue_id=598\
///      &ctl_userdata=[AccountRef|BB123987]",
/// )?;
/// let call = PlaceCall::from_request(&req, "ag0VYyLh0YTsymdbtYIaaaa");
/// assert_eq!(call.number, "6175551984");
/// assert_eq!(
///     call.to_json(),
///     r#"{"agentId":"ag0VYyLh0YTsymdbtYIaaaa","prefix":"1","number":"6175551984","callerId":"12015551212","queueId":"598","forceCall":false,"extTransactionData":[],"ctlUserData":[{"name":"AccountRef","value":"BB123987"}]}"#
/// );
/// # Ok::<(), clicktodial::RequestError>(())
/// ```
///
/// With `serde`, a `PlaceCall` (de)serializes as this wire JSON: the same
/// bytes as [`to_json`](PlaceCall::to_json) through `serde_json`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "camelCase")
)]
pub struct PlaceCall {
    /// `agentId`: the agent's internal id (Configuration Manager, Users,
    /// "Internal Id").
    #[cfg_attr(feature = "serde", serde(default))]
    pub agent_id: String,
    /// `prefix`: dialled before the number; always sent, may be empty (the
    /// vendor: "this MUST be passed but can be an empty string").
    #[cfg_attr(feature = "serde", serde(default))]
    pub prefix: String,
    /// `number`: the digits to dial, without the prefix.
    pub number: String,
    /// `callerId`: the caller id to present; always sent, may be empty (the
    /// agent's configured one is used then).
    #[cfg_attr(feature = "serde", serde(default))]
    pub caller_id: String,
    /// `queueId`: the queue to call with, sent as a JSON string (`"598"`, as
    /// in the vendor's example); omitted when `None`.
    #[cfg_attr(feature = "serde", serde(default, with = "wire::id"))]
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub queue_id: Option<u64>,
    /// `forceCall`: offer the call to an agent busy on the other line or on
    /// chat; always sent.
    #[cfg_attr(feature = "serde", serde(default))]
    pub force_call: bool,
    /// `dialplanId`: the dial plan to apply, sent as a JSON string; omitted
    /// when `None`.
    #[cfg_attr(feature = "serde", serde(default, with = "wire::id"))]
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub dialplan_id: Option<u64>,
    /// `extTransactionData`: `{"name","value"}` objects, in order; always
    /// sent (may be `[]`).
    #[cfg_attr(feature = "serde", serde(default, with = "wire::name_values"))]
    pub ext_transaction_data: Vec<(String, String)>,
    /// `ctlUserData`: every `ctl_userdata` pair, system pairs included, in
    /// order, tokens unexpanded (the contact center expands them); always
    /// sent (may be `[]`).
    #[cfg_attr(feature = "serde", serde(default, with = "wire::name_values"))]
    pub ctl_user_data: Vec<(String, String)>,
}

impl PlaceCall {
    /// The call a click-to-dial request asks for, placed for `agent_id`:
    /// `prefix` and `callerId` as given (empty when absent), `number` the
    /// phone's digits, the ids, `extTransactionData` and every
    /// `ctl_userdata` pair in order. `force_call` is `false`.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{ClickToDialRequest, PlaceCall};
    ///
    /// let req = ClickToDialRequest::new("+1 (650) 292-8880");
    /// let call = PlaceCall::from_request(&req, "agent7");
    /// assert_eq!((call.prefix.as_str(), call.number.as_str()), ("", "16502928880"));
    /// assert!(!call.force_call);
    /// assert!(call.ctl_user_data.is_empty());
    /// ```
    pub fn from_request(req: &ClickToDialRequest, agent_id: impl Into<String>) -> PlaceCall {
        let pairs = |data: Option<&crate::UserData<'_>>| {
            data.map(|d| {
                d.iter()
                    .map(|(n, v)| (n.to_owned(), v.to_owned()))
                    .collect()
            })
            .unwrap_or_default()
        };
        PlaceCall {
            agent_id: agent_id.into(),
            prefix: req.prefix.clone().unwrap_or_default(),
            number: req.number(),
            caller_id: req.caller_id.clone().unwrap_or_default(),
            queue_id: req.queue_id,
            dialplan_id: req.dialplan_id,
            force_call: false,
            ext_transaction_data: pairs(req.ext_transaction_data.as_ref().map(|e| e.data())),
            ctl_user_data: pairs(req.userdata.as_ref()),
        }
    }

    /// The API path for `tenant`: `/api/v1/tenants/{tenant}/calls`, the
    /// tenant percent-encoded except `A-Z a-z 0-9 - . _ ~` (a tenant of dots
    /// only, `..`, has its dots encoded too), so no tenant name leaves its
    /// segment.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::PlaceCall;
    /// assert_eq!(PlaceCall::path("acmecorp01"), "/api/v1/tenants/acmecorp01/calls");
    /// assert_eq!(PlaceCall::path("../x?y"), "/api/v1/tenants/..%2Fx%3Fy/calls");
    /// assert_eq!(PlaceCall::path(".."), "/api/v1/tenants/%2E%2E/calls");
    /// ```
    pub fn path(tenant: &str) -> String {
        // `.` and `..` would be read as "this" and "the parent" segment.
        let set = if tenant.bytes().all(|b| b == b'.') {
            DOTS
        } else {
            SEGMENT
        };
        format!("/api/v1/tenants/{}/calls", utf8_percent_encode(tenant, set))
    }

    /// The JSON body, fields in the order of the vendor's example:
    /// `agentId`, `prefix`, `number`, `callerId`, `queueId`, `forceCall`,
    /// `dialplanId`, `extTransactionData`, `ctlUserData`. Every value but
    /// `forceCall` is a JSON string; `queueId` and `dialplanId` are left out
    /// when `None`; the pair lists are arrays of `{"name","value"}` objects
    /// (duplicates kept, in order). Strings are escaped as in
    /// [`SfdcCreate::to_json`](crate::SfdcCreate::to_json).
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::PlaceCall;
    ///
    /// let call = PlaceCall {
    ///     agent_id: "a\"1".into(),
    ///     prefix: String::new(),
    ///     number: "6175551984".into(),
    ///     caller_id: String::new(),
    ///     queue_id: None,
    ///     dialplan_id: Some(12),
    ///     force_call: true,
    ///     ext_transaction_data: vec![("Name".into(), "Bilbo Baggins".into())],
    ///     ctl_user_data: vec![],
    /// };
    /// assert_eq!(
    ///     call.to_json(),
    ///     r#"{"agentId":"a\"1","prefix":"","number":"6175551984","callerId":"","forceCall":true,"dialplanId":"12","extTransactionData":[{"name":"Name","value":"Bilbo Baggins"}],"ctlUserData":[]}"#
    /// );
    /// ```
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(256);
        let field = |out: &mut String, name: &str| {
            if out.len() > 1 {
                out.push(',');
            }
            write_json_string(out, name);
            out.push(':');
        };
        out.push('{');
        for (name, value) in [
            ("agentId", &self.agent_id),
            ("prefix", &self.prefix),
            ("number", &self.number),
            ("callerId", &self.caller_id),
        ] {
            field(&mut out, name);
            write_json_string(&mut out, value);
        }
        if let Some(id) = self.queue_id {
            field(&mut out, "queueId");
            let _ = write!(out, "\"{id}\"");
        }
        field(&mut out, "forceCall");
        out.push_str(if self.force_call { "true" } else { "false" });
        if let Some(id) = self.dialplan_id {
            field(&mut out, "dialplanId");
            let _ = write!(out, "\"{id}\"");
        }
        for (name, pairs) in [
            ("extTransactionData", &self.ext_transaction_data),
            ("ctlUserData", &self.ctl_user_data),
        ] {
            field(&mut out, name);
            out.push('[');
            for (i, (n, v)) in pairs.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str("{\"name\":");
                write_json_string(&mut out, n);
                out.push_str(",\"value\":");
                write_json_string(&mut out, v);
                out.push('}');
            }
            out.push(']');
        }
        out.push('}');
        out
    }
}

#[cfg(feature = "http")]
impl PlaceCall {
    /// Reads 8x8's answer to the call: the `interactionGuid` of a `2xx`
    /// answer that has one (a non-empty string; `id`, as the vendor's
    /// OpenAPI reference names it, is read too).
    ///
    /// Any other answer is [`RequestErrorKind::Answer`](crate::RequestErrorKind::Answer)
    /// naming the status and the vendor's `message` and `reasons` (or that a
    /// success had no guid, or, for a body that is not JSON, the JSON error
    /// and the body's first characters), on one line of bounded length.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::PlaceCall;
    ///
    /// let guid = PlaceCall::interaction_guid(
    ///     200,
    ///     br#"{"reasons":["Call successfully initiated"],"message":"OK","interactionGuid":"int-184a0c5493f-nempJR9b0nXcZbChiZmtZkLCE-phone-00-acmecorp01"}"#,
    /// )?;
    /// assert_eq!(guid, "int-184a0c5493f-nempJR9b0nXcZbChiZmtZkLCE-phone-00-acmecorp01");
    ///
    /// let err = PlaceCall::interaction_guid(
    ///     400,
    ///     br#"{"reasons":["Agent=[ag1] not available to handle interaction"],"message":"Bad Request"}"#,
    /// )
    /// .unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "8x8 answered 400: Bad Request (Agent=[ag1] not available to handle interaction)"
    /// );
    /// # Ok::<(), clicktodial::RequestError>(())
    /// ```
    pub fn interaction_guid(status: u16, body: &[u8]) -> Result<String, crate::RequestError> {
        use crate::error::RequestErrorKind;
        use crate::payload::http::{not_json, MAX_DETAIL};
        use serde_json::Value;

        let answer = |detail: String| -> crate::RequestError {
            RequestErrorKind::Answer {
                vendor: "8x8",
                status,
                detail: crate::redact::sanitize(&detail)
                    .max_chars(MAX_DETAIL)
                    .to_string(),
            }
            .into()
        };
        let value: Value = serde_json::from_slice(body).map_err(|e| answer(not_json(&e, body)))?;
        if (200..300).contains(&status) {
            let guid = ["interactionGuid", "id"].iter().find_map(|k| {
                value
                    .get(k)
                    .and_then(Value::as_str)
                    .filter(|g| !g.is_empty())
            });
            if let Some(guid) = guid {
                return Ok(guid.to_owned());
            }
        }
        let message = value.get("message").and_then(Value::as_str).unwrap_or("");
        let reasons = value
            .get("reasons")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .map(|r| r.as_str().map_or_else(|| r.to_string(), str::to_owned))
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default();
        let said = match (message.is_empty(), reasons.is_empty()) {
            (false, false) => format!("{message} ({reasons})"),
            (false, true) => message.to_owned(),
            (true, false) => reasons,
            (true, true) => String::new(),
        };
        let detail = match ((200..300).contains(&status), said.is_empty()) {
            (true, true) => "no interactionGuid in the answer".to_owned(),
            (true, false) => format!("no interactionGuid in the answer: {said}"),
            (false, true) => format!("unexpected answer {value}"),
            (false, false) => said,
        };
        Err(answer(detail))
    }

    /// The request to send: `POST {platform}/api/v1/tenants/{tenant}/calls`
    /// with the body of [`to_json`](PlaceCall::to_json),
    /// `Content-Type: application/json`, `Accept: application/json`, and
    /// `Authorization: Basic base64(username:action_token)` marked
    /// sensitive (never in `Debug`).
    ///
    /// `platform` is the tenant's platform URL
    /// (`https://vcc-na12.8x8.com`), used as
    /// [`SfdcCreate::to_http`](crate::SfdcCreate::to_http) uses its instance.
    /// A user name that is empty or holds a `:` (Basic auth could not tell
    /// where it ends), or a user name or token that is empty or holds a
    /// line break or another control character, is
    /// [`RequestErrorKind::Credential`](crate::RequestErrorKind::Credential);
    /// neither is ever shown.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{http, url::Url, ClickToDialRequest, PlaceCall, RequestErrorKind};
    ///
    /// let call = PlaceCall::from_request(&ClickToDialRequest::new("6175551984"), "ag1");
    /// let platform = Url::parse("https://vcc-na12.8x8.com")?;
    /// let req = call.to_http(&platform, "acmecorp01", "acmecorp01", "t0ken")?;
    /// assert_eq!(req.uri(), "https://vcc-na12.8x8.com/api/v1/tenants/acmecorp01/calls");
    /// assert_eq!(req.headers()["authorization"], "Basic YWNtZWNvcnAwMTp0MGtlbg==");
    /// assert!(req.headers()["authorization"].is_sensitive());
    /// assert!(!format!("{req:?}").contains("YWNtZWNvcnAwMTp0MGtlbg"));
    ///
    /// let err = call.to_http(&platform, "acmecorp01", "acme:corp", "t0ken").unwrap_err();
    /// assert!(matches!(err.kind(), RequestErrorKind::Credential { .. }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_http(
        &self,
        platform: &url::Url,
        tenant: &str,
        username: &str,
        action_token: &str,
    ) -> Result<http::Request<Vec<u8>>, crate::RequestError> {
        use crate::error::RequestErrorKind;
        use crate::payload::http::{basic_value, check_credential, endpoint, json_post};

        check_credential("the user name", username, false)?;
        if username.contains(':') {
            return Err(RequestErrorKind::Credential {
                what: "the user name",
                reason: "it contains `:`, which Basic auth cannot hold in a user name",
            }
            .into());
        }
        check_credential("the action token", action_token, false)?;
        let mut credentials = Vec::with_capacity(username.len() + action_token.len() + 1);
        credentials.extend_from_slice(username.as_bytes());
        credentials.push(b':');
        credentials.extend_from_slice(action_token.as_bytes());
        let auth = basic_value(&credentials).ok_or(RequestErrorKind::Credential {
            what: "the action token",
            reason: "it is not a valid header value",
        })?;
        let uri = endpoint(platform, &Self::path(tenant))?;
        Ok(json_post(uri, auth, self.to_json()))
    }
}

/// The wire forms of `PlaceCall`'s ids and pairs, for serde: an id is a JSON
/// string of digits (a number, and an empty string for none, are read too),
/// pairs are `{"name","value"}` objects. Reading, every field but `number`
/// may be left out (empty, none, `false`, no pairs).
#[cfg(feature = "serde")]
mod wire {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub(super) mod id {
        use super::*;

        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Id {
            Text(String),
            Number(u64),
        }

        pub(crate) fn serialize<S: Serializer>(id: &Option<u64>, s: S) -> Result<S::Ok, S::Error> {
            match id {
                Some(id) => s.collect_str(id),
                None => s.serialize_none(),
            }
        }

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<u64>, D::Error> {
            match Option::<Id>::deserialize(d)? {
                None => Ok(None),
                Some(Id::Number(id)) => Ok(Some(id)),
                // An empty id is no id, as an empty `queue_id=` is none.
                Some(Id::Text(text)) if text.is_empty() => Ok(None),
                Some(Id::Text(text)) => text
                    .parse()
                    .map(Some)
                    .map_err(|_| serde::de::Error::custom("an id is a string of digits")),
            }
        }
    }

    pub(super) mod name_values {
        use super::*;

        #[derive(Serialize)]
        struct NameValueRef<'a> {
            name: &'a str,
            value: &'a str,
        }

        #[derive(Deserialize)]
        struct NameValue {
            name: String,
            value: String,
        }

        pub(crate) fn serialize<S: Serializer>(
            pairs: &[(String, String)],
            s: S,
        ) -> Result<S::Ok, S::Error> {
            s.collect_seq(
                pairs
                    .iter()
                    .map(|(name, value)| NameValueRef { name, value }),
            )
        }

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Vec<(String, String)>, D::Error> {
            let pairs = Vec::<NameValue>::deserialize(d)?;
            Ok(pairs.into_iter().map(|p| (p.name, p.value)).collect())
        }
    }
}
