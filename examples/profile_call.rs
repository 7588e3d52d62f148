//! A driver for instruction counts (`valgrind --tool=callgrind`): runs one
//! benchmarked operation `n` times on the bench workloads, so that the
//! difference between two runs (`n` = 1 and `n` = 1001) over 1000 is the
//! operation's own instruction count, free of the machine's noise.
//!
//! ```sh
//! cargo build --release --example profile_call
//! valgrind --tool=callgrind target/release/examples/profile_call compiled_call 1001
//! ```
//!
//! Operations: `whole_call`, `compiled_call`, and for `W1` or `W2`:
//! `expand/W?/compiled`, `expand/W?/template_concat`,
//! `expand/W?/aho_corasick`, `expand/W?/aho_corasick_concat`,
//! `parse/W?/crate`, `parse/W?/regex`, `parse/W?/split`,
//! `parse/W?/scan_limit`.

#[path = "../tests/common/workloads.rs"]
mod common;

use std::hint::black_box;

use clicktodial::{
    ActionPlan, CallBuffers, ClickToDialRequest, CompiledLink, CreateOutcome, Screenpop, Template,
    TokenValues, UserData,
};
use common::*;

fn main() {
    let mut args = std::env::args().skip(1);
    let op = args.next().unwrap_or_else(|| "compiled_call".into());
    let n: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(1);
    let ctx = context();
    let w2 = w2();
    let agent = Screenpop {
        agent_id: "agent042".into(),
        username: "agent042".into(),
        password: "s3cret".into(),
        account: "acme".into(),
        role: "agent".into(),
        ctl_userdata: String::new(),
    };
    let url = EXAMPLE_1_URL.trim();
    let input = if op.contains("/W2/") { w2.as_str() } else { W1 };
    let data = UserData::parse(input).unwrap();
    let values: Vec<&str> = data.iter().map(|(_, v)| v).collect();
    let templates: Vec<Template> = values.iter().map(|v| Template::compile(v)).collect();
    let table = token_table(&ctx);
    let (ac, with) = aho_corasick(&table);
    let re = regex::Regex::new(PAIR_REGEX).unwrap();
    let req = ClickToDialRequest::from_url(url).unwrap();
    let link = CompiledLink::from_request(&req);
    let data_link = CompiledLink::new(&data);
    let mut out = CallBuffers::new();
    let kind = op.split('/').nth(2).unwrap_or(&op).to_owned();
    let family = op.split('/').next().unwrap_or("").to_owned();

    for _ in 0..n {
        match (family.as_str(), kind.as_str()) {
            (_, "whole_call") => {
                let req = ClickToDialRequest::from_url(black_box(url)).unwrap();
                let data = req.userdata.as_ref().unwrap();
                let plan = ActionPlan::new(data);
                let expanded = data.expand(&ctx);
                let create = plan.sfdc_create(&expanded).unwrap();
                let done = plan.finish(expanded, CreateOutcome::Created("00T5e00000AbCdE".into()));
                let pop = Screenpop {
                    ctl_userdata: done.ctl_userdata.to_string(),
                    ..agent.clone()
                };
                black_box((
                    create.path("v59.0"),
                    create.to_json(),
                    pop.to_form(),
                    done.to_form(),
                ));
            }
            (_, "compiled_call") => {
                let outcome = CreateOutcome::Created("00T5e00000AbCdE".into());
                link.render_into(&ctx, &outcome, &agent, &mut out);
                black_box(out.sfdc_path("v59.0"));
            }
            ("expand", "compiled") => black_box(&data_link).expand_into(&ctx, &mut out),
            ("expand", "template_concat") => {
                let mut values = TokenValues::new(&ctx);
                let mut s = String::with_capacity(input.len() + 512);
                for t in &templates {
                    t.expand_with(&mut values, &mut s);
                }
                black_box(s);
            }
            ("expand", "aho_corasick") => {
                black_box(
                    values
                        .iter()
                        .map(|v| ac.replace_all(v, &with))
                        .collect::<Vec<_>>(),
                );
            }
            ("expand", "aho_corasick_concat") => {
                let mut s = String::with_capacity(input.len() + 512);
                for v in &values {
                    ac.replace_all_with(v, &mut s, |m, _, dst| {
                        dst.push_str(with[m.pattern().as_usize()]);
                        true
                    });
                }
                black_box(s);
            }
            ("parse", "crate") => {
                black_box(UserData::parse(black_box(input)).unwrap());
            }
            ("parse", "regex") => {
                black_box(regex_parse(&re, black_box(input)));
            }
            ("parse", "split") => {
                black_box(split_parse(black_box(input)));
            }
            ("parse", "scan_limit") => {
                black_box(scan_limit(black_box(input), b']'));
            }
            _ => panic!("unknown operation {op}"),
        }
    }
}
