//! `CompiledLink` writes the same bytes as the step-by-step path
//! (`UserData::expand` → `ActionPlan::sfdc_create` → `SfdcCreate::to_json`;
//! `ActionPlan::finish` → `Callback::to_form`; `Screenpop::to_form` of the
//! finished data), on random links and contexts and on every fuzz corpus
//! input.

use crate::checks;

use std::fs;
use std::path::Path;

use arbitrary::{Arbitrary, Unstructured};
use chrono::{DateTime, Utc};
use clicktodial::{
    ActionPlan, CallBuffers, CallContext, ClickToDialRequest, CompiledLink, CreateOutcome,
    ResultCode, Screenpop, TransactionCode, UserData,
};
use proptest::prelude::*;

/// What the step-by-step path gives for one call.
#[derive(Debug, PartialEq, Eq)]
struct Bodies {
    values: Vec<String>,
    ctl_userdata: String,
    sobject: Option<String>,
    sfdc_json: Option<String>,
    sfdc_path: Option<String>,
    screenpop: String,
    callback: String,
    result_code: ResultCode,
}

fn old_path(
    data: &UserData<'_>,
    ctx: &CallContext,
    outcome: &CreateOutcome,
    agent: &Screenpop,
) -> Bodies {
    let plan = ActionPlan::new(data);
    let expanded = data.expand(ctx);
    let create = plan.sfdc_create(&expanded);
    let values = expanded.iter().map(|(_, v)| v.to_owned()).collect();
    let done = plan.finish(expanded, outcome.clone());
    let screenpop = Screenpop {
        ctl_userdata: done.ctl_userdata.to_string(),
        ..agent.clone()
    };
    Bodies {
        values,
        ctl_userdata: done.ctl_userdata.to_string(),
        sobject: create.as_ref().map(|c| c.sobject.clone()),
        sfdc_json: create.as_ref().map(|c| c.to_json()),
        sfdc_path: create.as_ref().map(|c| c.path("v59.0")),
        screenpop: screenpop.to_form(),
        callback: done.to_form(),
        result_code: done.result_code,
    }
}

fn compiled_path(out: &CallBuffers) -> Bodies {
    Bodies {
        values: out.values().map(str::to_owned).collect(),
        ctl_userdata: out.ctl_userdata().to_owned(),
        sobject: out.sobject().map(str::to_owned),
        sfdc_json: out.sfdc_json().map(str::to_owned),
        sfdc_path: out.sfdc_path("v59.0"),
        screenpop: out.screenpop_form().to_owned(),
        callback: out.callback_form().to_owned(),
        result_code: out.result_code(),
    }
}

/// Checks one link against several calls, rendering each twice into one
/// reused `CallBuffers` (after a different call) and once into new buffers.
fn check(data: &UserData<'_>, calls: &[(CallContext, CreateOutcome, Screenpop)]) {
    let link = CompiledLink::new(data);
    assert_eq!(link.plan(), &ActionPlan::new(data));
    assert_eq!(link.len(), data.len());
    let mut reused = CallBuffers::new();
    for round in 0..2 {
        for (ctx, outcome, agent) in calls {
            let want = old_path(data, ctx, outcome, agent);
            link.render_into(ctx, outcome, agent, &mut reused);
            assert_eq!(compiled_path(&reused), want, "round {round}, data {data}");
            if round == 0 {
                let fresh = link.render(ctx, outcome, agent);
                assert_eq!(compiled_path(&fresh), want);
            }
        }
    }
}

fn outcomes(text: &str) -> [CreateOutcome; 3] {
    [
        CreateOutcome::NotRun,
        CreateOutcome::Created(text.to_owned()),
        CreateOutcome::Failed(text.to_owned()),
    ]
}

// ---- random links and contexts ---------------------------------------------

