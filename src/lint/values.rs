//! Lints of the values: tokens, merge fields, white space from wrapped
//! lines, pairs lost inside a value.

use std::ops::Range;

use super::{Lint, LintKind, Lints};
use crate::error::Shown;
use crate::request::link::LinkParam;
use crate::system::known_system_name;
use crate::token::table::Token;
use crate::token::template::scan;
use crate::userdata::Pair;

/// Where a pair's parts lie in the text it was parsed from.
///
/// Decoding turns a 3-byte escape into one of `[`, `]`, `|`, `%`: decoded
/// text with none of those before a place was not shortened there, so its
/// offsets are the raw ones. Where that cannot be told, the span widens to
/// the value, then the pair.
pub(super) struct Place {
    /// The pair, `[` to `]`.
    pub(super) pair: Option<Range<usize>>,
    /// Whether nothing in the pair was decoded at all.
    pub(super) plain: bool,
    /// Where the name starts, and the value (when the name's raw length is
    /// known).
    pub(super) name_start: usize,
    pub(super) value_start: Option<usize>,
}

pub(super) fn may_be_decoded(text: &str) -> bool {
    text.bytes().any(|b| matches!(b, b'[' | b']' | b'|' | b'%'))
}

impl Place {
    pub(super) fn of(pair: &Pair<'_>) -> Place {
        let Some(range) = pair.range() else {
            return Place {
                pair: None,
                plain: false,
                name_start: 0,
                value_start: None,
            };
        };
        let plain = pair.name().len() + pair.value().len() + 3 == range.len();
        let name_start = range.start + 1;
        let value_start =
            (plain || !may_be_decoded(pair.name())).then(|| name_start + pair.name().len() + 1);
        Place {
            pair: Some(range),
            plain,
            name_start,
            value_start,
        }
    }

    /// The span of `value[at]`, in the input.
    pub(super) fn in_value(&self, value: &str, at: Range<usize>) -> Option<Range<usize>> {
        let pair = self.pair.clone()?;
        match self.value_start {
            Some(start) if self.plain || !value.get(..at.end).is_some_and(may_be_decoded) => {
                Some(start + at.start..start + at.end)
            }
            Some(start) => Some(start..pair.end.saturating_sub(1).max(start)),
            None => Some(pair),
        }
    }

    /// The span of `name[at]`, in the input.
    pub(super) fn in_name(&self, name: &str, at: Range<usize>) -> Option<Range<usize>> {
        let pair = self.pair.clone()?;
        if self.plain || !name.get(..at.end).is_some_and(may_be_decoded) {
            Some(self.name_start + at.start..self.name_start + at.end)
        } else {
            Some(pair)
        }
    }
}

/// The identifier after a `$`: ASCII letters, digits and `_`.
pub(super) fn identifier(text: &str) -> &str {
    let end = text
        .bytes()
        .position(|b| !(b.is_ascii_alphanumeric() || b == b'_'))
        .unwrap_or(text.len());
    text.get(..end).unwrap_or_default()
}

