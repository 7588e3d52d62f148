//! The report layer the commands share (and never the reverse): the one
//! printer (text for people, JSON for scripts), the exit status of checked
//! links, and the vendor's example the commands fall back on.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clicktodial::Checked;

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

/// Whether a check found the text to be no link (or template) at all.
pub fn is_link(c: &Checked) -> bool {
    c.findings().iter().all(|f| f.code() != "not-a-link")
}

/// Exit status for a set of checked links: 2 when one is not a link at all,
/// else 1 when there is a finding, else 0.
pub fn status(checked: &[Checked]) -> ExitCode {
    if checked.iter().any(|c| !is_link(c)) {
        ExitCode::from(2)
    } else if checked.iter().any(|c| !c.findings().is_empty()) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The vendor's Example 1 with its merge fields filled
/// (`{!Account.Phone}` → `(650) 555-0142`, `{!Account.Id}` → `001A000001XyZab`):
/// what `simulate`, the page and `/api/simulate` use when given no link.
pub const EXAMPLE_1: &str = include_str!("../../tests/data/vendor/example1.url");
