//! Tokens and expansion: every token against hand-computed values, the
//! scanning rules, `Template`, and property tests against a naive reference
//! expander and for injection safety.

use std::borrow::Cow;

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Tz;
use clicktodial::{expand, CallContext, Template, Token, TokenValues, TransactionCode, UserData};
use proptest::prelude::*;

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s)
        .single()
        .expect("valid test date")
}

fn code(list: &str, short: &str, desc: &str) -> TransactionCode {
    TransactionCode {
        list_name: list.into(),
        short_code: short.into(),
        description: desc.into(),
    }
}

/// Every token's value, by name, through `expand`, `Template`,
/// `CallContext::value` and `TokenValues` (which must all agree).
fn values(ctx: &CallContext) -> Vec<(&'static str, String)> {
    let mut cache = TokenValues::new(ctx);
    Token::ALL
        .iter()
        .map(|&t| {
            let via_expand = expand(&t.to_string(), ctx).into_owned();
            assert_eq!(Template::compile(&t.to_string()).expand(ctx), via_expand);
            assert_eq!(ctx.value(t), via_expand);
            assert_eq!(cache.get(t), via_expand);
            (t.name(), via_expand)
        })
        .collect()
}

fn value(ctx: &CallContext, name: &str) -> String {
    let token = Token::from_name(name).expect("known token");
    expand(&token.to_string(), ctx).into_owned()
}

fn assert_values(ctx: &CallContext, expected: &[(&str, &str)]) {
    let all = values(ctx);
    for (name, want) in expected {
        let got = all
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .expect("token name in the table");
        assert_eq!(got, *want, "${name}$");
    }
}

// ---- the token table --------------------------------------------------------

#[test]
fn names_are_the_vendors_and_round_trip() {
    let names: Vec<_> = Token::ALL.iter().map(|t| t.name()).collect();
    assert_eq!(
        names,
        [
            "caller_id",
            "transaction_id",
            "call_answered_time",
            "call_hangup_time",
            "callAnsweredTenantTT",
            "callHangupTenantTT",
            "callDuration",
            "equal",
            "interaction_guid",
            "year",
            "month",
            "date",
            "hours",
            "minutes",
            "seconds",
            "transaction_codes",
            "notes",
            "lastTclListName",
            "lastTclCodeDesc",
            "lastTclCodeShort",
        ]
    );
    for t in Token::ALL {
        assert_eq!(Token::from_name(t.name()), Some(t));
        assert_eq!(t.to_string(), format!("${}$", t.name()));
        assert_eq!(Token::from_name(&t.name().to_uppercase()), None);
    }
    assert_eq!(Token::from_name("calldurAtion"), None);
    assert_eq!(Token::from_name(""), None);
    assert_eq!(Token::from_name("$notes$"), None);
}

fn winter_la() -> CallContext {
    CallContext {
        caller_id: "5251990".into(),
        transaction_id: "T-1001".into(),
        interaction_guid: "int-aaaa-bbbb".into(),
        answered_at: Some(utc(2024, 1, 15, 18, 0, 0)),
        hangup_at: Some(utc(2024, 1, 15, 18, 4, 30)),
        now: utc(2024, 1, 15, 18, 5, 7),
        tenant_tz: chrono_tz::America::Los_Angeles,
        transaction_codes: vec![
            code("Sales", "WON", "Closed won"),
            code("Support", "FUP", "Follow up"),
        ],
        notes: "Customer asked for a callback".into(),
    }
}

