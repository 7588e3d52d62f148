//! `make_call.php` requests: the vendor's URLs, a table of bad inputs, the
//! link builder, and the round trip `from_url(to_url(r)) == r`.

use clicktodial::{
    Action, ClickToDialRequest, ExtTransactionData, LaunchMode, ParseErrorKind, RequestErrorKind,
    UserData,
};
use proptest::prelude::*;

const BROWSER: &str = include_str!("../data/vendor/browser.url");
const EXAMPLE1: &str = include_str!("../data/vendor/example1.url");
const EXAMPLE1_WRAPPED: &str = include_str!("../data/vendor/example1_wrapped.url");
const EXAMPLE2: &str = include_str!("../data/vendor/example2.url");
const EXAMPLE3: &str = include_str!("../data/vendor/example3.url");
const EXAMPLE1_USERDATA: &str = include_str!("../data/vendor/example1_userdata.txt");

#[test]
fn vendor_browser_url() {
    let req = ClickToDialRequest::from_url(BROWSER).unwrap();
    assert_eq!(req.prefix.as_deref(), Some("1"));
    assert_eq!(req.phone, "6502928880");
    assert_eq!(req.dial_string(), "16502928880");
    assert_eq!(req.userdata, None);
    assert!(req.extra.is_empty());
}

#[test]
fn vendor_example_1() {
    let req = ClickToDialRequest::from_url(EXAMPLE1).unwrap();
    assert_eq!(req.prefix.as_deref(), Some(""));
    assert_eq!(req.phone, "(650) 555-0142");
    assert_eq!(req.caller_id.as_deref(), Some("5251990"));
    assert_eq!(req.dial_string(), "6505550142");
    let data = req.userdata.as_ref().unwrap();
    assert_eq!(data.len(), 12);
    // The query's percent-escapes are URL encoding: decoded once, by the
    // form reader, to the same pairs as the decoded text.
    assert_eq!(data, &UserData::parse(EXAMPLE1_USERDATA).unwrap());
    let system = data.system();
    assert_eq!(system.action, Some(Action::Create));
    assert!(system.launch);
    assert_eq!(system.launch_mode, LaunchMode::Edit);

    // Line breaks between pairs change nothing.
    assert_eq!(ClickToDialRequest::from_url(EXAMPLE1_WRAPPED).unwrap(), req);
}

#[test]
fn vendor_example_2() {
    let req = ClickToDialRequest::from_url(EXAMPLE2).unwrap();
    assert_eq!(req.prefix.as_deref(), Some("1"));
    assert_eq!(req.dial_string(), "16502022222");
    let data = req.userdata.unwrap();
    assert_eq!(
        data.iter().collect::<Vec<_>>(),
        [
            ("foreign_key", "12345678"),
            ("Transactionid", "$interaction_guid$"),
            ("start_time", "$call_answered_time"),
            ("end_time", "$call_hangup_time$"),
            ("transaction_codes", "$transaction_codes$"),
            ("ctl_launchopt", "true"),
            ("customer_id", "123456567"),
        ]
    );
    let system = data.system();
    assert!(system.launch);
    assert_eq!(system.action, None);
}

#[test]
fn vendor_example_3() {
    let req = ClickToDialRequest::from_url(EXAMPLE3).unwrap();
    assert_eq!(req.dial_string(), "5355566234");
    let data = req.userdata.unwrap();
    assert_eq!(data.len(), 6);
    assert_eq!(
        data.system().callback_url.as_deref(),
        Some("http://www.mycompany.com/clicktodial/callback?transaction=$transaction_id$")
    );
}

