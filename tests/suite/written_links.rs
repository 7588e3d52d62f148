//! Lints for the mistakes people make writing links by hand or pasting the
//! vendor's text: white space from wrapped lines in names and
//! values, lost pairs, phone extensions, merge fields in a callback's host,
//! and, in CRM link templates, unprotected merge fields and `URLENCODE`.
//! Every finding is placed in the link (or template) as given.

use crate::checks;

use clicktodial::{
    fill_link_template, ClickToDialRequest, LinkMap, LinkTemplate, Lint, LintKind, SampleRecord,
    UserData,
};
use proptest::prelude::*;

fn vendor(name: &str) -> String {
    std::fs::read_to_string(format!("tests/data/vendor/{name}")).unwrap()
}

fn record() -> SampleRecord {
    [
        ("Account.Phone", "(650) 555-0142"),
        ("Account.Id", "001A000001XyZab"),
    ]
    .into_iter()
    .collect()
}

/// (kind, parameter, the linked text) of each lint.
fn placed<'t>(lints: &[Lint], link: &'t str) -> Vec<(LintKind, Option<String>, &'t str)> {
    lints
        .iter()
        .map(|l| {
            let span = l
                .link_span()
                .expect("every lint here is placed in the link");
            (l.kind, l.parameter().map(str::to_owned), &link[span])
        })
        .collect()
}

/// Example 1 pasted exactly as printed (its lines wrap inside the
/// Description, `call%20` / ` answered`), filled as the CRM fills it: the
/// two wrapped lines inside the value leave doubled spaces, and each is
/// found and placed in the link.
#[test]
fn example_1_as_printed_gets_the_white_space_lints() {
    let link = fill_link_template(&vendor("example1_printed.url"), &record()).unwrap();
    let lints = ClickToDialRequest::lint_link(&link).unwrap();
    checks::check_link_lints(&lints, &link);
    let white: Vec<_> = lints
        .iter()
        .filter(|l| l.kind == LintKind::WhiteSpaceInValue)
        .collect();
    assert_eq!(white.len(), 2, "{lints:#?}");
    for lint in &white {
        assert_eq!(lint.parameter(), Some("ctl_userdata"));
        assert!(lint
            .message
            .starts_with("`Description`: a run of white space"));
        assert!(!lint.message.contains('\n'));
        // Mapped into the link through the decoding: the `%20`, the
        // dropped line break and the indentation.
        assert_eq!(&link[lint.link_span().unwrap()], "%20\n ");
        // The ctl_userdata span is the two spaces of the decoded value.
        let map = LinkMap::new(&link);
        let data = map.value("ctl_userdata").unwrap();
        assert_eq!(&data[lint.span().unwrap()], "  ");
    }
    assert_eq!(
        lints.len(),
        2,
        "only the wrapped lines are mistakes: {lints:#?}"
    );
    // Wrapped only between pairs (as `example1_wrapped.url` is), or joined,
    // the link is clean.
    for clean in [vendor("example1_wrapped.url"), vendor("example1.url")] {
        assert_eq!(ClickToDialRequest::lint_link(&clean).unwrap(), []);
    }
}

