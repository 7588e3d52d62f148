//! Standard Webhooks v1 signatures (feature `signing`): sign what a
//! contact center sends, and verify what a CRM receives.
//!
//! 8x8's own callback is unsigned, and stays so by default: signing is
//! something a sender opts into and its receiver checks. The scheme is the
//! [Standard Webhooks](https://www.standardwebhooks.com/) specification,
//! version 1:
//!
//! - three headers: `webhook-id`, `webhook-timestamp` (Unix seconds) and
//!   `webhook-signature`;
//! - the signature is `v1,` then the base64 of HMAC-SHA256 over
//!   `{id}.{timestamp}.{body}`, keyed with the secret;
//! - secrets are written `whsec_` then the base64 of 24 to 64 random bytes;
//! - a header may carry several signatures separated by spaces, so a sender
//!   rotating its secret signs with both for a while, and a receiver may
//!   accept several secrets ([`Verifier::with_secret`]);
//! - a receiver refuses a timestamp more than five minutes away from its own
//!   clock ([`DEFAULT_TOLERANCE`]), so a captured request cannot be replayed
//!   later; the webhook id is the key a receiver uses to process a message
//!   once.
//!
//! The library has no clock: signing and verifying take the time as an
//! argument. Signatures are compared in constant time (`subtle`).
//!
//! ## Webhook ids
//!
//! [`WebhookId::for_call`] derives the id from the call's transaction id and
//! which of the call's requests it is ([`CallRequest`]), so a retry, and a
//! resend of the same request later, carry the same id and a receiver
//! processes it once. The id is `msg_`, the request's name, `_`, and 22
//! base64url characters of a SHA-256 over the transaction id: fixed length,
//! safe in any header whatever the transaction id holds.
//!
//! ## Errors
//!
//! Every failure is a [`SigningError`] with a stable [`code`](SigningError::code).
//! No error, and no `Debug`, shows a secret.
//!
//! # Example
//!
//! ```
//! use clicktodial::chrono::{TimeZone, Utc};
//! use clicktodial::signing::{Verifier, WebhookId, WebhookSecret};
//!
//! let secret = WebhookSecret::parse("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD")?;
//! let id = WebhookId::new("msg_27UH4WbU6Z5A5EzD8u03UvzRbpk")?;
//! let at = Utc.timestamp_opt(1649367553, 0).unwrap();
//! let body = br#"{"email":"test@example.com","username":"test_user"}"#;
//!
//! let signature = secret.sign(&id, at, body);
//! assert_eq!(signature, "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=");
//!
//! // The receiver, 30 seconds later.
//! let now = Utc.timestamp_opt(1649367583, 0).unwrap();
//! Verifier::new(secret).verify(id.as_str(), "1649367553", &signature, body, now)?;
//! # Ok::<(), clicktodial::signing::SigningError>(())
//! ```

use std::fmt;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use chrono::{DateTime, TimeDelta, Utc};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

type HmacSha256 = Hmac<Sha256>;

/// The name of the header that carries the webhook id.
pub const HEADER_ID: &str = "webhook-id";
/// The name of the header that carries the timestamp (Unix seconds).
pub const HEADER_TIMESTAMP: &str = "webhook-timestamp";
/// The name of the header that carries the signatures.
pub const HEADER_SIGNATURE: &str = "webhook-signature";

/// How far a message's timestamp may be from the receiver's clock, either
/// way: five minutes, as the specification recommends.
///
/// # Example
///
/// ```
/// use clicktodial::signing::DEFAULT_TOLERANCE;
/// assert_eq!(DEFAULT_TOLERANCE.num_seconds(), 300);
/// ```
pub const DEFAULT_TOLERANCE: TimeDelta = TimeDelta::minutes(5);

