//! Regression tests for issue 10 ("Harden the outer surfaces"): each
//! numbered finding, tried from outside the crate as an attacker would.

use std::time::{Duration, Instant};

use clicktodial::{
    check_callback_url, ActionPlan, CallContext, Callback, CallbackPolicy, ClickToDialRequest,
    CreateOutcome, Lint, LintKind, RequestErrorKind, ResultCode, Token, UserData,
};
use proptest::prelude::*;

fn one_line_and_bounded(lint: &Lint) {
    assert!(
        !lint
            .message
            .chars()
            .any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')),
        "not one line: {:?}",
        lint.message
    );
    assert!(
        lint.message.len() <= Lint::MAX_MESSAGE_LEN,
        "{} bytes",
        lint.message.len()
    );
}

// ---- 1. lint is linear, with caps -------------------------------------------

#[test]
fn finding_1_a_long_name_and_many_tokens_give_a_few_short_lints() {
    // The issue's shape: a 32 KB name, 16 K `$x` in the value.
    let text = format!("[{}|{}]", "n".repeat(32 * 1024), "$x$".repeat(16 * 1024));
    let data = UserData::parse(&text).unwrap();
    let start = Instant::now();
    let lints = data.lint();
    assert!(start.elapsed() < Duration::from_secs(2));
    // MAX_PER_VALUE unknown tokens, then one summary for the value.
    assert_eq!(lints.len(), Lint::MAX_PER_VALUE + 1, "{}", lints.len());
    assert!(lints.iter().all(|l| l.kind == LintKind::UnknownToken));
    let total: usize = lints.iter().map(|l| l.message.len()).sum();
    assert!(
        total < 10 * Lint::MAX_MESSAGE_LEN,
        "{total} bytes of messages"
    );
    assert!(lints
        .last()
        .unwrap()
        .message
        .contains("16376 more unknown tokens"));
    lints.iter().for_each(one_line_and_bounded);
}

#[test]
fn finding_1_many_values_are_capped_per_kind_with_a_summary() {
    let text = "[a|$x$]".repeat(10_000);
    let lints = UserData::parse(&text).unwrap().lint();
    let unknown: Vec<_> = lints
        .iter()
        .filter(|l| l.kind == LintKind::UnknownToken)
        .collect();
    assert_eq!(unknown.len(), Lint::MAX_PER_KIND + 1);
    assert_eq!(
        unknown.last().unwrap().message,
        format!(
            "{} more unknown tokens not shown",
            10_000 - Lint::MAX_PER_KIND
        )
    );
    assert_eq!(unknown.last().unwrap().span(), None);
    // And the one duplicate-name lint.
    assert_eq!(lints.len(), Lint::MAX_PER_KIND + 2);
}

#[test]
fn finding_1_reachable_from_a_request_stays_bounded() {
    let userdata = format!("[{}|{}]", "n".repeat(20_000), "$x".repeat(20_000));
    let req =
        ClickToDialRequest::from_query_and_form("phone=1", &format!("ctl_userdata={userdata}"))
            .unwrap();
    let lints = req.lint();
    assert!(lints.len() <= 2 * (Lint::MAX_PER_VALUE + 1));
    lints.iter().for_each(one_line_and_bounded);
}

// ---- 2. one line, bounded ----------------------------------------------------

#[test]
fn finding_2_names_cannot_inject_log_lines() {
    for text in [
        "[a\nINJECTED LOG LINE|$foo$]",
        "[a\u{2028}INJECTED|{!x}]",
        "[a\rINJECTED|1][a\rINJECTED|2]",
        "[ctl_x\nINJECTED|1]",
        "[ctl_launchopt|yes][CTL_LAUNCHOPT\u{85}|x]",
        "[t\u{0}\u{1b}[2J|$fo$][t2\u{2029}|$Caller_ID$]",
    ] {
        let lints = UserData::parse(text).unwrap().lint();
        assert!(!lints.is_empty(), "{text:?}");
        for lint in &lints {
            one_line_and_bounded(lint);
        }
    }
    let lint = &UserData::parse("[a\nINJECTED LOG LINE|$foo$]")
        .unwrap()
        .lint()[0];
    assert!(lint.message.contains("a\\nINJECTED"), "{}", lint.message);
}

