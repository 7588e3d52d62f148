//! The payloads: screenpop, callback, SFDC create, callback URL check.

use clicktodial::{
    check_callback_url, Callback, CallbackPolicy, ParseErrorKind, RequestErrorKind, ResultCode,
    Screenpop, SfdcCreate, UserData,
};
use proptest::prelude::*;
use url::form_urlencoded;

fn decode_form(body: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(body.as_bytes())
        .map(|(n, v)| (n.into_owned(), v.into_owned()))
        .collect()
}

// ---- Screenpop ------------------------------------------------------------

fn screenpop() -> Screenpop {
    Screenpop {
        ctl_userdata: "[ctl_launchopt|true][customer_id|123456567]".into(),
        agent_id: "agent-007".into(),
        username: "jdoe@acme.example".into(),
        password: "p&ss=w rd+é%".into(),
        account: "acct-42".into(),
        role: "Salesforce".into(),
    }
}

#[test]
fn screenpop_fields_in_vendor_order() {
    let pop = screenpop();
    assert_eq!(
        pop.fields(),
        [
            ("CtlUserData", "[ctl_launchopt|true][customer_id|123456567]"),
            ("AgentID", "agent-007"),
            ("Username", "jdoe@acme.example"),
            ("extLogin", "jdoe@acme.example"),
            ("Password", "p&ss=w rd+é%"),
            ("extPwd", "p&ss=w rd+é%"),
            ("Account", "acct-42"),
            ("Role", "Salesforce"),
            ("Command", "launch"),
            ("cmd", "launch"),
        ]
    );
}

#[test]
fn screenpop_form_encodes_every_value() {
    let pop = screenpop();
    let body = pop.to_form();
    assert_eq!(
        body,
        "CtlUserData=%5Bctl_launchopt%7Ctrue%5D%5Bcustomer_id%7C123456567%5D\
         &AgentID=agent-007&Username=jdoe%40acme.example&extLogin=jdoe%40acme.example\
         &Password=p%26ss%3Dw+rd%2B%C3%A9%25&extPwd=p%26ss%3Dw+rd%2B%C3%A9%25\
         &Account=acct-42&Role=Salesforce&Command=launch&cmd=launch"
    );
    // And a form decoder reads back exactly the fields.
    let expected: Vec<(String, String)> = pop
        .fields()
        .into_iter()
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect();
    assert_eq!(decode_form(&body), expected);
}

#[test]
fn screenpop_debug_hides_the_password_only() {
    let pop = screenpop();
    for text in [format!("{pop:?}"), format!("{pop:#?}")] {
        assert!(!text.contains("p&ss=w rd+é%"), "{text}");
        assert!(!text.contains("p&ss"), "{text}");
        assert!(text.contains("<redacted>"), "{text}");
        for shown in [
            "[ctl_launchopt|true][customer_id|123456567]",
            "agent-007",
            "jdoe@acme.example",
            "acct-42",
            "Salesforce",
        ] {
            assert!(text.contains(shown), "{shown} missing from {text}");
        }
    }
}

#[test]
fn screenpop_for_userdata_writes_canonical_text() {
    let data = UserData::parse("[a|x %5D y]\n[b|2]").unwrap();
    let pop = Screenpop::for_userdata(&data);
    assert_eq!(pop.ctl_userdata, "[a|x %5D y][b|2]");
    assert_eq!(UserData::parse(&pop.ctl_userdata).unwrap(), data);
    assert_eq!(pop.password, "");
}

// ---- Callback -------------------------------------------------------------

#[test]
fn callback_to_form_field_order_and_encoding() {
    let data = UserData::parse("[foreign_key|12345678][Transactionid|guid-1]").unwrap();
    let cb = Callback::fail(data, "INVALID_FIELD: a=b & c");
    assert_eq!(
        cb.to_form(),
        "ctl_userdata=%5Bforeign_key%7C12345678%5D%5BTransactionid%7Cguid-1%5D\
         &resultCode=FAIL&errorString=INVALID_FIELD%3A+a%3Db+%26+c"
    );
    let names: Vec<String> = decode_form(&cb.to_form())
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(names, ["ctl_userdata", "resultCode", "errorString"]);
}

