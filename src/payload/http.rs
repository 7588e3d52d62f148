//! The HTTP edge (feature `http`): complete [`http::Request`]s in and out,
//! and the answers of Salesforce and 8x8 read. Still no I/O: a service sends
//! what these build with the client it has, and hands the answer's status
//! and body back.
//!
//! Decisions where the vendors are silent:
//!
//! - **Reading requests.** [`ClickToDialRequest::from_http`] takes `GET`
//!   (the URI's query; a body is ignored) and `POST` (the query plus a form
//!   body); [`Callback::from_http`] takes `POST` only. A body is read only
//!   with `Content-Type: application/x-www-form-urlencoded` (any letter case,
//!   parameters allowed); its `charset`, if given, must be UTF-8 (or its
//!   subset US-ASCII). A `POST` with an empty body needs no content type; a
//!   non-empty one without it is refused, as PHP would ignore it.
//!   `multipart/form-data` is refused by name. A body over
//!   [`MAX_BODY_LEN`] (64 KiB) is refused before it is read, and a body that
//!   is not UTF-8 is refused with the offset of the first bad byte.
//! - **Building requests.** Each `to_http` returns a request any client can
//!   send as it is: method `POST`, an absolute URI, `Content-Type`,
//!   `Accept` for the JSON APIs, and the body. URLs lose their fragment.
//!   Credentials go only into an `Authorization` header marked sensitive
//!   ([`http::HeaderValue::set_sensitive`]), so `Debug` of the request shows
//!   `Sensitive` instead of them; a credential no header can hold is an
//!   error that says why without showing it.
//! - **Reading answers.** Salesforce's and 8x8's answers are read with
//!   `serde_json`; anything that is not the documented success becomes one
//!   line naming the status and what the body said, with control characters
//!   and line breaks turned into spaces and at most 300
//!   characters.

use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use http::{HeaderValue, Method, Request, Uri};
use url::Url;

use crate::error::{RequestError, RequestErrorKind};
use crate::payload::callback::Callback;
use crate::payload::screenpop::Screenpop;
use crate::payload::sfdc::CreateOutcome;
use crate::payload::sfdc::SfdcCreate;
use crate::request::ClickToDialRequest;

/// The largest form body [`ClickToDialRequest::from_http`] and
/// [`Callback::from_http`] read: 64 KiB. A `ctl_userdata` is a few hundred
/// bytes; a body larger than this is refused with
/// [`RequestErrorKind::BodyTooLarge`] before any of it is decoded. Set your
/// server's own body limit (axum's `DefaultBodyLimit`) no higher.
///
/// # Example
///
/// ```
/// use clicktodial::{http, Callback, RequestErrorKind, MAX_BODY_LEN};
///
/// let body = vec![b'a'; MAX_BODY_LEN + 1];
/// let req = http::Request::post("/cb")
///     .header("content-type", "application/x-www-form-urlencoded")
///     .body(body)?;
/// let err = Callback::from_http(&req).unwrap_err();
/// assert_eq!(
///     err.kind(),
///     &RequestErrorKind::BodyTooLarge { len: MAX_BODY_LEN + 1, limit: MAX_BODY_LEN }
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const MAX_BODY_LEN: usize = 64 * 1024;

/// The most characters of a vendor's words kept in a `Failed` outcome or an
/// [`RequestErrorKind::Answer`].
pub(crate) const MAX_DETAIL: usize = 300;

const FORM: &str = "application/x-www-form-urlencoded";
const JSON: &str = "application/json";

/// The form body of `req`, checked: content type, charset, size, UTF-8.
fn form_body<B: AsRef<[u8]>>(req: &Request<B>) -> Result<&str, RequestError> {
    let body = req.body().as_ref();
    match req.headers().get(CONTENT_TYPE) {
        None if body.is_empty() => return Ok(""),
        None => return Err(RequestErrorKind::ContentType("(none)".into()).into()),
        Some(value) => check_form_type(value)?,
    }
    if body.len() > MAX_BODY_LEN {
        return Err(RequestErrorKind::BodyTooLarge {
            len: body.len(),
            limit: MAX_BODY_LEN,
        }
        .into());
    }
    std::str::from_utf8(body).map_err(|e| RequestErrorKind::BodyNotUtf8(e.valid_up_to()).into())
}