#[test]
fn finding_2_a_100_kb_name_gives_a_short_message() {
    let name = "N".repeat(100 * 1024);
    for text in [
        format!("[{name}|$foo$]"),
        format!("[{name}|1][{name}|2]"),
        format!("[ctl_{name}|1]"),
        format!("[x|{{!{name}}}]"),
        format!("[x|${name}$]"),
        format!("[{}|$foo$]", "é\n".repeat(50_000)),
    ] {
        let lints = UserData::parse(&text).unwrap().lint();
        assert!(!lints.is_empty());
        for lint in &lints {
            one_line_and_bounded(lint);
            assert!(lint.message.len() < 600, "{}", lint.message.len());
        }
    }
}

#[test]
fn finding_2_errors_and_lints_share_one_bounded_sanitiser() {
    // 150 two-byte characters and control characters: cut by bytes too.
    let phone = "\u{e9}\u{1}".repeat(150);
    let err = ClickToDialRequest::from_query(&format!("phone={phone}")).unwrap_err();
    let shown = err.to_string();
    // The shown value and the link excerpt are each cut: a few hundred
    // bytes at most, whatever the input.
    assert!(shown.len() < 600, "{} bytes: {shown}", shown.len());
    assert!(shown.contains("\\u{1}") && shown.contains('…'), "{shown}");
    let text = format!("[{}|$foo$]", "\u{e9}\u{1}".repeat(150));
    let lint = &UserData::parse(&text).unwrap().lint()[0];
    assert!(lint.message.contains("\\u{1}") && lint.message.contains('…'));
    assert!(lint.message.len() < 320, "{}", lint.message);
}

#[test]
fn finding_2_a_quote_of_up_to_197_bytes_is_shown_whole() {
    // 49 four-byte characters and one byte: 197 bytes, the most a quote
    // shows (200 with the `…`), in 50 characters (under the 100-character
    // cut, so the byte bound decides).
    let whole = format!("{}a", "\u{1F600}".repeat(49));
    assert_eq!(whole.len(), 197);
    let shown = whole.parse::<ResultCode>().unwrap_err().to_string();
    assert!(shown.contains(&format!("`{whole}`")), "{shown}");
    assert!(!shown.contains('…'), "{shown}");
    // One more byte and that byte goes, replaced by `…`.
    let over = format!("{whole}b");
    let shown = over.parse::<ResultCode>().unwrap_err().to_string();
    assert!(shown.contains(&format!("`{whole}…`")), "{shown}");
}

// ---- 3. no user info in a lint or error ---------------------------------------

#[test]
fn finding_3_no_part_of_a_callback_password_is_quoted() {
    for url in [
        "https://admin:pa$Secret$word{!Sec}@crm.example.com/cb",
        "http://admin:pa$Secret$word{!Sec}@crm.example.com/cb",
        "https://admin:pa$call_answered_time{!Sec}@crm.example.com/cb",
        "https://admin:pa$notes$@crm.example.com/cb",
        "https://admin:pa$Secret$word@crm.example.com/cb?x=$Other$",
        "https:admin:pa$Secret${!Sec}@crm.example.com/cb",
    ] {
        let text = format!("[ctl_callbackUrl|{url}]");
        let lints = UserData::parse(&text).unwrap().lint();
        assert!(!lints.is_empty(), "{url}");
        for lint in &lints {
            for secret in ["Secret", "Sec}", "admin", "pa$", "notes"] {
                assert!(
                    !lint.message.contains(secret),
                    "{url}: {secret} in {}",
                    lint.message
                );
            }
        }
        // The places are still given.
        assert!(lints.iter().all(|l| l.span().is_some()), "{url}: {lints:?}");
        // And the callback error does not name a token in the user info.
        let data = UserData::parse(&text).unwrap();
        if let Some(Err(err)) =
            ActionPlan::new(&data).callback(&CallContext::default(), &CallbackPolicy::default())
        {
            for text in [err.to_string(), format!("{err:?}")] {
                assert!(!text.contains("admin") && !text.contains("notes"), "{text}");
            }
        }
    }
}

// ---- 4. record ids -------------------------------------------------------------