/// Text with what every encoder must handle: the grammar's and the forms'
/// specials, JSON escapes, tokens (known, unknown, unterminated), non-ASCII.
fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("".to_owned()),
        Just("$caller_id$".to_owned()),
        Just("$notes$".to_owned()),
        Just("$transaction_codes$".to_owned()),
        Just("$callAnsweredTenantTT$".to_owned()),
        Just("$callDuration$".to_owned()),
        Just("$year$-$month$-$date$".to_owned()),
        Just("$lastTclCodeDesc$".to_owned()),
        Just("$equal$".to_owned()),
        Just("$foo$".to_owned()),
        Just("$".to_owned()),
        Just("$$notes$".to_owned()),
        Just("$call_answered_time".to_owned()),
        Just("]".to_owned()),
        Just("[".to_owned()),
        Just("|".to_owned()),
        Just("%5D".to_owned()),
        Just("%25".to_owned()),
        Just("50%".to_owned()),
        Just("&=+ ?#".to_owned()),
        Just("\"\\\n\t\u{1}\u{1f}".to_owned()),
        Just("\u{2028}é😀".to_owned()),
        Just("Task".to_owned()),
        "[a-zA-Z0-9 ]{0,12}",
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..4).prop_map(|v| v.concat())
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("ctl_action".to_owned()),
        Just("CTL_Action".to_owned()),
        Just("ctl_intType".to_owned()),
        Just("ObjectType".to_owned()),
        Just("objecttype".to_owned()),
        Just("ctl_launchopt".to_owned()),
        Just("ctl_launchext".to_owned()),
        Just("ctl_callbackUrl".to_owned()),
        Just("ctl_newRecordId".to_owned()),
        Just("CTL_NEWRECORDID".to_owned()),
        Just("ctl_parentid".to_owned()),
        Just("Subject".to_owned()),
        Just("Description".to_owned()),
        Just("a]b|c%7C".to_owned()),
        "[a-zA-Z_]{1,8}",
        any::<String>().prop_filter("a name is not empty", |s| !s.is_empty()),
    ]
}

fn value_for(name: &str) -> BoxedStrategy<String> {
    match name.to_ascii_lowercase().as_str() {
        "ctl_action" => {
            prop_oneof![Just("create".to_owned()), Just("Create".to_owned()), text()].boxed()
        }
        "ctl_inttype" => {
            prop_oneof![Just("sfdc".to_owned()), Just("SFDC".to_owned()), text()].boxed()
        }
        "ctl_launchopt" => prop_oneof![Just("true".to_owned()), text()].boxed(),
        "ctl_launchext" => prop_oneof![Just("edit".to_owned()), text()].boxed(),
        "ctl_callbackurl" => prop_oneof![
            Just("https://crm.example.com/cb?t=$transaction_id$".to_owned()),
            text()
        ]
        .boxed(),
        _ => text().boxed(),
    }
}

fn pairs() -> impl Strategy<Value = Vec<(String, String)>> {
    let pair = name().prop_flat_map(|n| (Just(n.clone()), value_for(&n)));
    // Half the links ask for a create, so the Salesforce JSON is reached.
    (any::<bool>(), prop::collection::vec(pair, 0..10)).prop_map(|(create, mut pairs)| {
        if create {
            pairs.insert(0, ("ctl_intType".into(), "sfdc".into()));
            pairs.insert(0, ("ctl_action".into(), "create".into()));
        }
        pairs
    })
}

fn time() -> impl Strategy<Value = Option<DateTime<Utc>>> {
    prop::option::of(
        (-4_000_000_000i64..20_000_000_000)
            .prop_map(|s| DateTime::from_timestamp(s, 0).unwrap_or_default()),
    )
}

fn context() -> impl Strategy<Value = CallContext> {
    let codes = prop::collection::vec((text(), text(), text()), 0..3);
    (
        (text(), text(), text(), text()),
        (time(), time(), time()),
        0..chrono_tz::TZ_VARIANTS.len(),
        codes,
        // One code list long enough that `$transaction_codes$` allocates.
        any::<bool>(),
    )
        .prop_map(
            |(
                (caller_id, transaction_id, interaction_guid, notes),
                (a, h, now),
                zone,
                codes,
                long,
            )| {
                let mut transaction_codes: Vec<TransactionCode> = codes
                    .into_iter()
                    .map(|(list_name, short_code, description)| TransactionCode {
                        list_name,
                        short_code,
                        description,
                    })
                    .collect();
                if long {
                    transaction_codes.push(TransactionCode {
                        list_name: "L".repeat(150),
                        short_code: "S".into(),
                        description: "D".into(),
                    });
                }
                CallContext {
                    caller_id,
                    transaction_id,
                    interaction_guid,
                    answered_at: a,
                    hangup_at: h,
                    now: now.unwrap_or_default(),
                    tenant_tz: chrono_tz::TZ_VARIANTS[zone],
                    transaction_codes,
                    notes,
                }
            },
        )
}

