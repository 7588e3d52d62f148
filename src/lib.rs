//! clicktodial (crate docs are written once the modules are in).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod error;
mod grammar;
mod request;
mod system;
mod userdata;

pub use error::{Diagnostic, ParseError, ParseErrorKind, RequestError, RequestErrorKind};
pub use request::ClickToDialRequest;
pub use system::{known_system_name, Action, Integration, LaunchMode, SystemData};
pub use userdata::{is_system_name, ExtTransactionData, UserData};
