//! The `[name|value]` grammar and the typed system data: the table of cases
//! in `tests/data/grammar_cases.json`, the vendor's Example 1, and property
//! tests for the invariants the grammar's docs state.

use std::borrow::Cow;

use clicktodial::{
    Action, ExtTransactionData, Integration, LaunchMode, ParseErrorKind, SystemData, UserData,
};
use proptest::prelude::*;
use serde_json::Value;

fn pairs_of(data: &UserData<'_>) -> Vec<(String, String)> {
    data.iter()
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect()
}

fn json_pairs(v: &Value) -> Vec<(String, String)> {
    v.as_array()
        .expect("pairs")
        .iter()
        .map(|p| {
            (
                p[0].as_str().expect("name").to_owned(),
                p[1].as_str().expect("value").to_owned(),
            )
        })
        .collect()
}

/// The name a case file uses for a kind (by name, not by `Debug` text, so a
/// change of `Debug` output does not change what the cases mean).
fn kind_name(kind: &ParseErrorKind) -> &'static str {
    match kind {
        ParseErrorKind::UnterminatedPair => "UnterminatedPair",
        ParseErrorKind::MissingSeparator => "MissingSeparator",
        ParseErrorKind::EmptyName => "EmptyName",
        ParseErrorKind::TextBetweenPairs => "TextBetweenPairs",
        other => panic!("not a grammar error: {other}"),
    }
}

#[test]
fn table_of_cases() {
    let cases: Vec<Value> =
        serde_json::from_str(include_str!("../data/grammar_cases.json")).expect("valid JSON");
    assert!(cases.len() > 30);
    for case in &cases {
        let input = case["input"].as_str().expect("input");
        let why = case["why"].as_str().expect("every case says why");
        assert!(!why.is_empty(), "{input:?}: empty why");
        let strict = UserData::parse(input);
        let (lenient, diags) = UserData::parse_lenient(input);
        if let Some(pairs) = case.get("pairs") {
            let data = strict.unwrap_or_else(|e| panic!("{input:?} should parse, got {e}"));
            assert_eq!(pairs_of(&data), json_pairs(pairs), "{input:?}");
            assert_eq!(lenient, data, "lenient differs on {input:?}");
            assert!(diags.is_empty(), "{input:?}: {diags:?}");
        } else {
            let err = strict.expect_err(input);
            assert_eq!(
                kind_name(err.kind()),
                case["error"].as_str().unwrap(),
                "{input:?}"
            );
            assert_eq!(
                err.offset() as u64,
                case["offset"].as_u64().unwrap(),
                "{input:?}"
            );
            assert_eq!(
                pairs_of(&lenient),
                json_pairs(&case["lenient"]),
                "{input:?}"
            );
            let spans: Vec<(u64, u64)> = diags
                .iter()
                .map(|d| (d.span().start as u64, d.span().end as u64))
                .collect();
            let expected: Vec<(u64, u64)> = case["spans"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| (s[0].as_u64().unwrap(), s[1].as_u64().unwrap()))
                .collect();
            assert_eq!(spans, expected, "{input:?}");
            // The first diagnostic is the strict error.
            assert_eq!(diags[0].kind(), err.kind(), "{input:?}");
        }
    }
}

#[test]
fn error_messages_say_what_and_where() {
    let err = UserData::parse("[a|1][b").unwrap_err();
    assert_eq!(
        err.to_string(),
        "unterminated pair: no closing `]` at byte 5"
    );
    let err = UserData::parse("[a]").unwrap_err();
    assert_eq!(
        err.to_string(),
        "missing `|` between name and value at byte 2"
    );
    let (_, diags) = UserData::parse_lenient("[a|1]xx");
    assert_eq!(
        diags[0].to_string(),
        "text between pairs (expected `[`) at bytes 5..7 (skipped)"
    );
}

const EXAMPLE1: &str = include_str!("../data/vendor/example1_userdata.txt");

