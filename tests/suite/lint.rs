//! The linter: every kind on a minimal case, none on a clean link, and the
//! vendor's Examples 2 and 3 show their unterminated `$call_answered_time`.

use clicktodial::{ClickToDialRequest, LintKind, UserData};

const CLEAN: &str = "https://vcc-na4.8x8.com/AGUI/make_call.php?prefix=1&phone=6502928880\
    &ctl_userdata=[ctl_action|create][ctl_intType|sfdc][ObjectType|Task][WhatId|001A000001XyZab]\
    [subject|Call%20$transaction_id$][price|$5%20and%2050%25][ctl_launchopt|true][ctl_launchext|edit]\
    [ctl_callbackUrl|https://crm.example.com/cb?t=$transaction_id$][ActivityDate|$year$-$month$-$date$]\
    &extTransactionData=[extRecordId|001A000001XyZab][extRecordType|Account]";

fn kinds(query_userdata: &str) -> Vec<LintKind> {
    let req = ClickToDialRequest::from_query(&format!("phone=1&ctl_userdata={query_userdata}"))
        .expect("the request parses");
    req.lint().into_iter().map(|l| l.kind).collect()
}

#[test]
fn a_clean_link_has_no_lint() {
    let req = ClickToDialRequest::from_url(CLEAN).unwrap();
    assert_eq!(req.lint(), []);
}

#[test]
fn each_kind_on_a_minimal_case() {
    use LintKind::*;
    let cases: &[(&str, LintKind, &str)] = &[
        (
            "[t|$call_answered_time]",
            UnterminatedToken,
            "write `$call_answered_time$`",
        ),
        ("[t|$foo$]", UnknownToken, "`$foo$` is not a known token"),
        (
            "[t|$Caller_ID$]",
            UnknownToken,
            "did you mean `$caller_id$`?",
        ),
        (
            "[WhatId|{!Account.Id}]",
            UnexpandedMergeField,
            "`{!Account.Id}`",
        ),
        (
            "[ctl_action|create]",
            ActionWithoutIntegration,
            "add `[ctl_intType|sfdc]`",
        ),
        (
            "[ctl_launchext|edit]",
            LaunchExtWithoutLaunch,
            "add `[ctl_launchopt|true]`",
        ),
        ("[ctl_newRecordId|00T1]", TenantSetNewRecordId, "remove it"),
        (
            "[ctl_callbackUrl|http://crm.example.com/cb]",
            InsecureCallbackUrl,
            "use https",
        ),
        (
            "[ctl_launchopts|true]",
            UnknownSystemName,
            "did you mean `ctl_launchopt`?",
        ),
        (
            "[ctl_zzzzzzzzzz|1]",
            UnknownSystemName,
            "never reach the CRM",
        ),
        ("[a|1][a|2]", DuplicateName, "`a` is given 2 times"),
        // A name given twice after other names; user data names match
        // exactly (`Note` is not `note`), system names in any case.
        (
            "[a|1][b|1][Note|1][note|2][b|2][b|3]",
            DuplicateName,
            "`b` is given 3 times",
        ),
        (
            "[ctl_launchopt|true][CTL_LAUNCHOPT|true]",
            DuplicateName,
            "given 2 times",
        ),
        (
            "[ctl_action|create][ctl_intType|sfdc]",
            CreateWithoutObjectType,
            "[ObjectType|Task]",
        ),
        (
            "[ctl_action|create][ctl_intType|sfdc][ObjectType|]",
            CreateWithoutObjectType,
            "[ObjectType|Task]",
        ),
        (
            "[ctl_launchopt|yes]",
            InvalidSystemValue,
            "takes `true` or `false`",
        ),
    ];
    for (data, kind, says) in cases {
        let req = ClickToDialRequest::from_query(&format!("phone=1&ctl_userdata={data}")).unwrap();
        let lints = req.lint();
        assert_eq!(lints.len(), 1, "{data}: {lints:?}");
        assert_eq!(lints[0].kind, *kind, "{data}");
        assert!(
            lints[0].message.contains(says),
            "{data}: {}",
            lints[0].message
        );
        assert!(!lints[0].message.contains('\n'));
    }
}

