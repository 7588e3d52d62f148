//! The main job: take a click-to-dial URL and show what the contact center
//! makes of it.
//!
//! ```text
//! cargo run --example click_to_dial                # the vendor's Example 1
//! cargo run --example click_to_dial -- '<url>'     # any link
//! ```

use clicktodial::{ClickToDialRequest, SystemData};

/// The vendor's Example 1, with the CRM's merge fields filled in.
const EXAMPLE_1: &str = "https://vcc-na4.8x8.com/AGUI/make_call.php?prefix=&phone=(650) 555-0142\
&callerId=5251990&ctl_userdata= [ctl_action|create][subject|outbound%20call%20log%20($transaction_id$)]\
[Transactionid__c|$interaction_guid$][ObjectType|Task][WhatId|001A000001XyZab][status|completed]\
[Description|My%20Own%20Description%0Acall%20answered%20at$equal$%20$call_answered_time$%0Acall%20\
hangup%20at:%20$call_hangup_time$%0ATransaction%20Codes%20$equal$%20$transaction_codes$]\
[ctl_parentid|001A000001XyZab][ctl_launchopt|true][ctl_launchext|edit][ctl_intType|sfdc]\
[ActivityDate|$year$-$month$-$date$]";

fn main() {
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| EXAMPLE_1.to_owned());
    let req = match ClickToDialRequest::from_url(&url) {
        Ok(req) => req,
        Err(e) => {
            eprintln!("refused: {e}");
            std::process::exit(1);
        }
    };
    println!("== request");
    println!("dial string   {}", req.dial_string());
    println!("phone         {:?}", req.phone);
    println!("prefix        {:?}", req.prefix);
    println!("callerId      {:?}", req.caller_id);
    if let Some(data) = &req.userdata {
        println!("\n== ctl_userdata ({} pairs)", data.len());
        for (name, value) in data.iter() {
            println!("  {name:<18} {value:?}");
        }
        println!("\n== system data");
        match SystemData::from_userdata(data) {
            Ok(system) => println!("{system:#?}"),
            Err(e) => println!("  invalid: {e}"),
        }
    }
}