#[test]
fn vendor_example_1_with_line_breaks() {
    let data = UserData::parse(EXAMPLE1).unwrap();
    let names: Vec<&str> = data.iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "ctl_action",
            "subject",
            "Transactionid__c",
            "ObjectType",
            "WhatId",
            "status",
            "Description",
            "ctl_parentid",
            "ctl_launchopt",
            "ctl_launchext",
            "ctl_intType",
            "ActivityDate"
        ]
    );
    assert_eq!(
        data.get("subject"),
        Some("outbound call log ($transaction_id$)")
    );
    assert_eq!(
        data.get("Description"),
        Some(
            "My Own Description\ncall answered at$equal$ $call_answered_time$\n\
             call hangup at: $call_hangup_time$\nTransaction Codes $equal$ $transaction_codes$"
        )
    );
    assert_eq!(data.get("ActivityDate"), Some("$year$-$month$-$date$"));
    assert_eq!(data.user_fields().count(), 7);

    let system = SystemData::from_userdata(&data).unwrap();
    assert_eq!(
        system,
        SystemData {
            action: Some(Action::Create),
            integration: Some(Integration::Sfdc),
            launch: true,
            launch_mode: LaunchMode::Edit,
            parent_id: Some("001A000001XyZab".into()),
            ..SystemData::default()
        }
    );
    assert_eq!(data.system(), system);
}

#[test]
fn parsing_borrows_when_nothing_is_decoded() {
    let input = String::from("[subject|Call $caller_id$][note|50% off][esc|a%5Db]");
    let data = UserData::parse(&input).unwrap();
    let cows: Vec<_> = data.cow_pairs().collect();
    assert!(matches!(cows[0].0, Cow::Borrowed("subject")));
    assert!(matches!(cows[0].1, Cow::Borrowed("Call $caller_id$")));
    // A `%` that starts no escape is literal text: still borrowed.
    assert!(matches!(cows[1].1, Cow::Borrowed("50% off")));
    // Decoding an escape has to copy.
    assert!(matches!(cows[2].1, Cow::Owned(ref s) if s == "a]b"));
    // Borrowed means pointing into the input.
    let Cow::Borrowed(s) = cows[0].1 else {
        unreachable!()
    };
    let range = input.as_bytes().as_ptr_range();
    assert!(range.contains(&s.as_ptr()));
}

/// `str::parse` gives data that owns its text (`UserData<'static>`), with
/// the pairs and the errors of `UserData::parse`.
#[test]
fn from_str_owns_the_parsed_pairs() {
    let owned: UserData<'static> = {
        let text = String::from("[ctl_action|create][subject|a%5Db]");
        text.parse().unwrap()
    };
    assert_eq!(
        pairs_of(&owned),
        [("ctl_action", "create"), ("subject", "a]b")].map(|(n, v)| (n.into(), v.into()))
    );
    let err = "[a|1][b".parse::<UserData<'static>>().unwrap_err();
    assert_eq!(err, UserData::parse("[a|1][b").unwrap_err());
}

#[test]
fn lookups_later_pair_wins_order_and_duplicates_kept() {
    let data = UserData::parse("[a|1][b|2][a|3]").unwrap();
    assert_eq!(data.get("a"), Some("3"));
    assert_eq!(data.len(), 3);
    assert_eq!(data.to_string(), "[a|1][b|2][a|3]");
    assert_eq!(data.get("A"), None);
}

#[test]
fn display_is_minimal_and_canonical() {
    // Canonical text without white space comes out byte for byte.
    for text in [
        "[a|x|y[z]",
        "[n|50% off][m|%%7]",
        "[ctl_action|create][subject|$caller_id$]",
    ] {
        assert_eq!(UserData::parse(text).unwrap().to_string(), text);
    }
    // Needless escapes and white space go away.
    let data = UserData::parse(" [a|%7C%5B]\n[b|%5D] ").unwrap();
    assert_eq!(data.to_string(), "[a||[][b|%5D]");
    let mut data = UserData::new();
    data.push("we|ird]", "50%25 and ]").unwrap();
    assert_eq!(data.to_string(), "[we%7Cird%5D|50%2525 and %5D]");
}

