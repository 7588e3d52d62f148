//! `clicktodial lint [--format text|json] [--as auto|link|template] <LINK | ->`

use anyhow::Context as _;
use std::io::BufRead;
use std::process::ExitCode;

use clicktodial::{check, Checked, Severity};
use clicktodial_report::LintReport;

use crate::output::{print, print_json, status, styled, Format, ReadAsArg};
use crate::render::render;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Read the text as a link or as a CRM template [default: a template
    /// when `phone` holds a merge field, else a link].
    #[arg(long = "as", value_enum, value_name = "READING", default_value_t)]
    pub read_as: ReadAsArg,
    /// The link (lines joined when it is given over several), or `-` to read
    /// links from standard input, one per line.
    #[arg(value_name = "LINK | -")]
    pub link: String,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let inputs: Vec<(String, String)> = if args.link == "-" {
        let mut lines = Vec::new();
        for (n, line) in std::io::stdin().lock().lines().enumerate() {
            let line = line.context("reading standard input")?;
            if !line.trim().is_empty() {
                lines.push((format!("stdin:{}", n + 1), line));
            }
        }
        lines
    } else {
        vec![("link".to_owned(), args.link)]
    };
    let checked: Vec<Checked> = inputs
        .iter()
        .map(|(_, text)| check(text, args.read_as.into()))
        .collect();
    match args.format {
        Format::Json => checked.iter().for_each(|c| print_json(&LintReport::of(c))),
        Format::Text => print(&text_report(&inputs, &checked, styled())),
    }
    Ok(status(&checked))
}

/// The note that a text was read as a template (a link needs none).
pub fn reading_note(c: &Checked, origin: &str) -> String {
    match c.read_as() {
        clicktodial::ReadAs::Template => format!(
            "note: {origin}: read as a CRM link template (its `phone` holds a merge field); \
             `--as link` reads it as a link\n\n"
        ),
        _ => String::new(),
    }
}

/// The diagnostics of every link, then one summary line.
pub fn text_report(inputs: &[(String, String)], checked: &[Checked], styled: bool) -> String {
    let mut out = String::new();
    let (mut errors, mut warnings) = (0, 0);
    for ((origin, _), c) in inputs.iter().zip(checked) {
        out.push_str(&reading_note(c, origin));
        out.push_str(&render(c.text(), origin, c.findings(), styled));
        for f in c.findings() {
            match f.severity() {
                Severity::Error => errors += 1,
                _ => warnings += 1,
            }
        }
    }
    let clean = checked.iter().filter(|c| c.findings().is_empty()).count();
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