#[test]
fn finding_4_a_forged_record_id_never_survives_fail_or_ignore() {
    let forged = "[ctl_action|create][ctl_intType|sfdc][ObjectType|Task][ctl_newRecordId|forged]";
    let data = UserData::parse(forged).unwrap();
    let plan = ActionPlan::new(&data);
    for (outcome, code) in [
        (CreateOutcome::Failed("boom".into()), ResultCode::Fail),
        (CreateOutcome::NotRun, ResultCode::Fail),
        (CreateOutcome::Created("00T1".into()), ResultCode::Success),
    ] {
        let done = plan.finish(data.clone(), outcome);
        assert_eq!(done.result_code, code);
        let ids: Vec<_> = done
            .ctl_userdata
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("ctl_newRecordId"))
            .map(|(_, v)| v)
            .collect();
        if code == ResultCode::Success {
            assert_eq!(ids, ["00T1"]);
            assert_eq!(done.new_record_id(), Some("00T1"));
        } else {
            assert_eq!(ids, Vec::<&str>::new());
            assert_eq!(done.new_record_id(), None);
        }
        // The receiving side agrees.
        let received = Callback::from_form(&done.to_form()).unwrap();
        assert_eq!(received.new_record_id(), done.new_record_id());
    }
    // IGNORE: no create planned.
    let data = UserData::parse("[subject|x][CTL_NEWRECORDID|forged]").unwrap();
    let done = ActionPlan::new(&data).finish(data, CreateOutcome::Created("00T1".into()));
    assert_eq!(done.result_code, ResultCode::Ignore);
    assert_eq!(done.ctl_userdata.to_string(), "[subject|x]");
    // A FAIL body that carries one (from any sender) reports none.
    let cb = Callback::from_form(
        "ctl_userdata=%5Bctl_newRecordId%7Cforged%5D&resultCode=FAIL&errorString=x",
    )
    .unwrap();
    assert_eq!(cb.new_record_id(), None);
    let cb = Callback::new(
        UserData::parse("[ctl_newRecordId|x]").unwrap(),
        ResultCode::Ignore,
        "",
    );
    assert_eq!(cb.new_record_id(), None);
    // The lint stays.
    let lints = UserData::parse(forged).unwrap().lint();
    assert!(lints
        .iter()
        .any(|l| l.kind == LintKind::TenantSetNewRecordId));
}

// ---- 5. callback URL expansion by component --------------------------------

/// The callback a `ctl_callbackUrl` pair holding `template` makes (a `]` in
/// it escaped for the pair).
fn callback(template: &str, ctx: &CallContext) -> Result<url::Url, clicktodial::RequestError> {
    let text = format!("[ctl_callbackUrl|{}]", template.replace(']', "%5D"));
    let data = UserData::parse(&text).unwrap();
    ActionPlan::new(&data)
        .callback(ctx, &CallbackPolicy::default())
        .unwrap()
}

#[test]
fn finding_5_a_value_cannot_add_parameters_or_cut_one_off() {
    let ctx = CallContext {
        transaction_id: "T1".into(),
        notes: "x&resultCode=SUCCESS&admin=1#".into(),
        ..CallContext::default()
    };
    let url = callback(
        "https://crm.example.com/cb?tid=$transaction_id$&note=$notes$&sig=abc",
        &ctx,
    )
    .unwrap();
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    assert_eq!(
        pairs,
        [
            ("tid".to_string(), "T1".to_string()),
            ("note".into(), "x&resultCode=SUCCESS&admin=1#".into()),
            ("sig".into(), "abc".into()),
        ]
    );
    assert_eq!(url.fragment(), None);
    // Path segments and the fragment: one value each.
    let ctx = CallContext {
        caller_id: "a/b?c#d\\e f".into(),
        ..CallContext::default()
    };
    let url = callback(
        "https://crm.example.com/calls/$caller_id$/x#$caller_id$",
        &ctx,
    )
    .unwrap();
    assert_eq!(url.path(), "/calls/a%2Fb%3Fc%23d%5Ce%20f/x");
    assert_eq!(url.fragment(), Some("a%2Fb%3Fc%23d%5Ce%20f"));
    // A `+` stays a plus for a form decoder.
    let ctx = CallContext {
        notes: "1+1".into(),
        ..CallContext::default()
    };
    let url = callback("https://crm.example.com/cb?n=$notes$", &ctx).unwrap();
    assert_eq!(url.query_pairs().next().unwrap().1, "1+1");
}