/// The shortest secret accepted, in bytes (the specification's lower bound).
pub const MIN_SECRET_LEN: usize = 24;
/// The longest secret accepted, in bytes (the specification's upper bound).
pub const MAX_SECRET_LEN: usize = 64;
/// The longest webhook id accepted, in bytes.
pub const MAX_ID_LEN: usize = 256;
/// The longest `webhook-signature` header read, in bytes: room for dozens
/// of signatures; a longer header is refused before any of it is decoded.
pub const MAX_SIGNATURE_HEADER_LEN: usize = 4096;

const SECRET_PREFIX: &str = "whsec_";

/// Why signing or verifying failed. Each variant has a stable
/// [`code`](SigningError::code); none holds or shows a secret.
///
/// # Example
///
/// ```
/// use clicktodial::signing::{SigningError, WebhookSecret};
///
/// let err = WebhookSecret::parse("whsec_not*base64").unwrap_err();
/// assert_eq!(err, SigningError::SecretNotBase64);
/// assert_eq!(err.code(), "webhook_secret_not_base64");
/// assert!(!err.to_string().contains("not*base64"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SigningError {
    /// The secret (after an optional `whsec_`) is not standard base64.
    #[error("the webhook secret is not base64 after `whsec_`")]
    SecretNotBase64,
    /// The secret decodes to fewer than 24 or more than 64 bytes.
    #[error(
        "the webhook secret is {len} bytes long (expected {MIN_SECRET_LEN} to {MAX_SECRET_LEN})"
    )]
    SecretLength {
        /// The decoded length.
        len: usize,
    },
    /// The webhook id is empty, longer than [`MAX_ID_LEN`], or holds a
    /// character other than visible ASCII.
    #[error("the webhook id is empty, over {MAX_ID_LEN} bytes, or not visible ASCII")]
    InvalidId,
    /// A header the scheme needs is missing from the request.
    #[error("header `{0}` is missing")]
    MissingHeader(&'static str),
    /// A header is present but is not visible ASCII, is repeated, or is over
    /// its length limit.
    #[error("header `{0}` is not readable (repeated, too long, or not ASCII)")]
    InvalidHeader(&'static str),
    /// `webhook-timestamp` is not a whole number of seconds.
    #[error("`webhook-timestamp` is not a whole number of Unix seconds")]
    InvalidTimestamp,
    /// The timestamp is older than the tolerance allows.
    #[error("the webhook timestamp is {age} s old (at most {tolerance} s accepted)")]
    TimestampTooOld {
        /// How old the timestamp is, in seconds.
        age: i64,
        /// The tolerance, in seconds.
        tolerance: i64,
    },
    /// The timestamp is further in the future than the tolerance allows.
    #[error("the webhook timestamp is {ahead} s in the future (at most {tolerance} s accepted)")]
    TimestampInFuture {
        /// How far ahead the timestamp is, in seconds.
        ahead: i64,
        /// The tolerance, in seconds.
        tolerance: i64,
    },
    /// `webhook-signature` holds no `v1,` signature this verifier can check.
    #[error("`webhook-signature` holds no v1 signature")]
    NoSignature,
    /// No signature matches any of the verifier's secrets.
    #[error("no signature matches (wrong secret, or the message was changed)")]
    SignatureMismatch,
}

impl SigningError {
    /// A stable code for the error, for logs and for programs: it does not
    /// change when the wording of `Display` does.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::signing::SigningError;
    /// assert_eq!(SigningError::SignatureMismatch.code(), "webhook-signature-mismatch");
    /// assert_eq!(SigningError::MissingHeader("webhook-id").code(), "webhook-header-missing");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            SigningError::SecretNotBase64 => "webhook_secret_not_base64",
            SigningError::SecretLength { .. } => "webhook-secret-length",
            SigningError::InvalidId => "webhook-id-invalid",
            SigningError::MissingHeader(_) => "webhook-header-missing",
            SigningError::InvalidHeader(_) => "webhook-header-invalid",
            SigningError::InvalidTimestamp => "webhook-timestamp-invalid",
            SigningError::TimestampTooOld { .. } => "webhook-timestamp-too-old",
            SigningError::TimestampInFuture { .. } => "webhook-timestamp-in-future",
            SigningError::NoSignature => "webhook-signature-none",
            SigningError::SignatureMismatch => "webhook-signature-mismatch",
        }
    }
}

