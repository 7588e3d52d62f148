//! The one diagnostic model: codes, the lenient link reader, and the
//! findings that name data a link loses, each with its exact span.

use clicktodial::{
    check, ClickToDialRequest, Finding, LineColumn, LinkTemplate, LinkTemplateErrorKind, LintKind,
    ParseErrorKind, ReadAs, RequestErrorKind, Severity, SpanText,
};
use proptest::prelude::*;

const BASE: &str = "https://vcc-na4.8x8.com/AGUI/make_call.php?";

/// `(code, text under the span in the link, replacement)` of each finding.
fn found(link: &str) -> Vec<(&'static str, String, Option<String>)> {
    ClickToDialRequest::read_link(link)
        .findings()
        .iter()
        .map(|f| {
            let text = f
                .span()
                .and_then(|s| s.link_range())
                .map(|r| link[r].to_owned())
                .unwrap_or_default();
            (f.code(), text, f.replacement().map(str::to_owned))
        })
        .collect()
}

fn one(link: &str, code: &str) -> Finding {
    let reading = ClickToDialRequest::read_link(link);
    reading
        .findings()
        .iter()
        .find(|f| f.code() == code)
        .cloned()
        .unwrap_or_else(|| panic!("no {code} in {:#?}", reading.findings()))
}

#[test]
fn a_hash_in_a_value_names_what_is_lost_callback_included() {
    let link = format!(
        "{BASE}phone=6505550142&ctl_userdata=[Description|Re: ticket #42]\
         [ctl_callbackUrl|https://crm.example.com/cb]&queue_id=7"
    );
    let hash = link.find('#').unwrap();
    assert_eq!(
        found(&link),
        [
            (
                "unterminated-pair",
                "[Description|Re: ticket ".to_owned(),
                None
            ),
            ("unencoded-hash", "#".to_owned(), Some("%23".to_owned())),
        ]
    );
    let f = one(&link, "unencoded-hash");
    assert_eq!(f.span().unwrap().range(), hash..hash + 1);
    assert_eq!(f.severity(), Severity::Warning);
    let m = f.message();
    assert!(m.contains("the rest of `ctl_userdata` (`42]"), "{m}");
    assert!(m.contains("the pairs `ctl_callbackUrl`"), "{m}");
    assert!(m.contains("the parameters `queue_id`"), "{m}");
    assert!(m.contains("no callback is made"), "{m}");
    assert!(m.contains("`%23`"), "{m}");
}

#[test]
fn a_hash_in_a_callback_password_is_reported_without_quoting_it() {
    let link = format!(
        "{BASE}phone=1&ctl_userdata=[ctl_callbackUrl|https://crm:s3cr#tpw@crm.example.com/cb]"
    );
    let f = one(&link, "unencoded-hash");
    assert_eq!(&link[f.span().unwrap().range()], "#");
    assert!(f.message().contains("not shown"), "{}", f.message());
    for reading in [ReadAs::Link, ReadAs::Auto] {
        for f in check(&link, reading).findings() {
            assert!(!f.message().contains("tpw"), "{}", f.message());
            assert!(!f.message().contains("s3cr"), "{}", f.message());
        }
    }
}

#[test]
fn a_hash_in_the_phone_cuts_the_rest() {
    let link = format!("{BASE}phone=650-555-0100%20#12&prefix=1");
    let f = one(&link, "unencoded-hash");
    let hash = link.find('#').unwrap();
    assert_eq!(f.span().unwrap().range(), hash..hash + 1);
    assert!(f.message().contains("the rest of `phone` (`12`)"));
    assert!(f.message().contains("the parameters `prefix`"));
    assert!(!f.message().contains("callback"));
    // No `#`, no finding; `%23` is fine.
    assert!(found(&format!("{BASE}phone=1&ctl_userdata=[a|%2523]")).is_empty());
}

#[test]
fn misspelled_parameters_get_the_vendor_name() {
    for (name, meant) in [
        ("callerid", "callerId"),
        ("caller%20Id", "callerId"),
        ("queue+id", "queue_id"),
        ("ctl_userData", "ctl_userdata"),
        ("Phone", "phone"),
        ("prefx", "prefix"),
        ("dialplanid", "dialplan_id"),
    ] {
        let link = format!("{BASE}phone=1&{name}=2");
        let f = one(&link, "unknown-parameter");
        let start = BASE.len() + 8;
        assert_eq!(
            f.span().unwrap().range(),
            start..start + name.len(),
            "{name}"
        );
        assert_eq!(f.replacement(), Some(meant), "{name}");
        assert!(
            f.message().contains(&format!("did you mean `{meant}`?")),
            "{}",
            f.message()
        );
    }
    // Unrelated names are extras, with no finding.
    assert!(found(&format!("{BASE}phone=1&utm_source=crm&x=1")).is_empty());
}

