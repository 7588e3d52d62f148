//! Token expansion (`expand`, `Template`, `UserData::expand`) against a chain
//! of `String::replace` calls, Aho-Corasick and the copy and scan limits.
//! What each row measures: benches/NOTES.md.

#[path = "../tests/common/workloads.rs"]
mod common;

use std::borrow::Cow;
use std::hint::black_box;

use clicktodial::{
    expand, CallBuffers, CallContext, CompiledLink, Template, TokenValues, UserData,
};
use common::*;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

/// Every value expanded with `clicktodial::expand` (a fresh token cache per
/// value: the values are formatted from the context inside the loop).
fn crate_expand<'s>(values: &[&'s str], ctx: &CallContext) -> Vec<Cow<'s, str>> {
    values.iter().map(|v| expand(v, ctx)).collect()
}

/// Every value expanded with one token cache for the whole data
/// (`TokenValues::expand`): each value formatted once in all.
fn crate_expand_shared<'s>(values: &[&'s str], ctx: &CallContext) -> Vec<Cow<'s, str>> {
    let mut cache = TokenValues::new(ctx);
    values.iter().map(|v| cache.expand(v)).collect()
}

/// Every value's compiled template expanded into its own `String`, one token
/// cache for the whole data.
fn crate_templates(templates: &[Template], ctx: &CallContext) -> Vec<String> {
    let mut values = TokenValues::new(ctx);
    templates
        .iter()
        .map(|t| {
            let mut out = String::new();
            t.expand_with(&mut values, &mut out);
            out
        })
        .collect()
}

/// Every value's compiled template expanded into one `String`, back to back,
/// pre-sized to `capacity` (the copy limit's size: both rows allocate once).
fn crate_templates_concat(templates: &[Template], ctx: &CallContext, capacity: usize) -> String {
    let mut values = TokenValues::new(ctx);
    let mut out = String::with_capacity(capacity);
    for t in templates {
        t.expand_with(&mut values, &mut out);
    }
    out
}

/// Aho-Corasick writing every value into one pre-sized `String`
/// (`replace_all_with`), to compare with `crate_templates_concat`.
fn aho_corasick_concat(
    ac: &aho_corasick::AhoCorasick,
    with: &[&str],
    values: &[&str],
    capacity: usize,
) -> String {
    let mut out = String::with_capacity(capacity);
    for v in values {
        ac.replace_all_with(v, &mut out, |m, _, dst| {
            dst.push_str(with[m.pattern().as_usize()]);
            true
        });
    }
    out
}

/// The copy limit: a pre-sized `String` and one `push_str` of the output.
fn copy_limit(expected: &str) -> String {
    let mut out = String::with_capacity(expected.len());
    out.push_str(expected);
    out
}