#[test]
fn push_refuses_an_empty_name() {
    let mut data = UserData::new();
    let err = data.push("", "x").unwrap_err();
    assert_eq!(err.kind(), &ParseErrorKind::EmptyName);
    assert!(data.is_empty());
}

#[test]
fn system_names_in_any_case_and_unknown_kept_apart() {
    let data = UserData::parse(
        "[CTL_ACTION|CREATE][Ctl_IntType|SFDC][ctl_LAUNCHOPT|TRUE][ctl_launchEXT|Edit]\
         [ctl_NewRecordId|x][CTL_callbackurl|https://example.com/cb][ctl_RecordName|Win]\
         [ctl_colour|blue][Ctl_Colour|red][subject|s][ctlnot|user]",
    )
    .unwrap();
    let system = SystemData::from_userdata(&data).unwrap();
    assert_eq!(system.action, Some(Action::Create));
    assert_eq!(system.integration, Some(Integration::Sfdc));
    assert!(system.launch);
    assert_eq!(system.launch_mode, LaunchMode::Edit);
    assert_eq!(system.new_record_id.as_deref(), Some("x"));
    assert_eq!(
        system.callback_url.as_deref(),
        Some("https://example.com/cb")
    );
    assert_eq!(system.record_name.as_deref(), Some("Win"));
    assert_eq!(
        system.unknown,
        [
            ("ctl_colour".to_string(), "blue".to_string()),
            ("Ctl_Colour".to_string(), "red".to_string())
        ]
    );
    let user: Vec<_> = data.user_fields().collect();
    assert_eq!(user, [("subject", "s"), ("ctlnot", "user")]);
}

#[test]
fn other_actions_and_integrations_are_typed_data() {
    let system = UserData::parse("[ctl_action|delete][ctl_intType|zendesk][ctl_launchext|view]")
        .unwrap()
        .system();
    assert_eq!(system.action, Some(Action::Other("delete".into())));
    assert_eq!(
        system.integration,
        Some(Integration::Other("zendesk".into()))
    );
    assert_eq!(system.launch_mode, LaunchMode::ReadOnly);
    assert!(!system.launch);
}

#[test]
fn launchopt_strict_and_lenient() {
    let data = UserData::parse("[x|1][ctl_launchopt|yes]").unwrap();
    let err = SystemData::from_userdata(&data).unwrap_err();
    assert_eq!(err.offset(), 5);
    assert!(
        matches!(err.kind(), ParseErrorKind::InvalidSystemValue { name, .. } if name == "ctl_launchopt")
    );
    let (system, diags) = SystemData::from_userdata_lenient(&data);
    assert!(!system.launch);
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].span(), 5..24);
    assert!(!data.system().launch);

    // The later pair gives the value; strict checks every one.
    let data = UserData::parse("[ctl_launchopt|yes][ctl_launchopt|TRUE]").unwrap();
    assert_eq!(SystemData::from_userdata(&data).unwrap_err().offset(), 0);
    let (system, diags) = SystemData::from_userdata_lenient(&data);
    assert!(system.launch);
    assert_eq!(diags.len(), 1);
    let data = UserData::parse("[ctl_launchopt|true][ctl_launchopt|bogus]").unwrap();
    assert_eq!(SystemData::from_userdata(&data).unwrap_err().offset(), 20);
    assert!(!data.system().launch);
    let data = UserData::parse("[ctl_launchopt|false][ctl_launchopt|TRUE]").unwrap();
    assert!(SystemData::from_userdata(&data).unwrap().launch);
}

#[test]
fn ext_transaction_data() {
    let ext = ExtTransactionData::parse("[extRecordId|500A][extRecordType|Case]").unwrap();
    assert_eq!(ext.record_id(), Some("500A"));
    assert_eq!(ext.record_type(), Some("Case"));
    assert_eq!(ext.to_string(), "[extRecordId|500A][extRecordType|Case]");
    let err = ExtTransactionData::parse("[extRecordId]").unwrap_err();
    assert_eq!(err.kind(), &ParseErrorKind::MissingSeparator);
    assert_eq!(ExtTransactionData::parse("").unwrap().record_id(), None);
}