#[test]
fn callback_success_appends_system_record_id() {
    let data =
        UserData::parse("[ctl_newRecordId|tenant][subject|hi][Ctl_NewRecordID|again]").unwrap();
    let cb = Callback::success(data, "00T5g00000A");
    assert_eq!(
        cb.ctl_userdata.iter().collect::<Vec<_>>(),
        [("subject", "hi"), ("ctl_newRecordId", "00T5g00000A")]
    );
    assert_eq!(cb.result_code, ResultCode::Success);
    assert_eq!(cb.error_string, "");
    let back = Callback::from_form(&cb.to_form()).unwrap();
    assert_eq!(back.new_record_id(), Some("00T5g00000A"));
}

#[test]
fn callback_new_record_id_is_last_any_case() {
    let cb = Callback::from_form(
        "ctl_userdata=%5Bctl_newrecordid%7C1%5D%5BCTL_NEWRECORDID%7C2%5D&resultCode=SUCCESS",
    )
    .unwrap();
    assert_eq!(cb.new_record_id(), Some("2"));
    let cb = Callback::ignore(UserData::parse("[a|1]").unwrap());
    assert_eq!(cb.new_record_id(), None);
}

#[test]
fn callback_missing_result_code() {
    let body = "ctl_userdata=%5Ba%7C1%5D&errorString=x";
    let err = Callback::from_form(body).unwrap_err();
    assert_eq!(err.kind(), &ParseErrorKind::MissingField("resultCode"));
    assert_eq!(err.offset(), body.len());
    assert_eq!(err.field(), None);
    // An empty body too.
    let err = Callback::from_form("").unwrap_err();
    assert_eq!(err.kind(), &ParseErrorKind::MissingField("resultCode"));
    assert_eq!(err.offset(), 0);
}

#[test]
fn callback_unknown_result_code() {
    for (body, code) in [
        ("ctl_userdata=&resultCode=OK&errorString=", "OK"),
        ("resultCode=success", "success"),
        ("resultCode=", ""),
        ("resultCode=SUCCESS+", "SUCCESS "),
        ("a=1&resultCode=%E2%9C%93", "✓"),
    ] {
        let err = Callback::from_form(body).unwrap_err();
        assert_eq!(
            err.kind(),
            &ParseErrorKind::UnknownResultCode(code.into()),
            "{body}"
        );
        assert_eq!(err.offset(), body.find("resultCode").unwrap(), "{body}");
    }
}

/// Found by fuzzing (`tests/fuzz/corpus/callback_form/crash-result-code-with-line-break`):
/// the unknown code was echoed raw, so its line break split the message.
#[test]
fn callback_unknown_result_code_message_is_one_line() {
    let err = Callback::from_form("result%43ode=\n").unwrap_err();
    assert_eq!(err.kind(), &ParseErrorKind::UnknownResultCode("\n".into()));
    assert_eq!(
        err.to_string(),
        "unknown resultCode `\\n` (expected SUCCESS, FAIL or IGNORE) at byte 0"
    );
    let err = Callback::from_form("resultCode=IGNO%0D%0A%E2%80%A8%C2%85a\u{7}").unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown resultCode `IGNO\\r\\n\\u{2028}\\u{85}a\\u{7}` (expected SUCCESS, FAIL or IGNORE) at byte 0"
    );
}

#[test]
fn callback_result_code_last_wins() {
    let cb = Callback::from_form("resultCode=bogus&resultCode=IGNORE").unwrap();
    assert_eq!(cb.result_code, ResultCode::Ignore);
    let cb = Callback::from_form(
        "ctl_userdata=%5Ba%7C1%5D&resultCode=FAIL&ctl_userdata=%5Bb%7C2%5D&errorString=x&errorString=y",
    )
    .unwrap();
    assert_eq!(cb.ctl_userdata.iter().collect::<Vec<_>>(), [("b", "2")]);
    assert_eq!(cb.error_string, "y");
}

