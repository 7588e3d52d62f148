//! Structured: arbitrary pairs and a hostile call context, end to end
//! (expand, Display, parse, callback, screenpop, SFDC create). The bytes are
//! decoded with `arbitrary` inside the check, so the replay test decodes a
//! corpus file the same way. See `checks.rs`.
#![no_main]

#[path = "../../tests/common/checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::injection(data));
