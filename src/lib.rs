//! clicktodial (crate docs are written once the modules are in).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod context;
mod error;
mod grammar;
mod system;
mod template;
mod token;
mod userdata;

pub use context::{CallContext, TokenValues, TransactionCode};
pub use error::{Diagnostic, ParseError, ParseErrorKind, RequestError, RequestErrorKind};
pub use system::{known_system_name, Action, Integration, LaunchMode, SystemData};
pub use template::{expand, Template};
pub use token::Token;
pub use userdata::{is_system_name, ExtTransactionData, UserData};