#[test]
fn callback_malformed_userdata_names_the_field() {
    // Decoded: "[a|1] x" — text between pairs at byte 6 of the value.
    let err = Callback::from_form("resultCode=SUCCESS&ctl_userdata=%5Ba%7C1%5D+x&errorString=")
        .unwrap_err();
    assert_eq!(err.kind(), &ParseErrorKind::TextBetweenPairs);
    assert_eq!(err.field(), Some("ctl_userdata"));
    assert_eq!(err.offset(), 6);
    assert!(err.to_string().starts_with("ctl_userdata: "), "{err}");

    let err = Callback::from_form("ctl_userdata=%5Ba%7C1%5D%5Bb&resultCode=FAIL").unwrap_err();
    assert_eq!(err.kind(), &ParseErrorKind::UnterminatedPair);
    assert_eq!(err.offset(), 5);
    assert_eq!(err.field(), Some("ctl_userdata"));
}

#[test]
fn callback_missing_optional_fields_read_as_empty() {
    let cb = Callback::from_form("resultCode=IGNORE").unwrap();
    assert!(cb.ctl_userdata.is_empty());
    assert_eq!(cb.error_string, "");
    assert_eq!(cb, Callback::ignore(UserData::new()));
}

#[test]
fn result_code_strings() {
    for code in [ResultCode::Success, ResultCode::Fail, ResultCode::Ignore] {
        assert_eq!(code.as_str().parse::<ResultCode>().unwrap(), code);
        assert_eq!(code.to_string(), code.as_str());
        assert!(code.as_str().to_lowercase().parse::<ResultCode>().is_err());
    }
}

fn text() -> impl Strategy<Value = String> {
    // Ordinary text, and the characters that matter to the grammar and to
    // form encoding.
    prop::collection::vec(
        prop_oneof![
            3 => any::<char>(),
            2 => prop::sample::select(vec![
                ']', '[', '|', '%', '&', '=', '+', ' ', '\n', '5', 'D', 'B', '7', 'C', '2', '$',
            ]),
        ],
        0..12,
    )
    .prop_map(|cs| cs.into_iter().collect())
}

fn userdata() -> impl Strategy<Value = UserData<'static>> {
    prop::collection::vec(
        (
            text().prop_filter("non-empty name", |n| !n.is_empty()),
            text(),
        ),
        0..6,
    )
    .prop_map(|pairs| {
        let mut data = UserData::new();
        for (n, v) in pairs {
            data.push(n, v).unwrap();
        }
        data
    })
}

fn result_code() -> impl Strategy<Value = ResultCode> {
    prop::sample::select(vec![
        ResultCode::Success,
        ResultCode::Fail,
        ResultCode::Ignore,
    ])
}

proptest! {
    #[test]
    fn callback_form_round_trip(
        data in userdata(),
        code in result_code(),
        error in text(),
    ) {
        let cb = Callback::new(data, code, error);
        let body = cb.to_form();
        let back = Callback::from_form(&body).unwrap();
        prop_assert_eq!(back, cb);
    }

    #[test]
    fn callback_from_form_never_panics(body in "\\PC*") {
        let _ = Callback::from_form(&body);
    }
}

// ---- SfdcCreate -----------------------------------------------------------

/// The vendor's Example 1 `ctl_userdata`, URL-decoded, with the CRM's merge
/// field `{!Account.Id}` filled in (line breaks between pairs as printed):
/// the one copy in `tests/data/vendor/`.
const EXAMPLE_1: &str = include_str!("../data/vendor/example1_userdata.txt");

