//! The one printer: text for people, JSON for scripts.

use std::io::{IsTerminal, Write};

/// `--format`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For people.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// `--as`: how to read the text given.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ReadAsArg {
    /// A template when `phone` holds a CRM merge field (`{!…}`), else a link.
    #[default]
    Auto,
    /// A click-to-dial link, as the contact center receives it: a merge
    /// field left in it is a finding.
    Link,
    /// A CRM custom-link template, before the CRM fills its merge fields.
    Template,
}

impl From<ReadAsArg> for clicktodial::ReadAs {
    fn from(arg: ReadAsArg) -> Self {
        match arg {
            ReadAsArg::Auto => clicktodial::ReadAs::Auto,
            ReadAsArg::Link => clicktodial::ReadAs::Link,
            ReadAsArg::Template => clicktodial::ReadAs::Template,
        }
    }
}

/// Whether standard output is a terminal (colours on).
pub fn styled() -> bool {
    std::io::stdout().is_terminal()
}

/// Writes `text` to standard output; a closed pipe (`| head`) is not an
/// error worth a panic.
pub fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// One report as JSON, on one line.
pub fn print_json<T: serde::Serialize>(report: &T) {
    match serde_json::to_string(report) {
        Ok(line) => print(&format!("{line}\n")),
        Err(e) => eprintln!("error: the report cannot be written as JSON: {e}"),
    }
}