/// Adversarial inputs are one linear pass: recovery never rescans, so each
/// of these yields exactly one diagnostic, however long it is.
#[test]
fn adversarial_inputs_recover_in_one_step() {
    // 2^18: long enough that a quadratic rescan would not finish and that
    // one stack frame per pair would overflow a test thread's 2 MiB stack,
    // short enough to run in a fraction of a second unoptimized (this test
    // runs once per mutant under `cargo mutants`).
    let n = 1 << 18;
    for (input, kind) in [
        ("[".repeat(n), ParseErrorKind::UnterminatedPair),
        ("[a|".repeat(n / 3), ParseErrorKind::UnterminatedPair),
        ("]".repeat(n), ParseErrorKind::TextBetweenPairs),
        ("%5D".repeat(n / 3), ParseErrorKind::TextBetweenPairs),
        ("$".repeat(n), ParseErrorKind::TextBetweenPairs),
    ] {
        let (data, diags) = UserData::parse_lenient(&input);
        assert!(data.is_empty());
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].kind(), &kind);
        assert_eq!(diags[0].span(), 0..input.len());
    }
    // A quarter of a million pairs: no recursion, no stack to run out of.
    let many = "[a|b]".repeat(n);
    assert_eq!(UserData::parse(&many).unwrap().len(), n);
    // Skipped stretches with no pair between them are one diagnostic.
    let missing = "[a]".repeat(n);
    let (_, diags) = UserData::parse_lenient(&missing);
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].span(), 0..missing.len());
}

fn text() -> impl Strategy<Value = String> {
    // Mostly the characters that matter, plus any character at all.
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(vec!['[', ']', '|', '%', '5', 'B', 'D', 'd', '7', 'C', 'c', '2', '$', ' ', '\n', 'a']),
            1 => any::<char>(),
        ],
        0..12,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

fn userdata() -> impl Strategy<Value = UserData<'static>> {
    prop::collection::vec(
        (text().prop_filter("non-empty", |s| !s.is_empty()), text()),
        0..8,
    )
    .prop_map(|pairs| pairs.into_iter().collect())
}

proptest! {
    #[test]
    fn display_then_parse_round_trips(data in userdata()) {
        let text = data.to_string();
        let back = UserData::parse(&text).map_err(|e| TestCaseError::fail(format!("{text:?}: {e}")))?;
        prop_assert_eq!(&back, &data);
        // The canonical form is a fixed point.
        prop_assert_eq!(back.to_string(), text);
    }

    #[test]
    fn lenient_agrees_with_strict(input in text().prop_flat_map(|a| (Just(a), text())).prop_map(|(a, b)| a + &b)) {
        let (lenient, diags) = UserData::parse_lenient(&input);
        match UserData::parse(&input) {
            Ok(strict) => {
                prop_assert_eq!(&lenient, &strict);
                prop_assert!(diags.is_empty());
            }
            Err(e) => {
                prop_assert!(!diags.is_empty());
                prop_assert_eq!(diags[0].kind(), e.kind());
                prop_assert!(e.offset() <= input.len());
            }
        }
        // Spans are in order, inside the input, on character boundaries.
        let mut last = 0;
        for d in &diags {
            let span = d.span();
            prop_assert!(last <= span.start && span.start < span.end && span.end <= input.len());
            prop_assert!(input.is_char_boundary(span.start) && input.is_char_boundary(span.end));
            last = span.end;
        }
    }

    #[test]
    fn lenient_keeps_every_good_pair_around_garbage(
        good in userdata(),
        junk in "[^\\[]{1,6}",
    ) {
        // Garbage between well-formed pairs costs only the garbage.
        let mut input = String::new();
        for (name, value) in good.iter() {
            let mut one = UserData::new();
            one.push(name, value).unwrap();
            input.push_str(&one.to_string());
            input.push_str(&junk);
        }
        let (data, diags) = UserData::parse_lenient(&input);
        prop_assert_eq!(&data, &good);
        let junk_is_space = junk.bytes().all(|b| b.is_ascii_whitespace());
        prop_assert_eq!(diags.len(), if junk_is_space { 0 } else { good.len() });
    }

    #[test]
    fn system_view_never_fails_and_strict_agrees(data in userdata()) {
        let (lenient, diags) = SystemData::from_userdata_lenient(&data);
        match SystemData::from_userdata(&data) {
            Ok(strict) => { prop_assert_eq!(strict, lenient); prop_assert!(diags.is_empty()); }
            Err(e) => {
                prop_assert!(!diags.is_empty());
                prop_assert_eq!(diags[0].kind(), e.kind());
            }
        }
    }
}

