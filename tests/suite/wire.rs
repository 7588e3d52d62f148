//! The serde wire forms (feature `serde`): `Callback` and
//! `ClickToDialRequest` read by `serde_urlencoded` exactly as the crate's own
//! readers read the same text, and written as the crate writes them.
#![cfg(feature = "serde")]

use clicktodial::{Callback, ClickToDialRequest, ResultCode, UserData};
use proptest::prelude::*;

#[test]
fn callback_form_is_to_form() {
    let cb = Callback::success(
        UserData::parse("[ctl_action|create][Subject|a b & c = 100%][x|%5D+]").unwrap(),
        "00T1",
    );
    let body = serde_urlencoded::to_string(&cb).unwrap();
    assert_eq!(body, cb.to_form());
    assert_eq!(serde_urlencoded::from_str::<Callback>(&body).unwrap(), cb);
}

#[test]
fn callback_form_refuses_what_from_form_refuses() {
    for body in [
        "",
        "ctl_userdata=%5Ba%7C1%5D",
        "resultCode=success",
        "resultCode=IGNORE&ctl_userdata=%5Ba",
        "resultCode=IGNORE&ctl_userdata=%5B%7Cx%5D",
    ] {
        assert!(Callback::from_form(body).is_err(), "{body}");
        let err = serde_urlencoded::from_str::<Callback>(body).unwrap_err();
        assert!(!err.to_string().is_empty());
    }
    let err =
        serde_urlencoded::from_str::<Callback>("resultCode=IGNORE&ctl_userdata=%5Ba").unwrap_err();
    assert_eq!(
        err.to_string(),
        "ctl_userdata: unterminated pair: no closing `]` at byte 0"
    );
    let err = serde_urlencoded::from_str::<Callback>("resultCode=success").unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown resultCode `success` (expected SUCCESS, FAIL or IGNORE)"
    );
    let err = serde_urlencoded::from_str::<Callback>("errorString=x").unwrap_err();
    assert_eq!(err.to_string(), "missing field `resultCode`");
}

#[test]
fn callback_json_shape() {
    let cb = Callback::fail(UserData::parse("[a|1][b|x%5Dy]").unwrap(), "why");
    let json = serde_json::to_value(&cb).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"ctl_userdata": "[a|1][b|x%5Dy]", "resultCode": "FAIL", "errorString": "why"})
    );
    assert_eq!(serde_json::from_value::<Callback>(json).unwrap(), cb);
    // A list of pairs is accepted for ctl_userdata; null is absent.
    let cb: Callback = serde_json::from_str(
        r#"{"ctl_userdata":[["a","1"]],"resultCode":"IGNORE","errorString":null}"#,
    )
    .unwrap();
    assert_eq!(cb.ctl_userdata.get("a"), Some("1"));
    assert_eq!(cb.error_string, "");
    assert!(serde_json::from_str::<Callback>(
        r#"{"ctl_userdata":[["","1"]],"resultCode":"IGNORE"}"#
    )
    .is_err());
}

#[test]
fn request_query_round_trip() {
    let query = "prefix=1&phone=%28650%29+292-8880&callerId=5251990&dialplan_id=3&queue_id=7\
                 &ctl_userdata=%5Bctl_action%7Ccreate%5D%5Bs%7Ca+b%5D\
                 &extTransactionData=%5BextRecordId%7C42%5D&zeta=1&alpha=2";
    let req = ClickToDialRequest::from_query(query).unwrap();
    assert_eq!(
        serde_urlencoded::from_str::<ClickToDialRequest>(query).unwrap(),
        req
    );
    let written = serde_urlencoded::to_string(&req).unwrap();
    assert_eq!(ClickToDialRequest::from_query(&written).unwrap(), req);
    assert!(written.starts_with(
        "prefix=1&phone=%28650%29+292-8880&callerId=5251990&dialplan_id=3&queue_id=7&ctl_userdata="
    ));
    assert!(written.ends_with("&zeta=1&alpha=2"));
}

#[test]
fn request_refuses_what_from_query_refuses() {
    for query in [
        "",
        "prefix=1",
        "phone=%7B!Account.Phone%7D",
        "phone=1&queue_id=x",
        "phone=1&dialplan_id=99999999999999999999999",
        "phone=1&ctl_userdata=%5Ba",
        "phone=1&ctl_userdata=%5Ba%7Cx%5Dy%5D",
    ] {
        let ours = ClickToDialRequest::from_query(query).unwrap_err();
        let theirs = serde_urlencoded::from_str::<ClickToDialRequest>(query).unwrap_err();
        // The same error, without a place: the fields a serde reader gets
        // are decoded, so there is no link text to point into.
        let theirs = theirs.to_string();
        let ours = ours.to_string();
        let unplaced = ours.split(" (at link bytes").next().unwrap_or(&ours);
        assert!(theirs.starts_with(unplaced), "{query}: {theirs} / {ours}");
        assert!(!theirs.contains("link bytes"), "{query}: {theirs}");
        // The fix stays, where there is one.
        if let Some(help) = ClickToDialRequest::from_query(query).unwrap_err().help() {
            assert!(theirs.ends_with(help), "{query}: {theirs}");
        }
    }
}

