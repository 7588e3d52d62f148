//! `expand` and `Template` agree with an obvious reference expander, over a
//! context whose values hold `$`, token names, `]` and `|` (text a token
//! brings in is never expanded again). See `checks.rs`.
#![no_main]

#[path = "../../tests/common/checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::expand_differential(data));