#[test]
fn winter_in_los_angeles() {
    assert_values(
        &winter_la(),
        &[
            ("caller_id", "5251990"),
            ("transaction_id", "T-1001"),
            ("call_answered_time", "1705341600"),
            ("call_hangup_time", "1705341870"),
            ("callAnsweredTenantTT", "2024/01/15 10:00:00 -0800"),
            ("callHangupTenantTT", "2024/01/15 10:04:30 -0800"),
            ("callDuration", "00:04:30"),
            ("equal", "="),
            ("interaction_guid", "int-aaaa-bbbb"),
            ("year", "2024"),
            ("month", "01"),
            ("date", "15"),
            ("hours", "10"),
            ("minutes", "05"),
            ("seconds", "07"),
            ("transaction_codes", "Sales:WON,Support:FUP"),
            ("notes", "Customer asked for a callback"),
            ("lastTclListName", "Support"),
            ("lastTclCodeDesc", "Follow up"),
            ("lastTclCodeShort", "FUP"),
        ],
    );
}

#[test]
fn summer_in_los_angeles() {
    let ctx = CallContext {
        answered_at: Some(utc(2024, 7, 4, 19, 30, 15)),
        hangup_at: Some(utc(2024, 7, 4, 20, 15, 0)),
        now: utc(2024, 7, 4, 20, 15, 1),
        ..winter_la()
    };
    assert_values(
        &ctx,
        &[
            ("call_answered_time", "1720121415"),
            ("call_hangup_time", "1720124100"),
            ("callAnsweredTenantTT", "2024/07/04 12:30:15 -0700"),
            ("callHangupTenantTT", "2024/07/04 13:15:00 -0700"),
            ("callDuration", "00:44:45"),
            ("year", "2024"),
            ("month", "07"),
            ("date", "04"),
            ("hours", "13"),
            ("minutes", "15"),
            ("seconds", "01"),
        ],
    );
}

#[test]
fn zones_east_of_utc() {
    let ctx = CallContext {
        answered_at: Some(utc(2024, 7, 4, 19, 30, 15)),
        hangup_at: Some(utc(2024, 7, 4, 20, 15, 0)),
        now: utc(2024, 7, 4, 19, 30, 15),
        tenant_tz: chrono_tz::Asia::Kolkata,
        ..winter_la()
    };
    // 19:30:15 UTC is 01:00:15 the next day in India (+05:30).
    assert_values(
        &ctx,
        &[
            ("call_answered_time", "1720121415"),
            ("callAnsweredTenantTT", "2024/07/05 01:00:15 +0530"),
            ("callHangupTenantTT", "2024/07/05 01:45:00 +0530"),
            ("callDuration", "00:44:45"),
            ("year", "2024"),
            ("month", "07"),
            ("date", "05"),
            ("hours", "01"),
            ("minutes", "00"),
            ("seconds", "15"),
        ],
    );
    let berlin = CallContext {
        tenant_tz: chrono_tz::Europe::Berlin,
        ..ctx.clone()
    };
    assert_values(
        &berlin,
        &[
            ("callAnsweredTenantTT", "2024/07/04 21:30:15 +0200"),
            ("hours", "21"),
            ("date", "04"),
        ],
    );
    let utc_ctx = CallContext {
        tenant_tz: chrono_tz::UTC,
        ..ctx
    };
    assert_values(
        &utc_ctx,
        &[("callAnsweredTenantTT", "2024/07/04 19:30:15 +0000")],
    );
}

#[test]
fn date_boundary_between_utc_and_the_tenant_zone() {
    // 1 March 03:00 UTC is still 29 February (a leap day) in Los Angeles.
    let ctx = CallContext {
        now: utc(2024, 3, 1, 3, 0, 0),
        tenant_tz: chrono_tz::America::Los_Angeles,
        ..Default::default()
    };
    assert_eq!(
        expand("$year$-$month$-$date$ $hours$:$minutes$:$seconds$", &ctx),
        "2024-02-29 19:00:00"
    );
    // New Year: 31 December 20:00 in Los Angeles is already next year in UTC.
    let ctx = CallContext {
        now: utc(2025, 1, 1, 4, 0, 0),
        ..ctx
    };
    assert_eq!(
        expand("$year$-$month$-$date$ $hours$", &ctx),
        "2024-12-31 20"
    );
}

