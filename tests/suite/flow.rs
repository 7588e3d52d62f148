//! One whole call per vendor example: request → plan → expand → SFDC create,
//! screenpop and callback bodies, with the result code rules.

use chrono::{TimeZone, Utc};
use clicktodial::{
    ActionPlan, CallContext, Callback, CallbackPolicy, ClickToDialRequest, CreateOutcome,
    CreateRecord, Integration, LaunchMode, RequestErrorKind, ResultCode, Screenpop,
    ScreenpopLaunch, TransactionCode, UserData,
};
use url::form_urlencoded;

fn ctx() -> CallContext {
    CallContext {
        caller_id: "5251990".into(),
        transaction_id: "8312345".into(),
        interaction_guid: "int-guid-1".into(),
        // 2024-01-15 17:04:05 UTC = 09:04:05 PST (-0800).
        answered_at: Utc.with_ymd_and_hms(2024, 1, 15, 17, 4, 5).single(),
        hangup_at: Utc.with_ymd_and_hms(2024, 1, 15, 17, 11, 36).single(),
        // 07:30 UTC on the 16th is still the 15th in Los Angeles.
        now: Utc.with_ymd_and_hms(2024, 1, 16, 7, 30, 0).unwrap(),
        tenant_tz: chrono_tz::America::Los_Angeles,
        transaction_codes: vec![TransactionCode {
            list_name: "Sales".into(),
            short_code: "FU".into(),
            description: "Follow-up".into(),
        }],
        notes: "ring back ] [x|y] $caller_id$".into(),
    }
}

fn request(file: &str) -> ClickToDialRequest {
    ClickToDialRequest::from_url(file).unwrap()
}

fn decode_form(body: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(body.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

#[test]
fn example_1_creates_a_task_and_opens_it_for_editing() {
    let req = request(include_str!("../data/vendor/example1.url"));
    let data = req.userdata.unwrap();
    let plan = ActionPlan::new(&data);
    assert_eq!(
        plan.create,
        Some(CreateRecord {
            integration: Integration::Sfdc,
            object_type: Some("Task".into())
        })
    );
    assert_eq!(
        plan.screenpop,
        Some(ScreenpopLaunch {
            mode: LaunchMode::Edit,
            parent_id: Some("001A000001XyZab".into()),
            record_name: None
        })
    );
    assert_eq!(plan.callback_url, None);

    let expanded = data.expand(&ctx());
    let create = plan.sfdc_create(&expanded).unwrap();
    assert_eq!(create.sobject, "Task");
    assert_eq!(create.path("59.0"), "/services/data/v59.0/sobjects/Task/");
    let json: serde_json::Value = serde_json::from_str(&create.to_json()).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "subject": "outbound call log (8312345)",
            "Transactionid__c": "int-guid-1",
            "WhatId": "001A000001XyZab",
            "status": "completed",
            "Description": "My Own Description\ncall answered at= 1705338245\n\
                            call hangup at: 1705338696\nTransaction Codes = Sales:FU",
            "ActivityDate": "2024-01-15",
        })
    );

    let done = plan.finish(expanded, CreateOutcome::Created("00T1".into()));
    assert_eq!(done.result_code, ResultCode::Success);
    assert_eq!(done.new_record_id(), Some("00T1"));
    assert_eq!(
        done.ctl_userdata.iter().last(),
        Some(("ctl_newRecordId", "00T1"))
    );

    let pop = Screenpop {
        agent_id: "agent42".into(),
        username: "jdoe".into(),
        password: "pw&=1".into(),
        account: "acct".into(),
        role: "sfdc".into(),
        ..Screenpop::for_userdata(&done.ctl_userdata)
    };
    let fields = decode_form(&pop.to_form());
    let names: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "CtlUserData",
            "AgentID",
            "Username",
            "extLogin",
            "Password",
            "extPwd",
            "Account",
            "Role",
            "Command",
            "cmd"
        ]
    );
    assert_eq!(fields[4].1, "pw&=1");
    assert_eq!(fields[8].1, "launch");
    // The screenpop's CtlUserData is the expanded data with the new id.
    assert_eq!(UserData::parse(&fields[0].1).unwrap(), done.ctl_userdata);
}

#[test]
fn example_2_launches_the_screenpop_and_ignores_no_action() {
    let req = request(include_str!("../data/vendor/example2.url"));
    let data = req.userdata.unwrap();
    let plan = ActionPlan::new(&data);
    assert_eq!(plan.create, None);
    assert_eq!(plan.ignored, None);
    assert_eq!(plan.screenpop.as_ref().unwrap().mode, LaunchMode::ReadOnly);
    let expanded = data.expand(&ctx());
    assert_eq!(plan.sfdc_create(&expanded), None);
    // The unterminated token stays as written; the closed ones expand.
    assert_eq!(expanded.get("start_time"), Some("$call_answered_time"));
    assert_eq!(expanded.get("end_time"), Some("1705338696"));
    assert_eq!(expanded.get("transaction_codes"), Some("Sales:FU"));
    let done = plan.finish(expanded, CreateOutcome::NotRun);
    assert_eq!(done.result_code, ResultCode::Ignore);
    assert_eq!(done.new_record_id(), None);
}