/// Example 3 as printed: `make_call.php? prefix` and the callback wrapped
/// after its `?`, so that the callback's parameter is named
/// `"  transaction"`.
#[test]
fn example_3_as_printed_gets_the_parameter_name_lints() {
    let printed =
        vendor("example3.url").replace("callback?transaction", "callback?\n  transaction");
    let lints = ClickToDialRequest::lint_link(&printed).unwrap();
    checks::check_link_lints(&lints, &printed);
    let names: Vec<_> = lints
        .iter()
        .filter(|l| l.kind == LintKind::WhiteSpaceInParameterName)
        .collect();
    assert_eq!(names.len(), 2, "{lints:#?}");
    assert_eq!(names[0].parameter(), Some("prefix"));
    assert_eq!(names[0].span(), None);
    assert_eq!(&printed[names[0].link_span().unwrap()], " prefix");
    assert!(names[0].message.contains("write `prefix`"));
    assert_eq!(names[1].parameter(), Some("ctl_userdata"));
    // The line break is dropped (as a browser drops it): the name starts
    // at its indentation.
    assert_eq!(&printed[names[1].link_span().unwrap()], "  transaction");
    assert!(names[1]
        .message
        .contains("the callback's receiver gets no `transaction`"));

    // The callback as the issue shows it, in ctl_userdata text.
    let text = "[ctl_callbackUrl|https://crm.example.com/callback?%20%20transaction=T1&b=2]";
    let lints = UserData::parse(text).unwrap().lint();
    assert_eq!(lints.len(), 1, "{lints:?}");
    assert_eq!(lints[0].kind, LintKind::WhiteSpaceInParameterName);
    assert_eq!(&text[lints[0].span().unwrap()], "%20%20transaction");
    assert!(lints[0].message.contains("write `transaction`"));
    // Anything before a URL's last `@` may be user info (the URL parser
    // reads `https:user:pw@host` too), so a name there is not quoted;
    // after it, it is.
    for (text, quoted) in [
        (
            "[ctl_callbackUrl|https://u:pw@crm.example.com/cb?%20pw2=1]",
            true,
        ),
        (
            "[ctl_callbackUrl|https://crm.example.com/cb?%20pw2=1&to=a@b.example]",
            false,
        ),
        // The last `@` itself is no user info: a name that begins there
        // is quoted.
        (
            "[ctl_callbackUrl|https://crm.example.com/cb?@pw2%20=1]",
            true,
        ),
    ] {
        let lints = UserData::parse(text).unwrap().lint();
        assert_eq!(lints[0].kind, LintKind::WhiteSpaceInParameterName);
        assert_eq!(
            lints[0].message.contains("pw2"),
            quoted,
            "{}",
            lints[0].message
        );
        assert!(!lints[0].message.contains("u:pw"));
    }
}

/// A link with three mistakes gets three findings, each with its place in
/// the link.
#[test]
fn three_mistakes_three_placed_findings() {
    let link = "https://vcc-na4.8x8.com/AGUI/make_call.php?%20prefix=1&phone=650-555-0100+ext.+12\
                &ctl_userdata=[ctl_launchopt|true][subject|Call+Acme[status|done]";
    let lints = ClickToDialRequest::lint_link(link).unwrap();
    checks::check_link_lints(&lints, link);
    assert_eq!(
        placed(&lints, link),
        [
            (
                LintKind::WhiteSpaceInParameterName,
                Some("prefix".into()),
                "%20prefix"
            ),
            (LintKind::PhoneExtension, Some("phone".into()), "ext.+12"),
            (LintKind::LostPairInValue, Some("ctl_userdata".into()), "["),
        ]
    );
    assert!(lints[1]
        .message
        .contains("the extension `12` is not dialled"));
    // The dial string as `dial_string` (and `explain`) gives it: the
    // prefix, then the number.
    assert!(lints[1].message.contains("the call goes to `16505550100`"));
    // A lint shows as its message.
    for lint in &lints {
        assert_eq!(lint.to_string(), lint.message);
    }
    assert!(lints[2].message.contains("`[status|`"));
    assert!(lints[2].message.contains("%255B"));
    // The same request linted without its text: the name is trimmed away,
    // the other two remain, named by their parameter.
    let req = ClickToDialRequest::from_url(link).unwrap();
    let kinds: Vec<_> = req
        .lint()
        .into_iter()
        .map(|l| (l.kind, l.link_span()))
        .collect();
    assert_eq!(
        kinds,
        [
            (LintKind::PhoneExtension, None),
            (LintKind::LostPairInValue, None)
        ]
    );
}

