//! Links as people really write them: CRM templates, phones as CRMs hold
//! them, lenient requests, and errors that point into the link.

use chrono::{TimeZone, Utc};
use clicktodial::{
    fill_link_template, merge_fields, try_expand, CallContext, ClickToDialRequest, ExpandError,
    ExtTransactionData, LinkMap, LinkTemplate, LinkTemplateErrorKind, ParseErrorKind,
    RequestErrorKind, SampleRecord, Token, UserData,
};
use proptest::prelude::*;

fn vendor(name: &str) -> String {
    std::fs::read_to_string(format!("tests/data/vendor/{name}")).unwrap()
}

fn acme() -> SampleRecord {
    [
        ("Account.Phone", "(650) 555-0142"),
        ("Account.Id", "001A000001XyZab"),
        ("Account.Name", "Acme [EU] & Sons #1 (50% off, 100%5D)"),
    ]
    .into_iter()
    .collect()
}

/// The done-when of issue 13: the vendor's Example 1 exactly as printed
/// becomes a working Salesforce template, which, filled with a record whose
/// name holds `]` and `&`, gives a link that parses to what was meant.
#[test]
fn example_1_as_printed_becomes_a_working_salesforce_template() {
    let printed = vendor("example1_printed.url");
    let mut template = LinkTemplate::parse(&printed).unwrap();
    template
        .push_userdata("Account_Name__c", "{!Account.Name}")
        .unwrap();
    let text = template.to_salesforce();
    // Merge fields stay as Salesforce must see them; the record name is
    // protected, the ids are not wrapped.
    assert!(text.contains("&phone={!Account.Phone}&"), "{text}");
    assert!(text.contains("[WhatId|{!Account.Id}]"), "{text}");
    assert!(text.contains("[ctl_parentid|{!Account.Id}]"), "{text}");
    assert!(
        text.ends_with(
            r#"[Account_Name__c|{!SUBSTITUTE(SUBSTITUTE(Account.Name, "%", "%25"), "]", "%5D")}]"#
        ),
        "{text}"
    );
    assert!(!text.contains('\n') && !text.contains("%7B"), "{text}");
    assert_eq!(merge_fields(&text).len(), 4);
    // The written template reads back as itself (the `]` inside the
    // protecting SUBSTITUTE does not end a pair).
    assert_eq!(LinkTemplate::parse(&text).unwrap().to_salesforce(), text);

    let link = template.fill(&acme()).unwrap();
    assert!(link.contains("Acme+%5BEU%255D+%26+Sons+%231"), "{link}");
    let req = ClickToDialRequest::from_url(&link).unwrap();
    assert_eq!(req.dial_string(), "6505550142");
    assert_eq!(req.prefix.as_deref(), Some(""));
    assert_eq!(req.caller_id.as_deref(), Some("5251990"));
    let data = req.userdata.unwrap();
    assert_eq!(
        data.get("Account_Name__c"),
        Some("Acme [EU] & Sons #1 (50% off, 100%5D)")
    );
    // Everything else is what the vendor's Example 1 means (the filled-in
    // copy kept with the tests, its lines joined as the link was meant).
    let meant = ClickToDialRequest::from_url(&vendor("example1.url"))
        .unwrap()
        .userdata
        .unwrap();
    let got: Vec<_> = data
        .iter()
        .filter(|(name, _)| *name != "Account_Name__c")
        .collect();
    assert_eq!(got, meant.iter().collect::<Vec<_>>());
    assert!(data
        .get("Description")
        .unwrap()
        .contains("\ncall answered at$equal$ $call_answered_time$\n"));
}

/// Why the protection is there: the same merge field left plain breaks
/// the pair at the name's `]` (the lenient reader says where, in the link).
#[test]
fn an_unprotected_merge_field_breaks_at_the_records_bracket() {
    let template = "https://vcc-na4.8x8.com/AGUI/make_call.php?phone={!Account.Phone}\
                    &ctl_userdata=[Account_Name__c|{!Account.Name}][status|done]";
    let link = fill_link_template(template, &acme()).unwrap();
    let err = ClickToDialRequest::from_url(&link).unwrap_err();
    assert_eq!(err.parameter(), Some("ctl_userdata"));
    assert!(err.to_string().contains("%255D"), "{err}");
    let (req, skipped) = ClickToDialRequest::from_url_lenient(&link).unwrap();
    assert_eq!(req.userdata.unwrap().get("status"), Some("done"));
    assert_eq!(skipped.len(), 1);
    let span = skipped[0].span().unwrap();
    // From the `&` after the name's `]` to the next pair.
    assert!(
        link[span.clone()].starts_with("%26+Sons"),
        "{}",
        &link[span.clone()]
    );
    assert!(link[span].ends_with("%29]"));
}

