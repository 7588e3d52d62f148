//! What signing a callback costs (Standard Webhooks v1: HMAC-SHA256 over
//! id, timestamp and body, base64, three headers), against what building
//! that callback costs (expand the vendor's Example 1 over a call, finish
//! it, write its `http::Request`). The ratio is printed from the same run.

#[path = "../tests/common/workloads.rs"]
mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use clicktodial::chrono::{TimeZone, Utc};
use clicktodial::signing::{CallRequest, WebhookId, WebhookSecret};
use clicktodial::{url::Url, ActionPlan, CallContext, ClickToDialRequest, CreateOutcome, UserData};
use common::*;
use criterion::Criterion;

struct Call {
    plan: ActionPlan,
    data: UserData<'static>,
    ctx: CallContext,
    url: Url,
}

fn call() -> Call {
    let req = ClickToDialRequest::from_url(EXAMPLE_1_URL.trim()).expect("Example 1 is valid");
    let data = req.userdata.expect("Example 1 has data").into_owned();
    Call {
        plan: ActionPlan::new(&data),
        data,
        ctx: context(),
        url: Url::parse("https://crm.example.com/clicktodial/callback?t=8312345").unwrap(),
    }
}

fn build(call: &Call) -> clicktodial::http::Request<Vec<u8>> {
    let expanded = call.data.expand(&call.ctx);
    let done = call
        .plan
        .finish(expanded, CreateOutcome::Created("00T5e00000AbCdE".into()));
    done.to_http(&call.url)
}

fn bench(c: &mut Criterion, call: &Call, secret: &WebhookSecret, id: &WebhookId) {
    let at = Utc.timestamp_opt(1_700_000_000, 0).unwrap();
    let mut group = c.benchmark_group("signing");
    group.bench_function("build the callback", |b| {
        b.iter(|| black_box(build(black_box(call))))
    });
    let mut req = build(call);
    group.bench_function("sign it", |b| {
        b.iter(|| secret.sign_request(black_box(&mut req), black_box(id), at))
    });
    group.finish();
}

/// Median of `rounds` timings of `n` runs of `f`, in ns per run.
fn median_ns(rounds: usize, n: u32, mut f: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..n {
                f();
            }
            start.elapsed().as_nanos() as f64 / f64::from(n)
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[rounds / 2]
}

fn main() {
    let call = call();
    let secret = WebhookSecret::parse("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD").unwrap();
    let id = WebhookId::for_call(&call.ctx.transaction_id, CallRequest::Callback);
    // The signature checks out before anything is timed.
    let at = Utc.timestamp_opt(1_700_000_000, 0).unwrap();
    let mut req = build(&call);
    secret.sign_request(&mut req, &id, at);
    let verifier = clicktodial::signing::Verifier::new(secret.clone());
    assert_eq!(verifier.verify_request(&req, at), Ok(id.clone()));

    let mut c = criterion();
    bench(&mut c, &call, &secret, &id);
    c.final_summary();

    // The same-run ratio, the two interleaved round by round.
    let mut build_ns = Vec::new();
    let mut sign_ns = Vec::new();
    for _ in 0..9 {
        build_ns.push(median_ns(5, 2000, || {
            black_box(build(black_box(&call)));
        }));
        sign_ns.push(median_ns(5, 2000, || {
            secret.sign_request(black_box(&mut req), black_box(&id), at)
        }));
        std::thread::sleep(Duration::from_millis(10));
    }
    build_ns.sort_by(f64::total_cmp);
    sign_ns.sort_by(f64::total_cmp);
    let (b, s) = (build_ns[4], sign_ns[4]);
    println!(
        "signing: build the callback {b:.0} ns, sign it {s:.0} ns: signing costs {:.2}x the build",
        s / b
    );
}