fn workloads(c: &mut Criterion) {
    let ctx = context();
    let table = token_table(&ctx);
    let (ac, with) = aho_corasick(&table);
    let w2 = w2();
    for (name, input) in [("W1", W1), ("W2", w2.as_str())] {
        let data = UserData::parse(input).unwrap();
        let values: Vec<&str> = data.iter().map(|(_, v)| v).collect();
        let templates: Vec<Template> = values.iter().map(|v| Template::compile(v)).collect();
        let bytes: usize = values.iter().map(|v| v.len()).sum();

        // The crate's answer, and every other row checked against it.
        let expected: Vec<String> = crate_expand(&values, &ctx)
            .into_iter()
            .map(Cow::into_owned)
            .collect();
        let concat: String = expected.concat();
        assert_ne!(expected, values, "{name} has tokens");
        assert_eq!(crate_templates(&templates, &ctx), expected);
        assert_eq!(crate_expand_shared(&values, &ctx), expected);
        assert_eq!(
            crate_templates_concat(&templates, &ctx, concat.len()),
            concat
        );
        let via_data: Vec<String> = data
            .expand(&ctx)
            .iter()
            .map(|(_, v)| v.to_owned())
            .collect();
        assert_eq!(via_data, expected, "UserData::expand on {name}");
        let chain: Vec<String> = values.iter().map(|v| replace_chain(v, &table)).collect();
        assert_eq!(chain, expected, "replace chain on {name}");
        let aho: Vec<String> = values.iter().map(|v| ac.replace_all(v, &with)).collect();
        assert_eq!(aho, expected, "aho-corasick on {name}");
        assert_eq!(copy_limit(&concat), concat);
        assert_eq!(
            aho_corasick_concat(&ac, &with, &values, concat.len()),
            concat
        );
        // Render only: a token cache filled once, outside the loop.
        let mut warm = TokenValues::new(&ctx);
        let render = |warm: &mut TokenValues<'_>| {
            let mut out = String::with_capacity(concat.len());
            for t in &templates {
                t.expand_with(warm, &mut out);
            }
            out
        };
        assert_eq!(render(&mut warm), concat);
        // The compiled link: every value into one reused buffer.
        let link = CompiledLink::new(&data);
        let mut out = CallBuffers::new();
        link.expand_into(&ctx, &mut out);
        assert!(out.values().eq(expected.iter().map(String::as_str)));
        report_allocs(
            &format!("expand/{name}/compiled"),
            count_allocs(100, || link.expand_into(&ctx, &mut out)),
        );
        report_allocs(
            &format!("expand/{name}/compiled_fresh"),
            count_allocs(100, || {
                let mut fresh = CallBuffers::new();
                link.expand_into(&ctx, &mut fresh);
                fresh
            }),
        );

        report_allocs(
            &format!("expand/{name}/expand"),
            count_allocs(100, || crate_expand(&values, &ctx)),
        );
        report_allocs(
            &format!("expand/{name}/expand_shared"),
            count_allocs(100, || crate_expand_shared(&values, &ctx)),
        );
        report_allocs(
            &format!("expand/{name}/template"),
            count_allocs(100, || crate_templates(&templates, &ctx)),
        );
        report_allocs(
            &format!("expand/{name}/template_concat"),
            count_allocs(100, || {
                crate_templates_concat(&templates, &ctx, concat.len())
            }),
        );
        report_allocs(
            &format!("expand/{name}/UserData::expand"),
            count_allocs(100, || data.expand(&ctx)),
        );
        report_allocs(
            &format!("expand/{name}/aho_corasick"),
            count_allocs(100, || {
                values
                    .iter()
                    .map(|v| ac.replace_all(v, &with))
                    .collect::<Vec<_>>()
            }),
        );

        let mut g = c.benchmark_group(format!("expand/{name}"));
        g.throughput(Throughput::Bytes(bytes as u64));
        g.bench_function("compiled", |b| {
            b.iter(|| black_box(&link).expand_into(&ctx, &mut out))
        });
        g.bench_function("expand", |b| {
            b.iter(|| crate_expand(black_box(&values), &ctx))
        });
        g.bench_function("expand_shared", |b| {
            b.iter(|| crate_expand_shared(black_box(&values), &ctx))
        });
        g.bench_function("template", |b| {
            b.iter(|| crate_templates(black_box(&templates), &ctx))
        });
        g.bench_function("template_concat", |b| {
            b.iter(|| crate_templates_concat(black_box(&templates), &ctx, concat.len()))
        });
        g.bench_function("template_render", |b| {
            b.iter(|| render(black_box(&mut warm)))
        });
        g.bench_function("aho_corasick_concat", |b| {
            b.iter(|| aho_corasick_concat(&ac, &with, black_box(&values), concat.len()))
        });
        g.bench_function("UserData::expand", |b| {
            b.iter(|| black_box(&data).expand(&ctx))
        });
        g.bench_function("replace_chain", |b| {
            b.iter(|| {
                black_box(&values)
                    .iter()
                    .map(|v| replace_chain(v, &table))
                    .collect::<Vec<_>>()
            })
        });
        g.bench_function("aho_corasick", |b| {
            b.iter(|| {
                black_box(&values)
                    .iter()
                    .map(|v| ac.replace_all(v, &with))
                    .collect::<Vec<_>>()
            })
        });
        g.bench_function("copy_limit", |b| b.iter(|| copy_limit(black_box(&concat))));
        g.finish();
    }
}

/// W3 and the adversarial inputs: one long value each.
fn long_values(c: &mut Criterion) {
    let ctx = context();
    let table = token_table(&ctx);
    let (ac, with) = aho_corasick(&table);
    let w3 = w3();
    let w3_value = UserData::parse(&w3)
        .unwrap()
        .get("Description")
        .unwrap()
        .to_owned();
    let mut inputs = vec![("W3", w3_value)];
    inputs.extend(adversarial());
    // One more: 64 KB of unknown names as long as the longest token's.
    inputs.push(("unknown_names", repeat64k("$callAnsweredTenantTX")));
    for (name, value) in &inputs {
        let value = value.as_str();
        let expanded = expand(value, &ctx);
        assert_eq!(
            ac.replace_all(value, &with),
            expanded,
            "aho-corasick on {name}"
        );
        let template = Template::compile(value);
        assert_eq!(template.expand(&ctx), expanded);
        let link = CompiledLink::new(&[("Description", value)].into_iter().collect());
        let mut out = CallBuffers::new();
        if *name == "W3" {
            link.expand_into(&ctx, &mut out);
            assert!(out.values().eq([&*expanded]));
            report_allocs(
                "expand/W3/compiled",
                count_allocs(100, || link.expand_into(&ctx, &mut out)),
            );
            report_allocs(
                "expand/W3/compiled_fresh",
                count_allocs(100, || {
                    let mut fresh = CallBuffers::new();
                    link.expand_into(&ctx, &mut fresh);
                    fresh
                }),
            );
            assert!(matches!(expanded, Cow::Borrowed(_)), "W3 is not copied");
            report_allocs(
                "expand/W3/expand",
                count_allocs(100, || expand(value, &ctx)),
            );
        }

        let group = if *name == "W3" {
            "expand/W3".to_owned()
        } else {
            format!("expand/adversarial/{name}")
        };
        let mut g = c.benchmark_group(group);
        g.throughput(Throughput::Bytes(value.len() as u64));
        g.bench_function("expand", |b| b.iter(|| expand(black_box(value), &ctx)));
        if *name == "W3" {
            g.bench_function("compiled", |b| {
                b.iter(|| black_box(&link).expand_into(&ctx, &mut out))
            });
            g.bench_function("template", |b| b.iter(|| black_box(&template).expand(&ctx)));
            g.bench_function("aho_corasick", |b| {
                b.iter(|| ac.replace_all(black_box(value), &with))
            });
            g.bench_function("scan_limit", |b| {
                b.iter(|| scan_limit(black_box(value), b'$'))
            });
            g.bench_function("copy_limit", |b| b.iter(|| copy_limit(black_box(value))));
        }
        g.finish();
    }
}