/// What the lint found at one literal `$` of a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Found<'v> {
    /// `$word` with no closing `$`, `word` a token name.
    Unterminated(&'v str),
    /// `$word$`, `word` no token name.
    Unknown(&'v str),
}

/// Scans one value with the expander's scanner: the tokens it expands go to
/// `on_token`; each `$` it keeps as literal text is looked at, and what it
/// starts, if a mistake, goes to `on_found` with its byte range.
pub(super) fn scan_value<'v>(
    value: &'v str,
    mut on_token: impl FnMut(Range<usize>, Token),
    mut on_found: impl FnMut(Range<usize>, Found<'v>),
) {
    let bytes = value.as_bytes();
    let look = |from: usize, to: usize, on_found: &mut dyn FnMut(Range<usize>, Found<'v>)| {
        let mut at = from;
        while let Some(i) = bytes
            .get(at..to)
            .and_then(|rest| memchr::memchr(b'$', rest))
            .map(|i| at + i)
        {
            at = i + 1;
            let after = value.get(i + 1..).unwrap_or_default();
            let word = identifier(after);
            let starts_alpha = word
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_');
            if !starts_alpha {
                continue;
            }
            // The closing `$` may be the opening `$` of a token.
            let closed = after.as_bytes().get(word.len()) == Some(&b'$');
            if closed {
                on_found(i..i + word.len() + 2, Found::Unknown(word));
            } else if Token::from_name(word).is_some() {
                on_found(i..i + word.len() + 1, Found::Unterminated(word));
            }
        }
    };
    let tail = scan(value, |literal_start, open, token| {
        look(literal_start, open, &mut on_found);
        on_token(open..open + token.name().len() + 2, token);
    });
    look(tail, value.len(), &mut on_found);
}

/// Where text in a value may not be quoted: before the last `@` of a
/// `ctl_callbackUrl` (the URL's user info, or text that may hold it).
pub(super) fn secret_until(name: &str, value: &str) -> usize {
    if known_system_name(name) == Some("ctl_callbackUrl") {
        value.rfind('@').unwrap_or(0)
    } else {
        0
    }
}

/// Unterminated and unknown tokens in one value, at most
/// [`Lint::MAX_PER_VALUE`] of each kind and a summary.
pub(super) fn tokens(lints: &mut Lints<'_>, pair: &Pair<'_>, place: &Place) {
    let (name, value) = (pair.name(), pair.value());
    if memchr::memchr(b'$', value.as_bytes()).is_none() {
        return;
    }
    let secret = secret_until(name, value);
    let mut counts = [0usize; 2];
    scan_value(
        value,
        |_, _| {},
        |at, found| {
            let (kind, count) = match found {
                Found::Unterminated(_) => (LintKind::UnterminatedToken, &mut counts[0]),
                Found::Unknown(_) => (LintKind::UnknownToken, &mut counts[1]),
            };
            *count += 1;
            if *count > Lint::MAX_PER_VALUE {
                return;
            }
            let span = place.in_value(value, at.clone());
            let hidden = at.start < secret;
            lints.push(kind, span, || match found {
                _ if hidden => format!(
                    "`{}`: {} in the URL's user info (not shown); it stays literal text",
                    Shown(name),
                    match kind {
                        LintKind::UnterminatedToken => "a token with no closing `$`",
                        _ => "an unknown token",
                    }
                ),
                Found::Unterminated(word) => format!(
                    "`{}`: `${}` has no closing `$` and stays literal text; write `${}$`",
                    Shown(name),
                    word,
                    word
                ),
                Found::Unknown(word) => {
                    let hint = Token::ALL
                        .iter()
                        .find(|t| t.name().eq_ignore_ascii_case(word))
                        .map(|t| {
                            format!(
                                "; did you mean `${}$`? (token names are case-sensitive)",
                                t.name()
                            )
                        })
                        .unwrap_or_else(|| "; it stays literal text".to_owned());
                    format!(
                        "`{}`: `${}$` is not a known token{hint}",
                        Shown(name),
                        Shown(word)
                    )
                }
            });
        },
    );
    for (kind, count) in [
        (LintKind::UnterminatedToken, counts[0]),
        (LintKind::UnknownToken, counts[1]),
    ] {
        value_summary(lints, kind, name, place, count);
    }
}

/// `{!…}` left in a name or value: one lint for the first.
pub(super) fn merge_field(
    lints: &mut Lints<'_>,
    what: &str,
    name: &str,
    value: &str,
    place: Option<&Place>,
) {
    for (in_name, text) in [(true, name), (false, value)] {
        let Some(start) = memchr::memmem::find(text.as_bytes(), b"{!") else {
            continue;
        };
        let end = memchr::memchr(b'}', text.as_bytes().get(start..).unwrap_or_default())
            .map_or(start + 2, |e| start + e + 1);
        let field = text.get(start..end).unwrap_or("{!");
        let hidden = !in_name && start < secret_until(name, value);
        let message = || {
            let field = if hidden {
                "(in the URL's user info, not shown)".to_owned()
            } else {
                format!("`{}`", Shown(field))
            };
            format!(
                "{what} `{}`: the CRM merge field {field} was not filled in; \
                 build the link where the CRM expands merge fields (a custom link or formula field)",
                Shown(name)
            )
        };
        match place {
            Some(p) => {
                let span = if in_name {
                    p.in_name(name, start..end)
                } else {
                    p.in_value(value, start..end)
                };
                lints.push(LintKind::UnexpandedMergeField, span, message);
            }
            // With no place, the text is a request parameter's name (placed
            // as a whole: names are not mapped byte by byte) or its decoded
            // value.
            None if in_name => {
                let link = lints.at.link.map(LinkParam::name_span);
                lints.push_placed(LintKind::UnexpandedMergeField, None, link, message);
            }
            None => lints.push(LintKind::UnexpandedMergeField, Some(start..end), message),
        }
        return;
    }
}

/// ASCII white space as wrapped lines leave it.
pub(super) fn is_wrap_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Pushes the summary of a value's lints of `kind` past
/// [`Lint::MAX_PER_VALUE`].
pub(super) fn value_summary(
    lints: &mut Lints<'_>,
    kind: LintKind,
    name: &str,
    place: &Place,
    count: usize,
) {
    if count > Lint::MAX_PER_VALUE {
        let more = count - Lint::MAX_PER_VALUE;
        lints.push(kind, place.pair.clone(), || {
            format!(
                "`{}`: {more} more {} in this value not shown",
                Shown(name),
                kind.plural()
            )
        });
    }
}

/// White space from wrapped lines: around the pair's name, and in its
/// value at its start or end, or a run of white space holding a space or
/// tab (`call  answered`, a line break and indentation). A lone line break
/// (`%0A`, meant) is no finding.
pub(super) fn white_space(lints: &mut Lints<'_>, pair: &Pair<'_>, place: &Place) {
    let (name, value) = (pair.name(), pair.value());
    if name.trim() != name && !name.trim().is_empty() {
        let span = place.in_name(name, 0..name.len());
        lints.push(LintKind::WhiteSpaceInParameterName, span, || {
            format!(
                "pair name `{}` has white space around it, as a wrapped line leaves, so it is \
                 not `{}`; remove the white space",
                Shown(name),
                Shown(name.trim())
            )
        });
    }
    let bytes = value.as_bytes();
    let mut count = 0;
    let mut at = 0;
    // Each run of white space in turn, from its first byte to the next
    // byte that is none (or the end). `at` only grows, and the scan ends
    // where no white space is left.
    while let Some(start) = bytes
        .get(at..)
        .and_then(|rest| rest.iter().position(|&b| is_wrap_space(b)))
        .map(|i| at + i)
    {
        let end = bytes
            .get(start..)
            .and_then(|rest| rest.iter().position(|&b| !is_wrap_space(b)))
            .map_or(bytes.len(), |i| start + i);
        at = end;
        let run = bytes.get(start..end).unwrap_or_default();
        let spaced = run.iter().any(|&b| b == b' ' || b == b'\t');
        let what = if start == 0 {
            "white space at the start of the value"
        } else if end == bytes.len() {
            "white space at the end of the value"
        } else if run.len() >= 2 && spaced && run.iter().any(|&b| b == b'\n' || b == b'\r') {
            "a line break with indentation in the value"
        } else if run.len() >= 2 && spaced {
            "a run of white space in the value"
        } else {
            continue;
        };
        count += 1;
        if count > Lint::MAX_PER_VALUE {
            continue;
        }
        let span = place.in_value(value, start..end);
        lints.push(LintKind::WhiteSpaceInValue, span, || {
            format!(
                "`{}`: {what} ({} bytes), as a wrapped line pasted into the link leaves; \
                 remove it (write `%0A` where a line break is meant)",
                Shown(name),
                run.len()
            )
        });
    }
    value_summary(lints, LintKind::WhiteSpaceInValue, name, place, count);
}

/// The name of a pair that lost its `]`: letters, digits, `_ . -`.
pub(super) fn is_pair_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')
}

