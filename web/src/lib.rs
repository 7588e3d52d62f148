//! The `clicktodial` page's engine, compiled to WebAssembly, and the build of
//! the page that needs no server.
//!
//! The page (`web/page/`) is one source with two backends: `clicktodial
//! serve` answers its questions over `/api/*`, and the static builds that
//! `build-page` writes under `target/page/` answer them with this crate's
//! exports, in the browser, with nothing sent anywhere. Each export returns
//! the JSON of the command's `--format json` report (the structs of
//! [`clicktodial_report`]), so the page, the terminal and `/api/*` say the
//! same thing.
//!
//! The library reads no clock and does no I/O: where a simulated call needs
//! "now", the page passes it in ([`simulate`]'s `now_ms`).
//!
//! The exports take and return strings (JSON where the value is
//! structured): the page parses one JSON text per answer, and the `.wasm`
//! carries no serde-to-JavaScript layer.
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

use clicktodial::chrono::{DateTime, Utc};
use clicktodial::{check, ReadAs};
use clicktodial_report::{CallSettings, ExplainReport, FillReport, LintReport};
use wasm_bindgen::prelude::wasm_bindgen;

#[cfg(not(target_arch = "wasm32"))]
pub mod page;
pub mod zones;

/// `auto` (also an empty or unknown word: the page's default), `link` or
/// `template`.
fn read_as(word: &str) -> ReadAs {
    match word {
        "link" => ReadAs::Link,
        "template" => ReadAs::Template,
        _ => ReadAs::Auto,
    }
}

fn json(report: &impl serde::Serialize) -> String {
    // The reports are plain structs of strings, numbers and lists: they
    // always serialize.
    serde_json::to_string(report).unwrap_or_else(|e| {
        serde_json::json!({ "error": format!("the report cannot be written: {e}") }).to_string()
    })
}

/// The lint report of `text` (a link or a template, on one line or over
/// several), read as `read_as` (`auto`, `link` or `template`), as
/// `clicktodial lint --format json` writes it: each finding with its code,
/// severity, message, help and span (UTF-8 byte offsets into the report's
/// `link`).
///
/// # Example
///
/// ```
/// let report: serde_json::Value =
///     serde_json::from_str(&clicktodial_web::lint("not a link", "auto")).unwrap();
/// assert_eq!(report["findings"][0]["code"], "not-a-link");
/// assert_eq!(report["isLink"], false);
/// ```
#[wasm_bindgen]
pub fn lint(text: &str, read_as_word: &str) -> String {
    json(&LintReport::new(text, read_as(read_as_word)))
}

/// The explain report of `text`, as `clicktodial explain --format json`
/// writes it: the dial string, the parameters, the data, the action plan
/// and the tokens, beside every finding.
///
/// # Example
///
/// ```
/// let report: serde_json::Value = serde_json::from_str(&clicktodial_web::explain(
///     "https://vcc-na4.8x8.com/AGUI/make_call.php?prefix=1&phone=6502022222",
///     "link",
/// ))
/// .unwrap();
/// assert_eq!(report["dialString"], "16502022222");
/// ```
#[wasm_bindgen]
pub fn explain(text: &str, read_as_word: &str) -> String {
    json(&ExplainReport::new(text, read_as(read_as_word)))
}

/// The simulated call over `link`, as `clicktodial simulate --format json`
/// writes it: the expanded data, the Salesforce create, the screenpop and
/// the callback bodies, and the result code.
///
/// `settings` is the JSON of the call's settings (the page's form, the body
/// of `serve`'s `/api/simulate`): `tz`, `answered`, `duration`, `code`,
/// `notes`, `now`, `recordId`, `createFails`, each optional. `now_ms`
/// (milliseconds since 1970, the page's `Date.now()`) is "now" when the
/// settings give neither `now` nor `answered`.
///
/// # Errors
///
/// A message when the link is refused (its lint report names why), or a
/// setting cannot be read.
///
/// # Example
///
/// ```
/// let link = "https://vcc-na4.8x8.com/AGUI/make_call.php?phone=6502022222\
///             &ctl_userdata=[start|$callAnsweredTenantTT$]";
/// let settings = r#"{"tz": "Europe/Paris", "answered": "2024-03-12T17:04:05Z", "duration": "90s"}"#;
/// let report: serde_json::Value =
///     serde_json::from_str(&clicktodial_web::simulate(link, settings, 0.0).unwrap()).unwrap();
/// assert_eq!(report["expanded"][0][1], "2024/03/12 18:04:05 +0100");
/// assert!(clicktodial_web::simulate("not a link", "{}", 0.0).is_err());
/// ```
#[wasm_bindgen]
pub fn simulate(link: &str, settings: &str, now_ms: f64) -> Result<String, String> {
    let settings: CallSettings =
        serde_json::from_str(settings).map_err(|e| format!("the call's settings: {e}"))?;
    let checked = check(link, ReadAs::Link);
    let Some(request) = checked.link().and_then(|l| l.accepted()) else {
        let errors = checked
            .findings()
            .iter()
            .filter(|f| f.severity() == clicktodial::Severity::Error)
            .count();
        return Err(format!(
            "the contact center refuses this link ({errors} error{}: see the findings)",
            if errors == 1 { "" } else { "s" }
        ));
    };
    let context = settings.context(request, clock(now_ms)?)?;
    clicktodial_report::simulate(request, &context, settings.outcome()).map(|r| json(&r))
}