#[test]
fn daylight_saving_transitions() {
    // Spring forward: 2024-03-10 02:00 PST (10:00 UTC) becomes 03:00 PDT.
    let spring = CallContext {
        answered_at: Some(utc(2024, 3, 10, 9, 59, 59)),
        hangup_at: Some(utc(2024, 3, 10, 10, 0, 0)),
        now: utc(2024, 3, 10, 10, 0, 0),
        tenant_tz: chrono_tz::America::Los_Angeles,
        ..Default::default()
    };
    assert_values(
        &spring,
        &[
            ("call_answered_time", "1710064799"),
            ("call_hangup_time", "1710064800"),
            ("callAnsweredTenantTT", "2024/03/10 01:59:59 -0800"),
            ("callHangupTenantTT", "2024/03/10 03:00:00 -0700"),
            ("callDuration", "00:00:01"),
            ("hours", "03"),
        ],
    );
    // Fall back: 01:30 happens twice on 2024-11-03, an hour apart.
    let fall = CallContext {
        answered_at: Some(utc(2024, 11, 3, 8, 30, 0)),
        hangup_at: Some(utc(2024, 11, 3, 9, 30, 0)),
        now: utc(2024, 11, 3, 9, 30, 0),
        ..spring
    };
    assert_values(
        &fall,
        &[
            ("call_answered_time", "1730622600"),
            ("call_hangup_time", "1730626200"),
            ("callAnsweredTenantTT", "2024/11/03 01:30:00 -0700"),
            ("callHangupTenantTT", "2024/11/03 01:30:00 -0800"),
            ("callDuration", "01:00:00"),
            ("hours", "01"),
            ("minutes", "30"),
        ],
    );
}

#[test]
fn duration_hours_are_not_wrapped() {
    let start = utc(2024, 1, 1, 0, 0, 0);
    let ctx = |secs: i64| CallContext {
        answered_at: Some(start),
        hangup_at: Some(start + chrono::TimeDelta::seconds(secs)),
        ..Default::default()
    };
    assert_eq!(
        value(&ctx(27 * 3600 + 3 * 60 + 9), "callDuration"),
        "27:03:09"
    );
    assert_eq!(value(&ctx(24 * 3600), "callDuration"), "24:00:00");
    assert_eq!(value(&ctx(100 * 3600 + 59), "callDuration"), "100:00:59");
    assert_eq!(value(&ctx(3599), "callDuration"), "00:59:59");
    assert_eq!(value(&ctx(0), "callDuration"), "00:00:00");
    assert_eq!(value(&ctx(27 * 3600), "call_answered_time"), "1704067200");
}

#[test]
fn duration_uses_whole_seconds_of_both_times() {
    // Answered at .9 s, hung up at .1 s two seconds later: the Unix seconds
    // are 10 and 12, and the duration is their difference.
    let ctx = CallContext {
        answered_at: DateTime::from_timestamp(10, 900_000_000),
        hangup_at: DateTime::from_timestamp(12, 100_000_000),
        ..Default::default()
    };
    assert_eq!(
        expand(
            "$call_answered_time$ $call_hangup_time$ $callDuration$",
            &ctx
        ),
        "10 12 00:00:02"
    );
}