#[test]
fn finding_5_call_data_never_chooses_the_host() {
    let ctx = CallContext {
        caller_id: "evil.example.net/".into(),
        notes: "..".into(),
        ..CallContext::default()
    };
    for (template, part) in [
        ("https://$caller_id$.crm.example.com/", "host"),
        ("https://crm.example.com$caller_id$/", "host"),
        ("$caller_id$", "scheme"),
        ("http$caller_id$://crm.example.com/", "scheme"),
        ("https://u:$caller_id$@crm.example.com/", "user info"),
        ("https://crm.example.com:$caller_id$/", "port"),
        ("https://u:p@crm.example.com:$caller_id$/", "port"),
        ("https://u:p@crm.example.com$caller_id$/", "host"),
        ("https://u:p@crm.example.com:$caller_id$@x/", "user info"),
        ("https://[::1]:$caller_id$/", "port"),
        ("https://[::1]:4$caller_id$/", "port"),
        ("https://[::$caller_id$]/", "host"),
        ("https://[$caller_id$::1]:443/", "host"),
        ("https://crm.example.com$caller_id$:443/", "host"),
        ("https://[::1]$caller_id$/", "host"),
        ("https://crm.example.com:1$caller_id$:2/", "host"),
        ("https://crm.example.com/cb?$caller_id$=1", "query key"),
        ("https://crm.example.com/cb?a=1&x$caller_id$=1", "query key"),
        // A scheme with digits, `+`, `-` or `.` after its first letter is
        // still a scheme, so what follows is still the host.
        ("h2c://$caller_id$.crm.example.com/", "host"),
        ("web+cb.v-2://$caller_id$.crm.example.com/", "host"),
        // Tabs and line breaks in a scheme are ignored, as the URL parser
        // ignores them; a scheme that starts with no letter, or holds
        // another character, is none, so a token after it is in no host.
        ("ht\ttps://$caller_id$.crm.example.com/", "host"),
        ("1ab://$caller_id$.crm.example.com/", "scheme"),
        ("a_b://$caller_id$.crm.example.com/", "scheme"),
        (
            "https://crm.example.com/a/$notes$/admin",
            "path (as a . or .. segment)",
        ),
    ] {
        let err = callback(template, &ctx).unwrap_err();
        match err.kind() {
            RequestErrorKind::CallbackToken { part: got, .. } => {
                assert_eq!(*got, part, "{template}")
            }
            other => panic!("{template}: {other:?}"),
        }
        assert!(!err.to_string().contains("evil"), "{err}");
        // The lint says so, at the token.
        let text = format!("[ctl_callbackUrl|{}]", template.replace(']', "%5D"));
        let lints = UserData::parse(&text).unwrap().lint();
        if part.starts_with("path") {
            continue; // a value, not a place: only the expansion can tell
        }
        let lint = lints
            .iter()
            .find(|l| l.kind == LintKind::CallbackUrlToken)
            .unwrap_or_else(|| panic!("{template}: {lints:?}"));
        let span = lint.span().unwrap();
        if template.contains(']') {
            // After an escape the place is the whole value.
            assert!(text[span].contains("$caller_id$"), "{template}");
        } else {
            assert_eq!(&text[span], "$caller_id$", "{template}");
        }
        assert!(lint.message.contains(part), "{}", lint.message);
    }
    // A value that completes a dot segment the template began, even an
    // empty one between two escaped dots, is refused.
    for (template, notes) in [
        ("https://crm.example.com/a/%2e$notes$%2E/admin", ""),
        ("https://crm.example.com/a/%2e%2E$notes$/admin", ""),
        ("https://crm.example.com/a/$notes$%2e%2E/admin", ""),
        ("https://crm.example.com/a/.$notes$", ""),
        ("https://crm.example.com/a/%2e$notes$/admin", "."),
        ("https://crm.example.com/a/$notes$%2e/admin", "."),
    ] {
        let ctx = CallContext {
            notes: notes.into(),
            ..CallContext::default()
        };
        let err = callback(template, &ctx).unwrap_err();
        assert!(
            matches!(
                err.kind(),
                RequestErrorKind::CallbackToken {
                    part: "path (as a . or .. segment)",
                    ..
                }
            ),
            "{template}: {err}"
        );
    }
    // Tokens that are values, wherever the text around them may mislead.
    for (template, want) in [
        // After a `#`, a `?` starts no query: the token is in the fragment.
        (
            "https://crm.example.com/cb?a=1#x?$caller_id$=1",
            "https://crm.example.com/cb?a=1#x?evil.example.net%2F=1",
        ),
        // So it is right after a bare query key.
        (
            "https://crm.example.com/cb?a#$caller_id$",
            "https://crm.example.com/cb?a#evil.example.net%2F",
        ),
        // Leading spaces and controls are no part of the URL (as the URL
        // parser reads it): the scheme and host are still found.
        (
            " \t https://crm.example.com/cb?n=$notes$",
            "https://crm.example.com/cb?n=..",
        ),
        // A `/` in a query or fragment starts no path segment.
        (
            "https://crm.example.com/cb?next=/$notes$#/$notes$",
            "https://crm.example.com/cb?next=/..#/..",
        ),
        // A `?` inside a query value is text.
        (
            "https://crm.example.com/cb?a=b?$notes$",
            "https://crm.example.com/cb?a=b?..",
        ),
    ] {
        let url = callback(template, &ctx).unwrap();
        assert_eq!(url.as_str(), want, "{template}");
    }
    // A `=` just before the `?` is in the path: the token is a key.
    let err = callback("https://crm.example.com/a=?$notes$=1", &ctx).unwrap_err();
    assert!(matches!(
        err.kind(),
        RequestErrorKind::CallbackToken {
            part: "query key",
            ..
        }
    ));
    // The `ctl_callbackUrl` pair inside the posted data expands plainly.
    let data = UserData::parse("[ctl_callbackUrl|https://crm.example.com/cb?n=$notes$]").unwrap();
    let ctx = CallContext {
        notes: "a&b".into(),
        ..CallContext::default()
    };
    assert_eq!(
        data.expand(&ctx).get("ctl_callbackUrl"),
        Some("https://crm.example.com/cb?n=a&b")
    );
}