/// Equality compares names and values, in order, and nothing else: two
/// different sequences are never equal (so every `assert_eq!` on two
/// `UserData`s in these tests means something).
#[test]
fn equality_compares_every_pair() {
    let a = UserData::parse("[a|1][b|2]").unwrap();
    assert_eq!(a, UserData::parse(" [a|1]\n[b|2] ").unwrap());
    for other in [
        "[a|1][b|3]",
        "[a|1][c|2]",
        "[b|2][a|1]",
        "[a|1]",
        "[a|1][b|2][b|2]",
        "",
    ] {
        assert_ne!(a, UserData::parse(other).unwrap(), "{other}");
    }
    // Where a pair came from does not matter.
    let mut pushed = UserData::new();
    pushed.push("a", "1").unwrap();
    pushed.push("b", "2").unwrap();
    assert_eq!(a, pushed);
}

#[test]
fn collecting_pairs_keeps_them_in_order_and_drops_empty_names() {
    let data: UserData<'_> = [("a", "1"), ("", "dropped"), ("b", "2"), ("a", "3")]
        .into_iter()
        .collect();
    assert_eq!(
        data.iter().collect::<Vec<_>>(),
        [("a", "1"), ("b", "2"), ("a", "3")]
    );
    assert_eq!(data.len(), 3);
    let none: UserData<'_> = std::iter::empty::<(&str, &str)>().collect();
    assert!(none.is_empty());
}

#[test]
fn is_empty_says_whether_there_is_a_pair() {
    assert!(UserData::new().is_empty());
    assert!(UserData::parse(" \n").unwrap().is_empty());
    assert!(!UserData::parse("[a|]").unwrap().is_empty());
    let mut data = UserData::new();
    data.push("x", "").unwrap();
    assert!(!data.is_empty());
}

/// A pair's span runs from its `[` to just past its `]`, wherever it stands
/// (the system data's diagnostic shows it).
#[test]
fn a_pair_in_the_middle_has_its_own_span() {
    let input = "[a|1] [ctl_launchopt|x]\n[b|2]";
    let data = UserData::parse(input).unwrap();
    let (_, diags) = SystemData::from_userdata_lenient(&data);
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].span(), 6..23);
    assert_eq!(&input[diags[0].span()], "[ctl_launchopt|x]");
    let err = SystemData::from_userdata(&data).unwrap_err();
    assert_eq!(err.position(), Some(6));
}

/// Errors with no place in any text say so, and show no offset.
#[test]
fn errors_without_a_place_show_none() {
    let mut data = UserData::new();
    let err = data.push("", "x").unwrap_err();
    assert_eq!(
        (err.kind(), err.position()),
        (&ParseErrorKind::EmptyName, None)
    );
    assert_eq!(err.to_string(), "empty name");

    data.push("ctl_launchopt", "maybe").unwrap();
    let err = SystemData::from_userdata(&data).unwrap_err();
    assert_eq!(err.position(), None);
    assert_eq!(err.offset(), 0);
    assert!(!err.to_string().contains("byte"), "{err}");
    // The lenient reading keeps its documented empty span.
    assert_eq!(SystemData::from_userdata_lenient(&data).1[0].span(), 0..0);

    let err = "ok".parse::<clicktodial::ResultCode>().unwrap_err();
    assert_eq!(err.position(), None);
    assert!(!err.to_string().contains("byte"), "{err}");

    // Grammar errors always have one.
    let err = UserData::parse("[a|1][b").unwrap_err();
    assert_eq!(err.position(), Some(5));
    assert_eq!(err.kind().domain(), clicktodial::ErrorDomain::Grammar);
}