/// Each bad request, the parameter its error names, and text the message
/// must show.
#[test]
fn table_of_bad_requests() {
    let cases: &[(&str, Option<&str>, &str)] = &[
        ("prefix=1", Some("phone"), "`phone` is required"),
        ("phone=", Some("phone"), "`phone` is required"),
        ("phone={!Account.Phone}", Some("phone"), "{!Account.Phone}"),
        ("phone=650-CALL-NOW", Some("phone"), "650-CALL-NOW"),
        ("phone=+()", Some("phone"), "got ` ()`"),
        ("phone=%2B()", Some("phone"), "got `+()`"),
        ("phone=1&prefix=1a", Some("prefix"), "1a"),
        ("phone=1&prefix=+1", Some("prefix"), " 1"),
        ("phone=1&callerId=525-1990", Some("callerId"), "525-1990"),
        ("phone=1&dialplan_id=x7", Some("dialplan_id"), "x7"),
        ("phone=1&dialplan_id=-7", Some("dialplan_id"), "-7"),
        (
            "phone=1&queue_id=18446744073709551616",
            Some("queue_id"),
            "too large",
        ),
        (
            "phone=1&ctl_userdata=%5Ba%7C1%5D%5Bb",
            Some("ctl_userdata"),
            "unterminated pair: no closing `]` at byte 5",
        ),
        (
            "phone=1&extTransactionData=%5BextRecordId%5D",
            Some("extTransactionData"),
            "missing `|` between name and value at byte 12",
        ),
    ];
    for (query, parameter, shown) in cases {
        let err = ClickToDialRequest::from_query(query).expect_err(query);
        assert_eq!(err.parameter(), *parameter, "{query}");
        let message = err.to_string();
        assert!(message.contains(shown), "{query}: {message}");
        assert!(!message.contains('\n'), "{query}: one line");
    }
    let err = ClickToDialRequest::from_query("phone=1&ctl_userdata=[a|1]x").unwrap_err();
    match err.kind() {
        RequestErrorKind::Data { parameter, error } => {
            assert_eq!(*parameter, "ctl_userdata");
            assert_eq!(error.kind(), &ParseErrorKind::TextBetweenPairs);
            assert_eq!(error.offset(), 5);
        }
        other => panic!("{other:?}"),
    }
}

