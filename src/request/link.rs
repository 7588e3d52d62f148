//! Where things are in a link as the person wrote it: [`LinkMap`].
//!
//! Errors and diagnostics about `ctl_userdata` count bytes in the *decoded*
//! value (after `%XX` and `+` were read); the person has the link in front
//! of them. A [`LinkMap`] splits a link (or a query, or a form body) the way
//! [`ClickToDialRequest`](crate::ClickToDialRequest) reads it, remembers
//! where each parameter's name and value stand in the text, and maps a byte
//! range of a decoded value back into the text through the decoding: `%5B`
//! is three bytes of link for one byte of value, `+` one for one, and, in a
//! whole URL, a tab or line break is dropped (as browsers and the `url`
//! crate drop them) and so maps to nothing.
//!
//! Decisions:
//!
//! - The query is the text after the URL's first `?` up to its `#`; a link
//!   without `?` has no parameters. Text that is not a whole URL (no `://`
//!   before the first `?`) is read as a query, with or without its `?`.
//! - Parameters are split on `&` only (not `;`), name and value on the first
//!   `=`, as `application/x-www-form-urlencoded` does; names are kept as
//!   written (untrimmed) so that a tool can point at white space in them.
//! - A value whose decoded bytes are not UTF-8 is read with U+FFFD in their
//!   place (as the request parser does); ranges in such a value map to the
//!   whole value.

use std::ops::Range;

use crate::error::RequestError;

/// One `name=value` of a link, with where its parts stand in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkParam {
    name: String,
    value: String,
    name_span: Range<usize>,
    value_span: Range<usize>,
    /// For each byte of `value`, the offset in the text of the byte (or
    /// escape) it was decoded from; one more entry at the end for the end of
    /// the value. Empty when `value` is not the byte-for-byte decoding
    /// (invalid UTF-8 replaced).
    offsets: Vec<u32>,
}

impl LinkParam {
    /// The parameter's name, decoded, *not* trimmed (`" prefix"` in the
    /// vendor's `make_call.php? prefix=1`).
    ///
    /// # Example
    ///
    /// ```
    /// let map = clicktodial::LinkMap::new("https://h.example.com/?%20prefix=1");
    /// assert_eq!(map.params()[0].name(), " prefix");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The value, decoded (`+` as a space, `%XX` read).
    ///
    /// # Example
    ///
    /// ```
    /// let map = clicktodial::LinkMap::new("phone=(650)+555-0100");
    /// assert_eq!(map.params()[0].value(), "(650) 555-0100");
    /// ```
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The name's byte range in the text.
    ///
    /// # Example
    ///
    /// ```
    /// let map = clicktodial::LinkMap::new("a=1&phone=2");
    /// assert_eq!(map.params()[1].name_span(), 4..9);
    /// ```
    pub fn name_span(&self) -> Range<usize> {
        self.name_span.clone()
    }

    /// The value's byte range in the text (empty, just after the `=` or the
    /// name, when the value is).
    ///
    /// # Example
    ///
    /// ```
    /// let map = clicktodial::LinkMap::new("a=1&phone=2");
    /// assert_eq!(map.params()[1].value_span(), 10..11);
    /// ```
    pub fn value_span(&self) -> Range<usize> {
        self.value_span.clone()
    }

    /// Maps a byte range of the decoded [`value`](LinkParam::value) to the
    /// byte range of the text it was decoded from. A range past the value's
    /// end is clamped to it.
    ///
    /// # Example
    ///
    /// ```
    /// let map = clicktodial::LinkMap::new("ctl_userdata=%5Ba%7Cx%5D");
    /// let param = &map.params()[0];
    /// assert_eq!(param.value(), "[a|x]");
    /// assert_eq!(param.map(3..4), 20..21); // the `x`
    /// assert_eq!(param.map(4..5), 21..24); // the `]`, written `%5D`
    /// ```
    pub fn map(&self, decoded: Range<usize>) -> Range<usize> {
        if self.offsets.is_empty() {
            return self.value_span();
        }
        // The last offset is the value's end, so a place past it maps there.
        let at = |i: usize| {
            self.offsets
                .get(i)
                .map_or(self.value_span.end, |&o| o as usize)
        };
        let start = at(decoded.start);
        let end = at(decoded.end.max(decoded.start));
        start..end.max(start)
    }
}