#[test]
fn example_3_posts_the_callback_to_the_expanded_url() {
    let req = request(include_str!("../data/vendor/example3.url"));
    let data = req.userdata.unwrap();
    let plan = ActionPlan::new(&data);
    assert!(plan.create.is_none() && plan.screenpop.is_none());
    let url = plan
        .callback(&ctx(), &CallbackPolicy::default())
        .unwrap()
        .unwrap();
    assert_eq!(
        url.as_str(),
        "http://www.mycompany.com/clicktodial/callback?transaction=8312345"
    );
    // A policy that requires https refuses the vendor's plain-http URL.
    let strict = CallbackPolicy {
        require_https: true,
        ..CallbackPolicy::default()
    };
    let err = plan.callback(&ctx(), &strict).unwrap().unwrap_err();
    assert_eq!(err.kind(), &RequestErrorKind::CallbackNotHttps);

    let done = plan.finish(data.expand(&ctx()), CreateOutcome::NotRun);
    let body = done.to_form();
    let fields = decode_form(&body);
    assert_eq!(fields[1], ("resultCode".into(), "IGNORE".into()));
    // The CRM side reads it back.
    let received = Callback::from_form(&body).unwrap();
    assert_eq!(received, done);
    assert_eq!(
        received.ctl_userdata.get("Transactionid"),
        Some("int-guid-1")
    );
}

#[test]
fn agent_notes_cannot_inject_pairs_through_the_whole_flow() {
    let data =
        UserData::parse("[ctl_action|create][ctl_intType|sfdc][ObjectType|Task][note|$notes$]")
            .unwrap();
    let plan = ActionPlan::new(&data);
    let done = plan.finish(data.expand(&ctx()), CreateOutcome::Created("00T9".into()));
    let received = Callback::from_form(&done.to_form()).unwrap();
    assert_eq!(received.ctl_userdata.len(), 5);
    assert_eq!(
        received.ctl_userdata.get("note"),
        Some("ring back ] [x|y] $caller_id$")
    );
    assert_eq!(received.ctl_userdata.get("x"), None);
    assert_eq!(received.new_record_id(), Some("00T9"));
}

#[test]
fn result_code_rules() {
    let cases = [
        ("[subject|x]", CreateOutcome::NotRun, ResultCode::Ignore, ""),
        (
            "[ctl_action|create]",
            CreateOutcome::Created("1".into()),
            ResultCode::Ignore,
            "",
        ),
        (
            "[ctl_action|create][ctl_intType|zendesk]",
            CreateOutcome::NotRun,
            ResultCode::Ignore,
            "",
        ),
        (
            "[ctl_action|delete][ctl_intType|sfdc]",
            CreateOutcome::NotRun,
            ResultCode::Ignore,
            "",
        ),
        (
            "[ctl_action|create][ctl_intType|sfdc][ObjectType|Task]",
            CreateOutcome::Created("1".into()),
            ResultCode::Success,
            "",
        ),
        (
            "[ctl_action|create][ctl_intType|sfdc][ObjectType|Task]",
            CreateOutcome::Failed("REQUIRED_FIELD_MISSING".into()),
            ResultCode::Fail,
            "REQUIRED_FIELD_MISSING",
        ),
        (
            "[ctl_action|create][ctl_intType|sfdc]",
            CreateOutcome::NotRun,
            ResultCode::Fail,
            "the create action was not run",
        ),
    ];
    for (text, outcome, code, error) in cases {
        let data = UserData::parse(text).unwrap();
        let plan = ActionPlan::new(&data);
        assert_eq!(plan.result_code(&outcome), code, "{text}");
        let done = plan.finish(data, outcome);
        assert_eq!(
            (done.result_code, done.error_string.as_str()),
            (code, error),
            "{text}"
        );
        assert_eq!(
            done.new_record_id().is_some(),
            code == ResultCode::Success,
            "{text}"
        );
    }
    // A planned create with no (or an empty) ObjectType has nothing to send.
    for text in [
        "[ctl_action|create][ctl_intType|sfdc]",
        "[ctl_action|create][ctl_intType|SFDC][ObjectType|]",
    ] {
        let data = UserData::parse(text).unwrap();
        let plan = ActionPlan::new(&data);
        assert!(plan.create.is_some(), "{text}");
        assert_eq!(plan.create.as_ref().unwrap().object_type, None, "{text}");
        assert_eq!(plan.sfdc_create(&data), None, "{text}");
    }

    // The tenant's ctl_newRecordId is replaced by the system's.
    let data = UserData::parse(
        "[ctl_action|create][ctl_intType|sfdc][ObjectType|Task][CTL_NEWRECORDID|fake]",
    )
    .unwrap();
    let done = ActionPlan::new(&data).finish(data, CreateOutcome::Created("real".into()));
    assert_eq!(done.new_record_id(), Some("real"));
    assert_eq!(done.ctl_userdata.len(), 4);
}

/// A plan is empty exactly when it asks for nothing: no create, no
/// screenpop, no callback.
#[test]
fn plan_is_empty_only_when_it_asks_for_nothing() {
    for text in [
        "",
        "[subject|hi]",
        "[ctl_action|create]",
        "[ctl_launchopt|false]",
    ] {
        let plan = ActionPlan::new(&UserData::parse(text).unwrap());
        assert!(plan.is_empty(), "{text}: {plan:?}");
    }
    for text in [
        "[ctl_action|create][ctl_intType|sfdc][ObjectType|Task]",
        "[ctl_launchopt|true]",
        "[ctl_callbackUrl|https://crm.example.com/cb]",
    ] {
        let plan = ActionPlan::new(&UserData::parse(text).unwrap());
        assert!(!plan.is_empty(), "{text}: {plan:?}");
    }
}