/// The JSON body is written into one allocation sized for it: no
/// reallocation, and no more room than quotes, colons and commas need.
#[test]
fn sfdc_json_is_one_allocation_of_its_size() {
    let text: String = (0..200)
        .map(|i| format!("[field_{i}__c|value number {i}]"))
        .chain(["[ctl_action|create][ctl_intType|sfdc][ObjectType|Task]".to_owned()])
        .collect();
    let data = UserData::parse(&text).unwrap();
    let json = SfdcCreate::from_userdata(&data).unwrap().to_json();
    assert!(
        json.starts_with("{\"field_0__c\":\"value number 0\","),
        "{json}"
    );
    assert!(json.capacity() >= json.len());
    assert!(
        json.capacity() - json.len() <= 8,
        "{} for {}",
        json.capacity(),
        json.len()
    );
}

#[test]
fn sfdc_from_vendor_example_1() {
    let data = UserData::parse(EXAMPLE_1).unwrap();
    let create = SfdcCreate::from_userdata(&data).unwrap();
    assert_eq!(create.sobject, "Task");
    let fields: Vec<(&str, &str)> = create
        .fields
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            ("subject", "outbound call log ($transaction_id$)"),
            ("Transactionid__c", "$interaction_guid$"),
            ("WhatId", "001A000001XyZab"),
            ("status", "completed"),
            (
                "Description",
                "My Own Description\ncall answered at$equal$ $call_answered_time$\n\
                 call hangup at: $call_hangup_time$\nTransaction Codes $equal$ $transaction_codes$"
            ),
            ("ActivityDate", "$year$-$month$-$date$"),
        ]
    );
    assert_eq!(create.path("v59.0"), "/services/data/v59.0/sobjects/Task/");
    assert_eq!(
        create.to_json(),
        r#"{"subject":"outbound call log ($transaction_id$)","Transactionid__c":"$interaction_guid$","WhatId":"001A000001XyZab","status":"completed","Description":"My Own Description\ncall answered at$equal$ $call_answered_time$\ncall hangup at: $call_hangup_time$\nTransaction Codes $equal$ $transaction_codes$","ActivityDate":"$year$-$month$-$date$"}"#
    );
}

#[test]
fn sfdc_none_cases() {
    for input in [
        "",
        "[ObjectType|Task][a|1]",
        "[ctl_action|create][ObjectType|Task]",
        "[ctl_intType|sfdc][ObjectType|Task]",
        "[ctl_action|update][ctl_intType|sfdc][ObjectType|Task]",
        "[ctl_action|create][ctl_intType|zendesk][ObjectType|Task]",
        "[ctl_action|create][ctl_intType|sfdc][a|1]",
        "[ctl_action|create][ctl_intType|sfdc][ObjectType|]",
        "[ctl_action|create][ctl_intType|sfdc][ObjectType|Task][ObjectType|]",
        "[ctl_action|create][ctl_intType|sfdc][objecttype|Task]",
        "[ctl_action|create][ctl_intType|sfdc][ObjectType|Task][ctl_action|none]",
    ] {
        let data = UserData::parse(input).unwrap();
        assert_eq!(SfdcCreate::from_userdata(&data), None, "{input}");
    }
}

#[test]
fn sfdc_system_names_any_case_and_fields_filtered() {
    let data = UserData::parse(
        "[CTL_ACTION|Create][Ctl_IntType|SFDC][a|1][ObjectType|Lead][CTL_foo|x][b|2][ObjectType|Task]",
    )
    .unwrap();
    let create = SfdcCreate::from_userdata(&data).unwrap();
    assert_eq!(create.sobject, "Task");
    assert_eq!(
        create.fields,
        [("a".into(), "1".into()), ("b".into(), "2".into())] as [(String, String); 2]
    );
}

#[test]
fn sfdc_path_versions_and_encoding() {
    let create = SfdcCreate {
        sobject: "Task".into(),
        fields: vec![],
    };
    assert_eq!(create.path("v59.0"), "/services/data/v59.0/sobjects/Task/");
    assert_eq!(create.path("59.0"), "/services/data/v59.0/sobjects/Task/");
    assert_eq!(create.path("V60.0"), "/services/data/v60.0/sobjects/Task/");
    let custom = SfdcCreate {
        sobject: "Call_Log__c".into(),
        fields: vec![],
    };
    assert_eq!(
        custom.path("v59.0"),
        "/services/data/v59.0/sobjects/Call_Log__c/"
    );
    let hostile = SfdcCreate {
        sobject: "a/b?c#d é".into(),
        fields: vec![],
    };
    assert_eq!(
        hostile.path("59.0/../x"),
        "/services/data/v59.0%2F..%2Fx/sobjects/a%2Fb%3Fc%23d%20%C3%A9/"
    );
}