fn outcome() -> impl Strategy<Value = CreateOutcome> {
    prop_oneof![
        Just(CreateOutcome::NotRun),
        text().prop_map(CreateOutcome::Created),
        text().prop_map(CreateOutcome::Failed),
    ]
}

fn agent() -> impl Strategy<Value = Screenpop> {
    (text(), text(), text(), text(), text(), text()).prop_map(
        |(ctl_userdata, agent_id, username, password, account, role)| Screenpop {
            ctl_userdata,
            agent_id,
            username,
            password,
            account,
            role,
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn compiled_link_writes_the_same_bytes(
        pairs in pairs(),
        calls in prop::collection::vec((context(), outcome(), agent()), 1..4),
    ) {
        let data: UserData<'_> = pairs.into_iter().collect();
        check(&data, &calls);
    }

    #[test]
    fn parsed_links_write_the_same_bytes(text in text(), ctx in context(), outcome in outcome()) {
        let (data, _) = UserData::parse_lenient(&text);
        check(&data, &[(ctx, outcome, Screenpop::default())]);
    }
}

// ---- fixed cases -------------------------------------------------------------

#[test]
fn vendor_example_1() {
    let url = include_str!("../data/vendor/example1.url").trim();
    let req = ClickToDialRequest::from_url(url).unwrap();
    let data = req.userdata.clone().unwrap();
    let link = CompiledLink::from_request(&req);
    assert_eq!(link.plan(), &ActionPlan::new(&data));
    let agent = Screenpop {
        agent_id: "agent042".into(),
        username: "agent042".into(),
        password: "s3cret".into(),
        account: "acme".into(),
        role: "agent".into(),
        ..Screenpop::default()
    };
    let calls: Vec<_> = outcomes("00T5e00000AbCdE")
        .into_iter()
        .map(|o| (checks::rich_context(), o, agent.clone()))
        .collect();
    check(&data, &calls);
    let mut out = link.render(&checks::rich_context(), &calls[1].1, &agent);
    assert_eq!(out.sobject(), Some("Task"));
    assert_eq!(out.result_code(), ResultCode::Success);
    // Expanding into buffers a call was rendered into empties its bodies.
    assert!(!out.ctl_userdata().is_empty() && !out.callback_form().is_empty());
    link.expand_into(&checks::rich_context(), &mut out);
    assert_eq!(out.values().count(), data.len());
    assert_eq!(
        (out.ctl_userdata(), out.sfdc_json(), out.sobject()),
        ("", None, None)
    );
    assert_eq!((out.screenpop_form(), out.callback_form()), ("", ""));
    assert_eq!(out.result_code(), CallBuffers::new().result_code());
}

#[test]
fn no_userdata_is_an_empty_link() {
    let req =
        ClickToDialRequest::from_url("https://x.8x8.com/make_call.php?phone=5551234").unwrap();
    let link = CompiledLink::from_request(&req);
    assert!(link.is_empty() && link.plan().is_empty());
    assert_eq!(link.len(), 0);
    // One pair, even an empty-valued one, is a link that is not empty.
    let one = CompiledLink::new(&UserData::parse("[a|]").unwrap());
    assert!(!one.is_empty());
    assert_eq!(one.len(), 1);
    check(
        &UserData::new(),
        &[(
            CallContext::default(),
            CreateOutcome::NotRun,
            Screenpop::default(),
        )],
    );
}

#[test]
fn record_id_rules_follow_the_plan() {
    let data = UserData::parse(
        "[ctl_newRecordId|forged][ctl_action|create][ctl_intType|sfdc][ObjectType|Task]\
         [CTL_NEWRECORDID|$notes$]",
    )
    .unwrap();
    let calls: Vec<_> = outcomes("00T1")
        .into_iter()
        .map(|o| (checks::rich_context(), o, Screenpop::default()))
        .collect();
    check(&data, &calls);
    // Without a create the plan ignores the outcome.
    let data = UserData::parse("[ctl_newRecordId|forged][x|$notes$]").unwrap();
    check(&data, &calls);
}

#[test]
fn object_type_expanding_to_empty_has_no_create() {
    let data = UserData::parse(
        "[ctl_action|create][ctl_intType|sfdc][ObjectType|Task][ObjectType|$notes$]",
    )
    .unwrap();
    let empty = CallContext::default();
    let link = CompiledLink::new(&data);
    let out = link.render(&empty, &CreateOutcome::NotRun, &Screenpop::default());
    assert_eq!(out.sfdc_json(), None);
    assert_eq!(out.sobject(), None);
    assert_eq!(out.sfdc_path("v59.0"), None);
    check(
        &data,
        &[
            (empty, CreateOutcome::NotRun, Screenpop::default()),
            (
                checks::rich_context(),
                CreateOutcome::NotRun,
                Screenpop::default(),
            ),
        ],
    );
}

// ---- the fuzz corpus -----------------------------------------------------------

/// A call decoded from fuzz bytes with `arbitrary`.
#[derive(Debug, Arbitrary)]
struct ArbitraryCall {
    create: bool,
    pairs: Vec<(String, String)>,
    caller_id: String,
    notes: String,
    codes: Vec<(String, String, String)>,
    answered_at: Option<i32>,
    hangup_at: Option<i32>,
    now: i32,
    zone: u16,
    outcome: u8,
    outcome_text: String,
    agent: (String, String, String),
}

fn secs(s: i32) -> DateTime<Utc> {
    DateTime::from_timestamp(i64::from(s) * 7, 0).unwrap_or_default()
}

/// Every file of every `tests/fuzz/corpus/<target>/`, read several ways: as a
/// `ctl_userdata` text (leniently), as a request URL, as one value of a link
/// that creates, launches and calls back (with the `expand` target's
/// context lines), and decoded with `arbitrary` into a link and a call.
#[test]
fn every_fuzz_corpus_input_agrees() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz/corpus");
    let mut files = 0;
    for dir in fs::read_dir(&root).unwrap() {
        for file in fs::read_dir(dir.unwrap().path()).unwrap() {
            let path = file.unwrap().path();
            if path.file_name().unwrap().to_str().unwrap().starts_with('.') {
                continue;
            }
            let bytes = fs::read(&path).unwrap();
            replay(&bytes);
            files += 1;
        }
    }
    assert!(files >= 30, "found {files} corpus files");
}

fn replay(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let agent = Screenpop {
        agent_id: text.lines().next().unwrap_or("").to_owned(),
        password: "p&w d".into(),
        ..Screenpop::default()
    };
    let calls: Vec<_> = outcomes(&text)
        .into_iter()
        .map(|o| (checks::rich_context(), o, agent.clone()))
        .collect();

    // The text as ctl_userdata, and as a request.
    let (data, _) = UserData::parse_lenient(&text);
    check(&data, &calls);
    if let Ok(req) = ClickToDialRequest::from_url(&text) {
        if let Some(data) = &req.userdata {
            check(data, &calls);
        }
    }

    // The first line as a value of a full link; the other lines as the
    // `expand` target reads them (the same reader).
    let mut lines = text.split('\n');
    let value = lines.next().unwrap_or("");
    let ctx = checks::context_from_lines(lines);
    let mut data = UserData::parse(
        "[ctl_action|create][ctl_intType|sfdc][ObjectType|Task][ctl_launchopt|true]\
         [ctl_callbackUrl|https://crm.example.com/cb?t=$transaction_id$]",
    )
    .unwrap();
    data.push("Description", value.to_owned()).unwrap();
    data.push("ObjectType", value.to_owned()).unwrap();
    data.push("ctl_newRecordId", value.to_owned()).unwrap();
    let calls: Vec<_> = outcomes(value)
        .into_iter()
        .map(|o| (ctx.clone(), o, agent.clone()))
        .collect();
    check(&data, &calls);

    // The bytes as an arbitrary link and call.
    if let Ok(call) = ArbitraryCall::arbitrary_take_rest(Unstructured::new(bytes)) {
        let mut data = UserData::new();
        if call.create {
            data.push("ctl_action", "create").unwrap();
            data.push("ctl_intType", "sfdc").unwrap();
            data.push("ObjectType", "Task").unwrap();
        }
        for (n, v) in &call.pairs {
            let _ = data.push(n.clone(), v.clone());
        }
        let ctx = CallContext {
            caller_id: call.caller_id.clone(),
            notes: call.notes.clone(),
            transaction_codes: call
                .codes
                .iter()
                .map(|(l, s, d)| TransactionCode {
                    list_name: l.clone(),
                    short_code: s.clone(),
                    description: d.clone(),
                })
                .collect(),
            answered_at: call.answered_at.map(secs),
            hangup_at: call.hangup_at.map(secs),
            now: secs(call.now),
            tenant_tz: chrono_tz::TZ_VARIANTS
                [usize::from(call.zone) % chrono_tz::TZ_VARIANTS.len()],
            ..checks::rich_context()
        };
        let outcome = outcomes(&call.outcome_text)
            .into_iter()
            .nth(usize::from(call.outcome % 3))
            .unwrap();
        let agent = Screenpop {
            agent_id: call.agent.0.clone(),
            username: call.agent.1.clone(),
            password: call.agent.2.clone(),
            ..Screenpop::default()
        };
        check(&data, &[(ctx, outcome, agent)]);
    }
}

#[test]
fn a_large_link_compiles_and_agrees() {
    // Distinct names and duplicates, a token in some values: compiling is
    // linear in the pairs (a quadratic field lookup once made this slow).
    let mut data =
        UserData::parse("[ctl_action|create][ctl_intType|sfdc][ObjectType|Task]").unwrap();
    for i in 0..5000 {
        let name = format!("Field_{}", i % 4000);
        let value = if i % 3 == 0 {
            format!("v{i} $caller_id$")
        } else {
            format!("v{i}")
        };
        data.push(name, value).unwrap();
    }
    let calls = [(
        checks::rich_context(),
        CreateOutcome::Created("00T1".into()),
        Screenpop::default(),
    )];
    check(&data, &calls);
    let out = CompiledLink::new(&data).render(&calls[0].0, &calls[0].1, &calls[0].2);
    assert_eq!(out.sfdc_json().unwrap().matches("\"Field_").count(), 4000);
}

/// Under `http`, the compiled call's requests are the step-by-step path's
/// `to_http` requests: method, URI, headers and body.
#[cfg(feature = "http")]
#[test]
fn http_requests_match_the_step_by_step_path() {
    use clicktodial::url::Url;
    use clicktodial::CallbackPolicy;

    let url = include_str!("../data/vendor/example1.url").trim();
    let req = ClickToDialRequest::from_url(url).unwrap();
    let mut data = req.userdata.clone().unwrap();
    data.push(
        "ctl_callbackUrl",
        "https://crm.example.com/cb?t=$transaction_id$&n=$notes$",
    )
    .unwrap();
    let link = CompiledLink::new(&data);
    let ctx = checks::rich_context();
    let agent = Screenpop {
        agent_id: "agent042".into(),
        password: "s3cret".into(),
        ..Screenpop::default()
    };
    let outcome = CreateOutcome::Created("00T5e00000AbCdE".into());
    let out = link.render(&ctx, &outcome, &agent);

    let plan = ActionPlan::new(&data);
    let expanded = data.expand(&ctx);
    let create = plan.sfdc_create(&expanded).unwrap();
    let done = plan.finish(expanded, outcome);
    let pop = Screenpop {
        ctl_userdata: done.ctl_userdata.to_string(),
        ..agent
    };
    let same = |a: &clicktodial::http::Request<Vec<u8>>,
                b: &clicktodial::http::Request<Vec<u8>>| {
        assert_eq!(a.method(), b.method());
        assert_eq!(a.uri(), b.uri());
        assert_eq!(a.headers(), b.headers());
        assert_eq!(a.body(), b.body());
    };
    let instance = Url::parse("https://acme.my.salesforce.com").unwrap();
    same(
        &out.sfdc_request(&instance, "v59.0", "tok")
            .unwrap()
            .unwrap(),
        &create.to_http(&instance, "v59.0", "tok").unwrap(),
    );
    assert!(out
        .sfdc_request(&instance, "v59.0", "bad\ntoken")
        .unwrap()
        .is_err());
    let pop_url = Url::parse("https://crm.example.com/pop").unwrap();
    same(&out.screenpop_request(&pop_url), &pop.to_http(&pop_url));
    let cb_url = link
        .callback_url(&ctx, &CallbackPolicy::default())
        .unwrap()
        .unwrap();
    assert_eq!(
        Some(cb_url.clone()),
        plan.callback(&ctx, &CallbackPolicy::default())
            .unwrap()
            .ok()
    );
    same(&out.callback_request(&cb_url), &done.to_http(&cb_url));
}