#[test]
fn phone_extensions_are_linted_not_dialled() {
    for phone in [
        "650-555-0100 ext. 12",
        "+16505550100;ext=12",
        "650 555 0100 #12",
        "6505550100x12",
    ] {
        let lints = ClickToDialRequest::new(phone).lint();
        assert_eq!(lints.len(), 1, "{phone}: {lints:?}");
        assert_eq!(lints[0].kind, LintKind::PhoneExtension);
        assert_eq!(lints[0].parameter(), Some("phone"));
        assert_eq!((lints[0].span(), lints[0].link_span()), (None, None));
        assert!(lints[0].message.contains("`12`"), "{}", lints[0].message);
    }
    assert!(ClickToDialRequest::new("(650) 555-0100").lint().is_empty());
    // No extension: a marker that ends a word (`Box 12`), even after a
    // number, or a marker with no number before it.
    for phone in ["650 555 0100 Box 12", "Box 12", "ext 12", "x12", "#12"] {
        let lints = ClickToDialRequest::new(phone).lint();
        assert!(
            lints.iter().all(|l| l.kind != LintKind::PhoneExtension),
            "{phone}: {lints:?}"
        );
    }
    // The place is the marker and the digits, not the white space after
    // them (a no-break space is phone formatting, and is kept).
    let link = "https://h/make_call.php?phone=6505550100+ext.+123%C2%A0&x=1";
    let lints = ClickToDialRequest::lint_link(link).unwrap();
    assert_eq!(&link[lints[0].link_span().unwrap()], "ext.+123");
    let link = "https://h/make_call.php?phone=6505550100+++x12";
    let lints = ClickToDialRequest::lint_link(link).unwrap();
    assert_eq!(&link[lints[0].link_span().unwrap()], "x12");
    // An extension of any length makes a message of bounded length.
    let phone = format!("6505550100 x{}", "1".repeat(700));
    let lint = &ClickToDialRequest::new(&phone).lint()[0];
    assert_eq!(
        lint.message.len(),
        Lint::MAX_MESSAGE_LEN,
        "{}",
        lint.message
    );
    assert!(lint.message.ends_with('…'));
}

#[test]
fn white_space_in_values_only_where_wrapping_leaves_it() {
    let kinds = |text: &str| -> Vec<LintKind> {
        UserData::parse(text)
            .unwrap()
            .lint()
            .into_iter()
            .map(|l| l.kind)
            .collect()
    };
    // A line break meant (`%0A` decoded), single spaces, white space
    // between pairs: fine.
    assert_eq!(kinds("[a|one two\nthree]\n  [b|x\n\ny]  [c|x\r\ny]"), []);
    use LintKind::WhiteSpaceInValue as W;
    assert_eq!(kinds("[a| x]"), [W]);
    assert_eq!(kinds("[a|x ]"), [W]);
    assert_eq!(kinds("[a|x\n  y]"), [W]);
    assert_eq!(kinds("[a|x  y\t\tz]"), [W, W]);
    let lint = &UserData::parse("[a|x\n  y]").unwrap().lint()[0];
    assert!(lint.message.contains("a line break with indentation"));
    // A pair name with white space around it.
    let text = "[ ObjectType|Task]";
    let lints = UserData::parse(text).unwrap().lint();
    assert_eq!(lints[0].kind, LintKind::WhiteSpaceInParameterName);
    assert_eq!(&text[lints[0].span().unwrap()], " ObjectType");
}