/// A Standard Webhooks secret: 24 to 64 bytes, written `whsec_` and their
/// base64. `Debug` never shows the key, and there is no `Display`.
///
/// # Example
///
/// ```
/// use clicktodial::signing::WebhookSecret;
///
/// let secret = WebhookSecret::parse("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD")?;
/// assert_eq!(format!("{secret:?}"), "WebhookSecret(..)");
/// // The prefix is optional, as in the specification's libraries.
/// assert_eq!(WebhookSecret::parse("C2FVsBQIhrscChlQIMV+b5sSYspob7oD")?, secret);
/// # Ok::<(), clicktodial::signing::SigningError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret {
    key: Vec<u8>,
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(..)")
    }
}

impl WebhookSecret {
    /// Reads a secret: `whsec_` (optional) then standard base64 of 24 to 64
    /// bytes. Surrounding white space is ignored (secrets are often read
    /// from files ending in a newline).
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::signing::{SigningError, WebhookSecret};
    ///
    /// assert!(WebhookSecret::parse("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD\n").is_ok());
    /// assert_eq!(
    ///     WebhookSecret::parse("whsec_c2hvcnQ=").unwrap_err(),
    ///     SigningError::SecretLength { len: 5 },
    /// );
    /// ```
    pub fn parse(text: &str) -> Result<WebhookSecret, SigningError> {
        let text = text.trim();
        let text = text.strip_prefix(SECRET_PREFIX).unwrap_or(text);
        let key = STANDARD
            .decode(text)
            .map_err(|_| SigningError::SecretNotBase64)?;
        WebhookSecret::from_bytes(&key)
    }

    /// A secret from its raw bytes (24 to 64 of them).
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::signing::{SigningError, WebhookSecret};
    ///
    /// let secret = WebhookSecret::from_bytes(&[7; 32])?;
    /// assert!(secret.to_whsec().starts_with("whsec_"));
    /// assert_eq!(WebhookSecret::from_bytes(&[7; 65]), Err(SigningError::SecretLength { len: 65 }));
    /// # Ok::<(), SigningError>(())
    /// ```
    pub fn from_bytes(key: &[u8]) -> Result<WebhookSecret, SigningError> {
        if !(MIN_SECRET_LEN..=MAX_SECRET_LEN).contains(&key.len()) {
            return Err(SigningError::SecretLength { len: key.len() });
        }
        Ok(WebhookSecret { key: key.to_vec() })
    }

    /// The secret written as `whsec_` and base64: what a sender hands to its
    /// receiver. This is the secret itself; keep it out of logs.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::signing::WebhookSecret;
    ///
    /// let text = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
    /// assert_eq!(WebhookSecret::parse(text)?.to_whsec(), text);
    /// # Ok::<(), clicktodial::signing::SigningError>(())
    /// ```
    pub fn to_whsec(&self) -> String {
        format!("{SECRET_PREFIX}{}", STANDARD.encode(&self.key))
    }

    /// The signature of `body` sent as message `id` at `at`:
    /// `v1,` and the base64 of HMAC-SHA256 over `{id}.{seconds}.{body}`.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::chrono::{TimeZone, Utc};
    /// use clicktodial::signing::{WebhookId, WebhookSecret};
    ///
    /// let secret = WebhookSecret::parse("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD")?;
    /// let id = WebhookId::new("msg_27UH4WbU6Z5A5EzD8u03UvzRbpk")?;
    /// let at = Utc.timestamp_opt(1649367553, 0).unwrap();
    /// let body = br#"{"email":"test@example.com","username":"test_user"}"#;
    /// assert_eq!(secret.sign(&id, at, body), "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=");
    /// # Ok::<(), clicktodial::signing::SigningError>(())
    /// ```
    pub fn sign(&self, id: &WebhookId, at: DateTime<Utc>, body: &[u8]) -> String {
        let mac = self.mac(id.as_str(), &at.timestamp().to_string(), body);
        format!("v1,{}", STANDARD.encode(mac))
    }