#[test]
fn not_established() {
    let empty = CallContext::default();
    assert_values(
        &empty,
        &[
            ("caller_id", ""),
            ("call_answered_time", "0"),
            ("call_hangup_time", "0"),
            ("callAnsweredTenantTT", ""),
            ("callHangupTenantTT", ""),
            ("callDuration", "00:00:00"),
            ("equal", "="),
            // Default "now" is the Unix epoch in UTC.
            ("year", "1970"),
            ("month", "01"),
            ("date", "01"),
            ("hours", "00"),
            ("minutes", "00"),
            ("seconds", "00"),
            ("transaction_codes", ""),
            ("lastTclListName", ""),
            ("lastTclCodeDesc", ""),
            ("lastTclCodeShort", ""),
        ],
    );
    assert_eq!(empty.tenant_tz, chrono_tz::UTC);

    // Answered, not yet hung up: the answer time stands, the rest is not established.
    let answered_only = CallContext {
        answered_at: Some(utc(2024, 1, 15, 18, 0, 0)),
        ..winter_la()
    };
    let answered_only = CallContext {
        hangup_at: None,
        ..answered_only
    };
    assert_values(
        &answered_only,
        &[
            ("call_answered_time", "1705341600"),
            ("call_hangup_time", "0"),
            ("callAnsweredTenantTT", "2024/01/15 10:00:00 -0800"),
            ("callHangupTenantTT", ""),
            ("callDuration", "00:00:00"),
        ],
    );

    // Never answered (an abandoned dial): no call times, even with a hang-up.
    let abandoned = CallContext {
        answered_at: None,
        hangup_at: Some(utc(2024, 1, 15, 18, 0, 30)),
        ..winter_la()
    };
    assert_values(
        &abandoned,
        &[
            ("call_answered_time", "0"),
            ("call_hangup_time", "0"),
            ("callAnsweredTenantTT", ""),
            ("callHangupTenantTT", ""),
            ("callDuration", "00:00:00"),
        ],
    );

    // A hang-up before the answer counts as no duration.
    let backwards = CallContext {
        answered_at: Some(utc(2024, 1, 15, 18, 4, 30)),
        hangup_at: Some(utc(2024, 1, 15, 18, 0, 0)),
        ..winter_la()
    };
    assert_eq!(value(&backwards, "callDuration"), "00:00:00");

    // Before 1970 the Unix seconds are negative.
    let old = CallContext {
        answered_at: Some(utc(1969, 12, 31, 23, 59, 59)),
        ..Default::default()
    };
    assert_eq!(value(&old, "call_answered_time"), "-1");
}

#[test]
fn transaction_codes() {
    let one = CallContext {
        transaction_codes: vec![code("Sales", "WON", "Closed won")],
        ..Default::default()
    };
    assert_values(
        &one,
        &[
            ("transaction_codes", "Sales:WON"),
            ("lastTclListName", "Sales"),
            ("lastTclCodeDesc", "Closed won"),
            ("lastTclCodeShort", "WON"),
        ],
    );
    let three = CallContext {
        transaction_codes: vec![
            code("Sales", "WON", "Closed won"),
            code("Support", "FUP", "Follow up"),
            code("", "", ""),
        ],
        ..Default::default()
    };
    assert_values(
        &three,
        &[
            ("transaction_codes", "Sales:WON,Support:FUP,:"),
            ("lastTclListName", ""),
            ("lastTclCodeDesc", ""),
            ("lastTclCodeShort", ""),
        ],
    );
}

/// Code lists of every size around the point where `$transaction_codes$`
/// moves off the stack, short codes empty or short, come out whole, and the
/// other values beside them too (one cache fills them all).
#[test]
fn transaction_codes_of_any_length_come_out_whole() {
    for name_len in [1, 60, 68, 69, 70, 120, 136, 137, 200] {
        for short in ["", "1", "WON"] {
            for count in 1..=3 {
                let codes: Vec<TransactionCode> = (0..count)
                    .map(|i| code(&"abc"[i..=i].repeat(name_len), short, "d"))
                    .collect();
                let want = codes
                    .iter()
                    .map(|c| format!("{}:{}", c.list_name, c.short_code))
                    .collect::<Vec<_>>()
                    .join(",");
                let ctx = CallContext {
                    transaction_codes: codes,
                    caller_id: "4165550123".to_owned(),
                    answered_at: Some(utc(2026, 11, 30, 9, 15, 7)),
                    hangup_at: Some(utc(2026, 11, 30, 9, 45, 59)),
                    ..Default::default()
                };
                let all = "$transaction_codes$|$callHangupTenantTT$|$caller_id$|$lastTclCodeShort$|$callDuration$";
                let got = expand(all, &ctx);
                let mut parts = got.split('|');
                assert_eq!(
                    parts.next(),
                    Some(want.as_str()),
                    "{name_len} {short:?} {count}"
                );
                let hangup = ctx.value(Token::CallHangupTenantTime);
                assert!(hangup.starts_with("2026"), "{hangup}");
                assert_eq!(parts.next(), Some(&*hangup));
                assert_eq!(parts.next(), Some("4165550123"));
                assert_eq!(parts.next(), Some(short));
                assert_eq!(parts.next(), Some("00:30:52"));
                assert_values(&ctx, &[("transaction_codes", &want)]);
            }
        }
    }
}