#[test]
fn lost_pairs_and_what_is_not_one() {
    let kinds = |text: &str| -> Vec<LintKind> {
        UserData::parse(text)
            .unwrap()
            .lint()
            .into_iter()
            .map(|l| l.kind)
            .collect()
    };
    assert_eq!(kinds("[a|x[b|y]"), [LintKind::LostPairInValue]);
    assert_eq!(
        kinds("[a|x [Transactionid__c|y]"),
        [LintKind::LostPairInValue]
    );
    // A bracket in prose, an IPv6 host, a `[` escaped: no pair lost.
    assert_eq!(kinds("[a|see [1 and [x y|z]"), []);
    assert_eq!(kinds("[ctl_callbackUrl|https://[2001:db8::1%5D/cb]"), []);
    assert_eq!(kinds("[a|x%5Bb|y]"), [LintKind::LostPairInValue]);
    // Escaped, the span widens to the value, which holds the place.
    let text = "[a|x%5Bb|y]";
    let lint = &UserData::parse(text).unwrap().lint()[0];
    assert!(text[lint.span().unwrap()].contains("%5B"));
    // A lost pair at the very start of a value is quoted (only a callback
    // URL's user info is hidden).
    let lints = UserData::parse("[a|[b|x]").unwrap().lint();
    assert_eq!(lints[0].kind, LintKind::LostPairInValue);
    assert!(lints[0].message.contains("`[b|`"), "{}", lints[0].message);
    // Many in one value: the first few, then one summary.
    let text = format!("[a|{}]", "x[b|y;".repeat(3 * Lint::MAX_PER_VALUE));
    let lints = UserData::parse(&text).unwrap().lint();
    assert_eq!(lints.len(), Lint::MAX_PER_VALUE + 1, "{lints:?}");
    assert!(lints[..Lint::MAX_PER_VALUE]
        .iter()
        .all(|l| l.kind == LintKind::LostPairInValue && &text[l.span().unwrap()] == "["));
    let summary = &lints[Lint::MAX_PER_VALUE].message;
    let more = 2 * Lint::MAX_PER_VALUE;
    assert!(
        summary.ends_with(&format!("{more} more lost pairs in this value not shown")),
        "{summary}"
    );
    // Exactly as many as are shown, and one more: a summary only for more.
    for (count, summary) in [
        (Lint::MAX_PER_VALUE, false),
        (Lint::MAX_PER_VALUE + 1, true),
    ] {
        let text = format!("[a|{}]", "x[b|y;".repeat(count));
        let lints = UserData::parse(&text).unwrap().lint();
        let shown = Lint::MAX_PER_VALUE + usize::from(summary);
        assert_eq!(lints.len(), shown, "{count}: {lints:?}");
        assert_eq!(
            lints
                .last()
                .unwrap()
                .message
                .ends_with("1 more lost pair in this value not shown")
                || lints
                    .last()
                    .unwrap()
                    .message
                    .ends_with("1 more lost pairs in this value not shown"),
            summary,
            "{count}: {lints:?}"
        );
    }
}