/// A `[` in a value followed by a name and `|`: a pair that lost the `]`
/// before it. Linear: the name scan after a `[` stops at the next `[`.
pub(super) fn lost_pairs(lints: &mut Lints<'_>, pair: &Pair<'_>, place: &Place) {
    let (name, value) = (pair.name(), pair.value());
    let bytes = value.as_bytes();
    let secret = secret_until(name, value);
    let mut count = 0;
    for open in memchr::memchr_iter(b'[', bytes) {
        let word = bytes
            .get(open + 1..)
            .unwrap_or_default()
            .iter()
            .take_while(|&&b| is_pair_name_byte(b))
            .count();
        if word == 0 || bytes.get(open + 1 + word) != Some(&b'|') {
            continue;
        }
        count += 1;
        if count > Lint::MAX_PER_VALUE {
            continue;
        }
        let lost = value.get(open + 1..open + 1 + word).unwrap_or_default();
        let hidden = open < secret;
        let span = place.in_value(value, open..open + 1);
        lints.push(LintKind::LostPairInValue, span, || {
            let shown = if hidden {
                "a `[name|` (in the URL's user info, not shown)".to_owned()
            } else {
                format!("`[{}|`", Shown(lost))
            };
            format!(
                "`{}`: {shown} inside the value looks like a pair whose `]` before it is lost; \
                 end the pair before it with `]`, or, if the `[` belongs to the value, write it \
                 `%5B` (`%255B` in a link)",
                Shown(name)
            )
        });
    }
    value_summary(lints, LintKind::LostPairInValue, name, place, count);
}