#[test]
fn request_json_shape() {
    let req = ClickToDialRequest::from_query("phone=6502928880&queue_id=7&ctl_userdata=[a|1]&x=y")
        .unwrap();
    let json = serde_json::to_value(&req).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"phone": "6502928880", "queue_id": "7", "ctl_userdata": "[a|1]", "x": "y"})
    );
    assert_eq!(
        serde_json::from_value::<ClickToDialRequest>(json).unwrap(),
        req
    );
    // Numbers are read as their digits, null as absent.
    let req: ClickToDialRequest =
        serde_json::from_str(r#"{"phone":"1","queue_id":7,"dialplan_id":null,"prefix":""}"#)
            .unwrap();
    assert_eq!(
        (req.queue_id, req.dialplan_id, req.prefix.as_deref()),
        (Some(7), None, Some(""))
    );
    assert!(serde_json::from_str::<ClickToDialRequest>(r#"{"phone":"1","queue_id":-7}"#).is_err());
}

#[test]
fn extra_entries_that_name_known_parameters_are_not_written_twice() {
    let mut req = ClickToDialRequest::new("6502928880");
    req.extra = vec![
        ("phone".into(), "999".into()),
        (" ".into(), "x".into()),
        ("k".into(), "v".into()),
    ];
    assert_eq!(
        serde_urlencoded::to_string(&req).unwrap(),
        "phone=6502928880&k=v"
    );
}

#[test]
fn userdata_from_text_or_pairs() {
    let from_text: UserData<'static> = serde_json::from_str(r#""[a|1] [b|x%5Dy]""#).unwrap();
    let from_pairs: UserData<'static> = serde_json::from_str(r#"[["a","1"],["b","x]y"]]"#).unwrap();
    assert_eq!(from_text, from_pairs);
    assert!(serde_json::from_str::<UserData<'static>>(r#""[a|1"#).is_err());
    assert!(serde_json::from_str::<UserData<'static>>("7").is_err());
    // Serialized, it is still the list of pairs.
    assert_eq!(
        serde_json::to_string(&from_text).unwrap(),
        r#"[["a","1"],["b","x]y"]]"#
    );
}

// ---- serde_urlencoded agrees with the crate's readers -------------------------------

fn form_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            2 => prop::sample::select(vec![
                "resultCode", "ctl_userdata", "errorString", "phone", "prefix", "callerId",
                "queue_id", "dialplan_id", "extTransactionData", "SUCCESS", "FAIL", "IGNORE",
                "x", " ",
            ]).prop_map(str::to_owned),
            2 => prop::sample::select(vec![
                "=", "&", "+", "%5B", "%5D", "%7C", "%", "%FF", "[", "]", "|", "1", "65", "a",
            ]).prop_map(str::to_owned),
            1 => any::<char>().prop_map(String::from),
        ],
        0..24,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #[test]
    fn callback_serde_urlencoded_agrees_with_from_form(body in form_text()) {
        let ours = Callback::from_form(&body);
        let theirs = serde_urlencoded::from_str::<Callback>(&body);
        match (ours, theirs) {
            (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
            (Err(_), Err(_)) => {}
            (a, b) => prop_assert!(false, "from_form {:?} but serde_urlencoded {:?}", a, b),
        }
    }

    #[test]
    fn request_serde_urlencoded_agrees_with_from_query(query in form_text()) {
        // serde_urlencoded reads a query without its `?`, as axum hands it.
        prop_assume!(!query.starts_with('?'));
        let ours = ClickToDialRequest::from_query(&query);
        let theirs = serde_urlencoded::from_str::<ClickToDialRequest>(&query);
        match (ours, theirs) {
            (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
            (Err(a), Err(b)) => {
                // The same error; serde's has no place in a link (its fields
                // arrive decoded).
                let a = a.to_string();
                let unplaced = a.split(" (at link bytes").next().unwrap_or(&a).to_owned();
                let b = b.to_string();
                prop_assert!(b.starts_with(&unplaced), "{} / {}", a, b);
                prop_assert!(!b.contains("link bytes"), "{}", b);
            }
            (a, b) => prop_assert!(false, "from_query {:?} but serde_urlencoded {:?}", a, b),
        }
    }

    #[test]
    fn callback_written_by_serde_is_to_form(
        pairs in prop::collection::vec(("[a-z]{1,4}", "\\PC{0,8}"), 0..4),
        code in prop::sample::select(vec![ResultCode::Success, ResultCode::Fail, ResultCode::Ignore]),
        error in "\\PC{0,12}",
    ) {
        let mut data = UserData::new();
        for (n, v) in pairs {
            data.push(n, v).unwrap();
        }
        let cb = Callback::new(data, code, error);
        let body = serde_urlencoded::to_string(&cb).unwrap();
        prop_assert_eq!(&body, &cb.to_form());
        prop_assert_eq!(serde_urlencoded::from_str::<Callback>(&body).unwrap(), cb);
    }
}

/// A value of the wrong shape is refused with what was expected.
#[test]
fn wrong_shapes_say_what_was_expected() {
    let err = serde_json::from_str::<UserData<'static>>("7").unwrap_err();
    assert!(
        err.to_string()
            .contains("expected `[name|value]` text or a list of [name, value] pairs"),
        "{err}"
    );
    let err = serde_json::from_str::<Callback>("7").unwrap_err();
    assert!(
        err.to_string().contains("expected a map of fields"),
        "{err}"
    );
    let err = serde_json::from_str::<ClickToDialRequest>(r#"{"phone":{"a":"1"}}"#).unwrap_err();
    assert!(err.to_string().contains("expected a text value"), "{err}");
}
