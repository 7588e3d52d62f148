//! Standard Webhooks v1: the specification's vector, and what a receiver
//! must refuse.

use clicktodial::chrono::{DateTime, TimeDelta, TimeZone, Utc};
use clicktodial::signing::{CallRequest, SigningError, Verifier, WebhookId, WebhookSecret};
use proptest::prelude::*;

const SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const ID: &str = "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk";
const TS: &str = "1649367553";
const BODY: &[u8] = br#"{"email":"test@example.com","username":"test_user"}"#;
const SIG: &str = "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=";

fn at(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(secs, 0).single().unwrap()
}

fn verifier() -> Verifier {
    Verifier::new(WebhookSecret::parse(SECRET).unwrap())
}

#[test]
fn the_specification_vector_signs_and_verifies() {
    let secret = WebhookSecret::parse(SECRET).unwrap();
    let id = WebhookId::new(ID).unwrap();
    assert_eq!(secret.sign(&id, at(1649367553), BODY), SIG);
    assert_eq!(verifier().verify(ID, TS, SIG, BODY, at(1649367553)), Ok(()));
}

#[test]
fn a_tampered_body_is_refused() {
    let mut body = BODY.to_vec();
    body[3] ^= 1;
    assert_eq!(
        verifier().verify(ID, TS, SIG, &body, at(1649367553)),
        Err(SigningError::SignatureMismatch)
    );
}

#[test]
fn a_changed_id_or_timestamp_is_refused() {
    let now = at(1649367553);
    assert_eq!(
        verifier().verify("msg_other", TS, SIG, BODY, now),
        Err(SigningError::SignatureMismatch)
    );
    assert_eq!(
        verifier().verify(ID, "1649367554", SIG, BODY, now),
        Err(SigningError::SignatureMismatch)
    );
}

#[test]
fn the_tolerance_is_five_minutes_either_way() {
    let base = 1649367553;
    assert_eq!(verifier().verify(ID, TS, SIG, BODY, at(base + 300)), Ok(()));
    assert_eq!(verifier().verify(ID, TS, SIG, BODY, at(base - 300)), Ok(()));
    let old = verifier()
        .verify(ID, TS, SIG, BODY, at(base + 301))
        .unwrap_err();
    assert_eq!(
        old,
        SigningError::TimestampTooOld {
            age: 301,
            tolerance: 300
        }
    );
    assert_eq!(old.code(), "webhook-timestamp-too-old");
    let early = verifier()
        .verify(ID, TS, SIG, BODY, at(base - 301))
        .unwrap_err();
    assert_eq!(
        early,
        SigningError::TimestampInFuture {
            ahead: 301,
            tolerance: 300
        }
    );
}

#[test]
fn a_wrong_secret_is_refused() {
    let other = Verifier::new(WebhookSecret::from_bytes(&[0x42; 24]).unwrap());
    let err = other.verify(ID, TS, SIG, BODY, at(1649367553)).unwrap_err();
    assert_eq!(err, SigningError::SignatureMismatch);
    assert_eq!(err.code(), "webhook-signature-mismatch");
}

#[test]
fn a_rotated_secret_is_accepted_either_way_round() {
    let new = WebhookSecret::from_bytes(&[0x42; 32]).unwrap();
    let old = WebhookSecret::parse(SECRET).unwrap();
    let now = at(1649367553);
    // The receiver knows both secrets; the sender still signs with the old.
    let both = Verifier::new(new.clone()).with_secret(old.clone());
    assert_eq!(both.verify(ID, TS, SIG, BODY, now), Ok(()));
    // The sender signs with both; a receiver knowing only the new accepts.
    let id = WebhookId::new(ID).unwrap();
    let header = format!("{} {}", old.sign(&id, now, BODY), new.sign(&id, now, BODY));
    assert_eq!(
        Verifier::new(new).verify(ID, TS, &header, BODY, now),
        Ok(())
    );
}

#[test]
fn a_header_without_v1_signatures_says_so() {
    let now = at(1649367553);
    for header in [
        "",
        "v1a,AAAA",
        "v2,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=",
        "garbage",
    ] {
        assert_eq!(
            verifier().verify(ID, TS, header, BODY, now),
            Err(SigningError::NoSignature),
            "{header}"
        );
    }
    // Bad base64 and a truncated signature are mismatches, not panics.
    for header in [
        "v1,***",
        "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3",
        "v1,",
    ] {
        assert_eq!(
            verifier().verify(ID, TS, header, BODY, now),
            Err(SigningError::SignatureMismatch)
        );
    }
    let long = "v1,AAAA ".repeat(1000);
    assert_eq!(
        verifier().verify(ID, TS, &long, BODY, now),
        Err(SigningError::InvalidHeader("webhook-signature"))
    );
}

#[test]
fn errors_never_show_the_secret() {
    for text in [
        "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD*",
        "whsec_c2VjcmV0",
        "whsec_C2FVsBQIhrscChlQIMV",
    ] {
        let err = WebhookSecret::parse(text).unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(
            !shown.contains("C2FV") && !shown.contains("c2Vj"),
            "{shown}"
        );
    }
    let secret = WebhookSecret::parse(SECRET).unwrap();
    assert!(!format!("{:?}", verifier()).contains("C2FV"));
    assert!(!format!("{secret:?}").contains("C2FV"));
}

