//! # clicktodial
//!
//! The 8x8 Contact Center Click-To-Dial API, for both of its sides: the
//! contact-center service that receives `make_call.php` requests, and the CRM
//! integration that builds the links and receives the callbacks.
//!
//! - [`ClickToDialRequest`] parses and validates a `make_call.php` request
//!   (`prefix`, `phone`, `callerId`, `dialplan_id`, `queue_id`,
//!   `ctl_userdata`, `extTransactionData`), gives the dial string, and builds
//!   correctly encoded links.
//! - [`UserData`] is the `[name|value]…` sequence of `ctl_userdata`: a
//!   zero-copy parser with a strict mode (first error with its byte offset)
//!   and a lenient one (every good pair, a [`Diagnostic`] with a span for
//!   everything skipped). [`ExtTransactionData`] uses the same grammar.
//! - [`SystemData`] is the typed view of the `ctl_*` pairs.
//!
//! It is a pure library: no network, no I/O, no global state, no clock.
//!
//! ## Example
//!
//! ```
//! use clicktodial::{Action, ClickToDialRequest, Integration};
//!
//! let req = ClickToDialRequest::from_url(
//!     "https://vcc-na4.8x8.com/AGUI/make_call.php?prefix=1&phone=(650)%20292-8880\
//!      &ctl_userdata=[ctl_action|create][ctl_intType|sfdc][ObjectType|Task]\
//!      [subject|Call%20$transaction_id$]",
//! )?;
//! assert_eq!(req.dial_string(), "16502928880");
//!
//! let data = req.userdata.as_ref().unwrap();
//! let system = data.system();
//! assert_eq!(system.action, Some(Action::Create));
//! assert_eq!(system.integration, Some(Integration::Sfdc));
//! assert_eq!(
//!     data.user_fields().collect::<Vec<_>>(),
//!     [("ObjectType", "Task"), ("subject", "Call $transaction_id$")]
//! );
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
//! be decoded.
//!
//! ## Errors
//!
//! Every function that takes outside data returns a typed error and never
//! panics. [`ParseError`] has the byte offset and a [`ParseErrorKind`];
//! [`RequestError`] names the parameter and shows the offending text. No
//! error ever shows a password.
//!
//! ## Features
//!
//! - `serde`: `Serialize` and `Deserialize` for every data type.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_auto_cfg))]

mod callback;
mod callback_url;
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
