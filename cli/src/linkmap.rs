//! Where things are in a link as the user wrote it: the lines joined, each
//! query parameter's byte range, and a map from offsets in a decoded value
//! (`ctl_userdata` as the library parses it) back to the link.
//
// replaced by clicktodial's link span map (issue 13): once the library maps
// request errors and `ctl_userdata` spans into the link itself, `LinkMap`
// shrinks to the line joining.

use std::ops::Range;

/// A link given over several lines (as the vendor's text prints its
/// examples), joined into one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Joined {
    pub text: String,
    /// How many lines the input had (1: nothing was joined).
    pub lines: usize,
}

/// Joins the lines of `input`: each line break goes, with the white space
/// that ends the line before it and begins the line after it (the vendor's
/// text wraps inside values too: `call%20` / ` answered`). Leading and
/// trailing white space of the whole input goes too.
pub fn join_lines(input: &str) -> Joined {
    let trimmed = input.trim();
    let mut text = String::with_capacity(trimmed.len());
    let mut lines = 0;
    for line in trimmed.lines() {
        lines += 1;
        let line = if lines == 1 { line } else { line.trim_start() };
        text.push_str(line.trim_end());
    }
    if lines == 1 {
        // One line: keep it exactly as given (inner white space included).
        text = trimmed.to_owned();
    }
    Joined {
        text,
        lines: lines.max(1),
    }
}

#[derive(Debug, Clone)]
struct Param {
    name: String,
    value: Range<usize>,
}

/// The query parameters of one link, with their byte ranges in it.
#[derive(Debug, Clone)]
pub struct LinkMap<'l> {
    link: &'l str,
    scheme: Option<Range<usize>>,
    params: Vec<Param>,
}

impl<'l> LinkMap<'l> {
    pub fn new(link: &'l str) -> Self {
        let scheme = link.find("://").map(|end| 0..end);
        let mut params = Vec::new();
        if let Some(q) = link.find('?') {
            let start = q + 1;
            let end = link[start..].find('#').map_or(link.len(), |i| start + i);
            let mut at = start;
            for piece in link[start..end].split('&') {
                let (name, value) = match piece.find('=') {
                    Some(eq) => (&piece[..eq], at + eq + 1..at + piece.len()),
                    None => (piece, at + piece.len()..at + piece.len()),
                };
                let name: String = url::form_urlencoded::parse(format!("{name}=").as_bytes())
                    .next()
                    .map(|(n, _)| n.trim().to_owned())
                    .unwrap_or_default();
                params.push(Param { name, value });
                at += piece.len() + 1;
            }
        }
        LinkMap {
            link,
            scheme,
            params,
        }
    }

    /// The scheme (`http` in `http://…`).
    pub fn scheme_span(&self) -> Option<Range<usize>> {
        self.scheme.clone()
    }

    /// The raw value of the parameter `name` (the last one: the last wins).
    pub fn value_span(&self, name: &str) -> Option<Range<usize>> {
        self.params
            .iter()
            .rev()
            .find(|p| p.name == name)
            .map(|p| p.value.clone())
    }

    /// Maps `decoded`, a byte range in the decoded value of parameter
    /// `name`, to the link. `None` when the parameter is not in the link.
    pub fn in_value(&self, name: &str, decoded: Range<usize>) -> Option<Range<usize>> {
        let raw = self.value_span(name)?;
        let bytes = self.link.as_bytes().get(raw.clone())?;
        // raw_at[d]: where decoded byte d starts in the link.
        let mut raw_at = Vec::with_capacity(bytes.len() + 1);
        let mut i = 0;
        while i < bytes.len() {
            raw_at.push(raw.start + i);
            let escape = bytes[i] == b'%'
                && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
            i += if escape { 3 } else { 1 };
        }
        raw_at.push(raw.end);
        let last = raw_at.len() - 1;
        let start = raw_at[decoded.start.min(last)];
        let end = raw_at[decoded.end.min(last)];
        Some(start..end.max(start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_the_vendor_wrapping_inside_and_between_values() {
        let j = join_lines("https://x/a.php?d=[a|call%20\n answered]\n  [b|c]\n");
        assert_eq!(j.text, "https://x/a.php?d=[a|call%20answered][b|c]");
        assert_eq!(j.lines, 3);
        let one = join_lines("  https://x/a.php? prefix=1 ");
        assert_eq!(one.text, "https://x/a.php? prefix=1");
        assert_eq!(one.lines, 1);
    }

    #[test]
    fn parameter_ranges_and_decoded_offsets() {
        let link = "https://h/p?%20phone=12&ctl_userdata=[a%7Cb|c%20d]&phone=34#frag";
        let map = LinkMap::new(link);
        assert_eq!(&link[map.value_span("phone").unwrap()], "34");
        assert_eq!(&link[map.scheme_span().unwrap()], "https");
        // decoded "[a|b|c d]": the value `c d` is bytes 5..8.
        let span = map.in_value("ctl_userdata", 5..8).unwrap();
        assert_eq!(&link[span], "c%20d");
        // An offset past the end stays at the end.
        let end = map.in_value("ctl_userdata", 100..100).unwrap();
        assert_eq!(end.start, link.find("&phone=34").unwrap());
        assert!(map.in_value("queue_id", 0..1).is_none());
    }
}