#[test]
fn a_differently_cased_duplicate_is_reported_next_to_the_real_one() {
    let link = format!("{BASE}phone=1&Phone=2");
    let f = one(&link, "unknown-parameter");
    assert_eq!(&link[f.span().unwrap().range()], "Phone");
    assert!(f.message().contains("names are case-sensitive"));
    assert!(f.message().contains("`phone` is given too"));
}

#[test]
fn a_raw_plus_that_starts_a_number_is_reported() {
    let link =
        format!("{BASE}phone=+16505550142&ctl_userdata=[Mobile|+442071234567][s|Call+2+times]");
    let at = |needle: &str| link.find(needle).unwrap();
    let found = found(&link);
    assert_eq!(
        found,
        [
            ("raw-plus", "+".to_owned(), Some("%2B".to_owned())),
            ("raw-plus", "+".to_owned(), Some("%2B".to_owned())),
            // The value starts with the space the `+` became.
            ("white-space-in-value", "+".to_owned(), None),
        ]
    );
    let reading = ClickToDialRequest::read_link(&link);
    let spans: Vec<_> = reading
        .findings()
        .iter()
        .map(|f| f.span().unwrap().link_range().unwrap().start)
        .collect();
    assert_eq!(spans, [at("+1"), at("+44"), at("+44")]);
    // A `+` between words or digits is a space, as meant.
    assert!(self::found(&format!("{BASE}phone=650+555+0100")).is_empty());
}

#[test]
fn the_country_code_dialled_twice_states_the_dial_string() {
    for phone in ["%2B1%20(650)%20555-0142", "+1+(650)+555-0142"] {
        let link = format!("{BASE}prefix=1&phone={phone}");
        let reading = ClickToDialRequest::read_link(&link);
        let f = one(&link, "country-code-twice");
        assert_eq!(&link[f.span().unwrap().range()], "1", "{phone}");
        assert_eq!(f.replacement(), Some(""));
        let dial = reading.dial_string().unwrap();
        assert_eq!(dial, "116505550142");
        assert!(
            f.message().contains(&format!("`{dial}`")),
            "{}",
            f.message()
        );
    }
    // Another prefix (an outside line) is no country code.
    assert!(found(&format!("{BASE}prefix=9&phone=%2B16505550142")).is_empty());
}

#[test]
fn an_extension_message_states_the_same_dial_string_as_explain() {
    let link = format!("{BASE}prefix=1&phone=%2B1%20(650)%20555-0142%20ext.%2012");
    let reading = ClickToDialRequest::read_link(&link);
    let dial = reading.dial_string().unwrap();
    assert_eq!(dial, "116505550142");
    let f = one(&link, "phone-extension");
    assert!(
        f.message().contains(&format!("the call goes to `{dial}`")),
        "{}",
        f.message()
    );
}

#[test]
fn a_merge_field_in_the_phone_is_underlined_whole() {
    let link = format!("{BASE}phone={{!Account.Phone}}&ctl_userdata=[a|1]");
    let f = one(&link, "invalid-phone");
    assert_eq!(&link[f.span().unwrap().range()], "{!Account.Phone}");
    assert_eq!(ClickToDialRequest::read_link(&link).dial_string(), None);
}

#[test]
fn the_reader_reads_past_every_refused_dial_parameter() {
    let link = "http://h.example.com/AGUI/make_call.php?prefix=1x&phone=6502928880\
                &callerId=52–51&queue_id=99999999999999999999&ctl_userdata=[a|$Caller_ID$]";
    let found = found(link);
    let codes: Vec<_> = found.iter().map(|f| f.0).collect();
    assert_eq!(
        codes,
        [
            "not-https",
            "not-digits",
            "not-digits",
            "overflow",
            "unknown-token"
        ]
    );
    let texts: Vec<_> = found.iter().map(|f| f.1.as_str()).collect();
    assert_eq!(
        texts,
        ["http", "x", "–", "99999999999999999999", "$Caller_ID$"]
    );
    let reading = ClickToDialRequest::read_link(link);
    assert_eq!(reading.dial_string(), Some("6502928880"));
    assert!(reading.accepted().is_none());
    let req = reading.request().unwrap();
    assert_eq!((req.prefix.as_deref(), req.queue_id), (None, None));
    assert_eq!(req.userdata.as_ref().unwrap().get("a"), Some("$Caller_ID$"));
}

