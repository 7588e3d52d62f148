//! `clicktodial lint [--format text|json] <LINK | ->`

use std::io::BufRead;
use std::process::ExitCode;

use crate::check::{check, Checked};
use crate::output::{print, print_json, styled, Format};
use crate::render::render;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// The link (lines joined when it is given over several), or `-` to read
    /// links from standard input, one per line.
    #[arg(value_name = "LINK | -")]
    pub link: String,
}

/// Exit status for a set of checked links: 2 when one is not a link at all,
/// else 1 when there is a finding, else 0.
pub fn status(checked: &[Checked]) -> ExitCode {
    if checked.iter().any(|c| !c.is_link) {
        ExitCode::from(2)
    } else if checked.iter().any(|c| !c.findings.is_empty()) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

pub fn run(args: Args) -> Result<ExitCode, String> {
    let inputs: Vec<(String, String)> = if args.link == "-" {
        let mut lines = Vec::new();
        for (n, line) in std::io::stdin().lock().lines().enumerate() {
            let line = line.map_err(|e| format!("reading standard input: {e}"))?;
            if !line.trim().is_empty() {
                lines.push((format!("stdin:{}", n + 1), line));
            }
        }
        lines
    } else {
        vec![("link".to_owned(), args.link)]
    };
    let checked: Vec<Checked> = inputs.iter().map(|(_, text)| check(text)).collect();
    match args.format {
        Format::Json => checked.iter().for_each(|c| print_json(&c.to_json())),
        Format::Text => print(&text_report(&inputs, &checked, styled())),
    }
    Ok(status(&checked))
}

/// The diagnostics of every link, then one summary line.
pub fn text_report(inputs: &[(String, String)], checked: &[Checked], styled: bool) -> String {
    let mut out = String::new();
    let (mut errors, mut warnings) = (0, 0);
    for ((origin, _), c) in inputs.iter().zip(checked) {
        out.push_str(&render(&c.link, origin, &c.findings, styled));
        for f in &c.findings {
            match f.severity {
                crate::finding::Severity::Error => errors += 1,
                crate::finding::Severity::Warning => warnings += 1,
            }
        }
    }
    let clean = checked.iter().filter(|c| c.findings.is_empty()).count();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    out.push_str(&format!(
        "{}: {} clean; {}, {}\n",
        plural(checked.len(), "link"),
        clean,
        plural(errors, "error"),
        plural(warnings, "warning"),
    ));
    out
}