#[test]
fn template_problems_are_all_reported_with_their_place() {
    let text = "https://vcc-na4.8x8.com/AGUI/make_call.php?phone={!Account.Phone}x\
                &callerId=52a&ctl_userdata=[a|{!Account.Name}][b";
    let errors = LinkTemplate::parse(text).unwrap_err();
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(matches!(
        errors[0].kind(),
        LinkTemplateErrorKind::Request(_)
    ));
    assert_eq!(&text[errors[0].span()], "{!Account.Phone}x");
    assert_eq!(&text[errors[1].span()], "52a");
    assert!(matches!(
        errors[2].kind(),
        LinkTemplateErrorKind::Data {
            parameter: "ctl_userdata",
            ..
        }
    ));
    assert_eq!(&text[errors[2].span()], "[");
    assert_eq!(text.rfind('[').unwrap(), errors[2].span().start);
    // All of them, in one line: the first and how many more.
    assert_eq!(
        errors.to_string(),
        format!("{} (and 2 more problems)", errors[0])
    );
    // As a vector: the same problems, in the same order.
    assert_eq!(errors.clone().into_vec(), errors.to_vec());
    // No text, or a query with nothing before it: not a link, placed at
    // the (empty) base it lacks.
    for text in ["", "?phone=1"] {
        let errors = LinkTemplate::parse(text).unwrap_err();
        assert_eq!(errors.len(), 1, "{text:?}: {errors:?}");
        assert_eq!(errors[0].kind(), &LinkTemplateErrorKind::NotALink);
        assert_eq!(errors[0].span(), 0..0, "{text:?}");
    }
    let two = LinkTemplate::parse(
        "https://vcc-na4.8x8.com/AGUI/make_call.php?phone={!Account.Phone}x&callerId=52a",
    )
    .unwrap_err();
    assert_eq!(two.to_string(), format!("{} (and 1 more problem)", two[0]));
    let one =
        LinkTemplate::parse("https://vcc-na4.8x8.com/AGUI/make_call.php?phone=1x").unwrap_err();
    assert_eq!(one.to_string(), one[0].to_string());

    // An empty value has no text: the place is its name and `=`; a problem
    // at a value's end is at its last character.
    for (text, shown) in [
        (
            "https://vcc-na4.8x8.com/AGUI/make_call.php?phone=&callerId=1",
            "phone=",
        ),
        (
            "https://vcc-na4.8x8.com/AGUI/make_call.php?callerId=1&phone=",
            "phone=",
        ),
        (
            "https://vcc-na4.8x8.com/AGUI/make_call.php?callerId=1&phone",
            "phone",
        ),
        (
            "https://vcc-na4.8x8.com/AGUI/make_call.php?phone=1&ctl_userdata=[a|b]x",
            "x",
        ),
        (
            "https://vcc-na4.8x8.com/AGUI/make_call.php?phone=1&ctl_userdata=[a|b]\u{e9}",
            "\u{e9}",
        ),
    ] {
        let errors = LinkTemplate::parse(text).unwrap_err();
        assert_eq!(&text[errors[0].span()], shown, "{text}");
    }

    // A template is a whole https link with a query.
    for (text, base) in [
        (
            "http://vcc-na4.8x8.com/AGUI/make_call.php?phone={!Account.Phone}",
            "http://vcc-na4.8x8.com/AGUI/make_call.php",
        ),
        (
            "https://vcc-na4.8x8.com/AGUI/make_call.php",
            "https://vcc-na4.8x8.com/AGUI/make_call.php",
        ),
        ("phone={!Account.Phone}", "phone={!Account.Phone}"),
    ] {
        let errors = LinkTemplate::parse(text).unwrap_err();
        assert_eq!(errors[0].kind(), &LinkTemplateErrorKind::NotALink, "{text}");
        assert_eq!(&text[errors[0].span()], base, "{text}");
    }
    // A place ending in a character of several bytes ends after it.
    let text = "https://vcc-na4.8x8.com/AGUI/make_call.php?phone=1&callerId=52\u{e9}";
    let errors = LinkTemplate::parse(text).unwrap_err();
    assert_eq!(&text[errors[0].span()], "52\u{e9}");
    assert!(
        errors[0].to_string().ends_with(&format!(
            " at template bytes {}..{}",
            errors[0].span().start,
            errors[0].span().end
        )),
        "{}",
        errors[0]
    );

    let missing = fill_link_template(
        "phone={!Account.Phone}&x={!Contact.Email}&y={!NOW()}&z={!Account.Name & 'x'}",
        &acme(),
    )
    .unwrap_err();
    let kinds: Vec<_> = missing.iter().map(|e| e.kind().clone()).collect();
    assert_eq!(
        kinds[..2],
        [
            LinkTemplateErrorKind::MissingField("Contact.Email".into()),
            LinkTemplateErrorKind::UnsupportedFunction("NOW".into()),
        ]
    );
    assert!(matches!(kinds[2], LinkTemplateErrorKind::Syntax(_)));
    // The syntax error points at the `&` inside the merge field.
    assert_eq!(missing[2].span().len(), 1);
}

