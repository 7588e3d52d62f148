//! The receiving side of `ctl_callbackUrl`: parse the POST body the contact
//! center sends when a click-to-dial call completes.
//!
//! ```text
//! cargo run --example callback_receiver                  # a sample body
//! printf '%s' "$BODY" | cargo run --example callback_receiver -- -   # a body on stdin
//! ```

use std::io::Read;

use clicktodial::{Callback, ResultCode};

/// What the contact center posts after a successful create (Example 1 with a
/// callback URL), form-encoded.
const SAMPLE: &str = "ctl_userdata=%5Bctl_action%7Ccreate%5D%5BObjectType%7CTask%5D%5Bsubject%7C\
outbound+call+log+%288312345%29%5D%5Bctl_intType%7Csfdc%5D%5Bctl_callbackUrl%7Chttps%3A%2F%2Fcrm.example%2Fcb%5D\
%5Bctl_newRecordId%7C00T5e00000AbCdEAAX%5D&resultCode=SUCCESS&errorString=";

fn main() {
    let body = match std::env::args().nth(1).as_deref() {
        Some("-") => {
            let mut body = String::new();
            if let Err(e) = std::io::stdin().read_to_string(&mut body) {
                eprintln!("cannot read stdin: {e}");
                std::process::exit(2);
            }
            body
        }
        Some(body) => body.to_owned(),
        None => SAMPLE.to_owned(),
    };
    let callback = match Callback::from_form(body.trim_end()) {
        Ok(callback) => callback,
        Err(e) => {
            // Answer 400 with this message in a real endpoint.
            eprintln!("bad callback: {e}");
            std::process::exit(1);
        }
    };
    match callback.result_code {
        ResultCode::Success => println!(
            "record created: {}",
            callback.new_record_id().unwrap_or("(no ctl_newRecordId)")
        ),
        ResultCode::Fail => println!("create failed: {}", callback.error_string),
        _ => println!("no action was taken ({})", callback.result_code),
    }
    println!("user data:");
    for (name, value) in callback.ctl_userdata.user_fields() {
        println!("  {name:<12} {value}");
    }
}
