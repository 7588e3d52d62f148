//! The callback URL: user info never quoted, expanded by URL component
//! (call data never chooses where a callback goes), and the host policy.

use std::time::{Duration, Instant};

use clicktodial::{
    check_callback_url, ActionPlan, CallContext, CallbackPolicy, LintKind, RequestErrorKind, Token,
    UserData,
};
use proptest::prelude::*;

// ---- no user info in a lint or error ---------------------------------------

#[test]
fn no_part_of_a_callback_password_is_quoted() {
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

// ---- callback URL expansion by component --------------------------------

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
fn a_value_cannot_add_parameters_or_cut_one_off() {
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
fn call_data_never_chooses_the_host() {
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

// ---- host policy ------------------------------------------------------------

#[test]
fn internal_names_are_refused_by_default() {
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
fn long_urls_are_refused_before_parsing_under_any_policy() {
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