/// Every phone as CRMs hold it.
#[test]
fn phones_as_crms_hold_them() {
    let cases = [
        ("650\u{2013}555\u{2013}0100", "6505550100", None),
        ("650\u{2011}555\u{2010}0100", "6505550100", None),
        ("+1\u{00A0}650\u{202F}555\u{2009}0100", "16505550100", None),
        ("650\u{2007}555\u{2212}0100", "6505550100", None),
        ("650-555-0100 ext. 12", "6505550100", Some("12")),
        ("650-555-0100 EXT 12", "6505550100", Some("12")),
        ("650-555-0100x12", "6505550100", Some("12")),
        ("650-555-0100 #  12 ", "6505550100", Some("12")),
        ("+1-650-555-0100;ext=12", "16505550100", Some("12")),
        ("(650) 555-0100 extension 7", "6505550100", Some("7")),
    ];
    for (phone, number, extension) in cases {
        let query = format!(
            "prefix=9&phone={}",
            percent_encoding::utf8_percent_encode(phone, percent_encoding::NON_ALPHANUMERIC)
        );
        let req = ClickToDialRequest::from_query(&query).unwrap_or_else(|e| panic!("{phone}: {e}"));
        assert_eq!(req.phone, phone);
        assert_eq!(req.number(), number, "{phone}");
        assert_eq!(req.extension(), extension, "{phone}");
        assert_eq!(req.dial_string(), format!("9{number}"), "{phone}");
        // A link built from it parses back the same.
        let back = ClickToDialRequest::from_url(&req.to_url("https://vcc-na4.8x8.com").unwrap());
        assert_eq!(back.unwrap(), req);
    }
    for bad in [
        "650-CALL-NOW",
        "650-555-0100 ext",
        "ext 12",
        "x12",
        "650-555-0100 box 12",
        "650-555-0100 ext 12 x",
        "{!Account.Phone}",
        "650 555 0100 {!Account.Ext}",
        "650_555_0100",
    ] {
        let query = format!(
            "phone={}",
            percent_encoding::utf8_percent_encode(bad, percent_encoding::NON_ALPHANUMERIC)
        );
        let err = ClickToDialRequest::from_query(&query).expect_err(bad);
        assert_eq!(err.parameter(), Some("phone"), "{bad}");
        assert!(
            matches!(err.kind(), RequestErrorKind::InvalidPhone { .. }),
            "{bad}"
        );
    }
}

/// Real 8x8 host shapes, an `extTransactionData` with an apostrophe and a
/// `?`, and interaction GUIDs of the real form.
#[test]
fn real_world_data() {
    for base in [
        "https://vcc-na4.8x8.com/AGUI/login.php",
        "https://vcc-ca2b.8x8.com",
        "https://vcc-dev3b.8x8.com/AGUI/",
        "https://na3.mycontactual.com/AGUI/login.php",
        "https://uk1.mycontactual.com",
    ] {
        let mut req = ClickToDialRequest::new("+1 (650) 555-0100");
        req.ext_transaction_data = Some(
            ExtTransactionData::parse(
                "[What's your customer id?|475100][extRecordId|0015e00000AbCdE]",
            )
            .unwrap()
            .into_owned(),
        );
        let url = req.to_url(base).unwrap();
        assert!(url.contains("/AGUI/make_call.php?phone="), "{url}");
        assert!(
            url.contains("What%27s%20your%20customer%20id%3F%7C475100"),
            "{url}"
        );
        let back = ClickToDialRequest::from_url(&url).unwrap();
        let ext = back.ext_transaction_data.unwrap();
        assert_eq!(ext.record_id(), Some("0015e00000AbCdE"));
        assert_eq!(ext.data().get("What's your customer id?"), Some("475100"));
    }
    // As people paste it: raw, with the apostrophe and `?` unencoded.
    let (req, skipped) = ClickToDialRequest::from_url_lenient(
        "https://vcc-ca2b.8x8.com/AGUI/make_call.php?phone=6505550100\
         &extTransactionData=[What's your customer id?|475100]",
    )
    .unwrap();
    assert!(skipped.is_empty());
    assert_eq!(
        req.ext_transaction_data
            .unwrap()
            .data()
            .get("What's your customer id?"),
        Some("475100")
    );

    let guid = "int-184a0c5493f-nempJR9b0nXcZbChiZmtZkLCE-phone-00-acmecorp01";
    let now = Utc.with_ymd_and_hms(2024, 3, 12, 17, 11, 36).unwrap();
    let ctx = CallContext {
        interaction_guid: guid.into(),
        ..CallContext::new(now, chrono_tz::America::New_York)
    };
    let data = UserData::parse(
        "[Transactionid__c|$interaction_guid$][ActivityDate|$year$-$month$-$date$]",
    )
    .unwrap();
    let expanded = data.try_expand(&ctx).unwrap();
    assert_eq!(expanded.get("Transactionid__c"), Some(guid));
    assert_eq!(expanded.get("ActivityDate"), Some("2024-03-12"));
}