/// The fill report of `template` with `fields`, a JSON object of merge
/// field names and their values (`{"Account.Phone": "(650) 555-0142"}`), as
/// `clicktodial fill --format json` writes it: the filled link, or every
/// problem with its place in the template, and the fields missing and
/// unused.
///
/// # Errors
///
/// A message when `fields` is not a JSON object of strings.
///
/// # Example
///
/// ```
/// let template = "https://vcc-na4.8x8.com/AGUI/make_call.php?phone={!Account.Phone}";
/// let names: serde_json::Value =
///     serde_json::from_str(&clicktodial_web::fill(template, "{}").unwrap()).unwrap();
/// assert_eq!(names["missing"][0], "Account.Phone");
/// let filled: serde_json::Value = serde_json::from_str(
///     &clicktodial_web::fill(template, r#"{"Account.Phone": "(650) 555-0142"}"#).unwrap(),
/// )
/// .unwrap();
/// assert_eq!(filled["link"], "https://vcc-na4.8x8.com/AGUI/make_call.php?phone=%28650%29+555-0142");
/// ```
#[wasm_bindgen]
pub fn fill(template: &str, fields: &str) -> Result<String, String> {
    let map: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(fields).map_err(|e| format!("the fields: {e}"))?;
    let mut pairs = Vec::with_capacity(map.len());
    for (name, value) in map {
        match value {
            serde_json::Value::String(s) => pairs.push((name, s)),
            _ => return Err(format!("field `{name}`: a string value")),
        }
    }
    Ok(json(&FillReport::new(template, &pairs)))
}

/// The names of the time zones this build carries, as a JSON list (every
/// IANA zone in a native build; the page's `.wasm` carries fewer: see
/// [`zones`](mod@zones)).
///
/// # Example
///
/// ```
/// let zones: Vec<String> = serde_json::from_str(&clicktodial_web::zone_names()).unwrap();
/// assert!(zones.iter().any(|z| z == "America/Los_Angeles"));
/// ```
#[wasm_bindgen]
pub fn zone_names() -> String {
    let names: Vec<&str> = chrono_tz::TZ_VARIANTS.iter().map(|z| z.name()).collect();
    serde_json::json!(names).to_string()
}

/// When the call the settings describe was answered, hung up and expanded,
/// as a JSON list of three milliseconds since 1970: the instants whose
/// offsets a zone must share with the tenant's to simulate it (the zone of
/// `settings` is not read).
///
/// # Errors
///
/// A message when a setting cannot be read.
///
/// # Example
///
/// ```
/// let times = clicktodial_web::call_times(
///     r#"{"tz": "Nowhere/Else", "answered": "1970-01-01T00:00:10Z", "duration": "90s"}"#,
///     0.0,
/// )
/// .unwrap();
/// assert_eq!(times, "[10000,100000,104000]");
/// ```
#[wasm_bindgen]
pub fn call_times(settings: &str, now_ms: f64) -> Result<String, String> {
    let mut settings: CallSettings =
        serde_json::from_str(settings).map_err(|e| format!("the call's settings: {e}"))?;
    settings.tz = "UTC".to_owned();
    let context = settings.context(&clicktodial::ClickToDialRequest::new("1"), clock(now_ms)?)?;
    let times: Vec<i64> = [context.answered_at, context.hangup_at, Some(context.now)]
        .iter()
        .flatten()
        .map(|t| t.timestamp_millis())
        .collect();
    Ok(serde_json::json!(times).to_string())
}

/// `now_ms` as a time: a whole millisecond in chrono's range.
fn clock(now_ms: f64) -> Result<DateTime<Utc>, String> {
    (now_ms.is_finite() && now_ms.abs() < 8.0e15)
        .then(|| DateTime::from_timestamp_millis(now_ms as i64))
        .flatten()
        .ok_or_else(|| "now: not a time in milliseconds since 1970".to_owned())
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

/// The link or the CRM template `settings` describe, as `clicktodial build`
/// writes it, in a JSON object `{"link": …}`. `settings` is a JSON object
/// of the command's flags in camelCase: `base`, `phone`, `prefix`,
/// `callerId`, `data` and `template` (`salesforce` for a Salesforce custom
/// link with its merge fields intact).
///
/// # Errors
///
/// A one-line message when a setting cannot be used.
///
/// # Example
///
/// ```
/// let built: serde_json::Value = serde_json::from_str(
///     &clicktodial_web::build_template(
///         r#"{"base": "https://vcc-na4.8x8.com", "phone": "{!Account.Phone}",
///             "data": "[WhatId|{!Account.Id}]", "template": "salesforce"}"#,
///     )
///     .unwrap(),
/// )
/// .unwrap();
/// assert!(built["link"].as_str().unwrap().contains("{!Account.Id}"));
/// assert!(clicktodial_web::build_template(r#"{"base": "nowhere", "phone": "1"}"#).is_err());
/// ```
#[wasm_bindgen]
pub fn build_template(settings: &str) -> Result<String, String> {
    let settings: clicktodial_report::BuildSettings =
        serde_json::from_str(settings).map_err(|e| format!("the settings: {e}"))?;
    let link = clicktodial_report::build_link(&settings)?;
    Ok(serde_json::json!({ "link": link }).to_string())
}
