//! The HTTP edge (feature `http`) without a server: requests read and
//! built, the vendors' answers read, against the vendors' published
//! examples in `tests/data/8x8/` and `tests/data/sfdc/`.
#![cfg(feature = "http")]

use clicktodial::http::{self, Method, Request};
use clicktodial::url::Url;
use clicktodial::{
    Callback, ClickToDialRequest, CreateOutcome, PlaceCall, RequestErrorKind, ResultCode,
    Screenpop, SfdcCreate, UserData, MAX_BODY_LEN,
};
use proptest::prelude::*;

const FORM: &str = "application/x-www-form-urlencoded";

fn post(uri: &str, content_type: Option<&str>, body: &[u8]) -> Request<Vec<u8>> {
    let mut b = Request::post(uri);
    if let Some(ct) = content_type {
        b = b.header("content-type", ct);
    }
    b.body(body.to_vec()).unwrap()
}

// ---- reading requests -----------------------------------------------------------

#[test]
fn request_get_reads_the_query_and_ignores_a_body() {
    let req =
        Request::get("/AGUI/make_call.php?prefix=1&phone=6502928880&ctl_userdata=%5Ba%7C1%5D")
            .body(b"ctl_userdata=%5Ba%7Cbody%5D".to_vec())
            .unwrap();
    let got = ClickToDialRequest::from_http(&req).unwrap();
    assert_eq!(
        got,
        ClickToDialRequest::from_query("prefix=1&phone=6502928880&ctl_userdata=%5Ba%7C1%5D")
            .unwrap()
    );
    // No query at all: phone is missing.
    let req = Request::get("/AGUI/make_call.php")
        .body(Vec::new())
        .unwrap();
    assert_eq!(
        ClickToDialRequest::from_http(&req).unwrap_err().kind(),
        &RequestErrorKind::MissingPhone
    );
}

#[test]
fn request_post_is_query_and_form() {
    let query = "phone=6502928880&ctl_userdata=%5Ba%7Cquery%5D&prefix=1";
    let form = "ctl_userdata=%5Ba%7Cpost%5D&extTransactionData=%5BextRecordId%7C42%5D&prefix=9";
    let req = post(
        &format!("/AGUI/make_call.php?{query}"),
        Some(FORM),
        form.as_bytes(),
    );
    let got = ClickToDialRequest::from_http(&req).unwrap();
    assert_eq!(
        got,
        ClickToDialRequest::from_query_and_form(query, form).unwrap()
    );
    assert_eq!(got.userdata.unwrap().get("a"), Some("post"));
    assert_eq!(
        got.prefix.as_deref(),
        Some("1"),
        "prefix comes from the query only"
    );
}

#[test]
fn content_type_and_charset_spellings() {
    for ct in [
        "application/x-www-form-urlencoded",
        "Application/X-WWW-Form-URLEncoded",
        "application/x-www-form-urlencoded;charset=UTF-8",
        "application/x-www-form-urlencoded ; charset=\"utf-8\"",
        "application/x-www-form-urlencoded; charset=utf8; boundary=ignored",
        "application/x-www-form-urlencoded; charset=US-ASCII",
    ] {
        let req = post("/cb", Some(ct), b"resultCode=IGNORE");
        assert!(Callback::from_http(&req).is_ok(), "{ct}");
    }
    let refused = [
        (
            "application/json",
            RequestErrorKind::ContentType("application/json".into()),
        ),
        (
            "text/plain",
            RequestErrorKind::ContentType("text/plain".into()),
        ),
        (
            "multipart/form-data; boundary=x",
            RequestErrorKind::ContentType("multipart/form-data".into()),
        ),
        (
            "application/x-www-form-urlencoded; charset=ISO-8859-1",
            RequestErrorKind::Charset("ISO-8859-1".into()),
        ),
        ("", RequestErrorKind::ContentType("".into())),
    ];
    for (ct, kind) in refused {
        let req = post("/cb", Some(ct), b"resultCode=IGNORE");
        assert_eq!(Callback::from_http(&req).unwrap_err().kind(), &kind, "{ct}");
        let req = post("/m?phone=1", Some(ct), b"x=1");
        assert_eq!(
            ClickToDialRequest::from_http(&req).unwrap_err().kind(),
            &kind,
            "{ct}"
        );
    }
}