/// The parameters of a link, a query or a form body, each with where it
/// stands in the text: the bridge from a decoded `ctl_userdata` range (a
/// [`Diagnostic::span`](crate::Diagnostic::span), a lint's span) to the
/// link as written.
///
/// Building the map costs one pass over the text and four bytes per byte of
/// decoded value.
///
/// # Example
///
/// ```
/// use clicktodial::{LinkMap, UserData};
///
/// let link = "https://vcc-na4.8x8.com/AGUI/make_call.php?phone=1\
///             &ctl_userdata=%5Bsubject%7CCall+Acme+%5BEU%5D+now%5D%5Bstatus%7Cdone%5D";
/// let map = LinkMap::new(link);
/// let text = map.value("ctl_userdata").unwrap();
/// let (_, diags) = UserData::parse_lenient(text);
/// let span = map.map("ctl_userdata", diags[0].span()).unwrap();
/// assert_eq!(&link[span], "now%5D");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkMap {
    params: Vec<LinkParam>,
}

/// Whether `text` is a whole URL rather than a query or form body: its
/// `://` comes before any `?`.
pub(crate) fn is_whole_url(text: &str) -> bool {
    text.split('?').next().is_some_and(|t| t.contains("://"))
}

/// Where the query of `text` starts and ends, and whether `text` is a whole
/// URL (tabs and line breaks in it are then dropped, as a browser does).
fn query_range(text: &str) -> (Range<usize>, bool) {
    let is_url = is_whole_url(text);
    if !is_url {
        let start = usize::from(text.starts_with('?'));
        return (start..text.len(), false);
    }
    // As the URL parser does, trailing spaces and control characters are
    // not part of the link.
    let end = text.trim_end_matches(|c: char| c <= ' ').len();
    let hash = text.find('#').unwrap_or(text.len()).min(end);
    // The first `?` before the fragment (`hash` is at a `#` or a character
    // boundary before the trailing spaces).
    match text.get(..hash).and_then(|t| t.find('?')) {
        Some(q) => (q + 1..hash, true),
        None => (text.len()..text.len(), true),
    }
}

/// The query of a whole URL: after its first `?`, up to its `#`.
pub(crate) fn url_query(url: &str) -> Option<Range<usize>> {
    let hash = url.find('#').unwrap_or(url.len());
    // `hash` is at a `#` or the end: a character boundary.
    let q = url[..hash].find('?')?;
    Some(q + 1..hash)
}

/// Splits `text[range]` into parameters, calling `on(name_span, value_span)`
/// (`value_span` empty at the name's end when there is no `=`); empty
/// pieces are skipped.
pub(crate) fn split(
    text: &str,
    range: Range<usize>,
    mut on: impl FnMut(Range<usize>, Range<usize>),
) {
    let bytes = text.as_bytes();
    let mut start = range.start;
    let end = range.end.min(bytes.len());
    while start <= end {
        let piece_end = bytes
            .get(start..end)
            .and_then(|b| memchr::memchr(b'&', b))
            .map_or(end, |i| start + i);
        if piece_end > start {
            let piece = bytes.get(start..piece_end).unwrap_or_default();
            match memchr::memchr(b'=', piece) {
                Some(eq) => on(start..start + eq, start + eq + 1..piece_end),
                None => on(start..piece_end, piece_end..piece_end),
            }
        }
        start = piece_end + 1;
    }
}

/// The value of a hex digit.
fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

