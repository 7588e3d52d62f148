//! `Callback::from_form` never panics, and `to_form` then `from_form` gives
//! the same callback. See `checks.rs`.
#![no_main]

#[path = "../../tests/common/checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::callback_form(data));
