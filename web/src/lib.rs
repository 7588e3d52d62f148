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
//!     "auto",
//! ))
//! .unwrap();
//! assert_eq!(report["findings"][0]["code"], "unterminated-token");
//! ```
#![deny(missing_docs)]

use wasm_bindgen::prelude::wasm_bindgen;

#[cfg(not(target_arch = "wasm32"))]
pub mod page;

/// The lint report of `text` (a link or a CRM template, on one line or
/// over several), as `clicktodial lint --format json` writes it
/// ([`clicktodial_report::LintReport`]): `{"link", "readAs", "isLink",
/// "findings"}`, each finding with its code, severity, message, span
/// (UTF-8 byte offsets into `link`), help and replacement. `read_as` is
/// the page's control: `auto`, `link` or `template` (anything else is
/// `auto`).
///
/// # Example
///
/// ```
/// let report: serde_json::Value =
///     serde_json::from_str(&clicktodial_web::lint("not a link", "auto")).unwrap();
/// assert_eq!(report["findings"][0]["code"], "not-a-link");
/// ```
#[wasm_bindgen]
pub fn lint(text: &str, read_as: &str) -> String {
    let read_as = match read_as {
        "link" => clicktodial::ReadAs::Link,
        "template" => clicktodial::ReadAs::Template,
        _ => clicktodial::ReadAs::Auto,
    };
    serde_json::to_string(&clicktodial_report::LintReport::new(text, read_as)).unwrap_or_default()
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
