//! The main job, end to end: a click-to-dial URL goes in; out come the
//! lint, the action plan, and, for a simulated finished call, the screenpop
//! body, the Salesforce create request and the callback body.
//!
//! ```text
//! cargo run --example click_to_dial                 # the vendor's Example 1
//! cargo run --example click_to_dial -- 2            # the vendor's Example 2 (or 3)
//! cargo run --example click_to_dial -- '<url>'      # any link
//! ```

use chrono::{TimeZone, Utc};
use clicktodial::{
    ActionPlan, CallContext, CallbackPolicy, ClickToDialRequest, CreateOutcome, LaunchMode,
    Screenpop, TransactionCode,
};

/// The vendor's three examples, with the CRM's merge fields filled in
/// (`{!Account.Phone}` → `(650) 555-0142`, `{!Account.Id}` → `001A000001XyZab`).
const EXAMPLES: [&str; 3] = [
    include_str!("../tests/data/vendor/example1.url"),
    include_str!("../tests/data/vendor/example2.url"),
    include_str!("../tests/data/vendor/example3.url"),
];

/// A finished call: answered 2024-03-12 17:04:05 UTC, 7 min 31 s, tenant in
/// Los Angeles (PDT, -0700), two transaction codes and a note.
fn sample_call() -> CallContext {
    // A service passes `Utc::now()` when the call ends.
    let now = Utc.with_ymd_and_hms(2024, 3, 12, 17, 11, 40).single();
    let mut ctx = CallContext::new(now.unwrap_or_default(), chrono_tz::America::Los_Angeles);
    ctx.caller_id = "5251990".into();
    ctx.transaction_id = "8312345".into();
    ctx.interaction_guid = "int-17a9-4b6e-2024".into();
    ctx.answered_at = Utc.with_ymd_and_hms(2024, 3, 12, 17, 4, 5).single();
    ctx.hangup_at = Utc.with_ymd_and_hms(2024, 3, 12, 17, 11, 36).single();
    let sales = |short: &str, description: &str| TransactionCode {
        list_name: "Sales".into(),
        short_code: short.into(),
        description: description.into(),
    };
    ctx.transaction_codes = vec![sales("FU", "Follow-up"), sales("QT", "Quote sent")];
    ctx.notes = "Customer wants a quote [by Friday] | urgent".into();
    ctx
}

fn main() {
    let arg = std::env::args().nth(1);
    let url = match arg.as_deref() {
        None | Some("1") => EXAMPLES[0].to_owned(),
        Some("2") => EXAMPLES[1].to_owned(),
        Some("3") => EXAMPLES[2].to_owned(),
        Some(url) => url.to_owned(),
    };
    let req = match ClickToDialRequest::from_url(&url) {
        Ok(req) => req,
        Err(e) => {
            eprintln!("refused: {e}");
            std::process::exit(1);
        }
    };

    println!("== request");
    println!("  dial string     {}", req.dial_string());
    println!("  phone           {}", req.phone);
    if let Some(caller_id) = &req.caller_id {
        println!("  callerId        {caller_id}");
    }

    println!("\n== lint");
    let lints = req.lint();
    if lints.is_empty() {
        println!("  clean");
    }
    for lint in &lints {
        println!("  {:?}: {lint}", lint.kind);
    }

    let data = req.userdata.clone().unwrap_or_default();
    let plan = ActionPlan::new(&data);
    println!("\n== plan");
    match (&plan.create, &plan.ignored) {
        (Some(create), _) => println!(
            "  create          {:?} record `{}`",
            create.integration,
            create.object_type.as_deref().unwrap_or("(no ObjectType)")
        ),
        (None, Some(why)) => println!("  create          ignored: {why}"),
        (None, None) => println!("  create          none"),
    }
    match &plan.screenpop {
        Some(pop) => println!(
            "  screenpop       {} (parent {}, window {})",
            if pop.mode == LaunchMode::Edit {
                "edit"
            } else {
                "read-only"
            },
            pop.parent_id.as_deref().unwrap_or("-"),
            pop.record_name.as_deref().unwrap_or("-")
        ),
        None => println!("  screenpop       none"),
    }
    println!(
        "  callback        {}",
        plan.callback_url.as_deref().unwrap_or("none")
    );

    let ctx = sample_call();
    println!(
        "\n== the call ends (sample context, tenant zone {})",
        ctx.tenant_tz
    );
    // Checked: a context whose "now" was never set is refused, not dated 1970.
    let expanded = match data.try_expand(&ctx) {
        Ok(expanded) => expanded,
        Err(e) => {
            eprintln!("cannot expand: {e}");
            std::process::exit(1);
        }
    };
    for (name, value) in expanded.user_fields() {
        println!("  {name:<18} {value:?}");
    }

    let outcome = match plan.sfdc_create(&expanded) {
        Some(create) => {
            println!("\n== Salesforce create");
            println!("  POST {}", create.path("v59.0"));
            println!("  {}", create.to_json());
            // A real service posts it; the simulation says it worked.
            CreateOutcome::Created("00T5e00000AbCdEAAX".into())
        }
        None => CreateOutcome::NotRun,
    };

    let done = plan.finish(expanded, outcome);
    if plan.screenpop.is_some() {
        let pop = Screenpop {
            agent_id: "agent42".into(),
            username: "jdoe@crm.example".into(),
            password: "not-shown-anywhere".into(),
            account: "00D5e000000Acme".into(),
            role: "sfdc".into(),
            ..Screenpop::for_userdata(&done.ctl_userdata)
        };
        println!(
            "\n== screenpop POST (application/x-www-form-urlencoded, {} bytes)",
            pop.to_form().len()
        );
        for (name, value) in pop.fields() {
            let shown = if name == "Password" || name == "extPwd" {
                "<not shown>"
            } else {
                value
            };
            println!("  {name:<12} {shown}");
        }
    }
    match plan.callback(&ctx, &CallbackPolicy::default()) {
        Some(Ok(url)) => {
            println!("\n== callback POST to {url}");
            println!("  resultCode   {}", done.result_code);
            println!("  errorString  {:?}", done.error_string);
            println!("  ctl_userdata {}", done.ctl_userdata);
            println!("  body: {}", done.to_form());
        }
        Some(Err(e)) => println!("\n== callback refused: {e}"),
        None => println!("\n== no callback (result code {})", done.result_code),
    }
}