#[test]
fn missing_content_type() {
    // An empty POST needs none.
    let req = post("/m?phone=6502928880", None, b"");
    assert_eq!(
        ClickToDialRequest::from_http(&req).unwrap().phone,
        "6502928880"
    );
    // A body without one is refused, and the error says so.
    let req = post("/m?phone=6502928880", None, b"ctl_userdata=%5Ba%7C1%5D");
    let err = ClickToDialRequest::from_http(&req).unwrap_err();
    assert_eq!(err.kind(), &RequestErrorKind::ContentType("(none)".into()));
    assert_eq!(
        err.to_string(),
        "content type `(none)` is not allowed (expected application/x-www-form-urlencoded)"
    );
    // An empty callback POST has no resultCode.
    let err = Callback::from_http(&post("/cb", None, b"")).unwrap_err();
    assert!(matches!(err.kind(), RequestErrorKind::CallbackBody(_)));
}

#[test]
fn other_methods_are_named() {
    for method in [
        Method::PUT,
        Method::HEAD,
        Method::DELETE,
        Method::OPTIONS,
        Method::PATCH,
    ] {
        let req = Request::builder()
            .method(method.clone())
            .uri("/m?phone=1")
            .body(Vec::new())
            .unwrap();
        let err = ClickToDialRequest::from_http(&req).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("HTTP method `{method}` is not allowed (expected GET or POST)")
        );
        assert!(Callback::from_http(&req).is_err());
    }
    let odd = Request::builder()
        .method(Method::from_bytes(b"BREW").unwrap())
        .uri("/cb")
        .body(Vec::new())
        .unwrap();
    assert_eq!(
        Callback::from_http(&odd).unwrap_err().to_string(),
        "HTTP method `BREW` is not allowed (expected POST)"
    );
}

#[test]
fn body_size_limit_is_exact() {
    let mut body = b"resultCode=IGNORE&x=".to_vec();
    body.resize(MAX_BODY_LEN, b'a');
    assert!(Callback::from_http(&post("/cb", Some(FORM), &body)).is_ok());
    body.push(b'a');
    let err = Callback::from_http(&post("/cb", Some(FORM), &body)).unwrap_err();
    assert_eq!(
        err.kind(),
        &RequestErrorKind::BodyTooLarge {
            len: MAX_BODY_LEN + 1,
            limit: MAX_BODY_LEN
        }
    );
}

#[test]
fn non_utf8_body_names_the_offset() {
    let err = Callback::from_http(&post("/cb", Some(FORM), b"resultCode=FAIL&e=\xff")).unwrap_err();
    assert_eq!(err.kind(), &RequestErrorKind::BodyNotUtf8(18));
    // Percent-escaped bytes are the form's business: U+FFFD, as from_form.
    let cb =
        Callback::from_http(&post("/cb", Some(FORM), b"resultCode=FAIL&errorString=%FF")).unwrap();
    assert_eq!(cb.error_string, "\u{FFFD}");
}

#[test]
fn callback_body_errors_keep_the_parse_error() {
    let err = Callback::from_http(&post("/cb", Some(FORM), b"resultCode=success")).unwrap_err();
    let RequestErrorKind::CallbackBody(parse) = err.kind() else {
        panic!("{err:?}")
    };
    assert_eq!(
        parse,
        &Callback::from_form("resultCode=success").unwrap_err()
    );
    assert_eq!(
        err.to_string(),
        "callback body: unknown resultCode `success` (expected SUCCESS, FAIL or IGNORE) at byte 0"
    );
}

// ---- building requests ---------------------------------------------------------

#[test]
fn callback_and_screenpop_requests() {
    let cb = Callback::new(UserData::parse("[a|1]").unwrap(), ResultCode::Ignore, "");
    let req = cb.to_http(&Url::parse("https://crm.example.com/cb?t=1#frag").unwrap());
    assert_eq!(req.method(), Method::POST);
    assert_eq!(req.uri(), "https://crm.example.com/cb?t=1");
    assert_eq!(req.headers().len(), 1);
    assert_eq!(req.headers()["content-type"], FORM);
    assert_eq!(
        Callback::from_http(&req).unwrap(),
        cb,
        "what to_http builds, from_http reads"
    );

    let pop = Screenpop {
        password: "hunter2".into(),
        ..Screenpop::default()
    };
    let req = pop.to_http(&Url::parse("https://[2001:db8::1]:8443/pop").unwrap());
    assert_eq!(req.uri(), "https://[2001:db8::1]:8443/pop");
    assert_eq!(req.body(), pop.to_form().as_bytes());
}

