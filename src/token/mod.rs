//! The tokens room: the vendor's 20 `$tokens$` and what fills them.
//!
//! - [`table`]: the one token table ([`Token`], its names);
//! - [`context`]: the call a token is expanded over ([`CallContext`],
//!   [`TransactionCode`]);
//! - [`values`]: the value cache ([`TokenValues`]), each value formatted
//!   once per call by [`format`], the fixed-width formatter;
//! - [`template`]: the one scanner, [`expand`], [`Template`] and
//!   [`UserData::expand`](crate::UserData::expand).
//!
//! Tokens sit above the data room (a template expands `UserData`'s values)
//! and below the request, payload, plan and lint rooms.

pub(crate) mod context;
pub(crate) mod format;
pub(crate) mod table;
pub(crate) mod template;
pub(crate) mod values;

pub use context::{CallContext, TransactionCode};
pub use table::Token;
pub use template::{expand, try_expand, ExpandError, Template};
pub use values::TokenValues;
