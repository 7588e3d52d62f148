//! # clicktodial
//!
//! The 8x8 Contact Center Click-To-Dial API, for both of its sides: the
//! contact-center service that receives `make_call.php` requests, and the CRM
//! integration that builds the links and receives the callbacks.
//!
//! It is a pure library: no network, no I/O, no global state, no clock (time
//! comes from the [`CallContext`]), no `unsafe`, and no panic on any input.
//!
//! ## How a click-to-dial call flows through the crate
//!
//! ```text
//! make_call.php URL / query + POST body
//!    │  ClickToDialRequest: prefix, phone, callerId, dialplan_id, queue_id (validated)
//!    │                      ctl_userdata, extTransactionData (GET or POST; POST wins)
//!    ▼
//! UserData ── ordered [name|value] pairs, borrowed from the input
//!    │  system data (ctl_*) ──► SystemData ──► ActionPlan (create, screenpop, callback)
//!    │  user data            ──► record fields / screenpop data
//!    ▼  the call ends: CallContext (ids, times, tenant time zone, codes, notes)
//! UserData::expand ── tokens replaced in every value, one value at a time
//!    ├─► SfdcCreate  (sObject, fields, REST path, JSON)
//!    ├─► Screenpop   (form-encoded POST; the password never in Debug)
//!    └─► Callback    (form-encoded POST to the expanded, checked ctl_callbackUrl)
//! ```
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use clicktodial::{
//!     ActionPlan, CallContext, CallbackPolicy, ClickToDialRequest, CreateOutcome, ResultCode,
//!     Screenpop,
//! };
//!
//! // 1. The request arrives.
//! let req = ClickToDialRequest::from_url(
//!     "https://vcc-na4.8x8.com/AGUI/make_call.php?prefix=1&phone=(650)%20292-8880\
//!      &ctl_userdata=[ctl_action|create][ctl_intType|sfdc][ObjectType|Task]\
//!      [Subject|Call%20$transaction_id$%20($callDuration$)][ctl_launchopt|true]\
//!      [ctl_callbackUrl|https://crm.example.com/cb?t=$transaction_id$]",
//! )?;
//! assert_eq!(req.dial_string(), "16502928880");
//! assert!(req.lint().is_empty());
//!
//! // 2. The plan: what the contact center must do.
//! let data = req.userdata.unwrap_or_default();
//! let plan = ActionPlan::new(&data);
//! assert!(plan.create.is_some() && plan.screenpop.is_some());
//!
//! // 3. The call ends: expand the tokens over its context ("now" is the
//! //    service's clock; the library never reads one).
//! let mut ctx = CallContext::new(Utc::now(), chrono_tz::America::Los_Angeles);
//! ctx.transaction_id = "8312345".into();
//! ctx.answered_at = Utc.with_ymd_and_hms(2024, 3, 12, 17, 4, 5).single();
//! ctx.hangup_at = Utc.with_ymd_and_hms(2024, 3, 12, 17, 11, 36).single();
//! let expanded = data.try_expand(&ctx)?;
//! assert_eq!(expanded.get("Subject"), Some("Call 8312345 (00:07:31)"));
//!
//! // 4. Create the record (the HTTP call is the service's), then finish.
//! let create = plan.sfdc_create(&expanded).unwrap();
//! assert_eq!(create.path("v59.0"), "/services/data/v59.0/sobjects/Task/");
//! assert_eq!(create.to_json(), r#"{"Subject":"Call 8312345 (00:07:31)"}"#);
//! let done = plan.finish(expanded, CreateOutcome::Created("00T5e00000AbCdE".into()));
//! assert_eq!(done.result_code, ResultCode::Success);
//!
//! // 5. The screenpop and the callback bodies.
//! let pop = Screenpop { agent_id: "agent42".into(), ..Screenpop::for_userdata(&done.ctl_userdata) };
//! assert!(pop.to_form().starts_with("CtlUserData="));
//! let url = plan.callback(&ctx, &CallbackPolicy::default()).unwrap()?;
//! assert_eq!(url.as_str(), "https://crm.example.com/cb?t=8312345");
//! assert!(done.to_form().contains("resultCode=SUCCESS"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## The grammar
//!
//! A sequence of `[name|value]` pairs; ASCII white space around pairs is
//! ignored. The name runs to the first `|`, the value to the first `]` after
//! it (a value may hold `|` and `[`). The vendor format has no escapes, so a
//! value holding `]` could not be written; the crate adds exactly four,
//! decoded in names and values: `%5B` `[`, `%5D` `]`, `%7C` `|`, `%25` `%`.
//! Any other `%` is literal (`50% off` stays as written). `Display` writes an
//! escape only where one is needed. Parsing is one linear pass with no
//! recursion; names and values borrow from the input unless an escape had to
//! be decoded. [`UserData::parse`] is strict (the first error, with its byte
//! offset); [`UserData::parse_lenient`] keeps every good pair and reports a
//! [`Diagnostic`] with a span for everything it skipped.
//!
//! ## Tokens
//!
//! The vendor's 20 `$tokens$` ([`Token`]) are expanded by [`expand`],
//! [`Template`] (compile once, render many) and [`UserData::expand`] (each
//! value on its own, after parsing, so text from the context can never
//! create, end or change a pair). A `$` that opens no known token is literal
//! text, and text that a token brings in is never expanded again. The values
//! and their formats are documented on [`CallContext`].
//!
//! ## Errors
//!
//! Every function that takes outside data returns a typed error and never
//! panics. [`ParseError`] has the byte offset and a [`ParseErrorKind`];
//! [`RequestError`] names the parameter and shows the offending text. No
//! error shows a password, and URLs in messages are shown without user info.
//! Lints ([`Lint`]) are advice about links that parse but will not do what
//! their author meant. Outside text in every message is quoted through the
//! crate's one sanitiser and URLs through its one redactor ([`redact`]);
//! use them for your own logs too.
//!
//! ## Links as people write them
//!
//! Phones may hold Unicode dashes and spaces and a trailing extension
//! ([`ClickToDialRequest::extension`], never dialled). Errors point into the
//! link as given ([`RequestError::span`], with an excerpt and the fix in
//! `Display`), and [`LinkMap`] maps any `ctl_userdata` range into the link.
//! [`ClickToDialRequest::from_url_lenient`] dials on a valid phone and
//! reports every skipped part of the data. [`LinkTemplate`] builds and
//! fills Salesforce custom-link templates whose merge fields stay intact.
//! Build call contexts with [`CallContext::new`] and expand with
//! [`try_expand`] and friends, so that a context without `now` is an error,
//! not a call dated 1970.
//!
//! ## Features
//!
//! - `serde`: `Serialize` and `Deserialize` for every data type
//!   ([`UserData`] as a list of `[name, value]` pairs; it also reads its
//!   `[name|value]` text). [`Callback`] and [`ClickToDialRequest`] use their
//!   wire forms (the vendor's field names, `ctl_userdata` as text), so
//!   `serde_urlencoded`, `axum::Form` and `axum::extract::Query` read them,
//!   validating as [`Callback::from_form`] and
//!   [`ClickToDialRequest::from_query`] do.
//! - `http`: the HTTP edge, on the [`http`](https://docs.rs/http/1) crate
//!   (re-exported as `clicktodial::http`): `from_http` and `to_http`
//!   conversions for the request, the callback, the screenpop and the
//!   Salesforce create, `CreateOutcome::from_sfdc_response`, and
//!   [`PlaceCall`]'s request and answer. Still no I/O: you send the
//!   `http::Request` with the client you have.
//! - `signing`: [Standard Webhooks](https://www.standardwebhooks.com/) v1
//!   signatures in `clicktodial::signing`: `whsec_` secrets, signing, and
//!   verifying with several secrets (rotation) and a time tolerance; with
//!   `http` too, signing and verifying `http::Request`s. Off by default, as
//!   8x8's own callback is unsigned.
//!
//! `chrono`, `chrono_tz` and `url` are re-exported, so a [`CallContext`] or
//! a callback URL needs no matching versions in your `Cargo.toml`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// The rooms, by phase, lowest first; no room imports a higher one.

// The typed errors every room reports with.
mod error;

// The one diagnostic model: findings, their spans, the table of codes.
pub mod diagnostic;

// The one percent-encoding set the crate writes URLs with.
mod encode;

// `[name|value]…` text to pairs, in nom.
mod grammar;

// The data: ordered pairs (and ExtTransactionData), then typed system pairs.
mod userdata;

mod system;

// Tokens, the call context, templates.
mod token;

// Where a URL's parts lie, as the URL parser finds them.
mod url_parts;

// make_call.php: parse, validate, build; links as CRMs write them.
mod request;

// CRM link templates: merge fields, their formulas, filling, errors.
mod crm;

// Screenpop, callback, Salesforce, the callback URL policy, the HTTP edge.
mod payload;

// The action plan: what a call must do, and its result code.
mod plan;

// A link compiled once, each call rendered into reused buffers.
mod compiled;

// Advice on links that parse but will not do what was meant.
mod lint;

// Standard Webhooks v1 signatures for what is sent and received.
#[cfg(feature = "signing")]
#[cfg_attr(docsrs, doc(cfg(feature = "signing")))]
pub mod signing;

// The one sanitiser and the one redactor: how outside text is quoted.
pub mod redact;

// One checker for links and templates.
mod check;

pub use chrono;
pub use chrono_tz;
#[cfg(feature = "http")]
pub use http;
pub use url;

pub use check::{check, Checked, ReadAs};
pub use compiled::{CallBuffers, CompiledLink};
pub use crm::errors::{LinkTemplateError, LinkTemplateErrorKind, LinkTemplateErrors};
pub use crm::fill::{fill_link_template, salesforce_link_encode, SampleRecord};
pub use crm::formula::{merge_fields, MergeField};
pub use crm::template::LinkTemplate;
pub use diagnostic::{Finding, LineColumn, Severity, Span, SpanText};
pub use error::{
    Diagnostic, ErrorDomain, ParseError, ParseErrorKind, RequestError, RequestErrorKind,
};
pub use lint::{Lint, LintKind};
#[cfg(feature = "http")]
pub use payload::MAX_BODY_LEN;
pub use payload::{
    check_callback_url, Callback, CallbackPolicy, CreateOutcome, PlaceCall, ResultCode, Screenpop,
    SfdcCreate,
};
pub use plan::{ActionPlan, CreateRecord, Ignored, ScreenpopLaunch};
pub use request::link::{LinkMap, LinkParam};
pub use request::reading::LinkReading;
pub use request::{ClickToDialRequest, RequestDiagnostic};
pub use system::{known_system_name, Action, Integration, LaunchMode, SystemData};
pub use token::{
    expand, try_expand, CallContext, ExpandError, Template, Token, TokenValues, TransactionCode,
};
pub use userdata::{is_system_name, ExtTransactionData, UserData};

/// The README's examples, run as doctests (with `http` and `serde`, which
/// its axum examples need).
#[doc = include_str!("../README.md")]
#[cfg(all(doctest, feature = "http", feature = "serde"))]
pub struct ReadmeDoctests;
