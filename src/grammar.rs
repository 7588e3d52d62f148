//! The `[name|value]…` grammar: nom parsers that read as the grammar, with
//! fast leaves.
//!
//! ```text
//! data  = ws *( pair ws )
//! pair  = "[" name "|" value "]"
//! name  = 1*( any byte but "|" and "]" )
//! value = *( any byte but "]" )          ; may hold "|" and "["
//! ws    = *( ASCII white space )
//! ```
//!
//! Each rule is a parser below: [`data_step`] is one step of `data`,
//! [`pair`] and [`inside`] are `pair`, [`ws`] is `ws`. Once a pair's `[` is
//! read, the rest of the pair is under nom's `cut`: no other rule could take
//! it, so a fault there is an error, not a reason to try something else.
//! A pair is read from the outside in, as the grammar allows (neither a
//! name nor a value holds a `]`, and a name holds no `|`): the fast leaves
//! are [`till_close`], which finds the pair's `]` with `memchr2` and notes
//! the first `%` on the way (a long value costs one vectorised scan), and
//! [`till_bar`], which finds the name's `|` with a byte loop (names are
//! short); the delimiters themselves are read by [`ascii`], nom's `char`
//! on one byte. Nothing is scanned twice: every parser here is linear in
//! its input, with no recursion. Nothing from nom leaves this module: errors
//! become [`ParseError`]/[`Diagnostic`] with byte offsets at the boundary
//! ([`parse_pairs`]).
//!
//! The four escapes of the crate (`%5B` `%5D` `%7C` `%25`) are decoded by
//! [`decode`], which borrows whenever the text holds none of them, and
//! written back by [`write_escaped`], which escapes only where reading would
//! otherwise go wrong.
//!
//! Slicing here indexes directly (`&s[..i]`, `split_at`) where the index is
//! proven: it is the place of an ASCII byte a search just found, or the end.
//! An off-by-one would panic under the fuzzers and property tests rather
//! than quietly give an empty name.

use std::borrow::Cow;
use std::fmt;

use nom::branch::alt;
use nom::combinator::{cut, eof, map, not};
use nom::sequence::{preceded, terminated};
use nom::{IResult, Offset, Parser};

use crate::encode::Given;
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

/// What the grammar found wrong: the grammar's [`ParseErrorKind`]s, as a
/// small `Copy` value for the parsers to pass around.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    UnterminatedPair,
    MissingSeparator,
    EmptyName,
    TextBetweenPairs,
}

impl From<Fault> for ParseErrorKind {
    fn from(fault: Fault) -> Self {
        match fault {
            Fault::UnterminatedPair => ParseErrorKind::UnterminatedPair,
            Fault::MissingSeparator => ParseErrorKind::MissingSeparator,
            Fault::EmptyName => ParseErrorKind::EmptyName,
            Fault::TextBetweenPairs => ParseErrorKind::TextBetweenPairs,
        }
    }
}

/// nom's error type for this grammar: what was wrong, where (`at`, the
/// input left at that point), and where the pair it is in began (`open`, at
/// its `[`; for stray text, the text itself).
#[derive(Debug)]
struct GrammarError<'a> {
    kind: Fault,
    at: &'a str,
    open: &'a str,
}

impl<'a> nom::error::ParseError<&'a str> for GrammarError<'a> {
    // Every parser here that can fail is wrapped in `expect`, which names
    // its fault; what is left is a pair's `[` that is not there.
    fn from_error_kind(input: &'a str, _: nom::error::ErrorKind) -> Self {
        GrammarError {
            kind: Fault::TextBetweenPairs,
            at: input,
            open: input,
        }
    }

    fn append(_: &'a str, _: nom::error::ErrorKind, other: Self) -> Self {
        other
    }
}

type Res<'a, T> = IResult<&'a str, T, GrammarError<'a>>;

/// `parser`, whose fault (a recoverable error or a failure under `cut`) is
/// `kind`, at the place it failed.
#[inline]
fn expect<'a, O>(
    kind: Fault,
    mut parser: impl Parser<&'a str, Output = O, Error = GrammarError<'a>>,
) -> impl Parser<&'a str, Output = O, Error = GrammarError<'a>> {
    move |input: &'a str| {
        parser
            .parse(input)
            .map_err(|e| e.map(|e| GrammarError { kind, ..e }))
    }
}

/// A name or value as it stands, and whether it holds a `%` (and so may
/// hold an escape).
#[derive(Debug, Clone, Copy)]
struct Text<'a> {
    text: &'a str,
    has_percent: bool,
}

/// The ASCII character `c`: nom's `char`, comparing one byte (a delimiter
/// is ASCII, so there is no character to decode first).
#[inline]
fn ascii<'a>(c: u8) -> impl Fn(&'a str) -> Res<'a, char> {
    move |input: &'a str| {
        if input.as_bytes().first() == Some(&c) {
            // One ASCII byte: a character boundary after it.
            Ok((&input[1..], char::from(c)))
        } else {
            Err(nom::Err::Error(nom::error::ParseError::from_error_kind(
                input,
                nom::error::ErrorKind::Char,
            )))
        }
    }
}

