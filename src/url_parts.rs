//! Where a URL's parts lie in its text, found as the URL parser finds them
//! for `http` and `https`: the one reader of a URL's parts that the callback
//! policy (where a token stands in `ctl_callbackUrl`) and the linter (a
//! plain `http` callback, a merge field in a callback's host) share, so the
//! two cannot disagree on where the host is.
//!
//! Leading C0 controls and spaces are skipped, tabs and line breaks are
//! ignored, `\` is read as `/`, and any run of slashes after the scheme is
//! skipped, as the WHATWG URL parser does for special schemes. Nothing is
//! decoded and nothing is allocated but the scheme's letters.

use std::ops::Range;

/// The parts of a URL's text: its scheme and its authority.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UrlParts {
    /// The scheme, lowercased; empty when the text has no valid scheme.
    scheme: String,
    /// The scheme's `:`, if the text has a valid scheme.
    pub(crate) colon: Option<usize>,
    /// The authority (user info, host and port): after the scheme's slashes,
    /// up to the path, query or fragment. Empty at the end of the text when
    /// there is no scheme.
    pub(crate) authority: Range<usize>,
}

/// Tabs and line breaks, which the URL parser drops wherever they stand.
pub(crate) fn is_tab_or_newline(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\r')
}

impl UrlParts {
    /// Reads where the parts of `text` lie.
    pub(crate) fn of(text: &str) -> UrlParts {
        let bytes = text.as_bytes();
        let start = bytes.iter().position(|&b| b > b' ').unwrap_or(bytes.len());
        let mut scheme = String::new();
        let mut colon = None;
        for (i, &b) in bytes.iter().enumerate().skip(start) {
            match b {
                b':' => {
                    colon = Some(i);
                    break;
                }
                b if is_tab_or_newline(b) => {}
                b if b.is_ascii_alphabetic() => scheme.push(char::from(b.to_ascii_lowercase())),
                b if (b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.'))
                    && !scheme.is_empty() =>
                {
                    scheme.push(char::from(b))
                }
                _ => break,
            }
        }
        let Some(colon) = colon.filter(|_| !scheme.is_empty()) else {
            return UrlParts {
                scheme: String::new(),
                colon: None,
                authority: bytes.len()..bytes.len(),
            };
        };
        let authority_start = bytes
            .iter()
            .enumerate()
            .skip(colon + 1)
            .find(|&(_, &b)| !(matches!(b, b'/' | b'\\') || is_tab_or_newline(b)))
            .map_or(bytes.len(), |(i, _)| i);
        let authority_end = bytes
            .iter()
            .enumerate()
            .skip(authority_start)
            .find(|&(_, &b)| matches!(b, b'/' | b'\\' | b'?' | b'#'))
            .map_or(bytes.len(), |(i, _)| i);
        UrlParts {
            scheme,
            colon: Some(colon),
            authority: authority_start..authority_end,
        }
    }

    /// Whether the scheme is `scheme` (lowercase).
    pub(crate) fn scheme_is(&self, scheme: &str) -> bool {
        self.colon.is_some() && self.scheme == scheme
    }

    /// The host and port of an `http` or `https` URL: the authority after
    /// its last `@`. `None` for another scheme or none.
    pub(crate) fn host(&self, text: &str) -> Option<Range<usize>> {
        if !(self.scheme_is("http") || self.scheme_is("https")) {
            return None;
        }
        let authority = text.get(self.authority.clone())?;
        let host = authority.rsplit('@').next().unwrap_or_default();
        Some(self.authority.end - host.len()..self.authority.end)
    }

    /// For a position `at` after the authority: `None` in the fragment
    /// (after a `#`), `Some(None)` in the path, `Some(Some(field))` in the
    /// query, with the text of its field before `at` (after the last `&` or
    /// `;`). Which delimiters stand before `at` decides.
    pub(crate) fn after_authority<'t>(&self, text: &'t str, at: usize) -> Option<Option<&'t str>> {
        let before = text.get(self.authority.end..at).unwrap_or_default();
        if before.contains('#') {
            return None;
        }
        Some(
            before
                .split_once('?')
                .map(|(_, query)| query.rsplit(['&', ';']).next().unwrap_or_default()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(text: &str) -> Option<&str> {
        UrlParts::of(text).host(text).and_then(|r| text.get(r))
    }

    #[test]
    fn parts_as_the_url_parser_reads_them() {
        assert_eq!(
            host("https://user:pw@crm.example.com:8443/cb?x#y"),
            Some("crm.example.com:8443")
        );
        assert_eq!(
            host(" \tHTTP:\\\\crm.example.com\\cb"),
            Some("crm.example.com")
        );
        assert_eq!(host("https:crm.example.com"), Some("crm.example.com"));
        assert_eq!(host("https://a@b@c.example.com?q"), Some("c.example.com"));
        assert_eq!(host("mailto:a@b.example.com"), None);
        assert_eq!(host("/relative"), None);
        assert!(UrlParts::of("ht\ntp:x").scheme_is("http"));
        assert!(!UrlParts::of("1http:x").scheme_is("http"));
        let text = "https://h/p?a=1&b=$x$#f";
        let parts = UrlParts::of(text);
        assert_eq!(
            parts.after_authority(text, text.find('$').unwrap()),
            Some(Some("b="))
        );
        assert_eq!(parts.after_authority(text, 10), Some(None));
        assert_eq!(parts.after_authority(text, text.len()), None);
    }
}
