//! Findings rendered as the compiler renders its diagnostics (with
//! annotate-snippets, the renderer rustc and cargo use): a title with the
//! code, the text, a caret line under the span, and the help and the fix.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use clicktodial::{Finding, Severity, SpanText};

/// The byte range of `finding` in `text` (the link as read, or the
/// template), when it has one there.
pub fn range_in(finding: &Finding, text: &str) -> Option<std::ops::Range<usize>> {
    let span = finding.span()?;
    let range = match span.text() {
        SpanText::Template => Some(span.range()),
        _ => span.link_range(),
    }?;
    (text.get(range.clone()).is_some()).then_some(range)
}

/// Renders every finding about `text`; `origin` names where it came from
/// (`link`, `stdin:3`). `styled`: ANSI colours, for a terminal.
pub fn render(text: &str, origin: &str, findings: &[Finding], styled: bool) -> String {
    let renderer = if styled {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for finding in findings {
        let level = match finding.severity() {
            Severity::Error => Level::ERROR,
            _ => Level::WARNING,
        };
        let title = level.primary_title(finding.message()).id(finding.code());
        let label = finding.code().replace('-', " ");
        let group = match range_in(finding, text) {
            Some(span) => title.element(
                Snippet::source(text)
                    .path(origin)
                    .annotation(AnnotationKind::Primary.span(span).label(label)),
            ),
            None => Group::with_title(title),
        };
        let mut report = vec![group];
        // A text given over several lines is shown joined: say where the
        // place is in the lines as given.
        let joined = findings.iter().any(|f| f.code() == "joined-lines");
        let place = finding
            .span()
            .and_then(|s| s.start())
            .filter(|_| joined)
            .map(|at| {
                format!(
                    "line {}, column {} of the text as given",
                    at.line, at.column
                )
            });
        if let Some(place) = &place {
            report.push(Group::with_title(
                Level::NOTE.secondary_title(place.as_str()),
            ));
        }
        if let Some(help) = finding.help() {
            report.push(Group::with_title(Level::HELP.secondary_title(help)));
        }
        let fix = match finding.replacement() {
            Some("") => Some("remove it".to_owned()),
            Some(r) => Some(format!("write `{r}` there")),
            None => None,
        };
        if let Some(fix) = &fix {
            report.push(Group::with_title(Level::HELP.secondary_title(fix.as_str())));
        }
        out.push_str(&renderer.render(&report));
        out.push_str("\n\n");
    }
    out
}