#[test]
fn merge_fields_in_a_callback_host() {
    let text = "[ctl_callbackUrl|https://{!Org.Host__c}:8443/cb?t={!Account.Id}]";
    let lints = UserData::parse(text).unwrap().lint();
    let host: Vec<_> = lints
        .iter()
        .filter(|l| l.kind == LintKind::MergeFieldInCallbackHost)
        .collect();
    assert_eq!(host.len(), 1, "{lints:?}");
    assert_eq!(&text[host[0].span().unwrap()], "{!Org.Host__c}");
    assert!(host[0].message.contains("a CRM record would choose where"));
    // Further into the host.
    let text = "[ctl_callbackUrl|https://crm.{!Org.Sub__c}.example.com/cb]";
    let lints = UserData::parse(text).unwrap().lint();
    let host = lints
        .iter()
        .find(|l| l.kind == LintKind::MergeFieldInCallbackHost)
        .unwrap();
    assert_eq!(&text[host.span().unwrap()], "{!Org.Sub__c}");
    assert!(host.message.contains("`{!Org.Sub__c}`"), "{}", host.message);
    // In the path or a query value: only the unexpanded field lint.
    let lints = UserData::parse("[ctl_callbackUrl|https://crm.example.com/{!Account.Id}]")
        .unwrap()
        .lint();
    assert!(lints
        .iter()
        .all(|l| l.kind == LintKind::UnexpandedMergeField));
    // Behind user info, nothing of it is quoted.
    let lints = UserData::parse("[ctl_callbackUrl|https://user:s3cret@{!H.X}/cb]")
        .unwrap()
        .lint();
    assert!(lints
        .iter()
        .any(|l| l.kind == LintKind::MergeFieldInCallbackHost));
    assert!(lints.iter().all(|l| !l.message.contains("s3cret")));
    // Anything before a URL's last `@` may be user info (as the URL parser
    // may read it), so a field or token there is not quoted; after it, it is.
    let host = LintKind::MergeFieldInCallbackHost;
    let token = LintKind::CallbackUrlToken;
    for (host_part, kind, name) in [
        ("{!Org.Sub__c}", host, "Org.Sub__c"),
        ("$caller_id$", token, "caller_id"),
    ] {
        for (rest, quoted) in [("/cb?to=a@b.example", false), ("/cb", true)] {
            let url = format!("https://crm.{host_part}.example.com{rest}");
            let lints = UserData::parse(&format!("[ctl_callbackUrl|{url}]"))
                .unwrap()
                .lint();
            let lint = lints.iter().find(|l| l.kind == kind).unwrap();
            assert_eq!(
                lint.message.contains(name),
                quoted,
                "{url}: {}",
                lint.message
            );
        }
    }
    // In the user info only: the host is the tenant's own.
    let lints = UserData::parse("[ctl_callbackUrl|https://{!User.Login__c}:pw@crm.example.com/cb]")
        .unwrap()
        .lint();
    assert!(
        lints
            .iter()
            .all(|l| l.kind != LintKind::MergeFieldInCallbackHost),
        "{lints:?}"
    );
}

/// A request that arrived with merge fields: in `extra` and in
/// `extTransactionData`, each placed in the link and named.
#[test]
fn merge_fields_left_in_a_request_are_placed() {
    let link = "phone=1&utm={!Campaign.Name}&extTransactionData=[extRecordId|{!Id}]";
    let lints = ClickToDialRequest::lint_link(link).unwrap();
    assert_eq!(
        placed(&lints, link),
        [
            (
                LintKind::UnexpandedMergeField,
                Some("extTransactionData".into()),
                "{!Id}"
            ),
            (
                LintKind::UnexpandedMergeField,
                Some("utm".into()),
                "{!Campaign.Name}"
            ),
        ]
    );
    // One in a parameter's name: the name is the place, as a whole.
    let link = "phone=1&x{!Campaign.Id}=5";
    let lints = ClickToDialRequest::lint_link(link).unwrap();
    assert_eq!(lints.len(), 1, "{lints:?}");
    assert_eq!(lints[0].kind, LintKind::UnexpandedMergeField);
    assert_eq!(lints[0].span(), None);
    assert_eq!(&link[lints[0].link_span().unwrap()], "x{!Campaign.Id}");
    // One after other text in a value: placed at itself.
    let link = "phone=1&utm=hello+{!Campaign.Name}";
    let lint = &ClickToDialRequest::lint_link(link).unwrap()[0];
    assert_eq!(&link[lint.link_span().unwrap()], "{!Campaign.Name}");
    // A phone that still holds one is refused, with the reason.
    let err = ClickToDialRequest::lint_link("phone={!Account.Phone}").unwrap_err();
    assert_eq!(err.parameter(), Some("phone"));
}

