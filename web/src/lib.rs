//! The `clicktodial` page's engine, compiled to WebAssembly, and the build of
//! the page that needs no server.
//!
//! The page (`web/page/`) is one source with two backends: `clicktodial
//! serve` answers its questions over `/api/*`, and the static builds that
//! `build-page` writes under `target/page/` answer them with this crate's
//! exports, in the browser, with nothing sent anywhere. Each export returns
//! the same JSON as the command's `--format json` report.
//!
//! The library reads no clock and does no I/O: where a simulated call needs
//! "now", the page passes it in (the simulated call's `now_ms`).
//!
//! # Example
//!
//! ```
//! let report: serde_json::Value = serde_json::from_str(&clicktodial_web::lint(
//!     "https://vcc-na4.8x8.com/AGUI/make_call.php?phone=6502022222&ctl_userdata=[a|$call_answered_time]",
//! ))
//! .unwrap();
//! assert_eq!(report["findings"][0]["kind"], "unterminated-token");
//! ```
#![deny(missing_docs)]

use wasm_bindgen::prelude::wasm_bindgen;

// The command's own report code, until the shared report crate exists.
#[allow(dead_code, missing_docs)]
#[path = "../../cli/src/check.rs"]
mod check;
#[allow(dead_code, missing_docs)]
#[path = "../../cli/src/finding.rs"]
mod finding;

#[cfg(not(target_arch = "wasm32"))]
pub mod page;

/// The lint report of `text` (a link, on one line or over several), as
/// `clicktodial lint --format json` writes it: `{"link", "findings"}`, each
/// finding with its kind, severity, message, span (UTF-8 byte offsets into
/// `link`) and help.
///
/// # Example
///
/// ```
/// let report: serde_json::Value =
///     serde_json::from_str(&clicktodial_web::lint("not a link")).unwrap();
/// assert_eq!(report["findings"][0]["kind"], "not-a-link");
/// ```
#[wasm_bindgen]
pub fn lint(text: &str) -> String {
    check::check(text).to_json().to_string()
}

/// The vendor's examples the page offers, as a JSON object
/// `{"example1", "example2"}` (the same answer as `serve`'s `/api/examples`).
///
/// # Example
///
/// ```
/// let examples: serde_json::Value =
///     serde_json::from_str(&clicktodial_web::examples()).unwrap();
/// assert!(examples["example2"].as_str().unwrap().contains("make_call.php"));
/// ```
#[wasm_bindgen]
pub fn examples() -> String {
    serde_json::json!({
        "example1": include_str!("../../tests/data/vendor/example1.url").trim_end(),
        "example2": include_str!("../../tests/data/vendor/example2.url").trim_end(),
    })
    .to_string()
}