#[test]
fn sfdc_json_duplicates_first_position_last_value() {
    let create = SfdcCreate {
        sobject: "Task".into(),
        fields: vec![
            ("a".into(), "1".into()),
            ("b".into(), "2".into()),
            ("a".into(), "3".into()),
        ],
    };
    assert_eq!(create.to_json(), r#"{"a":"3","b":"2"}"#);
}

fn json_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            3 => any::<char>(),
            2 => prop::sample::select(vec![
                '"', '\\', '\n', '\r', '\t', '\u{0}', '\u{8}', '\u{c}', '\u{1f}', '\u{7f}',
                '\u{2028}', '\u{2029}', '/', 'é', '😀', 'a',
            ]),
        ],
        0..16,
    )
    .prop_map(|cs| cs.into_iter().collect())
}

proptest! {
    #[test]
    fn sfdc_json_matches_serde_json(
        fields in prop::collection::vec((json_text(), json_text()), 0..8),
    ) {
        let create = SfdcCreate { sobject: "Task".into(), fields: fields.clone() };
        let json = create.to_json();
        let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
        // Later wins, as Map::insert does.
        let mut expected = serde_json::Map::new();
        for (n, v) in fields {
            expected.insert(n, serde_json::Value::String(v));
        }
        prop_assert_eq!(parsed, serde_json::Value::Object(expected));
    }
}

// ---- callback URL ---------------------------------------------------------

#[test]
fn callback_url_accepted_by_default() {
    let policy = CallbackPolicy::default();
    for url in [
        "http://www.mycompany.com/clicktodial/callback?transaction=12345",
        "https://crm.example.com/cb",
        "https://crm.example.com:8443/cb#frag",
        "http://8.8.8.8/",
        "http://1.1.1.1:8080/x",
        "http://172.32.0.1/",
        "http://100.128.0.1/",
        "http://[2606:4700:4700::1111]/",
        "http://[::ffff:8.8.8.8]/",
        // IPv4-compatible (deprecated): read as the IPv4 address it holds.
        "http://[::8.8.8.8]/",
        "http://[64:ff9b::808:808]/",
        "https://mylocalhost.com/",
        "https://localhost.example.com/",
        "https://user:pw@crm.example.com/",
    ] {
        let checked = check_callback_url(url, &policy);
        assert!(checked.is_ok(), "{url}: {checked:?}");
    }
}