/// A context without `now` no longer dates calls 1970 without a word.
#[test]
fn no_silent_1970() {
    let ctx = CallContext {
        tenant_tz: chrono_tz::America::New_York,
        ..CallContext::default()
    };
    // The plain expander keeps its meaning: this is what used to reach
    // Salesforce.
    assert_eq!(
        clicktodial::expand("$year$-$month$-$date$", &ctx),
        "1969-12-31"
    );
    let err = try_expand("$year$-$month$-$date$", &ctx).unwrap_err();
    assert_eq!(
        err,
        ExpandError::NowNotSet {
            token: Token::Year,
            name: None
        }
    );
    let data = UserData::parse("[Subject|Call $transaction_id$][Due|on $hours$h]").unwrap();
    let err = data.try_expand(&ctx).unwrap_err();
    assert_eq!(
        err.to_string(),
        "$hours$ in `Due` needs the call context's `now`, which was never set (still \
         1970-01-01T00:00:00Z): build the context with CallContext::new(now, tenant_tz)"
    );
    // Values without date tokens expand as ever.
    let plain = UserData::parse("[Subject|Call $transaction_id$]").unwrap();
    assert_eq!(plain.try_expand(&ctx).unwrap(), plain.expand(&ctx));
    let template = clicktodial::Template::compile("$seconds$");
    assert!(template.try_expand(&ctx).is_err());
}

/// A link with three mistakes gets three findings, each with its place in
/// the link; the good parts are kept and the call can still be made.
#[test]
fn three_mistakes_three_findings() {
    let link =
        "https://vcc-na4.8x8.com/AGUI/make_call.php?prefix=1&phone=650%E2%80%93555%E2%80%930100\
                &ctl_userdata=[ctl_launchopt|true][subject|Call+Acme+[EU]+now][status|done]\
                [|orphan][note|a%255D+b]\
                &extTransactionData=[extRecordId|0015e00000AbCdE]oops";
    assert!(ClickToDialRequest::from_url(link).is_err());
    let (req, findings) = ClickToDialRequest::from_url_lenient(link).unwrap();
    assert_eq!(req.dial_string(), "16505550100");
    let data = req.userdata.unwrap();
    assert_eq!(data.get("status"), Some("done"));
    assert_eq!(data.get("note"), Some("a] b"));
    assert_eq!(
        req.ext_transaction_data.unwrap().record_id(),
        Some("0015e00000AbCdE")
    );
    assert_eq!(findings.len(), 3, "{findings:#?}");
    let placed: Vec<(&str, &str, ParseErrorKind)> = findings
        .iter()
        .map(|f| {
            (
                f.parameter(),
                &link[f.span().unwrap()],
                f.diagnostic().kind().clone(),
            )
        })
        .collect();
    assert_eq!(
        placed,
        [
            ("ctl_userdata", "now]", ParseErrorKind::TextBetweenPairs),
            ("ctl_userdata", "[|orphan]", ParseErrorKind::EmptyName),
            (
                "extTransactionData",
                "oops",
                ParseErrorKind::TextBetweenPairs
            ),
        ]
    );
    for f in &findings {
        let line = f.to_string();
        assert!(!line.contains('\n') && line.len() < 300, "{line}");
        assert!(line.contains(" at link bytes "), "{line}");
    }
    assert!(findings[0].to_string().contains("%255D"));
    assert!(findings[0].help().is_some());
    assert!(findings[1].help().is_none());
}

/// The error of a strict read points into the link, through the decoding,
/// with an excerpt and the fix.
#[test]
fn errors_point_into_the_link() {
    let link = "https://vcc-na4.8x8.com/AGUI/make_call.php?phone=6505550100\
                &ctl_userdata=%5Bsubject%7CCall%20Acme%20%5BEU%5D%20now%5D";
    let err = ClickToDialRequest::from_url(link).unwrap_err();
    let span = err.span().unwrap();
    assert_eq!(&link[span.clone()], "n");
    assert_eq!(
        err.to_string(),
        format!(
            "`ctl_userdata`: text between pairs (expected `[`) at byte 24 (at link bytes {}..{}: \
             `…me%20%5BEU%5D%20now%5D`); if the `]` before this belongs to the value, write it as \
             `%255D` in the link (`%5D` in ctl_userdata)",
            span.start, span.end
        )
    );
    // The fix alone, for a tool to show apart from the message.
    let help = err.help().expect("a `]` in a value has one fix");
    assert!(help.contains("`%255D` in the link") && err.to_string().ends_with(help));
    // The phone's offending character, in a wrapped link: no one fix.
    let link = "https://vcc-na4.8x8.com/AGUI/make_call.php?\n prefix=1&phone=650%2D555%2DO100";
    let err = ClickToDialRequest::from_url(link).unwrap_err();
    assert_eq!(&link[err.span().unwrap()], "O");
    assert_eq!(err.help(), None);
    // A merge field the CRM left in the phone.
    let err = ClickToDialRequest::from_query("phone={!Contact.Phone}").unwrap_err();
    assert!(err.help().unwrap().contains("merge field"), "{err}");
    // The scheme.
    let err = ClickToDialRequest::from_url("  http://vcc-na4.8x8.com/AGUI/make_call.php?phone=1")
        .unwrap_err();
    assert_eq!(err.span(), Some(2..6));
    // From a POST body.
    let err =
        ClickToDialRequest::from_query_and_form("phone=1", "x=1&ctl_userdata=[a|1]]").unwrap_err();
    assert!(err.in_body());
    assert_eq!(err.span(), Some(22..23));
    assert!(err.to_string().contains("at body bytes 22..23"), "{err}");
    // A missing phone is about no one place.
    assert_eq!(
        ClickToDialRequest::from_query("prefix=1")
            .unwrap_err()
            .span(),
        None
    );
}