#[test]
fn a_missing_phone_comes_first_with_no_span() {
    let link = format!("{BASE}ctl_userdata=[a|$year]");
    let reading = ClickToDialRequest::read_link(&link);
    let codes: Vec<_> = reading.findings().iter().map(Finding::code).collect();
    assert_eq!(codes, ["missing-phone", "unterminated-token"]);
    assert!(reading.findings()[0].span().is_none());
    assert_eq!(reading.dial_string(), None);
}

#[test]
fn a_link_over_several_lines_is_placed_by_line_and_column() {
    let input = include_str!("../data/vendor/example1_printed.url");
    let reading = ClickToDialRequest::read_link(input);
    assert_eq!(reading.lines(), 4);
    assert_eq!(reading.findings()[0].code(), "joined-lines");
    let phone = reading
        .findings()
        .iter()
        .find(|f| f.code() == "invalid-phone")
        .unwrap();
    let span = phone.span().unwrap();
    assert_eq!(&reading.text()[span.range()], "{!Account.Phone}");
    assert_eq!(
        span.start(),
        Some(LineColumn {
            line: 1,
            column: 58
        })
    );
    assert_eq!(
        span.end(),
        Some(LineColumn {
            line: 1,
            column: 74
        })
    );
    // The `{!Account.Id}` of `ctl_parentid`, on the fourth line as given.
    let merge: Vec<_> = reading
        .findings()
        .iter()
        .filter(|f| f.code() == "unexpanded-merge-field")
        .collect();
    assert_eq!(merge.len(), 2);
    let line_of = |f: &Finding| f.span().unwrap().start().unwrap();
    assert_eq!(line_of(merge[0]).line, 2);
    assert_eq!(line_of(merge[1]).line, 4);
    for f in merge {
        let start = line_of(f);
        let line = input.lines().nth(start.line - 1).unwrap();
        let at: String = line.chars().skip(start.column - 1).take(13).collect();
        assert_eq!(at, "{!Account.Id}");
    }
}

#[test]
fn not_a_link() {
    for text in [
        "hello world",
        "https://h.example.com/index.html?phone=1",
        "",
    ] {
        let reading = ClickToDialRequest::read_link(text);
        assert!(reading.request().is_none(), "{text}");
        let codes: Vec<_> = reading.findings().iter().map(Finding::code).collect();
        assert_eq!(codes, ["not-a-link"], "{text}");
    }
}

#[test]
fn the_vendor_examples_read_as_the_strict_reader_reads_them() {
    for link in [
        include_str!("../data/vendor/browser.url"),
        include_str!("../data/vendor/example1.url"),
    ] {
        let reading = ClickToDialRequest::read_link(link.trim());
        assert!(reading.findings().is_empty(), "{:#?}", reading.findings());
        let strict = ClickToDialRequest::from_url(link.trim()).unwrap();
        assert_eq!(reading.accepted(), Some(&strict));
        assert_eq!(reading.dial_string(), Some(strict.dial_string().as_str()));
    }
}