    /// Adds `webhook-id`, `webhook-timestamp` and `webhook-signature` to a
    /// request about to be sent, signing its body. Headers of those names
    /// already present are replaced.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::chrono::{TimeZone, Utc};
    /// use clicktodial::signing::{CallRequest, Verifier, WebhookId, WebhookSecret};
    /// use clicktodial::{url::Url, Callback, UserData};
    ///
    /// let secret = WebhookSecret::parse("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD")?;
    /// let cb = Callback::ignore(UserData::parse("[id|42]")?);
    /// let mut req = cb.to_http(&Url::parse("https://crm.example.com/cb")?);
    /// let id = WebhookId::for_call("8312345", CallRequest::Callback);
    /// let at = Utc.timestamp_opt(1_700_000_000, 0).unwrap();
    /// secret.sign_request(&mut req, &id, at);
    /// assert_eq!(req.headers()["webhook-id"], id.as_str());
    /// assert_eq!(req.headers()["webhook-timestamp"], "1700000000");
    ///
    /// let got = Verifier::new(secret).verify_request(&req, at)?;
    /// assert_eq!(got, id);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "http")]
    #[cfg_attr(docsrs, doc(cfg(feature = "http")))]
    pub fn sign_request<B: AsRef<[u8]>>(
        &self,
        req: &mut http::Request<B>,
        id: &WebhookId,
        at: DateTime<Utc>,
    ) {
        let signature = self.sign(id, at, req.body().as_ref());
        let headers = req.headers_mut();
        // All three are visible ASCII by construction (a checked id, digits
        // and a sign, base64), which every header value accepts.
        for (name, value) in [
            (HEADER_ID, id.as_str().to_owned()),
            (HEADER_TIMESTAMP, at.timestamp().to_string()),
            (HEADER_SIGNATURE, signature),
        ] {
            if let Ok(value) = http::HeaderValue::try_from(value) {
                headers.insert(name, value);
            }
        }
    }

    fn mac(&self, id: &str, timestamp: &str, body: &[u8]) -> [u8; 32] {
        // HMAC takes a key of any length; the secret's is 24 to 64 bytes.
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.as_bytes());
        mac.update(b".");
        mac.update(body);
        mac.finalize().into_bytes().into()
    }
}

/// Which of a call's requests a message is; part of its [`WebhookId`].
///
/// # Example
///
/// ```
/// use clicktodial::signing::CallRequest;
/// assert_eq!(CallRequest::Create.as_str(), "create");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CallRequest {
    /// The Salesforce create.
    Create,
    /// The screenpop POST.
    Screenpop,
    /// The callback to `ctl_callbackUrl`.
    Callback,
}

impl CallRequest {
    /// The request's name, as it appears in a webhook id.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::signing::CallRequest;
    /// assert_eq!(CallRequest::Callback.as_str(), "callback");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            CallRequest::Create => "create",
            CallRequest::Screenpop => "screenpop",
            CallRequest::Callback => "callback",
        }
    }
}

/// A webhook id: visible ASCII, 1 to [`MAX_ID_LEN`] bytes. The receiver's
/// key to process each message once.
///
/// # Example
///
/// ```
/// use clicktodial::signing::{CallRequest, WebhookId};
///
/// let a = WebhookId::for_call("8312345", CallRequest::Callback);
/// let b = WebhookId::for_call("8312345", CallRequest::Callback);
/// assert_eq!(a, b);
/// assert!(a.as_str().starts_with("msg_callback_"));
/// assert_ne!(a, WebhookId::for_call("8312345", CallRequest::Screenpop));
/// assert_ne!(a, WebhookId::for_call("8312346", CallRequest::Callback));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WebhookId(String);

