//! The CRM side: build a click-to-dial link for a record, lint it before it
//! ships, and print it.
//!
//! ```text
//! cargo run --example build_link
//! cargo run --example build_link -- https://vcc-eu.8x8.com '+44 20 7946 0958' 0015e00000XyZab
//! ```

use clicktodial::{ClickToDialRequest, ExtTransactionData, UserData};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let base = args
        .next()
        .unwrap_or_else(|| "https://vcc-na4.8x8.com".into());
    let phone = args.next().unwrap_or_else(|| "(650) 555-0142".into());
    let account_id = args.next().unwrap_or_else(|| "001A000001XyZab".into());

    // A Task logged against the account, opened for editing after the call,
    // and a callback to our own endpoint.
    let mut data = UserData::new();
    data.push("ctl_action", "create")?;
    data.push("ctl_intType", "sfdc")?;
    data.push("ObjectType", "Task")?;
    data.push("WhatId", account_id.clone())?;
    data.push("Subject", "Call $transaction_id$ [click-to-dial]")?;
    data.push(
        "Description",
        "Answered $callAnsweredTenantTT$, $callDuration$ long.\nCodes: $transaction_codes$\n$notes$",
    )?;
    data.push("ActivityDate", "$year$-$month$-$date$")?;
    data.push("ctl_launchopt", "true")?;
    data.push("ctl_launchext", "edit")?;
    data.push("ctl_parentid", account_id.clone())?;
    data.push(
        "ctl_callbackUrl",
        "https://crm.example/clicktodial/callback?t=$transaction_id$",
    )?;

    let mut ext = UserData::new();
    ext.push("extRecordId", account_id.clone())?;
    ext.push("extRecordType", "Account")?;

    let mut req = ClickToDialRequest::new(phone);
    req.prefix = Some("1".into());
    req.userdata = Some(data);
    req.ext_transaction_data = Some(ExtTransactionData::from(ext));

    let lints = req.lint();
    for lint in &lints {
        eprintln!("lint {:?}: {lint}", lint.kind);
    }
    let url = req.to_url(&base)?;
    println!("{url}");

    // What the contact center will read back.
    let back = ClickToDialRequest::from_url(&url)?;
    assert_eq!(back, req);
    eprintln!(
        "dials {}; {} pairs of ctl_userdata; {} lints",
        back.dial_string(),
        back.userdata.as_ref().map_or(0, UserData::len),
        lints.len()
    );
    Ok(())
}