#[test]
fn user_info_becomes_a_sensitive_basic_header() {
    let cb = Callback::ignore(UserData::new());
    let url = Url::parse("https://crm%40user:p%3Ass@crm.example.com/cb").unwrap();
    let req = cb.to_http(&url);
    assert_eq!(req.uri(), "https://crm.example.com/cb");
    let auth = &req.headers()["authorization"];
    assert!(auth.is_sensitive());
    // base64("crm@user:p:ss")
    assert_eq!(auth, "Basic Y3JtQHVzZXI6cDpzcw==");
    let debug = format!("{req:?}");
    assert!(!debug.contains("Y3JtQHVzZXI6cDpzcw"), "{debug}");
    assert!(!debug.contains("p%3Ass"), "{debug}");
    // A user alone, or a password alone, is user info too.
    for (url, credentials) in [
        ("https://token@crm.example.com/cb", "Basic dG9rZW46"), // "token:"
        ("https://:secret@crm.example.com/cb", "Basic OnNlY3JldA=="), // ":secret"
    ] {
        let req = cb.to_http(&Url::parse(url).unwrap());
        assert_eq!(req.uri(), "https://crm.example.com/cb", "{url}");
        assert_eq!(req.headers()["authorization"], credentials, "{url}");
    }
}

#[test]
fn urls_no_uri_can_hold_go_nowhere() {
    let cb = Callback::ignore(UserData::new());
    for url in [
        "mailto:a@crm.example.com",
        "data:text/plain,x",
        "file:///etc/passwd",
    ] {
        let req = cb.to_http(&Url::parse(url).unwrap());
        assert_eq!(req.uri(), "/", "{url}");
        assert!(req.uri().host().is_none());
    }
    let long = format!("https://crm.example.com/{}", "a".repeat(70_000));
    assert_eq!(cb.to_http(&Url::parse(&long).unwrap()).uri(), "/");
}

fn create() -> SfdcCreate {
    SfdcCreate {
        sobject: "Task".into(),
        fields: vec![("Subject".into(), "Call 42".into())],
    }
}

#[test]
fn sfdc_request() {
    let instance = Url::parse("https://user:pw@acme.my.salesforce.com/?q=1#f").unwrap();
    let token = "00D5e000000abcd!AQ0AQH.xyz_1234";
    let req = create().to_http(&instance, "59.0", token).unwrap();
    assert_eq!(req.method(), Method::POST);
    assert_eq!(
        req.uri(),
        "https://acme.my.salesforce.com/services/data/v59.0/sobjects/Task/"
    );
    assert_eq!(req.headers()["content-type"], "application/json");
    assert_eq!(req.headers()["accept"], "application/json");
    assert_eq!(req.headers()["authorization"], &format!("Bearer {token}"));
    assert!(req.headers()["authorization"].is_sensitive());
    assert_eq!(req.body(), create().to_json().as_bytes());
    for debug in [format!("{req:?}"), format!("{req:#?}")] {
        assert!(!debug.contains(token), "{debug}");
        assert!(!debug.contains("pw"), "{debug}");
        assert!(debug.contains("Sensitive"), "{debug}");
    }
    // A path on the instance is a prefix.
    let proxied = Url::parse("http://127.0.0.1:8080/sf/").unwrap();
    let req = create().to_http(&proxied, "v60.0", token).unwrap();
    assert_eq!(
        req.uri(),
        "http://127.0.0.1:8080/sf/services/data/v60.0/sobjects/Task/"
    );
}

