//! `from_query`/`from_query_and_form` never panic, and `to_url` then
//! `from_url` gives an equal request. See `checks.rs`.
#![no_main]

#[path = "../../tests/common/checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::request(data));
