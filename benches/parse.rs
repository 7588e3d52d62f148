//! `UserData::parse` against a regex parser, a `split` parser and the scan
//! limit, on W1, W2, W3, the adversarial inputs and the scaling inputs.
//! What each row measures: benches/NOTES.md.

#[path = "../tests/common/workloads.rs"]
mod common;

use std::hint::black_box;

use clicktodial::UserData;
use common::*;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn pairs<'a>(data: &'a UserData<'_>) -> Vec<(&'a str, &'a str)> {
    data.iter().collect()
}

fn workloads(c: &mut Criterion) {
    let re = regex::Regex::new(PAIR_REGEX).unwrap();
    let w2 = w2();
    let w3 = w3();
    for (name, input) in [("W1", W1), ("W2", w2.as_str()), ("W3", w3.as_str())] {
        // Every baseline must give the crate's answer before it is timed.
        let data = UserData::parse(input).unwrap();
        let expected = pairs(&data);
        assert_eq!(regex_parse(&re, input), expected, "regex on {name}");
        assert_eq!(split_parse(input), expected, "split on {name}");
        assert_eq!(scan_limit(input, b']'), expected.len(), "scan on {name}");
        assert!(
            data.cow_pairs()
                .all(|(n, v)| matches!(n, std::borrow::Cow::Borrowed(_))
                    && matches!(v, std::borrow::Cow::Borrowed(_))),
            "{name} parses without a copy"
        );
        report_allocs(
            &format!("parse/{name}/crate"),
            count_allocs(100, || UserData::parse(input).unwrap()),
        );
        report_allocs(
            &format!("parse/{name}/split"),
            count_allocs(100, || split_parse(input)),
        );

        let mut g = c.benchmark_group(format!("parse/{name}"));
        g.throughput(Throughput::Bytes(input.len() as u64));
        g.bench_function("crate", |b| {
            b.iter(|| UserData::parse(black_box(input)).unwrap())
        });
        g.bench_function("regex", |b| b.iter(|| regex_parse(&re, black_box(input))));
        g.bench_function("split", |b| b.iter(|| split_parse(black_box(input))));
        g.bench_function("scan_limit", |b| {
            b.iter(|| scan_limit(black_box(input), b']'))
        });
        g.finish();
    }
}

fn adversarial_inputs(c: &mut Criterion) {
    let mut g = c.benchmark_group("parse/adversarial");
    for (name, raw) in adversarial() {
        // As raw text, parsed leniently (the strict parse stops at the first
        // error): every byte is looked at.
        let (_, diags) = UserData::parse_lenient(&raw);
        assert!(!diags.is_empty());
        g.throughput(Throughput::Bytes(raw.len() as u64));
        g.bench_function(format!("{name}/lenient"), |b| {
            b.iter(|| UserData::parse_lenient(black_box(&raw)))
        });
        // The same bytes as the value of one pair, parsed strictly (and
        // decoded: `%5D` becomes `]`).
        let wrapped = format!("[v|{raw}]");
        let data = UserData::parse(&wrapped).unwrap();
        assert_eq!(data.len(), 1);
        g.throughput(Throughput::Bytes(wrapped.len() as u64));
        g.bench_function(format!("{name}/in_value"), |b| {
            b.iter(|| UserData::parse(black_box(&wrapped)).unwrap())
        });
    }
    g.finish();
}

fn scaling_inputs(c: &mut Criterion) {
    let mut g = c.benchmark_group("parse/scaling");
    for (name, input) in scaling() {
        let data = UserData::parse(&input).unwrap();
        assert_eq!(data.len(), scan_limit(&input, b']'));
        g.throughput(Throughput::Bytes(input.len() as u64));
        if input.len() > 1 << 20 {
            g.sample_size(10);
        }
        g.bench_function(format!("{name}/crate"), |b| {
            b.iter(|| UserData::parse(black_box(&input)).unwrap())
        });
        g.bench_function(format!("{name}/scan_limit"), |b| {
            b.iter(|| scan_limit(black_box(&input), b']'))
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = criterion();
    targets = workloads, adversarial_inputs, scaling_inputs
}
criterion_main!(benches);