/// Every code any kind has, and the codes only findings have.
fn all_codes() -> Vec<&'static str> {
    let mut codes: Vec<&'static str> = vec!["joined-lines", "not-a-link"];
    codes.extend(
        [
            LintKind::UnterminatedToken,
            LintKind::UnknownToken,
            LintKind::UnexpandedMergeField,
            LintKind::ActionWithoutIntegration,
            LintKind::LaunchExtWithoutLaunch,
            LintKind::TenantSetNewRecordId,
            LintKind::InsecureCallbackUrl,
            LintKind::UnknownSystemName,
            LintKind::DuplicateName,
            LintKind::CreateWithoutObjectType,
            LintKind::InvalidSystemValue,
            LintKind::CallbackUrlToken,
            LintKind::PhoneExtension,
            LintKind::WhiteSpaceInParameterName,
            LintKind::WhiteSpaceInValue,
            LintKind::LostPairInValue,
            LintKind::MergeFieldInCallbackHost,
            LintKind::UnprotectedMergeField,
            LintKind::UrlEncodeInCustomLink,
            LintKind::UnencodedHash,
            LintKind::UnknownParameter,
            LintKind::RawPlus,
            LintKind::CountryCodeTwice,
        ]
        .map(LintKind::code),
    );
    let parse = [
        ParseErrorKind::UnterminatedPair,
        ParseErrorKind::MissingSeparator,
        ParseErrorKind::EmptyName,
        ParseErrorKind::TextBetweenPairs,
        ParseErrorKind::InvalidSystemValue {
            name: "x".into(),
            expected: "y",
        },
        ParseErrorKind::MissingField("resultCode"),
        ParseErrorKind::UnknownResultCode("x".into()),
    ];
    codes.extend(parse.iter().map(ParseErrorKind::code));
    let url_error = clicktodial::url::Url::parse("no url").unwrap_err();
    let request = [
        RequestErrorKind::InvalidUrl(url_error),
        RequestErrorKind::NotHttps("http".into()),
        RequestErrorKind::MissingPhone,
        RequestErrorKind::InvalidPhone { value: "x".into() },
        RequestErrorKind::NotDigits {
            parameter: "prefix",
            value: "x".into(),
        },
        RequestErrorKind::Overflow {
            parameter: "queue_id",
            value: "x".into(),
        },
        RequestErrorKind::CallbackScheme("ftp".into()),
        RequestErrorKind::CallbackNotHttps,
        RequestErrorKind::CallbackNoHost,
        RequestErrorKind::CallbackPrivateHost("x".into()),
        RequestErrorKind::Method {
            method: "PUT".into(),
            expected: "GET",
        },
        RequestErrorKind::ContentType("x".into()),
        RequestErrorKind::Charset("x".into()),
        RequestErrorKind::BodyTooLarge { len: 2, limit: 1 },
        RequestErrorKind::BodyNotUtf8(0),
        RequestErrorKind::CallbackBody(clicktodial::Callback::from_form("").unwrap_err()),
        RequestErrorKind::Credential {
            what: "x",
            reason: "y",
        },
        RequestErrorKind::Target {
            url: "x".into(),
            reason: "y",
        },
        RequestErrorKind::Answer {
            vendor: "8x8",
            status: 500,
            detail: "x".into(),
        },
        RequestErrorKind::ExtraParameter {
            name: "x".into(),
            reason: "y",
        },
        RequestErrorKind::CallbackTooLong { len: 2, max: 1 },
        RequestErrorKind::CallbackToken {
            token: None,
            part: "host",
        },
    ];
    codes.extend(request.iter().map(RequestErrorKind::code));
    let template = [
        LinkTemplateErrorKind::UnterminatedMergeField,
        LinkTemplateErrorKind::Syntax("x"),
        LinkTemplateErrorKind::UnsupportedFunction("X".into()),
        LinkTemplateErrorKind::MissingField("X".into()),
        LinkTemplateErrorKind::TooLong,
        LinkTemplateErrorKind::NotALink,
        LinkTemplateErrorKind::ReservedCharacter,
    ];
    codes.extend(template.iter().map(LinkTemplateErrorKind::code));
    codes
}

/// The table of codes in the crate docs lists every code, each once, in
/// kebab case; every row is a code some kind has.
#[test]
fn the_documented_table_lists_every_code() {
    let docs = include_str!("../../src/diagnostic.rs");
    let table: Vec<&str> = docs
        .lines()
        .filter_map(|l| l.strip_prefix("//! | `"))
        .filter_map(|l| l.split('`').next())
        .collect();
    let codes = all_codes();
    for code in &codes {
        assert!(table.contains(code), "`{code}` is not in the table");
        assert!(
            code.bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'-' || b.is_ascii_digit()),
            "{code}"
        );
    }
    for row in &table {
        assert!(
            codes.contains(row),
            "`{row}` in the table is no kind's code"
        );
        assert_eq!(table.iter().filter(|r| *r == row).count(), 1, "{row} twice");
    }
}