#[test]
fn template_lints() {
    // Example 1 as printed: its merge fields are a phone and record ids.
    let printed = vendor("example1_printed.url");
    assert_eq!(LinkTemplate::lint_text(&printed), []);

    let text = "https://vcc-na4.8x8.com/AGUI/make_call.php?phone={!Account.Phone}\
                &ctl_userdata=[{!Account.Type}|1][subject|Call%20{!Account.Name}]\
                [ctl_callbackUrl|https://{!Account.Site}/cb]\
                &extTransactionData=[extRecordType|{!URLENCODE(Account.Type)}]";
    let lints = LinkTemplate::lint_text(text);
    checks::check_link_lints(&lints, text);
    let found: Vec<_> = lints
        .iter()
        .map(|l| (l.kind, &text[l.link_span().unwrap()]))
        .collect();
    assert_eq!(
        found,
        [
            (LintKind::UnprotectedMergeField, "{!Account.Type}"),
            (LintKind::UnprotectedMergeField, "{!Account.Name}"),
            (LintKind::MergeFieldInCallbackHost, "{!Account.Site}"),
            (LintKind::UnprotectedMergeField, "{!Account.Site}"),
            (
                LintKind::UrlEncodeInCustomLink,
                "{!URLENCODE(Account.Type)}"
            ),
        ]
    );
    // Only the host counts, not the user info before it nor the path and
    // query after it.
    let text = "https://vcc-na4.8x8.com/AGUI/make_call.php?phone=1&ctl_userdata=\
                [ctl_callbackUrl|https://{!User.Login__c}:pw@crm.{!Org.Sub__c}.example.com/cb?x={!Account.Id}]";
    let hosts: Vec<_> = LinkTemplate::lint_text(text)
        .into_iter()
        .filter(|l| l.kind == LintKind::MergeFieldInCallbackHost)
        .map(|l| &text[l.link_span().unwrap()])
        .collect();
    assert_eq!(hosts, ["{!Org.Sub__c}"]);
    // Only a `ctl_callbackUrl` in `ctl_userdata` is a callback: another
    // pair's URL, or one in `extTransactionData`, chooses no host.
    for text in [
        "https://vcc-na4.8x8.com/AGUI/make_call.php?phone=1&ctl_userdata=[site|https://{!Org.Host__c}/cb]",
        "https://vcc-na4.8x8.com/AGUI/make_call.php?phone=1&extTransactionData=[ctl_callbackUrl|https://{!Org.Host__c}/cb]",
    ] {
        assert!(
            LinkTemplate::lint_text(text)
                .iter()
                .all(|l| l.kind != LintKind::MergeFieldInCallbackHost),
            "{text}"
        );
    }
    // The fix, as it must be typed: a name also protects `|`.
    assert!(lints[0].message.contains(
        r#"write `{!SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(Account.Type, "%", "%25"), "]", "%5D"), "|", "%7C")}`"#
    ), "{}", lints[0].message);
    assert!(lints[1]
        .message
        .contains(r#"write `{!SUBSTITUTE(SUBSTITUTE(Account.Name, "%", "%25"), "]", "%5D")}`"#));
    assert!(lints[4].message.contains("encoded twice"));
    // A field too long to quote in a fix is pointed at the way to protect it.
    let long = format!("{{!Account.{}__c}}", "N".repeat(120));
    let long_text = format!("https://h/make_call.php?phone=1&ctl_userdata=[a|{long}]");
    let lint = &LinkTemplate::lint_text(&long_text)[0];
    assert_eq!(lint.kind, LintKind::UnprotectedMergeField);
    assert!(
        lint.message.contains("as `MergeField::protected` shows"),
        "{}",
        lint.message
    );
    assert!(!lint.message.contains("write `"), "{}", lint.message);
    // The limit is 100 bytes of expression: one that long is still quoted.
    for (n, quoted) in [(89, true), (90, false)] {
        let field = format!("{{!Account.{}__c}}", "N".repeat(n));
        assert_eq!(field.len() - 3, 100 + usize::from(!quoted));
        let text = format!("https://h/make_call.php?phone=1&ctl_userdata=[a|{field}]");
        let lint = &LinkTemplate::lint_text(&text)[0];
        assert_eq!(lint.message.contains("write `"), quoted, "{}", lint.message);
    }
    // A field named like the function is no call; a call after it is one.
    let urlencode_lints = |field: &str| {
        let text =
            format!("https://h/make_call.php?phone=1&extTransactionData=[extRecordType|{field}]");
        LinkTemplate::lint_text(&text)
            .iter()
            .filter(|l| l.kind == LintKind::UrlEncodeInCustomLink)
            .count()
    };
    assert_eq!(urlencode_lints("{!Account.URLENCODE__c}"), 0);
    assert_eq!(
        urlencode_lints("{!Account.URLENCODE__c & urlencode (A.B)}"),
        1
    );
    // What to_salesforce writes needs no protection.
    let written = LinkTemplate::parse(text).unwrap().to_salesforce();
    let kinds: Vec<_> = LinkTemplate::lint_text(&written)
        .into_iter()
        .map(|l| l.kind)
        .collect();
    assert!(
        !kinds.contains(&LintKind::UnprotectedMergeField),
        "{written}"
    );
    // A merge field whose expression holds `]`, `&` or `|` does not split
    // the template.
    let odd = "https://h.example.com/?phone=1&ctl_userdata=[a|{!SUBSTITUTE(X.Y, \"]&|\", \"\")}][b|{!X.Z}]";
    let found: Vec<_> = LinkTemplate::lint_text(odd)
        .into_iter()
        .map(|l| (l.kind, odd[l.link_span().unwrap()].to_owned()))
        .collect();
    assert_eq!(
        found,
        [(LintKind::UnprotectedMergeField, "{!X.Z}".to_owned())]
    );
}

#[test]
fn caps_hold_for_the_new_kinds() {
    let spaces = format!("[a|{}]", "x  ".repeat(1000));
    let lints = UserData::parse(&spaces).unwrap().lint();
    assert_eq!(lints.len(), Lint::MAX_PER_VALUE + 1);
    assert!(lints
        .last()
        .unwrap()
        .message
        .contains("more white space from wrapped lines"));
    let lost: String = (0..1000).map(|i| format!("[p{i}|x[q|y]")).collect();
    let lints = UserData::parse(&lost).unwrap().lint();
    assert_eq!(lints.len(), Lint::MAX_PER_KIND + 1);
    let names: String = (0..300).map(|i| format!("&%20n{i}=1")).collect();
    let lints = ClickToDialRequest::lint_link(&format!("phone=1{names}")).unwrap();
    assert_eq!(lints.len(), Lint::MAX_PER_KIND + 1);
    assert_eq!(lints.last().unwrap().link_span(), None);
}

#[test]
fn linear_time_on_a_large_link() {
    // 1 MB of lost pairs, runs of spaces and white-space names.
    let data = "[a|x  [b|y]".repeat(50_000);
    let names = "&%20x=1".repeat(20_000);
    let link = format!("phone=1&ctl_userdata={}{names}", data.replace('[', "%5B"));
    let start = std::time::Instant::now();
    let lints = ClickToDialRequest::lint_link(&link).unwrap();
    eprintln!("lint_link, {} bytes: {:?}", link.len(), start.elapsed());
    assert!(start.elapsed().as_secs() < 10, "{:?}", start.elapsed());
    checks::check_link_lints(&lints, &link);
    let template = format!(
        "https://h.example.com/?phone=1&ctl_userdata={}",
        "[n|{!A.B}]".repeat(50_000)
    );
    let start = std::time::Instant::now();
    let lints = LinkTemplate::lint_text(&template);
    eprintln!("lint_text, {} bytes: {:?}", template.len(), start.elapsed());
    assert!(start.elapsed().as_secs() < 10, "{:?}", start.elapsed());
    assert_eq!(lints.len(), Lint::MAX_PER_KIND + 1);
}

/// Pieces of links: the characters and shapes the new lints look at.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just("|".to_owned()),
        Just("%5B".to_owned()),
        Just("%20".to_owned()),
        Just("+".to_owned()),
        Just(" ".to_owned()),
        Just("\n ".to_owned()),
        Just("&".to_owned()),
        Just("=".to_owned()),
        Just("?".to_owned()),
        Just("@".to_owned()),
        Just("://".to_owned()),
        Just("{!A.B}".to_owned()),
        Just("{!URLENCODE(A.B)}".to_owned()),
        Just("ctl_callbackUrl|https://".to_owned()),
        Just("ctl_userdata=".to_owned()),
        Just("extTransactionData=".to_owned()),
        Just(" ext. 12".to_owned()),
        "[a-z]{1,3}",
        "\\PC{0,2}",
    ]
}

