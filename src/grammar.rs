//! The `[name|value]…` grammar: a nom parser with memchr-backed leaves.
//!
//! ```text
//! data  = ws *( pair ws )
//! pair  = "[" name "|" value "]"
//! name  = 1*( any byte but "|" and "]" )
//! value = *( any byte but "]" )          ; may hold "|" and "["
//! ws    = *( ASCII white space )
//! ```
//!
//! The leaves find their delimiter with `memchr`, so a long value costs one
//! vectorised scan rather than a call per byte, and nothing is ever scanned
//! twice: every parser here is linear in its input with no recursion.
//! Nothing from nom leaves this module: errors are converted to
//! [`ParseError`]/[`Diagnostic`] with byte offsets at the boundary.
//!
//! The four escapes of the crate (`%5B` `%5D` `%7C` `%25`) are decoded by
//! [`decode`], which borrows whenever the text holds none of them, and
//! written back by [`write_escaped`], which escapes only where reading would
//! otherwise go wrong.

use std::borrow::Cow;
use std::fmt;

use nom::character::complete::char;
use nom::{IResult, Parser};

use crate::error::{Diagnostic, ParseError, ParseErrorKind};

/// One pair as it stands in the input, before decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawPair<'a> {
    pub(crate) name: &'a str,
    pub(crate) value: &'a str,
    /// Byte offset of the pair's `[`.
    pub(crate) start: usize,
    /// Byte offset just past the pair's `]`.
    pub(crate) end: usize,
    /// Whether the name holds a `%` (and so may hold an escape).
    pub(crate) name_has_percent: bool,
    /// Whether the value holds a `%`.
    pub(crate) value_has_percent: bool,
}

/// nom's error type for this grammar: the kind, and where it happened as the
/// length of the input left at that point (turned into an offset at the
/// boundary, where the whole input's length is known).
#[derive(Debug)]
struct GrammarError {
    kind: ParseErrorKind,
    left: usize,
}

impl<'a> nom::error::ParseError<&'a str> for GrammarError {
    // The only nom parser here that can fail is `char('[')`, at the start of
    // a pair: whatever stands there instead is text between pairs.
    fn from_error_kind(input: &'a str, _: nom::error::ErrorKind) -> Self {
        GrammarError {
            kind: ParseErrorKind::TextBetweenPairs,
            left: input.len(),
        }
    }

    fn append(_: &'a str, _: nom::error::ErrorKind, other: Self) -> Self {
        other
    }
}

type Res<'a, T> = IResult<&'a str, T, GrammarError>;

fn fail<'a, T>(kind: ParseErrorKind, at: &'a str) -> Res<'a, T> {
    Err(nom::Err::Failure(GrammarError {
        kind,
        left: at.len(),
    }))
}

/// ASCII white space between pairs (a byte loop: white space between pairs
/// is short, and every byte of it is ASCII).
#[inline]
fn ws(input: &str) -> Res<'_, &str> {
    let n = input
        .bytes()
        .take_while(|b| b.is_ascii_whitespace())
        .count();
    // `n` bytes of ASCII: a character boundary.
    let (space, rest) = input.split_at_checked(n).unwrap_or((input, ""));
    Ok((rest, space))
}

/// The first `|` in `hay`, eight bytes at a time (names are short: a
/// `memchr` call costs more than this loop). In each 8-byte word, the bytes
/// equal to `|` become zero, and the classic "has a zero byte" test marks
/// them; the lowest mark is exact.
#[inline]
fn find_bar(hay: &[u8]) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    const BARS: u64 = LO * b'|' as u64;
    let mut chunks = hay.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut chunks {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word) ^ BARS;
        let marks = x.wrapping_sub(LO) & !x & HI;
        if marks != 0 {
            return Some(base + (marks.trailing_zeros() / 8) as usize);
        }
        base += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| b == b'|')
        .map(|i| base + i)
}

/// A name or value, and whether it holds a `%`.
type Text<'a> = (&'a str, bool);