// ---- scanning ---------------------------------------------------------------

#[test]
fn vendor_examples_2_and_3_keep_the_unterminated_token() {
    let ctx = winter_la();
    let data = UserData::parse(
        "[foreign_key|12345678]\n  [Transactionid|$interaction_guid$][start_time|$call_answered_time][end_time|$call_hangup_time$]\n  [transaction_codes|$transaction_codes$][ctl_launchopt|true][customer_id|123456567]",
    )
    .expect("vendor example 2 parses");
    let expanded = data.expand(&ctx);
    assert_eq!(
        expanded.iter().collect::<Vec<_>>(),
        [
            ("foreign_key", "12345678"),
            ("Transactionid", "int-aaaa-bbbb"),
            ("start_time", "$call_answered_time"),
            ("end_time", "1705341870"),
            ("transaction_codes", "Sales:WON,Support:FUP"),
            ("ctl_launchopt", "true"),
            ("customer_id", "123456567"),
        ]
    );
}

#[test]
fn vendor_example_1_description() {
    let ctx = winter_la();
    let description = "My Own Description\ncall answered at$equal$ $call_answered_time$\ncall hangup at: $call_hangup_time$\nTransaction Codes $equal$ $transaction_codes$";
    assert_eq!(
        expand(description, &ctx),
        "My Own Description\ncall answered at= 1705341600\ncall hangup at: 1705341870\nTransaction Codes = Sales:WON,Support:FUP"
    );
    assert_eq!(expand("$year$-$month$-$date$", &ctx), "2024-01-15");
}

#[test]
fn dollar_signs_that_open_no_token() {
    let ctx = winter_la();
    assert_eq!(expand("$5 and $caller_id$", &ctx), "$5 and 5251990");
    assert_eq!(expand("$$caller_id$", &ctx), "$5251990");
    assert_eq!(expand("$caller_id$$", &ctx), "5251990$");
    assert_eq!(expand("$foo$", &ctx), "$foo$");
    assert_eq!(expand("$foo$caller_id$", &ctx), "$foo5251990");
    assert_eq!(expand("$Caller_id$", &ctx), "$Caller_id$");
    assert_eq!(expand("$ caller_id$", &ctx), "$ caller_id$");
    assert_eq!(expand("$call_answered_time", &ctx), "$call_answered_time");
    assert_eq!(expand("$", &ctx), "$");
    assert_eq!(expand("$$$", &ctx), "$$$");
    assert_eq!(expand("", &ctx), "");
    assert_eq!(expand("$equal$equal$", &ctx), "=equal$");
    assert_eq!(expand("€$equal$€", &ctx), "€=€");
    // Longer than any name between the signs.
    assert_eq!(
        expand("$callAnsweredTenantTTx$notes$", &ctx),
        "$callAnsweredTenantTTxCustomer asked for a callback"
    );
}

