//! Lints and errors stay bounded whatever the input: linear in time,
//! capped per value and per kind, one line each, quoting outside text only
//! through the one sanitiser, and placed in the text they are about.

use std::time::{Duration, Instant};

use clicktodial::{ClickToDialRequest, Lint, LintKind, ResultCode, UserData};

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

// ---- lint is linear, with caps -------------------------------------------

#[test]
fn a_long_name_and_many_tokens_give_a_few_short_lints() {
    // The shape: a 32 KB name, 16 K `$x` in the value.
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
fn many_values_are_capped_per_kind_with_a_summary() {
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
fn reachable_from_a_request_stays_bounded() {
    let userdata = format!("[{}|{}]", "n".repeat(20_000), "$x".repeat(20_000));
    let req =
        ClickToDialRequest::from_query_and_form("phone=1", &format!("ctl_userdata={userdata}"))
            .unwrap();
    let lints = req.lint();
    assert!(lints.len() <= 2 * (Lint::MAX_PER_VALUE + 1));
    lints.iter().for_each(one_line_and_bounded);
}

// ---- one line, bounded ----------------------------------------------------

#[test]
fn names_cannot_inject_log_lines() {
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
fn a_100_kb_name_gives_a_short_message() {
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
fn errors_and_lints_share_one_bounded_sanitiser() {
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
fn a_quote_of_up_to_197_bytes_is_shown_whole() {
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
