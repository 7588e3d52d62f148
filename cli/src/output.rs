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

/// One JSON value on one line.
pub fn print_json(value: &serde_json::Value) {
    print(&format!("{value}\n"));
}