/// The body of a pair, between its `[` and its `]`: the pair ends at the
/// first `]` (a name cannot hold one, nor can a value), found with one
/// `memchr2` that also notes the first `%`. The name is then the body up to
/// its first `|`, found by a byte loop that stops there (names are short; a
/// long one is still looked at once). `open` is the input at the `[`.
#[inline]
fn body<'a>(input: &'a str, open: &'a str) -> Res<'a, (Text<'a>, Text<'a>)> {
    let bytes = input.as_bytes();
    let (close, first_percent) = match memchr::memchr2(b']', b'%', bytes) {
        Some(i) if bytes.get(i) == Some(&b'%') => {
            let after = i + 1;
            let rest = bytes.get(after..).unwrap_or_default();
            (memchr::memchr(b']', rest).map(|j| after + j), Some(i))
        }
        found => (found, None),
    };
    let Some(close) = close else {
        // No `]`: an empty name is reported first, as a scan from the `[`
        // would meet it first.
        return if bytes.first() == Some(&b'|') {
            fail(ParseErrorKind::EmptyName, input)
        } else {
            fail(ParseErrorKind::UnterminatedPair, open)
        };
    };
    let inner = bytes.get(..close).unwrap_or_default();
    let Some(bar) = find_bar(inner) else {
        return fail(
            ParseErrorKind::MissingSeparator,
            input.get(close..).unwrap_or_default(),
        );
    };
    if bar == 0 {
        return fail(ParseErrorKind::EmptyName, input);
    }
    // `|` and `]` are ASCII: every cut is a character boundary.
    let name = input.get(..bar).unwrap_or_default();
    let value = input.get(bar + 1..close).unwrap_or_default();
    let rest = input.get(close + 1..).unwrap_or_default();
    let (name_percent, value_percent) = match first_percent {
        None => (false, false),
        Some(p) if p > bar => (false, true),
        Some(_) => (true, memchr::memchr(b'%', value.as_bytes()).is_some()),
    };
    Ok((rest, ((name, name_percent), (value, value_percent))))
}

/// One `[name|value]`, with whether the name and the value hold a `%`.
/// Anything wrong after the `[` is a failure (nom's `cut`): the pair has
/// begun, so no other branch could take it.
#[inline]
fn pair(input: &str) -> Res<'_, (Text<'_>, Text<'_>)> {
    let (rest, _) = char('[').parse(input)?;
    body(rest, input)
}

/// Where lenient parsing resumes after an error, as the input left there.
fn resume<'a>(kind: &ParseErrorKind, at: &'a str) -> &'a str {
    let bytes = at.as_bytes();
    let skip = match kind {
        // Up to the next `[` (the text at `at` is not one).
        ParseErrorKind::TextBetweenPairs => memchr::memchr(b'[', bytes).unwrap_or(bytes.len()),
        // `at` is the `]` that ended the name: resume after it.
        ParseErrorKind::MissingSeparator => 1,
        // `at` is the `|`: skip the value and its `]`.
        ParseErrorKind::EmptyName => memchr::memchr(b']', bytes).map_or(bytes.len(), |i| i + 1),
        // Nothing more can be a pair.
        _ => bytes.len(),
    };
    at.get(skip..).unwrap_or_default()
}

/// Parses every pair, strictly or leniently.
///
/// Strict: the first error is returned. Lenient (`diagnostics` given): each
/// error is recorded with the span of what is skipped, and parsing resumes
/// after it; the result is then always `Ok`.
pub(crate) fn parse_pairs<'a>(
    input: &'a str,
    mut on_pair: impl FnMut(RawPair<'a>),
    mut diagnostics: Option<&mut Vec<Diagnostic>>,
) -> Result<(), ParseError> {
    let total = input.len();
    let mut rest = input;
    loop {
        // `ws` cannot fail: it takes zero or more characters.
        if let Ok((r, _)) = ws(rest) {
            rest = r;
        }
        if rest.is_empty() {
            return Ok(());
        }
        let start = total - rest.len();
        match pair(rest) {
            Ok((r, ((name, name_has_percent), (value, value_has_percent)))) => {
                on_pair(RawPair {
                    name,
                    value,
                    start,
                    end: total - r.len(),
                    name_has_percent,
                    value_has_percent,
                });
                rest = r;
            }
            Err(nom::Err::Error(e) | nom::Err::Failure(e)) => {
                let offset = total - e.left.min(total);
                let diags = match diagnostics.as_deref_mut() {
                    Some(d) => d,
                    None => return Err(ParseError::new(e.kind, offset)),
                };
                // Where the skipped text starts: the pair's `[`, or the stray
                // text itself.
                let at = input.get(offset..).unwrap_or_default();
                let next = resume(&e.kind, at);
                let end = total - next.len();
                diags.push(Diagnostic::new(e.kind, start..end));
                rest = next;
            }
            // Complete parsers never ask for more input.
            Err(nom::Err::Incomplete(_)) => return Ok(()),
        }
    }
}

/// The character an escape at `bytes[i..]` stands for, if one starts there.
#[inline]
fn escape_at(bytes: &[u8], i: usize) -> Option<char> {
    let hi = *bytes.get(i + 1)?;
    let lo = bytes.get(i + 2)?.to_ascii_uppercase();
    match (hi, lo) {
        (b'5', b'B') => Some('['),
        (b'5', b'D') => Some(']'),
        (b'7', b'C') => Some('|'),
        (b'2', b'5') => Some('%'),
        _ => None,
    }
}