#[test]
fn findings_from_the_other_reports_keep_their_codes_and_places() {
    let err = ClickToDialRequest::from_query_and_form("phone=1", "ctl_userdata=[a").unwrap_err();
    let f = Finding::from(&err);
    assert_eq!(f.code(), "unterminated-pair");
    assert_eq!(f.span().unwrap().text(), SpanText::Body);
    assert_eq!(f.span().unwrap().link_range(), None);
    let (_, diags) = clicktodial::UserData::parse_lenient("[a|1]x");
    let f = Finding::from(&diags[0]);
    assert_eq!(
        (f.code(), f.span().unwrap().range()),
        ("text-between-pairs", 5..6)
    );
    let lint = &clicktodial::UserData::parse("[n|$Notes$]").unwrap().lint()[0];
    let f = Finding::from(lint);
    assert_eq!(f.code(), "unknown-token");
    assert_eq!(f.span().unwrap().text(), SpanText::UserData);
    let errors = clicktodial::LinkTemplate::parse("nope").unwrap_err();
    let f = Finding::from(&errors[0]);
    assert_eq!(f.code(), "not-a-template");
    assert_eq!(f.span().unwrap().text(), SpanText::Template);
}

/// Text shaped like links: the base, parameters, escapes, `#`, `+`, line
/// breaks, merge fields, pairs and multi-byte characters.
fn linkish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("https://vcc-na4.8x8.com/AGUI/make_call.php?".to_owned()),
        Just("&".to_owned()),
        Just("=".to_owned()),
        Just("phone".to_owned()),
        Just("prefix=1".to_owned()),
        Just("Phone".to_owned()),
        Just("ctl_userdata=".to_owned()),
        Just("[a|".to_owned()),
        Just("]".to_owned()),
        Just("#".to_owned()),
        Just("+1".to_owned()),
        Just("%2B".to_owned()),
        Just("%".to_owned()),
        Just("{!Account.Id}".to_owned()),
        Just("$year".to_owned()),
        Just("\n  ".to_owned()),
        Just("é–\u{a0}".to_owned()),
        "[ -~]{0,6}",
    ];
    prop::collection::vec(piece, 0..16).prop_map(|v| v.concat())
}

proptest! {
    /// The reader never panics, and every span lies inside its text, on
    /// character boundaries, with its line and column in the text as given.
    #[test]
    fn the_checker_never_panics_and_spans_lie_in_the_text_either_way(input in linkish()) {
        for reading in [ReadAs::Auto, ReadAs::Link, ReadAs::Template] {
            let checked = check(&input, reading);
            let text = checked.text();
            for f in checked.findings() {
                prop_assert!(!f.message().contains('\n'));
                let Some(span) = f.span() else { continue };
                let range = match span.text() {
                    SpanText::Template => Some(span.range()),
                    _ => span.link_range(),
                };
                if let Some(range) = range {
                    prop_assert!(range.start <= range.end && range.end <= text.len(), "{f:?}");
                    prop_assert!(text.is_char_boundary(range.start), "{f:?}");
                    prop_assert!(text.is_char_boundary(range.end), "{f:?}");
                }
            }
        }
    }

    #[test]
    fn the_reader_never_panics_and_spans_lie_in_the_text(input in linkish()) {
        let reading = ClickToDialRequest::read_link(&input);
        let text = reading.text();
        for f in reading.findings() {
            prop_assert!(!f.message().contains('\n'));
            prop_assert!(f.message().len() <= Finding::MAX_MESSAGE_LEN);
            if let Some(range) = f.span().and_then(|s| s.link_range()) {
                prop_assert!(range.start <= range.end && range.end <= text.len(), "{f:?}");
                prop_assert!(text.is_char_boundary(range.start), "{f:?}");
                prop_assert!(text.is_char_boundary(range.end), "{f:?}");
                let start = f.span().unwrap().start().unwrap();
                prop_assert!(start.line >= 1 && start.line <= input.lines().count().max(1));
                prop_assert!(start.column >= 1);
            }
        }
        if let Some(dial) = reading.dial_string() {
            prop_assert!(dial.bytes().all(|b| b.is_ascii_digit()));
        }
    }
}