#[test]
fn codes_are_distinct() {
    let all = [
        SigningError::SecretNotBase64,
        SigningError::SecretLength { len: 1 },
        SigningError::InvalidId,
        SigningError::MissingHeader("webhook-id"),
        SigningError::InvalidHeader("webhook-id"),
        SigningError::InvalidTimestamp,
        SigningError::TimestampTooOld {
            age: 1,
            tolerance: 0,
        },
        SigningError::TimestampInFuture {
            ahead: 1,
            tolerance: 0,
        },
        SigningError::NoSignature,
        SigningError::SignatureMismatch,
    ];
    let codes: std::collections::BTreeSet<_> = all.iter().map(SigningError::code).collect();
    assert_eq!(codes.len(), all.len());
    for e in &all {
        assert!(!e.to_string().contains('\n'));
    }
}

#[test]
fn webhook_ids_for_a_call_are_stable_and_distinct() {
    let a = WebhookId::for_call("8312345", CallRequest::Callback);
    assert_eq!(a, WebhookId::for_call("8312345", CallRequest::Callback));
    let ids = [
        a.clone(),
        WebhookId::for_call("8312345", CallRequest::Create),
        WebhookId::for_call("8312345", CallRequest::Screenpop),
        WebhookId::for_call("8312346", CallRequest::Callback),
        WebhookId::for_call("", CallRequest::Callback),
    ];
    let distinct: std::collections::BTreeSet<_> = ids.iter().collect();
    assert_eq!(distinct.len(), ids.len());
    assert!(WebhookId::new(a.as_str()).is_ok());
}

#[test]
fn tolerance_can_be_widened() {
    let v = verifier().tolerance(TimeDelta::hours(-1));
    assert_eq!(v.verify(ID, TS, SIG, BODY, at(1649367553 + 3600)), Ok(()));
}

proptest! {
    #[test]
    fn what_is_signed_verifies_and_any_changed_byte_does_not(
        key in proptest::collection::vec(any::<u8>(), 24..=64),
        id in "[!-~]{1,40}",
        body in proptest::collection::vec(any::<u8>(), 1..200),
        flip in any::<prop::sample::Index>(),
        secs in 0i64..4_000_000_000,
    ) {
        let secret = WebhookSecret::from_bytes(&key).unwrap();
        let wid = WebhookId::new(id.clone()).unwrap();
        let sig = secret.sign(&wid, at(secs), &body);
        let verifier = Verifier::new(WebhookSecret::parse(&secret.to_whsec()).unwrap());
        let ts = secs.to_string();
        prop_assert_eq!(verifier.verify(&id, &ts, &sig, &body, at(secs)), Ok(()));
        let mut changed = body.clone();
        changed[flip.index(body.len())] ^= 0x20;
        prop_assert_eq!(
            verifier.verify(&id, &ts, &sig, &changed, at(secs)),
            Err(SigningError::SignatureMismatch)
        );
    }
}

#[cfg(feature = "http")]
mod over_http {
    use super::*;
    use clicktodial::http::Request;
    use clicktodial::{url::Url, Callback, UserData};

    #[test]
    fn a_signed_callback_verifies_and_a_tampered_one_does_not() {
        let secret = WebhookSecret::parse(SECRET).unwrap();
        let cb = Callback::ignore(UserData::parse("[id|42]").unwrap());
        let mut req = cb.to_http(&Url::parse("https://crm.example.com/cb").unwrap());
        let id = WebhookId::for_call("8312345", CallRequest::Callback);
        secret.sign_request(&mut req, &id, at(1_700_000_000));
        assert_eq!(
            verifier().verify_request(&req, at(1_700_000_010)),
            Ok(id.clone())
        );
        // Signing twice replaces the headers, never adds to them.
        secret.sign_request(&mut req, &id, at(1_700_000_001));
        assert_eq!(req.headers().get_all("webhook-signature").iter().count(), 1);
        req.body_mut().push(b'x');
        assert_eq!(
            verifier().verify_request(&req, at(1_700_000_010)),
            Err(SigningError::SignatureMismatch)
        );
    }

    #[test]
    fn missing_repeated_and_unreadable_headers_are_named() {
        let now = at(1649367553);
        let base = || {
            Request::post("/cb")
                .header("webhook-id", ID)
                .header("webhook-timestamp", TS)
        };
        let req = base().body(BODY).unwrap();
        assert_eq!(
            verifier().verify_request(&req, now),
            Err(SigningError::MissingHeader("webhook-signature"))
        );
        let req = base()
            .header("webhook-signature", SIG)
            .header("webhook-timestamp", TS)
            .body(BODY)
            .unwrap();
        assert_eq!(
            verifier().verify_request(&req, now),
            Err(SigningError::InvalidHeader("webhook-timestamp"))
        );
        let req = base()
            .header("webhook-signature", &b"v1,\xff"[..])
            .body(BODY)
            .unwrap();
        assert_eq!(
            verifier().verify_request(&req, now),
            Err(SigningError::InvalidHeader("webhook-signature"))
        );
        let req = base().header("webhook-signature", SIG).body(BODY).unwrap();
        assert_eq!(verifier().verify_request(&req, now).unwrap().as_str(), ID);
    }
}