/// Found by fuzzing (`tests/fuzz/corpus/request/crash-phone-with-line-break`): the
/// offending text was echoed raw, so a line break in it split the message.
#[test]
fn error_messages_escape_line_breaks_in_the_offending_text() {
    let err = ClickToDialRequest::from_query("phone=1%0A2").unwrap_err();
    assert_eq!(
        err.kind(),
        &RequestErrorKind::InvalidPhone {
            value: "1\n2".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "`phone` must be digits with optional `+ - . ( ) /` or spaces, got `1\\n2` \
         (at link bytes 7..10: `phone=1%0A2`)"
    );
    let err = ClickToDialRequest::from_query("phone=1&queue_id=7%0D%E2%80%A9").unwrap_err();
    assert_eq!(
        err.to_string(),
        "`queue_id` must be digits only, got `7\\r\\u{2029}` \
         (at link bytes 18..21: `…one=1&queue_id=7%0D%E2%80%A9`)"
    );
    // Text without control characters is shown as it is.
    let err = ClickToDialRequest::from_query("phone={!Account.Phone}").unwrap_err();
    assert!(
        err.to_string()
            .contains("got `{!Account.Phone}` (at link bytes 6..22"),
        "{err}"
    );
}

#[test]
fn from_url_refuses_other_schemes_and_garbage() {
    let err = ClickToDialRequest::from_url("http://vcc-na4.8x8.com/AGUI/make_call.php?phone=1")
        .unwrap_err();
    assert_eq!(err.kind(), &RequestErrorKind::NotHttps("http".into()));
    assert!(err.to_string().contains("https only"));
    let err = ClickToDialRequest::from_url("make_call.php?phone=1").unwrap_err();
    assert!(matches!(err.kind(), RequestErrorKind::InvalidUrl(_)));
    // The url crate's error is kept as the cause, for `anyhow` chains.
    let cause = std::error::Error::source(&err).expect("the url error");
    assert_eq!(
        cause.downcast_ref::<url::ParseError>(),
        Some(&url::ParseError::RelativeUrlWithoutBase)
    );
    // The path is not checked.
    assert!(ClickToDialRequest::from_url("https://h/x?phone=1").is_ok());
    // No query at all: the phone is missing.
    let err = ClickToDialRequest::from_url("https://h/AGUI/make_call.php").unwrap_err();
    assert_eq!(err.kind(), &RequestErrorKind::MissingPhone);
    // An empty `phone=` is missing too, and like an absent one it has no
    // place: the fix is to give a number, not to edit a character.
    for query in ["phone=&prefix=9", "prefix=9&phone="] {
        let err = ClickToDialRequest::from_query(query).unwrap_err();
        assert_eq!(err.kind(), &RequestErrorKind::MissingPhone, "{query}");
        assert_eq!(err.span(), None, "{query}");
    }
}

#[test]
fn parameters_trimmed_last_wins_extra_kept() {
    let req = ClickToDialRequest::from_query(
        "? prefix=9&phone=1&phone=(650)+292-8880&x=1&dialplan_id=&queue_id=007&y=2&x=3&=z",
    )
    .unwrap();
    assert_eq!(req.prefix.as_deref(), Some("9"));
    assert_eq!(req.phone, "(650) 292-8880");
    assert_eq!(req.dial_string(), "96502928880");
    assert_eq!(req.dialplan_id, None);
    assert_eq!(req.queue_id, Some(7));
    assert_eq!(
        req.extra,
        [("y".into(), "2".into()), ("x".into(), "3".into())]
    );
    // Only the winning value is validated.
    assert!(ClickToDialRequest::from_query("phone=abc&phone=123").is_ok());
    // Absent and empty are told apart for prefix and callerId.
    let req = ClickToDialRequest::from_query("phone=1&callerId=").unwrap();
    assert_eq!((req.prefix, req.caller_id.as_deref()), (None, Some("")));
}

#[test]
fn post_body_wins_for_the_data_parameters_only() {
    let req = ClickToDialRequest::from_query_and_form(
        "phone=111&ctl_userdata=%5Ba%7Cget%5D&extTransactionData=%5BextRecordId%7Cget%5D",
        "ctl_userdata=%5Ba%7Cpost%5D&phone=222&prefix=9&note=hi",
    )
    .unwrap();
    assert_eq!(req.userdata.unwrap().get("a"), Some("post"));
    assert_eq!(
        req.ext_transaction_data.unwrap().record_id(),
        Some("get"),
        "the query's value stands when the body has none"
    );
    assert_eq!(req.phone, "111");
    assert_eq!(req.prefix, None);
    assert_eq!(req.extra, [("note".into(), "hi".into())]);
    // A malformed body value is an error even when the query's was fine.
    let err = ClickToDialRequest::from_query_and_form(
        "phone=1&ctl_userdata=%5Ba%7C1%5D",
        "ctl_userdata=%5Bbroken",
    )
    .unwrap_err();
    assert_eq!(err.parameter(), Some("ctl_userdata"));
}

#[test]
fn to_url_encodes_every_value() {
    let mut req = ClickToDialRequest::new("+1 (650) 292-8880");
    req.prefix = Some(String::new());
    req.caller_id = Some("5251990".into());
    req.dialplan_id = Some(3);
    req.queue_id = Some(12);
    let mut data = UserData::new();
    data.push("subject", "a+b & c=d/é ~x").unwrap();
    data.push("odd", "x]y").unwrap();
    req.userdata = Some(data);
    req.ext_transaction_data = Some(ExtTransactionData::parse("[extRecordId|1]").unwrap());
    req.extra.push(("utm source".into(), "crm".into()));
    // A known name in `extra` would not read back as `extra`: refused.
    req.extra.push(("phone".into(), "shadowed".into()));
    assert!(req.to_url("https://vcc-na4.8x8.com/").is_err());
    req.extra.pop();
    let url = req.to_url("https://vcc-na4.8x8.com/").unwrap();
    assert_eq!(
        url,
        "https://vcc-na4.8x8.com/AGUI/make_call.php?prefix=&phone=%2B1%20%28650%29%20292-8880\
         &callerId=5251990&dialplan_id=3&queue_id=12\
         &ctl_userdata=%5Bsubject%7Ca%2Bb%20%26%20c%3Dd%2F%C3%A9%20~x%5D%5Bodd%7Cx%255Dy%5D\
         &extTransactionData=%5BextRecordId%7C1%5D&utm%20source=crm"
    );
    let back = ClickToDialRequest::from_url(&url).unwrap();
    assert_eq!(back.userdata, req.userdata);
    assert_eq!(back.phone, req.phone);
    assert_eq!(back.extra, [("utm source".to_string(), "crm".to_string())]);
}

#[test]
fn to_url_bases() {
    let req = ClickToDialRequest::new("1");
    for (base, expected) in [
        (
            "https://vcc-na4.8x8.com",
            "https://vcc-na4.8x8.com/AGUI/make_call.php?phone=1",
        ),
        (
            "https://vcc-na4.8x8.com/AGUI/login.php?x=1#f",
            "https://vcc-na4.8x8.com/AGUI/make_call.php?phone=1",
        ),
        (
            "https://proxy.example/tenant7/",
            "https://proxy.example/tenant7/AGUI/make_call.php?phone=1",
        ),
        (
            " https://VCC-EU.8x8.com:8443/AGUI ",
            "https://vcc-eu.8x8.com:8443/AGUI/make_call.php?phone=1",
        ),
    ] {
        assert_eq!(req.to_url(base).unwrap(), expected, "{base}");
    }
    let err = req.to_url("http://vcc-na4.8x8.com").unwrap_err();
    assert_eq!(err.kind(), &RequestErrorKind::NotHttps("http".into()));
    assert!(matches!(
        req.to_url("vcc-na4.8x8.com").unwrap_err().kind(),
        RequestErrorKind::InvalidUrl(_)
    ));
    // An invalid request makes no link.
    let err = ClickToDialRequest::new("{!Account.Phone}")
        .to_url("https://vcc-na4.8x8.com")
        .unwrap_err();
    assert_eq!(err.parameter(), Some("phone"));
}

#[test]
fn review_findings() {
    // Many unknown parameters: one pass (this took seconds when each
    // parameter rescanned the list).
    let query: String =
        (0..100_000).map(|i| format!("p{i}=1&")).collect::<String>() + "phone=1&p7=x";
    let req = ClickToDialRequest::from_query(&query).unwrap();
    assert_eq!(req.extra.len(), 100_000);
    assert_eq!(req.extra.last(), Some(&("p7".to_string(), "x".to_string())));

    // Error messages stay on one line and bounded, whatever the input.
    let err = ClickToDialRequest::from_query("phone=1%0A2").unwrap_err();
    assert_eq!(
        err.to_string(),
        "`phone` must be digits with optional `+ - . ( ) /` or spaces, got `1\\n2` \
         (at link bytes 7..10: `phone=1%0A2`)"
    );
    let long = "x".repeat(10_000);
    let message = ClickToDialRequest::from_query(&format!("phone=1&prefix={long}"))
        .unwrap_err()
        .to_string();
    // The value (bounded) and an excerpt of the link (bounded).
    assert!(message.len() < 300 && message.ends_with("…`)"), "{message}");

    // Base URLs: `/agui` in any case, a login page, and no credentials.
    let req = ClickToDialRequest::new("1");
    for base in [
        "https://vcc-na4.8x8.com/agui/login.php",
        "https://vcc-na4.8x8.com/login.php",
        "https://user:pw@vcc-na4.8x8.com/AGUI/",
    ] {
        assert_eq!(
            req.to_url(base).unwrap(),
            "https://vcc-na4.8x8.com/AGUI/make_call.php?phone=1",
            "{base}"
        );
    }
}

fn any_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            3 => prop::sample::select(vec!['[', ']', '|', '%', '&', '=', '+', '#', '?', ' ', '$', '\n', 'a', '5', 'D']),
            1 => any::<char>(),
        ],
        0..10,
    )
    .prop_map(|c| c.into_iter().collect())
}