#[test]
fn sfdc_bad_instance() {
    for (url, reason) in [
        (
            "ftp://acme.my.salesforce.com/",
            "the scheme must be http or https",
        ),
        (
            "mailto:x@acme.example.com",
            "the scheme must be http or https",
        ),
    ] {
        let err = create()
            .to_http(&Url::parse(url).unwrap(), "v59.0", "t")
            .unwrap_err();
        assert!(
            matches!(err.kind(), RequestErrorKind::Target { reason: r, .. } if *r == reason),
            "{url}: {err}"
        );
    }
    let err = create()
        .to_http(
            &Url::parse("https://u:secretpw@h.example.com").unwrap(),
            "v59.0",
            "",
        )
        .unwrap_err();
    assert!(!err.to_string().contains("secretpw"));
}

#[test]
fn tokens_no_header_can_hold_are_refused_unshown() {
    let instance = Url::parse("https://acme.my.salesforce.com").unwrap();
    for (token, reason) in [
        ("", "it is empty"),
        ("SECRETtok\r\nX-Injected: yes", "it contains a line break"),
        ("SECRETtok\n", "it contains a line break"),
        ("SECRETtok\r", "it contains a line break"),
        ("SECRET\u{2028}tok", "it contains a line break"),
        ("SECRET\0tok", "it contains a control character"),
        ("SECRET\ttok", "it contains a control character"),
        ("SECRET\u{7f}tok", "it contains a control character"),
        ("SECRET tok", "it contains white space"),
        ("SECRETtök", "it contains a character that is not ASCII"),
    ] {
        let err = create().to_http(&instance, "v59.0", token).unwrap_err();
        assert_eq!(
            err.kind(),
            &RequestErrorKind::Credential {
                what: "the access token",
                reason
            },
            "{token:?}"
        );
        let text = format!("{err} {err:?}");
        assert!(!text.contains("SECRET"), "{text}");
        assert!(!text.contains("Injected"), "{text}");
    }
}

// ---- Salesforce's answers ---------------------------------------------------------

const SUCCESS: &[u8] = include_bytes!("../data/sfdc/create_success.json");
const ERROR: &[u8] = include_bytes!("../data/sfdc/create_error.json");
const INVALID_SESSION: &[u8] = include_bytes!("../data/sfdc/invalid_session.json");
const MISSING: &[u8] = include_bytes!("../data/sfdc/required_field_missing.json");

fn failed(status: u16, body: &[u8]) -> String {
    match CreateOutcome::from_sfdc_response(status, body) {
        CreateOutcome::Failed(line) => line,
        other => panic!("{other:?}"),
    }
}

#[test]
fn sfdc_documented_answers() {
    let created = CreateOutcome::Created("001D000000IqhSLIAZ".into());
    assert_eq!(CreateOutcome::from_sfdc_response(201, SUCCESS), created);
    assert_eq!(CreateOutcome::from_sfdc_response(200, SUCCESS), created);
    assert_eq!(
        failed(400, ERROR),
        "Salesforce answered 400: INVALID_FIELD: The Id field should not be specified in the sobject data."
    );
    assert_eq!(
        failed(401, INVALID_SESSION),
        "Salesforce answered 401: INVALID_SESSION_ID: Session expired or invalid"
    );
    assert_eq!(
        failed(400, MISSING),
        "Salesforce answered 400: REQUIRED_FIELD_MISSING: Required fields are missing: [Subject]"
    );
}

