//! The payloads room: what the contact center sends and receives once the
//! call is planned.
//!
//! - [`screenpop`]: the screenpop form POST;
//! - [`callback`]: the callback form POST and its reading on the CRM side;
//! - [`sfdc`]: the Salesforce create request and its outcome;
//! - [`policy`]: the callback URL's expansion by component and the host
//!   policy against server-side request forgery;
//! - [`place_call`]: 8x8's JSON "Place Call For Agent" body;
//! - `http` (feature `http`): the same payloads as `http::Request`s, and the
//!   vendors' answers read;
//! - `wire` (feature `serde`): the wire forms of the types that travel.

pub(crate) mod callback;
#[cfg(feature = "http")]
pub(crate) mod http;
pub(crate) mod place_call;
pub(crate) mod policy;
#[cfg(any(test, target_arch = "wasm32"))]
mod public_suffix;
pub(crate) mod screenpop;
pub(crate) mod sfdc;
#[cfg(feature = "serde")]
pub(crate) mod wire;

pub use callback::{Callback, ResultCode};
#[cfg(feature = "http")]
pub use http::MAX_BODY_LEN;
pub use place_call::PlaceCall;
pub use policy::{check_callback_url, CallbackPolicy};
pub use screenpop::Screenpop;
pub use sfdc::{CreateOutcome, SfdcCreate};