fn encode_some(text: &str, choices: &[u8]) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        let pick = choices.get(i % choices.len().max(1)).copied().unwrap_or(0);
        let mut buf = [0; 4];
        let raw = c.encode_utf8(&mut buf);
        let must =
            matches!(c, '&' | '+' | '%' | '#' | '=') || !c.is_ascii() || c.is_ascii_control();
        if c == ' ' && pick % 3 == 0 {
            out.push('+');
        } else if must || pick % 2 == 1 {
            for b in raw.bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

proptest! {
    /// A LinkMap gives back the value, and maps every decoded range to the
    /// text that decodes to it, however the value was encoded.
    #[test]
    fn link_map_maps_through_the_decoding(
        value in "[a-z \\[\\]|%&+#=é€-]{0,40}",
        choices in proptest::collection::vec(any::<u8>(), 1..8),
        cut in any::<proptest::sample::Index>(),
    ) {
        let encoded = encode_some(&value, &choices);
        // A parameter after the value: a raw space at a URL's very end is not
        // part of the URL (the URL parser trims it), so it must not end the link.
        let link = format!("https://vcc-na4.8x8.com/AGUI/make_call.php?phone=1&ctl_userdata={encoded}&end=1");
        let map = LinkMap::new(&link);
        prop_assert_eq!(map.value("ctl_userdata"), Some(value.as_str()));
        // The value's span is the text as written, and a name not in the
        // link has none.
        let whole = map.value_span("ctl_userdata").unwrap();
        prop_assert_eq!(&link[whole], encoded.as_str());
        prop_assert_eq!(map.value_span("queue_id"), None);
        let bounds: Vec<usize> = value.char_indices().map(|(i, _)| i).chain([value.len()]).collect();
        let a = bounds[cut.index(bounds.len())];
        for &b in bounds.iter().filter(|&&b| b >= a) {
            let span = map.map("ctl_userdata", a..b).unwrap();
            let piece = LinkMap::new(&format!("v={}", &link[span]));
            prop_assert_eq!(piece.value("v").unwrap_or(""), &value[a..b]);
        }
    }

    /// Phones of digits and any formatting, with or without an extension:
    /// the number is the digits before the extension, and the extension is
    /// never dialled.
    #[test]
    fn phones_with_formatting_and_extensions(
        parts in proptest::collection::vec(("[0-9]{1,4}", prop::sample::select(vec![
            "", " ", "-", ".", "(", ")", "/", "+", "\u{2010}", "\u{2013}", "\u{2014}",
            "\u{2212}", "\u{00A0}", "\u{2007}", "\u{202F}", "\u{2009}",
        ])), 1..6),
        ext in proptest::option::of(("[0-9]{1,5}", prop::sample::select(vec![
            " ext ", " ext. ", "x", " X ", " #", ";ext=", " Extension ",
        ]))),
    ) {
        let mut phone: String = parts.iter().map(|(d, f)| format!("{d}{f}")).collect();
        let digits: String = parts.iter().map(|(d, _)| d.as_str()).collect();
        if let Some((ext_digits, marker)) = &ext {
            phone = format!("{}{marker}{ext_digits}", phone.trim_end_matches(|c: char| !c.is_ascii_digit() && c != ')'));
        }
        let req = ClickToDialRequest::new(phone.clone());
        prop_assert!(req.validate().is_ok(), "{:?}", phone);
        if let Some((ext_digits, _)) = &ext {
            prop_assert_eq!(req.extension(), Some(ext_digits.as_str()));
            prop_assert_eq!(req.number(), digits.clone());
        } else if !phone.ends_with(|c: char| c.is_ascii_digit()) {
            prop_assert_eq!(req.extension(), None);
        }
        // No prefix: the dial string is the number, never the extension.
        prop_assert_eq!(req.dial_string(), req.number());
        let url = req.to_url("https://vcc-na4.8x8.com").unwrap();
        prop_assert_eq!(ClickToDialRequest::from_url(&url).unwrap(), req);
    }

    /// Any other letter in a phone is an error naming `phone`, and its span
    /// is that letter in the link.
    #[test]
    fn a_letter_in_a_phone_is_placed(
        before in "[0-9 -]{0,8}",
        letter in "[a-wyzA-WYZ_!{}]",
        after in "[0-9]{1,8}[ -]?[0-9]{1,4}",
    ) {
        let phone = format!("1{before}{letter}{after}");
        let link = format!(
            "https://vcc-dev3b.8x8.com/AGUI/make_call.php?prefix=1&phone={}",
            percent_encoding::utf8_percent_encode(&phone, percent_encoding::NON_ALPHANUMERIC)
        );
        let err = ClickToDialRequest::from_url(&link).unwrap_err();
        prop_assert_eq!(err.parameter(), Some("phone"));
        let shown = LinkMap::new(&format!("v={}", &link[err.span().unwrap()]));
        prop_assert_eq!(shown.value("v"), Some(letter.as_str()));
    }

    /// A strict `ctl_userdata` error's span, decoded, is the character the
    /// grammar error is at.
    #[test]
    fn userdata_errors_are_placed_through_the_decoding(
        good in "(\\[[a-z]{1,5}\\|[a-z %]{0,8}\\]){0,3}",
        stray in "[a-z]{1,3}",
        choices in proptest::collection::vec(any::<u8>(), 1..8),
    ) {
        let text = format!("{good}{stray}[b|2]");
        let link = format!("https://vcc-na4.8x8.com/AGUI/make_call.php?phone=1&ctl_userdata={}", encode_some(&text, &choices));
        let err = ClickToDialRequest::from_url(&link).unwrap_err();
        let offset = match err.kind() {
            RequestErrorKind::Data { error, .. } => error.offset(),
            other => return Err(TestCaseError::fail(format!("{other:?}"))),
        };
        let shown = LinkMap::new(&format!("v={}", &link[err.span().unwrap()]));
        prop_assert_eq!(shown.value("v"), text.get(offset..offset + 1));
        prop_assert!(!err.to_string().contains('\n'));
    }

    /// Filling a protected template with any record name gives a link that
    /// parses back to that name.
    #[test]
    fn protected_templates_carry_any_record_value(name in "\\PC{0,40}") {
        let mut template = LinkTemplate::new("https://vcc-na4.8x8.com", "{!Account.Phone}").unwrap();
        template.push_userdata("who", "{!Account.Name}").unwrap();
        template.push_userdata("after", "x").unwrap();
        let record: SampleRecord = [("Account.Phone", "650 555 0100"), ("Account.Name", name.as_str())]
            .into_iter()
            .collect();
        let link = template.fill(&record).unwrap();
        let req = ClickToDialRequest::from_url(&link).unwrap();
        let data = req.userdata.unwrap();
        prop_assert_eq!(data.get("who"), Some(name.as_str()));
        prop_assert_eq!(data.get("after"), Some("x"));
    }
}

/// Many problems at once: every one reported with its place, in time linear
/// in the link (a quadratic map or excerpt would take minutes here).
#[test]
fn many_findings_in_linear_time() {
    let n = 40_000;
    let bad: String = (0..n).map(|i| format!("[k{i}|v%255D]x%20")).collect();
    let link = format!("https://vcc-na4.8x8.com/AGUI/make_call.php?phone=1&ctl_userdata={bad}");
    let started = std::time::Instant::now();
    let (req, findings) = ClickToDialRequest::from_url_lenient(&link).unwrap();
    let elapsed = started.elapsed();
    assert_eq!(req.userdata.unwrap().len(), n);
    assert_eq!(findings.len(), n);
    let spans: std::collections::BTreeSet<&str> =
        findings.iter().map(|f| &link[f.span().unwrap()]).collect();
    assert_eq!(
        spans,
        ["x%20"].into_iter().collect(),
        "{:?}",
        &findings[..2]
    );
    assert!(elapsed.as_secs() < 10, "{elapsed:?}");
    eprintln!("{} bytes, {n} findings: {elapsed:?}", link.len());

    let template: String = (0..n).map(|i| format!("a{i}={{!A.F{}}}&", i % 7)).collect();
    let record: SampleRecord = (0..7).map(|i| (format!("A.F{i}"), "x]&y")).collect();
    let started = std::time::Instant::now();
    let filled = fill_link_template(&template, &record).unwrap();
    assert_eq!(filled.matches("x%5D%26y").count(), n);
    let fields = merge_fields(&template);
    assert_eq!(fields.len(), n);
    assert!(fields.iter().all(|f| f.is_plain_field()));
    assert_eq!(fields[8].fields(), ["A.F1"]);
    // The fields an expression refers to, in order; none when it cannot
    // be read.
    let f = &merge_fields("{!BLANKVALUE(A.X, SUBSTITUTE(TRIM(A.Y), \"-\", B.Z))}")[0];
    assert_eq!(f.fields(), ["A.X", "A.Y", "B.Z"]);
    assert!(merge_fields("{!TRIM(+A.F)}")[0].fields().is_empty());
    // Salesforce's global variables (`$User`) are fields too.
    assert_eq!(
        merge_fields("{!BLANKVALUE($User.Phone, _x.Y)}")[0].fields(),
        ["$User.Phone", "_x.Y"]
    );
    // Calls nest 32 deep, and no deeper.
    let nested = |k: usize| format!("{{!{}A.F{}}}", "TRIM(".repeat(k), ")".repeat(k));
    assert_eq!(merge_fields(&nested(32))[0].fields(), ["A.F"]);
    assert!(merge_fields(&nested(33))[0].fields().is_empty());
    let errors = fill_link_template(&format!("x={}", nested(33)), &record).unwrap_err();
    assert!(
        errors[0].to_string().contains("nested too deeply"),
        "{}",
        errors[0]
    );
    // What is neither a field, a string nor a call is refused as such.
    for expression in ["{!&A.F}", "{!1}", "{!TRIM(+A.F)}"] {
        let errors = fill_link_template(expression, &record).unwrap_err();
        assert!(
            errors[0]
                .to_string()
                .contains("not a field, a string or a function call"),
            "{expression}: {}",
            errors[0]
        );
    }
    // A value that grows past 1 MiB in a function is refused, not built.
    let record: SampleRecord = [("A.F", " ".repeat(400_000))].into_iter().collect();
    let errors = fill_link_template("x={!URLENCODE(A.F)}", &record).unwrap_err();
    assert_eq!(
        errors[0].kind(),
        &clicktodial::LinkTemplateErrorKind::TooLong
    );
    let record: SampleRecord = [("A.F", " ".repeat(300_000))].into_iter().collect();
    assert!(fill_link_template("x={!URLENCODE(A.F)}", &record).is_ok());
    // SUBSTITUTE may grow a value to 1 MiB exactly, and not a byte past it.
    let substitute = "x={!SUBSTITUTE(A.F, \"a\", \"aa\")}";
    let record: SampleRecord = [("A.F", "a".repeat(1 << 19))].into_iter().collect();
    let filled = fill_link_template(substitute, &record).unwrap();
    assert_eq!(filled.len(), "x=".len() + (1 << 20));
    let record: SampleRecord = [("A.F", "a".repeat((1 << 19) + 1))].into_iter().collect();
    let errors = fill_link_template(substitute, &record).unwrap_err();
    assert_eq!(
        errors[0].kind(),
        &clicktodial::LinkTemplateErrorKind::TooLong
    );
    for expression in [
        "{!TRIM(A.F)}",
        "{!SUBSTITUTE(A.F, \"]\", \"%5D\")}",
        "{!A.F & A.G}",
    ] {
        assert!(
            !merge_fields(expression)[0].is_plain_field(),
            "{expression}"
        );
    }
    eprintln!(
        "template of {} bytes filled: {:?}",
        template.len(),
        started.elapsed()
    );
    // Unclosed merge fields and quotes do not rescan the text.
    let unclosed = "{!\"".repeat(100_000);
    let started = std::time::Instant::now();
    assert_eq!(merge_fields(&unclosed).len(), 1);
    assert!(LinkTemplate::parse(&unclosed).is_err());
    eprintln!("unclosed: {:?}", started.elapsed());
}

proptest! {
    /// Reading the query from the link as written (to place errors) reads
    /// the same request as reading the query the URL parser gives back.
    #[test]
    fn from_url_reads_what_the_url_parser_reads(
        query in "(phone|prefix| phone|ctl_userdata|x|%70hone|[\\[\\]|a-z0-9 %+=&\t\n\r#é])*[ \t\n]{0,2}",
    ) {
        let link = format!("https://vcc-na4.8x8.com/AGUI/make_call.php?{query}");
        let parsed = url::Url::parse(&link).unwrap();
        let reference = ClickToDialRequest::from_query(parsed.query().unwrap_or_default());
        let ours = ClickToDialRequest::from_url(&link);
        match (ours, reference) {
            (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
            (Err(a), Err(b)) => prop_assert_eq!(a.kind(), b.kind()),
            (a, b) => prop_assert!(false, "{:?} vs {:?}", a, b),
        }
    }
}

proptest! {
    /// Whatever is pasted, reading a template never panics, and a template
    /// read back from its own Salesforce text writes the same text.
    #[test]
    fn templates_read_back_their_own_text(
        body in "(phone=|&ctl_userdata=|&x=|\\[|\\]|\\||\\{!|\\}|Account\\.(Name|Id)|SUBSTITUTE\\(|, \"\\]\", \"%5D\"\\)|'|\"|%20|%5D|\n |[a-z0-9 ]|é|\u{E000})*",
    ) {
        let text = format!("https://vcc-na4.8x8.com/AGUI/make_call.php?{body}");
        match LinkTemplate::parse(&text) {
            Ok(template) => {
                let written = template.to_salesforce();
                let again = LinkTemplate::parse(&written).unwrap();
                prop_assert_eq!(again.to_salesforce(), written);
            }
            // Every error's place is a range of the text, on character
            // boundaries (a caller slices the text with it).
            Err(errors) => {
                for e in errors.iter() {
                    prop_assert!(text.get(e.span()).is_some(), "{:?} in {:?}", e, text);
                }
            }
        }
        for lint in LinkTemplate::lint_text(&text) {
            if let Some(span) = lint.link_span() {
                prop_assert!(text.get(span).is_some(), "{:?} in {:?}", lint, text);
            }
        }
        if let Err(errors) = fill_link_template(&text, &acme()) {
            for e in errors.iter() {
                prop_assert!(text.get(e.span()).is_some(), "{:?} in {:?}", e, text);
            }
        }
        let _ = merge_fields(&text);
    }
}

proptest! {
    /// Whatever the query and body, findings and errors point inside the
    /// text they came from, and every message is one line.
    #[test]
    fn findings_point_inside_their_text(
        query in "(phone=1&|ctl_userdata=|extTransactionData=|[\\[\\]|%+&=a-z5DC \n]|é|\u{2028})*",
        form in "(ctl_userdata=|[\\[\\]|%+&=a-z5DC \n]|é)*",
    ) {
        match ClickToDialRequest::from_query_and_form_lenient(&query, &form) {
            Ok((_, findings)) => {
                for f in findings {
                    let line = f.to_string();
                    prop_assert!(!line.contains('\n') && !line.contains('\u{2028}'), "{}", line);
                    let text = if f.in_body() { &form } else { &query };
                    prop_assert!(text.get(f.span().unwrap()).is_some());
                }
            }
            Err(err) => {
                prop_assert!(!err.to_string().contains('\n'));
                if let Some(span) = err.span() {
                    let text = if err.in_body() { &form } else { &query };
                    prop_assert!(text.get(span).is_some());
                }
            }
        }
    }
}

/// Setting a parameter again replaces its value in place; others stay.
#[test]
fn set_replaces_only_its_own_parameter() {
    let mut t = LinkTemplate::new("https://vcc-na4.8x8.com", "{!Account.Phone}").unwrap();
    t.set("prefix", "1").unwrap();
    t.set("callerId", "5551").unwrap();
    t.set("prefix", "9").unwrap();
    let link = t.to_salesforce();
    assert!(
        link.ends_with("?phone={!Account.Phone}&prefix=9&callerId=5551"),
        "{link}"
    );
}

/// Empty pieces of a query (`&&`, a trailing `&`) are no parameters.
#[test]
fn empty_query_pieces_are_skipped() {
    let map = LinkMap::new("https://vcc-na4.8x8.com/AGUI/make_call.php?&phone=1&&callerId=2&");
    let names: Vec<_> = map.params().iter().map(|p| p.name()).collect();
    assert_eq!(names, ["phone", "callerId"]);
    let req = clicktodial::ClickToDialRequest::from_query("&&phone=1&&").unwrap();
    assert_eq!(req.phone, "1");
}

/// The edges of a template as written: reserved characters, a lone phone,
/// `extTransactionData`, text after a merge field, a problem at a value's
/// end.
#[test]
fn template_edges() {
    let base = "https://vcc-na4.8x8.com";
    let link = |query: &str| format!("{base}/AGUI/make_call.php?{query}");
    // The two characters merge fields are masked with are refused where
    // they stand, in a name or a value, set or parsed.
    let mut t = LinkTemplate::new(base, "{!Account.Phone}").unwrap();
    for (name, value, span) in [
        ("x", "ab\u{E000}", 2..5),
        ("x", "ab\u{E001}", 2..5),
        ("a\u{E001}", "v", 1..4),
    ] {
        for errors in [
            t.set(name, value).unwrap_err(),
            t.push_userdata(name, value).unwrap_err(),
        ] {
            assert_eq!(errors.len(), 1);
            assert_eq!(errors[0].kind(), &LinkTemplateErrorKind::ReservedCharacter);
            let given = if name.len() > 1 { name } else { value };
            assert_eq!(errors[0].span(), span, "{name:?} {value:?}");
            assert_eq!(&given[errors[0].span()], &given[span.clone()]);
        }
    }
    for c in ['\u{E000}', '\u{E001}'] {
        let text = link(&format!("phone=1{c}"));
        let errors = LinkTemplate::parse(&text).unwrap_err();
        assert_eq!(errors[0].kind(), &LinkTemplateErrorKind::ReservedCharacter);
        assert_eq!(&text[errors[0].span()], c.to_string());
    }
    // A phone alone is a whole template.
    let t = LinkTemplate::parse(&link("phone={!Account.Phone}")).unwrap();
    assert_eq!(t.to_salesforce(), link("phone={!Account.Phone}"));
    // `extTransactionData` is pair data like `ctl_userdata`.
    let errors = LinkTemplate::parse(&link("phone=1&extTransactionData=[a|b")).unwrap_err();
    assert!(
        matches!(
            errors[0].kind(),
            LinkTemplateErrorKind::Data {
                parameter: "extTransactionData",
                ..
            }
        ),
        "{errors:?}"
    );
    // Text after a merge field stays after it.
    let mut t = LinkTemplate::new(base, "{!Account.Phone}").unwrap();
    t.set("x", "{!A.N}-tail").unwrap();
    assert!(
        t.to_salesforce().ends_with("&x={!A.N}-tail"),
        "{}",
        t.to_salesforce()
    );
    // A problem in a value's last character is placed at it, encoded or
    // not; one in an empty value at the parameter's name and `=`.
    for (query, at) in [
        ("phone=1&ctl_userdata=[a|b]x", "x"),
        ("phone=1&ctl_userdata=[a|b]%C3%A9", "%C3%A9"),
        ("x=1&phone=", "phone="),
    ] {
        let text = link(query);
        let errors = LinkTemplate::parse(&text).unwrap_err();
        assert_eq!(errors[0].span().end, text.len(), "{query}: {errors:?}");
        assert_eq!(&text[errors[0].span()], at, "{query}");
    }
}