fn pairs() -> impl Strategy<Value = UserData<'static>> {
    prop::collection::vec(
        (
            any_text().prop_filter("name", |s| !s.is_empty()),
            any_text(),
        ),
        0..6,
    )
    .prop_map(|p| p.into_iter().collect())
}

fn request() -> impl Strategy<Value = ClickToDialRequest> {
    let digits = "[0-9]{0,6}";
    (
        prop::option::of(digits),
        "[0-9 +().\\-/]{0,4}[0-9][0-9 +().\\-/]{0,8}",
        prop::option::of(digits),
        prop::option::of(any::<u64>()),
        prop::option::of(any::<u64>()),
        prop::option::of(pairs()),
        prop::option::of(pairs()),
        prop::collection::btree_map("x[a-zA-Z0-9_ ]{0,6}[a-z]", any_text(), 0..3),
    )
        .prop_map(
            |(prefix, phone, caller_id, dialplan_id, queue_id, userdata, ext, extra)| {
                ClickToDialRequest {
                    prefix,
                    phone,
                    caller_id,
                    dialplan_id,
                    queue_id,
                    userdata,
                    ext_transaction_data: ext.map(ExtTransactionData::from),
                    extra: extra.into_iter().collect(),
                }
            },
        )
}

proptest! {
    #[test]
    fn to_url_then_from_url_round_trips(req in request()) {
        let url = req.to_url("https://vcc-na4.8x8.com/AGUI/login.php").unwrap();
        // Only unreserved characters and escapes in the query.
        let query = url.split_once('?').unwrap().1;
        prop_assert!(query.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%&=".contains(&b)));
        let back = ClickToDialRequest::from_url(&url)
            .map_err(|e| TestCaseError::fail(format!("{url}: {e}")))?;
        prop_assert_eq!(back, req);
    }

    #[test]
    fn from_query_never_panics(query in any_text(), form in any_text()) {
        let _ = ClickToDialRequest::from_query(&query);
        let _ = ClickToDialRequest::from_query_and_form(&query, &form);
        let _ = ClickToDialRequest::from_url(&format!("https://h/AGUI/make_call.php?{query}"));
    }
}

/// An invalid URL's cause (the `url` crate's reason) is the error's
/// `source()`, left out of `Display`, and said once by a finding.
#[test]
fn an_invalid_url_says_its_cause_once() {
    let err = ClickToDialRequest::from_url("not a url").unwrap_err();
    assert!(matches!(err.kind(), RequestErrorKind::InvalidUrl(_)));
    let cause = std::error::Error::source(&err)
        .expect("the url crate's reason")
        .to_string();
    assert!(!err.to_string().contains(&cause), "{err}");
    let finding = clicktodial::Finding::from(&err);
    assert_eq!(finding.message().matches(cause.as_str()).count(), 1);
}
