//! The dial parameters' values: the phone (digits, formatting, a trailing
//! extension), the digits-only `prefix` and `callerId`, and the ids.

use std::ops::Range;

use crate::error::{RequestError, RequestErrorKind};

/// A dash that CRMs and word processors put in phone numbers: `-`, the
/// Unicode hyphens and dashes U+2010 to U+2015, the minus sign U+2212, and
/// the small and full-width hyphen-minus (U+FE58, U+FE63, U+FF0D).
fn is_phone_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}'
    )
}

/// A space in a phone number: the ASCII space and the Unicode space
/// separators (no-break U+00A0, figure U+2007, narrow no-break U+202F, thin
/// and the other U+2000 to U+200A spaces, U+1680, U+205F, U+3000).
fn is_phone_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\u{00A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

/// Formatting in a phone number: spaces, dashes and `+ . ( ) /`.
fn is_phone_formatting(c: char) -> bool {
    is_phone_space(c) || is_phone_dash(c) || matches!(c, '+' | '.' | '(' | ')' | '/')
}

/// The markers of a trailing extension, longest first, matched in any case.
const EXTENSION_MARKERS: [&str; 6] = [";ext=", "extension", "ext.", "ext", "x", "#"];

/// Splits `phone` into the number and a trailing extension: a marker
/// (`ext`, `ext.`, `extension`, `x`, `#` or `;ext=`, any case, spaces around
/// it allowed) followed by digits at the very end, after a number that has
/// a digit. A marker made of letters must not end a word (`Box 12` is no
/// extension). Returns the number part (trailing spaces trimmed) and the
/// extension's digits.
pub(crate) fn split_extension(phone: &str) -> (&str, Option<&str>) {
    let trimmed = phone.trim_end_matches(is_phone_space);
    let digits_at = trimmed.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let Some(extension) = trimmed.get(digits_at..).filter(|d| !d.is_empty()) else {
        return (phone, None);
    };
    let before = trimmed
        .get(..digits_at)
        .unwrap_or_default()
        .trim_end_matches(is_phone_space);
    for marker in EXTENSION_MARKERS {
        let Some(cut) = before.len().checked_sub(marker.len()) else {
            continue;
        };
        let ends = before
            .get(cut..)
            .is_some_and(|tail| tail.eq_ignore_ascii_case(marker));
        if !ends {
            continue;
        }
        let number = before.get(..cut).unwrap_or_default();
        let wordy = marker.starts_with(|c: char| c.is_ascii_alphabetic())
            && number.ends_with(|c: char| c.is_alphabetic());
        if wordy || !number.bytes().any(|b| b.is_ascii_digit()) {
            return (phone, None);
        }
        return (number.trim_end_matches(is_phone_space), Some(extension));
    }
    (phone, None)
}

/// `phone`: required; digits and formatting, at least one digit, and an
/// optional trailing extension. On error, the byte range of the offending
/// character in `phone` (`None`: the whole value, which has no digit).
pub(super) fn check_phone(phone: &str) -> Result<(), (RequestError, Option<Range<usize>>)> {
    if phone.is_empty() {
        return Err((RequestErrorKind::MissingPhone.into(), None));
    }
    let (number, _) = split_extension(phone);
    let error = || {
        let err = RequestError::from(RequestErrorKind::InvalidPhone {
            value: phone.to_owned(),
        });
        if phone.contains("{!") {
            err.with_help("`{!…}` is a CRM merge field the CRM did not fill in")
        } else {
            err
        }
    };
    if let Some((at, c)) = number
        .char_indices()
        .find(|&(_, c)| !c.is_ascii_digit() && !is_phone_formatting(c))
    {
        // A merge field is underlined whole, to its `}`.
        let end = match number.get(at..) {
            Some(rest) if rest.starts_with("{!") => {
                rest.find('}').map_or(number.len(), |e| at + e + 1)
            }
            _ => at + c.len_utf8(),
        };
        return Err((error(), Some(at..end)));
    }
    if !number.bytes().any(|b| b.is_ascii_digit()) {
        return Err((error(), None));
    }
    Ok(())
}

/// A digits-only parameter; on error, the offending character's range.
pub(super) fn check_digits(
    parameter: &'static str,
    value: &str,
) -> Result<(), (RequestError, Option<Range<usize>>)> {
    match value.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        None => Ok(()),
        Some((at, c)) => Err((
            RequestErrorKind::NotDigits {
                parameter,
                value: value.to_owned(),
            }
            .into(),
            Some(at..at + c.len_utf8()),
        )),
    }
}

pub(super) fn parse_id(
    parameter: &'static str,
    value: Option<String>,
) -> Result<Option<u64>, (RequestError, Option<Range<usize>>)> {
    let Some(value) = value.filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    check_digits(parameter, &value)?;
    value
        .parse()
        .map(Some)
        .map_err(|_| (RequestErrorKind::Overflow { parameter, value }.into(), None))
}