/// `application/x-www-form-urlencoded`, with at most a UTF-8 charset.
fn check_form_type(value: &HeaderValue) -> Result<(), RequestError> {
    let text = String::from_utf8_lossy(value.as_bytes());
    let mut parts = text.split(';');
    let media = parts.next().unwrap_or_default().trim();
    if !media.eq_ignore_ascii_case(FORM) {
        return Err(RequestErrorKind::ContentType(media.to_owned()).into());
    }
    for param in parts {
        let Some((name, value)) = param.split_once('=') else {
            continue;
        };
        if name.trim().eq_ignore_ascii_case("charset") {
            let charset = value.trim().trim_matches('"');
            let utf8 = ["utf-8", "utf8", "us-ascii"]
                .iter()
                .any(|c| charset.eq_ignore_ascii_case(c));
            if !utf8 {
                return Err(RequestErrorKind::Charset(charset.to_owned()).into());
            }
        }
    }
    Ok(())
}

impl ClickToDialRequest {
    /// Reads a `make_call.php` request as an HTTP server received it.
    ///
    /// `GET`: the URI's query, as [`from_query`](ClickToDialRequest::from_query)
    /// (a body is ignored). `POST`: the query plus an
    /// `application/x-www-form-urlencoded` body, as
    /// [`from_query_and_form`](ClickToDialRequest::from_query_and_form) (the
    /// body's `ctl_userdata` and `extTransactionData` win). Another method
    /// is [`RequestErrorKind::Method`]; another content type
    /// [`RequestErrorKind::ContentType`], a charset other than UTF-8
    /// [`RequestErrorKind::Charset`], a body over [`MAX_BODY_LEN`]
    /// [`RequestErrorKind::BodyTooLarge`], one that is not UTF-8
    /// [`RequestErrorKind::BodyNotUtf8`]; each error names what arrived.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{http, ClickToDialRequest, RequestErrorKind};
    ///
    /// let get = http::Request::get("/AGUI/make_call.php?prefix=1&phone=6502928880").body(())?;
    /// # let get = get.map(|()| Vec::<u8>::new());
    /// assert_eq!(ClickToDialRequest::from_http(&get)?.dial_string(), "16502928880");
    ///
    /// let post = http::Request::post("/AGUI/make_call.php?phone=6502928880")
    ///     .header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
    ///     .body("ctl_userdata=%5Bsubject%7Chi%5D")?;
    /// let req = ClickToDialRequest::from_http(&post)?;
    /// assert_eq!(req.userdata.unwrap().get("subject"), Some("hi"));
    ///
    /// let json = http::Request::post("/AGUI/make_call.php")
    ///     .header("Content-Type", "application/json")
    ///     .body("{}")?;
    /// let err = ClickToDialRequest::from_http(&json).unwrap_err();
    /// assert_eq!(err.kind(), &RequestErrorKind::ContentType("application/json".into()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_http<B: AsRef<[u8]>>(req: &Request<B>) -> Result<Self, RequestError> {
        let query = req.uri().query().unwrap_or_default();
        match *req.method() {
            Method::GET => Self::from_query(query),
            Method::POST => Self::from_query_and_form(query, form_body(req)?),
            ref other => Err(RequestErrorKind::Method {
                method: other.as_str().to_owned(),
                expected: "GET or POST",
            }
            .into()),
        }
    }
}