/// A pair's name and value.
type Body<'a> = (Text<'a>, Text<'a>);

/// `ws = *( ASCII white space )`, a byte at a time (every byte of it is
/// ASCII, and it is short).
#[inline]
fn ws(input: &str) -> Res<'_, &str> {
    let end = input
        .bytes()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(input.len());
    // `end` is the place of the first byte that is not ASCII white space
    // (ASCII or a character's first byte), or the end.
    let (space, rest) = input.split_at(end);
    Ok((rest, space))
}

/// The text of a pair up to its first `]` (or the end of the input), and
/// the place of the first `%` in it. One `memchr2` finds the first `]` or
/// `%`; when a `%` comes first, one `memchr` from there finds the `]`.
#[inline]
fn till_close(input: &str) -> Res<'_, (&str, Option<usize>)> {
    let bytes = input.as_bytes();
    let (end, percent) = match memchr::memchr2(b']', b'%', bytes) {
        Some(i) if bytes[i] == b'%' => {
            let after = i + 1;
            let close = memchr::memchr(b']', &bytes[after..]).map_or(bytes.len(), |j| after + j);
            (close, Some(i))
        }
        found => (found.unwrap_or(bytes.len()), None),
    };
    // `end` is the place of a `]`, or the end: a character boundary.
    let (text, rest) = input.split_at(end);
    Ok((rest, (text, percent)))
}

/// A name: the pair's text up to its first `|` (or its end), found by a
/// byte loop (names are short: a `memchr` call costs more).
#[inline]
fn till_bar(input: &str) -> Res<'_, &str> {
    let end = input.bytes().position(|b| b == b'|').unwrap_or(input.len());
    // `end` is the place of a `|`, or the end: a character boundary.
    let (name, rest) = input.split_at(end);
    Ok((rest, name))
}

/// `pair = "[" name "|" value "]"`, everything after the `[` under `cut`.
/// A fault in the pair records where the pair began.
#[inline]
fn pair(input: &str) -> Res<'_, Body<'_>> {
    preceded(ascii(b'['), cut(inside))
        .parse(input)
        .map_err(|e| e.map(|e| GrammarError { open: input, ..e }))
}

/// `name "|" value "]"`, read from the outside in: the pair ends at its
/// first `]` (neither a name nor a value holds one), and the name at the
/// first `|` before that. Faults in the order a reader meets them: an empty
/// name (at its `|`), then no `]` at all (at the pair's `[`), then no `|`
/// before the `]` (at the `]`).
#[inline]
fn inside(input: &str) -> Res<'_, Body<'_>> {
    let (_, ()) = expect(Fault::EmptyName, not(ascii(b'|'))).parse(input)?;
    let (rest, (text, percent)) =
        terminated(till_close, expect(Fault::UnterminatedPair, ascii(b']'))).parse(input)?;
    // Parsed within `text`: a missing `|` is reported at the `]` after it,
    // as the input from there (where lenient parsing resumes).
    let (value, name) = terminated(till_bar, expect(Fault::MissingSeparator, ascii(b'|')))
        .parse(text)
        .map_err(|e| {
            e.map(|e| GrammarError {
                at: &input[text.len()..],
                ..e
            })
        })?;
    // The first arm is a shortcut (a first `%` past the name is in the
    // value, so the name needs no decoding and the value no second scan);
    // the last arm is right for any `percent` (a name without a `%` decodes
    // to itself). So its guard's mutants (`false`, `==`, and `>=`, the `|`
    // at `name.len()` being no `%`) change the work done, not the result.
    let (name_has_percent, value_has_percent) = match percent {
        None => (false, false),
        Some(p) if p > name.len() => (false, true),
        Some(_) => (true, memchr::memchr(b'%', value.as_bytes()).is_some()),
    };
    let name = Text {
        text: name,
        has_percent: name_has_percent,
    };
    let value = Text {
        text: value,
        has_percent: value_has_percent,
    };
    Ok((rest, (name, value)))
}

/// One step of `data = ws *( pair ws )`: white space, then the end of the
/// input (`None`) or a pair with the text it was read from.
#[inline]
fn data_step(input: &str) -> Res<'_, Option<Body<'_>>> {
    preceded(ws, alt((map(eof, |_| None), map(pair, Some)))).parse(input)
}

