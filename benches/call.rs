//! One whole call on the vendor's Example 1: request → plan → expand →
//! SFDC create, screenpop and callback bodies; and each step on its own.
//! See BENCHMARKS.md for what each row measures.

mod common;

use std::hint::black_box;

use clicktodial::{
    ActionPlan, CallContext, ClickToDialRequest, CreateOutcome, Screenpop, UserData,
};
use common::*;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

/// What one call produces: the SFDC REST path and JSON body, the screenpop
/// form body and the callback form body.
#[derive(Debug, PartialEq, Eq)]
struct Bodies {
    sfdc_path: String,
    sfdc_json: String,
    screenpop: String,
    callback: String,
}

fn screenpop_for(expanded: &UserData<'_>) -> Screenpop {
    Screenpop {
        agent_id: "agent042".into(),
        username: "agent042".into(),
        password: "s3cret".into(),
        account: "acme".into(),
        role: "agent".into(),
        ..Screenpop::for_userdata(expanded)
    }
}

/// The whole call, from the request URL to the three bodies.
fn whole_call(url: &str, ctx: &CallContext) -> Bodies {
    let req = ClickToDialRequest::from_url(url).expect("Example 1 is valid");
    let data = req.userdata.as_ref().expect("Example 1 has ctl_userdata");
    let plan = ActionPlan::new(data);
    let expanded = data.expand(ctx);
    let create = plan
        .sfdc_create(&expanded)
        .expect("Example 1 creates a Task");
    let screenpop = screenpop_for(&expanded).to_form();
    let callback = plan
        .finish(expanded, CreateOutcome::Created("00T5e00000AbCdE".into()))
        .to_form();
    Bodies {
        sfdc_path: create.path("v59.0"),
        sfdc_json: create.to_json(),
        screenpop,
        callback,
    }
}

fn call(c: &mut Criterion) {
    let ctx = context();
    let url = EXAMPLE_1_URL.trim();
    let bodies = whole_call(url, &ctx);
    // Checked against the steps done by hand, and against what Example 1
    // must give.
    assert_eq!(bodies.sfdc_path, "/services/data/v59.0/sobjects/Task/");
    assert!(bodies.sfdc_json.contains("outbound call log (T-88123456)"));
    assert!(bodies.callback.contains("resultCode=SUCCESS"));
    assert!(bodies.screenpop.contains("Command=launch"));

    let req = ClickToDialRequest::from_url(url).unwrap();
    let data = req.userdata.clone().unwrap();
    let plan = ActionPlan::new(&data);
    let expanded = data.expand(&ctx);
    let create = plan.sfdc_create(&expanded).unwrap();
    assert_eq!(create.to_json(), bodies.sfdc_json);

    report_allocs(
        "call/whole_call",
        count_allocs(100, || whole_call(url, &ctx)),
    );
    report_allocs(
        "call/request",
        count_allocs(100, || ClickToDialRequest::from_url(url).unwrap()),
    );
    report_allocs("call/plan", count_allocs(100, || ActionPlan::new(&data)));
    report_allocs(
        "call/UserData::expand",
        count_allocs(100, || data.expand(&ctx)),
    );
    report_allocs("call/sfdc_json", count_allocs(100, || create.to_json()));
    report_allocs(
        "call/screenpop_form",
        count_allocs(100, || screenpop_for(&expanded).to_form()),
    );
    report_allocs(
        "call/callback_form",
        count_allocs(100, || {
            plan.finish(
                expanded.clone(),
                CreateOutcome::Created("00T5e00000AbCdE".into()),
            )
            .to_form()
        }),
    );

    let mut g = c.benchmark_group("call");
    g.throughput(Throughput::Bytes(url.len() as u64));
    g.bench_function("whole_call", |b| {
        b.iter(|| whole_call(black_box(url), &ctx))
    });
    g.bench_function("request", |b| {
        b.iter(|| ClickToDialRequest::from_url(black_box(url)).unwrap())
    });
    g.bench_function("plan", |b| b.iter(|| ActionPlan::new(black_box(&data))));
    g.bench_function("UserData::expand", |b| {
        b.iter(|| black_box(&data).expand(&ctx))
    });
    g.bench_function("sfdc_json", |b| b.iter(|| black_box(&create).to_json()));
    g.bench_function("screenpop_form", |b| {
        b.iter(|| screenpop_for(black_box(&expanded)).to_form())
    });
    g.bench_function("callback_form", |b| {
        b.iter(|| {
            plan.finish(
                black_box(&expanded).clone(),
                CreateOutcome::Created("00T5e00000AbCdE".into()),
            )
            .to_form()
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = criterion();
    targets = call
}
criterion_main!(benches);