impl Callback {
    /// The CRM side: reads the callback POST the contact center sent, as
    /// [`from_form`](Callback::from_form) reads its body.
    ///
    /// The method must be `POST` and the body
    /// `application/x-www-form-urlencoded` (UTF-8, at most
    /// [`MAX_BODY_LEN`]), as for
    /// [`ClickToDialRequest::from_http`]; a body that does not parse is
    /// [`RequestErrorKind::CallbackBody`] with the [`ParseError`](crate::ParseError).
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{http, Callback, RequestErrorKind, ResultCode};
    ///
    /// let req = http::Request::post("/cb")
    ///     .header("content-type", "application/x-www-form-urlencoded")
    ///     .body("ctl_userdata=%5Bid%7C42%5D&resultCode=IGNORE&errorString=")?;
    /// let cb = Callback::from_http(&req)?;
    /// assert_eq!(cb.result_code, ResultCode::Ignore);
    /// assert_eq!(cb.ctl_userdata.get("id"), Some("42"));
    ///
    /// let get = http::Request::get("/cb?resultCode=IGNORE").body("")?;
    /// assert!(matches!(Callback::from_http(&get).unwrap_err().kind(), RequestErrorKind::Method { .. }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_http<B: AsRef<[u8]>>(req: &Request<B>) -> Result<Callback, RequestError> {
        if req.method() != Method::POST {
            return Err(RequestErrorKind::Method {
                method: req.method().as_str().to_owned(),
                expected: "POST",
            }
            .into());
        }
        Callback::from_form(form_body(req)?).map_err(|e| RequestErrorKind::CallbackBody(e).into())
    }

    /// The callback POST to `url` (the expanded, checked `ctl_callbackUrl`):
    /// `Content-Type: application/x-www-form-urlencoded`, body
    /// [`to_form`](Callback::to_form).
    ///
    /// User info in the URL (`https://user:pass@crm.example.com/cb`) is not
    /// sent in the URI: it becomes an `Authorization: Basic` header, marked
    /// sensitive, as browsers and reqwest do. The fragment is dropped. A URL
    /// that [`http::Uri`] cannot hold (no host, or over 64 KiB, which
    /// [`check_callback_url`](crate::check_callback_url) never returns) gives
    /// a request whose URI is the relative `/`, which no client sends
    /// anywhere.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{http, url::Url, Callback, UserData};
    ///
    /// let cb = Callback::ignore(UserData::parse("[id|42]")?);
    /// let req = cb.to_http(&Url::parse("https://crm.example.com/cb?t=T1")?);
    /// assert_eq!(req.method(), http::Method::POST);
    /// assert_eq!(req.uri(), "https://crm.example.com/cb?t=T1");
    /// assert_eq!(req.headers()["content-type"], "application/x-www-form-urlencoded");
    /// assert_eq!(req.body(), cb.to_form().as_bytes());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_http(&self, url: &Url) -> Request<Vec<u8>> {
        form_post(url, self.to_form())
    }
}

impl Screenpop {
    /// The screenpop POST to the tenant's screenpop `url`:
    /// `Content-Type: application/x-www-form-urlencoded`, body
    /// [`to_form`](Screenpop::to_form). The URL is used as in
    /// [`Callback::to_http`]. The body holds the agent's password, as the
    /// vendor sends it; the request's `Debug` shows the body's bytes, so do
    /// not log it.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{http, url::Url, Screenpop};
    ///
    /// let pop = Screenpop { agent_id: "agent7".into(), ..Screenpop::default() };
    /// let req = pop.to_http(&Url::parse("https://crm.example.com/pop")?);
    /// assert_eq!(req.method(), http::Method::POST);
    /// assert_eq!(req.uri(), "https://crm.example.com/pop");
    /// assert_eq!(req.body(), pop.to_form().as_bytes());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_http(&self, url: &Url) -> Request<Vec<u8>> {
        form_post(url, self.to_form())
    }
}