/// Where lenient parsing resumes after an error at `at`, as the input left
/// there.
fn resume(kind: Fault, at: &str) -> &str {
    let bytes = at.as_bytes();
    let skip = match kind {
        // Up to the next `[` (the text at `at` is not one).
        Fault::TextBetweenPairs => memchr::memchr(b'[', bytes).unwrap_or(bytes.len()),
        // `at` is the `]` that ended the name: resume after it.
        Fault::MissingSeparator => 1,
        // `at` is the `|`: skip the value and its `]`.
        Fault::EmptyName => memchr::memchr(b']', bytes).map_or(bytes.len(), |i| i + 1),
        // Nothing more can be a pair.
        Fault::UnterminatedPair => bytes.len(),
    };
    // `skip` is just past an ASCII byte of `at`, at the place of one, or the
    // end: a character boundary within `at`.
    &at[skip..]
}

/// Parses every pair, strictly or leniently.
///
/// Strict: the first error is returned, at the place of the fault (an
/// unterminated pair at its `[`). Lenient (`diagnostics` given): each
/// error is recorded with the span of what is skipped, and parsing resumes
/// after it; the result is then always `Ok`. Skipped stretches with no pair
/// between them (white space aside) make one diagnostic, of the kind of
/// its first fault: there are never more diagnostics than pairs plus one.
pub(crate) fn parse_pairs<'a>(
    input: &'a str,
    mut on_pair: impl FnMut(RawPair<'a>),
    mut diagnostics: Option<&mut Vec<Diagnostic>>,
) -> Result<(), ParseError> {
    let mut rest = input;
    // Whether the last thing read was skipped text (so the next skipped
    // stretch joins its diagnostic).
    let mut skipping = false;
    loop {
        let e = match data_step(rest) {
            Ok((_, None)) => return Ok(()),
            Ok((r, Some((name, value)))) => {
                // The name starts just after the pair's `[`.
                let start = input.offset(name.text) - 1;
                on_pair(RawPair {
                    name: name.text,
                    value: value.text,
                    start,
                    end: input.offset(r),
                    name_has_percent: name.has_percent,
                    value_has_percent: value.has_percent,
                });
                rest = r;
                skipping = false;
                continue;
            }
            Err(nom::Err::Error(e) | nom::Err::Failure(e)) => e,
            // Complete parsers never ask for more input; were one to, the
            // input would have ended inside a pair.
            Err(nom::Err::Incomplete(_)) => GrammarError {
                kind: Fault::UnterminatedPair,
                at: &rest[rest.len()..],
                open: rest,
            },
        };
        let start = input.offset(e.open);
        let Some(diags) = diagnostics.as_deref_mut() else {
            let offset = match e.kind {
                Fault::UnterminatedPair => start,
                _ => input.offset(e.at),
            };
            return Err(ParseError::new(e.kind.into(), offset));
        };
        let next = resume(e.kind, e.at);
        let end = input.offset(next);
        match diags.last_mut() {
            Some(last) if skipping => last.extend_to(end),
            _ => diags.push(Diagnostic::new(e.kind.into(), start..end)),
        }
        skipping = true;
        rest = next;
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
    // Bytes of `raw` already written to `out`. An escape's two characters
    // are never `%`, so no `%` found here lies inside an escape decoded
    // before it; `done` and `i` are the end of an escape or the place of a
    // `%`: ASCII, so character boundaries.
    let mut done = 0;
    for i in memchr::memchr_iter(b'%', &bytes[first..]).map(|j| first + j) {
        if let Some(c) = escape_at(bytes, i) {
            out.push_str(&raw[done..i]);
            out.push(c);
            done = i + 3;
        }
    }
    out.push_str(&raw[done..]);
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

/// The one pair writer: `[name|value]`, each escaped by [`write_escaped`].
/// `open` is the name, or `[name|` as [`write_open`] wrote it once (for a
/// pair written on many calls). `Display` on `UserData` and `CompiledLink`
/// both write pairs with it.
#[inline]
pub(crate) fn write_pair(out: &mut impl fmt::Write, open: Given<'_>, value: &str) -> fmt::Result {
    match open {
        Given::Plain(name) => write_open(out, name)?,
        Given::Encoded(open) => out.write_str(open)?,
    }
    write_escaped(out, value, Part::Value)?;
    out.write_str("]")
}

/// The start of a pair, `[name|`, the name escaped.
#[inline]
pub(crate) fn write_open(out: &mut impl fmt::Write, name: &str) -> fmt::Result {
    out.write_str("[")?;
    write_escaped(out, name, Part::Name)?;
    out.write_str("|")
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
    // `at` is just past a byte found, so at most the length; every cut is at
    // an ASCII byte found, so on a character boundary.
    while let Some(j) = find(&bytes[at..]) {
        let i = at + j;
        at = i + 1;
        let escape = match bytes[i] {
            b'|' => "%7C",
            b']' => "%5D",
            // A `%` needs escaping only where it would start an escape.
            b'%' if escape_at(bytes, i).is_some() => "%25",
            _ => continue,
        };
        out.write_str(&text[done..i])?;
        out.write_str(escape)?;
        done = i + 1;
    }
    out.write_str(&text[done..])
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