#[test]
fn token_lints_follow_the_expander() {
    // A lone `$` before a number is money, not a token.
    assert_eq!(kinds("[t|$5 and $caller_id$]"), []);
    // `$$caller_id$`: the first `$` is literal, then a real token.
    assert_eq!(kinds("[t|$$caller_id$]"), []);
    // `$foo$caller_id$`: an unknown token, then a real one.
    assert_eq!(kinds("[t|$foo$caller_id$]"), [LintKind::UnknownToken]);
    // Two unterminated tokens in one value are two lints.
    assert_eq!(
        kinds("[t|$year-$month]"),
        [LintKind::UnterminatedToken, LintKind::UnterminatedToken]
    );
}

#[test]
fn vendor_examples_2_and_3_show_their_unterminated_token() {
    for file in [
        include_str!("../data/vendor/example2.url"),
        include_str!("../data/vendor/example3.url"),
    ] {
        let req = ClickToDialRequest::from_url(file).unwrap();
        let lints = req.lint();
        let unterminated: Vec<_> = lints
            .iter()
            .filter(|l| l.kind == LintKind::UnterminatedToken)
            .collect();
        assert_eq!(unterminated.len(), 1, "{lints:?}");
        assert!(unterminated[0].message.contains("`start_time`"));
        assert!(unterminated[0].message.contains("$call_answered_time"));
    }
    // Example 3 also calls back over plain http.
    let req = ClickToDialRequest::from_url(include_str!("../data/vendor/example3.url")).unwrap();
    assert!(req
        .lint()
        .iter()
        .any(|l| l.kind == LintKind::InsecureCallbackUrl));
}

#[test]
fn vendor_example_1_is_clean() {
    let req = ClickToDialRequest::from_url(include_str!("../data/vendor/example1.url")).unwrap();
    assert_eq!(req.lint(), []);
}

#[test]
fn merge_fields_in_ext_data_and_parameters() {
    let req = ClickToDialRequest::from_query(
        "phone=1&extTransactionData=[extRecordId|{!Id}]&utm={!Campaign.Name}",
    )
    .unwrap();
    let lints = req.lint();
    assert_eq!(lints.len(), 2);
    assert!(lints
        .iter()
        .all(|l| l.kind == LintKind::UnexpandedMergeField));
    assert!(lints[1].message.contains("parameter `utm`"));
}

#[test]
fn merge_fields_in_a_hand_built_request() {
    let mut req = ClickToDialRequest::new("{!Account.Phone}");
    req.caller_id = Some("{!$User.Extension}".into());
    let lints = req.lint();
    assert_eq!(lints.len(), 2, "{lints:?}");
    assert!(lints[0].message.contains("parameter `phone`"));
    assert!(lints[0].message.contains("`{!Account.Phone}`"));
    assert!(lints[1].message.contains("parameter `callerId`"));
    assert!(ClickToDialRequest::new("6502928880").lint().is_empty());
}

#[test]
fn callback_url_credentials_are_not_shown() {
    let data = UserData::parse("[ctl_callbackUrl|http://user:s3cret@crm.example.com/cb]").unwrap();
    let lints = data.lint();
    assert_eq!(lints[0].kind, LintKind::InsecureCallbackUrl);
    assert!(!lints[0].message.contains("s3cret"));
    assert!(lints[0].message.contains("crm.example.com/cb"));
    // Text that is no URL at all is not shown when it could hold user info.
    for odd in [
        "http://user:s3cret@[crm.example.com/cb",
        "http://user:s3cret@crm.example.com:99999/cb",
    ] {
        let text = format!("[ctl_callbackUrl|{odd}]");
        let lints = UserData::parse(&text).unwrap().lint();
        assert_eq!(lints[0].kind, LintKind::InsecureCallbackUrl);
        assert!(!lints[0].message.contains("s3cret"), "{}", lints[0].message);
        assert!(
            lints[0].message.contains("not shown"),
            "{}",
            lints[0].message
        );
    }
}

#[test]
fn lint_is_linear_in_pairs() {
    // 100 000 distinct pairs and 100 000 duplicates: one pass with a map.
    let many: String = (0..100_000).map(|i| format!("[f{i}|v]")).collect();
    assert!(UserData::parse(&many).unwrap().lint().is_empty());
    let dup = "[a|1]".repeat(100_000);
    let lints = UserData::parse(&dup).unwrap().lint();
    assert_eq!(lints.len(), 1);
    assert!(lints[0].message.contains("100000 times"));
}