impl SfdcCreate {
    /// The create request:
    /// `POST {instance}/services/data/{version}/sobjects/{sobject}/` with the
    /// JSON body of [`to_json`](SfdcCreate::to_json),
    /// `Content-Type: application/json`, `Accept: application/json` and
    /// `Authorization: Bearer {access_token}` marked sensitive (never in
    /// `Debug`).
    ///
    /// `instance` is the org's `instance_url` (`https://acme.my.salesforce.com`);
    /// `http` and `https` are accepted, a host is required, a path is kept
    /// as a prefix (a proxy), and its user info, query and fragment are
    /// dropped ([`RequestErrorKind::Target`] otherwise). An access token
    /// that is empty or holds white space, a control character (a line
    /// break, NUL) or a non-ASCII character is
    /// [`RequestErrorKind::Credential`], never sent and never shown.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::{http, url::Url, RequestErrorKind, SfdcCreate};
    ///
    /// let create = SfdcCreate { sobject: "Task".into(), fields: vec![("Subject".into(), "Call".into())] };
    /// let instance = Url::parse("https://acme.my.salesforce.com")?;
    /// let req = create.to_http(&instance, "v59.0", "00Dxx!AQ.secret")?;
    /// assert_eq!(req.uri(), "https://acme.my.salesforce.com/services/data/v59.0/sobjects/Task/");
    /// assert_eq!(req.body(), br#"{"Subject":"Call"}"#);
    /// assert!(req.headers()["authorization"].is_sensitive());
    /// assert!(!format!("{req:?}").contains("secret"));
    ///
    /// let err = create.to_http(&instance, "v59.0", "tok\r\nX-Evil: 1").unwrap_err();
    /// assert!(matches!(err.kind(), RequestErrorKind::Credential { .. }));
    /// assert!(!err.to_string().contains("Evil"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_http(
        &self,
        instance: &Url,
        api_version: &str,
        access_token: &str,
    ) -> Result<Request<Vec<u8>>, RequestError> {
        let auth = bearer(access_token)?;
        let uri = endpoint(instance, &self.path(api_version))?;
        Ok(json_post(uri, auth, self.to_json()))
    }
}