/// Decodes the four escapes in one left-to-right pass. Borrows when the text
/// holds none of them (a lone `%`, as in `50% off`, is literal text).
pub(crate) fn decode(raw: &str) -> Cow<'_, str> {
    let bytes = raw.as_bytes();
    let Some(first) = memchr::memchr_iter(b'%', bytes).find(|&i| escape_at(bytes, i).is_some())
    else {
        return Cow::Borrowed(raw);
    };
    let mut out = String::with_capacity(raw.len());
    out.push_str(raw.get(..first).unwrap_or_default());
    let mut i = first;
    while i < bytes.len() {
        if let Some(c) = escape_at(bytes, i).filter(|_| bytes.get(i) == Some(&b'%')) {
            out.push(c);
            i += 3;
            continue;
        }
        // Copy up to the next `%` after this byte (`%` is ASCII, so every cut
        // falls on a character boundary).
        let next = memchr::memchr(b'%', bytes.get(i + 1..).unwrap_or_default())
            .map_or(bytes.len(), |j| i + 1 + j);
        out.push_str(raw.get(i..next).unwrap_or_default());
        i = next;
    }
    Cow::Owned(out)
}

/// Which characters a piece of a pair must escape.
#[derive(Clone, Copy)]
pub(crate) enum Part {
    /// A name: `|` and `]` (and a `%` that would read as an escape).
    Name,
    /// A value: `]` (and a `%` that would read as an escape).
    Value,
}

/// Writes `text` with the fewest escapes that make it read back as itself:
/// text without `]` (values) or `|`/`]` (names) and without a `%` that
/// starts an escape comes out byte for byte.
pub(crate) fn write_escaped(out: &mut impl fmt::Write, text: &str, part: Part) -> fmt::Result {
    let bytes = text.as_bytes();
    let find = |from: &[u8]| match part {
        Part::Name => memchr::memchr3(b'|', b']', b'%', from),
        Part::Value => memchr::memchr2(b']', b'%', from),
    };
    let mut done = 0;
    let mut at = 0;
    while let Some(j) = find(bytes.get(at..).unwrap_or_default()) {
        let i = at + j;
        at = i + 1;
        let escape = match bytes.get(i) {
            Some(b'|') => "%7C",
            Some(b']') => "%5D",
            // A `%` needs escaping only where it would start an escape.
            Some(b'%') if escape_at(bytes, i).is_some() => "%25",
            _ => continue,
        };
        out.write_str(text.get(done..i).unwrap_or_default())?;
        out.write_str(escape)?;
        done = i + 1;
    }
    out.write_str(text.get(done..).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strict(input: &str) -> Result<Vec<(&str, &str)>, ParseError> {
        let mut v = Vec::new();
        parse_pairs(input, |p| v.push((p.name, p.value)), None)?;
        Ok(v)
    }

    fn escaped(text: &str, part: Part) -> String {
        let mut s = String::new();
        write_escaped(&mut s, text, part).unwrap();
        s
    }

    #[test]
    fn pairs_and_white_space() {
        assert_eq!(
            strict(" \r\n[a|1]\t[b|x|y[z]\n").unwrap(),
            vec![("a", "1"), ("b", "x|y[z")]
        );
        assert_eq!(strict("").unwrap(), vec![]);
        assert_eq!(strict(" \n ").unwrap(), vec![]);
        assert_eq!(strict("[a|]").unwrap(), vec![("a", "")]);
    }

    #[test]
    fn find_bar_matches_position() {
        for len in 0..40 {
            for at in 0..=len {
                // Before `at`: bytes one bit away from `|`, and high bytes.
                let mut hay: Vec<u8> = (0..len)
                    .map(|i| [b'}', b'\xfc', b'l', b'\x7e'][i % 4])
                    .collect();
                if let Some(b) = hay.get_mut(at) {
                    *b = b'|';
                }
                // After it: more of the same, and more `|`.
                for (i, b) in hay.iter_mut().enumerate().filter(|(i, _)| *i > at) {
                    *b = [b'}', b'\xfc', b'|', b'l'][i % 4];
                }
                let want = hay.iter().position(|&b| b == b'|');
                assert_eq!(find_bar(&hay), want, "{hay:?}");
            }
        }
    }

    #[test]
    fn decode_escapes() {
        assert_eq!(decode("a%5Bb%5dc%7Cd%25e"), "a[b]c|d%e");
        assert_eq!(decode("50% off"), "50% off");
        assert!(matches!(decode("50% off"), Cow::Borrowed(_)));
        assert_eq!(decode("%%5D"), "%]");
        assert_eq!(decode("%255D"), "%5D");
        assert_eq!(decode("%"), "%");
        assert_eq!(decode("%5"), "%5");
        assert_eq!(decode("é%7Cé%"), "é|é%");
    }

    #[test]
    fn escape_minimal() {
        assert_eq!(escaped("a|b[c", Part::Value), "a|b[c");
        assert_eq!(escaped("a]b", Part::Value), "a%5Db");
        assert_eq!(escaped("a|b]", Part::Name), "a%7Cb%5D");
        assert_eq!(escaped("50% off", Part::Value), "50% off");
        assert_eq!(escaped("%5D", Part::Value), "%255D");
        assert_eq!(escaped("%%7c", Part::Value), "%%257c");
    }
}
