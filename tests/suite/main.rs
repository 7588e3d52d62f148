//! The integration tests, one module per subject, built as one test binary:
//! a change to the library relinks one binary instead of fifteen, which
//! makes `cargo test` after an edit (and each `cargo mutants` mutant) about
//! twice as fast. Tests that install a counting global allocator
//! (`compiled_allocs`, `lenient_memory`, `lint_bounds`) or need features of
//! their own (`http_loopback`) stay separate binaries in `tests/`.
//!
//! Run one subject with `cargo test --all-features --test suite lint_links::`.

#[path = "../fuzz/checks.rs"]
mod checks;

mod compiled;
mod diagnostics;
mod flow;
mod fuzz_corpus;
mod grammar;
mod harden;
mod http;
mod links;
mod lint;
mod lint_links;
mod payloads;
mod place_call;
mod request;
mod serde;
mod tokens;
mod wire;