impl CreateOutcome {
    /// Reads Salesforce's answer to the create (REST API Developer Guide,
    /// "Create a Record"): `status` and the body's bytes.
    ///
    /// - `201` (or `200`) with `{"id": "…", "success": true, "errors": []}`
    ///   is [`Created`](CreateOutcome::Created) with the id.
    /// - Anything else is [`Failed`](CreateOutcome::Failed) with one line
    ///   that names the status and then what the body says: each
    ///   `errorCode: message` of an error array
    ///   (`[{"message": "…", "errorCode": "…"}]`, or an object's `errors`),
    ///   joined with `; `; or that a success had no id; or, for a body that
    ///   is not JSON (an HTML error page, a truncated answer), the JSON
    ///   error and the body's first characters. The vendor's part is
    ///   quoted through the crate's sanitiser ([`crate::redact::sanitize`]:
    ///   line breaks and control characters written as escapes) and is at
    ///   most 300 characters, so the line can go into a callback's
    ///   `errorString` as it is.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::CreateOutcome;
    ///
    /// let ok = CreateOutcome::from_sfdc_response(
    ///     201,
    ///     br#"{"id":"001D000000IqhSLIAZ","errors":[],"success":true}"#,
    /// );
    /// assert_eq!(ok, CreateOutcome::Created("001D000000IqhSLIAZ".into()));
    ///
    /// let bad = CreateOutcome::from_sfdc_response(
    ///     400,
    ///     br#"[{"message":"The Id field should not be specified in the sobject data.","errorCode":"INVALID_FIELD"}]"#,
    /// );
    /// assert_eq!(
    ///     bad,
    ///     CreateOutcome::Failed(
    ///         "Salesforce answered 400: INVALID_FIELD: The Id field should not be specified in the sobject data."
    ///             .into()
    ///     )
    /// );
    ///
    /// let html = CreateOutcome::from_sfdc_response(502, b"<html><body>Bad Gateway</body></html>");
    /// assert!(matches!(html, CreateOutcome::Failed(line) if line.starts_with("Salesforce answered 502: ")));
    /// ```
    pub fn from_sfdc_response(status: u16, body: &[u8]) -> CreateOutcome {
        let value = match serde_json::from_slice::<serde_json::Value>(body) {
            Ok(value) => value,
            Err(e) => {
                return CreateOutcome::Failed(format!(
                    "Salesforce answered {status}: {}",
                    not_json(&e, body)
                ))
            }
        };
        if matches!(status, 200 | 201) {
            let success = value.get("success").and_then(serde_json::Value::as_bool);
            let id = value
                .get("id")
                .and_then(serde_json::Value::as_str)
                .filter(|id| !id.is_empty());
            if let (Some(id), Some(true) | None) = (id, success) {
                return CreateOutcome::Created(id.to_owned());
            }
        }
        let errors = match &value {
            serde_json::Value::Array(_) => Some(&value),
            _ => value.get("errors"),
        };
        let mut detail = errors
            .and_then(serde_json::Value::as_array)
            .map(|errors| {
                errors
                    .iter()
                    .map(|e| {
                        let code = e.get("errorCode").and_then(serde_json::Value::as_str);
                        let message = e.get("message").and_then(serde_json::Value::as_str);
                        match (code, message) {
                            (Some(c), Some(m)) => format!("{c}: {m}"),
                            (Some(s), None) | (None, Some(s)) => s.to_owned(),
                            (None, None) => e.to_string(),
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default();
        if detail.is_empty() {
            detail = if (200..300).contains(&status) {
                "no record id in the answer".to_owned()
            } else {
                format!("unexpected answer {value}")
            };
        }
        CreateOutcome::Failed(format!(
            "Salesforce answered {status}: {}",
            crate::redact::sanitize(&detail).max_chars(MAX_DETAIL)
        ))
    }
}

/// Why a body is not JSON, with its first characters, on one line.
pub(crate) fn not_json(error: &serde_json::Error, body: &[u8]) -> String {
    let start = String::from_utf8_lossy(body.get(..200).unwrap_or(body)).into_owned();
    let what = if body.iter().all(u8::is_ascii_whitespace) {
        "an empty body".to_owned()
    } else {
        format!("`{}`", crate::redact::sanitize(&start).max_chars(60))
    };
    format!("body is not JSON ({error}): {what}")
}

/// A `POST` of a form body to `url`.
pub(crate) fn form_post(url: &Url, body: String) -> Request<Vec<u8>> {
    let (uri, auth) = target(url);
    let mut req = Request::new(body.into_bytes());
    *req.method_mut() = Method::POST;
    *req.uri_mut() = uri;
    let headers = req.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(FORM));
    if let Some(auth) = auth {
        headers.insert(AUTHORIZATION, auth);
    }
    req
}

/// A `POST` of a JSON body to `uri` with an `Authorization` header.
pub(crate) fn json_post(uri: Uri, auth: HeaderValue, body: String) -> Request<Vec<u8>> {
    let mut req = Request::new(body.into_bytes());
    *req.method_mut() = Method::POST;
    *req.uri_mut() = uri;
    let headers = req.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(JSON));
    headers.insert(ACCEPT, HeaderValue::from_static(JSON));
    headers.insert(AUTHORIZATION, auth);
    req
}

/// The URI for `url` (no user info, no fragment) and, when it had user
/// info, a sensitive `Basic` header for it. `/` when `http::Uri` cannot
/// hold the URL.
fn target(url: &Url) -> (Uri, Option<HeaderValue>) {
    let mut bare = url.clone();
    bare.set_fragment(None);
    let auth = if url.username().is_empty() && url.password().is_none() {
        None
    } else {
        let _ = bare.set_username("");
        let _ = bare.set_password(None);
        let decode = |s: &str| percent_encoding::percent_decode_str(s).collect::<Vec<u8>>();
        let mut credentials = decode(url.username());
        credentials.push(b':');
        credentials.extend(decode(url.password().unwrap_or_default()));
        basic_value(&credentials)
    };
    let uri = if bare.has_host() {
        Uri::try_from(bare.as_str()).unwrap_or_default()
    } else {
        Uri::default()
    };
    (uri, auth)
}

/// The URI of `path` under the base URL `base`: `http` or `https`, a host,
/// the base's path kept as a prefix; user info, query and fragment dropped.
pub(crate) fn endpoint(base: &Url, path: &str) -> Result<Uri, RequestError> {
    let mut url = base.clone();
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.set_query(None);
    url.set_fragment(None);
    let shown = url.as_str().to_owned();
    let refuse = |reason| {
        RequestError::from(RequestErrorKind::Target {
            url: shown.clone(),
            reason,
        })
    };
    if !matches!(url.scheme(), "http" | "https") {
        return Err(refuse("the scheme must be http or https"));
    }
    if !url.has_host() {
        return Err(refuse("it has no host"));
    }
    let prefix = url.path().trim_end_matches('/').to_owned();
    url.set_path(&format!("{prefix}{path}"));
    Uri::try_from(url.as_str()).map_err(|_| refuse("it is not a valid HTTP URI"))
}

/// Refuses a credential no header should carry: empty, a control character
/// (a line break, NUL, a tab), and, when `bearer`, white space or a
/// non-ASCII character too. `what` names the credential in the error.
pub(crate) fn check_credential(
    what: &'static str,
    secret: &str,
    bearer: bool,
) -> Result<(), RequestError> {
    let refuse = |reason| Err(RequestErrorKind::Credential { what, reason }.into());
    if secret.is_empty() {
        return refuse("it is empty");
    }
    if secret.contains(['\r', '\n', '\u{2028}', '\u{2029}']) {
        return refuse("it contains a line break");
    }
    if secret.chars().any(char::is_control) {
        return refuse("it contains a control character");
    }
    if bearer && secret.contains(char::is_whitespace) {
        return refuse("it contains white space");
    }
    if bearer && !secret.is_ascii() {
        return refuse("it contains a character that is not ASCII");
    }
    Ok(())
}

/// `Bearer {token}`, checked, marked sensitive.
pub(crate) fn bearer(token: &str) -> Result<HeaderValue, RequestError> {
    const WHAT: &str = "the access token";
    check_credential(WHAT, token, true)?;
    let mut value = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
        RequestError::from(RequestErrorKind::Credential {
            what: WHAT,
            reason: "it is not a valid header value",
        })
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// `Basic {base64(user:password)}` (standard base64, RFC 4648, with
/// padding), marked sensitive. Base64 output is always a valid header value.
pub(crate) fn basic_value(credentials: &[u8]) -> Option<HeaderValue> {
    use base64::Engine as _;
    let mut text = String::from("Basic ");
    base64::engine::general_purpose::STANDARD.encode_string(credentials, &mut text);
    let mut value = HeaderValue::from_str(&text).ok()?;
    value.set_sensitive(true);
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &[u8]) -> String {
        let value = basic_value(s).unwrap();
        assert!(value.is_sensitive());
        let text = value.to_str().unwrap();
        text.strip_prefix("Basic ").unwrap().to_owned()
    }

    #[test]
    fn basic_is_rfc4648_base64() {
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(b64(plain.as_bytes()), coded);
        }
        // 8x8's documented example header.
        assert_eq!(
            b64(b"myclientId:nevertellanyone"),
            "bXljbGllbnRJZDpuZXZlcnRlbGxhbnlvbmU="
        );
        assert_eq!(b64(&[0xff, 0xfe, 0xfd]), "//79");
    }

    #[test]
    fn target_without_host_is_relative() {
        let (uri, auth) = target(&Url::parse("mailto:a@b.example.com").unwrap());
        assert_eq!(uri, "/");
        assert!(auth.is_none());
    }
}
