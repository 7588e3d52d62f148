//! A compiled link renders a call without allocating once its buffers have
//! grown (the benches' counting allocator, `tests/common/workloads.rs`). One test in
//! this binary, so that no other test allocates while it counts.

#[path = "common/workloads.rs"]
mod common;

use clicktodial::{
    CallBuffers, ClickToDialRequest, CompiledLink, CreateOutcome, Screenpop, TransactionCode,
};
use common::{context, count_allocs, EXAMPLE_1_URL};

#[test]
fn rendering_with_warm_buffers_does_not_allocate() {
    let req = ClickToDialRequest::from_url(EXAMPLE_1_URL.trim()).unwrap();
    let link = CompiledLink::from_request(&req);
    let ctx = context();
    let agent = Screenpop {
        agent_id: "agent042".into(),
        password: "s3cret".into(),
        ..Screenpop::default()
    };
    let outcomes = [
        CreateOutcome::Created("00T5e00000AbCdE".into()),
        CreateOutcome::Failed("REQUIRED_FIELD_MISSING: Subject".into()),
        CreateOutcome::NotRun,
    ];
    let mut out = CallBuffers::new();
    for outcome in &outcomes {
        link.render_into(&ctx, outcome, &agent, &mut out);
    }
    let (allocs, bytes) = count_allocs(50, || {
        for outcome in &outcomes {
            link.render_into(&ctx, outcome, &agent, &mut out);
        }
    });
    assert_eq!((allocs, bytes), (0.0, 0.0));
    assert!(out.callback_form().contains("resultCode=FAIL"));

    // The whole compiled call as the `call` bench times it: the outcome's
    // record id, `render_into` warm buffers, and the REST path (the target
    // is 3 at most).
    let (allocs, _) = count_allocs(50, || {
        let outcome = CreateOutcome::Created("00T5e00000AbCdE".into());
        link.render_into(&ctx, &outcome, &agent, &mut out);
        out.sfdc_path("v59.0")
    });
    assert_eq!(allocs, 2.0, "the record id and the path");

    // A context with one transaction code of these lengths.
    let with_code = |list: usize, short: usize| clicktodial::CallContext {
        transaction_codes: vec![TransactionCode {
            list_name: "L".repeat(list),
            short_code: "S".repeat(short),
            description: String::new(),
        }],
        ..context()
    };
    // Allocations a call costs once warm.
    let mut warm = |ctx: &clicktodial::CallContext| {
        link.render_into(ctx, &outcomes[0], &agent, &mut out);
        count_allocs(50, || link.render_into(ctx, &outcomes[0], &agent, &mut out)).0
    };
    // A `$transaction_codes$` too long for the token cache's inline room
    // costs one allocation a call, and only where the link uses it.
    let long = with_code(200, 1);
    assert_eq!(warm(&long), 1.0);
    // Codes that fill the cache's room exactly (138 bytes as written, with
    // the separators, as `render_into` documents) still cost nothing.
    assert_eq!(warm(&with_code(120, 16)), 0.0);

    // Fresh buffers are sized once from the values' lengths: the first
    // call allocates as many times whether a value is short or long.
    let link = CompiledLink::new(
        &clicktodial::UserData::parse("[subject|$notes$ / $notes$ / $notes$][n|$notes$]").unwrap(),
    );
    let first_call = |notes: &str| {
        let ctx = clicktodial::CallContext {
            notes: notes.into(),
            ..context()
        };
        count_allocs(4, || {
            let mut out = CallBuffers::new();
            link.render_into(&ctx, &outcomes[2], &agent, &mut out);
            out
        })
    };
    // A template expanded into an empty `String` sizes it once; a long
    // `$transaction_codes$` used twice is formatted (allocated) once.
    let template = clicktodial::Template::compile(
        "$notes$ $transaction_codes$ then $transaction_codes$ at $hours$:$minutes$",
    );
    let (allocs, _) = count_allocs(4, || {
        let mut text = String::new();
        template.expand_into(&long, &mut text);
        text
    });
    assert_eq!(allocs, 2.0, "the codes, then the output");
    // Sized exactly: the literal text and the values, no more.
    let template = clicktodial::Template::compile("abc $hours$ and then: $minutes$ xyz");
    let mut text = String::new();
    template.expand_into(&long, &mut text);
    let (allocs, bytes) = count_allocs(4, || {
        let mut text = String::new();
        template.expand_into(&long, &mut text);
        text
    });
    assert_eq!((allocs, bytes), (1.0, text.len() as f64));
    // Literal text is in that one reservation too: a literal after a
    // token's value costs no more allocations than none.
    let fresh = |text: &str| {
        let link = CompiledLink::new(&clicktodial::UserData::parse(text).unwrap());
        count_allocs(4, || {
            let mut out = CallBuffers::new();
            link.render_into(&context(), &outcomes[2], &agent, &mut out);
            out
        })
        .0
    };
    assert_eq!(fresh("[subject|$notes$]"), fresh("[subject|$notes$.]"));
    let (short, _) = first_call("hi");
    let (long, long_bytes) = first_call(&"n".repeat(100_000));
    assert_eq!(short, long);
    assert!(long_bytes >= 400_000.0);
}