#[test]
fn callback_url_private_hosts_refused() {
    let policy = CallbackPolicy::default();
    for (url, host) in [
        ("http://localhost/", "localhost"),
        ("http://LOCALHOST:8080/", "localhost"),
        ("http://localhost./", "localhost."),
        ("http://api.localhost/", "api.localhost"),
        ("http://Api.LocalHost./", "api.localhost."),
        ("http://printer.local/", "printer.local"),
        ("http://127.0.0.1/", "127.0.0.1"),
        ("http://127.255.255.254/", "127.255.255.254"),
        ("http://0x7f.1/", "127.0.0.1"),
        ("http://2130706433/", "127.0.0.1"),
        ("http://0177.0.0.1/", "127.0.0.1"),
        ("http://127.1/", "127.0.0.1"),
        ("http://127.0.0.1./", "127.0.0.1"),
        ("http://0.0.0.0/", "0.0.0.0"),
        ("http://0/", "0.0.0.0"),
        ("http://10.1.2.3/", "10.1.2.3"),
        ("http://172.16.0.1/", "172.16.0.1"),
        ("http://172.31.255.255/", "172.31.255.255"),
        ("http://192.168.1.1/", "192.168.1.1"),
        ("http://169.254.169.254/latest/meta-data", "169.254.169.254"),
        ("http://100.64.0.1/", "100.64.0.1"),
        ("http://255.255.255.255/", "255.255.255.255"),
        ("http://192.0.2.10/", "192.0.2.10"),
        ("http://198.51.100.1/", "198.51.100.1"),
        ("http://203.0.113.99/", "203.0.113.99"),
        ("http://198.18.0.1/", "198.18.0.1"),
        ("http://198.19.255.255/", "198.19.255.255"),
        ("http://224.0.0.1/", "224.0.0.1"),
        ("http://239.255.255.250/", "239.255.255.250"),
        ("http://240.0.0.1/", "240.0.0.1"),
        ("http://[::1]/", "[::1]"),
        ("http://[::]/", "[::]"),
        ("http://[fc00::1]/", "[fc00::1]"),
        ("http://[fd12:3456::1]/", "[fd12:3456::1]"),
        ("http://[fe80::1]/", "[fe80::1]"),
        ("http://[febf::1]/", "[febf::1]"),
        ("http://[ff02::1]/", "[ff02::1]"),
        ("http://[2001:db8::1]/", "[2001:db8::1]"),
        ("http://[::ffff:127.0.0.1]/", "[::ffff:7f00:1]"),
        ("http://[::ffff:10.0.0.1]/", "[::ffff:a00:1]"),
        ("http://[::ffff:169.254.169.254]/", "[::ffff:a9fe:a9fe]"),
        ("http://[::127.0.0.1]/", "[::7f00:1]"),
        ("http://[64:ff9b::127.0.0.1]/", "[64:ff9b::7f00:1]"),
        ("http://[64:ff9b::192.168.0.1]/", "[64:ff9b::c0a8:1]"),
        ("http://[2002:c0a8:101::1]/", "[2002:c0a8:101::1]"),
        // The URL parser's own normalisations: IDNA mapping, percent-decoded
        // hosts, full-width digits.
        (
            "http://\u{24db}\u{24de}\u{24d2}\u{24d0}\u{24db}\u{24d7}\u{24de}\u{24e2}\u{24e3}/",
            "localhost",
        ),
        ("http://localhost%2E/", "localhost."),
        ("http://%31%32%37.0.0.1/", "127.0.0.1"),
        ("http://\u{ff11}\u{ff12}\u{ff17}.0.0.1/", "127.0.0.1"),
    ] {
        let err = check_callback_url(url, &policy).unwrap_err();
        assert_eq!(
            err.kind(),
            &RequestErrorKind::CallbackPrivateHost(host.into()),
            "{url}"
        );
        // Allowed when the policy says so.
        let lax = CallbackPolicy {
            allow_private_hosts: true,
            ..CallbackPolicy::default()
        };
        assert!(check_callback_url(url, &lax).is_ok(), "{url}");
    }
}

#[test]
fn callback_url_scheme_and_host() {
    let policy = CallbackPolicy {
        allow_private_hosts: true,
        ..CallbackPolicy::default()
    };
    for (url, scheme) in [
        ("ftp://crm.example.com/", "ftp"),
        ("file:///etc/passwd", "file"),
        ("javascript:alert(1)", "javascript"),
        ("mailto:ops@example.com", "mailto"),
        ("gopher://crm.example.com/", "gopher"),
        ("HTTPX://crm.example.com/", "httpx"),
    ] {
        let err = check_callback_url(url, &policy).unwrap_err();
        assert_eq!(
            err.kind(),
            &RequestErrorKind::CallbackScheme(scheme.into()),
            "{url}"
        );
    }
    for url in [
        "http://",
        "https://",
        "http://user:pw@/",
        "http:///",
        "https://?x",
        "https://./cb",
        "https://.../cb",
    ] {
        let err = check_callback_url(url, &policy).unwrap_err();
        assert_eq!(err.kind(), &RequestErrorKind::CallbackNoHost, "{url}");
    }
    for url in [
        "",
        "crm.example.com/cb",
        "/relative",
        "http://exa mple.com/",
        "http://[::1/",
    ] {
        let err = check_callback_url(url, &policy).unwrap_err();
        assert!(
            matches!(err.kind(), RequestErrorKind::InvalidUrl(_)),
            "{url}: {err:?}"
        );
    }
    // Upper-case schemes are normalised by the parser and accepted.
    assert!(check_callback_url("HTTPS://crm.example.com/", &policy).is_ok());
}