proptest! {
    #[test]
    fn every_link_lint_is_one_line_bounded_and_placed(
        pieces in prop::collection::vec(piece(), 0..40),
        url in any::<bool>(),
    ) {
        let body: String = pieces.concat();
        let link = if url {
            format!("https://vcc-na4.8x8.com/AGUI/make_call.php?phone=1&{body}")
        } else {
            format!("phone=1&{body}")
        };
        if let Ok(lints) = ClickToDialRequest::lint_link(&link) {
            checks::check_link_lints(&lints, &link);
        }
        checks::check_link_lints(&LinkTemplate::lint_text(&link), &link);
        let data = body.replace("ctl_userdata=", "");
        if let Ok(parsed) = UserData::parse(&data) {
            checks::check_lints(&parsed.lint(), Some(&data));
        }
    }
}

/// With `serde`, a placed lint travels with its parameter and link span;
/// a lint written before they existed still reads.
#[cfg(feature = "serde")]
#[test]
fn placed_lints_serialize() {
    let link = "phone=650-555-0100+x12";
    let lint = ClickToDialRequest::lint_link(link).unwrap().remove(0);
    let json = serde_json::to_string(&lint).unwrap();
    assert!(json.contains(r#""parameter":"phone""#), "{json}");
    assert_eq!(serde_json::from_str::<Lint>(&json).unwrap(), lint);
    let old = r#"{"kind":"DuplicateName","message":"m","span":[0,5]}"#;
    let read: Lint = serde_json::from_str(old).unwrap();
    assert_eq!(
        (read.span(), read.parameter(), read.link_span()),
        (Some(0..5), None, None)
    );
}

/// White-space query names in a callback URL: at most `MAX_PER_VALUE`
/// lints, then one summary.
#[test]
fn callback_query_names_are_capped_with_a_summary() {
    let names = |n: usize| -> Vec<Lint> {
        let query: Vec<String> = (0..n).map(|i| format!("%20q{i}=1")).collect();
        let text = format!(
            "[ctl_callbackUrl|https://crm.example.com/cb?{}]",
            query.join("&")
        );
        UserData::parse(&text)
            .unwrap()
            .lint()
            .into_iter()
            .filter(|l| l.kind == LintKind::WhiteSpaceInParameterName)
            .collect()
    };
    let max = Lint::MAX_PER_VALUE;
    assert_eq!(names(max).len(), max);
    let lints = names(max + 2);
    assert_eq!(lints.len(), max + 1);
    assert!(
        lints[max].message.contains("2 more"),
        "{}",
        lints[max].message
    );
}

/// An insecure callback URL is quoted (without user info) up to the
/// policy's length limit, and not past it.
#[test]
fn insecure_callback_quoted_up_to_the_length_limit() {
    let message = |len: usize| {
        let base = "http://u:pw@crm.example.com/";
        let url = format!("{base}{}", "a".repeat(len - base.len()));
        assert_eq!(url.len(), len);
        let lints = UserData::parse(&format!("[ctl_callbackUrl|{url}]"))
            .unwrap()
            .lint();
        let lint = lints
            .iter()
            .find(|l| l.kind == LintKind::InsecureCallbackUrl)
            .unwrap()
            .clone();
        assert!(!lint.message.contains("pw"), "{}", lint.message);
        lint.message
    };
    let max = clicktodial::CallbackPolicy::MAX_URL_LEN;
    assert!(message(max).contains("http://crm.example.com/aaa"));
    assert!(message(max + 1).contains("over the length limit"));
}
