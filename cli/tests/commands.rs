//! The one-shot commands, run as the built binary: the vendor's examples,
//! broken links, exit statuses, JSON shapes and the rendered diagnostics
//! (insta snapshots: a change in wording is a reviewed diff).

mod common;

use common::{run, vendor};
use serde_json::Value;

fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
        .collect()
}

fn kinds(object: &Value) -> Vec<String> {
    object["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["code"].as_str().expect("code").to_owned())
        .collect()
}

#[test]
fn lint_the_vendor_examples() {
    // Example 1 on one line (merge fields filled): clean.
    let one = run(&["lint", &vendor("example1.url")], "");
    assert_eq!(one.code, 0, "{}", one.stdout);
    assert_eq!(one.stdout, "1 link: 1 clean; 0 errors, 0 warnings\n");
    let browser = run(&["lint", &vendor("browser.url")], "");
    assert_eq!(browser.code, 0);

    // Example 1 as the vendor prints it: joined, and said so.
    let wrapped = run(
        &["lint", "--format", "json", &vendor("example1_wrapped.url")],
        "",
    );
    assert_eq!(wrapped.code, 1);
    let object = &json_lines(&wrapped.stdout)[0];
    assert_eq!(kinds(object), ["joined-lines"]);
    assert_eq!(object["link"], vendor("example1.url").trim());
    assert_eq!(object["findings"][0]["severity"], "warning");
    assert_eq!(object["findings"][0]["span"], Value::Null);

    // Examples 2 and 3: the unterminated `$call_answered_time`.
    let two = run(&["lint", "--format", "json", &vendor("example2.url")], "");
    assert_eq!(two.code, 1);
    assert_eq!(
        kinds(&json_lines(&two.stdout)[0]),
        // `make_call.php? prefix=1`: the space a wrapped line brings.
        [
            "joined-lines",
            "white-space-in-parameter-name",
            "unterminated-token"
        ]
    );
    let three = run(&["lint", "--format", "json", &vendor("example3.url")], "");
    assert_eq!(three.code, 1);
    assert_eq!(
        kinds(&json_lines(&three.stdout)[0]),
        [
            "joined-lines",
            "white-space-in-parameter-name",
            "unterminated-token",
            "insecure-callback-url"
        ]
    );
}

#[test]
fn a_broken_link_has_every_problem_underlined() {
    let link = "https://vcc-na4.8x8.com/AGUI/make_call.php?prefix=1&phone={!Account.Phone}\
                &ctl_userdata=[a|b] x [WhatId|{!Account.Id}][c|d";
    // Its `phone` holds a merge field: by default it reads as a template.
    let auto = run(&["lint", "--format", "json", link], "");
    assert_eq!(json_lines(&auto.stdout)[0]["readAs"], "template");
    let out = run(&["lint", "--as", "link", "--format", "json", link], "");
    assert_eq!(out.code, 1);
    let object = &json_lines(&out.stdout)[0];
    assert_eq!(object["readAs"], "link");
    assert_eq!(
        kinds(object),
        [
            "invalid-phone",
            "text-between-pairs",
            "unexpanded-merge-field",
            "unterminated-pair"
        ]
    );
    let span = |i: usize| {
        let s = &object["findings"][i]["span"];
        let (a, b) = (
            s[0].as_u64().unwrap() as usize,
            s[1].as_u64().unwrap() as usize,
        );
        link[a..b].to_owned()
    };
    // The library places a refused parameter at its offending text: a
    // merge field whole.
    assert_eq!(span(0), "{!Account.Phone}");
    assert_eq!(span(1), "x ");
    // In the order of the link.
    assert_eq!(span(2), "{!Account.Id}");
    assert_eq!(span(3), "[c|d");
    assert_eq!(object["findings"][0]["severity"], "error");
    assert_eq!(object["findings"][2]["severity"], "warning");

    let text = run(&["lint", "--as", "link", link], "");
    assert_eq!(text.code, 1);
    insta::assert_snapshot!("broken_link", text.stdout);
}

#[test]
fn rendered_diagnostics_of_the_vendor_examples() {
    for name in ["example2", "example3"] {
        let out = run(&["lint", &vendor(&format!("{name}.url"))], "");
        assert_eq!(out.code, 1);
        insta::assert_snapshot!(name, out.stdout);
    }
    let http = run(
        &[
            "lint",
            "http://vcc-na4.8x8.com/AGUI/make_call.php?phone=6502928880&queue_id=12a",
        ],
        "",
    );
    assert_eq!(http.code, 1);
    insta::assert_snapshot!("not_https", http.stdout);
}

#[test]
fn not_a_link_and_usage_errors_exit_2() {
    let out = run(&["lint", "--format", "json", "call me maybe"], "");
    assert_eq!(out.code, 2);
    assert_eq!(kinds(&json_lines(&out.stdout)[0]), ["not-a-link"]);
    let other = run(&["lint", "https://example.com/index.html?phone=1"], "");
    assert_eq!(other.code, 2);
    assert_eq!(run(&["lint"], "").code, 2);
    assert_eq!(run(&["lint", "--format", "yaml", "x"], "").code, 2);
    assert_eq!(run(&["simulate", "--duration", "soon"], "").code, 2);
    assert_eq!(
        run(&["simulate", "--record-id", "1", "--create-fails", "x"], "").code,
        2
    );
}

#[test]
fn lint_reads_one_link_a_line_from_stdin() {
    let input = format!(
        "{}\n\n{}\nnot a link\n",
        vendor("browser.url").trim(),
        vendor("example2.url").replace('\n', "")
    );
    let out = run(&["lint", "--format", "json", "-"], &input);
    assert_eq!(out.code, 2, "a line that is not a link wins");
    let objects = json_lines(&out.stdout);
    assert_eq!(objects.len(), 3, "the blank line is skipped");
    assert_eq!(kinds(&objects[0]), Vec::<String>::new());
    assert_eq!(
        kinds(&objects[1]),
        ["white-space-in-parameter-name", "unterminated-token"]
    );
    assert_eq!(kinds(&objects[2]), ["not-a-link"]);

    let clean = run(&["lint", "-"], &format!("{}\n", vendor("example1.url")));
    assert_eq!(clean.code, 0);
    let text = run(&["lint", "-"], &input);
    assert!(
        text.stdout
            .ends_with("3 links: 1 clean; 1 error, 2 warnings\n"),
        "{}",
        text.stdout
    );
}

#[test]
fn explain_example_1() {
    let out = run(
        &["explain", "--format", "json", &vendor("example1.url")],
        "",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let e: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(e["dialString"], "6505550142");
    assert_eq!(e["plan"]["create"]["objectType"], "Task");
    assert_eq!(e["plan"]["screenpop"]["mode"], "edit");
    assert_eq!(e["plan"]["callbackUrl"], Value::Null);
    assert_eq!(e["system"][0], serde_json::json!(["ctl_action", "create"]));
    assert_eq!(e["userData"][0][0], "subject");
    let tokens: Vec<&str> = e["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["token"].as_str().unwrap())
        .collect();
    assert_eq!(
        tokens,
        [
            "$transaction_id$",
            "$interaction_guid$",
            "$equal$",
            "$call_answered_time$",
            "$call_hangup_time$",
            "$transaction_codes$",
            "$year$",
            "$month$",
            "$date$"
        ]
    );
    assert_eq!(e["tokens"][6]["in"], serde_json::json!(["ActivityDate"]));

    let text = run(&["explain", &vendor("example3.url")], "");
    assert_eq!(text.code, 0);
    assert!(text.stdout.starts_with("dial string  5355566234\n"));
    assert!(text.stdout.contains(
        "callback   http://www.mycompany.com/clicktodial/callback?transaction=$transaction_id$"
    ));

    let bad = run(
        &[
            "explain",
            "https://h.example.com/AGUI/make_call.php?phone=x",
        ],
        "",
    );
    assert_eq!(bad.code, 1);
    assert!(bad.stdout.contains("error[invalid-phone]"));
}

#[test]
fn simulate_defaults_to_example_1() {
    let out = run(
        &[
            "simulate",
            "--format",
            "json",
            "--now",
            "2024-03-12T17:11:40Z",
        ],
        "",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let s: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(s["resultCode"], "SUCCESS");
    assert_eq!(s["sfdc"]["path"], "/services/data/v59.0/sobjects/Task/");
    let create: Value = serde_json::from_str(s["sfdc"]["json"].as_str().unwrap()).unwrap();
    assert_eq!(create["WhatId"], "001A000001XyZab");
    assert_eq!(create["ActivityDate"], "2024-03-12");
    // Answered 7m31s + 4 s before now; hang-up 4 s before now.
    assert!(create["Description"]
        .as_str()
        .unwrap()
        .contains("answered at= 1710263045\ncall hangup at: 1710263496\nTransaction Codes = Sales:FU,Sales:QT"));
    let form = s["screenpop"]["form"].as_str().unwrap();
    assert!(
        form.contains("ctl_newRecordId%7C00T5e00000AbCdEAAX"),
        "{form}"
    );
    assert_eq!(s["callback"], Value::Null);
    assert_eq!(
        s["expanded"][0],
        serde_json::json!(["ctl_action", "create"])
    );
}

#[test]
fn simulate_a_failed_create_with_a_callback() {
    let link = "https://vcc-na4.8x8.com/AGUI/make_call.php?phone=1&ctl_userdata=\
                [ctl_action|create][ctl_intType|sfdc][ObjectType|Task][d|$callDuration$ $lastTclCodeDesc$ $notes$]\
                [ctl_callbackUrl|https://crm.example.com/cb?t=$transaction_id$]";
    let out = run(
        &[
            "simulate",
            link,
            "--format",
            "json",
            "--answered",
            "2024-03-12T17:00:00Z",
            "--duration",
            "1h2m3s",
            "--code",
            "Support:ESC:Escalated",
            "--notes",
            "call back",
            "--create-fails",
            "REQUIRED_FIELD_MISSING",
            "--tz",
            "Europe/Paris",
        ],
        "",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let s: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(s["resultCode"], "FAIL");
    assert_eq!(s["errorString"], "REQUIRED_FIELD_MISSING");
    assert!(s["callback"]["url"]
        .as_str()
        .unwrap()
        .starts_with("https://crm.example.com/cb?t="));
    let form = s["callback"]["form"].as_str().unwrap();
    assert!(form.contains("01%3A02%3A03+Escalated+call+back"), "{form}");
    assert!(form.contains("resultCode=FAIL"));

    let refused = run(
        &[
            "simulate",
            "https://h.example.com/AGUI/make_call.php?phone=1&ctl_userdata=[ctl_callbackUrl|http://127.0.0.1:9/cb]",
        ],
        "",
    );
    assert_eq!(refused.code, 0);
    assert!(
        refused.stdout.contains(
            "callback refused [callback-private-host]: callback URL host `127.0.0.1` is not a public host"
        ),
        "{}",
        refused.stdout
    );
    // Why, and what to do: a local receiver needs the serve flag.
    assert!(refused.stdout.contains("--allow-private-callbacks"));
    let json = run(
        &[
            "simulate",
            "--format",
            "json",
            "https://h.example.com/AGUI/make_call.php?phone=1&ctl_userdata=[ctl_callbackUrl|http://127.0.0.1:9/cb]",
        ],
        "",
    );
    let s = &json_lines(&json.stdout)[0];
    assert_eq!(s["callbackError"]["code"], "callback-private-host");
    assert!(s["callbackError"]["help"]
        .as_str()
        .unwrap()
        .contains("--allow-private-callbacks"));
}

#[test]
fn build_then_fill_gives_a_clean_link() {
    let built = run(
        &[
            "build",
            "--base",
            "https://vcc-na4.8x8.com",
            "--phone",
            "(650) 555-0142",
            "--prefix",
            "1",
            "--data",
            "[ctl_callbackUrl|https://crm.example.com/cb][note|50% off]",
        ],
        "",
    );
    assert_eq!(built.code, 0, "{}", built.stderr);
    assert_eq!(
        built.stdout,
        "https://vcc-na4.8x8.com/AGUI/make_call.php?prefix=1&phone=%28650%29%20555-0142\
         &ctl_userdata=%5Bctl_callbackUrl%7Chttps%3A%2F%2Fcrm.example.com%2Fcb%5D%5Bnote%7C50%25%20off%5D\n"
    );
    assert_eq!(run(&["lint", built.stdout.trim()], "").code, 0);

    let template = build_template();
    assert_eq!(template.code, 0, "{}", template.stderr);
    let template = template.stdout.trim().to_owned();
    assert!(template.contains("phone={!Account.Phone}"));
    // The template reads as a template, without a finding; read as a
    // link, the merge fields left in it are findings.
    let linted = run(&["lint", "--format", "json", &template], "");
    assert_eq!(linted.code, 0, "{}", linted.stdout);
    assert_eq!(json_lines(&linted.stdout)[0]["readAs"], "template");
    assert_eq!(run(&["lint", "--as", "link", &template], "").code, 1);

    let filled = run(
        &[
            "fill",
            &template,
            "--field",
            "Account.Phone=(650) 555-0142",
            "--field",
            "Account.Id=001A000001XyZab",
        ],
        "",
    );
    assert_eq!(filled.code, 0, "{}", filled.stderr);
    assert_eq!(run(&["lint", filled.stdout.trim()], "").code, 0);

    let missing = run(
        &[
            "fill",
            "--format",
            "json",
            &template,
            "--field",
            "Account.Phone=1",
        ],
        "",
    );
    assert_eq!(missing.code, 1);
    let m: Value = serde_json::from_str(&missing.stdout).unwrap();
    assert_eq!(m["missing"], serde_json::json!(["Account.Id"]));

    let bad = run(
        &["build", "--base", "http://x.example.com", "--phone", "1"],
        "",
    );
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("https"), "{}", bad.stderr);
}

#[test]
fn spans_point_into_a_percent_encoded_link() {
    let link = "https://h.example.com/AGUI/make_call.php?phone=1&ctl_userdata=%5Ba%7Cb%5D%20%20zz%5Bc%7C%2525d";
    let out = run(&["lint", "--format", "json", link], "");
    assert_eq!(out.code, 1);
    let object = &json_lines(&out.stdout)[0];
    // The lenient read skips from the stray text to the end: no later
    // pair is closed.
    assert_eq!(kinds(object), ["text-between-pairs"]);
    let text = |i: usize| {
        let s = &object["findings"][i]["span"];
        link[s[0].as_u64().unwrap() as usize..s[1].as_u64().unwrap() as usize].to_owned()
    };
    assert_eq!(text(0), "zz%5Bc%7C%2525d");
}

/// The text `object`'s finding `i` points at, in `link`.
fn spanned<'l>(object: &Value, i: usize, link: &'l str) -> &'l str {
    let s = &object["findings"][i]["span"];
    &link[s[0].as_u64().unwrap() as usize..s[1].as_u64().unwrap() as usize]
}

#[test]
fn example_2s_broken_token_is_underlined_in_the_link_as_given() {
    // As the vendor prints it (three lines): the spans point into the
    // link as read, lines joined, which the JSON carries.
    let out = run(&["lint", "--format", "json", &vendor("example2.url")], "");
    let object = &json_lines(&out.stdout)[0];
    let link = object["link"].as_str().unwrap();
    assert_eq!(
        object["findings"][1]["code"],
        "white-space-in-parameter-name"
    );
    assert_eq!(spanned(object, 1, link), " prefix");
    assert_eq!(object["findings"][2]["code"], "unterminated-token");
    assert_eq!(spanned(object, 2, link), "$call_answered_time");
    // On one line, with the white space a paste brings: offsets into the
    // text exactly as given.
    let given = format!("  {}\t", vendor("example2.url").replace('\n', ""));
    let out = run(&["lint", "--format", "json", &given], "");
    let object = &json_lines(&out.stdout)[0];
    assert_eq!(object["link"], given.as_str());
    assert_eq!(
        kinds(object),
        ["white-space-in-parameter-name", "unterminated-token"]
    );
    assert_eq!(spanned(object, 0, &given), " prefix");
    assert_eq!(spanned(object, 1, &given), "$call_answered_time");
    // Percent-encoded, as a browser sends it: the escapes are underlined.
    let encoded = given.trim().replace(
        "[start_time|$call_answered_time]",
        "%5Bstart_time%7C%24call_answered_time%5D",
    );
    let out = run(&["lint", "--format", "json", &encoded], "");
    let object = &json_lines(&out.stdout)[0];
    assert_eq!(spanned(object, 1, &encoded), "%24call_answered_time");
}

#[test]
fn simulate_defaults_to_a_call_that_just_ended() {
    let out = run(&["simulate", "--format", "json"], "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let s: Value = serde_json::from_str(&out.stdout).unwrap();
    let create: Value = serde_json::from_str(s["sfdc"]["json"].as_str().unwrap()).unwrap();
    let date = create["ActivityDate"].as_str().unwrap();
    let year: i32 = date[..4].parse().unwrap();
    assert!(year >= 2024, "not a call dated {date}");
}

/// `build --template salesforce` of the vendor's Example 1 fields.
fn build_template() -> common::Output {
    run(
        &[
            "build",
            "--base",
            "https://vcc-na4.8x8.com",
            "--phone",
            "{!Account.Phone}",
            "--data",
            "[WhatId|{!Account.Id}]",
            "--template",
            "salesforce",
        ],
        "",
    )
}

/// `(code, span)` of each finding of a lint report.
fn codes_and_spans(report: &Value) -> Vec<(Value, Value)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| (f["code"].clone(), f["span"].clone()))
        .collect()
}

/// The command and `serve`'s `/api/lint` give every link and template of
/// the shared table (`tests/data/diagnostics/table.json`: the vendor's
/// examples, Example 1 as printed, the template `build` prints, each new
/// finding) the codes and spans the table lists, read as the table says.
#[tokio::test]
async fn the_command_and_serve_agree_on_the_table_of_links() {
    let table: Value =
        serde_json::from_str(include_str!("../../tests/data/diagnostics/table.json")).unwrap();
    let serve = common::Server::start("serve", &[]);
    for case in table["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let text = case["text"].as_str().unwrap();
        let expected: Vec<(Value, Value)> = case["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f["code"].clone(), f["span"].clone()))
            .collect();
        let mut args = vec!["lint", "--format", "json"];
        if let Some(read_as) = case["as"].as_str() {
            args.extend(["--as", read_as]);
        }
        args.push(text);
        let out = run(&args, "");
        let cli = &json_lines(&out.stdout)[0];
        assert_eq!(cli["readAs"], case["readAs"], "{name}");
        assert_eq!(codes_and_spans(cli), expected, "{name}: the command");

        let mut body = serde_json::json!({"link": text});
        if let Some(read_as) = case["as"].as_str() {
            body["as"] = read_as.into();
        }
        let api: Value = common::api(&serve, "lint", body).await;
        assert_eq!(
            &api, cli,
            "{name}: serve's /api/lint and the command differ"
        );
    }
}

/// The template in the table is the one `build --template salesforce`
/// prints, and it lints clean as a template.
#[test]
fn the_build_template_in_the_table_is_what_build_prints() {
    let table: Value =
        serde_json::from_str(include_str!("../../tests/data/diagnostics/table.json")).unwrap();
    let case = table["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            c["name"]
                .as_str()
                .unwrap()
                .contains("build --template salesforce")
        })
        .unwrap();
    let built = build_template();
    assert_eq!(built.code, 0, "{}", built.stderr);
    assert_eq!(built.stdout.trim_end(), case["text"].as_str().unwrap());
    assert_eq!(case["readAs"], "template");
    assert_eq!(case["findings"], serde_json::json!([]));
}

/// `explain` on a link with errors shows what could be read beside the
/// findings: the dial string, the parameters, the data and the plan.
#[test]
fn explain_with_errors_shows_what_was_read() {
    let link = "https://vcc-na4.8x8.com/AGUI/make_call.php?prefix=1&phone=(650)%20555-0142\
                &queue_id=x&callerid=5251990&ctl_userdata=[ctl_launchopt|true][subject|Call $year][c|d";
    let out = run(&["explain", "--format", "json", link], "");
    assert_eq!(out.code, 1, "a refused link");
    let x = &json_lines(&out.stdout)[0];
    assert_eq!(x["dialString"], "16505550142");
    assert_eq!(x["parameters"][0], serde_json::json!(["prefix", "1"]));
    assert_eq!(
        x["userData"],
        serde_json::json!([["subject", "Call $year"]])
    );
    assert_eq!(x["plan"]["screenpop"]["mode"], "readonly");
    assert_eq!(
        kinds(x),
        [
            "not-digits",
            "unknown-parameter",
            "unterminated-token",
            "unterminated-pair"
        ]
    );
    let text = run(&["explain", link], "");
    assert!(
        text.stdout.starts_with("dial string  16505550142\n"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("\nuser data\n  subject  Call $year\n"));
    assert!(text.stdout.contains("error[not-digits]"));
    assert!(text.stdout.contains("did you mean `callerId`?"));
}

/// `explain` of a template says it is one and shows its parameters as
/// written; its dial string is the CRM's to fill.
#[test]
fn explain_a_template() {
    let template = build_template();
    let out = run(&["explain", "--format", "json", template.stdout.trim()], "");
    assert_eq!(out.code, 0, "{}", out.stdout);
    let x = &json_lines(&out.stdout)[0];
    assert_eq!(x["readAs"], "template");
    assert_eq!(x["dialString"], Value::Null);
    assert_eq!(
        x["parameters"][0],
        serde_json::json!(["phone", "{!Account.Phone}"])
    );
    assert_eq!(x["findings"], serde_json::json!([]));
    let text = run(&["explain", template.stdout.trim()], "");
    assert!(
        text.stdout.starts_with("read as a CRM link template"),
        "{}",
        text.stdout
    );
    assert!(text
        .stdout
        .contains("dial string  (set when the CRM fills the merge fields)"));
}
