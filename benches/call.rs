//! One whole call on the vendor's Example 1: request → plan → expand →
//! SFDC create, screenpop and callback bodies; and each step on its own;
//! then the same call with the link compiled once (`CompiledLink`), on one
//! thread and on two sharing the link.
//! What each row measures: benches/NOTES.md.

#[path = "../tests/common/workloads.rs"]
mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use clicktodial::{
    ActionPlan, CallBuffers, CallContext, ClickToDialRequest, CompiledLink, CreateOutcome,
    Screenpop, UserData,
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

fn agent() -> Screenpop {
    Screenpop {
        agent_id: "agent042".into(),
        username: "agent042".into(),
        password: "s3cret".into(),
        account: "acme".into(),
        role: "agent".into(),
        ctl_userdata: String::new(),
    }
}

fn screenpop_for(data: &UserData<'_>) -> Screenpop {
    Screenpop {
        ctl_userdata: data.to_string(),
        ..agent()
    }
}

const RECORD_ID: &str = "00T5e00000AbCdE";

/// The whole call, from the request URL to the three bodies.
fn whole_call(url: &str, ctx: &CallContext) -> Bodies {
    let req = ClickToDialRequest::from_url(url).expect("Example 1 is valid");
    let data = req.userdata.as_ref().expect("Example 1 has ctl_userdata");
    let plan = ActionPlan::new(data);
    let expanded = data.expand(ctx);
    let create = plan
        .sfdc_create(&expanded)
        .expect("Example 1 creates a Task");
    let done = plan.finish(expanded, CreateOutcome::Created(RECORD_ID.into()));
    // The screenpop posts the finished data (`ActionPlan::finish`).
    let screenpop = screenpop_for(&done.ctl_userdata).to_form();
    let callback = done.to_form();
    Bodies {
        sfdc_path: create.path("v59.0"),
        sfdc_json: create.to_json(),
        screenpop,
        callback,
    }
}

/// The same call with the link compiled once: render into reused buffers,
/// then the REST path.
fn compiled_call(
    link: &CompiledLink,
    ctx: &CallContext,
    agent: &Screenpop,
    out: &mut CallBuffers,
) -> String {
    let outcome = CreateOutcome::Created(RECORD_ID.into());
    link.render_into(ctx, &outcome, agent, out);
    out.sfdc_path("v59.0").expect("Example 1 creates a Task")
}

fn bodies_of(out: &CallBuffers, sfdc_path: String) -> Bodies {
    Bodies {
        sfdc_path,
        sfdc_json: out.sfdc_json().unwrap_or_default().to_owned(),
        screenpop: out.screenpop_form().to_owned(),
        callback: out.callback_form().to_owned(),
    }
}

/// `calls` compiled calls on each of `threads` threads sharing one link,
/// each thread with its own buffers; the time from the first spawn to the
/// last join.
fn threaded(
    threads: usize,
    calls: u64,
    link: &CompiledLink,
    ctx: &CallContext,
    agent: &Screenpop,
) -> Duration {
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let mut out = CallBuffers::new();
                for _ in 0..calls {
                    black_box(compiled_call(black_box(link), ctx, agent, &mut out));
                }
            });
        }
    });
    start.elapsed()
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

    // The compiled link gives the same bodies.
    let link = CompiledLink::from_request(&req);
    let agent = agent();
    let mut out = CallBuffers::new();
    let path = compiled_call(&link, &ctx, &agent, &mut out);
    assert_eq!(
        bodies_of(&out, path),
        bodies,
        "compiled and step-by-step differ"
    );
    report_allocs(
        "call/compiled_call",
        count_allocs(100, || compiled_call(&link, &ctx, &agent, &mut out)),
    );
    report_allocs(
        "call/compiled_render",
        count_allocs(100, || {
            link.render_into(&ctx, &CreateOutcome::NotRun, &agent, &mut out)
        }),
    );
    report_allocs(
        "call/compiled_call_with_request",
        count_allocs(100, || {
            let req = ClickToDialRequest::from_url(url).unwrap();
            black_box(&req);
            compiled_call(&link, &ctx, &agent, &mut out)
        }),
    );
    report_allocs(
        "call/compile",
        count_allocs(100, || CompiledLink::from_request(&req)),
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
    g.bench_function("compiled_call", |b| {
        b.iter(|| compiled_call(black_box(&link), &ctx, &agent, &mut out))
    });
    g.bench_function("compiled_call_with_request", |b| {
        b.iter(|| {
            let req = ClickToDialRequest::from_url(black_box(url)).unwrap();
            black_box(&req);
            compiled_call(black_box(&link), &ctx, &agent, &mut out)
        })
    });
    g.bench_function("compile", |b| {
        b.iter(|| CompiledLink::from_request(black_box(&req)))
    });
    g.finish();

    // Throughput with one compiled link shared by two threads, against one
    // thread (each row: time per call on each thread; two threads doing
    // twice the calls in the same time read as the same time per call).
    let mut g = c.benchmark_group("call/threads");
    g.throughput(Throughput::Elements(1));
    for threads in [1, 2] {
        g.bench_function(format!("compiled_call_{threads}"), |b| {
            b.iter_custom(|calls| threaded(threads, calls, &link, &ctx, &agent))
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = criterion();
    targets = call
}
criterion_main!(benches);
