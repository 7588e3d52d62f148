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
//!      [ctl_callbackUrl|https://crm.example/cb?t=$transaction_id$]",
//! )?;
//! assert_eq!(req.dial_string(), "16502928880");
//! assert!(req.lint().is_empty());
//!
//! // 2. The plan: what the contact center must do.
//! let data = req.userdata.unwrap_or_default();
//! let plan = ActionPlan::new(&data);
//! assert!(plan.create.is_some() && plan.screenpop.is_some());
//!
//! // 3. The call ends: expand the tokens over its context.
//! let ctx = CallContext {
//!     transaction_id: "8312345".into(),
//!     answered_at: Utc.with_ymd_and_hms(2024, 3, 12, 17, 4, 5).single(),
//!     hangup_at: Utc.with_ymd_and_hms(2024, 3, 12, 17, 11, 36).single(),
//!     tenant_tz: chrono_tz::America::Los_Angeles,
//!     ..CallContext::default()
//! };
//! let expanded = data.expand(&ctx);
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
//! assert_eq!(url.as_str(), "https://crm.example/cb?t=8312345");
//! assert!(done.to_form().contains("resultCode=SUCCESS"));
//! # Ok::<(), clicktodial::RequestError>(())
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
//! their author meant.
//!
//! ## Features
//!
//! - `serde`: `Serialize` and `Deserialize` for every data type
//!   ([`UserData`] as a list of `[name, value]` pairs).
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_auto_cfg))]

mod callback;
mod callback_url;
mod compiled;
mod context;
mod error;
mod grammar;
mod lint;
mod plan;
mod request;
mod screenpop;
mod sfdc;
mod system;
mod template;
mod token;
mod userdata;

pub use callback::{Callback, ResultCode};
pub use callback_url::{check_callback_url, CallbackPolicy};
pub use compiled::{CallBuffers, CompiledLink};
pub use context::{CallContext, TokenValues, TransactionCode};
pub use error::{Diagnostic, ParseError, ParseErrorKind, RequestError, RequestErrorKind};
pub use lint::{Lint, LintKind};
pub use plan::{ActionPlan, CreateOutcome, CreateRecord, ScreenpopLaunch};
pub use request::ClickToDialRequest;
pub use screenpop::Screenpop;
pub use sfdc::SfdcCreate;
pub use system::{known_system_name, Action, Integration, LaunchMode, SystemData};
pub use template::{expand, Template};
pub use token::Token;
pub use userdata::{is_system_name, ExtTransactionData, UserData};

#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