impl WebhookId {
    /// A webhook id as given (a receiver reads one; a sender may bring its
    /// own scheme).
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::signing::{SigningError, WebhookId};
    ///
    /// assert_eq!(WebhookId::new("msg_1")?.as_str(), "msg_1");
    /// assert_eq!(WebhookId::new("msg 1"), Err(SigningError::InvalidId));
    /// assert_eq!(WebhookId::new(""), Err(SigningError::InvalidId));
    /// # Ok::<(), SigningError>(())
    /// ```
    pub fn new(id: impl Into<String>) -> Result<WebhookId, SigningError> {
        let id = id.into();
        if id.is_empty() || id.len() > MAX_ID_LEN || !id.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(SigningError::InvalidId);
        }
        Ok(WebhookId(id))
    }

    /// The id of one of a call's requests: the same for every attempt and
    /// every resend, different for each request of the call and for each
    /// transaction id.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::signing::{CallRequest, WebhookId};
    ///
    /// let id = WebhookId::for_call("8312345", CallRequest::Create);
    /// assert_eq!(id.as_str().len(), "msg_create_".len() + 22);
    /// // Whatever the transaction id holds, the id fits in a header.
    /// let odd = WebhookId::for_call("a b\r\n\u{1F600}", CallRequest::Create);
    /// assert!(odd.as_str().bytes().all(|b| b.is_ascii_graphic()));
    /// ```
    pub fn for_call(transaction_id: &str, request: CallRequest) -> WebhookId {
        let digest = Sha256::new()
            .chain_update(b"clicktodial webhook id v1\0")
            .chain_update(transaction_id.as_bytes())
            .finalize();
        let tail = URL_SAFE_NO_PAD.encode(&digest[..16]);
        WebhookId(format!("msg_{}_{tail}", request.as_str()))
    }

    /// The id as text.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::signing::WebhookId;
    /// assert_eq!(WebhookId::new("msg_2")?.as_str(), "msg_2");
    /// # Ok::<(), clicktodial::signing::SigningError>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for WebhookId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks Standard Webhooks signatures against one or more secrets (more
/// than one while a secret is rotated), with a tolerance on the timestamp.
///
/// # Example
///
/// ```
/// use clicktodial::chrono::{TimeDelta, TimeZone, Utc};
/// use clicktodial::signing::{SigningError, Verifier, WebhookId, WebhookSecret};
///
/// let old = WebhookSecret::from_bytes(&[1; 32])?;
/// let new = WebhookSecret::from_bytes(&[2; 32])?;
/// let id = WebhookId::new("msg_1")?;
/// let at = Utc.timestamp_opt(1_700_000_000, 0).unwrap();
///
/// // The receiver accepts both secrets while the sender moves to the new one.
/// let verifier = Verifier::new(new.clone()).with_secret(old.clone());
/// verifier.verify("msg_1", "1700000000", &old.sign(&id, at, b"x"), b"x", at)?;
/// verifier.verify("msg_1", "1700000000", &new.sign(&id, at, b"x"), b"x", at)?;
///
/// let later = at + TimeDelta::minutes(6);
/// let err = verifier.verify("msg_1", "1700000000", &new.sign(&id, at, b"x"), b"x", later);
/// assert_eq!(err, Err(SigningError::TimestampTooOld { age: 360, tolerance: 300 }));
/// # Ok::<(), SigningError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Verifier {
    secrets: Vec<WebhookSecret>,
    tolerance: TimeDelta,
}

impl Verifier {
    /// A verifier for one secret, with [`DEFAULT_TOLERANCE`].
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::signing::{Verifier, WebhookSecret};
    /// let verifier = Verifier::new(WebhookSecret::from_bytes(&[9; 24])?);
    /// # Ok::<(), clicktodial::signing::SigningError>(())
    /// ```
    pub fn new(secret: WebhookSecret) -> Verifier {
        Verifier {
            secrets: vec![secret],
            tolerance: DEFAULT_TOLERANCE,
        }
    }

