//! The integration tests, one module per subject, built as one test binary:
//! a change to the library relinks one binary instead of fifteen, which
//! makes `cargo test` after an edit (and each `cargo mutants` mutant) about
//! twice as fast. Tests that install a counting global allocator
//! (`compiled_allocs`, `lenient_memory`, `lint_bounds`) or need features of
//! their own (`http_loopback`) stay separate binaries in `tests/`.
//!
//! Run one subject with `cargo test --all-features --test suite written_links::`.

mod bounds;
mod callback_url;
#[path = "../common/checks.rs"]
mod checks;
mod compiled;
mod diagnostics;
mod flow;
mod fuzz_corpus;
mod grammar;
mod http;
mod links;
mod lint;
mod payloads;
mod place_call;
mod record_ids;
mod request;
mod serde;
mod to_url;
mod tokens;
mod wire;
mod written_links;
