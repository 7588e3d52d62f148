//! The callback URL expanded by component: whatever the call data, the URL
//! keeps the tenant's scheme, host, port and query keys. The input is a
//! `ctl_callbackUrl` template, then lines that replace the context's fields
//! (as for `expand`). See `checks.rs`.
#![no_main]

#[path = "../../tests/common/checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::callback_url(data));