    /// Accepts signatures made with `secret` too (secret rotation).
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::signing::{Verifier, WebhookSecret};
    /// let verifier = Verifier::new(WebhookSecret::from_bytes(&[9; 24])?)
    ///     .with_secret(WebhookSecret::from_bytes(&[8; 24])?);
    /// # Ok::<(), clicktodial::signing::SigningError>(())
    /// ```
    pub fn with_secret(mut self, secret: WebhookSecret) -> Verifier {
        self.secrets.push(secret);
        self
    }

    /// How far from `now` a timestamp may be, either way (a negative value
    /// is taken as its absolute value).
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::chrono::{TimeDelta, TimeZone, Utc};
    /// use clicktodial::signing::{Verifier, WebhookId, WebhookSecret};
    ///
    /// let secret = WebhookSecret::from_bytes(&[9; 24])?;
    /// let at = Utc.timestamp_opt(1_700_000_000, 0).unwrap();
    /// let sig = secret.sign(&WebhookId::new("m")?, at, b"");
    /// let verifier = Verifier::new(secret).tolerance(TimeDelta::hours(1));
    /// assert!(verifier.verify("m", "1700000000", &sig, b"", at + TimeDelta::minutes(30)).is_ok());
    /// # Ok::<(), clicktodial::signing::SigningError>(())
    /// ```
    pub fn tolerance(mut self, tolerance: TimeDelta) -> Verifier {
        self.tolerance = tolerance.abs();
        self
    }