#[test]
fn the_build_template_reads_as_a_template_without_an_error() {
    let mut template = LinkTemplate::new("https://vcc-na4.8x8.com", "{!Account.Phone}").unwrap();
    template.set("prefix", "1").unwrap();
    template.push_userdata("WhatId", "{!Account.Id}").unwrap();
    template
        .push_userdata("Subject", "Call {!Account.Name}")
        .unwrap();
    let text = template.to_salesforce();
    assert!(text.contains("{!SUBSTITUTE("), "{text}");
    let checked = check(&text, ReadAs::Auto);
    assert_eq!(checked.read_as(), ReadAs::Template);
    assert!(checked.findings().is_empty(), "{:#?}", checked.findings());
    // As a link, the merge fields are findings, the phone's placed whole.
    let as_link = check(&text, ReadAs::Link);
    let phone = text.find("{!Account.Phone}").unwrap();
    let f = &as_link.findings()[0];
    assert_eq!(f.code(), "invalid-phone");
    assert_eq!(
        f.span().unwrap().range(),
        phone..phone + "{!Account.Phone}".len()
    );
}

#[test]
fn a_merge_field_left_in_a_link_is_a_finding_and_detection_says_link() {
    let link = format!("{BASE}phone=6505550142&ctl_userdata=[WhatId|{{!Account.Id}}]");
    let checked = check(&link, ReadAs::Auto);
    assert_eq!(checked.read_as(), ReadAs::Link);
    let f = &checked.findings()[0];
    assert_eq!(f.code(), "unexpanded-merge-field");
    assert_eq!(
        &link[f.span().unwrap().link_range().unwrap()],
        "{!Account.Id}"
    );
    // Read as a template, the same merge field is where one may be.
    let as_template = check(&link, ReadAs::Template);
    assert_eq!(as_template.read_as(), ReadAs::Template);
    assert!(as_template
        .findings()
        .iter()
        .all(|f| f.code() != "unexpanded-merge-field"));
}

#[test]
fn example_1_as_printed_reads_as_a_template_with_only_its_lines_to_join() {
    let input = include_str!("../data/vendor/example1_printed.url");
    let checked = check(input, ReadAs::Auto);
    assert_eq!(checked.read_as(), ReadAs::Template);
    let found: Vec<_> = checked
        .findings()
        .iter()
        .map(|f| {
            let span = f
                .span()
                .map(|s| (s.text(), checked.text()[s.range()].to_owned()));
            (f.code(), span)
        })
        .collect();
    // `Account.Id` holds a record id, letters and digits: it needs no
    // protection, and the lines, joined, are the one finding.
    assert_eq!(found, [("joined-lines", None)], "{:#?}", checked.findings());
}

/// The table of links and templates every face must agree on
/// (`tests/data/diagnostics/table.json`, also read by the command's, the
/// server's and the page's tests): the library's check gives exactly the
/// findings it lists. `UPDATE_TABLE=1` writes them anew (review the diff).
#[test]
fn the_table_of_links_every_face_agrees_on() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/diagnostics/table.json");
    let mut table: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let update = std::env::var_os("UPDATE_TABLE").is_some();
    let cases = table["cases"].as_array_mut().unwrap();
    assert!(cases.len() >= 15);
    for case in cases.iter_mut() {
        if case["text"] == "BUILD_TEMPLATE" {
            let mut t = LinkTemplate::new("https://vcc-na4.8x8.com", "{!Account.Phone}").unwrap();
            t.push_userdata("WhatId", "{!Account.Id}").unwrap();
            case["text"] = t.to_salesforce().into();
        }
        let text = case["text"].as_str().unwrap().to_owned();
        let read_as = match case["as"].as_str() {
            Some("link") => ReadAs::Link,
            Some("template") => ReadAs::Template,
            _ => ReadAs::Auto,
        };
        let checked = check(&text, read_as);
        let findings: Vec<serde_json::Value> = checked
            .findings()
            .iter()
            .map(|f| {
                let range = f.span().and_then(|s| match s.text() {
                    SpanText::Template => Some(s.range()),
                    _ => s.link_range(),
                });
                serde_json::json!({
                    "code": f.code(),
                    "span": range.as_ref().map(|r| [r.start, r.end]),
                    "text": range.map(|r| checked.text()[r].to_owned()),
                })
            })
            .collect();
        let found = serde_json::json!({
            "readAs": checked.read_as().as_str(),
            "findings": findings,
        });
        if update {
            case["readAs"] = found["readAs"].clone();
            case["findings"] = found["findings"].clone();
            continue;
        }
        assert_eq!(case["readAs"], found["readAs"], "{}", case["name"]);
        assert_eq!(case["findings"], found["findings"], "{}", case["name"]);
    }
    if update {
        let mut out = serde_json::to_string_pretty(&table).unwrap();
        out.push('\n');
        std::fs::write(&path, out).unwrap();
    }
}