/// W1 and W2 as whole texts: one `expand` (or one compiled `Template`) over
/// the entire `ctl_userdata` string, against the baselines over the same
/// string. This is the engine's speed on the workloads as the issue defines
/// them ("the vendor's Example 1 ctl_userdata"); the per-value rows of
/// `expand/W1` and `expand/W2` are what `UserData::expand` does for
/// injection safety.
fn whole_texts(c: &mut Criterion) {
    let ctx = context();
    let table = token_table(&ctx);
    let (ac, with) = aho_corasick(&table);
    let w2 = w2();
    for (name, text) in [("W1", W1), ("W2", w2.as_str())] {
        let template = Template::compile(text);
        let expected = expand(text, &ctx).into_owned();
        assert_ne!(expected, text, "{name} has tokens");
        assert_eq!(template.expand(&ctx), expected);
        assert_eq!(
            ac.replace_all(text, &with),
            expected,
            "aho-corasick on {name}"
        );
        assert_eq!(
            replace_chain(text, &table),
            expected,
            "replace chain on {name}"
        );
        assert_eq!(copy_limit(&expected), expected);
        let mut warm = TokenValues::new(&ctx);
        let mut rendered = String::new();
        template.expand_with(&mut warm, &mut rendered);
        assert_eq!(rendered, expected);
        report_allocs(
            &format!("expand/{name}_text/expand"),
            count_allocs(100, || expand(text, &ctx)),
        );
        report_allocs(
            &format!("expand/{name}_text/template"),
            count_allocs(100, || template.expand(&ctx)),
        );

        let mut g = c.benchmark_group(format!("expand/{name}_text"));
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_function("expand", |b| b.iter(|| expand(black_box(text), &ctx)));
        g.bench_function("template", |b| b.iter(|| black_box(&template).expand(&ctx)));
        g.bench_function("template_render", |b| {
            b.iter(|| {
                let mut out = String::with_capacity(expected.len());
                black_box(&template).expand_with(&mut warm, &mut out);
                out
            })
        });
        g.bench_function("aho_corasick", |b| {
            b.iter(|| ac.replace_all(black_box(text), &with))
        });
        g.bench_function("replace_chain", |b| {
            b.iter(|| replace_chain(black_box(text), &table))
        });
        g.bench_function("copy_limit", |b| {
            b.iter(|| copy_limit(black_box(&expected)))
        });
        g.finish();
    }
}

fn scaling_inputs(c: &mut Criterion) {
    let ctx = context();
    let mut g = c.benchmark_group("expand/scaling");
    for (name, input) in scaling() {
        let data = UserData::parse(&input).unwrap();
        let values: Vec<&str> = data.iter().map(|(_, v)| v).collect();
        let bytes: usize = values.iter().map(|v| v.len()).sum();
        let link = CompiledLink::new(&data);
        let mut out = CallBuffers::new();
        g.throughput(Throughput::Bytes(bytes as u64));
        if input.len() > 1 << 20 {
            g.sample_size(10);
        }
        g.bench_function(format!("{name}/compiled"), |b| {
            b.iter(|| black_box(&link).expand_into(&ctx, &mut out))
        });
        g.bench_function(format!("{name}/scan_limit"), |b| {
            b.iter(|| scan_limit(black_box(&input), b'$'))
        });
        g.bench_function(format!("{name}/expand"), |b| {
            b.iter(|| crate_expand(black_box(&values), &ctx))
        });
        g.bench_function(format!("{name}/UserData::expand"), |b| {
            b.iter(|| black_box(&data).expand(&ctx))
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = criterion();
    targets = workloads, whole_texts, long_values, scaling_inputs
}
criterion_main!(benches);