/// The tenant's scheme, host, port and query keys, read by the URL parser.
fn target(url: &url::Url) -> (String, Option<String>, Option<u16>, Vec<String>) {
    (
        url.scheme().to_owned(),
        url.host_str().map(str::to_owned),
        url.port_or_known_default(),
        url.query_pairs().map(|(k, _)| k.into_owned()).collect(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn expanded_callback_keeps_the_tenants_target(
        path in "(/[a-z$_.]{0,12}){0,3}",
        query in prop::collection::vec(("[a-z]{1,4}", "[a-z=$_]{0,16}"), 0..4),
        fragment in prop::option::of("[a-z$_]{0,10}"),
        tokens in prop::collection::vec(0usize..20, 0..4),
        value in "\\PC{0,12}|[./?#&=+%\\\\ ]{0,6}",
    ) {
        let mut template = format!("https://crm.example.com:8443{path}");
        // Tokens sprinkled over the path, query values and fragment.
        let token = |i: usize| format!("${}$", Token::ALL[i % 20].name());
        for (i, t) in tokens.iter().enumerate() {
            if i % 2 == 0 { template.push_str(&token(*t)); }
        }
        if !query.is_empty() {
            template.push('?');
            let fields: Vec<String> = query
                .iter()
                .zip(tokens.iter().chain(std::iter::repeat(&0)))
                .map(|((k, v), t)| format!("{k}={v}{}", token(*t)))
                .collect();
            template.push_str(&fields.join("&"));
        }
        if let Some(f) = &fragment {
            template.push('#');
            template.push_str(f);
        }
        let ctx = CallContext {
            caller_id: value.clone(),
            transaction_id: value.clone(),
            interaction_guid: value.clone(),
            notes: value.clone(),
            ..CallContext::default()
        };
        // What the tenant wrote, read with every token as plain `x`.
        let plain = template.clone();
        let mut plain_x = plain.clone();
        for t in Token::ALL {
            plain_x = plain_x.replace(&format!("${}$", t.name()), "x");
        }
        let Ok(tenant) = url::Url::parse(&plain_x) else { return Ok(()); };
        match callback(&template, &ctx) {
            Ok(url) => prop_assert_eq!(target(&url), target(&tenant), "{}", template),
            Err(err) => {
                let dot = matches!(err.kind(), RequestErrorKind::CallbackToken { part, .. } if part.starts_with("path"));
                prop_assert!(dot, "{}: {}", template, err);
            }
        }
    }
}

// ---- 6. host policy ------------------------------------------------------------

#[test]
fn finding_6_internal_names_are_refused_by_default() {
    let policy = CallbackPolicy::default();
    let lax = CallbackPolicy {
        allow_private_hosts: true,
        ..CallbackPolicy::default()
    };
    for url in [
        "http://metadata/computeMetadata/v1/",
        "http://intranet/",
        "http://wpad/",
        "http://localhost.localdomain/",
        "http://ip6-localhost/",
        "http://kubernetes.default.svc/",
        "http://kubernetes.default.svc.cluster.local/",
        "http://metadata.google.internal/",
        "http://router.lan/",
        "http://db.corp/",
        "https://crm.example/",
        "https://api.test/",
        "https://INTRANET./",
    ] {
        let err = check_callback_url(url, &policy).unwrap_err();
        assert!(
            matches!(err.kind(), RequestErrorKind::CallbackPrivateHost(_)),
            "{url}: {err:?}"
        );
        assert!(check_callback_url(url, &lax).is_ok(), "{url}");
    }
    for url in [
        "https://crm.example.com/cb",
        "https://crm.example.co.uk/cb",
        "https://acme.my.salesforce.com/cb",
        "https://xn--bcher-kva.example.de/",
        "https://bücher.example.de/",
    ] {
        assert!(check_callback_url(url, &policy).is_ok(), "{url}");
    }
}

#[test]
fn finding_6_long_urls_are_refused_before_parsing_under_any_policy() {
    // A 4 MB IDNA host took 1.4 s to check.
    let url = format!("https://{}.com/", "\u{00e9}a".repeat(2 * 1024 * 1024 / 3));
    for policy in [
        CallbackPolicy::default(),
        CallbackPolicy {
            allow_private_hosts: true,
            require_https: true,
        },
    ] {
        let start = Instant::now();
        let err = check_callback_url(&url, &policy).unwrap_err();
        assert!(start.elapsed() < Duration::from_millis(50));
        assert_eq!(
            err.kind(),
            &RequestErrorKind::CallbackTooLong {
                len: url.len(),
                max: CallbackPolicy::MAX_URL_LEN
            }
        );
    }
    let at_limit = format!(
        "https://crm.example.com/{}",
        "a".repeat(CallbackPolicy::MAX_URL_LEN - 24)
    );
    assert_eq!(at_limit.len(), CallbackPolicy::MAX_URL_LEN);
    assert!(check_callback_url(&at_limit, &CallbackPolicy::default()).is_ok());
    assert!(check_callback_url(&format!("{at_limit}a"), &CallbackPolicy::default()).is_err());
    // A template is held to the same limit before it is expanded.
    assert!(callback(&at_limit, &CallContext::default()).is_ok());
    let err = callback(&format!("{at_limit}a"), &CallContext::default()).unwrap_err();
    assert_eq!(
        err.kind(),
        &RequestErrorKind::CallbackTooLong {
            len: CallbackPolicy::MAX_URL_LEN + 1,
            max: CallbackPolicy::MAX_URL_LEN
        }
    );
    // Through the plan too, after expansion.
    let ctx = CallContext {
        notes: "n".repeat(CallbackPolicy::MAX_URL_LEN),
        ..CallContext::default()
    };
    let err = callback("https://crm.example.com/cb?n=$notes$", &ctx).unwrap_err();
    assert!(matches!(
        err.kind(),
        RequestErrorKind::CallbackTooLong { .. }
    ));
}

// ---- 7. to_url round trips or refuses ------------------------------------------

#[test]
fn finding_7_to_url_refuses_what_cannot_round_trip() {
    for (extra, name) in [
        (vec![(" utm".to_string(), "a".to_string())], " utm"),
        (vec![("utm\t".into(), "a".into())], "utm\t"),
        (
            vec![("utm".into(), "a".into()), ("utm".into(), "b".into())],
            "utm",
        ),
        (vec![("".into(), "a".into())], ""),
        (vec![("  ".into(), "a".into())], "  "),
        (vec![("phone".into(), "2".into())], "phone"),
        (
            vec![("ctl_userdata".into(), "[a|b]".into())],
            "ctl_userdata",
        ),
    ] {
        let mut req = ClickToDialRequest::new("1");
        req.extra = extra;
        let err = req.to_url("https://vcc-na4.8x8.com").unwrap_err();
        match err.kind() {
            RequestErrorKind::ExtraParameter { name: got, .. } => assert_eq!(got, name),
            other => panic!("{name:?}: {other:?}"),
        }
        let shown = err.to_string();
        assert!(!shown.contains('\t') && !shown.contains('\n'), "{shown}");
    }
    // What it accepts, it round-trips exactly.
    let mut req = ClickToDialRequest::new("1");
    req.extra = vec![
        ("utm source".into(), " a+b ".into()),
        ("z".into(), "".into()),
    ];
    let url = req.to_url("https://vcc-na4.8x8.com").unwrap();
    assert_eq!(ClickToDialRequest::from_url(&url).unwrap(), req);
}

// ---- screenpop and serde -------------------------------------------------------

#[cfg(feature = "serde")]
#[test]
fn screenpop_serialization_skips_the_password() {
    let pop = clicktodial::Screenpop {
        agent_id: "agent7".into(),
        password: "hunter2".into(),
        ..clicktodial::Screenpop::default()
    };
    let json = serde_json::to_string(&pop).unwrap();
    assert!(!json.contains("hunter2"), "{json}");
    assert!(!json.contains("password"), "{json}");
    let back: clicktodial::Screenpop = serde_json::from_str(&json).unwrap();
    assert_eq!(back.password, "");
    assert_eq!(back.agent_id, "agent7");
    // A password given in the input is read.
    let with: clicktodial::Screenpop = serde_json::from_str(
        r#"{"ctl_userdata":"","agent_id":"a","username":"u","password":"pw","account":"","role":""}"#,
    )
    .unwrap();
    assert_eq!(with.password, "pw");
    assert!(!format!("{with:?}").contains("pw\""));
}

// ---- spans ---------------------------------------------------------------------

#[test]
fn lint_spans_point_into_the_parsed_text() {
    let text = "[a|1]\n[subject|Call $Caller_ID$ at $call_answered_time]\
                [WhatId|{!Account.Id}][ctl_launchopts|true][a|2][ctl_callbackUrl|http://crm.example.com/]";
    let lints = UserData::parse(text).unwrap().lint();
    let shown: Vec<(LintKind, &str)> = lints
        .iter()
        .map(|l| (l.kind, &text[l.span().unwrap()]))
        .collect();
    assert_eq!(
        shown,
        [
            (LintKind::UnknownToken, "$Caller_ID$"),
            (LintKind::UnterminatedToken, "$call_answered_time"),
            (LintKind::UnexpandedMergeField, "{!Account.Id}"),
            (LintKind::DuplicateName, "[a|2]"),
            (LintKind::UnknownSystemName, "ctl_launchopts"),
            (
                LintKind::InsecureCallbackUrl,
                "[ctl_callbackUrl|http://crm.example.com/]"
            ),
        ]
    );
    // Escapes after the place only: the place is still exact.
    let text = "[n|$foo$ %5D]";
    let lint = &UserData::parse(text).unwrap().lint()[0];
    assert_eq!(&text[lint.span().unwrap()], "$foo$");
    // A merge field with no closing `}`: its `{!` is the place.
    let text = "[n|hello{!Account.Id]";
    let lint = &UserData::parse(text).unwrap().lint()[0];
    assert_eq!(lint.kind, LintKind::UnexpandedMergeField);
    assert_eq!(&text[lint.span().unwrap()], "{!");
    // A token name starts with a letter or `_`: `$_x$` is an unknown
    // token, `$5$` is a price, not a token.
    let text = "[n|$5$ or $_x$]";
    let lints = UserData::parse(text).unwrap().lint();
    assert_eq!(lints.len(), 1, "{lints:?}");
    assert_eq!(lints[0].kind, LintKind::UnknownToken);
    assert_eq!(&text[lints[0].span().unwrap()], "$_x$");
    // A place inside a name, with or without an escape in the value.
    for text in ["[x{!A.B}|v]", "[x{!A.B}|v%5D]"] {
        let lint = &UserData::parse(text).unwrap().lint()[0];
        assert_eq!(lint.kind, LintKind::UnexpandedMergeField);
        assert_eq!(&text[lint.span().unwrap()], "{!A.B}");
    }
    // Escapes before the place: the span widens to the value, still holding it.
    let text = "[n%7Cx|a%5Db $foo$]";
    let lint = &UserData::parse(text).unwrap().lint()[0];
    let span = lint.span().unwrap();
    assert!(text[span.clone()].contains("$foo$"), "{span:?}");
    // Pairs added by hand have none; request parameters neither.
    let mut data = UserData::new();
    data.push("t", "$foo$").unwrap();
    assert_eq!(data.lint()[0].span(), None);
    let req = ClickToDialRequest::from_query("phone=1&utm={!x}").unwrap();
    assert_eq!(req.lint()[0].span(), None);
}
