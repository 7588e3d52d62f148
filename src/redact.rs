//! The one sanitiser and the one redactor: how outside text is quoted.
//!
//! Every message this crate writes (errors, lints, the answers it reads
//! back) and every log line of the `clicktodial` tool quotes outside text
//! (a link, a value, a header, an answer) through these two, and nothing
//! else:
//!
//! - [`sanitize`]: any text on **one line**, with **no control
//!   characters** (they, and the Unicode line and paragraph separators, are
//!   written as Rust escapes: `\n`, `\u{1b}`, `\u{2028}`), **bounded** (at
//!   most 100 characters and 200 bytes by default, the rest elided with
//!   `…`; an escape counts as the characters it is written with). A forged
//!   log line or a terminal escape cannot get through it.
//! - [`url()`]: a URL as it may be shown to anyone who reads a log. Kept: the
//!   scheme, the host, the port and the path. Dropped: the user info, the
//!   fragment, and every query part except the *names* of the known-safe
//!   parameters ([`SAFE_QUERY_NAMES`]), whose values are elided as `…`
//!   (a value that is exactly one of the vendor's `$tokens$`, a placeholder
//!   and not data, is kept). A bare query (`/cb?SECRET`) is dropped whole.
//!   A path segment that looks like a secret (long and random-looking, or
//!   the token part of a Slack- or Discord-style webhook path) is written
//!   `…`. Text that is not a URL is not shown.
//!
//! # Example
//!
//! ```
//! use clicktodial::redact;
//!
//! assert_eq!(redact::sanitize("acme\nFORGED \u{1b}[31m").to_string(), r"acme\nFORGED \u{1b}[31m");
//! assert_eq!(
//!     redact::url("https://user:pw@crm.example.com/cb?transaction=8312345&token=s3cret#x"),
//!     "https://crm.example.com/cb?transaction=…&…"
//! );
//! assert_eq!(redact::url("https://crm.example.com/cb?SECRET"), "https://crm.example.com/cb?…");
//! assert_eq!(
//!     redact::url("https://hooks.slack.com/services/T0001/B0002/Xy7kQ9mZ2vL4pR8sT1uW3aB5"),
//!     "https://hooks.slack.com/services/…/…/…"
//! );
//! ```

use std::fmt;

/// Outside text as quoted in a message or a log line: one line, no control
/// characters, bounded. Made by [`sanitize`]; see the [module](self) docs.
///
/// # Example
///
/// ```
/// let long = "x".repeat(500);
/// let shown = clicktodial::redact::sanitize(&long).to_string();
/// assert_eq!(shown.chars().count(), 101);
/// assert!(shown.ends_with('…'));
/// let short = clicktodial::redact::sanitize(&long).max_chars(10).to_string();
/// assert_eq!(short, "xxxxxxxxxx…");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Sanitized<'a> {
    text: &'a str,
    max_chars: usize,
    max_bytes: usize,
}

/// Characters [`sanitize`] shows by default.
pub const MAX_CHARS: usize = 100;

/// Bytes [`sanitize`] writes at most by default, `…` (3 bytes) included.
pub const MAX_BYTES: usize = 2 * MAX_CHARS;

/// `text` as it may be quoted: one line, no control characters, at most
/// [`MAX_CHARS`] characters and [`MAX_BYTES`] bytes
/// ([`Sanitized::max_chars`] sets another bound).
///
/// # Example
///
/// ```
/// use clicktodial::redact::sanitize;
///
/// assert_eq!(sanitize("a\r\nb\tc").to_string(), r"a\r\nb\tc");
/// assert_eq!(sanitize("line\u{2028}sep").to_string(), r"line\u{2028}sep");
/// assert_eq!(sanitize("naïve ☎").to_string(), "naïve ☎");
/// ```
pub fn sanitize(text: &str) -> Sanitized<'_> {
    Sanitized {
        text,
        max_chars: MAX_CHARS,
        max_bytes: MAX_BYTES,
    }
}

impl Sanitized<'_> {
    /// At most `max` characters of the text (and `2 × max` bytes, `…`
    /// included) are shown.
    ///
    /// # Example
    ///
    /// ```
    /// let shown = clicktodial::redact::sanitize("abcdef").max_chars(3).to_string();
    /// assert_eq!(shown, "abc…");
    /// ```
    #[must_use]
    pub fn max_chars(self, max: usize) -> Self {
        Sanitized {
            max_chars: max,
            max_bytes: max.saturating_mul(2).max('…'.len_utf8()),
            ..self
        }
    }
}

