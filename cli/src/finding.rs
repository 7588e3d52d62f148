//! One finding about a link: what, how bad, the message, and where.
//!
//! Every command that reports problems (lint, explain, the simulator's 400
//! answers, `/api/lint`) goes through this one model, so text and JSON say
//! the same thing.

use std::ops::Range;

use serde_json::{json, Value};

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The request is refused, or part of `ctl_userdata` is skipped.
    Error,
    /// The request goes through, but does not do what its author meant.
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One finding about one link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Kebab-case name of what was found (`unterminated-token`).
    pub kind: String,
    pub severity: Severity,
    /// One line: what is wrong and what to change.
    pub message: String,
    /// Byte range in the link text (as joined), where there is one place.
    pub span: Option<Range<usize>>,
    /// The library's fix for this very finding, where it has one (else
    /// the tool's advice for its kind is shown: [`Finding::help_text`]).
    pub help: Option<String>,
}

impl Finding {
    pub fn new(kind: impl Into<String>, severity: Severity, message: impl Into<String>) -> Self {
        Finding {
            kind: kind.into(),
            severity,
            message: message.into(),
            span: None,
            help: None,
        }
    }

    pub fn at(mut self, span: Option<Range<usize>>) -> Self {
        self.span = span;
        self
    }

    /// The library's fix, if it gave one.
    pub fn help(mut self, help: Option<&str>) -> Self {
        self.help = help.map(str::to_owned);
        self
    }

    /// What to do: the library's fix for this finding, else the tool's
    /// advice for its kind.
    pub fn help_text(&self) -> Option<&str> {
        self.help
            .as_deref()
            .or_else(|| crate::check::help(&self.kind))
    }

    pub fn to_json(&self) -> Value {
        json!({
            "kind": self.kind,
            "severity": self.severity.as_str(),
            "message": self.message,
            "span": self.span.as_ref().map(|s| [s.start, s.end]),
            "help": self.help_text(),
        })
    }
}

/// `UnterminatedToken` → `unterminated-token`; the variant name of a
/// `Debug` form such as `InvalidPhone { value: "x" }`.
pub fn kebab_kind(debug: &str) -> String {
    let name = debug
        .split(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .unwrap_or_default();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_kebab_case_variant_names() {
        assert_eq!(kebab_kind("UnterminatedToken"), "unterminated-token");
        assert_eq!(kebab_kind("InvalidPhone { value: \"x\" }"), "invalid-phone");
        assert_eq!(kebab_kind("NotHttps(\"http\")"), "not-https");
    }

    #[test]
    fn json_span_is_a_pair_or_null() {
        let f = Finding::new("k", Severity::Warning, "m");
        assert_eq!(f.to_json()["span"], Value::Null);
        assert_eq!(f.at(Some(3..5)).to_json()["span"], json!([3, 5]));
    }
}
