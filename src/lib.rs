//! clicktodial (crate docs are written once the modules are in).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod callback;
mod callback_url;
mod error;
mod grammar;
mod screenpop;
mod sfdc;
mod system;
mod userdata;

pub use callback::{Callback, ResultCode};
pub use callback_url::{check_callback_url, CallbackPolicy};
pub use error::{Diagnostic, ParseError, ParseErrorKind, RequestError, RequestErrorKind};
pub use screenpop::Screenpop;
pub use sfdc::SfdcCreate;
pub use system::{known_system_name, Action, Integration, LaunchMode, SystemData};
pub use userdata::{is_system_name, ExtTransactionData, UserData};