/// Whether `c` is written as an escape.
fn escaped(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

impl fmt::Display for Sanitized<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (mut chars, mut bytes) = (0, 0);
        for c in self.text.chars() {
            let escape = escaped(c);
            // An escape is ASCII: as many bytes as characters.
            let (n, len) = if escape {
                let n = c.escape_default().count();
                (n, n)
            } else {
                (1, c.len_utf8())
            };
            if chars + n > self.max_chars || bytes + len > self.max_bytes - '…'.len_utf8() {
                return f.write_str("…");
            }
            chars += n;
            bytes += len;
            if escape {
                write!(f, "{}", c.escape_default())?;
            } else {
                write!(f, "{c}")?;
            }
        }
        Ok(())
    }
}

/// The query parameter names whose *names* [`url()`] shows (their values
/// are elided): names that say what a value is without being a secret.
/// Matched case-insensitively, after percent-decoding; shown as spelled
/// here.
///
/// # Example
///
/// ```
/// assert!(clicktodial::redact::SAFE_QUERY_NAMES.contains(&"transaction"));
/// assert!(!clicktodial::redact::SAFE_QUERY_NAMES.contains(&"token"));
/// ```
pub const SAFE_QUERY_NAMES: &[&str] = &[
    "action",
    "agent",
    "call",
    "callid",
    "event",
    "format",
    "guid",
    "id",
    "interaction",
    "interaction_guid",
    "lang",
    "page",
    "queue",
    "record",
    "recordid",
    "source",
    "status",
    "tenant",
    "transaction",
    "transaction_id",
    "transactionid",
    "type",
    "v",
    "version",
];

/// Path segments after which every segment is a webhook's id or token.
const WEBHOOK_SEGMENTS: &[&str] = &["webhook", "webhooks", "hook", "hooks"];

/// `text`, a URL, as it may be shown in a log or a message: see the
/// [module](self) docs for what is kept. The result holds no control
/// character; quote it through [`sanitize`] all the same when it goes
/// into a line with other text.
///
/// # Example
///
/// ```
/// use clicktodial::redact::url;
///
/// assert_eq!(url("http://u:pw@127.0.0.1:8089/cb?t=1&id=2"), "http://127.0.0.1:8089/cb?id=…&…");
/// assert_eq!(url("https://crm.example.com/cb?transaction=$transaction_id$"),
///            "https://crm.example.com/cb?transaction=$transaction_id$");
/// assert_eq!(url("https://discord.com/api/webhooks/123456789012345678/abc-DEF_ghi"),
///            "https://discord.com/api/webhooks/…/…");
/// assert_eq!(url("https://crm.example.com/a/9f86d081884c7d659a2feaa0c55ad015/b"),
///            "https://crm.example.com/a/…/b");
/// assert_eq!(url("not a url"), "(not shown: not a URL)");
/// ```
pub fn url(text: &str) -> String {
    if text.len() > crate::CallbackPolicy::MAX_URL_LEN {
        return "(not shown: over the length limit)".to_owned();
    }
    let Ok(parsed) = url::Url::parse(text.trim()) else {
        return "(not shown: not a URL)".to_owned();
    };
    let mut out = format!("{}:", parsed.scheme());
    if parsed.cannot_be_a_base() {
        out.push('…');
        return out;
    }
    out.push_str("//");
    if let Some(host) = parsed.host_str() {
        out.push_str(host);
    }
    if let Some(port) = parsed.port() {
        out.push_str(&format!(":{port}"));
    }
    path(&mut out, &parsed);
    if let Some(query) = parsed.query() {
        out.push('?');
        out.push_str(&redact_query(query));
    }
    out
}

/// The path of `url`, secret-looking segments written `…`.
fn path(out: &mut String, url: &url::Url) {
    let slack = url
        .host_str()
        .is_some_and(|h| h.eq_ignore_ascii_case("slack.com") || h.ends_with(".slack.com"));
    let mut hide_rest = false;
    for segment in url.path().split('/').skip(1) {
        out.push('/');
        if hide_rest && !segment.is_empty() || secret_looking(segment) {
            out.push('…');
            continue;
        }
        out.push_str(segment);
        let lower = segment.to_ascii_lowercase();
        if WEBHOOK_SEGMENTS.contains(&lower.as_str()) || slack && lower == "services" {
            hide_rest = true;
        }
    }
}

/// A path segment that is long and random-looking: a key, a token, a hash
/// or an id nobody reads. Words (`clicktodial-callback`) are not.
fn secret_looking(segment: &str) -> bool {
    if segment.len() < 16 {
        return false;
    }
    let mut seen = [false; 256];
    for b in segment.bytes() {
        seen[usize::from(b)] = true;
    }
    let distinct = seen.iter().filter(|s| **s).count();
    let digit = segment.bytes().any(|b| b.is_ascii_digit());
    let longest_run = segment
        .split(|c: char| !c.is_ascii_alphanumeric())
        .map(str::len)
        .max()
        .unwrap_or(0);
    distinct >= 8 && (digit || longest_run >= 24)
}