#[test]
fn sfdc_other_answers() {
    // A success body under another status is not a success.
    assert_eq!(failed(500, SUCCESS), "Salesforce answered 500: unexpected answer {\"errors\":[],\"id\":\"001D000000IqhSLIAZ\",\"success\":true}");
    assert_eq!(
        failed(204, b"{}"),
        "Salesforce answered 204: no record id in the answer"
    );
    assert_eq!(
        failed(201, br#"{"id":"","success":true,"errors":[]}"#),
        "Salesforce answered 201: no record id in the answer"
    );
    assert_eq!(
        failed(201, br#"{"id":"001x","success":false,"errors":[{"errorCode":"DUPLICATE_VALUE","message":"dup"}]}"#),
        "Salesforce answered 201: DUPLICATE_VALUE: dup"
    );
    // Several errors, one line.
    assert_eq!(
        failed(400, br#"[{"message":"a\nb","errorCode":"X"},{"errorCode":"Y"},{"message":"m"},{"other":1}]"#),
        "Salesforce answered 400: X: a\\nb; Y; m; {\"other\":1}"
    );
    // Not JSON.
    let html = failed(
        503,
        b"<!DOCTYPE html>\n<html><body>Service\tUnavailable</body></html>",
    );
    assert!(html.starts_with("Salesforce answered 503: body is not JSON (expected value at line 1 column 1): `<!DOCTYPE html>\\n<html><body>Service\\tUnavailable"), "{html}");
    let truncated = failed(201, br#"{"id":"001D000000IqhSLIAZ","errors":[],"succ"#);
    assert!(
        truncated.starts_with("Salesforce answered 201: body is not JSON (EOF while parsing"),
        "{truncated}"
    );
    assert_eq!(
        failed(502, b""),
        "Salesforce answered 502: body is not JSON (EOF while parsing a value at line 1 column 0): an empty body"
    );
    assert!(failed(400, b"\xff\xfe").starts_with("Salesforce answered 400: body is not JSON"));
}

#[test]
fn sfdc_failures_are_one_bounded_line() {
    let long = format!(
        r#"[{{"message":"{}","errorCode":"E"}}]"#,
        "x\\r\\n".repeat(10_000)
    );
    let line = failed(400, long.as_bytes());
    assert!(!line.contains(['\r', '\n']));
    assert!(
        line.chars().count() <= "Salesforce answered 400: ".len() + 301,
        "{}",
        line.len()
    );
    assert!(line.ends_with('…'));
}

// ---- 8x8's Place Call For Agent ----------------------------------------------------

const CALL_REQUEST: &str = include_str!("../data/8x8/place_call_request.json");
const CALL_OK: &[u8] = include_bytes!("../data/8x8/place_call_response.json");
const CALL_FAULT: &[u8] = include_bytes!("../data/8x8/place_call_fault.json");

fn vendor_call() -> PlaceCall {
    // The vendor's example, as a click-to-dial request.
    let req = ClickToDialRequest::from_query(
        "prefix=1&phone=6175551984&callerId=12015551212&queue_id=598&dialplan_id=12\
         &extTransactionData=[Name|Bilbo Baggins][Loyalty Level|Gold]\
         &ctl_userdata=[AccountRef|BB123987][DueDate|2022-12-25]",
    )
    .unwrap();
    PlaceCall {
        force_call: true,
        ..PlaceCall::from_request(&req, "ag0VYyLh0YTsymdbtYIaaaa")
    }
}

#[test]
fn place_call_body_matches_the_vendor_example_field_by_field() {
    let ours: serde_json::Value = serde_json::from_str(&vendor_call().to_json()).unwrap();
    let theirs: serde_json::Value = serde_json::from_str(CALL_REQUEST).unwrap();
    let (ours, theirs) = (ours.as_object().unwrap(), theirs.as_object().unwrap());
    for (name, value) in theirs {
        assert_eq!(ours.get(name), Some(value), "field `{name}`");
    }
    assert_eq!(
        ours.len(),
        theirs.len(),
        "no field the vendor does not send"
    );
    // And in the vendor's order.
    let order = |text: &str, names: Vec<&String>| {
        names
            .into_iter()
            .map(|n| text.find(&format!("\"{n}\"")).unwrap())
            .collect::<Vec<_>>()
    };
    let ours_text = vendor_call().to_json();
    let positions = order(&ours_text, theirs.keys().collect());
    let theirs_positions = order(CALL_REQUEST, theirs.keys().collect());
    let rank = |v: &[usize]| {
        let mut idx: Vec<usize> = (0..v.len()).collect();
        idx.sort_by_key(|&i| v[i]);
        idx
    };
    assert_eq!(rank(&positions), rank(&theirs_positions));
}

#[test]
fn place_call_request_headers() {
    let platform = Url::parse("https://vcc-na12.8x8.com").unwrap();
    let req = vendor_call()
        .to_http(
            &platform,
            "supertenantcsm01",
            "myclientId",
            "nevertellanyone",
        )
        .unwrap();
    assert_eq!(req.method(), Method::POST);
    assert_eq!(
        req.uri(),
        "https://vcc-na12.8x8.com/api/v1/tenants/supertenantcsm01/calls"
    );
    // The vendor's documented header for these credentials.
    assert_eq!(
        req.headers()["authorization"],
        "Basic bXljbGllbnRJZDpuZXZlcnRlbGxhbnlvbmU="
    );
    assert!(req.headers()["authorization"].is_sensitive());
    assert_eq!(req.headers()["content-type"], "application/json");
    assert!(!format!("{req:?}").contains("bXljbGllbnRJZDpuZXZlcnRlbGxhbnlvbmU"));
    // A tenant cannot leave its segment.
    let req = vendor_call()
        .to_http(&platform, "a/../b?c", "u", "t")
        .unwrap();
    assert_eq!(req.uri().path(), "/api/v1/tenants/a%2F..%2Fb%3Fc/calls");
    assert_eq!(req.uri().query(), None);
}

#[test]
fn place_call_credentials_refused_unshown() {
    let platform = Url::parse("https://vcc-na12.8x8.com").unwrap();
    let cases = [
        (
            "SECRETuser:x",
            "tok",
            "the user name",
            "it contains `:`, which Basic auth cannot hold in a user name",
        ),
        ("", "tok", "the user name", "it is empty"),
        (
            "SECRET\nuser",
            "tok",
            "the user name",
            "it contains a line break",
        ),
        (
            "user",
            "SECRET\r\ntok",
            "the action token",
            "it contains a line break",
        ),
        (
            "user",
            "SECRET\0tok",
            "the action token",
            "it contains a control character",
        ),
        ("user", "", "the action token", "it is empty"),
    ];
    for (user, token, what, reason) in cases {
        let err = vendor_call()
            .to_http(&platform, "t", user, token)
            .unwrap_err();
        assert_eq!(err.kind(), &RequestErrorKind::Credential { what, reason });
        assert!(!format!("{err} {err:?}").contains("SECRET"));
    }
    // Spaces and non-ASCII are fine in Basic credentials (UTF-8, base64).
    assert!(vendor_call()
        .to_http(&platform, "t", "jöe doe", "tök en")
        .is_ok());
}

#[test]
fn place_call_answers() {
    assert_eq!(
        PlaceCall::interaction_guid(200, CALL_OK).unwrap(),
        "int-184a0c5493f-nempJR9b0nXcZbChiZmtZkLCE-phone-00-acmecorp01"
    );
    // The OpenAPI reference's `id`.
    assert_eq!(
        PlaceCall::interaction_guid(200, br#"{"id":"int-1"}"#).unwrap(),
        "int-1"
    );
    let err = |status, body: &[u8]| {
        PlaceCall::interaction_guid(status, body)
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        err(400, CALL_FAULT),
        "8x8 answered 400: Bad Request (Agent=[ag0VYyLh0YTsymdbtYIaaaa] not available to handle interaction)"
    );
    assert_eq!(
        err(500, CALL_OK),
        "8x8 answered 500: OK (Call successfully initiated)",
        "a guid under an error status is not a success"
    );
    assert_eq!(
        err(
            200,
            br#"{"reasons":["Call successfully initiated"],"message":"OK"}"#
        ),
        "8x8 answered 200: no interactionGuid in the answer: OK (Call successfully initiated)"
    );
    assert_eq!(
        err(200, br#"{"interactionGuid":""}"#),
        "8x8 answered 200: no interactionGuid in the answer"
    );
    assert_eq!(
        err(403, br#"{"reasons":[1,"two"]}"#),
        "8x8 answered 403: 1; two"
    );
    assert_eq!(err(403, b"[]"), "8x8 answered 403: unexpected answer []");
    assert!(
        err(401, b"<html>Unauthorized</html>").starts_with("8x8 answered 401: body is not JSON")
    );
    assert_eq!(
        err(502, b""),
        "8x8 answered 502: body is not JSON (EOF while parsing a value at line 1 column 0): an empty body"
    );
}

// ---- properties ----------------------------------------------------------------------

fn token_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::char::range('!', '~'),
            1 => prop::sample::select(vec!['\r', '\n', '\0', ' ', '\t', 'é', '\u{2028}', ':']),
        ],
        0..24,
    )
    .prop_map(|cs| cs.into_iter().collect())
}

proptest! {
    #[test]
    fn sfdc_answers_never_panic_and_fail_on_one_line(status in 100u16..600, body in prop::collection::vec(any::<u8>(), 0..200)) {
        if let CreateOutcome::Failed(line) = CreateOutcome::from_sfdc_response(status, &body) {
            let prefix = format!("Salesforce answered {status}: ");
            prop_assert!(line.starts_with(&prefix));
            prop_assert!(!line.contains(|c: char| c.is_control()));
            prop_assert!(line.chars().count() <= prefix.len() + 301);
        }
    }

    #[test]
    fn sfdc_json_answers_fail_on_one_line(status in 100u16..600, message in "\\PC*", code in "[A-Z_\r\n]{0,20}") {
        let body = serde_json::json!([{"message": message, "errorCode": code}]).to_string();
        let line = failed(status, body.as_bytes());
        prop_assert!(!line.contains(|c: char| c.is_control()));
    }

    #[test]
    fn place_call_answers_never_panic(status in 100u16..600, body in prop::collection::vec(any::<u8>(), 0..200)) {
        if let Err(e) = PlaceCall::interaction_guid(status, &body) {
            prop_assert!(!e.to_string().contains(['\r', '\n']));
        }
    }

    #[test]
    fn bearer_tokens_are_refused_or_hidden(token in token_text()) {
        let instance = Url::parse("https://acme.my.salesforce.com").unwrap();
        match create().to_http(&instance, "v59.0", &token) {
            Ok(req) => {
                let auth = &req.headers()["authorization"];
                prop_assert!(auth.is_sensitive());
                let want = format!("Bearer {token}");
                prop_assert_eq!(auth.as_bytes(), want.as_bytes());
                prop_assert_eq!(req.headers().len(), 3);
                if token.len() >= 4 {
                    let debug = format!("{:?}", req);
                    prop_assert!(!debug.contains(&token));
                }
            }
            Err(e) => {
                let refused = token.is_empty() || token.contains(|c: char| c.is_control() || c.is_whitespace() || !c.is_ascii());
                prop_assert!(refused);
                if token.len() >= 4 {
                    prop_assert!(!e.to_string().contains(&token));
                }
            }
        }
    }

    #[test]
    fn basic_credentials_are_refused_or_hidden(user in token_text(), token in token_text()) {
        let platform = Url::parse("https://vcc-na12.8x8.com").unwrap();
        let call = PlaceCall::from_request(&ClickToDialRequest::new("1"), "a");
        match call.to_http(&platform, "t", &user, &token) {
            Ok(req) => {
                prop_assert!(req.headers()["authorization"].is_sensitive());
                prop_assert_eq!(req.headers().len(), 3);
                prop_assert!(!user.contains(':') && !user.is_empty() && !token.is_empty());
            }
            Err(e) => {
                let text = e.to_string();
                prop_assert!(!text.contains(['\r', '\n']));
                if token.len() >= 4 {
                    prop_assert!(!text.contains(&token));
                }
            }
        }
    }

    #[test]
    fn from_http_reads_as_the_string_readers(body in "\\PC{0,64}", query in "[a-z=&%0-9]{0,24}") {
        let req = post(&format!("/m?{query}"), Some(FORM), body.as_bytes());
        prop_assert_eq!(
            Callback::from_http(&req).map_err(|e| e.to_string()),
            Callback::from_form(&body).map_err(|e| format!("callback body: {e}"))
        );
        prop_assert_eq!(
            ClickToDialRequest::from_http(&req),
            ClickToDialRequest::from_query_and_form(&query, &body)
        );
    }

    #[test]
    fn from_http_never_panics(method in "[A-Z]{1,7}", ct in "\\PC{0,40}", body in prop::collection::vec(any::<u8>(), 0..200)) {
        let Ok(method) = Method::from_bytes(method.as_bytes()) else { return Ok(()) };
        let mut b = Request::builder().method(method).uri("/m?phone=1");
        if let Ok(value) = http::HeaderValue::from_str(&ct) {
            b = b.header("content-type", value);
        }
        let req = b.body(body).unwrap();
        let _ = ClickToDialRequest::from_http(&req);
        let _ = Callback::from_http(&req);
    }
}