#[test]
fn inserted_text_is_not_expanded_again() {
    let ctx = CallContext {
        caller_id: "$notes$".into(),
        notes: "$caller_id$ and $equal$".into(),
        ..Default::default()
    };
    assert_eq!(
        expand("$caller_id$|$notes$", &ctx),
        "$notes$|$caller_id$ and $equal$"
    );
    // A value that ends with `$` does not join with the text after it.
    let ctx = CallContext {
        caller_id: "$".into(),
        ..Default::default()
    };
    assert_eq!(expand("$caller_id$notes$", &ctx), "$notes$");
}

#[test]
fn token_free_input_is_borrowed() {
    let ctx = winter_la();
    for input in [
        "",
        "plain text",
        "$5 off",
        "$foo$",
        "$call_answered_time",
        "$$",
        "[a|b]",
    ] {
        match expand(input, &ctx) {
            Cow::Borrowed(s) => assert!(std::ptr::eq(s, input)),
            Cow::Owned(s) => panic!("{input:?} allocated {s:?}"),
        }
    }
    assert!(matches!(expand("$equal$", &ctx), Cow::Owned(_)));
}

// ---- Template ---------------------------------------------------------------

#[test]
fn template_segments_and_reuse() {
    let template = Template::compile("[$caller_id$] $foo$ $equal$$equal$ $notes");
    assert_eq!(
        template.tokens().collect::<Vec<_>>(),
        [Token::CallerId, Token::Equal, Token::Equal]
    );
    let ctx = winter_la();
    assert_eq!(template.expand(&ctx), "[5251990] $foo$ == $notes");
    let other = CallContext {
        caller_id: "42".into(),
        ..Default::default()
    };
    assert_eq!(template.expand(&other), "[42] $foo$ == $notes");
    let mut out = String::from(">");
    template.expand_into(&other, &mut out);
    template.expand_into(&other, &mut out);
    assert_eq!(out, ">[42] $foo$ == $notes[42] $foo$ == $notes");
    assert_eq!(
        template.to_string(),
        "[$caller_id$] $foo$ $equal$$equal$ $notes"
    );
    assert_eq!(template, Template::compile(template.source()));
    assert_eq!(Template::compile("").expand(&ctx), "");
    assert_eq!(Template::compile("").tokens().count(), 0);
}

#[test]
fn userdata_expand_keeps_names_order_and_duplicates() {
    let data = UserData::parse("[$notes$|$notes$][a|$caller_id$][a|x%5Dy $equal$][ctl_callbackUrl|https://crm.example/cb?t=$transaction_id$]")
        .expect("parses");
    let ctx = winter_la();
    let expanded = data.expand(&ctx);
    assert_eq!(
        expanded.iter().collect::<Vec<_>>(),
        [
            ("$notes$", "Customer asked for a callback"),
            ("a", "5251990"),
            ("a", "x]y ="),
            ("ctl_callbackUrl", "https://crm.example/cb?t=T-1001"),
        ]
    );
    assert!(UserData::new().expand(&ctx).is_empty());
}

#[cfg(feature = "serde")]
#[test]
fn context_serde_round_trip() {
    let ctx = winter_la();
    let json = serde_json::to_string(&ctx).expect("serializes");
    let back: CallContext = serde_json::from_str(&json).expect("deserializes");
    assert_eq!(values(&back), values(&ctx));
    assert_eq!(back.tenant_tz, chrono_tz::America::Los_Angeles);
    let token: Token =
        serde_json::from_str(&serde_json::to_string(&Token::CallDuration).expect("ser"))
            .expect("de");
    assert_eq!(token, Token::CallDuration);
}

// ---- properties -------------------------------------------------------------