    /// Checks one message: its id, its `webhook-timestamp` text, its
    /// `webhook-signature` text (one or more `version,base64` entries
    /// separated by spaces; entries of other versions are skipped) and its
    /// body, at time `now`. Succeeds when any `v1` signature matches any
    /// secret. The timestamp is checked before any signature, so a stale
    /// message costs no HMAC.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::chrono::{TimeZone, Utc};
    /// use clicktodial::signing::{SigningError, Verifier, WebhookSecret};
    ///
    /// let secret = WebhookSecret::parse("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD")?;
    /// let now = Utc.timestamp_opt(1649367553, 0).unwrap();
    /// let body = br#"{"email":"test@example.com","username":"test_user"}"#;
    /// let header = "v1a,bm90IGNoZWNrZWQ= v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=";
    /// let verifier = Verifier::new(secret);
    /// verifier.verify("msg_27UH4WbU6Z5A5EzD8u03UvzRbpk", "1649367553", header, body, now)?;
    ///
    /// let tampered = br#"{"email":"evil@example.com","username":"test_user"}"#;
    /// assert_eq!(
    ///     verifier.verify("msg_27UH4WbU6Z5A5EzD8u03UvzRbpk", "1649367553", header, tampered, now),
    ///     Err(SigningError::SignatureMismatch),
    /// );
    /// # Ok::<(), SigningError>(())
    /// ```
    pub fn verify(
        &self,
        id: &str,
        timestamp: &str,
        signatures: &str,
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Result<(), SigningError> {
        WebhookId::new(id)?;
        if signatures.len() > MAX_SIGNATURE_HEADER_LEN {
            return Err(SigningError::InvalidHeader(HEADER_SIGNATURE));
        }
        self.check_time(timestamp, now)?;
        let expected: Vec<[u8; 32]> = self
            .secrets
            .iter()
            .map(|s| s.mac(id, timestamp, body))
            .collect();
        let mut any_v1 = false;
        let mut matched = subtle::Choice::from(0);
        for entry in signatures.split(' ').filter(|e| !e.is_empty()) {
            let Some(("v1", encoded)) = entry.split_once(',') else {
                continue;
            };
            any_v1 = true;
            let Ok(given) = STANDARD.decode(encoded) else {
                continue;
            };
            for mac in &expected {
                // ct_eq on slices of different lengths is false, in time
                // that does not depend on the contents.
                matched |= mac[..].ct_eq(&given[..]);
            }
        }
        if bool::from(matched) {
            Ok(())
        } else if any_v1 {
            Err(SigningError::SignatureMismatch)
        } else {
            Err(SigningError::NoSignature)
        }
    }

    /// Checks a received request: reads its three headers (each once) and
    /// its body, and returns the message's id for the receiver's
    /// processed-once check.
    ///
    /// # Example
    ///
    /// ```
    /// use clicktodial::chrono::{TimeZone, Utc};
    /// use clicktodial::http::Request;
    /// use clicktodial::signing::{SigningError, Verifier, WebhookSecret};
    ///
    /// let verifier = Verifier::new(WebhookSecret::parse("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD")?);
    /// let req = Request::post("/cb")
    ///     .header("webhook-id", "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk")
    ///     .header("webhook-timestamp", "1649367553")
    ///     .header("webhook-signature", "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=")
    ///     .body(r#"{"email":"test@example.com","username":"test_user"}"#)?;
    /// let now = Utc.timestamp_opt(1649367553, 0).unwrap();
    /// assert_eq!(verifier.verify_request(&req, now)?.as_str(), "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk");
    ///
    /// let unsigned = Request::post("/cb").body("")?;
    /// assert_eq!(
    ///     verifier.verify_request(&unsigned, now),
    ///     Err(SigningError::MissingHeader("webhook-id")),
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "http")]
    #[cfg_attr(docsrs, doc(cfg(feature = "http")))]
    pub fn verify_request<B: AsRef<[u8]>>(
        &self,
        req: &http::Request<B>,
        now: DateTime<Utc>,
    ) -> Result<WebhookId, SigningError> {
        let headers = req.headers();
        let read = |name: &'static str| -> Result<&str, SigningError> {
            let mut values = headers.get_all(name).iter();
            let value = values.next().ok_or(SigningError::MissingHeader(name))?;
            if values.next().is_some() {
                return Err(SigningError::InvalidHeader(name));
            }
            value
                .to_str()
                .map_err(|_| SigningError::InvalidHeader(name))
        };
        let id = read(HEADER_ID)?;
        let timestamp = read(HEADER_TIMESTAMP)?;
        let signatures = read(HEADER_SIGNATURE)?;
        let id = WebhookId::new(id).map_err(|_| SigningError::InvalidHeader(HEADER_ID))?;
        self.verify(id.as_str(), timestamp, signatures, req.body().as_ref(), now)?;
        Ok(id)
    }

    fn check_time(&self, timestamp: &str, now: DateTime<Utc>) -> Result<(), SigningError> {
        if timestamp.is_empty()
            || timestamp.len() > 12
            || !timestamp.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(SigningError::InvalidTimestamp);
        }
        let at: i64 = timestamp
            .parse()
            .map_err(|_| SigningError::InvalidTimestamp)?;
        let tolerance = self.tolerance.num_seconds();
        let diff = now.timestamp() - at;
        if diff > tolerance {
            Err(SigningError::TimestampTooOld {
                age: diff,
                tolerance,
            })
        } else if -diff > tolerance {
            Err(SigningError::TimestampInFuture {
                ahead: -diff,
                tolerance,
            })
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_of_thirteen_digits_is_refused_before_parsing() {
        let v = Verifier::new(WebhookSecret::from_bytes(&[1; 24]).unwrap());
        let now = DateTime::<Utc>::UNIX_EPOCH;
        assert_eq!(
            v.check_time("1234567890123", now),
            Err(SigningError::InvalidTimestamp)
        );
        assert_eq!(v.check_time("-1", now), Err(SigningError::InvalidTimestamp));
        assert_eq!(v.check_time("", now), Err(SigningError::InvalidTimestamp));
        assert_eq!(v.check_time("300", now), Ok(()));
        assert_eq!(
            v.check_time("301", now),
            Err(SigningError::TimestampInFuture {
                ahead: 301,
                tolerance: 300
            })
        );
    }
}
