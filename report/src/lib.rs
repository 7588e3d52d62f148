//! The typed JSON reports of `clicktodial`: what `lint`, `explain`,
//! `simulate` and `fill` print with `--format json`, what `serve` answers on
//! `/api/*`, and what the page's WebAssembly engine returns. One set of
//! structs, serialized by all three, with a committed JSON Schema for each
//! report (`report/schema/*.json`, checked by this crate's tests).
//!
//! Decisions:
//!
//! - The tool's own keys are camelCase (`dialString`, `readAs`,
//!   `resultCode`); the vendor's field names stay as the vendor writes them
//!   inside vendor bodies (`ctl_userdata`, `resultCode`, `errorString` in a
//!   form body).
//! - A finding is the library's [`clicktodial::Finding`]: its stable `code`,
//!   `severity`, one-line `message`, `help`, `replacement`, and `span` as
//!   `[start, end]` UTF-8 byte offsets into the text the report's `link`
//!   holds (the link as read, or the template), with `in` saying which text
//!   and `line`/`column` (from 1) its place in the text as given.
//! - The simulated call ([`simulate`]) is pure: the settings name the
//!   tenant's zone, the answer time, the duration, the transaction codes,
//!   the notes and the outcome; "now" is passed in.
//!
//! This crate does no I/O and reads no clock, so it builds for
//! `wasm32-unknown-unknown`.
//!
//! # Example
//!
//! ```
//! use clicktodial::ReadAs;
//! use clicktodial_report::LintReport;
//!
//! let report = LintReport::new(
//!     "https://vcc-na4.8x8.com/AGUI/make_call.php?phone=6505550142&callerid=5251990",
//!     ReadAs::Auto,
//! );
//! assert_eq!(report.read_as, "link");
//! assert_eq!(report.findings[0].code, "unknown-parameter");
//! assert_eq!(report.findings[0].replacement.as_deref(), Some("callerId"));
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod build;
mod explain;
mod finding;
mod schema;
mod simulate;

pub use build::{build_link, BuildSettings};
pub use explain::{CreateReport, ExplainReport, PlanReport, ScreenpopReport, TokenReport};
pub use finding::{FillReport, FindingReport, LintReport};
pub use schema::{schema_json, WriteSchema, SCHEMAS};
pub use simulate::{
    caller_id, default_codes, parse_code, parse_duration, simulate, simulated_screenpop,
    CallSettings, CallbackRefusal, CallbackReport, FormReport, ReceivedCallback, SfdcReport,
    SimulateReport, DEFAULT_NOTES, SFDC_API_VERSION, SIMULATED_RECORD_ID,
};