/// The obvious expander: walk the text a character at a time; at a `$`, try
/// every `$name$`.
fn reference(input: &str, ctx: &CallContext) -> String {
    let mut out = String::new();
    let mut rest = input;
    'walk: while let Some(c) = rest.chars().next() {
        if c == '$' {
            for t in Token::ALL {
                let written = format!("${}$", t.name());
                if let Some(after) = rest.strip_prefix(written.as_str()) {
                    out.push_str(&ctx.value(t));
                    rest = after;
                    continue 'walk;
                }
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Text mixing token names, `$` signs, near misses and arbitrary characters.
fn text() -> impl Strategy<Value = String> {
    let names: Vec<&'static str> = Token::ALL.iter().map(|t| t.name()).collect();
    let piece = prop_oneof![
        3 => Just("$".to_string()),
        3 => proptest::sample::select(names).prop_map(str::to_string),
        1 => proptest::sample::select(vec!["Caller_id", "foo", "callDuratio", "notes_", "5", "$$"])
            .prop_map(str::to_string),
        2 => "[a-z_ \\]\\[|%]{0,3}",
        1 => "\\PC{0,2}",
    ];
    proptest::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

fn zone() -> impl Strategy<Value = Tz> {
    proptest::sample::select(vec![
        chrono_tz::UTC,
        chrono_tz::America::Los_Angeles,
        chrono_tz::America::St_Johns,
        chrono_tz::Asia::Kolkata,
        chrono_tz::Asia::Kathmandu,
        chrono_tz::Europe::Berlin,
        chrono_tz::Australia::Lord_Howe,
        chrono_tz::Pacific::Kiritimati,
        chrono_tz::Pacific::Pago_Pago,
    ])
}

fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    // 1800 to 2200, to cross historical offsets as well as today's.
    (-5_364_662_400i64..7_258_118_400i64, 0u32..1_000_000_000)
        .prop_map(|(s, ns)| DateTime::from_timestamp(s, ns).unwrap_or_default())
}

/// Data a caller or an agent controls, with everything that could confuse
/// the `[name|value]` grammar or the scanner.
fn hostile() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        proptest::sample::select(vec![
            "]",
            "[",
            "|",
            "%5D",
            "%5d",
            "%7C",
            "%25",
            "%",
            "$caller_id$",
            "$notes$",
            "$",
            "][ctl_action|create][x|",
            "\n",
            " ",
        ])
        .prop_map(str::to_string),
        "\\PC{0,4}",
    ];
    proptest::collection::vec(piece, 0..6).prop_map(|v| v.concat())
}

fn context() -> impl Strategy<Value = CallContext> {
    let codes = proptest::collection::vec(
        (hostile(), hostile(), hostile()).prop_map(|(list_name, short_code, description)| {
            TransactionCode {
                list_name,
                short_code,
                description,
            }
        }),
        0..3,
    );
    (
        (hostile(), hostile(), hostile(), hostile()),
        (
            proptest::option::of(instant()),
            proptest::option::of(instant()),
            instant(),
            zone(),
        ),
        codes,
    )
        .prop_map(
            |(
                (caller_id, transaction_id, interaction_guid, notes),
                (answered_at, hangup_at, now, tenant_tz),
                transaction_codes,
            )| {
                CallContext {
                    caller_id,
                    transaction_id,
                    interaction_guid,
                    answered_at,
                    hangup_at,
                    now,
                    tenant_tz,
                    transaction_codes,
                    notes,
                }
            },
        )
}

proptest! {
    #[test]
    fn expand_agrees_with_the_reference(input in text(), ctx in context()) {
        prop_assert_eq!(expand(&input, &ctx), reference(&input, &ctx));
    }

    #[test]
    fn template_agrees_with_expand(input in text(), ctx in context()) {
        let template = Template::compile(&input);
        let expanded = expand(&input, &ctx);
        prop_assert_eq!(&template.expand(&ctx), &expanded);
        let mut out = String::from("prefix");
        template.expand_into(&ctx, &mut out);
        prop_assert_eq!(out, format!("prefix{expanded}"));
        // No token: nothing allocated, and the template agrees.
        prop_assert_eq!(
            template.tokens().next().is_none(),
            matches!(expanded, Cow::Borrowed(_))
        );
        prop_assert_eq!(template.source(), input.as_str());
    }

    #[test]
    fn time_values_agree_with_chrono_formatting(at in instant(), now in instant(), tz in zone()) {
        let ctx = CallContext { answered_at: Some(at), now, tenant_tz: tz, ..Default::default() };
        let local = at.with_timezone(&tz);
        prop_assert_eq!(
            value(&ctx, "callAnsweredTenantTT"),
            local.format("%Y/%m/%d %H:%M:%S %z").to_string()
        );
        prop_assert_eq!(value(&ctx, "call_answered_time"), at.timestamp().to_string());
        let local_now = now.with_timezone(&tz);
        prop_assert_eq!(
            expand("$year$ $month$ $date$ $hours$ $minutes$ $seconds$", &ctx),
            local_now.format("%Y %m %d %H %M %S").to_string()
        );
    }

    #[test]
    fn duration_is_hangup_minus_answer(a in instant(), h in instant()) {
        let ctx = CallContext { answered_at: Some(a), hangup_at: Some(h), ..Default::default() };
        let secs = (h.timestamp() - a.timestamp()).max(0);
        let want = format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60);
        prop_assert_eq!(value(&ctx, "callDuration"), want);
    }

    #[test]
    fn expansion_cannot_inject_pairs(
        pairs in proptest::collection::vec(("[a-zA-Z_$|\\]\\[% ]{1,8}|ctl_callbackUrl|notes", text()), 0..6),
        ctx in context(),
    ) {
        let mut data = UserData::new();
        for (name, value) in &pairs {
            data.push(name.as_str(), value.as_str()).expect("non-empty name");
        }
        let expanded = data.expand(&ctx);
        let text = expanded.to_string();
        let reparsed = UserData::parse(&text).expect("serialized expanded data parses");
        prop_assert_eq!(reparsed.len(), pairs.len());
        for ((got_name, got_value), (name, value)) in reparsed.iter().zip(&pairs) {
            prop_assert_eq!(got_name, name.as_str());
            let want = expand(value, &ctx);
            prop_assert_eq!(got_value, want.as_ref());
        }
        prop_assert_eq!(&reparsed, &expanded);
    }
}

