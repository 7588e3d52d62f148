//! Strict and lenient parsing agree, lenient never fails, and the
//! canonical form parses back to the same pairs. See `checks.rs`.
#![no_main]

#[path = "../../tests/common/checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::userdata(data));