#[test]
fn callback_url_require_https() {
    let policy = CallbackPolicy {
        require_https: true,
        ..CallbackPolicy::default()
    };
    assert!(check_callback_url("https://crm.example.com/cb", &policy).is_ok());
    let err = check_callback_url("http://crm.example.com/cb", &policy).unwrap_err();
    assert_eq!(err.kind(), &RequestErrorKind::CallbackNotHttps);
    // The default allows http.
    assert!(check_callback_url("http://crm.example.com/cb", &CallbackPolicy::default()).is_ok());
}

#[test]
fn callback_url_errors_never_show_credentials() {
    let policy = CallbackPolicy {
        require_https: true,
        ..CallbackPolicy::default()
    };
    for url in [
        "http://admin:Sup3rSecret@127.0.0.1/",
        "http://admin:Sup3rSecret@crm.example.com/",
        "ftp://admin:Sup3rSecret@crm.example.com/",
        "http://admin:Sup3rSecret@/",
        "http://admin:Sup3rSecret@exa mple.com/",
        "http://admin:Sup3rSecret@[::1]/",
    ] {
        let err = check_callback_url(url, &policy).unwrap_err();
        for text in [err.to_string(), format!("{err:?}")] {
            assert!(!text.contains("Sup3rSecret"), "{url}: {text}");
            assert!(!text.contains("admin"), "{url}: {text}");
        }
    }
}

proptest! {
    #[test]
    fn check_callback_url_never_panics(url in "\\PC*") {
        let _ = check_callback_url(&url, &CallbackPolicy::default());
    }
}

// ---- serde ----------------------------------------------------------------

#[cfg(feature = "serde")]
mod serde_support {
    use super::*;

    #[test]
    fn result_code_as_strings() {
        assert_eq!(
            serde_json::to_string(&ResultCode::Success).unwrap(),
            r#""SUCCESS""#
        );
        let code: ResultCode = serde_json::from_str(r#""IGNORE""#).unwrap();
        assert_eq!(code, ResultCode::Ignore);
        assert!(serde_json::from_str::<ResultCode>(r#""ignore""#).is_err());
    }

    #[test]
    fn payloads_round_trip() {
        let cb = Callback::success(UserData::parse("[a|1]").unwrap(), "00T1");
        let json = serde_json::to_string(&cb).unwrap();
        assert_eq!(serde_json::from_str::<Callback>(&json).unwrap(), cb);

        // The password is not serialized (a logged JSON must not leak it):
        // everything else round trips.
        let pop = screenpop();
        let json = serde_json::to_string(&pop).unwrap();
        assert!(!json.contains(&pop.password), "{json}");
        let back = serde_json::from_str::<Screenpop>(&json).unwrap();
        assert_eq!(back.password, "");
        assert_eq!(
            back,
            Screenpop {
                password: String::new(),
                ..pop
            }
        );

        let create = SfdcCreate::from_userdata(&UserData::parse(EXAMPLE_1).unwrap()).unwrap();
        let json = serde_json::to_string(&create).unwrap();
        assert_eq!(serde_json::from_str::<SfdcCreate>(&json).unwrap(), create);

        let policy = CallbackPolicy {
            require_https: true,
            allow_private_hosts: false,
        };
        let json = serde_json::to_string(&policy).unwrap();
        assert_eq!(
            serde_json::from_str::<CallbackPolicy>(&json).unwrap(),
            policy
        );
    }
}
