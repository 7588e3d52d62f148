//! Findings rendered as the compiler renders its diagnostics (with
//! annotate-snippets, the renderer rustc and cargo use): a title with the
//! kind, the link, a caret line under the span, and a help line.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::finding::{Finding, Severity};

/// Renders every finding about `link`; `origin` names where the link came
/// from (`link`, `stdin:3`). `styled`: ANSI colours, for a terminal.
pub fn render(link: &str, origin: &str, findings: &[Finding], styled: bool) -> String {
    let renderer = if styled {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for finding in findings {
        let level = match finding.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let title = level
            .primary_title(finding.message.as_str())
            .id(finding.kind.as_str());
        let group = match &finding.span {
            Some(span) => title.element(
                Snippet::source(link).path(origin).annotation(
                    AnnotationKind::Primary
                        .span(span.clone())
                        .label(finding.kind.replace('-', " ")),
                ),
            ),
            None => Group::with_title(title),
        };
        let mut report = vec![group];
        if let Some(help) = finding.help_text() {
            report.push(Group::with_title(Level::HELP.secondary_title(help)));
        }
        out.push_str(&renderer.render(&report));
        out.push_str("\n\n");
    }
    out
}