/// A query with every part dropped but the safe names (values elided, a
/// whole-token placeholder kept); one `…` stands for what was dropped.
fn redact_query(query: &str) -> String {
    let mut kept: Vec<String> = Vec::new();
    let mut dropped = false;
    for part in query.split('&').filter(|p| !p.is_empty()) {
        let safe = part.split_once('=').and_then(|(name, value)| {
            let decoded = percent_encoding::percent_decode_str(name).decode_utf8_lossy();
            let safe = SAFE_QUERY_NAMES
                .iter()
                .find(|s| s.eq_ignore_ascii_case(&decoded))?;
            let token = value
                .strip_prefix('$')
                .and_then(|v| v.strip_suffix('$'))
                .filter(|v| crate::Token::from_name(v).is_some());
            Some(match token {
                Some(_) => format!("{safe}={value}"),
                None => format!("{safe}=…"),
            })
        });
        match safe {
            Some(shown) => kept.push(shown),
            None => dropped = true,
        }
    }
    if dropped || kept.is_empty() {
        kept.push("…".to_owned());
    }
    kept.join("&")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn bare_and_unknown_query_parts_are_dropped_whole() {
        for (given, shown) in [
            ("http://h/cb?SECRET", "http://h/cb?…"),
            ("http://h/cb?", "http://h/cb?…"),
            ("http://h/cb?token=s3cret", "http://h/cb?…"),
            ("http://h/cb?%74ransaction=1", "http://h/cb?transaction=…"),
            ("http://h/cb?ID=1&id", "http://h/cb?id=…&…"),
            ("http://h/cb?s3cret=transaction", "http://h/cb?…"),
            ("http://h/cb?id=$nope$", "http://h/cb?id=…"),
            ("http://h/cb?id=$caller_id$x", "http://h/cb?id=…"),
        ] {
            assert_eq!(url(given), shown, "{given}");
        }
    }

    #[test]
    fn secret_looking_segments() {
        for secret in [
            "Xy7kQ9mZ2vL4pR8sT1uW3aB5",
            "123456789012345678",
            "9f86d081884c7d659a2feaa0c55ad015",
            "abcdefghijklmnopqrstuvwxyz",
            "0123456789abcdef",
            "9f86d081-884c-7d65-9a2f-eaa0c55ad015",
        ] {
            assert!(secret_looking(secret), "{secret}");
        }
        for word in [
            "",
            "callback",
            "clicktodial-callback",
            "make_call.php",
            "v59.0",
            "sobjects",
            "T0001",
            "2024",
            "internationalization",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "2024-01-01",
        ] {
            assert!(!secret_looking(word), "{word}");
        }
    }

    #[test]
    fn no_user_info_no_fragment_odd_urls() {
        for odd in [
            "http:u:SECRET@x.com/",
            "http:/u:SECRET@x.com/",
            r"http:\\u:SECRET@x.com/",
            "http://$host$:SECRET@x",
            "http://u:SECRET@x/#SECRET",
            "mailto:SECRET@example.com",
            "http://[x\nSECRET",
        ] {
            let shown = url(odd);
            assert!(!shown.contains("SECRET"), "{odd} -> {shown}");
        }
        let long = format!(
            "https://h/{}",
            "a".repeat(crate::CallbackPolicy::MAX_URL_LEN)
        );
        assert_eq!(url(&long), "(not shown: over the length limit)");
    }

    proptest! {
        #[test]
        fn sanitized_text_is_one_bounded_line(text in any::<String>(), max in 1usize..300) {
            let shown = sanitize(&text).max_chars(max).to_string();
            prop_assert!(!shown.chars().any(escaped));
            prop_assert!(shown.chars().count() <= max + 1);
            prop_assert!(shown.len() <= (2 * max).max(3));
            if !text.chars().any(escaped) && text.chars().count() <= max && text.len() + 3 <= 2 * max {
                prop_assert_eq!(&shown, &text);
            } else {
                prop_assert!(shown.ends_with('…') || shown != text);
            }
        }

        #[test]
        fn a_redacted_url_shows_no_query_value_and_no_user_info(
            user in "[a-z]{1,8}",
            secret in "[A-Za-z0-9]{6,12}",
            name in "[a-z]{1,8}",
        ) {
            let text = format!("https://{user}:{secret}X@h.example/p?{name}={secret}Y&{secret}Z");
            let shown = url(&text);
            prop_assert!(!shown.contains(&format!("{secret}X")), "{}", shown);
            prop_assert!(!shown.contains(&format!("{secret}Y")), "{}", shown);
            prop_assert!(!shown.contains(&format!("{secret}Z")), "{}", shown);
            prop_assert!(!shown.chars().any(escaped));
        }
    }
}