/// Decodes `text[range]` as form data (`+` a space, `%XX` a byte, a `%` that
/// starts no escape literal), dropping tabs and line breaks when
/// `drop_breaks`. With `offsets`, records for each decoded byte where it
/// came from, and the end.
pub(crate) fn decode(
    text: &str,
    range: Range<usize>,
    drop_breaks: bool,
    mut offsets: Option<&mut Vec<u32>>,
) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(range.len());
    let mut i = range.start;
    let end = range.end.min(bytes.len());
    let note = |at: usize, offsets: &mut Option<&mut Vec<u32>>| {
        if let Some(o) = offsets.as_deref_mut() {
            o.push(u32::try_from(at).unwrap_or(u32::MAX));
        }
    };
    while i < end {
        let b = bytes.get(i).copied().unwrap_or_default();
        if drop_breaks && matches!(b, b'\t' | b'\n' | b'\r') {
            i += 1;
            continue;
        }
        note(i, &mut offsets);
        match b {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' => {
                // The two hex digits, after any dropped tab or line break
                // (a URL parser drops those before it decodes).
                let mut digits = (i + 1..end)
                    .filter(|&j| {
                        !(drop_breaks && matches!(bytes.get(j), Some(b'\t' | b'\n' | b'\r')))
                    })
                    .take(2);
                let (hi, lo) = (digits.next(), digits.next());
                let pair = (
                    hi.and_then(|j| bytes.get(j).copied()).and_then(hex),
                    lo.and_then(|j| bytes.get(j).copied()).and_then(hex),
                );
                if let ((Some(h), Some(l)), Some(lo)) = (pair, lo) {
                    out.push(h * 16 + l);
                    i = lo + 1;
                } else {
                    out.push(b'%');
                    i += 1;
                }
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    note(end, &mut offsets);
    match String::from_utf8(out) {
        Ok(s) => s,
        Err(e) => {
            if let Some(o) = offsets {
                o.clear();
            }
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    }
}

impl LinkMap {
    /// Reads a whole link (`https://…?…`), a query (with or without its
    /// `?`), or a form body.
    ///
    /// # Example
    ///
    /// ```
    /// let map = clicktodial::LinkMap::new("https://vcc-na4.8x8.com/AGUI/make_call.php? prefix=1&phone=2");
    /// assert_eq!(map.params()[0].name(), " prefix");
    /// assert_eq!(map.value_span("phone"), Some(59..60));
    /// ```
    pub fn new(text: &str) -> LinkMap {
        let (range, drop_breaks) = query_range(text);
        let mut params = Vec::new();
        split(text, range, |name_span, value_span| {
            let name = decode(text, name_span.clone(), drop_breaks, None);
            let mut offsets = Vec::with_capacity(value_span.len() + 1);
            let value = decode(text, value_span.clone(), drop_breaks, Some(&mut offsets));
            params.push(LinkParam {
                name,
                value,
                name_span,
                value_span,
                offsets,
            });
        });
        LinkMap { params }
    }

    /// Every parameter, in order, duplicates kept.
    ///
    /// # Example
    ///
    /// ```
    /// let map = clicktodial::LinkMap::new("?a=1&a=2&b");
    /// assert_eq!(map.params().len(), 3);
    /// ```
    pub fn params(&self) -> &[LinkParam] {
        &self.params
    }

    /// The parameter the request reads for `name`: the last one whose name,
    /// trimmed of white space, is `name`.
    ///
    /// # Example
    ///
    /// ```
    /// let map = clicktodial::LinkMap::new("phone=1&%20phone=2");
    /// assert_eq!(map.param("phone").unwrap().value(), "2");
    /// ```
    pub fn param(&self, name: &str) -> Option<&LinkParam> {
        self.params.iter().rev().find(|p| p.name.trim() == name)
    }

    /// The decoded value of parameter `name` (as [`param`](LinkMap::param)
    /// finds it).
    ///
    /// # Example
    ///
    /// ```
    /// let map = clicktodial::LinkMap::new("ctl_userdata=%5Ba%7C1%5D");
    /// assert_eq!(map.value("ctl_userdata"), Some("[a|1]"));
    /// ```
    pub fn value(&self, name: &str) -> Option<&str> {
        self.param(name).map(LinkParam::value)
    }

    /// The byte range of parameter `name`'s value in the text.
    ///
    /// # Example
    ///
    /// ```
    /// let map = clicktodial::LinkMap::new("prefix=1&phone=650");
    /// assert_eq!(map.value_span("phone"), Some(15..18));
    /// assert_eq!(map.value_span("queue_id"), None);
    /// ```
    pub fn value_span(&self, name: &str) -> Option<Range<usize>> {
        self.param(name).map(LinkParam::value_span)
    }

    /// Maps a byte range of parameter `name`'s decoded value (a
    /// `ctl_userdata` span) into the text.
    ///
    /// # Example
    ///
    /// ```
    /// let link = "phone=1&ctl_userdata=[a|50%25+off]";
    /// let map = clicktodial::LinkMap::new(link);
    /// assert_eq!(map.value("ctl_userdata"), Some("[a|50% off]"));
    /// assert_eq!(&link[map.map("ctl_userdata", 3..10).unwrap()], "50%25+off");
    /// ```
    pub fn map(&self, name: &str, decoded: Range<usize>) -> Option<Range<usize>> {
        self.param(name).map(|p| p.map(decoded))
    }
}

/// How many characters of text an excerpt shows on each side of its spot.
const EXCERPT_SIDE: usize = 16;

/// A short, one-line excerpt of `text` around `span`: up to
/// [`EXCERPT_SIDE`] characters either side, `…` where cut, never reaching
/// before `floor` (the query's start, so that no user info is shown).
pub(crate) fn excerpt(text: &str, span: &Range<usize>, floor: usize) -> String {
    let start = span.start.min(text.len());
    let end = span.end.clamp(start, text.len());
    // Up to EXCERPT_SIDE characters back from the spot (never past `floor`):
    // a bounded walk, whatever the length of the text.
    let before = text.get(floor.min(start)..start).unwrap_or_default();
    let from = before
        .char_indices()
        .rev()
        .take(EXCERPT_SIDE)
        .last()
        .map_or(start, |(i, _)| floor.min(start) + i);
    let mut out = String::new();
    if from > floor.min(start) {
        out.push('…');
    }
    let mut raw = String::new();
    let mut shown = 0;
    let mut cut_after = false;
    for (i, c) in text.get(from..).unwrap_or_default().char_indices() {
        let i = from + i;
        if i >= end && shown >= EXCERPT_SIDE {
            cut_after = true;
            break;
        }
        if i >= end {
            shown += 1;
        } else if i >= start && i - start >= 4 * EXCERPT_SIDE {
            // A long spot: its start is enough.
            cut_after = true;
            break;
        }
        raw.push(c);
    }
    // Bounded above; quoted through the crate's one sanitiser (control
    // characters escaped), not cut again.
    let shown = crate::redact::sanitize(&raw).max_chars(usize::MAX / 4);
    out.push_str(&shown.to_string());
    if cut_after {
        out.push('…');
    }
    out
}

/// Where the request's parameters came from, so an error can be placed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Origin<'t> {
    pub(crate) text: &'t str,
    /// Where the text's query starts (excerpts never reach before it).
    pub(crate) floor: usize,
    pub(crate) drop_breaks: bool,
    pub(crate) body: bool,
}

impl Origin<'_> {
    /// The map of the value at `value_span` (one decoding pass; map many
    /// ranges through it).
    pub(crate) fn mapper(&self, value_span: &Range<usize>) -> LinkParam {
        let mut offsets = Vec::with_capacity(value_span.len() + 1);
        decode(
            self.text,
            value_span.clone(),
            self.drop_breaks,
            Some(&mut offsets),
        );
        LinkParam {
            name: String::new(),
            value: String::new(),
            name_span: value_span.clone(),
            value_span: value_span.clone(),
            offsets,
        }
    }

    /// Places `error` at the bytes `decoded` of the value at `value_span`.
    pub(crate) fn place(
        &self,
        error: RequestError,
        value_span: &Range<usize>,
        decoded: Option<Range<usize>>,
    ) -> RequestError {
        let span = match decoded {
            None => value_span.clone(),
            Some(decoded) => self.mapper(value_span).map(decoded),
        };
        let shown = excerpt(self.text, &span, self.floor);
        error.placed(span, shown, self.body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_ranges() {
        assert_eq!(query_range("a=1"), (0..3, false));
        assert_eq!(query_range("?a=1"), (1..4, false));
        assert_eq!(query_range("https://h/p?a=1#f"), (12..15, true));
        assert_eq!(query_range("https://h/p#f?a=1"), (17..17, true));
        assert_eq!(query_range("https://h/p"), (11..11, true));
        assert_eq!(query_range("https://h/p?a=1 \n"), (12..15, true));
    }

    #[test]
    fn decode_maps_each_byte() {
        let mut o = Vec::new();
        let text = "a%5Bb+c%zz\n";
        assert_eq!(decode(text, 0..text.len(), true, Some(&mut o)), "a[b c%zz");
        assert_eq!(o, [0, 1, 4, 5, 6, 7, 8, 9, 11]);
        // As a URL parser reads it: breaks dropped first, then decoded.
        assert_eq!(decode("%\n4\t1", 0..6, true, None), "A");
        assert_eq!(decode("%\n41", 0..4, false, None), "%\n41");
        let mut o = Vec::new();
        assert_eq!(decode("%FF", 0..3, false, Some(&mut o)), "\u{FFFD}");
        assert!(o.is_empty());
    }

    #[test]
    fn excerpts_are_short_and_one_line() {
        let text = format!("{}X\n{}", "a".repeat(40), "b".repeat(40));
        let e = excerpt(&text, &(40..41), 0);
        assert_eq!(e, format!("…{}X\\n{}…", "a".repeat(16), "b".repeat(15)));
        assert_eq!(excerpt("ab", &(1..2), 0), "ab");
        assert_eq!(excerpt("user:pw@h?ab", &(11..12), 10), "ab");
        // A long spot: its first 4 × EXCERPT_SIDE characters.
        let long = "x".repeat(200);
        assert_eq!(excerpt(&long, &(0..200), 0), format!("{}…", "x".repeat(64)));
        assert_eq!(excerpt(&long[..64], &(0..64), 0), long[..64]);
    }
}