/// `TokenValues::expand` replaces tokens with the cached values and leaves
/// the rest as written.
#[test]
fn token_values_expand_replaces_tokens() {
    let ctx = CallContext {
        caller_id: "5251990".into(),
        transaction_id: "8312345".into(),
        ..Default::default()
    };
    let mut values = TokenValues::new(&ctx);
    assert_eq!(
        values.expand("from $caller_id$ ($transaction_id$), $5 off"),
        "from 5251990 (8312345), $5 off"
    );
    assert_eq!(values.expand("$caller_id$"), "5251990");
    assert!(matches!(values.expand("plain"), Cow::Borrowed("plain")));
    assert_eq!(values.expand(""), "");
}

/// A leap second is written `60`, as chrono's `%S` writes it, in every
/// token that shows seconds.
#[test]
fn a_leap_second_is_sixty() {
    let leap = chrono::NaiveDate::from_ymd_opt(2016, 12, 31)
        .unwrap()
        .and_hms_nano_opt(23, 59, 59, 1_500_000_000)
        .unwrap()
        .and_utc();
    let ctx = CallContext {
        now: leap,
        answered_at: Some(leap),
        tenant_tz: chrono_tz::UTC,
        ..Default::default()
    };
    assert_eq!(expand("$hours$:$minutes$:$seconds$", &ctx), "23:59:60");
    assert_eq!(
        expand("$callAnsweredTenantTT$", &ctx),
        leap.format("%Y/%m/%d %H:%M:%S %z").to_string()
    );
    assert!(expand("$callAnsweredTenantTT$", &ctx).ends_with("23:59:60 +0000"));
    let mut values = TokenValues::new(&ctx);
    assert_eq!(values.get(Token::Seconds), "60");
    assert_eq!(values.context().answered_at, Some(leap));
}
