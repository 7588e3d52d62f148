//! The page `serve` answers at `/`: paste a link or a custom-link template,
//! see every finding in place, the explanation, a simulated call, and place
//! the call on this simulator.
//!
//! The HTML, CSS and JavaScript (`web/page/`, the one source of the page
//! that `build-page` also builds to run without a server) are compiled into
//! the binary (no CDN, no outside font: the page works on a closed
//! network), and served, the page reads nothing but this server's `/api/*`
//! JSON, so browser and terminal cannot disagree. A strict Content-Security-Policy allows only this origin's own
//! script and style files: no inline script, no `eval`, no frames, no form
//! posts, no other host.

use axum::http::{header, HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

const INDEX: &str = include_str!("../../web/page/index.html");
const SCRIPT: &str = include_str!("../../web/page/app.js");
const STYLE: &str = include_str!("../../web/page/app.css");

/// The policy every page file is served with.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; \
     frame-ancestors 'none'";

fn file(content_type: &'static str, body: &'static str) -> Response {
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ),
    ];
    (headers, body).into_response()
}

pub async fn index() -> Response {
    file("text/html; charset=utf-8", INDEX)
}

pub async fn script() -> Response {
    file("text/javascript; charset=utf-8", SCRIPT)
}

pub async fn style() -> Response {
    file("text/css; charset=utf-8", STYLE)
}

/// The vendor's examples, for the page's "try an example" buttons.
pub async fn examples() -> Json<serde_json::Value> {
    Json(json!({
        "example1": crate::output::EXAMPLE_1.trim_end(),
        "example2": include_str!("../../tests/data/vendor/example2.url").trim_end(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_loads_only_its_own_files_and_no_inline_code() {
        assert!(INDEX.contains(r#"<script src="app.js" defer></script>"#));
        assert!(INDEX.contains(r#"<link rel="stylesheet" href="app.css">"#));
        assert!(
            !INDEX.contains("<style"),
            "inline style is refused by the CSP"
        );
        assert_eq!(INDEX.matches("<script").count(), 1, "no inline script");
        assert!(!has_handler_attribute(INDEX), "no inline event handlers");
        for text in [INDEX, SCRIPT, STYLE] {
            assert!(!text.contains("http://") && !text.contains("https://cdn"));
            assert!(!text.contains("@import") && !text.contains("url("));
        }
    }

    /// ` onclick=`, ` onload=`…: an inline handler, which the CSP refuses.
    fn has_handler_attribute(html: &str) -> bool {
        html.match_indices(" on").any(|(at, _)| {
            let rest = &html[at + 3..];
            let name = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
            name > 0 && rest[name..].starts_with('=')
        })
    }

    #[test]
    fn handler_attributes_are_recognised() {
        assert!(has_handler_attribute(r#"<img src=x onerror=alert(1)>"#));
        assert!(!has_handler_attribute("the call on this simulator"));
    }

    #[test]
    fn the_script_never_writes_html() {
        for sink in [
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
            "eval(",
        ] {
            assert!(!SCRIPT.contains(sink), "{sink}");
        }
    }
}
